/* The sriov plugin: a VF configured on its PF and moved into the pod (kernel mode), or handed to a
 * DPDK application or fastpathd (DPDK mode). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "ipam/ipam.h"
#include "netns/netns.h"
#include "sriov.h"

static void sriov_run_close(struct sriov_run *run)
{
	stacked_close(&run->ns);
	if (run->lock_fd >= 0)
		close(run->lock_fd);
}

/* Config, namespaces, the VF's lock (held until exit) and the VF in sysfs. */
static int sriov_run_open(struct sriov_run *run, const struct cni_request *req, struct cni_err *err)
{
	run->lock_fd = -1;
	run->ns.ns_fd = -1;
	if (sriov_config_parse(req, &run->conf, err) < 0 || stacked_open(&run->ns, req, err) < 0)
		return -1;
	run->lock_fd = sriov_vf_lock(run->conf.data_dir, run->conf.device_id, err);
	if (run->lock_fd < 0)
		return -1;
	return sriov_vf_lookup(run->conf.device_id, &run->vf, err);
}

static bool same_attachment(const struct cni_request *req, const char *cid, const char *ifname)
{
	return strcmp(cid, req->container_id) == 0 && strcmp(ifname, req->ifname) == 0;
}

/* Kernel mode: the VF netdev must sit in the node's netns. A record naming another attachment
 * only counts while the netdev is away: the kernel returns it when that pod's netns goes. */
static int vf_take(struct sriov_run *run, struct cni_err *err)
{
	const struct cni_request *req = run->ns.req;
	char cid[SRIOV_ID_MAX], ifname[SRIOV_ID_MAX];
	struct nl_link_info link;
	bool held;

	if (sriov_owner_read(run->conf.data_dir, run->vf.pci_id, cid, ifname, &held, err) < 0)
		return -1;
	if (!run->vf.netdev[0] ||
	    nl_link_get_by_name(run->ns.host, run->vf.netdev, &link, err) < 0) {
		if (held && !same_attachment(req, cid, ifname))
			return cni_errf(err, CNI_ERR_TRY_AGAIN, 0,
					"VF %s is held by container %s interface %s",
					run->vf.pci_id, cid, ifname);
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"VF %s has no network device in this namespace (driver \"%s\")",
				run->vf.pci_id, run->vf.driver);
	}
	if (held)
		cni_log_info("VF %s: stale record of container %s replaced", run->vf.pci_id, cid);
	snprintf(run->saved.host_ifname, sizeof(run->saved.host_ifname), "%s", link.name);
	memcpy(run->saved.host_mac, link.mac, NL_MAC_LEN);
	run->saved.host_mtu = link.mtu;
	return 0;
}

static void undo_saved_remove(void *arg)
{
	const struct sriov_run *run = *(const struct sriov_run **)arg;
	struct cni_err err = {0};

	sriov_saved_remove(run->conf.data_dir, run->ns.req->container_id, run->ns.req->ifname,
			   &err);
}

/* DPDK mode: IPAM's addresses go to the pod's application through the result only. */
static int dpdk_ipam_add(struct sriov_run *run, struct undo_stack *undo, struct cni_result *result,
			 struct cni_err *err)
{
	const struct cni_request *req = run->ns.req;
	_cleanup_(cni_result_free) struct cni_result ipam = {0};

	if (ipam_add_undoable(req, &ipam, undo, err) < 0)
		return -1;
	return cni_result_merge_ipam(result, &ipam, 0, err);
}

