/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * ATS (cfg.ats) on SIMULATED functions, and what each simulated IOMMU does
 * with PRI (cfg.prs) without it (kernel-facts K12, the 7.3.4 drivers):
 *   VT-d    enables PRI only with ATS (intel/iommu.c intel_iommu_probe_device(),
 *           iommu_enable_pci_pri()) and refuses a HWPT with a fault queue on
 *           a function without PRI enabled, -ENODEV (intel_iommu_enable_iopf());
 *   AMD     enables PRI only with ATS too (amd/iommu.c pdev_enable_cap_pri()),
 *           and only at attach of a domain made for PASIDs (a v2 page table:
 *           pdom_is_sva_capable()), but accepts the HWPT either way
 *           (amd/ppr.c amd_iommu_iopf_add_device() returns 0 with PRI off):
 *           faults stay ordinary ones;
 *   SMMUv3  never enables PRI (it takes stall faults only) and accepts the
 *           HWPT (arm_smmu_enable_iopf() returns 0 without stall).
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdint.h>
#include <string.h>

#include "pdk_dma.h"
#include "pdk_pasid.h"
#include "pdk_pcicfg.h"
#include "pdk_sim.h"
#include "pdk_test.h"
#include "test_env.h"

#define PF_ADDR	"0000:00:04.0"
#define VF_ADDR	"0000:00:04.1"
#define HOLE	0x100000u	/* nothing mapped there */

/* PRI without ATS: what the sim modelled for every prs function before ATS existed. */
static const struct pdk_sim_fn_config prs_only_fn = { TEST_SIMDMA_FN(20), .prs = true };

static const struct pdk_sim_config amd_cfg = { .iommu = PDK_SIM_IOMMU_AMD };
static const struct pdk_sim_config smmu_cfg = { .iommu = PDK_SIM_IOMMU_SMMUV3 };

