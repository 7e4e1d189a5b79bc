/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-fault: I/O page faults of an address space (lib/dma,
 * dma_fault.c) on PDK's SIMULATED kernel and device (figures of a
 * simulation, not of an IOMMU or of PCIe page requests):
 *
 * - the fault round trip: the device touches an unmapped page of a region
 *   registered with pdk_dma_as_fault_region(); the fault is queued on the
 *   space's fault queue; pdk_dma_as_fault_poll() reads it, the policy
 *   pdk_dma_fault_map_on_demand() maps the page and the group is answered;
 *   the device's access is repeated and lands. Beside it, in the same run:
 *   the same access on a page already mapped, and the map alone, so that
 *   the ratio says what a fault costs against an access;
 * - a streaming read of a region, 4 KiB at a time, with everything mapped
 *   first (the baseline, its map counted) beside demand faulting and
 *   prefaulting (pdk_dma_as_fault_prefault()) 7, 31 and 127 pages ahead:
 *   ns per page and faults taken, each as a ratio to the baseline.
 *
 * - a streaming copy on the SIMULATED DSA through its PMD with
 *   block_on_fault=1 (its function has PRI): 4 KiB copies into a region
 *   of the queue's space, its destination premapped beside demand and
 *   prefaulting; a faulting copy blocks in the device on its page request
 *   until the application's pdk_dma_as_fault_poll() answers it, then
 *   completes with success.
 *
 * In the first two the access is the function's DMA port (pdk_sim_fn_dma()),
 * which fails a faulting access at once; the bench repeats it after the
 * answer, as a device retries after a page response. Each figure is the
 * best of ROUNDS rounds, the modes alternating, so that a loaded machine
 * slows all alike.
 */

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pdk_bus.h>
#include <pdk_dma.h>
#include <pdk_dmadev.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_vfio.h>

#include "bench_dsa.h"

#define DEV_ADDR "0000:00:04.0"	/* a pdk-sim-dma with PRI, 20 PASID bits */
#define DSA_ADDR "0000:6a:01.0"	/* the SIMULATED DSA of the copy figures */
#define COPY_BURST 16u
#define PG 4096u
#define REGION_IOVA 0x40000000ull	/* where the region appears; nothing else maps there */
#define ROUNDS 3u

struct bench {
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_pasid_space *space;
	struct pdk_sim_fn *fn;
	uint8_t *region;	/* pages bytes, each page tagged with its index */
	unsigned int pages;
	unsigned int errors;
};

/* One tenant of a run: a space with the map-on-demand handler, a PASID on it. */
struct tenant {
	struct pdk_dma_as *as;
	struct pdk_pasid_ctx *ctx;
	uint32_t pasid;
};

static void
die(const char *what, int rc)
{
	fprintf(stderr, "pdk-bench-fault: %s: %s\n", what, strerror(-rc));
	exit(1);
}

static void
check(struct bench *b, int ok, const char *what)
{
	if (!ok) {
		if (b->errors++ == 0)
			fprintf(stderr, "pdk-bench-fault: check failed: %s\n", what);
	}
}

/* Resolves every fault without doing anything: the fault path's own cost. */
static int
null_handler(struct pdk_dma_as *as, const struct pdk_dma_fault *fault, void *arg)
{
	(void)as;
	(void)fault;
	(void)arg;
	return 0;
}

