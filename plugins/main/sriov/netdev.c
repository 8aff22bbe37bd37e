/* The VF netdev in kernel mode: into the pod's netns renamed, with MAC and MTU, and back again. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <net/if.h>

#include "cni/log.h"
#include "nl/child_link.h"
#include "sriov.h"

static int restore_attrs(struct nl_handle *h, int ifindex, const struct sriov_saved *s,
			 struct cni_err *err);

struct undo_netdev {
	struct sriov_run *run;
	int ifindex; /* in the pod's netns */
};

/* Only the link ADD moved, by ifindex: never a link of the same name the pod already had. */
static void undo_netdev_return(void *arg)
{
	const struct undo_netdev *u = arg;
	const struct sriov_saved *s = &u->run->saved;
	struct cni_err err = {0};

	if (restore_attrs(u->run->ns.ctr, u->ifindex, s, &err) < 0)
		cni_log_warn("rollback: %s", err.msg);
	cni_err_clear(&err);
	if (nl_link_move(u->run->ns.ctr, u->ifindex, nl_handle_ns_fd(u->run->ns.host),
			 s->host_ifname, &err) < 0)
		cni_log_warn("rollback: return VF netdev %s: %s", s->host_ifname, err.msg);
}

int sriov_netdev_attach(struct sriov_run *run, struct undo_stack *undo, struct nl_link_info *out,
			struct cni_err *err)
{
	const char *ifname = run->ns.req->ifname;
	struct nl_link_info host;
	struct undo_netdev u = {.run = run};

	if (nl_link_get_by_name(run->ns.host, run->vf.netdev, &host, err) < 0)
		return cni_err_wrap(err, "VF %s netdev", run->vf.pci_id);
	/* A name change needs the link down (EBUSY otherwise). */
	if (nl_link_set_up(run->ns.host, host.ifindex, false, err) < 0)
		return cni_err_wrap(err, "set VF netdev %s down", host.name);
	if (nl_link_move(run->ns.host, host.ifindex, run->ns.ns_fd, ifname, err) < 0) {
		struct cni_err ignored = {0};

		if (host.flags & IFF_UP)
			nl_link_set_up(run->ns.host, host.ifindex, true, &ignored);
		return cni_err_wrap(err, "move VF netdev %s into %s as %s", host.name,
				    run->ns.req->netns, ifname);
	}
	if (nl_link_get_by_name(run->ns.ctr, ifname, out, err) < 0) {
		/* It moved: send it back by the ifindex a move keeps when the pod has it free. */
		u.ifindex = host.ifindex;
		undo_netdev_return(&u);
		return -1;
	}
	u.ifindex = out->ifindex;
	if (undo_push(undo, undo_netdev_return, &u, sizeof(u)) < 0) {
		undo_netdev_return(&u);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	/* The PF-side MAC reaches a VF whose driver is already bound only when set here too, and
	 * before the PF sets it: igb refuses an untrusted VF's own MAC change once it has. */
	if ((run->conf.vf.has & NL_VF_HAS_MAC) &&
	    nl_link_set_mac(run->ns.ctr, out->ifindex, run->conf.vf.mac, err) < 0)
		return cni_err_wrap(err, "set MAC of %s", ifname);
	if (run->conf.mtu &&
	    nl_link_set_mtu(run->ns.ctr, out->ifindex, (unsigned)run->conf.mtu, err) < 0)
		return cni_err_wrap(err, "set MTU %d on %s", run->conf.mtu, ifname);
	return nl_link_get_by_index(run->ns.ctr, out->ifindex, out, err);
}

/* Give the netdev its node-side MAC and MTU back (h: the netns it is in now). A DEL that cannot
 * fails, as the reference's ReleaseVF, and keeps its record for the retry. */
static int restore_attrs(struct nl_handle *h, int ifindex, const struct sriov_saved *s,
			 struct cni_err *err)
{
	if (nl_link_set_up(h, ifindex, false, err) < 0)
		return cni_err_wrap(err, "set VF netdev down");
	if (nl_link_set_mac(h, ifindex, s->host_mac, err) < 0)
		return cni_err_wrap(err, "restore VF netdev MAC");
	if (s->host_mtu && nl_link_set_mtu(h, ifindex, s->host_mtu, err) < 0)
		return cni_err_wrap(err, "restore VF netdev MTU");
	return 0;
}

#define RETURN_WAIT_MS 3000
#define RETURN_POLL_MS 20

/*
 * The VF as sysfs shows it now. A real VF netdev comes back from a deleted netns only when the
 * kernel's netns cleanup runs, after `ip netns del` or the runtime has returned: while a kernel
 * driver is bound and no netdev is in this netns yet, wait for it (bounded; a VF held by another
 * live netns just costs the wait).
 */
static int lookup_returned(const char *pci_id, struct sriov_vf *vf, struct cni_err *err)
{
	const struct timespec poll = {.tv_nsec = RETURN_POLL_MS * 1000000L};

	for (int waited = 0;; waited += RETURN_POLL_MS) {
		if (sriov_vf_lookup(pci_id, vf, err) < 0)
			return -1;
		if (vf->netdev[0] || !vf->driver[0] || sriov_driver_is_userspace(vf->driver) ||
		    waited >= RETURN_WAIT_MS)
			return 0;
		nanosleep(&poll, NULL);
	}
}

/* The pod's netns is gone: the kernel put the netdev in the node's under a kernel name. */
static int release_from_host(struct nl_handle *host, const struct sriov_saved *s,
			     struct cni_err *err)
{
	struct sriov_vf vf;
	struct nl_link_info link;

