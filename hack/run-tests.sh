#!/bin/bash
# Run every unit test and bats suite on the tree in $BUILD; end with one line "N passed, M failed".
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0
failed=0
skipped=0
failures=()

for t in "$BUILD"/unit/test_*; do
	[ -x "$t" ] || continue
	out=$("$t" 2>&1)
	rc=$?
	n_ok=$(printf '%s\n' "$out" | grep -c '^\[       OK \]' || true)
	n_bad=$(printf '%s\n' "$out" | grep -c '^\[  FAILED  \]' || true)
	# cmocka prints a FAILED summary line too; count only per-test lines.
	n_bad=$(printf '%s\n' "$out" | grep -cE '^\[  (FAILED|ERROR)  \] [a-z_]' || true)
	if [ "$rc" -ne 0 ] && [ "$n_bad" -eq 0 ]; then n_bad=1; fi
	passed=$((passed + n_ok))
	failed=$((failed + n_bad))
	if [ "$rc" -ne 0 ]; then
		failures+=("unit $(basename "$t")")
		printf '%s\n' "$out"
	fi
	echo "unit $(basename "$t"): $n_ok passed, $n_bad failed"
done

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(test/*.bats)
for s in "${suites[@]}"; do
	[ -f "$s" ] || continue
	out=$(bats --tap "$s" 2>&1)
	printf '%s\n' "$out"
	n_ok=$(printf '%s\n' "$out" | grep '^ok ' | grep -vc ' # skip' || true)
	n_skip=$(printf '%s\n' "$out" | grep '^ok ' | grep -c ' # skip' || true)
	n_bad=$(printf '%s\n' "$out" | grep -c '^not ok ' || true)
	passed=$((passed + n_ok))
	skipped=$((skipped + n_skip))
	failed=$((failed + n_bad))
	[ "$n_bad" -gt 0 ] && failures+=("$s")
done

if [ -x hack/vm/run.sh ] && command -v qemu-system-x86_64 >/dev/null 2>&1; then
	out=$(hack/vm/run.sh 2>&1)
	printf '%s\n' "$out"
	passed=$((passed + $(printf '%s\n' "$out" | grep -c '^ok ' || true)))
	failed=$((failed + $(printf '%s\n' "$out" | grep -c '^not ok ' || true)))
fi

[ ${#failures[@]} -gt 0 ] && printf 'failed: %s\n' "${failures[*]}"
# A skip is not a pass: on the host, every skip is a [vm] test the VM lane runs (and counts).
[ "$skipped" -gt 0 ] && echo "skipped on this kernel: $skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
