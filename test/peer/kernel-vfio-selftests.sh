#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# A second judge nobody here wrote: the kernel's own VFIO selftests
# (tools/testing/selftests/vfio of the linux-source tree the VM kernel is
# built from: its DSA driver lib/drivers/dsa, its device tests), built
# unmodified from that tree and run under pdk-sim-run on the SIMULATED DSA
# (doc/sim-run.md, "The judge").
#   kernel-vfio-selftests.sh SOURCE_ROOT OUT_DIR PDK-SIM-RUN PEER-CHECK
set -eu
src=$1 out=$2 run=$3 check=$4
cache=${PDK_CACHE:-/var/cache/pdk}

# the tree: test/vm/kernel.sh unpacks (and builds, once, under its lock) it
"$src/test/vm/kernel.sh" >/dev/null
tree=$(ls -d "$cache"/kernel/build/linux-source-7.* 2>/dev/null | sort -V | tail -n 1)
[ -d "$tree/tools/testing/selftests/vfio" ] || {
	echo "kernel-vfio-selftests: no tools/testing/selftests/vfio in '$tree' (test/vm/kernel.sh)" >&2
	exit 1
}
echo "kernel-vfio-selftests: building $tree/tools/testing/selftests/vfio into $out"
# the uapi headers of that tree (usr/include, no install step), then the tests
make -s -C "$tree" ARCH=x86_64 headers
mkdir -p "$out"
make -s -C "$tree/tools/testing/selftests/vfio" OUTPUT="$out" \
	KHDR_INCLUDES="-isystem $tree/usr/include"

rc=0
for t in vfio_pci_driver_test vfio_pci_device_test; do
	python3 "$check" --expect '^# PASSED: ' --forbid '^not ok' \
		-- "$run" -- "$out/$t" 0000:6a:01.0 || rc=1
done
exit $rc
