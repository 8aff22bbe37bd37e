/* Fuzz target: a result of any version (prevResult, delegated IPAM output) parsed and reprinted. */
#include <jansson.h>
#include <stdint.h>

#include "cni/result.h"
#include "cni/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *obj = json_loadb((const char *)data, size, JSON_DECODE_ANY, &(json_error_t){0});
	struct cni_result r;
	struct cni_err err;

	if (!obj)
		return 0;
	cni_err_clear(&err);
	/* The fallback matters only when the object gives no cniVersion: try the oldest shape. */
	if (cni_result_from_json(obj, size % 2 ? "0.1.0" : "1.1.0", &r, &err) == 0) {
		for (size_t i = 0; i < cni_n_supported_versions; i++) {
			json_t *out = cni_result_to_json(&r, cni_supported_versions[i], &err);
			struct cni_result again;

			/* What we print must parse back: a CHECK gets it as prevResult. */
			if (out && cni_result_from_json(out, "1.1.0", &again, &err) == 0)
				cni_result_free(&again);
			json_decref(out);
		}
		cni_result_free(&r);
	}
	json_decref(obj);
	return 0;
}
