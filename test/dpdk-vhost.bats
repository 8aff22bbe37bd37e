#!/usr/bin/env bats
# dpdk-vhost: vhost-user ports on fastpathd for pods' DPDK applications. fastpathd runs with one
# worker lcore, nice 10, its own file prefix; pods are fppod processes (virtio-user, the socket's
# server, as fastpathd is the client by default) on the sockets the plugin made.

load helpers/common
load helpers/fastpathd

setup_file() {
	fppod_build
}

setup() {
	cni_setup
	[ -x "$BIN/fastpathd" ] || fail "no $BIN/fastpathd: build with libdpdk installed"
	PODS=()
	FPD_PID=
	SOCK_DIR=$TMP/vhost
	# LeakSanitizer cannot see DPDK's memory through its own allocator's mappings.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

teardown() {
	fpd_teardown
	cni_teardown
}

# conf VERSION [EXTRA_KEYS]: the plugin's config, host-local IPAM under $DATA_DIR.
conf() {
	cat <<JSON
{"cniVersion": "$1", "name": "dvnet", "type": "dpdk-vhost",
 "controlSocket": "$TMP/ctl.sock", "socketDir": "$SOCK_DIR"${2:+, $2},
 "ipam": {"type": "host-local", "dataDir": "$DATA_DIR",
          "ranges": [[{"subnet": "10.252.0.0/24", "gateway": "10.252.0.1"}]],
          "routes": [{"dst": "0.0.0.0/0"}]}}
JSON
}

# add ID: ADD for container ID (ifname eth0), result in $output.
add() {
	CONTAINER_ID=$1 run cni_exec dpdk-vhost ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "ADD $1: $output"
}

# info ID -> the attachment's JSON file.
info() {
	echo "$SOCK_DIR/$1-eth0/attachment.json"
}

# pod_start NAME: a pod process on the socket named in NAME's attachment file, with its MAC.
pod_start() {
	fppod_start "$1" "$(jq -r .socket "$(info "$1")")" "$(jq -r .mac "$(info "$1")")"
}

# Reserved IPs of host-local for network dvnet (files named by address).
reserved() {
	ls "$DATA_DIR/dvnet" 2>/dev/null | grep -c '^10\.' || true
}

@test "dpdk-vhost: two pods on the sockets it made, frames pod to pod, the attachment file" {
	fpd_config
	fpd_start
	add pa
	res_a=$output
	add pb
	assert_json '.interfaces[0].name == "eth0" and .ips[0].address == "10.252.0.3/24"'

	run cat "$(info pa)"
	assert_json "{network, containerId, ifname, socket, socketFile, vhostMode, vlan, ips, routes} == {
		\"network\": \"dvnet\", \"containerId\": \"pa\", \"ifname\": \"eth0\",
		\"socket\": \"$SOCK_DIR/pa-eth0/vhost-user.sock\", \"socketFile\": \"vhost-user.sock\",
		\"vhostMode\": \"server\", \"vlan\": 0,
		\"ips\": [{\"address\": \"10.252.0.2/24\", \"gateway\": \"10.252.0.1\"}],
		\"routes\": [{\"dst\": \"0.0.0.0/0\"}]}"
	mac_a=$(jq -r .mac "$(info pa)")
	mac_b=$(jq -r .mac "$(info pb)")
	assert_json ".mac == \"$mac_a\" and (.mac | test(\"^02:\"))"
	assert_json ".interfaces[0].mac == \"$mac_a\"" "$res_a"
	[ "$mac_a" != "$mac_b" ]

	port_a=$(FPCTL -j ports | jq -r ".ports[] | select(.socket == \"$SOCK_DIR/pa-eth0/vhost-user.sock\") | .name")
	port_b=$(FPCTL -j ports | jq -r ".ports[] | select(.socket == \"$SOCK_DIR/pb-eth0/vhost-user.sock\") | .name")
	[[ "$port_a" == dv-* ]] && [[ "$port_b" == dv-* ]]
	run FPCTL -j ports
	assert_json "[.ports[] | select(.name == \"$port_a\") | {mac, mode, vlan}] ==
		[{\"mac\": \"$mac_a\", \"mode\": \"client\", \"vlan\": 0}]"

	pod_start pa
	pod_start pb
	FPCTL wait-link "$port_a"
	FPCTL wait-link "$port_b"
	pod pa wait-link
	[ "$output" = up ]
	pod pb wait-link
	[ "$output" = up ]
	# Frames right after link-up may be dropped: probe until the peer answers, then count.
	pod pa probe "$mac_b"
	[ "$output" = "probe ok" ]
	base=$(FPCTL -j stats "$port_b" | jq -r '.ports[0].counters.txPackets')
	pod pa send "$mac_b" 40
	pod pb expect "$mac_a" 40
	[ "$output" = "got 40" ]
	pod pb send "$mac_a" 25
	pod pa expect "$mac_b" 25
	[ "$output" = "got 25" ]
	[ $(($(FPCTL -j stats "$port_b" | jq -r '.ports[0].counters.txPackets') - base)) -eq 40 ]

	CONTAINER_ID=pa run cni_exec dpdk-vhost CHECK "$(conf 1.1.0 "\"prevResult\": $res_a")"
	[ "$status" -eq 0 ] || fail "CHECK: $output"
}

@test "dpdk-vhost: result shape for every cniVersion, DEL and a second DEL" {
	fpd_config
	fpd_start
	local v
	for v in $CNI_VERSIONS; do
		CONTAINER_ID=v$v run cni_exec dpdk-vhost ADD "$(conf "$v" '"mac": "02:aa:00:00:00:01"')"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		assert_json ".cniVersion == \"$v\""
		case $v in
		0.1.0 | 0.2.0)
			assert_json '(.ip4.ip | test("^10\\.252\\.0\\.[0-9]+/24$")) and .ip4.gateway == "10.252.0.1" and
				(has("interfaces") | not)'
			;;
		1.1.0)
			assert_json ".interfaces == [{\"name\": \"eth0\", \"mac\": \"02:aa:00:00:00:01\",
				\"sandbox\": \"/run/netns/$CTR\",
				\"socketPath\": \"$SOCK_DIR/v$v-eth0/vhost-user.sock\"}] and
				(.ips | length == 1) and .ips[0].gateway == \"10.252.0.1\" and .ips[0].interface == 0"
			;;
		*)
			assert_json ".interfaces == [{\"name\": \"eth0\", \"mac\": \"02:aa:00:00:00:01\",
				\"sandbox\": \"/run/netns/$CTR\"}] and .ips[0].interface == 0 and
				(.ips[0].address | test(\"^10\\\\.252\\\\.0\\\\.[0-9]+/24$\"))"
			;;
		esac
		[ -f "$(info "v$v")" ]
		run FPCTL -j ports
		assert_json '.ports | length == 1'
		CONTAINER_ID=v$v run cni_exec dpdk-vhost DEL "$(conf "$v" '"mac": "02:aa:00:00:00:01"')"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		[ ! -e "$SOCK_DIR/v$v-eth0" ]
		run FPCTL -j ports
		assert_json '.ports == []'
		[ "$(reserved)" -eq 0 ]
		CONTAINER_ID=v$v run cni_exec dpdk-vhost DEL "$(conf "$v")"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
	done
}

@test "dpdk-vhost: CHECK asks the daemon; STATUS is 50 with the daemon down" {
	fpd_config
	fpd_start
	run cni_exec dpdk-vhost STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "STATUS: $output"
	add pc
	res=$output
	CONTAINER_ID=pc run cni_exec dpdk-vhost CHECK "$(conf 1.1.0 "\"prevResult\": $res")"
	[ "$status" -eq 0 ] || fail "CHECK: $output"
	CONTAINER_ID=pc run cni_exec dpdk-vhost CHECK "$(conf 1.1.0)"
	assert_error 7

	port=$(FPCTL -j ports | jq -r '.ports[0].name')
	FPCTL del "$port"
	CONTAINER_ID=pc run cni_exec dpdk-vhost CHECK "$(conf 1.1.0 "\"prevResult\": $res")"
	assert_error 3

	fpd_stop
	CONTAINER_ID=pc run cni_exec dpdk-vhost CHECK "$(conf 1.1.0 "\"prevResult\": $res")"
	assert_error 11
	run cni_exec dpdk-vhost STATUS "$(conf 1.1.0)"
	assert_error 50
	# ADD needs the daemon, and makes nothing without it.
	CONTAINER_ID=pd run cni_exec dpdk-vhost ADD "$(conf 1.1.0)"
	assert_error 11
	[ ! -e "$SOCK_DIR/pd-eth0" ]
	[ "$(reserved)" -eq 1 ]
}

