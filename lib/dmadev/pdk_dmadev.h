/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMADEV_H
#define PDK_DMADEV_H

/**
 * @file
 * PASID-aware DMA devices, modelled on DPDK's rte_dmadev: a device has
 * queues; each queue is bound, at setup, to an address space (lib/dma) and
 * to a PASID of the device, so every byte the queue moves is translated by
 * the IOMMU in that space and no other. Two queues with two address spaces
 * are isolated from each other by the IOMMU, not by software.
 *
 * Control path: info, configure, queue setup, start, stop, close, stats,
 * dump. Fast path (inline, one indirect call into the driver): copy and fill
 * enqueue an operation and return its ring index, copy_burst and fill_burst
 * an array of them in one call; submit rings the doorbell;
 * completed / completed_status return finished operations in order, with a
 * status for each: success, a page fault and the address that faulted, or
 * an error. Addresses on the fast path are IOVAs of the queue's space.
 *
 * Devices are created by drivers (pdk_dmadev_pmd.h), usually from a bus
 * probe (lib/bus). A device on a simulated kernel says so in its info.
 *
 * States: registered -> configure -> queue_setup (each queue) -> start ->
 * stop -> (queue_setup, configure, start again) ... -> close, which stops
 * the device, releases every queue and leaves it registered but not
 * configured. Configure, queue setup and release need a stopped device
 * (-EBUSY while started). The library checks every argument and state
 * before the driver sees a call, logs each refusal (device, step, what to
 * do) and returns -errno: -ENODEV for an id that is not a device, -EINVAL
 * for bad arguments or a call out of order, -EBUSY for a started device.
 *
 * The fast path (the inline functions) checks only that the device id and
 * queue lie within the slot table, as rte_dmadev's does (-EINVAL, not
 * logged) and trusts the queue to be set up and started: a queue that is
 * not answers -ENODEV, and the first such call of the process logs one ERR
 * line (later ones nothing: the call may sit in a tight loop). A build with PDK_FASTPATH_CHECKS defined (meson option
 * -Dfastpath_checks=true) checks them too: see pdk_dmadev_fp_check().
 *
 * Threads: the control path (everything but the inline fast path) is not
 * thread-safe: call it from one thread, or serialise it. The fast path is
 * lock-free per queue: one thread per queue at a time, different queues from
 * different threads. Stop, close and unregister must not run while another
 * thread is inside a fast-path call of the device: quiesce the workers
 * first (after stop returns, fast-path calls answer -ENODEV).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pdk_dma.h"
#include "pdk_dmadev_core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/* Capabilities (pdk_dmadev_info.capa) */
#define PDK_DMADEV_CAPA_COPY		(UINT64_C(1) << 0)	/**< pdk_dmadev_copy() */
#define PDK_DMADEV_CAPA_FILL		(UINT64_C(1) << 1)	/**< pdk_dmadev_fill() */
#define PDK_DMADEV_CAPA_PASID		(UINT64_C(1) << 2)	/**< queues tag DMA with a PASID */
#define PDK_DMADEV_CAPA_FENCE		(UINT64_C(1) << 3)	/**< PDK_DMADEV_OP_FENCE */
#define PDK_DMADEV_CAPA_SIM		(UINT64_C(1) << 63)	/**< on a SIMULATED kernel/device */

/* Operation flags */
/**
 * Start the op only after every earlier op of the queue has finished,
 * those of earlier submissions included. A device whose own fence orders
 * only within one submission (DSA: within a batch) gets the rest from its
 * driver, which holds the fenced op back until the ops in flight completed
 * (and hands it on at a later submit or completion poll of the queue).
 * After a failed op in the same device submission the device may abandon
 * the fenced op and the ones after it (PDK_DMADEV_ST_NOT_ATTEMPTED).
 */
#define PDK_DMADEV_OP_FENCE	(UINT64_C(1) << 0)
#define PDK_DMADEV_OP_SUBMIT	(UINT64_C(1) << 1)	/**< submit with this op */

/** Queue argument meaning every queue (stats). */
#define PDK_DMADEV_ALL_QUEUES 0xffffu

/** Size of a device name, with its NUL (so names have up to 63 characters). */
#define PDK_DMADEV_NAME_MAX 64

