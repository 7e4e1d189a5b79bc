/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The DSA PMD through lib/bus and lib/dmadev, on the SIMULATED kernel's DSA
 * model (drivers/sim, a simulation: these are not hardware results). Every
 * queue is a dedicated WQ with its own PASID and address space.
 */

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pdk_bus.h"
#include "pdk_dmadev.h"
#include "pdk_dsa.h"
#include "pdk_idxd.h"
#include "pdk_test.h"
#include "test_dsa_env.h"
#include "test_env.h"

/*
 * Wait for @p n completions of queue q with completed() (no statuses: the
 * driver's whole-batch path); @return n, or -EIO at a failed op.
 */
static int
drain_ok(int dev_id, uint16_t q, unsigned int n)
{
	unsigned int got = 0, spins = 0;
	bool err = false;

	while (got < n && spins++ < 20000000) {
		got += pdk_dmadev_completed(dev_id, q, (uint16_t)(n - got), NULL, &err);
		if (err)
			return -EIO;
	}
	return got == n ? (int)n : -ETIMEDOUT;
}

static int
test_dsa_probe_info(void)
{
	struct pdk_dmadev_info info;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT(e.dev_id >= 0);
	TEST_ASSERT_OK(pdk_dmadev_info_get(e.dev_id, &info));
	TEST_ASSERT(strcmp(info.driver, PDK_DSA_DRIVER_NAME) == 0);
	TEST_ASSERT(strcmp(info.backend, "sim") == 0);
	TEST_ASSERT(strcmp(info.name, DSA_ADDR) == 0);
	TEST_ASSERT(info.capa & PDK_DMADEV_CAPA_SIM);
	TEST_ASSERT(info.capa & PDK_DMADEV_CAPA_PASID);
	TEST_ASSERT(info.capa & PDK_DMADEV_CAPA_COPY);
	TEST_ASSERT(info.capa & PDK_DMADEV_CAPA_FILL);
	TEST_ASSERT_EQ(info.max_queues, 8);
	TEST_ASSERT_EQ(info.pasid_width, 20);
	TEST_ASSERT_EQ(info.min_desc, PDK_DSA_MIN_DESC);
	TEST_ASSERT_EQ(info.max_desc, PDK_DSA_MAX_DESC);
	TEST_ASSERT(info.max_xfer >= 4096);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_probe_info, fast, test_dsa_probe_info);

struct traffic {
	int dev_id;
	uint16_t q;
	uint8_t *buf;
	uint64_t iova;
	unsigned int rounds;
	int result;		/* 0 or the first problem, as a line number */
};

/*
 * Copy the first half of the buffer to the second in bursts of ops of
 * varying sizes, then compare every byte; a new pattern each round.
 */
static void *
traffic_run(void *arg)
{
	struct traffic *t = arg;
	const uint32_t half = BUF_LEN / 2;
	struct pdk_dmadev_status st[64];
	unsigned int r, i;

	for (r = 0; r < t->rounds; r++) {
		uint32_t off = 0;

		for (i = 0; i < half; i++)
			t->buf[i] = (uint8_t)(i * 7 + r * 13 + t->q * 101);
		memset(t->buf + half, 0, half);
		while (off < half) {
			unsigned int n = 0, k;

			while (n < 64 && off < half) {
				uint32_t len = 512u + ((off / 512u + r) % 8u) * 512u;

				if (len > half - off)
					len = half - off;
				if (pdk_dmadev_copy(t->dev_id, t->q, t->iova + off,
						    t->iova + half + off, len, 0) < 0)
					break;
				off += len;
				n++;
			}
			if (pdk_dmadev_submit(t->dev_id, t->q) != 0) {
				t->result = __LINE__;
				return NULL;
			}
			k = (unsigned int)dsa_env_drain(t->dev_id, t->q, n, st);
			if (k != n) {
				t->result = __LINE__;
				return NULL;
			}
		}
		if (memcmp(t->buf, t->buf + half, half) != 0) {
			t->result = __LINE__;
			return NULL;
		}
	}
	return NULL;
}

static int
test_dsa_four_pasids(void)
{
	struct traffic t[NQ];
	pthread_t th[NQ];
	struct pdk_dmadev_queue_info qi[NQ];
	struct pdk_dmadev_stats s;
	struct pdk_sim_stats ss;
	struct dsa_env e;
	unsigned int i, j;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, NQ, 256));
	for (i = 0; i < NQ; i++) {
		TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, (uint16_t)i, &qi[i]));
		TEST_ASSERT(qi[i].pasid != 0);
		TEST_ASSERT(qi[i].as == e.as[i]);
		for (j = 0; j < i; j++)
			TEST_ASSERT(qi[j].pasid != qi[i].pasid, "queues %u and %u share a PASID",
				    j, i);
	}
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	for (i = 0; i < NQ; i++) {
		t[i] = (struct traffic){ .dev_id = e.dev_id, .q = (uint16_t)i, .buf = e.buf[i],
					 .iova = e.iova[i], .rounds = 3 };
		TEST_ASSERT_OK(pthread_create(&th[i], NULL, traffic_run, &t[i]));
	}
	for (i = 0; i < NQ; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < NQ; i++) {
		TEST_ASSERT(t[i].result == 0, "queue %u failed at test_dsa.c:%d", i, t[i].result);
		TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, (uint16_t)i, &s));
		TEST_ASSERT_EQ(s.bytes, 3ull * BUF_LEN / 2);
		TEST_ASSERT_EQ(s.errors, 0);
		TEST_ASSERT_EQ(s.submitted, s.completed);
	}
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT_EQ(s.bytes, NQ * 3ull * BUF_LEN / 2);
	pdk_sim_stats_get(e.sim, &ss);
	TEST_ASSERT_EQ(ss.faults, 0);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_four_pasids_traffic, fast, test_dsa_four_pasids);

/*
 * Queue 0 (PASID A, space 0) copies to an IOVA that only space 1 maps: the
 * IOMMU refuses the write, the op completes with a page fault at that IOVA,
 * and the target keeps every byte.
 */
static int
test_dsa_cross_pasid(void)
{
	const uint64_t foreign = 0x70000000;	/* mapped in space 1 only */
	struct pdk_dmadev_status st[2];
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_stats s;
	struct pdk_sim_fault f;
	uint8_t *target;
	uint16_t last = 0;
	bool err = false;
	struct dsa_env e;
	int idx;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 2, 64));
	target = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(target != MAP_FAILED);
	memset(target, 0xa5, 4096);
	TEST_ASSERT_OK(pdk_dma_map_iova(e.as[1], target, 4096, foreign,
					PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 0, &qi));
	memset(e.buf[0], 0x11, 4096);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));

	/* an honest copy first, so the fault is not the queue's first op */
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 8192, 4096, 0), 0);
	idx = pdk_dmadev_copy(e.dev_id, 0, e.iova[0], foreign, 4096, PDK_DMADEV_OP_SUBMIT);
	TEST_ASSERT_EQ(idx, 1);
	/* completed() reports the good op and stops before the bad one */
	while (pdk_dmadev_completed(e.dev_id, 0, 2, &last, &err) == 0 && !err)
		;
	TEST_ASSERT_EQ(last, 0);
	while (!err)
		pdk_dmadev_completed(e.dev_id, 0, 2, &last, &err);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 0);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].hw_status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(st[0].fault_addr, foreign);
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	TEST_ASSERT(target[0] == 0xa5 && target[4095] == 0xa5 &&
		    memchr(target, 0x11, 4096) == NULL, "the cross-PASID copy landed");

	/* the sim saw the access with queue 0's PASID */
	TEST_ASSERT_OK(pdk_sim_fault_pop(e.sim, &f));
	TEST_ASSERT(f.pasid_valid);
	TEST_ASSERT_EQ(f.pasid, qi.pasid);
	TEST_ASSERT_EQ(f.iova, foreign);
	TEST_ASSERT(f.write);

	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.page_faults, 1);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_EQ(s.completed, 2);
	TEST_ASSERT_EQ(s.bytes, 4096);

	/* the same IOVA through queue 1 (space 1) lands */
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 1, e.iova[1], foreign, 4096,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 1, 1, st), 1);
	TEST_ASSERT_EQ(target[100], 0);
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_OK(pdk_dma_unmap(e.as[1], target));
	munmap(target, 4096);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_cross_pasid_fault, fast, test_dsa_cross_pasid);

