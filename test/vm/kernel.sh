#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build (once) and cache the kernel the PDK test VM boots, and print the path
# of its bzImage on stdout (every message goes to stderr).
#
#   test/vm/kernel.sh            build if needed, print the bzImage path
#   test/vm/kernel.sh --key      print the cache key only (no build)
#   test/vm/kernel.sh --refresh  refresh the private apt lists first, so a
#                                newer linux-source-7.x is picked up
#
# Recipe: the newest linux-source-7.* of trixie-backports, fetched with
# `apt-get download` through test/vm/apt-suite.sh (never installed), its
# source tarball unpacked into the cache, `make ARCH=x86_64 tinyconfig`, the
# fragment test/vm/kernel.config merged in, every option of the fragment
# checked to be =y, then `make bzImage`: everything built in, no modules.
#
# Cache (PDK_CACHE, default /var/cache/pdk):
#   $PDK_CACHE/kernel/<key>/bzImage     the result; <key> is the sha256 of the
#                                       fragment, the linux-source package and
#                                       version, and RECIPE below
#   $PDK_CACHE/kernel/<key>/config      its .config; build.log its build log
#   $PDK_CACHE/kernel/build/<pkg>_<ver> the unpacked tree (kept, so a changed
#                                       fragment rebuilds incrementally)
# With the same key, a second run does nothing but print the path.
#
# Environment: PDK_KERNEL_SOURCE=PKG=VERSION pins the source package (e.g.
# linux-source-7.3=7.3.4-1~bpo13+1) instead of picking the newest.

set -euo pipefail
trap 'echo "kernel.sh: error: unexpected failure (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# Bump when the build steps below change in a way that changes the result.
RECIPE="pdk-vm-kernel recipe 1: ARCH=x86_64 tinyconfig + merge_config.sh -m + olddefconfig + bzImage"
SUITE=trixie-backports

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/kernel.config
PDK_CACHE=${PDK_CACHE:-/var/cache/pdk}
kcache=$PDK_CACHE/kernel

# shellcheck source-path=SCRIPTDIR source=apt-suite.sh
. "$here/apt-suite.sh"

log() { echo "kernel.sh: $*" >&2; }
die() {
	echo "kernel.sh: error: $*" >&2
	exit 1
}

mode=build
case "${1:-}" in
"") ;;
--key) mode=key ;;
--refresh) PDK_APT_FORCE_UPDATE=1 ;;
-h | --help)
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 0
	;;
*) die "unknown argument '$1' (try --help)" ;;
esac

[ -r "$fragment" ] || die "missing config fragment $fragment"

