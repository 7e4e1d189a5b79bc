/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * lib/pcicfg on the SIMULATED functions' configurable capability chains
 * (issue 13 item 7; struct pdk_sim_fn_config's pasid_offset, ecaps,
 * hidden, free_dvsec, physfn): for each shape, the map, the findings and
 * the PASID facts read through the sim's sysfs config (the function's own
 * bytes) and through its VFIO config region (vfio-pci's view: no PASID
 * capability) are the ones the shape implies.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "pdk_iommufd.h"
#include "pdk_pcicfg.h"
#include "pdk_sim.h"
#include "pdk_test.h"
#include "pdk_vfio.h"
#include "test_env.h"

#define PF_ADDR "0000:00:04.0"		/* the sim's default function: replaced here */
#define VF_ADDR "0000:00:04.1"

/* The capability @p id at @p offset of @p length in the map's @p space, or NULL. */
static const struct pdk_pcicfg_range *
cap_at(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_space space, uint16_t id, uint16_t offset)
{
	unsigned int i;

	for (i = 0; i < pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS); i++) {
		const struct pdk_pcicfg_range *r = pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, i);

		if (r->space == space && r->id == id && r->offset == offset)
			return r;
	}
	return NULL;
}

static unsigned int
ncaps(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_space space)
{
	unsigned int i, n = 0;

	for (i = 0; i < pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS); i++)
		n += pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, i)->space == space;
	return n;
}

static const struct pdk_pcicfg_finding *
finding_of(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_finding_kind kind)
{
	unsigned int i;

	for (i = 0; i < pdk_pcicfg_nfindings(cfg); i++)
		if (pdk_pcicfg_finding(cfg, i)->kind == kind)
			return pdk_pcicfg_finding(cfg, i);
	return NULL;
}

#define ASSERT_CAP(cfg, space, id, off, len)						\
	do {										\
		const struct pdk_pcicfg_range *r_ = cap_at(cfg, space, id, off);	\
		TEST_ASSERT(r_ != NULL, "no capability 0x%x at 0x%x", id, off);		\
		TEST_ASSERT(r_->length == (len), "capability 0x%x at 0x%x: length 0x%x, want 0x%x", \
			    id, off, r_->length, len);					\
	} while (0)

#define ASSERT_NO_FINDINGS(cfg)								\
	TEST_ASSERT(pdk_pcicfg_nfindings(cfg) == 0, "%u findings, the first: %s",	\
		    pdk_pcicfg_nfindings(cfg),						\
		    pdk_pcicfg_nfindings(cfg) > 0 ? pdk_pcicfg_finding(cfg, 0)->text : "")

/* The map of @p addr's VFIO config region and its PASID facts (bound, as a user has it). */
static int
vfio_view(struct pdk_sim *sim, const char *addr, struct pdk_pcicfg **cfg,
	  struct pdk_pcicfg_pasid_facts *f)
{
	struct pdk_vfio_dev *dev;
	struct pdk_iommufd *ictx;
	uint32_t dev_id;

	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	TEST_ASSERT_OK(pdk_vfio_open(pdk_sim_sys(sim), addr, &dev));
	TEST_ASSERT_OK(pdk_vfio_bind(dev, ictx, &dev_id));
	TEST_ASSERT_OK(pdk_pcicfg_read_vfio(dev, cfg));
	TEST_ASSERT_OK(pdk_pcicfg_pasid_facts(pdk_sim_sys(sim), addr, dev, f));
	pdk_vfio_close(dev);
	pdk_iommufd_close(ictx);
	return TEST_SUCCESS;
}

/* Zeroed new fields: the layout of before (PCIe, MSI-X; PASID at 0x100 in sysfs only). */
static int
test_pcicfg_sim_default(void)
{
	const struct pdk_sim_fn_config fc = { .pci_addr = PF_ADDR, .pasid_bits = 20 };
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *sys, *vf;
	struct pdk_sim *sim = test_sim_bare();
	uint32_t hdr;

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fc, NULL));
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	ASSERT_NO_FINDINGS(sys);
	ASSERT_CAP(sys, PDK_PCICFG_STD, PCI_CAP_ID_EXP, 0x40, 0x3c);
	ASSERT_CAP(sys, PDK_PCICFG_STD, PCI_CAP_ID_MSIX, 0x80, 12);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x100, 8);
	TEST_ASSERT_EQ(ncaps(sys, PDK_PCICFG_EXT), 1);
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vf, &f), TEST_SUCCESS);
	ASSERT_NO_FINDINGS(vf);
	TEST_ASSERT_EQ(ncaps(vf, PDK_PCICFG_STD), 2);
	TEST_ASSERT_EQ(ncaps(vf, PDK_PCICFG_EXT), 0);	/* a hidden last cap at 0x100: header 0 */
	TEST_ASSERT_OK(pdk_pcicfg_bytes(vf, 0x100, &hdr, sizeof(hdr)));
	TEST_ASSERT_EQ(hdr, 0);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.physical.offset, 0x100);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT_EQ(f.is_vf, 0);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vf);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_default, fast, test_pcicfg_sim_default);

