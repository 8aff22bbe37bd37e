# One config per plugin for the suites that run every plugin the same way (fault.bats,
# crash.bats, noexec.bats): conf_<plugin> prints it, prepare_<plugin> (optional) sets up the node.
# Needs helpers/common (PFX, NODE, CTR, DATA_DIR). A new plugin joins here.

load helpers/fastpathd

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

# ---- variants and teardown ----------------------------------------------------------------------
# A suite names a variant PLUGIN:VARIANT (bridge:ipmasq): conf_PLUGIN_VARIANT, and
# prepare_PLUGIN_VARIANT if there is one, else prepare_PLUGIN. PREP_BIN: the tree whose daemons
# a prepare starts (fastpathd), default $BIN.
plugin_prepare() { # plugin_prepare NAME
	local cname=${1//:/_} plugin=${1%%:*}
	if declare -F "prepare_$cname" >/dev/null; then
		"prepare_$cname"
	elif declare -F "prepare_$plugin" >/dev/null; then
		"prepare_$plugin"
	fi
}

# What a prepare started outside the test's netns and TMP (fastpathd, a netdevsim device).
plugin_confs_teardown() {
	fpd_teardown
	if [ -n "${NSIM_ID:-}" ]; then
		echo "$NSIM_ID" >/sys/bus/netdevsim/del_device 2>/dev/null
		NSIM_ID=
	fi
	return 0
}

# ---- bridge variants ----------------------------------------------------------------------------
conf_bridge_macspoofchk() {
	conf_bridge | jq -c '.macspoofchk = true'
}

conf_bridge_ipmasq() {
	conf_bridge | jq -c '.ipMasq = true | .ipMasqBackend = "nftables"'
}

conf_bridge_ipmasq_iptables() {
	conf_bridge | jq -c '.ipMasq = true | .ipMasqBackend = "iptables"'
}

# ---- meta plugins: a prevResult naming a real veth pod (prepare_portmap's) -----------------------
prev_veth_pod() {
	jq -nc --arg ns "/run/netns/$CTR" --arg h "${PFX}c" '{cniVersion: "1.1.0",
		interfaces: [{name: $h}, {name: "eth0", sandbox: $ns}],
		ips: [{address: "10.98.5.2/24", interface: 1}]}'
}

prepare_firewall() {
	prepare_portmap
}
conf_firewall() {
	jq -nc --argjson p "$(prev_veth_pod)" '{cniVersion: "1.1.0", name: "fnet", type: "firewall",
		backend: "nftables", prevResult: $p}'
}
conf_firewall_iptables() {
	conf_firewall | jq -c '.backend = "iptables"'
}
# isolated: the isolation chains and the same-bridge drop as well.
conf_firewall_isolated() {
	conf_firewall | jq -c '.ingressPolicy = "isolated"'
}

prepare_bandwidth() {
	# Loaded with numifbs=0 the ifb module makes no ifb0/ifb1 in the root netns.
	modprobe -q ifb numifbs=0 2>/dev/null || true
	prepare_portmap
}
# Both directions on tbf: the ingress qdisc + redirect + IFB path and the tbf on the host veth.
conf_bandwidth() {
	jq -nc --argjson p "$(prev_veth_pod)" '{cniVersion: "1.1.0", name: "fnet", type: "bandwidth",
		ingressRate: 8000000, ingressBurst: 80000, egressRate: 16000000, egressBurst: 160000,
		prevResult: $p}'
}

