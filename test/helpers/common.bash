# Shared by every bats suite: unique names, a "node" netns, container netns, a temp dir, and a
# teardown that removes all of them whether the test passed or failed.
# Suites call cni_setup from setup() and cni_teardown from teardown().

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
BIN=${CNI_C_BIN:-$REPO/${BUILD:-build}/bin}
REF_BIN=/usr/lib/cni
CNI_VERSIONS="0.1.0 0.2.0 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0"
# Versions whose result carries "ips[].version"/"interfaces" (0.3.0 and later).
CNI_VERSIONS_IPS="0.3.0 0.3.1 0.4.0 1.0.0 1.1.0"

cni_setup() {
	# Short and unique: netns names and interface names derive from it (IFNAMSIZ is 16).
	PFX="ct$(printf '%04x' $((RANDOM % 65536)))$(printf '%x' $(( $$ % 256 )))"
	TMP=$(mktemp -d "/tmp/cni-c-test.XXXXXX")
	NODE="$PFX-node"
	CTR="$PFX-ctr"
	ip netns add "$NODE"
	ip -n "$NODE" link set lo up
	ip netns add "$CTR"
	CONTAINER_ID="ctr-$PFX"
	DATA_DIR="$TMP/ipam"
	export PFX TMP NODE CTR CONTAINER_ID DATA_DIR
}

# Extra container namespace: cni_add_ns NAME -> creates "$PFX-NAME".
cni_add_ns() {
	ip netns add "$PFX-$1"
}

cni_teardown() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PFX-" || true); do
		# A server a test left running would keep the namespace alive.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -n "${TMP:-}" ] && rm -rf "$TMP"
	# DPDK processes of the test (file-prefix "$PFX-...") leave their runtime directory behind.
	[ -n "${PFX:-}" ] && rm -rf /var/run/dpdk/"$PFX"-*
	return 0
}

# cni_exec PLUGIN COMMAND CONFIG [IFNAME]
# Runs a binary the way a runtime does, inside the node netns: config on stdin, CNI_* in the
# environment. stdout is the result; stderr goes to $TMP/stderr. Overridable: CONTAINER_ID,
# CNI_NETNS (default the container netns; set to "" for none), CNI_ARGS, PLUGIN_DIR (default $BIN).
cni_exec() {
	local plugin=$1 cmd=$2 conf=$3 ifname=${4-eth0}
	local dir=${PLUGIN_DIR:-$BIN}
	local netns=/run/netns/$CTR
	[ "${CNI_NETNS+set}" = set ] && netns=$CNI_NETNS
	printf '%s' "$conf" | ip netns exec "$NODE" env \
		CNI_COMMAND="$cmd" CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS="$netns" \
		CNI_IFNAME="$ifname" CNI_PATH="$dir" CNI_ARGS="${CNI_ARGS:-}" \
		"$dir/$plugin" 2>>"$TMP/stderr"
}

