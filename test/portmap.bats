#!/usr/bin/env bats
# portmap as a runtime runs it (chained after an interface plugin: a prevResult on stdin), on
# nftables, iptables-nft and iptables-legacy, in a throwaway node netns: rules, traffic through
# the hostPort (from the node, another netns, localhost, hairpin), CHECK, DEL, GC, exec counts.

load helpers/common
load helpers/fw

setup() {
	cni_setup
	cni_add_ns peer
	PEER="$PFX-peer"
	# node <-> ctr 10.66.0.0/24, node <-> peer 10.67.0.0/24, routed by the node.
	ip -n "$NODE" link add "${PFX}c" type veth peer name eth0 netns "$CTR"
	ip -n "$NODE" link add "${PFX}p" type veth peer name eth0 netns "$PEER"
	ip -n "$NODE" addr add 10.66.0.1/24 dev "${PFX}c"
	ip -n "$NODE" addr add 10.67.0.1/24 dev "${PFX}p"
	ip -n "$NODE" link set "${PFX}c" up
	ip -n "$NODE" link set "${PFX}p" up
	ip -n "$CTR" addr add 10.66.0.2/24 dev eth0
	ip -n "$PEER" addr add 10.67.0.2/24 dev eth0
	for ns in "$CTR" "$PEER"; do
		ip -n "$ns" link set eth0 up
		ip -n "$ns" link set lo up
	done
	ip -n "$CTR" route add default via 10.66.0.1
	ip -n "$PEER" route add default via 10.67.0.1
	ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=1
	MAPS='[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":5353,"containerPort":53,"protocol":"udp"}]'
}

teardown() {
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
	cni_teardown
}

# conf FLAVOUR [VERSION] [JSON merged over]
conf() {
	local v=${2:-1.0.0} extra=${3:-'{}'}
	jq -nc --arg v "$v" --arg b "$(fw_backend_key "$1")" --argjson m "$MAPS" --arg ns "/run/netns/$CTR" \
		--argjson x "$extra" \
		'{cniVersion: $v, name: "pmnet", type: "portmap", backend: $b,
		  capabilities: {portMappings: true}, runtimeConfig: {portMappings: $m},
		  prevResult: {cniVersion: $v, interfaces: [{name: "eth0", sandbox: $ns}],
			       ips: [{address: "10.66.0.2/24", interface: 0}]}} * $x'
}

pm() { # pm FLAVOUR CMD CONF
	local flavour=$1
	shift
	fw_run "$flavour" cni_exec portmap "$@"
}

# Text of every rule the attachment could own, in every backend of the node.
our_rules() {
	fw_dump_all | grep -E "$CONTAINER_ID|CNI-DN-|10\.66\.0\.2" || true
}

# A one-shot TCP server in the container on port 80 answering the peer address it saw.
serve() { # serve [6]: IPv4 on 0.0.0.0:80, or with 6 on [::]:80 (IPv4 too)
	local family=AF_INET addr=0.0.0.0
	[ "${1:-}" = 6 ] && family=AF_INET6 addr=::
	ip netns exec "$CTR" python3 -c '
import socket, sys
s = socket.socket(getattr(socket, sys.argv[1])); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[2], 80)); s.listen(8); print("ready", flush=True)
while True:
    c, a = s.accept(); c.send((a[0] + "\n").encode()); c.close()
' "$family" "$addr" >"$TMP/server.out" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 50); do grep -q ready "$TMP/server.out" 2>/dev/null && return 0; sleep 0.1; done
	fail "server did not start"
}

# connect NETNS ADDR: prints the source address the server saw.
connect() {
	ip netns exec "$1" python3 -c "
import socket, sys
s = socket.create_connection(('$2', 8080), timeout=3); sys.stdout.write(s.recv(64).decode())"
}

@test "ADD returns the prevResult unchanged, for every cniVersion" {
	for v in $CNI_VERSIONS_IPS; do
		run pm nftables ADD "$(conf nftables "$v")"
		[ "$status" -eq 0 ] || fail "$v: $output"
		assert_json ".cniVersion == \"$v\" and .ips[0].address == \"10.66.0.2/24\""
		pm nftables DEL "$(conf nftables "$v")"
	done
}

