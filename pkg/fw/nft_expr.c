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

static int match_daddr_local(struct nftnl_rule *r, struct cni_err *err)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, REG_A);
	}
	if (add(r, e, err) < 0)
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

static int match_ifname(struct nftnl_rule *r, bool in, bool negate, const char *name,
			struct cni_err *err)
{
	char buf[16] = {0};

	if (strlen(name) >= sizeof(buf))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "interface name too long: %s",
				name);
	memcpy(buf, name, strlen(name));
	if (meta_load(r, in ? NFT_META_IIFNAME : NFT_META_OIFNAME, err) < 0)
		return -1;
	return cmp(r, negate ? NFT_CMP_NEQ : NFT_CMP_EQ, buf, sizeof(buf), err);
}

/*
 * The user's nftables conditions, as words: "ip|ip6 saddr|daddr [==|!=] ADDR[/LEN]" and
 * "[meta] iifname|oifname [==|!=] NAME". Without a full nft parser this is the grammar we take;
 * anything else is a config error rather than a silently different rule.
 */
static int match_conditions(struct nftnl_rule *r, const struct fw_rule *rule, struct cni_err *err)
{
	char *words[64];
	size_t n = 0;
	char *text = NULL, *save = NULL;
	size_t total = 1;
	int ret = 0;

	for (size_t i = 0; i < rule->n_conditions; i++)
		total += strlen(rule->conditions[i]) + 1;
	text = calloc(1, total);
	if (!text)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "conditions");
	for (size_t i = 0; i < rule->n_conditions; i++) {
		strcat(text, rule->conditions[i]);
		strcat(text, " ");
	}
	for (char *w = strtok_r(text, " \t", &save); w && n < sizeof(words) / sizeof(words[0]);
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	for (size_t i = 0; i < n && ret == 0;) {
		bool negate = false;

		if (strcmp(words[i], "meta") == 0)
			i++;
		if (i + 1 < n && (strcmp(words[i], "ip") == 0 || strcmp(words[i], "ip6") == 0) &&
		    (strcmp(words[i + 1], "saddr") == 0 || strcmp(words[i + 1], "daddr") == 0)) {
			bool source = words[i + 1][0] == 's';
			struct fw_addr_match m = {.set = true};

			i += 2;
			if (i < n && (strcmp(words[i], "!=") == 0 || strcmp(words[i], "==") == 0))
				negate = words[i++][0] == '!';
			if (i >= n || !(cni_prefix_parse(words[i], &m.prefix) ||
					cni_ip_parse(words[i], &m.prefix.ip))) {
				ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					       "bad address in nftables condition");
				break;
			}
			if (!strchr(words[i], '/'))
				m.prefix.len = cni_ip_bytes(&m.prefix.ip) * 8;
			m.negate = negate;
			i++;
			ret = match_addr(r, source, &m, err);
		} else if (i + 1 < n &&
			   (strcmp(words[i], "iifname") == 0 || strcmp(words[i], "oifname") == 0)) {
			bool in = words[i][0] == 'i' && words[i][1] == 'i';

			i++;
			if (i < n && (strcmp(words[i], "!=") == 0 || strcmp(words[i], "==") == 0))
				negate = words[i++][0] == '!';
			if (i >= n) {
				ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					       "missing interface in nftables condition");
				break;
			}
			const char *name = words[i++];
			size_t l = strlen(name);
			char unq[32];

			/* nft accepts the name quoted. */
			if (l >= 2 && name[0] == '"' && name[l - 1] == '"' && l - 2 < sizeof(unq)) {
				memcpy(unq, name + 1, l - 2);
				unq[l - 2] = 0;
				name = unq;
			}
			ret = match_ifname(r, in, negate, name, err);
		} else {
			ret = cni_errf(
				err, CNI_ERR_INVALID_CONFIG, 0,
				"unsupported nftables condition at \"%s\" (supported: ip/ip6 "
				"saddr/daddr, iifname/oifname, with == or !=)",
				words[i]);
		}
	}
	free(text);
	return ret;
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
		      struct cni_err *err)
{
	bool family_specific =
		rule->saddr.set || rule->daddr.set || rule->verdict == FW_VERDICT_DNAT;

	if (table_family == AF_UNSPEC && family_specific && match_nfproto(r, rule->family, err) < 0)
		return -1;
	if (match_conditions(r, rule, err) < 0)
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
