/* Read rules' addresses and interfaces back from nf_tables (native or iptables-nft) or libiptc. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/internal.h"
#include "fw/nft_sock.h"
#include "fw/rule_facts.h"
#include "fw/rule_facts_legacy.h"

struct facts_ctx {
	struct fw_tx *tx;
	const char *chain;
	struct fw_rule_facts *list;
	size_t n;
	int failed;
};

/* The index in the snapshot of (chain, handle), or -1. */
static long state_index_by_handle(const struct fw_tx *tx, const char *chain, uint64_t handle)
{
	for (size_t i = 0; i < tx->n_rules; i++)
		if (tx->rules[i].handle == handle && strcmp(tx->rules[i].chain, chain) == 0)
			return (long)i;
	return -1;
}

static int mask_len(const uint8_t *mask, size_t len)
{
	int bits = 0;

	for (size_t i = 0; i < len; i++)
		bits += __builtin_popcount(mask[i]);
	return bits;
}

/* A pending register load: what the next cmp compares. */
enum load_kind {
	LOAD_NONE,
	LOAD_SADDR,
	LOAD_DADDR,
	LOAD_IIF,
	LOAD_OIF
};

static enum load_kind payload_kind(struct nftnl_expr *e, int *family)
{
	uint32_t base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	uint32_t off = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	uint32_t len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);

	if (base != NFT_PAYLOAD_NETWORK_HEADER)
		return LOAD_NONE;
	if (len == 4 && (off == 12 || off == 16)) {
		*family = AF_INET;
		return off == 12 ? LOAD_SADDR : LOAD_DADDR;
	}
	if (len == 16 && (off == 8 || off == 24)) {
		*family = AF_INET6;
		return off == 8 ? LOAD_SADDR : LOAD_DADDR;
	}
	return LOAD_NONE;
}

static void apply_cmp(struct fw_rule_facts *f, struct nftnl_expr *e, enum load_kind kind,
		      int family, int masklen)
{
	uint32_t dlen, op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP);
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &dlen);
	bool neg = op == NFT_CMP_NEQ;
	struct cni_prefix p = {.ip.family = family};

	if (!data || (op != NFT_CMP_EQ && op != NFT_CMP_NEQ))
		return;
	switch (kind) {
	case LOAD_SADDR:
	case LOAD_DADDR:
		if (dlen != (uint32_t)cni_ip_bytes(&p.ip))
			return;
		memcpy(p.ip.addr, data, dlen);
		p.len = masklen >= 0 ? masklen : (int)dlen * 8;
		if (kind == LOAD_SADDR) {
			f->saddr = p;
			f->has_saddr = true;
			f->saddr_negate = neg;
		} else {
			f->daddr = p;
			f->has_daddr = true;
			f->daddr_negate = neg;
		}
		break;
	case LOAD_IIF:
	case LOAD_OIF: {
		char *dst = kind == LOAD_IIF ? f->iniface : f->outiface;
		size_t n = dlen < 15 ? dlen : 15;

		memcpy(dst, data, n);
		dst[n] = '\0';
		if (kind == LOAD_IIF)
			f->iniface_negate = neg;
		else
			f->outiface_negate = neg;
		break;
	}
	case LOAD_NONE:
		break;
	}
}

static void parse_exprs(struct nftnl_rule *r, struct fw_rule_facts *f)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	enum load_kind kind = LOAD_NONE;
	int family = 0, masklen = -1;
	struct nftnl_expr *e;

	if (!it)
		return;
	while ((e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (strcmp(name, "payload") == 0) {
			kind = payload_kind(e, &family);
			masklen = -1;
		} else if (strcmp(name, "meta") == 0 &&
			   nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
			uint32_t key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);

			kind = key == NFT_META_IIFNAME	 ? LOAD_IIF
			       : key == NFT_META_OIFNAME ? LOAD_OIF
							 : LOAD_NONE;
		} else if (strcmp(name, "bitwise") == 0 && kind != LOAD_NONE) {
			uint32_t mlen;
			const uint8_t *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);

			masklen = mask ? mask_len(mask, mlen) : -1;
		} else if (strcmp(name, "cmp") == 0) {
			apply_cmp(f, e, kind, family, masklen);
			kind = LOAD_NONE;
		} else {
			kind = LOAD_NONE;
		}
	}
	nftnl_expr_iter_destroy(it);
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct facts_ctx *ctx = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	int ret = MNL_CB_OK;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), ctx->tx->table) == 0) {
		const char *chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		uint64_t handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		long idx = state_index_by_handle(ctx->tx, chain, handle);

		if (idx >= 0 && (!ctx->chain || strcmp(ctx->chain, chain) == 0)) {
			struct fw_rule_facts *grown =
				realloc(ctx->list, (ctx->n + 1) * sizeof(*grown));

			if (!grown) {
				ctx->failed = 1;
				ret = MNL_CB_ERROR;
			} else {
				ctx->list = grown;
				grown[ctx->n] = (struct fw_rule_facts){.index = (size_t)idx,
								       .handle = handle};
				parse_exprs(r, &grown[ctx->n]);
				ctx->n++;
			}
		}
	}
	nftnl_rule_free(r);
	return ret;
}

static int read_nft(struct facts_ctx *ctx, struct cni_err *err)
{
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
	struct fw_nft_sock s = {0};
	struct nlmsghdr *nlh;
	int ret;

	if (fw_nft_sock_open(&s, err) < 0)
		return -1;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, fw_nfproto(ctx->tx->family), NLM_F_DUMP,
				    ++s.seq);
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, ctx->tx->table);
	ret = fw_nft_dump(&s, nlh, rule_cb, ctx, err);
	fw_nft_sock_close(&s);
	if (ret == 0 && ctx->failed)
		ret = cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall rules");
	return ret;
}

int fw_tx_rule_facts(struct fw_tx *tx, const char *chain, struct fw_rule_facts **out, size_t *n,
		     struct cni_err *err)
{
	struct facts_ctx ctx = {.tx = tx, .chain = chain};
	int ret;

	if (tx->backend == FW_BACKEND_IPTABLES && tx->ipt_legacy)
		ret = tx->family == AF_INET6 ? fw_legacy6_facts(tx, chain, &ctx.list, &ctx.n, err)
					     : fw_legacy4_facts(tx, chain, &ctx.list, &ctx.n, err);
	else
		ret = read_nft(&ctx, err);
	if (ret < 0) {
		free(ctx.list);
		return cni_err_wrap(err, "read rules of table %s", tx->table);
	}
	for (size_t i = 0; i < ctx.n; i++) {
		const struct fw_state_rule *s = &tx->rules[ctx.list[i].index];

		ctx.list[i].chain = s->chain;
		ctx.list[i].comment = s->comment;
		ctx.list[i].target = s->target;
	}
	*out = ctx.list;
	*n = ctx.n;
	return 0;
}

void fw_tx_delete_at(struct fw_tx *tx, size_t index)
{
	if (index < tx->n_rules)
		tx->rules[index].doomed = true;
}

bool fw_facts_addr_is(const struct cni_prefix *have, bool has, const struct cni_prefix *want)
{
	return has && have->len == want->len && cni_ip_equal(&have->ip, &want->ip);
}
