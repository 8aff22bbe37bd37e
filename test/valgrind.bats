#!/usr/bin/env bats
# The plain (unsanitized) binaries under valgrind memcheck: no invalid access, no leak, each verb.

load helpers/common
load helpers/plugin_confs
load helpers/fw

PLAIN=${PLAIN_BIN:-$REPO/build/bin}

setup() {
	cni_setup
	command -v valgrind >/dev/null || skip "valgrind is not installed (make deps installs it)"
	[ -x "$PLAIN/loopback" ] || fail "no plain build in $PLAIN (make test builds it)"
}
teardown() {
	plugin_confs_teardown
	cni_teardown
}

# vg_exec PLUGIN COMMAND CONFIG: cni_exec under valgrind; a memcheck error or leak exits 99.
vg_exec() {
	local plugin=$1 cmd=$2 conf=$3
	mkdir -p "$TMP/vg"
	printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect "%s/%s" "$@"\n' "$PLAIN" "$plugin" >"$TMP/vg/$plugin"
	chmod +x "$TMP/vg/$plugin"
	PLUGIN_DIR=$TMP/vg cni_exec "$plugin" "$cmd" "$conf"
}

@test "loopback ADD, CHECK, DEL and an error path are clean under valgrind" {
	conf='{"cniVersion":"1.1.0","name":"vg","type":"loopback"}'
	for verb in ADD CHECK DEL VERSION; do
		run vg_exec loopback $verb "$conf"
		[ "$status" -eq 0 ] || fail "$verb: status $status: $(cat "$TMP/stderr")"
	done
	run vg_exec loopback ADD '{"cniVersion":"1.1.0","name":"vg","type":"loopback","prevResult":{"ips":[{"address":"x"}]}}'
	[ "$status" -eq 1 ] || fail "status $status: $(cat "$TMP/stderr")"
}

@test "bridge with host-local: ADD, CHECK, DEL, GC, STATUS and a failed ADD are clean under valgrind" {
	conf=$(jq -nc --arg d "$DATA_DIR" --arg b "${PFX}b" '{cniVersion:"1.1.0", name:"vg", type:"bridge",
		bridge:$b, isGateway:true, ipam:{type:"host-local", subnet:"10.77.0.0/24", dataDir:$d}}')
	run vg_exec bridge ADD "$conf"
	[ "$status" -eq 0 ] || fail "ADD: status $status: $(cat "$TMP/stderr")"
	prev=$output
	check=$(jq -c --argjson p "$prev" '. + {prevResult: $p}' <<<"$conf")
	for verb in CHECK DEL STATUS; do
		run vg_exec bridge $verb "$check"
		[ "$status" -eq 0 ] || fail "$verb: status $status: $(cat "$TMP/stderr")"
	done
	run vg_exec bridge GC "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$conf")"
	[ "$status" -eq 0 ] || fail "GC: status $status: $(cat "$TMP/stderr")"
	# A requested IP outside the range fails after the veth exists: the rollback path.
	CNI_ARGS="IgnoreUnknown=1;IP=10.99.0.5" run vg_exec bridge ADD "$conf"
	[ "$status" -eq 1 ] || fail "failed ADD: status $status: $(cat "$TMP/stderr")"
}

@test "host-local and static binaries are clean under valgrind" {
	conf=$(jq -nc --arg d "$DATA_DIR" '{cniVersion:"1.1.0", name:"vg", type:"host-local",
		ipam:{type:"host-local", ranges:[[{subnet:"10.78.0.0/24"}],[{subnet:"fd78::/64"}]], dataDir:$d}}')
	for verb in ADD CHECK DEL; do
		run vg_exec host-local $verb "$conf"
		[ "$status" -eq 0 ] || fail "host-local $verb: status $status: $(cat "$TMP/stderr")"
	done
	conf='{"cniVersion":"1.1.0","name":"vg","type":"static","ipam":{"type":"static","addresses":[{"address":"10.79.0.2/24","gateway":"10.79.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.79.0.1"]}}}'
	for verb in ADD DEL; do
		run vg_exec static $verb "$conf"
		[ "$status" -eq 0 ] || fail "static $verb: status $status: $(cat "$TMP/stderr")"
	done
}

@test "cnitool add, check and del are clean under valgrind" {
	mkdir -p "$TMP/net.d"
	jq -n --arg d "$DATA_DIR" --arg b "${PFX}c" '{cniVersion:"1.1.0", name:"vgnet", plugins:[
		{type:"bridge", bridge:$b, ipam:{type:"host-local", subnet:"10.80.0.0/24", dataDir:$d}},
		{type:"loopback"}]}' >"$TMP/net.d/vg.conflist"
	for verb in add check del; do
		run ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$PLAIN" \
			CNI_CACHE_DIR="$TMP/cache" valgrind -q --error-exitcode=99 --leak-check=full \
			--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
			"$PLAIN/cnitool" $verb vgnet "/run/netns/$CTR"
		[ "$status" -eq 0 ] || fail "cnitool $verb: status $status: $output"
	done
}

# vg_plugin NAME: ADD, CHECK (prevResult = the ADD's result) and DEL of the plugin's config from
# helpers/plugin_confs.bash (NAME is a plugin or PLUGIN:VARIANT), each clean under valgrind.
vg_plugin() {
	local name=$1 plugin=${1%%:*} conf check verb
	[ -x "$PLAIN/$plugin" ] || skip "$plugin is not built"
	PREP_BIN=$PLAIN
	plugin_prepare "$name"
	conf=$("conf_${name//:/_}")
	run vg_exec "$plugin" ADD "$conf"
	[ "$status" -eq 0 ] || fail "ADD: status $status: $output $(tail -20 "$TMP/stderr")"
	check=$(jq -c --argjson r "$output" '. + {prevResult: $r}' <<<"$conf")
	for verb in CHECK DEL DEL; do
		run vg_exec "$plugin" $verb "$check"
		[ "$status" -eq 0 ] || fail "$verb: status $status: $output $(tail -20 "$TMP/stderr")"
	done
}

@test "valgrind: ptp" { vg_plugin ptp; }
@test "valgrind: macvlan" { vg_plugin macvlan; }
@test "[vm] valgrind: ipvlan" { vg_plugin ipvlan; }
@test "valgrind: vxlan-overlay" { vg_plugin vxlan-overlay; }
@test "valgrind: portmap" { vg_plugin portmap; }
@test "valgrind: tuning" { vg_plugin tuning; }
@test "valgrind: bridge with macspoofchk" { vg_plugin bridge:macspoofchk; }
@test "valgrind: bridge with ipMasq (nftables)" { vg_plugin bridge:ipmasq; }
@test "valgrind: bridge with ipMasq (iptables)" { vg_plugin bridge:ipmasq_iptables; }
@test "valgrind: firewall" { vg_plugin firewall; }
@test "valgrind: firewall (iptables)" { vg_plugin firewall:iptables; }
@test "valgrind: bandwidth" { vg_plugin bandwidth; }
@test "valgrind: dpdk-vhost" { vg_plugin dpdk-vhost; }
@test "valgrind: sriov" { vg_plugin sriov; }
