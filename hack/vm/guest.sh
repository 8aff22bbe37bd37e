#!/bin/bash
# Runs inside the VM's chroot: the "[vm] " bats tests against the host's build, TAP and exit status
# written to the out share (/run/cni-c-vm) for hack/vm/run.sh to print.
set -u
OUT=/run/cni-c-vm
# shellcheck source=/dev/null
. "$OUT/job.env"
cut -d' ' -f1 /proc/uptime >"$OUT/uptime-start"
cd "$REPO" || exit 1

# Real SR-IOV: run.sh gives the VM QEMU's igb NIC. Nothing probes drivers here (no udev), so load
# igb and igbvf, bring the PF up (its link takes about 2 s, done before the tests need it) and give
# it two VFs; test/sriov.bats finds them with `vm_require igb_sriov`. About 1.5 s.
igb_setup() {
	local d pf
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor" "$d/device" 2>/dev/null)" = $'0x8086\n0x10c9' ] || continue
		modprobe -a igb igbvf || return 1
		for pf in "$d"/net/*; do
			ip link set "${pf##*/}" up || return 1
		done
		echo 2 >"$d/sriov_numvfs" || return 1
	done
}
igb_setup >"$OUT/igb.log" 2>&1 || echo "igb setup failed: $(tail -1 "$OUT/igb.log")" >>"$OUT/igb.log"
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
