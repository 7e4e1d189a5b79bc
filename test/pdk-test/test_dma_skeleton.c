/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * drivers/dma/skeleton, the software copy engine behind pdk_dmadev: its
 * data (copy and fill checked byte by byte, page crossings, faults where a
 * queue's space maps nothing), its ring, its counters, its PASID space, its
 * worker thread (suite threads: these tests also run under TSan) and its
 * refusals, each with its errno and its log line.
 *
 * Tests named dma_skeleton_* need nothing else; sim_dma_skeleton_* take
 * their address spaces from an iommufd context on the SIMULATED kernel
 * (test_dma_env.h; no simulated device is used).
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pdk_dma_skeleton.h"
#include "pdk_dmadev.h"
#include "pdk_log.h"
#include "pdk_test.h"
#include "test_dma_env.h"
#include "test_env.h"

#define SK_POLL_TIMEOUT_NS (5ull * 1000 * 1000 * 1000)
/* the fill pattern whose 8 bytes are all @p b */
#define SK_BYTES(b) (UINT64_C(0x0101010101010101) * (uint8_t)(b))

/* A skeleton device with @p nb_queues queues of @p nb_desc set up on e->as[q % 2], started. */
static int
sk_start(struct dma_env *e, const char *name, bool worker, uint16_t nb_queues, uint16_t nb_desc,
	 int *dev_id)
{
	struct pdk_dma_skeleton_conf conf = { .worker = worker };
	struct pdk_dmadev_conf dc = { .nb_queues = nb_queues };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = nb_desc };
	uint16_t q;
	int rc;

	rc = pdk_dma_skeleton_create(name, &conf, dev_id);
	if (rc == 0)
		rc = pdk_dmadev_configure(*dev_id, &dc);
	for (q = 0; q < nb_queues && rc == 0; q++) {
		qc.as = e->as[q % 2];
		rc = pdk_dmadev_queue_setup(*dev_id, q, &qc);
	}
	if (rc == 0)
		rc = pdk_dmadev_start(*dev_id);
	return rc;
}

static uint64_t
sk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Collect @p n completions with their statuses (a worker's come later),
 * giving up after SK_POLL_TIMEOUT_NS. @return how many came.
 */
static uint16_t
sk_collect(int dev_id, uint16_t q, uint16_t n, struct pdk_dmadev_status *st, uint16_t *last)
{
	const struct timespec nap = { .tv_nsec = 10000 };
	uint64_t deadline = sk_now_ns() + SK_POLL_TIMEOUT_NS;
	uint16_t got = 0;

	while (got < n && sk_now_ns() < deadline) {
		uint16_t k = pdk_dmadev_completed_status(dev_id, q, (uint16_t)(n - got), last,
							 st + got);

		got = (uint16_t)(got + k);
		if (k == 0)
			nanosleep(&nap, NULL);
	}
	return got;
}

/* @return the first offset in [0, len) where @p p differs from the fill of @p pattern, or -1. */
static long
sk_fill_mismatch(const uint8_t *p, uint64_t pattern, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(pattern >> (8 * (i % 8))))
			return (long)i;
	return -1;
}

/* ---- without address spaces ---- */

/* What a skeleton device says it is, by default and with a conf */
static int
test_skeleton_info(void)
{
	struct pdk_dma_skeleton_conf conf = { .max_queues = 2, .max_desc = 64, .no_pasid = true };
	struct pdk_dmadev_info info;
	int id, id2;

	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-info", NULL, &id));
	TEST_ASSERT_OK(pdk_dmadev_info_get(id, &info));
	TEST_ASSERT(strcmp(info.driver, PDK_DMA_SKELETON_DRIVER) == 0, "driver '%s'", info.driver);
	TEST_ASSERT(strcmp(info.name, "skel-info") == 0);
	/* not hardware, although it needs no simulator: the library calls it "sim" */
	TEST_ASSERT(strcmp(info.backend, "sim") == 0, "backend '%s'", info.backend);
	TEST_ASSERT_EQ(info.capa, PDK_DMADEV_CAPA_COPY | PDK_DMADEV_CAPA_FILL |
				  PDK_DMADEV_CAPA_FENCE | PDK_DMADEV_CAPA_PASID |
				  PDK_DMADEV_CAPA_SIM);
	TEST_ASSERT_EQ(info.max_queues, 4);
	TEST_ASSERT_EQ(info.min_desc, PDK_DMA_SKELETON_MIN_DESC);
	TEST_ASSERT_EQ(info.max_desc, 1024);
	TEST_ASSERT_EQ(info.max_xfer, PDK_DMA_SKELETON_MAX_XFER);
	TEST_ASSERT_EQ(info.pasid_width, PDK_DMA_SKELETON_PASID_WIDTH);

	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-small", &conf, &id2));
	TEST_ASSERT_OK(pdk_dmadev_info_get(id2, &info));
	TEST_ASSERT_EQ(info.max_queues, 2);
	TEST_ASSERT_EQ(info.max_desc, 64);
	TEST_ASSERT_EQ(info.capa & PDK_DMADEV_CAPA_PASID, 0);
	TEST_ASSERT_EQ(info.pasid_width, 0);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id2));
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dma_skeleton_info, fast, test_skeleton_info);

