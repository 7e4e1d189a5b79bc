/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The PCIe PASID extended capability of a function for --status, found by
 * lib/pcicfg (pdk_pcicfg_parse(), pdk_pcicfg_pasid_cap()) in one of two
 * sources: sysfs "config" (the real registers; all 4 KiB for root, the
 * first 64 bytes for anyone else) and the VFIO config region of an open
 * vfio-pci device (virtualised: vfio-pci leaves the PASID capability out of
 * the list it shows, so there it is normally absent).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devbind.h"

/* lib/pcicfg's answer in --status's words */
static void
cap_from_map(struct db_pasid_cap *cap, const struct pdk_pcicfg *cfg)
{
	struct pdk_pcicfg_pasid_cap c;

	pdk_pcicfg_pasid_cap(cfg, cap->source, &c);
	switch (c.state) {
	case PDK_PCICFG_FACT_PRESENT:
		cap->state = DB_CAP_PRESENT;
		cap->offset = c.offset;
		cap->width = c.width;
		cap->exec_supported = c.exec_supported;
		cap->priv_supported = c.priv_supported;
		cap->enabled = c.enabled;
		cap->exec_enabled = c.exec_enabled;
		cap->priv_enabled = c.priv_enabled;
		break;
	case PDK_PCICFG_FACT_ABSENT:
		cap->state = DB_CAP_ABSENT;
		break;
	default:
		/* 256 bytes: a conventional PCI function, which has no extended space, so no PASID */
		if (pdk_pcicfg_size(cfg) == PDK_PCICFG_STD_SIZE) {
			cap->state = DB_CAP_ABSENT;
			break;
		}
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "%.120s", c.why);
		break;
	}
}

void
db_pasid_cap_from_sysfs(struct db_pasid_cap *cap, struct pdk_sys *sys, const char *addr,
			bool root)
{
	struct pdk_pcicfg *cfg = NULL;
	uint8_t *buf;
	ssize_t n;
	int rc;

	memset(cap, 0, sizeof(*cap));
	cap->source = "sysfs config";
	buf = calloc(1, PDK_PCICFG_SIZE);
	if (buf == NULL) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "sysfs config: out of memory");
		return;
	}
	n = pdk_vfio_pci_attr_pread(sys, addr, "config", buf, PDK_PCICFG_SIZE, 0);
	if (n < 0) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "sysfs config: %s", strerror((int)-n));
	} else if (n < PDK_PCICFG_STD_SIZE) {
		/* the kernel stops an unprivileged reader at 64 bytes */
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "sysfs config gives %zd bytes%s", n,
			 root ? "" : " (the extended space needs root)");
	} else if ((rc = pdk_pcicfg_parse(buf, (size_t)n, &cfg)) < 0) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "sysfs config: %s", strerror(-rc));
	} else {
		cap_from_map(cap, cfg);
	}
	pdk_pcicfg_free(cfg);
	free(buf);
}

void
db_pasid_cap_from_vfio(struct db_pasid_cap *cap, struct pdk_vfio_dev *dev)
{
	struct pdk_pcicfg *cfg = NULL;
	int rc;

	memset(cap, 0, sizeof(*cap));
	cap->source = "VFIO config region";
	rc = pdk_pcicfg_read_vfio(dev, &cfg);
	if (rc < 0) {
		cap->state = DB_CAP_UNREAD;
		snprintf(cap->note, sizeof(cap->note), "VFIO config region: %s", strerror(-rc));
		return;
	}
	cap_from_map(cap, cfg);
	pdk_pcicfg_free(cfg);
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
