/* The portmap plugin: DNAT hostPorts to the container, hairpin and localhost masquerade. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "cni/skel.h"
#include "config.h"
#include "fw/conntrack.h"
#include "portmap.h"

static const struct portmap_backend *backend_of(const struct portmap_config *c)
{
	return c->backend == FW_BACKEND_NFTABLES ? &portmap_nftables : &portmap_iptables;
}

bool portmap_container_is_valid(const struct cni_request *req, const char *container_id)
{
	for (size_t i = 0; i < req->n_valid_attachments; i++)
		if (strcmp(req->valid_attachments[i].container_id, container_id) == 0)
			return true;
	return false;
}

/*
 * A UDP flow that reached the host port before the DNAT existed (or while it pointed at an old
 * pod) stays in conntrack and bypasses the new rule: drop those entries. Failing this is logged,
 * not fatal, as in the reference.
 */
static void flush_udp(const struct portmap_config *c, int family)
{
	for (size_t i = 0; i < c->n_mappings; i++) {
		struct cni_err err = {0};
		unsigned n;

		if (c->mappings[i].protocol != IPPROTO_UDP)
			continue;
		if (fw_conntrack_flush_dport(family, IPPROTO_UDP, c->mappings[i].host_port, &n,
					     &err) < 0)
			cni_log_warn("failed to delete stale UDP conntrack entries for port %u: %s",
				     c->mappings[i].host_port, err.msg);
	}
}

static int copy_prev_result(const struct cni_request *req, struct cni_result *result,
			    struct cni_err *err)
{
	_cleanup_json_ json_t *j = cni_result_to_json(&req->prev_result, "1.1.0", err);

	if (!j)
		return -1;
	cni_result_free(result);
	return cni_result_from_json(j, "1.1.0", result, err);
}

static int portmap_add(struct cni_request *req, struct cni_result *result, struct cni_err *err)
{
	struct portmap_config c;
	const struct portmap_backend *b;
	int ret = -1;

	if (portmap_config_parse(req, &c, err) < 0)
		goto out;
	if (!req->has_prev_result) {
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "must be called as chained plugin");
		goto out;
	}
	if (copy_prev_result(req, result, err) < 0)
		goto out;
	b = backend_of(&c);
	if (c.n_mappings && c.cont_v4.ip.family) {
		if (b->forward(&c, &c.cont_v4, err) < 0)
			goto out;
		flush_udp(&c, AF_INET);
		if (c.snat && portmap_enable_localnet(&c.cont_v4.ip, err) < 0)
			goto out_unforward;
	}
	if (c.n_mappings && c.cont_v6.ip.family) {
		if (b->forward(&c, &c.cont_v6, err) < 0)
			goto out_unforward;
		flush_udp(&c, AF_INET6);
	}
	ret = 0;
	goto out;
out_unforward : {
	/* A failed ADD leaves no rule behind: undo the family that landed. */
	struct cni_err ignored = {0};

	b->unforward(&c, &ignored);
}
out:
	portmap_config_free(&c);
	return ret;
}

/* DEL needs neither runtimeConfig nor the netns: rules are found by name and container ID. */
static int portmap_del(struct cni_request *req, struct cni_err *err)
{
	struct portmap_config c;
	int ret = -1;

	if (portmap_config_parse(req, &c, err) == 0 && backend_of(&c)->unforward(&c, err) == 0) {
		flush_udp(&c, AF_INET);
		flush_udp(&c, AF_INET6);
		ret = 0;
	}
	portmap_config_free(&c);
	return ret;
}

static int portmap_check(struct cni_request *req, struct cni_err *err)
{
	struct portmap_config c;
	int ret = -1;

	if (portmap_config_parse(req, &c, err) < 0)
		goto out;
	if (!req->has_prev_result) {
		cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "Required prevResult missing");
		goto out;
	}
	/* Each family is checked only when the attachment has it (an IPv4-only pod passes). */
	if (c.n_mappings && c.cont_v4.ip.family && backend_of(&c)->check(&c, &c.cont_v4, err) < 0)
		goto out;
	if (c.n_mappings && c.cont_v6.ip.family && backend_of(&c)->check(&c, &c.cont_v6, err) < 0)
		goto out;
	ret = 0;
out:
	portmap_config_free(&c);
	return ret;
}

static int portmap_gc(struct cni_request *req, struct cni_err *err)
{
	struct portmap_config c;
	int ret = -1;

	if (portmap_config_parse(req, &c, err) == 0)
		ret = backend_of(&c)->gc(&c, req, err);
	portmap_config_free(&c);
	return ret;
}

static int portmap_status(struct cni_request *req, struct cni_err *err)
{
	struct portmap_config c;
	int ret = portmap_config_parse(req, &c, err);

	portmap_config_free(&c);
	return ret;
}

static const struct cni_plugin portmap = {
	.name = "portmap",
	.about = "CNI portmap plugin",
	.add = portmap_add,
	.del = portmap_del,
	.check = portmap_check,
	.status = portmap_status,
	.gc = portmap_gc,
};

int main(void)
{
	return cni_skel_main(&portmap);
}
