/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Rule tests of the fault queue (doc/kernel-facts.md, K12 and K23), each
 * run on the sim and on the VM's kernel mock (PDK_RULE_TEST): a page
 * request is made with test_env_trigger_iopf(), the kernel's
 * IOMMU_TEST_OP_TRIGGER_IOPF on the mock and pdk_sim_trigger_iopf() on the
 * sim, so both backends get the same request through the same attachment,
 * and the fault fd is read and answered with raw read()/write(). The sim's
 * function has PRI (test_prs_fn): its VT-d, as the kernel's, refuses a HWPT
 * with a fault queue on a device without it (K12); the mock takes any.
 */

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>

#include "pdk_dma.h"
#include "pdk_pasid.h"
#include "test_env.h"

#define APASID VFIO_DEVICE_ATTACH_PASID
#define DPASID VFIO_DEVICE_DETACH_PASID
#define PERM_RW (IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE)
#define REC sizeof(struct iommu_hwpt_pgfault)
#define RESP sizeof(struct iommu_hwpt_page_response)
#define PG 4096ull
/* an address inside the mock's aperture, not page aligned: it is reported as given */
#define ADDR 0x1234abcull
#define PASID_A 5u
#define PASID_B 6u
#define BAD_ID 0xdeadu

/* A fault queue and a HWPT over the fixture's IOAS that reports to it. */
struct fq {
	uint32_t id;
	int fd;
	uint32_t hwpt;
};

static int
fq_open(struct test_env *env, uint32_t hwpt_flags, struct fq *q)
{
	int rc = raw_fault_alloc(env, &q->id, &q->fd);

	if (rc < 0)
		return rc;
	rc = raw_hwpt_alloc_fault(env, env->ioas, hwpt_flags, q->id, &q->hwpt);
	if (rc < 0) {
		pdk_sys_close(env->sys, q->fd);
		raw_destroy(env, q->id);
	}
	return rc;
}

/* The HWPT first (it holds the queue), then the fd, then the queue. */
static int
fq_close(struct test_env *env, struct fq *q)
{
	int rc = raw_destroy(env, q->hwpt);

	if (rc == 0)
		rc = pdk_sys_close(env->sys, q->fd);
	if (rc == 0)
		rc = raw_destroy(env, q->id);
	return rc;
}

static ssize_t
fq_read(struct test_env *env, const struct fq *q, struct iommu_hwpt_pgfault *f, size_t len)
{
	return pdk_sys_read(env->sys, q->fd, f, len);
}

static ssize_t
fq_respond(struct test_env *env, const struct fq *q, uint32_t cookie, uint32_t code)
{
	struct iommu_hwpt_page_response r = {.cookie = cookie, .code = code};

	return pdk_sys_write(env->sys, q->fd, &r, sizeof(r));
}

/*
 * K23: a page request at a PASID attached to a HWPT with a fault queue is
 * read as one record: PASID_VALID | LAST_PAGE, the device's id, the PASID,
 * grpid, perm and address as requested, length 0, cookie 1 (the first of
 * the queue's xarray, XA_FLAGS_ALLOC1). Read, it is no longer pending;
 * answered, the queue is empty.
 */
static int
test_fault_pasid_record(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[2];
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, q.fd, POLLIN), 0);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 0x2, PERM_RW, ADDR));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, q.fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	memset(f, 0xee, sizeof(f));
	TEST_ASSERT_RC(fq_read(env, &q, f, sizeof(f)), REC);
	TEST_ASSERT_EQ(f[0].flags, IOMMU_PGFAULT_FLAGS_PASID_VALID | IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	TEST_ASSERT_EQ(f[0].dev_id, env->dev_id);
	TEST_ASSERT_EQ(f[0].pasid, PASID_A);
	TEST_ASSERT_EQ(f[0].grpid, 0x2);
	TEST_ASSERT_EQ(f[0].perm, PERM_RW);
	TEST_ASSERT_EQ(f[0].addr, ADDR);
	TEST_ASSERT_EQ(f[0].length, 0);
	TEST_ASSERT_EQ(f[0].cookie, 1);
	TEST_ASSERT(test_all_bytes(&f[1], 0xee, sizeof(f[1])), "the read wrote past its record");
	/* read: nothing pending, a read returns 0 at once */
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, q.fd, POLLIN), 0);
	TEST_ASSERT_RC(fq_read(env, &q, f, REC), 0);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_pasid_record, test_fault_pasid_record, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/* K23: a page request of the RID (PASID 0) carries no PASID_VALID, and pasid 0 */
