#!/usr/bin/env bats
# Concurrency: many pods ADDed and DELed at once on one bridge network, half of them through
# Debian's Go bridge + host-local sharing our dataDir (the lock and on-disk format must agree).
# Afterwards every pod had its own IP, and DEL left no reservation, link or rule behind.
# CNI_C_RACE_PODS (default 200) and CNI_C_RACE_JOBS (default 16) size the race. The full size takes
# about a minute on the sanitizer build, so `make test` runs it as is.

load helpers/common

PODS=${CNI_C_RACE_PODS:-200}
JOBS=${CNI_C_RACE_JOBS:-16}

setup() {
	cni_setup
	[ -x "$REF_BIN/bridge" ] && [ -x "$REF_BIN/host-local" ] ||
		skip "Debian's containernetworking-plugins are not installed"
	BR="${PFX}b"
	mkdir -p "$TMP/res"
	export BR BIN REF_BIN
}

teardown() {
	cni_teardown
}

# pod_conf I: the network config of pod I. Both implementations get the same network: the same
# name, bridge, subnet and dataDir. ipMasq puts each pod's rules in the node's packet filter.
pod_conf() {
	jq -nc --arg br "$BR" --arg dd "$DATA_DIR" \
		'{cniVersion: "1.0.0", name: "race-net", type: "bridge", bridge: $br,
		  isGateway: true, ipMasq: true,
		  ipam: {type: "host-local", subnet: "10.80.0.0/16", dataDir: $dd}}'
}

# pod_plugin_dir I: even pods run our binaries, odd pods Debian's (bridge execs its host-local).
pod_plugin_dir() {
	if (($1 % 2)); then echo "$REF_BIN"; else echo "$BIN"; fi
}

# pod_run VERB I: one runtime call for pod I; the result or error lands in $TMP/res/I.VERB and
# a failure also in $TMP/res/I.VERB.failed (xargs only reports that something failed).
pod_run() {
	local verb=$1 i=$2 out rc=0
	out=$(CONTAINER_ID="race-$PFX-$i" CNI_NETNS="/run/netns/$PFX-p$i" \
		PLUGIN_DIR=$(pod_plugin_dir "$i") cni_exec bridge "$verb" "$(pod_conf "$i")") || rc=$?
	printf '%s' "$out" >"$TMP/res/$i.$verb"
	[ "$rc" -eq 0 ] || echo "$rc" >"$TMP/res/$i.$verb.failed"
}

# race VERB [RUNNER]: RUNNER VERB I (default pod_run) for every pod, JOBS at a time. A chained
# scenario (bridge then portmap, with prevResult) brings its own RUNNER writing the same files.
race() {
	local runner=${2:-pod_run}
	export -f "$runner" pod_run pod_conf pod_plugin_dir cni_exec
	seq 0 $((PODS - 1)) | xargs -P "$JOBS" -I{} bash -c "$runner $1 {}"
	local failed
	failed=$(ls "$TMP/res" | grep -c "\.$1\.failed$" || true)
	if [ "$failed" -ne 0 ]; then
		for f in "$TMP"/res/*."$1".failed; do
			f=${f%.failed}
			echo "$(basename "$f"): $(cat "$f")"
		done | head -5 >&2
		fail "$failed of $PODS ${1}s failed"
	fi
}

# The node's packet filter, as both implementations may write it (iptables-nft or nftables).
node_rules() {
	{
		ip netns exec "$NODE" iptables-save 2>/dev/null | grep -v '^#' || true
		ip netns exec "$NODE" nft list ruleset 2>/dev/null || true
	} | grep -v -e '^:' -e '^\*' -e '^COMMIT' | sort
}

reservations() {
	ls "$DATA_DIR/race-net" 2>/dev/null | grep -v -e '^lock$' -e '^last_reserved_ip' || true
}

@test "concurrency: $PODS pods ADDed and DELed $JOBS at a time, half through Debian's host-local" {
	local i
	for ((i = 0; i < PODS; i++)); do
		ip netns add "$PFX-p$i"
	done
	race ADD

	# Every pod got an address, and no two the same.
	local ips
	ips=$(cat "$TMP"/res/*.ADD | jq -r '.ips[0].address' | sort)
	[ "$(wc -l <<<"$ips")" -eq "$PODS" ] || fail "$(wc -l <<<"$ips") addresses for $PODS pods"
	[ "$(uniq <<<"$ips" | wc -l)" -eq "$PODS" ] || fail "duplicates: $(uniq -d <<<"$ips")"
	# The store holds exactly one reservation per pod, naming its owner.
	[ "$(reservations | wc -l)" -eq "$PODS" ] || fail "$(reservations | wc -l) reservations"
	for ((i = 0; i < PODS; i++)); do
		ip=$(jq -r '.ips[0].address | split("/")[0]' "$TMP/res/$i.ADD")
		owner=$(head -n 1 "$DATA_DIR/race-net/$ip" | tr -d '\r')
		[ "$owner" = "race-$PFX-$i" ] || fail "pod $i's $ip is held by $owner"
		got=$(ip -n "$PFX-p$i" -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')
		[ "$got" = "$ip" ] || fail "pod $i has $got, its result says $ip"
	done
	# One bridge port per pod.
	ports=$(ip -n "$NODE" -j link show master "$BR" type veth | jq length)
	[ "$ports" -eq "$PODS" ] || fail "$ports veths on $BR for $PODS pods"
	# Each pod's masquerade rule is in place (the check below must see them to mean anything).
	rules=$(node_rules | grep -c -e '10\.80\.' || true)
	[ "$rules" -ge "$PODS" ] || fail "$rules masquerade rules for $PODS pods: $(node_rules)"

	race DEL

	[ -z "$(reservations)" ] || fail "reservations left: $(reservations | head)"
	local left
	left=$(ip -n "$NODE" -j link show | jq -c --arg br "$BR" '[.[].ifname | select(. != "lo" and . != $br)]')
	[ "$left" = "[]" ] || fail "node links left: $left"
	for ((i = 0; i < PODS; i++)); do
		left=$(ip -n "$PFX-p$i" -j link show | jq -c '[.[].ifname | select(. != "lo")]')
		[ "$left" = "[]" ] || fail "pod $i links left: $left"
	done
	# The tables and chains both implementations keep stay; no rule of a pod may.
	left=$(node_rules | grep -e '10\.80\.' -e "race-$PFX" -e 'CNI-[0-9a-f]' || true)
	[ -z "$left" ] || fail "rules left: $left"
}
