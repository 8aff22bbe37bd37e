#!/usr/bin/env bats
# The bandwidth plugin chained after bridge: tc state with `tc -j`, the reference's state side by
# side, the EDT program with bpftool, measured rates with iperf3, and the bridge -> bandwidth ->
# tuning chain through cnitool. EDT needs the fq qdisc: those tests are [vm] tests.

load helpers/common

setup() {
	# The first IFB a test makes loads the ifb module, which by default also creates ifb0 and
	# ifb1 in the root namespace; loaded with numifbs=0 first, it creates none.
	modprobe -q ifb numifbs=0 2>/dev/null || true
	cni_setup
	BR="${PFX}b"
	NET=bw-net
	SUBNET=10.78.0.0/24
}

teardown() {
	pkill_iperf
	cni_teardown
}

# The iperf3 servers this test started (by pid, never by name).
pkill_iperf() {
	local f
	for f in "${TMP:-/nonexistent}"/iperf.*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}

bridge_conf() {
	jq -nc --arg v "$1" --arg br "$BR" --arg dd "$DATA_DIR" --arg sn "$SUBNET" \
		'{cniVersion: $v, name: "bw-net", type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: $sn, dataDir: $dd}}'
}

# attach VERSION [NETNS [ID]]: bridge ADD of a container; prints its result.
attach() {
	local ns=${2:-$CTR}
	CONTAINER_ID=${3:-$CONTAINER_ID} CNI_NETNS=/run/netns/$ns cni_exec bridge ADD "$(bridge_conf "$1")"
}

# bw_conf VERSION PREV [EXTRA]: the bandwidth config with prevResult PREV, EXTRA merged over it.
# Default: 8 Mbit/s into the container, 16 Mbit/s out of it, bursts of 80/160 kbit.
bw_conf() {
	local extra=${3:-'{}'}
	jq -nc --arg v "$1" --argjson p "$2" --argjson x "$extra" \
		'{cniVersion: $v, name: "bw-net", type: "bandwidth",
		  ingressRate: 8000000, ingressBurst: 80000, egressRate: 16000000, egressBurst: 160000,
		  prevResult: $p} * $x'
}

bw() { cni_exec bandwidth "$@"; }

# The reference's IFB name for CONTAINER_ID on bw-net.
ifb_name() {
	printf 'bwp%s' "$(printf '%s%s' "$NET" "${1:-$CONTAINER_ID}" | sha512sum | cut -c1-12)"
}

# n_ifbs NETNS: how many IFB links NETNS holds (`ip link show type ifb` fails before the module loads).
n_ifbs() {
	ip -n "$1" -j -d link show | jq '[.[] | select(.linkinfo.info_kind == "ifb")] | length'
}

host_veth() {
	ip -n "$NODE" -j link show master "$BR" type veth | jq -r '.[0].ifname'
}

# qdiscs NETNS DEV: tc -j without counters.
qdiscs() {
	ip netns exec "$1" tc -j qdisc show dev "$2" | jq -c '[.[] | del(.refcnt)]'
}

# Nothing of ours left in the node netns or on the container's eth0.
assert_clean() {
	local veth=$1
	[ "$(n_ifbs "$NODE")" -eq 0 ] || fail "ifb left"
	if [ -n "$veth" ]; then
		assert_json 'all(.[]; .kind == "noqueue")' "$(qdiscs "$NODE" "$veth")"
	fi
	if ip netns exec "$CTR" true 2>/dev/null && ip -n "$CTR" link show eth0 >/dev/null 2>&1; then
		assert_json 'all(.[]; .kind == "noqueue")' "$(qdiscs "$CTR" eth0)"
	fi
}

