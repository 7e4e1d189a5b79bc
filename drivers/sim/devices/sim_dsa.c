/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * PDK_SIM_MODEL_DSA: a SIMULATED Intel Data Streaming Accelerator, at the
 * register level, for the subset PDK's DSA PMD uses (doc/sim.md, "DSA
 * model"). It is not hardware: the facts are those of drivers/common/idxd/pdk_idxd.h,
 * and where the model departs from a real DSA the doc says so.
 *
 * BAR0 is the register file (capabilities, GENSTS, CMD/CMDSTS, SWERR, the
 * GRPCFG and WQCFG tables), kept in BAR0's memory so an mmap and the model
 * see the same bytes. A command runs when the host writes CMD through the
 * device fd, synchronously: CMDSTS is final when the pwrite returns. BAR2
 * holds the WQ portals: a 64-byte pwrite there, or a store through the
 * portal hook the sim hands out for it (sim_dsa_store64()), is one
 * descriptor submission (MOVDIR64B on hardware), queued for the engine
 * (sim_dsa_engine.c).
 *
 * A store through an mmap of BAR0 or BAR2 cannot be trapped by a userspace
 * model: it lands in memory but starts no command and submits nothing.
 *
 * Commands that must wait for the engine (disable, drain, abort, reset)
 * wait with the sim's lock dropped so that the engine, which needs it for
 * every DMA access, can finish; commands and resets of one device run one
 * at a time.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "sim_dsa.h"

/*
 * cache_control_cache: DPDK sets flag CC on every copy and fill it sends a
 * 8086:0b25 (drivers/dma/idxd/idxd_common.c idxd_enqueue_copy()), so the
 * device it stands for takes it; the model accepts the flag and ignores it.
 */
#define SIM_DSA_GENCAP	(PDK_IDXD_GENCAP_OVERLAP_COPY | PDK_IDXD_GENCAP_CMD_CAP |	\
			 PDK_IDXD_GENCAP_CACHE_CTRL_CACHE |				\
			 (uint64_t)SIM_DSA_MAX_XFER_SHIFT << PDK_IDXD_GENCAP_MAX_XFER_SHIFT | \
			 (uint64_t)SIM_DSA_MAX_BATCH_SHIFT << PDK_IDXD_GENCAP_MAX_BATCH_SHIFT | \
			 PDK_IDXD_GENCAP_CONFIG_EN)
/* WQCAP of the DSA 1.0; a DSA 2.0 adds wqcfg_size 1 (64 bytes) and op_config */
#define SIM_DSA_WQCAP	((uint64_t)SIM_DSA_TOTAL_WQ_SIZE << PDK_IDXD_WQCAP_TOTAL_SIZE_SHIFT | \
			 (uint64_t)SIM_DSA_NUM_WQS << PDK_IDXD_WQCAP_NUM_WQS_SHIFT |	\
			 (uint64_t)0 << PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT |		\
			 PDK_IDXD_WQCAP_DEDICATED)
#define SIM_DSA2_WQCAP	(SIM_DSA_WQCAP | (uint64_t)1 << PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT | \
			 PDK_IDXD_WQCAP_OP_CONFIG)
#define SIM_DSA_OPCAP0	(1u << PDK_IDXD_OP_NOOP | 1u << PDK_IDXD_OP_BATCH |		\
			 1u << PDK_IDXD_OP_DRAIN | 1u << PDK_IDXD_OP_MEMMOVE |		\
			 1u << PDK_IDXD_OP_MEMFILL)
#define SIM_DSA_OFFSETS								\
	((uint64_t)(SIM_DSA_GRPCFG_OFF / PDK_IDXD_TABLE_MULT) << PDK_IDXD_OFFSETS_GRPCFG_SHIFT | \
	 (uint64_t)(SIM_DSA_WQCFG_OFF / PDK_IDXD_TABLE_MULT) << PDK_IDXD_OFFSETS_WQCFG_SHIFT)
/* Commands 1 (ENABLE_DEVICE) to 10 (RESET_WQ); not the PASID or handle ones. */
#define SIM_DSA_CMDCAP	(((1u << (PDK_IDXD_CMD_RESET_WQ + 1)) - 1) & ~1u)

/* Register offsets of the tables. */
#define WQCFG_REG(fn, wq, dw) \
	(SIM_DSA_WQCFG_OFF + PDK_IDXD_WQCFG(wq, (fn)->dsa->wqcfg_size, dw))
#define GRPCFG_REG(off)		(SIM_DSA_GRPCFG_OFF + (off))

static bool
sim_dsa_dev_enabled(const struct sim_fn *fn)
{
	return (sim_reg_rd32(fn, PDK_IDXD_REG_GENSTS) & PDK_IDXD_GENSTS_STATE_MASK) ==
	       PDK_IDXD_STATE_ENABLED;
}

