#!/usr/bin/env bats
# The plain (unsanitized) binaries under valgrind memcheck: no invalid access, no leak, each verb.

load helpers/common

PLAIN=${PLAIN_BIN:-$REPO/build/bin}

setup() {
	cni_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed (make deps installs it)"
	[ -x "$PLAIN/loopback" ] || fail "no plain build in $PLAIN (make test builds it)"
}
teardown() { cni_teardown; }

# vg_exec PLUGIN COMMAND CONFIG: cni_exec under valgrind; a memcheck error or leak exits 99.
vg_exec() {
	local plugin=$1 cmd=$2 conf=$3
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "%s/%s" "$@"\n' "$PLAIN" "$plugin" >"$TMP/$plugin"
	chmod +x "$TMP/$plugin"
	PLUGIN_DIR=$TMP cni_exec "$plugin" "$cmd" "$conf"
}

@test "loopback ADD, CHECK, DEL and an error path are clean under valgrind" {
	conf='{"cniVersion":"1.1.0","name":"vg","type":"loopback"}'
	for verb in ADD CHECK DEL VERSION; do
		run vg_exec loopback $verb "$conf"
		[ "$status" -eq 0 ] || fail "$verb: status $status: $(cat "$TMP/stderr")"
	done
	run vg_exec loopback ADD '{"cniVersion":"1.1.0","name":"vg","type":"loopback","prevResult":{"ips":[{"address":"x"}]}}'
	[ "$status" -eq 1 ] || fail "status $status: $(cat "$TMP/stderr")"
}