/* Bad arguments to create, destroy and priv: refused with their errno and a line */
static int
test_skeleton_misuse(void)
{
	struct pdk_dma_skeleton_conf conf = { 0 };
	int id, id2;

	test_log_capture_start();
	TEST_REFUSED(pdk_dma_skeleton_create(NULL, NULL, &id), -EINVAL,
		     "create: NULL name: Invalid argument (-22); pass a device name");
	TEST_REFUSED(pdk_dma_skeleton_create("skel", NULL, NULL), -EINVAL, "NULL dev_id");
	conf.max_queues = PDK_DMADEV_MAX_QUEUES + 1;
	TEST_REFUSED(pdk_dma_skeleton_create("skel", &conf, &id), -EINVAL,
		     "skel: create: conf.max_queues 17 is above 16: Invalid argument (-22)");
	conf.max_queues = 0;
	conf.max_desc = 100;
	TEST_REFUSED(pdk_dma_skeleton_create("skel", &conf, &id), -EINVAL,
		     "conf.max_desc 100 is not a power of two in [8, 32768]");
	conf.max_desc = 4;
	TEST_REFUSED(pdk_dma_skeleton_create("skel", &conf, &id), -EINVAL, "conf.max_desc 4");
	/* the library judges the name, and says so */
	TEST_REFUSED(pdk_dma_skeleton_create("", NULL, &id), -EINVAL, "the device name is empty");
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);

	conf.max_desc = PDK_DMA_SKELETON_MAX_DESC;
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel", &conf, &id));
	TEST_REFUSED(pdk_dma_skeleton_create("skel", NULL, &id2), -EEXIST,
		     "skel: register: the name is taken");

	/* destroy: once per device, by the id create gave */
	TEST_REFUSED(pdk_dma_skeleton_destroy(-1), -ENODEV, "no skeleton device has dmadev id -1");
	TEST_REFUSED(pdk_dma_skeleton_destroy(id + 1), -ENODEV, "no skeleton device");
	TEST_REFUSED(pdk_dma_skeleton_destroy(PDK_DMADEV_MAX_DEVS), -ENODEV, "no skeleton device");
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_REFUSED(pdk_dma_skeleton_destroy(id), -ENODEV, "no skeleton device");
	TEST_ASSERT(!pdk_dmadev_is_valid(id));
	/* a stale id on the fast path: the library's "not started" answer */
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, 0x1000, 0x2000, 8, 0), -ENODEV);

	TEST_ASSERT(pdk_dma_skeleton_priv(NULL) == NULL);
	TEST_ASSERT_LOGGED("priv: NULL device: Invalid argument (-22)");

	/*
	 * A device unregistered behind destroy's back: destroy only frees it,
	 * and a new device on its id frees what was left (LeakSanitizer
	 * checks the test's exit).
	 */
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-a", NULL, &id));
	TEST_ASSERT_OK(pdk_dmadev_unregister(id));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-b", NULL, &id2));
	TEST_ASSERT_EQ(id2, id);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id2));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-c", NULL, &id));
	TEST_ASSERT_OK(pdk_dmadev_unregister(id));
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dma_skeleton_misuse, fast, test_skeleton_misuse);

/* ---- with address spaces ---- */

