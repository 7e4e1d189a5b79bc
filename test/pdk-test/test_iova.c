/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Unit tests of lib/dma's IOVA allocator (iova.h): a plain data structure,
 * no kernel and no sim. The rules tested are the ones its header states:
 * minimum alignment, never below PDK_IOVA_FLOOR, first fit from the lowest
 * address with natural alignment capped at 2 MiB, coalescing on free,
 * ENOSPC with nothing changed, and range replacement.
 */

#include <stdint.h>
#include <stdlib.h>

#include "iova.h"
#include "pdk_test.h"

#define PG 4096ull
#define MIB (1024ull * 1024)

#define RANGE(s, l) ((struct pdk_iova_extent){.start = (s), .last = (l)})

static int
free_ext_is(const struct pdk_iova *a, unsigned int idx, uint64_t start, uint64_t last)
{
	struct pdk_iova_extent e;

	if (pdk_iova_free_extent(a, idx, &e) != 0)
		return 0;
	return e.start == start && e.last == last;
}

/* Arguments: NULL, alignment not a power of two, start > last: EINVAL */
static int
test_iova_create_args(void)
{
	struct pdk_iova_extent r = RANGE(0, UINT64_MAX), bad = RANGE(0x2000, 0x1000);
	struct pdk_iova *a = NULL;

	TEST_ASSERT_RC(pdk_iova_create(&r, 1, 3000, &a), -EINVAL);
	TEST_ASSERT_RC(pdk_iova_create(&r, 1, 4096 + 4096 / 2, &a), -EINVAL);
	TEST_ASSERT_RC(pdk_iova_create(&bad, 1, 0, &a), -EINVAL);
	TEST_ASSERT_RC(pdk_iova_create(&r, 1, 0, NULL), -EINVAL);
	TEST_ASSERT(a == NULL, "an allocator was returned");
	/* alignment 0 or smaller than a page is raised to a page */
	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	TEST_ASSERT_EQ(pdk_iova_align(a), PDK_IOVA_MIN_ALIGN);
	pdk_iova_destroy(a);
	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 512, &a));
	TEST_ASSERT_EQ(pdk_iova_align(a), PDK_IOVA_MIN_ALIGN);
	pdk_iova_destroy(a);
	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 64 * 1024, &a));
	TEST_ASSERT_EQ(pdk_iova_align(a), 64 * 1024);
	pdk_iova_destroy(a);
	pdk_iova_destroy(NULL);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_create_args, fast, test_iova_create_args);

/* IOVA 0 is never handed out: the full 64-bit space starts at PDK_IOVA_FLOOR */
static int
test_iova_never_zero(void)
{
	struct pdk_iova_extent r = RANGE(0, UINT64_MAX);
	struct pdk_iova *a;
	uint64_t s = 0;

	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), UINT64_MAX - 4095);
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 1);
	TEST_ASSERT(free_ext_is(a, 0, PDK_IOVA_FLOOR, UINT64_MAX), "free space is not [4096, max]");
	TEST_ASSERT_OK(pdk_iova_alloc(a, 1, &s));
	TEST_ASSERT_EQ(s, PDK_IOVA_FLOOR);
	TEST_ASSERT_RC(pdk_iova_alloc(a, 0, &s), -EINVAL);
	pdk_iova_destroy(a);

	/* a range that is only [0, 4095] holds nothing */
	r = RANGE(0, PG - 1);
	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 0);
	TEST_ASSERT_RC(pdk_iova_alloc(a, 1, &s), -ENOSPC);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_never_zero, fast, test_iova_never_zero);

/* Sizes round up to the alignment; extents are naturally aligned, capped at 2 MiB */
static int
test_iova_alignment(void)
{
	struct pdk_iova_extent r = RANGE(0, (1ull << 40) - 1), e;
	struct pdk_iova *a;
	uint64_t s1, s2, s3, s4;

	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	TEST_ASSERT_OK(pdk_iova_alloc(a, 100, &s1));	/* one page */
	TEST_ASSERT_EQ(s1, 0x1000);
	TEST_ASSERT_OK(pdk_iova_used_extent(a, 0, &e));
	TEST_ASSERT_EQ(e.start, 0x1000);
	TEST_ASSERT_EQ(e.last, 0x1fff);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 3 * PG, &s2));	/* 16 KiB aligned */
	TEST_ASSERT_EQ(s2, 0x4000);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 4 * MIB, &s3));	/* 2 MiB aligned, not 4 */
	TEST_ASSERT_EQ(s3, 2 * MIB);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 2 * PG, &s4));	/* fills the hole at 0x2000 */
	TEST_ASSERT_EQ(s4, 0x2000);
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 4);
	/* ascending order */
	TEST_ASSERT_OK(pdk_iova_used_extent(a, 1, &e));
	TEST_ASSERT_EQ(e.start, 0x2000);
	TEST_ASSERT_OK(pdk_iova_used_extent(a, 3, &e));
	TEST_ASSERT_EQ(e.start, 2 * MIB);
	TEST_ASSERT_EQ(e.last, 6 * MIB - 1);
	TEST_ASSERT_RC(pdk_iova_used_extent(a, 4, &e), -ENOENT);
	pdk_iova_destroy(a);

	/* a larger minimum alignment applies to every extent and size */
	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 64 * 1024, &a));
	TEST_ASSERT_OK(pdk_iova_alloc(a, 1, &s1));
	TEST_ASSERT_EQ(s1, 64 * 1024);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 1, &s2));
	TEST_ASSERT_EQ(s2, 128 * 1024);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_alignment, fast, test_iova_alignment);

