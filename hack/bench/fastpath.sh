#!/bin/bash
# Fast-path benchmark, standalone (not a plugin scenario for hack/bench.sh): packets per second
# of 64-byte frames between two vhost-user ports, through fastpathd and through dpdk-testpmd's
# io forwarding (the ceiling), alternating in one run on the same cores, printed as a ratio.
#
# Core layout: the switch (fastpathd's worker, or testpmd's forwarding lcore) on CPU 1; its
# main lcore on CPU 0 sleeping in poll() or the command line; the traffic generator (testpmd
# txonly into port 0) and the sink (testpmd rxonly on port 1) forwarding on CPU 0.
# Usage: hack/bench/fastpath.sh [-r ROUNDS] [-t SECONDS]   (root; needs dpdk, dpdk-testpmd)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=3
SECS=5
WARM=2
while getopts r:t: o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	*) exit 2 ;;
	esac
done
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
EAL_SW=(--no-pci --no-huge -m 512 --no-telemetry --log-level '*:error')

# generate OUTFILE: txonly into $TMP/s0.sock (to MAC1), rxonly on $TMP/s1.sock; print the pps
# that arrived. (flowgen would send every frame to one fixed MAC: a switch floods those.)
generate() {
	local out=$1
	{
		sleep 2
		echo start
		sleep $((WARM + SECS + 2))
		echo stop
		echo quit
	} | dpdk-testpmd --lcores=0@0,1@0 "${EAL_SW[@]}" --file-prefix "$PFX-tx" \
		--vdev "net_virtio_user0,path=$TMP/s0.sock,queues=1,queue_size=1024,mac=$MAC0" \
		-- -i --forward-mode=txonly --nb-cores=1 --rxd=1024 --txd=1024 --txpkts=64 \
		--eth-peer=0,$MAC1 --total-num-mbufs=16384 >"$out.tx" 2>&1 &
	local tx=$!
	{
		sleep 2
		echo start
		sleep "$WARM"
		echo "clear port stats all"
		sleep "$SECS"
		echo "show port stats all"
		echo stop
		echo quit
	} | dpdk-testpmd --lcores=0@0,1@0 "${EAL_SW[@]}" --file-prefix "$PFX-rx" \
		--vdev "net_virtio_user1,path=$TMP/s1.sock,queues=1,queue_size=1024,mac=$MAC1" \
		-- -i --forward-mode=rxonly --nb-cores=1 --rxd=1024 --txd=1024 \
		--total-num-mbufs=16384 >"$out" 2>&1
	wait "$tx" || true
	awk -v s="$SECS" '/NIC statistics for port/ { p = 1 } p && /RX-packets:/ { n += $2; p = 0 }
		END { printf "%d\n", n / s }' "$out"
}

wait_socket() {
	local i
	for i in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	echo "bench: $1 never appeared" >&2
	return 1
}

ceiling() {
	local pid fd
	rm -f "$TMP"/s?.sock "$TMP/tp.in"
	mkfifo "$TMP/tp.in"
	# Without -i, testpmd forwards until a line arrives on stdin.
	dpdk-testpmd -l 0,1 "${EAL_SW[@]}" --file-prefix "$PFX-tp" \
		--vdev "net_vhost0,iface=$TMP/s0.sock,queues=1" \
		--vdev "net_vhost1,iface=$TMP/s1.sock,queues=1" \
		-- --forward-mode=io --nb-cores=1 --rxd=1024 --txd=1024 --auto-start \
		--total-num-mbufs=16384 <"$TMP/tp.in" >"$TMP/ceiling.log" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	exec {fd}>"$TMP/tp.in"
	wait_socket "$TMP/s1.sock"
	generate "$TMP/gen-ceiling.log"
	echo >&"$fd"
	exec {fd}>&-
	wait "$pid" || true
}

switch() {
	rm -f "$TMP"/s?.sock "$TMP/state.json"
	cat >"$TMP/fp.json" <<JSON
{"eal": ["-l", "0,1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", "$PFX-fp",
         "--no-telemetry", "--log-level", "*:error"],
 "controlSocket": "$TMP/ctl.sock", "stateFile": "$TMP/state.json", "mbufs": 16383,
 "idleSleepMaxUs": 0}
JSON
	"$FPD" -c "$TMP/fp.json" 2>"$TMP/fastpathd.log" &
	local pid=$!
	PIDS+=("$pid")
	wait_socket "$TMP/ctl.sock"
	"$FPCTL" -s "$TMP/ctl.sock" add-vhost p0 "$TMP/s0.sock" --server --mac $MAC0 >/dev/null
	"$FPCTL" -s "$TMP/ctl.sock" add-vhost p1 "$TMP/s1.sock" --server --mac $MAC1 >/dev/null
	generate "$TMP/gen-switch.log"
	"$FPCTL" -s "$TMP/ctl.sock" stats >"$TMP/switch-stats.txt"
	kill "$pid"
	wait "$pid" || true
}

median() {
	sort -n | awk '{v[NR] = $1} END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

: >"$TMP/ceiling.txt"
: >"$TMP/switch.txt"
for r in $(seq 1 "$ROUNDS"); do
	c=$(ceiling)
	s=$(switch)
	echo "$c" >>"$TMP/ceiling.txt"
	echo "$s" >>"$TMP/switch.txt"
	printf 'round %d: testpmd io %d pps, fastpathd %d pps\n' "$r" "$c" "$s"
done
c=$(median <"$TMP/ceiling.txt")
s=$(median <"$TMP/switch.txt")
printf '\nfastpath: 64-byte frames, 2 vhost-user ports, one direction, %d rounds of %d s (kernel %s)\n' \
	"$ROUNDS" "$SECS" "$(uname -r)"
printf 'cores: switch forwarding on CPU 1, switch main lcore, generator (txonly) and sink (rxonly) on CPU 0\n'
printf '%-28s %14s\n' "testpmd io (ceiling) median" "$c pps" "fastpathd median" "$s pps"
awk -v a="$s" -v b="$c" 'BEGIN { printf "fastpathd / testpmd io:      %.2fx\n", (b > 0 ? a / b : 0) }'
