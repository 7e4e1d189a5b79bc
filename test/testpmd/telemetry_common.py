# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""What the telemetry tests share: where DPDK puts a process's sockets."""
import os


def runtime_dir(prefix):
    """DPDK's runtime folder of file prefix @prefix (eal_get_runtime_dir())."""
    base = os.environ.get('RUNTIME_DIRECTORY')
    if not base:
        base = '/var/run' if os.getuid() == 0 else os.environ.get('XDG_RUNTIME_DIR', '/tmp')
    return os.path.join(base, 'dpdk', prefix)
