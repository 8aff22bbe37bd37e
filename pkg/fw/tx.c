/* A firewall transaction: open reads the table once, operations queue, commit hands them over. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "fw/internal.h"
#include "fw/lock.h"
#include "fw/nft_expr.h"

static void rule_free(struct fw_rule *r)
{
	free((char *)r->chain);
	free((char *)r->comment);
	free((char *)r->target);
	for (size_t i = 0; i < r->n_conditions; i++)
		free((char *)r->conditions[i]);
	free((void *)r->conditions);
}

static int rule_copy(struct fw_rule *dst, const struct fw_rule *src)
{
	char **conds = NULL;

	*dst = *src;
	dst->chain = src->chain ? strdup(src->chain) : NULL;
	dst->comment = src->comment ? strdup(src->comment) : NULL;
	dst->target = src->target ? strdup(src->target) : NULL;
	dst->conditions = NULL;
	dst->n_conditions = 0;
	if (src->n_conditions) {
		conds = calloc(src->n_conditions, sizeof(*conds));
		if (!conds)
			goto fail;
		dst->conditions = (const char *const *)conds;
		for (size_t i = 0; i < src->n_conditions; i++) {
			conds[i] = strdup(src->conditions[i]);
			if (!conds[i])
				goto fail;
			dst->n_conditions = i + 1;
		}
	}
	if ((src->chain && !dst->chain) || (src->comment && !dst->comment) ||
	    (src->target && !dst->target))
		goto fail;
	return 0;
fail:
	rule_free(dst);
	return -1;
}

static void op_free(struct fw_op *op)
{
	free((char *)op->chain.name);
	free((char *)op->chain.comment);
	rule_free(&op->rule);
}

void fw_tx_free(struct fw_tx *tx)
{
	for (size_t i = 0; i < tx->n_rules; i++) {
		free(tx->rules[i].chain);
		free(tx->rules[i].comment);
		free(tx->rules[i].target);
		free(tx->rules[i].body);
	}
	for (size_t i = 0; i < tx->n_chains; i++)
		free(tx->chains[i].name);
	for (size_t i = 0; i < tx->n_ops; i++)
		op_free(&tx->ops[i]);
	free(tx->rules);
	free(tx->chains);
	free(tx->ops);
	/* The reverse order of taking them: xtables inside netns. */
	if (tx->locked_xt)
		fw_unlock(FW_LOCK_XTABLES);
	if (tx->locked_netns)
		fw_unlock(FW_LOCK_NETNS);
	free(tx);
}

/*
 * A netlink dump that the kernel marks interrupted (NLM_F_DUMP_INTR: another process changed the
 * netns's rules meanwhile) is read again from the start. Our own plugins wait on FW_LOCK_NETNS
 * instead of interrupting each other, so this is for other writers (nft, kube-proxy, the Go
 * plugins), which may be many: each retry first waits a random while that grows with the tries,
 * so that the reader finds a quiet moment. nft itself retries without bound.
 */
#define FW_READ_TRIES	    50
#define FW_READ_BACKOFF_MAX 20 /* ms, the longest wait before one retry */

static void read_backoff(int tries)
{
	static unsigned seed;
	long max_us = 1000L * (tries < FW_READ_BACKOFF_MAX ? tries : FW_READ_BACKOFF_MAX);
	long us;

	if (!seed)
		seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	us = (long)(rand_r(&seed) % max_us);
	nanosleep(&(struct timespec){.tv_sec = 0, .tv_nsec = us * 1000}, NULL);
}

int fw_tx_open(enum fw_backend backend, int family, const char *table, struct fw_tx **out,
	       struct cni_err *err)
{
	for (int tries = 1;; tries++) {
		struct fw_tx *tx = calloc(1, sizeof(*tx));
		int ret;

		if (!tx)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall transaction");
		tx->backend = backend;
		tx->family = family;
		snprintf(tx->table, sizeof(tx->table), "%s", table);
		/* Held until the transaction ends: what is read stays true up to the commit. */
		ret = fw_lock(FW_LOCK_NETNS, err);
		tx->locked_netns = ret == 0;
		if (ret == 0)
			ret = backend == FW_BACKEND_NFTABLES ? fw_nft_read(tx, err)
							     : fw_ipt_read(tx, err);
		if (ret == 0) {
			*out = tx;
			return 0;
		}
		fw_tx_free(tx);
		if (err->errnum != EINTR || tries == FW_READ_TRIES)
			return -1;
		cni_err_clear(err);
		read_backoff(tries);
	}
}

enum fw_backend fw_tx_backend(const struct fw_tx *tx)
{
	return tx->backend;
}

bool fw_tx_chain_exists(const struct fw_tx *tx, const char *chain)
{
	const struct fw_state_chain *c = fw_state_chain(tx, chain);

	return c && c->exists;
}

