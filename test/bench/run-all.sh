#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run every benchmark of test/bench once, in one go, and print their ratios
# (each prints its own table; the ratio lines are repeated at the end).
# Usage: test/bench/run-all.sh [BUILD_DIR] [--vm]   (default: build)
# Or: ninja -C BUILD_DIR bench. Figures of PDK's SIMULATED kernel and devices;
# --vm adds pdk-bench-ctl on the VM's real kernel (test/vm/run-vm.sh boots it
# under QEMU TCG, with the kernel's PASID-capable mock device: kernel-mock), and
# pdk-bench-ctl --type1 there: iommufd map beside VFIO type1 on its edu devices.
set -u
build=${1:-build}
vm=${2:-}
bench=$build/test/bench
out=$(mktemp)
trap 'rm -f "$out"' EXIT
rc=0
for b in va2iova ctl portal dma trap fastpath fault; do
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
# pdk-bench-ctl in a VM boot: TITLE, guest MEMORY, the guest's COMMAND and
# a NOISE line prefix of the guest's kernel to leave out; the guest's own
# lines, as run-test.sh prints them, go to the output; a failed boot keeps
# its serial log and fails the run.
vm_bench() {
	echo "==== $1"
	log=$(mktemp)
	if "$top/test/vm/run-vm.sh" --quiet --timeout 800 --memory "$2" --log "$log" \
		--bin "$bench/pdk-bench-ctl" -- "$3"; then
		keep=false
	else
		echo "run-all: pdk-bench-ctl in the VM failed (serial log: $log)" >&2
		rc=1
		keep=true
	fi
	sed -n '/^PDK-VM-RUN/,/^PDK-VM-RESULT/p' "$log" | grep -v "^PDK-VM\|^$4" | tee -a "$out"
	$keep || rm -f "$log"
	echo
}
if [ "$vm" = "--vm" ]; then
	top=$(dirname "$0")/../..
	vm_bench "pdk-bench-ctl on the VM's kernel (QEMU TCG: slow, ratios only)" 2G \
		'/bin/pdk-bench-ctl --backend kernel-mock --iters 20 --pasids 1024' iommufd_mock
	# iommufd beside VFIO type1 on the VM's two edu devices (emulated VT-d), with
	# 2 MiB pages from hugetlbfs: 560 of them hold the 1 GiB buffer
	vm_bench "pdk-bench-ctl --type1 on the VM's kernel (QEMU TCG: emulated, ratios only)" 3G \
		'echo 560 > /proc/sys/vm/nr_hugepages; /bin/pdk-bench-ctl --type1 --backend kernel --iters 400' \
		ACPI
fi
echo "==== ratios"
grep -E '(^| )ratio |[0-9]x( |$)' "$out"
exit $rc
