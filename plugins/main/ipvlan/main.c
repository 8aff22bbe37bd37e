/*
 * The ipvlan plugin: an ipvlan link on a master, born in the pod's netns, with IPs from IPAM or,
 * chained after another plugin, from its prevResult.
 */
#include "cni/cleanup.h"
#include "config.h"
#include "ipam/ipam.h"

static int ipvlan_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run = {.ns_fd = -1};
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	struct ipvlan_config c;
	struct nl_link_info master, link;
	struct nl_ipvlan_options opts;
	struct nl_link_spec spec;

	if (ipvlan_config_parse(req, true, &c, err) < 0)
		return -1;
	if (!c.base.has_ipam && !c.chained)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"ipvlan needs an ipam type or a prevResult with IPs");
	if (stacked_open(&run, req, err) < 0 ||
	    stacked_find_master(&run, &c.base, &master, err) < 0)
		return -1;
	opts = (struct nl_ipvlan_options){.mode = c.mode};
	spec = (struct nl_link_spec){
		.mtu = (unsigned)c.base.mtu,
		.kind = &nl_link_kind_ipvlan,
		.options = &opts,
	};
	if (stacked_link_create(&run, &undo, &c.base, &master, &spec, &link, err) < 0)
		return cni_err_wrap(err, "failed to create ipvlan");
	if (cni_result_add_interface(result, link.name, link.mac_str, 0, req->netns, err) < 0)
		return -1;

	if (c.base.has_ipam) {
		if (stacked_ipam_add(&run, &undo, result, err) < 0)
			return -1;
	} else if (stacked_prev_result_add(&run, &req->prev_result, result, err) < 0) {
		return -1;
	}
	if (stacked_result_set_dns(result, req, err) < 0)
		return -1;
	undo_forget(&undo);
	return 0;
}

/*
 * Needs neither the master nor the netns: on a chained DEL the IPs are the previous plugin's,
 * and a gone master took its ipvlan links with it.
 */
static int ipvlan_del(struct cni_request *req, struct cni_err *err)
{
	if (stacked_has_ipam(req) && ipam_del(req, err) < 0)
		return -1;
	return stacked_link_delete(req, err);
}

static int ipvlan_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run = {.ns_fd = -1};
	struct ipvlan_config c;
	struct nl_link_info master, link;
	bool has_master;
	uint16_t mode;

	if (ipvlan_config_parse(req, false, &c, err) < 0 || stacked_open(&run, req, err) < 0)
		return -1;
	/* The prevResult is our own now: an unnamed master is known only by the link's parent. */
	has_master = c.base.master[0] || c.base.has_ipam;
	if (has_master && stacked_find_master(&run, &c.base, &master, err) < 0)
		return -1;
	if (c.base.has_ipam && ipam_check(req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	if (stacked_check_link(&run, "ipvlan", has_master ? &master : NULL, &link, err) < 0)
		return -1;
	if (nl_ipvlan_get_mode(run.ctr, link.ifindex, &mode, err) < 0)
		return -1;
	if (mode != c.mode)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"Container IPVlan mode %s does not match expected value: %s",
				ipvlan_mode_name(mode), ipvlan_mode_name(c.mode));
	return stacked_check_ip(&run, err);
}

/* Without an ipam type the master may come from a prevResult STATUS does not have. */
static int ipvlan_status(struct cni_request *req, struct cni_err *err)
{
	return stacked_status(req, stacked_has_ipam(req), err);
}

static int ipvlan_gc(struct cni_request *req, struct cni_err *err)
{
	return stacked_has_ipam(req) ? ipam_gc(req, err) : 0;
}

static const struct cni_plugin ipvlan = {
	.name = "ipvlan",
	.about = "CNI ipvlan plugin (cni-c)",
	.add = ipvlan_add,
	.del = ipvlan_del,
	.check = ipvlan_check,
	.status = ipvlan_status,
	.gc = ipvlan_gc,
};

int main(void)
{
	return cni_skel_main(&ipvlan);
}