/** What a device offers. */
struct pdk_dmadev_info {
	const char *name;	/**< the device's name, e.g. its PCI address */
	const char *driver;	/**< driver name */
	const char *backend;	/**< "kernel" or "sim" (a simulation, not hardware) */
	uint64_t capa;		/**< PDK_DMADEV_CAPA_* */
	uint16_t max_queues;	/**< queues the device has */
	uint16_t nb_queues;	/**< queues configured */
	uint16_t min_desc;	/**< smallest queue size */
	uint16_t max_desc;	/**< largest queue size (descriptors of all queues share it) */
	uint32_t max_xfer;	/**< largest length of one op, bytes */
	uint32_t pasid_width;	/**< PASID bits the device and IOMMU support (0: none) */
	bool pasid_exec;	/**< PASID Execute permission supported */
	bool pasid_priv;	/**< PASID privileged mode supported */
};

/** Device configuration. */
struct pdk_dmadev_conf {
	uint16_t nb_queues;	/**< 1..max_queues */
};

/** Queue configuration. */
struct pdk_dmadev_queue_conf {
	uint16_t nb_desc;	/**< ring size: a power of two in [min_desc, max_desc] */
	struct pdk_dma_as *as;	/**< the queue's address space (same iommufd as the device) */
	/**
	 * The queue's PASID: 0 allocates a free one from the device's PASID
	 * space; any other value in [1, 2^width) is reserved for the queue.
	 */
	uint32_t pasid;
};

/** A set-up queue. */
struct pdk_dmadev_queue_info {
	uint16_t nb_desc;	/**< ring size */
	uint32_t pasid;		/**< the PASID the queue's DMA carries */
	struct pdk_dma_as *as;	/**< the queue's address space */
	uint32_t hwpt_id;	/**< the PASID-capable HWPT attached at the PASID */
};

/** Counters of a queue (or of all queues). */
struct pdk_dmadev_stats {
	uint64_t submitted;	/**< operations submitted to the device */
	uint64_t completed;	/**< operations finished, whatever the status */
	uint64_t errors;	/**< finished with a status other than success */
	uint64_t page_faults;	/**< of those, IOMMU page faults */
	uint64_t bytes;		/**< bytes of successful operations */
};

/** Status of one finished operation. */
enum pdk_dmadev_status_code {
	PDK_DMADEV_ST_SUCCESS = 0,
	PDK_DMADEV_ST_PAGE_FAULT,	/**< the IOMMU refused an access; see fault_addr */
	PDK_DMADEV_ST_INVALID,		/**< the device refused the operation (size, flags) */
	PDK_DMADEV_ST_ERROR,		/**< any other device error; see hw_status */
	PDK_DMADEV_ST_NOT_ATTEMPTED,	/**< not run because the device stopped first */
};

/**
 * One operation of a burst (pdk_dmadev_copy_burst(), pdk_dmadev_fill_burst()):
 * the arguments of one pdk_dmadev_copy() or pdk_dmadev_fill() call.
 */
struct pdk_dmadev_op {
	/** copy: the source IOVA; fill: the 8-byte pattern written over and over
	 * (one field for both: the header stays C99, without an anonymous union) */
	uint64_t src;
	uint64_t dst;	/**< destination IOVA, in the queue's address space */
	uint32_t len;	/**< bytes, 1 up to pdk_dmadev_info.max_xfer */
	uint32_t rsvd;	/**< unused (the driver never reads it) */
};

/** What completed_status() reports per operation. */
struct pdk_dmadev_status {
	uint8_t code;		/**< enum pdk_dmadev_status_code */
	uint8_t hw_status;	/**< the device's own status code (driver specific) */
	uint8_t fault_write;	/**< page fault on a write (else a read) */
	uint8_t rsvd;		/**< zero */
	uint32_t bytes_done;	/**< bytes moved before a fault */
	uint64_t fault_addr;	/**< IOVA that faulted */
};

/** @return the number of devices. */
unsigned int pdk_dmadev_count(void);

/**
 * @param dev_id  a device id
 * @return true if @p dev_id is a device.
 */
bool pdk_dmadev_is_valid(int dev_id);

/**
 * @param name  a device's name
 * @return the dev_id of the device named @p name, -ENODEV if there is none,
 *   -EINVAL for a NULL name.
 */
int pdk_dmadev_get_dev_id(const char *name);

/**
 * @param start  the id to look from
 * @return the next device id at or after @p start (a negative @p start is
 *   taken as 0), or -ENODEV when there is none (the end of a walk, not
 *   logged).
 */
int pdk_dmadev_next(int start);

