#!/bin/bash
# Run the libFuzzer targets of a fuzz build one after another, each for a time or a number of
# executions, and fail when one crashes. New inputs go to BUILD/fuzz-work/<target>, never into the
# checked-in seeds (test/fuzz/corpus/<target>); crash inputs go to BUILD/fuzz-artifacts/<target>/.
# Usage: hack/fuzz.sh [-t SECONDS | -r RUNS] BUILD_DIR [TARGET...]   (TARGET: e.g. bridge_config)
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=20)
while getopts "t:r:" opt; do
	case $opt in
	t) limit=(-max_total_time="$OPTARG") ;;
	r) limit=(-runs="$OPTARG") ;;
	*) echo "usage: $0 [-t SECONDS | -r RUNS] BUILD_DIR [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
build=${1:?usage: $0 [-t SECONDS | -r RUNS] BUILD_DIR [TARGET...]}
shift
if [ $# -eq 0 ]; then
	set -- $(ls "$build/fuzz" | sed -n 's/^fuzz_//p')
fi

failed=0
for name in "$@"; do
	bin=$build/fuzz/fuzz_$name
	work=$build/fuzz-work/$name
	artifacts=$build/fuzz-artifacts/$name/
	log=$build/fuzz-work/$name.log
	mkdir -p "$work" "$artifacts"
	# A target's own dictionary, else the JSON one (most targets read JSON).
	dict=test/fuzz/json.dict
	[ -f "test/fuzz/$name.dict" ] && dict=test/fuzz/$name.dict
	# One job at a time, low priority: the machine is shared.
	if nice -n 19 "$bin" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-dict="$dict" -artifact_prefix="$artifacts" -print_final_stats=1 \
		"$work" "test/fuzz/corpus/$name" >"$log" 2>&1; then
		status=ok
	else
		status=CRASH
		failed=$((failed + 1))
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	printf 'fuzz %-24s %-5s %12s execs %8s/s\n' "$name" "$status" "${runs:-?}" "${speed:-?}"
	if [ "$status" = CRASH ]; then
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -10 | sed 's/^/    /'
	fi
done
[ "$failed" -eq 0 ] || { echo "fuzz: $failed target(s) crashed (logs in $build/fuzz-work/)" >&2; exit 1; }
