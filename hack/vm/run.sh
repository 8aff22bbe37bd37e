#!/bin/bash
# The VM lane: boot Debian's kernel under QEMU (TCG, no network device), chroot into the host's root
# shared read-only over 9p, and run the "[vm] " bats tests against $BUILD in one boot; print their TAP.
# Usage: BUILD=build/san hack/vm/run.sh [test/x.bats ...]
#   VM_FILTER   bats --filter regex (default '^\[vm\] ')   VM_TIMEOUT  seconds for the whole lane (1200)
#   VM_KERNEL   path of a vmlinuz (default: newest /boot/vmlinuz-* with its /lib/modules)
#   VM_TEST_TIMEOUT  seconds per bats test (400)          VM_SMP, VM_MEM  guest CPUs (1) and memory (2G)
#   VM_CMD      a shell command to run in the guest (in the repository) instead of the tests
set -u
cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
BUILD=${BUILD:-build}
VM_FILTER=${VM_FILTER:-'^\[vm\] '}
VM_TIMEOUT=${VM_TIMEOUT:-1200}
VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-400}

# Could not run: one TAP failure line (counted by hack/run-tests.sh), never a silent pass.
cannot() {
	echo "not ok ${1} VM lane could not boot: ${2}"
	exit 1
}

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
	# Only the suites that have [vm] tests: bats reads every file it is given, ~1 s each under TCG.
	if [ "$VM_FILTER" = '^\[vm\] ' ]; then
		mapfile -t suites < <(grep -l '^@test "\[vm\] ' test/*.bats)
	else
		suites=(test/*.bats)
	fi
	if [ ${#suites[@]} -eq 0 ]; then
		echo "# vm lane: no suite has a [vm] test"
		exit 0
	fi
fi
for s in "${suites[@]}"; do
	case "$s" in
	/*) cannot 1 "suite $s must be a path relative to the repository" ;;
	esac
	[ -f "$s" ] || cannot 1 "no suite $s"
done
case "$BUILD" in
/*) build_abs=$BUILD ;;
*) build_abs=$REPO/$BUILD ;;
esac
[ -d "$build_abs/bin" ] || cannot 1 "no $BUILD/bin: build first (make BUILD=$BUILD all)"
if [[ "$build_abs/" == /tmp/* && "$build_abs/" != "$REPO"/* ]]; then
	cannot 1 "BUILD=$BUILD is under /tmp outside the repository; the guest's /tmp is its own"
fi

command -v qemu-system-x86_64 >/dev/null 2>&1 || cannot 1 "qemu-system-x86_64 not found (make deps)"
qemu-system-x86_64 -device help 2>/dev/null | grep -q '"igb"' ||
	cannot 1 "this QEMU has no igb device: QEMU 8.0 or later (make deps)"
kernel=${VM_KERNEL:-}
if [ -z "$kernel" ]; then
	while read -r k; do
		if [ -f "/lib/modules/${k#/boot/vmlinuz-}/modules.dep" ]; then
			kernel=$k
			break
		fi
	done < <(printf '%s\n' /boot/vmlinuz-* | sort -rV)
fi
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
	cannot 1 "no kernel ${kernel:-/boot/vmlinuz-<ver>} with /lib/modules/<ver> (make deps installs linux-image-amd64)"
fi
kver=${kernel##*/vmlinuz-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cni-c-vm.XXXXXX") || cannot 1 "mktemp failed"
qpid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	if [ -n "$qpid" ]; then
		kill "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir "$tmp/out"
# sriov's [vm] tests need netdevsim, which Debian does not build: built once per kernel, cached.
if grep -q 'vm_require netdevsim' "${suites[@]}" 2>/dev/null &&
	! hack/vm/netdevsim.sh "$kver" >/dev/null 2>"$tmp/netdevsim.err"; then
	sed 's/^/# /' "$tmp/netdevsim.err"
fi

if ! hack/vm/initramfs.sh "$kver" "$tmp/initramfs.cpio" 2>"$tmp/initramfs.err"; then
	cannot 1 "$(tail -1 "$tmp/initramfs.err")"
fi

# Shell-quoted for both the initramfs' ash and the guest's bash.
q() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	echo "REPO=$(q "$REPO")"
	echo "BUILD=$(q "$BUILD")"
	echo "VM_FILTER=$(q "$VM_FILTER")"
	echo "VM_CMD=$(q "${VM_CMD:-}")"
	echo "GUEST_TIMEOUT=$(q $((VM_TIMEOUT > 60 ? VM_TIMEOUT - 30 : VM_TIMEOUT)))"
	echo "BATS_TEST_TIMEOUT=$(q "$VM_TEST_TIMEOUT")"
	echo "ASAN_OPTIONS=$(q "${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}")"
	echo "UBSAN_OPTIONS=$(q "${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}")"
	echo "PLAIN_BIN=$(q "${PLAIN_BIN:-}")"
} >"$tmp/out/job.env"
printf '%s\n' "${suites[@]}" >"$tmp/out/suites"

