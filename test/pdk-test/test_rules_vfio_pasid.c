/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The kernel's VFIO cdev and PASID rules, as the simulated kernel must answer
 * them, and the sim's IOMMU data path (translation per RID/PASID, faults).
 *
 * Device-side tests use raw ioctls on the device fd through the syscall
 * boundary (the raw_* helpers of test_env.h), so that the same checks can run
 * against a real kernel. Each rule cites doc/kernel-facts.md; the
 * fixture it needs is named where it registers.
 */

#include <linux/pci_regs.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock_pasid.h"
#include "test_env.h"

#define PG 4096ull
#define BAD_ID 0xdeadu
/* inside the kernel mock domain's aperture [16 MiB, 2 GiB) too */
#define IOVA_A 0x1000000ull
#define IOVA_B 0x2000000ull
#define SECOND_ADDR "0000:00:05.0"

#define APASID VFIO_DEVICE_ATTACH_PASID
#define DPASID VFIO_DEVICE_DETACH_PASID

#define BIND_SZ ((uint32_t)sizeof(struct vfio_device_bind_iommufd))
#define ATTACH_SZ ((uint32_t)sizeof(struct vfio_device_attach_iommufd_pt))

static struct pdk_sim_fn *
env_fn(struct test_env *env)
{
	return pdk_sim_fn_find(env->sim, env->addr);
}

/* ---- before and at BIND (kernel-facts K5, K6) ---- */

/* kernel-facts K5: any device ioctl, read or write before BIND: EINVAL */
static int
test_before_bind(struct test_env *env)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct vfio_region_info reg = {.argsz = sizeof(reg), .index = VFIO_PCI_CONFIG_REGION_INDEX};
	uint16_t w;

	TEST_ASSERT_RC(raw_device_ioctl(env, VFIO_DEVICE_GET_INFO, &info), -EINVAL);
	TEST_ASSERT_RC(raw_device_ioctl(env, VFIO_DEVICE_GET_REGION_INFO, &reg), -EINVAL);
	TEST_ASSERT_RC(raw_attach(env, 0, 0, env->ioas), -EINVAL);
	TEST_ASSERT_RC(raw_detach(env, 0, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_sys_pread(env->sys, env->dfd, &w, sizeof(w),
				     (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT),
		       -EINVAL);
	/* after the bind the same call works */
	TEST_ASSERT_OK(raw_bind(env, env->dfd, BIND_SZ, env->ifd, &env->dev_id));
	TEST_ASSERT_OK(raw_device_ioctl(env, VFIO_DEVICE_GET_INFO, &info));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_before_bind, test_before_bind,
	     "VFIO's own check and config-space reads: the mock has no PCI side (its VFIO part is ours, not the kernel's)",
	     .ioas = true);

/* kernel-facts K6: a second BIND: EINVAL */
static int
test_bind_twice(struct test_env *env)
{
	uint32_t id2 = 0;

	TEST_ASSERT_RC(raw_bind(env, env->dfd, BIND_SZ, env->ifd, &id2), -EINVAL);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_bind_twice, test_bind_twice,
	     "BIND errnos are VFIO's; the mock creates its device with the test ioctl, so only the sim can answer them",
	     .bind = true);

/* kernel-facts K6: BIND argsz < 16: EINVAL */
static int
test_bind_argsz(struct test_env *env)
{
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 12, env->ifd, NULL), -EINVAL);
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 0, env->ifd, NULL), -EINVAL);
	TEST_ASSERT_OK(raw_bind(env, env->dfd, 16, env->ifd, &env->dev_id));
	TEST_ASSERT(env->dev_id != 0, "no dev_id");
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_bind_argsz, test_bind_argsz,
	     "BIND errnos are VFIO's; the mock creates its device with the test ioctl, so only the sim can answer them");

/* kernel-facts K6: an fd that is not an iommufd: EBADFD; iommufd < 0: EINVAL; not an fd: EBADF */
static int
test_bind_bad_iommufd(struct test_env *env)
{
	int p[2];

	TEST_ASSERT(pipe(p) == 0);
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 16, p[0], NULL), -EBADFD);
	/* a sim fd of another kind (the device itself) is not an iommufd either */
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 16, env->dfd, NULL), -EBADFD);
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 16, -1, NULL), -EINVAL);
	close(p[0]);
	close(p[1]);
	/* p[0] is now a closed fd number (nothing opened since) */
	TEST_ASSERT_REFUSED(env, raw_bind(env, env->dfd, 16, p[0], NULL), -EBADF);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_bind_bad_iommufd, test_bind_bad_iommufd,
	     "BIND errnos (EBADFD, EBADF) come from VFIO's iommufd_ctx_from_fd, which the mock does not reach");

/*
 * kernel-facts K6: EPERM when the IOMMU group already has another DMA owner: two
 * functions of one group bound to two iommufd contexts.
 */
