/* ingressPolicy same-bridge/isolated on iptables: the reference's CNI-ISOLATION-STAGE-1/2 chains.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "firewall.h"
#include "fw/fw.h"
#include "fw/rule_facts.h"

/*
 * FORWARD        -j CNI-ISOLATION-STAGE-1                         (first)
 * STAGE-1        -i BR -o BR -j DROP                               (isolated only, first)
 *                -i BR ! -o BR -j CNI-ISOLATION-STAGE-2            (first)
 *                -j RETURN                                         (last)
 * STAGE-2        -o BR -j DROP                                     (first)
 *                -j RETURN                                         (last)
 * Traffic leaving a bridge for another interface goes to stage 2, which drops it when that
 * interface is another isolating bridge. Rules are shared per bridge and never removed (as the
 * reference: other attachments of the bridge still need them).
 */

struct iso_rule {
	const char *chain, *in, *out; /* in/out: "" none */
	bool out_negate;
	const char *target; /* "DROP", "RETURN" or a chain */
	const char *comment;
};

static bool facts_match(const struct fw_rule_facts *f, const struct iso_rule *r)
{
	return strcmp(f->chain, r->chain) == 0 && f->target && strcmp(f->target, r->target) == 0 &&
	       f->comment && strcmp(f->comment, r->comment) == 0 &&
	       strcmp(f->iniface, r->in) == 0 && strcmp(f->outiface, r->out) == 0 &&
	       f->outiface_negate == r->out_negate && !f->iniface_negate && !f->has_saddr &&
	       !f->has_daddr;
}

static bool exists(const struct fw_rule_facts *facts, size_t n, const struct iso_rule *r)
{
	for (size_t i = 0; i < n; i++)
		if (facts_match(&facts[i], r))
			return true;
	return false;
}

/* As the reference's utils.InsertUnique: nothing when present, else first or last. */
static int insert_unique(struct fw_tx *tx, const struct fw_rule_facts *facts, size_t n,
			 const struct iso_rule *r, bool prepend, struct cni_err *err)
{
	const char *words[6];
	size_t nw = 0;
	bool to_chain = strcmp(r->target, "DROP") != 0 && strcmp(r->target, "RETURN") != 0;

	if (exists(facts, n, r))
		return 0;
	if (r->in[0]) {
		words[nw++] = "-i";
		words[nw++] = r->in;
	}
	if (r->out[0]) {
		if (r->out_negate)
			words[nw++] = "!";
		words[nw++] = "-o";
		words[nw++] = r->out;
	}
	/* DROP has no fw_verdict: as iptables words it is the last condition. */
	if (!to_chain && strcmp(r->target, "DROP") == 0) {
		words[nw++] = "-j";
		words[nw++] = "DROP";
	}
	return fw_tx_add_rule(tx,
			      &(struct fw_rule){.chain = r->chain,
						.comment = r->comment,
						.conditions = words,
						.n_conditions = nw,
						.verdict = to_chain ? FW_VERDICT_JUMP
							   : strcmp(r->target, "RETURN") == 0
								   ? FW_VERDICT_RETURN
								   : FW_VERDICT_NONE,
						.target = to_chain ? r->target : NULL},
			      prepend, err);
}

static void rules_of(const struct firewall_config *c, struct iso_rule r[6])
{
	const char *policy = firewall_policy_comment(c->ingress), *br = c->bridge;

	r[0] = (struct iso_rule){
		"FORWARD", "", "", false, FIREWALL_STAGE1, FIREWALL_POLICY_DEFAULT};
	r[1] = (struct iso_rule){FIREWALL_STAGE1, br, br, true, FIREWALL_STAGE2, policy};
	r[2] = (struct iso_rule){FIREWALL_STAGE1, br, br, false, "DROP", policy};
	r[3] = (struct iso_rule){FIREWALL_STAGE1, "", "", false, "RETURN", FIREWALL_POLICY_DEFAULT};
	r[4] = (struct iso_rule){FIREWALL_STAGE2, "", br, false, "DROP", FIREWALL_POLICY_DEFAULT};
	r[5] = (struct iso_rule){FIREWALL_STAGE2, "", "", false, "RETURN", FIREWALL_POLICY_DEFAULT};
}

int firewall_isolation_ipt(struct fw_tx *tx, const struct firewall_config *c, struct cni_err *err)
{
	struct fw_rule_facts *facts = NULL;
	struct iso_rule r[6];
	size_t n = 0;
	int ret = -1;

	if (fw_tx_ensure_chain(tx, &(struct fw_chain){.name = FIREWALL_STAGE1}, err) < 0 ||
	    fw_tx_ensure_chain(tx, &(struct fw_chain){.name = FIREWALL_STAGE2}, err) < 0 ||
	    fw_tx_rule_facts(tx, NULL, &facts, &n, err) < 0)
		return -1;
	rules_of(c, r);
	/* In the reference's order, so the chains read the same. */
	if (insert_unique(tx, facts, n, &r[0], true, err) == 0 &&
	    insert_unique(tx, facts, n, &r[1], true, err) == 0 &&
	    (c->ingress != INGRESS_ISOLATED ||
	     insert_unique(tx, facts, n, &r[2], true, err) == 0) &&
	    insert_unique(tx, facts, n, &r[3], false, err) == 0 &&
	    insert_unique(tx, facts, n, &r[4], true, err) == 0 &&
	    insert_unique(tx, facts, n, &r[5], false, err) == 0)
		ret = 0;
	free(facts);
	return ret;
}

int firewall_isolation_ipt_check(struct fw_tx *tx, const struct firewall_config *c,
				 struct cni_err *err)
{
	struct fw_rule_facts *facts = NULL;
	struct iso_rule r[6];
	size_t n = 0;
	int ret = 0;

	if (fw_tx_rule_facts(tx, NULL, &facts, &n, err) < 0)
		return -1;
	rules_of(c, r);
	for (size_t i = 0; i < 6 && ret == 0; i++)
		if ((i != 2 || c->ingress == INGRESS_ISOLATED) && !exists(facts, n, &r[i]))
			ret = cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				       "expected %s rule for bridge %s not found", r[i].chain,
				       c->bridge);
	free(facts);
	return ret;
}

int firewall_isolation_ipt_apply(const struct firewall_config *c, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};

	for (size_t i = 0; i < 2; i++) {
		_cleanup_fw_tx_ struct fw_tx *tx = NULL;

		if (!firewall_has_family(c, families[i]))
			continue;
		if (fw_tx_open(FW_BACKEND_IPTABLES, families[i], "filter", &tx, err) < 0 ||
		    firewall_isolation_ipt(tx, c, err) < 0 || fw_tx_commit(tx, err) < 0)
			return -1;
	}
	return 0;
}
