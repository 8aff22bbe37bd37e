/* Read one nf_tables table (ours, or iptables-nft's "nat") into a transaction's snapshot. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_comment.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/internal.h"
#include "fw/nft_expr.h"
#include "fw/nft_sock.h"

int fw_nfproto(int family)
{
	switch (family) {
	case AF_INET:
		return NFPROTO_IPV4;
	case AF_INET6:
		return NFPROTO_IPV6;
	default:
		return NFPROTO_INET;
	}
}

struct read_ctx {
	struct fw_tx *tx;
	struct cni_err *err;
	int failed;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *ctx = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	int ret = MNL_CB_OK;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), ctx->tx->table) == 0) {
		ctx->tx->table_exists = true;
		const char *name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
		bool base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);

		if (fw_state_add_chain(ctx->tx, name, base, ctx->err) < 0) {
			ctx->failed = 1;
			ret = MNL_CB_ERROR;
		} else if (base) {
			struct fw_state_chain *have = fw_state_chain(ctx->tx, name);

			have->hooknum = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
			have->priority = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
		}
	}
	nftnl_chain_free(c);
	return ret;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
		*(const char **)data = nftnl_udata_get(attr);
	return 0;
}

/* The comment and target of a rule, wherever they live: native or iptables-nft's xt blobs. */
static void rule_facts(struct nftnl_rule *r, const char **comment, char *target, size_t len)
{
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	uint32_t n;

	if (nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &n);

		nftnl_udata_parse(ud, n, comment_cb, comment);
	}
	it = nftnl_expr_iter_create(r);
	if (!it)
		return;
	while ((e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (strcmp(name, "match") == 0 &&
		    strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_MT_NAME), "comment") == 0) {
			const struct xt_comment_info *ci =
				nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &n);

			if (ci && n >= sizeof(*ci))
				*comment = ci->comment;
		} else if (strcmp(name, "target") == 0) {
			snprintf(target, len, "%s", nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME));
		} else if (strcmp(name, "masq") == 0) {
			snprintf(target, len, "MASQUERADE");
		} else if (strcmp(name, "nat") == 0) {
			snprintf(target, len, "%s",
				 nftnl_expr_get_u32(e, NFTNL_EXPR_NAT_TYPE) == NFT_NAT_DNAT
					 ? "DNAT"
					 : "SNAT");
		} else if (strcmp(name, "immediate") == 0 &&
			   nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT)) {
			int v = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);

			if (v == NFT_JUMP || v == NFT_GOTO)
				snprintf(target, len, "%s",
					 nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
			else if (v == NF_ACCEPT)
				snprintf(target, len, "ACCEPT");
			else if (v == NFT_RETURN)
				snprintf(target, len, "RETURN");
			else if (v == NF_DROP)
				snprintf(target, len, "DROP");
		}
	}
	nftnl_expr_iter_destroy(it);
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct read_ctx *ctx = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *comment = NULL;
	char target[64] = "";
	int ret = MNL_CB_OK;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), ctx->tx->table) == 0) {
		rule_facts(r, &comment, target, sizeof(target));
		if (fw_state_add_rule(ctx->tx, nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), comment,
				      target[0] ? target : NULL,
				      nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE), ctx->err) < 0) {
			ctx->failed = 1;
			ret = MNL_CB_ERROR;
		} else if (ctx->tx->backend == FW_BACKEND_NFTABLES) {
			/* Only our own tables are compared by body: an iptables-nft table read
			 * here can hold a node's thousands of rules (kube-proxy). */
			ctx->tx->rules[ctx->tx->n_rules - 1].body = fw_nft_rule_body(r);
		}
	}
	nftnl_rule_free(r);
	return ret;
}

static int dump(struct fw_nft_sock *s, struct fw_tx *tx, uint16_t type, mnl_cb_t cb,
		struct cni_err *err)
{
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
	struct read_ctx ctx = {.tx = tx, .err = err};
	struct nlmsghdr *nlh;
	int ret;

	nlh = nftnl_nlmsg_build_hdr(buf, type, fw_nfproto(tx->family), NLM_F_DUMP, ++s->seq);
	/* Ask the kernel to dump this table only. */
	mnl_attr_put_strz(nlh, type == NFT_MSG_GETRULE ? NFTA_RULE_TABLE : NFTA_CHAIN_TABLE,
			  tx->table);
	ret = fw_nft_dump(s, nlh, cb, &ctx, err);
	if (ctx.failed)
		return -1;
	return ret;
}

int fw_nft_read(struct fw_tx *tx, struct cni_err *err)
{
	struct fw_nft_sock s = {0};
	int ret;

	if (fw_nft_sock_open(&s, err) < 0)
		return -1;
	ret = dump(&s, tx, NFT_MSG_GETCHAIN, chain_cb, err);
	if (ret == 0)
		ret = dump(&s, tx, NFT_MSG_GETRULE, rule_cb, err);
	fw_nft_sock_close(&s);
	if (ret < 0)
		return cni_err_wrap(err, "read nftables table %s", tx->table);
	return 0;
}
