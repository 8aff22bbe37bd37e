/* portmap on iptables: the reference's CNI-HOSTPORT-* chains and a CNI-DN-<hash> chain per pod. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fw/fw.h"
#include "fw/names.h"
#include "portmap.h"

#define TABLE		"nat"
#define CHAIN_DNAT	"CNI-HOSTPORT-DNAT"
#define CHAIN_SETMARK	"CNI-HOSTPORT-SETMARK"
#define CHAIN_MARKMASQ	"CNI-HOSTPORT-MASQ"
#define CHAIN_OLD_SNAT	"CNI-HOSTPORT-SNAT"
#define COMMENT_SETMARK "CNI portfwd masquerade mark"
#define COMMENT_MASQ	"CNI portfwd requiring masquerade"

/* `dnat name: "<net>" id: "<id>"`, cut to 255 bytes as the reference's trimComment. */
static void dnat_comment(char out[256], const char *name, const char *id)
{
	char full[1024];

	snprintf(full, sizeof(full), "dnat name: \"%s\" id: \"%s\"", name, id);
	if (strlen(full) > 255)
		snprintf(out, 256, "%.253s...", full);
	else
		snprintf(out, 256, "%s", full);
}

static int ensure_mark_chains(struct fw_tx *tx, const struct portmap_config *c, int family,
			      struct cni_err *err)
{
	uint32_t mark = 1u << c->mark_masq_bit;

	if (fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_SETMARK}, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_MARKMASQ}, err) < 0)
		return -1;
	if (fw_tx_count_rules(tx, CHAIN_SETMARK, COMMENT_SETMARK, false) == 0) {
		struct fw_rule r = {.chain = CHAIN_SETMARK,
				    .family = family,
				    .comment = COMMENT_SETMARK,
				    .verdict = FW_VERDICT_SET_MARK,
				    .set_mark = mark,
				    .set_mark_mask = mark};

		if (fw_tx_add_rule(tx, &r, false, err) < 0)
			return -1;
	}
	if (fw_tx_count_jumps(tx, CHAIN_MARKMASQ, "MASQUERADE", NULL) == 0) {
		struct fw_rule r = {.chain = CHAIN_MARKMASQ,
				    .family = family,
				    .has_mark = true,
				    .mark = mark,
				    .mark_mask = mark,
				    .verdict = FW_VERDICT_MASQUERADE};

		if (fw_tx_add_rule(tx, &r, false, err) < 0)
			return -1;
	}
	if (fw_tx_count_jumps(tx, "POSTROUTING", CHAIN_MARKMASQ, NULL) == 0) {
		struct fw_rule r = {.chain = "POSTROUTING",
				    .family = family,
				    .comment = COMMENT_MASQ,
				    .verdict = FW_VERDICT_JUMP,
				    .target = CHAIN_MARKMASQ};

		if (fw_tx_add_rule(tx, &r, true, err) < 0)
			return -1;
	}
	return 0;
}

static int ensure_toplevel(struct fw_tx *tx, int family, struct cni_err *err)
{
	static const char *const entries[] = {"PREROUTING", "OUTPUT"};

	if (fw_tx_ensure_chain(tx, &(struct fw_chain){.name = CHAIN_DNAT}, err) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		struct fw_rule r = {.chain = entries[i],
				    .family = family,
				    .daddr_local = true,
				    .verdict = FW_VERDICT_JUMP,
				    .target = CHAIN_DNAT};

		if (fw_tx_count_jumps(tx, entries[i], CHAIN_DNAT, NULL) == 0 &&
		    fw_tx_add_rule(tx, &r, false, err) < 0)
			return -1;
	}
	return 0;
}

static bool mapping_applies(const struct portmap_mapping *m, int family, bool *use_host_ip)
{
	static const uint8_t zero[16];

	*use_host_ip = false;
	if (!m->host_ip.family)
		return true;
	if (m->host_ip.family != family)
		return false;
	*use_host_ip = memcmp(m->host_ip.addr, zero, cni_ip_bytes(&m->host_ip)) != 0;
	return true;
}

