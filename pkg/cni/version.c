/* CNI spec versions: what we speak, and ordering between versions. */
#include "cni/version.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const cni_supported_versions[] = {"0.1.0", "0.2.0", "0.3.0", "0.3.1",
					      "0.4.0", "1.0.0", "1.1.0"};
const size_t cni_n_supported_versions = sizeof(cni_supported_versions) / sizeof(char *);

bool cni_version_is_supported(const char *v)
{
	for (size_t i = 0; i < cni_n_supported_versions; i++)
		if (!strcmp(v, cni_supported_versions[i]))
			return true;
	return false;
}

static const char *const part_names[3] = {"major", "minor", "micro"};

/* The reference's ParseVersion: "" is 0.1.0; up to three dot-separated integers. */
static int version_parse(const char *v, long parts[3], struct cni_err *err)
{
	const char *p = v;

	parts[0] = 0;
	parts[1] = v[0] ? 0 : 1;
	parts[2] = 0;
	for (int i = 0; *v && i < 4; i++) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char buf[32];
		char *end;

		if (i == 3)
			return cni_errf(err, CNI_ERR_DECODE, 0,
					"invalid version \"%s\": too many parts", v);
		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		errno = 0;
		parts[i] = strtol(buf, &end, 10);
		if (!buf[0] || *end || errno)
			return cni_errf(err, CNI_ERR_DECODE, 0,
					"failed to convert %s version part \"%s\": strconv.Atoi: "
					"parsing \"%s\": invalid syntax",
					part_names[i], buf, buf);
		if (!dot)
			break;
		p = dot + 1;
	}
	return 0;
}

int cni_version_cmp(const char *a, const char *b, int *result, struct cni_err *err)
{
	long pa[3], pb[3];

	if (version_parse(a, pa, err) < 0 || version_parse(b, pb, err) < 0)
		return -1;
	*result = 0;
	for (int i = 0; i < 3 && !*result; i++)
		*result = (pa[i] > pb[i]) - (pa[i] < pb[i]);
	return 0;
}

bool cni_version_at_least(const char *a, const char *b)
{
	struct cni_err err;
	int r;

	if (cni_version_cmp(a, b, &r, &err) < 0)
		return false;
	return r >= 0;
}
