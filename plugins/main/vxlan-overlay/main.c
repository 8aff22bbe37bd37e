/* vxlan-overlay: one pod network across nodes, a VXLAN device and static peers, no daemon. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ip.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "ipam/apply.h"
#include "ipam/ipam.h"
#include "netns/netns.h"
#include "run.h"
#include "nl/pod_handles.h"

/* How long the host end of the veth may take to become operationally up. */
#define PORT_UP_MS 5000

static void vxo_run_close(struct vxo_run *run)
{
	nl_pod_handles_close(run->host, run->ns_fd, run->ctr);
	json_decref(run->ipam);
	vxo_config_free(&run->conf);
}

/* Parse (with the peers unless DEL), open the node's handle and, when netns is set, the pod's. */
static int vxo_run_open(struct vxo_run *run, const struct cni_request *req, bool with_peers,
			struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->req = req;
	run->ns_fd = -1;
	if (vxo_config_parse(req, with_peers, &run->conf, err) < 0)
		return -1;
	run->ipam = vxo_config_ipam(&run->conf, err);
	if (!run->ipam)
		return -1;
	run->ipam_req = *req;
	run->ipam_req.ipam = run->ipam;
	int ret = nl_pod_handles_open(req->netns, &run->host, &run->ns_fd, &run->ctr, err);

	/* Set even when the pod's netns is gone: DEL goes on with the host side. */
	run->node.h = run->bridge.host = run->host;
	return ret;
}

/* The node's objects, reconciled: VXLAN device, bridge with the overlay MTU, peers' entries. */
static int vxo_node_up(struct vxo_run *run, struct cni_err *err)
{
	struct attach_bridge_options br = {.name = run->conf.bridge};

	if (vxo_underlay_resolve(&run->node, &run->conf, err) < 0 ||
	    vxo_vtep_ensure(&run->node, &run->conf, err) < 0)
		return -1;
	br.mtu = run->node.mtu;
	if (attach_bridge_ensure(&run->bridge, &br, err) < 0)
		return -1;
	/* An existing bridge keeps its MTU unless told: the underlay's may have changed. */
	if (run->bridge.link.mtu != run->node.mtu) {
		if (nl_link_set_mtu(run->host, run->bridge.link.ifindex, run->node.mtu, err) < 0)
			return cni_err_wrap(err, "failed to set the MTU of \"%s\"",
					    run->conf.bridge);
		run->bridge.link.mtu = run->node.mtu;
	}
	return vxo_peers_reconcile(&run->node, &run->conf, err);
}

static int set_interface_mac(struct cni_result *r, size_t i, const char *mac, struct cni_err *err)
{
	char *copy = strdup(mac);

	if (!copy)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	free(r->interfaces[i].mac);
	r->interfaces[i].mac = copy;
	return 0;
}

/* host-local from the pod subnets, a default route via the bridge's gateway, gateways up. */
static int vxo_add_ip(struct vxo_run *run, struct cni_result *result, struct cni_err *err)
{
	const struct cni_request *ipam_req = &run->ipam_req;
	_cleanup_(cni_result_free) struct cni_result ipam = {0};
	const struct attach_gateway_options gateways = {0};
	struct cni_err ignored = {0};

	if (ipam_add_undoable(ipam_req, &ipam, run->bridge.undo, err) < 0)
		return -1;
	if (cni_result_merge_ipam(result, &ipam, 2, err) < 0 ||
	    attach_gateways_compute(true, true, result, err) < 0)
		return -1;
	nl_link_set_ipv4_conf(run->ctr, run->ctr_veth.ifindex, IPV4_DEVCONF_ARP_NOTIFY, 1,
			      &ignored);
	if (ipam_apply(run->ctr, run->req->ifname, result, IPAM_APPLY_NODAD, err) < 0)
		return -1;
	return attach_gateways_apply(&run->bridge, &gateways, result, err);
}

