/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-dma: copy throughput through lib/dmadev on the DSA model of the
 * SIMULATED kernel, side by side in the same run with DPDK's own
 * dma_skeleton through the rte_dma API (a software copy engine, the
 * baseline) and plain memcpy() (the ceiling), for sizes 64 B to 1 MiB and
 * bursts of 1 to 64 ops. Each cell: enqueue a burst, submit, wait for the
 * whole burst, repeat for a fixed time. Prints Mops/s and GB/s of each and
 * the ratios PDK/skeleton and PDK/memcpy, and what the submitting thread
 * itself spends per op in enqueue and submit (the driver's and the portal's
 * cost, without the wait for the engine).
 *
 * With --queues N (2..4), PDK's side runs N queues of the device (a WQ and a
 * PASID each, one address space), each driven by a thread of its own on a
 * slice of the buffers; the figure is their sum over the wall time. The
 * skeleton and memcpy columns stay single-threaded.
 *
 * These are figures of a simulation: the DSA model copies with the CPU in
 * an engine thread and translates every access through the simulated IOMMU.
 * They measure PDK's software path (enqueue, portal hook, completion
 * polling), not DSA hardware.
 */

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "bench_dsa.h"
#include "bench_eal.h"
#include "pdk_bus.h"
#include "pdk_dmadev.h"
#include "pdk_dsa.h"
#include "pdk_sim.h"
#include "pdk_sys.h"

#define MAX_SIZE	(1u << 20)
#define MAX_BURST	64u
#define REGION		((size_t)MAX_SIZE * MAX_BURST)	/* src and dst each */
#define RING		256u
#define DSA_ADDR	"0000:6a:01.0"
#define MAX_QUEUES	4u

static const uint32_t sizes[] = { 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576 };
static const unsigned int bursts[] = { 1, 8, 32, 64 };

struct result {
	double mops;
	double gbps;
	double sub_ns;		/* per op, in enqueue + submit */
};

static void
result_set(struct result *r, uint64_t ops, uint32_t size, uint64_t ns)
{
	r->mops = (double)ops * 1e3 / (double)ns;
	r->gbps = (double)ops * size / (double)ns;
}

/* ---- PDK: lib/dmadev on the sim's DSA model ---- */

struct pdk_side {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
	struct pdk_dma_as *as;
	uint8_t *mem;
	uint64_t iova;
	int dev_id;
	unsigned int nq;
};

/* One queue of PDK's side and the slice of the buffers it copies within. */
struct pdk_queue {
	struct pdk_side *p;
	uint16_t q;
	uint64_t base;		/* its slice: [base, base + slice) of src and of dst */
	uint64_t slice;
};

static int
pdk_side_setup(struct pdk_side *p)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = (uint16_t)p->nq };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = RING };
	int rc;

	rc = pdk_sim_create(&scfg, &p->sim);
	if (rc == 0)
		rc = pdk_sim_fn_add(p->sim, &fcfg, NULL);
	if (rc == 0)
		rc = bench_dsa_probe(pdk_sim_sys(p->sim), DSA_ADDR, NULL, &p->ictx, &p->bus);
	if (rc < 0)
		return rc;
	p->dev_id = rc;
	rc = pdk_dma_as_create(p->ictx, "bench", &p->as);
	if (rc < 0)
		return rc;
	p->mem = mmap(NULL, 2 * REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (p->mem == MAP_FAILED)
		return -ENOMEM;
	memset(p->mem, 0x5a, 2 * REGION);
	rc = pdk_dma_map(p->as, p->mem, 2 * REGION, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			 &p->iova);
	qc.as = p->as;
	if (rc == 0)
		rc = pdk_dmadev_configure(p->dev_id, &conf);
	for (unsigned int q = 0; rc == 0 && q < p->nq; q++)
		rc = pdk_dmadev_queue_setup(p->dev_id, (uint16_t)q, &qc);
	if (rc == 0)
		rc = pdk_dmadev_start(p->dev_id);
	return rc;
}