# ---- dpdk-vhost: fastpathd in the node netns; its port table is part of the snapshot ------------
FPD_SOCK_DIR_NAME=vhost
# The port table without counters, sorted.
fpd_ports() {
	FPCTL -j ports | jq -c '[.ports[] | {name, type, socket, mac, vlan}] | sort_by(.name)'
}
prepare_dpdk-vhost() {
	FPD_BIN=${PREP_BIN:-$BIN}
	[ -x "$FPD_BIN/fastpathd" ] || skip "no $FPD_BIN/fastpathd (built with libdpdk)"
	fpd_config
	fpd_start
	FAULT_DIRS="${FAULT_DIRS:-} $TMP/$FPD_SOCK_DIR_NAME"
	FAULT_HOOKS="${FAULT_HOOKS:-} fpd_ports"
}
conf_dpdk-vhost() {
	jq -nc --arg c "$TMP/ctl.sock" --arg s "$TMP/$FPD_SOCK_DIR_NAME" \
		--argjson ipam "$(ipam_hl 10.98.6.0/24)" '{cniVersion: "1.1.0", name: "fnet",
		type: "dpdk-vhost", controlSocket: $c, socketDir: $s, vlan: 7,
		ipam: ($ipam + {routes: [{dst: "0.0.0.0/0"}]})}'
}

# ---- sriov: a fake sysfs (CNI_C_SYSFS_ROOT) maps VF0 to a stand-in veth in the node netns -------
SRIOV_PF_PCI=0000:00:0a.0
SRIOV_VF0=0000:00:0a.1
sriov_fake_pf() { # sriov_fake_pf PFNAME
	export CNI_C_SYSFS_ROOT=$TMP/sys
	mkdir -p "$CNI_C_SYSFS_ROOT/bus/pci/devices/$SRIOV_PF_PCI/net/$1"
}
sriov_fake_vf0() { # sriov_fake_vf0 NETDEV: VF 0 of the PF, virtfn0 <-> physfn, driver igbvf
	local dev=$CNI_C_SYSFS_ROOT/bus/pci/devices/$SRIOV_VF0
	mkdir -p "$dev/net/$1"
	ln -s "../$SRIOV_PF_PCI" "$dev/physfn"
	ln -s "../$SRIOV_VF0" "$CNI_C_SYSFS_ROOT/bus/pci/devices/$SRIOV_PF_PCI/virtfn0"
	ln -s ../../../bus/pci/drivers/igbvf "$dev/driver"
	# The VF's netdev: a veth whose peer sits in a neighbour netns.
	ip netns add "$PFX-nb"
	ip -n "$NODE" link add "$1" type veth peer name "n$1" netns "$PFX-nb"
	FAULT_DIRS="${FAULT_DIRS:-} $TMP/sriov"
}
# On this host the PF is a veth: no VF attributes, so no PF-side keys.
prepare_sriov() {
	ip -n "$NODE" link add "${PFX}pf" type veth peer name "${PFX}pp"
	sriov_fake_pf "${PFX}pf"
	sriov_fake_vf0 "${PFX}v0"
}
conf_sriov() {
	jq -nc --arg dev "$SRIOV_VF0" --arg sd "$TMP/sriov" --argjson ipam "$(ipam_hl 10.98.7.0/24)" \
		'{cniVersion: "1.1.0", name: "fnet", type: "sriov", deviceID: $dev, dataDir: $sd,
		  mtu: 1400, ipam: $ipam}'
}
# In the VM lane the PF is netdevsim's: the PF-side VF attributes are set and restored for real
# (the snapshot holds the PF's vfinfo_list).
prepare_sriov_netdevsim() {
	local name
	vm_require netdevsim
	NSIM_ID=$(((RANDOM % 30000) + 1000))
	ip netns exec "$NODE" sh -c "echo '$NSIM_ID 1' >/sys/bus/netdevsim/new_device"
	echo 2 >"/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/sriov_numvfs"
	name=$(ip netns exec "$NODE" ls "/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/net/")
	[ -n "$name" ] || fail "netdevsim$NSIM_ID has no netdev in $NODE"
	sriov_fake_pf "$name"
	sriov_fake_vf0 "${PFX}v0"
}
conf_sriov_netdevsim() {
	conf_sriov | jq -c '. + {vlan: 100, vlanQoS: 3, spoofchk: "off", trust: "on",
		link_state: "disable", min_tx_rate: 10, max_tx_rate: 100, mac: "02:aa:bb:cc:dd:01"}'
}