/* Copies and fills of every shape, checked byte by byte with the bytes around them */
static int
test_skeleton_copy_fill(void)
{
	static const uint32_t lens[] = { 1, 2, 3, 7, 8, 9, 63, 64, 65, 511, 4095, 4096, 4097, 8000 };
	static const uint32_t offs[] = { 0, 1, 7, 4000 };
	const uint64_t pat = 0xf1e2d3c4b5a69788ull;
	struct pdk_dmadev_status st[4];
	uint8_t *src, *dst, *ref;
	struct dma_env e;
	unsigned int i, j;
	uint16_t last;
	long bad;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	/* src: pages 0-1 and dst: page 5 on (across the pages of each mapping) */
	src = e.mem;
	dst = e.hole + DMA_ENV_PAGE;
	ref = malloc(DMA_ENV_LEN);
	TEST_ASSERT(ref != NULL);
	for (i = 0; i < 2 * DMA_ENV_PAGE; i++)
		src[i] = (uint8_t)(i * 131 + 17);
	TEST_ASSERT_OK(sk_start(&e, "skel-data", false, 1, 16, &id));

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			uint32_t len = lens[i], so = offs[j], dof = offs[(j + 1) % 4];

			/* within src's two pages, and a byte after the op within dst's three */
			if (so + len > 2 * DMA_ENV_PAGE || dof + len >= 3 * DMA_ENV_PAGE)
				continue;
			memset(dst, 0xee, 3 * DMA_ENV_PAGE);
			memcpy(ref, dst, 3 * DMA_ENV_PAGE);
			memcpy(ref + dof, src + so, len);
			TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(src + so), IOVA(dst + dof), len,
						    PDK_DMADEV_OP_SUBMIT) >= 0);
			TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 4, &last, st), 1);
			TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_SUCCESS);
			TEST_ASSERT_EQ(st[0].hw_status, PDK_DMA_SKELETON_HW_SUCCESS);
			TEST_ASSERT_EQ(st[0].bytes_done, len);
			TEST_ASSERT(memcmp(dst, ref, 3 * DMA_ENV_PAGE) == 0,
				    "copy of %u bytes (src +%u, dst +%u) wrong or spilled", len, so,
				    dof);

			memset(dst, 0xee, 3 * DMA_ENV_PAGE);
			TEST_ASSERT(pdk_dmadev_fill(id, 0, pat, IOVA(dst + dof), len,
						    PDK_DMADEV_OP_SUBMIT) >= 0);
			TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 4, &last, NULL), 1);
			bad = sk_fill_mismatch(dst + dof, pat, len);
			TEST_ASSERT(bad < 0, "fill of %u bytes at +%u: byte %ld wrong", len, dof, bad);
			TEST_ASSERT(dof == 0 || dst[dof - 1] == 0xee, "fill of %u spilled before", len);
			TEST_ASSERT(dst[dof + len] == 0xee, "fill of %u at +%u spilled after", len, dof);
		}
	}
	/* the largest op, across all three mapped pages of dst */
	TEST_ASSERT(pdk_dmadev_fill(id, 0, 0x0102030405060708ull, IOVA(dst), 3 * DMA_ENV_PAGE,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 4, &last, NULL), 1);
	TEST_ASSERT(sk_fill_mismatch(dst, 0x0102030405060708ull, 3 * DMA_ENV_PAGE) < 0);
	/* one byte too many reaches the end of the buffer, which nothing maps: a write fault */
	TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst + 3 * DMA_ENV_PAGE - 4), 8,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 4, &last, st), 1);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	TEST_ASSERT_EQ(st[0].bytes_done, 4);
	TEST_ASSERT_EQ(st[0].fault_addr, IOVA(e.mem + DMA_ENV_LEN));
	TEST_ASSERT(memcmp(dst + 3 * DMA_ENV_PAGE - 4, src, 4) == 0);
	free(ref);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_copy_fill, fast, test_skeleton_copy_fill);

