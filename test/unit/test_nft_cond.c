/* Unit tests for the nftables conditions parser (portmap's conditionsV4/V6 on nftables). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>

#include "fw/nft_cond.h"

static struct fw_nft_cond *conds;
static size_t n_conds;
static struct cni_err err;

static int teardown(void **state)
{
	free(conds);
	conds = NULL;
	n_conds = 0;
	memset(&err, 0, sizeof(err));
	return 0;
}

/* Parse words for family; returns the parser's result. */
#define PARSE(family, ...)                                                                         \
	({                                                                                         \
		const char *const w_[] = {__VA_ARGS__};                                            \
		free(conds);                                                                       \
		conds = NULL;                                                                      \
		memset(&err, 0, sizeof(err));                                                      \
		fw_nft_cond_parse(w_, sizeof(w_) / sizeof(w_[0]), family, &conds, &n_conds, &err); \
	})

static void assert_refused(const char *token_in_msg)
{
	assert_int_equal(err.code, CNI_ERR_INVALID_CONFIG);
	assert_non_null(strstr(err.msg, token_in_msg));
	assert_null(conds);
}

static void test_empty(void **state)
{
	const char *none[1] = {NULL};

	assert_int_equal(fw_nft_cond_parse(none, 0, AF_INET, &conds, &n_conds, &err), 0);
	assert_int_equal(n_conds, 0);
	assert_null(conds);
}

static void test_ip_saddr_prefix_one_string(void **state)
{
	static const uint8_t lo[4] = {10, 0, 0, 0}, hi[4] = {10, 255, 255, 255};

	assert_int_equal(PARSE(AF_INET, "ip saddr 10.1.2.3/8"), 0);
	assert_int_equal(n_conds, 1);
	assert_int_equal(conds[0].load, FW_NFT_LOAD_PAYLOAD);
	assert_int_equal(conds[0].key, NFT_PAYLOAD_NETWORK_HEADER);
	assert_int_equal(conds[0].offset, 12);
	assert_int_equal(conds[0].len, 4);
	assert_int_equal(conds[0].nfproto, NFPROTO_IPV4);
	assert_false(conds[0].negate);
	assert_int_equal(conds[0].n_elems, 1);
	assert_memory_equal(conds[0].elems[0].lo, lo, 4);
	assert_memory_equal(conds[0].elems[0].hi, hi, 4);
	assert_int_equal(conds[0].elems[0].prefix_bits, 8);
}

static void test_ip_daddr_negated_words(void **state)
{
	static const uint8_t a[4] = {1, 2, 3, 4};

	/* The reference joins the list with spaces: one word per item works as well. */
	assert_int_equal(PARSE(AF_INET, "ip", "daddr", "!=", "1.2.3.4"), 0);
	assert_int_equal(n_conds, 1);
	assert_int_equal(conds[0].offset, 16);
	assert_true(conds[0].negate);
	assert_memory_equal(conds[0].elems[0].lo, a, 4);
	assert_memory_equal(conds[0].elems[0].hi, a, 4);
	assert_int_equal(PARSE(AF_INET, "ip daddr ne 1.2.3.4"), 0);
	assert_true(conds[0].negate);
	assert_int_equal(PARSE(AF_INET, "ip daddr eq 1.2.3.4"), 0);
	assert_false(conds[0].negate);
	assert_int_equal(PARSE(AF_INET, "ip daddr == 1.2.3.4"), 0);
	assert_false(conds[0].negate);
}

static void test_set_and_range(void **state)
{
	static const uint8_t r_lo[4] = {192, 168, 0, 1}, r_hi[4] = {192, 168, 0, 9};

	assert_int_equal(PARSE(AF_INET, "ip saddr {10.0.0.0/8,192.168.0.1-192.168.0.9 , 1.1.1.1}"),
			 0);
	assert_int_equal(n_conds, 1);
	assert_int_equal(conds[0].n_elems, 3);
	assert_memory_equal(conds[0].elems[1].lo, r_lo, 4);
	assert_memory_equal(conds[0].elems[1].hi, r_hi, 4);
	assert_int_equal(conds[0].elems[1].prefix_bits, -1);
	assert_int_equal(conds[0].elems[2].prefix_bits, 32);
	assert_int_equal(conds[0].set_type, 7);
	/* A trailing comma, as nft allows. */
	assert_int_equal(PARSE(AF_INET, "ip saddr != { 10.0.0.1, }"), 0);
	assert_int_equal(conds[0].n_elems, 1);
	assert_true(conds[0].negate);
}

