/* Typed reads of IPAM config JSON with Go's encoding/json rules (case-insensitive keys, null =
 * absent). */
#ifndef IPAM_JSON_FIELD_H
#define IPAM_JSON_FIELD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/result.h"

/*
 * The member named key, matched exactly first and then case-insensitively, as Go does.
 * NULL when obj is not an object, the key is absent, or its value is JSON null.
 */
json_t *ipam_json_get(const json_t *obj, const char *key);

/* Each reader leaves *out unset (NULL / family 0 / false) when the key is absent; errors are
 * code 7. */
int ipam_json_string(const json_t *obj, const char *key, const char **out, struct cni_err *err);
/* "" counts as absent, as for Go's net.IP. */
int ipam_json_ip(const json_t *obj, const char *key, struct cni_ip *out, struct cni_err *err);
int ipam_json_prefix(const json_t *obj, const char *key, struct cni_prefix *out, bool *present,
		     struct cni_err *err);
int ipam_json_int(const json_t *obj, const char *key, int *out, bool *present, struct cni_err *err);
/* An array, or NULL when absent; an error when present with another type. */
int ipam_json_array(const json_t *obj, const char *key, json_t **out, struct cni_err *err);

/* Parse an IP written as "10.0.0.1" or "10.0.0.1/24" (the address part is kept), like Go's ip.IP.
 */
bool ipam_parse_ip_or_cidr(const char *s, struct cni_ip *ip);

/* Parse "routes": [{dst, gw, mtu, advmss, priority, table, scope}]. */
int ipam_json_routes(const json_t *arr, struct cni_route **routes, size_t *n, struct cni_err *err);

#endif