/* Input ranges are merged and shrunk to the alignment; holes between them are never used */
static int
test_iova_ranges_input(void)
{
	struct pdk_iova_extent r[3];
	struct pdk_iova *a;
	uint64_t s;

	/* overlapping and adjacent ranges, out of order, merge */
	r[0] = RANGE(0x4000, 0x5fff);
	r[1] = RANGE(0x1000, 0x2fff);
	r[2] = RANGE(0x2000, 0x3fff);
	TEST_ASSERT_OK(pdk_iova_create(r, 3, 0, &a));
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 1);
	TEST_ASSERT(free_ext_is(a, 0, 0x1000, 0x5fff), "ranges not merged");
	pdk_iova_destroy(a);

	/* unaligned ends are cut */
	r[0] = RANGE(0x1001, 0x4000);
	TEST_ASSERT_OK(pdk_iova_create(r, 1, 0, &a));
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 0x2000);
	TEST_ASSERT(free_ext_is(a, 0, 0x2000, 0x3fff), "range not shrunk to the alignment");
	pdk_iova_destroy(a);

	/* two disjoint ranges: an extent that does not fit the first goes to the second */
	r[0] = RANGE(PG, 4 * PG - 1);
	r[1] = RANGE(8 * PG, 16 * PG - 1);
	TEST_ASSERT_OK(pdk_iova_create(r, 2, 0, &a));
	TEST_ASSERT_OK(pdk_iova_alloc(a, 4 * PG, &s));
	TEST_ASSERT_EQ(s, 8 * PG);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 2 * PG, &s));
	TEST_ASSERT_EQ(s, 2 * PG);	/* 8 KiB aligned inside the first */
	TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
	TEST_ASSERT_EQ(s, PG);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 4 * PG, &s));
	TEST_ASSERT_EQ(s, 12 * PG);
	TEST_ASSERT_RC(pdk_iova_alloc(a, PG, &s), -ENOSPC);
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 0);
	pdk_iova_destroy(a);

	/* no ranges at all */
	TEST_ASSERT_OK(pdk_iova_create(r, 0, 0, &a));
	TEST_ASSERT_RC(pdk_iova_alloc(a, PG, &s), -ENOSPC);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_ranges_input, fast, test_iova_ranges_input);

/* Freed extents are reused and coalesce with free neighbours */
static int
test_iova_reuse_coalesce(void)
{
	struct pdk_iova_extent r = RANGE(PG, 9 * PG - 1);	/* pages 1..8 */
	struct pdk_iova *a;
	uint64_t s;
	int i;

	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	for (i = 1; i <= 8; i++) {
		TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
		TEST_ASSERT_EQ(s, (uint64_t)i * PG);
	}
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 0);
	TEST_ASSERT_RC(pdk_iova_alloc(a, PG, &s), -ENOSPC);

	/* free 5, 3, then 4: one extent [3, 5] */
	TEST_ASSERT_OK(pdk_iova_free(a, 5 * PG));
	TEST_ASSERT_OK(pdk_iova_free(a, 3 * PG));
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 2);
	TEST_ASSERT_OK(pdk_iova_free(a, 4 * PG));
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 1);
	TEST_ASSERT(free_ext_is(a, 0, 3 * PG, 6 * PG - 1), "free extents not merged");
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 3 * PG);
	TEST_ASSERT_EQ(pdk_iova_largest_free(a), 3 * PG);
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 5);

	/* a 2-page extent fits at 4 (8 KiB aligned), leaving 3 */
	TEST_ASSERT_OK(pdk_iova_alloc(a, 2 * PG, &s));
	TEST_ASSERT_EQ(s, 4 * PG);
	TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
	TEST_ASSERT_EQ(s, 3 * PG);
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 0);

	/* free everything: one extent again, the whole range */
	TEST_ASSERT_OK(pdk_iova_free(a, 4 * PG));
	for (i = 1; i <= 8; i++)
		if (i != 4 && i != 5)
			TEST_ASSERT_OK(pdk_iova_free(a, (uint64_t)i * PG));
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 0);
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 1);
	TEST_ASSERT(free_ext_is(a, 0, PG, 9 * PG - 1), "space fragmented after freeing all");
	/* 4 pages (16 KiB aligned) fit at page 4 again */
	TEST_ASSERT_OK(pdk_iova_alloc(a, 4 * PG, &s));
	TEST_ASSERT_EQ(s, 4 * PG);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_reuse_coalesce, fast, test_iova_reuse_coalesce);

