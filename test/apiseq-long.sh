#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Long runs of the randomized API-sequence test (sim_apiseq_random) on the
# simulated kernel: new seeds, 500..5000 steps each (every 25th run 50000..100000), for SECONDS (default
# 60). Reports steps per second and the longest run's size (steps, peak
# live objects); stops at the first failure and prints how to reproduce it.
#
#   test/apiseq-long.sh [SECONDS]     (PDK_TEST=path/to/pdk-test to choose the binary)

set -u
secs=${1:-60}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${PDK_TEST:-$here/build/test/pdk-test/pdk-test}
[ -x "$bin" ] || { echo "apiseq-long: no $bin: build first (ninja -C build)" >&2; exit 2; }
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2;; esac

out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$(date +%s)
seed=$(( $(date +%s) % 100000000 * 10 ))
runs=0 steps=0 best_steps=0 best_peak=0 best_seed=0
while [ $(( $(date +%s) - start )) -lt "$secs" ]; do
	n=$(( 500 + (seed * 7919) % 4501 ))
	# every 25th run is a long one: state piles up (peak live objects)
	[ $((runs % 25)) -eq 24 ] && n=$(( 50000 + (seed * 7919) % 50001 ))
	if ! PDK_APISEQ_SEED=$seed PDK_APISEQ_STEPS=$n "$bin" sim_apiseq_random >"$out" 2>&1; then
		grep -v '^  \[log' "$out" | tail -40
		echo "apiseq-long: FAILED: seed $seed, $n steps; reproduce:"
		echo "  PDK_APISEQ_SEED=$seed PDK_APISEQ_STEPS=$n $bin sim_apiseq_random"
		exit 1
	fi
	peak=$(sed -n 's/.*steps ok.* peak \([0-9]*\) live objects.*/\1/p' "$out")
	runs=$((runs + 1))
	steps=$((steps + n))
	if [ "$n" -gt "$best_steps" ]; then
		best_steps=$n best_peak=${peak:-0} best_seed=$seed
	fi
	seed=$((seed + 1))
done
el=$(( $(date +%s) - start ))
[ "$el" -gt 0 ] || el=1
echo "apiseq-long: $runs runs, $steps steps in ${el} s: $((steps / el)) steps/s (process start included)"
echo "apiseq-long: longest run: seed $best_seed, $best_steps steps, peak $best_peak live objects"
