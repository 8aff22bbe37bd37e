#!/usr/bin/env bats
# The firewall plugin chained after bridge, on nftables, iptables-nft and iptables-legacy, in a
# throwaway node netns: the rules each backend shows, traffic through a FORWARD DROP policy,
# isolation between two bridges (ingressPolicy), CHECK, DEL, a second DEL, DEL without prevResult,
# GC, the reference's iptables rules, and the firewalld backend against a fake firewalld on a
# private bus.

load helpers/common
load helpers/fw

setup() {
	cni_setup
	cni_add_ns a2
	cni_add_ns b1
	cni_add_ns ext
	# ext: a host outside the pod networks, routed by the node.
	ip -n "$NODE" link add "${PFX}x" type veth peer name eth0 netns "$PFX-ext"
	ip -n "$NODE" addr add 10.93.0.1/24 dev "${PFX}x"
	ip -n "$NODE" link set "${PFX}x" up
	ip -n "$PFX-ext" addr add 10.93.0.2/24 dev eth0
	ip -n "$PFX-ext" link set eth0 up
	ip -n "$PFX-ext" route add default via 10.93.0.1
	ip netns exec "$NODE" sysctl -qw net.ipv4.ip_forward=1
}

teardown() {
	[ -n "${BUS_PID:-}" ] && kill "$BUS_PID" 2>/dev/null
	[ -n "${FAKE_PID:-}" ] && kill "$FAKE_PID" 2>/dev/null
	cni_teardown
}

# bridge_conf NET (a|b) [VERSION]
bridge_conf() {
	local n=$1 v=${2:-1.0.0} sub=10.91.0.0/24
	[ "$n" = b ] && sub=10.92.0.0/24
	jq -nc --arg v "$v" --arg br "$PFX$n" --arg dd "$DATA_DIR" --arg sn "$sub" --arg name "net$n" \
		'{cniVersion: $v, name: $name, type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: $sn, dataDir: $dd, routes: [{dst: "0.0.0.0/0"}]}}'
}

# fw_conf FLAVOUR NET PREV [JSON merged over]: the firewall config with prevResult PREV.
fw_conf() {
	local v
	v=$(jq -r .cniVersion <<<"$3")
	jq -nc --arg v "$v" --arg b "$(fw_backend_key "$1")" --arg name "net$2" --argjson p "$3" \
		--argjson x "${4:-{\}}" \
		'{cniVersion: $v, name: $name, type: "firewall", backend: $b, prevResult: $p} * $x'
}

# pod FLAVOUR NET NS ID [fw JSON]: bridge ADD then firewall ADD; the firewall's result in $TMP/ID.
pod() {
	local f=$1 n=$2 ns=$3 id=$4 extra=${5:-'{}'} prev
	prev=$(CONTAINER_ID=$id CNI_NETNS=/run/netns/$ns cni_exec bridge ADD "$(bridge_conf "$n")") ||
		fail "bridge ADD $id: $prev"
	CONTAINER_ID=$id CNI_NETNS=/run/netns/$ns fw_run "$f" cni_exec firewall ADD \
		"$(fw_conf "$f" "$n" "$prev" "$extra")" >"$TMP/$id" || fail "firewall ADD $id: $(cat "$TMP/$id")"
	echo "$prev" >"$TMP/$id.prev"
}

# fw FLAVOUR CMD ID NET [fw JSON] [prev JSON]: run the firewall for pod ID.
fw() {
	local f=$1 cmd=$2 id=$3 n=$4 extra=${5:-'{}'} prev=${6:-}
	[ -n "$prev" ] || prev=$(cat "$TMP/$id.prev")
	CONTAINER_ID=$id fw_run "$f" cni_exec firewall "$cmd" "$(fw_conf "$f" "$n" "$prev" "$extra")"
}

ip_of() { jq -r '.ips[0].address | split("/")[0]' "$TMP/$1.prev"; }

can_ping() { ip netns exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1; }

