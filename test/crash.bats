#!/usr/bin/env bats
# Crash recovery (issue 7.2): plugins killed with SIGKILL at a random step of ADD (the FAULT=1
# build's CNI_FAULT_ACTION=kill), each in a fresh pod whose sandbox the runtime then removes; GC
# with the survivors as the valid attachments leaves nothing of the killed ones. And a lock left
# by a dead holder never blocks the next ADD. CRASH_KILLS sets the number of kills (100).

load helpers/common
load helpers/fault
load helpers/plugin_confs

setup() {
	cni_setup
	fault_require
	KILLS=${CRASH_KILLS:-100}
}

teardown() {
	[ -n "${HOLDER_PID:-}" ] && kill -9 "$HOLDER_PID" 2>/dev/null
	[ -n "${HOLDER:-}" ] && kill -9 "$HOLDER" 2>/dev/null
	plugin_confs_teardown
	cni_teardown
}

conf_bridge() {
	jq -nc --arg br "${PFX}br" --arg dd "$DATA_DIR" \
		'{cniVersion: "1.1.0", name: "cnet", type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: "10.96.0.0/16", dataDir: $dd}}'
}

conf_ptp() {
	jq -nc --arg dd "$DATA_DIR" '{cniVersion: "1.1.0", name: "cnet", type: "ptp",
		ipam: {type: "host-local", subnet: "10.95.0.0/16", dataDir: $dd}}'
}

# bridge:ipmasq is helpers/plugin_confs.bash's variant over the conf_bridge above.

# dpdk-vhost on the fastpathd prepare_dpdk-vhost starts.
conf_dpdk-vhost() {
	jq -nc --arg c "$TMP/ctl.sock" --arg s "$TMP/$FPD_SOCK_DIR_NAME" --arg dd "$DATA_DIR" \
		'{cniVersion: "1.1.0", name: "cnet", type: "dpdk-vhost", controlSocket: $c,
		  socketDir: $s, ipam: {type: "host-local", subnet: "10.94.0.0/16", dataDir: $dd}}'
}

# gc_conf CONF ID...: CONF with cni.dev/valid-attachments naming these container IDs (eth0).
gc_conf() {
	local conf=$1
	shift
	printf '%s\n' "$@" | jq -R . | jq -sc --argjson c "$conf" \
		'$c + {"cni.dev/valid-attachments": [.[] | {containerID: ., ifname: "eth0"}]}'
}

