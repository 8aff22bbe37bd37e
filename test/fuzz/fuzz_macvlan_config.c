/* Fuzz target: the macvlan plugin's config parser (plugins/main/macvlan/config.c) on a request. */
#include <stdint.h>

#include "../../plugins/main/macvlan/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct macvlan_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    macvlan_config_parse(&req, &c, &err) == 0)
		macvlan_mode_name(c.mode);
	fuzz_request_free(&req);
	return 0;
}
