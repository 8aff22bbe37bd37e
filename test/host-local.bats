#!/usr/bin/env bats
# host-local: results in every cniVersion, the reference's on-disk format byte for byte, DEL, CHECK,
# GC, STATUS, error codes, and a data directory shared with Debian's reference host-local.

load helpers/common

setup() { cni_setup; }
teardown() { cni_teardown; }

# conf VERSION IPAM_EXTRA [TOP_EXTRA]: a host-local config on $DATA_DIR; IPAM_EXTRA is merged into
# "ipam" and TOP_EXTRA into the top level (both JSON objects).
conf() {
	local ipam=${2:-'{}'} top=${3:-'{}'}
	jq -cn --arg v "$1" --arg d "$DATA_DIR" --argjson i "$ipam" --argjson t "$top" \
		'{cniVersion:$v, name:"hl-net", type:"host-local",
		  ipam:({type:"host-local", dataDir:$d} + $i)} + $t'
}

DUAL='{"ranges":[[{"subnet":"10.77.0.0/24"}],[{"subnet":"fd77::/120"}]]}'
SMALL='{"ranges":[[{"subnet":"10.78.0.0/29"}]]}'
NET="hl-net"

# hexdump of a file, one line, to compare bytes exactly.
hex() { od -An -tx1 "$1" | tr -d ' \n'; }
hexof() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }

@test "ADD returns dual-stack addresses, gateways and routes in the shape of every version" {
	ipam='{"ranges":[[{"subnet":"10.77.0.0/24"}],[{"subnet":"fd77::/120"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.77.0.254","mtu":1400,"table":10}]}'
	for v in $CNI_VERSIONS; do
		CONTAINER_ID="ctr-$v" run cni_exec host-local ADD "$(conf "$v" "$ipam")"
		[ "$status" -eq 0 ] || fail "$v: $output"
		assert_json ".cniVersion == \"$v\""
		case $v in
		0.1.0 | 0.2.0)
			assert_json '.ip4.ip | test("^10\\.77\\.0\\.[0-9]+/24$")'
			assert_json '.ip4.gateway == "10.77.0.1" and .ip6.gateway == "fd77::1"'
			assert_json '.ip6.ip | test("^fd77::[0-9a-f]+/120$")'
			assert_json '[.ip4.routes[].dst] == ["0.0.0.0/0","192.168.0.0/16"]'
			;;
		*)
			assert_json '[.ips[].gateway] == ["10.77.0.1","fd77::1"]'
			assert_json '.ips[0].address | test("^10\\.77\\.0\\.[0-9]+/24$")'
			assert_json '.ips[1].address | test("^fd77::[0-9a-f]+/120$")'
			assert_json '[.ips[] | has("interface")] == [false,false]'
			assert_json '(.interfaces // []) == []'
			assert_json '.routes[1] | .dst == "192.168.0.0/16" and .gw == "10.77.0.254"'
			if [[ $v == 0.* ]]; then assert_json '[.ips[].version] == ["4","6"]'; fi
			if [ "$v" = 1.1.0 ]; then assert_json '.routes[1].mtu == 1400 and .routes[1].table == 10'; fi
			;;
		esac
	done
	# Each version's ADD took the next address: seven distinct reservations per family.
	[ "$(ls "$DATA_DIR/$NET" | grep -c '^10\.77\.0\.')" -eq 7 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -c '^fd77::')" -eq 7 ]
}

@test "the on-disk files are the reference's, byte for byte" {
	run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	[ "$status" -eq 0 ]
	assert_json '[.ips[].address] == ["10.77.0.2/24","fd77::2/120"]'
	d="$DATA_DIR/$NET"
	[ "$(hex "$d/10.77.0.2")" = "$(hexof "$CONTAINER_ID"$'\r\n'eth0)" ]
	[ "$(hex "$d/fd77::2")" = "$(hexof "$CONTAINER_ID"$'\r\n'eth0)" ]
	[ "$(hex "$d/last_reserved_ip.0")" = "$(hexof 10.77.0.2)" ]
	[ "$(hex "$d/last_reserved_ip.1")" = "$(hexof fd77::2)" ]
	[ "$(stat -c %a "$d/10.77.0.2")" = 600 ]
	[ "$(stat -c %a "$d/last_reserved_ip.0")" = 600 ]
	[ -f "$d/lock" ]
	[ "$(stat -c %s "$d/lock")" -eq 0 ]
	[ "$(stat -c %a "$d")" = 755 ]
	[ "$(ls "$d" | sort | tr '\n' ' ')" = "10.77.0.2 fd77::2 last_reserved_ip.0 last_reserved_ip.1 lock " ]
}

