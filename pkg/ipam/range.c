/* Range and range-set math, following the reference host-local's allocator/range*.go. */
#include "ipam/range.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int family_bits(const struct cni_ip *ip)
{
	return cni_ip_bytes(ip) * 8;
}

int ipam_range_canonicalize(struct ipam_range *r, struct cni_err *err)
{
	char sub[CNI_IP_STRLEN], a[CNI_IP_STRLEN];
	struct cni_prefix net;

	if (!cni_ip_is_set(&r->subnet.ip))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "IP <nil> not v4 nor v6");
	cni_prefix_str(&r->subnet, sub);
	/* A /31 or /32 (/127, /128) leaves nothing to allocate once network and gateway are out. */
	if (r->subnet.len > family_bits(&r->subnet.ip) - 2)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"Network %s too small to allocate from", sub);
	net = cni_prefix_network(&r->subnet);
	if (!cni_ip_equal(&net.ip, &r->subnet.ip))
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"Network has host bits set. For a subnet mask of length %d the network "
			"address is %s",
			r->subnet.len, cni_ip_str(&net.ip, a));
	if (!cni_ip_is_set(&r->gateway))
		r->gateway = cni_ip_add(&net.ip, 1);
	if (cni_ip_is_set(&r->start)) {
		if (!ipam_range_contains(r, &r->start))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"RangeStart %s not in network %s", cni_ip_str(&r->start, a),
					sub);
	} else {
		r->start = cni_ip_add(&net.ip, 1);
	}
	if (cni_ip_is_set(&r->end)) {
		if (!ipam_range_contains(r, &r->end))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"RangeEnd %s not in network %s", cni_ip_str(&r->end, a),
					sub);
	} else {
		r->end = cni_prefix_last(&r->subnet);
		if (r->end.family == AF_INET)
			r->end.addr[3]--;
	}
	return 0;
}

bool ipam_range_contains(const struct ipam_range *r, const struct cni_ip *ip)
{
	if (!cni_prefix_contains(&r->subnet, ip))
		return false;
	if (cni_ip_is_set(&r->start) &&
	    (r->start.family != ip->family || cni_ip_cmp(ip, &r->start) < 0))
		return false;
	/* Go's ip.Cmp answers -2 across families: a foreign start excludes, a foreign end does not.
	 */
	if (cni_ip_is_set(&r->end) && r->end.family == ip->family && cni_ip_cmp(ip, &r->end) > 0)
		return false;
	return true;
}

bool ipam_range_overlaps(const struct ipam_range *a, const struct ipam_range *b)
{
	if (a->start.family != b->start.family)
		return false;
	return ipam_range_contains(a, &b->start) || ipam_range_contains(a, &b->end) ||
	       ipam_range_contains(b, &a->start) || ipam_range_contains(b, &a->end);
}

static const char *range_str(const struct ipam_range *r, char *buf, size_t len)
{
	char a[CNI_IP_STRLEN], b[CNI_IP_STRLEN];

	snprintf(buf, len, "%s-%s", cni_ip_str(&r->start, a), cni_ip_str(&r->end, b));
	return buf;
}

int ipam_range_set_canonicalize(struct ipam_range_set *s, struct cni_err *err)
{
	char a[2 * CNI_IP_STRLEN], b[2 * CNI_IP_STRLEN];

	if (!s->n)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "empty range set");
	for (size_t i = 0; i < s->n; i++) {
		if (ipam_range_canonicalize(&s->ranges[i], err) < 0)
			return -1;
		if (s->ranges[i].start.family != s->ranges[0].start.family)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "mixed address families");
	}
	for (size_t i = 0; i < s->n; i++)
		for (size_t j = i + 1; j < s->n; j++)
			if (ipam_range_overlaps(&s->ranges[i], &s->ranges[j]))
				return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
						"subnets %s and %s overlap",
						range_str(&s->ranges[i], a, sizeof(a)),
						range_str(&s->ranges[j], b, sizeof(b)));
	return 0;
}

const struct ipam_range *ipam_range_set_find(const struct ipam_range_set *s,
					     const struct cni_ip *ip)
{
	for (size_t i = 0; i < s->n; i++)
		if (ipam_range_contains(&s->ranges[i], ip))
			return &s->ranges[i];
	return NULL;
}

bool ipam_range_set_overlaps(const struct ipam_range_set *a, const struct ipam_range_set *b)
{
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++)
			if (ipam_range_overlaps(&a->ranges[i], &b->ranges[j]))
				return true;
	return false;
}

const char *ipam_range_set_str(const struct ipam_range_set *s, char *buf, size_t len)
{
	char one[2 * CNI_IP_STRLEN];
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->n && used < len; i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? "," : "",
				 range_str(&s->ranges[i], one, sizeof(one)));
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

int ipam_range_set_family(const struct ipam_range_set *s)
{
	return s->n ? s->ranges[0].start.family : 0;
}

void ipam_range_set_free(struct ipam_range_set *s)
{
	free(s->ranges);
	s->ranges = NULL;
	s->n = 0;
}

/* The low 128 bits of an address as an integer. */
static unsigned __int128 ip_to_u128(const struct cni_ip *ip)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < cni_ip_bytes(ip); i++)
		v = v << 8 | ip->addr[i];
	return v;
}

/* Index of the first reserved address >= ip (reserved is sorted). */
static size_t lower_bound(const struct cni_ip *reserved, size_t n, const struct cni_ip *ip)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cni_ip_cmp(&reserved[mid], ip) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned __int128 ipam_range_set_free_count(const struct ipam_range_set *s,
					    const struct cni_ip *reserved, size_t n_reserved)
{
	unsigned __int128 total = 0;

	for (size_t i = 0; i < s->n; i++) {
		const struct ipam_range *r = &s->ranges[i];
		unsigned __int128 size, used = 0;

		if (cni_ip_cmp(&r->end, &r->start) < 0)
			continue;
		/* start..end inclusive; a full ::/0 would wrap to 0, treat it as the maximum. */
		size = ip_to_u128(&r->end) - ip_to_u128(&r->start) + 1;
		if (!size)
			size = ~(unsigned __int128)0;
		if (ipam_range_contains(r, &r->gateway))
			used++;
		for (size_t k = lower_bound(reserved, n_reserved, &r->start);
		     k < n_reserved && cni_ip_cmp(&reserved[k], &r->end) <= 0; k++)
			if (!cni_ip_equal(&reserved[k], &r->gateway))
				used++;
		if (size > used)
			total += size - used;
	}
	return total;
}
