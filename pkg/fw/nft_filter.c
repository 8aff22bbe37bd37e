/* Filter-type nftables tables: a batch of table, chains and rules with ct state, iif/oif, drop. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/nft_filter.h"
#include "fw/nft_sock.h"

#define BATCH_BYTES (64 * 1024)

struct fw_filter_batch {
	char table[64];
	struct fw_nft_sock sock;
	char *buf;
	struct mnl_nlmsg_batch *b;
	unsigned n_msgs;
};

int fw_filter_open(const char *table, struct fw_filter_batch **out, struct cni_err *err)
{
	struct fw_filter_batch *b = calloc(1, sizeof(*b));

	if (!b || !(b->buf = calloc(1, BATCH_BYTES))) {
		free(b);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	}
	snprintf(b->table, sizeof(b->table), "%s", table);
	if (fw_nft_sock_open(&b->sock, err) < 0) {
		free(b->buf);
		free(b);
		return -1;
	}
	b->b = mnl_nlmsg_batch_start(b->buf, BATCH_BYTES);
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->b), ++b->sock.seq);
	mnl_nlmsg_batch_next(b->b);
	*out = b;
	return 0;
}

void fw_filter_free(struct fw_filter_batch *b)
{
	mnl_nlmsg_batch_stop(b->b);
	fw_nft_sock_close(&b->sock);
	free(b->buf);
	free(b);
}

static struct nlmsghdr *msg(struct fw_filter_batch *b, uint16_t type, uint16_t flags,
			    struct cni_err *err)
{
	if (mnl_nlmsg_batch_size(b->b) > BATCH_BYTES - 4096) {
		cni_errf(err, CNI_ERR_INTERNAL, E2BIG, "nftables batch");
		return NULL;
	}
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->b), type, NFPROTO_INET,
				     flags | NLM_F_ACK, ++b->sock.seq);
}

static void msg_done(struct fw_filter_batch *b)
{
	mnl_nlmsg_batch_next(b->b);
	b->n_msgs++;
}

int fw_filter_ensure_table(struct fw_filter_batch *b, const char *comment, struct cni_err *err)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_NEWTABLE, NLM_F_CREATE, err);

	if (!t || !nlh) {
		nftnl_table_free(t);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables table") : -1;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, b->table);
	if (comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, comment))
			nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud),
					     nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	msg_done(b);
	return 0;
}

int fw_filter_ensure_chain(struct fw_filter_batch *b, const char *name, bool forward_hook, int prio,
			   struct cni_err *err)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, err);

	if (!c || !nlh) {
		nftnl_chain_free(c);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables chain") : -1;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, b->table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (forward_hook) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_FORWARD);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	msg_done(b);
	return 0;
}

static void load_cmp(struct nftnl_rule *r, struct nftnl_expr *load, uint32_t op, const void *data,
		     uint32_t len)
{
	struct nftnl_expr *eq = nftnl_expr_alloc("cmp");

	nftnl_rule_add_expr(r, load);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(eq, NFTNL_EXPR_CMP_DATA, data, len);
	nftnl_rule_add_expr(r, eq);
}

static struct nftnl_expr *meta(uint32_t key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	return e;
}

static void match_family(struct nftnl_rule *r, int family)
{
	uint8_t proto = family == AF_INET6 ? NFPROTO_IPV6 : NFPROTO_IPV4;

	load_cmp(r, meta(NFT_META_NFPROTO), NFT_CMP_EQ, &proto, 1);
}

/* "ip saddr 10.0.0.2" (a full-length prefix: the firewall's per-address rules). */
static int match_addr(struct nftnl_rule *r, bool source, const struct fw_addr_match *m,
		      struct cni_err *err)
{
	bool v6 = m->prefix.ip.family == AF_INET6;
	uint32_t len = v6 ? 16 : 4, off = v6 ? (source ? 8 : 24) : (source ? 12 : 16);
	struct nftnl_expr *e;

	if (m->prefix.len != (int)len * 8)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "filter rules match whole addresses");
	e = nftnl_expr_alloc("payload");
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_NETWORK_HEADER);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	load_cmp(r, e, m->negate ? NFT_CMP_NEQ : NFT_CMP_EQ, m->prefix.ip.addr, len);
	return 0;
}

