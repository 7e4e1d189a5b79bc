#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Compile every C file of lib/ against the kernel uapi headers of other
# Debian releases: 6.12 (Debian 13's linux-libc-dev, which has iommufd.h but
# not the 6.15 PASID fields) and the newest one trixie-backports carries.
# lib/sys/pdk_uapi.h must make PDK build with each, as it does with Debian
# 12's 6.1 headers in the normal build. The packages are downloaded into
# PDK's cache and unpacked there, never installed.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
apt="$src/test/vm/apt-suite.sh"
cache=${PDK_CACHE:-/var/cache/pdk}/uapi
mkdir -p "$cache"

newest() { # newest version of linux-libc-dev in suite $1
	"$apt" madison "$1" -- linux-libc-dev | awk -v s="$1" '$0 ~ s {print $3}' | sort -V | tail -n 1
}

fail=0
for suite in trixie trixie-backports; do
	ver=$(newest "$suite")
	[ -n "$ver" ] || { echo "uapi-check: no linux-libc-dev in $suite"; exit 1; }
	dir="$cache/$ver"
	if [ ! -f "$dir/usr/include/linux/version.h" ]; then
		deb=$("$apt" download "$suite" -- "linux-libc-dev=$ver" | tail -n 1)
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp" && dpkg-deb -x "$deb" "$dir.tmp" && mv "$dir.tmp" "$dir"
	fi
	n=0
	for f in "$src"/lib/*/*.c; do
		if ! cc -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -fsyntax-only \
			-isystem "$dir/usr/include" -isystem "$dir/usr/include/x86_64-linux-gnu" \
			$(pkg-config --cflags libdpdk) $(printf -- '-I%s ' "$src"/lib/*/) "$f"; then
			echo "uapi-check: $f does not build with linux-libc-dev $ver"
			fail=1
		fi
		n=$((n + 1))
	done
	echo "uapi-check: $n files of lib/ build with linux-libc-dev $ver ($suite)"
done
exit $fail
