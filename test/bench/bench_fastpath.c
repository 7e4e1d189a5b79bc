/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-fastpath: what the DSA PMD's fast path costs the CPU per op,
 * enqueue + submit + completed through the public dmadev API, at bursts 1,
 * 8, 32 and 64, for copy and fill, two ways: one pdk_dmadev_copy() /
 * fill() call per op, and one pdk_dmadev_copy_burst() / fill_burst() call
 * per burst (its ops array prepared once, as the floor's addresses are
 * computed once: the array is the application's, not the driver's; with
 * --fill-ops it is rewritten before every burst, in the timed loop). Side
 * by side in the same run with
 *
 * - the floor: a minimal hand-written loop that writes the same descriptors
 *   (pdk_idxd.h layouts: each op with its record address, one descriptor
 *   alone with RCR or a batch descriptor over the burst) to the same
 *   responder and polls the same records;
 * - rte_dma on DPDK's dma_skeleton (its software engine, a thread of its
 *   own): DPDK's API overhead around an engine.
 *
 * The responder stands where the device stands. The PMD is set up on the
 * SIMULATED kernel's DSA model (registers, WQ configuration, PASID, the
 * queue's memory in an IOVA = VA address space); the sim's boundary is
 * wrapped so that the WQ portals resolve (pdk_sys_mmio_resolve()) to the
 * responder's store hook instead of the model's. The responder completes
 * each descriptor in the store, inline, as the device does: it walks a batch
 * descriptor's list (its address and count), writes a record for every
 * descriptor that asks for one (RCR) and one for the batch, status byte
 * last, and refuses what the device would refuse (unknown opcode, bad
 * count) with the device's status. It moves no data: the figure is the
 * driver's cost, not a copy's. Being inline, the responder's own work is in
 * every figure (PDK's and the floor's alike); it is measured alone (the
 * same stores, prepared once) and subtracted for the "net" ratio, which is
 * the one the target (1.2x at burst 32) is judged on.
 *
 * Instructions per op come from perf_event_open (user space only); where
 * the machine gives no hardware counter (a VM without a PMU) they are n/a.
 */

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "bench_dsa.h"
#include "bench_eal.h"
#include "pdk_bus.h"
#include "pdk_dma.h"
#include "pdk_dmadev.h"
#include "pdk_idxd.h"
#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_sys_backend.h"

#define DSA_ADDR	"0000:6a:01.0"
#define RING		256u
#define MAX_BURST	64u
#define OP_SIZE		64u
#define ROUNDS		5u
#define CHUNK		64u	/* bursts between two clock reads */
#define BUF_LEN		(2 * MAX_BURST * OP_SIZE)	/* src, then dst */

static const unsigned int bursts[] = { 1, 8, 32, 64 };

/* ---- the responder: completes descriptors in the portal store ---- */

struct responder {
	uint64_t ops;		/* descriptors completed (batch descriptors not counted) */
	uint64_t batches;
	uint64_t refused;	/* descriptors completed with an error status */
	uint32_t max_batch;
};

static struct responder resp = { .max_batch = 1024 };

/* A record, status byte last (release), as the device writes it. */
static inline void
resp_record(uint64_t addr, uint8_t status, uint32_t bytes)
{
	struct pdk_idxd_completion *c = (struct pdk_idxd_completion *)(uintptr_t)addr;

	c->result = 0;
	c->bytes_completed = bytes;
	c->fault_addr = 0;
	__atomic_store_n(&c->status, status, __ATOMIC_RELEASE);
}

/* One work descriptor; @return its status. */
static inline uint8_t
resp_op(const struct pdk_idxd_desc *d)
{
	uint32_t flags = d->op_flags & PDK_IDXD_DESC_FLAGS_MASK;
	uint8_t st = PDK_IDXD_COMP_SUCCESS;

	switch (d->op_flags >> PDK_IDXD_DESC_OPCODE_SHIFT) {
	case PDK_IDXD_OP_NOOP:
		break;
	case PDK_IDXD_OP_MEMMOVE:
	case PDK_IDXD_OP_MEMFILL:
		if (d->size == 0)
			st = PDK_IDXD_COMP_XFER_ERANGE;
		break;
	default:
		st = PDK_IDXD_COMP_BAD_OPCODE;
	}
	resp.ops++;
	if (st != PDK_IDXD_COMP_SUCCESS)
		resp.refused++;
	/* a failure is written wherever a record address is valid; success on RCR */
	if ((flags & PDK_IDXD_FLAG_CRAV) &&
	    (st != PDK_IDXD_COMP_SUCCESS || (flags & PDK_IDXD_FLAG_RCR)))
		resp_record(d->completion_addr, st, 0);
	return st;
}

