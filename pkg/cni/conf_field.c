/* Go-compatible typed reads of config members (case-insensitive keys, null as absent). */
#include "cni/conf_field.h"

#include <string.h>
#include <strings.h>

json_t *cni_conf_get(const json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	v = json_object_get(obj, key);
	if (!v) {
		json_object_foreach ((json_t *)obj, k, v) {
			if (!strcasecmp(k, key))
				break;
		}
	}
	return json_is_null(v) ? NULL : v;
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

int cni_conf_int(const json_t *obj, const char *key, long long *out, bool *present,
		 struct cni_err *err)
{
	json_t *v = cni_conf_get(obj, key);

	if (present)
		*present = false;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return wrong_type(key, "an integer", err);
	*out = json_integer_value(v);
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
