/* Unit tests for host-local and static config parsing: keys, source order, precedence, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ipam/hostlocal_config.h"
#include "ipam/static.h"

/* A request as the skel would build it, from a config text and CNI_ARGS pairs. */
struct req_fixture {
	struct cni_request req;
	struct cni_arg args[4];
};

static void make_req(struct req_fixture *f, const char *config, const char *version,
		     const char *const *pairs)
{
	json_error_t jerr;

	memset(f, 0, sizeof(*f));
	f->req.config = json_loads(config, 0, &jerr);
	assert_non_null(f->req.config);
	snprintf(f->req.cni_version, sizeof(f->req.cni_version), "%s", version);
	f->req.name = json_string_value(json_object_get(f->req.config, "name"));
	f->req.ipam = json_object_get(f->req.config, "ipam");
	f->req.runtime_config = json_object_get(f->req.config, "runtimeConfig");
	f->req.args_object = json_object_get(f->req.config, "args");
	for (size_t i = 0; pairs && pairs[2 * i]; i++) {
		f->args[i].key = (char *)pairs[2 * i];
		f->args[i].value = (char *)pairs[2 * i + 1];
		f->req.n_cni_args = i + 1;
	}
	f->req.cni_args = f->args;
}

static const char *prefix(const struct cni_prefix *p)
{
	static char buf[CNI_IP_STRLEN];

	return cni_prefix_str(p, buf);
}

static const char *addr(const struct cni_ip *ip)
{
	static char buf[CNI_IP_STRLEN];

	return cni_ip_str(ip, buf);
}

static int parse_hl(const char *config, const char *version, const char *const *pairs,
		    struct ipam_hostlocal_config *c, struct cni_err *err)
{
	struct req_fixture f;
	int ret;

	make_req(&f, config, version, pairs);
	ret = ipam_hostlocal_config_parse(&f.req, c, err);
	/* Parsed values must not borrow from the JSON beyond name/dataDir/resolvConf: keep it. */
	json_decref(f.req.config);
	return ret;
}

static void test_hl_full(void **state)
{
	const char *conf = "{\"name\":\"n\",\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"/d\","
			   "\"subnet\":\"10.1.0.0/16\",\"rangeStart\":\"10.1.0.10\","
			   "\"ranges\":[[{\"subnet\":\"fd00::/64\",\"gateway\":\"fd00::fe\"}]],"
			   "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.254\",\"mtu\":1400,"
			   "\"table\":7}]},"
			   "\"runtimeConfig\":{\"ipRanges\":[[{\"subnet\":\"192.168.0.0/24\"}]],"
			   "\"ips\":[\"192.168.0.9/24\"]},"
			   "\"args\":{\"cni\":{\"ips\":[\"fd00::9\",\"10.1.0.20\"]}}}";
	const char *const pairs[] = {"IP", "10.1.0.30", NULL};
	struct ipam_hostlocal_config c;
	struct cni_err err = {0};
	struct req_fixture f;

	make_req(&f, conf, "1.0.0", pairs);
	assert_int_equal(ipam_hostlocal_config_parse(&f.req, &c, &err), 0);
	assert_string_equal(c.data_dir, "/d");
	/* ipRanges first, then the legacy range, then "ranges". */
	assert_int_equal(c.n_sets, 3);
	assert_string_equal(prefix(&c.sets[0].ranges[0].subnet), "192.168.0.0/24");
	assert_string_equal(prefix(&c.sets[1].ranges[0].subnet), "10.1.0.0/16");
	assert_string_equal(addr(&c.sets[1].ranges[0].start), "10.1.0.10");
	assert_string_equal(addr(&c.sets[1].ranges[0].end), "10.1.255.254");
	assert_string_equal(addr(&c.sets[2].ranges[0].gateway), "fd00::fe");
	/* CNI_ARGS, then args.cni.ips, then runtimeConfig.ips. */
	assert_int_equal(c.n_requested, 4);
	assert_string_equal(addr(&c.requested[0]), "10.1.0.30");
	assert_string_equal(addr(&c.requested[1]), "fd00::9");
	assert_string_equal(addr(&c.requested[2]), "10.1.0.20");
	assert_string_equal(addr(&c.requested[3]), "192.168.0.9");
	assert_int_equal(c.n_routes, 1);
	assert_int_equal(c.routes[0].mtu, 1400);
	assert_true(c.routes[0].has_table);
	assert_int_equal(c.routes[0].table, 7);
	assert_false(c.routes[0].has_scope);
	ipam_hostlocal_config_free(&c);
	json_decref(f.req.config);
}

