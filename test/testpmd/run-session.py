#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""Run one scripted pdk-testpmd session and check its output.

    run-session.py PDK_TESTPMD SESSION_DIR NAME

Files of a session, in SESSION_DIR:

  NAME.expect  what the output (stdout and stderr together) must show, one
               expectation a line, matched in order, each on a line after
               the one the previous expectation matched:
                 TEXT        a line containing TEXT
                 ~ REGEX     a line matching REGEX (re.search)
                 ! TEXT      TEXT appears on no line at all
                 exit N      the exit status (default 0)
               '#' lines and blank lines are ignored.
  NAME.cmd     commands, given with --cmdline-file (unless NAME.args says
               otherwise: then "{cmd}" in NAME.args is its path)
  NAME.stdin   fed to standard input (with -i: the prompt reads it)
  NAME.args    words of the command line: "[EAL options] -- [options]";
               the EAL options are added to the runner's own
  NAME.env     KEY=VALUE lines added to the environment

Every session runs with its own EAL --file-prefix, so sessions can run in
parallel, and the EAL runtime directory is removed afterwards.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys

EAL_BASE = ['--no-huge', '-m', '128', '--no-pci', '--no-shconf']
# Whatever a session says, these must never be printed.
ALWAYS_ABSENT = ['AddressSanitizer', 'LeakSanitizer', 'ThreadSanitizer', 'runtime error:',
                 'Segmentation fault']


def read(path):
    with open(path) as f:
        return f.read()


def runtime_dir(prefix):
    base = os.environ.get('RUNTIME_DIRECTORY')
    if not base:
        base = '/var/run' if os.getuid() == 0 else os.environ.get('XDG_RUNTIME_DIR', '/tmp')
    return os.path.join(base, 'dpdk', prefix)


def parse_expect(text):
    exps, code = [], 0
    for raw in text.splitlines():
        line = raw.rstrip('\n')
        if not line.strip() or line.lstrip().startswith('#'):
            continue
        if line.startswith('exit '):
            code = int(line.split()[1])
        elif line.startswith('~ '):
            exps.append(('re', line[2:]))
        elif line.startswith('! '):
            exps.append(('absent', line[2:]))
        else:
            exps.append(('text', line))
    return exps, code


def check(output, exps, want_code, code):
    lines = output.splitlines()
    problems = []
    pos = 0
    for kind, pat in exps:
        if kind == 'absent':
            for n, line in enumerate(lines):
                if pat in line:
                    problems.append(f'line {n + 1} has "{pat}", which must not appear')
            continue
        for n in range(pos, len(lines)):
            hit = re.search(pat, lines[n]) if kind == 're' else pat in lines[n]
            if hit:
                pos = n + 1
                break
        else:
            problems.append(f'not found after line {pos}: {"~ " if kind == "re" else ""}{pat}')
            break
    for pat in ALWAYS_ABSENT:
        if pat in output:
            problems.append(f'output has "{pat}"')
    if code != want_code:
        problems.append(f'exit status {code}, expected {want_code}')
    return problems


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, here, name = sys.argv[1], sys.argv[2], sys.argv[3]
    base = os.path.join(here, name)
    prefix = f'pdk-tp-{name}-{os.getpid()}'
    eal = EAL_BASE + ['--file-prefix', prefix]
    app = []
    cmd_file = base + '.cmd'
    if os.path.exists(base + '.args'):
        words = shlex.split(read(base + '.args').replace('{cmd}', cmd_file))
        if '--' in words:
            k = words.index('--')
            eal += words[:k]
            app = words[k + 1:]
        else:
            app = words
    elif os.path.exists(cmd_file):
        app = ['--cmdline-file', cmd_file]
    argv = [exe] + eal + ['--'] + app

    env = dict(os.environ)
    if os.path.exists(base + '.env'):
        for line in read(base + '.env').splitlines():
            if '=' in line and not line.startswith('#'):
                k, v = line.split('=', 1)
                env[k.strip()] = v.strip()
    stdin_path = base + '.stdin'

    print('$ ' + ' '.join(shlex.quote(a) for a in argv), flush=True)
    try:
        with open(stdin_path if os.path.exists(stdin_path) else os.devnull) as stdin:
            p = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env, timeout=50)
        output, code = p.stdout.decode(errors='replace'), p.returncode
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b'').decode(errors='replace')
        code = 'timeout'
    finally:
        shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    print(output)
    exps, want = parse_expect(read(base + '.expect'))
    problems = check(output, exps, want, code)
    for pr in problems:
        print(f'FAIL {name}: {pr}')
    if problems:
        return 1
    print(f'PASS {name}: {len(exps)} expectations')
    return 0


if __name__ == '__main__':
    sys.exit(main())
