#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the fuzzers (build-fuzz/, CC=clang, ASan+UBSan, -Dfuzzers=true) and
# run each for SECONDS (default 600), one after the other, one job each:
#   test/fuzz/run.sh [SECONDS] [FUZZER...]      e.g. run.sh 60 sim_ioctl
# New inputs go to build-fuzz/test/fuzz/corpus-NAME, findings to
# build-fuzz/test/fuzz/findings-fuzz_NAME/. Prints executions, cov/ft and
# findings of each; exits non-zero if any fuzzer found something.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
secs=${1:-600}
shift || true
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(devargs pci_addr sim_ioctl testpmd)
if [ ! -f build-fuzz/build.ninja ]; then
	CC=clang meson setup build-fuzz -Dwerror=true -Dfuzzers=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all >/dev/null
fi
ninja -C build-fuzz $(printf 'test/fuzz/fuzz_%s ' "${names[@]}") >/dev/null
rc=0
for n in "${names[@]}"; do
	echo "== fuzz_$n: ${secs} s"
	test/fuzz/run-one.sh "build-fuzz/test/fuzz/fuzz_$n" "test/fuzz/corpus/$n" \
		"build-fuzz/test/fuzz/corpus-$n" "test/fuzz/$n.dict" "$secs" || rc=1
	echo "   findings: $(ls "build-fuzz/test/fuzz/findings-fuzz_$n" 2>/dev/null | wc -l)"
done
exit $rc