# Every rule of the node in the flavour's view, as text.
rules() {
	case $1 in
	nftables) ip netns exec "$NODE" nft list table inet cni_firewall 2>/dev/null || true ;;
	*) fw_run "$1" ip netns exec "$NODE" iptables -S 2>/dev/null
	   fw_run "$1" ip netns exec "$NODE" ip6tables -S 2>/dev/null ;;
	esac
}

# The rules that belong to the pod with address IP (owner records and reference-style rules).
pod_rules() { # pod_rules FLAVOUR IP ID
	rules "$1" | grep -E -e "$2[ /]" -e "$3 " || true
}

@test "firewall: ADD returns the prevResult, CHECK, DEL and a second DEL, every cniVersion and backend" {
	for f in $FW_FLAVOURS; do
		for v in 0.4.0 1.0.0 1.1.0; do
			prev=$(CNI_NETNS=/run/netns/$CTR cni_exec bridge ADD "$(bridge_conf a "$v")")
			echo "$prev" >"$TMP/$CONTAINER_ID.prev"
			ip=$(ip_of "$CONTAINER_ID")
			run fw "$f" ADD "$CONTAINER_ID" a
			[ "$status" -eq 0 ] || fail "$f $v ADD: $output"
			assert_json ".cniVersion == \"$v\" and .ips[0].address == \"$ip/24\" and (.interfaces | length == 3)"
			run fw "$f" CHECK "$CONTAINER_ID" a
			[ "$status" -eq 0 ] || fail "$f $v CHECK: $output"
			[ -n "$(pod_rules "$f" "$ip" "$CONTAINER_ID")" ] || fail "$f $v: no rules"
			run fw "$f" DEL "$CONTAINER_ID" a
			[ "$status" -eq 0 ] || fail "$f $v DEL: $output"
			[ -z "$(pod_rules "$f" "$ip" "$CONTAINER_ID")" ] || fail "$f $v left: $(pod_rules "$f" "$ip" "$CONTAINER_ID")"
			run fw "$f" CHECK "$CONTAINER_ID" a
			assert_error 7
			run fw "$f" DEL "$CONTAINER_ID" a
			[ "$status" -eq 0 ] || fail "$f $v second DEL: $output"
			cni_exec bridge DEL "$(bridge_conf a "$v")"
		done
	done
}

@test "firewall: the admin chain (default and iptablesAdminChainName) is jumped to from CNI-FORWARD" {
	for f in $FW_FLAVOURS; do
		pod "$f" a "$CTR" "$CONTAINER_ID" '{"iptablesAdminChainName": "MY-ADMIN"}'
		case $f in
		nftables)
			ip netns exec "$NODE" nft -j list table inet cni_firewall >"$TMP/j"
			jq -e '[.nftables[] | .chain? | select(. != null) | .name] | index("MY-ADMIN") != null' "$TMP/j"
			jq -e '[.nftables[] | .rule? | select(. != null and .chain == "CNI-FORWARD")][0]
				| .expr[0].jump.target == "MY-ADMIN" and .comment == "CNI firewall plugin admin overrides"' "$TMP/j"
			jq -e '[.nftables[] | .chain? | select(. != null and .name == "forward")][0]
				| .type == "filter" and .hook == "forward" and .prio == 0 and .policy == "accept"' "$TMP/j"
			;;
		*)
			rules "$f" | grep -qx -- '-N MY-ADMIN'
			rules "$f" | grep -qx -- '-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j MY-ADMIN'
			rules "$f" | grep -qx -- '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD'
			;;
		esac
		fw "$f" DEL "$CONTAINER_ID" a >/dev/null
		cni_exec bridge DEL "$(bridge_conf a)"
		ip netns exec "$NODE" nft flush ruleset
		ip netns exec "$NODE" iptables-legacy -F 2>/dev/null || true
		ip netns exec "$NODE" iptables-legacy -X 2>/dev/null || true
	done
	# The default name.
	pod iptables-nft a "$CTR" "$CONTAINER_ID"
	rules iptables-nft | grep -qx -- '-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN'
}

