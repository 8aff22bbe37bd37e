#!/usr/bin/env bats
# The sriov plugin run as a runtime runs it. There is no SR-IOV NIC here, so sysfs is a fake tree
# under $TMP (CNI_C_SYSFS_ROOT) mapping PCI addresses to a PF netdev and VF indexes, and a veth
# stands for each VF's netdev (its peer, in a neighbour netns, answers ping). On the host the PF is
# a veth (no VF attributes: configs without PF-side keys only); in the VM lane it is a netdevsim
# SR-IOV PF, so the IFLA_VF_* attributes are set and restored for real and read back with ip -j.

load helpers/common

PF_PCI=0000:00:0a.0
VF0=0000:00:0a.1
VF1=0000:00:0a.2

setup() {
	cni_setup
	NB="$PFX-nb"
	SYSFS="$TMP/sys"
	SRIOV_DIR="$TMP/sriov"
	export CNI_C_SYSFS_ROOT=$SYSFS
	ip netns add "$NB"
	NSIM_ID=
	PF=
	IGB_PF=
}

teardown() {
	if [ -n "$NSIM_ID" ]; then
		echo "$NSIM_ID" >/sys/bus/netdevsim/del_device 2>/dev/null || true
	fi
	cni_teardown
	[ -n "${IGB_PF:-}" ] && igb_teardown
	return 0
}

# fake_pci_pf PFNAME: the PF's PCI device with its netdev.
fake_pci_pf() {
	PF=$1
	mkdir -p "$SYSFS/bus/pci/devices/$PF_PCI/net/$PF"
}

# fake_pci_vf INDEX PCI NETDEV [DRIVER]: a VF of the PF, virtfnINDEX <-> physfn.
fake_pci_vf() {
	local dev=$SYSFS/bus/pci/devices/$2
	mkdir -p "$dev"
	[ -n "$3" ] && mkdir -p "$dev/net/$3"
	ln -s "../$PF_PCI" "$dev/physfn"
	ln -s "../$2" "$SYSFS/bus/pci/devices/$PF_PCI/virtfn$1"
	ln -s "../../../bus/pci/drivers/${4:-igbvf}" "$dev/driver"
}

# host_pf: a veth as the PF (it reports no VFs).
host_pf() {
	ip -n "$NODE" link add "${PFX}pf" type veth peer name "${PFX}pp"
	fake_pci_pf "${PFX}pf"
}

# nsim_pf NUMVFS: a netdevsim SR-IOV PF living in the node netns.
nsim_pf() {
	NSIM_ID=$(( (RANDOM % 30000) + 1000 ))
	ip netns exec "$NODE" sh -c "echo '$NSIM_ID 1' >/sys/bus/netdevsim/new_device"
	echo "$1" >"/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/sriov_numvfs"
	local name
	name=$(ip netns exec "$NODE" ls "/sys/bus/netdevsim/devices/netdevsim$NSIM_ID/net/")
	[ -n "$name" ] || fail "netdevsim$NSIM_ID has no netdev in $NODE"
	fake_pci_pf "$name"
}

# stand_in NAME ADDR: a veth in the node netns standing for a VF netdev; its peer is eth-NAME in
# the neighbour netns with ADDR.
stand_in() {
	ip -n "$NODE" link add "$1" type veth peer name "n$1" netns "$NB"
	ip -n "$NB" link set "n$1" up
	ip -n "$NB" addr add "$2" dev "n$1"
}

# conf VERSION [JSON merged over the default]
conf() {
	local extra=${2:-'{}'}
	jq -nc --arg v "$1" --arg dev "$VF0" --arg dd "$DATA_DIR" --arg sd "$SRIOV_DIR" \
		--argjson x "$extra" \
		'{cniVersion: $v, name: "sriovnet", type: "sriov", deviceID: $dev, dataDir: $sd,
		  ipam: {type: "host-local", subnet: "10.79.0.0/24", rangeStart: "10.79.0.10",
			 dataDir: $dd}} * $x'
}

with_prev() {
	jq -nc --argjson c "$1" --argjson p "$2" '$c + {prevResult: $p}'
}

