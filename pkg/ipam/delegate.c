/* Exec'ing a delegated IPAM plugin the way the reference's ipam.ExecAdd/ExecDel do. */
#include "ipam/delegate.h"

#include <limits.h>
#include <stdlib.h>

#include "cni/cleanup.h"
#include "cni/exec.h"
#include "cni/conf_field.h"

static int run(const struct cni_request *req, const char *command, json_t **out,
	       struct cni_err *err)
{
	const char *type = json_string_value(cni_conf_get(req->ipam, "type"));
	_cleanup_free_ char *stdin_data = NULL;
	struct cni_exec_env env = {
		.command = command,
		.container_id = req->container_id,
		.netns = req->netns,
		.ifname = req->ifname,
		.args = req->args,
		.path = req->path,
	};
	char path[PATH_MAX];

	*out = NULL;
	if (cni_exec_find(type, req->path, path, sizeof(path), err) < 0)
		return -1;
	/* The delegate gets the very config we got, as the reference passes its stdin through. */
	stdin_data = json_dumps(req->config, JSON_COMPACT);
	if (!stdin_data)
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "encode config for %s", type);
	return cni_exec_plugin(path, &env, stdin_data, out, err);
}

int ipam_delegate_add(const struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	_cleanup_json_ json_t *out = NULL;
	const char *type = json_string_value(cni_conf_get(req->ipam, "type"));
	struct cni_result parsed;

	if (run(req, "ADD", &out, err) < 0)
		return -1;
	if (!out)
		return cni_errf(err, CNI_ERR_DECODE, 0, "IPAM plugin %s returned no result", type);
	if (cni_result_from_json(out, req->cni_version, &parsed, err) < 0)
		return cni_err_wrap(err, "IPAM plugin %s", type);
	/* An IPAM result has no interfaces; keep only what IPAM reports. */
	if (cni_result_merge_ipam(result, &parsed, -1, err) < 0) {
		cni_result_free(&parsed);
		return -1;
	}
	cni_result_free(&parsed);
	return 0;
}

int ipam_delegate_run(const struct cni_request *req, const char *command, struct cni_err *err)
{
	_cleanup_json_ json_t *out = NULL;

	return run(req, command, &out, err);
}
