#!/usr/bin/env bats
# The tuning meta plugin chained after a main plugin: sysctls and link attributes set on ADD,
# verified by CHECK, restored by DEL; the allowlist, duplicate and escaping keys refused; the
# kernel state, result and backup file compared with the reference binary.

load helpers/common

FULL='{"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1", "net.core.somaxconn": "512"},
       "mac": "c2:11:22:33:44:55", "mtu": 1400, "promisc": true, "allmulti": true, "txQLen": 500}'

setup() {
	cni_setup
	BR="${PFX}b"
	TDIR="$TMP/tuning"
	# Tests never touch /etc: the allowlist is this file, absent unless a test writes it.
	export CNI_TUNING_ALLOWLIST="$TMP/allowlist.conf"
}

teardown() {
	cni_teardown
}

bridge_conf() {
	jq -nc --arg v "$1" --arg br "$BR" --arg dd "$DATA_DIR" \
		'{cniVersion: $v, name: "test-net", type: "bridge", bridge: $br, isGateway: true,
		  ipam: {type: "host-local", subnet: "10.78.0.0/24", dataDir: $dd}}'
}

# tconf VERSION PREV [JSON merged over the config]: tuning chained after the result PREV.
tconf() {
	local extra=${3:-'{}'}
	jq -nc --arg v "$1" --argjson p "$2" --arg dd "$TDIR" --argjson x "$extra" \
		'{cniVersion: $v, name: "test-net", type: "tuning", dataDir: $dd, prevResult: $p} * $x'
}

# veth_in NETNS [VERSION]: eth0 (MAC 02:00:00:00:00:01) and its peer both in NETNS; PREV, a
# result of VERSION (default 1.1.0), describes eth0.
veth_in() {
	ip -n "$1" link add eth0 type veth peer name peer0
	ip -n "$1" link set eth0 address 02:00:00:00:00:01
	PREV=$(jq -nc --arg ns "/run/netns/$CTR" --arg v "${2:-1.1.0}" \
		'{cniVersion: $v, interfaces: [{name: "eth0", mac: "02:00:00:00:00:01", sandbox: $ns}],
		  ips: [{address: "10.78.0.2/24", interface: 0}]}')
}

# The attributes tuning may change, as the kernel shows them.
link_state() {
	ip -n "${1:-$CTR}" -j link show eth0 | jq -c '.[0] | {mtu, address, txqlen,
		promisc: (.flags | index("PROMISC") != null), allmulti: (.flags | index("ALLMULTI") != null)}'
}

# sysctl_get PATH [NETNS]: /proc/sys/PATH inside the netns.
sysctl_get() {
	ip netns exec "${2:-$CTR}" cat "/proc/sys/$1"
}

backup_file() {
	echo "$TDIR/${CONTAINER_ID}_${1:-eth0}.json"
}

@test "tuning: ADD, CHECK, DEL after bridge for every cniVersion with a prevResult" {
	for v in $CNI_VERSIONS_IPS; do
		run cni_exec bridge ADD "$(bridge_conf "$v")"
		[ "$status" -eq 0 ] || fail "bridge ADD $v: $output"
		prev=$output
		before=$(link_state)
		somaxconn=$(sysctl_get net/core/somaxconn)
		c=$(tconf "$v" "$prev" "$FULL")
		run cni_exec tuning ADD "$c"
		[ "$status" -eq 0 ] || fail "ADD $v: $output"
		# The prevResult passed on, with only the container interface's MAC changed.
		want=$(jq -c '.interfaces |= map(if .name == "eth0" then .mac = "c2:11:22:33:44:55" else . end)' <<<"$prev")
		[ "$(jq -cS . <<<"$output")" = "$(jq -cS . <<<"$want")" ] || fail "result $v: $output, want $want"
		assert_json ".cniVersion == \"$v\""
		want='{"mtu":1400,"address":"c2:11:22:33:44:55","txqlen":500,"promisc":true,"allmulti":true}'
		[ "$(link_state)" = "$want" ] || fail "link $v: $(link_state)"
		[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 1 ]
		[ "$(sysctl_get net/core/somaxconn)" = 512 ]
		[ -f "$(backup_file)" ] || fail "no backup file $(backup_file)"
		if [[ " 0.4.0 1.0.0 1.1.0 " == *" $v "* ]]; then
			run cni_exec tuning CHECK "$c"
			[ "$status" -eq 0 ] || fail "CHECK $v: $output"
		fi
		run cni_exec tuning DEL "$c"
		[ "$status" -eq 0 ] || fail "DEL $v: $output"
		[ "$(link_state)" = "$before" ] || fail "restore $v: $(link_state), want $before"
		[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 0 ]
		[ "$(sysctl_get net/core/somaxconn)" = "$somaxconn" ]
		[ ! -e "$(backup_file)" ] || fail "backup file left by DEL $v"
		run cni_exec tuning DEL "$c"
		[ "$status" -eq 0 ] || fail "second DEL $v: $output"
		run cni_exec bridge DEL "$(bridge_conf "$v")"
		[ "$status" -eq 0 ] || fail "bridge DEL $v: $output"
	done
}