/* A queue reaches only what its own space maps, at IOVA == VA */
static int
test_skeleton_isolation(void)
{
	const unsigned int rw = PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE;
	struct pdk_dmadev_status st[2];
	uint8_t *only_a, *other;
	uint64_t iova;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	only_a = test_buf_alloc(DMA_ENV_PAGE);
	other = test_buf_alloc(DMA_ENV_PAGE);
	TEST_ASSERT(only_a != NULL && other != NULL);
	memset(only_a, 0xa5, DMA_ENV_PAGE);
	memset(other, 0x5a, DMA_ENV_PAGE);
	TEST_ASSERT_OK(pdk_dma_map_iova(e.as[0], only_a, DMA_ENV_PAGE, IOVA(only_a), rw));
	/* mapped where lib/dma's allocator chose: IOVA != VA, which the skeleton cannot read */
	TEST_ASSERT_OK(pdk_dma_as_set_iova_mode(e.as[0], PDK_DMA_IOVA_ALLOC));
	TEST_ASSERT_OK(pdk_dma_map(e.as[0], other, DMA_ENV_PAGE, rw, &iova));
	TEST_ASSERT_OK(pdk_dma_as_set_iova_mode(e.as[0], PDK_DMA_IOVA_VA));
	TEST_ASSERT(iova != IOVA(other));
	/* queue 0 on space a, queue 1 on space b */
	TEST_ASSERT_OK(sk_start(&e, "skel-iso", false, 2, 8, &id));

	TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(only_a), IOVA(e.mem), 64, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 2, NULL, st), 1);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT(test_all_bytes(e.mem, 0xa5, 64));

	memset(e.mem, 0, 64);
	TEST_ASSERT(pdk_dmadev_copy(id, 1, IOVA(only_a), IOVA(e.mem), 64, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 1, 2, NULL, st), 1);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_write, 0);
	TEST_ASSERT_EQ(st[0].fault_addr, IOVA(only_a));
	TEST_ASSERT_EQ(st[0].bytes_done, 0);
	TEST_ASSERT(test_all_bytes(e.mem, 0, 64), "space b's queue read space a's memory");

	TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(other), IOVA(e.mem), 64, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT(pdk_dmadev_copy(id, 0, iova, IOVA(e.mem), 64, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 2, NULL, st), 2);
	TEST_ASSERT(st[0].code == PDK_DMADEV_ST_PAGE_FAULT && st[0].fault_addr == IOVA(other));
	TEST_ASSERT(st[1].code == PDK_DMADEV_ST_PAGE_FAULT && st[1].fault_addr == iova);
	TEST_ASSERT(test_all_bytes(e.mem, 0, 64));

	/* an unmapped IOVA 0 faults too (and is not looked up as VA NULL) */
	TEST_ASSERT(pdk_dmadev_fill(id, 0, 0, 0, 8, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 2, NULL, st), 1);
	TEST_ASSERT(st[0].code == PDK_DMADEV_ST_PAGE_FAULT && st[0].fault_addr == 0);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(pdk_dma_unmap(e.as[0], only_a));
	TEST_ASSERT_OK(pdk_dma_unmap(e.as[0], other));
	test_buf_free(only_a, DMA_ENV_PAGE);
	test_buf_free(other, DMA_ENV_PAGE);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_isolation, fast, test_skeleton_isolation);

/* The ring holds nb_desc ops not yet reported: one more is -ENOSPC, and nothing moves */
static int
test_skeleton_ring_full(void)
{
	struct pdk_dmadev_status st[16];
	struct dma_env e;
	uint16_t last;
	unsigned int i;
	bool err;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(sk_start(&e, "skel-ring", false, 1, 8, &id));
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQ(pdk_dmadev_fill(id, 0, SK_BYTES(i), IOVA(e.mem + 8 * i), 8, 0), i);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + 512), 8, 0), -ENOSPC);
	TEST_ASSERT_RC(pdk_dmadev_fill(id, 0, 0, IOVA(e.mem), 8, PDK_DMADEV_OP_SUBMIT), -ENOSPC);
	/* the refused op with SUBMIT submitted nothing */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 0);
	TEST_ASSERT_EQ(last, 0xffff);
	TEST_ASSERT(test_all_bytes(e.mem, 0, 64));
	/* submitted and run, still in the ring until reported */
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + 512), 8, 0), -ENOSPC);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 3, &last, &err), 3);
	TEST_ASSERT_EQ(last, 2);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 3);
	for (i = 8; i < 11; i++)
		TEST_ASSERT_EQ(pdk_dmadev_fill(id, 0, SK_BYTES(i), IOVA(e.mem + 8 * i), 8, 0), i);
	TEST_ASSERT_RC(pdk_dmadev_fill(id, 0, 0, IOVA(e.mem), 8, 0), -ENOSPC);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 16, &last, st), 8);
	TEST_ASSERT_EQ(last, 10);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 8);
	for (i = 0; i < 11; i++)
		TEST_ASSERT(test_all_bytes(e.mem + 8 * i, (uint8_t)i, 8), "fill %u", i);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_ring_full, fast, test_skeleton_ring_full);

