/* Filters: the reference's u32 redirect to an IFB, direct-action bpf, delete by prio, and list. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/tc.h"

static struct nl_msg *filter_message(int type, int flags, int ifindex, uint32_t parent,
				     uint16_t prio, uint32_t handle, struct cni_err *err)
{
	struct tcmsg tcm = {
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = ifindex,
		.tcm_parent = parent,
		.tcm_handle = handle,
		.tcm_info = NL_TC_HANDLE(prio, htons(ETH_P_ALL)),
	};

	return nl_message_new(type, flags, &tcm, sizeof(tcm), err);
}

static int put_mirred(struct nl_msg *msg, int order, int redirect, int action, struct cni_err *err)
{
	struct tc_mirred m = {
		.action = action,
		.eaction = TCA_EGRESS_REDIR,
		.ifindex = (uint32_t)redirect,
	};
	struct nlattr *act, *opts;

	act = nla_nest_start(msg, order);
	if (!act || nla_put_string(msg, TCA_ACT_KIND, "mirred") < 0)
		return nl_err_msg_full(err);
	opts = nla_nest_start(msg, TCA_ACT_OPTIONS);
	if (!opts || nla_put(msg, TCA_MIRRED_PARMS, sizeof(m), &m) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, opts);
	nla_nest_end(msg, act);
	return 0;
}

int nl_filter_add_u32_redirect(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
			       uint32_t classid, int redirect, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = filter_message(
		RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, parent, prio, 0, err);
	struct {
		struct tc_u32_sel sel;
		struct tc_u32_key key;
	} sel = {.sel = {.flags = TC_U32_TERMINAL, .nkeys = 1}};
	struct nlattr *opts, *acts;

	if (!msg)
		return -1;
	if (nla_put_string(msg, TCA_KIND, "u32") < 0)
		return nl_err_msg_full(err);
	opts = nla_nest_start(msg, TCA_OPTIONS);
	if (!opts || nla_put_u32(msg, TCA_U32_CLASSID, classid) < 0 ||
	    nla_put(msg, TCA_U32_SEL, sizeof(sel), &sel) < 0)
		return nl_err_msg_full(err);
	acts = nla_nest_start(msg, TCA_U32_ACT);
	if (!acts)
		return nl_err_msg_full(err);
	if (put_mirred(msg, 1, redirect, TC_ACT_STOLEN, err) < 0 ||
	    put_mirred(msg, 2, redirect, TC_ACT_OK, err) < 0)
		return -1;
	nla_nest_end(msg, acts);
	nla_nest_end(msg, opts);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_filter_add_bpf(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
		      uint32_t handle, int prog_fd, const char *name, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = filter_message(
		RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, parent, prio, handle, err);
	struct nlattr *opts;

	if (!msg)
		return -1;
	if (nla_put_string(msg, TCA_KIND, "bpf") < 0)
		return nl_err_msg_full(err);
	opts = nla_nest_start(msg, TCA_OPTIONS);
	if (!opts || nla_put_u32(msg, TCA_BPF_FD, (uint32_t)prog_fd) < 0 ||
	    nla_put_string(msg, TCA_BPF_NAME, name) < 0 ||
	    nla_put_u32(msg, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, opts);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_filter_del(struct nl_handle *h, int ifindex, uint32_t parent, uint16_t prio,
		  struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg =
		filter_message(RTM_DELTFILTER, 0, ifindex, parent, prio, 0, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

struct filter_list {
	struct nl_filter *items;
	size_t n, cap;
};

static void parse_bpf(struct nlattr *opts, struct nl_filter *f)
{
	struct nlattr *tb[TCA_BPF_MAX + 1];

	if (nla_parse_nested(tb, TCA_BPF_MAX, opts, NULL) < 0)
		return;
	if (tb[TCA_BPF_NAME])
		nla_strlcpy(f->bpf_name, tb[TCA_BPF_NAME], sizeof(f->bpf_name));
	if (tb[TCA_BPF_ID])
		f->bpf_id = nla_get_u32(tb[TCA_BPF_ID]);
}

static void parse_u32_actions(struct nlattr *acts, struct nl_filter *f)
{
	struct nlattr *act;
	int rem;

	nla_for_each_nested(act, acts, rem)
	{
		struct nlattr *tb[TCA_ACT_MAX + 1], *mt[TCA_MIRRED_MAX + 1];
		const struct tc_mirred *m;

		f->n_actions++;
		if (f->redirect || nla_parse_nested(tb, TCA_ACT_MAX, act, NULL) < 0 ||
		    !tb[TCA_ACT_KIND] || strcmp(nla_get_string(tb[TCA_ACT_KIND]), "mirred") != 0 ||
		    !tb[TCA_ACT_OPTIONS])
			continue;
		if (nla_parse_nested(mt, TCA_MIRRED_MAX, tb[TCA_ACT_OPTIONS], NULL) < 0 ||
		    !mt[TCA_MIRRED_PARMS] || nla_len(mt[TCA_MIRRED_PARMS]) < (int)sizeof(*m))
			continue;
		m = nla_data(mt[TCA_MIRRED_PARMS]);
		if (m->eaction == TCA_EGRESS_REDIR)
			f->redirect = (int)m->ifindex;
	}
}

static void parse_u32(struct nlattr *opts, struct nl_filter *f)
{
	struct nlattr *tb[TCA_U32_MAX + 1];

	if (nla_parse_nested(tb, TCA_U32_MAX, opts, NULL) < 0)
		return;
	if (tb[TCA_U32_ACT])
		parse_u32_actions(tb[TCA_U32_ACT], f);
}

static int filter_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct tcmsg *tcm = nlmsg_data(hdr);
	struct nlattr *tb[TCA_MAX + 1];
	struct filter_list *l = arg;
	struct nl_filter *f;

	if (hdr->nlmsg_type != RTM_NEWTFILTER)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*tcm), tb, TCA_MAX, NULL) < 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct nl_filter *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "filter list");
		l->items = items;
		l->cap = cap;
	}
	f = &l->items[l->n++];
	memset(f, 0, sizeof(*f));
	f->parent = tcm->tcm_parent;
	f->prio = (uint16_t)(tcm->tcm_info >> 16);
	f->handle = tcm->tcm_handle;
	if (tb[TCA_KIND])
		nla_strlcpy(f->kind, tb[TCA_KIND], sizeof(f->kind));
	if (!tb[TCA_OPTIONS])
		return 0;
	if (strcmp(f->kind, "bpf") == 0)
		parse_bpf(tb[TCA_OPTIONS], f);
	else if (strcmp(f->kind, "u32") == 0)
		parse_u32(tb[TCA_OPTIONS], f);
	return 0;
}

int nl_filter_list(struct nl_handle *h, int ifindex, uint32_t parent, struct nl_filter **out,
		   size_t *n, struct cni_err *err)
{
	struct tcmsg tcm = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex, .tcm_parent = parent};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETTFILTER, NLM_F_DUMP, &tcm, sizeof(tcm), err);
	struct filter_list l = {0};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, filter_reply, &l, err) < 0) {
		free(l.items);
		return -1;
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