static void
pdk_side_teardown(struct pdk_side *p)
{
	if (p->bus != NULL)
		pdk_bus_destroy(p->bus);
	if (p->as != NULL)
		pdk_dma_as_destroy(p->as);
	if (p->mem != NULL && p->mem != MAP_FAILED)
		munmap(p->mem, 2 * REGION);
	if (p->ictx != NULL)
		pdk_iommufd_close(p->ictx);
	if (p->sim != NULL)
		pdk_sim_destroy(p->sim);
}

static int
pdk_copy(void *ctx, uint64_t off, uint32_t size)
{
	struct pdk_queue *pq = ctx;
	struct pdk_side *p = pq->p;

	/* a burst larger than the slice wraps in it (the bytes do not matter) */
	off = pq->base + (pq->slice > size ? off % (pq->slice - size + 1) : 0);
	return pdk_dmadev_copy(p->dev_id, pq->q, p->iova + off, p->iova + REGION + off, size, 0);
}

static void
pdk_submit(void *ctx)
{
	struct pdk_queue *pq = ctx;

	pdk_dmadev_submit(pq->p->dev_id, pq->q);
}

static uint16_t
pdk_completed(void *ctx, uint16_t n, bool *err)
{
	struct pdk_queue *pq = ctx;

	return pdk_dmadev_completed(pq->p->dev_id, pq->q, n, NULL, err);
}

/* ---- DPDK: dma_skeleton through rte_dma ---- */

struct rte_side {
	int16_t dev_id;
	uint8_t *mem;
	rte_iova_t iova;
};

static int
rte_side_setup(struct rte_side *s)
{
	return bench_eal_skeleton_open(2 * REGION, RING, &s->dev_id, &s->mem, &s->iova, NULL);
}

static void
rte_side_teardown(struct rte_side *s)
{
	bench_eal_skeleton_close(s->dev_id, s->mem);
}

static int
rte_copy(void *ctx, uint64_t off, uint32_t size)
{
	struct rte_side *r = ctx;

	return rte_dma_copy(r->dev_id, 0, r->iova + off, r->iova + REGION + off, size, 0);
}

static void
rte_submit(void *ctx)
{
	rte_dma_submit(((struct rte_side *)ctx)->dev_id, 0);
}

static uint16_t
rte_completed(void *ctx, uint16_t n, bool *err)
{
	return rte_dma_completed(((struct rte_side *)ctx)->dev_id, 0, n, NULL, err);
}

/* One engine behind the same loop: PDK's dmadev or DPDK's rte_dma. */
struct engine {
	int (*copy)(void *ctx, uint64_t off, uint32_t size);
	void (*submit)(void *ctx);
	uint16_t (*completed)(void *ctx, uint16_t n, bool *err);
	void *ctx;
};

/* Enqueue a burst, submit, wait for all of it; repeat for @p ns. */
static int
engine_run(const struct engine *e, uint32_t size, unsigned int burst, uint64_t ns,
	   struct result *r)
{
	uint64_t t0 = pdk_sys_monotonic_ns(), t = t0, ops = 0, sub = 0;
	unsigned int i;

	while (t - t0 < ns) {
		unsigned int done = 0;

		for (i = 0; i < burst; i++)
			if (e->copy(e->ctx, (uint64_t)i * size, size) < 0)
				return -ENOSPC;
		e->submit(e->ctx);
		sub += pdk_sys_monotonic_ns() - t;
		while (done < burst) {
			bool err = false;

			done += e->completed(e->ctx, (uint16_t)(burst - done), &err);
			if (err)
				return -EIO;
		}
		ops += burst;
		t = pdk_sys_monotonic_ns();
	}
	result_set(r, ops, size, t - t0);
	r->sub_ns = ops > 0 ? (double)sub / (double)ops : 0;
	return 0;
}

/* One thread per queue of PDK's side, the same loop each; the figure is their sum. */
struct queue_run {
	const struct engine *e;
	uint32_t size;
	unsigned int burst;
	uint64_t ns;
	struct result r;
	int rc;
};