share() { echo "local,path=$1,mount_tag=$2,security_model=none,multidevs=remap${3:+,$3}"; }
# Real SR-IOV: QEMU's igb NIC (QEMU 8.0 or later) behind a PCIe root port of a q35 machine. It has
# no netdev: its PF and VFs reach each other and nothing else. The emulated IOMMU lets a VF be
# bound to vfio-pci (Debian's kernel has no VFIO no-IOMMU); under TCG intremap needs no irqchip.
# shellcheck disable=SC2054 # QEMU's options are comma-separated
hw=(-M q35 -device pcie-root-port,id=rp0,chassis=1 -device igb,bus=rp0,romfile=)
append="console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init mitigations=off"
if [ "${VM_IOMMU:-1}" = 1 ]; then
	# shellcheck disable=SC2054
	hw+=(-device intel-iommu,intremap=on)
	append+=" intel_iommu=on"
fi
start=$(date +%s.%N)
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 -accel tcg -nodefaults -nic none "${hw[@]}" \
	-m "${VM_MEM:-2G}" -smp "${VM_SMP:-1}" ${VM_CPU:+-cpu "$VM_CPU"} -display none -monitor none -no-reboot \
	-serial "file:$tmp/console.log" \
	-kernel "$kernel" -initrd "$tmp/initramfs.cpio" \
	-append "$append ${VM_APPEND:-}" \
	-virtfs "$(share / hostroot readonly=on)" \
	-virtfs "$(share "$REPO" repo readonly=on)" \
	-virtfs "$(share "$tmp/out" out)" \
	</dev/null >"$tmp/qemu.log" 2>&1 &
qpid=$!
wait "$qpid"
qrc=$?
qpid=
end=$(date +%s.%N)

out=$tmp/out
if [ -n "${VM_CMD:-}" ]; then
	cat "$out/tap" 2>/dev/null
elif [ -f "$out/tap" ]; then
	grep -av '^1\.\.' "$out/tap"
fi
n=$(grep -acE '^(not )?ok ' "$out/tap" 2>/dev/null)
n=$((${n:-0} + 1))
# Costs as a TAP comment: wall time on the host, and the guest's own clock at bats' start and end.
awk -v s="$start" -v e="$end" -v n=$((n - 1)) \
	-v b="$(cat "$out/uptime-start" 2>/dev/null)" -v t="$(cat "$out/uptime-end" 2>/dev/null)" \
	'BEGIN { printf "# vm lane: %d tests, %.1f s wall; guest: bats started at %s s, took %s s\n",
		 n, e - s, b == "" ? "?" : b, t == "" ? "?" : sprintf("%.1f", t - b) }'

why=
what="could not boot"
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	what="timed out"
	why="no result after ${VM_TIMEOUT}s (VM_TIMEOUT)"
elif [ -f "$out/boot-error" ]; then
	why=$(cat "$out/boot-error")
elif [ ! -f "$out/rc" ]; then
	why="guest ended without a result (qemu exit $qrc)"
elif [ -z "${VM_CMD:-}" ] && [ "$(cat "$out/rc")" -ne 0 ] && [ "$n" -eq 1 ]; then
	what="ran no test"
	why="bats exited $(cat "$out/rc")"
fi
if [ -n "$why" ]; then
	echo "not ok $n VM lane $what: $why"
	# Context for the failure, as TAP comments so nothing here is counted.
	for f in qemu.log console.log out/bats.stderr; do
		[ -s "$tmp/$f" ] && tail -n 20 "$tmp/$f" | tr -d '\r' | sed "s/\x1b[[0-9;?]*[a-zA-Z]//g; s|^|# $f: |"
	done
	exit 1
fi
rc=$(cat "$out/rc")
[ "$rc" -ne 0 ] && [ -s "$out/bats.stderr" ] && tail -n 20 "$out/bats.stderr" | sed 's/^/# bats: /'
exit "$rc"
