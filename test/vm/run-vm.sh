#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boot the PDK test VM (QEMU q35 under TCG, emulated Intel VT-d in scalable
# mode, two QEMU edu devices bound to vfio-pci), run one shell command in it,
# and exit with that command's exit code.
#
#   test/vm/run-vm.sh [OPTIONS] [--] COMMAND...
#
# COMMAND (its words joined with spaces) is shell text run by `sh -c` in the
# guest, passed base64-encoded on the kernel command line (pdk.run64=), so
# any quoting survives. With no COMMAND, the guest offers a shell on the
# console (the terminal) and exits when it does.
#
# Options:
#   --kernel BZIMAGE   default: the cached kernel of test/vm/kernel.sh (built
#                      on first use, about 10 minutes)
#   --initrd CPIO.GZ   default: one made by test/vm/initramfs.sh with --bin
#   --bin FILE[:PATH]  a binary (and the libraries it loads) for the default
#                      initramfs, at PATH in the guest (default /bin/NAME);
#                      repeatable
#   --log FILE         the serial console log (default: a new file under
#                      $PDK_CACHE/vm/, its path printed at the end)
#   --timeout SECONDS  hard limit for the whole VM run (default 300)
#   --edu N            number of edu devices (default 2)
#   --memory SIZE      guest memory (default 1G)
#   --append TEXT      more kernel parameters
#   --iommu PROPS      properties of QEMU's intel-iommu device (default
#                      intremap=on,caching-mode=on,x-scalable-mode=on)
#   --qemu-arg ARG     one more QEMU argument; repeatable
#   --quiet            do not echo the serial console while it runs
#
# Result: the guest's /init prints "PDK-VM-RESULT rc=N"; this script exits
# with N. Without that line (boot failure, panic, timeout, QEMU error) it
# prints the last 60 lines of the serial log and exits 125 (124 on
# timeout): never a silent skip.
#
# QEMU: needs qemu-system-x86_64 >= 8.2.1 (older edu models abort on a
# full 4 KiB DMA). When it is missing or older, as root, it is installed
# from bookworm-backports (QEMU 10.0 built for Debian 12) through
# test/vm/apt-suite.sh install; see test/vm/README.md. PDK_QEMU=/path
# overrides the binary (and the check).

set -euo pipefail
trap 'echo "run-vm.sh: error: unexpected failure (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

here=$(cd "$(dirname "$0")" && pwd)
PDK_CACHE=${PDK_CACHE:-/var/cache/pdk}

die() {
	echo "run-vm.sh: error: $*" >&2
	exit 125
}
log() { echo "run-vm.sh: $*" >&2; }

kernel="" initrd="" logfile="" timeout_s=300 edu=2 memory=1G append="" quiet=0
iommu_props=intremap=on,caching-mode=on,x-scalable-mode=on
bins=() extra=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--bin) bins+=("$2"); shift 2 ;;
	--log) logfile=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--edu) edu=$2; shift 2 ;;
	--memory) memory=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--iommu) iommu_props=$2; shift 2 ;;
	--qemu-arg) extra+=("$2"); shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h | --help)
		sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	--) shift; break ;;
	-*) die "unknown option $1 (try --help)" ;;
	*) break ;;
	esac
done
cmd="$*"
if [ -z "$cmd" ] && ! [ -t 0 ]; then
	case " $append " in
	*" pdk.run="* | *" pdk.run64="*) ;;
	*) die "no COMMAND given and standard input is not a terminal: nothing to run (try --help)" ;;
	esac
fi

# --- QEMU ------------------------------------------------------------------
QEMU_MIN=8.2.1
qemu_version() { "$1" --version 2>/dev/null | sed -n '1s/.*version \([0-9][0-9.]*\).*/\1/p'; }
if [ -n "${PDK_QEMU:-}" ]; then
	qemu=$PDK_QEMU
	[ -x "$qemu" ] || die "PDK_QEMU=$qemu is not executable"
else
	qemu=$(command -v qemu-system-x86_64 || true)
	v=""
	[ -n "$qemu" ] && v=$(qemu_version "$qemu")
	if [ -z "$v" ] || dpkg --compare-versions "$v" lt "$QEMU_MIN"; then
		if [ -n "$v" ]; then
			log "QEMU $v is older than $QEMU_MIN (its edu device aborts on a 4 KiB DMA)"
		else
			log "no qemu-system-x86_64"
		fi
		[ "$(id -u)" = 0 ] || die "install qemu-system-x86 >= $QEMU_MIN as root (test/vm/apt-suite.sh install bookworm-backports -- qemu-system-x86), or set PDK_QEMU"
		log "installing qemu-system-x86 from bookworm-backports"
		"$here/apt-suite.sh" install bookworm-backports -- qemu-system-x86 ||
			die "could not install qemu-system-x86 from bookworm-backports"
		qemu=$(command -v qemu-system-x86_64) || die "qemu-system-x86_64 still missing"
		v=$(qemu_version "$qemu")
		dpkg --compare-versions "$v" ge "$QEMU_MIN" || die "QEMU $v is still older than $QEMU_MIN"
	fi
