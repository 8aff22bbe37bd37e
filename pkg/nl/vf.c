/* SR-IOV VF attributes on the PF: read IFLA_VFINFO_LIST, write one IFLA_VF_* per request. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"
#include "nl/vf.h"

struct vf_query {
	unsigned vf;
	bool found;
	struct nl_vf_state *out;
};

static void parse_vlan_list(struct nlattr *list, struct nl_vf_state *s)
{
	struct nlattr *a;
	int rem;

	/* The first entry is the VF's VLAN; the kernel reports one. */
	nla_for_each_nested(a, list, rem)
	{
		const struct ifla_vf_vlan_info *vi;

		if (nla_type(a) != IFLA_VF_VLAN_INFO || nla_len(a) < (int)sizeof(*vi))
			continue;
		vi = nla_data(a);
		s->vlan = (uint16_t)vi->vlan;
		s->qos = (uint8_t)vi->qos;
		s->vlan_proto = ntohs(vi->vlan_proto);
		return;
	}
}

/* Fill q->out from one IFLA_VF_INFO when it is q->vf's. */
static void parse_vf_info(struct nlattr *info, struct vf_query *q)
{
	struct nlattr *tb[IFLA_VF_MAX + 1];
	const struct ifla_vf_mac *mac;
	struct nl_vf_state *s = q->out;

	if (nla_parse_nested(tb, IFLA_VF_MAX, info, NULL) < 0 || !tb[IFLA_VF_MAC] ||
	    nla_len(tb[IFLA_VF_MAC]) < (int)sizeof(*mac))
		return;
	mac = nla_data(tb[IFLA_VF_MAC]);
	if (mac->vf != q->vf)
		return;
	q->found = true;
	memset(s, 0, sizeof(*s));
	memcpy(s->mac, mac->mac, NL_MAC_LEN);
	s->has = NL_VF_HAS_MAC;
	if (tb[IFLA_VF_VLAN] && nla_len(tb[IFLA_VF_VLAN]) >= (int)sizeof(struct ifla_vf_vlan)) {
		const struct ifla_vf_vlan *v = nla_data(tb[IFLA_VF_VLAN]);

		s->vlan = (uint16_t)v->vlan;
		s->qos = (uint8_t)v->qos;
		s->vlan_proto = NL_VF_PROTO_8021Q;
		s->has |= NL_VF_HAS_VLAN;
	}
	if (tb[IFLA_VF_VLAN_LIST])
		parse_vlan_list(tb[IFLA_VF_VLAN_LIST], s);
	/* setting -1 (as u32) is how a driver says it has no spoof check or trust. */
	if (tb[IFLA_VF_SPOOFCHK]) {
		const struct ifla_vf_spoofchk *v = nla_data(tb[IFLA_VF_SPOOFCHK]);

		if (v->setting != (__u32)-1) {
			s->spoofchk = v->setting;
			s->has |= NL_VF_HAS_SPOOFCHK;
		}
	}
	if (tb[IFLA_VF_TRUST]) {
		const struct ifla_vf_trust *v = nla_data(tb[IFLA_VF_TRUST]);

		if (v->setting != (__u32)-1) {
			s->trust = v->setting;
			s->has |= NL_VF_HAS_TRUST;
		}
	}
	if (tb[IFLA_VF_LINK_STATE]) {
		const struct ifla_vf_link_state *v = nla_data(tb[IFLA_VF_LINK_STATE]);

		s->link_state = v->link_state;
		s->has |= NL_VF_HAS_LINK_STATE;
	}
	if (tb[IFLA_VF_RATE]) {
		const struct ifla_vf_rate *v = nla_data(tb[IFLA_VF_RATE]);

		s->min_tx_rate = v->min_tx_rate;
		s->max_tx_rate = v->max_tx_rate;
		s->has |= NL_VF_HAS_RATE;
	}
}

static int vf_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	struct nlattr *tb[IFLA_MAX + 1], *a;
	int rem;

	(void)err;
	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse((struct nlmsghdr *)hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0 ||
	    !tb[IFLA_VFINFO_LIST])
		return 0;
	nla_for_each_nested(a, tb[IFLA_VFINFO_LIST], rem)
	{
		if (nla_type(a) == IFLA_VF_INFO)
			parse_vf_info(a, arg);
	}
	return 0;
}

int nl_vf_get(struct nl_handle *h, int pf_ifindex, unsigned vf, struct nl_vf_state *out,
	      struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = pf_ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, 0, &ifi, sizeof(ifi), err);
	struct vf_query q = {.vf = vf, .out = out};

	if (!msg)
		return -1;
	if (nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_VF) < 0)
		return nl_err_msg_full(err);
	if (nl_transact_large(h, msg, vf_reply, &q, err) < 0)
		return cni_err_wrap(err, "read VF %u of link %d", vf, pf_ifindex);
	if (!q.found)
		return cni_errf(err, NL_ERR_CODE, ENOENT, "link %d reports no VF %u", pf_ifindex,
				vf);
	return 0;
}

