#!/bin/bash
# Benchmark: each scenario's ADD and DEL, our binaries against Debian's Go reference plugins
# (/usr/lib/cni), interleaved in one run inside throwaway namespaces. Prints median and p90 of wall
# time, CPU (user+sys) and max RSS of the plugin process tree, and the ratio Go/ours.
# Usage: hack/bench.sh [-n ITERATIONS] [SCENARIO...]   (root; `make bench` builds first)
# A scenario is hack/bench/<name>.sh; it defines bench_plugin, bench_conf IMPL (prints the config
# for "ours" or "ref") and optionally bench_setup NODE_NETNS (runs once, e.g. makes a master link)
# and bench_pod_setup NODE_NETNS POD_NETNS IMPL (runs after each pod's netns is made, e.g. for a
# chained plugin: the links its prevResult names). A scenario that runs something other than one
# plugin binary (a conflist through cnitool) defines bench_cmd IMPL VERB ID DIR: it prints the
# command to time, one word a line (absolute path first); its stdin is still bench_conf's output.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_ITERATIONS:-40}
if [ "${1:-}" = "-n" ]; then N=$2; shift 2; fi
SCENARIOS=("$@")
if [ ${#SCENARIOS[@]} -eq 0 ]; then
	for f in hack/bench/*.sh; do
		# Only plugin scenarios; standalone benchmarks (hack/bench/fastpath.sh) run by themselves.
		grep -q '^bench_plugin()' "$f" || continue
		SCENARIOS+=("$(basename "$f" .sh)")
	done
fi
OURS=${BENCH_OURS:-$PWD/build/bin}
REF=${BENCH_REF:-/usr/lib/cni}

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

# run IMPL VERB ID -> appends "wall cpu rss exit ..." to $TMP/IMPL-VERB
run() {
	local impl=$1 verb=$2 id=$3 dir cmd
	[ "$impl" = ours ] && dir=$OURS || dir=$REF
	if declare -F bench_cmd >/dev/null; then
		mapfile -t cmd < <(bench_cmd "$impl" "$verb" "$id" "$dir")
	else
		cmd=("$dir/$(bench_plugin)")
	fi
	ip netns exec "$NODE" env CNI_COMMAND="$verb" CNI_CONTAINERID="$id" \
		CNI_NETNS="/run/netns/$PFX-$id" CNI_IFNAME=eth0 CNI_PATH="$dir" \
		"$TMP/runone" "$TMP/$impl.json" "${cmd[@]}" >>"$TMP/$impl-$verb"
	tail -n1 "$TMP/$impl-$verb" | awk -v i="$impl $verb $id" \
		'$4 != 0 { print "bench: " i " failed" > "/dev/stderr"; exit 1 }'
}

# pod_add IMPL NETNS: a pod's netns, plus the scenario's per-pod setup.
pod_add() {
	ip netns add "$2"
	if declare -F bench_pod_setup >/dev/null; then bench_pod_setup "$NODE" "$2" "$1"; fi
}

# stats FILE COLUMN -> "median p90"
stats() {
	awk -v c="$2" '{print $c}' "$1" | sort -n | awk '{v[NR]=$1} END {
		m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2
		p = v[int(NR * 0.9 + 0.999)]
		printf "%d %d", m, p }'
}

bench_scenario() {
	local name=$1 impl verb i
	# shellcheck source=/dev/null
	source "hack/bench/$name.sh"
	for impl in ours ref; do
		[ -x "$( [ $impl = ours ] && echo "$OURS" || echo "$REF")/$(bench_plugin)" ] ||
			{ echo "bench: $impl $(bench_plugin) missing" >&2; return 1; }
		bench_conf "$impl" >"$TMP/$impl.json"
		rm -f "$TMP/$impl-ADD" "$TMP/$impl-DEL"
	done
	if declare -F bench_setup >/dev/null; then bench_setup "$NODE"; fi
	# Warm up both (node-level objects, page cache), then discard.
	for impl in ours ref; do
		pod_add "$impl" "$PFX-w$impl"
		run "$impl" ADD "w$impl"
		run "$impl" DEL "w$impl"
		ip netns del "$PFX-w$impl"
		rm -f "$TMP/$impl-ADD" "$TMP/$impl-DEL"
	done
	for i in $(seq 1 "$N"); do
		for impl in ours ref; do
			pod_add "$impl" "$PFX-$impl$i"
			run "$impl" ADD "$impl$i"
		done
		for impl in ref ours; do
			run "$impl" DEL "$impl$i"
			ip netns del "$PFX-$impl$i"
		done
	done
	printf '\n%s: %d iterations each, interleaved (kernel %s)\n' "$name" "$N" "$(uname -r)"
	printf '%-4s %-10s %12s %12s %12s %12s %9s\n' verb metric "ours median" "ours p90" \
		"Go median" "Go p90" "Go/ours"
	for verb in ADD DEL; do
		for col in 1:wall_us 2:cpu_us 3:rss_kB; do
			read -r om op <<<"$(stats "$TMP/ours-$verb" "${col%%:*}")"
			read -r rm rp <<<"$(stats "$TMP/ref-$verb" "${col%%:*}")"
			ratio=$(awk -v a="$rm" -v b="$om" 'BEGIN { printf (b > 0 ? "%.1fx" : "-"), a / b }')
			printf '%-4s %-10s %12d %12d %12d %12d %9s\n' "$verb" "${col#*:}" "$om" "$op" \
				"$rm" "$rp" "$ratio"
		done
	done
	unset -f bench_setup bench_pod_setup bench_conf bench_plugin bench_cmd
}

for s in "${SCENARIOS[@]}"; do
	bench_scenario "$s"
done
