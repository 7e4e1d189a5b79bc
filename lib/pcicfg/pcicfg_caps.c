/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The names and lengths of the capabilities, from public facts: the PCI
 * Local Bus 3.0 and PCI Express Base specifications (section names), and
 * the symbols of the kernel's include/uapi/linux/pci_regs.h (the system's
 * /usr/include/linux/pci_regs.h, used directly where it has them). The
 * kernel's drivers/vfio/pci/vfio_pci_config.c computes the same lengths
 * (pci_cap_length[], pci_ext_cap_length[], vfio_cap_len(),
 * vfio_ext_cap_len()); doc/pcicfg.md lists where PDK's differ and why.
 */

#include <linux/pci_regs.h>

#include "pcicfg_private.h"

struct cap_fact {
	const char *name;
	unsigned int length;	/* 0: computed from fields (or unknown) */
	const char *source;
};

static const struct cap_fact std_caps[256] = {
	[PCI_CAP_ID_PM] = { "Power Management", PCI_PM_SIZEOF, "PCI PM 1.2; pci_regs.h PCI_PM_SIZEOF" },
	[PCI_CAP_ID_AGP] = { "AGP", PCI_AGP_SIZEOF, "pci_regs.h PCI_AGP_SIZEOF" },
	[PCI_CAP_ID_VPD] = { "VPD", PCI_CAP_VPD_SIZEOF, "PCI 3.0 6.4 VPD; pci_regs.h PCI_CAP_VPD_SIZEOF" },
	[PCI_CAP_ID_SLOTID] = { "Slot ID", 4, "PCI-to-PCI Bridge 1.2 13.1 Slot Numbering" },
	[PCI_CAP_ID_MSI] = { "MSI", 0, NULL },
	[PCI_CAP_ID_CHSWP] = { "CompactPCI Hot Swap", 4, "PICMG 2.1: one dword" },
	[PCI_CAP_ID_PCIX] = { "PCI-X", PCI_CAP_PCIX_SIZEOF_V2, "pci_regs.h PCI_CAP_PCIX_SIZEOF_V2 (the largest)" },
	[PCI_CAP_ID_HT] = { "HyperTransport", HT_CAP_SIZEOF_LONG, "pci_regs.h HT_CAP_SIZEOF_LONG (the largest)" },
	[PCI_CAP_ID_VNDR] = { "Vendor Specific", 0, NULL },
	[PCI_CAP_ID_DBG] = { "Debug port", 4, "EHCI 1.0 C.4.1: one dword" },
	[PCI_CAP_ID_CCRC] = { "CompactPCI Central Resource Control", 4, "PICMG 2.1: one dword" },
	[PCI_CAP_ID_SHPC] = { "PCI Standard Hot-Plug Controller", 8, "SHPC 1.0 4.2: two dwords" },
	[PCI_CAP_ID_SSVID] = { "Bridge subsystem vendor/device ID", 8, "PCI-to-PCI Bridge 1.2 3.2.5.13" },
	[PCI_CAP_ID_AGP3] = { "AGP 8x", PCI_AGP_SIZEOF, "pci_regs.h PCI_AGP_SIZEOF" },
	[PCI_CAP_ID_SECDEV] = { "Secure Device", 0, NULL },
	[PCI_CAP_ID_EXP] = { "PCI Express", 0, NULL },
	[PCI_CAP_ID_MSIX] = { "MSI-X", PCI_CAP_MSIX_SIZEOF, "PCI 3.0 6.8.2 MSI-X; pci_regs.h PCI_CAP_MSIX_SIZEOF" },
	[PCI_CAP_ID_SATA] = { "SATA HBA", PCI_SATA_SIZEOF_LONG, "pci_regs.h PCI_SATA_SIZEOF_LONG (the largest)" },
	[PCI_CAP_ID_AF] = { "PCI Advanced Features", PCI_CAP_AF_SIZEOF, "pci_regs.h PCI_CAP_AF_SIZEOF" },
	[PCI_CAP_ID_EA] = { "Enhanced Allocation", 0, NULL },
};