@test "tuning: DEL restores the link's own previous attributes and sysctls, not defaults" {
	veth_in "$CTR"
	ip -n "$CTR" link set eth0 mtu 1450 txqueuelen 321 promisc on allmulticast on
	ip netns exec "$CTR" sh -c 'echo 2 >/proc/sys/net/ipv4/conf/eth0/arp_ignore'
	before=$(link_state)
	c=$(tconf 1.1.0 "$PREV" '{"mtu": 1300, "txQLen": 99, "allmulti": false, "mac": "c2:11:22:33:44:66",
		"sysctl": {"net.ipv4.conf.IFNAME.arp_ignore": "1"}}')
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	want='{"mtu":1300,"address":"c2:11:22:33:44:66","txqlen":99,"promisc":true,"allmulti":false}'
	[ "$(link_state)" = "$want" ] || fail "$(link_state)"
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_ignore)" = 1 ]
	# The reference's keys (only what the config changes), plus the sysctls' old values.
	jq -e '. == {mac: "02:00:00:00:00:01", mtu: 1450, allmulti: true, txQLen: 321,
		sysctl: {"net/ipv4/conf/eth0/arp_ignore": "2"}}' "$(backup_file)"
	[ "$(stat -c %a "$(backup_file)")" = 600 ]
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(link_state)" = "$before" ] || fail "$(link_state), want $before"
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_ignore)" = 2 ]
	[ ! -e "$(backup_file)" ]
}

@test "tuning: sysctls on an interface whose name has a dot" {
	ip -n "$CTR" link add eth0.7 type veth peer name peer0
	prev=$(jq -nc --arg ns "/run/netns/$CTR" '{cniVersion: "1.1.0", interfaces: [{name: "eth0.7", sandbox: $ns}]}')
	c=$(tconf 1.1.0 "$prev" '{"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1"}}')
	run cni_exec tuning ADD "$c" eth0.7
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(sysctl_get net/ipv4/conf/eth0.7/arp_filter)" = 1 ]
	run cni_exec tuning CHECK "$c" eth0.7
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec tuning DEL "$c" eth0.7
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(sysctl_get net/ipv4/conf/eth0.7/arp_filter)" = 0 ]
	[ ! -e "$(backup_file eth0.7)" ]
}

