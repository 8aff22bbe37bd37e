/* The underlay: the local VTEP address from localIP, underlayInterface or the default route. */
#include <errno.h>
#include <stdlib.h>

#include <linux/rtnetlink.h>

#include "cni/cleanup.h"
#include "overlay.h"

#define NOT_READY CNI_ERR_TRY_AGAIN

/* The interface holding ip. */
static int link_of_address(struct vxo_node *n, const struct cni_ip *ip, struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	char text[CNI_IP_STRLEN];
	size_t count = 0;

	if (nl_address_list(n->h, 0, ip->family, &addrs, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (cni_ip_equal(&addrs[i].prefix.ip, ip))
			return nl_link_get_by_index(n->h, addrs[i].ifindex, &n->underlay, err);
	return cni_errf(err, NOT_READY, 0, "localIP %s is not an address of this node",
			cni_ip_str(ip, text));
}

/* The first global address of the underlay, IPv4 before IPv6. */
static int address_of_link(struct vxo_node *n, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};
	_cleanup_free_ struct nl_address *addrs = NULL;
	size_t count = 0;

	if (nl_address_list(n->h, n->underlay.ifindex, 0, &addrs, &count, err) < 0)
		return -1;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (size_t i = 0; i < count; i++)
			if (addrs[i].prefix.ip.family == families[f] &&
			    addrs[i].scope == RT_SCOPE_UNIVERSE) {
				n->local = addrs[i].prefix.ip;
				return 0;
			}
	return cni_errf(err, NOT_READY, 0, "underlay interface %s has no global address",
			n->underlay.name);
}

/* The interface of the main table's default route, IPv4 before IPv6. */
static int default_route_link(struct vxo_node *n, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};

	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		_cleanup_free_ struct nl_route *routes = NULL;
		size_t count = 0;

		if (nl_route_list(n->h, families[f], &routes, &count, err) < 0)
			return -1;
		for (size_t i = 0; i < count; i++)
			if (routes[i].dst.len == 0 && routes[i].ifindex &&
			    routes[i].table == RT_TABLE_MAIN)
				return nl_link_get_by_index(n->h, routes[i].ifindex, &n->underlay,
							    err);
	}
	return cni_errf(err, NOT_READY, 0,
			"no localIP, no underlayInterface and no default route to find the "
			"underlay");
}

int vxo_underlay_resolve(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	unsigned overhead;

	if (*c->underlay) {
		if (nl_link_get_by_name(n->h, c->underlay, &n->underlay, err) < 0) {
			if (nl_err_is_not_found(err))
				err->code = NOT_READY;
			return cni_err_wrap(err, "underlayInterface");
		}
		if (cni_ip_is_set(&c->local_ip))
			n->local = c->local_ip;
		else if (address_of_link(n, err) < 0)
			return -1;
	} else if (cni_ip_is_set(&c->local_ip)) {
		n->local = c->local_ip;
		if (link_of_address(n, &n->local, err) < 0)
			return -1;
	} else if (default_route_link(n, err) < 0 || address_of_link(n, err) < 0) {
		return -1;
	}
	overhead = n->local.family == AF_INET6 ? VXO_OVERHEAD_IPV6 : VXO_OVERHEAD_IPV4;
	n->mtu = c->mtu ? c->mtu : n->underlay.mtu - overhead;
	if (c->mtu > n->underlay.mtu - overhead)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"mtu %u does not fit the underlay %s (MTU %u, %u for VXLAN)",
				c->mtu, n->underlay.name, n->underlay.mtu, overhead);
	return 0;
}
