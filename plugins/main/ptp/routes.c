/* ptp's routing: forwarding on the host, the gateway-only path in the container, host routes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/rtnetlink.h>

#include "cni/cleanup.h"
#include "ptp.h"

static int host_len(const struct cni_ip *ip)
{
	return ip->family == AF_INET ? 32 : 128;
}

int ptp_enable_forward(struct ptp_run *run, const struct cni_result *r, struct cni_err *err)
{
	bool v4 = false, v6 = false;

	for (size_t i = 0; i < r->n_ips; i++) {
		if (r->ips[i].address.ip.family == AF_INET)
			v4 = true;
		else
			v6 = true;
	}
	if ((v4 && nl_forwarding_enable(run->host, AF_INET, err) < 0) ||
	    (v6 && nl_forwarding_enable(run->host, AF_INET6, err) < 0))
		return cni_err_wrap(err, "Could not enable IP forwarding");
	return 0;
}

int ptp_require_gateways(const struct cni_result *r, struct cni_err *err)
{
	char buf[CNI_IP_STRLEN];

	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip_config *ip = &r->ips[i];

		if (ip->gateway.family != ip->address.ip.family)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"IPAM result has no gateway for %s: ptp routes through it",
					cni_prefix_str(&ip->address, buf));
	}
	return 0;
}

static int container_routes_one(struct ptp_run *run, const struct cni_ip_config *ip,
				struct cni_err *err)
{
	struct cni_prefix subnet = cni_prefix_network(&ip->address);
	int ifindex = run->ctr_veth.ifindex;
	struct nl_route to_gw, via_gw;
	char a[CNI_IP_STRLEN], b[CNI_IP_STRLEN];

	/* The kernel's prefix route goes; a /32 (/128) address has none to remove. */
	struct nl_route prefix_route;

	nl_route_init(&prefix_route);
	prefix_route.dst = subnet;
	prefix_route.ifindex = ifindex;
	if (nl_route_del(run->ctr, &prefix_route, err) < 0 && err->errnum != ESRCH)
		return cni_err_wrap(err, "failed to delete route %s dev %s",
				    cni_prefix_str(&subnet, a), run->req->ifname);
	cni_err_clear(err);

	nl_route_init(&to_gw);
	to_gw.dst = (struct cni_prefix){.ip = ip->gateway, .len = host_len(&ip->gateway)};
	to_gw.ifindex = ifindex;
	to_gw.scope = RT_SCOPE_LINK;
	to_gw.src = ip->address.ip;
	if (nl_route_add(run->ctr, &to_gw, err) < 0 && !nl_err_is_exists(err))
		return cni_err_wrap(err, "failed to add route %s dev %s scope link",
				    cni_prefix_str(&to_gw.dst, a), run->req->ifname);
	cni_err_clear(err);

	nl_route_init(&via_gw);
	via_gw.dst = subnet;
	via_gw.gw = ip->gateway;
	via_gw.ifindex = ifindex;
	via_gw.src = ip->address.ip;
	if (nl_route_add(run->ctr, &via_gw, err) < 0)
		return cni_err_wrap(err, "failed to add route %s via %s dev %s",
				    cni_prefix_str(&subnet, a), cni_ip_str(&ip->gateway, b),
				    run->req->ifname);
	return 0;
}

int ptp_container_routes(struct ptp_run *run, const struct cni_result *r, struct cni_err *err)
{
	for (size_t i = 0; i < r->n_ips; i++)
		if (container_routes_one(run, &r->ips[i], err) < 0)
			return -1;
	return 0;
}

static int host_routes_one(struct ptp_run *run, const struct cni_ip_config *ip, struct cni_err *err)
{
	struct cni_prefix gw = {.ip = ip->gateway, .len = host_len(&ip->gateway)};
	int ifindex = run->host_veth.ifindex;
	struct nl_route to_pod;
	char a[CNI_IP_STRLEN];

	/*
	 * The same gateway sits on every pod's host veth. No DAD for it: it answers only this
	 * link, and a tentative gateway would drop the pod's first second of IPv6 traffic.
	 */
	if (nl_address_add(run->host, ifindex, &gw, NL_ADDRESS_NODAD, err) < 0 &&
	    !nl_err_is_exists(err))
		return cni_err_wrap(err, "failed to add IP addr %s to veth",
				    cni_prefix_str(&gw, a));
	cni_err_clear(err);

	nl_route_init(&to_pod);
	to_pod.dst = (struct cni_prefix){.ip = ip->address.ip, .len = host_len(&ip->address.ip)};
	to_pod.ifindex = ifindex;
	to_pod.scope = RT_SCOPE_HOST;
	if (nl_route_add(run->host, &to_pod, err) < 0 && !nl_err_is_exists(err))
		return cni_err_wrap(err, "failed to add route on host");
	cni_err_clear(err);
	return 0;
}

int ptp_host_routes(struct ptp_run *run, const struct cni_result *r, struct cni_err *err)
{
	for (size_t i = 0; i < r->n_ips; i++)
		if (host_routes_one(run, &r->ips[i], err) < 0)
			return -1;
	return 0;
}

int ptp_host_route_exists(struct nl_handle *h, int ifindex, const struct cni_ip *ip, bool *found,
			  struct cni_err *err)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n = 0;

	*found = false;
	if (nl_route_list(h, ip->family, &routes, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && !*found; i++)
		*found = routes[i].ifindex == ifindex && routes[i].table == RT_TABLE_MAIN &&
			 routes[i].dst.len == host_len(ip) && cni_ip_equal(&routes[i].dst.ip, ip);
	return 0;
}