/* Counters: submitted, reported, failed, moved; a reset while started; a new queue starts at 0 */
static int
test_skeleton_stats(void)
{
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 16 };
	struct pdk_dmadev_status st[8];
	struct pdk_dmadev_stats s;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(sk_start(&e, "skel-stats", false, 2, 16, &id));
	TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + 4096), 100, 0) >= 0);
	TEST_ASSERT(pdk_dmadev_fill(id, 0, 0, IOVA(e.hole + 8), 16, 0) >= 0);	/* faults */
	TEST_ASSERT(pdk_dmadev_fill(id, 0, 0, IOVA(e.mem), 50, 0) >= 0);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT(pdk_dmadev_fill(id, 0, 0, IOVA(e.mem), 30, 0) >= 0);	/* after the submit */
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 3);
	TEST_ASSERT_EQ(s.completed, 0);	/* run, not reported yet */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, NULL, NULL), 1);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 8, NULL, st), 2);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 3);
	TEST_ASSERT_EQ(s.completed, 3);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_EQ(s.page_faults, 1);
	TEST_ASSERT_EQ(s.bytes, 150);	/* the faulted fill's bytes do not count */
	TEST_ASSERT(pdk_dmadev_copy(id, 1, IOVA(e.mem), IOVA(e.mem + 4096), 7, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 1, 8, NULL, NULL), 1);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT_EQ(s.submitted, 4);
	TEST_ASSERT_EQ(s.bytes, 157);

	/* a reset while started; counting goes on from there */
	TEST_ASSERT_OK(pdk_dmadev_stats_reset(id, 0));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT(s.submitted == 0 && s.completed == 0 && s.errors == 0 && s.page_faults == 0 &&
		    s.bytes == 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));	/* the fill of 30 enqueued after the submit */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, NULL, NULL), 1);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 1);
	TEST_ASSERT_EQ(s.bytes, 30);
	/* the counters outlive a restart; a queue set up again starts from zero */
	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 1, &s));
	TEST_ASSERT_EQ(s.bytes, 7);
	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	qc.as = e.as[1];
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 1, &s));
	TEST_ASSERT(s.submitted == 0 && s.bytes == 0);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_stats, fast, test_skeleton_stats);

