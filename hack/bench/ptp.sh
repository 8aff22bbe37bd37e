# bench scenario: ptp + host-local, IPv4 (an IPv6 range would add the Go plugin's DAD wait).
# cniVersion 1.0.0 is the newest the Debian reference (v1.1.1) speaks; each implementation gets
# its own subnet and dataDir in the shared node netns.
bench_plugin() { echo ptp; }
bench_conf() {
	local subnet=10.233.0.0/16
	[ "$1" = ref ] && subnet=10.234.0.0/16
	jq -n --arg s "$subnet" --arg d "$TMP/data-$1" '{
		cniVersion: "1.0.0", name: "bench-ptp", type: "ptp", mtu: 1450,
		ipam: {type: "host-local", subnet: $s, dataDir: $d, routes: [{dst: "0.0.0.0/0"}]}}'
}
