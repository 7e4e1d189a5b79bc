/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dma_private.h"
#include "pdk_dma_internal.h"
#include "pdk_iommufd_internal.h"
#include "pdk_log.h"

/*
 * Read the IOAS's usable ranges into the allocator: a new one when
 * as->iova is NULL, else a replacement of its ranges. On -EADDRINUSE the
 * allocated extent that no longer fits is stored in *conflict.
 */
static int
as_load_ranges(struct pdk_dma_as *as, struct pdk_iova_extent *conflict)
{
	struct pdk_iommufd_range *kr = NULL;
	struct pdk_iova_extent *r = NULL;
	uint64_t align = 0;
	uint32_t n = 0, i;
	int rc;

	rc = pdk_iommufd_iova_ranges(as->ictx, as->ioas_id, &kr, &n, &align);
	if (rc < 0)
		return rc;
	if (n > 0) {
		r = malloc((size_t)n * sizeof(*r));
		if (r == NULL) {
			free(kr);
			return pdk_log_fail("dma", as->label, -ENOMEM, "free some memory",
					    "IOVA ranges of IOAS %u: a copy of %u ranges",
					    as->ioas_id, n);
		}
		/* a separate type keeps iova.h free of iommufd */
		for (i = 0; i < n; i++) {
			r[i].start = kr[i].start;
			r[i].last = kr[i].last;
		}
	}
	free(kr);
	if (as->iova == NULL)
		rc = pdk_iova_create(r, n, align, &as->iova);
	else
		rc = pdk_iova_set_ranges(as->iova, r, n, align, conflict);
	free(r);
	if (rc == -EADDRINUSE && conflict != NULL)
		return pdk_log_fail("dma", as->label, rc,
				    "ranges left unchanged: unmap the buffer at that IOVA and refresh again",
				    "IOVA ranges of IOAS %u: the new usable ones exclude the allocated IOVA [%#" PRIx64 ", %#" PRIx64 "]",
				    as->ioas_id, conflict->start, conflict->last);
	if (rc < 0)
		return pdk_log_fail("dma", as->label, rc,
				    rc == -ENOMEM ? "free some memory" :
				    "the kernel reported an alignment that is not a power of two, or an inverted range (a kernel or simulator bug)",
				    "IOVA ranges of IOAS %u: loading them into the IOVA allocator",
				    as->ioas_id);
	PDK_LOG(DEBUG, "dma", "%s: %u usable IOVA range(s), alignment %#" PRIx64 ", %" PRIu64
		" bytes free", as->label, n, pdk_iova_align(as->iova), pdk_iova_free_bytes(as->iova));
	return 0;
}

int
pdk_dma_as_create(struct pdk_iommufd *ctx, const char *name, struct pdk_dma_as **as)
{
	struct pdk_dma_as *a;
	int rc;

	if (name == NULL)
		name = "unnamed";
	if (as != NULL)
		*as = NULL;
	if (ctx == NULL || as == NULL)
		return pdk_log_fail("dma", NULL, -EINVAL,
				    "pass an open iommufd context and an output pointer",
				    "address space '%.64s' create: NULL %s", name,
				    ctx == NULL ? "iommufd context" : "output pointer");
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return pdk_log_fail("dma", NULL, -ENOMEM, "free some memory",
				    "address space '%.64s' create: allocation", name);
	snprintf(a->name, sizeof(a->name), "%s", name);
	snprintf(a->label, sizeof(a->label), "address space '%s'", a->name);
	a->ictx = ctx;
	a->fault_fd = -1;
	a->fault_st.last_pasid = PDK_DMA_FAULT_NO_PASID;

	/*
	 * lib/iommufd logs a refused IOAS; this file logs what fails in its own
	 * steps (as_load_ranges()). Either way nothing is left behind.
	 */
	rc = pdk_iommufd_ioas_alloc(ctx, &a->ioas_id);
	if (rc < 0) {
		free(a);
		return rc;
	}
	rc = as_load_ranges(a, NULL);
	if (rc < 0) {
		pdk_iommufd_destroy(ctx, a->ioas_id);
		free(a);
		return rc;
	}
	pdk_holders_add(pdk_iommufd_holders(ctx), &a->ictx_hold, "address space", a->name, true);
	*as = a;
	return 0;
}

