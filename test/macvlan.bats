#!/usr/bin/env bats
# The macvlan plugin run as a runtime runs it. The "master" is a veth in the node netns whose peer
# sits in a neighbour netns: the neighbour stands for the other hosts of the node's L2 and holds
# the gateway. Result asserted with jq, kernel state with `ip -j`, traffic with ping.

load helpers/common

setup() {
	cni_setup
	MASTER="${PFX}m"
	NB="$PFX-nb"
	ip netns add "$NB"
	ip -n "$NODE" link add "$MASTER" type veth peer name eth0 netns "$NB"
	ip -n "$NODE" link set "$MASTER" up
	ip -n "$NB" link set eth0 up
	ip -n "$NB" addr add 10.78.0.1/24 dev eth0
}

teardown() {
	cni_teardown
}

# conf VERSION [JSON merged over the default config]
conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg m "$MASTER" --arg dd "$DATA_DIR" --argjson x "$extra" \
		'{cniVersion: $v, name: "mvnet", type: "macvlan", master: $m,
		  ipam: {type: "host-local", subnet: "10.78.0.0/24", rangeStart: "10.78.0.10",
			 gateway: "10.78.0.1", dataDir: $dd}} * $x'
}

# conf without its ipam object: layer 2 only.
l2conf() {
	conf "$@" | jq -c 'del(.ipam)'
}

with_prev() {
	jq -nc --argjson c "$1" --argjson p "$2" '$c + {prevResult: $p}'
}