reserved() {
	ls "$DATA_DIR/sriovnet" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

# link_json NETNS NAME
link_json() {
	ip -n "$1" -j -d link show "$2" | jq -c '.[0]'
}

no_link() {
	run ip -n "$1" link show "$2"
	[ "$status" -ne 0 ] || fail "link $2 still in $1"
}

# vf_json INDEX: the PF's view of VF INDEX (ip -d -j link show's vfinfo_list).
vf_json() {
	ip -n "$NODE" -d -j link show "$PF" | jq -c ".[0].vfinfo_list[] | select(.vf == $1)"
}

# No record of the attachment or the VF's holder is left.
no_records() {
	local left
	left=$(find "$SRIOV_DIR" -type f ! -name '*.lock' 2>/dev/null)
	[ -z "$left" ] || fail "left in dataDir: $left"
}

# host_setup: a veth PF and VF0's stand-in v0 (peer 10.79.0.1).
host_setup() {
	host_pf
	stand_in "${PFX}v0" 10.79.0.1/24
	fake_pci_vf 0 "$VF0" "${PFX}v0"
}

@test "sriov: ADD, CHECK, DEL for every cniVersion (kernel mode, VF netdev moved and renamed)" {
	host_setup
	ip -n "$NODE" link set "${PFX}v0" mtu 1400
	orig_mac=$(link_json "$NODE" "${PFX}v0" | jq -r .address)
	for v in $CNI_VERSIONS; do
		run cni_exec sriov ADD "$(conf "$v")" net1
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		result=$output
		l=$(link_json "$CTR" net1)
		assert_json ".address == \"$orig_mac\" and .mtu == 1400 and (.flags | index(\"UP\"))" "$l"
		if [[ " $CNI_VERSIONS_IPS " == *" $v "* ]]; then
			assert_json ".cniVersion == \"$v\""
			if [ "$v" = 1.1.0 ]; then
				assert_json ".interfaces == [{name: \"net1\", mac: \"$orig_mac\", sandbox: \"/run/netns/$CTR\", pciID: \"$VF0\"}]"
			else
				assert_json ".interfaces == [{name: \"net1\", mac: \"$orig_mac\", sandbox: \"/run/netns/$CTR\"}]"
			fi
			assert_json '[.ips[] | .interface] == [0]'
			addr=$(jq -r '.ips[0].address' <<<"$result")
		else
			addr=$(jq -r '.ip4.ip' <<<"$result")
		fi
		no_link "$NODE" "${PFX}v0"
		[[ "$addr" == 10.79.0.1?/24 ]] || fail "address $addr"
		ip -n "$CTR" -j addr show dev net1 | jq -e --arg a "${addr%/24}" '[.[0].addr_info[] | select(.family == "inet") | .local] == [$a]' >/dev/null
		[ "$(reserved)" = "${addr%/24}" ]
		ip netns exec "$CTR" ping -c1 -W2 10.79.0.1 >/dev/null
		[ "$(cat "$SRIOV_DIR/vf/$VF0")" = "$CONTAINER_ID"$'\r\n'"net1" ]

		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec sriov CHECK "$(with_prev "$(conf "$v")" "$result")" net1
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi

		run cni_exec sriov DEL "$(conf "$v")" net1
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		[ -z "$output" ]
		no_link "$CTR" net1
		l=$(link_json "$NODE" "${PFX}v0")
		assert_json ".address == \"$orig_mac\" and .mtu == 1400" "$l"
		[ -z "$(reserved)" ]
		no_records
		run cni_exec sriov DEL "$(conf "$v")" net1
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
	done
}

@test "sriov: mtu and the deviceID capability; DEL gives the netdev its MTU back" {
	host_setup
	fake_pci_vf 1 "$VF1" "${PFX}v1"
	stand_in "${PFX}v1" 10.79.0.2/24
	before=$(link_json "$NODE" "${PFX}v1")
	# runtimeConfig.deviceID (the device plugin's allocation) wins over the config's deviceID.
	c=$(conf 1.1.0 "{\"mtu\": 1300, \"runtimeConfig\": {\"deviceID\": \"$VF1\"}}")
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json ".interfaces[0].pciID == \"$VF1\""
	assert_json '.mtu == 1300' "$(link_json "$CTR" eth0)"
	link_json "$NODE" "${PFX}v0" >/dev/null
	run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	after=$(link_json "$NODE" "${PFX}v1")
	[ "$(jq -c '{address, mtu}' <<<"$before")" = "$(jq -c '{address, mtu}' <<<"$after")" ]
}

@test "sriov: CHECK fails when the VF netdev, its MAC or an address is gone" {
	host_setup
	c=$(conf 1.0.0)
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	prev=$(with_prev "$c" "$output")
	run cni_exec sriov CHECK "$prev"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$CTR" addr flush dev eth0
	run cni_exec sriov CHECK "$prev"
	[ "$status" -ne 0 ] || fail "CHECK passed without the address"
	ip -n "$CTR" link set eth0 address 02:11:22:33:44:77
	run cni_exec sriov CHECK "$prev"
	assert_error 3
	ip -n "$CTR" link set eth0 name other
	run cni_exec sriov CHECK "$prev"
	assert_error 3
	run cni_exec sriov CHECK "$c"
	assert_error 7
	# Another attachment's CHECK: not the holder.
	CONTAINER_ID=other run cni_exec sriov CHECK "$prev"
	assert_error 3
}

@test "sriov: config errors are code 7 and touch nothing" {
	host_setup
	for x in '{"deviceID": ""}' '{"deviceID": 7}' '{"vlan": 4095}' '{"vlan": -1}' '{"vlan": "5"}' \
		'{"vlan": 5, "vlanQoS": 8}' '{"vlanQoS": 1}' '{"vlan": 5, "vlanProto": "802.1x"}' \
		'{"vlanProto": "802.1ad"}' '{"spoofchk": "maybe"}' '{"trust": true}' \
		'{"link_state": "up"}' '{"min_tx_rate": 100, "max_tx_rate": 10}' '{"max_tx_rate": -1}' \
		'{"mac": "02:11:22"}' '{"mtu": -5}' '{"dataDir": 5}' '{"fastpath": "yes"}' \
		'{"deviceID": "0000:00:ff.0"}' "{\"deviceID\": \"$PF_PCI\"}" '{"deviceID": "../x"}' \
		'{"fastpath": true}'; do
		run cni_exec sriov ADD "$(conf 1.0.0 "$x")"
		assert_error 7 || fail "config $x"
	done
	# A PF-side key on a PF that reports no VF attributes.
	run cni_exec sriov ADD "$(conf 1.0.0 '{"vlan": 10}')"
	assert_error 7
	run cni_exec sriov ADD "$(conf 1.0.0 '{"deviceID": null}')"
	assert_error 7
	[ "$(jq -r .msg <<<"$output")" = "VF pci addr is required" ]
	link_json "$NODE" "${PFX}v0" >/dev/null
	[ -z "$(reserved)" ]
	no_records
}

@test "sriov: a failed ADD puts the VF netdev back as it was and keeps no record" {
	host_setup
	before=$(link_json "$NODE" "${PFX}v0" | jq -c '{address, mtu}')
	c=$(conf 1.0.0 '{"mtu": 1280, "ipam": {"type": "no-such-ipam"}}')
	run cni_exec sriov ADD "$c"
	[ "$status" -ne 0 ] || fail "ADD passed: $output"
	no_link "$CTR" eth0
	after=$(link_json "$NODE" "${PFX}v0" | jq -c '{address, mtu}')
	[ "$before" = "$after" ] || fail "$before != $after"
	no_records
	# IPAM that runs out of addresses, after the netdev moved.
	c=$(conf 1.0.0 '{"ipam": {"rangeStart": "10.79.0.10", "rangeEnd": "10.79.0.10"}}')
	mkdir -p "$DATA_DIR/sriovnet"
	printf 'someone\r\neth0' >"$DATA_DIR/sriovnet/10.79.0.10"
	run cni_exec sriov ADD "$c"
	[ "$status" -ne 0 ] || fail "ADD passed: $output"
	link_json "$NODE" "${PFX}v0" >/dev/null
	no_link "$CTR" eth0
	no_records
}

@test "sriov: DEL with the netns gone and with CNI_NETNS empty releases the IP and the records" {
	host_setup
	c=$(conf 1.0.0)
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	# The stand-in veth dies with the netns (a real VF would come back as devN).
	ip netns del "$CTR"
	run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	no_records

	ip netns add "$CTR"
	stand_in "${PFX}v0" 10.79.0.1/24
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ]
	no_records
}

