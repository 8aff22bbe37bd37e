#!/usr/bin/env bats
# ipMasq on bridge and ptp, on nftables, iptables-nft and iptables-legacy: pods reach an address
# outside their subnet only through the masquerade, and every way out of an attachment (DEL, DEL
# with the netns gone, GC) removes its rules.

load helpers/common
load helpers/fw

setup() {
	cni_setup
	# An "outside" netns behind the node that has no route back to the pods.
	cni_add_ns out
	ip -n "$NODE" link add "${PFX}o" type veth peer name eth0 netns "$PFX-out"
	ip -n "$NODE" addr add 10.98.0.1/24 dev "${PFX}o"
	ip -n "$NODE" link set "${PFX}o" up
	ip -n "$PFX-out" addr add 10.98.0.2/24 dev eth0
	ip -n "$PFX-out" link set eth0 up
	ip -n "$PFX-out" link set lo up
}
teardown() { cni_teardown; }

conf() { # PLUGIN FLAVOUR
	local extra='{"isDefaultGateway": true}'
	[ "$1" = ptp ] && extra='{"ipam": {"routes": [{"dst": "0.0.0.0/0"}]}}'
	jq -nc --arg t "$1" --arg b "$(fw_backend_key "$2")" --arg d "$DATA_DIR" --arg br "${PFX}b" \
		--argjson x "$extra" '{cniVersion: "1.1.0", name: "masqnet", type: $t, bridge: $br,
		ipMasq: true, ipMasqBackend: $b,
		ipam: {type: "host-local", subnet: "10.97.0.0/24", dataDir: $d}} * $x'
}

# The masquerade rules themselves (not the empty table and chains the reference keeps too).
rules() {
	{
		ip netns exec "$NODE" nft list table inet cni_plugins_masquerade 2>/dev/null
		for save in iptables-nft-save ip6tables-nft-save iptables-legacy-save ip6tables-legacy-save; do
			ip netns exec "$NODE" "$save" -t nat 2>/dev/null
		done
	} | grep -E 'saddr .*masquerade|-A CNI-|-j CNI-' || true
}

@test "bridge and ptp: ipMasq masquerades the pod on every backend, and DEL removes the rules" {
	for plugin in bridge ptp; do
		for flavour in $FW_FLAVOURS; do
			c=$(conf "$plugin" "$flavour")
			run fw_run "$flavour" cni_exec "$plugin" ADD "$c"
			[ "$status" -eq 0 ] || fail "$plugin $flavour ADD: $output"
			[ -n "$(rules)" ] || fail "$plugin $flavour: no masquerade rule"
			# The outside netns answers only because it sees the node's address.
			ip netns exec "$CTR" ping -c 1 -W 2 10.98.0.2 >/dev/null ||
				fail "$plugin $flavour: no reply from outside"
			run fw_run "$flavour" cni_exec "$plugin" DEL "$(jq -c --argjson p "$output" '. + {prevResult: $p}' <<<"$c")"
			[ "$status" -eq 0 ] || fail "$plugin $flavour DEL: $output"
			[ -z "$(rules)" ] || fail "$plugin $flavour: rules left: $(rules)"
			# Without the masquerade the outside cannot answer.
			run ip netns exec "$CTR" ping -c 1 -W 1 10.98.0.2
			[ "$status" -ne 0 ]
		done
	done
}

@test "ipMasq rules go with DEL when the netns is gone and no prevResult is given (#810)" {
	for flavour in $FW_FLAVOURS; do
		c=$(conf bridge "$flavour")
		run fw_run "$flavour" cni_exec bridge ADD "$c"
		[ "$status" -eq 0 ] || fail "$flavour ADD: $output"
		ip netns del "$CTR"
		run fw_run "$flavour" cni_exec bridge DEL "$c"
		[ "$status" -eq 0 ] || fail "$flavour DEL: $output"
		[ -z "$(rules)" ] || fail "$flavour: rules left: $(rules)"
		ip netns add "$CTR"
	done
}

@test "GC removes the ipMasq rules of attachments that are not valid, and keeps the valid ones" {
	for flavour in nftables iptables-nft; do
		c=$(conf ptp "$flavour")
		run fw_run "$flavour" cni_exec ptp ADD "$c"
		[ "$status" -eq 0 ] || fail "$flavour ADD: $output"
		keep=$(jq -c --arg id "$CONTAINER_ID" '. + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}' <<<"$c")
		run fw_run "$flavour" cni_exec ptp GC "$keep"
		[ "$status" -eq 0 ] || fail "$flavour GC: $output"
		[ -n "$(rules)" ] || fail "$flavour: GC removed a valid attachment's rules"
		run fw_run "$flavour" cni_exec ptp GC "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$c")"
		[ "$status" -eq 0 ] || fail "$flavour GC: $output"
		[ -z "$(rules)" ] || fail "$flavour: rules left: $(rules)"
		run fw_run "$flavour" cni_exec ptp DEL "$c"
		[ "$status" -eq 0 ] || fail "$flavour DEL: $output"
	done
}

@test "an ADD that fails leaves no masquerade rule of its own" {
	for flavour in nftables iptables-nft; do
		c=$(conf bridge "$flavour")
		CNI_ARGS="IgnoreUnknown=1;IP=10.97.0.200" run fw_run "$flavour" cni_exec bridge ADD "$c"
		[ "$status" -eq 0 ] || fail "$flavour ADD: $output"
		# A second attachment asking for the same IP fails; none of its rules may remain.
		CONTAINER_ID="${CONTAINER_ID}x" CNI_ARGS="IgnoreUnknown=1;IP=10.97.0.200" \
			run fw_run "$flavour" cni_exec bridge ADD "$c" eth1
		[ "$status" -ne 0 ]
		[ -z "$(rules | grep -F "${CONTAINER_ID}x")" ] || fail "$flavour: failed ADD left rules"
		[ -n "$(rules | grep -F "$CONTAINER_ID")" ] || fail "$flavour: the first ADD lost its rules"
		run fw_run "$flavour" cni_exec bridge DEL "$c"
		[ "$status" -eq 0 ]
		[ -z "$(rules)" ] || fail "$flavour: rules left: $(rules)"
	done
}