static int
test_fault_rid_record(struct test_env *env)
{
	struct iommu_hwpt_pgfault f;
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, 0, &q));
	TEST_ASSERT_OK(raw_attach(env, 0, 0, q.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, 0, 0x7, IOMMU_PGFAULT_PERM_READ, ADDR + PG));
	TEST_ASSERT_RC(fq_read(env, &q, &f, sizeof(f)), REC);
	TEST_ASSERT_EQ(f.flags, IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	TEST_ASSERT_EQ(f.pasid, 0);
	TEST_ASSERT_EQ(f.dev_id, env->dev_id);
	TEST_ASSERT_EQ(f.grpid, 0x7);
	TEST_ASSERT_EQ(f.perm, IOMMU_PGFAULT_PERM_READ);
	TEST_ASSERT_EQ(f.addr, ADDR + PG);
	TEST_ASSERT_RC(fq_respond(env, &q, f.cookie, IOMMUFD_PAGE_RESP_INVALID), RESP);
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_rid_record, test_fault_rid_record, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/* K23: two PASIDs on two fault queues: each queue gets only the requests of its own PASID */
static int
test_fault_two_queues(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[4];
	struct fq a, b;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &a));
	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &b));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, a.hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_B, b.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_B, 2, PERM_RW, ADDR + PG));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 3, PERM_RW, ADDR + 2 * PG));
	TEST_ASSERT_RC(fq_read(env, &a, f, sizeof(f)), 2 * REC);
	TEST_ASSERT_EQ(f[0].pasid, PASID_A);
	TEST_ASSERT_EQ(f[0].grpid, 1);
	TEST_ASSERT_EQ(f[1].pasid, PASID_A);
	TEST_ASSERT_EQ(f[1].grpid, 3);
	/* cookies are per queue: each starts at 1 */
	TEST_ASSERT_EQ(f[0].cookie, 1);
	TEST_ASSERT_EQ(f[1].cookie, 2);
	TEST_ASSERT_RC(fq_read(env, &b, f + 2, 2 * REC), REC);
	TEST_ASSERT_EQ(f[2].pasid, PASID_B);
	TEST_ASSERT_EQ(f[2].grpid, 2);
	TEST_ASSERT_EQ(f[2].addr, ADDR + PG);
	TEST_ASSERT_EQ(f[2].cookie, 1);
	/* b's cookie 2 is a's, not b's */
	TEST_ASSERT_RC(fq_respond(env, &b, 2, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	TEST_ASSERT_RC(fq_respond(env, &b, 1, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_RC(fq_respond(env, &a, 1, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_RC(fq_respond(env, &a, 2, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_B));
	TEST_ASSERT_OK(fq_close(env, &b));
	TEST_ASSERT_OK(fq_close(env, &a));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_two_queues, test_fault_two_queues, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/*
 * K12/K23: one queue behind two HWPTs: the requests of both PASIDs arrive
 * in it, told apart by their pasid only; the queue is busy while either
 * HWPT is there.
 */
static int
test_fault_shared_queue(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[3];
	struct fq q;
	uint32_t hwpt2;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_hwpt_alloc_fault(env, env->ioas, IOMMU_HWPT_ALLOC_PASID, q.id, &hwpt2));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_B, hwpt2));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_B, 1, PERM_RW, ADDR));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &q, f, sizeof(f)), 2 * REC);
	TEST_ASSERT_EQ(f[0].pasid, PASID_B);
	TEST_ASSERT_EQ(f[1].pasid, PASID_A);
	TEST_ASSERT_EQ(f[0].dev_id, f[1].dev_id);
	TEST_ASSERT(f[0].cookie != f[1].cookie, "two groups, one cookie %u", f[0].cookie);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_RC(fq_respond(env, &q, f[1].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_B));
	TEST_ASSERT_OK(raw_destroy(env, q.hwpt));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, q.fd));
	TEST_ASSERT_RC(raw_destroy(env, q.id), -EBUSY);
	TEST_ASSERT_OK(raw_destroy(env, hwpt2));
	TEST_ASSERT_OK(raw_destroy(env, q.id));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_shared_queue, test_fault_shared_queue, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/*
 * K23: a page request with no fault queue to go to (the PASID not
 * attached, or attached to a HWPT without one) is answered by the IOMMU
 * core and queued nowhere, and the trigger still succeeds; one for an id
 * that is no device is -ENOENT.
 */