static const struct cap_fact ext_caps[PCI_EXT_CAP_ID_MAX + 1] = {
	[0] = { "Null", 4, "PCIe Base 4.0 7.6: the Null capability is its header" },
	[PCI_EXT_CAP_ID_ERR] = { "Advanced Error Reporting", PCI_ERR_ROOT_ERR_SRC + 4,
				 "PCIe Base 3.0 7.10 AER; pci_regs.h PCI_ERR_ROOT_ERR_SRC + 4" },
	[PCI_EXT_CAP_ID_VC] = { "Virtual Channel", 0, NULL },
	[PCI_EXT_CAP_ID_DSN] = { "Device Serial Number", PCI_EXT_CAP_DSN_SIZEOF,
				 "PCIe Base 3.0 7.13; pci_regs.h PCI_EXT_CAP_DSN_SIZEOF" },
	[PCI_EXT_CAP_ID_PWR] = { "Power Budgeting", PCI_EXT_CAP_PWR_SIZEOF,
				 "PCIe Base 3.0 7.15; pci_regs.h PCI_EXT_CAP_PWR_SIZEOF" },
	[PCI_EXT_CAP_ID_RCLD] = { "Root Complex Link Declaration", 0, NULL },
	[PCI_EXT_CAP_ID_RCILC] = { "Root Complex Internal Link Control", 0, NULL },
	[PCI_EXT_CAP_ID_RCEC] = { "Root Complex Event Collector", 8, "PCIe Base 3.0 7.14: two dwords" },
	[PCI_EXT_CAP_ID_MFVC] = { "Multi-Function Virtual Channel", 0, NULL },
	[PCI_EXT_CAP_ID_VC9] = { "Virtual Channel", 0, NULL },
	[PCI_EXT_CAP_ID_RCRB] = { "RCRB Header", 0x14, "PCIe Base 3.0 7.20: five dwords" },
	[PCI_EXT_CAP_ID_VNDR] = { "Vendor Specific", 0, NULL },
	[PCI_EXT_CAP_ID_ACS] = { "Access Control Services", 0, NULL },
	[PCI_EXT_CAP_ID_ARI] = { "Alternative Routing-ID", PCI_EXT_CAP_ARI_SIZEOF,
				 "PCIe Base 3.0 7.23; pci_regs.h PCI_EXT_CAP_ARI_SIZEOF" },
	[PCI_EXT_CAP_ID_ATS] = { "Address Translation Services", PCI_EXT_CAP_ATS_SIZEOF,
				 "PCIe Base 4.0 10.5.1 ATS; pci_regs.h PCI_EXT_CAP_ATS_SIZEOF" },
	[PCI_EXT_CAP_ID_SRIOV] = { "SR-IOV", PCI_EXT_CAP_SRIOV_SIZEOF,
				   "SR-IOV 1.1 3.3; pci_regs.h PCI_EXT_CAP_SRIOV_SIZEOF" },
	[PCI_EXT_CAP_ID_MCAST] = { "Multicast", PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF,
				   "PCIe Base 3.0 7.21; pci_regs.h PCI_EXT_CAP_MCAST_ENDPOINT_SIZEOF" },
	[PCI_EXT_CAP_ID_PRI] = { "Page Request Interface", PCI_EXT_CAP_PRI_SIZEOF,
				 "PCIe Base 4.0 10.5.2 PRI; pci_regs.h PCI_EXT_CAP_PRI_SIZEOF" },
	[PCI_EXT_CAP_ID_REBAR] = { "Resizable BAR", 0, NULL },
	[PCI_EXT_CAP_ID_DPA] = { "Dynamic Power Allocation", 0, NULL },
	[PCI_EXT_CAP_ID_TPH] = { "TPH Requester", 0, NULL },
	[PCI_EXT_CAP_ID_LTR] = { "Latency Tolerance Reporting", PCI_EXT_CAP_LTR_SIZEOF,
				 "PCIe Base 3.0 7.25; pci_regs.h PCI_EXT_CAP_LTR_SIZEOF" },
	[PCI_EXT_CAP_ID_SECPCI] = { "Secondary PCI Express", 0, NULL },
	[PCI_EXT_CAP_ID_PMUX] = { "Protocol Multiplexing", 0, NULL },
	[PCI_EXT_CAP_ID_PASID] = { "PASID", PCI_EXT_CAP_PASID_SIZEOF,
				   "PCIe Base 4.0 7.8.8 PASID; pci_regs.h PCI_EXT_CAP_PASID_SIZEOF" },
	[PCI_EXT_CAP_ID_DPC] = { "Downstream Port Containment", 0, NULL },
	[PCI_EXT_CAP_ID_L1SS] = { "L1 PM Substates", PCI_L1SS_CTL2 + 4,
				  "PCIe Base 3.1 7.33; pci_regs.h PCI_L1SS_CTL2 + 4" },
	[PCI_EXT_CAP_ID_PTM] = { "Precision Time Measurement", PCI_PTM_CTRL + 4,
				 "PCIe Base 3.1 7.32; pci_regs.h PCI_PTM_CTRL + 4" },
	[PCI_EXT_CAP_ID_DVSEC] = { "Designated Vendor-Specific", 0, NULL },
	[PCI_EXT_CAP_ID_DLF] = { "Data Link Feature", 0x0c, "PCIe Base 4.0 7.7.4: three dwords" },
	[PCI_EXT_CAP_ID_PL_16GT] = { "Physical Layer 16.0 GT/s", 0, NULL },
	[PCI_EXT_CAP_ID_DOE] = { "Data Object Exchange", 0x18, "PCIe Base 6.0 7.9.24: six dwords" },
};

