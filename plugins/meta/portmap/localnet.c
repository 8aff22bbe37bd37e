/* route_localnet on the host interface towards the container, so 127.0.0.1:hostPort works. */
#include <stdio.h>
#include <stdlib.h>

#include "cni/cleanup.h"
#include "nl/nl.h"
#include "portmap.h"

/* The interface of the most specific main-table route to ip (what a route lookup would pick). */
static int route_ifindex(struct nl_handle *h, const struct cni_ip *ip, struct cni_err *err)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n = 0;
	int best = -1, ifindex = 0;

	if (nl_route_list(h, ip->family, &routes, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct nl_route *r = &routes[i];

		if ((r->table != 0 && r->table != 254) || !r->ifindex ||
		    !cni_prefix_contains(&r->dst, ip) || r->dst.len <= best)
			continue;
		best = r->dst.len;
		ifindex = r->ifindex;
	}
	return ifindex;
}

int portmap_enable_localnet(const struct cni_ip *ip, struct cni_err *err)
{
	_cleanup_nl_handle_ struct nl_handle *h = NULL;
	struct nl_link_info link;
	char key[64];
	int ifindex;

	if (nl_handle_open(-1, &h, err) < 0)
		return -1;
	ifindex = route_ifindex(h, ip, err);
	if (ifindex <= 0)
		return ifindex; /* no route: nothing to enable, as the reference */
	if (nl_link_get_by_index(h, ifindex, &link, err) < 0)
		return -1;
	snprintf(key, sizeof(key), "net/ipv4/conf/%s/route_localnet", link.name);
	if (nl_sysctl_write(h, key, "1", err) < 0)
		return cni_err_wrap(err, "unable to enable route_localnet");
	return 0;
}
