/* Results to and from JSON, in every version's shape: ip4/ip6 (0.1.0, 0.2.0), ips (0.3.0 and
 * later). */
#include "cni/result.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni/conf_field.h"
#include "cni/version.h"

enum result_shape {
	SHAPE_020, /* 0.1.0, 0.2.0: ip4/ip6 */
	SHAPE_040, /* 0.3.0, 0.3.1, 0.4.0: ips[].version */
	SHAPE_100, /* 1.0.0 */
	SHAPE_110, /* 1.1.0: interfaces[].mtu/socketPath/pciID, route mtu/advmss/... */
};

static int shape_of(const char *version, enum result_shape *shape, struct cni_err *err)
{
	if (!strcmp(version, "0.1.0") || !strcmp(version, "0.2.0"))
		*shape = SHAPE_020;
	else if (!strcmp(version, "0.3.0") || !strcmp(version, "0.3.1") ||
		 !strcmp(version, "0.4.0"))
		*shape = SHAPE_040;
	else if (!strcmp(version, "1.0.0"))
		*shape = SHAPE_100;
	else if (!strcmp(version, "1.1.0"))
		*shape = SHAPE_110;
	else
		return cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
				"unsupported CNI result version \"%s\"", version);
	return 0;
}

/* ---- reading -----------------------------------------------------------------------------------
 */

static int decode_errf(struct cni_err *err, const char *what, const char *key)
{
	return cni_errf(err, CNI_ERR_DECODE, 0, "failed to parse %s: invalid \"%s\"", what, key);
}

static int read_string_list(const json_t *arr, struct cni_string_list *l, const char *key,
			    struct cni_err *err)
{
	size_t i;
	json_t *v;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return decode_errf(err, "dns", key);
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			return decode_errf(err, "dns", key);
		if (cni_string_list_append(l, json_string_value(v)) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "reading dns");
	}
	return 0;
}

int cni_dns_from_json(const json_t *obj, struct cni_dns *dns, struct cni_err *err)
{
	const json_t *domain;

	memset(dns, 0, sizeof(*dns));
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_DECODE, 0, "failed to parse dns: not an object");
	if (read_string_list(cni_conf_get(obj, "nameservers"), &dns->nameservers, "nameservers",
			     err) < 0 ||
	    read_string_list(cni_conf_get(obj, "search"), &dns->search, "search", err) < 0 ||
	    read_string_list(cni_conf_get(obj, "options"), &dns->options, "options", err) < 0)
		goto out_free;
	domain = cni_conf_get(obj, "domain");
	if (domain && !json_is_null(domain)) {
		if (!json_is_string(domain)) {
			decode_errf(err, "dns", "domain");
			goto out_free;
		}
		dns->domain = strdup(json_string_value(domain));
	}
	return 0;
out_free:
	cni_dns_free(dns);
	return -1;
}

static const char *opt_string(const json_t *obj, const char *key)
{
	const json_t *v = cni_conf_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Results are read with the config readers; their failures are decoding failures (code 6). */
static int as_decode_error(struct cni_err *err)
{
	err->code = CNI_ERR_DECODE;
	return cni_err_wrap(err, "failed to parse result");
}

static int read_ip(const json_t *obj, const char *key, struct cni_ip *ip, struct cni_err *err)
{
	return cni_conf_ip(obj, key, ip, err) < 0 ? as_decode_error(err) : 0;
}

static int read_prefix(const json_t *obj, const char *key, struct cni_prefix *p,
		       struct cni_err *err)
{
	bool present;

	if (cni_conf_prefix(obj, key, p, &present, err) < 0)
		return as_decode_error(err);
	if (!present)
		return cni_errf(err, CNI_ERR_DECODE, 0, "failed to parse result: missing \"%s\"",
				key);
	return 0;
}

static int read_uint(const json_t *obj, const char *key, int *out, bool *present,
		     struct cni_err *err)
{
	bool found;

	if (cni_conf_int(obj, key, out, &found, err) < 0)
		return as_decode_error(err);
	if (found && *out < 0)
		return cni_errf(err, CNI_ERR_DECODE, 0, "failed to parse result: negative \"%s\"",
				key);
	if (present)
		*present = found;
	return 0;
}

static int read_routes(const json_t *arr, struct cni_result *r, struct cni_err *err)
{
	struct cni_route route;
	size_t i;
	json_t *v;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_DECODE, 0,
				"failed to parse result: \"routes\" is not a list");
	json_array_foreach (arr, i, v) {
		if (cni_conf_route(v, &route, err) < 0)
			return as_decode_error(err);
		if (cni_result_add_route(r, &route, err) < 0)
			return -1;
	}
	return 0;
}

/* 0.1.0/0.2.0 "ip4"/"ip6": one address, its gateway and its routes. */
static int read_ip_020(const json_t *obj, struct cni_result *r, struct cni_err *err)
{
	struct cni_ip_config ip = {.interface = -1};

	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_DECODE, 0,
				"failed to parse result: ip4/ip6 is not an object");
	if (read_prefix(obj, "ip", &ip.address, err) < 0 ||
	    read_ip(obj, "gateway", &ip.gateway, err) < 0)
		return -1;
	if (cni_result_add_ip(r, &ip, err) < 0)
		return -1;
	return read_routes(cni_conf_get(obj, "routes"), r, err);
}

