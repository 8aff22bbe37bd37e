/* IPAM for main plugins: host-local and static run in-process, any other type is exec'd from
 * CNI_PATH. */
#ifndef IPAM_IPAM_H
#define IPAM_IPAM_H

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"
#include "undo/undo.h"

/*
 * Each verb reads req->ipam ("type" and that type's keys) plus the request's environment, args and
 * runtimeConfig, exactly as the IPAM binary would if it were exec'd with the same stdin.
 * ipam_add fills an IPAM result: ips (interface -1), routes and dns, no interfaces.
 */
int ipam_add(const struct cni_request *req, struct cni_result *result, struct cni_err *err);
int ipam_del(const struct cni_request *req, struct cni_err *err);

/*
 * ipam_add into result (initialised here for req's version), its release pushed on undo so a
 * later failure of the plugin's ADD gives the IPs back. A result without IPs fails with code 7,
 * as the reference's "IPAM plugin returned missing IP config" (the release still runs).
 */
int ipam_add_undoable(const struct cni_request *req, struct cni_result *result,
		      struct undo_stack *undo, struct cni_err *err);
int ipam_check(const struct cni_request *req, struct cni_err *err);
int ipam_gc(const struct cni_request *req, struct cni_err *err);
int ipam_status(const struct cni_request *req, struct cni_err *err);

#endif
