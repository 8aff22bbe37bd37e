/* Unit tests: versions, CNI_ARGS, names and IP arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "cni/args.h"
#include "cni/ip.h"
#include "cni/names.h"
#include "cni/version.h"

static void test_version_cmp(void **state)
{
	struct cni_err err = {0};
	int r;

	assert_int_equal(cni_version_cmp("0.4.0", "0.3.1", &r, &err), 0);
	assert_int_equal(r, 1);
	assert_int_equal(cni_version_cmp("1.0.0", "1.1.0", &r, &err), 0);
	assert_int_equal(r, -1);
	assert_int_equal(cni_version_cmp("", "0.1.0", &r, &err), 0);
	assert_int_equal(r, 0);
	assert_int_equal(cni_version_cmp("1.x.0", "0.1.0", &r, &err), -1);
	assert_int_equal(err.code, CNI_ERR_DECODE);
	assert_int_equal(cni_version_cmp("1.0.0.0", "0.1.0", &r, &err), -1);
	assert_true(cni_version_is_supported("0.3.1"));
	assert_false(cni_version_is_supported("0.5.0"));
}

static void test_args(void **state)
{
	struct cni_err err = {0};
	struct cni_arg *args;
	size_t n;
	const char *const known[] = {"IP", NULL};

	assert_int_equal(cni_args_parse("IP=10.0.0.2;K8S_POD_NAME=x", &args, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(args[1].value, "x");
	assert_int_equal(cni_args_check_known(args, n, known, &err), -1);
	assert_int_equal(err.code, CNI_ERR_INVALID_ENV);
	assert_string_equal(err.msg, "ARGS: unknown args [\"K8S_POD_NAME=x\"]");
	cni_args_free(args, n);

	assert_int_equal(cni_args_parse("IgnoreUnknown=1;FOO=bar", &args, &n, &err), 0);
	assert_int_equal(cni_args_check_known(args, n, known, &err), 0);
	cni_args_free(args, n);

	assert_int_equal(cni_args_parse("IP", &args, &n, &err), -1);
	assert_string_equal(err.msg, "ARGS: invalid pair \"IP\"");
	assert_int_equal(cni_args_parse("A=b=c", &args, &n, &err), -1);
}

static void test_names(void **state)
{
	struct cni_err err = {0};

	assert_int_equal(cni_validate_container_id("abc-1.2_3", &err), 0);
	assert_int_equal(cni_validate_container_id("-abc", &err), -1);
	assert_int_equal(err.code, CNI_ERR_INVALID_ENV);
	assert_int_equal(cni_validate_container_id("", &err), -1);
	assert_int_equal(err.code, CNI_ERR_UNKNOWN_CONTAINER);
	assert_int_equal(cni_validate_ifname("eth0", &err), 0);
	assert_int_equal(cni_validate_ifname("0123456789abcdef", &err), -1);
	assert_int_equal(cni_validate_ifname("a:b", &err), -1);
	assert_int_equal(cni_validate_ifname("..", &err), -1);
	assert_int_equal(cni_validate_network_name("net/1", &err), -1);
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
}

static void test_ip_math(void **state)
{
	struct cni_prefix p;
	struct cni_ip ip, next;
	char buf[CNI_IP_STRLEN];

	assert_true(cni_prefix_parse("10.1.2.3/24", &p));
	assert_string_equal(cni_prefix_str(&p, buf), "10.1.2.3/24");
	ip = cni_prefix_last(&p);
	assert_string_equal(cni_ip_str(&ip, buf), "10.1.2.255");
	next = cni_ip_add(&ip, 1);
	assert_string_equal(cni_ip_str(&next, buf), "10.1.3.0");
	next = cni_ip_add(&next, -2);
	assert_string_equal(cni_ip_str(&next, buf), "10.1.2.254");
	assert_false(cni_prefix_contains(&p, &(struct cni_ip){.family = AF_INET6}));
	assert_true(cni_prefix_parse("fd00::1/64", &p));
	ip = cni_prefix_last(&p);
	assert_string_equal(cni_ip_str(&ip, buf), "fd00::ffff:ffff:ffff:ffff");
	assert_false(cni_prefix_parse("10.0.0.1/33", &p));
	assert_false(cni_prefix_parse("10.0.0.1", &p));
	assert_true(cni_ip_parse("::1.2.3.4", &ip));
	assert_string_equal(cni_ip_str(&ip, buf), "::102:304");
	assert_true(cni_ip_parse("fd00:0:0:1::0:0:5", &ip));
	assert_string_equal(cni_ip_str(&ip, buf), "fd00:0:0:1::5");
	assert_true(cni_ip_parse("1:0:0:2:0:0:0:3", &ip));
	assert_string_equal(cni_ip_str(&ip, buf), "1:0:0:2::3");
	assert_true(cni_ip_parse("::ffff:10.0.0.1", &ip));
	assert_int_equal(ip.family, AF_INET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_ip_math),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