/*
 * A PF with its PASID capability behind AER, ATS and SR-IOV (0x200), and
 * its VF (ARI only, no PASID of its own; ffff IDs in config): sysfs shows
 * the PF's capability, VFIO links the chain around it, the VF's facts point
 * at the PF's capability.
 */
static int
test_pcicfg_sim_pf_vf(void)
{
	const struct pdk_sim_fn_config pf = {
		.pci_addr = PF_ADDR, .pasid_bits = 20, .pasid_exec = true,
		.pasid_offset = 0x200,
		.ecaps = {
			{ .offset = 0x100, .id = PCI_EXT_CAP_ID_ERR, .version = 2, .length = 0x38 },
			{ .offset = 0x140, .id = PCI_EXT_CAP_ID_ATS, .version = 1, .length = 8 },
			{ .offset = 0x160, .id = PCI_EXT_CAP_ID_SRIOV, .version = 1, .length = 0x40 },
		},
	};
	const struct pdk_sim_fn_config vf = {
		.pci_addr = VF_ADDR, .pasid_bits = 20, .pasid_exec = true, .physfn = PF_ADDR,
		.ecaps = { { .offset = 0x100, .id = PCI_EXT_CAP_ID_ARI, .version = 1, .length = 8 } },
	};
	struct pdk_pcicfg *sys, *vfio;
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg_place pl;
	struct pdk_sim *sim = test_sim_bare();
	char name[32];
	uint16_t id;

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &pf, NULL));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &vf, NULL));

	/* the PF through sysfs: its own PASID capability, found by the physical policy */
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	ASSERT_NO_FINDINGS(sys);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ERR, 0x100, 0x38);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS, 0x140, 8);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_SRIOV, 0x160, 0x40);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x200, 8);
	TEST_ASSERT_EQ(ncaps(sys, PDK_PCICFG_EXT), 4);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(sys, PDK_PCICFG_PLACE_PHYSICAL, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x200);
	pdk_pcicfg_free(sys);
	/* the PF through VFIO: SR-IOV ends the chain now, PASID is gone */
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vfio, &f), TEST_SUCCESS);
	ASSERT_NO_FINDINGS(vfio);
	TEST_ASSERT_EQ(ncaps(vfio, PDK_PCICFG_EXT), 3);
	TEST_ASSERT(cap_at(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x200) == NULL, "PASID shown");
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_SRIOV, 0x160, 0x40);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(vfio, PDK_PCICFG_PLACE_PHYSICAL, 0, &pl), -ENOENT);
	test_log_capture_stop();
	TEST_ASSERT_EQ(f.is_vf, 0);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.physical.offset, 0x200);
	TEST_ASSERT_EQ(f.physical.width, 20);
	TEST_ASSERT(f.physical.exec_supported && f.physical.exec_enabled &&
		    !f.physical.priv_supported, "exec %d/%d priv %d", f.physical.exec_supported,
		    f.physical.exec_enabled, f.physical.priv_supported);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT_EQ(f.iommu.max_pasid_log2, 20);
	pdk_pcicfg_free(vfio);

	/* the links the kernel makes (drivers/pci/iov.c) */
	TEST_ASSERT(pdk_sys_link_name(pdk_sim_sys(sim), "/sys/bus/pci/devices/" PF_ADDR "/virtfn0",
				      name, sizeof(name)) > 0, "virtfn0");
	TEST_ASSERT(strcmp(name, VF_ADDR) == 0, "virtfn0 -> %s", name);
	TEST_ASSERT(pdk_sys_link_name(pdk_sim_sys(sim), "/sys/bus/pci/devices/" VF_ADDR "/physfn",
				      name, sizeof(name)) > 0, "physfn");
	TEST_ASSERT(strcmp(name, PF_ADDR) == 0, "physfn -> %s", name);

	/* the VF through sysfs: ffff in config, the kept IDs in the map (from sysfs vendor), ARI only */
	TEST_ASSERT_RC(pdk_sys_pread_file(pdk_sim_sys(sim), "/sys/bus/pci/devices/" VF_ADDR "/config",
					  &id, sizeof(id), PCI_VENDOR_ID), (ssize_t)sizeof(id));
	TEST_ASSERT_EQ(id, 0xffff);
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), VF_ADDR, &sys));
	ASSERT_NO_FINDINGS(sys);
	TEST_ASSERT_EQ(pdk_pcicfg_vendor(sys), PDK_SIMDMA_VENDOR_ID);
	TEST_ASSERT_EQ(pdk_pcicfg_device(sys), PDK_SIMDMA_DEVICE_ID);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ARI, 0x100, 8);
	TEST_ASSERT_EQ(ncaps(sys, PDK_PCICFG_EXT), 1);
	pdk_pcicfg_free(sys);
	/* the VF through VFIO: vfio-pci shows the kept IDs */
	TEST_ASSERT_EQ(vfio_view(sim, VF_ADDR, &vfio, &f), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_pcicfg_bytes(vfio, PCI_VENDOR_ID, &id, sizeof(id)));
	TEST_ASSERT_EQ(id, PDK_SIMDMA_VENDOR_ID);
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ARI, 0x100, 8);
	TEST_ASSERT_EQ(f.is_vf, 1);
	TEST_ASSERT(strcmp(f.pf, PF_ADDR) == 0, "pf %s", f.pf);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT_EQ(f.pf_cap.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.pf_cap.offset, 0x200);
	TEST_ASSERT_EQ(f.pf_cap.width, 20);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	TEST_ASSERT_EQ(f.iommu.max_pasid_log2, 20);
	pdk_pcicfg_free(vfio);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_pf_vf, fast, test_pcicfg_sim_pf_vf);

