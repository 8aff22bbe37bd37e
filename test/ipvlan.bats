#!/usr/bin/env bats
# The ipvlan plugin run as a runtime runs it. This host's kernel may lack ipvlan: every test is a
# "[vm] " test (vm_require ipvlan), run by hack/vm/run.sh under Debian's kernel. The "master" is
# a veth in the node netns whose peer sits in a neighbour netns, which holds the gateway.

load helpers/common

setup() {
	cni_setup
	MASTER="${PFX}m"
	NB="$PFX-nb"
	ip netns add "$NB"
	ip -n "$NODE" link add "$MASTER" type veth peer name eth0 netns "$NB"
	ip -n "$NODE" link set "$MASTER" up
	ip -n "$NB" link set eth0 up
	ip -n "$NB" addr add 10.76.0.1/24 dev eth0
}

teardown() {
	cni_teardown
}

# conf VERSION [JSON merged over the default config]
conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg m "$MASTER" --arg dd "$DATA_DIR" --argjson x "$extra" \
		'{cniVersion: $v, name: "ipvnet", type: "ipvlan", master: $m,
		  ipam: {type: "host-local", subnet: "10.76.0.0/24", rangeStart: "10.76.0.10",
			 gateway: "10.76.0.1", dataDir: $dd}} * $x'
}

with_prev() {
	jq -nc --argjson c "$1" --argjson p "$2" '$c + {prevResult: $p}'
}

reserved() {
	ls "$DATA_DIR/ipvnet" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

link_json() {
	ip -n "${1:-$CTR}" -d -j link show "${2:-eth0}" | jq -c '.[0]'
}

no_link() {
	run ip -n "${1:-$CTR}" link show "${2:-eth0}"
	[ "$status" -ne 0 ] || fail "link ${2:-eth0} still exists in ${1:-$CTR}"
}

master_json() {
	ip -n "$NODE" -j link show "$MASTER" | jq -c '.[0]'
}

# A prevResult as a plugin before ipvlan would hand it: one host interface (the master) and IPs.
chained_prev() {
	jq -nc --arg v "$1" --arg m "${2:-$MASTER}" \
		'{cniVersion: $v, interfaces: [{name: $m}],
		  ips: [{address: "10.76.0.50/24", gateway: "10.76.0.1"}],
		  routes: [{dst: "0.0.0.0/0"}], dns: {nameservers: ["10.76.0.53"]}}'
}

@test "[vm] ipvlan: ADD, CHECK, DEL for every cniVersion" {
	vm_require ipvlan
	for v in $CNI_VERSIONS; do
		c=$(conf "$v")
		run cni_exec ipvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		l=$(link_json)
		if [[ " $CNI_VERSIONS_IPS " == *" $v "* ]]; then
			assert_json ".cniVersion == \"$v\""
			assert_json ".interfaces == [{name: \"eth0\", mac: $(master_json | jq .address), sandbox: \"/run/netns/$CTR\"}]"
			assert_json '[.ips[] | {interface, address, gateway}] == [{interface: 0, address: "10.76.0.10/24", gateway: "10.76.0.1"}]'
		else
			assert_json '.ip4.ip == "10.76.0.10/24" and .ip4.gateway == "10.76.0.1"'
		fi
		assert_json '.dns == {}'
		assert_json '.linkinfo.info_kind == "ipvlan" and .linkinfo.info_data.mode == "l2"' "$l"
		assert_json ".link_index == $(master_json | jq .ifindex) and (.flags | index(\"UP\"))" "$l"
		ip -n "$CTR" -j addr show dev eth0 | jq -e '[.[0].addr_info[] | select(.family == "inet") | "\(.local)/\(.prefixlen)"] == ["10.76.0.10/24"]' >/dev/null
		[ "$(reserved)" = 10.76.0.10 ]
		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec ipvlan CHECK "$(with_prev "$c" "$result")"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi
		run cni_exec ipvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		no_link
		[ -z "$(reserved)" ]
		run cni_exec ipvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
		rm -rf "$DATA_DIR"
	done
}

@test "[vm] ipvlan: a neighbour on the master's L2 and the pod ping each other" {
	vm_require ipvlan
	run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip netns exec "$NB" ping -c1 -W2 10.76.0.10
	ip netns exec "$CTR" ping -c1 -W2 10.76.0.1
	# ipvlan shares the master's MAC: that is what the neighbour learnt.
	ip -n "$NB" -j neigh show 10.76.0.10 | jq -e --argjson m "$(master_json)" '.[0].lladdr == $m.address' >/dev/null
}

