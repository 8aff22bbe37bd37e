/* Builds libiptc entries from struct fw_rule: header, xtables matches and target blobs. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_sctp.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "fw/ipt_entry.h"

/* Room for the header, every match we build (comment is the largest) and the largest target. */
#define ENTRY_MAX 2048

/* The ip header part both families have, filled first and copied into the family's struct. */
struct hdr {
	struct fw_addr_match saddr, daddr;
	char iniface[IFNAMSIZ], outiface[IFNAMSIZ];
	bool inv_in, inv_out;
	uint16_t ctstate; /* -m conntrack --ctstate: XT_CONNTRACK_STATE_* bits, 0 = none */
	bool drop;	  /* -j DROP given as the last condition (the rule's verdict is NONE) */
};

/* "RELATED,ESTABLISHED" as conntrack state bits; 0 for a word this file does not know. */
static uint16_t ctstate_bits(const char *list)
{
	char buf[64], *save = NULL;
	uint16_t bits = 0;

	if (strlen(list) >= sizeof(buf))
		return 0;
	strcpy(buf, list);
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "INVALID"))
			bits |= XT_CONNTRACK_STATE_INVALID;
		else if (!strcmp(w, "ESTABLISHED"))
			bits |= XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED);
		else if (!strcmp(w, "RELATED"))
			bits |= XT_CONNTRACK_STATE_BIT(IP_CT_RELATED);
		else if (!strcmp(w, "NEW"))
			bits |= XT_CONNTRACK_STATE_BIT(IP_CT_NEW);
		else
			return 0;
	}
	return bits;
}

struct blob {
	unsigned char *buf;
	size_t len; /* past the entry header: matches, then the target */
};

static void *put(struct blob *b, const char *name, uint8_t rev, size_t datalen, bool target)
{
	size_t size =
		XT_ALIGN((target ? sizeof(struct xt_entry_target) : sizeof(struct xt_entry_match)) +
			 datalen);
	unsigned char *p = b->buf + b->len;

	/* xt_entry_match and xt_entry_target share their user layout: size, name, revision. */
	struct xt_entry_match *m = (void *)p;
	m->u.user.match_size = size;
	strncpy(m->u.user.name, name, sizeof(m->u.user.name) - 1);
	m->u.user.revision = rev;
	b->len += size;
	return m->data;
}

/*
 * User conditions: "[!] -s|-d ADDR[/LEN]", "[!] -i|-o IFACE", "-m conntrack --ctstate STATES"
 * and a final "-j DROP", into h.
 */
static bool parse_conditions(const struct fw_rule *r, struct hdr *h)
{
	for (size_t i = 0; i < r->n_conditions; i++) {
		const char *opt = r->conditions[i];
		bool neg = false;

		if (i + 3 < r->n_conditions && !strcmp(opt, "-m") &&
		    !strcmp(r->conditions[i + 1], "conntrack") &&
		    !strcmp(r->conditions[i + 2], "--ctstate") && !h->ctstate) {
			h->ctstate = ctstate_bits(r->conditions[i + 3]);
			if (!h->ctstate)
				return false;
			i += 3;
			continue;
		}
		if (i + 2 == r->n_conditions && !strcmp(opt, "-j") &&
		    !strcmp(r->conditions[i + 1], "DROP") && r->verdict == FW_VERDICT_NONE) {
			h->drop = true;
			break;
		}
		if (strcmp(opt, "!") == 0) {
			neg = true;
			if (++i >= r->n_conditions)
				return false;
			opt = r->conditions[i];
		}
		if (++i >= r->n_conditions)
			return false;
		const char *val = r->conditions[i];
		struct fw_addr_match *a = NULL;
		char *ifname = NULL;
		bool *inv = NULL;

		if (!strcmp(opt, "-s") || !strcmp(opt, "--source") || !strcmp(opt, "--src"))
			a = &h->saddr;
		else if (!strcmp(opt, "-d") || !strcmp(opt, "--destination") ||
			 !strcmp(opt, "--dst"))
			a = &h->daddr;
		else if (!strcmp(opt, "-i") || !strcmp(opt, "--in-interface"))
			ifname = h->iniface, inv = &h->inv_in;
		else if (!strcmp(opt, "-o") || !strcmp(opt, "--out-interface"))
			ifname = h->outiface, inv = &h->inv_out;
		else
			return false;
		if (a) {
			struct fw_addr_match m = {.set = true, .negate = neg};

			/* A second address of the same direction would be iptables' error too. */
			if (a->set)
				return false;
			if (!strchr(val, '/')) {
				if (!cni_ip_parse(val, &m.prefix.ip))
					return false;
				m.prefix.len = cni_ip_bytes(&m.prefix.ip) * 8;
			} else if (!cni_prefix_parse(val, &m.prefix)) {
				return false;
			}
			if (m.prefix.ip.family != r->family)
				return false;
			*a = m;
		} else {
			if (ifname[0] || strlen(val) == 0 || strlen(val) >= IFNAMSIZ)
				return false;
			strcpy(ifname, val);
			*inv = neg;
		}
	}
	return true;
}

