/* Filter-type nftables tables (forward hook, ct state, drop): what struct fw_rule does not carry.
 */
#ifndef FW_NFT_FILTER_H
#define FW_NFT_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "fw/fw.h"

enum fw_filter_verdict {
	FW_FILTER_ACCEPT,
	FW_FILTER_DROP,
	FW_FILTER_RETURN,
	FW_FILTER_JUMP,
};

struct fw_filter_rule {
	const char *chain;
	int family; /* AF_INET / AF_INET6 when an address is matched (the table is inet) */
	struct fw_addr_match saddr, daddr;
	const char *iifname, *oifname; /* NULL: any */
	bool oifname_negate;
	bool ct_established; /* ct state established,related */
	enum fw_filter_verdict verdict;
	const char *target; /* FW_FILTER_JUMP */
	const char *comment;
};

/*
 * One batch on one inet table: queue, then commit (all or nothing). Reads go through fw_tx_open
 * (FW_BACKEND_NFTABLES, AF_UNSPEC, table) and rule_facts.h, whose handles fw_filter_delete takes.
 */
struct fw_filter_batch;

int fw_filter_open(const char *table, struct fw_filter_batch **out, struct cni_err *err);
void fw_filter_free(struct fw_filter_batch *b);
static inline void fw_filter_freep(struct fw_filter_batch **b)
{
	if (*b)
		fw_filter_free(*b);
}
#define _cleanup_fw_filter_ __attribute__((cleanup(fw_filter_freep)))

int fw_filter_ensure_table(struct fw_filter_batch *b, const char *comment, struct cni_err *err);
/* forward_hook: a base chain "type filter hook forward priority prio; policy accept". */
int fw_filter_ensure_chain(struct fw_filter_batch *b, const char *name, bool forward_hook, int prio,
			   struct cni_err *err);
int fw_filter_add_rule(struct fw_filter_batch *b, const struct fw_filter_rule *r, bool prepend,
		       struct cni_err *err);
int fw_filter_delete(struct fw_filter_batch *b, const char *chain, uint64_t handle,
		     struct cni_err *err);
/* Send what is queued (nothing queued: nothing sent). */
int fw_filter_commit(struct fw_filter_batch *b, struct cni_err *err);

#endif
