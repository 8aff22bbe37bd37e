#!/usr/bin/env bats
# The ptp plugin run as a runtime runs it: a routed veth per pod. Result asserted with jq, the
# kernel of both namespaces with `ip -j`, traffic with ping (node<->pod, pod<->pod via the node),
# and the result and routes compared with the Go reference binary (/usr/lib/cni/ptp).

load helpers/common

setup() {
	cni_setup
	SUBNET=10.78.0.0/24
}

teardown() {
	cni_teardown
}

# conf VERSION [JSON merged over the default config]
conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg dd "$DATA_DIR" --arg sn "$SUBNET" --argjson x "$extra" \
		'{cniVersion: $v, name: "test-net", type: "ptp",
		  ipam: {type: "host-local", subnet: $sn, dataDir: $dd}} * $x'
}

# conf_dual VERSION: IPv4 and IPv6 ranges with default routes for both.
conf_dual() {
	jq -nc --arg v "$1" --arg dd "$DATA_DIR" \
		'{cniVersion: $v, name: "test-net", type: "ptp",
		  ipam: {type: "host-local", dataDir: $dd,
		         ranges: [[{subnet: "10.78.0.0/24"}], [{subnet: "fd00:78::/64"}]],
		         routes: [{dst: "0.0.0.0/0"}, {dst: "::/0"}]}}'
}

with_prev() {
	jq -nc --argjson c "$1" --argjson p "$2" '$c + {prevResult: $p}'
}