/* The rules inside CNI-DN-<hash>: mark for masquerade (hairpin, localhost), then DNAT. */
static int add_dn_rules(struct fw_tx *tx, const struct portmap_config *c, const char *dn,
			const struct cni_prefix *cont, size_t *count, struct cni_err *err)
{
	int family = cont->ip.family, full = cni_ip_bytes(&cont->ip) * 8;
	const char *setmark =
		c->external_set_mark_chain ? c->external_set_mark_chain : CHAIN_SETMARK;

	for (size_t i = 0; i < c->n_mappings; i++) {
		const struct portmap_mapping *m = &c->mappings[i];
		bool use_host_ip;
		struct fw_rule base = {.chain = dn,
				       .family = family,
				       .l4proto = m->protocol,
				       .dports = {m->host_port},
				       .n_dports = 1};

		if (!mapping_applies(m, family, &use_host_ip))
			continue;
		if (use_host_ip)
			base.daddr = (struct fw_addr_match){
				.set = true, .prefix = {.ip = m->host_ip, .len = full}};
		if (c->snat) {
			struct fw_rule hp = base;

			hp.saddr = (struct fw_addr_match){.set = true, .prefix = *cont};
			if (c->masq_all)
				hp.saddr.prefix = (struct cni_prefix){.ip = {.family = family}};
			hp.verdict = FW_VERDICT_JUMP;
			hp.target = setmark;
			if (fw_tx_add_rule(tx, &hp, false, err) < 0)
				return -1;
			(*count)++;
			if (family == AF_INET && !c->masq_all) {
				struct fw_rule lo = hp;

				lo.saddr.prefix = (struct cni_prefix){
					.ip = {.family = AF_INET, .addr = {127, 0, 0, 1}},
					.len = 32};
				if (fw_tx_add_rule(tx, &lo, false, err) < 0)
					return -1;
				(*count)++;
			}
		}
		base.verdict = FW_VERDICT_DNAT;
		base.dnat_ip = cont->ip;
		base.dnat_port = m->container_port;
		if (fw_tx_add_rule(tx, &base, false, err) < 0)
			return -1;
		(*count)++;
	}
	return 0;
}

static int proto_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The jumps from CNI-HOSTPORT-DNAT: per protocol (sorted by name), 15 ports per multiport rule. */
static int add_dn_entries(struct fw_tx *tx, const struct portmap_config *c, const char *dn,
			  int family, size_t *count, struct cni_err *err)
{
	const char *protos[3] = {"sctp", "tcp", "udp"};
	char comment[256];

	qsort(protos, 3, sizeof(protos[0]), proto_cmp);
	dnat_comment(comment, c->name, c->container_id);
	for (size_t p = 0; p < 3; p++) {
		struct fw_rule r = {
			.chain = CHAIN_DNAT,
			.family = family,
			.comment = comment,
			.multiport = true,
			.conditions = family == AF_INET ? c->conditions_v4 : c->conditions_v6,
			.n_conditions = family == AF_INET ? c->n_conditions_v4 : c->n_conditions_v6,
			.verdict = FW_VERDICT_JUMP,
			.target = dn};

		/* The reference groups every mapping, whatever its hostIP family. */
		for (size_t i = 0; i <= c->n_mappings; i++) {
			bool flush = i == c->n_mappings || r.n_dports == 15;

			if (flush && r.n_dports) {
				if (fw_tx_add_rule(tx, &r, false, err) < 0)
					return -1;
				(*count)++;
				r.n_dports = 0;
			}
			if (i == c->n_mappings)
				break;
			if (strcmp(c->mappings[i].protocol_name, protos[p]) != 0)
				continue;
			r.l4proto = c->mappings[i].protocol;
			r.dports[r.n_dports++] = c->mappings[i].host_port;
		}
	}
	return 0;
}

static int ipt_forward(const struct portmap_config *c, const struct cni_prefix *cont,
		       struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	int family = cont->ip.family;
	char dn[32];
	size_t n = 0;

	fw_chain_name(dn, c->name, c->container_id, "DN-");
	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0)
		return -1;
	if (c->snat && !c->external_set_mark_chain && ensure_mark_chains(tx, c, family, err) < 0)
		return -1;
	if (ensure_toplevel(tx, family, err) < 0)
		return -1;
	/* The pod's chain is rewritten whole, so a repeated ADD is idempotent. */
	if (fw_tx_delete_jumps(tx, CHAIN_DNAT, dn, NULL, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = dn}, err) < 0 ||
	    fw_tx_flush_chain(tx, dn, err) < 0 || add_dn_rules(tx, c, dn, cont, &n, err) < 0 ||
	    add_dn_entries(tx, c, dn, family, &n, err) < 0)
		return -1;
	if (fw_tx_commit(tx, err) < 0)
		return cni_err_wrap(err, "unable to setup DNAT");
	return 0;
}

