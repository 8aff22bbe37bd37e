/* A struct fw_rule as libnftnl expressions: what `nft` would compile the same rule to. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cni/cleanup.h"
#include "fw/nft_cond.h"
#include "fw/nft_expr.h"

#define REG_A NFT_REG_1
#define REG_B NFT_REG_2

static int add(struct nftnl_rule *r, struct nftnl_expr *e, struct cni_err *err)
{
	if (!e)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables expression");
	nftnl_rule_add_expr(r, e);
	return 0;
}

static int meta_load(struct nftnl_rule *r, uint32_t key, struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, REG_A);
	}
	return add(r, e, err);
}

static int payload_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len,
			struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, REG_A);
	}
	return add(r, e, err);
}

static int cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len,
	       struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, REG_A);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return add(r, e, err);
}

static int bitwise_mask(struct nftnl_rule *r, const void *mask, uint32_t len, struct cni_err *err)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, REG_A);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, REG_A);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	return add(r, e, err);
}

static int match_nfproto(struct nftnl_rule *r, int family, struct cni_err *err)
{
	uint8_t proto = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;

	if (meta_load(r, NFT_META_NFPROTO, err) < 0)
		return -1;
	return cmp(r, NFT_CMP_EQ, &proto, 1, err);
}

/* "ip saddr 10.0.0.0/24" / "ip6 daddr != fd00::/64". */
static int match_addr(struct nftnl_rule *r, bool source, const struct fw_addr_match *m,
		      struct cni_err *err)
{
	const struct cni_prefix *p = &m->prefix;
	bool v6 = p->ip.family == AF_INET6;
	uint32_t len = v6 ? 16 : 4, off = v6 ? (source ? 8 : 24) : (source ? 12 : 16);
	struct cni_prefix net = cni_prefix_network(p);
	struct cni_ip mask = cni_prefix_mask(p);

	if (payload_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, len, err) < 0)
		return -1;
	if (p->len < (int)len * 8 && bitwise_mask(r, mask.addr, len, err) < 0)
		return -1;
	return cmp(r, m->negate ? NFT_CMP_NEQ : NFT_CMP_EQ, net.ip.addr, len, err);
}

static int match_dport(struct nftnl_rule *r, uint8_t l4proto, uint16_t port, struct cni_err *err)
{
	uint16_t be = htons(port);

	if (meta_load(r, NFT_META_L4PROTO, err) < 0 || cmp(r, NFT_CMP_EQ, &l4proto, 1, err) < 0)
		return -1;
	if (payload_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, err) < 0)
		return -1;
	return cmp(r, NFT_CMP_EQ, &be, 2, err);
}

static int fib_load(struct nftnl_rule *r, uint32_t flags, struct cni_err *err);

static int match_daddr_local(struct nftnl_rule *r, struct cni_err *err)
{
	uint32_t local = RTN_LOCAL;

	if (fib_load(r, NFTA_FIB_F_DADDR, err) < 0)
		return -1;
	return cmp(r, NFT_CMP_EQ, &local, sizeof(local), err);
}

static int match_mark(struct nftnl_rule *r, uint32_t mark, uint32_t mask, struct cni_err *err)
{
	if (meta_load(r, NFT_META_MARK, err) < 0)
		return -1;
	if (mask != 0xffffffff && bitwise_mask(r, &mask, 4, err) < 0)
		return -1;
	return cmp(r, NFT_CMP_EQ, &mark, 4, err);
}

static int fib_load(struct nftnl_rule *r, uint32_t flags, struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, REG_A);
	}
	return add(r, e, err);
}

static int range(struct nftnl_rule *r, bool negate, const struct fw_nft_elem *el, uint32_t len,
		 struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("range");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, REG_A);
		nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, negate ? NFT_RANGE_NEQ : NFT_RANGE_EQ);
		nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, el->lo, len);
		nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, el->hi, len);
	}
	return add(r, e, err);
}

