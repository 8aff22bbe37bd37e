#!/usr/bin/env bats
# The bridge plugin run as a runtime runs it: ADD/CHECK/DEL in throwaway namespaces, the result
# asserted with jq, the kernel with `ip -j`/`bridge -j`, and traffic with ping.

load helpers/common

setup() {
	cni_setup
	BR="${PFX}b"
	SUBNET=10.77.0.0/24
}

teardown() {
	cni_teardown
}

# conf VERSION [JSON merged over the default config]
conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg br "$BR" --arg dd "$DATA_DIR" --arg sn "$SUBNET" --argjson x "$extra" \
		'{cniVersion: $v, name: "test-net", type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: $sn, dataDir: $dd}} * $x'
}

# with_prev CONF RESULT: CONF with prevResult set (for CHECK).
with_prev() {
	jq -nc --argjson c "$1" --argjson p "$2" '$c + {prevResult: $p}'
}

# The host end of the container's veth: the node link whose master is the bridge.
host_veth() {
	ip -n "$NODE" -j link show master "$BR" type veth | jq -r '.[0].ifname'
}

ctr_addrs() {
	ip -n "${1:-$CTR}" -j addr show dev eth0 | jq -c '[.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
}

reserved() {
	ls "$DATA_DIR/test-net" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

@test "bridge: ADD, CHECK, DEL for every cniVersion" {
	for v in $CNI_VERSIONS; do
		c=$(conf "$v")
		run cni_exec bridge ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		if [[ " $CNI_VERSIONS_IPS " == *" $v "* ]]; then
			assert_json ".cniVersion == \"$v\""
			assert_json ".interfaces | length == 3"
			assert_json ".interfaces[0].name == \"$BR\" and (.interfaces[0].sandbox == null)"
			assert_json ".interfaces[1].name | test(\"^veth[0-9a-f]{8}$\")"
			assert_json ".interfaces[2].name == \"eth0\" and .interfaces[2].sandbox == \"/run/netns/$CTR\""
			assert_json '.interfaces[2].mac | test("^([0-9a-f]{2}:){5}[0-9a-f]{2}$")'
			assert_json '.ips | length == 1'
			assert_json '.ips[0].interface == 2 and .ips[0].gateway == "10.77.0.1"'
			assert_json '.ips[0].address | startswith("10.77.0.")'
			addr=$(jq -r '.ips[0].address' <<<"$output")
			ifmac=$(jq -r '.interfaces[2].mac' <<<"$output")
			[ "$(ip -n "$CTR" -j link show eth0 | jq -r '.[0].address')" = "$ifmac" ]
			[ "$(host_veth)" = "$(jq -r '.interfaces[1].name' <<<"$output")" ]
		else
			assert_json ".ip4.ip | startswith(\"10.77.0.\")"
			assert_json '.ip4.gateway == "10.77.0.1"'
			addr=$(jq -r '.ip4.ip' <<<"$output")
		fi
		if [ "$v" = 1.1.0 ]; then
			assert_json '.interfaces[2].mtu == 1500'
		fi
		[ "$(ctr_addrs)" = "[\"$addr\"]" ] || fail "container addresses $(ctr_addrs), want $addr"
		ip -n "$NODE" -j addr show dev "$BR" | jq -e '[.[0].addr_info[] | .local] | index("10.77.0.1")'
		[ "$(reserved)" = "${addr%/*}" ]

		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec bridge CHECK "$(with_prev "$c" "$result")"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi

		run cni_exec bridge DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		refute ip -n "$CTR" link show eth0 2>/dev/null
		[ "$(ip -n "$NODE" -j link show master "$BR" | jq length)" -eq 0 ]
		[ -z "$(reserved)" ]
	done
}

@test "bridge: node and container ping each other through the gateway" {
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	addr=$(jq -r '.ips[0].address' <<<"$output")
	ip netns exec "$CTR" ping -c1 -W2 10.77.0.1
	ip netns exec "$NODE" ping -c1 -W2 "${addr%/*}"
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "bridge: the reference's sysctls: arp_notify, accept_dad, accept_ra, forwarding" {
	ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0
	c=$(conf 1.1.0 '{"ipam": {"ranges": [[{"subnet": "10.77.0.0/24"}], [{"subnet": "fd00:77::/64"}]]}}')
	c=$(jq -c 'del(.ipam.subnet)' <<<"$c")
	run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ip netns exec "$CTR" cat /proc/sys/net/ipv4/conf/eth0/arp_notify)" = 1 ]
	[ "$(ip netns exec "$CTR" cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = 0 ]
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/"$BR"/accept_ra)" = 0 ]
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
	# The next ADD puts back what somebody changed on the existing bridge, as the reference.
	ip netns exec "$NODE" sysctl -qw net.ipv6.conf."$BR".accept_ra=2 net.ipv4.ip_forward=0
	cni_add_ns c2
	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv6/conf/"$BR"/accept_ra)" = 0 ]
	[ "$(ip netns exec "$NODE" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "bridge: two containers on one bridge ping each other" {
	cni_add_ns c2
	run cni_exec bridge ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	a1=$(jq -r '.ips[0].address' <<<"$output")
	CONTAINER_ID=ctr2 CNI_NETNS=/run/netns/$PFX-c2 run cni_exec bridge ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ] || fail "$output"
	a2=$(jq -r '.ips[0].address' <<<"$output")
	[ "$a1" != "$a2" ]
	ip netns exec "$PFX-c2" ping -c1 -W2 "${a1%/*}"
	ip netns exec "$CTR" ping -c1 -W2 "${a2%/*}"
	[ "$(ip -n "$NODE" -j link show master "$BR" type veth | jq length)" -eq 2 ]
}