static int
test_fault_unrouted(struct test_env *env)
{
	struct iommu_hwpt_pgfault f;
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_B, env->hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_B, 2, PERM_RW, ADDR));
	/* the RID is not attached */
	TEST_ASSERT_OK(test_env_trigger_iopf(env, 0, 3, PERM_RW, ADDR));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, q.fd, POLLIN), 0);
	TEST_ASSERT_RC(fq_read(env, &q, &f, sizeof(f)), 0);
	/* attached to the fault HWPT, the same PASID's request arrives */
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 4, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &q, &f, sizeof(f)), REC);
	TEST_ASSERT_EQ(f.grpid, 4);
	TEST_ASSERT_RC(fq_respond(env, &q, f.cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	{
		uint32_t dev_id = env->dev_id;
		int rc;

		env->dev_id = BAD_ID;
		rc = test_env_trigger_iopf(env, PASID_A, 5, PERM_RW, ADDR);
		env->dev_id = env->ioas;	/* an object that is no device */
		TEST_ASSERT_RC(rc, -ENOENT);
		rc = test_env_trigger_iopf(env, PASID_A, 5, PERM_RW, ADDR);
		env->dev_id = dev_id;
		TEST_ASSERT_RC(rc, -ENOENT);
	}
	TEST_ASSERT_RC(fq_read(env, &q, &f, sizeof(f)), 0);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_B));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_unrouted, test_fault_unrouted, .fn = &test_prs_fn, .hwpt = TEST_HWPT_PASID);

/*
 * K12/K23: reads hand out whole groups, oldest first: a count that is not
 * a multiple of the record is -ESPIPE, as is a read at an offset (pread);
 * a count of 0 while a group waits is -EINVAL (it fits no group), 0 with
 * nothing pending.
 */
static int
test_fault_read_rules(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[2];
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_RC(fq_read(env, &q, f, 0), 0);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR + PG));
	TEST_ASSERT_RC(fq_read(env, &q, f, REC - 1), -ESPIPE);
	TEST_ASSERT_RC(fq_read(env, &q, f, REC + 8), -ESPIPE);
	TEST_ASSERT_RC(fq_read(env, &q, f, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_sys_pread(env->sys, q.fd, f, REC, REC), -ESPIPE);
	TEST_ASSERT_RC(pdk_sys_pread(env->sys, q.fd, f, REC, 0), -ESPIPE);
	/* none of these took a group: both are read, oldest first */
	TEST_ASSERT_RC(fq_read(env, &q, f, REC), REC);
	TEST_ASSERT_EQ(f[0].grpid, 1);
	TEST_ASSERT_RC(fq_read(env, &q, f + 1, 2 * REC), REC);
	TEST_ASSERT_EQ(f[1].grpid, 2);
	TEST_ASSERT_RC(fq_read(env, &q, f, 2 * REC), 0);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_RC(fq_respond(env, &q, f[1].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_read_rules, test_fault_read_rules, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/*
 * K12/K23: a response names a group that was read: a cookie not handed out
 * (the group not read yet, or never) or an unknown code is -EINVAL and
 * retires nothing; a count that is not a multiple of the response is
 * -ESPIPE; a count of 0 is 0. A response retires its group: the same
 * cookie again is -EINVAL. A batch stops at its first bad response and
 * returns what it did.
 */
static int
test_fault_response_rules(struct test_env *env)
{
	struct iommu_hwpt_page_response r[2];
	struct iommu_hwpt_pgfault f[2];
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	/* not read: no cookie yet */
	TEST_ASSERT_RC(fq_respond(env, &q, 1, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	TEST_ASSERT_RC(fq_read(env, &q, f, REC), REC);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie + 1, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, 2), -EINVAL);
	TEST_ASSERT_RC(pdk_sys_write(env->sys, q.fd, r, RESP - 1), -ESPIPE);
	TEST_ASSERT_RC(pdk_sys_write(env->sys, q.fd, r, RESP + 1), -ESPIPE);
	TEST_ASSERT_RC(pdk_sys_write(env->sys, q.fd, r, 0), 0);
	/* none of these retired it */
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	/* a batch: the good response is taken, the bad one ends it */
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &q, f + 1, REC), REC);
	r[0] = (struct iommu_hwpt_page_response){.cookie = f[1].cookie,
						 .code = IOMMUFD_PAGE_RESP_INVALID};
	r[1] = (struct iommu_hwpt_page_response){.cookie = BAD_ID,
						 .code = IOMMUFD_PAGE_RESP_SUCCESS};
	TEST_ASSERT_RC(pdk_sys_write(env->sys, q.fd, r, sizeof(r)), RESP);
	TEST_ASSERT_RC(fq_respond(env, &q, f[1].cookie, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_response_rules, test_fault_response_rules, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/*
 * K23: a detach answers the PASID's groups itself
 * (iommufd_auto_response_faults()): one read is no longer answerable (its
 * cookie is -EINVAL), one not read is gone from the queue. Another PASID's
 * groups on the same queue stay.
 */
static int
test_fault_detach_auto_response(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[2];
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_B, q.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &q, f, REC), REC);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_B, 3, PERM_RW, ADDR));
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	/* only B's group is left */
	TEST_ASSERT_RC(fq_read(env, &q, f, sizeof(f)), REC);
	TEST_ASSERT_EQ(f[0].pasid, PASID_B);
	TEST_ASSERT_EQ(f[0].grpid, 3);
	TEST_ASSERT_RC(fq_respond(env, &q, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_B));
	TEST_ASSERT_OK(fq_close(env, &q));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_detach_auto_response, test_fault_detach_auto_response, .fn = &test_prs_fn,
	      .bind = true,
	      .ioas = true);

