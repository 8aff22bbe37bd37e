/*
 * Per-device and per-namespace IP settings by netlink rather than /proc/sys: IPv4 devconf
 * (IFLA_INET_CONF) is writable with RTM_NEWLINK, and the forwarding switches are readable with
 * RTM_GETNETCONF. On a node with many pods every /proc/sys/net lookup walks one dentry per
 * namespace with the same name ("conf", "eth0"), so these stay flat as pods are added.
 */
#include <errno.h>

#include <linux/if_link.h>
#include <linux/netconf.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <sys/socket.h>

#include "nl/internal.h"

int nl_link_set_ipv4_conf(struct nl_handle *h, int ifindex, int conf, uint32_t value,
			  struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_NEWLINK, 0, &ifi, sizeof(ifi), err);
	struct nlattr *spec, *inet, *conf_nest;

	if (!msg)
		return -1;
	spec = nla_nest_start(msg, IFLA_AF_SPEC);
	inet = spec ? nla_nest_start(msg, AF_INET) : NULL;
	conf_nest = inet ? nla_nest_start(msg, IFLA_INET_CONF) : NULL;
	if (!conf_nest || nla_put_u32(msg, conf, value) < 0)
		return nl_err_msg_full(err);
	nla_nest_end(msg, conf_nest);
	nla_nest_end(msg, inet);
	nla_nest_end(msg, spec);
	return nl_transact_named(h, msg, NULL, NULL, "devconf", err);
}

struct forwarding_reply {
	int value;
};

static int on_netconf(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	struct forwarding_reply *r = arg;
	struct nlattr *tb[NETCONFA_MAX + 1];

	if (hdr->nlmsg_type != RTM_NEWNETCONF ||
	    nlmsg_parse((struct nlmsghdr *)hdr, sizeof(struct netconfmsg), tb, NETCONFA_MAX, NULL) <
		    0)
		return 0;
	if (tb[NETCONFA_FORWARDING])
		r->value = (int)nla_get_u32(tb[NETCONFA_FORWARDING]);
	return 0;
}

int nl_forwarding_get(struct nl_handle *h, int family, bool *on, struct cni_err *err)
{
	struct netconfmsg ncm = {.ncm_family = (unsigned char)family};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETNETCONF, 0, &ncm, sizeof(ncm), err);
	struct forwarding_reply r = {.value = -1};

	if (!msg)
		return -1;
	if (nla_put_s32(msg, NETCONFA_IFINDEX, NETCONFA_IFINDEX_ALL) < 0)
		return nl_err_msg_full(err);
	if (nl_transact_named(h, msg, on_netconf, &r, "netconf", err) < 0)
		return -1;
	if (r.value < 0)
		return cni_errf(err, NL_ERR_CODE, ENODATA,
				"no forwarding setting in netconf reply");
	*on = r.value != 0;
	return 0;
}

int nl_forwarding_enable(struct nl_handle *h, int family, struct cni_err *err)
{
	struct cni_err ignored = {0};
	bool on;

	if (nl_forwarding_get(h, family, &on, &ignored) == 0 && on)
		return 0;
	return nl_sysctl_write(
		h, family == AF_INET ? "net/ipv4/ip_forward" : "net/ipv6/conf/all/forwarding", "1",
		err);
}
