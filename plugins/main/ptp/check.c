/* CHECK: the container's veth as the reference verifies it, plus its host end and host routes. */
#include <string.h>

#include "ptp.h"

#define GONE CNI_ERR_UNKNOWN_CONTAINER

static const struct cni_interface *find_container(const struct cni_result *r, const char *name,
						  const char *sandbox)
{
	for (size_t i = 0; i < r->n_interfaces; i++) {
		const struct cni_interface *intf = &r->interfaces[i];

		if (intf->name && !strcmp(intf->name, name) && intf->sandbox &&
		    !strcmp(intf->sandbox, sandbox))
			return intf;
	}
	return NULL;
}

static bool mac_differs(const struct cni_interface *intf, const struct nl_link_info *link)
{
	return intf->mac && *intf->mac && strcasecmp(intf->mac, link->mac_str) != 0;
}

/* The reference's validateCniContainerInterface. */
static int check_container(struct ptp_run *run, const struct cni_interface *intf,
			   struct cni_err *err)
{
	if (!intf)
		return cni_errf(err, GONE, 0,
				"Sandbox in prevResult doesn't match configured netns: %s",
				run->req->netns);
	if (nl_link_get_by_name(run->ctr, intf->name, &run->ctr_veth, err) < 0)
		return cni_errf(err, GONE, 0,
				"ptp: Container Interface name in prevResult: %s not found",
				intf->name);
	if (strcmp(run->ctr_veth.kind, "veth") != 0)
		return cni_errf(err, GONE, 0, "Error: Container interface %s not of type veth/p2p",
				intf->name);
	if (mac_differs(intf, &run->ctr_veth))
		return cni_errf(err, GONE, 0,
				"ptp: Interface %s Mac %s doesn't match container Mac: %s",
				intf->name, intf->mac, run->ctr_veth.mac_str);
	return 0;
}

/* Beyond the reference: the host end still pairs with the container's veth and routes its IPs. */
static int check_host(struct ptp_run *run, const struct cni_result *prev, struct cni_err *err)
{
	const struct cni_interface *intf = NULL;
	char buf[CNI_IP_STRLEN];

	for (size_t i = 0; i < prev->n_interfaces && !intf; i++)
		if (prev->interfaces[i].name &&
		    (!prev->interfaces[i].sandbox || !*prev->interfaces[i].sandbox))
			intf = &prev->interfaces[i];
	if (!intf)
		return 0; /* a pre-0.3.0 prevResult names no interfaces */
	if (nl_link_get_by_name(run->host, intf->name, &run->host_veth, err) < 0 ||
	    strcmp(run->host_veth.kind, "veth") != 0 ||
	    run->host_veth.ifindex != run->ctr_veth.link ||
	    run->host_veth.link != run->ctr_veth.ifindex)
		return cni_errf(err, GONE, 0, "ptp: host veth %s of %s not found", intf->name,
				run->req->ifname);
	if (mac_differs(intf, &run->host_veth))
		return cni_errf(err, GONE, 0, "ptp: Interface %s Mac %s doesn't match host Mac: %s",
				intf->name, intf->mac, run->host_veth.mac_str);
	for (size_t i = 0; i < prev->n_ips; i++) {
		const struct cni_ip *ip = &prev->ips[i].address.ip;
		bool found;

		if (ptp_host_route_exists(run->host, run->host_veth.ifindex, ip, &found, err) < 0)
			return -1;
		if (!found)
			return cni_errf(err, GONE, 0, "ptp: host route to %s via %s not found",
					cni_ip_str(ip, buf), intf->name);
	}
	return 0;
}

int ptp_check_state(struct ptp_run *run, const struct cni_result *prev, struct cni_err *err)
{
	const struct cni_interface *ctr = find_container(prev, run->req->ifname, run->req->netns);

	if (check_container(run, ctr, err) < 0)
		return -1;
	return check_host(run, prev, err);
}