static void expect_hl_error(const char *ipam, const char *version, const char *const *pairs,
			    unsigned code, const char *msg)
{
	char conf[1024];
	struct ipam_hostlocal_config c;
	struct cni_err err = {0};

	snprintf(conf, sizeof(conf), "{\"name\":\"n\",\"ipam\":%s}", ipam);
	assert_int_equal(parse_hl(conf, version, pairs, &c, &err), -1);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
}

static void test_hl_errors(void **state)
{
	const char *const unknown[] = {"FOO", "1", NULL};
	const char *const bad_ip[] = {"IP", "10.0.0.x", NULL};

	expect_hl_error("{\"type\":\"host-local\"}", "1.0.0", NULL, 7, "no IP ranges specified");
	expect_hl_error("{\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}],[{\"subnet\":\"10.0.0.0/"
			"25\"}]]}",
			"1.0.0", NULL, 7, "range set 0 overlaps with 1");
	expect_hl_error("{\"ranges\":[[{\"subnet\":\"10.0.0.0/24\"}],[{\"subnet\":\"10.1.0.0/"
			"24\"}]]}",
			"0.2.0", NULL, 7,
			"CNI version 0.2.0 does not support more than 1 address "
			"per family");
	expect_hl_error("{\"ranges\":[[]]}", "1.0.0", NULL, 7,
			"invalid range set 0: empty range set");
	expect_hl_error("{\"ranges\":[[{\"subnet\":\"10.0.0.1/24\"}]]}", "1.0.0", NULL, 7,
			"invalid range set 0: Network has host bits set. For a subnet mask of "
			"length 24 the network address is 10.0.0.0");
	expect_hl_error("{\"ranges\":[[{\"subnet\":\"nope\"}]]}", "1.0.0", NULL, 7,
			"ranges[0]: invalid CIDR address: nope");
	expect_hl_error("{\"subnet\":\"10.0.0.0/24\",\"gateway\":\"x\"}", "1.0.0", NULL, 7,
			"invalid IP address: x");
	expect_hl_error("{\"subnet\":\"10.0.0.0/24\"}", "1.0.0", unknown, 4,
			"ARGS: unknown args [\"FOO=1\"]");
	expect_hl_error("{\"subnet\":\"10.0.0.0/24\"}", "1.0.0", bad_ip, 4,
			"ARGS: error parsing value of pair \"IP=10.0.0.x\": invalid IP address "
			"10.0.0.x");
	expect_hl_error("{\"subnet\":\"10.0.0.0/24\",\"dataDir\":5}", "1.0.0", NULL, 7,
			"\"dataDir\" must be a string");
}

static void test_hl_case_insensitive_keys(void **state)
{
	const char *conf =
		"{\"name\":\"n\",\"ipam\":{\"Subnet\":\"10.0.0.0/24\",\"DATADIR\":\"/x\"}}";
	const char *const ignore[] = {"FOO", "1", "IgnoreUnknown", "1", NULL};
	struct ipam_hostlocal_config c;
	struct cni_err err = {0};
	struct req_fixture f;

	make_req(&f, conf, "1.0.0", ignore);
	assert_int_equal(ipam_hostlocal_config_parse(&f.req, &c, &err), 0);
	assert_int_equal(c.n_sets, 1);
	assert_string_equal(c.data_dir, "/x");
	ipam_hostlocal_config_free(&c);
	json_decref(f.req.config);
}