/*
 * The direction of a fault, from the public status: the device puts it in
 * status bit 7 (uapi idxd.h DSA_COMP_STATUS_WRITE), not in byte 2, and
 * hw_status is the code without it. A copy to an unmapped IOVA is a write
 * fault, one from it a read fault; both alone and inside a batch.
 */
static int
test_dsa_fault_direction(void)
{
	const uint64_t unmapped = 0x70000000;
	struct pdk_dmadev_status st[4];
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	/* alone: one op per submission */
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], unmapped, 64,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 0);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, unmapped, e.iova[0], 64,
				       PDK_DMADEV_OP_SUBMIT), 1);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st + 1), 0);
	/* in one batch */
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, unmapped + 4096, e.iova[0], 64, 0), 2);
	TEST_ASSERT_EQ(pdk_dmadev_fill(e.dev_id, 0, 0, unmapped + 8192, 64,
				       PDK_DMADEV_OP_SUBMIT), 3);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 2, st + 2), 0);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].hw_status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	TEST_ASSERT_EQ(st[0].fault_addr, unmapped);
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[1].hw_status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(st[1].fault_write, 0);
	TEST_ASSERT_EQ(st[1].fault_addr, unmapped);
	TEST_ASSERT_EQ(st[2].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[2].fault_write, 0);
	TEST_ASSERT_EQ(st[2].fault_addr, unmapped + 4096);
	TEST_ASSERT_EQ(st[3].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[3].hw_status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(st[3].fault_write, 1);
	TEST_ASSERT_EQ(st[3].fault_addr, unmapped + 8192);
	/* the codes by the kernel's names (uapi enum dsa_completion_status) */
	TEST_ASSERT(strcmp(pdk_dsa_status_name(st[0].hw_status), "PAGE_FAULT_NOBOF") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x83), "PAGE_FAULT_NOBOF") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x09), "DIF_ERR") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x0a), "unknown") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x18), "DESCLIST_ALIGN") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x22), "TRANSLATION_FAIL") == 0);
	TEST_ASSERT(strcmp(pdk_dsa_status_name(0x23), "unknown") == 0);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_fault_direction, fast, test_dsa_fault_direction);

/*
 * The group flags the PMD writes, read back from the device through its
 * dump: traffic class A = B = 1 on a DSA 1.0 and read buffers allowed =
 * GRPCAP total_rdbufs, as the kernel writes them (drivers/dma/idxd/device.c
 * idxd_groups_clear_state(), idxd_group_flags_setup()); PDK wrote 0.
 */
static int
test_dsa_group_flags(void)
{
	char *text = NULL;
	size_t len = 0;
	struct dsa_env e;
	FILE *f;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	f = open_memstream(&text, &len);
	TEST_ASSERT(f != NULL);
	TEST_ASSERT_OK(pdk_dmadev_dump(e.dev_id, f));
	fclose(f);
	TEST_ASSERT(strstr(text, "group 0: WQs 0x1, engines 0x1, flags 0x6000009 "
			   "(TC-A 1, TC-B 1, read buffers allowed 96 of 96)") != NULL,
		    "dump: %s", text);
	free(text);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_group_flags, fast, test_dsa_group_flags);

/* The device's dump into @p text (freed by the caller). */
static int
dump_text(int dev_id, char **text)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	int rc;

	if (f == NULL)
		return -ENOMEM;
	rc = pdk_dmadev_dump(dev_id, f);
	fclose(f);
	return rc;
}

/*
 * One engine per group, the WQs round robin over the groups, as DPDK
 * configures a DSA "to avoid reordering" (drivers/dma/idxd/idxd_pci.c
 * init_pci_device()): 4 queues on the model's 4 engines get a group and an
 * engine each; with engines=2, two groups of one engine and two WQs.
 */
static int
test_dsa_groups(void)
{
	static const char *const four[] = {
		"group 0: WQs 0x1, engines 0x1,", "group 1: WQs 0x2, engines 0x2,",
		"group 2: WQs 0x4, engines 0x4,", "group 3: WQs 0x8, engines 0x8,",
	};
	char *text = NULL;
	struct dsa_env e;
	unsigned int i;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, NQ, 64));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_OK(dump_text(e.dev_id, &text));
	for (i = 0; i < 4; i++)
		TEST_ASSERT(strstr(text, four[i]) != NULL, "no '%s' in: %s", four[i], text);
	free(text);
	text = NULL;
	for (i = 0; i < NQ; i++) {
		memset(e.buf[i], (int)i + 1, 4096);
		TEST_ASSERT(pdk_dmadev_copy(e.dev_id, (uint16_t)i, e.iova[i], e.iova[i] + 8192,
					    4096, PDK_DMADEV_OP_SUBMIT) >= 0);
	}
	for (i = 0; i < NQ; i++) {
		struct pdk_dmadev_status st;

		TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, (uint16_t)i, 1, &st), 1);
		TEST_ASSERT_EQ(e.buf[i][8192 + 4095], i + 1);
	}
	TEST_ASSERT_OK(dsa_env_teardown(&e));

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, "0000:6a:01.0,engines=2"));
	TEST_ASSERT_OK(dsa_env_queues(&e, NQ, 64));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_OK(dump_text(e.dev_id, &text));
	TEST_ASSERT(strstr(text, "group 0: WQs 0x5, engines 0x1,") != NULL, "%s", text);
	TEST_ASSERT(strstr(text, "group 1: WQs 0xa, engines 0x2,") != NULL, "%s", text);
	TEST_ASSERT(strstr(text, "group 2:") == NULL, "%s", text);
	free(text);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_groups, fast, test_dsa_groups);

/*
 * DSA's fence orders within a batch only (uapi idxd.h IDXD_OP_FLAG_FENCE),
 * so a fenced op that opens a new submission while earlier ones run is held
 * by the driver until they have finished: the model never accepts it while
 * the batch is queued or running (busy_accepted stays 0), and the fenced
 * copy reads what the batch wrote. (The old driver sent it at once: the
 * model then counted it busy unless the 512 KiB batch was already done.)
 */
static int
test_dsa_fence_across_submissions(void)
{
	struct pdk_sim_fn *fn;
	struct pdk_sim_dsa_stats ds;
	struct pdk_dmadev_status st[16];
	struct dsa_env e;
	unsigned int i;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 32));	/* no ring wrap cuts a batch below */
	fn = pdk_sim_fn_find(e.sim, DSA_ADDR);
	TEST_ASSERT(fn != NULL);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	memset(e.buf[0], 0x3c, 512 << 10);
	/* one batch of 8 copies of 64 KiB, the last of them to [512K, 576K) */
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0] + ((uint64_t)i << 16),
					       e.iova[0] + (512u << 10) + ((uint64_t)i << 16),
					       64 << 10, i == 7 ? PDK_DMADEV_OP_SUBMIT : 0),
			       (int)i);
	/* a fenced copy of what the batch writes, in a submission of its own */
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0] + (512u << 10) + (7u << 16),
				       e.iova[0] + (900u << 10), 64 << 10,
				       PDK_DMADEV_OP_FENCE | PDK_DMADEV_OP_SUBMIT), 8);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 9, st), 9);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds));
	TEST_ASSERT_EQ(ds.submitted, 2);
	TEST_ASSERT_EQ(ds.busy_accepted, 0);
	TEST_ASSERT(e.buf[0][900u << 10] == 0x3c && e.buf[0][(900u << 10) + 65535] == 0x3c);

	/*
	 * The fenced copy second in its submission, after one without a fence:
	 * the device would order it after that one only, which may finish
	 * before the batch does, so the whole submission is held.
	 */
	memset(e.buf[0], 0x5a, 512 << 10);
	for (i = 0; i < 8; i++)
		TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0] + ((uint64_t)i << 16),
					       e.iova[0] + (512u << 10) + ((uint64_t)i << 16),
					       64 << 10, i == 7 ? PDK_DMADEV_OP_SUBMIT : 0),
			       (int)(9 + i));
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + (832u << 10), 4096, 0),
		       17);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0] + (512u << 10) + (7u << 16),
				       e.iova[0] + (900u << 10), 64 << 10,
				       PDK_DMADEV_OP_FENCE | PDK_DMADEV_OP_SUBMIT), 18);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 10, st), 10);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds));
	TEST_ASSERT_EQ(ds.submitted, 4);
	TEST_ASSERT_EQ(ds.busy_accepted, 0);
	TEST_ASSERT(e.buf[0][900u << 10] == 0x5a && e.buf[0][(900u << 10) + 65535] == 0x5a);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_fence_across_submissions, fast, test_dsa_fence_across_submissions);

