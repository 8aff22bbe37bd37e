/* The reference's disk backend in C: same paths, bytes, modes and lock, one readdir per pass. */
#include "ipam/hostlocal_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/fault.h"

/* Large enough for any reservation the reference writes; a bigger file cannot be one. */
#define RESERVATION_MAX 4096

static int mkdir_all(const char *path, struct cni_err *err)
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
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return cni_errf(err, CNI_ERR_IO, errno, "mkdir %s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return cni_errf(err, CNI_ERR_IO, errno, "mkdir %s", buf);
	/* The last component is the store itself: a symlink there would move it elsewhere. */
	if (lstat(buf, &st) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "stat %s", buf);
	if (S_ISLNK(st.st_mode))
		return cni_errf(err, CNI_ERR_IO, ELOOP, "%s", buf);
	if (!S_ISDIR(st.st_mode))
		return cni_errf(err, CNI_ERR_IO, ENOTDIR, "mkdir %s", buf);
	return 0;
}

/*
 * The dataDir named in the config may sit below symlinked directories (an administrator's
 * choice), but neither it nor the network directory may itself be a symlink: a planted link
 * would send reservations, and the unlinks of DEL and GC, outside the store.
 */
static int data_dir_is_real(const char *data_dir, struct cni_err *err)
{
	struct stat st;

	if (lstat(data_dir, &st) < 0)
		return errno == ENOENT ? 0 : cni_errf(err, CNI_ERR_IO, errno, "stat %s", data_dir);
	if (S_ISLNK(st.st_mode))
		return cni_errf(err, CNI_ERR_IO, ELOOP, "dataDir %s", data_dir);
	return 0;
}

int ipam_store_open(struct ipam_store *s, const char *data_dir, const char *network,
		    struct cni_err *err)
{
	int n;

	s->dir_fd = -1;
	s->lock_fd = -1;
	if (!data_dir || !*data_dir)
		data_dir = IPAM_DEFAULT_DATA_DIR;
	/* The network name is one path component; the skel already refused '/' and "..". */
	if (network && strlen(network) > NAME_MAX)
		return cni_errf(
			err, CNI_ERR_INVALID_CONFIG, 0,
			"network name too long for host-local's dataDir (%zu bytes, at most "
			"%d)",
			strlen(network), NAME_MAX);
	if (data_dir_is_real(data_dir, err) < 0)
		return -1;
	/* Go's filepath.Join drops an empty element, so a nameless network uses dataDir itself. */
	if (network && *network)
		n = snprintf(s->dir, sizeof(s->dir), "%s/%s", data_dir, network);
	else
		n = snprintf(s->dir, sizeof(s->dir), "%s", data_dir);
	if (n < 0 || (size_t)n >= sizeof(s->dir))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "data directory");
	if (mkdir_all(s->dir, err) < 0)
		return -1;
	s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->dir_fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "open %s", s->dir);
	s->lock_fd = cni_fault("file") < 0
			     ? -1
			     : openat(s->dir_fd, "lock",
				      O_CREAT | O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0750);
	if (s->lock_fd < 0) {
		cni_errf(err, CNI_ERR_IO, errno, "open %s/lock", s->dir);
		ipam_store_close(s);
		return -1;
	}
	while (flock(s->lock_fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		cni_errf(err, CNI_ERR_IO, errno, "lock %s/lock", s->dir);
		ipam_store_close(s);
		return -1;
	}
	return 0;
}

void ipam_store_close(struct ipam_store *s)
{
	/* Closing the fd drops the flock. */
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	s->lock_fd = -1;
	s->dir_fd = -1;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Go's strings.TrimSpace for ASCII text. */
static const char *trim(const char *s, size_t *len)
{
	while (*len && is_space(*s)) {
		s++;
		(*len)--;
	}
	while (*len && is_space(s[*len - 1]))
		(*len)--;
	return s;
}

/*
 * Read a whole small file; -1 when it cannot be read or is too large to be a reservation. One
 * read: a regular file shorter than the buffer comes whole (every ADD reads every reservation).
 */
static ssize_t read_small(int dir_fd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd =
		openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, size);
	while (n < 0 && errno == EINTR);
	return n < 0 || (size_t)n == size ? -1 : n;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static bool skipped_name(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "lock") ||
	       !strncmp(name, IPAM_LAST_RESERVED_PREFIX, strlen(IPAM_LAST_RESERVED_PREFIX));
}

