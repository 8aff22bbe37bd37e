/* Links stacked on a master (macvlan, ipvlan): their kinds, modes, creation, rename, default route.
 */
#ifndef NL_CHILD_LINK_H
#define NL_CHILD_LINK_H

#include <stdint.h>

#include "nl/nl.h"

/* The kernel's MACVLAN_MODE_* and IPVLAN_MODE_* values, spelled here so callers need no uapi. */
enum nl_macvlan_mode {
	NL_MACVLAN_MODE_PRIVATE = 1,
	NL_MACVLAN_MODE_VEPA = 2,
	NL_MACVLAN_MODE_BRIDGE = 4,
	NL_MACVLAN_MODE_PASSTHRU = 8,
};

enum nl_ipvlan_mode {
	NL_IPVLAN_MODE_L2 = 0,
	NL_IPVLAN_MODE_L3 = 1,
	NL_IPVLAN_MODE_L3S = 2,
};

struct nl_macvlan_options {
	uint32_t mode;	       /* enum nl_macvlan_mode */
	uint32_t bc_queue_len; /* 0: the kernel's default */
};

struct nl_ipvlan_options {
	uint16_t mode; /* enum nl_ipvlan_mode */
};

extern const struct nl_link_kind nl_link_kind_macvlan;
extern const struct nl_link_kind nl_link_kind_ipvlan;

/*
 * Such a link is created with nl_link_create and spec.parent set to a link of h's namespace; with
 * spec.ns_fd >= 0 it is born in that namespace, so its name is only checked there.
 */

/* Rename a link (it must be down, as a freshly created one is). */
int nl_link_set_name(struct nl_handle *h, int ifindex, const char *name, struct cni_err *err);

/* The mode a macvlan or ipvlan link reports; a link of another kind fails with code 7. */
int nl_macvlan_get_mode(struct nl_handle *h, int ifindex, uint32_t *mode, struct cni_err *err);
int nl_ipvlan_get_mode(struct nl_handle *h, int ifindex, uint16_t *mode, struct cni_err *err);

/*
 * The link of the first default route in the main table, IPv4 before IPv6, as the reference's
 * getDefaultRouteInterfaceName. None fails with code 7:
 * the config names no master and the node cannot supply one.
 */
int nl_default_route_link(struct nl_handle *h, struct nl_link_info *out, struct cni_err *err);

#endif