/* PASIDs: a queue takes the lowest free one or the one asked, which may be the caller's */
static int
test_skeleton_pasids(void)
{
	struct pdk_dma_skeleton_conf nopasid = { .no_pasid = true };
	struct pdk_dmadev_conf dc = { .nb_queues = 3 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 8 };
	struct pdk_dmadev_queue_info qi;
	uint32_t pasids[4], p, n;
	struct dma_env e;
	int id, nid;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-pasid", NULL, &id));
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &dc));
	qc.as = e.as[0];
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 0, &qi));
	TEST_ASSERT_EQ(qi.pasid, 1);
	TEST_ASSERT_EQ(qi.hwpt_id, 0);
	TEST_ASSERT_OK(pdk_dmadev_pasid_alloc(id, &p));
	TEST_ASSERT_EQ(p, 2);
	TEST_ASSERT_OK(pdk_dmadev_pasid_reserve(id, 200));
	/* the caller's PASID for queue 1, a free one for queue 2 */
	qc.pasid = 200;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));
	qc.pasid = 0;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 2, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 2, &qi));
	TEST_ASSERT_EQ(qi.pasid, 3);
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(id, pasids, 4), 4);
	TEST_ASSERT(pasids[0] == 1 && pasids[1] == 2 && pasids[2] == 3 && pasids[3] == 200);
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(id, pasids, 2), 4);	/* the count, past max */

	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_pasid_free(id, 200), -EBUSY,
		     "skel-pasid: pasid_free 200: queue 1 uses it: Device or resource busy (-16)");
	TEST_REFUSED(pdk_dmadev_pasid_free(id, 1), -EBUSY, "queue 0 uses it");
	TEST_REFUSED(pdk_dmadev_pasid_free(id, 9), -ENOENT,
		     "pasid_free 9: the PASID is not allocated: No such file or directory (-2)");
	TEST_REFUSED(pdk_dmadev_pasid_free(id, 0), -ENOENT, "pasid_free 0");
	TEST_REFUSED(pdk_dmadev_pasid_reserve(id, 2), -EEXIST,
		     "pasid_reserve 2: it is allocated already: File exists (-17)");
	TEST_REFUSED(pdk_dmadev_pasid_reserve(id, 0), -ERANGE, "PASIDs are 1..255");
	TEST_REFUSED(pdk_dmadev_pasid_reserve(id, 256), -ERANGE, "pasid_reserve 256");
	/* a PASID another queue has */
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 2));
	qc.pasid = 1;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 2, &qc), -EBUSY,
		     "queue_setup 2: PASID 1: queue 0 uses it: Device or resource busy (-16)");

	/* released: the queue's PASIDs are free again, the caller's stay */
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 0));
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 1));
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(id, pasids, 4), 2);
	TEST_ASSERT(pasids[0] == 2 && pasids[1] == 200);
	TEST_ASSERT_OK(pdk_dmadev_pasid_free(id, 200));

	/* all 255 taken: alloc and a queue asking for any refuse with -ENOSPC */
	for (n = 0; pdk_dmadev_pasid_alloc(id, &p) == 0; n++)
		;
	TEST_ASSERT_EQ(n, 254);
	TEST_ASSERT_LOGGED("pasid_alloc: all 255 PASIDs are allocated: No space left on device (-28)");
	qc.pasid = 0;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -ENOSPC,
		     "queue_setup 0: all 255 PASIDs are allocated: No space left on device (-28)");
	/* asking for the caller's works even then */
	qc.pasid = 77;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	TEST_ASSERT_OK(pdk_dmadev_close(id));
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(id, NULL, 0), 255);	/* the caller's outlive close */

	/* a device without PASIDs: queues untagged, the PASID calls refused */
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-rid", &nopasid, &nid));
	dc.nb_queues = 1;
	TEST_ASSERT_OK(pdk_dmadev_configure(nid, &dc));
	TEST_REFUSED(pdk_dmadev_queue_setup(nid, 0, &qc), -EINVAL, "PDK_DMADEV_CAPA_PASID");
	qc.pasid = 0;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(nid, 0, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(nid, 0, &qi));
	TEST_ASSERT_EQ(qi.pasid, 0);
	TEST_REFUSED(pdk_dmadev_pasid_alloc(nid, &p), -ENOTSUP,
		     "skel-rid: pasid_alloc: the device was created without PASIDs (conf.no_pasid): "
		     "Operation not supported (-95)");
	TEST_REFUSED(pdk_dmadev_pasid_reserve(nid, 5), -ENOTSUP, "pasid_reserve");
	TEST_REFUSED(pdk_dmadev_pasid_free(nid, 5), -ENOTSUP, "pasid_free");
	TEST_REFUSED(pdk_dmadev_pasid_list(nid, pasids, 4), -ENOTSUP, "pasid_list");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(nid));
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_pasids, fast, test_skeleton_pasids);

/* A device's queues live in one iommufd context, as a device bound to one */
static int
test_skeleton_other_context(void)
{
	struct pdk_dmadev_conf dc = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 8 };
	struct pdk_iommufd *ictx2;
	struct pdk_dma_as *far;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(e.sim), &ictx2));
	TEST_ASSERT_OK(pdk_dma_as_create(ictx2, "far", &far));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-ctx", NULL, &id));
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &dc));
	qc.as = e.as[0];
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	qc.as = far;
	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 1, &qc), -EINVAL,
		     "skel-ctx: queue_setup 1: address space 'far' is of another iommufd context");
	/* with no queue left, the device takes the other context */
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 0));
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));
	qc.as = e.as[1];
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "another iommufd context");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(pdk_dma_as_destroy(far));
	pdk_iommufd_close(ictx2);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_other_context, fast, test_skeleton_other_context);

/* ---- the worker thread ---- */

