/* Apply an IPAM result to a link in a netns, and verify it for CHECK (the reference's
 * ConfigureIface). */
#include "ipam/apply.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/log.h"

/* The reference gives addresses 5 s to leave the tentative state. */
#define IPAM_DAD_SETTLE_MS 5000

/* IPv6 must be on for lo and the link, and addresses must survive a link down. */
static int enable_ipv6(struct nl_handle *h, const char *ifname, struct cni_err *err)
{
	const char *names[] = {"lo", ifname};
	char key[128], value[16];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct cni_err read_err = {0};

		snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", names[i]);
		if (nl_sysctl_read(h, key, value, sizeof(value), &read_err) < 0) {
			cni_log_warn("failed to read sysctl %s: %s", key, read_err.msg);
			continue;
		}
		if (strcmp(value, "0") == 0)
			continue;
		if (nl_sysctl_write(h, key, "0", err) < 0)
			return cni_err_wrap(err, "failed to enable IPv6 for interface \"%s\"",
					    names[i]);
	}
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/keep_addr_on_down", ifname);
	if (nl_sysctl_write(h, key, "1", err) < 0)
		return cni_err_wrap(err, "failed to enable keep_addr_on_down for \"%s\"", ifname);
	return 0;
}

static bool ip_is_for(const struct cni_result *r, const struct cni_ip_config *ip,
		      const char *ifname, struct cni_err *err)
{
	if (ip->interface < 0 || (size_t)ip->interface >= r->n_interfaces ||
	    strcmp(r->interfaces[ip->interface].name, ifname) != 0) {
		char buf[CNI_IP_STRLEN];

		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			 "failed to add IP addr %s to \"%s\": invalid interface index",
			 cni_prefix_str(&ip->address, buf), ifname);
		return false;
	}
	return true;
}

static int add_addresses(struct nl_handle *h, int ifindex, const char *ifname,
			 const struct cni_result *r, unsigned flags, struct cni_ip *v4gw,
			 struct cni_ip *v6gw, struct cni_err *err)
{
	bool ipv6_enabled = false;
	char buf[CNI_IP_STRLEN];

	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_ip_config *ip = &r->ips[i];
		struct cni_ip *gw = ip->address.ip.family == AF_INET ? v4gw : v6gw;

		if (ip->interface < 0)
			continue;
		if (!ip_is_for(r, ip, ifname, err))
			return -1;
		if (ip->address.ip.family == AF_INET6 && !ipv6_enabled) {
			if (enable_ipv6(h, ifname, err) < 0)
				return -1;
			ipv6_enabled = true;
		}
		if (nl_address_add(h, ifindex, &ip->address,
				   (flags & IPAM_APPLY_NODAD) ? NL_ADDRESS_NODAD : 0, err) < 0)
			return cni_err_wrap(err, "failed to add IP addr %s to \"%s\"",
					    cni_prefix_str(&ip->address, buf), ifname);
		if (cni_ip_is_set(&ip->gateway) && ip->gateway.family == ip->address.ip.family &&
		    !cni_ip_is_set(gw))
			*gw = ip->gateway;
	}
	return 0;
}

static int add_routes(struct nl_handle *h, int ifindex, const char *ifname,
		      const struct cni_result *r, const struct cni_ip *v4gw,
		      const struct cni_ip *v6gw, struct cni_err *err)
{
	char dst[CNI_IP_STRLEN], gw[CNI_IP_STRLEN];

	for (size_t i = 0; i < r->n_routes; i++) {
		const struct cni_route *rt = &r->routes[i];
		struct nl_route route;

		nl_route_init(&route);
		route.dst = rt->dst;
		route.ifindex = ifindex;
		route.gw = rt->gw;
		if (!cni_ip_is_set(&route.gw))
			route.gw = rt->dst.ip.family == AF_INET ? *v4gw : *v6gw;
		route.priority = (unsigned)rt->priority;
		route.mtu = (unsigned)rt->mtu;
		route.advmss = (unsigned)rt->advmss;
		if (rt->has_table)
			route.table = (unsigned)rt->table;
		if (rt->has_scope)
			route.scope = rt->scope;
		if (nl_route_add(h, &route, err) < 0)
			return cni_err_wrap(err, "failed to add route '%s via %s dev %s metric %d'",
					    cni_prefix_str(&rt->dst, dst),
					    cni_ip_str(&route.gw, gw), ifname, rt->priority);
	}
	return 0;
}

