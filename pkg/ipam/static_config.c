/* Parsing static's config: addresses from four sources in the reference's order and precedence. */
#include "ipam/static.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/version.h"
#include "cni/args.h"
#include "cni/conf_field.h"

static int add_address(struct ipam_static_config *c, const struct cni_prefix *p,
		       const struct cni_ip *gw, struct cni_err *err)
{
	struct ipam_static_address *n =
		realloc(c->addresses, (c->n_addresses + 1) * sizeof(*c->addresses));

	if (!n)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "addresses");
	c->addresses = n;
	c->addresses[c->n_addresses].address = *p;
	memset(&c->addresses[c->n_addresses].gateway, 0, sizeof(struct cni_ip));
	if (gw)
		c->addresses[c->n_addresses].gateway = *gw;
	c->n_addresses++;
	return 0;
}

static int parse_addresses(const json_t *ipam, struct ipam_static_config *c, struct cni_err *err)
{
	json_t *arr, *v;
	size_t i;

	if (cni_conf_array(ipam, "addresses", &arr, err) < 0)
		return -1;
	json_array_foreach (arr, i, v) {
		struct cni_prefix p;
		struct cni_ip gw;
		const char *s;

		if (!json_is_object(v))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"addresses[%zu] must be an object", i);
		if (cni_conf_string(v, "address", &s, err) < 0 ||
		    cni_conf_ip(v, "gateway", &gw, err) < 0)
			return -1;
		if (!s || !cni_prefix_parse(s, &p))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"the 'address' field is expected to be in CIDR notation, "
					"got: '%s'",
					s ? s : "");
		if (add_address(c, &p, &gw, err) < 0)
			return -1;
	}
	return 0;
}

/* Copy item [p, p+n) without surrounding spaces, as strings.TrimSpace. */
static void trimmed_item(const char *p, size_t n, char *buf, size_t size)
{
	while (n && strchr(" \t\r\n\v\f", *p)) {
		p++;
		n--;
	}
	while (n && strchr(" \t\r\n\v\f", p[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

static int parse_args_ip(const char *v, struct ipam_static_config *c, size_t *first,
			 struct cni_err *err)
{
	*first = c->n_addresses;
	for (const char *p = v; v && *v; p++) {
		size_t n = strcspn(p, ",");
		char buf[2 * CNI_IP_STRLEN];
		struct cni_prefix pre;

		trimmed_item(p, n, buf, sizeof(buf));
		if (!cni_prefix_parse(buf, &pre))
			return cni_errf(
				err, CNI_ERR_INVALID_ENV, 0,
				"the 'ip' field is expected to be in CIDR notation, got: '%s'",
				buf);
		if (add_address(c, &pre, NULL, err) < 0)
			return -1;
		p += n;
		if (!*p)
			break;
	}
	return 0;
}

/*
 * GATEWAY applies to the CNI_ARGS addresses whose subnet holds it. The reference matches before it
 * parses the config's own addresses, so those never take it; first keeps that.
 */
static int parse_args_gateway(const char *v, struct ipam_static_config *c, size_t first,
			      struct cni_err *err)
{
	for (const char *p = v; v && *v; p++) {
		size_t n = strcspn(p, ",");
		char buf[2 * CNI_IP_STRLEN];
		struct cni_ip gw;

		trimmed_item(p, n, buf, sizeof(buf));
		if (!cni_ip_parse(buf, &gw))
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
					"invalid gateway address: %.*s", (int)n, p);
		for (size_t i = first; i < c->n_addresses; i++)
			if (cni_prefix_contains(&c->addresses[i].address, &gw))
				c->addresses[i].gateway = gw;
		p += n;
		if (!*p)
			break;
	}
	return 0;
}

/* args.cni.ips or runtimeConfig.ips: when non-empty, they replace every address so far. */
static int parse_ips_override(const json_t *obj, struct ipam_static_config *c, struct cni_err *err)
{
	json_t *arr, *v;
	size_t i;

	if (cni_conf_array(obj, "ips", &arr, err) < 0)
		return -1;
	if (!json_array_size(arr))
		return 0;
	c->n_addresses = 0;
	json_array_foreach (arr, i, v) {
		const char *s = json_string_value(v);
		struct cni_prefix p;

		if (!json_is_string(v))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"\"ips\" must hold strings");
		if (!cni_prefix_parse(s, &p))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"an entry in the 'ips' field is NOT in CIDR notation, got: "
					"'%s'",
					s);
		if (add_address(c, &p, NULL, err) < 0)
			return -1;
	}
	return 0;
}

static int validate(const struct cni_request *req, const struct ipam_static_config *c,
		    struct cni_err *err)
{
	int n_v4 = 0, n_v6 = 0;

	for (size_t i = 0; i < c->n_addresses; i++) {
		if (c->addresses[i].address.ip.family == AF_INET)
			n_v4++;
		else
			n_v6++;
	}
	if ((n_v4 > 1 || n_v6 > 1) && !cni_version_at_least(req->cni_version, "0.3.0"))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"CNI version %s does not support more than 1 address per family",
				req->cni_version);
	return 0;
}

static int parse(const struct cni_request *req, struct ipam_static_config *c, struct cni_err *err)
{
	static const char *const known[] = {"IP", "GATEWAY", NULL};
	const json_t *ipam = req->ipam;
	json_t *routes, *dns;
	size_t first;

	if (!json_is_object(ipam))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "IPAM config missing 'ipam' key");
	if (cni_conf_array(ipam, "routes", &routes, err) < 0 ||
	    cni_conf_routes(routes, &c->routes, &c->n_routes, err) < 0)
		return -1;
	dns = cni_conf_get(ipam, "dns");
	if (dns && cni_dns_from_json(dns, &c->dns, err) < 0)
		return -1;
	if (parse_addresses(ipam, c, err) < 0)
		return -1;
	if (cni_args_check_known(req->cni_args, req->n_cni_args, known, err) < 0 ||
	    parse_args_ip(cni_request_arg(req, "IP"), c, &first, err) < 0 ||
	    parse_args_gateway(cni_request_arg(req, "GATEWAY"), c, first, err) < 0)
		return -1;
	if (parse_ips_override(cni_conf_get(req->args_object, "cni"), c, err) < 0)
		return cni_err_wrap(err, "args.cni");
	if (parse_ips_override(req->runtime_config, c, err) < 0)
		return cni_err_wrap(err, "runtimeConfig");
	return validate(req, c, err);
}

int ipam_static_config_parse(const struct cni_request *req, struct ipam_static_config *c,
			     struct cni_err *err)
{
	memset(c, 0, sizeof(*c));
	if (parse(req, c, err) < 0) {
		ipam_static_config_free(c);
		return -1;
	}
	return 0;
}

void ipam_static_config_free(struct ipam_static_config *c)
{
	free(c->addresses);
	free(c->routes);
	cni_dns_free(&c->dns);
	memset(c, 0, sizeof(*c));
}