@test "rules, CHECK, traffic (node, peer, localhost, hairpin), DEL and a second DEL on every backend" {
	serve
	for f in $FW_FLAVOURS; do
		run pm "$f" ADD "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f ADD: $output"
		run pm "$f" CHECK "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f CHECK: $output"
		[ "$(connect "$NODE" 10.66.0.1)" = 10.66.0.1 ] || fail "$f: node via own address"
		[ "$(connect "$PEER" 10.67.0.1)" = 10.67.0.2 ] || fail "$f: peer keeps its source"
		# localhost is masqueraded to the node's address towards the pod (route_localnet).
		[ "$(connect "$NODE" 127.0.0.1)" = 10.66.0.1 ] || fail "$f: localhost"
		# hairpin: the pod reaches its own hostPort, masqueraded so the reply comes back.
		[ "$(connect "$CTR" 10.66.0.1)" = 10.66.0.1 ] || fail "$f: hairpin"
		[ "$(ip netns exec "$NODE" sysctl -n net.ipv4.conf.${PFX}c.route_localnet)" = 1 ]
		run pm "$f" DEL "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f DEL: $output"
		[ -z "$(our_rules)" ] || fail "$f: left after DEL: $(our_rules)"
		run pm "$f" DEL "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f second DEL: $output"
		if connect "$PEER" 10.67.0.1 2>/dev/null; then fail "$f: port still mapped after DEL"; fi
	done
}

@test "nftables rules: the reference's tables, chains and container-ID comments (+ network)" {
	pm nftables ADD "$(conf nftables)"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json '[.nftables[] | .chain? | select(.table == "cni_hostport" and .family == "ip") | .name] | sort == ["hostip_hostports","hostports","hostports_all","masquerading","output","prerouting"]'
	assert_json "[.nftables[] | .rule? | select(.chain == \"hostports\" and .comment == \"$CONTAINER_ID net:pmnet\")] | length == 2"
	assert_json "[.nftables[] | .rule? | select(.chain == \"masquerading\" and .comment == \"$CONTAINER_ID net:pmnet\")] | length == 2"
}

# The handles of the rules in the chains every attachment shares.
shared_rule_handles() {
	ip netns exec "$NODE" nft -a -j list table ip cni_hostport | jq -c '[.nftables[] | .rule? |
		select(.chain == "prerouting" or .chain == "output" or .chain == "hostports_all") |
		{chain, handle}]'
}

@test "nftables: ADD leaves the shared chains' rules as they are, rewrites them when they differ" {
	local first
	pm nftables ADD "$(conf nftables)"
	first=$(shared_rule_handles)
	[ "$(jq length <<<"$first")" -eq 4 ] || fail "shared rules: $first"
	# Rewriting equal rules would delete some, and the kernel frees deleted rules only after an
	# RCU grace period, which closing the plugin's socket waits for.
	CONTAINER_ID=second pm nftables ADD "$(conf nftables)"
	[ "$(shared_rule_handles)" = "$first" ] || fail "rewritten: $first -> $(shared_rule_handles)"
	# A rule someone added to a shared chain goes; the chain holds exactly its two jumps again.
	ip netns exec "$NODE" nft add rule ip cni_hostport hostports_all counter
	CONTAINER_ID=third pm nftables ADD "$(conf nftables)"
	run ip netns exec "$NODE" nft list chain ip cni_hostport hostports_all
	[[ "$output" != *counter* && "$output" == *"jump hostip_hostports"*"jump hostports"* ]] ||
		fail "hostports_all: $output"
	# Changed conditions change the entry rules.
	CONTAINER_ID=fourth pm nftables ADD "$(conf nftables 1.0.0 '{"conditionsV4":["ip saddr 10.67.0.0/24"]}')"
	run ip netns exec "$NODE" nft list chain ip cni_hostport prerouting
	[[ "$output" == *"ip saddr 10.67.0.0/24 fib daddr type local jump hostports_all"* ]] ||
		fail "prerouting: $output"
	for id in "$CONTAINER_ID" second third fourth; do
		CONTAINER_ID=$id pm nftables DEL "$(conf nftables)"
	done
	[ -z "$(our_rules)" ] || fail "left after DEL: $(our_rules)"
}