bool fw_ipt_entry_supported(const struct fw_rule *r, int family)
{
	struct hdr h = {.saddr = r->saddr, .daddr = r->daddr};
	struct fw_rule fr = *r;

	/* A rule may leave its family to the table's (the restore text has none). */
	if ((family != AF_INET && family != AF_INET6) || (r->family && r->family != family))
		return false;
	fr.family = family;
	return parse_conditions(&fr, &h);
}

/* iptables' interface mask: the name and its NUL, or the name without a trailing '+'. */
static void iface(const char *name, char *out, unsigned char *mask)
{
	size_t n = strlen(name);

	if (!n)
		return;
	memcpy(out, name, n);
	memset(mask, 0xff, name[n - 1] == '+' ? n - 1 : n + 1);
}

/* Address and mask, masked as iptables stores them. */
static void addr(const struct fw_addr_match *m, void *a, void *mask)
{
	struct cni_prefix net = cni_prefix_network(&m->prefix);
	struct cni_ip msk = cni_prefix_mask(&m->prefix);
	int n = cni_ip_bytes(&net.ip);

	memcpy(a, net.ip.addr, n);
	memcpy(mask, msk.addr, n);
}

static int add_matches(const struct fw_rule *r, const struct hdr *h, struct blob *b,
		       struct cni_err *err)
{
	if (r->comment) {
		struct xt_comment_info *c = put(b, "comment", 0, sizeof(*c), false);

		if (strlen(r->comment) >= sizeof(c->comment))
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "comment too long");
		strcpy(c->comment, r->comment);
	}
	if (r->n_dports > XT_MULTI_PORTS)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "%zu ports", r->n_dports);
	if (r->n_dports > 0 && !r->l4proto)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "ports without a protocol");
	if (r->n_dports == 1 && !r->multiport) {
		uint16_t p = r->dports[0];

		switch (r->l4proto) {
		case IPPROTO_TCP: {
			struct xt_tcp *t = put(b, "tcp", 0, sizeof(*t), false);

			t->spts[1] = 0xffff;
			t->dpts[0] = t->dpts[1] = p;
			break;
		}
		case IPPROTO_UDP: {
			struct xt_udp *u = put(b, "udp", 0, sizeof(*u), false);

			u->spts[1] = 0xffff;
			u->dpts[0] = u->dpts[1] = p;
			break;
		}
		case IPPROTO_SCTP: {
			struct xt_sctp_info *s = put(b, "sctp", 0, sizeof(*s), false);

			s->spts[1] = 0xffff;
			s->dpts[0] = s->dpts[1] = p;
			s->flags = XT_SCTP_DEST_PORTS;
			break;
		}
		default:
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "protocol %u", r->l4proto);
		}
	} else if (r->n_dports > 0) {
		/* Revision 1, the one iptables picks on any kernel since 2.6.22. */
		struct xt_multiport_v1 *mp = put(b, "multiport", 1, sizeof(*mp), false);

		mp->flags = XT_MULTIPORT_DESTINATION;
		mp->count = r->n_dports;
		memcpy(mp->ports, r->dports, r->n_dports * sizeof(mp->ports[0]));
	}
	if (r->daddr_local) {
		struct xt_addrtype_info_v1 *a = put(b, "addrtype", 1, sizeof(*a), false);

		a->dest = XT_ADDRTYPE_LOCAL;
	}
	if (r->has_mark) {
		struct xt_mark_mtinfo1 *m = put(b, "mark", 1, sizeof(*m), false);

		m->mark = r->mark;
		m->mask = r->mark_mask;
	}
	if (h->ctstate) {
		/* Revision 3, iptables' newest: an older one saves as "[unsupported revision]". */
		struct xt_conntrack_mtinfo3 *ct = put(b, "conntrack", 3, sizeof(*ct), false);

		ct->match_flags = XT_CONNTRACK_STATE;
		ct->state_mask = h->ctstate;
	}
	return 0;
}

static void nat_range(const struct fw_rule *r, struct nf_nat_range2 *nr)
{
	nr->flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	memcpy(&nr->min_addr, r->dnat_ip.addr, cni_ip_bytes(&r->dnat_ip));
	nr->max_addr = nr->min_addr;
	nr->min_proto.all = nr->max_proto.all = htons(r->dnat_port);
}

static int add_target(const struct fw_rule *r, const struct hdr *h, struct blob *b,
		      struct cni_err *err)
{
	const char *std = NULL;

