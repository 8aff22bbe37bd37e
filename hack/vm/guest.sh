#!/bin/bash
# Runs inside the VM's chroot: the "[vm] " bats tests against the host's build, TAP and exit status
# written to the out share (/run/cni-c-vm) for hack/vm/run.sh to print.
set -u
OUT=/run/cni-c-vm
# shellcheck source=/dev/null
. "$OUT/job.env"
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-start"
cd "$REPO" || exit 1
mapfile -t suites <"$OUT/suites"
export CNI_C_IN_VM=1 BUILD ASAN_OPTIONS UBSAN_OPTIONS BATS_TEST_TIMEOUT
[ -n "$PLAIN_BIN" ] && export PLAIN_BIN
if [ -n "${VM_CMD:-}" ]; then
	# By hand: any command instead of the [vm] tests (hack/vm/README.md).
	timeout -k 5 "$GUEST_TIMEOUT" bash -c "$VM_CMD" >"$OUT/tap" 2>&1
else
	timeout -k 5 "$GUEST_TIMEOUT" bats --tap --timing --filter "$VM_FILTER" "${suites[@]}" \
		>"$OUT/tap" 2>"$OUT/bats.stderr"
fi
rc=$?
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-end"
echo "$rc" >"$OUT/rc"
exit "$rc"
