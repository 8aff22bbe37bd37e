/* The result cache under <cacheDir>/results, in libcni's cniCacheV1 format, byte for byte. */
#include "libcni/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/fault.h"
#include "cni/result.h"

static const char *cache_dir(const struct libcni *c)
{
	return c->cache_dir && *c->cache_dir ? c->cache_dir : LIBCNI_DEFAULT_CACHE_DIR;
}

static int cache_path(const struct libcni *c, const char *network, const struct libcni_runtime *rt,
		      char *out, size_t len, struct cni_err *err)
{
	const char *id = rt->container_id ? rt->container_id : "";
	const char *ifname = rt->ifname ? rt->ifname : "";
	int n;

	if (!network || !*network || !*id || !*ifname)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"cache file path requires network name (\"%s\"), container ID "
				"(\"%s\"), and interface name (\"%s\")",
				network ? network : "", id, ifname);
	n = snprintf(out, len, "%s/results/%s-%s-%s", cache_dir(c), network, id, ifname);
	if (n < 0 || (size_t)n >= len)
		return cni_errf(err, CNI_ERR_INVALID_ENV, ENAMETOOLONG, "cache file path");
	return 0;
}

/* Go encodes []byte as standard base64 with padding. */
static char *base64_encode(const unsigned char *in, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((len + 2) / 3 * 4 + 1), *p = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) |
			     (i + 2 < len ? in[i + 2] : 0);

		*p++ = tab[v >> 18 & 63];
		*p++ = tab[v >> 12 & 63];
		*p++ = i + 1 < len ? tab[v >> 6 & 63] : '=';
		*p++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*p = '\0';
	return out;
}

/* Go marshals a map[string]interface{} with sorted keys; round-trip to get that order kept. */
static json_t *sorted_copy(const json_t *v)
{
	_cleanup_free_ char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_error_t jerr;

	return s ? json_loads(s, JSON_DECODE_ANY, &jerr) : NULL;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static json_t *cache_entry(const struct libcni_list *list, const struct libcni_runtime *rt,
			   const json_t *result)
{
	_cleanup_free_ char *config =
		base64_encode((const unsigned char *)list->bytes, list->n_bytes);
	json_t *entry = json_object();

	if (!config || !entry)
		goto out_nomem;
	if (json_object_set_new(entry, "kind", json_string(LIBCNI_CACHE_KIND)) ||
	    json_object_set_new(entry, "containerId", json_string(rt->container_id)) ||
	    json_object_set_new(entry, "config", json_string(config)) ||
	    json_object_set_new(entry, "ifName", json_string(rt->ifname)) ||
	    json_object_set_new(entry, "networkName", json_string(list->name)))
		goto out_nomem;
	if (rt->netns && *rt->netns && json_object_set_new(entry, "netns", json_string(rt->netns)))
		goto out_nomem;
	if (rt->n_args) {
		json_t *args = json_array();

		if (json_object_set_new(entry, "cniArgs", args))
			goto out_nomem;
		for (size_t i = 0; i < rt->n_args; i++)
			if (json_array_append_new(
				    args, json_pack("[ss]", rt->args[i].key, rt->args[i].value)))
				goto out_nomem;
	}
	if (rt->capability_args && json_object_size(rt->capability_args) &&
	    json_object_set_new(entry, "capabilityArgs", sorted_copy(rt->capability_args)))
		goto out_nomem;
	if (result && json_object_set_new(entry, "result", sorted_copy(result)))
		goto out_nomem;
	return entry;

out_nomem:
	json_decref(entry);
	return NULL;
}

int libcni_cache_add(const struct libcni *c, const struct libcni_list *list,
		     const struct libcni_runtime *rt, const json_t *result, struct cni_err *err)
{
	_cleanup_json_ json_t *entry = NULL;
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = -1;
	char path[4096], dir[4096];
	size_t len, off = 0;
	int rc;

	if (cache_path(c, list->name, rt, path, sizeof(path), err) < 0)
		return -1;
	entry = cache_entry(list, rt, result);
	data = entry ? json_dumps(entry, JSON_COMPACT) : NULL;
	if (!data)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "encode cache entry");
	snprintf(dir, sizeof(dir), "%s/results", cache_dir(c));
	rc = mkdir_p(dir, 0700);
	if (rc < 0)
		return cni_errf(err, CNI_ERR_IO, -rc, "mkdir %s", dir);
	fd = cni_fault("file") < 0 ? -1
				   : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "open %s", path);
	len = strlen(data);
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cni_errf(err, CNI_ERR_IO, errno, "write %s", path);
		off += (size_t)n;
	}
	return 0;
}

