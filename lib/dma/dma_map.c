/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dma_private.h"
#include "pdk_log.h"

#define DMA_PERM_ALL (PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)

/* Index of the first mapping whose va is > @p va (nmaps if none). */
static unsigned int
maps_upper_bound(const struct pdk_dma_as *as, uintptr_t va)
{
	unsigned int lo = 0, hi = as->nmaps;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (as->maps[mid].va <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The data path's shortcut: on only while there are mappings, all identity. */
static void
as_identity_update(struct pdk_dma_as *as)
{
	as->identity = as->nmaps > 0 && as->nonident == 0;
}

/*
 * The one body of pdk_dma_map() and pdk_dma_map_iova(): @p fixed says
 * whether *iova is the caller's choice or an output of the allocator.
 */
static int
dma_map(struct pdk_dma_as *as, void *va, size_t len, unsigned int perm, bool fixed,
	uint64_t *iova)
{
	uintptr_t a = (uintptr_t)va;
	struct dma_mapping *m;
	uint64_t io;
	unsigned int idx;
	bool ident;
	int rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "map of VA %p: NULL address space", va))
		return -EINVAL;
	if (va == NULL || (a & (DMA_PAGE_SIZE - 1)) != 0 || len == 0 ||
	    (len & (DMA_PAGE_SIZE - 1)) != 0) {
		char fix[80];

		snprintf(fix, sizeof(fix), "VA and length must be non-zero multiples of %u bytes",
			 DMA_PAGE_SIZE);
		return pdk_log_fail("dma", as->label, -EINVAL, fix, "map of VA %p length %zu", va,
				    len);
	}
	/* aligned, but telling the user to align it would not help */
	if (a > UINTPTR_MAX - len)
		return pdk_log_fail("dma", as->label, -EINVAL, "pass the length of the buffer",
				    "map of VA %p length %zu: the range wraps past the end of the address space",
				    va, len);
	if ((perm & DMA_PERM_ALL) == 0 || (perm & ~DMA_PERM_ALL) != 0)
		return pdk_log_fail("dma", as->label, -EINVAL,
				    "use PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE",
				    "map of VA %p with permissions %#x", va, perm);

	rc = dma_as_ranges_sync(as);
	if (rc < 0)
		return rc;

	/* the table is sorted and disjoint: only the neighbours can overlap */
	idx = maps_upper_bound(as, a);
	if (idx > 0 && a - as->maps[idx - 1].va < as->maps[idx - 1].len)
		m = &as->maps[idx - 1];
	else if (idx < as->nmaps && as->maps[idx].va < a + len)
		m = &as->maps[idx];
	else
		m = NULL;
	if (m != NULL)
		return pdk_log_fail("dma", as->label, -EEXIST,
				    "unmap that one first, or map only the part not yet mapped",
				    "map of VA [%p, +%zu): it overlaps the mapping of VA %#" PRIxPTR " length %" PRIu64,
				    va, len, m->va, m->len);

	if (as->nmaps == as->maps_cap) {
		unsigned int ncap = as->maps_cap != 0 ? as->maps_cap * 2 : 16;

		m = realloc(as->maps, (size_t)ncap * sizeof(*m));
		if (m == NULL)
			return pdk_log_fail("dma", as->label, -ENOMEM, "free some memory",
					    "map of VA %p: growing the mapping table", va);
		as->maps = m;
		as->maps_cap = ncap;
	}

	/*
	 * IOVA = VA first: a refusal of the allocator (taken, outside the
	 * ranges, not aligned to the IOAS's alignment) just means the
	 * allocator chooses instead.
	 */
	ident = false;
	if (!fixed && as->mode == PDK_DMA_IOVA_VA) {
		rc = pdk_iova_reserve(as->iova, a, len);
		if (rc == -ENOMEM)
			return pdk_log_fail("dma", as->label, rc, "free some memory",
					    "map of VA %p length %zu: reserving IOVA == VA", va, len);
		ident = rc == 0;
		if (!ident)
			PDK_LOG(DEBUG, "dma", "%s: VA [%p, +%zu) cannot map at IOVA == VA (%s): the allocator chooses",
				as->label, va, len,
				rc == -EEXIST ? "those IOVAs are taken" :
				rc == -EINVAL ? "VA not aligned to the IOAS's IOVA alignment" :
				"outside the usable IOVA ranges");
	}
	if (ident) {
		io = a;
	} else if (fixed) {
		io = *iova;
		rc = pdk_iova_reserve(as->iova, io, len);
		if (rc < 0)
			return pdk_log_fail("dma", as->label, rc,
					    rc == -EEXIST ? "it overlaps a mapping of this space: choose a free IOVA" :
					    rc == -ERANGE ? "it is outside the IOAS's usable IOVA ranges (reserved regions, aperture)" :
					    rc == -EINVAL ? "the IOVA must be aligned to the IOAS's IOVA alignment" :
					    "free some memory",
					    "map of VA %p at IOVA %#" PRIx64 " length %zu", va, io,
					    len);
	} else {
		rc = pdk_iova_alloc(as->iova, len, &io);
		if (rc < 0)
			return pdk_log_fail("dma", as->label, rc,
					    "unmap buffers, map smaller ones, or use another address space",
					    "map of VA %p length %zu: no IOVA (largest free extent %" PRIu64 " bytes in %u)",
					    va, len, pdk_iova_largest_free(as->iova),
					    pdk_iova_free_count(as->iova));
	}
	/* the first mapping at IOVA != VA makes the space mixed: the VA table goes live */
	rc = 0;
	if (io != a && !as->vat_live) {
		rc = dma_vat_build(as);
		as->vat_live = rc == 0;
	}
	if (rc == 0 && as->vat_live)
		rc = dma_vat_insert(as, a, len, io);
	if (rc < 0) {
		pdk_iova_free(as->iova, io);
		return pdk_log_fail("dma", as->label, rc, "free some memory",
				    "map of VA %p length %zu: entering it in the VA table", va, len);
	}
	/* a refusal is lib/iommufd's to log: it knows the kernel's cause */
	rc = pdk_iommufd_map_fixed(as->ictx, as->ioas_id, va, len, io, perm);
	if (rc < 0) {
		if (as->vat_live)
			dma_vat_remove(as, a, len);
		pdk_iova_free(as->iova, io);
		return rc;
	}

	/* skipped when appending (the common case: a call less per map) */
	if (idx < as->nmaps)
		memmove(&as->maps[idx + 1], &as->maps[idx], (size_t)(as->nmaps - idx) * sizeof(*m));
	as->maps[idx].va = a;
	as->maps[idx].len = len;
	as->maps[idx].iova = io;
	as->nmaps++;
	if (io != a)
		as->nonident++;
	as_identity_update(as);
	if (iova != NULL)
		*iova = io;
	return 0;
}