/* Ops run by the device's worker: completions come later, in order, data and faults as inline */
static int
test_skeleton_worker(void)
{
	struct pdk_dmadev_status st[64];
	char *text = NULL;
	size_t tlen = 0;
	struct dma_env e;
	unsigned int i, round;
	uint16_t last;
	FILE *f;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	for (i = 0; i < DMA_ENV_PAGE; i++)
		e.mem[i] = (uint8_t)(i ^ 0x3c);
	TEST_ASSERT_OK(sk_start(&e, "skel-worker", true, 1, 64, &id));
	for (round = 0; round < 3; round++) {
		memset(e.mem + DMA_ENV_PAGE, 0, 2 * DMA_ENV_PAGE);
		/* 60 copies of 1..60 bytes, an op into the hole, a fill */
		for (i = 0; i < 60; i++)
			TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(e.mem + i), IOVA(e.mem + DMA_ENV_PAGE + 64 * i),
						    i + 1, 0) >= 0);
		TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.hole), 8, 0) >= 0);
		TEST_ASSERT(pdk_dmadev_fill(id, 0, SK_BYTES(0x11 * (round + 1)),
					    IOVA(e.mem + 3 * DMA_ENV_PAGE), 4096,
					    PDK_DMADEV_OP_SUBMIT) >= 0);
		TEST_ASSERT_EQ(sk_collect(id, 0, 62, st, &last), 62);
		TEST_ASSERT_EQ(last, (uint16_t)(62 * round + 61));
		for (i = 0; i < 60; i++) {
			TEST_ASSERT_EQ(st[i].code, PDK_DMADEV_ST_SUCCESS);
			TEST_ASSERT(memcmp(e.mem + DMA_ENV_PAGE + 64 * i, e.mem + i, i + 1) == 0,
				    "round %u copy %u", round, i);
			TEST_ASSERT_EQ(e.mem[DMA_ENV_PAGE + 64 * i + i + 1], 0);
		}
		TEST_ASSERT_EQ(st[60].code, PDK_DMADEV_ST_PAGE_FAULT);
		TEST_ASSERT_EQ(st[60].fault_addr, IOVA(e.hole));
		TEST_ASSERT_EQ(st[61].code, PDK_DMADEV_ST_SUCCESS);
		TEST_ASSERT(test_all_bytes(e.mem + 3 * DMA_ENV_PAGE, (uint8_t)(0x11 * (round + 1)), 4096));
	}
	f = open_memstream(&text, &tlen);
	TEST_ASSERT(f != NULL);
	TEST_ASSERT_OK(pdk_dmadev_dump(id, f));
	fclose(f);
	TEST_ASSERT(strstr(text, "skeleton skel-worker: started, ops run by a worker thread") != NULL,
		    "%s", text);
	TEST_ASSERT(strstr(text, "write 186, submitted 186, run 186, reported 186") != NULL, "%s", text);
	free(text);
	/* stop joins the worker; a restart makes a new one, indexes from 0 */
	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + DMA_ENV_PAGE), 16,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(sk_collect(id, 0, 1, st, &last), 1);
	TEST_ASSERT_EQ(last, 0);
	/* destroyed while started, ops in flight: destroy stops it first */
	for (i = 0; i < 32; i++)
		TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + DMA_ENV_PAGE), 4096,
					    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_worker, fast, test_skeleton_worker);

struct sk_app {
	int dev_id;
	uint16_t q;
	uint8_t *src, *dst;	/* a page each, the thread's own */
	unsigned int rounds;
	char why[160];		/* empty: it went well */
};

