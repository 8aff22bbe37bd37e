/* MAC spoof checking on a bridge port: the bridge nat table's chains, rules and their removal. */
#include <errno.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_bridge.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "fw/macspoofchk.h"
#include "fw/nft_sock.h"

#define TABLE	       "nat"
#define BASE_CHAIN     "PREROUTING"
#define CHAIN_PREFIX   "cni-br-iface-"
#define COMMENT_PREFIX "macspoofchk-"
#define BATCH_BYTES    (32 * 1024)
#define MAX_NAME       256

/* What one dump of the table shows: chain names and the PREROUTING rules' comments and handles. */
struct spoof_state {
	char **chains;
	size_t n_chains;
	struct {
		char *comment;
		uint64_t handle;
	} * jumps;
	size_t n_jumps;
	int failed;
};

static void state_free(struct spoof_state *s)
{
	for (size_t i = 0; i < s->n_chains; i++)
		free(s->chains[i]);
	for (size_t i = 0; i < s->n_jumps; i++)
		free(s->jumps[i].comment);
	free(s->chains);
	free(s->jumps);
}

static bool state_has_chain(const struct spoof_state *s, const char *name)
{
	for (size_t i = 0; i < s->n_chains; i++)
		if (strcmp(s->chains[i], name) == 0)
			return true;
	return false;
}

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct spoof_state *s = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	char **grown;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), TABLE) == 0) {
		grown = realloc(s->chains, (s->n_chains + 1) * sizeof(*grown));
		if (grown) {
			s->chains = grown;
			grown[s->n_chains] = strdup(nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
		}
		if (!grown || !grown[s->n_chains]) {
			s->failed = 1;
			nftnl_chain_free(c);
			return MNL_CB_ERROR;
		}
		s->n_chains++;
	}
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
		*(const char **)data = nftnl_udata_get(attr);
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct spoof_state *s = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const char *comment = NULL;
	uint32_t n;
	int ret = MNL_CB_OK;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), TABLE) == 0 &&
	    strcmp(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), BASE_CHAIN) == 0 &&
	    nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
		const void *ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &n);

		nftnl_udata_parse(ud, n, comment_cb, &comment);
	}
	if (comment && strncmp(comment, COMMENT_PREFIX, strlen(COMMENT_PREFIX)) == 0) {
		typeof(s->jumps) grown = realloc(s->jumps, (s->n_jumps + 1) * sizeof(*grown));

		if (grown) {
			s->jumps = grown;
			grown[s->n_jumps].comment = strdup(comment);
			grown[s->n_jumps].handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		}
		if (!grown || !grown[s->n_jumps].comment) {
			s->failed = 1;
			ret = MNL_CB_ERROR;
		} else {
			s->n_jumps++;
		}
	}
	nftnl_rule_free(r);
	return ret;
}

static int dump(struct fw_nft_sock *sock, uint16_t type, mnl_cb_t cb, struct spoof_state *s,
		struct cni_err *err)
{
	char buf[FW_NFT_MSG_BYTES] = {0}; /* zeroed: see nft_sock.h */
	struct nlmsghdr *nlh =
		nftnl_nlmsg_build_hdr(buf, type, NFPROTO_BRIDGE, NLM_F_DUMP, ++sock->seq);

	mnl_attr_put_strz(nlh, type == NFT_MSG_GETRULE ? NFTA_RULE_TABLE : NFTA_CHAIN_TABLE, TABLE);
	if (fw_nft_dump(sock, nlh, cb, s, err) < 0)
		return -1;
	if (s->failed)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "bridge nat table");
	return 0;
}

static int read_state(struct fw_nft_sock *sock, struct spoof_state *s, struct cni_err *err)
{
	if (dump(sock, NFT_MSG_GETCHAIN, chain_cb, s, err) < 0 ||
	    dump(sock, NFT_MSG_GETRULE, rule_cb, s, err) < 0)
		return cni_err_wrap(err, "read nftables table bridge %s", TABLE);
	return 0;
}

