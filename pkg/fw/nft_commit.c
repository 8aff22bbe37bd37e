/* The nftables backend's commit: the whole queue as one nf_tables batch, applied all or nothing. */
#include <errno.h>
#include <stdio.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "fw/internal.h"
#include "fw/nft_expr.h"
#include "fw/nft_sock.h"

/* A plugin's batch holds tens of rules; this is far above that and below the socket's sndbuf. */
#define BATCH_BYTES (160 * 1024)

struct batch {
	struct fw_nft_sock *sock;
	struct mnl_nlmsg_batch *b;
	struct fw_tx *tx;
	unsigned n_msgs;
	uint32_t next_set_id;
};

static struct nlmsghdr *msg_start(struct batch *bt, uint16_t type, uint16_t flags,
				  struct cni_err *err)
{
	struct nlmsghdr *nlh;

	if (mnl_nlmsg_batch_size(bt->b) > BATCH_BYTES - 8192) {
		cni_errf(err, CNI_ERR_INTERNAL, E2BIG, "nftables batch");
		return NULL;
	}
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				    fw_nfproto(bt->tx->family), flags | NLM_F_ACK, ++bt->sock->seq);
	return nlh;
}

static void msg_end(struct batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
	bt->n_msgs++;
}

static int put_table(struct batch *bt, const char *comment, struct cni_err *err)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = msg_start(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE, err);

	if (!t || !nlh) {
		nftnl_table_free(t);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables table") : -1;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, bt->tx->table);
	if (comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_TABLE_COMMENT, comment))
			nftnl_table_set_data(t, NFTNL_TABLE_USERDATA, nftnl_udata_buf_data(ud),
					     nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	msg_end(bt);
	return 0;
}

static const uint32_t hooknum[] = {
	[FW_HOOK_PREROUTING] = NF_INET_PRE_ROUTING,
	[FW_HOOK_OUTPUT] = NF_INET_LOCAL_OUT,
	[FW_HOOK_POSTROUTING] = NF_INET_POST_ROUTING,
};

bool fw_nft_chain_is(const struct fw_state_chain *have, const struct fw_chain *want)
{
	if (want->hook == FW_HOOK_NONE)
		return !have->base;
	return have->base && have->hooknum == hooknum[want->hook] &&
	       have->priority == want->priority;
}

static int put_chain(struct batch *bt, uint16_t type, const struct fw_chain *c, struct cni_err *err)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh =
		msg_start(bt, type, type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0, err);

	if (!ch || !nlh) {
		nftnl_chain_free(ch);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables chain") : -1;
	}
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, bt->tx->table);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, c->name);
	if (type == NFT_MSG_NEWCHAIN && c->hook != FW_HOOK_NONE) {
		nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, hooknum[c->hook]);
		nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, c->priority);
		nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, "nat");
		nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	if (type == NFT_MSG_NEWCHAIN && c->comment) {
		struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_CHAIN_COMMENT, c->comment))
			nftnl_chain_set_data(ch, NFTNL_CHAIN_USERDATA, nftnl_udata_buf_data(ud),
					     nftnl_udata_buf_len(ud));
		nftnl_udata_buf_free(ud);
	}
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	msg_end(bt);
	return 0;
}

/* DELRULE: one rule by handle, or (handle 0) every rule of the chain. */
static int put_delrule(struct batch *bt, const char *chain, uint64_t handle, struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh = msg_start(bt, NFT_MSG_DELRULE, 0, err);

	if (!r || !nlh) {
		nftnl_rule_free(r);
		return nlh ? cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule") : -1;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, bt->tx->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	msg_end(bt);
	return 0;
}

/* An anonymous set a rule looks up, and its elements: two messages ahead of the rule. */
static int put_set(struct batch *bt, struct nftnl_set *s, struct cni_err *err)
{
	struct nlmsghdr *nlh;

	nftnl_set_set_str(s, NFTNL_SET_TABLE, bt->tx->table);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, fw_nfproto(bt->tx->family));
	nlh = msg_start(bt, NFT_MSG_NEWSET, NLM_F_CREATE, err);
	if (!nlh)
		return -1;
	nftnl_set_nlmsg_build_payload(nlh, s);
	msg_end(bt);
	nlh = msg_start(bt, NFT_MSG_NEWSETELEM, NLM_F_CREATE, err);
	if (!nlh)
		return -1;
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	msg_end(bt);
	return 0;
}