/* @p len bytes of @p addr's sysfs config space (the physical view) at @p off. */
static int
cfg_bytes(struct pdk_sys *sys, const char *addr, uint16_t off, void *buf, size_t len)
{
	struct pdk_pcicfg *cfg;
	int rc = pdk_pcicfg_read_sysfs(sys, addr, &cfg);

	if (rc < 0)
		return rc;
	rc = pdk_pcicfg_bytes(cfg, off, buf, len);
	pdk_pcicfg_free(cfg);
	return rc;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The ATS capability at @p off: header (id, version 1, @p next), CAP and CTRL as the IOMMU left them. */
static int
ats_check(struct pdk_sys *sys, const char *addr, uint16_t off, uint16_t next)
{
	uint8_t ats[PCI_EXT_CAP_ATS_SIZEOF];

	TEST_ASSERT_OK(cfg_bytes(sys, addr, off, ats, sizeof(ats)));
	TEST_ASSERT_EQ(le32(ats), PCI_EXT_CAP_ID_ATS | 1u << 16 | (uint32_t)next << 20);
	/* Page Aligned Request (VT-d enables ATS only then), Invalidate Queue Depth 0 = 32 */
	TEST_ASSERT_EQ(le16(ats + PCI_ATS_CAP), PCI_ATS_CAP_PAGE_ALIGNED);
	/* pci_enable_ats() for a 4 KiB IOMMU page: ENABLE, STU 12 - PCI_ATS_MIN_STU = 0 */
	TEST_ASSERT_EQ(le16(ats + PCI_ATS_CTRL), PCI_ATS_CTRL_ENABLE);
	return TEST_SUCCESS;
}

/* PRI Control ENABLE, Status and Allocation as the IOMMU left them at @p off. */
static int
pri_check(struct pdk_sys *sys, const char *addr, uint16_t off, bool enabled)
{
	uint8_t pri[PCI_EXT_CAP_PRI_SIZEOF];

	TEST_ASSERT_OK(cfg_bytes(sys, addr, off, pri, sizeof(pri)));
	TEST_ASSERT_EQ(le16(pri), PCI_EXT_CAP_ID_PRI);
	TEST_ASSERT_EQ(le16(pri + PCI_PRI_CTRL) & PCI_PRI_CTRL_ENABLE,
		       enabled ? PCI_PRI_CTRL_ENABLE : 0);
	/* disabled: Stopped, nothing allocated (pci_enable_pri() never ran) */
	TEST_ASSERT_EQ(le16(pri + PCI_PRI_STATUS) & PCI_PRI_STATUS_STOPPED,
		       enabled ? 0 : PCI_PRI_STATUS_STOPPED);
	TEST_ASSERT_EQ(le32(pri + PCI_PRI_MAX_REQ), 32);
	TEST_ASSERT_EQ(le32(pri + PCI_PRI_ALLOC_REQ), enabled ? 32u : 0u);
	return TEST_SUCCESS;
}

/*
 * The default layout: PASID at 0x100, PRI behind it (0x108), ATS behind PRI
 * (0x118), chained in that order; vfio-pci shows ATS and PRI (it hides only
 * PASID), where lib/pasid looks for them. PRI is enabled (VT-d, with ATS).
 */
static int
test_ats_capability(struct test_env *env)
{
	const struct pdk_pcicfg_range *r;
	struct pdk_pcicfg *vfio;
	uint8_t hdr[4];

	TEST_ASSERT_OK(cfg_bytes(env->sys, env->addr, 0x108, hdr, sizeof(hdr)));
	TEST_ASSERT_EQ(le32(hdr) >> 20, 0x118);		/* PRI's next: ATS */
	TEST_ASSERT_EQ(ats_check(env->sys, env->addr, 0x118, 0), TEST_SUCCESS);
	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, true), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_pcicfg_read_vfio(env->dev, &vfio));
	r = pdk_pcicfg_find(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS);
	TEST_ASSERT(r != NULL && r->offset == 0x118 && r->length == PCI_EXT_CAP_ATS_SIZEOF,
		    "ATS in the VFIO config region: %s", r != NULL ? "misplaced" : "missing");
	TEST_ASSERT(pdk_pcicfg_find(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PRI) != NULL,
		    "PRI missing from the VFIO config region");
	pdk_pcicfg_free(vfio);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_ats_capability, fast, test_ats_capability, .bind = true, .fn = &test_prs_fn);

