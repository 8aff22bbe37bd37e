/* Fuzz target: the ipvlan plugin's config parser (plugins/main/ipvlan/config.c) on a request. */
#include <stdint.h>

#include "../../plugins/main/ipvlan/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct ipvlan_config c;
	struct cni_err err;

	/* ADD reads the master from the prevResult (chained mode); the other verbs do not. */
	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    ipvlan_config_parse(&req, size % 2, &c, &err) == 0)
		ipvlan_mode_name(c.mode);
	fuzz_request_free(&req);
	return 0;
}
