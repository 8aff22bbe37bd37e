/* The vxlan kind: VNI, UDP port, local VTEP address, underlay link, learning; and read back. */
#include <errno.h>
#include <string.h>

#include <arpa/inet.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/vxlan.h"

static int vxlan_put_info_data(struct nl_msg *msg, const struct nl_link_spec *spec,
			       struct cni_err *err)
{
	const struct nl_vxlan_options *o = spec->options;

	if (!o)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "vxlan without options");
	if (nla_put_u32(msg, IFLA_VXLAN_ID, o->vni) < 0 ||
	    nla_put_u16(msg, IFLA_VXLAN_PORT, htons(o->port)) < 0 ||
	    nla_put_u8(msg, IFLA_VXLAN_LEARNING, o->learning ? 1 : 0) < 0)
		return nl_err_msg_full(err);
	if (o->local.family == AF_INET && nla_put(msg, IFLA_VXLAN_LOCAL, 4, o->local.addr) < 0)
		return nl_err_msg_full(err);
	if (o->local.family == AF_INET6 && nla_put(msg, IFLA_VXLAN_LOCAL6, 16, o->local.addr) < 0)
		return nl_err_msg_full(err);
	if (o->underlay && nla_put_u32(msg, IFLA_VXLAN_LINK, (uint32_t)o->underlay) < 0)
		return nl_err_msg_full(err);
	return 0;
}

const struct nl_link_kind nl_link_kind_vxlan = {
	.name = "vxlan",
	.put_info_data = vxlan_put_info_data,
};

struct vxlan_reply {
	struct nl_vxlan_options *out;
	bool is_vxlan;
};

static void vxlan_parse_data(struct nlattr *data, struct nl_vxlan_options *o)
{
	struct nlattr *tb[IFLA_VXLAN_MAX + 1];

	if (nla_parse_nested(tb, IFLA_VXLAN_MAX, data, NULL) < 0)
		return;
	if (tb[IFLA_VXLAN_ID])
		o->vni = nla_get_u32(tb[IFLA_VXLAN_ID]);
	if (tb[IFLA_VXLAN_PORT])
		o->port = ntohs(nla_get_u16(tb[IFLA_VXLAN_PORT]));
	if (tb[IFLA_VXLAN_LEARNING])
		o->learning = nla_get_u8(tb[IFLA_VXLAN_LEARNING]) != 0;
	if (tb[IFLA_VXLAN_LINK])
		o->underlay = (int)nla_get_u32(tb[IFLA_VXLAN_LINK]);
	if (tb[IFLA_VXLAN_LOCAL] && nla_len(tb[IFLA_VXLAN_LOCAL]) == 4) {
		o->local.family = AF_INET;
		memcpy(o->local.addr, nla_data(tb[IFLA_VXLAN_LOCAL]), 4);
	} else if (tb[IFLA_VXLAN_LOCAL6] && nla_len(tb[IFLA_VXLAN_LOCAL6]) == 16) {
		o->local.family = AF_INET6;
		memcpy(o->local.addr, nla_data(tb[IFLA_VXLAN_LOCAL6]), 16);
	}
}

static int vxlan_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct ifinfomsg *ifi = nlmsg_data(hdr);
	struct nlattr *tb[IFLA_MAX + 1], *li[IFLA_INFO_MAX + 1];
	struct vxlan_reply *r = arg;

	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return 0;
	if (!tb[IFLA_LINKINFO] || nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) < 0)
		return 0;
	if (!li[IFLA_INFO_KIND] || strcmp(nla_get_string(li[IFLA_INFO_KIND]), "vxlan") != 0)
		return 0;
	r->is_vxlan = true;
	if (li[IFLA_INFO_DATA])
		vxlan_parse_data(li[IFLA_INFO_DATA], r->out);
	return 0;
}

int nl_vxlan_get(struct nl_handle *h, int ifindex, struct nl_vxlan_options *out,
		 struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, 0, &ifi, sizeof(ifi), err);
	struct vxlan_reply r = {.out = out};

	if (!msg)
		return -1;
	memset(out, 0, sizeof(*out));
	if (nl_transact(h, msg, vxlan_reply, &r, err) < 0)
		return cni_err_wrap(err, "link %d", ifindex);
	if (!r.is_vxlan)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "link %d is not a vxlan", ifindex);
	return 0;
}