@test "firewall: a FORWARD DROP policy lets the pod's traffic through after ADD, not after DEL (iptables)" {
	for f in iptables-nft iptables-legacy; do
		fw_run "$f" ip netns exec "$NODE" iptables -P FORWARD DROP
		pod "$f" a "$CTR" "$CONTAINER_ID"
		can_ping "$CTR" 10.93.0.2 || fail "$f: pod -> ext blocked after ADD"
		# New connections towards the pod stay dropped: only related/established come back.
		if can_ping "$PFX-ext" "$(ip_of "$CONTAINER_ID")"; then fail "$f: ext -> pod should be dropped"; fi
		fw "$f" DEL "$CONTAINER_ID" a
		if can_ping "$CTR" 10.93.0.2; then fail "$f: pod -> ext passes after DEL"; fi
		cni_exec bridge DEL "$(bridge_conf a)"
		fw_run "$f" ip netns exec "$NODE" iptables -P FORWARD ACCEPT
	done
}

@test "firewall: no backend given: nftables, unless the node filters FORWARD with iptables" {
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TMP/no-bus
	for f in none iptables-nft iptables-legacy; do
		[ "$f" = none ] || fw_run "$f" ip netns exec "$NODE" iptables -P FORWARD DROP
		prev=$(cni_exec bridge ADD "$(bridge_conf a)") || fail "bridge ADD: $prev"
		c=$(fw_conf iptables a "$prev" | jq -c 'del(.backend)')
		run fw_run "$f" cni_exec firewall ADD "$c"
		[ "$status" -eq 0 ] || fail "$f: $output"
		ip=$(jq -r '.ips[0].address | split("/")[0]' <<<"$prev")
		if [ "$f" = none ]; then
			rules nftables | grep -q "ip saddr $ip accept" || fail "none: not in nftables"
			[ -z "$(rules iptables-nft | grep "$ip/")" ] || fail "none: in iptables"
		else
			rules "$f" | grep -q -- "-A CNI-FORWARD -s $ip/32 -j ACCEPT" || fail "$f: not in iptables"
			[ -z "$(rules nftables | grep "$ip")" ] || fail "$f: in nftables"
			can_ping "$CTR" 10.93.0.2 || fail "$f: pod -> ext blocked by the FORWARD DROP"
		fi
		run fw_run "$f" cni_exec firewall DEL "$c"
		[ "$status" -eq 0 ] || fail "$f DEL: $output"
		[ -z "$(rules nftables | grep "$ip")$(rules "${f/none/iptables-nft}" | grep "$ip/")" ] ||
			fail "$f: rules left after DEL"
		cni_exec bridge DEL "$(bridge_conf a)"
		[ "$f" = none ] || fw_run "$f" ip netns exec "$NODE" iptables -P FORWARD ACCEPT
		# The filter table stays; the next flavour's must be the only one.
		ip netns exec "$NODE" iptables-nft -F FORWARD 2>/dev/null || true
		ip netns exec "$NODE" nft delete table ip filter 2>/dev/null || true
	done
}

