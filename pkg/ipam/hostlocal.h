/* host-local IPAM verbs, run in-process by ipam.c and by the ipam/host-local binary. */
#ifndef IPAM_HOSTLOCAL_H
#define IPAM_HOSTLOCAL_H

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"

int ipam_hostlocal_add(const struct cni_request *req, struct cni_result *result,
		       struct cni_err *err);
int ipam_hostlocal_del(const struct cni_request *req, struct cni_err *err);
int ipam_hostlocal_check(const struct cni_request *req, struct cni_err *err);
/* Remove every reservation whose attachment is not in cni.dev/valid-attachments. */
int ipam_hostlocal_gc(const struct cni_request *req, struct cni_err *err);
/* Code 50 when a range set has no address left (an ADD could not succeed). */
int ipam_hostlocal_status(const struct cni_request *req, struct cni_err *err);

#endif
