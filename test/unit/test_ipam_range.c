/* Unit tests for host-local range math: defaults, validation messages, membership, free counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ipam/range.h"

static struct cni_ip ip(const char *s)
{
	struct cni_ip r;

	assert_true(cni_ip_parse(s, &r));
	return r;
}

static struct ipam_range range(const char *subnet, const char *start, const char *end,
			       const char *gw)
{
	struct ipam_range r;

	memset(&r, 0, sizeof(r));
	assert_true(cni_prefix_parse(subnet, &r.subnet));
	if (start)
		r.start = ip(start);
	if (end)
		r.end = ip(end);
	if (gw)
		r.gateway = ip(gw);
	return r;
}

static void assert_ip(const struct cni_ip *a, const char *want)
{
	char buf[CNI_IP_STRLEN];

	assert_string_equal(cni_ip_str(a, buf), want);
}

static void test_defaults_v4(void **state)
{
	struct ipam_range r = range("10.1.2.0/24", NULL, NULL, NULL);
	struct cni_err err = {0};

	assert_int_equal(ipam_range_canonicalize(&r, &err), 0);
	assert_ip(&r.start, "10.1.2.1");
	assert_ip(&r.end, "10.1.2.254");
	assert_ip(&r.gateway, "10.1.2.1");
}

static void test_defaults_v6(void **state)
{
	struct ipam_range r = range("fd00:1::/64", NULL, NULL, "fd00:1::ff");
	struct cni_err err = {0};

	assert_int_equal(ipam_range_canonicalize(&r, &err), 0);
	assert_ip(&r.start, "fd00:1::1");
	assert_ip(&r.end, "fd00:1::ffff:ffff:ffff:ffff");
	assert_ip(&r.gateway, "fd00:1::ff");
}

static void test_errors(void **state)
{
	struct cni_err err = {0};
	struct ipam_range r;

	r = range("10.0.0.0/31", NULL, NULL, NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_int_equal(err.code, 7);
	assert_string_equal(err.msg, "Network 10.0.0.0/31 too small to allocate from");

	r = range("fd00::/127", NULL, NULL, NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_string_equal(err.msg, "Network fd00::/127 too small to allocate from");

	r = range("10.0.0.5/24", NULL, NULL, NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_string_equal(err.msg,
			    "Network has host bits set. For a subnet mask of length 24 the "
			    "network address is 10.0.0.0");

	r = range("10.0.0.0/24", "10.0.1.1", NULL, NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_string_equal(err.msg, "RangeStart 10.0.1.1 not in network 10.0.0.0/24");

	r = range("10.0.0.0/24", "10.0.0.50", "10.0.0.40", NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_string_equal(err.msg, "RangeStart 10.0.0.50 not in network 10.0.0.0/24");

	r = range("10.0.0.0/24", NULL, "10.0.0.255", NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), 0);
	r = range("10.0.0.0/24", NULL, "10.0.1.0", NULL);
	assert_int_equal(ipam_range_canonicalize(&r, &err), -1);
	assert_string_equal(err.msg, "RangeEnd 10.0.1.0 not in network 10.0.0.0/24");
}

static void test_contains_overlaps(void **state)
{
	struct ipam_range a = range("10.0.0.0/24", "10.0.0.10", "10.0.0.20", NULL);
	struct ipam_range b = range("10.0.0.0/24", "10.0.0.20", "10.0.0.30", NULL);
	struct ipam_range c = range("10.0.0.0/24", "10.0.0.21", "10.0.0.30", NULL);
	struct ipam_range d = range("fd00::/64", NULL, NULL, NULL);
	struct cni_err err = {0};
	struct cni_ip x;

	assert_int_equal(ipam_range_canonicalize(&a, &err), 0);
	assert_int_equal(ipam_range_canonicalize(&b, &err), 0);
	assert_int_equal(ipam_range_canonicalize(&c, &err), 0);
	assert_int_equal(ipam_range_canonicalize(&d, &err), 0);
	x = ip("10.0.0.10");
	assert_true(ipam_range_contains(&a, &x));
	x = ip("10.0.0.9");
	assert_false(ipam_range_contains(&a, &x));
	x = ip("10.0.0.21");
	assert_false(ipam_range_contains(&a, &x));
	x = ip("fd00::1");
	assert_false(ipam_range_contains(&a, &x));
	assert_true(ipam_range_overlaps(&a, &b));
	assert_false(ipam_range_overlaps(&a, &c));
	assert_false(ipam_range_overlaps(&a, &d));
}

static void test_sets(void **state)
{
	struct ipam_range rs[3] = {
		range("10.0.0.0/24", "10.0.0.10", "10.0.0.20", NULL),
		range("10.0.0.0/24", "10.0.0.15", "10.0.0.30", NULL),
		range("fd00::/64", NULL, NULL, NULL),
	};
	struct ipam_range_set s = {.ranges = rs, .n = 2};
	struct ipam_range_set empty = {0};
	struct cni_err err = {0};
	char buf[IPAM_RANGE_SET_STRLEN];

	assert_int_equal(ipam_range_set_canonicalize(&s, &err), -1);
	assert_string_equal(err.msg, "subnets 10.0.0.10-10.0.0.20 and 10.0.0.15-10.0.0.30 overlap");
	rs[1] = range("10.0.0.0/24", "10.0.0.21", "10.0.0.30", NULL);
	assert_int_equal(ipam_range_set_canonicalize(&s, &err), 0);
	assert_string_equal(ipam_range_set_str(&s, buf, sizeof(buf)),
			    "10.0.0.10-10.0.0.20,10.0.0.21-10.0.0.30");
	s.ranges = &rs[1];
	assert_int_equal(ipam_range_set_canonicalize(&s, &err), -1);
	assert_string_equal(err.msg, "mixed address families");
	assert_int_equal(ipam_range_set_canonicalize(&empty, &err), -1);
	assert_string_equal(err.msg, "empty range set");
}

static void test_free_count(void **state)
{
	struct ipam_range rs[2] = {
		range("10.0.0.0/29", NULL, NULL, NULL), /* .1-.6, gateway .1: 5 addresses */
		range("10.0.1.0/30", NULL, NULL, NULL), /* .1-.2, gateway .1: 1 address */
	};
	struct ipam_range_set s = {.ranges = rs, .n = 2};
	struct cni_ip reserved[] = {ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.6"), ip("10.0.1.2")};
	struct ipam_range v6 = range("fd00::/64", NULL, NULL, NULL);
	struct ipam_range_set s6 = {.ranges = &v6, .n = 1};
	struct cni_err err = {0};

	assert_int_equal(ipam_range_set_canonicalize(&s, &err), 0);
	assert_true(ipam_range_set_free_count(&s, NULL, 0) == 6);
	/* The reserved gateway is not counted twice. */
	assert_true(ipam_range_set_free_count(&s, reserved, 4) == 3);
	assert_int_equal(ipam_range_set_canonicalize(&s6, &err), 0);
	assert_true(ipam_range_set_free_count(&s6, NULL, 0) == (((unsigned __int128)1 << 64) - 2));
}

static void test_ip_text(void **state)
{
	struct cni_ip a = ip("::102:304");

	/* glibc would print "::1.2.3.4"; Go (and the reference's file names) "::102:304". */
	assert_ip(&a, "::102:304");
	a = ip("1:0:0:1:0:0:0:1");
	assert_ip(&a, "1:0:0:1::1");
	a = ip("1:0:1:1:1:1:1:1");
	assert_ip(&a, "1:0:1:1:1:1:1:1");
	a = ip("::");
	assert_ip(&a, "::");
	a = ip("fd00::");
	assert_ip(&a, "fd00::");
	a = ip("::ffff:10.0.0.1");
	assert_ip(&a, "10.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_v4), cmocka_unit_test(test_defaults_v6),
		cmocka_unit_test(test_errors),	    cmocka_unit_test(test_contains_overlaps),
		cmocka_unit_test(test_sets),	    cmocka_unit_test(test_free_count),
		cmocka_unit_test(test_ip_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
