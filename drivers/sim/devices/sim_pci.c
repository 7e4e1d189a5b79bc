/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Simulated PCIe functions: identity, config space as VFIO shows it, the
 * BARs of the function's model, each backed by a memfd so that a user's
 * mmap and the device model see the same bytes, and the MSI-X vectors the
 * model raises into its driver's handler. (The IOMMU puts a function in a
 * group, vfio-pci takes it: sim.c adds a function through all three.)
 *
 * Config space (fn->config holds the function's own bytes, what sysfs
 * config reads): a type 0 header, a PCIe capability (so the function has
 * the 4 KiB extended space), an MSI-X capability (4 vectors, table and PBA
 * in BAR0), and an extended chain shaped by the configuration: the PASID
 * capability (cfg.pasid_bits, at cfg.pasid_offset or 0x100; none for a VF,
 * which shares its PF's), the extra capabilities of cfg.ecaps and a
 * free-space DVSEC in PDK's proposed layout (cfg.free_dvsec), linked in
 * offset order unless an entry names its own next pointer (malformed
 * chains); then registers in holes (cfg.hidden). VFIO's config region shows
 * vfio-pci's view of these bytes, without the PASID capability
 * (kernel/sim_vfio.c), so a driver learns the PASID width only from
 * IOMMU_GET_HW_INFO, on the sim as on the kernel.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_pcicfg.h"
#include "sim_devices.h"
#include "../iommu/sim_iommu.h"

#define SIM_PLAIN_DEVICE_ID	0x0002	/* PDK_SIM_MODEL_PLAIN: same vendor, no engine */
/* Made-up bus addresses: VFIO shows them, nothing uses them. */
#define SIM_BAR0_BUS_BASE	0xfd000000u	/* + index << 16 */
#define SIM_BARN_BUS_BASE	0xe0000000u	/* + index << 20 for BAR2..5 (<= 1 MiB each) */
#define SIM_BAR0_BIG_BASE	0xc0000000u	/* + index << 20 for a BAR0 above 64 KiB (<= 1 MiB) */
#define SIM_BAR0_SMALL_MAX	0x10000u
#define SIM_CAP_EXP		0x40
#define SIM_CAP_EXP_SIZE	0x3c
#define SIM_CAP_MSIX		0x80
#define SIM_CAP_STD_END		(SIM_CAP_MSIX + PCI_CAP_MSIX_SIZEOF)	/* the standard caps' end */
#define SIM_PASID_CAP_OFF	0x100u	/* the PASID capability's default offset */
#define SIM_ECAP_MAX		(PDK_SIM_FN_ECAPS + 4)	/* + PASID + PRI + ATS + the free-space DVSEC */
#ifndef PCI_EXT_CAP_PRI_SIZEOF
#define PCI_EXT_CAP_PRI_SIZEOF	16
#endif
/* drivers/iommu/intel/iommu.h PRQ_DEPTH: what VT-d's pci_enable_pri() call allows at most */
#define SIM_PRQ_DEPTH		2048u
#define SIM_PRS_DEFAULT_REQS	32u
#define SIM_DVSEC_HDR2		0x08	/* DVSEC header 2: DVSEC ID (PCIe Base 4.0 7.9.6) */
#define SIM_FREE_DVSEC_N	0x0a	/* PDK's proposal: number of ranges, then 8 bytes each */
#define SIM_FREE_DVSEC_RANGES	0x0c
#define SIM_CMD_WMASK		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

static void
cfg_w8(struct sim_fn *fn, unsigned int off, uint8_t v)
{
	fn->config[off] = v;
}

static void
cfg_w16(struct sim_fn *fn, unsigned int off, uint16_t v)
{
	fn->config[off] = v & 0xff;
	fn->config[off + 1] = v >> 8;
}

static void
cfg_w32(struct sim_fn *fn, unsigned int off, uint32_t v)
{
	cfg_w16(fn, off, v & 0xffff);
	cfg_w16(fn, off + 2, v >> 16);
}

static uint16_t
cfg_r16(const struct sim_fn *fn, unsigned int off)
{
	return fn->config[off] | (uint16_t)(fn->config[off + 1] << 8);
}

uint16_t
sim_pci_command(const struct sim_fn *fn)
{
	return cfg_r16(fn, PCI_COMMAND);
}

static uint32_t
cfg_r32(const struct sim_fn *fn, unsigned int off)
{
	return cfg_r16(fn, off) | (uint32_t)cfg_r16(fn, off + 2) << 16;
}

/* The config offset of BAR @p bar's register. */
static unsigned int
sim_bar_reg(unsigned int bar)
{
	return PCI_BASE_ADDRESS_0 + 4 * bar;
}

uint64_t
sim_pci_bar_bus_addr(const struct sim_fn *fn, unsigned int bar)
{
	if (fn->bar[bar].size == 0)
		return 0;
	/* a BAR's address is aligned to its size, as the enumeration assigns it */
	if (bar == 0)
		return fn->bar[0].size <= SIM_BAR0_SMALL_MAX ? SIM_BAR0_BUS_BASE + (fn->index << 16)
							    : SIM_BAR0_BIG_BASE + (fn->index << 20);
	return SIM_BARN_BUS_BASE + (fn->index << 20);
}

static void
sim_pci_config_init(struct sim_fn *fn, unsigned int index)
{
	const struct sim_model *m = fn->model;
	unsigned int bar;

	memset(fn->config, 0, sizeof(fn->config));
	cfg_w16(fn, PCI_VENDOR_ID, m->vendor_id);
	cfg_w16(fn, PCI_DEVICE_ID, m->device_id);
	cfg_w16(fn, PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg_w8(fn, PCI_REVISION_ID, m->revision != 0 ? m->revision : 1);
	cfg_w8(fn, PCI_CLASS_PROG, m->class_code & 0xff);
	cfg_w8(fn, PCI_CLASS_DEVICE, (m->class_code >> 8) & 0xff);
	cfg_w8(fn, PCI_CLASS_DEVICE + 1, (m->class_code >> 16) & 0xff);
	cfg_w8(fn, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	/* 32-bit non-prefetchable memory BARs (type bits 0). */
	fn->index = index;
	for (bar = 0; bar < SIM_NUM_BARS; bar++)
		if (fn->bar[bar].size != 0)
			cfg_w32(fn, sim_bar_reg(bar), (uint32_t)sim_pci_bar_bus_addr(fn, bar));
	cfg_w16(fn, PCI_SUBSYSTEM_VENDOR_ID, m->vendor_id);
	cfg_w16(fn, PCI_SUBSYSTEM_ID, m->device_id);
	cfg_w8(fn, PCI_CAPABILITY_LIST, SIM_CAP_EXP);

	cfg_w8(fn, SIM_CAP_EXP + PCI_CAP_LIST_ID, PCI_CAP_ID_EXP);
	cfg_w8(fn, SIM_CAP_EXP + PCI_CAP_LIST_NEXT, SIM_CAP_MSIX);
	cfg_w16(fn, SIM_CAP_EXP + PCI_EXP_FLAGS, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));

	cfg_w8(fn, SIM_CAP_MSIX + PCI_CAP_LIST_ID, PCI_CAP_ID_MSIX);
	cfg_w8(fn, SIM_CAP_MSIX + PCI_CAP_LIST_NEXT, 0);
	cfg_w16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS, SIM_MSIX_VECTORS - 1);
	cfg_w32(fn, SIM_CAP_MSIX + PCI_MSIX_TABLE, SIM_MSIX_TABLE_OFF | 0);
	cfg_w32(fn, SIM_CAP_MSIX + PCI_MSIX_PBA, SIM_MSIX_PBA_OFF | 0);
	if (fn->pf != NULL) {
		/* SR-IOV 1.1 3.4.1.1/2: a VF's Vendor and Device ID registers read ffff */
		cfg_w16(fn, PCI_VENDOR_ID, 0xffff);
		cfg_w16(fn, PCI_DEVICE_ID, 0xffff);
	}
}

/* ---- the extended chain of the configuration ---- */

enum sim_ecap_kind {
	SIM_ECAP_PASID,
	SIM_ECAP_PRI,
	SIM_ECAP_ATS,
	SIM_ECAP_EXTRA,		/* one of cfg.ecaps */
	SIM_ECAP_FREE_DVSEC,
};

struct sim_ecap_ent {
	enum sim_ecap_kind kind;
	uint16_t offset, length, id, next;
	uint8_t version;
	const struct pdk_sim_ecap *extra;
};

static bool
sim_fn_shows_pasid(const struct pdk_sim_fn_config *cfg)
{
	return cfg->pasid_bits > 0 && cfg->physfn == NULL;
}

static uint16_t
sim_pci_pri_offset(const struct pdk_sim_fn_config *cfg)
{
	if (cfg->prs_offset != 0)
		return cfg->prs_offset;
	if (!sim_fn_shows_pasid(cfg))
		return SIM_PASID_CAP_OFF;
	return (uint16_t)((cfg->pasid_offset != 0 ? cfg->pasid_offset : SIM_PASID_CAP_OFF) +
			  PCI_EXT_CAP_PASID_SIZEOF);
}

static uint16_t
sim_pci_ats_offset(const struct pdk_sim_fn_config *cfg)
{
	if (cfg->ats_offset != 0)
		return cfg->ats_offset;
	if (cfg->prs)
		return (uint16_t)(sim_pci_pri_offset(cfg) + PCI_EXT_CAP_PRI_SIZEOF);
	if (!sim_fn_shows_pasid(cfg))
		return SIM_PASID_CAP_OFF;
	return (uint16_t)((cfg->pasid_offset != 0 ? cfg->pasid_offset : SIM_PASID_CAP_OFF) +
			  PCI_EXT_CAP_PASID_SIZEOF);
}

/* The extended capabilities @p cfg asks for, in offset order. @return their count. */
static unsigned int
sim_ecaps_of(const struct pdk_sim_fn_config *cfg, struct sim_ecap_ent ent[SIM_ECAP_MAX])
{
	unsigned int n = 0, i, j;

	if (sim_fn_shows_pasid(cfg))
		ent[n++] = (struct sim_ecap_ent){
			.kind = SIM_ECAP_PASID, .id = PCI_EXT_CAP_ID_PASID, .version = 1,
			.offset = cfg->pasid_offset != 0 ? cfg->pasid_offset : SIM_PASID_CAP_OFF,
			.length = PCI_EXT_CAP_PASID_SIZEOF,
		};
	if (cfg->prs)
		ent[n++] = (struct sim_ecap_ent){
			.kind = SIM_ECAP_PRI, .id = PCI_EXT_CAP_ID_PRI, .version = 1,
			.offset = sim_pci_pri_offset(cfg), .length = PCI_EXT_CAP_PRI_SIZEOF,
		};
	if (cfg->ats)
		ent[n++] = (struct sim_ecap_ent){
			.kind = SIM_ECAP_ATS, .id = PCI_EXT_CAP_ID_ATS, .version = 1,
			.offset = sim_pci_ats_offset(cfg), .length = PCI_EXT_CAP_ATS_SIZEOF,
		};
	for (i = 0; i < PDK_SIM_FN_ECAPS; i++) {
		const struct pdk_sim_ecap *e = &cfg->ecaps[i];

		if (e->offset != 0)
			ent[n++] = (struct sim_ecap_ent){
				.kind = SIM_ECAP_EXTRA, .id = e->id, .version = e->version,
				.offset = e->offset, .length = e->length, .next = e->next,
				.extra = e,
			};
	}
	if (cfg->free_dvsec.offset != 0)
		ent[n++] = (struct sim_ecap_ent){
			.kind = SIM_ECAP_FREE_DVSEC, .id = PCI_EXT_CAP_ID_DVSEC, .version = 1,
			.offset = cfg->free_dvsec.offset,
			.length = (uint16_t)(SIM_FREE_DVSEC_RANGES + 8 * cfg->free_dvsec.nranges),
		};
	for (i = 1; i < n; i++)		/* a handful of entries: insertion sort */
		for (j = i; j > 0 && ent[j].offset < ent[j - 1].offset; j--) {
			struct sim_ecap_ent t = ent[j];

			ent[j] = ent[j - 1];
			ent[j - 1] = t;
		}
	return n;
}

static void
sim_ecap_body(struct sim_fn *fn, const struct sim_ecap_ent *e)
{
	const struct pdk_sim_fn_config *cfg = &fn->cfg;
	unsigned int i;

	switch (e->kind) {
	case SIM_ECAP_PASID: {
		/* Enabled as the IOMMU driver enables it (pci_enable_pasid()). */
		uint16_t caps = (uint16_t)(cfg->pasid_bits << 8), ctrl = PCI_PASID_CTRL_ENABLE;

		if (cfg->pasid_exec) {
			caps |= PCI_PASID_CAP_EXEC;
			ctrl |= PCI_PASID_CTRL_EXEC;
		}
		if (cfg->pasid_priv) {
			caps |= PCI_PASID_CAP_PRIV;
			ctrl |= PCI_PASID_CTRL_PRIV;
		}
		cfg_w16(fn, e->offset + PCI_PASID_CAP, caps);
		cfg_w16(fn, e->offset + PCI_PASID_CTRL, ctrl);
		break;
	}
	case SIM_ECAP_PRI: {
		/*
		 * Enabled where the IOMMU driver enables it (sim_iommu.h
		 * pri_needs_ats) as drivers/pci/ats.c pci_enable_pri() does:
		 * ALLOC_REQ = min(MAX_REQ, the driver's depth), then CTRL
		 * ENABLE. Left disabled, it stays as reset left it: Stopped,
		 * nothing allocated. With PASID, PRG responses carry it
		 * (STATUS PASID: VT-d's iommu_enable_pci_pri() needs it).
		 */
		uint32_t max = cfg->prs_max_requests != 0 ? cfg->prs_max_requests :
							    SIM_PRS_DEFAULT_REQS;
		uint16_t status = sim_fn_shows_pasid(cfg) ? PCI_PRI_STATUS_PASID : 0;

		fn->pri_cap = e->offset;
		cfg_w32(fn, e->offset + PCI_PRI_MAX_REQ, max);
		if (!sim_iommu_enables_pri(fn->sim->iommu, cfg)) {
			cfg_w16(fn, e->offset + PCI_PRI_STATUS, status | PCI_PRI_STATUS_STOPPED);
			break;
		}
		cfg_w16(fn, e->offset + PCI_PRI_CTRL, PCI_PRI_CTRL_ENABLE);
		cfg_w16(fn, e->offset + PCI_PRI_STATUS, status);
		cfg_w32(fn, e->offset + PCI_PRI_ALLOC_REQ, max < SIM_PRQ_DEPTH ? max : SIM_PRQ_DEPTH);
		break;
	}
	case SIM_ECAP_ATS:
		/*
		 * Page Aligned Request (VT-d's iommu_enable_pci_ats() wants it),
		 * Invalidate Queue Depth 0 (= 32, pci_ats_queue_depth()). Enabled
		 * as pci_enable_ats() does for a 4 KiB IOMMU page (VTD_PAGE_SHIFT,
		 * AMD's PAGE_SHIFT, SMMUv3's smallest granule): STU = 12 -
		 * PCI_ATS_MIN_STU = 0, which a VF leaves 0 anyway (its PF's STU counts).
		 */
		cfg_w16(fn, e->offset + PCI_ATS_CAP, PCI_ATS_CAP_PAGE_ALIGNED);
		cfg_w16(fn, e->offset + PCI_ATS_CTRL, PCI_ATS_CTRL_ENABLE | PCI_ATS_CTRL_STU(0));
		break;
	case SIM_ECAP_EXTRA:
		if (e->extra->body_len > 0)
			memcpy(fn->config + e->offset + 4, e->extra->body, e->extra->body_len);
		else if (e->id == PCI_EXT_CAP_ID_VNDR || e->id == PCI_EXT_CAP_ID_DVSEC)
			cfg_w32(fn, e->offset + PCI_DVSEC_HEADER1, (uint32_t)e->length << 20);
		break;
	case SIM_ECAP_FREE_DVSEC:
		/* doc/pcicfg.md, "The free-space DVSEC: PDK's PROPOSAL" */
		cfg_w32(fn, e->offset + PCI_DVSEC_HEADER1,
			PDK_PCICFG_FREE_DVSEC_VENDOR | (uint32_t)e->length << 20);
		cfg_w16(fn, e->offset + SIM_DVSEC_HDR2, PDK_PCICFG_FREE_DVSEC_ID);
		cfg_w16(fn, e->offset + SIM_FREE_DVSEC_N, cfg->free_dvsec.nranges);
		for (i = 0; i < cfg->free_dvsec.nranges; i++) {
			unsigned int r = e->offset + SIM_FREE_DVSEC_RANGES + 8 * i;

			cfg_w16(fn, r, cfg->free_dvsec.range[i].offset);
			cfg_w16(fn, r + 2, cfg->free_dvsec.range[i].length);
			cfg_w32(fn, r + 4, PDK_PCICFG_FREE_DVSEC_FLAG_FREE);
		}
		break;
	}
}

/* The extended chain and the registers in holes (checked by sim_pci_shape_check()). */
static void
sim_pci_ecaps_init(struct sim_fn *fn)
{
	struct sim_ecap_ent ent[SIM_ECAP_MAX];
	unsigned int n = sim_ecaps_of(&fn->cfg, ent), i;

	for (i = 0; i < n; i++) {
		uint16_t next = ent[i].next != 0 ? ent[i].next : i + 1 < n ? ent[i + 1].offset : 0;

		cfg_w32(fn, ent[i].offset, ent[i].id | (uint32_t)ent[i].version << 16 |
			(uint32_t)next << 20);
		sim_ecap_body(fn, &ent[i]);
	}
	for (i = 0; i < PDK_SIM_FN_HIDDEN; i++)
		if (fn->cfg.hidden[i].value != 0)
			cfg_w32(fn, fn->cfg.hidden[i].offset, fn->cfg.hidden[i].value);
}

static bool
sim_ranges_meet(unsigned int a, unsigned int alen, unsigned int b, unsigned int blen)
{
	return a < b + blen && b < a + alen;
}

#define SIM_SHAPE_REFUSE(w, f)	do { *why = (w); *fix = (f); return -EINVAL; } while (0)

static int
sim_pci_physfn_check(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg,
		     const char **why, const char **fix)
{
	char pfaddr[PDK_PCI_ADDR_LEN];
	const struct sim_fn *pf;

	if (pdk_sys_pci_addr_parse(cfg->physfn, pfaddr) < 0)
		SIM_SHAPE_REFUSE("physfn is not a PCI address", "give the PF's DDDD:BB:DD.F");
	pf = sim_fn_by_addr(sim, pfaddr);
	if (pf == NULL)
		SIM_SHAPE_REFUSE("physfn names no function of this sim",
				 "add the PF first, then its VFs");
	if (pf->pf != NULL)
		SIM_SHAPE_REFUSE("physfn names a VF: a VF has no VFs",
				 "give the PF's address");
	if (cfg->pasid_bits != pf->cfg.pasid_bits || cfg->pasid_exec != pf->cfg.pasid_exec ||
	    cfg->pasid_priv != pf->cfg.pasid_priv || cfg->pasid_offset != 0)
		SIM_SHAPE_REFUSE("a VF shares its PF's PASID capability (drivers/pci/ats.c), "
				 "so its PASID fields must be the PF's",
				 "copy the PF's pasid_bits, pasid_exec and pasid_priv; pasid_offset 0");
	if (cfg->ats && !pf->cfg.ats)
		SIM_SHAPE_REFUSE("ats on a VF whose PF has none: the kernel uses a VF's ATS only "
				 "with its PF's (drivers/pci/ats.c pci_ats_supported(), pci_enable_ats())",
				 "give the PF ats too, or the VF none");
	return 0;
}

int
sim_pci_shape_check(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg,
		    const char **why, const char **fix)
{
	struct sim_ecap_ent ent[SIM_ECAP_MAX];
	unsigned int n, i, j;

	if (cfg->physfn != NULL && sim_pci_physfn_check(sim, cfg, why, fix) < 0)
		return -EINVAL;
	if (cfg->prs && cfg->physfn != NULL)
		SIM_SHAPE_REFUSE("prs on a VF: a VF's PRI is its PF's (drivers/pci/ats.c), "
				 "not modelled", "give the PF prs, not its VFs");
	if (cfg->prs_offset != 0 && (!cfg->prs || cfg->prs_offset % 4 != 0 ||
				     cfg->prs_offset < PDK_PCICFG_STD_SIZE ||
				     cfg->prs_offset + PCI_EXT_CAP_PRI_SIZEOF > PDK_PCICFG_SIZE))
		SIM_SHAPE_REFUSE("prs_offset is not a dword in 0x100-0xFF0 of a function with prs",
				 "use 0 for the default place");
	if (cfg->ats_offset != 0 && (!cfg->ats || cfg->ats_offset % 4 != 0 ||
				     cfg->ats_offset < PDK_PCICFG_STD_SIZE ||
				     cfg->ats_offset + PCI_EXT_CAP_ATS_SIZEOF > PDK_PCICFG_SIZE))
		SIM_SHAPE_REFUSE("ats_offset is not a dword in 0x100-0xFF8 of a function with ats",
				 "use 0 for the default place");
	if (cfg->pasid_offset != 0 && (cfg->pasid_offset % 4 != 0 ||
				       cfg->pasid_offset < PDK_PCICFG_STD_SIZE ||
				       cfg->pasid_offset > PDK_PCICFG_END_OFFSET))
		SIM_SHAPE_REFUSE("pasid_offset is not a dword in 0x100-0xFF8", "use 0 for 0x100");
	for (i = 0; i < PDK_SIM_FN_ECAPS; i++) {
		const struct pdk_sim_ecap *e = &cfg->ecaps[i];

		if (e->offset == 0)
			continue;
		if (e->offset % 4 != 0 || e->offset < PDK_PCICFG_STD_SIZE || e->length < 4 ||
		    e->offset + e->length > PDK_PCICFG_SIZE)
			SIM_SHAPE_REFUSE("an ecaps entry is not a dword-aligned range of 4 bytes "
					 "or more inside 0x100-0xFFF", "fix its offset and length");
		if (e->version > 15 || e->next > 0xfff)
			SIM_SHAPE_REFUSE("an ecaps entry's version or next does not fit its header "
					 "field (4 and 12 bits)", "use version 0-15, next 0-0xFFF");
		if (e->body_len > (size_t)e->length - 4 || (e->body == NULL) != (e->body_len == 0))
			SIM_SHAPE_REFUSE("an ecaps entry's body does not fit after its header",
					 "give body_len <= length - 4, with a body");
	}
	if (cfg->free_dvsec.offset != 0 &&
	    (cfg->free_dvsec.offset % 4 != 0 || cfg->free_dvsec.offset < PDK_PCICFG_STD_SIZE ||
	     cfg->free_dvsec.nranges > PDK_SIM_FREE_RANGES ||
	     cfg->free_dvsec.offset + SIM_FREE_DVSEC_RANGES + 8u * cfg->free_dvsec.nranges >
		     PDK_PCICFG_SIZE))
		SIM_SHAPE_REFUSE("free_dvsec does not fit: a dword offset from 0x100, "
				 "at most PDK_SIM_FREE_RANGES ranges, inside the space",
				 "move it or declare fewer ranges");
	n = sim_ecaps_of(cfg, ent);
	if (n > 0 && ent[0].offset != PDK_PCICFG_STD_SIZE)
		SIM_SHAPE_REFUSE("no extended capability at 0x100, where the chain starts "
				 "(PCIe Base 3.0 7.9.1)", "put one of them at 0x100");
	for (i = 0; i + 1 < n; i++)
		if (ent[i].offset + ent[i].length > ent[i + 1].offset)
			SIM_SHAPE_REFUSE("two extended capabilities of the configuration overlap",
					 "move one (a malformed chain comes from next pointers)");
	for (i = 0; i < PDK_SIM_FN_HIDDEN; i++) {
		const struct pdk_sim_hidden_reg *h = &cfg->hidden[i];

		if (h->value == 0)
			continue;
		if (h->offset % 4 != 0 || h->offset < SIM_CAP_EXP || h->offset > PDK_PCICFG_SIZE - 4 ||
		    sim_ranges_meet(h->offset, 4, SIM_CAP_EXP, SIM_CAP_STD_END - SIM_CAP_EXP))
			SIM_SHAPE_REFUSE("a hidden register is not a dword in 0x40-0xFFC outside "
					 "the standard capabilities (0x40-0x8B)", "move it");
		for (j = 0; j < n; j++)
			if (sim_ranges_meet(h->offset, 4, ent[j].offset, ent[j].length))
				SIM_SHAPE_REFUSE("a hidden register is inside an extended capability",
						 "put it in a hole");
	}
	return 0;
}

uint16_t
sim_fn_vendor(const struct sim_fn *fn)
{
	return fn->model->vendor_id;
}

uint16_t
sim_fn_device(const struct sim_fn *fn)
{
	return fn->model->device_id;
}

/* Which bits of a config byte userspace may change (all else reads back). */
static uint8_t
sim_cfg_wmask(const struct sim_fn *fn, unsigned int off)
{
	/* An implemented BAR's register; an absent one reads 0 for ever. */
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4 * SIM_NUM_BARS)
		return fn->bar[(off - PCI_BASE_ADDRESS_0) / 4].size != 0 ? 0xff : 0;
	switch (off) {
	case PCI_COMMAND:
		return SIM_CMD_WMASK & 0xff;
	case PCI_COMMAND + 1:
		return SIM_CMD_WMASK >> 8;
	case PCI_INTERRUPT_LINE:
		return 0xff;
	case SIM_CAP_MSIX + PCI_MSIX_FLAGS + 1:
		return (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	default:
		return 0;
	}
}

int
sim_pci_config_rw(struct sim_fn *fn, void *buf, size_t len, uint64_t pos, bool write)
{
	unsigned int bar;
	size_t i;

	if (pos >= SIM_CFG_SIZE || len > SIM_CFG_SIZE - pos)
		return sim_err(-EFAULT, "config access", "beyond the 4 KiB config space");
	if (!write) {
		memcpy(buf, fn->config + pos, len);
		return (int)len;
	}
	for (i = 0; i < len; i++) {
		unsigned int off = (unsigned int)(pos + i);
		uint8_t m = sim_cfg_wmask(fn, off);

		fn->config[off] = (fn->config[off] & ~m) | (((const uint8_t *)buf)[i] & m);
	}
	/* VFIO's virtual BARs: the size bits read back as 0, like sizing hardware. */
	for (bar = 0; bar < SIM_NUM_BARS; bar++) {
		unsigned int reg = sim_bar_reg(bar);

		if (fn->bar[bar].size != 0 && pos < reg + 4 && pos + len > reg)
			cfg_w32(fn, reg, cfg_r32(fn, reg) & ~(fn->bar[bar].size - 1));
	}
	return (int)len;
}

void
sim_pci_msix_set_enable(struct sim_fn *fn, bool on)
{
	uint16_t v = cfg_r16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS);

	v = on ? v | PCI_MSIX_FLAGS_ENABLE : v & ~PCI_MSIX_FLAGS_ENABLE;
	cfg_w16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS, v);
}