@test "reservations live under <dataDir>/<name>; IPv6 file names are Go's text" {
	run cni_exec host-local ADD "$(conf 1.0.0 '{"ranges":[[{"subnet":"::1:0/112"}]]}')"
	[ "$status" -eq 0 ]
	# inet_ntop would write ::0.1.0.2; Go writes ::1:2.
	assert_json '.ips[0].address == "::1:2/112"'
	[ -f "$DATA_DIR/$NET/::1:2" ]
}

@test "DEL releases by container and ifname, and is idempotent" {
	run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")" eth0
	[ "$status" -eq 0 ]
	run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")" eth1
	[ "$status" -eq 0 ]
	assert_json '[.ips[].address] == ["10.77.0.3/24","fd77::3/120"]'
	run cni_exec host-local DEL "$(conf 1.0.0 "$DUAL")" eth0
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$DATA_DIR/$NET/10.77.0.2" ]
	[ ! -e "$DATA_DIR/$NET/fd77::2" ]
	[ -e "$DATA_DIR/$NET/10.77.0.3" ]
	[ -e "$DATA_DIR/$NET/fd77::3" ]
	run cni_exec host-local DEL "$(conf 1.0.0 "$DUAL")" eth0
	[ "$status" -eq 0 ]
	run cni_exec host-local DEL "$(conf 1.0.0 "$DUAL")" eth1
	[ "$status" -eq 0 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -vc -e lock -e last_reserved)" -eq 0 ]
	# Round-robin: the next ADD continues after the last reservation, not at the freed one.
	run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_json '[.ips[].address] == ["10.77.0.4/24","fd77::4/120"]'
}

@test "DEL removes legacy one-line reservations of the container" {
	mkdir -p "$DATA_DIR/$NET"
	printf '%s' "$CONTAINER_ID" >"$DATA_DIR/$NET/10.78.0.5"
	printf '%s' "other" >"$DATA_DIR/$NET/10.78.0.6"
	run cni_exec host-local CHECK "$(conf 1.0.0 "$SMALL")"
	[ "$status" -eq 0 ]
	run cni_exec host-local DEL "$(conf 1.0.0 "$SMALL")"
	[ "$status" -eq 0 ]
	[ ! -e "$DATA_DIR/$NET/10.78.0.5" ]
	[ -e "$DATA_DIR/$NET/10.78.0.6" ]
}

@test "a repeated ADD of one attachment is refused and keeps the first lease" {
	run cni_exec host-local ADD "$(conf 1.0.0 "$SMALL")"
	[ "$status" -eq 0 ]
	run cni_exec host-local ADD "$(conf 1.0.0 "$SMALL")"
	assert_error 4
	assert_json '.msg == "failed to allocate for range 0: 10.78.0.2 has been allocated to '"$CONTAINER_ID"', duplicate allocation is not allowed"'
	[ -e "$DATA_DIR/$NET/10.78.0.2" ]
	[ ! -e "$DATA_DIR/$NET/10.78.0.3" ]
}

@test "requested IPs from CNI_ARGS, args.cni.ips and runtimeConfig.ips" {
	CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=p;IP=10.77.0.50" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '.ips[0].address == "10.77.0.50/24" and (.ips[1].address | startswith("fd77::"))'
	CONTAINER_ID=c2 CNI_ARGS="IP=10.77.0.51,fd77::51" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_json '[.ips[].address] == ["10.77.0.51/24","fd77::51/120"]'
	CONTAINER_ID=c3 run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL" '{"args":{"cni":{"ips":["fd77::60"]}}}')"
	assert_json '.ips[1].address == "fd77::60/120"'
	CONTAINER_ID=c4 run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL" '{"runtimeConfig":{"ips":["10.77.0.70/24"]}}')"
	assert_json '.ips[0].address == "10.77.0.70/24"'
	# Taken, outside every range, the gateway, unparsable, unknown key: each with its code.
	CONTAINER_ID=c5 CNI_ARGS="IP=10.77.0.50" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_error 11
	assert_json '.msg == "failed to allocate for range 0: requested IP address 10.77.0.50 is not available in range set 10.77.0.1-10.77.0.254"'
	CONTAINER_ID=c5 CNI_ARGS="IP=10.99.0.1" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_error 7
	assert_json '.msg == "failed to allocate all requested IPs: 10.99.0.1"'
	CONTAINER_ID=c5 CNI_ARGS="IP=10.77.0.1" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_error 7
	assert_json '.msg == "failed to allocate for range 0: requested ip 10.77.0.1 is subnet'"'"'s gateway"'
	CONTAINER_ID=c5 CNI_ARGS="IP=nope" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_error 4
	CONTAINER_ID=c5 CNI_ARGS="FOO=bar" run cni_exec host-local ADD "$(conf 1.0.0 "$DUAL")"
	assert_error 4
	assert_json '.msg == "ARGS: unknown args [\"FOO=bar\"]"'
	# A failed ADD leaves no reservation of c5 behind (the v6 half was rolled back).
	if grep -rl "^c5" "$DATA_DIR/$NET" >/dev/null; then fail "c5 leaked a reservation"; fi
}