@test "tuning: kernel state, result and backup file as /usr/lib/cni/tuning" {
	[ -x "$REF_BIN/tuning" ] || skip "no reference tuning in $REF_BIN"
	cni_add_ns ref
	# v1.1.1 reads a prevResult of the config's own version only.
	veth_in "$CTR" 1.0.0
	veth_in "$PFX-ref" 1.0.0
	before=$(link_state)
	# v1.1.1 knows neither txQLen nor the allowlist. Uppercase and '-' reach the result as given.
	c=$(tconf 1.0.0 "$PREV" '{"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1", "net.ipv4.conf.eth0.arp_ignore": "2"},
		"mac": "C2-11-22-33-44-55", "mtu": 1400, "promisc": true, "allmulti": true}')
	cref=$(jq -c --arg d "$TMP/ref" '.dataDir = $d' <<<"$c")
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	ours=$output
	CNI_NETNS=/run/netns/$PFX-ref PLUGIN_DIR=$REF_BIN run cni_exec tuning ADD "$cref"
	[ "$status" -eq 0 ] || fail "reference: $output"
	[ "$ours" = "$output" ] || fail "results differ: ours $ours, reference $output"
	[ "$(link_state)" = "$(link_state "$PFX-ref")" ] || fail "$(link_state) vs $(link_state "$PFX-ref")"
	for s in net/ipv4/conf/eth0/arp_filter net/ipv4/conf/eth0/arp_ignore; do
		[ "$(sysctl_get $s)" = "$(sysctl_get $s "$PFX-ref")" ] || fail "$s differs"
	done
	# The same file, byte for byte, once our sysctl backup is left out.
	[ "$(jq 'del(.sysctl)' --indent 1 "$(backup_file)")" = "$(cat "$TMP/ref/${CONTAINER_ID}_eth0.json")" ] ||
		fail "backup files differ: $(cat "$(backup_file)") vs $(cat "$TMP/ref/${CONTAINER_ID}_eth0.json")"
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS=/run/netns/$PFX-ref PLUGIN_DIR=$REF_BIN run cni_exec tuning DEL "$cref"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(link_state)" = "$before" ] && [ "$(link_state "$PFX-ref")" = "$before" ]
}

@test "tuning: the reference binary restores from our backup file, and we from its" {
	[ -x "$REF_BIN/tuning" ] || skip "no reference tuning in $REF_BIN"
	veth_in "$CTR" 1.0.0
	before=$(link_state)
	c=$(tconf 1.0.0 "$PREV" '{"mac": "c2:11:22:33:44:55", "mtu": 1400, "promisc": true, "allmulti": true,
		"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1"}}')
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	PLUGIN_DIR=$REF_BIN run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(link_state)" = "$before" ] || fail "reference restore: $(link_state)"
	[ ! -e "$(backup_file)" ]
	PLUGIN_DIR=$REF_BIN run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(link_state)" = "$before" ] || fail "our restore: $(link_state)"
	[ ! -e "$(backup_file)" ]
}

@test "tuning: DEL removes the backup file when the netns is gone, unset, or the link is gone" {
	veth_in "$CTR"
	c=$(tconf 1.1.0 "$PREV" '{"mtu": 1400}')
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ -f "$(backup_file)" ]
	ip netns del "$CTR"
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ ! -e "$(backup_file)" ] || fail "backup file left with the netns gone"

	ip netns add "$CTR"
	veth_in "$CTR"
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	CNI_NETNS="" run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ ! -e "$(backup_file)" ] || fail "backup file left with CNI_NETNS unset"

	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	ip -n "$CTR" link del eth0
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ ! -e "$(backup_file)" ] || fail "backup file left with the link gone"
}

