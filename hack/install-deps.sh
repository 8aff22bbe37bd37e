#!/bin/sh
# Install every Debian package the build, the tests, the demo and the benchmark need (idempotent).
set -eu

PACKAGES="make gcc pkg-config libc6-dev
libjansson-dev libnl-3-dev libnl-route-3-dev libmnl-dev libnftnl-dev libip4tc-dev libip6tc-dev iptables nftables strace
clang libbpf-dev libelf-dev zlib1g-dev bpftool iperf3
libcmocka-dev bats jq iproute2 iputils-ping procps util-linux kmod
clang-format valgrind time
containernetworking-plugins golang-go golang-github-appc-cni-dev
qemu-system-x86 linux-image-amd64 busybox-static
podman crun file python3
dpdk dpdk-dev"

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