static int
resp_store(void *cookie, const void *src)
{
	const struct pdk_idxd_desc *d = src;
	const struct pdk_idxd_desc *list;
	uint32_t i, n, done = 0;
	uint8_t st = PDK_IDXD_COMP_SUCCESS;

	(void)cookie;
	if ((d->op_flags >> PDK_IDXD_DESC_OPCODE_SHIFT) != PDK_IDXD_OP_BATCH) {
		resp_op(d);
		return 0;
	}
	resp.batches++;
	n = d->size;
	list = (const struct pdk_idxd_desc *)(uintptr_t)d->src;
	if (n < 2 || n > resp.max_batch) {
		st = PDK_IDXD_COMP_DESC_CNT_ERANGE;
		resp.refused++;
	} else {
		/* without block-on-fault nothing stops the batch but a fence after a failure */
		for (i = 0; i < n; i++) {
			if (st != PDK_IDXD_COMP_SUCCESS && (list[i].op_flags & PDK_IDXD_FLAG_FENCE))
				break;
			if (resp_op(&list[i]) != PDK_IDXD_COMP_SUCCESS)
				st = PDK_IDXD_COMP_BATCH_FAIL;
			done++;
		}
	}
	if (d->op_flags & PDK_IDXD_FLAG_CRAV)
		resp_record(d->completion_addr, st, done);
	return 0;
}

/*
 * The sim's boundary with the WQ portals resolved to the responder. Every
 * op but mmio_resolve/mmio_release is the sim's own, on the sim's instance;
 * the sim's hook is resolved too (it holds the device file, as a portal
 * must) and given back on release.
 */
#define MAX_HOOKS 8

static struct pdk_sys_ops wrap_ops;
static const struct pdk_sys_ops *sim_ops;
static struct pdk_sys_mmio sim_hooks[MAX_HOOKS];
static bool sim_hook_used[MAX_HOOKS];

static int
wrap_mmio_resolve(void *priv, int fd, uint64_t offset, struct pdk_sys_mmio *mmio)
{
	unsigned int i;
	int rc = sim_ops->mmio_resolve(priv, fd, offset, mmio);

	if (rc < 0 || mmio->kind != PDK_SYS_MMIO_HOOK)
		return rc;
	for (i = 0; i < MAX_HOOKS && sim_hook_used[i]; i++)
		;
	if (i == MAX_HOOKS) {
		sim_ops->mmio_release(priv, mmio);
		return -ENOSPC;
	}
	sim_hooks[i] = *mmio;
	sim_hook_used[i] = true;
	mmio->store64 = resp_store;
	mmio->cookie = &sim_hooks[i];
	return 0;
}

static int
wrap_mmio_release(void *priv, struct pdk_sys_mmio *mmio)
{
	struct pdk_sys_mmio *h = mmio->cookie;
	unsigned int i = (unsigned int)(h - sim_hooks);

	if (mmio->store64 != resp_store || i >= MAX_HOOKS || !sim_hook_used[i])
		return sim_ops->mmio_release(priv, mmio);
	sim_hook_used[i] = false;
	memset(mmio, 0, sizeof(*mmio));
	return sim_ops->mmio_release(priv, h);
}

/* ---- instructions per op ---- */

static int perf_fd = -1;
/* What a pair of clock reads costs (fastest chunk), taken off skel's enqueue + submit time. */
static double clock_ns;

