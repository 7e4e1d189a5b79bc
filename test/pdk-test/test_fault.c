/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * I/O page faults of an address space (lib/dma, dma_fault.c) on the
 * SIMULATED kernel: a space with a fault handler gets its HWPTs with a
 * fault queue, pdk_dma_as_fault_poll() hands the faults of its PASIDs to
 * the handler and answers each group; the map-on-demand policy maps the
 * page. The function has PRI (cfg.prs): only its translation faults are
 * page requests (VT-d refuses a fault-queue HWPT on a function without
 * PRI: sim_prs_attach_needs_pri). The synchronous DMA port fails the
 * faulting access at once (it posts the request and does not wait), so a
 * test repeats it after the answer; the DSA engine's blocking page
 * requests are test_sim_dsa.c's sim_prs_* and sim_dsa_bof_* tests.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "pdk_dma.h"
#include "pdk_pasid.h"
#include "pdk_sim.h"
#include "pdk_test.h"
#include "test_env.h"

#define PG 4096u
#define HOLE 0x100000u	/* nothing mapped there */

/* One tenant: a space with (or without) a handler, a PASID context on it. */
struct tenant {
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as;
	struct pdk_pasid_ctx *ctx;
	uint32_t pasid;
};

static int
tenant_setup(struct test_env *env, pdk_dma_fault_cb cb, void *arg, struct tenant *t)
{
	int rc;

	memset(t, 0, sizeof(*t));
	if ((rc = pdk_pasid_space_create(env->dev, env->ictx, &t->space)) < 0 ||
	    (rc = pdk_dma_as_create(env->ictx, "faulty", &t->as)) < 0)
		return rc;
	if (cb != NULL && (rc = pdk_dma_as_set_fault_handler(t->as, cb, arg)) < 0)
		return rc;
	if ((rc = pdk_pasid_ctx_create(t->space, t->as, 0, &t->ctx)) < 0)
		return rc;
	t->pasid = pdk_pasid_ctx_pasid(t->ctx);
	return 0;
}

static struct pdk_sim_fn *
env_fn(struct test_env *env)
{
	return pdk_sim_fn_find(env->sim, env->addr);
}

/* Drop what the sim recorded so far. */
static void
drain(struct pdk_sim *sim)
{
	while (pdk_sim_fault_pop(sim, NULL) == 0)
		;
}

/*
 * A fault on a PASID of a space with a handler reaches it with the PASID,
 * IOVA and access; INVALID then SUCCESS are answered as the sim accepts
 * (a second poll finds nothing: each group was answered once).
 */
static int
test_fault_handler_delivery(struct test_env *env)
{
	struct test_fault_seen s = { .answer = -1 };
	uint8_t data[64] = { 0 };
	struct tenant t;

	TEST_ASSERT_OK(tenant_setup(env, test_fault_record, &s, &t));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 1);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 8), 0);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 0x40, data,
				      sizeof(data), true), -EFAULT);
	/* the sim refuses (-EINVAL) a response with an unknown cookie or code */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 8), 1);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_EQ(s.calls, 1);
	TEST_ASSERT_EQ(s.last.pasid, t.pasid);
	TEST_ASSERT_EQ(s.last.iova, HOLE);
	TEST_ASSERT_EQ(s.last.access, PDK_DMA_FAULT_WRITE);
	TEST_ASSERT_EQ(s.last.dev_id, env->dev_id);
	TEST_ASSERT(s.last.last, "the sim's group of one must be the last page");
	/* answered INVALID: nothing left to read or answer */
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 8), 0);
	/* a read fault, answered SUCCESS */
	s.answer = 0;
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + PG, data,
				      sizeof(data), false), -EFAULT);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 2 * PG, data,
				      sizeof(data), false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 1), 1);	/* max is kept */
	TEST_ASSERT_EQ(s.last.iova, HOLE + PG);
	TEST_ASSERT_EQ(s.last.access, PDK_DMA_FAULT_READ);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 8), 1);
	TEST_ASSERT_EQ(s.last.iova, HOLE + 2 * PG);
	TEST_ASSERT_EQ(s.calls, 3);
	/* teardown: the space goes after its context, the queue with it */
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	TEST_ASSERT_SIM_COUNT(env, hwpts, 0);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_handler_delivery, fast, test_fault_handler_delivery, .bind = true, .fn = &test_prs_fn);

