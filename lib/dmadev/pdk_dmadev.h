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
 * enqueue an operation and return its ring index; submit rings the doorbell;
 * completed / completed_status return finished operations in order, with a
 * status for each: success, a page fault and the address that faulted, or
 * an error. Addresses on the fast path are IOVAs of the queue's space.
 *
 * Devices are created by drivers (pdk_dmadev_pmd.h), usually from a bus
 * probe (lib/bus). A device on a simulated kernel says so in its info.
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

/* Capabilities (pdk_dmadev_info.capa) */
#define PDK_DMADEV_CAPA_COPY		(UINT64_C(1) << 0)	/**< pdk_dmadev_copy() */
#define PDK_DMADEV_CAPA_FILL		(UINT64_C(1) << 1)	/**< pdk_dmadev_fill() */
#define PDK_DMADEV_CAPA_PASID		(UINT64_C(1) << 2)	/**< queues tag DMA with a PASID */
#define PDK_DMADEV_CAPA_FENCE		(UINT64_C(1) << 3)	/**< PDK_DMADEV_OP_FENCE */
#define PDK_DMADEV_CAPA_SIM		(UINT64_C(1) << 63)	/**< on a SIMULATED kernel/device */

/* Operation flags */
#define PDK_DMADEV_OP_FENCE	(UINT64_C(1) << 0)	/**< start after all earlier ops finished */
#define PDK_DMADEV_OP_SUBMIT	(UINT64_C(1) << 1)	/**< submit with this op */

/** Queue argument meaning every queue (stats). */
#define PDK_DMADEV_ALL_QUEUES 0xffffu

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
	uint16_t nb_desc;
	uint32_t pasid;
	struct pdk_dma_as *as;
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

/** What completed_status() reports per operation. */
struct pdk_dmadev_status {
	uint8_t code;		/**< enum pdk_dmadev_status_code */
	uint8_t hw_status;	/**< the device's own status code (driver specific) */
	uint8_t fault_write;	/**< page fault on a write (else a read) */
	uint8_t rsvd;
	uint32_t bytes_done;	/**< bytes moved before a fault */
	uint64_t fault_addr;	/**< IOVA that faulted */
};

/** @return the number of devices. */
unsigned int pdk_dmadev_count(void);

/** @return true if @p dev_id is a device. */
bool pdk_dmadev_is_valid(int dev_id);

/** @return the dev_id of the device named @p name, or -ENODEV. */
int pdk_dmadev_get_dev_id(const char *name);

/** @return the next device id at or after @p start, or -ENODEV. */
int pdk_dmadev_next(int start);

/** Fill @p info. @return 0 or -ENODEV. */
int pdk_dmadev_info_get(int dev_id, struct pdk_dmadev_info *info);

/** Configure a stopped device; releases queues set up before. */
int pdk_dmadev_configure(int dev_id, const struct pdk_dmadev_conf *conf);

/**
 * Set up queue @p q of a configured, stopped device: its ring, its PASID
 * and the attach of that PASID to a PASID-capable HWPT of @p conf->as.
 * @return 0, -EINVAL (bad arguments, logged with the fix), -EBUSY
 * (started), -ENOSPC (no free PASID), -EEXIST (PASID taken), or the
 * kernel's -errno of the failed step.
 */
int pdk_dmadev_queue_setup(int dev_id, uint16_t q, const struct pdk_dmadev_queue_conf *conf);

/** Release queue @p q of a stopped device: detach and free its PASID. */
int pdk_dmadev_queue_release(int dev_id, uint16_t q);

/** Describe set-up queue @p q. @return 0, -ENODEV, -EINVAL (not set up). */
int pdk_dmadev_queue_info(int dev_id, uint16_t q, struct pdk_dmadev_queue_info *info);

/** Start every set-up queue. */
int pdk_dmadev_start(int dev_id);

/** Stop: finish or abort in-flight work, fast path returns -ENODEV after. */
int pdk_dmadev_stop(int dev_id);