/* Record the attachment (what DEL needs) before anything changes. */
static int save(struct sriov_run *run, struct undo_stack *undo, struct cni_err *err)
{
	const struct cni_request *req = run->ns.req;
	struct sriov_run *self = run;

	snprintf(run->saved.pci_id, sizeof(run->saved.pci_id), "%s", run->vf.pci_id);
	snprintf(run->saved.pf_name, sizeof(run->saved.pf_name), "%s", run->vf.pf_name);
	run->saved.vf_index = run->vf.index;
	if (run->saved.dpdk && run->conf.fastpath) {
		snprintf(run->saved.fastpath_port, sizeof(run->saved.fastpath_port), "sriov-%s",
			 run->vf.pci_id);
		snprintf(run->saved.fastpath_socket, sizeof(run->saved.fastpath_socket), "%s",
			 run->conf.fastpath_socket);
	}
	if (sriov_pf_read(run, err) < 0 || sriov_saved_write(run->conf.data_dir, req->container_id,
							     req->ifname, &run->saved, err) < 0)
		return -1;
	if (undo_push(undo, undo_saved_remove, &self, sizeof(self)) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	return 0;
}

static int attach(struct sriov_run *run, struct undo_stack *undo, struct cni_result *result,
		  struct cni_err *err)
{
	const struct cni_request *req = run->ns.req;
	struct nl_link_info link;
	char mac[NL_MAC_STRLEN];

	if (run->saved.dpdk) {
		if (sriov_pf_apply(run, undo, err) < 0 ||
		    (run->conf.fastpath && sriov_fastpath_attach(run, undo, err) < 0))
			return -1;
		if (cni_result_add_interface(result, req->ifname,
					     run->conf.vf.has & NL_VF_HAS_MAC
						     ? nl_mac_str(run->conf.vf.mac, mac)
						     : NULL,
					     0, req->netns, err) < 0)
			return -1;
		return run->conf.has_ipam ? dpdk_ipam_add(run, undo, result, err) : 0;
	}
	/* The netdev first: it sets its own MAC before the PF does (see sriov_netdev_attach), and
	 * the rollback then restores the PF side before the netdev's MAC. */
	if (sriov_netdev_attach(run, undo, &link, err) < 0 || sriov_pf_apply(run, undo, err) < 0 ||
	    cni_result_add_interface(result, link.name, link.mac_str, 0, req->netns, err) < 0)
		return -1;
	if (run->conf.has_ipam)
		return stacked_ipam_add(&run->ns, undo, result, err);
	if (nl_link_set_up(run->ns.ctr, link.ifindex, true, err) < 0)
		return cni_err_wrap(err, "set %s up", link.name);
	return 0;
}

static int sriov_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_(sriov_run_close) struct sriov_run run = {0};
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;

	if (sriov_run_open(&run, req, err) < 0)
		return -1;
	if (!run.ns.ctr)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "CNI_NETNS is required for ADD");
	run.saved.dpdk = sriov_driver_is_userspace(run.vf.driver);
	if (run.conf.fastpath && !run.saved.dpdk)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"fastpath needs VF %s bound to vfio-pci, it has driver \"%s\"",
				run.vf.pci_id, run.vf.driver);
	if (!run.saved.dpdk && vf_take(&run, err) < 0)
		return -1;
	if (save(&run, &undo, err) < 0 || attach(&run, &undo, result, err) < 0 ||
	    stacked_result_set_dns(result, req, err) < 0 ||
	    sriov_owner_write(run.conf.data_dir, run.vf.pci_id, req->container_id, req->ifname,
			      err) < 0)
		return -1;
	result->interfaces[0].pci_id = strdup(run.vf.pci_id);
	if (!result->interfaces[0].pci_id)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "out of memory");
	undo_forget(&undo);
	return 0;
}

/* Give the VF back, unless a newer attachment holds it now (sriov-cni#219). */
static int vf_return(const struct cni_request *req, const char *dir, const struct sriov_saved *s,
		     struct cni_err *err)
{
	_cleanup_close_ int lock = sriov_vf_lock(dir, s->pci_id, err);
	_cleanup_nl_handle_ struct nl_handle *host = NULL, *ctr = NULL;
	_cleanup_close_ int ns_fd = -1;
	char cid[SRIOV_ID_MAX], ifname[SRIOV_ID_MAX];
	bool held;

	if (lock < 0 || sriov_owner_read(dir, s->pci_id, cid, ifname, &held, err) < 0)
		return -1;
	if (held && !same_attachment(req, cid, ifname)) {
		cni_log_info("VF %s now belongs to container %s: left alone", s->pci_id, cid);
		return 0;
	}
	if (nl_handle_open(-1, &host, err) < 0)
		return -1;
	if (req->netns) {
		ns_fd = ns_open(req->netns, err);
		if (ns_fd < 0 && !ns_err_is_gone(err))
			return -1;
		cni_err_clear(err);
		if (ns_fd >= 0 && nl_handle_open(ns_fd, &ctr, err) < 0)
			return -1;
	}
	/* PF side first: igb refuses an untrusted VF's own MAC change (the netdev's MAC restore)
	 * while the PF has set one for it. */
	if (sriov_pf_restore(host, s, err) < 0)
		return -1;
	if (s->dpdk ? sriov_fastpath_detach(s, err) < 0
		    : sriov_netdev_release(host, ctr, req->ifname, s, err) < 0)
		return -1;
	return sriov_owner_remove(dir, s->pci_id, err);
}

