/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_PASID_PRIVATE_H
#define PDK_PASID_PRIVATE_H

/*
 * The PASID space and context objects, shared by the files of lib/pasid
 * (not installed).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "pdk_dma_internal.h"
#include "pdk_internal.h"
#include "pdk_pasid.h"

/* PCIe's PASID field is 20 bits wide. */
#define PASID_MAX_WIDTH 20

struct pdk_pasid_ctx {
	TAILQ_ENTRY(pdk_pasid_ctx) next;
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as;
	uint32_t pasid;
	uint32_t hwpt_id;
	bool owns_pasid;	/* allocated or reserved by the context: freed on release */
};

TAILQ_HEAD(pasid_ctx_list, pdk_pasid_ctx);

struct pdk_pasid_space {
	struct pdk_vfio_dev *dev;
	/* the claim on the device: the one owner of its PASID table and RID */
	struct pdk_hold dev_hold;
	char label[32];		/* "of DDDD:BB:DD.F": the claim's name after its kind "PASID space" */
	struct pdk_iommufd *ictx;
	uint32_t dev_id;
	unsigned int width;
	uint32_t npasids;	/* 1 << width */
	/*
	 * Bit set = taken. Bit 0 (the RID) and the bits past npasids in the
	 * last word are set for good, so the search needs no masking.
	 */
	uint64_t *bitmap;
	uint32_t nwords;
	/*
	 * Two summary levels, so that an alloc is three ctz whatever the
	 * occupancy: bit w of full1 is set when bitmap word w is full, bit x
	 * of full2 when full1 word x is; bits past the real words are set for
	 * good. One allocation with the bitmap; nw2 <= 4 for 20 bits.
	 */
	uint64_t *full1;
	uint64_t *full2;
	uint32_t nw1, nw2;
	unsigned int count;	/* PASIDs allocated, the RID not counted */
	struct pasid_ctx_list ctxs;
	/*
	 * PASIDs whose detach the kernel refused: still attached to their old
	 * HWPT, so DMA tagged with them still reaches the old address space.
	 * They stay allocated until a new context's attach replaces that
	 * attachment or the space goes; pdk_pasid_free() refuses them.
	 */
	struct pasid_stuck {
		uint32_t pasid;
		bool ctx_owned;	/* the released context had allocated it */
		/* where it is still attached: that HWPT cannot be destroyed */
		const struct pdk_dma_as *as;
		uint32_t hwpt_id;
	} *stuck;
	unsigned int nstuck;
	struct pdk_dma_as *rid_as;	/* NULL while this space has not attached the RID */
	uint32_t rid_hwpt;
	/*
	 * Released contexts kept for the next create, at most
	 * PASID_SPARE_CTXS: a set-up + teardown then costs no malloc and free
	 * (a quarter of PDK's own work in one on the sim). Freed with the space.
	 */
	struct pdk_spares spares;
};

/* Enough for a driver that re-creates its queues' contexts; more are freed. */
#define PASID_SPARE_CTXS 8

/* Free the space's spare contexts (pdk_pasid_space_destroy()). */
PDK_INTERNAL void pasid_ctx_spares_free(struct pdk_pasid_space *space);

/* @return true when PASID @p pasid is allocated (0 and out-of-range ones: false). */
PDK_INTERNAL bool pasid_is_allocated(const struct pdk_pasid_space *space, uint32_t pasid);

/* Bring the summary bits of bitmap word @p w up to date. */
static inline void
pasid_summary_update(struct pdk_pasid_space *space, uint32_t w)
{
	uint32_t x = w / 64;
	uint64_t b1 = 1ull << (w % 64), b2 = 1ull << (x % 64);

	if (space->bitmap[w] == ~0ull)
		space->full1[x] |= b1;
	else
		space->full1[x] &= ~b1;
	if (space->full1[x] == ~0ull)
		space->full2[x / 64] |= b2;
	else
		space->full2[x / 64] &= ~b2;
}

/*
 * Mark a PASID in [1, npasids) allocated or free, with no checks or logs.
 * The summaries are brought up to date every time, not only when a word
 * becomes full or stops being full: that saved a sparse space 25
 * instructions a call but made a full one's calls dearer than a sparse
 * one's (1.2x to 1.8x in pdk-bench-ctl --only scale), where PASIDs at
 * scale promise the same cost at any occupancy.
 */
static inline void
pasid_bit_set(struct pdk_pasid_space *space, uint32_t pasid)
{
	space->bitmap[pasid / 64] |= 1ull << (pasid % 64);
	space->count++;
	pasid_summary_update(space, pasid / 64);
}

