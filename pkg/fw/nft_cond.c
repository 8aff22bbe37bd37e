/* User nftables conditions (portmap's conditionsV4/V6) parsed into typed matches, no libnftnl. */
#include "fw/nft_cond.h"

/* Before the linux headers, which otherwise define struct in_addr a second time. */
#include <netinet/in.h>

#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cni/cleanup.h"
#include "cni/ip.h"

/* nft's datatype numbers (nftables' include/datatype.h), so that `nft list` prints our sets. */
#define TYPE_IPADDR	   7
#define TYPE_IP6ADDR	   8
#define TYPE_INET_PROTOCOL 12
#define TYPE_INET_SERVICE  13
#define TYPE_FIB_ADDR	   38
#define TYPE_IFNAME	   41

#define SUPPORTED                                                                                  \
	"supported: ip/ip6 saddr|daddr, [meta] iifname|oifname, meta l4proto, "                    \
	"tcp|udp|sctp dport|sport, fib saddr|daddr type; each with an optional == or != "          \
	"and a value, range or { set }"

struct token {
	const char *s;
	bool quoted;
};

struct parser {
	struct token *t;
	size_t n, i;
	int family;
	struct cni_err *err;
};

/* Words joined with spaces, split into words, `{`, `}`, `,` and "quoted strings". */
static int tokenize(const char *const *words, size_t n_words, char **text, struct token **out,
		    size_t *n_out, struct cni_err *err)
{
	size_t total = 1, n = 0;
	char *p, *w;
	struct token *t;

	for (size_t i = 0; i < n_words; i++)
		total += strlen(words[i]) + 1;
	/* Each token needs its own NUL: at most one extra byte per input byte. */
	*text = p = calloc(2, total);
	*out = t = calloc(total, sizeof(*t));
	if (!p || !t)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables conditions");
	for (size_t i = 0; i < n_words; i++) {
		for (const char *s = words[i]; *s;) {
			if (*s == ' ' || *s == '\t' || *s == '\n') {
				s++;
			} else if (*s == '{' || *s == '}' || *s == ',') {
				t[n++] = (struct token){.s = p};
				*p++ = *s++;
				*p++ = '\0';
			} else if (*s == '"') {
				const char *end = strchr(s + 1, '"');

				if (!end)
					return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
							"unterminated string in nftables "
							"condition: %s",
							s);
				t[n++] = (struct token){.s = p, .quoted = true};
				memcpy(p, s + 1, (size_t)(end - s - 1));
				p += end - s - 1;
				*p++ = '\0';
				s = end + 1;
			} else {
				w = p;
				while (*s && !strchr(" \t\n{},\"", *s))
					*p++ = *s++;
				*p++ = '\0';
				t[n++] = (struct token){.s = w};
			}
		}
	}
	*n_out = n;
	return 0;
}

static const char *peek(const struct parser *ps)
{
	return ps->i < ps->n ? ps->t[ps->i].s : NULL;
}

static bool accept_word(struct parser *ps, const char *w)
{
	if (ps->i < ps->n && !ps->t[ps->i].quoted && strcmp(ps->t[ps->i].s, w) == 0) {
		ps->i++;
		return true;
	}
	return false;
}

