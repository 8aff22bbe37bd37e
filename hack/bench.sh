#!/bin/bash
# Benchmark: bridge + host-local ADD and DEL, our binaries against Debian's Go reference plugins
# (/usr/lib/cni), interleaved in one run inside throwaway namespaces. Prints median and p90 of wall
# time, CPU (user+sys) and max RSS of the plugin process tree, and the ratio Go/ours.
# Usage: hack/bench.sh [ITERATIONS]   (root; `make bench` builds first)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-${BENCH_ITERATIONS:-40}}
OURS=${BENCH_OURS:-$PWD/build/bin}
REF=${BENCH_REF:-/usr/lib/cni}
[ -x "$REF/bridge" ] || { echo "bench: $REF/bridge missing (apt-get install containernetworking-plugins)" >&2; exit 1; }
[ -x "$OURS/bridge" ] || { echo "bench: $OURS/bridge missing (run make)" >&2; exit 1; }

PFX="cnibench$$"
TMP=$(mktemp -d /tmp/cni-c-bench.XXXXXX)
NODE="$PFX-node"
cleanup() {
	for ns in $(ip netns list | awk '{print $1}' | grep "^$PFX-" || true); do ip netns del "$ns"; done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
ip netns add "$NODE"
ip -n "$NODE" link set lo up
cc -O2 -o "$TMP/runone" hack/bench/runone.c

# One config per implementation: own bridge, own subnet, own dataDir. cniVersion 1.0.0 is the newest
# the Debian reference (v1.1.1) speaks.
conf() { # NAME BRIDGE SUBNET
	jq -n --arg n "$1" --arg b "$2" --arg s "$3" --arg d "$TMP/data-$1" '{
		cniVersion: "1.0.0", name: $n, type: "bridge", bridge: $b, isGateway: true,
		ipam: {type: "host-local", subnet: $s, dataDir: $d}}'
}
conf ours cbench0 10.231.0.0/16 >"$TMP/ours.json"
conf ref gbench0 10.232.0.0/16 >"$TMP/ref.json"

# run IMPL VERB ID -> appends "wall cpu rss exit" to $TMP/IMPL-VERB
run() {
	local impl=$1 verb=$2 id=$3 dir
	[ "$impl" = ours ] && dir=$OURS || dir=$REF
	ip netns exec "$NODE" env CNI_COMMAND="$verb" CNI_CONTAINERID="$id" \
		CNI_NETNS="/run/netns/$PFX-$id" CNI_IFNAME=eth0 CNI_PATH="$dir" \
		"$TMP/runone" "$TMP/$impl.json" "$dir/bridge" >>"$TMP/$impl-$verb"
	tail -n1 "$TMP/$impl-$verb" | awk -v i="$impl $verb" '$4 != 0 { print "bench: " i " failed" > "/dev/stderr"; exit 1 }'
}

# Warm up both (bridge creation, page cache), then discard.
for impl in ours ref; do
	ip netns add "$PFX-w$impl"
	run "$impl" ADD "w$impl"
	run "$impl" DEL "w$impl"
	rm -f "$TMP/$impl-ADD" "$TMP/$impl-DEL"
done

for i in $(seq 1 "$N"); do
	for impl in ours ref; do
		ip netns add "$PFX-$impl$i"
		run "$impl" ADD "$impl$i"
	done
	for impl in ref ours; do
		run "$impl" DEL "$impl$i"
		ip netns del "$PFX-$impl$i"
	done
done

# stats FILE COLUMN -> "median p90"
stats() {
	awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {
		m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		p = v[int(NR * 0.9 + 0.999)]
		printf "%d %d", m, p }'
}

printf 'bridge + host-local, %d iterations each, interleaved (kernel %s)\n' "$N" "$(uname -r)"
printf '%-4s %-13s %12s %12s %12s %12s %9s\n' verb metric "ours median" "ours p90" "Go median" "Go p90" "Go/ours"
for verb in ADD DEL; do
	for col in 1:wall_us 2:cpu_us 3:maxrss_kB; do
		read -r om op <<<"$(stats "$TMP/ours-$verb" "${col%%:*}")"
		read -r rm rp <<<"$(stats "$TMP/ref-$verb" "${col%%:*}")"
		ratio=$(awk -v a="$rm" -v b="$om" 'BEGIN { printf (b > 0 ? "%.1fx" : "-"), a / b }')
		printf '%-4s %-13s %12d %12d %12d %12d %9s\n' "$verb" "${col#*:}" "$om" "$op" "$rm" "$rp" "$ratio"
	done
done
