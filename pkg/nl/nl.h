/* The one netlink layer: links, bridge ports, addresses, routes, sysctl and waits, per netns. */
#ifndef NL_NL_H
#define NL_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"

/* A rtnetlink socket opened inside one network namespace, and that namespace's fd. */
struct nl_handle;

/* ns_fd -1: the current namespace. The handle keeps its own dup of ns_fd. */
int nl_handle_open(int ns_fd, struct nl_handle **out, struct cni_err *err);
void nl_handle_close(struct nl_handle *h);
/* The namespace the handle works in (owned by the handle). */
int nl_handle_ns_fd(const struct nl_handle *h);

static inline void nl_handle_closep(struct nl_handle **h)
{
	if (*h)
		nl_handle_close(*h);
}
#define _cleanup_nl_handle_ __attribute__((cleanup(nl_handle_closep)))

/* ---- links -------------------------------------------------------------------------------- */

/* IFNAMSIZ, spelled here so users need neither <net/if.h> nor <linux/if.h> (they clash). */
#define NL_IFNAMSIZ   16
#define NL_MAC_LEN    6
#define NL_MAC_STRLEN 18

struct nl_link_info {
	int ifindex;
	char name[NL_IFNAMSIZ];
	char kind[32]; /* IFLA_INFO_KIND, "" for none */
	unsigned mtu;
	uint8_t mac[NL_MAC_LEN];
	char mac_str[NL_MAC_STRLEN]; /* "aa:bb:cc:dd:ee:ff" */
	int master;		     /* ifindex of the master, 0 when none */
	int link;		     /* IFLA_LINK: a veth's peer ifindex (in the peer's netns) */
	unsigned flags;		     /* IFF_* */
	uint8_t operstate;	     /* IF_OPER_* */
	int ipv6_accept_ra;	     /* net/ipv6/conf/<name>/accept_ra; -1 without IPv6 */
};

/* Not found fails with errnum ENODEV: see nl_err_is_not_found(). */
int nl_link_get_by_name(struct nl_handle *h, const char *name, struct nl_link_info *out,
			struct cni_err *err);
int nl_link_get_by_index(struct nl_handle *h, int ifindex, struct nl_link_info *out,
			 struct cni_err *err);
bool nl_err_is_not_found(const struct cni_err *err);
/* True when err carries errno EEXIST (a create that met an existing link or address). */
bool nl_err_is_exists(const struct cni_err *err);

struct nl_msg;
struct nl_link_spec;

/* A link kind, as iproute2's link_util: writes IFLA_INFO_DATA for its own options. */
struct nl_link_kind {
	const char *name; /* IFLA_INFO_KIND */
	int (*put_info_data)(struct nl_msg *msg, const struct nl_link_spec *spec,
			     struct cni_err *err);
};

extern const struct nl_link_kind nl_link_kind_veth;
extern const struct nl_link_kind nl_link_kind_bridge;

struct nl_veth_options {
	const struct nl_link_spec *peer; /* name, mtu, mac, ns_fd of the other end */
};

struct nl_bridge_options {
	bool has_vlan_filtering;
	bool vlan_filtering;
};

struct nl_link_spec {
	const char *name;
	unsigned mtu; /* 0: kernel default */
	bool has_mac;
	uint8_t mac[NL_MAC_LEN];
	int ns_fd;  /* >= 0: create the link directly in that netns */
	int master; /* 0: none */
	int parent; /* IFLA_LINK: the link a macvlan or ipvlan sits on; 0: none */
	bool up;
	const struct nl_link_kind *kind;
	const void *options; /* the kind's options struct */
};

/* RTM_NEWLINK with NLM_F_CREATE|NLM_F_EXCL: an existing name fails with EEXIST. */
int nl_link_create(struct nl_handle *h, const struct nl_link_spec *spec, struct cni_err *err);
int nl_link_delete(struct nl_handle *h, int ifindex, struct cni_err *err);
int nl_link_set_up(struct nl_handle *h, int ifindex, bool up, struct cni_err *err);
int nl_link_set_promisc(struct nl_handle *h, int ifindex, bool on, struct cni_err *err);
int nl_link_set_mtu(struct nl_handle *h, int ifindex, unsigned mtu, struct cni_err *err);
int nl_link_set_mac(struct nl_handle *h, int ifindex, const uint8_t mac[NL_MAC_LEN],
		    struct cni_err *err);
/* master 0 releases the link from its master. */
int nl_link_set_master(struct nl_handle *h, int ifindex, int master, struct cni_err *err);

/* "aa:bb:cc:dd:ee:ff" (any case, ':' or '-') -> bytes. */
bool nl_mac_parse(const char *s, uint8_t mac[NL_MAC_LEN]);
const char *nl_mac_str(const uint8_t mac[NL_MAC_LEN], char buf[NL_MAC_STRLEN]);

/* ---- bridges and their ports ---------------------------------------------------------------- */

/*
 * Create the bridge spec->name (kind forced to bridge) or take the existing one; *created tells
 * which. An existing link of another kind is an error.
 */