/*
 * PASID first (0x100) with PRI behind it: VFIO keeps a Null header at 0x100
 * that points on to PRI (vfio_ecap_init()), so PRI stays reachable.
 */
static int
test_pcicfg_sim_pasid_first(void)
{
	const struct pdk_sim_fn_config fc = {
		.pci_addr = PF_ADDR, .pasid_bits = 16, .pasid_priv = true,
		.ecaps = { { .offset = 0x110, .id = PCI_EXT_CAP_ID_PRI, .version = 1, .length = 16 } },
	};
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *sys, *vfio;
	struct pdk_sim *sim = test_sim_bare();
	uint32_t hdr;

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fc, NULL));
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	ASSERT_NO_FINDINGS(sys);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x100, 8);
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PRI, 0x110, 16);
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vfio, &f), TEST_SUCCESS);
	ASSERT_NO_FINDINGS(vfio);
	TEST_ASSERT_OK(pdk_pcicfg_bytes(vfio, 0x100, &hdr, sizeof(hdr)));
	TEST_ASSERT_EQ(hdr, 0x110u << 20);
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, 0, 0x100, 4);		/* the Null capability */
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PRI, 0x110, 16);
	TEST_ASSERT_EQ(ncaps(vfio, PDK_PCICFG_EXT), 2);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT(f.physical.width == 16 && f.physical.priv_enabled, "width %u priv %d",
		    f.physical.width, f.physical.priv_enabled);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_pasid_first, fast, test_pcicfg_sim_pasid_first);

/*
 * Registers in holes: the parser sees free bytes there (nothing in config
 * space says otherwise), so end-of-space placement would cover the one at
 * 0xFF8 until the range is hidden (what a quirk-table entry does).
 */
static int
test_pcicfg_sim_hidden_regs(void)
{
	const struct pdk_sim_fn_config fc = {
		.pci_addr = PF_ADDR,
		.ecaps = { { .offset = 0x100, .id = PCI_EXT_CAP_ID_ERR, .version = 2, .length = 0x38 } },
		.hidden = { { .offset = 0x200, .value = 0xdeadbeef }, { .offset = 0xffc, .value = 1 } },
	};
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *sys, *vfio;
	struct pdk_pcicfg_place pl;
	struct pdk_sim *sim = test_sim_bare();
	uint32_t v;

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fc, NULL));
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	ASSERT_NO_FINDINGS(sys);
	TEST_ASSERT_EQ(ncaps(sys, PDK_PCICFG_EXT), 1);
	TEST_ASSERT_OK(pdk_pcicfg_bytes(sys, 0x200, &v, sizeof(v)));
	TEST_ASSERT_EQ(v, 0xdeadbeef);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(sys, PDK_PCICFG_PLACE_END, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0xff8);		/* over the register: the parser cannot know */
	TEST_ASSERT_OK(pdk_pcicfg_hide(sys, 0xffc, 4, "test: the register at 0xffc"));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pcicfg_place_pasid(sys, PDK_PCICFG_PLACE_END, 0, &pl), -ENOSPC);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(sys, PDK_PCICFG_PLACE_FIRST_FIT, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x138);		/* after AER's 0x38 bytes */
	/* the VFIO view passes bytes outside capabilities through */
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vfio, &f), TEST_SUCCESS);
	TEST_ASSERT_OK(pdk_pcicfg_bytes(vfio, 0x200, &v, sizeof(v)));
	TEST_ASSERT_EQ(v, 0xdeadbeef);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_ABSENT);	/* pasid_bits 0 */
	TEST_ASSERT_EQ(f.iommu.state, PDK_PCICFG_FACT_ABSENT);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_hidden_regs, fast, test_pcicfg_sim_hidden_regs);

