/* DPDK mode with "fastpath": the vfio-pci VF becomes a fastpathd port instead of the pod's own. */
#include <stdio.h>
#include <string.h>

#include "cni/log.h"
#include "sriov.h"

static void undo_fastpath(void *arg)
{
	const struct sriov_saved *saved = *(const struct sriov_saved **)arg;
	struct cni_err err = {0};

	if (sriov_fastpath_detach(saved, &err) < 0)
		cni_log_warn("rollback: remove fastpathd port %s: %s", saved->fastpath_port,
			     err.msg);
}

int sriov_fastpath_attach(struct sriov_run *run, struct undo_stack *undo, struct cni_err *err)
{
	struct fp_client c;
	struct fp_port_spec spec = {.type = FP_PORT_ETHDEV};
	struct fp_port_info info;
	const struct sriov_saved *saved = &run->saved;
	int rc;

	snprintf(spec.name, sizeof(spec.name), "%s", run->saved.fastpath_port);
	snprintf(spec.devargs, sizeof(spec.devargs), "%s", run->vf.pci_id);
	if (run->conf.vf.has & NL_VF_HAS_MAC) {
		spec.has_mac = true;
		memcpy(spec.mac, run->conf.vf.mac, sizeof(spec.mac));
	}
	if (fp_connect(&c, saved->fastpath_socket, err) < 0)
		return cni_err_wrap(err, "fastpathd at %s", saved->fastpath_socket);
	rc = fp_add_port(&c, &spec, &info, err);
	fp_disconnect(&c);
	if (rc < 0)
		return cni_err_wrap(err, "add fastpathd port %s", spec.name);
	if (undo_push(undo, undo_fastpath, &saved, sizeof(saved)) < 0) {
		undo_fastpath(&saved);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "undo stack full");
	}
	return 0;
}

int sriov_fastpath_detach(const struct sriov_saved *saved, struct cni_err *err)
{
	struct fp_client c;
	int rc;

	if (!saved->fastpath_port[0])
		return 0;
	/* A daemon that is down drops ports of unknown attachments when it comes back. */
	if (fp_connect(&c, saved->fastpath_socket, err) < 0) {
		cni_log_warn("fastpathd unreachable, port %s left to its reconcile: %s",
			     saved->fastpath_port, err->msg);
		cni_err_clear(err);
		return 0;
	}
	rc = fp_del_port(&c, saved->fastpath_port, err);
	if (rc < 0 && c.reason == FP_REASON_NOT_FOUND) {
		cni_err_clear(err);
		rc = 0;
	}
	fp_disconnect(&c);
	return rc;
}

int sriov_fastpath_check(const struct sriov_saved *saved, struct cni_err *err)
{
	struct fp_client c;
	struct fp_port_info info;
	int rc;

	if (!saved->fastpath_port[0])
		return 0;
	if (fp_connect(&c, saved->fastpath_socket, err) < 0)
		return cni_err_wrap(err, "fastpathd at %s", saved->fastpath_socket);
	rc = fp_get_port(&c, saved->fastpath_port, &info, err);
	if (rc < 0 && c.reason == FP_REASON_NOT_FOUND)
		err->code = CNI_ERR_UNKNOWN_CONTAINER;
	fp_disconnect(&c);
	return rc < 0 ? cni_err_wrap(err, "fastpathd port %s", saved->fastpath_port) : 0;
}
