/* Links: get by name or index, create from a spec and a kind, delete, and set flags and attributes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

bool nl_err_is_not_found(const struct cni_err *err)
{
	return err->errnum == ENODEV;
}

bool nl_err_is_exists(const struct cni_err *err)
{
	return err->errnum == EEXIST;
}

bool nl_mac_parse(const char *s, uint8_t mac[NL_MAC_LEN])
{
	unsigned b[NL_MAC_LEN];
	char sep[NL_MAC_LEN - 1];
	char tail;

	if (sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0], &sep[0], &b[1], &sep[1], &b[2],
		   &sep[2], &b[3], &sep[3], &b[4], &sep[4], &b[5], &tail) != 11)
		return false;
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < NL_MAC_LEN - 1; i++)
		if (sep[i] != sep[0] || (sep[i] != ':' && sep[i] != '-'))
			return false;
	for (int i = 0; i < NL_MAC_LEN; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

const char *nl_mac_str(const uint8_t mac[NL_MAC_LEN], char buf[NL_MAC_STRLEN])
{
	snprintf(buf, NL_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	return buf;
}

/* One entry of IFLA_AF_SPEC/AF_INET6/IFLA_INET6_CONF (an s32 array indexed by DEVCONF_*), or -1. */
static int link_ipv6_conf(const struct nlattr *af_spec, int index)
{
	struct nlattr *inet6[IFLA_INET6_MAX + 1];
	const struct nlattr *family;
	int32_t value;
	int rem;

	if (!af_spec)
		return -1;
	nla_for_each_nested(family, af_spec, rem)
	{
		if (nla_type(family) != AF_INET6 ||
		    nla_parse_nested(inet6, IFLA_INET6_MAX, (struct nlattr *)family, NULL) < 0 ||
		    !inet6[IFLA_INET6_CONF] ||
		    nla_len(inet6[IFLA_INET6_CONF]) < (int)((index + 1) * sizeof(value)))
			continue;
		memcpy(&value,
		       (const char *)nla_data(inet6[IFLA_INET6_CONF]) + index * sizeof(value),
		       sizeof(value));
		return value;
	}
	return -1;
}

int nl_parse_link(const struct nlmsghdr *hdr, struct nl_link_info *info)
{
	const struct ifinfomsg *ifi = nlmsg_data(hdr);
	struct nlattr *tb[IFLA_MAX + 1];
	struct nlattr *li[IFLA_INFO_MAX + 1];

	if (hdr->nlmsg_type != RTM_NEWLINK)
		return -1;
	if (nlmsg_parse((struct nlmsghdr *)hdr, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	info->ifindex = ifi->ifi_index;
	info->flags = ifi->ifi_flags;
	if (tb[IFLA_IFNAME])
		nla_strlcpy(info->name, tb[IFLA_IFNAME], sizeof(info->name));
	if (tb[IFLA_MTU])
		info->mtu = nla_get_u32(tb[IFLA_MTU]);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == NL_MAC_LEN)
		memcpy(info->mac, nla_data(tb[IFLA_ADDRESS]), NL_MAC_LEN);
	nl_mac_str(info->mac, info->mac_str);
	if (tb[IFLA_MASTER])
		info->master = (int)nla_get_u32(tb[IFLA_MASTER]);
	if (tb[IFLA_LINK])
		info->link = (int)nla_get_u32(tb[IFLA_LINK]);
	if (tb[IFLA_OPERSTATE])
		info->operstate = nla_get_u8(tb[IFLA_OPERSTATE]);
	if (tb[IFLA_LINKINFO] &&
	    nla_parse_nested(li, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL) == 0 && li[IFLA_INFO_KIND])
		nla_strlcpy(info->kind, li[IFLA_INFO_KIND], sizeof(info->kind));
	info->ipv6_accept_ra = link_ipv6_conf(tb[IFLA_AF_SPEC], DEVCONF_ACCEPT_RA);
	return 0;
}

static int link_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	nl_parse_link(hdr, arg);
	return 0;
}

static int link_get(struct nl_handle *h, int ifindex, const char *name, struct nl_link_info *out,
		    struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (name && nla_put_string(msg, IFLA_IFNAME, name) < 0)
		return nl_err_msg_full(err);
	memset(out, 0, sizeof(*out));
	if (nl_transact(h, msg, link_reply, out, err) < 0)
		return -1;
	if (!out->ifindex)
		return cni_errf(err, NL_ERR_CODE, ENODEV, "no link in the reply");
	return 0;
}

