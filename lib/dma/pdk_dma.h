/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMA_H
#define PDK_DMA_H

/**
 * @file
 * DMA address spaces. A struct pdk_dma_as is one IOAS plus the HWPTs made
 * from it (one per device, PASID-compatible, created on first use), an IOVA
 * allocator confined to the IOAS's usable ranges that reuses freed space, the
 * table of mappings, and a VA -> IOVA lookup for the data path.
 *
 * Memory is mapped from the process: plain mmap'ed memory with
 * pdk_dma_map(), or all of DPDK's memory with pdk_dpdk_mem_map() (libpdk_dpdk).
 *
 * IOVA = VA by default: pdk_dma_map() maps a buffer at its own VA when the
 * IOAS's usable ranges contain it and nothing of the space is mapped there,
 * so that translation is the identity (DPDK's IOVA-as-VA mode, per address
 * space). Where that fails, and in every space set to PDK_DMA_IOVA_ALLOC,
 * the allocator chooses: IOVAs from 4096 (never 0), naturally aligned up
 * to 2 MiB.
 *
 * The control path (everything but pdk_dma_va2iova() and
 * pdk_dma_va2iova_strict()) is not thread-safe: serialise it per address
 * space. The two lookups are lock-free and write nothing; they must not
 * race with map/unmap of the same space.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdk_iommufd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** An address space (opaque). */
struct pdk_dma_as;

/** Returned by pdk_dma_va2iova() for an address that is not mapped. */
#define PDK_DMA_BAD_IOVA UINT64_MAX

/** How pdk_dma_map() chooses the IOVA of a buffer. */
enum pdk_dma_iova_mode {
	/**
	 * The default: IOVA = VA where the IOAS's usable ranges contain the
	 * buffer and no mapping of the space uses those IOVAs; else as
	 * PDK_DMA_IOVA_ALLOC.
	 */
	PDK_DMA_IOVA_VA = 0,
	/** Always PDK's allocator (the lowest free, naturally aligned IOVA). */
	PDK_DMA_IOVA_ALLOC,
};

/**
 * Create an address space: a new IOAS in @p ctx. The context cannot close
 * while the address space lives (pdk_iommufd_close() refuses with -EBUSY).
 * @param ctx  the iommufd context
 * @param name a label for logs and dumps (copied); NULL: "unnamed".
 * @param[out] as  the new address space
 * @return 0, -EINVAL (NULL argument), -ENOMEM, or the -errno of
 *   IOMMU_IOAS_ALLOC or IOMMU_IOAS_IOVA_RANGES.
 */
int pdk_dma_as_create(struct pdk_iommufd *ctx, const char *name, struct pdk_dma_as **as);

/**
 * Destroy the address space: unmap everything, destroy its HWPTs and IOAS.
 * NULL is a no-op.
 * @param as  the address space
 * @return 0, or -EBUSY (nothing changed) while a HWPT of it is referenced
 *   (a PASID context or a RID attachment still uses it), or -errno from
 *   the kernel (the address space then stays valid).
 */
int pdk_dma_as_destroy(struct pdk_dma_as *as);

/**
 * @param as  the address space
 * @return the label given at creation; NULL for NULL.
 */
const char *pdk_dma_as_name(const struct pdk_dma_as *as);

/**
 * @param as  the address space
 * @return the IOAS id; 0 for NULL.
 */
uint32_t pdk_dma_as_ioas_id(const struct pdk_dma_as *as);

/**
 * @param as  the address space
 * @return the iommufd context of the address space; NULL for NULL.
 */
struct pdk_iommufd *pdk_dma_as_iommufd(const struct pdk_dma_as *as);

/**
 * Take a reference on the PASID-compatible HWPT of this address space for
 * device @p dev_id, allocating it on first use. Drop it with
 * pdk_dma_as_hwpt_put() once the device no longer uses it (after detach).
 * @param as  the address space
 * @param dev_id  the device, bound to the space's iommufd context
 * @param[out] hwpt_id  the HWPT's object id
 * @return 0, -EINVAL (NULL argument), -ENOMEM, or the -errno of
 *   IOMMU_HWPT_ALLOC.
 */
