/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * IOAS objects: the IO address space of drivers/iommu/iommufd/ioas.c and
 * io_pagetable.c. An IOAS holds mapping areas (IOVA -> user VA), reserved
 * ranges (outside a domain's aperture, a RID's MSI window) and optional
 * allowed ranges. Its rules, all from io_pagetable.c:
 *
 * - IOVA alignment is 1 while no domain (HWPT) uses the IOAS and the
 *   domain's smallest page (4 KiB) once one does; adding a domain checks
 *   every area against the new alignment (-EADDRINUSE).
 * - Pages are pinned, and so checked and accounted against the pin limit,
 *   only while the IOAS has a domain, as the kernel pins lazily: a MAP into
 *   an IOAS without a domain does not touch the memory, and the first
 *   HWPT_ALLOC pins everything (-EFAULT, -ENOMEM there).
 * - The kernel's own IOVA allocator never returns IOVA 0 and keeps the
 *   user VA's alignment to help huge pages; the sim does the same so that
 *   the IOVAs it hands out look like the kernel's.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_internal.h"

static struct sim_ioas *
sim_ioas_get(struct sim_ctx *ctx, uint32_t id)
{
	return (struct sim_ioas *)sim_obj_find(ctx, id, SIM_OBJ_IOAS);
}

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

