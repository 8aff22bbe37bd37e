/* The snapshot of a table a transaction reads at open: chains and rules with comment and target. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/internal.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

struct fw_state_chain *fw_state_chain(const struct fw_tx *tx, const char *name)
{
	for (size_t i = 0; i < tx->n_chains; i++)
		if (strcmp(tx->chains[i].name, name) == 0)
			return &tx->chains[i];
	return NULL;
}

int fw_state_add_chain(struct fw_tx *tx, const char *name, bool base, struct cni_err *err)
{
	struct fw_state_chain *c = fw_state_chain(tx, name), *grown;

	if (c) {
		c->exists = true;
		return 0;
	}
	grown = realloc(tx->chains, (tx->n_chains + 1) * sizeof(*grown));
	if (!grown)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall state");
	tx->chains = grown;
	c = &tx->chains[tx->n_chains];
	*c = (struct fw_state_chain){.name = strdup(name), .exists = true, .base = base};
	if (!c->name)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall state");
	tx->n_chains++;
	return 0;
}

int fw_state_add_rule(struct fw_tx *tx, const char *chain, const char *comment, const char *target,
		      uint64_t handle, struct cni_err *err)
{
	struct fw_state_rule *grown, *r;
	unsigned position = 1;

	for (size_t i = 0; i < tx->n_rules; i++)
		if (strcmp(tx->rules[i].chain, chain) == 0)
			position++;
	grown = realloc(tx->rules, (tx->n_rules + 1) * sizeof(*grown));
	if (!grown)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall state");
	tx->rules = grown;
	r = &tx->rules[tx->n_rules];
	*r = (struct fw_state_rule){.chain = strdup(chain),
				    .comment = dup_or_null(comment),
				    .target = dup_or_null(target),
				    .handle = handle,
				    .position = position};
	if (!r->chain || (comment && !r->comment) || (target && !r->target)) {
		free(r->chain);
		free(r->comment);
		free(r->target);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall state");
	}
	tx->n_rules++;
	return 0;
}

bool fw_comment_matches(const char *have, const char *want, bool prefix)
{
	if (!have)
		return false;
	if (prefix)
		return strncmp(have, want, strlen(want)) == 0;
	return strcmp(have, want) == 0;
}
