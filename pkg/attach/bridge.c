/* The bridge itself, and the undo step every attach creation pushes. */
#include <errno.h>
#include <stdio.h>

#include "attach/attach.h"
#include "cni/log.h"

struct link_delete_arg {
	struct nl_handle *h;
	int ifindex;
};

static void undo_link_delete(void *p)
{
	struct link_delete_arg *a = p;
	struct cni_err err = {0};

	if (nl_link_delete(a->h, a->ifindex, &err) < 0 && !nl_err_is_not_found(&err))
		cni_log_warn("rollback: delete link %d: %s", a->ifindex, err.msg);
}

int attach_push_link_delete(struct undo_stack *undo, struct nl_handle *h, int ifindex,
			    struct cni_err *err)
{
	struct link_delete_arg a = {.h = h, .ifindex = ifindex};

	if (undo_push(undo, undo_link_delete, &a, sizeof(a)) == 0)
		return 0;
	undo_link_delete(&a);
	return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
}

int attach_bridge_ensure(struct attach_bridge *b, const struct attach_bridge_options *o,
			 struct cni_err *err)
{
	struct nl_bridge_options opts = {
		.has_vlan_filtering = o->vlan_filtering,
		.vlan_filtering = true,
	};
	struct nl_link_spec spec = {.name = o->name, .mtu = o->mtu, .ns_fd = -1, .options = &opts};
	struct cni_err ignored = {0};
	char key[64];
	bool created;

	if (nl_bridge_ensure(b->host, &spec, &b->link, &created, err) < 0)
		return cni_err_wrap(err, "failed to create bridge \"%s\"", o->name);
	/* The reference keeps bridges; a failed ADD removes only one it made itself. */
	if (created && attach_push_link_delete(b->undo, b->host, b->link.ifindex, err) < 0)
		return -1;
	if (o->promisc && nl_link_set_promisc(b->host, b->link.ifindex, true, err) < 0)
		return cni_err_wrap(err, "could not set promiscuous mode on \"%s\"", o->name);
	/* We own the routes of this interface: no router advertisements (best effort). */
	if (b->link.ipv6_accept_ra > 0) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", o->name);
		nl_sysctl_write(b->host, key, "0", &ignored);
	}
	if (nl_link_set_up(b->host, b->link.ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to set \"%s\" up", o->name);
	return 0;
}
