/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef DMADEV_PRIVATE_H
#define DMADEV_PRIVATE_H

/* Internals shared by the files of lib/dmadev. Not installed. */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_dmadev_pmd.h"
#include "pdk_internal.h"
#include "pdk_log.h"

#define DMADEV_LOG(level, ...) PDK_LOG(level, "dmadev", __VA_ARGS__)

/*
 * A device's state as the library sees it. CONFIGURED and STOPPED accept
 * the same calls; they differ only in what dump prints. STOP_FAILED is a
 * device whose driver failed to stop: its fast path is already off, but
 * the library cannot tell whether the hardware is quiet, so it refuses
 * everything that would reuse the queues until a stop succeeds or the
 * device is closed.
 */
enum dmadev_state {
	DMADEV_REGISTERED = 0,	/* not configured (new, or closed) */
	DMADEV_CONFIGURED,
	DMADEV_STARTED,
	DMADEV_STOPPED,
	DMADEV_STOP_FAILED,
};

/* What the library remembers of a set-up queue. */
struct dmadev_queue {
	bool set_up;
	void *fp_q;		/* the driver's fast-path queue */
	struct pdk_dma_as *as;
	uint16_t nb_desc;
	uint32_t pasid;		/* as requested: 0 = the driver allocated one */
};

struct dmadev {
	bool used;
	/*
	 * configure has reached the driver since the last close: close must
	 * then be called, even if that configure failed (the driver may
	 * hold part of it).
	 */
	bool opened;
	enum dmadev_state state;
	char name[PDK_DMADEV_NAME_MAX];
	char driver[PDK_DMADEV_NAME_MAX];
	const struct pdk_dmadev_ops *ops;
	const struct pdk_dmadev_fp_ops *fp_ops;
	void *priv;
	uint16_t nb_queues;
	struct dmadev_queue queues[PDK_DMADEV_MAX_QUEUES];
};

/* The registry; indexed by dev_id. */
PDK_INTERNAL extern struct dmadev dmadev_devs[PDK_DMADEV_MAX_DEVS];

/* @return the device @p dev_id, or NULL (logged, naming @p step) if there is none. */
PDK_INTERNAL struct dmadev *dmadev_get(int dev_id, const char *step);

/* Fill @p info from the driver, with the library's own fields on top. */
PDK_INTERNAL void dmadev_info(const struct dmadev *d, struct pdk_dmadev_info *info);

/* @return the state's name for logs and dumps. */
PDK_INTERNAL const char *dmadev_state_name(enum dmadev_state state);

/*
 * The fast-path slots (dmadev_fp.c). Only the control path writes them,
 * from one thread; see pdk_dmadev_core.h for what readers may assume.
 */

/* Point slot (@p dev_id, @p q) at the driver's ops and queue. */
PDK_INTERNAL void dmadev_fp_install(int dev_id, uint16_t q, const struct pdk_dmadev_fp_ops *ops,
				    void *fp_q);

/*
 * Put the "not started" ops back in slot (@p dev_id, @p q). The driver's
 * queue pointer is kept unless @p forget_q, so that a caller that read the
 * old ops a moment before still passes a live queue to the driver.
 */
PDK_INTERNAL void dmadev_fp_disable(int dev_id, uint16_t q, bool forget_q);

/* @return true if slot (@p dev_id, @p q) holds the driver's ops. */
PDK_INTERNAL bool dmadev_fp_live(int dev_id, uint16_t q);

#endif /* DMADEV_PRIVATE_H */
