/* The bandwidth plugin's keys, parsed once: rates and bursts per direction and the shaping mode. */
#ifndef BANDWIDTH_CONFIG_H
#define BANDWIDTH_CONFIG_H

#include <stdbool.h>

#include "cni/skel.h"
#include "tc/tc.h"

struct bandwidth_config {
	const char *name; /* the network's name (owned by the request) */
	enum tc_mode mode;
	/* "ingress" is traffic into the container, "egress" traffic out of it, as the reference. */
	bool has_ingress, has_egress; /* rate and burst both set */
	struct tc_rate ingress, egress;
};

/* Top-level keys win over runtimeConfig.bandwidth (the reference's getBandwidth). */
int bandwidth_config_parse(const struct cni_request *req, struct bandwidth_config *c,
			   struct cni_err *err);

static inline bool bandwidth_config_is_zero(const struct bandwidth_config *c)
{
	return !c->ingress.rate && !c->ingress.burst && !c->egress.rate && !c->egress.burst;
}

#endif