@test "the ipRanges capability is used before the configured ranges" {
	top='{"runtimeConfig":{"ipRanges":[[{"subnet":"10.80.0.0/24","rangeStart":"10.80.0.100"}]]}}'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"ranges":[[{"subnet":"fd77::/120"}]]}' "$top")"
	[ "$status" -eq 0 ]
	assert_json '[.ips[].address] == ["10.80.0.100/24","fd77::2/120"]'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"subnet":"10.81.0.0/24","rangeStart":"10.81.0.10","rangeEnd":"10.81.0.11","gateway":"10.81.0.254"}')" eth1
	assert_json '.ips == [{"address":"10.81.0.10/24","gateway":"10.81.0.254"}]'
}

@test "exhaustion: ADD fails with 11, STATUS answers 50 until an address is released" {
	for i in 1 2 3 4 5; do
		CONTAINER_ID="c$i" run cni_exec host-local ADD "$(conf 1.1.0 "$SMALL")"
		[ "$status" -eq 0 ]
	done
	CONTAINER_ID=c6 run cni_exec host-local ADD "$(conf 1.1.0 "$SMALL")"
	assert_error 11
	assert_json '.msg == "failed to allocate for range 0: no IP addresses available in range set: 10.78.0.1-10.78.0.6"'
	run cni_exec host-local STATUS "$(conf 1.1.0 "$SMALL")"
	assert_error 50
	CONTAINER_ID=c3 run cni_exec host-local DEL "$(conf 1.1.0 "$SMALL")"
	[ "$status" -eq 0 ]
	run cni_exec host-local STATUS "$(conf 1.1.0 "$SMALL")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	CONTAINER_ID=c6 run cni_exec host-local ADD "$(conf 1.1.0 "$SMALL")"
	assert_json '.ips[0].address == "10.78.0.4/29"'
}

@test "CHECK finds the attachment's reservation and fails with 3 without one" {
	for v in 0.4.0 1.0.0 1.1.0; do
		CONTAINER_ID="c-$v" run cni_exec host-local ADD "$(conf "$v" "$SMALL")"
		[ "$status" -eq 0 ]
		CONTAINER_ID="c-$v" run cni_exec host-local CHECK "$(conf "$v" "$SMALL")"
		[ "$status" -eq 0 ]
		CONTAINER_ID="c-$v" run cni_exec host-local CHECK "$(conf "$v" "$SMALL")" eth9
		assert_error 3
		CONTAINER_ID="c-$v" run cni_exec host-local DEL "$(conf "$v" "$SMALL")"
		CONTAINER_ID="c-$v" run cni_exec host-local CHECK "$(conf "$v" "$SMALL")"
		assert_error 3
	done
}

@test "GC removes reservations not in valid-attachments, legacy files included" {
	for c in keep drop; do
		CONTAINER_ID=$c run cni_exec host-local ADD "$(conf 1.1.0 "$DUAL")"
		[ "$status" -eq 0 ]
	done
	printf 'legacy-keep' >"$DATA_DIR/$NET/10.77.0.100"
	printf 'legacy-drop' >"$DATA_DIR/$NET/10.77.0.101"
	# Without the key, the runtime said nothing: nothing is removed.
	run cni_exec host-local GC "$(conf 1.1.0 "$DUAL")"
	[ "$status" -eq 0 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -vc -e lock -e last_reserved)" -eq 6 ]
	valid='{"cni.dev/valid-attachments":[{"containerID":"keep","ifname":"eth0"},{"containerID":"legacy-keep","ifname":"eth3"}]}'
	run cni_exec host-local GC "$(conf 1.1.0 "$DUAL" "$valid")"
	[ "$status" -eq 0 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -v -e lock -e last_reserved | sort | tr '\n' ' ')" = "10.77.0.100 10.77.0.2 fd77::2 " ]
	# An empty list releases everything.
	run cni_exec host-local GC "$(conf 1.1.0 "$DUAL" '{"cni.dev/valid-attachments":[]}')"
	[ "$status" -eq 0 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -vc -e lock -e last_reserved)" -eq 0 ]
}