static void
sim_dsa_set_gensts(struct sim_fn *fn, uint32_t state)
{
	sim_reg_wr32(fn, PDK_IDXD_REG_GENSTS, state);
}

/* WQCFG dword 6's wq_state: what software reads back. */
static void
sim_dsa_set_wq_state(struct sim_fn *fn, unsigned int wq, uint32_t state)
{
	sim_reg_wr32(fn, WQCFG_REG(fn, wq, PDK_IDXD_WQCFG_STATE_DW),
		     state << PDK_IDXD_WQCFG_STATE_SHIFT);
}

/* ---- power-on state ---- */

static void
sim_dsa_regs_init(struct sim_fn *fn)
{
	memset(fn->bar[0].mem, 0, fn->bar[0].size);
	sim_reg_wr32(fn, PDK_IDXD_REG_VERSION, fn->dsa->version);
	sim_reg_wr64(fn, PDK_IDXD_REG_GENCAP,
		     SIM_DSA_GENCAP | (fn->cfg.dsa_no_bof ? 0 : PDK_IDXD_GENCAP_BLOCK_ON_FAULT));
	sim_reg_wr64(fn, PDK_IDXD_REG_WQCAP,
		     fn->dsa->version >= PDK_IDXD_VERSION_2 ? SIM_DSA2_WQCAP : SIM_DSA_WQCAP);
	sim_reg_wr64(fn, PDK_IDXD_REG_GRPCAP,
		     (uint64_t)SIM_DSA_NUM_GROUPS << PDK_IDXD_GRPCAP_NUM_GROUPS_SHIFT |
		     (uint64_t)SIM_DSA_TOTAL_RDBUFS << PDK_IDXD_GRPCAP_TOTAL_RDBUFS_SHIFT);
	sim_reg_wr64(fn, PDK_IDXD_REG_ENGCAP,
		     (uint64_t)SIM_DSA_NUM_ENGINES << PDK_IDXD_ENGCAP_NUM_ENGINES_SHIFT);
	sim_reg_wr64(fn, PDK_IDXD_REG_OPCAP, SIM_DSA_OPCAP0 & ~fn->cfg.dsa_ops_absent);
	sim_reg_wr64(fn, PDK_IDXD_REG_OFFSETS, SIM_DSA_OFFSETS);
	sim_reg_wr32(fn, PDK_IDXD_REG_CMDCAP, SIM_DSA_CMDCAP);
	sim_dsa_set_gensts(fn, PDK_IDXD_STATE_DISABLED);
}

/*
 * RESET_DEVICE, VFIO_DEVICE_RESET, bind and last close: in-flight work is
 * abandoned (queued descriptors discarded, the one running finishes), the
 * engine stops, and every register returns to its power-on value.
 */
static void
sim_dsa_power_on(struct sim_dsa *d)
{
	unsigned int i;

	sim_dsa_engine_discard(d, SIM_DSA_ALL_WQS);
	sim_dsa_engine_stop(d);
	for (i = 0; i < SIM_DSA_NUM_WQS; i++) {
		d->wq[i].enabled = false;
		d->wq[i].accepting = false;
	}
	sim_dsa_regs_init(d->fn);
	if (d->halted)	/* a halt this reset does not clear (the caller decides) */
		sim_dsa_set_gensts(d->fn, PDK_IDXD_STATE_HALT |
				   d->reset_type << PDK_IDXD_GENSTS_RESET_TYPE_SHIFT);
}

/*
 * The halt state (pdk_sim_fn_dsa_halt()): the WQs stop accepting, what they
 * hold is discarded (the descriptor running finishes), GENSTS says halt and
 * the reset it needs (registers.h union gensts_reg, enum
 * idxd_device_reset_type), and INTCAUSE HALT_STATE (IDXD_INTC_HALT_STATE)
 * is signalled on vector 0 when GENCTRL halt_int_en is set, as the kernel's
 * irq.c idxd_halt() expects.
 */
static void
sim_dsa_halt(struct sim_dsa *d, uint32_t reset_type)
{
	struct sim_fn *fn = d->fn;
	unsigned int i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		d->wq[i].accepting = false;
	sim_dsa_engine_discard(d, SIM_DSA_ALL_WQS);
	d->halted = true;
	d->reset_type = reset_type;
	sim_dsa_set_gensts(fn, PDK_IDXD_STATE_HALT |
			   reset_type << PDK_IDXD_GENSTS_RESET_TYPE_SHIFT);
	sim_reg_wr32(fn, PDK_IDXD_REG_INTCAUSE,
		     sim_reg_rd32(fn, PDK_IDXD_REG_INTCAUSE) | PDK_IDXD_INTC_HALT_STATE);
	if (sim_reg_rd32(fn, PDK_IDXD_REG_GENCTRL) & PDK_IDXD_GENCTRL_HALT_INT_EN)
		sim_pci_msix_raise(fn, 0);
	SIM_LOG(DEBUG, "simulated DSA %s: halted (injected), reset type %u", fn->addr,
		reset_type);
}

