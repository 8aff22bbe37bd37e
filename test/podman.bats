#!/usr/bin/env bats
# Podman's CNI backend (Debian 12's podman 4.3) driving our plugins: `podman network create` of a
# bridge network (bridge, portmap, firewall, tuning) and of a macvlan one, a ptp conflist, and
# containers run on them, all inside the test's node netns with podman's
# config, storage and libcni cache in $TMP. Skipped without podman.
#
# Each podman call runs in a private mount namespace: /var/lib is covered by a directory of $TMP
# (libcni's cache, /var/lib/cni/results, is not configurable through podman), and /sys/fs/cgroup
# by a cgroup2 mount, since crun refuses this host's hybrid v1 layout (containers run with
# --cgroups=disabled). `nsenter --net` rather than `ip netns exec`, which remounts /sys.

load helpers/common

setup() {
	command -v podman >/dev/null || skip "podman not installed (apt-get install podman)"
	command -v crun >/dev/null || skip "crun not installed"
	[ -x /usr/bin/busybox ] && file -L /usr/bin/busybox | grep -q 'statically linked' ||
		skip "no static busybox to build an image from"
	cni_setup
	ip netns list 2>/dev/null | awk '{print $1}' >"$TMP/netns.before"
	MASTER="${PFX}m"
	NB="$PFX-nb"
	cni_add_ns nb
	ip -n "$NODE" link add "$MASTER" type veth peer name eth0 netns "$NB"
	ip -n "$NODE" link set "$MASTER" up
	ip -n "$NB" link set eth0 up
	ip -n "$NB" addr add 10.74.0.1/24 dev eth0
	mkdir -p "$TMP/net.d" "$TMP/storage" "$TMP/run" "$TMP/tmp" "$TMP/varlib" "$TMP/img/bin"
	cat >"$TMP/containers.conf" <<-EOF
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["$BIN"]
		network_config_dir = "$TMP/net.d"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$TMP/events.log"
		tmp_dir = "$TMP/tmp"
		static_dir = "$TMP/storage/libpod"
		volume_path = "$TMP/storage/volumes"
	EOF
	cat >"$TMP/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$TMP/storage"
		runroot = "$TMP/run"
	EOF
	# podman.sh [podman args]: podman in the node netns; "podman.sh -c SCRIPT": SCRIPT with $P set
	# to that podman command, so several calls share one mount namespace.
	cat >"$TMP/podman.sh" <<-EOF
		#!/bin/sh
		mount --bind "$TMP/varlib" /var/lib || exit 1
		mount -t cgroup2 none /sys/fs/cgroup || exit 1
		P="nsenter --net=/run/netns/$NODE env CONTAINERS_CONF=$TMP/containers.conf
		   CONTAINERS_STORAGE_CONF=$TMP/storage.conf CONTAINERS_REGISTRIES_CONF=/dev/null podman"
		if [ "\$1" = -c ]; then export P; exec sh -ec "\$2"; fi
		exec \$P "\$@"
	EOF
	chmod +x "$TMP/podman.sh"
	# An image from a static busybox, imported offline.
	cp /usr/bin/busybox "$TMP/img/bin/"
	for a in sh ip ping cat sleep nc; do ln -s busybox "$TMP/img/bin/$a"; done
	tar -C "$TMP/img" -cf "$TMP/img.tar" .
	pod import "$TMP/img.tar" localhost/cni-c-busybox:1 >/dev/null
}

teardown() {
	local n
	[ -n "${TMP:-}" ] && [ -x "$TMP/podman.sh" ] && pod rm -a -f -t 0 >/dev/null 2>&1
	# podman names its netns netns-<uuid> in /run/netns; its bind mounts lived in our private
	# mount namespaces, so only the files are left: remove the ones this test made.
	for n in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^netns-' || true); do
		grep -qx "$n" "$TMP/netns.before" 2>/dev/null || ip netns del "$n" 2>/dev/null ||
			rm -f "/run/netns/$n"
	done
	cni_teardown
}

pod() {
	unshare -m --propagation private "$TMP/podman.sh" "$@" 2>>"$TMP/stderr"
}

reserved() {
	ls "$DATA_DIR/pmv" 2>/dev/null | grep -v -e lock -e last_reserved || true
}

@test "podman (CNI backend): network create -d macvlan, a container on it reaches the neighbour" {
	[ "$(pod info --format '{{.Host.NetworkBackend}}')" = cni ] || fail "podman does not use CNI"
	run pod network create -d macvlan -o parent="$MASTER" --subnet 10.74.0.0/24 \
		--gateway 10.74.0.1 pmv
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	f="$TMP/net.d/pmv.conflist"
	jq -e --arg m "$MASTER" '.plugins[0].type == "macvlan" and .plugins[0].master == $m' "$f" >/dev/null
	# host-local's state goes under $TMP, not /var/lib/cni/networks.
	jq --arg d "$DATA_DIR" '.plugins[0].ipam.dataDir = $d' "$f" >"$f.new" && mv "$f.new" "$f"

	run pod run --rm --cgroups=disabled --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--network pmv localhost/cni-c-busybox:1 \
		sh -c 'ip -o -4 addr show eth0; ip route show default; ping -c1 -W2 10.74.0.1 >/dev/null && echo PING-OK'
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[[ "$output" == *"inet 10.74.0."*"/24"* ]] || fail "no address from the macvlan network: $output"
	[[ "$output" == *"default via 10.74.0.1 dev eth0"* ]] || fail "no default route: $output"
	[[ "$output" == *PING-OK* ]] || fail "the container did not reach the neighbour: $output"
	# --rm ran DEL: the reservation is released, no macvlan is left in the node netns.
	[ -z "$(reserved)" ]
	[ "$(ip -n "$NODE" -j -d link show type macvlan | jq length)" -eq 0 ]

	# A detached container with a fixed IP: the neighbour pings it; removing it releases the IP.
	# One mount namespace for the three steps: podman's netns bind mount must outlive "run -d".
	run unshare -m --propagation private "$TMP/podman.sh" -c "
		\$P run -d --cgroups=disabled --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
			--network pmv --ip 10.74.0.42 --name pmvc localhost/cni-c-busybox:1 sleep 60
		ip netns exec $NB ping -c1 -W2 10.74.0.42 >/dev/null
		ls $DATA_DIR/pmv | grep -qx 10.74.0.42
		\$P rm -f -t 0 pmvc"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[ -z "$(reserved)" ]
}

