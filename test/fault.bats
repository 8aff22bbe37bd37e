#!/usr/bin/env bats
# Fault injection (issue 7.1): for every plugin, ADD failing at each fallible step N = 1 ... (the
# steps of a good ADD) exits with a CNI error and leaves the node and pod exactly as before; a DEL
# failing at step N followed by a normal DEL leaves nothing. Runs the FAULT=1 build ($FAULT_BIN).
# A new plugin joins with a conf_<name> (and prepare_<name> if it needs a node set up) in
# helpers/plugin_confs.bash and a one-line @test calling fault_plugin.

load helpers/common
load helpers/fault
load helpers/plugin_confs

setup() {
	cni_setup
	fault_require
}

teardown() {
	[ -f "${TMP:-/nonexistent}/report" ] && tail -3 "$TMP/report" >&3
	plugin_confs_teardown
	cni_teardown
}

# fault_plugin NAME [TOLERATED]: prepare_NAME (if any), a first ADD+DEL (the baseline holds what
# the plugin keeps on purpose: bridge device, ip_forward), then the ADD and DEL loops. NAME is a
# plugin or PLUGIN:VARIANT (helpers/plugin_confs.bash).
fault_plugin() {
	local name=$1 plugin=${1%%:*} tolerated=${2:-} conf out adds dels
	[ -x "$FAULT_BIN/$plugin" ] || skip "$plugin is not built"
	PREP_BIN=$FAULT_BIN
	plugin_prepare "$name"
	conf=$("conf_${name//:/_}")
	# Twice: vxlan-overlay's bridge MTU becomes sticky only on the second ADD (the kernel
	# auto-tunes a bridge created with IFLA_MTU back to 1500 when its last port leaves).
	for _ in 1 2; do
		out=$(fault_exec "$plugin" ADD "$conf") || fail "first ADD: $out $(tail -3 "$TMP/stderr")"
		cni_exec_fault_del "$plugin" "$conf"
	done
	adds=$(fault_add_loop "$plugin" "$conf" "$tolerated")
	dels=$(fault_del_loop "$plugin" "$conf" "$tolerated")
	echo "# $name: $adds ADD steps ($(fault_sites ADD)), $dels DEL steps ($(fault_sites DEL))" >&3
}

# "netlink x20, sysctl x3, ..." from a good run's step log.
fault_sites() {
	[ -f "$TMP/steps.$1" ] || { echo none; return 0; }
	awk '{ sub(/:.*/, "", $2); n[$2]++ } END { for (s in n) { printf "%s%s x%d", sep, s, n[s]; sep = ", " } }' "$TMP/steps.$1"
}

@test "fault: bridge" { fault_plugin bridge; }
@test "fault: ptp" { fault_plugin ptp; }
@test "fault: macvlan" { fault_plugin macvlan; }
@test "[vm] fault: ipvlan" { fault_plugin ipvlan; }
@test "fault: vxlan-overlay" { fault_plugin vxlan-overlay; }
@test "fault: loopback" { fault_plugin loopback; }
@test "fault: host-local" { fault_plugin host-local; }
@test "fault: static" { fault_plugin static; }
@test "fault: portmap" { fault_plugin portmap; }
@test "fault: tuning" { fault_plugin tuning; }
@test "fault: bridge with macspoofchk" { fault_plugin bridge:macspoofchk; }
@test "fault: bridge with ipMasq (nftables)" { fault_plugin bridge:ipmasq; }
@test "fault: bridge with ipMasq (iptables)" { fault_plugin bridge:ipmasq_iptables; }
@test "fault: firewall" { fault_plugin firewall; }
@test "fault: firewall (iptables)" { fault_plugin firewall:iptables; }
@test "fault: firewall isolated" { fault_plugin firewall:isolated; }
@test "fault: bandwidth" { fault_plugin bandwidth; }
# DEL with fastpathd unreachable succeeds by design: the port goes at the next reconcile.
@test "fault: dpdk-vhost" { fault_plugin dpdk-vhost 'fastpath:*'; }
@test "fault: sriov" { fault_plugin sriov; }
@test "[vm] fault: sriov with PF-side VF attributes (netdevsim)" { fault_plugin sriov:netdevsim; }

