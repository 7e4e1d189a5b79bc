#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The PDK authors
"""lib/pcicfg on the real PCI functions of THIS machine, which nobody here made.

For every /sys/bus/pci/devices/ADDR (read only: nothing is bound, written or
reset), three views of the same config space must agree:

  - lib/pcicfg's map of sysfs `config` (pcicfg-dump sysfs ADDR);
  - lib/pcicfg's map of `lspci -xxxx -s ADDR` text (pcicfg-dump lspci FILE,
    pdk_pcicfg_parse_lspci()): the same bytes, the same capabilities;
  - `lspci -vvv -s ADDR`'s capability lines ("Capabilities: [40] ..." and
    "[100 v1] ..."): the same offsets, in chain order, and the same IDs,
    read from lspci's words through NAMES below.

Exit 0 when all agree, 1 on a mismatch (each printed), 77 (meson's skip)
with the reason when lspci is missing or no function is readable.
"""

import os
import re
import subprocess
import sys
import tempfile

SYSFS = '/sys/bus/pci/devices'

# The capability names lspci prints (pciutils' ls-caps.c and ls-ecaps.c;
# checked against the strings of lspci 3.9.0), each a prefix of the text
# after "Capabilities: [OFF] ", with the ID that include/uapi/linux/pci_regs.h
# names (PCI_CAP_ID_* for the standard space, PCI_EXT_CAP_ID_* for the
# extended one). lspci prints an ID it has no name for as "#xx" (standard)
# or "Extended Capability ID 0x.." (extended): decoded from the text.
STD_NAMES = [
    ('Power Management version', 0x01),     # PCI_CAP_ID_PM
    ('AGP version', 0x02),                  # PCI_CAP_ID_AGP
    ('Vital Product Data', 0x03),           # PCI_CAP_ID_VPD
    ('Slot ID', 0x04),                      # PCI_CAP_ID_SLOTID
    ('MSI: ', 0x05),                        # PCI_CAP_ID_MSI
    ('CompactPCI hot-swap', 0x06),          # PCI_CAP_ID_CHSWP
    ('PCI-X ', 0x07),                       # PCI_CAP_ID_PCIX
    ('HyperTransport', 0x08),               # PCI_CAP_ID_HT
    ('Vendor Specific Information', 0x09),  # PCI_CAP_ID_VNDR
    ('Debug port', 0x0a),                   # PCI_CAP_ID_DBG
    ('CompactPCI central resource control', 0x0b),  # PCI_CAP_ID_CCRC
    ('Hot-plug capable', 0x0c),             # PCI_CAP_ID_SHPC
    ('Subsystem: ', 0x0d),                  # PCI_CAP_ID_SSVID
    ('AGP3', 0x0e),                         # PCI_CAP_ID_AGP3
    ('Express ', 0x10),                     # PCI_CAP_ID_EXP
    ('MSI-X: ', 0x11),                      # PCI_CAP_ID_MSIX
    ('SATA HBA', 0x12),                     # PCI_CAP_ID_SATA
    ('PCI Advanced Features', 0x13),        # PCI_CAP_ID_AF
    ('Enhanced Allocation (EA)', 0x14),     # PCI_CAP_ID_EA
]
EXT_NAMES = [
    ('Null', 0x0000),
    ('Advanced Error Reporting', 0x0001),   # PCI_EXT_CAP_ID_ERR
    ('Virtual Channel', 0x0002),            # PCI_EXT_CAP_ID_VC (VC9, 0x0009, prints the same)
    ('Device Serial Number', 0x0003),       # PCI_EXT_CAP_ID_DSN
    ('Power Budgeting', 0x0004),            # PCI_EXT_CAP_ID_PWR
    ('Root Complex Link', 0x0005),          # PCI_EXT_CAP_ID_RCLD
    ('Root Complex Internal Link', 0x0006),  # PCI_EXT_CAP_ID_RCILC
    ('Root Complex Event Collector Endpoint Association', 0x0007),  # PCI_EXT_CAP_ID_RCEC
    ('Multi-Function Virtual Channel', 0x0008),  # PCI_EXT_CAP_ID_MFVC
    ('Root Complex Register Block', 0x000a),  # PCI_EXT_CAP_ID_RCRB
    ('Vendor Specific Information', 0x000b),  # PCI_EXT_CAP_ID_VNDR
    ('Access Control Services', 0x000d),    # PCI_EXT_CAP_ID_ACS
    ('Alternative Routing-ID Interpretation (ARI)', 0x000e),  # PCI_EXT_CAP_ID_ARI
    ('Address Translation Service (ATS)', 0x000f),  # PCI_EXT_CAP_ID_ATS
    ('Single Root I/O Virtualization (SR-IOV)', 0x0010),  # PCI_EXT_CAP_ID_SRIOV
    ('Multi-Root I/O Virtualization', 0x0011),  # PCI_EXT_CAP_ID_MRIOV
    ('Multicast', 0x0012),                  # PCI_EXT_CAP_ID_MCAST
    ('Page Request Interface (PRI)', 0x0013),  # PCI_EXT_CAP_ID_PRI
    ('Dynamic Power Allocation', 0x0016),   # PCI_EXT_CAP_ID_DPA
    ('Transaction Processing Hints', 0x0017),  # PCI_EXT_CAP_ID_TPH
    ('Latency Tolerance Reporting', 0x0018),  # PCI_EXT_CAP_ID_LTR
    ('Secondary PCI Express', 0x0019),      # PCI_EXT_CAP_ID_SECPCI
    ('Process Address Space ID (PASID)', 0x001b),  # PCI_EXT_CAP_ID_PASID
    ('Downstream Port Containment', 0x001d),  # PCI_EXT_CAP_ID_DPC
    ('L1 PM Substates', 0x001e),            # PCI_EXT_CAP_ID_L1SS
    ('Precision Time Measurement', 0x001f),  # PCI_EXT_CAP_ID_PTM
    ('PCI Express over M_PHY', 0x0020),     # PCI_EXT_CAP_ID_MPHY
    ('Readiness Time Reporting', 0x0022),   # PCI_EXT_CAP_ID_RTR (pci_regs.h: not named in 6.1)
    ('Designated Vendor-Specific', 0x0023),  # PCI_EXT_CAP_ID_DVSEC
    ('Data Link Feature', 0x0025),          # PCI_EXT_CAP_ID_DLF
    ('Physical Layer 16.0 GT/s', 0x0026),   # PCI_EXT_CAP_ID_PL_16GT
    ('Lane Margining at the Receiver', 0x0027),  # PCI_EXT_CAP_ID_LMR (6.1: not named)
    ('Hierarchy ID', 0x0028),
    ('Data Object Exchange', 0x002e),       # PCI_EXT_CAP_ID_DOE
]
# Resizable BAR: "Physical Resizable BAR" (0x0015, PCI_EXT_CAP_ID_REBAR) or
# "Virtual Resizable BAR" (0x0024, PCI_EXT_CAP_ID_VF_REBAR): "%s Resizable BAR".
REBAR = {'Physical': 0x0015, 'Virtual': 0x0024}

