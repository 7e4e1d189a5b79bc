/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Traffic: every set-up queue of every device is given to a worker lcore,
 * round-robin, and driven there in bursts. A queue works on one buffer of
 * its own address space: sources in the first half, destinations in the
 * second, one slot of --size bytes per op of a burst. A burst is enqueued,
 * submitted, and completed before the next one is enqueued on that queue,
 * so that verify mode can rewrite the sources; a worker with several
 * queues interleaves them, so the device still sees them all at once.
 *
 * Counters. The driver counts ops, bytes, errors and page faults per queue
 * (pdk_dmadev_stats); readers copy them without a lock while the worker
 * updates them (the driver stores each whole, as the API requires): a value
 * may be a moment old, and the fields of one copy may not be from the same
 * instant. The
 * application's own counters (verify mismatches, enqueue errors) have one
 * writer, the queue's worker, and are stored and loaded with relaxed
 * atomics, so none is ever seen torn. "clear stats" never writes a counter
 * a worker owns: it records a baseline that "show stats" subtracts.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_pause.h>

#include "testpmd.h"

/* How long a stopping worker waits for its in-flight ops. */
#define DRAIN_SECONDS 2.0
/*
 * A queue whose burst page-faulted waits this long before its next one:
 * twice the fault thread's period (faults.c), so the retry finds the page mapped
 * instead of filling the fault queue with repeats of the same fault.
 */
#define FAULT_RETRY_SECONDS 0.002

struct lq {
	int dev_id;
	uint16_t q;
	struct tp_qctr *ctr;
	uint8_t *va;		/* the buffer: sources, then destinations */
	uint64_t iova;
	size_t half;
	uint32_t size;
	uint16_t slots;		/* ops per burst */
	uint16_t n;		/* ops of the current burst */
	uint16_t done;		/* of those, completed */
	uint16_t inflight;
	uint64_t seq;		/* bursts issued: the verify pattern */
	double win_t;		/* start of the current rate window */
	uint64_t win_ops;	/* ops completed in it */
	int dead;		/* the enqueue error that stopped this queue */
	double retry_at;	/* after a page fault: no burst before this tp_now() */
	/*
	 * "as replace" of this queue: the command thread asks with a new
	 * ticket in hold and waits; the worker, between two bursts, stops
	 * issuing and answers with that ticket in held (only the worker writes
	 * held, and only a ticket it read, so a stale answer never matches).
	 * While held, only the command thread touches va; hold 0 (release)
	 * hands it back.
	 */
	uint32_t hold;
	uint32_t held;
	bool ok[TP_MAX_BURST];
	struct pdk_dmadev_status st[TP_MAX_BURST];
};

struct worker {
	unsigned int lcore;
	unsigned int nb;
	struct lq **lqs;
	bool finished;		/* stored last by the worker (worker_join) */
};

static struct lq *lqs;
static unsigned int nb_lqs;
static struct worker *workers;
static unsigned int nb_workers;
static enum tp_mode run_mode;
static double run_t0;		/* when the workers were launched */

static void run_summary(void);
static const char *size_text(char *buf, size_t len, uint32_t size);

/* Single writer: a plain read, an atomic store readers can load whole. */
static inline void
ctr_add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/* A source pattern no earlier burst of this slot had. */
static void
pattern_write(uint8_t *p, uint32_t len, uint64_t seq, uint16_t slot)
{
	uint64_t w = seq << 24 ^ (uint64_t)slot << 12;
	uint32_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = w ^ i ^ UINT64_C(0x9e3779b97f4a7c15);

		memcpy(p + i, &v, 8);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(seq + i);
}

static uint64_t
mismatched_bytes(const uint8_t *a, const uint8_t *b, uint32_t len)
{
	uint64_t n = 0;
	uint32_t i;

	if (memcmp(a, b, len) == 0)
		return 0;
	for (i = 0; i < len; i++)
		n += a[i] != b[i];
	return n;
}

