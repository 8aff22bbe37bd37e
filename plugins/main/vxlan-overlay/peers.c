/* The flannel-style triple per peer: onlink route, neighbour and FDB entry; stale ones removed. */
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "cni/cleanup.h"
#include "nl/neigh.h"
#include "nl/route_onlink.h"
#include "overlay.h"

#define GONE CNI_ERR_UNKNOWN_CONTAINER

/* A peer's VTEP address in one family: the first address of its pod subnet. */
static const struct cni_prefix *peer_subnet(const struct vxo_peer *p, int family)
{
	const struct cni_prefix *s = family == AF_INET ? &p->pod_subnet : &p->pod_subnet6;

	return s->ip.family ? s : NULL;
}

/* The node itself may be in the list (one file for every node): it is not its own peer. */
static bool is_remote(const struct vxo_node *n, const struct vxo_peer *p)
{
	return !cni_ip_equal(&p->node_ip, &n->local);
}

static int check_families(const struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	char text[CNI_IP_STRLEN];

	for (size_t i = 0; i < c->n_peers; i++)
		if (c->peers[i].node_ip.family != n->local.family)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"peer %s is not in the underlay's address family",
					cni_ip_str(&c->peers[i].node_ip, text));
	return 0;
}

static bool want_fdb(const struct vxo_node *n, const struct vxo_config *c, const struct nl_neigh *e)
{
	uint8_t mac[NL_MAC_LEN];

	for (size_t i = 0; i < c->n_peers; i++) {
		if (!is_remote(n, &c->peers[i]))
			continue;
		vxo_vtep_mac(&c->peers[i].node_ip, mac);
		if (!memcmp(mac, e->mac, NL_MAC_LEN) && cni_ip_equal(&e->ip, &c->peers[i].node_ip))
			return true;
	}
	return false;
}

static bool want_neigh(const struct vxo_node *n, const struct vxo_config *c,
		       const struct nl_neigh *e)
{
	uint8_t mac[NL_MAC_LEN];

	for (size_t i = 0; i < c->n_peers; i++) {
		const struct cni_prefix *s = peer_subnet(&c->peers[i], e->ip.family);

		if (!s || !is_remote(n, &c->peers[i]))
			continue;
		vxo_vtep_mac(&c->peers[i].node_ip, mac);
		if (cni_ip_equal(&s->ip, &e->ip) && !memcmp(mac, e->mac, NL_MAC_LEN))
			return true;
	}
	return false;
}

static bool want_route(const struct vxo_node *n, const struct vxo_config *c,
		       const struct nl_route *r)
{
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct cni_prefix *s = peer_subnet(&c->peers[i], r->dst.ip.family);

		if (s && is_remote(n, &c->peers[i]) && r->dst.len == s->len &&
		    cni_ip_equal(&r->dst.ip, &s->ip) && cni_ip_equal(&r->gw, &s->ip))
			return true;
	}
	return false;
}

/* Our entries on the VXLAN device: permanent FDB entries with a remote, permanent neighbours. */
static bool is_ours(const struct nl_neigh *e)
{
	return (e->state & NUD_PERMANENT) && e->has_mac && cni_ip_is_set(&e->ip);
}

/* Entries that no peer wants: removed (prune) or reported (check). */
static int sweep_neighbours(struct vxo_node *n, const struct vxo_config *c, int family, bool prune,
			    struct cni_err *err)
{
	_cleanup_free_ struct nl_neigh *list = NULL;
	char text[CNI_IP_STRLEN];
	size_t count = 0;

	if (nl_neigh_list(n->h, n->vxlan.ifindex, family, &list, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		const struct nl_neigh *e = &list[i];
		bool wanted = family == AF_BRIDGE ? want_fdb(n, c, e) : want_neigh(n, c, e);

		if (!is_ours(e) || wanted)
			continue;
		cni_ip_str(&e->ip, text);
		if (!prune)
			return cni_errf(err, GONE, 0, "stale %s entry for %s on %s",
					family == AF_BRIDGE ? "FDB" : "neighbour", text,
					c->vxlan_name);
		if ((family == AF_BRIDGE ? nl_fdb_del(n->h, n->vxlan.ifindex, e->mac, &e->ip, err)
					 : nl_neigh_del(n->h, n->vxlan.ifindex, &e->ip, err)) < 0)
			return cni_err_wrap(err, "remove stale entry for %s", text);
	}
	return 0;
}

static int sweep_routes(struct vxo_node *n, const struct vxo_config *c, bool prune,
			struct cni_err *err)
{
	_cleanup_free_ struct nl_route *routes = NULL;
	char text[CNI_IP_STRLEN];
	size_t count = 0;

