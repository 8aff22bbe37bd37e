#!/usr/bin/env bats
# loopback: brings lo up in the container and reports it, in every cniVersion.

load helpers/common

setup() { cni_setup; }
teardown() { cni_teardown; }

conf() { printf '{"cniVersion":"%s","name":"lo-net","type":"loopback"}' "$1"; }

lo_is_up() { ip -n "$CTR" -j link show lo | jq -e '.[0].flags | index("UP")' >/dev/null; }

@test "ADD brings lo up and reports it in the shape of every version" {
	for v in $CNI_VERSIONS_IPS; do
		ip -n "$CTR" link set lo down
		run cni_exec loopback ADD "$(conf "$v")"
		[ "$status" -eq 0 ]
		lo_is_up
		assert_json ".cniVersion == \"$v\""
		assert_json ".interfaces == [{\"name\":\"lo\",\"mac\":\"00:00:00:00:00:00\",\"sandbox\":\"/run/netns/$CTR\"}]"
		assert_json '[.ips[].address] == ["127.0.0.1/8","::1/128"]'
		assert_json '[.ips[].interface] == [0,0]'
		if [[ $v == 0.* ]]; then assert_json '[.ips[].version] == ["4","6"]'; else assert_json '[.ips[] | has("version")] == [false,false]'; fi
		assert_json '.dns == {}'
	done
	for v in 0.1.0 0.2.0; do
		run cni_exec loopback ADD "$(conf "$v")"
		[ "$status" -eq 0 ]
		assert_json ".cniVersion == \"$v\" and .ip4.ip == \"127.0.0.1/8\" and .ip6.ip == \"::1/128\" and (has(\"ips\") | not)"
	done
}

@test "a prevResult is passed through unchanged" {
	prev='{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/x"}],"ips":[{"interface":0,"address":"10.9.0.2/24","gateway":"10.9.0.1"}],"dns":{"nameservers":["10.9.0.1"]}}'
	run cni_exec loopback ADD "{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"type\":\"loopback\",\"prevResult\":$prev}"
	[ "$status" -eq 0 ]
	assert_json ".interfaces[0].name == \"eth0\" and .ips[0].address == \"10.9.0.2/24\" and .dns.nameservers == [\"10.9.0.1\"]"
}

@test "CHECK passes when lo is up and fails when it is down" {
	for v in 0.4.0 1.0.0 1.1.0; do
		run cni_exec loopback ADD "$(conf "$v")"
		[ "$status" -eq 0 ]
		run cni_exec loopback CHECK "$(conf "$v")"
		[ "$status" -eq 0 ]
		ip -n "$CTR" link set lo down
		run cni_exec loopback CHECK "$(conf "$v")"
		[ "$status" -ne 0 ]
		assert_json '.msg == "loopback interface is down"'
	done
}

@test "DEL sets lo down, and succeeds with the netns gone or unset, twice" {
	run cni_exec loopback ADD "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	run cni_exec loopback DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	if lo_is_up; then fail "lo is still up"; fi
	run cni_exec loopback DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	CNI_NETNS="" run cni_exec loopback DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	ip netns del "$CTR"
	run cni_exec loopback DEL "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "ADD into a netns that does not exist fails with a CNI error" {
	CNI_NETNS=/run/netns/$PFX-missing run cni_exec loopback ADD "$(conf 1.1.0)"
	[ "$status" -ne 0 ]
	assert_json '.code > 0 and .code != 999'
}
