/* Fuzz target: static IPAM's config and the result it builds (ADD touches no system state). */
#include <stdint.h>

#include "ipam/static.h"
#include "request_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct cni_result result;
	struct cni_err err;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		cni_result_init(&result, req.cni_version);
		if (ipam_static_add(&req, &result, &err) == 0)
			json_decref(cni_result_to_json(&result, req.cni_version, &err));
		cni_result_free(&result);
		if (req.has_prev_result)
			ipam_static_check(&req, &err);
	}
	fuzz_request_free(&req);
	return 0;
}
