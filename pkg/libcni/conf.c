/* Loading a network list from a config directory with libcni's rules (conflist, then .conf/.json).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cni/cleanup.h"
#include "cni/version.h"
#include "libcni/libcni.h"

struct file_list {
	char **paths;
	size_t count;
};

static void file_list_free(struct file_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		free(l->paths[i]);
	free(l->paths);
	l->paths = NULL;
	l->count = 0;
}

/* Go's %T of a value decoded into interface{}; the reference's messages print it. */
static const char *go_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "map[string]interface {}";
	case JSON_ARRAY:
		return "[]interface {}";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "float64";
	case JSON_TRUE:
	case JSON_FALSE:
		return "bool";
	default:
		return "<nil>";
	}
}

static int cmp_paths(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_extension(const char *name, const char *const *exts)
{
	const char *dot = strrchr(name, '.');

	for (; dot && *exts; exts++)
		if (strcmp(dot, *exts) == 0)
			return true;
	return false;
}

/* Files of dir ending in one of exts, sorted; a missing dir is an empty list (libcni's ConfFiles).
 */
static int conf_files(const char *dir, const char *const *exts, struct file_list *out,
		      struct cni_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	out->paths = NULL;
	out->count = 0;
	if (!d) {
		if (errno == ENOENT)
			return 0;
		return cni_errf(err, CNI_ERR_IO, errno, "open directory %s", dir);
	}
	while ((e = readdir(d))) {
		char **grown;
		char *path;
		struct stat st;

		if (!has_extension(e->d_name, exts))
			continue;
		if (asprintf(&path, "%s/%s", dir, e->d_name) < 0)
			goto out_nomem;
		if (e->d_type == DT_DIR ||
		    (e->d_type == DT_UNKNOWN && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
			free(path);
			continue;
		}
		grown = realloc(out->paths, (out->count + 1) * sizeof(*grown));
		if (!grown) {
			free(path);
			goto out_nomem;
		}
		out->paths = grown;
		out->paths[out->count++] = path;
	}
	closedir(d);
	if (out->count > 1)
		qsort(out->paths, out->count, sizeof(*out->paths), cmp_paths);
	return 0;

out_nomem:
	closedir(d);
	file_list_free(out);
	return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "list %s", dir);
}

static int read_file(const char *path, char **buf, size_t *len, struct cni_err *err)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *data = NULL;
	size_t cap = 0, used = 0, n;

	if (!f)
		return cni_errf(err, CNI_ERR_IO, errno, "error reading %s", path);
	do {
		char *grown;

		if (used + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			grown = realloc(data, cap);
			if (!grown) {
				free(data);
				return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "error reading %s",
						path);
			}
			data = grown;
		}
		n = fread(data + used, 1, 4096, f);
		used += n;
	} while (n > 0);
	if (ferror(f)) {
		free(data);
		return cni_errf(err, CNI_ERR_IO, EIO, "error reading %s", path);
	}
	data[used] = '\0';
	*buf = data;
	*len = used;
	return 0;
}

/* One plugin config (libcni's NetworkPluginConfFromBytes): an object with a non-empty "type". */
static int plugin_conf_check(const json_t *conf, struct cni_err *err)
{
	const json_t *type;

	if (!json_is_object(conf))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration: json: cannot unmarshal %s into Go "
				"value of type types.PluginConf",
				go_type_name(conf));
	type = json_object_get(conf, "type");
	if (type && !json_is_string(type))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration: json: cannot unmarshal %s into Go "
				"struct field PluginConf.type of type string",
				go_type_name(type));
	if (!type || !*json_string_value(type))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration: missing 'type'");
	return 0;
}

static int list_append_plugin(struct libcni_list *list, json_t *conf, struct cni_err *err)
{
	json_t **grown = realloc(list->plugins, (list->n_plugins + 1) * sizeof(*grown));

	if (!grown)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "load plugins");
	list->plugins = grown;
	list->plugins[list->n_plugins++] = json_incref(conf);
	return 0;
}

/* "true"/"false" as JSON booleans or case-insensitive strings, as libcni's readBool. */
static int read_bool(const json_t *root, const char *key, bool *out, struct cni_err *err)
{
	const json_t *v = json_object_get(root, key);
	const char *s;

	*out = false;
	if (!v)
		return 0;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 0;
	}
	if (!json_is_string(v))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: invalid type %s for %s",
				go_type_name(v), key);
	s = json_string_value(v);
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0) {
		*out = strcasecmp(s, "true") == 0;
		return 0;
	}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"error parsing configuration list: invalid value \"%s\" for %s", s, key);
}

static int set_version(struct libcni_list *list, const char *v, struct cni_err *err)
{
	if (strlen(v) >= sizeof(list->cni_version))
		return cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
				"error parsing configuration list: invalid cniVersion %.32s", v);
	strcpy(list->cni_version, v);
	return 0;
}

