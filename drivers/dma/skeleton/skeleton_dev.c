/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The skeleton's control path: create and destroy, and every control op of
 * pdk_dmadev_pmd.h in the order the library calls them.
 *
 * lib/dmadev checks arguments and state before it calls a driver (the
 * contract at the top of pdk_dmadev_pmd.h), so an op here checks only what
 * the library cannot know: what its device can do. That is what a new PMD
 * keeps; where a hardware PMD would touch its device, a comment says so.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skeleton_private.h"

#define SKEL_DEFAULT_QUEUES 4
#define SKEL_DEFAULT_DESC 1024
#define SKEL_NPASIDS (1u << PDK_DMA_SKELETON_PASID_WIDTH)

/*
 * The devices pdk_dma_skeleton_create() made, by dmadev id. A bus driver
 * keeps its device in the bus device's priv instead (drivers/dma/dsa);
 * the skeleton has no bus: nothing in lib/bus enumerates virtual devices.
 */
static struct pdk_dma_skeleton *skel_devs[PDK_DMADEV_MAX_DEVS];

static const struct pdk_dmadev_ops skel_ops;

/* ---- the PASID space ---- */

/*
 * A hardware PMD takes its PASIDs from the device's PASID space in lib/pasid
 * (pdk_pasid_space_create() on the bound VFIO device, width from the
 * IOMMU), and attaches each queue's PASID to a HWPT of its address space
 * with pdk_pasid_ctx_create(). The skeleton has no VFIO device, so it keeps
 * a small space of its own with the same rules.
 */

static bool
pasid_test(const uint64_t *map, uint32_t pasid)
{
	return (map[pasid / 64] >> (pasid % 64)) & 1;
}

static void
pasid_set(uint64_t *map, uint32_t pasid, bool on)
{
	if (on)
		map[pasid / 64] |= UINT64_C(1) << (pasid % 64);
	else
		map[pasid / 64] &= ~(UINT64_C(1) << (pasid % 64));
}

/* @return the lowest free PASID, or 0 when all are taken. */
static uint32_t
pasid_lowest_free(const struct pdk_dma_skeleton *d)
{
	unsigned int w;

	for (w = 0; w < SKEL_PASID_WORDS; w++)
		if (~d->pasid_used[w] != 0)
			return w * 64 + (uint32_t)__builtin_ctzll(~d->pasid_used[w]);
	return 0;
}

/* @return the queue using @p pasid, or -1. */
static int
pasid_queue(const struct pdk_dma_skeleton *d, uint32_t pasid)
{
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		if (d->queues[q] != NULL && d->queues[q]->pasid == pasid)
			return q;
	return -1;
}

/* The PASID calls of pdk_dmadev on a device made with conf.no_pasid. */
static int
skel_no_pasids(const struct pdk_dma_skeleton *d, const char *step)
{
	SKEL_LOG(ERR, "%s: %s: %s, the device was created without PASIDs (conf.no_pasid); create it without no_pasid to use PASIDs",
		 d->name, step, strerror(ENOTSUP));
	return -ENOTSUP;
}

static int
skel_pasid_alloc(void *dev, uint32_t *pasid)
{
	struct pdk_dma_skeleton *d = dev;
	uint32_t p;

	if (d->conf.no_pasid)
		return skel_no_pasids(d, "pasid_alloc");
	p = pasid_lowest_free(d);
	if (p == 0) {
		SKEL_LOG(ERR, "%s: pasid_alloc: %s, all %u PASIDs are allocated; free one (pdk_dmadev_pasid_free(), or release a queue)",
			 d->name, strerror(ENOSPC), SKEL_NPASIDS - 1);
		return -ENOSPC;
	}
	pasid_set(d->pasid_used, p, true);
	pasid_set(d->pasid_user, p, true);
	*pasid = p;
	return 0;
}

static int
skel_pasid_reserve(void *dev, uint32_t pasid)
{
	struct pdk_dma_skeleton *d = dev;

	if (d->conf.no_pasid)
		return skel_no_pasids(d, "pasid_reserve");
	if (pasid == 0 || pasid >= SKEL_NPASIDS) {
		SKEL_LOG(ERR, "%s: pasid_reserve %" PRIu32 ": %s, PASIDs are 1..%u (width %u)",
			 d->name, pasid, strerror(ERANGE), SKEL_NPASIDS - 1,
			 PDK_DMA_SKELETON_PASID_WIDTH);
		return -ERANGE;
	}
	if (pasid_test(d->pasid_used, pasid)) {
		SKEL_LOG(ERR, "%s: pasid_reserve %" PRIu32 ": %s, it is allocated already; pick another (pdk_dmadev_pasid_list() tells which are)",
			 d->name, pasid, strerror(EEXIST));
		return -EEXIST;
	}
	pasid_set(d->pasid_used, pasid, true);
	pasid_set(d->pasid_user, pasid, true);
	return 0;
}

