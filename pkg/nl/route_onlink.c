/* `ip route replace DST via GW dev IF onlink`: the route of an overlay to a peer's pod subnet. */
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/route_onlink.h"

int nl_route_replace_onlink(struct nl_handle *h, const struct cni_prefix *dst,
			    const struct cni_ip *gw, int ifindex, struct cni_err *err)
{
	struct cni_prefix net = cni_prefix_network(dst);
	struct rtmsg rtm = {
		.rtm_family = (uint8_t)dst->ip.family,
		.rtm_dst_len = (uint8_t)dst->len,
		.rtm_table = RT_TABLE_MAIN,
		.rtm_protocol = RTPROT_BOOT,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
		.rtm_flags = RTNH_F_ONLINK,
	};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &rtm, sizeof(rtm), err);

	if (!msg)
		return -1;
	if (nla_put(msg, RTA_DST, cni_ip_bytes(&net.ip), net.ip.addr) < 0 ||
	    nla_put(msg, RTA_GATEWAY, cni_ip_bytes(gw), gw->addr) < 0 ||
	    nla_put_u32(msg, RTA_OIF, (uint32_t)ifindex) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}