@test "sriov: a VF held by a live pod is refused (11); a late DEL of an old pod leaves the new holder alone (sriov-cni#219)" {
	host_setup
	cni_add_ns b
	c=$(conf 1.0.0)
	CONTAINER_ID=pod-a run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run cni_exec sriov ADD "$c"
	assert_error 11
	# Pod A's netns goes away before its DEL; the kernel gives the VF netdev back (the stand-in
	# is recreated under its name) and the device plugin hands the VF to pod B.
	ip netns del "$CTR"
	stand_in "${PFX}v0" 10.79.0.1/24
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	b_result=$output
	[ "$(cat "$SRIOV_DIR/vf/$VF0")" = pod-b$'\r\n'eth0 ]
	# The late DEL of pod A.
	CONTAINER_ID=pod-a run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(cat "$SRIOV_DIR/vf/$VF0")" = pod-b$'\r\n'eth0 ]
	[ ! -e "$SRIOV_DIR/pod-a-eth0.json" ]
	link_json "$PFX-b" eth0 >/dev/null
	ip netns exec "$PFX-b" ping -c1 -W2 10.79.0.1 >/dev/null
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run cni_exec sriov CHECK "$(with_prev "$c" "$b_result")"
	[ "$status" -eq 0 ] || fail "$output"
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	link_json "$NODE" "${PFX}v0" >/dev/null
	no_records
	[ -z "$(reserved)" ]
}

