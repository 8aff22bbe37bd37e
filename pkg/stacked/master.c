/* Finding the master link: named, or the default route's, in the node's or the pod's netns. */
#include "nl/child_link.h"
#include "stacked/stacked.h"

static struct nl_handle *master_netns(struct stacked_run *run, const struct stacked_config *c,
				      struct cni_err *err)
{
	if (!c->link_in_container)
		return run->host;
	if (!run->ctr)
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			 "linkInContainer needs the container's netns (CNI_NETNS)");
	return run->ctr;
}

static int lookup(struct nl_handle *h, const char *name, struct nl_link_info *master,
		  struct cni_err *err)
{
	if (!name[0])
		return nl_default_route_link(h, master, err);
	if (nl_link_get_by_name(h, name, master, err) == 0)
		return 0;
	if (nl_err_is_not_found(err))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"failed to lookup master \"%s\": Link not found", name);
	return cni_err_wrap(err, "failed to lookup master \"%s\"", name);
}

int stacked_find_master(struct stacked_run *run, const struct stacked_config *c,
			struct nl_link_info *master, struct cni_err *err)
{
	struct nl_handle *h = master_netns(run, c, err);

	if (!h || lookup(h, c->master, master, err) < 0)
		return -1;
	if (c->mtu < 0 || (unsigned)c->mtu > master->mtu)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"invalid MTU %d, must be [0, master MTU(%u)]", c->mtu, master->mtu);
	return 0;
}
