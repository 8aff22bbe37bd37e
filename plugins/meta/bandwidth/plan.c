/* The plan of an attachment: which link shapes which direction, applied, checked and removed. */
#include <string.h>

#include "bandwidth.h"
#include "nl/tc.h"
#include "tc/tc.h"

/* Redirect what arrives on dev to the IFB, created in dev's namespace, and shape the IFB. */
static int ifb_path_add(struct bw_run *run, struct nl_handle *h, const struct nl_link_info *dev,
			const struct tc_rate *r, const char *sandbox, struct cni_result *result,
			struct undo_stack *u, struct cni_err *err)
{
	struct nl_link_info ifb;

	if (tc_ifb_create(h, run->ifb, dev->mtu, run->alias, u, err) < 0)
		return -1;
	if (nl_link_get_by_name(h, run->ifb, &ifb, err) < 0)
		return -1;
	if (cni_result_add_interface(result, run->ifb, ifb.mac_str, 0, sandbox, err) < 0)
		return -1;
	if (tc_redirect_add(h, dev->ifindex, ifb.ifindex, u, err) < 0)
		return -1;
	if (tc_shape_add(h, ifb.ifindex, run->conf.mode, r, u, err) < 0)
		return cni_err_wrap(err, "create ifb qdisc");
	return 0;
}

static int ifb_path_check(struct bw_run *run, struct nl_handle *h, const struct nl_link_info *dev,
			  const struct tc_rate *r, struct cni_err *err)
{
	struct nl_link_info ifb;

	if (nl_link_get_by_name(h, run->ifb, &ifb, err) < 0)
		return cni_err_wrap(err, "get ifb device");
	if (tc_redirect_check(h, dev->ifindex, ifb.ifindex, err) < 0)
		return -1;
	return tc_shape_check(h, ifb.ifindex, run->conf.mode, r, err);
}

int bw_plan_add(struct bw_run *run, struct cni_result *result, struct undo_stack *u,
		struct cni_err *err)
{
	const struct bandwidth_config *c = &run->conf;

	if (c->has_ingress) {
		if (run->veth) {
			if (tc_shape_add(run->host, run->host_if.ifindex, c->mode, &c->ingress, u,
					 err) < 0)
				return -1;
		} else if (ifb_path_add(run, run->ctr, &run->ctr_if, &c->ingress, run->req->netns,
					result, u, err) < 0) {
			return -1;
		}
	}
	if (c->has_egress) {
		if (run->veth && c->mode == TC_MODE_TBF)
			return ifb_path_add(run, run->host, &run->host_if, &c->egress, NULL, result,
					    u, err);
		return tc_shape_add(run->ctr, run->ctr_if.ifindex, c->mode, &c->egress, u, err);
	}
	return 0;
}

int bw_plan_check(struct bw_run *run, struct cni_err *err)
{
	const struct bandwidth_config *c = &run->conf;

	if (c->has_ingress) {
		if (run->veth) {
			if (tc_shape_check(run->host, run->host_if.ifindex, c->mode, &c->ingress,
					   err) < 0)
				return -1;
		} else if (ifb_path_check(run, run->ctr, &run->ctr_if, &c->ingress, err) < 0) {
			return -1;
		}
	}
	if (c->has_egress) {
		if (run->veth && c->mode == TC_MODE_TBF)
			return ifb_path_check(run, run->host, &run->host_if, &c->egress, err);
		return tc_shape_check(run->ctr, run->ctr_if.ifindex, c->mode, &c->egress, err);
	}
	return 0;
}

/* The redirect to the IFB of h (if any), the shaping of dev, and the IFB itself. */
static int remove_in(struct bw_run *run, struct nl_handle *h, int dev, struct cni_err *err)
{
	struct nl_link_info ifb = {0};

	if (nl_link_get_by_name(h, run->ifb, &ifb, err) < 0) {
		if (!nl_err_is_not_found(err))
			return -1;
		cni_err_clear(err);
	}
	if (dev && ifb.ifindex && tc_redirect_remove(h, dev, ifb.ifindex, err) < 0)
		return -1;
	if (dev && tc_shape_remove(h, dev, err) < 0)
		return -1;
	return tc_ifb_delete(h, run->ifb, err);
}

int bw_plan_remove(struct bw_run *run, struct cni_err *err)
{
	struct cni_err lookup = {0};
	int host_dev = 0, ctr_dev = 0;

	/* Only a link that is not there is skipped: a lookup that fails otherwise would leave
	 * its shaping behind under a DEL that reports success. */
	if (run->ctr &&
	    nl_link_get_by_name(run->ctr, run->req->ifname, &run->ctr_if, &lookup) == 0) {
		ctr_dev = run->ctr_if.ifindex;
		if (strcmp(run->ctr_if.kind, "veth") == 0 &&
		    nl_link_get_by_index(run->host, run->ctr_if.link, &run->host_if, &lookup) ==
			    0 &&
		    run->host_if.link == ctr_dev)
			host_dev = run->host_if.ifindex;
	}
	if (cni_err_is_set(&lookup) && !nl_err_is_not_found(&lookup)) {
		*err = lookup;
		return cni_err_wrap(err, "find the links to unshape");
	}
	if (remove_in(run, run->host, host_dev, err) < 0)
		return cni_err_wrap(err, "host namespace");
	if (run->ctr && remove_in(run, run->ctr, ctr_dev, err) < 0)
		return cni_err_wrap(err, "container namespace");
	return 0;
}