void libcni_cache_del(const struct libcni *c, const char *network, const struct libcni_runtime *rt)
{
	struct cni_err ignored = {0};
	char path[4096];

	if (cache_path(c, network, rt, path, sizeof(path), &ignored) == 0)
		unlink(path);
}

/* Parse a result of any version and print it in version (libcni's GetAsVersion). */
static json_t *convert_result(const json_t *raw, const char *version, struct cni_err *err)
{
	struct cni_result r;
	json_t *out;

	if (cni_result_from_json(raw, "0.1.0", &r, err) < 0)
		return NULL;
	out = cni_result_to_json(&r, version, err);
	cni_result_free(&r);
	if (!out)
		cni_err_wrap(err, "failed to convert cached result to config version \"%s\"",
			     version);
	return out;
}

int libcni_cache_result_json(const struct libcni *c, const char *network, const char *version,
			     const struct libcni_runtime *rt, json_t **out, struct cni_err *err)
{
	_cleanup_json_ json_t *entry = NULL;
	const json_t *raw;
	json_error_t jerr;
	char path[4096];

	*out = NULL;
	if (cache_path(c, network, rt, path, sizeof(path), err) < 0)
		return -1;
	if (access(path, F_OK) < 0)
		return 0; /* nothing cached; read errors are ignored too, as libcni */
	entry = json_load_file(path, 0, &jerr);
	if (!entry)
		return 0;
	raw = json_object_get(entry, "result");
	/* A file without kind is a legacy cache: the result itself. */
	if (!json_is_string(json_object_get(entry, "kind")) ||
	    strcmp(json_string_value(json_object_get(entry, "kind")), LIBCNI_CACHE_KIND) != 0)
		raw = entry;
	if (!json_is_object(raw))
		return cni_errf(err, CNI_ERR_DECODE, 0, "cached network \"%s\" has no result",
				network);
	*out = convert_result(raw, version, err);
	return *out ? 0 : -1;
}

int libcni_cached_result(const struct libcni *c, const char *network, const char *version,
			 const struct libcni_runtime *rt, bool *found, struct cni_result *result,
			 struct cni_err *err)
{
	_cleanup_json_ json_t *obj = NULL;

