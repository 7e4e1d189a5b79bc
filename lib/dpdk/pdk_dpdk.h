/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DPDK_H
#define PDK_DPDK_H

/**
 * @file
 * PDK with DPDK's EAL: DPDK's memory in a PDK address space. The one part of
 * PDK that needs DPDK, so it is its own library (libpdk_dpdk): libpdk itself
 * links no DPDK. This header includes none either.
 */

#include "pdk_dma.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/**
 * Map every memory segment DPDK has reserved (requires rte_eal_init()):
 * one mapping per VA-contiguous chunk (rte_memseg_contig_walk()).
 *
 * Only the memory present at the call is mapped, so reserve it up front
 * (-m / --socket-mem, or --legacy-mem): memory DPDK allocates later is not
 * mapped, and memory DPDK gives back while mapped stays pinned to the old
 * pages. External memory (rte_extmem_register(), heaps added with
 * rte_malloc_heap_memory_add()) is skipped: map it with pdk_dma_map().
 * @param as  the address space
 * @param perm  PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE
 * @return the number of chunks mapped, -ENODEV before rte_eal_init(),
 *   -EEXIST if some of it is already mapped here, or -errno (everything
 *   this call mapped is undone on failure).
 */
int pdk_dpdk_mem_map(struct pdk_dma_as *as, unsigned int perm);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DPDK_H */
