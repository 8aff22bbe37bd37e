/* The ipvlan kind: its mode (l2, l3, l3s), and reading the mode back for CHECK. */
#include <linux/if_link.h>
#include <netlink/attr.h>

#include "nl/child_link.h"
#include "nl/info_data.h"
#include "nl/internal.h"

static int ipvlan_put_info_data(struct nl_msg *msg, const struct nl_link_spec *spec,
				struct cni_err *err)
{
	const struct nl_ipvlan_options *o = spec->options;

	if (o && nla_put_u16(msg, IFLA_IPVLAN_MODE, o->mode) < 0)
		return nl_err_msg_full(err);
	return 0;
}

const struct nl_link_kind nl_link_kind_ipvlan = {
	.name = "ipvlan",
	.put_info_data = ipvlan_put_info_data,
};

int nl_ipvlan_get_mode(struct nl_handle *h, int ifindex, uint16_t *mode, struct cni_err *err)
{
	bool found;

	if (nl_link_info_data_get(h, ifindex, "ipvlan", IFLA_IPVLAN_MODE, mode, sizeof(*mode),
				  &found, err) < 0)
		return -1;
	if (!found)
		*mode = NL_IPVLAN_MODE_L3; /* the kernel's default */
	return 0;
}
