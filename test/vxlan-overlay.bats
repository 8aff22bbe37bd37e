#!/usr/bin/env bats
# vxlan-overlay: nodes are netns joined by an underlay bridge in its own netns; pods on each node.

load helpers/common

setup() {
	cni_setup
	UL="$PFX-ul"
	ip netns add "$UL"
	ip -n "$UL" link add ul0 type bridge
	ip -n "$UL" link set ul0 up
	PEERS="$TMP/peers.json"
	echo '[]' >"$PEERS"
}
teardown() { cni_teardown; }

# node I [FAMILY]: node netns "$PFX-nI" with eth0 on the underlay (192.168.77.I/24, fd77::I/64).
node() {
	local i=$1 ns="$PFX-n$1"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$UL" link add "u$i" type veth peer name eth0 netns "$ns"
	ip -n "$UL" link set "u$i" master ul0 up
	ip -n "$ns" addr add "192.168.77.$i/24" dev eth0
	ip -n "$ns" addr add "fd77::$i/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
}

# peer I: the peers-file entry of node I.
peer() {
	jq -n --arg i "$1" '{nodeIP: "192.168.77.\($i)", podSubnet: "10.77.\($i).0/24",
		podSubnet6: "fd00:77:\($i)::/64"}'
}

# write_peers I...: the peers file lists these nodes.
write_peers() {
	local i
	for i in "$@"; do peer "$i"; done | jq -s . >"$PEERS.tmp"
	mv "$PEERS.tmp" "$PEERS"
}

# conf I [VERSION]: node I's config (peers from the file).
conf() {
	jq -n --arg i "$1" --arg v "${2:-1.1.0}" --arg p "$PEERS" --arg d "$TMP/ipam-n$1" '{
		cniVersion: $v, name: "ovl", type: "vxlan-overlay", vni: 42,
		localIP: "192.168.77.\($i)", podSubnet: "10.77.\($i).0/24",
		podSubnet6: "fd00:77:\($i)::/64", peersFile: $p, dataDir: $d}'
}

# on I CMD CONF [POD]: run the plugin on node I for pod POD (netns "$PFX-POD", id POD).
on() {
	local i=$1 cmd=$2 cf=$3 pod=${4:-}
	NODE="$PFX-n$i" CONTAINER_ID="${pod:-none}" CNI_NETNS="${pod:+/run/netns/$PFX-$pod}" \
		cni_exec vxlan-overlay "$cmd" "$cf"
}

# pod_add I POD: a new pod netns on node I, ADDed; prints its result.
pod_add() {
	cni_add_ns "$2"
	on "$1" ADD "$(conf "$1")" "$2"
}

# ip_of RESULT FAMILY(4|6)
ip_of() {
	printf '%s' "$1" | jq -r --arg f "$2" \
		'[.ips[] | select((.address | contains(":")) == ($f == "6"))][0].address | split("/")[0]'
}

