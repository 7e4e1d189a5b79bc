/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_DSA_H
#define SIM_DSA_H

/*
 * The SIMULATED DSA's state, shared by its register/command side
 * (sim_dsa.c) and its engine (sim_dsa_engine.c). Everything here is
 * protected by the sim's lock, except the two fields the engine polls while
 * it spins without the lock (kick, stop), which are accessed atomically,
 * and an engine thread's own buffers (struct sim_dsa_eng).
 */

#include "pdk_idxd.h"
#include "sim_devices.h"
#include "../iommu/sim_iommu.h"

/* What the model publishes (doc/sim.md, "DSA model"). */
#define SIM_DSA_NUM_WQS		8u
#define SIM_DSA_TOTAL_WQ_SIZE	128u
#define SIM_DSA_NUM_GROUPS	4u
#define SIM_DSA_NUM_ENGINES	4u
/* GRPCAP total_rdbufs: the model's figure (no primary source gives Sapphire Rapids') */
#define SIM_DSA_TOTAL_RDBUFS	96u
#define SIM_DSA_MAX_XFER_SHIFT	21u	/* 2 MiB */
#define SIM_DSA_MAX_BATCH_SHIFT	10u	/* 1024 descriptors */
#define SIM_DSA_MAX_XFER	(1u << SIM_DSA_MAX_XFER_SHIFT)
#define SIM_DSA_MAX_BATCH	(1u << SIM_DSA_MAX_BATCH_SHIFT)
/*
 * The personalities (doc/sim.md, "DSA model"): PDK_SIM_MODEL_DSA is a DSA 1.0
 * as on Sapphire Rapids (8086:0b25, VERSION 0x100, 32-byte WQCFG);
 * PDK_SIM_MODEL_DSA2 a DSA 2.0 (8086:11fb, the Granite Rapids-D ID of
 * registers.h PCI_DEVICE_ID_INTEL_DSA_GNRD; VERSION 0x200; 64-byte WQCFG with
 * op_config, WQCAP op_config set). Both share every other figure.
 */
#define SIM_DSA_WQCFG_MAX	PDK_IDXD_WQCFG_MAX_SIZE	/* the larger of the two */

/* BAR0 layout: registers, the two tables, then the sim's MSI-X table and PBA. */
#define SIM_DSA_BAR0_SIZE	SIM_BAR0_SIZE
#define SIM_DSA_GRPCFG_OFF	0x400u
#define SIM_DSA_WQCFG_OFF	0x500u
#define SIM_DSA_BAR2_SIZE	(SIM_DSA_NUM_WQS * PDK_IDXD_PORTAL_STRIDE)

/* One work queue: what ENABLE_WQ took from its WQCFG, and its descriptors. */
struct sim_dsa_wq {
	bool enabled;		/* wq_state ENABLED (until a disable has drained it) */
	bool accepting;		/* portal writes are queued (enabled, no disable begun) */
	/* WQCFG as ENABLE_WQ saw it: fixed while enabled, as on hardware */
	uint16_t size;
	bool pasid_en;
	uint32_t pasid;
	bool bof;		/* block on fault (WQCFG bof): a descriptor with BOF waits on a page request */
	uint32_t max_xfer;
	uint32_t max_batch;
	uint64_t op_config[4];	/* opcodes the WQ accepts (all, on a DSA 1.0) */
	/* descriptors accepted and not yet taken by the engine (a ring) */
	struct pdk_idxd_desc ring[SIM_DSA_TOTAL_WQ_SIZE];
	uint16_t head;
	uint16_t count;
	uint64_t accepted;	/* since creation */
	uint64_t retired;	/* of those: run to completion or discarded */
	unsigned int engines;	/* of its group, as ENABLE_DEVICE saw GRPCFG */
	bool swapped;		/* the descriptor at head was passed by the one after it */
	bool busy;		/* an engine thread runs one of its descriptors */
};

struct sim_dsa;

/* One engine thread and what only it touches (no lock needed). */
struct sim_dsa_eng {
	struct sim_dsa *d;
	pthread_t thread;
	uint8_t *bounce;	/* SIM_DSA_MAX_XFER bytes: data passes through it */
	struct pdk_idxd_desc *list;	/* SIM_DSA_MAX_BATCH descriptors: a batch's list */
	struct sim_va_cache vc;	/* pages checked present, per descriptor taken */
	/* the attachment the descriptor running goes through, pinned while it runs */
	struct sim_attach_handle *held;
};

struct sim_dsa {
	struct sim_fn *fn;
	uint32_t version;	/* VERSION: PDK_IDXD_VERSION_1 or _2 */
	uint32_t wqcfg_size;	/* bytes per WQ in the WQCFG table: 32 or 64 */
	struct sim_dsa_wq wq[SIM_DSA_NUM_WQS];
	bool halted;		/* pdk_sim_fn_dsa_halt(): GENSTS halt until the right reset */
	uint32_t reset_type;	/* of the halt: PDK_IDXD_RESET_* */
	bool cmd_busy;		/* a command or reset is in progress (it may wait) */
	unsigned int waiters;	/* threads in sim_dsa_wait() */
	pthread_cond_t idle;	/* a descriptor retired, the engine exited, a command ended */

	/* the engine threads: one per engine in a group (at least one) of an enabled device */
	struct sim_dsa_eng eng[SIM_DSA_NUM_ENGINES];
	unsigned int nengines;	/* in groups at ENABLE_DEVICE: threads to start */
	unsigned int nthreads;	/* started */
	unsigned int nexited;	/* of those, exited */
	bool running;		/* started and not yet joined */
	bool stop;		/* exit once no descriptor is queued (atomic: polled unlocked) */
	unsigned int sleeping;	/* threads waiting on work */
	pthread_cond_t work;	/* a descriptor was queued, or stop */
	uint64_t kick;		/* bumped per queued descriptor (atomic: polled unlocked) */
	unsigned int rr;	/* the WQ the engine looks at first next time */

	struct pdk_sim_dsa_stats st;
};

/* The WQs of a mask (bit n = WQ n). */
#define SIM_DSA_ALL_WQS		((1u << SIM_DSA_NUM_WQS) - 1)

/* sim_dsa_engine.c */

/* Start the engine thread. @return 0 or -errno (nothing started). */
int sim_dsa_engine_start(struct sim_dsa *d);
/* Let the engine finish what is queued, then join it. May drop the lock. */
void sim_dsa_engine_stop(struct sim_dsa *d);
/* Queue a descriptor on an accepting WQ; a full WQ drops it (counted). */
void sim_dsa_engine_submit(struct sim_dsa *d, unsigned int wq, const void *desc);
/* Discard what the WQs of @p mask hold and the engine has not taken. */
void sim_dsa_engine_discard(struct sim_dsa *d, uint32_t mask);
/* Wait until what the WQs of @p mask accepted so far has retired. May drop the lock. */
void sim_dsa_engine_wait_retired(struct sim_dsa *d, uint32_t mask);
/* Wait on d->idle with the sim's lock dropped meanwhile. */
void sim_dsa_wait(struct sim_dsa *d);

#endif /* SIM_DSA_H */
