#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A private apt configuration for another suite of the archive this system
# already uses. The archive is read from the system's own apt sources at run
# time (no host name is written in this file); the system's sources, lists
# and dpkg status are never touched: lists and downloads live in the cache.
#
#   test/vm/apt-suite.sh update SUITE...             refresh the private lists
#   test/vm/apt-suite.sh download SUITE... -- PKG[=VER]...
#                                                    apt-get download into the cache,
#                                                    prints the .deb paths
#   test/vm/apt-suite.sh install SUITE... -- PKG...  install from SUITE, a suite of
#                                                    the system's own release (e.g.
#                                                    bookworm-backports): see below
#   test/vm/apt-suite.sh policy SUITE... -- PKG...   apt-cache policy
#   test/vm/apt-suite.sh madison SUITE... -- PKG...  apt-cache madison
#   test/vm/apt-suite.sh search SUITE... -- REGEX    apt-cache search --names-only
#   test/vm/apt-suite.sh archive                     print the archive URI found
#
# SUITE is a suite name of that archive, e.g. trixie-backports. Packages of
# another release are only downloaded (and unpacked with dpkg-deb -x by the
# callers), never installed. "install" is for suites of the system's own
# release only: apt then sees the system's sources plus SUITE, through a
# private sources.list and lists, with the system's dpkg status.
#
# Sourced (". test/vm/apt-suite.sh"), it only defines the pdk_apt_* functions.
#
# Environment: PDK_CACHE (default /var/cache/pdk): lists under
# $PDK_CACHE/apt/<suites>/, downloaded .deb files under $PDK_CACHE/apt/debs/.
# PDK_APT_MAX_AGE: seconds a private list set stays fresh (default 86400).

set -euo pipefail
trap 'echo "apt-suite.sh: error: unexpected failure (status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

PDK_CACHE=${PDK_CACHE:-/var/cache/pdk}

pdk_apt_die() {
	echo "apt-suite: error: $*" >&2
	exit 1
}

pdk_apt_log() {
	echo "apt-suite: $*" >&2
}

# Print "URI<TAB>SIGNED-BY<TAB>SUITES<TAB>COMPONENTS" for every deb source of the system, one per line:
# deb822 stanzas in /etc/apt/sources.list.d/*.sources, then one-line
# "deb" entries in /etc/apt/sources.list and /etc/apt/sources.list.d/*.list.
# SIGNED-BY is "-" when the entry names no keyring.
pdk_apt_system_sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk '
		function flush() {
			if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no" && uris != "") {
				n = split(uris, u, /[ \t]+/)
				for (i = 1; i <= n; i++)
					if (u[i] != "")
						print u[i] "\t" (signed == "" ? "-" : signed) "\t" suites "\t" comps
			}
			types = ""; uris = ""; signed = ""; suites = ""; enabled = ""; comps = ""
		}
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { flush(); next }
		{
			line = $0
			key = line; sub(/:.*/, "", key); gsub(/[ \t]/, "", key)
			val = line; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
			k = tolower(key)
			if (k == "types") types = val
			else if (k == "uris") uris = val
			else if (k == "suites") suites = val
			else if (k == "components") comps = val
			else if (k == "enabled") enabled = tolower(val)
			else if (k == "signed-by" && val !~ /^-----/) signed = val
		}
		END { flush() }
		' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '
		/^[ \t]*deb[ \t]/ {
			signed = "-"; i = 2
			if ($2 ~ /^\[/) {
				opts = ""
				for (; i <= NF; i++) {
					opts = opts " " $i
					if ($i ~ /\]$/) { i++; break }
				}
				if (match(opts, /signed-by=[^] ]+/))
					signed = substr(opts, RSTART + 10, RLENGTH - 10)
			}
			comps = ""
			for (j = i + 2; j <= NF && $j !~ /^#/; j++)
				comps = comps (comps == "" ? "" : " ") $j
			print $i "\t" signed "\t" $(i + 1) "\t" comps
		}
		' "$f"
	done
}

