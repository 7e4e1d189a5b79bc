/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pasid_private.h"
#include "pdk_dma_internal.h"
#include "pdk_log.h"
#include "pdk_pcicfg.h"
#include "pdk_vfio_internal.h"

/* How many PASIDs a refused destroy names before it counts the rest. */
#define PASIDS_NAMED 4

/* Why PASIDs are unusable, by IOMMU kind: the log must point at the right fix. */
static int
no_pasid(const struct pdk_vfio_dev *dev, uint32_t hw_type, unsigned int width)
{
	if (hw_type == IOMMU_HW_INFO_TYPE_AMD)
		return pdk_log_fail("pasid", pdk_vfio_name(dev), -EOPNOTSUPP,
				    "the kernel's AMD IOMMU driver cannot attach a PASID to a paging domain (iommufd PASID attach returns EOPNOTSUPP); use an Intel VT-d (scalable mode) or ARM SMMUv3 system for PASIDs",
				    "PASID space create: the IOMMU (AMD-Vi) reports a PASID width of %u",
				    width);
	return pdk_log_fail("pasid", pdk_vfio_name(dev), -EOPNOTSUPP,
			    "the device has no PCI PASID capability, or the IOMMU driver did not enable it, or the kernel is older than 6.15 (IOMMU_GET_HW_INFO reports no PASID width before 6.15); use a PASID-capable device behind VT-d in scalable mode or SMMUv3, on Linux 6.15+",
			    "PASID space create: the IOMMU reports a PASID width of 0");
}

int
pdk_pasid_space_create(struct pdk_vfio_dev *dev, struct pdk_iommufd *ctx,
		       struct pdk_pasid_space **space)
{
	struct pdk_iommufd_hw_info info;
	struct pdk_pasid_space *s;
	unsigned int width, tail;
	uint32_t dev_id;
	int rc;

	if (space != NULL)
		*space = NULL;
	if (dev == NULL || ctx == NULL || space == NULL)
		return pdk_log_fail("pasid", dev != NULL ? pdk_vfio_name(dev) : NULL, -EINVAL,
				    "pass an open device, its iommufd context and an output pointer",
				    "PASID space create: NULL %s",
				    dev == NULL ? "device" :
				    ctx == NULL ? "iommufd context" : "output pointer");
	dev_id = pdk_vfio_dev_id(dev);
	if (dev_id == 0)
		return pdk_log_fail("pasid", pdk_vfio_name(dev), -EINVAL,
				    "bind first (pdk_vfio_bind())",
				    "PASID space create: the device is not bound to an iommufd context");
	/* device ids are per context: another context's id could name another device */
	if (pdk_vfio_iommufd(dev) != ctx)
		return pdk_log_fail("pasid", pdk_vfio_name(dev), -EINVAL,
				    "pass the context it was bound to (pdk_vfio_iommufd())",
				    "PASID space create: the device is bound to another iommufd context than the one passed");

	/*
	 * Refused by lib/iommufd, logged there with the kernel's cause. A kernel
	 * that does not know the ioctl (before 6.6) or its PASID part (before
	 * 6.15) has no PASIDs for PDK: -EOPNOTSUPP, as pdk_pasid.h says.
	 */
	memset(&info, 0, sizeof(info));
	rc = pdk_iommufd_hw_info(ctx, dev_id, &info);
	if (rc == -ENOTTY || rc == -EINVAL)
		return -EOPNOTSUPP;
	if (rc < 0)
		return rc;
	width = info.max_pasid_log2;
	/*
	 * AMD-Vi may report a width, yet every PASID attach of a paging domain
	 * fails (Linux 7.3 and before): refusing here leaves nothing half made.
	 */
	if (width == 0 || info.data_type == IOMMU_HW_INFO_TYPE_AMD)
		return no_pasid(dev, info.data_type, width);
	if (width > PASID_MAX_WIDTH) {
		PDK_LOG(WARNING, "pasid", "%s: the IOMMU reports a PASID width of %u bits, more than PCIe's %u; using %u",
			pdk_vfio_name(dev), width, PASID_MAX_WIDTH, PASID_MAX_WIDTH);
		width = PASID_MAX_WIDTH;
	}

