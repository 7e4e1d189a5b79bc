/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Ownership and lifetimes (doc/guide.md, "Ownership and lifetimes"), on the
 * simulated kernel:
 * - a device has one PASID space, which owns its PASID table and RID: no
 *   call lets two tenants own one PASID, or one tenant's attach replace
 *   another's;
 * - an object that a handle depends on refuses to close (-EBUSY, nothing
 *   changed, the holders named), so teardown in any order either works or
 *   is refused, and never leaves a handle pointing at freed memory.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_test.h"
#include "test_env.h"

#define PG 4096u
#define BUF_LEN (4 * PG)

/* Two tenants of one device: each an address space, a buffer and a context. */
struct tenant {
	struct pdk_dma_as *as;
	struct pdk_pasid_ctx *ctx;
	uint8_t *src, *dst;
	uint64_t src_iova, dst_iova;
};

static int
tenant_setup(struct test_env *env, struct pdk_pasid_space *space, const char *name,
	     uint8_t fill, struct tenant *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->src = test_buf_alloc(BUF_LEN);
	t->dst = test_buf_alloc(BUF_LEN);
	if (t->src == NULL || t->dst == NULL)
		return -ENOMEM;
	memset(t->src, fill, BUF_LEN);
	if ((rc = pdk_dma_as_create(env->ictx, name, &t->as)) < 0 ||
	    (rc = pdk_pasid_ctx_create(space, t->as, 0, &t->ctx)) < 0 ||
	    /* the same IOVAs in both spaces: only the PASID tells them apart */
	    (rc = pdk_dma_map_iova(t->as, t->src, BUF_LEN, 0x100000, PDK_IOMMUFD_READ)) < 0 ||
	    (rc = pdk_dma_map_iova(t->as, t->dst, BUF_LEN, 0x200000,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)) < 0)
		return rc;
	t->src_iova = 0x100000;
	t->dst_iova = 0x200000;
	return 0;
}

static int
tenant_teardown(struct tenant *t)
{
	int rc = 0;

	if (pdk_pasid_ctx_release(t->ctx) < 0)
		rc = -1;
	if (pdk_dma_as_destroy(t->as) < 0)
		rc = -1;
	test_buf_free(t->src, BUF_LEN);
	test_buf_free(t->dst, BUF_LEN);
	memset(t, 0, sizeof(*t));
	return rc;
}

/* A second PASID space on a device is refused; its tenants share the one. */
static int
test_one_space_per_device(struct test_env *env)
{
	struct pdk_pasid_space *space, *second = (void *)&second;
	struct tenant a, b;
	struct pdk_pasid_ctx *steal = (void *)&steal;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_RC(pdk_pasid_space_create(env->dev, env->ictx, &second), -EBUSY);
	TEST_ASSERT(second == NULL, "a refused create leaves its output NULL");
	TEST_ASSERT_LOGGED("already has a PASID space");

	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-a", 0xaa, &a));
	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-b", 0xbb, &b));
	TEST_ASSERT(pdk_pasid_ctx_pasid(a.ctx) != pdk_pasid_ctx_pasid(b.ctx),
		    "two tenants got PASID %u both", pdk_pasid_ctx_pasid(a.ctx));
	/* B asking for A's PASID by number */
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_ctx_create(space, b.as, pdk_pasid_ctx_pasid(a.ctx), &steal),
		       -EBUSY);
	TEST_ASSERT(steal == NULL, "a refused create leaves its output NULL");
	TEST_ASSERT_LOGGED("another context already uses it");

	/* A's PASID still reaches A's memory only */
	TEST_ASSERT_EQ(test_simdma_copy(env, true, pdk_pasid_ctx_pasid(a.ctx), a.src_iova,
					a.dst_iova, BUF_LEN), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(a.dst, 0xaa, BUF_LEN), "A's copy landed in A");
	TEST_ASSERT(test_all_bytes(b.dst, 0, BUF_LEN), "B's memory untouched by A's DMA");

	/* B leaves first: A's PASID stays attached to A */
	TEST_ASSERT_OK(tenant_teardown(&b));
	memset(a.dst, 0, BUF_LEN);
	TEST_ASSERT_EQ(test_simdma_copy(env, true, pdk_pasid_ctx_pasid(a.ctx), a.src_iova,
					a.dst_iova, BUF_LEN), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(a.dst, 0xaa, BUF_LEN), "A still attached after B left");
	TEST_ASSERT_OK(tenant_teardown(&a));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	/* the claim is given back: a new space may be made */
	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_one_space_per_device, fast, test_one_space_per_device, .bind = true);