static bool is_regular(int dir_fd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_REG;
	return fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

int ipam_store_foreach(struct ipam_store *s, bool read, ipam_store_visit_fn fn, void *ctx,
		       struct cni_err *err)
{
	_cleanup_(closedirp) DIR *d = NULL;
	char buf[RESERVATION_MAX];
	struct dirent *de;
	int fd, ret;

	/* fdopendir takes the fd; keep the store's own. */
	fd = openat(s->dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return cni_errf(err, CNI_ERR_IO, errno, "read %s", s->dir);
	}
	while ((errno = 0, de = readdir(d))) {
		struct cni_ip ip;
		const char *content = NULL;
		size_t len = 0;
		bool has_ip;

		if (skipped_name(de->d_name) || !is_regular(s->dir_fd, de))
			continue;
		has_ip = cni_ip_parse(de->d_name, &ip);
		if (read) {
			ssize_t n = read_small(s->dir_fd, de->d_name, buf, sizeof(buf));

			/* Vanished or unreadable files are skipped, as filepath.Walk's callback
			 * does. */
			if (n < 0)
				continue;
			len = (size_t)n;
			content = trim(buf, &len);
		}
		ret = fn(s, de->d_name, has_ip ? &ip : NULL, content, len, ctx, err);
		if (ret)
			return ret;
	}
	if (errno)
		return cni_errf(err, CNI_ERR_IO, errno, "read %s", s->dir);
	return 0;
}

enum ipam_owner_match ipam_owner_match(const char *content, size_t len, const char *id,
				       const char *ifname)
{
	size_t id_len = strlen(id);
	const char *tid = trim(id, &id_len);
	size_t if_len = strlen(ifname);
	size_t lb = strlen(IPAM_LINE_BREAK);

	if (len == id_len && !memcmp(content, tid, id_len))
		return IPAM_OWNER_LEGACY;
	if (len == id_len + lb + if_len && !memcmp(content, tid, id_len) &&
	    !memcmp(content + id_len, IPAM_LINE_BREAK, lb) &&
	    !memcmp(content + id_len + lb, ifname, if_len))
		return IPAM_OWNER_CURRENT;
	return IPAM_OWNER_OTHER;
}

bool ipam_owner_parse(const char *content, size_t len, struct ipam_owner *o)
{
	const char *lb = memmem(content, len, IPAM_LINE_BREAK, strlen(IPAM_LINE_BREAK));
	size_t id_len = lb ? (size_t)(lb - content) : len;

	memset(o, 0, sizeof(*o));
	if (id_len >= sizeof(o->id))
		return false;
	memcpy(o->id, content, id_len);
	o->legacy = !lb;
	if (lb) {
		size_t if_len = len - id_len - strlen(IPAM_LINE_BREAK);

		if (if_len >= sizeof(o->ifname))
			return false;
		memcpy(o->ifname, lb + strlen(IPAM_LINE_BREAK), if_len);
	}
	return true;
}

/*
 * Write all of data to name with the given open flags, like Go's os.WriteFile/OpenFile+Write, but
 * never through a symlink planted in the store (Go's would follow it).
 */
/*
 * Write data as the whole content of name: a new file (EEXIST when it exists), or an existing
 * one rewritten in place and cut only past the new end. last_reserved_ip.N is rewritten on every
 * ADD, and an O_TRUNC there would free and reallocate its block each time.
 */
static int write_file(int dir_fd, const char *name, bool new_file, const char *data, size_t len)
{
	int flags = O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC | (new_file ? O_EXCL : 0);
	int fd = cni_fault("file") < 0 ? -1 : openat(dir_fd, name, flags, 0600);
	struct stat st;
	size_t done = 0;
	int saved;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out_close;
		done += (size_t)n;
	}
	if (!new_file &&
	    (fstat(fd, &st) < 0 || (st.st_size > (off_t)len && ftruncate(fd, (off_t)len) < 0)))
		goto out_close;
	return close(fd);

out_close:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int ipam_store_reserve(struct ipam_store *s, const struct cni_ip *ip, const char *id,
		       const char *ifname, size_t range_index, bool *reserved, struct cni_err *err)
{
	char name[CNI_IP_STRLEN], last[64], data[RESERVATION_MAX];
	size_t id_len = strlen(id);
	const char *tid = trim(id, &id_len);
	int n;

	*reserved = false;
	cni_ip_str(ip, name);
	n = snprintf(data, sizeof(data), "%.*s" IPAM_LINE_BREAK "%s", (int)id_len, tid, ifname);
	if (n < 0 || (size_t)n >= sizeof(data))
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0,
				"container ID and interface name too long");
	if (write_file(s->dir_fd, name, true, data, (size_t)n) < 0) {
		if (errno == EEXIST)
			return 0;
		cni_errf(err, CNI_ERR_IO, errno, "write %s/%s", s->dir, name);
		unlinkat(s->dir_fd, name, 0);
		return -1;
	}
	snprintf(last, sizeof(last), IPAM_LAST_RESERVED_PREFIX "%zu", range_index);
	if (write_file(s->dir_fd, last, false, name, strlen(name)) < 0) {
		cni_errf(err, CNI_ERR_IO, errno, "write %s/%s", s->dir, last);
		unlinkat(s->dir_fd, name, 0);
		return -1;
	}
	*reserved = true;
	return 0;
}

bool ipam_store_last_reserved(struct ipam_store *s, size_t range_index, struct cni_ip *ip)
{
	char name[64], buf[CNI_IP_STRLEN];
	ssize_t n;

	snprintf(name, sizeof(name), IPAM_LAST_RESERVED_PREFIX "%zu", range_index);
	n = read_small(s->dir_fd, name, buf, sizeof(buf));
	if (n < 0)
		return false;
	buf[n] = '\0';
	/* Like net.ParseIP on the raw bytes: no trimming. */
	return cni_ip_parse(buf, ip);
}

int ipam_store_remove(struct ipam_store *s, const char *name, struct cni_err *err)
{
	if (unlinkat(s->dir_fd, name, 0) < 0 && errno != ENOENT)
		return cni_errf(err, CNI_ERR_IO, errno, "remove %s/%s", s->dir, name);
	return 0;
}

int ipam_store_remove_ip(struct ipam_store *s, const struct cni_ip *ip, struct cni_err *err)
{
	char name[CNI_IP_STRLEN];

	return ipam_store_remove(s, cni_ip_str(ip, name), err);
}
