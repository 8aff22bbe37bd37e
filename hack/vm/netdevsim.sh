#!/bin/bash
# Build netdevsim (Debian does not ship it) out of tree for kernel KVER, once: the module is cached
# as build/netdevsim/KVER/netdevsim.ko, which the VM lane's `vm_require netdevsim` insmods.
# Needs linux-source-6.1 and linux-headers-KVER (hack/install-deps.sh). Prints the module's path.
# Usage: hack/vm/netdevsim.sh [KVER]   (default: the newest /boot/vmlinuz-*)
set -eu
cd "$(dirname "$0")/../.."
kver=${1:-$(printf '%s\n' /boot/vmlinuz-* | sort -rV | head -1)}
kver=${kver##*/vmlinuz-}
out=build/netdevsim/$kver
if [ -f "$out/netdevsim.ko" ]; then
	echo "$out/netdevsim.ko"
	exit 0
fi
kbuild=/lib/modules/$kver/build
src=$(printf '%s\n' /usr/src/linux-source-*.tar.* 2>/dev/null | sort -rV | head -1)
[ -d "$kbuild" ] || { echo "netdevsim: no $kbuild (install linux-headers-$kver)" >&2; exit 1; }
[ -f "$src" ] || { echo "netdevsim: no /usr/src/linux-source-*.tar.* (install linux-source)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/netdevsim.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Only the driver's directory is needed: the headers package has every include it uses.
top=${src##*/}
top=${top%.tar.*}
tar -xf "$src" -C "$work" "$top/drivers/net/netdevsim"
dir=$work/$top/drivers/net/netdevsim
make -s -C "$kbuild" M="$dir" CONFIG_NETDEVSIM=m modules >"$work/build.log" 2>&1 || {
	tail -20 "$work/build.log" >&2
	echo "netdevsim: build against $kbuild failed" >&2
	exit 1
}
# The headers' vermagic must be the kernel's, or insmod refuses it: check before caching.
want=$(modinfo -F vermagic "/lib/modules/$kver/kernel/net/psample/psample.ko"* 2>/dev/null | head -1)
got=$(modinfo -F vermagic "$dir/netdevsim.ko")
if [ -n "$want" ] && [ "$want" != "$got" ]; then
	echo "netdevsim: vermagic \"$got\" differs from the kernel's \"$want\"" >&2
	exit 1
fi
mkdir -p "$out"
cp "$dir/netdevsim.ko" "$out/netdevsim.ko.tmp"
mv "$out/netdevsim.ko.tmp" "$out/netdevsim.ko"
echo "$out/netdevsim.ko"
