/* The dpdk-vhost plugin: a vhost-user port on fastpathd for a pod's DPDK application, IPAM on
 * top, and a JSON file beside the socket that tells the application its addresses. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "dpdk_vhost.h"
#include "ipam/ipam.h"
#include "undo/undo.h"

struct dv_undo_ctx {
	const struct cni_request *req;
	const struct dv_config *conf;
	const struct dv_paths *paths;
};

static void undo_dir(void *arg)
{
	const struct dv_undo_ctx *u = *(const struct dv_undo_ctx **)arg;
	struct cni_err err = {0};

	if (dv_attachment_remove(u->paths, &err) < 0)
		cni_log_warn("rollback: %s", err.msg);
}

static void undo_port(void *arg)
{
	const struct dv_undo_ctx *u = *(const struct dv_undo_ctx **)arg;
	struct cni_err err = {0};
	bool reached;

	if (dv_port_del(u->conf, u->paths->port, &reached, &err) < 0)
		cni_log_warn("rollback: %s", err.msg);
}

static int push(struct undo_stack *undo, undo_fn fn, const struct dv_undo_ctx *ctx,
		struct cni_err *err)
{
	if (undo_push(undo, fn, &ctx, sizeof(ctx)) == 0)
		return 0;
	fn(&ctx);
	return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
}

static void attachment_mac(const struct dv_config *c, const struct cni_request *req, uint8_t mac[6])
{
	if (c->has_mac)
		memcpy(mac, c->mac, 6);
	else
		dv_default_mac(req->container_id, req->ifname, mac);
}

/* The pod's interface: its MAC and, in 1.1.0, the socket the runtime mounts into the pod. */
static int add_interface(struct cni_result *result, const struct cni_request *req,
			 const struct dv_paths *p, const uint8_t mac[6], struct cni_err *err)
{
	char mac_str[18];
	int i;

	fp_format_mac(mac, mac_str);
	i = cni_result_add_interface(result, req->ifname, mac_str, 0, req->netns, err);
	if (i < 0)
		return -1;
	result->interfaces[i].socket_path = strdup(p->socket);
	if (!result->interfaces[i].socket_path)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	return i;
}

static int dv_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	struct dv_config c;
	struct dv_paths p;
	struct dv_undo_ctx ctx = {.req = req, .conf = &c, .paths = &p};
	_cleanup_(cni_result_free) struct cni_result ipam = {0};
	_cleanup_undo_ struct undo_stack undo = UNDO_STACK_INIT;
	uint8_t mac[6];
	int idx;

	if (dv_config_parse(req, &c, err) < 0 ||
	    dv_paths_make(&c, req->container_id, req->ifname, &p, err) < 0)
		return -1;
	attachment_mac(&c, req, mac);
	/* Reach the daemon before making anything; tidy what an earlier DEL could not. */
	if (dv_ports_reconcile(&c, err) < 0) {
		if (err->code == CNI_ERR_TRY_AGAIN)
			return -1;
		cni_log_warn("reconcile: %s", err->msg);
		cni_err_clear(err);
	}
	idx = add_interface(result, req, &p, mac, err);
	if (idx < 0)
		return -1;
	if (c.has_ipam) {
		if (ipam_add_undoable(req, &ipam, &undo, err) < 0 ||
		    cni_result_merge_ipam(result, &ipam, idx, err) < 0)
			return -1;
	}
	/* The directory after IPAM: a crash inside IPAM leaves only the IP, which GC finds, never a
	 * directory without the file that names its attachment. The file before the port: a port
	 * whose file is missing is an orphan to reconcile. */
	if (dv_attachment_mkdir(&c, &p, err) < 0 || push(&undo, undo_dir, &ctx, err) < 0)
		return -1;
	if (dv_attachment_write(req, &c, &p, mac, result, err) < 0 ||
	    dv_port_add(&c, &p, mac, err) < 0 || push(&undo, undo_port, &ctx, err) < 0)
		return -1;
	if (!cni_dns_is_empty(&req->dns)) {
		cni_dns_free(&result->dns);
		if (cni_dns_copy(&result->dns, &req->dns) < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	}
	undo_forget(&undo);
	return 0;
}

