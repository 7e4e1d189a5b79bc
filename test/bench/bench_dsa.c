/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>

#include <pdk_dmadev.h>

#include "bench_dsa.h"

int
bench_dsa_probe(struct pdk_sys *sys, const char *addr, const char *devargs,
		struct pdk_iommufd **ictx, struct pdk_bus **bus)
{
	int rc;

	rc = pdk_iommufd_open(sys, ictx);
	if (rc == 0)
		rc = pdk_bus_create(*ictx, bus);
	if (rc == 0 && pdk_bus_scan(*bus) < 0)
		rc = -EIO;
	if (rc == 0 && devargs != NULL)
		rc = pdk_bus_allow(*bus, devargs);
	if (rc == 0) {
		rc = pdk_bus_probe(*bus);
		rc = rc == 1 ? 0 : (rc < 0 ? rc : -ENODEV);
	}
	return rc < 0 ? rc : pdk_dmadev_get_dev_id(addr);
}