static int read_interfaces(const json_t *arr, struct cni_result *r, struct cni_err *err)
{
	size_t i;
	json_t *v;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_DECODE, 0,
				"failed to parse result: \"interfaces\" is not a list");
	json_array_foreach (arr, i, v) {
		struct cni_interface *iface;
		int mtu = 0;
		int idx;

		if (!json_is_object(v))
			return cni_errf(err, CNI_ERR_DECODE, 0,
					"failed to parse result: an interface is not an object");
		if (read_uint(v, "mtu", &mtu, NULL, err) < 0)
			return -1;
		idx = cni_result_add_interface(r, opt_string(v, "name"), opt_string(v, "mac"), mtu,
					       opt_string(v, "sandbox"), err);
		if (idx < 0)
			return -1;
		iface = &r->interfaces[idx];
		if (opt_string(v, "socketPath"))
			iface->socket_path = strdup(opt_string(v, "socketPath"));
		if (opt_string(v, "pciID"))
			iface->pci_id = strdup(opt_string(v, "pciID"));
	}
	return 0;
}

static int read_ips(const json_t *arr, struct cni_result *r, struct cni_err *err)
{
	size_t i;
	json_t *v;

	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_DECODE, 0,
				"failed to parse result: \"ips\" is not a list");
	json_array_foreach (arr, i, v) {
		struct cni_ip_config ip = {.interface = -1};
		bool has_interface;

		if (!json_is_object(v))
			return cni_errf(err, CNI_ERR_DECODE, 0,
					"failed to parse result: an ip is not an object");
		if (read_prefix(v, "address", &ip.address, err) < 0 ||
		    read_ip(v, "gateway", &ip.gateway, err) < 0 ||
		    read_uint(v, "interface", &ip.interface, &has_interface, err) < 0)
			return -1;
		if (!has_interface)
			ip.interface = -1;
		if (cni_result_add_ip(r, &ip, err) < 0)
			return -1;
	}
	return 0;
}

int cni_result_from_json(const json_t *obj, const char *fallback_version, struct cni_result *r,
			 struct cni_err *err)
{
	const char *version = opt_string(obj, "cniVersion");
	enum result_shape shape;

	if (!version || !version[0])
		version = fallback_version;
	cni_result_init(r, version);
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_DECODE, 0,
				"failed to parse result: not a JSON object");
	if (shape_of(version, &shape, err) < 0)
		return -1;
	if (shape == SHAPE_020) {
		if (read_ip_020(cni_conf_get(obj, "ip4"), r, err) < 0 ||
		    read_ip_020(cni_conf_get(obj, "ip6"), r, err) < 0)
			goto out_free;
	} else {
		if (read_interfaces(cni_conf_get(obj, "interfaces"), r, err) < 0 ||
		    read_ips(cni_conf_get(obj, "ips"), r, err) < 0 ||
		    read_routes(cni_conf_get(obj, "routes"), r, err) < 0)
			goto out_free;
	}
	if (cni_dns_from_json(cni_conf_get(obj, "dns"), &r->dns, err) < 0)
		goto out_free;
	return 0;
out_free:
	cni_result_free(r);
	return -1;
}

/* ---- writing: keys in the reference's order, empty lists and strings left out ---------------- */

static void set_string(json_t *obj, const char *key, const char *value)
{
	if (value && value[0])
		json_object_set_new(obj, key, json_string(value));
}

static void set_ip(json_t *obj, const char *key, const struct cni_ip *ip)
{
	char buf[CNI_IP_STRLEN];

	if (cni_ip_is_set(ip))
		json_object_set_new(obj, key, json_string(cni_ip_str(ip, buf)));
}

static void set_prefix(json_t *obj, const char *key, const struct cni_prefix *p)
{
	char buf[CNI_IP_STRLEN];

	json_object_set_new(obj, key, json_string(cni_prefix_str(p, buf)));
}

static void set_positive(json_t *obj, const char *key, int v)
{
	if (v > 0)
		json_object_set_new(obj, key, json_integer(v));
}

static void set_string_list(json_t *obj, const char *key, const struct cni_string_list *l)
{
	json_t *arr;

	if (!l->count)
		return;
	arr = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(arr, json_string(l->items[i]));
	json_object_set_new(obj, key, arr);
}

static json_t *dns_to_json(const struct cni_dns *dns)
{
	json_t *obj = json_object();

	set_string_list(obj, "nameservers", &dns->nameservers);
	set_string(obj, "domain", dns->domain);
	set_string_list(obj, "search", &dns->search);
	set_string_list(obj, "options", &dns->options);
	return obj;
}