@test "[vm] ipvlan: every mode reaches the kernel; CHECK notices another; mtu up to the master's" {
	vm_require ipvlan
	for mode in l2 l3 l3s; do
		c=$(conf 1.1.0 "{\"mode\": \"$mode\"}")
		run cni_exec ipvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $mode: $output"
		result=$output
		assert_json ".linkinfo.info_data.mode == \"$mode\"" "$(link_json)"
		run cni_exec ipvlan CHECK "$(with_prev "$c" "$result")"
		[ "$status" -eq 0 ] || fail "CHECK $mode: $output"
		other=$([ "$mode" = l2 ] && echo l3 || echo l2)
		run cni_exec ipvlan CHECK "$(with_prev "$(conf 1.1.0 "{\"mode\": \"$other\"}")" "$result")"
		assert_error 3
		assert_json ".msg == \"Container IPVlan mode $mode does not match expected value: $other\""
		run cni_exec ipvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $mode: $output"
	done
	run cni_exec ipvlan ADD "$(conf 1.1.0 '{"mode": "l4"}')"
	assert_error 7
	ip -n "$NODE" link set "$MASTER" mtu 1450
	run cni_exec ipvlan ADD "$(conf 1.1.0 '{"mtu": 1400}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.mtu == 1400' "$(link_json)"
	run cni_exec ipvlan ADD "$(conf 1.1.0 '{"mtu": 1451}')" eth1
	assert_error 7
	no_link "$CTR" eth1
	[ "$(reserved | wc -l)" -eq 1 ]
}

@test "[vm] ipvlan: chained, the IPs and the master come from prevResult" {
	vm_require ipvlan
	for v in 0.3.1 0.4.0 1.0.0 1.1.0; do
		c=$(conf "$v" '{"master": null, "ipam": null}' | jq -c --argjson p "$(chained_prev "$v")" 'del(.master, .ipam) + {prevResult: $p}')
		run cni_exec ipvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		assert_json ".interfaces == [{name: \"eth0\", mac: $(master_json | jq .address), sandbox: \"/run/netns/$CTR\"}]"
		assert_json '[.ips[] | {interface, address, gateway}] == [{interface: 0, address: "10.76.0.50/24", gateway: "10.76.0.1"}]'
		assert_json '.routes == [{dst: "0.0.0.0/0"}] and .dns == {}'
		assert_json ".link_index == $(master_json | jq .ifindex)" "$(link_json)"
		ip -n "$CTR" -j route show default | jq -e '.[0].gateway == "10.76.0.1"' >/dev/null
		ip netns exec "$NB" ping -c1 -W2 10.76.0.50
		[ ! -d "$DATA_DIR" ]
		if [ "$v" != 0.3.1 ]; then
			run cni_exec ipvlan CHECK "$(jq -c --argjson p "$result" '.prevResult = $p' <<<"$c")"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi
		run cni_exec ipvlan DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		no_link
	done
	# Two interfaces in prevResult and no master: which one is meant is unknown.
	two=$(chained_prev 1.0.0 | jq -c '.interfaces += [{name: "other"}]')
	run cni_exec ipvlan ADD "$(conf 1.0.0 | jq -c --argjson p "$two" 'del(.master, .ipam) + {prevResult: $p}')"
	assert_error 7
	assert_json '.msg == "chained master failure. PrevResult lacks a single named interface"'
	# Neither ipam nor IPs to take over.
	run cni_exec ipvlan ADD "$(conf 1.0.0 | jq -c 'del(.ipam)')"
	assert_error 7
	no_link
}

