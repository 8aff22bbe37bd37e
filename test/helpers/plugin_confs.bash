# One config per plugin for the suites that run every plugin the same way (fault.bats,
# crash.bats, noexec.bats): conf_<plugin> prints it, prepare_<plugin> (optional) sets up the node.
# Needs helpers/common (PFX, NODE, CTR, DATA_DIR). A new plugin joins here.

ipam_hl() { # ipam_hl SUBNET: host-local IPAM in this test's dataDir
	jq -nc --arg sn "$1" --arg dd "$DATA_DIR" '{type: "host-local", subnet: $sn, dataDir: $dd}'
}

conf_bridge() {
	jq -nc --arg br "${PFX}br" --argjson ipam "$(ipam_hl 10.98.0.0/24)" \
		'{cniVersion: "1.1.0", name: "fnet", type: "bridge", bridge: $br, isGateway: true,
		  ipam: ($ipam + {routes: [{dst: "0.0.0.0/0"}]})}'
}

conf_ptp() {
	jq -nc --argjson ipam "$(ipam_hl 10.98.1.0/24)" \
		'{cniVersion: "1.1.0", name: "fnet", type: "ptp", ipMasq: false, ipam: $ipam}'
}

prepare_macvlan() {
	ip -n "$NODE" link add "${PFX}m" type veth peer name "${PFX}n"
	ip -n "$NODE" link set "${PFX}m" up
}
conf_macvlan() {
	jq -nc --arg m "${PFX}m" --argjson ipam "$(ipam_hl 10.98.2.0/24)" \
		'{cniVersion: "1.1.0", name: "fnet", type: "macvlan", master: $m, ipam: $ipam}'
}

prepare_ipvlan() {
	vm_require ipvlan
	prepare_macvlan
}
conf_ipvlan() {
	conf_macvlan | jq -c '.type = "ipvlan"'
}

# vxlan-overlay: the node's underlay is one end of a veth pair; one remote peer, so the plugin
# installs peer routes, neighbours and fdb entries too.
prepare_vxlan-overlay() {
	ip -n "$NODE" link add eth0 type veth peer name ul1
	ip -n "$NODE" addr add 192.168.97.1/24 dev eth0
	ip -n "$NODE" link set eth0 up
	ip -n "$NODE" link set ul1 up
}
conf_vxlan-overlay() {
	jq -nc --arg dd "$DATA_DIR" '{cniVersion: "1.1.0", name: "fovl", type: "vxlan-overlay",
		vni: 97, vxlanName: "vx97", bridge: "vxbr97", localIP: "192.168.97.1",
		podSubnet: "10.97.1.0/24", podSubnet6: "fd00:97:1::/64", dataDir: $dd,
		peers: [{nodeIP: "192.168.97.2", podSubnet: "10.97.2.0/24",
			 podSubnet6: "fd00:97:2::/64"}]}'
}

conf_loopback() {
	jq -nc '{cniVersion: "1.1.0", name: "fnet", type: "loopback"}'
}

conf_host-local() {
	jq -nc --argjson ipam "$(ipam_hl 10.98.3.0/24)" \
		'{cniVersion: "1.1.0", name: "fnet", type: "ipam-user", ipam: $ipam}'
}

conf_static() {
	jq -nc '{cniVersion: "1.1.0", name: "fnet", type: "ipam-user",
		 ipam: {type: "static", addresses: [{address: "10.98.4.2/24"}]}}'
}

# portmap, chained: the prevResult names a pod address on a veth the node routes to.
prepare_portmap() {
	ip -n "$NODE" link add "${PFX}c" type veth peer name eth0 netns "$CTR"
	ip -n "$NODE" addr add 10.98.5.1/24 dev "${PFX}c"
	ip -n "$NODE" link set "${PFX}c" up
	ip -n "$CTR" addr add 10.98.5.2/24 dev eth0
	ip -n "$CTR" link set eth0 up
}
conf_portmap() {
	jq -nc --arg ns "/run/netns/$CTR" --arg b "${PORTMAP_BACKEND:-nftables}" '{cniVersion: "1.1.0",
		name: "fnet", type: "portmap", backend: $b, snat: true, capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"},
					       {hostPort: 5353, containerPort: 53, protocol: "udp"}]},
		prevResult: {cniVersion: "1.1.0", interfaces: [{name: "eth0", sandbox: $ns}],
			     ips: [{address: "10.98.5.2/24", interface: 0}]}}'
}

prepare_tuning() {
	prepare_portmap
}
conf_tuning() {
	jq -nc --arg ns "/run/netns/$CTR" '{cniVersion: "1.1.0", name: "fnet", type: "tuning",
		mtu: 1400, promisc: true, sysctl: {"net.ipv4.conf.eth0.arp_notify": "1"},
		prevResult: {cniVersion: "1.1.0", interfaces: [{name: "eth0", sandbox: $ns}],
			     ips: [{address: "10.98.5.2/24", interface: 0}]}}'
}

# bridge with an IPAM type we do not ship: the exec of the delegated binary is a step too.
conf_bridge_delegated() {
	conf_bridge | jq -c '.ipam.type = "fault-delegated-ipam"'
}
