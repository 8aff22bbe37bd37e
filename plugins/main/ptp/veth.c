/* The ptp veth pair: made in one request with the container end born in its netns; orphan DEL. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cni/log.h"
#include "nl/link_delete.h"
#include "ptp.h"

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

/* "veth" and 8 random hex digits, as the reference's RandomVethName. */
static int random_veth_name(char name[NL_IFNAMSIZ], struct cni_err *err)
{
	uint8_t b[4];

	if (getrandom(b, sizeof(b), 0) != sizeof(b))
		return cni_errf(err, CNI_ERR_INTERNAL, errno,
				"failed to generate random veth name");
	snprintf(name, NL_IFNAMSIZ, "veth%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	return 0;
}

static int veth_create(struct ptp_run *run, char host_name[NL_IFNAMSIZ], struct cni_err *err)
{
	struct nl_link_spec peer = {
		.name = run->req->ifname, .mtu = run->conf.mtu, .ns_fd = run->ns_fd};
	struct nl_veth_options vo = {.peer = &peer};
	struct nl_link_spec host = {
		.name = host_name,
		.mtu = run->conf.mtu,
		.ns_fd = -1,
		.up = true,
		.kind = &nl_link_kind_veth,
		.options = &vo,
	};

	/* A clash can only be the random host name: the container name was checked free. */
	for (int attempt = 0; attempt < 10; attempt++) {
		if (random_veth_name(host_name, err) < 0)
			return -1;
		if (nl_link_create(run->host, &host, err) == 0)
			return 0;
		if (!nl_err_is_exists(err))
			return cni_err_wrap(err, "failed to make veth pair");
	}
	return cni_errf(err, CNI_ERR_INTERNAL, EEXIST, "failed to find a unique veth name");
}

int ptp_veth_add(struct ptp_run *run, struct cni_err *err)
{
	const char *ifname = run->req->ifname;
	struct link_delete_arg undo;
	struct cni_err ignored = {0};
	char host_name[NL_IFNAMSIZ], key[80];

	if (nl_link_get_by_name(run->ctr, ifname, &run->ctr_veth, err) == 0)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"container veth name provided (%s) already exists", ifname);
	if (!nl_err_is_not_found(err))
		return -1;
	if (veth_create(run, host_name, err) < 0)
		return -1;
	if (nl_link_get_by_name(run->host, host_name, &run->host_veth, err) < 0) {
		/* No index yet to undo by: the random name is ours alone. */
		nl_link_delete_by_name(run->host, host_name, &ignored);
		return cni_err_wrap(err, "failed to lookup \"%s\"", host_name);
	}
	undo = (struct link_delete_arg){.h = run->host, .ifindex = run->host_veth.ifindex};
	if (undo_push(run->undo, undo_link_delete, &undo, sizeof(undo)) < 0) {
		undo_link_delete(&undo);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
	}
	if (nl_link_get_by_name(run->ctr, ifname, &run->ctr_veth, err) < 0)
		return cni_err_wrap(err, "failed to look up \"%s\"", ifname);
	/* We own the routes of this interface (best effort, as the reference). */
	if (run->host_veth.ipv6_accept_ra > 0) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", host_name);
		nl_sysctl_write(run->host, key, "0", &ignored);
	}
	return 0;
}

static bool routes_one_of(struct ptp_run *run, int ifindex, const struct cni_result *prev)
{
	struct cni_err ignored = {0};
	bool found = false;

	for (size_t i = 0; i < prev->n_ips && !found; i++)
		if (ptp_host_route_exists(run->host, ifindex, &prev->ips[i].address.ip, &found,
					  &ignored) < 0)
			return false;
	return found;
}

int ptp_veth_del_orphan(struct ptp_run *run, const struct cni_result *prev, struct cni_err *err)
{
	for (size_t i = 0; i < prev->n_interfaces; i++) {
		const struct cni_interface *intf = &prev->interfaces[i];
		struct nl_link_info link;

		if ((intf->sandbox && *intf->sandbox) || !intf->name)
			continue;
		if (nl_link_get_by_name(run->host, intf->name, &link, err) < 0) {
			if (!nl_err_is_not_found(err))
				return cni_err_wrap(err, "failed to lookup \"%s\"", intf->name);
			cni_err_clear(err);
			continue;
		}
		if (strcmp(link.kind, "veth") != 0 || !routes_one_of(run, link.ifindex, prev))
			continue;
		if (nl_link_delete(run->host, link.ifindex, err) < 0 && !nl_err_is_not_found(err))
			return cni_err_wrap(err, "failed to delete \"%s\"", intf->name);
		cni_err_clear(err);
	}
	return 0;
}