/**
 * Describe a device.
 * @param dev_id  the device
 * @param[out] info  what it offers
 * @return 0, -ENODEV, or -EINVAL (NULL @p info).
 */
int pdk_dmadev_info_get(int dev_id, struct pdk_dmadev_info *info);

/**
 * Configure a stopped (or new, or closed) device. Queues set up before are
 * released first, even when the driver then refuses the configuration
 * (the device is then left not configured).
 * @param dev_id  the device
 * @param conf  the configuration
 * @return 0, -ENODEV, -EINVAL (NULL @p conf, nb_queues 0 or above
 *   max_queues), -EBUSY (started), or the driver's -errno.
 */
int pdk_dmadev_configure(int dev_id, const struct pdk_dmadev_conf *conf);

/**
 * Set up queue @p q of a configured, stopped device: its ring, its PASID
 * and the attach of that PASID to a PASID-capable HWPT of @p conf->as.
 *
 * A queue that is already set up is released first (its PASID and ring are
 * freed, so asking for the same PASID again works); if the new setup then
 * fails the queue is left not set up. A refused argument changes nothing.
 * @param dev_id  the device
 * @param q  the queue, below pdk_dmadev_conf.nb_queues
 * @param conf  its ring size, address space and PASID
 * @return 0, -ENODEV, -EINVAL (not configured, @p q >= nb_queues, nb_desc
 *   not a power of two in [min_desc, max_desc], NULL address space, a
 *   non-zero PASID >= 2^pasid_width or on a device without
 *   PDK_DMADEV_CAPA_PASID), -EBUSY (started, or the PASID is used by
 *   another queue or context), -ENOSPC (no free PASID), or the kernel's
 *   -errno of the failed step.
 */
int pdk_dmadev_queue_setup(int dev_id, uint16_t q, const struct pdk_dmadev_queue_conf *conf);

/**
 * Release queue @p q of a stopped device: detach and free its PASID.
 * @param dev_id  the device
 * @param q  the queue
 * @return 0, -ENODEV, -EINVAL (not set up), -EBUSY (started), or the
 *   driver's -errno (the library forgets the queue anyway).
 */
int pdk_dmadev_queue_release(int dev_id, uint16_t q);

/**
 * Describe set-up queue @p q (started or not).
 * @param dev_id  the device
 * @param q  the queue
 * @param[out] info  its ring size, PASID, address space and HWPT
 * @return 0, -ENODEV, -EINVAL (not set up, or NULL @p info).
 */
int pdk_dmadev_queue_info(int dev_id, uint16_t q, struct pdk_dmadev_queue_info *info);

/**
 * Move queue @p q's PASID to address space @p as, started or not, while
 * its fast path runs: the driver maps the queue's ring in @p as at the
 * IOVAs it has in the current space, replaces the PASID's attachment
 * (pdk_pasid_ctx_replace(): atomic, a failure leaves the old one), then
 * unmaps the ring from the old space. Ops the queue starts after the
 * return use @p as, so the buffers they name must be mapped at the same
 * IOVAs there (or they fault). Ops in flight during the call may fault and
 * never complete: the kernel's replace is atomic for the caller, not for
 * DMA in flight (Intel VT-d clears the PASID entry, then writes the new
 * one: doc/kernel-facts.md K15), so complete the queue's ops first if none
 * may be lost. Other queues are not affected. A control call: serialise it
 * with the device's other control calls, not with its fast path.
 * @param dev_id  the device
 * @param q  the queue
 * @param as  the new address space, of the device's iommufd context
 * @return 0 (also when @p as is the current space), -ENODEV, -EINVAL (not
 *   set up, NULL @p as, another iommufd context), -ENOTSUP (the driver
 *   cannot replace), -EEXIST (@p as maps something at the ring's IOVAs), or
 *   the -errno of the failed step (the queue then keeps its space).
 */
int pdk_dmadev_queue_replace_as(int dev_id, uint16_t q, struct pdk_dma_as *as);

/**
 * Start the device and every set-up queue: the fast path of each set-up
 * queue works from the return on; queues not set up keep answering
 * -ENODEV. Starting a started device does nothing and returns 0.
 * @param dev_id  the device
 * @return 0, -ENODEV, -EINVAL (not configured, or no queue set up),
 *   -EBUSY (an earlier stop failed: stop or close it first), or the
 *   driver's -errno (the device stays stopped).
 */
