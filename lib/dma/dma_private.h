/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMA_PRIVATE_H
#define PDK_DMA_PRIVATE_H

/*
 * The address space object, shared by the files of lib/dma (not installed).
 */

#include <stdbool.h>
#include <stdint.h>

#include "iova.h"
#include "pdk_dma.h"
#include "pdk_internal.h"

#define DMA_PAGE_SIZE 4096u
#define DMA_AS_NAMESIZE 64

/* One mapping; the table is sorted by va and the va ranges never overlap. */
struct dma_mapping {
	uintptr_t va;
	uint64_t len;
	uint64_t iova;
};

/* One PASID-compatible HWPT of the IOAS for one device. */
struct dma_hwpt {
	uint32_t dev_id;
	uint32_t hwpt_id;
	/*
	 * 0 only for a HWPT whose destroy failed at the last put (still
	 * attached somewhere): kept so that a later get reuses it and
	 * pdk_dma_as_destroy() retries the destroy.
	 */
	unsigned int refcnt;
};

struct pdk_dma_as {
	/* read by pdk_dma_va2iova() on the data path: keep together, first */
	struct dma_mapping *maps;
	unsigned int nmaps;
	/* last-hit index; written with relaxed atomics, only when it changes */
	unsigned int hint;

	unsigned int maps_cap;
	struct pdk_iommufd *ictx;
	struct pdk_hold ictx_hold;	/* the context cannot close under the IOAS id */
	uint32_t ioas_id;
	struct pdk_iova *iova;
	struct dma_hwpt *hwpts;
	unsigned int nhwpts;
	unsigned int hwpts_cap;
	char name[DMA_AS_NAMESIZE];
	char label[DMA_AS_NAMESIZE + 16];	/* "address space 'NAME'", the object of its log lines */
};

/* The fix of a NULL address space. */
#define DMA_FIX_AS "pass one from pdk_dma_as_create()"

/* Empty the mapping table and give every IOVA back, after the IOAS was emptied. */
PDK_INTERNAL void dma_as_forget_mappings(struct pdk_dma_as *as);

#endif /* PDK_DMA_PRIVATE_H */
