/*
 * libiptc read and commit, written once for both families: ipt_legacy4.c and ipt_legacy6.c define
 * TC(name) (iptc_name / ip6tc_name), ENTRY (struct ipt_entry / ip6t_entry) and FN(name), then
 * include this file. libiptc.h and libip6tc.h cannot share one translation unit.
 */
#include <errno.h>
#include <string.h>

#include <linux/netfilter/xt_comment.h>

#include "cni/cleanup.h"
#include "fw/internal.h"
#include "fw/ipt_entry.h"

/* The comment match's text of a rule, or NULL. */
static const char *entry_comment(const ENTRY *e)
{
	for (unsigned off = sizeof(*e); off < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + off);

		if (m->u.match_size == 0)
			break;
		if (strcmp(m->u.user.name, "comment") == 0)
			return ((const struct xt_comment_info *)m->data)->comment;
		off += m->u.match_size;
	}
	return NULL;
}

int FN(read)(struct fw_tx *tx, struct cni_err *err)
{
	struct xtc_handle *h = TC(init)(tx->table);

	if (!h) {
		/* No iptables module in this kernel: nothing of ours can be there. */
		if (errno == ENOENT || errno == EAFNOSUPPORT || errno == ENOPROTOOPT)
			return 0;
		return cni_errf(err, CNI_ERR_IO, 0, "iptables-legacy table %s: %s", tx->table,
				TC(strerror)(errno));
	}
	for (const char *c = TC(first_chain)(h); c; c = TC(next_chain)(h)) {
		if (fw_state_add_chain(tx, c, TC(builtin)(c, h), err) < 0)
			goto fail;
		for (const ENTRY *e = TC(first_rule)(c, h); e; e = TC(next_rule)(e, h)) {
			const char *target = TC(get_target)(e, h);

			if (fw_state_add_rule(tx, c, entry_comment(e),
					      target && target[0] ? target : NULL, 0, err) < 0)
				goto fail;
		}
	}
	TC(free)(h);
	return 0;
fail:
	TC(free)(h);
	return -1;
}

/* Append or insert one rule, built by ipt_entry.c; 0 is libiptc's failure, with errno. */
static int add_rule(const struct fw_op *op, int family, struct xtc_handle *h, struct cni_err *err)
{
	_cleanup_free_ void *e = NULL;

	if (fw_ipt_entry_build(&op->rule, family, &e, err) < 0)
		return -1;
	if (op->prepend)
		return TC(insert_entry)(op->rule.chain, e, 0, h) ? 0 : 1;
	return TC(append_entry)(op->rule.chain, e, h) ? 0 : 1;
}

/* The whole queue, in order, then one commit: the kernel swaps the table at once. */
int FN(commit)(struct fw_tx *tx, struct cni_err *err)
{
	struct xtc_handle *h = TC(init)(tx->table);

	if (!h)
		return cni_errf(err, CNI_ERR_IO, 0, "iptables-legacy table %s: %s", tx->table,
				TC(strerror)(errno));
	/* Highest position first, so the numbers read at open stay right. */
	for (size_t i = tx->n_rules; i-- > 0;) {
		const struct fw_state_rule *r = &tx->rules[i];

		if (r->doomed && !TC(delete_num_entry)(r->chain, r->position - 1, h))
			goto fail;
	}
	for (size_t i = 0; i < tx->n_ops; i++) {
		const struct fw_op *op = &tx->ops[i];
		int ok = 1;

		switch (op->kind) {
		case FW_OP_ENSURE_CHAIN:
			ok = TC(create_chain)(op->chain.name, h);
			break;
		case FW_OP_FLUSH_CHAIN:
			ok = TC(flush_entries)(op->chain.name, h);
			break;
		case FW_OP_DELETE_CHAIN:
			ok = TC(flush_entries)(op->chain.name, h) &&
			     TC(delete_chain)(op->chain.name, h);
			break;
		case FW_OP_ADD_RULE:
			switch (add_rule(op, tx->family, h, err)) {
			case -1:
				TC(free)(h);
				return cni_err_wrap(err, "iptables-legacy table %s", tx->table);
			case 1:
				ok = 0;
				break;
			}
			break;
		default:
			break;
		}
		if (!ok)
			goto fail;
	}
	if (cni_fault("iptc") < 0 || !TC(commit)(h))
		goto fail;
	TC(free)(h);
	return 0;
fail:
	cni_errf(err, CNI_ERR_IO, 0, "iptables-legacy table %s: %s", tx->table,
		 TC(strerror)(errno));
	TC(free)(h);
	return -1;
}
