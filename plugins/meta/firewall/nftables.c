/* The nftables backend (not in the reference): its CNI-FORWARD layout in table inet cni_firewall.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewall.h"
#include "fw/fw.h"
#include "fw/nft_filter.h"
#include "fw/rule_facts.h"

/*
 * table inet cni_firewall
 *   chain forward { type filter hook forward priority filter; policy accept; }
 *     jump CNI-ISOLATION-STAGE-1      (when an ingressPolicy is used)
 *     jump CNI-FORWARD                comment "CNI firewall plugin rules"
 *   chain CNI-FORWARD
 *     jump CNI-ADMIN                  comment "CNI firewall plugin admin overrides"
 *     ip daddr IP ct state established,related accept   comment "<owner>"
 *     ip saddr IP accept                                 comment "<owner>"
 *   chain CNI-ADMIN                   (the admin's own rules)
 *   chain CNI-ISOLATION-STAGE-1/2     (as the iptables backend, iifname/oifname)
 * Every per-address rule names its owner, so DEL needs no prevResult and GC finds stale ones.
 * An accept here does not override another table's drop (iptables' FORWARD policy, say): on
 * such a node use the iptables backend.
 */
#define TABLE	      "cni_firewall"
#define TABLE_COMMENT "CNI firewall plugin"
#define BASE_CHAIN    "forward"

static struct fw_addr_match addr(const struct cni_prefix *p)
{
	return (struct fw_addr_match){.set = true, .prefix = *p};
}

struct nft_iso {
	const char *chain, *in, *out;
	bool out_negate;
	enum fw_filter_verdict verdict;
	const char *target, *comment;
};

static bool iso_exists(const struct fw_rule_facts *facts, size_t n, const struct nft_iso *r)
{
	static const char *const names[] = {[FW_FILTER_ACCEPT] = "ACCEPT",
					    [FW_FILTER_DROP] = "DROP",
					    [FW_FILTER_RETURN] = "RETURN"};
	const char *target = r->verdict == FW_FILTER_JUMP ? r->target : names[r->verdict];

	for (size_t i = 0; i < n; i++) {
		const struct fw_rule_facts *f = &facts[i];

		if (strcmp(f->chain, r->chain) == 0 && f->target &&
		    strcmp(f->target, target) == 0 && f->comment &&
		    strcmp(f->comment, r->comment) == 0 &&
		    strcmp(f->iniface, r->in ? r->in : "") == 0 &&
		    strcmp(f->outiface, r->out ? r->out : "") == 0 &&
		    f->outiface_negate == r->out_negate)
			return true;
	}
	return false;
}

static int iso_add(struct fw_filter_batch *b, const struct fw_rule_facts *facts, size_t n,
		   const struct nft_iso *r, bool prepend, struct cni_err *err)
{
	if (iso_exists(facts, n, r))
		return 0;
	return fw_filter_add_rule(b,
				  &(struct fw_filter_rule){.chain = r->chain,
							   .iifname = r->in,
							   .oifname = r->out,
							   .oifname_negate = r->out_negate,
							   .verdict = r->verdict,
							   .target = r->target,
							   .comment = r->comment},
				  prepend, err);
}