static void
lq_issue(struct lq *l)
{
	uint16_t cap = pdk_dmadev_burst_capacity(l->dev_id, l->q);
	uint16_t n = RTE_MIN(l->slots, cap), k;
	int rc = 0;

	l->seq++;
	for (k = 0; k < n; k++) {
		uint64_t off = (uint64_t)k * l->size;

		if (run_mode == TP_MODE_FILL) {
			rc = pdk_dmadev_fill(l->dev_id, l->q, UINT64_C(0x0101010101010101) * (l->seq & 0xff),
					     l->iova + l->half + off, l->size, 0);
		} else {
			if (run_mode == TP_MODE_VERIFY)
				pattern_write(l->va + off, l->size, l->seq, k);
			rc = pdk_dmadev_copy(l->dev_id, l->q, l->iova + off, l->iova + l->half + off,
					     l->size, 0);
		}
		if (rc < 0)
			break;
	}
	if (rc < 0 && rc != -ENOSPC) {
		/* not a full ring: retrying would only repeat it */
		ctr_add(&l->ctr->enq_errors, 1);
		l->dead = rc;
	}
	if (k > 0) {
		rc = pdk_dmadev_submit(l->dev_id, l->q);
		if (rc < 0) {
			ctr_add(&l->ctr->enq_errors, 1);
			l->dead = rc;
		}
		ctr_add(&l->ctr->bursts, 1);
	}
	l->n = k;
	l->done = 0;
	l->inflight = k;
}

static void
lq_verify(struct lq *l)
{
	uint64_t bad = 0, checked = 0;
	uint16_t k;

	for (k = 0; k < l->n; k++) {
		uint64_t off = (uint64_t)k * l->size;

		if (!l->ok[k])
			continue;
		bad += mismatched_bytes(l->va + off, l->va + l->half + off, l->size);
		checked++;
	}
	ctr_add(&l->ctr->verified, checked);
	if (bad != 0)
		ctr_add(&l->ctr->mismatches, bad);
}

static void
lq_poll(struct lq *l)
{
	uint16_t k, i, last;
	bool faulted = false;

	if (l->inflight == 0)
		return;
	k = pdk_dmadev_completed_status(l->dev_id, l->q, l->inflight, &last, &l->st[l->done]);
	for (i = 0; i < k; i++) {
		const struct pdk_dmadev_status *s = &l->st[l->done + i];

		l->ok[l->done + i] = s->code == PDK_DMADEV_ST_SUCCESS;
		if (s->code == PDK_DMADEV_ST_PAGE_FAULT) {
			__atomic_store_n(&l->ctr->last_fault_iova, s->fault_addr,
					 __ATOMIC_RELAXED);
			faulted = true;
		}
	}
	if (faulted)
		l->retry_at = tp_now() + FAULT_RETRY_SECONDS;
	l->done += k;
	l->inflight -= k;
	l->win_ops += k;
	if (l->inflight == 0 && run_mode == TP_MODE_VERIFY)
		lq_verify(l);
}

/* The rate of a window that ended: the run's min and max (one writer). */
static void
lq_window(struct lq *l, double now)
{
	uint64_t rate = (uint64_t)((double)l->win_ops / (now - l->win_t) + 0.5);

	if (l->ctr->rate_max == 0 || rate < l->ctr->rate_min)
		__atomic_store_n(&l->ctr->rate_min, rate, __ATOMIC_RELAXED);
	if (rate > l->ctr->rate_max)
		__atomic_store_n(&l->ctr->rate_max, rate > 0 ? rate : 1, __ATOMIC_RELAXED);
	l->win_t = now;
	l->win_ops = 0;
}

