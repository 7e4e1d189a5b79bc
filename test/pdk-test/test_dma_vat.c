/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The VA table of a mixed space against a model, 16 seeds: random mappings of a
 * 3 GiB region (pages, runs across 2 MiB and 1 GiB boundaries, whole
 * blocks, neighbours placed edge to edge so that they share a block) are
 * mapped and unmapped, and after each step pdk_dma_va2iova() must answer
 * what a scan of the model's mappings answers: at every mapping's edges,
 * the byte before and after each, and random addresses of the region.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include "pdk_test.h"
#include "test_env.h"

#define PG 4096ull
#define MIB2 (2ull << 20)
#define GIB (1ull << 30)
#define REGION (3 * GIB)
#define VAT_MAX_MAPS 48u
#define VAT_STEPS 600u
#define VAT_PROBES 64u
#define VAT_SEEDS 16u

struct vat_map {
	uint64_t off;	/* from the region's 1 GiB-aligned base */
	uint64_t len;
	uint64_t iova;
};

struct vat_model {
	struct vat_map m[VAT_MAX_MAPS];
	unsigned int n;
	uint64_t rng;
	uint64_t seed;
};

/* splitmix64: a seed gives the same run everywhere */
static uint64_t
vat_rand(struct vat_model *mo)
{
	uint64_t z = (mo->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t
vat_model_lookup(const struct vat_model *mo, uint64_t off)
{
	unsigned int i;

	for (i = 0; i < mo->n; i++)
		if (off - mo->m[i].off < mo->m[i].len)
			return mo->m[i].iova + (off - mo->m[i].off);
	return PDK_DMA_BAD_IOVA;
}

static int
vat_model_overlaps(const struct vat_model *mo, uint64_t off, uint64_t len)
{
	unsigned int i;

	for (i = 0; i < mo->n; i++)
		if (off < mo->m[i].off + mo->m[i].len && mo->m[i].off < off + len)
			return 1;
	return 0;
}

/*
 * A candidate mapping: a length of one of the sizes that take different
 * leaves, at an offset aligned to a page, 2 MiB or 1 GiB, or put right
 * after or before an existing mapping.
 */
static void
vat_pick(struct vat_model *mo, uint64_t *off, uint64_t *len)
{
	static const uint64_t align[] = { PG, PG, MIB2, GIB };
	uint64_t r = vat_rand(mo);

	switch (r % 6) {
	case 0: *len = PG; break;
	case 1: *len = (1 + vat_rand(mo) % 16) * PG; break;
	case 2: *len = MIB2; break;
	case 3: *len = MIB2 + (1 + vat_rand(mo) % 1024) * PG; break;
	case 4: *len = (1 + vat_rand(mo) % 4) * MIB2; break;
	default: *len = (vat_rand(mo) % 4 == 0) ? GIB + MIB2 : 16 * MIB2 + 3 * PG; break;
	}
	if (mo->n > 0 && vat_rand(mo) % 3 == 0) {
		const struct vat_map *nb = &mo->m[vat_rand(mo) % mo->n];

		*off = (vat_rand(mo) & 1) ? nb->off + nb->len : nb->off - *len;
	} else {
		uint64_t a = align[vat_rand(mo) % 4];

		*off = (vat_rand(mo) % (REGION / a)) * a;
	}
}

/* Every answer of the table against the model's; the step number in the failure. */
static int
vat_check(struct pdk_dma_as *as, const uint8_t *base, struct vat_model *mo, unsigned int step)
{
	unsigned int i;

	for (i = 0; i < mo->n + VAT_PROBES; i++) {
		uint64_t offs[5], o;
		unsigned int k, nk;

		if (i < mo->n) {
			const struct vat_map *m = &mo->m[i];

			offs[0] = m->off;
			offs[1] = m->off + m->len - 1;
			offs[2] = m->off + (vat_rand(mo) % (m->len / PG)) * PG + vat_rand(mo) % PG;
			offs[3] = m->off - 1;	/* wraps at the region's start: skipped */
			offs[4] = m->off + m->len;
			nk = 5;
		} else {
			offs[0] = vat_rand(mo) % REGION;
			nk = 1;
		}
		for (k = 0; k < nk; k++) {
			o = offs[k];
			if (o >= REGION)
				continue;
			if (pdk_dma_va2iova(as, base + o) != vat_model_lookup(mo, o)) {
				fprintf(stderr, "vat: seed %" PRIu64 ", step %u: VA base+0x%" PRIx64
					": table 0x%" PRIx64 ", model 0x%" PRIx64 "\n", mo->seed, step, o,
					pdk_dma_va2iova(as, base + o), vat_model_lookup(mo, o));
				return -1;
			}
		}
	}
	return 0;
}

/* One run of VAT_STEPS random steps from @p seed, then every mapping unmapped. */
static int
vat_model_run(struct test_env *env, uint8_t *base, uint64_t seed)
{
	struct vat_model mo = { .rng = seed, .seed = seed };
	unsigned int step, maps = 0, unmaps = 0, shared = 0;
	struct pdk_dma_as *as;

	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "vat-model", &as));
	/* every IOVA from the allocator: the space is mixed, the VA table answers */
	TEST_ASSERT_OK(pdk_dma_as_set_iova_mode(as, PDK_DMA_IOVA_ALLOC));
	for (step = 0; step < VAT_STEPS; step++) {
		uint64_t off, len;

		if (mo.n > 0 && (mo.n == VAT_MAX_MAPS || vat_rand(&mo) % 5 < 2)) {
			unsigned int i = (unsigned int)(vat_rand(&mo) % mo.n);

			TEST_ASSERT_OK(pdk_dma_unmap(as, base + mo.m[i].off));
			mo.m[i] = mo.m[--mo.n];
			unmaps++;
		} else {
			vat_pick(&mo, &off, &len);
			if (off >= REGION || REGION - off < len || vat_model_overlaps(&mo, off, len))
				continue;
			if ((off & (MIB2 - 1)) != 0 &&
			    (vat_model_overlaps(&mo, off & ~(MIB2 - 1), MIB2) ||
			     vat_model_overlaps(&mo, (off + len - 1) & ~(MIB2 - 1), MIB2)))
				shared++;
			TEST_ASSERT_OK(pdk_dma_map(as, base + off, len, PDK_IOMMUFD_READ,
						   &mo.m[mo.n].iova));
			mo.m[mo.n].off = off;
			mo.m[mo.n].len = len;
			mo.n++;
			maps++;
		}
		TEST_ASSERT_OK(vat_check(as, base, &mo, step));
	}
	/* the run did what it is for: many maps and unmaps, blocks shared by two */
	TEST_ASSERT(maps >= 200 && unmaps >= 100 && shared >= 20,
		    "seed %" PRIu64 ": maps %u, unmaps %u, maps into a shared 2 MiB block %u",
		    seed, maps, unmaps, shared);
	while (mo.n > 0) {
		TEST_ASSERT_OK(pdk_dma_unmap(as, base + mo.m[mo.n - 1].off));
		mo.n--;
		TEST_ASSERT_OK(vat_check(as, base, &mo, step++));
	}
	return pdk_dma_as_destroy(as);
}

static int
test_dma_vat_model(void)
{
	struct test_env env;
	uint8_t *raw, *base;
	uint64_t seed;

	SETUP(env, NULL, NULL, true);
	raw = mmap(NULL, REGION + GIB, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(raw != MAP_FAILED);
	base = (uint8_t *)(((uintptr_t)raw + GIB - 1) & ~(uintptr_t)(GIB - 1));
	for (seed = 1; seed <= VAT_SEEDS; seed++)
		TEST_ASSERT_OK(vat_model_run(&env, base, seed));
	munmap(raw, REGION + GIB);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_vat_model, fast, test_dma_vat_model);
