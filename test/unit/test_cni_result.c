/* Unit tests: results read in one version and printed in every other. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "cni/result.h"

static const char *full_110 =
	"{\"cniVersion\":\"1.1.0\","
	"\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"aa:bb:cc:dd:ee:ff\",\"mtu\":1400},"
	"{\"name\":\"eth0\",\"mac\":\"aa:bb:cc:dd:ee:00\",\"sandbox\":\"/run/netns/x\","
	"\"socketPath\":\"/s\",\"pciID\":\"0000:00:01.0\"}],"
	"\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/24\",\"gateway\":\"10.1.0.1\"},"
	"{\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}],"
	"\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1300,\"advmss\":1200,"
	"\"priority\":5,\"table\":100,\"scope\":0},{\"dst\":\"::/0\"}],"
	"\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"domain\":\"x.local\",\"search\":[\"a\"],"
	"\"options\":[\"ndots:2\"]}}";

static json_t *convert(const char *in, const char *version)
{
	struct cni_result r;
	struct cni_err err = {0};
	json_t *obj = json_loads(in, 0, NULL);
	json_t *out;

	assert_non_null(obj);
	assert_int_equal(cni_result_from_json(obj, "1.1.0", &r, &err), 0);
	out = cni_result_to_json(&r, version, &err);
	cni_result_free(&r);
	json_decref(obj);
	return out;
}

static void test_roundtrip_110(void **state)
{
	json_t *in = json_loads(full_110, 0, NULL);
	json_t *out = convert(full_110, "1.1.0");

	assert_non_null(out);
	assert_true(json_equal(in, out));
	json_decref(in);
	json_decref(out);
}

static void test_to_040_drops_110_fields(void **state)
{
	json_t *out = convert(full_110, "0.4.0");
	json_t *ip0 = json_array_get(json_object_get(out, "ips"), 0);
	json_t *if0 = json_array_get(json_object_get(out, "interfaces"), 0);
	json_t *r0 = json_array_get(json_object_get(out, "routes"), 0);

	assert_string_equal(json_string_value(json_object_get(ip0, "version")), "4");
	assert_int_equal(json_integer_value(json_object_get(ip0, "interface")), 1);
	assert_null(json_object_get(if0, "mtu"));
	assert_null(json_object_get(r0, "mtu"));
	assert_null(json_object_get(r0, "table"));
	assert_string_equal(json_string_value(json_object_get(r0, "gw")), "10.1.0.1");
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(out, "ips"), 1), "version")),
			    "6");
	json_decref(out);
}

static void test_to_100_has_no_version_key(void **state)
{
	json_t *out = convert(full_110, "1.0.0");
	json_t *ip0 = json_array_get(json_object_get(out, "ips"), 0);

	assert_null(json_object_get(ip0, "version"));
	assert_string_equal(json_string_value(json_object_get(out, "cniVersion")), "1.0.0");
	json_decref(out);
}

static void test_to_020_splits_families(void **state)
{
	json_t *out = convert(full_110, "0.2.0");
	json_t *ip4 = json_object_get(out, "ip4");
	json_t *ip6 = json_object_get(out, "ip6");

	assert_non_null(ip4);
	assert_non_null(ip6);
	assert_null(json_object_get(out, "ips"));
	assert_null(json_object_get(out, "interfaces"));
	assert_string_equal(json_string_value(json_object_get(ip4, "ip")), "10.1.0.5/24");
	assert_string_equal(json_string_value(json_object_get(ip4, "gateway")), "10.1.0.1");
	assert_int_equal(json_array_size(json_object_get(ip4, "routes")), 1);
	assert_int_equal(json_array_size(json_object_get(ip6, "routes")), 1);
	json_decref(out);
}

static void test_from_020(void **state)
{
	const char *in = "{\"cniVersion\":\"0.2.0\",\"ip4\":{\"ip\":\"10.2.0.3/16\",\"gateway\":"
			 "\"10.2.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},\"dns\":{}}";
	json_t *out = convert(in, "1.0.0");
	json_t *ip0 = json_array_get(json_object_get(out, "ips"), 0);

	assert_string_equal(json_string_value(json_object_get(ip0, "address")), "10.2.0.3/16");
	assert_null(json_object_get(ip0, "interface"));
	assert_int_equal(json_array_size(json_object_get(out, "routes")), 1);
	assert_true(json_is_object(json_object_get(out, "dns")));
	json_decref(out);
}

static void test_020_without_ip_fails(void **state)
{
	const char *in = "{\"cniVersion\":\"1.0.0\",\"interfaces\":[{\"name\":\"x\"}]}";
	struct cni_result r;
	struct cni_err err = {0};
	json_t *obj = json_loads(in, 0, NULL);

	assert_int_equal(cni_result_from_json(obj, "1.0.0", &r, &err), 0);
	assert_null(cni_result_to_json(&r, "0.2.0", &err));
	assert_int_equal(err.code, CNI_ERR_INCOMPATIBLE_VERSION);
	cni_result_free(&r);
	json_decref(obj);
}

static void test_bad_address_is_decode_error(void **state)
{
	const char *in = "{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.300/24\"}]}";
	struct cni_result r;
	struct cni_err err = {0};
	json_t *obj = json_loads(in, 0, NULL);

	assert_int_equal(cni_result_from_json(obj, "1.0.0", &r, &err), -1);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	json_decref(obj);
}

static void test_dns_always_emitted(void **state)
{
	json_t *out = convert("{\"cniVersion\":\"1.1.0\"}", "1.1.0");

	assert_true(json_is_object(json_object_get(out, "dns")));
	assert_int_equal(json_object_size(json_object_get(out, "dns")), 0);
	assert_null(json_object_get(out, "ips"));
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_110),
		cmocka_unit_test(test_to_040_drops_110_fields),
		cmocka_unit_test(test_to_100_has_no_version_key),
		cmocka_unit_test(test_to_020_splits_families),
		cmocka_unit_test(test_from_020),
		cmocka_unit_test(test_020_without_ip_fails),
		cmocka_unit_test(test_bad_address_is_decode_error),
		cmocka_unit_test(test_dns_always_emitted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
