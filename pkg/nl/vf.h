/* SR-IOV VF attributes set on the PF (IFLA_VF_*), and moving a link into another netns renamed. */
#ifndef NL_VF_H
#define NL_VF_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "nl/nl.h"

#define NL_VF_HAS_MAC	     (1u << 0)
#define NL_VF_HAS_VLAN	     (1u << 1) /* vlan, qos and vlan_proto together */
#define NL_VF_HAS_SPOOFCHK   (1u << 2)
#define NL_VF_HAS_TRUST	     (1u << 3)
#define NL_VF_HAS_LINK_STATE (1u << 4)
#define NL_VF_HAS_RATE	     (1u << 5) /* min_tx_rate and max_tx_rate together */

/* The kernel's IFLA_VF_LINK_STATE_* values. */
enum nl_vf_link_state {
	NL_VF_LINK_STATE_AUTO = 0,
	NL_VF_LINK_STATE_ENABLE = 1,
	NL_VF_LINK_STATE_DISABLE = 2,
};

#define NL_VF_PROTO_8021Q  0x8100
#define NL_VF_PROTO_8021AD 0x88a8

/* One VF's PF-side state: read with nl_vf_get (has = what the driver reports), or the fields of
 * has to set with nl_vf_set. */
struct nl_vf_state {
	unsigned has; /* NL_VF_HAS_* */
	uint8_t mac[NL_MAC_LEN];
	uint16_t vlan;
	uint8_t qos;
	uint16_t vlan_proto; /* host order, NL_VF_PROTO_*; 0 means 802.1Q */
	bool spoofchk;
	bool trust;
	uint32_t link_state;		   /* enum nl_vf_link_state */
	uint32_t min_tx_rate, max_tx_rate; /* Mbit/s, 0: no limit */
};

/* VF number vf of the PF pf_ifindex. A PF that reports no such VF fails with errnum ENOENT. */
int nl_vf_get(struct nl_handle *h, int pf_ifindex, unsigned vf, struct nl_vf_state *out,
	      struct cni_err *err);

/*
 * Set the fields named by s->has, one request per attribute so a refusal names it. The driver's
 * transient EBUSY/EAGAIN (another VF of the PF being reconfigured) is retried, bounded.
 */
int nl_vf_set(struct nl_handle *h, int pf_ifindex, unsigned vf, const struct nl_vf_state *s,
	      struct cni_err *err);

/*
 * Move ifindex from h's netns into ns_fd, named name there (NULL: keep its name; a pattern such
 * as "dev%d" lets the kernel pick a free one). The link should be down, or the rename is EBUSY.
 */
int nl_link_move(struct nl_handle *h, int ifindex, int ns_fd, const char *name,
		 struct cni_err *err);

#endif
