/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMA_SKELETON_H
#define PDK_DMA_SKELETON_H

/**
 * @file
 * The skeleton DMA driver: a software copy engine behind pdk_dmadev, with
 * no hardware and no simulated device behind it (as DPDK's dma_skeleton).
 * It serves two purposes: a device for tests of code above pdk_dmadev, and
 * the template of a new PMD (doc/dmadev.md, "Writing a PMD"): every op of
 * pdk_dmadev_pmd.h is there, small.
 *
 * What it does as a real PMD does: queues bound to an address space and a
 * PASID (allocated from its own PASID space, or reserved), a ring of
 * descriptors per queue with 16-bit ring indexes, copy, fill, submit,
 * completions in order with a status each, counters, dump. Each op runs
 * either inside submit or, with pdk_dma_skeleton_conf.worker, in a worker
 * thread of the device that polls its rings as hardware would: completions
 * then arrive later, from another thread.
 *
 * What it does differently: the CPU moves the bytes, and a queue translates
 * an IOVA through its address space's own mapping table (lib/dma), not
 * through an IOMMU. lib/dma looks up VA -> IOVA only, so the skeleton works
 * in IOVA == VA mode: map buffers with pdk_dma_map_iova(as, va, len,
 * (uintptr_t)va, perm). An operation that touches an IOVA its queue's space
 * does not map at that address stops there with PDK_DMADEV_ST_PAGE_FAULT
 * (fault_addr, fault_write, bytes_done), as an IOMMU fault would; the bytes
 * before it are moved. Mapping permissions are not checked. Its info says
 * PDK_DMADEV_CAPA_SIM (it is not hardware), so logs and dumps say
 * "SIMULATED" although it needs nothing of the simulated kernel.
 *
 * A queue's address space must outlive the queue: release the queue (or
 * close the device) before pdk_dma_as_destroy(). A hardware PMD's PASID
 * attachment holds the space (destroy refuses with -EBUSY); the skeleton
 * attaches nothing, so nothing holds it.
 *
 * Threads: as pdk_dmadev (control path from one thread, fast path one
 * thread per queue); create and destroy are control path.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_dmadev_pmd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** The driver name of skeleton devices (pdk_dmadev_info.driver). */
#define PDK_DMA_SKELETON_DRIVER "dma_skeleton"

/** Smallest ring (pdk_dmadev_info.min_desc). */
#define PDK_DMA_SKELETON_MIN_DESC 8
/** Largest ring allowed in pdk_dma_skeleton_conf.max_desc. */
#define PDK_DMA_SKELETON_MAX_DESC 32768
/** Largest length of one operation (pdk_dmadev_info.max_xfer), bytes. */
#define PDK_DMA_SKELETON_MAX_XFER (UINT32_C(1) << 20)
/** Width of a skeleton device's PASID space (PASIDs 1..255). */
#define PDK_DMA_SKELETON_PASID_WIDTH 8

/** The skeleton's own status codes (pdk_dmadev_status.hw_status): done. */
#define PDK_DMA_SKELETON_HW_SUCCESS	1
/** hw_status of an operation that met an address its space does not map. */
#define PDK_DMA_SKELETON_HW_PAGE_FAULT	2

/** A skeleton device, as its ops see it (opaque). */
struct pdk_dma_skeleton;

/** What a skeleton device is like; a zeroed struct (or NULL) gives the defaults. */
struct pdk_dma_skeleton_conf {
	/** Queues of the device: 1..PDK_DMADEV_MAX_QUEUES; 0: 4. */
	uint16_t max_queues;
	/**
	 * Largest ring: a power of two in [PDK_DMA_SKELETON_MIN_DESC,
	 * PDK_DMA_SKELETON_MAX_DESC]; 0: 1024.
	 */
	uint16_t max_desc;
	/**
	 * A device that cannot tag its DMA with a PASID: no
	 * PDK_DMADEV_CAPA_PASID, queues take PASID 0 only and the PASID calls
	 * of pdk_dmadev answer -ENOTSUP.
	 */
	bool no_pasid;
	/**
	 * Run submitted operations in a worker thread of the device (started
	 * by pdk_dmadev_start(), joined by pdk_dmadev_stop()), so completions
	 * come asynchronously as from hardware; poll completed() for them.
	 * false: submit runs them before it returns.
	 */
	bool worker;
	/**
	 * The control-path ops to register the device with; NULL: the
	 * skeleton's own (pdk_dma_skeleton_ops()). For tests and drivers that
	 * change a step (inject a failure, watch the calls): copy the
	 * skeleton's table, replace some ops, and call the skeleton's from
	 * yours. Every op gets the skeleton device as @p dev. The table must
	 * live as long as the device.
	 */
	const struct pdk_dmadev_ops *ops;
	/** The caller's pointer, for such ops: pdk_dma_skeleton_priv(). */
	void *priv;
};

/**
 * Create a skeleton device and register it with pdk_dmadev as @p name.
 * @param name the device's name in pdk_dmadev.
 * @param conf NULL for the defaults.
 * @param[out] dev_id the new device's id.
 * @return 0 and *@p dev_id; -EINVAL (NULL or bad name, NULL @p dev_id, a
 *   conf out of range, or ops that pdk_dmadev_register() refuses), -EEXIST
 *   (name taken), -ENOSPC (no free dmadev id), -ENOMEM. Each is logged.
 */
int pdk_dma_skeleton_create(const char *name, const struct pdk_dma_skeleton_conf *conf,
			    int *dev_id);

/**
 * Unregister (stopping and closing it if needed) and free a device made by
 * pdk_dma_skeleton_create(). A device that was unregistered already (by
 * pdk_dmadev_unregister()) is only freed.
 * @return 0, -ENODEV (no skeleton device has @p dev_id; logged), or the
 *   first -errno of its stop or close (it is freed anyway).
 * @param dev_id a device from pdk_dma_skeleton_create().
 */
int pdk_dma_skeleton_destroy(int dev_id);

/** @return the skeleton's control-path ops, to build an ops table on. */
const struct pdk_dmadev_ops *pdk_dma_skeleton_ops(void);

/** @return the skeleton's fast-path ops (the ones its devices register). */
const struct pdk_dmadev_fp_ops *pdk_dma_skeleton_fp_ops(void);

/**
 * @param skel the device an op got as its @p dev.
 * @return pdk_dma_skeleton_conf.priv of the device @p skel (the @p dev its
 *   ops get), or NULL (a NULL @p skel is logged).
 */
void *pdk_dma_skeleton_priv(const struct pdk_dma_skeleton *skel);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMA_SKELETON_H */
