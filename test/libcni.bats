#!/usr/bin/env bats
# Our plugins under Go's libcni (hack/libcni-client), the way containerd or CRI-O run them, and
# compared with the reference binaries under the same runtime; plus our cnitool and Go libcni
# reading each other's result cache.

load helpers/common

setup_file() {
	CLIENT=$BATS_FILE_TMPDIR/libcni-client
	export CLIENT
	command -v go >/dev/null || return 0
	[ -d /usr/share/gocode/src/github.com/containernetworking/cni/libcni ] || return 0
	# Offline: GOPATH mode against Debian's golang-github-appc-cni-dev.
	(cd "$REPO" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE="$BATS_FILE_TMPDIR/gocache" \
		go build -o "$CLIENT" ./hack/libcni-client)
}

setup() {
	[ -x "$CLIENT" ] || skip "Go libcni client not built (apt-get install golang-go golang-github-appc-cni-dev)"
	cni_setup
	mkdir -p "$TMP/cache" "$TMP/refcache"
}
teardown() { cni_teardown; }

# client PLUGIN_DIR CACHE_DIR COMMAND CONFLIST: the Go runtime inside the node netns.
client() {
	ip netns exec "$NODE" env CNI_PATH="$1" CNI_CACHE_DIR="$2" CNI_CONTAINERID="$CONTAINER_ID" \
		"$CLIENT" "$3" "$4" "/run/netns/$CTR" 2>"$TMP/err"
}

# bridge_list VERSION SUBNET: bridge + host-local + loopback, as a node would configure it.
bridge_list() {
	cat >"$TMP/net.conflist" <<-EOF
		{"cniVersion":"$1","name":"gonet","plugins":[
		 {"type":"bridge","bridge":"${PFX}br","isGateway":true,"ipMasq":false,
		  "ipam":{"type":"host-local","subnet":"$2","dataDir":"$DATA_DIR",
		          "routes":[{"dst":"0.0.0.0/0"}]}},
		 {"type":"loopback"}]}
	EOF
}

# The parts of a result that do not depend on random names and MACs.
shape() {
	jq -c '{cniVersion, n_interfaces: (.interfaces | length),
		sandboxes: [.interfaces[] | .sandbox // null], bridge: .interfaces[0].name,
		ips: [.ips[] | {interface, address, gateway}], routes, dns}'
}

need_plugins() {
	for p in bridge host-local loopback; do
		[ -x "$BIN/$p" ] || skip "$p not built"
	done
}

@test "Go libcni runs our bridge, host-local and loopback: ADD, CHECK, DEL in every version" {
	need_plugins
	# Debian's libcni (1.1.2) parses results up to 1.0.0; newer ones add 1.1.0.
	local versions="0.3.1 0.4.0 1.0.0"
	grep -rqs '"1.1.0"' /usr/share/gocode/src/github.com/containernetworking/cni/pkg/types/100/ &&
		versions="$versions 1.1.0"
	for v in $versions; do
		rm -rf "$DATA_DIR"
		bridge_list "$v" 10.88.1.0/24
		run client "$BIN" "$TMP/cache" add "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "ADD $v: $(cat "$TMP/err")"
		assert_json ".cniVersion == \"$v\" and .ips[0].address == \"10.88.1.2/24\" and .ips[0].gateway == \"10.88.1.1\""
		assert_json ".interfaces[.ips[0].interface].name == \"eth0\" and .interfaces[.ips[0].interface].sandbox == \"/run/netns/$CTR\""
		assert_json '.routes == [{"dst":"0.0.0.0/0"}]'
		ip netns exec "$CTR" ping -c1 -W2 10.88.1.1 >/dev/null
		ip -n "$CTR" -j link show lo | jq -e '.[0].flags | index("UP")' >/dev/null
		# libcni cached what it printed.
		cached=$(jq -c .result "$TMP/cache/results/gonet-$CONTAINER_ID-eth0")
		[ "$(jq -cS . <<<"$cached")" = "$(jq -cS . <<<"$output")" ]
		if [ "$v" != 0.3.1 ]; then
			run client "$BIN" "$TMP/cache" check "$TMP/net.conflist"
			[ "$status" -eq 0 ] || fail "CHECK $v: $(cat "$TMP/err")"
		fi
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "DEL $v: $(cat "$TMP/err")"
		run ip -n "$CTR" link show eth0
		[ "$status" -ne 0 ]
		[ ! -e "$TMP/cache/results/gonet-$CONTAINER_ID-eth0" ]
		[ "$(ls "$DATA_DIR/gonet" | grep -c '^10\.')" -eq 0 ]
		# A second DEL (no cache, nothing left) succeeds too.
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "second DEL $v: $(cat "$TMP/err")"
		ip -n "$NODE" link del "${PFX}br"
	done
}

