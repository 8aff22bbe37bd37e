/* Typed, Go-compatible reads of config members: the only place IPAM code touches jansson values. */
#include "ipam/json_field.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *ipam_json_get(const json_t *obj, const char *key)
{
	json_t *v, *found;
	const char *k;

	if (!json_is_object(obj))
		return NULL;
	found = json_object_get(obj, key);
	if (!found) {
		json_object_foreach ((json_t *)obj, k, v) {
			if (!strcasecmp(k, key)) {
				found = v;
				break;
			}
		}
	}
	return json_is_null(found) ? NULL : found;
}

int ipam_json_string(const json_t *obj, const char *key, const char **out, struct cni_err *err)
{
	json_t *v = ipam_json_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" must be a string", key);
	*out = json_string_value(v);
	return 0;
}

int ipam_json_ip(const json_t *obj, const char *key, struct cni_ip *out, struct cni_err *err)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	if (ipam_json_string(obj, key, &s, err) < 0)
		return -1;
	if (!s || !*s)
		return 0;
	if (!cni_ip_parse(s, out))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid IP address: %s", s);
	return 0;
}

int ipam_json_prefix(const json_t *obj, const char *key, struct cni_prefix *out, bool *present,
		     struct cni_err *err)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	*present = false;
	if (ipam_json_string(obj, key, &s, err) < 0)
		return -1;
	if (!s)
		return 0;
	if (!cni_prefix_parse(s, out))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid CIDR address: %s", s);
	*present = true;
	return 0;
}

int ipam_json_int(const json_t *obj, const char *key, int *out, bool *present, struct cni_err *err)
{
	json_t *v = ipam_json_get(obj, key);
	json_int_t i;

	*out = 0;
	*present = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" must be an integer", key);
	i = json_integer_value(v);
	if (i < -2147483648LL || i > 2147483647LL)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" is out of range", key);
	*out = (int)i;
	*present = true;
	return 0;
}

int ipam_json_array(const json_t *obj, const char *key, json_t **out, struct cni_err *err)
{
	json_t *v = ipam_json_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" must be an array", key);
	*out = v;
	return 0;
}

bool ipam_parse_ip_or_cidr(const char *s, struct cni_ip *ip)
{
	struct cni_prefix p;

	if (strchr(s, '/')) {
		if (!cni_prefix_parse(s, &p))
			return false;
		*ip = p.ip;
		return true;
	}
	return cni_ip_parse(s, ip);
}

static int route_from_json(const json_t *obj, struct cni_route *r, struct cni_err *err)
{
	bool present;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "a route must be an object");
	if (ipam_json_prefix(obj, "dst", &r->dst, &present, err) < 0)
		return -1;
	if (!present)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "route is missing \"dst\"");
	if (ipam_json_ip(obj, "gw", &r->gw, err) < 0 ||
	    ipam_json_int(obj, "mtu", &r->mtu, &present, err) < 0 ||
	    ipam_json_int(obj, "advmss", &r->advmss, &present, err) < 0 ||
	    ipam_json_int(obj, "priority", &r->priority, &present, err) < 0 ||
	    ipam_json_int(obj, "table", &r->table, &r->has_table, err) < 0 ||
	    ipam_json_int(obj, "scope", &r->scope, &r->has_scope, err) < 0)
		return -1;
	return 0;
}

int ipam_json_routes(const json_t *arr, struct cni_route **routes, size_t *n, struct cni_err *err)
{
	size_t count = json_array_size(arr);
	size_t i;
	json_t *v;

	*routes = NULL;
	*n = 0;
	if (!count)
		return 0;
	*routes = calloc(count, sizeof(**routes));
	if (!*routes)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "routes");
	json_array_foreach (arr, i, v) {
		if (route_from_json(v, &(*routes)[i], err) < 0) {
			free(*routes);
			*routes = NULL;
			return cni_err_wrap(err, "routes[%zu]", i);
		}
	}
	*n = count;
	return 0;
}
