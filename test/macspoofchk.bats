#!/usr/bin/env bats
# bridge macspoofchk: nftables bridge-family rules laid out as the reference's (table bridge nat),
# a pod spoofing its MAC cannot reach the gateway while its real MAC can, DEL/GC remove the rules.

load helpers/common

setup() {
	cni_setup
	BR="${PFX}b"
}

teardown() {
	cni_teardown
}

conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg br "$BR" --arg dd "$DATA_DIR" --argjson x "$extra" \
		'{cniVersion: $v, name: "spoof-net", type: "bridge", bridge: $br, isGateway: true,
		  macspoofchk: true, ipam: {type: "host-local", subnet: "10.78.0.0/24", dataDir: $dd}} * $x'
}

ruleset() {
	ip netns exec "$NODE" nft -j list table bridge nat 2>/dev/null || echo '{"nftables":[]}'
}

# The chain names and rule comments of one attachment.
ref_chains() { # ref_chains REF_ID
	ruleset | jq -c --arg r "$1" '[.nftables[] | .chain? | select(. != null) | .name
		| select(startswith("cni-br-iface-" + $r))] | sort'
}

ref_rules() { # ref_rules REF_ID -> count of rules commented macspoofchk-REF_ID
	ruleset | jq --arg c "macspoofchk-$1" '[.nftables[] | .rule? | select(. != null and .comment == $c)] | length'
}

@test "macspoofchk: ADD lays out the reference's chains and rules, for every cniVersion" {
	for v in $CNI_VERSIONS; do
		run cni_exec bridge ADD "$(conf "$v")"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		ref="$CONTAINER_ID-eth0"
		hostif=$(ip -n "$NODE" -j link show master "$BR" type veth | jq -r '.[0].ifname')
		mac=$(ip -n "$CTR" -j link show eth0 | jq -r '.[0].address')
		rs=$(ruleset)
		# The base chain: filter prerouting -300 policy accept.
		assert_json '[.nftables[] | .chain? | select(.name == "PREROUTING")][0]
			| .family == "bridge" and .type == "filter" and .hook == "prerouting" and .prio == -300 and .policy == "accept"' "$rs"
		[ "$(ref_chains "$ref")" = "[\"cni-br-iface-$ref\",\"cni-br-iface-$ref-mac\"]" ] || fail "chains: $(ref_chains "$ref")"
		[ "$(ref_rules "$ref")" -eq 4 ] || fail "rules: $rs"
		assert_json "[.nftables[] | .rule? | select(. != null and .chain == \"PREROUTING\")][0].expr
			| (.[0].match.left.meta.key == \"iifname\" and .[0].match.right == \"$hostif\"
			   and .[1].jump.target == \"cni-br-iface-$ref\")" "$rs"
		assert_json "[.nftables[] | .rule? | select(. != null and .chain == \"cni-br-iface-$ref-mac\")]
			| (.[0].expr[0].match.left.payload.field == \"saddr\" and .[0].expr[0].match.right == \"$mac\"
			   and .[0].expr[1] == {\"return\": null} and .[1].expr[0] == {\"drop\": null})" "$rs"
		# Ours and nft agree on the text form too.
		ip netns exec "$NODE" nft list chain bridge nat "cni-br-iface-$ref-mac" | grep -q "ether saddr $mac return comment \"macspoofchk-$ref\""
		run cni_exec bridge DEL "$(conf "$v")"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		[ "$(ref_chains "$ref")" = "[]" ] || fail "chains left: $(ref_chains "$ref")"
		[ "$(ref_rules "$ref")" -eq 0 ]
		run cni_exec bridge DEL "$(conf "$v")"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
	done
}

@test "macspoofchk: a pod spoofing its MAC cannot reach the gateway, its real MAC can" {
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
	real=$(ip -n "$CTR" -j link show eth0 | jq -r '.[0].address')
	ip -n "$NODE" neigh flush dev "$BR"
	ip -n "$CTR" link set eth0 address 02:de:ad:be:ef:01
	run ip netns exec "$CTR" ping -c1 -W1 10.78.0.1
	[ "$status" -ne 0 ] || fail "spoofed MAC reached the gateway"
	# Dropped before the bridge learns: its fdb never sees the spoofed MAC.
	if bridge -n "$NODE" -j fdb show br "$BR" | jq -e '.[] | select(.mac == "02:de:ad:be:ef:01")' >/dev/null; then
		fail "spoofed MAC entered the bridge"
	fi
	ip -n "$CTR" link set eth0 address "$real"
	ip -n "$CTR" neigh flush dev eth0
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
	# With the jump removed by hand the same spoof gets through: the rules, not something else,
	# made the difference.
	ref="$CONTAINER_ID-eth0"
	ip netns exec "$NODE" nft delete rule bridge nat PREROUTING handle \
		"$(ruleset | jq -r --arg c "macspoofchk-$ref" '[.nftables[] | .rule? | select(. != null and .comment == $c and .chain == "PREROUTING")][0].handle')"
	ip -n "$CTR" link set eth0 address 02:de:ad:be:ef:01
	ip -n "$NODE" neigh flush dev "$BR"
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
	run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_chains "$ref")" = "[]" ]
}

@test "macspoofchk: DEL with the netns gone and with CNI_NETNS empty removes the rules" {
	ref="$CONTAINER_ID-eth0"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip netns del "$CTR"
	run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_chains "$ref")" = "[]" ]
	[ "$(ref_rules "$ref")" -eq 0 ]
	ip netns add "$CTR"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_chains "$ref")" = "[]" ]
	[ "$(ref_rules "$ref")" -eq 0 ]
}