@test "fault: bridge with a delegated IPAM binary (the exec is a step)" {
	mkdir -p "$TMP/plugins"
	cp "$FAULT_BIN/host-local" "$TMP/plugins/fault-delegated-ipam"
	FAULT_PATH="$TMP/plugins:$FAULT_BIN"
	export FAULT_PATH
	local conf out
	conf=$(conf_bridge_delegated)
	out=$(fault_exec bridge ADD "$conf") || fail "first ADD: $out"
	cni_exec_fault_del bridge "$conf"
	fault_add_loop bridge "$conf" >/dev/null
	grep -q '^[0-9]* exec' "$TMP/steps.ADD" || fail "no exec step in $(cat "$TMP/steps.ADD")"
	fault_del_loop bridge "$conf" >/dev/null
	grep -q '^[0-9]* exec' "$TMP/steps.DEL" || fail "no exec step in DEL"
	echo "# bridge+delegated: $(wc -l <"$TMP/steps.ADD") ADD steps ($(fault_sites ADD)), $(wc -l <"$TMP/steps.DEL") DEL steps" >&3
}

# cnitool's own steps (exec of each plugin, the result cache file): an ADD failing at any of
# them, then a DEL as the runtime does after a failed ADD, leaves nothing.
@test "fault: cnitool with a bridge conflist" {
	fault_require cnitool
	mkdir -p "$TMP/net.d" "$TMP/cache"
	conf_bridge | jq '{cniVersion, name, plugins: [del(.cniVersion, .name)]}' >"$TMP/net.d/10-f.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$FAULT_BIN" \
			CNI_CACHE_DIR="$TMP/cache" "$@" 2>>"$TMP/stderr"
	}
	local base="$TMP/snap.base" n steps rc out
	FAULT_DIRS="$TMP/cache"
	tool "$FAULT_BIN/cnitool" add fnet "/run/netns/$CTR" >/dev/null
	tool "$FAULT_BIN/cnitool" del fnet "/run/netns/$CTR"
	fault_snapshot >"$base"
	tool env CNI_FAULT_COUNT_FILE="$TMP/steps.ADD" "$FAULT_BIN/cnitool" add fnet "/run/netns/$CTR" >/dev/null
	tool "$FAULT_BIN/cnitool" del fnet "/run/netns/$CTR"
	steps=$(wc -l <"$TMP/steps.ADD")
	[ "$steps" -ge 2 ] || fail "cnitool ADD: $steps steps"
	for ((n = 1; n <= steps; n++)); do
		rc=0
		out=$(tool env CNI_FAULT_STEP="$n" "$FAULT_BIN/cnitool" add fnet "/run/netns/$CTR") || rc=$?
		[ "$rc" -ne 0 ] || fail "cnitool add with step $n failing succeeded: $out"
		[ "$rc" -ne 86 ] || fail "sanitizer: $(tail -20 "$TMP/stderr")"
		tool "$FAULT_BIN/cnitool" del fnet "/run/netns/$CTR" || fail "del after step $n"
		fault_same "$base" "cnitool add failing at step $n, then del"
	done
	echo "# cnitool: $steps ADD steps ($(fault_sites ADD))" >&3
}

# The release build carries no trace of the switch; the fault build does (so this can fail).
@test "fault: release binaries carry no fault injection" {
	local b name
	for b in "$BIN"/*; do
		name=$(basename "$b")
		if nm "$b" 2>/dev/null | grep -qi 'cni_fault\|fault_init'; then
			fail "$name has fault-injection symbols"
		fi
		if strings "$b" | grep -q CNI_FAULT_; then fail "$name has CNI_FAULT_ strings"; fi
	done
	nm "$FAULT_BIN/bridge" | grep -q ' T cni_fault_at$' || fail "fault build lacks cni_fault_at"
	strings "$FAULT_BIN/bridge" | grep -q CNI_FAULT_STEP || fail "fault build lacks CNI_FAULT_STEP"
}

# A fault can also be any errno, and the injected failure goes through the site's own path.
@test "fault: the injected errno reaches the error message" {
	local conf out rc=0
	conf=$(conf_loopback)
	out=$(fault_exec loopback ADD "$conf" CNI_FAULT_STEP=1 CNI_FAULT_ERRNO=28) || rc=$?
	[ "$rc" -eq 1 ] || fail "status $rc"
	assert_json '.msg | test("No space left on device")' "$out"
}