	if (lookup_returned(s->pci_id, &vf, err) < 0 || !vf.netdev[0] ||
	    nl_link_get_by_name(host, vf.netdev, &link, err) < 0) {
		/* Gone with the netns (a virtual stand-in) or hot-unplugged: nothing to return. */
		cni_log_info("VF %s netdev not in this netns: %s", s->pci_id, err->msg);
		cni_err_clear(err);
		return 0;
	}
	cni_log_info("VF %s netdev is back in the node as %s", s->pci_id, link.name);
	if (restore_attrs(host, link.ifindex, s, err) < 0)
		return -1;
	if (strcmp(link.name, s->host_ifname) != 0 &&
	    nl_link_set_name(host, link.ifindex, s->host_ifname, err) < 0) {
		cni_log_warn("rename %s back to %s: %s", link.name, s->host_ifname, err->msg);
		cni_err_clear(err);
	}
	return 0;
}

int sriov_netdev_release(struct nl_handle *host, struct nl_handle *ctr, const char *ifname,
			 const struct sriov_saved *saved, struct cni_err *err)
{
	struct nl_link_info link;

	if (!ctr)
		return release_from_host(host, saved, err);
	if (nl_link_get_by_name(ctr, ifname, &link, err) < 0) {
		if (!nl_err_is_not_found(err))
			return -1;
		cni_err_clear(err);
		return release_from_host(host, saved, err);
	}
	if (restore_attrs(ctr, link.ifindex, saved, err) < 0)
		return -1;
	if (nl_link_move(ctr, link.ifindex, nl_handle_ns_fd(host), saved->host_ifname, err) == 0)
		return 0;
	if (err->errnum != EEXIST)
		return cni_err_wrap(err, "return VF netdev %s", ifname);
	/* Its old name was taken meanwhile: let the kernel pick one, as for a deleted netns. */
	cni_log_warn("VF netdev name %s taken on the node: %s", saved->host_ifname, err->msg);
	cni_err_clear(err);
	if (nl_link_move(ctr, link.ifindex, nl_handle_ns_fd(host), "dev%d", err) < 0)
		return cni_err_wrap(err, "return VF netdev %s", ifname);
	return 0;
}