/* ---- batch building ---- */

struct batch {
	struct fw_nft_sock *sock;
	struct mnl_nlmsg_batch *b;
	unsigned n_msgs;
};

static struct nlmsghdr *msg(struct batch *bt, uint16_t type, uint16_t flags)
{
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type, NFPROTO_BRIDGE,
				     flags | NLM_F_ACK, ++bt->sock->seq);
}

static void msg_done(struct batch *bt)
{
	mnl_nlmsg_batch_next(bt->b);
	bt->n_msgs++;
}

static int put_table(struct batch *bt, struct cni_err *err)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables table");
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE);
	nftnl_table_nlmsg_build_payload(msg(bt, NFT_MSG_NEWTABLE, NLM_F_CREATE), t);
	nftnl_table_free(t);
	msg_done(bt);
	return 0;
}

/* NEWCHAIN (base: the filter prerouting hook at -300, as the reference) or DELCHAIN. */
static int put_chain(struct batch *bt, uint16_t type, const char *name, bool base,
		     struct cni_err *err)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables chain");
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (base) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_BR_PRE_ROUTING);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, -300);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nftnl_chain_nlmsg_build_payload(msg(bt, type, type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0),
					c);
	nftnl_chain_free(c);
	msg_done(bt);
	return 0;
}

/* DELRULE by handle, or every rule of chain when handle is 0. */
static int put_delrule(struct batch *bt, const char *chain, uint64_t handle, struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule");
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	if (handle)
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, handle);
	nftnl_rule_nlmsg_build_payload(msg(bt, NFT_MSG_DELRULE, 0), r);
	nftnl_rule_free(r);
	msg_done(bt);
	return 0;
}

static void expr_verdict(struct nftnl_rule *r, int code, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	nftnl_rule_add_expr(r, e);
}

/* "iifname <port>": meta load, compared as the IFNAMSIZ bytes nft itself compares. */
static void expr_iifname(struct nftnl_rule *r, const char *port)
{
	struct nftnl_expr *load = nftnl_expr_alloc("meta"), *eq = nftnl_expr_alloc("cmp");
	char name[16] = {0};

	snprintf(name, sizeof(name), "%s", port);
	nftnl_expr_set_u32(load, NFTNL_EXPR_META_KEY, NFT_META_IIFNAME);
	nftnl_expr_set_u32(load, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, load);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(eq, NFTNL_EXPR_CMP_DATA, name, sizeof(name));
	nftnl_rule_add_expr(r, eq);
}

/* "ether saddr <mac>": the link-layer header's bytes 6..11. */
static void expr_ether_saddr(struct nftnl_rule *r, const unsigned char mac[6])
{
	struct nftnl_expr *load = nftnl_expr_alloc("payload"), *eq = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_LL_HEADER);
	nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_OFFSET, 6);
	nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_LEN, 6);
	nftnl_expr_set_u32(load, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, load);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(eq, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set(eq, NFTNL_EXPR_CMP_DATA, mac, 6);
	nftnl_rule_add_expr(r, eq);
}

enum spoof_rule {
	RULE_PORT_JUMP,
	RULE_MAC_JUMP,
	RULE_MAC_RETURN,
	RULE_DROP
};

static int put_rule(struct batch *bt, const char *chain, enum spoof_rule kind, const char *arg,
		    const unsigned char *mac, const char *comment, struct cni_err *err)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

	if (!r || !ud) {
		nftnl_rule_free(r);
		nftnl_udata_buf_free(ud);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables rule");
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_BRIDGE);
	switch (kind) {
	case RULE_PORT_JUMP:
		expr_iifname(r, arg);
		expr_verdict(r, NFT_JUMP, arg + strlen(arg) + 1);
		break;
	case RULE_MAC_JUMP:
		expr_verdict(r, NFT_JUMP, arg);
		break;
	case RULE_MAC_RETURN:
		expr_ether_saddr(r, mac);
		expr_verdict(r, NFT_RETURN, NULL);
		break;
	case RULE_DROP:
		expr_verdict(r, NF_DROP, NULL);
		break;
	}
	nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment);
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	nftnl_rule_nlmsg_build_payload(msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND), r);
	nftnl_rule_free(r);
	msg_done(bt);
	return 0;
}

