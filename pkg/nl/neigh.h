/* Neighbour entries (IP -> MAC) and bridge/vxlan FDB entries (MAC -> remote VTEP), per link. */
#ifndef NL_NEIGH_H
#define NL_NEIGH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "nl/nl.h"

/* One entry of a dump: a neighbour (ip = its address) or an FDB entry (ip = NDA_DST, if any). */
struct nl_neigh {
	int ifindex;
	struct cni_ip ip; /* family 0 when absent (an FDB entry without a remote) */
	bool has_mac;
	uint8_t mac[NL_MAC_LEN];
	uint16_t state; /* NUD_* */
	uint8_t flags;	/* NTF_* */
};

/* A permanent neighbour ip -> mac on ifindex, replacing any entry for ip. */
int nl_neigh_replace(struct nl_handle *h, int ifindex, const struct cni_ip *ip,
		     const uint8_t mac[NL_MAC_LEN], struct cni_err *err);
int nl_neigh_del(struct nl_handle *h, int ifindex, const struct cni_ip *ip, struct cni_err *err);

/*
 * A permanent FDB entry mac -> dst on the device itself (NTF_SELF: a vxlan device's own table,
 * as `bridge fdb replace MAC dev IF dst DST self permanent`), replacing any entry for mac.
 */
int nl_fdb_replace(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
		   const struct cni_ip *dst, struct cni_err *err);
int nl_fdb_del(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
	       const struct cni_ip *dst, struct cni_err *err);

/*
 * The entries of ifindex: family AF_INET or AF_INET6 lists neighbours, AF_BRIDGE lists FDB
 * entries. *out is malloc'd.
 */
int nl_neigh_list(struct nl_handle *h, int ifindex, int family, struct nl_neigh **out, size_t *n,
		  struct cni_err *err);

#endif