@test "tbf: ADD, CHECK, DEL and a second DEL for every version, the reference's tc state" {
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		prev=$(attach "$v")
		veth=$(host_veth)
		ifb=$(ifb_name)
		run bw ADD "$(bw_conf "$v" "$prev")"
		[ "$status" -eq 0 ] || fail "$v: $output $(cat "$TMP/stderr")"
		assert_json ".cniVersion == \"$v\" and (.interfaces | length) == 4"
		assert_json ".interfaces[3].name == \"$ifb\" and (.interfaces[3].mac | test(\"^[0-9a-f:]{17}$\")) and (.interfaces[3] | has(\"sandbox\") | not)"
		assert_json '.ips == $p.ips' "$(jq -nc --argjson o "$output" --argjson p "$prev" '$o')" 2>/dev/null ||
			[ "$(jq -c .ips <<<"$output")" = "$(jq -c .ips <<<"$prev")" ]
		q=$(qdiscs "$NODE" "$veth")
		assert_json '[.[] | select(.root)] | .[0] | .kind == "tbf" and .handle == "1:" and .options.rate == 1000000 and .options.burst == 10000 and .options.lat == 25000' "$q"
		assert_json 'any(.[]; .kind == "ingress" and .handle == "ffff:")' "$q"
		q=$(qdiscs "$NODE" "$ifb")
		assert_json '.[0] | .kind == "tbf" and .root and .options.rate == 2000000 and .options.burst == 20000' "$q"
		f=$(ip netns exec "$NODE" tc -j filter show dev "$veth" ingress)
		assert_json "[.[] | select(.options.actions) | .options.actions[0]] | .[0] | .kind == \"mirred\" and .to_dev == \"$ifb\" and .mirred_action == \"redirect\"" "$f"
		ip -n "$NODE" -j link show "$ifb" | jq -e '.[0].flags | index("UP")' >/dev/null
		if [ "$v" != 0.3.0 ] && [ "$v" != 0.3.1 ]; then
			run bw CHECK "$(bw_conf "$v" "$output")"
			[ "$status" -eq 0 ] || fail "$v CHECK: $output"
		fi
		run bw DEL "$(bw_conf "$v" "$prev")"
		[ "$status" -eq 0 ] || fail "$v DEL: $output"
		assert_clean "$veth"
		[ -z "$(ip netns exec "$NODE" tc filter show dev "$veth" ingress)" ]
		run bw DEL "$(bw_conf "$v" "$prev")"
		[ "$status" -eq 0 ]
		cni_exec bridge DEL "$(bridge_conf "$v")" >/dev/null
	done
}

@test "tbf: the same qdiscs, filter and IFB as /usr/lib/cni/bandwidth" {
	[ -x "$REF_BIN/bandwidth" ] || skip "no reference bandwidth"
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	ifb=$(ifb_name)
	state() {
		jq -nc --argjson a "$(ip netns exec "$NODE" tc -j -d qdisc show)" \
			--argjson f "$(ip netns exec "$NODE" tc -j filter show dev "$veth" ingress)" \
			--argjson l "$(ip -n "$NODE" -j -d link show "$ifb")" \
			'{q: [$a[] | del(.refcnt)], f: $f,
			  l: [$l[] | {mtu, flags, txqlen, kind: .linkinfo.info_kind}]}'
	}
	PLUGIN_DIR=$REF_BIN run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "reference: $output"
	ref_out=$output
	ref=$(state)
	PLUGIN_DIR=$REF_BIN run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	# The reference leaves its tbf and ingress qdisc on the veth: start again from a clean one.
	ip netns exec "$NODE" tc qdisc del dev "$veth" root
	ip netns exec "$NODE" tc qdisc del dev "$veth" ingress
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	ours=$(state)
	[ "$ours" = "$ref" ] || fail "tc state differs: ours $ours reference $ref"
	# The same result, but for the new IFB's MAC.
	[ "$(jq -c 'del(.interfaces[3].mac)' <<<"$output")" = "$(jq -c 'del(.interfaces[3].mac)' <<<"$ref_out")" ]
	# Each CHECKs the other's state.
	PLUGIN_DIR=$REF_BIN run bw CHECK "$(bw_conf 1.0.0 "$output")"
	[ "$status" -eq 0 ] || fail "reference CHECK of our state: $output"
}