# reserved_ids: the container IDs of every reservation file, sorted.
reserved_ids() {
	local f
	for f in "$DATA_DIR"/cnet/*; do
		case "$(basename "$f")" in lock | last_reserved_ip.*) continue ;; esac
		head -n1 "$f" | tr -d '\r'
		echo
	done | grep . | sort || true
}

# crash_loop NAME: KILLS ADDs killed at a random step; some pods survive (a step past the end).
# Prints the surviving container IDs. NAME: a plugin or PLUGIN:VARIANT (helpers/plugin_confs.bash).
crash_loop() {
	local plugin=${1%%:*} conf steps i=0 kills=0 n rc out
	PREP_BIN=$FAULT_BIN
	plugin_prepare "$1"
	conf=$("conf_${1//:/_}")
	out=$(fault_exec "$plugin" ADD "$conf") || { fail "first ADD: $out"; return 1; }
	cni_exec_fault_del "$plugin" "$conf" || return 1
	fault_snapshot >"$TMP/snap.base"
	steps=$(fault_steps "$plugin" ADD "$conf") || return 1
	cni_exec_fault_del "$plugin" "$conf" || return 1
	echo "$steps" >"$TMP/steps"
	while [ "$kills" -lt "$KILLS" ]; do
		i=$((i + 1))
		ip netns add "$PFX-p$i"
		# One in five lands past the last step: that pod survives.
		n=$((RANDOM % (steps + steps / 4 + 1) + 1))
		rc=0
		CTR="$PFX-p$i" CONTAINER_ID="crash-$i" fault_exec "$plugin" ADD "$conf" \
			CNI_FAULT_ACTION=kill CNI_FAULT_STEP="$n" >/dev/null || rc=$?
		if [ "$n" -le "$steps" ]; then
			[ "$rc" -eq 137 ] || { fail "pod $i: step $n of $steps: status $rc"; return 1; }
			kills=$((kills + 1))
			# The runtime removes the sandbox of a pod whose ADD died.
			ip netns del "$PFX-p$i"
		else
			[ "$rc" -eq 0 ] || { fail "pod $i: no kill, status $rc"; return 1; }
			echo "crash-$i" >>"$TMP/survivors"
		fi
	done
	echo "$i" >"$TMP/pods"
}

# crash_check NAME: GC with the survivors valid; then only the survivors hold IPs and links
# (and, by plugin, masquerade rules or fastpathd ports); DEL of the survivors brings back the
# baseline.
crash_check() {
	local plugin=${1%%:*} conf id out
	conf=$("conf_${1//:/_}")
	touch "$TMP/survivors"
	out=$(CNI_NETNS="" cni_exec "$plugin" GC "$(gc_conf "$conf" $(cat "$TMP/survivors"))") ||
		{ fail "GC: $out $(tail -5 "$TMP/stderr")"; return 1; }
	diff <(reserved_ids) <(sort "$TMP/survivors") ||
		{ fail "reservations after GC differ from the survivors"; return 1; }
	if [ "$plugin" = dpdk-vhost ]; then
		crash_check_fastpathd || return 1
	else
		[ "$(ip -n "$NODE" -j link show type veth | jq length)" -eq "$(wc -l <"$TMP/survivors")" ] ||
			{ fail "host veths: $(ip -n "$NODE" -br link show type veth)"; return 1; }
	fi
	if [ "$(jq -r '.ipMasq // false' <<<"$conf")" = true ]; then
		diff <(masq_ids) <(sort "$TMP/survivors") ||
			{ fail "masquerade rules after GC differ from the survivors"; return 1; }
	fi
	for id in $(cat "$TMP/survivors"); do
		CTR="$PFX-p${id#crash-}" CONTAINER_ID="$id" cni_exec "$plugin" DEL "$conf" ||
			{ fail "DEL $id"; return 1; }
		ip netns del "$PFX-p${id#crash-}"
	done
	fault_same "$TMP/snap.base" "killed ADDs, GC and DEL of the survivors"
	echo "# $1: $KILLS ADDs killed (of $(cat "$TMP/pods") pods, $(cat "$TMP/steps") steps each), $(wc -l <"$TMP/survivors") survivors" >&3
}

# The container IDs named by the nftables masquerade rules ("..., id: ID").
masq_ids() {
	ip netns exec "$NODE" nft -j list ruleset |
		jq -r '.nftables[] | .rule? | select(. != null) | .comment // empty | capture("id: (?<id>.*)$").id' |
		sort
}

# fastpathd holds exactly the survivors' ports, and socketDir exactly their directories.
crash_check_fastpathd() {
	diff <(fpd_ports | jq -r '.[].socket' | sort) \
		<(sed "s|.*|$TMP/$FPD_SOCK_DIR_NAME/&-eth0/vhost-user.sock|" "$TMP/survivors" | sort) ||
		{ fail "fastpathd ports after GC differ from the survivors"; return 1; }
	diff <(ls "$TMP/$FPD_SOCK_DIR_NAME" | sort) <(sed 's/$/-eth0/' "$TMP/survivors" | sort) ||
		{ fail "socketDir after GC differs from the survivors"; return 1; }
}

@test "crash: bridge ADD killed at random steps, GC keeps only the survivors" {
	crash_loop bridge
	crash_check bridge
}

@test "crash: ptp ADD killed at random steps, GC keeps only the survivors" {
	KILLS=${CRASH_KILLS_PTP:-25}
	crash_loop ptp
	crash_check ptp
}

# Freeze an ADD while it holds host-local's flock (the step after the lock file's open), show the
# lock is held, kill -9 the holder: the lock is free again and the next ADD goes through.
@test "crash: a lock held by a killed ADD never blocks the next one" {
	local conf lock_step n line out
	conf=$(conf_bridge)
	fault_steps bridge ADD "$conf" >/dev/null
	cni_exec_fault_del bridge "$conf"
	# The first "file" step opens the lock file; the next one runs under the lock.
	lock_step=$(awk '$2 == "file" { n++; if (n == 2) { print $1; exit } }' "$TMP/steps.ADD")
	[ -n "$lock_step" ] || fail "no second file step: $(cat "$TMP/steps.ADD")"
	mkfifo "$TMP/fifo"
	fault_exec bridge ADD "$conf" CNI_FAULT_ACTION=stop CNI_FAULT_STEP="$lock_step" \
		CNI_FAULT_COUNT_FILE="$TMP/fifo" >"$TMP/held.out" &
	HOLDER=$!
	exec 4<"$TMP/fifo"
	for ((n = 1; n <= lock_step; n++)); do
		read -r -u 4 line || fail "the holder ended before step $lock_step"
	done
	exec 4<&-
	[ "${line% *}" = "$lock_step" ] || fail "at step '$line'"
	# It holds the lock: the kernel names it as the holder (and flock -n fails) ...
	HOLDER_PID=$(lslocks -n -r -o PID,PATH | awk -v p="$DATA_DIR/cnet/lock" '$2 == p { print $1 }')
	[ -n "$HOLDER_PID" ] || fail "no holder of $DATA_DIR/cnet/lock: $(lslocks)"
	[ "$(cat "/proc/$HOLDER_PID/comm")" = bridge ] || fail "holder $HOLDER_PID is not the plugin"
	if flock -n "$DATA_DIR/cnet/lock" true; then fail "the frozen ADD does not hold the lock"; fi
	kill -9 "$HOLDER_PID"
	wait "$HOLDER" || true
	HOLDER= HOLDER_PID=
	# ... and its death released it.
	flock -n "$DATA_DIR/cnet/lock" true || fail "the lock outlived its holder"
	cni_add_ns p2
	# timeout only guards against a hang; a working lock answers at once.
	out=$(printf '%s' "$conf" | timeout 60 ip netns exec "$NODE" env CNI_COMMAND=ADD \
		CNI_CONTAINERID=next CNI_NETNS="/run/netns/$PFX-p2" CNI_IFNAME=eth0 CNI_PATH="$BIN" \
		"$BIN/bridge") || fail "ADD after the killed holder: $out"
	assert_json '.ips[0].address | startswith("10.96.")' "$out"
}

@test "crash: dpdk-vhost ADD killed at random steps, GC leaves no IP, file or fastpathd port of the killed" {
	KILLS=${CRASH_KILLS_DPDK:-25}
	crash_loop dpdk-vhost
	crash_check dpdk-vhost
}

@test "crash: bridge ipMasq ADD killed at random steps, GC leaves no masquerade rule of the killed" {
	KILLS=${CRASH_KILLS_MASQ:-25}
	crash_loop bridge:ipmasq
	crash_check bridge:ipmasq
}