reserved() {
	ls "$DATA_DIR/mvnet" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

# link_json [NETNS] [IFNAME]: `ip -d -j link show` of one link.
link_json() {
	ip -n "${1:-$CTR}" -d -j link show "${2:-eth0}" | jq -c '.[0]'
}

no_link() {
	run ip -n "${1:-$CTR}" link show "${2:-eth0}"
	[ "$status" -ne 0 ] || fail "link ${2:-eth0} still exists in ${1:-$CTR}"
}

master_ifindex() {
	ip -n "$NODE" -j link show "$MASTER" | jq '.[0].ifindex'
}

@test "macvlan: ADD, CHECK, DEL for every cniVersion" {
	for v in $CNI_VERSIONS; do
		c=$(conf "$v")
		run cni_exec macvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		l=$(link_json)
		if [[ " $CNI_VERSIONS_IPS " == *" $v "* ]]; then
			assert_json ".cniVersion == \"$v\""
			assert_json ".interfaces == [{name: \"eth0\", mac: $(jq '.address' <<<"$l"), sandbox: \"/run/netns/$CTR\"}]"
			assert_json '[.ips[] | {interface, address, gateway}] == [{interface: 0, address: "10.78.0.10/24", gateway: "10.78.0.1"}]'
		else
			assert_json '.ip4.ip == "10.78.0.10/24" and .ip4.gateway == "10.78.0.1"'
		fi
		assert_json '.dns == {}'
		assert_json "(.interfaces[0].mtu // null) == null"
		assert_json ".linkinfo.info_kind == \"macvlan\" and .linkinfo.info_data.mode == \"bridge\"" "$l"
		assert_json ".link_index == $(master_ifindex) and .mtu == 1500 and (.flags | index(\"UP\"))" "$l"
		ip -n "$CTR" -j addr show dev eth0 | jq -e '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] == ["10.78.0.10/24"]' >/dev/null
		[ "$(reserved)" = 10.78.0.10 ]
		[ "$(ip netns exec "$CTR" cat /proc/sys/net/ipv4/conf/eth0/arp_notify)" = 1 ]

		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi
		run cni_exec macvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		no_link
		[ -z "$(reserved)" ]
		run cni_exec macvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
		rm -rf "$DATA_DIR"
	done
}

@test "macvlan: a neighbour on the master's L2 and the pod ping each other, IPv4 and IPv6" {
	ip -n "$NB" addr add fd00:78::1/64 dev eth0 nodad
	c=$(conf 1.1.0 '{"ipam": {"subnet": null, "ranges": [[{"subnet": "10.78.0.0/24", "rangeStart": "10.78.0.10"}], [{"subnet": "fd00:78::/64", "rangeStart": "fd00:78::10"}]]}}')
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '[.ips[].address] == ["10.78.0.10/24", "fd00:78::10/64"]'
	ip netns exec "$NB" ping -c1 -W2 10.78.0.10
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
	ip netns exec "$NB" ping -c1 -W2 fd00:78::10
	ip netns exec "$CTR" ping -c1 -W2 fd00:78::1
	# The neighbour learnt the pod's MAC, the one the result reports.
	mac=$(jq -r '.interfaces[0].mac' <<<"$output")
	ip -n "$NB" -j neigh show 10.78.0.10 | jq -e --arg m "$mac" '.[0].lladdr == $m' >/dev/null
	run cni_exec macvlan CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "macvlan: two pods in bridge mode reach each other through the master" {
	cni_add_ns c2
	run cni_exec macvlan ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec macvlan ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.ips[0].address == "10.78.0.11/24"'
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.11
	ip netns exec "$PFX-c2" ping -c1 -W2 10.78.0.10
}

@test "macvlan: every mode reaches the kernel; CHECK notices a mode the config does not say" {
	for mode in bridge private vepa passthru; do
		c=$(l2conf 1.1.0 "{\"mode\": \"$mode\"}")
		run cni_exec macvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $mode: $output"
		result=$output
		assert_json ".linkinfo.info_data.mode == \"$mode\"" "$(link_json)"
		run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
		[ "$status" -eq 0 ] || fail "CHECK $mode: $output"
		other=$([ "$mode" = vepa ] && echo bridge || echo vepa)
		run cni_exec macvlan CHECK "$(with_prev "$(l2conf 1.1.0 "{\"mode\": \"$other\"}")" "$result")"
		assert_error 3
		assert_json ".msg == \"container macvlan mode $mode does not match expected value: $other\""
		run cni_exec macvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $mode: $output"
		no_link
	done
	run cni_exec macvlan ADD "$(l2conf 1.1.0 '{"mode": "source"}')"
	assert_error 7
	assert_json '.msg == "unknown macvlan mode: \"source\""'
	no_link
}

@test "macvlan: mtu from 0 up to the master's, bcqueuelen, both reach the kernel" {
	ip -n "$NODE" link set "$MASTER" mtu 1450
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"mtu": 1400, "bcqueuelen": 2000}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.mtu == 1400 and .linkinfo.info_data.bcqueuelen == 2000' "$(link_json)"
	run cni_exec macvlan ADD "$(conf 1.1.0)" eth1
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.mtu == 1450' "$(link_json "$CTR" eth1)"
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"mtu": 1451}')" eth2
	assert_error 7
	assert_json '.msg == "invalid MTU 1451, must be [0, master MTU(1450)]"'
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"mtu": -1}')" eth2
	assert_error 7
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"mtu": "1400"}')" eth2
	assert_error 7
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"bcqueuelen": -5}')" eth2
	assert_error 7
	no_link "$CTR" eth2
	[ "$(reserved | wc -l)" -eq 2 ]
}

@test "macvlan: MAC from the mac key, CNI_ARGS MAC and runtimeConfig.mac, in that precedence" {
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"mac": "0a:58:0a:4e:00:01"}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[0].mac == "0a:58:0a:4e:00:01"'
	assert_json '.address == "0a:58:0a:4e:00:01"' "$(link_json)"
	CNI_ARGS="IgnoreUnknown=1;MAC=0a:58:0a:4e:00:02" run cni_exec macvlan ADD "$(conf 1.1.0 '{"mac": "0a:58:0a:4e:00:01"}')" eth1
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[0].mac == "0a:58:0a:4e:00:02"'
	CNI_ARGS="IgnoreUnknown=1;MAC=0a:58:0a:4e:00:02" run cni_exec macvlan ADD \
		"$(conf 1.1.0 '{"mac": "0a:58:0a:4e:00:01", "runtimeConfig": {"mac": "0a:58:0a:4e:00:03"}}')" eth2
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[0].mac == "0a:58:0a:4e:00:03"'
	assert_json '.address == "0a:58:0a:4e:00:03"' "$(link_json "$CTR" eth2)"
	ip netns exec "$NB" ping -c1 -W2 10.78.0.12
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"runtimeConfig": {"mac": "not-a-mac"}}')" eth3
	assert_error 7
	assert_json '.msg == "invalid args not-a-mac for MAC addr"'
	CNI_ARGS="FOO=bar" run cni_exec macvlan ADD "$(conf 1.1.0)" eth3
	assert_error 4
	# host-local, as the reference's, refuses a MAC it does not know without IgnoreUnknown; the
	# link made before IPAM goes again (the reference leaves it behind).
	CNI_ARGS="MAC=0a:58:0a:4e:00:04" run cni_exec macvlan ADD "$(conf 1.1.0)" eth3
	assert_error 4
	no_link "$CTR" eth3
	[ "$(reserved | wc -l)" -eq 3 ]
}

