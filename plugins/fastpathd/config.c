/* Reads fastpathd's JSON configuration file once into struct fpd_config. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <rte_log.h>

#include "cni/cleanup.h"
#include "cni/conf_field.h"
#include "fastpath/wire.h"

static int copy_path(const json_t *conf, const char *key, char *dst, size_t len,
		     struct cni_err *err)
{
	const char *s = NULL;

	if (cni_conf_string(conf, key, &s, err) < 0)
		return -1;
	if (!s)
		return 0;
	if (strlen(s) >= len)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" is longer than %zu bytes",
				key, len - 1);
	strcpy(dst, s);
	return 0;
}

static int read_uint(const json_t *conf, const char *key, unsigned *dst, unsigned max,
		     struct cni_err *err)
{
	bool present = false;
	int v = 0;

	if (cni_conf_int(conf, key, &v, &present, err) < 0)
		return -1;
	if (!present)
		return 0;
	if (v < 0 || (unsigned)v > max)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "\"%s\" must be 0..%u", key, max);
	*dst = v;
	return 0;
}

static int read_eal(const json_t *conf, struct fpd_config *cfg, struct cni_err *err)
{
	json_t *arr = NULL, *v;
	size_t i;

	if (cni_conf_array(conf, "eal", &arr, err) < 0)
		return -1;
	if (!arr)
		return 0;
	if (json_array_size(arr) > FPD_MAX_EAL_ARGS)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"\"eal\" has more than %d arguments", FPD_MAX_EAL_ARGS);
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"\"eal\" must be an array of strings");
		cfg->eal_argv[cfg->eal_argc++] = strdup(json_string_value(v));
	}
	return 0;
}

static int read_uids(const json_t *conf, struct fpd_config *cfg, struct cni_err *err)
{
	json_t *arr = NULL, *v;
	size_t i;

	cfg->allow_uids[cfg->nb_allow_uids++] = 0;
	if (geteuid() != 0)
		cfg->allow_uids[cfg->nb_allow_uids++] = geteuid();
	if (cni_conf_array(conf, "allowUids", &arr, err) < 0)
		return -1;
	json_array_foreach (arr, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    cfg->nb_allow_uids == FPD_MAX_UIDS)
			return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
					"\"allowUids\" must hold at most %d uids",
					FPD_MAX_UIDS - 2);
		cfg->allow_uids[cfg->nb_allow_uids++] = json_integer_value(v);
	}
	return 0;
}

static int read_log_level(const json_t *conf, struct fpd_config *cfg, struct cni_err *err)
{
	static const struct {
		const char *name;
		int level;
	} levels[] = {{"error", RTE_LOG_ERR},
		      {"warning", RTE_LOG_WARNING},
		      {"info", RTE_LOG_INFO},
		      {"debug", RTE_LOG_DEBUG}};
	const char *s = NULL;

	if (cni_conf_string(conf, "logLevel", &s, err) < 0)
		return -1;
	if (!s)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (strcasecmp(s, levels[i].name) == 0) {
			cfg->log_level = levels[i].level;
			return 0;
		}
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
			"unknown logLevel \"%s\" (error, warning, info, debug)", s);
}

static int read_uplink(const json_t *conf, struct fpd_config *cfg, struct cni_err *err)
{
	json_t *obj = NULL;
	char msg[200];

	if (cni_conf_object(conf, "uplink", &obj, err) < 0)
		return -1;
	if (!obj)
		return 0;
	if (!json_object_get(obj, "learn"))
		json_object_set_new(obj, "learn", json_true());
	if (fp_wire_spec_from_json(obj, &cfg->uplink, msg, sizeof(msg)) < 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "uplink: %s", msg);
	cfg->has_uplink = true;
	return 0;
}

int fpd_config_load(struct fpd_config *cfg, const char *path, const char *argv0,
		    struct cni_err *err)
{
	_cleanup_json_ json_t *conf = NULL;
	json_error_t jerr;

	memset(cfg, 0, sizeof(*cfg));
	cfg->eal_argv[cfg->eal_argc++] = strdup(argv0);
	strcpy(cfg->control_socket, FP_DEFAULT_SOCKET);
	strcpy(cfg->state_file, FPD_DEFAULT_STATE);
	cfg->log_level = RTE_LOG_INFO;
	cfg->idle_sleep_max_us = 500;
	cfg->idle_polls = 128;
	cfg->mac_aging_sec = 300;
	cfg->mbufs = 16383;

	conf = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!conf)
		return cni_errf(err, CNI_ERR_DECODE, 0, "%s:%d: %s", path, jerr.line, jerr.text);
	if (!json_is_object(conf))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "%s: not a JSON object", path);
	if (read_eal(conf, cfg, err) < 0 ||
	    copy_path(conf, "controlSocket", cfg->control_socket, sizeof(cfg->control_socket),
		      err) < 0 ||
	    copy_path(conf, "stateFile", cfg->state_file, sizeof(cfg->state_file), err) < 0 ||
	    copy_path(conf, "logFile", cfg->log_file, sizeof(cfg->log_file), err) < 0 ||
	    read_log_level(conf, cfg, err) < 0 ||
	    read_uint(conf, "idleSleepMaxUs", &cfg->idle_sleep_max_us, 100000, err) < 0 ||
	    read_uint(conf, "idlePolls", &cfg->idle_polls, 1u << 20, err) < 0 ||
	    read_uint(conf, "macAgingSec", &cfg->mac_aging_sec, 86400, err) < 0 ||
	    read_uint(conf, "mbufs", &cfg->mbufs, 1u << 22, err) < 0 ||
	    read_uids(conf, cfg, err) < 0 || read_uplink(conf, cfg, err) < 0)
		return cni_err_wrap(err, "%s", path);
	if (cfg->mbufs < 1024)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "%s: \"mbufs\" must be >= 1024",
				path);
	return 0;
}

void fpd_config_free(struct fpd_config *cfg)
{
	for (int i = 0; i < cfg->eal_argc; i++)
		free(cfg->eal_argv[i]);
	cfg->eal_argc = 0;
}
