# bench scenario: bandwidth chained after a veth attachment (bridge -> bandwidth), tbf mode, both
# directions (so ADD makes the tbf, the IFB, the ingress qdisc and the redirect). The veth a bridge
# ADD would make is made per pod by bench_pod_setup, so only the bandwidth step is timed; each
# implementation has its own host veth name, which its prevResult names.
bench_plugin() { echo bandwidth; }
bench_conf() {
	jq -n --arg h "bw-$1" '{
		cniVersion: "1.0.0", name: "bench-bandwidth", type: "bandwidth",
		ingressRate: 8000000, ingressBurst: 80000, egressRate: 16000000, egressBurst: 160000,
		prevResult: {cniVersion: "1.0.0", interfaces: [{name: $h}, {name: "eth0", sandbox: "/x"}],
		             ips: []}}'
}
bench_pod_setup() {
	# A deleted netns takes its veth away asynchronously: drop the previous pod's host end first.
	ip -n "$1" link del "bw-$3" 2>/dev/null || true
	ip -n "$1" link add "bw-$3" type veth peer name eth0 netns "$2"
	ip -n "$1" link set "bw-$3" up
	ip -n "$2" link set eth0 up
}