/*
 * On a DSA 2.0 (the model's PDK_SIM_MODEL_DSA2: 8086:11fb, 64-byte WQCFG,
 * op_config reset to nothing allowed) the driver writes op_config from
 * OPCAP, as the kernel does (drivers/dma/idxd/device.c
 * idxd_wq_config_write()): copies, fills and batches run. PDK wrote dwords
 * 0-3 only, and every descriptor failed with BAD_OPCODE.
 */
static int
test_dsa2_traffic(void)
{
	struct pdk_dmadev_status st[4];
	struct dsa_env e;
	unsigned int i;

	TEST_ASSERT_OK(dsa_env_setup_model(&e, PDK_SIM_MODEL_DSA2, 20, NULL, 0));
	TEST_ASSERT_OK(dsa_env_queues(&e, 2, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	memset(e.buf[0], 0x2d, 4096);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 8192, 4096,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	for (i = 0; i < 3; i++)
		TEST_ASSERT(pdk_dmadev_fill(e.dev_id, 1, 0x0101010101010101ull * (i + 1),
					    e.iova[1] + 4096 * i, 4096,
					    i == 2 ? PDK_DMADEV_OP_SUBMIT : 0) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 1, 3, st), 3);
	TEST_ASSERT_EQ(e.buf[0][8192 + 4095], 0x2d);
	TEST_ASSERT_EQ(e.buf[1][2 * 4096 + 17], 3);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa2_pmd_traffic, fast, test_dsa2_traffic);

/*
 * A halted device (GENSTS state 3, the reset it needs in bits 3:2:
 * registers.h union gensts_reg, enum idxd_device_reset_type) takes no
 * command, as the kernel refuses them (device.c idxd_cmd_exec()): stop
 * fails once, naming the reset; the dump says it; probe of a device that
 * needs a platform reset is refused, one that needs an FLR is recovered by
 * probe's VFIO reset. The model halts by injection (pdk_sim_fn_dsa_halt()).
 */
static int
test_dsa_halted(void)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
	};
	struct pdk_dmadev_status st;
	struct pdk_sim_fn *fn;
	char *text = NULL;
	struct dsa_env e;

	/* halted while started: FLR needed */
	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	fn = pdk_sim_fn_find(e.sim, DSA_ADDR);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(fn, PDK_IDXD_RESET_FLR));
	TEST_ASSERT_OK(dump_text(e.dev_id, &text));
	TEST_ASSERT(strstr(text, "GENSTS 0x00000007 (halted)") != NULL, "%s", text);
	TEST_ASSERT(strstr(text, "halted: the device needs a function level reset") != NULL,
		    "%s", text);
	free(text);
	/* a descriptor to a halted device is dropped: nothing completes */
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(e.dev_id, 0, 1, NULL, &st), 0);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_stop(e.dev_id), -EIO);
	TEST_ASSERT_LOGGED_ONCE("stop: DISABLE_DEVICE not sent: the device is halted (GENSTS 0x00000007), it needs a function level reset");
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_env_teardown(&e));

	/* a software reset needed */
	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(pdk_sim_fn_find(e.sim, DSA_ADDR), PDK_IDXD_RESET_SOFTWARE));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_stop(e.dev_id), -EIO);
	TEST_ASSERT_LOGGED_ONCE("it needs a software reset (RESET DEVICE)");
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_env_teardown(&e));

	/* halted before probe, needing a warm reset: probe refuses, naming it */
	memset(&e, 0, sizeof(e));
	TEST_ASSERT_OK(pdk_sim_create(&scfg, &e.sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(e.sim, &fcfg, &fn));
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(fn, PDK_IDXD_RESET_WARM));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(e.sim), &e.ictx));
	TEST_ASSERT_OK(pdk_bus_create(e.ictx, &e.bus));
	TEST_ASSERT(pdk_bus_scan(e.bus) >= 0);
	test_log_capture_start();
	TEST_ASSERT(pdk_bus_probe(e.bus) <= 0);
	TEST_ASSERT_LOGGED("RESET_DEVICE not sent: the device is halted (GENSTS 0x0000000b), it needs a warm platform reset");
	TEST_ASSERT(pdk_dmadev_get_dev_id(DSA_ADDR) < 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_env_teardown(&e));

	/* halted before probe, needing an FLR: probe's VFIO reset recovers it */
	memset(&e, 0, sizeof(e));
	TEST_ASSERT_OK(pdk_sim_create(&scfg, &e.sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(e.sim, &fcfg, &fn));
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(fn, PDK_IDXD_RESET_FLR));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(e.sim), &e.ictx));
	TEST_ASSERT_OK(pdk_bus_create(e.ictx, &e.bus));
	TEST_ASSERT(pdk_bus_scan(e.bus) >= 0);
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	e.dev_id = pdk_dmadev_get_dev_id(DSA_ADDR);
	TEST_ASSERT(e.dev_id >= 0);
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, &st), 1);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_halted, fast, test_dsa_halted);

/*
 * Completion records as DPDK and the VFIO selftest ask for them: ops of a
 * batch carry CRAV without RCR (a record only on failure), the batch and a
 * lone op RCR (DPDK idxd_common.c __idxd_write_desc(), __submit()); copies
 * and fills carry CC where GENCAP offers it (idxd_enqueue_copy()). A batch
 * of 8 good copies costs the device one record, not 9.
 */
static int
test_dsa_records(void)
{
	struct pdk_sim_dsa_stats ds0, ds1;
	struct pdk_dmadev_status st[8];
	struct pdk_sim_fn *fn;
	char *text = NULL;
	struct dsa_env e;
	unsigned int i;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	fn = pdk_sim_fn_find(e.sim, DSA_ADDR);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_OK(dump_text(e.dev_id, &text));
	TEST_ASSERT(strstr(text, "op flags 0x104,") != NULL, "%s", text);	/* CRAV | CC */
	free(text);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds0));
	for (i = 0; i < 8; i++)
		TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 8192 * (i + 1),
					    4096, i == 7 ? PDK_DMADEV_OP_SUBMIT : 0) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 8, st), 8);
	for (i = 0; i < 8; i++) {
		TEST_ASSERT_EQ(st[i].hw_status, PDK_IDXD_COMP_SUCCESS);
		TEST_ASSERT_EQ(st[i].bytes_done, 4096);
	}
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds1));
	TEST_ASSERT_EQ(ds1.records - ds0.records, 1);
	/* alone: its own record */
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds0));
	TEST_ASSERT_EQ(ds0.records - ds1.records, 1);
	/* a failure in a batch still has its record: one for it, one for the batch */
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64, 0) >= 0);
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], 0x70000000, 64, 0) >= 0);
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 3, st), 2);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[2].code, PDK_DMADEV_ST_SUCCESS);	/* ran: no fence */
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds1));
	TEST_ASSERT_EQ(ds1.records - ds0.records, 2);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_records, fast, test_dsa_records);