static void
perf_open(void)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_INSTRUCTIONS;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	perf_fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static uint64_t
perf_read(void)
{
	uint64_t v = 0;

	if (perf_fd >= 0 && read(perf_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		v = 0;
	return v;
}

/* ---- the engines, one loop shape: enqueue a burst, submit, poll all of it ---- */

enum op { OP_COPY, OP_FILL };

struct pdk_side {
	struct pdk_sim *sim;
	struct pdk_sys wrap;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
	struct pdk_dma_as *as;
	uint8_t *mem;
	uint64_t iova;
	int dev_id;
	bool has_fill;
	bool fill_ops;		/* --fill-ops: rewrite the burst's ops array every burst */
	struct pdk_dmadev_op ops[2][MAX_BURST];	/* [op] the burst API's arrays */
};

struct floor_side {
	struct pdk_idxd_desc *descs;
	struct pdk_idxd_completion *comps;
	struct pdk_idxd_completion *bcomp;
	uint8_t *mem;
	void *ring_mem;
	size_t ring_len;
	pdk_sys_store64_t store;	/* called through a pointer, as the PMD calls its hook */
	uint16_t write;
	uint32_t op_flags;
	/*
	 * The strict floor: the fields no op changes (zeros, the record
	 * address) are written once at set-up, as the PMD writes them at its
	 * ring reset; the plain floor writes each descriptor whole.
	 */
	bool minimal;
};

struct rte_side {
	int16_t dev_id;
	uint8_t *mem;
	rte_iova_t iova;
	uint64_t sub_ns;	/* in enqueue + submit, clock reads included */
};

struct engine {
	const char *name;
	/* one burst of @p n ops; @return 0 or -errno */
	int (*burst)(void *ctx, enum op op, unsigned int n);
	void *ctx;
	/* where it adds up its enqueue + submit time, or NULL */
	const uint64_t *sub_ns;
};

static int
pdk_burst(void *ctx, enum op op, unsigned int n)
{
	struct pdk_side *p = ctx;
	unsigned int i, done = 0;
	bool err = false;
	int rc;

	for (i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * OP_SIZE;

		rc = op == OP_COPY ?
			pdk_dmadev_copy(p->dev_id, 0, p->iova + off,
					p->iova + MAX_BURST * OP_SIZE + off, OP_SIZE, 0) :
			pdk_dmadev_fill(p->dev_id, 0, 0x5a5a5a5a5a5a5a5aull,
					p->iova + MAX_BURST * OP_SIZE + off, OP_SIZE, 0);
		if (rc < 0)
			return rc;
	}
	pdk_dmadev_submit(p->dev_id, 0);
	while (done < n) {
		done += pdk_dmadev_completed(p->dev_id, 0, (uint16_t)(n - done), NULL, &err);
		if (err)
			return -EIO;
	}
	return 0;
}

/* The burst API: one enqueue call per burst, with the same completions loop. */
static int
pdk_burst_api(void *ctx, enum op op, unsigned int n)
{
	struct pdk_side *p = ctx;
	struct pdk_dmadev_op *ops = p->ops[op];
	unsigned int i, done = 0;
	bool err = false;
	int rc;

	if (p->fill_ops)
		for (i = 0; i < n; i++) {
			uint64_t off = (uint64_t)i * OP_SIZE;

			ops[i].src = op == OP_COPY ? p->iova + off : 0x5a5a5a5a5a5a5a5aull;
			ops[i].dst = p->iova + MAX_BURST * OP_SIZE + off;
			ops[i].len = OP_SIZE;
			__asm__ volatile("" : : "r"(&ops[i]) : "memory");
		}
	rc = op == OP_COPY ?
		pdk_dmadev_copy_burst(p->dev_id, 0, ops, (uint16_t)n, PDK_DMADEV_OP_SUBMIT, NULL) :
		pdk_dmadev_fill_burst(p->dev_id, 0, ops, (uint16_t)n, PDK_DMADEV_OP_SUBMIT, NULL);
	if (rc < 0)
		return rc;
	if ((unsigned int)rc != n)
		return -ENOSPC;
	while (done < n) {
		done += pdk_dmadev_completed(p->dev_id, 0, (uint16_t)(n - done), NULL, &err);
		if (err)
			return -EIO;
	}
	return 0;
}

static void
pdk_ops_setup(struct pdk_side *p)
{
	unsigned int op, i;

	for (op = OP_COPY; op <= OP_FILL; op++)
		for (i = 0; i < MAX_BURST; i++) {
			uint64_t off = (uint64_t)i * OP_SIZE;

			p->ops[op][i].src = op == OP_COPY ? p->iova + off : 0x5a5a5a5a5a5a5a5aull;
			p->ops[op][i].dst = p->iova + MAX_BURST * OP_SIZE + off;
			p->ops[op][i].len = OP_SIZE;
		}
}

/*
 * The floor: what any driver of this device must do per burst and no more.
 * Ring slots as the PMD lays them out; the burst never straddles the
 * ring's end (the bursts divide RING), so no cut is needed.
 */
static int
floor_burst(void *ctx, enum op op, unsigned int n)
{
	struct floor_side *f = ctx;
	uint16_t slot = f->write & (RING - 1);
	const struct pdk_idxd_completion *wait;
	struct pdk_idxd_desc b;
	unsigned int i;
	uint8_t st;

	for (i = 0; i < n; i++) {
		struct pdk_idxd_desc *d = &f->descs[slot + i];
		uint64_t off = (uint64_t)i * OP_SIZE;

		if (!f->minimal) {
			memset(d, 0, sizeof(*d));
			d->completion_addr = (uint64_t)(uintptr_t)&f->comps[slot + i];
		}
		d->op_flags = PDK_IDXD_OP_FLAGS(op == OP_COPY ? PDK_IDXD_OP_MEMMOVE :
								PDK_IDXD_OP_MEMFILL, f->op_flags);
		d->src = op == OP_COPY ? (uint64_t)(uintptr_t)f->mem + off : 0x5a5a5a5a5a5a5a5aull;
		d->dst = (uint64_t)(uintptr_t)f->mem + MAX_BURST * OP_SIZE + off;
		d->size = OP_SIZE;
		f->comps[slot + i].status = PDK_IDXD_COMP_NONE;
	}
	if (n == 1) {
		b = f->descs[slot];
		b.op_flags |= PDK_IDXD_FLAG_RCR;
		wait = &f->comps[slot];
	} else {
		memset(&b, 0, sizeof(b));
		b.op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_BATCH,
					       PDK_IDXD_FLAG_CRAV | PDK_IDXD_FLAG_RCR);
		b.completion_addr = (uint64_t)(uintptr_t)f->bcomp;
		b.src = (uint64_t)(uintptr_t)&f->descs[slot];
		b.size = n;
		f->bcomp->status = PDK_IDXD_COMP_NONE;
		wait = f->bcomp;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE);
	f->store(NULL, &b);
	while ((st = __atomic_load_n(&wait->status, __ATOMIC_ACQUIRE)) == 0)
		;
	f->write = (uint16_t)(f->write + n);
	return st == PDK_IDXD_COMP_SUCCESS ? 0 : -EIO;
}

/* The responder alone: the floor's stores, prepared once, replayed. */
struct resp_side {
	struct floor_side *f;
	struct pdk_idxd_desc b[2][2];	/* [op][alone, batch] */
	struct pdk_idxd_desc list[2][MAX_BURST];
	struct pdk_idxd_completion comps[2][MAX_BURST];
	struct pdk_idxd_completion bcomp;
};

static int
resp_burst(void *ctx, enum op op, unsigned int n)
{
	struct resp_side *r = ctx;
	struct pdk_idxd_desc *b = &r->b[op][n > 1];

	if (n > 1)
		b->size = n;
	r->f->store(NULL, b);
	return 0;
}

static int
rte_burst(void *ctx, enum op op, unsigned int n)
{
	struct rte_side *s = ctx;
	uint64_t t = pdk_sys_monotonic_ns();
	unsigned int i, done = 0;
	bool err = false;
	int rc;

	for (i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * OP_SIZE;

		rc = op == OP_COPY ?
			rte_dma_copy(s->dev_id, 0, s->iova + off,
				     s->iova + MAX_BURST * OP_SIZE + off, OP_SIZE, 0) :
			rte_dma_fill(s->dev_id, 0, 0x5a5a5a5a5a5a5a5aull,
				     s->iova + MAX_BURST * OP_SIZE + off, OP_SIZE, 0);
		if (rc < 0)
			return rc;
	}
	rte_dma_submit(s->dev_id, 0);
	s->sub_ns += pdk_sys_monotonic_ns() - t;
	while (done < n) {
		done += rte_dma_completed(s->dev_id, 0, (uint16_t)(n - done), NULL, &err);
		if (err)
			return -EIO;
	}
	return 0;
}

struct cell {
	double ns;	/* per op */
	double sub;	/* per op in enqueue + submit (the chunk's least), < 0: n/a */
	double insn;	/* per op, < 0: n/a */
};

/*
 * Bursts of @p n for @p budget ns, in chunks of CHUNK bursts; *@p c the
 * per-op figures: ns of the fastest chunk (on a machine shared with other
 * work a chunk, tens of microseconds, mostly runs without being preempted;
 * the mean over the run would measure the load), instructions over the run.
 */
static int
engine_run(const struct engine *e, enum op op, unsigned int n, uint64_t budget, struct cell *c)
{
	uint64_t t0, t, tc, i0, s0, ops = 0, best = UINT64_MAX, best_sub = UINT64_MAX;
	unsigned int k;
	int rc;

	i0 = perf_read();
	t0 = pdk_sys_monotonic_ns();
	t = t0;
	do {
		tc = t;
		s0 = e->sub_ns != NULL ? *e->sub_ns : 0;
		for (k = 0; k < CHUNK; k++) {
			rc = e->burst(e->ctx, op, n);
			if (rc < 0) {
				fprintf(stderr, "bench: %s: burst of %u failed: %s\n", e->name, n,
					strerror(-rc));
				return rc;
			}
		}
		ops += (uint64_t)CHUNK * n;
		t = pdk_sys_monotonic_ns();
		if (t - tc < best)
			best = t - tc;
		if (e->sub_ns != NULL && *e->sub_ns - s0 < best_sub)
			best_sub = *e->sub_ns - s0;
	} while (t - t0 < budget);
	c->ns = (double)best / (double)(CHUNK * n);
	c->sub = e->sub_ns != NULL ? ((double)best_sub / CHUNK - clock_ns) / n : -1;
	c->insn = perf_fd >= 0 ? (double)(perf_read() - i0) / (double)ops : -1;
	return 0;
}


static double
clock_pair_ns(void)
{
	uint64_t t0 = pdk_sys_monotonic_ns(), t = t0, best = UINT64_MAX;
	unsigned int k;

	while (t - t0 < 10 * 1000 * 1000) {
		uint64_t sum = 0;

		for (k = 0; k < CHUNK; k++) {
			uint64_t a = pdk_sys_monotonic_ns();

			sum += pdk_sys_monotonic_ns() - a;
		}
		if (sum < best)
			best = sum;
		t = pdk_sys_monotonic_ns();
	}
	return (double)best / CHUNK;
}

/* ---- set-up ---- */

static int
pdk_side_setup(struct pdk_side *p)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = RING };
	struct pdk_dmadev_info info;
	struct pdk_sys *s;
	int rc;

	rc = pdk_sim_create(&scfg, &p->sim);
	if (rc == 0)
		rc = pdk_sim_fn_add(p->sim, &fcfg, NULL);
	if (rc < 0)
		return rc;
	s = pdk_sim_sys(p->sim);
	sim_ops = s->ops;
	wrap_ops = *s->ops;
	wrap_ops.mmio_resolve = wrap_mmio_resolve;
	wrap_ops.mmio_release = wrap_mmio_release;
	p->wrap = *s;
	p->wrap.name = "sim+responder";
	p->wrap.ops = &wrap_ops;
	p->wrap.backend = NULL;	/* released with the sim, not on its own */
	rc = bench_dsa_probe(&p->wrap, DSA_ADDR, NULL, &p->ictx, &p->bus);
	if (rc < 0)
		return rc;
	p->dev_id = rc;
	rc = pdk_dmadev_info_get(p->dev_id, &info);
	if (rc < 0)
		return rc;
	p->has_fill = (info.capa & PDK_DMADEV_CAPA_FILL) != 0;
	rc = pdk_dma_as_create(p->ictx, "bench", &p->as);
	if (rc < 0)
		return rc;
	p->mem = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->mem == MAP_FAILED) {
		p->mem = NULL;
		return -ENOMEM;
	}
	memset(p->mem, 0x5a, BUF_LEN);
	rc = pdk_dma_map(p->as, p->mem, BUF_LEN,
			 PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &p->iova);
	qc.as = p->as;
	if (rc == 0)
		rc = pdk_dmadev_configure(p->dev_id, &conf);
	if (rc == 0)
		rc = pdk_dmadev_queue_setup(p->dev_id, 0, &qc);
	if (rc == 0)
		rc = pdk_dmadev_start(p->dev_id);
	/* the responder reads the ring and writes the records at their IOVAs */
	if (rc == 0 && !pdk_dma_as_is_identity(p->as)) {
		fprintf(stderr, "bench: address space 'bench' is not IOVA = VA; the responder "
			"cannot reach the queue's ring\n");
		rc = -ENOTSUP;
	}
	return rc;
}