int pdk_dmadev_start(int dev_id);

/**
 * Stop: the fast path answers -ENODEV from the start of this call on, then
 * the driver finishes or aborts in-flight work (operations not completed
 * are lost; read completions before stopping). Stopping a device that is
 * not started does nothing and returns 0.
 * @param dev_id  the device
 * @return 0, -ENODEV, or the driver's -errno: the fast path stays off and
 *   the device refuses start, setup and configure until a stop succeeds or
 *   it is closed.
 */
int pdk_dmadev_stop(int dev_id);

/**
 * Stop if started, release every queue (detach and free their PASIDs) and
 * what configure took; the device stays registered, not configured, and
 * can be configured again. The driver's remove unregisters it.
 * @param dev_id  the device
 * @return 0, -ENODEV, or the first -errno of the driver (everything is
 *   released anyway).
 */
int pdk_dmadev_close(int dev_id);

/**
 * Read counters of set-up queue @p q, or with PDK_DMADEV_ALL_QUEUES their
 * sum over every set-up queue. Allowed while started (the fast path keeps
 * counting: values may lag by the operations in flight).
 * @param dev_id  the device
 * @param q  the queue, or PDK_DMADEV_ALL_QUEUES
 * @param[out] stats  the counters
 * @return 0, -ENODEV, -EINVAL (NULL @p stats, not configured, queue not
 *   set up), -ENOTSUP (the driver keeps no counters).
 */
int pdk_dmadev_stats_get(int dev_id, uint16_t q, struct pdk_dmadev_stats *stats);

/**
 * Zero counters of set-up queue @p q or of every one (PDK_DMADEV_ALL_QUEUES).
 * @param dev_id  the device
 * @param q  the queue, or PDK_DMADEV_ALL_QUEUES
 * @return 0, -ENODEV, -EINVAL (not configured, queue not set up), -ENOTSUP
 *   (the driver keeps no counters), or the driver's first -errno (the other
 *   queues are reset all the same).
 */
int pdk_dmadev_stats_reset(int dev_id, uint16_t q);

/**
 * Print the library's view of the device (state, capabilities, each
 * queue's size, PASID, address space and whether its fast path is live),
 * then the driver's dump (its registers).
 * @param dev_id  the device
 * @param f  where to print
 * @return 0, -ENODEV, -EINVAL (NULL @p f), or the driver's -errno.
 */
int pdk_dmadev_dump(int dev_id, FILE *f);

/**
 * Allocate a free PASID of the device's PASID space (never 0), for a later
 * queue setup (pdk_dmadev_queue_conf.pasid). A PASID allocated here stays
 * allocated when the queue that used it is released, until
 * pdk_dmadev_pasid_free().
 * @param dev_id  the device
 * @param[out] pasid  the PASID
 * @return 0, -ENODEV, -ENOTSUP (the device has no PASID space), -ENOSPC.
 */
int pdk_dmadev_pasid_alloc(int dev_id, uint32_t *pasid);

/**
 * Allocate the PASID the caller chose, as pdk_dmadev_pasid_alloc() does.
 * @param dev_id  the device
 * @param pasid  the PASID
 * @return 0, -ENODEV, -ENOTSUP, -ERANGE (0 or beyond the PASID width),
 *   -EEXIST (already allocated).
 */
int pdk_dmadev_pasid_reserve(int dev_id, uint32_t pasid);

/**
 * Free a PASID.
 * @param dev_id  the device
 * @param pasid  the PASID
 * @return 0, -ENODEV, -ENOTSUP, -EBUSY (a queue uses it), -ENOENT (not
 *   allocated).
 */
int pdk_dmadev_pasid_free(int dev_id, uint32_t pasid);

/**
 * List the device's allocated PASIDs, ascending, whether allocated here or
 * by a queue setup: up to @p max of them into @p pasids.
 * @param dev_id  the device
 * @param[out] pasids  the PASIDs
 * @param max  the size of @p pasids
 * @return how many are allocated (may exceed @p max), -ENODEV, -ENOTSUP.
 */
int pdk_dmadev_pasid_list(int dev_id, uint32_t *pasids, unsigned int max);

/**
 * @param code  a status code
 * @return the status code's name ("success", "page-fault", ...).
 */
const char *pdk_dmadev_status_name(enum pdk_dmadev_status_code code);

