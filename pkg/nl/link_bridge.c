/* The bridge kind, and "create the bridge or take the one that is there". */
#include <errno.h>
#include <string.h>

#include <linux/if_link.h>
#include <netlink/attr.h>

#include "nl/internal.h"

static int bridge_put_info_data(struct nl_msg *msg, const struct nl_link_spec *spec,
				struct cni_err *err)
{
	const struct nl_bridge_options *o = spec->options;

	if (o && o->has_vlan_filtering &&
	    nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, o->vlan_filtering ? 1 : 0) < 0)
		return nl_err_msg_full(err);
	return 0;
}

const struct nl_link_kind nl_link_kind_bridge = {
	.name = "bridge",
	.put_info_data = bridge_put_info_data,
};

int nl_bridge_ensure(struct nl_handle *h, const struct nl_link_spec *spec, struct nl_link_info *out,
		     bool *created, struct cni_err *err)
{
	struct nl_link_spec s = *spec;

	s.kind = &nl_link_kind_bridge;
	*created = false;
	if (nl_link_create(h, &s, err) == 0)
		*created = true;
	else if (!nl_err_is_exists(err))
		return cni_err_wrap(err, "could not add \"%s\"", s.name);
	if (nl_link_get_by_name(h, s.name, out, err) < 0)
		return -1;
	if (strcmp(out->kind, "bridge") != 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"\"%s\" already exists but is not a bridge", s.name);
	return 0;
}