@test "tuning: the allowlist admits matching sysctls only" {
	veth_in "$CTR"
	printf '%s\n' '  ^net\.ipv4\.conf\.IFNAME\.arp_filter$  ' '' 'net\.core\.somax' >"$CNI_TUNING_ALLOWLIST"
	c=$(tconf 1.1.0 "$PREV" '{"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1", "net.core.somaxconn": "600"}}')
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(sysctl_get net/core/somaxconn)" = 600 ]
	run cni_exec tuning DEL "$c"
	[ "$status" -eq 0 ] || fail "$output"

	bad=$(tconf 1.1.0 "$PREV" '{"mtu": 1400, "sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1", "net.ipv4.conf.IFNAME.arp_ignore": "1"}}')
	run cni_exec tuning ADD "$bad"
	assert_error 7
	assert_json '.msg == "Sysctl net.ipv4.conf.IFNAME.arp_ignore is not allowed. Only the following sysctls are allowed: [^net\\.ipv4\\.conf\\.IFNAME\\.arp_filter$ net\\.core\\.somax]"'
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 0 ] && [ "$(sysctl_get net/ipv4/conf/eth0/arp_ignore)" = 0 ]
	[ "$(link_state | jq .mtu)" = 1500 ]
	[ ! -e "$(backup_file)" ]
	# args.cni.sysctl is held to the same list.
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"args": {"cni": {"sysctl": {"net.ipv4.ip_forward": "1"}}}}')"
	assert_error 7
	# No allowlist file: no restriction, as the reference.
	rm "$CNI_TUNING_ALLOWLIST"
	run cni_exec tuning ADD "$bad"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tuning: duplicated sysctl keys are refused by ADD and CHECK" {
	veth_in "$CTR"
	c=$(tconf 1.1.0 "$PREV" '{"mtu": 1400}')
	# jq would merge the keys: the duplicate is written by hand.
	dup="${c%\}},\"sysctl\":{\"net.core.somaxconn\":\"600\",\"net.ipv4.conf.IFNAME.arp_filter\":\"1\",\"net.core.somaxconn\":\"700\"}}"
	for cmd in ADD CHECK; do
		run cni_exec tuning "$cmd" "$dup"
		assert_error 7
		assert_json '.msg == "duplicated sysctl keys are not allowed"'
	done
	[ "$(link_state | jq .mtu)" = 1500 ] && [ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 0 ]
	[ ! -e "$(backup_file)" ]
	run cni_exec tuning DEL "$dup"
	[ "$status" -eq 0 ] || fail "$output"
	# The same key twice elsewhere, or again in args.cni.sysctl (an override), is no duplicate.
	ok="${c%\}},\"sysctl\":{\"net.core.somaxconn\":\"600\"},\"x\":1,\"x\":2,\"args\":{\"cni\":{\"sysctl\":{\"net.core.somaxconn\":\"650\"}}}}"
	run cni_exec tuning ADD "$ok"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(sysctl_get net/core/somaxconn)" = 650 ]
}

@test "tuning: sysctl keys outside /proc/sys/net are refused before anything changes" {
	veth_in "$CTR"
	host=$(cat /proc/sys/kernel/hostname)
	for key in kernel.hostname ../kernel/hostname ..//..//kernel/hostname /proc/sys/kernel/hostname net fs.file-max; do
		c=$(tconf 1.1.0 "$PREV" "$(jq -nc --arg k "$key" --arg v "$host" '{mtu: 1400, sysctl: {($k): $v}}')")
		run cni_exec tuning ADD "$c"
		assert_error 7
		[[ "$output" == *'invalid net sysctl key'* ]] || fail "$key: $output"
		run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" "$(jq -nc --arg k "$key" --arg v "$host" '{args: {cni: {sysctl: {($k): $v}}}}')")"
		assert_error 7
	done
	# '..' cannot climb: dots are separators, so this names a file under net/ that does not exist.
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"sysctl": {"net/ipv4/../../kernel/hostname": "x"}}')"
	assert_error 5
	[ "$(cat /proc/sys/kernel/hostname)" = "$host" ]
	[ "$(link_state | jq .mtu)" = 1500 ]
	[ ! -e "$(backup_file)" ]
}

