/* The veth kind: both ends in one request, the peer possibly born in another namespace. */
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <netlink/attr.h>

#include "nl/internal.h"

static int veth_put_info_data(struct nl_msg *msg, const struct nl_link_spec *spec,
			      struct cni_err *err)
{
	const struct nl_veth_options *o = spec->options;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlattr *peer;

	if (!o || !o->peer)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "veth without a peer");
	peer = nla_nest_start(msg, VETH_INFO_PEER);
	if (!peer || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		return nl_err_msg_full(err);
	if (nl_put_link_attrs(msg, o->peer, err) < 0)
		return -1;
	nla_nest_end(msg, peer);
	return 0;
}

const struct nl_link_kind nl_link_kind_veth = {
	.name = "veth",
	.put_info_data = veth_put_info_data,
};
