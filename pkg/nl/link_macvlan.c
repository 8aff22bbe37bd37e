/* The macvlan kind: mode and broadcast queue length, and reading the mode back for CHECK. */
#include <linux/if_link.h>
#include <netlink/attr.h>

#include "nl/child_link.h"
#include "nl/info_data.h"
#include "nl/internal.h"

static int macvlan_put_info_data(struct nl_msg *msg, const struct nl_link_spec *spec,
				 struct cni_err *err)
{
	const struct nl_macvlan_options *o = spec->options;

	if (!o)
		return 0;
	if (o->mode && nla_put_u32(msg, IFLA_MACVLAN_MODE, o->mode) < 0)
		return nl_err_msg_full(err);
	/* As the reference's netlink library: only a set length is sent (kernels < 5.11 lack it).
	 */
	if (o->bc_queue_len && nla_put_u32(msg, IFLA_MACVLAN_BC_QUEUE_LEN, o->bc_queue_len) < 0)
		return nl_err_msg_full(err);
	return 0;
}

const struct nl_link_kind nl_link_kind_macvlan = {
	.name = "macvlan",
	.put_info_data = macvlan_put_info_data,
};

int nl_macvlan_get_mode(struct nl_handle *h, int ifindex, uint32_t *mode, struct cni_err *err)
{
	bool found;

	if (nl_link_info_data_get(h, ifindex, "macvlan", IFLA_MACVLAN_MODE, mode, sizeof(*mode),
				  &found, err) < 0)
		return -1;
	/* The kernel omits nothing today; a missing mode is the kernel's default, vepa. */
	if (!found)
		*mode = NL_MACVLAN_MODE_VEPA;
	return 0;
}