	if (nl_route_list(n->h, 0, &routes, &count, err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		const struct nl_route *r = &routes[i];

		if (r->ifindex != n->vxlan.ifindex || !cni_ip_is_set(&r->gw) ||
		    r->table != RT_TABLE_MAIN || want_route(n, c, r))
			continue;
		cni_prefix_str(&r->dst, text);
		if (!prune)
			return cni_errf(err, GONE, 0, "stale route to %s on %s", text,
					c->vxlan_name);
		if (nl_route_del(n->h, r, err) < 0)
			return cni_err_wrap(err, "remove stale route to %s", text);
	}
	return 0;
}

static int sweep(struct vxo_node *n, const struct vxo_config *c, bool prune, struct cni_err *err)
{
	if (sweep_routes(n, c, prune, err) < 0 || sweep_neighbours(n, c, AF_INET, prune, err) < 0 ||
	    sweep_neighbours(n, c, AF_INET6, prune, err) < 0 ||
	    sweep_neighbours(n, c, AF_BRIDGE, prune, err) < 0)
		return -1;
	return 0;
}

static int peer_install(struct vxo_node *n, const struct vxo_peer *p, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};
	uint8_t mac[NL_MAC_LEN];
	char text[CNI_IP_STRLEN];

	cni_ip_str(&p->node_ip, text);
	vxo_vtep_mac(&p->node_ip, mac);
	if (nl_fdb_replace(n->h, n->vxlan.ifindex, mac, &p->node_ip, err) < 0)
		return cni_err_wrap(err, "peer %s: FDB entry", text);
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		const struct cni_prefix *s = peer_subnet(p, families[f]);

		if (!s)
			continue;
		/* The neighbour first: the route is usable the moment it exists. */
		if (nl_neigh_replace(n->h, n->vxlan.ifindex, &s->ip, mac, err) < 0)
			return cni_err_wrap(err, "peer %s: neighbour entry", text);
		if (nl_route_replace_onlink(n->h, s, &s->ip, n->vxlan.ifindex, err) < 0)
			return cni_err_wrap(err, "peer %s: route", text);
	}
	return 0;
}

int vxo_peers_reconcile(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	if (check_families(n, c, err) < 0)
		return -1;
	/* Departed peers first: a subnet that moved to another node must not meet its old route. */
	if (sweep(n, c, true, err) < 0)
		return cni_err_wrap(err, "reconcile peers");
	for (size_t i = 0; i < c->n_peers; i++)
		if (is_remote(n, &c->peers[i]) && peer_install(n, &c->peers[i], err) < 0)
			return -1;
	return 0;
}

static bool has_entry(const struct nl_neigh *list, size_t count, const struct cni_ip *ip,
		      const uint8_t mac[NL_MAC_LEN])
{
	for (size_t i = 0; i < count; i++)
		if (is_ours(&list[i]) && cni_ip_equal(&list[i].ip, ip) &&
		    !memcmp(list[i].mac, mac, NL_MAC_LEN))
			return true;
	return false;
}

static bool has_route(const struct nl_route *routes, size_t count, int ifindex,
		      const struct cni_prefix *s)
{
	for (size_t i = 0; i < count; i++)
		if (routes[i].ifindex == ifindex && routes[i].dst.len == s->len &&
		    cni_ip_equal(&routes[i].dst.ip, &s->ip) && cni_ip_equal(&routes[i].gw, &s->ip))
			return true;
	return false;
}

static int check_peer(struct vxo_node *n, const struct vxo_peer *p, struct cni_err *err)
{
	static const int families[] = {AF_INET, AF_INET6};
	_cleanup_free_ struct nl_neigh *fdb = NULL;
	uint8_t mac[NL_MAC_LEN];
	char text[CNI_IP_STRLEN];
	size_t n_fdb = 0;

	cni_ip_str(&p->node_ip, text);
	vxo_vtep_mac(&p->node_ip, mac);
	if (nl_neigh_list(n->h, n->vxlan.ifindex, AF_BRIDGE, &fdb, &n_fdb, err) < 0)
		return -1;
	if (!has_entry(fdb, n_fdb, &p->node_ip, mac))
		return cni_errf(err, GONE, 0, "peer %s: FDB entry missing", text);
	for (size_t f = 0; f < ARRAY_SIZE(families); f++) {
		const struct cni_prefix *s = peer_subnet(p, families[f]);
		_cleanup_free_ struct nl_neigh *neigh = NULL;
		_cleanup_free_ struct nl_route *routes = NULL;
		size_t n_neigh = 0, n_routes = 0;

		if (!s)
			continue;
		if (nl_neigh_list(n->h, n->vxlan.ifindex, families[f], &neigh, &n_neigh, err) < 0 ||
		    nl_route_list(n->h, families[f], &routes, &n_routes, err) < 0)
			return -1;
		if (!has_entry(neigh, n_neigh, &s->ip, mac))
			return cni_errf(err, GONE, 0, "peer %s: neighbour entry missing", text);
		if (!has_route(routes, n_routes, n->vxlan.ifindex, s))
			return cni_errf(err, GONE, 0, "peer %s: route missing", text);
	}
	return 0;
}

int vxo_peers_check(struct vxo_node *n, const struct vxo_config *c, struct cni_err *err)
{
	if (check_families(n, c, err) < 0)
		return -1;
	for (size_t i = 0; i < c->n_peers; i++)
		if (is_remote(n, &c->peers[i]) && check_peer(n, &c->peers[i], err) < 0)
			return -1;
	return sweep(n, c, false, err);
}