int pdk_dma_as_hwpt_get(struct pdk_dma_as *as, uint32_t dev_id, uint32_t *hwpt_id);

/**
 * Drop a reference taken by pdk_dma_as_hwpt_get(); the last one destroys the HWPT.
 * @param as  the address space
 * @param hwpt_id  the HWPT pdk_dma_as_hwpt_get() gave
 */
void pdk_dma_as_hwpt_put(struct pdk_dma_as *as, uint32_t hwpt_id);

/**
 * Re-read the usable IOVA ranges (they narrow when a RID is attached:
 * reserved regions such as the MSI window are cut out, and widen again
 * after its detach). pdk_pasid_rid_attach() calls it.
 * @param as  the address space
 * @return 0, -EADDRINUSE (nothing changed) when an IOVA in use lies outside
 *   the new ranges, or -errno.
 */
int pdk_dma_as_refresh_ranges(struct pdk_dma_as *as);

/**
 * Choose how later pdk_dma_map() calls pick IOVAs (mappings made are kept).
 * @param as  the address space
 * @param mode  PDK_DMA_IOVA_VA (the default) or PDK_DMA_IOVA_ALLOC
 * @return 0, or -EINVAL (NULL space, unknown mode).
 */
int pdk_dma_as_set_iova_mode(struct pdk_dma_as *as, enum pdk_dma_iova_mode mode);

/**
 * @param as  the address space
 * @return its mode; PDK_DMA_IOVA_VA for NULL.
 */
enum pdk_dma_iova_mode pdk_dma_as_iova_mode(const struct pdk_dma_as *as);

/**
 * @param as  the address space
 * @return true when the space has mappings and every one has IOVA == VA
 *   (then pdk_dma_va2iova() is the identity), else false (also for NULL).
 */
bool pdk_dma_as_is_identity(const struct pdk_dma_as *as);

/**
 * Map [va, va + len): at IOVA == VA where the space's mode and the IOAS
 * allow it (see enum pdk_dma_iova_mode), else at an IOVA chosen by PDK's
 * allocator.
 * @param as  the address space
 * @param va  the buffer (page aligned)
 * @param len  its length (whole pages)
 * @param perm PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE.
 * @param[out] iova the IOVA of @p va (may be NULL: pdk_dma_va2iova() finds it).
 * @return 0, -EINVAL for unaligned input, -ENOSPC when no IOVA range fits,
 *   -EEXIST if the VA range overlaps a mapping of this space, or -errno
 *   from the kernel.
 */
int pdk_dma_map(struct pdk_dma_as *as, void *va, size_t len, unsigned int perm, uint64_t *iova);

/**
 * Map [va, va + len) at an IOVA the caller chooses (for example IOVA == VA,
 * or the same IOVA in two spaces), taking it from PDK's allocator.
 * @param as  the address space
 * @param va  the buffer (page aligned)
 * @param len  its length (whole pages)
 * @param iova  where to map it (page aligned)
 * @param perm  PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE
 * @return 0, -EINVAL (unaligned), -EEXIST (the IOVA or VA range overlaps a
 *   mapping of this space), -ERANGE (outside the IOAS's usable ranges), or
 *   -errno from the kernel. pdk_dma_unmap(@p va) undoes it.
 */
int pdk_dma_map_iova(struct pdk_dma_as *as, void *va, size_t len, uint64_t iova,
		     unsigned int perm);

/**
 * Unmap the mapping that starts at @p va and free its IOVA space.
 * @param as  the address space
 * @param va  the start of a mapping
 * @return 0, -ENOENT when no mapping starts at @p va, or -errno from the
 *   kernel (the mapping is then kept).
 */
int pdk_dma_unmap(struct pdk_dma_as *as, void *va);

/**
 * Translate a process address to its IOVA in this space, for the data path.
 * Lock-free for readers against each other; must not race with map/unmap
 * of the same space. When every mapping of the space is IOVA == VA
 * (pdk_dma_as_is_identity()), it returns @p va without looking anything
 * up, mapped or not (as DPDK's IOVA-as-VA mode): a device given an
 * unmapped VA then faults in the IOMMU, since no IOVA of the space equals it.
 * Otherwise it walks the space's VA table, a radix tree over VA pages
 * kept while the space is mixed: at most four dependent loads, whatever
 * the number of mappings. No argument checks (a build with
 * -Dfastpath_checks=true has them: PDK_DMA_BAD_IOVA and a log line; it
 * also skips the identity shortcut, so an unmapped VA gives PDK_DMA_BAD_IOVA):
 * @p as must be a valid address space.
 * @param as  the address space
 * @param va  any address inside a mapping of @p as
 * @return the IOVA, or PDK_DMA_BAD_IOVA (an unmapped VA of a space that is
 *   not all identity).
 */