@test "firewall: ingressPolicy same-bridge and isolated separate two bridges, open does not" {
	for f in $FW_FLAVOURS; do
		pod "$f" a "$CTR" "$CONTAINER_ID"
		pod "$f" a "$PFX-a2" "a2-$PFX"
		pod "$f" b "$PFX-b1" "b1-$PFX"
		can_ping "$CTR" "$(ip_of "b1-$PFX")" || fail "$f: open: a -> b blocked"
		for pol in same-bridge isolated; do
			fw "$f" ADD "$CONTAINER_ID" a "{\"ingressPolicy\": \"$pol\"}" >/dev/null
			fw "$f" ADD "b1-$PFX" b "{\"ingressPolicy\": \"$pol\"}" >/dev/null
			run fw "$f" CHECK "$CONTAINER_ID" a "{\"ingressPolicy\": \"$pol\"}"
			[ "$status" -eq 0 ] || fail "$f $pol CHECK: $output"
			if can_ping "$CTR" "$(ip_of "b1-$PFX")"; then fail "$f $pol: a -> b passes"; fi
			if can_ping "$PFX-b1" "$(ip_of "$CONTAINER_ID")"; then fail "$f $pol: b -> a passes"; fi
			# Same bridge: frames reach the FORWARD hook only through br_netfilter; when it
			# is on, isolated drops them and same-bridge lets them through.
			if [ "$(ip netns exec "$NODE" cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null)" = 1 ] &&
				[ "$pol" = isolated ]; then
				if can_ping "$CTR" "$(ip_of "a2-$PFX")"; then fail "$f isolated: a -> a2 passes"; fi
			else
				can_ping "$CTR" "$(ip_of "a2-$PFX")" || fail "$f $pol: a -> a2 blocked"
			fi
			can_ping "$CTR" 10.93.0.2 || fail "$f $pol: a -> ext blocked"
			rules "$f" | grep -q "CNI-ISOLATION-STAGE-2" || fail "$f: no stage 2"
			if [ "$f" != nftables ]; then
				rules "$f" | grep -qx -- "-A CNI-ISOLATION-STAGE-1 -i ${PFX}a ! -o ${PFX}a -m comment --comment \"CNI firewall plugin rules (ingressPolicy: $pol)\" -j CNI-ISOLATION-STAGE-2"
				rules "$f" | grep -qx -- "-A CNI-ISOLATION-STAGE-2 -o ${PFX}b -m comment --comment \"CNI firewall plugin rules (ingressPolicy: same-bridge|isolated)\" -j DROP"
			fi
			# A second ADD adds no duplicate.
			n1=$(rules "$f" | grep -c ISOLATION)
			fw "$f" ADD "$CONTAINER_ID" a "{\"ingressPolicy\": \"$pol\"}" >/dev/null
			[ "$(rules "$f" | grep -c ISOLATION)" -eq "$n1" ] || fail "$f $pol: duplicates"
			# The isolation rules belong to the bridge and outlive the pods, as the reference's.
			ip netns exec "$NODE" nft flush ruleset
			ip netns exec "$NODE" iptables-legacy -F 2>/dev/null || true
			ip netns exec "$NODE" iptables-legacy -X 2>/dev/null || true
		done
		for p in "$CONTAINER_ID:$CTR:a" "a2-$PFX:$PFX-a2:a" "b1-$PFX:$PFX-b1:b"; do
			IFS=: read -r id ns n <<<"$p"
			CONTAINER_ID=$id CNI_NETNS=/run/netns/$ns cni_exec bridge DEL "$(bridge_conf "$n")"
		done
	done
}

@test "firewall: isolated adds the same-bridge DROP first in stage 1" {
	for f in $FW_FLAVOURS; do
		pod "$f" a "$CTR" "$CONTAINER_ID" '{"ingressPolicy": "isolated"}'
		case $f in
		nftables) rules "$f" | grep -q "iifname \"${PFX}a\" oifname \"${PFX}a\" drop comment \"CNI firewall plugin rules (ingressPolicy: isolated)\"" ;;
		*) rules "$f" | grep -qx -- "-A CNI-ISOLATION-STAGE-1 -i ${PFX}a -o ${PFX}a -m comment --comment \"CNI firewall plugin rules (ingressPolicy: isolated)\" -j DROP" ;;
		esac
		# Its place: first in stage 1, before the bridge's jump to stage 2.
		case $f in
		nftables) rules "$f" | grep -A1 'chain CNI-ISOLATION-STAGE-1' | tail -1 | grep -q 'drop' ;;
		*) rules "$f" | grep -- '-A CNI-ISOLATION-STAGE-1' | head -1 | grep -q -- '-j DROP' ;;
		esac
		fw "$f" DEL "$CONTAINER_ID" a >/dev/null
		cni_exec bridge DEL "$(bridge_conf a)"
		ip netns exec "$NODE" nft flush ruleset
		ip netns exec "$NODE" iptables-legacy -F 2>/dev/null || true
		ip netns exec "$NODE" iptables-legacy -X 2>/dev/null || true
	done
}

