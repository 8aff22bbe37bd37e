# bench scenario: bridge + host-local. cniVersion 1.0.0 is the newest the Debian reference (v1.1.1)
# speaks; each implementation gets its own bridge, subnet and dataDir.
bench_plugin() { echo bridge; }
bench_conf() {
	local br=cbench0 subnet=10.231.0.0/16
	[ "$1" = ref ] && br=gbench0 subnet=10.232.0.0/16
	jq -n --arg b "$br" --arg s "$subnet" --arg d "$TMP/data-$1" '{
		cniVersion: "1.0.0", name: "bench-bridge", type: "bridge", bridge: $b, isGateway: true,
		ipam: {type: "host-local", subnet: $s, dataDir: $d}}'
}