int
pdk_dma_unmap(struct pdk_dma_as *as, void *va)
{
	uintptr_t a = (uintptr_t)va;
	struct dma_mapping m;
	uint64_t unmapped = 0;
	unsigned int idx;
	int rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "unmap of VA %p: NULL address space", va) ||
	    pdk_log_null(va, "dma", as->label, "pass the VA given to pdk_dma_map()",
			 "unmap: NULL VA"))
		return -EINVAL;
	idx = maps_upper_bound(as, a);
	if (idx == 0 || as->maps[idx - 1].va != a)
		return pdk_log_fail("dma", as->label, -ENOENT, "pass the VA given to pdk_dma_map()",
				    "unmap of VA %p: no mapping starts there", va);
	idx--;
	m = as->maps[idx];
	/* refused by lib/iommufd, logged there; the mapping is kept */
	rc = pdk_iommufd_unmap(as->ictx, as->ioas_id, m.iova, m.len, &unmapped);
	if (rc < 0)
		return rc;
	if (unmapped != m.len)
		PDK_LOG(WARNING, "dma", "%s: unmapping VA %p unmapped %" PRIu64 " bytes instead of %" PRIu64 "; something outside PDK changed the IOAS",
			as->label, va, unmapped, m.len);
	/* cannot fail: m.iova was handed out and freeing never allocates */
	pdk_iova_free(as->iova, m.iova);
	if (as->vat_live)
		dma_vat_remove(as, m.va, m.len);
	if (idx + 1 < as->nmaps)
		memmove(&as->maps[idx], &as->maps[idx + 1],
			(size_t)(as->nmaps - idx - 1) * sizeof(m));
	as->nmaps--;
	if (m.iova != m.va)
		as->nonident--;
	/*
	 * Emptied, the table is empty too (its tables went back as their
	 * last entries did): the next mappings start without it. An identity
	 * space that still has mappings keeps it (lookups skip it anyway), as
	 * emptying it would walk it.
	 */
	if (as->nmaps == 0)
		as->vat_live = false;
	as_identity_update(as);
	return 0;
}