/* DEL succeeds with the daemon down: the port is left to the next reconcile. */
static int dv_del(struct cni_request *req, struct cni_err *err)
{
	struct dv_config c;
	struct dv_paths p;
	bool reached = false;

	if (dv_config_parse(req, &c, err) < 0)
		return -1;
	/* A path too long for a socket means ADD never made anything but maybe an IP. */
	if (dv_paths_make(&c, req->container_id, req->ifname, &p, err) == 0) {
		if (dv_port_del(&c, p.port, &reached, err) < 0 || dv_attachment_remove(&p, err) < 0)
			return -1;
		if (reached && dv_ports_reconcile(&c, err) < 0) {
			cni_log_warn("reconcile: %s", err->msg);
			cni_err_clear(err);
		}
	}
	cni_err_clear(err);
	return c.has_ipam ? ipam_del(req, err) : 0;
}

static const struct cni_interface *prev_interface(const struct cni_request *req)
{
	for (size_t i = 0; i < req->prev_result.n_interfaces; i++) {
		const struct cni_interface *in = &req->prev_result.interfaces[i];

		if (in->name && strcmp(in->name, req->ifname) == 0)
			return in;
	}
	return NULL;
}

static int dv_check(struct cni_request *req, struct cni_err *err)
{
	const struct cni_interface *in;
	struct dv_config c;
	struct dv_paths p;
	uint8_t mac[6];

	if (dv_config_parse(req, &c, err) < 0 ||
	    dv_paths_make(&c, req->container_id, req->ifname, &p, err) < 0)
		return -1;
	if (c.has_ipam && ipam_check(req, err) < 0)
		return -1;
	if (!req->has_prev_result)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
	in = prev_interface(req);
	if (!in)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"interface %s not found in prevResult", req->ifname);
	attachment_mac(&c, req, mac);
	if (in->mac && !fp_parse_mac(in->mac, mac))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "prevResult: invalid MAC %s",
				in->mac);
	if (in->socket_path && strcmp(in->socket_path, p.socket) != 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"prevResult socketPath %s, expected %s", in->socket_path, p.socket);
	if (!dv_attachment_exists(&p))
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0, "%s is missing", p.info);
	return dv_port_check(&c, &p, mac, err);
}

static int gc_one(const struct dv_attachment_ref *a, void *data, struct cni_err *err)
{
	const struct cni_request *req = data;
	struct dv_config c;
	struct dv_paths p;
	bool reached;

	/* Another network may share the directory: its attachments are not ours to judge. */
	if (strcmp(a->network, req->name) != 0 ||
	    cni_request_attachment_is_valid(req, a->container_id, a->ifname))
		return 0;
	if (dv_config_parse(req, &c, err) < 0 ||
	    dv_paths_make(&c, a->container_id, a->ifname, &p, err) < 0)
		return -1;
	cni_log_info("gc: removing attachment %s/%s", a->container_id, a->ifname);
	if (dv_port_del(&c, p.port, &reached, err) < 0)
		return -1;
	return dv_attachment_remove(&p, err);
}

/* GC goes on past a failure, as the spec asks, and reports the first. */
static int dv_gc(struct cni_request *req, struct cni_err *err)
{
	struct cni_err first = {0}, e = {0};
	struct dv_config c;
	int ret;

	if (dv_config_parse(req, &c, err) < 0)
		return -1;
	dv_attachment_foreach(&c, gc_one, req, &first);
	if (dv_ports_reconcile(&c, &e) < 0) {
		/* A daemon that is down keeps its ports until a later call reaches it. */
		if (e.code == CNI_ERR_TRY_AGAIN)
			cni_log_warn("gc: %s", e.msg);
		else
			cni_err_keep_first(&first, -1, &e);
	}
	ret = cni_err_keep_first(&first, c.has_ipam ? ipam_gc(req, &e) : 0, &e);
	if (ret < 0)
		*err = first;
	return ret;
}

static int dv_status(struct cni_request *req, struct cni_err *err)
{
	struct dv_config c;

	if (dv_config_parse(req, &c, err) < 0 || dv_daemon_status(&c, err) < 0)
		return -1;
	return c.has_ipam ? ipam_status(req, err) : 0;
}

static const char *const dv_args_keys[] = {"MAC", NULL};

static const struct cni_plugin dpdk_vhost = {
	.name = "dpdk-vhost",
	.about = "CNI dpdk-vhost plugin: vhost-user ports on fastpathd (cni-c)",
	.args_keys = dv_args_keys,
	.add = dv_add,
	.del = dv_del,
	.check = dv_check,
	.status = dv_status,
	.gc = dv_gc,
};

int main(void)
{
	return cni_skel_main(&dpdk_vhost);
}
