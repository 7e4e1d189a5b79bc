/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* Test memory and byte patterns (test_env.h). */

#include <stdio.h>
#include <sys/mman.h>

#include "test_env.h"

void *
test_buf_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void
test_buf_free(void *buf, size_t len)
{
	if (buf != NULL)
		munmap(buf, len);
}

size_t
test_count_not(const void *buf, size_t len, uint8_t byte)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] != byte;
	return n;
}

int
test_all_bytes(const void *p, uint8_t v, size_t len)
{
	return test_count_not(p, len, v) == 0;
}

uint8_t
test_pattern(size_t i, uint8_t seed)
{
	/* any mixing of i; adding the seed mod 254 keeps seeds apart at every byte */
	uint32_t h = (uint32_t)(i * 167u + (i >> 8) * 13u);

	return (uint8_t)(1u + (h + seed) % 254u);
}

void
test_pattern_fill(void *buf, size_t len, uint8_t seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = test_pattern(i, seed);
}

size_t
test_pattern_diff(const void *buf, size_t len, uint8_t seed, const char *what)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (b[i] == test_pattern(i, seed))
			continue;
		if (n++ == 0)
			fprintf(stderr, "  %s: byte %zu is 0x%02x, expected 0x%02x\n", what, i, b[i],
			       test_pattern(i, seed));
	}
	return n;
}

size_t
test_pattern_same(const void *buf, size_t len, uint8_t seed)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] == test_pattern(i, seed);
	return n;
}