	switch (r->verdict) {
	case FW_VERDICT_NONE:
		std = h->drop ? "DROP" : ""; /* "": libiptc falls through to the next rule */
		break;
	case FW_VERDICT_JUMP:
	case FW_VERDICT_GOTO:
		if (!r->target || strlen(r->target) >= XT_EXTENSION_MAXNAMELEN)
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "jump target");
		std = r->target;
		break;
	case FW_VERDICT_RETURN:
		std = "RETURN";
		break;
	case FW_VERDICT_ACCEPT:
		std = "ACCEPT";
		break;
	case FW_VERDICT_MASQUERADE:
		if (r->family == AF_INET) {
			struct nf_nat_ipv4_multi_range_compat *m =
				put(b, "MASQUERADE", 0, sizeof(*m), true);

			m->rangesize = 1;
		} else {
			put(b, "MASQUERADE", 0, sizeof(struct nf_nat_range), true);
		}
		return 0;
	case FW_VERDICT_DNAT:
		if (r->dnat_ip.family != r->family)
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "DNAT address family");
		/*
		 * Revision 2 (kernels since 4.18): iptables-save prints a revision other than
		 * the newest the kernel has as "[unsupported revision]".
		 */
		nat_range(r, put(b, "DNAT", 2, sizeof(struct nf_nat_range2), true));
		return 0;
	case FW_VERDICT_SET_MARK: {
		struct xt_mark_tginfo2 *m = put(b, "MARK", 2, sizeof(*m), true);

		m->mark = r->set_mark;
		m->mask = r->set_mark_mask;
		return 0;
	}
	}
	if (!std)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "unknown verdict %d", r->verdict);
	/* libiptc maps standard names and chain names to verdicts and offsets itself. */
	put(b, std, 0, sizeof(int), true);
	return 0;
}

static void fill4(struct ipt_entry *e, const struct fw_rule *r, const struct hdr *h)
{
	if (h->saddr.set) {
		addr(&h->saddr, &e->ip.src, &e->ip.smsk);
		e->ip.invflags |= h->saddr.negate ? IPT_INV_SRCIP : 0;
	}
	if (h->daddr.set) {
		addr(&h->daddr, &e->ip.dst, &e->ip.dmsk);
		e->ip.invflags |= h->daddr.negate ? IPT_INV_DSTIP : 0;
	}
	iface(h->iniface, e->ip.iniface, e->ip.iniface_mask);
	iface(h->outiface, e->ip.outiface, e->ip.outiface_mask);
	e->ip.invflags |= (h->inv_in ? IPT_INV_VIA_IN : 0) | (h->inv_out ? IPT_INV_VIA_OUT : 0);
	e->ip.proto = r->l4proto;
	if (r->verdict == FW_VERDICT_GOTO)
		e->ip.flags |= IPT_F_GOTO;
}

static void fill6(struct ip6t_entry *e, const struct fw_rule *r, const struct hdr *h)
{
	if (h->saddr.set) {
		addr(&h->saddr, &e->ipv6.src, &e->ipv6.smsk);
		e->ipv6.invflags |= h->saddr.negate ? IP6T_INV_SRCIP : 0;
	}
	if (h->daddr.set) {
		addr(&h->daddr, &e->ipv6.dst, &e->ipv6.dmsk);
		e->ipv6.invflags |= h->daddr.negate ? IP6T_INV_DSTIP : 0;
	}
	iface(h->iniface, e->ipv6.iniface, e->ipv6.iniface_mask);
	iface(h->outiface, e->ipv6.outiface, e->ipv6.outiface_mask);
	e->ipv6.invflags |= (h->inv_in ? IP6T_INV_VIA_IN : 0) | (h->inv_out ? IP6T_INV_VIA_OUT : 0);
	/* ip6tables marks a protocol match with a flag, ipv4 by a non-zero proto alone. */
	e->ipv6.proto = r->l4proto;
	if (r->l4proto)
		e->ipv6.flags |= IP6T_F_PROTO;
	if (r->verdict == FW_VERDICT_GOTO)
		e->ipv6.flags |= IP6T_F_GOTO;
}

int fw_ipt_entry_build(const struct fw_rule *rule, int family, void **out, struct cni_err *err)
{
	size_t hlen = family == AF_INET6 ? sizeof(struct ip6t_entry) : sizeof(struct ipt_entry);
	struct hdr h = {.saddr = rule->saddr, .daddr = rule->daddr};
	struct fw_rule fr = *rule;
	const struct fw_rule *r = &fr;
	unsigned char *buf;
	struct blob b;
	size_t toff;

	if (!fw_ipt_entry_supported(rule, family))
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "rule not expressible through libiptc");
	fr.family = family;
	if (!parse_conditions(r, &h))
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "rule not expressible through libiptc");
	buf = calloc(1, ENTRY_MAX);
	if (!buf)
		return cni_errf(err, CNI_ERR_IO, ENOMEM, "iptables entry");
	b = (struct blob){.buf = buf + hlen};
	if (add_matches(r, &h, &b, err) < 0)
		goto fail;
	toff = hlen + b.len;
	if (add_target(r, &h, &b, err) < 0)
		goto fail;
	if (r->family == AF_INET6) {
		struct ip6t_entry *e = (void *)buf;

		fill6(e, r, &h);
		e->target_offset = toff;
		e->next_offset = hlen + b.len;
	} else {
		struct ipt_entry *e = (void *)buf;

		fill4(e, r, &h);
		e->target_offset = toff;
		e->next_offset = hlen + b.len;
	}
	*out = buf;
	return 0;
fail:
	free(buf);
	return -1;
}
