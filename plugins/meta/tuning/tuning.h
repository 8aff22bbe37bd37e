/* The tuning plugin's steps, shared by its files: sysctl keys, allowlist, backup, link attributes.
 */
#ifndef TUNING_TUNING_H
#define TUNING_TUNING_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cni/err.h"
#include "config.h"
#include "nl/nl.h"

/* ---- sysctl keys (sysctl_key.c) ----------------------------------------------------------------
 */

/*
 * The reference's getSysctlFilename: dots become '/', the first "IFNAME" becomes ifname, the path
 * is cleaned under /proc/sys and must stay under /proc/sys/net/. rel gets the part after
 * "/proc/sys/" (what pkg/nl's sysctl calls take).
 */
int tuning_sysctl_path(const char *key, const char *ifname, char rel[PATH_MAX],
		       struct cni_err *err);
/* A path under /proc/sys read back from a backup file: clean, and under net/. */
int tuning_sysctl_rel_check(const char *rel, struct cni_err *err);

/* ---- the allowlist (allowlist.c) ---------------------------------------------------------------
 */

#define TUNING_ALLOWLIST_FILE "/etc/cni/tuning/allowlist.conf"
/* The environment variable naming another allowlist file (tests; the runtime's environment). */
#define TUNING_ALLOWLIST_ENV "CNI_TUNING_ALLOWLIST"

/* Every sysctl key must match a line (an unanchored regex) of the allowlist, when it exists. */
int tuning_allowlist_check(const struct tuning_config *c, struct cni_err *err);

/* ---- duplicate sysctl keys (duplicates.c) ------------------------------------------------------
 */

/*
 * jansson keeps the last of two equal keys, the reference refuses them: the check reads the
 * stdin bytes the skel kept (req->raw_config).
 */
int tuning_check_duplicate_sysctls(const struct cni_request *req, struct cni_err *err);

/* ---- the backup file (backup.c) ----------------------------------------------------------------
 */

/* The reference's configToRestore, plus the sysctls' previous values (our extension). */
struct tuning_backup {
	bool has_mac;
	uint8_t mac[NL_MAC_LEN];
	bool has_promisc, promisc;
	unsigned mtu; /* 0: not saved */
	bool has_allmulti, allmulti;
	bool has_txqlen;
	unsigned txqlen;
	struct tuning_sysctl *sysctls; /* key: path under /proc/sys; both strings malloc'd */
	size_t n_sysctls;
};

void tuning_backup_free(struct tuning_backup *b);
bool tuning_backup_is_empty(const struct tuning_backup *b);
/* <dataDir>/<containerID>_<ifname>.json, as the reference. */
int tuning_backup_path(const struct tuning_config *c, const char *container_id, const char *ifname,
		       char path[PATH_MAX], struct cni_err *err);
int tuning_backup_write(const char *path, const struct tuning_backup *b, struct cni_err *err);
/* A missing file gives *found false. */
int tuning_backup_read(const char *path, struct tuning_backup *b, bool *found, struct cni_err *err);
int tuning_backup_add_sysctl(struct tuning_backup *b, const char *rel, const char *value,
			     struct cni_err *err);

/* ---- link attributes and sysctls in the container (apply.c) ------------------------------------
 */

/* What the config will change, as it is now: the backup to write before changing it. */
int tuning_save(struct nl_handle *ctr, const struct nl_link_info *link,
		const struct tuning_config *c, const char *ifname, struct tuning_backup *b,
		struct cni_err *err);
/* Sysctls, then MAC, promisc, MTU, allmulti, txQLen, as the reference's ADD. */
int tuning_apply(struct nl_handle *ctr, const struct nl_link_info *link,
		 const struct tuning_config *c, const char *ifname, struct cni_err *err);
/* Everything in b back onto the link (link NULL: only the sysctls); each failure is logged. */
int tuning_restore(struct nl_handle *ctr, const struct nl_link_info *link,
		   const struct tuning_backup *b, struct cni_err *err);
/* CHECK: the configured sysctls and attributes against the kernel, the reference's messages. */
int tuning_verify(struct nl_handle *ctr, const struct tuning_config *c, const char *ifname,
		  struct cni_err *err);

#endif
