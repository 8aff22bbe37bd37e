#!/usr/bin/env bats
# Concurrency: many pods ADDed and DELed at once on one bridge network, half of them through
# Debian's Go bridge + host-local sharing our dataDir (the lock and on-disk format must agree).
# Afterwards every pod had its own IP, and DEL left no reservation, link or rule behind.
# Then pods with two hostPorts each through a bridge -> portmap chain, on nftables and on
# iptables: every mapping's rule is there and answers, and DEL leaves nothing of any pod.
# CNI_C_RACE_PODS (default 200), CNI_C_RACE_PM_PODS (default 50) and CNI_C_RACE_JOBS (default 16)
# size the races. The full size takes about a minute and a half on the sanitizer build, so
# `make test` runs it as is.

load helpers/common
load helpers/fw

PODS=${CNI_C_RACE_PODS:-200}
PM_PODS=${CNI_C_RACE_PM_PODS:-50}
JOBS=${CNI_C_RACE_JOBS:-16}

setup() {
	cni_setup
	BR="${PFX}b"
	mkdir -p "$TMP/res"
	export BR BIN REF_BIN
}

teardown() {
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
	cni_teardown
}

need_ref() {
	[ -x "$REF_BIN/bridge" ] && [ -x "$REF_BIN/host-local" ] ||
		skip "Debian's containernetworking-plugins are not installed"
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

# reservations [NETWORK]: host-local's reservation files of the network (default race-net).
reservations() {
	ls "$DATA_DIR/${1:-race-net}" 2>/dev/null | grep -v -e '^lock$' -e '^last_reserved_ip' || true
}

# No link but lo (and the bridge on the node) in the node netns and in any pod netns.
no_links_left() {
	local left i
	left=$(ip -n "$NODE" -j link show | jq -c --arg br "$BR" '[.[].ifname | select(. != "lo" and . != $br)]')
	[ "$left" = "[]" ] || fail "node links left: $left"
	for ((i = 0; i < PODS; i++)); do
		left=$(ip -n "$PFX-p$i" -j link show | jq -c '[.[].ifname | select(. != "lo")]')
		[ "$left" = "[]" ] || fail "pod $i links left: $left"
	done
}

@test "concurrency: $PODS pods ADDed and DELed $JOBS at a time, half through Debian's host-local" {
	need_ref
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
	no_links_left
	# The tables and chains both implementations keep stay; no rule of a pod may.
	left=$(node_rules | grep -e '10\.80\.' -e "race-$PFX" -e 'CNI-[0-9a-f]' || true)
	[ -z "$left" ] || fail "rules left: $left"
}

# ---- portmap: PM_PODS pods, each with a TCP and a UDP hostPort, bridge -> portmap ------------

# pm_bridge_conf: the interface plugin of the chain (gateway 10.81.0.1 on the bridge).
pm_bridge_conf() {
	jq -nc --arg br "$BR" --arg dd "$DATA_DIR" \
		'{cniVersion: "1.0.0", name: "pm-race", type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: "10.81.0.0/24", dataDir: $dd}}'
}

# pm_conf I PREV: portmap of pod I after the bridge's result PREV, as a runtime chains it. Pod I
# maps hostPort 20000+I/tcp to its port 80 and 21000+I/udp to its port 53.
pm_conf() {
	jq -nc --arg b "$PM_BACKEND" --argjson i "$1" --argjson prev "$2" \
		'{cniVersion: "1.0.0", name: "pm-race", type: "portmap", backend: $b,
		  capabilities: {portMappings: true},
		  runtimeConfig: {portMappings: [
			{hostPort: (20000 + $i), containerPort: 80, protocol: "tcp"},
			{hostPort: (21000 + $i), containerPort: 53, protocol: "udp"}]},
		  prevResult: $prev}'
}