/*
 * K23: a replace answers the old HWPT's groups of that PASID as a detach
 * does (iommufd_hwpt_replace_device()); requests after it go to the new
 * HWPT's queue.
 */
static int
test_fault_replace_auto_response(struct test_env *env)
{
	struct iommu_hwpt_pgfault f[2];
	struct fq a, b;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &a));
	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &b));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, a.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &a, f, REC), REC);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR));
	/* VFIO: attaching an attached PASID again replaces its HWPT */
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, b.hwpt));
	TEST_ASSERT_RC(fq_respond(env, &a, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), -EINVAL);
	TEST_ASSERT_RC(fq_read(env, &a, f, sizeof(f)), 0);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 3, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &a, f, sizeof(f)), 0);
	TEST_ASSERT_RC(fq_read(env, &b, f, sizeof(f)), REC);
	TEST_ASSERT_EQ(f[0].grpid, 3);
	TEST_ASSERT_RC(fq_respond(env, &b, f[0].cookie, IOMMUFD_PAGE_RESP_SUCCESS), RESP);
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(fq_close(env, &b));
	TEST_ASSERT_OK(fq_close(env, &a));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_replace_auto_response, test_fault_replace_auto_response, .fn = &test_prs_fn,
	      .bind = true,
	      .ioas = true);

/*
 * K12/K23: the fd and each HWPT hold the queue: IOMMU_DESTROY of it is
 * -EBUSY while either is there. Closing the fd with groups pending (read
 * or not) destroys nothing; requests still go to the queue; it goes, its
 * groups answered, with the last IOMMU_DESTROY.
 */
static int
test_fault_destroy_busy(struct test_env *env)
{
	struct iommu_hwpt_pgfault f;
	struct fq q;

	TEST_ASSERT_OK(fq_open(env, IOMMU_HWPT_ALLOC_PASID, &q));
	TEST_ASSERT_OK(raw_attach(env, APASID, PASID_A, q.hwpt));
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 1, PERM_RW, ADDR));
	TEST_ASSERT_RC(fq_read(env, &q, &f, REC), REC);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 2, PERM_RW, ADDR));
	TEST_ASSERT_RC(raw_destroy(env, q.id), -EBUSY);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, q.fd));
	TEST_ASSERT_RC(raw_destroy(env, q.id), -EBUSY);	/* the HWPT still holds it */
	TEST_ASSERT_OK(test_env_trigger_iopf(env, PASID_A, 3, PERM_RW, ADDR));
	TEST_ASSERT_RC(raw_destroy(env, q.hwpt), -EBUSY);	/* the PASID is attached */
	TEST_ASSERT_OK(raw_detach(env, DPASID, PASID_A));
	TEST_ASSERT_OK(raw_destroy(env, q.hwpt));
	TEST_ASSERT_OK(raw_destroy(env, q.id));
	TEST_ASSERT_RC(raw_destroy(env, q.id), -ENOENT);
	/* a queue with its fd open and no HWPT */
	TEST_ASSERT_OK(raw_fault_alloc(env, &q.id, &q.fd));
	TEST_ASSERT_RC(raw_destroy(env, q.id), -EBUSY);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, q.fd));
	TEST_ASSERT_OK(raw_destroy(env, q.id));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_destroy_busy, test_fault_destroy_busy, .fn = &test_prs_fn,
	      .bind = true, .ioas = true);

