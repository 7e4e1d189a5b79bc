/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-ctl: PDK's control path against the raw ioctls doing the same,
 * on PDK's SIMULATED kernel, side by side in the same run (figures of a
 * simulation, not of a real kernel):
 *
 * - PASID set-up (IOMMU_HWPT_ALLOC + VFIO_DEVICE_ATTACH_IOMMUFD_PT with a
 *   PASID) and teardown (VFIO_DEVICE_DETACH_IOMMUFD_PT + IOMMU_DESTROY):
 *   pdk_pasid_ctx_create() / pdk_pasid_ctx_release() beside the four ioctls
 *   through pdk_sys_ioctl(), each on its own IOAS of the same iommufd and
 *   device;
 * - map and unmap of 4 KiB, 2 MiB and 1 GiB (MAP_NORESERVE, never touched):
 *   pdk_dma_map() / pdk_dma_unmap() beside IOMMU_IOAS_MAP (FIXED_IOVA at
 *   the IOVA PDK chose: the VA on the sim) / IOMMU_IOAS_UNMAP, each IOAS
 *   with a PASID attached, so the sim pins as the kernel would; once with
 *   PDK's default IOVA = VA, once with its allocator (the space then mixed:
 *   its VA table filled and emptied each time);
 * - PASIDs at scale: pdk_pasid_alloc() and pdk_pasid_free() with 1, 1K and
 *   2^20 - 2 (all but one) PASIDs allocated out of the 2^20 - 1 of the
 *   device (pasid_op_ns() says which), and the growth from 1 to 1M;
 * - 4096 PASIDs attached at once, each to its own address space: set-up
 *   time at the start and at the end, teardown, memory.
 *
 * --type1 (bench_ctl_type1.c): map/unmap through iommufd beside the legacy
 * VFIO type1 IOMMU, on the sim or on the VM's kernel (--backend kernel).
 *
 * Each figure is the best of ROUNDS rounds, the two sides alternating, so
 * that a loaded machine slows both alike. Prints ns per operation and the
 * ratio PDK / raw (target: at most 1.05x).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pdk_dma.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_uapi.h>
#include <pdk_vfio.h>

#include "bench_ctl.h"
#include "mock_pasid.h"

#define DEV_ADDR "0000:00:04.0"	/* the sim's default pdk-sim-dma, 20 PASID bits */
#define RAW_PASID 0x80000u	/* far above what PDK's allocator hands out here */
#define ROUNDS 5u

struct bench {
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as;		/* PDK's side */
	uint32_t dev_id;
	int ifd, dfd;			/* the raw side's fds (the same files) */
	uint32_t raw_ioas;
	unsigned int iters;		/* per round */
	bool mock;			/* the kernel-mock backend (the VM's real kernel) */
	bool expect_va;			/* PDK must map at IOVA == VA */
};

static void
die(const char *what, int rc)
{
	fprintf(stderr, "bench-ctl: %s failed: %s\n", what, strerror(-rc));
	exit(1);
}

/* ---- the raw side: exactly the ioctls, nothing else ---- */

static int
raw_hwpt_alloc(struct bench *b, uint32_t *hwpt)
{
	struct iommu_hwpt_alloc c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.flags = IOMMU_HWPT_ALLOC_PASID;
	c.dev_id = b->dev_id;
	c.pt_id = b->raw_ioas;
	c.data_type = IOMMU_HWPT_DATA_NONE;
	rc = pdk_sys_ioctl(b->sys, b->ifd, IOMMU_HWPT_ALLOC, &c);
	*hwpt = c.out_hwpt_id;
	return rc;
}

