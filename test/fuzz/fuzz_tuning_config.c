/* Fuzz target: the tuning plugin's config parser (plugins/meta/tuning/config.c) on a request. */
#include <stdint.h>
#include <string.h>

#include "../../plugins/meta/tuning/config.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct tuning_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		memset(&c, 0, sizeof(c));
		/* Freed whatever the outcome, as the plugin does. */
		if (tuning_config_parse(&req, &c, &err) == 0)
			tuning_config_changes_link(&c);
		tuning_config_free(&c);
	}
	fuzz_request_free(&req);
	return 0;
}
