/* libiptc side of rule_facts.c: one reader per family (libiptc.h and libip6tc.h cannot mix). */
#ifndef FW_RULE_FACTS_LEGACY_H
#define FW_RULE_FACTS_LEGACY_H

#include "fw/internal.h"
#include "fw/rule_facts.h"

int fw_legacy4_facts(struct fw_tx *tx, const char *chain, struct fw_rule_facts **out, size_t *n,
		     struct cni_err *err);
int fw_legacy6_facts(struct fw_tx *tx, const char *chain, struct fw_rule_facts **out, size_t *n,
		     struct cni_err *err);

#endif