static int
skel_pasid_free(void *dev, uint32_t pasid)
{
	struct pdk_dma_skeleton *d = dev;
	int q;

	if (d->conf.no_pasid)
		return skel_no_pasids(d, "pasid_free");
	if (pasid == 0 || pasid >= SKEL_NPASIDS || !pasid_test(d->pasid_used, pasid)) {
		SKEL_LOG(ERR, "%s: pasid_free %" PRIu32 ": %s, the PASID is not allocated",
			 d->name, pasid, strerror(ENOENT));
		return -ENOENT;
	}
	q = pasid_queue(d, pasid);
	if (q >= 0) {
		SKEL_LOG(ERR, "%s: pasid_free %" PRIu32 ": %s, queue %d uses it; release the queue first",
			 d->name, pasid, strerror(EBUSY), q);
		return -EBUSY;
	}
	pasid_set(d->pasid_used, pasid, false);
	pasid_set(d->pasid_user, pasid, false);
	return 0;
}

static int
skel_pasid_list(void *dev, uint32_t *pasids, unsigned int max)
{
	struct pdk_dma_skeleton *d = dev;
	unsigned int n = 0;
	uint32_t p;

	if (d->conf.no_pasid)
		return skel_no_pasids(d, "pasid_list");
	for (p = 1; p < SKEL_NPASIDS; p++) {
		if (!pasid_test(d->pasid_used, p))
			continue;
		if (n < max)
			pasids[n] = p;
		n++;
	}
	return (int)n;
}

/*
 * The PASID queue @p qid tags its DMA with: the lowest free one for 0, else
 * the one asked, which may be the caller's (allocated by pasid_alloc or
 * pasid_reserve: it stays the caller's) or free (taken for the queue).
 */
static int
skel_queue_pasid(struct pdk_dma_skeleton *d, uint16_t qid, uint32_t want,
		 struct skel_queue *q)
{
	int other;

	if (d->conf.no_pasid) {
		/* the library lets only 0 through: the DMA is untagged, on the RID */
		q->pasid = 0;
		return 0;
	}
	if (want == 0) {
		want = pasid_lowest_free(d);
		if (want == 0) {
			SKEL_LOG(ERR, "%s: queue_setup %u: %s, all %u PASIDs are allocated; free one or release a queue",
				 d->name, qid, strerror(ENOSPC), SKEL_NPASIDS - 1);
			return -ENOSPC;
		}
	}
	other = pasid_queue(d, want);
	if (other >= 0) {
		SKEL_LOG(ERR, "%s: queue_setup %u: PASID %" PRIu32 ": %s, queue %d uses it; give each queue its own PASID (or 0 for a free one)",
			 d->name, qid, want, strerror(EBUSY), other);
		return -EBUSY;
	}
	q->owns_pasid = !pasid_test(d->pasid_used, want);
	pasid_set(d->pasid_used, want, true);
	q->pasid = want;
	return 0;
}

/* ---- control-path ops ---- */

/* May be called at any time, also from pdk_dmadev_register(). */
static void
skel_info_get(void *dev, struct pdk_dmadev_info *info)
{
	const struct pdk_dma_skeleton *d = dev;

	/* FENCE: the engine runs the ops one at a time, in ring order */
	info->capa = PDK_DMADEV_CAPA_COPY | PDK_DMADEV_CAPA_FILL | PDK_DMADEV_CAPA_FENCE |
		     PDK_DMADEV_CAPA_SIM;
	if (!d->conf.no_pasid)
		info->capa |= PDK_DMADEV_CAPA_PASID;
	info->max_queues = d->conf.max_queues;
	info->min_desc = PDK_DMA_SKELETON_MIN_DESC;
	info->max_desc = d->conf.max_desc;
	info->max_xfer = PDK_DMA_SKELETON_MAX_XFER;
	info->pasid_width = d->conf.no_pasid ? 0 : PDK_DMA_SKELETON_PASID_WIDTH;
	/* backend stays NULL: the library says "sim" for PDK_DMADEV_CAPA_SIM */
}

