/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dma_private.h"
#include "pdk_iommufd_internal.h"
#include "pdk_log.h"

bool
dma_as_null(const struct pdk_dma_as *as, const char *call)
{
	return pdk_arg_null(as, "dma", call, "address space", "pass one from pdk_dma_as_create()");
}

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
			return -ENOMEM;
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
	if (rc == 0)
		PDK_LOG(DEBUG, "dma", "address space '%s': %u usable IOVA range(s), alignment %#" PRIx64
			", %" PRIu64 " bytes free", as->name, n, pdk_iova_align(as->iova),
			pdk_iova_free_bytes(as->iova));
	return rc;
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
	if (ctx == NULL || as == NULL) {
		PDK_LOG(ERR, "dma", "address space '%s': create called with a NULL %s: %s; pass an open iommufd context and an output pointer",
			name, ctx == NULL ? "iommufd context" : "output pointer", strerror(EINVAL));
		return -EINVAL;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		PDK_LOG(ERR, "dma", "address space '%s': allocating the object failed: %s; free some memory",
			name, strerror(ENOMEM));
		return -ENOMEM;
	}
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->ictx = ctx;

	rc = pdk_iommufd_ioas_alloc(ctx, &a->ioas_id);
	if (rc < 0) {
		PDK_LOG(ERR, "dma", "address space '%s': allocating its IOAS failed: %s; check that the iommufd context is usable (see the iommufd error above)",
			a->name, strerror(-rc));
		free(a);
		return rc;
	}
	rc = as_load_ranges(a, NULL);
	if (rc < 0) {
		PDK_LOG(ERR, "dma", "address space '%s': reading the usable IOVA ranges of IOAS %u failed: %s; the IOAS was destroyed again, nothing is left behind",
			a->name, a->ioas_id, strerror(-rc));
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
	memmove(&as->hwpts[i], &as->hwpts[i + 1], (size_t)(as->nhwpts - i - 1) * sizeof(as->hwpts[0]));
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
	if (refs > 0) {
		PDK_LOG(ERR, "dma", "address space '%s': cannot destroy it: %s, %u reference(s) held on its HWPT(s) (first: HWPT %u of device id %u); release the PASID contexts and detach the RID that use it first",
			as->name, strerror(EBUSY), refs, as->hwpts[0].hwpt_id, as->hwpts[0].dev_id);
		return -EBUSY;
	}
	/* HWPTs whose destroy failed before: they must go before the IOAS can */
	while (as->nhwpts > 0) {
		rc = pdk_iommufd_destroy(as->ictx, as->hwpts[0].hwpt_id);
		if (rc < 0) {
			PDK_LOG(ERR, "dma", "address space '%s': destroying its HWPT %u (device id %u) failed: %s; a device is still attached to it (an earlier detach failed, or an attachment made outside PDK): close the device, or detach it",
				as->name, as->hwpts[0].hwpt_id, as->hwpts[0].dev_id, strerror(-rc));
			return rc;
		}
		hwpt_remove(as, 0);
	}
	/*
	 * Destroying the IOAS would drop the mappings too; unmapping first keeps
	 * the IOAS consistent with the table if the destroy then fails.
	 */
	if (as->nmaps > 0) {
		rc = pdk_iommufd_unmap_all(as->ictx, as->ioas_id, NULL);
		if (rc < 0 && rc != -ENOENT) {
			PDK_LOG(ERR, "dma", "address space '%s': unmapping its %u mapping(s) from IOAS %u failed: %s; the address space is unchanged, retry or close the iommufd context",
				as->name, as->nmaps, as->ioas_id, strerror(-rc));
			return rc;
		}
		dma_as_forget_mappings(as);
	}
	rc = pdk_iommufd_destroy(as->ictx, as->ioas_id);
	if (rc < 0) {
		PDK_LOG(ERR, "dma", "address space '%s': destroying IOAS %u failed: %s; something outside PDK still uses it (a HWPT allocated on it, or a device attached to it directly): release that first",
			as->name, as->ioas_id, strerror(-rc));
		return rc;
	}
	pdk_holders_del(pdk_iommufd_holders(as->ictx), &as->ictx_hold);
	pdk_iova_destroy(as->iova);
	free(as->maps);
	free(as->hwpts);
	free(as);
	return 0;
}

const char *
pdk_dma_as_name(const struct pdk_dma_as *as)
{
	return dma_as_null(as, "pdk_dma_as_name") ? NULL : as->name;
}

uint32_t
pdk_dma_as_ioas_id(const struct pdk_dma_as *as)
{
	return dma_as_null(as, "pdk_dma_as_ioas_id") ? 0 : as->ioas_id;
}

struct pdk_iommufd *
pdk_dma_as_iommufd(const struct pdk_dma_as *as)
{
	return dma_as_null(as, "pdk_dma_as_iommufd") ? NULL : as->ictx;
}

static const char *
hwpt_alloc_hint(int rc)
{
	switch (rc) {
	case -EOPNOTSUPP:
		return "the kernel (IOMMU_HWPT_ALLOC_PASID needs Linux 6.15+) or the IOMMU driver does not support PASID-compatible HWPTs";
	case -ENOENT:
		return "the device id is not bound to this address space's iommufd context: bind the device to it";
	case -EADDRINUSE:
		return "existing mappings fall outside this device's IOMMU aperture or alignment: create the HWPT before mapping, or unmap them";
	case -EINVAL:
		return "the IOMMU refused the domain for this device (see the iommufd error above)";
	default:
		return "see the iommufd error above";
	}
}