static int vxo_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(vxo_run_close) struct vxo_run run;
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	struct attach_port_options port = {0};

	if (vxo_run_open(&run, req, true, err) < 0)
		return -1;
	if (!run.ctr)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "CNI_NETNS is required for ADD");
	run.node.undo = run.bridge.undo = &undo;
	if (vxo_node_up(&run, err) < 0)
		return -1;
	port.mtu = run.node.mtu;
	if (attach_port_add(&run.bridge, run.ctr, run.ns_fd, req->ifname, &port, &run.host_veth,
			    &run.ctr_veth, err) < 0)
		return -1;
	if (cni_result_add_interface(result, run.bridge.link.name, run.bridge.link.mac_str,
				     (int)run.bridge.link.mtu, NULL, err) < 0 ||
	    cni_result_add_interface(result, run.host_veth.name, run.host_veth.mac_str,
				     (int)run.host_veth.mtu, NULL, err) < 0 ||
	    cni_result_add_interface(result, run.ctr_veth.name, run.ctr_veth.mac_str,
				     (int)run.ctr_veth.mtu, req->netns, err) < 0)
		return -1;
	if (vxo_add_ip(&run, result, err) < 0)
		return -1;
	if (nl_wait_link_oper_up(run.host, run.host_veth.ifindex, PORT_UP_MS, err) < 0)
		return cni_err_wrap(err, "bridge port in error state");
	/* MACs change as ports join and addresses are set: report them as they are now. */
	if (nl_link_get_by_index(run.host, run.host_veth.ifindex, &run.host_veth, err) < 0 ||
	    nl_link_get_by_index(run.host, run.bridge.link.ifindex, &run.bridge.link, err) < 0)
		return -1;
	if (set_interface_mac(result, 0, run.bridge.link.mac_str, err) < 0 ||
	    set_interface_mac(result, 1, run.host_veth.mac_str, err) < 0)
		return -1;
	if (!cni_dns_is_empty(&req->dns)) {
		cni_dns_free(&result->dns);
		if (cni_dns_copy(&result->dns, &req->dns) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "out of memory");
	}
	undo_forget(&undo);
	return 0;
}

/* Only the pod's parts: its veth (the host end goes with it) and its addresses. */
static int vxo_del(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(vxo_run_close) struct vxo_run run;
	struct nl_link_info link;

	if (vxo_run_open(&run, req, false, err) < 0 && !ns_err_is_gone(err))
		return -1;
	if (run.ctr) {
		if (nl_link_get_by_name(run.ctr, req->ifname, &link, err) == 0) {
			if (nl_link_delete(run.ctr, link.ifindex, err) < 0 &&
			    !nl_err_is_not_found(err))
				return cni_err_wrap(err, "failed to delete \"%s\"", req->ifname);
		} else if (!nl_err_is_not_found(err)) {
			return cni_err_wrap(err, "failed to lookup \"%s\"", req->ifname);
		}
	}
	cni_err_clear(err);
	return ipam_del(&run.ipam_req, err);
}

static int vxo_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(vxo_run_close) struct vxo_run run;

	if (vxo_run_open(&run, req, true, err) < 0)
		return -1;
	if (ipam_check(&run.ipam_req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	if (!run.ctr)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "CNI_NETNS is required for CHECK");
	if (vxo_underlay_resolve(&run.node, &run.conf, err) < 0 ||
	    vxo_vtep_check(&run.node, &run.conf, err) < 0 ||
	    vxo_peers_check(&run.node, &run.conf, err) < 0 || vxo_pod_check(&run, err) < 0)
		return -1;
	return ipam_apply_check(run.ctr, req->ifname, &req->prev_result, err);
}

/* GC re-reads the peers and reconciles them when the node's device exists, then IPAM. */
static int vxo_gc(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(vxo_run_close) struct vxo_run run;

	if (vxo_run_open(&run, req, true, err) < 0)
		return -1;
	if (nl_link_get_by_name(run.host, run.conf.vxlan_name, &run.node.vxlan, err) == 0) {
		if (vxo_underlay_resolve(&run.node, &run.conf, err) < 0 ||
		    vxo_peers_reconcile(&run.node, &run.conf, err) < 0)
			return -1;
	} else if (!nl_err_is_not_found(err)) {
		return -1;
	}
	cni_err_clear(err);
	return ipam_gc(&run.ipam_req, err);
}

/* 50 when no ADD could succeed: no underlay, a name taken by another kind, no peers file. */
static int vxo_status(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(vxo_run_close) struct vxo_run run;
	struct nl_link_info link;

	if (vxo_run_open(&run, req, false, err) < 0)
		return -1;
	if (vxo_config_parse(req, true, &run.conf, err) < 0 ||
	    vxo_underlay_resolve(&run.node, &run.conf, err) < 0) {
		err->code = CNI_ERR_NOT_AVAILABLE;
		return -1;
	}
	if (nl_link_get_by_name(run.host, run.conf.vxlan_name, &link, err) == 0 &&
	    strcmp(link.kind, "vxlan") != 0)
		return cni_errf(err, CNI_ERR_NOT_AVAILABLE, 0,
				"\"%s\" exists and is not a vxlan device", run.conf.vxlan_name);
	cni_err_clear(err);
	return ipam_status(&run.ipam_req, err);
}

static const struct cni_plugin vxlan_overlay = {
	.name = "vxlan-overlay",
	.about = "CNI vxlan-overlay plugin (cni-c)",
	.add = vxo_add,
	.del = vxo_del,
	.check = vxo_check,
	.status = vxo_status,
	.gc = vxo_gc,
};

int main(void)
{
	return cni_skel_main(&vxlan_overlay);
}
