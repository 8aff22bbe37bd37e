/* Fuzz target: vxlan-overlay's config parser and its peers list, inline or from peersFile. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "../../plugins/main/vxlan-overlay/config.h"
#include "request_input.h"
#include "scratch_file.h"

/*
 * A peersFile path from the input would let the fuzzer read the machine's files. The string
 * value is taken as the file's content instead, and the key pointed at that content.
 */
static void redirect_peers_file(json_t *config)
{
	const char *key;
	json_t *value;
	void *tmp;

	json_object_foreach_safe(config, tmp, key, value)
	{
		if (strcasecmp(key, "peersFile") || !json_is_string(value))
			continue;
		json_object_set_new(config, key,
				    json_string(fuzz_scratch_file(json_string_value(value),
								  json_string_length(value))));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct vxo_config c;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		redirect_peers_file(req.config);
		memset(&c, 0, sizeof(c));
		if (vxo_config_parse(&req, true, &c, &err) == 0)
			json_decref(vxo_config_ipam(&c, &err));
		vxo_config_free(&c);
	}
	fuzz_request_free(&req);
	return 0;
}
