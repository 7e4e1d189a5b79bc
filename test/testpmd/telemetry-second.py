#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""A second pdk-testpmd of the same --file-prefix names its own telemetry socket.

    telemetry-second.py PDK_TESTPMD

DPDK's telemetry gives the second process dpdk_telemetry.v2:1; pdk-testpmd
must print that path (not dpdk_telemetry.v2, the first one's), and the path
it prints must answer /pdk/devices.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

from telemetry_common import runtime_dir

EAL = ['--no-huge', '-m', '128', '--no-pci', '--no-shconf']


def telemetry_line(p, deadline):
    lines = []
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        lines.append(line)
        if 'telemetry:' in line:
            return line, lines
    raise RuntimeError('no telemetry line:\n' + ''.join(lines))


def main():
    exe = sys.argv[1]
    prefix = f'pdk-tp-telsecond-{os.getpid()}'
    with tempfile.NamedTemporaryFile('w', suffix='.cmd', delete=False) as f:
        f.write('sleep 6\nquit\n')
        cmd = f.name
    argv = [exe] + EAL + ['--file-prefix', prefix, '--', '--cmdline-file', cmd]
    procs = []
    try:
        deadline = time.time() + 40
        lines = []
        for _ in range(2):
            # the second starts once the first holds dpdk_telemetry.v2
            procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE,
                                          stderr=subprocess.STDOUT, text=True))
            lines.append(telemetry_line(procs[-1], deadline)[0])
        line1, line2 = lines
        print(line1.rstrip())
        print(line2.rstrip())
        m1 = re.search(r'telemetry: (\S+)', line1)
        m2 = re.search(r'telemetry: (\S+)', line2)
        if not m1 or not m1.group(1).endswith('/dpdk_telemetry.v2'):
            raise RuntimeError('first instance: not dpdk_telemetry.v2')
        if not m2 or not re.search(r'/dpdk_telemetry\.v2:\d+$', m2.group(1)):
            raise RuntimeError('second instance: not its own dpdk_telemetry.v2:N')
        if 'another process of --file-prefix' not in line2:
            raise RuntimeError('second instance: the line does not say why the name differs')
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(5)
        s.connect(m2.group(1))
        hello = json.loads(s.recv(1024).decode())
        s.send(b'/pdk/devices')
        reply = json.loads(s.recv(hello['max_output_len']).decode())
        s.close()
        if hello.get('pid') not in (None, procs[1].pid):
            raise RuntimeError(f'{m2.group(1)} is pid {hello.get("pid")}, not the second')
        print('second instance answers:', reply)
        if '/pdk/devices' not in reply:
            raise RuntimeError('no /pdk/devices answer')
        for p in procs:
            out, _ = p.communicate(timeout=30)
            if p.returncode != 0:
                raise RuntimeError(f'exit status {p.returncode}:\n{out}')
    except Exception as e:  # noqa: BLE001 - the test reports any failure the same way
        for p in procs:
            p.kill()
        print(f'FAIL telemetry_second: {e}')
        return 1
    finally:
        os.unlink(cmd)
        shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    print('PASS telemetry_second')
    return 0


if __name__ == '__main__':
    sys.exit(main())