static json_t *route_to_json(const struct cni_route *route, enum result_shape shape)
{
	json_t *obj = json_object();

	set_prefix(obj, "dst", &route->dst);
	set_ip(obj, "gw", &route->gw);
	if (shape == SHAPE_110) {
		set_positive(obj, "mtu", route->mtu);
		set_positive(obj, "advmss", route->advmss);
		set_positive(obj, "priority", route->priority);
		if (route->has_table)
			json_object_set_new(obj, "table", json_integer(route->table));
		if (route->has_scope)
			json_object_set_new(obj, "scope", json_integer(route->scope));
	}
	return obj;
}

static json_t *interface_to_json(const struct cni_interface *i, enum result_shape shape)
{
	json_t *obj = json_object();

	json_object_set_new(obj, "name", json_string(i->name ? i->name : ""));
	set_string(obj, "mac", i->mac);
	if (shape == SHAPE_110)
		set_positive(obj, "mtu", i->mtu);
	set_string(obj, "sandbox", i->sandbox);
	if (shape == SHAPE_110) {
		set_string(obj, "socketPath", i->socket_path);
		set_string(obj, "pciID", i->pci_id);
	}
	return obj;
}

static json_t *ip_to_json(const struct cni_ip_config *ip, enum result_shape shape)
{
	json_t *obj = json_object();

	if (shape == SHAPE_040)
		json_object_set_new(obj, "version",
				    json_string(ip->address.ip.family == AF_INET ? "4" : "6"));
	if (ip->interface >= 0)
		json_object_set_new(obj, "interface", json_integer(ip->interface));
	set_prefix(obj, "address", &ip->address);
	set_ip(obj, "gateway", &ip->gateway);
	return obj;
}

static json_t *ip_020_to_json(const struct cni_result *r, const struct cni_ip_config *ip)
{
	json_t *obj = json_object();
	json_t *routes = json_array();

	set_prefix(obj, "ip", &ip->address);
	set_ip(obj, "gateway", &ip->gateway);
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct cni_route *route = &r->routes[i];
		json_t *ro;

		if (route->dst.ip.family != ip->address.ip.family)
			continue;
		ro = json_object();
		set_prefix(ro, "dst", &route->dst);
		set_ip(ro, "gw", &route->gw);
		json_array_append_new(routes, ro);
	}
	if (json_array_size(routes))
		json_object_set_new(obj, "routes", routes);
	else
		json_decref(routes);
	return obj;
}

static json_t *result_020_to_json(const struct cni_result *r, const char *version,
				  struct cni_err *err)
{
	const struct cni_ip_config *ip4 = NULL, *ip6 = NULL;
	json_t *obj;

	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip_config *ip = &r->ips[i];

		if (ip->address.ip.family == AF_INET && !ip4)
			ip4 = ip;
		else if (ip->address.ip.family == AF_INET6 && !ip6)
			ip6 = ip;
	}
	if (!ip4 && !ip6) {
		cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
			 "cannot convert: no valid IP addresses");
		return NULL;
	}
	obj = json_object();
	json_object_set_new(obj, "cniVersion", json_string(version));
	if (ip4)
		json_object_set_new(obj, "ip4", ip_020_to_json(r, ip4));
	if (ip6)
		json_object_set_new(obj, "ip6", ip_020_to_json(r, ip6));
	json_object_set_new(obj, "dns", dns_to_json(&r->dns));
	return obj;
}

json_t *cni_result_to_json(const struct cni_result *r, const char *version, struct cni_err *err)
{
	enum result_shape shape;
	json_t *obj;

	if (shape_of(version, &shape, err) < 0)
		return NULL;
	if (shape == SHAPE_020)
		return result_020_to_json(r, version, err);

	obj = json_object();
	json_object_set_new(obj, "cniVersion", json_string(version));
	if (r->n_interfaces) {
		json_t *arr = json_array();

		for (size_t i = 0; i < r->n_interfaces; i++)
			json_array_append_new(arr, interface_to_json(&r->interfaces[i], shape));
		json_object_set_new(obj, "interfaces", arr);
	}
	if (r->n_ips) {
		json_t *arr = json_array();

		for (size_t i = 0; i < r->n_ips; i++)
			json_array_append_new(arr, ip_to_json(&r->ips[i], shape));
		json_object_set_new(obj, "ips", arr);
	}
	if (r->n_routes) {
		json_t *arr = json_array();

		for (size_t i = 0; i < r->n_routes; i++)
			json_array_append_new(arr, route_to_json(&r->routes[i], shape));
		json_object_set_new(obj, "routes", arr);
	}
	json_object_set_new(obj, "dns", dns_to_json(&r->dns));
	return obj;
}

int cni_result_print(const struct cni_result *r, const char *version, struct cni_err *err)
{
	json_t *obj = cni_result_to_json(r, version, err);
	int ret;

	if (!obj)
		return -1;
	/* Go's json.MarshalIndent(v, "", "    "), without a trailing newline, as the reference. */
	ret = json_dumpf(obj, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (ret < 0 || fflush(stdout) != 0)
		return cni_errf(err, CNI_ERR_IO, 0, "writing the result to stdout");
	return 0;
}
