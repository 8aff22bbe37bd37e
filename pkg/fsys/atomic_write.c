/* Replace a file's content atomically: temporary file, fsync, rename. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/fault.h"
#include "fsys/fsys.h"

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		    struct cni_err *err)
{
	char tmp[PATH_MAX];
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >= (int)sizeof(tmp))
		return cni_errf(err, CNI_ERR_IO, ENAMETOOLONG, "write %s", path);
	fd = cni_fault_at("file", path) < 0 ? -1 : mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "create %s", tmp);
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0)
		goto out_unlink;
	if (close(fd) < 0) {
		fd = -1;
		goto out_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto out_unlink;
	return 0;
out_unlink:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return cni_errf(err, CNI_ERR_IO, e, "write %s", path);
}