static int
worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned int i, pending;
	uint32_t h;
	double deadline, now;

	while (!__atomic_load_n(&tp.stop, __ATOMIC_ACQUIRE)) {
		now = tp_now();
		for (i = 0; i < w->nb; i++) {
			struct lq *l = w->lqs[i];

			if (now - l->win_t >= TP_RATE_WINDOW)
				lq_window(l, now);
		}
		for (i = 0; i < w->nb; i++) {
			struct lq *l = w->lqs[i];

			if (l->inflight != 0)
				lq_poll(l);
			else if ((h = __atomic_load_n(&l->hold, __ATOMIC_ACQUIRE)) != 0)
				__atomic_store_n(&l->held, h, __ATOMIC_RELEASE);
			else if (l->dead == 0 && (l->retry_at == 0 || now >= l->retry_at))
				lq_issue(l);
		}
	}
	/* let what was submitted finish, so the rings are idle at stop */
	deadline = tp_now() + DRAIN_SECONDS;
	do {
		pending = 0;
		for (i = 0; i < w->nb; i++) {
			lq_poll(w->lqs[i]);
			pending += w->lqs[i]->inflight;
		}
	} while (pending != 0 && tp_now() < deadline);
	for (i = 0; i < w->nb; i++)
		if (w->lqs[i]->inflight != 0)
			ctr_add(&w->lqs[i]->ctr->lost, w->lqs[i]->inflight);
	__atomic_store_n(&w->finished, true, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Wait for a worker, then own its queues' state. rte_eal_wait_lcore()
 * hands the worker's writes over with EAL's own atomics, which a
 * ThreadSanitizer build cannot see (DPDK is not instrumented); the worker's
 * last store, released, and this acquire make the hand-over PDK's own.
 */
static void
worker_join(struct worker *w)
{
	rte_eal_wait_lcore(w->lcore);
	while (!__atomic_load_n(&w->finished, __ATOMIC_ACQUIRE))
		rte_pause();	/* never spins: the worker returned */
}

static void
traffic_free(void)
{
	unsigned int i;

	for (i = 0; i < nb_workers; i++)
		free(workers[i].lqs);
	free(workers);
	free(lqs);
	workers = NULL;
	lqs = NULL;
	nb_workers = 0;
	nb_lqs = 0;
}

/* Give @p l its buffer: the k-th buffer of its space for the k-th queue on it. */
static int
lq_place(struct lq *l, const struct pdk_dmadev_queue_info *qi,
	 const struct pdk_dmadev_info *info)
{
	struct tp_as *a = tp_as_of(qi->as);
	unsigned int i, nth = 0;
	const struct tp_buf *b;

	if (a == NULL) {
		tp_err("device %d queue %u: its address space is not one of pdk-testpmd's",
		       l->dev_id, l->q);
		return -EINVAL;
	}
	for (i = 0; i < nb_lqs && &lqs[i] != l; i++) {
		struct pdk_dmadev_queue_info o;

		if (tp_queue_info(lqs[i].dev_id, lqs[i].q, &o) == 0 && o.as == qi->as)
			nth++;
	}
	if (nth >= a->nb_bufs) {
		tp_err("device %d queue %u: address space %s has %u buffer%s for %u queue%s: "
		       "'as map %s <size>' gives it another", l->dev_id, l->q, a->name,
		       a->nb_bufs, a->nb_bufs == 1 ? "" : "s", nth + 1, nth == 0 ? "" : "s",
		       a->name);
		return -ENOSPC;
	}
	b = &a->bufs[nth];
	if (tp.size > info->max_xfer) {
		tp_err("size %u is above device %d's max transfer (%u bytes): set size",
		       tp.size, l->dev_id, info->max_xfer);
		return -EINVAL;
	}
	if ((size_t)tp.size > b->len / 2) {
		tp_err("size %u does not fit: device %d queue %u works on %s's buffer at IOVA "
		       "0x%" PRIx64 " (%zu bytes), which must hold a source and a destination",
		       tp.size, l->dev_id, l->q, a->name, b->iova, b->len);
		return -EINVAL;
	}
	l->va = b->va;
	l->iova = b->iova;
	l->half = b->len / 2;
	l->size = tp.size;
	l->slots = (uint16_t)RTE_MIN((size_t)tp.burst, l->half / tp.size);
	l->ctr = &tp.dev[l->dev_id].q[l->q].ctr;
	return 0;
}

static void
devices_stop(void)
{
	int id;

	for (id = 0; id < PDK_DMADEV_MAX_DEVS; id++) {
		if (!tp.dev[id].started)
			continue;
		pdk_dmadev_stop(id);
		tp.dev[id].started = false;
	}
}

int
tp_traffic_start(void)
{
	unsigned int lcore, nw = rte_lcore_count() - 1, i, j;
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_info info;
	char sz[16];
	uint16_t q;
	int id, rc;

	if (tp.running) {
		tp_err("traffic is already running ('stop' first)");
		return -EBUSY;
	}
	if (nw == 0) {
		tp_err("no worker lcore: traffic runs on worker lcores, give EAL at least two "
		       "(e.g. -l 0-1)");
		return -ENOTSUP;
	}
	lqs = calloc(PDK_DMADEV_MAX_DEVS * PDK_DMADEV_MAX_QUEUES, sizeof(*lqs));
	if (lqs == NULL)
		return -ENOMEM;
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1)) {
		if (pdk_dmadev_info_get(id, &info) != 0)
			continue;
		for (q = 0; q < info.nb_queues; q++)
			if (tp_queue_info(id, q, &qi) == 0)
				lqs[nb_lqs++] = (struct lq){ .dev_id = id, .q = q };
	}
	if (nb_lqs == 0) {
		tp_err("no queue is set up: 'port config' and 'queue setup' first (or --queues N)");
		rc = -ENOENT;
		goto fail;
	}
	for (i = 0; i < nb_lqs; i++) {
		pdk_dmadev_info_get(lqs[i].dev_id, &info);
		tp_queue_info(lqs[i].dev_id, lqs[i].q, &qi);
		rc = lq_place(&lqs[i], &qi, &info);
		if (rc < 0)
			goto fail;
	}
	for (i = 0; i < nb_lqs; i++) {
		id = lqs[i].dev_id;
		if (tp.dev[id].started)
			continue;
		rc = pdk_dmadev_start(id);
		if (rc < 0) {
			tp_err("start of device %d: %s", id, strerror(-rc));
			goto fail;
		}
		tp.dev[id].started = true;
	}

	nb_workers = RTE_MIN(nw, nb_lqs);
	workers = calloc(nb_workers, sizeof(*workers));
	if (workers == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	i = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (i == nb_workers)
			break;
		workers[i].lcore = lcore;
		workers[i].lqs = calloc(nb_lqs, sizeof(*workers[i].lqs));
		if (workers[i].lqs == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		i++;
	}
	run_t0 = tp_now();
	for (i = 0; i < nb_lqs; i++) {
		struct worker *w = &workers[i % nb_workers];
		struct tp_queue *tq = &tp.dev[lqs[i].dev_id].q[lqs[i].q];

		w->lqs[w->nb++] = &lqs[i];
		/* no worker runs yet: the run's min and max start again */
		tq->ctr.rate_min = 0;
		tq->ctr.rate_max = 0;
		lqs[i].win_t = run_t0;
		/* rates from now on, not since a show made before the start */
		tp_queue_snap(lqs[i].dev_id, lqs[i].q, &tq->last);
		tq->run = tq->last;
	}

	run_mode = tp.mode;
	__atomic_store_n(&tp.stop, 0, __ATOMIC_RELEASE);
	for (i = 0; i < nb_workers; i++) {
		rc = rte_eal_remote_launch(worker_main, &workers[i], workers[i].lcore);
		if (rc < 0) {
			tp_err("cannot launch lcore %u: %s", workers[i].lcore, strerror(-rc));
			__atomic_store_n(&tp.stop, 1, __ATOMIC_RELEASE);
			for (j = 0; j < i; j++)
				worker_join(&workers[j]);
			goto fail;
		}
	}
	tp.running = true;
	printf("traffic started: mode %s, size %s, burst %u; %u queue%s on %u worker lcore%s\n",
	       tp_mode_name(run_mode), size_text(sz, sizeof(sz), tp.size), tp.burst, nb_lqs,
	       nb_lqs == 1 ? "" : "s",
	       nb_workers, nb_workers == 1 ? "" : "s");
	if (tp.interactive)
		printf("  ('stop' or Ctrl-C stops it and shows the run's summary; a second Ctrl-C "
		       "quits)\n");
	for (i = 0; i < nb_workers; i++) {
		printf("  lcore %u:", workers[i].lcore);
		for (j = 0; j < workers[i].nb; j++)
			printf(" %d/%u", workers[i].lqs[j]->dev_id, workers[i].lqs[j]->q);
		printf("\n");
	}
	return 0;
fail:
	devices_stop();
	traffic_free();
	return rc;
}