@test "tuning: CHECK passes after ADD and fails after each kind of change" {
	veth_in "$CTR"
	c=$(tconf 1.1.0 "$PREV" "$FULL")
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	run cni_exec tuning CHECK "$c"
	[ "$status" -eq 0 ] || fail "$output"

	check_fails() {
		run cni_exec tuning CHECK "$c"
		assert_error 3
		assert_json ".msg == \"$1\""
	}
	ip -n "$CTR" link set eth0 mtu 1450
	check_fails "Error: Tuning configured MTU of eth0 is 1400, current value is 1450"
	ip -n "$CTR" link set eth0 mtu 1400
	ip netns exec "$CTR" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/eth0/arp_filter'
	check_fails "Error: Tuning configured value of /proc/sys/net/ipv4/conf/eth0/arp_filter is 1, current value is 0"
	ip netns exec "$CTR" sh -c 'echo 1 >/proc/sys/net/ipv4/conf/eth0/arp_filter'
	ip -n "$CTR" link set eth0 address 02:00:00:00:00:09
	check_fails "Error: Tuning configured Ethernet of eth0 is c2:11:22:33:44:55, current value is 02:00:00:00:00:09"
	ip -n "$CTR" link set eth0 address c2:11:22:33:44:55
	ip -n "$CTR" link set eth0 promisc off
	check_fails "Error: Tuning link eth0 configured promisc is true, current value is 0"
	ip -n "$CTR" link set eth0 promisc on
	ip -n "$CTR" link set eth0 allmulticast off
	check_fails "Error: Tuning configured all-multicast mode of eth0 is true, current value is false"
	ip -n "$CTR" link set eth0 allmulticast on
	ip -n "$CTR" link set eth0 txqueuelen 1000
	check_fails "Error: Tuning configured Transmit Queue Length of eth0 is 500, current value is 1000"
	ip -n "$CTR" link set eth0 txqueuelen 500
	run cni_exec tuning CHECK "$c"
	[ "$status" -eq 0 ] || fail "$output"

	# promisc absent means "not promiscuous" to CHECK, as the reference.
	c=$(tconf 1.1.0 "$PREV" '{"mtu": 1400}')
	check_fails "Error: Tuning link eth0 configured promisc is false, current value is 1"
	ip -n "$CTR" link del eth0
	check_fails "Cannot find container link eth0"
	run cni_exec tuning CHECK "$(jq -c 'del(.prevResult)' <<<"$c")"
	assert_error 7
	assert_json '.msg == "Required prevResult missing"'
}

@test "tuning: args.cni overrides, the mac capability and CNI_ARGS MAC, in the reference's order" {
	veth_in "$CTR"
	# add_mac CONF: ADD, print the MAC the kernel shows and the result's, DEL.
	add_mac() {
		run cni_exec tuning ADD "$1"
		[ "$status" -eq 0 ] || fail "$output"
		echo "$(link_state | jq -r .address) $(jq -r '.interfaces[0].mac' <<<"$output")"
		run cni_exec tuning DEL "$1"
		[ "$status" -eq 0 ] || fail "$output"
	}
	m=$(add_mac "$(tconf 1.1.0 "$PREV" '{"mac": "c2:00:00:00:00:01"}')")
	[ "$m" = "c2:00:00:00:00:01 c2:00:00:00:00:01" ] || fail "$m"
	export CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=x;MAC=c2:00:00:00:00:02"
	m=$(add_mac "$(tconf 1.1.0 "$PREV" '{"mac": "c2:00:00:00:00:01"}')")
	[ "$m" = "c2:00:00:00:00:02 c2:00:00:00:00:02" ] || fail "$m"
	m=$(add_mac "$(tconf 1.1.0 "$PREV" '{"mac": "c2:00:00:00:00:01", "runtimeConfig": {"mac": "c2:00:00:00:00:03"}}')")
	[ "$m" = "c2:00:00:00:00:03 c2:00:00:00:00:03" ] || fail "$m"
	m=$(add_mac "$(tconf 1.1.0 "$PREV" '{"runtimeConfig": {"mac": "c2:00:00:00:00:03"}, "args": {"cni": {"mac": "c2:00:00:00:00:04"}}}')")
	[ "$m" = "c2:00:00:00:00:04 c2:00:00:00:00:04" ] || fail "$m"
	unset CNI_ARGS
	# args.cni.mac "" clears the MAC change: the result keeps the prevResult's MAC.
	m=$(add_mac "$(tconf 1.1.0 "$PREV" '{"mac": "c2:00:00:00:00:01", "args": {"cni": {"mac": ""}}}')")
	[ "$m" = "02:00:00:00:00:01 02:00:00:00:00:01" ] || fail "$m"

	c=$(tconf 1.1.0 "$PREV" '{"mtu": 1400, "sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "0", "net.core.somaxconn": "700"},
		"args": {"cni": {"mtu": 1300, "txQLen": 77, "promisc": true, "allmulti": true,
		"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1"}}}}')
	run cni_exec tuning ADD "$c"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(link_state)" = '{"mtu":1300,"address":"02:00:00:00:00:01","txqlen":77,"promisc":true,"allmulti":true}' ] ||
		fail "$(link_state)"
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 1 ] && [ "$(sysctl_get net/core/somaxconn)" = 700 ]
	run cni_exec tuning CHECK "$c"
	[ "$status" -eq 0 ] || fail "$output"
	# An unknown CNI_ARGS key without IgnoreUnknown is refused, as the reference's LoadArgs.
	CNI_ARGS="FOO=1" run cni_exec tuning ADD "$c"
	assert_error 4
}