# The system source serving the main archive: not a security archive, not
# an -updates/-security suite only. Sets PDK_APT_URI and PDK_APT_SIGNED_BY.
pdk_apt_find_archive() {
	[ -n "${PDK_APT_URI:-}" ] && return 0
	local uri signed suites comps s best="" best_signed=""
	while IFS=$'\t' read -r uri signed suites comps; do
		case "$uri" in
		*security*) continue ;;
		esac
		for s in $suites; do
			case "$s" in
			*-security | *-updates | *-backports | */*) ;;
			*)
				best=$uri
				best_signed=$signed
				break 2
				;;
			esac
		done
	done < <(pdk_apt_system_sources)
	[ -n "$best" ] || pdk_apt_die "found no deb source of the main Debian archive in /etc/apt/sources.list or /etc/apt/sources.list.d/ (need a 'deb' entry whose suite is a release, e.g. bookworm)"
	PDK_APT_URI=${best%/}
	if [ "$best_signed" = - ]; then
		PDK_APT_SIGNED_BY=/usr/share/keyrings/debian-archive-keyring.gpg
	else
		PDK_APT_SIGNED_BY=$best_signed
	fi
}

# Directory of the private configuration for a set of suites.
pdk_apt_dir() {
	local IFS=+
	echo "$PDK_CACHE/apt/$*"
}

# The options that make apt-get/apt-cache use only the private configuration
# in DIR (default: the one of the suites given). Sets the array PDK_APT_OPTS.
# The dpkg status is /dev/null: these lists are only for looking up and
# downloading, never for installing.
pdk_apt_opts() {
	local dir
	dir=$(pdk_apt_dir "$@")
	PDK_APT_OPTS=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache"
		-o "Dir::State::status=/dev/null"
		-o "Dir::Etc::Preferences=/dev/null"
		-o "Dir::Etc::PreferencesParts=/dev/null"
		-o "APT::Get::List-Cleanup=1"
		-o "APT::Sandbox::User=root"
	)
}

# pdk_apt_refresh DIR SOURCES-TEXT LABEL OPTS...: write DIR/sources.list and
# run apt-get update with OPTS when the text changed, the lists are older
# than PDK_APT_MAX_AGE (default a day), or PDK_APT_FORCE_UPDATE=1.
pdk_apt_refresh() {
	local dir=$1 want=$2 label=$3 stamp now age
	shift 3
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	if [ ! -f "$dir/sources.list" ] || [ "$(cat "$dir/sources.list")"$'\n' != "$want" ]; then
		printf '%s' "$want" >"$dir/sources.list"
		rm -f "$dir/updated"
	fi
	stamp=$dir/updated
	now=$(date +%s)
	if [ "${PDK_APT_FORCE_UPDATE:-0}" != 1 ] && [ -f "$stamp" ]; then
		age=$((now - $(stat -c %Y "$stamp")))
		if [ "$age" -lt "${PDK_APT_MAX_AGE:-86400}" ]; then
			return 0
		fi
	fi
	pdk_apt_log "apt-get update for $label (private lists in $dir)"
	if ! apt-get "$@" -q update >"$dir/update.log" 2>&1; then
		cat "$dir/update.log" >&2
		pdk_apt_die "apt-get update failed for $label"
	fi
	if grep -qE '^(W|E): ' "$dir/update.log"; then
		grep -E '^(W|E): ' "$dir/update.log" >&2
		if grep -qE '^E: |Failed to fetch|is not signed|NO_PUBKEY' "$dir/update.log"; then
			pdk_apt_die "apt-get update reported errors for $label"
		fi
	fi
	touch "$stamp"
}

# Private lists of SUITE... of the system's main archive (component main).
pdk_apt_update() {
	[ $# -gt 0 ] || pdk_apt_die "no suite given"
	pdk_apt_find_archive
	local s want=""
	for s in "$@"; do
		want+="deb [signed-by=$PDK_APT_SIGNED_BY] $PDK_APT_URI $s main"$'\n'
	done
	pdk_apt_opts "$@"
	pdk_apt_refresh "$(pdk_apt_dir "$@")" "$want" "suite(s) $* of the system's archive" "${PDK_APT_OPTS[@]}"
}

# pdk_apt_install SUITE... -- PKG...
# Installs PKG (as root, into this system) from the first SUITE, a suite of
# the system's own release such as bookworm-backports. apt sees the system's
# sources plus SUITE... through a private sources.list and private lists;
# the dpkg status is the system's, so dpkg tracks the packages as usual, and
# no file under /etc/apt is written. Used for bookworm-backports' QEMU.
pdk_apt_install() {
	local suites=() s uri signed ss comps want="" dir
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		suites+=("$1")
		shift
	done
	[ $# -gt 0 ] || pdk_apt_die "missing -- before the package names"
	shift
	if [ ${#suites[@]} -eq 0 ] || [ $# -eq 0 ]; then
		pdk_apt_die "usage: install SUITE... -- PKG..."
	fi
	local codename
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	for s in "${suites[@]}"; do
		case "$s" in
		"$codename" | "$codename"-*) ;;
		*) pdk_apt_die "refusing to install from $s: only suites of this system's release ($codename) are installed; other releases are only downloaded" ;;
		esac
	done
	pdk_apt_find_archive
	while IFS=$'\t' read -r uri signed ss comps; do
		[ "$signed" = - ] && signed=/usr/share/keyrings/debian-archive-keyring.gpg
		for s in $ss; do
			want+="deb [signed-by=$signed] ${uri%/} $s ${comps:-main}"$'\n'
		done
	done < <(pdk_apt_system_sources)
	for s in "${suites[@]}"; do
		want+="deb [signed-by=$PDK_APT_SIGNED_BY] $PDK_APT_URI $s main"$'\n'
	done
	dir=$PDK_CACHE/apt/system+$(pdk_apt_dir "${suites[@]}" | sed 's|.*/||')
	local opts=(
		-o "Dir::Etc::SourceList=$dir/sources.list"
		-o "Dir::Etc::SourceParts=/dev/null"
		-o "Dir::State::Lists=$dir/lists"
		-o "Dir::Cache=$dir/cache"
		-o "APT::Sandbox::User=root"
	)
	pdk_apt_refresh "$dir" "$want" "the system's sources plus ${suites[*]}" "${opts[@]}"
	pdk_apt_log "apt-get install -t ${suites[0]} $* (system's sources plus ${suites[*]}, no file under /etc/apt written)"
	DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" ${PDK_APT_SIMULATE:+-s} -q -y --no-install-recommends install -t "${suites[0]}" "$@" >&2 ||
		pdk_apt_die "apt-get install -t ${suites[0]} $* failed"
}

