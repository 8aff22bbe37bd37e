/* dpdk-vhost's conversations with fastpathd: add, remove and check a pod's vhost-user port. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/log.h"
#include "dpdk_vhost.h"

static int connect_daemon(struct fp_client *fc, const struct dv_config *c, struct cni_err *err)
{
	if (fp_connect(fc, c->control_socket, err) < 0)
		return cni_err_wrap(err, "fastpathd at %s", c->control_socket);
	return 0;
}

/* An add whose answer was lost may have made the port: remove it if it is this attachment's (a
 * port of that name on another socket is someone else's refusal, never ours to drop). */
static void drop_unanswered(const struct dv_config *c, const struct dv_paths *p)
{
	struct fp_port_info info;
	struct cni_err err = {0};
	struct fp_client fc;

	if (fp_connect(&fc, c->control_socket, &err) < 0) {
		cni_log_warn("port %s left to the next reconcile: %s", p->port, err.msg);
		return;
	}
	if (fp_get_port(&fc, p->port, &info, &err) == 0 &&
	    strcmp(info.spec.socket, p->socket) == 0 && fp_del_port(&fc, p->port, &err) < 0)
		cni_log_warn("rollback: remove fastpathd port %s: %s", p->port, err.msg);
	fp_disconnect(&fc);
}

int dv_port_add(const struct dv_config *c, const struct dv_paths *p, const uint8_t mac[6],
		struct cni_err *err)
{
	struct fp_port_spec spec = {
		.type = FP_PORT_VHOST_USER,
		.mode = c->mode,
		.has_mac = true,
		.vlan = c->vlan,
	};
	struct fp_port_info info;
	struct fp_client fc;
	int rc;

	memcpy(spec.name, p->port, sizeof(spec.name));
	memcpy(spec.socket, p->socket, sizeof(spec.socket));
	memcpy(spec.mac, mac, sizeof(spec.mac));
	if (connect_daemon(&fc, c, err) < 0)
		return -1;
	rc = fp_add_port(&fc, &spec, &info, err);
	fp_disconnect(&fc);
	if (rc < 0 && fc.reason == FP_REASON_UNREACHABLE)
		drop_unanswered(c, p);
	return rc < 0 ? cni_err_wrap(err, "add fastpathd port %s", p->port) : 0;
}

int dv_port_del(const struct dv_config *c, const char *port, bool *reached, struct cni_err *err)
{
	struct fp_client fc;
	int rc;

	*reached = false;
	if (connect_daemon(&fc, c, err) < 0) {
		if (fc.reason != FP_REASON_UNREACHABLE)
			return -1;
		/* The next plugin call that reaches the daemon drops the port (dv_ports_reconcile).
		 */
		cni_log_warn("fastpathd unreachable, port %s left to the next reconcile: %s", port,
			     err->msg);
		cni_err_clear(err);
		return 0;
	}
	*reached = true;
	rc = fp_del_port(&fc, port, err);
	if (rc < 0 && fc.reason == FP_REASON_NOT_FOUND) {
		cni_err_clear(err);
		rc = 0;
	}
	fp_disconnect(&fc);
	return rc < 0 ? cni_err_wrap(err, "remove fastpathd port %s", port) : 0;
}

int dv_port_check(const struct dv_config *c, const struct dv_paths *p, const uint8_t mac[6],
		  struct cni_err *err)
{
	struct fp_port_info info;
	struct fp_client fc;
	char want[18], have[18];
	int rc;

	if (connect_daemon(&fc, c, err) < 0)
		return -1;
	rc = fp_get_port(&fc, p->port, &info, err);
	if (rc < 0 && fc.reason == FP_REASON_NOT_FOUND)
		err->code = CNI_ERR_UNKNOWN_CONTAINER;
	fp_disconnect(&fc);
	if (rc < 0)
		return cni_err_wrap(err, "fastpathd port %s", p->port);
	if (info.spec.type != FP_PORT_VHOST_USER || strcmp(info.spec.socket, p->socket) != 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"fastpathd port %s is not the vhost-user port on %s", p->port,
				p->socket);
	fp_format_mac(mac, want);
	fp_format_mac(info.spec.mac, have);
	if (!info.spec.has_mac || strcmp(want, have) != 0)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"fastpathd port %s has MAC %s, expected %s", p->port,
				info.spec.has_mac ? have : "none", want);
	if (info.spec.vlan != c->vlan)
		return cni_errf(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				"fastpathd port %s is in VLAN %u, expected %u", p->port,
				info.spec.vlan, c->vlan);
	return 0;
}

/* Ours: our name prefix and a socket in a directory right under our socketDir. */
static bool port_is_orphan(const struct dv_config *c, const struct fp_port_info *port)
{
	size_t n = strlen(c->socket_dir);
	char info[PATH_MAX];
	const char *slash;

	if (port->spec.type != FP_PORT_VHOST_USER ||
	    strncmp(port->spec.name, DV_PORT_PREFIX, strlen(DV_PORT_PREFIX)) != 0 ||
	    strncmp(port->spec.socket, c->socket_dir, n) != 0 || port->spec.socket[n] != '/')
		return false;
	slash = strrchr(port->spec.socket, '/');
	snprintf(info, sizeof(info), "%.*s/%s", (int)(slash - port->spec.socket), port->spec.socket,
		 DV_INFO_NAME);
	/* ADD writes the file before it adds the port, so a live attachment always has it. */
	return access(info, F_OK) != 0;
}

int dv_ports_reconcile(const struct dv_config *c, struct cni_err *err)
{
	_cleanup_free_ struct fp_port_info *ports = NULL;
	struct fp_client fc;
	size_t n = 0;
	int rc = 0;

	if (connect_daemon(&fc, c, err) < 0)
		return -1;
	if (fp_list_ports(&fc, &ports, &n, err) < 0) {
		fp_disconnect(&fc);
		return cni_err_wrap(err, "list fastpathd ports");
	}
	for (size_t i = 0; i < n; i++) {
		if (!port_is_orphan(c, &ports[i]))
			continue;
		cni_log_info("removing orphaned fastpathd port %s (%s)", ports[i].spec.name,
			     ports[i].spec.socket);
		if (fp_del_port(&fc, ports[i].spec.name, err) < 0 &&
		    fc.reason != FP_REASON_NOT_FOUND) {
			rc = cni_err_wrap(err, "remove fastpathd port %s", ports[i].spec.name);
			break;
		}
		cni_err_clear(err);
	}
	fp_disconnect(&fc);
	return rc;
}

int dv_daemon_status(const struct dv_config *c, struct cni_err *err)
{
	struct fp_status st;
	struct fp_client fc;
	int rc;

	if (fp_connect(&fc, c->control_socket, err) < 0) {
		err->code = CNI_ERR_NOT_AVAILABLE;
		return cni_err_wrap(err, "fastpathd at %s", c->control_socket);
	}
	rc = fp_get_status(&fc, &st, err);
	fp_disconnect(&fc);
	if (rc < 0) {
		err->code = CNI_ERR_NOT_AVAILABLE;
		return cni_err_wrap(err, "fastpathd status");
	}
	return 0;
}
