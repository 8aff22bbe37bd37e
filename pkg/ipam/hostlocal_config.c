/* Parsing host-local's config: the reference's LoadIPAMConfig, keys, order of sources and messages.
 */
#include "ipam/hostlocal_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/version.h"
#include "cni/args.h"
#include "cni/conf_field.h"

static int parse_range(const json_t *obj, struct ipam_range *r, struct cni_err *err)
{
	bool present;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(obj))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "a range must be an object");
	if (cni_conf_prefix(obj, "subnet", &r->subnet, &present, err) < 0 ||
	    cni_conf_ip(obj, "rangeStart", &r->start, err) < 0 ||
	    cni_conf_ip(obj, "rangeEnd", &r->end, err) < 0 ||
	    cni_conf_ip(obj, "gateway", &r->gateway, err) < 0)
		return -1;
	return 0;
}

static int append_set(struct ipam_hostlocal_config *c, struct ipam_range_set *set,
		      struct cni_err *err)
{
	struct ipam_range_set *n = realloc(c->sets, (c->n_sets + 1) * sizeof(*n));

	if (!n) {
		ipam_range_set_free(set);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "range sets");
	}
	c->sets = n;
	c->sets[c->n_sets++] = *set;
	return 0;
}

/* One array of range objects into a new range set appended to c. */
static int parse_range_set(const json_t *arr, struct ipam_hostlocal_config *c, struct cni_err *err)
{
	struct ipam_range_set set = {0};
	size_t i;
	json_t *v;

	if (!json_is_array(arr))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "a range set must be an array");
	if (json_array_size(arr)) {
		set.ranges = calloc(json_array_size(arr), sizeof(*set.ranges));
		if (!set.ranges)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ranges");
	}
	json_array_foreach (arr, i, v) {
		if (parse_range(v, &set.ranges[i], err) < 0) {
			ipam_range_set_free(&set);
			return -1;
		}
	}
	set.n = json_array_size(arr);
	return append_set(c, &set, err);
}

static int parse_range_sets(const json_t *obj, const char *key, struct ipam_hostlocal_config *c,
			    struct cni_err *err)
{
	json_t *arr, *v;
	size_t i;

	if (cni_conf_array(obj, key, &arr, err) < 0)
		return -1;
	json_array_foreach (arr, i, v) {
		if (parse_range_set(v, c, err) < 0)
			return cni_err_wrap(err, "%s[%zu]", key, i);
	}
	return 0;
}

/* The old single-range form: subnet, rangeStart, rangeEnd, gateway directly under "ipam". */
static int parse_legacy_range(const json_t *ipam, struct ipam_hostlocal_config *c,
			      struct cni_err *err)
{
	struct ipam_range_set set = {0};
	struct ipam_range r;
	bool present;

	if (cni_conf_prefix(ipam, "subnet", &r.subnet, &present, err) < 0)
		return -1;
	if (parse_range(ipam, &r, err) < 0)
		return -1;
	if (!present)
		return 0;
	set.ranges = malloc(sizeof(*set.ranges));
	if (!set.ranges)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ranges");
	set.ranges[0] = r;
	set.n = 1;
	return append_set(c, &set, err);
}

static int add_requested(struct ipam_hostlocal_config *c, const struct cni_ip *ip,
			 struct cni_err *err)
{
	struct cni_ip *n;

	for (size_t i = 0; i < c->n_requested; i++)
		if (cni_ip_equal(&c->requested[i], ip))
			return 0;
	n = realloc(c->requested, (c->n_requested + 1) * sizeof(*n));
	if (!n)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "requested IPs");
	c->requested = n;
	c->requested[c->n_requested++] = *ip;
	return 0;
}

/* "ips": ["10.0.0.5", "10.0.0.6/24"] under args.cni or runtimeConfig. */
static int parse_ips(const json_t *obj, struct ipam_hostlocal_config *c, struct cni_err *err)
{
	json_t *arr, *v;
	size_t i;

	if (cni_conf_array(obj, "ips", &arr, err) < 0)
		return -1;
	json_array_foreach (arr, i, v) {
		struct cni_ip ip;

		if (!json_is_string(v))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"\"ips\" must hold strings");
		if (!cni_ip_parse_with_optional_len(json_string_value(v), &ip))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid IP address %s",
					json_string_value(v));
		if (add_requested(c, &ip, err) < 0)
			return -1;
	}
	return 0;
}

