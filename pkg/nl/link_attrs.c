/* Transmit queue length (get and set) and the all-multicast flag of an existing link. */
#include "nl/link_attrs.h"

#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>

#include "nl/internal.h"

struct txqlen_reply {
	bool found;
	unsigned qlen;
};

static int txqlen_reply(const struct nlmsghdr *hdr, void *arg, struct cni_err *err)
{
	struct txqlen_reply *r = arg;
	struct nlattr *tb[IFLA_MAX + 1];

	if (hdr->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse((struct nlmsghdr *)hdr, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return 0;
	if (tb[IFLA_TXQLEN]) {
		r->qlen = nla_get_u32(tb[IFLA_TXQLEN]);
		r->found = true;
	}
	return 0;
}

int nl_link_get_txqlen(struct nl_handle *h, int ifindex, unsigned *qlen, struct cni_err *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	_cleanup_nl_msg_ struct nl_msg *msg =
		nl_message_new(RTM_GETLINK, 0, &ifi, sizeof(ifi), err);
	struct txqlen_reply r = {0};

	if (!msg)
		return -1;
	if (nl_transact(h, msg, txqlen_reply, &r, err) < 0)
		return cni_err_wrap(err, "link %d", ifindex);
	if (!r.found)
		return cni_errf(err, NL_ERR_CODE, ENODEV, "link %d: no IFLA_TXQLEN in the reply",
				ifindex);
	*qlen = r.qlen;
	return 0;
}

/* RTM_NEWLINK on ifindex with flag changes and, when has_qlen, IFLA_TXQLEN. */
static int link_change(struct nl_handle *h, int ifindex, unsigned flags, unsigned change,
		       bool has_qlen, unsigned qlen, struct cni_err *err)
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
	if (has_qlen && nla_put_u32(msg, IFLA_TXQLEN, qlen) < 0)
		return nl_err_msg_full(err);
	return nl_transact(h, msg, NULL, NULL, err);
}

int nl_link_set_txqlen(struct nl_handle *h, int ifindex, unsigned qlen, struct cni_err *err)
{
	return link_change(h, ifindex, 0, 0, true, qlen, err);
}

int nl_link_set_allmulti(struct nl_handle *h, int ifindex, bool on, struct cni_err *err)
{
	return link_change(h, ifindex, on ? IFF_ALLMULTI : 0, IFF_ALLMULTI, false, 0, err);
}
