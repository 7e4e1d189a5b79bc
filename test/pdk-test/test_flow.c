/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The product's flow end to end through PDK's public API, on the simulated
 * kernel: bind, PASID space, two address spaces, two PASIDs, maps, a copy
 * tagged with a PASID, an isolation check; and the same flow with a failure
 * injected at every boundary call, each run leaving nothing behind.
 */

#include <stdlib.h>
#include <unistd.h>

#include "pdk_test.h"
#include "test_env.h"

#define BUF_LEN (64 * 1024)
/* B's buffer sits here; A's allocator starts near the bottom and never gets this far */
#define B_IOVA 0x40000000ull

struct flow {
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as_a, *as_b;
	struct pdk_pasid_ctx *ctx_a, *ctx_b;
	uint8_t *src, *dst, *other;
	uint64_t src_iova, dst_iova, other_iova;
	uint32_t dev_id;
	int status;	/* simdma status of the copy, -1 before */
	int isolation;	/* simdma status of the cross-PASID copy */
};

/*
 * Tear down in reverse, as a careful application does: an address space
 * whose HWPT the kernel still holds (a detach failed) can be destroyed once
 * the device fd is closed, since closing it detaches everything.
 */
static void
flow_teardown(struct flow *f)
{
	if (f->ctx_a != NULL)
		pdk_pasid_ctx_release(f->ctx_a);
	if (f->ctx_b != NULL)
		pdk_pasid_ctx_release(f->ctx_b);
	if (f->space != NULL)
		pdk_pasid_space_destroy(f->space);
	if (f->as_a != NULL && pdk_dma_as_destroy(f->as_a) == 0)
		f->as_a = NULL;
	if (f->as_b != NULL && pdk_dma_as_destroy(f->as_b) == 0)
		f->as_b = NULL;
	if (f->dev != NULL)
		pdk_vfio_close(f->dev);
	if (f->as_a != NULL)
		pdk_dma_as_destroy(f->as_a);
	if (f->as_b != NULL)
		pdk_dma_as_destroy(f->as_b);
	if (f->ictx != NULL)
		pdk_iommufd_close(f->ictx);
	test_buf_free(f->src, BUF_LEN);
	test_buf_free(f->dst, BUF_LEN);
	test_buf_free(f->other, BUF_LEN);
	f->ctx_a = f->ctx_b = NULL;
	f->space = NULL;
	f->as_a = f->as_b = NULL;
	f->dev = NULL;
	f->ictx = NULL;
	f->src = f->dst = f->other = NULL;
}

static int
flow_copy(struct flow *f, uint32_t pasid, uint64_t src, uint64_t dst, uint32_t len)
{
	struct test_env env = {.sim = f->sim, .sys = f->sys, .dev = f->dev};

	return test_simdma_copy(&env, true, pasid, src, dst, len);
}

/* The whole flow; returns 0 or the first -errno, leaving f for teardown. */
static int
flow_run(struct flow *f)
{
	unsigned int i;
	int rc;

	f->status = f->isolation = -1;
	f->src = test_buf_alloc(BUF_LEN);
	f->dst = test_buf_alloc(BUF_LEN);
	f->other = test_buf_alloc(BUF_LEN);
	if (f->src == NULL || f->dst == NULL || f->other == NULL)
		return -ENOMEM;
	for (i = 0; i < BUF_LEN; i++)
		f->src[i] = (uint8_t)(i * 7 + 3);

	if ((rc = pdk_iommufd_open(f->sys, &f->ictx)) < 0 ||
	    (rc = pdk_vfio_open(f->sys, PDK_SIM_DEFAULT_PCI_ADDR, &f->dev)) < 0 ||
	    (rc = pdk_vfio_bind(f->dev, f->ictx, &f->dev_id)) < 0 ||
	    (rc = pdk_pasid_space_create(f->dev, f->ictx, &f->space)) < 0 ||
	    (rc = pdk_dma_as_create(f->ictx, "tenant-a", &f->as_a)) < 0 ||
	    (rc = pdk_dma_as_create(f->ictx, "tenant-b", &f->as_b)) < 0 ||
	    (rc = pdk_pasid_ctx_create(f->space, f->as_a, 0, &f->ctx_a)) < 0 ||
	    (rc = pdk_pasid_ctx_create(f->space, f->as_b, 0, &f->ctx_b)) < 0 ||
	    (rc = pdk_dma_map(f->as_a, f->src, BUF_LEN, PDK_IOMMUFD_READ, &f->src_iova)) < 0 ||
	    (rc = pdk_dma_map(f->as_a, f->dst, BUF_LEN, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			      &f->dst_iova)) < 0 ||
	    (rc = pdk_dma_map_iova(f->as_b, f->other, BUF_LEN, B_IOVA,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)) < 0)
		return rc;
	f->other_iova = B_IOVA;

	rc = flow_copy(f, pdk_pasid_ctx_pasid(f->ctx_a), f->src_iova, f->dst_iova, BUF_LEN);
	if (rc < 0)
		return rc;
	f->status = rc;
	/* PASID A reaching an IOVA that only B's space maps */
	rc = flow_copy(f, pdk_pasid_ctx_pasid(f->ctx_a), f->src_iova, f->other_iova, BUF_LEN);
	if (rc < 0)
		return rc;
	f->isolation = rc;

	rc = pdk_dma_unmap(f->as_a, f->dst);
	if (rc < 0)
		return rc;
	/* release frees the context even when the detach fails */
	rc = pdk_pasid_ctx_release(f->ctx_b);
	f->ctx_b = NULL;
	return rc;
}

