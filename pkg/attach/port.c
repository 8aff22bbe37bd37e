/* The veth ports that join pods (or a VLAN gateway) to a bridge: creation, hairpin, VLANs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "attach/attach.h"
#include "cni/cleanup.h"
#include "nl/link_delete.h"

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

/*
 * Both ends in one request: the far end is born in its namespace, never moved, and the host end
 * is born up and on the bridge (a failure to enslave it removes the pair).
 */
static int veth_create(struct attach_bridge *b, int peer_ns_fd, const char *ifname,
		       const struct attach_port_options *o, char host_name[NL_IFNAMSIZ],
		       struct cni_err *err)
{
	struct nl_link_spec peer = {.name = ifname, .mtu = o->mtu, .ns_fd = peer_ns_fd};
	struct nl_veth_options vo = {.peer = &peer};
	struct nl_link_spec host = {
		.name = host_name,
		.mtu = o->mtu,
		.ns_fd = -1,
		.up = true,
		.master = b->link.ifindex,
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
		if (nl_link_create(b->host, &host, err) == 0)
			return 0;
		if (!nl_err_is_exists(err))
			return cni_err_wrap(err, "failed to make veth pair");
	}
	return cni_errf(err, CNI_ERR_INTERNAL, EEXIST, "failed to find a unique veth name");
}

static int port_vlans(struct attach_bridge *b, int ifindex, const struct attach_port_options *o,
		      struct cni_err *err)
{
	struct nl_bridge_vlan vlans[64];
	size_t n = 0;

	if ((o->vlan || o->trunk) && !o->preserve_default_vlan) {
		if (nl_bridge_vlan_list(b->host, ifindex, vlans, ARRAY_SIZE(vlans), &n, err) < 0)
			return cni_err_wrap(err, "failed to remove default vlan");
		for (size_t i = 0; i < n && i < ARRAY_SIZE(vlans); i++)
			if (nl_bridge_vlan_del(b->host, ifindex, vlans[i].vid, vlans[i].vid, err) <
			    0)
				return cni_err_wrap(err, "failed to remove default vlan");
	}
	if (o->vlan && nl_bridge_vlan_add(b->host, ifindex, o->vlan, o->vlan,
					  NL_BRIDGE_VLAN_PVID | NL_BRIDGE_VLAN_UNTAGGED, err) < 0)
		return cni_err_wrap(err, "failed to setup vlan tag");
	for (unsigned v = 1; o->trunk && v <= ATTACH_VLAN_MAX; v++) {
		unsigned last = v;

		if (!o->trunk[v])
			continue;
		while (last < ATTACH_VLAN_MAX && o->trunk[last + 1])
			last++;
		if (nl_bridge_vlan_add(b->host, ifindex, (uint16_t)v, (uint16_t)last, 0, err) < 0)
			return cni_err_wrap(err, "failed to setup vlan tag");
		v = last;
	}
	/* Trunk without an access VLAN: native VLAN 1, as the reference. */
	if (!o->vlan && o->trunk &&
	    nl_bridge_vlan_add(b->host, ifindex, 1, 1,
			       NL_BRIDGE_VLAN_PVID | NL_BRIDGE_VLAN_UNTAGGED, err) < 0)
		return cni_err_wrap(err, "failed to setup default native vlan tag");
	return 0;
}

int attach_port_add(struct attach_bridge *b, struct nl_handle *peer, int peer_ns_fd,
		    const char *ifname, const struct attach_port_options *o,
		    struct nl_link_info *host_end, struct nl_link_info *far_end,
		    struct cni_err *err)
{
	char host_name[NL_IFNAMSIZ];

	if (nl_link_get_by_name(peer, ifname, far_end, err) == 0)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"container veth name provided (%s) already exists", ifname);
	if (!nl_err_is_not_found(err))
		return -1;
	if (veth_create(b, peer_ns_fd, ifname, o, host_name, err) < 0)
		return -1;
	if (nl_link_get_by_name(b->host, host_name, host_end, err) < 0) {
		struct cni_err ignored = {0};

		/* No index yet to undo by: the random name is ours alone. */
		nl_link_delete_by_name(b->host, host_name, &ignored);
		return -1;
	}
	if (attach_push_link_delete(b->undo, b->host, host_end->ifindex, err) < 0)
		return -1;
	if (nl_link_get_by_name(peer, ifname, far_end, err) < 0)
		return -1;
	/* A new port has both off. */
	if (o->hairpin && nl_bridge_port_set_hairpin(b->host, host_end->ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to setup hairpin mode for %s", host_name);
	if (o->isolated && nl_bridge_port_set_isolated(b->host, host_end->ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to set isolated on for %s", host_name);
	if (port_vlans(b, host_end->ifindex, o, err) < 0)
		return cni_err_wrap(err, "interface \"%s\"", host_name);
	return 0;
}
