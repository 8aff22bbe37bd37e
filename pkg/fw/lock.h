/* The locks a firewall transaction holds from its read to its end. */
#ifndef FW_LOCK_H
#define FW_LOCK_H

#include "cni/err.h"

/*
 * A transaction reads the table, queues changes against what it read (rule handles, positions,
 * "is this jump there yet") and commits. Two of them interleaving in one netns lose updates:
 * libiptc's commit fails with EAGAIN, positions name other rules, and a netlink dump of a table
 * that keeps changing is interrupted again and again (NLM_F_DUMP_INTR) when tens of plugins run
 * at once. So every transaction holds FW_LOCK_NETNS, and the iptables backend also the lock
 * iptables itself takes, so iptables-legacy and its users interleave with us no more than with
 * each other.
 */
enum fw_lock_kind {
	/* flock on this thread's /proc/thread-self/ns/net: one lock per network namespace, no
	 * file to create, and plugins on other nodes' netns (tests, other pods) never wait. */
	FW_LOCK_NETNS,
	/* iptables' flock on $XTABLES_LOCKFILE, default /run/xtables.lock (`iptables --wait`). */
	FW_LOCK_XTABLES,
};

/*
 * Wait for the lock. Nested holders in one process share it (so they must stay in one netns).
 * A lock file that cannot be opened is skipped: the rules still work, only unserialized.
 */
int fw_lock(enum fw_lock_kind kind, struct cni_err *err);
void fw_unlock(enum fw_lock_kind kind);

/*
 * The environment for an iptables-restore run while this process holds FW_LOCK_XTABLES: environ
 * with XTABLES_LOCKFILE naming a private, unlocked file (the memfd *fd, close it after the
 * spawn), so the child does not wait for its parent. NULL on failure, with errno.
 */
char **fw_xt_child_env(int *fd);
void fw_xt_child_env_free(char **env);

#endif
