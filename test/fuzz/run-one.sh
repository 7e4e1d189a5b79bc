#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run one fuzzer for a bounded time (the meson "fuzz" suite, and run.sh):
#   run-one.sh FUZZER SEED-CORPUS WORK-CORPUS DICT SECONDS
# The seeds are copied into WORK-CORPUS, where new inputs accumulate, so the
# committed corpus stays as committed. A crash, leak, timeout or broken
# property fails the run; the crashing input is left in WORK-CORPUS/../.
set -euo pipefail
exe=$1 seeds=$2 work=$3 dict=$4 secs=$5
mkdir -p "$work"
cp -n "$seeds"/* "$work"/ 2>/dev/null || true
artifacts=$(dirname "$work")/findings-$(basename "$exe")/
mkdir -p "$artifacts"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
	-dict="$dict" -error_exitcode=1 -timeout_exitcode=1 -print_final_stats=1 -artifact_prefix="$artifacts" \
	"$work" >"$log" 2>&1 || rc=$?
# the last status line carries executions and cov/ft
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E 'stat::number_of_executed_units|stat::new_units_added' "$log" || true
if [ $rc -ne 0 ]; then
	tail -n 60 "$log"
	echo "$(basename "$exe"): FINDING (exit $rc), input in $artifacts"
fi
exit $rc