static void test_static_sources(void **state)
{
	const char *conf = "{\"name\":\"n\",\"ipam\":{\"type\":\"static\",\"addresses\":["
			   "{\"address\":\"10.0.0.5/24\",\"gateway\":\"10.0.0.1\"},"
			   "{\"address\":\"fd00::5/64\"}],"
			   "\"routes\":[{\"dst\":\"0.0.0.0/0\"}],"
			   "\"dns\":{\"nameservers\":[\"1.1.1.1\"]}}}";
	const char *const pairs[] = {"IP", "10.1.0.5/16, 10.2.0.5/16", "GATEWAY",
				     "10.1.0.1,10.0.0.9", NULL};
	struct ipam_static_config c;
	struct cni_err err = {0};
	struct req_fixture f;

	make_req(&f, conf, "1.0.0", pairs);
	assert_int_equal(ipam_static_config_parse(&f.req, &c, &err), 0);
	assert_int_equal(c.n_addresses, 4);
	assert_string_equal(prefix(&c.addresses[0].address), "10.0.0.5/24");
	assert_string_equal(addr(&c.addresses[0].gateway), "10.0.0.1");
	assert_false(cni_ip_is_set(&c.addresses[1].gateway));
	assert_string_equal(prefix(&c.addresses[2].address), "10.1.0.5/16");
	assert_string_equal(addr(&c.addresses[2].gateway), "10.1.0.1");
	/* GATEWAY reaches only the CNI_ARGS addresses, as in the reference. */
	assert_false(cni_ip_is_set(&c.addresses[3].gateway));
	assert_int_equal(c.n_routes, 1);
	assert_int_equal(c.dns.nameservers.count, 1);
	ipam_static_config_free(&c);
	json_decref(f.req.config);
}

static void test_static_override(void **state)
{
	const char *conf =
		"{\"name\":\"n\",\"ipam\":{\"addresses\":[{\"address\":\"10.0.0.5/24\"}]},"
		"\"args\":{\"cni\":{\"ips\":[\"10.9.0.1/24\"]}},"
		"\"runtimeConfig\":{\"ips\":[\"10.8.0.1/24\",\"10.8.0.2/24\"]}}";
	struct ipam_static_config c;
	struct cni_err err = {0};
	struct req_fixture f;

	make_req(&f, conf, "1.0.0", NULL);
	assert_int_equal(ipam_static_config_parse(&f.req, &c, &err), 0);
	assert_int_equal(c.n_addresses, 2);
	assert_string_equal(prefix(&c.addresses[0].address), "10.8.0.1/24");
	ipam_static_config_free(&c);
	json_decref(f.req.config);

	make_req(&f, conf, "0.2.0", NULL);
	assert_int_equal(ipam_static_config_parse(&f.req, &c, &err), -1);
	assert_int_equal(err.code, 7);
	assert_string_equal(err.msg, "CNI version 0.2.0 does not support more than 1 address per "
				     "family");
	json_decref(f.req.config);
}

static void expect_static_error(const char *config, const char *const *pairs, unsigned code,
				const char *msg)
{
	struct ipam_static_config c;
	struct cni_err err = {0};
	struct req_fixture f;

	make_req(&f, config, "1.0.0", pairs);
	assert_int_equal(ipam_static_config_parse(&f.req, &c, &err), -1);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	json_decref(f.req.config);
}

static void test_static_errors(void **state)
{
	const char *const bad_ip[] = {"IP", "10.0.0.5", NULL};
	const char *const bad_gw[] = {"IP", "10.0.0.5/24", "GATEWAY", "nope", NULL};

	expect_static_error("{\"name\":\"n\"}", NULL, 7, "IPAM config missing 'ipam' key");
	expect_static_error("{\"ipam\":{\"addresses\":[{\"address\":\"10.0.0.5\"}]}}", NULL, 7,
			    "the 'address' field is expected to be in CIDR notation, got: "
			    "'10.0.0.5'");
	expect_static_error("{\"ipam\":{}}", bad_ip, 4,
			    "the 'ip' field is expected to be in CIDR notation, got: '10.0.0.5'");
	expect_static_error("{\"ipam\":{}}", bad_gw, 4, "invalid gateway address: nope");
	expect_static_error("{\"ipam\":{},\"runtimeConfig\":{\"ips\":[\"x\"]}}", NULL, 7,
			    "runtimeConfig: an entry in the 'ips' field is NOT in CIDR notation, "
			    "got: 'x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hl_full),
		cmocka_unit_test(test_hl_errors),
		cmocka_unit_test(test_hl_case_insensitive_keys),
		cmocka_unit_test(test_static_sources),
		cmocka_unit_test(test_static_override),
		cmocka_unit_test(test_static_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