@test "runtimeConfig.bandwidth is used; top-level keys take precedence over it" {
	prev=$(attach 1.1.0)
	veth=$(host_veth)
	rt='{"runtimeConfig":{"bandwidth":{"ingressRate":24000000,"ingressBurst":240000}}}'
	conf=$(jq -nc --argjson p "$prev" --argjson r "$rt" \
		'{cniVersion: "1.1.0", name: "bw-net", type: "bandwidth", prevResult: $p} * $r')
	run bw ADD "$conf"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '(.interfaces | length) == 3'
	assert_json '.[0].options.rate == 3000000' "$(qdiscs "$NODE" "$veth")"
	[ "$(n_ifbs "$NODE")" -eq 0 ]
	run bw DEL "$conf"
	[ "$status" -eq 0 ]
	# One top-level key: the whole runtime entry is ignored (Go's embedded BandwidthEntry).
	conf=$(jq -c '. + {egressRate: 8000000, egressBurst: 80000}' <<<"$conf")
	run bw ADD "$conf"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json 'all(.[]; .kind != "tbf")' "$(qdiscs "$NODE" "$veth")"
	assert_json '.[0].kind == "tbf" and .[0].options.rate == 1000000' "$(qdiscs "$NODE" "$(ifb_name)")"
	run bw DEL "$conf"
	[ "$status" -eq 0 ]
	assert_clean "$veth"
}

@test "invalid rates, bursts and modes fail with code 7 and make nothing" {
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	for x in '{"ingressBurst":0}' '{"ingressRate":0}' '{"egressBurst":0}' '{"egressRate":0}' \
		'{"egressBurst":34359738360}' '{"ingressRate":-1}' '{"ingressRate":"8000000"}' \
		'{"shapingMode":"htb"}' '{"shapingMode":1}' '{"runtimeConfig":{"bandwidth":[]}}'; do
		run bw ADD "$(bw_conf 1.0.0 "$prev" "$x")"
		assert_error 7
		assert_clean "$veth"
	done
	run bw ADD "$(bw_conf 1.0.0 "$prev" '{"ingressBurst":0}')"
	assert_json '.msg == "if rate is set, burst must also be set"'
	run bw ADD "$(bw_conf 1.0.0 "$prev" '{"egressRate":0}')"
	assert_json '.msg == "if burst is set, rate must also be set"'
	run bw ADD "$(bw_conf 1.0.0 "$prev" '{"egressBurst":34359738360}')"
	assert_json '.msg == "burst cannot be more than 4GB"'
	run bw ADD "$(bw_conf 1.0.0 "$prev" | jq -c 'del(.prevResult)')"
	assert_error 7
	assert_json '.msg == "must be called as chained plugin"'
	run bw CHECK "$(bw_conf 1.0.0 "$prev" | jq -c 'del(.prevResult)')"
	assert_error 7
}

@test "no rates: the previous result passes through and nothing is made" {
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	conf=$(bw_conf 1.0.0 "$prev" | jq -c 'del(.ingressRate, .ingressBurst, .egressRate, .egressBurst)')
	run bw ADD "$conf"
	[ "$status" -eq 0 ]
	[ "$(jq -S -c . <<<"$output")" = "$(jq -S -c . <<<"$prev")" ]
	assert_clean "$veth"
	run bw CHECK "$conf"
	[ "$status" -eq 0 ]
}

@test "CHECK fails when a qdisc is gone or its rate differs" {
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	res=$output
	run bw CHECK "$(bw_conf 1.0.0 "$res" '{"ingressRate":9000000}')"
	assert_error 3
	assert_json '.msg == "Rate doesn'"'"'t match"'
	run bw CHECK "$(bw_conf 1.0.0 "$res" '{"egressBurst":200000}')"
	assert_error 3
	assert_json '.msg == "Limit doesn'"'"'t match"'
	ip netns exec "$NODE" tc filter del dev "$veth" ingress
	run bw CHECK "$(bw_conf 1.0.0 "$res")"
	assert_error 7
	ip netns exec "$NODE" tc qdisc del dev "$veth" root
	run bw CHECK "$(bw_conf 1.0.0 "$res")"
	assert_error 3
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	assert_clean "$veth"
}

