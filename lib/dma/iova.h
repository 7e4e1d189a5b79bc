/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_IOVA_H
#define PDK_IOVA_H

/**
 * @file
 * PDK's IOVA allocator (internal to lib/dma, not installed).
 *
 * It hands out IOVA extents inside a set of usable ranges (an IOAS's
 * IOMMU_IOAS_IOVA_RANGES). It is a plain data structure: no kernel calls,
 * no locking, and no logging. Callers log failures with their own context
 * (the address space's name); pdk_iova_largest_free() and the conflict
 * output of pdk_iova_set_ranges() give them what to say.
 *
 * Rules:
 * - every extent starts and ends on the minimum alignment given at
 *   creation (at least PDK_IOVA_MIN_ALIGN), and sizes are rounded up to it;
 * - IOVAs below PDK_IOVA_FLOOR are never handed out, so IOVA 0 is never
 *   valid and a zero IOVA in a descriptor is always a bug;
 * - allocation is first-fit from the lowest address, each extent naturally
 *   aligned: to the next power of two of its size, capped at
 *   PDK_IOVA_MAX_NATURAL_ALIGN (so large buffers can use IOMMU superpages),
 *   and never less than the minimum alignment;
 * - a freed extent is merged with its free neighbours, so the space is
 *   reused and does not fragment under alloc/free cycles.
 *
 * All ranges and extents are inclusive ([start, last]) so that a range
 * ending at UINT64_MAX needs no overflowing end value.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Smallest alignment the allocator works with (one 4 KiB IOMMU page). */
#define PDK_IOVA_MIN_ALIGN 4096u

/** Lowest IOVA ever handed out: IOVA 0 stays unused. */
#define PDK_IOVA_FLOOR 4096u

/** Natural alignment stops growing at this size (one 2 MiB superpage). */
#define PDK_IOVA_MAX_NATURAL_ALIGN (2u * 1024 * 1024)

/** An IOVA extent, both ends inclusive. */
struct pdk_iova_extent {
	uint64_t start;
	uint64_t last;
};

/** An allocator (opaque). */
struct pdk_iova;

/**
 * Create an allocator over @p ranges.
 * @param ranges usable ranges, in any order; overlapping or adjacent ones
 *   are merged, and each is shrunk to the alignment and to PDK_IOVA_FLOOR.
 *   May be empty (every allocation then fails with -ENOSPC).
 * @param n number of ranges.
 * @param align minimum alignment: 0 or a power of two; raised to
 *   PDK_IOVA_MIN_ALIGN.
 * @param[out] iova the allocator.
 * @return 0, -EINVAL (NULL pointer, @p align not a power of two, a range
 *   with start > last), -ENOMEM.
 */
int pdk_iova_create(const struct pdk_iova_extent *ranges, unsigned int n, uint64_t align,
		    struct pdk_iova **iova);

/** Free the allocator (extents still allocated are simply forgotten). NULL is a no-op. */
void pdk_iova_destroy(struct pdk_iova *iova);

/**
 * Allocate an extent of @p len bytes (rounded up to the minimum alignment).
 * @param[out] start its first IOVA.
 * @return 0, -EINVAL when @p len is 0, -ENOSPC when no free extent fits,
 *   -ENOMEM. Nothing changes on failure.
 */
int pdk_iova_alloc(struct pdk_iova *iova, uint64_t len, uint64_t *start);

/**
 * Allocate the extent at @p start, chosen by the caller (e.g. IOVA == VA).
 * @p len is rounded up to the minimum alignment; pdk_iova_free(@p start)
 * releases it.
 * @return 0, -EINVAL (@p len 0 or @p start not aligned), -EEXIST (overlaps an
 *   allocated extent), -ERANGE (not inside the usable ranges), -ENOMEM.
 *   Nothing changes on failure.
 */
int pdk_iova_reserve(struct pdk_iova *iova, uint64_t start, uint64_t len);

/**
 * Free the extent that pdk_iova_alloc() returned at @p start.
 * Never allocates memory, so it cannot fail on an extent handed out.
 * @return 0, or -ENOENT when no allocated extent starts there (nothing
 *   changes).
 */
int pdk_iova_free(struct pdk_iova *iova, uint64_t start);

/**
 * Free every allocated extent at once (an emptied IOAS): O(ranges), where
 * pdk_iova_free() one by one would move the arrays each time. Never
 * allocates.
 */
void pdk_iova_free_all(struct pdk_iova *iova);

/**
 * Replace the usable ranges (and the minimum alignment), e.g. after a
 * device attach narrowed the IOAS. The free space becomes the new ranges
 * minus the allocated extents: it shrinks, or grows if the ranges widened.
 * @param align as for pdk_iova_create().
 * @param[out] conflict on -EADDRINUSE, the first allocated extent that does
 *   not lie inside one of the new ranges (may be NULL).
 * @return 0, -EADDRINUSE (nothing changes), -EINVAL, -ENOMEM (nothing
 *   changes).
 */
int pdk_iova_set_ranges(struct pdk_iova *iova, const struct pdk_iova_extent *ranges,
			unsigned int n, uint64_t align, struct pdk_iova_extent *conflict);

/** @return the minimum alignment in use. */
uint64_t pdk_iova_align(const struct pdk_iova *iova);

/** @return the number of allocated extents. */
unsigned int pdk_iova_used_count(const struct pdk_iova *iova);

/**
 * Get an allocated extent by index, in ascending address order.
 * @return 0, or -ENOENT when @p idx >= pdk_iova_used_count().
 */
int pdk_iova_used_extent(const struct pdk_iova *iova, unsigned int idx,
			 struct pdk_iova_extent *ext);

/** @return the number of free extents (maximal: no two are adjacent). */
unsigned int pdk_iova_free_count(const struct pdk_iova *iova);

/**
 * Get a free extent by index, in ascending address order.
 * @return 0, or -ENOENT when @p idx >= pdk_iova_free_count().
 */
int pdk_iova_free_extent(const struct pdk_iova *iova, unsigned int idx,
			 struct pdk_iova_extent *ext);

/**
 * @return the total free bytes (it fits: nothing below PDK_IOVA_FLOOR is
 *   ever free).
 */
uint64_t pdk_iova_free_bytes(const struct pdk_iova *iova);

/** @return the size of the largest free extent (0 if none), for error messages. */
uint64_t pdk_iova_largest_free(const struct pdk_iova *iova);

#ifdef __cplusplus
}
#endif

#endif /* PDK_IOVA_H */
