/* cni_skel_main: environment and stdin in, one verb dispatched, a result or an error JSON out. */
#include "cni/skel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cni/args.h"
#include "cni/cleanup.h"
#include "cni/log.h"
#include "cni/names.h"
#include "cni/request.h"
#include "cni/stdin.h"
#include "cni/version.h"

static void print_supported_versions(FILE *f, const char *sep, const char *quote)
{
	for (size_t i = 0; i < cni_n_supported_versions; i++)
		fprintf(f, "%s%s%s%s", i ? sep : "", quote, cni_supported_versions[i], quote);
}

static int incompatible_version(const char *version, struct cni_err *err)
{
	char list[160] = "";
	size_t used = 0;

	for (size_t i = 0; i < cni_n_supported_versions; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i ? " " : "",
					 cni_supported_versions[i]);
	cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0, "incompatible CNI versions");
	return cni_err_details(err, "config is \"%s\", plugin supports [%s]", version, list);
}

/* stdin into req->raw_config, parsed into the returned object. */
static json_t *read_stdin(struct cni_request *req, struct cni_err *err, bool allow_empty)
{
	json_error_t jerr;
	json_t *config;

	if (cni_stdin_read(stdin, &req->raw_config, &req->raw_config_len, err) < 0)
		return NULL;
	config = json_loadb(req->raw_config, req->raw_config_len,
			    JSON_DECODE_ANY | (allow_empty ? JSON_DISABLE_EOF_CHECK : 0), &jerr);
	if (!config) {
		cni_errf(err, CNI_ERR_DECODE, 0, "error unmarshall network config: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(config)) {
		json_decref(config);
		cni_errf(err, CNI_ERR_DECODE, 0,
			 "error unmarshall network config: the config is not a JSON object");
		return NULL;
	}
	return config;
}

/* VERSION echoes the requested version, which defaults to the latest. */
static int answer_version(struct cni_err *err)
{
	char version[16] = CNI_VERSION_LATEST;
	_cleanup_free_ char *buf = NULL;
	const json_t *v;
	json_t *config;
	size_t len;

	if (cni_stdin_read(stdin, &buf, &len, err) < 0)
		return -1;
	config = json_loadb(buf, len, 0, &(json_error_t){0});
	v = json_object_get(config, "cniVersion");
	if (json_is_string(v) && json_string_value(v)[0])
		snprintf(version, sizeof(version), "%s", json_string_value(v));
	json_decref(config);
	if (!cni_version_is_supported(version))
		return incompatible_version(version, err);
	printf("{\"cniVersion\":\"%s\",\"supportedVersions\":[", version);
	print_supported_versions(stdout, ",", "\"");
	printf("]}\n");
	return fflush(stdout) ? cni_errf(err, CNI_ERR_IO, errno, "writing to stdout") : 0;
}

static bool netns_override(void)
{
	const char *v = getenv("CNI_NETNS_OVERRIDE");

	return v && (!strcasecmp(v, "true") || !strcmp(v, "1"));
}

/* Refuse to act on our own netns: a runtime bug that would rewire the node itself. */
static int refuse_own_netns(const struct cni_request *req, struct cni_err *err)
{
	struct stat own, target;

	if (!req->netns || netns_override())
		return 0;
	if (stat(req->netns, &target) < 0 || stat("/proc/self/ns/net", &own) < 0)
		return 0; /* a missing netns is the verb's business (DEL succeeds, ADD fails) */
	if (own.st_dev == target.st_dev && own.st_ino == target.st_ino)
		return cni_errf(err, CNI_ERR_INVALID_NETNS, 0,
				"plugin's netns and netns from CNI_NETNS should not be the same");
	return 0;
}

/* CHECK needs 0.4.0, GC and STATUS need 1.1.0, as the reference skel. */
static int check_verb_version(const struct cni_request *req, struct cni_err *err)
{
	const char *minimum = NULL;
	int cmp;

	if (req->command == CNI_CMD_CHECK)
		minimum = "0.4.0";
	else if (req->command == CNI_CMD_GC || req->command == CNI_CMD_STATUS)
		minimum = "1.1.0";
	if (minimum) {
		if (cni_version_cmp(req->cni_version, minimum, &cmp, err) < 0)
			return -1;
		if (cmp < 0)
			return cni_errf(err, CNI_ERR_INCOMPATIBLE_VERSION, 0,
					"config version does not allow %s", req->command_name);
	}
	if (!cni_version_is_supported(req->cni_version))
		return incompatible_version(req->cni_version, err);
	return 0;
}

static int dispatch(const struct cni_plugin *plugin, struct cni_request *req, struct cni_err *err)
{
	struct cni_result result;
	int ret;

	switch (req->command) {
	case CNI_CMD_ADD:
		cni_result_init(&result, req->cni_version);
		ret = plugin->add ? plugin->add(req, &result, err) : 0;
		if (ret == 0)
			ret = cni_result_print(&result, req->cni_version, err);
		cni_result_free(&result);
		return ret;
	case CNI_CMD_DEL:
		return plugin->del ? plugin->del(req, err) : 0;
	case CNI_CMD_CHECK:
		return plugin->check ? plugin->check(req, err) : 0;
	case CNI_CMD_STATUS:
		return plugin->status ? plugin->status(req, err) : 0;
	case CNI_CMD_GC:
		return plugin->gc ? plugin->gc(req, err) : 0;
	case CNI_CMD_VERSION:
		break;
	}
	return answer_version(err);
}

static int run(const struct cni_plugin *plugin, struct cni_request *req, struct cni_err *err)
{
	const char *log_file, *log_level;

	if (cni_request_read_env(req, err) < 0) {
		if (err->code == CNI_ERR_INVALID_ENV && !getenv("CNI_COMMAND") && plugin->about) {
			fprintf(stderr, "%s\nCNI protocol versions supported: ", plugin->about);
			print_supported_versions(stderr, ", ", "");
			fputc('\n', stderr);
			cni_err_clear(err);
			return 0;
		}
		return -1;
	}
	if (req->command == CNI_CMD_VERSION)
		return answer_version(err);

	req->config = read_stdin(req, err, false);
	if (!req->config)
		return -1;
	if (cni_validate_network_name(json_string_value(json_object_get(req->config, "name")),
				      err) < 0)
		return -1;
	if (cni_request_parse_config(req, err) < 0)
		return -1;
	log_file = json_string_value(json_object_get(req->config, "logFile"));
	log_level = json_string_value(json_object_get(req->config, "logLevel"));
	if (cni_log_setup(plugin->name, log_file, log_level) < 0)
		cni_log_warn("cannot open logFile \"%s\" or parse logLevel \"%s\"",
			     log_file ? log_file : "", log_level ? log_level : "");
	if (check_verb_version(req, err) < 0)
		return -1;
	if (req->command == CNI_CMD_ADD || req->command == CNI_CMD_CHECK ||
	    req->command == CNI_CMD_DEL) {
		if (refuse_own_netns(req, err) < 0)
			return -1;
		if (plugin->args_keys && cni_args_check_known(req->cni_args, req->n_cni_args,
							      plugin->args_keys, err) < 0)
			return -1;
	}
	cni_log_debug("%s container %s netns %s ifname %s", req->command_name,
		      req->container_id ? req->container_id : "", req->netns ? req->netns : "",
		      req->ifname ? req->ifname : "");
	return dispatch(plugin, req, err);
}

static void print_error(const struct cni_request *req, const struct cni_err *err)
{
	const char *version =
		cni_version_is_supported(req->cni_version) ? req->cni_version : CNI_VERSION_LATEST;
	json_t *obj = json_object();

	json_object_set_new(obj, "cniVersion", json_string(version));
	json_object_set_new(obj, "code", json_integer(err->code ? err->code : CNI_ERR_INTERNAL));
	json_object_set_new(obj, "msg", json_string(err->msg));
	if (err->details[0])
		json_object_set_new(obj, "details", json_string(err->details));
	json_dumpf(obj, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	fflush(stdout);
	json_decref(obj);
}

/*
 * jansson seeds its hash from /dev/urandom (open, read, close) unless given a seed: take one from
 * getrandom(), one call. A seed of 0 leaves jansson's own way in place.
 */
static void seed_json_hash(void)
{
	size_t seed = 0;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t)sizeof(seed) && seed)
		json_object_seed(seed);
}

int cni_skel_main(const struct cni_plugin *plugin)
{
	struct cni_request req;
	struct cni_err err;
	int ret;

	seed_json_hash();
	memset(&req, 0, sizeof(req));
	cni_err_clear(&err);
	cni_log_setup(plugin->name, NULL, NULL);
	ret = run(plugin, &req, &err);
	if (ret < 0) {
		if (cni_log_has_file())
			cni_log(CNI_LOG_ERROR, "%s: %s%s%s",
				req.command_name ? req.command_name : "?", err.msg,
				err.details[0] ? ": " : "", err.details);
		print_error(&req, &err);
	}
	cni_request_free(&req);
	cni_log_close();
	return ret < 0 ? 1 : 0;
}