@test "our results have the shape of the reference binaries' under the same runtime" {
	need_plugins
	[ -x "$REF_BIN/bridge" ] || skip "no reference plugins in $REF_BIN"
	for v in 0.4.0 1.0.0; do
		rm -rf "$DATA_DIR"
		bridge_list "$v" 10.88.2.0/24
		run client "$REF_BIN" "$TMP/refcache" add "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "reference ADD $v: $(cat "$TMP/err")"
		ref=$(shape <<<"$output")
		run client "$REF_BIN" "$TMP/refcache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ]
		ip -n "$NODE" link del "${PFX}br"

		rm -rf "$DATA_DIR"
		run client "$BIN" "$TMP/cache" add "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "ADD $v: $(cat "$TMP/err")"
		ours=$(shape <<<"$output")
		[ "$ours" = "$ref" ] || fail "$v: ours $ours, reference $ref"
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ]
		ip -n "$NODE" link del "${PFX}br"
	done
}

@test "a plugin error reaches Go libcni with its code and message" {
	need_plugins
	cat >"$TMP/net.conflist" <<-EOF
		{"cniVersion":"1.0.0","name":"gonet","plugins":[{"type":"bridge","bridge":"${PFX}br",
		 "ipam":{"type":"host-local","subnet":"not-a-subnet","dataDir":"$DATA_DIR"}}]}
	EOF
	run client "$BIN" "$TMP/cache" add "$TMP/net.conflist"
	[ "$status" -eq 1 ]
	grep -q '^plugin type="bridge" failed (add): ' "$TMP/err" || fail "$(cat "$TMP/err")"
	# The client prints the code of the *types.Error libcni handed up: a bad config is 7.
	grep -qx 'code=7' "$TMP/err" || fail "$(cat "$TMP/err")"
	[ ! -e "$TMP/cache/results/gonet-$CONTAINER_ID-eth0" ]
	run ip -n "$CTR" link show eth0
	[ "$status" -ne 0 ]
}

@test "our cnitool and Go libcni read each other's result cache" {
	[ -x "$BIN/loopback" ] || skip "loopback not built"
	mkdir -p "$TMP/net.d" "$TMP/plugins" "$TMP/log"
	cp "$REPO/test/helpers/fake-plugin" "$TMP/plugins/fake"
	printf '{"cniVersion":"1.0.0","name":"shared","plugins":[{"type":"fake","tag":"a","log":"%s"},{"type":"loopback"}]}' \
		"$TMP/log" >"$TMP/net.d/10.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$TMP/plugins:$BIN" \
			CNI_CACHE_DIR="$TMP/cache" "$BIN/cnitool" "$@" "/run/netns/$CTR" 2>"$TMP/err"
	}
	id=cnitool-$(printf '%s' "/run/netns/$CTR" | sha512sum | cut -c1-20)
	# cnitool ADD, Go libcni DEL: Go finds our cache entry and passes its result as prevResult
	# (loopback hands a prevResult through unchanged).
	run tool add shared
	[ "$status" -eq 0 ]
	run ip netns exec "$NODE" env CNI_PATH="$TMP/plugins:$BIN" CNI_CACHE_DIR="$TMP/cache" CNI_CONTAINERID="$id" \
		"$CLIENT" del "$TMP/net.d/10.conflist" "/run/netns/$CTR"
	[ "$status" -eq 0 ]
	[ "$(sed -n 2p "$TMP/log/calls")" = "DEL a" ]
	assert_json '[.prevResult.interfaces[].name] == ["a"]' "$(cat "$TMP/log/2.stdin")"
	[ ! -e "$TMP/cache/results/shared-$id-eth0" ]
	# Go libcni ADD, cnitool CHECK and DEL.
	run ip netns exec "$NODE" env CNI_PATH="$TMP/plugins:$BIN" CNI_CACHE_DIR="$TMP/cache" CNI_CONTAINERID="$id" \
		"$CLIENT" add "$TMP/net.d/10.conflist" "/run/netns/$CTR"
	[ "$status" -eq 0 ]
	run tool check shared
	[ "$status" -eq 0 ]
	assert_json '[.prevResult.interfaces[].name] == ["a"]' "$(cat "$TMP/log/4.stdin")"
	run tool del shared
	[ "$status" -eq 0 ]
	[ "$(paste -sd, "$TMP/log/calls")" = "ADD a,DEL a,ADD a,CHECK a,DEL a" ]
	[ ! -e "$TMP/cache/results/shared-$id-eth0" ]
}

