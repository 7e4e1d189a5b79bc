/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * I/O page faults of an address space: its fault queue, the poll loop that
 * hands faults to the space's handler and answers each group, and the
 * map-on-demand policy.
 *
 * The queue is per address space, not per iommufd context: a fault record
 * (struct iommu_hwpt_pgfault) names the device and PASID but not the HWPT,
 * so a queue shared by several spaces could not tell whose handler to call
 * without a (device, PASID) -> space table that only lib/pasid has.
 */

#include <errno.h>
#include <inttypes.h>

#include "dma_private.h"
#include "pdk_dma_internal.h"
#include "pdk_iommufd_internal.h"
#include "pdk_log.h"

/* Faults read at a time: the kernel returns whole groups, which fit here. */
#define DMA_FAULT_BATCH 32u

int
dma_fault_queue_open(struct pdk_dma_as *as)
{
	int rc;

	if (as->fault_fd >= 0)
		return 0;
	/* lib/iommufd logs a refusal, with the kernel's cause */
	rc = pdk_iommufd_fault_alloc(as->ictx, &as->fault_id, &as->fault_fd);
	if (rc < 0)
		return rc;
	PDK_LOG(DEBUG, "dma", "%s: fault queue %u (fd %d)", as->label, as->fault_id, as->fault_fd);
	return 0;
}

bool
pdk_dma_as_has_fault_queue(const struct pdk_dma_as *as)
{
	return as->fault_fd >= 0;
}

int
dma_fault_fini(struct pdk_dma_as *as)
{
	int rc;

	if (as->fault_fd < 0)
		return 0;
	/* the fd holds the queue object: close it first, then destroy the object */
	rc = pdk_iommufd_fault_close(as->ictx, as->fault_fd);
	as->fault_fd = -1;
	if (rc < 0)
		return rc;
	return pdk_iommufd_destroy(as->ictx, as->fault_id);
}

int
pdk_dma_as_set_fault_handler(struct pdk_dma_as *as, pdk_dma_fault_cb cb, void *arg)
{
	int rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "set fault handler: NULL address space"))
		return -EINVAL;
	if (as->nhwpts > 0)
		return pdk_log_fail("dma", as->label, -EBUSY,
				    "set the handler before the first PASID or RID attach of the space",
				    "set fault handler: %u HWPT(s) exist, allocated %s a fault queue",
				    as->nhwpts, as->fault_cb != NULL ? "with" : "without");
	/* no HWPT uses the queue any more: it goes with the handler (a failure is logged) */
	if (cb == NULL && (rc = dma_fault_fini(as)) < 0)
		return rc;
	as->fault_cb = cb;
	as->fault_arg = arg;
	return 0;
}

/* A kernel record as the handler sees it. */
static void
fault_from_record(const struct iommu_hwpt_pgfault *r, struct pdk_dma_fault *f)
{
	f->dev_id = r->dev_id;
	f->pasid = (r->flags & IOMMU_PGFAULT_FLAGS_PASID_VALID) ? r->pasid : PDK_DMA_FAULT_NO_PASID;
	f->iova = r->addr & ~(uint64_t)(DMA_PAGE_SIZE - 1);
	f->access = ((r->perm & IOMMU_PGFAULT_PERM_READ) ? PDK_DMA_FAULT_READ : 0) |
		    ((r->perm & IOMMU_PGFAULT_PERM_WRITE) ? PDK_DMA_FAULT_WRITE : 0) |
		    ((r->perm & IOMMU_PGFAULT_PERM_EXEC) ? PDK_DMA_FAULT_EXEC : 0) |
		    ((r->perm & IOMMU_PGFAULT_PERM_PRIV) ? PDK_DMA_FAULT_PRIV : 0);
	f->grpid = r->grpid;
	f->last = (r->flags & IOMMU_PGFAULT_FLAGS_LAST_PAGE) != 0;
}

int
pdk_dma_as_fault_poll(struct pdk_dma_as *as, unsigned int max)
{
	struct iommu_hwpt_pgfault recs[DMA_FAULT_BATCH];
	struct pdk_dma_fault f;
	unsigned int done = 0;
	bool group_ok = true;
	int n, i, rc;

	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "fault poll: NULL address space"))
		return -EINVAL;
	if (as->fault_cb == NULL)
		return pdk_log_fail("dma", as->label, -ENOENT,
				    "set one with pdk_dma_as_set_fault_handler() before the first attach",
				    "fault poll: the space has no fault handler");
	if (as->fault_fd < 0)
		return 0;	/* no HWPT yet, so no fault */
	while (done < max) {
		/* lib/iommufd logs a failed read */
		n = pdk_iommufd_fault_read(as->ictx, as->fault_fd, recs,
					   max - done < DMA_FAULT_BATCH ? max - done : DMA_FAULT_BATCH);
		if (n < 0)
			as->fault_st.errors++;
		if (n <= 0)
			return n < 0 ? n : (int)done;
		for (i = 0; i < n; i++) {
			fault_from_record(&recs[i], &f);
			as->fault_st.faults++;
			as->fault_st.last_iova = f.iova;
			as->fault_st.last_pasid = f.pasid;
			if (as->fault_cb(as, &f, as->fault_arg) != 0) {
				group_ok = false;
				as->fault_st.refused++;
			} else {
				as->fault_st.resolved++;
			}
			/*
			 * One response per group, with its last fault's cookie
			 * (kernel-facts K12); a read holds whole groups only.
			 */
			if (!f.last && i + 1 < n)
				continue;
			rc = pdk_iommufd_fault_respond(as->ictx, as->fault_fd, recs[i].cookie,
						       group_ok ? IOMMUFD_PAGE_RESP_SUCCESS :
						       IOMMUFD_PAGE_RESP_INVALID);
			if (rc < 0) {
				as->fault_st.errors++;
				return rc;
			}
			if (group_ok)
				as->fault_st.groups_ok++;
			else
				as->fault_st.groups_invalid++;
			group_ok = true;
		}
		done += (unsigned int)n;
	}
	return (int)done;
}

