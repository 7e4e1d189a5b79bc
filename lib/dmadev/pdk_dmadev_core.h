/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMADEV_CORE_H
#define PDK_DMADEV_CORE_H

/**
 * @file
 * The fast-path objects of lib/dmadev. Applications do not use this header
 * directly: pdk_dmadev.h's inline functions do, so that an enqueue is one
 * indirect call into the driver with no library function in between (the
 * scheme of DPDK's rte_dmadev_core.h).
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** Most devices; a dev_id is below this. */
#define PDK_DMADEV_MAX_DEVS 64
/** Most queues per device. */
#define PDK_DMADEV_MAX_QUEUES 16

struct pdk_dmadev_status;
struct pdk_dmadev_op;

/** @internal Driver fast-path functions; @p q is the driver's queue. */
struct pdk_dmadev_fp_ops {
	/** pdk_dmadev_copy() */
	int (*copy)(void *q, uint64_t src, uint64_t dst, uint32_t len, uint64_t flags);
	/** pdk_dmadev_fill() */
	int (*fill)(void *q, uint64_t pattern, uint64_t dst, uint32_t len, uint64_t flags);
	/** pdk_dmadev_submit() */
	int (*submit)(void *q);
	/** pdk_dmadev_completed(); @p last_idx and @p has_error are never NULL */
	uint16_t (*completed)(void *q, uint16_t nb_cpls, uint16_t *last_idx, bool *has_error);
	/** pdk_dmadev_completed_status(); no pointer is NULL */
	uint16_t (*completed_status)(void *q, uint16_t nb_cpls, uint16_t *last_idx,
				     struct pdk_dmadev_status *status);
	/** pdk_dmadev_burst_capacity() */
	uint16_t (*burst_capacity)(const void *q);
	/**
	 * pdk_dmadev_copy_burst(): optional (NULL: the library loops over
	 * @p copy). @p ops is not NULL; *@p first_idx is set when an op is
	 * enqueued.
	 */
	int (*copy_burst)(void *q, const struct pdk_dmadev_op *ops, uint16_t nb_ops,
			  uint64_t flags, uint16_t *first_idx);
	/** pdk_dmadev_fill_burst(): optional, as @p copy_burst (NULL: loops over @p fill) */
	int (*fill_burst)(void *q, const struct pdk_dmadev_op *ops, uint16_t nb_ops,
			  uint64_t flags, uint16_t *first_idx);
};

/** @internal One queue's fast-path slot. */
struct pdk_dmadev_fp_queue {
	const struct pdk_dmadev_fp_ops *ops;	/**< the driver's fast-path ops */
	void *q;				/**< the driver's queue, given to @p ops */
};

/**
 * @internal The slots of all devices and queues. A slot whose queue is not
 * started points at ops that fail with -ENODEV, so a stray call is an error
 * rather than a crash; the table is initialised so from program load on.
 *
 * Only the library's control path writes a slot: start stores the queue,
 * then the driver's ops (release order); stop and close put the "not
 * started" ops back before the driver stops (the queue pointer is kept until
 * the queue is released). That makes calls after stop safe, not calls
 * racing with it: the application quiesces its fast-path threads first.
 */
extern struct pdk_dmadev_fp_queue pdk_dmadev_fp[PDK_DMADEV_MAX_DEVS][PDK_DMADEV_MAX_QUEUES];

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMADEV_CORE_H */