# pm_run VERB I: the chain for pod I (DEL in reverse order, with the ADD's result as prevResult),
# writing $TMP/res/I.VERB and I.VERB.failed as pod_run does.
pm_run() {
	local verb=$1 i=$2 out='' rc=0 prev
	export CONTAINER_ID="race-$PFX-$i" CNI_NETNS="/run/netns/$PFX-p$i"
	if [ "$verb" = ADD ]; then
		out=$(cni_exec bridge ADD "$(pm_bridge_conf)") || rc=$?
		[ "$rc" -ne 0 ] || out=$(cni_exec portmap ADD "$(pm_conf "$i" "$out")") || rc=$?
	else
		prev=$(cat "$TMP/res/$i.ADD")
		out=$(cni_exec portmap DEL "$(pm_conf "$i" "$prev")") || rc=$?
		[ "$rc" -ne 0 ] || out=$(cni_exec bridge DEL "$(pm_bridge_conf)") || rc=$?
	fi
	printf '%s' "$out" >"$TMP/res/$i.$verb"
	[ "$rc" -eq 0 ] || echo "$rc" >"$TMP/res/$i.$verb.failed"
}

# One server for every pod, in the node netns: it opens each pod's sockets (TCP 80, UDP 53) in
# the pod's netns and answers "<pod> tcp" / "<pod> udp", so a hostPort answering with the wrong
# pod shows. Its readiness comes through a FIFO.
pm_serve() {
	mkfifo "$TMP/ready"
	ip netns exec "$NODE" python3 -c '
import ctypes, os, selectors, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
pfx, n = sys.argv[1], int(sys.argv[2])
home = os.open("/proc/self/ns/net", os.O_RDONLY)
sel = selectors.DefaultSelector()
for i in range(n):
    fd = os.open("/run/netns/%s-p%d" % (pfx, i), os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:
        raise OSError(ctypes.get_errno(), "setns")
    os.close(fd)
    t = socket.socket()
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    t.bind(("0.0.0.0", 80))
    t.listen(16)
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("0.0.0.0", 53))
    sel.register(t, selectors.EVENT_READ, ("tcp", i))
    sel.register(u, selectors.EVENT_READ, ("udp", i))
libc.setns(home, 0x40000000)
print("ready", flush=True)
while True:
    for key, _ in sel.select():
        kind, i = key.data
        if kind == "tcp":
            c, _ = key.fileobj.accept()
            c.sendall(b"%d tcp" % i)
            c.close()
        else:
            _, a = key.fileobj.recvfrom(64)
            key.fileobj.sendto(b"%d udp" % i, a)
' "$PFX" "$PM_PODS" >"$TMP/ready" 2>"$TMP/server.err" &
	SERVER_PID=$!
	local line=''
	read -r -t 30 line <"$TMP/ready" || true
	[ "$line" = ready ] || fail "server did not start: $(cat "$TMP/server.err")"
}

# pm_probe GW: from the node, every pod's two hostPorts on GW; prints each that did not answer
# with its own pod.
pm_probe() {
	ip netns exec "$NODE" python3 -c '
import socket, sys
gw, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    try:
        s = socket.create_connection((gw, 20000 + i), timeout=3)
        got = s.recv(64).decode()
        s.close()
    except OSError as e:
        got = repr(e)
    if got != "%d tcp" % i:
        print("pod %d tcp/%d: %s" % (i, 20000 + i, got))
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(3)
    try:
        u.sendto(b"?", (gw, 21000 + i))
        got = u.recv(64).decode()
    except OSError as e:
        got = repr(e)
    u.close()
    if got != "%d udp" % i:
        print("pod %d udp/%d: %s" % (i, 21000 + i, got))
' "$1" "$PM_PODS"
}