/*
 * A copy that faults part way reports the bytes the device moved before
 * the fault (the record's bytes_completed, uapi idxd.h) and the address:
 * 8 KiB to a page mapped just below an unmapped one.
 */
static int
test_dsa_partial(void)
{
	const uint64_t page_iova = 0x6ffff000;	/* 0x70000000 is not mapped */
	struct pdk_dmadev_status st;
	struct dsa_env e;
	uint8_t *page;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(page != MAP_FAILED);
	TEST_ASSERT_OK(pdk_dma_map_iova(e.as[0], page, 4096, page_iova,
					PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	memset(e.buf[0], 0x71, 8192);
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], page_iova, 8192,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, &st), 0);
	TEST_ASSERT_EQ(st.code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st.fault_write, 1);
	TEST_ASSERT_EQ(st.fault_addr, page_iova + 4096);
	TEST_ASSERT_EQ(st.bytes_done, 4096);
	TEST_ASSERT(page[0] == 0x71 && page[4095] == 0x71);
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_OK(pdk_dma_unmap(e.as[0], page));
	munmap(page, 4096);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_partial_fault, fast, test_dsa_partial);

/* Fills and copies in bursts across the ring's wrap; capacity is exact. */
static int
test_dsa_fill_wrap(void)
{
	struct pdk_dmadev_status st[64];
	struct dsa_env e;
	unsigned int round, i;
	uint16_t cap;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 32));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	for (round = 0; round < 40; round++) {
		unsigned int n = 5 + round % 23;
		uint64_t pat = 0x0101010101010101ull * (round + 1);

		for (i = 0; i < n; i++)
			TEST_ASSERT(pdk_dmadev_fill(e.dev_id, 0, pat, e.iova[0] + i * 256, 256, 0)
				    >= 0, "round %u op %u", round, i);
		TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
		TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, n, st), n);
		for (i = 0; i < n * 256; i++)
			TEST_ASSERT_EQ(e.buf[0][i], (uint8_t)(round + 1));
	}
	/* capacity: that many enqueues succeed and the next one does not */
	cap = pdk_dmadev_burst_capacity(e.dev_id, 0);
	TEST_ASSERT(cap > 0 && cap <= 32);
	for (i = 0; i < cap; i++)
		TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 65536, 64, 0) >= 0);
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 65536, 64, 0),
		       -ENOSPC);
	TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, cap, st), cap);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_fill_ring_wrap, fast, test_dsa_fill_wrap);

/*
 * The burst API, the PMD's own copy_burst / fill_burst: bursts of 1 to 23
 * across the ring's wrap, mixed with per-op calls, each with its ring
 * indexes and its data; a burst larger than the room enqueues what
 * burst_capacity() said (the ring's room and the WQ entries of the
 * segments it opens), the rest is -ENOSPC; a bad length in the middle stops
 * it there (-EINVAL for that op next) and leaves the queue consistent; a
 * fault in the middle of a batch is reported for that op, the others ran;
 * a device without MEMFILL refuses fill bursts. Nothing is logged.
 */
static int
test_dsa_burst(void)
{
	struct pdk_dmadev_op ops[48];
	struct pdk_dmadev_status st[48];
	struct pdk_dmadev_stats s;
	uint64_t bytes = 0;	/* of the successful ops: the stats must say it exactly */
	uint16_t first = 0, last, cap, expect = 0;
	unsigned int round, i;
	struct dsa_env e;
	bool err;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 32));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	test_log_capture_start();
	for (round = 0; round < 40; round++) {
		unsigned int n = 1 + (round * 7) % 23;
		uint8_t v = (uint8_t)(round + 1);

		memset(e.buf[0], v, 256);
		for (i = 0; i < n; i++) {
			ops[i].src = round % 2 ? 0x0101010101010101ull * v : e.iova[0];
			ops[i].dst = e.iova[0] + 4096 + 256 * i;
			ops[i].len = 256;
		}
		if (round % 3 == 2)	/* a per-op call before the burst */
			TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 65536,
						       64, 0), expect++);
		TEST_ASSERT_EQ(round % 2 ?
			       pdk_dmadev_fill_burst(e.dev_id, 0, ops, (uint16_t)n, 0, &first) :
			       pdk_dmadev_copy_burst(e.dev_id, 0, ops, (uint16_t)n, 0, &first),
			       n);
		TEST_ASSERT_EQ(first, expect);
		expect = (uint16_t)(expect + n);
		if (round % 3 == 1)	/* and one after it, with the submit */
			TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 65536,
						       64, PDK_DMADEV_OP_SUBMIT), expect++);
		else
			TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
		bytes += n * 256 + (round % 3 != 0 ? 64 : 0);
		n += round % 3 != 0;
		if (round % 4 == 3) {
			/* completed() in two parts: the batch's bytes counted once */
			unsigned int got = 0, spins = 0;

			while (got < n && spins++ < 20000000)
				got += pdk_dmadev_completed(e.dev_id, 0,
							    (uint16_t)(got == 0 ? n / 2 + 1 : n - got),
							    &last, &err);
			TEST_ASSERT_EQ(got, n);
			TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
			TEST_ASSERT_EQ(s.bytes, bytes);
			continue;
		}
		/* completed() whole, or completed_status() */
		TEST_ASSERT_EQ(round % 4 == 1 ? drain_ok(e.dev_id, 0, n) : dsa_env_drain(e.dev_id, 0, n, st),
			       n);
		for (i = 0; i < (n - (round % 3 != 0)) * 256; i++)
			TEST_ASSERT(e.buf[0][4096 + i] == v, "round %u byte %u", round, i);
	}
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.bytes, bytes);

	/* more than the room: exactly burst_capacity() go in, the rest -ENOSPC */
	for (i = 0; i < 48; i++) {
		ops[i].src = e.iova[0];
		ops[i].dst = e.iova[0] + 65536;
		ops[i].len = 64;
	}
	cap = pdk_dmadev_burst_capacity(e.dev_id, 0);
	TEST_ASSERT(cap > 0 && cap <= 32, "capacity %u", cap);
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 48, 0, &first), cap);
	TEST_ASSERT_EQ(first, expect);
	expect = (uint16_t)(expect + cap);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(e.dev_id, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(e.dev_id, 0, ops + cap, 1, PDK_DMADEV_OP_SUBMIT,
					     NULL), -ENOSPC);
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 65536, 64, 0),
		       -ENOSPC);
	TEST_ASSERT_EQ(pdk_dmadev_completed(e.dev_id, 0, 48, &last, &err), 0);	/* not submitted */
	TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, cap, st), cap);
	bytes += cap * 64u;

	/* a bad length in the middle: two enqueued, then -EINVAL for it */
	ops[2].len = 0;
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 6, 0, &first), 2);
	TEST_ASSERT_EQ(first, expect);
	expect = (uint16_t)(expect + 2);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(e.dev_id, 0, ops + 2, 4, 0, &first), -EINVAL);
	ops[2].len = 1u << 31;	/* above the model's max_xfer */
	TEST_ASSERT_RC(pdk_dmadev_fill_burst(e.dev_id, 0, ops + 2, 4, 0, &first), -EINVAL);
	ops[2].len = 64;
	/* the queue goes on from there: the rest join the same batch */
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops + 2, 4, PDK_DMADEV_OP_SUBMIT,
					     &first), 4);
	TEST_ASSERT_EQ(first, expect);
	expect = (uint16_t)(expect + 4);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 6, st), 6);
	bytes += 6 * 64;
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.bytes, bytes);

	/* a fault in the middle of a batch */
	ops[3].dst = 0x70000000;	/* not mapped */
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 8, PDK_DMADEV_OP_SUBMIT, &first),
		       8);
	TEST_ASSERT_EQ(first, expect);
	err = false;
	cap = 0;
	for (i = 0; i < 20000000 && !err; i++)
		cap = (uint16_t)(cap + pdk_dmadev_completed(e.dev_id, 0, 8, &last, &err));
	TEST_ASSERT(err, "completed() never stopped at the fault");
	TEST_ASSERT_EQ(cap, 3);
	TEST_ASSERT_EQ(last, (uint16_t)(expect + 2));
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 5, st), 4);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_addr, 0x70000000);
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	for (i = 1; i < 5; i++)
		TEST_ASSERT_EQ(st[i].code, PDK_DMADEV_ST_SUCCESS);	/* no fence: they ran */
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.bytes, bytes + 7 * 64);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_EQ(s.page_faults, 1);
	TEST_ASSERT_EQ(s.completed, s.submitted);
	TEST_ASSERT_OK(dsa_env_teardown(&e));

	/* no MEMFILL: a fill burst is refused at once, a copy burst runs */
	TEST_ASSERT_OK(dsa_env_setup_ops(&e, 20, NULL, 1u << PDK_IDXD_OP_MEMFILL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	for (i = 0; i < 2; i++) {
		ops[i].src = e.iova[0];
		ops[i].dst = e.iova[0] + 4096 * (i + 1);
	}
	TEST_ASSERT_RC(pdk_dmadev_fill_burst(e.dev_id, 0, ops, 2, 0, NULL), -ENOTSUP);
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 2, PDK_DMADEV_OP_SUBMIT, &first),
		       2);
	TEST_ASSERT_EQ(first, 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 2, st), 2);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_burst, fast, test_dsa_burst);

