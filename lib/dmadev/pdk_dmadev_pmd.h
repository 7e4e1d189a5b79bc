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
 * driver's info and whose address space is not NULL.
 */

#include "pdk_dmadev.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Control-path operations of a driver; @p dev is the driver's device. */
struct pdk_dmadev_ops {
	void (*info_get)(void *dev, struct pdk_dmadev_info *info);
	int (*configure)(void *dev, const struct pdk_dmadev_conf *conf);
	/** Set up queue @p q; *@p fp_q is the queue the fast path is given. */
	int (*queue_setup)(void *dev, uint16_t q, const struct pdk_dmadev_queue_conf *conf,
			   void **fp_q);
	int (*queue_release)(void *dev, uint16_t q);
	int (*queue_info)(void *dev, uint16_t q, struct pdk_dmadev_queue_info *info);
	int (*start)(void *dev);
	int (*stop)(void *dev);
	/** Release everything configure and queue_setup took. */
	int (*close)(void *dev);
	int (*stats_get)(void *dev, uint16_t q, struct pdk_dmadev_stats *stats);
	int (*stats_reset)(void *dev, uint16_t q);
	int (*dump)(void *dev, FILE *f);
};

/**
 * Create a device named @p name (unique) served by a driver.
 * @return 0 and *@p dev_id, -EEXIST (name taken), -ENOSPC (no free id).
 */
int pdk_dmadev_register(const char *name, const char *driver, const struct pdk_dmadev_ops *ops,
			const struct pdk_dmadev_fp_ops *fp_ops, void *dev, int *dev_id);

/** Remove a device: close it if needed, free its id. */
int pdk_dmadev_unregister(int dev_id);

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMADEV_PMD_H */
