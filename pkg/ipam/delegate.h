/* IPAM types other than host-local and static: their binary, found in CNI_PATH, run with our stdin.
 */
#ifndef IPAM_DELEGATE_H
#define IPAM_DELEGATE_H

#include "cni/err.h"
#include "cni/result.h"
#include "cni/skel.h"

/* Run ADD and parse the plugin's result (any version) into result. */
int ipam_delegate_add(const struct cni_request *req, struct cni_result *result,
		      struct cni_err *err);
/* Run DEL, CHECK, GC or STATUS; the plugin's own error comes back in err. */
int ipam_delegate_run(const struct cni_request *req, const char *command, struct cni_err *err);

#endif
