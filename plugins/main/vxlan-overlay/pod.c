/* CHECK of one pod: its veth with the overlay MTU, the host end enslaved to the node's bridge. */
#include <string.h>

#include "run.h"

#define GONE CNI_ERR_UNKNOWN_CONTAINER

int vxo_pod_check(struct vxo_run *run, struct cni_err *err)
{
	const char *ifname = run->req->ifname;
	const struct vxo_config *c = &run->conf;

	if (nl_link_get_by_name(run->host, c->bridge, &run->bridge.link, err) < 0 ||
	    strcmp(run->bridge.link.kind, "bridge") != 0)
		return cni_errf(err, GONE, 0, "bridge %s not found", c->bridge);
	if (nl_link_get_by_name(run->ctr, ifname, &run->ctr_veth, err) < 0)
		return cni_errf(err, GONE, 0, "Interface name %s not found", ifname);
	if (strcmp(run->ctr_veth.kind, "veth") != 0)
		return cni_errf(err, GONE, 0, "container interface %s is not a veth", ifname);
	if (run->ctr_veth.mtu != run->node.mtu)
		return cni_errf(err, GONE, 0, "container interface %s has MTU %u, want %u", ifname,
				run->ctr_veth.mtu, run->node.mtu);
	if (nl_link_get_by_index(run->host, run->ctr_veth.link, &run->host_veth, err) < 0 ||
	    run->host_veth.link != run->ctr_veth.ifindex)
		return cni_errf(err, GONE, 0, "the host end of %s was not found", ifname);
	if (run->host_veth.master != run->bridge.link.ifindex)
		return cni_errf(err, GONE, 0, "%s is not attached to bridge %s",
				run->host_veth.name, c->bridge);
	return 0;
}