@test "iptables rules are those of the reference portmap (iptables-nft and legacy)" {
	[ -x "$REF_BIN/portmap" ] || skip "no reference portmap"
	for f in iptables-nft iptables-legacy; do
		fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec portmap ADD '$(conf "$f")'" >/dev/null
		fw_run "$f" ip netns exec "$NODE" iptables -t nat -S 2>/dev/null | sort >"$TMP/ref"
		fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec portmap DEL '$(conf "$f")'"
		ip netns exec "$NODE" iptables-legacy -t nat -F 2>/dev/null || true
		ip netns exec "$NODE" nft flush ruleset
		pm "$f" ADD "$(conf "$f")" >/dev/null
		fw_run "$f" ip netns exec "$NODE" iptables -t nat -S 2>/dev/null | sort >"$TMP/ours"
		grep -q CNI-DN- "$TMP/ours" || fail "$f: no rules"
		diff "$TMP/ref" "$TMP/ours" || fail "$f: rules differ from the reference"
		pm "$f" DEL "$(conf "$f")"
		ip netns exec "$NODE" nft flush ruleset
	done
}

@test "exec count: no exec on nftables and legacy, at most one per table on iptables-nft" {
	for f in $FW_FLAVOURS; do
		local c
		c=$(conf "$f" 1.0.0 '{"runtimeConfig":{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"},{"hostPort":8081,"containerPort":81,"protocol":"tcp"}]}}')
		printf '%s' "$c" | fw_run "$f" ip netns exec "$NODE" env ASAN_OPTIONS=detect_leaks=0 \
			CNI_COMMAND=ADD CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS=/run/netns/$CTR \
			CNI_IFNAME=eth0 CNI_PATH="$BIN" strace -f -qq -e trace=execve -o "$TMP/trace" "$BIN/portmap" >/dev/null
		local n
		n=$(grep -c 'execve(' "$TMP/trace")
		n=$((n - 1)) # the plugin itself
		case $f in
		nftables | iptables-legacy) [ "$n" -eq 0 ] || fail "$f: $n execs" ;;
		*) [ "$n" -le 1 ] || fail "$f: $n execs (one table, IPv4)" ;;
		esac
		printf '%s' "$c" | fw_run "$f" ip netns exec "$NODE" env ASAN_OPTIONS=detect_leaks=0 \
			CNI_COMMAND=DEL CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS=/run/netns/$CTR \
			CNI_IFNAME=eth0 CNI_PATH="$BIN" strace -f -qq -e trace=execve -o "$TMP/trace" "$BIN/portmap" >/dev/null
		n=$(($(grep -c 'execve(' "$TMP/trace") - 1))
		[ "$n" -eq 0 ] || fail "$f DEL: $n execs"
	done
}

@test "DEL without runtimeConfig, without netns, after the netns is gone" {
	for f in $FW_FLAVOURS; do
		pm "$f" ADD "$(conf "$f")" >/dev/null
		CNI_NETNS="" run pm "$f" DEL "$(conf "$f" 1.0.0 '{"runtimeConfig":null}' | jq -c 'del(.runtimeConfig, .prevResult)')"
		[ "$status" -eq 0 ] || fail "$f: $output"
		[ -z "$(our_rules)" ] || fail "$f: left: $(our_rules)"
	done
}

@test "CHECK: passes on an IPv4-only attachment, fails (code 7) once a rule is gone" {
	for f in $FW_FLAVOURS; do
		pm "$f" ADD "$(conf "$f")" >/dev/null
		run pm "$f" CHECK "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f: $output"
		case $f in
		nftables) ip netns exec "$NODE" nft flush chain ip cni_hostport hostports ;;
		*) fw_run "$f" ip netns exec "$NODE" iptables -t nat -F CNI-HOSTPORT-DNAT ;;
		esac
		run pm "$f" CHECK "$(conf "$f")"
		assert_error 7
		pm "$f" DEL "$(conf "$f")"
	done
}

