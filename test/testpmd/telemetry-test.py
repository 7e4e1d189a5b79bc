#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""pdk-testpmd's telemetry, read from outside while traffic runs.

    telemetry-test.py PDK_TESTPMD

Starts pdk-testpmd in the background (SIMULATED DSA, 4 queues, traffic for
a few seconds), reads /pdk/devices, /pdk/device, /pdk/pasids, /pdk/as and
/pdk/stats from its telemetry socket, checks the answers, then waits for it
to stop by itself. The socket is read with dpdk-telemetry.py when it is
installed (Debian: package dpdk-dev), else directly: SOCK_SEQPACKET, one
JSON message per reply.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

from telemetry_common import runtime_dir

# long enough to start under ASan on a loaded machine and still be running
# when the last query is made
RUN_SECONDS = 8
SCRIPT = shutil.which('dpdk-telemetry.py') or (
    '/usr/bin/dpdk-telemetry.py' if os.path.exists('/usr/bin/dpdk-telemetry.py') else None)


def query_socket(path, cmds):
    """The protocol: a greeting with max_output_len, then one reply per command."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    hello = json.loads(s.recv(1024).decode())
    out = []
    for c in cmds:
        s.send(c.encode())
        out.append(json.loads(s.recv(hello['max_output_len']).decode()))
    s.close()
    return out


def query_script(prefix, cmds):
    """dpdk-telemetry.py without a terminal: one JSON line per command."""
    p = subprocess.run([sys.executable, SCRIPT, '-f', prefix], input='\n'.join(cmds) + '\n',
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
    replies = [json.loads(line) for line in p.stdout.splitlines() if line.startswith('{')]
    if len(replies) != len(cmds):
        raise RuntimeError(f'dpdk-telemetry.py answered {len(replies)} of {len(cmds)}:\n'
                           + p.stdout)
    return replies


def main():
    exe = sys.argv[1]
    prefix = f'pdk-tp-telemetry-{os.getpid()}'
    sock = os.path.join(runtime_dir(prefix), 'dpdk_telemetry.v2')
    env = dict(os.environ)
    argv = [exe, '--no-huge', '-m', '128', '--no-pci', '--no-shconf', '--file-prefix', prefix,
            '--', '--queues', '4', '--auto-start', '--time', str(RUN_SECONDS)]
    print('$ ' + ' '.join(argv), flush=True)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(
        ln.decode(errors='replace').rstrip('\n') for ln in p.stdout))
    reader.start()
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)
        return cond

    query = (lambda cmds: query_script(prefix, cmds)) if SCRIPT else (
        lambda cmds: query_socket(sock, cmds))
    print(f'reading telemetry with {SCRIPT or "the socket directly (no dpdk-telemetry.py)"}')
    try:
        # wait for the socket and for traffic to be counted
        deadline = time.time() + RUN_SECONDS - 3
        stats = None
        while time.time() < deadline:
            if os.path.exists(sock) and any('traffic started' in ln for ln in lines):
                stats = query_socket(sock, ['/pdk/stats,0'])[0]['/pdk/stats']
                if stats and all(stats.get(f'queue_{q}', {}).get('completed', 0) > 0
                                 for q in range(4)):
                    break
            time.sleep(0.2)
        if expect(stats is not None, 'telemetry socket not up or no traffic seen in time'):
            cmds = ['/pdk/devices', '/pdk/device,0', '/pdk/pasids,0', '/pdk/as',
                    '/pdk/stats,0', '/pdk/device,99', '/pdk/stats']
            r = query(cmds)
            for c, reply in zip(cmds, r):
                print(c, '->', json.dumps(reply))
            devices, device, pasids, spaces, stats, bad, nodev = [
                list(x.values())[0] for x in r]
            expect(devices == [0], f'/pdk/devices is {devices}, expected [0]')
            expect(device.get('simulated') == 1 and device.get('driver') == 'dsa' and
                   device.get('backend') == 'sim', '/pdk/device,0: not the SIMULATED DSA')
            expect(device.get('nb_queues') == 4, '/pdk/device,0: nb_queues is not 4')
            expect(device.get('capa_names') == 'copy fill pasid fence SIMULATED',
                   f"/pdk/device,0: capa_names is {device.get('capa_names')!r}")
            expect(len(pasids.get('allocated', [])) == 4, '/pdk/pasids,0: not 4 PASIDs')
            qp = [pasids.get('queues', {}).get(f'queue_{q}') for q in range(4)]
            expect(len(set(qp)) == 4 and None not in qp, f'queue PASIDs not distinct: {qp}')
            expect(sorted(spaces) == ['as0', 'as1', 'as2', 'as3'],
                   f'/pdk/as names {sorted(spaces)}')
            expect(all(spaces[a].get('buffers') == 1 and spaces[a].get('mappings', 0) >= 1
                       for a in spaces), '/pdk/as: a space without its buffer')
            expect(stats.get('running') == 1, '/pdk/stats,0: traffic not running')
            for q in range(4):
                s = stats.get(f'queue_{q}', {})
                expect(s.get('completed', 0) > 0 and s.get('bytes', 0) > 0,
                       f'/pdk/stats,0 queue {q}: no ops')
                expect(s.get('errors') == 0 and s.get('page_faults') == 0,
                       f'/pdk/stats,0 queue {q}: errors')
                expect(s.get('pasid') == qp[q], f'/pdk/stats,0 queue {q}: PASID differs')
                expect(s.get('as') == f'as{q}', f'/pdk/stats,0 queue {q}: wrong space')
            expect(bad is None, f'/pdk/device,99 should be null, is {bad}')
            expect(nodev is None, f'/pdk/stats without dev_id should be null, is {nodev}')
            # counters move while traffic runs; on a loaded 2-core machine a
            # queue's thread may not run for a while, so poll, up to 5 s
            deadline = time.monotonic() + 5
            while True:
                time.sleep(0.1)
                later = query_socket(sock, ['/pdk/stats,0'])[0]['/pdk/stats']
                grew = later['queue_0']['completed'] > stats['queue_0']['completed']
                if grew or time.monotonic() > deadline:
                    break
            expect(grew, 'queue 0 counter did not grow in 5 s')
    except Exception as e:  # report, then still reap the process
        problems.append(f'{type(e).__name__}: {e}')
    try:
        code = p.wait(timeout=RUN_SECONDS + 30)
    except subprocess.TimeoutExpired:
        p.kill()
        code = p.wait()
    reader.join()
    shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
    print('\n'.join(lines))
    out = '\n'.join(lines)
    expect(code == 0, f'pdk-testpmd exit status {code}')
    expect('teardown complete' in out, 'no "teardown complete"')
    expect('SIMULATED kernel is clean' in out, 'the sim was not clean')
    for bad_word in ('AddressSanitizer', 'LeakSanitizer', 'runtime error:'):
        expect(bad_word not in out, f'output has {bad_word}')
    for pr in problems:
        print('FAIL telemetry:', pr)
    if not problems:
        print('PASS telemetry')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