CAP_LINE = re.compile(r'^\tCapabilities: \[([0-9a-f]+)(?: v(\d+))?\] (.*)$')


def lspci_id(ext, text):
    """The capability ID lspci's words name, or None."""
    m = re.match(r'#([0-9a-f]{2})', text)
    if not ext and m:
        return int(m.group(1), 16)
    m = re.match(r'Extended Capability ID (0x[0-9a-f]+)', text)
    if ext and m:
        return int(m.group(1), 16)
    m = re.match(r'(Physical|Virtual) Resizable BAR', text)
    if ext and m:
        return REBAR[m.group(1)]
    best = None
    for name, cid in EXT_NAMES if ext else STD_NAMES:
        # the longest matching name wins ("Root Complex Link" vs "... Internal Link")
        if text.startswith(name) and (best is None or len(name) > len(best[0])):
            best = (name, cid)
    return best[1] if best else None


def lspci_caps(text):
    """(ext, offset, version, words) per capability line of lspci -vvv, in order."""
    caps, denied = [], False
    for line in text.splitlines():
        if line.startswith('\tCapabilities: <access denied>'):
            denied = True
            continue
        m = CAP_LINE.match(line)
        if m:
            ext = m.group(2) is not None
            caps.append((ext, int(m.group(1), 16), int(m.group(2) or 0), m.group(3)))
    return caps, denied


def run(*args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)


def dump(exe, *args):
    p = run(exe, *args)
    if p.returncode != 0:
        raise RuntimeError('pcicfg-dump %s: %s' % (' '.join(args), p.stderr.strip()))
    out = {'caps': [], 'findings': [], 'bytes': ''}
    for line in p.stdout.splitlines():
        k, _, rest = line.partition(' ')
        if k == 'size':
            out['size'] = int(rest)
        elif k == 'ids':
            out['ids'] = rest
        elif k == 'cap':
            sp, off, cid, ver, ln = rest.split()
            out['caps'].append((sp == 'ext', int(off, 16), int(cid, 16), int(ver), int(ln)))
        elif k == 'finding':
            out['findings'].append(rest)
        elif k == 'bytes':
            out['bytes'] = rest
    return out


