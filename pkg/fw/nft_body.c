/* A rule's body: its expressions as libnftnl prints them, to tell whether a read rule is the one
 * a transaction would write. */
#include <stdio.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <stdlib.h>
#include <string.h>

#include "fw/internal.h"
#include "fw/nft_expr.h"

char *fw_nft_rule_body(struct nftnl_rule *r)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	char *body = NULL;
	size_t size = 0;
	FILE *f;

	if (!it)
		return NULL;
	f = open_memstream(&body, &size);
	while (f && (e = nftnl_expr_iter_next(it))) {
		char text[512];

		if (nftnl_expr_snprintf(text, sizeof(text), e, NFTNL_OUTPUT_DEFAULT, 0) < 0 ||
		    fprintf(f, "[%s %s]", nftnl_expr_get_str(e, NFTNL_EXPR_NAME), text) < 0) {
			fclose(f);
			f = NULL;
			free(body);
			body = NULL;
		}
	}
	nftnl_expr_iter_destroy(it);
	if (f && fclose(f) != 0) {
		free(body);
		body = NULL;
	}
	return body;
}

char *fw_nft_rule_body_of(int table_family, const struct fw_rule *rule)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct fw_nft_sets sets = {0};
	struct cni_err err = {0};
	char *body = NULL;

	/* A rule looking up an anonymous set is never taken as equal: the set's name and
	 * elements are not in the body. */
	if (r && fw_nft_rule_build(r, table_family, rule, &sets, &err) == 0 && sets.n == 0)
		body = fw_nft_rule_body(r);
	for (size_t i = 0; i < sets.n; i++)
		nftnl_set_free(sets.set[i]);
	nftnl_rule_free(r);
	return body;
}
