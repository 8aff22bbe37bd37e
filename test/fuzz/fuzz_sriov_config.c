/* Fuzz target: the sriov plugin's config parser (plugins/main/sriov/config.c) on a request. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../plugins/main/sriov/sriov.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct sriov_config c;
	struct cni_err err;
	char dir[PATH_MAX];

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		/* DEL reads dataDir alone, whatever else the config got wrong. */
		sriov_config_data_dir(&req, dir, sizeof(dir));
		if (sriov_config_parse(&req, &c, &err) == 0 &&
		    (!c.device_id[0] || strchr(c.device_id, '/') || c.mtu < 0 || c.vf.vlan > 4094 ||
		     c.vf.qos > 7 || !c.fastpath_socket[0]))
			abort();
	}
	fuzz_request_free(&req);
	return 0;
}