# The DNAT rules the node holds, "<proto> <hostPort> <addr>:<port>" a line, sorted.
pm_dnat_rules() {
	if [ "$PM_BACKEND" = nftables ]; then
		ip netns exec "$NODE" nft -j list ruleset | jq -r '.nftables[].rule? |
			select(.table == "cni_hostport") | .expr as $e |
			($e[] | .dnat? // empty) as $d |
			[($e[] | .match? | select(.left.payload.field? == "dport") |
			  .left.payload.protocol, .right), "\($d.addr):\($d.port)"] | join(" ")'
	else
		ip netns exec "$NODE" "$PM_IPT_SAVE" -t nat |
			sed -n 's/.* -p \([a-z]*\) .*--dport \([0-9]*\) .*-j DNAT --to-destination \(.*\)$/\1 \2 \3/p'
	fi | sort
}

# The same from the ADD results: what every pod asked for.
pm_expected_rules() {
	local i ip
	for ((i = 0; i < PM_PODS; i++)); do
		ip=$(jq -r '.ips[0].address | split("/")[0]' "$TMP/res/$i.ADD")
		echo "tcp $((20000 + i)) $ip:80"
		echo "udp $((21000 + i)) $ip:53"
	done | sort
}

# Every rule of the node's packet filter that names a pod (its ID, address or own chain).
pm_pod_rules() {
	fw_dump_all | grep -v '^#' | grep -e "race-$PFX" -e '10\.81\.0\.' -e 'CNI-DN-' -e 'CNI-SN-' || true
}

# Every rule of the node's NAT tables with its chain, a line, sorted.
pm_all_rules() {
	if [ "$PM_BACKEND" = nftables ]; then
		ip netns exec "$NODE" nft -j list ruleset |
			jq -c '.nftables[].rule? | select(. != null) | [.family, .table, .chain, .expr, .comment]'
	else
		ip netns exec "$NODE" "$PM_IPT_SAVE" -t nat | grep '^-A'
	fi | sort
}

pm_race() {
	PM_BACKEND=$(fw_backend_key "$1")
	PM_IPT_SAVE="iptables-${1#iptables-}-save"
	export PM_BACKEND
	[ "$1" = nftables ] || PATH=$(fw_flavour_path "${1#iptables-}")
	local PODS=$PM_PODS i
	for ((i = 0; i < PODS; i++)); do
		ip netns add "$PFX-p$i"
	done
	pm_serve
	export -f pm_conf pm_bridge_conf
	race ADD pm_run

	# Every mapping has its rule, pointing at its own pod, and no rule is doubled.
	[ "$(pm_dnat_rules | wc -l)" -eq $((2 * PODS)) ] || fail "$(pm_dnat_rules | wc -l) DNAT rules"
	diff <(pm_expected_rules) <(pm_dnat_rules) || fail "DNAT rules differ from the mappings"
	if [ "$PM_BACKEND" = nftables ]; then
		# Each pod's rules carry its tag: two DNATs and two masquerades (its address, localhost).
		local tags
		tags=$(ip netns exec "$NODE" nft -j list ruleset | jq -r '.nftables[].rule? |
			select(.table == "cni_hostport" and .comment != null) | "\(.chain) \(.comment)"' | sort | uniq -c |
			awk '$1 != 2 {print}')
		[ -z "$tags" ] || fail "tags not on two rules each: $tags"
		[ "$(ip netns exec "$NODE" nft -j list ruleset | jq '[.nftables[].rule? |
			select(.chain == "hostports" or .chain == "masquerading")] | length')" -eq $((4 * PODS)) ] ||
			fail "not four tagged rules per pod"
	fi
	# No rule twice in one chain: racing ADDs each rebuilt the shared layout, none doubled it.
	[ -z "$(pm_all_rules | uniq -d)" ] || fail "doubled rules: $(pm_all_rules | uniq -d)"
	# And answers, from the pod it names.
	local gw bad
	gw=$(jq -r '.ips[0].gateway' "$TMP/res/0.ADD")
	bad=$(pm_probe "$gw")
	[ -z "$bad" ] || fail "hostPorts not answering: $bad"

	race DEL pm_run

	[ -z "$(reservations pm-race)" ] || fail "reservations left: $(reservations pm-race | head)"
	no_links_left
	[ -z "$(pm_dnat_rules)" ] || fail "DNAT rules left: $(pm_dnat_rules | head)"
	[ -z "$(pm_pod_rules)" ] || fail "pod rules left: $(pm_pod_rules | head)"
	[ -z "$(pm_all_rules | uniq -d)" ] || fail "doubled rules: $(pm_all_rules | uniq -d)"
	bad=$(PM_PODS=1 pm_probe "$gw")
	[ "$bad" != "" ] || fail "pod 0's hostPort still answers after DEL"
}

@test "concurrency: $PM_PODS pods with two hostPorts each, bridge -> portmap on nftables, $JOBS at a time" {
	pm_race nftables
}

@test "concurrency: $PM_PODS pods with two hostPorts each, bridge -> portmap on iptables-nft, $JOBS at a time" {
	pm_race iptables-nft
}

@test "concurrency: $PM_PODS pods with two hostPorts each, bridge -> portmap on iptables-legacy, $JOBS at a time" {
	pm_race iptables-legacy
}
