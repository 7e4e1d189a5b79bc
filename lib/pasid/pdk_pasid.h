/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_PASID_H
#define PDK_PASID_H

/**
 * @file
 * A device's PASID space and its attachments.
 *
 * The kernel has no PASID allocator for this use: userspace picks PASIDs per
 * device in [1, 2^width), width from IOMMU_GET_HW_INFO. A struct
 * pdk_pasid_space does that for one bound VFIO device, and owns what the
 * device has attached: its RID and each PASID context. A context ties
 * PASID -> PASID-compatible HWPT -> address space; many contexts can share
 * one address space or each have their own.
 *
 * The address spaces must belong to the iommufd context the device is bound
 * to. Nothing here is thread-safe: serialise calls per space.
 */

#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_vfio.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A device's PASID space (opaque). */
struct pdk_pasid_space;

/** One attached PASID (opaque). */
struct pdk_pasid_ctx;

/**
 * Create the PASID space of a bound device.
 *
 * A device has one PASID table and one RID, so it has at most one PASID
 * space: the space owns them. While it lives, pdk_vfio_attach(),
 * pdk_vfio_detach(), pdk_vfio_pasid_attach() and pdk_vfio_pasid_detach()
 * on the device are refused with -EBUSY, and pdk_vfio_close() too. Several
 * tenants of one device share its space, each with contexts of its own:
 * no call can make two contexts own one PASID, and only a context's own
 * pdk_pasid_ctx_replace() moves its PASID to another address space.
 *
 * @param dev  the device, bound to @p ctx
 * @param ctx the iommufd context the device is bound to (pdk_vfio_iommufd()).
 * @param[out] space  the new PASID space
 * @return 0; -EINVAL for a NULL argument or a device not bound to @p ctx
 *   (checked first); -EBUSY when the device already has a PASID space; -EOPNOTSUPP when the device cannot use
 *   PASIDs (width 0: no PASID capability, PASID not enabled by the IOMMU
 *   driver, AMD-Vi, or a kernel older than 6.15), the log says which
 *   applies; -errno otherwise.
 */
int pdk_pasid_space_create(struct pdk_vfio_dev *dev, struct pdk_iommufd *ctx,
			   struct pdk_pasid_space **space);

/**
 * Detach the RID if this space attached it, give the device's PASID table
 * back and free the space (PASIDs the caller allocated are freed with it).
 * Refused (-EBUSY, nothing changed, logged with their PASIDs) while PASID
 * contexts of the space live: release them first. Call it before
 * pdk_vfio_close() of its device.
 * @param space  the PASID space
 * @return 0 (NULL: a no-op) or -EBUSY.
 */
int pdk_pasid_space_destroy(struct pdk_pasid_space *space);

/**
 * @param space  the PASID space
 * @return the PASID width in bits (1..20); 0 for NULL.
 */
unsigned int pdk_pasid_space_width(const struct pdk_pasid_space *space);

/**
 * @param space  the PASID space
 * @return the device of the space; NULL for NULL.
 */
struct pdk_vfio_dev *pdk_pasid_space_dev(const struct pdk_pasid_space *space);

/**
 * @param space  the PASID space
 * @return how many PASIDs are allocated; 0 for NULL.
 */
unsigned int pdk_pasid_space_count(const struct pdk_pasid_space *space);

/**
 * List the allocated PASIDs in ascending order, by the caller or by
 * contexts: fill up to @p max of them into @p pasids.
 * @param space  the PASID space
 * @param[out] pasids  the PASIDs (may be NULL when @p max is 0)
 * @param max  the size of @p pasids
 * @return how many are allocated (may exceed @p max), or -EINVAL.
 */
int pdk_pasid_list(const struct pdk_pasid_space *space, uint32_t *pasids, unsigned int max);

/**
 * Allocate the lowest free PASID (never 0).
 * @param space  the PASID space
 * @param[out] pasid  the PASID
 * @return 0, -EINVAL (NULL argument), or -ENOSPC when all are taken.
 */
int pdk_pasid_alloc(struct pdk_pasid_space *space, uint32_t *pasid);

