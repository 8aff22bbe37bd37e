/* Go-compatible IP text (RFC 5952 for IPv6, never the dotted IPv4-compatible form). */
#include "ipam/ip_text.h"

#include <stdio.h>
#include <string.h>

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

const char *ipam_ip_str(const struct cni_ip *ip, char *buf)
{
	if (ip->family == AF_INET6) {
		ipv6_str(ip->addr, buf);
		return buf;
	}
	return cni_ip_str(ip, buf);
}

const char *ipam_prefix_str(const struct cni_prefix *p, char *buf)
{
	size_t n;

	ipam_ip_str(&p->ip, buf);
	n = strlen(buf);
	snprintf(buf + n, CNI_IP_STRLEN - n, "/%d", p->len);
	return buf;
}