int
pdk_dma_as_hwpt_get(struct pdk_dma_as *as, uint32_t dev_id, uint32_t *hwpt_id)
{
	struct dma_hwpt *h;
	uint32_t id;
	unsigned int i;
	int rc;

	if (as == NULL || hwpt_id == NULL || dev_id == 0) {
		PDK_LOG(ERR, "dma", "address space '%s': HWPT get for device id %u: %s; pass a bound device's id and an output pointer",
			as != NULL ? as->name : "(null)", dev_id, strerror(EINVAL));
		return -EINVAL;
	}
	for (i = 0; i < as->nhwpts; i++) {
		if (as->hwpts[i].dev_id == dev_id) {
			as->hwpts[i].refcnt++;
			*hwpt_id = as->hwpts[i].hwpt_id;
			return 0;
		}
	}
	if (as->nhwpts == as->hwpts_cap) {
		unsigned int ncap = as->hwpts_cap != 0 ? as->hwpts_cap * 2 : 4;

		h = realloc(as->hwpts, (size_t)ncap * sizeof(*h));
		if (h == NULL) {
			PDK_LOG(ERR, "dma", "address space '%s': growing the HWPT table for device id %u failed: %s; free some memory",
				as->name, dev_id, strerror(ENOMEM));
			return -ENOMEM;
		}
		as->hwpts = h;
		as->hwpts_cap = ncap;
	}
	rc = pdk_iommufd_hwpt_alloc(as->ictx, dev_id, as->ioas_id, PDK_IOMMUFD_HWPT_PASID, 0, &id);
	if (rc < 0) {
		PDK_LOG(ERR, "dma", "address space '%s': allocating a PASID-compatible HWPT on IOAS %u for device id %u failed: %s; %s",
			as->name, as->ioas_id, dev_id, strerror(-rc), hwpt_alloc_hint(rc));
		return rc;
	}
	h = &as->hwpts[as->nhwpts++];
	h->dev_id = dev_id;
	h->hwpt_id = id;
	h->refcnt = 1;
	*hwpt_id = id;
	PDK_LOG(DEBUG, "dma", "address space '%s': HWPT %u for device id %u", as->name, id, dev_id);
	/*
	 * A new domain narrows the IOAS to its aperture (the kernel refused the
	 * HWPT if a mapping lay outside it): keep the allocator inside too.
	 */
	if (pdk_dma_as_refresh_ranges(as) < 0)
		PDK_LOG(WARNING, "dma", "address space '%s': HWPT %u allocated, but the IOVA ranges could not be re-read: IOVAs handed out may fall outside the domain's aperture",
			as->name, id);
	return 0;
}

void
pdk_dma_as_hwpt_put(struct pdk_dma_as *as, uint32_t hwpt_id)
{
	struct dma_hwpt *h = NULL;
	unsigned int i;
	int rc;

	if (dma_as_null(as, "HWPT put"))
		return;
	for (i = 0; i < as->nhwpts; i++) {
		if (as->hwpts[i].hwpt_id == hwpt_id) {
			h = &as->hwpts[i];
			break;
		}
	}
	if (h == NULL || h->refcnt == 0) {
		PDK_LOG(ERR, "dma", "address space '%s': put of HWPT %u, which holds no reference here: %s; a put without a matching get (a bug in the caller)",
			as->name, hwpt_id, strerror(ENOENT));
		return;
	}
	if (--h->refcnt > 0)
		return;
	rc = pdk_iommufd_destroy(as->ictx, hwpt_id);
	if (rc < 0) {
		/* keep it: a later get reuses it, pdk_dma_as_destroy() retries */
		PDK_LOG(ERR, "dma", "address space '%s': destroying HWPT %u of device id %u after its last put failed: %s; it is still attached (a failed detach?); closing the device detaches it, pdk_dma_as_destroy() retries",
			as->name, hwpt_id, h->dev_id, strerror(-rc));
		return;
	}
	hwpt_remove(as, i);
}

int
pdk_dma_as_refresh_ranges(struct pdk_dma_as *as)
{
	struct pdk_iova_extent c = {0, 0};
	int rc;

	if (as == NULL) {
		PDK_LOG(ERR, "dma", "refresh of the IOVA ranges of a NULL address space: %s; pass an address space",
			strerror(EINVAL));
		return -EINVAL;
	}
	rc = as_load_ranges(as, &c);
	if (rc == -EADDRINUSE)
		PDK_LOG(ERR, "dma", "address space '%s': the new usable IOVA ranges of IOAS %u exclude the allocated IOVA [%#" PRIx64 ", %#" PRIx64 "]: %s; ranges left unchanged: unmap the buffer at that IOVA and refresh again",
			as->name, as->ioas_id, c.start, c.last, strerror(EADDRINUSE));
	else if (rc < 0)
		PDK_LOG(ERR, "dma", "address space '%s': re-reading the usable IOVA ranges of IOAS %u failed: %s; ranges left unchanged, retry",
			as->name, as->ioas_id, strerror(-rc));
	return rc;
}