@test "resolvConf fills dns" {
	printf '# c\nnameserver 10.0.0.53\nnameserver fd00::53\ndomain example.org\nsearch a.example b.example\noptions ndots:2 edns0\n' >"$TMP/resolv.conf"
	run cni_exec host-local ADD "$(conf 1.0.0 "{\"subnet\":\"10.82.0.0/24\",\"resolvConf\":\"$TMP/resolv.conf\"}")"
	[ "$status" -eq 0 ]
	assert_json '.dns == {"nameservers":["10.0.0.53","fd00::53"],"domain":"example.org","search":["a.example","b.example"],"options":["ndots:2","edns0"]}'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"subnet":"10.82.0.0/24","resolvConf":"/nonexistent/resolv.conf"}')" eth1
	assert_error 5
}

@test "bad configs fail with code 7 and the reference's messages" {
	run cni_exec host-local ADD "$(conf 1.0.0 '{}')"
	assert_error 7
	assert_json '.msg == "no IP ranges specified"'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.0.0.128/25"}]]}')"
	assert_error 7
	assert_json '.msg == "range set 0 overlaps with 1"'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"subnet":"10.0.0.1/24"}')"
	assert_error 7
	assert_json '.msg == "invalid range set 0: Network has host bits set. For a subnet mask of length 24 the network address is 10.0.0.0"'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"subnet":"10.0.0.0/31"}')"
	assert_error 7
	run cni_exec host-local ADD "$(conf 1.0.0 '{"ranges":[[{"subnet":"10.0.0.0/24","rangeStart":"10.0.1.1"}]]}')"
	assert_error 7
	assert_json '.msg == "invalid range set 0: RangeStart 10.0.1.1 not in network 10.0.0.0/24"'
	run cni_exec host-local ADD "$(conf 1.0.0 '{"ranges":[[{"subnet":"10.0.0.0/24"},{"subnet":"fd00::/64"}]]}')"
	assert_error 7
	assert_json '.msg == "invalid range set 0: mixed address families"'
	run cni_exec host-local ADD "$(conf 0.2.0 '{"ranges":[[{"subnet":"10.0.0.0/24"}],[{"subnet":"10.1.0.0/24"}]]}')"
	assert_error 7
	assert_json '.msg == "CNI version 0.2.0 does not support more than 1 address per family"'
	run cni_exec host-local ADD '{"cniVersion":"1.0.0","name":"n","type":"host-local"}'
	assert_error 7
	assert_json '.msg == "IPAM config missing '"'"'ipam'"'"' key"'
	# A failing DEL config is an error too, as in the reference.
	run cni_exec host-local DEL "$(conf 1.0.0 '{}')"
	assert_error 7
}

@test "reference host-local and ours share one data directory" {
	ref_conf=$(conf 1.0.0 "$DUAL")
	# The reference reserves, ours continues round-robin after it and refuses its lease.
	CONTAINER_ID=r1 PLUGIN_DIR=$REF_BIN run cni_exec host-local ADD "$ref_conf"
	[ "$status" -eq 0 ]
	assert_json '[.ips[].address] == ["10.77.0.2/24","fd77::2/120"]'
	CONTAINER_ID=o1 run cni_exec host-local ADD "$ref_conf"
	assert_json '[.ips[].address] == ["10.77.0.3/24","fd77::3/120"]'
	CONTAINER_ID=o2 CNI_ARGS="IP=10.77.0.2" run cni_exec host-local ADD "$ref_conf"
	assert_error 11
	CONTAINER_ID=r2 PLUGIN_DIR=$REF_BIN run cni_exec host-local ADD "$ref_conf"
	assert_json '[.ips[].address] == ["10.77.0.4/24","fd77::4/120"]'
	# Each CHECKs and DELs the other's reservations.
	CONTAINER_ID=r1 run cni_exec host-local CHECK "$ref_conf"
	[ "$status" -eq 0 ]
	CONTAINER_ID=o1 PLUGIN_DIR=$REF_BIN run cni_exec host-local CHECK "$ref_conf"
	[ "$status" -eq 0 ]
	CONTAINER_ID=r1 run cni_exec host-local DEL "$ref_conf"
	[ "$status" -eq 0 ]
	CONTAINER_ID=o1 PLUGIN_DIR=$REF_BIN run cni_exec host-local DEL "$ref_conf"
	[ "$status" -eq 0 ]
	[ "$(ls "$DATA_DIR/$NET" | grep -v -e lock -e last_reserved | sort | tr '\n' ' ')" = "10.77.0.4 fd77::4 " ]
}

