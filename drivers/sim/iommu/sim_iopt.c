/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The IO page table of an IOAS, after drivers/iommu/iommufd/io_pagetable.c:
 * mapping areas (IOVA -> user VA), reserved ranges (outside a domain's
 * aperture, a RID's MSI window), optional allowed ranges, the IOVA
 * allocator, pinning, and the lookup the IOMMU translates through. The IOAS
 * ioctls (kernel/sim_ioas.c) check their arguments and call here. Its
 * rules, all from io_pagetable.c:
 *
 * - IOVA alignment is 1 while no domain (HWPT) uses the table and the
 *   domain's smallest page (4 KiB) once one does; adding a domain checks
 *   every area against the new alignment (-EADDRINUSE).
 * - Pages are pinned, and so checked and accounted against the pin limit,
 *   only while the table has a domain, as the kernel pins lazily: a map
 *   into a table without a domain does not touch the memory, and the first
 *   domain pins everything (-EFAULT, -ENOMEM there).
 * - The kernel's own IOVA allocator never returns IOVA 0 and keeps the
 *   user VA's alignment to help huge pages; the sim does the same so that
 *   the IOVAs it hands out look like the kernel's.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_iommu.h"

/* ---- user memory checks ---- */

/*
 * Would pin_user_pages() succeed on [va, va + len)? It needs every page in
 * a VMA that is readable (and writable for a writeable mapping); VM_PFNMAP
 * ranges such as a BAR mmap cannot be pinned at all. /proc/self/maps gives
 * exactly that; mincore() is the fallback when it cannot be read (presence
 * only).
 */
static int
sim_va_check_maps(uint64_t start, uint64_t end, bool write)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	uint64_t cur = start;

	if (f == NULL)
		return 1;
	while (cur < end && fgets(line, sizeof(line), f) != NULL) {
		unsigned long long lo, hi;
		char perms[5];
		size_t l = strlen(line);

		/* Drop the rest of an over-long line (a long path name). */
		if (l > 0 && line[l - 1] != '\n') {
			int c;

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		if (sscanf(line, "%llx-%llx %4s", &lo, &hi, perms) != 3)
			continue;
		if (hi <= cur)
			continue;
		if (lo > cur)
			break;		/* a hole */
		if (perms[0] != 'r' || (write && perms[1] != 'w'))
			break;
		cur = hi;
	}
	fclose(f);
	return cur >= end ? 0 : -EFAULT;
}

int
sim_va_present(uint64_t va, uint64_t len)
{
	uint64_t start = va & ~(SIM_PAGE_SIZE - 1);
	uint64_t end = (va + len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	unsigned char vec[256];

	for (va = start; va < end; va += sizeof(vec) * SIM_PAGE_SIZE) {
		uint64_t n = end - va;

		if (n > sizeof(vec) * SIM_PAGE_SIZE)
			n = sizeof(vec) * SIM_PAGE_SIZE;
		if (mincore((void *)(uintptr_t)va, n, vec) < 0)
			return -EFAULT;
	}
	return 0;
}

static int
sim_va_check_mincore(uint64_t start, uint64_t end)
{
	return sim_va_present(start, end - start);
}

/* true when [va, va + len) overlaps a BAR mapping the sim handed out (VM_PFNMAP). */
static bool
sim_va_is_bar_mapping(const struct pdk_sim *sim, uint64_t va, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < sim->nmmaps; i++) {
		uint64_t a = (uintptr_t)sim->mmaps[i].addr;

		if (sim_ranges_overlap(a, a + sim->mmaps[i].len - 1, va, va + len - 1))
			return true;
	}
	return false;
}

static int
sim_va_check(struct pdk_sim *sim, uint64_t va, uint64_t len, bool write)
{
	uint64_t start = va & ~(SIM_PAGE_SIZE - 1);
	uint64_t end = (va + len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	int rc;

	if (sim_va_is_bar_mapping(sim, start, end - start))
		return -EFAULT;
	rc = sim_va_check_maps(start, end, write);
	if (rc <= 0)
		return rc;
	return sim_va_check_mincore(start, end);
}

static int
sim_area_pin(struct sim_iopt *iopt, struct sim_area *area)
{
	struct pdk_sim *sim = iopt->sim;
	uint64_t n = sim_pages_spanned(area->user_va, area->length);
	int rc;

	rc = sim_va_check(sim, area->user_va, area->length,
			  area->prot & IOMMU_IOAS_MAP_WRITEABLE);
	if (rc < 0)
		return sim_err(rc, "pin", "user memory not mapped, or not writable for a WRITEABLE map");
	if (sim->cfg.pin_limit_pages != 0 &&
	    sim->st.pinned_pages + n > sim->cfg.pin_limit_pages)
		return sim_err(-ENOMEM, "pin", "over the pinned-page limit (RLIMIT_MEMLOCK)");
	area->pinned = n;
	sim->st.pinned_pages += n;
	return 0;
}

static void
sim_area_unpin(struct sim_iopt *iopt, struct sim_area *area)
{
	iopt->sim->st.pinned_pages -= area->pinned;
	area->pinned = 0;
}

/* ---- areas, reserved and allowed ranges ---- */

static struct sim_area *
sim_area_first_in(struct sim_iopt *iopt, uint64_t start, uint64_t last)
{
	struct sim_area *a = iopt->last_area;

	/* above the highest area: nothing to walk (the list is sorted by iova) */
	if (a == NULL || a->iova + a->length - 1 < start)
		return NULL;
	/*
	 * Areas never overlap, so none before the hint reaches past its
	 * start: from the hint on is enough when it starts at or below
	 * @p start, and a stream of lookups walks the list once.
	 */
	a = iopt->hint != NULL && iopt->hint->iova <= start ? iopt->hint : iopt->areas;
	for (; a != NULL; a = a->next) {
		if (a->iova > last)
			return NULL;
		if (sim_ranges_overlap(a->iova, a->iova + a->length - 1, start, last)) {
			iopt->hint = a;
			return a;
		}
	}
	return NULL;
}

struct sim_area *
sim_iopt_area_at(struct sim_iopt *iopt, uint64_t iova)
{
	return sim_area_first_in(iopt, iova, iova);
}

static void
sim_area_insert(struct sim_iopt *iopt, struct sim_area *area)
{
	struct sim_area **pp = &iopt->areas;

	if (iopt->last_area != NULL && iopt->last_area->iova < area->iova)
		pp = &iopt->last_area->next;
	while (*pp != NULL && (*pp)->iova < area->iova)
		pp = &(*pp)->next;
	area->next = *pp;
	*pp = area;
	if (area->next == NULL)
		iopt->last_area = area;
	iopt->sim->st.mappings++;
}

static void
sim_area_remove(struct sim_iopt *iopt, struct sim_area *area)
{
	struct sim_area **pp, *prev = NULL;

	for (pp = &iopt->areas; *pp != NULL; prev = *pp, pp = &(*pp)->next) {
		if (*pp == area) {
			*pp = area->next;
			break;
		}
	}
	if (iopt->last_area == area)
		iopt->last_area = prev;
	if (iopt->hint == area)
		iopt->hint = NULL;
	sim_area_unpin(iopt, area);
	iopt->sim->st.mappings--;
	free(area);
}

static const struct sim_resv *
sim_resv_first_in(const struct sim_iopt *iopt, uint64_t start, uint64_t last)
{
	const struct sim_resv *r;

	for (r = iopt->resv; r != NULL; r = r->next)
		if (sim_ranges_overlap(r->start, r->last, start, last))
			return r;
	return NULL;
}

bool
sim_iopt_reserved_overlaps(const struct sim_iopt *iopt, uint64_t start, uint64_t last)
{
	return sim_resv_first_in(iopt, start, last) != NULL;
}

static bool
sim_allowed_overlaps(const struct sim_iopt *iopt, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < iopt->nallowed; i++)
		if (sim_ranges_overlap(iopt->allowed[i].start, iopt->allowed[i].last, start, last))
			return true;
	return false;
}

/* iopt_reserve_iova(): nothing mapped or allowed may sit in a reserved range. */
static int
sim_iopt_reserve(struct sim_iopt *iopt, uint64_t start, uint64_t last, const void *owner)
{
	struct sim_resv *r;

	if (sim_area_first_in(iopt, start, last) != NULL || sim_allowed_overlaps(iopt, start, last))
		return -EADDRINUSE;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->start = start;
	r->last = last;
	r->owner = owner;
	r->next = iopt->resv;
	iopt->resv = r;
	return 0;
}

void
sim_iopt_unreserve(struct sim_iopt *iopt, const void *owner)
{
	struct sim_resv **pp = &iopt->resv;

	while (*pp != NULL) {
		struct sim_resv *r = *pp;

		if (r->owner == owner) {
			*pp = r->next;
			free(r);
		} else {
			pp = &r->next;
		}
	}
}

int
sim_iopt_reserve_regions(struct sim_iopt *iopt, const struct sim_resv_region *reg, unsigned int n,
			 const void *owner)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		rc = sim_iopt_reserve(iopt, reg[i].start, reg[i].last, owner);
		if (rc < 0) {
			sim_iopt_unreserve(iopt, owner);
			return rc;
		}
	}
	return 0;
}

