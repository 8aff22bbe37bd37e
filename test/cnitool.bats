#!/usr/bin/env bats
# cnitool and pkg/libcni: list loading, ADD order and prevResult, DEL in reverse with the cached
# result, CHECK, GC, STATUS, the result cache format, and the reference plugins driven through it.

load helpers/common

setup() {
	cni_setup
	mkdir -p "$TMP/net.d" "$TMP/plugins" "$TMP/cache" "$TMP/log"
	cp "$REPO/test/helpers/fake-plugin" "$TMP/plugins/fake"
	NS1=$TMP/ns1 # the fake plugin never opens it: only the path matters to libcni
}
teardown() { cni_teardown; }

# tool [VAR=VALUE...] ARGS...: cnitool with this test's config dir, plugin dir and cache, extra
# environment first; stderr in $TMP/err.
tool() {
	local vars=()
	while [[ ${1:-} == [A-Z]*=* ]]; do
		vars+=("$1")
		shift
	done
	env NETCONFPATH="$TMP/net.d" CNI_PATH="$TMP/plugins" CNI_CACHE_DIR="$TMP/cache" "${vars[@]}" \
		"$BIN/cnitool" "$@" 2>"$TMP/err"
}

# fake TAG [EXTRA_JSON]: one plugin entry of the stand-in plugin, logging to $TMP/log.
fake() { printf '{"type":"fake","tag":"%s","log":"%s"%s}' "$1" "$TMP/log" "${2:+,$2}"; }

# conflist FILE NAME VERSION TOPLEVEL_EXTRA PLUGIN...
conflist() {
	local file=$1 name=$2 version=$3 extra=$4
	shift 4
	local plugins
	plugins=$(
		IFS=,
		echo "$*"
	)
	printf '{"cniVersion":"%s","name":"%s"%s,"plugins":[%s]}' "$version" "$name" "${extra:+,$extra}" \
		"$plugins" >"$TMP/net.d/$file"
}

calls() { paste -sd, "$TMP/log/calls"; }
stdin_of() { cat "$TMP/log/$1.stdin"; }
env_of() { grep "^$2=" "$TMP/log/$1.env" | cut -d= -f2-; }
expected_id() { printf 'cnitool-%s' "$(printf '%s' "$1" | sha512sum | cut -c1-20)"; }
cache_file() { echo "$TMP/cache/results/$1-$(expected_id "$2")-${3:-eth0}"; }
err_has() { grep -qF -- "$1" "$TMP/err" || fail "stderr lacks '$1': $(cat "$TMP/err")"; }

