/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef DSA_PRIVATE_H
#define DSA_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include "pdk_bus.h"
#include "pdk_dma.h"
#include "pdk_dmadev_pmd.h"
#include "pdk_idxd.h"
#include "pdk_log.h"
#include "pdk_pasid.h"
#include "pdk_vfio.h"

#define DSA_LOG(level, ...) PDK_LOG(level, "dsa", __VA_ARGS__)

struct dsa_dev;
struct dsa_queue;

/*
 * How a descriptor reaches a WQ, chosen at queue setup from what lib/vfio
 * resolved for the WQ's portal (pdk_vfio_bar_portal()): MOVDIR64B into the
 * mapped portal, or the backend's store hook. The driver never asks which
 * backend it runs on.
 */
typedef void (*dsa_portal_write_t)(struct dsa_queue *q, const struct pdk_idxd_desc *desc);

/*
 * A run of ring slots handed to the device with one portal write: one
 * descriptor on its own, or a batch descriptor listing 2..max_batch
 * consecutive ring slots. Its retirement frees a WQ entry. A burst
 * enqueue adds its ops' lengths and number to the segment they will go in
 * (the segments pending ops need follow the segments in flight in the same
 * slots), so that a batch of burst ops only, reported whole, counts its
 * bytes without reading its descriptors. A per-op enqueue only zeroes
 * them when it opens a segment (the per-op path stays as cheap as it was):
 * a segment with a per-op op in it has counted below count and is summed
 * from its descriptors.
 */
struct dsa_seg {
	uint64_t bytes;		/* the lengths of its first @p counted burst ops */
	uint16_t first;		/* ring index of the first op */
	uint16_t count;
	uint16_t counted;	/* ops in @p bytes; == count: @p bytes is the segment's */
};

/* One queue = one dedicated WQ; everything the fast path touches. */
struct dsa_queue {
	/* fast path, written by the enqueuing thread */
	struct pdk_idxd_desc *descs;		/* ring, in the queue's address space */
	struct pdk_idxd_completion *comps;	/* one record per ring slot */
	struct pdk_idxd_completion *bcomps;	/* one record per segment slot (batches) */
	uint64_t descs_iova;
	uint64_t comps_iova;
	uint64_t bcomps_iova;
	uint16_t mask;		/* ring size - 1 */
	uint16_t write;		/* next ring index to fill */
	uint16_t submitted;	/* first ring index not handed to the device */
	uint16_t cpl;		/* next ring index to report */
	uint16_t chunks;	/* segments the pending ops [submitted, write) need */
	uint16_t chunk_room;	/* ops the last of them still takes (max_batch, ring end) */
	uint16_t seg_mask;	/* segment slots - 1 */
	uint16_t seg_head;	/* oldest segment not retired */
	uint16_t seg_cpl;	/* segment of the op at cpl */
	uint16_t seg_tail;	/* next free segment slot */
	uint16_t held_end;	/* with held: submit was asked up to here */
	bool held;		/* a fenced op waits for the ops in flight (dsa_submit()) */
	bool fence_queued;	/* a fenced op is among those not submitted yet */
	uint16_t max_batch;
	uint32_t max_xfer;
	uint32_t op_flags;	/* flags every descriptor carries */
	bool has_fill;		/* OPCAP offers MEMFILL */
	struct dsa_seg *segs;
	dsa_portal_write_t portal_write;
	struct pdk_vfio_portal portal;	/* the WQ's portal, held while the queue is set up */
	/* Written only by the queue's thread, with dsa_ctr_add(); stats_get
	 * reads them from the control thread while traffic runs. */
	struct pdk_dmadev_stats stats;

	/* control path */
	struct dsa_dev *dev;
	struct pdk_dmadev_stats stats_base;	/* stats at the last stats_reset */
	uint16_t wq;
	uint16_t nb_desc;
	uint16_t wq_size;	/* WQ entries: segments in flight */
	bool set_up;
	bool mapped;		/* mem is mapped in as */
	struct pdk_dma_as *as;
	/* a space a replace left the ring mapped in (its unmap failed): retried at free */
	struct pdk_dma_as *stale_as;
	struct pdk_pasid_ctx *pasid_ctx;
	void *mem;		/* descs, comps, bcomps in one mapping */
	size_t mem_len;
};

