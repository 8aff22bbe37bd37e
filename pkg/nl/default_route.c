/* The interface of the default route: where macvlan and ipvlan put pods when no master is named. */
#include <stdlib.h>

#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "cni/cleanup.h"
#include "nl/child_link.h"

static int first_default(struct nl_handle *h, int family, int *ifindex, struct cni_err *err)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	size_t n = 0;

	if (nl_route_list(h, family, &routes, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct nl_route *r = &routes[i];

		/* The reference lists the main table only; a multipath route has no single link. */
		if (r->dst.len == 0 && r->table == RT_TABLE_MAIN && r->ifindex > 0) {
			*ifindex = r->ifindex;
			return 0;
		}
	}
	*ifindex = 0;
	return 0;
}

int nl_default_route_link(struct nl_handle *h, struct nl_link_info *out, struct cni_err *err)
{
	const int families[] = {AF_INET, AF_INET6};
	int ifindex = 0;

	for (size_t i = 0; i < ARRAY_SIZE(families) && !ifindex; i++)
		if (first_default(h, families[i], &ifindex, err) < 0)
			return -1;
	if (!ifindex)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no default route interface found");
	return nl_link_get_by_index(h, ifindex, out, err);
}
