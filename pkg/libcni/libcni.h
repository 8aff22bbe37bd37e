/* Runtime side of CNI, as upstream libcni: load a network list, run its plugins, keep the result
 * cache. */
#ifndef LIBCNI_LIBCNI_H
#define LIBCNI_LIBCNI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"

#define LIBCNI_DEFAULT_CACHE_DIR "/var/lib/cni"
#define LIBCNI_CACHE_KIND	 "cniCacheV1"

/* One network: a conflist, or a single .conf wrapped as a one-plugin list. */
struct libcni_list {
	char *name;
	char cni_version[16]; /* after cniVersions selection; "" when the file gives none */
	bool disable_check;
	bool disable_gc;
	bool load_only_inlined_plugins;
	json_t **plugins; /* each plugin's own config object, in order */
	size_t n_plugins;
	char *bytes; /* the list as loaded; the result cache stores it */
	size_t n_bytes;
};

/* The per-attachment arguments of one invocation (libcni's RuntimeConf). */
struct libcni_runtime {
	const char *container_id;
	const char *netns;
	const char *ifname;
	const struct cni_arg *args; /* CNI_ARGS pairs, in order */
	size_t n_args;
	json_t *capability_args; /* object or NULL: runtimeConfig candidates */
};

/* Where plugins and the cache live (libcni's CNIConfig). */
struct libcni {
	const char *path;      /* colon-separated plugin directories (CNI_PATH) */
	const char *cache_dir; /* NULL: LIBCNI_DEFAULT_CACHE_DIR */
};

/* An attachment found in the result cache. */
struct libcni_attachment {
	char *container_id;
	char *network;
	char *ifname;
	char *netns;
	struct cni_arg *args;
	size_t n_args;
	json_t *capability_args;
};

/* Load network `name` from dir: *.conflist first (sorted), then *.conf and *.json. */
int libcni_load_list(const char *dir, const char *name, struct libcni_list *list,
		     struct cni_err *err);
/* Parse a conflist held in memory (plugins from a sibling directory are not looked up). */
int libcni_list_from_bytes(const char *bytes, size_t len, struct libcni_list *list,
			   struct cni_err *err);
void libcni_list_free(struct libcni_list *list);

/* ADD every plugin in order, each given the previous result; cache the last one and return it. */
int libcni_add(const struct libcni *c, const struct libcni_list *list,
	       const struct libcni_runtime *rt, struct cni_result *result, struct cni_err *err);
/* CHECK every plugin with the cached result (spec >= 0.4.0; nothing when disableCheck). */
int libcni_check(const struct libcni *c, const struct libcni_list *list,
		 const struct libcni_runtime *rt, struct cni_err *err);
/* DEL every plugin in reverse order with the cached result, then drop the cache entry. */
int libcni_del(const struct libcni *c, const struct libcni_list *list,
	       const struct libcni_runtime *rt, struct cni_err *err);
/*
 * GC: DEL every cached attachment of this network that is not in valid, then (spec >= 1.1.0) run GC
 * on every plugin with "cni.dev/valid-attachments". has_valid false is libcni's nil GCArgs: every
 * cached attachment is stale and plugins get no list.
 */
int libcni_gc(const struct libcni *c, const struct libcni_list *list, bool has_valid,
	      const struct cni_attachment *valid, size_t n_valid, struct cni_err *err);
/* STATUS every plugin (spec >= 1.1.0; nothing below). */
int libcni_status(const struct libcni *c, const struct libcni_list *list, struct cni_err *err);

/* The cached result of the last ADD, converted to version; *found false when there is none. */
int libcni_cached_result(const struct libcni *c, const char *network, const char *version,
			 const struct libcni_runtime *rt, bool *found, struct cni_result *result,
			 struct cni_err *err);
/* Every well-formed cache entry, sorted by file name; container_id NULL for all. */
int libcni_cached_attachments(const struct libcni *c, const char *container_id,
			      struct libcni_attachment **out, size_t *n, struct cni_err *err);
void libcni_attachments_free(struct libcni_attachment *a, size_t n);

#endif
