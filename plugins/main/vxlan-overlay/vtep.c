/* The node's VXLAN device: VNI, port, local VTEP, learning off, derived MAC, MTU, VTEP addresses.
 */
#include <string.h>

#include <linux/rtnetlink.h>

#include "attach/attach.h"
#include "cni/cleanup.h"
#include "cni/log.h"
#include "nl/vxlan.h"
#include "overlay.h"

#define IFF_UP_FLAG 0x1 /* IFF_UP, without <net/if.h> (it clashes with the linux headers) */

/*
 * 0a:58 + the IPv4 address (locally administered, unicast), or 0a:59 + the last four bytes of
 * an IPv6 address: every node computes every peer's MAC from the peers list alone.
 */
void vxo_vtep_mac(const struct cni_ip *node_ip, uint8_t mac[NL_MAC_LEN])
{
	bool v6 = node_ip->family == AF_INET6;

	mac[0] = 0x0a;
	mac[1] = v6 ? 0x59 : 0x58;
	memcpy(mac + 2, node_ip->addr + (v6 ? 12 : 0), 4);
}

static void vtep_wanted(const struct vxo_node *n, const struct vxo_config *c,
			struct nl_vxlan_options *o)
{
	*o = (struct nl_vxlan_options){
		.vni = c->vni,
		.port = c->port,
		.local = n->local,
		.underlay = n->underlay.ifindex,
		.learning = false,
	};
}

static bool vtep_matches(const struct nl_vxlan_options *have, const struct nl_vxlan_options *want)
{
	return have->vni == want->vni && have->port == want->port &&
	       cni_ip_equal(&have->local, &want->local) && have->underlay == want->underlay &&
	       have->learning == want->learning;
}

/* The VTEP addresses: each pod subnet's first address, alone (/32, /128). */
static size_t vtep_addresses(const struct vxo_config *c, struct cni_prefix out[2])
{
	size_t n = 0;

	out[n++] = (struct cni_prefix){.ip = c->pod_subnet.ip, .len = 32};
	if (c->pod_subnet6.ip.family)
		out[n++] = (struct cni_prefix){.ip = c->pod_subnet6.ip, .len = 128};
	return n;
}

static int vtep_create(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	struct nl_vxlan_options o;
	struct nl_link_spec spec = {
		.name = c->vxlan_name,
		.mtu = n->mtu,
		.has_mac = true,
		.ns_fd = -1,
		.up = true,
		.kind = &nl_link_kind_vxlan,
		.options = &o,
	};

	vtep_wanted(n, c, &o);
	vxo_vtep_mac(&n->local, spec.mac);
	if (nl_link_create(n->h, &spec, err) < 0)
		return cni_err_wrap(err, "failed to create vxlan device \"%s\"", c->vxlan_name);
	if (nl_link_get_by_name(n->h, c->vxlan_name, &n->vxlan, err) < 0)
		return -1;
	return attach_push_link_delete(n->undo, n->h, n->vxlan.ifindex, err);
}

/* Exactly the VTEP addresses on the device (link-local ones are the kernel's, left alone). */
static int vtep_sync_addresses(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	struct cni_prefix want[2];
	size_t n_want = vtep_addresses(c, want), count = 0;

	if (nl_address_list(n->h, n->vxlan.ifindex, 0, &addrs, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		bool keep = addrs[i].scope != RT_SCOPE_UNIVERSE;

		for (size_t w = 0; w < n_want && !keep; w++)
			keep = addrs[i].prefix.len == want[w].len &&
			       cni_ip_equal(&addrs[i].prefix.ip, &want[w].ip);
		if (!keep && nl_address_del(n->h, n->vxlan.ifindex, &addrs[i].prefix, err) < 0)
			return cni_err_wrap(err, "remove stale VTEP address");
	}
	for (size_t w = 0; w < n_want; w++)
		if (nl_address_add(n->h, n->vxlan.ifindex, &want[w], NL_ADDRESS_NODAD, err) < 0 &&
		    !nl_err_is_exists(err))
			return cni_err_wrap(err, "add VTEP address");
	return 0;
}

int vxo_vtep_ensure(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	struct nl_vxlan_options want, have;
	uint8_t mac[NL_MAC_LEN];

	vtep_wanted(n, c, &want);
	vxo_vtep_mac(&n->local, mac);
	if (nl_link_get_by_name(n->h, c->vxlan_name, &n->vxlan, err) < 0) {
		if (!nl_err_is_not_found(err) || vtep_create(n, c, err) < 0)
			return -1;
	} else if (nl_vxlan_get(n->h, n->vxlan.ifindex, &have, err) < 0) {
		return cni_err_wrap(err, "\"%s\" already exists", c->vxlan_name);
	} else if (!vtep_matches(&have, &want)) {
		/* VNI, port and local address are fixed at creation: recreate, as flannel does. */
		cni_log_warn("vxlan device %s differs from the config: recreating it",
			     c->vxlan_name);
		if (nl_link_delete(n->h, n->vxlan.ifindex, err) < 0 || vtep_create(n, c, err) < 0)
			return cni_err_wrap(err, "failed to recreate \"%s\"", c->vxlan_name);
	}
	if (n->vxlan.mtu != n->mtu && nl_link_set_mtu(n->h, n->vxlan.ifindex, n->mtu, err) < 0)
		return cni_err_wrap(err, "failed to set the MTU of \"%s\"", c->vxlan_name);
	if (memcmp(n->vxlan.mac, mac, NL_MAC_LEN) &&
	    nl_link_set_mac(n->h, n->vxlan.ifindex, mac, err) < 0)
		return cni_err_wrap(err, "failed to set the MAC of \"%s\"", c->vxlan_name);
	if (nl_link_set_up(n->h, n->vxlan.ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to set \"%s\" up", c->vxlan_name);
	if (vtep_sync_addresses(n, c, err) < 0)
		return cni_err_wrap(err, "\"%s\"", c->vxlan_name);
	return nl_link_get_by_index(n->h, n->vxlan.ifindex, &n->vxlan, err);
}

int vxo_vtep_check(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	struct nl_vxlan_options want, have;
	struct cni_prefix vtep[2];
	size_t n_vtep = vtep_addresses(c, vtep), count = 0;
	uint8_t mac[NL_MAC_LEN];
	char text[CNI_IP_STRLEN];

	vtep_wanted(n, c, &want);
	vxo_vtep_mac(&n->local, mac);
	if (nl_link_get_by_name(n->h, c->vxlan_name, &n->vxlan, err) < 0 ||
	    nl_vxlan_get(n->h, n->vxlan.ifindex, &have, err) < 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "vxlan device %s not found",
				c->vxlan_name);
	if (!vtep_matches(&have, &want))
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"vxlan device %s does not match the config (vni, port, local)",
				c->vxlan_name);
	if (!(n->vxlan.flags & IFF_UP_FLAG) || n->vxlan.mtu != n->mtu ||
	    memcmp(n->vxlan.mac, mac, NL_MAC_LEN))
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"vxlan device %s is down or has another MTU or MAC", c->vxlan_name);
	if (nl_address_list(n->h, n->vxlan.ifindex, 0, &addrs, &count, err) < 0)
		return -1;
	for (size_t w = 0; w < n_vtep; w++) {
		bool found = false;

		for (size_t i = 0; i < count && !found; i++)
			found = cni_ip_equal(&addrs[i].prefix.ip, &vtep[w].ip);
		if (!found)
			return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
					"vxlan device %s lacks VTEP address %s", c->vxlan_name,
					cni_ip_str(&vtep[w].ip, text));
	}
	return 0;
}