void
dma_as_forget_mappings(struct pdk_dma_as *as)
{
	pdk_iova_free_all(as->iova);
	dma_vat_clear_all(as);
	as->vat_live = false;
	as->nmaps = 0;
	as->nonident = 0;
	as_identity_update(as);
}

/* The sorted table's binary search: for mappings the VA table does not reach. */
static uint64_t
maps_lookup(const struct pdk_dma_as *as, uintptr_t a)
{
	unsigned int idx = maps_upper_bound(as, a);
	const struct dma_mapping *m;

	if (idx == 0)
		return PDK_DMA_BAD_IOVA;
	m = &as->maps[idx - 1];
	return a - m->va < m->len ? m->iova + (a - m->va) : PDK_DMA_BAD_IOVA;
}

/*
 * The IOVA of @p a by entry @p e of a block at @p shift above a page's, or
 * PDK_DMA_BAD_IOVA: a hole, or a leaf holding the other end of its block
 * (dma_vat.c).
 */
static inline uint64_t
vat_block_iova(uint64_t e, uintptr_t a, unsigned int shift)
{
	unsigned int child, lo, hi;

	if (!(e & DMA_VAT_TAG_LEAF))
		return PDK_DMA_BAD_IOVA;
	if (__builtin_expect((e & DMA_VAT_EXTENT_MASK) != 0, 0)) {
		child = (unsigned int)(a >> (shift - DMA_VAT_BITS)) & (DMA_VAT_N - 1);
		dma_vat_leaf_extent(e, &lo, &hi);
		if (child < lo || child >= hi)
			return PDK_DMA_BAD_IOVA;
	}
	return a + (e & ~(uint64_t)DMA_VAT_FLAGS_MASK);
}

/* One level of the VA table walk: the entry of @p a in table @p t at @p shift. */
static inline uint64_t
vat_entry(uint64_t t, uintptr_t a, unsigned int shift)
{
	return ((const struct dma_vat_table *)(uintptr_t)(t - DMA_VAT_TAG_TABLE))->e[
		(a >> shift) & (DMA_VAT_N - 1)];
}

/*
 * The VA table walk (dma_vat.c has the layout), unrolled: four dependent
 * loads at most, a branch per level that only a leaf or a hole takes.
 */