void
sim_pci_msix_raise(struct sim_fn *fn, unsigned int vector)
{
	if (vector < SIM_MSIX_VECTORS && fn->msix_handler != NULL)
		fn->msix_handler(fn, vector);
}

void
sim_pci_reset(struct sim_fn *fn)
{
	fn->model->reset(fn);
}

/* vfio_pci_core_enable() at bind: the device is reset and decodes memory. */
void
sim_pci_enable(struct sim_fn *fn)
{
	sim_pci_reset(fn);
	cfg_w16(fn, PCI_COMMAND, PCI_COMMAND_MEMORY);
}

/* vfio_pci_core_disable() at the last close: no decode, no bus mastering. */
void
sim_pci_disable(struct sim_fn *fn)
{
	cfg_w16(fn, PCI_COMMAND, 0);
	sim_pci_msix_set_enable(fn, false);
	sim_pci_reset(fn);
}

/* ---- PDK_SIM_MODEL_PLAIN: no registers, no engine ---- */

static void
sim_plain_reset(struct sim_fn *fn)
{
	memset(fn->bar[0].mem, 0, fn->bar[0].size);
}

const struct sim_model sim_model_plain = {
	.name = "plain",
	.vendor_id = PDK_SIMDMA_VENDOR_ID,
	.device_id = SIM_PLAIN_DEVICE_ID,
	.class_code = 0xff0000,		/* unassigned class */
	.bar_size = { SIM_BAR0_SIZE },
	.reset = sim_plain_reset,
};

