/* Running another CNI plugin binary: lookup in CNI_PATH, environment, stdin, result or error. */
#include "cni/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni/cleanup.h"
#include "cni/fault.h"

extern char **environ;

/* How often a binary still being written ("text file busy") is retried, one second apart, as
 * libcni. */
#define EXEC_TXTBSY_RETRIES 5

struct buffer {
	char *data;
	size_t len, cap;
};

static int buffer_append(struct buffer *b, const char *src, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (b->len + n + 1 > cap)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -1;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, src, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cni_exec_find(const char *type, const char *cni_path, char *out, size_t len,
		  struct cni_err *err)
{
	_cleanup_free_ char *paths = NULL;
	char list[256] = "";
	size_t used = 0;
	char *cursor, *dir;
	struct stat st;

	if (!type || !*type)
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "no plugin name provided");
	if (strchr(type, '/'))
		return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "invalid plugin name: %s", type);
	if (!cni_path || !*cni_path)
		return cni_errf(err, CNI_ERR_INVALID_ENV, 0, "no paths provided");
	paths = strdup(cni_path);
	if (!paths)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "find plugin");

	cursor = paths;
	while ((dir = strsep(&cursor, ":"))) {
		int n = *dir ? snprintf(out, len, "%s/%s", dir, type)
			     : snprintf(out, len, "%s", type);

		if (n < 0 || (size_t)n >= len)
			continue;
		if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
			return 0;
		/* The error lists the directories the way Go prints a []string: "[a b]". */
		n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? " " : "", dir);
		if (n > 0)
			used = used + (size_t)n < sizeof(list) ? used + (size_t)n
							       : sizeof(list) - 1;
	}
	out[0] = '\0';
	return cni_errf(err, CNI_ERR_INVALID_CONFIG, 0, "failed to find plugin \"%s\" in path [%s]",
			type, list);
}

static bool env_overridden(const char *entry, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t klen = strlen(keys[i]);

		if (strncmp(entry, keys[i], klen) == 0 && entry[klen] == '=')
			return true;
	}
	return false;
}

/*
 * The child's environment: ours, with each CNI_* variable of env replaced. A NULL field inherits
 * our value (delegation, like Go's DelegateArgs); "" sets it empty (like invoke.Args.AsEnv).
 */
static char **exec_build_env(const struct cni_exec_env *env, size_t *n_owned)
{
	const char *keys[] = {"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS",
			      "CNI_IFNAME",  "CNI_ARGS",	"CNI_PATH"};
	const char *values[] = {env->command, env->container_id, env->netns,
				env->ifname,  env->args,	 env->path};
	const char *set[ARRAY_SIZE(keys)];
	size_t n_set = 0, n_env = 0, k = 0, first_owned;
	char **out;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (values[i])
			set[n_set++] = keys[i];
	while (environ[n_env])
		n_env++;
	out = calloc(n_env + ARRAY_SIZE(keys) + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n_env; i++)
		if (!env_overridden(environ[i], set, n_set))
			out[k++] = environ[i];
	/* Our own entries sit at the tail, so they are the ones freed later. */
	first_owned = k;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!values[i])
			continue;
		if (asprintf(&out[k], "%s=%s", keys[i], values[i]) < 0) {
			for (size_t j = first_owned; j < k; j++)
				free(out[j]);
			free(out);
			return NULL;
		}
		k++;
	}
	*n_owned = k - first_owned;
	return out;
}

static void exec_free_env(char **envp, size_t n_owned)
{
	size_t n = 0;

	if (!envp)
		return;
	while (envp[n])
		n++;
	for (size_t i = n - n_owned; i < n; i++)
		free(envp[i]);
	free(envp);
}

/* The config goes in through a memfd, so we never block writing stdin while the child writes
 * stdout. */
static int exec_stdin_fd(const char *data, struct cni_err *err)
{
	size_t len = data ? strlen(data) : 0, off = 0;
	_cleanup_close_ int fd = memfd_create("cni-stdin", MFD_CLOEXEC);

	if (fd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "memfd_create");
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cni_errf(err, CNI_ERR_IO, errno, "write plugin stdin");
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "lseek plugin stdin");
	return TAKE_FD(fd);
}

static int exec_spawn(const char *path, char **envp, int in_fd, int out_fd, int err_fd, pid_t *pid,
		      struct cni_err *err)
{
	char *argv[] = {(char *)path, NULL};
	posix_spawn_file_actions_t fa;
	int rc = 0;

	for (int attempt = 0; attempt <= EXEC_TXTBSY_RETRIES; attempt++) {
		if (posix_spawn_file_actions_init(&fa) != 0)
			return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "spawn %s", path);
		posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
		posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
		posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
		/* A plugin must not inherit our netns fds, sockets or IPAM lock by accident. */
		posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
		rc = cni_fault("exec") < 0 ? errno : posix_spawn(pid, path, &fa, NULL, argv, envp);
		posix_spawn_file_actions_destroy(&fa);
		if (rc != ETXTBSY)
			break;
		sleep(1);
	}
	if (rc)
		return cni_errf(err, CNI_ERR_IO, rc, "exec %s", path);
	return 0;
}