/*
 * pdk_iova_free_all(): every extent free at once, the free space the
 * ranges again (two of them, narrowed by pdk_iova_set_ranges() before), and
 * the allocator hands out from the lowest address afterwards.
 */
static int
test_iova_free_all(void)
{
	struct pdk_iova_extent r[2] = { RANGE(PG, 9 * PG - 1), RANGE(64 * PG, 128 * PG - 1) };
	struct pdk_iova *a;
	uint64_t s;
	int i;

	TEST_ASSERT_OK(pdk_iova_create(r, 2, 0, &a));
	for (i = 0; i < 8; i++)
		TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
	TEST_ASSERT_OK(pdk_iova_reserve(a, 100 * PG, 4 * PG));
	/* narrow the second range: the ranges kept for free_all are the new ones */
	r[1] = RANGE(64 * PG, 112 * PG - 1);
	TEST_ASSERT_OK(pdk_iova_set_ranges(a, r, 2, 0, NULL));
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 9);
	pdk_iova_free_all(a);
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 0);
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 2);
	TEST_ASSERT(free_ext_is(a, 0, PG, 9 * PG - 1), "first range not free again");
	TEST_ASSERT(free_ext_is(a, 1, 64 * PG, 112 * PG - 1), "second range not free again");
	TEST_ASSERT_RC(pdk_iova_free(a, PG), -ENOENT);
	TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
	TEST_ASSERT_EQ(s, PG);
	TEST_ASSERT_OK(pdk_iova_reserve(a, 100 * PG, 4 * PG));
	pdk_iova_free_all(a);
	pdk_iova_free_all(a);	/* nothing used: still the ranges */
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 8 * PG + 48 * PG);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_free_all, fast, test_iova_free_all);

/* Bad frees are ENOENT and change nothing; ENOSPC changes nothing */
static int
test_iova_errors(void)
{
	struct pdk_iova_extent r = RANGE(PG, 5 * PG - 1);
	struct pdk_iova *a;
	uint64_t s, s2 = 12345, before;

	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 0, &a));
	TEST_ASSERT_OK(pdk_iova_alloc(a, 2 * PG, &s));
	TEST_ASSERT_EQ(s, 2 * PG);
	before = pdk_iova_free_bytes(a);
	TEST_ASSERT_RC(pdk_iova_free(a, 3 * PG), -ENOENT);	/* inside, not the start */
	TEST_ASSERT_RC(pdk_iova_free(a, PG), -ENOENT);		/* free space */
	TEST_ASSERT_RC(pdk_iova_free(a, 0), -ENOENT);
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 1);
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), before);
	/* 2 pages are free ([1] and [4]) but not contiguous */
	TEST_ASSERT_RC(pdk_iova_alloc(a, 2 * PG, &s2), -ENOSPC);
	TEST_ASSERT_EQ(s2, 12345);
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), before);
	TEST_ASSERT_EQ(pdk_iova_largest_free(a), PG);
	TEST_ASSERT_OK(pdk_iova_free(a, s));
	TEST_ASSERT_RC(pdk_iova_free(a, s), -ENOENT);		/* twice */
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), 4 * PG);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_errors, fast, test_iova_errors);