@test "bridge: isDefaultGateway adds a default route via the gateway" {
	run cni_exec bridge ADD "$(conf 1.1.0 '{"isGateway": false, "isDefaultGateway": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.routes == [{"dst": "0.0.0.0/0", "gw": "10.77.0.1"}]'
	ip -n "$CTR" -j route show default | jq -e '.[0].gateway == "10.77.0.1" and .[0].dev == "eth0"'
}

@test "bridge: dual stack, IPv6 without DAD, CHECK passes" {
	c=$(conf 1.1.0 '{"ipam": {"subnet": null, "ranges": [[{"subnet": "10.77.0.0/24"}], [{"subnet": "fd00:77::/64"}]]}}')
	c=$(jq -c 'del(.ipam.subnet)' <<<"$c")
	run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json '.ips | length == 2'
	assert_json '.ips[1].address | startswith("fd00:77::")'
	assert_json '.ips[1].gateway == "fd00:77::1"'
	ip -n "$CTR" -j addr show dev eth0 |
		jq -e '[.[0].addr_info[] | select(.family == "inet6" and .scope == "global")] | length == 1 and (.[0].tentative | not)'
	ip netns exec "$CTR" ping -c1 -W2 fd00:77::1
	run cni_exec bridge CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "bridge: hairpinMode, portIsolation and mtu reach the kernel" {
	run cni_exec bridge ADD "$(conf 1.1.0 '{"hairpinMode": true, "portIsolation": true, "mtu": 1400}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[2].mtu == 1400'
	veth=$(host_veth)
	bridge -n "$NODE" -j -d link show dev "$veth" | jq -e '.[0].hairpin == true and .[0].isolated == true'
	ip -n "$NODE" -j link show "$veth" | jq -e '.[0].mtu == 1400'
	ip -n "$CTR" -j link show eth0 | jq -e '.[0].mtu == 1400'
	ip -n "$NODE" -j link show "$BR" | jq -e '.[0].mtu == 1400'
}

@test "bridge: promiscMode sets the bridge promiscuous; with hairpinMode it is refused" {
	run cni_exec bridge ADD "$(conf 1.1.0 '{"promiscMode": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" -j -d link show "$BR" | jq -e '.[0].promiscuity > 0'
	bridge -n "$NODE" -j -d link show dev "$(host_veth)" | jq -e '.[0].hairpin == false'
	run cni_exec bridge DEL "$(conf 1.1.0 '{"promiscMode": true}')"
	[ "$status" -eq 0 ]
	run cni_exec bridge ADD "$(conf 1.1.0 '{"promiscMode": true, "hairpinMode": true}')"
	assert_error 7
}

@test "[vm] bridge: vlan makes an access port on a vlan_filtering bridge" {
	vm_require bridge_vlan
	run cni_exec bridge ADD "$(conf 1.1.0 '{"isGateway": false, "vlan": 100}')"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" -j -d link show "$BR" | jq -e '.[0].linkinfo.info_data.vlan_filtering == 1'
	bridge -n "$NODE" -j vlan show dev "$(host_veth)" |
		jq -e '.[0].vlans == [{"vlan": 100, "flags": ["PVID", "Egress Untagged"]}]'
}

@test "[vm] bridge: vlan with isGateway puts the gateway on <bridge>.<vlan>" {
	vm_require bridge_vlan
	BR="${PFX}v"
	run cni_exec bridge ADD "$(conf 1.1.0 '{"vlan": 7}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json "(.interfaces | length) == 4 and .interfaces[3].name == \"$BR.7\""
	ip -n "$NODE" -j addr show dev "$BR.7" | jq -e '[.[0].addr_info[] | .local] | index("10.77.0.1")'
	ip netns exec "$CTR" ping -c1 -W2 10.77.0.1
}

@test "[vm] bridge: vlanTrunk ranges and ids, native vlan 1" {
	vm_require bridge_vlan
	run cni_exec bridge ADD "$(conf 1.1.0 '{"isGateway": false, "vlanTrunk": [{"minID": 200, "maxID": 202}, {"id": 300}]}')"
	[ "$status" -eq 0 ] || fail "$output"
	bridge -n "$NODE" -j vlan show dev "$(host_veth)" | jq -e '[.[0].vlans[] | .vlan] == [1, 200, 300] or [.[0].vlans[] | .vlan] == [1, 200, 201, 202, 300]'
	bridge -n "$NODE" -j vlan show dev "$(host_veth)" | jq -e '.[0].vlans[0].flags == ["PVID", "Egress Untagged"]'
	run cni_exec bridge ADD "$(conf 1.1.0 '{"vlanTrunk": [{"minID": 10}]}')" eth1
	assert_error 7
	run cni_exec bridge ADD "$(conf 1.1.0 '{"vlan": 5000}')" eth1
	assert_error 7
}

@test "bridge: L2 only without ipam" {
	c=$(conf 1.1.0 | jq -c 'del(.ipam)')
	run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json '(.ips // []) | length == 0'
	assert_json '.interfaces | length == 3'
	ip -n "$CTR" -j link show eth0 | jq -e '.[0].flags | index("UP")'
	[ "$(ctr_addrs)" = "[]" ]
	run cni_exec bridge CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec bridge DEL "$c"
	[ "$status" -eq 0 ]
	refute ip -n "$CTR" link show eth0 2>/dev/null
}

@test "bridge: MAC from runtimeConfig, args and CNI_ARGS" {
	run cni_exec bridge ADD "$(conf 1.1.0 '{"runtimeConfig": {"mac": "0a:58:0a:4d:00:42"}}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[2].mac == "0a:58:0a:4d:00:42"'
	ip -n "$CTR" -j link show eth0 | jq -e '.[0].address == "0a:58:0a:4d:00:42"'
	CNI_ARGS="IgnoreUnknown=1;MAC=0a:58:0a:4d:00:43" run cni_exec bridge ADD "$(conf 1.1.0)" eth1
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.interfaces[2].mac == "0a:58:0a:4d:00:43"'
	run cni_exec bridge ADD "$(conf 1.1.0 '{"args": {"cni": {"mac": "not-a-mac"}}}')" eth2
	assert_error 7
}

@test "bridge: DEL with the netns gone, with CNI_NETNS empty, and twice" {
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -n "$(reserved)" ]
	ip netns del "$CTR"
	run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"

	ip netns add "$CTR"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	run cni_exec bridge DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	refute ip -n "$CTR" link show eth0 2>/dev/null
}