/* Commands and resets of one device run one at a time (each may wait). */
static void
sim_dsa_cmd_begin(struct sim_dsa *d)
{
	while (d->cmd_busy)
		sim_dsa_wait(d);
	d->cmd_busy = true;
}

static void
sim_dsa_cmd_end(struct sim_dsa *d)
{
	d->cmd_busy = false;
	if (d->waiters > 0)
		pthread_cond_broadcast(&d->idle);
}

/* ---- which bits the host may write ---- */

/*
 * WQCFG byte @p b of WQ @p wq: the fields of a disabled WQ; its size only
 * while the device is disabled.
 */
static uint8_t
sim_dsa_wqcfg_wmask(const struct sim_fn *fn, unsigned int wq, unsigned int b)
{
	if (fn->dsa->wq[wq].enabled)
		return 0;
	switch (b) {
	case 0:		/* wq_size: the WQ partition is fixed while the device is enabled */
	case 1:
		return sim_dsa_dev_enabled(fn) ? 0 : 0xff;
	case 4:		/* wq_thresh: stored, unused (shared WQs only) */
	case 5:
		return 0xff;
	case 8:		/* mode, bof, priority; not the ATS/PRS disables (no ATS, no PRS) */
		return 0xf3;
	case 9:		/* PASID 19:0 */
	case 10:
		return 0xff;
	case 11:	/* PASID 19:16, PASID_EN, priv */
		return 0x3f;
	case 12:	/* max_xfer_shift 4:0, max_batch_shift 8:5 */
		return 0xff;
	case 13:
		return 0x01;
	default:
		/* bytes 32-63 of a DSA 2.0: op_config, one bit per opcode */
		if (b >= 4 * PDK_IDXD_WQCFG_OP_CONFIG_DW && fn->dsa->wqcfg_size > b)
			return 0xff;
		return 0;	/* reserved, occupancy (not modelled), wq_state (RO) */
	}
}

/*
 * GRPCFG byte @p b of a group, while the device is disabled: its WQs, its
 * engines, and the bits of its flags that registers.h union group_flags
 * defines (stored; ENABLE_DEVICE checks the read buffers).
 */
static uint8_t
sim_dsa_grpcfg_wmask(const struct sim_fn *fn, unsigned int b)
{
	if (sim_reg_rd32(fn, PDK_IDXD_REG_GENSTS) & PDK_IDXD_GENSTS_STATE_MASK)
		return 0;
	if (b == PDK_IDXD_GRPCFG_WQS(0, 0))
		return (uint8_t)SIM_DSA_ALL_WQS;
	if (b == PDK_IDXD_GRPCFG_ENGINES(0))
		return (1u << SIM_DSA_NUM_ENGINES) - 1;
	if (b >= PDK_IDXD_GRPCFG_FLAGS(0) && b < PDK_IDXD_GRPCFG_FLAGS(0) + 8)
		return (uint8_t)(PDK_IDXD_GRPFLAGS_DEFINED >> (8 * (b - PDK_IDXD_GRPCFG_FLAGS(0))));
	return 0;	/* further WQ/engine bits (no such WQs or engines), reserved */
}

static uint8_t
sim_dsa_wmask(const struct sim_fn *fn, unsigned int bar, uint64_t off)
{
	const uint32_t wqcfg_size = fn->dsa->wqcfg_size;
	const uint64_t wqcfg_end = SIM_DSA_WQCFG_OFF + SIM_DSA_NUM_WQS * wqcfg_size;

	if (bar != 0)
		return 0;	/* a portal write is consumed, never stored */
	if (off >= SIM_DSA_WQCFG_OFF && off < wqcfg_end) {
		unsigned int rel = (unsigned int)(off - SIM_DSA_WQCFG_OFF);

		return sim_dsa_wqcfg_wmask(fn, rel / wqcfg_size, rel % wqcfg_size);
	}
	if (off >= SIM_DSA_GRPCFG_OFF &&
	    off < SIM_DSA_GRPCFG_OFF + SIM_DSA_NUM_GROUPS * PDK_IDXD_GRPCFG_SIZE)
		return sim_dsa_grpcfg_wmask(fn, (unsigned int)(off - SIM_DSA_GRPCFG_OFF) %
						PDK_IDXD_GRPCFG_SIZE);
	if (off >= PDK_IDXD_REG_CMD && off < PDK_IDXD_REG_CMD + 4)
		return 0xff;
	if (off == PDK_IDXD_REG_GENCTRL)
		return PDK_IDXD_GENCTRL_SOFTERR_INT_EN | PDK_IDXD_GENCTRL_HALT_INT_EN;
	/*
	 * Capabilities, OFFSETS, GENSTS, CMDSTS, CMDCAP: read-only. INTCAUSE and
	 * SWERR's VALID/OVERFLOW are write-1-to-clear (sim_dsa_written()).
	 * GENCFG is not modelled.
	 */
	return 0;
}

