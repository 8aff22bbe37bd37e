#!/bin/bash
# Fast-path benchmark, standalone (not a plugin scenario for hack/bench.sh): packets per second of
# 64-byte frames switched between two vhost-user ports by fastpathd, and by dpdk-testpmd's io
# forwarding between the same two ports on the same cores (the ceiling), alternating in one run,
# counted on the switch side, printed with their ratio.
#
# The traffic is a closed loop, so no generator or sink can starve the switch: one pod process
# (testpmd, two virtio-user ports, mac forwarding) injects bursts with "start tx_first" and then
# returns every frame it receives on one port out of the other, addressed to the other port's MAC.
# Every frame therefore crosses the switch once per hop, in both directions, and the switch's
# transmitted count on the two ports (fastpathd's port counters, testpmd's forward statistics) is
# the rate. Default core layout (override with SW_MAIN, SW_FWD, POD_CPU):
#   CPU 1: the switch's forwarding lcore (fastpathd's worker, busy-polling; testpmd's fwd lcore)
#   CPU 0: the switch's main lcore (control socket / command line, sleeping), and the pod
#          process (its main lcore and its forwarding lcore)
# Usage: hack/bench/fastpath.sh [-r ROUNDS] [-t SECONDS]   (root; needs dpdk, dpdk-testpmd)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3
SECS=5
WARM=2
BURSTS=32 # tx_first bursts of 32 frames: the frames in flight in the loop
while getopts r:t: o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	*) exit 2 ;;
	esac
done
SW_MAIN=${SW_MAIN:-0}
SW_FWD=${SW_FWD:-1}
POD_CPU=${POD_CPU:-0}
NICE=${BENCH_NICE:-10}
FPD=${BENCH_FASTPATHD:-$PWD/build/bin/fastpathd}
FPCTL=${BENCH_FASTPATHCTL:-$(dirname "$FPD")/fastpathctl}
[ -x "$FPD" ] && [ -x "$FPCTL" ] || { echo "bench: build fastpathd first (make)" >&2; exit 1; }
command -v dpdk-testpmd >/dev/null || { echo "bench: dpdk-testpmd missing" >&2; exit 1; }

TMP=$(mktemp -d /tmp/cni-c-fpbench.XXXXXX)
PFX="fpbench$$"
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	[ -n "${BENCH_KEEP:-}" ] || rm -rf "$TMP"
	rm -rf /var/run/dpdk/"$PFX"-*
}
trap cleanup EXIT INT TERM
MAC0=02:00:00:00:fb:00
MAC1=02:00:00:00:fb:01
EAL=(--no-pci --no-huge -m 512 --no-telemetry --log-level '*:error')
TESTPMD=(nice -n "$NICE" stdbuf -oL dpdk-testpmd)

now() { date +%s.%N; }

# bounded wait for a condition
wait_for() {
	local i
	for i in $(seq 100); do
		"$@" && return 0
		sleep 0.05
	done
	echo "bench: timed out waiting for: $*" >&2
	return 1
}

# start_testpmd NAME FIFO_FD_VAR ARGS...: an interactive testpmd reading commands from a fifo.
start_testpmd() {
	local name=$1 var=$2 fd
	shift 2
	rm -f "$TMP/$name.in"
	mkfifo "$TMP/$name.in"
	"${TESTPMD[@]}" "$@" <"$TMP/$name.in" >"$TMP/$name.log" 2>&1 &
	PIDS+=("$!")
	eval "${name}_PID=$!"
	exec {fd}>"$TMP/$name.in"
	eval "$var=$fd"
}

stop_testpmd() {
	local name=$1 fd=$2 pid
	eval "pid=\$${name}_PID"
	echo quit >&"$fd" || true
	exec {fd}>&-
	wait "$pid" || true
}

# The pod: two virtio-user ports on the switch's sockets, mac forwarding between them.
pod_start() {
	start_testpmd pod POD_FD --lcores="0@$POD_CPU,1@$POD_CPU" "${EAL[@]}" --file-prefix "$PFX-pod" \
		--vdev "net_virtio_user0,path=$TMP/s0.sock,queues=1,queue_size=1024,mac=$MAC0" \
		--vdev "net_virtio_user1,path=$TMP/s1.sock,queues=1,queue_size=1024,mac=$MAC1" \
		-- -i --forward-mode=mac --eth-peer=0,$MAC1 --eth-peer=1,$MAC0 --nb-cores=1 \
		--rxd=1024 --txd=1024 --txpkts=64 --total-num-mbufs=16384
}

# Fill the loop; frames sent before the links are up are lost, so refill until the switch moves.
pod_inject() {
	local i a b
	for i in $(seq 20); do
		echo "start tx_first $BURSTS" >&"$POD_FD"
		a=$($COUNTER)
		sleep 0.2
		b=$($COUNTER)
		[ "$b" -gt "$a" ] && return 0
		echo stop >&"$POD_FD"
	done
	echo "bench: no frames crossed the switch" >&2
	return 1
}

# Frames the switch transmitted on its two ports, in total.
fpd_counter() {
	"$FPCTL" -s "$TMP/ctl.sock" -j stats | jq '[.ports[].counters.txPackets] | add'
}
fpd_drops() {
	"$FPCTL" -s "$TMP/ctl.sock" -j stats | jq '[.ports[].counters.txDropped] | add'
}