@test "macspoofchk: two pods on one bridge, GC keeps the valid one only" {
	cni_add_ns ctr2
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=ctr2-$PFX CNI_NETNS=/run/netns/$PFX-ctr2 run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_rules "$CONTAINER_ID-eth0")" -eq 4 ]
	[ "$(ref_rules "ctr2-$PFX-eth0")" -eq 4 ]
	gc=$(conf 1.1.0 | jq -c --arg id "$CONTAINER_ID" '. + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}')
	run cni_exec bridge GC "$gc"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_rules "$CONTAINER_ID-eth0")" -eq 4 ]
	[ "$(ref_rules "ctr2-$PFX-eth0")" -eq 0 ]
	[ "$(ref_chains "ctr2-$PFX-eth0")" = "[]" ]
	# The kept pod still passes its own traffic.
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
}

@test "macspoofchk: a failed ADD leaves no spoof-check rules" {
	ref="$CONTAINER_ID-eth0"
	# An IPAM failure after the checks are set up: a subnet with no free address.
	run cni_exec bridge ADD "$(conf 1.1.0 '{"ipam": {"subnet": "10.78.0.0/30", "rangeStart": "10.78.0.2", "rangeEnd": "10.78.0.2"}}')" eth0
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=other-$PFX run cni_exec bridge ADD "$(conf 1.1.0 '{"ipam": {"subnet": "10.78.0.0/30", "rangeStart": "10.78.0.2", "rangeEnd": "10.78.0.2"}}')" eth1
	[ "$status" -ne 0 ] || fail "second ADD should have run out of addresses"
	[ "$(ref_rules "other-$PFX-eth1")" -eq 0 ]
	[ "$(ref_chains "other-$PFX-eth1")" = "[]" ]
	[ "$(ref_rules "$ref")" -eq 4 ]
}

@test "macspoofchk: the Go reference's DEL removes our rules (same layout)" {
	[ -x "$REF_BIN/bridge" ] || skip "no reference bridge"
	ref="$CONTAINER_ID-eth0"
	run cni_exec bridge ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	PLUGIN_DIR=$REF_BIN run cni_exec bridge DEL "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_chains "$ref")" = "[]" ] || fail "reference left: $(ref_chains "$ref")"
	[ "$(ref_rules "$ref")" -eq 0 ]
}

@test "macspoofchk: CHECK passes after ADD and fails with code 3 once the rules are gone" {
	ref="$CONTAINER_ID-eth0"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	c=$(conf 1.1.0 | jq -c --argjson p "$output" '. + {prevResult: $p}')
	run cni_exec bridge CHECK "$c"
	[ "$status" -eq 0 ] || fail "$output"
	# The iface chain's jump holds the mac chain: flush it first.
	ip netns exec "$NODE" nft flush chain bridge nat "cni-br-iface-$ref"
	ip netns exec "$NODE" nft delete chain bridge nat "cni-br-iface-$ref-mac"
	run cni_exec bridge CHECK "$c"
	assert_error 3
	run cni_exec bridge DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ref_rules "$ref")" -eq 0 ]
	[ "$(ref_chains "$ref")" = "[]" ]
}
