/* IPAM ADD inside a plugin's ADD: the reservation is released again if a later step fails. */
#include <errno.h>

#include "cni/log.h"
#include "ipam/ipam.h"

static void undo_ipam_del(void *arg)
{
	const struct cni_request *req = *(const struct cni_request **)arg;
	struct cni_err err = {0};

	if (ipam_del(req, &err) < 0)
		cni_log_warn("rollback: release IPAM reservation: %s", err.msg);
}

int ipam_add_undoable(const struct cni_request *req, struct cni_result *result,
		      struct undo_stack *undo, struct cni_err *err)
{
	cni_result_init(result, req->cni_version);
	if (ipam_add(req, result, err) < 0)
		return -1;
	if (undo_push(undo, undo_ipam_del, &req, sizeof(req)) < 0) {
		undo_ipam_del(&req);
		return cni_errf(err, CNI_ERR_INTERNAL, ENOSPC, "undo stack full");
	}
	if (result->n_ips == 0)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"IPAM plugin returned missing IP config");
	return 0;
}