@test "macvlan: without master, the node's default route interface is the master" {
	ip -n "$NODE" addr add 10.78.0.2/24 dev "$MASTER"
	c=$(conf 1.1.0 | jq -c 'del(.master)')
	run cni_exec macvlan ADD "$c"
	assert_error 7
	assert_json '.msg == "no default route interface found"'
	[ -z "$(reserved)" ]
	ip -n "$NODE" route add default via 10.78.0.1
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json ".link_index == $(master_ifindex)" "$(link_json)"
	ip netns exec "$NB" ping -c1 -W2 10.78.0.10
	run cni_exec macvlan CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "macvlan: linkInContainer takes the master, named or by default route, in the pod's netns" {
	# The pod already has a link to the neighbour: a second veth pair, the master inside the pod.
	ip -n "$NB" link add nb1 type veth peer name pm0 netns "$CTR"
	ip -n "$NB" link set nb1 up
	ip -n "$NB" addr add 10.79.0.1/24 dev nb1
	ip -n "$CTR" link set pm0 up
	c=$(conf 1.1.0 '{"master": "pm0", "linkInContainer": true, "ipam": {"subnet": "10.79.0.0/24", "rangeStart": "10.79.0.10", "gateway": "10.79.0.1"}}')
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json '.link == "pm0" and (.link_netnsid == null)' "$(link_json)"
	ip netns exec "$NB" ping -c1 -W2 10.79.0.10
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	# The node has no pm0: without linkInContainer the same master is not found.
	run cni_exec macvlan CHECK "$(with_prev "$(jq -c '.linkInContainer = false' <<<"$c")" "$result")"
	assert_error 7
	run cni_exec macvlan DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	no_link

	ip -n "$CTR" addr add 10.79.0.2/24 dev pm0
	ip -n "$CTR" route add default via 10.79.0.1
	run cni_exec macvlan ADD "$(l2conf 1.1.0 '{"master": null, "linkInContainer": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.link == "pm0"' "$(link_json)"
}

@test "macvlan: without ipam the link is only set up; CHECK passes" {
	c=$(l2conf 1.0.0)
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json '(.ips // []) == [] and (.routes // []) == [] and .dns == {}'
	assert_json '.interfaces | length == 1'
	assert_json '(.flags | index("UP")) and .operstate != "DOWN"' "$(link_json)"
	ip -n "$CTR" -j addr show dev eth0 | jq -e '[.[0].addr_info[] | select(.scope == "global")] == []' >/dev/null
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec macvlan DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	no_link
}

@test "macvlan: dns of the config is the result's; ipam routes are installed" {
	c=$(conf 1.1.0 '{"dns": {"nameservers": ["10.78.0.53"], "search": ["example.org"]}, "ipam": {"routes": [{"dst": "0.0.0.0/0"}, {"dst": "10.90.0.0/16", "gw": "10.78.0.1"}]}}')
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.dns == {nameservers: ["10.78.0.53"], search: ["example.org"]}'
	assert_json '.routes == [{dst: "0.0.0.0/0"}, {dst: "10.90.0.0/16", gw: "10.78.0.1"}]'
	ip -n "$CTR" -j route show default | jq -e '.[0].gateway == "10.78.0.1" and .[0].dev == "eth0"' >/dev/null
	ip -n "$CTR" -j route show 10.90.0.0/16 | jq -e '.[0].gateway == "10.78.0.1"' >/dev/null
	run cni_exec macvlan CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$CTR" route del 10.90.0.0/16
	run cni_exec macvlan CHECK "$(with_prev "$c" "$(jq -c . <<<"$output")")"
	[ "$status" -ne 0 ] || fail "CHECK passed with a route removed"
}

@test "macvlan: DEL with the netns gone, with CNI_NETNS empty, with the master gone, and twice" {
	run cni_exec macvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip netns del "$CTR"
	run cni_exec macvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	run cni_exec macvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"

	ip netns add "$CTR"
	run cni_exec macvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec macvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	run cni_exec macvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	no_link

	run cni_exec macvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" link del "$MASTER"
	no_link
	# A DEL does not read master, mode or mtu: a broken one still cleans up.
	run cni_exec macvlan DEL "$(conf 1.1.0 '{"mode": "nonsense", "mtu": -3}')"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
}

@test "macvlan: CHECK fails when the address, the link or the master is gone" {
	c=$(conf 1.1.0)
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	run cni_exec macvlan CHECK "$c"
	assert_error 7
	wrong_mac=$(jq -c '.interfaces[0].mac = "0a:00:00:00:00:99"' <<<"$result")
	run cni_exec macvlan CHECK "$(with_prev "$c" "$wrong_mac")"
	assert_error 3
	wrong_ns=$(jq -c '.interfaces[0].sandbox = "/run/netns/elsewhere"' <<<"$result")
	run cni_exec macvlan CHECK "$(with_prev "$c" "$wrong_ns")"
	assert_error 3
	ip -n "$CTR" addr del 10.78.0.10/24 dev eth0
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	ip -n "$CTR" link del eth0
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	assert_json '.msg == "Container Interface name in prevResult: eth0 not found"'
	ip -n "$NODE" link del "$MASTER"
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 7
	assert_json ".msg == \"failed to lookup master \\\"$MASTER\\\": Link not found\""
}

@test "macvlan: a link of another kind named like the pod's interface fails CHECK" {
	c=$(l2conf 1.1.0)
	run cni_exec macvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	ip -n "$CTR" link del eth0
	ip -n "$CTR" link add eth0 type veth peer name x0
	run cni_exec macvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	assert_json '.msg == "Error: Container interface eth0 not of type macvlan"'
}

@test "macvlan: a failed ADD leaves no link and no reservation" {
	# IPAM refuses (an IP outside the range): the link made before it goes again.
	CNI_ARGS="IgnoreUnknown=1;IP=10.99.9.9" run cni_exec macvlan ADD "$(conf 1.1.0)"
	[ "$status" -ne 0 ] || fail "ADD with an IP outside the range succeeded"
	assert_json '.code != 0 and .code != 999'
	no_link
	[ -z "$(reserved)" ]
	# A failure after IPAM (a route the kernel refuses) releases the IP and removes the link.
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"ipam": {"routes": [{"dst": "10.90.0.0/16", "gw": "10.200.0.1"}]}}')"
	[ "$status" -ne 0 ] || fail "ADD with an unreachable gateway succeeded"
	assert_json '.code != 999'
	no_link
	[ -z "$(reserved)" ]
	# The pod already has the name: nothing is created, nothing reserved.
	ip -n "$CTR" link add eth0 type veth peer name x0
	run cni_exec macvlan ADD "$(conf 1.1.0)"
	assert_error 7
	[ -z "$(reserved)" ]
	[ "$(ip -n "$CTR" -j -d link show type macvlan | jq length)" -eq 0 ]
	[ "$(ip -n "$NODE" -j -d link show type macvlan | jq length)" -eq 0 ]
}

