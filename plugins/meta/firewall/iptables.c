/* The iptables backend: the reference's CNI-FORWARD/CNI-ADMIN rules, plus an owner record per IP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewall.h"
#include "fw/fw.h"
#include "fw/rule_facts.h"

#define TABLE "filter"
/*
 * Not in the reference: one counting-only rule per address, "-s IP -m comment --comment 'CNI
 * firewall plugin owner: NET ID IFNAME'", in a chain nothing jumps to (so no packet ever walks
 * it). The reference's per-address rules carry no owner; this is how DEL without a prevResult
 * and GC find them, while those rules stay exactly the reference's.
 */
#define OWNERS_CHAIN "CNI-FIREWALL-OWNERS"

static const char *const ctstate[] = {"-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED"};

static struct fw_addr_match addr(const struct cni_prefix *p)
{
	return (struct fw_addr_match){.set = true, .prefix = *p};
}

/* "-d IP -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT" (daddr) or "-s IP -j ACCEPT". */
static bool is_address_rule(const struct fw_rule_facts *f, const struct cni_prefix *ip, bool daddr)
{
	if (strcmp(f->chain, FIREWALL_FORWARD_CHAIN) != 0 || f->comment || !f->target ||
	    strcmp(f->target, "ACCEPT") != 0 || f->iniface[0] || f->outiface[0])
		return false;
	if (daddr)
		return !f->has_saddr && !f->daddr_negate &&
		       fw_facts_addr_is(&f->daddr, f->has_daddr, ip);
	return !f->has_daddr && !f->saddr_negate && fw_facts_addr_is(&f->saddr, f->has_saddr, ip);
}

static bool has_rule(const struct fw_rule_facts *facts, size_t n, const struct cni_prefix *ip,
		     bool daddr)
{
	for (size_t i = 0; i < n; i++)
		if (is_address_rule(&facts[i], ip, daddr))
			return true;
	return false;
}

/* The chains and the two jumps, as the reference's setupChains (each inserted first). */
static int setup_chains(struct fw_tx *tx, const struct firewall_config *c, struct cni_err *err)
{
	const struct fw_chain fwd = {.name = FIREWALL_FORWARD_CHAIN},
			      admin = {.name = c->admin_chain}, owners = {.name = OWNERS_CHAIN};

	if (fw_tx_ensure_chain(tx, &fwd, err) < 0 || fw_tx_ensure_chain(tx, &admin, err) < 0 ||
	    fw_tx_ensure_chain(tx, &owners, err) < 0)
		return -1;
	if (!fw_tx_count_jumps(tx, "FORWARD", FIREWALL_FORWARD_CHAIN, FIREWALL_RULES_COMMENT) &&
	    fw_tx_add_rule(tx,
			   &(struct fw_rule){.chain = "FORWARD",
					     .comment = FIREWALL_RULES_COMMENT,
					     .verdict = FW_VERDICT_JUMP,
					     .target = FIREWALL_FORWARD_CHAIN},
			   true, err) < 0)
		return -1;
	if (!fw_tx_count_jumps(tx, FIREWALL_FORWARD_CHAIN, c->admin_chain,
			       FIREWALL_ADMIN_COMMENT) &&
	    fw_tx_add_rule(tx,
			   &(struct fw_rule){.chain = FIREWALL_FORWARD_CHAIN,
					     .comment = FIREWALL_ADMIN_COMMENT,
					     .verdict = FW_VERDICT_JUMP,
					     .target = c->admin_chain},
			   true, err) < 0)
		return -1;
	return 0;
}

