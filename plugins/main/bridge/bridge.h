/* The bridge plugin's steps, shared by its files: the bridge, the veth port, gateways, CHECK. */
#ifndef BRIDGE_BRIDGE_H
#define BRIDGE_BRIDGE_H

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "config.h"
#include "nl/nl.h"
#include "undo/undo.h"

/* One ADD/DEL/CHECK: the config, both namespaces' handles and what ADD made so far. */
struct bridge_run {
	const struct cni_request *req;
	struct bridge_config conf;
	int ns_fd;		 /* the container's netns */
	struct nl_handle *host;	 /* the namespace the plugin runs in */
	struct nl_handle *ctr;	 /* the container's netns */
	struct undo_stack *undo; /* ADD only */
	struct nl_link_info br, host_veth, ctr_veth;
};

/* How a veth's host end joins the bridge. */
struct bridge_port_options {
	unsigned mtu;
	const uint8_t *mac; /* of the far end, NULL: random */
	bool hairpin, isolated, preserve_default_vlan;
	uint16_t vlan;	   /* access VLAN (pvid, untagged), 0: none */
	const bool *trunk; /* [0..4094] tagged VLANs, NULL: none */
};

/* ports.c */
int bridge_ensure(struct bridge_run *run, struct cni_err *err);
/*
 * Make a veth whose far end is named ifname in peer's namespace (peer_ns_fd), the host end
 * "veth<8 hex>" attached to the bridge; pushes its deletion on run->undo.
 */
int bridge_port_add(struct bridge_run *run, struct nl_handle *peer, int peer_ns_fd,
		    const char *ifname, const struct bridge_port_options *o,
		    struct nl_link_info *host_end, struct nl_link_info *far_end,
		    struct cni_err *err);
int bridge_push_link_delete(struct bridge_run *run, struct nl_handle *h, int ifindex,
			    struct cni_err *err);

/*
 * gateway.c: the reference's calcGateways (fill missing gateways, add default routes) before the
 * container is configured, then the gateways onto the bridge and forwarding on, after.
 */
int bridge_gateways_compute(const struct bridge_config *c, struct cni_result *r,
			    struct cni_err *err);
int bridge_gateways_apply(struct bridge_run *run, struct cni_result *result, struct cni_err *err);

/* check.c */
int bridge_check_state(struct bridge_run *run, const struct cni_result *prev, struct cni_err *err);

#endif
