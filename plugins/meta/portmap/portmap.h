/* The portmap plugin's two rule layouts (nftables, iptables), as the reference lays them out. */
#ifndef PORTMAP_PORTMAP_H
#define PORTMAP_PORTMAP_H

#include "config.h"

/* One backend's layout: forward and check one family's address, unforward and gc both. */
struct portmap_backend {
	int (*forward)(const struct portmap_config *c, const struct cni_prefix *cont,
		       struct cni_err *err);
	int (*check)(const struct portmap_config *c, const struct cni_prefix *cont,
		     struct cni_err *err);
	int (*unforward)(const struct portmap_config *c, struct cni_err *err);
	int (*gc)(const struct portmap_config *c, const struct cni_request *req,
		  struct cni_err *err);
};

extern const struct portmap_backend portmap_nftables;
extern const struct portmap_backend portmap_iptables;

/* True when container_id has an attachment in the GC request's valid list. */
bool portmap_container_is_valid(const struct cni_request *req, const char *container_id);

/* net.ipv4.conf.<host interface towards ip>.route_localnet = 1, for 127.0.0.1:hostPort. */
int portmap_enable_localnet(const struct cni_ip *ip, struct cni_err *err);

#endif
