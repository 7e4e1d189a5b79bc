/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The PASID facts of a function, side by side (issue 13 item 5). Each
 * source shows a different part and none the whole:
 *
 * - IOMMU_GET_HW_INFO is the kernel's answer: out_max_pasid_log2 (0 when
 *   the IOMMU or the device has no PASID enabled) and the PASID Control
 *   register's Execute and Privileged bits (kernel-facts K7).
 * - The physical PASID extended capability is in sysfs `config` of a PF
 *   (root reads all 4 KiB). A VF must not implement one: VFs share their
 *   PF's PASID configuration (the kernel's drivers/pci/ats.c: the comment
 *   in pci_enable_pasid(), and pci_pasid_features(), pci_max_pasids(),
 *   pci_pasid_status() read the PF's capability for a VF via pci_physfn()).
 *   The kernel links a VF's sysfs folder to its PF as `physfn`
 *   (drivers/pci/iov.c, pci_iov_add_virtfn()).
 * - The VFIO config region is vfio-pci's virtual config space, where the
 *   PASID capability is hidden: drivers/vfio/pci/vfio_pci_config.c gives
 *   PCI_EXT_CAP_ID_PASID length 0 ("not yet") in pci_ext_cap_length[], and
 *   vfio_ecap_init() links the chain around a capability of length 0, or,
 *   when it is the first at 0x100, keeps its header with the id and version
 *   cleared (the Null capability). Checked in the 7.3.4 tree (kernel-facts K1).
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "pcicfg_private.h"

/* Max PASID Width, Capability register bits 12:8 (PCIe Base 4.0 7.8.8.2) */
#define PCICFG_PASID_WIDTH_SHIFT 8
#define PCICFG_PASID_WIDTH_MASK 0x1f

static const char vf_shares[] =
	"a VF has no PASID capability of its own: VFs share their PF's (drivers/pci/ats.c: "
	"pci_pasid_features(), pci_max_pasids() and pci_pasid_status() read the PF's for a VF)";
static const char vfio_hides[] =
	"vfio-pci hides the PASID capability (drivers/vfio/pci/vfio_pci_config.c: "
	"pci_ext_cap_length[PCI_EXT_CAP_ID_PASID] is 0, and vfio_ecap_init() links the chain "
	"around it)";

const char *
pdk_pcicfg_fact_name(enum pdk_pcicfg_fact state)
{
	switch (state) {
	case PDK_PCICFG_FACT_ABSENT:
		return "absent";
	case PDK_PCICFG_FACT_PRESENT:
		return "present";
	default:
		return "unknown";
	}
}

int
pdk_pcicfg_pasid_cap(const struct pdk_pcicfg *cfg, const char *source,
		     struct pdk_pcicfg_pasid_cap *cap)
{
	const struct pdk_pcicfg_range *r;
	uint16_t caps, ctrl;

	if (pdk_log_null(cap, PCICFG_LOG, NULL, "pass where to store the capability",
			 "pdk_pcicfg_pasid_cap: NULL cap") ||
	    pdk_log_null(cfg, PCICFG_LOG, NULL, "parse a config space first",
			 "pdk_pcicfg_pasid_cap: NULL cfg"))
		return -EINVAL;
	memset(cap, 0, sizeof(*cap));
	snprintf(cap->source, sizeof(cap->source), "%s", source != NULL ? source : "config space");
	if (cfg->all_ones) {
		snprintf(cap->why, sizeof(cap->why),
			 "the function reads as all ones (gone, in reset, or the read was refused)");
		return 0;
	}
	if (!pcicfg_has_ext(cfg)) {
		snprintf(cap->why, sizeof(cap->why),
			 "%zu bytes read: the PASID capability is in the extended space "
			 "(0x100-0xFFF), which takes all 4096 (root, for sysfs config)", cfg->size);
		return 0;
	}
	r = pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID);
	if (r == NULL) {
		cap->state = PDK_PCICFG_FACT_ABSENT;
		snprintf(cap->why, sizeof(cap->why), "no PASID capability in the extended chain");
		return 0;
	}
	caps = cfg_rd16(cfg, r->offset + PCI_PASID_CAP);
	ctrl = cfg_rd16(cfg, r->offset + PCI_PASID_CTRL);
	cap->state = PDK_PCICFG_FACT_PRESENT;
	cap->offset = r->offset;
	cap->width = (caps >> PCICFG_PASID_WIDTH_SHIFT) & PCICFG_PASID_WIDTH_MASK;
	cap->exec_supported = (caps & PCI_PASID_CAP_EXEC) != 0;
	cap->priv_supported = (caps & PCI_PASID_CAP_PRIV) != 0;
	cap->enabled = (ctrl & PCI_PASID_CTRL_ENABLE) != 0;
	cap->exec_enabled = (ctrl & PCI_PASID_CTRL_EXEC) != 0;
	cap->priv_enabled = (ctrl & PCI_PASID_CTRL_PRIV) != 0;
	snprintf(cap->why, sizeof(cap->why), "PASID capability at 0x%03x (PCIe Base 4.0 7.8.8)",
		 r->offset);
	return 0;
}