static int add_addresses(struct fw_tx *tx, const struct firewall_config *c, int family,
			 const struct fw_rule_facts *facts, size_t n, struct cni_err *err)
{
	char owner[512];

	firewall_owner_comment(c, owner, sizeof(owner));
	/* A repeated ADD re-records its owner rather than stacking records. */
	fw_tx_delete_by_comment(tx, OWNERS_CHAIN, owner, false, err);
	for (size_t i = 0; i < c->n_ips; i++) {
		const struct cni_prefix *ip = &c->ips[i];

		if (ip->ip.family != family)
			continue;
		if (!has_rule(facts, n, ip, true) &&
		    fw_tx_add_rule(tx,
				   &(struct fw_rule){.chain = FIREWALL_FORWARD_CHAIN,
						     .family = family,
						     .daddr = addr(ip),
						     .conditions = ctstate,
						     .n_conditions = 4,
						     .verdict = FW_VERDICT_ACCEPT},
				   false, err) < 0)
			return -1;
		if (!has_rule(facts, n, ip, false) &&
		    fw_tx_add_rule(tx,
				   &(struct fw_rule){.chain = FIREWALL_FORWARD_CHAIN,
						     .family = family,
						     .saddr = addr(ip),
						     .verdict = FW_VERDICT_ACCEPT},
				   false, err) < 0)
			return -1;
		if (fw_tx_add_rule(tx,
				   &(struct fw_rule){.chain = OWNERS_CHAIN,
						     .family = family,
						     .saddr = addr(ip),
						     .comment = owner},
				   false, err) < 0)
			return -1;
	}
	return 0;
}

static int family_add(const struct firewall_config *c, int family, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	struct fw_rule_facts *facts = NULL;
	size_t n = 0;
	int ret = -1;

	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0 ||
	    fw_tx_rule_facts(tx, FIREWALL_FORWARD_CHAIN, &facts, &n, err) < 0)
		return -1;
	/* One table, one transaction: the reference's rules, ours and the ingress policy's. */
	if (setup_chains(tx, c, err) == 0 && add_addresses(tx, c, family, facts, n, err) == 0 &&
	    (c->ingress == INGRESS_OPEN || firewall_isolation_ipt(tx, c, err) == 0))
		ret = fw_tx_commit(tx, err);
	free(facts);
	return ret;
}

/*
 * Remove the address rules of ips (and of the owner's records) unless another owner still
 * records the address, then the owner's records. owner NULL: only ips.
 */
static int remove_owner(struct fw_tx *tx, const struct fw_rule_facts *facts, size_t n,
			const char *owner, const struct cni_prefix *ips, size_t n_ips)
{
	for (size_t i = 0; i < n; i++) {
		const struct fw_rule_facts *f = &facts[i];
		bool doomed = false, kept = false;

		if (strcmp(f->chain, FIREWALL_FORWARD_CHAIN) != 0)
			continue;
		for (size_t k = 0; k < n_ips && !doomed; k++)
			doomed = is_address_rule(f, &ips[k], true) ||
				 is_address_rule(f, &ips[k], false);
		for (size_t j = 0; j < n && !doomed; j++) {
			const struct fw_rule_facts *o = &facts[j];

			if (strcmp(o->chain, OWNERS_CHAIN) == 0 && o->comment && owner &&
			    strcmp(o->comment, owner) == 0)
				doomed = is_address_rule(f, &o->saddr, true) ||
					 is_address_rule(f, &o->saddr, false);
		}
		for (size_t j = 0; j < n && doomed && !kept; j++) {
			const struct fw_rule_facts *o = &facts[j];

			kept = strcmp(o->chain, OWNERS_CHAIN) == 0 && o->comment &&
			       (!owner || strcmp(o->comment, owner) != 0) &&
			       (is_address_rule(f, &o->saddr, true) ||
				is_address_rule(f, &o->saddr, false));
		}
		if (doomed && !kept)
			fw_tx_delete_at(tx, f->index);
	}
	for (size_t i = 0; i < n && owner; i++)
		if (strcmp(facts[i].chain, OWNERS_CHAIN) == 0 && facts[i].comment &&
		    strcmp(facts[i].comment, owner) == 0)
			fw_tx_delete_at(tx, facts[i].index);
	return 0;
}

static int family_del(const struct firewall_config *c, int family, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	struct cni_prefix ips[FIREWALL_MAX_IPS];
	struct fw_rule_facts *facts = NULL;
	size_t n = 0, n_ips = 0;
	char owner[512];
	int ret;

	for (size_t i = 0; i < c->n_ips; i++)
		if (c->ips[i].ip.family == family)
			ips[n_ips++] = c->ips[i];
	firewall_owner_comment(c, owner, sizeof(owner));
	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0 ||
	    fw_tx_rule_facts(tx, NULL, &facts, &n, err) < 0)
		return -1;
	remove_owner(tx, facts, n, owner, ips, n_ips);
	ret = fw_tx_commit(tx, err);
	free(facts);
	return ret;
}