	*found = false;
	if (libcni_cache_result_json(c, network, version, rt, &obj, err) < 0)
		return -1;
	if (!obj)
		return 0;
	if (cni_result_from_json(obj, version, result, err) < 0)
		return -1;
	*found = true;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int attachment_from_entry(const json_t *entry, struct libcni_attachment *a)
{
	const char *kind = json_string_value(json_object_get(entry, "kind"));
	const char *id = json_string_value(json_object_get(entry, "containerId"));
	const char *ifname = json_string_value(json_object_get(entry, "ifName"));
	const char *network = json_string_value(json_object_get(entry, "networkName"));
	const char *netns = json_string_value(json_object_get(entry, "netns"));
	const json_t *args = json_object_get(entry, "cniArgs"), *pair;
	const json_t *caps = json_object_get(entry, "capabilityArgs");
	size_t i;

	memset(a, 0, sizeof(*a));
	if (!kind || strcmp(kind, LIBCNI_CACHE_KIND) != 0 || !ifname || !*ifname || !network ||
	    !*network)
		return 1;
	a->container_id = strdup(id ? id : "");
	a->ifname = strdup(ifname);
	a->network = strdup(network);
	a->netns = strdup(netns ? netns : "");
	if (json_is_array(args) && json_array_size(args)) {
		a->args = calloc(json_array_size(args), sizeof(*a->args));
		if (!a->args)
			return -1;
		json_array_foreach (args, i, pair) {
			const char *k = json_string_value(json_array_get(pair, 0));
			const char *v = json_string_value(json_array_get(pair, 1));

			a->args[a->n_args].key = strdup(k ? k : "");
			a->args[a->n_args].value = strdup(v ? v : "");
			if (!a->args[a->n_args].key || !a->args[a->n_args].value)
				return -1;
			a->n_args++;
		}
	}
	if (json_is_object(caps))
		a->capability_args = json_deep_copy(caps);
	return a->container_id && a->ifname && a->network && a->netns ? 0 : -1;
}

static void attachment_free(struct libcni_attachment *a)
{
	free(a->container_id);
	free(a->network);
	free(a->ifname);
	free(a->netns);
	for (size_t i = 0; i < a->n_args; i++) {
		free(a->args[i].key);
		free(a->args[i].value);
	}
	free(a->args);
	json_decref(a->capability_args);
}

void libcni_attachments_free(struct libcni_attachment *a, size_t n)
{
	for (size_t i = 0; i < n; i++)
		attachment_free(&a[i]);
	free(a);
}

static bool name_matches_container(const char *fname, const char *container_id)
{
	char part[512];
	const char *pos;

	snprintf(part, sizeof(part), "-%s-", container_id);
	pos = strstr(fname, part);
	return pos && pos != fname && strlen(pos) > strlen(part);
}

static int list_names(const char *dir, char ***names, size_t *n, struct cni_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*names = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : cni_errf(err, CNI_ERR_IO, errno, "open %s", dir);
	while ((e = readdir(d))) {
		char **grown;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		grown = realloc(*names, (*n + 1) * sizeof(*grown));
		if (!grown || !(grown[*n] = strdup(e->d_name))) {
			*names = grown ? grown : *names;
			closedir(d);
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "list %s", dir);
		}
		*names = grown;
		(*n)++;
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, *n, sizeof(**names), cmp_names);
	return 0;
}

int libcni_cached_attachments(const struct libcni *c, const char *container_id,
			      struct libcni_attachment **out, size_t *n, struct cni_err *err)
{
	struct libcni_attachment *list = NULL;
	char **names = NULL;
	size_t n_names = 0, count = 0;
	char dir[4096];
	int rc = 0;

	*out = NULL;
	*n = 0;
	snprintf(dir, sizeof(dir), "%s/results", cache_dir(c));
	if (list_names(dir, &names, &n_names, err) < 0)
		rc = -1;
	if (rc == 0 && n_names && !(list = calloc(n_names, sizeof(*list))))
		rc = cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "list cache");
	for (size_t i = 0; rc == 0 && i < n_names; i++) {
		_cleanup_json_ json_t *entry = NULL;
		char path[4096 + 256];
		json_error_t jerr;
		int r;

		if (container_id && *container_id &&
		    !name_matches_container(names[i], container_id))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		entry = json_load_file(path, 0, &jerr);
		if (!json_is_object(entry))
			continue;
		r = attachment_from_entry(entry, &list[count]);
		if (r == 0 && container_id && *container_id &&
		    strcmp(list[count].container_id, container_id))
			r = 1;
		if (r != 0)
			attachment_free(&list[count]);
		if (r < 0)
			rc = cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "read cache");
		if (r == 0)
			count++;
	}
	for (size_t i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	if (rc < 0) {
		libcni_attachments_free(list, count);
		return -1;
	}
	*out = list;
	*n = count;
	return 0;
}
