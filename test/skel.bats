#!/usr/bin/env bats
# The CNI protocol as every binary speaks it (pkg/cni), exercised through the loopback binary.

load helpers/common

setup() { cni_setup; }
teardown() { cni_teardown; }

conf() { printf '{"cniVersion":"%s","name":"skel-net","type":"loopback"}' "${1:-1.1.0}"; }

@test "VERSION echoes every supported version and lists all seven" {
	for v in $CNI_VERSIONS; do
		run cni_exec loopback VERSION "{\"cniVersion\":\"$v\"}"
		[ "$status" -eq 0 ]
		assert_json ".cniVersion == \"$v\""
		assert_json '.supportedVersions == ["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]'
	done
}

@test "VERSION with empty stdin answers the latest version" {
	run cni_exec loopback VERSION ""
	[ "$status" -eq 0 ]
	assert_json '.cniVersion == "1.1.0"'
}

@test "VERSION of an unknown version is code 1 with the reference's details" {
	run cni_exec loopback VERSION '{"cniVersion":"9.9.9"}'
	assert_error 1
	assert_json '.msg == "incompatible CNI versions"'
	assert_json '.details == "config is \"9.9.9\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]"'
}

@test "missing environment variables are named in one code-4 error" {
	run bash -c "printf '%s' '$(conf)' | env -i CNI_COMMAND=ADD $BIN/loopback"
	assert_error 4
	assert_json '.msg == "required env variables [CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME,CNI_PATH] missing"'
	run bash -c "printf '%s' '$(conf)' | env -i CNI_COMMAND=DEL $BIN/loopback"
	assert_error 4
	assert_json '.msg == "required env variables [CNI_CONTAINERID,CNI_IFNAME,CNI_PATH] missing"'
	run bash -c "printf '%s' '$(conf)' | env -i CNI_COMMAND=GC $BIN/loopback"
	assert_error 4
	assert_json '.msg == "required env variables [CNI_PATH] missing"'
}

@test "no CNI_COMMAND prints the about text on stderr and exits 0" {
	run bash -c "env -i $BIN/loopback 2>&1 >/dev/null"
	[ "$status" -eq 0 ]
	[[ "$output" == *"CNI protocol versions supported: 0.1.0, 0.2.0, 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0"* ]]
}

@test "an unknown CNI_COMMAND is code 4" {
	run cni_exec loopback FOO "$(conf)"
	assert_error 4
	assert_json '.msg == "unknown CNI_COMMAND: FOO"'
}

@test "container ID and interface name are validated like the reference" {
	CONTAINER_ID='-bad' run cni_exec loopback ADD "$(conf)"
	assert_error 4
	assert_json '.msg == "invalid characters in containerID" and .details == "-bad"'
	run cni_exec loopback ADD "$(conf)" "0123456789abcdef"
	assert_error 4
	assert_json '.msg == "interface name is too long"'
	run cni_exec loopback ADD "$(conf)" "a/b"
	assert_error 4
}

@test "bad JSON is code 6, a missing or invalid network name code 7" {
	run cni_exec loopback ADD '{"cniVersion":'
	assert_error 6
	run cni_exec loopback ADD '{"cniVersion":"1.1.0","type":"loopback"}'
	assert_error 7
	assert_json '.msg == "missing network name"'
	run cni_exec loopback ADD '{"cniVersion":"1.1.0","name":"a/b","type":"loopback"}'
	assert_error 7
	assert_json '.msg == "invalid characters found in network name" and .details == "a/b"'
}

@test "an unsupported config version is code 1 and the error carries cniVersion" {
	run cni_exec loopback ADD "$(conf 0.5.0)"
	assert_error 1
	assert_json '.msg == "incompatible CNI versions" and .cniVersion == "1.1.0"'
	run cni_exec loopback ADD '{"cniVersion":"1.0.0","name":"n","type":"loopback","prevResult":{"ips":[{"address":"bad"}]}}'
	assert_error 6
	assert_json '.cniVersion == "1.0.0"'
}

@test "CHECK needs 0.4.0, GC and STATUS need 1.1.0" {
	run cni_exec loopback CHECK "$(conf 0.3.1)"
	assert_error 1
	assert_json '.msg == "config version does not allow CHECK"'
	run cni_exec loopback GC "$(conf 1.0.0)"
	assert_error 1
	assert_json '.msg == "config version does not allow GC"'
	run cni_exec loopback STATUS "$(conf 1.0.0)"
	assert_error 1
	assert_json '.msg == "config version does not allow STATUS"'
	run cni_exec loopback STATUS "$(conf 1.1.0)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the plugin's own netns is refused before anything is done" {
	ip -n "$NODE" link set lo down
	CNI_NETNS=/run/netns/$NODE run cni_exec loopback ADD "$(conf)"
	assert_error 8
	# Nothing was done: lo of the node netns is still down.
	ip -n "$NODE" -j link show lo | jq -e '.[0].flags | index("UP") | not'
}

@test "CNI_ARGS must be KEY=VALUE pairs" {
	CNI_ARGS='IgnoreUnknown=1;broken' run cni_exec loopback ADD "$(conf)"
	assert_error 4
	assert_json '.msg == "ARGS: invalid pair \"broken\""'
}

@test "logFile receives the log at logLevel, stdout only the result" {
	run cni_exec loopback ADD "{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"type\":\"loopback\",\"logFile\":\"$TMP/plugin.log\",\"logLevel\":\"debug\"}"
	[ "$status" -eq 0 ]
	assert_json '.cniVersion == "1.1.0"'
	grep -q "ADD container $CONTAINER_ID" "$TMP/plugin.log"
	run cni_exec loopback ADD "{\"cniVersion\":\"9.0.0\",\"name\":\"n\",\"type\":\"loopback\",\"logFile\":\"$TMP/plugin.log\"}"
	assert_error 1
	grep -q "incompatible CNI versions" "$TMP/plugin.log"
}