const char *
pcicfg_cap_name(enum pdk_pcicfg_space space, uint16_t id)
{
	const char *n = NULL;

	if (space == PDK_PCICFG_STD)
		n = id < 256 ? std_caps[id].name : NULL;
	else if (id <= PCI_EXT_CAP_ID_MAX)
		n = ext_caps[id].name;
	return n != NULL ? n : "unknown";
}

static struct pcicfg_len
len_of(unsigned int length, const char *source)
{
	return (struct pcicfg_len){ .length = length, .source = source };
}

static unsigned int
round4(unsigned int n)
{
	return (n + 3) & ~3u;
}

static struct pcicfg_len
std_len(const struct pdk_pcicfg *c, uint16_t id, unsigned int off)
{
	uint16_t flags = cfg_rd16(c, off + PCI_CAP_FLAGS);

	switch (id) {
	case PCI_CAP_ID_MSI:
		/* the pending bits end it when vectors can be masked, the data otherwise */
		if (flags & PCI_MSI_FLAGS_MASKBIT)
			return len_of((flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_PENDING_64 : PCI_MSI_PENDING_32) + 4,
				      "PCI 3.0 6.8.1 MSI: 64-bit and per-vector masking flags; pci_regs.h PCI_MSI_PENDING_32/64 + 4");
		return len_of(round4((flags & PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32) + 2),
			      "PCI 3.0 6.8.1 MSI: 64-bit flag; pci_regs.h PCI_MSI_DATA_32/64 + 2, dword rounded");
	case PCI_CAP_ID_VNDR:
		/* the byte after the next pointer is the length (PCI 3.0 6.7) */
		return len_of(c->cs[off + 2], "PCI 3.0 6.7 Vendor Specific: length byte at +2");
	case PCI_CAP_ID_EXP:
		if ((flags & PCI_EXP_FLAGS_VERS) >= 2)
			return len_of(PCI_EXP_SLTSTA2 + 2,
				      "PCIe Base 3.0 7.8 (version 2): pci_regs.h PCI_EXP_SLTSTA2 + 2");
		return len_of(PCI_EXP_RTSTA + 4, "PCIe Base 1.1 7.8 (version 1): pci_regs.h PCI_EXP_RTSTA + 4");
	case PCI_CAP_ID_EA:
		/* header dword, then per entry 1 + its Entry Size dwords (PCI EA ECN) */
		{
			unsigned int n = c->cs[off + 2] & 0x3f, p = off + 4, i;

			if ((c->cs[PCI_HEADER_TYPE] & 0x7f) == PCI_HEADER_TYPE_BRIDGE)
				p += 4;	/* a bridge has a second header dword */
			for (i = 0; i < n && p + 4 <= PDK_PCICFG_STD_SIZE; i++)
				p += 4 + 4 * (cfg_rd32(c, p) & 0x7);
			return len_of(p - off, "PCI Enhanced Allocation ECN: Num Entries and each Entry Size");
		}
	default:
		return len_of(0, NULL);
	}
}

