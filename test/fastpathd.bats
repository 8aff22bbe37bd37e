#!/usr/bin/env bats
# fastpathd: the DPDK switch with virtual devices only. Pods are fppod processes (a virtio-user
# port on each vhost-user socket); the uplink is an af_packet vdev on a veth whose peer netns
# answers ARP and ping. One worker lcore, nice 10, idle back-off on: the machine is shared.

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
	# LeakSanitizer cannot see DPDK's memory through its own allocator's mappings.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
}

teardown() {
	fpd_teardown
	cni_teardown
}

# pod_start NAME MAC: a pod process serving the vhost-user socket $TMP/NAME.sock.
pod_start() {
	fppod_start "$1" "$TMP/$1.sock" "$2"
}

# add_vhost NAME MAC VLAN: the pod's port on the switch.
add_vhost() {
	FPCTL add-vhost "$1" "$TMP/$1.sock" --mac "$2" --vlan "$3"
}

# counter PORT FIELD -> the value.
counter() {
	FPCTL -j stats "$1" | jq -r ".ports[0].counters.$2"
}

MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
MAC_C=02:00:00:00:00:0c
MAC_D=02:00:00:00:00:0d

# Four pods: A and B in VLAN 10, C and D in VLAN 20, linked and answering.
four_pods() {
	fpd_config '"macAgingSec": 60'
	fpd_start
	pod_start A $MAC_A
	pod_start B $MAC_B
	pod_start C $MAC_C
	pod_start D $MAC_D
	add_vhost A $MAC_A 10
	add_vhost B $MAC_B 10
	add_vhost C $MAC_C 20
	add_vhost D $MAC_D 20
	local p
	for p in A B C D; do
		FPCTL wait-link "$p"
		pod "$p" wait-link
		[ "$output" = up ]
	done
	pod A probe $MAC_B
	[ "$output" = "probe ok" ]
	pod C probe $MAC_D
	[ "$output" = "probe ok" ]
}

@test "fastpathd: unicast and broadcast between pods, VLANs isolated, counters agree" {
	four_pods
	local p f
	declare -A base
	for p in A B C D; do
		for f in rxPackets txPackets flooded; do
			base[$p$f]=$(counter $p $f)
		done
	done

	pod A send $MAC_B 50
	pod B expect $MAC_A 50
	[ "$output" = "got 50" ]
	pod A send ff:ff:ff:ff:ff:ff 7
	pod B expect $MAC_A 57
	[ "$output" = "got 57" ]
	# C's MAC is unknown in VLAN 10: flooded there (B), never into VLAN 20.
	pod A send $MAC_C 3
	pod B expect $MAC_A 60
	[ "$output" = "got 60" ]
	pod C send ff:ff:ff:ff:ff:ff 5
	pod D expect $MAC_C 5
	[ "$output" = "got 5" ]
	# One worker forwards in order: anything that leaked would have arrived by now.
	pod C count $MAC_A
	[ "$output" = "count 0" ]
	pod D count $MAC_A
	[ "$output" = "count 0" ]
	pod A count $MAC_C
	[ "$output" = "count 0" ]
	pod B count $MAC_C
	[ "$output" = "count 0" ]

	[ $(($(counter A rxPackets) - base[ArxPackets])) -eq 60 ]
	[ $(($(counter A flooded) - base[Aflooded])) -eq 10 ]
	[ $(($(counter B txPackets) - base[BtxPackets])) -eq 60 ]
	[ $(($(counter C rxPackets) - base[CrxPackets])) -eq 5 ]
	[ $(($(counter C txPackets) - base[CtxPackets])) -eq 0 ]
	[ $(($(counter D txPackets) - base[DtxPackets])) -eq 5 ]
	[ $(($(counter A txPackets) - base[AtxPackets])) -eq 0 ]
	run FPCTL -j stats
	assert_json '[.ports[].counters.txDropped] | add == 0'

	run FPCTL -j macs
	assert_json '[.macs[] | select(.static)] | length == 4'
	assert_json '.macs[] | select(.mac == "02:00:00:00:00:0c") | .vlan == 20 and .port == "C"'
	run FPCTL -j status
	assert_json '.status.ports == 4 and .status.workers == 1 and .status.idleSleepMaxUs > 0'
}

