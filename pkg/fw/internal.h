/* What the fw backends share: the transaction, its snapshot of the table and its queue. */
#ifndef FW_INTERNAL_H
#define FW_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "fw/fw.h"

/* One rule of the table as read at open. */
struct fw_state_rule {
	char *chain;
	char *comment;	   /* NULL: none */
	char *target;	   /* jump/goto chain, or target name (ACCEPT, MASQUERADE, DNAT, MARK...) */
	uint64_t handle;   /* nftables rule handle */
	unsigned position; /* 1-based position in its chain (iptables rule number) */
	char *body;	   /* nftables read: fw_nft_rule_body (NULL: unknown) */
	bool doomed;	   /* queued for deletion */
};

struct fw_state_chain {
	char *name;
	bool exists; /* as the queue leaves it (starts as read) */
	bool base;   /* built-in / base chain */
	/* nftables read of a base chain: its hook (NF_INET_*) and priority */
	uint32_t hooknum;
	int32_t priority;
};

enum fw_op_kind {
	FW_OP_ENSURE_TABLE,
	FW_OP_ENSURE_CHAIN,
	FW_OP_FLUSH_CHAIN,
	FW_OP_ADD_RULE,
	FW_OP_DELETE_CHAIN,
};

/* A queued operation; strings and the rule are deep copies owned by the op. */
struct fw_op {
	enum fw_op_kind kind;
	struct fw_chain chain; /* ENSURE_TABLE uses chain.comment */
	struct fw_rule rule;
	bool prepend;
};

struct fw_tx {
	enum fw_backend backend;
	int family;
	char table[64];
	bool ipt_legacy;   /* iptables backend: the node's iptables is legacy */
	bool locked_netns; /* holds FW_LOCK_NETNS until freed (lock.h) */
	bool locked_xt;	   /* iptables backend: holds FW_LOCK_XTABLES until freed */
	struct fw_state_rule *rules;
	size_t n_rules;
	struct fw_state_chain *chains;
	size_t n_chains;
	bool table_exists;
	struct fw_op *ops;
	size_t n_ops;
};

/* Snapshot helpers (state.c). */
int fw_state_add_chain(struct fw_tx *tx, const char *name, bool base, struct cni_err *err);
struct fw_state_chain *fw_state_chain(const struct fw_tx *tx, const char *name);
int fw_state_add_rule(struct fw_tx *tx, const char *chain, const char *comment, const char *target,
		      uint64_t handle, struct cni_err *err);
bool fw_comment_matches(const char *have, const char *want, bool prefix);

/* Backends. */
int fw_nft_read(struct fw_tx *tx, struct cni_err *err);
/* Every transaction's queue in one nf_tables batch: all of them land, or none. */
int fw_nft_commit(struct fw_tx *const *txs, size_t n, struct cni_err *err);
/* The chain as read is the one fw_nft_commit would create for want (same hook and priority). */
bool fw_nft_chain_is(const struct fw_state_chain *have, const struct fw_chain *want);
int fw_ipt_read(struct fw_tx *tx, struct cni_err *err);
int fw_ipt_commit(struct fw_tx *tx, struct cni_err *err);

/* The nftables family number (NFPROTO_*) of an AF_* family; AF_UNSPEC means inet. */
int fw_nfproto(int family);

#endif
