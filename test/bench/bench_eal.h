/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef BENCH_EAL_H
#define BENCH_EAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

/*
 * DPDK's EAL for the benchmarks that run DPDK's dma_skeleton beside PDK
 * (pdk-bench-dma, pdk-bench-fastpath): the user's EAL options when argv[1]
 * is not "--", else a default that needs no hugepages, no PCI device and no
 * root, and runs beside another DPDK process (--no-shconf: no shared config
 * files): --no-huge --no-pci --iova-mode=va --vdev=dma_skeleton with the
 * librte_dma_skeleton plugin. The benchmark's own options follow "--".
 * @return 0, or -1 with the reason on stderr.
 */
int bench_eal_init(int argc, char **argv);

/* The dev_id of DPDK's dma_skeleton vdev, or -1 with the reason on stderr. */
int bench_eal_skeleton(void);

/*
 * DPDK's side of a benchmark: the dma_skeleton configured with one
 * mem-to-mem vchan of @p nb_desc descriptors and started, and @p mem_len
 * bytes of rte_malloc memory (page aligned, filled with 0x5a) for its
 * buffers, with their IOVA. @p has_fill (may be NULL): whether the device
 * offers fill.
 * @return 0, -ENODEV (no skeleton), -ENOMEM, or -EIO (configuration failed).
 */
int bench_eal_skeleton_open(size_t mem_len, uint16_t nb_desc, int16_t *dev_id, uint8_t **mem,
			    rte_iova_t *iova, bool *has_fill);

/* Stop and close what bench_eal_skeleton_open() opened (@p dev_id < 0: none), free @p mem. */
void bench_eal_skeleton_close(int16_t dev_id, void *mem);

#endif /* BENCH_EAL_H */