/* Malformed chains from next pointers: a loop, an out-of-bounds pointer; findings both ways. */
static int
test_pcicfg_sim_malformed(void)
{
	const struct pdk_sim_fn_config loop = {
		.pci_addr = PF_ADDR,
		.ecaps = {
			{ .offset = 0x100, .id = PCI_EXT_CAP_ID_ERR, .version = 2, .length = 0x38 },
			{ .offset = 0x140, .id = PCI_EXT_CAP_ID_ATS, .version = 1, .length = 8,
			  .next = 0x100 },
		},
	};
	const struct pdk_sim_fn_config oob = {
		.pci_addr = "0000:00:05.0",
		.ecaps = { { .offset = 0x100, .id = PCI_EXT_CAP_ID_ATS, .version = 1, .length = 8,
			     .next = 0x0c0 } },
	};
	const struct pdk_sim_fn_config pasid_loop = {
		.pci_addr = "0000:00:06.0", .pasid_bits = 20,
		.ecaps = { { .offset = 0x108, .id = PCI_EXT_CAP_ID_ATS, .version = 1, .length = 8,
			     .next = 0x100 } },
	};
	const struct pdk_pcicfg_finding *fd;
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *sys, *vfio;
	struct pdk_sim *sim = test_sim_bare();

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &loop, NULL));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &oob, NULL));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &pasid_loop, NULL));

	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vfio, &f), TEST_SUCCESS);
	fd = finding_of(sys, PDK_PCICFG_F_LOOP);
	TEST_ASSERT(fd != NULL && strstr(fd->text, "goes back to 0x100") != NULL, "sysfs: %s",
		    fd != NULL ? fd->text : "no LOOP finding");
	TEST_ASSERT(finding_of(vfio, PDK_PCICFG_F_LOOP) != NULL, "vfio: no LOOP finding");
	TEST_ASSERT_EQ(ncaps(sys, PDK_PCICFG_EXT), 2);
	TEST_ASSERT_EQ(ncaps(vfio, PDK_PCICFG_EXT), 2);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);

	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), "0000:00:05.0", &sys));
	TEST_ASSERT_EQ(vfio_view(sim, "0000:00:05.0", &vfio, &f), TEST_SUCCESS);
	fd = finding_of(sys, PDK_PCICFG_F_BOUNDS);
	TEST_ASSERT(fd != NULL && strstr(fd->text, "outside 0x100-0xFFC") != NULL, "sysfs: %s",
		    fd != NULL ? fd->text : "no BOUNDS finding");
	TEST_ASSERT(finding_of(vfio, PDK_PCICFG_F_BOUNDS) != NULL, "vfio: no BOUNDS finding");
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS, 0x100, 8);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);

	/* PASID inside the loop: sysfs shows it; VFIO's Null header keeps the loop */
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), "0000:00:06.0", &sys));
	TEST_ASSERT_EQ(vfio_view(sim, "0000:00:06.0", &vfio, &f), TEST_SUCCESS);
	TEST_ASSERT(finding_of(sys, PDK_PCICFG_F_LOOP) != NULL, "sysfs: no LOOP finding");
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID, 0x100, 8);
	TEST_ASSERT(finding_of(vfio, PDK_PCICFG_F_LOOP) != NULL, "vfio: no LOOP finding");
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, 0, 0x100, 4);
	ASSERT_CAP(vfio, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_ATS, 0x108, 8);
	TEST_ASSERT_EQ(f.physical.state, PDK_PCICFG_FACT_PRESENT);
	TEST_ASSERT_EQ(f.vfio.state, PDK_PCICFG_FACT_ABSENT);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_malformed, fast, test_pcicfg_sim_malformed);