static void
pdk_side_teardown(struct pdk_side *p)
{
	if (p->bus != NULL)
		pdk_bus_destroy(p->bus);
	if (p->as != NULL)
		pdk_dma_as_destroy(p->as);
	if (p->mem != NULL)
		munmap(p->mem, BUF_LEN);
	if (p->ictx != NULL)
		pdk_iommufd_close(p->ictx);
	if (p->sim != NULL)
		pdk_sim_destroy(p->sim);
}

static int
floor_setup(struct floor_side *f, bool minimal)
{
	size_t descs = sizeof(*f->descs) * RING, comps = sizeof(*f->comps) * RING;
	unsigned int k;

	f->ring_len = descs + comps + 4096;
	f->ring_mem = mmap(NULL, f->ring_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
	if (f->ring_mem == MAP_FAILED)
		return -ENOMEM;
	f->descs = f->ring_mem;
	f->comps = (void *)((char *)f->ring_mem + descs);
	f->bcomp = (void *)((char *)f->ring_mem + descs + comps);
	f->mem = (uint8_t *)f->bcomp + 2048;
	/* the flags the PMD gives every op on this device: CRAV, and CC (its GENCAP has it) */
	f->op_flags = PDK_IDXD_FLAG_CRAV | PDK_IDXD_FLAG_CC;
	f->minimal = minimal;
	for (k = 0; minimal && k < RING; k++)
		f->descs[k].completion_addr = (uint64_t)(uintptr_t)&f->comps[k];
	f->store = resp_store;
	__asm__ volatile("" : "+r"(f->store));
	return 0;
}

static void
resp_setup(struct resp_side *r, struct floor_side *f)
{
	int op;
	unsigned int i;

	r->f = f;
	for (op = OP_COPY; op <= OP_FILL; op++) {
		for (i = 0; i < MAX_BURST; i++) {
			struct pdk_idxd_desc *d = &r->list[op][i];

			memset(d, 0, sizeof(*d));
			d->op_flags = PDK_IDXD_OP_FLAGS(op == OP_COPY ? PDK_IDXD_OP_MEMMOVE :
							PDK_IDXD_OP_MEMFILL, f->op_flags);
			d->completion_addr = (uint64_t)(uintptr_t)&r->comps[op][i];
			d->src = op == OP_COPY ? (uint64_t)(uintptr_t)f->mem :
						 0x5a5a5a5a5a5a5a5aull;
			d->dst = (uint64_t)(uintptr_t)f->mem + MAX_BURST * OP_SIZE;
			d->size = OP_SIZE;
		}
		r->b[op][0] = r->list[op][0];
		r->b[op][0].op_flags |= PDK_IDXD_FLAG_RCR;
		memset(&r->b[op][1], 0, sizeof(r->b[op][1]));
		r->b[op][1].op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_BATCH,
							 PDK_IDXD_FLAG_CRAV | PDK_IDXD_FLAG_RCR);
		r->b[op][1].completion_addr = (uint64_t)(uintptr_t)&r->bcomp;
		r->b[op][1].src = (uint64_t)(uintptr_t)r->list[op];
	}
}

