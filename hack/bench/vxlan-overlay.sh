# bench scenario: vxlan-overlay ADD/DEL on one node with two peers (VXLAN device, bridge, peers'
# entries reconciled on every ADD, host-local IPAM in-process).
# There is no Go reference for this plugin. Closest reference: bridge — Debian's /usr/lib/cni/bridge
# with host-local on an equivalent local config (bridge, gateway, default route, MTU 1450), so
# the ratio compares our overlay ADD (which does more) with the reference's plain bridge ADD.
# bench.sh calls bench_plugin inside loops whose variable `impl` says which side is measured.
bench_plugin() {
	if [ "${impl:-ours}" = ref ]; then echo bridge; else echo vxlan-overlay; fi
}
bench_setup() {
	ip -n "$1" link add bench-ul type veth peer name bench-ul1
	ip -n "$1" addr add 192.168.231.1/24 dev bench-ul
	ip -n "$1" link set bench-ul up
	ip -n "$1" link set bench-ul1 up
	jq -n '[{nodeIP: "192.168.231.1", podSubnet: "10.233.1.0/24"},
		{nodeIP: "192.168.231.2", podSubnet: "10.233.2.0/24"},
		{nodeIP: "192.168.231.3", podSubnet: "10.233.3.0/24"}]' >"$TMP/peers.json"
}
bench_conf() {
	if [ "$1" = ref ]; then
		jq -n --arg d "$TMP/data-ref" '{
			cniVersion: "1.0.0", name: "bench-vxo-ref", type: "bridge", bridge: "gbench1",
			isGateway: true, isDefaultGateway: true, mtu: 1450,
			ipam: {type: "host-local", subnet: "10.234.1.0/24", dataDir: $d}}'
	else
		jq -n --arg d "$TMP/data-ours" --arg p "$TMP/peers.json" '{
			cniVersion: "1.0.0", name: "bench-vxo", type: "vxlan-overlay", vni: 7,
			localIP: "192.168.231.1", podSubnet: "10.233.1.0/24", peersFile: $p,
			dataDir: $d}'
	fi
}