/* Every queue is released already; a PMD would size its queue/WQ configuration here. */
static int
skel_configure(void *dev, const struct pdk_dmadev_conf *conf)
{
	struct pdk_dma_skeleton *d = dev;

	d->nb_queues = conf->nb_queues;
	return 0;
}

static int
skel_queue_setup(void *dev, uint16_t qid, const struct pdk_dmadev_queue_conf *conf, void **fp_q)
{
	struct pdk_dma_skeleton *d = dev;
	struct pdk_iommufd *ictx = pdk_dma_as_iommufd(conf->as);
	struct skel_queue *q;
	int rc;

	/* a device is bound to one iommufd context; a space of another cannot serve it */
	if (d->ictx != NULL && ictx != d->ictx) {
		SKEL_LOG(ERR, "%s: queue_setup %u: %s, address space '%s' is of another iommufd context than the device's other queues; create it in the same context",
			 d->name, qid, strerror(EINVAL), pdk_dma_as_name(conf->as));
		return -EINVAL;
	}
	q = calloc(1, sizeof(*q));
	if (q != NULL)
		q->ring = calloc(conf->nb_desc, sizeof(*q->ring));
	if (q == NULL || q->ring == NULL) {
		SKEL_LOG(ERR, "%s: queue_setup %u: %s, allocating a ring of %u descriptors failed; free some memory or ask for fewer",
			 d->name, qid, strerror(ENOMEM), conf->nb_desc);
		free(q);
		return -ENOMEM;
	}
	/* a PMD attaches the PASID to a HWPT of conf->as here; the skeleton keeps the space */
	rc = skel_queue_pasid(d, qid, conf->pasid, q);
	if (rc < 0) {
		free(q->ring);
		free(q);
		return rc;
	}
	q->nb_desc = conf->nb_desc;
	q->mask = (uint16_t)(conf->nb_desc - 1);
	q->as = conf->as;
	q->worker = d->conf.worker;
	d->queues[qid] = q;
	d->ictx = ictx;
	*fp_q = q;
	return 0;
}

/*
 * Nothing may run in the device's rings from here on. After a failed stop
 * the library still releases the queues and closes the device: a PMD then
 * resets its device (or disables the queue) before it frees what DMA may
 * still reach.
 */
static void
skel_quiesce(struct pdk_dma_skeleton *d)
{
	skel_worker_stop(d);
}

static int
skel_queue_release(void *dev, uint16_t qid)
{
	struct pdk_dma_skeleton *d = dev;
	struct skel_queue *q = d->queues[qid];
	uint16_t i;

	skel_quiesce(d);
	/* a PMD detaches the queue's PASID here (pdk_pasid_ctx_release()) */
	if (q->owns_pasid)
		pasid_set(d->pasid_used, q->pasid, false);
	free(q->ring);
	free(q);
	d->queues[qid] = NULL;
	for (i = 0; i < PDK_DMADEV_MAX_QUEUES && d->queues[i] == NULL; i++)
		;
	if (i == PDK_DMADEV_MAX_QUEUES)
		d->ictx = NULL;
	return 0;
}

/* The library filled nb_desc and as; the driver adds what it chose. */
static int
skel_queue_info(void *dev, uint16_t qid, struct pdk_dmadev_queue_info *info)
{
	const struct pdk_dma_skeleton *d = dev;

	info->pasid = d->queues[qid]->pasid;
	/* nothing is attached (a PMD reports its PASID's HWPT): the queue reads the space's table */
	info->hwpt_id = 0;
	return 0;
}

static int
skel_start(void *dev)
{
	struct pdk_dma_skeleton *d = dev;
	struct skel_queue *q;
	uint16_t i;
	int rc;

	/* ring indexes restart at 0, as after a device reset (pdk_dmadev.h) */
	for (i = 0; i < d->nb_queues; i++) {
		q = d->queues[i];
		if (q == NULL)
			continue;
		q->write = 0;
		q->submitted = 0;
		q->cpl = 0;
		q->run = 0;
	}
	/* a PMD enables its device and queues here */
	if (d->conf.worker) {
		rc = skel_worker_start(d);
		if (rc < 0)
			return rc;
	}
	d->started = true;
	return 0;
}

