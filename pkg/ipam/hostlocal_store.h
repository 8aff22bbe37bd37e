/* host-local's disk store, byte-compatible with the reference: <dataDir>/<net>/<ip>, flock on lock.
 */
#ifndef IPAM_HOSTLOCAL_STORE_H
#define IPAM_HOSTLOCAL_STORE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/ip.h"

#define IPAM_DEFAULT_DATA_DIR	  "/var/lib/cni/networks"
#define IPAM_LAST_RESERVED_PREFIX "last_reserved_ip."
/* The reference writes "<containerID>\r\n<ifname>" into each reservation file. */
#define IPAM_LINE_BREAK "\r\n"

/* An open network directory, locked exclusively from open until close. */
struct ipam_store {
	int dir_fd;
	int lock_fd;
	char dir[PATH_MAX];
};

/*
 * Create <data_dir>/<network> (mode 0755, like MkdirAll), open <dir>/lock (created 0750, as
 * go-filemutex does) and take flock(LOCK_EX) on it, the lock the reference takes.
 */
int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    struct cni_err *err);
void ipam_store_close(struct ipam_store *s);

/*
 * One pass over the directory. fn sees every regular file except "lock" and the
 * last_reserved_ip.N files: ip is the address its name spells (NULL if none) and, when read is
 * true, content is the file's text with surrounding whitespace trimmed (as the reference compares
 * it). A non-zero return from fn stops the pass and is returned.
 */
typedef int (*ipam_store_visit_fn)(struct ipam_store *s, const char *name, const struct cni_ip *ip,
				   const char *content, size_t len, void *ctx, struct cni_err *err);
int ipam_store_foreach(struct ipam_store *s, bool read, ipam_store_visit_fn fn, void *ctx,
		       struct cni_err *err);

enum ipam_owner_match {
	IPAM_OWNER_OTHER,
	IPAM_OWNER_CURRENT, /* "<id>\r\n<ifname>" */
	IPAM_OWNER_LEGACY,  /* "<id>" alone, written by host-local before ifname was recorded */
};
enum ipam_owner_match ipam_owner_match(const char *content, size_t len, const char *id,
				       const char *ifname);

/* Split a reservation's trimmed content into id and ifname (ifname NULL for a legacy file). */
struct ipam_owner {
	char id[512];
	char ifname[64];
	bool legacy;
};
bool ipam_owner_parse(const char *content, size_t len, struct ipam_owner *o);

/*
 * Create the file for ip exclusively; *reserved is false when it already exists. On success also
 * record ip in last_reserved_ip.<range_index>, as the reference does for round-robin.
 */
int ipam_store_reserve(struct ipam_store *s, const struct cni_ip *ip, const char *id,
		       const char *ifname, size_t range_index, bool *reserved, struct cni_err *err);
/* The address last_reserved_ip.<range_index> holds; false when missing or unreadable. */
bool ipam_store_last_reserved(struct ipam_store *s, size_t range_index, struct cni_ip *ip);
/* Remove one reservation file; a missing file is not an error. */
int ipam_store_remove(struct ipam_store *s, const char *name, struct cni_err *err);
int ipam_store_remove_ip(struct ipam_store *s, const struct cni_ip *ip, struct cni_err *err);

#endif