/* pdk_iova_set_ranges(): narrower ranges cut the free space; an extent outside is EADDRINUSE */
static int
test_iova_set_ranges(void)
{
	struct pdk_iova_extent wide = RANGE(0, 0xffffffffull), two[2], conflict, narrow;
	struct pdk_iova *a;
	uint64_t s, s2, before;
	unsigned int nfree;

	TEST_ASSERT_OK(pdk_iova_create(&wide, 1, 0, &a));
	TEST_ASSERT_OK(pdk_iova_alloc(a, PG, &s));
	TEST_ASSERT_EQ(s, PG);
	/* the x86 MSI window is cut out, as after a RID attach */
	two[0] = RANGE(0, 0xfedfffffull);
	two[1] = RANGE(0xfef00000ull, 0xffffffffull);
	TEST_ASSERT_OK(pdk_iova_set_ranges(a, two, 2, 0, NULL));
	TEST_ASSERT_EQ(pdk_iova_free_count(a), 2);
	TEST_ASSERT(free_ext_is(a, 0, 2 * PG, 0xfedfffffull), "first free extent");
	TEST_ASSERT(free_ext_is(a, 1, 0xfef00000ull, 0xffffffffull), "second free extent");
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 1);
	/* nothing is ever handed out in the hole */
	TEST_ASSERT_OK(pdk_iova_alloc(a, 0xfec00000ull, &s2));	/* 2 MiB aligned, up to the hole */
	TEST_ASSERT_EQ(s2, 2 * MIB);
	TEST_ASSERT_OK(pdk_iova_alloc(a, 2 * MIB, &s2));
	TEST_ASSERT(s2 >= 0xfef00000ull, "extent at 0x%llx is in the hole", (unsigned long long)s2);

	/* ranges that leave out the allocated extent at 0x1000: refused, nothing changes */
	before = pdk_iova_free_bytes(a);
	nfree = pdk_iova_free_count(a);
	narrow = RANGE(0x100000, 0xffffffffull);
	conflict = RANGE(0, 0);
	TEST_ASSERT_RC(pdk_iova_set_ranges(a, &narrow, 1, 0, &conflict), -EADDRINUSE);
	TEST_ASSERT_EQ(conflict.start, PG);
	TEST_ASSERT_EQ(conflict.last, 2 * PG - 1);
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), before);
	TEST_ASSERT_EQ(pdk_iova_free_count(a), nfree);
	TEST_ASSERT_EQ(pdk_iova_used_count(a), 3);

	/* widening back brings the hole into the free space */
	TEST_ASSERT_OK(pdk_iova_set_ranges(a, &wide, 1, 0, NULL));
	TEST_ASSERT_EQ(pdk_iova_free_bytes(a), before + 0x100000ull);
	TEST_ASSERT_RC(pdk_iova_set_ranges(a, &wide, 1, 3, NULL), -EINVAL);
	pdk_iova_destroy(a);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_set_ranges, fast, test_iova_set_ranges);

/* A caller-chosen extent: taken exactly, then refused while it is in use. */
static int
test_iova_reserve(void)
{
	struct pdk_iova_extent r = {.start = 0, .last = 0xfffff}; /* 1 MiB */
	struct pdk_iova_extent e;
	struct pdk_iova *iova;
	uint64_t a;

	TEST_ASSERT_OK(pdk_iova_create(&r, 1, 4096, &iova));
	TEST_ASSERT_OK(pdk_iova_reserve(iova, 0x10000, 0x2000));
	TEST_ASSERT_OK(pdk_iova_used_extent(iova, 0, &e));
	TEST_ASSERT_EQ(e.start, 0x10000);
	TEST_ASSERT_EQ(e.last, 0x11fff);
	/* taken: the same start, an overlap from below, an overlap from above */
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0x10000, 0x1000), -EEXIST);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0xf000, 0x2000), -EEXIST);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0x11000, 0x2000), -EEXIST);
	/* outside the ranges, below the floor, unaligned, empty */
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0x100000, 0x1000), -ERANGE);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0xff000, 0x2000), -ERANGE);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0, 0x1000), -ERANGE);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0x20800, 0x1000), -EINVAL);
	TEST_ASSERT_RC(pdk_iova_reserve(iova, 0x20000, 0), -EINVAL);
	TEST_ASSERT_EQ(pdk_iova_used_count(iova), 1);
	/* the allocator works around it, and frees it like its own */
	TEST_ASSERT_OK(pdk_iova_alloc(iova, 0x10000, &a));
	TEST_ASSERT(a + 0x10000 <= 0x10000 || a > 0x11fff, "allocation 0x%llx overlaps the reserved extent",
		    (unsigned long long)a);
	TEST_ASSERT_OK(pdk_iova_free(iova, 0x10000));
	TEST_ASSERT_OK(pdk_iova_free(iova, a));
	TEST_ASSERT_EQ(pdk_iova_free_count(iova), 1);
	TEST_ASSERT_EQ(pdk_iova_free_bytes(iova), 0x100000 - PDK_IOVA_FLOOR);
	pdk_iova_destroy(iova);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(iova_reserve, fast, test_iova_reserve);
