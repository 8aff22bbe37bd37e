/* Gateways: computed from the IPAM result (calcGateways), put on the bridge, forwarding enabled. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attach/attach.h"
#include "cni/cleanup.h"
#include "cni/log.h"

static bool has_default_route_with_gw(const struct cni_result *r, int family)
{
	for (size_t i = 0; i < r->n_routes; i++)
		if (r->routes[i].dst.ip.family == family && r->routes[i].dst.len == 0 &&
		    cni_ip_is_set(&r->routes[i].gw))
			return true;
	return false;
}

int attach_gateways_compute(bool is_gateway, bool is_default_gateway, struct cni_result *r,
			    struct cni_err *err)
{
	bool default_found[2] = {false, false};

	for (size_t i = 0; i < r->n_ips; i++) {
		struct cni_ip_config *ip = &r->ips[i];
		int family = ip->address.ip.family;
		bool *found = &default_found[family == AF_INET6];

		if (!cni_ip_is_set(&ip->gateway) && is_gateway) {
			struct cni_prefix net = cni_prefix_network(&ip->address);

			ip->gateway = cni_ip_add(&net.ip, 1);
		}
		if (is_default_gateway && !*found) {
			*found = has_default_route_with_gw(r, family);
			if (!*found) {
				struct cni_route route = {.dst.ip.family = family,
							  .gw = ip->gateway};

				if (cni_result_add_route(r, &route, err) < 0)
					return -1;
				*found = true;
			}
		}
	}
	return 0;
}

struct address_del_arg {
	struct nl_handle *h;
	int ifindex;
	struct cni_prefix p;
};

static void undo_address_del(void *p)
{
	struct address_del_arg *a = p;
	struct cni_err err = {0};

	if (nl_address_del(a->h, a->ifindex, &a->p, &err) < 0)
		cni_log_warn("rollback: delete gateway address: %s", err.msg);
}

/* Pin the link's MAC; otherwise a bridge follows the lowest port MAC as ports come and go. */
static int pin_mac(struct attach_bridge *b, int ifindex, struct cni_err *err)
{
	static const uint8_t zero[NL_MAC_LEN];
	struct nl_link_info now;

	if (nl_link_get_by_index(b->host, ifindex, &now, err) < 0)
		return -1;
	/* A bridge without ports may have no address yet: nothing to pin. */
	if (!memcmp(now.mac, zero, sizeof(zero)))
		return 0;
	if (nl_link_set_mac(b->host, ifindex, now.mac, err) < 0)
		return cni_err_wrap(err, "could not set bridge's mac");
	return 0;
}

/*
 * The reference's ensureAddr: one IPv4 gateway per link, IPv6 ones as long as they do not
 * overlap.
 */
static int ensure_address(struct attach_bridge *b, const struct attach_gateway_options *o,
			  const struct nl_link_info *link, const struct cni_prefix *gw,
			  struct cni_err *err)
{
	_cleanup_free_ struct nl_address *addrs = NULL;
	struct address_del_arg undo = {.h = b->host, .ifindex = link->ifindex, .p = *gw};
	char want[CNI_IP_STRLEN];
	size_t n = 0;

	cni_prefix_str(gw, want);
	if (nl_address_list(b->host, link->ifindex, gw->ip.family, &addrs, &n, err) < 0)
		return cni_err_wrap(err, "could not get list of IP addresses");
	for (size_t i = 0; i < n; i++) {
		const struct cni_prefix *a = &addrs[i].prefix;

		if (a->len == gw->len && cni_ip_equal(&a->ip, &gw->ip))
			return 0;
		if (gw->ip.family == AF_INET || cni_prefix_contains(a, &gw->ip) ||
		    cni_prefix_contains(gw, &a->ip)) {
			if (!o->force_address)
				return cni_errf(
					err, CNI_ERR_INVALID_CONFIG, 0,
					"\"%s\" already has an IP address different from %s",
					link->name, want);
			if (nl_address_del(b->host, link->ifindex, a, err) < 0)
				return cni_err_wrap(err, "could not remove IP address from \"%s\"",
						    link->name);
		}
	}
	/* The gateway is reserved by IPAM, so unique: no DAD, usable at once. */
	if (nl_address_add(b->host, link->ifindex, gw, NL_ADDRESS_NODAD, err) < 0) {
		if (!nl_err_is_exists(err))
			return cni_err_wrap(err, "could not add IP address %s to \"%s\"", want,
					    link->name);
	} else if (undo_push(b->undo, undo_address_del, &undo, sizeof(undo)) < 0) {
		undo_address_del(&undo);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
	}
	return pin_mac(b, link->ifindex, err);
}

/* The reference's ensureVlanInterface: "<bridge>.<vlan>", a veth end in our namespace. */
static int vlan_interface(struct attach_bridge *b, const struct attach_gateway_options *g,
			  struct nl_link_info *out, struct cni_err *err)
{
	struct attach_port_options o = {
		.mtu = b->link.mtu,
		.vlan = g->vlan,
		.preserve_default_vlan = g->preserve_default_vlan,
	};
	struct nl_link_info host_end;
	char name[32];

	snprintf(name, sizeof(name), "%s.%u", b->link.name, g->vlan);
	if (strlen(name) >= NL_IFNAMSIZ)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "vlan interface name %s too long",
				name);
	if (nl_link_get_by_name(b->host, name, out, err) == 0)
		return 0;
	if (!nl_err_is_not_found(err))
		return cni_err_wrap(err, "failed to find interface \"%s\"", name);
	if (attach_port_add(b, b->host, -1, name, &o, &host_end, out, err) < 0)
		return cni_err_wrap(err, "failed to create vlan gateway \"%s\"", name);
	if (nl_link_set_up(b->host, out->ifindex, true, err) < 0)
		return cni_err_wrap(err, "failed to up \"%s\"", name);
	return 0;
}

int attach_gateways_apply(struct attach_bridge *b, const struct attach_gateway_options *o,
			  struct cni_result *result, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};
	struct nl_link_info vlan_if;
	bool vlan_reported = false;

	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		bool any = false;

		for (size_t i = 0; i < result->n_ips; i++) {
			const struct cni_ip_config *ip = &result->ips[i];
			struct cni_prefix gw = {.ip = ip->gateway, .len = ip->address.len};
			const struct nl_link_info *link = &b->link;

			if (ip->address.ip.family != families[f] || !cni_ip_is_set(&ip->gateway))
				continue;
			if (o->vlan) {
				if (vlan_interface(b, o, &vlan_if, err) < 0)
					return cni_err_wrap(err, "failed to create vlan interface");
				if (!vlan_reported &&
				    cni_result_add_interface(result, vlan_if.name, vlan_if.mac_str,
							     0, NULL, err) < 0)
					return -1;
				vlan_reported = true;
				link = &vlan_if;
			}
			if (ensure_address(b, o, link, &gw, err) < 0)
				return cni_err_wrap(err, "failed to set %s addr",
						    o->vlan ? "vlan interface for bridge"
							    : "bridge");
			any = true;
		}
		/* The namespace the plugin runs in (b->host), never reached from elsewhere. */
		if (any && nl_forwarding_enable(b->host, families[f], err) < 0)
			return cni_err_wrap(err, "failed to enable forwarding");
	}
	return 0;
}