@test "vxlan-overlay: three nodes, two pods each, every pod pings every other (IPv4 and IPv6)" {
	for i in 1 2 3; do node "$i"; done
	write_peers 1 2 3
	declare -A v4 v6
	for i in 1 2 3; do
		for j in a b; do
			run pod_add "$i" "p$i$j"
			[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
			v4[p$i$j]=$(ip_of "$output" 4)
			v6[p$i$j]=$(ip_of "$output" 6)
		done
	done
	for src in "${!v4[@]}"; do
		for dst in "${!v4[@]}"; do
			[ "$src" = "$dst" ] && continue
			ip netns exec "$PFX-$src" ping -c 1 -W 2 "${v4[$dst]}" >/dev/null ||
				fail "$src -> $dst (${v4[$dst]}) failed"
			ip netns exec "$PFX-$src" ping -6 -c 1 -W 2 "${v6[$dst]}" >/dev/null ||
				fail "$src -> $dst (${v6[$dst]}) failed"
		done
	done
}

@test "vxlan-overlay: a ping at full MTU with DF set crosses nodes; MTU 1450 everywhere" {
	node 1
	node 2
	write_peers 1 2
	run pod_add 1 pa
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json '.interfaces | map(.mtu) == [1450, 1450, 1450]'
	run pod_add 2 pb
	[ "$status" -eq 0 ] || fail "$output"
	dst=$(ip_of "$output" 4)
	dst6=$(ip_of "$output" 6)
	[ "$(ip -n "$PFX-n1" -j link show vxlan.42 | jq '.[0].mtu')" = 1450 ]
	[ "$(ip -n "$PFX-pa" -j link show eth0 | jq '.[0].mtu')" = 1450 ]
	# 1450 - 20 (IP) - 8 (ICMP): the largest payload; one byte more must not leave unfragmented.
	ip netns exec "$PFX-pa" ping -c 1 -W 2 -M do -s 1422 "$dst"
	run ip netns exec "$PFX-pa" ping -c 1 -W 2 -M do -s 1423 "$dst"
	[ "$status" -ne 0 ]
	# IPv6: 1450 - 40 - 8.
	ip netns exec "$PFX-pa" ping -6 -c 1 -W 2 -M do -s 1402 "$dst6"
}

@test "vxlan-overlay: an IPv6 underlay takes 70 bytes off the MTU" {
	node 1
	node 2
	jq -n '[{nodeIP: "fd77::1", podSubnet: "10.77.1.0/24"},
		{nodeIP: "fd77::2", podSubnet: "10.77.2.0/24"}]' >"$PEERS"
	for i in 1 2; do
		cf=$(conf "$i" | jq --arg i "$i" '.localIP = "fd77::\($i)" | del(.podSubnet6)')
		cni_add_ns "q$i"
		run on "$i" ADD "$cf" "q$i"
		[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
		assert_json '.interfaces[2].mtu == 1430'
	done
	dst=$(ip_of "$output" 4)
	[ "$(ip -n "$PFX-n1" -j -d link show vxlan.42 | jq -r '.[0].linkinfo.info_data.local6')" = fd77::1 ]
	ip netns exec "$PFX-q1" ping -c 1 -W 2 -M do -s 1402 "$dst"
}

@test "vxlan-overlay: node state: the VXLAN device, the bridge gateway and each peer's triple" {
	node 1
	node 2
	node 3
	write_peers 1 2 3
	run pod_add 1 pa
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	n="$PFX-n1"
	info=$(ip -n "$n" -j -d link show vxlan.42 | jq '.[0]')
	assert_json '.linkinfo.info_kind == "vxlan" and .linkinfo.info_data.id == 42 and
		.linkinfo.info_data.port == 4789 and .linkinfo.info_data.learning == false and
		.linkinfo.info_data.local == "192.168.77.1" and .address == "0a:58:c0:a8:4d:01" and
		.operstate != "DOWN"' "$info"
	ip -n "$n" -j addr show vxlan.42 | jq -e '[.[0].addr_info[].local] | index("10.77.1.0") and index("fd00:77:1::")'
	ip -n "$n" -j addr show vxbr0 | jq -e '[.[0].addr_info[] | "\(.local)/\(.prefixlen)"] |
		index("10.77.1.1/24") and index("fd00:77:1::1/64")'
	for i in 2 3; do
		mac="0a:58:c0:a8:4d:0$i"
		ip -n "$n" -j route show 10.77.$i.0/24 | jq -e --arg i "$i" \
			'.[0].gateway == "10.77.\($i).0" and .[0].dev == "vxlan.42" and (.[0].flags | index("onlink"))'
		ip -n "$n" -j -6 route show "fd00:77:$i::/64" | jq -e --arg i "$i" '.[0].gateway == "fd00:77:\($i)::"'
		ip -n "$n" -j neigh show dev vxlan.42 | jq -e --arg i "$i" --arg m "$mac" \
			'map(select(.dst == "10.77.\($i).0" and .lladdr == $m and (.state | index("PERMANENT")))) | length == 1'
		ip -n "$n" -j -6 neigh show dev vxlan.42 | jq -e --arg i "$i" --arg m "$mac" \
			'map(select(.dst == "fd00:77:\($i)::" and .lladdr == $m)) | length == 1'
		ip netns exec "$n" bridge -j fdb show dev vxlan.42 | jq -e --arg i "$i" --arg m "$mac" \
			'map(select(.mac == $m and .dst == "192.168.77.\($i)")) | length == 1'
	done
	# The node itself is in the file but is no peer of its own.
	[ "$(ip -n "$n" -j neigh show dev vxlan.42 | jq 'map(select(.dst == "10.77.1.0")) | length')" = 0 ]
	[ "$(ip -n "$n" -j route show dev vxlan.42 | jq 'map(select(.gateway)) | length')" = 2 ]
}

@test "vxlan-overlay: a node removed from the peers file loses its entries at the next ADD and GC" {
	for i in 1 2 3; do node "$i"; done
	write_peers 1 2 3
	for i in 1 2 3; do
		run pod_add "$i" "p$i"
		[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	done
	p3=$(ip -n "$PFX-p3" -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')
	ip netns exec "$PFX-p1" ping -c 1 -W 2 "$p3"
	write_peers 1 2
	run pod_add 1 p1b
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	count() {
		local n="$PFX-n$1"
		echo $(($(ip -n "$n" -j route show 10.77.3.0/24 | jq length) +
			$(ip -n "$n" -j neigh show dev vxlan.42 | jq 'map(select(.dst == "10.77.3.0")) | length') +
			$(ip -n "$n" -j -6 neigh show dev vxlan.42 | jq 'map(select(.dst == "fd00:77:3::")) | length') +
			$(ip netns exec "$n" bridge -j fdb show dev vxlan.42 | jq 'map(select(.dst == "192.168.77.3")) | length')))
	}
	[ "$(count 1)" = 0 ] || fail "node 1 still has node 3: $(count 1)"
	[ "$(count 2)" = 4 ] || fail "node 2 reconciled before its next ADD/GC: $(count 2)"
	run ip netns exec "$PFX-p1" ping -c 1 -W 1 "$p3"
	[ "$status" -ne 0 ]
	# Node 2 still reaches node 1; its GC (a reconcile too) drops node 3.
	run on 2 GC "$(conf 2 | jq '."cni.dev/valid-attachments" = [{containerID: "p2", ifname: "eth0"}]')"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[ "$(count 2)" = 0 ]
	p2=$(ip -n "$PFX-p2" -j addr show eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')
	ip netns exec "$PFX-p1" ping -c 1 -W 2 "$p2"
}

# with_prev CONF RESULT: CONF with prevResult (for CHECK).
with_prev() {
	printf '%s' "$1" | jq --argjson r "$2" '.prevResult = $r'
}

@test "vxlan-overlay: ADD, CHECK, DEL and a second DEL for every cniVersion" {
	node 1
	write_peers 1 2
	for v in $CNI_VERSIONS; do
		cni_add_ns "v$v"
		run on 1 ADD "$(conf 1 "$v")" "v$v"
		[ "$status" -eq 0 ] || fail "$v: $output $(cat "$TMP/stderr")"
		res=$output
		assert_json ".cniVersion == \"$v\""
		case "$v" in
		0.1.0 | 0.2.0)
			assert_json '.ip4.ip | startswith("10.77.1.")'
			assert_json '.ip6.ip | startswith("fd00:77:1::")'
			;;
		*)
			assert_json '(.interfaces | length == 3) and .interfaces[0].name == "vxbr0" and
				.interfaces[2].name == "eth0" and (.interfaces[2].sandbox | endswith("v'"$v"'")) and
				(.ips | length == 2) and all(.ips[]; .interface == 2) and
				.ips[0].gateway == "10.77.1.1" and (.routes | length == 2)'
			if [ "$v" = 1.1.0 ]; then
				assert_json 'all(.interfaces[]; .mtu == 1450)'
			else
				assert_json 'all(.interfaces[]; has("mtu") | not)'
			fi
			;;
		esac
		case "$v" in
		0.1.0 | 0.2.0 | 0.3.0 | 0.3.1) ;;
		*)
			run on 1 CHECK "$(with_prev "$(conf 1 "$v")" "$res")" "v$v"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output $(cat "$TMP/stderr")"
			;;
		esac
		run on 1 DEL "$(conf 1 "$v")" "v$v"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		[ -z "$(ip -n "$PFX-v$v" -j link show eth0 2>/dev/null | jq '.[]?')" ]
		run on 1 DEL "$(conf 1 "$v")" "v$v"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
	done
	# DEL removes only the pod's parts: the node keeps its device, bridge and peers.
	ip -n "$PFX-n1" link show vxlan.42 >/dev/null
	ip -n "$PFX-n1" link show vxbr0 >/dev/null
	[ "$(ip -n "$PFX-n1" -j route show 10.77.2.0/24 | jq length)" = 1 ]
	[ -z "$(ls "$TMP/ipam-n1/ovl" | grep -v -e lock -e last_reserved)" ]
}