/* ---- BARs ---- */

static void
sim_bars_free(struct sim_fn *fn)
{
	unsigned int i;

	for (i = 0; i < SIM_NUM_BARS; i++) {
		struct sim_bar *b = &fn->bar[i];

		if (b->mem != NULL)
			munmap(b->mem, b->size);
		if (b->memfd >= 0)
			close(b->memfd);
		b->mem = NULL;
		b->memfd = -1;
	}
}

static int
sim_bars_create(struct sim_fn *fn)
{
	unsigned int i;

	for (i = 0; i < SIM_NUM_BARS; i++)
		fn->bar[i].memfd = -1;
	for (i = 0; i < SIM_NUM_BARS; i++) {
		struct sim_bar *b = &fn->bar[i];
		char name[16];
		void *mem;

		b->size = fn->model->bar_size[i];
		if (b->size == 0)
			continue;
		snprintf(name, sizeof(name), "pdk-sim-bar%u", i);
		b->memfd = memfd_create(name, MFD_CLOEXEC);
		if (b->memfd < 0 || ftruncate(b->memfd, b->size) < 0)
			goto fail;
		mem = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd, 0);
		if (mem == MAP_FAILED)
			goto fail;
		b->mem = mem;
	}
	return 0;
fail:
	{
		int rc = -errno;

		sim_bars_free(fn);
		return rc;
	}
}

