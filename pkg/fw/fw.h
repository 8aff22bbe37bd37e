/* Packet filter rules behind one interface: a transaction on one table of one backend. */
#ifndef FW_FW_H
#define FW_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"

/*
 * Usage: open a transaction on one table (it reads the table's current state once), queue
 * operations, commit. Queries (fw_tx_chain_exists, fw_tx_count_rules, fw_tx_comments) answer from
 * the state read at open. Commit applies the queue as one unit:
 *   nftables           one netlink batch (NFT_MSG_BATCH_BEGIN..END): all or nothing;
 *   iptables, legacy   libiptc, one iptc_commit, no exec (entries built by ipt_entry.c); only
 *                      rules whose user conditions ipt_entry.c cannot express make it one
 *                      `iptables-legacy-restore --noflush` run instead (see ipt_backend.c);
 *   iptables, nft      one `iptables-nft-restore --noflush` run, so `iptables -S` shows the rules
 *                      exactly as iptables itself writes them.
 * A commit with nothing queued does nothing (no exec, no netlink message).
 */

enum fw_backend {
	FW_BACKEND_NFTABLES,
	FW_BACKEND_IPTABLES,
};

/* "nftables" / "iptables"; anything else fails with code 7 naming key. */
int fw_backend_parse(const char *key, const char *s, enum fw_backend *out, struct cni_err *err);
const char *fw_backend_name(enum fw_backend b);
/* nftables when the kernel answers nf_tables netlink requests, else iptables. */
enum fw_backend fw_backend_default(void);
/* True when the kernel answers nf_tables netlink requests. */
bool fw_nftables_available(void);
/*
 * True when this netns's iptables (legacy or nft) has a filter table with a FORWARD chain: the
 * node filters forwarded traffic there, and only an accept in that chain can open its drop.
 */
bool fw_iptables_filters_forward(void);

enum fw_verdict {
	FW_VERDICT_NONE, /* no target: the rule only counts (iptables rule without -j) */
	FW_VERDICT_JUMP,
	FW_VERDICT_GOTO,
	FW_VERDICT_RETURN,
	FW_VERDICT_ACCEPT,
	FW_VERDICT_MASQUERADE,
	FW_VERDICT_DNAT,
	FW_VERDICT_SET_MARK, /* iptables MARK --set-xmark value/mask */
};

struct fw_addr_match {
	bool set;
	bool negate;
	struct cni_prefix prefix; /* len = full length matches one address */
};

/*
 * One rule, backend-neutral. The iptables backend renders it as iptables options in the order
 * iptables itself prints them; the nftables backend as nftables expressions.
 */
struct fw_rule {
	const char *chain;
	int family; /* AF_INET or AF_INET6: the rule's address family (in an inet table too) */
	struct fw_addr_match saddr, daddr;
	uint8_t l4proto;     /* IPPROTO_TCP/UDP/SCTP, 0 = any */
	uint16_t dports[15]; /* 1 port: "-m tcp --dport", more: "-m multiport --dports" */
	size_t n_dports;
	bool multiport;	  /* iptables: "-m multiport --dports" even for one port */
	bool daddr_local; /* -m addrtype --dst-type LOCAL / fib daddr type local */
	bool has_mark;	  /* -m mark --mark mark/mask */
	uint32_t mark, mark_mask;
	const char *comment; /* NULL: none */
	/* User-given conditions: iptables option tokens, or nftables words (a small grammar). */
	const char *const *conditions;
	size_t n_conditions;
	enum fw_verdict verdict;
	const char *target;    /* JUMP/GOTO chain */
	struct cni_ip dnat_ip; /* DNAT */
	uint16_t dnat_port;
	uint32_t set_mark, set_mark_mask; /* SET_MARK */
};

/* An nftables base chain; ignored by iptables (its built-in chains always exist). */
enum fw_hook {
	FW_HOOK_NONE,
	FW_HOOK_PREROUTING,
	FW_HOOK_OUTPUT,
	FW_HOOK_POSTROUTING,
};

