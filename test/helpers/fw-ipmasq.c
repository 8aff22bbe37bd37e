/* Test-only driver of pkg/fw's ipMasq API (built by test/fw.bats), until bridge and ptp call it.
 * fw-ipmasq setup|teardown BACKEND NETWORK IFNAME ID [ADDR/LEN...]
 * fw-ipmasq gc BACKEND NETWORK [ID:IFNAME...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/ipmasq.h"

int main(int argc, char **argv)
{
	struct cni_err err = {0};
	enum fw_backend backend;
	int ret;

	if (argc < 4 || fw_backend_parse("backend", argv[2], &backend, &err) < 0) {
		fprintf(stderr, "usage: fw-ipmasq setup|teardown|gc BACKEND NETWORK ...\n");
		return 2;
	}
	if (strcmp(argv[1], "gc") == 0) {
		size_t n = (size_t)(argc - 4);
		struct cni_attachment *valid = calloc(n + 1, sizeof(*valid));

		for (size_t i = 0; i < n; i++) {
			char *sep = strchr(argv[4 + i], ':');

			if (!sep)
				return 2;
			*sep = '\0';
			valid[i] = (struct cni_attachment){argv[4 + i], sep + 1};
		}
		ret = fw_ipmasq_gc(backend, argv[3], valid, n, &err);
		free(valid);
	} else {
		struct fw_ipmasq_owner o = {argv[3], argc > 4 ? argv[4] : "",
					    argc > 5 ? argv[5] : ""};
		size_t n = argc > 6 ? (size_t)(argc - 6) : 0;
		struct cni_prefix *addrs = calloc(n + 1, sizeof(*addrs));

		for (size_t i = 0; i < n; i++)
			if (!cni_prefix_parse(argv[6 + i], &addrs[i]))
				return 2;
		if (strcmp(argv[1], "setup") == 0)
			ret = fw_ipmasq_setup(backend, addrs, n, &o, &err);
		else
			ret = fw_ipmasq_teardown(backend, addrs, n, &o, &err);
		free(addrs);
	}
	if (ret < 0) {
		fprintf(stderr, "code %u: %s (%s)\n", err.code, err.msg, err.details);
		return 1;
	}
	return 0;
}
