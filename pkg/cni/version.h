/* CNI spec versions: the supported list, parsing and comparison. */
#ifndef CNI_VERSION_H
#define CNI_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"

#define CNI_VERSION_LATEST "1.1.0"

extern const char *const cni_supported_versions[];
extern const size_t cni_n_supported_versions;

bool cni_version_is_supported(const char *v);
/* Compare two semver strings; -1 with err set (code 6) when one does not parse. */
int cni_version_cmp(const char *a, const char *b, int *result, struct cni_err *err);
/* a >= b, for versions already known to parse. */
bool cni_version_at_least(const char *a, const char *b);

#endif