/* The capability in sysfs config of @p addr; a failed read is an UNKNOWN fact. */
static void
sysfs_cap(struct pdk_sys *sys, const char *addr, struct pdk_pcicfg_pasid_cap *cap)
{
	struct pdk_pcicfg *cfg = NULL;
	char path[64];	/* "/sys/bus/pci/devices/DDDD:BB:DD.F/config" */
	uint8_t *buf;
	ssize_t n;
	int rc = 0;

	memset(cap, 0, sizeof(*cap));
	buf = calloc(1, PDK_PCICFG_SIZE);
	if (buf == NULL) {
		snprintf(cap->source, sizeof(cap->source), "sysfs config of %s", addr);
		snprintf(cap->why, sizeof(cap->why), "out of memory");
		return;
	}
	n = pcicfg_sysfs_bytes(sys, addr, buf, path, sizeof(path));
	if (n >= 64 && (rc = pdk_pcicfg_parse(buf, (size_t)n, &cfg)) == 0) {
		pdk_pcicfg_pasid_cap(cfg, path, cap);
		pdk_pcicfg_free(cfg);
	} else {
		snprintf(cap->source, sizeof(cap->source), "%s", path);
		if (n < 0)
			snprintf(cap->why, sizeof(cap->why), "not readable: %s", strerror((int)-n));
		else if (n < 64)
			snprintf(cap->why, sizeof(cap->why), "%zd bytes read, 64 at least", n);
		else
			snprintf(cap->why, sizeof(cap->why), "not parsed: %s", strerror(-rc));
	}
	free(buf);
}

static void
vf_check(struct pdk_sys *sys, struct pdk_pcicfg_pasid_facts *f)
{
	int rc = pcicfg_physfn(sys, f->pci_addr, f->pf);

	f->is_vf = rc < 0 ? -1 : rc;
}

static void
physical_facts(struct pdk_sys *sys, struct pdk_pcicfg_pasid_facts *f)
{
	struct pdk_pcicfg_pasid_cap *c = &f->physical;

	sysfs_cap(sys, f->pci_addr, c);
	snprintf(f->pf_cap.source, sizeof(f->pf_cap.source), "-");
	snprintf(f->pf_cap.why, sizeof(f->pf_cap.why), "not a VF: no PF to ask");
	if (f->is_vf == 1) {
		sysfs_cap(sys, f->pf, &f->pf_cap);
		if (c->state == PDK_PCICFG_FACT_ABSENT)
			snprintf(c->why, sizeof(c->why), "%s (PF %s)", vf_shares, f->pf);
		else if (c->state == PDK_PCICFG_FACT_PRESENT)
			snprintf(c->why, sizeof(c->why),
				 "a VF that shows a PASID capability at 0x%03x: VFs must not "
				 "implement one (the kernel uses its PF's, %s)", c->offset, f->pf);
	} else if (f->is_vf == 0 && c->state == PDK_PCICFG_FACT_ABSENT) {
		snprintf(c->why, sizeof(c->why),
			 "no PASID capability in the extended chain, and not a VF (no physfn "
			 "link): the function cannot tag its DMA with a PASID");
	} else if (c->state == PDK_PCICFG_FACT_PRESENT) {
		snprintf(c->why, sizeof(c->why),
			 "the function's own PASID capability at 0x%03x (PCIe Base 4.0 7.8.8)",
			 c->offset);
	}
}

static void
iommu_facts(struct pdk_vfio_dev *dev, struct pdk_pcicfg_pasid_iommu *m)
{
	struct pdk_iommufd *ctx = pdk_vfio_iommufd(dev);
	struct pdk_iommufd_hw_info info;
	uint32_t dev_id = pdk_vfio_dev_id(dev);

	if (ctx == NULL) {
		snprintf(m->source, sizeof(m->source), "IOMMU_GET_HW_INFO");
		snprintf(m->why, sizeof(m->why),
			 "not asked: the VFIO device is not bound to an iommufd context "
			 "(pdk_vfio_bind())");
		return;
	}
	snprintf(m->source, sizeof(m->source), "IOMMU_GET_HW_INFO dev_id %u", dev_id);
	m->rc = pdk_iommufd_hw_info(ctx, dev_id, &info);
	if (m->rc < 0) {
		snprintf(m->why, sizeof(m->why), "failed: %s", strerror(-m->rc));
		return;
	}
	m->hw_type = info.data_type;
	m->max_pasid_log2 = info.max_pasid_log2;
	m->exec = info.pasid_exec;
	m->priv = info.pasid_priv;
	if (info.max_pasid_log2 == 0) {
		m->state = PDK_PCICFG_FACT_ABSENT;
		snprintf(m->why, sizeof(m->why),
			 "out_max_pasid_log2 0: the IOMMU or the device has no PASID enabled "
			 "(kernel-facts K7); no PASID can be attached");
		return;
	}
	m->state = PDK_PCICFG_FACT_PRESENT;
	snprintf(m->why, sizeof(m->why),
		 "out_max_pasid_log2 %u: PASIDs 1..%lu; IOMMU_HW_CAP_PCI_PASID_EXEC %s, _PRIV %s "
		 "(the PASID Control register's enable bits; for a VF its PF's)",
		 info.max_pasid_log2, (1ul << info.max_pasid_log2) - 1, info.pasid_exec ? "set" : "clear",
		 info.pasid_priv ? "set" : "clear");
}

