/* Onlink routes: a gateway that no subnet of the link covers, as overlays route to remote VTEPs. */
#ifndef NL_ROUTE_ONLINK_H
#define NL_ROUTE_ONLINK_H

#include "cni/err.h"
#include "cni/ip.h"
#include "nl/nl.h"

/*
 * `ip route replace DST via GW dev IFINDEX onlink` in the main table: one route per destination,
 * so a peer whose address changed moves instead of becoming a second path. Delete it with
 * nl_route_del (dst, gw and ifindex match it).
 */
int nl_route_replace_onlink(struct nl_handle *h, const struct cni_prefix *dst,
			    const struct cni_ip *gw, int ifindex, struct cni_err *err);

#endif
