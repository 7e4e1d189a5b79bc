#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run one pdk-test test in the PDK test VM: what each test of the meson
# suite "vm" executes (test/vm/meson.build).
#
#   test/vm/run-test.sh NAME INITRAMFS LOGDIR
#
# Ensures the kernel (test/vm/kernel.sh, its messages in LOGDIR/kernel.log),
# boots test/vm/run-vm.sh with INITRAMFS and the guest command
# `/bin/pdk-test NAME`, prints the guest's output, and exits with the test's
# result: 0 passed, 77 skipped inside the guest (meson's skip), 1 failed.
# A boot failure, a panic or a timeout is a failure, with the whole serial
# log (kernel messages included) printed; so is any failure of the test.

set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

if [ $# -ne 3 ]; then
	echo "usage: $0 NAME INITRAMFS LOGDIR" >&2
	exit 2
fi
name=$1 initrd=$2 logdir=$3
mkdir -p "$logdir"
klog=$logdir/kernel.log
serial=$logdir/$name.serial.log

fail() {
	echo "run-test.sh: FAIL $name: $*"
	exit 1
}

[ -s "$initrd" ] || fail "no initramfs at $initrd (build the vm-initramfs target)"

if ! kernel=$("$here/kernel.sh" 2>>"$klog"); then
	echo "run-test.sh: test/vm/kernel.sh failed; its last messages ($klog):"
	tail -n 40 "$klog" | sed 's/^/  | /'
	fail "no VM kernel"
fi

set +e
# Leave room under meson's 300 s for the log to be printed.
"$here/run-vm.sh" --kernel "$kernel" --initrd "$initrd" --quiet --log "$serial" \
	--timeout "${PDK_VM_TIMEOUT:-270}" -- "/bin/pdk-test $name" 2>"$logdir/$name.run-vm.log"
rc=$?
set -e

# The guest's own lines: from the command to its result.
guest=$(tr -d '\r' <"$serial" | sed -n '/^PDK-VM-RUN /,/^PDK-VM-RESULT /p')
printf '%s\n' "$guest"

verdict=fail
if [ "$rc" = 0 ] && grep -q "^OK   $name\$" <<<"$guest"; then
	verdict=pass
elif [ "$rc" = 0 ] && grep -q "^SKIP $name\$" <<<"$guest"; then
	verdict=skip
fi

if [ "$verdict" != pass ]; then
	echo "== run-vm.sh ($logdir/$name.run-vm.log):"
	sed 's/^/  | /' "$logdir/$name.run-vm.log"
	echo "== serial log of the VM ($serial):"
	tr -d '\r' <"$serial" | sed 's/^/  | /'
fi
case "$verdict" in
pass) exit 0 ;;
skip) echo "run-test.sh: $name skipped itself in the VM"; exit 77 ;;
esac
case "$rc" in
124) fail "the VM did not finish in time" ;;
125) fail "the VM gave no result (boot failure, kernel panic or QEMU error): see the serial log above" ;;
0) fail "the guest gave rc 0 but no OK line for $name" ;;
*) fail "the test failed in the VM (rc $rc)" ;;
esac