static int
test_bind_group_owner(struct test_env *env)
{
	struct pdk_sim_fn_config b = test_default_fn;
	struct pdk_vfio_dev *dev2 = NULL;
	struct pdk_iommufd *ctx2 = NULL;
	uint32_t id2 = 0;

	b.iommu_group = 7;
	b.pci_addr = SECOND_ADDR;
	TEST_ASSERT_OK(pdk_sim_fn_add(env->sim, &b, NULL));
	TEST_ASSERT_OK(pdk_iommufd_open(env->sys, &ctx2));
	TEST_ASSERT_OK(pdk_vfio_open(env->sys, SECOND_ADDR, &dev2));
	TEST_ASSERT_RC(raw_bind(env, pdk_vfio_fd(dev2), 16, pdk_iommufd_fd(ctx2), &id2), -EPERM);
	/* the same context as its sibling is the same owner: fine */
	TEST_ASSERT_OK(raw_bind(env, pdk_vfio_fd(dev2), 16, env->ifd, &id2));
	TEST_ASSERT(id2 != 0 && id2 != env->dev_id, "dev ids %u %u", env->dev_id, id2);
	pdk_vfio_close(dev2);
	pdk_iommufd_close(ctx2);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_bind_group_owner, test_bind_group_owner,
	     "needs two functions in one IOMMU group",
	     .bind = true,
	     .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(20), .iommu_group = 7 });

/* ---- ATTACH argument checks (kernel-facts K13) ---- */