uint64_t pdk_dma_va2iova(const struct pdk_dma_as *as, const void *va);

/**
 * Translate as pdk_dma_va2iova(), but always through a table: an address
 * outside every mapping gives PDK_DMA_BAD_IOVA, identity space or not (for
 * a model of an IOMMU, or a check before handing out an address). On an
 * identity space, which keeps no VA table, it is a binary search of the
 * mappings (O(log n)); on a mixed one the VA table walk.
 * Same threading rules and argument checks as pdk_dma_va2iova().
 * @param as  the address space
 * @param va  any address
 * @return the IOVA or PDK_DMA_BAD_IOVA.
 */
uint64_t pdk_dma_va2iova_strict(const struct pdk_dma_as *as, const void *va);

/**
 * @param as  the address space
 * @return the number of mappings in the space; 0 for NULL.
 */
unsigned int pdk_dma_as_map_count(const struct pdk_dma_as *as);

/* ---- I/O page faults (see doc/guide.md, "Page faults of an address space") ---- */

/** Access bits of a struct pdk_dma_fault (after IOMMU_PGFAULT_PERM_*). */
#define PDK_DMA_FAULT_READ  (1u << 0)	/**< the access read */
#define PDK_DMA_FAULT_WRITE (1u << 1)	/**< the access wrote */
#define PDK_DMA_FAULT_EXEC  (1u << 2)	/**< an instruction fetch */
#define PDK_DMA_FAULT_PRIV  (1u << 3)	/**< a privileged (supervisor) access */

/** The PASID of a fault on the RID (no PASID in the request). */
#define PDK_DMA_FAULT_NO_PASID UINT32_MAX

/** One I/O page fault of an address space, as its handler sees it. */
struct pdk_dma_fault {
	uint32_t dev_id;	/**< the faulting device (its iommufd device id) */
	uint32_t pasid;		/**< its PASID, or PDK_DMA_FAULT_NO_PASID */
	uint64_t iova;		/**< the faulting IOVA (page aligned) */
	unsigned int access;	/**< PDK_DMA_FAULT_READ/WRITE/EXEC/PRIV */
	uint32_t grpid;		/**< the page request group (PCIe PRG index) */
	bool last;		/**< the last fault of its group */
};

/**
 * A fault handler: resolve @p fault (for example, map the page), called from
 * pdk_dma_as_fault_poll() on the caller's thread. It may map and unmap in
 * @p as, but must not destroy it.
 * @param as  the address space that faulted
 * @param fault  the fault
 * @param arg  the argument given to pdk_dma_as_set_fault_handler()
 * @return 0: resolved (the group is answered IOMMUFD_PAGE_RESP_SUCCESS);
 *   anything else: not resolved (IOMMUFD_PAGE_RESP_INVALID).
 */
typedef int (*pdk_dma_fault_cb)(struct pdk_dma_as *as, const struct pdk_dma_fault *fault,
				void *arg);

/**
 * Have the space's I/O page faults delivered to @p cb: its HWPTs are then
 * allocated with a fault queue (IOMMU_FAULT_QUEUE_ALLOC, one per address
 * space, created with the first HWPT), so a PASID or RID attached to the
 * space reports its faults to userspace. Set it before the first attach.
 * @param as  the address space
 * @param cb  the handler, NULL to go back to ordinary IOMMU faults
 * @param arg  passed to @p cb
 * @return 0, -EINVAL (NULL space), or -EBUSY (nothing changed) when the
 *   space already has HWPTs (they were allocated without the queue).
 */
int pdk_dma_as_set_fault_handler(struct pdk_dma_as *as, pdk_dma_fault_cb cb, void *arg);

