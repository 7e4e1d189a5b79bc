/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMADEV_PMD_H
#define PDK_DMADEV_PMD_H

/**
 * @file
 * The driver side of lib/dmadev (as DPDK's rte_dmadev_pmd.h). The library
 * checks arguments and state before it calls a driver: a driver's ops see
 * only a valid queue index of a configured device in the right state, and
 * queue_setup sees a conf whose nb_desc is a power of two within the
 * driver's info, whose address space is not NULL and whose PASID is 0 or
 * below 2^pasid_width on a device with PDK_DMADEV_CAPA_PASID.
 *
 * What else a driver can rely on:
 * - info_get may be called at any time, also from register; the library
 *   sets name, driver and nb_queues itself (and backend, when the driver
 *   leaves it NULL). register refuses a driver whose info has max_queues
 *   outside 1..PDK_DMADEV_MAX_QUEUES, min_desc 0 or above max_desc, or
 *   pasid_width above 20.
 * - Queues: queue_setup is never called for a queue that is set up (the
 *   library releases it first); queue_release is called only for a set-up
 *   queue, for each one before configure is called again and before close.
 *   The fp_q a successful queue_setup returns must stay valid until
 *   queue_release; the library gives it to the fast-path ops only between
 *   start and stop.
 * - start is called on a stopped device with at least one set-up queue;
 *   stop only on a started one (or again after a stop that failed). A
 *   driver's start that fails must leave its device stopped.
 * - configure, queue_setup and queue_release are called on a stopped
 *   device, with one exception: close and unregister go on after a stop
 *   that failed, so queue_release (then close) may meet a device the driver
 *   did not manage to stop. It must then quiesce the queue (or reset the
 *   device) before it frees anything DMA may still reach.
 * - close is called once configure has been called since the last close
 *   (even if that configure failed), after stop and after every
 *   queue_release.
 * - stats_get and stats_reset get a set-up queue, never
 *   PDK_DMADEV_ALL_QUEUES: the library sums (or resets) every set-up queue
 *   for it. stats_get gets a zeroed struct.
 * - queue_info gets the library's nb_desc, pasid (as asked: 0 means "the
 *   driver chose") and as already filled: it sets the PASID it uses and the
 *   HWPT.
 * - Every control op is called from the application's control thread, never
 *   while another control op of the library runs.
 *
 * Failures: log each once, with pdk_log_fail() (the device, the step, the
 * fix), and return -errno; the library does not log it again (a WARNING
 * only where it leaves a state the driver cannot know of, a failed stop).
 */

#include "pdk_dmadev.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/**
 * Control-path operations of a driver; @p dev is the driver's device. All
 * are required but queue_info, stats_get, stats_reset and dump.
 */
struct pdk_dmadev_ops {
	/** pdk_dmadev_info_get(): fill what the device offers */
	void (*info_get)(void *dev, struct pdk_dmadev_info *info);
	/** pdk_dmadev_configure() */
	int (*configure)(void *dev, const struct pdk_dmadev_conf *conf);
	/** Set up queue @p q; *@p fp_q is the queue the fast path is given. */
	int (*queue_setup)(void *dev, uint16_t q, const struct pdk_dmadev_queue_conf *conf,
			   void **fp_q);
	/** pdk_dmadev_queue_release() */
	int (*queue_release)(void *dev, uint16_t q);
	/** pdk_dmadev_queue_info(): set the PASID used and the HWPT */
	int (*queue_info)(void *dev, uint16_t q, struct pdk_dmadev_queue_info *info);
	/** pdk_dmadev_start() */
	int (*start)(void *dev);
	/** pdk_dmadev_stop() */
	int (*stop)(void *dev);
	/** Release everything configure and queue_setup took. */
	int (*close)(void *dev);
	/** pdk_dmadev_stats_get(), for one queue */
	int (*stats_get)(void *dev, uint16_t q, struct pdk_dmadev_stats *stats);
	/** pdk_dmadev_stats_reset(), for one queue */
	int (*stats_reset)(void *dev, uint16_t q);
	/** pdk_dmadev_dump(): the driver's part (its registers) */
	int (*dump)(void *dev, FILE *f);
	/**
	 * PASIDs of the device's space: optional, all four or none (devices
	 * with PDK_DMADEV_CAPA_PASID). pasid_list returns the count.
	 */
	int (*pasid_alloc)(void *dev, uint32_t *pasid);
	/** pdk_dmadev_pasid_reserve() */
	int (*pasid_reserve)(void *dev, uint32_t pasid);
	/** pdk_dmadev_pasid_free() */
	int (*pasid_free)(void *dev, uint32_t pasid);
	/** pdk_dmadev_pasid_list() */
	int (*pasid_list)(void *dev, uint32_t *pasids, unsigned int max);
	/** pdk_dmadev_queue_replace_as(): optional (-ENOTSUP without it) */
	int (*queue_replace_as)(void *dev, uint16_t q, struct pdk_dma_as *as);
};

/**
 * Create a device named @p name (unique, shorter than PDK_DMADEV_NAME_MAX;
 * copied, as is @p driver) served by a driver. It starts registered, not
 * configured, with every fast-path slot answering -ENODEV. The lowest free
 * id is used, so ids are reused after unregister.
 * @param name  the device's name, e.g. its PCI address
 * @param driver  the driver's name
 * @param ops  the control-path operations
 * @param fp_ops every fast-path op is required (a device without fill
 *   gives one that returns -ENOTSUP) but copy_burst and fill_burst: without
 *   them a burst is a loop over copy / fill in the inline function.
 * @param dev the driver's device, passed back to each op.
 * @param[out] dev_id  the new device's id
 * @return 0 and *@p dev_id, -EINVAL (a NULL or bad name, a missing op,
 *   inconsistent info), -EEXIST (name taken), -ENOSPC (no free id).
 */
int pdk_dmadev_register(const char *name, const char *driver, const struct pdk_dmadev_ops *ops,
			const struct pdk_dmadev_fp_ops *fp_ops, void *dev, int *dev_id);

/**
 * Remove a device: stop and close it if needed (see pdk_dmadev_close()),
 * put the "not started" ops in its slots and free its id. The id is freed
 * even when the driver's stop or close fails; the first error is returned.
 * Call it from the driver's remove, before freeing the driver's device.
 * @param dev_id  the device
 * @return 0, -ENODEV, or the driver's -errno.
 */
int pdk_dmadev_unregister(int dev_id);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMADEV_PMD_H */
