# Fault injection and crash helpers (test/fault.bats, test/crash.bats): run the FAULT=1 build with
# CNI_FAULT_* set, snapshot everything a plugin could leave behind, and loop over every step.
# Needs helpers/common loaded first (cni_setup's NODE, CTR, TMP, DATA_DIR, CONTAINER_ID).

# The fault-injection tree: `make test` builds build/fault and passes FAULT_BIN. Without it, a
# BUILD that is itself a fault build is used (the VM lane passes BUILD only), else build/fault.
if [ -z "${FAULT_BIN:-}" ]; then
	FAULT_BIN=$REPO/build/fault/bin
	grep -q CNI_FAULT_STEP "$BIN/loopback" 2>/dev/null && FAULT_BIN=$BIN
fi

fault_require() {
	[ -x "$FAULT_BIN/${1:-bridge}" ] ||
		skip "no fault-injection build in $FAULT_BIN (make BUILD=build/fault FAULT=1 ...)"
}

# fault_exec PLUGIN COMMAND CONFIG [VAR=VALUE...]: like cni_exec, on the fault build, with extra
# environment (CNI_FAULT_STEP=..., ...). Overridable as cni_exec: CONTAINER_ID, CNI_NETNS, IFNAME.
fault_exec() {
	local plugin=$1 cmd=$2 conf=$3
	shift 3
	local netns=/run/netns/$CTR
	[ "${CNI_NETNS+set}" = set ] && netns=$CNI_NETNS
	printf '%s' "$conf" | ip netns exec "$NODE" env \
		CNI_COMMAND="$cmd" CNI_CONTAINERID="$CONTAINER_ID" CNI_NETNS="$netns" \
		CNI_IFNAME="${IFNAME:-eth0}" CNI_PATH="${FAULT_PATH:-$FAULT_BIN}" \
		CNI_ARGS="${CNI_ARGS:-}" "$@" "$FAULT_BIN/$plugin" 2>>"$TMP/stderr"
}

# fault_steps PLUGIN COMMAND CONFIG: run a good COMMAND, counting its steps. Prints the count;
# the "N site" lines stay in $TMP/steps.COMMAND. The run must succeed.
fault_steps() {
	local log="$TMP/steps.$2" out
	rm -f "$log"
	out=$(fault_exec "$1" "$2" "$3" CNI_FAULT_COUNT_FILE="$log") ||
		{ fail "good $2 of $1 failed: $out $(tail -5 "$TMP/stderr")"; return 1; }
	[ -f "$log" ] && wc -l <"$log" || echo 0
}

# fault_site COMMAND N: the site of step N in the good run's log.
fault_site() {
	awk -v n="$2" '$1 == n { print $2 }' "$TMP/steps.$1"
}

# fault_run_site N DEFAULT: the site that step N was in the faulted run ($TMP/run.log), else
# DEFAULT. A wait that polls the kernel takes a varying number of requests, so the faulted run's
# step N may be another site than the good run's.
fault_run_site() {
	local site
	[ -f "$TMP/run.log" ] && site=$(awk -v n="$1" '$1 == n { print $2 }' "$TMP/run.log")
	echo "${site:-$2}"
}

# What must not change, normalized by one jq: no counters, timers or lifetimes. Carrier follows
# ports with the kernel's linkwatch delay, and IPv6 link-local addresses and their routes come and
# go with carrier and DAD timing: those are the kernel's, and their link is compared anyway.
# Neighbours a pod's traffic made are the kernel's too: only permanent ones are ours. Multicast
# FDB entries (33:33:*, 01:00:5e:*) mirror the kernel's group memberships, which it joins late
# (e.g. IPv6 subnet-router anycast once forwarding is on).
FAULT_JQ='
def carrier: . - ["LOWER_UP", "NO-CARRIER", "M-DOWN"] | sort;
.k as $k | .v[] |
if $k == "link" then {$k, ifname, ifindex, link, master, address, mtu, flags: (.flags | carrier),
		     link_netnsid} + (if .vfinfo_list then {vfinfo_list} else {} end)
elif $k == "addr" then .ifname as $i | .addr_info[] | select(.family != "inet6" or .scope != "link")
	| {$k, ifname: $i, family, local: .local, prefixlen, scope, label: .label}
elif $k == "route" then del(.expires) | .flags -= ["linkdown"]
	| select(.protocol != "kernel" or ((.dst | test("^(fe80|ff00)")) | not)) | {$k} + .
