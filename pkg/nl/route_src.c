/* Route requests beyond nl_route: a preferred source on add, and protocol-blind deletion. */
#include "nl/route_src.h"

#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

static int put_dst_and_oif(struct nl_msg *msg, const struct cni_prefix *dst, int ifindex)
{
	struct cni_prefix net = cni_prefix_network(dst);

	if (dst->len && nla_put(msg, RTA_DST, cni_ip_bytes(&net.ip), net.ip.addr) < 0)
		return -1;
	if (ifindex && nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0)
		return -1;
	return nla_put_u32(msg, RTA_TABLE, RT_TABLE_MAIN);
}

int nl_route_add_src(struct nl_handle *h, const struct nl_route *r, const struct cni_ip *src,
		     struct cni_err *err)
{
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)r->dst.ip.family,
		.rtm_dst_len = (uint8_t)r->dst.len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_scope = (uint8_t)r->scope,
		.rtm_type = RTN_UNICAST,
	};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm, sizeof(rtm), err);

	if (!msg)
		return -1;
	if (r->table && r->table != RT_TABLE_MAIN)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "nl_route_add_src: main table only");
	if (put_dst_and_oif(msg, &r->dst, r->ifindex) < 0)
		return nl_err_msg_full(err);
	if (cni_ip_is_set(&r->gw) &&
	    nla_put(msg, RTA_GATEWAY, cni_ip_bytes(&r->gw), r->gw.addr) < 0)
		return nl_err_msg_full(err);
	if (src && cni_ip_is_set(src) &&
	    nla_put(msg, RTA_PREFSRC, cni_ip_bytes(src), src->addr) < 0)
		return nl_err_msg_full(err);
	if (r->priority && nla_put_u32(msg, RTA_PRIORITY, r->priority) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_route_del_any(struct nl_handle *h, int ifindex, const struct cni_prefix *dst,
		     struct cni_err *err)
{
	/* Protocol 0 and scope NOWHERE are the kernel's wildcards for a delete. */
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)dst->ip.family,
		.rtm_dst_len = (uint8_t)dst->len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_scope = RT_SCOPE_NOWHERE,
	};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_DELROUTE, 0, &rtm, sizeof(rtm), err);

	if (!msg)
		return -1;
	if (put_dst_and_oif(msg, dst, ifindex) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}