# pdk_apt_cache SUITE... -- apt-cache ARGS...
pdk_apt_cache() {
	local suites=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		suites+=("$1")
		shift
	done
	[ $# -gt 0 ] || pdk_apt_die "missing -- before the apt-cache arguments"
	shift
	pdk_apt_update "${suites[@]}"
	pdk_apt_opts "${suites[@]}"
	apt-cache "${PDK_APT_OPTS[@]}" "$@"
}

# pdk_apt_download SUITE... -- PKG[=VERSION]...
# Downloads into $PDK_CACHE/apt/debs (kept; an existing file is not fetched
# again) and prints the path of each .deb on stdout.
pdk_apt_download() {
	local suites=() pkg deb debs="$PDK_CACHE/apt/debs" uri_line fname
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		suites+=("$1")
		shift
	done
	[ $# -gt 0 ] || pdk_apt_die "missing -- before the package names"
	shift
	[ $# -gt 0 ] || pdk_apt_die "no package given"
	pdk_apt_update "${suites[@]}"
	pdk_apt_opts "${suites[@]}"
	mkdir -p "$debs"
	for pkg in "$@"; do
		# The file name apt would give it, to skip a download already done.
		uri_line=$(apt-get "${PDK_APT_OPTS[@]}" -q --print-uris download "$pkg" 2>&1 | grep "^'" | head -n1) ||
			pdk_apt_die "no package $pkg in suite(s) ${suites[*]} (old lists? PDK_APT_FORCE_UPDATE=1 refreshes them): $(apt-get "${PDK_APT_OPTS[@]}" -q --print-uris download "$pkg" 2>&1 | tail -n2)"
		fname=$(echo "$uri_line" | awk '{print $2}')
		[ -n "$fname" ] || pdk_apt_die "cannot tell the file name of $pkg"
		deb=$debs/$fname
		if [ ! -s "$deb" ]; then
			pdk_apt_log "downloading $pkg from suite(s) ${suites[*]}"
			(cd "$debs" && apt-get "${PDK_APT_OPTS[@]}" -q download "$pkg" >&2) ||
				pdk_apt_die "apt-get download $pkg failed"
			[ -s "$deb" ] || pdk_apt_die "apt-get download $pkg did not produce $deb"
		fi
		echo "$deb"
	done
}

pdk_apt_main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case "$cmd" in
	archive)
		pdk_apt_find_archive
		echo "$PDK_APT_URI (signed by $PDK_APT_SIGNED_BY)"
		;;
	update)
		PDK_APT_FORCE_UPDATE=1 pdk_apt_update "$@"
		;;
	download)
		pdk_apt_download "$@"
		;;
	install)
		pdk_apt_install "$@"
		;;
	policy | madison)
		local args=()
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			args+=("$1")
			shift
		done
		[ $# -gt 0 ] && shift
		pdk_apt_cache "${args[@]}" -- "$cmd" "$@"
		;;
	search)
		local args=()
		while [ $# -gt 0 ] && [ "$1" != -- ]; do
			args+=("$1")
			shift
		done
		[ $# -gt 0 ] && shift
		pdk_apt_cache "${args[@]}" -- search --names-only "$@"
		;;
	*)
		sed -n '3,/^$/s/^# \{0,1\}//p' "$0" >&2
		exit 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	pdk_apt_main "$@"
fi
