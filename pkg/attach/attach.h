/* Attaching a pod to a Linux bridge by veth: the bridge, the port (hairpin, vlan), the gateways. */
#ifndef ATTACH_ATTACH_H
#define ATTACH_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/result.h"
#include "nl/nl.h"
#include "undo/undo.h"

#define ATTACH_VLAN_MAX 4094

/* A bridge in the namespace of host, and where ADD records the inverse of what it makes. */
struct attach_bridge {
	struct nl_handle *host;	  /* the namespace the bridge lives in (the plugin's own) */
	struct undo_stack *undo;  /* ADD: every creation pushes its inverse here */
	struct nl_link_info link; /* the bridge, filled by attach_bridge_ensure */
};

struct attach_bridge_options {
	const char *name;
	unsigned mtu; /* 0: kernel default (only applied when the bridge is created) */
	bool promisc;
	bool vlan_filtering; /* create the bridge with vlan_filtering on */
};

/* How a veth's host end joins the bridge. */
struct attach_port_options {
	unsigned mtu;
	const uint8_t *mac; /* of the far end, NULL: random */
	bool hairpin, isolated, preserve_default_vlan;
	uint16_t vlan;	   /* access VLAN (pvid, untagged), 0: none */
	const bool *trunk; /* [0..ATTACH_VLAN_MAX] tagged VLANs, NULL: none */
};

/* Where the gateways go: the bridge, or with vlan the "<bridge>.<vlan>" interface. */
struct attach_gateway_options {
	uint16_t vlan;
	bool preserve_default_vlan;
	bool force_address; /* replace a different address instead of failing */
};

/*
 * Create the bridge or take the existing one (its removal is pushed only when this call made it),
 * then promiscuous mode as asked, accept_ra off and the bridge up.
 */
int attach_bridge_ensure(struct attach_bridge *b, const struct attach_bridge_options *o,
			 struct cni_err *err);

/*
 * Make a veth whose far end is named ifname in peer's namespace (peer_ns_fd), the host end
 * "veth<8 hex>" attached to the bridge; pushes its deletion on b->undo.
 */
int attach_port_add(struct attach_bridge *b, struct nl_handle *peer, int peer_ns_fd,
		    const char *ifname, const struct attach_port_options *o,
		    struct nl_link_info *host_end, struct nl_link_info *far_end,
		    struct cni_err *err);

/* Push "delete ifindex in h" on undo; when the stack is full, delete it now and fail. */
int attach_push_link_delete(struct undo_stack *undo, struct nl_handle *h, int ifindex,
			    struct cni_err *err);

/*
 * The reference's calcGateways, before the container is configured: with is_gateway, an IP
 * without a gateway gets the first address of its subnet; with is_default_gateway, each family
 * gets a default route via its gateway unless one is already there.
 */
int attach_gateways_compute(bool is_gateway, bool is_default_gateway, struct cni_result *r,
			    struct cni_err *err);

/*
 * After: each IP's gateway, with the IP's prefix length, onto the bridge (or its VLAN
 * interface, which is then reported in result) and forwarding on for that family.
 */
int attach_gateways_apply(struct attach_bridge *b, const struct attach_gateway_options *o,
			  struct cni_result *result, struct cni_err *err);

#endif