@test "dpdk-vhost: DEL with the daemon down succeeds; the orphaned port goes at the next call" {
	fpd_config
	fpd_start
	add pe
	port=$(FPCTL -j ports | jq -r '.ports[0].name')
	fpd_stop
	CONTAINER_ID=pe run cni_exec dpdk-vhost DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "DEL: $output"
	grep -q "left to the next reconcile" "$TMP/stderr"
	[ ! -e "$SOCK_DIR/pe-eth0" ]
	[ "$(reserved)" -eq 0 ]
	CNI_NETNS="" CONTAINER_ID=pe run cni_exec dpdk-vhost DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "DEL without netns: $output"

	# The daemon restores the port from its state file; the next ADD drops it.
	fpd_start
	run FPCTL -j ports
	assert_json "[.ports[].name] == [\"$port\"]"
	add pf
	run FPCTL -j ports
	assert_json "[.ports[].name] | length == 1 and .[0] != \"$port\""
}

@test "dpdk-vhost: GC removes ports, files and IPs of attachments not in the valid list" {
	fpd_config
	fpd_start
	add g1
	add g2
	add g3
	# A port that is not ours (no dv- prefix) is never touched.
	FPCTL add-vhost other "$TMP/other.sock" --mac 02:00:00:00:99:99 >/dev/null
	run cni_exec dpdk-vhost GC "$(conf 1.1.0 '"cni.dev/valid-attachments": [
		{"containerID": "g2", "ifname": "eth0"}]')"
	[ "$status" -eq 0 ] || fail "GC: $output"
	[ ! -e "$SOCK_DIR/g1-eth0" ] && [ ! -e "$SOCK_DIR/g3-eth0" ] && [ -f "$(info g2)" ]
	run FPCTL -j ports
	assert_json "[.ports[].socket] | sort == [\"$TMP/other.sock\", \"$SOCK_DIR/g2-eth0/vhost-user.sock\"]"
	[ "$(reserved)" -eq 1 ]
	[ "$(head -n1 "$DATA_DIR/dvnet/10.252.0.3" | tr -d "\r")" = g2 ]
}