# Fail with a message (bats prints output of failing tests).
fail() {
	echo "$*" >&2
	return 1
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds; fails after SECONDS. For what
# the kernel finishes on its own time (a netns's teardown after `ip netns del`).
wait_until() {
	local tries=$(($1 * 10))
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# refute CMD...: CMD must fail. (A bare `! cmd` line never fails a bats test: errexit ignores it.)
refute() {
	if "$@"; then
		fail "expected to fail: $*"
	fi
}

# assert_json EXPR [JSON]: jq -e EXPR on $output (or JSON) must be true.
assert_json() {
	local expr=$1 json=${2-$output}
	if ! printf '%s' "$json" | jq -e "$expr" >/dev/null; then
		echo "assertion failed: $expr" >&2
		echo "on: $json" >&2
		return 1
	fi
}

# assert_error CODE: the last run failed and printed a CNI error with that code.
assert_error() {
	[ "$status" -ne 0 ] || fail "expected failure, got status 0: $output"
	assert_json ".code == $1 and (.msg | type == \"string\")"
}

# vm_require FEATURE: the test needs a kernel feature this host's kernel may lack. Probed in a
# throwaway netns. On the host a missing feature skips the test (its name starts with "[vm] " and
# hack/vm/run.sh runs it in a VM with Debian's kernel); inside the VM (CNI_C_IN_VM=1) it fails.
# Features: bridge_vlan ipvlan vlan8021q vrf dummy qdisc_fq qdisc_fq_codel qdisc_netem, and
# netdevsim (SR-IOV PF emulation; Debian does not build it: hack/vm/netdevsim.sh builds it once per
# kernel into build/netdevsim/<kver>/, and hack/vm/run.sh calls that when a suite needs it), and
# igb_sriov (QEMU's igb NIC with two VFs, which hack/vm/run.sh and guest.sh set up; VM lane only).
vm_require() {
	local feature=$1 ns out rc
	case "$feature" in
	bridge_vlan | ipvlan | vlan8021q | vrf | dummy | qdisc_fq | qdisc_fq_codel | qdisc_netem) ;;
	netdevsim | igb_sriov) ;;
	*)
		fail "vm_require: unknown feature $feature"
		return 1
		;;
	esac
	ns="${PFX:-vmprobe$$}-vmprobe"
	if ! ip netns add "$ns"; then
		fail "vm_require: cannot create netns $ns"
		return 1
	fi
	rc=0
	out=$(vm_probe "$feature" "$ns" 2>&1) || rc=$?
	ip netns del "$ns"
	[ "$rc" -eq 0 ] && return 0
	if [ "${CNI_C_IN_VM:-0}" = 1 ]; then
		fail "kernel lacks $feature inside the VM lane: $out"
		return 1
	fi
	skip "kernel lacks $feature: runs in the VM lane (hack/vm)"
}

# vm_probe FEATURE NETNS: succeed when the kernel can do FEATURE inside NETNS.
vm_probe() {
	local ns=$2
	case "$1" in
	bridge_vlan) ip -n "$ns" link add vp0 type bridge vlan_filtering 1 ;;
	dummy) ip -n "$ns" link add vp0 type dummy ;;
	vrf) ip -n "$ns" link add vp0 type vrf table 100 ;;
	ipvlan | vlan8021q)
		ip -n "$ns" link add vp0 type veth peer name vp1 || return 1
		if [ "$1" = ipvlan ]; then
			ip -n "$ns" link add vp2 link vp0 type ipvlan mode l2
		else
			ip -n "$ns" link add vp2 link vp0 type vlan id 10
		fi
		;;
	qdisc_fq | qdisc_fq_codel | qdisc_netem)
		ip netns exec "$ns" tc qdisc add dev lo root "${1#qdisc_}"
		;;
	netdevsim) netdevsim_load ;;
	igb_sriov) igb_sriov_pf >/dev/null ;;
	esac
}

# igb_sriov_pf: the PCI address of the igb PF that hack/vm/guest.sh gave two VFs. Only in the VM
# lane: the tests move VFs and change their PF, which must never happen to a real NIC.
igb_sriov_pf() {
	local d
	if [ "${CNI_C_IN_VM:-0}" != 1 ]; then
		echo "igb SR-IOV tests run in the VM lane only"
		return 1
	fi
	for d in /sys/bus/pci/devices/*; do
		[ "$(basename "$(readlink "$d/driver")")" = igb ] || continue
		if [ "$(cat "$d/sriov_numvfs" 2>/dev/null)" -ge 2 ]; then
			echo "${d##*/}"
			return 0
		fi
	done
	echo "no igb PF with two VFs (hack/vm/run.sh adds one)"
	return 1
}

# Load netdevsim unless its bus is there already: the kernel's module, else our out-of-tree build.
netdevsim_load() {
	local ko
	[ -w /sys/bus/netdevsim/new_device ] && return 0
	modprobe -q netdevsim 2>/dev/null && [ -w /sys/bus/netdevsim/new_device ] && return 0
	ko=$REPO/build/netdevsim/$(uname -r)/netdevsim.ko
	if [ ! -f "$ko" ]; then
		echo "no netdevsim module and no $ko (hack/vm/netdevsim.sh builds it)"
		return 1
	fi
	modprobe -q psample 2>/dev/null
	insmod "$ko" && [ -w /sys/bus/netdevsim/new_device ]
}
