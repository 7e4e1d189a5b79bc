/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dma_private.h"

/*
 * The VA table: what pdk_dma_va2iova() walks. A radix tree over VA pages
 * shaped like an x86-64 page table (9 bits per level, four levels, 48-bit
 * VAs), so a lookup costs at most four dependent loads whatever the number
 * of mappings, where the sorted table's binary search grew with it.
 *
 * An entry is 0 (nothing mapped), a leaf (IOVA - VA, page aligned, with
 * bit 0 set) or a table (its pointer with bit 1 set). A leaf covers either
 * its whole block or one end of it, in whole children: [bound, 512) or
 * [0, bound), the extent in the leaf's low bits. So a mapping takes leaves
 * as high as its edges allow: a 1 GiB mapping at a 1 GiB-aligned VA is one
 * entry, a 2 MiB one at any page-aligned VA is two (the end of one 2 MiB
 * block and the start of the next), where a leaf for whole blocks only
 * took 512 page entries. A mapping inside one block with neither edge on
 * it goes a level down.
 *
 * Mappings never overlap (dma_map() refuses it first), so an entry belongs
 * to at most one mapping. When a second mapping needs a block whose entry
 * is the first one's partial leaf, that leaf is split into a table of
 * whole-child leaves first (at most 511 entries, what the first mapping
 * would have cost without partial leaves). A removal clears only leaves
 * that meet its range: those are its own.
 *
 * Mappings reaching above the 48-bit VA space (5-level paging) are not in
 * the tree: vat_far counts them, and a miss then falls back to the sorted
 * table.
 */

static uint64_t
block_size(unsigned int shift)
{
	return 1ull << shift;
}

static struct dma_vat_table *
vat_child(uint64_t e)
{
	return (struct dma_vat_table *)(uintptr_t)(e & ~(uint64_t)DMA_VAT_TAG_TABLE);
}

/*
 * Tables come from and go back to a few spares kept per space: a map/unmap
 * cycle of a mixed space would otherwise calloc and free up to three 4 KiB
 * tables each time (half of a small map's cost in the VM). A table is all
 * zero when it is emptied, so a spare needs no clearing but of the link
 * pdk_spares keeps in its entry 0.
 */
#define VAT_SPARES_MAX 16u

static struct dma_vat_table *
vat_table_get(struct pdk_dma_as *as)
{
	struct dma_vat_table *t = pdk_spares_take(&as->vat_spares, sizeof(*t));

	if (t == NULL)
		return calloc(1, sizeof(*t));
	t->e[0] = 0;
	return t;
}

static void
vat_table_put(struct pdk_dma_as *as, struct dma_vat_table *t)
{
	pdk_spares_put(&as->vat_spares, t, sizeof(*t), VAT_SPARES_MAX);
}

/*
 * The extent bits of a leaf for [s, ce) of the block [bstart, bend) at
 * @p shift, or -1 when no leaf of that block can hold it exactly (an edge
 * inside a child, or neither edge on the block's): it goes a level down.
 */
static int64_t
vat_leaf_bits(unsigned int shift, uint64_t bstart, uint64_t bend, uint64_t s, uint64_t ce)
{
	unsigned int cshift = shift - DMA_VAT_BITS;

	/* a page's block is the page: always whole (ce == bend, bound 0) */
	if (((s - bstart) | (ce - bstart)) & (block_size(cshift) - 1))
		return -1;
	if (ce == bend)
		return (int64_t)(((s - bstart) >> cshift) << DMA_VAT_BOUND_SHIFT);
	if (s == bstart)
		return (int64_t)((((ce - bstart) >> cshift) << DMA_VAT_BOUND_SHIFT) |
				 DMA_VAT_LEAF_LOW);
	return -1;
}

/*
 * Turn another mapping's leaf at @p ent (a block at @p shift) into a table
 * of whole-child leaves that translate the same: 0 or -ENOMEM (unchanged).
 * The table is published last, so the entry is never half-made.
 */
static int
vat_split(struct pdk_dma_as *as, uint64_t *ent)
{
	struct dma_vat_table *c = vat_table_get(as);
	uint64_t whole = (*ent & ~(uint64_t)DMA_VAT_FLAGS_MASK) | DMA_VAT_TAG_LEAF;
	unsigned int lo, hi, i;

	if (c == NULL)
		return -ENOMEM;
	dma_vat_leaf_extent(*ent, &lo, &hi);
	for (i = lo; i < hi; i++)
		c->e[i] = whole;
	c->used = hi - lo;
	*ent = (uint64_t)(uintptr_t)c | DMA_VAT_TAG_TABLE;
	return 0;
}

/*
 * Clear [s, e) under @p t (the block at @p shift); tables left empty go
 * back. A leaf that does not meet [s, e) is another mapping's, in a block
 * a failed insertion never reached: it stays.
 */
