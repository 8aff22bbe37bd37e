/* Fuzz target: host-local's config (ranges, routes, requested IPs from args and runtimeConfig). */
#include <stdint.h>
#include <string.h>

#include "ipam/hostlocal_config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ipam_hostlocal_config c;
	struct cni_request req;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		memset(&c, 0, sizeof(c));
		ipam_hostlocal_config_parse(&req, &c, &err);
		ipam_hostlocal_config_free(&c);
	}
	fuzz_request_free(&req);
	return 0;
}