/* The on-demand policy maps the faulting page from the region; the retry lands there. */
static int
test_fault_map_on_demand(struct test_env *env)
{
	uint8_t *buf = test_buf_alloc(4 * PG);
	struct pdk_dma_fault_stats fst;
	uint8_t data[64];
	struct tenant t;

	TEST_ASSERT(buf != NULL, "no buffer");
	memset(buf, 0x11, 4 * PG);
	TEST_ASSERT_OK(tenant_setup(env, pdk_dma_fault_map_on_demand, NULL, &t));
	TEST_ASSERT_OK(pdk_dma_as_fault_stats(t.as, &fst));
	TEST_ASSERT(fst.faults == 0 && fst.last_pasid == PDK_DMA_FAULT_NO_PASID);
	TEST_ASSERT_OK(pdk_dma_as_fault_region(t.as, buf, 4 * PG, HOLE,
					       PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	memset(data, 0xab, sizeof(data));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 2 * PG + 8, data,
				      sizeof(data), true), -EFAULT);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 0);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(t.as, buf + 2 * PG), HOLE + 2 * PG);
	/* a second request for the page (another op that faulted before the answer): resolved, no map */
	test_log_capture_start();
	TEST_ASSERT_OK(pdk_sim_trigger_iopf(env->sim, env->ifd, env->dev_id, t.pasid, 7,
					    IOMMU_PGFAULT_PERM_WRITE, HOLE + 2 * PG));
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 1);
	TEST_ASSERT_OK(pdk_dma_as_fault_stats(t.as, &fst));
	TEST_ASSERT_EQ(fst.resolved, 2);
	TEST_ASSERT_EQ(fst.refused, 0);
	/* the device's retry lands in the region's page, and only there */
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 2 * PG + 8, data,
				      sizeof(data), true));
	TEST_ASSERT(memcmp(buf + 2 * PG + 8, data, sizeof(data)) == 0, "the retry missed the page");
	TEST_ASSERT(buf[PG] == 0x11 && buf[3 * PG] == 0x11, "a neighbour page was written");
	/* outside the region: not resolved, logged once, nothing mapped */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 8 * PG, data,
				      sizeof(data), false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_LOGGED_ONCE("outside the region of pdk_dma_as_fault_region()");
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_as_fault_stats(t.as, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("fault stats: NULL result pointer");
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 1);
	/* the counters: two faults resolved (one a repeat), one refused, each its own group */
	TEST_ASSERT_OK(pdk_dma_as_fault_stats(t.as, &fst));
	TEST_ASSERT_EQ(fst.faults, 3);
	TEST_ASSERT_EQ(fst.resolved, 2);
	TEST_ASSERT_EQ(fst.refused, 1);
	TEST_ASSERT_EQ(fst.groups_ok, 2);
	TEST_ASSERT_EQ(fst.groups_invalid, 1);
	TEST_ASSERT_EQ(fst.errors, 0);
	TEST_ASSERT_EQ(fst.last_iova, HOLE + 8 * PG);
	TEST_ASSERT_EQ(fst.last_pasid, t.pasid);
	/* teardown in another order: space first is refused, then context, space, PASIDs */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_destroy(t.as), -EBUSY);
	test_log_capture_stop();
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 1);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_map_on_demand, fast, test_fault_map_on_demand, .bind = true, .fn = &test_prs_fn);

/*
 * A fault a caller builds may name an IOVA inside a page (the poll hands
 * out page-aligned ones): the policy maps the page that holds it. It used
 * to map the region's VA at the same offset, unaligned, which lib/dma
 * refused (-EINVAL) naming a VA and length the caller never passed.
 */
