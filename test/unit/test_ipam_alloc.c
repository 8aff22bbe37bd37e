/* Unit tests for host-local's iterator and allocator: round-robin, wraparound, exhaustion,
 * requests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipam/hostlocal_alloc.h"

static struct cni_ip ip(const char *s)
{
	struct cni_ip r;

	assert_true(cni_ip_parse(s, &r));
	return r;
}

static struct ipam_range range(const char *subnet, const char *start, const char *end)
{
	struct ipam_range r;
	struct cni_err err = {0};

	memset(&r, 0, sizeof(r));
	assert_true(cni_prefix_parse(subnet, &r.subnet));
	if (start)
		r.start = ip(start);
	if (end)
		r.end = ip(end);
	assert_int_equal(ipam_range_canonicalize(&r, &err), 0);
	return r;
}

/* Every address the iterator offers, joined by spaces. */
static void walk(const struct ipam_range_set *s, const char *last, char *out, size_t len)
{
	struct ipam_range_iter it;
	const struct ipam_range *r;
	struct cni_ip a, l;
	char buf[CNI_IP_STRLEN];

	if (last)
		l = ip(last);
	ipam_range_iter_init(&it, s, last ? &l : NULL);
	out[0] = '\0';
	while (ipam_range_iter_next(&it, &a, &r)) {
		size_t n = strlen(out);

		snprintf(out + n, len - n, "%s%s", n ? " " : "", cni_ip_str(&a, buf));
	}
}