@test "macvlan: error codes for a missing master and a bad netns" {
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"master": "nonexistent0"}')"
	assert_error 7
	assert_json '.msg == "failed to lookup master \"nonexistent0\": Link not found"'
	run cni_exec macvlan ADD "$(conf 1.1.0 '{"master": "waytoolongname0123"}')"
	assert_error 7
	CNI_NETNS=/run/netns/$PFX-nothere run cni_exec macvlan ADD "$(conf 1.1.0)"
	assert_error 8
	[ -z "$(reserved)" ]
}

@test "macvlan: STATUS answers 50 without the master; GC releases what is not valid" {
	run cni_exec macvlan STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec macvlan STATUS "$(conf 1.1.0 '{"master": "nonexistent0"}')"
	assert_error 50
	run cni_exec macvlan STATUS "$(conf 1.1.0 '{"master": "nonexistent0", "linkInContainer": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec macvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=ctr2 run cni_exec macvlan ADD "$(conf 1.1.0)" eth1
	[ "$status" -eq 0 ] || fail "$output"
	gc=$(conf 1.1.0 | jq -c --arg id "$CONTAINER_ID" '. + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}')
	run cni_exec macvlan GC "$gc"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(reserved)" = 10.78.0.10 ]
}

@test "macvlan: results and kernel state match the reference binary's" {
	[ -x "$REF_BIN/macvlan" ] || skip "no reference macvlan in $REF_BIN"
	shape() { jq -c '{cniVersion, interfaces: [.interfaces[]? | {name, sandbox, has_mac: (.mac | length == 17)}], ips, ip4, routes, dns}'; }
	# Debian's reference (v1.1.1) predates bcqueuelen: it is left out of the comparison.
	state() { ip -n "$CTR" -d -j link show eth0 | jq -c '.[0] | {mtu, flags, info: .linkinfo.info_data.mode}'; }
	for v in 0.2.0 0.3.1 0.4.0 1.0.0; do
		for extra in '{}' '{"mode": "private", "mtu": 1300, "bcqueuelen": 1500, "dns": {"nameservers": ["10.78.0.53"]}}'; do
			c=$(conf "$v" "$extra")
			PLUGIN_DIR=$REF_BIN run cni_exec macvlan ADD "$c"
			[ "$status" -eq 0 ] || fail "reference ADD $v: $output"
			ref=$(shape <<<"$output")
			ref_state=$(state)
			PLUGIN_DIR=$REF_BIN run cni_exec macvlan DEL "$c"
			[ "$status" -eq 0 ]
			rm -rf "$DATA_DIR"
			run cni_exec macvlan ADD "$c"
			[ "$status" -eq 0 ] || fail "ADD $v: $output"
			[ "$(shape <<<"$output")" = "$ref" ] || fail "$v: ours $(shape <<<"$output"), reference $ref"
			[ "$(state)" = "$ref_state" ] || fail "$v kernel: ours $(state), reference $ref_state"
			run cni_exec macvlan DEL "$c"
			[ "$status" -eq 0 ]
			rm -rf "$DATA_DIR"
		done
	done
}

