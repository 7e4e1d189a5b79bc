/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-va2iova: how fast pdk_dma_va2iova() translates with 1, 1K, 64K
 * and 1M mappings, side by side in the same process:
 *
 * - identity: a space of the default mode, every buffer at IOVA == VA
 *   (the lookup is a flag test);
 * - VA table: a space in PDK_DMA_IOVA_ALLOC mode, every IOVA chosen by the
 *   allocator, so each lookup walks the radix VA table;
 * - binary: the structure the VA table replaced, rebuilt here over the
 *   same {va, len, iova} table: a branch-free binary search behind a
 *   last-hit cache (lib/dma before issue 15);
 * - linear: a scan of that table, the obvious implementation (up to 1K).
 *
 * Each row looks up 4096 random addresses, each in a random mapping (best
 * of ROUNDS, the columns alternating; the check before the timing warms the
 * caches). The
 * mappings are 4 KiB, one every 8 KiB of a MAP_NORESERVE region, so that no
 * two are contiguous. It runs on the SIMULATED kernel, with no domain (the
 * sim then pins nothing): the lookup never enters the kernel, so the
 * backend does not change the figures. Prints ns per lookup and, last, the
 * growth from the first row to the last per column (target: at most 1.5x
 * from 1 to 1M mappings).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pdk_dma.h>
#include <pdk_iommufd.h>
#include <pdk_sim.h>
#include <pdk_sys.h>

#define PG 4096u
#define STRIDE (2u * PG)
#define NADDR 4096u
#define LINEAR_MAX 1024u
#define ROUNDS 3u

struct entry {
	uintptr_t va;
	uint64_t len;
	uint64_t iova;
};

struct table {
	const struct entry *e;
	unsigned int n;
	unsigned int hint;
};

static uint64_t
linear_lookup(const struct table *t, const void *va)
{
	uintptr_t a = (uintptr_t)va;
	unsigned int i;

	for (i = 0; i < t->n; i++)
		if (a - t->e[i].va < t->e[i].len)
			return t->e[i].iova + (a - t->e[i].va);
	return PDK_DMA_BAD_IOVA;
}

/* lib/dma's lookup before the VA table: last-hit cache, then binary search */
static uint64_t
binary_lookup(struct table *t, const void *va)
{
	const struct entry *base = t->e;
	uintptr_t a = (uintptr_t)va;
	unsigned int n = t->n, h = t->hint;

	if (h < n && a - base[h].va < base[h].len)
		return base[h].iova + (a - base[h].va);
	while (n > 1) {
		unsigned int half = n / 2;

		base = base[half].va <= a ? base + half : base;
		n -= half;
	}
	if (a - base->va >= base->len)
		return PDK_DMA_BAD_IOVA;
	t->hint = (unsigned int)(base - t->e);
	return base->iova + (a - base->va);
}

/* xorshift: cheap, reproducible addresses spread over all mappings */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

struct row {
	unsigned int nmaps;
	double ident_ns, vat_ns, bin_ns, lin_ns;	/* lin_ns < 0: not run */
};