/* The fast path is off already (the library did that first); ops not run are lost. */
static int
skel_stop(void *dev)
{
	struct pdk_dma_skeleton *d = dev;

	/* a PMD disables its queues (drain or abort) here */
	skel_quiesce(d);
	d->started = false;
	return 0;
}

/* After stop and every queue_release; even after a stop that failed. */
static int
skel_close(void *dev)
{
	struct pdk_dma_skeleton *d = dev;

	skel_quiesce(d);
	d->started = false;
	d->nb_queues = 0;
	/* PASIDs the caller allocated stay: the PASID space lives as long as the device */
	return 0;
}

/* The counters now, each read once and atomically: the queue's thread may be counting. */
static void
skel_stats_now(const struct skel_queue *q, struct pdk_dmadev_stats *now)
{
	now->submitted = SKEL_PEEK(q->stats.submitted);
	now->completed = SKEL_PEEK(q->stats.completed);
	now->errors = SKEL_PEEK(q->stats.errors);
	now->page_faults = SKEL_PEEK(q->stats.page_faults);
	now->bytes = SKEL_PEEK(q->stats.bytes);
}

static int
skel_stats_get(void *dev, uint16_t qid, struct pdk_dmadev_stats *stats)
{
	const struct skel_queue *q = ((struct pdk_dma_skeleton *)dev)->queues[qid];

	skel_stats_now(q, stats);
	stats->submitted -= q->base.submitted;
	stats->completed -= q->base.completed;
	stats->errors -= q->base.errors;
	stats->page_faults -= q->base.page_faults;
	stats->bytes -= q->base.bytes;
	return 0;
}

/* The counters are the fast path's; a reset moves the base they are read from. */
static int
skel_stats_reset(void *dev, uint16_t qid)
{
	struct skel_queue *q = ((struct pdk_dma_skeleton *)dev)->queues[qid];

	skel_stats_now(q, &q->base);
	return 0;
}

/* After the library's lines: what only the driver knows (a PMD prints its registers). */
static int
skel_dump(void *dev, FILE *f)
{
	const struct pdk_dma_skeleton *d = dev;
	const struct skel_queue *q;
	uint16_t i;

	fprintf(f, "    skeleton %s: %s, ops run %s, a software copy engine (IOVA == VA through each queue's address space)\n",
		d->name, d->started ? "started" : "stopped",
		d->conf.worker ? "by a worker thread" : "in submit");
	for (i = 0; i < d->nb_queues; i++) {
		q = d->queues[i];
		if (q == NULL)
			continue;
		fprintf(f, "    queue %u: PASID %" PRIu32 " (%s), ring indexes: write %u, submitted %u, run %u, reported %u\n",
			i, q->pasid, d->conf.no_pasid ? "untagged" :
			q->owns_pasid ? "the queue's" : "the caller's",
			SKEL_PEEK(q->write), SKEL_PEEK(q->submitted), SKEL_PEEK(q->run),
			SKEL_PEEK(q->cpl));
	}
	return 0;
}

static const struct pdk_dmadev_ops skel_ops = {
	.info_get = skel_info_get,
	.configure = skel_configure,
	.queue_setup = skel_queue_setup,
	.queue_release = skel_queue_release,
	.queue_info = skel_queue_info,
	.start = skel_start,
	.stop = skel_stop,
	.close = skel_close,
	.stats_get = skel_stats_get,
	.stats_reset = skel_stats_reset,
	.dump = skel_dump,
	.pasid_alloc = skel_pasid_alloc,
	.pasid_reserve = skel_pasid_reserve,
	.pasid_free = skel_pasid_free,
	.pasid_list = skel_pasid_list,
};

/* ---- create and destroy (a bus driver's probe and remove) ---- */