static inline void
pasid_bit_clear(struct pdk_pasid_space *space, uint32_t pasid)
{
	space->bitmap[pasid / 64] &= ~(1ull << (pasid % 64));
	space->count--;
	pasid_summary_update(space, pasid / 64);
}

/* pasid_check_as()'s refusal: logs why @p as cannot back the attachment, -EINVAL. */
PDK_INTERNAL PDK_COLD int pasid_check_as_refused(const struct pdk_pasid_space *space,
						 const struct pdk_dma_as *as, const char *what);

/*
 * Check that @p as can back an attachment of this space's device: not NULL
 * and made in the same iommufd context (device ids are per context).
 * Logs and returns -EINVAL otherwise; @p what names the operation.
 */
static inline int
pasid_check_as(const struct pdk_pasid_space *space, const struct pdk_dma_as *as,
	       const char *what)
{
	if (pdk_likely(as != NULL && pdk_dma_as_iommufd(as) == space->ictx))
		return 0;
	return pasid_check_as_refused(space, as, what);
}

/* pasid_take_lowest()'s refusal: logs that every PASID is allocated, -ENOSPC. */
PDK_INTERNAL PDK_COLD int pasid_space_full(const struct pdk_pasid_space *space);

/*
 * Allocate the lowest free PASID into *@p pasid: the first non-full word
 * at each summary level, three ctz whatever the occupancy. 0, or -ENOSPC
 * (logged). The body of pdk_pasid_alloc(), inline in a context's create.
 */
static inline int
pasid_take_lowest(struct pdk_pasid_space *space, uint32_t *pasid)
{
	uint32_t j;

	for (j = 0; j < space->nw2; j++) {
		uint64_t avail = ~space->full2[j];
		uint32_t x, w;

		if (avail == 0)
			continue;
		x = j * 64 + (uint32_t)__builtin_ctzll(avail);
		w = x * 64 + (uint32_t)__builtin_ctzll(~space->full1[x]);
		*pasid = w * 64 + (uint32_t)__builtin_ctzll(~space->bitmap[w]);
		pasid_bit_set(space, *pasid);
		return 0;
	}
	return pasid_space_full(space);
}

/*
 * The fix of a refusal lib/vfio handed back (@p vfix, may be NULL) followed
 * by what the space did about it (@p then, may be NULL), into @p buf.
 * @return @p buf, or NULL when both are NULL (no fix to print).
 */
PDK_INTERNAL const char *pasid_fix(char *buf, size_t len, const char *vfix, const char *then);

/*
 * The fix of an attach of @p as refused with @p rc: when the space has a
 * fault queue and the IOMMU refused with -ENODEV, the device takes no page
 * requests (kernel-facts K12), and why, as far as @p dev's config space
 * (vfio-pci's view) tells: no PRI capability, or PRI without ATS, which VT-d
 * needs to enable PRI; else @p vfix, lib/vfio's. @p dev NULL: the reason
 * is not looked up.
 */
PDK_INTERNAL const char *pasid_attach_fault_fix(struct pdk_vfio_dev *dev,
						const struct pdk_dma_as *as, int rc,
						const char *vfix);

/* @return true when a stuck PASID of the space is still attached to HWPT @p hwpt of @p as. */
PDK_INTERNAL bool pasid_stuck_at(const struct pdk_pasid_space *space, const struct pdk_dma_as *as,
				 uint32_t hwpt);

/*
 * Drop the space's reference on HWPT @p hwpt of @p as. When the device is
 * still attached to it (@p attached: a detach the kernel refused just now,
 * or a stuck PASID there) the HWPT is kept rather than destroyed, since the
 * kernel would refuse that too and log the one failure twice.
 */
static inline void
pasid_hwpt_put(const struct pdk_pasid_space *space, struct pdk_dma_as *as, uint32_t hwpt,
	       bool attached)
{
	if (!attached && pdk_unlikely(space->nstuck > 0))
		attached = pasid_stuck_at(space, as, hwpt);
	if (attached)
		pdk_dma_as_hwpt_put_attached(as, hwpt);
	else
		pdk_dma_as_hwpt_put(as, hwpt);
}

/* @return the index of @p pasid among the stuck PASIDs, or -1. */
PDK_INTERNAL int pasid_stuck_find(const struct pdk_pasid_space *space, uint32_t pasid);

/* @return the context using @p pasid, or NULL. */
PDK_INTERNAL struct pdk_pasid_ctx *pasid_ctx_find(const struct pdk_pasid_space *space,
						 uint32_t pasid);


#endif /* PDK_PASID_PRIVATE_H */
