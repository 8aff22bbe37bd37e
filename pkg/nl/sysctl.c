/* sysctl read/write as seen from a handle's namespace (/proc/sys/net follows the opener's netns).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/fault.h"
#include "netns/netns.h"
#include "nl/internal.h"

struct sysctl_io {
	const char *key;
	char *buf; /* read: output */
	size_t len;
	const char *value; /* write: input */
};

static int sysctl_open(const char *key, int flags, struct cni_err *err)
{
	char path[PATH_MAX];
	int fd;

	if (strstr(key, "..") ||
	    snprintf(path, sizeof(path), "/proc/sys/%s", key) >= (int)sizeof(path))
		return cni_errf(err, CNI_ERR_INTERNAL, EINVAL, "bad sysctl key \"%s\"", key);
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "open sysctl %s", key);
	return fd;
}

static int sysctl_read_here(void *arg, struct cni_err *err)
{
	struct sysctl_io *io = arg;
	_cleanup_close_ int fd = sysctl_open(io->key, O_RDONLY, err);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, io->buf, io->len - 1);
	if (n < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "read sysctl %s", io->key);
	io->buf[n] = '\0';
	io->buf[strcspn(io->buf, "\n")] = '\0';
	return 0;
}

static int sysctl_write_here(void *arg, struct cni_err *err)
{
	struct sysctl_io *io = arg;
	_cleanup_close_ int fd = sysctl_open(io->key, O_WRONLY, err);
	size_t len = strlen(io->value);

	if (fd < 0)
		return -1;
	if (cni_fault_at("sysctl", io->key) < 0 || write(fd, io->value, len) != (ssize_t)len)
		return cni_errf(err, CNI_ERR_IO, errno, "write sysctl %s=%s", io->key, io->value);
	return 0;
}

int nl_sysctl_read(struct nl_handle *h, const char *key, char *buf, size_t len, struct cni_err *err)
{
	struct sysctl_io io = {.key = key, .buf = buf, .len = len};

	if (len < 2)
		return cni_errf(err, CNI_ERR_INTERNAL, EINVAL, "sysctl buffer too small");
	return h->here ? sysctl_read_here(&io, err) : ns_run(h->ns_fd, sysctl_read_here, &io, err);
}

int nl_sysctl_write(struct nl_handle *h, const char *key, const char *value, struct cni_err *err)
{
	struct sysctl_io io = {.key = key, .value = value};

	return h->here ? sysctl_write_here(&io, err)
		       : ns_run(h->ns_fd, sysctl_write_here, &io, err);
}
