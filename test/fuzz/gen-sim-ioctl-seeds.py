#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Writes corpus/sim_ioctl/: each iommufd and VFIO ioctl with a valid struct,
# in fuzz_sim_ioctl.c's input format (see there), alone and in the order a
# driver uses them. Ids are the sim's first ones (dev 1, IOAS 2, HWPT 3).
import os
import struct

IDX = {n: i for i, n in enumerate([
    'DESTROY', 'IOAS_ALLOC', 'ALLOW_IOVAS', 'IOVA_RANGES', 'MAP', 'MAP_FILE', 'UNMAP',
    'HWPT_ALLOC', 'GET_HW_INFO', 'FAULT_QUEUE_ALLOC', 'BIND', 'ATTACH', 'DETACH',
    'GET_INFO', 'REGION_INFO', 'IRQ_INFO', 'SET_IRQS', 'FEATURE', 'RESET'])}
RAW = len(IDX)
FD = 0x10       # put the iommufd's fd number in the fd field
PTR = 0x04      # pointers to a buffer of the claimed length


def call(name, body=b'', flags=0, extra=b''):
    return bytes([IDX[name], flags]) + b'\0\0' + body + extra


def u32(*v):
    return struct.pack('<%dI' % len(v), *v)


def u64(*v):
    return struct.pack('<%dQ' % len(v), *v)


bind = call('BIND', u32(16, 0, 0, 0), FD)
ioas = call('IOAS_ALLOC', u32(12, 0, 0))
hwpt = call('HWPT_ALLOC', u32(48, 0, 1, 2, 0, 0, 0, 0) + u64(0) + u32(0, 0))
hwpt_pasid = call('HWPT_ALLOC', u32(48, 8, 1, 2, 0, 0, 0, 0) + u64(0) + u32(0, 0))
attach = call('ATTACH', u32(16, 0, 3, 0))
attach_pasid = call('ATTACH', u32(16, 1, 3, 5))
detach = call('DETACH', u32(12, 0, 0))
detach_pasid = call('DETACH', u32(12, 1, 5))
mapc = call('MAP', u32(40, 7, 2, 0) + u64(0x1000, 0x1000, 0x100000), PTR)
unmap = call('UNMAP', u32(24, 2) + u64(0x100000, 0x1000))
ranges = call('IOVA_RANGES', u32(32, 2, 4, 0) + u64(0, 0), PTR)
allow = call('ALLOW_IOVAS', u32(24, 2, 1, 0) + u64(0), PTR, u64(0x100000, 0x1fffff))
hwinfo = call('GET_HW_INFO', u32(32, 0, 1, 16) + u64(0) + u32(0, 0) + u64(0), PTR, bytes(16))
faultq = call('FAULT_QUEUE_ALLOC', u32(16, 0, 0, 0))
destroy = call('DESTROY', u32(8, 3))
mapfile = call('MAP_FILE', u32(40, 7, 2, 0) + u64(0, 0x1000, 0), FD)
info = call('GET_INFO', u32(24, 0, 0, 0, 0, 0))
region = call('REGION_INFO', u32(32, 0, 0, 0) + u64(0, 0))
irq = call('IRQ_INFO', u32(16, 0, 2, 0))
setirq = call('SET_IRQS', u32(24, 0x24, 2, 0, 1) + u32(1), FD)
feature = call('FEATURE', u32(16, 0) + bytes(64))
reset = call('RESET')
raw = bytes([RAW, 0]) + u32(0x3b7f) + b'\0\0' + bytes(16)

seeds = {
    'bind': bind, 'ioas-alloc': bind + ioas, 'hwpt-alloc': bind + ioas + hwpt,
    'attach-rid': bind + ioas + hwpt + attach + detach + destroy,
    'attach-pasid': bind + ioas + hwpt_pasid + attach_pasid + detach_pasid + destroy,
    'map-unmap': ioas + mapc + unmap, 'iova-ranges': ioas + ranges,
    'allow-iovas': ioas + allow + ranges, 'hw-info': bind + hwinfo,
    'fault-queue': faultq, 'destroy': ioas + call('DESTROY', u32(8, 1)),
    'map-file': ioas + mapfile, 'vfio-info': bind + info + region + irq,
    'set-irqs': bind + setirq, 'feature': bind + feature, 'reset': bind + reset,
    'raw': raw, 'unbound': info + attach,
    'flow': bind + ioas + mapc + hwpt_pasid + attach_pasid + ranges + detach_pasid + destroy,
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'corpus', 'sim_ioctl')
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)