size_t fw_tx_count_rules(const struct fw_tx *tx, const char *chain, const char *comment,
			 bool prefix)
{
	size_t n = 0;

	for (size_t i = 0; i < tx->n_rules; i++) {
		const struct fw_state_rule *r = &tx->rules[i];

		if ((!chain || strcmp(r->chain, chain) == 0) &&
		    fw_comment_matches(r->comment, comment, prefix))
			n++;
	}
	return n;
}

static bool jump_matches(const struct fw_state_rule *r, const char *chain, const char *target,
			 const char *comment)
{
	return strcmp(r->chain, chain) == 0 && r->target && strcmp(r->target, target) == 0 &&
	       (!comment || fw_comment_matches(r->comment, comment, false));
}

size_t fw_tx_count_jumps(const struct fw_tx *tx, const char *chain, const char *target,
			 const char *comment)
{
	size_t n = 0;

	for (size_t i = 0; i < tx->n_rules; i++)
		if (jump_matches(&tx->rules[i], chain, target, comment))
			n++;
	return n;
}

void fw_strings_free(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

int fw_tx_comments(const struct fw_tx *tx, const char *chain, const char *prefix, char ***out,
		   size_t *n, struct cni_err *err)
{
	char **list = calloc(tx->n_rules + 1, sizeof(*list));
	size_t count = 0;

	if (!list)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall comments");
	for (size_t i = 0; i < tx->n_rules; i++) {
		const struct fw_state_rule *r = &tx->rules[i];
		bool seen = false;

		if ((chain && strcmp(r->chain, chain) != 0) ||
		    !fw_comment_matches(r->comment, prefix, true))
			continue;
		for (size_t j = 0; j < count && !seen; j++)
			seen = strcmp(list[j], r->comment) == 0;
		if (seen)
			continue;
		list[count] = strdup(r->comment);
		if (!list[count]) {
			fw_strings_free(list, count);
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall comments");
		}
		count++;
	}
	*out = list;
	*n = count;
	return 0;
}

static struct fw_op *op_new(struct fw_tx *tx, enum fw_op_kind kind, struct cni_err *err)
{
	struct fw_op *grown = realloc(tx->ops, (tx->n_ops + 1) * sizeof(*grown));

	if (!grown) {
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall transaction");
		return NULL;
	}
	tx->ops = grown;
	grown = &tx->ops[tx->n_ops++];
	*grown = (struct fw_op){.kind = kind};
	return grown;
}

static int op_set_chain(struct fw_op *op, const struct fw_chain *c, struct cni_err *err)
{
	op->chain = *c;
	op->chain.name = c->name ? strdup(c->name) : NULL;
	op->chain.comment = c->comment ? strdup(c->comment) : NULL;
	if ((c->name && !op->chain.name) || (c->comment && !op->chain.comment))
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall transaction");
	return 0;
}

int fw_tx_ensure_table(struct fw_tx *tx, const char *comment, struct cni_err *err)
{
	struct fw_op *op;

	if (tx->backend != FW_BACKEND_NFTABLES || tx->table_exists)
		return 0;
	op = op_new(tx, FW_OP_ENSURE_TABLE, err);
	if (!op)
		return -1;
	return op_set_chain(op, &(struct fw_chain){.comment = comment}, err);
}

int fw_tx_ensure_chain(struct fw_tx *tx, const struct fw_chain *chain, struct cni_err *err)
{
	struct fw_state_chain *c = fw_state_chain(tx, chain->name);
	struct fw_op *op;

	/* An existing chain is left alone. On nftables a NEWCHAIN for it would be a chain update,
	 * which the kernel frees only after an RCU grace period, and closing our socket waits for
	 * that (~8 ms here); one of another kind (a regular chain where a base chain is wanted) is
	 * still sent, for the kernel to refuse. iptables built-in chains always exist. */
	if (c && c->exists && (tx->backend == FW_BACKEND_IPTABLES || fw_nft_chain_is(c, chain)))
		return 0;
	op = op_new(tx, FW_OP_ENSURE_CHAIN, err);
	if (!op)
		return -1;
	if (op_set_chain(op, chain, err) < 0)
		return -1;
	return fw_state_add_chain(tx, chain->name, chain->hook != FW_HOOK_NONE, err);
}

int fw_tx_flush_chain(struct fw_tx *tx, const char *chain, struct cni_err *err)
{
	struct fw_op *op;

	if (!fw_tx_chain_exists(tx, chain))
		return 0;
	op = op_new(tx, FW_OP_FLUSH_CHAIN, err);
	if (!op)
		return -1;
	return op_set_chain(op, &(struct fw_chain){.name = chain}, err);
}

int fw_tx_add_rule(struct fw_tx *tx, const struct fw_rule *rule, bool prepend, struct cni_err *err)
{
	struct fw_op *op = op_new(tx, FW_OP_ADD_RULE, err);

	if (!op)
		return -1;
	op->prepend = prepend;
	if (rule_copy(&op->rule, rule) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "firewall transaction");
	return 0;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The chain, as read and untouched by the queue, holds exactly rules (nftables only). */
static bool chain_holds(const struct fw_tx *tx, const char *chain, const struct fw_rule *rules,
			size_t n)
{
	size_t seen = 0;

	if (tx->backend != FW_BACKEND_NFTABLES || !fw_tx_chain_exists(tx, chain))
		return false;
	for (size_t i = 0; i < tx->n_ops; i++)
		if (same_text(tx->ops[i].chain.name, chain) ||
		    same_text(tx->ops[i].rule.chain, chain))
			return false;
	for (size_t i = 0; i < tx->n_rules; i++) {
		const struct fw_state_rule *have = &tx->rules[i];
		_cleanup_free_ char *want = NULL;

		if (strcmp(have->chain, chain) != 0)
			continue;
		if (have->doomed || seen == n || !have->body ||
		    !same_text(have->comment, rules[seen].comment))
			return false;
		want = fw_nft_rule_body_of(tx->family, &rules[seen]);
		if (!want || strcmp(want, have->body) != 0)
			return false;
		seen++;
	}
	return seen == n;
}

int fw_tx_set_chain_rules(struct fw_tx *tx, const char *chain, const struct fw_rule *rules,
			  size_t n, struct cni_err *err)
{
	if (chain_holds(tx, chain, rules, n))
		return 0;
	if (fw_tx_flush_chain(tx, chain, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (fw_tx_add_rule(tx, &rules[i], false, err) < 0)
			return -1;
	return 0;
}

int fw_tx_delete_by_comment(struct fw_tx *tx, const char *chain, const char *comment, bool prefix,
			    struct cni_err *err)
{
	for (size_t i = 0; i < tx->n_rules; i++) {
		struct fw_state_rule *r = &tx->rules[i];

		if ((!chain || strcmp(r->chain, chain) == 0) &&
		    fw_comment_matches(r->comment, comment, prefix))
			r->doomed = true;
	}
	return 0;
}

int fw_tx_delete_jumps(struct fw_tx *tx, const char *chain, const char *target, const char *comment,
		       struct cni_err *err)
{
	for (size_t i = 0; i < tx->n_rules; i++)
		if (jump_matches(&tx->rules[i], chain, target, comment))
			tx->rules[i].doomed = true;
	return 0;
}

int fw_tx_delete_chain(struct fw_tx *tx, const char *chain, struct cni_err *err)
{
	struct fw_state_chain *c = fw_state_chain(tx, chain);
	struct fw_op *op;

	if (!c || !c->exists)
		return 0;
	/* Its rules go with it: they are not deleted one by one. */
	for (size_t i = 0; i < tx->n_rules; i++)
		if (strcmp(tx->rules[i].chain, chain) == 0)
			tx->rules[i].doomed = false;
	op = op_new(tx, FW_OP_DELETE_CHAIN, err);
	if (!op)
		return -1;
	c->exists = false;
	return op_set_chain(op, &(struct fw_chain){.name = chain}, err);
}

static bool has_work(const struct fw_tx *tx)
{
	bool work = tx->n_ops > 0;

	for (size_t i = 0; i < tx->n_rules && !work; i++)
		work = tx->rules[i].doomed;
	return work;
}

int fw_tx_commit(struct fw_tx *tx, struct cni_err *err)
{
	return fw_tx_commit_all(&tx, 1, err);
}

int fw_tx_commit_all(struct fw_tx *const *txs, size_t n, struct cni_err *err)
{
	struct fw_tx *busy[FW_TX_COMMIT_MAX];
	size_t n_busy = 0;

	if (n > FW_TX_COMMIT_MAX)
		return cni_errf(err, CNI_ERR_INTERNAL, E2BIG, "firewall transactions");
	for (size_t i = 0; i < n; i++)
		if (has_work(txs[i]))
			busy[n_busy++] = txs[i];
	if (n_busy == 0)
		return 0;
	if (busy[0]->backend == FW_BACKEND_NFTABLES) {
		for (size_t i = 1; i < n_busy; i++)
			if (busy[i]->backend != FW_BACKEND_NFTABLES)
				return cni_errf(err, CNI_ERR_INTERNAL, EINVAL,
						"firewall transactions of two backends");
		return fw_nft_commit(busy, n_busy, err);
	}
	for (size_t i = 0; i < n_busy; i++)
		if (fw_ipt_commit(busy[i], err) < 0)
			return -1;
	return 0;
}