@test "sriov: DPDK mode (VF bound to vfio-pci) returns pciID and moves no netdev; fastpath needs fastpathd" {
	host_pf
	fake_pci_vf 0 "$VF0" "" vfio-pci
	c=$(conf 1.1.0)
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	assert_json ".interfaces == [{name: \"eth0\", sandbox: \"/run/netns/$CTR\", pciID: \"$VF0\"}]"
	assert_json '[.ips[] | .address] == ["10.79.0.10/24"]'
	no_link "$CTR" eth0
	run cni_exec sriov CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	no_records
	[ -z "$(reserved)" ]
	# fastpath: true with no daemon at the socket: try again later, nothing left.
	run cni_exec sriov ADD "$(conf 1.1.0 "{\"fastpath\": true, \"fastpathSocket\": \"$TMP/none.sock\"}")"
	assert_error 11
	no_records
	[ -z "$(reserved)" ]
}

@test "sriov: STATUS and GC pass through to IPAM; VERSION lists 1.1.0" {
	host_setup
	run cni_exec sriov STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ] || fail "$output"
	mkdir -p "$DATA_DIR/sriovnet"
	printf 'gone\r\neth0' >"$DATA_DIR/sriovnet/10.79.0.50"
	run cni_exec sriov GC "$(conf 1.1.0 '{"cni.dev/valid-attachments": []}')"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(reserved)" ] || fail "GC left $(reserved)"
	run cni_exec sriov VERSION "$(conf 1.1.0)"
	assert_json '.supportedVersions | index("1.1.0")'
}

# ---- the VM lane: netdevsim's SR-IOV PF -------------------------------------------------------

@test "[vm] sriov: PF-side VF attributes on netdevsim are set, checked and restored" {
	vm_require netdevsim
	nsim_pf 2
	stand_in "${PFX}v0" 10.79.0.1/24
	fake_pci_vf 0 "$VF0" "${PFX}v0"
	fake_pci_vf 1 "$VF1" ""
	before=$(vf_json 0)
	other=$(vf_json 1)
	c=$(conf 1.1.0 '{"vlan": 100, "vlanQoS": 3, "vlanProto": "802.1ad", "spoofchk": "off",
		"trust": "on", "link_state": "disable", "min_tx_rate": 10, "max_tx_rate": 100,
		"mac": "02:aa:bb:cc:dd:01"}')
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	result=$output
	vf=$(vf_json 0)
	echo "vf after ADD: $vf"
	assert_json '.address == "02:aa:bb:cc:dd:01" and .spoofchk == false and .trust == true and .link_state == "disable"' "$vf"
	assert_json '.vlan_list[0] == {vlan: 100, qos: 3, protocol: "802.1ad"}' "$vf"
	assert_json '.rate.min_tx == 10 and .rate.max_tx == 100' "$vf"
	[ "$(vf_json 1)" = "$other" ] || fail "VF 1 changed"
	assert_json '.address == "02:aa:bb:cc:dd:01"' "$(link_json "$CTR" eth0)"
	ip netns exec "$CTR" ping -c1 -W2 10.79.0.1 >/dev/null
	run cni_exec sriov CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	# Changed behind the plugin's back: CHECK sees it.
	ip -n "$NODE" link set "$PF" vf 0 trust off
	run cni_exec sriov CHECK "$(with_prev "$c" "$result")"
	assert_error 3
	run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	after=$(vf_json 0)
	[ "$before" = "$after" ] || fail "not restored: $before != $after"
	link_json "$NODE" "${PFX}v0" >/dev/null
	no_records
}

