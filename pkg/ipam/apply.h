/* Applying an IPAM result to a link inside a netns (addresses, routes, up) and checking it is
 * there. */
#ifndef IPAM_APPLY_H
#define IPAM_APPLY_H

#include "cni/err.h"
#include "cni/result.h"
#include "nl/nl.h"

/* The IPAM allocator guarantees uniqueness: IPv6 addresses skip duplicate address detection. */
#define IPAM_APPLY_NODAD (1u << 0)

/*
 * The reference's ipam.ConfigureIface, on the link named ifname in h's namespace: every IP whose
 * interface index names ifname in r->interfaces, the link up, then r's routes (a route without a
 * gateway takes the first gateway of its family). Waits for IPv6 addresses to settle.
 */
int ipam_apply(struct nl_handle *h, const char *ifname, const struct cni_result *r, unsigned flags,
	       struct cni_err *err);

/*
 * CHECK: every IP of r is on ifname with a route to its subnet, and every route of r is in the
 * routing table (default routes by destination only, as the reference).
 */
int ipam_apply_check(struct nl_handle *h, const char *ifname, const struct cni_result *r,
		     struct cni_err *err);

#endif
