# bench scenario: portmap ADD/DEL with 2 mappings (tcp 8080, udp 5353), chained after a fixed
# prevResult (the interface plugin's part is measured by the bridge scenario). The reference
# (v1.1.1) only has iptables; ours uses BENCH_PORTMAP_BACKEND (default nftables; "iptables" to
# compare like with like on this node's iptables).
bench_plugin() { echo portmap; }
bench_conf() {
	local ip=10.233.0.2/24 backend=${BENCH_PORTMAP_BACKEND:-nftables}
	[ "$1" = ref ] && ip=10.234.0.2/24
	jq -n --arg ip "$ip" --arg impl "$1" --arg b "$backend" '{
		cniVersion: "1.0.0", name: "bench-portmap", type: "portmap",
		runtimeConfig: {portMappings: [
			{hostPort: 8080, containerPort: 80, protocol: "tcp"},
			{hostPort: 5353, containerPort: 53, protocol: "udp"}]},
		prevResult: {cniVersion: "1.0.0", interfaces: [{name: "eth0", sandbox: "/run/netns/x"}],
			     ips: [{address: $ip, interface: 0}]}}
		+ (if $impl == "ours" then {backend: $b} else {} end)'
}