/*
 * A fenced burst waits for the batch before it, as a fenced op does
 * (test_dsa_fence_across_submissions): PDK_DMADEV_OP_FENCE on a burst
 * fences its first op. Ops enqueued while it is held join its segment;
 * the held submission, resumed by a completion poll, is cut where it was
 * asked to end: the bytes counted still add up. Whether the fenced burst is
 * held depends on the model's engine still running the batch, so the
 * whole is tried until it was (a fast machine may finish a batch first).
 */
static int
test_dsa_burst_fence(void)
{
	struct pdk_dmadev_op ops[8], fenced[2];
	struct pdk_sim_dsa_stats ds0, ds1, ds;
	struct pdk_dmadev_stats s0, s;
	unsigned int i, attempt;
	struct pdk_sim_fn *fn;
	struct dsa_env e;
	bool held = false, err = false;
	uint64_t writes;
	uint16_t last;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 64));
	fn = pdk_sim_fn_find(e.sim, DSA_ADDR);
	TEST_ASSERT(fn != NULL);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	for (attempt = 0; attempt < 200 && !held; attempt++) {
		/* a batch of 8 copies of 48 KiB, [0, 384K) to [384K, 768K) */
		memset(e.buf[0], 0x4b + attempt, 384 << 10);
		memset(e.buf[0] + (384u << 10), 0, 640u << 10);
		for (i = 0; i < 8; i++) {
			ops[i].src = e.iova[0] + (uint64_t)i * (48u << 10);
			ops[i].dst = e.iova[0] + (384u << 10) + (uint64_t)i * (48u << 10);
			ops[i].len = 48 << 10;
		}
		TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s0));
		TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds0));
		TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 8, PDK_DMADEV_OP_SUBMIT,
						     NULL), 8);
		TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds1));
		/* copies of what its last two write, [672K, 768K) to [768K, 864K), fenced */
		for (i = 0; i < 2; i++) {
			fenced[i].src = e.iova[0] + (672u << 10) + (uint64_t)i * (48u << 10);
			fenced[i].dst = e.iova[0] + (768u << 10) + (uint64_t)i * (48u << 10);
			fenced[i].len = 48 << 10;
		}
		TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, fenced, 2,
						     PDK_DMADEV_OP_FENCE | PDK_DMADEV_OP_SUBMIT,
						     NULL), 2);
		TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
		held = s.submitted - s0.submitted == 8;
		if (held) {
			/* three more, not submitted: they join the held segment */
			TEST_ASSERT_EQ(pdk_dmadev_copy_burst(e.dev_id, 0, ops, 3, 0, NULL), 3);
			for (i = 0; i < 20000000 && s.submitted - s0.submitted != 10; i++) {
				(void)pdk_dmadev_completed(e.dev_id, 0, 0, &last, &err);
				TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
			}
			TEST_ASSERT_EQ(s.submitted - s0.submitted, 10);
			/*
			 * The fenced burst went once the batch was done: none of its
			 * portal writes was accepted while the batch ran. The ring's
			 * end may cut it in two writes, and the second may then be
			 * accepted while the first runs (busy, and allowed: the fence
			 * orders the burst after the batch, not its two ops), so at
			 * most writes - 1 of its acceptances are busy ones.
			 */
			TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds));
			writes = ds.submitted - ds1.submitted;
			TEST_ASSERT(writes == 1 || writes == 2, "%" PRIu64 " portal writes", writes);
			TEST_ASSERT(ds.busy_accepted - ds1.busy_accepted <= writes - 1,
				    "%" PRIu64 " of the fenced burst's %" PRIu64
				    " portal writes accepted while the WQ was busy",
				    ds.busy_accepted - ds1.busy_accepted, writes);
			TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
		}
		TEST_ASSERT_EQ(drain_ok(e.dev_id, 0, held ? 13 : 10), held ? 13 : 10);
		TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
		TEST_ASSERT_EQ(s.bytes - s0.bytes, (held ? 13u : 10u) * (48u << 10));
		TEST_ASSERT(e.buf[0][768u << 10] == (uint8_t)(0x4b + attempt) &&
			    e.buf[0][(864u << 10) - 1] == (uint8_t)(0x4b + attempt));
	}
	TEST_ASSERT(held, "the fenced burst was never held in %u attempts", attempt);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_burst_fence, fast, test_dsa_burst_fence);

/* Stopped queues refuse work without crashing; a restart works again. */
static int
test_dsa_stop_start(void)
{
	struct pdk_dmadev_status st[1];
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_stop_start, fast, test_dsa_stop_start);

/* Bad configuration is refused with -EINVAL and a message, and loses nothing. */
static int
test_dsa_bad_config(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 9 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_as(&e, 0));
	qc.as = e.as[0];
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_configure(e.dev_id, &conf), -EINVAL);	/* 8 WQs */
	conf.nb_queues = 0;
	TEST_ASSERT_RC(pdk_dmadev_configure(e.dev_id, &conf), -EINVAL);
	conf.nb_queues = 2;
	TEST_ASSERT_OK(pdk_dmadev_configure(e.dev_id, &conf));
	qc.nb_desc = 0;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 0, &qc), -EINVAL);
	qc.nb_desc = PDK_DSA_MAX_DESC * 2;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 0, &qc), -EINVAL);
	qc.nb_desc = 100;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 0, &qc), -EINVAL);
	qc.nb_desc = 64;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 2, &qc), -EINVAL);	/* 2 configured */
	qc.pasid = 1u << 20;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 0, &qc), -EINVAL);
	qc.pasid = 77;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(e.dev_id, 0, &qc));
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 1, &qc), -EBUSY);	/* PASID 77 taken */
	qc.as = NULL;
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 1, &qc), -EINVAL);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 0, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, UINT32_MAX, 0),
		       -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 1, e.iova[0], e.iova[0] + 4096, 64, 0), -ENODEV);
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_bad_config, fast, test_dsa_bad_config);

/*
 * A DSA without PASID support is refused at probe, saying why once (lib/pasid,
 * under the driver and the bus); nothing leaks.
 */
static int
test_dsa_no_pasid(void)
{
	struct dsa_env e;

	test_log_capture_start();
	TEST_ASSERT_RC(dsa_env_setup(&e, 0, NULL), -EOPNOTSUPP);
	TEST_ASSERT_LOGGED_ONCE(DSA_ADDR ": PASID space create: the IOMMU reports a PASID width of 0");
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_no_pasid_refused, fast, test_dsa_no_pasid);

