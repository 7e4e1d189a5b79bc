/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* pdk-bench-ctl's parts: the raw map ioctls both modes time, the type1 mode. */

#ifndef PDK_BENCH_CTL_H
#define PDK_BENCH_CTL_H

#include <stdint.h>

struct pdk_sim;
struct pdk_sys;

/* IOMMU_IOAS_MAP at a fixed IOVA, read + write: exactly the ioctl. */
int bench_ioas_map(struct pdk_sys *sys, int ifd, uint32_t ioas, void *va, uint64_t len,
		   uint64_t iova);

/* IOMMU_IOAS_UNMAP of [@p iova, + @p len). */
int bench_ioas_unmap(struct pdk_sys *sys, int ifd, uint32_t ioas, uint64_t iova, uint64_t len);

/*
 * The type1 mode (pdk-bench-ctl --type1): map and unmap of the same
 * buffers through PDK (pdk_dma_map), raw IOMMU_IOAS_MAP on the same IOAS
 * (attached to one device through its VFIO cdev) and VFIO_IOMMU_MAP_DMA on
 * a type1v2 container holding a second device's group, interleaved; sizes
 * up to @p max_len, 4 KiB and (where hugetlbfs has pages) 2 MiB pages.
 * @p sim: the sim, which gets a second function for the group (NULL: the
 * real kernel of @p sys, whose two edu devices are used). Exits on failure.
 */
void bench_type1(struct pdk_sys *sys, struct pdk_sim *sim, unsigned int iters, uint64_t max_len);

#endif /* PDK_BENCH_CTL_H */
