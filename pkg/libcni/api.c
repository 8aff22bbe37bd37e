/* The verbs over a network list, as upstream libcni: ADD in order, DEL in reverse, CHECK, GC,
 * STATUS. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/names.h"
#include "cni/version.h"
#include "libcni/cache.h"
#include "libcni/invoke.h"
#include "libcni/libcni.h"

/* The list's version compared with min; an unparsable or empty version is an error, as libcni. */
static int version_at_least(const char *version, const char *min, bool *yes, struct cni_err *err)
{
	int cmp;

	if (cni_version_cmp(version, min, &cmp, err) < 0)
		return -1;
	*yes = cmp >= 0;
	return 0;
}

/*
 * A plugin's ADD output becomes a typed result in its own version (cniVersion defaulting to the
 * config's, libcni's fixupResultVersion) and back, which drops what the spec does not define.
 */
static json_t *normalize_result(json_t *raw, const char *conf_version, struct cni_result *r,
				struct cni_err *err)
{
	const char *v = conf_version && *conf_version ? conf_version : "0.1.0";
	json_t *out;

	if (!raw) {
		cni_errf(err, CNI_ERR_DECODE, 0,
			 "failed to unmarshal raw result: unexpected end of JSON input");
		return NULL;
	}
	if (cni_result_from_json(raw, v, r, err) < 0)
		return NULL;
	out = cni_result_to_json(r, r->cni_version, err);
	if (!out)
		cni_result_free(r);
	return out;
}

static json_t *add_one(const struct libcni *c, const struct libcni_list *list, const json_t *plugin,
		       const json_t *prev, const struct libcni_runtime *rt, struct cni_result *r,
		       struct cni_err *err)
{
	_cleanup_json_ json_t *conf = NULL;
	_cleanup_json_ json_t *raw = NULL;

	if (cni_validate_container_id(rt->container_id, err) < 0 ||
	    cni_validate_network_name(list->name, err) < 0 ||
	    cni_validate_ifname(rt->ifname, err) < 0)
		return NULL;
	conf = libcni_build_conf(plugin, list->name, list->cni_version, prev, rt);
	if (!conf) {
		cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "build plugin config");
		return NULL;
	}
	if (libcni_invoke(c, conf, "ADD", rt, &raw, err) < 0)
		return NULL;
	return normalize_result(raw, list->cni_version, r, err);
}

int libcni_add(const struct libcni *c, const struct libcni_list *list,
	       const struct libcni_runtime *rt, struct cni_result *result, struct cni_err *err)
{
	_cleanup_json_ json_t *prev = NULL;
	struct cni_result r;
	bool have = false;
	char desc[160];

	for (size_t i = 0; i < list->n_plugins; i++) {
		json_t *next = add_one(c, list, list->plugins[i], prev, rt, &r, err);

		if (have)
			cni_result_free(result);
		have = false;
		if (!next) {
			libcni_describe(list->plugins[i], desc, sizeof(desc));
			return cni_err_wrap(err, "plugin %s failed (add)", desc);
		}
		json_decref(prev);
		prev = next;
		*result = r;
		have = true;
	}
	if (!have)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no plugin configs found");
	if (libcni_cache_add(c, list, rt, prev, err) < 0) {
		cni_result_free(result);
		return cni_err_wrap(err, "failed to set network \"%s\" cached result", list->name);
	}
	return 0;
}

/* Run command on every plugin in the given direction with the same prevResult. */
static int run_each(const struct libcni *c, const struct libcni_list *list, const char *command,
		    const json_t *prev, const struct libcni_runtime *rt, bool reverse,
		    const char *what, struct cni_err *err)
{
	for (size_t k = 0; k < list->n_plugins; k++) {
		const json_t *plugin = list->plugins[reverse ? list->n_plugins - 1 - k : k];
		_cleanup_json_ json_t *conf =
			libcni_build_conf(plugin, list->name, list->cni_version, prev, rt);
		char desc[160];

		if (!conf)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "build plugin config");
		if (libcni_invoke(c, conf, command, rt, NULL, err) < 0) {
			if (!what)
				return -1;
			libcni_describe(plugin, desc, sizeof(desc));
			return cni_err_wrap(err, "plugin %s failed (%s)", desc, what);
		}
	}
	return 0;
}

int libcni_check(const struct libcni *c, const struct libcni_list *list,
		 const struct libcni_runtime *rt, struct cni_err *err)
{
	_cleanup_json_ json_t *cached = NULL;
	bool ok;

	if (version_at_least(list->cni_version, "0.4.0", &ok, err) < 0)
		return -1;
	if (!ok)
		return cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
				"configuration version \"%s\" does not support the CHECK command",
				list->cni_version);
	if (list->disable_check)
		return 0;
	if (libcni_cache_result_json(c, list->name, list->cni_version, rt, &cached, err) < 0)
		return cni_err_wrap(err, "failed to get network \"%s\" cached result", list->name);
	return run_each(c, list, "CHECK", cached, rt, false, NULL, err);
}

