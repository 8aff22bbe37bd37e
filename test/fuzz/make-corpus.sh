#!/bin/bash
# Regenerate the checked-in seed corpora (test/fuzz/corpus/<target>/) from conf-examples, the
# configs, CNI_ARGS and results the bats suites use, and results printed by our static IPAM.
# Usage: test/fuzz/make-corpus.sh [BIN_DIR]   (BIN_DIR holds a built `static`; default build/bin)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/bin}
OUT=test/fuzz/corpus
VERSIONS="0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0"
TMP=$(mktemp -d /tmp/cni-fuzz-corpus.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# seed TARGET: stdin becomes one seed file, named by its hash as libFuzzer names its own.
seed() {
	mkdir -p "$OUT/$1"
	cat >"$TMP/seed"
	cp "$TMP/seed" "$OUT/$1/$(sha1sum "$TMP/seed" | cut -c1-40)"
}

# Every plugin config of the examples, as the runtime hands it (cniVersion and name added).
plugin_configs() {
	local f
	for f in conf-examples/*.conflist; do
		jq -c '. as $l | .plugins[] | {cniVersion: $l.cniVersion, name: $l.name} + .' "$f"
	done
}

# JSON object literals in a bats suite ('{...}' on one line), as the tests merge them.
test_literals() {
	{ grep -ho "'{[^']*}'" "test/$1.bats" 2>/dev/null || true; } | sed "s/^'//; s/'\$//" |
		while IFS= read -r j; do jq -ce 'objects' <<<"$j" 2>/dev/null || true; done
}

test_args() {
	grep -ho 'CNI_ARGS="[^"$]*"' test/*.bats | sed 's/^CNI_ARGS="//; s/"$//' | sort -u
}

rm -rf "$OUT"
plugin_configs >"$TMP/configs"

# Plugin config targets: "<CNI_ARGS>\n<config>".
for target in bridge ptp macvlan ipvlan vxlan-overlay portmap bandwidth tuning firewall sriov \
	dpdk-vhost; do
	name=${target//-/_}_config
	jq -c --arg t "$target" 'select(.type == $t)' "$TMP/configs" >"$TMP/base"
	# A plugin without an example starts from its bare type.
	[ -s "$TMP/base" ] ||
		jq -nc --arg t "$target" '{cniVersion: "1.1.0", name: "fuzz-net", type: $t}' >"$TMP/base"
	while IFS= read -r base; do
		printf '\n%s' "$base" | seed "$name"
		for v in $VERSIONS; do
			jq -c --arg v "$v" '.cniVersion = $v' <<<"$base" | sed '1s/^/\n/' | seed "$name"
		done
		test_literals "$target" | while IFS= read -r extra; do
			jq -c --argjson x "$extra" '. * $x' <<<"$base" | sed '1s/^/\n/' | seed "$name"
		done
		printf 'IgnoreUnknown=1;MAC=0a:58:0a:4d:00:43;IP=10.88.0.9\n%s' "$base" | seed "$name"
	done <"$TMP/base"
done
# vxlan-overlay: peersFile's string is the file's content in the fuzz target.
jq -c 'select(.type == "vxlan-overlay") | del(.peers) |
	.peersFile = "[{\"nodeIP\":\"192.168.50.2\",\"podSubnet\":\"10.244.2.0/24\"}]"' \
	"$TMP/configs" | sed '1s/^/\n/' | seed vxlan_overlay_config

# The request target and the IPAM targets get every config, host-local/static their own tests'.
while IFS= read -r c; do
	printf '\n%s' "$c" | seed request
	jq -c '.ipam.type' <<<"$c" | grep -q host-local && printf '\n%s' "$c" | seed host_local_config
done <"$TMP/configs"
for suite in host-local static; do
	name=${suite//-/_}_config
	test_literals "$suite" | while IFS= read -r extra; do
		jq -c --argjson x "$extra" --arg t "$suite" \
			'{cniVersion: "1.1.0", name: "fuzz-net", ipam: ({type: $t} + (.ipam // {}))} * {ipam: $x}' \
			<<<'{}' | sed '1s/^/\n/' | seed "$name"
	done
done
test_args | while IFS= read -r a; do
	printf '%s' "$a" | seed args
	printf '%s\n{"cniVersion":"1.1.0","name":"n","ipam":{"type":"host-local","subnet":"10.20.0.0/16"}}' \
		"$a" | seed host_local_config
	printf '%s\n{"cniVersion":"1.1.0","name":"n","ipam":{"type":"static","addresses":[{"address":"10.20.0.9/16"}]}}' \
		"$a" | seed static_config
done
printf '\n{"cniVersion":"1.1.0","name":"n","ipam":{"type":"static","addresses":[{"address":"10.10.0.1/24","gateway":"10.10.0.254"},{"address":"3ffe:ffff:0:01ff::1/64"}],"routes":[{"dst":"0.0.0.0/0"},{"dst":"192.168.0.0/16","gw":"10.10.5.1"}],"dns":{"nameservers":["8.8.8.8"],"domain":"example.com","search":["example.com"]}},"runtimeConfig":{"ips":["10.10.0.7/24"]},"args":{"cni":{"ips":["10.10.0.8/24"]}}}' |
	seed static_config
printf '\n{"cniVersion":"1.1.0","name":"n","cni.dev/valid-attachments":[{"containerID":"a","ifname":"eth0"}],"dns":{"nameservers":["10.0.0.1"]},"runtimeConfig":{"portMappings":[]},"args":{"cni":{}}}' |
	seed request

# Results of every version, printed by our static IPAM: the prevResult, cache and request seeds.
for v in $VERSIONS; do
	conf=$(jq -nc --arg v "$v" '{cniVersion: $v, name: "n", ipam: {type: "static",
		addresses: [{address: "10.10.0.5/24", gateway: "10.10.0.1"}, {address: "fd10::5/64"}],
		routes: [{dst: "0.0.0.0/0", gw: "10.10.0.1"}],
		dns: {nameservers: ["10.10.0.1"], domain: "d", search: ["s"], options: ["o"]}}}')
	res=$(printf '%s' "$conf" | CNI_COMMAND=ADD CNI_CONTAINERID=c CNI_NETNS=/run/netns/fuzz-none \
		CNI_IFNAME=eth0 CNI_PATH=/nonexistent "$BIN/static")
	printf '%s' "$res" | seed prev_result
	jq -c --argjson r "$res" '. + {prevResult: $r}' <<<"$conf" | sed '1s/^/\n/' | seed request
	jq -c --argjson r "$res" '. + {prevResult: $r}' <<<"$conf" | sed '1s/^/\n/' | seed static_config
	# firewall reads its addresses from the prevResult.
	jq -c --argjson r "$res" --arg v "$v" 'select(.type == "firewall") | .cniVersion = $v |
		. + {prevResult: $r}' "$TMP/configs" | sed '1s/^/\n/' | seed firewall_config
	jq -nc --argjson r "$res" --arg v "$v" '{kind: "cniCacheV1", containerId: "fuzz-container",
		config: ("{\"cniVersion\":\"" + $v + "\",\"name\":\"fuzz\",\"plugins\":[{\"type\":\"bridge\"}]}" | @base64),
		ifName: "eth0", networkName: "fuzz", netns: "/run/netns/x",
		cniArgs: [["IgnoreUnknown", "1"], ["K8S_POD_NAME", "p"]],
		capabilityArgs: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]},
		result: $r}' | seed cache
	printf '%s' "$res" | seed cache
done
printf '%s' '{"cniVersion":"1.1.0","interfaces":[{"name":"cni0","mac":"0a:58:0a:58:00:01"},{"name":"veth1","mac":"2a:00:00:00:00:01"},{"name":"eth0","mac":"0a:58:0a:58:00:05","sandbox":"/run/netns/x","mtu":1500,"socketPath":"/s","pciID":"0000:00:01.0"}],"ips":[{"interface":2,"address":"10.88.0.5/16","gateway":"10.88.0.1"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.88.0.1","mtu":1400,"advmss":1360,"priority":10,"table":100,"scope":0}],"dns":{}}' |
	seed prev_result

# dpdk-vhost's and sriov's runtimeConfig (the mac and deviceID capabilities) and other modes.
printf '\n%s' '{"cniVersion":"1.1.0","name":"n","type":"dpdk-vhost","vhostMode":"server","socketDir":"/run/x/","controlSocket":"/run/fp.sock","mac":"02:00:00:00:00:02","vlan":4094,"runtimeConfig":{"mac":"02:00:00:00:00:01"}}' |
	seed dpdk_vhost_config
printf 'MAC=02:00:00:00:00:03\n%s' '{"cniVersion":"0.4.0","name":"n","type":"dpdk-vhost","vhostMode":"CLIENT"}' |
	seed dpdk_vhost_config
printf '\n%s' '{"cniVersion":"1.1.0","name":"n","type":"sriov","deviceID":"0000:3b:02.0","vlan":100,"vlanQoS":3,"vlanProto":"802.1ad","spoofchk":"off","trust":"on","link_state":"enable","min_tx_rate":10,"max_tx_rate":100,"mtu":9000,"fastpath":true,"fastpathSocket":"/run/fp.sock","runtimeConfig":{"deviceID":"0000:3b:02.1","mac":"02:00:00:00:00:04"},"ipam":{"type":"host-local","subnet":"10.56.0.0/24"}}' |
	seed sriov_config

# firewall after a bridge: interfaces[0] is the bridge, the addresses of both families.
jq -c 'select(.type == "firewall") | . + {prevResult: {cniVersion: .cniVersion,
	interfaces: [{name: "cni0", mac: "0a:58:0a:58:00:01"}, {name: "veth1"}, {name: "eth0", sandbox: "/run/netns/x"}],
	ips: [{interface: 2, address: "10.88.0.5/16", gateway: "10.88.0.1"}, {interface: 2, address: "fd00::5/64"}]}}' \
	"$TMP/configs" | while IFS= read -r c; do
	printf '\n%s' "$c" | seed firewall_config
	for p in open same-bridge isolated; do
		for b in iptables nftables firewalld; do
			jq -c --arg p "$p" --arg b "$b" '. + {ingressPolicy: $p, backend: $b}' <<<"$c" |
				sed '1s/^/\n/' | seed firewall_config
		done
	done
done

# fastpathd's control lines: every op as pkg/fastpath's client sends it, and the hostile
# requests of its suite.
{ grep -ho "FPCTL raw '[^']*'" test/fastpathd.bats || true; } | sed "s/^FPCTL raw '//; s/'\$//" |
	while IFS= read -r l; do printf '%s' "$l" | seed fastpathd_request; done
for l in \
	'{"op":"add-port","port":{"name":"dv-0123456789abcdef","type":"vhost-user","socket":"/run/cni-c/vhost/c-eth0/vhost-user.sock","mode":"server","mac":"02:00:00:00:00:0a","vlan":10,"trunk":false,"learn":false}}' \
	'{"op":"add-port","port":{"name":"uplink","type":"ethdev","devargs":"net_af_packet0,iface=eth1","vlan":0,"trunk":true,"learn":true}}' \
	'{"op":"add-port","port":{"name":"vf0","type":"ethdev","devargs":"0000:3b:02.0","mac":"02:00:00:00:00:0b"}}' \
	'{"op":"del-port","name":"dv-0123456789abcdef"}' '{"op":"list"}' '{"op":"list","name":"uplink"}' \
	'{"op":"stats"}' '{"op":"stats","name":"A"}' '{"op":"macs"}' '{"op":"status"}' \
	'{"op":"list","name":""}' '{"op":"del-port"}' '{"op":1}' '{"op":"status","op":"macs"}'; do
	printf '%s' "$l" | seed fastpathd_request
done
# An unknown op whose error message is cut inside a UTF-8 sequence: once answered with nothing.
printf '{"op":"%s\342\202\254"}' "$(printf 'a%.0s' $(seq 498))" | seed fastpathd_request

# Conflists: the examples, a single .conf named "fuzz", and the libcni options.
for f in conf-examples/*.conflist; do seed conflist <"$f"; done
printf '%s' '{"cniVersion":"1.0.0","name":"fuzz","type":"bridge","bridge":"cni0","ipam":{"type":"host-local","subnet":"10.1.0.0/16"}}' | seed conflist
printf '%s' '{"cniVersion":"1.0.0","cniVersions":["0.4.0","1.0.0","1.1.0","2.0.0"],"name":"fuzz","disableCheck":"true","disableGC":false,"loadOnlyInlinedPlugins":true,"plugins":[{"type":"bridge"},{"type":"portmap","capabilities":{"portMappings":true}}]}' | seed conflist

# Reservation files: "<file name>\n<content>", as host-local and its legacy versions wrote them.
printf '10.88.0.5\nctr-1\r\neth0' | seed reservation
printf '10.88.0.6\nctr-legacy' | seed reservation
printf 'fd00::5\n ctr-2 \r\neth1\n' | seed reservation
printf 'last_reserved_ip.0\n10.88.0.7' | seed reservation
printf 'lock\n' | seed reservation

# resolv.conf
printf '# generated\nnameserver 10.0.0.1\nnameserver fd00::1\ndomain example.com\nsearch a.example b.example\noptions ndots:5 timeout:2\n; comment\n' | seed resolv_conf
printf 'search\tx\r\nnameserver\n  domain d e\n' | seed resolv_conf

for d in "$OUT"/*; do echo "$(basename "$d"): $(ls "$d" | wc -l) seeds"; done
