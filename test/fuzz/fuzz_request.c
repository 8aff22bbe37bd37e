/* Fuzz target: the skel's common request parse (CNI_ARGS, config keys, dns, prevResult, GC list).
 */
#include <stdint.h>

#include "cni/args.h"
#include "cni/result.h"
#include "cni/version.h"
#include "request_input.h"

static const char *const known_args[] = {"IP", "MAC", "GATEWAY", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_request req;
	struct cni_err err;
	int cmp;

	if (fuzz_request_init(&req, data, size, &err) == 0) {
		cni_args_check_known(req.cni_args, req.n_cni_args, known_args, &err);
		cni_version_cmp(req.cni_version, CNI_VERSION_LATEST, &cmp, &err);
		cni_version_is_supported(req.cni_version);
		cni_request_arg(&req, "IP");
		for (size_t i = 0; i < req.n_valid_attachments; i++)
			cni_request_attachment_is_valid(&req, req.valid_attachments[i].container_id,
							req.valid_attachments[i].ifname);
	}
	fuzz_request_free(&req);
	return 0;
}