/* Device arguments: bounds checked, and max_queues caps the device. */
static int
test_dsa_devargs(void)
{
	struct pdk_dmadev_info info;
	struct dsa_env e;

	test_log_capture_start();
	TEST_ASSERT_RC(dsa_env_setup(&e, 20, DSA_ADDR ",max_queues=99"), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("argument max_queues=99: must be 1..8");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_clear();
	TEST_ASSERT_RC(dsa_env_setup(&e, 20, DSA_ADDR ",wq=2"), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("unknown argument 'wq' for driver dsa");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_env_setup(&e, 20, DSA_ADDR ",max_queues=2,engines=1"));
	TEST_ASSERT_OK(pdk_dmadev_info_get(e.dev_id, &info));
	TEST_ASSERT_EQ(info.max_queues, 2);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_devargs, fast, test_dsa_devargs);

/*
 * Teardown in the orders a program may use, each with traffic in flight or
 * just done: whatever the order, the sim ends with nothing alive.
 */
static int
teardown_variant(unsigned int v)
{
	struct pdk_dmadev_status st[8];
	struct dsa_env e;
	unsigned int i;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, NQ, 64));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	for (i = 0; i < NQ; i++)
		TEST_ASSERT(pdk_dmadev_copy(e.dev_id, (uint16_t)i, e.iova[i], e.iova[i] + 65536,
					    65536, PDK_DMADEV_OP_SUBMIT) >= 0);
	switch (v) {
	case 0:	/* everything at once, work in flight */
		break;
	case 1:	/* the polite order */
		for (i = 0; i < NQ; i++)
			TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, (uint16_t)i, 1, st), 1);
		TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
		for (i = 0; i < NQ; i++)
			TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, (uint16_t)i));
		TEST_ASSERT_OK(pdk_dmadev_close(e.dev_id));
		break;
	case 2:	/* the address spaces first: refused while a queue uses them */
		TEST_ASSERT_RC(pdk_dma_as_destroy(e.as[2]), -EBUSY);
		break;
	case 3:	/* remove the device from the bus, then the rest */
		TEST_ASSERT_OK(pdk_bus_dev_remove(pdk_bus_dev_find(e.bus, DSA_ADDR)));
		TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
		break;
	}
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}

static int
test_dsa_teardown_orders(void)
{
	unsigned int v;

	for (v = 0; v < 4; v++)
		if (teardown_variant(v) != TEST_SUCCESS) {
			printf("teardown variant %u failed\n", v);
			return TEST_FAILED;
		}
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_teardown_any_order, fast, test_dsa_teardown_orders);

/* PASIDs reserved outside a queue: listed, used by a queue, kept after it */
static int
test_dsa_pasid_api(void)
{
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_info qi;
	uint32_t mine, list[4];
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_as(&e, 0));
	TEST_ASSERT_OK(pdk_dmadev_configure(e.dev_id, &conf));
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(e.dev_id, list, 4), 0);
	TEST_ASSERT_OK(pdk_dmadev_pasid_alloc(e.dev_id, &mine));
	TEST_ASSERT_EQ(mine, 1);
	qc.as = e.as[0];
	qc.pasid = mine;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(e.dev_id, 0, &qc));
	qc.pasid = 0;	/* the next free one, taken by the queue */
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(e.dev_id, 1, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 1, &qi));
	TEST_ASSERT_EQ(qi.pasid, 2);
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(e.dev_id, list, 4), 2);
	TEST_ASSERT_EQ(list[0], 1);
	TEST_ASSERT_EQ(list[1], 2);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_pasid_free(e.dev_id, mine), -EBUSY);
	TEST_ASSERT_RC(pdk_dmadev_pasid_free(e.dev_id, 999), -ENOENT);
	TEST_ASSERT_RC(pdk_dmadev_pasid_alloc(e.dev_id, NULL), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_pasid_reserve(e.dev_id, 2), -EEXIST);
	TEST_ASSERT_RC(pdk_dmadev_pasid_reserve(e.dev_id, 1u << 20), -ERANGE);
	TEST_ASSERT_RC(pdk_dmadev_pasid_reserve(e.dev_id, 0), -ERANGE);
	TEST_ASSERT_OK(pdk_dmadev_pasid_reserve(e.dev_id, 4242));
	TEST_ASSERT_OK(pdk_dmadev_pasid_free(e.dev_id, 4242));
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, 0));
	TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, 1));
	/* the queue's own PASID went with it; the reserved one stays */
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(e.dev_id, list, 4), 1);
	TEST_ASSERT_EQ(list[0], mine);
	TEST_ASSERT_OK(pdk_dmadev_pasid_free(e.dev_id, mine));
	TEST_ASSERT_EQ(pdk_dmadev_pasid_list(e.dev_id, NULL, 0), 0);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_pasid_api, fast, test_dsa_pasid_api);

/*
 * A fence after a failed op in the same batch: the device abandons the rest
 * of the batch, writing no record for them; the driver reports them as not
 * attempted (from the batch's record) instead of waiting forever.
 */
static int
test_dsa_fence_after_fault(void)
{
	const uint64_t unmapped = 0x70000000;
	struct pdk_dmadev_status st[3];
	struct pdk_dmadev_stats s;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	memset(e.buf[0] + 8192, 0x77, 4096);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], unmapped, 4096, 0), 0);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 8192, 4096,
				       PDK_DMADEV_OP_FENCE), 1);
	TEST_ASSERT_EQ(pdk_dmadev_fill(e.dev_id, 0, 0, e.iova[0] + 8192, 64,
				       PDK_DMADEV_OP_SUBMIT), 2);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 3, st), 0);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_addr, unmapped);
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_NOT_ATTEMPTED);
	TEST_ASSERT_EQ(st[1].hw_status, PDK_IDXD_COMP_BATCH_FAIL);
	/* nothing done, no fault of their own: not the batch record's count (1 ran) */
	TEST_ASSERT_EQ(st[1].bytes_done, 0);
	TEST_ASSERT_EQ(st[1].fault_addr, 0);
	TEST_ASSERT_EQ(st[1].fault_write, 0);
	TEST_ASSERT_EQ(st[2].code, PDK_DMADEV_ST_NOT_ATTEMPTED);
	TEST_ASSERT_EQ(st[2].bytes_done, 0);
	TEST_ASSERT_EQ(st[2].fault_addr, 0);
	TEST_ASSERT_EQ(e.buf[0][8192], 0x77);	/* neither the copy nor the fill ran */
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.completed, 3);
	TEST_ASSERT_EQ(s.errors, 3);
	TEST_ASSERT_EQ(s.page_faults, 1);
	/* the queue goes on */
	TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 8192, 4096,
				    PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_fence_after_fault, fast, test_dsa_fence_after_fault);

/*
 * Operations the device does not offer: without memmove or batch the driver
 * refuses the device, naming what is missing; without fill it runs, does not
 * claim the capability, and a fill is refused before it reaches the device.
 */
static int
test_dsa_missing_ops(void)
{
	struct pdk_dmadev_info info;
	struct pdk_dmadev_status st[1];
	struct dsa_env e;

	/* the driver says what is missing, once: the bus does not say again that probe failed */
	test_log_capture_start();
	TEST_ASSERT_RC(dsa_env_setup_ops(&e, 20, NULL, 1u << PDK_IDXD_OP_MEMMOVE), -ENOTSUP);
	TEST_ASSERT_LOGGED_ONCE(DSA_ADDR ": probe: the device does not offer the memmove operation");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_clear();
	TEST_ASSERT_RC(dsa_env_setup_ops(&e, 20, NULL, 1u << PDK_IDXD_OP_BATCH), -ENOTSUP);
	TEST_ASSERT_LOGGED_ONCE("the batch operation");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_capture_stop();

	TEST_ASSERT_OK(dsa_env_setup_ops(&e, 20, NULL, 1u << PDK_IDXD_OP_MEMFILL));
	TEST_ASSERT_OK(pdk_dmadev_info_get(e.dev_id, &info));
	TEST_ASSERT(!(info.capa & PDK_DMADEV_CAPA_FILL), "claims fill");
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 16));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_RC(pdk_dmadev_fill(e.dev_id, 0, 0, e.iova[0], 64, 0), -ENOTSUP);
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + 4096, 64,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, st), 1);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_missing_ops_refused, fast, test_dsa_missing_ops);