@test "[vm] sriov: parallel ADDs on two VFs of one PF, DEL with the netns gone restores the PF side" {
	vm_require netdevsim
	nsim_pf 2
	cni_add_ns b
	stand_in "${PFX}v0" 10.79.0.1/24
	stand_in "${PFX}v1" 10.79.0.2/24
	fake_pci_vf 0 "$VF0" "${PFX}v0"
	fake_pci_vf 1 "$VF1" "${PFX}v1"
	before0=$(vf_json 0)
	before1=$(vf_json 1)
	ca=$(conf 1.0.0 '{"vlan": 10, "spoofchk": "on", "trust": "on"}')
	cb=$(conf 1.0.0 "{\"deviceID\": \"$VF1\", \"vlan\": 20, \"trust\": \"on\"}")
	CONTAINER_ID=pod-a cni_exec sriov ADD "$ca" >"$TMP/a.out" &
	pa=$!
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b cni_exec sriov ADD "$cb" >"$TMP/b.out" &
	pb=$!
	wait "$pa" || fail "ADD a: $(cat "$TMP/a.out" "$TMP/stderr")"
	wait "$pb" || fail "ADD b: $(cat "$TMP/b.out" "$TMP/stderr")"
	assert_json '.vlan_list[0].vlan == 10 and .trust == true' "$(vf_json 0)"
	assert_json '.vlan_list[0].vlan == 20 and .trust == true' "$(vf_json 1)"
	ip netns del "$CTR"
	CONTAINER_ID=pod-a run cni_exec sriov DEL "$ca"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(vf_json 0)" = "$before0" ] || fail "VF 0 not restored"
	assert_json '.vlan_list[0].vlan == 20' "$(vf_json 1)"
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run cni_exec sriov DEL "$cb"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(vf_json 1)" = "$before1" ] || fail "VF 1 not restored"
	link_json "$NODE" "${PFX}v1" >/dev/null
	no_records
}

@test "[vm] sriov: DPDK mode applies the PF side on netdevsim and DEL restores it" {
	vm_require netdevsim
	nsim_pf 1
	fake_pci_vf 0 "$VF0" "" vfio-pci
	before=$(vf_json 0)
	c=$(jq -c 'del(.ipam)' <<<"$(conf 1.1.0 '{"vlan": 30, "mac": "02:aa:bb:cc:dd:02"}')")
	run cni_exec sriov ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json ".interfaces == [{name: \"eth0\", mac: \"02:aa:bb:cc:dd:02\", sandbox: \"/run/netns/$CTR\", pciID: \"$VF0\"}]"
	assert_json '.vlan_list[0].vlan == 30 and .address == "02:aa:bb:cc:dd:02"' "$(vf_json 0)"
	run cni_exec sriov CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec sriov DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(vf_json 0)" = "$before" ] || fail "not restored"
	no_records
}

@test "[vm] sriov: conf-examples/sriov.conflist through cnitool with the deviceID and mac capabilities" {
	vm_require netdevsim
	nsim_pf 1
	stand_in "${PFX}v0" 192.168.88.1/24
	fake_pci_vf 0 "$VF0" "${PFX}v0"
	before=$(vf_json 0)
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" --arg s "$SRIOV_DIR" '.plugins[0].ipam.dataDir = $d | .plugins[0].dataDir = $s' \
		"$REPO/conf-examples/sriov.conflist" >"$TMP/net.d/sriov.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
			CAP_ARGS="{\"deviceID\": \"$VF0\", \"mac\": \"02:aa:bb:cc:dd:03\"}" \
			"$BIN/cnitool" "$@" sriov-net "/run/netns/$CTR" 2>>"$TMP/stderr"
	}
	run tool add
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json ".interfaces[0].pciID == \"$VF0\" and .interfaces[0].mac == \"02:aa:bb:cc:dd:03\""
	assert_json '.vlan_list[0].vlan == 100 and .spoofchk == true and .trust == false' "$(vf_json 0)"
	ip netns exec "$CTR" ping -c1 -W2 192.168.88.1 >/dev/null
	run tool check
	[ "$status" -eq 0 ] || fail "$output"
	run tool del
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(vf_json 0)" = "$before" ] || fail "not restored"
	link_json "$NODE" "${PFX}v0" >/dev/null
}

# ---- the VM lane: real SR-IOV on QEMU's igb ---------------------------------------------------
# hack/vm/guest.sh loads igb and igbvf, brings the PF up in the VM's root netns and gives it two
# VFs. The plugin runs where a node's runtime runs it, in that root netns, with the real /sys: that
# is where the kernel returns a VF when its pod's netns goes. The PF's address is on a VLAN device
# of the PF in a test netns ($PFX-pf), so the VM's root netns gets no address; the pods reach it
# with "vlan": 100 set on the PF for their VF, which igb inserts and strips.