# --- which linux-source ----------------------------------------------------
# The private lists are refreshed only when missing (or with --refresh), so a
# cached kernel is found without any network access.
pick_source() {
	if [ -n "${PDK_KERNEL_SOURCE:-}" ]; then
		src_pkg=${PDK_KERNEL_SOURCE%%=*}
		src_ver=${PDK_KERNEL_SOURCE#*=}
		if [ "$src_pkg" = "$PDK_KERNEL_SOURCE" ] || [ -z "$src_ver" ]; then
			die "PDK_KERNEL_SOURCE must be PACKAGE=VERSION, not '$PDK_KERNEL_SOURCE'"
		fi
		return
	fi
	local dir names name v best_pkg="" best_ver=""
	dir=$(pdk_apt_dir "$SUITE")
	if [ -f "$dir/updated" ] && [ "${PDK_APT_FORCE_UPDATE:-0}" != 1 ]; then
		export PDK_APT_MAX_AGE=$((100 * 365 * 86400))
	fi
	names=$(pdk_apt_cache "$SUITE" -- search --names-only '^linux-source-7\.[0-9]+$' | awk '{print $1}')
	[ -n "$names" ] || die "no linux-source-7.* package in $SUITE (see $(pdk_apt_dir "$SUITE")/update.log)"
	for name in $names; do
		while read -r v; do
			[ -n "$v" ] || continue
			if [ -z "$best_ver" ] || dpkg --compare-versions "$v" gt "$best_ver"; then
				best_pkg=$name
				best_ver=$v
			fi
		done < <(pdk_apt_cache "$SUITE" -- madison "$name" | awk -F'|' -v n="$name" '{gsub(/ /, "", $1); gsub(/ /, "", $2); if ($1 == n) print $2}')
	done
	[ -n "$best_ver" ] || die "no version of $names found in $SUITE"
	src_pkg=$best_pkg
	src_ver=$best_ver
}

pick_source
key=$({
	printf '%s\n' "$RECIPE" "$src_pkg=$src_ver"
	cat "$fragment"
} | sha256sum | cut -c1-16)

if [ "$mode" = key ]; then
	echo "$key"
	exit 0
fi

out=$kcache/$key
if [ -s "$out/bzImage" ]; then
	log "cached: $src_pkg $src_ver, key $key"
	echo "$out/bzImage"
	exit 0
fi

# --- build -----------------------------------------------------------------
mkdir -p "$kcache" 2>/dev/null || die "cannot create $kcache: run as root or set PDK_CACHE to a writable directory"
exec 9>"$kcache/.lock"
if ! flock -n 9; then
	log "another kernel build holds $kcache/.lock; waiting"
	flock 9
fi
# Built by the holder of the lock meanwhile?
if [ -s "$out/bzImage" ]; then
	echo "$out/bzImage"
	exit 0
fi

start=$(date +%s)
log "building the VM kernel from $src_pkg $src_ver (key $key); about 10 minutes on 2 cores"

# Host tools, from Debian 12.
need=(build-essential flex bison m4 bc libelf-dev xz-utils perl)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing build packages (${missing[*]}); run as root or install them"
	log "installing ${missing[*]} (apt-get update first)"
	apt-get update -q >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2 ||
		die "apt-get install ${missing[*]} failed"
fi

# Source: download, dpkg-deb -x, untar into a tree kept per package version.
tree=$kcache/build/${src_pkg}_${src_ver}
if [ ! -f "$tree/.pdk-unpacked" ]; then
	deb=$(pdk_apt_download "$SUITE" -- "$src_pkg=$src_ver" | tail -n1)
	rm -rf "$tree" "$tree.deb"
	mkdir -p "$tree.deb"
	log "unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$tree.deb"
	tarball=$(find "$tree.deb/usr/src" -maxdepth 1 -name 'linux-source-*.tar.*' | head -n1)
	[ -n "$tarball" ] || die "no linux-source-*.tar.* under /usr/src in $deb"
	mkdir -p "$tree"
	tar -xf "$tarball" -C "$tree" --strip-components=1
	rm -rf "$tree.deb"
	[ -f "$tree/Makefile" ] || die "$tarball did not hold a kernel tree"
	touch "$tree/.pdk-unpacked"
fi

mkdir -p "$out"
buildlog=$out/build.log
: >"$buildlog"
kmake() {
	make -C "$tree" ARCH=x86_64 KBUILD_BUILD_USER=pdk KBUILD_BUILD_HOST=pdk-vm "$@" >>"$buildlog" 2>&1
}
fail() {
	echo "kernel.sh: error: $* -- last lines of $buildlog:" >&2
	tail -n 40 "$buildlog" >&2
	exit 1
}

log "configuring: tinyconfig + $(basename "$fragment")"
kmake tinyconfig || fail "make tinyconfig failed"
(cd "$tree" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config "$fragment") >>"$buildlog" 2>&1 ||
	fail "merge_config.sh failed"
kmake olddefconfig || fail "make olddefconfig failed"

# Every option of the fragment must have stuck, with the value asked for.
bad=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		opt=${line%%=*}
		if ! grep -qxF "$line" "$tree/.config"; then
			got=$(grep -E "^$opt=|^# $opt is not set" "$tree/.config" || true)
			if ! grep -rqE "^[[:space:]]*(menu)?config[[:space:]]+${opt#CONFIG_}[[:space:]]*$" --include='Kconfig*' "$tree"; then
				got="no such option in this kernel"
			fi
			bad+=("$line (got: ${got:-absent})")
		fi
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -qE "^$opt=" "$tree/.config"; then
			bad+=("$line (got: $(grep -E "^$opt=" "$tree/.config"))")
		fi
		;;
	esac
done <"$fragment"
if [ ${#bad[@]} -gt 0 ]; then
	echo "kernel.sh: error: options of $fragment that did not stick in $src_pkg $src_ver:" >&2
	printf '  %s\n' "${bad[@]}" >&2
	echo "kernel.sh: (a missing dependency, or an option renamed in this kernel; see 'make menuconfig' in $tree)" >&2
	exit 1
fi
if grep -qx 'CONFIG_MODULES=y' "$tree/.config"; then
	die "CONFIG_MODULES=y crept into the config; the VM kernel must have everything built in"
fi
cp "$tree/.config" "$out/config"

log "make -j$(nproc) bzImage (log: $buildlog)"
kmake -j"$(nproc)" bzImage || fail "make bzImage failed"

cp "$tree/arch/x86/boot/bzImage" "$out/bzImage.tmp"
{
	echo "source=$src_pkg=$src_ver"
	echo "kernelrelease=$(make -s -C "$tree" ARCH=x86_64 kernelrelease 2>/dev/null)"
	echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "seconds=$(($(date +%s) - start))"
} >"$out/info"
mv "$out/bzImage.tmp" "$out/bzImage"
log "built in $(($(date +%s) - start)) s: $out/bzImage ($(stat -c %s "$out/bzImage") bytes)"
echo "$out/bzImage"
