/* The result cache under <cacheDir>/results, in libcni's cniCacheV1 format (internal to libcni). */
#ifndef LIBCNI_CACHE_H
#define LIBCNI_CACHE_H

#include <jansson.h>

#include "cni/err.h"
#include "libcni/libcni.h"

/* Record an ADD: the list's bytes, the runtime arguments and the final result object. */
int libcni_cache_add(const struct libcni *c, const struct libcni_list *list,
		     const struct libcni_runtime *rt, const json_t *result, struct cni_err *err);
/* The cached result as JSON in version; *out NULL when nothing is cached. */
int libcni_cache_result_json(const struct libcni *c, const char *network, const char *version,
			     const struct libcni_runtime *rt, json_t **out, struct cni_err *err);
/* Remove the entry; a missing one is not an error. */
void libcni_cache_del(const struct libcni *c, const char *network, const struct libcni_runtime *rt);

#endif