@test "bridge: CHECK fails when the container interface or address is gone" {
	c=$(conf 1.1.0)
	run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	addr=$(jq -r '.ips[0].address' <<<"$result")
	ip -n "$CTR" addr del "$addr" dev eth0
	run cni_exec bridge CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	ip -n "$CTR" link del eth0
	run cni_exec bridge CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	run cni_exec bridge CHECK "$c"
	assert_error 7
}

@test "bridge: an IPAM failure after the veth leaves no link and no reservation" {
	CNI_ARGS="IgnoreUnknown=1;IP=10.99.9.9" run cni_exec bridge ADD "$(conf 1.1.0)"
	[ "$status" -ne 0 ] || fail "ADD with an IP outside the range succeeded"
	assert_json '.code != 0'
	refute ip -n "$NODE" link show "$BR" 2>/dev/null
	[ "$(ip -n "$NODE" -j link show type veth | jq length)" -eq 0 ]
	refute ip -n "$CTR" link show eth0 2>/dev/null
	[ -z "$(reserved)" ]
}

@test "bridge: a failure after IPAM releases the IP and removes the veth, keeps an existing bridge" {
	ip -n "$NODE" link add "$BR" type bridge
	ip -n "$NODE" addr add 10.66.0.1/24 dev "$BR"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	assert_error 7
	assert_json '.msg | contains("already has an IP address")'
	ip -n "$NODE" link show "$BR"
	[ "$(ip -n "$NODE" -j link show type veth | jq length)" -eq 0 ]
	refute ip -n "$CTR" link show eth0 2>/dev/null
	[ -z "$(reserved)" ]
	# forceAddress replaces the old gateway address
	run cni_exec bridge ADD "$(conf 1.1.0 '{"forceAddress": true}')"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$NODE" -j addr show dev "$BR" | jq -e '[.[0].addr_info[] | select(.family == "inet") | .local] == ["10.77.0.1"]'
}

