/* A struct fw_rule as an iptables-restore line, in the order iptables itself prints options. */
#include <netinet/in.h>
#include <string.h>

#include "fw/ipt_text.h"

/* iptables-restore reads double-quoted words with backslash escapes. */
static void put_word(FILE *f, const char *w)
{
	fputs(" \"", f);
	for (; *w; w++) {
		if (*w == '"' || *w == '\\')
			fputc('\\', f);
		fputc(*w, f);
	}
	fputc('"', f);
}

static void put_addr(FILE *f, const char *opt, const struct fw_addr_match *m)
{
	char buf[CNI_IP_STRLEN];

	if (!m->set)
		return;
	fprintf(f, "%s %s %s", m->negate ? " !" : "", opt, cni_prefix_str(&m->prefix, buf));
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_SCTP:
		return "sctp";
	}
	return NULL;
}

static int put_target(FILE *f, const struct fw_rule *r, struct cni_err *err)
{
	char ip[CNI_IP_STRLEN];

	switch (r->verdict) {
	case FW_VERDICT_NONE:
		return 0;
	case FW_VERDICT_JUMP:
		fprintf(f, " -j %s", r->target);
		return 0;
	case FW_VERDICT_GOTO:
		fprintf(f, " -g %s", r->target);
		return 0;
	case FW_VERDICT_RETURN:
		fputs(" -j RETURN", f);
		return 0;
	case FW_VERDICT_ACCEPT:
		fputs(" -j ACCEPT", f);
		return 0;
	case FW_VERDICT_MASQUERADE:
		fputs(" -j MASQUERADE", f);
		return 0;
	case FW_VERDICT_DNAT:
		cni_ip_str(&r->dnat_ip, ip);
		if (r->dnat_ip.family == AF_INET6)
			fprintf(f, " -j DNAT --to-destination [%s]:%u", ip, r->dnat_port);
		else
			fprintf(f, " -j DNAT --to-destination %s:%u", ip, r->dnat_port);
		return 0;
	case FW_VERDICT_SET_MARK:
		fprintf(f, " -j MARK --set-xmark %#x/%#x", r->set_mark, r->set_mark_mask);
		return 0;
	}
	return cni_errf(err, CNI_ERR_INTERNAL, 0, "unknown verdict %d", r->verdict);
}

int fw_ipt_rule_text(FILE *f, const struct fw_rule *r, bool prepend, struct cni_err *err)
{
	const char *proto = proto_name(r->l4proto);

	if (r->l4proto && !proto)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "protocol %u", r->l4proto);
	fprintf(f, prepend ? "-I %s 1" : "-A %s", r->chain);
	put_addr(f, "-s", &r->saddr);
	put_addr(f, "-d", &r->daddr);
	if (proto)
		fprintf(f, " -p %s", proto);
	if (r->comment) {
		fputs(" -m comment --comment", f);
		put_word(f, r->comment);
	}
	if (r->n_dports == 1 && !r->multiport) {
		fprintf(f, " -m %s --dport %u", proto, r->dports[0]);
	} else if (r->n_dports > 0) {
		fputs(" -m multiport --dports ", f);
		for (size_t i = 0; i < r->n_dports; i++)
			fprintf(f, "%s%u", i ? "," : "", r->dports[i]);
	}
	if (r->daddr_local)
		fputs(" -m addrtype --dst-type LOCAL", f);
	if (r->has_mark)
		fprintf(f, " -m mark --mark %#x/%#x", r->mark, r->mark_mask);
	/* The user's conditions are iptables words already; each stays one word. */
	for (size_t i = 0; i < r->n_conditions; i++)
		put_word(f, r->conditions[i]);
	if (put_target(f, r, err) < 0)
		return -1;
	fputc('\n', f);
	return 0;
}