static int unsupported(struct parser *ps, const char *what)
{
	const char *tok = peek(ps);

	if (!tok)
		cni_errf(ps->err, CNI_ERR_INVALID_CONFIG, 0,
			 "nftables condition ends early: %s expected", what);
	else
		cni_errf(ps->err, CNI_ERR_INVALID_CONFIG, 0,
			 "unsupported nftables condition \"%s\": %s expected", tok, what);
	return cni_err_details(ps->err, SUPPORTED);
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void put_be(uint8_t *b, uint32_t len, uint32_t v)
{
	for (uint32_t i = 0; i < len; i++)
		b[len - 1 - i] = (uint8_t)(v >> (8 * i));
}

/* "A", "A/LEN" or "A-B" of the rule's family. */
static bool value_addr(const char *s, int family, struct fw_nft_elem *e)
{
	char buf[CNI_IP_STRLEN * 2 + 2];
	const char *dash = strchr(s, '-');
	struct cni_prefix p = {0};
	struct cni_ip a, b;
	int bytes = family == AF_INET6 ? 16 : 4;

	if (strlen(s) >= sizeof(buf))
		return false;
	if (dash) {
		memcpy(buf, s, (size_t)(dash - s));
		buf[dash - s] = '\0';
		if (!cni_ip_parse(buf, &a) || !cni_ip_parse(dash + 1, &b) || a.family != family ||
		    b.family != family || cni_ip_cmp(&a, &b) > 0)
			return false;
		memcpy(e->lo, a.addr, bytes);
		memcpy(e->hi, b.addr, bytes);
		e->prefix_bits = -1;
		return true;
	}
	if (strchr(s, '/')) {
		if (!cni_prefix_parse(s, &p))
			return false;
	} else if (cni_ip_parse(s, &p.ip)) {
		p.len = bytes * 8;
	} else {
		return false;
	}
	if (p.ip.family != family)
		return false;
	a = cni_prefix_network(&p).ip;
	b = cni_prefix_last(&p);
	memcpy(e->lo, a.addr, bytes);
	memcpy(e->hi, b.addr, bytes);
	e->prefix_bits = p.len;
	return true;
}

/* An interface name as nft compares it: 16 bytes zero-padded, "eth*" a prefix. */
static bool value_ifname(const char *s, struct fw_nft_elem *e)
{
	size_t l = strlen(s);
	bool wild = l > 0 && s[l - 1] == '*';

	if (wild)
		l--;
	if (l >= 16 || l == 0 || memchr(s, '*', l))
		return false;
	memcpy(e->lo, s, l);
	memcpy(e->hi, s, l);
	if (wild) {
		memset(e->hi + l, 0xff, 16 - l);
		e->prefix_bits = (int)l * 8;
	} else {
		e->prefix_bits = 16 * 8;
	}
	return true;
}

static bool value_l4proto(const char *s, struct fw_nft_elem *e)
{
	static const struct {
		const char *name;
		uint8_t num;
	} names[] = {{"tcp", IPPROTO_TCP},	   {"udp", IPPROTO_UDP},
		     {"sctp", IPPROTO_SCTP},	   {"icmp", IPPROTO_ICMP},
		     {"icmpv6", IPPROTO_ICMPV6},   {"ipv6-icmp", IPPROTO_ICMPV6},
		     {"udplite", IPPROTO_UDPLITE}, {"gre", IPPROTO_GRE},
		     {"esp", IPPROTO_ESP},	   {"ah", IPPROTO_AH}};
	uint32_t v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			e->lo[0] = e->hi[0] = names[i].num;
			e->prefix_bits = 8;
			return true;
		}
	if (!parse_u32(s, 255, &v))
		return false;
	e->lo[0] = e->hi[0] = (uint8_t)v;
	e->prefix_bits = 8;
	return true;
}

/* "80" or "1000-2000", numbers only (nft's service names depend on the node's /etc/services). */
static bool value_port(const char *s, struct fw_nft_elem *e)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	uint32_t lo, hi;

	if (strlen(s) >= sizeof(buf))
		return false;
	if (dash) {
		memcpy(buf, s, (size_t)(dash - s));
		buf[dash - s] = '\0';
		if (!parse_u32(buf, 65535, &lo) || !parse_u32(dash + 1, 65535, &hi) || lo > hi)
			return false;
	} else if (parse_u32(s, 65535, &lo)) {
		hi = lo;
	} else {
		return false;
	}
	put_be(e->lo, 2, lo);
	put_be(e->hi, 2, hi);
	e->prefix_bits = lo == hi ? 16 : -1;
	return true;
}