/* Put one IFLA_VF_* attribute (the bit of has) of s for VF vf. */
static int put_vf_attr(struct nl_msg *msg, unsigned vf, unsigned bit, const struct nl_vf_state *s)
{
	switch (bit) {
	case NL_VF_HAS_MAC: {
		struct ifla_vf_mac v = {.vf = vf};

		memcpy(v.mac, s->mac, NL_MAC_LEN);
		return nla_put(msg, IFLA_VF_MAC, sizeof(v), &v);
	}
	case NL_VF_HAS_VLAN: {
		struct nlattr *list;
		struct ifla_vf_vlan_info v = {
			.vf = vf,
			.vlan = s->vlan,
			.qos = s->qos,
			.vlan_proto = htons(s->vlan_proto ? s->vlan_proto : NL_VF_PROTO_8021Q),
		};

		/* Drivers without 802.1ad support take the plain IFLA_VF_VLAN. */
		if (!s->vlan_proto || s->vlan_proto == NL_VF_PROTO_8021Q) {
			struct ifla_vf_vlan p = {.vf = vf, .vlan = s->vlan, .qos = s->qos};

			return nla_put(msg, IFLA_VF_VLAN, sizeof(p), &p);
		}
		list = nla_nest_start(msg, IFLA_VF_VLAN_LIST);
		if (!list || nla_put(msg, IFLA_VF_VLAN_INFO, sizeof(v), &v) < 0)
			return -1;
		return nla_nest_end(msg, list);
	}
	case NL_VF_HAS_SPOOFCHK: {
		struct ifla_vf_spoofchk v = {.vf = vf, .setting = s->spoofchk};

		return nla_put(msg, IFLA_VF_SPOOFCHK, sizeof(v), &v);
	}
	case NL_VF_HAS_TRUST: {
		struct ifla_vf_trust v = {.vf = vf, .setting = s->trust};

		return nla_put(msg, IFLA_VF_TRUST, sizeof(v), &v);
	}
	case NL_VF_HAS_LINK_STATE: {
		struct ifla_vf_link_state v = {.vf = vf, .link_state = s->link_state};

		return nla_put(msg, IFLA_VF_LINK_STATE, sizeof(v), &v);
	}
	case NL_VF_HAS_RATE: {
		struct ifla_vf_rate v = {
			.vf = vf, .min_tx_rate = s->min_tx_rate, .max_tx_rate = s->max_tx_rate};

		return nla_put(msg, IFLA_VF_RATE, sizeof(v), &v);
	}
	}
	return -1;
}

static const char *vf_attr_name(unsigned bit)
{
	switch (bit) {
	case NL_VF_HAS_MAC:
		return "mac";
	case NL_VF_HAS_VLAN:
		return "vlan";
	case NL_VF_HAS_SPOOFCHK:
		return "spoofchk";
	case NL_VF_HAS_TRUST:
		return "trust";
	case NL_VF_HAS_LINK_STATE:
		return "link_state";
	default:
		return "tx rate";
	}
}

static int vf_set_one(struct nl_handle *h, int pf_ifindex, unsigned vf, unsigned bit,
		      const struct nl_vf_state *s, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = pf_ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_SETLINK, 0, &ifi, sizeof(ifi), err);
	struct nlattr *list, *info;

	if (!msg)
		return -1;
	list = nla_nest_start(msg, IFLA_VFINFO_LIST);
	info = list ? nla_nest_start(msg, IFLA_VF_INFO) : NULL;
	if (!info || put_vf_attr(msg, vf, bit, s) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, info);
	nla_nest_end(msg, list);
	return nl_transact(h, msg, NULL, NULL, err);
}

#define VF_RETRIES	  8
#define VF_RETRY_FIRST_NS (5 * 1000 * 1000)

int nl_vf_set(struct nl_handle *h, int pf_ifindex, unsigned vf, const struct nl_vf_state *s,
	      struct cni_err *err)
{
	for (unsigned bit = 1; bit <= NL_VF_HAS_RATE; bit <<= 1) {
		struct timespec delay = {.tv_nsec = VF_RETRY_FIRST_NS};
		int tries = 0;

		if (!(s->has & bit))
			continue;
		/* Bounded backoff (5 ms doubling, about 1.3 s in all): some PF drivers refuse a VF
		 * change with EBUSY while another VF of the same PF is being reconfigured. */
		while (vf_set_one(h, pf_ifindex, vf, bit, s, err) < 0) {
			if ((err->errnum != EBUSY && err->errnum != EAGAIN) || ++tries > VF_RETRIES)
				return cni_err_wrap(err, "set VF %u %s", vf, vf_attr_name(bit));
			memset(err, 0, sizeof(*err));
			nanosleep(&delay, NULL);
			delay.tv_nsec = delay.tv_nsec * 2 % 1000000000;
		}
	}
	return 0;
}

int nl_link_move(struct nl_handle *h, int ifindex, int ns_fd, const char *name, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	/* With IFLA_IFNAME the kernel renames on the way, so a name taken in the target is no
	 * obstacle when the new one is free there. */
	if (nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)ns_fd) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0))
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}