static int isolation(struct fw_filter_batch *b, const struct firewall_config *c,
		     const struct fw_rule_facts *facts, size_t n, struct cni_err *err)
{
	const char *policy = firewall_policy_comment(c->ingress), *br = c->bridge;
	const struct nft_iso r[] = {
		{BASE_CHAIN, NULL, NULL, false, FW_FILTER_JUMP, FIREWALL_STAGE1,
		 FIREWALL_POLICY_DEFAULT},
		{FIREWALL_STAGE1, br, br, true, FW_FILTER_JUMP, FIREWALL_STAGE2, policy},
		{FIREWALL_STAGE1, br, br, false, FW_FILTER_DROP, NULL, policy},
		{FIREWALL_STAGE1, NULL, NULL, false, FW_FILTER_RETURN, NULL,
		 FIREWALL_POLICY_DEFAULT},
		{FIREWALL_STAGE2, NULL, br, false, FW_FILTER_DROP, NULL, FIREWALL_POLICY_DEFAULT},
		{FIREWALL_STAGE2, NULL, NULL, false, FW_FILTER_RETURN, NULL,
		 FIREWALL_POLICY_DEFAULT},
	};

	if (fw_filter_ensure_chain(b, FIREWALL_STAGE1, false, 0, err) < 0 ||
	    fw_filter_ensure_chain(b, FIREWALL_STAGE2, false, 0, err) < 0)
		return -1;
	if (iso_add(b, facts, n, &r[0], true, err) < 0 ||
	    iso_add(b, facts, n, &r[1], true, err) < 0 ||
	    (c->ingress == INGRESS_ISOLATED && iso_add(b, facts, n, &r[2], true, err) < 0) ||
	    iso_add(b, facts, n, &r[3], false, err) < 0 ||
	    iso_add(b, facts, n, &r[4], true, err) < 0 ||
	    iso_add(b, facts, n, &r[5], false, err) < 0)
		return -1;
	return 0;
}

static int chains(struct fw_filter_batch *b, const struct fw_tx *tx,
		  const struct firewall_config *c, struct cni_err *err)
{
	if (fw_filter_ensure_table(b, TABLE_COMMENT, err) < 0 ||
	    fw_filter_ensure_chain(b, BASE_CHAIN, true, 0, err) < 0 ||
	    fw_filter_ensure_chain(b, FIREWALL_FORWARD_CHAIN, false, 0, err) < 0 ||
	    fw_filter_ensure_chain(b, c->admin_chain, false, 0, err) < 0)
		return -1;
	if (!fw_tx_count_jumps(tx, BASE_CHAIN, FIREWALL_FORWARD_CHAIN, FIREWALL_RULES_COMMENT) &&
	    fw_filter_add_rule(b,
			       &(struct fw_filter_rule){.chain = BASE_CHAIN,
							.verdict = FW_FILTER_JUMP,
							.target = FIREWALL_FORWARD_CHAIN,
							.comment = FIREWALL_RULES_COMMENT},
			       true, err) < 0)
		return -1;
	if (!fw_tx_count_jumps(tx, FIREWALL_FORWARD_CHAIN, c->admin_chain,
			       FIREWALL_ADMIN_COMMENT) &&
	    fw_filter_add_rule(b,
			       &(struct fw_filter_rule){.chain = FIREWALL_FORWARD_CHAIN,
							.verdict = FW_FILTER_JUMP,
							.target = c->admin_chain,
							.comment = FIREWALL_ADMIN_COMMENT},
			       true, err) < 0)
		return -1;
	return 0;
}

static int addresses(struct fw_filter_batch *b, const struct firewall_config *c,
		     const struct fw_rule_facts *facts, size_t n, const char *owner,
		     struct cni_err *err)
{
	/* A repeated ADD replaces the owner's rules. */
	for (size_t i = 0; i < n; i++)
		if (facts[i].comment && strcmp(facts[i].comment, owner) == 0 &&
		    fw_filter_delete(b, facts[i].chain, facts[i].handle, err) < 0)
			return -1;
	for (size_t i = 0; i < c->n_ips; i++) {
		const struct cni_prefix *ip = &c->ips[i];

		if (fw_filter_add_rule(b,
				       &(struct fw_filter_rule){.chain = FIREWALL_FORWARD_CHAIN,
								.family = ip->ip.family,
								.daddr = addr(ip),
								.ct_established = true,
								.verdict = FW_FILTER_ACCEPT,
								.comment = owner},
				       false, err) < 0 ||
		    fw_filter_add_rule(b,
				       &(struct fw_filter_rule){.chain = FIREWALL_FORWARD_CHAIN,
								.family = ip->ip.family,
								.saddr = addr(ip),
								.verdict = FW_FILTER_ACCEPT,
								.comment = owner},
				       false, err) < 0)
			return -1;
	}
	return 0;
}