static struct pcicfg_len
ext_len(const struct pdk_pcicfg *c, uint16_t id, unsigned int off)
{
	uint32_t d;

	switch (id) {
	case PCI_EXT_CAP_ID_VNDR:
		return len_of(PCI_VNDR_HEADER_LEN(cfg_rd32(c, off + PCI_VNDR_HEADER)),
			      "PCIe Base 3.0 7.19 VSEC: pci_regs.h PCI_VNDR_HEADER_LEN");
	case PCI_EXT_CAP_ID_DVSEC:
		return len_of(PCI_DVSEC_HEADER1_LEN(cfg_rd32(c, off + PCI_DVSEC_HEADER1)),
			      "PCIe Base 4.0 7.9.6 DVSEC: pci_regs.h PCI_DVSEC_HEADER1_LEN");
	case PCI_EXT_CAP_ID_REBAR:
		/* a capability and a control dword per resizable BAR */
		d = (cfg_rd32(c, off + PCI_REBAR_CTRL) & PCI_REBAR_CTRL_NBAR_MASK) >> PCI_REBAR_CTRL_NBAR_SHIFT;
		return len_of(4 + 8 * (d ? d : 1),
			      "PCIe Base 3.0 7.22 Resizable BAR: pci_regs.h PCI_REBAR_CTRL_NBAR (0 read as 1)");
	case PCI_EXT_CAP_ID_ACS:
		d = cfg_rd16(c, off + PCI_ACS_CAP);
		if (d & PCI_ACS_EC) {
			unsigned int bits = d >> 8;

			return len_of(8 + round4(((bits ? bits : 256) + 7) / 8),
				      "PCIe Base 3.0 7.16 ACS: egress control vector size in PCI_ACS_CAP");
		}
		return len_of(8, "PCIe Base 3.0 7.16 ACS: no egress control vector");
	case PCI_EXT_CAP_ID_VC:
	case PCI_EXT_CAP_ID_VC9:
	case PCI_EXT_CAP_ID_MFVC:
		/* header, two port capability dwords, control/status, then 3 dwords per VC */
		d = cfg_rd32(c, off + PCI_VC_PORT_CAP1) & 0x7;
		return len_of(PCI_CAP_VC_BASE_SIZEOF + PCI_CAP_VC_PER_VC_SIZEOF * (d + 1),
			      "PCIe Base 3.0 7.11 VC: pci_regs.h PCI_CAP_VC_BASE_SIZEOF + PER_VC_SIZEOF * VCs "
			      "(arbitration tables not counted)");
	case PCI_EXT_CAP_ID_DPA:
		d = cfg_rd32(c, off + PCI_DPA_CAP) & PCI_DPA_CAP_SUBSTATE_MASK;
		return len_of(round4(PCI_DPA_BASE_SIZEOF + d + 1),
			      "PCIe Base 3.0 7.27 DPA: pci_regs.h PCI_DPA_BASE_SIZEOF + one byte per substate");
	case PCI_EXT_CAP_ID_TPH:
		d = cfg_rd32(c, off + PCI_TPH_CAP);
		if (((d & PCI_TPH_CAP_LOC_MASK) >> 9) == 1)
			return len_of(round4(PCI_TPH_BASE_SIZEOF + 2 * (((d >> 16) & 0x7ff) + 1)),
				      "PCIe Base 3.0 7.26 TPH: pci_regs.h PCI_TPH_BASE_SIZEOF + the ST table");
		return len_of(PCI_TPH_BASE_SIZEOF, "PCIe Base 3.0 7.26 TPH: pci_regs.h PCI_TPH_BASE_SIZEOF");
	default:
		return len_of(0, NULL);
	}
}

struct pcicfg_len
pcicfg_cap_len(const struct pdk_pcicfg *c, enum pdk_pcicfg_space space, uint16_t id, unsigned int off)
{
	const struct cap_fact *f = NULL;

	if (space == PDK_PCICFG_STD && id < 256)
		f = &std_caps[id];
	else if (space == PDK_PCICFG_EXT && id <= PCI_EXT_CAP_ID_MAX)
		f = &ext_caps[id];
	if (f != NULL && f->length != 0)
		return len_of(f->length, f->source);
	return space == PDK_PCICFG_STD ? std_len(c, id, off) : ext_len(c, id, off);
}
