/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_IOMMUFD_H
#define PDK_IOMMUFD_H

/**
 * @file
 * A typed wrapper over /dev/iommu. One struct pdk_iommufd is one iommufd
 * context (one open of /dev/iommu) on one backend. Object ids (IOAS, HWPT,
 * fault queue, bound device) are the kernel's; every function returns 0 or
 * a negative errno and logs the failure with the step and a hint.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_sys.h"
#include "pdk_uapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** An iommufd context (opaque). */
struct pdk_iommufd;

/** Permission bits of a mapping. */
#define PDK_IOMMUFD_READ  (1u << 0) /**< the device may read */
#define PDK_IOMMUFD_WRITE (1u << 1) /**< the device may write */

/** Flags of pdk_iommufd_hwpt_alloc(). */
#define PDK_IOMMUFD_HWPT_PASID (1u << 0) /**< IOMMU_HWPT_ALLOC_PASID: may back a PASID */
#define PDK_IOMMUFD_HWPT_FAULT (1u << 1) /**< deliver I/O page faults to a fault queue */

/** One usable IOVA range, both ends inclusive. */
struct pdk_iommufd_range {
	uint64_t start;	/**< first usable IOVA */
	uint64_t last;	/**< last usable IOVA (inclusive) */
};

/** What IOMMU_GET_HW_INFO reports for a bound device. */
struct pdk_iommufd_hw_info {
	uint32_t data_type;	/**< enum iommu_hw_info_type: VT-d, SMMUv3, AMD... */
	uint8_t max_pasid_log2;	/**< PASID width; 0: no usable PASID */
	bool pasid_exec;	/**< PCI PASID Execute permission enabled */
	bool pasid_priv;	/**< PCI PASID Privileged mode enabled */
	bool dirty_tracking;	/**< IOMMU can track dirty pages */
	uint64_t capabilities;	/**< raw out_capabilities */
};

/**
 * Open /dev/iommu through @p sys.
 * @param sys  the backend: pdk_sys_kernel() or a simulated kernel
 * @param[out] ctx  the new context
 * @return 0, -ENOENT when the kernel has no iommufd (CONFIG_IOMMUFD), or
 *   another -errno.
 */
int pdk_iommufd_open(struct pdk_sys *sys, struct pdk_iommufd **ctx);

/**
 * Close the context.
 *
 * Refused (-EBUSY, nothing changed, a log line naming the holders) while an
 * address space, a bound device, a bus or a fault queue fd of this context
 * lives: every handle made in a context must be released before it, so that
 * none can point at a closed context or at an fd number reused by another.
 * @param ctx  the context
 * @return 0 (NULL: a no-op) or -EBUSY.
 */
int pdk_iommufd_close(struct pdk_iommufd *ctx);

/**
 * @param ctx  the context
 * @return the context's file descriptor (for VFIO_DEVICE_BIND_IOMMUFD); -EINVAL for NULL.
 */
int pdk_iommufd_fd(const struct pdk_iommufd *ctx);

/**
 * @param ctx  the context
 * @return the backend the context was opened through; NULL for NULL.
 */
struct pdk_sys *pdk_iommufd_sys(const struct pdk_iommufd *ctx);

/**
 * IOMMU_IOAS_ALLOC.
 * @param ctx  the context
 * @param[out] ioas_id  the new IOAS's object id
 * @return 0 or -errno.
 */
int pdk_iommufd_ioas_alloc(struct pdk_iommufd *ctx, uint32_t *ioas_id);

/**
 * IOMMU_DESTROY of any object id.
 * @param ctx  the context that holds the object
 * @param id  the object's id
 * @return 0, -EBUSY while it is in use, -ENOENT (no such object), or -errno.
 */
int pdk_iommufd_destroy(struct pdk_iommufd *ctx, uint32_t id);

/**
 * IOMMU_IOAS_MAP at an IOVA the kernel chooses.
 * @param ctx  the context
 * @param ioas_id  the IOAS to map into
 * @param va  the buffer (page aligned)
 * @param len  its length (whole pages)
 * @param perm PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE.
 * @param[out] iova where the kernel placed the mapping.
 * @return 0 or -errno (-ENOMEM: RLIMIT_MEMLOCK reached; -ENOSPC: no free IOVA
 *   range is large enough).
 */
int pdk_iommufd_map(struct pdk_iommufd *ctx, uint32_t ioas_id, void *va, uint64_t len,
		    unsigned int perm, uint64_t *iova);

/**
 * IOMMU_IOAS_MAP at a fixed @p iova.
 * @param ctx  the context
 * @param ioas_id  the IOAS to map into
 * @param va  the buffer (page aligned)
 * @param len  its length (whole pages)
 * @param iova  where to map it
 * @param perm  PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE
 * @return 0, -EEXIST when it overlaps a mapping, or -errno.
 */
int pdk_iommufd_map_fixed(struct pdk_iommufd *ctx, uint32_t ioas_id, void *va, uint64_t len,
			  uint64_t iova, unsigned int perm);