/* ---- commands ---- */

/*
 * Every WQ with a size in exactly one group with an engine; each engine in
 * one group: ERR_GRP_CONFIG (0x15, "lack of wq or engines" in Intel's
 * accel-config accfg/lib/libaccfg.c accfg_device_cmd_status[]). Read buffers
 * a group is allowed or reserves beyond GRPCAP total_rdbufs: ERR_GRP_CONFIG4
 * (0x18, "invalid read buffers config" there). Which values silicon refuses
 * the sources do not say; the model refuses only these, out of range.
 * Traffic classes are stored, not checked.
 */
static uint32_t
sim_dsa_check_groups(struct sim_fn *fn)
{
	uint64_t wqs_seen = 0, engines_seen = 0, sized = 0;
	uint32_t reserved = 0;
	unsigned int g, i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		if (sim_reg_rd32(fn, WQCFG_REG(fn, i, PDK_IDXD_WQCFG_SIZE_DW)) & 0xffff)
			sized |= UINT64_C(1) << i;
	for (g = 0; g < SIM_DSA_NUM_GROUPS; g++) {
		uint64_t wqs = sim_reg_rd64(fn, GRPCFG_REG(PDK_IDXD_GRPCFG_WQS(g, 0)));
		uint64_t engines = sim_reg_rd64(fn, GRPCFG_REG(PDK_IDXD_GRPCFG_ENGINES(g)));

		if ((wqs & wqs_seen) || (engines & engines_seen))
			return PDK_IDXD_CMDSTS_ERR_GRP_CONFIG;
		uint64_t flags = sim_reg_rd64(fn, GRPCFG_REG(PDK_IDXD_GRPCFG_FLAGS(g)));

		if ((wqs & sized) && engines == 0)
			return PDK_IDXD_CMDSTS_ERR_GRP_CONFIG;
		reserved += (uint32_t)PDK_IDXD_GET(flags, PDK_IDXD_GRPFLAGS_RDBUFS_RESERVED_SHIFT, 8);
		if (PDK_IDXD_GET(flags, PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT, 8) >
			    SIM_DSA_TOTAL_RDBUFS ||
		    reserved > SIM_DSA_TOTAL_RDBUFS)
			return PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4;
		wqs_seen |= wqs;
		engines_seen |= engines;
	}
	return (sized & ~wqs_seen) ? PDK_IDXD_CMDSTS_ERR_GRP_CONFIG : PDK_IDXD_CMDSTS_SUCCESS;
}

/* How many engines serve each WQ: those of its group (the groups were checked). */
static void
sim_dsa_wq_engines(struct sim_dsa *d)
{
	uint64_t used = 0;
	unsigned int g, i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		d->wq[i].engines = 0;
	for (g = 0; g < SIM_DSA_NUM_GROUPS; g++) {
		uint64_t wqs = sim_reg_rd64(d->fn, GRPCFG_REG(PDK_IDXD_GRPCFG_WQS(g, 0)));
		uint64_t engines = sim_reg_rd64(d->fn, GRPCFG_REG(PDK_IDXD_GRPCFG_ENGINES(g)));

		for (i = 0; i < SIM_DSA_NUM_WQS; i++)
			if (wqs & (UINT64_C(1) << i))
				d->wq[i].engines = (unsigned int)__builtin_popcountll(engines);
		if (wqs != 0)
			used |= engines;
	}
	/* one thread per engine that serves a WQ (the threads run the WQs in parallel) */
	used &= (UINT64_C(1) << SIM_DSA_NUM_ENGINES) - 1;
	d->nengines = used != 0 ? (unsigned int)__builtin_popcountll(used) : 1;
}

static uint32_t
sim_dsa_enable_device(struct sim_dsa *d)
{
	struct sim_fn *fn = d->fn;
	uint32_t total = 0, err;
	unsigned int i;
	int rc;

	if (sim_dsa_dev_enabled(fn))
		return PDK_IDXD_CMDSTS_ERR_DEV_ENABLED;
	if (!(sim_pci_command(fn) & PCI_COMMAND_MASTER))
		return PDK_IDXD_CMDSTS_ERR_BUSMASTER_EN;
	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		total += sim_reg_rd32(fn, WQCFG_REG(fn, i, PDK_IDXD_WQCFG_SIZE_DW)) & 0xffff;
	if (total > SIM_DSA_TOTAL_WQ_SIZE)
		return PDK_IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE;
	err = sim_dsa_check_groups(fn);
	if (err != PDK_IDXD_CMDSTS_SUCCESS)
		return err;
	sim_dsa_wq_engines(d);
	rc = sim_dsa_engine_start(d);
	if (rc < 0) {
		sim_fail(PDK_LOG_ERR, fn->addr, rc, "free threads or memory in the process",
			 "simulated DSA: ENABLE_DEVICE: start the engine thread (CMDSTS HW_ERR)");
		return PDK_IDXD_CMDSTS_HW_ERR;
	}
	sim_dsa_set_gensts(fn, PDK_IDXD_STATE_ENABLED);
	return PDK_IDXD_CMDSTS_SUCCESS;
}

