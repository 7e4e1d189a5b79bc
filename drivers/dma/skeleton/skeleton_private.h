/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SKELETON_PRIVATE_H
#define SKELETON_PRIVATE_H

/*
 * The objects of the skeleton driver, shared by its control path
 * (skeleton_dev.c) and its fast path (skeleton_fp.c). Not installed.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_dma_skeleton.h"
#include "pdk_log.h"

#define SKEL_LOG(level, ...) PDK_LOG(level, "skeleton", __VA_ARGS__)

/* PASIDs 0..255 in 64-bit words */
#define SKEL_PASID_WORDS ((1u << PDK_DMA_SKELETON_PASID_WIDTH) / 64)

enum skel_op_kind {
	SKEL_OP_COPY,
	SKEL_OP_FILL,
};

/*
 * One ring slot: the descriptor the application writes and, as on a real
 * device, the completion record the engine writes back. A hardware PMD's
 * slot is the device's descriptor format (drivers/dma/dsa: struct
 * pdk_idxd_desc and its completion record, in the queue's address space).
 */
struct skel_desc {
	uint64_t src;		/* the pattern, for a fill */
	uint64_t dst;
	uint32_t len;
	uint8_t kind;		/* enum skel_op_kind */
	/*
	 * The record's status byte: 0 while the op is pending. The engine
	 * writes st first and this byte last (release), so a poller that
	 * reads it non-zero (acquire) sees st: the same handshake as polling
	 * a device's completion record.
	 */
	uint8_t hw;
	struct pdk_dmadev_status st;
};

/*
 * One queue. Ring indexes are free-running 16-bit counters (the fast-path
 * API's ring index); a slot is index & mask. Between cpl and write, in
 * order: ops finished, not yet reported [cpl, run); handed to the engine
 * [run, submitted); enqueued, not submitted [submitted, write).
 */
struct skel_queue {
	/* written by the queue's fast-path thread */
	struct skel_desc *ring;
	uint16_t write;		/* next index to enqueue */
	uint16_t submitted;	/* the doorbell: the engine may run ops before it */
	uint16_t cpl;		/* next index to report */
	/* written by the engine (submit's caller, or the worker) */
	uint16_t run;		/* next op the engine runs */
	/* set at setup */
	uint16_t mask;
	uint16_t nb_desc;
	bool worker;		/* ops run in the device's worker, not in submit */
	struct pdk_dma_as *as;
	/*
	 * Counted by the fast-path thread with relaxed stores; the control
	 * thread reads them while traffic runs (stats_get) and never writes
	 * them: stats_reset moves base instead.
	 */
	struct pdk_dmadev_stats stats;

	/* control path */
	struct pdk_dmadev_stats base;
	uint32_t pasid;
	bool owns_pasid;	/* taken by the setup: freed by the release */
};

struct pdk_dma_skeleton {
	char name[PDK_DMADEV_NAME_MAX];
	int dev_id;
	struct pdk_dma_skeleton_conf conf;	/* the defaults filled in */
	uint16_t nb_queues;
	bool started;
	struct skel_queue *queues[PDK_DMADEV_MAX_QUEUES];
	/* the iommufd context of the set-up queues' spaces, as a device's bind */
	struct pdk_iommufd *ictx;
	/* the PASID space: bit set = allocated; PASID 0 (the RID) always is */
	uint64_t pasid_used[SKEL_PASID_WORDS];
	uint64_t pasid_user[SKEL_PASID_WORDS];	/* allocated by pasid_alloc/reserve */
	/* the worker thread (conf.worker), between start and stop */
	pthread_t worker;
	bool worker_running;
	bool worker_stop;	/* atomic: the worker's exit request */
};

/* skeleton_fp.c: the fast path and the engine */
extern const struct pdk_dmadev_fp_ops skel_fp_ops;

/* Start the device's worker thread. @return 0 or -errno (logged). */
int skel_worker_start(struct pdk_dma_skeleton *d);

/*
 * Stop the worker, if it runs, and wait for it: after the return nothing
 * touches the rings, so they may be freed.
 */
void skel_worker_stop(struct pdk_dma_skeleton *d);

/* A relaxed atomic load, for what another thread may be writing. */
#define SKEL_PEEK(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

#endif /* SKELETON_PRIVATE_H */
