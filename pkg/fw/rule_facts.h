/* What tells apart rules that carry no comment of their own: addresses and interfaces, read back.
 */
#ifndef FW_RULE_FACTS_H
#define FW_RULE_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/ip.h"
#include "fw/fw.h"

/*
 * One rule of a transaction's table, with the matches the reference's comment-less rules differ
 * by (the firewall plugin's "-s IP -j ACCEPT", "-i BR ! -o BR -j ..."). Read by a second dump
 * right after fw_tx_open; rules that changed in between are simply not found.
 */
struct fw_rule_facts {
	size_t index; /* the rule's place in the transaction's snapshot (for fw_tx_delete_at) */
	const char *chain, *comment, *target; /* owned by the transaction; NULL: none */
	bool has_saddr, has_daddr, saddr_negate, daddr_negate;
	struct cni_prefix saddr, daddr;
	char iniface[16], outiface[16]; /* "": no match */
	bool iniface_negate, outiface_negate;
	uint64_t handle; /* nf_tables rule handle (0 on a legacy node) */
};

/* The facts of every rule of chain (NULL: all chains); *out is malloc'd. */
int fw_tx_rule_facts(struct fw_tx *tx, const char *chain, struct fw_rule_facts **out, size_t *n,
		     struct cni_err *err);
/* Queue the deletion of the snapshot's rule at index (as fw_tx_delete_by_comment does). */
void fw_tx_delete_at(struct fw_tx *tx, size_t index);

/* Helpers for finding a rule among facts. */
bool fw_facts_addr_is(const struct cni_prefix *have, bool has, const struct cni_prefix *want);

#endif
