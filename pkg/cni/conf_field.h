/* Typed reads of config members with Go's encoding/json rules: the one way plugins read their keys.
 */
#ifndef CNI_CONF_FIELD_H
#define CNI_CONF_FIELD_H

#include <jansson.h>
#include <stdbool.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/result.h"

/*
 * The member named key, matched exactly first and then case-insensitively, as Go's encoding/json
 * does. NULL when obj is not an object, the key is absent, or its value is JSON null.
 * Every reader below leaves *out unset (NULL / 0 / false / family 0) when the key is absent and
 * fails with code 7 (invalid config) when the value has the wrong type.
 */
json_t *cni_conf_get(const json_t *obj, const char *key);
int cni_conf_string(const json_t *obj, const char *key, const char **out, struct cni_err *err);
int cni_conf_bool(const json_t *obj, const char *key, bool *out, struct cni_err *err);
int cni_conf_int(const json_t *obj, const char *key, int *out, bool *present, struct cni_err *err);
int cni_conf_array(const json_t *obj, const char *key, json_t **out, struct cni_err *err);
int cni_conf_object(const json_t *obj, const char *key, json_t **out, struct cni_err *err);
/* An IP address string; "" counts as absent, as for Go's net.IP. */
int cni_conf_ip(const json_t *obj, const char *key, struct cni_ip *out, struct cni_err *err);
int cni_conf_prefix(const json_t *obj, const char *key, struct cni_prefix *out, bool *present,
		    struct cni_err *err);

/* One route {dst, gw, mtu, advmss, priority, table, scope}; dst is required. */
int cni_conf_route(const json_t *obj, struct cni_route *route, struct cni_err *err);
/* A list of routes; *routes is malloc'd (NULL when empty). */
int cni_conf_routes(const json_t *arr, struct cni_route **routes, size_t *n, struct cni_err *err);

#endif