static int
test_fault_map_on_demand_in_page(struct test_env *env)
{
	struct pdk_dma_fault f = { .pasid = PDK_DMA_FAULT_NO_PASID, .access = PDK_DMA_FAULT_WRITE };
	uint8_t *buf = test_buf_alloc(4 * PG);
	struct pdk_dma_as *as = NULL;

	TEST_ASSERT(buf != NULL, "no buffer");
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "in-page", &as));
	TEST_ASSERT_OK(pdk_dma_as_fault_region(as, buf, 4 * PG, HOLE,
					       PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	f.iova = HOLE + PG + 123;
	test_log_capture_start();
	TEST_ASSERT_OK(pdk_dma_fault_map_on_demand(as, &f, NULL));
	TEST_ASSERT_EQ(test_log_errors(), 0);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + PG), HOLE + PG);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + PG + 123), HOLE + PG + 123);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf), PDK_DMA_BAD_IOVA);
	/* another IOVA of the same page: mapped already, resolved without a map */
	f.iova = HOLE + 2 * PG - 8;
	TEST_ASSERT_OK(pdk_dma_fault_map_on_demand(as, &f, NULL));
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_map_on_demand_in_page, fast, test_fault_map_on_demand_in_page, .bind = true, .fn = &test_prs_fn);

/* Without a handler the space has no queue: a fault stays an ordinary IOMMU fault. */
static int
test_fault_without_handler(struct test_env *env)
{
	struct pdk_sim_fault f;
	uint8_t data[64] = { 0 };
	struct tenant t;

	TEST_ASSERT_OK(tenant_setup(env, NULL, NULL, &t));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	drain(env->sim);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE, data, sizeof(data),
				      false), -EFAULT);
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid_valid, true);
	TEST_ASSERT_EQ(f.pasid, t.pasid);
	TEST_ASSERT_EQ(f.iova, HOLE);
	/* polling a space without a handler is refused, with the fix */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), -ENOENT);
	TEST_ASSERT_LOGGED_ONCE("the space has no fault handler");
	/* and a handler cannot come after the HWPTs were allocated without a queue */
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_as_set_fault_handler(t.as, test_fault_record, NULL), -EBUSY);
	TEST_ASSERT_LOGGED_ONCE("allocated without a fault queue");
	/* NULL handles */
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(NULL, 4), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("fault poll: NULL address space");
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_as_set_fault_handler(NULL, test_fault_record, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("set fault handler: NULL address space");
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_fault_map_on_demand(t.as, NULL, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("map on demand: NULL fault");
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_as_fault_region(t.as, (void *)(uintptr_t)0x1001, PG, HOLE,
					       PDK_IOMMUFD_READ), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("fault region");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_without_handler, fast, test_fault_without_handler, .bind = true, .fn = &test_prs_fn);

/*
 * A RID attached to a space with a handler reports faults without a PASID;
 * a region's permission is kept; faults still unread at teardown, and a
 * handler taken back, leave no queue behind.
 */
static int
test_fault_rid_and_teardown(struct test_env *env)
{
	struct test_fault_seen s = { .answer = 0 };
	uint8_t *buf = test_buf_alloc(PG);
	uint8_t data[64] = { 0 };
	struct pdk_dma_as *rid_as, *other;
	struct tenant t;

	TEST_ASSERT(buf != NULL, "no buffer");
	/* a handler set and taken back before any HWPT: no queue is ever made */
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "undecided", &other));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(other, test_fault_record, &s));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(other, NULL, NULL));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	TEST_ASSERT_OK(pdk_dma_as_destroy(other));

	TEST_ASSERT_OK(tenant_setup(env, pdk_dma_fault_map_on_demand, NULL, &t));
	TEST_ASSERT_OK(pdk_dma_as_fault_region(t.as, buf, PG, HOLE, PDK_IOMMUFD_READ));
	/* a write into a read-only region: not resolved, nothing mapped */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE, data, sizeof(data),
				      true), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_LOGGED_ONCE("map on demand: write fault at IOVA 0x100000");
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 0);

	/* the RID, in a second space with a recording handler */
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "rid", &rid_as));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(rid_as, test_fault_record, &s));
	TEST_ASSERT_OK(pdk_pasid_rid_attach(t.space, rid_as));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 2);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), false, 0, HOLE + PG, data, sizeof(data),
				      false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 0);	/* not the PASID's space */
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(rid_as, 4), 1);
	TEST_ASSERT_EQ(s.last.pasid, PDK_DMA_FAULT_NO_PASID);
	TEST_ASSERT_EQ(s.last.iova, HOLE + PG);
	TEST_ASSERT_EQ(s.last.access, PDK_DMA_FAULT_READ);

	/* faults left unread in both queues, then teardown: nothing stays */
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), false, 0, HOLE, data, sizeof(data), false),
		       -EFAULT);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + PG, data, sizeof(data),
				      false), -EFAULT);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 1);
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));	/* detaches the RID */
	TEST_ASSERT_OK(pdk_dma_as_destroy(rid_as));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	TEST_ASSERT_SIM_COUNT(env, hwpts, 0);
	test_buf_free(buf, PG);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_rid_and_teardown, fast, test_fault_rid_and_teardown, .bind = true, .fn = &test_prs_fn);