@test "an existing ingress or clsact qdisc is reused, not a failure (#894)" {
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	ip netns exec "$NODE" tc qdisc add dev "$veth" ingress
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	run bw CHECK "$(bw_conf 1.0.0 "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	ip netns exec "$NODE" tc qdisc del dev "$veth" ingress 2>/dev/null || true
	# A clsact holding someone else's filter: ours goes next to it, and only ours leaves.
	ip netns exec "$NODE" tc qdisc add dev "$veth" clsact
	ip netns exec "$NODE" tc filter add dev "$veth" ingress prio 7 protocol all u32 match u32 0 0 flowid 1:7
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	f=$(ip netns exec "$NODE" tc -j filter show dev "$veth" ingress)
	assert_json 'any(.[]; .kind == "u32" and .pref == 1) and any(.[]; .kind == "u32" and .pref == 7)' "$f"
	run bw CHECK "$(bw_conf 1.0.0 "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	f=$(ip netns exec "$NODE" tc -j filter show dev "$veth" ingress)
	assert_json 'length > 0 and all(.[]; .pref == 7)' "$f"
	assert_json 'any(.[]; .kind == "clsact")' "$(qdiscs "$NODE" "$veth")"
}

@test "a failed ADD leaves nothing behind" {
	prev=$(attach 1.0.0)
	veth=$(host_veth)
	# The IFB's name is taken by a link of another kind: the tbf already made is undone.
	ip -n "$NODE" link add "$(ifb_name)" type veth peer name "${PFX}x"
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -ne 0 ]
	assert_json '.code == 5 and (.msg | test("File exists"))'
	assert_json 'all(.[]; .kind == "noqueue")' "$(qdiscs "$NODE" "$veth")"
	ip -n "$NODE" link del "$(ifb_name)"
	# A root qdisc that is not ours: ADD fails as the reference does and leaves it alone.
	ip netns exec "$NODE" tc qdisc add dev "$veth" root handle 1: tbf rate 1mbit burst 10k latency 10ms
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -ne 0 ]
	[ "$(n_ifbs "$NODE")" -eq 0 ]
	assert_json '.[0].kind == "tbf" and .[0].options.rate == 125000' "$(qdiscs "$NODE" "$veth")"
}

@test "DEL with the netns gone and with CNI_NETNS empty removes the IFB" {
	prev=$(attach 1.0.0)
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	ip netns del "$CTR"
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	assert_clean ""
	ip netns add "$CTR"
	CONTAINER_ID=second-$PFX
	prev=$(attach 1.0.0)
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(n_ifbs "$NODE")" -eq 1 ]
	CNI_NETNS= run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(n_ifbs "$NODE")" -eq 0 ]
}

@test "GC removes the IFBs of this network's containers that are no longer valid" {
	cni_add_ns c2
	prev1=$(attach 1.1.0)
	prev2=$(attach 1.1.0 "$PFX-c2" "ctr2-$PFX")
	run bw ADD "$(bw_conf 1.1.0 "$prev1")"
	[ "$status" -eq 0 ]
	CONTAINER_ID="ctr2-$PFX" CNI_NETNS=/run/netns/$PFX-c2 run bw ADD "$(bw_conf 1.1.0 "$prev2")"
	[ "$status" -eq 0 ]
	[ "$(n_ifbs "$NODE")" -eq 2 ]
	gc=$(jq -nc --arg c "$CONTAINER_ID" '{cniVersion: "1.1.0", name: "bw-net", type: "bandwidth",
		"cni.dev/valid-attachments": [{containerID: $c, ifname: "eth0"}]}')
	CNI_NETNS= run bw GC "$gc"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(ip -n "$NODE" -j -d link show | jq -r '.[] | select(.linkinfo.info_kind == "ifb") | .ifname')" = "$(ifb_name)" ]
	# Another network's GC leaves them alone.
	CNI_NETNS= run bw GC "$(jq -c '.name = "other" | ."cni.dev/valid-attachments" = []' <<<"$gc")"
	[ "$status" -eq 0 ]
	[ "$(n_ifbs "$NODE")" -eq 1 ]
}

