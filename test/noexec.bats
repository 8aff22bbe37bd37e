#!/usr/bin/env bats
# No exec (issue 7.6): every plugin's ADD, CHECK and DEL run under strace -f -e trace=execve, and
# nothing is executed but the plugin itself, a delegated IPAM binary of a type we do not ship,
# and (pkg/fw on iptables-nft nodes) one ip(6)tables-restore per table.

load helpers/common
load helpers/plugin_confs
load helpers/fw

setup() {
	cni_setup
	command -v strace >/dev/null || skip "no strace"
	# LeakSanitizer cannot run under ptrace: leaks are other suites' job.
	SBIN=${PLAIN_BIN:-$BIN}
}

teardown() {
	plugin_confs_teardown
	cni_teardown
}

# traced PLUGIN COMMAND CONF: run like cni_exec under strace; $TMP/exec.COMMAND lists the paths
# of every successful execve, the plugin's own first.
traced() {
	local plugin=$1 cmd=$2 conf=$3 trace="$TMP/trace.$2"
	printf '%s' "$conf" | ip netns exec "$NODE" env CNI_COMMAND="$cmd" \
		CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS="/run/netns/$CTR" CNI_IFNAME=eth0 \
		CNI_PATH="${TRACE_PATH:-$SBIN}" CNI_ARGS="" ASAN_OPTIONS=detect_leaks=0 \
		strace -f -qq -e trace=execve -e signal=none -o "$trace" "$SBIN/$plugin" 2>>"$TMP/stderr"
	local rc=$?
	sed -n 's/^[0-9]* *execve("\([^"]*\)".* = 0$/\1/p' "$trace" >"$TMP/exec.$cmd"
	return $rc
}

# execs_ok PLUGIN COMMAND [ALLOWED-REGEX]: the plugin first, then only ALLOWED.
execs_ok() {
	local first rest
	first=$(head -n1 "$TMP/exec.$2")
	[ "$first" = "$SBIN/$1" ] || { fail "$1 $2: first exec is '$first'"; return 1; }
	rest=$(tail -n +2 "$TMP/exec.$2" | grep -vE "${3:-^$}" || true)
	[ -z "$rest" ] || { fail "$1 $2 executed: $rest"; return 1; }
}

FW_RESTORE='/ip6?tables(-nft|-legacy)?-restore$'

# noexec NAME [ALLOWED-REGEX]: ADD, CHECK (prevResult = the ADD's result), DEL. NAME is a plugin
# or PLUGIN:VARIANT (helpers/plugin_confs.bash).
noexec() {
	local name=$1 plugin=${1%%:*} allowed=${2:-$FW_RESTORE} conf out check
	[ -x "$SBIN/$plugin" ] || skip "$plugin is not built"
	PREP_BIN=$SBIN
	plugin_prepare "$name"
	conf=$("conf_${name//:/_}")
	out=$(traced "$plugin" ADD "$conf") || fail "ADD: $out $(tail -5 "$TMP/stderr")"
	execs_ok "$plugin" ADD "$allowed"
	check=$(jq -c --argjson r "$out" '. + {prevResult: $r}' <<<"$conf")
	out=$(traced "$plugin" CHECK "$check") || fail "CHECK: $out $(tail -5 "$TMP/stderr")"
	execs_ok "$plugin" CHECK "$allowed"
	out=$(traced "$plugin" DEL "$check") || fail "DEL: $out"
	execs_ok "$plugin" DEL "$allowed"
	echo "# $name: ADD/CHECK/DEL executed $(($(cat "$TMP"/exec.* | wc -l) - 3)) other binaries" >&3
}

@test "noexec: bridge" { noexec bridge; }
@test "noexec: ptp" { noexec ptp; }
@test "noexec: macvlan" { noexec macvlan; }
@test "[vm] noexec: ipvlan" { noexec ipvlan; }
@test "noexec: vxlan-overlay" { noexec vxlan-overlay; }
@test "noexec: loopback" { noexec loopback; }
@test "noexec: host-local" { noexec host-local; }
@test "noexec: static" { noexec static; }
@test "noexec: portmap" { noexec portmap; }
@test "noexec: tuning" { noexec tuning; }
@test "noexec: bridge with macspoofchk" { noexec bridge:macspoofchk; }
@test "noexec: bridge with ipMasq (nftables)" { noexec bridge:ipmasq; }
@test "noexec: bridge with ipMasq (iptables)" { noexec bridge:ipmasq_iptables; }
@test "noexec: firewall" { noexec firewall; }
@test "noexec: firewall (iptables)" { noexec firewall:iptables; }
@test "noexec: bandwidth" { noexec bandwidth; }
@test "noexec: dpdk-vhost" { noexec dpdk-vhost; }
@test "noexec: sriov" { noexec sriov; }
@test "[vm] noexec: sriov with PF-side VF attributes (netdevsim)" { noexec sriov:netdevsim; }

# A delegated IPAM type we do not ship is the one exec a main plugin makes (and it can fail:
# the same run without the allowance fails).
@test "noexec: bridge with a delegated IPAM binary executes exactly that binary" {
	mkdir -p "$TMP/plugins"
	cp "$SBIN/host-local" "$TMP/plugins/fault-delegated-ipam"
	TRACE_PATH="$TMP/plugins:$SBIN"
	local conf out
	conf=$(conf_bridge_delegated)
	out=$(traced bridge ADD "$conf") || fail "ADD: $out"
	execs_ok bridge ADD "^$TMP/plugins/fault-delegated-ipam$"
	grep -qx "$TMP/plugins/fault-delegated-ipam" "$TMP/exec.ADD" || fail "no delegated exec"
	if execs_ok bridge ADD '^$' 2>/dev/null; then fail "execs_ok cannot fail"; fi
	out=$(traced bridge DEL "$conf") || fail "DEL: $out"
	execs_ok bridge DEL "^$TMP/plugins/fault-delegated-ipam$"
}

# portmap on the iptables backend of the machine's iptables flavour: at most a restore per table.
@test "noexec: portmap on the iptables backend" {
	PORTMAP_BACKEND=iptables noexec portmap
}

# On a legacy node pkg/fw builds libiptc entries itself: nothing is executed, not even a restore.
@test "noexec: portmap on the iptables backend of a legacy node executes nothing" {
	PATH=$(fw_flavour_path legacy) PORTMAP_BACKEND=iptables noexec portmap '^$'
	ip netns exec "$NODE" iptables-legacy-save -t nat | grep -q 'CNI-HOSTPORT-DNAT' ||
		fail "no legacy rules were written"
}

@test "noexec: bridge ipMasq on the iptables backend of a legacy node executes nothing" {
	conf_bridge() {
		jq -nc --arg br "${PFX}br" --argjson ipam "$(ipam_hl 10.98.0.0/24)" \
			'{cniVersion: "1.1.0", name: "fnet", type: "bridge", bridge: $br, isGateway: true,
			  ipMasq: true, ipMasqBackend: "iptables", ipam: $ipam}'
	}
	# The DEL removed the masquerade rule again: check the ADD wrote one through libiptc.
	PATH=$(fw_flavour_path legacy) traced bridge ADD "$(conf_bridge)" >/dev/null
	execs_ok bridge ADD '^$'
	ip netns exec "$NODE" iptables-legacy-save -t nat | grep -q -- '-j MASQUERADE' ||
		fail "no legacy masquerade rule"
	PATH=$(fw_flavour_path legacy) traced bridge DEL "$(conf_bridge)" >/dev/null
	PATH=$(fw_flavour_path legacy) noexec bridge '^$'
}
