# bench scenario: a whole chain, bridge + host-local -> portmap (2 mappings, from CAP_ARGS) ->
# bandwidth, as a conflist run by our cnitool for both sides: only CNI_PATH differs (our build dir
# against /usr/lib/cni), so the time is the plugins' own. cniVersion 1.0.0 is the newest the Debian
# reference (v1.1.1) speaks. The reference portmap only has iptables; ours uses
# BENCH_PORTMAP_BACKEND (default nftables). Each side has its own bridge, subnet, dataDir, cache.
bench_plugin() { echo portmap; }
bench_conf() {
	local br=cchain0 subnet=10.235.0.0/16 backend=${BENCH_PORTMAP_BACKEND:-nftables}
	[ "$1" = ref ] && br=gchain0 subnet=10.236.0.0/16
	jq -n --arg b "$br" --arg s "$subnet" --arg d "$TMP/data-$1" --arg impl "$1" \
		--arg be "$backend" '{
		cniVersion: "1.0.0", name: ("bench-chain-" + $impl), plugins: [
			{type: "bridge", bridge: $b, isGateway: true,
			 ipam: {type: "host-local", subnet: $s, dataDir: $d}},
			({type: "portmap", capabilities: {portMappings: true}}
			 + (if $impl == "ours" then {backend: $be} else {} end)),
			{type: "bandwidth", ingressRate: 8000000, ingressBurst: 80000,
			 egressRate: 16000000, egressBurst: 160000}]}'
}
bench_setup() {
	local impl
	for impl in ours ref; do
		mkdir -p "$TMP/netconf-$impl" "$TMP/cache-$impl"
		bench_conf "$impl" >"$TMP/netconf-$impl/chain.conflist"
	done
}
bench_cmd() {
	local verb
	verb=$(tr '[:upper:]' '[:lower:]' <<<"$2")
	printf '%s\n' /usr/bin/env "NETCONFPATH=$TMP/netconf-$1" "CNI_CACHE_DIR=$TMP/cache-$1" \
		'CAP_ARGS={"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":5353,"containerPort":53,"protocol":"udp"}]}' \
		"$OURS/cnitool" "$verb" "bench-chain-$1" "/run/netns/$PFX-$3"
}