static int ipt_add(const struct firewall_config *c, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};

	for (size_t i = 0; i < 2; i++) {
		if (!firewall_has_family(c, families[i]))
			continue;
		if (family_add(c, families[i], err) < 0) {
			/* The other family may have landed: take it back. */
			struct cni_err ignored = {0};

			for (size_t j = 0; j < i; j++)
				family_del(c, families[j], &ignored);
			return -1;
		}
	}
	return 0;
}

/* Both families, prevResult or not: the owner records say what the attachment had. */
static int ipt_del(const struct firewall_config *c, struct cni_err *err)
{
	if (family_del(c, AF_INET, err) < 0 || family_del(c, AF_INET6, err) < 0)
		return -1;
	return 0;
}

static int check_family(const struct firewall_config *c, int family, struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	struct fw_rule_facts *facts = NULL;
	char ip[CNI_IP_STRLEN];
	size_t n = 0;
	int ret = 0;

	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0)
		return -1;
	if (!fw_tx_chain_exists(tx, FIREWALL_FORWARD_CHAIN) ||
	    !fw_tx_chain_exists(tx, c->admin_chain))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "chain %s or %s not found",
				FIREWALL_FORWARD_CHAIN, c->admin_chain);
	if (!fw_tx_count_jumps(tx, "FORWARD", FIREWALL_FORWARD_CHAIN, FIREWALL_RULES_COMMENT))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"expected FORWARD rule -j %s not found", FIREWALL_FORWARD_CHAIN);
	if (!fw_tx_count_jumps(tx, FIREWALL_FORWARD_CHAIN, c->admin_chain, FIREWALL_ADMIN_COMMENT))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "expected %s rule -j %s not found",
				FIREWALL_FORWARD_CHAIN, c->admin_chain);
	if (fw_tx_rule_facts(tx, FIREWALL_FORWARD_CHAIN, &facts, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_ips && ret == 0; i++)
		if (c->ips[i].ip.family == family && (!has_rule(facts, n, &c->ips[i], true) ||
						      !has_rule(facts, n, &c->ips[i], false)))
			ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				       "expected rules for %s not found in %s",
				       cni_prefix_str(&c->ips[i], ip), FIREWALL_FORWARD_CHAIN);
	free(facts);
	if (ret == 0 && c->ingress != INGRESS_OPEN)
		ret = firewall_isolation_ipt_check(tx, c, err);
	return ret;
}

static int ipt_check(const struct firewall_config *c, struct cni_err *err)
{
	if (firewall_has_family(c, AF_INET) && check_family(c, AF_INET, err) < 0)
		return -1;
	if (firewall_has_family(c, AF_INET6) && check_family(c, AF_INET6, err) < 0)
		return -1;
	return 0;
}

/* Owners of this network not in the valid list lose their records and their addresses' rules. */
static int gc_family(const struct firewall_config *c, const struct cni_request *req, int family,
		     struct cni_err *err)
{
	_cleanup_fw_tx_ struct fw_tx *tx = NULL;
	struct fw_rule_facts *facts = NULL;
	size_t n = 0;
	int ret;

	if (fw_tx_open(FW_BACKEND_IPTABLES, family, TABLE, &tx, err) < 0 ||
	    fw_tx_rule_facts(tx, NULL, &facts, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct fw_rule_facts *f = &facts[i];
		bool seen = false;

		if (strcmp(f->chain, OWNERS_CHAIN) != 0 ||
		    firewall_owner_is_valid(c, req, f->comment))
			continue;
		/* Once per owner: remove_owner handles all of its records. */
		for (size_t j = 0; j < i && !seen; j++)
			seen = facts[j].comment && strcmp(facts[j].chain, OWNERS_CHAIN) == 0 &&
			       strcmp(facts[j].comment, f->comment) == 0;
		if (!seen)
			remove_owner(tx, facts, n, f->comment, NULL, 0);
	}
	ret = fw_tx_commit(tx, err);
	free(facts);
	return ret;
}

static int ipt_gc(const struct firewall_config *c, const struct cni_request *req,
		  struct cni_err *err)
{
	if (gc_family(c, req, AF_INET, err) < 0 || gc_family(c, req, AF_INET6, err) < 0)
		return -1;
	return 0;
}

const struct firewall_backend firewall_iptables = {
	.add = ipt_add,
	.del = ipt_del,
	.check = ipt_check,
	.gc = ipt_gc,
};