/* CNI_ARGS IP=...; a comma-separated list is accepted too (the reference takes a single one). */
static int parse_args_ip(const struct cni_request *req, struct ipam_hostlocal_config *c,
			 struct cni_err *err)
{
	const char *v = cni_request_arg(req, "IP");
	const char *p = v;

	if (!v || !*v)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		char buf[CNI_IP_STRLEN];
		struct cni_ip ip;

		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (!cni_ip_parse_with_optional_len(buf, &ip))
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
					"ARGS: error parsing value of pair \"IP=%s\": invalid IP "
					"address %s",
					v, buf);
		if (add_requested(c, &ip, err) < 0)
			return -1;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Requested addresses in the reference's order: CNI_ARGS, args.cni.ips, runtimeConfig.ips. */
static int parse_requested(const struct cni_request *req, struct ipam_hostlocal_config *c,
			   struct cni_err *err)
{
	static const char *const known[] = {"IP", NULL};

	if (cni_args_check_known(req->cni_args, req->n_cni_args, known, err) < 0 ||
	    parse_args_ip(req, c, err) < 0)
		return -1;
	if (parse_ips(cni_conf_get(req->args_object, "cni"), c, err) < 0)
		return cni_err_wrap(err, "args.cni");
	if (parse_ips(req->runtime_config, c, err) < 0)
		return cni_err_wrap(err, "runtimeConfig");
	return 0;
}

static int validate(const struct cni_request *req, struct ipam_hostlocal_config *c,
		    struct cni_err *err)
{
	int n_v4 = 0, n_v6 = 0;

	if (!c->n_sets)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no IP ranges specified");
	for (size_t i = 0; i < c->n_sets; i++) {
		if (ipam_range_set_canonicalize(&c->sets[i], err) < 0)
			return cni_err_wrap(err, "invalid range set %zu", i);
		if (ipam_range_set_family(&c->sets[i]) == AF_INET)
			n_v4++;
		else
			n_v6++;
	}
	/* Results before 0.3.0 have one slot per family. */
	if ((n_v4 > 1 || n_v6 > 1) && !cni_version_at_least(req->cni_version, "0.3.0"))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"CNI version %s does not support more than 1 address per family",
				req->cni_version);
	for (size_t i = 0; i < c->n_sets; i++)
		for (size_t j = i + 1; j < c->n_sets; j++)
			if (ipam_range_set_overlaps(&c->sets[i], &c->sets[j]))
				return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
						"range set %zu overlaps with %zu", i, j);
	return 0;
}

static int parse(const struct cni_request *req, struct ipam_hostlocal_config *c,
		 struct cni_err *err)
{
	const json_t *ipam = req->ipam;
	json_t *routes;

	if (!json_is_object(ipam))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "IPAM config missing 'ipam' key");
	c->name = req->name;
	if (cni_conf_string(ipam, "dataDir", &c->data_dir, err) < 0 ||
	    cni_conf_string(ipam, "resolvConf", &c->resolv_conf, err) < 0 ||
	    cni_conf_array(ipam, "routes", &routes, err) < 0 ||
	    cni_conf_routes(routes, &c->routes, &c->n_routes, err) < 0)
		return -1;
	/* Range sets in the reference's order: ipRanges, the legacy range, then "ranges". */
	if (parse_range_sets(req->runtime_config, "ipRanges", c, err) < 0 ||
	    parse_legacy_range(ipam, c, err) < 0 || parse_range_sets(ipam, "ranges", c, err) < 0)
		return -1;
	if (parse_requested(req, c, err) < 0)
		return -1;
	return validate(req, c, err);
}

int ipam_hostlocal_config_parse(const struct cni_request *req, struct ipam_hostlocal_config *c,
				struct cni_err *err)
{
	memset(c, 0, sizeof(*c));
	if (parse(req, c, err) < 0) {
		ipam_hostlocal_config_free(c);
		return -1;
	}
	return 0;
}

void ipam_hostlocal_config_free(struct ipam_hostlocal_config *c)
{
	for (size_t i = 0; i < c->n_sets; i++)
		ipam_range_set_free(&c->sets[i]);
	free(c->sets);
	free(c->routes);
	free(c->requested);
	memset(c, 0, sizeof(*c));
}