static bool
is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* The conf with its defaults, or -EINVAL (logged). */
static int
skel_conf_get(const char *name, const struct pdk_dma_skeleton_conf *in,
	      struct pdk_dma_skeleton_conf *out)
{
	if (in != NULL)
		*out = *in;
	else
		memset(out, 0, sizeof(*out));
	if (out->max_queues == 0)
		out->max_queues = SKEL_DEFAULT_QUEUES;
	if (out->max_desc == 0)
		out->max_desc = SKEL_DEFAULT_DESC;
	if (out->max_queues > PDK_DMADEV_MAX_QUEUES) {
		SKEL_LOG(ERR, "%s: create: %s, conf.max_queues %u is above %u; ask for 1..%u (0: %u)",
			 name, strerror(EINVAL), out->max_queues, PDK_DMADEV_MAX_QUEUES,
			 PDK_DMADEV_MAX_QUEUES, SKEL_DEFAULT_QUEUES);
		return -EINVAL;
	}
	if (!is_pow2(out->max_desc) || out->max_desc < PDK_DMA_SKELETON_MIN_DESC ||
	    out->max_desc > PDK_DMA_SKELETON_MAX_DESC) {
		SKEL_LOG(ERR, "%s: create: %s, conf.max_desc %u is not a power of two in [%u, %u]; pick one of those (0: %u)",
			 name, strerror(EINVAL), out->max_desc, PDK_DMA_SKELETON_MIN_DESC,
			 PDK_DMA_SKELETON_MAX_DESC, SKEL_DEFAULT_DESC);
		return -EINVAL;
	}
	return 0;
}

int
pdk_dma_skeleton_create(const char *name, const struct pdk_dma_skeleton_conf *conf, int *dev_id)
{
	struct pdk_dma_skeleton *d;
	int id, rc;

	if (name == NULL || dev_id == NULL) {
		SKEL_LOG(ERR, "create: %s, NULL %s; pass a device name and a pointer for its dmadev id",
			 strerror(EINVAL), name == NULL ? "name" : "dev_id");
		return -EINVAL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		SKEL_LOG(ERR, "%s: create: %s; free some memory", name, strerror(ENOMEM));
		return -ENOMEM;
	}
	rc = skel_conf_get(name, conf, &d->conf);
	if (rc < 0) {
		free(d);
		return rc;
	}
	/* the library refuses a bad name itself; this copy is for the skeleton's logs */
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->dev_id = -1;
	pasid_set(d->pasid_used, 0, true);	/* PASID 0 means the RID: never a queue's */
	rc = pdk_dmadev_register(name, PDK_DMA_SKELETON_DRIVER,
				 d->conf.ops != NULL ? d->conf.ops : &skel_ops, &skel_fp_ops, d, &id);
	if (rc < 0) {
		free(d);	/* the library said why */
		return rc;
	}
	/*
	 * A device of this id that pdk_dmadev_unregister() removed behind
	 * destroy's back: the library closed it, so only its memory is left.
	 */
	free(skel_devs[id]);
	skel_devs[id] = d;
	d->dev_id = id;
	*dev_id = id;
	return 0;
}

/* Is the library's device @p dev_id still @p d (not unregistered, its id not reused)? */
static bool
skel_registered(const struct pdk_dma_skeleton *d, int dev_id)
{
	struct pdk_dmadev_info info;

	if (!pdk_dmadev_is_valid(dev_id) || pdk_dmadev_info_get(dev_id, &info) < 0)
		return false;
	/* names are unique among registered devices */
	return strcmp(info.driver, PDK_DMA_SKELETON_DRIVER) == 0 && strcmp(info.name, d->name) == 0;
}

int
pdk_dma_skeleton_destroy(int dev_id)
{
	struct pdk_dma_skeleton *d = NULL;
	int rc = 0;

	if (dev_id >= 0 && dev_id < PDK_DMADEV_MAX_DEVS)
		d = skel_devs[dev_id];
	if (d == NULL) {
		SKEL_LOG(ERR, "destroy: %s, no skeleton device has dmadev id %d; pass an id pdk_dma_skeleton_create() gave, once",
			 strerror(ENODEV), dev_id);
		return -ENODEV;
	}
	/* unregister stops and closes it: every queue is released before the free */
	if (skel_registered(d, dev_id))
		rc = pdk_dmadev_unregister(dev_id);
	skel_devs[dev_id] = NULL;
	free(d);
	return rc;
}

const struct pdk_dmadev_ops *
pdk_dma_skeleton_ops(void)
{
	return &skel_ops;
}

const struct pdk_dmadev_fp_ops *
pdk_dma_skeleton_fp_ops(void)
{
	return &skel_fp_ops;
}

void *
pdk_dma_skeleton_priv(const struct pdk_dma_skeleton *skel)
{
	if (skel == NULL) {
		SKEL_LOG(ERR, "priv: %s, NULL device; pass the dev pointer the skeleton device's op was called with",
			 strerror(EINVAL));
		return NULL;
	}
	return skel->conf.priv;
}