/* cniVersions: the highest listed version (or cniVersion) this implementation supports. */
static int select_version(struct libcni_list *list, const json_t *versions, struct cni_err *err)
{
	const char *best = NULL;
	const json_t *v;
	size_t i;
	int cmp;

	if (!json_is_array(versions))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: invalid type for cniVersions: "
				"[]interface {}");
	json_array_foreach (versions, i, v) {
		const char *s = json_string_value(v);

		if (!s)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"error parsing configuration list: invalid type for "
					"cniVersions index %zu: %s",
					i, go_type_name(v));
		if (cni_version_cmp(s, CNI_VERSION_LATEST, &cmp, err) < 0)
			return cni_err_wrap(err,
					    "error parsing configuration list: invalid cniVersions "
					    "entry %s at index %zu",
					    s, i);
		if (cmp > 0)
			continue; /* newer than we implement */
		if (!best || cni_version_at_least(s, best))
			best = s;
	}
	if (list->cni_version[0]) {
		if (cni_version_cmp(list->cni_version, CNI_VERSION_LATEST, &cmp, err) < 0)
			return cni_err_wrap(
				err, "error parsing configuration list: invalid cniVersion %s",
				list->cni_version);
		if (cmp <= 0 && best && cni_version_at_least(list->cni_version, best))
			best = NULL; /* cniVersion itself is the highest */
	}
	return best ? set_version(list, best, err) : 0;
}

static int list_parse(const json_t *root, struct libcni_list *list, struct cni_err *err)
{
	const json_t *name, *version, *plugins, *p;
	size_t i;

	if (!json_is_object(root))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: json: cannot unmarshal %s into "
				"Go value of type map[string]interface {}",
				go_type_name(root));
	name = json_object_get(root, "name");
	if (!name)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: no name");
	if (!json_is_string(name))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: invalid name type %s",
				go_type_name(name));
	list->name = strdup(json_string_value(name));
	if (!list->name)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "load network list");

	version = json_object_get(root, "cniVersion");
	if (version && !json_is_string(version))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: invalid cniVersion type %s",
				go_type_name(version));
	if (version && set_version(list, json_string_value(version), err) < 0)
		return -1;
	if (json_object_get(root, "cniVersions") &&
	    select_version(list, json_object_get(root, "cniVersions"), err) < 0)
		return -1;

	if (read_bool(root, "disableCheck", &list->disable_check, err) < 0 ||
	    read_bool(root, "disableGC", &list->disable_gc, err) < 0 ||
	    read_bool(root, "loadOnlyInlinedPlugins", &list->load_only_inlined_plugins, err) < 0)
		return -1;

	plugins = json_object_get(root, "plugins");
	if (!plugins) {
		if (list->load_only_inlined_plugins)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"error parsing configuration list: "
					"`loadOnlyInlinedPlugins` is true, and no 'plugins' key");
		return 0;
	}
	if (!json_is_array(plugins))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: invalid 'plugins' type %s",
				go_type_name(plugins));
	if (json_array_size(plugins) == 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"error parsing configuration list: no plugins in list");
	json_array_foreach (plugins, i, p) {
		if (plugin_conf_check(p, err) < 0)
			return cni_err_wrap(err, "failed to parse plugin config %zu", i);
		if (list_append_plugin(list, (json_t *)p, err) < 0)
			return -1;
	}
	return 0;
}

int libcni_list_from_bytes(const char *bytes, size_t len, struct libcni_list *list,
			   struct cni_err *err)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	memset(list, 0, sizeof(*list));
	root = json_loadb(bytes, len, 0, &jerr);
	if (!root)
		return cni_errf(err, CNI_ERR_DECODE, 0, "error parsing configuration list: %s",
				jerr.text);
	rc = list_parse(root, list, err);
	json_decref(root);
	if (rc == 0) {
		list->bytes = malloc(len + 1);
		if (!list->bytes)
			rc = cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "load network list");
		else {
			memcpy(list->bytes, bytes, len);
			list->bytes[len] = '\0';
			list->n_bytes = len;
		}
	}
	if (rc < 0)
		libcni_list_free(list);
	return rc;
}

void libcni_list_free(struct libcni_list *list)
{
	for (size_t i = 0; i < list->n_plugins; i++)
		json_decref(list->plugins[i]);
	free(list->plugins);
	free(list->name);
	free(list->bytes);
	memset(list, 0, sizeof(*list));
}