/* @p cb NULL: no handler; pdk_dma_fault_map_on_demand: with the region and @p prefault. */
static void
tenant_up(struct bench *b, struct tenant *t, pdk_dma_fault_cb cb, unsigned int prefault)
{
	bool handler = cb == pdk_dma_fault_map_on_demand;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = pdk_dma_as_create(b->ictx, "bench-fault", &t->as);
	if (rc == 0 && cb != NULL)
		rc = pdk_dma_as_set_fault_handler(t->as, cb, NULL);
	if (rc == 0 && handler)
		rc = pdk_dma_as_fault_region(t->as, b->region, (size_t)b->pages * PG, REGION_IOVA,
					     PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	if (rc == 0 && handler)
		rc = pdk_dma_as_fault_prefault(t->as, prefault);
	if (rc == 0)
		rc = pdk_pasid_ctx_create(b->space, t->as, 0, &t->ctx);
	if (rc < 0)
		die("tenant set-up", rc);
	t->pasid = pdk_pasid_ctx_pasid(t->ctx);
}

static void
tenant_down(struct tenant *t)
{
	int rc = pdk_pasid_ctx_release(t->ctx);

	if (rc == 0)
		rc = pdk_dma_as_destroy(t->as);
	if (rc < 0)
		die("tenant teardown", rc);
}

/*
 * The device reads @p len bytes at @p iova; a fault is answered through the
 * space's queue and the read repeated, as a device with page requests
 * retries after the response. Counts the faults in *@p faults.
 */
static int
device_read(struct bench *b, struct tenant *t, uint64_t iova, void *buf, size_t len,
	    unsigned int *faults)
{
	int rc, tries;

	for (tries = 0; tries < 4; tries++) {
		rc = pdk_sim_fn_dma(b->fn, true, t->pasid, iova, buf, len, false);
		if (rc != -EFAULT)
			return rc;
		(*faults)++;
		rc = pdk_dma_as_fault_poll(t->as, 1);
		if (rc != 1)
			return rc < 0 ? rc : -EIO;
	}
	return -EFAULT;
}

static void
drain_sim_log(struct bench *b)
{
	while (pdk_sim_fault_pop(b->sim, NULL) == 0)
		;
}

/* ---- the round trip ---- */

struct trip {
	double fault_ns;	/* the access that faults */
	double poll_ns;		/* read + handler (map) + answer */
	double retry_ns;	/* the access again, now landing */
	double access_ns;	/* the same access on a mapped page */
	double map_ns;		/* pdk_dma_map_iova() of one page alone */
	double null_ns;		/* the faulting access + a poll whose handler maps nothing */
};

static void
trip_round(struct bench *b, struct trip *best, bool first)
{
	struct trip r = { 0 };
	struct tenant t;
	uint8_t buf[64];
	unsigned int i, n = b->pages;
	uint64_t t0, t1, t2, t3, sum_f = 0, sum_p = 0, sum_r = 0, sum_a = 0, sum_m = 0, sum_n = 0;

	tenant_up(b, &t, pdk_dma_fault_map_on_demand, 0);
	for (i = 0; i < n; i++) {
		uint64_t iova = REGION_IOVA + (uint64_t)i * PG;
		int rf, rp, rr;

		t0 = pdk_sys_monotonic_ns();
		rf = pdk_sim_fn_dma(b->fn, true, t.pasid, iova, buf, sizeof(buf), false);
		t1 = pdk_sys_monotonic_ns();
		rp = pdk_dma_as_fault_poll(t.as, 1);
		t2 = pdk_sys_monotonic_ns();
		rr = pdk_sim_fn_dma(b->fn, true, t.pasid, iova, buf, sizeof(buf), false);
		t3 = pdk_sys_monotonic_ns();
		check(b, rf == -EFAULT, "the first access to a page faults");
		check(b, rp == 1, "one fault read and answered");
		check(b, rr == 0 && buf[0] == (uint8_t)i, "the repeated access lands on its page");
		sum_f += t1 - t0;
		sum_p += t2 - t1;
		sum_r += t3 - t2;
	}
	check(b, pdk_dma_as_map_count(t.as) == n, "one mapping per fault");
	/* the same access, every page mapped now */
	for (i = 0; i < n; i++) {
		t0 = pdk_sys_monotonic_ns();
		check(b, pdk_sim_fn_dma(b->fn, true, t.pasid, REGION_IOVA + (uint64_t)i * PG, buf,
					sizeof(buf), false) == 0, "an access to a mapped page");
		sum_a += pdk_sys_monotonic_ns() - t0;
	}
	tenant_down(&t);
	drain_sim_log(b);

	/* the handler's map alone, in a space of its own */
	tenant_up(b, &t, NULL, 0);
	for (i = 0; i < n; i++) {
		t0 = pdk_sys_monotonic_ns();
		check(b, pdk_dma_map_iova(t.as, b->region + (size_t)i * PG, PG,
					  REGION_IOVA + (uint64_t)i * PG,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE) == 0, "a map");
		sum_m += pdk_sys_monotonic_ns() - t0;
	}
	tenant_down(&t);

	/* the fault path alone: the access faults, the poll reads and answers it */
	tenant_up(b, &t, null_handler, 0);
	for (i = 0; i < n; i++) {
		t0 = pdk_sys_monotonic_ns();
		check(b, pdk_sim_fn_dma(b->fn, true, t.pasid, REGION_IOVA + (uint64_t)i * PG, buf,
					sizeof(buf), false) == -EFAULT, "a fault");
		check(b, pdk_dma_as_fault_poll(t.as, 1) == 1, "a fault read and answered");
		sum_n += pdk_sys_monotonic_ns() - t0;
	}
	tenant_down(&t);
	drain_sim_log(b);

	r.fault_ns = (double)sum_f / n;
	r.poll_ns = (double)sum_p / n;
	r.retry_ns = (double)sum_r / n;
	r.access_ns = (double)sum_a / n;
	r.map_ns = (double)sum_m / n;
	r.null_ns = (double)sum_n / n;
	/* each figure its own best: the rounds alternate the modes alike */
	if (first) {
		*best = r;
		return;
	}
	best->fault_ns = r.fault_ns < best->fault_ns ? r.fault_ns : best->fault_ns;
	best->poll_ns = r.poll_ns < best->poll_ns ? r.poll_ns : best->poll_ns;
	best->retry_ns = r.retry_ns < best->retry_ns ? r.retry_ns : best->retry_ns;
	best->access_ns = r.access_ns < best->access_ns ? r.access_ns : best->access_ns;
	best->map_ns = r.map_ns < best->map_ns ? r.map_ns : best->map_ns;
	best->null_ns = r.null_ns < best->null_ns ? r.null_ns : best->null_ns;
}

static void
bench_trip(struct bench *b)
{
	struct trip best;
	double total;
	unsigned int r;

	for (r = 0; r < ROUNDS; r++)
		trip_round(b, &best, r == 0);
	total = best.fault_ns + best.poll_ns + best.retry_ns;
	printf("Fault round trip (SIMULATED), %u faults, one page each, best of %u rounds:\n",
	       b->pages, ROUNDS);
	printf("  %-44s %10.0f ns\n", "the access that faults (queued)", best.fault_ns);
	printf("  %-44s %10.0f ns\n", "poll: read + map on demand + answer", best.poll_ns);
	printf("  %-44s %10.0f ns\n", "the access repeated (lands)", best.retry_ns);
	printf("  %-44s %10.0f ns  (%.0f faults/s)\n", "round trip", total, 1e9 / total);
	printf("  %-44s %10.0f ns\n", "baseline: the access on a mapped page", best.access_ns);
	printf("  %-44s %10.0f ns\n", "baseline: pdk_dma_map_iova() of the page", best.map_ns);
	printf("  %-44s %10.0f ns  (%.0f faults/s)\n",
	       "the fault path alone (access + poll, no map)", best.null_ns, 1e9 / best.null_ns);
	printf("  ratio round trip / mapped access: %.1fx\n", total / best.access_ns);
	printf("  ratio round trip / (mapped access + map): %.2fx\n",
	       total / (best.access_ns + best.map_ns));
}

/* ---- a streaming read: premapped, demand, prefault ---- */

#define NMODES 5
static const int stream_prefault[NMODES] = { -1, 0, 7, 31, 127 };	/* -1: premapped */

struct stream {
	double ns_per_page;
	unsigned int faults;
};

/* The table of a streaming run: each mode beside the premapped baseline, and what a fault cost. */
static void
stream_print(const struct bench *b, const struct stream best[NMODES])
{
	unsigned int m;

	printf("  %-24s %10s %8s %10s %14s\n", "mode", "ns/page", "faults", "vs mapped",
	       "us per fault");
	for (m = 0; m < NMODES; m++) {
		char name[40], per[24] = "-";

		if (stream_prefault[m] < 0)
			snprintf(name, sizeof(name), "premapped (baseline)");
		else if (stream_prefault[m] == 0)
			snprintf(name, sizeof(name), "demand (no prefault)");
		else
			snprintf(name, sizeof(name), "prefault %d ahead", stream_prefault[m]);
		/* what the run spent over the baseline, per fault taken */
		if (best[m].faults > 0)
			snprintf(per, sizeof(per), "%.1f",
				 (best[m].ns_per_page - best[0].ns_per_page) * b->pages /
				 best[m].faults / 1000.0);
		printf("  %-24s %10.0f %8u %9.2fx %14s\n", name, best[m].ns_per_page,
		       best[m].faults, best[m].ns_per_page / best[0].ns_per_page, per);
	}
}

static struct stream
stream_round(struct bench *b, int prefault)
{
	static uint8_t buf[PG];
	struct stream s = { 0 };
	struct tenant t;
	unsigned int i, faults = 0;
	uint64_t t0, t1;

	tenant_up(b, &t, prefault >= 0 ? pdk_dma_fault_map_on_demand : NULL,
		  prefault >= 0 ? (unsigned int)prefault : 0);
	t0 = pdk_sys_monotonic_ns();
	if (prefault < 0)
		check(b, pdk_dma_map_iova(t.as, b->region, (size_t)b->pages * PG, REGION_IOVA,
					  PDK_IOMMUFD_READ) == 0, "the region mapped whole");
	for (i = 0; i < b->pages; i++) {
		int rc = device_read(b, &t, REGION_IOVA + (uint64_t)i * PG, buf, PG, &faults);

		check(b, rc == 0 && buf[0] == (uint8_t)i && buf[PG - 1] == (uint8_t)i,
		      "every page read, with its own bytes");
	}
	t1 = pdk_sys_monotonic_ns();
	if (prefault >= 0)
		check(b, faults == (b->pages + (unsigned int)prefault) / ((unsigned int)prefault + 1),
		      "one fault per prefault window");
	else
		check(b, faults == 0, "no fault on a premapped region");
	tenant_down(&t);
	drain_sim_log(b);
	s.ns_per_page = (double)(t1 - t0) / b->pages;
	s.faults = faults;
	return s;
}

static void
bench_stream(struct bench *b)
{
	struct stream best[NMODES];
	unsigned int r, m;

	for (r = 0; r < ROUNDS; r++) {
		for (m = 0; m < NMODES; m++) {
			struct stream s = stream_round(b, stream_prefault[m]);

			if (r == 0 || s.ns_per_page < best[m].ns_per_page)
				best[m] = s;
		}
	}
	printf("\nStreaming read of %u pages (%u KiB), 4 KiB per access (SIMULATED),\n"
	       "best of %u rounds, ns per page including the maps:\n",
	       b->pages, b->pages * (PG / 1024), ROUNDS);
	stream_print(b, best);
	printf("  ratio demand / prefault 31: %.2fx\n",
	       best[1].ns_per_page / best[3].ns_per_page);
}

/* ---- a streaming copy on the SIMULATED DSA, blocking on faults ---- */

struct dsa_bench {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
	struct pdk_dma_as *as;
	int dev_id;
	uint8_t *src;		/* pages bytes, mapped: the copies' source */
	uint64_t src_iova;
};

static void
dsa_up(struct bench *b, struct dsa_bench *d)
{
	const struct pdk_sim_config scfg = { .no_default_devices = true };
	/* PRI, and a timeout far above a loaded machine's poll gap */
	const struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .prs_timeout_ms = 10000, .ats = true,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	size_t len = (size_t)b->pages * PG;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = pdk_sim_create(&scfg, &d->sim);
	if (rc == 0)
		rc = pdk_sim_fn_add(d->sim, &fcfg, NULL);
	if (rc == 0)
		rc = bench_dsa_probe(pdk_sim_sys(d->sim), DSA_ADDR, DSA_ADDR ",block_on_fault=1",
				     &d->ictx, &d->bus);
	if (rc < 0)
		die("the SIMULATED DSA with block_on_fault=1", rc);
	d->dev_id = rc;
	rc = pdk_dma_as_create(pdk_bus_iommufd(d->bus), "bench-fault-dsa", &d->as);
	if (rc == 0)
		rc = pdk_dma_as_set_fault_handler(d->as, pdk_dma_fault_map_on_demand, NULL);
	if (rc == 0)
		rc = pdk_dma_as_fault_region(d->as, b->region, len, REGION_IOVA,
					     PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	d->src = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d->src == MAP_FAILED)
		die("mmap of the source", -errno);
	if (rc == 0)
		rc = pdk_dma_map(d->as, d->src, len, PDK_IOMMUFD_READ, &d->src_iova);
	qc.as = d->as;
	if (rc == 0)
		rc = pdk_dmadev_configure(d->dev_id, &conf);
	if (rc == 0)
		rc = pdk_dmadev_queue_setup(d->dev_id, 0, &qc);
	if (rc == 0)
		rc = pdk_dmadev_start(d->dev_id);
	if (rc < 0)
		die("the DSA queue", rc);
}

static void
dsa_down(struct bench *b, struct dsa_bench *d)
{
	int rc;

	pdk_bus_destroy(d->bus);
	rc = pdk_dma_as_destroy(d->as);
	if (rc == 0)
		rc = pdk_iommufd_close(d->ictx);
	if (rc < 0)
		die("the DSA's teardown", rc);
	check(b, pdk_sim_is_clean(d->sim), "the SIMULATED kernel left clean");
	if (pdk_sim_destroy(d->sim) != 0)
		die("pdk_sim_destroy", -EIO);
	munmap(d->src, (size_t)b->pages * PG);
}

/* Unmap what a round mapped of the region: each window from its first page. */
static void
dsa_region_unmap(struct bench *b, struct dsa_bench *d, unsigned int before)
{
	unsigned int i;

	for (i = 0; i < b->pages; i++) {
		void *va = b->region + (size_t)i * PG;

		if (pdk_dma_va2iova_strict(d->as, va) != PDK_DMA_BAD_IOVA)
			check(b, pdk_dma_unmap(d->as, va) == 0, "a window unmapped");
	}
	check(b, pdk_dma_as_map_count(d->as) == before, "the space as the round found it");
}

/* One round: copy the source into the region, 4 KiB an op; ns per page. */
static struct stream
dsa_round(struct bench *b, struct dsa_bench *d, int prefault)
{
	struct pdk_dmadev_status st[COPY_BURST];
	struct pdk_dma_fault_stats fs0, fs1;
	struct stream s = { 0 };
	unsigned int sent = 0, done = 0, i, spins = 0;
	unsigned int before = pdk_dma_as_map_count(d->as);	/* the source, the queue's ring */
	uint64_t t0, t1;

	memset(b->region, 0, (size_t)b->pages * PG);
	check(b, pdk_dma_as_fault_prefault(d->as, prefault > 0 ? (unsigned int)prefault : 0) == 0,
	      "prefault set");
	pdk_dma_as_fault_stats(d->as, &fs0);
	t0 = pdk_sys_monotonic_ns();
	if (prefault < 0)
		check(b, pdk_dma_map_iova(d->as, b->region, (size_t)b->pages * PG, REGION_IOVA,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE) == 0,
		      "the region mapped whole");
	while (done < b->pages && spins < 100000000u) {
		unsigned int room = COPY_BURST - (sent - done), n = 0;
		uint16_t k;

		while (n < room && sent < b->pages) {
			if (pdk_dmadev_copy(d->dev_id, 0, d->src_iova + (uint64_t)sent * PG,
					    REGION_IOVA + (uint64_t)sent * PG, PG, 0) < 0)
				break;
			sent++;
			n++;
		}
		if (n > 0)
			check(b, pdk_dmadev_submit(d->dev_id, 0) == 0, "submit");
		/* the device blocks on a page request until this answers it */
		check(b, pdk_dma_as_fault_poll(d->as, 32) >= 0, "fault poll");
		k = pdk_dmadev_completed_status(d->dev_id, 0, COPY_BURST, NULL, st);
		for (i = 0; i < k; i++)
			check(b, st[i].code == PDK_DMADEV_ST_SUCCESS,
			      "every copy completes with success (blocked, then resolved)");
		done += k;
		spins++;
		/* the SIMULATED device is a thread of this process: let it have the core */
		if (k == 0)
			sched_yield();
	}
	t1 = pdk_sys_monotonic_ns();
	check(b, done == b->pages, "every copy completed");
	for (i = 0; i < b->pages; i++)
		check(b, b->region[(size_t)i * PG] == (uint8_t)i &&
			 b->region[(size_t)i * PG + PG - 1] == (uint8_t)i, "every page copied");
	pdk_dma_as_fault_stats(d->as, &fs1);
	s.faults = (unsigned int)(fs1.faults - fs0.faults);
	s.ns_per_page = (double)(t1 - t0) / b->pages;
	dsa_region_unmap(b, d, before);
	return s;
}

static void
bench_dsa(struct bench *b)
{
	struct stream best[NMODES];
	struct dsa_bench d;
	unsigned int r, m, i;

	dsa_up(b, &d);
	for (i = 0; i < b->pages; i++)
		memset(d.src + (size_t)i * PG, (int)(uint8_t)i, PG);
	for (r = 0; r < ROUNDS; r++) {
		for (m = 0; m < NMODES; m++) {
			struct stream s = dsa_round(b, &d, stream_prefault[m]);

			if (r == 0 || s.ns_per_page < best[m].ns_per_page)
				best[m] = s;
		}
	}
	dsa_down(b, &d);
	/* the region holds the copies now: tag it again for nobody after us */
	for (i = 0; i < b->pages; i++)
		memset(b->region + (size_t)i * PG, (int)(uint8_t)i, PG);
	printf("\nStreaming copy on the SIMULATED DSA (its PMD, block_on_fault=1, PRI),\n"
	       "%u copies of 4 KiB into the region, %u in flight, best of %u rounds,\n"
	       "ns per page including the maps and the fault polls:\n",
	       b->pages, COPY_BURST, ROUNDS);
	stream_print(b, best);
	printf("  ratio DSA demand / DSA prefault 31: %.2fx\n",
	       best[1].ns_per_page / best[3].ns_per_page);
}

static void
usage(const char *argv0)
{
	printf("Usage: %s [--pages N]\n"
	       "I/O page faults of an address space on PDK's SIMULATED kernel and pdk-sim-dma\n"
	       "function (a simulation: not an IOMMU, not PCIe page requests): the round trip\n"
	       "of one fault (the access, pdk_dma_as_fault_poll() with the map-on-demand\n"
	       "policy, the access repeated) beside a mapped access, and a streaming read\n"
	       "premapped, on demand and prefaulting; then a streaming copy on the\n"
	       "SIMULATED DSA whose WQ blocks on faults (PMD block_on_fault=1), the same\n"
	       "modes. N pages per round (default 4096); best of %u rounds.\n", argv0, ROUNDS);
}

int
main(int argc, char **argv)
{
	struct bench b;
	unsigned int i;
	int rc;

	memset(&b, 0, sizeof(b));
	b.pages = 4096;
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--pages") == 0 && i + 1 < (unsigned int)argc) {
			b.pages = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else {
			usage(argv[0]);
			return strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (b.pages == 0)
		b.pages = 1;
	b.region = mmap(NULL, (size_t)b.pages * PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b.region == MAP_FAILED)
		die("mmap of the region", -errno);
	for (i = 0; i < b.pages; i++)
		memset(b.region + (size_t)i * PG, (int)(uint8_t)i, PG);

	/* the faults are the point: the sim's warning per fault would be the figure */
	pdk_log_set_level(PDK_LOG_ERR);
	{
		const struct pdk_sim_config scfg = { .no_default_devices = true };
		/* PRI: the VT-d sim, as the kernel's, takes page requests only from it */
		const struct pdk_sim_fn_config fcfg = {
			.pci_addr = DEV_ADDR, .model = PDK_SIM_MODEL_SIMDMA, .pasid_bits = 20,
			.prs = true, .ats = true,
		};

		rc = pdk_sim_create(&scfg, &b.sim);
		if (rc == 0)
			rc = pdk_sim_fn_add(b.sim, &fcfg, NULL);
		if (rc < 0)
			die("the SIMULATED kernel and its pdk-sim-dma function with PRI", rc);
	}
	b.sys = pdk_sim_sys(b.sim);
	rc = pdk_iommufd_open(b.sys, &b.ictx);
	if (rc == 0)
		rc = pdk_vfio_open(b.sys, DEV_ADDR, &b.dev);
	if (rc == 0)
		rc = pdk_vfio_bind(b.dev, b.ictx, NULL);
	if (rc == 0)
		rc = pdk_pasid_space_create(b.dev, b.ictx, &b.space);
	if (rc < 0)
		die("set-up", rc);
	b.fn = pdk_sim_fn_find(b.sim, DEV_ADDR);
	if (b.fn == NULL)
		die("the sim's default function", -ENODEV);

	bench_trip(&b);
	bench_stream(&b);
	bench_dsa(&b);

	rc = pdk_pasid_space_destroy(b.space);
	if (rc == 0)
		rc = pdk_vfio_close(b.dev);
	if (rc == 0)
		rc = pdk_iommufd_close(b.ictx);
	if (rc < 0)
		die("teardown", rc);
	munmap(b.region, (size_t)b.pages * PG);
	if (pdk_sim_destroy(b.sim) != 0)
		return 1;
	if (b.errors != 0) {
		fprintf(stderr, "pdk-bench-fault: %u checks failed\n", b.errors);
		return 1;
	}
	return 0;
}
