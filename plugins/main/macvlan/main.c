/* The macvlan plugin: a macvlan link on a master, born in the pod's netns, IPAM optional. */
#include <string.h>

#include "cni/cleanup.h"
#include "config.h"
#include "ipam/ipam.h"

static int macvlan_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run = {.ns_fd = -1};
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	struct macvlan_config c;
	struct nl_link_info master, link;
	struct nl_macvlan_options opts;
	struct nl_link_spec spec;

	if (macvlan_config_parse(req, &c, err) < 0 || stacked_open(&run, req, err) < 0 ||
	    stacked_find_master(&run, &c.base, &master, err) < 0)
		return -1;
	opts = (struct nl_macvlan_options){.mode = c.mode, .bc_queue_len = c.bc_queue_len};
	spec = (struct nl_link_spec){
		.mtu = (unsigned)c.base.mtu,
		.has_mac = c.has_mac,
		.kind = &nl_link_kind_macvlan,
		.options = &opts,
	};
	memcpy(spec.mac, c.mac, sizeof(spec.mac));
	if (stacked_link_create(&run, &undo, &c.base, &master, &spec, &link, err) < 0)
		return cni_err_wrap(err, "failed to create macvlan");
	if (cni_result_add_interface(result, link.name, link.mac_str, 0, req->netns, err) < 0)
		return -1;

	if (c.base.has_ipam) {
		if (stacked_ipam_add(&run, &undo, result, err) < 0)
			return -1;
	} else if (nl_link_set_up(run.ctr, link.ifindex, true, err) < 0) {
		/* Layer 2 only: the link is just set up. */
		return cni_err_wrap(err, "failed to set \"%s\" UP", req->ifname);
	}
	if (stacked_result_set_dns(result, req, err) < 0)
		return -1;
	undo_forget(&undo);
	return 0;
}

/* Releases the IPAM reservation first, then the link; both tolerate what is already gone. */
static int macvlan_del(struct cni_request *req, struct cni_err *err)
{
	if (stacked_has_ipam(req) && ipam_del(req, err) < 0)
		return -1;
	return stacked_link_delete(req, err);
}

static int macvlan_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run = {.ns_fd = -1};
	struct macvlan_config c;
	struct nl_link_info master, link;
	uint32_t mode;

	if (macvlan_config_parse(req, &c, err) < 0 || stacked_open(&run, req, err) < 0 ||
	    stacked_find_master(&run, &c.base, &master, err) < 0)
		return -1;
	if (c.base.has_ipam && ipam_check(req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "required prevResult missing");
	if (stacked_check_link(&run, "macvlan", &master, &link, err) < 0)
		return -1;
	if (nl_macvlan_get_mode(run.ctr, link.ifindex, &mode, err) < 0)
		return -1;
	if (mode != c.mode)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"container macvlan mode %s does not match expected value: %s",
				macvlan_mode_name(mode), macvlan_mode_name(c.mode));
	return stacked_check_ip(&run, err);
}

static int macvlan_status(struct cni_request *req, struct cni_err *err)
{
	return stacked_status(req, true, err);
}

static int macvlan_gc(struct cni_request *req, struct cni_err *err)
{
	return stacked_has_ipam(req) ? ipam_gc(req, err) : 0;
}

static const char *const macvlan_args_keys[] = {"MAC", NULL};

static const struct cni_plugin macvlan = {
	.name = "macvlan",
	.about = "CNI macvlan plugin (cni-c)",
	.args_keys = macvlan_args_keys,
	.add = macvlan_add,
	.del = macvlan_del,
	.check = macvlan_check,
	.status = macvlan_status,
	.gc = macvlan_gc,
};

int main(void)
{
	return cni_skel_main(&macvlan);
}
