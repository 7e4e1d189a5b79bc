#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install PDK into a scratch root and compile every INSTALLED public header,
# each alone and then all of them in one file, as strict C99, strict C11 and
# C++17, warnings as errors. The headers are found in the install tree, so a
# header added to the install is checked without touching this script.
# Usage: headers-check.sh BUILD-DIR
set -eu
build=$1
# gcc, and clang where it is installed (CC and CXX choose one pair instead)
if [ -n "${CC:-}" ] || [ -n "${CXX:-}" ]; then
	pairs="${CC:-cc}:${CXX:-c++}"
elif command -v clang >/dev/null && command -v clang++ >/dev/null; then
	pairs="cc:c++ clang:clang++"
else
	pairs="cc:c++"
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --no-rebuild --destdir "$root" --quiet >/dev/null
pc=$(find "$root" -name libpdk.pc | head -n 1)
[ -n "$pc" ] || { echo "headers-check: libpdk.pc was not installed"; exit 1; }
# the include flags a user gets, from the scratch install itself
cflags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --define-prefix --cflags libpdk)
incdir=$(find "$root" -type d -path '*/include/pdk' | head -n 1)
[ -n "$incdir" ] || { echo "headers-check: no include/pdk folder was installed"; exit 1; }
headers=$(cd "$incdir" && ls ./*.h | sed 's|^\./||' | LC_ALL=C sort)
[ -n "$headers" ] || { echo "headers-check: no header in $incdir"; exit 1; }

# mode name, language (cc: C, cxx: C++), source suffix, flags
modes='c99|cc|c|-std=c99 -Wall -Wextra -pedantic -Werror
c11|cc|c|-std=c11 -Wall -Wextra -pedantic -Werror
c++17|cxx|cc|-std=c++17 -Wall -Wextra -pedantic -Werror'

# check LABEL LANG SUFFIX FLAGS TU-NAME HEADER...: one translation unit that
# includes the headers
ok=0
bad=0
check() {
	c_label=$1
	c_lang=$2
	c_suffix=$3
	c_flags=$4
	tu=$5
	shift 5
	src="$root/$tu.$c_suffix"
	: >"$src"
	for h in "$@"; do
		printf '#include <%s>\n' "$h" >>"$src"
	done
	# a definition of its own, so no TU is empty whatever the headers hold
	printf 'int pdk_headers_check_%s(void);\nint pdk_headers_check_%s(void) { return 0; }\n' \
		"$(echo "$tu" | tr -c 'a-zA-Z0-9\n' _)" "$(echo "$tu" | tr -c 'a-zA-Z0-9\n' _)" >>"$src"
	if [ "$c_lang" = cxx ]; then c_compiler=$cxx; else c_compiler=$cc; fi
	# shellcheck disable=SC2086 # the flags are words
	if out=$($c_compiler $c_flags $cflags -c -o "$root/$tu.o" "$src" 2>&1); then
		ok=$((ok + 1))
		echo "ok   $c_label $tu"
	else
		bad=$((bad + 1))
		echo "FAIL $c_label $tu: $c_compiler $c_flags $cflags -c $tu.$c_suffix"
		# the first errors are enough to see why; the root is scratch
		echo "$out" | sed "s|$root||g; s/^/     /" | head -n 20
	fi
}

n=0
for h in $headers; do n=$((n + 1)); done
echo "headers-check: $n installed headers in ${incdir#"$root"}, compilers: $pairs"
echo "$modes" | while IFS='|' read -r name compiler suffix flags; do
	echo "$name: $flags"
done
for pair in $pairs; do
	cc=${pair%%:*}
	cxx=${pair#*:}
	while IFS='|' read -r name compiler suffix flags; do
		for h in $headers; do
			check "$cc $name" "$compiler" "$suffix" "$flags" "${name}_${h%.h}" "$h"
		done
		# all of them, twice: the second round checks the include guards
		# shellcheck disable=SC2086
		check "$cc $name" "$compiler" "$suffix" "$flags" "${name}_all" $headers $headers
	done <<EOF
$modes
EOF
done
echo "headers-check: $ok translation units compiled, $bad failed" \
	"($n headers alone and all together, 3 modes, compilers $pairs)"
[ "$bad" -eq 0 ]
