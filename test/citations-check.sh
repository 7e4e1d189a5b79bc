#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Every citation of a kernel fact resolves inside the repository: each
# "kernel-facts Kn" (also "kernel-facts K3, K9" and "kernel-facts.md Kn"),
# and each Kn inside doc/kernel-facts.md itself, must name a "## Kn" section
# of doc/kernel-facts.md; and no file may cite the outside guide the facts
# were first taken from (its path, its file name, or its section-sign marks).
# Usage: citations-check.sh [SOURCE-DIR]
set -eu
src=${1:-$(cd "$(dirname "$0")/.." && pwd)}
facts=doc/kernel-facts.md
cd "$src"
[ -f "$facts" ] || { echo "citations-check: $src/$facts is missing"; exit 1; }

# the files of the tree: git's view when there is one (tracked and new, not
# ignored: build trees are), else every file outside build*/ folders
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	list() { git ls-files -z --cached --others --exclude-standard | xargs -0 -r ls -d 2>/dev/null; }
else
	list() { find . -path ./.git -prune -o -path './build*' -prune -o -type f -print | sed 's|^\./||'; }
fi
files=$(mktemp)
trap 'rm -f "$files"' EXIT
list | grep -v -x -e "test/citations-check.sh" >"$files" || true
[ -s "$files" ] || { echo "citations-check: no files found under $src"; exit 1; }

sections=$(sed -n 's/^## \(K[0-9][0-9]*\) .*/\1/p' "$facts")
[ -n "$sections" ] || { echo "citations-check: $facts has no '## Kn title' section"; exit 1; }
bad=0
dups=$(printf '%s\n' "$sections" | sort | uniq -d)
if [ -n "$dups" ]; then
	echo "citations-check: $facts numbers a section twice: $dups"
	bad=1
fi

has_section() {
	printf '%s\n' "$sections" | grep -q -x -e "$1"
}

# citations elsewhere: "kernel-facts Kn[, Km...]"
n=0
cites=$(tr '\n' '\0' <"$files" | xargs -0 grep -n -o -I -E \
	'kernel-facts(\.md)? K[0-9]+((, | and |/)K[0-9]+)*' 2>/dev/null || true)
# inside the facts page: every Kn (cross-references and headings alike)
cites="$cites
$(grep -n -o -E '\bK[0-9]+\b' "$facts" | sed "s|^|$facts:|")"
for c in $(printf '%s\n' "$cites" | sed -n 's/^\([^:]*:[0-9]*\):.*/\1/p' | sort -u); do
	f=${c%%:*}
	l=${c#*:}
	for k in $(printf '%s\n' "$cites" | grep -F -e "$c:" | grep -o -E 'K[0-9]+'); do
		n=$((n + 1))
		if ! has_section "$k"; then
			echo "citations-check: $f:$l cites $k, but $facts has no section $k"
			bad=1
		fi
	done
done
if [ "$n" -eq 0 ]; then
	echo "citations-check: no citation of $facts found at all (is the pattern broken?)"
	bad=1
fi

# the outside guide: its path, its file name, its section marks. The
# patterns are split so that this script does not match itself.
sect=$(printf '\302\247')
outside=$(tr '\n' '\0' <"$files" | xargs -0 grep -n -I -E \
	-e 'shared/''reference' -e 'kernel-''uapi\.md' -e "${sect} ?[0-9]" \
	-e 'reference section [0-9]' 2>/dev/null || true)
if [ -n "$outside" ]; then
	printf '%s\n' "$outside" | cut -c1-200 | sed 's/^/citations-check: cites the outside guide, not doc\/kernel-facts.md: /'
	bad=1
fi

if [ "$bad" -ne 0 ]; then
	echo "citations-check: FAILED (fix the citation, or add the section to $facts)"
	exit 1
fi
echo "citations-check: $n citation(s) of $(printf '%s\n' "$sections" | wc -l) section(s), all resolve; no outside citation"