/* kernel-facts K13: ATTACH argsz < 12: EINVAL */
static int
test_attach_argsz(struct test_env *env)
{
	TEST_ASSERT_RC(raw_attach_sz(env, 8, 0, 0, env->hwpt, NULL), -EINVAL);
	TEST_ASSERT_RC(raw_attach_sz(env, 11, 0, 0, env->hwpt, NULL), -EINVAL);
	/* 12 is enough for the RID (pre-6.15 layout) */
	TEST_ASSERT_OK(raw_attach_sz(env, 12, 0, 0, env->hwpt, NULL));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(vfio_attach_argsz, test_attach_argsz, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K13: the PASID flag with argsz < 16 (no room for pasid): EINVAL */
static int
test_attach_pasid_argsz(struct test_env *env)
{
	TEST_ASSERT_REFUSED(env, raw_attach_sz(env, 12, APASID, 1, env->hwpt, NULL), -EINVAL);
	TEST_ASSERT_OK(raw_attach_sz(env, 16, APASID, 1, env->hwpt, NULL));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(vfio_attach_pasid_argsz, test_attach_pasid_argsz, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K13: ATTACH/DETACH with unknown flags: EINVAL */
static int
test_attach_flags(struct test_env *env)
{
	TEST_ASSERT_REFUSED(env, raw_attach(env, 1u << 1, 0, env->hwpt), -EINVAL);
	TEST_ASSERT_REFUSED(env, raw_attach(env, APASID | (1u << 7), 1, env->hwpt), -EINVAL);
	TEST_ASSERT_REFUSED(env, raw_detach(env, 1u << 1, 0), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(vfio_attach_flags, test_attach_flags, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K13: unknown pt_id: ENOENT, for the RID and for a PASID */
static int
test_attach_unknown_pt(struct test_env *env)
{
	TEST_ASSERT_RC(raw_attach(env, 0, 0, BAD_ID), -ENOENT);
	TEST_ASSERT_RC(raw_attach(env, APASID, 1, BAD_ID), -ENOENT);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(vfio_attach_unknown_pt, test_attach_unknown_pt, .bind = true);

/* ---- the PASID-compatible HWPT rule (kernel-facts K14, iommufd_hwpt_pasid_compat) ---- */

/* kernel-facts K14: a PASID attach to an IOAS: EINVAL */
static int
test_pasid_to_ioas(struct test_env *env)
{
	/* no auto domain left behind either */
	TEST_ASSERT_REFUSED(env, raw_attach(env, APASID, 1, env->ioas), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_attach_ioas, test_pasid_to_ioas, .bind = true, .ioas = true);

/* kernel-facts K14: a PASID attach to a HWPT without IOMMU_HWPT_ALLOC_PASID: EINVAL */
static int
test_pasid_to_plain_hwpt(struct test_env *env)
{
	TEST_ASSERT_RC(raw_attach(env, APASID, 1, env->hwpt), -EINVAL);
	TEST_ASSERT_OK(test_env_destroy(env, &env->hwpt));	/* not attached */
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_attach_plain_hwpt, test_pasid_to_plain_hwpt, .hwpt = TEST_HWPT_PLAIN);

/* kernel-facts K14: RID on a non-PASID HWPT, then a PASID attach: EINVAL */
static int
test_pasid_after_plain_rid(struct test_env *env)
{
	uint32_t plain = env->hwpt, phwpt;

	TEST_ASSERT_OK(raw_hwpt_alloc(env, env->ioas, IOMMU_HWPT_ALLOC_PASID, &phwpt));
	TEST_ASSERT_OK(raw_attach(env, 0, 0, plain));
	TEST_ASSERT_RC(raw_attach(env, APASID, 1, phwpt), -EINVAL);
	/* once the RID is on a PASID-compatible HWPT, it works */
	TEST_ASSERT_OK(raw_attach(env, 0, 0, phwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 1, phwpt));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_OK(raw_destroy(env, phwpt));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_attach_rid_plain_hwpt, test_pasid_after_plain_rid, .hwpt = TEST_HWPT_PLAIN);

/*
 * kernel-facts K14: RID attached to an IOAS (auto domain, flags 0), then a PASID attach:
 * EINVAL. The auto HWPT's id is written back and goes away with the detach.
 */
static int
test_pasid_after_rid_ioas(struct test_env *env)
{
	uint32_t ioas = env->ioas, phwpt = env->hwpt, auto_id = 0;

	TEST_ASSERT_OK(raw_attach_sz(env, ATTACH_SZ, 0, 0, ioas, &auto_id));
	TEST_ASSERT(auto_id != ioas && auto_id != phwpt && auto_id != 0,
		    "pt_id written back: %u", auto_id);
	TEST_ASSERT_RC(raw_attach(env, APASID, 1, phwpt), -EINVAL);
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_SIM_COUNT(env, hwpts, 1);	/* the auto domain is gone */
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_attach_rid_ioas, test_pasid_after_rid_ioas, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K14: a PASID attached, then a RID attach to a non-PASID HWPT (or an IOAS): EINVAL */
static int
test_rid_plain_after_pasid(struct test_env *env)
{
	uint32_t plain = env->hwpt, phwpt;

	TEST_ASSERT_OK(raw_hwpt_alloc(env, env->ioas, IOMMU_HWPT_ALLOC_PASID, &phwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 3, phwpt));
	TEST_ASSERT_RC(raw_attach(env, 0, 0, plain), -EINVAL);
	TEST_ASSERT_RC(raw_attach(env, 0, 0, env->ioas), -EINVAL);
	/* a PASID-compatible one is fine, and so is the plain one once no PASID is left */
	TEST_ASSERT_OK(raw_attach(env, 0, 0, phwpt));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 3));
	TEST_ASSERT_OK(raw_attach(env, 0, 0, plain));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_OK(raw_destroy(env, phwpt));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(rid_attach_plain_after_pasid, test_rid_plain_after_pasid,
	      .hwpt = TEST_HWPT_PLAIN);

/* kernel-facts K14: the RID need not be attached first */
static int
test_pasid_without_rid(struct test_env *env)
{
	TEST_ASSERT_OK(raw_attach(env, APASID, 1, env->hwpt));
	TEST_ASSERT_SIM_COUNT(env, pasid_attachments, 1);
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_attach_without_rid, test_pasid_without_rid, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K16: pasid >= 2^width of a PASID-capable device: EINVAL */
static int
test_pasid_range(struct test_env *env)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	uint32_t ioas, hwpt;

	/* the fixture's function: width 20 */
	TEST_ASSERT_RC(raw_attach(env, APASID, 1u << 20, env->hwpt), -EINVAL);
	TEST_ASSERT_RC(raw_attach(env, APASID, 1u << 30, env->hwpt), -EINVAL);
	TEST_ASSERT_OK(raw_attach(env, APASID, (1u << 20) - 1, env->hwpt));
	TEST_ASSERT_OK(raw_detach(env, DPASID, (1u << 20) - 1));
	if (!test_env_is_sim(env))
		return TEST_SUCCESS;	/* the mock's width is 20 only: the rest is the sim's */
	TEST_ASSERT_OK(test_env_teardown(env));

	fn.pasid_bits = 8;
	SETUP(*env, NULL, &fn, true);
	TEST_ASSERT_OK(raw_ioas_hwpt(env, IOMMU_HWPT_ALLOC_PASID, &ioas, &hwpt));
	TEST_ASSERT_RC(raw_attach(env, APASID, 256, hwpt), -EINVAL);
	TEST_ASSERT_RC(raw_attach(env, APASID, 1u << 19, hwpt), -EINVAL);
	TEST_ASSERT_OK(raw_attach(env, APASID, 255, hwpt));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 255));
	TEST_ASSERT_OK(raw_destroy(env, hwpt));
	TEST_ASSERT_OK(raw_destroy(env, ioas));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_range, test_pasid_range, .hwpt = TEST_HWPT_PASID);

/*
 * kernel-facts K16, for a PASID above INT_MAX: VFIO records a PASID
 * in an IDA before iommufd sees it (vfio_iommufd_physical_pasid_attach_ioas
 * -> ida_alloc_range(&vdev->pasids, pasid, pasid)), and ida_alloc_range()
 * returns ENOSPC when (int)min < 0, so the answer is ENOSPC, not iommufd's
 * EINVAL. The parity run found the sim answering EINVAL here; the VM's
 * vfio-pci answered ENOSPC on edu too.
 */
static int
test_pasid_above_int_max(struct test_env *env)
{
	TEST_ASSERT_RC(raw_attach(env, APASID, UINT32_MAX, env->hwpt), -ENOSPC);
	TEST_ASSERT_RC(raw_attach(env, APASID, 1u << 31, env->hwpt), -ENOSPC);
	/* the last int is still iommufd's to judge: past the width, EINVAL */
	TEST_ASSERT_RC(raw_attach(env, APASID, INT32_MAX, env->hwpt), -EINVAL);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_above_int_max, test_pasid_above_int_max, .hwpt = TEST_HWPT_PASID);

/*
 * kernel-facts K16: on a width-0 function (singleton group) a
 * PASID attach returns 0 without any range check, even past 20 bits.
 */
static int
test_pasid_width0(struct test_env *env)
{
	uint32_t hwpt = env->hwpt;

	TEST_ASSERT_OK(raw_attach(env, APASID, 1, hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 1048575, hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 1048576, hwpt));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1048575));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 1048576));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(pasid_width0_attach, test_pasid_width0,
	     "needs a function of PASID width 0 (the mock has 20)",
	     .hwpt = TEST_HWPT_PASID, .fn = &(const struct pdk_sim_fn_config){ TEST_SIMDMA_FN(0) });

/* ---- replace (kernel-facts K15) ---- */

/*
 * Two IOASes that map different buffers at the same IOVA: a DMA write by
 * PASID @p pasid to that IOVA shows which one the PASID goes through.
 */
struct two_spaces {
	uint32_t ioas[2], hwpt[2];
	uint8_t *buf[2];
};

static int
two_spaces_setup(struct test_env *env, struct two_spaces *t)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		rc = raw_ioas_hwpt(env, IOMMU_HWPT_ALLOC_PASID, &t->ioas[i], &t->hwpt[i]);
		if (rc != 0)
			return rc;
		t->buf[i] = test_buf_alloc(PG);
		if (t->buf[i] == NULL)
			return -ENOMEM;
		memset(t->buf[i], 0xa0 + i, PG);
		rc = raw_map_fixed(env, t->ioas[i], RW, t->buf[i], PG, IOVA_A);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
two_spaces_teardown(struct test_env *env, struct two_spaces *t)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((rc = raw_unmap(env, t->ioas[i], IOVA_A, PG)) != 0 ||
		    (rc = raw_destroy(env, t->hwpt[i])) != 0 ||
		    (rc = raw_destroy(env, t->ioas[i])) != 0)
			return rc;
		test_buf_free(t->buf[i], PG);
	}
	return 0;
}

/*
 * Which of two spaces PASID @p pasid goes through: on the sim, a DMA write
 * of @p byte to IOVA_A must land in space @p i and only there; on the
 * kernel (no data path), IOMMU_TEST_OP_PASID_CHECK_HWPT must name hwpt[i].
 */
static int
check_pasid_space(struct test_env *env, struct two_spaces *t, uint32_t pasid, int i,
		  uint8_t byte)
{
	uint8_t data[64];

	if (!test_env_is_sim(env)) {
		TEST_ASSERT_OK(mock_pasid_check_hwpt(env->sys, env->dfd, pasid, t->hwpt[i]));
		TEST_ASSERT_RC(mock_pasid_check_hwpt(env->sys, env->dfd, pasid, t->hwpt[!i]),
			       -EINVAL);
		return TEST_SUCCESS;
	}
	memset(data, byte, sizeof(data));
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, pasid, IOVA_A, data, sizeof(data), true));
	TEST_ASSERT(test_all_bytes(t->buf[i], byte, sizeof(data)), "DMA did not land in space %d", i);
	TEST_ASSERT(!test_all_bytes(t->buf[!i], byte, sizeof(data)), "space %d was written", !i);
	return TEST_SUCCESS;
}

