/* host-local ranges and range sets: defaults, validation, membership, overlap, free-address count.
 */
#ifndef IPAM_RANGE_H
#define IPAM_RANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"

/* One {subnet, rangeStart, rangeEnd, gateway}; an unset address has family 0 until canonicalized.
 */
struct ipam_range {
	struct cni_prefix subnet;
	struct cni_ip start;
	struct cni_ip end;
	struct cni_ip gateway;
};

/* Ranges of one address family; host-local hands out one address per set. */
struct ipam_range_set {
	struct ipam_range *ranges;
	size_t n;
};

/* Room for a range set's text in messages ("start-end,start-end,..."). */
#define IPAM_RANGE_SET_STRLEN 512

/*
 * Validate r and fill the reference's defaults: gateway = network+1, rangeStart = network+1,
 * rangeEnd = the last address (minus one for IPv4, sparing the broadcast). Messages are the
 * reference's.
 */
int ipam_range_canonicalize(struct ipam_range *r, struct cni_err *err);
/* In the subnet and between start and end (each bound only when set). */
bool ipam_range_contains(const struct ipam_range *r, const struct cni_ip *ip);
bool ipam_range_overlaps(const struct ipam_range *a, const struct ipam_range *b);

/* Canonicalize every range; reject an empty set, mixed families and overlaps within the set. */
int ipam_range_set_canonicalize(struct ipam_range_set *s, struct cni_err *err);
/* The range of s holding ip, or NULL. */
const struct ipam_range *ipam_range_set_find(const struct ipam_range_set *s,
					     const struct cni_ip *ip);
bool ipam_range_set_overlaps(const struct ipam_range_set *a, const struct ipam_range_set *b);
/* "10.0.0.1-10.0.0.254,..." as the reference prints a range set. */
const char *ipam_range_set_str(const struct ipam_range_set *s, char *buf, size_t len);
int ipam_range_set_family(const struct ipam_range_set *s);
void ipam_range_set_free(struct ipam_range_set *s);

/*
 * How many addresses of s the allocator may still hand out, given the sorted reserved list: every
 * address of every range, minus each range's gateway, minus reserved ones. Saturates at UINT64_MAX.
 */
unsigned __int128 ipam_range_set_free_count(const struct ipam_range_set *s,
					    const struct cni_ip *reserved, size_t n_reserved);

#endif
