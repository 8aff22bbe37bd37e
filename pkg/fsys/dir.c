/* mkdir -p: create a directory and the parents it lacks. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "fsys/fsys.h"

int fs_mkdir_all(const char *path, mode_t mode, struct cni_err *err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);
	struct stat st;

	if (n >= sizeof(buf))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "mkdir %s", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return cni_errf(err, CNI_ERR_IO, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return cni_errf(err, CNI_ERR_IO, errno, "mkdir %s", buf);
	if (stat(buf, &st) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "stat %s", buf);
	if (!S_ISDIR(st.st_mode))
		return cni_errf(err, CNI_ERR_IO, ENOTDIR, "mkdir %s", buf);
	return 0;
}