@test "a macvlan container interface is shaped inside the container netns" {
	ip -n "$NODE" link add "${PFX}p" type veth peer name "${PFX}q"
	ip -n "$NODE" link add link "${PFX}p" name mv0 type macvlan mode bridge
	ip -n "$NODE" link set mv0 netns "$CTR"
	ip -n "$CTR" link set mv0 name eth0
	ip -n "$CTR" link set eth0 up
	prev=$(jq -nc --arg s "/run/netns/$CTR" '{cniVersion: "1.0.0", interfaces: [{name: "eth0", sandbox: $s}], ips: []}')
	run bw ADD "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ] || fail "$output"
	ifb=$(ifb_name)
	assert_json ".interfaces[1].name == \"$ifb\" and .interfaces[1].sandbox == \"/run/netns/$CTR\""
	# Out of the container: tbf on eth0; into it: eth0's ingress redirected to an IFB beside it.
	q=$(qdiscs "$CTR" eth0)
	assert_json 'any(.[]; .root and .kind == "tbf" and .options.rate == 2000000) and any(.[]; .kind == "ingress")' "$q"
	assert_json '.[0].kind == "tbf" and .[0].options.rate == 1000000' "$(qdiscs "$CTR" "$ifb")"
	[ "$(n_ifbs "$NODE")" -eq 0 ]
	run bw CHECK "$(bw_conf 1.0.0 "$output")"
	[ "$status" -eq 0 ] || fail "$output"
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	assert_json 'all(.[]; .kind == "noqueue")' "$(qdiscs "$CTR" eth0)"
	[ "$(n_ifbs "$CTR")" -eq 0 ]
}

@test "STATUS: tbf is always available; edt only where the kernel has fq" {
	run bw STATUS '{"cniVersion":"1.1.0","name":"bw-net","type":"bandwidth"}'
	[ "$status" -eq 0 ]
	run bw STATUS '{"cniVersion":"1.1.0","name":"bw-net","type":"bandwidth","shapingMode":"bogus"}'
	assert_error 7
	if ip netns exec "$NODE" tc qdisc add dev lo root fq 2>/dev/null; then
		run bw STATUS '{"cniVersion":"1.1.0","name":"bw-net","type":"bandwidth","shapingMode":"edt"}'
		[ "$status" -eq 0 ]
	else
		run bw STATUS '{"cniVersion":"1.1.0","name":"bw-net","type":"bandwidth","shapingMode":"edt"}'
		assert_error 50
		assert_json '.msg | test("fq")'
		# ADD says the same and shapes nothing some other way.
		prev=$(attach 1.0.0)
		run bw ADD "$(bw_conf 1.0.0 "$prev" '{"shapingMode":"edt"}')"
		assert_error 50
		assert_clean "$(host_veth)"
	fi
}

# ---- traffic: iperf3 between the container and a peer on the same bridge ----------------------

# two_pods MODE-EXTRA: the container (shaped) and a peer netns (not), both on the bridge.
two_pods() {
	cni_add_ns peer
	prev=$(attach 1.0.0)
	CONTAINER_ID="peer-$PFX" CNI_NETNS=/run/netns/$PFX-peer cni_exec bridge ADD "$(bridge_conf 1.0.0)" >/dev/null
	CTR_IP=$(jq -r '.ips[0].address | split("/")[0]' <<<"$prev")
	run bw ADD "$(bw_conf 1.0.0 "$prev" "$1")"
	[ "$status" -eq 0 ] || fail "$output"
	ADD_RESULT=$output
}

# iperf_server NETNS: iperf3 -s in NETNS, returns once it listens.
iperf_server() {
	ip netns exec "$1" iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	echo $! >"$TMP/iperf.$1.pid"
	for _ in $(seq 100); do
		ip netns exec "$1" ss -Hltn 'sport = :5201' | grep -q . && return 0
		sleep 0.05
	done
	fail "iperf3 server did not start"
}

# measure [iperf3 args]: peer -> container (into it) or with -R container -> peer; bits/s received.
measure() {
	iperf_server "$CTR"
	ip netns exec "$PFX-peer" iperf3 -c "$CTR_IP" -p 5201 -J "$@" >"$TMP/iperf.json"
	jq -r '.end.sum_received.bits_per_second | floor' "$TMP/iperf.json"
}

# within EXPECTED MEASURED: |measured - expected| <= 10%.
within() {
	local e=$1 m=$2
	[ "$m" -ge $((e * 90 / 100)) ] && [ "$m" -le $((e * 110 / 100)) ] ||
		fail "measured $m bit/s, configured $e bit/s (not within 10%)"
}

