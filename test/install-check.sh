#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install PDK into a scratch root, then build and run programs from outside
# the tree with nothing but
#   pkg-config --define-prefix --cflags --libs libpdk [libpdk_sim]
# on the installed .pc files, unedited: proof that the installed headers,
# libraries and .pc files are enough, that the install can be moved (the
# scratch root stands in for /), that a consumer gets no DPDK flags, and
# that a program for real machines links libpdk alone (no sim, no DPDK).
#
#   install-check.sh BUILD SRC [pkgconfig|adversarial|burst-fault]
#
# pkgconfig (the default) builds test/outside/kernel_only.c with libpdk
# alone, and examples/hello-pasid with libpdk + libpdk_sim, shared and
# static. adversarial builds test/outside/adversarial.c (libpdk +
# libpdk_sim) and runs it plainly, under valgrind and built again with
# ASan+UBSan; burst-fault does the same with test/outside/burst_fault.c
# (libpdk + libpdk_sim +
# libpdk_dma_dsa + libpdk_dma_skeleton). All share the one install and
# relocation below.
set -eu
build=$1
src=$2
mode=${3:-pkgconfig}
case "$mode" in
pkgconfig | adversarial | burst-fault) ;;
*)
	echo "install-check: unknown mode '$mode' (pkgconfig, adversarial or burst-fault)"
	exit 2
	;;