/* Stop accepting on the WQs of @p mask, let what they hold run, mark them disabled. */
static void
sim_dsa_disable_wqs(struct sim_dsa *d, uint32_t mask, bool abort)
{
	unsigned int i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		if (mask & (1u << i))
			d->wq[i].accepting = false;
	if (abort)
		sim_dsa_engine_discard(d, mask);
	sim_dsa_engine_wait_retired(d, mask);
	for (i = 0; i < SIM_DSA_NUM_WQS; i++) {
		if (!(mask & (1u << i)) || !d->wq[i].enabled)
			continue;
		d->wq[i].enabled = false;
		sim_dsa_set_wq_state(d->fn, i, PDK_IDXD_WQ_STATE_DISABLED);
	}
}

static uint32_t
sim_dsa_disable_device(struct sim_dsa *d)
{
	if (!sim_dsa_dev_enabled(d->fn))
		return PDK_IDXD_CMDSTS_ERR_DIS_DEV_EN;
	/* Every WQ drains, then the engine stops. */
	sim_dsa_disable_wqs(d, SIM_DSA_ALL_WQS, false);
	sim_dsa_engine_stop(d);
	sim_dsa_set_gensts(d->fn, PDK_IDXD_STATE_DISABLED);
	return PDK_IDXD_CMDSTS_SUCCESS;
}

static uint32_t
sim_dsa_enable_wq(struct sim_dsa *d, uint32_t wq)
{
	struct sim_fn *fn = d->fn;
	struct sim_dsa_wq *w;
	uint32_t size, mode, xfer, xfer_shift, batch_shift, pasid;
	unsigned int i;

	if (wq >= SIM_DSA_NUM_WQS)
		return PDK_IDXD_CMDSTS_INVAL_WQIDX;
	if (!sim_dsa_dev_enabled(fn))
		return PDK_IDXD_CMDSTS_ERR_DEV_NOTEN;
	w = &d->wq[wq];
	if (w->enabled)
		return PDK_IDXD_CMDSTS_ERR_WQ_ENABLED;
	size = sim_reg_rd32(fn, WQCFG_REG(fn, wq, PDK_IDXD_WQCFG_SIZE_DW)) & 0xffff;
	mode = sim_reg_rd32(fn, WQCFG_REG(fn, wq, PDK_IDXD_WQCFG_MODE_DW));
	xfer = sim_reg_rd32(fn, WQCFG_REG(fn, wq, PDK_IDXD_WQCFG_XFER_DW));
	xfer_shift = (uint32_t)PDK_IDXD_GET(xfer, PDK_IDXD_WQCFG_MAX_XFER_SHIFT, 5);
	batch_shift = (uint32_t)PDK_IDXD_GET(xfer, PDK_IDXD_WQCFG_MAX_BATCH_SHIFT, 4);
	pasid = (mode >> PDK_IDXD_WQCFG_PASID_SHIFT) & PDK_IDXD_WQCFG_PASID_MASK;
	if (size == 0)
		return PDK_IDXD_CMDSTS_ERR_WQ_SIZE;
	if (!(mode & PDK_IDXD_WQCFG_MODE_DEDICATED))
		return PDK_IDXD_CMDSTS_ERR_WQ_MODE;	/* shared mode is not modelled */
	if ((mode & PDK_IDXD_WQCFG_BOF) &&
	    !(sim_reg_rd64(fn, PDK_IDXD_REG_GENCAP) & PDK_IDXD_GENCAP_BLOCK_ON_FAULT))
		return PDK_IDXD_CMDSTS_ERR_BOF_EN;	/* GENCAP block_on_fault is 0 */
	/*
	 * PASID_EN needs the function's PASID capability, and (the model's
	 * rule) a PASID the function can emit: below 2^width.
	 */
	if ((mode & PDK_IDXD_WQCFG_PASID_EN) &&
	    (fn->cfg.pasid_bits == 0 || pasid >= (1u << fn->cfg.pasid_bits)))
		return PDK_IDXD_CMDSTS_ERR_PASID_EN;
	if (xfer_shift > SIM_DSA_MAX_XFER_SHIFT)
		return PDK_IDXD_CMDSTS_ERR_MAX_XFER_SIZE;
	if (batch_shift > SIM_DSA_MAX_BATCH_SHIFT)
		return PDK_IDXD_CMDSTS_ERR_MAX_BATCH_SIZE;
	w->size = (uint16_t)size;
	w->pasid_en = (mode & PDK_IDXD_WQCFG_PASID_EN) != 0;
	w->bof = (mode & PDK_IDXD_WQCFG_BOF) != 0;
	w->pasid = pasid;
	w->max_xfer = 1u << xfer_shift;
	w->max_batch = 1u << batch_shift;
	for (i = 0; i < 4; i++)
		w->op_config[i] = d->wqcfg_size > 4 * PDK_IDXD_WQCFG_OP_CONFIG_DW ?
			sim_reg_rd64(fn, WQCFG_REG(fn, wq, PDK_IDXD_WQCFG_OP_CONFIG_DW + 2 * i)) :
			UINT64_MAX;	/* a DSA 1.0 has no op_config: every opcode */
	w->head = 0;
	w->count = 0;
	w->swapped = false;
	w->enabled = true;
	w->accepting = true;
	sim_dsa_set_wq_state(fn, wq, PDK_IDXD_WQ_STATE_ENABLED);
	return PDK_IDXD_CMDSTS_SUCCESS;
}