# latency_under_load LABEL: ping RTT from the peer while iperf3 saturates the way into the
# container, then the way out of it (-R), and the CPU iperf3 reports for each end; printed for
# the note, not asserted.
latency_under_load() {
	local idle loaded dir pid
	idle=$(ip netns exec "$PFX-peer" ping -c 5 -i 0.2 -q "$CTR_IP" | awk -F/ '/rtt/ {print $5}')
	for dir in in out; do
		iperf_server "$CTR"
		ip netns exec "$PFX-peer" iperf3 -c "$CTR_IP" -p 5201 -t "${LOAD_SECS:-4}" -J \
			$([ $dir = out ] && echo -R) >"$TMP/load.json" &
		pid=$!
		loaded=$(ip netns exec "$PFX-peer" ping -c 12 -i 0.2 -q "$CTR_IP" | awk -F/ '/rtt/ {print $5}')
		wait "$pid"
		echo "# $1, load $dir: ping RTT avg idle ${idle} ms, loaded ${loaded} ms; iperf3 cpu sender $(jq -r '.end.cpu_utilization_percent.host_total | . * 10 | floor / 10' "$TMP/load.json")% receiver $(jq -r '.end.cpu_utilization_percent.remote_total | . * 10 | floor / 10' "$TMP/load.json")%; $(jq -r '.end.sum_received.bits_per_second | floor' "$TMP/load.json") bit/s" >&3
	done
}

@test "tbf: iperf3 holds each direction within 10% of its rate; latency under load" {
	command -v iperf3 >/dev/null || skip "no iperf3"
	two_pods '{"ingressRate":10000000,"ingressBurst":1000000,"egressRate":20000000,"egressBurst":2000000}'
	in=$(measure -t 3 -O 1)
	out=$(measure -t 3 -O 1 -R)
	echo "# tbf: into the container $in bit/s (10 Mbit/s), out of it $out bit/s (20 Mbit/s)" >&3
	within 10000000 "$in"
	within 20000000 "$out"
	latency_under_load "tbf 10 Mbit/s"
}

# ---- EDT: tc-bpf + fq (the VM lane: this host's kernel has no fq) -------------------------------

@test "[vm] edt: ADD, CHECK, DEL and a second DEL; fq, clsact and the program, no IFB" {
	vm_require qdisc_fq
	prev=$(attach 1.1.0)
	veth=$(host_veth)
	run bw ADD "$(bw_conf 1.1.0 "$prev" '{"shapingMode":"edt"}')"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	res=$output
	assert_json '(.interfaces | length) == 3'
	[ "$(n_ifbs "$NODE")" -eq 0 ]
	# Into the container on the host end, out of it on the container end.
	for at in "$NODE $veth" "$CTR eth0"; do
		set -- $at
		assert_json 'any(.[]; .root and .kind == "fq" and .handle == "1:") and any(.[]; .kind == "clsact")' "$(qdiscs "$1" "$2")"
		f=$(ip netns exec "$1" tc -j filter show dev "$2" egress)
		assert_json 'any(.[]; .kind == "bpf" and .options.bpf_name == "cni_edt" and .options["direct-action"])' "$f"
		id=$(jq -r '[.[] | select(.options.prog.id) | .options.prog.id][0]' <<<"$f")
		bpftool -j prog show id "$id" | jq -e '.type == "sched_cls" and .name == "cni_edt"' >/dev/null
	done
	run bw CHECK "$(bw_conf 1.1.0 "$res" '{"shapingMode":"edt"}')"
	[ "$status" -eq 0 ] || fail "$output"
	run bw CHECK "$(bw_conf 1.1.0 "$res" '{"shapingMode":"edt","egressRate":17000000}')"
	assert_error 3
	run bw CHECK "$(bw_conf 1.1.0 "$res")"
	assert_error 3
	run bw DEL "$(bw_conf 1.1.0 "$prev" '{"shapingMode":"edt"}')"
	[ "$status" -eq 0 ]
	assert_clean "$veth"
	[ -z "$(ip netns exec "$NODE" tc filter show dev "$veth" egress)" ]
	[ -z "$(ip netns exec "$CTR" tc filter show dev eth0 egress)" ]
	bpftool -j prog show id "$id" >/dev/null 2>&1 && fail "program $id still loaded"
	run bw DEL "$(bw_conf 1.1.0 "$prev" '{"shapingMode":"edt"}')"
	[ "$status" -eq 0 ]
	run bw STATUS '{"cniVersion":"1.1.0","name":"bw-net","type":"bandwidth","shapingMode":"edt"}'
	[ "$status" -eq 0 ]
}