/* ---- functions ---- */

struct sim_fn *
sim_fn_by_addr(struct pdk_sim *sim, const char *addr)
{
	struct sim_fn *fn;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (strcmp(fn->addr, addr) == 0)
			return fn;
	return NULL;
}

int
sim_fn_create(struct pdk_sim *sim, const char *addr, const struct pdk_sim_fn_config *cfg,
	      const struct sim_model *model, struct sim_fn **out)
{
	struct sim_fn *fn, *f;
	unsigned int index = 0, i;
	int rc;

	fn = calloc(1, sizeof(*fn));
	if (fn == NULL)
		return -ENOMEM;
	fn->sim = sim;
	snprintf(fn->addr, sizeof(fn->addr), "%s", addr);
	fn->cfg = *cfg;
	fn->cfg.pci_addr = fn->addr;
	fn->model = model;
	rc = sim_bars_create(fn);
	if (rc < 0) {
		free(fn);
		return rc;
	}
	rc = fn->model->init != NULL ? fn->model->init(fn) : 0;
	if (rc < 0) {
		sim_bars_free(fn);
		free(fn);
		return rc;
	}
	for (f = sim->fns; f != NULL; f = f->next)
		index++;
	if (cfg->physfn != NULL) {
		char pf[PDK_PCI_ADDR_LEN];

		/* checked by sim_pci_shape_check() */
		if (pdk_sys_pci_addr_parse(cfg->physfn, pf) == 0)
			fn->pf = sim_fn_by_addr(sim, pf);
	}
	sim_pci_config_init(fn, index);
	sim_pci_ecaps_init(fn);
	/* What the caller's pointers gave is in config space now; they may go. */
	fn->cfg.physfn = fn->pf != NULL ? fn->pf->addr : NULL;
	for (i = 0; i < PDK_SIM_FN_ECAPS; i++) {
		fn->cfg.ecaps[i].body = NULL;
		fn->cfg.ecaps[i].body_len = 0;
	}
	sim_pci_reset(fn);
	*out = fn;
	return 0;
}

void
sim_fn_free(struct sim_fn *fn)
{
	/* Stop the model (its thread, if any) before what it uses goes away. */
	if (fn->model->fini != NULL)
		fn->model->fini(fn);
	sim_bars_free(fn);
	free(fn);
}

/* ---- the Page Request Interface (cfg.prs) ---- */

void
sim_pci_pri_unexpected(struct sim_fn *fn)
{
	uint16_t off = fn->pri_cap;

	if (off != 0)
		cfg_w16(fn, off + PCI_PRI_STATUS,
			cfg_r16(fn, off + PCI_PRI_STATUS) | PCI_PRI_STATUS_UPRGI);
}