@test "dpdk-vhost: a socket path over 108 bytes is a clear code 7; a failed ADD leaves nothing" {
	fpd_config
	fpd_start
	SOCK_DIR=$TMP/$(printf 'd%.0s' $(seq 90))
	run cni_exec dpdk-vhost ADD "$(conf 1.1.0)"
	assert_error 7
	assert_json "(.msg | test(\"over the 107-byte limit of a Unix socket path\")) and .details == \"$SOCK_DIR/$CONTAINER_ID-eth0/vhost-user.sock\""
	[ ! -e "$SOCK_DIR" ]
	[ "$(reserved)" -eq 0 ]
	run cni_exec dpdk-vhost DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "DEL: $output"

	# fastpathd refuses the port (its name is taken by another socket): IP, files, port undone.
	SOCK_DIR=$TMP/vhost
	add px
	port=$(FPCTL -j ports | jq -r '.ports[0].name')
	CONTAINER_ID=px run cni_exec dpdk-vhost DEL "$(conf 1.1.0)"
	FPCTL add-vhost "$port" "$TMP/squatter.sock" >/dev/null
	CONTAINER_ID=px run cni_exec dpdk-vhost ADD "$(conf 1.1.0)"
	assert_error 5
	[ ! -e "$SOCK_DIR/px-eth0" ]
	[ "$(reserved)" -eq 0 ]
	run FPCTL -j ports
	assert_json "[.ports[].socket] == [\"$TMP/squatter.sock\"]"

	run cni_exec dpdk-vhost ADD "$(conf 1.1.0 '"vhostMode": "both"')"
	assert_error 7
	run cni_exec dpdk-vhost ADD "$(conf 1.1.0 '"vlan": 4095')"
	assert_error 7
}

@test "dpdk-vhost: conf-examples/dpdk-vhost.conflist through cnitool (paths moved under TMP)" {
	fpd_config
	fpd_start
	mkdir -p "$TMP/net.d"
	jq --arg c "$TMP/ctl.sock" --arg s "$SOCK_DIR" --arg d "$DATA_DIR" \
		'.plugins[0].controlSocket = $c | .plugins[0].socketDir = $s |
		 .plugins[0].ipam.dataDir = $d' \
		"$REPO/conf-examples/dpdk-vhost.conflist" >"$TMP/net.d/dpdk-vhost.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" \
			CNI_CACHE_DIR="$TMP/cache" CNI_CONTAINERID=cx CAP_ARGS='{"mac": "02:56:00:00:00:07"}' \
			"$BIN/cnitool" "$@" 2>>"$TMP/stderr"
	}
	run tool add dpdk-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "add: $output $(cat "$TMP/stderr")"
	assert_json '.interfaces[0].mac == "02:56:00:00:00:07" and (.interfaces[0].socketPath | endswith("/vhost-user.sock"))
		and .ips[0].address == "10.56.0.2/24"'
	run FPCTL -j ports
	assert_json '.ports[0].vlan == 10 and .ports[0].mac == "02:56:00:00:00:07"'
	run tool check dpdk-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "check: $output $(cat "$TMP/stderr")"
	run tool del dpdk-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "del: $output $(cat "$TMP/stderr")"
	run FPCTL -j ports
	assert_json '.ports == []'
	[ -z "$(ls -A "$SOCK_DIR")" ]
}