/* DISABLE/DRAIN/ABORT/RESET_WQ: PDK_IDXD_WQ_MASK_OPERAND(). */
static uint32_t
sim_dsa_wq_cmd(struct sim_dsa *d, uint32_t cmd, uint32_t operand)
{
	uint32_t mask = operand & 0xffff, i;

	if ((operand >> 16) != 0 || (mask & ~SIM_DSA_ALL_WQS))
		return PDK_IDXD_CMDSTS_INVAL_WQIDX;
	if (!sim_dsa_dev_enabled(d->fn))
		return PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN;
	switch (cmd) {
	case PDK_IDXD_CMD_DISABLE_WQ:
		sim_dsa_disable_wqs(d, mask, false);
		break;
	case PDK_IDXD_CMD_DRAIN_WQ:
		sim_dsa_engine_wait_retired(d, mask);
		break;
	case PDK_IDXD_CMD_ABORT_WQ:
		sim_dsa_engine_discard(d, mask);
		sim_dsa_engine_wait_retired(d, mask);
		break;
	default:	/* RESET_WQ: disabled without draining, WQCFG to power-on values */
		sim_dsa_disable_wqs(d, mask, true);
		for (i = 0; i < SIM_DSA_NUM_WQS; i++)
			if (mask & (1u << i))
				memset(d->fn->bar[0].mem + WQCFG_REG(d->fn, i, 0), 0,
				       d->wqcfg_size);
		break;
	}
	return PDK_IDXD_CMDSTS_SUCCESS;
}

static uint32_t
sim_dsa_dispatch(struct sim_dsa *d, uint32_t cmd, uint32_t operand)
{
	if (d->halted) {
		/*
		 * Halted: RESET_DEVICE clears a halt that needs a software reset;
		 * every other command gets HW_ERR, the status the kernel reports
		 * for a halted device (device.c idxd_cmd_exec()) -- the model's
		 * choice, the sources do not say what silicon answers.
		 */
		if (cmd != PDK_IDXD_CMD_RESET_DEVICE || d->reset_type != PDK_IDXD_RESET_SOFTWARE)
			return PDK_IDXD_CMDSTS_HW_ERR;
		d->halted = false;
	}
	switch (cmd) {
	case PDK_IDXD_CMD_ENABLE_DEVICE:
		return sim_dsa_enable_device(d);
	case PDK_IDXD_CMD_DISABLE_DEVICE:
		return sim_dsa_disable_device(d);
	case PDK_IDXD_CMD_DRAIN_ALL:
	case PDK_IDXD_CMD_ABORT_ALL:
		if (!sim_dsa_dev_enabled(d->fn))
			return PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN;
		if (cmd == PDK_IDXD_CMD_ABORT_ALL)
			sim_dsa_engine_discard(d, SIM_DSA_ALL_WQS);
		sim_dsa_engine_wait_retired(d, SIM_DSA_ALL_WQS);
		return PDK_IDXD_CMDSTS_SUCCESS;
	case PDK_IDXD_CMD_RESET_DEVICE:
		sim_dsa_power_on(d);
		return PDK_IDXD_CMDSTS_SUCCESS;
	case PDK_IDXD_CMD_ENABLE_WQ:
		return sim_dsa_enable_wq(d, operand);
	case PDK_IDXD_CMD_DISABLE_WQ:
	case PDK_IDXD_CMD_DRAIN_WQ:
	case PDK_IDXD_CMD_ABORT_WQ:
	case PDK_IDXD_CMD_RESET_WQ:
		return sim_dsa_wq_cmd(d, cmd, operand);
	default:
		return PDK_IDXD_CMDSTS_INVAL_CMD;
	}
}

