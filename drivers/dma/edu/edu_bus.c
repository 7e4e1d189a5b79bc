/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The edu driver on lib/bus. Probe takes the function (its VFIO cdev,
 * bound to the bus's iommufd) once its IDs and identification register say
 * it is an edu; the DMA setup waits for pdk_edu_attach(), because the RID
 * needs an address space the program chooses.
 */

#include <endian.h>
#include <errno.h>
#include <string.h>

#include "edu_private.h"
#include "pdk_bus.h"
#include "pdk_edu.h"
#include "pdk_log.h"

static int
edu_bus_probe(struct pdk_bus_dev *bdev)
{
	struct pdk_vfio_dev *vdev;
	uint32_t id;
	int rc;

	rc = pdk_bus_dev_open(bdev, &vdev);
	if (rc < 0)
		return rc;
	rc = pdk_vfio_bar_read(vdev, 0, EDU_REG_ID, &id, sizeof(id));
	if (rc < 0)
		return rc;
	if (!EDU_ID_IS_EDU(le32toh(id)))
		return pdk_log_fail("edu", pdk_bus_dev_name(bdev), -ENODEV,
				    "wrong device, or it does not answer",
				    "probe: identification register reads 0x%08x, not an edu's 0x....00ed",
				    le32toh(id));
	return 0;
}

static int
edu_bus_remove(struct pdk_bus_dev *bdev)
{
	(void)bdev;	/* the bus closes the device; pdk_edu_close() came first */
	return 0;
}

int
pdk_edu_attach(struct pdk_bus_dev *bdev, struct pdk_dma_as *as, struct pdk_edu **edu)
{
	const struct pdk_bus_driver *drv;

	if (bdev == NULL || as == NULL || edu == NULL) {
		if (edu != NULL)
			*edu = NULL;
		return pdk_log_fail("edu", bdev != NULL ? pdk_bus_dev_name(bdev) : NULL, -EINVAL,
				    "pass a device the edu driver probed, an address space and a result pointer",
				    "attach: NULL %s",
				    bdev == NULL ? "bus device" :
				    as == NULL ? "address space" : "result pointer");
	}
	drv = pdk_bus_dev_driver(bdev);
	if (drv == NULL || strcmp(drv->name, "edu") != 0)
		return pdk_log_fail("edu", pdk_bus_dev_name(bdev), -ENODEV,
				    "probe the bus first (pdk_bus_probe())",
				    "attach: not a device the edu driver probed");
	return pdk_edu_open_dev(pdk_bus_dev_vfio(bdev), as, edu);
}

static const struct pdk_bus_id edu_ids[] = {
	{ PDK_EDU_VENDOR_ID, PDK_EDU_DEVICE_ID },
	{ 0, 0 },
};

static struct pdk_bus_driver edu_driver = {
	.name = "edu",
	.id_table = edu_ids,
	.probe = edu_bus_probe,
	.remove = edu_bus_remove,
};

PDK_BUS_REGISTER_DRIVER(edu, edu_driver)
