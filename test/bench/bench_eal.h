/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef BENCH_EAL_H
#define BENCH_EAL_H

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

#endif /* BENCH_EAL_H */