static int
raw_pasid_attach(struct bench *b, uint32_t pasid, uint32_t hwpt)
{
	struct vfio_device_attach_iommufd_pt at;

	memset(&at, 0, sizeof(at));
	at.argsz = sizeof(at);
	at.flags = VFIO_DEVICE_ATTACH_PASID;
	at.pasid = pasid;
	at.pt_id = hwpt;
	return pdk_sys_ioctl(b->sys, b->dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
}

static int
raw_pasid_detach(struct bench *b, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt de;

	memset(&de, 0, sizeof(de));
	de.argsz = sizeof(de);
	de.flags = VFIO_DEVICE_DETACH_PASID;
	de.pasid = pasid;
	return pdk_sys_ioctl(b->sys, b->dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
}

static int
raw_destroy(struct bench *b, uint32_t id)
{
	struct iommu_destroy d = { .size = sizeof(d), .id = id };

	return pdk_sys_ioctl(b->sys, b->ifd, IOMMU_DESTROY, &d);
}

static int
raw_map(struct bench *b, void *va, uint64_t len, uint64_t iova)
{
	return bench_ioas_map(b->sys, b->ifd, b->raw_ioas, va, len, iova);
}

static int
raw_unmap(struct bench *b, uint64_t iova, uint64_t len)
{
	return bench_ioas_unmap(b->sys, b->ifd, b->raw_ioas, iova, len);
}

/* ---- timing ---- */

struct pair {
	double pdk_a, raw_a;	/* set-up / map: best ns per op */
	double pdk_b, raw_b;	/* teardown / unmap */
	double pdk_calls, raw_calls;	/* the sim's boundary calls per set-up + teardown */
};

/* The sim's boundary calls so far (0 on a real kernel, which does not count them). */
static uint64_t
sim_calls(const struct bench *b)
{
	struct pdk_sim_stats st;

	if (b->sim == NULL)
		return 0;
	pdk_sim_stats_get(b->sim, &st);
	return st.calls;
}

static void
keep_best(double *best, uint64_t ns, unsigned int n, unsigned int round)
{
	double v = (double)ns / n;

	if (round == 0 || v < *best)
		*best = v;
}

/* One round of PASID set-up + teardown, PDK's way or the raw way. */
static void
round_pasid(struct bench *b, bool pdk, uint64_t *setup, uint64_t *teardown)
{
	uint64_t t0, t1, t2;
	unsigned int i;
	int rc = 0;

	*setup = *teardown = 0;
	for (i = 0; i < b->iters; i++) {
		struct pdk_pasid_ctx *ctx = NULL;
		uint32_t hwpt = 0;

		t0 = pdk_sys_monotonic_ns();
		if (pdk) {
			rc = pdk_pasid_ctx_create(b->space, b->as, 0, &ctx);
		} else {
			rc = raw_hwpt_alloc(b, &hwpt);
			if (rc == 0)
				rc = raw_pasid_attach(b, RAW_PASID, hwpt);
		}
		t1 = pdk_sys_monotonic_ns();
		if (rc < 0)
			die(pdk ? "pdk_pasid_ctx_create" : "raw PASID set-up", rc);
		if (pdk) {
			rc = pdk_pasid_ctx_release(ctx);
		} else {
			rc = raw_pasid_detach(b, RAW_PASID);
			if (rc == 0)
				rc = raw_destroy(b, hwpt);
		}
		t2 = pdk_sys_monotonic_ns();
		if (rc < 0)
			die(pdk ? "pdk_pasid_ctx_release" : "raw PASID teardown", rc);
		*setup += t1 - t0;
		*teardown += t2 - t1;
	}
}

/*
 * The raw side maps at the IOVA PDK chose (*@p at, from its first map):
 * the VA on the sim, an IOVA in the aperture where the VA is outside it.
 */
static void
round_map(struct bench *b, bool pdk, void *buf, uint64_t len, uint64_t *at, uint64_t *map,
	  uint64_t *unmap)
{
	uint64_t t0, t1, t2, iova = 0;
	unsigned int i;
	int rc;

	*map = *unmap = 0;
	for (i = 0; i < b->iters; i++) {
		t0 = pdk_sys_monotonic_ns();
		rc = pdk ? pdk_dma_map(b->as, buf, len, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &iova)
			 : raw_map(b, buf, len, *at);
		t1 = pdk_sys_monotonic_ns();
		if (rc < 0)
			die(pdk ? "pdk_dma_map" : "raw IOMMU_IOAS_MAP", rc);
		if (pdk && *at == 0)
			*at = iova;
		if (pdk && (iova != *at || (b->expect_va && iova != (uintptr_t)buf)))
			die("pdk_dma_map at IOVA == VA (the sim's default), or at its first IOVA again",
			    -EINVAL);
		rc = pdk ? pdk_dma_unmap(b->as, buf) : raw_unmap(b, *at, len);
		t2 = pdk_sys_monotonic_ns();
		if (rc < 0)
			die(pdk ? "pdk_dma_unmap" : "raw IOMMU_IOAS_UNMAP", rc);
		*map += t1 - t0;
		*unmap += t2 - t1;
	}
}

static void
print_pair(const char *a, const char *bname, const struct pair *p)
{
	printf("  %-26s %10.0f %10.0f %8.3fx", a, p->pdk_a, p->raw_a, p->pdk_a / p->raw_a);
	/* a real kernel does not count its calls */
	if (p->pdk_calls > 0 || p->raw_calls > 0)
		printf("   calls/pair: PDK %.1f, raw %.1f", p->pdk_calls, p->raw_calls);
	printf("\n");
	printf("  %-26s %10.0f %10.0f %8.3fx\n", bname, p->pdk_b, p->raw_b, p->pdk_b / p->raw_b);
}

static void
bench_pasid(struct bench *b)
{
	struct pair p;
	uint64_t s, t, c;
	unsigned int r;

	for (r = 0; r < ROUNDS; r++) {
		c = sim_calls(b);
		round_pasid(b, true, &s, &t);
		p.pdk_calls = (double)(sim_calls(b) - c) / b->iters;
		keep_best(&p.pdk_a, s, b->iters, r);
		keep_best(&p.pdk_b, t, b->iters, r);
		c = sim_calls(b);
		round_pasid(b, false, &s, &t);
		p.raw_calls = (double)(sim_calls(b) - c) / b->iters;
		keep_best(&p.raw_a, s, b->iters, r);
		keep_best(&p.raw_b, t, b->iters, r);
	}
	print_pair("PASID set-up", "PASID teardown", &p);
}

static void
bench_map(struct bench *b, uint64_t len, const char *name)
{
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char a[40], cname[40];
	struct pair p;
	uint64_t m, u, c, at = 0;
	unsigned int r;

	if (buf == MAP_FAILED)
		die("mmap of the buffer", -errno);
	for (r = 0; r < ROUNDS; r++) {
		c = sim_calls(b);
		round_map(b, true, buf, len, &at, &m, &u);
		p.pdk_calls = (double)(sim_calls(b) - c) / b->iters;
		keep_best(&p.pdk_a, m, b->iters, r);
		keep_best(&p.pdk_b, u, b->iters, r);
		c = sim_calls(b);
		round_map(b, false, buf, len, &at, &m, &u);
		p.raw_calls = (double)(sim_calls(b) - c) / b->iters;
		keep_best(&p.raw_a, m, b->iters, r);
		keep_best(&p.raw_b, u, b->iters, r);
	}
	snprintf(a, sizeof(a), "map %s", name);
	snprintf(cname, sizeof(cname), "unmap %s", name);
	print_pair(a, cname, &p);
	munmap(buf, len);
}

/*
 * PASIDs at scale: with @p held allocated, time @p n rounds of four
 * operations: free a low PASID, alloc (it comes back: the lowest free),
 * alloc again (the lowest free now lies past everything held, the far end
 * of the bitmap when it is full: a search from the freed one up to there
 * costs what the occupancy is), free that one.
 */
static double
pasid_op_ns(struct bench *b, uint32_t *held, unsigned int nheld, unsigned int n)
{
	uint64_t t0, best = 0;
	unsigned int r, i;
	uint32_t p, q;
	int rc;

	for (r = 0; r < ROUNDS; r++) {
		t0 = pdk_sys_monotonic_ns();
		for (i = 0; i < n; i++) {
			uint32_t low = held[i % (nheld < 64 ? nheld : 64)];

			rc = pdk_pasid_free(b->space, low);
			if (rc == 0)
				rc = pdk_pasid_alloc(b->space, &p);
			if (rc == 0 && p != low)
				rc = -EINVAL;
			if (rc == 0)
				rc = pdk_pasid_alloc(b->space, &q);
			if (rc == 0)
				rc = pdk_pasid_free(b->space, q);
			if (rc < 0)
				die("pdk_pasid_alloc/free (the lowest free PASID each time)", rc);
		}
		t0 = pdk_sys_monotonic_ns() - t0;
		if (r == 0 || t0 < best)
			best = t0;
	}
	return (double)best / (4.0 * n);
}

static unsigned int nerrs;

static void
count_errs(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)component;
	(void)line;
	(void)arg;
	nerrs += level == PDK_LOG_ERR;
}

static void
bench_pasid_scale(struct bench *b, unsigned int max)
{
	pdk_log_sink_t old_sink;
	void *old_arg;
	static const unsigned int levels[] = {1, 1024, (1u << 20) - 2};
	uint32_t *held = malloc(sizeof(*held) << 20);
	unsigned int nheld = 0, l, n = b->iters * 10;
	double first = 0, ns = 0;
	int rc;

	if (held == NULL)
		die("malloc", -ENOMEM);
	printf("PASIDs at scale (pdk_pasid_alloc + pdk_pasid_free, ns per operation):\n");
	for (l = 0; l < sizeof(levels) / sizeof(levels[0]) && levels[l] <= max; l++) {
		uint64_t t0 = pdk_sys_monotonic_ns();
		unsigned int start = nheld;

		while (nheld < levels[l]) {
			rc = pdk_pasid_alloc(b->space, &held[nheld]);
			if (rc < 0)
				die("pdk_pasid_alloc (filling)", rc);
			nheld++;
		}
		t0 = pdk_sys_monotonic_ns() - t0;
		ns = pasid_op_ns(b, held, nheld, n);
		if (l == 0)
			first = ns;
		printf("  %8u allocated: %8.1f ns/op", nheld, ns);
		if (nheld > start + 1000)
			printf("   (filling: %.1f ns per alloc)", (double)t0 / (nheld - start));
		printf("\n");
	}
	if (l > 1)
		printf("  ratio %u/%u allocated: %.2fx (target: O(1), about 1x)\n", nheld, levels[0],
		       ns / first);
	/* the last free PASID, then none */
	if (nheld == (1u << 20) - 2) {
		uint32_t p;

		rc = pdk_pasid_alloc(b->space, &p);
		if (rc == 0) {
			/* the refusal's ERR line is expected: count it instead of printing it */
			pdk_log_set_sink(count_errs, NULL, &old_sink, &old_arg);
			rc = pdk_pasid_alloc(b->space, &held[nheld]) == -ENOSPC && nerrs == 1 ?
			     0 : -EINVAL;
			pdk_log_set_sink(old_sink, old_arg, NULL, NULL);
		}
		if (rc < 0)
			die("the 2^20 - 1st PASID, then -ENOSPC and its one ERR line", rc);
		pdk_pasid_free(b->space, p);
		printf("  all %u PASIDs of the device allocated, the next refused with -ENOSPC (logged)\n",
		       (1u << 20) - 1);
	}
	while (nheld > 0)
		pdk_pasid_free(b->space, held[--nheld]);
	free(held);
}

/* A counter of /proc/meminfo in KiB (0 when absent): the kernel's side of the memory. */
static long
meminfo_kib(const char *key)
{
	char line[128];
	long v = 0;
	FILE *f = fopen("/proc/meminfo", "re");
	size_t kl = strlen(key);

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, kl) == 0 && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

/* The process's resident memory in KiB (the sim's objects live there). */
static long
rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * 4;
}

