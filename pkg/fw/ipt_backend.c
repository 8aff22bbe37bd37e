/* The iptables backend: which iptables the node uses, reading its table, one restore per commit. */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cni/fault.h"
#include "cni/cleanup.h"
#include "cni/log.h"
#include "fw/internal.h"
#include "fw/ipt_entry.h"
#include "fw/ipt_legacy.h"
#include "fw/ipt_text.h"
#include "fw/lock.h"

/* Find name in $PATH, then in the sbin directories a runtime's PATH may lack. */
static bool find_binary(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	_cleanup_free_ char *dirs = NULL;
	char *save = NULL;

	if (asprintf(&dirs, "%s:/usr/sbin:/sbin", path ? path : "") < 0) {
		dirs = NULL;
		return false;
	}
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", d, name);
		if (access(out, X_OK) == 0)
			return true;
	}
	return false;
}

/*
 * The node's iptables is the `iptables` its admin and kube-proxy run: follow that binary's
 * symlinks (Debian: iptables -> /etc/alternatives/iptables -> xtables-nft-multi) without
 * executing it. A node without iptables at all gets legacy (libiptc needs no binary).
 * Tests choose by putting an `iptables` symlink first in PATH.
 */
static bool node_iptables_is_legacy(void)
{
	char bin[PATH_MAX], real[PATH_MAX];
	const char *base;

	if (!find_binary("iptables", bin, sizeof(bin)) || !realpath(bin, real))
		return true;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	return strstr(base, "nft") == NULL;
}

int fw_ipt_read(struct fw_tx *tx, struct cni_err *err)
{
	/* Held until the transaction ends, as iptables holds it around its own commit. */
	if (fw_lock(FW_LOCK_XTABLES, err) < 0)
		return -1;
	tx->locked_xt = true;
	tx->ipt_legacy = node_iptables_is_legacy();
	if (!tx->ipt_legacy)
		/* iptables-nft keeps the table as an nf_tables table of the same name. */
		return fw_nft_read(tx, err);
	if (tx->family == AF_INET6)
		return fw_ipt_legacy6_read(tx, err);
	return fw_ipt_legacy4_read(tx, err);
}

static int write_restore_text(struct fw_tx *tx, FILE *f, struct cni_err *err)
{
	fprintf(f, "*%s\n", tx->table);
	for (size_t i = tx->n_rules; i-- > 0;)
		if (tx->rules[i].doomed)
			fprintf(f, "-D %s %u\n", tx->rules[i].chain, tx->rules[i].position);
	for (size_t i = 0; i < tx->n_ops; i++) {
		const struct fw_op *op = &tx->ops[i];

		switch (op->kind) {
		case FW_OP_ENSURE_TABLE:
			break;
		case FW_OP_ENSURE_CHAIN:
			fprintf(f, "-N %s\n", op->chain.name);
			break;
		case FW_OP_FLUSH_CHAIN:
			fprintf(f, "-F %s\n", op->chain.name);
			break;
		case FW_OP_DELETE_CHAIN:
			fprintf(f, "-F %s\n-X %s\n", op->chain.name, op->chain.name);
			break;
		case FW_OP_ADD_RULE:
			if (fw_ipt_rule_text(f, &op->rule, op->prepend, err) < 0)
				return -1;
			break;
		}
	}
	fputs("COMMIT\n", f);
	return 0;
}

/* First line of the restore tool's stderr, for the error details. */
static void read_first_line(int fd, char *buf, size_t len)
{
	ssize_t n = pread(fd, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* One `iptables-{nft,legacy}-restore --noflush` run with the whole table's batch on stdin. */
static int restore(struct fw_tx *tx, struct cni_err *err)
{
	const char *name =
		tx->family == AF_INET6
			? (tx->ipt_legacy ? "ip6tables-legacy-restore" : "ip6tables-nft-restore")
			: (tx->ipt_legacy ? "iptables-legacy-restore" : "iptables-nft-restore");
	_cleanup_close_ int in = memfd_create("fw-restore-in", MFD_CLOEXEC);
	_cleanup_close_ int errfd = memfd_create("fw-restore-err", MFD_CLOEXEC);
	_cleanup_fclose_ FILE *f = NULL;
	posix_spawn_file_actions_t fa;
	char bin[PATH_MAX], why[256];
	char *argv[] = {(char *)name, "--noflush", "--wait", NULL};
	_cleanup_close_ int lockfd = -1;
	char **env;
	pid_t pid;
	int status, rc;

	if (cni_fault("exec") < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "run %s", name);
	if (in < 0 || errfd < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "memfd");
	if (!find_binary(name, bin, sizeof(bin)))
		return cni_errf(err, CNI_ERR_IO, ENOENT, "%s", name);
	f = fdopen(dup(in), "w");
	if (!f)
		return cni_errf(err, CNI_ERR_IO, errno, "memfd");
	if (write_restore_text(tx, f, err) < 0)
		return -1;
	if (fflush(f) != 0)
		return cni_errf(err, CNI_ERR_IO, errno, "write %s input", name);
	/* The dup shares the offset: rewind so the tool reads from the start. */
	if (lseek(in, 0, SEEK_SET) < 0)
		return cni_errf(err, CNI_ERR_IO, errno, "rewind %s input", name);
	/* We hold the xtables lock the restore tool would wait for: it gets a private one. */
	env = fw_xt_child_env(&lockfd);
	if (!env)
		return cni_errf(err, CNI_ERR_IO, errno, "environment for %s", name);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, errfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	rc = posix_spawn(&pid, bin, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	fw_xt_child_env_free(env);
	if (rc != 0)
		return cni_errf(err, CNI_ERR_IO, rc, "run %s", bin);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return cni_errf(err, CNI_ERR_IO, errno, "wait for %s", name);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	read_first_line(errfd, why, sizeof(why));
	cni_errf(err, CNI_ERR_IO, 0, "%s failed (status %d)", name,
		 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	cni_err_details(err, "%s", why);
	return -1;
}

int fw_ipt_commit(struct fw_tx *tx, struct cni_err *err)
{
	bool adds = false, entries = true;

	for (size_t i = 0; i < tx->n_ops; i++) {
		if (tx->ops[i].kind != FW_OP_ADD_RULE)
			continue;
		adds = true;
		entries = entries && fw_ipt_entry_supported(&tx->ops[i].rule, tx->family);
	}
	/*
	 * Legacy: libiptc, one iptc_commit, no exec. Only user conditions beyond the few
	 * ipt_entry.c understands (any iptables option may appear there) need
	 * iptables-legacy-restore, still one run for the whole table.
	 */
	if (tx->ipt_legacy && entries) {
		if (tx->family == AF_INET6)
			return fw_ipt_legacy6_commit(tx, err);
		return fw_ipt_legacy4_commit(tx, err);
	}
	/* iptables-nft keeps plain nf_tables chains and rules: removing them needs no exec. */
	if (!tx->ipt_legacy && !adds)
		return fw_nft_commit(&tx, 1, err);
	if (restore(tx, err) < 0)
		return cni_err_wrap(err, "iptables table %s", tx->table);
	return 0;
}