elif $k == "fdb" then select((.mac | test("^(33:33|01:00:5e):")) | not)
	| {$k, mac, ifname, master, vlan, dst, vni, flags, state}
elif $k == "qdisc" then {$k, kind, handle, dev, parent, root}
elif $k == "filter" then {$k, dev, dir, protocol, pref, kind, chain}
else {$k} + . end'

fault_ns_json() {
	local ns=$1 k cmd v
	while read -r k cmd; do
		v=$($cmd 2>/dev/null)
		printf '{"k":"%s","v":%s}\n' "$k" "${v:-[]}"
	done <<EOF
link ip -n $ns -j link show
addr ip -n $ns -j addr show
route ip -n $ns -j -4 route show table all
route ip -n $ns -j -6 route show table all
rule ip -n $ns -j -4 rule show
rule ip -n $ns -j -6 rule show
neigh ip -n $ns -j neigh show nud permanent
fdb bridge -n $ns -j fdb show
qdisc tc -n $ns -j qdisc show
EOF
	fault_ns_filters "$ns"
}

# The tc filters on every ingress/clsact qdisc of NS (a redirect left on a reused qdisc).
fault_ns_filters() {
	local ns=$1 dev dir v
	for dev in $(tc -n "$ns" -j qdisc show | jq -r '.[] | select(.kind == "ingress" or .kind == "clsact") | .dev'); do
		for dir in ingress egress; do
			v=$(tc -n "$ns" -j filter show dev "$dev" "$dir" 2>/dev/null |
				jq -c --arg d "$dev" --arg r "$dir" '[.[] | . + {dev: $d, dir: $r}]' 2>/dev/null)
			printf '{"k":"filter","v":%s}\n' "${v:-[]}"
		done
	done
}

fault_ns_state() {
	local ns=$1
	echo "== $ns"
	fault_ns_json "$ns" | jq -c "$FAULT_JQ" | sort
	ip netns exec "$ns" nft list ruleset
	ip netns exec "$ns" iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	ip netns exec "$ns" ip6tables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	echo "== legacy"
	ip netns exec "$ns" iptables-legacy-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
	ip netns exec "$ns" ip6tables-legacy-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'
}

# fault_snapshot: the node and container netns (plus $FAULT_NS, more netns names), the file
# list of $DATA_DIR (plus $FAULT_DIRS), and what the functions named in $FAULT_HOOKS print (state
# outside the kernel and the files: fastpathd's port table).
fault_snapshot() {
	local ns d hook
	for ns in "$NODE" "$CTR" ${FAULT_NS:-}; do
		fault_ns_state "$ns"
	done
	for d in "$DATA_DIR" ${FAULT_DIRS:-}; do
		echo "== files $d"
		[ -d "$d" ] && find "$d" -printf '%P %y %m\n' | sort
	done
	for hook in ${FAULT_HOOKS:-}; do
		echo "== $hook"
		"$hook"
	done
	return 0
}

# fault_same BASE WHAT: the current snapshot equals the file BASE, else fail with the diff.
fault_same() {
	local now="$TMP/snap.now" diffs
	fault_snapshot >"$now"
	diffs=$(diff "$1" "$now") || { fail "$2 left something behind:"$'\n'"$diffs"; return 1; }
}

# fault_is_error OUTPUT STATUS: a CNI error JSON on stdout, a non-zero exit that is not ASan's.
fault_is_error() {
	[ "$2" -ne 0 ] || { fail "exit status 0: $1"; return 1; }
	[ "$2" -ne 86 ] || { fail "sanitizer report (exit 86): $(tail -30 "$TMP/stderr")"; return 1; }
	assert_json '(.code | type == "number") and .code > 0 and (.msg | type == "string")' "$1"
}

# The steps whose failure the reference ignores too, so an ADD may succeed without them: the
# sysctls that tune a new interface (no router advertisements, DAD, gratuitous ARP), the same by
# netlink (pkg/nl names those requests: IPv4 devconf, and the forwarding read, whose failure
# falls back to writing the sysctl).
FAULT_BEST_EFFORT="sysctl:*/accept_ra sysctl:*/accept_dad sysctl:*/enhanced_dad sysctl:*/arp_notify
sysctl:*/ndisc_notify netlink:devconf netlink:netconf"

# fault_tolerated SITE PATTERNS: SITE ("sysctl:net/ipv6/conf/eth0/accept_dad") matches one of the
# space-separated glob PATTERNS.
fault_tolerated() {
	local p
	for p in $2; do
		# shellcheck disable=SC2053
		[[ $1 == $p ]] && return 0
	done
	return 1
}

