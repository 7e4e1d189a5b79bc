/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-va2iova: how fast pdk_dma_va2iova() translates, against a
 * baseline run side by side in the same process: a linear scan of the same
 * {va, len, iova} table, the obvious implementation. Runs on the simulated
 * kernel (the lookup itself never enters the kernel, so the backend does not
 * change the figures). Prints ns per lookup and the ratio.
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

#define MAP_LEN (64 * 1024)
#define LOOKUPS (1u << 22)

struct entry {
	uintptr_t va;
	size_t len;
	uint64_t iova;
};

static uint64_t
linear_lookup(const struct entry *t, unsigned int n, const void *va)
{
	uintptr_t a = (uintptr_t)va;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (a - t[i].va < t[i].len)
			return t[i].iova + (a - t[i].va);
	return PDK_DMA_BAD_IOVA;
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

static int
run(struct pdk_iommufd *ictx, unsigned int nmaps)
{
	struct entry *t = calloc(nmaps, sizeof(*t));
	const void **addrs = malloc(sizeof(*addrs) * 4096);
	uint8_t *mem = mmap(NULL, (size_t)nmaps * MAP_LEN, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	volatile uint64_t sink = 0;
	struct pdk_dma_as *as = NULL;
	uint64_t t0, pdk_ns, lin_ns;
	uint32_t seed = 12345;
	unsigned int i;
	int rc = -ENOMEM;

	if (t == NULL || addrs == NULL || mem == MAP_FAILED)
		goto out;
	rc = pdk_dma_as_create(ictx, "bench", &as);
	if (rc < 0)
		goto out;
	/* map every other chunk so neighbours are not contiguous */
	for (i = 0; i < nmaps; i++) {
		t[i].va = (uintptr_t)mem + (size_t)i * MAP_LEN;
		t[i].len = MAP_LEN / 2;
		rc = pdk_dma_map(as, (void *)t[i].va, t[i].len, PDK_IOMMUFD_READ, &t[i].iova);
		if (rc < 0)
			goto out;
	}
	for (i = 0; i < 4096; i++) {
		unsigned int m = next_rand(&seed) % nmaps;

		addrs[i] = (const void *)(t[m].va + next_rand(&seed) % t[m].len);
		/* both must agree before either is timed */
		if (pdk_dma_va2iova(as, addrs[i]) != linear_lookup(t, nmaps, addrs[i])) {
			fprintf(stderr, "bench: lookup mismatch at %p\n", addrs[i]);
			rc = -EINVAL;
			goto out;
		}
	}
	t0 = pdk_sys_monotonic_ns();
	for (i = 0; i < LOOKUPS; i++)
		sink += pdk_dma_va2iova(as, addrs[i & 4095]);
	pdk_ns = pdk_sys_monotonic_ns() - t0;
	t0 = pdk_sys_monotonic_ns();
	for (i = 0; i < LOOKUPS; i++)
		sink += linear_lookup(t, nmaps, addrs[i & 4095]);
	lin_ns = pdk_sys_monotonic_ns() - t0;
	printf("%8u %14.2f %14.2f %10.2fx\n", nmaps, (double)pdk_ns / LOOKUPS,
	       (double)lin_ns / LOOKUPS, (double)lin_ns / (double)pdk_ns);
	rc = 0;
out:
	if (as != NULL)
		pdk_dma_as_destroy(as);
	if (mem != MAP_FAILED)
		munmap(mem, (size_t)nmaps * MAP_LEN);
	free(addrs);
	free(t);
	(void)sink;
	return rc;
}

int
main(int argc, char **argv)
{
	static const unsigned int sizes[] = {1, 4, 16, 64, 256, 1024};
	struct pdk_iommufd *ictx;
	struct pdk_sim *sim;
	unsigned int i;
	int rc;

	if (argc > 1) {
		printf("Usage: %s\nBenchmark of pdk_dma_va2iova() against a linear scan, random\n"
		       "addresses over N mappings, on PDK's simulated kernel (a simulation).\n",
		       argv[0]);
		return strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	rc = pdk_sim_create(NULL, &sim);
	if (rc < 0)
		return 1;
	rc = pdk_iommufd_open(pdk_sim_sys(sim), &ictx);
	if (rc < 0) {
		pdk_sim_destroy(sim);
		return 1;
	}
	printf("VA->IOVA lookup, %u random lookups per row (simulated kernel backend)\n", LOOKUPS);
	printf("%8s %14s %14s %11s\n", "mappings", "pdk ns/op", "linear ns/op", "speed-up");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]) && rc == 0; i++)
		rc = run(ictx, sizes[i]);
	pdk_iommufd_close(ictx);
	pdk_sim_destroy(sim);
	return rc < 0 ? 1 : 0;
}