/**
 * @internal The fast path's debug check, used by the inline functions below
 * when the program is built with PDK_FASTPATH_CHECKS defined (PDK's meson
 * option -Dfastpath_checks=true defines it for PDK and in libpdk.pc). It
 * costs a call per operation: a debugging aid, not for production.
 *
 * Without PDK_FASTPATH_CHECKS the fast path checks only that @p dev_id and
 * @p q lie within the slot table (-EINVAL, not logged, as rte_dmadev's
 * fast path does); a queue that is not started answers -ENODEV.
 * With it, every call also refuses, with -EINVAL (or 0 completions) and an
 * ERR line naming @p op, the device and the queue: an id that is not a
 * device, a queue that is not set up, or a NULL @p status array
 * (@p null_arg). It reads the control path's state without a lock, which
 * is as safe as the fast path itself: no control call may race with it.
 * @param dev_id  the device
 * @param q  the queue
 * @param op  the fast-path function's name, for the log
 * @param null_arg  true when a pointer argument the call needs is NULL
 * @return 0 when the call may go on, -EINVAL otherwise.
 */
int pdk_dmadev_fp_check(int dev_id, uint16_t q, const char *op, bool null_arg);

/**
 * @internal Return @p ret from the inline function when
 * pdk_dmadev_fp_check() refuses the call; nothing without
 * PDK_FASTPATH_CHECKS.
 */
#ifdef PDK_FASTPATH_CHECKS
#define PDK_DMADEV_FP_CHECK(dev_id, q, op, null_arg, ret)			\
	do {									\
		if (pdk_dmadev_fp_check(dev_id, q, op, null_arg) < 0)		\
			return ret;						\
	} while (0)
#else
#define PDK_DMADEV_FP_CHECK(dev_id, q, op, null_arg, ret) do { } while (0)
#endif

/**
 * @internal The fast-path slot of a queue.
 * @param dev_id  the device
 * @param q  the queue
 * @return the slot, or NULL when @p dev_id or @p q lie beyond the table.
 */
static inline const struct pdk_dmadev_fp_queue *
pdk_dmadev_fpq(int dev_id, uint16_t q)
{
	if ((unsigned int)dev_id >= PDK_DMADEV_MAX_DEVS || q >= PDK_DMADEV_MAX_QUEUES)
		return NULL;
	return &pdk_dmadev_fp[dev_id][q];
}

/**
 * Enqueue a copy of @p len bytes from IOVA @p src to IOVA @p dst.
 *
 * Ring indexes count operations of the queue from 0 at start and wrap at
 * 2^16, whatever the ring size.
 * @param dev_id  the device
 * @param q  the queue, started
 * @param src  source IOVA, in the queue's address space
 * @param dst  destination IOVA
 * @param len  bytes, 1 up to pdk_dmadev_info.max_xfer
 * @param flags  PDK_DMADEV_OP_*
 * @return the operation's ring index (0..65535), -ENOSPC (ring full),
 * -EINVAL (bad length, or @p dev_id or @p q beyond PDK_DMADEV_MAX_DEVS /
 * PDK_DMADEV_MAX_QUEUES) or -ENODEV (no such device, or queue not started).
 */
static inline int
pdk_dmadev_copy(int dev_id, uint16_t q, uint64_t src, uint64_t dst, uint32_t len,
		uint64_t flags)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	PDK_DMADEV_FP_CHECK(dev_id, q, "copy", false, -EINVAL);
	if (f == NULL)
		return -EINVAL;
	return f->ops->copy(f->q, src, dst, len, flags);
}

/**
 * Enqueue a fill of @p len bytes at IOVA @p dst with the 8-byte @p pattern.
 * @param dev_id  the device
 * @param q  the queue, started
 * @param pattern  the 8-byte value written over and over (its bytes as the CPU stores it)
 * @param dst  destination IOVA, in the queue's address space
 * @param len  bytes, 1 up to pdk_dmadev_info.max_xfer
 * @param flags  PDK_DMADEV_OP_*
 * @return as pdk_dmadev_copy(), or -ENOTSUP on a device without
 *   PDK_DMADEV_CAPA_FILL.
 */
static inline int
pdk_dmadev_fill(int dev_id, uint16_t q, uint64_t pattern, uint64_t dst, uint32_t len,
		uint64_t flags)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	PDK_DMADEV_FP_CHECK(dev_id, q, "fill", false, -EINVAL);
	if (f == NULL)
		return -EINVAL;
	return f->ops->fill(f->q, pattern, dst, len, flags);
}

