/* The bridge plugin: a Linux bridge on the host, a veth into the container, IPAM on top. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/ip.h>

#include "bridge.h"
#include "cni/cleanup.h"
#include "cni/log.h"
#include "fw/macspoofchk.h"
#include "ipam/apply.h"
#include "ipam/ipam.h"
#include "netns/netns.h"
#include "nl/pod_handles.h"

/* How long the host end of the veth may take to become operationally up. */
#define BRIDGE_PORT_UP_MS 5000

static void undo_macspoofchk(void *arg)
{
	struct cni_err err = {0};

	if (fw_macspoofchk_teardown(arg, &err) < 0)
		cni_log_warn("rollback: %s", err.msg);
}

/* Only the container's own MAC may enter the bridge from its port (nftables, bridge family). */
static int bridge_add_macspoofchk(struct bridge_run *run, struct undo_stack *undo,
				  struct cni_err *err)
{
	char ref_id[UNDO_ARG_LEN];

	fw_macspoofchk_ref_id(run->req->container_id, run->req->ifname, ref_id, sizeof(ref_id));
	if (fw_macspoofchk_setup(run->host_veth.name, run->ctr_veth.mac, ref_id, err) < 0)
		return -1;
	if (undo_push(undo, undo_macspoofchk, ref_id, strlen(ref_id) + 1) < 0) {
		undo_macspoofchk(ref_id);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	return 0;
}

static bool macspoofchk_keep(const char *ref_id, void *data)
{
	const struct cni_request *req = data;
	char valid[UNDO_ARG_LEN];

	for (size_t i = 0; i < req->n_valid_attachments; i++) {
		fw_macspoofchk_ref_id(req->valid_attachments[i].container_id,
				      req->valid_attachments[i].ifname, valid, sizeof(valid));
		if (strcmp(valid, ref_id) == 0)
			return true;
	}
	return false;
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

static void bridge_run_close(struct bridge_run *run)
{
	nl_pod_handles_close(run->host, run->ns_fd, run->ctr);
}

/* Parse, then open the host handle and, when netns is set, the container's netns and handle. */
static int bridge_run_open(struct bridge_run *run, const struct cni_request *req,
			   struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->req = req;
	run->ns_fd = -1;
	if (bridge_config_parse(req, &run->conf, err) < 0)
		return -1;
	int ret = nl_pod_handles_open(req->netns, &run->host, &run->ns_fd, &run->ctr, err);

	/* Set even when the pod's netns is gone: DEL goes on with the host side. */
	run->bridge.host = run->host;
	return ret;
}

/* IPAM: reserve, compute gateways, configure the container's interface, gateways on the bridge. */
static int bridge_add_ip(struct bridge_run *run, struct cni_result *result, struct cni_err *err)
{
	const struct cni_request *req = run->req;
	_cleanup_(cni_result_free) struct cni_result ipam = {0};
	const char *ifname = req->ifname;
	const struct attach_gateway_options gateways = {
		.vlan = run->conf.vlan,
		.preserve_default_vlan = run->conf.preserve_default_vlan,
		.force_address = run->conf.force_address,
	};
	struct cni_err ignored = {0};
	char key[128];

	if (ipam_add_undoable(req, &ipam, run->bridge.undo, err) < 0)
		return -1;
	if (cni_result_merge_ipam(result, &ipam, 2, err) < 0 ||
	    attach_gateways_compute(run->conf.is_gateway, run->conf.is_default_gateway, result,
				    err) < 0)
		return -1;

	/* Best effort, as the reference: the sysctls may be absent (IPv6 disabled). */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_dad", ifname);
	nl_sysctl_write(run->ctr, key, run->conf.enable_dad ? "1" : "0", &ignored);
	if (run->conf.enable_dad) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/enhanced_dad", ifname);
		nl_sysctl_write(run->ctr, key, "1", &ignored);
	}
	nl_link_set_ipv4_conf(run->ctr, run->ctr_veth.ifindex, IPV4_DEVCONF_ARP_NOTIFY, 1,
			      &ignored);

	if (ipam_apply(run->ctr, ifname, result, run->conf.enable_dad ? 0 : IPAM_APPLY_NODAD, err) <
	    0)
		return -1;
	if (!run->conf.is_gateway)
		return 0;
	return attach_gateways_apply(&run->bridge, &gateways, result, err);
}

static int bridge_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(bridge_run_close) struct bridge_run run;
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	const struct bridge_config *c = &run.conf;
	struct attach_bridge_options br;
	struct attach_port_options port;

	if (bridge_run_open(&run, req, err) < 0 || bridge_config_check_add(&run.conf, err) < 0)
		return -1;
	run.bridge.undo = &undo;
	br = (struct attach_bridge_options){
		.name = c->bridge,
		.mtu = c->mtu,
		.promisc = c->promisc_mode,
		.vlan_filtering = c->vlan != 0 || c->has_trunk,
	};
	if (attach_bridge_ensure(&run.bridge, &br, err) < 0)
		return -1;
	port = (struct attach_port_options){
		.mtu = c->mtu,
		.mac = c->has_mac ? c->mac : NULL,
		.hairpin = c->hairpin_mode,
		.isolated = c->port_isolation,
		.preserve_default_vlan = c->preserve_default_vlan,
		.vlan = c->vlan,
		.trunk = c->has_trunk ? c->trunk : NULL,
	};
	if (attach_port_add(&run.bridge, run.ctr, run.ns_fd, req->ifname, &port, &run.host_veth,
			    &run.ctr_veth, err) < 0)
		return -1;
	if (c->macspoofchk && bridge_add_macspoofchk(&run, &undo, err) < 0)
		return -1;