/* fib's address type is the kernel's RTN_* number, in host order as the register holds it. */
static bool value_fib_type(const char *s, struct fw_nft_elem *e)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "unspec",       [RTN_UNICAST] = "unicast",
		[RTN_LOCAL] = "local",	       [RTN_BROADCAST] = "broadcast",
		[RTN_ANYCAST] = "anycast",     [RTN_MULTICAST] = "multicast",
		[RTN_BLACKHOLE] = "blackhole", [RTN_UNREACHABLE] = "unreachable",
		[RTN_PROHIBIT] = "prohibit"};

	for (uint32_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			memcpy(e->lo, &i, 4);
			memcpy(e->hi, &i, 4);
			e->prefix_bits = 32;
			return true;
		}
	return false;
}

enum value_kind {
	V_ADDR,
	V_IFNAME,
	V_L4PROTO,
	V_PORT,
	V_FIB
};

static bool parse_one(const struct parser *ps, enum value_kind k, const char *s,
		      struct fw_nft_elem *e)
{
	memset(e, 0, sizeof(*e));
	switch (k) {
	case V_ADDR:
		return value_addr(s, ps->family, e);
	case V_IFNAME:
		return value_ifname(s, e);
	case V_L4PROTO:
		return value_l4proto(s, e);
	case V_PORT:
		return value_port(s, e);
	case V_FIB:
		return value_fib_type(s, e);
	}
	return false;
}

static const char *const value_names[] = {
	[V_ADDR] = "an address, prefix or range of the rule's family",
	[V_IFNAME] = "an interface name (at most 15 bytes, \"prefix*\" allowed)",
	[V_L4PROTO] = "a protocol name or number",
	[V_PORT] = "a port number or range",
	[V_FIB] = "an address type (local, unicast, broadcast, multicast...)",
};

static int parse_value(struct parser *ps, enum value_kind k, struct fw_nft_cond *c)
{
	const char *s = peek(ps);

	if (!s || (!ps->t[ps->i].quoted && strchr("{},", s[0])))
		return unsupported(ps, value_names[k]);
	if (c->n_elems == FW_NFT_COND_MAX_ELEMS)
		return cni_errf(ps->err, CNI_ERR_INVALID_CONFIG, 0,
				"nftables condition: more than %d set elements",
				FW_NFT_COND_MAX_ELEMS);
	if (!parse_one(ps, k, s, &c->elems[c->n_elems]))
		return unsupported(ps, value_names[k]);
	c->n_elems++;
	ps->i++;
	return 0;
}

/* [== | != | eq | ne] then a value or { value, ... }; other comparisons (<, >=) are refused. */
static int parse_rhs(struct parser *ps, enum value_kind k, struct fw_nft_cond *c)
{
	if (accept_word(ps, "!=") || accept_word(ps, "ne"))
		c->negate = true;
	else if (!accept_word(ps, "=="))
		accept_word(ps, "eq");
	if (!accept_word(ps, "{"))
		return parse_value(ps, k, c);
	while (!accept_word(ps, "}")) {
		if (parse_value(ps, k, c) < 0)
			return -1;
		if (accept_word(ps, ","))
			continue;
		if (accept_word(ps, "}"))
			break;
		return unsupported(ps, "\",\" or \"}\"");
	}
	if (!c->n_elems)
		return cni_errf(ps->err, CNI_ERR_INVALID_CONFIG, 0,
				"nftables condition: empty set");
	return 0;
}

static int parse_addr(struct parser *ps, int fam, struct fw_nft_cond *c)
{
	bool v6 = fam == AF_INET6;
	const char *sel = ps->t[ps->i - 1].s;

	if (fam != ps->family)
		return cni_errf(ps->err, CNI_ERR_INVALID_CONFIG, 0,
				"nftables condition \"%s\" matches %s, in an %s rule", sel,
				v6 ? "IPv6" : "IPv4", v6 ? "IPv4" : "IPv6");
	c->load = FW_NFT_LOAD_PAYLOAD;
	c->key = NFT_PAYLOAD_NETWORK_HEADER;
	c->len = v6 ? 16 : 4;
	c->nfproto = v6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	c->set_type = v6 ? TYPE_IP6ADDR : TYPE_IPADDR;
	if (accept_word(ps, "saddr"))
		c->offset = v6 ? 8 : 12;
	else if (accept_word(ps, "daddr"))
		c->offset = v6 ? 24 : 16;
	else
		return unsupported(ps, "saddr or daddr");
	return parse_rhs(ps, V_ADDR, c);
}

