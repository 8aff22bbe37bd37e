/* The portmap plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef PORTMAP_CONFIG_H
#define PORTMAP_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/ip.h"
#include "cni/skel.h"
#include "fw/fw.h"

#define PORTMAP_DEFAULT_MARK_BIT 13

struct portmap_mapping {
	uint16_t host_port;
	uint16_t container_port;
	uint8_t protocol; /* IPPROTO_TCP / UDP / SCTP */
	char protocol_name[8];
	struct cni_ip host_ip; /* family 0: none */
};

struct portmap_config {
	const char *name;
	const char *container_id;
	enum fw_backend backend;
	bool snat;
	bool masq_all;
	int mark_masq_bit;
	const char *external_set_mark_chain; /* NULL: ours (CNI-HOSTPORT-SETMARK) */
	const char **conditions_v4, **conditions_v6;
	size_t n_conditions_v4, n_conditions_v6;
	struct portmap_mapping *mappings;
	size_t n_mappings;
	/* The container's addresses on CNI_IFNAME from the prevResult (family 0: none). */
	struct cni_prefix cont_v4, cont_v6;
};

int portmap_config_parse(const struct cni_request *req, struct portmap_config *c,
			 struct cni_err *err);
void portmap_config_free(struct portmap_config *c);

#endif
