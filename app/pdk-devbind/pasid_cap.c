/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The PCIe PASID extended capability, found by walking the extended
 * capability list of a function's config space. Two sources give that
 * space: sysfs "config" (the real registers; all 4 KiB for root, the first
 * 64 bytes for anyone else) and the VFIO config region of an open vfio-pci
 * device (virtualised: vfio-pci leaves the PASID capability out of the list
 * it shows, so there it is normally absent).
 */

#include <endian.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <string.h>

#include "devbind.h"

#define CFG_SPACE_SIZE		256	/* conventional PCI */
#define CFG_SPACE_EXP_SIZE	4096	/* PCIe: extended capabilities from 0x100 */

/* The walk may not loop: at most one capability per dword of the extended space. */
#define MAX_EXT_CAPS ((CFG_SPACE_EXP_SIZE - CFG_SPACE_SIZE) / 4)

/* Read one dword of config space at @p off into @p val. @return 0 or -errno. */
typedef int (*cfg_read_t)(void *arg, unsigned int off, uint32_t *val);

/*
 * Walk the extended capability list and decode the PASID capability.
 * @param cfg_size how much of config space @p rd can read.
 * @return 0, or the -errno of a failed read (cap is then DB_CAP_UNREAD).
 */
static int
pasid_cap_parse(struct db_pasid_cap *cap, cfg_read_t rd, void *arg, unsigned int cfg_size)
{
	unsigned int off = CFG_SPACE_SIZE, i;
	uint32_t hdr, regs;
	uint16_t caps, ctrl;
	int rc;

	if (cfg_size < CFG_SPACE_SIZE + 8) {
		cap->state = DB_CAP_ABSENT;
		return 0;
	}
	for (i = 0; i < MAX_EXT_CAPS; i++) {
		rc = rd(arg, off, &hdr);
		if (rc < 0) {
			cap->state = DB_CAP_UNREAD;
			snprintf(cap->note, sizeof(cap->note),
				 "reading offset 0x%x failed: %s", off, strerror(-rc));
			return rc;
		}
		/* 0: no extended capability; all ones: the function does not answer. */
		if (hdr == 0 || hdr == 0xffffffffu)
			break;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_PASID) {
			rc = rd(arg, off + PCI_PASID_CAP, &regs);
			if (rc < 0) {
				cap->state = DB_CAP_UNREAD;
				snprintf(cap->note, sizeof(cap->note),
					 "reading the PASID registers at 0x%x failed: %s",
					 off + PCI_PASID_CAP, strerror(-rc));
				return rc;
			}
			/* Capability register at +4, Control register at +6. */
			caps = (uint16_t)(regs & 0xffff);
			ctrl = (uint16_t)(regs >> 16);
			cap->state = DB_CAP_PRESENT;
			cap->offset = (uint16_t)off;
			cap->width = (caps >> 8) & 0x1f;
			cap->exec_supported = (caps & PCI_PASID_CAP_EXEC) != 0;
			cap->priv_supported = (caps & PCI_PASID_CAP_PRIV) != 0;
			cap->enabled = (ctrl & PCI_PASID_CTRL_ENABLE) != 0;
			cap->exec_enabled = (ctrl & PCI_PASID_CTRL_EXEC) != 0;
			cap->priv_enabled = (ctrl & PCI_PASID_CTRL_PRIV) != 0;
			return 0;
		}
		off = PCI_EXT_CAP_NEXT(hdr);
		/* A next pointer back into the header space or off the end ends the list. */
		if (off < CFG_SPACE_SIZE || off + 8 > cfg_size)
			break;
	}
	cap->state = DB_CAP_ABSENT;
	return 0;
}

struct cfg_buf {
	const uint8_t *b;
	unsigned int len;
};

static int
buf_read(void *arg, unsigned int off, uint32_t *val)
{
	const struct cfg_buf *c = arg;

	if (off + 4 > c->len)
		return -EINVAL;
	/* Config space is little endian. */
	*val = (uint32_t)c->b[off] | (uint32_t)c->b[off + 1] << 8 |
	       (uint32_t)c->b[off + 2] << 16 | (uint32_t)c->b[off + 3] << 24;
	return 0;
}

void
db_pasid_cap_from_sysfs(struct db_pasid_cap *cap, struct pdk_sys *sys, const char *addr,
			bool root)
{
	uint8_t cfg[CFG_SPACE_EXP_SIZE];
	struct cfg_buf c = { cfg, 0 };
	ssize_t n;

	memset(cap, 0, sizeof(*cap));
	cap->source = "sysfs config";
	n = pdk_vfio_pci_attr_pread(sys, addr, "config", cfg, sizeof(cfg), 0);
	if (n < 0) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "sysfs config: %s",
			 strerror((int)-n));
		return;
	}
	/*
	 * 256 bytes: a conventional PCI function, which has no extended space
	 * and so no PASID. Less: the kernel stopped an unprivileged reader at 64.
	 */
	if (n < CFG_SPACE_SIZE) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note),
			 "sysfs config gives %zd bytes%s", n,
			 root ? "" : " (the extended space needs root)");
		return;
	}
	c.len = (unsigned int)n;
	pasid_cap_parse(cap, buf_read, &c, c.len);
}

static int
vfio_read(void *arg, unsigned int off, uint32_t *val)
{
	uint32_t v;
	int rc;

	rc = pdk_vfio_config_read(arg, off, &v, sizeof(v));
	if (rc < 0)
		return rc;
	/* The region holds config space as the device has it: little endian. */
	*val = le32toh(v);
	return 0;
}

void
db_pasid_cap_from_vfio(struct db_pasid_cap *cap, struct pdk_vfio_dev *dev)
{
	struct pdk_vfio_region r;
	int rc;

	memset(cap, 0, sizeof(*cap));
	cap->source = "VFIO config region";
	rc = pdk_vfio_region_info(dev, VFIO_PCI_CONFIG_REGION_INDEX, &r);
	if (rc < 0) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note),
			 "VFIO config region info: %s", strerror(-rc));
		return;
	}
	pasid_cap_parse(cap, vfio_read, dev,
			   r.size > CFG_SPACE_EXP_SIZE ? CFG_SPACE_EXP_SIZE : (unsigned int)r.size);
	/* Not there says nothing of the function: vfio-pci leaves it out of the list. */
	if (cap->state == DB_CAP_ABSENT) {
		cap->state = DB_CAP_HIDDEN;
		snprintf(cap->note, sizeof(cap->note), "vfio-pci hides the PASID capability");
	}
}

const char *
db_pasid_cap_state_name(enum db_cap_state state)
{
	static const char *const names[] = {
		[DB_CAP_UNREAD] = "unknown",
		[DB_CAP_ABSENT] = "absent",
		[DB_CAP_PRESENT] = "present",
		[DB_CAP_HIDDEN] = "hidden",
	};

	return names[state];
}