static void *
queue_run_main(void *arg)
{
	struct queue_run *qr = arg;

	qr->rc = engine_run(qr->e, qr->size, qr->burst, qr->ns, &qr->r);
	return NULL;
}

static int
queues_run(const struct engine *e, unsigned int nq, uint32_t size, unsigned int burst,
	   uint64_t ns, struct result *r)
{
	struct queue_run qr[MAX_QUEUES];
	pthread_t th[MAX_QUEUES];
	unsigned int q, started = 0;
	int rc = 0;

	if (nq == 1)
		return engine_run(&e[0], size, burst, ns, r);
	for (q = 0; q < nq; q++) {
		qr[q] = (struct queue_run){ .e = &e[q], .size = size, .burst = burst, .ns = ns };
		if (pthread_create(&th[q], NULL, queue_run_main, &qr[q]) != 0) {
			rc = -EAGAIN;
			break;
		}
		started++;
	}
	memset(r, 0, sizeof(*r));
	for (q = 0; q < started; q++) {
		pthread_join(th[q], NULL);
		if (qr[q].rc < 0)
			rc = qr[q].rc;
		/* each ran for ns: the rates add up */
		r->mops += qr[q].r.mops;
		r->gbps += qr[q].r.gbps;
		r->sub_ns += qr[q].r.sub_ns / nq;
	}
	return rc;
}

/* ---- memcpy, the ceiling ---- */

static void
memcpy_run(uint8_t *mem, uint32_t size, unsigned int burst, uint64_t ns, struct result *r)
{
	uint64_t t0 = pdk_sys_monotonic_ns(), t = t0, ops = 0;
	unsigned int i;

	while (t - t0 < ns) {
		for (i = 0; i < burst; i++)
			memcpy(mem + REGION + (size_t)i * size, mem + (size_t)i * size, size);
		__asm__ volatile("" : : "r"(mem) : "memory");
		ops += burst;
		t = pdk_sys_monotonic_ns();
	}
	result_set(r, ops, size, t - t0);
}

/* The cell (@p size, @p burst) is measured: --size and --burst, 0 for any. */
static bool
cell_wanted(uint32_t size, unsigned int burst, unsigned long only_size, unsigned long only_burst)
{
	return (only_size == 0 || size == only_size) && (only_burst == 0 || burst == only_burst);
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [--ms N] [--size B] [--burst N] [--queues N]\n"
	       "Copy throughput of PDK's dmadev on the SIMULATED DSA model, next to DPDK's\n"
	       "dma_skeleton (rte_dma) and memcpy(), sizes 64 B..1 MiB, bursts 1..64.\n"
	       "  --ms N     time per cell and engine in milliseconds (default 100)\n"
	       "  --size B   only the cells of copies of B bytes (one of the sizes)\n"
	       "  --burst N  only the cells of bursts of N (one of the bursts)\n"
	       "  --queues N PDK's side on N queues (1..4), a thread each (default 1)\n"
	       "sub ns/op: what the submitting thread spends per op in enqueue + submit.\n"
	       "Without EAL options it starts DPDK with --no-huge --no-pci --vdev=dma_skeleton.\n",
	       prog);
}

