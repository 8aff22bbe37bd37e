/* The control socket's connections and line framing; requests go to request.c. */
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "fastpath/wire.h"
#include "log.h"
#include "request.h"

#define FPD_MAX_CLIENTS 16

struct fpd_conn {
	int fd;
	uid_t uid;
	size_t len;
	char buf[FP_WIRE_LINE_MAX];
};

struct fpd_control {
	struct fpd *d;
	int listen_fd;
	struct fpd_conn *conns[FPD_MAX_CLIENTS];
};

static int make_parent_dir(const char *path, struct cni_err *err)
{
	char dir[FP_SOCK_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return cni_errf(err, CNI_ERR_IO, errno, "mkdir %s", dir);
	return 0;
}

/* A live daemon answers on the socket; a dead one left a file that only blocks bind. */
static int claim_path(const struct sockaddr_un *sun, struct cni_err *err)
{
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct stat st;

	if (lstat(sun->sun_path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return cni_errf(err, CNI_ERR_IO, 0, "%s exists and is not a socket", sun->sun_path);
	if (fd >= 0 && connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0)
		return cni_errf(err, CNI_ERR_IO, 0, "another fastpathd listens on %s",
				sun->sun_path);
	unlink(sun->sun_path);
	return 0;
}

int fpd_control_open(struct fpd_control **out, struct fpd *d, struct cni_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = -1;
	struct fpd_control *c;
	mode_t old;
	int rc;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", d->cfg.control_socket);
	if (make_parent_dir(sun.sun_path, err) < 0 || claim_path(&sun, err) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "socket");
	/* Never visible with wider permissions, not even between bind and chmod. */
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "bind %s", sun.sun_path);
	if (chmod(sun.sun_path, 0600) < 0 || listen(fd, 16) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "listen on %s", sun.sun_path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "control");
	c->d = d;
	c->listen_fd = TAKE_FD(fd);
	*out = c;
	FPD_LOG(INFO, "control socket %s", sun.sun_path);
	return 0;
}

static void send_reply(int fd, json_t *reply)
{
	_cleanup_free_ char *s = json_dumps(reply, JSON_COMPACT);
	size_t len, off = 0;

	json_decref(reply);
	if (!s)
		return;
	len = strlen(s);
	s[len] = '\n'; /* replaces the terminator: send len + 1 bytes */
	while (off < len + 1) {
		ssize_t n = send(fd, s + off, len + 1 - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the peer went away or stalled past SO_SNDTIMEO */
		off += n;
	}
}

static void conn_close(struct fpd_control *c, unsigned i)
{
	close(c->conns[i]->fd);
	free(c->conns[i]);
	c->conns[i] = NULL;
}

static bool uid_allowed(const struct fpd_config *cfg, uid_t uid)
{
	for (unsigned i = 0; i < cfg->nb_allow_uids; i++)
		if (cfg->allow_uids[i] == uid)
			return true;
	return false;
}

static void accept_one(struct fpd_control *c)
{
	struct timeval tv = {.tv_sec = 1};
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct fpd_conn *conn;
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	unsigned i;

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !uid_allowed(&c->d->cfg, cred.uid)) {
		FPD_LOG(WARNING, "control: refused a peer with uid %d",
			len == sizeof(cred) ? (int)cred.uid : -1);
		send_reply(fd, fpd_reply_error(FP_REASON_DENIED, "uid %d may not use fastpathd",
					       (int)cred.uid));
		close(fd);
		return;
	}
	for (i = 0; i < FPD_MAX_CLIENTS && c->conns[i]; i++)
		;
	conn = i < FPD_MAX_CLIENTS ? malloc(sizeof(*conn)) : NULL;
	if (!conn) {
		send_reply(fd, fpd_reply_error(FP_REASON_BUSY, "too many control connections"));
		close(fd);
		return;
	}
	conn->fd = fd;
	conn->uid = cred.uid;
	conn->len = 0;
	c->conns[i] = conn;
}

/* Answer every complete line in the buffer; false when the connection must end. */
static bool serve_lines(struct fpd_control *c, struct fpd_conn *conn)
{
	char *start = conn->buf, *nl;

	while ((nl = memchr(start, '\n', conn->len - (start - conn->buf)))) {
		size_t n = nl - start;

		if (n > 0 && !(n == 1 && start[0] == '\r'))
			send_reply(conn->fd, fpd_request_handle(c->d, start, n));
		start = nl + 1;
	}
	conn->len -= start - conn->buf;
	memmove(conn->buf, start, conn->len);
	if (conn->len == sizeof(conn->buf)) {
		/* No way to find the next request in an unterminated flood: answer and hang up. */
		send_reply(conn->fd,
			   fpd_reply_error(FP_REASON_INVALID, "request longer than %d bytes",
					   FP_WIRE_LINE_MAX - 1));
		return false;
	}
	return true;
}

static void read_conn(struct fpd_control *c, unsigned i)
{
	struct fpd_conn *conn = c->conns[i];
	ssize_t n =
		recv(conn->fd, conn->buf + conn->len, sizeof(conn->buf) - conn->len, MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0 || !serve_lines(c, (conn->len += n, conn)))
		conn_close(c, i);
}

void fpd_control_poll(struct fpd_control *c, int timeout_ms)
{
	struct pollfd pfd[FPD_MAX_CLIENTS + 1];
	unsigned idx[FPD_MAX_CLIENTS + 1], n = 0;

	pfd[n++] = (struct pollfd){.fd = c->listen_fd, .events = POLLIN};
	for (unsigned i = 0; i < FPD_MAX_CLIENTS; i++)
		if (c->conns[i]) {
			idx[n] = i;
			pfd[n++] = (struct pollfd){.fd = c->conns[i]->fd, .events = POLLIN};
		}
	if (poll(pfd, n, timeout_ms) <= 0)
		return;
	for (unsigned k = 1; k < n; k++)
		if (pfd[k].revents)
			read_conn(c, idx[k]);
	if (pfd[0].revents & POLLIN)
		accept_one(c);
}

void fpd_control_close(struct fpd_control *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < FPD_MAX_CLIENTS; i++)
		if (c->conns[i])
			conn_close(c, i);
	close(c->listen_fd);
	unlink(c->d->cfg.control_socket);
	free(c);
}