@test "firewall: DEL without prevResult and with the netns gone removes the pod's rules" {
	for f in $FW_FLAVOURS; do
		pod "$f" a "$CTR" "$CONTAINER_ID"
		ip=$(ip_of "$CONTAINER_ID")
		[ -n "$(pod_rules "$f" "$ip" "$CONTAINER_ID")" ]
		c=$(fw_conf "$f" a "$(cat "$TMP/$CONTAINER_ID.prev")" | jq -c 'del(.prevResult)')
		CNI_NETNS=/run/netns/gone-$PFX run fw_run "$f" cni_exec firewall DEL "$c"
		[ "$status" -eq 0 ] || fail "$f: $output"
		[ -z "$(pod_rules "$f" "$ip" "$CONTAINER_ID")" ] || fail "$f left: $(pod_rules "$f" "$ip" "$CONTAINER_ID")"
		CNI_NETNS= run fw_run "$f" cni_exec firewall DEL "$c"
		[ "$status" -eq 0 ] || fail "$f second DEL: $output"
		cni_exec bridge DEL "$(bridge_conf a)"
	done
}

@test "firewall: GC removes the rules of attachments not in the valid list, and only this network's" {
	for f in $FW_FLAVOURS; do
		pod "$f" a "$CTR" "$CONTAINER_ID"
		pod "$f" a "$PFX-a2" "a2-$PFX"
		pod "$f" b "$PFX-b1" "b1-$PFX"
		gc=$(fw_conf "$f" a '{"cniVersion":"1.1.0"}' | jq -c --arg id "$CONTAINER_ID" \
			'del(.prevResult) + {"cni.dev/valid-attachments": [{containerID: $id, ifname: "eth0"}]}')
		run fw_run "$f" cni_exec firewall GC "$gc"
		[ "$status" -eq 0 ] || fail "$f GC: $output"
		[ -n "$(pod_rules "$f" "$(ip_of "$CONTAINER_ID")" "$CONTAINER_ID")" ] || fail "$f: valid pod lost its rules"
		[ -z "$(pod_rules "$f" "$(ip_of "a2-$PFX")" "a2-$PFX")" ] || fail "$f: stale pod kept: $(pod_rules "$f" "$(ip_of "a2-$PFX")" "a2-$PFX")"
		[ -n "$(pod_rules "$f" "$(ip_of "b1-$PFX")" "b1-$PFX")" ] || fail "$f: other network's pod lost its rules"
		run fw "$f" CHECK "$CONTAINER_ID" a
		[ "$status" -eq 0 ] || fail "$f CHECK after GC: $output"
		fw "$f" DEL "$CONTAINER_ID" a
		fw "$f" DEL "b1-$PFX" b
		for p in "$CONTAINER_ID:$CTR:a" "a2-$PFX:$PFX-a2:a" "b1-$PFX:$PFX-b1:b"; do
			IFS=: read -r id ns n <<<"$p"
			CONTAINER_ID=$id CNI_NETNS=/run/netns/$ns cni_exec bridge DEL "$(bridge_conf "$n")"
		done
		[ -z "$(rules "$f" | grep -E '10\.9[12]\.0\.' || true)" ] || fail "$f: left: $(rules "$f" | grep -E '10\.9[12]\.0\.')"
	done
}