@test "GC removes the rules of attachments not in the valid list, keeps the valid ones" {
	for f in $FW_FLAVOURS; do
		CONTAINER_ID=keep-me pm "$f" ADD "$(conf "$f")" >/dev/null
		CONTAINER_ID=drop-me pm "$f" ADD "$(conf "$f")" >/dev/null
		run pm "$f" GC "$(conf "$f" 1.1.0 '{"cni.dev/valid-attachments":[{"containerID":"keep-me","ifname":"eth0"}]}' | jq -c 'del(.prevResult, .runtimeConfig)')"
		[ "$status" -eq 0 ] || fail "$f: $output"
		if [ "$f" = nftables ]; then
			fw_dump_all | grep -q keep-me || fail "$f: valid rules removed"
			if fw_dump_all | grep -q drop-me; then fail "$f: stale rules kept"; fi
		else
			fw_run "$f" ip netns exec "$NODE" iptables -t nat -S | grep -q 'id: \\"keep-me' || fail "$f: valid removed"
			if fw_run "$f" ip netns exec "$NODE" iptables -t nat -S | grep -q 'drop-me'; then fail "$f: stale kept"; fi
		fi
		CONTAINER_ID=keep-me pm "$f" DEL "$(conf "$f")"
		ip netns exec "$NODE" nft flush ruleset
	done
}

# The reference's nftables rules carry only the container ID, so its GC of one network removes
# another network's rules; ours carry the network too.
@test "nftables: GC and DEL of network A leave network B's rules of the same container" {
	local a b gc
	a=$(conf nftables 1.1.0 '{"name":"neta"}')
	b=$(conf nftables 1.1.0 '{"name":"netb","runtimeConfig":{"portMappings":[{"hostPort":9090,"containerPort":90,"protocol":"tcp"}]}}')
	pm nftables ADD "$a" >/dev/null
	pm nftables ADD "$b" >/dev/null
	CONTAINER_ID=other pm nftables ADD "$a" >/dev/null
	# GC of neta with nothing valid: neta's rules go (both containers), netb's stay.
	gc=$(jq -c 'del(.prevResult, .runtimeConfig) + {"cni.dev/valid-attachments": []}' <<<"$a")
	run pm nftables GC "$gc"
	[ "$status" -eq 0 ] || fail "GC: $output"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json '[.nftables[] | .rule? | select(.comment? // "" | endswith(" net:neta"))] | length == 0'
	assert_json "[.nftables[] | .rule? | select(.chain == \"hostports\" and .comment == \"$CONTAINER_ID net:netb\")] | length == 1"
	assert_json "[.nftables[] | .rule? | select(.chain == \"masquerading\" and .comment == \"$CONTAINER_ID net:netb\")] | length == 2"
	# CHECK of netb still passes; DEL of neta (nothing left there) does not touch netb.
	pm nftables CHECK "$b"
	pm nftables DEL "$a"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json "[.nftables[] | .rule? | select(.comment == \"$CONTAINER_ID net:netb\")] | length == 3"
	# A GC of netb that lists the container keeps it; DEL of netb removes it.
	gc=$(jq -c --arg id "$CONTAINER_ID" 'del(.prevResult, .runtimeConfig) + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}' <<<"$b")
	pm nftables GC "$gc"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json "[.nftables[] | .rule? | select(.comment == \"$CONTAINER_ID net:netb\")] | length == 3"
	pm nftables DEL "$b"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json '[.nftables[] | .rule? | select(.comment? // "" | contains(" net:"))] | length == 0'
}

# A rule tagged the reference's way (comment: the bare container ID; the reference's own nftables
# backend came after Debian's v1.1.1, so it is written here by nft) is still removed by our DEL.
@test "nftables: DEL removes rules tagged with the bare container ID (the reference's comment)" {
	pm nftables ADD "$(conf nftables)" >/dev/null
	ip netns exec "$NODE" nft add rule ip cni_hostport hostports tcp dport 7777 \
		dnat to 10.66.0.2:77 comment "\"$CONTAINER_ID\""
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json "[.nftables[] | .rule? | select(.comment == \"$CONTAINER_ID\")] | length == 1"
	pm nftables DEL "$(conf nftables)"
	run ip netns exec "$NODE" nft -j list ruleset
	assert_json "[.nftables[] | .rule? | select(.comment? // \"\" | startswith(\"$CONTAINER_ID\"))] | length == 0"
}

