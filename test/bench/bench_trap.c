/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-trap: what one access to a trapped region costs (the runner's
 * BAR of the SIMULATION, drivers/sim/run/sim_trap.h), beside the same
 * access on ordinary memory in the same run:
 *   a 4-byte load and a 4-byte store (a fault, the decoder, one callback,
 *   the return from the signal), and a MOVDIR64B (on a CPU without it:
 *   #UD, SIGILL, emulated; with it: a fault). Ordinary memory gets the same
 *   load and store, and, for the MOVDIR64B, the instruction itself when the
 *   CPU has it, else a 64-byte copy.
 * The device side is a byte array behind a mutex, as the sim's models
 * are: the figures are the trap's own cost, not a model's. Best of ROUNDS.
 */

#include <cpuid.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "sim_trap.h"

#define ROUNDS 5u
#define LEN 4096u

static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t dev_mem[LEN];

static int
dev_read(void *priv, uint64_t off, void *val, unsigned int width)
{
	(void)priv;
	pthread_mutex_lock(&dev_lock);
	memcpy(val, dev_mem + off, width);
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

static int
dev_write(void *priv, uint64_t off, const void *val, unsigned int width)
{
	(void)priv;
	pthread_mutex_lock(&dev_lock);
	memcpy(dev_mem + off, val, width);
	pthread_mutex_unlock(&dev_lock);
	return 0;
}

static const struct sim_trap_ops dev_ops = { .read = dev_read, .write = dev_write };

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

enum op { OP_LOAD, OP_STORE, OP_DIR64B, OP_COPY64 };

static uint8_t src64[64] __attribute__((aligned(64)));

/* @return ns per operation of @p n operations on @p mem */
static double
run(enum op op, uint8_t *mem, unsigned long n)
{
	volatile uint32_t *p = (volatile uint32_t *)(mem + 8);
	uint64_t t0 = now_ns();
	uint32_t sum = 0;
	unsigned long i;

	for (i = 0; i < n; i++) {
		switch (op) {
		case OP_LOAD:
			sum += *p;
			break;
		case OP_STORE:
			*p = (uint32_t)i;
			break;
		case OP_DIR64B:
			/* movdir64b (%rdx), %rax: DPDK's idxd PMD's bytes */
			__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02"
					 : : "a"(mem + 64), "d"(src64) : "memory");
			break;
		case OP_COPY64:
			memcpy(mem + 64, src64, 64);
			__asm__ volatile("" : : "r"(mem) : "memory");
			break;
		}
	}
	__asm__ volatile("" : : "r"(sum));
	return (double)(now_ns() - t0) / (double)n;
}

static double
best(enum op op, uint8_t *mem, unsigned long n)
{
	double b = 0, ns;
	unsigned int r;

	for (r = 0; r < ROUNDS; r++) {
		ns = run(op, mem, n);
		if (r == 0 || ns < b)
			b = ns;
	}
	return b;
}

int
main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000ul;
	unsigned int a, b, c, d;
	struct sim_trap_stats before, after;
	double tl, ts, t64, ol, os, o64;
	uint8_t *region, *plain;
	bool has64b;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || n == 0)) {
		printf("Usage: %s [ACCESSES]\n"
		       "ns per 4-byte load, 4-byte store and MOVDIR64B on a trapped region of the\n"
		       "SIMULATION (drivers/sim/run) and on ordinary memory; best of %u rounds of\n"
		       "ACCESSES (default 200000) each.\n", argv[0], ROUNDS);
		return n == 0 ? 1 : 0;
	}
	has64b = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 28));
	if (sim_trap_map(LEN, &dev_ops, NULL, "bench region", (void **)&region) < 0)
		return 1;
	plain = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (plain == MAP_FAILED)
		return 1;
	sim_trap_stats_get(&before);
	tl = best(OP_LOAD, region, n);
	ts = best(OP_STORE, region, n);
	t64 = best(OP_DIR64B, region, n);
	sim_trap_stats_get(&after);
	ol = best(OP_LOAD, plain, n);
	os = best(OP_STORE, plain, n);
	o64 = best(has64b ? OP_DIR64B : OP_COPY64, plain, n);
	printf("Trapped region (the runner's BAR of the SIMULATION) vs ordinary memory,\n"
	       "best of %u rounds of %lu:\n"
	       "  4-byte load   %9.1f ns  ordinary %7.2f ns  ratio %8.0fx\n"
	       "  4-byte store  %9.1f ns  ordinary %7.2f ns  ratio %8.0fx\n"
	       "  MOVDIR64B     %9.1f ns  ordinary %7.2f ns  ratio %8.0fx  (%s; ordinary: %s)\n",
	       ROUNDS, n, tl, ol, tl / ol, ts, os, ts / os, t64, o64, t64 / o64,
	       has64b ? "a fault, SIGSEGV" : "no MOVDIR64B on this CPU: #UD, SIGILL, emulated",
	       has64b ? "MOVDIR64B" : "a 64-byte memcpy");
	sim_trap_unmap(region, LEN);
	munmap(plain, LEN);
	/* every access reached the device once, none refused */
	return after.reads - before.reads == ROUNDS * n &&
	       after.writes - before.writes == 2ull * ROUNDS * n &&
	       after.stores64 - before.stores64 == ROUNDS * n && after.refused == 0 ? 0 : 1;
}
