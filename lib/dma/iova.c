/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iova.h"

/*
 * Two sorted arrays of disjoint extents: what is free and what is handed
 * out. The used array is what lets pdk_iova_free() refuse an address it did
 * not hand out, and pdk_iova_set_ranges() recompute the free space from
 * scratch; both arrays stay small (one entry per mapping or per gap).
 *
 * Each range holds at most one more gap than it holds used extents, so
 * nfree <= nranges + nused. pdk_iova_alloc() keeps free_cap at that bound
 * for nused + 1, which is why pdk_iova_free() never allocates and cannot fail
 * on an extent that was handed out.
 */
struct pdk_iova {
	struct pdk_iova_extent *free;
	unsigned int nfree;
	unsigned int free_cap;
	struct pdk_iova_extent *used;
	unsigned int nused;
	unsigned int used_cap;
	unsigned int nranges;
	struct pdk_iova_extent *ranges;	/* the normalized ranges, for pdk_iova_free_all() */
	uint64_t align;
};

static int
ext_reserve(struct pdk_iova_extent **arr, unsigned int *cap, unsigned int need)
{
	struct pdk_iova_extent *p;
	unsigned int ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap != 0 ? *cap : 8;
	while (ncap < need) {
		if (ncap > UINT32_MAX / 2)
			return -ENOMEM;
		ncap *= 2;
	}
	p = realloc(*arr, (size_t)ncap * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Index of the first extent whose start is >= @p addr (n if none). */
static unsigned int
ext_lower_bound(const struct pdk_iova_extent *arr, unsigned int n, uint64_t addr)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (arr[mid].start < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ext_insert(struct pdk_iova_extent *arr, unsigned int *n, unsigned int idx,
	   uint64_t start, uint64_t last)
{
	/* the call skipped when appending: the common case of a map at the top */
	if (idx < *n)
		memmove(&arr[idx + 1], &arr[idx], (size_t)(*n - idx) * sizeof(*arr));
	arr[idx].start = start;
	arr[idx].last = last;
	(*n)++;
}

static void
ext_remove(struct pdk_iova_extent *arr, unsigned int *n, unsigned int idx)
{
	if (idx + 1 < *n)
		memmove(&arr[idx], &arr[idx + 1], (size_t)(*n - idx - 1) * sizeof(*arr));
	(*n)--;
}

static int
ext_cmp_start(const void *a, const void *b)
{
	const struct pdk_iova_extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int
align_check(uint64_t *align)
{
	if (*align & (*align - 1))
		return -EINVAL;
	if (*align < PDK_IOVA_MIN_ALIGN)
		*align = PDK_IOVA_MIN_ALIGN;
	return 0;
}

/*
 * Sort and merge @p in, then shrink every range to whole aligned pages at or
 * above PDK_IOVA_FLOOR; ranges left empty are dropped. The result is written
 * to a new array in *out (NULL when empty).
 */
static int
ranges_normalize(const struct pdk_iova_extent *in, unsigned int n, uint64_t align,
		 struct pdk_iova_extent **out, unsigned int *nout)
{
	struct pdk_iova_extent *r;
	unsigned int i, m = 0;

	*out = NULL;
	*nout = 0;
	if (n == 0)
		return 0;
	if (in == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (in[i].start > in[i].last)
			return -EINVAL;
	r = malloc((size_t)n * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	memcpy(r, in, (size_t)n * sizeof(*r));
	qsort(r, n, sizeof(*r), ext_cmp_start);

	for (i = 0; i < n; i++) {
		/* "last + 1" is safe: a range ending at UINT64_MAX absorbs all that follow */
		if (m > 0 && (r[m - 1].last == UINT64_MAX || r[i].start <= r[m - 1].last + 1)) {
			if (r[i].last > r[m - 1].last)
				r[m - 1].last = r[i].last;
			continue;
		}
		r[m++] = r[i];
	}

	n = m;
	m = 0;
	for (i = 0; i < n; i++) {
		uint64_t start = r[i].start, last = r[i].last, cut;

		if (start < PDK_IOVA_FLOOR)
			start = PDK_IOVA_FLOOR;
		if (start > last || start > UINT64_MAX - (align - 1))
			continue;
		start = (start + align - 1) & ~(align - 1);
		/* drop the partial page at the top; last + 1 wraps to 0 at UINT64_MAX, cutting nothing */
		cut = (last + 1) & (align - 1);
		if (cut > last)
			continue;
		last -= cut;
		if (start > last)
			continue;
		r[m].start = start;
		r[m].last = last;
		m++;
	}
	if (m == 0) {
		free(r);
		return 0;
	}
	*out = r;
	*nout = m;
	return 0;
}

int
pdk_iova_create(const struct pdk_iova_extent *ranges, unsigned int n, uint64_t align,
		struct pdk_iova **iova)
{
	struct pdk_iova *a;
	int rc;

	if (iova == NULL)
		return -EINVAL;
	*iova = NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	a->align = PDK_IOVA_MIN_ALIGN;
	rc = pdk_iova_set_ranges(a, ranges, n, align, NULL);
	if (rc < 0) {
		pdk_iova_destroy(a);
		return rc;
	}
	*iova = a;
	return 0;
}

void
pdk_iova_destroy(struct pdk_iova *iova)
{
	if (iova == NULL)
		return;
	free(iova->free);
	free(iova->used);
	free(iova->ranges);
	free(iova);
}

int
pdk_iova_set_ranges(struct pdk_iova *iova, const struct pdk_iova_extent *ranges,
		    unsigned int n, uint64_t align, struct pdk_iova_extent *conflict)
{
	struct pdk_iova_extent *r, *nf = NULL;
	unsigned int nr, i, j, k = 0, cap;
	int rc;

	if (iova == NULL)
		return -EINVAL;
	rc = align_check(&align);
	if (rc < 0)
		return rc;
	rc = ranges_normalize(ranges, n, align, &r, &nr);
	if (rc < 0)
		return rc;

	/* every allocated extent must sit wholly inside one new range */
	for (i = 0, j = 0; i < iova->nused; i++) {
		const struct pdk_iova_extent *u = &iova->used[i];

		while (j < nr && r[j].last < u->start)
			j++;
		if (j == nr || u->start < r[j].start || u->last > r[j].last) {
			if (conflict != NULL)
				*conflict = *u;
			free(r);
			return -EADDRINUSE;
		}
	}

	/* each used extent splits at most one range in two */
	cap = nr + iova->nused;
	if (cap > 0) {
		nf = malloc((size_t)cap * sizeof(*nf));
		if (nf == NULL) {
			free(r);
			return -ENOMEM;
		}
	}
	for (i = 0, j = 0; i < nr; i++) {
		uint64_t cursor = r[i].start;
		int done = 0;

		while (j < iova->nused && iova->used[j].last <= r[i].last) {
			const struct pdk_iova_extent *u = &iova->used[j++];

			if (u->start > cursor) {
				nf[k].start = cursor;
				nf[k].last = u->start - 1;
				k++;
			}
			if (u->last == UINT64_MAX) {
				done = 1;
				break;
			}
			cursor = u->last + 1;
		}
		if (!done && cursor <= r[i].last) {
			nf[k].start = cursor;
			nf[k].last = r[i].last;
			k++;
		}
	}
	free(iova->ranges);
	iova->ranges = r;
	free(iova->free);
	iova->free = nf;
	iova->nfree = k;
	iova->free_cap = cap;
	iova->nranges = nr;
	iova->align = align;
	return 0;
}

/*
 * Take [a, end] out of free extent @p i (which contains it) and record it as
 * allocated. Both arrays have been grown beforehand, so this cannot fail.
 */
static void
carve(struct pdk_iova *iova, unsigned int i, uint64_t a, uint64_t end)
{
	struct pdk_iova_extent *e = &iova->free[i];
	int left = a > e->start;
	int right = end < e->last;

	if (left && right) {
		uint64_t old_last = e->last;

		e->last = a - 1;
		ext_insert(iova->free, &iova->nfree, i + 1, end + 1, old_last);
	} else if (left) {
		e->last = a - 1;
	} else if (right) {
		e->start = end + 1;
	} else {
		ext_remove(iova->free, &iova->nfree, i);
	}
	ext_insert(iova->used, &iova->nused, ext_lower_bound(iova->used, iova->nused, a), a, end);
}

static uint64_t
natural_align(uint64_t size, uint64_t min_align)
{
	uint64_t a;

	if (size >= PDK_IOVA_MAX_NATURAL_ALIGN)
		a = PDK_IOVA_MAX_NATURAL_ALIGN;
	else
		a = 1ull << (64 - __builtin_clzll(size - 1)); /* size >= 4096: clzll(size - 1) < 64 */
	return a > min_align ? a : min_align;
}

int
pdk_iova_alloc(struct pdk_iova *iova, uint64_t len, uint64_t *start)
{
	uint64_t size, al;
	unsigned int i;
	int rc;

	if (iova == NULL || start == NULL || len == 0)
		return -EINVAL;
	if (len > UINT64_MAX - (iova->align - 1))
		return -ENOSPC;
	size = (len + iova->align - 1) & ~(iova->align - 1);
	al = natural_align(size, iova->align);

	/* grow first so that nothing can fail once the free list is edited */
	rc = ext_reserve(&iova->free, &iova->free_cap, iova->nranges + iova->nused + 1);
	if (rc == 0)
		rc = ext_reserve(&iova->used, &iova->used_cap, iova->nused + 1);
	if (rc < 0)
		return rc;

	for (i = 0; i < iova->nfree; i++) {
		const struct pdk_iova_extent *e = &iova->free[i];
		uint64_t a;

		if (e->start > UINT64_MAX - (al - 1))
			break; /* sorted: no later extent can be aligned either */
		a = (e->start + al - 1) & ~(al - 1);
		if (a > e->last || e->last - a < size - 1)
			continue;
		carve(iova, i, a, a + (size - 1));
		*start = a;
		return 0;
	}
	return -ENOSPC;
}

int
pdk_iova_reserve(struct pdk_iova *iova, uint64_t start, uint64_t len)
{
	uint64_t size, end;
	unsigned int i;
	int rc;

	if (iova == NULL || len == 0 || (start & (iova->align - 1)) != 0 ||
	    len > UINT64_MAX - (iova->align - 1))
		return -EINVAL;
	size = (len + iova->align - 1) & ~(iova->align - 1);
	if (start > UINT64_MAX - (size - 1))
		return -ERANGE;
	end = start + (size - 1);

	rc = ext_reserve(&iova->free, &iova->free_cap, iova->nranges + iova->nused + 1);
	if (rc == 0)
		rc = ext_reserve(&iova->used, &iova->used_cap, iova->nused + 1);
	if (rc < 0)
		return rc;

	i = ext_lower_bound(iova->free, iova->nfree, start + 1);
	if (i > 0 && iova->free[i - 1].start <= start && end <= iova->free[i - 1].last) {
		carve(iova, i - 1, start, end);
		return 0;
	}
	/* not free: taken (overlaps an allocated extent) or outside the ranges */
	i = ext_lower_bound(iova->used, iova->nused, start + 1);
	if ((i > 0 && iova->used[i - 1].last >= start) ||
	    (i < iova->nused && iova->used[i].start <= end))
		return -EEXIST;
	return -ERANGE;
}

int
pdk_iova_free(struct pdk_iova *iova, uint64_t start)
{
	struct pdk_iova_extent u;
	unsigned int idx, pos;
	int prev, next;

	if (iova == NULL)
		return -EINVAL;
	idx = ext_lower_bound(iova->used, iova->nused, start);
	if (idx == iova->nused || iova->used[idx].start != start)
		return -ENOENT;
	u = iova->used[idx];
	/*
	 * First, so that the free list's update ends the function: at most
	 * one array move after it, and no registers kept across one before.
	 */
	ext_remove(iova->used, &iova->nused, idx);

	/* neighbours cannot overflow: they lie strictly before and after u */
	pos = ext_lower_bound(iova->free, iova->nfree, u.start);
	prev = pos > 0 && iova->free[pos - 1].last + 1 == u.start;
	next = pos < iova->nfree && u.last + 1 == iova->free[pos].start;
	if (prev && next) {
		iova->free[pos - 1].last = iova->free[pos].last;
		ext_remove(iova->free, &iova->nfree, pos);
	} else if (prev) {
		iova->free[pos - 1].last = u.last;
	} else if (next) {
		iova->free[pos].start = u.start;
	} else {
		ext_insert(iova->free, &iova->nfree, pos, u.start, u.last);
	}
	return 0;
}

void
pdk_iova_free_all(struct pdk_iova *iova)
{
	/* free_cap >= nranges + nused: the ranges fit without allocating */
	if (iova->nranges > 0)
		memcpy(iova->free, iova->ranges, (size_t)iova->nranges * sizeof(*iova->free));
	iova->nfree = iova->nranges;
	iova->nused = 0;
}

uint64_t
pdk_iova_align(const struct pdk_iova *iova)
{
	return iova->align;
}

unsigned int
pdk_iova_used_count(const struct pdk_iova *iova)
{
	return iova->nused;
}

int
pdk_iova_used_extent(const struct pdk_iova *iova, unsigned int idx, struct pdk_iova_extent *ext)
{
	if (idx >= iova->nused || ext == NULL)
		return -ENOENT;
	*ext = iova->used[idx];
	return 0;
}

unsigned int
pdk_iova_free_count(const struct pdk_iova *iova)
{
	return iova->nfree;
}

int
pdk_iova_free_extent(const struct pdk_iova *iova, unsigned int idx, struct pdk_iova_extent *ext)
{
	if (idx >= iova->nfree || ext == NULL)
		return -ENOENT;
	*ext = iova->free[idx];
	return 0;
}

uint64_t
pdk_iova_free_bytes(const struct pdk_iova *iova)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < iova->nfree; i++)
		sum += iova->free[i].last - iova->free[i].start + 1;
	return sum;
}

uint64_t
pdk_iova_largest_free(const struct pdk_iova *iova)
{
	uint64_t best = 0;
	unsigned int i;

	for (i = 0; i < iova->nfree; i++) {
		uint64_t s = iova->free[i].last - iova->free[i].start + 1;

		if (s > best)
			best = s;
	}
	return best;
}