static void
vfio_facts(struct pdk_vfio_dev *dev, const struct pdk_pcicfg_pasid_facts *f,
	   struct pdk_pcicfg_pasid_cap *c)
{
	struct pdk_pcicfg *cfg = NULL;
	int rc;

	rc = pdk_pcicfg_read_vfio(dev, &cfg);
	if (rc < 0) {
		snprintf(c->source, sizeof(c->source), "VFIO config region of %s", f->pci_addr);
		snprintf(c->why, sizeof(c->why), "not readable: %s", strerror(-rc));
		return;
	}
	pdk_pcicfg_pasid_cap(cfg, NULL, c);
	pdk_pcicfg_free(cfg);
	snprintf(c->source, sizeof(c->source), "VFIO config region of %s", f->pci_addr);
	if (c->state == PDK_PCICFG_FACT_ABSENT)
		snprintf(c->why, sizeof(c->why), "%s%s", vfio_hides,
			 f->physical.state == PDK_PCICFG_FACT_PRESENT ?
			 "; the function has one (sysfs config)" : "");
	else if (c->state == PDK_PCICFG_FACT_PRESENT)
		snprintf(c->why, sizeof(c->why),
			 "VFIO shows a PASID capability at 0x%03x: an emulated one (a VMM's, as a "
			 "guest sees) or a vfio-pci newer than 7.3.4's, which hides it", c->offset);
}

int
pdk_pcicfg_pasid_facts(struct pdk_sys *sys, const char *pci_addr, struct pdk_vfio_dev *dev,
		       struct pdk_pcicfg_pasid_facts *facts)
{
	static const char fix[] = "pass a backend and a PCI address, or an open VFIO device";
	int rc;

	if (pdk_log_null(facts, PCICFG_LOG, NULL, "pass where to store the facts",
			 "pdk_pcicfg_pasid_facts: NULL facts"))
		return -EINVAL;
	memset(facts, 0, sizeof(*facts));
	if (sys == NULL && dev != NULL)
		sys = pdk_vfio_sys(dev);
	if (pci_addr == NULL && dev != NULL)
		pci_addr = pdk_vfio_name(dev);
	if (pdk_log_null(sys, PCICFG_LOG, NULL, fix, "pdk_pcicfg_pasid_facts: no backend") ||
	    pdk_log_null(pci_addr, PCICFG_LOG, NULL, fix, "pdk_pcicfg_pasid_facts: no address"))
		return -EINVAL;
	rc = pdk_sys_pci_addr_parse(pci_addr, facts->pci_addr);
	if (rc < 0)
		return rc;
	vf_check(sys, facts);
	physical_facts(sys, facts);
	if (dev == NULL) {
		snprintf(facts->iommu.source, sizeof(facts->iommu.source), "IOMMU_GET_HW_INFO");
		snprintf(facts->iommu.why, sizeof(facts->iommu.why),
			 "not asked: no VFIO device (open and bind it for the IOMMU's view)");
		snprintf(facts->vfio.source, sizeof(facts->vfio.source), "VFIO config region");
		snprintf(facts->vfio.why, sizeof(facts->vfio.why), "not asked: no VFIO device");
		return 0;
	}
	iommu_facts(dev, &facts->iommu);
	if (pdk_vfio_iommufd(dev) == NULL) {
		/* the kernel refuses every device operation before BIND (kernel-facts K5) */
		snprintf(facts->vfio.source, sizeof(facts->vfio.source), "VFIO config region of %s",
			 facts->pci_addr);
		snprintf(facts->vfio.why, sizeof(facts->vfio.why),
			 "not asked: the VFIO device is not bound to an iommufd context "
			 "(pdk_vfio_bind())");
		return 0;
	}
	vfio_facts(dev, facts, &facts->vfio);
	return 0;
}