@test "config errors: not chained, markMasqBit, backend, iptables options on nftables (code 7)" {
	run pm nftables ADD "$(conf nftables | jq -c 'del(.prevResult)')"
	assert_error 7
	run pm iptables-nft ADD "$(conf iptables-nft 1.0.0 '{"markMasqBit":32}')"
	assert_error 7
	run pm nftables ADD "$(conf nftables 1.0.0 '{"backend":"pf"}')"
	assert_error 7
	run pm nftables ADD "$(conf nftables 1.0.0 '{"externalSetMarkChain":"X"}')"
	assert_error 7
	run pm nftables ADD "$(conf nftables 1.0.0 '{"conditionsV4":["-s","1.2.3.4"]}')"
	assert_error 7
	run pm iptables-nft ADD "$(conf iptables-nft 1.0.0 '{"markMasqBit":3,"externalSetMarkChain":"X"}')"
	assert_error 7
	[ -z "$(our_rules)" ] || fail "a failed ADD left rules: $(our_rules)"
}

@test "snat=false writes no masquerade rules; hostIP limits the DNAT to that address" {
	for f in $FW_FLAVOURS; do
		MAPS='[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":"10.67.0.1"}]'
		pm "$f" ADD "$(conf "$f" 1.0.0 '{"snat":false}')" >/dev/null
		serve
		[ "$(connect "$PEER" 10.67.0.1)" = 10.67.0.2 ] || fail "$f: via hostIP"
		if connect "$NODE" 10.66.0.1 2>/dev/null; then fail "$f: other address mapped"; fi
		if fw_dump_all | grep -q 'masquerade.*10.66.0.2\|CNI-HOSTPORT-SETMARK'; then fail "$f: masquerade rules"; fi
		kill "$SERVER_PID"; SERVER_PID=
		pm "$f" DEL "$(conf "$f")"
		ip netns exec "$NODE" nft flush ruleset
	done
}

# ---- stale UDP conntrack entries (containernetworking/plugins#1190) ----

# A UDP echo server in the container on port 53 (or [::]:53 with 6): answers "pod:<message>".
udp_serve() {
	local fam=${1:-4}
	ip netns exec "$CTR" python3 -c "
import socket
s = socket.socket(socket.AF_INET6 if '$fam' == '6' else socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('::' if '$fam' == '6' else '0.0.0.0', 53)); print('ready', flush=True)
while True:
    d, a = s.recvfrom(512); s.sendto(b'pod:' + d, a)
" >"$TMP/udp.out" 2>&1 &
	UDP_PID=$!
	for _ in $(seq 50); do grep -q ready "$TMP/udp.out" 2>/dev/null && return 0; sleep 0.1; done
	fail "udp server did not start"
}

# udp_ask NETNS ADDR MESSAGE: one datagram from source port 40000 to ADDR:5353; prints the answer,
# or "refused" when the node itself answered with port unreachable (the datagram was not DNATed).
udp_ask() {
	ip netns exec "$1" python3 -c "
import socket, sys
fam = socket.AF_INET6 if ':' in '$2' else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(3)
s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', 40000)); s.connect(('$2', 5353))
s.send(b'$3')
try:
    sys.stdout.write(s.recv(512).decode())
except ConnectionRefusedError:
    sys.stdout.write('refused')"
}

# The node's UDP conntrack entries to the hostPort, one line each ("" when none).
ct_udp() {
	ip netns exec "$NODE" conntrack -L -f "${1:-ipv4}" -p udp --dport 5353 2>/dev/null || true
}

# Conntrack only tracks in a netns once something there needs it; on a real node something always
# does. A filter rule using ct state turns it on in the node netns before the mapping exists.
ct_enable() {
	ip netns exec "$NODE" nft -f - <<-'NFT'
	table inet h22ctwarm {
		chain pre { type filter hook prerouting priority -300; ct state new counter; }
	}
	NFT
}