# fault_reached N: the last faulted run ($TMP/run.log) got as far as step N.
fault_reached() {
	[ -f "$TMP/run.log" ] && [ "$(wc -l <"$TMP/run.log")" -ge "$1" ]
}

# fault_add_loop PLUGIN CONF [TOLERATED]: the state must already be the baseline (a first
# ADD+DEL done, so what a plugin keeps on purpose exists). Then for every step N of a good ADD,
# ADD failing at N exits with a CNI error and leaves the baseline exactly. Prints "N steps".
fault_add_loop() {
	local plugin=$1 conf=$2 tolerated="$FAULT_BEST_EFFORT ${3:-}" base="$TMP/snap.base" n steps
	local site out rc
	fault_snapshot >"$base"
	steps=$(fault_steps "$plugin" ADD "$conf") || return 1
	cni_exec_fault_del "$plugin" "$conf" || return 1
	fault_same "$base" "good ADD+DEL" || return 1
	for ((n = 1; n <= steps; n++)); do
		site=$(fault_site ADD "$n")
		rc=0
		rm -f "$TMP/run.log"
		out=$(fault_exec "$plugin" ADD "$conf" CNI_FAULT_STEP="$n" \
			CNI_FAULT_COUNT_FILE="$TMP/run.log") || rc=$?
		site=$(fault_run_site "$n" "$site")
		if [ "$rc" -eq 0 ] && ! fault_reached "$n"; then
			# A wait that polls the kernel takes a varying number of requests.
			echo "# $plugin ADD step $n: this run had fewer steps" >>"$TMP/report"
			cni_exec_fault_del "$plugin" "$conf" || return 1
		elif [ "$rc" -eq 0 ] && fault_tolerated "$site" "$tolerated"; then
			echo "# $plugin ADD step $n ($site): best effort, ADD succeeded" >>"$TMP/report"
			cni_exec_fault_del "$plugin" "$conf" || return 1
		else
			fault_is_error "$out" "$rc" >&2 ||
				{ fail "$plugin ADD with step $n ($site) failing"; return 1; }
			printf '%s\n' "$out" | jq -r --arg n "$n" --arg s "$site" \
				'"# '"$plugin"' ADD step \($n) (\($s)): code \(.code) \(.msg)"' >>"$TMP/report"
		fi
		fault_same "$base" "$plugin ADD failing at step $n ($site)" || return 1
	done
	echo "$steps"
}

# fault_del_loop PLUGIN CONF [TOLERATED]: for every step N of a good DEL: a good ADD, a DEL
# failing at N, then a normal DEL; the baseline must be back. Prints "N steps".
fault_del_loop() {
	local plugin=$1 conf=$2 tolerated="$FAULT_BEST_EFFORT ${3:-}" base="$TMP/snap.base" n steps
	local site out rc
	fault_snapshot >"$base"
	out=$(fault_exec "$plugin" ADD "$conf") || { fail "good ADD: $out"; return 1; }
	steps=$(fault_steps "$plugin" DEL "$conf") || return 1
	fault_same "$base" "good ADD+DEL" || return 1
	for ((n = 1; n <= steps; n++)); do
		site=$(fault_site DEL "$n")
		out=$(fault_exec "$plugin" ADD "$conf") || { fail "good ADD: $out"; return 1; }
		rc=0
		rm -f "$TMP/run.log"
		out=$(fault_exec "$plugin" DEL "$conf" CNI_FAULT_STEP="$n" \
			CNI_FAULT_COUNT_FILE="$TMP/run.log") || rc=$?
		site=$(fault_run_site "$n" "$site")
		if [ "$rc" -ne 0 ] || { fault_reached "$n" && ! fault_tolerated "$site" "$tolerated"; }; then
			fault_is_error "$out" "$rc" >&2 ||
				{ fail "$plugin DEL with step $n ($site) failing"; return 1; }
		fi
		cni_exec_fault_del "$plugin" "$conf" || return 1
		fault_same "$base" "$plugin DEL failing at step $n ($site), then DEL" || return 1
	done
	echo "$steps"
}

# A normal DEL on the fault build (nothing injected); must succeed.
cni_exec_fault_del() {
	local out
	out=$(fault_exec "$1" DEL "$2") || { fail "DEL of $1 failed: $out"; return 1; }
}
