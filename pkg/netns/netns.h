/* Network namespaces as fds: open and verify by path, enter and always leave, sockets made inside.
 */
#ifndef NETNS_NETNS_H
#define NETNS_NETNS_H

#include <stdbool.h>

#include "cni/err.h"

/*
 * Open the netns at path (O_RDONLY|O_CLOEXEC) and verify it is one (nsfs magic).
 * A path that does not exist fails with errnum ENOENT: see ns_err_is_gone().
 * Returns the fd, or -1 with err set (code CNI_ERR_INVALID_NETNS... see netns.c).
 */
int ns_open(const char *path, struct cni_err *err);

/* The calling thread's current netns, as an fd. */
int ns_open_current(struct cni_err *err);

/* True when err says the namespace path no longer exists (DEL treats this as success). */
bool ns_err_is_gone(const struct cni_err *err);

/*
 * Switch the calling thread into ns_fd. *saved receives an fd of the namespace it left, to be
 * handed to ns_leave(), which always switches back and closes it.
 */
int ns_enter(int ns_fd, int *saved, struct cni_err *err);
int ns_leave(int *saved, struct cni_err *err);

/* Run fn(arg, err) inside ns_fd and come back, whatever fn returned. */
int ns_run(int ns_fd, int (*fn)(void *arg, struct cni_err *err), void *arg, struct cni_err *err);

/* socket(domain, type, protocol) created inside ns_fd; the socket stays bound to that netns. */
int ns_socket(int ns_fd, int domain, int type, int protocol, struct cni_err *err);

#endif
