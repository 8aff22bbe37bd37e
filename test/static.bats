#!/usr/bin/env bats
# static: configured addresses, routes and DNS in every cniVersion, the CNI_ARGS/args/runtimeConfig
# sources, CHECK against prevResult, error codes, and the same output as the reference binary.

load helpers/common

setup() { cni_setup; }
teardown() { cni_teardown; }

# conf VERSION IPAM_EXTRA [TOP_EXTRA]
conf() {
	local ipam=${2:-'{}'} top=${3:-'{}'}
	jq -cn --arg v "$1" --argjson i "$ipam" --argjson t "$top" \
		'{cniVersion:$v, name:"st-net", type:"static", ipam:({type:"static"} + $i)} + $t'
}

FULL='{"addresses":[{"address":"10.10.0.5/24","gateway":"10.10.0.1"},{"address":"fd10::5/64","gateway":"fd10::1"}],
       "routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.10.0.254"},{"dst":"::/0"}],
       "dns":{"nameservers":["10.10.0.53"],"domain":"example.org","search":["example.org"],"options":["ndots:3"]}}'

@test "ADD reports the configured addresses, routes and dns in the shape of every version" {
	for v in $CNI_VERSIONS; do
		run cni_exec static ADD "$(conf "$v" "$FULL")"
		[ "$status" -eq 0 ] || fail "$v: $output"
		assert_json ".cniVersion == \"$v\""
		assert_json '.dns == {"nameservers":["10.10.0.53"],"domain":"example.org","search":["example.org"],"options":["ndots:3"]}'
		case $v in
		0.1.0 | 0.2.0)
			assert_json '.ip4.ip == "10.10.0.5/24" and .ip4.gateway == "10.10.0.1"'
			assert_json '.ip6.ip == "fd10::5/64" and .ip6.gateway == "fd10::1"'
			;;
		*)
			assert_json '[.ips[] | {address, gateway}] == [{"address":"10.10.0.5/24","gateway":"10.10.0.1"},{"address":"fd10::5/64","gateway":"fd10::1"}]'
			assert_json '[.routes[].dst] == ["0.0.0.0/0","192.168.0.0/16","::/0"]'
			assert_json '.routes[1].gw == "10.10.0.254"'
			;;
		esac
	done
}

@test "output equals the reference's for every version it supports" {
	for v in 0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0; do
		run cni_exec static ADD "$(conf "$v" "$FULL")"
		[ "$status" -eq 0 ]
		ours=$(jq -S . <<<"$output")
		PLUGIN_DIR=$REF_BIN run cni_exec static ADD "$(conf "$v" "$FULL")"
		[ "$status" -eq 0 ]
		[ "$ours" = "$(jq -S . <<<"$output")" ] || fail "$v: ours $ours, reference $output"
	done
}

@test "CNI_ARGS IP and GATEWAY add addresses; args.cni.ips and runtimeConfig.ips replace them" {
	CNI_ARGS="IP=10.20.0.5/16,fd20::5/64;GATEWAY=10.20.0.1" run cni_exec static ADD "$(conf 1.0.0 '{"addresses":[{"address":"10.10.0.5/24"}]}')"
	[ "$status" -eq 0 ] || fail "$output"
	assert_json '[.ips[] | [.address, .gateway]] == [["10.10.0.5/24",null],["10.20.0.5/16","10.20.0.1"],["fd20::5/64",null]]'
	run cni_exec static ADD "$(conf 1.0.0 '{"addresses":[{"address":"10.10.0.5/24"}]}' '{"args":{"cni":{"ips":["10.30.0.5/24"]}}}')"
	assert_json '[.ips[].address] == ["10.30.0.5/24"]'
	run cni_exec static ADD "$(conf 1.0.0 '{"addresses":[{"address":"10.10.0.5/24"}]}' '{"args":{"cni":{"ips":["10.30.0.5/24"]}},"runtimeConfig":{"ips":["10.40.0.5/24","fd40::5/64"]}}')"
	assert_json '[.ips[].address] == ["10.40.0.5/24","fd40::5/64"]'
	# With no address at all the result simply has none.
	run cni_exec static ADD "$(conf 1.0.0)"
	[ "$status" -eq 0 ]
	assert_json '(.ips // []) == []'
}

@test "errors carry real codes and the reference's messages" {
	run cni_exec static ADD "$(conf 1.0.0 '{"addresses":[{"address":"10.10.0.5"}]}')"
	assert_error 7
	assert_json '.msg == "the '"'"'address'"'"' field is expected to be in CIDR notation, got: '"'"'10.10.0.5'"'"'"'
	CNI_ARGS="IP=10.20.0.5" run cni_exec static ADD "$(conf 1.0.0)"
	assert_error 4
	CNI_ARGS="IP=10.20.0.5/24;GATEWAY=x" run cni_exec static ADD "$(conf 1.0.0)"
	assert_error 4
	assert_json '.msg == "invalid gateway address: x"'
	CNI_ARGS="FOO=1" run cni_exec static ADD "$(conf 1.0.0)"
	assert_error 4
	run cni_exec static ADD "$(conf 1.0.0 '{}' '{"runtimeConfig":{"ips":["10.0.0.1"]}}')"
	assert_error 7
	run cni_exec static ADD "$(conf 0.2.0 '{"addresses":[{"address":"10.10.0.5/24"},{"address":"10.10.1.5/24"}]}')"
	assert_error 7
	assert_json '.msg == "CNI version 0.2.0 does not support more than 1 address per family"'
	run cni_exec static ADD "$(conf 1.0.0 '{"addresses":[{"address":"10.10.0.5/24","gateway":"nope"}]}')"
	assert_error 7
	run cni_exec static ADD "$(conf 1.0.0 '{"routes":[{"dst":"nope"}]}')"
	assert_error 7
}

@test "CHECK compares the configured addresses with prevResult" {
	ipam='{"addresses":[{"address":"10.10.0.5/24","gateway":"10.10.0.1"},{"address":"fd10::5/64"}]}'
	for v in 0.4.0 1.0.0 1.1.0; do
		prev='{"cniVersion":"'$v'","ips":[{"address":"10.10.0.5/24","gateway":"10.10.0.1"},{"address":"fd10::5/64","gateway":"fd10::9"}]}'
		run cni_exec static CHECK "$(conf "$v" "$ipam" "{\"prevResult\":$prev}")"
		[ "$status" -eq 0 ] || fail "$v: $output"
		bad='{"cniVersion":"'$v'","ips":[{"address":"10.10.0.5/24","gateway":"10.10.0.2"}]}'
		run cni_exec static CHECK "$(conf "$v" "$ipam" "{\"prevResult\":$bad}")"
		assert_error 7
		assert_json '.msg == "static: Failed to match addr 10.10.0.5 on interface eth0"'
		run cni_exec static CHECK "$(conf "$v" "$ipam")"
		assert_error 7
		assert_json '.msg == "Required prevResult missing"'
	done
}

@test "DEL, GC and STATUS succeed with nothing to do" {
	run cni_exec static DEL "$(conf 1.1.0 "$FULL")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run cni_exec static DEL "$(conf 1.1.0 "$FULL")"
	[ "$status" -eq 0 ]
	run cni_exec static GC "$(conf 1.1.0 "$FULL" '{"cni.dev/valid-attachments":[]}')"
	[ "$status" -eq 0 ]
	run cni_exec static STATUS "$(conf 1.1.0 "$FULL")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