/* iifname/oifname compare the IFNAMSIZ bytes, as nft compiles a plain name. */
static void match_ifname(struct nftnl_rule *r, uint32_t key, const char *name, bool negate)
{
	char buf[16] = {0};

	snprintf(buf, sizeof(buf), "%s", name);
	load_cmp(r, meta(key), negate ? NFT_CMP_NEQ : NFT_CMP_EQ, buf, sizeof(buf));
}

/* ct state established,related: a bitwise test of the state bits, as nft compiles it. */
static void match_ct_established(struct nftnl_rule *r)
{
	struct nftnl_expr *ct = nftnl_expr_alloc("ct"), *bw = nftnl_expr_alloc("bitwise");
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED);
	uint32_t zero = 0;
	struct nftnl_expr *ne = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(ct, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, ct);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(bw, NFTNL_EXPR_BITWISE_LEN, 4);
	nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_MASK, &mask, 4);
	nftnl_expr_set(bw, NFTNL_EXPR_BITWISE_XOR, &zero, 4);
	nftnl_rule_add_expr(r, bw);
	nftnl_expr_set_u32(ne, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(ne, NFTNL_EXPR_CMP_OP, NFT_CMP_NEQ);
	nftnl_expr_set(ne, NFTNL_EXPR_CMP_DATA, &zero, 4);
	nftnl_rule_add_expr(r, ne);
}

static void verdict(struct nftnl_rule *r, const struct fw_filter_rule *fr)
{
	static const int codes[] = {
		[FW_FILTER_ACCEPT] = NF_ACCEPT,
		[FW_FILTER_DROP] = NF_DROP,
		[FW_FILTER_RETURN] = NFT_RETURN,
		[FW_FILTER_JUMP] = NFT_JUMP,
	};
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)codes[fr->verdict]);
	if (fr->verdict == FW_FILTER_JUMP)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, fr->target);
	nftnl_rule_add_expr(r, e);
}

static int build(struct nftnl_rule *r, const struct fw_filter_rule *fr, struct cni_err *err)
{
	if (fr->saddr.set || fr->daddr.set)
		match_family(r, fr->family);
	if (fr->iifname)
		match_ifname(r, NFT_META_IIFNAME, fr->iifname, false);
	if (fr->oifname)
		match_ifname(r, NFT_META_OIFNAME, fr->oifname, fr->oifname_negate);
	if (fr->saddr.set && match_addr(r, true, &fr->saddr, err) < 0)
		return -1;
	if (fr->daddr.set && match_addr(r, false, &fr->daddr, err) < 0)
		return -1;
	if (fr->ct_established)
		match_ct_established(r);
	verdict(r, fr);
	if (fr->comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		if (!ud || !nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, fr->comment)) {
			nftnl_udata_buf_free(ud);
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "nftables comment");
		}
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
				    nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	return 0;
}

int fw_filter_add_rule(struct fw_filter_batch *b, const struct fw_filter_rule *fr, bool prepend,
		       struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!r)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule");
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, b->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, fr->chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	if (build(r, fr, err) < 0) {
		nftnl_rule_free(r);
		return -1;
	}
	nlh = msg(b, NFT_MSG_NEWRULE, NLM_F_CREATE | (prepend ? 0 : NLM_F_APPEND), err);
	if (nlh) {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		msg_done(b);
	}
	nftnl_rule_free(r);
	return nlh ? 0 : -1;
}

int fw_filter_delete(struct fw_filter_batch *b, const char *chain, uint64_t handle,
		     struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = msg(b, NFT_MSG_DELRULE, 0, err);

	if (!r || !nlh) {
		nftnl_rule_free(r);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule") : -1;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, b->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	msg_done(b);
	return 0;
}

int fw_filter_commit(struct fw_filter_batch *b, struct cni_err *err)
{
	if (!b->n_msgs)
		return 0;
	nftnl_batch_end(mnl_nlmsg_batch_current(b->b), ++b->sock.seq);
	mnl_nlmsg_batch_next(b->b);
	if (fw_nft_batch_send(&b->sock, b->b, b->n_msgs, err) < 0)
		return cni_err_wrap(err, "nftables table inet %s", b->table);
	return 0;
}
