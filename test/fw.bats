#!/usr/bin/env bats
# pkg/fw behind the ipMasq API (driven by the test-only test/helpers/fw-ipmasq.c until bridge and
# ptp call it), on nftables, iptables-nft and iptables-legacy, in a throwaway node netns.

load helpers/common
load helpers/fw

setup_file() {
	local b=${BUILD:-build}
	local san=""
	case $b in *san*) san="-fsanitize=address,undefined" ;; esac
	# shellcheck disable=SC2046
	cc -std=gnu11 -D_GNU_SOURCE -I"$REPO/pkg" $san -o "$BATS_FILE_TMPDIR/fw-ipmasq" \
		"$REPO/test/helpers/fw-ipmasq.c" "$REPO/$b/libcnic.a" \
		$(pkg-config --libs jansson libnl-route-3.0 libnl-3.0 libnftnl libmnl libip4tc libip6tc)
}

setup() {
	cni_setup
	IPMASQ="$BATS_FILE_TMPDIR/fw-ipmasq"
}

teardown() {
	cni_teardown
}

ipmasq() { # ipmasq FLAVOUR ARGS...
	local f=$1
	shift
	fw_run "$f" ip netns exec "$NODE" env ASAN_OPTIONS=detect_leaks=0 "$IPMASQ" "$1" "$(fw_backend_key "$f")" "${@:2}"
}

ipt_save() { # ipt_save FLAVOUR: both families of the flavour's nat table
	case $1 in
	iptables-legacy) ip netns exec "$NODE" iptables-legacy-save -t nat; ip netns exec "$NODE" ip6tables-legacy-save -t nat ;;
	*) ip netns exec "$NODE" iptables-nft-save -t nat; ip netns exec "$NODE" ip6tables-nft-save -t nat ;;
	esac 2>/dev/null
}

@test "ipMasq setup, idempotent repeat, teardown without addresses, on every backend" {
	for f in $FW_FLAVOURS; do
		ipmasq "$f" setup mynet eth0 c1 10.88.0.5/16 fd00:88::5/64
		ipmasq "$f" setup mynet eth0 c1 10.88.0.5/16 fd00:88::5/64
		if [ "$f" = nftables ]; then
			run ip netns exec "$NODE" nft -j list ruleset
			assert_json '[.nftables[] | .rule? | select(.table == "cni_plugins_masquerade" and .chain == "masq_checks")] | length == 2'
			assert_json '[.nftables[] | .rule? | select(.chain == "masq_checks") | .comment] | all(startswith("d23676b4f2d9fe04-f4d01f2ef4b92245, net: mynet, if: eth0, id: c1"))'
			assert_json '[.nftables[] | .rule? | select(.chain == "postrouting")] | length == 3'
		else
			[ "$(ipt_save "$f" | grep -c -- '-A POSTROUTING -s .* -j CNI-f0bca4ac77cde1bf2f3da5df')" -eq 2 ] || fail "$f: $(ipt_save "$f")"
			[ "$(ipt_save "$f" | grep -c -- '-A CNI-f0bca4ac77cde1bf2f3da5df')" -eq 4 ] || fail "$f: $(ipt_save "$f")"
		fi
		# A DEL after the netns is gone has no addresses: the rules still go.
		ipmasq "$f" teardown mynet eth0 c1
		if fw_dump_all | grep -q 'id: c1\|CNI-f0bca4'; then fail "$f: left $(fw_dump_all)"; fi
		ipmasq "$f" teardown mynet eth0 c1
	done
}

@test "ipMasq iptables rules are those of the reference bridge (ipMasq)" {
	[ -x "$REF_BIN/bridge" ] || skip "no reference bridge"
	for f in iptables-nft iptables-legacy; do
		local c
		c=$(jq -nc --arg dd "$DATA_DIR" --arg br "${PFX}b" '{cniVersion:"1.0.0",name:"mynet",type:"bridge",bridge:$br,isGateway:true,ipMasq:true,
			ipam:{type:"host-local",subnet:"10.88.0.0/16",dataDir:$dd}}')
		CONTAINER_ID=c1 fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec bridge ADD '$c'" >"$TMP/res"
		local ip
		ip=$(jq -r '.ips[0].address' "$TMP/res")
		ipt_save "$f" | grep -- '^-A' | sort >"$TMP/ref"
		CONTAINER_ID=c1 fw_run "$f" env PLUGIN_DIR="$REF_BIN" bash -c "$(declare -f cni_exec); cni_exec bridge DEL '$c'"
		ip netns exec "$NODE" nft flush ruleset
		ip netns exec "$NODE" iptables-legacy -t nat -F 2>/dev/null || true
		ipmasq "$f" setup mynet eth0 c1 "$ip"
		ipt_save "$f" | grep -- '^-A' | sort >"$TMP/ours"
		grep -q CNI- "$TMP/ours" || fail "$f: nothing written"
		diff "$TMP/ref" "$TMP/ours" || fail "$f: differs from the reference"
		ipmasq "$f" teardown mynet eth0 c1
		ip netns exec "$NODE" nft flush ruleset
	done
}

@test "ipMasq GC keeps valid attachments and removes the others, only in its network" {
	for f in $FW_FLAVOURS; do
		ipmasq "$f" setup mynet eth0 keep 10.88.0.5/16
		ipmasq "$f" setup mynet eth0 drop 10.88.0.6/16
		ipmasq "$f" setup other eth0 drop 10.89.0.6/16
		ipmasq "$f" gc mynet keep:eth0
		local all
		all=$(fw_dump_all; ipt_save "$f")
		grep -q 'keep' <<<"$all" || fail "$f: valid removed"
		grep -q '10.89.0.6' <<<"$all" || fail "$f: other network touched"
		if grep -q '10.88.0.6' <<<"$all"; then fail "$f: stale kept"; fi
		ipmasq "$f" teardown mynet eth0 keep
		ipmasq "$f" teardown other eth0 drop
		ip netns exec "$NODE" nft flush ruleset
	done
}

@test "a failing nftables batch lands nothing (all or nothing)" {
	# "prerouting" already exists as a regular chain: the kernel refuses to make it a base chain
	# late in the batch, so none of the chains and rules before it may appear.
	ip netns exec "$NODE" nft add table ip cni_hostport
	ip netns exec "$NODE" nft add chain ip cni_hostport prerouting
	before=$(ip netns exec "$NODE" nft list ruleset)
	run ip netns exec "$NODE" env CNI_COMMAND=ADD CNI_CONTAINERID=x CNI_NETNS=/run/netns/$CTR CNI_IFNAME=eth0 CNI_PATH="$BIN" "$BIN/portmap" <<<'{"cniVersion":"1.0.0","name":"n","type":"portmap","backend":"nftables","runtimeConfig":{"portMappings":[{"hostPort":1,"containerPort":1,"protocol":"tcp"}]},"prevResult":{"cniVersion":"1.0.0","ips":[{"address":"10.1.0.2/24"}]}}'
	[ "$status" -ne 0 ]
	[ "$(ip netns exec "$NODE" nft list ruleset)" = "$before" ] || fail "partial batch: $(ip netns exec "$NODE" nft list ruleset)"
}
