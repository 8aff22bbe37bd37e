/* A struct fw_rule as libnftnl expressions. */
#ifndef FW_NFT_EXPR_H
#define FW_NFT_EXPR_H

#include <libnftnl/rule.h>

#include "fw/fw.h"

/* Append rule's expressions and comment to r; table_family AF_UNSPEC: an inet table. */
int fw_nft_rule_build(struct nftnl_rule *r, int table_family, const struct fw_rule *rule,
		      struct cni_err *err);

#endif
