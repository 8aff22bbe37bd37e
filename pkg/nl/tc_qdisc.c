/* Qdiscs: add (tbf, or a kind without options), delete, and list with the tbf parameters. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/tc.h"

static struct nl_msg *qdisc_message(int type, int flags, int ifindex, uint32_t parent,
				    uint32_t handle, struct cni_err *err)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_parent = parent,
		.tcm_handle = handle,
	};

	return nl_message_new(type, flags, &tcm, sizeof(tcm), err);
}

int nl_qdisc_add(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		 const char *kind, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = qdisc_message(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL,
							    ifindex, parent, handle, err);

	if (!msg)
		return -1;
	if (nla_put_string(msg, TCA_KIND, kind) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

/* As vishvananda/netlink: only rate, limit and buffer; the kernel computes the rate table. */
int nl_qdisc_add_tbf(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		     const struct nl_tbf *tbf, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = qdisc_message(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL,
							    ifindex, parent, handle, err);
	struct tc_tbf_qopt q = {
		.rate.rate = (uint32_t)tbf->rate,
		.limit = tbf->limit,
		.buffer = tbf->buffer,
	};
	struct nlattr *opts;

	if (!msg)
		return -1;
	if (tbf->rate >= (1ull << 32))
		q.rate.rate = ~0u;
	if (nla_put_string(msg, TCA_KIND, "tbf") < 0)
		return nl_err_msg_full(err);
	opts = nla_nest_start(msg, TCA_OPTIONS);
	if (!opts || nla_put(msg, TCA_TBF_PARMS, sizeof(q), &q) < 0)
		return nl_err_msg_full(err);
	if (tbf->rate >= (1ull << 32) && nla_put_u64(msg, TCA_TBF_RATE64, tbf->rate) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, opts);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_qdisc_del(struct nl_handle *h, int ifindex, uint32_t parent, uint32_t handle,
		 struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg =
		qdisc_message(RTM_DELQDISC, 0, ifindex, parent, handle, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

struct qdisc_list {
	int ifindex;
	struct nl_qdisc *items;
	size_t n, cap;
};

static void parse_tbf(struct nlattr *opts, struct nl_tbf *tbf)
{
	struct nlattr *tb[TCA_TBF_MAX + 1];
	const struct tc_tbf_qopt *q;

	if (nla_parse_nested(tb, TCA_TBF_MAX, opts, NULL) < 0 || !tb[TCA_TBF_PARMS] ||
	    nla_len(tb[TCA_TBF_PARMS]) < (int)sizeof(*q))
		return;
	q = nla_data(tb[TCA_TBF_PARMS]);
	tbf->rate = q->rate.rate;
	tbf->limit = q->limit;
	tbf->buffer = q->buffer;
	if (tb[TCA_TBF_RATE64])
		tbf->rate = nla_get_u64(tb[TCA_TBF_RATE64]);
}

static int qdisc_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct tcmsg *tcm = nlmsg_data(hdr);
	struct nlattr *tb[TCA_MAX + 1];
	struct qdisc_list *l = arg;
	struct nl_qdisc *q;

	if (hdr->nlmsg_type != RTM_NEWQDISC)
		return 0;
	/* The dump covers every link; the kernel does not filter by tcm_ifindex. */
	if (l->ifindex && tcm->tcm_ifindex != l->ifindex)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*tcm), tb, TCA_MAX, NULL) < 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct nl_qdisc *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "qdisc list");
		l->items = items;
		l->cap = cap;
	}
	q = &l->items[l->n++];
	memset(q, 0, sizeof(*q));
	q->ifindex = tcm->tcm_ifindex;
	q->handle = tcm->tcm_handle;
	q->parent = tcm->tcm_parent;
	if (tb[TCA_KIND])
		nla_strlcpy(q->kind, tb[TCA_KIND], sizeof(q->kind));
	if (strcmp(q->kind, "tbf") == 0 && tb[TCA_OPTIONS])
		parse_tbf(tb[TCA_OPTIONS], &q->tbf);
	return 0;
}

int nl_qdisc_list(struct nl_handle *h, int ifindex, struct nl_qdisc **out, size_t *n,
		  struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg =
		qdisc_message(RTM_GETQDISC, NLM_F_DUMP, ifindex, 0, 0, err);
	struct qdisc_list l = {.ifindex = ifindex};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, qdisc_reply, &l, err) < 0) {
		free(l.items);
		return -1;
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