@test "firewall: iptables rules are the reference firewall's (iptables-nft and legacy)" {
	[ -x "$REF_BIN/firewall" ] || skip "no reference firewall"
	prev=$(CNI_NETNS=/run/netns/$CTR cni_exec bridge ADD "$(bridge_conf a)")
	echo "$prev" >"$TMP/$CONTAINER_ID.prev"
	# Debian's v1.1.1 knows same-bridge only, and names the shared rules "(ingressPolicy:
	# same-bridge)" where the reference's current code (and ours) says "same-bridge|isolated".
	norm() { sed 's/(ingressPolicy: same-bridge|isolated)/(ingressPolicy: same-bridge)/' | grep -v CNI-FIREWALL-OWNERS | sort; }
	for f in iptables-nft iptables-legacy; do
		c=$(fw_conf "$f" a "$prev" '{"ingressPolicy": "same-bridge"}')
		PLUGIN_DIR=$REF_BIN fw_run "$f" cni_exec firewall ADD "$c" >/dev/null
		rules "$f" | norm >"$TMP/ref"
		grep -q -- '-A CNI-FORWARD -s' "$TMP/ref" || fail "$f: reference made no rules"
		ip netns exec "$NODE" nft flush ruleset
		ip netns exec "$NODE" iptables-legacy -F 2>/dev/null || true
		ip netns exec "$NODE" iptables-legacy -X 2>/dev/null || true
		ip netns exec "$NODE" ip6tables-legacy -F 2>/dev/null || true
		ip netns exec "$NODE" ip6tables-legacy -X 2>/dev/null || true
		fw "$f" ADD "$CONTAINER_ID" a '{"ingressPolicy": "same-bridge"}' >/dev/null
		rules "$f" | norm >"$TMP/ours"
		diff "$TMP/ref" "$TMP/ours" || fail "$f: rules differ from the reference"
		# Our one addition: the owner record, in a chain nothing jumps to.
		rules "$f" | grep -qx -- "-A CNI-FIREWALL-OWNERS -s $(ip_of "$CONTAINER_ID")/32 -m comment --comment \"CNI firewall plugin owner: neta $CONTAINER_ID eth0\""
		if rules "$f" | grep -- '-j CNI-FIREWALL-OWNERS'; then fail "$f: something jumps to the owners chain"; fi
		# The reference's DEL removes what ours made (same rules), and ours removes what it made.
		PLUGIN_DIR=$REF_BIN fw_run "$f" cni_exec firewall DEL "$c"
		[ -z "$(rules "$f" | grep -- "-A CNI-FORWARD -[sd] $(ip_of "$CONTAINER_ID")/32" || true)" ]
		ip netns exec "$NODE" nft flush ruleset
		ip netns exec "$NODE" iptables-legacy -F 2>/dev/null || true
		ip netns exec "$NODE" iptables-legacy -X 2>/dev/null || true
	done
}

@test "firewall: errors: missing prevResult, unknown ingressPolicy or backend, no interface, wrong types" {
	prev='{"cniVersion":"1.0.0","interfaces":[{"name":"br0"}],"ips":[{"address":"10.91.0.9/24"}]}'
	c=$(fw_conf nftables a "$prev" | jq -c 'del(.prevResult)')
	run cni_exec firewall ADD "$c"
	assert_error 7
	run cni_exec firewall CHECK "$c"
	assert_error 7
	run cni_exec firewall ADD "$(fw_conf nftables a "$prev" '{"ingressPolicy": "closed"}')"
	assert_error 7
	run cni_exec firewall ADD "$(fw_conf nftables a "$prev" '{"backend": "pf"}')"
	assert_error 7
	run cni_exec firewall ADD "$(fw_conf nftables a "$prev" '{"iptablesAdminChainName": 5}')"
	assert_error 7
	run cni_exec firewall ADD "$(fw_conf nftables a '{"cniVersion":"1.0.0","ips":[{"address":"10.91.0.9/24"}]}' '{"ingressPolicy": "same-bridge"}')"
	assert_error 7
	# None of these left anything behind.
	[ -z "$(rules nftables)" ]
	[ -z "$(rules iptables-nft | grep CNI || true)" ]
}