static struct lq *
lq_find(int dev_id, uint16_t q)
{
	unsigned int i;

	for (i = 0; i < nb_lqs; i++)
		if (lqs[i].dev_id == dev_id && lqs[i].q == q)
			return &lqs[i];
	return NULL;
}

int
tp_traffic_hold(int dev_id, uint16_t q, uint64_t *iova, size_t *len)
{
	static uint32_t ticket;
	struct lq *l = tp.running ? lq_find(dev_id, q) : NULL;
	double deadline = tp_now() + DRAIN_SECONDS;

	if (l == NULL)
		return -ENOENT;
	if (++ticket == 0)
		ticket = 1;
	__atomic_store_n(&l->hold, ticket, __ATOMIC_RELEASE);
	while (__atomic_load_n(&l->held, __ATOMIC_ACQUIRE) != ticket) {
		if (tp_now() > deadline) {
			tp_traffic_release(dev_id, q, NULL);
			return -ETIMEDOUT;
		}
		rte_pause();
	}
	*iova = l->iova;
	*len = l->half * 2;
	return 0;
}

void
tp_traffic_release(int dev_id, uint16_t q, uint8_t *va)
{
	struct lq *l = lq_find(dev_id, q);

	if (l == NULL)
		return;
	if (va != NULL)
		l->va = va;
	__atomic_store_n(&l->hold, 0, __ATOMIC_RELEASE);
}

bool
tp_traffic_uses(const struct tp_as *a, uint64_t iova)
{
	struct pdk_dmadev_queue_info qi;
	unsigned int i;

	for (i = 0; tp.running && i < nb_lqs; i++)
		if (lqs[i].iova == iova && tp_queue_info(lqs[i].dev_id, lqs[i].q, &qi) == 0 &&
		    qi.as == a->as)
			return true;
	return false;
}