/**
 * IOMMU_IOAS_UNMAP of [iova, iova + len), which must cover whole mappings.
 * @param ctx  the context
 * @param ioas_id  the IOAS
 * @param iova  start of the range
 * @param len  its length
 * @param[out] unmapped bytes unmapped (may be NULL).
 * @return 0 or -errno.
 */
int pdk_iommufd_unmap(struct pdk_iommufd *ctx, uint32_t ioas_id, uint64_t iova, uint64_t len,
		      uint64_t *unmapped);

/**
 * Unmap everything in the IOAS. Succeeds (0 bytes) when nothing was mapped.
 * @param ctx  the context
 * @param ioas_id  the IOAS
 * @param[out] unmapped  bytes unmapped (may be NULL)
 * @return 0 or -errno.
 */
int pdk_iommufd_unmap_all(struct pdk_iommufd *ctx, uint32_t ioas_id, uint64_t *unmapped);

/**
 * IOMMU_IOAS_IOVA_RANGES: the usable IOVA ranges now. They narrow when a
 * device is attached, so ask again after an attach.
 * @param ctx  the context
 * @param ioas_id  the IOAS
 * @param[out] ranges an array allocated with malloc(): free() it.
 * @param[out] n number of ranges.
 * @param[out] alignment required IOVA alignment (may be NULL).
 * @return 0 or -errno (nothing is allocated then).
 */
int pdk_iommufd_iova_ranges(struct pdk_iommufd *ctx, uint32_t ioas_id,
			    struct pdk_iommufd_range **ranges, uint32_t *n, uint64_t *alignment);

/**
 * IOMMU_HWPT_ALLOC of a paging HWPT over @p pt_id (an IOAS) for device @p dev_id.
 * @param ctx  the context
 * @param dev_id  a device bound to @p ctx (pdk_vfio_bind())
 * @param pt_id  the IOAS the HWPT translates through
 * @param flags PDK_IOMMUFD_HWPT_PASID, PDK_IOMMUFD_HWPT_FAULT.
 * @param fault_id fault queue id, used with PDK_IOMMUFD_HWPT_FAULT.
 * @param[out] hwpt_id  the new HWPT's object id
 * @return 0 or -errno.
 */
int pdk_iommufd_hwpt_alloc(struct pdk_iommufd *ctx, uint32_t dev_id, uint32_t pt_id,
			   uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id);

/**
 * IOMMU_GET_HW_INFO for a bound device.
 * @param ctx  the context
 * @param dev_id  a device bound to @p ctx
 * @param[out] info  what the IOMMU reports
 * @return 0 or -errno.
 */
int pdk_iommufd_hw_info(struct pdk_iommufd *ctx, uint32_t dev_id, struct pdk_iommufd_hw_info *info);

/**
 * Name the IOMMU of a pdk_iommufd_hw_info.data_type for people: "VT-d",
 * "SMMUv3", "AMD-Vi", "Tegra241 CMDQV", "none"; "unknown" for a type newer
 * than PDK.
 * @param data_type  an enum iommu_hw_info_type value
 * @return a static string.
 */
const char *pdk_iommufd_hw_type_name(uint32_t data_type);

/**
 * IOMMU_FAULT_QUEUE_ALLOC.
 * @param ctx  the context
 * @param[out] fault_id the queue's object id.
 * @param[out] fault_fd fd to read struct iommu_hwpt_pgfault from; close it
 *   with pdk_iommufd_fault_close().
 * @return 0 or -errno.
 */
int pdk_iommufd_fault_alloc(struct pdk_iommufd *ctx, uint32_t *fault_id, int *fault_fd);

/**
 * Read pending faults without blocking. The fault calls take only an fd
 * that pdk_iommufd_fault_alloc() of this context returned and that is not
 * closed yet (-EBADF otherwise), so a closed fd number reused by something
 * else is never read, written or closed through them.
 * @param ctx  the context
 * @param fault_fd  the queue's fd
 * @param[out] faults  the faults read
 * @param max  the size of @p faults
 * @return the number of faults stored in @p faults (0 if none) or -errno.
 */
int pdk_iommufd_fault_read(struct pdk_iommufd *ctx, int fault_fd,
			   struct iommu_hwpt_pgfault *faults, unsigned int max);

/**
 * Answer a fault group (the cookie of its last fault) with @p code.
 * @param ctx  the context
 * @param fault_fd  the queue's fd
 * @param cookie  the cookie of the group's last fault
 * @param code  an enum iommufd_page_response_code value
 * @return 0 or -errno.
 */
int pdk_iommufd_fault_respond(struct pdk_iommufd *ctx, int fault_fd, uint32_t cookie,
			      uint32_t code);

/**
 * Close a fault fd returned by pdk_iommufd_fault_alloc(). The context
 * cannot close while one is open (pdk_iommufd_close()).
 * @param ctx  the context
 * @param fault_fd  the queue's fd
 * @return 0 or -errno (-EBADF: not a fault fd of @p ctx).
 */
int pdk_iommufd_fault_close(struct pdk_iommufd *ctx, int fault_fd);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_IOMMUFD_H */
