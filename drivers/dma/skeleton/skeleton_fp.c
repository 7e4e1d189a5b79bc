/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The fast path and the engine. Enqueue fills a ring slot; submit moves
 * the doorbell; the engine (submit's caller, or the worker thread) runs
 * each op and writes its completion record; completed / completed_status
 * poll the records in ring order. A hardware PMD has the same shape with
 * the device as the engine: its submit writes a doorbell or a portal, its
 * completions poll what the device wrote back.
 *
 * Nothing here logs or takes a lock: a bad call answers -EINVAL / -ENOSPC,
 * and each queue belongs to one application thread at a time (pdk_dmadev.h).
 */

#include <errno.h>
#include <string.h>
#include <time.h>

#include "skeleton_private.h"

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* lib/dma maps whole pages (pdk_dma_map() refuses others): one lookup per page */
#define SKEL_PAGE 4096u

/* The worker's idle loop: spin a while (new work starts at once), then sleep. */
#define SKEL_IDLE_SPINS 1000u
#define SKEL_IDLE_SLEEP_NS 20000L

/* Counters have one writer, the queue's thread; stats_get reads them from another. */
static inline void
skel_ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/* ---- the engine ---- */

/*
 * How many bytes from @p iova on the queue's space maps at IOVA == VA: the
 * skeleton's IOMMU. Mapped at another IOVA or not at all, the address
 * faults, as it would behind an IOMMU.
 */
static uint32_t
skel_reach(const struct pdk_dma_as *as, uint64_t iova, uint32_t len)
{
	uint64_t off = 0;

	while (off < len) {
		uint64_t a = iova + off;

		/* IOVA 0 is never mapped (lib/dma starts at 4096): do not ask for VA NULL */
		if (a < SKEL_PAGE || a > UINTPTR_MAX ||
		    pdk_dma_va2iova_strict(as, (const void *)(uintptr_t)a) != a)
			return (uint32_t)off;
		off += SKEL_PAGE - (a & (SKEL_PAGE - 1));
	}
	return len;
}

static void
skel_fill_bytes(uint8_t *dst, uint64_t pattern, uint32_t len)
{
	uint32_t i;

	/* byte i of the 8-byte pattern, little-endian, as DSA's MEMFILL */
	for (i = 0; i < len; i++)
		dst[i] = (uint8_t)(pattern >> (8 * (i % 8)));
}

/* Run one op up to its first fault and write its completion record. */
static void
skel_exec(const struct skel_queue *q, struct skel_desc *d)
{
	uint32_t rd = d->kind == SKEL_OP_COPY ? skel_reach(q->as, d->src, d->len) : d->len;
	uint32_t wr = skel_reach(q->as, d->dst, d->len);
	uint32_t n = rd < wr ? rd : wr;
	uint8_t hw = PDK_DMA_SKELETON_HW_SUCCESS;

	memset(&d->st, 0, sizeof(d->st));
	if (d->kind == SKEL_OP_COPY)
		memmove((void *)(uintptr_t)d->dst, (const void *)(uintptr_t)d->src, n);
	else
		skel_fill_bytes((uint8_t *)(uintptr_t)d->dst, d->src, n);
	d->st.bytes_done = n;
	if (n == d->len) {
		d->st.code = PDK_DMADEV_ST_SUCCESS;
	} else {
		/* a copy reads before it writes: at one offset the read faults first */
		hw = PDK_DMA_SKELETON_HW_PAGE_FAULT;
		d->st.code = PDK_DMADEV_ST_PAGE_FAULT;
		d->st.fault_write = wr < rd;
		d->st.fault_addr = wr < rd ? d->dst + wr : d->src + rd;
	}
	d->st.hw_status = hw;
	__atomic_store_n(&d->hw, hw, __ATOMIC_RELEASE);
}

/* Run every submitted op. @return how many ran. */
static unsigned int
skel_engine_run(struct skel_queue *q)
{
	/* acquire: the descriptors before the doorbell are written */
	uint16_t end = __atomic_load_n(&q->submitted, __ATOMIC_ACQUIRE);
	uint16_t run = q->run;
	unsigned int n = 0;

	while (run != end) {
		skel_exec(q, &q->ring[run & q->mask]);
		run++;
		n++;
	}
	__atomic_store_n(&q->run, run, __ATOMIC_RELAXED);	/* dump reads it */
	return n;
}

/*
 * The worker: the device's engine in conf.worker mode, one thread for all
 * its queues. The queues cannot change while it runs: setup and release
 * need a stopped device, and stop joins the thread.
 */
static void *
skel_worker_main(void *arg)
{
	struct pdk_dma_skeleton *d = arg;
	const struct timespec nap = { .tv_nsec = SKEL_IDLE_SLEEP_NS };
	unsigned int idle = 0, n;
	uint16_t i;

	while (!__atomic_load_n(&d->worker_stop, __ATOMIC_ACQUIRE)) {
		n = 0;
		for (i = 0; i < d->nb_queues; i++)
			if (d->queues[i] != NULL)
				n += skel_engine_run(d->queues[i]);
		if (n > 0) {
			idle = 0;
			continue;
		}
		/* a device polls for free; a thread would take a core from the application */
		if (++idle >= SKEL_IDLE_SPINS)
			nanosleep(&nap, NULL);
	}
	return NULL;
}

int
skel_worker_start(struct pdk_dma_skeleton *d)
{
	char tname[16];
	int rc;

	__atomic_store_n(&d->worker_stop, false, __ATOMIC_RELAXED);
	rc = pthread_create(&d->worker, NULL, skel_worker_main, d);
	if (rc != 0)
		return pdk_log_fail("skeleton", d->name, -rc,
				    "free some threads or memory, or create it without conf.worker; the device stays stopped",
				    "start: creating the worker thread");
	snprintf(tname, sizeof(tname), "skel-dma%d", d->dev_id);
	pthread_setname_np(d->worker, tname);	/* a name for debuggers only */
	d->worker_running = true;
	return 0;
}

void
skel_worker_stop(struct pdk_dma_skeleton *d)
{
	if (!d->worker_running)
		return;
	__atomic_store_n(&d->worker_stop, true, __ATOMIC_RELEASE);
	pthread_join(d->worker, NULL);
	d->worker_running = false;
}

/* ---- the fast-path ops ---- */

static int
skel_submit(void *qp)
{
	struct skel_queue *q = qp;
	uint16_t n = (uint16_t)(q->write - q->submitted);

	if (n == 0)
		return 0;
	skel_ctr_add(&q->stats.submitted, n);
	/* release: the engine that sees the new doorbell sees the descriptors */
	__atomic_store_n(&q->submitted, q->write, __ATOMIC_RELEASE);
	if (!q->worker)
		skel_engine_run(q);
	return 0;
}

static inline int
skel_enqueue(struct skel_queue *q, uint8_t kind, uint64_t src, uint64_t dst, uint32_t len,
	     uint64_t flags)
{
	uint16_t idx = q->write;
	struct skel_desc *d;

	if (unlikely(len == 0 || len > PDK_DMA_SKELETON_MAX_XFER))
		return -EINVAL;
	/* a slot is free again once its last op was reported: nb_desc ops in the ring at most */
	if (unlikely((uint16_t)(idx - q->cpl) >= q->nb_desc))
		return -ENOSPC;
	d = &q->ring[idx & q->mask];
	d->kind = kind;
	d->src = src;
	d->dst = dst;
	d->len = len;
	__atomic_store_n(&d->hw, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&q->write, (uint16_t)(idx + 1), __ATOMIC_RELAXED);	/* dump reads it */
	/* FENCE needs nothing: the engine runs the ops one at a time, in ring order */
	if (flags & PDK_DMADEV_OP_SUBMIT)
		skel_submit(q);
	return idx;
}

static int
skel_copy(void *qp, uint64_t src, uint64_t dst, uint32_t len, uint64_t flags)
{
	return skel_enqueue(qp, SKEL_OP_COPY, src, dst, len, flags);
}

static int
skel_fill(void *qp, uint64_t pattern, uint64_t dst, uint32_t len, uint64_t flags)
{
	return skel_enqueue(qp, SKEL_OP_FILL, pattern, dst, len, flags);
}

/* @return the record of the op at cpl once the engine wrote it, else NULL. */
static inline const struct skel_desc *
skel_next_done(const struct skel_queue *q)
{
	const struct skel_desc *d = &q->ring[q->cpl & q->mask];

	/* slots past the doorbell hold records of before the last start */
	if (q->cpl == q->submitted)
		return NULL;
	return __atomic_load_n(&d->hw, __ATOMIC_ACQUIRE) != 0 ? d : NULL;
}

static inline void
skel_report(struct skel_queue *q, const struct skel_desc *d)
{
	skel_ctr_add(&q->stats.completed, 1);
	if (d->st.code == PDK_DMADEV_ST_SUCCESS) {
		skel_ctr_add(&q->stats.bytes, d->len);
	} else {
		skel_ctr_add(&q->stats.errors, 1);
		if (d->st.code == PDK_DMADEV_ST_PAGE_FAULT)
			skel_ctr_add(&q->stats.page_faults, 1);
	}
	__atomic_store_n(&q->cpl, (uint16_t)(q->cpl + 1), __ATOMIC_RELAXED);	/* dump reads it */
}

static uint16_t
skel_completed(void *qp, uint16_t nb_cpls, uint16_t *last_idx, bool *has_error)
{
	struct skel_queue *q = qp;
	const struct skel_desc *d;
	uint16_t n = 0;

	while (n < nb_cpls && (d = skel_next_done(q)) != NULL) {
		if (d->st.code != PDK_DMADEV_ST_SUCCESS) {
			/* not reported: completed_status() reads it and moves past it */
			*has_error = true;
			break;
		}
		skel_report(q, d);
		n++;
	}
	*last_idx = (uint16_t)(q->cpl - 1);
	return n;
}

static uint16_t
skel_completed_status(void *qp, uint16_t nb_cpls, uint16_t *last_idx,
		      struct pdk_dmadev_status *status)
{
	struct skel_queue *q = qp;
	const struct skel_desc *d;
	uint16_t n = 0;

	while (n < nb_cpls && (d = skel_next_done(q)) != NULL) {
		status[n++] = d->st;
		skel_report(q, d);
	}
	*last_idx = (uint16_t)(q->cpl - 1);
	return n;
}

static uint16_t
skel_burst_capacity(const void *qp)
{
	const struct skel_queue *q = qp;

	return (uint16_t)(q->nb_desc - (uint16_t)(q->write - q->cpl));
}

const struct pdk_dmadev_fp_ops skel_fp_ops = {
	.copy = skel_copy,
	.fill = skel_fill,
	.submit = skel_submit,
	.completed = skel_completed,
	.completed_status = skel_completed_status,
	.burst_capacity = skel_burst_capacity,
};
