/* The ptp plugin's steps, shared by its files: the veth pair, the routes on both ends, CHECK. */
#ifndef PTP_PTP_H
#define PTP_PTP_H

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "config.h"
#include "nl/nl.h"
#include "undo/undo.h"

/* One ADD/DEL/CHECK: the config, both namespaces' handles and what ADD made so far. */
struct ptp_run {
	const struct cni_request *req;
	struct ptp_config conf;
	int ns_fd;		 /* the container's netns, -1 when none or gone */
	struct nl_handle *host;	 /* the namespace the plugin runs in */
	struct nl_handle *ctr;	 /* the container's netns */
	struct undo_stack *undo; /* ADD only */
	struct nl_link_info host_veth, ctr_veth;
};

/*
 * veth.c: the pair, the container end named req->ifname and born in the container's netns, the
 * host end "veth<8 hex>" up and without router advertisements; pushes its deletion on run->undo.
 */
int ptp_veth_add(struct ptp_run *run, struct cni_err *err);
/*
 * DEL without a reachable netns: the host end named in prev (no sandbox) is removed when it is a
 * veth that routes one of prev's IPs, so a name reused by another pod is never touched.
 */
int ptp_veth_del_orphan(struct ptp_run *run, const struct cni_result *prev, struct cni_err *err);

/* routes.c */
/* ip_forward / conf/all/forwarding for each family of r's IPs, as the reference's EnableForward. */
int ptp_enable_forward(struct ptp_run *run, const struct cni_result *r, struct cni_err *err);
/* Every IP of r must carry a gateway of its family: ptp routes everything through it. */
int ptp_require_gateways(const struct cni_result *r, struct cni_err *err);
/* In the container, per IP: the subnet's prefix route replaced by "gw/32 scope link" and
 * "subnet via gw", both with the IP as source. */
int ptp_container_routes(struct ptp_run *run, const struct cni_result *r, struct cni_err *err);
/* On the host veth, per IP: the gateway as a /32 (/128) address and "ip/32 dev veth scope host". */
int ptp_host_routes(struct ptp_run *run, const struct cni_result *r, struct cni_err *err);
/* True when the host has a route to ip/32 (/128) through ifindex. */
int ptp_host_route_exists(struct nl_handle *h, int ifindex, const struct cni_ip *ip, bool *found,
			  struct cni_err *err);

/* check.c */
int ptp_check_state(struct ptp_run *run, const struct cni_result *prev, struct cni_err *err);

#endif