	if (cni_result_add_interface(result, run.bridge.link.name, run.bridge.link.mac_str,
				     (int)run.bridge.link.mtu, NULL, err) < 0 ||
	    cni_result_add_interface(result, run.host_veth.name, run.host_veth.mac_str,
				     (int)run.host_veth.mtu, NULL, err) < 0 ||
	    cni_result_add_interface(result, run.ctr_veth.name, run.ctr_veth.mac_str,
				     (int)run.ctr_veth.mtu, req->netns, err) < 0)
		return -1;

	if (c->has_ipam) {
		if (bridge_add_ip(&run, result, err) < 0 ||
		    fw_ipmasq_plugin_add(&c->masq, req, result, &undo, err) < 0)
			return -1;
	} else if (!c->disable_container_interface &&
		   nl_link_set_up(run.ctr, run.ctr_veth.ifindex, true, err) < 0) {
		return cni_err_wrap(err, "failed to set \"%s\" up", req->ifname);
	}
	if (!c->disable_container_interface &&
	    nl_wait_link_oper_up(run.host, run.host_veth.ifindex, BRIDGE_PORT_UP_MS, err) < 0)
		return cni_err_wrap(err, "bridge port in error state");

	/* The bridge's MAC may have changed as ports joined and addresses were set (a port's
	 * does not): report it as it is now, as the reference. */
	if (nl_link_get_by_index(run.host, run.bridge.link.ifindex, &run.bridge.link, err) < 0 ||
	    set_interface_mac(result, 0, run.bridge.link.mac_str, err) < 0)
		return -1;
	if (!cni_dns_is_empty(&req->dns)) {
		cni_dns_free(&result->dns);
		if (cni_dns_copy(&result->dns, &req->dns) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, 0, "out of memory");
	}
	undo_forget(&undo);
	return 0;
}

static int bridge_del_macspoofchk(const struct cni_request *req, struct cni_err *err)
{
	char ref_id[UNDO_ARG_LEN];

	fw_macspoofchk_ref_id(req->container_id, req->ifname, ref_id, sizeof(ref_id));
	return fw_macspoofchk_teardown(ref_id, err);
}

/* Beyond the reference (whose CHECK ignores macspoofchk): the checks must still be in place. */
static int bridge_check_macspoofchk(const struct cni_request *req, struct cni_err *err)
{
	char ref_id[UNDO_ARG_LEN];
	bool present;

	fw_macspoofchk_ref_id(req->container_id, req->ifname, ref_id, sizeof(ref_id));
	if (fw_macspoofchk_check(ref_id, &present, err) < 0)
		return -1;
	if (!present)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"macspoofchk rules of %s not found in table bridge nat", ref_id);
	return 0;
}

/* DEL succeeds when the netns is gone or unset, and still releases the IPAM reservation. */
static int bridge_del(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(bridge_run_close) struct bridge_run run;
	struct nl_link_info link;

	if (bridge_run_open(&run, req, err) < 0 && !ns_err_is_gone(err))
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
	/* Found by name alone: goes even with the netns gone, as the reference's teardown. */
	if (run.conf.macspoofchk && bridge_del_macspoofchk(req, err) < 0)
		return -1;
	/* The rules are found by owner, so they go even with the netns and the prevResult gone. */
	if (fw_ipmasq_plugin_del(&run.conf.masq, req, err) < 0)
		return -1;
	return run.conf.has_ipam ? ipam_del(req, err) : 0;
}

static int bridge_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(bridge_run_close) struct bridge_run run;

	if (bridge_run_open(&run, req, err) < 0)
		return -1;
	if (run.conf.has_ipam && ipam_check(req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	if (bridge_check_state(&run, &req->prev_result, err) < 0)
		return -1;
	if (run.conf.macspoofchk && bridge_check_macspoofchk(req, err) < 0)
		return -1;
	return ipam_apply_check(run.ctr, req->ifname, &req->prev_result, err);
}

static int bridge_gc(struct cni_request *req, struct cni_err *err)
{
	struct cni_err first = {0}, e = {0};
	struct bridge_config conf;
	int ret;

	if (bridge_config_parse(req, &conf, err) < 0)
		return -1;
	/* GC goes on past a failure, as the spec asks, and reports the first. */
	cni_err_keep_first(&first, fw_ipmasq_plugin_gc(&conf.masq, req, &e), &e);
	if (conf.macspoofchk)
		cni_err_keep_first(&first, fw_macspoofchk_gc(macspoofchk_keep, req, &e), &e);
	ret = cni_err_keep_first(&first, conf.has_ipam ? ipam_gc(req, &e) : 0, &e);
	if (ret < 0)
		*err = first;
	return ret;
}

static int bridge_status(struct cni_request *req, struct cni_err *err)
{
	struct bridge_config conf;

	if (bridge_config_parse(req, &conf, err) < 0)
		return -1;
	return conf.has_ipam ? ipam_status(req, err) : 0;
}

static const char *const bridge_args_keys[] = {"MAC", NULL};

static const struct cni_plugin bridge = {
	.name = "bridge",
	.about = "CNI bridge plugin (cni-c)",
	.args_keys = bridge_args_keys,
	.add = bridge_add,
	.del = bridge_del,
	.check = bridge_check,
	.status = bridge_status,
	.gc = bridge_gc,
};

int main(void)
{
	return cni_skel_main(&bridge);
}