	s = calloc(1, sizeof(*s));
	if (s != NULL) {
		s->npasids = 1u << width;
		s->nwords = (s->npasids + 63) / 64;
		s->nw1 = (s->nwords + 63) / 64;
		s->nw2 = (s->nw1 + 63) / 64;
		s->bitmap = calloc((size_t)s->nwords + s->nw1 + s->nw2, sizeof(*s->bitmap));
	}
	if (s == NULL || s->bitmap == NULL) {
		free(s);
		return pdk_log_fail("pasid", pdk_vfio_name(dev), -ENOMEM, "free some memory",
				    "PASID space create: the %u-bit PASID bitmap", width);
	}
	snprintf(s->label, sizeof(s->label), "of %s", pdk_vfio_name(dev));
	rc = pdk_vfio_claim(dev, s, &s->dev_hold, s->label);
	if (rc < 0) {
		free(s->bitmap);
		free(s);
		return pdk_log_fail("pasid", pdk_vfio_name(dev), rc,
				    "use that one (one per device), or destroy it first",
				    "PASID space create: the device already has a PASID space, which owns its PASIDs and RID");
	}
	s->dev = dev;
	s->ictx = ctx;
	s->dev_id = dev_id;
	s->width = width;
	TAILQ_INIT(&s->ctxs);
	/* PASID 0 is the RID: attaching it as a PASID wedges the RID until close */
	s->bitmap[0] = 1;
	tail = s->npasids % 64;
	if (tail != 0)
		s->bitmap[s->nwords - 1] |= ~0ull << tail;
	s->full1 = s->bitmap + s->nwords;
	s->full2 = s->full1 + s->nw1;
	if (s->nwords % 64 != 0)
		s->full1[s->nw1 - 1] |= ~0ull << (s->nwords % 64);
	if (s->nw1 % 64 != 0)
		s->full2[s->nw2 - 1] |= ~0ull << (s->nw1 % 64);
	pasid_summary_update(s, 0);
	pasid_summary_update(s, s->nwords - 1);
	*space = s;
	PDK_LOG(INFO, "pasid", "%s: PASID space of %u bits (PASIDs 1..%u), IOMMU type %u",
		pdk_vfio_name(dev), width, s->npasids - 1, info.data_type);
	return 0;
}

/* Detach the RID and drop its HWPT; on teardown the reference goes even if the detach fails. */
static int
rid_detach(struct pdk_pasid_space *space, bool teardown)
{
	struct pdk_dma_as *as = space->rid_as;
	const char *vfix;
	char fix[320];
	int rc;

	if (as == NULL)
		return 0;
	rc = pdk_vfio_owner_detach(space->dev, space, &vfix);
	if (rc < 0) {
		pdk_log_fail("pasid", pdk_vfio_name(space->dev), rc,
			     pasid_fix(fix, sizeof(fix), vfix, teardown ?
				       "PDK forgets it anyway, closing the device detaches it" :
				       "it stays attached, retry or close the device"),
			     "RID detach from HWPT %u of address space '%s'%s", space->rid_hwpt,
			     pdk_dma_as_name(as), teardown ? " (PASID space destroy)" : "");
		if (!teardown)
			return rc;
	}
	space->rid_as = NULL;
	/* a RID still attached (teardown after a refused detach) keeps its HWPT busy */
	pasid_hwpt_put(space, as, space->rid_hwpt, rc < 0);
	space->rid_hwpt = 0;
	/* the RID's reserved regions leave the IOAS: its ranges may widen */
	if (pdk_dma_as_refresh_ranges(as) < 0)
		PDK_LOG(WARNING, "pasid", "%s: address space '%s' keeps its narrower IOVA ranges after the RID detach",
			pdk_vfio_name(space->dev), pdk_dma_as_name(as));
	return rc;
}

