/* Bridge port settings: hairpin, isolation and the port's VLANs (AF_BRIDGE requests). */
#include <errno.h>
#include <string.h>

#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

/* IFLA_PROTINFO must carry NLA_F_NESTED, or br_setlink reads it as an old-style u8 state. */
static int port_set_flag(struct nl_handle *h, int ifindex, int attr, bool on, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_SETLINK, 0, &ifi, sizeof(ifi), err);
	struct nlattr *protinfo;

	if (!msg)
		return -1;
	protinfo = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED);
	if (!protinfo || nla_put_u8(msg, attr, on ? 1 : 0) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, protinfo);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_bridge_port_set_hairpin(struct nl_handle *h, int ifindex, bool on, struct cni_err *err)
{
	return port_set_flag(h, ifindex, IFLA_BRPORT_MODE, on, err);
}

int nl_bridge_port_set_isolated(struct nl_handle *h, int ifindex, bool on, struct cni_err *err)
{
	return port_set_flag(h, ifindex, IFLA_BRPORT_ISOLATED, on, err);
}

static int vlan_put(struct nl_msg *msg, uint16_t vid, uint16_t kflags, struct cni_err *err)
{
	struct bridge_vlan_info vi = {.flags = kflags, .vid = vid};

	if (nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(vi), &vi) < 0)
		return nl_err_msg_full(err);
	return 0;
}

static int vlan_request(struct nl_handle *h, int type, int ifindex, uint16_t first, uint16_t last,
			unsigned flags, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg = nl_message_new(type, 0, &ifi, sizeof(ifi), err);
	uint16_t kflags = 0;
	struct nlattr *spec;

	if (!msg)
		return -1;
	if (first < 1 || last > 4094 || first > last)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid VLAN range %u-%u", first,
				last);
	if (flags & NL_BRIDGE_VLAN_PVID)
		kflags |= BRIDGE_VLAN_INFO_PVID;
	if (flags & NL_BRIDGE_VLAN_UNTAGGED)
		kflags |= BRIDGE_VLAN_INFO_UNTAGGED;
	spec = nla_nest_start(msg, IFLA_AF_SPEC);
	if (!spec)
		return nl_err_msg_full(err);
	if (first == last) {
		if (vlan_put(msg, first, kflags, err) < 0)
			return -1;
	} else if (vlan_put(msg, first, kflags | BRIDGE_VLAN_INFO_RANGE_BEGIN, err) < 0 ||
		   vlan_put(msg, last, kflags | BRIDGE_VLAN_INFO_RANGE_END, err) < 0) {
		return -1;
	}
	nla_nest_end(msg, spec);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_bridge_vlan_add(struct nl_handle *h, int ifindex, uint16_t vid_first, uint16_t vid_last,
		       unsigned flags, struct cni_err *err)
{
	return vlan_request(h, RTM_SETLINK, ifindex, vid_first, vid_last, flags, err);
}

int nl_bridge_vlan_del(struct nl_handle *h, int ifindex, uint16_t vid_first, uint16_t vid_last,
		       struct cni_err *err)
{
	return vlan_request(h, RTM_DELLINK, ifindex, vid_first, vid_last, 0, err);
}

struct vlan_list {
	int ifindex;
	struct nl_bridge_vlan *vlans;
	size_t max, n;
};

static int vlan_list_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	const struct ifinfomsg *ifi = nlmsg_data(hdr);
	struct nlattr *tb[IFLA_MAX + 1];
	struct vlan_list *l = arg;
	struct nlattr *a;
	int rem;

	if (hdr->nlmsg_type != RTM_NEWLINK || ifi->ifi_index != l->ifindex)
		return 0;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0 ||
	    !tb[IFLA_AF_SPEC])
		return 0;
	nla_for_each_nested(a, tb[IFLA_AF_SPEC], rem)
	{
		const struct bridge_vlan_info *vi;

		if (nla_type(a) != IFLA_BRIDGE_VLAN_INFO || nla_len(a) < (int)sizeof(*vi))
			continue;
		vi = nla_data(a);
		if (l->n < l->max) {
			l->vlans[l->n].vid = vi->vid;
			l->vlans[l->n].flags =
				((vi->flags & BRIDGE_VLAN_INFO_PVID) ? NL_BRIDGE_VLAN_PVID : 0) |
				((vi->flags & BRIDGE_VLAN_INFO_UNTAGGED) ? NL_BRIDGE_VLAN_UNTAGGED
									 : 0);
		}
		l->n++;
	}
	return 0;
}

int nl_bridge_vlan_list(struct nl_handle *h, int ifindex, struct nl_bridge_vlan *vlans, size_t max,
			size_t *n, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, NLM_F_DUMP, &ifi, sizeof(ifi), err);
	struct vlan_list l = {.ifindex = ifindex, .vlans = vlans, .max = max};

	if (!msg)
		return -1;
	/* One entry per VLAN, not compressed ranges. */
	if (nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_BRVLAN) < 0)
		return nl_err_msg_full(err);
	if (nl_transact(h, msg, vlan_list_reply, &l, err) < 0)
		return -1;
	*n = l.n;
	return 0;
}
