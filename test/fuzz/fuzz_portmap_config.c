/* Fuzz target: the portmap plugin's config parser (plugins/meta/portmap/config.c) on a request. */
#include <stdint.h>
#include <string.h>

#include "../../plugins/meta/portmap/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct portmap_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		memset(&c, 0, sizeof(c));
		/* Freed whatever the outcome, as the plugin does. */
		portmap_config_parse(&req, &c, &err);
		portmap_config_free(&c);
	}
	fuzz_request_free(&req);
	return 0;
}