int nl_link_get_by_name(struct nl_handle *h, const char *name, struct nl_link_info *out,
			struct cni_err *err)
{
	if (strlen(name) >= NL_IFNAMSIZ)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "interface name \"%s\" too long",
				name);
	if (link_get(h, 0, name, out, err) < 0)
		return cni_err_wrap(err, "link \"%s\"", name);
	return 0;
}

int nl_link_get_by_index(struct nl_handle *h, int ifindex, struct nl_link_info *out,
			 struct cni_err *err)
{
	if (link_get(h, ifindex, NULL, out, err) < 0)
		return cni_err_wrap(err, "link %d", ifindex);
	return 0;
}

int nl_put_link_attrs(struct nl_msg *msg, const struct nl_link_spec *spec, struct cni_err *err)
{
	if (spec->name && nla_put_string(msg, IFLA_IFNAME, spec->name) < 0)
		return nl_err_msg_full(err);
	if (spec->mtu && nla_put_u32(msg, IFLA_MTU, spec->mtu) < 0)
		return nl_err_msg_full(err);
	if (spec->has_mac && nla_put(msg, IFLA_ADDRESS, NL_MAC_LEN, spec->mac) < 0)
		return nl_err_msg_full(err);
	if (spec->ns_fd >= 0 && nla_put_u32(msg, IFLA_NET_NS_FD, (uint32_t)spec->ns_fd) < 0)
		return nl_err_msg_full(err);
	if (spec->master && nla_put_u32(msg, IFLA_MASTER, (uint32_t)spec->master) < 0)
		return nl_err_msg_full(err);
	if (spec->parent && nla_put_u32(msg, IFLA_LINK, (uint32_t)spec->parent) < 0)
		return nl_err_msg_full(err);
	return 0;
}

static int link_put_kind(struct nl_msg *msg, const struct nl_link_spec *spec, struct cni_err *err)
{
	struct nlattr *linkinfo, *data;

	linkinfo = nla_nest_start(msg, IFLA_LINKINFO);
	if (!linkinfo || nla_put_string(msg, IFLA_INFO_KIND, spec->kind->name) < 0)
		return nl_err_msg_full(err);
	if (spec->kind->put_info_data) {
		data = nla_nest_start(msg, IFLA_INFO_DATA);
		if (!data)
			return nl_err_msg_full(err);
		if (spec->kind->put_info_data(msg, spec, err) < 0)
			return -1;
		nla_nest_end(msg, data);
	}
	nla_nest_end(msg, linkinfo);
	return 0;
}

int nl_link_create(struct nl_handle *h, const struct nl_link_spec *spec, struct cni_err *err)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_flags = spec->up ? IFF_UP : 0,
		.ifi_change = spec->up ? IFF_UP : 0,
	};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (nl_put_link_attrs(msg, spec, err) < 0 || link_put_kind(msg, spec, err) < 0)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_link_delete(struct nl_handle *h, int ifindex, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_DELLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

/* RTM_NEWLINK on an existing ifindex: flag changes plus the attributes of spec. */
static int link_modify(struct nl_handle *h, int ifindex, unsigned flags, unsigned change,
		       const struct nl_link_spec *spec, struct cni_err *err)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = ifindex,
		.ifi_flags = flags,
		.ifi_change = change,
	};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	if (spec && nl_put_link_attrs(msg, spec, err) < 0)
		return -1;
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_link_set_up(struct nl_handle *h, int ifindex, bool up, struct cni_err *err)
{
	return link_modify(h, ifindex, up ? IFF_UP : 0, IFF_UP, NULL, err);
}

int nl_link_set_promisc(struct nl_handle *h, int ifindex, bool on, struct cni_err *err)
{
	return link_modify(h, ifindex, on ? IFF_PROMISC : 0, IFF_PROMISC, NULL, err);
}

int nl_link_set_mtu(struct nl_handle *h, int ifindex, unsigned mtu, struct cni_err *err)
{
	struct nl_link_spec spec = {.mtu = mtu, .ns_fd = -1};

	return link_modify(h, ifindex, 0, 0, &spec, err);
}

int nl_link_set_mac(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
		    struct cni_err *err)
{
	struct nl_link_spec spec = {.has_mac = true, .ns_fd = -1};

	memcpy(spec.mac, mac, NL_MAC_LEN);
	return link_modify(h, ifindex, 0, 0, &spec, err);
}

int nl_link_set_master(struct nl_handle *h, int ifindex, int master, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), err);

	if (!msg)
		return -1;
	/* IFLA_MASTER 0 is how the kernel is told "no master". */
	if (nla_put_u32(msg, IFLA_MASTER, (uint32_t)master) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}
