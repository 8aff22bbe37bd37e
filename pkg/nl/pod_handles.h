/* The handles every plugin opens: the node's netns, and the pod's netns (fd and handle). */
#ifndef NL_POD_HANDLES_H
#define NL_POD_HANDLES_H

#include "cni/err.h"
#include "nl/nl.h"

/*
 * Open *host in the current netns and, when netns is set, *ns_fd and *ctr in that namespace.
 * Fills as far as it gets: the caller's close releases what was opened (*ns_fd starts at -1).
 * A missing netns path fails with ns_err_is_gone(err).
 */
int nl_pod_handles_open(const char *netns, struct nl_handle **host, int *ns_fd,
			struct nl_handle **ctr, struct cni_err *err);
void nl_pod_handles_close(struct nl_handle *host, int ns_fd, struct nl_handle *ctr);

#endif
