/* Open, verify, enter and leave network namespaces by fd; make sockets inside one. */
#include "netns/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cni/cleanup.h"

/* From linux/magic.h; spelled out so the header set does not matter. */
#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif
#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

int ns_open(const char *path, struct cni_err *err)
{
	_cleanup_close_ int fd = -1;
	struct statfs st;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_INVALID_NETNS, errno, "failed to open netns \"%s\"",
				path);
	if (fstatfs(fd, &st) < 0)
		return cni_errf(err, CNI_ERR_INVALID_NETNS, errno, "failed to statfs netns \"%s\"",
				path);
	/* Older kernels expose namespaces on procfs (/proc/<pid>/ns/net). */
	if (st.f_type != NSFS_MAGIC && st.f_type != PROC_SUPER_MAGIC)
		return cni_errf(err, CNI_ERR_INVALID_NETNS, 0, "unknown FS magic on \"%s\": %lx",
				path, (unsigned long)st.f_type);
	return TAKE_FD(fd);
}

int ns_open_current(struct cni_err *err)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, errno, "failed to open the current netns");
	return fd;
}

bool ns_err_is_gone(const struct cni_err *err)
{
	return err->code == CNI_ERR_INVALID_NETNS && err->errnum == ENOENT;
}

int ns_enter(int ns_fd, int *saved, struct cni_err *err)
{
	*saved = ns_open_current(err);
	if (*saved < 0)
		return -1;
	if (setns(ns_fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(*saved);
		*saved = -1;
		return cni_errf(err, CNI_ERR_INVALID_NETNS, e, "failed to enter netns");
	}
	return 0;
}

int ns_leave(int *saved, struct cni_err *err)
{
	int rc = 0;

	if (*saved < 0)
		return 0;
	/* Failing to come back would leave the process working in the wrong namespace. */
	if (setns(*saved, CLONE_NEWNET) < 0)
		rc = cni_errf(err, CNI_ERR_INTERNAL, errno,
			      "failed to return to the original netns");
	close(*saved);
	*saved = -1;
	return rc;
}

int ns_run(int ns_fd, int (*fn)(void *arg, struct cni_err *err), void *arg, struct cni_err *err)
{
	struct cni_err leave_err = {0};
	int saved = -1;
	int rc;

	if (ns_enter(ns_fd, &saved, err) < 0)
		return -1;
	rc = fn(arg, err);
	if (ns_leave(&saved, &leave_err) < 0) {
		*err = leave_err;
		return -1;
	}
	return rc;
}

int ns_socket(int ns_fd, int domain, int type, int protocol, struct cni_err *err)
{
	struct cni_err leave_err = {0};
	int saved = -1;
	int fd, e;

	if (ns_fd < 0) {
		fd = socket(domain, type | SOCK_CLOEXEC, protocol);
		if (fd < 0)
			return cni_errf(err, CNI_ERR_INTERNAL, errno, "failed to create socket");
		return fd;
	}
	if (ns_enter(ns_fd, &saved, err) < 0)
		return -1;
	fd = socket(domain, type | SOCK_CLOEXEC, protocol);
	e = errno;
	if (ns_leave(&saved, &leave_err) < 0) {
		if (fd >= 0)
			close(fd);
		*err = leave_err;
		return -1;
	}
	if (fd < 0)
		return cni_errf(err, CNI_ERR_INTERNAL, e, "failed to create socket in netns");
	return fd;
}
