#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""
Tests of pdk-devbind: devbind_test.py PDK_DEVBIND CASE.

The devbind_* cases run it on a fake sysfs tree (--sysfs DIR) built here in
a temporary directory, laid out as the kernel lays out /sys (device
directories under devices/, relative links from bus/pci/devices, driver and
iommu_group links); the sim_devbind_* cases run it on PDK's simulated
kernel (--sim). Each case exits 0 when it passes, 1 when it fails.
"""

import json
import os
import struct
import subprocess
import sys
import tempfile

# PCIe extended capability IDs (facts of the PCIe spec).
ECAP_AER = 0x0001
ECAP_ARI = 0x000E
ECAP_SRIOV = 0x0010
ECAP_PRI = 0x0013
ECAP_PASID = 0x001B

# Hand-made config spaces and layout files (test/pcicfg-data/README.md).
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'pcicfg-data')


def ecap_header(cap_id, version, next_off):
    return cap_id | (version << 16) | (next_off << 20)


def config_space(vendor, device, class_code, ecaps=None, size=4096):
    """Config space bytes; ecaps: [(offset, id, payload bytes)] chained in order."""
    cfg = bytearray(size)
    struct.pack_into('<HH', cfg, 0, vendor, device)
    cfg[0x09] = class_code & 0xff
    cfg[0x0a] = (class_code >> 8) & 0xff
    cfg[0x0b] = (class_code >> 16) & 0xff
    for i, (off, cap_id, payload) in enumerate(ecaps or []):
        nxt = ecaps[i + 1][0] if i + 1 < len(ecaps) else 0
        struct.pack_into('<I', cfg, off, ecap_header(cap_id, 1, nxt))
        cfg[off + 4:off + 4 + len(payload)] = payload
    return bytes(cfg)


def pasid_payload(width, exec_sup, priv_sup, enable):
    caps = (width << 8) | (0x02 if exec_sup else 0) | (0x04 if priv_sup else 0)
    ctrl = 0x01 if enable else 0
    return struct.pack('<HH', caps, ctrl)


class FakeSysfs:
    """A sysfs tree under root: functions, drivers, IOMMU groups."""

    def __init__(self, root):
        self.root = root
        for d in ('bus/pci/devices', 'bus/pci/drivers', 'devices/pci0000:00',
                  'kernel/iommu_groups'):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        self.write('bus/pci/drivers_probe', '')

    def path(self, rel):
        return os.path.join(self.root, rel)

    def blockdir(self, name):
        """The device directory of block device name (its class/block link's target)."""
        return os.path.normpath(os.path.join(
            'class/block', os.readlink(self.path('class/block/' + name))))

    def write(self, rel, data):
        mode = 'wb' if isinstance(data, bytes) else 'w'
        with open(self.path(rel), mode) as f:
            f.write(data)

    def read(self, rel):
        with open(self.path(rel)) as f:
            return f.read()

    def driver(self, name):
        d = 'bus/pci/drivers/' + name
        if not os.path.isdir(self.path(d)):
            os.makedirs(self.path(d))
            for attr in ('bind', 'unbind', 'new_id'):
                self.write(d + '/' + attr, '')
        return d

    def add(self, addr, vendor, device, class_code, driver=None, group=None,
            cdev=None, config=None):
        dev = 'devices/pci0000:00/' + addr
        os.makedirs(self.path(dev))
        self.write(dev + '/vendor', '0x%04x\n' % vendor)
        self.write(dev + '/device', '0x%04x\n' % device)
        self.write(dev + '/class', '0x%06x\n' % class_code)
        self.write(dev + '/driver_override', '(null)\n')
        self.write(dev + '/config', config if config is not None else
                   config_space(vendor, device, class_code))
        os.symlink('../../../' + dev, self.path('bus/pci/devices/' + addr))
        if driver is not None:
            d = self.driver(driver)
            os.symlink('../../../' + d, self.path(dev + '/driver'))
            os.symlink('../../../../' + dev, self.path(d + '/' + addr))
        if group is not None:
            g = 'kernel/iommu_groups/%d' % group
            os.makedirs(self.path(g + '/devices'), exist_ok=True)
            os.symlink('../../../' + g, self.path(dev + '/iommu_group'))
            os.symlink('../../../../' + dev, self.path(g + '/devices/' + addr))
        if cdev is not None:
            os.makedirs(self.path(dev + '/vfio-dev/' + cdev))


class FakeHost:
    """What the host uses, beside the sysfs tree: block devices, interfaces, /proc."""

    def __init__(self, tree):
        self.t = tree
        self.proc = os.path.join(os.path.dirname(tree.root), 'proc')
        os.makedirs(os.path.join(self.proc, 'net'), exist_ok=True)
        for d in ('class/block', 'class/net', 'devices/virtual/block', 'devices/virtual/net'):
            os.makedirs(tree.path(d), exist_ok=True)
        self.mounts = ['sysfs /sys sysfs rw,relatime 0 0', 'proc /proc proc rw 0 0']
        self.swaps = []
        self.routes = []
        self.flush()

    def flush(self):
        def put(rel, lines):
            with open(os.path.join(self.proc, rel), 'w') as f:
                f.write(''.join(l + '\n' for l in lines))
        put('mounts', self.mounts)
        put('swaps', ['Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority'] + self.swaps)
        put('net/route', ['Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask'] +
            self.routes)

    def block(self, name, under, devnum, parent=None, slaves=(), dm_name=None):
        """A block device in the directory under (a device path), or a partition of parent."""
        d = (self.t.blockdir(parent) + '/' + name) if parent else under + '/' + name
        os.makedirs(self.t.path(d))
        self.t.write(d + '/dev', devnum + '\n')
        if parent:
            self.t.write(d + '/partition', '1\n')
        os.makedirs(self.t.path(d + '/slaves'))
        for sl in slaves:
            link = d + '/slaves/' + sl
            os.symlink(os.path.relpath(self.t.blockdir(sl), os.path.dirname(link)),
                       self.t.path(link))
        if dm_name:
            os.makedirs(self.t.path(d + '/dm'))
            self.t.write(d + '/dm/name', dm_name + '\n')
        os.symlink('../../' + d, self.t.path('class/block/' + name))
        return d

    def net(self, name, under, flags, operstate):
        d = under + '/net/' + name
        os.makedirs(self.t.path(d))
        self.t.write(d + '/flags', '0x%x\n' % flags)
        self.t.write(d + '/operstate', operstate + '\n')
        os.symlink('../../' + d, self.t.path('class/net/' + name))


def build_tree(root):
    """
    0000:00:00.0  host bridge, group 0                    (hidden without --all)
    0000:3b:00.0  DSA, vfio-pci, cdev vfio0, group 5, PASID cap at 0x150
    0000:3b:00.1  NIC, igb, group 5 (shares with 3b:00.0)
    0000:3b:00.2  no driver, group 5
    0000:5e:00.0  NIC, mlx5_core, no iommu_group link
    0000:6a:01.0  DSA, no driver, group 7, PASID cap at 0x100 (not enabled)
    0000:af:00.0  vfio-pci without vfio-dev (no CONFIG_VFIO_DEVICE_CDEV), group 8,
                  no extended capability
    """
    t = FakeSysfs(root)
    t.driver('vfio-pci')
    t.add('0000:00:00.0', 0x8086, 0x09a2, 0x060000, group=0)
    t.add('0000:3b:00.0', 0x8086, 0x0b25, 0x088000, driver='vfio-pci', group=5,
          cdev='vfio0',
          config=config_space(0x8086, 0x0b25, 0x088000,
                              [(0x100, ECAP_AER, b''),
                               (0x150, ECAP_PASID, pasid_payload(20, False, True, True))]))
    t.add('0000:3b:00.1', 0x8086, 0x1521, 0x020000, driver='igb', group=5)
    t.add('0000:3b:00.2', 0x8086, 0x1521, 0x020000, group=5)
    t.add('0000:5e:00.0', 0x15b3, 0x1017, 0x020000, driver='mlx5_core')
    t.add('0000:6a:01.0', 0x8086, 0x0b25, 0x088000, group=7,
          config=config_space(0x8086, 0x0b25, 0x088000,
                              [(0x100, ECAP_PASID, pasid_payload(8, True, True, False))]))
    t.add('0000:af:00.0', 0x10de, 0x2330, 0x030200, driver='vfio-pci', group=8)
    return t


class Failed(Exception):
    pass


class Case:
    def __init__(self, exe):
        self.exe = exe
        self.tmp = tempfile.TemporaryDirectory(prefix='pdk-devbind-')
        self.root = os.path.join(self.tmp.name, 'sys')
        self.tree = None

    def fake(self):
        self.tree = build_tree(self.root)
        return self.tree

    def run(self, *args, rc=0):
        """Run pdk-devbind; check its exit status (None: any non-zero)."""
        p = subprocess.run([self.exe] + list(args), capture_output=True, text=True,
                           timeout=60)
        out = p.stdout + p.stderr
        ok = p.returncode != 0 if rc is None else p.returncode == rc
        if not ok:
            raise Failed('pdk-devbind %s: exit %d, expected %s\n%s' %
                         (' '.join(args), p.returncode,
                          'non-zero' if rc is None else rc, out))
        return out

    def run_fake(self, *args, rc=0):
        return self.run('--sysfs', self.root, *args, rc=rc)

    @staticmethod
    def has(out, *needles):
        for n in needles:
            if n not in out:
                raise Failed('output lacks %r:\n%s' % (n, out))

    @staticmethod
    def lacks(out, *needles):
        for n in needles:
            if n in out:
                raise Failed('output has %r:\n%s' % (n, out))

    def file_is(self, rel, want):
        got = self.tree.read(rel)
        if got != want:
            raise Failed('%s holds %r, expected %r' % (rel, got, want))


def block(out, addr):
    """The lines of one function in --status: its line and the indented ones after it."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(addr + ' '):
            j = i + 1
            while j < len(lines) and lines[j].startswith('    '):
                j += 1
            return '\n'.join(lines[i:j])
    raise Failed('no line for %s:\n%s' % (addr, out))


# ---- the cases ----

def devbind_status_fake(c):
    """--status on the fake tree: sections, groups, cdevs, PASID cap, why lines."""
    t = c.fake()
    # DSAs on the kernel's idxd driver: PDK's dsa driver takes them
    t.add('0000:e7:01.0', 0x8086, 0x0b25, 0x088000, driver='idxd', group=7)
    t.add('0000:e8:01.0', 0x8086, 0x0b25, 0x088000, driver='idxd')
    out = c.run_fake('--status', '--kernel-release', '6.1.0-18-amd64')
    c.has(out, '*** FAKE sysfs tree',
          'kernel:      Linux 6.1.0-18-amd64 (--kernel-release): older than 6.15',
          'IOMMU:       4 groups in /sys/kernel/iommu_groups',
          '/dev/iommu:  not looked at')
    # dpdk-devbind's grouping, in this order
    order = [out.find(t) for t in ('Devices using vfio-pci with a VFIO cdev\n====',
                                   'Devices using vfio-pci without a VFIO cdev\n====',
                                   'Devices bound to other drivers\n====',
                                   'Devices not bound to any driver\n====')]
    if -1 in order or order != sorted(order):
        raise Failed('sections missing or out of order %s:\n%s' % (order, out))
    c.lacks(out, '0000:00:00.0', 'Bridges')
    c.has(out, '(1 bridge not shown: --all shows them)')

    dsa = block(out, '0000:3b:00.0')
    c.has(dsa, "0000:3b:00.0 '8086:0b25' class=0880 drv=vfio-pci group=5 "
               "(with 0000:3b:00.1, 0000:3b:00.2) cdev=/dev/vfio/devices/vfio0",
          'pasid-cap: at 0x150, max width 20, exec no, priv yes, enabled yes [sysfs config]',
          'iommufd: not probed (a fake sysfs tree has no devices to open)',
          'why: IOMMU group 5 is shared with 0000:3b:00.1, bound to igb',
          'do: unbind 0000:3b:00.1 too (pdk-devbind --bind vfio-pci 0000:3b:00.0 0000:3b:00.1), '
          'or use ACS',
)
    # the host's problem, once, in the Host block
    c.has(out, 'verdict:     PDK can give no function PASIDs on this host until this is fixed:\n'
               '    why: Linux 6.1.0-18-amd64 is older than 6.15: iommufd has no PASID attach; '
               'do: boot Linux 6.15 or newer')
    if out.count('older than 6.15: iommufd') != 1:
        raise Failed('the kernel line is repeated:\n' + out)
    # an unbound function does not keep the group from vfio-pci
    c.lacks(dsa, 'shared with 0000:3b:00.2')

    nic = block(out, '0000:3b:00.1')
    # no PDK driver takes a NIC: no advice for it
    c.has(nic, 'drv=igb group=5 (with 0000:3b:00.0, 0000:3b:00.2) cdev=- pdk=-',
          'pasid-cap: absent [sysfs config]',
          'not advised: no PDK driver takes 8086:1521')
    c.lacks(nic, 'iommufd:', 'older than 6.15', 'why:', 'pdk-devbind --bind')
    c.has(block(out, '0000:3b:00.2'), 'drv=- group=5', 'not advised: no PDK driver takes')
    c.lacks(block(out, '0000:3b:00.2'), 'why:')
    c.has(block(out, '0000:5e:00.0'), 'drv=mlx5_core group=- cdev=- pdk=-', 'not advised')

    # a function PDK's dsa driver takes, on another driver: bind advice
    idxd = block(out, '0000:e7:01.0')
    c.has(idxd, 'drv=idxd group=7 (with 0000:6a:01.0) cdev=- pdk=dsa',
          'why: bound to idxd, not vfio-pci; do: pdk-devbind --bind vfio-pci 0000:e7:01.0 '
          '(unbinds idxd)')
    c.lacks(idxd, 'not advised')
    # without an IOMMU group: why, but no bind advice (--bind refuses it)
    nogrp = block(out, '0000:e8:01.0')
    c.has(nogrp, 'why: no IOMMU group: no iommu_group link')
    c.lacks(nogrp, 'pdk-devbind --bind')

    dsa2 = block(out, '0000:6a:01.0')
    c.has(dsa2, 'pasid-cap: at 0x100, max width 8, exec yes, priv yes, enabled no',
          'why: IOMMU group 7 is shared with 0000:e7:01.0, bound to idxd',
          'why: not bound to any driver; do: pdk-devbind --bind vfio-pci 0000:6a:01.0')
    c.lacks(dsa2, 'no PASID capability')

    gpu = block(out, '0000:af:00.0')
    c.has(gpu, 'drv=vfio-pci group=8 cdev=-',
          'why: bound to vfio-pci but no VFIO cdev (no vfio-dev/ in sysfs); '
          'do: the kernel needs CONFIG_VFIO_DEVICE_CDEV=y, Linux 6.6+')

    # a new enough kernel: no kernel line; --all shows the bridge
    out = c.run_fake('--kernel-release', '6.15.0', '--all')
    c.has(out, '6.15 or newer, the release with PASID attach',
          'verdict:     nothing host-wide keeps PDK from PASIDs (as far as the tree tells)',
          'Bridges\n=======',
          "0000:00:00.0 '8086:09a2' class=0600 drv=- group=0")
    c.lacks(out, 'older than 6.15', 'bridge not shown')
    c.lacks(block(out, '0000:00:00.0'), 'why:')

    # the status of named functions only
    out = c.run_fake('--status', '3b:00.1', '--kernel-release', '6.15.0')
    c.has(out, '0000:3b:00.1 ')
    c.lacks(out, '0000:3b:00.0 ', '0000:6a:01.0')


def devbind_status_no_iommu(c):
    """No /sys/kernel/iommu_groups at all: every function says to turn the IOMMU on."""
    t = c.fake()
    # a kernel without an IOMMU has neither the groups nor the links to them
    subprocess.run(['rm', '-rf', t.path('kernel')], check=True)
    for addr in os.listdir(t.path('bus/pci/devices')):
        link = t.path('bus/pci/devices/%s/iommu_group' % addr)
        if os.path.islink(link):
            os.unlink(link)
    out = c.run_fake('--kernel-release', '6.15.0')
    c.has(out, 'IOMMU:       no /sys/kernel/iommu_groups: no IOMMU',
          'verdict:     PDK can give no function PASIDs on this host until this is fixed:\n'
          '    why: no IOMMU: the kernel runs without one (no /sys/kernel/iommu_groups), so '
          'VFIO can offer no device; do: turn the IOMMU (VT-d, AMD-Vi, SMMU) on in the firmware')
    # said once for the host, not per function; binding is no advice without an IOMMU
    for addr in ('0000:3b:00.0', '0000:5e:00.0', '0000:6a:01.0'):
        c.lacks(block(out, addr), 'no IOMMU', 'pdk-devbind --bind', '    ready')
    c.has(block(out, '0000:3b:00.0'), 'not ready: nothing of its own, but the host')
    doc = json.loads(c.run_fake('--kernel-release', '6.15.0', '--json'))
    if [p['problem'][:9] for p in doc['host_problems']] != ['no IOMMU:'] or \
            any(f['usable'] for f in doc['functions']):
        raise Failed('host_problems %r' % doc['host_problems'])
    check_agree(c, c.run_fake, '--kernel-release', '6.15.0')


def devbind_status_json_fake(c):
    """--json: the same facts, machine-readable."""
    c.fake()
    out = c.run_fake('--json', '--kernel-release', '6.15.0')
    doc = json.loads(out)
    if doc['backend'] != 'fake-sysfs' or doc['simulated'] or doc['sysfs_root'] != c.root:
        raise Failed('header: %r' % {k: doc[k] for k in ('backend', 'simulated', 'sysfs_root')})
    if doc['host']['pasid_kernel'] is not True or doc['host']['iommu_groups'] != 4:
        raise Failed('host: %r' % doc['host'])
    fns = {f['address']: f for f in doc['functions']}
    if '0000:00:00.0' in fns:
        raise Failed('the bridge is listed without --all')
    dsa = fns['0000:3b:00.0']
    want = {'driver': 'vfio-pci', 'iommu_group': '5', 'cdev': '/dev/vfio/devices/vfio0',
            'section': 'vfio_cdev', 'class': '088000', 'usable': False,
            'group_peers': ['0000:3b:00.1', '0000:3b:00.2']}
    for k, v in want.items():
        if dsa[k] != v:
            raise Failed('0000:3b:00.0 %s = %r, expected %r' % (k, dsa[k], v))
    cap = dsa['pasid_cap']
    if (cap['state'], cap['max_width'], cap['offset'], cap['enabled']) != ('present', 20, 0x150, True):
        raise Failed('pasid_cap %r' % cap)
    if not any('shared with 0000:3b:00.1' in w['problem'] for w in dsa['why']):
        raise Failed('why %r' % dsa['why'])
    if dsa['pdk_driver'] != 'dsa' or fns['0000:3b:00.1']['pdk_driver'] is not None:
        raise Failed('pdk_driver %r %r' % (dsa['pdk_driver'], fns['0000:3b:00.1']['pdk_driver']))
    if fns['0000:5e:00.0']['iommu_group'] is not None or fns['0000:3b:00.1']['cdev'] is not None:
        raise Failed('absent values are not null')


def devbind_bind_fake(c):
    """--bind writes unbind, driver_override and drivers_probe; --unbind clears the override."""
    c.fake()
    out = c.run_fake('--bind', 'vfio-pci', '6a:01.0')
    c.has(out, '0000:6a:01.0: bound to vfio-pci [fake sysfs tree')
    c.file_is('devices/pci0000:00/0000:6a:01.0/driver_override', 'vfio-pci')
    c.file_is('bus/pci/drivers_probe', '0000:6a:01.0')

    # from another driver: unbound first; the unbound group-mate comes along
    out = c.run_fake('--bind=vfio-pci', '0000:3b:00.1', '0000:3b:00.2')
    c.has(out, '0000:3b:00.1: bound to vfio-pci (was igb)', '0000:3b:00.2: bound to vfio-pci')
    c.file_is('bus/pci/drivers/igb/unbind', '0000:3b:00.1')
    c.file_is('devices/pci0000:00/0000:3b:00.1/driver_override', 'vfio-pci')
    c.file_is('devices/pci0000:00/0000:3b:00.2/driver_override', 'vfio-pci')
    c.file_is('bus/pci/drivers_probe', '0000:3b:00.2')

    # --bind DRIVER in general (a driver the tree has)
    c.tree.driver('pci-stub')
    c.run_fake('--bind', 'pci-stub', '0000:5e:00.0')
    c.file_is('bus/pci/drivers/mlx5_core/unbind', '0000:5e:00.0')
    c.file_is('devices/pci0000:00/0000:5e:00.0/driver_override', 'pci-stub')

    out = c.run_fake('--unbind', '0000:af:00.0')
    c.has(out, '0000:af:00.0: unbound from vfio-pci')
    c.file_is('bus/pci/drivers/vfio-pci/unbind', '0000:af:00.0')
    c.file_is('devices/pci0000:00/0000:af:00.0/driver_override', '\n')


def devbind_bind_refused_fake(c):
    """Refusals change nothing and say why."""
    c.fake()
    override = 'devices/pci0000:00/0000:3b:00.2/driver_override'

    out = c.run_fake('--bind', 'vfio-pci', '0000:3b:00.2', rc=None)
    c.has(out, '0000:3b:00.2: IOMMU group 5 is shared with 0000:3b:00.1, bound to igb: '
               'bind both (pdk-devbind --bind vfio-pci 0000:3b:00.2 0000:3b:00.1)',
          '--force binds it anyway', 'nothing was changed')
    c.file_is(override, '(null)\n')
    c.file_is('bus/pci/drivers_probe', '')

    out = c.run_fake('--bind', 'vfio-pci', '0000:3b:00.2', '--force')
    c.file_is(override, 'vfio-pci')

    # already bound: a notice, exit 0, nothing written (set-up scripts run twice)
    out = c.run_fake('--bind', 'vfio-pci', '0000:3b:00.0', rc=0)
    c.has(out, '0000:3b:00.0: already bound to vfio-pci, nothing to do')
    c.file_is('bus/pci/drivers/vfio-pci/unbind', '')
    c.file_is('devices/pci0000:00/0000:3b:00.0/driver_override', '(null)\n')

    out = c.run_fake('--bind', 'vfio-pci', '0000:00:00.0', rc=None)
    c.has(out, '0000:00:00.0 is a bridge')

    out = c.run_fake('--bind', 'vfio-pci', '0000:5e:00.0', rc=None)
    c.has(out, '0000:5e:00.0 has no IOMMU group (no iommu_group link): vfio-pci would take it')
    c.file_is('bus/pci/drivers/mlx5_core/unbind', '')

    # one bad function refuses the whole command
    out = c.run_fake('--bind', 'vfio-pci', '0000:6a:01.0', '0000:00:00.0', rc=1)
    c.has(out, 'is a bridge', 'nothing was changed')
    c.file_is('devices/pci0000:00/0000:6a:01.0/driver_override', '(null)\n')

    out = c.run_fake('--unbind', '0000:6a:01.0', rc=None)
    c.has(out, '0000:6a:01.0 is not bound to any driver\npdk-devbind: nothing was changed')

    out = c.run_fake('--bind', 'nvme', '0000:6a:01.0', rc=None)
    c.has(out, 'driver nvme is not loaded (no /sys/bus/pci/drivers/nvme)')
    c.file_is('devices/pci0000:00/0000:6a:01.0/driver_override', '(null)\n')

    # one already bound, one to bind: the notice, the bind, exit 0
    out = c.run_fake('--bind', 'vfio-pci', '0000:3b:00.0', '0000:6a:01.0', rc=0)
    c.has(out, '0000:3b:00.0: already bound to vfio-pci, nothing to do',
          '0000:6a:01.0: bound to vfio-pci')
    c.file_is('devices/pci0000:00/0000:6a:01.0/driver_override', 'vfio-pci')
    c.file_is('bus/pci/drivers_probe', '0000:6a:01.0')


def devbind_bad_input(c):
    """Wrong input exits non-zero with a message naming it."""
    c.fake()
    out = c.run_fake('--bind', 'vfio-pci', 'zz:00.0', rc=None)
    c.has(out, '"zz:00.0" is not a PCI address: write DDDD:BB:DD.F or BB:DD.F')
    out = c.run_fake('--status', '0000:3b:00.9', rc=None)
    c.has(out, 'is not a PCI address')
    out = c.run_fake('--bind', 'vfio-pci', '0000:99:00.0', rc=None)
    c.has(out, 'no PCI function 0000:99:00.0')
    out = c.run_fake('--unbind', '0000:99:00.0', rc=None)
    c.has(out, 'no PCI function 0000:99:00.0')
    out = c.run_fake('--status', '0000:99:00.0', rc=None)
    c.has(out, 'no PCI function 0000:99:00.0')
    out = c.run_fake('--frobnicate', rc=2)
    c.has(out, 'unknown option --frobnicate')
    out = c.run_fake('--bind', rc=2)
    c.has(out, '--bind needs an argument')
    out = c.run_fake('--bind', 'vfio-pci', rc=2)
    c.has(out, 'name the functions to bind')
    out = c.run_fake('-b', 'vfio-pci', rc=2)
    c.has(out, '--bind vfio-pci: name the functions to bind (PCI addresses: pdk-devbind '
               '--bind vfio-pci ADDR...)')
    out = c.run_fake('--unbind', rc=2)
    c.has(out, '--unbind: name the functions to unbind')
    out = c.run_fake('--bind', '../x', '0000:6a:01.0', rc=2)
    c.has(out, 'is not a driver name')
    out = c.run_fake('--status', '--unbind', '0000:3b:00.0', rc=2)
    c.has(out, 'give one of --status, --bind, --unbind, --map, --layout-write and --layout-check')
    out = c.run('--sysfs', 'relative/dir', rc=2)
    c.has(out, 'give an absolute path')
    out = c.run('--sysfs', os.path.join(c.tmp.name, 'nothing'), rc=None)
    c.has(out, 'cannot list /sys/bus/pci/devices')
    out = c.run('--sim', '--sysfs', c.root, rc=2)
    c.has(out, '--sim and --sysfs exclude each other')
    out = c.run('--help')
    c.has(out, 'Usage: pdk-devbind', '--bind DRIVER', '--sysfs DIR')


def build_in_use(c):
    """
    The fake tree plus what a host uses:
    0000:01:00.0  NVMe (nvme): nvme0n1p1 mounted on /boot, nvme0n1p2 under dm-0
                  (vg-root) mounted on /
    0000:02:00.0  virtio block (virtio-pci): vdb1 under md0, which is swap
    0000:03:00.0  NIC (igb): eth0 up, no routes
    0000:03:00.1  NIC (igb): eth1 down, carries a route
    0000:03:00.2  NIC (igb): eth2 down, no routes (not in use)
    """
    t = c.fake()
    for addr, dev, cls, drv, grp in (('0000:01:00.0', 0x0a54, 0x010802, 'nvme', 11),
                                     ('0000:02:00.0', 0x1042, 0x010000, 'virtio-pci', 12),
                                     ('0000:03:00.0', 0x1521, 0x020000, 'igb', 13),
                                     ('0000:03:00.1', 0x1521, 0x020000, 'igb', 14),
                                     ('0000:03:00.2', 0x1521, 0x020000, 'igb', 15)):
        t.add(addr, 0x8086 if drv != 'virtio-pci' else 0x1af4, dev, cls, driver=drv, group=grp)
    # a DSA sharing eth0's group: the group-mate is never advised for binding
    t.add('0000:03:00.3', 0x8086, 0x0b25, 0x088000, group=13)
    h = FakeHost(t)
    pci = 'devices/pci0000:00/'
    h.block('nvme0n1', pci + '0000:01:00.0/nvme/nvme0', '259:0')
    h.block('nvme0n1p1', None, '259:1', parent='nvme0n1')
    h.block('nvme0n1p2', None, '259:2', parent='nvme0n1')
    h.block('dm-0', 'devices/virtual/block', '254:0', slaves=['nvme0n1p2'], dm_name='vg-root')
    h.block('vdb', pci + '0000:02:00.0/virtio3/block', '253:16')
    h.block('vdb1', None, '253:17', parent='vdb')
    h.block('md0', 'devices/virtual/block', '9:0', slaves=['vdb1'])
    h.block('loop0', 'devices/virtual/block', '7:0')
    h.net('eth0', pci + '0000:03:00.0', 0x1003, 'up')
    h.net('eth1', pci + '0000:03:00.1', 0x1002, 'down')
    h.net('eth2', pci + '0000:03:00.2', 0x1002, 'down')
    h.net('lo', 'devices/virtual/net', 0x9, 'unknown')
    h.mounts += ['/dev/mapper/vg-root / ext4 rw,relatime 0 0',
                 '/dev/nvme0n1p1 /boot vfat rw 0 0', '/dev/loop0 /snap/x squashfs ro 0 0']
    h.swaps += ['/dev/md0                                partition\t8388604\t\t0\t\t-2']
    h.routes += ['eth1\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF',
                 'lo\t0000007F\t00000000\t0001\t0\t0\t0\t000000FF']
    h.flush()
    return t, h


IN_USE = {
    '0000:01:00.0': ['in use: dm-0 on nvme0n1p2 is mounted on / (ext4)',
                     'in use: nvme0n1p1 is mounted on /boot (vfat)'],
    '0000:02:00.0': ['in use: md0 on vdb1 is swap (/dev/md0)'],
    '0000:03:00.0': ['in use: network interface eth0 is up'],
    '0000:03:00.1': ['in use: network interface eth1 is down and carries 1 route'],
}


def devbind_in_use_status(c):
    """Mounted disks (partition, dm), md swap, up and routed interfaces: in use, not advised."""
    build_in_use(c)
    out = c.run_fake('--kernel-release', '6.15.0')
    for addr, lines in IN_USE.items():
        b = block(out, addr)
        c.has(b, *lines)
        c.has(b, 'not advised: this host uses it (--bind and --unbind refuse it without --force)')
        c.lacks(b, 'why:', 'pdk-devbind --bind')
    # a group-mate in use: only the slot is advised, never binding it
    mate = block(out, '0000:03:00.3')
    c.has(mate, 'why: IOMMU group 13 is shared with 0000:03:00.0, bound to igb: vfio-pci cannot '
                'own the group\'s DMA; do: 0000:03:00.0 is in use by this host (network interface '
                'eth0 is up): put this function in a slot behind a bridge with ACS')
    c.lacks(mate, '0000:03:00.3 0000:03:00.0')
    # down, no routes: not the host's (and, a NIC, no PDK driver's)
    c.lacks(block(out, '0000:03:00.2'), 'in use', 'this host uses it')
    c.has(block(out, '0000:03:00.2'), 'not advised: no PDK driver takes 8086:1521')
    # the same facts in the JSON, word for word
    doc = json.loads(c.run_fake('--kernel-release', '6.15.0', '--json'))
    fns = {f['address']: f for f in doc['functions']}
    for addr, lines in IN_USE.items():
        got = ['in use: ' + u['text'] for u in fns[addr]['in_use']]
        if got != lines or fns[addr]['why'] or fns[addr]['usable']:
            raise Failed('%s JSON in_use %r why %r, text says %r' %
                         (addr, got, fns[addr]['why'], lines))
    kinds = [u['kind'] for u in fns['0000:01:00.0']['in_use']]
    objs = [u['object'] for u in fns['0000:01:00.0']['in_use']]
    if kinds != ['mount', 'mount'] or objs != ['/', '/boot']:
        raise Failed('kinds %r objects %r' % (kinds, objs))
    if fns['0000:03:00.2']['in_use'] != [] or \
            fns['0000:03:00.0']['in_use'][0]['kind'] != 'interface':
        raise Failed('interfaces %r' % fns['0000:03:00.0']['in_use'])


def devbind_in_use_bind_refused(c):
    """--bind and --unbind of what the host uses: refused, naming it; --force does it."""
    t, h = build_in_use(c)
    drv_of = lambda a: os.readlink(t.path('devices/pci0000:00/%s/driver' % a)).split('/')[-1]
    for addr, what in (('0000:01:00.0', 'dm-0 on nvme0n1p2 is mounted on / (ext4)'),
                       ('0000:02:00.0', 'md0 on vdb1 is swap (/dev/md0)'),
                       ('0000:03:00.0', 'network interface eth0 is up'),
                       ('0000:03:00.1', 'network interface eth1 is down and carries 1 route')):
        for cmd in (['--bind', 'vfio-pci'], ['--unbind']):
            out = c.run_fake(*cmd, addr, rc=1)
            c.has(out, '%s is in use by this host: %s' % (addr, what),
                  '%s: %s it would take it from %s, and %s from the running system; '
                  '--force does it anyway' % (addr, 'binding' if len(cmd) == 2 else 'unbinding',
                                              drv_of(addr), 'these' if addr == '0000:01:00.0'
                                              else 'that'),
                  'nothing was changed')
            c.lacks(out, 'bound to vfio-pci', 'unbound from')
    for rel in ('bus/pci/drivers/nvme/unbind', 'bus/pci/drivers/igb/unbind',
                'bus/pci/drivers/virtio-pci/unbind', 'bus/pci/drivers_probe'):
        c.file_is(rel, '')
    c.file_is('devices/pci0000:00/0000:01:00.0/driver_override', '(null)\n')
    out = c.run_fake('--bind', 'vfio-pci', '0000:03:00.3', rc=1)
    c.has(out, '0000:03:00.3: IOMMU group 13 is shared with 0000:03:00.0, bound to igb, which '
               'this host uses (network interface eth0 is up): give the slot a group of its own')
    c.lacks(out, 'bind both')
    c.file_is('devices/pci0000:00/0000:03:00.3/driver_override', '(null)\n')
    # one in-use function refuses the whole command
    out = c.run_fake('--bind', 'vfio-pci', '0000:03:00.2', '0000:03:00.0', rc=1)
    c.has(out, '0000:03:00.0 is in use by this host', 'nothing was changed')
    c.file_is('devices/pci0000:00/0000:03:00.2/driver_override', '(null)\n')
    # the free NIC binds
    out = c.run_fake('--bind', 'vfio-pci', '0000:03:00.2')
    c.has(out, '0000:03:00.2: bound to vfio-pci (was igb)')
    # --force: the user said so
    out = c.run_fake('--bind', 'vfio-pci', '0000:03:00.0', '--force')
    c.has(out, '0000:03:00.0: bound to vfio-pci (was igb)')
    c.file_is('devices/pci0000:00/0000:03:00.0/driver_override', 'vfio-pci')
    out = c.run_fake('--unbind', '0000:01:00.0', '--force')
    c.has(out, '0000:01:00.0: unbound from nvme')
    c.file_is('bus/pci/drivers/nvme/unbind', '0000:01:00.0')
    if drv_of('0000:02:00.0') != 'virtio-pci':
        raise Failed('driver link changed')


def devbind_in_use_unknown(c):
    """Facts that cannot be read count as in use: a disk without /proc/mounts is not advised."""
    t, h = build_in_use(c)
    os.unlink(os.path.join(h.proc, 'mounts'))
    os.unlink(os.path.join(h.proc, 'net/route'))
    out = c.run_fake('--kernel-release', '6.15.0')
    b = block(out, '0000:02:00.0')
    c.has(b, 'in use: it has block devices, and %s/mounts cannot be read (No such file or '
             'directory): they may hold mounted file systems' % h.proc, 'not advised')
    c.has(block(out, '0000:03:00.2'), 'in use: network interface eth2 is down, but '
          '%s/net/route cannot be read' % h.proc)
    out = c.run_fake('--bind', 'vfio-pci', '0000:03:00.2', rc=1)
    c.has(out, 'may carry routes', 'nothing was changed')


def check_agree(c, run, *args):
    """--status and --status --json say the same of every function: one model, two renderings."""
    out = run(*args)
    doc = json.loads(run('--json', *args))
    for f in doc['functions']:
        b = block(out, f['address'])
        cap = f['pasid_cap']
        want = ['drv=%s' % (f['driver'] or '-'), 'cdev=%s' % (f['cdev'] or '-'),
                'pasid-cap: %s' % ('at 0x%03x' % cap['offset'] if cap['state'] == 'present'
                                   else cap['state'])]
        if cap.get('why'):
            want.append('[%s: %s]' % (cap['source'], cap['why']))
        want += ['why: %s; do: %s' % (w['problem'], w['fix']) for w in f['why']]
        want += ['in use: ' + u['text'] for u in f['in_use']]
        if f['usable']:
            want.append('    ready')
        c.has(b, *want)
        if b.count('    why: ') != len(f['why']) or b.count('in use: ') != len(f['in_use']):
            raise Failed('%s: text and JSON differ in the number of lines:\n%s\n%r' %
                         (f['address'], b, f))
    for h in doc.get('host_problems', []):
        c.has(out, 'why: %s' % h['problem'], 'do: %s' % h['fix'])


def devbind_text_json_agree(c):
    """Text and JSON agree on the sim, a fake tree, a fake host with disks and interfaces."""
    check_agree(c, c.run, '--sim')
    build_in_use(c)
    check_agree(c, c.run_fake, '--kernel-release', '6.1.0')
    check_agree(c, c.run_fake, '--kernel-release', '6.15.0', '--all')


def sim_devbind_status(c):
    """--sim: the SIMULATED banner, the iommufd view from GET_HW_INFO, the why lines."""
    out = c.run('--sim', '--status')
    c.has(out, '*** SIMULATED devices', '*** SIMULATED: nothing above is hardware ***',
          'Devices using vfio-pci with a VFIO cdev', 'Devices bound to other drivers')
    dflt = block(out, '0000:00:04.0')
    c.has(dflt, "'5044:0001'", 'drv=vfio-pci', 'cdev=/dev/vfio/devices/vfio0',
          'iommufd: VT-d, max_pasid_log2 20, PASID exec no, priv no',
          'ready: PDK can attach PASIDs 1..1048575',
          # the simulated sysfs config shows the PASID capability VFIO hides, as the kernel's does
          'pasid-cap: at 0x100, max width 20, exec no, priv no, enabled yes [sysfs config]')
    c.lacks(dflt, 'why:')
    dsa = block(out, '0000:6a:01.0')
    c.has(dsa, "'8086:0b25' class=0880 drv=vfio-pci",
          'iommufd: VT-d, max_pasid_log2 20, PASID exec no, priv yes')
    shared = block(out, '0000:00:05.0')
    c.has(shared, 'group=9 (with 0000:00:06.0)',
          'iommufd: failed at VFIO_DEVICE_BIND_IOMMUFD: Operation not permitted',
          'why: IOMMU group 9 is shared with 0000:00:06.0, bound to pdk-sim-other')
    other = block(out, '0000:00:06.0')
    c.has(other, 'drv=pdk-sim-other', 'cdev=-', 'not advised: no PDK driver takes 5044:0002')

    out = c.run('--sim', '--no-probe')
    c.has(block(out, '0000:00:04.0'), 'iommufd: not probed (--no-probe)')

    doc = json.loads(c.run('--sim', '--json'))
    fns = {f['address']: f for f in doc['functions']}
    if doc['backend'] != 'sim' or doc['simulated'] is not True:
        raise Failed('json header %r' % doc)
    iommufd = fns['0000:00:04.0']['iommufd']
    if iommufd != {'type': 'VT-d', 'max_pasid_log2': 20, 'pasid_exec': False,
                   'pasid_priv': False} or not fns['0000:00:04.0']['usable']:
        raise Failed('0000:00:04.0 %r' % fns['0000:00:04.0'])

    out = c.run('--sim', '--bind', 'vfio-pci', '0000:00:06.0', rc=None)
    c.has(out, 'the SIMULATED kernel does not model driver binding')


# ---- --map, --layout-write, --layout-check (issue 13; doc/pcicfg.md) ----

def build_map_tree(c):
    """
    0000:3b:00.0  PF: AER 0x100, SR-IOV 0x140, PASID 0x180 (width 20, priv, enabled)
    0000:3b:00.1  its VF (physfn link): ARI 0x100, no PASID of its own
    0000:3b:00.2  config gives 64 bytes (as to an unprivileged reader)
    0000:3b:00.3  a malformed extended chain: 0x100 -> 0x140 -> 0x100
    """
    t = FakeSysfs(c.root)
    t.driver('vfio-pci')
    t.add('0000:3b:00.0', 0x8086, 0x0b25, 0x088000, driver='vfio-pci', group=5, cdev='vfio0',
          config=config_space(0x8086, 0x0b25, 0x088000,
                              [(0x100, ECAP_AER, b''), (0x140, ECAP_SRIOV, b''),
                               (0x180, ECAP_PASID, pasid_payload(20, False, True, True))]))
    t.add('0000:3b:00.1', 0x8086, 0x0b26, 0x088000, driver='vfio-pci', group=6, cdev='vfio1',
          config=config_space(0xffff, 0xffff, 0x088000, [(0x100, ECAP_ARI, b'')]))
    os.symlink('../0000:3b:00.0', t.path('devices/pci0000:00/0000:3b:00.1/physfn'))
    t.add('0000:3b:00.2', 0x8086, 0x0b25, 0x088000,
          config=config_space(0x8086, 0x0b25, 0x088000, size=64))
    loop = bytearray(config_space(0x8086, 0x0b25, 0x088000,
                                  [(0x100, ECAP_AER, b''), (0x140, ECAP_PRI, b'')]))
    struct.pack_into('<I', loop, 0x140, ecap_header(ECAP_PRI, 1, 0x100))
    t.add('0000:3b:00.3', 0x8086, 0x0b25, 0x088000, config=bytes(loop))
    c.tree = t
    return t


def section(out, title):
    """The lines of one --map section: its title line and the indented ones after it."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(title):
            j = i + 1
            while j < len(lines) and lines[j].startswith('    '):
                j += 1
            return '\n'.join(lines[i:j])
    raise Failed('no section %r in:\n%s' % (title, out))


def devbind_map_fake(c):
    """--map of a PF, its VF, a 64-byte read and a looping chain, on a fake sysfs tree."""
    build_map_tree(c)
    out = c.run_fake('--map', '3b:00.0', '--quirks', '/dev/null')
    c.has(out, "Config space of 0000:3b:00.0 '8086:0b25'",
          'read from: sysfs /sys/bus/pci/devices/0000:3b:00.0/config, all 4096 bytes',
          'quirks:    /dev/null: 0 entries for 8086:0b25')
    caps = section(out, 'Capabilities')
    c.has(caps, 'ext   0x0001 Advanced Error Reporting           0x100  0x038',
          'ext   0x0010 SR-IOV                             0x140  0x040',
          'ext   0x001b PASID                              0x180  0x008',
          'PCI_EXT_CAP_PASID_SIZEOF')
    c.has(section(out, 'Holes'), '0x138  0x008', '0x188  0xe78')
    c.has(section(out, 'Hidden ranges'), 'none')
    c.has(section(out, 'Findings'), 'none: the chains are well formed')
    facts = section(out, 'PASID facts')
    c.has(facts, 'physical: present at 0x180, max width 20, exec no, priv yes supported; '
          'enabled yes', "the function's own PASID capability at 0x180",
          'iommu:    unknown [IOMMU_GET_HW_INFO]',
          'not asked: a fake sysfs tree has no devices to open', 'vf:       no')
    place = section(out, 'Virtual PASID capability')
    c.has(place, 'physical   0x180', 'end        0xff8', 'QEMU', 'first-fit  0x188',
          'dvsec      -', 'quirk      -', 'user       -      not asked')

    out = c.run_fake('--map', '0000:3b:00.1', '--quirks', '/dev/null')
    # its ID registers read ffff; the map names it by sysfs vendor and device, as a guest sees it
    c.has(out, "Config space of 0000:3b:00.1 '8086:0b26'")
    facts = section(out, 'PASID facts')
    c.has(facts, 'vf:       yes', 'physical: absent',
          'a VF has no PASID capability of its own', 'drivers/pci/ats.c',
          '(PF 0000:3b:00.0)', 'pf:       present at 0x180, max width 20',
          '[/sys/bus/pci/devices/0000:3b:00.0/config]')
    c.has(section(out, 'Virtual PASID capability'), 'physical   -', 'a VF has none')

    out = c.run_fake('--map', '3b:00.2', '--quirks', '/dev/null')
    c.has(out, 'read from: sysfs config gave 64 bytes',
          'no VFIO view: a fake sysfs tree has no devices to open',
          'physical: unknown', '64 bytes read: the PASID capability is in the extended space')
    c.has(section(out, 'Virtual PASID capability'), 'end        -')

    out = c.run_fake('--map', '3b:00.3', '--quirks', '/dev/null')
    c.has(section(out, 'Findings'), 'LOOP at 0x140: extended chain: next pointer of 0x140 '
          'goes back to 0x100')

    out = c.run_fake('--map', '3b:00.7', rc=1)
    c.has(out, 'pdk-devbind: 0000:3b:00.7: read its config space: no such PCI function in '
          '/sys/bus/pci/devices of the --sysfs tree; do: check the address')
    out = c.run_fake('--map', rc=2)
    c.has(out, '--map takes one function (ADDR) or config-space dump (FILE)')
    out = c.run_fake('--map', '3b:00.0', '3b:00.1', rc=2)
    c.has(out, '--map takes one function')


def devbind_map_json_fake(c):
    """--map --json: the same map as the text, every fact with its source."""
    build_map_tree(c)
    text = c.run_fake('--map', '3b:00.0', '--quirks', '/dev/null', '--vpasid-offset', '0x200')
    doc = json.loads(c.run_fake('--map', '3b:00.0', '--quirks', '/dev/null', '--json',
                                '--vpasid-offset', '0x200'))
    if doc['address'] != '0000:3b:00.0' or doc['simulated'] is not False or \
            doc['size'] != 4096 or doc['vendor'] != '8086':
        raise Failed('header %r' % {k: doc[k] for k in ('address', 'simulated', 'size')})
    caps = [(x['space'], x['id'], x['offset'], x['length']) for x in doc['capabilities']]
    if caps != [('ext', 1, 0x100, 0x38), ('ext', 0x10, 0x140, 0x40), ('ext', 0x1b, 0x180, 8)]:
        raise Failed('capabilities %r' % caps)
    for x in doc['capabilities']:
        c.has(text, '0x%04x %-34s 0x%03x  0x%03x  %s' % (x['id'], x['name'], x['offset'],
                                                       x['length'], x['source']))
    holes = [(x['offset'], x['length']) for x in doc['holes']]
    if holes != [(0x138, 8), (0x188, 0xe78)]:
        raise Failed('holes %r' % holes)
    phys = doc['pasid']['physical']
    if phys['state'] != 'present' or phys['offset'] != 0x180 or phys['max_width'] != 20 or \
            phys['priv_supported'] is not True or phys['exec_supported'] is not False or \
            'config' not in phys['source']:
        raise Failed('physical %r' % phys)
    if doc['pasid']['vf'] is not False or doc['pasid']['iommu']['state'] != 'unknown' or \
            doc['pasid']['vfio']['state'] != 'unknown':
        raise Failed('pasid %r' % doc['pasid'])
    got = {p['policy']: (p['offset'], p['error']) for p in doc['vpasid']}
    want = {'physical': (0x180, None), 'end': (0xff8, None), 'first-fit': (0x188, None),
            'dvsec': (None, 'ENOENT'), 'quirk': (None, 'ENOENT'), 'user': (0x200, None)}
    if got != want:
        raise Failed('vpasid %r, want %r' % (got, want))
    for p in doc['vpasid']:
        c.has(text, p['why'])

    vf = json.loads(c.run_fake('--map', '3b:00.1', '--json', '--quirks', '/dev/null'))
    if vf['pasid']['vf'] is not True or vf['pasid']['pf'] != '0000:3b:00.0' or \
            vf['pasid']['physical']['state'] != 'absent' or \
            vf['pasid']['pf_cap']['state'] != 'present':
        raise Failed('vf pasid %r' % vf['pasid'])


def devbind_map_file(c):
    """--map of lspci -xxxx text and of the same bytes as a binary dump; the quirk table."""
    lspci = os.path.join(DATA, 'endpoint-pasid.lspci')
    quirks = os.path.join(DATA, '..', '..', 'lib', 'pcicfg', 'quirks.txt')
    out = c.run('--map', lspci, '--quirks', quirks, '--vpasid-offset', '0x204')
    c.has(out, "'fffe:0001'", 'read from: the file %s (4096 bytes of config space)' % lspci,
          ': 2 entries for fffe:0001')
    c.has(section(out, 'Hidden ranges'), '0x200  0x040  EXAMPLE ONLY')
    c.has(section(out, 'Holes'), '0x138  0x008', '0x160  0x0a0', '0x240  0xdc0')
    c.has(section(out, 'PASID facts'), 'file:     present at 0x148, max width 20',
          'a dump has no IOMMU or VFIO view')
    c.has(section(out, 'Virtual PASID capability'), 'physical   0x148', 'first-fit  0x160',
          'quirk      0x300', 'user       -      user offset 0x204: the 8 bytes overlap '
          'hidden 0x200+0x40')
    # the same bytes as a binary dump give the same map
    dump = os.path.join(c.tmp.name, 'endpoint.bin')
    data = bytearray(4096)
    with open(lspci) as f:
        for line in f:
            off, sep, rest = line.partition(': ')
            if sep and all(ch in '0123456789abcdef' for ch in off):
                data[int(off, 16):int(off, 16) + 16] = bytes.fromhex(rest)
    with open(dump, 'wb') as f:
        f.write(data)
    a = json.loads(c.run('--map', lspci, '--quirks', quirks, '--json'))
    b = json.loads(c.run('--map', dump, '--quirks', quirks, '--json'))
    for k in ('capabilities', 'holes', 'hidden', 'findings', 'vpasid'):
        if a[k] != b[k]:
            raise Failed('%s differs: %r / %r' % (k, a[k], b[k]))
    out = c.run('--map', os.path.join(c.tmp.name, 'missing.bin'), rc=1)
    c.has(out, 'missing.bin: not a PCI address (DDDD:BB:DD.F), and reading it as a config-space '
          'dump failed', 'No such file or directory', 'do: give an address')
    out = c.run('--map', lspci, '--quirks', os.path.join(DATA, 'bad-layout.json'), rc=1)
    c.has(out, 'bad-layout.json: read the quirk table:')


def devbind_layout_check(c):
    """--layout-write and --layout-check: compatible (0), different (1), errors (2)."""
    lspci = os.path.join(DATA, 'endpoint-pasid.lspci')
    layout = os.path.join(c.tmp.name, 'src.json')
    out = c.run('--layout-write', lspci, layout, '--vpasid', 'end', '--quirks', '/dev/null')
    c.has(out, 'wrote the layout of %s (virtual PASID capability at 0xff8, --vpasid end) to %s'
          % (lspci, layout))
    with open(layout) as f:
        doc = json.load(f)
    if doc['pdk_pcicfg_layout'] != 1 or doc['vendor'] != 0xfffe or \
            {'kind': 'ext', 'id': 27, 'offset': 0xff8, 'length': 8} not in doc['caps'] or \
            any(x['id'] == 27 and x['offset'] == 0x148 for x in doc['caps']):
        raise Failed('layout %r' % doc)
    out = c.run('--layout-write', lspci, '-', '--vpasid', 'end', '--quirks', '/dev/null')
    with open(layout) as f:
        if out != f.read():
            raise Failed('--layout-write - differs from the file:\n%s' % out)

    out = c.run('--layout-check', lspci, layout, '--vpasid', 'end', '--quirks', '/dev/null')
    c.has(out, 'compatible')
    c.run('--layout-check', layout, layout)
    # the destination puts its PASID capability first-fit: a difference
    out = c.run('--layout-check', lspci, layout, '--vpasid', 'first-fit', '--quirks', '/dev/null',
                rc=1)
    c.has(out, 'ext 0x1b (PASID): 0x160+0x8 here, 0xff8+0x8 there')
    doc = json.loads(c.run('--layout-check', lspci, layout, '--vpasid', 'first-fit', '--json',
                           '--quirks', '/dev/null', rc=1))
    if doc['compatible'] is not False or \
            doc['differences'] != ['ext 0x1b (PASID): 0x160+0x8 here, 0xff8+0x8 there']:
        raise Failed('json %r' % doc)
    doc = json.loads(c.run('--layout-check', layout, layout, '--json'))
    if doc != {'a': 'layout file ' + layout, 'b': 'layout file ' + layout, 'compatible': True,
               'differences': []}:
        raise Failed('json %r' % doc)
    # a destination whose PRI moved from 0x150 to 0x160
    moved = bytearray(4096)
    with open(lspci) as f:
        for line in f:
            off, sep, rest = line.partition(': ')
            if sep and all(ch in '0123456789abcdef' for ch in off):
                moved[int(off, 16):int(off, 16) + 16] = bytes.fromhex(rest)
    hdr = struct.unpack_from('<I', moved, 0x148)[0]
    struct.pack_into('<I', moved, 0x148, (hdr & 0xfffff) | 0x160 << 20)
    struct.pack_into('<I', moved, 0x160, struct.unpack_from('<I', moved, 0x150)[0])
    struct.pack_into('<I', moved, 0x150, 0)
    dst = os.path.join(c.tmp.name, 'moved.bin')
    with open(dst, 'wb') as f:
        f.write(moved)
    out = c.run('--layout-check', layout, dst, '--vpasid', 'end', '--quirks', '/dev/null', rc=1)
    c.has(out, 'ext 0x13 (Page Request Interface): 0x150+0x10 here, 0x160+0x10 there')

    # errors: exit 2, naming the object, the step and the fix
    out = c.run('--layout-check', lspci, os.path.join(DATA, 'bad-layout.json'), rc=2)
    c.has(out, 'bad-layout.json: read the layout file: layout file line 7 column 42: '
          "expected ','", 'write format 1 (doc/pcicfg.md)')
    out = c.run('--layout-check', lspci, os.path.join(c.tmp.name, 'nothere.json'), rc=2)
    c.has(out, 'nothere.json: not a PCI address', 'No such file or directory')
    build_map_tree(c)
    out = c.run_fake('--layout-check', '3b:00.6', layout, rc=2)
    c.has(out, '0000:3b:00.6: read its config space: no such PCI function')
    out = c.run_fake('--layout-check', '3b:00.9', layout, rc=2)
    c.has(out, 'pdk-devbind: PCI address "3b:00.9": function number beyond 7',
          'write DDDD:BB:DD.F', '(and no file has that name)')
    out = c.run_fake('--layout-check', '3b:00.0', layout, '--quirks', '/dev/null', rc=1)
    c.has(out, 'fffe:0001')
    out = c.run('--layout-check', lspci, rc=2)
    c.has(out, '--layout-check takes two sides')
    out = c.run('--layout-write', lspci, rc=2)
    c.has(out, '--layout-write takes')
    out = c.run('--layout-check', lspci, layout, '--vpasid', 'user', rc=2)
    c.has(out, '--vpasid user needs --vpasid-offset OFF')
    out = c.run('--layout-check', lspci, layout, '--vpasid', 'middle', rc=2)
    c.has(out, '--vpasid middle: not a policy')
    out = c.run('--layout-check', lspci, layout, '--vpasid-offset', '0x1000', rc=2)
    c.has(out, '--vpasid-offset 0x1000: not an offset')
    out = c.run('--layout-check', lspci, layout, '--vpasid', 'user', '--vpasid-offset', '0x204',
                '--quirks', os.path.join(DATA, '..', '..', 'lib', 'pcicfg', 'quirks.txt'), rc=2)
    c.has(out, 'place the virtual PASID capability (--vpasid user)', 'overlap hidden 0x200+0x40',
          'do: choose another policy')
    out = c.run('--layout-write', lspci, os.path.join(c.tmp.name, 'no', 'dir.json'), rc=1)
    c.has(out, 'dir.json: open the layout file for writing: No such file or directory')
    c.has(c.run('--help'), '--layout-check', '0 compatible, 1 different, 2 error')


def sim_devbind_map(c):
    """--sim --map: the SIMULATED functions' GET_HW_INFO and VFIO views beside the map."""
    out = c.run('--sim', '--map', '00:04.0', '--quirks', '/dev/null')
    c.has(out, '*** SIMULATED device', '*** SIMULATED: nothing above is hardware ***',
          "Config space of 0000:00:04.0 '5044:0001'",
          "read from: sysfs /sys/bus/pci/devices/0000:00:04.0/config, all 4096 bytes")
    c.has(section(out, 'Capabilities'), 'std   0x0010 PCI Express', 'std   0x0011 MSI-X')
    facts = section(out, 'PASID facts')
    c.has(facts, 'iommu:    present: VT-d, max_pasid_log2 20, PASID exec no, priv no '
          '[IOMMU_GET_HW_INFO dev_id', 'vfio:     absent [VFIO config region of 0000:00:04.0]',
          'vfio-pci hides the PASID capability (drivers/vfio/pci/vfio_pci_config.c')
    c.has(section(out, 'Virtual PASID capability'), 'physical   0x100', 'end        0xff8',
          'first-fit  0x108')

    out = c.run('--sim', '--map', '00:07.0', '--quirks', '/dev/null')
    c.has(section(out, 'PASID facts'), 'iommu:    absent: VT-d, max_pasid_log2 0',
          'out_max_pasid_log2 0')
    doc = json.loads(c.run('--sim', '--map', '6a:01.0', '--json', '--quirks', '/dev/null'))
    i = doc['pasid']['iommu']
    if doc['simulated'] is not True or i['max_pasid_log2'] != 20 or i['pasid_priv'] is not True \
            or doc['pasid']['vfio']['state'] != 'absent':
        raise Failed('6a:01.0 %r' % doc['pasid'])

    # the simulated sysfs serves config: the map needs no VFIO view, whose facts then say why not
    out = c.run('--sim', '--map', '00:04.0', '--no-probe')
    c.has(out, 'read from: sysfs /sys/bus/pci/devices/0000:00:04.0/config', 'not asked: --no-probe')
    out = c.run('--sim', '--map', '00:06.0')
    c.has(out, 'read from: sysfs /sys/bus/pci/devices/0000:00:06.0/config',
          'not asked: no VFIO cdev (not bound to vfio-pci)')
    out = c.run('--sim', '--map', '00:05.0')
    c.has(out, 'read from: sysfs /sys/bus/pci/devices/0000:00:05.0/config',
          'not asked: opening its VFIO cdev failed: ', 'VFIO_DEVICE_BIND_IOMMUFD')
    out = c.run('--sim', '--layout-check', '00:04.0', '00:07.0', '--quirks', '/dev/null', rc=1)
    c.has(out, '5044:0001', '5044:0002')
    c.run('--sim', '--layout-check', '00:04.0', '6a:01.0', '--quirks', '/dev/null', rc=1)


def sim_devbind_map_shapes(c):
    """--sim --map on the capability chains of bus 5e (doc/sim.md): PF, VF, holes, a loop."""
    out = c.run('--sim', '--map', '5e:00.0', '--quirks', '/dev/null')
    c.has(section(out, 'Capabilities'), 'ext   0x0001 Advanced Error Reporting           0x100  0x038',
          'ext   0x0010 SR-IOV                             0x160  0x040',
          'ext   0x001b PASID                              0x200  0x008')
    c.has(section(out, 'Findings'), 'none: the chains are well formed')
    facts = section(out, 'PASID facts')
    c.has(facts, 'vf:       no', 'physical: present at 0x200, max width 20, exec yes',
          'vfio:     absent [VFIO config region of 0000:5e:00.0]')
    c.has(section(out, 'Virtual PASID capability'), 'physical   0x200', 'first-fit  0x208')

    out = c.run('--sim', '--map', '5e:00.1', '--quirks', '/dev/null')
    # a VF: ffff in its config registers, the IDs the kernel keeps in the map
    c.has(out, "Config space of 0000:5e:00.1 '5044:0002'")
    c.has(section(out, 'Capabilities'), 'ext   0x000e Alternative Routing-ID             0x100')
    c.lacks(section(out, 'Capabilities'), 'PASID')
    facts = section(out, 'PASID facts')
    c.has(facts, 'vf:       yes', 'physical: absent', '(PF 0000:5e:00.0)',
          'pf:       present at 0x200, max width 20',
          'iommu:    present: VT-d, max_pasid_log2 20, PASID exec yes')
    doc = json.loads(c.run('--sim', '--map', '5e:00.1', '--json', '--quirks', '/dev/null'))
    p = doc['pasid']
    if p['vf'] is not True or p['pf'] != '0000:5e:00.0' or \
            p['pf_cap']['state'] != 'present' or p['physical']['state'] != 'absent':
        raise Failed('5e:00.1 %r' % p)

    out = c.run('--sim', '--map', '5e:00.2', '--quirks', '/dev/null')
    c.has(section(out, 'Free ranges'), '0x300  0x020  PDK\'s free-space DVSEC (a proposal')
    c.has(section(out, 'Virtual PASID capability'), 'dvsec      0x300',
          # the register at 0xffc is in a hole: nothing in config space says so
          'end        0xff8')

    out = c.run('--sim', '--map', '5e:00.3', '--quirks', '/dev/null')
    c.has(section(out, 'Findings'),
          'LOOP at 0x140: extended chain: next pointer of 0x140 goes back to 0x100')


CASES = {f.__name__: f for f in (devbind_status_fake, devbind_status_no_iommu,
                                 devbind_status_json_fake, devbind_bind_fake,
                                 devbind_bind_refused_fake, devbind_bad_input,
                                 devbind_in_use_status, devbind_in_use_bind_refused,
                                 devbind_in_use_unknown, devbind_text_json_agree,
                                 sim_devbind_status, devbind_map_fake, devbind_map_json_fake,
                                 devbind_map_file, devbind_layout_check, sim_devbind_map,
                                 sim_devbind_map_shapes)}


def main():
    if len(sys.argv) == 2 and sys.argv[1] == '--list':
        print('\n'.join(CASES))
        return 0
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print('usage: devbind_test.py PDK_DEVBIND CASE (%s)' % ', '.join(CASES),
              file=sys.stderr)
        return 2
    c = Case(sys.argv[1])
    try:
        CASES[sys.argv[2]](c)
    except Failed as e:
        print('FAIL %s: %s' % (sys.argv[2], e))
        return 1
    finally:
        c.tmp.cleanup()
    print('ok %s' % sys.argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main())
