/* Go-compatible typed reads of config members (case-insensitive keys, null as absent). */
#include "cni/conf_field.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

json_t *cni_conf_get(const json_t *obj, const char *key)
{
	const char *k;
	json_t *v, *found;

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

static int wrong_type(const char *key, const char *type, struct cni_err *err)
{
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" must be %s", key, type);
}

int cni_conf_string(const json_t *obj, const char *key, const char **out, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_string(v))
		return wrong_type(key, "a string", err);
	*out = json_string_value(v);
	return 0;
}

int cni_conf_bool(const json_t *obj, const char *key, bool *out, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v))
		return wrong_type(key, "a boolean", err);
	*out = json_is_true(v);
	return 0;
}

int cni_conf_int(const json_t *obj, const char *key, int *out, bool *present, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);
	json_int_t i;

	if (present)
		*present = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return wrong_type(key, "an integer", err);
	i = json_integer_value(v);
	if (i < INT_MIN || i > INT_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" is out of range", key);
	*out = (int)i;
	if (present)
		*present = true;
	return 0;
}

int cni_conf_array(const json_t *obj, const char *key, json_t **out, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_array(v))
		return wrong_type(key, "a list", err);
	*out = v;
	return 0;
}

int cni_conf_object(const json_t *obj, const char *key, json_t **out, struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	*out = NULL;
	if (!v)
		return 0;
	if (!json_is_object(v))
		return wrong_type(key, "an object", err);
	*out = v;
	return 0;
}

int cni_conf_ip(const json_t *obj, const char *key, struct cni_ip *out, struct cni_err *err)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	if (cni_conf_string(obj, key, &s, err) < 0)
		return -1;
	if (!s || !*s)
		return 0;
	if (!cni_ip_parse(s, out))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid IP address: %s", s);
	return 0;
}

int cni_conf_prefix(const json_t *obj, const char *key, struct cni_prefix *out, bool *present,
		    struct cni_err *err)
{
	const char *s;

	memset(out, 0, sizeof(*out));
	*present = false;
	if (cni_conf_string(obj, key, &s, err) < 0)
		return -1;
	if (!s)
		return 0;
	if (!cni_prefix_parse(s, out))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid CIDR address: %s", s);
	*present = true;
	return 0;
}

int cni_conf_route(const json_t *obj, struct cni_route *r, struct cni_err *err)
{
	bool present;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "a route must be an object");
	if (cni_conf_prefix(obj, "dst", &r->dst, &present, err) < 0)
		return -1;
	if (!present)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "route is missing \"dst\"");
	if (cni_conf_ip(obj, "gw", &r->gw, err) < 0 ||
	    cni_conf_int(obj, "mtu", &r->mtu, &present, err) < 0 ||
	    cni_conf_int(obj, "advmss", &r->advmss, &present, err) < 0 ||
	    cni_conf_int(obj, "priority", &r->priority, &present, err) < 0 ||
	    cni_conf_int(obj, "table", &r->table, &r->has_table, err) < 0 ||
	    cni_conf_int(obj, "scope", &r->scope, &r->has_scope, err) < 0)
		return -1;
	return 0;
}

int cni_conf_routes(const json_t *arr, struct cni_route **routes, size_t *n, struct cni_err *err)
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
		if (cni_conf_route(v, &(*routes)[i], err) < 0) {
			free(*routes);
			*routes = NULL;
			return cni_err_wrap(err, "routes[%zu]", i);
		}
	}
	*n = count;
	return 0;
}