static int
sim_va_check(struct pdk_sim *sim, uint64_t va, uint64_t len, bool write)
{
	uint64_t start = va & ~(SIM_PAGE_SIZE - 1);
	uint64_t end = (va + len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	int rc;

	if (sim_mmap_overlaps(sim, start, end - start))
		return -EFAULT;
	rc = sim_va_check_maps(start, end, write);
	if (rc <= 0)
		return rc;
	return sim_va_check_mincore(start, end);
}

static int
sim_area_pin(struct sim_ioas *ioas, struct sim_area *area)
{
	struct pdk_sim *sim = ioas->ctx->sim;
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
sim_area_unpin(struct sim_ioas *ioas, struct sim_area *area)
{
	ioas->ctx->sim->st.pinned_pages -= area->pinned;
	area->pinned = 0;
}

/* ---- areas, reserved and allowed ranges ---- */

static struct sim_area *
sim_area_first_in(struct sim_ioas *ioas, uint64_t start, uint64_t last)
{
	struct sim_area *a;

	for (a = ioas->areas; a != NULL; a = a->next) {
		if (a->iova > last)
			return NULL;
		if (sim_ranges_overlap(a->iova, a->iova + a->length - 1, start, last))
			return a;
	}
	return NULL;
}

struct sim_area *
sim_ioas_area_at(struct sim_ioas *ioas, uint64_t iova)
{
	return sim_area_first_in(ioas, iova, iova);
}

static void
sim_area_insert(struct sim_ioas *ioas, struct sim_area *area)
{
	struct sim_area **pp = &ioas->areas;

	while (*pp != NULL && (*pp)->iova < area->iova)
		pp = &(*pp)->next;
	area->next = *pp;
	*pp = area;
	ioas->ctx->sim->st.mappings++;
}

static void
sim_area_remove(struct sim_ioas *ioas, struct sim_area *area)
{
	struct sim_area **pp;

	for (pp = &ioas->areas; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == area) {
			*pp = area->next;
			break;
		}
	}
	sim_area_unpin(ioas, area);
	ioas->ctx->sim->st.mappings--;
	free(area);
}

static const struct sim_resv *
sim_resv_first_in(const struct sim_ioas *ioas, uint64_t start, uint64_t last)
{
	const struct sim_resv *r;

	for (r = ioas->resv; r != NULL; r = r->next)
		if (sim_ranges_overlap(r->start, r->last, start, last))
			return r;
	return NULL;
}

static bool
sim_allowed_overlaps(const struct sim_ioas *ioas, uint64_t start, uint64_t last)
{
	unsigned int i;

	for (i = 0; i < ioas->nallowed; i++)
		if (sim_ranges_overlap(ioas->allowed[i].start, ioas->allowed[i].last, start, last))
			return true;
	return false;
}

/* iopt_reserve_iova(): nothing mapped or allowed may sit in a reserved range. */
static int
sim_ioas_reserve(struct sim_ioas *ioas, uint64_t start, uint64_t last, const void *owner)
{
	struct sim_resv *r;

	if (sim_area_first_in(ioas, start, last) != NULL || sim_allowed_overlaps(ioas, start, last))
		return -EADDRINUSE;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	r->start = start;
	r->last = last;
	r->owner = owner;
	r->next = ioas->resv;
	ioas->resv = r;
	return 0;
}

void
sim_ioas_unreserve(struct sim_ioas *ioas, const void *owner)
{
	struct sim_resv **pp = &ioas->resv;

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

/* A RID attach reserves the device's regions (x86: the MSI window). */
int
sim_ioas_reserve_dev(struct sim_ioas *ioas, struct sim_fn *fn)
{
	const struct sim_resv_region *reg;
	unsigned int i, n = sim_iommu_resv_regions(ioas->ctx->sim, &reg);
	int rc;

	for (i = 0; i < n; i++) {
		rc = sim_ioas_reserve(ioas, reg[i].start, reg[i].last, fn);
		if (rc < 0) {
			sim_ioas_unreserve(ioas, fn);
			return sim_err(rc, "attach",
				       "the device's reserved region (MSI window) overlaps a mapping or allowed range");
		}
	}
	return 0;
}

/* ---- domains ---- */

/* iopt_table_add_domain(): alignment, aperture, then fill (pin). */
int
sim_ioas_add_domain(struct sim_ioas *ioas, struct sim_hwpt *hwpt)
{
	uint64_t align = SIM_PAGE_SIZE;
	uint64_t ap_last = sim_iommu_aperture_last(ioas->ctx->sim);
	struct sim_area *a;
	int rc;

	if (ioas->iova_alignment != align) {
		for (a = ioas->areas; a != NULL; a = a->next)
			if ((a->iova | a->length | (a->user_va % SIM_PAGE_SIZE)) & (align - 1))
				return sim_err(-EADDRINUSE, "add domain",
					       "a mapping is not aligned to the domain's page size");
	}
	if (ap_last != SIM_ULONG_MAX) {
		rc = sim_ioas_reserve(ioas, ap_last + 1, SIM_ULONG_MAX, hwpt);
		if (rc < 0)
			return sim_err(rc, "add domain",
				       "a mapping or allowed range lies outside the domain's aperture");
	}
	if (ioas->ndomains == 0) {
		for (a = ioas->areas; a != NULL; a = a->next) {
			rc = sim_area_pin(ioas, a);
			if (rc < 0) {
				struct sim_area *b;

				for (b = ioas->areas; b != a; b = b->next)
					sim_area_unpin(ioas, b);
				sim_ioas_unreserve(ioas, hwpt);
				return rc;
			}
		}
	}
	ioas->ndomains++;
	ioas->iova_alignment = align;
	return 0;
}

void
sim_ioas_remove_domain(struct sim_ioas *ioas, struct sim_hwpt *hwpt)
{
	struct sim_area *a;

	sim_ioas_unreserve(ioas, hwpt);
	if (--ioas->ndomains == 0) {
		for (a = ioas->areas; a != NULL; a = a->next)
			sim_area_unpin(ioas, a);
		ioas->iova_alignment = 1;
	}
}

/* ---- IOMMU_IOAS_ALLOC and the object ---- */

static void
sim_ioas_destroy(struct sim_obj *obj)
{
	struct sim_ioas *ioas = sim_container_of(obj, struct sim_ioas, obj);
	struct pdk_sim *sim = ioas->ctx->sim;

	while (ioas->areas != NULL)
		sim_area_remove(ioas, ioas->areas);
	while (ioas->resv != NULL)
		sim_ioas_unreserve(ioas, ioas->resv->owner);
	free(ioas->allowed);
	sim_obj_remove(ioas->ctx, &ioas->obj);
	sim->st.ioas--;
	free(ioas);
}

static const struct sim_obj_ops sim_ioas_ops = {
	.type = SIM_OBJ_IOAS,
	.name = "IOAS",
	.destroy = sim_ioas_destroy,
};

int
sim_ioas_ioctl_alloc(struct sim_ucmd *uc)
{
	struct iommu_ioas_alloc *cmd = uc->cmd;
	struct sim_ioas *ioas;
	int rc;

	if (cmd->flags != 0)
		return sim_err(-EOPNOTSUPP, "IOMMU_IOAS_ALLOC", "flags must be 0");
	ioas = calloc(1, sizeof(*ioas));
	if (ioas == NULL)
		return -ENOMEM;
	rc = sim_obj_insert(uc->ctx, &ioas->obj, &sim_ioas_ops);
	if (rc < 0) {
		free(ioas);
		return rc;
	}
	ioas->ctx = uc->ctx;
	ioas->iova_alignment = 1;
	uc->ctx->sim->st.ioas++;
	cmd->out_ioas_id = ioas->obj.id;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_MAP ---- */

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
sim_ioas_alloc_iova(struct sim_ioas *ioas, uint64_t uptr, uint64_t length, uint64_t *iova)
{
	const uint64_t lo = SIM_PAGE_SIZE, hi = SIM_ULONG_MAX - SIM_PAGE_SIZE;
	uint64_t page_offset = uptr % SIM_PAGE_SIZE;
	uint64_t align;
	unsigned int i, nspans = ioas->nallowed ? ioas->nallowed : 1;

	if (length == 0 || length >= SIM_ULONG_MAX / 2)
		return -EOVERFLOW;
	align = sim_roundup_pow2(length);
	if (uptr != 0 && (1ULL << __builtin_ctzll(uptr)) < align)
		align = 1ULL << __builtin_ctzll(uptr);
	if (align < ioas->iova_alignment)
		return sim_err(-EINVAL, "IOMMU_IOAS_MAP", "user VA alignment below the IOAS alignment");

	for (i = 0; i < nspans; i++) {
		uint64_t s = lo, l = hi, cand;
		bool ovf = false;

		if (ioas->nallowed) {
			s = ioas->allowed[i].start > lo ? ioas->allowed[i].start : lo;
			l = ioas->allowed[i].last < hi ? ioas->allowed[i].last : hi;
			if (s > l)
				continue;
		}
		cand = sim_align_up(s, align, &ovf) | page_offset;
		while (!ovf && cand <= l && l - cand >= length - 1) {
			uint64_t last = cand + length - 1;
			const struct sim_resv *r = sim_resv_first_in(ioas, cand, last);
			const struct sim_area *a = sim_area_first_in(ioas, cand, last);
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

int
sim_ioas_ioctl_map(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_MAP";
	const uint32_t valid = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_WRITEABLE |
			       IOMMU_IOAS_MAP_READABLE;
	struct iommu_ioas_map *cmd = uc->cmd;
	struct sim_ioas *ioas;
	struct sim_area *area;
	uint64_t iova = cmd->iova, align, last;
	int rc;

	if ((cmd->flags & ~valid) || cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "unknown flags or non-zero __reserved");
	if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
		return sim_err(-EOVERFLOW, op, "iova or length >= ULONG_MAX");
	if (!(cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE)))
		return sim_err(-EINVAL, op, "neither READABLE nor WRITEABLE");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	if (cmd->user_va + cmd->length < cmd->user_va)
		return sim_err(-EOVERFLOW, op, "user_va + length wraps");
	if (cmd->length == 0 || cmd->length > SIM_ULONG_MAX - SIM_PAGE_SIZE)
		return sim_err(-EINVAL, op, "length 0 or larger than SIZE_MAX - PAGE_SIZE");
	align = ioas->iova_alignment;
	if (cmd->length & (align - 1))
		return sim_err(-EINVAL, op, "length not a multiple of the IOVA alignment");
	if (cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA) {
		if (iova & (align - 1))
			return sim_err(-EINVAL, op, "FIXED_IOVA not aligned to the IOVA alignment");
		last = iova + cmd->length - 1;
		if (last < iova)
			return sim_err(-EOVERFLOW, op, "iova + length wraps");
		if (sim_resv_first_in(ioas, iova, last) != NULL)
			return sim_err(-EINVAL, op,
				       "FIXED_IOVA range is reserved (outside the aperture, or the MSI window)");
		if (sim_area_first_in(ioas, iova, last) != NULL)
			return sim_err(-EEXIST, op, "FIXED_IOVA range overlaps a mapping");
	} else {
		rc = sim_ioas_alloc_iova(ioas, cmd->user_va, cmd->length, &iova);
		if (rc < 0)
			return rc;
	}
	if ((cmd->user_va % SIM_PAGE_SIZE) & (align - 1))
		return sim_err(-EINVAL, op, "user_va not aligned to the IOVA alignment");

	area = calloc(1, sizeof(*area));
	if (area == NULL)
		return -ENOMEM;
	area->iova = iova;
	area->length = cmd->length;
	area->user_va = cmd->user_va;
	area->prot = cmd->flags & (IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE);
	if (ioas->ndomains > 0) {
		rc = sim_area_pin(ioas, area);
		if (rc < 0) {
			free(area);
			return rc;
		}
	}
	sim_area_insert(ioas, area);
	cmd->iova = iova;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_UNMAP ---- */

/*
 * iopt_unmap_iova_range(): areas go one by one, lowest first; one that
 * sticks out of the range stops the walk with -ENOENT, and the areas
 * already removed stay removed, as in the kernel.
 */
static int
sim_ioas_unmap_range(struct sim_ioas *ioas, uint64_t start, uint64_t last, uint64_t *unmapped)
{
	struct sim_area *a;

	*unmapped = 0;
	while ((a = sim_area_first_in(ioas, start, last)) != NULL) {
		uint64_t a_last = a->iova + a->length - 1;

		if (a->iova < start || a_last > last)
			return sim_err(-ENOENT, "IOMMU_IOAS_UNMAP", "the range splits a mapping");
		*unmapped += a->length;
		sim_area_remove(ioas, a);
	}
	if (*unmapped == 0)
		return sim_err(-ENOENT, "IOMMU_IOAS_UNMAP", "nothing mapped in the range");
	return 0;
}

int
sim_ioas_ioctl_unmap(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_UNMAP";
	struct iommu_ioas_unmap *cmd = uc->cmd;
	struct sim_ioas *ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	uint64_t unmapped = 0;
	int rc;

	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		rc = sim_ioas_unmap_range(ioas, 0, SIM_ULONG_MAX, &unmapped);
		/* iopt_unmap_all(): an empty IOAS unmaps "all" successfully. */
		if (rc == -ENOENT && unmapped == 0)
			rc = 0;
	} else {
		if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
			return sim_err(-EOVERFLOW, op, "iova or length >= ULONG_MAX");
		if (cmd->length == 0)
			return sim_err(-EINVAL, op, "length 0");
		if (cmd->iova + cmd->length - 1 < cmd->iova)
			return sim_err(-EOVERFLOW, op, "iova + length wraps");
		rc = sim_ioas_unmap_range(ioas, cmd->iova, cmd->iova + cmd->length - 1, &unmapped);
	}
	if (rc < 0)
		return rc;
	cmd->length = unmapped;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_IOVA_RANGES ---- */

static int
sim_resv_cmp(const void *a, const void *b)
{
	const struct iommu_iova_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct sim_ranges_out {
	uint64_t out;		/* the user's array */
	uint32_t max;
	uint32_t num;
	bool fault;
};

static void
sim_ranges_emit(struct sim_ranges_out *o, uint64_t start, uint64_t last)
{
	struct iommu_iova_range r = { .start = start, .last = last };

	if (o->num < o->max && !o->fault &&
	    sim_copy_to_user(o->out + (uint64_t)o->num * sizeof(r), &r, sizeof(r)) < 0)
		o->fault = true;
	o->num++;
}

int
sim_ioas_ioctl_iova_ranges(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_IOVA_RANGES";
	struct iommu_ioas_iova_ranges *cmd = uc->cmd;
	struct sim_ranges_out o = {
		.out = cmd->allowed_iovas,
		.max = cmd->num_iovas,
	};
	struct iommu_iova_range *sorted = NULL;
	struct sim_ioas *ioas;
	const struct sim_resv *r;
	unsigned int nresv = 0, i;
	uint64_t cur = 0;
	bool done = false;

	if (cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "non-zero __reserved");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");

	for (r = ioas->resv; r != NULL; r = r->next)
		nresv++;
	if (nresv > 0) {
		sorted = calloc(nresv, sizeof(*sorted));
		if (sorted == NULL)
			return -ENOMEM;
		for (i = 0, r = ioas->resv; r != NULL; r = r->next, i++) {
			sorted[i].start = r->start;
			sorted[i].last = r->last;
		}
		qsort(sorted, nresv, sizeof(*sorted), sim_resv_cmp);
	}
	/* The usable ranges are the holes between the reserved ones (which may overlap). */
	for (i = 0; i < nresv && !done; i++) {
		if (sorted[i].last < cur)
			continue;
		if (sorted[i].start > cur)
			sim_ranges_emit(&o, cur, sorted[i].start - 1);
		if (sorted[i].last == SIM_ULONG_MAX)
			done = true;
		else
			cur = sorted[i].last + 1;
	}
	if (!done)
		sim_ranges_emit(&o, cur, SIM_ULONG_MAX);
	free(sorted);
	if (o.fault)
		return sim_err(-EFAULT, op, "allowed_iovas does not point to num_iovas writable "
			       "ranges");
	cmd->num_iovas = o.num;
	cmd->out_iova_alignment = ioas->iova_alignment;
	sim_ucmd_respond(uc);
	if (o.num > o.max)
		return sim_err(-EMSGSIZE, op, "array too small; num_iovas holds the count needed");
	return 0;
}

/* ---- IOMMU_IOAS_ALLOW_IOVAS ---- */

#define SIM_ALLOW_MAX (1u << 20)

int
sim_ioas_ioctl_allow_iovas(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_ALLOW_IOVAS";
	struct iommu_ioas_allow_iovas *cmd = uc->cmd;
	struct iommu_iova_range *ranges = NULL;
	struct sim_ioas *ioas;
	uint32_t i, j;

	if (cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "non-zero __reserved");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	if (cmd->num_iovas > 0) {
		if (cmd->num_iovas > SIM_ALLOW_MAX)
			return -ENOMEM;
		ranges = calloc(cmd->num_iovas, sizeof(*ranges));
		if (ranges == NULL)
			return -ENOMEM;
		if (sim_copy_from_user(ranges, cmd->allowed_iovas,
				       cmd->num_iovas * sizeof(*ranges)) < 0) {
			free(ranges);
			return sim_err(-EFAULT, op, "allowed_iovas does not point to num_iovas "
				       "readable ranges");
		}
	}
	for (i = 0; i < cmd->num_iovas; i++) {
		if (ranges[i].start >= ranges[i].last) {
			free(ranges);
			return sim_err(-EINVAL, op, "a range with start >= last");
		}
		for (j = 0; j < i; j++) {
			if (sim_ranges_overlap(ranges[i].start, ranges[i].last,
					       ranges[j].start, ranges[j].last)) {
				free(ranges);
				return sim_err(-EINVAL, op, "overlapping ranges");
			}
		}
		if (sim_resv_first_in(ioas, ranges[i].start, ranges[i].last) != NULL) {
			free(ranges);
			return sim_err(-EADDRINUSE, op, "a range intersects a reserved range");
		}
	}
	if (cmd->num_iovas > 1)
		qsort(ranges, cmd->num_iovas, sizeof(*ranges), sim_resv_cmp);
	free(ioas->allowed);
	ioas->allowed = ranges;
	ioas->nallowed = cmd->num_iovas;
	return 0;
}