/* "1, 2, 7 (and 3 more)": the PASIDs of the live contexts, for a refusal. */
static void
describe_ctxs(const struct pdk_pasid_space *space, char *buf, size_t len)
{
	const struct pdk_pasid_ctx *c;
	unsigned int i = 0, n = 0;
	size_t off = 0;
	int w;

	buf[0] = '\0';
	TAILQ_FOREACH(c, &space->ctxs, next)
		n++;
	TAILQ_FOREACH(c, &space->ctxs, next) {
		if (i == PASIDS_NAMED) {
			snprintf(buf + off, len - off, " (and %u more)", n - i);
			return;
		}
		w = snprintf(buf + off, len - off, "%s%u", i > 0 ? ", " : "", c->pasid);
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
		i++;
	}
}

int
pdk_pasid_space_destroy(struct pdk_pasid_space *space)
{
	char pasids[96];

	if (space == NULL)
		return 0;
	if (!TAILQ_EMPTY(&space->ctxs)) {
		describe_ctxs(space, pasids, sizeof(pasids));
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EBUSY,
				    "release them first (pdk_pasid_ctx_release()), the space is unchanged",
				    "PASID space destroy: the contexts of PASID(s) %s are still attached",
				    pasids);
	}
	rid_detach(space, true);
	pdk_vfio_unclaim(space->dev, space, &space->dev_hold);
	pasid_ctx_spares_free(space);
	free(space->stuck);
	free(space->bitmap);
	free(space);
	return 0;
}

/* Accessors answer a NULL space with their neutral value, logged. */
static bool
space_null(const struct pdk_pasid_space *space, const char *call)
{
	return pdk_log_null(space, "pasid", NULL, "pass one from pdk_pasid_space_create()",
			    "%s: NULL PASID space", call);
}

unsigned int
pdk_pasid_space_width(const struct pdk_pasid_space *space)
{
	return space_null(space, "pdk_pasid_space_width") ? 0 : space->width;
}

struct pdk_vfio_dev *
pdk_pasid_space_dev(const struct pdk_pasid_space *space)
{
	return space_null(space, "pdk_pasid_space_dev") ? NULL : space->dev;
}

unsigned int
pdk_pasid_space_count(const struct pdk_pasid_space *space)
{
	return space_null(space, "pdk_pasid_space_count") ? 0 : space->count;
}

int
pdk_pasid_list(const struct pdk_pasid_space *space, uint32_t *pasids, unsigned int max)
{
	unsigned int n = 0;
	uint32_t w;

	if (space_null(space, "PASID list"))
		return -EINVAL;
	if (pasids == NULL && max > 0)
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EINVAL,
				    "pass an array, or max 0 to count only",
				    "PASID list: NULL array with room for %u", max);
	for (w = 0; w < space->nwords && n < space->count; w++) {
		uint64_t bits = space->bitmap[w];

		while (bits != 0) {
			uint32_t pasid = w * 64 + (uint32_t)__builtin_ctzll(bits);

			bits &= bits - 1;
			/* bit 0 and the tail past the width are set for good */
			if (pasid == 0 || pasid >= space->npasids)
				continue;
			if (n < max)
				pasids[n] = pasid;
			n++;
		}
	}
	return (int)n;
}

bool
pasid_is_allocated(const struct pdk_pasid_space *space, uint32_t pasid)
{
	if (pasid == 0 || pasid >= space->npasids)
		return false;
	return (space->bitmap[pasid / 64] >> (pasid % 64)) & 1;
}

bool
pasid_stuck_at(const struct pdk_pasid_space *space, const struct pdk_dma_as *as, uint32_t hwpt)
{
	unsigned int i;

	for (i = 0; i < space->nstuck; i++)
		if (space->stuck[i].as == as && space->stuck[i].hwpt_id == hwpt)
			return true;
	return false;
}

int
pasid_stuck_find(const struct pdk_pasid_space *space, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < space->nstuck; i++)
		if (space->stuck[i].pasid == pasid)
			return (int)i;
	return -1;
}

struct pdk_pasid_ctx *
pasid_ctx_find(const struct pdk_pasid_space *space, uint32_t pasid)
{
	struct pdk_pasid_ctx *c;

	TAILQ_FOREACH(c, &space->ctxs, next)
		if (c->pasid == pasid)
			return c;
	return NULL;
}