static void
vat_clear(struct pdk_dma_as *as, struct dma_vat_table *t, unsigned int shift, uint64_t s,
	  uint64_t e)
{
	while (s < e) {
		uint64_t bstart = s & ~(block_size(shift) - 1);
		uint64_t bend = bstart + block_size(shift);
		uint64_t ce = e < bend ? e : bend;
		uint64_t *ent = &t->e[(s >> shift) & (DMA_VAT_N - 1)];

		if (*ent & DMA_VAT_TAG_LEAF) {
			unsigned int cshift = shift - DMA_VAT_BITS, lo, hi;

			dma_vat_leaf_extent(*ent, &lo, &hi);
			if (s < bstart + ((uint64_t)hi << cshift) &&
			    ce > bstart + ((uint64_t)lo << cshift)) {
				*ent = 0;
				t->used--;
			}
		} else if (*ent != 0) {
			struct dma_vat_table *c = vat_child(*ent);

			vat_clear(as, c, shift - DMA_VAT_BITS, s, ce);
			if (c->used == 0) {
				vat_table_put(as, c);
				*ent = 0;
				t->used--;
			}
		}
		s = ce;
	}
}

/* Set [s, e) under @p t to @p leaf; -ENOMEM leaves a part set (the caller clears it). */
static int
vat_set(struct pdk_dma_as *as, struct dma_vat_table *t, unsigned int shift, uint64_t s,
	uint64_t e, uint64_t leaf)
{
	while (s < e) {
		uint64_t bstart = s & ~(block_size(shift) - 1);
		uint64_t bend = bstart + block_size(shift);
		uint64_t ce = e < bend ? e : bend;
		uint64_t *ent = &t->e[(s >> shift) & (DMA_VAT_N - 1)];
		int64_t bits;
		int rc;

		if (*ent == 0 && (bits = vat_leaf_bits(shift, bstart, bend, s, ce)) >= 0) {
			*ent = leaf | (uint64_t)bits;
			t->used++;
			s = ce;
			continue;
		}
		if (*ent == 0) {
			struct dma_vat_table *c = vat_table_get(as);

			if (c == NULL)
				return -ENOMEM;
			*ent = (uint64_t)(uintptr_t)c | DMA_VAT_TAG_TABLE;
			t->used++;
		} else if ((*ent & DMA_VAT_TAG_LEAF) && vat_split(as, ent) < 0) {
			return -ENOMEM;
		}
		rc = vat_set(as, vat_child(*ent), shift - DMA_VAT_BITS, s, ce, leaf);
		if (rc < 0)
			return rc;
		s = ce;
	}
	return 0;
}

void
dma_vat_fini(struct pdk_dma_as *as)
{
	dma_vat_clear_all(as);
	pdk_spares_free(&as->vat_spares, sizeof(struct dma_vat_table));
	free(as->vat);
	as->vat = NULL;
}

void
dma_vat_clear_all(struct pdk_dma_as *as)
{
	if (as->vat != NULL)
		vat_clear(as, as->vat, DMA_VAT_TOP_SHIFT, 0, DMA_VAT_VA_END);
	as->vat_far = 0;
}

int
dma_vat_insert(struct pdk_dma_as *as, uintptr_t va, uint64_t len, uint64_t iova)
{
	int rc;

	if (va >= DMA_VAT_VA_END || DMA_VAT_VA_END - va < len) {
		as->vat_far++;
		return 0;
	}
	/* IOVA and VA are both page aligned: so is the difference, bit 0 is free */
	rc = vat_set(as, as->vat, DMA_VAT_TOP_SHIFT, va, va + len, (iova - va) | DMA_VAT_TAG_LEAF);
	if (rc < 0)
		vat_clear(as, as->vat, DMA_VAT_TOP_SHIFT, va, va + len);
	return rc;
}

void
dma_vat_remove(struct pdk_dma_as *as, uintptr_t va, uint64_t len)
{
	if (va >= DMA_VAT_VA_END || DMA_VAT_VA_END - va < len) {
		as->vat_far--;
		return;
	}
	vat_clear(as, as->vat, DMA_VAT_TOP_SHIFT, va, va + len);
}

int
dma_vat_build(struct pdk_dma_as *as)
{
	unsigned int i;

	/* the root too comes with the first mixing: 4 KiB less per identity space */
	if (as->vat == NULL) {
		as->vat = calloc(1, sizeof(*as->vat));
		if (as->vat == NULL)
			return -ENOMEM;
	}
	for (i = 0; i < as->nmaps; i++) {
		if (dma_vat_insert(as, as->maps[i].va, as->maps[i].len, as->maps[i].iova) < 0) {
			dma_vat_clear_all(as);
			return -ENOMEM;
		}
	}
	return 0;
}
