#!/bin/sh
# Install every Debian package the build, the tests, the demo and the benchmark need (idempotent).
set -eu

PACKAGES="make gcc pkg-config libc6-dev
libjansson-dev libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libip4tc-dev libip6tc-dev iptables nftables strace conntrack
clang libclang-rt-14-dev libbpf-dev libelf-dev zlib1g-dev bpftool iperf3
libcmocka-dev bats jq iproute2 iputils-ping procps util-linux kmod
clang-format valgrind time
containernetworking-plugins golang-go golang-github-appc-cni-dev
qemu-system-x86 linux-image-amd64 busybox-static linux-source-6.1
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

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages:$missing; run as root (or with sudo) to install them" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
if [ -z "$abi" ] && abi=$(kernel_abi) && [ -n "$abi" ]; then
	apt-get install -y -qq --no-install-recommends "linux-headers-$abi" >/dev/null
fi