/* With a space on the device, direct attach calls cannot touch its PASIDs or RID. */
static int
test_direct_attach_refused(struct test_env *env)
{
	struct pdk_pasid_space *space;
	struct pdk_dma_as *other;
	struct tenant a;
	uint32_t hwpt;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-a", 0x5a, &a));
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "intruder", &other));
	TEST_ASSERT_OK(pdk_dma_as_hwpt_get(other, env->dev_id, &hwpt));

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_pasid_attach(env->dev, pdk_pasid_ctx_pasid(a.ctx), hwpt), -EBUSY);
	TEST_ASSERT_LOGGED("its PASID space owns the RID and the PASIDs");
	TEST_ASSERT_RC(pdk_vfio_pasid_detach(env->dev, pdk_pasid_ctx_pasid(a.ctx)), -EBUSY);
	TEST_ASSERT_RC(pdk_vfio_attach(env->dev, hwpt, NULL), -EBUSY);
	TEST_ASSERT_RC(pdk_vfio_detach(env->dev), -EBUSY);
	/* and A's DMA still lands in A */
	TEST_ASSERT_EQ(test_simdma_copy(env, true, pdk_pasid_ctx_pasid(a.ctx), a.src_iova,
					a.dst_iova, BUF_LEN), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(a.dst, 0x5a, BUF_LEN), "A's PASID was not moved");
	/* the owner's replace is the one way to move it */
	TEST_ASSERT_OK(pdk_pasid_ctx_replace(a.ctx, other));
	TEST_ASSERT_OK(pdk_pasid_ctx_replace(a.ctx, a.as));

	pdk_dma_as_hwpt_put(other, hwpt);
	TEST_ASSERT_OK(pdk_dma_as_destroy(other));
	TEST_ASSERT_OK(tenant_teardown(&a));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	/* no space: the direct calls are the caller's again */
	TEST_ASSERT_OK(pdk_vfio_detach(env->dev));
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_direct_attach_refused, fast, test_direct_attach_refused, .bind = true);

/* A space needs the context the device is bound to: device ids are per context. */
static int
test_space_wrong_context(struct test_env *env)
{
	struct pdk_pasid_space *space = (void *)&space;
	struct pdk_iommufd *other;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_iommufd_open(env->sys, &other));
	TEST_ASSERT_RC(pdk_pasid_space_create(env->dev, other, &space), -EINVAL);
	TEST_ASSERT(space == NULL, "a refused create leaves its output NULL");
	TEST_ASSERT_LOGGED("bound to another iommufd context");
	TEST_ASSERT(pdk_vfio_iommufd(env->dev) == env->ictx, "the device names its context");
	TEST_ASSERT_OK(pdk_iommufd_close(other));
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_space_wrong_context, fast, test_space_wrong_context, .bind = true);

/* Each parent refuses to go while a dependent lives, and names it. */
static int
test_close_refused_names_holders(struct test_env *env)
{
	struct pdk_pasid_space *space;
	struct tenant a;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-a", 0x11, &a));

	test_log_clear();
	TEST_ASSERT_REFUSED(env, pdk_iommufd_close(env->ictx), -EBUSY);
	TEST_ASSERT_LOGGED("close refused, still used by device 0000:00:04.0, address space 'tenant-a'");
	TEST_ASSERT_REFUSED(env, pdk_vfio_close(env->dev), -EBUSY);
	TEST_ASSERT_LOGGED("still used by PASID space of 0000:00:04.0");
	TEST_ASSERT_REFUSED(env, pdk_pasid_space_destroy(space), -EBUSY);
	TEST_ASSERT_LOGGED("the contexts of PASID(s) 1 are still attached");
	TEST_ASSERT_REFUSED(env, pdk_dma_as_destroy(a.as), -EBUSY);
	TEST_ASSERT_REFUSED(env, pdk_sim_destroy(env->sim), -EBUSY);
	TEST_ASSERT_LOGGED("destroy refused");
	/* nothing changed: the tenant's DMA still works */
	TEST_ASSERT_EQ(test_simdma_copy(env, true, pdk_pasid_ctx_pasid(a.ctx), a.src_iova,
					a.dst_iova, BUF_LEN), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(a.dst, 0x11, BUF_LEN), "the copy after the refusals");

	TEST_ASSERT_OK(tenant_teardown(&a));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_close_refused_names_holders, fast, test_close_refused_names_holders,
	     .bind = true);