struct names {
	char iface[MAX_NAME], mac[MAX_NAME], comment[MAX_NAME];
};

static void names_of(const char *ref_id, struct names *n)
{
	snprintf(n->iface, sizeof(n->iface), CHAIN_PREFIX "%s", ref_id);
	snprintf(n->mac, sizeof(n->mac), CHAIN_PREFIX "%s-mac", ref_id);
	snprintf(n->comment, sizeof(n->comment), COMMENT_PREFIX "%s", ref_id);
}

/* Queue the removal of ref_id's jump(s) and chains as the state shows them. */
static int put_teardown(struct batch *bt, const struct spoof_state *s, const char *ref_id,
			struct cni_err *err)
{
	struct names n;

	names_of(ref_id, &n);
	for (size_t i = 0; i < s->n_jumps; i++)
		if (strcmp(s->jumps[i].comment, n.comment) == 0 &&
		    put_delrule(bt, BASE_CHAIN, s->jumps[i].handle, err) < 0)
			return -1;
	/* The iface chain jumps to the mac chain: flush both before deleting either. */
	if (state_has_chain(s, n.iface) && put_delrule(bt, n.iface, 0, err) < 0)
		return -1;
	if (state_has_chain(s, n.mac) && put_delrule(bt, n.mac, 0, err) < 0)
		return -1;
	if (state_has_chain(s, n.iface) && put_chain(bt, NFT_MSG_DELCHAIN, n.iface, false, err) < 0)
		return -1;
	if (state_has_chain(s, n.mac) && put_chain(bt, NFT_MSG_DELCHAIN, n.mac, false, err) < 0)
		return -1;
	return 0;
}

/* Open a socket, read the table, let fill() queue messages, send them as one batch. */
static int transact(int (*fill)(struct batch *, const struct spoof_state *, const void *,
				struct cni_err *),
		    const void *arg, struct cni_err *err)
{
	_cleanup_free_ char *buf = calloc(1, BATCH_BYTES); /* zeroed: see nft_sock.h */
	struct fw_nft_sock sock = {0};
	struct spoof_state s = {0};
	struct batch bt = {.sock = &sock};
	int ret = -1;

	if (!buf)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables batch");
	if (fw_nft_sock_open(&sock, err) < 0)
		return -1;
	if (read_state(&sock, &s, err) < 0)
		goto out;
	bt.b = mnl_nlmsg_batch_start(buf, BATCH_BYTES);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt.b), ++sock.seq);
	mnl_nlmsg_batch_next(bt.b);
	if (fill(&bt, &s, arg, err) < 0)
		goto out_batch;
	nftnl_batch_end(mnl_nlmsg_batch_current(bt.b), ++sock.seq);
	mnl_nlmsg_batch_next(bt.b);
	ret = bt.n_msgs ? fw_nft_batch_send(&sock, bt.b, bt.n_msgs, err) : 0;
out_batch:
	mnl_nlmsg_batch_stop(bt.b);
out:
	state_free(&s);
	fw_nft_sock_close(&sock);
	return ret;
}

struct setup_arg {
	const char *port;
	const unsigned char *mac;
	const char *ref_id;
};

static int fill_setup(struct batch *bt, const struct spoof_state *s, const void *arg,
		      struct cni_err *err)
{
	const struct setup_arg *a = arg;
	char port_and_chain[2 * MAX_NAME];
	struct names n;

