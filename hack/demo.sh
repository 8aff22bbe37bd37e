#!/bin/bash
# make demo: attach a throwaway container netns to conf-examples/bridge.conflist with cnitool, print
# the result, ping the container from a throwaway "node" netns, then delete it all. The root
# namespace is never touched: everything, cnitool included, runs inside the node netns.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/build/bin}
CONFLIST=${CONFLIST:-conf-examples/bridge.conflist}

PFX="cnidemo$$"
NODE="$PFX-node"
CTR="$PFX-ctr"
TMP=$(mktemp -d /tmp/cni-c-demo.XXXXXX)
cleanup() {
	ip netns del "$CTR" 2>/dev/null || true
	ip netns del "$NODE" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# The example as a user would install it, but with its IPAM state in our temp dir.
mkdir -p "$TMP/net.d"
jq --arg d "$TMP/ipam" '(.plugins[] | select(.ipam) | .ipam.dataDir) = $d' "$CONFLIST" \
	>"$TMP/net.d/$(basename "$CONFLIST")"
NET=$(jq -r .name "$CONFLIST")

ip netns add "$NODE"
ip -n "$NODE" link set lo up
ip netns add "$CTR"

cnitool() {
	ip netns exec "$NODE" env NETCONFPATH="$TMP/net.d" CNI_PATH="$BIN" CNI_CACHE_DIR="$TMP/cache" \
		"$BIN/cnitool" "$@"
}

echo "== cnitool add $NET /run/netns/$CTR"
cnitool add "$NET" "/run/netns/$CTR" | tee "$TMP/result.json"
echo
IP=$(jq -r '[.ips[] | select(.address | contains("."))][0].address | split("/")[0]' "$TMP/result.json")
echo "== ping $IP from the node netns"
ip netns exec "$NODE" ping -c 3 -W 2 "$IP"
echo "== cnitool check $NET"
cnitool check "$NET" "/run/netns/$CTR"
echo "== cnitool del $NET"
cnitool del "$NET" "/run/netns/$CTR"
echo "demo: ok"