/* One application thread per queue, as pdk_dmadev.h allows: copy, wait, verify */
static void *
sk_app_main(void *arg)
{
	struct sk_app *a = arg;
	struct pdk_dmadev_status st[16];
	unsigned int r, i;
	uint16_t last;

	for (r = 0; r < a->rounds; r++) {
		for (i = 0; i < DMA_ENV_PAGE; i++)
			a->src[i] = (uint8_t)(i + r * 7 + a->q);
		for (i = 0; i < 16; i++) {
			if (pdk_dmadev_copy(a->dev_id, a->q, IOVA(a->src + 256 * i),
					    IOVA(a->dst + 256 * i), 256, i == 15 ? PDK_DMADEV_OP_SUBMIT : 0) < 0) {
				snprintf(a->why, sizeof(a->why), "queue %u round %u: copy %u refused", a->q, r, i);
				return NULL;
			}
		}
		if (sk_collect(a->dev_id, a->q, 16, st, &last) != 16) {
			snprintf(a->why, sizeof(a->why), "queue %u round %u: completions missing", a->q, r);
			return NULL;
		}
		for (i = 0; i < 16; i++)
			if (st[i].code != PDK_DMADEV_ST_SUCCESS) {
				snprintf(a->why, sizeof(a->why), "queue %u round %u: op %u: %s", a->q, r, i,
					 pdk_dmadev_status_name(st[i].code));
				return NULL;
			}
		if (memcmp(a->src, a->dst, DMA_ENV_PAGE) != 0) {
			snprintf(a->why, sizeof(a->why), "queue %u round %u: data differ", a->q, r);
			return NULL;
		}
	}
	return NULL;
}

/* Two application threads on two queues, the worker, and the control thread reading counters */
static int
test_skeleton_threads(void)
{
	struct sk_app app[2];
	pthread_t th[2];
	struct pdk_dmadev_stats s;
	struct dma_env e;
	FILE *null;
	int id, q;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(sk_start(&e, "skel-mt", true, 2, 32, &id));
	null = fopen("/dev/null", "w");
	TEST_ASSERT(null != NULL);
	for (q = 0; q < 2; q++) {
		app[q] = (struct sk_app){ .dev_id = id, .q = (uint16_t)q, .rounds = 200,
					  .src = e.mem + 2 * q * DMA_ENV_PAGE,
					  .dst = e.mem + (2 * q + 1) * DMA_ENV_PAGE };
		TEST_ASSERT(pthread_create(&th[q], NULL, sk_app_main, &app[q]) == 0);
	}
	/* stats and dump are allowed while traffic runs */
	for (q = 0; q < 50; q++) {
		TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
		TEST_ASSERT(s.completed <= s.submitted);
		TEST_ASSERT_OK(pdk_dmadev_dump(id, null));
	}
	for (q = 0; q < 2; q++)
		pthread_join(th[q], NULL);
	fclose(null);
	for (q = 0; q < 2; q++)
		TEST_ASSERT(app[q].why[0] == '\0', "%s", app[q].why);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT_EQ(s.submitted, 2 * 200 * 16);
	TEST_ASSERT_EQ(s.completed, 2 * 200 * 16);
	TEST_ASSERT_EQ(s.errors, 0);
	TEST_ASSERT_EQ(s.bytes, 2ull * 200 * DMA_ENV_PAGE);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_threads, fast, test_skeleton_threads);

/*
 * A stop that fails (an ops override on the skeleton's: "the device did
 * not stop"): the worker is still running when close releases the queues,
 * so the skeleton's release quiesces it before freeing the rings.
 */
static int
failing_stop(void *dev)
{
	(void)dev;
	PDK_LOG(ERR, "test", "stop: failure injected by the test, the worker keeps running");
	return -ETIMEDOUT;
}

static int
test_skeleton_failed_stop(void)
{
	struct pdk_dmadev_ops ops = *pdk_dma_skeleton_ops();
	struct pdk_dma_skeleton_conf conf = { .worker = true, .ops = &ops };
	struct pdk_dmadev_conf dc = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 256 };
	struct dma_env e;
	unsigned int i;
	int id;

	ops.stop = failing_stop;
	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-stuck", &conf, &id));
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &dc));
	qc.as = e.as[0];
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	/* work for the worker while the stop fails and close goes on */
	for (i = 0; i < 256; i++)
		TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(e.mem), IOVA(e.mem + DMA_ENV_PAGE), 4096,
					    PDK_DMADEV_OP_SUBMIT) >= 0);
	test_log_capture_start();
	/* the driver's ERR line, then the library's WARNING of the state it keeps */
	TEST_REFUSED(pdk_dmadev_stop(id), -ETIMEDOUT, "skel-stuck: stop: the driver failed (above)");
	TEST_REFUSED(pdk_dmadev_close(id), -ETIMEDOUT, "stop: failure injected by the test");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dma_skeleton_failed_stop, fast, test_skeleton_failed_stop);