/* Plugin configs kept beside the conflist in <dir>/<network>/, files ending .conf (libcni 1.3). */
static int load_plugin_dir(const char *dir, struct libcni_list *list, struct cni_err *err)
{
	static const char *const exts[] = {".conf", NULL};
	struct file_list files;
	_cleanup_free_ char *sub = NULL;
	int rc = 0;

	if (asprintf(&sub, "%s/%s", dir, list->name) < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "load plugin configs");
	if (conf_files(sub, exts, &files, err) < 0)
		return cni_err_wrap(err, "failed to read plugin config files in %s", sub);
	for (size_t i = 0; i < files.count && rc == 0; i++) {
		_cleanup_free_ char *data = NULL;
		json_error_t jerr;
		json_t *conf;
		size_t len;

		if (read_file(files.paths[i], &data, &len, err) < 0) {
			rc = -1;
			break;
		}
		conf = json_loadb(data, len, 0, &jerr);
		if (!conf)
			rc = cni_errf(err, CNI_ERR_DECODE, 0, "error parsing configuration: %s",
				      jerr.text);
		else if (plugin_conf_check(conf, err) < 0 ||
			 list_append_plugin(list, conf, err) < 0)
			rc = -1;
		json_decref(conf);
	}
	file_list_free(&files);
	return rc;
}

static int list_from_file(const char *path, struct libcni_list *list, struct cni_err *err)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_free_ char *dir = NULL;
	size_t len;

	if (read_file(path, &data, &len, err) < 0)
		return -1;
	if (libcni_list_from_bytes(data, len, list, err) < 0)
		return -1;
	if (!list->load_only_inlined_plugins) {
		dir = strdup(path);
		if (!dir || !strrchr(dir, '/')) {
			libcni_list_free(list);
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "load %s", path);
		}
		*strrchr(dir, '/') = '\0';
		if (load_plugin_dir(dir, list, err) < 0) {
			libcni_list_free(list);
			return -1;
		}
	}
	if (list->n_plugins == 0) {
		libcni_list_free(list);
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no plugin configs found");
	}
	return 0;
}

/* A single-plugin .conf becomes {"cniVersion","name","plugins":[conf]} (libcni's ConfListFromConf).
 */
static int list_from_single(json_t *conf, struct libcni_list *list, struct cni_err *err)
{
	const char *version = json_string_value(json_object_get(conf, "cniVersion"));
	const char *name = json_string_value(json_object_get(conf, "name"));
	_cleanup_free_ char *bytes = NULL;
	json_t *wrapped;

	wrapped = json_pack("{s:s, s:s, s:[O]}", "cniVersion", version ? version : "", "name",
			    name ? name : "", "plugins", conf);
	if (!wrapped)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "wrap network config");
	/* Go marshals a map: keys sorted, compact. */
	bytes = json_dumps(wrapped, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(wrapped);
	if (!bytes)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "wrap network config");
	return libcni_list_from_bytes(bytes, strlen(bytes), list, err);
}

static int load_single(const char *dir, const char *name, bool had_lists, struct libcni_list *list,
		       struct cni_err *err)
{
	static const char *const exts[] = {".conf", ".json", NULL};
	struct file_list files;
	int rc = 1; /* 1: not found */

	if (conf_files(dir, exts, &files, err) < 0)
		return -1;
	if (files.count == 0) {
		if (had_lists)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"no net configuration with name \"%s\" in %s", name, dir);
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no net configurations found in %s",
				dir);
	}
	for (size_t i = 0; i < files.count && rc == 1; i++) {
		_cleanup_free_ char *data = NULL;
		json_error_t jerr;
		json_t *conf;
		size_t len;

		if (read_file(files.paths[i], &data, &len, err) < 0) {
			rc = -1;
			break;
		}
		conf = json_loadb(data, len, 0, &jerr);
		if (!conf)
			rc = cni_errf(err, CNI_ERR_DECODE, 0, "error parsing configuration: %s",
				      jerr.text);
		else if (plugin_conf_check(conf, err) < 0)
			rc = -1;
		else if (json_is_string(json_object_get(conf, "name")) &&
			 strcmp(json_string_value(json_object_get(conf, "name")), name) == 0)
			rc = list_from_single(conf, list, err);
		json_decref(conf);
	}
	file_list_free(&files);
	if (rc == 1)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"no net configuration with name \"%s\" in %s", name, dir);
	return rc;
}

int libcni_load_list(const char *dir, const char *name, struct libcni_list *list,
		     struct cni_err *err)
{
	static const char *const exts[] = {".conflist", NULL};
	struct file_list files;
	int rc = 1;

	memset(list, 0, sizeof(*list));
	if (conf_files(dir, exts, &files, err) < 0)
		return -1;
	/* As libcni, a conflist that does not parse stops the search, even if another would match.
	 */
	for (size_t i = 0; i < files.count && rc == 1; i++) {
		if (list_from_file(files.paths[i], list, err) < 0)
			rc = -1;
		else if (strcmp(list->name, name) == 0)
			rc = 0;
		else
			libcni_list_free(list);
	}
	if (rc == 1)
		rc = load_single(dir, name, files.count > 0, list, err);
	file_list_free(&files);
	return rc;
}