void
tp_traffic_stop(void)
{
	unsigned int i;

	if (!tp.running) {
		tp_err("traffic is not running");
		return;
	}
	__atomic_store_n(&tp.stop, 1, __ATOMIC_RELEASE);
	for (i = 0; i < nb_workers; i++)
		worker_join(&workers[i]);
	tp.running = false;
	tp.stopped_at = tp_now();
	for (i = 0; i < nb_lqs; i++) {
		if (lqs[i].dead != 0)
			printf("device %d queue %u: traffic stopped early: enqueue failed: %s\n",
			       lqs[i].dev_id, lqs[i].q, strerror(-lqs[i].dead));
		if (lqs[i].inflight != 0)
			printf("device %d queue %u: %u op%s did not complete within %.0f s\n",
			       lqs[i].dev_id, lqs[i].q, lqs[i].inflight,
			       lqs[i].inflight == 1 ? "" : "s", DRAIN_SECONDS);
	}
	run_summary();
	devices_stop();
	traffic_free();
}

/* ---- stats ---- */

/*
 * The tables: one row per queue (= per PASID), in units a reader takes in
 * at a glance (three significant digits; exact numbers are in the JSON line
 * and telemetry). A row of a SIMULATED device says so at its end, so that a
 * row pasted elsewhere cannot pass for hardware.
 */

#define SIM_TAG "  SIMULATED"

static uint64_t
since(uint64_t now, uint64_t then)
{
	/* a queue set up again restarts its counters */
	return now >= then ? now - then : now;
}