/*
 * A set-up queue asked to move to an address space of another iommufd
 * context: refused before the old queue is released, so it keeps working.
 */
static int
test_dsa_setup_other_context(void)
{
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_dmadev_queue_info before, after;
	struct pdk_dmadev_status st;
	struct pdk_iommufd *other;
	struct pdk_dma_as *foreign;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 64));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 0, &before));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(e.sim), &other));
	TEST_ASSERT_OK(pdk_dma_as_create(other, "foreign", &foreign));
	qc.as = foreign;
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_queue_setup(e.dev_id, 0, &qc), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("belongs to another iommufd context than the device's");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 0, &after));
	TEST_ASSERT_EQ(after.pasid, before.pasid);
	TEST_ASSERT_EQ(after.hwpt_id, before.hwpt_id);
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_EQ(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], e.iova[0] + BUF_LEN / 2, 64,
				       PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, &st), 1);
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_OK(pdk_dma_as_destroy(foreign));
	TEST_ASSERT_OK(pdk_iommufd_close(other));
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_setup_other_context, fast, test_dsa_setup_other_context);

/*
 * The fast path reaches the model without a boundary call (issue 9): the
 * queue resolved its WQ's portal at setup, so bursts of copies, submits and
 * completion polls leave the sim's call counter where it was, while the
 * model takes every portal write. (Before, each submit was a pwrite of the
 * device fd through lib/vfio: one counted call per portal write.)
 */
static int
test_dsa_submit_no_boundary_call(void)
{
	/* 32 first: two bursts fill the ring of 64 exactly, none is cut at its end */
	static const unsigned int bursts[] = { 32, 1 };
	struct pdk_dmadev_status st[32];
	struct pdk_sim_dsa_stats ds0, ds1;
	struct pdk_sim_stats s0, s1;
	struct pdk_dmadev_stats s;
	struct pdk_sim_fn *fn;
	unsigned int b, r, i, ops = 0;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 64));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	fn = pdk_sim_fn_find(e.sim, DSA_ADDR);
	TEST_ASSERT(fn != NULL);
	memset(e.buf[0], 0x3c, 64 * 32);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds0));
	pdk_sim_stats_get(e.sim, &s0);
	for (b = 0; b < 2; b++) {
		for (r = 0; r < 16; r++) {
			for (i = 0; i < bursts[b]; i++)
				TEST_ASSERT(pdk_dmadev_copy(e.dev_id, 0, e.iova[0] + i * 64,
							    e.iova[0] + BUF_LEN / 2 + i * 64,
							    64, 0) >= 0);
			TEST_ASSERT_OK(pdk_dmadev_submit(e.dev_id, 0));
			TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, bursts[b], st), bursts[b]);
			ops += bursts[b];
		}
	}
	pdk_sim_stats_get(e.sim, &s1);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(fn, &ds1));
	TEST_ASSERT_EQ(s1.calls, s0.calls);
	/* 16 batches of 32, then 16 single descriptors: 32 portal writes, all taken */
	TEST_ASSERT_EQ(ds1.submitted - ds0.submitted, 32);
	TEST_ASSERT_EQ(ds1.dropped_disabled + ds1.dropped_full + ds1.dropped_bad_write, 0);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, 0, &s));
	TEST_ASSERT_EQ(s.completed, ops);
	TEST_ASSERT_EQ(s.errors, 0);
	TEST_ASSERT(test_all_bytes(e.buf[0] + BUF_LEN / 2, 0x3c, 64 * 32));
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_submit_no_boundary_call, fast, test_dsa_submit_no_boundary_call);

/*
 * A queue's portal holds the device: closing it under a queue is refused
 * with the portal named, and releasing the queue gives the portal back.
 */
static int
test_dsa_portal_holds_device(void)
{
	struct pdk_vfio_dev *vdev;
	struct pdk_sim_stats ss;
	struct pdk_bus_dev *bdev;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 2, 64));
	pdk_sim_stats_get(e.sim, &ss);
	TEST_ASSERT_EQ(ss.mmaps, 2);	/* one portal hook per queue, nothing mapped */
	bdev = pdk_bus_dev_find(e.bus, DSA_ADDR);
	TEST_ASSERT(bdev != NULL);
	vdev = pdk_bus_dev_vfio(bdev);
	TEST_ASSERT(vdev != NULL);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_vfio_close(vdev), -EBUSY);
	TEST_ASSERT_LOGGED("close refused, still used by");
	TEST_ASSERT_LOGGED("portal BAR 2 + 0x4000");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, 1));
	pdk_sim_stats_get(e.sim, &ss);
	TEST_ASSERT_EQ(ss.mmaps, 1);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_portal_holds_device, fast, test_dsa_portal_holds_device);

/*
 * A backend that answers "map it" for the portals (the kernel's answer;
 * here the sim's ops without mmio_resolve): the driver then needs
 * MOVDIR64B. On a CPU without it, probe refuses the device, saying so; on
 * one with it, the queues' portals are mapped and the dump says MOVDIR64B
 * (no descriptor is submitted: the model cannot see a store into memory).
 */
static int
test_dsa_mapped_portal(void)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct test_sys_map_only nomm;
	struct pdk_iommufd *ictx;
	struct pdk_dma_as *as;
	struct pdk_sim *sim;
	struct pdk_bus *bus;
	char dump[4096];
	FILE *f;
	int rc;

	TEST_ASSERT_OK(pdk_sim_create(&scfg, &sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fcfg, NULL));
	test_sys_map_only(&nomm, sim);
	TEST_ASSERT_OK(pdk_iommufd_open(&nomm.sys, &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	TEST_ASSERT(pdk_bus_scan(bus) >= 1);
	test_log_capture_start();
	rc = pdk_bus_probe(bus);
	if (!pdk_dsa_cpu_has_movdir64b()) {
		TEST_ASSERT_RC(rc, -ENOTSUP);
		TEST_ASSERT_LOGGED_ONCE(DSA_ADDR ": probe: this CPU lacks MOVDIR64B");
	} else {
		TEST_ASSERT_EQ(rc, 1);
		TEST_ASSERT_OK(pdk_dma_as_create(ictx, "mapped", &as));
		qc.as = as;
		TEST_ASSERT_OK(pdk_dmadev_configure(pdk_dmadev_get_dev_id(DSA_ADDR), &conf));
		TEST_ASSERT_OK(pdk_dmadev_queue_setup(pdk_dmadev_get_dev_id(DSA_ADDR), 0, &qc));
		f = fmemopen(dump, sizeof(dump), "w");
		TEST_ASSERT(f != NULL);
		TEST_ASSERT_OK(pdk_dmadev_dump(pdk_dmadev_get_dev_id(DSA_ADDR), f));
		fclose(f);
		TEST_ASSERT(strstr(dump, "portal via MOVDIR64B") != NULL, "%s", dump);
		pdk_bus_destroy(bus);
		bus = NULL;
		TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	}
	test_log_capture_stop();
	pdk_bus_destroy(bus);
	TEST_ASSERT_OK(pdk_iommufd_close(ictx));
	TEST_ASSERT(pdk_sim_is_clean(sim));
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_mapped_portal, fast, test_dsa_mapped_portal);

/*
 * Queue setup with each of its boundary calls failing in turn (the ring's
 * IOAS map, the portal's resolve, the PASID's HWPT and attach...): a
 * failure the setup returns leaves no portal, mapping or attachment
 * behind; one a layer tolerates (lib/dma's re-read of the IOVA ranges)
 * gives a working queue, released again. Then it succeeds.
 */
static int
test_dsa_queue_setup_fails(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_sim_stats s0, s;
	unsigned int nth, failed = 0;
	struct dsa_env e;
	int rc;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_as(&e, 0));
	qc.as = e.as[0];
	TEST_ASSERT_OK(pdk_dmadev_configure(e.dev_id, &conf));
	pdk_sim_stats_get(e.sim, &s0);
	test_log_capture_start();
	for (nth = 1; nth < 64; nth++) {
		pdk_sim_fail_nth(e.sim, nth, ENOMEM);
		rc = pdk_dmadev_queue_setup(e.dev_id, 0, &qc);
		if (!pdk_sim_fail_fired(e.sim)) {
			TEST_ASSERT_OK(rc);
			break;
		}
		if (rc == 0) {	/* tolerated (and logged) by the layer that made the call */
			TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, 0));
			continue;
		}
		pdk_sim_stats_get(e.sim, &s);
		TEST_ASSERT_EQ(s.mmaps, s0.mmaps);
		TEST_ASSERT_EQ(s.mappings, s0.mappings);
		TEST_ASSERT_EQ(s.pasid_attachments, s0.pasid_attachments);
		failed++;
	}
	pdk_sim_fail_nth(e.sim, 0, 0);
	TEST_ASSERT(failed >= 3, "only %u of the calls of a queue setup failed it", failed);
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal BAR 2 at 0x0: resolving its store path");
	test_log_capture_stop();
	pdk_sim_stats_get(e.sim, &s);
	TEST_ASSERT_EQ(s.mmaps, s0.mmaps + 1);	/* the portal hook */
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_queue_setup_fails, fast, test_dsa_queue_setup_fails);