/* pdk_sim_fn_add() of @p fc refused -EINVAL with one ERR line holding @p why. */
static int
add_refused(struct pdk_sim *sim, const struct pdk_sim_fn_config *fc, const char *why)
{
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_fn_add(sim, fc, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE(why);
	test_log_capture_stop();
	TEST_ASSERT(pdk_sim_fn_find(sim, fc->pci_addr) == NULL, "a refused function was added");
	return TEST_SUCCESS;
}

/*
 * Where ATS goes without PASID or PRI, at ats_offset, on a VF (its own
 * capability, when its PF has ATS: pci_ats_supported() asks the PF), and
 * the shapes refused with their reason.
 */
static int
test_ats_layout(void)
{
	const struct pdk_sim_fn_config alone = { .pci_addr = PF_ADDR, .ats = true };
	const struct pdk_sim_fn_config pasid = { .pci_addr = PF_ADDR, .pasid_bits = 20, .ats = true };
	const struct pdk_sim_fn_config moved = {
		.pci_addr = PF_ADDR, .pasid_bits = 20, .prs = true, .ats = true, .ats_offset = 0x200,
	};
	const struct pdk_sim_fn_config vf = { .pci_addr = VF_ADDR, .physfn = PF_ADDR, .ats = true };
	const struct pdk_sim_fn_config pf_plain = { .pci_addr = PF_ADDR };
	const struct pdk_sim_fn_config offset_only = { .pci_addr = PF_ADDR, .ats_offset = 0x200 };
	const struct pdk_sim_fn_config unaligned = { .pci_addr = PF_ADDR, .ats = true, .ats_offset = 0x202 };
	const struct pdk_sim_fn_config past_end = { .pci_addr = PF_ADDR, .ats = true, .ats_offset = 0xffc };
	const struct pdk_sim_fn_config on_pri = {
		.pci_addr = PF_ADDR, .pasid_bits = 20, .prs = true, .ats = true, .ats_offset = 0x110,
	};
	struct pdk_sim *sim;

	/* alone: at 0x100, the chain's start */
	TEST_ASSERT((sim = test_sim_bare()) != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &alone, NULL));
	TEST_ASSERT_EQ(ats_check(pdk_sim_sys(sim), PF_ADDR, 0x100, 0), TEST_SUCCESS);
	/* a VF of it has its own, also at 0x100, enabled (STU is the PF's) */
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &vf, NULL));
	TEST_ASSERT_EQ(ats_check(pdk_sim_sys(sim), VF_ADDR, 0x100, 0), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));

	/* behind PASID */
	TEST_ASSERT((sim = test_sim_bare()) != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &pasid, NULL));
	TEST_ASSERT_EQ(ats_check(pdk_sim_sys(sim), PF_ADDR, 0x108, 0), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));

	/* moved: PASID 0x100 -> PRI 0x108 -> ATS 0x200, PRI still enabled */
	TEST_ASSERT((sim = test_sim_bare()) != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &moved, NULL));
	TEST_ASSERT_EQ(ats_check(pdk_sim_sys(sim), PF_ADDR, 0x200, 0), TEST_SUCCESS);
	TEST_ASSERT_EQ(pri_check(pdk_sim_sys(sim), PF_ADDR, 0x108, true), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));

	/* refused shapes */
	TEST_ASSERT((sim = test_sim_bare()) != NULL, "sim");
	TEST_ASSERT_EQ(add_refused(sim, &offset_only, "ats_offset is not a dword in 0x100-0xFF8 of a function with ats"),
		       TEST_SUCCESS);
	TEST_ASSERT_EQ(add_refused(sim, &unaligned, "ats_offset is not a dword"), TEST_SUCCESS);
	TEST_ASSERT_EQ(add_refused(sim, &past_end, "ats_offset is not a dword"), TEST_SUCCESS);
	TEST_ASSERT_EQ(add_refused(sim, &on_pri, "two extended capabilities of the configuration overlap"),
		       TEST_SUCCESS);
	/* a VF with ATS under a PF without */
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &pf_plain, NULL));
	TEST_ASSERT_EQ(add_refused(sim, &vf, "ats on a VF whose PF has none"), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_ats_layout, fast, test_ats_layout);

static struct pdk_sim_fn *
env_fn(struct test_env *env)
{
	return pdk_sim_fn_find(env->sim, env->addr);
}

/* A space on the device and an address space with a fault handler (HWPTs with a fault queue). */
struct faulty {
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as;
	struct test_fault_seen seen;
};

static int
faulty_setup(struct test_env *env, struct faulty *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->seen.answer = -1;
	if ((rc = pdk_pasid_space_create(env->dev, env->ictx, &f->space)) < 0 ||
	    (rc = pdk_dma_as_create(env->ictx, "faulty", &f->as)) < 0)
		return rc;
	return pdk_dma_as_set_fault_handler(f->as, test_fault_record, &f->seen);
}

static int
faulty_release(struct faulty *f)
{
	TEST_ASSERT_OK(pdk_pasid_space_destroy(f->space));
	TEST_ASSERT_OK(pdk_dma_as_destroy(f->as));
	return TEST_SUCCESS;
}

/*
 * VT-d, PRI without ATS: the driver leaves PRI off (config space shows it
 * disabled, Stopped, nothing allocated) and refuses the fault-queue HWPT
 * with -ENODEV, both on the RID (lib/pasid reads the device's capabilities
 * and names the missing ATS) and on a PASID; nothing is left behind.
 */
