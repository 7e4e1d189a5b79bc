/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The scan: list /sys/bus/pci/devices through the backend and tell, for
 * each function, whether PDK can use it and, if not, what would fix it.
 * Nothing here logs an error: an unusable function is only an error when
 * the user asks for it (pdk_bus_probe() of an allowed device).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "bus_private.h"
#include "vfio_private.h"

#define SYSFS_PCI VFIO_SYSFS_PCI

struct scan_names {
	char (*name)[PDK_PCI_ADDR_LEN];
	unsigned int n;
	unsigned int cap;
};

static int
scan_name(const char *name, void *arg)
{
	struct scan_names *names = arg;
	char (*p)[PDK_PCI_ADDR_LEN];

	/* Every sysfs entry is a canonical address; longer ones are not PCI functions. */
	if (strlen(name) >= PDK_PCI_ADDR_LEN)
		return 0;
	if (names->n == names->cap) {
		p = realloc(names->name, (names->cap * 2 + 16) * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		names->name = p;
		names->cap = names->cap * 2 + 16;
	}
	strcpy(names->name[names->n++], name);
	return 0;
}

/* Read a sysfs ID ("0x8086"). @return 0, -ENOENT (function gone) or another -errno. */
static int
read_id(struct pdk_sys *sys, const char *addr, const char *attr, uint16_t *id)
{
	uint32_t v;
	int rc;

	rc = pdk_vfio_pci_attr_hex(sys, addr, attr, &v);
	if (rc < 0)
		return rc;
	if (v > 0xffff)
		return -EINVAL;
	*id = (uint16_t)v;
	return 0;
}

/*
 * Fill in what the scan knows of @p dev: IDs, kernel driver, state and the
 * text that explains it. @return 0, or -errno when its IDs cannot be read
 * (-ENOENT: it went away while we looked).
 */
static int
classify(struct pdk_sys *sys, struct pdk_bus_dev *dev)
{
	const char *a = dev->name;
	struct vfio_cdev_lookup l;
	char cmds[256];
	ssize_t n;
	int rc;

	rc = read_id(sys, a, "vendor", &dev->vendor);
	if (rc == 0)
		rc = read_id(sys, a, "device", &dev->device);
	if (rc < 0)
		return rc;

	n = pdk_vfio_pci_attr_link(sys, a, "driver", dev->kdriver, sizeof(dev->kdriver));
	if (n < 0)
		dev->kdriver[0] = '\0';

	rc = vfio_cdev_lookup(sys, a, &l);
	if (rc == 1) {
		dev->state = PDK_BUS_DEV_USABLE;
		snprintf(dev->text, sizeof(dev->text),
			 "bound to %s, VFIO cdev /dev/vfio/devices/%s",
			 dev->kdriver[0] != '\0' ? dev->kdriver : "vfio-pci", l.entry);
		return 0;
	}
	/* vfio-pci or a vendor's variant of it (mlx5_vfio_pci...): the cdev is the problem */
	if (strstr(dev->kdriver, "vfio") != NULL) {
		dev->state = PDK_BUS_DEV_NO_CDEV;
		if (l.noiommu)
			snprintf(dev->text, sizeof(dev->text),
				 "%s in no-IOMMU mode (only a noiommu-vfio cdev): PDK needs an "
				 "IOMMU; turn on VT-d, AMD-Vi or the SMMU in the firmware and the "
				 "kernel", dev->kdriver);
		else if (rc == -ENOENT || rc == 0)
			snprintf(dev->text, sizeof(dev->text),
				 "%s without a VFIO cdev: the kernel needs "
				 "CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or later; PASID attach needs "
				 "6.15)", dev->kdriver);
		else
			snprintf(dev->text, sizeof(dev->text),
				 "%s, but " SYSFS_PCI "/%s/vfio-dev cannot be listed: %s",
				 dev->kdriver, a, strerror(-rc));
		return 0;
	}
	dev->state = PDK_BUS_DEV_NOT_VFIO;
	vfio_bind_cmds(cmds, sizeof(cmds), a, dev->kdriver[0] != '\0');
	if (dev->kdriver[0] != '\0')
		snprintf(dev->text, sizeof(dev->text),
			 "bound to %s, not vfio-pci: bind it with `pdk-devbind --bind vfio-pci %s` "
			 "(or: %s)", dev->kdriver, a, cmds);
	else if (n == -ENOENT)
		snprintf(dev->text, sizeof(dev->text),
			 "not bound to any driver: bind it with `pdk-devbind --bind vfio-pci %s` "
			 "(or: %s)", a, cmds);
	else
		snprintf(dev->text, sizeof(dev->text),
			 "no VFIO cdev, and its driver link cannot be read (%s) to tell why",
			 strerror((int)-n));
	return 0;
}

static int
dev_cmp(const void *x, const void *y)
{
	const struct pdk_bus_dev *a = *(struct pdk_bus_dev *const *)x;
	const struct pdk_bus_dev *b = *(struct pdk_bus_dev *const *)y;

	size_t la = strlen(a->name), lb = strlen(b->name);

	/*
	 * Names are the parser's canonical "DDDD:BB:DD.F": lower-case hex,
	 * fixed widths but the domain's (4 to 6 digits), so the shorter name
	 * has the smaller domain and same-length names sort as text does.
	 */
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* Was @p dev put in the first @p n entries of @p devs? */
static bool
in_list(struct pdk_bus_dev **devs, unsigned int n, const struct pdk_bus_dev *dev)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (devs[i] == dev)
			return true;
	return false;
}

int
pdk_bus_scan(struct pdk_bus *bus)
{
	struct scan_names names = { 0 };
	struct pdk_bus_dev **devs = NULL, *dev;
	char addr[PDK_PCI_ADDR_LEN];
	unsigned int n = 0, i;
	int rc;

	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "scan: NULL bus"))
		return -EINVAL;
	rc = pdk_vfio_pci_list(bus->sys, scan_name, &names);
	if (rc < 0) {
		pdk_log_fail("bus", NULL, rc,
			     rc == -ENOMEM ? "free some memory" : "is sysfs mounted on /sys?",
			     "scan: cannot list " SYSFS_PCI " on the %s backend",
			     pdk_sys_name(bus->sys));
		goto out;
	}
	/* The new list: every function found, and probed ones even if gone. */
	devs = calloc(names.n + bus->ndevs + 1, sizeof(*devs));
	if (devs == NULL) {
		rc = pdk_log_fail("bus", NULL, -ENOMEM, "free some memory",
				  "scan: a list of %u functions", names.n + bus->ndevs);
		goto out;
	}
	for (i = 0; i < names.n; i++) {
		/* sysfs names are canonical already; this only sorts out strays */
		if (pdk_vfio_pci_addr_parse(names.name[i], addr) < 0)
			continue;
		dev = bus_dev_lookup(bus, addr);
		if (dev == NULL) {
			dev = calloc(1, sizeof(*dev));
			if (dev == NULL) {
				rc = pdk_log_fail("bus", addr, -ENOMEM, "free some memory",
						  "scan: allocation");
				goto out;
			}
			dev->bus = bus;
			memcpy(dev->name, addr, sizeof(addr));
		}
		/* A driver has it: what the scan would see now is the driver's doing. */
		if (dev->state != PDK_BUS_DEV_PROBED) {
			rc = classify(bus->sys, dev);
			if (rc < 0) {
				/* -ENOENT: it went away since the listing */
				if (rc != -ENOENT)
					PDK_LOG(WARNING, "bus", "%s: cannot read its vendor and "
						"device IDs in " SYSFS_PCI ": %s (%d); left out "
						"of the scan", addr, strerror(-rc), rc);
				if (!dev->listed)
					free(dev);
				continue;
			}
		}
		devs[n++] = dev;
	}
	for (i = 0; i < bus->ndevs; i++) {
		dev = bus->devs[i];
		if (in_list(devs, n, dev))
			continue;
		if (dev->state == PDK_BUS_DEV_PROBED) {
			PDK_LOG(WARNING, "bus", "%s: probed by %s but gone from " SYSFS_PCI
				"; remove it (pdk_bus_dev_remove())", dev->name, dev->driver->name);
			devs[n++] = dev;
		} else {
			/* gone: so is its allowance */
			bus_dev_free(dev);
		}
	}
	qsort(devs, n, sizeof(*devs), dev_cmp);
	for (i = 0; i < n; i++)
		devs[i]->listed = true;
	free(bus->devs);
	bus->devs = devs;
	bus->ndevs = n;
	devs = NULL;
	rc = (int)n;
out:
	if (devs != NULL) {
		for (i = 0; i < n; i++)
			if (!devs[i]->listed)
				free(devs[i]);
		free(devs);
	}
	free(names.name);
	return rc;
}