# igb_setup: PF, PF_PCI, VF0/VF1 (PCI addresses), VF0_DEV/VF1_DEV (their netdevs now).
igb_setup() {
	local d
	unset CNI_C_SYSFS_ROOT
	PF_PCI=$(igb_sriov_pf) || fail "$PF_PCI"
	d=/sys/bus/pci/devices/$PF_PCI
	IGB_PF=$PF_PCI
	PF=$(ls "$d/net")
	VF0=$(basename "$(readlink "$d/virtfn0")")
	VF1=$(basename "$(readlink "$d/virtfn1")")
	VF0_DEV=$(ls "/sys/bus/pci/devices/$VF0/net")
	VF1_DEV=$(ls "/sys/bus/pci/devices/$VF1/net")
	[ -n "$PF" ] && [ -n "$VF0_DEV" ] && [ -n "$VF1_DEV" ] || fail "PF $PF VFs $VF0_DEV $VF1_DEV"
	ip netns add "$PFX-pf"
	ip link add link "$PF" name "${PFX}pv" netns "$PFX-pf" type vlan id 100
	ip -n "$PFX-pf" addr add 10.79.0.1/24 dev "${PFX}pv"
	ip -n "$PFX-pf" link set "${PFX}pv" up
}

# A failed test may leave a VF bound to vfio-pci or its PF side changed: back to the defaults.
igb_teardown() {
	local vf
	for vf in 0 1; do
		ip link set "$PF" vf "$vf" vlan 0 spoofchk on trust off mac 00:00:00:00:00:00 2>/dev/null
	done
	vf=/sys/bus/pci/devices/$VF1
	if [ "$(basename "$(readlink "$vf/driver")")" != igbvf ]; then
		echo >"$vf/driver_override"
		[ -e "$vf/driver" ] && echo "$VF1" >"$vf/driver/unbind"
		echo "$VF1" >/sys/bus/pci/drivers_probe
	fi
	return 0
}

# igb_exec COMMAND CONFIG [IFNAME]: cni_exec's runtime environment, in the VM's root netns.
igb_exec() {
	local netns=/run/netns/$CTR
	[ "${CNI_NETNS+set}" = set ] && netns=$CNI_NETNS
	printf '%s' "$2" | env CNI_COMMAND="$1" CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS="$netns" \
		CNI_IFNAME="${3-eth0}" CNI_PATH="$BIN" CNI_ARGS="${CNI_ARGS:-}" "$BIN/sriov" 2>>"$TMP/stderr"
}

# pf_vf INDEX: the PF's view of VF INDEX.
pf_vf() {
	ip -d -j link show "$PF" | jq -c ".[0].vfinfo_list[] | select(.vf == $1)"
}

# same_vf INDEX VF_BEFORE LINK_BEFORE: the PF's view of the VF is as before. Its MAC is the one
# the PF had set (none: 00:00:00:00:00:00), or, with none set, the one the VF's netdev registered
# with the PF when DEL gave it back its own: igb shows that.
same_vf() {
	local now
	now=$(pf_vf "$1")
	jq -e --argjson b "$2" --argjson l "$3" \
		'del(.address) == ($b | del(.address)) and (.address == $b.address or .address == $l.address)' \
		<<<"$now" >/dev/null || fail "VF $1 not restored: $now, before $2 (netdev $3)"
}

# root_link NAME: name, MAC, MTU and PCI device of a link in the VM's root netns.
root_link() {
	ip -d -j link show "$1" | jq -c '.[0] | {ifname, address, mtu, parentdev}'
}

# pod_ping NETNS: the pod reaches the PF's address. A VF gets its carrier from igbvf's 2 s watchdog
# after it comes up, so ping's deadline lets the first replies wait for it.
pod_ping() {
	ip netns exec "$1" ping -c1 -w15 10.79.0.1 >/dev/null || fail "$1 cannot ping the PF"
}

