/* Picking an address: the reference's RangeIter and IPAllocator.Get, with reservations known in
 * memory. */
#include "ipam/hostlocal_alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ipam_range_iter_init(struct ipam_range_iter *it, const struct ipam_range_set *set,
			  const struct cni_ip *last_reserved)
{
	memset(it, 0, sizeof(*it));
	it->set = set;
	for (size_t i = 0; last_reserved && cni_ip_is_set(last_reserved) && i < set->n; i++) {
		if (ipam_range_contains(&set->ranges[i], last_reserved)) {
			/* The first step moves past it, so allocation resumes at last + 1. */
			it->range_index = i;
			it->cur = *last_reserved;
			return;
		}
	}
	it->start_ip = set->ranges[0].start;
}

bool ipam_range_iter_next(struct ipam_range_iter *it, struct cni_ip *ip,
			  const struct ipam_range **range)
{
	for (;;) {
		const struct ipam_range *r = &it->set->ranges[it->range_index];

		if (!cni_ip_is_set(&it->cur)) {
			it->cur = r->start;
			it->start_ip = it->cur;
		} else {
			if (cni_ip_equal(&it->cur, &r->end)) {
				it->range_index = (it->range_index + 1) % it->set->n;
				r = &it->set->ranges[it->range_index];
				it->cur = r->start;
			} else {
				it->cur = cni_ip_add(&it->cur, 1);
			}
			if (!cni_ip_is_set(&it->start_ip))
				it->start_ip = it->cur;
			else if (cni_ip_equal(&it->cur, &it->start_ip))
				return false;
		}
		if (cni_ip_equal(&it->cur, &r->gateway))
			continue;
		*ip = it->cur;
		*range = r;
		return true;
	}
}

int ipam_scan_add(struct cni_ip **v, size_t *n, size_t *cap, const struct cni_ip *ip,
		  struct cni_err *err)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct cni_ip *nv = realloc(*v, ncap * sizeof(**v));

		if (!nv)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "scan");
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = *ip;
	return 0;
}

static int ip_cmp(const void *a, const void *b)
{
	return cni_ip_cmp(a, b);
}

void ipam_scan_sort(struct ipam_scan *scan)
{
	if (scan->n_reserved)
		qsort(scan->reserved, scan->n_reserved, sizeof(*scan->reserved), ip_cmp);
}

bool ipam_scan_is_reserved(const struct ipam_scan *scan, const struct cni_ip *ip)
{
	return scan->n_reserved &&
	       bsearch(ip, scan->reserved, scan->n_reserved, sizeof(*scan->reserved), ip_cmp);
}

void ipam_scan_free(struct ipam_scan *scan)
{
	free(scan->reserved);
	free(scan->owned);
	memset(scan, 0, sizeof(*scan));
}

static int get_requested(struct ipam_store *store, const struct ipam_range_set *set, size_t index,
			 const char *id, const char *ifname, const struct cni_ip *requested,
			 struct cni_ip_config *out, struct cni_err *err)
{
	char a[CNI_IP_STRLEN], rs[IPAM_RANGE_SET_STRLEN];
	const struct ipam_range *r = ipam_range_set_find(set, requested);
	bool reserved;

	if (!r)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "%s not in range set %s",
				cni_ip_str(requested, a), ipam_range_set_str(set, rs, sizeof(rs)));
	if (cni_ip_equal(requested, &r->gateway))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"requested ip %s is subnet's gateway", cni_ip_str(requested, a));
	if (ipam_store_reserve(store, requested, id, ifname, index, &reserved, err) < 0)
		return -1;
	if (!reserved)
		return cni_errf(err, CNI_ERR_TRY_AGAIN, 0,
				"requested IP address %s is not available in range set %s",
				cni_ip_str(requested, a), ipam_range_set_str(set, rs, sizeof(rs)));
	out->address.ip = *requested;
	out->address.len = r->subnet.len;
	out->gateway = r->gateway;
	return 0;
}

int ipam_alloc_get(struct ipam_store *store, const struct ipam_range_set *set, size_t index,
		   const struct ipam_scan *scan, const char *id, const char *ifname,
		   const struct cni_ip *requested, struct cni_ip_config *out, struct cni_err *err)
{
	char a[CNI_IP_STRLEN], rs[IPAM_RANGE_SET_STRLEN];
	const struct ipam_range *r;
	struct ipam_range_iter it;
	struct cni_ip last, ip;

	memset(out, 0, sizeof(*out));
	out->interface = -1;
	if (requested)
		return get_requested(store, set, index, id, ifname, requested, out, err);

	/* The spec forbids a second ADD of one attachment; the reference refuses it per range set.
	 */
	for (size_t i = 0; i < scan->n_owned; i++)
		if (ipam_range_set_find(set, &scan->owned[i]))
			return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
					"%s has been allocated to %s, duplicate allocation is not "
					"allowed",
					cni_ip_str(&scan->owned[i], a), id);

	ipam_range_iter_init(&it, set,
			     ipam_store_last_reserved(store, index, &last) ? &last : NULL);
	while (ipam_range_iter_next(&it, &ip, &r)) {
		bool reserved;

		/* Known-taken addresses cost no system call; O_EXCL stays the final word. */
		if (ipam_scan_is_reserved(scan, &ip))
			continue;
		if (ipam_store_reserve(store, &ip, id, ifname, index, &reserved, err) < 0)
			return -1;
		if (!reserved)
			continue;
		out->address.ip = ip;
		out->address.len = r->subnet.len;
		out->gateway = r->gateway;
		return 0;
	}
	return cni_errf(err, CNI_ERR_TRY_AGAIN, 0, "no IP addresses available in range set: %s",
			ipam_range_set_str(set, rs, sizeof(rs)));
}