@test "vxlan-overlay: CHECK fails when a pod part or a peer entry is gone, or a peer is stale" {
	node 1
	write_peers 1 2 3
	run pod_add 1 pa
	[ "$status" -eq 0 ] || fail "$output"
	res=$output
	check() { on 1 CHECK "$(with_prev "$(conf 1)" "$res")" pa; }
	run check
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	ip -n "$PFX-n1" route del 10.77.3.0/24
	run check
	assert_error 3
	run pod_add 1 pb # reconciles the route back
	run check
	[ "$status" -eq 0 ] || fail "$output"
	write_peers 1 2
	run check
	assert_error 3
	[[ "$output" == *stale* ]] || fail "$output"
	run pod_add 1 pc
	run check
	[ "$status" -eq 0 ] || fail "$output"
	ip netns exec "$PFX-n1" bridge fdb del 0a:58:c0:a8:4d:02 dev vxlan.42 dst 192.168.77.2 self
	run check
	assert_error 3
	run pod_add 1 pd
	ip -n "$PFX-pa" link set eth0 mtu 1400
	run check
	assert_error 3
	ip -n "$PFX-pa" link del eth0
	run check
	assert_error 3
}

@test "vxlan-overlay: DEL with the netns gone and with CNI_NETNS empty releases the IP" {
	node 1
	run pod_add 1 pa
	[ "$status" -eq 0 ] || fail "$output"
	ip netns del "$PFX-pa"
	run on 1 DEL "$(conf 1)" pa
	[ "$status" -eq 0 ] || fail "$output"
	run pod_add 1 pb
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=pb CNI_NETNS="" NODE="$PFX-n1" run cni_exec vxlan-overlay DEL "$(conf 1)"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(ls "$TMP/ipam-n1/ovl" | grep -v -e lock -e last_reserved)" ]
}