@test "macvlan.conflist: cnitool add with the node's default route as master, ping, check, del" {
	[ -x "$BIN/cnitool" ] || skip "cnitool not built"
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' \
		"$REPO/conf-examples/macvlan.conflist" >"$TMP/net.d/macvlan.conflist"
	net=$(jq -r .name "$TMP/net.d/macvlan.conflist")
	sn=$(jq -r '.plugins[0].ipam.ranges[0][0].subnet' "$TMP/net.d/macvlan.conflist")
	gw=$(jq -r '.plugins[0].ipam.ranges[0][0].gateway' "$TMP/net.d/macvlan.conflist")
	ip -n "$NB" addr add "$gw/${sn#*/}" dev eth0
	ip -n "$NODE" route add default dev "$MASTER"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" \
			CNI_CACHE_DIR="$TMP/cache" "$BIN/cnitool" "$@" "/run/netns/$CTR" 2>>"$TMP/stderr"
	}
	run tool add "$net"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json '.cniVersion == "1.1.0" and (.interfaces | length == 1) and .ips[0].interface == 0'
	addr=$(jq -r '.ips[0].address | split("/")[0]' <<<"$output")
	ip netns exec "$NB" ping -c1 -W2 "$addr"
	ip netns exec "$CTR" ping -c1 -W2 "$gw"
	ip -n "$CTR" -j route show default | jq -e --arg gw "$gw" '.[0].gateway == $gw' >/dev/null
	run tool check "$net"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run tool del "$net"
	[ "$status" -eq 0 ] || fail "$output"
	no_link
	[ -z "$(ls "$DATA_DIR/$net" | grep -v -e lock -e last_reserved)" ]
}
