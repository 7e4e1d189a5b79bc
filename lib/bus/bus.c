/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The bus: create and destroy it, probe and remove devices, their accessors. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "bus_private.h"

struct pdk_bus_dev *
bus_dev_lookup(const struct pdk_bus *bus, const char *addr)
{
	unsigned int i;

	for (i = 0; i < bus->ndevs; i++)
		if (strcmp(bus->devs[i]->name, addr) == 0)
			return bus->devs[i];
	return NULL;
}

void
bus_dev_free(struct pdk_bus_dev *dev)
{
	bus_args_free(dev);
	free(dev);
}

static int
bus_new(struct pdk_sys *sys, struct pdk_iommufd *ictx, struct pdk_bus **bus)
{
	struct pdk_bus *b;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return pdk_log_fail("bus", NULL, -ENOMEM, "free some memory", "create: allocation");
	b->sys = sys;
	b->ictx = ictx;
	if (ictx != NULL)
		pdk_holders_add(pdk_iommufd_holders(ictx), &b->ictx_hold, "bus", "of PCI functions", false);
	*bus = b;
	return 0;
}

int
pdk_bus_create(struct pdk_iommufd *ictx, struct pdk_bus **bus)
{
	if (bus != NULL)
		*bus = NULL;
	if (ictx == NULL || bus == NULL)
		return pdk_log_fail("bus", NULL, -EINVAL,
				    "pass an iommufd context and a result pointer",
				    "create: NULL %s",
				    ictx == NULL ? "iommufd context" : "result pointer");
	return bus_new(pdk_iommufd_sys(ictx), ictx, bus);
}

void
pdk_bus_destroy(struct pdk_bus *bus)
{
	struct pdk_bus_dev *dev;
	unsigned int i;

	if (bus == NULL)
		return;
	for (i = 0; i < bus->ndevs; i++) {
		dev = bus->devs[i];
		if (dev->state == PDK_BUS_DEV_PROBED)
			pdk_bus_dev_remove(dev);
		bus_dev_free(dev);
	}
	free(bus->devs);
	if (bus->ictx != NULL)
		pdk_holders_del(pdk_iommufd_holders(bus->ictx), &bus->ictx_hold);
	free(bus);
}

struct pdk_sys *
pdk_bus_sys(const struct pdk_bus *bus)
{
	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "backend: NULL bus"))
		return NULL;
	return bus->sys;
}

struct pdk_iommufd *
pdk_bus_iommufd(const struct pdk_bus *bus)
{
	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "iommufd context: NULL bus"))
		return NULL;
	return bus->ictx;
}

unsigned int
pdk_bus_dev_count(const struct pdk_bus *bus)
{
	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "function count: NULL bus"))
		return 0;
	return bus->ndevs;
}

struct pdk_bus_dev *
pdk_bus_dev_get(const struct pdk_bus *bus, unsigned int i)
{
	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "function by index: NULL bus"))
		return NULL;
	return i < bus->ndevs ? bus->devs[i] : NULL;
}

struct pdk_bus_dev *
pdk_bus_dev_find(const struct pdk_bus *bus, const char *pci_addr)
{
	char addr[PDK_PCI_ADDR_LEN];

	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "function lookup: NULL bus"))
		return NULL;
	if (pdk_sys_pci_addr_parse(pci_addr, addr) < 0)
		return NULL;	/* the parser said why */
	return bus_dev_lookup(bus, addr);
}

/* Put @p dev back as the scan left it: no driver, nothing open. */
static void
dev_release(struct pdk_bus_dev *dev)
{
	if (dev->vdev != NULL) {
		/* closing the fd detaches its PASIDs and RID and unbinds it */
		PDK_LOG(DEBUG, "bus", "%s: driver %s left the VFIO device open: closing it",
			dev->name, dev->driver->name);
		/* the close logs who still holds it; the release goes on, and says what that means */
		if (pdk_bus_dev_close(dev) < 0)
			PDK_LOG(WARNING, "bus", "%s: driver %s left objects on the device (above): its VFIO device stays open; the driver's remove() must release what its probe() made (a driver bug)",
				dev->name, dev->driver->name);
	}
	dev->priv = NULL;
	dev->driver = NULL;
	dev->state = PDK_BUS_DEV_USABLE;
}

