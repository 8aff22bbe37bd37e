#!/usr/bin/env bats
# Hostile input: names that try to leave the dataDir or the netns, symlinks and directories planted
# in the store, an oversized stdin. Each is refused with an exact code and touches nothing outside
# the network's own data (a sentinel tree beside it is compared before and after every test).

load helpers/common

PLUGINS="bridge ptp host-local"

setup() {
	cni_setup
	BR="${PFX}b"
	umask 022
	# Data of another network in the same dataDir and a directory outside it: never touched.
	mkdir -p "$DATA_DIR/other-net" "$TMP/outside"
	printf 'other\r\neth0' >"$DATA_DIR/other-net/10.99.0.5"
	printf 'keep' >"$TMP/outside/victim"
	SENTINEL=$(sentinel_state)
}

teardown() {
	cni_teardown
}

# Names, sizes, modes and contents of everything outside $DATA_DIR/hostile-net.
sentinel_state() {
	(cd "$TMP" && find . -path ./ipam/hostile-net -prune -o -path ./stderr -prune -o \
		-printf '%p %y %m %s\n' | sort && cat outside/victim ipam/other-net/*)
}

assert_sentinel() {
	local now
	now=$(sentinel_state)
	[ "$now" = "$SENTINEL" ] || fail "outside data changed: before: $SENTINEL after: $now"
}

# conf PLUGIN [NAME] [DATA_DIR]: a config of PLUGIN (host-local is run alone as an IPAM plugin).
conf() {
	local name=${2-hostile-net} dd=${3-$DATA_DIR}
	case $1 in
	bridge) jq -nc --arg n "$name" --arg br "$BR" --arg dd "$dd" \
		'{cniVersion: "1.1.0", name: $n, type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: "10.77.0.0/24", dataDir: $dd}}' ;;
	ptp) jq -nc --arg n "$name" --arg dd "$dd" \
		'{cniVersion: "1.1.0", name: $n, type: "ptp",
		  ipam: {type: "host-local", subnet: "10.77.0.0/24", dataDir: $dd}}' ;;
	host-local) jq -nc --arg n "$name" --arg dd "$dd" \
		'{cniVersion: "1.1.0", name: $n, type: "host-local",
		  ipam: {type: "host-local", subnet: "10.77.0.0/24", dataDir: $dd}}' ;;
	esac
}

# No pod interface left in the container, no veth on the node (the bridge itself is the network's).
assert_no_links() {
	local ctr node
	ctr=$(ip -n "$CTR" -j link show | jq -c '[.[].ifname | select(. != "lo")]')
	node=$(ip -n "$NODE" -j link show | jq -c --arg br "$BR" '[.[].ifname | select(. != "lo" and . != $br)]')
	[ "$ctr" = "[]" ] || fail "links left in the container: $ctr"
	[ "$node" = "[]" ] || fail "links left on the node: $node"
}

# reserved: reservation files of hostile-net.
reserved() {
	ls "$DATA_DIR/hostile-net" 2>/dev/null | grep -v -e '^lock$' -e '^last_reserved_ip' || true
}

@test "hostile: network names leaving the dataDir are refused (code 7)" {
	for p in $PLUGINS; do
		for name in .. ../escape ../../outside a/b /abs . "-x"; do
			run cni_exec "$p" ADD "$(conf "$p" "$name")"
			assert_error 7
			assert_json '.msg == "invalid characters found in network name"'
		done
		# A name no file system can hold as one path component.
		run cni_exec "$p" ADD "$(conf "$p" "$(printf 'n%.0s' $(seq 300))")"
		assert_error 7
		assert_json '.msg | test("network name")'
		assert_no_links
	done
	assert_sentinel
}

@test "hostile: a NUL in the network name is refused as undecodable (code 6)" {
	for p in $PLUGINS; do
		run cni_exec "$p" ADD '{"cniVersion":"1.1.0","name":"hostile\u0000/../x","type":"'"$p"'","ipam":{"type":"host-local","subnet":"10.77.0.0/24","dataDir":"'"$DATA_DIR"'"}}'
		assert_error 6
	done
	assert_sentinel
}

@test "hostile: container IDs leaving the dataDir are refused (code 4), an overlong one too" {
	for p in $PLUGINS; do
		for id in .. ../escape a/b /abs "a b" "-x"; do
			CONTAINER_ID=$id run cni_exec "$p" ADD "$(conf "$p")"
			assert_error 4
			assert_json '.msg == "invalid characters in containerID"'
		done
		# 100000 bytes: under the kernel's limit for one environment string, over what a
		# reservation file can hold.
		CONTAINER_ID=$(printf 'c%.0s' $(seq 100000)) run cni_exec "$p" ADD "$(conf "$p")"
		assert_error 4
		assert_json '.msg | test("too long")'
		assert_no_links
		[ -z "$(reserved)" ] || fail "$p left reservations: $(reserved)"
	done
	assert_sentinel
}

@test "hostile: interface names leaving the netns are refused (code 4)" {
	for p in $PLUGINS; do
		for ifname in . .. ../eth0 a/b eth0:1 "e 0" abcdefghijklmnop; do
			run cni_exec "$p" ADD "$(conf "$p")" "$ifname"
			assert_error 4
		done
		assert_no_links
		[ -z "$(reserved)" ] || fail "$p left reservations: $(reserved)"
	done
	assert_sentinel
}

@test "hostile: CNI_NETNS naming the node's own netns or a plain file is refused (code 8)" {
	for p in bridge ptp; do
		CNI_NETNS=/run/netns/$NODE run cni_exec "$p" ADD "$(conf "$p")"
		assert_error 8
		assert_json '.msg | test("should not be the same")'
		printf 'x' >"$TMP/notns"
		CNI_NETNS=$TMP/notns run cni_exec "$p" ADD "$(conf "$p")"
		rm "$TMP/notns"
		assert_error 8
		assert_no_links
		[ -z "$(reserved)" ] || fail "$p left reservations: $(reserved)"
	done
	assert_sentinel
}

@test "hostile: a dataDir or network directory that is a symlink is refused (code 5)" {
	for p in $PLUGINS; do
		ln -s "$TMP/outside" "$TMP/link-dd"
		run cni_exec "$p" ADD "$(conf "$p" hostile-net "$TMP/link-dd")"
		assert_error 5
		assert_json '.msg | test("symbolic link")'
		rm "$TMP/link-dd"
		mkdir -p "$TMP/dd2"
		ln -s "$TMP/outside" "$TMP/dd2/hostile-net"
		run cni_exec "$p" ADD "$(conf "$p" hostile-net "$TMP/dd2")"
		assert_error 5
		assert_json '.msg | test("symbolic link")'
		rm -r "$TMP/dd2"
		assert_no_links
	done
	assert_sentinel
}

@test "hostile: reservation files swapped for symlinks or directories are skipped, never followed" {
	for p in $PLUGINS; do
		rm -rf "$DATA_DIR/hostile-net"
		mkdir -p "$DATA_DIR/hostile-net"
		# The next free addresses are planted: a symlink, a dangling symlink, a directory.
		ln -s "$TMP/outside/victim" "$DATA_DIR/hostile-net/10.77.0.2"
		ln -s "$TMP/outside/created" "$DATA_DIR/hostile-net/10.77.0.3"
		mkdir "$DATA_DIR/hostile-net/10.77.0.4"
		run cni_exec "$p" ADD "$(conf "$p")"
		[ "$status" -eq 0 ] || fail "$p ADD: $output"
		assert_json '.ips[0].address == "10.77.0.5/24"'
		[ "$(reserved | tr '\n' ' ')" = "10.77.0.2 10.77.0.3 10.77.0.4 10.77.0.5 " ] ||
			fail "$p: $(reserved)"
		# The planted owner content behind a symlink does not make DEL follow it.
		printf '%s\r\neth0' "$CONTAINER_ID" >"$TMP/outside/victim"
		SENTINEL=$(sentinel_state)
		run cni_exec "$p" DEL "$(conf "$p")"
		[ "$status" -eq 0 ] || fail "$p DEL: $output"
		[ "$(reserved | tr '\n' ' ')" = "10.77.0.2 10.77.0.3 10.77.0.4 " ] || fail "$p: $(reserved)"
		[ -L "$DATA_DIR/hostile-net/10.77.0.2" ] && [ -d "$DATA_DIR/hostile-net/10.77.0.4" ]
		assert_no_links
		printf 'keep' >"$TMP/outside/victim"
		SENTINEL=$(sentinel_state)
	done
	assert_sentinel
}

@test "hostile: last_reserved_ip and lock swapped for symlinks are refused (code 5)" {
	for p in $PLUGINS; do
		for f in last_reserved_ip.0 lock; do
			rm -rf "$DATA_DIR/hostile-net"
			mkdir -p "$DATA_DIR/hostile-net"
			ln -s "$TMP/outside/victim" "$DATA_DIR/hostile-net/$f"
			run cni_exec "$p" ADD "$(conf "$p")"
			assert_error 5
			assert_json '.msg | test("symbolic link")'
			[ -z "$(reserved)" ] || fail "$p left reservations with $f: $(reserved)"
			assert_no_links
			# A dangling one is not created through either.
			rm "$DATA_DIR/hostile-net/$f"
			ln -s "$TMP/outside/created" "$DATA_DIR/hostile-net/$f"
			run cni_exec "$p" ADD "$(conf "$p")"
			assert_error 5
			[ ! -e "$TMP/outside/created" ] || fail "$p created $f's target"
		done
	done
	assert_sentinel
}

@test "hostile: a 64 MiB stdin is refused (code 7) without being parsed" {
	local big=$TMP/big.json
	for p in $PLUGINS; do
		# A well-formed config: only its size is wrong.
		conf "$p" | jq -c '.pad = ""' | head -c -3 >"$big"
		head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >>"$big"
		printf '"}' >>"$big"
		run ip netns exec "$NODE" env CNI_COMMAND=ADD CNI_CONTAINERID="$CONTAINER_ID" \
			CNI_NETNS="/run/netns/$CTR" CNI_IFNAME=eth0 CNI_PATH="$BIN" "$BIN/$p" <"$big"
		rm "$big"
		assert_error 7
		assert_json '.msg | test("too large")'
		assert_no_links
		[ -z "$(reserved)" ] || fail "$p left reservations: $(reserved)"
	done
	assert_sentinel
}

@test "hostile: reservation files are created 0600 and directories 0755, as the reference" {
	for p in $PLUGINS; do
		rm -rf "$DATA_DIR/hostile-net" "$TMP/fresh"
		run cni_exec "$p" ADD "$(conf "$p" hostile-net "$TMP/fresh/data")"
		[ "$status" -eq 0 ] || fail "$p ADD: $output"
		[ "$(stat -c %a "$TMP/fresh/data")" = 755 ]
		[ "$(stat -c %a "$TMP/fresh/data/hostile-net")" = 755 ]
		[ "$(stat -c %a "$TMP/fresh/data/hostile-net/10.77.0.2")" = 600 ]
		[ "$(stat -c %a "$TMP/fresh/data/hostile-net/last_reserved_ip.0")" = 600 ]
		run cni_exec "$p" DEL "$(conf "$p" hostile-net "$TMP/fresh/data")"
		[ "$status" -eq 0 ] || fail "$p DEL: $output"
		rm -rf "$TMP/fresh"
	done
	assert_sentinel
}