def check(exe, addr, tmp, problems):
    """Compare the three views of @addr; append each disagreement to @problems."""
    def bad(msg):
        problems.append('%s: %s' % (addr, msg))

    sysfs = dump(exe, 'sysfs', addr)
    x = run('lspci', '-xxxx', '-s', addr)
    v = run('lspci', '-vvv', '-s', addr)
    if x.returncode != 0 or v.returncode != 0 or not x.stdout.strip():
        bad('lspci failed: %s%s' % (x.stderr.strip(), v.stderr.strip()))
        return None
    path = os.path.join(tmp, addr.replace(':', '_') + '.lspci')
    with open(path, 'w') as f:
        f.write(x.stdout)
    text = dump(exe, 'lspci', path)

    # 1. the bytes: sysfs config and lspci -xxxx, both through lib/pcicfg
    if sysfs['size'] != text['size']:
        bad('sysfs config gives %d bytes, lspci -xxxx %d' % (sysfs['size'], text['size']))
    n = min(len(sysfs['bytes']), len(text['bytes']))
    if sysfs['bytes'][:n] != text['bytes'][:n]:
        first = next(i for i in range(0, n, 2) if sysfs['bytes'][i:i + 2] != text['bytes'][i:i + 2])
        bad('the bytes differ first at 0x%x: sysfs %s, lspci %s' %
            (first // 2, sysfs['bytes'][first:first + 8], text['bytes'][first:first + 8]))
    if sysfs['caps'] != text['caps']:
        bad('the maps differ: sysfs %r, lspci text %r' % (sysfs['caps'], text['caps']))

    # 2. the capabilities: lib/pcicfg's map and lspci -vvv's lines
    lcaps, denied = lspci_caps(v.stdout)
    if denied:
        if sysfs['caps'] or not any(f.startswith('TRUNCATED') for f in sysfs['findings']):
            bad('lspci could not read the capabilities, the map has %r, findings %r' %
                (sysfs['caps'], sysfs['findings']))
    mine = [(e, o, i) for e, o, i, _, _ in sysfs['caps']]
    theirs = []
    for ext, off, ver, words in lcaps:
        cid = lspci_id(ext, words)
        if cid is None:
            bad('lspci names a capability this test does not map: [%x] %s (add it to %s)' %
                (off, words, 'EXT_NAMES' if ext else 'STD_NAMES'))
            return None
        theirs.append((ext, off, cid))
        vmine = [c[3] for c in sysfs['caps'] if c[0] == ext and c[1] == off]
        if ext and vmine and vmine[0] != ver:
            bad('ext capability at 0x%x: version %d in the map, v%d in lspci' % (off, vmine[0], ver))
    if mine != theirs:
        bad('capabilities differ: lib/pcicfg %s, lspci -vvv %s' %
            ([('ext' if e else 'std', hex(o), hex(i)) for e, o, i in mine],
             [('ext' if e else 'std', hex(o), hex(i)) for e, o, i in theirs]))
    # a broken chain: lspci says so (<chain looped>, <chain broken>) when the map has a finding
    lspci_broken = '<chain looped>' in v.stdout or '<chain broken>' in v.stdout
    chain = [f for f in sysfs['findings'] if f.split()[0] in ('LOOP', 'BOUNDS', 'BAD_HEADER')]
    if lspci_broken != bool(chain):
        bad('chain findings %r, lspci %s' % (chain, 'reports a broken chain' if lspci_broken
                                              else 'walks the chain to its end'))
    return sysfs, theirs


def main():
    if len(sys.argv) != 2:
        print('usage: pcicfg_real_test.py PCICFG_DUMP', file=sys.stderr)
        return 2
    exe = sys.argv[1]
    if run('sh', '-c', 'command -v lspci').returncode != 0:
        print('SKIP: lspci is not installed (the package pciutils; test/pdk.sh installs it)')
        return 77
    try:
        addrs = sorted(os.listdir(SYSFS))
    except OSError as e:
        print('SKIP: %s is not readable: %s' % (SYSFS, e))
        return 77
    readable = [a for a in addrs if os.access(os.path.join(SYSFS, a, 'config'), os.R_OK)]
    if not readable:
        print('SKIP: this machine has no readable PCI function (%d in %s)' % (len(addrs), SYSFS))
        return 77
    problems = []
    with tempfile.TemporaryDirectory(prefix='pcicfg-real-') as tmp:
        for addr in readable:
            before = len(problems)
            r = check(exe, addr, tmp, problems)
            if r is None or len(problems) > before:
                continue
            sysfs, caps = r
            print('agree %s %s: %d bytes, %d std + %d ext capabilities %s%s' % (
                addr, sysfs['ids'], sysfs['size'], sum(1 for c in caps if not c[0]),
                sum(1 for c in caps if c[0]),
                ' '.join('%s@0x%x' % (hex(i), o) for _, o, i in caps),
                (', findings: %s' % '; '.join(sysfs['findings'])) if sysfs['findings'] else ''))
    for p in problems:
        print('MISMATCH ' + p)
    print('%d functions compared with lspci, %d mismatches' % (len(readable), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
