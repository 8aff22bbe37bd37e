/* Fuzz target: the bridge plugin's config parser (plugins/main/bridge/config.c) on a request. */
#include <stdint.h>

#include "../../plugins/main/bridge/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct bridge_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    bridge_config_parse(&req, &c, &err) == 0)
		bridge_config_check_add(&c, &err);
	fuzz_request_free(&req);
	return 0;
}
