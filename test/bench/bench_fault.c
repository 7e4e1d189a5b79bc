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
 * The access is the function's DMA port (pdk_sim_fn_dma()), which fails a
 * faulting access at once; the bench repeats it after the answer, as a
 * device retries after a page response. Each figure is the best of ROUNDS
 * rounds, the modes alternating, so that a loaded machine slows all alike.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pdk_dma.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_vfio.h>

#define DEV_ADDR "0000:00:04.0"	/* the sim's default pdk-sim-dma, 20 PASID bits */
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

static void
tenant_up(struct bench *b, struct tenant *t, bool handler, unsigned int prefault)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = pdk_dma_as_create(b->ictx, "bench-fault", &t->as);
	if (rc == 0 && handler)
		rc = pdk_dma_as_set_fault_handler(t->as, pdk_dma_fault_map_on_demand, NULL);
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
};

static void
trip_round(struct bench *b, struct trip *best, bool first)
{
	struct trip r = { 0 };
	struct tenant t;
	uint8_t buf[64];
	unsigned int i, n = b->pages;
	uint64_t t0, t1, t2, t3, sum_f = 0, sum_p = 0, sum_r = 0, sum_a = 0, sum_m = 0;

	tenant_up(b, &t, true, 0);
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
	tenant_up(b, &t, false, 0);
	for (i = 0; i < n; i++) {
		t0 = pdk_sys_monotonic_ns();
		check(b, pdk_dma_map_iova(t.as, b->region + (size_t)i * PG, PG,
					  REGION_IOVA + (uint64_t)i * PG,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE) == 0, "a map");
		sum_m += pdk_sys_monotonic_ns() - t0;
	}
	tenant_down(&t);

	r.fault_ns = (double)sum_f / n;
	r.poll_ns = (double)sum_p / n;
	r.retry_ns = (double)sum_r / n;
	r.access_ns = (double)sum_a / n;
	r.map_ns = (double)sum_m / n;
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
	printf("  %-44s %10.0f ns\n", "the fault's own cost (round trip - both)",
	       total - best.access_ns - best.map_ns);
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

static struct stream
stream_round(struct bench *b, int prefault)
{
	static uint8_t buf[PG];
	struct stream s = { 0 };
	struct tenant t;
	unsigned int i, faults = 0;
	uint64_t t0, t1;

	tenant_up(b, &t, prefault >= 0, prefault >= 0 ? (unsigned int)prefault : 0);
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
	printf("  %-30s %10s %8s %10s\n", "mode", "ns/page", "faults", "vs mapped");
	for (m = 0; m < NMODES; m++) {
		char name[40];

		if (stream_prefault[m] < 0)
			snprintf(name, sizeof(name), "premapped (baseline)");
		else if (stream_prefault[m] == 0)
			snprintf(name, sizeof(name), "demand (no prefault)");
		else
			snprintf(name, sizeof(name), "prefault %d ahead", stream_prefault[m]);
		printf("  %-30s %10.0f %8u %9.2fx\n", name, best[m].ns_per_page, best[m].faults,
		       best[m].ns_per_page / best[0].ns_per_page);
	}
	printf("  ratio demand / prefault 31: %.2fx\n",
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
	       "premapped, on demand and prefaulting. N pages per round (default 4096);\n"
	       "best of %u rounds.\n", argv0, ROUNDS);
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
	rc = pdk_sim_create(NULL, &b.sim);
	if (rc < 0)
		die("pdk_sim_create", rc);
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
