/* Running one plugin of a list: its stdin built as libcni builds it, and the CNI_* environment. */
#include "libcni/invoke.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/exec.h"

json_t *libcni_build_conf(const json_t *plugin, const char *name, const char *version,
			  const json_t *prev, const struct libcni_runtime *rt)
{
	json_t *conf = json_deep_copy(plugin);
	const json_t *caps = json_object_get(plugin, "capabilities"), *enabled;
	json_t *runtime_config;
	const char *cap;

	if (!conf)
		return NULL;
	if (json_object_set_new(conf, "name", json_string(name)) ||
	    json_object_set_new(conf, "cniVersion", json_string(version)))
		goto out_nomem;
	if (prev && json_object_set(conf, "prevResult", (json_t *)prev))
		goto out_nomem;
	if (!rt || !rt->capability_args)
		return conf;

	runtime_config = json_object();
	if (!runtime_config)
		goto out_nomem;
	/* Only what the plugin asked for, so a plugin never sees another's capability data. */
	json_object_foreach ((json_t *)caps, cap, enabled) {
		json_t *data = json_object_get(rt->capability_args, cap);

		if (json_is_true(enabled) && data && json_object_set(runtime_config, cap, data)) {
			json_decref(runtime_config);
			goto out_nomem;
		}
	}
	/* An empty set leaves the config's own runtimeConfig alone, as libcni. */
	if (json_object_size(runtime_config) == 0) {
		json_decref(runtime_config);
		return conf;
	}
	if (json_object_set_new(conf, "runtimeConfig", runtime_config))
		goto out_nomem;
	return conf;

out_nomem:
	json_decref(conf);
	return NULL;
}

void libcni_describe(const json_t *plugin, char *buf, size_t len)
{
	const char *type = json_string_value(json_object_get(plugin, "type"));
	const char *name = json_string_value(json_object_get(plugin, "name"));
	int n = snprintf(buf, len, "type=\"%s\"", type ? type : "");

	if (name && *name && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " name=\"%s\"", name);
}

/* CNI_ARGS from pairs: "K1=V1;K2=V2" (invoke.Args' stringify). */
static char *join_args(const struct libcni_runtime *rt)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; rt && i < rt->n_args; i++)
		len += strlen(rt->args[i].key) + strlen(rt->args[i].value) + 2;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; rt && i < rt->n_args; i++)
		p += sprintf(p, "%s%s=%s", i ? ";" : "", rt->args[i].key, rt->args[i].value);
	return s;
}

int libcni_invoke(const struct libcni *c, const json_t *conf, const char *command,
		  const struct libcni_runtime *rt, json_t **out, struct cni_err *err)
{
	const char *type = json_string_value(json_object_get(conf, "type"));
	_cleanup_free_ char *stdin_data = NULL;
	_cleanup_free_ char *args = NULL;
	char binary[PATH_MAX];
	struct cni_exec_env env;

	if (cni_exec_find(type, c->path, binary, sizeof(binary), err) < 0)
		return -1;
	/* Go's json.Marshal of a map: compact, keys sorted. */
	stdin_data = json_dumps(conf, JSON_COMPACT | JSON_SORT_KEYS);
	args = join_args(rt);
	if (!stdin_data || !args)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "build plugin input");
	/* Every variable is set, empty when unknown, as invoke.Args.AsEnv does. */
	env = (struct cni_exec_env){
		.command = command,
		.container_id = rt && rt->container_id ? rt->container_id : "",
		.netns = rt && rt->netns ? rt->netns : "",
		.ifname = rt && rt->ifname ? rt->ifname : "",
		.args = args,
		.path = c->path ? c->path : "",
	};
	return cni_exec_plugin(binary, &env, stdin_data, out, err);
}