static int put_rule(struct batch *bt, const struct fw_op *op, struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	uint16_t flags = NLM_F_CREATE | (op->prepend ? 0 : NLM_F_APPEND);
	struct fw_nft_sets sets = {.next_id = bt->next_set_id};
	struct nlmsghdr *nlh = NULL;
	int ret = -1;

	if (!r)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule");
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, bt->tx->table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, op->rule.chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, fw_nfproto(bt->tx->family));
	if (fw_nft_rule_build(r, bt->tx->family, &op->rule, &sets, err) < 0)
		goto out;
	bt->next_set_id = sets.next_id;
	for (size_t i = 0; i < sets.n; i++)
		if (put_set(bt, sets.set[i], err) < 0)
			goto out;
	nlh = msg_start(bt, NFT_MSG_NEWRULE, flags, err);
	if (!nlh)
		goto out;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	msg_end(bt);
	ret = 0;
out:
	for (size_t i = 0; i < sets.n; i++)
		nftnl_set_free(sets.set[i]);
	nftnl_rule_free(r);
	return ret;
}

static int put_op(struct batch *bt, const struct fw_op *op, struct cni_err *err)
{
	switch (op->kind) {
	case FW_OP_ENSURE_TABLE:
		return put_table(bt, op->chain.comment, err);
	case FW_OP_ENSURE_CHAIN:
		return put_chain(bt, NFT_MSG_NEWCHAIN, &op->chain, err);
	case FW_OP_FLUSH_CHAIN:
		return put_delrule(bt, op->chain.name, 0, err);
	case FW_OP_ADD_RULE:
		return put_rule(bt, op, err);
	case FW_OP_DELETE_CHAIN:
		if (put_delrule(bt, op->chain.name, 0, err) < 0)
			return -1;
		return put_chain(bt, NFT_MSG_DELCHAIN, &op->chain, err);
	}
	return 0;
}

/* One transaction's messages: rules read at open go first (a later flush of their chain would
 * make the handle stale), then the queue. */
static int put_tx(struct batch *bt, struct fw_tx *tx, struct cni_err *err)
{
	bt->tx = tx;
	for (size_t i = 0; i < tx->n_rules; i++)
		if (tx->rules[i].doomed &&
		    put_delrule(bt, tx->rules[i].chain, tx->rules[i].handle, err) < 0)
			return -1;
	for (size_t i = 0; i < tx->n_ops; i++)
		if (put_op(bt, &tx->ops[i], err) < 0)
			return -1;
	return 0;
}

int fw_nft_commit(struct fw_tx *const *txs, size_t n, struct cni_err *err)
{
	_cleanup_free_ char *buf = calloc(1, BATCH_BYTES); /* zeroed: see nft_sock.h */
	struct fw_nft_sock sock = {0};
	struct batch bt = {.sock = &sock};
	size_t i = 0;
	int ret = -1;

	if (!buf)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	if (fw_nft_sock_open(&sock, err) < 0)
		return cni_err_wrap(err, "nftables table %s", txs[0]->table);
	bt.b = mnl_nlmsg_batch_start(buf, BATCH_BYTES);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt.b), ++sock.seq);
	mnl_nlmsg_batch_next(bt.b);
	for (i = 0; i < n; i++)
		if (put_tx(&bt, txs[i], err) < 0)
			goto out;
	nftnl_batch_end(mnl_nlmsg_batch_current(bt.b), ++sock.seq);
	mnl_nlmsg_batch_next(bt.b);
	i = 0;
	ret = fw_nft_batch_send(&sock, bt.b, bt.n_msgs, err);
out:
	mnl_nlmsg_batch_stop(bt.b);
	fw_nft_sock_close(&sock);
	if (ret < 0)
		return cni_err_wrap(err, "nftables table %s", txs[i < n ? i : 0]->table);
	return 0;
}
