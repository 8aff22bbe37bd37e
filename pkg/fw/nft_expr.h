/* A struct fw_rule as libnftnl expressions. */
#ifndef FW_NFT_EXPR_H
#define FW_NFT_EXPR_H

#include <libnftnl/rule.h>
#include <libnftnl/set.h>

#include "fw/fw.h"

/*
 * The anonymous sets that rules' conditions look up (`ip saddr { a, b }`): the caller sends each
 * (table and family still to set) in the batch before the rule, then frees it. next_id numbers
 * them within one batch.
 */
struct fw_nft_sets {
	struct nftnl_set *set[16];
	size_t n;
	uint32_t next_id;
};

/* Append rule's expressions and comment to r; table_family AF_UNSPEC: an inet table. */
int fw_nft_rule_build(struct nftnl_rule *r, int table_family, const struct fw_rule *rule,
		      struct fw_nft_sets *sets, struct cni_err *err);

/* The body of a rule (nft_body.c): its expressions as text, malloc'd; NULL when out of memory.
 * Equal bodies and comments mean the same rule. */
char *fw_nft_rule_body(struct nftnl_rule *r);
/* The body fw_nft_rule_build would give rule; NULL too when it looks up an anonymous set. */
char *fw_nft_rule_body_of(int table_family, const struct fw_rule *rule);

#endif
