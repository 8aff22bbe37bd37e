/* The client's transport: one JSON request line out, one reply line back, over a Unix socket. */
#include "fastpath/client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/fault.h"

/* add-port may probe a device and wait for the workers' grace period: give it time. */
#define FP_CLIENT_TIMEOUT_SEC 15

const char *fp_reason_name(enum fp_reason r)
{
	return fp_wire_reason_string(r);
}

int fp_connect(struct fp_client *c, const char *path, struct cni_err *err)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct timeval tv = {.tv_sec = FP_CLIENT_TIMEOUT_SEC};
	_cleanup_close_ int fd = -1;

	c->fd = -1;
	c->len = 0;
	c->reason = FP_REASON_NONE;
	if (!path)
		path = FP_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		c->reason = FP_REASON_INVALID;
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0,
				"fastpathd socket path \"%s\" is longer than %zu bytes", path,
				sizeof(sun.sun_path) - 1);
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		c->reason = FP_REASON_UNREACHABLE;
		return cni_errf(err, CNI_ERR_TRY_AGAIN, errno, "connect to fastpathd at %s", path);
	}
	c->fd = TAKE_FD(fd);
	return 0;
}

void fp_disconnect(struct fp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static int send_line(struct fp_client *c, const char *line, struct cni_err *err)
{
	size_t len = strlen(line), off = 0;

	if (cni_fault_at("fastpath", "send") < 0) {
		c->reason = FP_REASON_UNREACHABLE;
		return cni_errf(err, CNI_ERR_TRY_AGAIN, errno, "send to fastpathd");
	}
	while (off < len) {
		ssize_t n = send(c->fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			c->reason = FP_REASON_UNREACHABLE;
			return cni_errf(err, CNI_ERR_TRY_AGAIN, errno, "send to fastpathd");
		}
		off += n;
	}
	return 0;
}

/* Read one line into c->buf (NUL-terminated, newline stripped). */
static int recv_line(struct fp_client *c, struct cni_err *err)
{
	c->len = 0;
	for (;;) {
		ssize_t n;
		char *nl;

		if (c->len == sizeof(c->buf) - 1) {
			c->reason = FP_REASON_INTERNAL;
			return cni_errf(err, CNI_ERR_IO, 0, "fastpathd reply longer than %zu bytes",
					sizeof(c->buf) - 1);
		}
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->reason = FP_REASON_UNREACHABLE;
			return cni_errf(err, CNI_ERR_TRY_AGAIN, n < 0 ? errno : 0,
					"fastpathd closed the connection%s", n < 0 ? "" : " early");
		}
		c->len += n;
		c->buf[c->len] = '\0';
		nl = memchr(c->buf, '\n', c->len);
		if (nl) {
			*nl = '\0';
			return 0;
		}
	}
}

static unsigned reason_code(enum fp_reason r)
{
	switch (r) {
	case FP_REASON_INVALID:
		return CNI_ERR_INVALID_CONFIG;
	case FP_REASON_BUSY:
		return CNI_ERR_TRY_AGAIN;
	default:
		return CNI_ERR_IO;
	}
}

int fp_request(struct fp_client *c, json_t *req, json_t **reply, struct cni_err *err)
{
	_cleanup_free_ char *line = NULL;
	json_error_t jerr;
	json_t *r, *ok;

	*reply = NULL;
	c->reason = FP_REASON_NONE;
	if (c->fd < 0) {
		c->reason = FP_REASON_UNREACHABLE;
		return cni_errf(err, CNI_ERR_TRY_AGAIN, 0, "not connected to fastpathd");
	}
	line = json_dumps(req, JSON_COMPACT);
	if (!line || !(line = realloc(line, strlen(line) + 2)))
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "encode request");
	strcat(line, "\n");
	/* A daemon that refuses a peer answers and hangs up at once: the reply may be waiting
	 * even when the request could not be sent. */
	if (send_line(c, line, err) < 0) {
		struct cni_err send_err = *err;

		/* Half a request must not keep the daemon waiting for the rest of the line. */
		shutdown(c->fd, SHUT_WR);
		if (recv_line(c, err) < 0) {
			*err = send_err;
			return -1;
		}
	} else if (cni_fault_at("fastpath", "reply") < 0) {
		/* The daemon acted but its answer is lost (a timeout): the caller cannot tell. */
		c->reason = FP_REASON_UNREACHABLE;
		return cni_errf(err, CNI_ERR_TRY_AGAIN, errno, "fastpathd closed the connection");
	} else if (recv_line(c, err) < 0) {
		return -1;
	}
	r = json_loads(c->buf, 0, &jerr);
	if (!json_is_object(r)) {
		json_decref(r);
		c->reason = FP_REASON_INTERNAL;
		return cni_errf(err, CNI_ERR_DECODE, 0, "fastpathd sent a malformed reply");
	}
	ok = json_object_get(r, "ok");
	if (!json_is_true(ok)) {
		const char *msg = json_string_value(json_object_get(r, "msg"));

		c->reason = fp_wire_reason_parse(json_string_value(json_object_get(r, "error")));
		cni_errf(err, reason_code(c->reason), 0, "fastpathd: %s",
			 msg ? msg : "request failed");
		json_decref(r);
		return -1;
	}
	*reply = r;
	return 0;
}
