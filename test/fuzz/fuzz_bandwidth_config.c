/* Fuzz target: the bandwidth plugin's config parser (plugins/meta/bandwidth/config.c). */
#include <stdint.h>

#include "../../plugins/meta/bandwidth/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct bandwidth_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0 &&
	    bandwidth_config_parse(&req, &c, &err) == 0)
		bandwidth_config_is_zero(&c);
	fuzz_request_free(&req);
	return 0;
}