@test "[vm] ipvlan: without master, the default route's interface; linkInContainer looks in the pod" {
	vm_require ipvlan
	c=$(conf 1.1.0 | jq -c 'del(.master)')
	run cni_exec ipvlan ADD "$c"
	assert_error 7
	assert_json '.msg == "no default route interface found"'
	ip -n "$NODE" route add default dev "$MASTER"
	run cni_exec ipvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json ".link_index == $(master_json | jq .ifindex)" "$(link_json)"
	run cni_exec ipvlan CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec ipvlan DEL "$c"
	[ "$status" -eq 0 ]

	ip -n "$NB" link add nb1 type veth peer name pm0 netns "$CTR"
	ip -n "$NB" link set nb1 up
	ip -n "$NB" addr add 10.75.0.1/24 dev nb1
	ip -n "$CTR" link set pm0 up
	c=$(conf 1.1.0 '{"master": "pm0", "linkInContainer": true, "ipam": {"subnet": "10.75.0.0/24", "rangeStart": "10.75.0.10", "gateway": "10.75.0.1"}}')
	run cni_exec ipvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.link == "pm0"' "$(link_json)"
	ip netns exec "$NB" ping -c1 -W2 10.75.0.10
	run cni_exec ipvlan CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "[vm] ipvlan: DEL with the master gone, the netns gone, CNI_NETNS empty, and twice" {
	vm_require ipvlan
	run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" link del "$MASTER"
	run cni_exec ipvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	no_link
	# Chained (no ipam, no master in the config, the master gone): still a success.
	run cni_exec ipvlan DEL "$(conf 1.1.0 | jq -c --argjson p "$(chained_prev 1.1.0)" 'del(.master, .ipam) + {prevResult: $p}')"
	[ "$status" -eq 0 ] || fail "$output"

	ip -n "$NODE" link add "$MASTER" type veth peer name "${MASTER}p"
	run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip netns del "$CTR"
	run cni_exec ipvlan DEL "$(conf 1.1.0 '{"linkInContainer": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]

	ip netns add "$CTR"
	run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec ipvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	run cni_exec ipvlan DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	no_link
}

@test "[vm] ipvlan: CHECK fails when the address, the link or the master is gone" {
	vm_require ipvlan
	c=$(conf 1.1.0)
	run cni_exec ipvlan ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	run cni_exec ipvlan CHECK "$c"
	assert_error 7
	ip -n "$CTR" addr del 10.76.0.10/24 dev eth0
	run cni_exec ipvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	ip -n "$CTR" link del eth0
	run cni_exec ipvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	ip -n "$NODE" link del "$MASTER"
	run cni_exec ipvlan CHECK "$(with_prev "$c" "$result")"
	assert_error 7
}

@test "[vm] ipvlan: a failed ADD leaves no link and no reservation" {
	vm_require ipvlan
	CNI_ARGS="IgnoreUnknown=1;IP=10.99.9.9" run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -ne 0 ] || fail "ADD with an IP outside the range succeeded"
	assert_json '.code != 999'
	no_link
	[ -z "$(reserved)" ]
	run cni_exec ipvlan ADD "$(conf 1.1.0 '{"ipam": {"routes": [{"dst": "10.90.0.0/16", "gw": "10.200.0.1"}]}}')"
	[ "$status" -ne 0 ] || fail "ADD with an unreachable gateway succeeded"
	no_link
	[ -z "$(reserved)" ]
	[ "$(ip -n "$CTR" -j -d link show type ipvlan | jq length)" -eq 0 ]
}

@test "[vm] ipvlan: STATUS and GC go through IPAM; a missing master is 50" {
	vm_require ipvlan
	run cni_exec ipvlan STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec ipvlan STATUS "$(conf 1.1.0 '{"master": "nonexistent0"}')"
	assert_error 50
	run cni_exec ipvlan ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec ipvlan GC "$(conf 1.1.0 | jq -c '. + {"cni.dev/valid-attachments": []}')"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
}

@test "[vm] ipvlan: results and kernel state match the reference binary's" {
	vm_require ipvlan
	[ -x "$REF_BIN/ipvlan" ] || skip "no reference ipvlan in $REF_BIN"
	shape() { jq -c '{cniVersion, interfaces, ips, ip4, routes, dns}'; }
	state() { ip -n "$CTR" -d -j link show eth0 | jq -c '.[0] | {mtu, flags, address, mode: .linkinfo.info_data.mode}'; }
	for v in 0.2.0 0.4.0 1.0.0; do
		c=$(conf "$v" '{"mode": "l3", "mtu": 1300, "dns": {"nameservers": ["10.76.0.53"]}}')
		PLUGIN_DIR=$REF_BIN run cni_exec ipvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "reference ADD $v: $output"
		ref=$(shape <<<"$output")
		ref_state=$(state)
		PLUGIN_DIR=$REF_BIN run cni_exec ipvlan DEL "$c"
		rm -rf "$DATA_DIR"
		run cni_exec ipvlan ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		[ "$(shape <<<"$output")" = "$ref" ] || fail "$v: ours $(shape <<<"$output"), reference $ref"
		[ "$(state)" = "$ref_state" ] || fail "$v kernel: ours $(state), reference $ref_state"
		run cni_exec ipvlan DEL "$c"
		rm -rf "$DATA_DIR"
	done
}

@test "[vm] ipvlan.conflist: cnitool add with the default route's interface, ping, check, del" {
	vm_require ipvlan
	[ -x "$BIN/cnitool" ] || skip "cnitool not built"
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' \
		"$REPO/conf-examples/ipvlan.conflist" >"$TMP/net.d/ipvlan.conflist"
	net=$(jq -r .name "$TMP/net.d/ipvlan.conflist")
	sn=$(jq -r '.plugins[0].ipam.ranges[0][0].subnet' "$TMP/net.d/ipvlan.conflist")
	gw=$(jq -r '.plugins[0].ipam.ranges[0][0].gateway' "$TMP/net.d/ipvlan.conflist")
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
	run tool check "$net"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run tool del "$net"
	[ "$status" -eq 0 ] || fail "$output"
	no_link
	[ -z "$(ls "$DATA_DIR/$net" | grep -v -e lock -e last_reserved)" ]
}
