/* Routes nl_route cannot express: a preferred source address, and deleting kernel-made routes. */
#ifndef NL_ROUTE_SRC_H
#define NL_ROUTE_SRC_H

#include "cni/err.h"
#include "cni/ip.h"
#include "nl/nl.h"

/* nl_route_add with RTA_PREFSRC src (family 0: none), as `ip route add ... src SRC`. */
int nl_route_add_src(struct nl_handle *h, const struct nl_route *r, const struct cni_ip *src,
		     struct cni_err *err);

/*
 * Delete the route to dst on ifindex (main table) whatever its protocol, scope and metric, as
 * `ip route del DST dev IF`: the way to remove the prefix route the kernel adds with an address.
 */
int nl_route_del_any(struct nl_handle *h, int ifindex, const struct cni_prefix *dst,
		     struct cni_err *err);

#endif
