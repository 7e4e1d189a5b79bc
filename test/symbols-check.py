#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""Each PDK shared library exports exactly what its public headers declare.

usage: symbols-check.py --lib LIB.so HEADER... [--lib LIB.so HEADER...]...

For every library: the defined dynamic symbols (nm -D --defined-only) must
equal the functions and variables its headers declare (static inline
functions excluded: they live in the caller). Libraries are built with
-fvisibility=hidden and the headers wrap their declarations in
"#pragma GCC visibility push(default)", so a symbol missing from the .so is
a declaration outside that pragma, and an extra one is an internal function
that escaped (or a declaration forgotten in a header).
"""
import re
import subprocess
import sys


def strip(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    text = re.sub(r'//[^\n]*', ' ', text)
    # preprocessor lines, with their continuations
    text = re.sub(r'^[ \t]*#(?:[^\n]*\\\n)*[^\n]*', ' ', text, flags=re.M)
    return text


def declared(header):
    """Names of the functions and variables a header declares (not defines)."""
    text = strip(open(header).read())
    text = re.sub(r'extern\s+"C"\s*\{', ' ', text)
    names, depth, stmt = set(), 0, ''
    for ch in text:
        if ch == '{':
            if depth == 0 and re.search(r'\)\s*$', stmt) and 'typedef' not in stmt \
                    and not re.search(r'\b(struct|union|enum)\b[^()]*$', stmt):
                stmt = '@definition'       # an inline function's body follows
            depth += 1
            continue
        if ch == '}':
            depth = max(depth - 1, 0)
            if depth == 0 and stmt == '@definition':
                stmt = ''
            continue
        if depth > 0:
            continue
        if ch == ';':
            s = ' '.join(stmt.split())
            stmt = ''
            if not s or s.startswith('typedef') or s == '@definition':
                continue
            m = re.match(r'.*?\b(pdk_\w+)\s*\(', s)
            if m and not re.match(r'.*\(\s*\*', s.split(m.group(1))[0]):
                names.add(m.group(1))
                continue
            m = re.match(r'extern\b.*?\b(pdk_\w+)\s*(\[.*\])*$', s)
            if m:
                names.add(m.group(1))
            continue
        stmt += ch
    return names


# What the toolchain, not PDK, puts in a library's dynamic table: the
# linker's own markers, and the section bounds that sanitizer coverage
# (clang's -fsanitize=fuzzer-no-link, the fuzz build) and ASan's ODR
# indicators export.
TOOLCHAIN = re.compile(r'^(_init|_fini|_edata|_end|__bss_start|__(start|stop)_\w+|__odr_asan\.\w+)$')


def exported(lib):
    out = subprocess.run(['nm', '-D', '--defined-only', lib], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines()
            if line.strip() and not TOOLCHAIN.match(line.split()[-1])}


def main(argv):
    groups, cur = [], None
    for a in argv:
        if a == '--lib':
            cur = None
            continue
        if cur is None:
            cur = (a, [])
            groups.append(cur)
        else:
            cur[1].append(a)
    if not groups:
        print(__doc__)
        return 2
    bad = 0
    for lib, headers in groups:
        want = set()
        for h in headers:
            want |= declared(h)
        have = exported(lib)
        name = lib.rsplit('/', 1)[-1]
        for s in sorted(have - want):
            print(f'{name}: exports {s}, which no public header of it declares '
                  f'(an internal symbol escaped, or a header lacks it)')
            bad += 1
        for s in sorted(want - have):
            print(f'{name}: does not export {s}, which its headers declare '
                  f'(declared outside the visibility pragma, or never defined)')
            bad += 1
        print(f'{name}: {len(have)} symbols exported, {len(want)} declared in '
              f'{len(headers)} header(s)')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