static void
sim_dsa_command(struct sim_fn *fn, uint32_t reg)
{
	struct sim_dsa *d = fn->dsa;
	uint32_t cmd = (reg >> PDK_IDXD_CMD_SHIFT) & 0x1f;
	uint32_t operand = reg & PDK_IDXD_CMD_OPERAND_MASK;
	uint32_t err;

	sim_dsa_cmd_begin(d);
	sim_reg_wr32(fn, PDK_IDXD_REG_CMDSTS, PDK_IDXD_CMDSTS_ACTIVE);
	err = sim_dsa_dispatch(d, cmd, operand);
	sim_reg_wr32(fn, PDK_IDXD_REG_CMDSTS, err);
	SIM_LOG(DEBUG, "simulated DSA %s: command %u operand 0x%x: status 0x%02x", fn->addr, cmd,
		operand, err);
	if (reg & PDK_IDXD_CMD_INT_REQ) {
		sim_reg_wr32(fn, PDK_IDXD_REG_INTCAUSE,
			     sim_reg_rd32(fn, PDK_IDXD_REG_INTCAUSE) | PDK_IDXD_INTC_CMD);
		sim_pci_msix_raise(fn, 0);
	}
	sim_dsa_cmd_end(d);
}

/* ---- host writes ---- */

/* Write-1-to-clear bits @p mask of the byte at @p reg, if the write covered it. */
static void
sim_dsa_rw1c(struct sim_fn *fn, uint64_t off, const uint8_t *buf, size_t len, uint64_t reg,
	     uint8_t mask)
{
	if (reg >= off && reg < off + len)
		fn->bar[0].mem[reg] &= (uint8_t)~(buf[reg - off] & mask);
}

/* A 64-byte write at a portal: one descriptor for the WQ (MOVDIR64B). */
static void
sim_dsa_portal(struct sim_fn *fn, uint64_t off, const void *buf, size_t len)
{
	struct sim_dsa *d = fn->dsa;
	unsigned int wq = (unsigned int)(off / PDK_IDXD_PORTAL_STRIDE);

	if (len != sizeof(struct pdk_idxd_desc) || (off & 63)) {
		d->st.dropped_bad_write++;
		SIM_LOG(DEBUG, "simulated DSA %s: portal write of %zu bytes at 0x%llx dropped: a "
			"submission is 64 bytes at a 64-byte aligned offset", fn->addr, len,
			(unsigned long long)off);
		return;
	}
	if (!d->wq[wq].accepting) {
		d->st.dropped_disabled++;
		SIM_LOG(DEBUG, "simulated DSA %s: portal write to WQ %u dropped: the WQ is not enabled",
			fn->addr, wq);
		return;
	}
	sim_dsa_engine_submit(d, wq, buf);
}

/*
 * The portal hook (struct sim_model.store64): what a 64-byte pwrite at the
 * portal does, without the boundary call. The same checks apply, in
 * sim_dsa_portal(): a misaligned window drops every store (dropped_bad_write),
 * a WQ not accepting drops it (dropped_disabled), a full WQ drops it
 * (dropped_full).
 */
static void
sim_dsa_store64(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *src)
{
	(void)bar;	/* store64_bars: the WQ BAR only */
	sim_dsa_portal(fn, off, src, sizeof(struct pdk_idxd_desc));
}

static void
sim_dsa_written(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	unsigned int i;

	if (bar == PDK_IDXD_WQ_BAR) {
		sim_dsa_portal(fn, off, buf, len);
		return;
	}
	if (bar != PDK_IDXD_MMIO_BAR)
		return;
	for (i = 0; i < 4; i++)
		sim_dsa_rw1c(fn, off, p, len, PDK_IDXD_REG_INTCAUSE + i, 0xff);
	sim_dsa_rw1c(fn, off, p, len, PDK_IDXD_REG_SWERR,
		     (uint8_t)(PDK_IDXD_SWERR_VALID | PDK_IDXD_SWERR_OVERFLOW));
	if (sim_reg_touched(off, len, PDK_IDXD_REG_CMD, 4))
		sim_dsa_command(fn, sim_reg_rd32(fn, PDK_IDXD_REG_CMD));
}

/* ---- the model ---- */

/* A VFIO reset (FLR), bind, last close: clears a halt of type software or FLR. */
static void
sim_dsa_reset(struct sim_fn *fn)
{
	struct sim_dsa *d = fn->dsa;

	sim_dsa_cmd_begin(d);
	if (d->halted && d->reset_type <= PDK_IDXD_RESET_FLR)
		d->halted = false;
	sim_dsa_power_on(d);
	sim_dsa_cmd_end(d);
}