@test "fastpathd: pod to uplink, ARP and ping through an af_packet vdev, MAC learned" {
	cni_add_ns ext
	ip -n "$NODE" link add up0 type veth peer name up1 netns "$PFX-ext"
	ip -n "$NODE" link set up0 up
	ip -n "$PFX-ext" addr add 10.251.0.1/24 dev up1
	ip -n "$PFX-ext" link set up1 up
	fpd_config '"macAgingSec": 60, "uplink": {"name": "uplink", "type": "ethdev", "devargs": "net_af_packet0,iface=up0"}'
	fpd_start
	pod_start A $MAC_A
	pod_start B $MAC_B
	FPCTL add-vhost A "$TMP/A.sock" --mac $MAC_A
	add_vhost B $MAC_B 10
	FPCTL wait-link A
	FPCTL wait-link B
	pod A wait-link
	pod B wait-link

	pod A ping 10.251.0.2 10.251.0.1 10
	[ "$output" = "ping ok" ]
	run ip -j -n "$PFX-ext" neigh show dev up1
	assert_json '.[] | select(.dst == "10.251.0.2") | .lladdr == "02:00:00:00:00:0a"'
	ext_mac=$(ip -j -n "$PFX-ext" link show up1 | jq -r '.[0].address')
	run FPCTL -j macs
	assert_json ".macs[] | select(.mac == \"$ext_mac\") | .port == \"uplink\" and (.static | not)"
	run FPCTL -j stats uplink
	assert_json '.ports[0].learn == true and .ports[0].counters.rxPackets >= 2'

	# B's VLAN 10 does not reach the uplink's untagged segment.
	pod B ping 10.251.0.3 10.251.0.1 1
	[ "$output" != "ping ok" ]
	run ip -j -n "$PFX-ext" neigh show dev up1
	assert_json '[.[] | select(.dst == "10.251.0.3")] | length == 0'
}

@test "fastpathd: a restart restores live ports from the state file and pods reconnect" {
	fpd_config '"macAgingSec": 60'
	fpd_start
	pod_start A $MAC_A
	pod_start B $MAC_B
	add_vhost A $MAC_A 10
	add_vhost B $MAC_B 10
	FPCTL wait-link A
	FPCTL wait-link B
	pod A probe $MAC_B
	[ "$output" = "probe ok" ]
	run jq -c '[.ports[].name]' "$TMP/state/ports.json"
	[ "$output" = '["A","B"]' ]

	fpd_stop
	[ ! -e "$TMP/ctl.sock" ]
	fpd_start
	run FPCTL -j ports
	assert_json '[.ports[] | {name, vlan, mac, mode}] == [
		{"name": "A", "vlan": 10, "mac": "02:00:00:00:00:0a", "mode": "client"},
		{"name": "B", "vlan": 10, "mac": "02:00:00:00:00:0b", "mode": "client"}]'
	FPCTL wait-link A
	FPCTL wait-link B
	# The same pod processes, never restarted: reconnected by the daemon (vhost-user client).
	pod A probe $MAC_B
	[ "$output" = "probe ok" ]
	pod A send $MAC_B 10
	pod B expect $MAC_A 10
	[ "$output" = "got 10" ]

	FPCTL del A
	run jq -c '[.ports[].name]' "$TMP/state/ports.json"
	[ "$output" = '["B"]' ]
	run FPCTL -j ports
	assert_json '[.ports[].name] == ["B"]'
}

@test "fastpathd: hostile control requests get errors and forwarding goes on" {
	four_pods
	run stat -c '%a %u' "$TMP/ctl.sock"
	[ "$output" = "600 0" ]

	run FPCTL raw '{"op": "add-port", "port": '
	assert_json '.ok == false and .error == "invalid"'
	run FPCTL raw '[1, 2, 3]'
	assert_json '.ok == false and .error == "invalid"'
	run FPCTL raw '{"op": "reboot"}'
	assert_json '.ok == false and .error == "invalid" and (.msg | test("unknown op"))'
	run FPCTL raw '{"op": "del-port", "name": "nosuch"}'
	assert_json '.ok == false and .error == "not-found"'
	run FPCTL raw '{"op": "add-port", "port": {"name": "x", "type": "vhost-user", "socket": "/tmp/x", "vlan": 5000}}'
	assert_json '.ok == false and .error == "invalid"'
	run FPCTL raw '{"op": "add-port", "port": {"name": "A", "type": "vhost-user", "socket": "/tmp/other"}}'
	assert_json '.ok == false and .error == "exists"'
	run FPCTL raw '{"op": "add-port", "port": {"name": "x y", "type": "ethdev", "devargs": "net_null0"}}'
	assert_json '.ok == false and .error == "invalid"'
	run FPCTL del nosuch
	[ "$status" -eq 1 ]
	[[ "$output" == *"no port nosuch"* ]]

	huge=$(head -c 70000 /dev/zero | tr '\0' 'x')
	run FPCTL raw "{\"op\": \"$huge\"}"
	assert_json '.ok == false and .error == "invalid" and (.msg | test("longer than"))'

	# A peer whose uid is not allowed is refused even if it can reach the socket.
	chmod 0666 "$TMP/ctl.sock"
	chmod 0755 "$TMP"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/fastpathctl" \
		-s "$TMP/ctl.sock" status
	[ "$status" -eq 1 ]
	[[ "$output" == *"may not use fastpathd"* ]]

	kill -0 "$FPD_PID"
	pod A send $MAC_B 20
	pod B expect $MAC_A 20
	[ "$output" = "got 20" ]
	run FPCTL -j status
	assert_json '.status.ports == 4'
}
