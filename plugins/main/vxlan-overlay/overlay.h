/* The node side of vxlan-overlay: the underlay, the VXLAN device and the peers' entries. */
#ifndef VXO_OVERLAY_H
#define VXO_OVERLAY_H

#include <stdint.h>

#include "cni/err.h"
#include "config.h"
#include "nl/nl.h"
#include "undo/undo.h"

/* VXLAN header overhead on the underlay: outer IPv4/IPv6 + UDP + VXLAN + inner Ethernet. */
#define VXO_OVERHEAD_IPV4 50
#define VXO_OVERHEAD_IPV6 70

struct vxo_node {
	struct nl_handle *h;	 /* the node's namespace */
	struct undo_stack *undo; /* ADD only */
	struct cni_ip local;	 /* the local VTEP (underlay) address */
	struct nl_link_info underlay;
	unsigned mtu; /* of the overlay: the VXLAN device and the pods' veths */
	struct nl_link_info vxlan;
};

/* underlay.c: the local VTEP address and its interface; code 11 when the node has none (yet). */
int vxo_underlay_resolve(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err);

/* vtep.c: the VTEP MAC every node derives from a node IP, so peers agree without a control plane.
 */
void vxo_vtep_mac(const struct cni_ip *node_ip, uint8_t mac[NL_MAC_LEN]);
/* The VXLAN device as configured: created (pushing its removal) or recreated when it differs. */
int vxo_vtep_ensure(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err);
/* CHECK: the device is there, up, with the configured VNI, port, local address, MAC, MTU. */
int vxo_vtep_check(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err);

/* peers.c: route, neighbour and FDB entry for every peer; entries of departed peers removed. */
int vxo_peers_reconcile(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err);
/* CHECK: every peer's entries are there and nothing else is. */
int vxo_peers_check(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err);

#endif