/* kernel-facts K15: attaching an attached PASID again replaces its HWPT; DMA follows */
static int
test_pasid_replace(struct test_env *env)
{
	struct two_spaces t;

	TEST_ASSERT_OK(two_spaces_setup(env, &t));
	TEST_ASSERT_OK(raw_attach(env, APASID, 5, t.hwpt[0]));
	TEST_ASSERT_OK(check_pasid_space(env, &t, 5, 0, 0x11));

	TEST_ASSERT_OK(raw_attach(env, APASID, 5, t.hwpt[1]));
	TEST_ASSERT_SIM_COUNT(env, pasid_attachments, 1);
	TEST_ASSERT_OK(check_pasid_space(env, &t, 5, 1, 0x22));
	if (test_env_is_sim(env))
		TEST_ASSERT(test_all_bytes(t.buf[0], 0x11, 64), "space 0 was written after replace");
	/* the new HWPT is the one in use now */
	TEST_ASSERT_RC(raw_destroy(env, t.hwpt[1]), -EBUSY);
	TEST_ASSERT_OK(raw_detach(env, DPASID, 5));
	TEST_ASSERT_OK(two_spaces_teardown(env, &t));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_replace, test_pasid_replace, .bind = true);

/* kernel-facts K15: a failed replace (to an unflagged HWPT) keeps the old HWPT attached */
static int
test_pasid_replace_fail(struct test_env *env)
{
	struct two_spaces t;
	uint32_t plain;

	TEST_ASSERT_OK(two_spaces_setup(env, &t));
	TEST_ASSERT_OK(raw_hwpt_alloc(env, t.ioas[1], 0, &plain));
	TEST_ASSERT_OK(raw_attach(env, APASID, 5, t.hwpt[0]));
	TEST_ASSERT_RC(raw_attach(env, APASID, 5, plain), -EINVAL);
	TEST_ASSERT_RC(raw_attach(env, APASID, 5, t.ioas[1]), -EINVAL);
	/* the old HWPT is still the one: DMA on the sim, PASID_CHECK_HWPT on the kernel */
	TEST_ASSERT_OK(check_pasid_space(env, &t, 5, 0, 0x33));
	if (test_env_is_sim(env))
		TEST_ASSERT(test_all_bytes(t.buf[1], 0xa1, PG), "space 1 was written");
	TEST_ASSERT_RC(raw_destroy(env, t.hwpt[0]), -EBUSY);
	TEST_ASSERT_OK(raw_destroy(env, plain));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 5));
	TEST_ASSERT_OK(two_spaces_teardown(env, &t));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_replace_fail_keeps_old, test_pasid_replace_fail, .bind = true);

