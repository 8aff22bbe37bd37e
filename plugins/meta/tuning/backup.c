/* The backup file under dataDir: the reference's configToRestore JSON, plus the old sysctls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/conf_field.h"
#include "fsys/fsys.h"
#include "tuning.h"

void tuning_backup_free(struct tuning_backup *b)
{
	for (size_t i = 0; i < b->n_sysctls; i++) {
		free((char *)b->sysctls[i].key);
		free((char *)b->sysctls[i].value);
	}
	free(b->sysctls);
	memset(b, 0, sizeof(*b));
}

bool tuning_backup_is_empty(const struct tuning_backup *b)
{
	return !b->has_mac && !b->has_promisc && !b->mtu && !b->has_allmulti && !b->has_txqlen &&
	       !b->n_sysctls;
}

int tuning_backup_add_sysctl(struct tuning_backup *b, const char *rel, const char *value,
			     struct cni_err *err)
{
	struct tuning_sysctl *grown = realloc(b->sysctls, (b->n_sysctls + 1) * sizeof(*grown));
	char *k = strdup(rel), *v = strdup(value);

	if (grown)
		b->sysctls = grown;
	if (!grown || !k || !v) {
		free(k);
		free(v);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "backup");
	}
	b->sysctls[b->n_sysctls++] = (struct tuning_sysctl){.key = k, .value = v};
	return 0;
}

int tuning_backup_path(const struct tuning_config *c, const char *container_id, const char *ifname,
		       char path[PATH_MAX], struct cni_err *err)
{
	if (snprintf(path, PATH_MAX, "%s/%s_%s.json", c->data_dir, container_id, ifname) >=
	    PATH_MAX)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "dataDir %s",
				c->data_dir);
	return 0;
}

/* Go's MarshalIndent(config, "", " ") of configToRestore: its field order, one-space indent. */
static json_t *backup_to_json(const struct tuning_backup *b)
{
	json_t *o = json_object(), *sysctls;
	char mac[NL_MAC_STRLEN];

	if (!o)
		return NULL;
	if (b->has_mac)
		json_object_set_new(o, "mac", json_string(nl_mac_str(b->mac, mac)));
	if (b->has_promisc)
		json_object_set_new(o, "promisc", json_boolean(b->promisc));
	if (b->mtu)
		json_object_set_new(o, "mtu", json_integer(b->mtu));
	if (b->has_allmulti)
		json_object_set_new(o, "allmulti", json_boolean(b->allmulti));
	if (b->has_txqlen)
		json_object_set_new(o, "txQLen", json_integer(b->txqlen));
	if (b->n_sysctls) {
		/* Unknown to the reference, which ignores it: either binary can read the file. */
		sysctls = json_object();
		for (size_t i = 0; sysctls && i < b->n_sysctls; i++)
			json_object_set_new(sysctls, b->sysctls[i].key,
					    json_string(b->sysctls[i].value));
		json_object_set_new(o, "sysctl", sysctls);
	}
	return o;
}

int tuning_backup_write(const char *path, const struct tuning_backup *b, struct cni_err *err)
{
	_cleanup_json_ json_t *o = backup_to_json(b);
	_cleanup_free_ char *text = NULL;
	_cleanup_free_ char *dir = strdup(path);
	char *slash;

	if (!o || !dir)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "backup");
	text = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "backup");
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (fs_mkdir_all(dir, 0700, err) < 0)
			return cni_err_wrap(err, "failed to create backup directory");
	}
	if (fs_write_atomic(path, text, strlen(text), 0600, err) < 0)
		return cni_err_wrap(err, "failed to save file %s", path);
	return 0;
}

static int parse_sysctls(const json_t *o, struct tuning_backup *b, struct cni_err *err)
{
	json_t *map, *v;
	const char *k;

	if (cni_conf_object(o, "sysctl", &map, err) < 0)
		return -1;
	json_object_foreach (map, k, v) {
		if (!json_is_string(v))
			return cni_errf(err, CNI_ERR_DECODE, 0, "sysctl %s is not a string", k);
		if (tuning_backup_add_sysctl(b, k, json_string_value(v), err) < 0)
			return -1;
	}
	return 0;
}

static int backup_from_json(const json_t *o, struct tuning_backup *b, struct cni_err *err)
{
	const char *mac = NULL;
	bool present;
	int v = 0;

	if (cni_conf_string(o, "mac", &mac, err) < 0)
		return -1;
	if (mac && mac[0]) {
		if (tuning_mac_parse(mac, b->mac, err) < 0)
			return -1;
		b->has_mac = true;
	}
	if (cni_conf_get(o, "promisc")) {
		if (cni_conf_bool(o, "promisc", &b->promisc, err) < 0)
			return -1;
		b->has_promisc = true;
	}
	if (cni_conf_int(o, "mtu", &v, &present, err) < 0)
		return -1;
	if (present && v > 0)
		b->mtu = (unsigned)v;
	if (cni_conf_get(o, "allmulti")) {
		if (cni_conf_bool(o, "allmulti", &b->allmulti, err) < 0)
			return -1;
		b->has_allmulti = true;
	}
	if (cni_conf_int(o, "txQLen", &v, &present, err) < 0)
		return -1;
	if (present && v >= 0) {
		b->txqlen = (unsigned)v;
		b->has_txqlen = true;
	}
	return parse_sysctls(o, b, err);
}

int tuning_backup_read(const char *path, struct tuning_backup *b, bool *found, struct cni_err *err)
{
	_cleanup_json_ json_t *o = NULL;
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	json_error_t jerr;

	memset(b, 0, sizeof(*b));
	*found = false;
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return cni_errf(err, CNI_ERR_IO, errno, "failed to open file \"%s\"", path);
	}
	*found = true;
	o = json_loadf(f, 0, &jerr);
	if (!json_is_object(o))
		return cni_errf(err, CNI_ERR_DECODE, 0, "backup %s: %s", path,
				o ? "not an object" : jerr.text);
	if (backup_from_json(o, b, err) < 0) {
		tuning_backup_free(b);
		return cni_err_wrap(err, "backup %s", path);
	}
	return 0;
}