/**
 * Read up to @p max pending faults of the space without blocking, call its
 * handler on each and answer each group once, with the cookie of its last
 * fault: IOMMUFD_PAGE_RESP_SUCCESS when the handler resolved every fault of
 * the group, else IOMMUFD_PAGE_RESP_INVALID.
 * @param as  the address space
 * @param max  the most faults to handle (0: none); the kernel reads whole
 *   groups, so a @p max below the next group's size makes the read -EINVAL
 * @return the number of faults handled (0: none pending), -EINVAL (NULL
 *   space), -ENOENT (no handler set), or -errno of the read or the response
 *   (faults handled before it are answered).
 */
int pdk_dma_as_fault_poll(struct pdk_dma_as *as, unsigned int max);

/** What pdk_dma_as_fault_poll() did for one address space, since its creation. */
struct pdk_dma_fault_stats {
	uint64_t faults;	/**< faults read and handed to the handler */
	uint64_t resolved;	/**< of those, the handler resolved (returned 0) */
	uint64_t refused;	/**< of those, the handler did not resolve */
	uint64_t groups_ok;	/**< groups answered IOMMUFD_PAGE_RESP_SUCCESS */
	uint64_t groups_invalid;	/**< groups answered IOMMUFD_PAGE_RESP_INVALID */
	uint64_t errors;	/**< reads or responses the kernel refused */
	uint64_t last_iova;	/**< the IOVA of the last fault read (0: none yet) */
	uint32_t last_pasid;	/**< its PASID, or PDK_DMA_FAULT_NO_PASID */
};

/**
 * Read the fault counters of the space. Same thread rules as
 * pdk_dma_as_fault_poll(), which updates them: a faults count not yet
 * equal to resolved + refused never shows, each poll's work is whole.
 * Faults the kernel queued that no poll read yet are not counted.
 * @param as  the address space
 * @param[out] st  the counters
 * @return 0, or -EINVAL (NULL argument).
 */
int pdk_dma_as_fault_stats(const struct pdk_dma_as *as, struct pdk_dma_fault_stats *st);

/**
 * Register a region for pdk_dma_fault_map_on_demand(): [va, va + len) is
 * to appear at [iova, iova + len), a page at a time, when the device
 * touches it. Nothing is mapped now. One region per space: a second call
 * replaces the first (pages mapped from it stay mapped).
 * @param as  the address space
 * @param va  the memory (page aligned)
 * @param len  its length (whole pages, not 0)
 * @param iova  where it goes (page aligned)
 * @param perm  PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE
 * @return 0 or -EINVAL (NULL, unaligned, no permission).
 */
int pdk_dma_as_fault_region(struct pdk_dma_as *as, void *va, size_t len, uint64_t iova,
			    unsigned int perm);

/**
 * Prefault ahead of a stream: pdk_dma_fault_map_on_demand() then also maps
 * up to @p pages pages of the region that follow the faulting one, stopping
 * at the region's end or at the first page already mapped, so a device
 * walking a buffer faults once per (@p pages + 1) pages. The faulting page
 * and those ahead are one mapping (one IOMMU_IOAS_MAP); pdk_dma_unmap() of
 * the faulting page's address takes the whole window. 0 (the default): the
 * faulting page only.
 * @param as  the address space
 * @param pages  pages to map ahead
 * @return 0 or -EINVAL (NULL space).
 */
int pdk_dma_as_fault_prefault(struct pdk_dma_as *as, unsigned int pages);

/**
 * A fault handler (pass it to pdk_dma_as_set_fault_handler()) that maps
 * the faulting page from the region of pdk_dma_as_fault_region() and
 * resolves the fault; a page of the region mapped already (a second
 * request for it) is resolved without a map; a fault outside the region,
 * an access the region's permission refuses, or an IOVA mapped to other
 * memory is not resolved.
 * @param as  the address space
 * @param fault  the fault
 * @param arg  unused
 * @return 0 (mapped), -EINVAL (NULL), -ENOENT (outside the region or no
 *   region), -EACCES (permission), or the -errno of pdk_dma_map_iova().
 */
int pdk_dma_fault_map_on_demand(struct pdk_dma_as *as, const struct pdk_dma_fault *fault,
				void *arg);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMA_H */
