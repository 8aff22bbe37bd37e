#!/bin/sh
# Install every Debian package the build, the tests, the demo and the benchmark need (idempotent).
set -eu

PACKAGES="make gcc pkg-config libc6-dev
libjansson-dev libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libip4tc-dev libip6tc-dev iptables nftables strace conntrack
clang libclang-rt-14-dev libbpf-dev libelf-dev zlib1g-dev bpftool iperf3
libcmocka-dev bats jq iproute2 iputils-ping procps util-linux kmod
clang-format valgrind time
containernetworking-plugins golang-go golang-github-appc-cni-dev
linux-image-amd64 busybox-static linux-source-6.1
podman crun file python3
dpdk dpdk-dev"

# The VM lane builds netdevsim (hack/vm/netdevsim.sh) against the headers of exactly the kernel it
# boots: linux-headers-<abi>, the ABI that linux-image-amd64 pulls in, not whatever is newest.
kernel_abi() {
	dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
		sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p'
}
abi=$(kernel_abi)
[ -n "$abi" ] && PACKAGES="$PACKAGES linux-headers-$abi"

# The VM lane's SR-IOV tests boot QEMU's igb NIC, which is new in QEMU 8.0. Debian 12 ships 7.2;
# its backports suite has a newer QEMU.
qemu_ok() {
	dpkg-query -W -f='${Status}' qemu-system-x86 2>/dev/null | grep -q "install ok installed" &&
		dpkg --compare-versions "$(dpkg-query -W -f='${Version}' qemu-system-x86)" ge 1:8.0
}

# Enable bookworm-backports from the existing Debian entry, so no new archive address is written:
# add the suite to the deb822 Suites line that lists bookworm, or (one-line format) copy the first
# "deb ... bookworm ..." line with the suite replaced. Does nothing when the suite is there already.
enable_backports() {
	grep -Eqs '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/* && return 0
	for f in /etc/apt/sources.list.d/*.sources; do
		if [ -f "$f" ] && grep -Eq '^Suites:(.*[[:space:]])?bookworm([[:space:]]|$)' "$f"; then
			sed -i -E 's/^(Suites:(.*[[:space:]])?bookworm)([[:space:]]|$)/\1 bookworm-backports\3/' "$f"
			return 0
		fi
	done
	re='^deb[[:space:]].*[[:space:]]bookworm[[:space:]]'
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		if [ -f "$f" ] && grep -Eq "$re" "$f"; then
			sed -i -E "0,/$re/{/$re/{p;s/([[:space:]])bookworm([[:space:]])/\\1bookworm-backports\\2/}}" "$f"
			return 0
		fi
	done
	echo "install-deps: no Debian bookworm entry in the APT sources to add backports to" >&2
	return 1
}

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
qemu_old=""
qemu_ok || qemu_old=1
[ -z "$missing" ] && [ -z "$qemu_old" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing${qemu_old:+ qemu-system-x86 (>= 8.0)}; run as root (or with sudo) to install them" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
qemu_suite=""
# shellcheck disable=SC1091
if [ -n "$qemu_old" ] && [ "$(. /etc/os-release && echo "${VERSION_CODENAME:-}")" = bookworm ]; then
	enable_backports
	qemu_suite=bookworm-backports
fi
apt-get update -qq
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ -n "$qemu_old" ]; then
	echo "install-deps: installing qemu-system-x86${qemu_suite:+ from $qemu_suite}"
	apt-get install -y -qq --no-install-recommends ${qemu_suite:+-t "$qemu_suite"} qemu-system-x86 >/dev/null
	qemu_ok || { echo "install-deps: qemu-system-x86 is still older than 8.0" >&2; exit 1; }
fi
if [ -z "$abi" ] && abi=$(kernel_abi) && [ -n "$abi" ]; then
	apt-get install -y -qq --no-install-recommends "linux-headers-$abi" >/dev/null
fi