static int
count_fds(void)
{
	char path[64];
	int n = 0, fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

static int
test_flow_pasid_copy(void)
{
	struct flow f = {0};
	uint32_t pa, pb;
	unsigned int i;

	TEST_ASSERT_OK(pdk_sim_create(NULL, &f.sim));
	f.sys = pdk_sim_sys(f.sim);
	TEST_ASSERT_OK(flow_run(&f));
	pa = pdk_pasid_ctx_pasid(f.ctx_a);
	TEST_ASSERT(pa != 0, "PASID 0 handed out");
	TEST_ASSERT_EQ(f.status, PDK_SIMDMA_ST_DONE);
	for (i = 0; i < BUF_LEN; i++)
		TEST_ASSERT(f.dst[i] == f.src[i], "byte %u differs", i);
	/* the cross-PASID copy faulted and wrote nothing into B's buffer */
	TEST_ASSERT_EQ(f.isolation, PDK_SIMDMA_ST_FAULT);
	for (i = 0; i < BUF_LEN; i++)
		TEST_ASSERT(f.other[i] == 0, "isolation broken: byte %u of B's buffer written", i);
	{
		struct pdk_sim_fault fault;

		TEST_ASSERT_OK(pdk_sim_fault_pop(f.sim, &fault));
		TEST_ASSERT(fault.pasid_valid, "fault without PASID");
		TEST_ASSERT_EQ(fault.pasid, pa);
		TEST_ASSERT_EQ(fault.iova, f.other_iova);
		TEST_ASSERT(fault.write, "the refused access was the write");
		/* refused because A's space has nothing there, not for a permission */
		TEST_ASSERT(strcmp(fault.reason, "IOVA not mapped") == 0, "reason: %s", fault.reason);
		TEST_ASSERT_EQ(pdk_dma_va2iova_strict(f.as_a, f.other), PDK_DMA_BAD_IOVA);
		TEST_ASSERT_EQ(pdk_dma_va2iova(f.as_b, f.other), B_IOVA);
		TEST_ASSERT_RC(pdk_sim_fault_pop(f.sim, &fault), -ENOENT);
	}
	/* a new context gets the PASID B released: the lowest free one */
	pb = pa + 1;
	{
		struct pdk_pasid_ctx *c;

		TEST_ASSERT_OK(pdk_pasid_ctx_create(f.space, f.as_b, 0, &c));
		TEST_ASSERT_EQ(pdk_pasid_ctx_pasid(c), pb);
		f.ctx_b = c;
	}
	flow_teardown(&f);
	TEST_ASSERT_SIM_CLEAN(f.sim);
	TEST_ASSERT_EQ(pdk_sim_destroy(f.sim), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_flow_pasid_copy, fast, test_flow_pasid_copy);

/*
 * Fail the nth boundary call for n = 1, 2, ... until the flow gets through
 * untouched; after every failed run the teardown must leave the sim clean and
 * the process with the fds it had.
 */
static int
inject_every_step(int err)
{
	unsigned int n, failures = 0;
	int fds_before = count_fds();

	for (n = 1; n < 10000; n++) {
		struct flow f = {0};
		bool fired;
		int rc;

		TEST_ASSERT_OK(pdk_sim_create(NULL, &f.sim));
		f.sys = pdk_sim_sys(f.sim);
		pdk_sim_fail_nth(f.sim, n, err);
		rc = flow_run(&f);
		fired = pdk_sim_fail_fired(f.sim);
		pdk_sim_fail_nth(f.sim, 0, 0);
		flow_teardown(&f);
		TEST_ASSERT_SIM_CLEAN(f.sim);
		TEST_ASSERT_EQ(pdk_sim_destroy(f.sim), 0);
		TEST_ASSERT_EQ(count_fds(), fds_before);
		if (!fired) {
			TEST_ASSERT_OK(rc);
			break;
		}
		/* an injected failure must surface, or be absorbed harmlessly */
		if (rc < 0) {
			TEST_ASSERT_EQ(rc, -err);
			TEST_ASSERT(test_log_contains(""),
				    "call %u failed with %d and nothing was logged", n, rc);
			failures++;
		}
		test_log_clear();
	}
	printf("  %s: %u boundary calls in the flow, %u runs failed cleanly\n",
	       strerror(err), n - 1, failures);
	TEST_ASSERT(n > 20, "the flow made only %u boundary calls", n - 1);
	TEST_ASSERT(failures > 0, "no injected failure surfaced");
	return TEST_SUCCESS;
}

static int
test_flow_fail_every_step_enomem(void)
{
	test_log_capture_start(); /* every surfaced failure must have logged */
	int rc = inject_every_step(ENOMEM);

	test_log_capture_stop();
	return rc;
}
PDK_TEST_REGISTER(sim_flow_fail_every_step_enomem, fast, test_flow_fail_every_step_enomem);

static int
test_flow_fail_every_step_eio(void)
{
	test_log_capture_start();
	int rc = inject_every_step(EIO);

	test_log_capture_stop();
	return rc;
}
PDK_TEST_REGISTER(sim_flow_fail_every_step_eio, fast, test_flow_fail_every_step_eio);