@test "[vm] edt: iperf3 holds each direction within 10% of its rate; latency under load, tbf beside it" {
	vm_require qdisc_fq
	command -v iperf3 >/dev/null || skip "no iperf3"
	local rin=${EDT_RATE_IN:-4000000} rout=${EDT_RATE_OUT:-2000000}
	two_pods "{\"shapingMode\":\"edt\",\"ingressRate\":$rin,\"ingressBurst\":$((rin / 10)),\"egressRate\":$rout,\"egressBurst\":$((rout / 10))}"
	in=$(measure -t 3 -O 1)
	out=$(measure -t 3 -O 1 -R)
	echo "# edt: into the container $in bit/s ($rin), out of it $out bit/s ($rout)" >&3
	within "$rin" "$in"
	within "$rout" "$out"
	latency_under_load "edt $rin bit/s"
	# The same load through tbf at the same rate, in the same run.
	run bw DEL "$(bw_conf 1.0.0 "$prev")"
	[ "$status" -eq 0 ]
	run bw ADD "$(bw_conf 1.0.0 "$prev" "{\"ingressRate\":$rin,\"ingressBurst\":$((rin / 10)),\"egressRate\":$rout,\"egressBurst\":$((rout / 10))}")"
	[ "$status" -eq 0 ] || fail "$output"
	latency_under_load "tbf $rin bit/s"
}

# ---- the chain: bridge -> bandwidth -> tuning through cnitool, with CAP_ARGS bandwidth -----------

@test "bandwidth.conflist + tuning through cnitool: ADD, CHECK, DEL, DEL leave nothing" {
	[ -x "$BIN/cnitool" ] && [ -x "$BIN/bridge" ] || skip "cnitool or bridge not built"
	mkdir -p "$TMP/net.d"
	local chain='.'
	[ -x "$BIN/tuning" ] && chain='.plugins += [{"type": "tuning", "sysctl": {"net.ipv4.conf.IFNAME.send_redirects": "0"}}]'
	jq --arg d "$DATA_DIR" --arg br "$BR" \
		"(.plugins[0].ipam.dataDir = \$d) | (.plugins[0].bridge = \$br) | $chain" \
		"$REPO/conf-examples/bandwidth.conflist" >"$TMP/net.d/bandwidth.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
			CAP_ARGS='{"bandwidth":{"ingressRate":8000000,"ingressBurst":80000,"egressRate":16000000,"egressBurst":160000}}' \
			"$BIN/cnitool" "$@" 2>>"$TMP/stderr"
	}
	run tool add bandwidth-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	# cnitool's container ID: "cnitool-" + the first 20 hex digits of sha512(netns path).
	ifb=$(NET=bandwidth-net ifb_name "cnitool-$(printf '%s' "/run/netns/$CTR" | sha512sum | cut -c1-20)")
	assert_json ".interfaces | any(.[]; .name == \"$ifb\")"
	veth=$(host_veth)
	assert_json '.[0].kind == "tbf" and .[0].options.rate == 1000000' "$(qdiscs "$NODE" "$veth")"
	if [ -x "$BIN/tuning" ]; then
		[ "$(ip netns exec "$CTR" sysctl -n net.ipv4.conf.eth0.send_redirects)" = 0 ]
	else
		echo "# tuning not built: chained bridge -> bandwidth only" >&3
	fi
	run tool check bandwidth-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run tool del bandwidth-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(n_ifbs "$NODE")" -eq 0 ]
	[ -z "$(ip -n "$NODE" -j link show master "$BR" type veth | jq -r '.[]?.ifname')" ]
	run tool del bandwidth-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
}