static void test_iter_from_start(void **state)
{
	struct ipam_range r = range("10.0.0.0/29", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	char out[256];

	walk(&s, NULL, out, sizeof(out));
	assert_string_equal(out, "10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6");
}

static void test_iter_round_robin(void **state)
{
	struct ipam_range r = range("10.0.0.0/29", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	char out[256];

	walk(&s, "10.0.0.4", out, sizeof(out));
	assert_string_equal(out, "10.0.0.5 10.0.0.6 10.0.0.2 10.0.0.3 10.0.0.4");
	/* A last address outside the set is ignored, as the reference does. */
	walk(&s, "10.9.9.9", out, sizeof(out));
	assert_string_equal(out, "10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6");
}

static void test_iter_multi_range(void **state)
{
	struct ipam_range rs[2] = {
		range("10.0.0.0/30", NULL, NULL),
		range("10.0.1.0/29", "10.0.1.4", "10.0.1.5"),
	};
	struct ipam_range_set s = {.ranges = rs, .n = 2};
	char out[256];

	walk(&s, NULL, out, sizeof(out));
	assert_string_equal(out, "10.0.0.2 10.0.1.4 10.0.1.5");
	walk(&s, "10.0.1.5", out, sizeof(out));
	assert_string_equal(out, "10.0.0.2 10.0.1.4 10.0.1.5");
	walk(&s, "10.0.1.4", out, sizeof(out));
	assert_string_equal(out, "10.0.1.5 10.0.0.2 10.0.1.4");
}

static void test_iter_v6(void **state)
{
	struct ipam_range r = range("fd00::/120", "fd00::fe", NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	char out[256];

	walk(&s, NULL, out, sizeof(out));
	assert_string_equal(out, "fd00::fe fd00::ff");
}

struct fixture {
	char dir[64];
	struct ipam_store store;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cni_err err = {0};

	snprintf(f->dir, sizeof(f->dir), "/tmp/cni-c-unit.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(ipam_store_open(&f->store, f->dir, "net", &err), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	ipam_store_close(&f->store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void get(struct fixture *f, const struct ipam_range_set *s, const struct ipam_scan *scan,
		const char *id, const char *want)
{
	struct cni_ip_config out;
	struct cni_err err = {0};
	char buf[CNI_IP_STRLEN];

	assert_int_equal(ipam_alloc_get(&f->store, s, 0, scan, id, "eth0", NULL, &out, &err), 0);
	assert_string_equal(cni_prefix_str(&out.address, buf), want);
}

static void read_file(struct fixture *f, const char *name, char *buf, size_t len)
{
	char path[256];
	FILE *fp;
	size_t n;

	snprintf(path, sizeof(path), "%s/net/%s", f->dir, name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

static void test_alloc_round_robin_exhaustion(void **state)
{
	struct fixture *f = *state;
	struct ipam_range r = range("10.0.0.0/29", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	struct ipam_scan scan = {0};
	struct cni_ip_config out;
	struct cni_err err = {0};
	struct cni_ip freed = ip("10.0.0.3");
	char buf[64];

	get(f, &s, &scan, "a", "10.0.0.2/29");
	read_file(f, "10.0.0.2", buf, sizeof(buf));
	assert_string_equal(buf, "a\r\neth0");
	read_file(f, "last_reserved_ip.0", buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2");
	get(f, &s, &scan, "b", "10.0.0.3/29");
	get(f, &s, &scan, "c", "10.0.0.4/29");
	get(f, &s, &scan, "d", "10.0.0.5/29");
	get(f, &s, &scan, "e", "10.0.0.6/29");
	assert_int_equal(ipam_alloc_get(&f->store, &s, 0, &scan, "f", "eth0", NULL, &out, &err),
			 -1);
	assert_int_equal(err.code, 11);
	assert_string_equal(err.msg, "no IP addresses available in range set: 10.0.0.1-10.0.0.6");
	/* After a release, round-robin wraps around to the freed address. */
	assert_int_equal(ipam_store_remove_ip(&f->store, &freed, &err), 0);
	get(f, &s, &scan, "f", "10.0.0.3/29");
}

static void test_alloc_skips_scanned(void **state)
{
	struct fixture *f = *state;
	struct ipam_range r = range("10.0.0.0/29", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	struct ipam_scan scan = {0};
	struct cni_err err = {0};
	struct cni_ip a = ip("10.0.0.2"), b = ip("10.0.0.3");

	/* Addresses the scan saw as taken are skipped without touching the disk. */
	assert_int_equal(
		ipam_scan_add(&scan.reserved, &scan.n_reserved, &scan.cap_reserved, &b, &err), 0);
	assert_int_equal(
		ipam_scan_add(&scan.reserved, &scan.n_reserved, &scan.cap_reserved, &a, &err), 0);
	ipam_scan_sort(&scan);
	assert_true(ipam_scan_is_reserved(&scan, &a));
	get(f, &s, &scan, "a", "10.0.0.4/29");
	ipam_scan_free(&scan);
}

static void test_alloc_requested(void **state)
{
	struct fixture *f = *state;
	struct ipam_range r = range("10.0.0.0/24", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	struct ipam_scan scan = {0};
	struct cni_ip_config out;
	struct cni_err err = {0};
	struct cni_ip want = ip("10.0.0.77"), gw = ip("10.0.0.1");
	char buf[CNI_IP_STRLEN];

	assert_int_equal(ipam_alloc_get(&f->store, &s, 0, &scan, "a", "eth0", &want, &out, &err),
			 0);
	assert_string_equal(cni_prefix_str(&out.address, buf), "10.0.0.77/24");
	assert_string_equal(cni_ip_str(&out.gateway, buf), "10.0.0.1");
	assert_int_equal(ipam_alloc_get(&f->store, &s, 0, &scan, "b", "eth0", &want, &out, &err),
			 -1);
	assert_int_equal(err.code, 11);
	assert_string_equal(err.msg, "requested IP address 10.0.0.77 is not available in range set "
				     "10.0.0.1-10.0.0.254");
	assert_int_equal(ipam_alloc_get(&f->store, &s, 0, &scan, "b", "eth0", &gw, &out, &err), -1);
	assert_int_equal(err.code, 7);
	assert_string_equal(err.msg, "requested ip 10.0.0.1 is subnet's gateway");
	/* The next free allocation continues after the requested one (last_reserved_ip). */
	get(f, &s, &scan, "c", "10.0.0.78/24");
}

static void test_alloc_duplicate(void **state)
{
	struct fixture *f = *state;
	struct ipam_range r = range("10.0.0.0/24", NULL, NULL);
	struct ipam_range_set s = {.ranges = &r, .n = 1};
	struct ipam_scan scan = {0};
	struct cni_ip_config out;
	struct cni_err err = {0};
	struct cni_ip mine = ip("10.0.0.9"), elsewhere = ip("10.1.0.9");

	assert_int_equal(
		ipam_scan_add(&scan.owned, &scan.n_owned, &scan.cap_owned, &elsewhere, &err), 0);
	get(f, &s, &scan, "a", "10.0.0.2/24");
	assert_int_equal(ipam_scan_add(&scan.owned, &scan.n_owned, &scan.cap_owned, &mine, &err),
			 0);
	assert_int_equal(ipam_alloc_get(&f->store, &s, 0, &scan, "a", "eth0", NULL, &out, &err),
			 -1);
	assert_string_equal(
		err.msg, "10.0.0.9 has been allocated to a, duplicate allocation is not allowed");
	ipam_scan_free(&scan);
}

static void test_owner_match(void **state)
{
	struct ipam_owner o;

	assert_int_equal(ipam_owner_match("abc\r\neth0", 9, "abc", "eth0"), IPAM_OWNER_CURRENT);
	assert_int_equal(ipam_owner_match("abc", 3, "abc", "eth0"), IPAM_OWNER_LEGACY);
	assert_int_equal(ipam_owner_match("abc", 3, " abc ", "eth0"), IPAM_OWNER_LEGACY);
	assert_int_equal(ipam_owner_match("abc\r\neth1", 9, "abc", "eth0"), IPAM_OWNER_OTHER);
	assert_int_equal(ipam_owner_match("abcd", 4, "abc", "eth0"), IPAM_OWNER_OTHER);
	assert_true(ipam_owner_parse("abc\r\neth0", 9, &o));
	assert_string_equal(o.id, "abc");
	assert_string_equal(o.ifname, "eth0");
	assert_false(o.legacy);
	assert_true(ipam_owner_parse("abc", 3, &o));
	assert_true(o.legacy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iter_from_start),
		cmocka_unit_test(test_iter_round_robin),
		cmocka_unit_test(test_iter_multi_range),
		cmocka_unit_test(test_iter_v6),
		cmocka_unit_test_setup_teardown(test_alloc_round_robin_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_skips_scanned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_requested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_duplicate, setup, teardown),
		cmocka_unit_test(test_owner_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