/*
 * Every order of the six teardown calls: repeated rounds of the calls not
 * yet done, each either done (0) or refused (-EBUSY, nothing changed),
 * until all are done. Every round must make progress, and the end is a
 * clean sim. Under ASan a stale handle anywhere is a failure.
 */
enum td_step { TD_CTX, TD_SPACE, TD_AS, TD_DEV, TD_ICTX, TD_SIM, TD_N };

struct td {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_dma_as *as;
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *ctx;
	void *buf;
	bool done[TD_N];
};

static int
td_step(struct td *t, enum td_step s)
{
	switch (s) {
	case TD_CTX:
		return pdk_pasid_ctx_release(t->ctx);
	case TD_SPACE:
		return pdk_pasid_space_destroy(t->space);
	case TD_AS:
		return pdk_dma_as_destroy(t->as);
	case TD_DEV:
		return pdk_vfio_close(t->dev);
	case TD_ICTX:
		return pdk_iommufd_close(t->ictx);
	case TD_SIM:
		return pdk_sim_destroy(t->sim);
	default:
		return -EINVAL;
	}
}

static int
td_run(const enum td_step *order)
{
	struct td t;
	uint64_t iova;
	unsigned int round, i, left = TD_N;

	memset(&t, 0, sizeof(t));
	t.buf = test_buf_alloc(PG);
	TEST_ASSERT(t.buf != NULL, "buffer");
	TEST_ASSERT_OK(pdk_sim_create(NULL, &t.sim));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(t.sim), &t.ictx));
	TEST_ASSERT_OK(pdk_vfio_open(pdk_sim_sys(t.sim), PDK_SIM_DEFAULT_PCI_ADDR, &t.dev));
	TEST_ASSERT_OK(pdk_vfio_bind(t.dev, t.ictx, NULL));
	TEST_ASSERT_OK(pdk_pasid_space_create(t.dev, t.ictx, &t.space));
	TEST_ASSERT_OK(pdk_dma_as_create(t.ictx, "td", &t.as));
	TEST_ASSERT_OK(pdk_pasid_ctx_create(t.space, t.as, 0, &t.ctx));
	TEST_ASSERT_OK(pdk_dma_map(t.as, t.buf, PG, PDK_IOMMUFD_READ, &iova));

	for (round = 0; left > 0 && round < TD_N; round++) {
		unsigned int progress = 0;

		for (i = 0; i < TD_N; i++) {
			int rc;

			if (t.done[order[i]])
				continue;
			rc = td_step(&t, order[i]);
			TEST_ASSERT(rc == 0 || rc == -EBUSY, "step %d returned %d", order[i], rc);
			if (rc == 0) {
				t.done[order[i]] = true;
				left--;
				progress++;
			}
		}
		TEST_ASSERT(progress > 0, "round %u made no progress", round);
	}
	TEST_ASSERT_EQ(left, 0);
	test_buf_free(t.buf, PG);
	return TEST_SUCCESS;
}

static bool
next_permutation(enum td_step *a, unsigned int n)
{
	unsigned int i = n - 1, j = n - 1;
	enum td_step tmp;

	while (i > 0 && a[i - 1] >= a[i])
		i--;
	if (i == 0)
		return false;
	while (a[j] <= a[i - 1])
		j--;
	tmp = a[i - 1];
	a[i - 1] = a[j];
	a[j] = tmp;
	for (j = n - 1; i < j; i++, j--) {
		tmp = a[i];
		a[i] = a[j];
		a[j] = tmp;
	}
	return true;
}

