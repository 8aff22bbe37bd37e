/* The ptp plugin: a veth per pod, routed (not bridged) by the node, IPAM on top. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "ipam/apply.h"
#include "ipam/ipam.h"
#include "netns/netns.h"
#include "ptp.h"
#include "nl/pod_handles.h"

static void ptp_run_close(struct ptp_run *run)
{
	nl_pod_handles_close(run->host, run->ns_fd, run->ctr);
}

/* Parse, then open the host handle and, when netns is set, the container's netns and handle. */
static int ptp_run_open(struct ptp_run *run, const struct cni_request *req, struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->req = req;
	run->ns_fd = -1;
	if (ptp_config_parse(req, &run->conf, err) < 0)
		return -1;
	return nl_pod_handles_open(req->netns, &run->host, &run->ns_fd, &run->ctr, err);
}

/* Reserve the pod's IPs (released again if a later step fails); each needs a gateway. */
static int ptp_reserve(struct ptp_run *run, struct cni_result *ipam, struct cni_err *err)
{
	const struct cni_request *req = run->req;

	if (ipam_add_undoable(req, ipam, run->undo, err) < 0)
		return -1;
	return ptp_require_gateways(ipam, err);
}

static int ptp_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(ptp_run_close) struct ptp_run run;
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	_cleanup_(cni_result_free) struct cni_result ipam = {0};

	if (ptp_run_open(&run, req, err) < 0)
		return -1;
	run.undo = &undo;
	if (ptp_reserve(&run, &ipam, err) < 0 || ptp_enable_forward(&run, &ipam, err) < 0)
		return -1;
	if (ptp_veth_add(&run, err) < 0)
		return -1;
	if (cni_result_add_interface(result, run.host_veth.name, run.host_veth.mac_str,
				     (int)run.host_veth.mtu, NULL, err) < 0 ||
	    cni_result_add_interface(result, run.ctr_veth.name, run.ctr_veth.mac_str,
				     (int)run.ctr_veth.mtu, req->netns, err) < 0 ||
	    cni_result_merge_ipam(result, &ipam, 1, err) < 0)
		return -1;
	/* The IPAM allocator guarantees uniqueness: no DAD wait for the pod's IPv6 addresses. */
	if (ipam_apply(run.ctr, req->ifname, result, IPAM_APPLY_NODAD, err) < 0 ||
	    ptp_container_routes(&run, result, err) < 0 || ptp_host_routes(&run, result, err) < 0 ||
	    fw_ipmasq_plugin_add(&run.conf.masq, req, result, &undo, err) < 0)
		return -1;
	/* The config's dns replaces IPAM's only when it sets something, as the reference. */
	if (!cni_dns_is_empty(&req->dns)) {
		cni_dns_free(&result->dns);
		if (cni_dns_copy(&result->dns, &req->dns) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "out of memory");
	}
	undo_forget(&undo);
	return 0;
}

/*
 * DEL always succeeds when things are already gone. Removing the container's veth takes its host
 * end, the host routes and the gateway address with it; without a reachable netns the host end is
 * found through prevResult. The IPAM reservation is released in every case.
 */
static int ptp_del(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(ptp_run_close) struct ptp_run run;
	struct nl_link_info link;

	if (ptp_run_open(&run, req, err) < 0 && !ns_err_is_gone(err))
		return -1;
	cni_err_clear(err);
	if (run.ctr) {
		if (nl_link_get_by_name(run.ctr, req->ifname, &link, err) == 0) {
			if (nl_link_delete(run.ctr, link.ifindex, err) < 0 &&
			    !nl_err_is_not_found(err))
				return cni_err_wrap(err, "failed to delete \"%s\"", req->ifname);
		} else if (!nl_err_is_not_found(err)) {
			return cni_err_wrap(err, "failed to lookup \"%s\"", req->ifname);
		}
	} else if (req->has_prev_result && ptp_veth_del_orphan(&run, &req->prev_result, err) < 0) {
		return -1;
	}
	cni_err_clear(err);
	/* The rules are found by owner, so they go even with the netns and the prevResult gone. */
	if (fw_ipmasq_plugin_del(&run.conf.masq, req, err) < 0)
		return -1;
	return ipam_del(req, err);
}

static int ptp_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(ptp_run_close) struct ptp_run run;

	if (ptp_run_open(&run, req, err) < 0)
		return -1;
	if (!run.ctr)
		return cni_errf(err, CNI_ERR_INVALID_NETNS, 0, "failed to open netns \"\"");
	if (ipam_check(req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "ptp: Required prevResult missing");
	if (ptp_check_state(&run, &req->prev_result, err) < 0)
		return -1;
	return ipam_apply_check(run.ctr, req->ifname, &req->prev_result, err);
}

static int ptp_gc(struct cni_request *req, struct cni_err *err)
{
	struct cni_err first = {0}, e = {0};
	struct ptp_config conf;
	int ret;

	if (ptp_config_parse(req, &conf, err) < 0)
		return -1;
	/* GC goes on past a failure, as the spec asks, and reports the first. */
	cni_err_keep_first(&first, fw_ipmasq_plugin_gc(&conf.masq, req, &e), &e);
	ret = cni_err_keep_first(&first, ipam_gc(req, &e), &e);
	if (ret < 0)
		*err = first;
	return ret;
}

static int ptp_status(struct cni_request *req, struct cni_err *err)
{
	struct ptp_config conf;

	if (ptp_config_parse(req, &conf, err) < 0)
		return -1;
	return ipam_status(req, err);
}

static const struct cni_plugin ptp = {
	.name = "ptp",
	.about = "CNI ptp plugin (cni-c)",
	.add = ptp_add,
	.del = ptp_del,
	.check = ptp_check,
	.status = ptp_status,
	.gc = ptp_gc,
};

int main(void)
{
	return cni_skel_main(&ptp);
}