@test "firewall: a failed ADD leaves no rule (the nftables batch is refused as a whole)" {
	prev='{"cniVersion":"1.0.0","interfaces":[{"name":"br0"}],"ips":[{"address":"10.91.0.9/24"}]}'
	# CNI-FORWARD as a base chain: the batch's "jump CNI-FORWARD" is refused by the kernel after
	# the forward chain and CNI-ADMIN were already queued in the same batch.
	ip netns exec "$NODE" nft add table inet cni_firewall
	ip netns exec "$NODE" nft add chain inet cni_firewall CNI-FORWARD '{ type filter hook input priority 0; }'
	run cni_exec firewall ADD "$(fw_conf nftables a "$prev")"
	assert_error 5
	run ip netns exec "$NODE" nft -j list table inet cni_firewall
	assert_json '[.nftables[] | .chain? | select(. != null) | .name] == ["CNI-FORWARD"]'
	assert_json '[.nftables[] | .rule? | select(. != null)] == []'
	# An admin chain name iptables cannot take is refused before anything is made.
	run cni_exec firewall ADD "$(fw_conf iptables a "$prev" '{"iptablesAdminChainName": "A-NAME-LONGER-THAN-28-CHARACTERS"}')"
	assert_error 7
}

@test "firewall: no exec on nftables and legacy, none for DEL on iptables-nft; one restore per table on its ADD" {
	command -v strace >/dev/null || skip "no strace"
	for f in $FW_FLAVOURS; do
		prev=$(CNI_NETNS=/run/netns/$CTR cni_exec bridge ADD "$(bridge_conf a)")
		echo "$prev" >"$TMP/$CONTAINER_ID.prev"
		c=$(fw_conf "$f" a "$prev")
		fw_run "$f" env ASAN_OPTIONS=detect_leaks=0 CNI_COMMAND=ADD CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS=/run/netns/$CTR CNI_IFNAME=eth0 CNI_PATH="$BIN" \
			ip netns exec "$NODE" strace -f -qq -e trace=execve -o "$TMP/trace" "$BIN/firewall" <<<"$c" >/dev/null
		n=$(grep -c 'execve(' "$TMP/trace")
		case $f in
		nftables | iptables-legacy) [ "$n" -eq 1 ] || fail "$f ADD: $(cat "$TMP/trace")" ;;
		*) [ "$n" -le 2 ] || fail "$f ADD: $(cat "$TMP/trace")" ;;
		esac
		fw_run "$f" env ASAN_OPTIONS=detect_leaks=0 CNI_COMMAND=DEL CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS=/run/netns/$CTR CNI_IFNAME=eth0 CNI_PATH="$BIN" \
			ip netns exec "$NODE" strace -f -qq -e trace=execve -o "$TMP/trace" "$BIN/firewall" <<<"$c" >/dev/null
		[ "$(grep -c 'execve(' "$TMP/trace")" -eq 1 ] || fail "$f DEL: $(cat "$TMP/trace")"
		cni_exec bridge DEL "$(bridge_conf a)"
	done
}

# A private system bus with the fake firewalld on it; exports DBUS_SYSTEM_BUS_ADDRESS.
start_fake_firewalld() {
	command -v dbus-daemon >/dev/null && command -v gdbus >/dev/null || skip "no dbus-daemon/gdbus"
	pkg-config --exists dbus-1 || skip "no libdbus-1-dev to build the fake firewalld"
	cc -o "$TMP/fake-firewalld" "$REPO/test/helpers/fake_firewalld.c" $(pkg-config --cflags --libs dbus-1)
	cat >"$TMP/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$TMP/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/> <allow own="*"/>
    <allow send_destination="*"/> <allow receive_sender="*"/>
  </policy>
</busconfig>
CONF
	# --fork returns once the bus listens; it prints the address and the pid.
	{ read -r addr; read -r BUS_PID; } < <(dbus-daemon --config-file="$TMP/bus.conf" --fork --print-address=1 --print-pid=1)
	export DBUS_SYSTEM_BUS_ADDRESS=$addr
	"$TMP/fake-firewalld" "$TMP/zones" &
	FAKE_PID=$!
	# Event-driven: returns when the name appears on the bus.
	timeout 10 gdbus wait --system org.fedoraproject.FirewallD1
}

