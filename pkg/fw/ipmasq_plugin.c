/* ipMasq for main plugins: the reference's keys, and the verbs over fw_ipmasq_*. */
#include "fw/ipmasq_plugin.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/conf_field.h"
#include "cni/log.h"
#include "fw/ipmasq.h"

int fw_ipmasq_config_parse(const json_t *config, struct fw_ipmasq_config *c, struct cni_err *err)
{
	const char *backend = NULL;

	memset(c, 0, sizeof(*c));
	if (cni_conf_bool(config, "ipMasq", &c->enabled, err) < 0 ||
	    cni_conf_string(config, "ipMasqBackend", &backend, err) < 0)
		return -1;
	if (backend && backend[0])
		return fw_backend_parse("ipMasqBackend", backend, &c->backend, err);
	c->backend = c->enabled ? fw_backend_default() : FW_BACKEND_NFTABLES;
	return 0;
}

static struct fw_ipmasq_owner owner_of(const struct cni_request *req)
{
	return (struct fw_ipmasq_owner){
		.network = req->name,
		.ifname = req->ifname,
		.container_id = req->container_id,
	};
}

/* The addresses of r (each with its prefix); *out is malloc'd. */
static int result_addresses(const struct cni_result *r, struct cni_prefix **out, size_t *n,
			    struct cni_err *err)
{
	*out = NULL;
	*n = 0;
	if (!r->n_ips)
		return 0;
	*out = calloc(r->n_ips, sizeof(**out));
	if (!*out)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "ipMasq addresses");
	for (size_t i = 0; i < r->n_ips; i++)
		(*out)[i] = r->ips[i].address;
	*n = r->n_ips;
	return 0;
}

struct ipmasq_undo {
	const struct cni_request *req;
	enum fw_backend backend;
};

static void undo_ipmasq(void *arg)
{
	const struct ipmasq_undo *u = arg;
	struct fw_ipmasq_owner owner = owner_of(u->req);
	struct cni_err err = {0};

	if (fw_ipmasq_teardown(u->backend, NULL, 0, &owner, &err) < 0)
		cni_log_warn("rollback: remove ipMasq rules: %s", err.msg);
}

int fw_ipmasq_plugin_add(const struct fw_ipmasq_config *c, const struct cni_request *req,
			 const struct cni_result *result, struct undo_stack *undo,
			 struct cni_err *err)
{
	_cleanup_free_ struct cni_prefix *addrs = NULL;
	struct fw_ipmasq_owner owner = owner_of(req);
	struct ipmasq_undo u = {.req = req, .backend = c->backend};
	size_t n;

	if (!c->enabled)
		return 0;
	if (result_addresses(result, &addrs, &n, err) < 0)
		return -1;
	if (fw_ipmasq_setup(c->backend, addrs, n, &owner, err) < 0)
		return cni_err_wrap(err, "failed to set up IP masquerade");
	if (undo_push(undo, undo_ipmasq, &u, sizeof(u)) < 0) {
		undo_ipmasq(&u);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
	}
	return 0;
}

int fw_ipmasq_plugin_del(const struct fw_ipmasq_config *c, const struct cni_request *req,
			 struct cni_err *err)
{
	_cleanup_free_ struct cni_prefix *addrs = NULL;
	struct fw_ipmasq_owner owner = owner_of(req);
	size_t n = 0;

	if (!c->enabled)
		return 0;
	if (req->has_prev_result && result_addresses(&req->prev_result, &addrs, &n, err) < 0)
		return -1;
	if (fw_ipmasq_teardown(c->backend, addrs, n, &owner, err) < 0)
		return cni_err_wrap(err, "failed to tear down IP masquerade");
	return 0;
}

int fw_ipmasq_plugin_gc(const struct fw_ipmasq_config *c, const struct cni_request *req,
			struct cni_err *err)
{
	/* No valid list given: nothing can be known stale. */
	if (!c->enabled || !req->valid_attachments)
		return 0;
	return fw_ipmasq_gc(c->backend, req->name, req->valid_attachments, req->n_valid_attachments,
			    err);
}