/* One value: an exact compare, a prefix (mask, or fewer bytes of a name), or a range. */
static int match_elem(struct nftnl_rule *r, const struct fw_nft_cond *c, struct cni_err *err)
{
	const struct fw_nft_elem *el = &c->elems[0];
	uint32_t op = c->negate ? NFT_CMP_NEQ : NFT_CMP_EQ;

	if (memcmp(el->lo, el->hi, c->len) == 0)
		return cmp(r, op, el->lo, c->len, err);
	if (el->prefix_bits >= 0 && c->is_string)
		return cmp(r, op, el->lo, (uint32_t)el->prefix_bits / 8, err);
	if (el->prefix_bits >= 0) {
		uint8_t mask[16] = {0};

		for (int b = 0; b < el->prefix_bits; b++)
			mask[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		if (bitwise_mask(r, mask, c->len, err) < 0)
			return -1;
		return cmp(r, op, el->lo, c->len, err);
	}
	return range(r, c->negate, el, c->len, err);
}

static int elem_cmp(const void *a, const void *b, void *len)
{
	return memcmp(((const struct fw_nft_elem *)a)->lo, ((const struct fw_nft_elem *)b)->lo,
		      *(uint32_t *)len);
}

/* v + 1 as a big-endian number of len bytes; false when it wraps (v was all ones). */
static bool next_value(uint8_t *v, uint32_t len)
{
	for (uint32_t i = len; i-- > 0;)
		if (++v[i] != 0)
			return true;
	return false;
}

static int set_elem(struct nftnl_set *s, const uint8_t *key, uint32_t len, bool end,
		    struct cni_err *err)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (!e)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables set element");
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, len);
	if (end)
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
	nftnl_set_elem_add(s, e);
	return 0;
}

/*
 * The elements of an interval set, laid out as nft does it: sorted, merged, each interval as its
 * start and (flagged end) the value after its last, preceded by an end at zero.
 */
static int interval_elems(struct nftnl_set *s, const struct fw_nft_cond *c, struct cni_err *err)
{
	struct fw_nft_elem sorted[FW_NFT_COND_MAX_ELEMS];
	uint32_t len = c->len;
	static const uint8_t zero[16];
	size_t n = 0;

	memcpy(sorted, c->elems, c->n_elems * sizeof(sorted[0]));
	qsort_r(sorted, c->n_elems, sizeof(sorted[0]), elem_cmp, &len);
	for (size_t i = 0; i < c->n_elems; i++) {
		if (n) {
			struct fw_nft_elem *prev = &sorted[n - 1];
			uint8_t after[16];
			bool adjacent;

			memcpy(after, prev->hi, len);
			adjacent = next_value(after, len) && memcmp(sorted[i].lo, after, len) == 0;
			/* Overlapping or adjacent to the previous interval: extend that one. */
			if (adjacent || memcmp(sorted[i].lo, prev->hi, len) <= 0) {
				if (memcmp(sorted[i].hi, prev->hi, len) > 0)
					memcpy(prev->hi, sorted[i].hi, len);
				continue;
			}
		}
		sorted[n++] = sorted[i];
	}
	if (memcmp(sorted[0].lo, zero, len) != 0 && set_elem(s, zero, len, true, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t end[16];

		memcpy(end, sorted[i].hi, len);
		if (set_elem(s, sorted[i].lo, len, false, err) < 0 ||
		    (next_value(end, len) && set_elem(s, end, len, true, err) < 0))
			return -1;
	}
	return 0;
}

/* Several values: a lookup in an anonymous constant set, sent in the batch before the rule. */
static int match_set(struct nftnl_rule *r, const struct fw_nft_cond *c, struct fw_nft_sets *sets,
		     struct cni_err *err)
{
	struct nftnl_set *s;
	struct nftnl_expr *e;
	bool interval = false;
	uint32_t id;

	if (sets->n == sizeof(sets->set) / sizeof(sets->set[0]))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"too many sets in nftables conditions");
	for (size_t i = 0; i < c->n_elems; i++)
		interval |= memcmp(c->elems[i].lo, c->elems[i].hi, c->len) != 0;
	s = nftnl_set_alloc();
	if (!s)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables set");
	id = ++sets->next_id;
	sets->set[sets->n++] = s;
	nftnl_set_set_str(s, NFTNL_SET_NAME, "__set%d");
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, c->set_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, c->len);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS,
			  NFT_SET_ANONYMOUS | NFT_SET_CONSTANT | (interval ? NFT_SET_INTERVAL : 0));
	if (interval) {
		if (interval_elems(s, c, err) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < c->n_elems; i++)
			if (set_elem(s, c->elems[i].lo, c->len, false, err) < 0)
				return -1;
	}
	e = nftnl_expr_alloc("lookup");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, REG_A);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, "__set%d");
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
		if (c->negate)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
	return add(r, e, err);
}

static int match_cond(struct nftnl_rule *r, int table_family, const struct fw_nft_cond *c,
		      struct fw_nft_sets *sets, struct cni_err *err)
{
	int ret;

