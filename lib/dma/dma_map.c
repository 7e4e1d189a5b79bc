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

	if (fixed) {
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
	/* a refusal is lib/iommufd's to log: it knows the kernel's cause */
	rc = pdk_iommufd_map_fixed(as->ictx, as->ioas_id, va, len, io, perm);
	if (rc < 0) {
		pdk_iova_free(as->iova, io);
		return rc;
	}

	memmove(&as->maps[idx + 1], &as->maps[idx], (size_t)(as->nmaps - idx) * sizeof(*m));
	as->maps[idx].va = a;
	as->maps[idx].len = len;
	as->maps[idx].iova = io;
	as->nmaps++;
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
	memmove(&as->maps[idx], &as->maps[idx + 1], (size_t)(as->nmaps - idx - 1) * sizeof(m));
	as->nmaps--;
	return 0;
}

void
dma_as_forget_mappings(struct pdk_dma_as *as)
{
	unsigned int i;

	for (i = 0; i < as->nmaps; i++)
		pdk_iova_free(as->iova, as->maps[i].iova);
	as->nmaps = 0;
}

uint64_t
pdk_dma_va2iova(const struct pdk_dma_as *as, const void *va)
{
	const struct dma_mapping *base;
	unsigned int n, h;
	uintptr_t a = (uintptr_t)va;
	unsigned int idx;

#ifdef PDK_FASTPATH_CHECKS
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "VA to IOVA: NULL address space") ||
	    pdk_log_null(va, "dma", as->label, "pass a VA inside a mapped buffer",
			 "VA to IOVA: NULL VA"))
		return PDK_DMA_BAD_IOVA;
#endif
	base = as->maps;
	n = as->nmaps;
	h = __atomic_load_n(&as->hint, __ATOMIC_RELAXED);
	/* one unsigned compare covers both ends: below va it wraps around */
	if (h < n && a - base[h].va < base[h].len)
		return base[h].iova + (a - base[h].va);
	if (n == 0)
		return PDK_DMA_BAD_IOVA;

	/* branch-free search for the last mapping whose va is <= a */
	while (n > 1) {
		unsigned int half = n / 2;

		base = base[half].va <= a ? base + half : base;
		n -= half;
	}
	if (a - base->va >= base->len)
		return PDK_DMA_BAD_IOVA;
	idx = (unsigned int)(base - as->maps);
	/*
	 * Readers on other cores share the hint; write only on a change so a
	 * steady stream of hits leaves its cache line shared. The object is
	 * never const itself, only this API's view of it.
	 */
	if (idx != h)
		__atomic_store_n(&((struct pdk_dma_as *)(uintptr_t)as)->hint, idx, __ATOMIC_RELAXED);
	return base->iova + (a - base->va);
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
