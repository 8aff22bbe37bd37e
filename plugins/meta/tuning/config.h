/* The tuning plugin's configuration, parsed once from the stdin JSON into a typed struct. */
#ifndef TUNING_CONFIG_H
#define TUNING_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "cni/skel.h"
#include "nl/nl.h"

#define TUNING_DEFAULT_DATA_DIR "/run/cni/tuning"

/* One sysctl as the config names it ("net.ipv4.conf.IFNAME.arp_filter") and its value. */
struct tuning_sysctl {
	const char *key;
	const char *value;
};

/* Strings point into the request's config: they live as long as the request. */
struct tuning_config {
	const char *data_dir;
	struct tuning_sysctl *sysctls; /* top-level "sysctl", then args.cni.sysctl merged */
	size_t n_sysctls;
	const char *mac; /* NULL or "": leave the MAC alone */
	bool promisc;	 /* false: leave promiscuous mode alone (CHECK wants it off) */
	unsigned mtu;	 /* 0: leave the MTU alone */
	bool has_txqlen;
	unsigned txqlen;
	bool has_allmulti;
	bool allmulti;
};

/*
 * The reference's parseConf: the keys, then CNI_ARGS MAC, runtimeConfig.mac and the args.cni.*
 * overrides, in that order of precedence (lowest first). The MAC is not validated here (DEL
 * ignores it, as the reference): see tuning_mac_parse.
 */
int tuning_config_parse(const struct cni_request *req, struct tuning_config *c,
			struct cni_err *err);
void tuning_config_free(struct tuning_config *c);

/* True when a link attribute is to be changed (and so backed up). */
bool tuning_config_changes_link(const struct tuning_config *c);

/* A 48-bit MAC in any of Go's net.ParseMAC spellings; the reference's message otherwise. */
int tuning_mac_parse(const char *s, uint8_t mac[NL_MAC_LEN], struct cni_err *err);

#endif