/* Remove entry @p i of the HWPT table. */
static void
hwpt_remove(struct pdk_dma_as *as, unsigned int i)
{
	/* skipped for the last entry (the common case: a call less per put) */
	if (i + 1 < as->nhwpts)
		memmove(&as->hwpts[i], &as->hwpts[i + 1],
			(size_t)(as->nhwpts - i - 1) * sizeof(as->hwpts[0]));
	as->nhwpts--;
}

int
pdk_dma_as_destroy(struct pdk_dma_as *as)
{
	unsigned int i, refs = 0;
	int rc;

	if (as == NULL)
		return 0;
	for (i = 0; i < as->nhwpts; i++)
		refs += as->hwpts[i].refcnt;
	if (refs > 0)
		return pdk_log_fail("dma", as->label, -EBUSY,
				    "release the PASID contexts and detach the RID that use it first",
				    "destroy: %u reference(s) held on its HWPT(s) (first: HWPT %u of device id %u)",
				    refs, as->hwpts[0].hwpt_id, as->hwpts[0].dev_id);
	/*
	 * HWPTs whose destroy failed before: they must go before the IOAS can.
	 * lib/iommufd logs a refused destroy, with the kernel's cause (a device
	 * still attached); the address space is unchanged.
	 */
	while (as->nhwpts > 0) {
		rc = pdk_iommufd_destroy(as->ictx, as->hwpts[0].hwpt_id);
		if (rc < 0)
			return rc;
		hwpt_remove(as, 0);
	}
	/*
	 * Destroying the IOAS would drop the mappings too; unmapping first keeps
	 * the IOAS consistent with the table if the destroy then fails.
	 */
	if (as->nmaps > 0) {
		rc = pdk_iommufd_unmap_all(as->ictx, as->ioas_id, NULL);
		if (rc < 0 && rc != -ENOENT)
			return rc;
		dma_as_forget_mappings(as);
	}
	rc = pdk_iommufd_destroy(as->ictx, as->ioas_id);
	if (rc < 0)
		return rc;
	/* the IOAS is gone: a failed close is logged, the space goes anyway */
	dma_fault_fini(as);
	pdk_holders_del(pdk_iommufd_holders(as->ictx), &as->ictx_hold);
	pdk_iova_destroy(as->iova);
	dma_vat_fini(as);
	free(as->maps);
	free(as->hwpts);
	free(as);
	return 0;
}

const char *
pdk_dma_as_name(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_name: NULL address space"))
		return NULL;
	return as->name;
}

uint32_t
pdk_dma_as_ioas_id(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_ioas_id: NULL address space"))
		return 0;
	return as->ioas_id;
}

struct pdk_iommufd *
pdk_dma_as_iommufd(const struct pdk_dma_as *as)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "pdk_dma_as_iommufd: NULL address space"))
		return NULL;
	return as->ictx;
}

static PDK_COLD int
hwpt_get_refused(const struct pdk_dma_as *as, uint32_t dev_id, const uint32_t *hwpt_id)
{
	return pdk_log_fail("dma", as != NULL ? as->label : NULL, -EINVAL,
			    "pass an address space, a bound device's id and an output pointer",
			    "HWPT get for device id %u: %s", dev_id,
			    as == NULL ? "NULL address space" :
			    hwpt_id == NULL ? "NULL output pointer" : "device id 0");
}

/* Room for one more HWPT: 0 or -ENOMEM (logged). Once per doubling: out of line. */
static __attribute__((noinline)) int
hwpts_grow(struct pdk_dma_as *as, uint32_t dev_id)
{
	unsigned int ncap = as->hwpts_cap != 0 ? as->hwpts_cap * 2 : 4;
	struct dma_hwpt *h = realloc(as->hwpts, (size_t)ncap * sizeof(*h));

	if (h == NULL)
		return pdk_log_fail("dma", as->label, -ENOMEM, "free some memory",
				    "HWPT get for device id %u: growing the HWPT table", dev_id);
	as->hwpts = h;
	as->hwpts_cap = ncap;
	return 0;
}