# testpmd's forward statistics: the TX-packets of the "all ports" block, asked for and awaited.
tp_blocks() { grep -c 'Accumulated forward statistics' "$TMP/sw.log" || true; }
tp_counter() {
	local n
	n=$(tp_blocks)
	echo "show fwd stats all" >&"$SW_FD"
	wait_for tp_block_done $((n + 1))
	awk '/Accumulated forward statistics/ { a = 1; next } a && /TX-packets:/ { v = $2; a = 0 }
		END { print v }' "$TMP/sw.log"
}
tp_block_done() {
	[ "$(tp_blocks)" -ge "$1" ] &&
		[ "$(awk '/Accumulated forward statistics/ { a = 1; t = 0 } a && /TX-packets:/ { t = 1 }
			END { print t }' "$TMP/sw.log")" = 1 ]
}

# measure -> "PPS DROPS": a window of SECS after WARM, switch-side counts.
measure() {
	local c1 c2 t1 t2
	pod_inject
	sleep "$WARM"
	t1=$(now)
	c1=$($COUNTER)
	sleep "$SECS"
	c2=$($COUNTER)
	t2=$(now)
	awk -v a="$c1" -v b="$c2" -v s="$t1" -v e="$t2" 'BEGIN { printf "%d\n", (b - a) / (e - s) }'
}

ceiling() {
	rm -f "$TMP"/s?.sock
	start_testpmd sw SW_FD -l "$SW_MAIN,$SW_FWD" "${EAL[@]}" --file-prefix "$PFX-sw" \
		--vdev "net_vhost0,iface=$TMP/s0.sock,queues=1" \
		--vdev "net_vhost1,iface=$TMP/s1.sock,queues=1" \
		-- -i --forward-mode=io --nb-cores=1 --rxd=1024 --txd=1024 --total-num-mbufs=16384
	wait_for test -S "$TMP/s1.sock"
	echo start >&"$SW_FD"
	pod_start
	COUNTER=tp_counter
	measure
	stop_testpmd pod "$POD_FD"
	stop_testpmd sw "$SW_FD"
}

switch() {
	local pid
	rm -f "$TMP"/s?.sock "$TMP/state.json"
	cat >"$TMP/fp.json" <<JSON
{"eal": ["-l", "$SW_MAIN,$SW_FWD", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", "$PFX-fp",
         "--no-telemetry", "--log-level", "*:error"],
 "controlSocket": "$TMP/ctl.sock", "stateFile": "$TMP/state.json", "mbufs": 16383,
 "idleSleepMaxUs": 0}
JSON
	nice -n "$NICE" "$FPD" -c "$TMP/fp.json" 2>"$TMP/fastpathd.log" &
	pid=$!
	PIDS+=("$pid")
	wait_for "$FPCTL" -s "$TMP/ctl.sock" status >/dev/null 2>&1
	"$FPCTL" -s "$TMP/ctl.sock" add-vhost p0 "$TMP/s0.sock" --server --mac $MAC0 >/dev/null
	"$FPCTL" -s "$TMP/ctl.sock" add-vhost p1 "$TMP/s1.sock" --server --mac $MAC1 >/dev/null
	pod_start
	COUNTER=fpd_counter
	measure
	fpd_drops >"$TMP/switch-drops.txt"
	stop_testpmd pod "$POD_FD"
	kill "$pid"
	wait "$pid" || true
}

median() {
	sort -n | awk '{v[NR] = $1} END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

: >"$TMP/ceiling.txt"
: >"$TMP/switch.txt"
: >"$TMP/ratio.txt"
for r in $(seq 1 "$ROUNDS"); do
	# Not in $(...): the processes started must stay in this shell's PIDS for the trap.
	ceiling >"$TMP/c.out"
	switch >"$TMP/s.out"
	c=$(cat "$TMP/c.out")
	s=$(cat "$TMP/s.out")
	echo "$c" >>"$TMP/ceiling.txt"
	echo "$s" >>"$TMP/switch.txt"
	awk -v c="$c" -v s="$s" 'BEGIN { printf "%.4f\n", (c > 0 ? s / c : 0) }' >>"$TMP/ratio.txt"
	awk -v r="$r" -v c="$c" -v s="$s" 'BEGIN { printf "round %d: testpmd io %d pps, fastpathd %d pps (%.2fx)\n", r, c, s, (c > 0 ? s / c : 0) }'
done
c=$(median <"$TMP/ceiling.txt")
s=$(median <"$TMP/switch.txt")
printf '\nfastpath: 64-byte frames looped between 2 vhost-user ports, both directions, %d rounds of %d s (kernel %s, nice %d)\n' \
	"$ROUNDS" "$SECS" "$(uname -r)" "$NICE"
printf 'cores: switch forwarding lcore on CPU %s; switch main lcore on CPU %s; pod (testpmd mac fwd, main + fwd lcore) on CPU %s\n' \
	"$SW_FWD" "$SW_MAIN" "$POD_CPU"
printf 'counted on the switch: frames transmitted on both ports (fastpathd port counters, testpmd fwd stats)\n'
printf '%-30s %12s pps\n' "testpmd io (ceiling) median" "$c" "fastpathd median" "$s"
awk -v a="$s" -v b="$c" 'BEGIN { printf "fastpathd / testpmd io:        %.2fx (ratio of the medians)\n", (b > 0 ? a / b : 0) }'
# Paired rounds share the machine's load of the moment: their ratios vary less than the rates.
sort -n "$TMP/ratio.txt" | awk '{v[NR] = $1} END { printf "median of per-round ratios:    %.2fx\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