/* A free-space DVSEC in PDK's proposed layout: its ranges in the map, the dvsec policy uses one. */
static int
test_pcicfg_sim_free_dvsec(void)
{
	const struct pdk_sim_fn_config fc = {
		.pci_addr = PF_ADDR,
		.ecaps = { { .offset = 0x100, .id = PCI_EXT_CAP_ID_ERR, .version = 2, .length = 0x38 } },
		.free_dvsec = { .offset = 0x140, .nranges = 3,
				.range = { { 0x104, 8 }, { 0x300, 0x20 }, { 0x400, 8 } } },
	};
	const struct pdk_pcicfg_range *r;
	struct pdk_pcicfg_pasid_facts f;
	struct pdk_pcicfg *sys, *vfio;
	struct pdk_pcicfg_place pl;
	struct pdk_sim *sim = test_sim_bare();

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fc, NULL));
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(pdk_sim_sys(sim), PF_ADDR, &sys));
	ASSERT_CAP(sys, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_DVSEC, 0x140, 0x0c + 3 * 8);
	/* the range inside AER is refused, the other two are free */
	TEST_ASSERT(finding_of(sys, PDK_PCICFG_F_BAD_DVSEC) != NULL, "no BAD_DVSEC finding");
	TEST_ASSERT_EQ(pdk_pcicfg_count(sys, PDK_PCICFG_FREE), 2);
	r = pdk_pcicfg_get(sys, PDK_PCICFG_FREE, 0);
	TEST_ASSERT(r->offset == 0x300 && r->length == 0x20, "free 0x%x+0x%x", r->offset, r->length);
	TEST_ASSERT_OK(pdk_pcicfg_place_pasid(sys, PDK_PCICFG_PLACE_DVSEC, 0, &pl));
	TEST_ASSERT_EQ(pl.offset, 0x300);
	/* VFIO passes the DVSEC through (the sim hides only PASID) */
	TEST_ASSERT_EQ(vfio_view(sim, PF_ADDR, &vfio, &f), TEST_SUCCESS);
	TEST_ASSERT_EQ(pdk_pcicfg_count(vfio, PDK_PCICFG_FREE), 2);
	pdk_pcicfg_free(sys);
	pdk_pcicfg_free(vfio);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_free_dvsec, fast, test_pcicfg_sim_free_dvsec);

/* Shapes the sim refuses: -EINVAL, one ERR line with the reason. */
static int
test_pcicfg_sim_shape_refused(void)
{
	static const struct {
		struct pdk_sim_fn_config fc;
		const char *why;
	} bad[] = {
		{ { .pci_addr = "0000:00:05.0",
		    .ecaps = { { .offset = 0x140, .id = PCI_EXT_CAP_ID_ATS, .length = 8 } } },
		  "no extended capability at 0x100" },
		{ { .pci_addr = "0000:00:05.0", .pasid_bits = 20,
		    .ecaps = { { .offset = 0x104, .id = PCI_EXT_CAP_ID_ATS, .length = 8 } } },
		  "overlap" },
		{ { .pci_addr = "0000:00:05.0",
		    .ecaps = { { .offset = 0x102, .id = PCI_EXT_CAP_ID_ATS, .length = 8 } } },
		  "not a dword-aligned range" },
		{ { .pci_addr = "0000:00:05.0", .pasid_offset = 0xffc },
		  "pasid_offset is not a dword in 0x100-0xFF8" },
		{ { .pci_addr = "0000:00:05.0", .pasid_bits = 20,
		    .hidden = { { .offset = 0x104, .value = 1 } } },
		  "a hidden register is inside an extended capability" },
		{ { .pci_addr = "0000:00:05.0", .hidden = { { .offset = 0x80, .value = 1 } } },
		  "outside the standard capabilities" },
		{ { .pci_addr = "0000:00:05.0", .physfn = "0000:00:09.0" },
		  "physfn names no function of this sim" },
		{ { .pci_addr = "0000:00:05.0", .physfn = PF_ADDR },
		  "a VF shares its PF's PASID capability" },
		{ { .pci_addr = "0000:00:05.0", .free_dvsec = { .offset = 0x100, .nranges = 5 } },
		  "free_dvsec does not fit" },
	};
	const struct pdk_sim_fn_config pf = { .pci_addr = PF_ADDR, .pasid_bits = 20 };
	struct pdk_sim *sim = test_sim_bare();
	unsigned int i;

	TEST_ASSERT(sim != NULL, "sim");
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &pf, NULL));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_log_capture_start();
		TEST_ASSERT_RC(pdk_sim_fn_add(sim, &bad[i].fc, NULL), -EINVAL);
		TEST_ASSERT_LOGGED_ONCE(bad[i].why);
		test_log_capture_stop();
		TEST_ASSERT(pdk_sim_fn_find(sim, "0000:00:05.0") == NULL, "case %u added", i);
	}
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(pcicfg_sim_shape_refused, fast, test_pcicfg_sim_shape_refused);