@test "[vm] sriov: igb VF through sysfs, PF side set, moved renamed and addressed, pings the PF; CHECK; DEL restores" {
	vm_require igb_sriov
	igb_setup
	vf_before=$(pf_vf 0)
	link_before=$(root_link "$VF0_DEV")
	# igb has no VF link state: the ADD fails with the kernel's word and leaves nothing behind.
	run igb_exec ADD "$(conf 1.1.0 "{\"deviceID\": \"$VF0\", \"vlan\": 100, \"link_state\": \"enable\"}")" net1
	assert_error 5
	[[ "$(jq -r .msg <<<"$output")" == *link_state* ]] || fail "$output"
	[ "$(root_link "$VF0_DEV")" = "$link_before" ] || fail "VF netdev changed"
	[ "$(pf_vf 0)" = "$vf_before" ] || fail "PF side changed: $(pf_vf 0)"
	[ -z "$(reserved)" ]
	no_records

	c=$(conf 1.1.0 "{\"deviceID\": \"$VF0\", \"mac\": \"02:aa:bb:cc:dd:01\", \"vlan\": 100,
		\"spoofchk\": \"on\", \"trust\": \"on\", \"max_tx_rate\": 100, \"mtu\": 1400}")
	run igb_exec ADD "$c" net1
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	result=$output
	assert_json ".interfaces == [{name: \"net1\", mac: \"02:aa:bb:cc:dd:01\", sandbox: \"/run/netns/$CTR\", pciID: \"$VF0\"}]"
	assert_json '[.ips[] | .address] == ["10.79.0.10/24"]'
	run ip link show "$VF0_DEV"
	[ "$status" -ne 0 ] || fail "$VF0_DEV still in the root netns"
	l=$(ip -n "$CTR" -d -j link show net1 | jq -c '.[0]')
	assert_json ".parentdev == \"$VF0\" and .address == \"02:aa:bb:cc:dd:01\" and .mtu == 1400" "$l"
	assert_json '.addr_info | map(select(.family == "inet") | .local) == ["10.79.0.10"]' \
		"$(ip -n "$CTR" -j addr show net1 | jq -c '.[0]')"
	vf=$(pf_vf 0)
	assert_json '.address == "02:aa:bb:cc:dd:01" and .vlan_list[0].vlan == 100 and .spoofchk == true and .trust == true and .rate.max_tx == 100' "$vf"
	run igb_exec CHECK "$(with_prev "$c" "$result")" net1
	[ "$status" -eq 0 ] || fail "CHECK: $output"
	pod_ping "$CTR"
	# Changed behind the plugin's back, on the PF and in the pod: CHECK sees each.
	ip link set "$PF" vf 0 trust off
	run igb_exec CHECK "$(with_prev "$c" "$result")" net1
	assert_error 3
	ip link set "$PF" vf 0 trust on
	ip -n "$CTR" addr flush dev net1
	run igb_exec CHECK "$(with_prev "$c" "$result")" net1
	[ "$status" -ne 0 ] || fail "CHECK passed without the address"

	run igb_exec DEL "$c" net1
	[ "$status" -eq 0 ] || fail "DEL: $output $(cat "$TMP/stderr")"
	no_link "$CTR" net1
	[ "$(root_link "$VF0_DEV")" = "$link_before" ] || fail "not restored: $(root_link "$VF0_DEV") != $link_before"
	same_vf 0 "$vf_before" "$link_before"
	[ -z "$(reserved)" ]
	no_records
	run igb_exec DEL "$c" net1
	[ "$status" -eq 0 ] || fail "second DEL: $output"
}

@test "[vm] sriov: igb DEL after the pod's netns is gone renames the VF back from devN and restores it" {
	vm_require igb_sriov
	igb_setup
	vf_before=$(pf_vf 0)
	link_before=$(root_link "$VF0_DEV")
	# CNI_IFNAME is the PF's name, so the kernel cannot return the VF under it: it becomes devN.
	c=$(conf 1.0.0 "{\"deviceID\": \"$VF0\", \"mac\": \"02:aa:bb:cc:dd:02\", \"vlan\": 100, \"mtu\": 1300}")
	run igb_exec ADD "$c" "$PF"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json ".parentdev == \"$VF0\"" "$(ip -n "$CTR" -d -j link show "$PF" | jq -c '.[0]')"
	ip netns del "$CTR"
	# At once: the kernel returns the VF asynchronously, and DEL waits for it (bounded).
	run igb_exec DEL "$(jq -c --arg f "$TMP/sriov.log" '. + {logFile: $f, logLevel: "info"}' <<<"$c")" "$PF"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	grep -E "VF $VF0 netdev is back in the node as dev[0-9]+\$" "$TMP/sriov.log" || fail "$(cat "$TMP/sriov.log")"
	[ "$(root_link "$VF0_DEV")" = "$link_before" ] || fail "not restored: $(root_link "$VF0_DEV") != $link_before"
	same_vf 0 "$vf_before" "$link_before"
	[ -z "$(reserved)" ]
	no_records
}