@test "Go libcni runs our ptp and loopback: ADD, CHECK, DEL, node reaches the pod" {
	for p in ptp host-local loopback; do
		[ -x "$BIN/$p" ] || skip "$p not built"
	done
	local versions="0.3.1 0.4.0 1.0.0"
	grep -rqs '"1.1.0"' /usr/share/gocode/src/github.com/containernetworking/cni/pkg/types/100/ &&
		versions="$versions 1.1.0"
	for v in $versions; do
		rm -rf "$DATA_DIR"
		cat >"$TMP/net.conflist" <<-EOF
			{"cniVersion":"$v","name":"gonet","plugins":[
			 {"type":"ptp","mtu":1450,
			  "ipam":{"type":"host-local","subnet":"10.88.3.0/24","dataDir":"$DATA_DIR",
			          "routes":[{"dst":"0.0.0.0/0"}]}},
			 {"type":"loopback"}]}
		EOF
		run client "$BIN" "$TMP/cache" add "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "ADD $v: $(cat "$TMP/err")"
		assert_json ".cniVersion == \"$v\" and .ips[0].address == \"10.88.3.2/24\" and .ips[0].gateway == \"10.88.3.1\""
		assert_json ".ips[0].interface == 1 and .interfaces[1].name == \"eth0\" and .interfaces[1].sandbox == \"/run/netns/$CTR\""
		assert_json '(.interfaces[0].name | test("^veth[0-9a-f]{8}$")) and .interfaces[0].sandbox == null'
		ip netns exec "$NODE" ping -c1 -W2 10.88.3.2 >/dev/null
		ip -n "$CTR" -j route show default | jq -e '.[0].gateway == "10.88.3.1"' >/dev/null
		if [ "$v" != 0.3.1 ]; then
			run client "$BIN" "$TMP/cache" check "$TMP/net.conflist"
			[ "$status" -eq 0 ] || fail "CHECK $v: $(cat "$TMP/err")"
		fi
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "DEL $v: $(cat "$TMP/err")"
		[ "$(ip -n "$NODE" -j link show type veth | jq length)" -eq 0 ]
		[ "$(ls "$DATA_DIR/gonet" | grep -c '^10\.')" -eq 0 ]
		[ ! -e "$TMP/cache/results/gonet-$CONTAINER_ID-eth0" ]
	done
}

@test "Go libcni runs our macvlan and loopback: ADD, CHECK, DEL, a neighbour pings the pod" {
	for p in macvlan host-local loopback; do
		[ -x "$BIN/$p" ] || skip "$p not built"
	done
	# The master: a veth in the node netns whose peer, in a neighbour netns, holds the gateway.
	cni_add_ns nb
	ip -n "$NODE" link add "${PFX}m" type veth peer name eth0 netns "$PFX-nb"
	ip -n "$NODE" link set "${PFX}m" up
	ip -n "$PFX-nb" link set eth0 up
	ip -n "$PFX-nb" addr add 10.88.3.1/24 dev eth0
	local versions="0.3.1 0.4.0 1.0.0"
	grep -rqs '"1.1.0"' /usr/share/gocode/src/github.com/containernetworking/cni/pkg/types/100/ &&
		versions="$versions 1.1.0"
	for v in $versions; do
		rm -rf "$DATA_DIR"
		cat >"$TMP/net.conflist" <<-EOF2
			{"cniVersion":"$v","name":"gomv","plugins":[
			 {"type":"macvlan","master":"${PFX}m","mode":"bridge",
			  "ipam":{"type":"host-local","subnet":"10.88.3.0/24","rangeStart":"10.88.3.10",
			          "dataDir":"$DATA_DIR","routes":[{"dst":"0.0.0.0/0"}]}},
			 {"type":"loopback"}]}
		EOF2
		run client "$BIN" "$TMP/cache" add "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "ADD $v: $(cat "$TMP/err")"
		assert_json ".cniVersion == \"$v\" and .ips[0].address == \"10.88.3.10/24\" and .ips[0].gateway == \"10.88.3.1\""
		assert_json ".interfaces == [{name: \"eth0\", mac: .interfaces[0].mac, sandbox: \"/run/netns/$CTR\"}] and .ips[0].interface == 0"
		assert_json '.routes == [{"dst":"0.0.0.0/0"}]'
		ip netns exec "$PFX-nb" ping -c1 -W2 10.88.3.10 >/dev/null
		ip -n "$CTR" -j link show eth0 | jq -e --argjson r "$output" '.[0].address == $r.interfaces[0].mac' >/dev/null
		cached=$(jq -c .result "$TMP/cache/results/gomv-$CONTAINER_ID-eth0")
		[ "$(jq -cS . <<<"$cached")" = "$(jq -cS . <<<"$output")" ]
		if [ "$v" != 0.3.1 ]; then
			run client "$BIN" "$TMP/cache" check "$TMP/net.conflist"
			[ "$status" -eq 0 ] || fail "CHECK $v: $(cat "$TMP/err")"
		fi
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "DEL $v: $(cat "$TMP/err")"
		run ip -n "$CTR" link show eth0
		[ "$status" -ne 0 ]
		[ "$(ls "$DATA_DIR/gomv" | grep -c '^10\.')" -eq 0 ]
		run client "$BIN" "$TMP/cache" del "$TMP/net.conflist"
		[ "$status" -eq 0 ] || fail "second DEL $v: $(cat "$TMP/err")"
	done
}
