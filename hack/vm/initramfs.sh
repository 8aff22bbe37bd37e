#!/bin/bash
# Build the VM lane's initramfs: static busybox, the 9p/virtio modules of KVER, our init and modprobe shim.
# Usage: hack/vm/initramfs.sh KVER OUTPUT.cpio   (uncompressed newc cpio; the kernel takes it as is)
set -euo pipefail

kver=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver
busybox=${VM_BUSYBOX:-/bin/busybox}

die() {
	echo "initramfs: $*" >&2
	exit 1
}

[ -f "$moddir/modules.dep" ] || die "no $moddir/modules.dep (is linux-image for $kver installed?)"
[ -x "$busybox" ] || die "no $busybox (install busybox-static)"
# The initramfs has no libc: a dynamically linked busybox would not start as PID 1.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked (install busybox-static)"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/cni-c-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,out,mnt/root,modules}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
install -m 0755 "$here/init" "$stage/init"
# The kernel autoloads modules by running /sbin/modprobe of this initramfs, not of the chroot.
install -m 0755 "$here/modprobe" "$stage/sbin/modprobe"

# Load order for the 9p root share: each target's dependencies (modules.dep lists them last-loaded
# first) and then the target, each module once. Built-in modules have no line and are skipped.
order=()
add_module() {
	local path=$1 name
	name=$(basename "$path")
	name=${name%%.ko*}
	for m in "${order[@]}"; do [ "$m" = "$name" ] && return 0; done
	case "$path" in
	*.ko) cp "$moddir/$path" "$stage/modules/$name.ko" ;;
	*.ko.xz) xz -dc "$moddir/$path" >"$stage/modules/$name.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" >"$stage/modules/$name.ko" ;;
	*.ko.gz) gzip -dc "$moddir/$path" >"$stage/modules/$name.ko" ;;
	*) die "unknown module format: $path" ;;
	esac
	order+=("$name")
}
for target in virtio_pci 9pnet_virtio 9p; do
	line=$(grep -E "/$target\.ko(\.[a-z]+)?:" "$moddir/modules.dep" || true)
	if [ -z "$line" ]; then
		grep -qE "/$target\.ko$" "$moddir/modules.builtin" 2>/dev/null && continue
		die "module $target not found for $kver"
	fi
	read -r -a deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add_module "${deps[i]}"; done
	add_module "${line%%:*}"
done
printf '%s\n' "${order[@]}" >"$stage/modules/order"

(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | "$busybox" cpio -o -H newc 2>/dev/null) >"$out"