@test "tuning: bad configs are refused with code 7 and leave nothing" {
	veth_in "$CTR"
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"mtu": 1400}' | jq -c 'del(.prevResult)')"
	assert_error 7
	assert_json '.msg == "Required prevResult missing"'
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"mtu": 1400, "mac": "zz:11"}')"
	assert_error 7
	assert_json '.msg == "invalid args zz:11 for MAC addr: address zz:11: invalid MAC address"'
	for x in '{"mtu": "1400"}' '{"mtu": -1}' '{"txQLen": -5}' '{"promisc": "yes"}' '{"allmulti": 1}' \
		'{"sysctl": {"net.core.somaxconn": 600}}' '{"sysctl": []}' '{"dataDir": 5}' \
		'{"args": {"cni": {"mtu": "x"}}}' '{"runtimeConfig": {"mac": 5}}'; do
		run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" "$x")"
		assert_error 7
	done
	[ "$(link_state | jq -c '[.mtu, .address]')" = '[1500,"02:00:00:00:00:01"]' ]
	[ ! -e "$TDIR" ] || [ -z "$(ls -A "$TDIR")" ]
}

@test "tuning: a failed ADD restores what it had changed and removes the backup file" {
	veth_in "$CTR"
	before=$(link_state)
	# The MTU is past the veth's maximum: the kernel refuses it after the sysctl and MAC changed.
	c=$(tconf 1.1.0 "$PREV" '{"sysctl": {"net.ipv4.conf.IFNAME.arp_filter": "1"}, "mac": "c2:11:22:33:44:55", "mtu": 70000}')
	run cni_exec tuning ADD "$c"
	assert_error 5
	[ "$(link_state)" = "$before" ] || fail "$(link_state)"
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 0 ]
	[ ! -e "$(backup_file)" ]
	# A sysctl that does not exist, and an interface that does not.
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"mtu": 1400, "sysctl": {"net.ipv4.no_such_sysctl": "1"}}')"
	assert_error 5
	run cni_exec tuning ADD "$(tconf 1.1.0 "$PREV" '{"mtu": 1400}')" eth9
	assert_error 5
	[ "$(link_state)" = "$before" ] && [ ! -e "$(backup_file)" ] && [ ! -e "$(backup_file eth9)" ]
}

@test "tuning: conf-examples/tuning.conflist through cnitool with the mac capability" {
	mkdir -p "$TMP/net.d"
	jq --arg d "$DATA_DIR" --arg t "$TDIR" '(.plugins[0].ipam.dataDir) = $d | (.plugins[1].dataDir) = $t' \
		"$REPO/conf-examples/tuning.conflist" >"$TMP/net.d/tuning.conflist"
	tool() {
		ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
			CAP_ARGS='{"mac": "c2:11:22:33:44:55"}' "$BIN/cnitool" "$@" 2>>"$TMP/stderr"
	}
	run tool add tuned-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	assert_json '.interfaces[2].name == "eth0" and .interfaces[2].mac == "c2:11:22:33:44:55"'
	[ "$(link_state)" = '{"mtu":1400,"address":"c2:11:22:33:44:55","txqlen":2000,"promisc":false,"allmulti":false}' ] ||
		fail "$(link_state)"
	[ "$(sysctl_get net/ipv4/conf/eth0/arp_filter)" = 1 ] && [ "$(sysctl_get net/core/somaxconn)" = 1024 ]
	ip netns exec "$CTR" ping -c1 -W2 10.89.0.1
	run tool check tuned-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	run tool del tuned-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "$output"
	[ -z "$(ls -A "$TDIR")" ] || fail "left in dataDir: $(ls "$TDIR")"
	[ -z "$(ip -n "$CTR" -j link show eth0 2>/dev/null | jq '.[]?')" ]
	run tool del tuned-net "/run/netns/$CTR"
	[ "$status" -eq 0 ] || fail "second del: $output"
}