/* Hand @p dev to @p drv. @return 0 or the probe's -errno, everything undone. */
static int
probe_one(struct pdk_bus_dev *dev, const struct pdk_bus_driver *drv)
{
	int rc;

	/* unknown keys are refused before the driver touches the device */
	rc = bus_args_check(dev, drv);
	if (rc < 0)
		return rc;
	dev->driver = drv;
	dev->state = PDK_BUS_DEV_PROBED;
	snprintf(dev->probed_text, sizeof(dev->probed_text), "probed by driver %s", drv->name);
	/* a driver logs why its probe failed (pdk_bus.h); the device is left as it was */
	rc = drv->probe(dev);
	if (rc < 0) {
		PDK_LOG(DEBUG, "bus", "%s: driver %s: probe returned %d; the device is left as it was",
			dev->name, drv->name, rc);
		dev_release(dev);
		return rc;
	}
	PDK_LOG(INFO, "bus", "%s: %04x:%04x probed by driver %s", dev->name, dev->vendor,
		dev->device, drv->name);
	return 0;
}

/* Why an allowed device cannot be probed; @return the -errno to report. */
static int
allowed_unusable(const struct pdk_bus_dev *dev)
{
	char names[256];

	switch (dev->state) {
	case PDK_BUS_DEV_NOT_VFIO:
	case PDK_BUS_DEV_NO_CDEV:
		/* pdk_vfio_open() says -ENOENT for the same missing cdev; the text is the fix */
		return pdk_log_fail("bus", dev->name, -ENOENT, dev->text, "probe: %s",
				    dev->state == PDK_BUS_DEV_NO_CDEV ? "no VFIO cdev" : "not on vfio-pci");
	default:
		bus_driver_names(names, sizeof(names));
		return pdk_log_fail("bus", dev->name, -ENODEV,
				    "load the library of its driver, or do not allow the device",
				    "probe: no driver for %04x:%04x (registered drivers: %s)",
				    dev->vendor, dev->device, names);
	}
}

int
pdk_bus_probe(struct pdk_bus *bus)
{
	const struct pdk_bus_driver *drv;
	struct pdk_bus_dev *dev;
	bool allowlist = false;
	int first = 0, count = 0, rc;
	unsigned int i;

	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "probe: NULL bus"))
		return -EINVAL;
	for (i = 0; i < bus->ndevs; i++)
		allowlist |= bus->devs[i]->allowed;
	/* Every device is tried, so that one run reports every problem. */
	for (i = 0; i < bus->ndevs; i++) {
		dev = bus->devs[i];
		if (dev->state == PDK_BUS_DEV_PROBED || (allowlist && !dev->allowed))
			continue;
		drv = pdk_bus_driver_match(dev->vendor, dev->device);
		if (dev->state != PDK_BUS_DEV_USABLE || drv == NULL) {
			if (dev->allowed) {
				rc = allowed_unusable(dev);
				first = first != 0 ? first : rc;
			} else if (drv != NULL) {
				/* not asked for, but the user may well have meant it */
				PDK_LOG(NOTICE, "bus", "%s: skipped, though driver %s "
					"matches it: %s", dev->name, drv->name, dev->text);
			}
			continue;
		}
		rc = probe_one(dev, drv);
		if (rc < 0)
			first = first != 0 ? first : rc;
		else
			count++;
	}
	return first != 0 ? first : count;
}

int
pdk_bus_dev_remove(struct pdk_bus_dev *dev)
{
	int rc = 0;

	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "remove: NULL device"))
		return -EINVAL;
	if (dev->state != PDK_BUS_DEV_PROBED)
		return pdk_log_fail("bus", dev->name, -EINVAL, "probe it first (pdk_bus_probe())",
				    "remove: no driver has it (%s)", dev->text);
	/* a driver logs why its remove failed (pdk_bus.h); the bus closes the device anyway */
	if (dev->driver->remove != NULL)
		rc = dev->driver->remove(dev);
	if (rc < 0)
		PDK_LOG(DEBUG, "bus", "%s: driver %s: remove returned %d; the bus closes the device anyway",
			dev->name, dev->driver->name, rc);
	dev_release(dev);
	return rc < 0 ? rc : 0;
}