static int
rte_side_setup(struct rte_side *s, bool *has_fill)
{
	return bench_eal_skeleton_open(2 * MAX_BURST * OP_SIZE, RING, &s->dev_id, &s->mem,
				       &s->iova, has_fill);
}

static void
rte_side_teardown(struct rte_side *s)
{
	bench_eal_skeleton_close(s->dev_id, s->mem);
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--ms N] [--burst N] [--fill-ops]\n"
	       "CPU cost per op of PDK's DSA PMD (enqueue + submit + completed through\n"
	       "pdk_dmadev.h: per-op calls, and the burst API) with its portal stores completed\n"
	       "by an in-process responder (set-up on the SIMULATED DSA model), beside a\n"
	       "minimal hand-written loop (the floor) and DPDK's dma_skeleton through rte_dma;\n"
	       "bursts 1, 8, 32, 64; copy and fill of %u B. Fastest chunk of %u rounds of N ms\n"
	       "(default 20) per cell.\n"
	       "--burst N: only bursts of N (one of 1, 8, 32, 64).\n"
	       "--fill-ops: the burst API's ops array is rewritten before every burst (timed).\n"
	       "Without EAL options it starts DPDK with --no-huge --no-pci --vdev=dma_skeleton.\n",
	       prog, OP_SIZE, ROUNDS);
}