esac
# A sanitized build installs a libpdk that needs its sanitizer's runtime
# loaded first, which neither a plain program nor valgrind has: the
# adversarial and burst-fault modes make their own ASan+UBSan build from a
# plain install, so they run only from a plain build (meson's exit status
# 77: skipped).
if [ "$mode" != pkgconfig ]; then
	sanitize=$(python3 -c 'import json, sys
print({o["name"]: o["value"] for o in json.load(open(sys.argv[1]))}.get("b_sanitize", "none"))' \
		"$build/meson-info/intro-buildoptions.json")
	if [ "$sanitize" != none ]; then
		echo "install-check: $build is built with -Db_sanitize=$sanitize; the $mode" \
			"test runs from a plain build (it makes its own ASan+UBSan build): skipped"
		exit 77
	fi
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() {
	echo "install-check: $*"
	exit 1
}
meson install -C "$build" --no-rebuild --destdir "$root" --quiet >/dev/null
pc=$(find "$root" -name libpdk.pc | head -n 1)
[ -n "$pc" ] || fail "libpdk.pc was not installed"
export PKG_CONFIG_PATH="$(dirname "$pc")"
pcq() {
	pkg-config --define-prefix "$@"
}
cflags=$(pcq --cflags libpdk libpdk_sim)
libs=$(pcq --libs libpdk libpdk_sim)
echo "install-check: ${pc#"$root"} and libpdk_sim.pc give"
echo "  --cflags: $cflags"
echo "  --libs:   $libs"

# the folders it names are the moved install's, not the configured prefix
incdir=$(pcq --variable=includedir libpdk)
libdir=$(pcq --variable=libdir libpdk)
case "$(cd "$incdir" && pwd -P)" in
"$(cd "$root" && pwd -P)"/*) ;;
*) fail "includedir $incdir is not inside the moved install $root" ;;
esac
[ -f "$incdir/pdk/pdk_pasid.h" ] || fail "includedir $incdir has no pdk/pdk_pasid.h"
ls "$libdir"/libpdk.so* >/dev/null 2>&1 || fail "libdir $libdir has no libpdk.so"
case "$cflags" in
*"$incdir/pdk"*) ;;
*) fail "--cflags do not name $incdir/pdk" ;;
esac

# no public header includes DPDK, so a consumer must get none of its flags
for f in dpdk rte_config -march -include; do
	case "$cflags" in
	*"$f"*) fail "--cflags carry DPDK's '$f': $cflags" ;;
	esac
done
if grep -l 'include <rte_' "$incdir"/pdk/*.h; then
	fail "an installed header includes DPDK (above): libpdk.pc must then require libdpdk"
fi
# the other .pc files add their library to libpdk's, still without DPDK
for drv in libpdk_sim libpdk_dpdk libpdk_dma_dsa libpdk_dma_edu libpdk_dma_skeleton; do
	dflags=$(pcq --cflags --libs "$drv")
	case "$dflags" in
	*include/dpdk* | *-lrte_* | *-march* | *rte_config*) fail "$drv carries DPDK's flags: $dflags" ;;
	*"-l${drv#lib}"*) ;;
	*) fail "$drv does not link -l${drv#lib}: $dflags" ;;
	esac
done

# An outside test program: test/outside/NAME.c built with the installed
# .pc files' flags for PKGS, three runs. Its libpdk is the plain installed
# one; the ASan+UBSan build instruments the program and puts LeakSanitizer
# over every allocation, PDK's included.
#   outside_prog NAME PKGS
outside_prog() {
	name=$1
	pkgs=$2
	prog="$src/test/outside/$name.c"
	log="$root/$name.log"
	# shellcheck disable=SC2086 # the package list and the flags are words
	pflags=$(pcq --cflags --libs $pkgs)
	# shellcheck disable=SC2086
	cc -Wall -Wextra -Werror -g -o "$root/$name" "$prog" $pflags
	echo "install-check: built test/outside/$name.c with:" \
		"cc $name.c \$(pkg-config --define-prefix --cflags --libs $pkgs)"
	echo "== $name, plain"
	LD_LIBRARY_PATH="$libdir" "$root/$name" || fail "$name: failed (above)"
	if command -v valgrind >/dev/null; then
		echo "== $name, under valgrind"
		# --fair-sched=yes: valgrind runs one thread at a time, and its default
		# lock lets a thread that polls (the program waiting on a SIMULATED
		# device's completion, a syscall per turn) starve the device's thread
		LD_LIBRARY_PATH="$libdir" valgrind -q --fair-sched=yes --error-exitcode=1 --leak-check=full \
			--errors-for-leak-kinds=definite "$root/$name" >"$log" 2>&1 || {
			cat "$log"
			fail "$name: failed under valgrind (above)"
		}
		tail -n 1 "$log"
	else
		echo "== $name: valgrind is not installed, that run is skipped"
	fi
	# shellcheck disable=SC2086
	cc -Wall -Wextra -Werror -g -fsanitize=address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -o "$root/$name-asan" "$prog" $pflags
	echo "== $name, built with -fsanitize=address,undefined"
	LD_LIBRARY_PATH="$libdir" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1 "$root/$name-asan" >"$log" 2>&1 || {
		cat "$log"
		fail "$name: failed under ASan+UBSan (above)"
	}
	tail -n 1 "$log"
	echo "install-check: $name passed plainly, under valgrind and ASan+UBSan"
}
case "$mode" in
adversarial)
	outside_prog adversarial "libpdk libpdk_sim"
	exit 0
	;;
burst-fault)
	outside_prog burst_fault "libpdk libpdk_sim libpdk_dma_dsa libpdk_dma_skeleton"
	exit 0
	;;
esac

# A program for real machines: libpdk alone. What it loads is libpdk and
# libc's: neither the simulator nor any DPDK library.
kflags=$(pcq --cflags --libs libpdk)
# shellcheck disable=SC2086 # the flags are words
cc -Wall -Wextra -Werror -o "$root/kernel-only" "$src/test/outside/kernel_only.c" $kflags
echo "install-check: built test/outside/kernel_only.c with:" \
	"cc kernel_only.c \$(pkg-config --define-prefix --cflags --libs libpdk)"
needed=$(LD_LIBRARY_PATH="$libdir" ldd "$root/kernel-only")
case "$needed" in
*libpdk_sim* | *librte_*) fail "a program linked with libpdk alone loads more: $needed" ;;
esac
LD_LIBRARY_PATH="$libdir" "$root/kernel-only" || fail "kernel_only: failed (above)"

cp "$src/examples/hello-pasid/main.c" "$root/outside.c"
# shellcheck disable=SC2086 # the flags are words
cc -o "$root/outside" "$root/outside.c" $cflags $libs
echo "install-check: built an outside program with:" \
	"cc outside.c \$(pkg-config --define-prefix --cflags --libs libpdk libpdk_sim)"
LD_LIBRARY_PATH="$libdir" "$root/outside"

# the .a files: --static adds Libs.private, which must be enough to link
slibs=$(pcq --static --libs libpdk libpdk_sim | sed 's/-lpdk_sim/-l:libpdk_sim.a/;
	s/\(^\| \)-lpdk\( \|$\)/\1-l:libpdk.a\2/')
# shellcheck disable=SC2086
cc -o "$root/outside-static" "$root/outside.c" $cflags $slibs
echo "install-check: built it with libpdk.a and libpdk_sim.a:" \
	"cc outside.c \$(pkg-config --define-prefix --static --cflags --libs libpdk libpdk_sim)," \
	"-lpdk as -l:libpdk.a, -lpdk_sim as -l:libpdk_sim.a"
"$root/outside-static" >/dev/null
echo "install-check: the three programs ran"