@test "concurrent ADDs from ours and the reference never hand out one address twice" {
	ipam='{"ranges":[[{"subnet":"10.79.0.0/27"}],[{"subnet":"fd79::/123"}]]}'
	c=$(conf 1.0.0 "$ipam")
	n=12
	for i in $(seq 1 $n); do
		(CONTAINER_ID="ours-$i" cni_exec host-local ADD "$c" >"$TMP/ours-$i.json") &
		(CONTAINER_ID="ref-$i" PLUGIN_DIR=$REF_BIN cni_exec host-local ADD "$c" >"$TMP/ref-$i.json") &
	done
	wait
	all=$(cat "$TMP"/ours-*.json "$TMP"/ref-*.json | jq -s '[.[].ips[].address]')
	[ "$(jq 'length' <<<"$all")" -eq $((4 * n)) ] || fail "results: $all"
	[ "$(jq 'unique | length' <<<"$all")" -eq $((4 * n)) ] || fail "duplicates: $all"
	# Every file is well-formed and names the container whose result holds that address.
	d="$DATA_DIR/$NET"
	[ "$(ls "$d" | grep -vc -e lock -e last_reserved)" -eq $((4 * n)) ]
	for f in "$TMP"/ours-*.json "$TMP"/ref-*.json; do
		id=$(basename "$f" .json)
		for a in $(jq -r '.ips[].address | split("/")[0]' "$f"); do
			[ "$(hex "$d/$a")" = "$(hexof "$id"$'\r\n'eth0)" ] || fail "$d/$a: $(cat -A "$d/$a")"
		done
	done
	# Each binary releases the other's reservations, concurrently too.
	for i in $(seq 1 $n); do
		(CONTAINER_ID="ref-$i" cni_exec host-local DEL "$c") &
		(CONTAINER_ID="ours-$i" PLUGIN_DIR=$REF_BIN cni_exec host-local DEL "$c") &
	done
	wait
	[ "$(ls "$d" | grep -vc -e lock -e last_reserved)" -eq 0 ]
}

@test "ADD output equals the reference's for every version it supports" {
	ipam='{"ranges":[[{"subnet":"10.83.0.0/24","rangeStart":"10.83.0.10"}],[{"subnet":"fd83::/64"}]],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0","gw":"fd83::fe"}]}'
	for v in 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0; do
		ours_conf=$(DATA_DIR="$TMP/ours" conf "$v" "$ipam")
		ref_conf=$(DATA_DIR="$TMP/ref" conf "$v" "$ipam")
		run cni_exec host-local ADD "$ours_conf"
		[ "$status" -eq 0 ] || fail "$v: $output"
		ours=$(jq -S . <<<"$output")
		PLUGIN_DIR=$REF_BIN run cni_exec host-local ADD "$ref_conf"
		[ "$status" -eq 0 ] || fail "$v: $output"
		[ "$ours" = "$(jq -S . <<<"$output")" ] || fail "$v: ours $ours, reference $output"
		run cni_exec host-local DEL "$ours_conf"
		[ "$status" -eq 0 ]
		PLUGIN_DIR=$REF_BIN run cni_exec host-local DEL "$ref_conf"
		[ "$status" -eq 0 ]
	done
	# Same bytes on disk in both trees (round-robin state included).
	[ "$(cd "$TMP/ours/hl-net" && for f in *; do printf '%s:' "$f"; od -An -tx1 "$f"; done)" = \
	  "$(cd "$TMP/ref/hl-net" && for f in *; do printf '%s:' "$f"; od -An -tx1 "$f"; done)" ]
}