fi

# --- kernel and initramfs ------------------------------------------------------
if [ -z "$kernel" ]; then
	kernel=$("$here/kernel.sh") || die "test/vm/kernel.sh failed"
fi
[ -s "$kernel" ] || die "no kernel at $kernel"

work=$(mktemp -d "${TMPDIR:-/tmp}/pdk-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ -z "$initrd" ]; then
	initrd=$work/initramfs.cpio.gz
	"$here/initramfs.sh" "$initrd" ${bins[@]+"${bins[@]}"} || die "test/vm/initramfs.sh failed"
elif [ ${#bins[@]} -gt 0 ]; then
	die "--bin and --initrd do not go together"
fi
[ -s "$initrd" ] || die "no initramfs at $initrd"

if [ -z "$logfile" ]; then
	mkdir -p "$PDK_CACHE/vm"
	logfile=$PDK_CACHE/vm/serial-$(date +%Y%m%d-%H%M%S)-$$.log
	# Keep the 20 newest logs.
	find "$PDK_CACHE/vm" -maxdepth 1 -name 'serial-*.log' -printf '%T@ %p\n' | sort -rn | tail -n +20 | cut -d' ' -f2- | xargs -r rm -f
fi
mkdir -p "$(dirname "$logfile")"
: >"$logfile"

# --- boot --------------------------------------------------------------------
# no_timer_check: under TCG on a loaded host the boot's check of the timer
# through the interrupt-remapped IO-APIC can miss its window, and with
# interrupt remapping on that is a panic ("timer doesn't work through
# Interrupt-remapped IO-APIC", seen in CI); the check proves nothing here
kparams="console=ttyS0 earlyprintk=serial,ttyS0 intel_iommu=on,sm_on panic=-1 oops=panic no_timer_check"
if [ -n "$cmd" ]; then
	kparams+=" pdk.run64=$(printf '%s' "$cmd" | base64 -w0)"
fi
[ -n "$append" ] && kparams+=" $append"
[ ${#kparams} -lt 2048 ] || die "kernel command line too long (${#kparams} bytes, limit 2048): put the command in a script in the initramfs"

# shellcheck disable=SC2054 # the commas are QEMU's
qargs=(
	-machine q35,kernel-irqchip=split -accel tcg -cpu max -m "$memory" -smp 1
	-nographic -no-reboot -nodefaults -serial mon:stdio
	-device "intel-iommu,$iommu_props"
)
for ((i = 0; i < edu; i++)); do
	qargs+=(-device edu)
done
qargs+=(-kernel "$kernel" -initrd "$initrd" -append "$kparams" ${extra[@]+"${extra[@]}"})

log "booting $(basename "$qemu") $(qemu_version "$qemu"), kernel $kernel, $edu edu device(s), timeout ${timeout_s}s"
[ -n "$cmd" ] && log "guest command: $cmd"
start=$(date +%s.%N)
set +e
if [ -z "$cmd" ] && [ -t 0 ]; then
	# Interactive: the terminal is the serial console.
	timeout --foreground "$timeout_s" "$qemu" "${qargs[@]}" 2>&1 | tee "$logfile"
	qrc=${PIPESTATUS[0]}
elif [ "$quiet" = 1 ]; then
	# "|| qrc=$?": a timeout is a result here, not an error for the ERR trap
	qrc=0
	timeout "$timeout_s" "$qemu" "${qargs[@]}" </dev/null >"$logfile" 2>&1 || qrc=$?
else
	timeout "$timeout_s" "$qemu" "${qargs[@]}" </dev/null 2>&1 | tee "$logfile"
	qrc=${PIPESTATUS[0]}
fi
set -e
secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')

result=$(tr -d '\r' <"$logfile" | sed -n 's/^PDK-VM-RESULT rc=\([0-9][0-9]*\).*/\1/p' | tail -n1)
if [ -n "$result" ]; then
	log "guest command exited with $result (VM ran ${secs}s; serial log: $logfile)"
	exit "$result"
fi

echo "run-vm.sh: error: no PDK-VM-RESULT line from the VM; last 60 lines of the serial log $logfile:" >&2
tr -d '\r' <"$logfile" | tail -n 60 | sed 's/^/  | /' >&2
if [ "$qrc" = 124 ]; then
	echo "run-vm.sh: error: the VM did not finish within ${timeout_s}s (killed)" >&2
	exit 124
fi
echo "run-vm.sh: error: QEMU exited with status $qrc after ${secs}s without a result (boot failure or kernel panic)" >&2
exit 125