@test "ADD runs the plugins in order, each given the previous result, and caches the last" {
	for v in $CNI_VERSIONS_IPS; do
		rm -rf "$TMP/log"/* "$TMP/cache"
		conflist 10-n.conflist net1 "$v" "" "$(fake a)" "$(fake b)"
		run tool add net1 "$NS1"
		[ "$status" -eq 0 ]
		[ "$(calls)" = "ADD a,ADD b" ]
		assert_json ".cniVersion == \"$v\" and [.interfaces[].name] == [\"a\",\"b\"]"
		# libcni injects name and cniVersion; the first plugin has no prevResult, the second has a's.
		assert_json ".name == \"net1\" and .cniVersion == \"$v\" and (has(\"prevResult\") | not)" "$(stdin_of 1)"
		assert_json ".prevResult.cniVersion == \"$v\" and [.prevResult.interfaces[].name] == [\"a\"]" "$(stdin_of 2)"
		[ "$(env_of 1 CNI_COMMAND)" = ADD ]
		[ "$(env_of 1 CNI_CONTAINERID)" = "$(expected_id "$NS1")" ]
		[ "$(env_of 1 CNI_NETNS)" = "$NS1" ]
		[ "$(env_of 1 CNI_IFNAME)" = eth0 ]
		[ "$(env_of 1 CNI_PATH)" = "$TMP/plugins" ]
		result=$output
		file=$(cache_file net1 "$NS1")
		[ -f "$file" ]
		[ "$(stat -c %a "$file")" = 600 ]
		[ "$(stat -c %a "$TMP/cache/results")" = 700 ]
		assert_json ".result == ($result)" "$(cat "$file")"
	done
}

@test "the cache entry has libcni's cniCacheV1 format" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)"
	run tool CNI_ARGS="K8S_POD_NAME=p;IgnoreUnknown=1" CAP_ARGS='{"portMappings":[{"hostPort":80}]}' \
		CNI_IFNAME=net0 add net1 $NS1
	[ "$status" -eq 0 ]
	entry=$(cat "$(cache_file net1 "$NS1" net0)")
	assert_json "keys_unsorted == [\"kind\",\"containerId\",\"config\",\"ifName\",\"networkName\",\"netns\",\"cniArgs\",\"capabilityArgs\",\"result\"]" "$entry"
	assert_json ".kind == \"cniCacheV1\" and .containerId == \"$(expected_id "$NS1")\"" "$entry"
	assert_json ".ifName == \"net0\" and .networkName == \"net1\" and .netns == \"$NS1\"" "$entry"
	assert_json '.cniArgs == [["K8S_POD_NAME","p"],["IgnoreUnknown","1"]]' "$entry"
	assert_json '.capabilityArgs == {"portMappings":[{"hostPort":80}]}' "$entry"
	# config is the conflist's bytes, base64 (Go's []byte encoding).
	[ "$(jq -r .config <<<"$entry" | base64 -d)" = "$(cat "$TMP/net.d/10-n.conflist")" ]
	# The plugin saw the pairs as CNI_ARGS.
	[ "$(env_of 1 CNI_ARGS)" = "K8S_POD_NAME=p;IgnoreUnknown=1" ]
	# Without args and capabilities those keys are left out (omitempty).
	run tool add net1 "$TMP/ns2"
	[ "$status" -eq 0 ]
	assert_json '(has("cniArgs") or has("capabilityArgs")) | not' "$(cat "$(cache_file net1 "$TMP/ns2")")"
}

@test "DEL runs in reverse order with the cached result as prevResult and drops the cache" {
	for v in 0.4.0 1.0.0 1.1.0; do
		rm -rf "$TMP/log"/* "$TMP/cache"
		conflist 10-n.conflist net1 "$v" "" "$(fake a)" "$(fake b)" "$(fake c)"
		run tool add net1 "$NS1"
		[ "$status" -eq 0 ]
		run tool del net1 "$NS1"
		[ "$status" -eq 0 ]
		[ "$(calls)" = "ADD a,ADD b,ADD c,DEL c,DEL b,DEL a" ]
		for n in 4 5 6; do
			assert_json "[.prevResult.interfaces[].name] == [\"a\",\"b\",\"c\"] and .prevResult.cniVersion == \"$v\"" "$(stdin_of $n)"
		done
		[ ! -e "$(cache_file net1 "$NS1")" ]
		# A second DEL succeeds, now without prevResult.
		run tool del net1 "$NS1"
		[ "$status" -eq 0 ]
		assert_json 'has("prevResult") | not' "$(stdin_of 7)"
	done
}

@test "DEL before 0.4.0 gets no prevResult" {
	conflist 10-n.conflist net1 0.3.1 "" "$(fake a)"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	run tool del net1 "$NS1"
	[ "$status" -eq 0 ]
	assert_json 'has("prevResult") | not' "$(stdin_of 2)"
	[ ! -e "$(cache_file net1 "$NS1")" ]
}

@test "CHECK runs in order with the cached result; disableCheck and old versions" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)" "$(fake b)"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	run tool check net1 "$NS1"
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,ADD b,CHECK a,CHECK b" ]
	assert_json '[.prevResult.interfaces[].name] == ["a","b"]' "$(stdin_of 3)"
	[ "$(env_of 3 CNI_COMMAND)" = CHECK ]

	conflist 10-n.conflist net1 1.0.0 '"disableCheck":true' "$(fake a)" "$(fake b)"
	run tool check net1 "$NS1"
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,ADD b,CHECK a,CHECK b" ]
	conflist 10-n.conflist net1 1.0.0 '"disableCheck":"TRUE"' "$(fake a)"
	run tool check net1 "$NS1"
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,ADD b,CHECK a,CHECK b" ]

	conflist 10-n.conflist net1 0.3.1 "" "$(fake a)"
	run tool check net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has 'configuration version "0.3.1" does not support the CHECK command'
	[ "$(calls)" = "ADD a,ADD b,CHECK a,CHECK b" ]
}

@test "a failing CHECK stops at that plugin with its message" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a '"fail":{"CHECK":11}')" "$(fake b)"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	run tool check net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has "a refuses CHECK; on purpose"
	[ "$(calls)" = "ADD a,ADD b,CHECK a" ]
}

@test "cniVersions picks the highest supported version" {
	conflist 10-n.conflist net1 0.3.1 '"cniVersions":["0.4.0","1.0.0","9.9.9"]' "$(fake a)"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	assert_json '.cniVersion == "1.0.0"' "$(stdin_of 1)"
	assert_json '.cniVersion == "1.0.0"'
	# cniVersion wins when higher than every supported entry.
	printf '{"cniVersion":"1.1.0","cniVersions":["0.4.0"],"name":"net2","plugins":[%s]}' "$(fake a)" >"$TMP/net.d/20-n.conflist"
	run tool add net2 "$NS1"
	[ "$status" -eq 0 ]
	assert_json '.cniVersion == "1.1.0"' "$(stdin_of 2)"
	printf '{"cniVersions":["x.y"],"name":"net3","plugins":[%s]}' "$(fake a)" >"$TMP/net.d/30-n.conflist"
	run tool add net3 "$NS1"
	[ "$status" -eq 1 ]
	err_has "invalid cniVersions entry x.y at index 0"
}

@test "capability arguments reach only plugins that declare them true" {
	conflist 10-n.conflist net1 1.0.0 "" \
		"$(fake a '"capabilities":{"portMappings":true,"bandwidth":false}')" \
		"$(fake b '"capabilities":{"bandwidth":true},"runtimeConfig":{"keep":1}')" \
		"$(fake c '"runtimeConfig":{"keep":2}')"
	run tool CAP_ARGS='{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}],"ipRanges":[]}' add net1 $NS1
	[ "$status" -eq 0 ]
	assert_json '.runtimeConfig == {"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp"}]}' "$(stdin_of 1)"
	# Nothing to inject leaves the plugin's own runtimeConfig as it was.
	assert_json '.runtimeConfig == {"keep":1}' "$(stdin_of 2)"
	assert_json '.runtimeConfig == {"keep":2}' "$(stdin_of 3)"
	run tool CAP_ARGS='[1]' add net1 $NS1
	[ "$status" -eq 1 ]
	err_has "CAP_ARGS"
}

@test "interface name from -i, --ifname, CNI_IFNAME, default eth0" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)"
	run tool add net1 "$NS1"
	run tool -i net7 add net1 "$NS1"
	run tool add --ifname=net8 net1 "$NS1"
	run tool CNI_IFNAME=net9 add net1 $NS1
	[ "$status" -eq 0 ]
	[ "$(env_of 1 CNI_IFNAME)" = eth0 ]
	[ "$(env_of 2 CNI_IFNAME)" = net7 ]
	[ "$(env_of 3 CNI_IFNAME)" = net8 ]
	[ "$(env_of 4 CNI_IFNAME)" = net9 ]
	for i in eth0 net7 net8 net9; do [ -f "$(cache_file net1 "$NS1" "$i")" ]; done
	run tool -i 'bad/name' add net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has "interface name contains / or : or whitespace characters"
}

@test "the container ID is derived from the absolute, cleaned netns path" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)"
	cd "$TMP"
	run tool add net1 ./x/../ns1
	[ "$status" -eq 0 ]
	[ "$(env_of 1 CNI_NETNS)" = "$NS1" ]
	[ "$(env_of 1 CNI_CONTAINERID)" = "$(expected_id "$NS1")" ]
	# The value upstream cnitool computes for this path.
	[ "$(expected_id /var/run/netns/testing)" = "$(printf '/var/run/netns/testing' | sha512sum | cut -c1-20 | sed 's/^/cnitool-/')" ]
}

@test "a single .conf is wrapped as a one-plugin list; conflists come first" {
	printf '{"cniVersion":"1.0.0","name":"single","type":"fake","tag":"s","log":"%s"}' "$TMP/log" >"$TMP/net.d/10-single.conf"
	run tool add single "$NS1"
	[ "$status" -eq 0 ]
	assert_json '.name == "single" and .tag == "s" and .cniVersion == "1.0.0"' "$(stdin_of 1)"
	config=$(jq -r .config "$(cache_file single "$NS1")" | base64 -d)
	assert_json 'keys_unsorted == ["cniVersion","name","plugins"] and .plugins[0].tag == "s"' "$config"
	# A conflist with the same name wins over the .conf, whatever the file names.
	conflist 99-single.conflist single 1.0.0 "" "$(fake fromlist)"
	run tool add single "$NS1"
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD s,ADD fromlist" ]
	# .json files are read too.
	printf '{"cniVersion":"1.0.0","name":"js","type":"fake","tag":"j","log":"%s"}' "$TMP/log" >"$TMP/net.d/05.json"
	run tool add js "$NS1"
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD s,ADD fromlist,ADD j" ]
}

@test "a plugin result without cniVersion takes the config's" {
	conflist 10-n.conflist net1 0.4.0 "" "$(fake a '"noVersion":true')" "$(fake b)"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	assert_json '.prevResult.cniVersion == "0.4.0"' "$(stdin_of 2)"
}

@test "a failing ADD reports the plugin's error and caches nothing" {
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)" "$(fake b '"name":"bee","fail":{"ADD":7}')" "$(fake c)"
	run tool add net1 "$NS1"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	err_has 'plugin type="fake" name="bee" failed (add): b refuses ADD; on purpose'
	[ "$(calls)" = "ADD a,ADD b" ]
	[ ! -e "$(cache_file net1 "$NS1")" ]
	# DEL errors name the plugin too and keep the cache entry.
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)" "$(fake b '"fail":{"DEL":11}')"
	run tool add net1 "$NS1"
	[ "$status" -eq 0 ]
	run tool del net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has 'plugin type="fake" failed (delete): b refuses DEL; on purpose'
	[ -e "$(cache_file net1 "$NS1")" ]
}

@test "errors: missing plugin, unknown network, bad lists, bad arguments" {
	conflist 10-n.conflist net1 1.0.0 "" '{"type":"nope"}'
	run tool add net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has "plugin type=\"nope\" failed (add): failed to find plugin \"nope\" in path [$TMP/plugins]"
	run tool CNI_PATH=/x:/y add net1 "$NS1"
	err_has 'failed to find plugin "nope" in path [/x /y]'

	run tool add other "$NS1"
	[ "$status" -eq 1 ]
	err_has "no net configuration with name \"other\" in $TMP/net.d"
	rm "$TMP/net.d"/*
	run tool add other "$NS1"
	[ "$status" -eq 1 ]
	err_has "no net configurations found in $TMP/net.d"

	echo '{"cniVersion":"1.0.0","plugins":[]}' >"$TMP/net.d/10.conflist"
	run tool add net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has "error parsing configuration list: no name"
	echo '{"cniVersion":"1.0.0","name":"net1","plugins":[]}' >"$TMP/net.d/10.conflist"
	run tool add net1 "$NS1"
	err_has "error parsing configuration list: no plugins in list"
	echo '{"cniVersion":"1.0.0","name":"net1","plugins":[{"name":"x"}]}' >"$TMP/net.d/10.conflist"
	run tool add net1 "$NS1"
	err_has "failed to parse plugin config 0: error parsing configuration: missing 'type'"
	echo '{"cniVersion":"1.0.0","name":"net1","disableCheck":"maybe","plugins":[{"type":"fake"}]}' >"$TMP/net.d/10.conflist"
	run tool add net1 "$NS1"
	err_has 'error parsing configuration list: invalid value "maybe" for disableCheck'
	echo '{"name":' >"$TMP/net.d/10.conflist"
	run tool add net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has "error parsing configuration list"

	conflist 10.conflist net1 1.0.0 "" "$(fake a)"
	run tool CNI_ARGS="A=1;B" add net1 $NS1
	[ "$status" -eq 1 ]
	err_has 'invalid CNI_ARGS pair "B"'
	run tool add net1
	[ "$status" -eq 1 ]
	err_has "requires at least 2 arg(s)"
	run tool frob net1 "$NS1"
	[ "$status" -eq 1 ]
	err_has 'unknown command "frob"'
	[ ! -e "$TMP/log/calls" ]
}

@test "GC passes the cached attachments as valid and DELs the stale ones" {
	conflist 10-n.conflist net1 1.1.0 "" "$(fake a)" "$(fake b)"
	conflist 20-o.conflist other 1.1.0 "" "$(fake o)"
	run tool add net1 "$TMP/ns1"
	run tool add net1 "$TMP/ns2"
	run tool add other "$TMP/ns1"
	[ "$status" -eq 0 ]
	id1=$(expected_id "$TMP/ns1")
	id2=$(expected_id "$TMP/ns2")
	run tool gc net1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,ADD b,ADD a,ADD b,ADD o,GC a,GC b" ]
	expect="[{\"containerID\":\"$id1\",\"ifname\":\"eth0\"},{\"containerID\":\"$id2\",\"ifname\":\"eth0\"},{\"containerID\":\"$id1\",\"ifname\":\"eth0\"}]"
	s=$(stdin_of 6)
	assert_json "(.\"cni.dev/valid-attachments\" | sort) == ($expect | sort)" "$s"
	assert_json '."cni.dev/attachments" == ."cni.dev/valid-attachments" and .name == "net1" and .cniVersion == "1.1.0"' "$s"
	[ -z "$(env_of 6 CNI_CONTAINERID)" ]
	[ -z "$(env_of 6 CNI_NETNS)" ]
	[ -z "$(env_of 6 CNI_IFNAME)" ]
	[ "$(env_of 6 CNI_COMMAND)" = GC ]

	# An explicit valid list: the attachment of ns2 is stale, so it is deleted (reverse order,
	# cached result, cached netns) before the plugins' GC; the other network is left alone.
	run tool CNI_VALID_ATTACHMENTS="[{\"containerID\":\"$id1\",\"ifname\":\"eth0\"}]" gc net1 $TMP/ns1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,ADD b,ADD a,ADD b,ADD o,GC a,GC b,DEL b,DEL a,GC a,GC b" ]
	[ "$(env_of 8 CNI_CONTAINERID)" = "$id2" ]
	[ "$(env_of 8 CNI_NETNS)" = "$TMP/ns2" ]
	assert_json '[.prevResult.interfaces[].name] == ["a","b"]' "$(stdin_of 8)"
	assert_json ".\"cni.dev/valid-attachments\" == [{\"containerID\":\"$id1\",\"ifname\":\"eth0\"}]" "$(stdin_of 10)"
	[ ! -e "$(cache_file net1 "$TMP/ns2")" ]
	[ -e "$(cache_file net1 "$TMP/ns1")" ]
	[ -e "$(cache_file other "$TMP/ns1")" ]
}

@test "GC: disableGC does nothing, before 1.1.0 only stale attachments are deleted, errors are joined" {
	conflist 10-n.conflist net1 1.1.0 '"disableGC":true' "$(fake a)"
	run tool add net1 "$NS1"
	run tool CNI_VALID_ATTACHMENTS='[]' gc net1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a" ]
	[ -e "$(cache_file net1 "$NS1")" ]

	conflist 10-n.conflist net1 1.0.0 "" "$(fake a)"
	run tool CNI_VALID_ATTACHMENTS='[]' gc net1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "ADD a,DEL a" ]
	[ ! -e "$(cache_file net1 "$NS1")" ]

	conflist 10-n.conflist net1 1.1.0 "" "$(fake a '"fail":{"GC":11}')" "$(fake b '"fail":{"GC":5}')"
	run tool gc net1
	[ "$status" -eq 1 ]
	err_has "failed to GC plugin fake: a refuses GC"
	err_has "failed to GC plugin fake: b refuses GC"
	[ "$(calls)" = "ADD a,DEL a,GC a,GC b" ]
}

@test "STATUS asks every plugin from 1.1.0 on and stops at the first failure" {
	conflist 10-n.conflist net1 1.1.0 "" "$(fake a)" "$(fake b)"
	run tool status net1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "STATUS a,STATUS b" ]
	assert_json '.name == "net1" and .cniVersion == "1.1.0" and (has("prevResult") | not)' "$(stdin_of 1)"
	[ -z "$(env_of 1 CNI_CONTAINERID)" ]
	run tool status net1 "$NS1"
	[ "$status" -eq 0 ]
	conflist 10-n.conflist net1 1.1.0 "" "$(fake a '"fail":{"STATUS":50}')" "$(fake b)"
	run tool status net1
	[ "$status" -eq 1 ]
	err_has "a refuses STATUS; on purpose"
	[ "$(calls)" = "STATUS a,STATUS b,STATUS a,STATUS b,STATUS a" ]
	conflist 10-n.conflist net1 1.0.0 "" "$(fake a '"fail":{"STATUS":50}')"
	run tool status net1
	[ "$status" -eq 0 ]
	[ "$(calls)" = "STATUS a,STATUS b,STATUS a,STATUS b,STATUS a" ]
}

# ---- the reference plugins (Debian's /usr/lib/cni) through our cnitool --------------------------

ref_list() {
	cat >"$TMP/net.d/10-ref.conflist" <<-EOF
		{"cniVersion":"$1","name":"refnet","plugins":[
		 {"type":"bridge","bridge":"${PFX}br","isGateway":true,"ipMasq":false,
		  "ipam":{"type":"host-local","subnet":"10.77.3.0/24","dataDir":"$DATA_DIR"}},
		 {"type":"portmap","capabilities":{"portMappings":true},"snat":false},
		 {"type":"loopback"}]}
	EOF
}

# node_tool PLUGIN_DIR [VAR=VALUE...] ARGS...: cnitool run inside the node netns.
node_tool() {
	local dir=$1
	shift
	ip netns exec "$NODE" bash -c "$(declare -f tool); BIN=$BIN TMP=$TMP; tool CNI_PATH=$dir \"\$@\"" _ "$@"
}

@test "reference bridge, host-local, portmap and loopback through cnitool" {
	[ -x "$REF_BIN/bridge" ] || skip "no reference plugins in $REF_BIN"
	for v in 0.4.0 1.0.0; do
		rm -rf "$DATA_DIR"
		ref_list "$v"
		run node_tool "$REF_BIN" \
			CAP_ARGS='{"portMappings":[{"hostPort":18080,"containerPort":80,"protocol":"tcp"}]}' \
			add refnet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		assert_json ".cniVersion == \"$v\" and .ips[0].address == \"10.77.3.2/24\" and .ips[0].gateway == \"10.77.3.1\""
		assert_json "[.interfaces[] | select(.sandbox == \"/run/netns/$CTR\") | .name] == [\"eth0\"]"
		ip -n "$CTR" -j addr show eth0 | jq -e '.[0].addr_info[] | select(.local == "10.77.3.2")' >/dev/null
		ip netns exec "$CTR" ping -c1 -W2 10.77.3.1 >/dev/null
		entry=$(cat "$TMP/cache/results/refnet-$(expected_id "/run/netns/$CTR")-eth0")
		assert_json ".capabilityArgs.portMappings[0].hostPort == 18080 and .result.ips[0].address == \"10.77.3.2/24\"" "$entry"
		run node_tool "$REF_BIN" check refnet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		run node_tool "$REF_BIN" del refnet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		run ip -n "$CTR" link show eth0
		[ "$status" -ne 0 ]
		[ -z "$(ls "$TMP/cache/results")" ]
		[ "$(ls "$DATA_DIR/refnet" | grep -c '^10\.')" -eq 0 ]
		ip -n "$NODE" link del "${PFX}br"
	done
}

@test "our plugins through cnitool, where they are built" {
	[ -x "$BIN/loopback" ] || skip "loopback not built"
	local plugins='{"type":"loopback"}' have_bridge=false
	if [ -x "$BIN/bridge" ] && [ -x "$BIN/host-local" ]; then
		have_bridge=true
		plugins="{\"type\":\"bridge\",\"bridge\":\"${PFX}br\",\"isGateway\":true,\"ipam\":{\"type\":\"host-local\",\"subnet\":\"10.77.4.0/24\",\"dataDir\":\"$DATA_DIR\"}},$plugins"
	fi
	for v in 0.4.0 1.0.0 1.1.0; do
		rm -rf "$DATA_DIR"
		printf '{"cniVersion":"%s","name":"ournet","plugins":[%s]}' "$v" "$plugins" >"$TMP/net.d/10-our.conflist"
		run node_tool "$BIN" add ournet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		assert_json ".cniVersion == \"$v\""
		ip -n "$CTR" -j link show lo | jq -e '.[0].flags | index("UP")' >/dev/null
		if $have_bridge; then
			assert_json '.ips[0].address == "10.77.4.2/24"'
			ip netns exec "$CTR" ping -c1 -W2 10.77.4.1 >/dev/null
		fi
		run node_tool "$BIN" check ournet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		run node_tool "$BIN" status ournet
		[ "$status" -eq 0 ]
		run node_tool "$BIN" del ournet "/run/netns/$CTR"
		[ "$status" -eq 0 ]
		[ -z "$(ls "$TMP/cache/results")" ]
		if $have_bridge; then ip -n "$NODE" link del "${PFX}br" 2>/dev/null || true; fi
	done
}