	if (table_family == AF_UNSPEC && c->nfproto &&
	    match_nfproto(r, c->nfproto == NFPROTO_IPV6 ? AF_INET6 : AF_INET, err) < 0)
		return -1;
	if (c->l4proto && (meta_load(r, NFT_META_L4PROTO, err) < 0 ||
			   cmp(r, NFT_CMP_EQ, &c->l4proto, 1, err) < 0))
		return -1;
	switch (c->load) {
	case FW_NFT_LOAD_META:
		ret = meta_load(r, c->key, err);
		break;
	case FW_NFT_LOAD_PAYLOAD:
		ret = payload_load(r, c->key, c->offset, c->len, err);
		break;
	case FW_NFT_LOAD_FIB:
	default:
		ret = fib_load(r, c->key, err);
		break;
	}
	if (ret < 0)
		return -1;
	return c->n_elems == 1 ? match_elem(r, c, err) : match_set(r, c, sets, err);
}

/* The user's conditions (pkg/fw/nft_cond.c has the grammar), ahead of the rule's own matches. */
static int match_conditions(struct nftnl_rule *r, int table_family, const struct fw_rule *rule,
			    struct fw_nft_sets *sets, struct cni_err *err)
{
	_cleanup_free_ struct fw_nft_cond *conds = NULL;
	size_t n = 0;

	if (fw_nft_cond_parse(rule->conditions, rule->n_conditions, rule->family, &conds, &n, err) <
	    0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (match_cond(r, table_family, &conds[i], sets, err) < 0)
			return -1;
	return 0;
}

static int verdict(struct nftnl_rule *r, uint32_t code, const char *chain, struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, code);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	return add(r, e, err);
}

static int immediate_data(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len,
			  struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	return add(r, e, err);
}

static int dnat(struct nftnl_rule *r, const struct fw_rule *rule, struct cni_err *err)
{
	struct nftnl_expr *e;
	uint16_t port = htons(rule->dnat_port);

	if (immediate_data(r, REG_A, rule->dnat_ip.addr, cni_ip_bytes(&rule->dnat_ip), err) < 0)
		return -1;
	if (rule->dnat_port && immediate_data(r, REG_B, &port, 2, err) < 0)
		return -1;
	e = nftnl_expr_alloc("nat");
	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY,
				   rule->dnat_ip.family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, REG_A);
		if (rule->dnat_port)
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, REG_B);
	}
	return add(r, e, err);
}

static int target(struct nftnl_rule *r, const struct fw_rule *rule, struct cni_err *err)
{
	switch (rule->verdict) {
	case FW_VERDICT_NONE:
		return 0;
	case FW_VERDICT_JUMP:
		return verdict(r, NFT_JUMP, rule->target, err);
	case FW_VERDICT_GOTO:
		return verdict(r, NFT_GOTO, rule->target, err);
	case FW_VERDICT_RETURN:
		return verdict(r, NFT_RETURN, NULL, err);
	case FW_VERDICT_ACCEPT:
		return verdict(r, NF_ACCEPT, NULL, err);
	case FW_VERDICT_MASQUERADE:
		return add(r, nftnl_expr_alloc("masq"), err);
	case FW_VERDICT_DNAT:
		return dnat(r, rule, err);
	case FW_VERDICT_SET_MARK:
		break;
	}
	return cni_errf(err, CNI_ERR_INTERNAL, 0, "verdict %d not supported on nftables",
			rule->verdict);
}

static int comment(struct nftnl_rule *r, const char *text, struct cni_err *err)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!ud)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables comment");
	if (!nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, text)) {
		nftnl_udata_buf_free(ud);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "nftables comment too long");
	}
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return 0;
}

int fw_nft_rule_build(struct nftnl_rule *r, int table_family, const struct fw_rule *rule,
		      struct fw_nft_sets *sets, struct cni_err *err)
{
	bool family_specific =
		rule->saddr.set || rule->daddr.set || rule->verdict == FW_VERDICT_DNAT;

	if (table_family == AF_UNSPEC && family_specific && match_nfproto(r, rule->family, err) < 0)
		return -1;
	if (match_conditions(r, table_family, rule, sets, err) < 0)
		return -1;
	if (rule->saddr.set && match_addr(r, true, &rule->saddr, err) < 0)
		return -1;
	if (rule->daddr.set && match_addr(r, false, &rule->daddr, err) < 0)
		return -1;
	if (rule->n_dports > 1)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "nftables rules take one port each");
	if (rule->n_dports == 1 && match_dport(r, rule->l4proto, rule->dports[0], err) < 0)
		return -1;
	if (rule->daddr_local && match_daddr_local(r, err) < 0)
		return -1;
	if (rule->has_mark && match_mark(r, rule->mark, rule->mark_mask, err) < 0)
		return -1;
	if (target(r, rule, err) < 0)
		return -1;
	if (rule->comment && comment(r, rule->comment, err) < 0)
		return -1;
	return 0;
}
