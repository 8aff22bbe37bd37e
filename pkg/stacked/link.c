/* The pod's link: opened namespaces, created straight into the pod's netns, and deleted on DEL. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "netns/netns.h"
#include "nl/child_link.h"
#include "nl/link_delete.h"
#include "stacked/stacked.h"
#include "nl/pod_handles.h"

int stacked_open(struct stacked_run *run, const struct cni_request *req, struct cni_err *err)
{
	memset(run, 0, sizeof(*run));
	run->req = req;
	run->ns_fd = -1;
	return nl_pod_handles_open(req->netns, &run->host, &run->ns_fd, &run->ctr, err);
}

void stacked_close(struct stacked_run *run)
{
	nl_pod_handles_close(run->host, run->ns_fd, run->ctr);
}

struct undo_link {
	struct nl_handle *h;
	int ifindex;
};

static void undo_link_delete(void *arg)
{
	const struct undo_link *u = arg;
	struct cni_err err = {0};

	if (nl_link_delete(u->h, u->ifindex, &err) < 0)
		cni_log_warn("rollback: delete link %d: %s", u->ifindex, err.msg);
}

/*
 * Kernels before the fix checked a new link's name in the creating netns even when it was born
 * elsewhere, so a pod's "eth0" could collide with the node's. The reference always takes a
 * temporary name; we do so only when the kernel refuses the real one.
 */
static int create_renamed(struct nl_handle *h, struct nl_handle *ctr, struct nl_link_spec *spec,
			  int parent, struct cni_err *err)
{
	const char *ifname = spec->name;
	struct nl_link_info link;
	uint32_t rnd = 0;
	char tmp[NL_IFNAMSIZ];

	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint32_t)getpid();
	snprintf(tmp, sizeof(tmp), "veth%08x", rnd);
	spec->name = tmp;
	spec->parent = parent;
	if (nl_link_create(h, spec, err) < 0)
		return -1;
	if (nl_link_get_by_name(ctr, tmp, &link, err) < 0) {
		struct cni_err ignored = {0};

		nl_link_delete_by_name(ctr, tmp, &ignored);
		return -1;
	}
	if (nl_link_set_name(ctr, link.ifindex, ifname, err) < 0) {
		struct cni_err ignored = {0};

		nl_link_delete(ctr, link.ifindex, &ignored);
		return cni_err_wrap(err, "failed to rename %s to \"%s\"", spec->kind->name, ifname);
	}
	return 0;
}

int stacked_link_create(struct stacked_run *run, struct undo_stack *undo,
			const struct stacked_config *c, const struct nl_link_info *master,
			struct nl_link_spec *spec, struct nl_link_info *out, struct cni_err *err)
{
	/* With linkInContainer the master is the pod's own: create from inside. */
	struct nl_handle *h = c->link_in_container ? run->ctr : run->host;
	const char *ifname = run->req->ifname;
	struct undo_link u = {.h = run->ctr};

	spec->name = ifname;
	spec->ns_fd = c->link_in_container ? -1 : run->ns_fd;
	spec->parent = master->ifindex;
	if (nl_link_create(h, spec, err) < 0) {
		struct cni_err probe = {0};

		if (!nl_err_is_exists(err))
			return -1;
		if (nl_link_get_by_name(run->ctr, ifname, out, &probe) == 0)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, EEXIST,
					"container already has an interface \"%s\"", ifname);
		cni_err_clear(err);
		if (create_renamed(h, run->ctr, spec, master->ifindex, err) < 0)
			return -1;
	}
	if (nl_link_get_by_name(run->ctr, ifname, out, err) < 0) {
		struct cni_err ignored = {0};

		/* No index yet to undo by; ifname was free in the pod, so the link is ours. */
		nl_link_delete_by_name(run->ctr, ifname, &ignored);
		return cni_err_wrap(err, "failed to refetch %s", spec->kind->name);
	}
	u.ifindex = out->ifindex;
	if (undo_push(undo, undo_link_delete, &u, sizeof(u)) < 0) {
		undo_link_delete(&u);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	return 0;
}

int stacked_link_delete(const struct cni_request *req, struct cni_err *err)
{
	_cleanup_(stacked_close) struct stacked_run run;
	struct nl_link_info link;

	if (stacked_open(&run, req, err) < 0)
		return ns_err_is_gone(err) ? (cni_err_clear(err), 0) : -1;
	if (!run.ctr)
		return 0;
	if (nl_link_get_by_name(run.ctr, req->ifname, &link, err) < 0)
		return nl_err_is_not_found(err)
			       ? (cni_err_clear(err), 0)
			       : cni_err_wrap(err, "failed to lookup \"%s\"", req->ifname);
	if (nl_link_delete(run.ctr, link.ifindex, err) < 0 && !nl_err_is_not_found(err))
		return cni_err_wrap(err, "failed to delete \"%s\"", req->ifname);
	cni_err_clear(err);
	return 0;
}