struct fw_chain {
	const char *name;
	enum fw_hook hook; /* base chain of type nat */
	int priority;	   /* -100 dstnat, 100 srcnat */
	const char *comment;
};

struct fw_tx;

/*
 * table: the nftables table name (family: AF_INET "ip", AF_INET6 "ip6", AF_UNSPEC "inet") or the
 * iptables table ("nat", "filter"; family AF_INET or AF_INET6). A table that does not exist yet
 * reads as empty.
 */
int fw_tx_open(enum fw_backend backend, int family, const char *table, struct fw_tx **out,
	       struct cni_err *err);
void fw_tx_free(struct fw_tx *tx);
static inline void fw_tx_freep(struct fw_tx **tx)
{
	if (*tx)
		fw_tx_free(*tx);
}
#define _cleanup_fw_tx_ __attribute__((cleanup(fw_tx_freep)))

enum fw_backend fw_tx_backend(const struct fw_tx *tx);

/* ---- queries on the state read at open ---- */
bool fw_tx_chain_exists(const struct fw_tx *tx, const char *chain);
/* Rules in chain (NULL: any chain) whose comment equals (or, prefix, starts with) comment. */
size_t fw_tx_count_rules(const struct fw_tx *tx, const char *chain, const char *comment,
			 bool prefix);
/* Rules in chain that jump or go to target (any comment when comment is NULL). */
size_t fw_tx_count_jumps(const struct fw_tx *tx, const char *chain, const char *target,
			 const char *comment);
/* The distinct comments of rules in chain starting with prefix; *out is malloc'd (strings too). */
int fw_tx_comments(const struct fw_tx *tx, const char *chain, const char *prefix, char ***out,
		   size_t *n, struct cni_err *err);
void fw_strings_free(char **s, size_t n);

/* ---- queued operations (nothing happens before fw_tx_commit) ---- */
/* nftables only: create the table (with its comment) if missing; iptables: no-op. */
int fw_tx_ensure_table(struct fw_tx *tx, const char *comment, struct cni_err *err);
/* Create the chain when missing (an existing one is left as is). */
int fw_tx_ensure_chain(struct fw_tx *tx, const struct fw_chain *chain, struct cni_err *err);
/* Remove every rule of the chain (a missing chain is no error). */
int fw_tx_flush_chain(struct fw_tx *tx, const char *chain, struct cni_err *err);
/* Append (or, prepend, insert first) a rule. */
int fw_tx_add_rule(struct fw_tx *tx, const struct fw_rule *rule, bool prepend, struct cni_err *err);
/* Make the chain hold exactly these rules, in this order: a flush and the adds, or nothing when
 * nftables shows it holding them already (a rule deleted is freed by the kernel only after an
 * RCU grace period, which closing our socket then waits for). */
int fw_tx_set_chain_rules(struct fw_tx *tx, const char *chain, const struct fw_rule *rules,
			  size_t n, struct cni_err *err);
/* Delete the rules that exist now (at open) matching comment (exact or prefix) in chain (NULL:
 * every chain). */
int fw_tx_delete_by_comment(struct fw_tx *tx, const char *chain, const char *comment, bool prefix,
			    struct cni_err *err);
/* Delete the rules of chain that jump or go to target (and carry comment, when not NULL). */
int fw_tx_delete_jumps(struct fw_tx *tx, const char *chain, const char *target, const char *comment,
		       struct cni_err *err);
/* Flush and delete the chain when it exists. */
int fw_tx_delete_chain(struct fw_tx *tx, const char *chain, struct cni_err *err);

/* Apply everything queued as one transaction. */
int fw_tx_commit(struct fw_tx *tx, struct cni_err *err);

/*
 * Apply several transactions (at most FW_TX_COMMIT_MAX). On nftables they go as one batch: all
 * land or none, and the kernel's RCU grace period before it frees what they removed (which the
 * process waits for when it closes the socket) comes once. On iptables, one commit per table,
 * in order.
 */
#define FW_TX_COMMIT_MAX 4
int fw_tx_commit_all(struct fw_tx *const *txs, size_t n, struct cni_err *err);

#endif
