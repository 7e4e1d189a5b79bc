/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The bus: create and destroy it, probe and remove devices, their accessors. */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "bus_private.h"

int
bus_err(int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdk_vlog(PDK_LOG_ERR, "bus", fmt, ap);
	va_end(ap);
	return rc;
}

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
		return bus_err(-ENOMEM, "create: out of memory");
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
		return bus_err(-EINVAL, "create: pass an iommufd context and a result pointer");
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
	BUS_CHECK(bus, "backend", "bus", NULL);
	return bus->sys;
}

struct pdk_iommufd *
pdk_bus_iommufd(const struct pdk_bus *bus)
{
	BUS_CHECK(bus, "iommufd context", "bus", NULL);
	return bus->ictx;
}

unsigned int
pdk_bus_dev_count(const struct pdk_bus *bus)
{
	BUS_CHECK(bus, "function count", "bus", 0);
	return bus->ndevs;
}

struct pdk_bus_dev *
pdk_bus_dev_get(const struct pdk_bus *bus, unsigned int i)
{
	BUS_CHECK(bus, "function by index", "bus", NULL);
	return i < bus->ndevs ? bus->devs[i] : NULL;
}

struct pdk_bus_dev *
pdk_bus_dev_find(const struct pdk_bus *bus, const char *pci_addr)
{
	char addr[PDK_PCI_ADDR_LEN];

	BUS_CHECK(bus, "function lookup", "bus", NULL);
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
		if (pdk_bus_dev_close(dev) < 0)
			PDK_LOG(ERR, "bus", "%s: driver %s left objects on the device (see above): its VFIO device stays open; the driver's remove() must release what its probe() made (a driver bug)",
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
	rc = drv->probe(dev);
	if (rc < 0) {
		bus_err(rc, "%s: driver %s: probe failed: %s (%d); the device is left as it was",
			dev->name, drv->name, strerror(-rc), rc);
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
		/* pdk_vfio_open() says -ENOENT for the same missing cdev */
		return bus_err(-ENOENT, "%s: %s", dev->name, dev->text);
	default:
		bus_driver_names(names, sizeof(names));
		return bus_err(-ENODEV, "%s: no driver for %04x:%04x (registered drivers: %s); "
			       "load the library of its driver, or do not allow the device",
			       dev->name, dev->vendor, dev->device, names);
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

	if (bus == NULL)
		return bus_err(-EINVAL, "probe: no bus");
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

	if (dev == NULL)
		return bus_err(-EINVAL, "remove: no device");
	if (dev->state != PDK_BUS_DEV_PROBED)
		return bus_err(-EINVAL, "%s: remove: no driver has it (%s)", dev->name,
			       dev->text);
	if (dev->driver->remove != NULL)
		rc = dev->driver->remove(dev);
	if (rc < 0)
		bus_err(rc, "%s: driver %s: remove failed: %s (%d); the bus closes the device "
			"anyway", dev->name, dev->driver->name, strerror(-rc), rc);
	dev_release(dev);
	return rc < 0 ? rc : 0;
}

int
pdk_bus_dev_open(struct pdk_bus_dev *dev, struct pdk_vfio_dev **vdev)
{
	struct pdk_vfio_dev *v;
	int rc;

	if (dev == NULL || vdev == NULL)
		return bus_err(-EINVAL, "open: pass a device and a result pointer");
	if (dev->state != PDK_BUS_DEV_PROBED)
		return bus_err(-EINVAL, "%s: open outside a driver's probe(): probe the device "
			       "with pdk_bus_probe()", dev->name);
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
	BUS_CHECK(dev, "VFIO device", "device", NULL);
	return dev->vdev;
}

const char *
pdk_bus_dev_name(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "name", "device", "");
	return dev->name;
}

uint16_t
pdk_bus_dev_vendor(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "vendor ID", "device", 0);
	return dev->vendor;
}

uint16_t
pdk_bus_dev_device(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "device ID", "device", 0);
	return dev->device;
}

const char *
pdk_bus_dev_kdriver(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "kernel driver", "device", "");
	return dev->kdriver;
}

enum pdk_bus_dev_state
pdk_bus_dev_state(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "state", "device", PDK_BUS_DEV_NOT_VFIO);
	return dev->state;
}

const char *
pdk_bus_dev_state_text(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "state text", "device", "");
	return dev->state == PDK_BUS_DEV_PROBED ? dev->probed_text : dev->text;
}

const struct pdk_bus_driver *
pdk_bus_dev_driver(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "driver", "device", NULL);
	return dev->driver;
}

struct pdk_bus *
pdk_bus_dev_bus(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "bus", "device", NULL);
	return dev->bus;
}

void
pdk_bus_dev_set_priv(struct pdk_bus_dev *dev, void *priv)
{
	BUS_CHECK(dev, "private data", "device", );
	dev->priv = priv;
}

void *
pdk_bus_dev_priv(const struct pdk_bus_dev *dev)
{
	BUS_CHECK(dev, "private data", "device", NULL);
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

	BUS_CHECK(bus, "dump", "bus", );
	BUS_CHECK(f, "dump", "FILE", );
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