/*
 * @p n PASIDs attached at once, each to its own address space (IOAS + HWPT):
 * the time of a set-up at the start and at the end, the teardown, and the
 * memory per PASID (the process's RSS: the sim's objects; the kernel's
 * slab: a real kernel's).
 */
static void
bench_attach_scale(struct bench *b, unsigned int n)
{
	struct pdk_pasid_ctx **ctx = calloc(n, sizeof(*ctx));
	struct pdk_dma_as **as = calloc(n, sizeof(*as));
	uint64_t t0, first = 0, last = 0, all, down;
	long rss0, slab0, rss1, slab1;
	unsigned int i, edge = n < 64 ? n : 64;
	char name[32];
	int rc;

	if (ctx == NULL || as == NULL)
		die("calloc", -ENOMEM);
	rss0 = rss_kib();
	slab0 = meminfo_kib("Slab");
	all = pdk_sys_monotonic_ns();
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "tenant-%u", i);
		t0 = pdk_sys_monotonic_ns();
		rc = pdk_dma_as_create(b->ictx, name, &as[i]);
		if (rc == 0)
			rc = pdk_pasid_ctx_create(b->space, as[i], 0, &ctx[i]);
		t0 = pdk_sys_monotonic_ns() - t0;
		if (rc < 0)
			die("address space + PASID context (attach scale)", rc);
		if (i < edge)
			first += t0;
		if (i >= n - edge)
			last += t0;
	}
	all = pdk_sys_monotonic_ns() - all;
	rss1 = rss_kib();
	slab1 = meminfo_kib("Slab");
	down = pdk_sys_monotonic_ns();
	for (i = n; i-- > 0;) {
		rc = pdk_pasid_ctx_release(ctx[i]);
		if (rc == 0)
			rc = pdk_dma_as_destroy(as[i]);
		if (rc < 0)
			die("teardown (attach scale)", rc);
	}
	down = pdk_sys_monotonic_ns() - down;
	printf("%u PASIDs attached at once, each to its own address space (IOAS + HWPT):\n", n);
	printf("  set-up (pdk_dma_as_create + pdk_pasid_ctx_create): first %u %.0f ns, last %u %.0f ns"
	       " each (ratio %.2fx); all %.1f ms\n", edge, (double)first / edge, edge,
	       (double)last / edge, (double)last / (double)first, (double)all / 1e6);
	printf("  teardown of all: %.1f ms (%.0f ns each)\n", (double)down / 1e6, (double)down / n);
	printf("  memory while attached: process RSS +%ld KiB (%.0f B per PASID), kernel slab +%ld KiB"
	       " (%.0f B per PASID)\n", rss1 - rss0, (double)(rss1 - rss0) * 1024 / n,
	       slab1 - slab0, (double)(slab1 - slab0) * 1024 / n);
	free(ctx);
	free(as);
}