static int
sim_iova_range_cmp(const void *a, const void *b)
{
	const struct iommu_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void
sim_iopt_set_allowed(struct sim_iopt *iopt, struct iommu_iova_range *ranges, unsigned int n)
{
	if (n > 1)
		qsort(ranges, n, sizeof(*ranges), sim_iova_range_cmp);
	free(iopt->allowed);
	iopt->allowed = ranges;
	iopt->nallowed = n;
}

int
sim_iopt_usable_ranges(const struct sim_iopt *iopt,
		       void (*emit)(void *arg, uint64_t start, uint64_t last), void *arg)
{
	struct iommu_iova_range *sorted = NULL;
	const struct sim_resv *r;
	unsigned int nresv = 0, i;
	uint64_t cur = 0;
	bool done = false;

	for (r = iopt->resv; r != NULL; r = r->next)
		nresv++;
	if (nresv > 0) {
		sorted = calloc(nresv, sizeof(*sorted));
		if (sorted == NULL)
			return -ENOMEM;
		for (i = 0, r = iopt->resv; r != NULL; r = r->next, i++) {
			sorted[i].start = r->start;
			sorted[i].last = r->last;
		}
		qsort(sorted, nresv, sizeof(*sorted), sim_iova_range_cmp);
	}
	/* The usable ranges are the holes between the reserved ones (which may overlap). */
	for (i = 0; i < nresv && !done; i++) {
		if (sorted[i].last < cur)
			continue;
		if (sorted[i].start > cur)
			emit(arg, cur, sorted[i].start - 1);
		if (sorted[i].last == SIM_ULONG_MAX)
			done = true;
		else
			cur = sorted[i].last + 1;
	}
	if (!done)
		emit(arg, cur, SIM_ULONG_MAX);
	free(sorted);
	return 0;
}

/* ---- domains ---- */

/* iopt_table_add_domain(): alignment, aperture, then fill (pin). */
int
sim_iopt_add_domain(struct sim_iopt *iopt, const struct sim_domain *domain)
{
	uint64_t aperture_last = domain->aperture_last;
	uint64_t align = SIM_PAGE_SIZE;
	struct sim_area *a;
	int rc;

	if (iopt->iova_alignment != align) {
		for (a = iopt->areas; a != NULL; a = a->next)
			if ((a->iova | a->length | (a->user_va % SIM_PAGE_SIZE)) & (align - 1))
				return sim_err(-EADDRINUSE, "add domain",
					       "a mapping is not aligned to the domain's page size");
	}
	if (aperture_last != SIM_ULONG_MAX) {
		rc = sim_iopt_reserve(iopt, aperture_last + 1, SIM_ULONG_MAX, domain);
		if (rc < 0)
			return sim_err(rc, "add domain",
				       "a mapping or allowed range lies outside the domain's aperture");
	}
	if (iopt->ndomains == 0) {
		for (a = iopt->areas; a != NULL; a = a->next) {
			rc = sim_area_pin(iopt, a);
			if (rc < 0) {
				struct sim_area *b;

				for (b = iopt->areas; b != a; b = b->next)
					sim_area_unpin(iopt, b);
				sim_iopt_unreserve(iopt, domain);
				return rc;
			}
		}
	}
	iopt->ndomains++;
	iopt->iova_alignment = align;
	return 0;
}

void
sim_iopt_remove_domain(struct sim_iopt *iopt, const struct sim_domain *domain)
{
	struct sim_area *a;

	sim_iopt_unreserve(iopt, domain);
	if (--iopt->ndomains == 0) {
		for (a = iopt->areas; a != NULL; a = a->next)
			sim_area_unpin(iopt, a);
		iopt->iova_alignment = 1;
	}
}

/* ---- the table ---- */

void
sim_iopt_init(struct sim_iopt *iopt, struct pdk_sim *sim)
{
	memset(iopt, 0, sizeof(*iopt));
	iopt->sim = sim;
	iopt->iova_alignment = 1;
}

void
sim_iopt_area_wait_idle(struct sim_iopt *iopt, struct sim_area *area)
{
	area->unmapping = true;
	/* once woken, the area may be gone (another unmap): the caller looks again */
	pthread_cond_wait(&iopt->sim->dma_idle, &iopt->sim->lock);
}

void
sim_iopt_destroy(struct sim_iopt *iopt)
{
	while (iopt->areas != NULL) {
		if (iopt->areas->users > 0) {
			sim_iopt_area_wait_idle(iopt, iopt->areas);
			continue;
		}
		sim_area_remove(iopt, iopt->areas);
	}
	while (iopt->resv != NULL)
		sim_iopt_unreserve(iopt, iopt->resv->owner);
	free(iopt->allowed);
	iopt->allowed = NULL;
	iopt->nallowed = 0;
}

/* ---- map and unmap ---- */

static uint64_t
sim_roundup_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

static uint64_t
sim_align_up(uint64_t v, uint64_t align, bool *overflow)
{
	uint64_t r = (v + align - 1) & ~(align - 1);

	if (r < v)
		*overflow = true;
	return r;
}

/*
 * iopt_alloc_iova(): the lowest hole of [PAGE_SIZE, ULONG_MAX - PAGE_SIZE]
 * (or of the allowed ranges) free of reserved ranges and areas, aligned to
 * min(roundup_pow_of_two(length), the user VA's alignment), keeping the VA's
 * offset in its page.
 */
static int
sim_iopt_alloc_iova(struct sim_iopt *iopt, uint64_t uptr, uint64_t length, uint64_t *iova)
{
	const uint64_t lo = SIM_PAGE_SIZE, hi = SIM_ULONG_MAX - SIM_PAGE_SIZE;
	uint64_t page_offset = uptr % SIM_PAGE_SIZE;
	uint64_t align;
	unsigned int i, nspans = iopt->nallowed ? iopt->nallowed : 1;

	if (length == 0 || length >= SIM_ULONG_MAX / 2)
		return -EOVERFLOW;
	align = sim_roundup_pow2(length);
	if (uptr != 0 && (1ULL << __builtin_ctzll(uptr)) < align)
		align = 1ULL << __builtin_ctzll(uptr);
	if (align < iopt->iova_alignment)
		return sim_err(-EINVAL, "IOMMU_IOAS_MAP", "user VA alignment below the IOAS alignment");

	for (i = 0; i < nspans; i++) {
		uint64_t s = lo, l = hi, cand;
		bool ovf = false;

		if (iopt->nallowed) {
			s = iopt->allowed[i].start > lo ? iopt->allowed[i].start : lo;
			l = iopt->allowed[i].last < hi ? iopt->allowed[i].last : hi;
			if (s > l)
				continue;
		}
		cand = sim_align_up(s, align, &ovf) | page_offset;
		while (!ovf && cand <= l && l - cand >= length - 1) {
			uint64_t last = cand + length - 1;
			const struct sim_resv *r = sim_resv_first_in(iopt, cand, last);
			const struct sim_area *a = sim_area_first_in(iopt, cand, last);
			uint64_t busy_last;

			if (r == NULL && a == NULL) {
				*iova = cand;
				return 0;
			}
			busy_last = r != NULL ? r->last : 0;
			if (a != NULL && a->iova + a->length - 1 > busy_last)
				busy_last = a->iova + a->length - 1;
			if (busy_last == SIM_ULONG_MAX)
				break;
			cand = sim_align_up(busy_last + 1, align, &ovf) | page_offset;
		}
	}
	return sim_err(-ENOSPC, "IOMMU_IOAS_MAP", "no free IOVA range of that size");
}

/* iopt_map_user_pages(): place (or allocate) the IOVA, then pin if a domain needs it. */
int
sim_iopt_map(struct sim_iopt *iopt, uint64_t user_va, uint64_t length, uint32_t prot, bool fixed,
	     uint64_t *iova)
{
	static const char op[] = "IOMMU_IOAS_MAP";
	uint64_t align = iopt->iova_alignment, at = *iova, last;
	struct sim_area *area;
	int rc;

	if (user_va + length < user_va)
		return sim_err(-EOVERFLOW, op, "user_va + length wraps");
	if (length == 0 || length > SIM_ULONG_MAX - SIM_PAGE_SIZE)
		return sim_err(-EINVAL, op, "length 0 or larger than SIZE_MAX - PAGE_SIZE");
	if (length & (align - 1))
		return sim_err(-EINVAL, op, "length not a multiple of the IOVA alignment");
	if (fixed) {
		if (at & (align - 1))
			return sim_err(-EINVAL, op, "FIXED_IOVA not aligned to the IOVA alignment");
		last = at + length - 1;
		if (last < at)
			return sim_err(-EOVERFLOW, op, "iova + length wraps");
		if (sim_resv_first_in(iopt, at, last) != NULL)
			return sim_err(-EINVAL, op,
				       "FIXED_IOVA range is reserved (outside the aperture, or the MSI window)");
		if (sim_area_first_in(iopt, at, last) != NULL)
			return sim_err(-EEXIST, op, "FIXED_IOVA range overlaps a mapping");
	} else {
		rc = sim_iopt_alloc_iova(iopt, user_va, length, &at);
		if (rc < 0)
			return rc;
	}
	if ((user_va % SIM_PAGE_SIZE) & (align - 1))
		return sim_err(-EINVAL, op, "user_va not aligned to the IOVA alignment");

	area = calloc(1, sizeof(*area));
	if (area == NULL)
		return -ENOMEM;
	area->iova = at;
	area->length = length;
	area->user_va = user_va;
	area->prot = prot;
	if (iopt->ndomains > 0) {
		rc = sim_area_pin(iopt, area);
		if (rc < 0) {
			free(area);
			return rc;
		}
	}
	sim_area_insert(iopt, area);
	*iova = at;
	return 0;
}

/*
 * iopt_unmap_iova_range(): areas go one by one, lowest first; one that
 * sticks out of the range stops the walk with -ENOENT, and the areas
 * already removed stay removed, as in the kernel. An area a device access
 * uses is waited for (sim_iopt_area_wait_idle()), as the kernel's unmap
 * waits for an area's accesses.
 */
int
sim_iopt_unmap(struct sim_iopt *iopt, uint64_t start, uint64_t last, uint64_t *unmapped)
{
	struct sim_area *a;

	*unmapped = 0;
	while ((a = sim_area_first_in(iopt, start, last)) != NULL) {
		uint64_t a_last = a->iova + a->length - 1;

		if (a->iova < start || a_last > last)
			return sim_err(-ENOENT, "IOMMU_IOAS_UNMAP", "the range splits a mapping");
		if (a->users > 0) {
			/* a device access uses it: wait, then look again (the lock was dropped) */
			sim_iopt_area_wait_idle(iopt, a);
			continue;
		}
		*unmapped += a->length;
		sim_area_remove(iopt, a);
	}
	if (*unmapped == 0)
		return sim_err(-ENOENT, "IOMMU_IOAS_UNMAP", "nothing mapped in the range");
	return 0;
}
