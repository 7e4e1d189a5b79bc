/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Portals: how a driver's 64-byte descriptor stores reach a BAR window,
 * resolved once per queue so that the fast path never comes back here.
 *
 * The backend decides (pdk_sys_mmio_resolve()). The kernel says "map it":
 * the BAR is mapped (once per device, by pdk_vfio_bar_map()) and the driver
 * stores into the mapping with MOVDIR64B, as on any machine. The sim cannot
 * see such a store, so it hands out a hook into the device model instead;
 * before this, the DSA PMD wrote each descriptor with pdk_vfio_bar_write(),
 * which took this library's checks, a region lookup, an snprintf and a
 * boundary call per submission.
 *
 * A portal is a hold on its device (struct pdk_hold in dev->holders):
 * pdk_vfio_close() refuses while one lives, as it refuses while a PASID
 * space lives, so neither the mapping nor the hook can outlive the device
 * handle (doc/guide.md, "Ownership and lifetimes").
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vfio_private.h"

/* MOVDIR64B stores 64 bytes to a 64-byte aligned address (Intel SDM). */
#define PORTAL_SIZE 64u

int
pdk_vfio_bar_portal(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset,
		    struct pdk_vfio_portal *portal)
{
	struct pdk_vfio_portal_ref *ref;
	struct pdk_vfio_region r;
	void *map;
	size_t len;
	int rc;

	if (portal != NULL)
		memset(portal, 0, sizeof(*portal));
	rc = vfio_check_bar(dev, bar, "portal");
	if (rc < 0)
		return rc;
	if (pdk_log_null(portal, "vfio", dev->name, "pass a valid pointer",
			 "portal: NULL portal output pointer"))
		return -EINVAL;
	rc = vfio_need_bound(dev, "portal");
	if (rc < 0)
		return rc;
	rc = pdk_vfio_region_info(dev, bar, &r);
	if (rc < 0)
		return rc;
	if (r.size == 0)
		return pdk_log_fail("vfio", dev->name, -ENOTSUP, "use a BAR the device implements",
				    "portal BAR %u at 0x%" PRIx64 ": the device has no such BAR (size 0)",
				    bar, offset);
	if (offset % PORTAL_SIZE != 0 || offset > r.size || r.size - offset < PORTAL_SIZE)
		return pdk_log_fail("vfio", dev->name, -EINVAL,
				    "a portal is 64 bytes at a 64-byte aligned offset inside the BAR "
				    "(MOVDIR64B's destination)",
				    "portal BAR %u at 0x%" PRIx64 ": %s its %" PRIu64 " bytes", bar,
				    offset, offset % PORTAL_SIZE != 0 ? "not 64-byte aligned in" :
				    "beyond", r.size);
	ref = calloc(1, sizeof(*ref));
	if (ref == NULL)
		return pdk_log_fail("vfio", dev->name, -ENOMEM, "free some memory",
				    "portal BAR %u at 0x%" PRIx64 ": allocation", bar, offset);
	rc = pdk_sys_mmio_resolve(dev->sys, dev->fd, r.offset + offset, &ref->mmio);
	if (rc < 0) {
		free(ref);
		return pdk_log_fail("vfio", dev->name, rc, NULL,
				    "portal BAR %u at 0x%" PRIx64 ": resolving its store path (fd %d)",
				    bar, offset, dev->fd);
	}
	if (ref->mmio.kind == PDK_SYS_MMIO_MAP) {
		/* logs its own failure; a MAP answer holds nothing to give back */
		rc = pdk_vfio_bar_map(dev, bar, &map, &len);
		if (rc < 0) {
			free(ref);
			return rc;
		}
		portal->addr = (uint8_t *)map + offset;
	} else {
		portal->store64 = ref->mmio.store64;
		portal->cookie = ref->mmio.cookie;
	}
	ref->dev = dev;
	snprintf(ref->name, sizeof(ref->name), "BAR %u + 0x%" PRIx64, bar, offset);
	pdk_holders_add(&dev->holders, &ref->hold, "portal", ref->name, false);
	portal->ref = ref;
	return 0;
}

int
pdk_vfio_portal_release(struct pdk_vfio_portal *portal)
{
	struct pdk_vfio_portal_ref *ref;
	int rc;

	if (portal == NULL || portal->ref == NULL)
		return 0;
	ref = portal->ref;
	rc = pdk_sys_mmio_release(ref->dev->sys, &ref->mmio);
	if (rc < 0)
		pdk_log_fail("vfio", ref->dev->name, rc, "the portal is given back anyway",
			     "portal %s: release of the backend's store hook", ref->name);
	pdk_holders_del(&ref->dev->holders, &ref->hold);
	free(ref);
	memset(portal, 0, sizeof(*portal));
	return rc;
}
