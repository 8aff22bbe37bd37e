/* Shared by pkg/tc only: the ingress/clsact qdisc of a link and undo steps for tc objects. */
#ifndef TC_HOOK_H
#define TC_HOOK_H

#include "nl/tc.h"
#include "tc/tc.h"

/* kind: "ingress", "clsact", or "" when the link has neither. */
int tc_hook_qdisc(struct nl_handle *h, int ifindex, char kind[16], struct cni_err *err);
/* The number of filters at parent. */
int tc_filter_count(struct nl_handle *h, int ifindex, uint32_t parent, size_t *n,
		    struct cni_err *err);

/* Push the deletion of a qdisc (prio 0) or of a filter prio at parent. */
int tc_undo_push(struct undo_stack *u, struct nl_handle *h, int ifindex, uint32_t parent,
		 uint32_t handle, uint16_t prio, struct cni_err *err);

#endif