static int
map_all(struct pdk_dma_as *as, struct entry *t, uint8_t *mem, unsigned int nmaps)
{
	unsigned int i;
	int rc;

	for (i = 0; i < nmaps; i++) {
		t[i].va = (uintptr_t)mem + (size_t)i * STRIDE;
		t[i].len = PG;
		rc = pdk_dma_map(as, (void *)t[i].va, PG, PDK_IOMMUFD_READ, &t[i].iova);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
run(struct pdk_iommufd *ictx, unsigned int nmaps, unsigned int lookups, struct row *r)
{
	size_t region = (size_t)nmaps * STRIDE;
	struct entry *t = calloc(nmaps, sizeof(*t));
	struct entry *ti = calloc(nmaps, sizeof(*ti));
	const void **addrs = malloc(sizeof(*addrs) * NADDR);
	uint8_t *mem = mmap(NULL, region, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct pdk_dma_as *as_id = NULL, *as_tab = NULL;
	struct table tab = { t, nmaps, 0 };
	volatile uint64_t sink = 0;
	uint32_t seed = 12345;
	uint64_t t0;
	unsigned int i, k;
	int rc = -ENOMEM;

	if (t == NULL || ti == NULL || addrs == NULL || mem == MAP_FAILED)
		goto out;
	rc = pdk_dma_as_create(ictx, "bench-identity", &as_id);
	if (rc == 0)
		rc = pdk_dma_as_create(ictx, "bench-table", &as_tab);
	if (rc == 0)
		rc = pdk_dma_as_set_iova_mode(as_tab, PDK_DMA_IOVA_ALLOC);
	if (rc == 0)
		rc = map_all(as_id, ti, mem, nmaps);
	if (rc == 0)
		rc = map_all(as_tab, t, mem, nmaps);
	if (rc < 0)
		goto out;
	if (!pdk_dma_as_is_identity(as_id) || pdk_dma_as_is_identity(as_tab)) {
		fprintf(stderr, "bench: the identity space is not identity, or the allocator's is\n");
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < NADDR; i++) {
		unsigned int m = next_rand(&seed) % nmaps;

		addrs[i] = (const void *)(t[m].va + next_rand(&seed) % t[m].len);
		/* all must agree before any is timed */
		if (pdk_dma_va2iova(as_tab, addrs[i]) != binary_lookup(&tab, addrs[i]) ||
		    pdk_dma_va2iova(as_tab, addrs[i]) != t[m].iova + ((uintptr_t)addrs[i] - t[m].va) ||
		    pdk_dma_va2iova(as_id, addrs[i]) != (uintptr_t)addrs[i] ||
		    (nmaps <= LINEAR_MAX &&
		     linear_lookup(&tab, addrs[i]) != pdk_dma_va2iova(as_tab, addrs[i]))) {
			fprintf(stderr, "bench: lookup mismatch at %p\n", addrs[i]);
			rc = -EINVAL;
			goto out;
		}
	}
	r->nmaps = nmaps;
	r->lin_ns = -1;
	/* best of ROUNDS, the columns alternating: a loaded machine slows all alike */
	for (k = 0; k < ROUNDS; k++) {
		double ns;

		t0 = pdk_sys_monotonic_ns();
		for (i = 0; i < lookups; i++)
			sink += pdk_dma_va2iova(as_id, addrs[i & (NADDR - 1)]);
		ns = (double)(pdk_sys_monotonic_ns() - t0) / lookups;
		r->ident_ns = k == 0 || ns < r->ident_ns ? ns : r->ident_ns;
		t0 = pdk_sys_monotonic_ns();
		for (i = 0; i < lookups; i++)
			sink += pdk_dma_va2iova(as_tab, addrs[i & (NADDR - 1)]);
		ns = (double)(pdk_sys_monotonic_ns() - t0) / lookups;
		r->vat_ns = k == 0 || ns < r->vat_ns ? ns : r->vat_ns;
		t0 = pdk_sys_monotonic_ns();
		for (i = 0; i < lookups; i++)
			sink += binary_lookup(&tab, addrs[i & (NADDR - 1)]);
		ns = (double)(pdk_sys_monotonic_ns() - t0) / lookups;
		r->bin_ns = k == 0 || ns < r->bin_ns ? ns : r->bin_ns;
		if (nmaps <= LINEAR_MAX) {
			t0 = pdk_sys_monotonic_ns();
			for (i = 0; i < lookups; i++)
				sink += linear_lookup(&tab, addrs[i & (NADDR - 1)]);
			ns = (double)(pdk_sys_monotonic_ns() - t0) / lookups;
			r->lin_ns = k == 0 || ns < r->lin_ns ? ns : r->lin_ns;
		}
	}
	rc = 0;
out:
	if (rc < 0)
		fprintf(stderr, "bench: %u mappings: %s\n", nmaps, strerror(-rc));
	pdk_dma_as_destroy(as_id);
	pdk_dma_as_destroy(as_tab);
	if (mem != MAP_FAILED)
		munmap(mem, region);
	free(addrs);
	free(ti);
	free(t);
	(void)sink;
	return rc;
}

static void
print_row(const struct row *r)
{
	char lin[32] = "-";

	if (r->lin_ns >= 0)
		snprintf(lin, sizeof(lin), "%.2f", r->lin_ns);
	printf("%9u %12.2f %12.2f %12.2f %12s\n", r->nmaps, r->ident_ns, r->vat_ns, r->bin_ns, lin);
}

static void
usage(const char *argv0)
{
	printf("Usage: %s [--max N] [--lookups N]\n"
	       "Benchmark of pdk_dma_va2iova() with 1, 1K, 64K and 1M mappings (up to --max,\n"
	       "default 1048576): the identity space, the VA table, the binary search it\n"
	       "replaced and a linear scan, on PDK's simulated kernel (a simulation).\n"
	       "--lookups: per row, column and round (default 4194304).\n", argv0);
}

int
main(int argc, char **argv)
{
	static const unsigned int sizes[] = {1, 1024, 65536, 1048576};
	struct row rows[4], *first, *last;
	unsigned int max = 1048576, lookups = 1u << 22, nrows = 0, i;
	struct pdk_iommufd *ictx;
	struct pdk_sim *sim;
	int rc = 0;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--max") == 0 && i + 1 < (unsigned int)argc) {
			max = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--lookups") == 0 && i + 1 < (unsigned int)argc) {
			lookups = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else {
			usage(argv[0]);
			return strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (lookups == 0)
		lookups = 1;
	if (pdk_sim_create(NULL, &sim) < 0)
		return 1;
	if (pdk_iommufd_open(pdk_sim_sys(sim), &ictx) < 0) {
		pdk_sim_destroy(sim);
		return 1;
	}
	printf("VA->IOVA lookup, ns per lookup, best of %u rounds of %u random lookups of %u addresses\n"
	       "(simulated kernel backend; the lookup itself never enters it)\n", ROUNDS, lookups,
	       NADDR);
	printf("%9s %12s %12s %12s %12s\n", "mappings", "identity", "VA table", "binary(old)",
	       "linear");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && sizes[i] <= max && rc == 0; i++) {
		rc = run(ictx, sizes[i], lookups, &rows[nrows]);
		if (rc == 0)
			print_row(&rows[nrows++]);
	}
	if (rc == 0 && nrows > 1) {
		first = &rows[0];
		last = &rows[nrows - 1];
		printf("ratio %u/%u: identity %.2fx, VA table %.2fx, binary(old) %.2fx (target for the table: <= 1.50x)\n",
		       last->nmaps, first->nmaps, last->ident_ns / first->ident_ns,
		       last->vat_ns / first->vat_ns, last->bin_ns / first->bin_ns);
	}
	pdk_iommufd_close(ictx);
	pdk_sim_destroy(sim);
	return rc < 0 ? 1 : 0;
}
