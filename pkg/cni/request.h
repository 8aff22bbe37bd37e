/* Building a struct cni_request from the environment and the stdin config. */
#ifndef CNI_REQUEST_H
#define CNI_REQUEST_H

#include "cni/err.h"
#include "cni/skel.h"

/* Read and validate the CNI_* environment (the reference skel's rules, one code-4 error). */
int cni_request_read_env(struct cni_request *req, struct cni_err *err);
/* Parse the common keys of the config in req->config. */
int cni_request_parse_config(struct cni_request *req, struct cni_err *err);
void cni_request_free(struct cni_request *req);

/* Parse a command name; -1 when unknown. */
int cni_command_parse(const char *name, enum cni_command *cmd);

#endif