static int
sim_dsa_init(struct sim_fn *fn)
{
	/* It holds descriptors (64-byte aligned): calloc's 16 bytes are not enough. */
	struct sim_dsa *d = aligned_alloc(_Alignof(struct sim_dsa), sizeof(*d));

	if (d == NULL)
		return -ENOMEM;
	memset(d, 0, sizeof(*d));
	d->fn = fn;
	d->version = fn->model == &sim_model_dsa2 ? PDK_IDXD_VERSION_2 : PDK_IDXD_VERSION_1;
	d->wqcfg_size = d->version >= PDK_IDXD_VERSION_2 ? SIM_DSA_WQCFG_MAX :
							   PDK_IDXD_WQCFG_MIN_SIZE;
	if (pthread_cond_init(&d->idle, NULL) != 0) {
		free(d);
		return -ENOMEM;
	}
	if (pthread_cond_init(&d->work, NULL) != 0) {
		pthread_cond_destroy(&d->idle);
		free(d);
		return -ENOMEM;
	}
	fn->dsa = d;
	return 0;
}

static void
sim_dsa_fini(struct sim_fn *fn)
{
	struct sim_dsa *d = fn->dsa;

	if (d == NULL)
		return;
	if (d->running) {
		SIM_LOG(WARNING, "simulated DSA %s: engine still running at teardown: stopped",
			fn->addr);
		sim_dsa_reset(fn);
	}
	pthread_cond_destroy(&d->work);
	pthread_cond_destroy(&d->idle);
	free(d);
	fn->dsa = NULL;
}

#define SIM_DSA_MODEL(model_name, id)				\
	.name = model_name,						\
	.vendor_id = PDK_IDXD_VENDOR_INTEL,				\
	.device_id = id,						\
	.class_code = 0x088000,		/* system peripheral, other */	\
	.bar_size = {							\
		[PDK_IDXD_MMIO_BAR] = SIM_DSA_BAR0_SIZE,		\
		[PDK_IDXD_WQ_BAR] = SIM_DSA_BAR2_SIZE,			\
	},								\
	.init = sim_dsa_init,						\
	.fini = sim_dsa_fini,						\
	.reset = sim_dsa_reset,						\
	.wmask = sim_dsa_wmask,						\
	.written = sim_dsa_written,					\
	.store64 = sim_dsa_store64,					\
	.store64_bars = 1u << PDK_IDXD_WQ_BAR

const struct sim_model sim_model_dsa = {
	SIM_DSA_MODEL("simulated DSA", PDK_IDXD_DEVICE_DSA_SPR),
};

const struct sim_model sim_model_dsa2 = {
	SIM_DSA_MODEL("simulated DSA 2.0", PDK_IDXD_DEVICE_DSA_GNRD),
};

int
pdk_sim_fn_dsa_stats(struct pdk_sim_fn *pfn, struct pdk_sim_dsa_stats *stats)
{
	struct sim_fn *fn = (struct sim_fn *)pfn;
	int rc = -EINVAL;

	SIM_ARG_CHECK(fn, "DSA counters", "NULL function",
		      "pass a PDK_SIM_MODEL_DSA function from pdk_sim_fn_add() or pdk_sim_fn_find()",
		      -EINVAL);
	SIM_ARG_CHECK(stats, "DSA counters", "NULL stats",
		      "pass a struct pdk_sim_dsa_stats to fill", -EINVAL);
	pthread_mutex_lock(&fn->sim->lock);
	if (fn->dsa != NULL) {
		*stats = fn->dsa->st;
		rc = 0;
	}
	pthread_mutex_unlock(&fn->sim->lock);
	if (rc < 0)
		sim_fail(PDK_LOG_ERR, fn->addr, rc, "ask a PDK_SIM_MODEL_DSA function",
			 "DSA counters: not a simulated DSA function");
	return rc;
}

int
pdk_sim_fn_dsa_halt(struct pdk_sim_fn *pfn, unsigned int reset_type)
{
	struct sim_fn *fn = (struct sim_fn *)pfn;
	int rc = -EINVAL;

	SIM_ARG_CHECK(fn, "DSA halt", "NULL function",
		      "pass a PDK_SIM_MODEL_DSA function from pdk_sim_fn_add() or pdk_sim_fn_find()",
		      -EINVAL);
	if (reset_type > PDK_IDXD_RESET_COLD)
		return sim_fail(PDK_LOG_ERR, fn->addr, -EINVAL,
				"pass 0 (software), 1 (FLR), 2 (warm) or 3 (cold)",
				"DSA halt: reset type %u is not one GENSTS can hold", reset_type);
	pthread_mutex_lock(&fn->sim->lock);
	if (fn->dsa != NULL) {
		sim_dsa_cmd_begin(fn->dsa);
		sim_dsa_halt(fn->dsa, reset_type);
		sim_dsa_cmd_end(fn->dsa);
		rc = 0;
	}
	pthread_mutex_unlock(&fn->sim->lock);
	if (rc < 0)
		sim_fail(PDK_LOG_ERR, fn->addr, rc, "ask a PDK_SIM_MODEL_DSA function",
			 "DSA halt: not a simulated DSA function");
	return rc;
}