int nl_bridge_ensure(struct nl_handle *h, const struct nl_link_spec *spec, struct nl_link_info *out,
		     bool *created, struct cni_err *err);

int nl_bridge_port_set_hairpin(struct nl_handle *h, int ifindex, bool on, struct cni_err *err);
int nl_bridge_port_set_isolated(struct nl_handle *h, int ifindex, bool on, struct cni_err *err);

#define NL_BRIDGE_VLAN_PVID	(1u << 0)
#define NL_BRIDGE_VLAN_UNTAGGED (1u << 1)

/* VLANs vid_first..vid_last (inclusive) on a bridge port; flags NL_BRIDGE_VLAN_*. */
int nl_bridge_vlan_add(struct nl_handle *h, int ifindex, uint16_t vid_first, uint16_t vid_last,
		       unsigned flags, struct cni_err *err);
int nl_bridge_vlan_del(struct nl_handle *h, int ifindex, uint16_t vid_first, uint16_t vid_last,
		       struct cni_err *err);

struct nl_bridge_vlan {
	uint16_t vid;
	unsigned flags; /* NL_BRIDGE_VLAN_* */
};

/* The VLANs of one port, up to max; *n is the count found (may exceed max). */
int nl_bridge_vlan_list(struct nl_handle *h, int ifindex, struct nl_bridge_vlan *vlans, size_t max,
			size_t *n, struct cni_err *err);

/* ---- addresses --------------------------------------------------------------------------------
 */

#define NL_ADDRESS_NODAD (1u << 0)

struct nl_address {
	int ifindex;
	struct cni_prefix prefix;
	unsigned flags; /* IFA_F_* as the kernel reports them */
	int scope;
};

/* EEXIST is reported as an error; callers that accept it test nl_err_is_exists(). */
int nl_address_add(struct nl_handle *h, int ifindex, const struct cni_prefix *p, unsigned flags,
		   struct cni_err *err);
int nl_address_del(struct nl_handle *h, int ifindex, const struct cni_prefix *p,
		   struct cni_err *err);
/* Addresses of ifindex (0: all links) in family (0: both); *out is malloc'd. */
int nl_address_list(struct nl_handle *h, int ifindex, int family, struct nl_address **out,
		    size_t *n, struct cni_err *err);

/* ---- routes -----------------------------------------------------------------------------------
 */

struct nl_route {
	struct cni_prefix dst; /* len 0 with family set: default route */
	struct cni_ip gw;      /* family 0: none */
	int ifindex;
	unsigned table; /* 0: main */
	int scope;	/* RT_SCOPE_*; nl_route_init: universe, as the reference */
	unsigned priority;
	unsigned mtu, advmss; /* 0: unset */
	struct cni_ip src;    /* preferred source (RTA_PREFSRC); family 0: none */
};

void nl_route_init(struct nl_route *r);
/* Appends (NLM_F_APPEND), so an equal route with another gateway makes ECMP as the reference. */
int nl_route_add(struct nl_handle *h, const struct nl_route *r, struct cni_err *err);
int nl_route_del(struct nl_handle *h, const struct nl_route *r, struct cni_err *err);
/* Every route of family in every table; *out is malloc'd. */
int nl_route_list(struct nl_handle *h, int family, struct nl_route **out, size_t *n,
		  struct cni_err *err);

/* ---- sysctl -----------------------------------------------------------------------------------
 */

/*
 * Read or write /proc/sys/<key> as seen from the handle's namespace (key uses '/', so interface
 * names with dots work: "net/ipv6/conf/eth0.100/accept_dad"). Values without trailing newline.
 */
int nl_sysctl_read(struct nl_handle *h, const char *key, char *buf, size_t len,
		   struct cni_err *err);
int nl_sysctl_write(struct nl_handle *h, const char *key, const char *value, struct cni_err *err);

/*
 * The same settings by netlink, where the kernel offers it (pkg/nl/devconf.c): an IPv4 devconf
 * of one link (conf is an IPV4_DEVCONF_* index, e.g. IPV4_DEVCONF_ARP_NOTIFY), and whether the
 * namespace forwards family (net/ipv4/ip_forward, net/ipv6/conf/all/forwarding).
 */
int nl_link_set_ipv4_conf(struct nl_handle *h, int ifindex, int conf, uint32_t value,
			  struct cni_err *err);
int nl_forwarding_get(struct nl_handle *h, int family, bool *on, struct cni_err *err);
/* Turn forwarding of family on in h's namespace, writing the sysctl only when it is off. */
int nl_forwarding_enable(struct nl_handle *h, int family, struct cni_err *err);

/* ---- waiting for the kernel -------------------------------------------------------------------
 */

/* Wait until ifindex is operationally up (IF_OPER_UP), for at most timeout_ms. */
int nl_wait_link_oper_up(struct nl_handle *h, int ifindex, int timeout_ms, struct cni_err *err);
/* Wait until no IPv6 address of ifindex is tentative, for at most timeout_ms. */
int nl_wait_ipv6_settled(struct nl_handle *h, int ifindex, int timeout_ms, struct cni_err *err);

#endif