const char *
pasid_fix(char *buf, size_t len, const char *vfix, const char *then)
{
	snprintf(buf, len, "%s%s%s", vfix != NULL ? vfix : "",
		 vfix != NULL && then != NULL ? "; " : "", then != NULL ? then : "");
	return buf[0] != '\0' ? buf : NULL;
}

const char *
pasid_attach_fault_fix(struct pdk_vfio_dev *dev, const struct pdk_dma_as *as, int rc,
			   const char *vfix)
{
	struct pdk_pcicfg *cfg = NULL;
	bool pri = true, ats = true;

	if (rc != -ENODEV || !pdk_dma_as_has_fault_queue(as))
		return vfix;
	/* what vfio-pci shows of the function: its PRI and ATS capabilities (PASID is hidden) */
	if (dev != NULL && pdk_pcicfg_read_vfio(dev, &cfg) == 0) {
		pri = pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PRI) != NULL;
		ats = pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS) != NULL;
		pdk_pcicfg_free(cfg);
	}
	if (!pri)
		return "the address space has a fault handler and the IOMMU takes no page requests from this device: it has no PRI (Page Request Interface) capability, so it cannot send any: use a space without pdk_dma_as_set_fault_handler()";
	if (!ats)
		return "the address space has a fault handler and the IOMMU takes no page requests from this device: it has PRI but no ATS (Address Translation Services) capability, and VT-d enables page requests only on a device with ATS: use a device with ATS, or a space without pdk_dma_as_set_fault_handler()";
	return "the address space has a fault handler and the IOMMU takes no page requests from this device (VT-d needs PRI, with ATS, enabled on it; the kernel leaves ATS off on an untrusted, external-facing device): use a space without pdk_dma_as_set_fault_handler()";
}

int
pasid_check_as_refused(const struct pdk_pasid_space *space, const struct pdk_dma_as *as,
		       const char *what)
{
	if (pdk_log_null(as, "pasid", pdk_vfio_name(space->dev),
			 "pass one made with pdk_dma_as_create()", "%s: NULL address space", what))
		return -EINVAL;
	return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EINVAL,
			    "create it on the context the device is bound to",
			    "%s: address space '%s' belongs to another iommufd context than the device's PASID space",
			    what, pdk_dma_as_name(as));
}

int
pasid_space_full(const struct pdk_pasid_space *space)
{
	return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -ENOSPC,
			    "free one (pdk_pasid_free() or pdk_pasid_ctx_release())",
			    "PASID alloc: all %u PASIDs of the %u-bit space are allocated",
			    space->npasids - 1, space->width);
}

int
pdk_pasid_alloc(struct pdk_pasid_space *space, uint32_t *pasid)
{
	if (space == NULL || pasid == NULL)
		return pdk_log_fail("pasid", space != NULL ? pdk_vfio_name(space->dev) : NULL,
				    -EINVAL,
				    "pass a PASID space from pdk_pasid_space_create() and an output pointer",
				    "PASID alloc: NULL %s",
				    space == NULL ? "PASID space" : "output pointer");
	return pasid_take_lowest(space, pasid);
}

int
pdk_pasid_reserve(struct pdk_pasid_space *space, uint32_t pasid)
{
	if (pdk_log_null(space, "pasid", NULL, "pass one from pdk_pasid_space_create()",
			 "PASID %u reserve: NULL PASID space", pasid))
		return -EINVAL;
	if (pasid == 0 || pasid >= space->npasids)
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -ERANGE,
				    pasid == 0 ? "PASID 0 is the RID and is never a PASID: use 1 or above" :
				    "it is outside the device's PASID width: check pdk_pasid_space_width()",
				    "PASID %u reserve", pasid);
	if (pasid_is_allocated(space, pasid))
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EEXIST,
				    "pick another, or let pdk_pasid_alloc() choose",
				    "PASID %u reserve: it is already allocated", pasid);
	pasid_bit_set(space, pasid);
	return 0;
}