int libcni_del(const struct libcni *c, const struct libcni_list *list,
	       const struct libcni_runtime *rt, struct cni_err *err)
{
	_cleanup_json_ json_t *cached = NULL;
	bool with_cache;

	if (version_at_least(list->cni_version, "0.4.0", &with_cache, err) < 0)
		return -1;
	/* An unreadable cache entry is dropped; DEL goes on without prevResult. */
	if (with_cache &&
	    libcni_cache_result_json(c, list->name, list->cni_version, rt, &cached, err) < 0) {
		libcni_cache_del(c, list->name, rt);
		cached = NULL;
		cni_err_clear(err);
	}
	if (run_each(c, list, "DEL", cached, rt, true, "delete", err) < 0)
		return -1;
	libcni_cache_del(c, list->name, rt);
	return 0;
}

/* errors.Join: the first error's code, every message on its own line. */
static void join_error(struct cni_err *all, const struct cni_err *one)
{
	size_t used = strlen(all->msg);

	if (!cni_err_is_set(all)) {
		*all = *one;
		return;
	}
	snprintf(all->msg + used, sizeof(all->msg) - used, "\n%s", one->msg);
}

static bool attachment_is_valid(const struct libcni_attachment *a,
				const struct cni_attachment *valid, size_t n_valid)
{
	for (size_t i = 0; i < n_valid; i++)
		if (strcmp(valid[i].container_id, a->container_id) == 0 &&
		    strcmp(valid[i].ifname, a->ifname) == 0)
			return true;
	return false;
}

static void gc_stale(const struct libcni *c, const struct libcni_list *list, bool has_valid,
		     const struct cni_attachment *valid, size_t n_valid, struct cni_err *all)
{
	struct libcni_attachment *cached = NULL;
	struct cni_err one = {0};
	size_t n = 0;

	/* As libcni, a cache that cannot be listed means nothing to collect. */
	if (libcni_cached_attachments(c, NULL, &cached, &n, &one) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct libcni_attachment *a = &cached[i];
		struct libcni_runtime rt = {
			.container_id = a->container_id,
			.netns = a->netns,
			.ifname = a->ifname,
			.args = a->args,
			.n_args = a->n_args,
			.capability_args = a->capability_args,
		};

		if (strcmp(a->network, list->name) != 0)
			continue;
		if (has_valid && attachment_is_valid(a, valid, n_valid))
			continue;
		cni_err_clear(&one);
		if (libcni_del(c, list, &rt, &one) < 0) {
			cni_err_wrap(&one, "failed to delete stale attachment %s %s",
				     a->container_id, a->ifname);
			join_error(all, &one);
		}
	}
	libcni_attachments_free(cached, n);
}

static json_t *attachments_json(const struct cni_attachment *valid, size_t n_valid)
{
	json_t *arr = json_array();

	for (size_t i = 0; arr && i < n_valid; i++) {
		if (json_array_append_new(arr, json_pack("{s:s, s:s}", "containerID",
							 valid[i].container_id, "ifname",
							 valid[i].ifname))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

int libcni_gc(const struct libcni *c, const struct libcni_list *list, bool has_valid,
	      const struct cni_attachment *valid, size_t n_valid, struct cni_err *err)
{
	_cleanup_json_ json_t *attachments = NULL;
	struct cni_err all = {0};
	bool supported = false;

	if (list->disable_gc)
		return 0;
	gc_stale(c, list, has_valid, valid, n_valid, &all);

	if (version_at_least(list->cni_version, "1.1.0", &supported, err) < 0 || !supported) {
		cni_err_clear(err);
		goto out;
	}
	if (has_valid && !(attachments = attachments_json(valid, n_valid)))
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "GC");
	for (size_t i = 0; i < list->n_plugins; i++) {
		_cleanup_json_ json_t *conf = libcni_build_conf(list->plugins[i], list->name,
								list->cni_version, NULL, NULL);
		const char *type = json_string_value(json_object_get(list->plugins[i], "type"));
		struct cni_err one = {0};

		if (!conf)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "GC");
		/* The spec once named it "cni.dev/attachments"; libcni sends both. */
		if (attachments &&
		    (json_object_set(conf, "cni.dev/valid-attachments", attachments) ||
		     json_object_set(conf, "cni.dev/attachments", attachments)))
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "GC");
		if (libcni_invoke(c, conf, "GC", NULL, NULL, &one) < 0) {
			cni_err_wrap(&one, "failed to GC plugin %s", type);
			join_error(&all, &one);
		}
	}
out:
	if (cni_err_is_set(&all)) {
		*err = all;
		return -1;
	}
	return 0;
}

int libcni_status(const struct libcni *c, const struct libcni_list *list, struct cni_err *err)
{
	bool supported = false;

	if (version_at_least(list->cni_version, "1.1.0", &supported, err) < 0 || !supported) {
		cni_err_clear(err);
		return 0;
	}
	for (size_t i = 0; i < list->n_plugins; i++) {
		_cleanup_json_ json_t *conf = libcni_build_conf(list->plugins[i], list->name,
								list->cni_version, NULL, NULL);

		if (!conf)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "STATUS");
		/* Not collected: the first failure is the answer, with the plugin's own code. */
		if (libcni_invoke(c, conf, "STATUS", NULL, NULL, err) < 0)
			return -1;
	}
	return 0;
}
