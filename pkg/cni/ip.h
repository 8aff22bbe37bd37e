/* IP addresses and prefixes as plain values: parsing, printing and arithmetic. */
#ifndef CNI_IP_H
#define CNI_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Big enough for any IPv6 prefix text, "ffff:...:ffff/128". */
#define CNI_IP_STRLEN 64

struct cni_ip {
	int family;	  /* AF_INET, AF_INET6, or 0 when unset */
	uint8_t addr[16]; /* network byte order; IPv4 uses the first 4 bytes */
};

struct cni_prefix {
	struct cni_ip ip; /* not necessarily masked: "10.1.2.3/24" keeps .3 */
	int len;
};

static inline int cni_ip_bytes(const struct cni_ip *ip)
{
	return ip->family == AF_INET6 ? 16 : 4;
}

static inline bool cni_ip_is_set(const struct cni_ip *ip)
{
	return ip->family != 0;
}

/* Parse "10.0.0.1" or "fd00::1". IPv4-mapped IPv6 is taken as IPv4, as Go's net.ParseIP does. */
bool cni_ip_parse(const char *s, struct cni_ip *ip);
/* Parse "10.0.0.1" or "10.0.0.1/24", keeping the address part, as Go's ip.IP text does. */
bool cni_ip_parse_with_optional_len(const char *s, struct cni_ip *ip);
/* Parse "10.0.0.1/24". */
bool cni_prefix_parse(const char *s, struct cni_prefix *p);
/* Format into buf (at least CNI_IP_STRLEN); returns buf. */
const char *cni_ip_str(const struct cni_ip *ip, char *buf);
const char *cni_prefix_str(const struct cni_prefix *p, char *buf);

bool cni_ip_equal(const struct cni_ip *a, const struct cni_ip *b);
/* Order within one family; addresses of different families order IPv4 first. */
int cni_ip_cmp(const struct cni_ip *a, const struct cni_ip *b);
/* a + delta, wrapping within the family; delta may be negative. */
struct cni_ip cni_ip_add(const struct cni_ip *a, int64_t delta);

/* The prefix with host bits cleared. */
struct cni_prefix cni_prefix_network(const struct cni_prefix *p);
bool cni_prefix_contains(const struct cni_prefix *p, const struct cni_ip *ip);
bool cni_prefix_overlaps(const struct cni_prefix *a, const struct cni_prefix *b);
/* The last address of the prefix (broadcast for IPv4). */
struct cni_ip cni_prefix_last(const struct cni_prefix *p);
/* The netmask as an address ("255.255.255.0"). */
struct cni_ip cni_prefix_mask(const struct cni_prefix *p);

#endif
