/* The ingress/clsact qdisc of a link: find it, count its filters, drop it once it is empty. */
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "tc/hook.h"

int tc_hook_qdisc(struct nl_handle *h, int ifindex, char kind[16], struct cni_err *err)
{
	_cleanup_free_ struct nl_qdisc *q = NULL;
	size_t n = 0;

	kind[0] = '\0';
	if (nl_qdisc_list(h, ifindex, &q, &n, err) < 0)
		return cni_err_wrap(err, "list qdiscs");
	for (size_t i = 0; i < n; i++)
		if (q[i].parent == NL_TC_INGRESS_PARENT &&
		    (strcmp(q[i].kind, "ingress") == 0 || strcmp(q[i].kind, "clsact") == 0))
			strcpy(kind, q[i].kind);
	return 0;
}

int tc_filter_count(struct nl_handle *h, int ifindex, uint32_t parent, size_t *n,
		    struct cni_err *err)
{
	_cleanup_free_ struct nl_filter *f = NULL;

	if (nl_filter_list(h, ifindex, parent, &f, n, err) < 0)
		return cni_err_wrap(err, "list filters");
	return 0;
}

int tc_ingress_remove_if_empty(struct nl_handle *h, int ifindex, struct cni_err *err)
{
	char kind[16];
	size_t in = 0, eg = 0;

	if (tc_hook_qdisc(h, ifindex, kind, err) < 0)
		return -1;
	if (!kind[0])
		return 0;
	if (strcmp(kind, "ingress") == 0) {
		if (tc_filter_count(h, ifindex, NL_TC_INGRESS_HANDLE, &in, err) < 0)
			return -1;
	} else if (tc_filter_count(h, ifindex, NL_TC_HOOK_INGRESS, &in, err) < 0 ||
		   tc_filter_count(h, ifindex, NL_TC_HOOK_EGRESS, &eg, err) < 0) {
		return -1;
	}
	if (in || eg)
		return 0;
	if (nl_qdisc_del(h, ifindex, NL_TC_INGRESS_PARENT, NL_TC_INGRESS_HANDLE, err) < 0)
		return cni_err_wrap(err, "delete %s qdisc", kind);
	return 0;
}

struct tc_undo {
	struct nl_handle *h;
	int ifindex;
	uint32_t parent, handle;
	uint16_t prio;
};

static void tc_undo(void *arg)
{
	struct tc_undo *a = arg;
	struct cni_err ignored = {0};

	if (a->prio)
		nl_filter_del(a->h, a->ifindex, a->parent, a->prio, &ignored);
	else
		nl_qdisc_del(a->h, a->ifindex, a->parent, a->handle, &ignored);
}

int tc_undo_push(struct undo_stack *u, struct nl_handle *h, int ifindex, uint32_t parent,
		 uint32_t handle, uint16_t prio, struct cni_err *err)
{
	struct tc_undo a = {
		.h = h, .ifindex = ifindex, .parent = parent, .handle = handle, .prio = prio};

	if (undo_push(u, tc_undo, &a, sizeof(a)) < 0) {
		tc_undo(&a);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	return 0;
}