static int sriov_del(struct cni_request *req, struct cni_err *err)
{
	char dir[PATH_MAX];
	struct sriov_saved saved;
	bool found;

	sriov_config_data_dir(req, dir, sizeof(dir));
	if (sriov_saved_read(dir, req->container_id, req->ifname, &saved, &found, err) < 0) {
		/* A torn record must not block DEL forever: the VF stays as it is. */
		cni_log_warn("ignoring saved state: %s", err->msg);
		cni_err_clear(err);
		found = false;
	}
	if (found && vf_return(req, dir, &saved, err) < 0)
		return -1;
	if (stacked_has_ipam(req) && ipam_del(req, err) < 0)
		return -1;
	return sriov_saved_remove(dir, req->container_id, req->ifname, err);
}

/* The prevResult's MAC and the configured one are on the pod's link, and its IPs are there. */
static int check_netdev(struct sriov_run *run, struct cni_err *err)
{
	const struct cni_request *req = run->ns.req;
	struct nl_link_info link;
	char mac[NL_MAC_STRLEN];

	if (nl_link_get_by_name(run->ns.ctr, req->ifname, &link, err) < 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"VF interface %s not found in %s", req->ifname, req->netns);
	if ((run->conf.vf.has & NL_VF_HAS_MAC) && memcmp(link.mac, run->conf.vf.mac, NL_MAC_LEN))
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"interface %s MAC %s, configured %s", req->ifname, link.mac_str,
				nl_mac_str(run->conf.vf.mac, mac));
	for (size_t i = 0; i < req->prev_result.n_interfaces; i++) {
		const struct cni_interface *intf = &req->prev_result.interfaces[i];

		if (strcmp(intf->name, req->ifname) == 0 && intf->mac && intf->mac[0] &&
		    strcasecmp(intf->mac, link.mac_str) != 0)
			return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					"interface %s MAC %s doesn't match prevResult's %s",
					req->ifname, link.mac_str, intf->mac);
	}
	return stacked_check_ip(&run->ns, err);
}

static int sriov_check(struct cni_request *req, struct cni_err *err)
{
	_cleanup_(sriov_run_close) struct sriov_run run = {0};
	char cid[SRIOV_ID_MAX], ifname[SRIOV_ID_MAX];
	bool found, held;

	if (sriov_run_open(&run, req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "required prevResult missing");
	if (sriov_saved_read(run.conf.data_dir, req->container_id, req->ifname, &run.saved, &found,
			     err) < 0 ||
	    sriov_owner_read(run.conf.data_dir, run.vf.pci_id, cid, ifname, &held, err) < 0)
		return -1;
	if (!found || !held || !same_attachment(req, cid, ifname))
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"VF %s is not attached to container %s interface %s", run.vf.pci_id,
				req->container_id, req->ifname);
	if (run.conf.has_ipam && ipam_check(req, err) < 0)
		return -1;
	if (sriov_pf_check(&run, err) < 0)
		return -1;
	return run.saved.dpdk ? sriov_fastpath_check(&run.saved, err) : check_netdev(&run, err);
}

static int sriov_status(struct cni_request *req, struct cni_err *err)
{
	return stacked_has_ipam(req) ? ipam_status(req, err) : 0;
}

static int sriov_gc(struct cni_request *req, struct cni_err *err)
{
	return stacked_has_ipam(req) ? ipam_gc(req, err) : 0;
}

static const struct cni_plugin sriov = {
	.name = "sriov",
	.about = "CNI sriov plugin (cni-c)",
	.add = sriov_add,
	.del = sriov_del,
	.check = sriov_check,
	.status = sriov_status,
	.gc = sriov_gc,
};

int main(void)
{
	return cni_skel_main(&sriov);
}
