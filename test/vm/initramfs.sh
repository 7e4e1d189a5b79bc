#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the initramfs of the PDK test VM.
#
#   test/vm/initramfs.sh OUT.cpio.gz [BINARY[:GUEST-PATH]...]
#
# The image holds busybox (static, from Debian 12's busybox-static), each
# BINARY (at GUEST-PATH, default /bin/<name>), every shared library they load
# (found with ldd, copied at the path the host's loader uses, symlinks and
# symlinked directories such as /lib -> usr/lib reproduced, the dynamic loader
# at its PT_INTERP path; a library from outside the system's library
# directories, e.g. a build tree's, goes to /usr/lib instead) and an /init
# that:
#   1. mounts proc, sysfs, devtmpfs, debugfs, tmpfs (/tmp, /dev/shm, /run)
#      and hugetlbfs (/dev/hugepages);
#   2. binds every PCI device whose vendor:device is in pdk.vfio= (default
#      1234:11e8, QEMU's edu) to vfio-pci through driver_override and
#      drivers_probe, then lists /dev/iommu and /dev/vfio/devices, and prints
#      one line "PDK-VM-VFIO <pci address> <vendor:device> <cdev>" per device;
#   3. runs the command of the kernel command line, as `sh -c`, from /:
#        pdk.run64=BASE64   any shell text, base64-encoded (what run-vm.sh
#                           passes: no quoting problem at all)
#        pdk.run="TEXT"     readable form for a command without double quotes
#        pdk.run=WORD       a single word
#      with no command, it runs an interactive shell on the console;
#   4. prints "PDK-VM-RESULT rc=<exit code>" on a line of its own and powers
#      off (poweroff -f). If that fails, init exits: the kernel panics and,
#      with panic=-1 and QEMU's -no-reboot, the VM stops anyway.
# Libraries opened with dlopen() are not seen by ldd: pass them as BINARY.

set -euo pipefail
trap 'echo "initramfs.sh: error: unexpected failure (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

die() {
	echo "initramfs.sh: error: $*" >&2
	exit 1
}
log() { echo "initramfs.sh: $*" >&2; }

[ $# -ge 1 ] || die "usage: $0 OUT.cpio.gz [BINARY[:GUEST-PATH]...]"
out=$1
shift
case "$out" in
/*) ;;
*) out=$PWD/$out ;;
esac

# --- host tools ------------------------------------------------------------
is_static() { ! ldd "$1" >/dev/null 2>&1; }
busybox=""
for b in /usr/bin/busybox /bin/busybox; do
	if [ -x "$b" ] && is_static "$b"; then
		busybox=$b
		break
	fi
done
need=()
[ -n "$busybox" ] || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v gzip >/dev/null || need+=(gzip)
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing ${need[*]}: run as root or install them"
	log "installing ${need[*]} from Debian 12 (apt-get update first)"
	apt-get update -q >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >&2 ||
		die "apt-get install ${need[*]} failed"
	busybox=/bin/busybox
	is_static "$busybox" || die "$busybox is not statically linked"
fi

# --- staging ---------------------------------------------------------------
img=$(mktemp -d "${TMPDIR:-/tmp}/pdk-initramfs.XXXXXX")
trap 'rm -rf "$img"' EXIT
mkdir -p "$img"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,etc,root}
chmod 1777 "$img/tmp"
cp "$busybox" "$img/bin/busybox"

declare -A added=()

# Reproduce directory D of the host in the image, symlinks included.
add_dir() {
	local d=$1 link target
	[ "$d" = / ] || [ -z "$d" ] && return 0
	[ -n "${added[$d]:-}" ] && return 0
	added[$d]=1
	add_dir "$(dirname "$d")"
	if [ -L "$d" ]; then
		link=$(readlink "$d")
		case "$link" in
		/*) target=$link ;;
		*) target=$(dirname "$d")/$link ;;
		esac
		[ -e "$img$d" ] || [ -L "$img$d" ] || ln -s "$link" "$img$d"
		add_dir "$(realpath -m "$target")"
	else
		mkdir -p "$img$d"
	fi
}

# Copy host file F at the same path, following and reproducing symlinks.
add_file() {
	local f=$1 link target
	[ -n "${added[$f]:-}" ] && return 0
	added[$f]=1
	[ -e "$f" ] || die "$f (needed in the image) does not exist"
	add_dir "$(dirname "$f")"
	if [ -L "$f" ]; then
		link=$(readlink "$f")
		case "$link" in
		/*) target=$link ;;
		*) target=$(dirname "$f")/$link ;;
		esac
		[ -e "$img$f" ] || [ -L "$img$f" ] || ln -s "$link" "$img$f"
		add_file "$(realpath -m "$target")"
	else
		cp -p "$f" "$img$f"
	fi
}

# The shared libraries and loader a binary needs, one path per line.
libs_of() {
	local bin=$1 out
	if ! out=$(ldd "$bin" 2>&1); then
		case "$out" in
		*"not a dynamic executable"* | *"statically linked"*) return 0 ;;
		*) die "ldd $bin failed: $out" ;;
		esac
	fi
	if grep -q "not found" <<<"$out"; then
		die "$bin needs libraries the host does not have: $(grep 'not found' <<<"$out" | tr -s ' \t' ' ')"
	fi
	awk '
		$2 == "=>" && $3 ~ /^\// { print $3 " " $1; next }
		$1 ~ /^\// { print $1 }
	' <<<"$out"
}

# The guest's loader has no ld.so.cache and the binary sits elsewhere than
# on the host, so a library found through the binary's RUNPATH (a build
# tree's $ORIGIN/..) would be missing at run time; its host path may even be
# hidden (the guest mounts a tmpfs on /tmp). Such a library is copied under
# the name the binary asks for into /usr/lib, which the loader always
# searches; system libraries keep their host paths.
add_lib() {
	local lib=$1 needed=$2
	case "$(dirname "$lib")" in
	/lib | /lib64 | /usr/lib | /usr/lib64 | /lib/*-linux-gnu | /usr/lib/*-linux-gnu)
		add_file "$lib"
		return 0
		;;
	esac
	case "$needed" in
	"" | */*) add_file "$lib" ;;
	*)
		add_dir /usr/lib
		cp -L "$lib" "$img/usr/lib/$needed"
		;;
	esac
}