static int ipt_check(const struct portmap_config *c, const struct cni_prefix *cont,
		     struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	int family = cont->ip.family;
	char dn[32], comment[256];
	size_t entries = 0, dnats = 0;

	fw_chain_name(dn, c->name, c->container_id, "DN-");
	dnat_comment(comment, c->name, c->container_id);
	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0)
		return -1;
	if (!fw_tx_chain_exists(tx, dn))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"chain %s not found in iptables table %s", dn, TABLE);
	for (size_t i = 0; i < c->n_mappings; i++) {
		bool use_host_ip;

		if (mapping_applies(&c->mappings[i], family, &use_host_ip))
			dnats++;
	}
	/* What ADD would write is queued here only to be counted; tx is never committed. */
	if (add_dn_entries(tx, c, dn, family, &entries, err) < 0)
		return -1;
	if (fw_tx_count_jumps(tx, CHAIN_DNAT, dn, comment) < entries)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"rule in chain %s not found in table %s", CHAIN_DNAT, TABLE);
	if (fw_tx_count_jumps(tx, dn, "DNAT", NULL) < dnats)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"rule in chain %s not found in table %s", dn, TABLE);
	return 0;
}

/* Remove one pod's chains (ours and the pre-1.0 SNAT chain) from one family. */
static int ipt_remove(struct fw_tx *tx, const char *name, const char *id, struct cni_err *err)
{
	char dn[32], sn[32];

	fw_chain_name(dn, name, id, "DN-");
	fw_chain_name(sn, name, id, "SN-");
	if (fw_tx_delete_jumps(tx, CHAIN_DNAT, dn, NULL, err) < 0 ||
	    fw_tx_delete_chain(tx, dn, err) < 0 ||
	    fw_tx_delete_jumps(tx, CHAIN_OLD_SNAT, sn, NULL, err) < 0 ||
	    fw_tx_delete_chain(tx, sn, err) < 0)
		return -1;
	return 0;
}

static int ipt_unforward(const struct portmap_config *c, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};

	for (size_t i = 0; i < 2; i++) {
		_cleanup_fw_tx_ struct fw_tx *tx = NULL;

		if (fw_tx_open(FW_BACKEND_IPTABLES, families[i], TABLE, &tx, err) < 0 ||
		    ipt_remove(tx, c->name, c->container_id, err) < 0 || fw_tx_commit(tx, err) < 0)
			return cni_err_wrap(err, "could not teardown %s dnat",
					    families[i] == AF_INET ? "ipv4" : "ipv6");
	}
	return 0;
}

/* The entry comments name the network and the pod: remove the pods not in the valid list. */
static int ipt_gc(const struct portmap_config *c, const struct cni_request *req,
		  struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};
	char prefix[512];

	snprintf(prefix, sizeof(prefix), "dnat name: \"%s\" id: \"", c->name);
	for (size_t f = 0; f < 2; f++) {
		_cleanup_fw_tx_ struct fw_tx *tx = NULL;
		char **comments = NULL;
		size_t n = 0;

		if (fw_tx_open(FW_BACKEND_IPTABLES, families[f], TABLE, &tx, err) < 0 ||
		    fw_tx_comments(tx, CHAIN_DNAT, prefix, &comments, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n; i++) {
			char *id = comments[i] + strlen(prefix);
			char *end = strrchr(id, '"');

			if (!end)
				continue;
			*end = '\0';
			if (!portmap_container_is_valid(req, id) &&
			    ipt_remove(tx, c->name, id, err) < 0)
				break;
		}
		fw_strings_free(comments, n);
		if (cni_err_is_set(err) || fw_tx_commit(tx, err) < 0)
			return -1;
	}
	return 0;
}

const struct portmap_backend portmap_iptables = {
	.forward = ipt_forward,
	.check = ipt_check,
	.unforward = ipt_unforward,
	.gc = ipt_gc,
};
