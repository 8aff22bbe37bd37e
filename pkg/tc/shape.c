/* Shaping what leaves a link: a root tbf (the reference), or a root fq fed by the EDT program. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "tc/edt.h"
#include "tc/hook.h"
#include "tc/tbf.h"

#define ROOT_HANDLE NL_TC_HANDLE(1, 0)

static int shape_add_tbf(struct nl_handle *h, int ifindex, const struct tc_rate *r,
			 struct undo_stack *u, struct cni_err *err)
{
	struct nl_tbf tbf;

	if (tc_tbf_params(r, &tbf, err) < 0)
		return -1;
	if (nl_qdisc_add_tbf(h, ifindex, NL_TC_ROOT, ROOT_HANDLE, &tbf, err) < 0)
		return cni_err_wrap(err, "create qdisc");
	return tc_undo_push(u, h, ifindex, NL_TC_ROOT, ROOT_HANDLE, 0, err);
}

static int shape_add_edt(struct nl_handle *h, int ifindex, const struct tc_rate *r,
			 struct undo_stack *u, struct cni_err *err)
{
	struct tc_edt_config c;
	char kind[16];

	if (tc_edt_config(r, &c, err) < 0)
		return -1;
	if (nl_qdisc_add(h, ifindex, NL_TC_ROOT, ROOT_HANDLE, "fq", err) < 0) {
		if (err->errnum == ENOENT)
			return cni_errf(err, CNI_ERR_NOT_AVAILABLE, ENOENT,
					"shapingMode edt needs the fq qdisc (sch_fq), which this "
					"kernel lacks");
		return cni_err_wrap(err, "create fq qdisc");
	}
	if (tc_undo_push(u, h, ifindex, NL_TC_ROOT, ROOT_HANDLE, 0, err) < 0)
		return -1;
	if (tc_hook_qdisc(h, ifindex, kind, err) < 0)
		return -1;
	if (strcmp(kind, "ingress") == 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"link %d has an ingress qdisc; shapingMode edt needs clsact",
				ifindex);
	if (!kind[0]) {
		if (nl_qdisc_add(h, ifindex, NL_TC_INGRESS_PARENT, NL_TC_INGRESS_HANDLE, "clsact",
				 err) < 0)
			return cni_err_wrap(err, "create clsact qdisc");
		if (tc_undo_push(u, h, ifindex, NL_TC_INGRESS_PARENT, NL_TC_INGRESS_HANDLE, 0,
				 err) < 0)
			return -1;
	}
	return tc_edt_attach(h, ifindex, &c, u, err);
}

int tc_shape_add(struct nl_handle *h, int ifindex, enum tc_mode mode, const struct tc_rate *r,
		 struct undo_stack *u, struct cni_err *err)
{
	if (mode == TC_MODE_EDT)
		return shape_add_edt(h, ifindex, r, u, err);
	return shape_add_tbf(h, ifindex, r, u, err);
}

static int root_qdisc(struct nl_handle *h, int ifindex, struct nl_qdisc *out, bool *found,
		      struct cni_err *err)
{
	_cleanup_free_ struct nl_qdisc *q = NULL;
	size_t n = 0;

	*found = false;
	if (nl_qdisc_list(h, ifindex, &q, &n, err) < 0)
		return cni_err_wrap(err, "list qdiscs");
	for (size_t i = 0; i < n; i++) {
		if (q[i].parent != NL_TC_ROOT)
			continue;
		*out = q[i];
		*found = true;
	}
	return 0;
}

static int check_tbf(const struct nl_qdisc *q, const struct tc_rate *r, struct cni_err *err)
{
	struct nl_tbf want;

	if (tc_tbf_params(r, &want, err) < 0)
		return -1;
	/* The reference's messages. */
	if (q->tbf.rate != want.rate)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "Rate doesn't match");
	if (q->tbf.limit != want.limit)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "Limit doesn't match");
	if (q->tbf.buffer != want.buffer)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "Buffer doesn't match");
	return 0;
}

static int check_edt(struct nl_handle *h, int ifindex, const struct tc_rate *r, struct cni_err *err)
{
	struct tc_edt_config want, got;
	bool found;

	if (tc_edt_config(r, &want, err) < 0 || tc_edt_read(h, ifindex, &got, &found, err) < 0)
		return -1;
	if (!found)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"no EDT program on the egress of link %d", ifindex);
	if (got.rate != want.rate)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "Rate doesn't match");
	if (got.burst_ns != want.burst_ns || got.horizon_ns != want.horizon_ns)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "Burst doesn't match");
	return 0;
}

int tc_shape_check(struct nl_handle *h, int ifindex, enum tc_mode mode, const struct tc_rate *r,
		   struct cni_err *err)
{
	const char *kind = mode == TC_MODE_EDT ? "fq" : "tbf";
	struct nl_qdisc q;
	bool found;

	if (root_qdisc(h, ifindex, &q, &found, err) < 0)
		return -1;
	if (!found || strcmp(q.kind, kind) != 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"Failed to find qdisc: no root %s on link %d", kind, ifindex);
	if (mode == TC_MODE_EDT)
		return check_edt(h, ifindex, r, err);
	return check_tbf(&q, r, err);
}

int tc_shape_remove(struct nl_handle *h, int ifindex, struct cni_err *err)
{
	struct tc_edt_config c;
	struct nl_qdisc q;
	bool found;

	if (tc_edt_read(h, ifindex, &c, &found, err) < 0)
		return -1;
	if (found && nl_filter_del(h, ifindex, NL_TC_HOOK_EGRESS, TC_EDT_PRIO, err) < 0)
		return cni_err_wrap(err, "detach the EDT program");
	if (found && tc_ingress_remove_if_empty(h, ifindex, err) < 0)
		return -1;
	if (root_qdisc(h, ifindex, &q, &found, err) < 0)
		return -1;
	/* Only ours: handle 1: of the kinds we make. */
	if (found && q.handle == ROOT_HANDLE &&
	    (strcmp(q.kind, "tbf") == 0 || strcmp(q.kind, "fq") == 0) &&
	    nl_qdisc_del(h, ifindex, NL_TC_ROOT, ROOT_HANDLE, err) < 0)
		return cni_err_wrap(err, "delete root %s qdisc", q.kind);
	return 0;
}