static int
test_teardown_any_order(void)
{
	enum td_step order[TD_N] = { TD_CTX, TD_SPACE, TD_AS, TD_DEV, TD_ICTX, TD_SIM };
	unsigned int n = 0;

	/* the refusals are expected: keep them off the test's output */
	test_log_capture_start();
	do {
		if (td_run(order) != TEST_SUCCESS) {
			test_log_capture_stop();
			printf("order %d %d %d %d %d %d failed\n", order[0], order[1], order[2],
			       order[3], order[4], order[5]);
			return TEST_FAILED;
		}
		test_log_clear();
		n++;
	} while (next_permutation(order, TD_N));
	test_log_capture_stop();
	printf("teardown: all %u orders of the six calls end clean\n", n);
	TEST_ASSERT_EQ(n, 720);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_owner_teardown_any_order, fast, test_teardown_any_order);

/* Fault fds: only open ones of the context are taken; a closed number is refused. */
static int
test_fault_fd_lifetime(struct test_env *env)
{
	struct iommu_hwpt_pgfault f;
	uint32_t fault_id;
	int fd;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_iommufd_fault_alloc(env->ictx, &fault_id, &fd));
	TEST_ASSERT_RC(pdk_iommufd_fault_read(env->ictx, fd, &f, 1), 0);
	test_log_clear();
	TEST_ASSERT_RC(pdk_iommufd_fault_read(env->ictx, env->dfd, &f, 1), -EBADF);
	TEST_ASSERT_LOGGED("is not one of its fault queues");
	TEST_ASSERT_RC(pdk_iommufd_close(env->ictx), -EBUSY);
	TEST_ASSERT_LOGGED("still used by device 0000:00:04.0, 1 fault queue fd(s)");
	TEST_ASSERT_OK(pdk_iommufd_fault_close(env->ictx, fd));
	TEST_ASSERT_RC(pdk_iommufd_fault_close(env->ictx, fd), -EBADF);
	TEST_ASSERT_RC(pdk_iommufd_fault_respond(env->ictx, fd, 1, 0), -EBADF);
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_fault_fd_lifetime, fast, test_fault_fd_lifetime, .bind = true);

/*
 * A PASID whose detach the kernel refused is still attached to its old
 * address space: it is held back (never handed out, not freeable) until a
 * new context's attach replaces that attachment.
 */
static int
test_failed_detach_holds_pasid(struct test_env *env)
{
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *again;
	struct tenant a, b;
	uint32_t stuck, next;

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-a", 0xa1, &a));
	TEST_ASSERT_OK(tenant_setup(env, space, "tenant-b", 0xb2, &b));
	stuck = pdk_pasid_ctx_pasid(a.ctx);

	/* the next boundary call is the PASID detach */
	pdk_sim_fail_nth(env->sim, 1, EIO);
	TEST_ASSERT_RC(pdk_pasid_ctx_release(a.ctx), -EIO);
	a.ctx = NULL;
	TEST_ASSERT(pdk_sim_fail_fired(env->sim), "the detach was the failed call");
	TEST_ASSERT_LOGGED("holds PASID 1 back");
	/* the kernel still routes it to A */
	TEST_ASSERT_EQ(test_simdma_copy(env, true, stuck, a.src_iova, a.dst_iova, BUF_LEN),
		       PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(a.dst, 0xa1, BUF_LEN), "still A's space");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_free(space, stuck), -EBUSY);
	TEST_ASSERT_LOGGED("the kernel still has it attached");
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &next));
	TEST_ASSERT(next != stuck, "PASID %u handed out again while attached", stuck);
	TEST_ASSERT_OK(pdk_pasid_free(space, next));

	/* a new context takes it over: its attach replaces the stale one */
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, b.as, stuck, &again));
	memset(b.dst, 0, BUF_LEN);
	TEST_ASSERT_EQ(test_simdma_copy(env, true, stuck, b.src_iova, b.dst_iova, BUF_LEN),
		       PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(b.dst, 0xb2, BUF_LEN), "now B's space");
	TEST_ASSERT_OK(pdk_pasid_ctx_release(again));
	/* the context that took it over freed it */
	TEST_ASSERT_OK(pdk_pasid_reserve(space, stuck));
	TEST_ASSERT_OK(pdk_pasid_free(space, stuck));

	TEST_ASSERT_OK(tenant_teardown(&a));
	TEST_ASSERT_OK(tenant_teardown(&b));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_owner_failed_detach_holds_pasid, fast, test_failed_detach_holds_pasid,
	     .bind = true);