/*
 * What any real ioctl costs at least on this machine's kernel: FIONREAD on
 * an empty pipe (a syscall, an fd lookup, a copy to user), best of ROUNDS
 * rounds; the scale for PDK's added ns (the sim's ioctls are plain calls).
 */
static double
syscall_floor_ns(unsigned int n)
{
	uint64_t t0, best = 0;
	unsigned int r, i;
	int fds[2], avail;

	if (pipe(fds) < 0)
		die("pipe", -errno);
	for (r = 0; r < ROUNDS; r++) {
		t0 = pdk_sys_monotonic_ns();
		for (i = 0; i < n; i++)
			if (ioctl(fds[0], FIONREAD, &avail) < 0)
				die("ioctl FIONREAD", -errno);
		t0 = pdk_sys_monotonic_ns() - t0;
		if (r == 0 || t0 < best)
			best = t0;
	}
	close(fds[0]);
	close(fds[1]);
	return (double)best / n;
}

static void
usage(const char *argv0)
{
	printf("Usage: %s [--backend sim|kernel-mock] [--iters N] [--pasids MAX]\n"
	       "       [--attach N] [--only pasid|map|scale|attach]\n"
	       "       %s --type1 [--backend sim|kernel] [--iters N] [--max-mib M]\n"
	       "PDK's control path beside raw ioctls on PDK's SIMULATED kernel: PASID set-up and\n"
	       "teardown, map/unmap of 4 KiB, 2 MiB, 1 GiB; then PASID alloc/free with up to MAX\n"
	       "(default 1048574) allocated; then N (default 4096) PASIDs attached at once, each\n"
	       "to its own address space. Best of %u rounds of N (default 2000) per figure.\n"
	       "--backend kernel-mock: the real kernel's iommufd and its PASID-capable mock\n"
	       "device instead (CONFIG_IOMMUFD_TEST; the VM of test/vm: test/bench/run-all.sh --vm).\n"
	       "--type1: map/unmap of 4 KiB .. M MiB (default 1024; 4 KiB and 2 MiB pages) by\n"
	       "pdk_dma_map, IOMMU_IOAS_MAP and VFIO_IOMMU_MAP_DMA on a type1v2 container,\n"
	       "interleaved, median of N (default 200); --backend kernel: the VM's two edu devices.\n",
	       argv0, argv0, ROUNDS);
}

