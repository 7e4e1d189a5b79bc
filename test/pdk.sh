#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# PDK's one entry point on a fresh Debian 12 machine (as root, or with sudo).
#
#   test/pdk.sh run [PCI-ADDRESS[,ARGS]] [OPTIONS]
#                            install what is missing, build, run the main job:
#                            pdk-testpmd, four PASID queues, verified copies
#   test/pdk.sh test         install, build (plain, ASan+UBSan, TSan, clang fuzzers), run all tests
#   test/pdk.sh deps         only install the packages
#   test/pdk.sh build        only build (build/, -Werror)
#
# It ends a test run with the line "N passed, M failed".
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packages=(build-essential meson ninja-build pkg-config python3 libdpdk-dev clang
	libclang-rt-14-dev valgrind doxygen
	dpdk dpdk-dev pciutils)

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "pdk.sh: installing ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
}

# build DIR [meson options...]
build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

# Sum the results of meson test runs: "N passed, M failed".
summary() {
	python3 - "$@" <<'PY'
import json, sys
passed = failed = skipped = 0
for log in sys.argv[1:]:
    with open(log) as f:
        for line in f:
            r = json.loads(line).get('result')
            if r in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif r == 'SKIP':
                skipped += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
}

run_tests() {
	local rc=0
	build build
	build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all
	# -Wno-tsan: gcc does not instrument fences (edu's MMIO, the DSA sim
	# portal's); a fence TSan ignores can add reports, never hide one
	build build-tsan -Db_sanitize=thread -Db_lundef=false -Dc_args=-Wno-tsan
	echo "== meson test: all suites (build/)"
	meson test -C build --print-errorlogs || rc=1
	echo "== meson test: fast suite under ASan+UBSan (build-asan/)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		meson test -C build-asan --suite fast --print-errorlogs || rc=1
	echo "== meson test: threads suite under ThreadSanitizer (build-tsan/)"
	TSAN_OPTIONS="halt_on_error=1 suppressions=$top/test/tsan.supp" \
		meson test -C build-tsan --suite threads --print-errorlogs || rc=1
	echo "== meson test: fuzz suite, each fuzzer for a bounded time (build-fuzz/, clang)"
	CC=clang build build-fuzz -Dfuzzers=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-sanitize-recover=all
	meson test -C build-fuzz --suite fuzz --print-errorlogs || rc=1
	summary build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
		build-tsan/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json || rc=1
	return $rc
}

case "${1:-}" in
deps) deps ;;
build) deps; build build ;;
run)
	shift
	deps
	build build
	# The main job: pdk-testpmd with four queues, each with its own PASID
	# and address space, copying with verification for a few seconds. With
	# no device, the device is the SIMULATED DSA (it says so); give a PCI
	# address (and device arguments) to use a real DSA bound to vfio-pci.
	dev=()
	if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
		dev=(-a "$1")
		shift
	fi
	exec build/app/pdk-testpmd/pdk-testpmd -- "${dev[@]}" --queues 4 --mode verify \
		--auto-start --time 5 --stats-period 1 "$@"
	;;
test) deps; run_tests ;;
*)
	sed -n '3,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
