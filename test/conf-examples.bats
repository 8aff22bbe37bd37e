#!/usr/bin/env bats
# conf-examples/: each file is what a user copies to /etc/cni/net.d; each must work as shipped.

load helpers/common

setup() { cni_setup; }
teardown() { cni_teardown; }

# install_example FILE: the example under $TMP/net.d with its IPAM state moved into $TMP.
install_example() {
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' \
		"$REPO/conf-examples/$1" >"$TMP/net.d/$1"
}

cnitool() {
	ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
		"$BIN/cnitool" "$@" 2>>"$TMP/stderr"
}

@test "every conf-examples file is exercised by a test suite; each conflist is one" {
	for f in "$REPO"/conf-examples/*; do
		case "$f" in
		*.conflist)
			jq -e '.name and .cniVersion and (.plugins | length > 0)' "$f" >/dev/null ||
				fail "$f is not a conflist"
			;;
		esac
		# Any suite that names the file uses it (this one names the files it runs itself).
		grep -qF -- "$(basename "$f")" "$REPO"/test/*.bats ||
			fail "no suite exercises $(basename "$f")"
	done
}

@test "bridge.conflist: cnitool add, ping from the node, check, del" {
	install_example "bridge.conflist"
	net=$(jq -r .name "$REPO/conf-examples/bridge.conflist")
	run cnitool add "$net" "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json '.cniVersion == "1.1.0" and (.interfaces | length == 3) and .ips[0].interface == 2'
	ip=$(printf '%s' "$output" | jq -r '.ips[0].address | split("/")[0]')
	ip netns exec "$NODE" ping -c 1 -W 2 "$ip"
	run cnitool check "$net" "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	run cnitool del "$net" "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(ip -n "$CTR" -j link show eth0 2>/dev/null | jq '.[]?')" ]
	[ -z "$(ls "$DATA_DIR/$net" | grep -v -e lock -e last_reserved)" ]
}

@test "portmap.conflist: cnitool add with portMappings, a TCP connect to the hostPort, del" {
	install_example "portmap.conflist"
	net=$(jq -r .name "$REPO/conf-examples/portmap.conflist")
	# A one-shot TCP server in the container on port 80.
	ip netns exec "$CTR" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(1); print("ready", flush=True)
c, a = s.accept(); c.send(b"hello\n"); c.close()
' >"$TMP/server.out" 2>&1 &
	for _ in $(seq 50); do grep -q ready "$TMP/server.out" 2>/dev/null && break; sleep 0.1; done
	CAP_ARGS='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' \
		run cnitool add "$net" "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	gw=$(printf '%s' "$output" | jq -r '.ips[0].gateway')
	run ip netns exec "$NODE" python3 -c "
import socket, sys
s = socket.create_connection(('$gw', 8080), timeout=3); sys.stdout.write(s.recv(64).decode())"
	[ "$output" = hello ] || fail "no answer through the hostPort: $output"
	CAP_ARGS='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' \
		run cnitool del "$net" "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(ip netns exec "$NODE" nft list ruleset | grep -E 'dnat|8080')" ] || fail "rules left"
}

@test "fastpathd.json and fastpathd.service: the daemon runs as configured, the unit matches make install" {
	[ -x "$BIN/fastpathd" ] || fail "no $BIN/fastpathd (make deps installs dpdk-dev)"
	# The example with its paths moved into $TMP and its uplink on a veth of the node netns.
	ip -n "$NODE" link add "${PFX}u" type veth peer name "${PFX}p"
	ip -n "$NODE" link set "${PFX}u" up
	jq --arg t "$TMP" --arg p "$PFX-fp" --arg u "net_af_packet0,iface=${PFX}u" '
		.controlSocket = "\($t)/ctl.sock" | .stateFile = "\($t)/state/ports.json" |
		.logFile = "\($t)/fastpathd.log" | .uplink.devargs = $u |
		.eal = [.eal[] | if . == "fastpathd" then $p else . end]' \
		"$REPO/conf-examples/fastpathd.json" >"$TMP/fp.json"
	ip netns exec "$NODE" nice -n 10 "$BIN/fastpathd" -c "$TMP/fp.json" 2>"$TMP/fp.err" &
	pid=$!
	for _ in $(seq 100); do
		"$BIN/fastpathctl" -s "$TMP/ctl.sock" status >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	run "$BIN/fastpathctl" -s "$TMP/ctl.sock" -j ports
	kill -TERM "$pid"
	wait "$pid" || fail "fastpathd exited with $?: $(cat "$TMP/fp.err")"
	[ "$status" -eq 0 ] || fail "fastpathctl: $output $(cat "$TMP/fp.err")"
	[[ "$output" == *uplink* ]] || fail "no uplink port: $output"
	unit="$REPO/conf-examples/fastpathd.service"
	grep -qx 'ExecStart=/usr/local/bin/fastpathd -c /etc/fastpathd/fastpathd.json' "$unit"
	grep -qx 'KillSignal=SIGTERM' "$unit"
}

@test "make install honours DESTDIR, PREFIX and CNI_BIN_DIR" {
	# BUILD_FLAGS names the tree under test (make test sets it), so install finds it up to date.
	# shellcheck disable=SC2086
	run make -C "$REPO" --no-print-directory install ${BUILD_FLAGS:-BUILD=${BUILD:-build}} \
		DESTDIR="$TMP/root" PREFIX=/usr CNI_BIN_DIR=/opt/cni/bin
	[ "$status" -eq 0 ] || fail "$output"
	for p in bridge loopback host-local static; do
		[ -x "$TMP/root/opt/cni/bin/$p" ] || fail "$p not installed"
	done
	[ -x "$TMP/root/usr/bin/cnitool" ]
	[ ! -e "$TMP/root/opt/cni/bin/cnitool" ]
}
