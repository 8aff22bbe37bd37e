/* The redirect of a link's incoming packets to an IFB, where a qdisc can shape them. */
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "tc/hook.h"

/* The reference's filter: u32 prio 1, flowid 1:1. */
#define REDIRECT_PRIO 1

/* An ingress qdisc takes filters at ffff:, a clsact one at its ingress hook ffff:fff2. */
static uint32_t hook_parent(const char *kind)
{
	return strcmp(kind, "clsact") == 0 ? NL_TC_HOOK_INGRESS : NL_TC_INGRESS_HANDLE;
}

int tc_redirect_add(struct nl_handle *h, int ifindex, int ifb, struct undo_stack *u,
		    struct cni_err *err)
{
	char kind[16];
	uint32_t parent;

	if (tc_hook_qdisc(h, ifindex, kind, err) < 0)
		return -1;
	if (!kind[0]) {
		if (nl_qdisc_add(h, ifindex, NL_TC_INGRESS_PARENT, NL_TC_INGRESS_HANDLE, "ingress",
				 err) < 0)
			return cni_err_wrap(err, "create ingress qdisc");
		if (tc_undo_push(u, h, ifindex, NL_TC_INGRESS_PARENT, NL_TC_INGRESS_HANDLE, 0,
				 err) < 0)
			return -1;
		strcpy(kind, "ingress");
	}
	parent = hook_parent(kind);
	if (nl_filter_add_u32_redirect(h, ifindex, parent, REDIRECT_PRIO, NL_TC_HANDLE(1, 1), ifb,
				       err) < 0)
		return cni_err_wrap(err, "add filter");
	return tc_undo_push(u, h, ifindex, parent, 0, REDIRECT_PRIO, err);
}

/* *found: whether a u32 filter at prio 1 of the ingress hook redirects to ifb (0: to anything). */
static int redirect_find(struct nl_handle *h, int ifindex, int ifb, uint32_t *parent, bool *found,
			 struct cni_err *err)
{
	_cleanup_free_ struct nl_filter *f = NULL;
	char kind[16];
	size_t n = 0;

	*found = false;
	if (tc_hook_qdisc(h, ifindex, kind, err) < 0)
		return -1;
	if (!kind[0])
		return 0;
	*parent = hook_parent(kind);
	if (nl_filter_list(h, ifindex, *parent, &f, &n, err) < 0)
		return cni_err_wrap(err, "list filters");
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].kind, "u32") == 0 && f[i].prio == REDIRECT_PRIO && f[i].redirect &&
		    (!ifb || f[i].redirect == ifb))
			*found = true;
	return 0;
}

int tc_redirect_check(struct nl_handle *h, int ifindex, int ifb, struct cni_err *err)
{
	uint32_t parent;
	bool found;

	if (redirect_find(h, ifindex, ifb, &parent, &found, err) < 0)
		return -1;
	if (!found)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"no filter redirecting link %d to the ifb", ifindex);
	return 0;
}

int tc_redirect_remove(struct nl_handle *h, int ifindex, int ifb, struct cni_err *err)
{
	uint32_t parent;
	bool found;

	if (redirect_find(h, ifindex, ifb, &parent, &found, err) < 0)
		return -1;
	if (found && nl_filter_del(h, ifindex, parent, REDIRECT_PRIO, err) < 0)
		return cni_err_wrap(err, "delete filter");
	return tc_ingress_remove_if_empty(h, ifindex, err);
}