static inline uint64_t
vat_walk(const struct pdk_dma_as *as, uintptr_t a)
{
	const unsigned int s1 = DMA_VAT_TOP_SHIFT - DMA_VAT_BITS;
	const unsigned int s2 = s1 - DMA_VAT_BITS;
	uint64_t e = as->vat->e[(a >> DMA_VAT_TOP_SHIFT) & (DMA_VAT_N - 1)];

	if (!(e & DMA_VAT_TAG_TABLE))
		return vat_block_iova(e, a, DMA_VAT_TOP_SHIFT);
	e = vat_entry(e, a, s1);
	if (!(e & DMA_VAT_TAG_TABLE))
		return vat_block_iova(e, a, s1);
	e = vat_entry(e, a, s2);
	if (!(e & DMA_VAT_TAG_TABLE))
		return vat_block_iova(e, a, s2);
	e = vat_entry(e, a, DMA_VAT_LEAF_SHIFT);
	/* a page's leaf is always the whole page */
	return (e & DMA_VAT_TAG_LEAF) ? a + (e & ~(uint64_t)DMA_VAT_FLAGS_MASK) : PDK_DMA_BAD_IOVA;
}

static inline uint64_t
vat_lookup(const struct pdk_dma_as *as, uintptr_t a)
{
	uint64_t iova;

	if (__builtin_expect(a < DMA_VAT_VA_END, 1)) {
		iova = vat_walk(as, a);
		if (__builtin_expect(iova != PDK_DMA_BAD_IOVA, 1))
			return iova;
	}
	if (__builtin_expect(as->vat_far != 0, 0))
		return maps_lookup(as, a);
	return PDK_DMA_BAD_IOVA;
}

/* Any space: the VA table while it is live (mixed), else the sorted table. */
static inline uint64_t
dma_lookup(const struct pdk_dma_as *as, uintptr_t a)
{
	if (__builtin_expect(as->vat_live, 1))
		return vat_lookup(as, a);
	return maps_lookup(as, a);
}

#ifdef PDK_FASTPATH_CHECKS
static bool
va2iova_args_bad(const struct pdk_dma_as *as, const void *va)
{
	return pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "VA to IOVA: NULL address space") ||
	       pdk_log_null(va, "dma", as->label, "pass a VA inside a mapped buffer",
			    "VA to IOVA: NULL VA");
}
#endif

uint64_t
pdk_dma_va2iova(const struct pdk_dma_as *as, const void *va)
{
#ifdef PDK_FASTPATH_CHECKS
	if (va2iova_args_bad(as, va))
		return PDK_DMA_BAD_IOVA;
#else
	if (as->identity)
		return (uint64_t)(uintptr_t)va;
#endif
	return dma_lookup(as, (uintptr_t)va);
}

uint64_t
pdk_dma_va2iova_strict(const struct pdk_dma_as *as, const void *va)
{
#ifdef PDK_FASTPATH_CHECKS
	if (va2iova_args_bad(as, va))
		return PDK_DMA_BAD_IOVA;
#endif
	return dma_lookup(as, (uintptr_t)va);
}

unsigned int
pdk_dma_as_map_count(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_map_count: NULL address space"))
		return 0;
	return as->nmaps;
}

int
pdk_dma_map(struct pdk_dma_as *as, void *va, size_t len, unsigned int perm, uint64_t *iova)
{
	return dma_map(as, va, len, perm, false, iova);
}

int
pdk_dma_map_iova(struct pdk_dma_as *as, void *va, size_t len, uint64_t iova, unsigned int perm)
{
	return dma_map(as, va, len, perm, true, &iova);
}

int
pdk_dma_as_set_iova_mode(struct pdk_dma_as *as, enum pdk_dma_iova_mode mode)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "IOVA mode %d: NULL address space", (int)mode))
		return -EINVAL;
	if (mode != PDK_DMA_IOVA_VA && mode != PDK_DMA_IOVA_ALLOC)
		return pdk_log_fail("dma", as->label, -EINVAL,
				    "use PDK_DMA_IOVA_VA or PDK_DMA_IOVA_ALLOC",
				    "IOVA mode %d: unknown", (int)mode);
	as->mode = mode;
	return 0;
}

enum pdk_dma_iova_mode
pdk_dma_as_iova_mode(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_iova_mode: NULL address space"))
		return PDK_DMA_IOVA_VA;
	return as->mode;
}

bool
pdk_dma_as_is_identity(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_is_identity: NULL address space"))
		return false;
	return as->identity;
}
