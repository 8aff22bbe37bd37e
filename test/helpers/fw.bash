# Firewall helpers for test/portmap.bats and test/fw.bats: pick the node's iptables flavour,
# dump every backend's rules inside the node netns.

# A directory whose `iptables` points at the legacy or nft binary: put first in PATH, it makes
# pkg/fw's detection (which follows the `iptables` symlink) see that flavour.
fw_flavour_path() {
	local flavour=$1 dir="$TMP/iptables-$1"
	mkdir -p "$dir"
	ln -sf "/usr/sbin/iptables-$flavour" "$dir/iptables"
	ln -sf "/usr/sbin/ip6tables-$flavour" "$dir/ip6tables"
	echo "$dir:$PATH"
}

# The backend key for a flavour name: nftables, iptables-nft, iptables-legacy.
fw_backend_key() {
	case $1 in nftables) echo nftables ;; *) echo iptables ;; esac
}

# fw_run FLAVOUR CMD...: run CMD with the flavour's PATH.
fw_run() {
	local flavour=$1
	shift
	case $flavour in
	iptables-legacy) PATH=$(fw_flavour_path legacy) "$@" ;;
	*) PATH=$(fw_flavour_path nft) "$@" ;;
	esac
}

# Everything the node netns holds, in every backend, as text (for grep).
fw_dump_all() {
	ip netns exec "$NODE" nft list ruleset 2>/dev/null
	ip netns exec "$NODE" iptables-legacy-save 2>/dev/null
	ip netns exec "$NODE" ip6tables-legacy-save 2>/dev/null
}

FW_FLAVOURS="nftables iptables-nft iptables-legacy"