/* ---- detach (kernel-facts K13) ---- */

/* kernel-facts K13: detaching a PASID that was never attached: 0 */
static int
test_pasid_detach_unattached(struct test_env *env)
{
	TEST_ASSERT_OK(raw_detach(env, DPASID, 9));
	TEST_ASSERT_OK(raw_detach(env, DPASID, 9));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid_detach_unattached, test_pasid_detach_unattached, .bind = true);

/* kernel-facts K13: RID detach twice: 0 both times */
static int
test_rid_detach_twice(struct test_env *env)
{
	TEST_ASSERT_OK(raw_attach(env, 0, 0, env->hwpt));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(rid_detach_twice, test_rid_detach_twice, .hwpt = TEST_HWPT_PASID);

/*
 * kernel-facts K17 (the PASID 0 trap): PASID 0 with the PASID flag is accepted; afterwards
 * a RID detach returns 0 but the HWPT stays busy and every RID attach
 * returns EBUSY, until the device fd is closed.
 */
static int
test_pasid0_trap(struct test_env *env)
{
	uint32_t hwpt = env->hwpt, hwpt2;

	TEST_ASSERT_OK(raw_hwpt_alloc(env, env->ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt2));
	TEST_ASSERT_OK(raw_attach(env, APASID, 0, hwpt));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_RC(raw_destroy(env, hwpt), -EBUSY);
	TEST_ASSERT_RC(raw_attach(env, 0, 0, hwpt), -EBUSY);
	TEST_ASSERT_RC(raw_attach(env, 0, 0, hwpt2), -EBUSY);
	TEST_ASSERT_RC(raw_destroy(env, hwpt), -EBUSY);
	/* closing the fd clears it */
	pdk_vfio_close(env->dev);
	env->dev = NULL;
	TEST_ASSERT_OK(test_env_destroy(env, &env->hwpt));
	TEST_ASSERT_OK(raw_destroy(env, hwpt2));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(pasid0_trap, test_pasid0_trap, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K20: closing the device fd detaches the RID and every PASID */
static int
test_close_detaches(struct test_env *env)
{
	uint32_t hwpt = env->hwpt, hwpt2;

	TEST_ASSERT_OK(raw_hwpt_alloc(env, env->ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt2));
	TEST_ASSERT_OK(raw_attach(env, 0, 0, hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 1, hwpt));
	TEST_ASSERT_OK(raw_attach(env, APASID, 2, hwpt2));
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 1);
	TEST_ASSERT_SIM_COUNT(env, pasid_attachments, 2);
	TEST_ASSERT_SIM_COUNT(env, bound_devices, 1);
	TEST_ASSERT_RC(raw_destroy(env, hwpt2), -EBUSY);

	pdk_vfio_close(env->dev);
	env->dev = NULL;
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_SIM_COUNT(env, pasid_attachments, 0);
	TEST_ASSERT_SIM_COUNT(env, bound_devices, 0);
	TEST_ASSERT_OK(test_env_destroy(env, &env->hwpt));
	TEST_ASSERT_OK(raw_destroy(env, hwpt2));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(close_detaches_all, test_close_detaches, .hwpt = TEST_HWPT_PASID);

/* kernel-facts K18: AMD-Vi accepts ALLOC_PASID but has no set_dev_pasid: EOPNOTSUPP */
static int
test_amd_pasid_attach(struct test_env *env)
{
	TEST_ASSERT_REFUSED(env, raw_attach(env, APASID, 1, env->hwpt), -EOPNOTSUPP);
	/* the RID path works on AMD */
	TEST_ASSERT_OK(raw_attach(env, 0, 0, env->hwpt));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(amd_pasid_attach, test_amd_pasid_attach,
	     "needs an AMD-Vi IOMMU",
	     .sim = &(const struct pdk_sim_config){ .iommu = PDK_SIM_IOMMU_AMD },
	     .hwpt = TEST_HWPT_PASID);

/* ---- device regions (kernel-facts K19) ---- */

/* GET_INFO, GET_REGION_INFO, config read through the fd and a BAR mmap */
static int
test_regions(struct test_env *env)
{
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct vfio_region_info bar0 = {.argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX};
	struct vfio_region_info cfgr = {.argsz = sizeof(cfgr), .index = VFIO_PCI_CONFIG_REGION_INDEX};
	uint16_t ids[2];
	void *map = NULL;
	uint32_t id;

	TEST_ASSERT_OK(raw_device_ioctl(env, VFIO_DEVICE_GET_INFO, &info));
	TEST_ASSERT(info.flags & VFIO_DEVICE_FLAGS_PCI, "flags 0x%x", info.flags);
	TEST_ASSERT(info.num_regions >= VFIO_PCI_NUM_REGIONS, "%u regions", info.num_regions);

	TEST_ASSERT_OK(raw_device_ioctl(env, VFIO_DEVICE_GET_REGION_INFO, &cfgr));
	TEST_ASSERT_EQ(cfgr.offset, (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT);
	TEST_ASSERT(cfgr.size >= 256, "config size %llu", (unsigned long long)cfgr.size);
	TEST_ASSERT_RC(pdk_sys_pread(env->sys, env->dfd, ids, sizeof(ids), cfgr.offset + PCI_VENDOR_ID),
		       (long long)sizeof(ids));
	TEST_ASSERT_EQ(ids[0], PDK_SIMDMA_VENDOR_ID);
	TEST_ASSERT_EQ(ids[1], PDK_SIMDMA_DEVICE_ID);

	TEST_ASSERT_OK(raw_device_ioctl(env, VFIO_DEVICE_GET_REGION_INFO, &bar0));
	TEST_ASSERT_EQ(bar0.offset, 0);
	TEST_ASSERT_EQ(bar0.size, 4096);
	TEST_ASSERT_EQ(bar0.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				     VFIO_REGION_INFO_FLAG_MMAP),
		       VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		       VFIO_REGION_INFO_FLAG_MMAP);
	TEST_ASSERT_RC(pdk_sys_pread(env->sys, env->dfd, &id, sizeof(id),
				     bar0.offset + PDK_SIMDMA_REG_ID), (long long)sizeof(id));
	TEST_ASSERT_EQ(id, 0x50440001u);
	TEST_ASSERT_OK(pdk_sys_mmap(env->sys, env->dfd, bar0.size, PROT_READ | PROT_WRITE,
				    bar0.offset, &map));
	TEST_ASSERT(map != NULL);
	TEST_ASSERT_EQ(*(volatile uint32_t *)((uint8_t *)map + PDK_SIMDMA_REG_ID), 0x50440001u);
	TEST_ASSERT_SIM_COUNT(env, mmaps, 1);
	TEST_ASSERT_OK(pdk_sys_munmap(env->sys, map, bar0.size));
	TEST_ASSERT_SIM_COUNT(env, mmaps, 0);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(vfio_regions, test_regions,
	     "device regions, config space and BAR mmap: the mock has no PCI side",
	     .bind = true);

/* ---- the data path: isolation and faults (DESIGN "Two backends") ---- */

struct iso {
	uint32_t ioas[2], hwpt[2];
	uint8_t *buf[2];	/* buf[i] mapped only in ioas[i], at ISO_IOVA(i) */
};

#define ISO_IOVA(i) ((i) == 0 ? IOVA_A : IOVA_B)

static int
iso_setup(struct test_env *env, struct iso *s)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		rc = raw_ioas_hwpt(env, IOMMU_HWPT_ALLOC_PASID, &s->ioas[i], &s->hwpt[i]);
		if (rc != 0)
			return rc;
		s->buf[i] = test_buf_alloc(PG);
		if (s->buf[i] == NULL)
			return -ENOMEM;
		memset(s->buf[i], 0x5a, PG);
		rc = raw_map_fixed(env, s->ioas[i], RW, s->buf[i], PG, ISO_IOVA(i));
		if (rc != 0)
			return rc;
		rc = raw_attach(env, APASID, (uint32_t)i + 1, s->hwpt[i]);	/* PASID 1 and 2 */
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
iso_teardown(struct test_env *env, struct iso *s)
{
	int i, rc;

	for (i = 0; i < 2; i++) {
		if ((rc = raw_detach(env, DPASID, (uint32_t)i + 1)) != 0 ||
		    (rc = raw_unmap(env, s->ioas[i], ISO_IOVA(i), PG)) != 0 ||
		    (rc = raw_destroy(env, s->hwpt[i])) != 0 ||
		    (rc = raw_destroy(env, s->ioas[i])) != 0)
			return rc;
		test_buf_free(s->buf[i], PG);
	}
	return 0;
}

static int
drain_faults(struct pdk_sim *sim)
{
	struct pdk_sim_fault f;
	int n = 0;

	while (pdk_sim_fault_pop(sim, &f) == 0)
		n++;
	return n;
}

/*
 * Isolation: PASID 1 (space A) cannot reach an IOVA that only space B maps.
 * The write faults, no byte lands, and the fault names PASID 1 and the IOVA.
 */
static int
test_isolation_port(struct test_env *env)
{
	struct pdk_sim_fault f;
	uint8_t data[128];
	struct iso s;

	TEST_ASSERT_OK(iso_setup(env, &s));
	drain_faults(env->sim);
	memset(data, 0xc3, sizeof(data));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, 1, IOVA_B, data, sizeof(data), true),
		       -EFAULT);
	TEST_ASSERT(test_all_bytes(s.buf[1], 0x5a, PG), "bytes landed in space B");
	TEST_ASSERT(test_all_bytes(s.buf[0], 0x5a, PG), "bytes landed in space A");
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid_valid, true);
	TEST_ASSERT_EQ(f.pasid, 1);
	TEST_ASSERT_EQ(f.iova, IOVA_B);
	TEST_ASSERT_EQ(f.write, true);
	TEST_ASSERT(strcmp(f.pci_addr, env->addr) == 0, "fault from %s", f.pci_addr);
	TEST_ASSERT_RC(pdk_sim_fault_pop(env->sim, &f), -ENOENT);

	/* a read by PASID 2 of space A's IOVA faults too, and no byte comes back */
	memset(data, 0, sizeof(data));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, 2, IOVA_A, data, sizeof(data), false),
		       -EFAULT);
	TEST_ASSERT(test_all_bytes(data, 0, sizeof(data)), "bytes of space A were read");
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid, 2);
	TEST_ASSERT_EQ(f.iova, IOVA_A);
	TEST_ASSERT_EQ(f.write, false);

	/* each PASID reaches its own buffer */
	memset(data, 0x77, sizeof(data));
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, 2, IOVA_B, data, sizeof(data), true));
	TEST_ASSERT(test_all_bytes(s.buf[1], 0x77, sizeof(data)), "PASID 2 could not write space B");
	TEST_ASSERT_OK(iso_teardown(env, &s));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(dma_isolation, test_isolation_port,
	     "DMA through the sim's device port: the mock has no data path",
	     .bind = true);