/* A PASID replaced into a space with a handler reports there from then on. */
static int
test_fault_after_replace(struct test_env *env)
{
	struct test_fault_seen s = { .answer = 0 };
	uint8_t data[64] = { 0 };
	struct pdk_dma_as *handled;
	struct tenant t;

	TEST_ASSERT_OK(tenant_setup(env, NULL, NULL, &t));
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "handled", &handled));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(handled, test_fault_record, &s));
	TEST_ASSERT_OK(pdk_pasid_ctx_replace(t.ctx, handled));
	drain(env->sim);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE, data, sizeof(data),
				      true), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(handled, 4), 1);
	TEST_ASSERT_EQ(s.last.pasid, t.pasid);
	TEST_ASSERT_EQ(s.last.access, PDK_DMA_FAULT_WRITE);
	/* back to the plain space: an ordinary fault again, the queue stays quiet */
	TEST_ASSERT_OK(pdk_pasid_ctx_replace(t.ctx, t.as));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE, data, sizeof(data),
				      false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(handled, 4), 0);
	TEST_ASSERT_EQ(s.calls, 1);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(handled));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));
	TEST_ASSERT_SIM_COUNT(env, fault_queues, 0);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_after_replace, fast, test_fault_after_replace, .bind = true, .fn = &test_prs_fn);

/* Prefault: one fault maps the page and the next ones in one mapping, up to the region's end. */
static int
test_fault_prefault(struct test_env *env)
{
	uint8_t *buf = test_buf_alloc(4 * PG);
	uint8_t data[64] = { 0 };
	struct tenant t;

	TEST_ASSERT(buf != NULL, "no buffer");
	TEST_ASSERT_OK(tenant_setup(env, pdk_dma_fault_map_on_demand, NULL, &t));
	TEST_ASSERT_OK(pdk_dma_as_fault_region(t.as, buf, 4 * PG, HOLE, PDK_IOMMUFD_READ));
	TEST_ASSERT_OK(pdk_dma_as_fault_prefault(t.as, 2));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE, data, sizeof(data),
				      false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(t.as, buf + 2 * PG), HOLE + 2 * PG);
	/* pages 1 and 2 were mapped ahead: no fault there */
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 2 * PG, data,
				      sizeof(data), false));
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(t.as, buf + 3 * PG), PDK_DMA_BAD_IOVA);
	/* the last page: mapped, and nothing beyond the region's end */
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 3 * PG, data,
				      sizeof(data), false), -EFAULT);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as, 4), 1);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as), 2);
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, t.pasid, HOLE + 3 * PG, data,
				      sizeof(data), false));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_fault_prefault(NULL, 1), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("fault prefault: NULL address space");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(t.as));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(t.space));
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_fault_prefault, fast, test_fault_prefault, .bind = true, .fn = &test_prs_fn);