static int
test_ats_vtd_prs_without_ats(struct test_env *env)
{
	struct pdk_pasid_ctx *ctx = NULL;
	uint32_t fault_id, hwpt;
	struct faulty f;
	int fd;

	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, false), TEST_SUCCESS);
	/* the kernel's answer: intel_iommu_enable_iopf() without pri_enabled */
	TEST_ASSERT_OK(raw_fault_alloc(env, &fault_id, &fd));
	TEST_ASSERT_OK(raw_hwpt_alloc_fault(env, env->ioas, 0, fault_id, &hwpt));
	TEST_ASSERT_RC(raw_attach(env, 0, 0, hwpt), -ENODEV);
	TEST_ASSERT_OK(raw_destroy(env, hwpt));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, fd));
	TEST_ASSERT_OK(raw_destroy(env, fault_id));
	/* and what lib/pasid makes of it */
	TEST_ASSERT_OK(faulty_setup(env, &f));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_rid_attach(f.space, f.as), -ENODEV);
	TEST_ASSERT_LOGGED_ONCE("No such device (-19); the address space has a fault handler and the "
				"IOMMU takes no page requests from this device: it has PRI but no ATS "
				"(Address Translation Services) capability, and VT-d enables page "
				"requests only on a device with ATS: use a device with ATS, or a space "
				"without pdk_dma_as_set_fault_handler()");
	TEST_ASSERT_LOGGED_ONCE("RID attach to HWPT");
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_ctx_create(f.space, f.as, 0, &ctx), -ENODEV);
	TEST_ASSERT_LOGGED_ONCE("it has PRI but no ATS (Address Translation Services) capability");
	TEST_ASSERT_LOGGED_ONCE("PASID 1 attach to HWPT");
	test_log_capture_stop();
	TEST_ASSERT(ctx == NULL, "a refused context was handed out");
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_SIM_COUNT(env, pasid_attachments, 0);
	return faulty_release(&f);
}
PDK_ENV_TEST(sim_ats_vtd_prs_without_ats, fast, test_ats_vtd_prs_without_ats, .bind = true,
	     .ioas = true, .fn = &prs_only_fn);

/*
 * A HWPT with a fault queue (and @p hwpt_flags) over the fixture's IOAS,
 * attached to the RID (raw ioctls: AMD takes no PASID on a paging domain,
 * so no PASID space), and a RID write into a hole: a page request read
 * from the queue's fd (@p request) or an ordinary fault the sim records,
 * the queue empty; no ERR line either way.
 */
static int
rid_fault(struct test_env *env, uint32_t hwpt_flags, bool request)
{
	struct iommu_hwpt_pgfault rec;
	struct pdk_sim_fault f;
	uint8_t data[64] = { 0 };
	uint32_t fault_id, hwpt;
	int fd;

	TEST_ASSERT_OK(raw_fault_alloc(env, &fault_id, &fd));
	TEST_ASSERT_OK(raw_hwpt_alloc_fault(env, env->ioas, hwpt_flags, fault_id, &hwpt));
	test_log_capture_start();
	TEST_ASSERT_OK(raw_attach(env, 0, 0, hwpt));
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	while (pdk_sim_fault_pop(env->sim, NULL) == 0)
		;
	TEST_ASSERT_RC(pdk_sim_fn_dma(env_fn(env), false, 0, HOLE, data, sizeof(data), true),
		       -EFAULT);
	if (request) {
		struct iommu_hwpt_page_response r = { 0 };

		TEST_ASSERT_RC(pdk_sys_read(env->sys, fd, &rec, sizeof(rec)), (ssize_t)sizeof(rec));
		TEST_ASSERT_EQ(rec.addr, HOLE);
		TEST_ASSERT_EQ(rec.dev_id, env->dev_id);
		TEST_ASSERT_EQ(rec.perm & IOMMU_PGFAULT_PERM_WRITE, IOMMU_PGFAULT_PERM_WRITE);
		r.cookie = rec.cookie;
		r.code = IOMMUFD_PAGE_RESP_INVALID;
		TEST_ASSERT_RC(pdk_sys_write(env->sys, fd, &r, sizeof(r)), (ssize_t)sizeof(r));
	} else {
		TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
		TEST_ASSERT_EQ(f.iova, HOLE);
		TEST_ASSERT(!f.pasid_valid, "a RID access recorded with a PASID");
		TEST_ASSERT_RC(pdk_sys_read(env->sys, fd, &rec, sizeof(rec)), 0);
	}
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	TEST_ASSERT_OK(raw_destroy(env, hwpt));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, fd));
	TEST_ASSERT_OK(raw_destroy(env, fault_id));
	return TEST_SUCCESS;
}