static int nft_add(const struct firewall_config *c, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	_cleanup_fw_filter_ struct fw_filter_batch *b = NULL;
	struct fw_rule_facts *facts = NULL;
	char owner[512];
	size_t n = 0;
	int ret = -1;

	firewall_owner_comment(c, owner, sizeof(owner));
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, TABLE, &tx, err) < 0 ||
	    fw_tx_rule_facts(tx, NULL, &facts, &n, err) < 0)
		return -1;
	/* One batch: the layout, the owner's rules and the ingress policy land together or not. */
	if (fw_filter_open(TABLE, &b, err) == 0 && chains(b, tx, c, err) == 0 &&
	    addresses(b, c, facts, n, owner, err) == 0 &&
	    (c->ingress == INGRESS_OPEN || isolation(b, c, facts, n, err) == 0))
		ret = fw_filter_commit(b, err);
	free(facts);
	return ret;
}

static int nft_del(const struct firewall_config *c, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char owner[512];

	firewall_owner_comment(c, owner, sizeof(owner));
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, TABLE, &tx, err) < 0 ||
	    fw_tx_delete_by_comment(tx, FIREWALL_FORWARD_CHAIN, owner, false, err) < 0)
		return -1;
	return fw_tx_commit(tx, err);
}

static bool has_address_rule(const struct fw_rule_facts *facts, size_t n, const char *owner,
			     const struct cni_prefix *ip, bool daddr)
{
	for (size_t i = 0; i < n; i++) {
		const struct fw_rule_facts *f = &facts[i];

		if (!f->comment || strcmp(f->comment, owner) != 0 || !f->target ||
		    strcmp(f->target, "ACCEPT") != 0)
			continue;
		if (daddr ? fw_facts_addr_is(&f->daddr, f->has_daddr, ip)
			  : fw_facts_addr_is(&f->saddr, f->has_saddr, ip))
			return true;
	}
	return false;
}

static int nft_check(const struct firewall_config *c, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	struct fw_rule_facts *facts = NULL;
	char owner[512], ip[CNI_IP_STRLEN];
	size_t n = 0;
	int ret = 0;

	firewall_owner_comment(c, owner, sizeof(owner));
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, TABLE, &tx, err) < 0)
		return -1;
	if (!fw_tx_count_jumps(tx, BASE_CHAIN, FIREWALL_FORWARD_CHAIN, FIREWALL_RULES_COMMENT) ||
	    !fw_tx_count_jumps(tx, FIREWALL_FORWARD_CHAIN, c->admin_chain, FIREWALL_ADMIN_COMMENT))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"expected jumps to %s and %s not found in table inet %s",
				FIREWALL_FORWARD_CHAIN, c->admin_chain, TABLE);
	if (fw_tx_rule_facts(tx, FIREWALL_FORWARD_CHAIN, &facts, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_ips && ret == 0; i++)
		if (!has_address_rule(facts, n, owner, &c->ips[i], true) ||
		    !has_address_rule(facts, n, owner, &c->ips[i], false))
			ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				       "expected rules for %s not found in table inet %s",
				       cni_prefix_str(&c->ips[i], ip), TABLE);
	free(facts);
	return ret;
}

static int nft_gc(const struct firewall_config *c, const struct cni_request *req,
		  struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	char prefix[256], **comments = NULL;
	size_t n = 0;

	firewall_owner_network_prefix(c, prefix, sizeof(prefix));
	if (fw_tx_open(FW_BACKEND_NFTABLES, AF_UNSPEC, TABLE, &tx, err) < 0 ||
	    fw_tx_comments(tx, FIREWALL_FORWARD_CHAIN, prefix, &comments, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!firewall_owner_is_valid(c, req, comments[i]))
			fw_tx_delete_by_comment(tx, FIREWALL_FORWARD_CHAIN, comments[i], false,
						err);
	fw_strings_free(comments, n);
	return fw_tx_commit(tx, err);
}

const struct firewall_backend firewall_nftables = {
	.add = nft_add,
	.del = nft_del,
	.check = nft_check,
	.gc = nft_gc,
};
