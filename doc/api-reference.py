#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""Run doxygen on PDK's installed headers.

  api-reference.py build DOXYFILE OUTDIR HEADER...
      the `doc` target: HTML into OUTDIR/html; warnings are printed, not fatal
  api-reference.py check DOXYFILE BUILDROOT HEADER...
      the test api_reference_warnings: fails on any doxygen warning, and when
      the headers given are not exactly the headers meson installs (a header
      installed without being appended to pdk_api_headers); skips (77)
      without doxygen

HEADER... is the meson list pdk_api_headers. The Doxyfile is read from
stdin, followed by the settings of this run, which win.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def doxygen(doxyfile, outdir, headers, extra):
    with open(doxyfile) as f:
        conf = f.read()
    conf += '\nINPUT = %s\n' % ' '.join('"%s"' % h for h in headers)
    conf += 'OUTPUT_DIRECTORY = "%s"\n' % outdir
    for k, v in extra.items():
        conf += '%s = %s\n' % (k, v)
    return subprocess.run(['doxygen', '-'], input=conf, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def installed_headers(buildroot):
    """Source paths of the .h files `meson install` installs."""
    path = os.path.join(buildroot, 'meson-info', 'intro-installed.json')
    with open(path) as f:
        installed = json.load(f)
    return {os.path.realpath(src) for src, dst in installed.items()
            if dst.endswith('.h')}


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ('build', 'check'):
        sys.exit(__doc__)
    mode, doxyfile, where = sys.argv[1:4]
    headers = sorted({os.path.realpath(h) for h in sys.argv[4:]})
    if shutil.which('doxygen') is None:
        print('api-reference: doxygen is not installed: apt-get install doxygen '
              '(test/pdk.sh deps installs it)')
        sys.exit(SKIP if mode == 'check' else 1)

    if mode == 'build':
        r = doxygen(doxyfile, os.path.abspath(where), headers, {})
        sys.stdout.write(r.stdout)
        if r.returncode != 0:
            sys.exit('api-reference: doxygen failed (exit %d)' % r.returncode)
        print('api-reference: %s' % os.path.join(os.path.abspath(where), 'html', 'index.html'))
        return

    bad = False
    inst = installed_headers(where)
    for h in sorted(inst - set(headers)):
        print('api-reference: %s is installed but not in the API reference: append it '
              'to pdk_api_headers next to its install_headers()' % h)
        bad = True
    for h in sorted(set(headers) - inst):
        print('api-reference: %s is in pdk_api_headers but not installed: take it out '
              'of pdk_api_headers (or install it)' % h)
        bad = True
    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, 'warnings.txt')
        # FAIL_ON_WARNINGS (doxygen >= 1.9.3): every warning is reported, then
        # the exit status is non-zero. The log is checked as well, so that a
        # warning doxygen does not count still fails the test.
        r = doxygen(doxyfile, tmp, headers,
                    {'WARN_AS_ERROR': 'FAIL_ON_WARNINGS', 'WARN_LOGFILE': '"%s"' % log})
        sys.stdout.write(r.stdout)
        warnings = open(log).read() if os.path.exists(log) else ''
    sys.stdout.write(warnings)
    n = sum(1 for line in warnings.splitlines() if ': warning: ' in line or ': error: ' in line)
    print('api-reference: %d header(s), %d warning(s), doxygen exit %d'
          % (len(headers), n, r.returncode))
    if bad or warnings.strip() or r.returncode != 0:
        sys.exit(1)


if __name__ == '__main__':
    main()
