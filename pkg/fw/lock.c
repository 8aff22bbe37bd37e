/* Per-netns and xtables locks around firewall transactions (see lock.h). */
#include "fw/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cni/log.h"

#define XT_LOCK_DEFAULT "/run/xtables.lock"
#define XT_LOCK_ENV	"XTABLES_LOCKFILE"

extern char **environ;

static struct {
	int fd;
	unsigned holders;
} locks[] = {
	[FW_LOCK_NETNS] = {.fd = -1},
	[FW_LOCK_XTABLES] = {.fd = -1},
};

static const char *lock_path(enum fw_lock_kind kind)
{
	const char *path;

	if (kind == FW_LOCK_NETNS)
		return "/proc/thread-self/ns/net";
	path = getenv(XT_LOCK_ENV);
	return path && path[0] ? path : XT_LOCK_DEFAULT;
}

int fw_lock(enum fw_lock_kind kind, struct cni_err *err)
{
	const char *path = lock_path(kind);
	int fd;

	if (locks[kind].holders++)
		return 0;
	fd = kind == FW_LOCK_NETNS ? open(path, O_RDONLY | O_CLOEXEC)
				   : open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		cni_log_debug("firewall lock %s not taken: %s", path, strerror(errno));
		return 0;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int e = errno;

			close(fd);
			locks[kind].holders--;
			return cni_errf(err, CNI_ERR_IO, e, "lock %s", path);
		}
	}
	locks[kind].fd = fd;
	return 0;
}

void fw_unlock(enum fw_lock_kind kind)
{
	if (!locks[kind].holders || --locks[kind].holders)
		return;
	if (locks[kind].fd >= 0)
		close(locks[kind].fd); /* releases the flock */
	locks[kind].fd = -1;
}

char **fw_xt_child_env(int *fd)
{
	size_t n = 0, k;
	char **env;

	*fd = -1;
	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	/* Not close-on-exec: the child opens it again by its /proc path. */
	*fd = memfd_create("xtables-lock", 0);
	if (*fd < 0 || asprintf(&env[0], XT_LOCK_ENV "=/proc/self/fd/%d", *fd) < 0) {
		int e = errno;

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		free(env);
		errno = e;
		return NULL;
	}
	k = 1;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], XT_LOCK_ENV "=", strlen(XT_LOCK_ENV) + 1) != 0)
			env[k++] = environ[i];
	return env;
}

void fw_xt_child_env_free(char **env)
{
	if (env)
		free(env[0]);
	free(env);
}