int
main(int argc, char **argv)
{
	struct iommu_ioas_alloc ia;
	struct bench b;
	unsigned int max = (1u << 20) - 2, nattach = 4096, i;
	const char *only = NULL, *backend = "sim", *addr = DEV_ADDR;
	uint64_t max_mib = 1024;
	uint32_t hwpt = 0;
	bool type1 = false, iters_set = false;
	int rc;

	memset(&b, 0, sizeof(b));
	b.iters = 2000;
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--iters") == 0 && i + 1 < (unsigned int)argc) {
			b.iters = (unsigned int)strtoul(argv[++i], NULL, 0);
			iters_set = true;
		} else if (strcmp(argv[i], "--type1") == 0) {
			type1 = true;
		} else if (strcmp(argv[i], "--max-mib") == 0 && i + 1 < (unsigned int)argc) {
			max_mib = strtoull(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--backend") == 0 && i + 1 < (unsigned int)argc) {
			backend = argv[++i];
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < (unsigned int)argc) {
			only = argv[++i];
		} else if (strcmp(argv[i], "--attach") == 0 && i + 1 < (unsigned int)argc) {
			nattach = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--pasids") == 0 && i + 1 < (unsigned int)argc) {
			max = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else {
			usage(argv[0]);
			return strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (type1) {
		struct pdk_sim *sim = NULL;

		if (strcmp(backend, "sim") == 0) {
			rc = pdk_sim_create(NULL, &sim);
			if (rc < 0)
				die("pdk_sim_create", rc);
		} else if (strcmp(backend, "kernel") != 0) {
			usage(argv[0]);
			return 2;
		}
		bench_type1(sim != NULL ? pdk_sim_sys(sim) : pdk_sys_kernel(), sim,
			    iters_set ? (b.iters > 0 ? b.iters : 1) : 200, max_mib << 20);
		return pdk_sim_destroy(sim) == 0 ? 0 : 1;
	}
	if (b.iters == 0)
		b.iters = 1;
	if (strcmp(backend, "kernel-mock") == 0) {
		/* the VM's kernel: real iommufd, its PASID-capable mock device (test/vm) */
		rc = mock_pasid_create(&b.sys);
		if (rc < 0)
			die("the kernel-mock backend (a kernel with CONFIG_IOMMUFD_TEST: test/vm)", rc);
		b.mock = true;
		addr = MOCK_PASID_PCI_ADDR;
	} else if (strcmp(backend, "sim") == 0) {
		rc = pdk_sim_create(NULL, &b.sim);
		if (rc < 0)
			die("pdk_sim_create", rc);
		b.sys = pdk_sim_sys(b.sim);
	} else {
		usage(argv[0]);
		return 2;
	}
	rc = pdk_iommufd_open(b.sys, &b.ictx);
	if (rc == 0)
		rc = pdk_vfio_open(b.sys, addr, &b.dev);
	if (rc == 0)
		rc = pdk_vfio_bind(b.dev, b.ictx, &b.dev_id);
	if (rc == 0)
		rc = pdk_pasid_space_create(b.dev, b.ictx, &b.space);
	if (rc == 0)
		rc = pdk_dma_as_create(b.ictx, "bench-ctl", &b.as);
	/* the mock fakes an ENOMEM on every second attach of this PASID (mock_pasid.h) */
	if (rc == 0 && b.mock)
		rc = pdk_pasid_reserve(b.space, MOCK_PASID_FAKE_ERROR);
	if (rc < 0)
		die("set-up", rc);
	b.ifd = pdk_iommufd_fd(b.ictx);
	b.dfd = pdk_vfio_fd(b.dev);
	memset(&ia, 0, sizeof(ia));
	ia.size = sizeof(ia);
	rc = pdk_sys_ioctl(b.sys, b.ifd, IOMMU_IOAS_ALLOC, &ia);
	if (rc < 0)
		die("raw IOMMU_IOAS_ALLOC", rc);
	b.raw_ioas = ia.out_ioas_id;

	printf("Control path on %s, best of %u rounds of %u,\n"
	       "ns per operation:\n", b.mock ? "the real kernel's iommufd and its PASID-capable "
	       "mock device (kernel-mock backend)" : "PDK's SIMULATED kernel (not a real kernel)",
	       ROUNDS, b.iters);
	printf("  %-26s %10s %10s %9s\n", "operation", "PDK", "raw ioctl", "PDK/raw");
	if (only == NULL || strcmp(only, "pasid") == 0)
		bench_pasid(&b);
	printf("  (the floor of a real ioctl on this machine's kernel, FIONREAD on a pipe: %.0f ns)\n",
	       syscall_floor_ns(b.iters * 10));

	/* the maps: each IOAS behind a PASID-attached domain, so that the sim pins */
	if (only == NULL || strcmp(only, "map") == 0) {
		struct pdk_pasid_ctx *ctx;

		rc = pdk_pasid_ctx_create(b.space, b.as, 0, &ctx);
		if (rc == 0)
			rc = raw_hwpt_alloc(&b, &hwpt);
		if (rc == 0)
			rc = raw_pasid_attach(&b, RAW_PASID, hwpt);
		if (rc < 0)
			die("the domains of the map figures", rc);
		/*
		 * Both IOVA modes: IOVA = VA (the default; outside the mock's
		 * aperture it falls back to the allocator) keeps the VA table
		 * empty, the allocator's IOVAs make the space mixed and fill it.
		 */
		b.expect_va = !b.mock;
		bench_map(&b, 4096, "4 KiB");
		bench_map(&b, 2ull << 20, "2 MiB");
		bench_map(&b, 1ull << 30, "1 GiB");
		b.expect_va = false;
		rc = pdk_dma_as_set_iova_mode(b.as, PDK_DMA_IOVA_ALLOC);
		if (rc < 0)
			die("pdk_dma_as_set_iova_mode", rc);
		bench_map(&b, 4096, "4 KiB (allocator)");
		bench_map(&b, 2ull << 20, "2 MiB (allocator)");
		bench_map(&b, 1ull << 30, "1 GiB (allocator)");
		pdk_dma_as_set_iova_mode(b.as, PDK_DMA_IOVA_VA);
		rc = pdk_pasid_ctx_release(ctx);
		if (rc == 0)
			rc = raw_pasid_detach(&b, RAW_PASID);
		if (rc == 0)
			rc = raw_destroy(&b, hwpt);
		if (rc < 0)
			die("teardown of the map figures", rc);
	}
	if (only == NULL || strcmp(only, "scale") == 0)
		bench_pasid_scale(&b, max);
	if (only == NULL || strcmp(only, "attach") == 0)
		bench_attach_scale(&b, nattach);

	rc = raw_destroy(&b, b.raw_ioas);
	if (rc == 0)
		rc = pdk_dma_as_destroy(b.as);
	if (rc == 0)
		rc = pdk_pasid_space_destroy(b.space);
	if (rc == 0)
		rc = pdk_vfio_close(b.dev);
	if (rc == 0)
		rc = pdk_iommufd_close(b.ictx);
	if (rc < 0)
		die("teardown", rc);
	if (b.mock)
		return mock_pasid_destroy(b.sys) == 0 ? 0 : 1;
	return pdk_sim_destroy(b.sim) == 0 ? 0 : 1;
}