static void test_ip6(void **state)
{
	static const uint8_t lo[16] = {0xfd, 0},
			     hi[16] = {0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	assert_int_equal(PARSE(AF_INET6, "ip6 saddr fd00::/8 ip6 daddr != ::1"), 0);
	assert_int_equal(n_conds, 2);
	assert_int_equal(conds[0].offset, 8);
	assert_int_equal(conds[0].len, 16);
	assert_int_equal(conds[0].nfproto, NFPROTO_IPV6);
	assert_memory_equal(conds[0].elems[0].lo, lo, 16);
	assert_memory_equal(conds[0].elems[0].hi, hi, 16);
	assert_int_equal(conds[1].offset, 24);
	assert_true(conds[1].negate);
	assert_int_equal(conds[1].set_type, 8);
}

static void test_family_mismatch(void **state)
{
	assert_int_equal(PARSE(AF_INET6, "ip saddr 10.0.0.1"), -1);
	assert_refused("\"ip\" matches IPv4, in an IPv6 rule");
	assert_int_equal(PARSE(AF_INET, "ip6 saddr fd00::1"), -1);
	assert_refused("matches IPv6, in an IPv4 rule");
	/* An address of the other family under the right selector. */
	assert_int_equal(PARSE(AF_INET, "ip saddr fd00::1"), -1);
	assert_refused("\"fd00::1\"");
}

static void test_ifname(void **state)
{
	char want[16] = "eth0";

	assert_int_equal(PARSE(AF_INET, "iifname \"eth0\" meta oifname != eth*"), 0);
	assert_int_equal(n_conds, 2);
	assert_int_equal(conds[0].load, FW_NFT_LOAD_META);
	assert_int_equal(conds[0].key, NFT_META_IIFNAME);
	assert_int_equal(conds[0].len, 16);
	assert_true(conds[0].is_string);
	assert_memory_equal(conds[0].elems[0].lo, want, 16);
	assert_memory_equal(conds[0].elems[0].hi, want, 16);
	assert_int_equal(conds[1].key, NFT_META_OIFNAME);
	assert_true(conds[1].negate);
	assert_int_equal(conds[1].elems[0].prefix_bits, 24);
	assert_memory_equal(conds[1].elems[0].lo, "eth\0", 4);
	assert_int_equal(conds[1].elems[0].hi[3], 0xff);
	assert_int_equal(PARSE(AF_INET, "iifname { \"eth0\", \"veth*\" }"), 0);
	assert_int_equal(conds[0].n_elems, 2);
	assert_int_equal(conds[0].set_type, 41);
	assert_int_equal(PARSE(AF_INET, "iifname averyveryverylongname"), -1);
	assert_refused("averyveryverylongname");
	assert_int_equal(PARSE(AF_INET, "iifname \"*\""), -1);
	assert_refused("\"*\"");
}

static void test_l4proto_and_ports(void **state)
{
	static const uint8_t p80[2] = {0, 80}, p1000[2] = {0x03, 0xe8}, p2000[2] = {0x07, 0xd0};

	assert_int_equal(PARSE(AF_INET, "meta l4proto tcp tcp dport 80 udp sport 1000-2000"), 0);
	assert_int_equal(n_conds, 3);
	assert_int_equal(conds[0].key, NFT_META_L4PROTO);
	assert_int_equal(conds[0].len, 1);
	assert_int_equal(conds[0].elems[0].lo[0], IPPROTO_TCP);
	assert_int_equal(conds[1].load, FW_NFT_LOAD_PAYLOAD);
	assert_int_equal(conds[1].key, NFT_PAYLOAD_TRANSPORT_HEADER);
	assert_int_equal(conds[1].offset, 2);
	assert_int_equal(conds[1].l4proto, IPPROTO_TCP);
	assert_memory_equal(conds[1].elems[0].lo, p80, 2);
	assert_int_equal(conds[2].offset, 0);
	assert_int_equal(conds[2].l4proto, IPPROTO_UDP);
	assert_memory_equal(conds[2].elems[0].lo, p1000, 2);
	assert_memory_equal(conds[2].elems[0].hi, p2000, 2);
	assert_int_equal(PARSE(AF_INET, "meta l4proto { 17, sctp } sctp dport != { 1, 2 }"), 0);
	assert_int_equal(conds[0].elems[0].lo[0], IPPROTO_UDP);
	assert_int_equal(conds[0].elems[1].lo[0], IPPROTO_SCTP);
	assert_int_equal(conds[1].set_type, 13);
	assert_int_equal(PARSE(AF_INET, "tcp dport 65536"), -1);
	assert_refused("\"65536\"");
	assert_int_equal(PARSE(AF_INET, "tcp dport http"), -1);
	assert_refused("\"http\"");
	assert_int_equal(PARSE(AF_INET, "l4proto tcp"), -1);
	assert_refused("\"l4proto\"");
	assert_int_equal(PARSE(AF_INET, "meta mark 1"), -1);
	assert_refused("\"mark\"");
}

static void test_fib(void **state)
{
	uint32_t v;

	assert_int_equal(PARSE(AF_INET, "fib daddr type local"), 0);
	assert_int_equal(conds[0].load, FW_NFT_LOAD_FIB);
	assert_int_equal(conds[0].key, NFTA_FIB_F_DADDR);
	memcpy(&v, conds[0].elems[0].lo, 4);
	assert_int_equal(v, RTN_LOCAL);
	assert_int_equal(PARSE(AF_INET6, "fib saddr type != { unicast, local }"), 0);
	assert_int_equal(conds[0].key, NFTA_FIB_F_SADDR);
	assert_true(conds[0].negate);
	assert_int_equal(conds[0].n_elems, 2);
	assert_int_equal(PARSE(AF_INET, "fib daddr local"), -1);
	assert_refused("\"type\" expected");
	assert_int_equal(PARSE(AF_INET, "fib daddr type nowhere"), -1);
	assert_refused("\"nowhere\"");
}

/* Statements, unknown matches and other syntax are refused by name, never dropped. */
static void test_refused(void **state)
{
	assert_int_equal(PARSE(AF_INET, "ip saddr 10.0.0.0/8 counter"), -1);
	assert_refused("\"counter\"");
	assert_int_equal(PARSE(AF_INET, "ip saddr 10.0.0.0/8", "accept"), -1);
	assert_refused("\"accept\"");
	assert_int_equal(PARSE(AF_INET, "ct state new"), -1);
	assert_refused("\"ct\"");
	assert_int_equal(PARSE(AF_INET, "ip saddr < 10.0.0.1"), -1);
	assert_refused("\"<\"");
	assert_int_equal(PARSE(AF_INET, "ip protocol tcp"), -1);
	assert_refused("\"protocol\"");
	assert_int_equal(PARSE(AF_INET, "ip saddr"), -1);
	assert_refused("ends early");
	assert_int_equal(PARSE(AF_INET, "ip saddr { }"), -1);
	assert_refused("empty set");
	assert_int_equal(PARSE(AF_INET, "ip saddr { 10.0.0.1 10.0.0.2 }"), -1);
	assert_refused("\"10.0.0.2\"");
	assert_int_equal(PARSE(AF_INET, "ip saddr { 10.0.0.1"), -1);
	assert_refused("ends early");
	assert_int_equal(PARSE(AF_INET, "iifname \"eth0"), -1);
	assert_refused("unterminated");
	assert_int_equal(PARSE(AF_INET, "ip saddr 10.0.0.9-10.0.0.1"), -1);
	assert_refused("\"10.0.0.9-10.0.0.1\"");
}

static void test_set_limit(void **state)
{
	char text[2048] = "tcp dport {";

	for (int i = 0; i <= FW_NFT_COND_MAX_ELEMS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), " %d,", i + 1);
	strcat(text, " }");
	assert_int_equal(PARSE(AF_INET, text), -1);
	assert_refused("more than 64 set elements");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_empty, teardown),
		cmocka_unit_test_teardown(test_ip_saddr_prefix_one_string, teardown),
		cmocka_unit_test_teardown(test_ip_daddr_negated_words, teardown),
		cmocka_unit_test_teardown(test_set_and_range, teardown),
		cmocka_unit_test_teardown(test_ip6, teardown),
		cmocka_unit_test_teardown(test_family_mismatch, teardown),
		cmocka_unit_test_teardown(test_ifname, teardown),
		cmocka_unit_test_teardown(test_l4proto_and_ports, teardown),
		cmocka_unit_test_teardown(test_fib, teardown),
		cmocka_unit_test_teardown(test_refused, teardown),
		cmocka_unit_test_teardown(test_set_limit, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