	names_of(a->ref_id, &n);
	/* A repeated ADD replaces the old checks rather than stacking a second jump. */
	if (put_teardown(bt, s, a->ref_id, err) < 0 || put_table(bt, err) < 0 ||
	    put_chain(bt, NFT_MSG_NEWCHAIN, BASE_CHAIN, true, err) < 0 ||
	    put_chain(bt, NFT_MSG_NEWCHAIN, n.iface, false, err) < 0 ||
	    put_chain(bt, NFT_MSG_NEWCHAIN, n.mac, false, err) < 0)
		return -1;
	/* put_rule takes the port and the target chain as two strings in one buffer. */
	snprintf(port_and_chain, sizeof(port_and_chain), "%s%c%s", a->port, 0, n.iface);
	if (put_rule(bt, BASE_CHAIN, RULE_PORT_JUMP, port_and_chain, NULL, n.comment, err) < 0 ||
	    put_rule(bt, n.iface, RULE_MAC_JUMP, n.mac, NULL, n.comment, err) < 0 ||
	    put_rule(bt, n.mac, RULE_MAC_RETURN, NULL, a->mac, n.comment, err) < 0 ||
	    put_rule(bt, n.mac, RULE_DROP, NULL, NULL, n.comment, err) < 0)
		return -1;
	return 0;
}

int fw_macspoofchk_setup(const char *port, const unsigned char mac[6], const char *ref_id,
			 struct cni_err *err)
{
	struct setup_arg a = {.port = port, .mac = mac, .ref_id = ref_id};

	if (strlen(ref_id) > MAX_NAME - 32)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "container ID too long");
	if (transact(fill_setup, &a, err) < 0)
		return cni_err_wrap(err, "failed to setup spoof-check");
	return 0;
}

static int fill_teardown(struct batch *bt, const struct spoof_state *s, const void *arg,
			 struct cni_err *err)
{
	return put_teardown(bt, s, arg, err);
}

int fw_macspoofchk_teardown(const char *ref_id, struct cni_err *err)
{
	if (transact(fill_teardown, ref_id, err) < 0)
		return cni_err_wrap(err, "failed to teardown spoof-check");
	return 0;
}

struct gc_arg {
	bool (*keep)(const char *ref_id, void *data);
	void *data;
};

static int fill_gc(struct batch *bt, const struct spoof_state *s, const void *arg,
		   struct cni_err *err)
{
	const struct gc_arg *g = arg;
	size_t plen = strlen(CHAIN_PREFIX);

	for (size_t i = 0; i < s->n_chains; i++) {
		const char *name = s->chains[i];
		size_t len = strlen(name);

		/* One teardown per attachment: walk the iface chains, skip their -mac partners. */
		if (strncmp(name, CHAIN_PREFIX, plen) != 0 ||
		    (len > 4 && strcmp(name + len - 4, "-mac") == 0) ||
		    g->keep(name + plen, g->data))
			continue;
		if (put_teardown(bt, s, name + plen, err) < 0)
			return -1;
	}
	return 0;
}

int fw_macspoofchk_gc(bool (*keep)(const char *ref_id, void *data), void *data, struct cni_err *err)
{
	struct gc_arg g = {.keep = keep, .data = data};

	if (transact(fill_gc, &g, err) < 0)
		return cni_err_wrap(err, "spoof-check GC");
	return 0;
}

int fw_macspoofchk_check(const char *ref_id, bool *present, struct cni_err *err)
{
	struct fw_nft_sock sock = {0};
	struct spoof_state s = {0};
	struct names n;
	bool jump = false;

	names_of(ref_id, &n);
	if (fw_nft_sock_open(&sock, err) < 0)
		return -1;
	if (read_state(&sock, &s, err) < 0) {
		fw_nft_sock_close(&sock);
		return -1;
	}
	for (size_t i = 0; i < s.n_jumps; i++)
		jump = jump || strcmp(s.jumps[i].comment, n.comment) == 0;
	*present = jump && state_has_chain(&s, n.iface) && state_has_chain(&s, n.mac);
	state_free(&s);
	fw_nft_sock_close(&sock);
	return 0;
}

void fw_macspoofchk_ref_id(const char *container_id, const char *ifname, char *buf, size_t len)
{
	snprintf(buf, len, "%s-%s", container_id, ifname);
}
