/* Fuzz target: CNI_ARGS "K=V;K=V" splitting, the IgnoreUnknown rule and its boolean values. */
#include <stdint.h>
#include <stdlib.h>

#include "cni/args.h"
#include "request_input.h"

static const char *const known_args[] = {"IP", "MAC", "K8S_POD_NAME", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strndup(data, size);
	struct cni_arg *args;
	struct cni_err err;
	size_t n;
	bool b;

	cni_err_clear(&err);
	if (cni_args_parse(s, &args, &n, &err) == 0) {
		cni_args_check_known(args, n, known_args, &err);
		for (size_t i = 0; i < n; i++)
			cni_args_parse_bool(args[i].value, &b, &err);
		cni_args_free(args, n);
	}
	free(s);
	return 0;
}