for spec in "$@"; do
	src=${spec%%:*}
	if [ "$src" != "$spec" ]; then
		dst=${spec#*:}
	else
		dst=/bin/$(basename "$src")
	fi
	case "$dst" in /*) ;; *) die "guest path '$dst' of $src must be absolute" ;; esac
	[ -f "$src" ] || die "binary $src does not exist"
	mkdir -p "$img$(dirname "$dst")"
	cp -L "$src" "$img$dst"
	chmod +x "$img$dst"
	n=0
	while read -r lib needed; do
		add_lib "$lib" "${needed:-}"
		n=$((n + 1))
	done < <(libs_of "$src")
	log "added $src as $dst with $n libraries"
done

# --- /init -------------------------------------------------------------------
cat >"$img/init" <<'EOF'
#!/bin/busybox sh
# PDK test VM init (generated by test/vm/initramfs.sh).
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root TERM=dumb
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/shm /dev/hugepages /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null || true
[ -e /dev/console ] || mknod /dev/console c 5 1
exec </dev/console >/dev/console 2>&1

cmdline=$(cat /proc/cmdline)
param() { # the value of NAME=VALUE or NAME="VALUE" on the kernel command line
	printf '%s\n' "$cmdline" | sed -n "s/.*[[:space:]]$1=\"\([^\"]*\)\".*/\1/p;t;s/^$1=\"\([^\"]*\)\".*/\1/p;t;s/.*[[:space:]]$1=\([^[:space:]\"]*\).*/\1/p;t;s/^$1=\([^[:space:]\"]*\).*/\1/p"
}

echo "PDK-VM: kernel $(uname -r), $(grep -c ^processor /proc/cpuinfo) cpu(s), $(sed -n 's/^MemTotal: *//p' /proc/meminfo) memory"

# Bind the chosen PCI devices to vfio-pci.
ids=$(param pdk.vfio)
[ -n "$ids" ] || ids=1234:11e8
ids=$(echo "$ids" | tr ',' ' ')
bound=0
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/vendor" ] || continue
	vd="$(sed 's/^0x//' "$d/vendor"):$(sed 's/^0x//' "$d/device")"
	for id in $ids; do
		[ "$vd" = "$id" ] || continue
		bdf=${d##*/}
		echo vfio-pci >"$d/driver_override"
		if [ -e "$d/driver" ]; then
			echo "$bdf" >"$d/driver/unbind"
		fi
		echo "$bdf" >/sys/bus/pci/drivers_probe
		cdev=$(ls "$d/vfio-dev" 2>/dev/null | head -n1)
		drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
		echo "PDK-VM-VFIO $bdf $vd driver=${drv:-none} cdev=${cdev:-none} iommu_group=$(basename "$(readlink "$d/iommu_group" 2>/dev/null)" 2>/dev/null)"
		bound=$((bound + 1))
	done
done
echo "PDK-VM: $bound device(s) bound to vfio-pci"
ls -l /dev/iommu /dev/vfio/devices 2>&1 | sed 's/^/PDK-VM: /'

run64=$(param pdk.run64)
if [ -n "$run64" ]; then
	cmd=$(echo "$run64" | base64 -d) || cmd="echo 'PDK-VM: pdk.run64 is not valid base64'; exit 125"
else
	cmd=$(param pdk.run)
fi

cd /
if [ -n "$cmd" ]; then
	echo "PDK-VM-RUN $cmd"
	sh -c "$cmd"
	rc=$?
else
	echo "PDK-VM: no pdk.run= on the kernel command line: interactive shell (exit to power off)"
	setsid cttyhack sh
	rc=$?
fi
sync
printf '\nPDK-VM-RESULT rc=%s\n' "$rc"
poweroff -f
sleep 5
exit "$rc"
EOF
chmod +x "$img/init"

mkdir -p "$(dirname "$out")"
(cd "$img" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -6 >"$out.tmp"
mv "$out.tmp" "$out"
log "wrote $out ($(stat -c %s "$out") bytes)"
