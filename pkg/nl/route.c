/* Routes: add (ECMP-friendly, as the reference), delete, list; with table, scope and metrics. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

void nl_route_init(struct nl_route *r)
{
	memset(r, 0, sizeof(*r));
	r->scope = RT_SCOPE_UNIVERSE;
}

static int route_put_metrics(struct nl_msg *msg, const struct nl_route *r, struct cni_err *err)
{
	struct nlattr *metrics;

	if (!r->mtu && !r->advmss)
		return 0;
	metrics = nla_nest_start(msg, RTA_METRICS);
	if (!metrics)
		return nl_err_msg_full(err);
	if (r->mtu && nla_put_u32(msg, RTAX_MTU, r->mtu) < 0)
		return nl_err_msg_full(err);
	if (r->advmss && nla_put_u32(msg, RTAX_ADVMSS, r->advmss) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, metrics);
	return 0;
}

static struct nl_msg *route_message(int type, int flags, const struct nl_route *r,
				    struct cni_err *err)
{
	unsigned table = r->table ? r->table : RT_TABLE_MAIN;
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)r->dst.ip.family,
		.rtm_dst_len = (uint8_t)r->dst.len,
		.rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_scope = (uint8_t)r->scope,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg = nl_message_new(type, flags, &rtm, sizeof(rtm), err);
	int len = cni_ip_bytes(&r->dst.ip);
	struct cni_prefix net = cni_prefix_network(&r->dst);

	if (!msg)
		return NULL;
	if (type == RTM_DELROUTE) {
		/*
		 * Deleting: match on what was given. Protocol 0 and scope NOWHERE are the kernel's
		 * wildcards, as `ip route del` sends, so routes the kernel made itself match too.
		 */
		struct rtmsg *hdr = nlmsg_data(nlmsg_hdr(msg));

		hdr->rtm_protocol = RTPROT_UNSPEC;
		hdr->rtm_scope = RT_SCOPE_NOWHERE;
		hdr->rtm_type = RTN_UNSPEC;
		nlmsg_hdr(msg)->nlmsg_flags &= ~(NLM_F_CREATE | NLM_F_EXCL);
	}
	if (r->dst.len && nla_put(msg, RTA_DST, len, net.ip.addr) < 0)
		goto out_full;
	if (cni_ip_is_set(&r->gw) &&
	    nla_put(msg, RTA_GATEWAY, cni_ip_bytes(&r->gw), r->gw.addr) < 0)
		goto out_full;
	if (r->ifindex && nla_put_u32(msg, RTA_OIF, (uint32_t)r->ifindex) < 0)
		goto out_full;
	if (cni_ip_is_set(&r->src) &&
	    nla_put(msg, RTA_PREFSRC, cni_ip_bytes(&r->src), r->src.addr) < 0)
		goto out_full;
	if (r->priority && nla_put_u32(msg, RTA_PRIORITY, r->priority) < 0)
		goto out_full;
	if (nla_put_u32(msg, RTA_TABLE, table) < 0)
		goto out_full;
	if (route_put_metrics(msg, r, err) < 0) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;

out_full:
	nlmsg_free(msg);
	nl_err_msg_full(err);
	return NULL;
}

int nl_route_add(struct nl_handle *h, const struct nl_route *r, struct cni_err *err)
{
	/* No NLM_F_EXCL: like the reference's RouteAddEcmp, a second gateway makes a multipath. */
	_cleanup_nl_msg_ struct nl_msg *msg = route_message(RTM_NEWROUTE, NLM_F_CREATE, r, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_route_del(struct nl_handle *h, const struct nl_route *r, struct cni_err *err)
{
	_cleanup_nl_msg_ struct nl_msg *msg = route_message(RTM_DELROUTE, 0, r, err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

struct route_list {
	struct nl_route *items;
	size_t n, cap;
};

static void route_parse_metrics(struct nlattr *attr, struct nl_route *r)
{
	struct nlattr *mx[RTAX_MAX + 1];

	if (nla_parse_nested(mx, RTAX_MAX, attr, NULL) < 0)
		return;
	if (mx[RTAX_MTU])
		r->mtu = nla_get_u32(mx[RTAX_MTU]);
	if (mx[RTAX_ADVMSS])
		r->advmss = nla_get_u32(mx[RTAX_ADVMSS]);
}

static int route_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct rtmsg *rtm = nlmsg_data(hdr);
	struct nlattr *tb[RTA_MAX + 1];
	struct route_list *l = arg;
	struct nl_route *r;

	if (hdr->nlmsg_type != RTM_NEWROUTE || rtm->rtm_type != RTN_UNICAST ||
	    (rtm->rtm_flags & RTM_F_CLONED))
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct nl_route *items = realloc(l->items, cap * sizeof(*items));

		if (!items)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "route list");
		l->items = items;
		l->cap = cap;
	}
	r = &l->items[l->n++];
	nl_route_init(r);
	r->dst.ip.family = rtm->rtm_family;
	r->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST])
		memcpy(r->dst.ip.addr, nla_data(tb[RTA_DST]), (size_t)cni_ip_bytes(&r->dst.ip));
	if (tb[RTA_GATEWAY]) {
		r->gw.family = rtm->rtm_family;
		memcpy(r->gw.addr, nla_data(tb[RTA_GATEWAY]), (size_t)cni_ip_bytes(&r->gw));
	}
	if (tb[RTA_OIF])
		r->ifindex = (int)nla_get_u32(tb[RTA_OIF]);
	r->table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	r->scope = rtm->rtm_scope;
	if (tb[RTA_PRIORITY])
		r->priority = nla_get_u32(tb[RTA_PRIORITY]);
	if (tb[RTA_METRICS])
		route_parse_metrics(tb[RTA_METRICS], r);
	return 0;
}

int nl_route_list(struct nl_handle *h, int family, struct nl_route **out, size_t *n,
		  struct cni_err *err)
{
	struct rtmsg rtm = {.rtm_family = (uint8_t)family};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm), err);
	struct route_list l = {0};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, route_reply, &l, err) < 0) {
		free(l.items);
		return cni_err_wrap(err, "list routes");
	}
	*out = l.items;
	*n = l.n;
	return 0;
}
