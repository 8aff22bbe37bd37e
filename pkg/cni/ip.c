/* IP address and prefix values: parse, print, compare, add. */
#include "cni/ip.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool cni_ip_parse(const char *s, struct cni_ip *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(AF_INET, s, ip->addr) == 1) {
		ip->family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, s, ip->addr) == 1) {
		ip->family = AF_INET6;
		if (!memcmp(ip->addr, v4_mapped_prefix, sizeof(v4_mapped_prefix))) {
			memmove(ip->addr, ip->addr + 12, 4);
			memset(ip->addr + 4, 0, 12);
			ip->family = AF_INET;
		}
		return true;
	}
	memset(ip, 0, sizeof(*ip));
	return false;
}

bool cni_prefix_parse(const char *s, struct cni_prefix *p)
{
	char buf[CNI_IP_STRLEN];
	const char *slash = strchr(s, '/');
	char *end;
	long len;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (!slash)
		return false;
	n = (size_t)(slash - s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!cni_ip_parse(buf, &p->ip))
		return false;
	if (!slash[1] || slash[1] == '+' || slash[1] == '-' || slash[1] == ' ')
		return false;
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 0 || len > cni_ip_bytes(&p->ip) * 8) {
		memset(p, 0, sizeof(*p));
		return false;
	}
	p->len = (int)len;
	return true;
}

/*
 * IPv6 text as Go's net.IP.String prints it (RFC 5952). It differs from glibc's inet_ntop for
 * addresses in ::/96, which glibc prints as "::1.2.3.4"; host-local file names and results must
 * match the reference byte for byte.
 */
static void ipv6_str(const uint8_t *a, char *buf)
{
	unsigned words[8];
	int best = -1, best_len = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++)
		words[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	/* The longest run of two or more zero words is compressed; the first one wins a tie. */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && words[j] == 0)
			j++;
		if (j - i > best_len && j - i >= 2) {
			best = i;
			best_len = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			n += (size_t)snprintf(buf + n, CNI_IP_STRLEN - n, "::");
			i += best_len - 1;
			continue;
		}
		if (i > 0 && i != best + best_len)
			buf[n++] = ':';
		n += (size_t)snprintf(buf + n, CNI_IP_STRLEN - n, "%x", words[i]);
	}
	buf[n] = '\0';
}

bool cni_ip_parse_with_optional_len(const char *s, struct cni_ip *ip)
{
	struct cni_prefix p;

	if (!strchr(s, '/'))
		return cni_ip_parse(s, ip);
	if (!cni_prefix_parse(s, &p))
		return false;
	*ip = p.ip;
	return true;
}

const char *cni_ip_str(const struct cni_ip *ip, char *buf)
{
	if (ip->family == AF_INET6)
		ipv6_str(ip->addr, buf);
	else if (!ip->family || !inet_ntop(ip->family, ip->addr, buf, CNI_IP_STRLEN))
		buf[0] = '\0';
	return buf;
}

const char *cni_prefix_str(const struct cni_prefix *p, char *buf)
{
	size_t n;

	cni_ip_str(&p->ip, buf);
	n = strlen(buf);
	snprintf(buf + n, CNI_IP_STRLEN - n, "/%d", p->len);
	return buf;
}

bool cni_ip_equal(const struct cni_ip *a, const struct cni_ip *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, (size_t)cni_ip_bytes(a));
}

int cni_ip_cmp(const struct cni_ip *a, const struct cni_ip *b)
{
	if (a->family != b->family)
		return a->family == AF_INET ? -1 : 1;
	return memcmp(a->addr, b->addr, (size_t)cni_ip_bytes(a));
}

struct cni_ip cni_ip_add(const struct cni_ip *a, int64_t delta)
{
	struct cni_ip r = *a;
	int n = cni_ip_bytes(a);
	/* Two's complement addition of a sign-extended delta, byte by byte from the end. */
	uint64_t d = (uint64_t)delta;
	uint8_t fill = delta < 0 ? 0xff : 0x00;
	unsigned carry = 0;

	for (int i = n - 1, k = 0; i >= 0; i--, k++) {
		unsigned byte = k < 8 ? (unsigned)((d >> (8 * k)) & 0xff) : fill;
		unsigned sum = r.addr[i] + byte + carry;

		r.addr[i] = (uint8_t)sum;
		carry = sum >> 8;
	}
	return r;
}

static uint8_t prefix_mask_byte(int len, int i)
{
	int bits = len - 8 * i;

	if (bits >= 8)
		return 0xff;
	if (bits <= 0)
		return 0;
	return (uint8_t)(0xff << (8 - bits));
}

struct cni_prefix cni_prefix_network(const struct cni_prefix *p)
{
	struct cni_prefix r = *p;

	for (int i = 0; i < cni_ip_bytes(&p->ip); i++)
		r.ip.addr[i] &= prefix_mask_byte(p->len, i);
	return r;
}

struct cni_ip cni_prefix_mask(const struct cni_prefix *p)
{
	struct cni_ip m = {.family = p->ip.family};

	for (int i = 0; i < cni_ip_bytes(&p->ip); i++)
		m.addr[i] = prefix_mask_byte(p->len, i);
	return m;
}

bool cni_prefix_contains(const struct cni_prefix *p, const struct cni_ip *ip)
{
	if (p->ip.family != ip->family)
		return false;
	for (int i = 0; i < cni_ip_bytes(ip); i++) {
		uint8_t m = prefix_mask_byte(p->len, i);

		if ((p->ip.addr[i] & m) != (ip->addr[i] & m))
			return false;
	}
	return true;
}

bool cni_prefix_overlaps(const struct cni_prefix *a, const struct cni_prefix *b)
{
	return cni_prefix_contains(a, &b->ip) || cni_prefix_contains(b, &a->ip);
}

struct cni_ip cni_prefix_last(const struct cni_prefix *p)
{
	struct cni_ip r = p->ip;

	for (int i = 0; i < cni_ip_bytes(&p->ip); i++)
		r.addr[i] |= (uint8_t)~prefix_mask_byte(p->len, i);
	return r;
}