/* Drain stdout and stderr of the child until both close. */
static int exec_collect(int out_fd, int err_fd, struct buffer *out, struct buffer *errbuf,
			struct cni_err *err)
{
	struct pollfd fds[2] = {{.fd = out_fd, .events = POLLIN}, {.fd = err_fd, .events = POLLIN}};
	struct buffer *bufs[2] = {out, errbuf};
	char chunk[4096];
	int open_fds = 2;

	while (open_fds > 0) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return cni_errf(err, CNI_ERR_IO, errno, "poll plugin output");
		}
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			n = read(fds[i].fd, chunk, sizeof(chunk));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fds[i].fd = -1;
				open_fds--;
				continue;
			}
			if (buffer_append(bufs[i], chunk, (size_t)n) < 0)
				return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM,
						"read plugin output");
		}
	}
	return 0;
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}

/* A failed plugin: its own error JSON when it printed one, else what we know (as libcni's
 * pluginErr). */
static int exec_plugin_error(const char *path, int status, const struct buffer *out,
			     const struct buffer *errbuf, struct cni_err *err)
{
	char how[64];
	json_error_t jerr;
	json_t *obj;

	if (WIFEXITED(status))
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(status));
	else
		snprintf(how, sizeof(how), "signal: %s", strsignal(WTERMSIG(status)));

	if (out->len == 0 || is_blank(out->data, out->len)) {
		if (errbuf->len == 0)
			return cni_errf(err, CNI_ERR_INTERNAL, 0,
					"netplugin failed with no error message: %s", how);
		return cni_errf(err, CNI_ERR_INTERNAL, 0, "netplugin failed: \"%.*s\": %s",
				(int)(errbuf->len > 160 ? 160 : errbuf->len), errbuf->data, how);
	}
	obj = json_loadb(out->data, out->len, 0, &jerr);
	if (!json_is_object(obj)) {
		json_decref(obj);
		return cni_errf(
			err, CNI_ERR_DECODE, 0,
			"netplugin failed but error parsing its diagnostic message \"%.*s\": %s",
			(int)(out->len > 120 ? 120 : out->len), out->data, how);
	}
	{
		json_int_t code = json_integer_value(json_object_get(obj, "code"));
		const char *msg = json_string_value(json_object_get(obj, "msg"));
		const char *details = json_string_value(json_object_get(obj, "details"));

		/* Code 0 would read as "no error" in our type; the plugin said it failed. */
		cni_errf(err, code > 0 ? (unsigned)code : CNI_ERR_INTERNAL, 0, "%s",
			 msg ? msg : "");
		if (details && *details)
			cni_err_details(err, "%s", details);
	}
	json_decref(obj);
	return -1;
}

int cni_exec_plugin(const char *binary_path, const struct cni_exec_env *env, const char *stdin_data,
		    json_t **out, struct cni_err *err)
{
	struct buffer outbuf = {0}, errbuf = {0};
	_cleanup_close_ int in_fd = -1;
	int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
	size_t n_owned = 0;
	char **envp = NULL;
	int status = 0, rc = -1;
	pid_t pid;

	if (out)
		*out = NULL;
	envp = exec_build_env(env, &n_owned);
	if (!envp)
		return cni_errf(err, CNI_ERR_INTERNAL, ENOMEM, "exec %s: environment", binary_path);
	in_fd = exec_stdin_fd(stdin_data, err);
	if (in_fd < 0)
		goto out_env;
	if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
		cni_errf(err, CNI_ERR_IO, errno, "exec %s: pipe", binary_path);
		goto out_pipes;
	}
	if (exec_spawn(binary_path, envp, in_fd, out_pipe[1], err_pipe[1], &pid, err) < 0)
		goto out_pipes;
	close(out_pipe[1]);
	close(err_pipe[1]);
	out_pipe[1] = err_pipe[1] = -1;

	rc = exec_collect(out_pipe[0], err_pipe[0], &outbuf, &errbuf, err);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			rc = cni_errf(err, CNI_ERR_IO, errno, "wait for %s", binary_path);
			break;
		}
	}
	if (rc < 0)
		goto out_pipes;

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		rc = exec_plugin_error(binary_path, status, &outbuf, &errbuf, err);
		/* With an error on stdout, its stderr is not in the message: pass it on, not lose
		 * it. */
		if (errbuf.len && outbuf.len && !is_blank(outbuf.data, outbuf.len))
			fwrite(errbuf.data, 1, errbuf.len, stderr);
		goto out_pipes;
	}
	/* A successful plugin's stderr is informational: pass it on, as libcni does. */
	if (errbuf.len)
		fwrite(errbuf.data, 1, errbuf.len, stderr);
	if (out && outbuf.len && !is_blank(outbuf.data, outbuf.len)) {
		json_error_t jerr;

		*out = json_loadb(outbuf.data, outbuf.len, 0, &jerr);
		if (!*out) {
			rc = cni_errf(err, CNI_ERR_DECODE, 0, "failed to parse output of %s: %s",
				      binary_path, jerr.text);
			goto out_pipes;
		}
	}
	rc = 0;

out_pipes:
	for (int i = 0; i < 2; i++) {
		if (out_pipe[i] >= 0)
			close(out_pipe[i]);
		if (err_pipe[i] >= 0)
			close(err_pipe[i]);
	}
out_env:
	exec_free_env(envp, n_owned);
	free(outbuf.data);
	free(errbuf.data);
	return rc;
}