/* @p v with three significant digits and a prefix of @p base (1000 or 1024). */
static const char *
human(char *buf, size_t len, double v, double base, const char *const *units,
      const char *suffix)
{
	unsigned int u = 0;

	while (v >= 999.5 && units[u + 1] != NULL) {
		v /= base;
		u++;
	}
	if (u == 0 && v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f%s%s", v, units[0], suffix);
	else
		snprintf(buf, len, v >= 99.95 ? "%.0f%s%s" : v >= 9.995 ? "%.1f%s%s" : "%.2f%s%s",
			 v, units[u], suffix);
	return buf;
}

static const char *const dec_units[] = { "", " K", " M", " G", " T", NULL };
static const char *const byte_units[] = { " B", " KiB", " MiB", " GiB", " TiB", NULL };
static const char *const bps_units[] = { " B/s", " kB/s", " MB/s", " GB/s", " TB/s", NULL };

#define H_COUNT(b, v) human(b, sizeof(b), (double)(v), 1000, dec_units, "")
#define H_BYTES(b, v) human(b, sizeof(b), (double)(v), 1024, byte_units, "")
#define H_BPS(b, v) human(b, sizeof(b), (double)(v), 1000, bps_units, "")

static bool
dev_is_sim(int id)
{
	struct pdk_dmadev_info info;

	return pdk_dmadev_info_get(id, &info) == 0 && (info.capa & PDK_DMADEV_CAPA_SIM);
}

/* Counters of @p cur since @p base. */
static void
snap_since(struct tp_snap *d, const struct tp_snap *cur, const struct tp_snap *base)
{
	d->dev.submitted = since(cur->dev.submitted, base->dev.submitted);
	d->dev.completed = since(cur->dev.completed, base->dev.completed);
	d->dev.errors = since(cur->dev.errors, base->dev.errors);
	d->dev.page_faults = since(cur->dev.page_faults, base->dev.page_faults);
	d->dev.bytes = since(cur->dev.bytes, base->dev.bytes);
	d->app.verified = since(cur->app.verified, base->app.verified);
	d->app.mismatches = since(cur->app.mismatches, base->app.mismatches);
	d->app.enq_errors = since(cur->app.enq_errors, base->app.enq_errors);
	d->app.lost = since(cur->app.lost, base->app.lost);
	d->app.last_fault_iova = cur->app.last_fault_iova;
	d->app.rate_min = cur->app.rate_min;
	d->app.rate_max = cur->app.rate_max;
	d->t = cur->t - base->t;
}

static void
snap_add(struct tp_snap *sum, const struct tp_snap *s)
{
	sum->dev.submitted += s->dev.submitted;
	sum->dev.completed += s->dev.completed;
	sum->dev.errors += s->dev.errors;
	sum->dev.page_faults += s->dev.page_faults;
	sum->dev.bytes += s->dev.bytes;
	sum->app.verified += s->app.verified;
	sum->app.mismatches += s->app.mismatches;
	sum->app.enq_errors += s->app.enq_errors;
	sum->app.lost += s->app.lost;
	sum->app.rate_min += s->app.rate_min;
	sum->app.rate_max += s->app.rate_max;
	if (s->t > sum->t)
		sum->t = s->t;
}

/* What a row cannot hold: on a line of its own, only when there is something. */
static void
row_notes(const char *who, const struct tp_snap *d, bool with_fault)
{
	if (d->app.enq_errors == 0 && d->app.lost == 0 && (!with_fault || d->dev.page_faults == 0))
		return;
	printf("  %-7s", who);
	if (d->app.enq_errors != 0)
		printf(" enqueue errors %" PRIu64 ";", d->app.enq_errors);
	if (d->app.lost != 0)
		printf(" lost %" PRIu64 " (not completed at stop);", d->app.lost);
	if (with_fault && d->dev.page_faults != 0)
		printf(" last fault at IOVA 0x%" PRIx64 ";", d->app.last_fault_iova);
	printf("\n");
}


/* counts since @p base, rates over @p dt seconds of @p r */
static void
stats_row(const char *who, const char *pasid, const char *space, const struct tp_snap *c,
	  const struct tp_snap *r, double dt, bool sim)
{
	char ops[16], bytes[16], rate[16] = "-", bps[16] = "-";

	if (dt > 0) {
		H_COUNT(rate, (double)r->dev.completed / dt);
		H_BPS(bps, (double)r->dev.bytes / dt);
	}
	printf("  %-7s %5s %-6s %7s %8s %7s %9s %6" PRIu64 " %6" PRIu64 " %8" PRIu64 "%s\n",
	       who, pasid, space, H_COUNT(ops, c->dev.completed), H_BYTES(bytes, c->dev.bytes),
	       rate, bps, c->dev.errors,
	       c->dev.page_faults, c->app.mismatches, sim ? SIM_TAG : "");
}

/* The size of an op, in a few characters. */
static const char *
size_text(char *buf, size_t len, uint32_t size)
{
	if (size % (1u << 20) == 0)
		snprintf(buf, len, "%u MiB", size >> 20);
	else if (size % 1024 == 0)
		snprintf(buf, len, "%u KiB", size >> 10);
	else
		snprintf(buf, len, "%u B", size);
	return buf;
}

/* One set-up queue's stats row: its counts since 'clear stats' and since the last show. */
struct tp_row {
	int id;			/* -1 before the first row */
	uint16_t q;
	bool sim;		/* the device is simulated */
	struct pdk_dmadev_queue_info qi;
	struct tp_queue *tq;
	struct tp_snap cur;	/* now */
	struct tp_snap c;	/* since 'clear stats' */
	struct tp_snap r;	/* since the start or the last show: the rates' */
};

/* Step @p row to the next set-up queue, in device then queue order. @return false after the last. */
static bool
tp_row_next(struct tp_row *row)
{
	int id = row->id < 0 ? pdk_dmadev_next(0) : row->id;
	unsigned int q = row->id < 0 ? 0 : row->q + 1u;

	for (; id >= 0; id = pdk_dmadev_next(id + 1), q = 0) {
		for (; q < PDK_DMADEV_MAX_QUEUES; q++) {
			if (tp_queue_info(id, (uint16_t)q, &row->qi) != 0)
				continue;
			if (id != row->id)	/* once per device, not per queue */
				row->sim = dev_is_sim(id);
			row->id = id;
			row->q = (uint16_t)q;
			row->tq = &tp.dev[id].q[q];
			tp_queue_snap(id, row->q, &row->cur);
			snap_since(&row->c, &row->cur, &row->tq->base);
			snap_since(&row->r, &row->cur, &row->tq->last);
			return true;
		}
	}
	return false;
}

void
tp_stats_show(bool update)
{
	struct tp_snap tc = { 0 }, tr = { 0 };
	struct tp_row row = { .id = -1 };
	unsigned int nq = 0;
	bool any_sim = false;
	char sz[16], who[16], pasid[16];

	/* counts are since 'clear stats' (help and doc say so): the line stays short */
	printf("traffic %s: mode %s, size %s, burst %u (%s)\n",
	       tp.running ? "running" : "stopped", tp_mode_name(tp.running ? run_mode : tp.mode),
	       size_text(sz, sizeof(sz), tp.size), tp.burst,
	       tp.running ? "rates since the start or the last show" :
	       "no rates while stopped: see the run's summary");
	while (tp_row_next(&row)) {
		if (nq++ == 0)
			printf("  %-7s %5s %-6s %7s %8s %7s %9s %6s %6s %8s\n", "queue", "PASID",
			       "space", "ops", "bytes", "op/s", "B/s", "errors", "faults", "mismatch");
		/* each queue has a PASID of its own: per queue is per PASID */
		snprintf(who, sizeof(who), "%d/%u", row.id, row.q);
		snprintf(pasid, sizeof(pasid), "%u", row.qi.pasid);
		/* a rate is of running traffic; a stopped run's are in its summary */
		if (!tp.running)
			row.r.t = 0;
		stats_row(who, pasid, row.qi.as != NULL ? pdk_dma_as_name(row.qi.as) : "?", &row.c,
			  &row.r, row.r.t, row.sim);
		row_notes(who, &row.c, true);
		snap_add(&tc, &row.c);
		snap_add(&tr, &row.r);
		any_sim |= row.sim;
		if (update)
			row.tq->last = row.cur;
	}
	if (nq == 0)
		printf("  no queue is set up\n");
	else if (nq > 1)
		stats_row("total", "", "", &tc, &tr, tr.t, any_sim);
}

void
tp_stats_json(void)
{
	struct tp_row row = { .id = -1 };
	unsigned int nq = 0;

	printf("{\"pdk_testpmd_stats\": {\"running\": %s, \"mode\": \"%s\", \"size\": %u, "
	       "\"queues\": [", tp.running ? "true" : "false",
	       tp_mode_name(tp.running ? run_mode : tp.mode), tp.size);
	while (tp_row_next(&row)) {
		const struct tp_snap *c = &row.c, *r = &row.r;

		printf("%s{\"dev\": %d, \"queue\": %u, \"pasid\": %u, \"as\": \"%s\", "
		       "\"simulated\": %s, \"ops\": %" PRIu64 ", \"bytes\": %" PRIu64 ", "
		       "\"errors\": %" PRIu64 ", \"faults\": %" PRIu64 ", \"mismatches\": %"
		       PRIu64 ", \"seconds\": %.3f, \"ops_per_s\": %.0f, \"bytes_per_s\": %.0f}",
		       nq++ == 0 ? "" : ", ", row.id, row.q, row.qi.pasid,
		       row.qi.as != NULL ? pdk_dma_as_name(row.qi.as) : "", row.sim ? "true" : "false",
		       c->dev.completed, c->dev.bytes, c->dev.errors, c->dev.page_faults,
		       c->app.mismatches, r->t, r->t > 0 ? (double)r->dev.completed / r->t : 0,
		       r->t > 0 ? (double)r->dev.bytes / r->t : 0);
		row.tq->last = row.cur;
	}
	printf("]}}\n");
}

/*
 * The run's summary, at every end of traffic (stop, quit, --time, Ctrl-C):
 * counts since the start, the average over the run, the min and max of its
 * TP_RATE_WINDOW windows; in verify mode a verdict.
 */
static void
run_summary(void)
{
	struct tp_snap tot = { 0 };
	double dur = tp.stopped_at - run_t0;
	uint64_t demand_faults = 0;	/* page faults of queues on demand-paged spaces */
	bool any_sim = false;
	char sz[16], who[16], ops[16], bytes[16], rate[16], bps[16], lo[16], hi[16];
	unsigned int i;

	for (i = 0; i < nb_lqs; i++)
		any_sim |= dev_is_sim(lqs[i].dev_id);
	printf("traffic stopped after %.2f s: mode %s, size %s, burst %u, %u queue%s%s\n", dur,
	       tp_mode_name(run_mode), size_text(sz, sizeof(sz), tp.size), tp.burst, nb_lqs,
	       nb_lqs == 1 ? "" : "s", any_sim ? "; SIMULATED device" : "");
	if (any_sim)
		printf("  SIMULATED: these are the rates of a model, not of hardware\n");
	printf("run summary (average over the run; min and max over %.1f s windows):\n",
	       TP_RATE_WINDOW);
	printf("  %-7s %5s %8s %8s %8s %9s %8s %8s %6s %8s\n", "queue", "PASID", "ops", "bytes",
	       "avg op/s", "avg B/s", "min op/s", "max op/s", "faults", "mismatch");
	for (i = 0; i < nb_lqs; i++) {
		struct tp_queue *tq = &tp.dev[lqs[i].dev_id].q[lqs[i].q];
		struct pdk_dmadev_queue_info qi = { 0 };
		struct tp_snap cur, d;
		bool sim = dev_is_sim(lqs[i].dev_id);

		tp_queue_info(lqs[i].dev_id, lqs[i].q, &qi);
		tp_queue_snap(lqs[i].dev_id, lqs[i].q, &cur);
		snap_since(&d, &cur, &tq->run);
		snprintf(who, sizeof(who), "%d/%u", lqs[i].dev_id, lqs[i].q);
		printf("  %-7s %5u %8s %8s %8s %9s %8s %8s %6" PRIu64 " %8" PRIu64 "%s\n", who,
		       qi.pasid, H_COUNT(ops, d.dev.completed), H_BYTES(bytes, d.dev.bytes),
		       H_COUNT(rate, dur > 0 ? (double)d.dev.completed / dur : 0),
		       H_BPS(bps, dur > 0 ? (double)d.dev.bytes / dur : 0),
		       d.app.rate_max != 0 ? H_COUNT(lo, d.app.rate_min) : "-",
		       d.app.rate_max != 0 ? H_COUNT(hi, d.app.rate_max) : "-",
		       d.dev.page_faults, d.app.mismatches, sim ? SIM_TAG : "");
		row_notes(who, &d, false);
		snap_add(&tot, &d);
		if (tp_as_of(qi.as) != NULL && tp_as_of(qi.as)->demand)
			demand_faults += d.dev.page_faults;
	}
	if (nb_lqs > 1)
		printf("  %-7s %5s %8s %8s %8s %9s %8s %8s %6" PRIu64 " %8" PRIu64 "%s\n", "total",
		       "", H_COUNT(ops, tot.dev.completed), H_BYTES(bytes, tot.dev.bytes),
		       H_COUNT(rate, dur > 0 ? (double)tot.dev.completed / dur : 0),
		       H_BPS(bps, dur > 0 ? (double)tot.dev.bytes / dur : 0), "", "",
		       tot.dev.page_faults, tot.app.mismatches, any_sim ? SIM_TAG : "");
	if (tp.stats_json)
		printf("{\"pdk_testpmd_summary\": {\"seconds\": %.3f, \"mode\": \"%s\", "
		       "\"simulated\": %s, \"ops\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"errors\": %"
		       PRIu64 ", \"faults\": %" PRIu64 ", \"mismatches\": %" PRIu64 ", "
		       "\"verified\": %" PRIu64 ", \"ops_per_s\": %.0f, \"bytes_per_s\": %.0f}}\n",
		       dur, tp_mode_name(run_mode), any_sim ? "true" : "false", tot.dev.completed,
		       tot.dev.bytes, tot.dev.errors, tot.dev.page_faults, tot.app.mismatches,
		       tot.app.verified, dur > 0 ? (double)tot.dev.completed / dur : 0,
		       dur > 0 ? (double)tot.dev.bytes / dur : 0);
	if (run_mode != TP_MODE_VERIFY)
		return;
	/*
	 * An op that faulted on a page of an "as demand" buffer is the paging
	 * at work, not an error: the handler maps the page and a later op to
	 * it succeeds (and is compared).
	 */
	if (tot.app.verified > 0 && tot.app.mismatches == 0 &&
	    tot.dev.errors == demand_faults && tot.app.enq_errors == 0 && tot.app.lost == 0) {
		printf("verify: PASS: %" PRIu64 " ops compared byte for byte, none differed%s\n",
		       tot.app.verified, any_sim ? " (SIMULATED device)" : "");
		if (demand_faults != 0)
			printf("  %" PRIu64 " op%s page-faulted on on-demand buffers (the handler "
			       "mapped the pages: 'show fault stats'); not compared, not errors\n",
			       demand_faults, demand_faults == 1 ? "" : "s");
	}
	else
		printf("verify: FAIL: %" PRIu64 " ops compared, %" PRIu64 " bytes differed, %" PRIu64
		       " errors, %" PRIu64 " enqueue errors, %" PRIu64 " ops lost%s\n",
		       tot.app.verified, tot.app.mismatches, tot.dev.errors, tot.app.enq_errors,
		       tot.app.lost, any_sim ? " (SIMULATED device)" : "");
}

void
tp_stats_exclude(int dev_id, uint16_t q, const struct tp_snap *before)
{
	struct tp_queue *tq = &tp.dev[dev_id].q[q];
	struct tp_snap now, d;
	struct tp_snap *marks[] = { &tq->base, &tq->last, &tq->run };
	unsigned int i;

	tp_queue_snap(dev_id, q, &now);
	snap_since(&d, &now, before);
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		marks[i]->dev.submitted += d.dev.submitted;
		marks[i]->dev.completed += d.dev.completed;
		marks[i]->dev.errors += d.dev.errors;
		marks[i]->dev.page_faults += d.dev.page_faults;
		marks[i]->dev.bytes += d.dev.bytes;
	}
}

void
tp_stats_clear(void)
{
	uint16_t q;
	int id;

	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1))
		for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
			if (tp_queue_is_set_up(id, q)) {
				tp_queue_snap(id, q, &tp.dev[id].q[q].base);
				tp.dev[id].q[q].last = tp.dev[id].q[q].base;
			}
	printf("stats cleared\n");
}