/*
 * AMD, PRI without ATS: PRI left off as on VT-d, but the fault-queue HWPT
 * attaches (amd_iommu_iopf_add_device() returns 0 with PRI off) and a
 * fault is an ordinary one, through a domain made for PASIDs or not.
 */
static int
test_ats_amd_prs_without_ats(struct test_env *env)
{
	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, false), TEST_SUCCESS);
	TEST_ASSERT_EQ(rid_fault(env, IOMMU_HWPT_ALLOC_PASID, false), TEST_SUCCESS);
	return rid_fault(env, 0, false);
}
PDK_ENV_TEST(sim_ats_amd_prs_without_ats, fast, test_ats_amd_prs_without_ats, .bind = true,
	     .ioas = true, .sim = &amd_cfg, .fn = &prs_only_fn);

/*
 * AMD, PRI with ATS: a fault through a domain made for PASIDs (v2) is a
 * page request; through a plain HWPT (v1 under the default
 * amd_iommu_pgtable: no PRI enabled at its attach) an ordinary fault.
 */
static int
test_ats_amd_prs_with_ats(struct test_env *env)
{
	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, true), TEST_SUCCESS);
	TEST_ASSERT_EQ(ats_check(env->sys, env->addr, 0x118, 0), TEST_SUCCESS);
	TEST_ASSERT_EQ(rid_fault(env, IOMMU_HWPT_ALLOC_PASID, true), TEST_SUCCESS);
	return rid_fault(env, 0, false);
}
PDK_ENV_TEST(sim_ats_amd_prs_with_ats, fast, test_ats_amd_prs_with_ats, .bind = true,
	     .ioas = true, .sim = &amd_cfg, .fn = &test_prs_fn);

/*
 * SMMUv3: its driver never enables PRI, with ATS or without (ATS itself is
 * enabled); the fault-queue HWPT attaches and faults stay ordinary.
 */
static int
test_ats_smmuv3_prs(struct test_env *env)
{
	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, false), TEST_SUCCESS);
	TEST_ASSERT_EQ(ats_check(env->sys, env->addr, 0x118, 0), TEST_SUCCESS);
	TEST_ASSERT_EQ(rid_fault(env, IOMMU_HWPT_ALLOC_PASID, false), TEST_SUCCESS);
	return rid_fault(env, 0, false);
}
PDK_ENV_TEST(sim_ats_smmuv3_prs, fast, test_ats_smmuv3_prs, .bind = true, .ioas = true,
	     .sim = &smmu_cfg, .fn = &test_prs_fn);

static int
test_ats_smmuv3_prs_without_ats(struct test_env *env)
{
	TEST_ASSERT_EQ(pri_check(env->sys, env->addr, 0x108, false), TEST_SUCCESS);
	return rid_fault(env, 0, false);
}
PDK_ENV_TEST(sim_ats_smmuv3_prs_without_ats, fast, test_ats_smmuv3_prs_without_ats, .bind = true,
	     .ioas = true, .sim = &smmu_cfg, .fn = &prs_only_fn);

/* VT-d with PRI and ATS: the same RID fault is a page request, as before ATS was modelled. */
static int
test_ats_vtd_prs_with_ats(struct test_env *env)
{
	TEST_ASSERT_EQ(rid_fault(env, IOMMU_HWPT_ALLOC_PASID, true), TEST_SUCCESS);
	return rid_fault(env, 0, true);
}
PDK_ENV_TEST(sim_ats_vtd_prs_with_ats, fast, test_ats_vtd_prs_with_ats, .bind = true,
	     .ioas = true, .fn = &test_prs_fn);