@test "firewall: firewalld backend adds, checks and removes zone sources over D-Bus (fake firewalld)" {
	start_fake_firewalld
	prev='{"cniVersion":"1.0.0","interfaces":[{"name":"br0"}],"ips":[{"address":"10.91.0.9/24"},{"address":"fd91::9/64"}]}'
	for c in "$(fw_conf iptables a "$prev" '{"backend": "firewalld"}')" \
		"$(fw_conf iptables a "$prev" '{"backend": "firewalld", "firewalldZone": "pods"}')" \
		"$(fw_conf iptables a "$prev" | jq -c 'del(.backend)')"; do
		zone=$(jq -r '.firewalldZone // "trusted"' <<<"$c")
		run cni_exec firewall ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD: $output"
		assert_json '.ips | length == 2'
		[ "$(sort "$TMP/zones")" = "$(printf '%s 10.91.0.9/32\n%s fd91::9/128' "$zone" "$zone")" ] || fail "zones: $(cat "$TMP/zones")"
		# A second ADD meets ZONE_ALREADY_SET and succeeds, as the reference.
		run cni_exec firewall ADD "$c"
		[ "$status" -eq 0 ] || fail "second ADD: $output"
		run cni_exec firewall CHECK "$c"
		[ "$status" -eq 0 ] || fail "CHECK: $output"
		# Nothing went to iptables or nftables: firewalld owns the rules.
		[ -z "$(rules nftables)" ]
		[ -z "$(rules iptables-nft | grep CNI || true)" ]
		run cni_exec firewall DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL: $output"
		[ ! -s "$TMP/zones" ] || fail "left: $(cat "$TMP/zones")"
		run cni_exec firewall CHECK "$c"
		assert_error 7
		run cni_exec firewall DEL "$c"
		[ "$status" -eq 0 ] || fail "second DEL: $output"
	done
	# Its ingress policy lives in iptables, as the reference's.
	run fw_run iptables-nft cni_exec firewall ADD "$(fw_conf iptables a "$prev" '{"backend": "firewalld", "ingressPolicy": "same-bridge"}')"
	[ "$status" -eq 0 ] || fail "$output"
	rules iptables-nft | grep -q -- '-A CNI-ISOLATION-STAGE-2 -o br0'
	# With firewalld gone, the backend fails with a code, not a crash.
	kill "$FAKE_PID"
	wait "$FAKE_PID" 2>/dev/null || true
	FAKE_PID=
	run cni_exec firewall ADD "$(fw_conf iptables a "$prev" '{"backend": "firewalld"}')"
	assert_error 5
}

@test "firewall: conf-examples/firewall.conflist (bridge with macspoofchk, then firewall) via cnitool" {
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' \
		"$REPO/conf-examples/firewall.conflist" >"$TMP/net.d/firewall.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
			"$BIN/cnitool" "$@" 2>>"$TMP/stderr"
	}
	# No backend in the example: keep the probe away from any firewalld of the host.
	export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$TMP/no-bus
	fw_run iptables-nft ip netns exec "$NODE" iptables -P FORWARD DROP
	run fw_run iptables-nft tool add firewall-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	ip=$(jq -r '.ips[0].address | split("/")[0]' <<<"$output")
	can_ping "$CTR" 10.90.0.1 || fail "pod cannot reach its gateway"
	can_ping "$CTR" 10.93.0.2 || fail "pod cannot reach ext through FORWARD DROP"
	rules iptables-nft | grep -q -- "-A CNI-FORWARD -s $ip/32 -j ACCEPT"
	ip netns exec "$NODE" nft list table bridge nat | grep -q "macspoofchk-"
	run fw_run iptables-nft tool check firewall-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	run fw_run iptables-nft tool del firewall-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[ -z "$(rules iptables-nft | grep -e "$ip/" -e "$CONTAINER_ID" || true)" ] || fail "left: $(rules iptables-nft | grep "$ip/")"
	[ -z "$(ip netns exec "$NODE" nft list table bridge nat | grep macspoofchk || true)" ] || fail "spoof-check rules left"
}
