/* Running one plugin of a list: its stdin built as libcni builds it, and the CNI_* environment. */
#ifndef LIBCNI_INVOKE_H
#define LIBCNI_INVOKE_H

#include <jansson.h>

#include "cni/err.h"
#include "libcni/libcni.h"

/*
 * A copy of plugin with name, cniVersion, prevResult (when not NULL) set and, when rt is not NULL,
 * "runtimeConfig" holding the capability arguments the plugin declares with true. NULL: out of
 * memory.
 */
json_t *libcni_build_conf(const json_t *plugin, const char *name, const char *version,
			  const json_t *prev, const struct libcni_runtime *rt);

/*
 * Find the plugin's binary in c->path and run command with conf on stdin. rt NULL runs with empty
 * CNI_CONTAINERID/NETNS/IFNAME/ARGS (GC, STATUS). out NULL ignores stdout.
 */
int libcni_invoke(const struct libcni *c, const json_t *conf, const char *command,
		  const struct libcni_runtime *rt, json_t **out, struct cni_err *err);

/* `type="bridge" name="x"` for messages, as libcni's pluginDescription. */
void libcni_describe(const json_t *plugin, char *buf, size_t len);

#endif