/* The same isolation seen from the device: a pdk-sim-dma copy reports FAULT and the address */
static int
test_isolation_simdma(struct test_env *env)
{
	struct pdk_sim_fault f;
	uint64_t fault_addr = 0;
	struct iso s;

	TEST_ASSERT_OK(iso_setup(env, &s));
	memset(s.buf[0], 0xe1, 256);	/* source in space A */
	drain_faults(env->sim);
	TEST_ASSERT_RC(test_simdma_copy(env, true, 1, IOVA_A, IOVA_B, 256), PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT(test_all_bytes(s.buf[1], 0x5a, PG), "bytes landed in space B");
	TEST_ASSERT_OK(pdk_vfio_bar_read(env->dev, 0, PDK_SIMDMA_REG_FAULT_ADDR, &fault_addr,
					 sizeof(fault_addr)));
	TEST_ASSERT_EQ(fault_addr, IOVA_B);
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid_valid, true);
	TEST_ASSERT_EQ(f.pasid, 1);
	TEST_ASSERT_EQ(f.iova, IOVA_B);
	/* inside space A the same copy works */
	TEST_ASSERT_RC(test_simdma_copy(env, true, 1, IOVA_A, IOVA_A + 2048, 256), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(test_all_bytes(s.buf[0] + 2048, 0xe1, 256), "copy in space A did not land");
	TEST_ASSERT_OK(iso_teardown(env, &s));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(dma_isolation_simdma, test_isolation_simdma,
	     "DMA through pdk-sim-dma: the mock has no data path",
	     .bind = true);

/* kernel-facts K6, K13: after BIND the RID is blocked; with only PASIDs attached a RID DMA faults */
static int
test_rid_blocked(struct test_env *env)
{
	struct pdk_sim_fault f;
	uint8_t data[64];
	struct iso s;

	TEST_ASSERT_OK(iso_setup(env, &s));
	drain_faults(env->sim);
	memset(data, 0x99, sizeof(data));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), false, 0, IOVA_A, data, sizeof(data), true),
		       -EFAULT);
	TEST_ASSERT(test_all_bytes(s.buf[0], 0x5a, PG), "RID DMA landed in space A");
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid_valid, false);
	TEST_ASSERT_EQ(f.iova, IOVA_A);
	TEST_ASSERT_EQ(f.write, true);
	/* through the device, too */
	TEST_ASSERT_RC(test_simdma_copy(env, false, 0, IOVA_A, IOVA_A + 2048, 64),
		       PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT(test_all_bytes(s.buf[0], 0x5a, PG), "RID copy landed in space A");
	TEST_ASSERT_OK(iso_teardown(env, &s));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(dma_rid_blocked, test_rid_blocked,
	     "DMA through the sim's device port: the mock has no data path",
	     .bind = true);

/* A device write through a READ-only mapping faults and writes nothing; reads work */
static int
test_readonly_map(struct test_env *env)
{
	struct pdk_sim_fault f;
	uint8_t *buf = env->buf;
	uint8_t data[64];

	memset(buf, 0x5a, PG);
	TEST_ASSERT_OK(raw_map_fixed(env, env->ioas, IOMMU_IOAS_MAP_READABLE, buf, PG, IOVA_A));
	TEST_ASSERT_OK(raw_attach(env, APASID, 4, env->hwpt));
	drain_faults(env->sim);
	memset(data, 0x12, sizeof(data));
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, 4, IOVA_A, data, sizeof(data), true),
		       -EFAULT);
	TEST_ASSERT(test_all_bytes(buf, 0x5a, PG), "a write went through a read-only mapping");
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_EQ(f.pasid, 4);
	TEST_ASSERT_EQ(f.iova, IOVA_A);
	TEST_ASSERT_EQ(f.write, true);
	/* reading is allowed */
	TEST_ASSERT_OK(pdk_sim_fn_dma(env_fn(env), true, 4, IOVA_A, data, sizeof(data), false));
	TEST_ASSERT(test_all_bytes(data, 0x5a, sizeof(data)), "read-only mapping could not be read");
	/* a copy whose destination is the read-only page: FAULT, nothing written */
	TEST_ASSERT_RC(test_simdma_copy(env, true, 4, IOVA_A, IOVA_A + 1024, 64),
		       PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT(test_all_bytes(buf, 0x5a, PG), "the copy wrote into a read-only mapping");
	TEST_ASSERT_OK(raw_detach(env, DPASID, 4));
	TEST_ASSERT_OK(raw_unmap(env, env->ioas, IOVA_A, PG));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(dma_readonly_write, test_readonly_map,
	     "DMA through the sim's device port: the mock has no data path",
	     .hwpt = TEST_HWPT_PASID, .buf = PG);

/*
 * kernel-facts K12: a fault on a HWPT allocated with a fault queue's id is
 * delivered to that queue's fd, tagged with the PASID: the fd turns
 * readable, PDK's read returns the group, and a response answers it.
 */
static int
test_fault_queue_delivery(struct test_env *env)
{
	const uint64_t hole = 0x100000;	/* nothing is mapped in the fixture's IOAS */
	struct iommu_hwpt_pgfault f[2];
	uint32_t fault_id, hwpt;
	uint8_t data[64] = { 0 };
	int fd;

	TEST_ASSERT_OK(pdk_iommufd_fault_alloc(env->ictx, &fault_id, &fd));
	TEST_ASSERT_OK(pdk_iommufd_hwpt_alloc(env->ictx, env->dev_id, env->ioas,
					      PDK_IOMMUFD_HWPT_PASID | PDK_IOMMUFD_HWPT_FAULT,
					      fault_id, &hwpt));
	TEST_ASSERT_OK(pdk_vfio_pasid_attach(env->dev, 7, hwpt));
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN), 0);
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), true, 7, hole, data, sizeof(data), false),
		       -EFAULT);
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN | POLLOUT), POLLIN | POLLOUT);
	TEST_ASSERT_RC(pdk_iommufd_fault_read(env->ictx, fd, f, 2), 1);
	TEST_ASSERT(f[0].flags & IOMMU_PGFAULT_FLAGS_PASID_VALID, "flags %#x", f[0].flags);
	TEST_ASSERT_EQ(f[0].pasid, 7);
	TEST_ASSERT_EQ(f[0].addr & ~UINT64_C(0xfff), hole);
	TEST_ASSERT_RC(pdk_sys_poll(env->sys, fd, POLLIN), 0);
	TEST_ASSERT_OK(pdk_iommufd_fault_respond(env->ictx, fd, f[0].cookie,
						 IOMMUFD_PAGE_RESP_INVALID));
	TEST_ASSERT_OK(pdk_vfio_pasid_detach(env->dev, 7));
	TEST_ASSERT_OK(pdk_iommufd_destroy(env->ictx, hwpt));
	TEST_ASSERT_OK(pdk_iommufd_fault_close(env->ictx, fd));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(fault_queue_delivery, test_fault_queue_delivery,
	     "DMA through the sim's device port: the mock has no data path",
	     .bind = true, .ioas = true, .fn = &test_prs_fn);
