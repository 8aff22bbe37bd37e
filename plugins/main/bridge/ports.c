/* The bridge itself and the veth ports that join containers (or the VLAN gateway) to it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "bridge.h"
#include "cni/cleanup.h"
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

int bridge_push_link_delete(struct bridge_run *run, struct nl_handle *h, int ifindex,
			    struct cni_err *err)
{
	struct link_delete_arg a = {.h = h, .ifindex = ifindex};

	if (undo_push(run->undo, undo_link_delete, &a, sizeof(a)) == 0)
		return 0;
	undo_link_delete(&a);
	return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
}

int bridge_ensure(struct bridge_run *run, struct cni_err *err)
{
	const struct bridge_config *c = &run->conf;
	struct nl_bridge_options opts = {
		.has_vlan_filtering = c->vlan != 0 || c->has_trunk,
		.vlan_filtering = true,
	};
	struct nl_link_spec spec = {
		.name = c->bridge, .mtu = c->mtu, .ns_fd = -1, .options = &opts};
	struct cni_err ignored = {0};
	char key[64];
	bool created;

	if (nl_bridge_ensure(run->host, &spec, &run->br, &created, err) < 0)
		return cni_err_wrap(err, "failed to create bridge \"%s\"", c->bridge);
	/* The reference keeps bridges; a failed ADD removes only one it made itself. */
	if (created && bridge_push_link_delete(run, run->host, run->br.ifindex, err) < 0)
		return -1;
	if (c->promisc_mode && nl_link_set_promisc(run->host, run->br.ifindex, true, err) < 0)
		return cni_err_wrap(err, "could not set promiscuous mode on \"%s\"", c->bridge);
	/* We own the routes of this interface: no router advertisements (best effort). */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/accept_ra", c->bridge);
	nl_sysctl_write(run->host, key, "0", &ignored);
	if (nl_link_set_up(run->host, run->br.ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to set \"%s\" up", c->bridge);
	return 0;
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

/* Both ends in one request: the far end is born in its namespace, never moved. */
static int veth_create(struct bridge_run *run, int peer_ns_fd, const char *ifname,
		       const struct bridge_port_options *o, char host_name[NL_IFNAMSIZ],
		       struct cni_err *err)
{
	struct nl_link_spec peer = {.name = ifname, .mtu = o->mtu, .ns_fd = peer_ns_fd};
	struct nl_veth_options vo = {.peer = &peer};
	struct nl_link_spec host = {
		.name = host_name,
		.mtu = o->mtu,
		.ns_fd = -1,
		.up = true,
		.kind = &nl_link_kind_veth,
		.options = &vo,
	};

	if (o->mac) {
		peer.has_mac = true;
		memcpy(peer.mac, o->mac, NL_MAC_LEN);
	}
	/* A clash can only be the random host name: the far name was checked free. */
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

static int port_vlans(struct bridge_run *run, int ifindex, const struct bridge_port_options *o,
		      struct cni_err *err)
{
	struct nl_bridge_vlan vlans[64];
	size_t n = 0;

	if ((o->vlan || o->trunk) && !o->preserve_default_vlan) {
		if (nl_bridge_vlan_list(run->host, ifindex, vlans, ARRAY_SIZE(vlans), &n, err) < 0)
			return cni_err_wrap(err, "failed to remove default vlan");
		for (size_t i = 0; i < n && i < ARRAY_SIZE(vlans); i++)
			if (nl_bridge_vlan_del(run->host, ifindex, vlans[i].vid, vlans[i].vid,
					       err) < 0)
				return cni_err_wrap(err, "failed to remove default vlan");
	}
	if (o->vlan && nl_bridge_vlan_add(run->host, ifindex, o->vlan, o->vlan,
					  NL_BRIDGE_VLAN_PVID | NL_BRIDGE_VLAN_UNTAGGED, err) < 0)
		return cni_err_wrap(err, "failed to setup vlan tag");
	for (unsigned v = 1; o->trunk && v <= BRIDGE_VLAN_MAX; v++) {
		unsigned last = v;

		if (!o->trunk[v])
			continue;
		while (last < BRIDGE_VLAN_MAX && o->trunk[last + 1])
			last++;
		if (nl_bridge_vlan_add(run->host, ifindex, (uint16_t)v, (uint16_t)last, 0, err) < 0)
			return cni_err_wrap(err, "failed to setup vlan tag");
		v = last;
	}
	/* Trunk without an access VLAN: native VLAN 1, as the reference. */
	if (!o->vlan && o->trunk &&
	    nl_bridge_vlan_add(run->host, ifindex, 1, 1,
			       NL_BRIDGE_VLAN_PVID | NL_BRIDGE_VLAN_UNTAGGED, err) < 0)
		return cni_err_wrap(err, "failed to setup default native vlan tag");
	return 0;
}

int bridge_port_add(struct bridge_run *run, struct nl_handle *peer, int peer_ns_fd,
		    const char *ifname, const struct bridge_port_options *o,
		    struct nl_link_info *host_end, struct nl_link_info *far_end,
		    struct cni_err *err)
{
	char host_name[NL_IFNAMSIZ];

	if (nl_link_get_by_name(peer, ifname, far_end, err) == 0)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"container veth name provided (%s) already exists", ifname);
	if (!nl_err_is_not_found(err))
		return -1;
	if (veth_create(run, peer_ns_fd, ifname, o, host_name, err) < 0)
		return -1;
	if (nl_link_get_by_name(run->host, host_name, host_end, err) < 0)
		return -1;
	if (bridge_push_link_delete(run, run->host, host_end->ifindex, err) < 0)
		return -1;
	if (nl_link_get_by_name(peer, ifname, far_end, err) < 0)
		return -1;
	if (nl_link_set_master(run->host, host_end->ifindex, run->br.ifindex, err) < 0)
		return cni_err_wrap(err, "failed to connect \"%s\" to bridge %s", host_name,
				    run->conf.bridge);
	if (nl_bridge_port_set_hairpin(run->host, host_end->ifindex, o->hairpin, err) < 0)
		return cni_err_wrap(err, "failed to setup hairpin mode for %s", host_name);
	if (nl_bridge_port_set_isolated(run->host, host_end->ifindex, o->isolated, err) < 0)
		return cni_err_wrap(err, "failed to set isolated on for %s", host_name);
	if (port_vlans(run, host_end->ifindex, o, err) < 0)
		return cni_err_wrap(err, "interface \"%s\"", host_name);
	return 0;
}
