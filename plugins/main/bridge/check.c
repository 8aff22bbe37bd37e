/* CHECK: the bridge, the container's veth, its peer on the bridge, as the reference verifies them.
 */
#include <string.h>

#include "bridge.h"

#define GONE CNI_ERR_UNKNOWN_CONTAINER

static const struct cni_interface *find_interface(const struct cni_result *r, const char *name,
						  const char *sandbox)
{
	for (size_t i = 0; i < r->n_interfaces; i++) {
		const struct cni_interface *intf = &r->interfaces[i];

		if (strcmp(intf->name, name) != 0)
			continue;
		if (!sandbox || (intf->sandbox && strcmp(intf->sandbox, sandbox) == 0))
			return intf;
	}
	return NULL;
}

static bool mac_differs(const struct cni_interface *intf, const struct nl_link_info *link)
{
	return intf->mac && *intf->mac && strcasecmp(intf->mac, link->mac_str) != 0;
}

static int check_bridge(struct bridge_run *run, const struct cni_interface *intf,
			struct cni_err *err)
{
	bool promisc;

	if (!intf)
		return cni_errf(err, GONE, 0,
				"CNI created bridge %s in host namespace was not found",
				run->conf.bridge);
	if (intf->sandbox && *intf->sandbox)
		return cni_errf(err, GONE, 0, "Interface %s should not be in sandbox", intf->name);
	if (nl_link_get_by_name(run->host, intf->name, &run->bridge.link, err) < 0)
		return cni_errf(err, GONE, 0, "Interface name %s not found", intf->name);
	if (strcmp(run->bridge.link.kind, "bridge") != 0)
		return cni_errf(err, GONE, 0, "Interface %s does not have link type of bridge",
				intf->name);
	if (mac_differs(intf, &run->bridge.link))
		return cni_errf(err, GONE, 0, "Bridge interface %s Mac doesn't match: %s",
				intf->name, intf->mac);
	promisc = (run->bridge.link.flags & 0x100 /* IFF_PROMISC */) != 0;
	if (promisc != run->conf.promisc_mode)
		return cni_errf(
			err, GONE, 0,
			"Bridge interface %s configured Promisc Mode %s doesn't match current "
			"state: %s",
			intf->name, run->conf.promisc_mode ? "true" : "false",
			promisc ? "true" : "false");
	return 0;
}

static int check_container(struct bridge_run *run, const struct cni_interface *intf,
			   struct cni_err *err)
{
	const char *ifname = run->req->ifname;

	if (!intf)
		return cni_errf(err, GONE, 0,
				"Sandbox in prevResult doesn't match configured netns: %s",
				run->req->netns);
	if (nl_link_get_by_name(run->ctr, ifname, &run->ctr_veth, err) < 0)
		return cni_errf(err, GONE, 0, "Interface name %s not found", ifname);
	if (strcmp(run->ctr_veth.kind, "veth") != 0)
		return cni_errf(err, GONE, 0, "Error: Container interface %s not of type veth",
				ifname);
	if (mac_differs(intf, &run->ctr_veth))
		return cni_errf(err, GONE, 0, "Interface %s Mac %s doesn't match container Mac: %s",
				ifname, intf->mac, run->ctr_veth.mac_str);
	return 0;
}

/* A host veth whose peer is the container's interface and whose master is the bridge. */
static bool is_our_veth(struct bridge_run *run, const struct cni_interface *intf,
			struct cni_err *err, bool *mac_bad)
{
	struct nl_link_info link;

	*mac_bad = false;
	if (intf->sandbox && *intf->sandbox)
		return false;
	if (nl_link_get_by_name(run->host, intf->name, &link, err) < 0)
		return false;
	if (strcmp(link.kind, "veth") != 0 || link.ifindex != run->ctr_veth.link ||
	    link.link != run->ctr_veth.ifindex || link.master != run->bridge.link.ifindex)
		return false;
	*mac_bad = mac_differs(intf, &link);
	run->host_veth = link;
	return true;
}

int bridge_check_state(struct bridge_run *run, const struct cni_result *prev, struct cni_err *err)
{
	const struct cni_interface *br = find_interface(prev, run->conf.bridge, NULL);
	const struct cni_interface *ctr = find_interface(prev, run->req->ifname, run->req->netns);
	bool found = false, mac_bad = false;

	if (check_bridge(run, br, err) < 0 || check_container(run, ctr, err) < 0)
		return -1;
	for (size_t i = 0; i < prev->n_interfaces && !found; i++) {
		const struct cni_interface *intf = &prev->interfaces[i];

		if (intf == br || intf == ctr || !strcmp(intf->name, run->conf.bridge) ||
		    !strcmp(intf->name, run->req->ifname))
			continue;
		found = is_our_veth(run, intf, err, &mac_bad);
		if (found && mac_bad)
			return cni_errf(err, GONE, 0,
					"Interface %s Mac doesn't match: %s not found", intf->name,
					intf->mac);
	}
	if (!found)
		return cni_errf(err, GONE, 0, "CNI veth created for bridge %s was not found",
				run->conf.bridge);
	return 0;
}