@test "[vm] sriov: igb two pods on two VFs at once, each pings the PF; DEL returns both" {
	vm_require igb_sriov
	igb_setup
	cni_add_ns b
	before0=$(pf_vf 0) before1=$(pf_vf 1)
	link0=$(root_link "$VF0_DEV") link1=$(root_link "$VF1_DEV")
	ca=$(conf 1.1.0 "{\"deviceID\": \"$VF0\", \"vlan\": 100, \"spoofchk\": \"on\", \"mac\": \"02:aa:bb:cc:dd:0a\"}")
	cb=$(conf 1.1.0 "{\"deviceID\": \"$VF1\", \"vlan\": 100, \"trust\": \"on\", \"mac\": \"02:aa:bb:cc:dd:0b\"}")
	CONTAINER_ID=pod-a igb_exec ADD "$ca" >"$TMP/a.out" &
	pa=$!
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b igb_exec ADD "$cb" >"$TMP/b.out" &
	pb=$!
	wait "$pa" || fail "ADD a: $(cat "$TMP/a.out" "$TMP/stderr")"
	wait "$pb" || fail "ADD b: $(cat "$TMP/b.out" "$TMP/stderr")"
	assert_json ".interfaces[0].pciID == \"$VF0\"" "$(cat "$TMP/a.out")"
	assert_json ".interfaces[0].pciID == \"$VF1\"" "$(cat "$TMP/b.out")"
	assert_json ".parentdev == \"$VF0\"" "$(ip -n "$CTR" -d -j link show eth0 | jq -c '.[0]')"
	assert_json ".parentdev == \"$VF1\"" "$(ip -n "$PFX-b" -d -j link show eth0 | jq -c '.[0]')"
	assert_json '.address == "02:aa:bb:cc:dd:0a" and .vlan_list[0].vlan == 100' "$(pf_vf 0)"
	assert_json '.address == "02:aa:bb:cc:dd:0b" and .trust == true' "$(pf_vf 1)"
	pod_ping "$CTR"
	pod_ping "$PFX-b"
	CONTAINER_ID=pod-a run igb_exec DEL "$ca"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(root_link "$VF0_DEV")" = "$link0" ] || fail "VF 0 netdev not restored"
	same_vf 0 "$before0" "$link0"
	pod_ping "$PFX-b"
	CONTAINER_ID=pod-b CNI_NETNS=/run/netns/$PFX-b run igb_exec DEL "$cb"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(root_link "$VF1_DEV")" = "$link1" ] || fail "VF 1 netdev not restored"
	same_vf 1 "$before1" "$link1"
	[ -z "$(reserved)" ]
	no_records
}

@test "[vm] sriov: igb DPDK mode on a VF bound to vfio-pci behind the emulated IOMMU" {
	vm_require igb_sriov
	igb_setup
	d=/sys/bus/pci/devices/$VF1
	modprobe vfio-pci
	group=$(basename "$(readlink "$d/iommu_group")")
	[ -n "$group" ] || fail "VF $VF1 has no IOMMU group (no IOMMU in the VM?)"
	echo vfio-pci >"$d/driver_override"
	echo "$VF1" >"$d/driver/unbind"
	echo "$VF1" >/sys/bus/pci/drivers_probe
	[ "$(basename "$(readlink "$d/driver")")" = vfio-pci ] || fail "not bound to vfio-pci"
	[ -c "/dev/vfio/$group" ] || fail "no /dev/vfio/$group"
	before=$(pf_vf 1)
	c=$(conf 1.1.0 "{\"deviceID\": \"$VF1\", \"vlan\": 30, \"mac\": \"02:aa:bb:cc:dd:0c\", \"spoofchk\": \"off\"}")
	run igb_exec ADD "$c"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	result=$output
	assert_json ".interfaces == [{name: \"eth0\", mac: \"02:aa:bb:cc:dd:0c\", sandbox: \"/run/netns/$CTR\", pciID: \"$VF1\"}]"
	assert_json '[.ips[] | .address] == ["10.79.0.10/24"]'
	assert_json '.address == "02:aa:bb:cc:dd:0c" and .vlan_list[0].vlan == 30 and .spoofchk == false' "$(pf_vf 1)"
	[ "$(basename "$(readlink "$d/driver")")" = vfio-pci ] || fail "ADD changed the VF's driver"
	no_link "$CTR" eth0
	run igb_exec CHECK "$(with_prev "$c" "$result")"
	[ "$status" -eq 0 ] || fail "$output"
	run igb_exec DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(pf_vf 1)" = "$before" ] || fail "not restored: $(pf_vf 1) != $before"
	[ -z "$(reserved)" ]
	no_records
}