int
pdk_dma_as_hwpt_get(struct pdk_dma_as *as, uint32_t dev_id, uint32_t *hwpt_id)
{
	struct dma_hwpt *h;
	uint32_t id, flags, fault_id;
	unsigned int i;
	int rc;

	if (pdk_unlikely(as == NULL || hwpt_id == NULL || dev_id == 0))
		return hwpt_get_refused(as, dev_id, hwpt_id);
	for (i = 0; i < as->nhwpts; i++) {
		if (as->hwpts[i].dev_id == dev_id) {
			as->hwpts[i].refcnt++;
			*hwpt_id = as->hwpts[i].hwpt_id;
			return 0;
		}
	}
	if (as->nhwpts == as->hwpts_cap) {
		rc = hwpts_grow(as, dev_id);
		if (rc < 0)
			return rc;
	}
	/* a refusal is lib/iommufd's to log: it knows what the IOMMU refused */
	rc = dma_fault_hwpt_flags(as, &flags, &fault_id);
	if (rc < 0)
		return rc;
	rc = pdk_iommufd_hwpt_alloc(as->ictx, dev_id, as->ioas_id, flags, fault_id, &id);
	if (rc < 0)
		return rc;
	h = &as->hwpts[as->nhwpts++];
	h->dev_id = dev_id;
	h->hwpt_id = id;
	h->refcnt = 1;
	*hwpt_id = id;
	PDK_LOG(DEBUG, "dma", "%s: HWPT %u for device id %u", as->label, id, dev_id);
	/*
	 * A new domain narrows the IOAS to its aperture (the kernel refused the
	 * HWPT if a mapping lay outside it): the allocator must stay inside
	 * too, but only the next map needs that. Re-reading the ranges there
	 * keeps two IOMMU_IOAS_IOVA_RANGES calls out of every PASID set-up.
	 */
	as->ranges_stale = true;
	return 0;
}

static PDK_COLD void
hwpt_put_unknown(const struct pdk_dma_as *as, uint32_t hwpt_id)
{
	pdk_log_fail("dma", as->label, -ENOENT, "a put without a matching get (a bug in the caller)",
		     "HWPT %u put: it holds no reference here", hwpt_id);
}

/*
 * Drop a reference; the last one destroys the HWPT unless @p attached.
 * Inline in both callers: a call less per put.
 */
static inline __attribute__((always_inline)) void
hwpt_put(struct pdk_dma_as *as, uint32_t hwpt_id, bool attached)
{
	struct dma_hwpt *h = NULL;
	unsigned int i;
	int rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "HWPT %u put: NULL address space", hwpt_id))
		return;
	for (i = 0; i < as->nhwpts; i++) {
		if (as->hwpts[i].hwpt_id == hwpt_id) {
			h = &as->hwpts[i];
			break;
		}
	}
	if (pdk_unlikely(h == NULL || h->refcnt == 0)) {
		hwpt_put_unknown(as, hwpt_id);
		return;
	}
	if (--h->refcnt > 0 || attached)
		return;
	/*
	 * Refused by lib/iommufd, logged there (still attached: a failed
	 * detach?). Keep it: a later get reuses it, pdk_dma_as_destroy() retries.
	 */
	rc = pdk_iommufd_destroy(as->ictx, hwpt_id);
	if (rc < 0)
		return;
	hwpt_remove(as, i);
	as->ranges_stale = true;	/* the aperture goes with the domain: they may widen */
}

void
pdk_dma_as_hwpt_put(struct pdk_dma_as *as, uint32_t hwpt_id)
{
	hwpt_put(as, hwpt_id, false);
}

void
pdk_dma_as_hwpt_put_attached(struct pdk_dma_as *as, uint32_t hwpt_id)
{
	hwpt_put(as, hwpt_id, true);
}

int
pdk_dma_as_refresh_ranges(struct pdk_dma_as *as)
{
	struct pdk_iova_extent c = {0, 0};
	int rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "IOVA ranges refresh: NULL address space"))
		return -EINVAL;
	/* what fails is logged where it fails: lib/iommufd or as_load_ranges() */
	rc = as_load_ranges(as, &c);
	if (rc == 0)
		as->ranges_stale = false;
	return rc;
}

int
dma_as_ranges_sync(struct pdk_dma_as *as)
{
	if (!as->ranges_stale)
		return 0;
	return pdk_dma_as_refresh_ranges(as);
}