@test "UDP conntrack: ADD flushes the stale entry to the hostPort, DEL flushes the DNATed one (#1190)" {
	command -v conntrack >/dev/null || fail "conntrack(8) missing: hack/install-deps.sh"
	udp_serve
	for f in $FW_FLAVOURS; do
		ct_enable
		# Before the mapping: the datagram goes to the node, which refuses it; conntrack
		# keeps that flow, not DNATed (its reply comes from the node's own address).
		[ "$(udp_ask "$PEER" 10.67.0.1 "early-$f")" = refused ] || fail "$f: answered before ADD"
		ct_udp | grep -q 'src=10.67.0.2 dst=10.67.0.1 sport=40000 dport=5353 .*src=10.67.0.1 dst=10.67.0.2 sport=5353 dport=40000' ||
			fail "$f: no stale entry before ADD: $(ct_udp)"
		run pm "$f" ADD "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f ADD: $output"
		[ -z "$(ct_udp)" ] || fail "$f: stale entry survived ADD: $(ct_udp)"
		# The same flow (same source port) now reaches the pod through the new DNAT.
		[ "$(udp_ask "$PEER" 10.67.0.1 "late-$f")" = "pod:late-$f" ] || fail "$f: pod not reached after ADD"
		ct_udp | grep -q 'src=10.66.0.2 dst=10.67.0.2 sport=53 dport=40000' ||
			fail "$f: no DNATed entry: $(ct_udp)"
		run pm "$f" DEL "$(conf "$f")"
		[ "$status" -eq 0 ] || fail "$f DEL: $output"
		[ -z "$(ct_udp)" ] || fail "$f: DNATed entry survived DEL: $(ct_udp)"
		# Without the entry the flow no longer reaches the removed mapping's pod.
		[ "$(udp_ask "$PEER" 10.67.0.1 "gone-$f")" = refused ] || fail "$f: pod still reached after DEL"
		ip netns exec "$NODE" conntrack -F 2>/dev/null
		ip netns exec "$NODE" nft flush ruleset
	done
}

# ---- IPv6 ----

# A dual-stack bridge + host-local attachment in the container (eth0 on bridge ${PFX}b, gateway
# fd00:88::1) and the peer reachable over fd67::/64; prints the bridge's result. hairpinMode as
# podman sets it: hairpin traffic leaves by the bridge port it came in on, which the bridge
# refuses otherwise when br_netfilter is loaded.
v6_attach() {
	ip netns exec "$NODE" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$CTR" link del eth0
	ip -n "$NODE" addr add fd67::1/64 dev "${PFX}p" nodad
	ip -n "$PEER" addr add fd67::2/64 dev eth0 nodad
	ip -n "$PEER" -6 route add default via fd67::1
	jq -nc --arg br "${PFX}b" --arg dd "$DATA_DIR" \
		'{cniVersion: "1.0.0", name: "pmnet", type: "bridge", bridge: $br, isGateway: true, hairpinMode: true,
		  ipam: {type: "host-local", dataDir: $dd, routes: [{dst: "0.0.0.0/0"}, {dst: "::/0"}],
			 ranges: [[{subnet: "10.88.0.0/24"}], [{subnet: "fd00:88::/64"}]]}}' >"$TMP/br.json"
	cni_exec bridge ADD "$(cat "$TMP/br.json")"
}

# conf6 FLAVOUR PREVRESULT: portmap after the dual-stack bridge, one TCP mapping 8080 -> 80.
conf6() {
	jq -nc --arg b "$(fw_backend_key "$1")" --argjson p "$2" \
		'{cniVersion: "1.0.0", name: "pmnet", type: "portmap", backend: $b,
		  capabilities: {portMappings: true},
		  runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]},
		  prevResult: $p}'
}

