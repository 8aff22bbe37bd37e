/* The vxlan link kind, and reading back an existing vxlan device's parameters. */
#ifndef NL_VXLAN_H
#define NL_VXLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "nl/nl.h"

extern const struct nl_link_kind nl_link_kind_vxlan;

/* The options of nl_link_kind_vxlan, and what nl_vxlan_get reads back. */
struct nl_vxlan_options {
	uint32_t vni;
	uint16_t port;	     /* UDP destination port */
	struct cni_ip local; /* the local VTEP (underlay) address */
	int underlay;	     /* IFLA_VXLAN_LINK: the underlay's ifindex, 0: any */
	bool learning;
};

/* The vxlan parameters of ifindex; fails with CNI_ERR_INVALID_CONFIG when it is not a vxlan. */
int nl_vxlan_get(struct nl_handle *h, int ifindex, struct nl_vxlan_options *out,
		 struct cni_err *err);

#endif
