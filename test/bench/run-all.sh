#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run every benchmark of test/bench once, in one go, and print their ratios
# (each prints its own table; the ratio lines are repeated at the end).
# Usage: test/bench/run-all.sh [BUILD_DIR]   (default: build)
# Or: ninja -C BUILD_DIR bench. Figures of PDK's SIMULATED kernel and devices.
set -u
build=${1:-build}
bench=$build/test/bench
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
for b in va2iova ctl portal dma; do
	exe=$bench/pdk-bench-$b
	if [ ! -x "$exe" ]; then
		echo "run-all: $exe not built (ninja -C $build)" >&2
		rc=1
		continue
	fi
	echo "==== pdk-bench-$b"
	if ! "$exe" 2>&1 | tee -a "$out"; then
		echo "run-all: pdk-bench-$b failed" >&2
		rc=1
	fi
	echo
done
echo "==== ratios"
grep -Ei 'ratio|x +calls|[0-9]x$|[0-9]x ' "$out" | grep -v NOTICE
exit $rc
