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

/* The VA table (dma_vat.c): a radix tree over 48-bit VAs, 9 bits a level */
#define DMA_VAT_BITS 9
#define DMA_VAT_N (1u << DMA_VAT_BITS)
#define DMA_VAT_TOP_SHIFT 39
#define DMA_VAT_LEAF_SHIFT 12
#define DMA_VAT_VA_END (1ull << 48)
/*
 * An entry: 0, a leaf (IOVA - VA, page aligned, | LEAF | its extent) or a
 * table (its pointer | TABLE). A leaf's extent, in the bits the page
 * alignment leaves free, says which of the block's 512 children it covers:
 * [bound, 512), or [0, bound) with LOW; 0 is the whole block.
 */
#define DMA_VAT_TAG_LEAF 1u
#define DMA_VAT_TAG_TABLE 2u
#define DMA_VAT_LEAF_LOW 4u
#define DMA_VAT_BOUND_SHIFT 3
#define DMA_VAT_EXTENT_MASK 0xffcu
#define DMA_VAT_FLAGS_MASK 0xfffu

/* The children [*lo, *hi) of its block that leaf @p e covers. */
static inline void
dma_vat_leaf_extent(uint64_t e, unsigned int *lo, unsigned int *hi)
{
	unsigned int bound = (unsigned int)(e >> DMA_VAT_BOUND_SHIFT) & (DMA_VAT_N - 1);

	*lo = (e & DMA_VAT_LEAF_LOW) ? 0 : bound;
	*hi = (e & DMA_VAT_LEAF_LOW) ? bound : DMA_VAT_N;
}

struct dma_vat_table {
	uint64_t e[DMA_VAT_N];
	unsigned int used;	/* non-zero entries: the table is freed at 0 */
};

struct pdk_dma_as {
	/* read by pdk_dma_va2iova() on the data path: keep together, first */
	/* nmaps > 0 and every mapping has IOVA == VA: translation is the identity */
	bool identity;
	/*
	 * The VA table holds every mapping from the first one at IOVA != VA
	 * until the space is empty again, and nothing before: a map or unmap
	 * of a space that has always been identity costs no table entries.
	 */
	bool vat_live;
	struct dma_vat_table *vat;
	unsigned int vat_far;	/* mappings above the VA table's reach */
	struct pdk_spares vat_spares;	/* emptied tables kept for reuse (dma_vat.c) */
	struct dma_mapping *maps;
	unsigned int nmaps;

	unsigned int nonident;	/* mappings with IOVA != VA */
	/* a HWPT came or went since the ranges were read: re-read them before a map */
	bool ranges_stale;
	enum pdk_dma_iova_mode mode;
	unsigned int maps_cap;
	struct pdk_iommufd *ictx;
	struct pdk_hold ictx_hold;	/* the context cannot close under the IOAS id */
	uint32_t ioas_id;
	struct pdk_iova *iova;
	struct dma_hwpt *hwpts;
	unsigned int nhwpts;
	unsigned int hwpts_cap;
	/* I/O page faults (dma_fault.c): a queue once a HWPT needs it */
	pdk_dma_fault_cb fault_cb;
	void *fault_arg;
	int fault_fd;		/* -1: no queue yet */
	struct pdk_dma_fault_stats fault_st;
	uint32_t fault_id;
	struct {
		uintptr_t va;
		uint64_t len;	/* 0: no region */
		uint64_t iova;
		unsigned int perm;
		unsigned int ahead;	/* pages prefaulted after the faulting one */
	} fault_region;
	char name[DMA_AS_NAMESIZE];
	char label[DMA_AS_NAMESIZE + 16];	/* "address space 'NAME'", the object of its log lines */
};

/* The fix of a NULL address space. */
#define DMA_FIX_AS "pass one from pdk_dma_as_create()"

/* Free the VA table (root, tables, spares). */
PDK_INTERNAL void dma_vat_fini(struct pdk_dma_as *as);
/* Enter a mapping into the VA table: 0 or -ENOMEM (nothing entered). */
PDK_INTERNAL int dma_vat_insert(struct pdk_dma_as *as, uintptr_t va, uint64_t len,
				uint64_t iova);
/* Take a mapping out of the VA table (never fails, never allocates). */
PDK_INTERNAL void dma_vat_remove(struct pdk_dma_as *as, uintptr_t va, uint64_t len);
PDK_INTERNAL void dma_vat_clear_all(struct pdk_dma_as *as);
/*
 * Enter every mapping of the table, allocating the root on first use: 0, or
 * -ENOMEM (the VA table is then empty).
 */
PDK_INTERNAL int dma_vat_build(struct pdk_dma_as *as);

/*
 * Re-read the usable ranges if a HWPT came or went since (the next map
 * needs them; PASID set-up does not). 0 or the logged -errno of
 * pdk_dma_as_refresh_ranges().
 */
PDK_INTERNAL int dma_as_ranges_sync(struct pdk_dma_as *as);

/* Empty the mapping table and give every IOVA back, after the IOAS was emptied. */
PDK_INTERNAL void dma_as_forget_mappings(struct pdk_dma_as *as);

/* Create the space's fault queue if it has none yet: 0 or the -errno lib/iommufd logged. */
PDK_INTERNAL int dma_fault_queue_open(struct pdk_dma_as *as);

/*
 * The HWPT flags and fault id for a new HWPT of the space, creating its
 * fault queue on first need: 0 or the -errno lib/iommufd logged. Inline:
 * a space without a fault handler (the common case) costs a test.
 */
static inline int
dma_fault_hwpt_flags(struct pdk_dma_as *as, uint32_t *flags, uint32_t *fault_id)
{
	int rc;

	*flags = PDK_IOMMUFD_HWPT_PASID;
	*fault_id = 0;
	if (as->fault_cb == NULL)
		return 0;
	rc = dma_fault_queue_open(as);
	if (rc < 0)
		return rc;
	*flags |= PDK_IOMMUFD_HWPT_FAULT;
	*fault_id = as->fault_id;
	return 0;
}

/* Close the fault queue, after the last HWPT went: 0 or -errno (logged). */
PDK_INTERNAL int dma_fault_fini(struct pdk_dma_as *as);

#endif /* PDK_DMA_PRIVATE_H */