/**
 * Reserve a PASID the caller chose.
 * @param space  the PASID space
 * @param pasid  the PASID
 * @return 0, -EINVAL (NULL space), -ERANGE outside [1, 2^width), -EEXIST if
 *   already allocated.
 */
int pdk_pasid_reserve(struct pdk_pasid_space *space, uint32_t pasid);

/**
 * Free an allocated PASID.
 * @param space  the PASID space
 * @param pasid  the PASID
 * @return 0, -EINVAL (NULL space), -EBUSY while a context uses it or while
 *   it is held back after a failed detach (pdk_pasid_ctx_release()), -ENOENT
 *   if it is not allocated (PASID 0 and PASIDs beyond the width included).
 */
int pdk_pasid_free(struct pdk_pasid_space *space, uint32_t pasid);

/**
 * Attach the device's RID to the address space's PASID-compatible HWPT
 * (or replace its current one). Needed only for RID DMA.
 * @param space  the device's PASID space
 * @param as  an address space of the device's iommufd context
 * @return 0, -EINVAL, -EADDRINUSE (the device's reserved IOVA regions overlap
 *   mappings of @p as), or -errno; on failure a previous attachment stays.
 */
int pdk_pasid_rid_attach(struct pdk_pasid_space *space, struct pdk_dma_as *as);

/**
 * Detach the RID if this space attached it.
 * @param space  the device's PASID space
 * @return 0, -EINVAL (NULL space), or -errno.
 */
int pdk_pasid_rid_detach(struct pdk_pasid_space *space);

/**
 * Allocate a PASID (or use @p pasid if non-zero, which must be allocated or
 * free) and attach it to @p as.
 *
 * A free @p pasid is reserved for the context and freed with it; one the
 * caller allocated stays the caller's. -EBUSY if another context uses
 * @p pasid. On failure every step is undone.
 * @param space  the device's PASID space
 * @param as  the address space to attach the PASID to
 * @param pasid  0 to allocate one, or the PASID to use
 * @param[out] ctx  the new context
 * @return 0, -EINVAL, -EBUSY, -ENOSPC (no free PASID), -ERANGE (@p pasid
 *   beyond the width), -ENOMEM, or -errno.
 */
int pdk_pasid_ctx_create(struct pdk_pasid_space *space, struct pdk_dma_as *as, uint32_t pasid,
			 struct pdk_pasid_ctx **ctx);

/**
 * Move the PASID to another address space atomically: on failure the old
 * one stays attached.
 * @param ctx  the PASID context
 * @param as  the new address space, of the same iommufd context
 * @return 0 (also when @p as is the current one), -EINVAL, or -errno.
 */
int pdk_pasid_ctx_replace(struct pdk_pasid_ctx *ctx, struct pdk_dma_as *as);

/**
 * Detach the PASID, free it (if the context allocated it) and the context.
 * The context is freed even when the detach fails (logged and returned:
 * closing the device detaches the PASID anyway); the PASID is then held
 * back, since the kernel still sends DMA tagged with it to the old address
 * space: pdk_pasid_alloc() skips it and pdk_pasid_free() refuses it
 * (-EBUSY) until a new context attaches it (which replaces the stale
 * attachment) or the space is destroyed. NULL is a no-op.
 * Contexts may be released in any order, by any tenant of the space; each
 * detaches only its own PASID.
 * @param ctx  the PASID context
 * @return 0, or the -errno of the detach (the context is freed all the same).
 */
int pdk_pasid_ctx_release(struct pdk_pasid_ctx *ctx);

/**
 * @param ctx  the PASID context
 * @return the context's PASID; 0 for NULL.
 */
uint32_t pdk_pasid_ctx_pasid(const struct pdk_pasid_ctx *ctx);

/**
 * @param ctx  the PASID context
 * @return the HWPT the PASID is attached to; 0 for NULL.
 */
uint32_t pdk_pasid_ctx_hwpt(const struct pdk_pasid_ctx *ctx);

/**
 * @param ctx  the PASID context
 * @return the address space the PASID is attached to; NULL for NULL.
 */
struct pdk_dma_as *pdk_pasid_ctx_as(const struct pdk_pasid_ctx *ctx);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_PASID_H */