/**
 * @internal A burst on a driver without copy_burst / fill_burst: one
 * copy / fill call per op, with pdk_dmadev_copy_burst()'s contract.
 * @param f  the queue's fast-path slot
 * @param fill  fills (ops[i].src is the pattern), else copies
 * @param ops  the ops, not NULL
 * @param nb_ops  how many
 * @param flags  the burst's PDK_DMADEV_OP_* (the fence goes with the first op)
 * @param[out] first_idx  the ring index of @p ops[0], not NULL
 * @return as pdk_dmadev_copy_burst()
 */
static inline int
pdk_dmadev_burst_loop(const struct pdk_dmadev_fp_queue *f, bool fill,
		      const struct pdk_dmadev_op *ops, uint16_t nb_ops, uint64_t flags,
		      uint16_t *first_idx)
{
	uint64_t fl = flags & PDK_DMADEV_OP_FENCE;
	uint16_t i;
	int rc;

	for (i = 0; i < nb_ops; i++) {
		rc = fill ? f->ops->fill(f->q, ops[i].src, ops[i].dst, ops[i].len, fl) :
			    f->ops->copy(f->q, ops[i].src, ops[i].dst, ops[i].len, fl);
		if (rc < 0) {
			if (i == 0)
				return rc;
			break;
		}
		if (i == 0)
			*first_idx = (uint16_t)rc;
		fl = 0;
	}
	if (flags & PDK_DMADEV_OP_SUBMIT)
		(void)f->ops->submit(f->q);
	return i;
}

/**
 * Enqueue up to @p nb_ops copies in one call: @p ops[i] as
 * pdk_dmadev_copy(dev_id, q, ops[i].src, ops[i].dst, ops[i].len, 0) would,
 * with the same checks per op (length) and once per burst (the queue, the
 * ring's room), at less cost per op. The ops take consecutive ring
 * indexes from *@p first_idx (wrapping at 2^16).
 *
 * It stops at the first op that cannot be enqueued and returns how many
 * were: a return below @p nb_ops means @p ops[ret] was refused (ring full,
 * bad length); a call with the rest (@p ops + ret) tells which, with its
 * -errno. A burst larger than the ring's room thus enqueues what fits
 * (pdk_dmadev_burst_capacity() says how many beforehand).
 * @param dev_id  the device
 * @param q  the queue, started
 * @param ops  the ops, @p nb_ops of them
 * @param nb_ops  how many; 0 enqueues nothing and returns 0
 * @param flags  PDK_DMADEV_OP_FENCE: the first op (and so the burst)
 *   starts only after every earlier op finished; PDK_DMADEV_OP_SUBMIT:
 *   submit once the ops are enqueued (when at least one was, or
 *   @p nb_ops is 0)
 * @param[out] first_idx  the ring index of @p ops[0] when the return is
 *   above 0 (may be NULL)
 * @return how many ops were enqueued, from the first (0 only for
 *   @p nb_ops 0 on a started queue); or, when not even the first was,
 *   -ENOSPC (ring full),
 *   -EINVAL (its length is 0 or above max_xfer, a NULL @p ops, or @p dev_id
 *   or @p q beyond the table), -ENODEV (no such device, or queue not
 *   started).
 */
static inline int
pdk_dmadev_copy_burst(int dev_id, uint16_t q, const struct pdk_dmadev_op *ops, uint16_t nb_ops,
		      uint64_t flags, uint16_t *first_idx)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	uint16_t idx;

	PDK_DMADEV_FP_CHECK(dev_id, q, "copy_burst", ops == NULL, -EINVAL);
	if (f == NULL || ops == NULL)
		return -EINVAL;
	if (first_idx == NULL)
		first_idx = &idx;
	if (f->ops->copy_burst == NULL)
		return pdk_dmadev_burst_loop(f, false, ops, nb_ops, flags, first_idx);
	return f->ops->copy_burst(f->q, ops, nb_ops, flags, first_idx);
}

/**
 * Enqueue up to @p nb_ops fills in one call: @p ops[i] as
 * pdk_dmadev_fill(dev_id, q, ops[i].src, ops[i].dst, ops[i].len, 0)
 * would; otherwise as pdk_dmadev_copy_burst().
 * @param dev_id  the device
 * @param q  the queue, started
 * @param ops  the ops, @p nb_ops of them
 * @param nb_ops  how many; 0 enqueues nothing and returns 0
 * @param flags  as pdk_dmadev_copy_burst()'s
 * @param[out] first_idx  the ring index of @p ops[0] (may be NULL)
 * @return as pdk_dmadev_copy_burst(), or -ENOTSUP on a device without
 *   PDK_DMADEV_CAPA_FILL.
 */
