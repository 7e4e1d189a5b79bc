/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The iommufd view of one vfio-pci function: what a PDK driver would see.
 * Open /dev/iommu and the cdev, bind, ask IOMMU_GET_HW_INFO, and close it
 * all again, through lib/iommufd and lib/vfio exactly as a driver does.
 *
 * Opening the cdev is not free on the real kernel: vfio-pci resets the
 * function on the first open and the last close. --no-probe skips it.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "devbind.h"

static void
probe_failed(struct db_probe *p, const char *step, int rc)
{
	const char *line = db_log_captured();

	p->rc = rc;
	p->step = step;
	snprintf(p->detail, sizeof(p->detail), "%s", line != NULL ? line : strerror(-rc));
}

void
db_probe_fn(struct db_fn *fn, struct db_host *host)
{
	struct db_probe *p = &fn->probe;
	struct pdk_iommufd *ctx = NULL;
	struct pdk_vfio_dev *dev = NULL;
	uint32_t dev_id;
	int rc;

	memset(p, 0, sizeof(*p));
	p->tried = true;
	db_log_capture_reset();
	rc = pdk_iommufd_open(host->sys, &ctx);
	if (rc < 0) {
		probe_failed(p, "open /dev/iommu", rc);
		return;
	}
	rc = pdk_vfio_open(host->sys, fn->addr, &dev);
	if (rc < 0) {
		probe_failed(p, "open the VFIO cdev", rc);
		goto out;
	}
	rc = pdk_vfio_bind(dev, ctx, &dev_id);
	if (rc < 0) {
		probe_failed(p, "VFIO_DEVICE_BIND_IOMMUFD", rc);
		goto out;
	}
	rc = pdk_iommufd_hw_info(ctx, dev_id, &p->info);
	if (rc < 0) {
		probe_failed(p, "IOMMU_GET_HW_INFO", rc);
		goto out;
	}
	/*
	 * sysfs config is the better source (VFIO hides the PASID capability);
	 * the VFIO region is the fallback when sysfs could not be read.
	 */
	if (fn->cap.state == DB_CAP_UNREAD)
		db_pasid_cap_from_vfio(&fn->cap, dev);
out:
	pdk_vfio_close(dev);
	pdk_iommufd_close(ctx);
}