int
main(int argc, char **argv)
{
	struct pdk_side pdk = { .dev_id = -1, .nq = 1 };
	struct rte_side rs = { .dev_id = -1 };
	struct pdk_queue pq[MAX_QUEUES];
	struct engine pdk_engine[MAX_QUEUES];
	const struct engine rte_engine = { rte_copy, rte_submit, rte_completed, &rs };
	enum { NS = sizeof(sizes) / sizeof(sizes[0]), NB = sizeof(bursts) / sizeof(bursts[0]) };
	static struct result ceiling[NS][NB];
	uint64_t ns = 100ull * 1000 * 1000;
	unsigned long only_size = 0, only_burst = 0;
	int rc, i;
	size_t si, bi;
	uint8_t *mem;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(argv[0]);
			return 0;
		}
	if (bench_eal_init(argc, argv) < 0)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--ms") == 0 && i + 1 < argc)
			ns = strtoull(argv[++i], NULL, 0) * 1000 * 1000;
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			only_size = strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--burst") == 0 && i + 1 < argc)
			only_burst = strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--queues") == 0 && i + 1 < argc)
			pdk.nq = (unsigned int)strtoul(argv[++i], NULL, 0);
	if (pdk.nq < 1 || pdk.nq > MAX_QUEUES) {
		fprintf(stderr, "bench: --queues %u: use 1..%u\n", pdk.nq, MAX_QUEUES);
		rte_eal_cleanup();
		return 1;
	}
	for (i = 0; i < (int)pdk.nq; i++) {
		pq[i] = (struct pdk_queue){ .p = &pdk, .q = (uint16_t)i,
					    .base = (uint64_t)i * (REGION / pdk.nq),
					    .slice = REGION / pdk.nq };
		pdk_engine[i] = (struct engine){ pdk_copy, pdk_submit, pdk_completed, &pq[i] };
	}

	/*
	 * The ceiling first, while no engine thread exists: both engines keep
	 * a thread polling, which would take CPU and memory bandwidth from it.
	 */
	mem = mmap(NULL, 2 * REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		fprintf(stderr, "bench: no memory for the memcpy baseline\n");
		rte_eal_cleanup();
		return 1;
	}
	memset(mem, 0x5a, 2 * REGION);
	for (si = 0; si < NS; si++)
		for (bi = 0; bi < NB; bi++)
			if (cell_wanted(sizes[si], bursts[bi], only_size, only_burst))
				memcpy_run(mem, sizes[si], bursts[bi], ns, &ceiling[si][bi]);
	munmap(mem, 2 * REGION);

	rc = pdk_side_setup(&pdk);
	if (rc == 0)
		rc = rte_side_setup(&rs);
	if (rc < 0) {
		fprintf(stderr, "bench: setup failed: %s\n", strerror(-rc));
		goto out;
	}
	printf("Copy throughput; PDK = lib/dmadev + DSA PMD on the SIMULATED DSA model (not\n"
	       "hardware), skeleton = DPDK dma_skeleton via rte_dma, memcpy = the CPU alone\n"
	       "(measured first, before either engine's thread exists).\n"
	       "%llu ms per cell and engine, ring %u, PDK on %u queue(s).\n\n",
	       (unsigned long long)(ns / 1000000), RING, pdk.nq);
	printf("%8s %5s | %9s %9s %7s | %10s %9s %7s | %10s %9s | %8s %8s\n", "size", "burst",
	       "PDK Mop/s", "PDK GB/s", "sub ns", "skel Mop/s", "skel GB/s", "sub ns",
	       "mcpy Mop/s", "mcpy GB/s", "PDK/skel", "PDK/mcpy");
	for (si = 0; si < NS; si++) {
		for (bi = 0; bi < NB; bi++) {
			const struct result *c = &ceiling[si][bi];
			struct result a, b;

			if (!cell_wanted(sizes[si], bursts[bi], only_size, only_burst))
				continue;
			rc = queues_run(pdk_engine, pdk.nq, sizes[si], bursts[bi], ns, &a);
			if (rc == 0)
				rc = engine_run(&rte_engine, sizes[si], bursts[bi], ns, &b);
			if (rc < 0) {
				fprintf(stderr, "bench: run failed: %s\n", strerror(-rc));
				goto out;
			}
			printf("%8u %5u | %9.3f %9.2f %7.1f | %10.3f %9.2f %7.1f | %10.3f %9.2f | "
			       "%7.2fx %7.2fx\n", sizes[si], bursts[bi], a.mops, a.gbps, a.sub_ns,
			       b.mops, b.gbps, b.sub_ns, c->mops, c->gbps, a.gbps / b.gbps,
			       a.gbps / c->gbps);
		}
	}
	rc = 0;
out:
	rte_side_teardown(&rs);
	pdk_side_teardown(&pdk);
	rte_eal_cleanup();
	return rc < 0 ? 1 : 0;
}
