/* Running another CNI plugin binary: lookup in CNI_PATH, environment, stdin, result or error. */
#ifndef CNI_EXEC_H
#define CNI_EXEC_H

#include <jansson.h>
#include <stddef.h>

#include "cni/err.h"

struct cni_exec_env {
	const char *command; /* "ADD", "DEL", ... */
	const char *container_id;
	const char *netns;
	const char *ifname;
	const char *args; /* CNI_ARGS */
	const char *path; /* CNI_PATH, also where the binary is looked up */
};

/* Find the binary named type in the colon-separated cni_path. */
int cni_exec_find(const char *type, const char *cni_path, char *out, size_t len,
		  struct cni_err *err);

/*
 * Run the plugin at binary_path with stdin_data and the process environment overridden by env.
 * On exit status 0, *out is its parsed stdout (NULL when stdout was empty).
 * On failure, err carries the plugin's own error JSON (code, msg, details) when it printed one.
 */
int cni_exec_plugin(const char *binary_path, const struct cni_exec_env *env, const char *stdin_data,
		    json_t **out, struct cni_err *err);

#endif