/* What the capability registers say. */
struct dsa_caps {
	uint32_t version;
	uint64_t gencap;
	uint64_t wqcap;
	uint16_t num_wqs;
	uint16_t total_wq_size;
	uint8_t num_groups;
	uint8_t total_rdbufs;	/* GRPCAP total_rdbufs */
	uint8_t num_engines;
	uint32_t max_xfer;
	uint16_t max_batch;
	uint32_t grpcfg_off;	/* BAR0 offset of the GRPCFG table */
	uint32_t wqcfg_off;	/* BAR0 offset of the WQCFG table */
	uint32_t wqcfg_size;	/* bytes per WQ */
	uint64_t opcap[4];
};

struct dsa_dev {
	struct pdk_bus_dev *bdev;
	struct pdk_vfio_dev *vdev;
	const char *name;
	bool sim;		/* on the simulated kernel: for what the driver reports only */
	struct dsa_caps caps;
	struct pdk_pasid_space *pasids;
	struct pdk_iommufd_hw_info hw;
	bool portal_mapped;	/* portals are stored to with MOVDIR64B (dsa_portal_check()) */
	uint16_t max_queues;
	uint16_t engines;
	bool bof;		/* devarg block_on_fault=1: WQCFG bof and descriptor BOF */
	uint16_t nb_queues;
	bool started;
	int dev_id;
	struct dsa_queue queues[PDK_DMADEV_MAX_QUEUES];
};

/* dsa_regs.c: register access and commands */
int dsa_rd32(struct dsa_dev *dev, uint32_t off, uint32_t *v);
int dsa_rd64(struct dsa_dev *dev, uint32_t off, uint64_t *v);
int dsa_wr32(struct dsa_dev *dev, uint32_t off, uint32_t v);
int dsa_wr64(struct dsa_dev *dev, uint32_t off, uint64_t v);
/* Run a command and wait for it; @return 0, -EIO (the CMDSTS error code is
 * logged with its meaning), -ETIMEDOUT, or -errno of the register access. */
int dsa_cmd(struct dsa_dev *dev, enum pdk_idxd_cmd cmd, uint32_t operand, const char *step);
/* -EIO, logged with the reset GENSTS asks for, when the device is halted and
 * cannot take @p cmd; else 0 (or -errno of the register read). */
int dsa_check_halted(struct dsa_dev *dev, enum pdk_idxd_cmd cmd, const char *step);
int dsa_caps_read(struct dsa_dev *dev);
bool dsa_opcap_has(const struct dsa_caps *c, unsigned int op);

/* BAR0 offset of dword @p dw of WQ @p wq's WQCFG. */
static inline uint32_t
dsa_wqcfg_reg(const struct dsa_dev *dev, uint16_t wq, unsigned int dw)
{
	return dev->caps.wqcfg_off + PDK_IDXD_WQCFG(wq, dev->caps.wqcfg_size, dw);
}
const char *dsa_cmdsts_text(uint32_t err);
const char *dsa_reset_type_text(uint32_t gensts);
uint64_t dsa_group_flags(const struct dsa_caps *c);

/* dsa_queue.c: queue memory, PASID, WQ configuration */
int dsa_queue_setup(struct dsa_dev *dev, uint16_t qid, const struct pdk_dmadev_queue_conf *conf);
int dsa_queue_release(struct dsa_dev *dev, uint16_t qid);
int dsa_queue_replace_as(struct dsa_dev *dev, uint16_t qid, struct pdk_dma_as *as);
int dsa_queue_config_write(struct dsa_queue *q);
void dsa_queue_reset_ring(struct dsa_queue *q);

/*
 * Count on the fast path. The queue's thread is a counter's only writer, so
 * a plain read of it is exact; the store is atomic (relaxed: a plain store on
 * x86) because pdk_dmadev_stats_get() may load it from another thread while
 * traffic runs, and must see a whole value.
 */
static inline void
dsa_ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/* dsa_fp.c: the fast path */
extern const struct pdk_dmadev_fp_ops dsa_fp_ops;
void dsa_portal_movdir64b(struct dsa_queue *q, const struct pdk_idxd_desc *desc);
void dsa_portal_hook(struct dsa_queue *q, const struct pdk_idxd_desc *desc);

#endif /* DSA_PRIVATE_H */