@test "IPv6: dual-stack bridge attachment, [node v6]:hostPort from a peer, the node and hairpin; rules; DEL twice" {
	local prev pod6 c
	prev=$(v6_attach)
	pod6=$(jq -r '.ips[] | select(.address | contains(":")) | .address | sub("/.*"; "")' <<<"$prev")
	[ -n "$pod6" ] || fail "no IPv6 address: $prev"
	serve 6
	for f in $FW_FLAVOURS; do
		c=$(conf6 "$f" "$prev")
		run pm "$f" ADD "$c"
		[ "$status" -eq 0 ] || fail "$f ADD: $output"
		run pm "$f" CHECK "$c"
		[ "$status" -eq 0 ] || fail "$f CHECK: $output"
		case $f in
		nftables)
			run ip netns exec "$NODE" nft -j list table ip6 cni_hostport
			assert_json "[.nftables[] | .rule? | select(.chain == \"hostports\" and .comment == \"$CONTAINER_ID net:pmnet\") | .expr[] | .dnat? | select(. != null)] == [{\"addr\": \"$pod6\", \"port\": 80}]"
			assert_json "[.nftables[] | .rule? | select(.chain == \"masquerading\" and .comment == \"$CONTAINER_ID net:pmnet\")] | length == 1"
			;;
		*)
			fw_run "$f" ip netns exec "$NODE" ip6tables -t nat -S >"$TMP/v6rules"
			grep -q -- "-p tcp -m tcp --dport 8080 -j DNAT --to-destination \[$pod6\]:80" "$TMP/v6rules" ||
				fail "$f: no v6 DNAT: $(cat "$TMP/v6rules")"
			grep -q -- "-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment \"dnat name: \\\\\"pmnet\\\\\" id: \\\\\"$CONTAINER_ID\\\\\"\" -m multiport --dports 8080 -j CNI-DN-" "$TMP/v6rules" ||
				fail "$f: no v6 entry rule: $(cat "$TMP/v6rules")"
			;;
		esac
		[ "$(connect "$PEER" fd67::1)" = fd67::2 ] || fail "$f: peer via the node's v6 address"
		# From the node the source is already a node address the pod can route back to: no masquerade.
		[ "$(connect "$NODE" fd67::1)" = fd67::1 ] || fail "$f: node via its own v6 address"
		# hairpin: the pod reaches its own hostPort through the node, masqueraded.
		[ "$(connect "$CTR" fd00:88::1)" = fd00:88::1 ] || fail "$f: hairpin via the gateway"
		[ "$(connect "$CTR" fd67::1)" = fd00:88::1 ] || fail "$f: hairpin via another node address"
		if [ "$f" = nftables ]; then
			# Both tables in one batch: the kernel's grace period before freeing comes once.
			printf '%s' "$c" | ip netns exec "$NODE" env ASAN_OPTIONS=detect_leaks=0 \
				CNI_COMMAND=DEL CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS=/run/netns/$CTR \
				CNI_IFNAME=eth0 CNI_PATH="$BIN" strace -f -qq -e trace=sendto,sendmsg \
				-o "$TMP/trace" "$BIN/portmap" >/dev/null
			[ "$(grep -c NFNL_MSG_BATCH_BEGIN "$TMP/trace")" -eq 1 ] ||
				fail "nftables DEL: $(grep -c NFNL_MSG_BATCH_BEGIN "$TMP/trace") batches"
			grep -o 'NFT_MSG_DELRULE[^{]*{nfgen_family=AF_INET6*,' "$TMP/trace" |
				sed 's/.*=//' | sort -u | tr '\n' ' ' >"$TMP/families"
			[ "$(cat "$TMP/families")" = "AF_INET, AF_INET6, " ] ||
				fail "nftables DEL removed rules of: $(cat "$TMP/families")"
		fi
		run pm "$f" DEL "$c"
		[ "$status" -eq 0 ] || fail "$f DEL: $output"
		if fw_dump_all | grep -E "$CONTAINER_ID|CNI-DN-|$pod6"; then fail "$f: left after DEL"; fi
		run pm "$f" DEL "$c"
		[ "$status" -eq 0 ] || fail "$f second DEL: $output"
		if fw_dump_all | grep -E "$CONTAINER_ID|CNI-DN-|$pod6"; then fail "$f: left after second DEL"; fi
		if connect "$PEER" fd67::1 2>/dev/null; then fail "$f: port still mapped after DEL"; fi
	done
}

