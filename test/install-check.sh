#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install PDK into a scratch root, then build and run a program from outside
# the tree with nothing but `pkg-config --cflags --libs libpdk`: proof that
# the installed headers, libraries and libpdk.pc are enough.
set -eu
build=$1
src=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --destdir "$root" --quiet >/dev/null
pc=$(find "$root" -name libpdk.pc | head -n 1)
[ -n "$pc" ] || { echo "install-check: libpdk.pc was not installed"; exit 1; }
# the scratch root stands in for /: point libpdk.pc's prefix into it (only
# ours: libdpdk.pc, which it requires, stays where the system has it)
prefix=$(sed -n 's/^prefix=//p' "$pc")
sed -i "s|^prefix=.*|prefix=$root$prefix|" "$pc"
export PKG_CONFIG_PATH="$(dirname "$pc")"
flags=$(pkg-config --cflags --libs libpdk)
libdir=$(pkg-config --variable=libdir libpdk)
cp "$src/examples/hello-pasid/main.c" "$root/outside.c"
cc -o "$root/outside" "$root/outside.c" $flags
echo "install-check: built an outside program with: cc outside.c \$(pkg-config --cflags --libs libpdk)"
LD_LIBRARY_PATH="$libdir" "$root/outside"