/*
 * Logged once through four layers: a queue setup (lib/dmadev, the DSA PMD,
 * lib/dma and lib/pasid, lib/iommufd and lib/vfio) with each of its kernel
 * calls refused in turn gives the kernel's errno and exactly one ERR line,
 * by the layer that knows the cause; the queue is then not set up, and a
 * setup with nothing refused works.
 */
static int
test_dsa_setup_refused_logged_once(void)
{
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_info qi;
	unsigned int nth, refused = 0;
	struct dsa_env e;
	int rc;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_as(&e, 0));
	TEST_ASSERT_OK(pdk_dmadev_configure(e.dev_id, &conf));
	qc.as = e.as[0];
	test_log_capture_start();
	for (nth = 1; nth < 32; nth++) {
		test_log_clear();
		pdk_sim_fail_nth(e.sim, nth, EIO);
		rc = pdk_dmadev_queue_setup(e.dev_id, 0, &qc);
		if (!pdk_sim_fail_fired(e.sim)) {
			pdk_sim_fail_nth(e.sim, 0, 0);
			TEST_ASSERT_OK(rc);
			break;
		}
		refused++;
		if (rc == 0) {
			/* a step PDK tolerates (an IOVA range re-read): logged, the queue works */
			TEST_ASSERT(test_log_errors() == 1, "call %u: %u ERR lines for a tolerated failure",
				    nth, test_log_errors());
			TEST_ASSERT_OK(pdk_dmadev_queue_release(e.dev_id, 0));
			continue;
		}
		TEST_ASSERT(rc == -EIO, "call %u refused: queue_setup says %d", nth, rc);
		TEST_ASSERT(test_log_errors() == 1, "call %u refused: %u ERR lines, want one", nth,
			    test_log_errors());
		TEST_ASSERT_LOGGED("Input/output error (-5)");
		TEST_ASSERT_RC(pdk_dmadev_queue_info(e.dev_id, 0, &qi), -EINVAL);
	}
	test_log_capture_stop();
	TEST_ASSERT(refused >= 3, "only %u kernel calls in a queue setup", refused);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_pmd_setup_refused_logged_once, fast, test_dsa_setup_refused_logged_once);

/* ---- block on fault (devarg block_on_fault=1) on the SIMULATED DSA with PRI ---- */

#define HOLE_IOVA	0x10000000ull	/* mapped only on demand */
#define HOLE_LEN	(4u * 4096u)

/*
 * End to end through lib/dma: a queue's space with the map-on-demand
 * policy and a region at HOLE_IOVA, the PMD with block_on_fault=1 on a
 * DSA whose function has PRI. A copy into the unmapped region blocks on
 * the page request; the application's poll of the space's faults maps the
 * pages, and the copy completes with success, its bytes in the region.
 */
static int
test_dsa_bof_demand_map(void)
{
	static const struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .prs_timeout_ms = 5000, .ats = true,
	};
	struct pdk_dmadev_status st = { 0 };
	struct pdk_sim_dsa_stats dst;
	unsigned int polled = 0;
	uint64_t deadline;
	struct dsa_env e;
	uint8_t *hole;
	uint16_t k = 0;

	TEST_ASSERT_OK(dsa_env_setup_fn(&e, &fcfg, DSA_ADDR ",block_on_fault=1"));
	TEST_ASSERT_OK(dsa_env_as(&e, 0));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(e.as[0], pdk_dma_fault_map_on_demand, NULL));
	hole = mmap(NULL, HOLE_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(hole != MAP_FAILED);
	memset(hole, 0xee, HOLE_LEN);
	TEST_ASSERT_OK(pdk_dma_as_fault_region(e.as[0], hole, HOLE_LEN, HOLE_IOVA,
					       PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 64));
	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	memset(e.buf[0], 0x5c, 8192);
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], HOLE_IOVA + 4096, 8192,
				       PDK_DMADEV_OP_SUBMIT), 0);
	deadline = pdk_sys_monotonic_ns() + 5000000000ull;
	while (k == 0 && pdk_sys_monotonic_ns() < deadline) {
		int n = pdk_dma_as_fault_poll(e.as[0], 16);

		TEST_ASSERT(n >= 0, "fault poll: %d", n);
		polled += (unsigned int)n;
		k = pdk_dmadev_completed_status(e.dev_id, 0, 1, NULL, &st);
	}
	TEST_ASSERT_EQ(k, 1);
	TEST_ASSERT_EQ(st.code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(polled, 2);	/* one group of both pages */
	TEST_ASSERT(test_all_bytes(hole + 4096, 0x5c, 8192), "the copy did not land");
	TEST_ASSERT(test_all_bytes(hole, 0xee, 4096), "a page before it was written");
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(pdk_sim_fn_find(e.sim, DSA_ADDR), &dst));
	TEST_ASSERT_EQ(dst.page_requests, 1);
	/* again: the pages stay mapped, no request */
	TEST_ASSERT_RC(pdk_dmadev_copy(e.dev_id, 0, e.iova[0], HOLE_IOVA + 4096, 4096,
				       PDK_DMADEV_OP_SUBMIT), 1);
	TEST_ASSERT_EQ(dsa_env_drain(e.dev_id, 0, 1, &st), 1);
	TEST_ASSERT_OK(pdk_sim_fn_dsa_stats(pdk_sim_fn_find(e.sim, DSA_ADDR), &dst));
	TEST_ASSERT_EQ(dst.page_requests, 1);
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	munmap(hole, HOLE_LEN);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_bof_pmd_demand_map, fast, test_dsa_bof_demand_map);

/* block_on_fault=1 on a DSA whose GENCAP lacks block_on_fault: probe refuses it, logged once. */
static int
test_dsa_bof_refused(void)
{
	static const struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .ats = true, .dsa_no_bof = true,
	};
	struct dsa_env e;

	test_log_capture_start();
	TEST_ASSERT_RC(dsa_env_setup_fn(&e, &fcfg, DSA_ADDR ",block_on_fault=1"), -ENOTSUP);
	TEST_ASSERT_LOGGED_ONCE(DSA_ADDR ": probe: argument block_on_fault=1: GENCAP block_on_fault is 0");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_clear();
	TEST_ASSERT_RC(dsa_env_setup_fn(&e, &fcfg, DSA_ADDR ",block_on_fault=2"), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("argument block_on_fault=2");
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	test_log_capture_stop();
	/* block_on_fault=0 works there */
	TEST_ASSERT_OK(dsa_env_setup_fn(&e, &fcfg, DSA_ADDR ",block_on_fault=0"));
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_bof_pmd_refused, fast, test_dsa_bof_refused);