reserved() {
	ls "$DATA_DIR/test-net" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

node_veths() {
	ip -n "$NODE" -j link show type veth | jq -r '.[].ifname'
}

no_node_veths() {
	[ -z "$(node_veths)" ]
}

# The container's routes on eth0 (family 4 or 6) as sorted {dst, gateway, scope, prefsrc}.
ctr_routes() {
	ip -n "${2:-$CTR}" -j -"$1" route show dev eth0 |
		jq -c '[.[] | select(.protocol != "kernel") | {dst, gateway, scope, prefsrc}] | sort_by(.dst)'
}

# The node's routes through one host veth (family 4 or 6), dst and scope only.
host_routes() {
	ip -n "$NODE" -j -"$1" route show dev "$2" |
		jq -c '[.[] | select(.protocol != "kernel") | {dst, scope}] | sort_by(.dst)'
}

host_addrs() {
	ip -n "$NODE" -j addr show dev "$1" |
		jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
}

@test "ptp: ADD, CHECK, DEL for every cniVersion, routes on both ends" {
	for v in $CNI_VERSIONS; do
		c=$(conf "$v")
		run cni_exec ptp ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		if [[ " $CNI_VERSIONS_IPS " == *" $v "* ]]; then
			assert_json ".cniVersion == \"$v\""
			assert_json '.interfaces | length == 2'
			assert_json '.interfaces[0].name | test("^veth[0-9a-f]{8}$")'
			assert_json '.interfaces[0].sandbox == null'
			assert_json ".interfaces[1].name == \"eth0\" and .interfaces[1].sandbox == \"/run/netns/$CTR\""
			assert_json '[.interfaces[].mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")] | all'
			assert_json '.ips | length == 1'
			assert_json '.ips[0].interface == 1 and .ips[0].gateway == "10.78.0.1"'
			addr=$(jq -r '.ips[0].address' <<<"$output")
			veth=$(jq -r '.interfaces[0].name' <<<"$output")
			[ "$(ip -n "$CTR" -j link show eth0 | jq -r '.[0].address')" = "$(jq -r '.interfaces[1].mac' <<<"$output")" ]
			[ "$(ip -n "$NODE" -j link show "$veth" | jq -r '.[0].address')" = "$(jq -r '.interfaces[0].mac' <<<"$output")" ]
		else
			assert_json '.ip4.gateway == "10.78.0.1"'
			addr=$(jq -r '.ip4.ip' <<<"$output")
			veth=$(node_veths)
		fi
		[ "$v" != 1.1.0 ] || assert_json '.interfaces[0].mtu == 1500 and .interfaces[1].mtu == 1500'
		[[ $addr == 10.78.0.*/24 ]] || fail "address $addr"
		ip=${addr%/*}
		# Container: the address with its /24, no prefix route, the gateway on-link, the subnet via it.
		ip -n "$CTR" -j addr show dev eth0 | jq -e "[.[0].addr_info[] | select(.family == \"inet\") | \"\(.local)/\(.prefixlen)\"] == [\"$addr\"]"
		want="[{\"dst\":\"10.78.0.0/24\",\"gateway\":\"10.78.0.1\",\"scope\":null,\"prefsrc\":\"$ip\"},{\"dst\":\"10.78.0.1\",\"gateway\":null,\"scope\":\"link\",\"prefsrc\":\"$ip\"}]"
		[ "$(ctr_routes 4)" = "$want" ] || fail "$v container routes $(ctr_routes 4)"
		# Host: the gateway as /32 on the host veth, a host-scoped route to the pod.
		[ "$(host_addrs "$veth")" = '["10.78.0.1/32"]' ] || fail "host addrs $(host_addrs "$veth")"
		[ "$(host_routes 4 "$veth")" = "[{\"dst\":\"$ip\",\"scope\":\"host\"}]" ] || fail "host routes $(host_routes 4 "$veth")"
		ip -n "$NODE" -j link show "$veth" | jq -e '.[0].flags | index("UP")' >/dev/null
		[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/"$veth"/accept_ra)" = 0 ]
		[ "$(reserved)" = "$ip" ]

		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec ptp CHECK "$(with_prev "$c" "$result")"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi

		run cni_exec ptp DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		run ip -n "$CTR" link show eth0
		[ "$status" -ne 0 ]
		[ -z "$(node_veths)" ] || fail "host veth left: $(node_veths)"
		[ "$(ip -n "$NODE" -j -4 route | jq length)" -eq 0 ]
		[ -z "$(reserved)" ]
		run cni_exec ptp DEL "$c"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
	done
}

@test "ptp: forwarding on in the node netns; node and pod ping each other" {
	ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	run cni_exec ptp ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	ip=$(jq -r '.ips[0].address | split("/")[0]' <<<"$output")
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	# IPv4 only: IPv6 forwarding is left alone.
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 0 ]
	ip netns exec "$NODE" ping -c1 -W2 "$ip"
	ip netns exec "$CTR" ping -c1 -W2 10.78.0.1
}

@test "ptp: two pods ping each other, routed through the node" {
	cni_add_ns c2
	run cni_exec ptp ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	a1=$(jq -r '.ips[0].address | split("/")[0]' <<<"$output")
	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec ptp ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	a2=$(jq -r '.ips[0].address | split("/")[0]' <<<"$output")
	[ "$a1" != "$a2" ]
	[ "$(node_veths | wc -l)" -eq 2 ]
	# Routed, not bridged: the TTL drops by one at the node.
	run ip netns exec "$PFX-c2" ping -c1 -W2 "$a1"
	[ "$status" -eq 0 ] || fail "$output"
	[[ $output == *"ttl=63"* ]] || fail "not routed through the node: $output"
	ip netns exec "$CTR" ping -c1 -W2 "$a2"
	# Deleting one pod leaves the other's veth and route.
	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec ptp DEL "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(node_veths | wc -l)" -eq 1 ]
	ip netns exec "$NODE" ping -c1 -W2 "$a1"
}

@test "ptp: dual stack, IPv6 routes as the reference, pods ping over IPv6, CHECK passes" {
	cni_add_ns c2
	c=$(conf_dual 1.1.0)
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json '.ips | length == 2'
	assert_json '[.ips[].interface] == [1, 1]'
	assert_json '.ips[1].gateway == "fd00:78::1" and (.ips[1].address | startswith("fd00:78::"))'
	assert_json '.routes == [{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]'
	a6=$(jq -r '.ips[1].address | split("/")[0]' <<<"$result")
	veth=$(jq -r '.interfaces[0].name' <<<"$result")
	want="[{\"dst\":\"default\",\"gateway\":\"fd00:78::1\",\"scope\":null,\"prefsrc\":null},{\"dst\":\"fd00:78::/64\",\"gateway\":\"fd00:78::1\",\"scope\":null,\"prefsrc\":\"$a6\"},{\"dst\":\"fd00:78::1\",\"gateway\":null,\"scope\":null,\"prefsrc\":\"$a6\"}]"
	[ "$(ctr_routes 6)" = "$want" ] || fail "container IPv6 routes $(ctr_routes 6)"
	ip -n "$CTR" -j -4 route show default | jq -e '.[0].gateway == "10.78.0.1"' >/dev/null
	[ "$(host_addrs "$veth")" = '["10.78.0.1/32","fd00:78::1/128"]' ] || fail "host addrs $(host_addrs "$veth")"
	[ "$(host_routes 6 "$veth")" = "[{\"dst\":\"$a6\",\"scope\":null}]" ] || fail "host routes $(host_routes 6 "$veth")"
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
	# No address is left tentative on either end.
	ip -n "$CTR" -j addr show dev eth0 | jq -e '[.[0].addr_info[] | select(.scope == "global" and .tentative)] | length == 0' >/dev/null
	ip -n "$NODE" -j addr show dev "$veth" | jq -e '[.[0].addr_info[] | select(.scope == "global" and .tentative)] | length == 0' >/dev/null
	run cni_exec ptp CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "CHECK: $output"

	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	b6=$(jq -r '.ips[1].address | split("/")[0]' <<<"$output")
	ip netns exec "$CTR" ping -c1 -W2 fd00:78::1
	ip netns exec "$NODE" ping -c1 -W2 "$a6"
	ip netns exec "$PFX-c2" ping -c1 -W2 "$a6"
	ip netns exec "$CTR" ping -c1 -W2 "$b6"
}

@test "ptp: mtu reaches both ends and the 1.1.0 result" {
	run cni_exec ptp ADD "$(conf 1.1.0 '{"mtu": 1400}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[0].mtu == 1400 and .interfaces[1].mtu == 1400'
	veth=$(jq -r '.interfaces[0].name' <<<"$output")
	ip -n "$NODE" -j link show "$veth" | jq -e '.[0].mtu == 1400' >/dev/null
	ip -n "$CTR" -j link show eth0 | jq -e '.[0].mtu == 1400' >/dev/null
	run cni_exec ptp ADD "$(conf 1.1.0 '{"mtu": "1400"}')" eth1
	assert_error 7
	run cni_exec ptp ADD "$(conf 1.1.0 '{"mtu": -1}')" eth1
	assert_error 7
}

@test "ptp: ipam routes go via the gateway; dns from the config replaces the IPAM's" {
	c=$(conf 1.1.0 '{"ipam": {"routes": [{"dst": "0.0.0.0/0"}, {"dst": "192.168.50.0/24"}]},
		"dns": {"nameservers": ["10.78.0.53"], "search": ["example.org"]}}')
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.dns.nameservers == ["10.78.0.53"] and .dns.search == ["example.org"]'
	assert_json '.routes == [{"dst": "0.0.0.0/0"}, {"dst": "192.168.50.0/24"}]'
	ip -n "$CTR" -j route show 192.168.50.0/24 | jq -e '.[0].gateway == "10.78.0.1"' >/dev/null
	ip -n "$CTR" -j route show default | jq -e '.[0].gateway == "10.78.0.1"' >/dev/null
	run cni_exec ptp CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "ptp: CHECK fails when a route, an address, the host route or the link is gone" {
	c=$(conf 1.1.0 '{"ipam": {"routes": [{"dst": "192.168.50.0/24"}]}}')
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	prev=$(with_prev "$c" "$result")
	addr=$(jq -r '.ips[0].address' <<<"$result")
	veth=$(jq -r '.interfaces[0].name' <<<"$result")
	run cni_exec ptp CHECK "$c"
	assert_error 7
	ip -n "$CTR" route del 192.168.50.0/24
	run cni_exec ptp CHECK "$prev"
	assert_error 3
	ip -n "$CTR" route add 192.168.50.0/24 via 10.78.0.1 dev eth0
	run cni_exec ptp CHECK "$prev"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" route del "${addr%/*}" dev "$veth"
	run cni_exec ptp CHECK "$prev"
	assert_error 3
	assert_json '.msg | contains("host route")'
	ip -n "$NODE" route add "${addr%/*}" dev "$veth" scope host
	ip -n "$CTR" addr del "$addr" dev eth0
	run cni_exec ptp CHECK "$prev"
	assert_error 3
	ip -n "$CTR" link del eth0
	run cni_exec ptp CHECK "$prev"
	assert_error 3
}

@test "ptp: DEL with the netns gone, with CNI_NETNS empty, and twice" {
	run cni_exec ptp ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -n "$(reserved)" ]
	ip netns del "$CTR"
	run cni_exec ptp DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	# Without a prevResult the pair goes with the netns, which the kernel destroys
	# asynchronously after `ip netns del`.
	wait_until 10 no_node_veths || fail "left on the node: $(node_veths)"
	run cni_exec ptp DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"

	# CNI_NETNS empty while the pod's netns lives on: the host end is found through prevResult.
	ip netns add "$CTR"
	c=$(conf 1.1.0)
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	CNI_NETNS="" run cni_exec ptp DEL "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	[ -z "$(node_veths)" ] || fail "host veth left: $(node_veths)"
	[ "$(ip -n "$NODE" -j -4 route | jq length)" -eq 0 ]
	run cni_exec ptp DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "ptp: DEL without a netns never removes a veth that does not route the pod" {
	c=$(conf 1.1.0)
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	veth=$(jq -r '.interfaces[0].name' <<<"$output")
	# A prevResult naming the host veth but another IP: the link is not ours to remove.
	prev=$(jq -c '.ips[0].address = "10.78.0.200/24"' <<<"$output")
	CNI_NETNS="" run cni_exec ptp DEL "$(with_prev "$c" "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" link show "$veth" >/dev/null
}

@test "ptp: a failed ADD leaves no link, route and reservation" {
	# After IPAM, before the veth: the container name is taken.
	ip -n "$CTR" link add eth0 type veth peer name eth0p
	run cni_exec ptp ADD "$(conf 1.1.0)"
	assert_error 4
	[ -z "$(node_veths)" ]
	[ -z "$(reserved)" ]
	ip -n "$CTR" link del eth0

	# After the veth: an IPAM route whose gateway is unreachable fails in the container.
	run cni_exec ptp ADD "$(conf 1.1.0 '{"ipam": {"routes": [{"dst": "192.168.7.0/24", "gw": "192.168.99.1"}]}}')"
	[ "$status" -ne 0 ] || fail "ADD with an unreachable route gateway succeeded"
	assert_json '.code == 5'
	[ -z "$(node_veths)" ] || fail "host veth left: $(node_veths)"
	run ip -n "$CTR" link show eth0
	[ "$status" -ne 0 ]
	[ -z "$(reserved)" ]
	[ "$(ip -n "$NODE" -j -4 route | jq length)" -eq 0 ]

	# An IPAM result without a gateway: ptp cannot route, nothing is made.
	run cni_exec ptp ADD "$(jq -nc '{cniVersion: "1.1.0", name: "test-net", type: "ptp",
		ipam: {type: "static", addresses: [{address: "10.78.0.9/24"}]}}')"
	assert_error 7
	[ -z "$(node_veths)" ]
	run ip -n "$CTR" link show eth0
	[ "$status" -ne 0 ]
}

@test "ptp: a missing ipam or a bad ipMasqBackend is refused with 7, creating nothing" {
	run cni_exec ptp ADD "$(conf 1.1.0 | jq -c 'del(.ipam)')"
	assert_error 7
	run cni_exec ptp ADD "$(conf 1.1.0 '{"ipam": {"type": ""}}')"
	assert_error 7
	run cni_exec ptp ADD "$(conf 1.1.0 '{"ipMasqBackend": 3}')"
	assert_error 7
	[ -z "$(node_veths)" ]
	[ -z "$(reserved)" ]
	run cni_exec ptp ADD "$(conf 1.1.0 '{"ipMasqBackend": "pf"}')"
	assert_error 7
	# DEL of an ipMasq network with nothing set up works.
	run cni_exec ptp DEL "$(conf 1.1.0 '{"ipMasq": true}')"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "ptp: GC releases what is not valid, STATUS answers" {
	c=$(conf 1.1.0)
	run cni_exec ptp ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec ptp STATUS "$c"
	[ "$status" -eq 0 ] || fail "$output"
	gc=$(jq -c --arg id "$CONTAINER_ID" '. + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}' <<<"$c")
	run cni_exec ptp GC "$gc"
	[ "$status" -eq 0 ] || fail "$output"
	[ -n "$(reserved)" ]
	run cni_exec ptp GC "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$c")"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
}

# The parts of a result that do not depend on random names and MACs.
shape() {
	jq -c '{cniVersion, interfaces: [.interfaces[] | {sandbox, has_mac: (.mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")),
		veth: (.name | test("^veth[0-9a-f]{8}$"))}], ips, routes, dns}'
}

# Both namespaces' routing state with the random host veth name masked.
kernel_state() {
	local veth=$1
	{
		ctr_routes 4
		ctr_routes 6
		host_addrs "$veth"
		host_routes 4 "$veth"
		host_routes 6 "$veth"
		ip -n "$CTR" -j addr show dev eth0 | jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
		ip -n "$CTR" -j link show eth0 | jq -c '[.[0].mtu, .[0].operstate]'
	} | paste -sd' '
}

@test "ptp: result and kernel state match the Go reference binary" {
	[ -x "$REF_BIN/ptp" ] || skip "no reference ptp in $REF_BIN"
	for v in 0.3.1 0.4.0 1.0.0; do
		c=$(conf_dual "$v" | jq -c '.mtu = 1450')
		PLUGIN_DIR="$REF_BIN" run cni_exec ptp ADD "$c"
		[ "$status" -eq 0 ] || fail "reference ADD $v: $output"
		ref=$(shape <<<"$output")
		ref_state=$(kernel_state "$(jq -r '.interfaces[0].name' <<<"$output")")
		# Guard against comparing two empty captures.
		[[ $ref == *'"interface":1'* && $ref_state == *'"scope":"link"'* && $ref_state == *fd00:78::* ]] ||
			fail "reference capture incomplete: $ref $ref_state"
		PLUGIN_DIR="$REF_BIN" run cni_exec ptp DEL "$c"
		[ "$status" -eq 0 ] || fail "reference DEL $v: $output"
		[ -z "$(node_veths)" ]
		rm -rf "$DATA_DIR"

		run cni_exec ptp ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		ours=$(shape <<<"$output")
		state=$(kernel_state "$(jq -r '.interfaces[0].name' <<<"$output")")
		[ "$ours" = "$ref" ] || fail "$v result: ours $ours, reference $ref"
		[ "$state" = "$ref_state" ] || fail "$v kernel: ours $state, reference $ref_state"
		run cni_exec ptp DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		rm -rf "$DATA_DIR"
	done
}

@test "ptp.conflist: cnitool add, node and pod ping, check, del" {
	[ -x "$BIN/cnitool" ] || skip "cnitool not built"
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' \
		"$REPO/conf-examples/ptp.conflist" >"$TMP/net.d/ptp.conflist"
	net=$(jq -r .name "$TMP/net.d/ptp.conflist")
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" \
			CNI_CACHE_DIR="$TMP/cache" "$BIN/cnitool" "$@" "/run/netns/$CTR" 2>>"$TMP/stderr"
	}
	run tool add "$net"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json '.cniVersion == "1.1.0" and (.interfaces | length == 2) and ([.ips[].interface] | unique == [1])'
	for ip in $(jq -r '.ips[].address | split("/")[0]' <<<"$output"); do
		ip netns exec "$NODE" ping -c1 -W2 "$ip"
	done
	ip netns exec "$CTR" ping -c1 -W2 "$(jq -r '.ips[0].gateway' <<<"$output")"
	run tool check "$net"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run tool del "$net"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(node_veths)" ]
	[ -z "$(ls "$DATA_DIR/$net" | grep -v -e lock -e last_reserved)" ]
}
