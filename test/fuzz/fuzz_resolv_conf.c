/* Fuzz target: host-local's resolvConf reader on any file content. */
#include <stdint.h>

#include "ipam/resolv_conf.h"
#include "scratch_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_dns dns;
	struct cni_err err;

	cni_err_clear(&err);
	if (ipam_resolv_conf_parse(fuzz_scratch_file(data, size), &dns, &err) == 0)
		cni_dns_free(&dns);
	return 0;
}