@test "vxlan-overlay: a failed ADD on a fresh node leaves no device, bridge, entry or lease" {
	node 1
	write_peers 1 2
	cni_add_ns pa
	ip -n "$PFX-pa" link add eth0 type veth peer name eth1
	run on 1 ADD "$(conf 1)" pa
	assert_error 4
	n="$PFX-n1"
	[ "$(ip -n "$n" -j link show | jq 'map(select(.ifname != "lo" and .ifname != "eth0")) | length')" = 0 ]
	[ "$(ip -n "$n" -j route show 10.77.2.0/24 | jq length)" = 0 ]
	[ -z "$(ls "$TMP/ipam-n1/ovl" 2>/dev/null | grep -v -e lock -e last_reserved)" ]
}

@test "vxlan-overlay: an IPAM failure removes the veth and keeps the node's objects" {
	node 1
	cf=$(conf 1 | jq '.podSubnet = "10.77.1.0/30" | del(.podSubnet6)')
	cni_add_ns pa
	run on 1 ADD "$cf" pa
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	cni_add_ns pb
	run on 1 ADD "$cf" pb
	[ "$status" -ne 0 ]
	assert_json '.code != 999'
	[ "$(ip -n "$PFX-n1" -j link show master vxbr0 | jq length)" = 1 ]
	[ -z "$(ip -n "$PFX-pb" -j link show eth0 2>/dev/null | jq '.[]?')" ]
	ip -n "$PFX-n1" link show vxlan.42 >/dev/null
}

@test "vxlan-overlay: config and peers errors have their codes" {
	node 1
	cni_add_ns pa
	bad() {
		run on 1 ADD "$1" pa
		assert_error "$2"
	}
	bad "$(conf 1 | jq '.vni = 0')" 7
	bad "$(conf 1 | jq '.vni = 16777216')" 7
	bad "$(conf 1 | jq '.vni = "x"')" 7
	bad "$(conf 1 | jq '.port = 70000')" 7
	bad "$(conf 1 | jq 'del(.podSubnet)')" 7
	bad "$(conf 1 | jq '.podSubnet = "fd00::/64"')" 7
	bad "$(conf 1 | jq '.peers = []')" 7
	bad "$(conf 1 | jq '.bridge = "vxlan.42"')" 7
	bad "$(conf 1 | jq '.mtu = 1460')" 7
	bad "$(conf 1 | jq '.localIP = "192.168.77.9"')" 11
	bad "$(conf 1 | jq 'del(.localIP) | .underlayInterface = "nope0"')" 11
	bad "$(conf 1 | jq 'del(.localIP)')" 11 # no default route in this node
	bad "$(conf 1 | jq '.peersFile = "/nonexistent/peers.json"')" 11
	echo '{not json' >"$PEERS"
	bad "$(conf 1)" 6
	echo '[{"podSubnet": "10.77.2.0/24"}]' >"$PEERS"
	bad "$(conf 1)" 6
	bad "$(conf 1 | jq 'del(.peersFile) | .peers = [{nodeIP: "fd77::2", podSubnet: "10.77.2.0/24"}]')" 7
	# Nothing was left behind by any of them.
	[ "$(ip -n "$PFX-n1" -j link show | jq 'map(select(.ifname != "lo" and .ifname != "eth0")) | length')" = 0 ]
}

