#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pdk-sim-run's own answers (doc/sim-run.md): exit statuses passed through,
# a signal as 128+N, a missing program 127, and for each mistake in the
# configuration exit 125 with the line that names FILE:LINE and the fix.
#   runner-errors.sh PDK-SIM-RUN
set -u
run=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

# expect STATUS PATTERN -- ARGS...: the status and a line of the output
expect() {
	want=$1 pat=$2
	shift 3
	"$run" "$@" >"$tmp/out" 2>&1 </dev/null
	got=$?
	if [ "$got" != "$want" ] || ! grep -q -- "$pat" "$tmp/out"; then
		echo "FAIL: pdk-sim-run $*: status $got (want $want), output:"
		sed 's/^/    /' "$tmp/out"
		echo "    (wanted a line matching: $pat)"
		fails=$((fails + 1))
	else
		echo "ok: pdk-sim-run $*: $got, \"$(grep -m1 -- "$pat" "$tmp/out")\""
	fi
}

expect 0 "runs on a SIMULATED machine" -- -- true
expect 3 "SIMULATED" -- -- sh -c 'exit 3'
expect 143 "SIMULATED" -- -- sh -c 'kill -TERM $$'
expect 127 "no-such-program: No such file or directory" -- -- no-such-program
expect 125 "no PROGRAM given" --
expect 125 "Usage: pdk-sim-run" -- --no-such-option true
expect 0 "fn 0000:6a:01.0 dsa pasid_bits=20" -- --print-config

printf 'fn 0000:6a:01.0 dsa\nfn 0000:6a:01.0 simdma\n' >"$tmp/dup.cfg"
expect 125 "dup.cfg:2: this address is already a function of the file" -- -c "$tmp/dup.cfg" true
printf '# a comment\nfn 0000:6a:01.0 gpu\n' >"$tmp/model.cfg"
expect 125 "model.cfg:2: unknown model: use dsa, dsa2, simdma, plain or edu" -- -c "$tmp/model.cfg" true
printf 'fn 6a:01.0.0 dsa\n' >"$tmp/addr.cfg"
expect 125 "addr.cfg:1: not a PCI address" -- -c "$tmp/addr.cfg" true
printf 'fn 0000:6a:01.0 dsa pasid_bits=21\n' >"$tmp/bits.cfg"
expect 125 "bits.cfg:1: pasid_bits must be 0..20" -- -c "$tmp/bits.cfg" true
printf 'fn 0000:6a:01.0 dsa pri\n' >"$tmp/opt.cfg"
expect 125 "opt.cfg:1: unknown option: use pasid_bits=N, group=N, exec, priv, prs or ats" -- -c "$tmp/opt.cfg" true
# PRI and ATS, as a DSA has them (VT-d enables PRI only with ATS)
printf 'fn 0000:6a:01.0 dsa prs ats\n' >"$tmp/ats.cfg"
expect 0 "fn 0000:6a:01.0 dsa pasid_bits=20 prs ats" -- -c "$tmp/ats.cfg" --print-config
printf 'device 0000:6a:01.0\n' >"$tmp/stmt.cfg"
expect 125 "stmt.cfg:1: unknown statement" -- -c "$tmp/stmt.cfg" true
expect 125 "no-such.cfg: No such file or directory" -- -c "$tmp/no-such.cfg" true

# an address the machine's own bus has: refused, the real function is never hidden
real=$(ls /sys/bus/pci/devices 2>/dev/null | head -n 1)
if [ -n "$real" ]; then
	printf 'fn %s simdma\n' "$real" >"$tmp/real.cfg"
	expect 125 "$real is a real PCI function of this machine" -- -c "$tmp/real.cfg" true
fi

# an empty machine is allowed: the program sees no simulated function
printf '# nothing\n' >"$tmp/empty.cfg"
expect 0 "no function" -- -c "$tmp/empty.cfg" true

[ "$fails" -eq 0 ] && echo "runner-errors: all passed" && exit 0
echo "runner-errors: $fails failed"
exit 1