static int parse_ifname(struct parser *ps, bool in, struct fw_nft_cond *c)
{
	c->load = FW_NFT_LOAD_META;
	c->key = in ? NFT_META_IIFNAME : NFT_META_OIFNAME;
	c->len = 16;
	c->is_string = true;
	c->set_type = TYPE_IFNAME;
	return parse_rhs(ps, V_IFNAME, c);
}

static int parse_ports(struct parser *ps, uint8_t proto, struct fw_nft_cond *c)
{
	c->load = FW_NFT_LOAD_PAYLOAD;
	c->key = NFT_PAYLOAD_TRANSPORT_HEADER;
	c->len = 2;
	c->l4proto = proto;
	c->set_type = TYPE_INET_SERVICE;
	if (accept_word(ps, "sport"))
		c->offset = 0;
	else if (accept_word(ps, "dport"))
		c->offset = 2;
	else
		return unsupported(ps, "dport or sport");
	return parse_rhs(ps, V_PORT, c);
}

static int parse_fib(struct parser *ps, struct fw_nft_cond *c)
{
	c->load = FW_NFT_LOAD_FIB;
	c->len = 4;
	c->set_type = TYPE_FIB_ADDR;
	if (accept_word(ps, "saddr"))
		c->key = NFTA_FIB_F_SADDR;
	else if (accept_word(ps, "daddr"))
		c->key = NFTA_FIB_F_DADDR;
	else
		return unsupported(ps, "saddr or daddr");
	if (!accept_word(ps, "type"))
		return unsupported(ps, "\"type\"");
	return parse_rhs(ps, V_FIB, c);
}

static int parse_cond(struct parser *ps, struct fw_nft_cond *c)
{
	bool meta = accept_word(ps, "meta");

	if (accept_word(ps, "iifname"))
		return parse_ifname(ps, true, c);
	if (accept_word(ps, "oifname"))
		return parse_ifname(ps, false, c);
	if (meta) {
		if (!accept_word(ps, "l4proto"))
			return unsupported(ps, "iifname, oifname or l4proto after \"meta\"");
		c->load = FW_NFT_LOAD_META;
		c->key = NFT_META_L4PROTO;
		c->len = 1;
		c->set_type = TYPE_INET_PROTOCOL;
		return parse_rhs(ps, V_L4PROTO, c);
	}
	if (accept_word(ps, "ip"))
		return parse_addr(ps, AF_INET, c);
	if (accept_word(ps, "ip6"))
		return parse_addr(ps, AF_INET6, c);
	if (accept_word(ps, "tcp"))
		return parse_ports(ps, IPPROTO_TCP, c);
	if (accept_word(ps, "udp"))
		return parse_ports(ps, IPPROTO_UDP, c);
	if (accept_word(ps, "sctp"))
		return parse_ports(ps, IPPROTO_SCTP, c);
	if (accept_word(ps, "fib"))
		return parse_fib(ps, c);
	return unsupported(ps, "a match");
}

int fw_nft_cond_parse(const char *const *words, size_t n_words, int family,
		      struct fw_nft_cond **out, size_t *n_out, struct cni_err *err)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ struct token *tokens = NULL;
	struct parser ps = {.family = family, .err = err};
	struct fw_nft_cond *conds = NULL;
	size_t n = 0;

	*out = NULL;
	*n_out = 0;
	if (!n_words)
		return 0;
	if (tokenize(words, n_words, &text, &tokens, &ps.n, err) < 0)
		return -1;
	ps.t = tokens;
	while (ps.i < ps.n) {
		struct fw_nft_cond *grown = realloc(conds, (n + 1) * sizeof(*conds));

		if (!grown) {
			free(conds);
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "nftables conditions");
		}
		conds = grown;
		memset(&conds[n], 0, sizeof(conds[n]));
		if (parse_cond(&ps, &conds[n]) < 0) {
			free(conds);
			return -1;
		}
		n++;
	}
	*out = conds;
	*n_out = n;
	return 0;
}
