# bench scenario: macvlan (bridge mode) + host-local on a veth master in the node netns.
# cniVersion 1.0.0 is the newest the Debian reference (v1.1.1) speaks; each implementation gets
# its own subnet and dataDir on the one master.
bench_plugin() { echo macvlan; }
bench_setup() {
	ip -n "$1" link add bmaster0 type veth peer name bmaster0p
	ip -n "$1" link set bmaster0 up
	ip -n "$1" link set bmaster0p up
}
bench_conf() {
	local subnet=10.233.0.0/16
	[ "$1" = ref ] && subnet=10.234.0.0/16
	jq -n --arg s "$subnet" --arg d "$TMP/data-$1" '{
		cniVersion: "1.0.0", name: "bench-macvlan", type: "macvlan", master: "bmaster0",
		mode: "bridge", ipam: {type: "host-local", subnet: $s, dataDir: $d}}'
}