/** Stop, release every queue and the device (the driver's remove ends it). */
int pdk_dmadev_close(int dev_id);

/** Read counters of queue @p q or PDK_DMADEV_ALL_QUEUES. */
int pdk_dmadev_stats_get(int dev_id, uint16_t q, struct pdk_dmadev_stats *stats);

/** Zero counters of queue @p q or PDK_DMADEV_ALL_QUEUES. */
int pdk_dmadev_stats_reset(int dev_id, uint16_t q);

/** Print the device's state and registers. */
int pdk_dmadev_dump(int dev_id, FILE *f);

/** @return the status code's name ("success", "page-fault", ...). */
const char *pdk_dmadev_status_name(enum pdk_dmadev_status_code code);

/** @internal */
static inline const struct pdk_dmadev_fp_queue *
pdk_dmadev_fpq(int dev_id, uint16_t q)
{
	if ((unsigned int)dev_id >= PDK_DMADEV_MAX_DEVS || q >= PDK_DMADEV_MAX_QUEUES)
		return NULL;
	return &pdk_dmadev_fp[dev_id][q];
}

/**
 * Enqueue a copy of @p len bytes from IOVA @p src to IOVA @p dst.
 * @return the operation's ring index (>= 0), -ENOSPC (ring full), -EINVAL
 * (bad length or ids) or -ENODEV (queue not started).
 */
static inline int
pdk_dmadev_copy(int dev_id, uint16_t q, uint64_t src, uint64_t dst, uint32_t len,
		uint64_t flags)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	if (f == NULL)
		return -EINVAL;
	return f->ops->copy(f->q, src, dst, len, flags);
}

/** Enqueue a fill of @p len bytes at IOVA @p dst with the 8-byte @p pattern. */
static inline int
pdk_dmadev_fill(int dev_id, uint16_t q, uint64_t pattern, uint64_t dst, uint32_t len,
		uint64_t flags)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	if (f == NULL)
		return -EINVAL;
	return f->ops->fill(f->q, pattern, dst, len, flags);
}

/** Hand every enqueued operation to the device. */
static inline int
pdk_dmadev_submit(int dev_id, uint16_t q)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	if (f == NULL)
		return -EINVAL;
	return f->ops->submit(f->q);
}

/**
 * Return up to @p nb_cpls operations finished in order, stopping before the
 * first that failed (then *@p has_error is true; completed_status() reads
 * it). *@p last_idx is the ring index of the last one returned.
 */
static inline uint16_t
pdk_dmadev_completed(int dev_id, uint16_t q, uint16_t nb_cpls, uint16_t *last_idx,
		     bool *has_error)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	bool err = false;
	uint16_t idx;

	if (f == NULL)
		return 0;
	if (last_idx == NULL)
		last_idx = &idx;
	if (has_error == NULL)
		has_error = &err;
	return f->ops->completed(f->q, nb_cpls, last_idx, has_error);
}

/** Return up to @p nb_cpls finished operations with a status for each. */
static inline uint16_t
pdk_dmadev_completed_status(int dev_id, uint16_t q, uint16_t nb_cpls, uint16_t *last_idx,
			    struct pdk_dmadev_status *status)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);
	uint16_t idx;

	if (f == NULL || status == NULL)
		return 0;
	if (last_idx == NULL)
		last_idx = &idx;
	return f->ops->completed_status(f->q, nb_cpls, last_idx, status);
}

/** @return how many more operations can be enqueued now. */
static inline uint16_t
pdk_dmadev_burst_capacity(int dev_id, uint16_t q)
{
	const struct pdk_dmadev_fp_queue *f = pdk_dmadev_fpq(dev_id, q);

	if (f == NULL)
		return 0;
	return f->ops->burst_capacity(f->q);
}

#ifdef __cplusplus
}
#endif

#endif /* PDK_DMADEV_H */