int
pdk_pasid_free(struct pdk_pasid_space *space, uint32_t pasid)
{
	if (pdk_log_null(space, "pasid", NULL, "pass one from pdk_pasid_space_create()",
			 "PASID %u free: NULL PASID space", pasid))
		return -EINVAL;
	if (!pasid_is_allocated(space, pasid))
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -ENOENT,
				    "free only what pdk_pasid_alloc() or pdk_pasid_reserve() gave",
				    "PASID %u free: %s", pasid,
				    pasid == 0 ? "PASID 0 is the RID, never allocated" :
				    pasid >= space->npasids ? "it is outside the device's PASID width" :
				    "it is not allocated (a double free?)");
	if (pasid_ctx_find(space, pasid) != NULL)
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EBUSY,
				    "release the context (pdk_pasid_ctx_release()) first",
				    "PASID %u free: a context still uses it", pasid);
	if (pasid_stuck_find(space, pasid) >= 0)
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EBUSY,
				    "handing it out again would let DMA tagged with it reach the old address space; it stays allocated until a context attaches it again or the device closes",
				    "PASID %u free: the kernel still has it attached (its detach failed)",
				    pasid);
	pasid_bit_clear(space, pasid);
	return 0;
}

int
pdk_pasid_rid_attach(struct pdk_pasid_space *space, struct pdk_dma_as *as)
{
	struct pdk_dma_as *old_as;
	uint32_t hwpt, old_hwpt;
	const char *vfix;
	char fix[320];
	int rc;

	if (pdk_log_null(space, "pasid", NULL, "pass one from pdk_pasid_space_create()",
			 "RID attach: NULL PASID space"))
		return -EINVAL;
	rc = pasid_check_as(space, as, "RID attach");
	if (rc < 0)
		return rc;
	/*
	 * Take the new reference first: a failed replace leaves the old
	 * attachment as it was. A refusal is lib/dma's to log.
	 */
	rc = pdk_dma_as_hwpt_get(as, space->dev_id, &hwpt);
	if (rc < 0)
		return rc;
	rc = pdk_vfio_owner_attach(space->dev, space, hwpt, &vfix);
	if (rc < 0) {
		vfix = pasid_attach_fault_fix(space->dev, as, rc, vfix);
		if (rc == -EADDRINUSE)
			vfix = "the device's reserved IOVA regions (e.g. the MSI window) overlap mappings of the address space: attach the RID before mapping, or unmap them";
		pdk_log_fail("pasid", pdk_vfio_name(space->dev), rc,
			     pasid_fix(fix, sizeof(fix), vfix, space->rid_as != NULL ? "the RID stays attached to its previous address space" : NULL),
			     "RID attach to HWPT %u of address space '%s'", hwpt,
			     pdk_dma_as_name(as));
		pasid_hwpt_put(space, as, hwpt, false);
		return rc;
	}
	old_as = space->rid_as;
	old_hwpt = space->rid_hwpt;
	space->rid_as = as;
	space->rid_hwpt = hwpt;
	/*
	 * A refresh logs its own failure; the attach is done regardless, and
	 * says what a failed refresh means for each address space.
	 */
	if (old_as != NULL) {
		pasid_hwpt_put(space, old_as, old_hwpt, false);
		if (old_as != as && pdk_dma_as_refresh_ranges(old_as) < 0)
			PDK_LOG(WARNING, "pasid", "%s: address space '%s' keeps its narrower IOVA ranges after the RID moved away",
				pdk_vfio_name(space->dev), pdk_dma_as_name(old_as));
	}
	/* the RID's reserved regions (MSI window...) are now cut out of the IOAS */
	if (pdk_dma_as_refresh_ranges(as) < 0)
		PDK_LOG(WARNING, "pasid", "%s: RID attached to address space '%s', but its IOVA ranges were not refreshed (above): IOVAs it hands out may hit the device's reserved regions",
			pdk_vfio_name(space->dev), pdk_dma_as_name(as));
	return 0;
}

int
pdk_pasid_rid_detach(struct pdk_pasid_space *space)
{
	if (pdk_log_null(space, "pasid", NULL, "pass one from pdk_pasid_space_create()",
			 "RID detach: NULL PASID space"))
		return -EINVAL;
	return rid_detach(space, false);
}
