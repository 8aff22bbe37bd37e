# fastpathd for tests: its config, start and stop in the node netns, and fppod processes (a DPDK
# application with one virtio-user port on a vhost-user socket) driven over fifos. Needs
# helpers/common loaded first. FPD_BIN: the tree whose fastpathd/fastpathctl run (default $BIN).

FPCTL() {
	"${FPD_BIN:-$BIN}/fastpathctl" -s "$TMP/ctl.sock" "$@"
}

# fppod_build: compile helpers/fppod.c once per file (setup_file); skips without libdpdk.
fppod_build() {
	pkg-config --exists libdpdk || skip "libdpdk is not installed (hack/install-deps.sh)"
	cc -O2 -o "$BATS_FILE_TMPDIR/fppod" "$BATS_TEST_DIRNAME/helpers/fppod.c" \
		$(pkg-config --cflags --libs libdpdk)
}

# fpd_config [EXTRA_MEMBERS]: $TMP/fp.json, one worker lcore, no hugepages, this test's prefix;
# EXTRA_MEMBERS is JSON object members appended as they are ("\"macAgingSec\": 60").
fpd_config() {
	cat >"$TMP/fp.json" <<JSON
{"eal": ["-l", "0,1", "--no-pci", "--no-huge", "-m", "256", "--file-prefix", "$PFX-fp",
         "--no-telemetry", "--log-level", "*:notice"],
 "controlSocket": "$TMP/ctl.sock", "stateFile": "$TMP/state/ports.json",
 "logFile": "$TMP/fastpathd.log", "mbufs": 8191${1:+, $1}}
JSON
}

# fpd_start: the daemon in the node netns; ready once the control socket answers (bounded).
# LeakSanitizer cannot see DPDK's memory through its own allocator's mappings.
fpd_start() {
	local i
	ip netns exec "$NODE" env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		nice -n 10 "${FPD_BIN:-$BIN}/fastpathd" -c "$TMP/fp.json" 2>>"$TMP/fastpathd.err" &
	FPD_PID=$!
	for i in $(seq 100); do
		FPCTL status >/dev/null 2>&1 && return 0
		kill -0 "$FPD_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$TMP/fastpathd.err" "$TMP/fastpathd.log" >&2
	fail "fastpathd did not come up"
}

# fpd_stop: SIGTERM; the daemon must exit 0.
fpd_stop() {
	local rc=0
	kill -TERM "$FPD_PID"
	wait "$FPD_PID" || rc=$?
	FPD_PID=
	[ "$rc" -eq 0 ] || fail "fastpathd exited with $rc"
}

# fppod_start NAME SOCKET MAC: a pod process serving the vhost-user socket SOCKET.
fppod_start() {
	local name=$1 sock=$2 mac=$3 ifd ofd
	mkfifo "$TMP/$name.in" "$TMP/$name.out"
	exec {ofd}<>"$TMP/$name.out"
	ip netns exec "$NODE" nice -n 10 "$BATS_FILE_TMPDIR/fppod" -l 0 --no-pci --no-huge -m 64 \
		--file-prefix "$PFX-$name" --no-telemetry --log-level '*:warning' \
		--vdev "net_virtio_user0,path=$sock,mac=$mac,server=1,queue_size=1024" \
		<"$TMP/$name.in" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	echo $! >"$TMP/$name.pid"
	exec {ifd}>"$TMP/$name.in"
	eval "POD_IN_$name=$ifd POD_OUT_$name=$ofd"
	PODS+=("$name")
}

# pod NAME COMMAND...: one command, its one-line answer in $output.
pod() {
	local name=$1 ifd ofd
	shift
	eval "ifd=\$POD_IN_$name ofd=\$POD_OUT_$name"
	echo "$*" >&"$ifd"
	read -r -t 30 -u "$ofd" output || fail "pod $name did not answer \"$*\""
	echo "pod $name: $* -> $output" >&2
}

# fpd_teardown: the pods, then the daemon, then DPDK's runtime directories of this test.
fpd_teardown() {
	local p
	for p in "${PODS[@]}"; do
		kill "$(cat "$TMP/$p.pid")" 2>/dev/null || true
	done
	if [ -n "${FPD_PID:-}" ]; then
		kill "$FPD_PID" 2>/dev/null && wait "$FPD_PID" 2>/dev/null
		FPD_PID=
	fi
	for p in "${PODS[@]}"; do
		wait "$(cat "$TMP/$p.pid")" 2>/dev/null || true
	done
	PODS=()
	rm -rf /var/run/dpdk/"$PFX"-*
	return 0
}