int
pdk_dma_as_fault_stats(const struct pdk_dma_as *as, struct pdk_dma_fault_stats *st)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "fault stats: NULL address space"))
		return -EINVAL;
	if (pdk_log_null(st, "dma", as->label, "pass a struct pdk_dma_fault_stats to fill",
			 "fault stats: NULL result pointer"))
		return -EINVAL;
	*st = as->fault_st;
	return 0;
}

int
pdk_dma_as_fault_region(struct pdk_dma_as *as, void *va, size_t len, uint64_t iova,
			unsigned int perm)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "fault region: NULL address space"))
		return -EINVAL;
	if (va == NULL || len == 0 || ((uintptr_t)va | len | iova) % DMA_PAGE_SIZE != 0 ||
	    perm == 0 || (perm & ~(PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)) != 0)
		return pdk_log_fail("dma", as->label, -EINVAL,
				    "pass page-aligned memory, length and IOVA, and READ and/or WRITE",
				    "fault region %p + %#zx at IOVA %#" PRIx64 " perm %#x", va, len,
				    iova, perm);
	as->fault_region.va = (uintptr_t)va;
	as->fault_region.len = len;
	as->fault_region.iova = iova;
	as->fault_region.perm = perm;
	return 0;
}

int
pdk_dma_as_fault_prefault(struct pdk_dma_as *as, unsigned int pages)
{
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "fault prefault: NULL address space"))
		return -EINVAL;
	as->fault_region.ahead = pages;
	return 0;
}

int
pdk_dma_fault_map_on_demand(struct pdk_dma_as *as, const struct pdk_dma_fault *fault, void *arg)
{
	uint64_t off, page;
	unsigned int i;
	int rc;

	(void)arg;
	if (pdk_log_null(as, "dma", NULL, DMA_FIX_AS, "map on demand: NULL address space"))
		return -EINVAL;
	if (pdk_log_null(fault, "dma", as->label, "pass the fault the handler was given",
			 "map on demand: NULL fault"))
		return -EINVAL;
	if (as->fault_region.len == 0 || fault->iova < as->fault_region.iova ||
	    fault->iova - as->fault_region.iova >= as->fault_region.len)
		return pdk_log_fail("dma", as->label, -ENOENT,
				    "the device used an IOVA outside the region of pdk_dma_as_fault_region()",
				    "map on demand: fault at IOVA %#" PRIx64 " (device id %u)",
				    fault->iova, fault->dev_id);
	if (((fault->access & PDK_DMA_FAULT_WRITE) && !(as->fault_region.perm & PDK_IOMMUFD_WRITE)) ||
	    ((fault->access & PDK_DMA_FAULT_READ) && !(as->fault_region.perm & PDK_IOMMUFD_READ)))
		return pdk_log_fail("dma", as->label, -EACCES,
				    "the device accessed the region in a way its permission refuses",
				    "map on demand: %s fault at IOVA %#" PRIx64 " (device id %u)",
				    (fault->access & PDK_DMA_FAULT_WRITE) ? "write" : "read",
				    fault->iova, fault->dev_id);
	/*
	 * The page that holds the IOVA: pdk_dma_as_fault_poll() hands the
	 * handler page-aligned IOVAs, a fault a caller builds may not be.
	 */
	page = fault->iova & ~(uint64_t)(DMA_PAGE_SIZE - 1);
	off = page - as->fault_region.iova;
	/*
	 * Mapped already, from the region: resolved. Several ops of a device
	 * that blocks on faults touch the same page before the first request
	 * is answered, and each sends its own; as for a CPU fault on a page
	 * another thread just brought in, there is nothing left to do.
	 */
	if (pdk_dma_va2iova_strict(as, (void *)(as->fault_region.va + off)) == page)
		return 0;
	/*
	 * The faulting page and the pages ahead go in one mapping, so a
	 * window costs one IOMMU_IOAS_MAP (one pin, one page-table update)
	 * however wide: a map per page would make prefaulting no cheaper than
	 * faulting. The window ends at the region's end or at the first page
	 * mapped already (an earlier window got there).
	 */
	for (i = 1; i <= as->fault_region.ahead; i++) {
		uint64_t next = off + (uint64_t)i * DMA_PAGE_SIZE;

		if (next >= as->fault_region.len ||
		    pdk_dma_va2iova_strict(as, (void *)(as->fault_region.va + next)) !=
		    PDK_DMA_BAD_IOVA)
			break;
	}
	/* pdk_dma_map_iova() logs a refusal (an IOVA mapped already: -EEXIST) */
	rc = pdk_dma_map_iova(as, (void *)(as->fault_region.va + off), (size_t)i * DMA_PAGE_SIZE,
			      page, as->fault_region.perm);
	return rc < 0 ? rc : 0;
}