int ipam_apply(struct nl_handle *h, const char *ifname, const struct cni_result *r, unsigned flags,
	       struct cni_err *err)
{
	struct cni_ip v4gw = {0}, v6gw = {0};
	struct nl_link_info link;

	if (r->n_interfaces == 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no interfaces to configure");
	if (nl_link_get_by_name(h, ifname, &link, err) < 0)
		return cni_err_wrap(err, "failed to lookup \"%s\"", ifname);
	if (add_addresses(h, link.ifindex, ifname, r, flags, &v4gw, &v6gw, err) < 0)
		return -1;
	if (nl_link_set_up(h, link.ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to set \"%s\" UP", ifname);
	if (cni_ip_is_set(&v6gw) &&
	    nl_wait_ipv6_settled(h, link.ifindex, IPAM_DAD_SETTLE_MS, err) < 0)
		return cni_err_wrap(err, "failed to settle addresses for \"%s\"", ifname);
	return add_routes(h, link.ifindex, ifname, r, &v4gw, &v6gw, err);
}

static bool has_address(const struct nl_address *addrs, size_t n, const struct cni_prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (addrs[i].prefix.len == p->len && cni_ip_equal(&addrs[i].prefix.ip, &p->ip))
			return true;
	return false;
}

/* Default routes match on destination only; others on destination and, if given, gateway. */
static bool has_route(const struct nl_route *routes, size_t n, const struct cni_prefix *dst,
		      const struct cni_ip *gw)
{
	struct cni_prefix want = cni_prefix_network(dst);

	for (size_t i = 0; i < n; i++) {
		struct cni_prefix have = cni_prefix_network(&routes[i].dst);

		if (routes[i].table != 254 || have.len != want.len ||
		    !cni_ip_equal(&have.ip, &want.ip))
			continue;
		if (want.len == 0 || !gw || !cni_ip_is_set(gw) || cni_ip_equal(gw, &routes[i].gw))
			return true;
	}
	return false;
}

int ipam_apply_check(struct nl_handle *h, const char *ifname, const struct cni_result *r,
		     struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n_addrs = 0, n_routes = 0;
	struct nl_link_info link;
	char buf[CNI_IP_STRLEN];

	if (nl_link_get_by_name(h, ifname, &link, err) < 0) {
		err->code = CNI_ERR_UNKNOWN_CONTAINER;
		return cni_err_wrap(err, "Cannot find container link %s", ifname);
	}
	if (nl_address_list(h, link.ifindex, 0, &addrs, &n_addrs, err) < 0 ||
	    nl_route_list(h, 0, &routes, &n_routes, err) < 0)
		return -1;
	for (size_t i = 0; i < r->n_ips; i++) {
		const struct cni_prefix *a = &r->ips[i].address;

		if (!has_address(addrs, n_addrs, a))
			return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					"Failed to match addr %s on interface %s",
					cni_prefix_str(a, buf), ifname);
		if (!has_route(routes, n_routes, a, NULL))
			return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					"Failed to find route to %s for interface %s",
					cni_prefix_str(a, buf), ifname);
	}
	for (size_t i = 0; i < r->n_routes; i++) {
		const struct cni_route *rt = &r->routes[i];

		if (!has_route(routes, n_routes, &rt->dst, &rt->gw))
			return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					"Expected Route %s not found in routing table",
					cni_prefix_str(&rt->dst, buf));
	}
	return 0;
}