@test "IPv6 iptables rules are those of the reference portmap (ip6tables, nft and legacy)" {
	[ -x "$REF_BIN/portmap" ] || skip "no reference portmap"
	local prev c
	prev=$(v6_attach)
	for f in iptables-nft iptables-legacy; do
		c=$(conf6 "$f" "$prev")
		fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec portmap ADD '$c'" >/dev/null
		fw_run "$f" ip netns exec "$NODE" ip6tables -t nat -S 2>/dev/null | sort >"$TMP/ref"
		fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec portmap DEL '$c'"
		ip netns exec "$NODE" ip6tables-legacy -t nat -F 2>/dev/null || true
		ip netns exec "$NODE" ip6tables-legacy -t nat -X 2>/dev/null || true
		ip netns exec "$NODE" nft flush ruleset
		pm "$f" ADD "$c" >/dev/null
		fw_run "$f" ip netns exec "$NODE" ip6tables -t nat -S 2>/dev/null | sort >"$TMP/ours"
		grep -q CNI-DN- "$TMP/ours" || fail "$f: no rules"
		diff "$TMP/ref" "$TMP/ours" || fail "$f: ip6tables rules differ from the reference"
		pm "$f" DEL "$c"
		ip netns exec "$NODE" nft flush ruleset
	done
}

# ---- nftables conditionsV4/V6 ----

@test "nftables conditionsV4 restrict which traffic is mapped; an unsupported condition fails (code 7) naming it" {
	local c
	serve
	# A set of excluded sources: the peer is not mapped (the node refuses), the node still is.
	c=$(conf nftables 1.0.0 '{"conditionsV4":["ip saddr != { 10.67.0.2, 10.67.0.3 }"]}')
	run pm nftables ADD "$c"
	[ "$status" -eq 0 ] || fail "ADD: $output"
	run ip netns exec "$NODE" nft list chain ip cni_hostport prerouting
	[[ "$output" == *'ip saddr != { 10.67.0.2, 10.67.0.3 } fib daddr type local jump hostports_all'* ]] ||
		fail "entry rule: $output"
	if connect "$PEER" 10.67.0.1 2>/dev/null; then fail "excluded source was mapped"; fi
	[ "$(connect "$NODE" 10.66.0.1)" = 10.66.0.1 ] || fail "other sources must stay mapped"
	pm nftables DEL "$c"
	# Only what comes in on the peer's link, to that port: the node's own connections (no input
	# interface) are no longer mapped.
	c=$(conf nftables 1.0.0 "{\"conditionsV4\":[\"iifname\", \"\\\"${PFX}p\\\"\", \"tcp dport 8080\"]}")
	run pm nftables ADD "$c"
	[ "$status" -eq 0 ] || fail "ADD: $output"
	[ "$(connect "$PEER" 10.67.0.1)" = 10.67.0.2 ] || fail "peer link must be mapped"
	if connect "$NODE" 10.66.0.1 2>/dev/null; then fail "node output was mapped"; fi
	pm nftables DEL "$c"
	ip netns exec "$NODE" nft flush ruleset
	# Never a silently dropped condition: statements, unknown matches, the wrong family.
	run pm nftables ADD "$(conf nftables 1.0.0 '{"conditionsV4":["ip saddr 10.0.0.0/8 counter"]}')"
	assert_error 7
	assert_json '.msg | contains("conditionsV4") and contains("\"counter\"")'
	run pm nftables ADD "$(conf nftables 1.0.0 '{"conditionsV4":["ct state new"]}')"
	assert_error 7
	assert_json '.msg | contains("\"ct\"")'
	run pm nftables ADD "$(conf nftables 1.0.0 '{"conditionsV6":["ip saddr 10.0.0.1"]}')"
	assert_error 7
	assert_json '.msg | contains("conditionsV6")'
	run pm nftables STATUS "$(conf nftables 1.1.0 '{"conditionsV4":["tcp dport http"]}')"
	assert_error 7
	[ -z "$(our_rules)" ] || fail "a refused ADD left rules: $(our_rules)"
}