@test "vxlan-overlay: the underlay from underlayInterface and from the default route" {
	node 1
	node 2
	write_peers 1 2
	cf1=$(conf 1 | jq 'del(.localIP) | .underlayInterface = "eth0"')
	ip -n "$PFX-n2" route add default via 192.168.77.254
	cf2=$(conf 2 | jq 'del(.localIP)')
	cni_add_ns pa
	cni_add_ns pb
	run on 1 ADD "$cf1" pa
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run on 2 ADD "$cf2" pb
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	dst=$(ip_of "$output" 4)
	[ "$(ip -n "$PFX-n2" -j -d link show vxlan.42 | jq -r '.[0].linkinfo.info_data.local')" = 192.168.77.2 ]
	ip netns exec "$PFX-pa" ping -c 1 -W 2 "$dst"
}

@test "vxlan-overlay: STATUS is 50 without underlay, peers file or a usable device name; GC via IPAM" {
	node 1
	write_peers 1 2
	run on 1 STATUS "$(conf 1)"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run on 1 STATUS "$(conf 1 | jq '.peersFile = "/nonexistent/peers.json"')"
	assert_error 50
	echo '[' >"$TMP/bad.json"
	run on 1 STATUS "$(conf 1 | jq --arg f "$TMP/bad.json" '.peersFile = $f')"
	assert_error 50
	run on 1 STATUS "$(conf 1 | jq '.localIP = "192.168.77.9"')"
	assert_error 50
	ip -n "$PFX-n1" link add vxlan.42 type bridge
	run on 1 STATUS "$(conf 1)"
	assert_error 50
	ip -n "$PFX-n1" link del vxlan.42
	# GC releases leases of attachments that are no longer valid.
	run pod_add 1 pa
	run pod_add 1 pb
	[ "$(ls "$TMP/ipam-n1/ovl" | grep -c '^10\.')" = 2 ]
	run on 1 GC "$(conf 1 | jq '."cni.dev/valid-attachments" = [{containerID: "pa", ifname: "eth0"}]')"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[ "$(ls "$TMP/ipam-n1/ovl" | grep -c '^10\.')" = 1 ]
}

@test "vxlan-overlay: conf-examples/vxlan-overlay.conflist through cnitool on two nodes" {
	node 1
	node 2
	write_peers 1 2
	mkdir -p "$TMP/net.d"
	for i in 1 2; do
		mkdir -p "$TMP/net.d/n$i"
		jq --arg i "$i" --arg p "$PEERS" --arg d "$TMP/ipam-n$i" \
			'.plugins[0] |= (.localIP = "192.168.77.\($i)" | .podSubnet = "10.77.\($i).0/24" |
			 .peersFile = $p | .dataDir = $d)' \
			"$REPO/conf-examples/vxlan-overlay.conflist" >"$TMP/net.d/n$i/ovl.conflist"
		cni_add_ns "c$i"
	done
	net=$(jq -r .name "$REPO/conf-examples/vxlan-overlay.conflist")
	tool() {
		ip netns exec "$PFX-n$1" env NETCONFPATH="$TMP/net.d/n$1" CNI_PATH="$BIN" \
			CNI_CACHE_DIR="$TMP/cache$1" "$BIN/cnitool" "$2" "$net" "/run/netns/$PFX-c$1" 2>>"$TMP/stderr"
	}
	run tool 1 add
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run tool 2 add
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	dst=$(ip_of "$output" 4)
	ip netns exec "$PFX-c1" ping -c 1 -W 2 "$dst"
	run tool 1 check
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	for i in 1 2; do
		run tool "$i" del
		[ "$status" -eq 0 ] || fail "$output"
	done
}