int
pdk_bus_dev_open(struct pdk_bus_dev *dev, struct pdk_vfio_dev **vdev)
{
	struct pdk_vfio_dev *v;
	int rc;

	if (dev == NULL || vdev == NULL)
		return pdk_log_fail("bus", dev != NULL ? dev->name : NULL, -EINVAL,
				    "pass a device and a result pointer", "open: NULL %s",
				    dev == NULL ? "device" : "result pointer");
	if (dev->state != PDK_BUS_DEV_PROBED)
		return pdk_log_fail("bus", dev->name, -EINVAL,
				    "probe the device with pdk_bus_probe()",
				    "open outside a driver's probe()");
	if (dev->vdev == NULL) {
		/* both log why they failed */
		rc = pdk_vfio_open(dev->bus->sys, dev->name, &v);
		if (rc < 0)
			return rc;
		rc = pdk_vfio_bind(v, dev->bus->ictx, NULL);
		if (rc < 0) {
			pdk_vfio_close(v);
			return rc;
		}
		dev->vdev = v;
	}
	*vdev = dev->vdev;
	return 0;
}

int
pdk_bus_dev_close(struct pdk_bus_dev *dev)
{
	int rc;

	if (dev == NULL || dev->vdev == NULL)
		return 0;	/* nothing open */
	rc = pdk_vfio_close(dev->vdev);
	if (rc < 0)
		return rc;	/* pdk_vfio_close() said who holds it */
	dev->vdev = NULL;
	return 0;
}

struct pdk_vfio_dev *
pdk_bus_dev_vfio(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "VFIO device: NULL device"))
		return NULL;
	return dev->vdev;
}

const char *
pdk_bus_dev_name(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "name: NULL device"))
		return "";
	return dev->name;
}

uint16_t
pdk_bus_dev_vendor(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "vendor ID: NULL device"))
		return 0;
	return dev->vendor;
}

uint16_t
pdk_bus_dev_device(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "device ID: NULL device"))
		return 0;
	return dev->device;
}

const char *
pdk_bus_dev_kdriver(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "kernel driver: NULL device"))
		return "";
	return dev->kdriver;
}

enum pdk_bus_dev_state
pdk_bus_dev_state(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "state: NULL device"))
		return PDK_BUS_DEV_NOT_VFIO;
	return dev->state;
}

const char *
pdk_bus_dev_state_text(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "state text: NULL device"))
		return "";
	return dev->state == PDK_BUS_DEV_PROBED ? dev->probed_text : dev->text;
}

const struct pdk_bus_driver *
pdk_bus_dev_driver(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "driver: NULL device"))
		return NULL;
	return dev->driver;
}

struct pdk_bus *
pdk_bus_dev_bus(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "bus: NULL device"))
		return NULL;
	return dev->bus;
}

void
pdk_bus_dev_set_priv(struct pdk_bus_dev *dev, void *priv)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "private data: NULL device"))
		return;
	dev->priv = priv;
}

void *
pdk_bus_dev_priv(const struct pdk_bus_dev *dev)
{
	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "private data: NULL device"))
		return NULL;
	return dev->priv;
}

void
pdk_bus_dump(const struct pdk_bus *bus, FILE *f)
{
	static const char *const states[] = {
		[PDK_BUS_DEV_USABLE] = "usable",
		[PDK_BUS_DEV_NOT_VFIO] = "not vfio-pci",
		[PDK_BUS_DEV_NO_CDEV] = "no cdev",
		[PDK_BUS_DEV_PROBED] = "probed",
	};
	const struct pdk_bus_dev *dev;
	unsigned int i, j;

	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "dump: NULL bus") ||
	    pdk_log_null(f, "bus", NULL, "pass a valid pointer", "dump: NULL FILE"))
		return;
	fprintf(f, "PCI functions on the %s bus: %u\n", pdk_sys_name(bus->sys), bus->ndevs);
	for (i = 0; i < bus->ndevs; i++) {
		dev = bus->devs[i];
		fprintf(f, "  %s %04x:%04x %-14s %-12s %s\n", dev->name, dev->vendor, dev->device,
			dev->kdriver[0] != '\0' ? dev->kdriver : "(none)", states[dev->state],
			pdk_bus_dev_state_text(dev));
		if (!dev->allowed)
			continue;
		fprintf(f, "      allowed");
		for (j = 0; j < dev->nargs; j++)
			fprintf(f, "%s%s=%s", j == 0 ? ": " : ",", dev->args[j].key,
				dev->args[j].value);
		fprintf(f, "\n");
	}
}
