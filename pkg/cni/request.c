/* The request: CNI_* environment and the common part of the network config, validated. */
#include "cni/request.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni/args.h"
#include "cni/names.h"
#include "cni/version.h"

static const char *const command_names[] = {
	[CNI_CMD_ADD] = "ADD",	     [CNI_CMD_DEL] = "DEL", [CNI_CMD_CHECK] = "CHECK",
	[CNI_CMD_STATUS] = "STATUS", [CNI_CMD_GC] = "GC",   [CNI_CMD_VERSION] = "VERSION",
};

int cni_command_parse(const char *name, enum cni_command *cmd)
{
	for (size_t i = 0; i < sizeof(command_names) / sizeof(command_names[0]); i++) {
		if (!strcmp(name, command_names[i])) {
			*cmd = (enum cni_command)i;
			return 0;
		}
	}
	return -1;
}

/* Which verbs require a variable, as the reference skel (bit per enum cni_command). */
#define FOR(c)	      (1u << (c))
#define ADD_CHECK_DEL (FOR(CNI_CMD_ADD) | FOR(CNI_CMD_CHECK) | FOR(CNI_CMD_DEL))

struct env_var {
	const char *name;
	unsigned required_for;
	int (*validate)(const char *value, struct cni_err *err);
};

static const struct env_var env_vars[] = {
	{"CNI_COMMAND", ~0u, NULL},
	{"CNI_CONTAINERID", ADD_CHECK_DEL, cni_validate_container_id},
	{"CNI_NETNS", FOR(CNI_CMD_ADD) | FOR(CNI_CMD_CHECK), NULL},
	{"CNI_IFNAME", ADD_CHECK_DEL, cni_validate_ifname},
	{"CNI_ARGS", 0, NULL},
	{"CNI_PATH", ADD_CHECK_DEL | FOR(CNI_CMD_GC) | FOR(CNI_CMD_STATUS), NULL},
};

static const char *getenv_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && v[0] ? v : NULL;
}

int cni_request_read_env(struct cni_request *req, struct cni_err *err)
{
	const char *values[sizeof(env_vars) / sizeof(env_vars[0])];
	char missing[200] = "";
	size_t used = 0;
	unsigned cmd_bit = 0;
	const char *cmd = getenv_nonempty("CNI_COMMAND");

	if (cmd && cni_command_parse(cmd, &req->command) == 0)
		cmd_bit = FOR(req->command);
	for (size_t i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
		const struct env_var *v = &env_vars[i];

		values[i] = getenv_nonempty(v->name);
		if (!values[i]) {
			if (v->required_for & cmd_bit || i == 0) {
				int w = snprintf(missing + used, sizeof(missing) - used, "%s%s",
						 used ? "," : "", v->name);
				if (w > 0 && (size_t)w < sizeof(missing) - used)
					used += (size_t)w;
			}
		} else if (v->required_for & cmd_bit && v->validate &&
			   v->validate(values[i], err) < 0) {
			return -1;
		}
	}
	if (used)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "required env variables [%s] missing",
				missing);
	if (!cmd_bit)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "unknown CNI_COMMAND: %s", cmd);
	req->command_name = cmd;
	req->container_id = values[1];
	req->netns = values[2];
	req->ifname = values[3];
	req->args = values[4];
	req->path = values[5];
	return cni_args_parse(req->args, &req->cni_args, &req->n_cni_args, err);
}

static const char *object_string(const json_t *obj, const char *key)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static json_t *object_or_null(json_t *obj, const char *key, struct cni_err *err, int *bad)
{
	json_t *v = json_object_get(obj, key);

	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		*bad = 1;
		cni_errf(err, CNI_ERR_DECODE, 0,
			 "error unmarshall network config: \"%s\" is not an object", key);
	}
	return v;
}

static int parse_valid_attachments(struct cni_request *req, struct cni_err *err)
{
	const json_t *list = json_object_get(req->config, "cni.dev/valid-attachments");
	size_t i;
	json_t *v;

	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return cni_errf(
			err, CNI_ERR_DECODE, 0,
			"error unmarshall network config: cni.dev/valid-attachments is not a list");
	req->valid_attachments = calloc(json_array_size(list) + 1, sizeof(*req->valid_attachments));
	if (!req->valid_attachments)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "valid attachments");
	json_array_foreach (list, i, v) {
		const char *id = object_string(v, "containerID");
		const char *ifname = object_string(v, "ifname");

		if (!id || !ifname)
			return cni_errf(err, CNI_ERR_DECODE, 0,
					"error unmarshall network config: an attachment needs "
					"containerID and ifname");
		req->valid_attachments[req->n_valid_attachments].container_id = id;
		req->valid_attachments[req->n_valid_attachments].ifname = ifname;
		req->n_valid_attachments++;
	}
	return 0;
}

int cni_request_parse_config(struct cni_request *req, struct cni_err *err)
{
	const char *version = object_string(req->config, "cniVersion");
	json_t *prev;
	int bad = 0;

	snprintf(req->cni_version, sizeof(req->cni_version), "%s",
		 version && version[0] ? version : "0.1.0");
	req->name = object_string(req->config, "name");
	req->type = object_string(req->config, "type");
	req->ipam = object_or_null(req->config, "ipam", err, &bad);
	if (!bad)
		req->runtime_config = object_or_null(req->config, "runtimeConfig", err, &bad);
	if (!bad)
		req->args_object = object_or_null(req->config, "args", err, &bad);
	if (bad)
		return -1;
	if (cni_dns_from_json(json_object_get(req->config, "dns"), &req->dns, err) < 0)
		return cni_err_wrap(err, "error unmarshall network config");
	prev = json_object_get(req->config, "prevResult");
	if (prev && !json_is_null(prev)) {
		if (cni_result_from_json(prev, req->cni_version, &req->prev_result, err) < 0)
			return cni_err_wrap(err, "could not parse prevResult");
		req->has_prev_result = true;
	}
	return parse_valid_attachments(req, err);
}

void cni_request_free(struct cni_request *req)
{
	cni_args_free(req->cni_args, req->n_cni_args);
	req->cni_args = NULL;
	req->n_cni_args = 0;
	cni_dns_free(&req->dns);
	if (req->has_prev_result)
		cni_result_free(&req->prev_result);
	req->has_prev_result = false;
	free(req->valid_attachments);
	req->valid_attachments = NULL;
	json_decref(req->config);
	req->config = NULL;
	free(req->raw_config);
	req->raw_config = NULL;
	req->raw_config_len = 0;
}

const char *cni_request_arg(const struct cni_request *req, const char *key)
{
	/* The last pair wins, as in the reference's LoadArgs. */
	for (size_t i = req->n_cni_args; i > 0; i--)
		if (!strcmp(req->cni_args[i - 1].key, key))
			return req->cni_args[i - 1].value;
	return NULL;
}

bool cni_request_attachment_is_valid(const struct cni_request *req, const char *container_id,
				     const char *ifname)
{
	for (size_t i = 0; i < req->n_valid_attachments; i++)
		if (!strcmp(req->valid_attachments[i].container_id, container_id) &&
		    !strcmp(req->valid_attachments[i].ifname, ifname))
			return true;
	return false;
}