@test "bridge: an existing link that is not a bridge is refused" {
	ip -n "$NODE" link add "$BR" type veth peer name "${BR}p"
	run cni_exec bridge ADD "$(conf 1.1.0)"
	assert_error 7
	ip -n "$NODE" -j link show type veth | jq -e '[.[] | select(.ifname | startswith("veth"))] | length == 0'
}

@test "bridge: disableContainerInterface leaves the container end down; with ipam it is refused" {
	c=$(conf 1.1.0 '{"disableContainerInterface": true}' | jq -c 'del(.ipam)')
	run cni_exec bridge ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$CTR" -j link show eth0 | jq -e '.[0].flags | index("UP") | not'
	run cni_exec bridge ADD "$(conf 1.1.0 '{"disableContainerInterface": true}')" eth1
	assert_error 7
}

@test "bridge: dns from the config replaces the IPAM's; GC and STATUS succeed" {
	run cni_exec bridge ADD "$(conf 1.1.0 '{"dns": {"nameservers": ["10.77.0.53"], "search": ["example.org"]}}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.dns.nameservers == ["10.77.0.53"] and .dns.search == ["example.org"]'
	run cni_exec bridge STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	gc=$(conf 1.1.0 | jq -c '. + {"cni.dev/valid-attachments": []}')
	run cni_exec bridge GC "$gc"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
}
