#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Run a program nobody here wrote (the judge) and check what it printed.

    peer-check.py [--expect RE]... [--forbid RE]... [--env K=V]... -- CMD ARGS...

Passes when CMD exits 0, every --expect pattern matches a line of its
output and no --forbid pattern does. The output is printed first (carriage
returns, which DPDK's progress lines use, become newlines; runs of progress
lines are cut to their last), so a failure shows what the judge said.
"""
import argparse
import os
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--forbid', action='append', default=[])
    ap.add_argument('--env', action='append', default=[])
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd
    if not cmd:
        ap.error('no command')
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition('=')
        env[k] = v
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env)
    out = p.stdout.decode(errors='replace').replace('\r', '\n')
    lines, last_progress = [], None
    for line in out.split('\n'):
        if line.startswith('Ops submitted:'):
            last_progress = line
            continue
        if last_progress is not None:
            lines.append(last_progress)
            last_progress = None
        lines.append(line)
    print('$ ' + ' '.join(cmd))
    print('\n'.join(lines))
    bad = []
    if p.returncode != 0:
        bad.append(f'exit status {p.returncode}')
    for pat in a.expect:
        if not any(re.search(pat, l) for l in lines):
            bad.append(f'no line matches {pat!r}')
    for pat in a.forbid:
        hit = [l for l in lines if re.search(pat, l)]
        if hit:
            bad.append(f'{pat!r} matched: {hit[0]!r}')
    if bad:
        print('peer-check: FAILED: ' + '; '.join(bad))
        return 1
    print('peer-check: passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