@test "podman (CNI backend): a ptp conflist in its network dir, the container reaches the node" {
	# podman cannot create a ptp network, but it runs any conflist found in its network dir.
	jq -n --arg d "$DATA_DIR" '{cniVersion: "1.0.0", name: "pptp", plugins: [
		{type: "ptp", ipam: {type: "host-local", subnet: "10.75.0.0/24", dataDir: $d,
		 routes: [{dst: "0.0.0.0/0"}]}}]}' >"$TMP/net.d/pptp.conflist"
	run pod run --rm --cgroups=disabled --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		--network pptp localhost/cni-c-busybox:1 \
		sh -c 'ip -o -4 addr show eth0; ip route show default; ping -c1 -W2 10.75.0.1 >/dev/null && echo PING-OK'
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[[ "$output" == *"inet 10.75.0."*"/24"* ]] || fail "no address from the ptp network: $output"
	[[ "$output" == *"default via 10.75.0.1 dev eth0"* ]] || fail "no default route: $output"
	[[ "$output" == *PING-OK* ]] || fail "the container did not reach the node's gateway: $output"
	# --rm ran DEL: the lease is released and no host veth is left in the node netns.
	[ -z "$(ls "$DATA_DIR/pptp" 2>/dev/null | grep -v -e lock -e last_reserved)" ]
	[ "$(ip -n "$NODE" -j link show type veth | jq '[.[] | select(.ifname | startswith("veth"))] | length')" -eq 0 ]
}

@test "podman (CNI backend): network create (bridge), two containers, a published port, rm leaves nothing" {
	run pod network create --subnet 10.76.0.0/24 --gateway 10.76.0.1 pbr
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	f="$TMP/net.d/pbr.conflist"
	# podman's default network: bridge (ipMasq, hairpin) -> portmap -> firewall -> tuning.
	jq -e '[.plugins[].type] == ["bridge", "portmap", "firewall", "tuning"]' "$f" >/dev/null ||
		fail "unexpected conflist: $(cat "$f")"
	jq --arg d "$DATA_DIR" '.plugins[0].ipam.dataDir = $d' "$f" >"$f.new" && mv "$f.new" "$f"
	br=$(jq -r '.plugins[0].bridge' "$f")

	run unshare -m --propagation private "$TMP/podman.sh" -c "
		run() { \$P run -d --cgroups=disabled --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
			--network pbr \"\$@\"; }
		run --name web -p 18080:8080 localhost/cni-c-busybox:1 \
			sh -c 'while true; do echo HELLO-FROM-WEB | nc -l -p 8080; done' >/dev/null
		run --name peer localhost/cni-c-busybox:1 sleep 60 >/dev/null
		web=\$(\$P inspect web --format '{{.NetworkSettings.Networks.pbr.IPAddress}}')
		peer=\$(\$P inspect peer --format '{{.NetworkSettings.Networks.pbr.IPAddress}}')
		echo IPS \$web \$peer
		ip netns exec $NODE ping -c1 -W2 \$peer >/dev/null && echo NODE-PING-OK
		\$P exec peer ping -c1 -W2 \$web >/dev/null && echo PEER-PING-OK
		for i in 1 2 3 4 5 6 7 8 9 10; do
			out=\$(ip netns exec $NODE busybox nc -w 2 10.76.0.1 18080 </dev/null 2>/dev/null) && [ -n \"\$out\" ] && break
			sleep 0.2
		done
		echo PORT \$out
		ls $DATA_DIR/pbr | grep -c '^10\\.76\\.' | sed 's/^/LEASES /'
		\$P rm -f -t 0 web peer >/dev/null"
	[ "$status" -eq 0 ] || fail "$output $(cat "$TMP/stderr")"
	[[ "$output" == *"IPS 10.76.0."*" 10.76.0."* ]] || fail "no addresses: $output"
	[[ "$output" == *NODE-PING-OK* ]] || fail "the node did not reach a container: $output"
	[[ "$output" == *PEER-PING-OK* ]] || fail "one container did not reach the other: $output"
	[[ "$output" == *"PORT HELLO-FROM-WEB"* ]] || fail "the published port did not answer from the node: $output"
	[[ "$output" == *"LEASES 2"* ]] || fail "expected two leases: $output"
	# podman rm ran DEL through the chain: no lease, no veth on the bridge, no rule naming a
	# container's address in any backend.
	[ -z "$(ls "$DATA_DIR/pbr" 2>/dev/null | grep '^10\.76\.' || true)" ] || fail "leases left"
	[ "$(ip -n "$NODE" -j link show master "$br" type veth | jq length)" -eq 0 ]
	left=$( (ip netns exec "$NODE" nft list ruleset; ip netns exec "$NODE" iptables-save
		ip netns exec "$NODE" iptables-legacy-save) 2>/dev/null | grep -E '10\.76\.0\.([2-9]|[1-9][0-9])[^0-9]' || true)
	[ -z "$left" ] || fail "rules left after podman rm: $left"
}