/*
 * K11/K23: IOMMU_HWPT_FAULT_ID_VALID needs a fault queue's id (-ENOENT
 * for an unknown id, 0, or an object of another kind) and refuses
 * IOMMU_HWPT_ALLOC_NEST_PARENT (-EOPNOTSUPP); a refused alloc takes no
 * reference on the queue.
 */
static int
test_fault_hwpt_alloc_rules(struct test_env *env)
{
	uint32_t hwpt, fault_id;
	int fd;

	TEST_ASSERT_OK(raw_fault_alloc(env, &fault_id, &fd));
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc_fault(env, env->ioas, 0, 0, &hwpt), -ENOENT);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc_fault(env, env->ioas, 0, BAD_ID, &hwpt), -ENOENT);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc_fault(env, env->ioas, 0, env->ioas, &hwpt),
			    -ENOENT);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc_fault(env, env->ioas, 0, env->hwpt, &hwpt),
			    -ENOENT);
	TEST_ASSERT_REFUSED(env, raw_hwpt_alloc_fault(env, env->ioas, IOMMU_HWPT_ALLOC_NEST_PARENT,
						      fault_id, &hwpt), -EOPNOTSUPP);
	/* neither took the queue: with its fd closed it goes at once */
	TEST_ASSERT_OK(pdk_sys_close(env->sys, fd));
	TEST_ASSERT_OK(raw_destroy(env, fault_id));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_hwpt_alloc_rules, test_fault_hwpt_alloc_rules, .fn = &test_prs_fn,
	      .hwpt = TEST_HWPT_PASID);

/* ---- end to end through lib/dma ---- */

/*
 * A space with a fault handler, attached to a PASID by lib/pasid: a page
 * request at that PASID reaches the handler from pdk_dma_as_fault_poll()
 * with the PASID, the device, the page and the access; PDK answers it
 * (no ERR line: the response was taken), and a second poll finds nothing.
 */
static int
test_fault_dma_as_poll(struct test_env *env)
{
	const uint64_t page = 0x1000000ull + 3 * PG;
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *pctx;
	struct pdk_dma_as *as;
	struct test_fault_seen s = { .answer = -1 };	/* not resolved: answered INVALID */
	uint32_t pasid;

	TEST_ASSERT_OK(pdk_pasid_space_create(env->dev, env->ictx, &space));
	TEST_ASSERT_OK(pdk_dma_as_create(env->ictx, "faulty", &as));
	TEST_ASSERT_OK(pdk_dma_as_set_fault_handler(as, test_fault_record, &s));
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &pctx));
	pasid = pdk_pasid_ctx_pasid(pctx);
	TEST_ASSERT(pasid != 0, "no PASID");
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(as, 8), 0);
	TEST_ASSERT_OK(test_env_trigger_iopf(env, pasid, 0x11, IOMMU_PGFAULT_PERM_WRITE, page));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(as, 8), 1);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_EQ(s.calls, 1);
	TEST_ASSERT_EQ(s.last.pasid, pasid);
	TEST_ASSERT_EQ(s.last.dev_id, env->dev_id);
	TEST_ASSERT_EQ(s.last.iova, page);
	TEST_ASSERT_EQ(s.last.access, PDK_DMA_FAULT_WRITE);
	TEST_ASSERT_EQ(s.last.grpid, 0x11);
	TEST_ASSERT(s.last.last, "a group of one is its last page");
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(as, 8), 0);
	TEST_ASSERT_EQ(s.calls, 1);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(pctx));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(fault_dma_as_poll, test_fault_dma_as_poll, .fn = &test_prs_fn, .bind = true);