static inline int
pdk_dmadev_fill_burst(int dev_id, uint16_t q, const struct pdk_dmadev_op *ops, uint16_t nb_ops,
		      uint64_t flags, uint16_t *first_idx)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	uint16_t idx;

	PDK_DMADEV_FP_CHECK(dev_id, q, "fill_burst", ops == NULL, -EINVAL);
	if (f == NULL || ops == NULL)
		return -EINVAL;
	if (first_idx == NULL)
		first_idx = &idx;
	if (f->ops->fill_burst == NULL)
		return pdk_dmadev_burst_loop(f, true, ops, nb_ops, flags, first_idx);
	return f->ops->fill_burst(f->q, ops, nb_ops, flags, first_idx);
}

/**
 * Hand every enqueued operation to the device.
 * @param dev_id  the device
 * @param q  the queue, started
 * @return 0, -EINVAL (@p dev_id or @p q beyond the table), or -ENODEV (no
 *   such device, or queue not started).
 */
static inline int
pdk_dmadev_submit(int dev_id, uint16_t q)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	PDK_DMADEV_FP_CHECK(dev_id, q, "submit", false, -EINVAL);
	if (f == NULL)
		return -EINVAL;
	return f->ops->submit(f->q);
}

/**
 * Return up to @p nb_cpls operations finished in order, stopping before the
 * first that failed (then *@p has_error is true; completed_status() reads
 * it). *@p last_idx is the ring index of the last one returned (when none
 * is, the driver's last completed index, or left alone on a queue that is
 * not started). Either pointer may be NULL.
 * @param dev_id  the device
 * @param q  the queue, started
 * @param nb_cpls  the most operations to return
 * @param[out] last_idx  the ring index of the last one returned
 * @param[out] has_error  true when it stopped at a failed operation
 * @return the number of operations returned (0 also for a bad @p dev_id or
 *   @p q, or a queue not started).
 */
static inline uint16_t
pdk_dmadev_completed(int dev_id, uint16_t q, uint16_t nb_cpls, uint16_t *last_idx,
		     bool *has_error)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	bool err = false;
	uint16_t idx;

	PDK_DMADEV_FP_CHECK(dev_id, q, "completed", false, 0);
	if (f == NULL)
		return 0;
	if (last_idx == NULL)
		last_idx = &idx;
	if (has_error == NULL)
		has_error = &err;
	/* drivers only ever set it; a queue that is not started does not touch it */
	*has_error = false;
	return f->ops->completed(f->q, nb_cpls, last_idx, has_error);
}

/**
 * Return up to @p nb_cpls finished operations in order with a status for
 * each, failed ones included (so it moves past an error completed()
 * stopped at). @p status has room for @p nb_cpls entries.
 * @param dev_id  the device
 * @param q  the queue, started
 * @param nb_cpls  the most operations to return
 * @param[out] last_idx  the ring index of the last one returned (may be NULL)
 * @param[out] status  one entry per operation returned
 * @return the number of operations returned (0 also for a bad @p dev_id or
 *   @p q, a queue not started, or a NULL @p status).
 */
static inline uint16_t
pdk_dmadev_completed_status(int dev_id, uint16_t q, uint16_t nb_cpls, uint16_t *last_idx,
			    struct pdk_dmadev_status *status)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	uint16_t idx;

	PDK_DMADEV_FP_CHECK(dev_id, q, "completed_status", status == NULL, 0);
	if (f == NULL || status == NULL)
		return 0;
	if (last_idx == NULL)
		last_idx = &idx;
	return f->ops->completed_status(f->q, nb_cpls, last_idx, status);
}

/**
 * @param dev_id  the device
 * @param q  the queue, started
 * @return how many more operations can be enqueued now (0 for a bad
 *   @p dev_id or @p q, or a queue not started).
 */
static inline uint16_t
pdk_dmadev_burst_capacity(int dev_id, uint16_t q)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	PDK_DMADEV_FP_CHECK(dev_id, q, "burst_capacity", false, 0);
	if (f == NULL)
		return 0;
	return f->ops->burst_capacity(f->q);
}

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMADEV_H */