static void
print_insn(double v)
{
	if (v < 0)
		printf(" %5s", "n/a");
	else
		printf(" %5.0f", v);
}

/* The engines of a row, in the table's order. */
enum { E_PDK, E_BURST, E_FLOOR, E_FLOOR_MIN, E_RESP, E_SKEL, E_COUNT };

int
main(int argc, char **argv)
{
	static struct resp_side rs;
	static struct pdk_side pdk = { .dev_id = -1 };
	struct floor_side fl, flm;
	struct rte_side sk = { .dev_id = -1 };
	const struct engine e_pdk = { "PDK", pdk_burst, &pdk, NULL };
	const struct engine e_burst = { "PDK burst", pdk_burst_api, &pdk, NULL };
	const struct engine e_floor = { "floor", floor_burst, &fl, NULL };
	const struct engine e_floor_min = { "strict floor", floor_burst, &flm, NULL };
	const struct engine e_resp = { "responder", resp_burst, &rs, NULL };
	const struct engine e_skel = { "dma_skeleton", rte_burst, &sk, &sk.sub_ns };
	const struct engine *es[E_COUNT] = { &e_pdk, &e_burst, &e_floor, &e_floor_min, &e_resp,
					     &e_skel };
	struct pdk_dmadev_stats st;
	uint64_t budget = 20ull * 1000 * 1000;
	bool skel_fill = false, ok = true;
	double target_net = -1, target_op_net = -1, target_min_net = -1;
	unsigned long only_burst = 0;
	int rc, i, op;
	size_t bi, r;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(argv[0]);
			return 0;
		}
	if (bench_eal_init(argc, argv) < 0)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc)
			budget = strtoull(argv[++i], NULL, 0) * 1000 * 1000;
		else if (strcmp(argv[i], "--burst") == 0 && i + 1 < argc)
			only_burst = strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--fill-ops") == 0)
			pdk.fill_ops = true;
	memset(&fl, 0, sizeof(fl));
	memset(&flm, 0, sizeof(flm));
	perf_open();
	clock_ns = clock_pair_ns();
	rc = pdk_side_setup(&pdk);
	if (rc == 0) {
		pdk_ops_setup(&pdk);
		rc = floor_setup(&fl, false);
		if (rc == 0)
			rc = floor_setup(&flm, true);
	}
	if (rc == 0) {
		resp_setup(&rs, &fl);
		rc = rte_side_setup(&sk, &skel_fill);
	}
	if (rc < 0) {
		fprintf(stderr, "bench: setup failed: %s\n", strerror(-rc));
		goto out;
	}
	printf("CPU cost per op of PDK's DSA PMD: enqueue + submit + completed through\n"
	       "pdk_dmadev.h, %u-byte ops, ring %u. The portal stores go to an in-process\n"
	       "responder that completes each descriptor inline, as the device does (no data\n"
	       "moved); the PMD is set up on the SIMULATED DSA model. per-op = a\n"
	       "pdk_dmadev_copy() / fill() call per op, then submit; burst = one\n"
	       "pdk_dmadev_copy_burst() / fill_burst() call per burst, with the submit flag\n"
	       "(its ops array %s). floor = a minimal loop writing the same\n"
	       "descriptors, each whole, to the same responder; strict = the same loop\n"
	       "writing only the fields an op changes (the rest once, as the PMD does at\n"
	       "its ring reset); resp = the responder alone (in all of them);\n"
	       "net = (PDK - resp) / (floor - resp); skel = DPDK's dma_skeleton\n"
	       "through rte_dma (its own copy thread: API + engine round trip; skel e+s =\n"
	       "its enqueue + submit alone, per op, of the fastest chunk, a clock pair's\n"
	       "cost taken off: DPDK's API overhead).\n"
	       "ns: the fastest chunk of %u bursts in %u rounds of %llu ms per cell.\n"
	       "insn/op: %s.\n\n", OP_SIZE, RING,
	       pdk.fill_ops ? "rewritten before every burst, timed" : "prepared once",
	       CHUNK, ROUNDS, (unsigned long long)(budget / 1000000),
	       perf_fd >= 0 ? "user-space instructions (perf_event_open)"
			    : "n/a (perf_event_open: no hardware counter on this machine)");
	printf("%-4s %5s | %6s %5s | %6s %5s | %6s %5s | %6s | %5s | %8s %5s %6s | %13s | %13s | "
	       "%10s | %7s %7s\n",
	       "op", "burst", "per-op", "insn", "burst", "insn", "floor", "insn", "strict", "resp",
	       "skel ns", "insn", "e+s", "per-op/flr net", "burst/flr net", "burst/strict",
	       "skel/flr", "e+s/flr");
	for (op = OP_COPY; op <= OP_FILL; op++) {
		for (bi = 0; bi < sizeof(bursts) / sizeof(bursts[0]); bi++) {
			struct cell best[E_COUNT], c;
			double skel_es = -1;
			unsigned int n = bursts[bi], k;
			double net, op_net, min_net;

			if (only_burst != 0 && n != only_burst)
				continue;
			if (op == OP_FILL && !pdk.has_fill) {
				fprintf(stderr, "bench: the DSA model offers no fill\n");
				ok = false;
				break;
			}
			for (r = 0; r < ROUNDS; r++) {
				for (k = 0; k < E_COUNT; k++) {
					if (k == E_SKEL && op == OP_FILL && !skel_fill) {
						best[k].ns = best[k].insn = -1;
						continue;
					}
					rc = engine_run(es[k], (enum op)op, n, budget, &c);
					if (rc < 0)
						goto out;
					if (r == 0 || c.ns < best[k].ns)
						best[k] = c;
					if (k == E_SKEL && (skel_es < 0 || c.sub < skel_es))
						skel_es = c.sub;
				}
			}
			op_net = (best[E_PDK].ns - best[E_RESP].ns) /
				 (best[E_FLOOR].ns - best[E_RESP].ns);
			net = (best[E_BURST].ns - best[E_RESP].ns) /
			      (best[E_FLOOR].ns - best[E_RESP].ns);
			min_net = (best[E_BURST].ns - best[E_RESP].ns) /
				  (best[E_FLOOR_MIN].ns - best[E_RESP].ns);
			if (op == OP_COPY && n == 32) {
				target_net = net;
				target_op_net = op_net;
				target_min_net = min_net;
			}
			printf("%-4s %5u | %6.1f", op == OP_COPY ? "copy" : "fill", n,
			       best[E_PDK].ns);
			print_insn(best[E_PDK].insn);
			printf(" | %6.1f", best[E_BURST].ns);
			print_insn(best[E_BURST].insn);
			printf(" | %6.1f", best[E_FLOOR].ns);
			print_insn(best[E_FLOOR].insn);
			printf(" | %6.1f | %5.1f | ", best[E_FLOOR_MIN].ns, best[E_RESP].ns);
			if (best[E_SKEL].ns < 0)
				printf("%8s", "n/a");
			else
				printf("%8.1f", best[E_SKEL].ns);
			print_insn(best[E_SKEL].insn);
			if (skel_es < 0)
				printf(" %6s", "n/a");
			else
				printf(" %6.1f", skel_es);
			printf(" | %5.2fx %5.2fx | %5.2fx %5.2fx | %9.2fx | ",
			       best[E_PDK].ns / best[E_FLOOR].ns, op_net,
			       best[E_BURST].ns / best[E_FLOOR].ns, net, min_net);
			if (best[E_SKEL].ns < 0)
				printf("%7s %7s\n", "n/a", "n/a");
			else
				printf("%6.0fx %6.2fx\n", best[E_SKEL].ns / best[E_FLOOR].ns,
				       skel_es / best[E_FLOOR].ns);
		}
	}
	if (target_net >= 0)
		printf("\ntarget: PDK within 1.2x of the floor at burst 32 (copy, net): "
		       "burst API %.2fx, %s; per-op calls %.2fx, %s;\n"
		       "  against the strict floor (net): burst API %.2fx, %s\n",
		       target_net, target_net <= 1.2 ? "met" : "NOT met",
		       target_op_net, target_op_net <= 1.2 ? "met" : "NOT met",
		       target_min_net, target_min_net <= 1.2 ? "met" : "NOT met");
	if (op == OP_FILL && !skel_fill)
		printf("dma_skeleton offers no fill (RTE_DMA_CAPA_OPS_FILL): n/a\n");

	/* every op the PMD handed over was completed by the responder, and well
	 * (and bursts above 1 went as batches: with --burst 1 there are none) */
	rc = pdk_dmadev_stats_get(pdk.dev_id, 0, &st);
	if (rc < 0 || st.errors != 0 || st.completed != st.submitted || resp.refused != 0 ||
	    (resp.batches == 0 && only_burst != 1)) {
		fprintf(stderr, "bench: check failed: PMD submitted %llu completed %llu "
			"errors %llu; "
			"responder refused %llu of %llu ops, %llu batches\n",
			(unsigned long long)st.submitted, (unsigned long long)st.completed,
			(unsigned long long)st.errors, (unsigned long long)resp.refused,
			(unsigned long long)resp.ops, (unsigned long long)resp.batches);
		ok = false;
	}
	rc = ok ? 0 : -EIO;
out:
	rte_side_teardown(&sk);
	pdk_side_teardown(&pdk);
	if (fl.ring_mem != NULL && fl.ring_mem != MAP_FAILED)
		munmap(fl.ring_mem, fl.ring_len);
	if (flm.ring_mem != NULL && flm.ring_mem != MAP_FAILED)
		munmap(flm.ring_mem, flm.ring_len);
	if (perf_fd >= 0)
		close(perf_fd);
	rte_eal_cleanup();
	return rc < 0 ? 1 : 0;
}
