/* host-local's allocator: the reference's round-robin iterator and Get, over an in-memory scan. */
#ifndef IPAM_HOSTLOCAL_ALLOC_H
#define IPAM_HOSTLOCAL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/result.h"
#include "ipam/hostlocal_store.h"
#include "ipam/range.h"

/*
 * Walks a range set the way the reference's RangeIter does: from last_reserved + 1 when that
 * address is in the set, else from the first rangeStart; across ranges in order, wrapping once,
 * skipping each range's gateway.
 */
struct ipam_range_iter {
	const struct ipam_range_set *set;
	size_t range_index;
	struct cni_ip cur;	/* family 0 before the first step */
	struct cni_ip start_ip; /* family 0 until known */
};

void ipam_range_iter_init(struct ipam_range_iter *it, const struct ipam_range_set *set,
			  const struct cni_ip *last_reserved);
/* The next candidate and its range; false once every address has been offered. */
bool ipam_range_iter_next(struct ipam_range_iter *it, struct cni_ip *ip,
			  const struct ipam_range **range);

/* What one directory pass learned: every reserved address and those held by this attachment. */
struct ipam_scan {
	struct cni_ip *reserved; /* sorted by ipam_scan_sort */
	size_t n_reserved, cap_reserved;
	struct cni_ip *owned; /* files of (id, ifname), or legacy files of id */
	size_t n_owned, cap_owned;
};

int ipam_scan_add(struct cni_ip **v, size_t *n, size_t *cap, const struct cni_ip *ip,
		  struct cni_err *err);
void ipam_scan_sort(struct ipam_scan *scan);
bool ipam_scan_is_reserved(const struct ipam_scan *scan, const struct cni_ip *ip);
void ipam_scan_free(struct ipam_scan *scan);

/*
 * Reserve one address of range set `index` for (id, ifname), or the requested one, and describe it
 * in out (address with the range's prefix length, the range's gateway). Errors carry the
 * reference's messages, without its "failed to allocate for range N: " prefix.
 */
int ipam_alloc_get(struct ipam_store *store, const struct ipam_range_set *set, size_t index,
		   const struct ipam_scan *scan, const char *id, const char *ifname,
		   const struct cni_ip *requested, struct cni_ip_config *out, struct cni_err *err);

#endif
