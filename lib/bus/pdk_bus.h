/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_BUS_H
#define PDK_BUS_H

/**
 * @file
 * PDK's device bus: finds the PCI functions a backend offers, matches them
 * against registered drivers and probes them, in the manner of DPDK's
 * bus/pci but for functions used through the VFIO cdev and iommufd.
 *
 * A bus works over one backend (struct pdk_sys): the kernel, where it scans
 * /sys/bus/pci/devices for functions bound to vfio-pci that have a VFIO
 * cdev, or a simulated kernel (lib/sim), whose functions it finds the same
 * way. The bus owns one iommufd context; every probed device is bound to
 * it, so address spaces created in it (pdk_bus_iommufd()) serve them all.
 *
 * Devices are named by "device arguments": "ADDRESS[,key=value...]". Keys
 * are checked against the matched driver's allowlist before its probe runs.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pdk_iommufd.h"
#include "pdk_sys.h"
#include "pdk_vfio.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A bus over one backend (opaque). */
struct pdk_bus;

/** A PCI function the bus found (opaque). */
struct pdk_bus_dev;

/** Most key=value pairs in one device argument string. */
#define PDK_BUS_MAX_ARGS 16

/** One entry of a driver's ID table; the table ends with vendor_id 0. */
struct pdk_bus_id {
	uint16_t vendor_id;
	uint16_t device_id;
};

/** One device argument a driver accepts. */
struct pdk_bus_arg_spec {
	const char *key;
	const char *help;	/**< one line: what it means and which values */
};

/** A driver, registered with PDK_BUS_REGISTER_DRIVER(). */
struct pdk_bus_driver {
	const char *name;
	const struct pdk_bus_id *id_table;
	/** Accepted keys, ending with a NULL key; NULL accepts none. */
	const struct pdk_bus_arg_spec *args;
	/**
	 * Take the device: open it (pdk_bus_dev_open()), set it up. @return 0,
	 * or -errno after logging why and undoing everything it did.
	 */
	int (*probe)(struct pdk_bus_dev *dev);
	/** Release everything probe() took. */
	int (*remove)(struct pdk_bus_dev *dev);
	struct pdk_bus_driver *next;	/**< the registry's link; leave it NULL */
};

/** Add a driver to the registry (normally through PDK_BUS_REGISTER_DRIVER). */
void pdk_bus_driver_register(struct pdk_bus_driver *drv);

/** Take a driver out of the registry. */
void pdk_bus_driver_unregister(struct pdk_bus_driver *drv);

/** @return the registered driver named @p name, or NULL. */
const struct pdk_bus_driver *pdk_bus_driver_find(const char *name);

/** Register @p drv when the program (or the driver's library) loads. */
#define PDK_BUS_REGISTER_DRIVER(nm, drv) \
	static void __attribute__((constructor, used)) pdk_bus_register_##nm(void) \
	{ \
		(drv).name = (drv).name != NULL ? (drv).name : #nm; \
		pdk_bus_driver_register(&(drv)); \
	}

/** Why a scanned function can or cannot be probed. */
enum pdk_bus_dev_state {
	PDK_BUS_DEV_USABLE = 0,		/**< bound to vfio-pci with a cdev */
	PDK_BUS_DEV_NOT_VFIO,		/**< bound to another driver or none */
	PDK_BUS_DEV_NO_CDEV,		/**< vfio-pci without a VFIO cdev */
	PDK_BUS_DEV_PROBED,		/**< a driver has it */
};

/**
 * Create a bus over @p sys and open its iommufd context.
 * @return 0, or -errno (the iommufd open failed: its error says why).
 */
int pdk_bus_create(struct pdk_sys *sys, struct pdk_bus **bus);

/** Remove every probed device, close the iommufd, free the bus. */
void pdk_bus_destroy(struct pdk_bus *bus);

/** @return the bus's backend. */
struct pdk_sys *pdk_bus_sys(const struct pdk_bus *bus);

/** @return the iommufd context every probed device is bound to. */
struct pdk_iommufd *pdk_bus_iommufd(const struct pdk_bus *bus);

/**
 * (Re)scan the backend's PCI functions. Functions already known keep their
 * state. @return the number of functions found, or -errno.
 */
int pdk_bus_scan(struct pdk_bus *bus);

/**
 * Allow a device: parse "ADDRESS[,key=value...]" and remember its
 * arguments. Once one device is allowed, pdk_bus_probe() takes only
 * allowed devices. The address must have been found by the scan.
 * @return 0, -EINVAL (bad syntax, logged), -ENODEV (no such function).
 */
int pdk_bus_allow(struct pdk_bus *bus, const char *devargs);

/**
 * Probe: give every usable (and, with an allowlist, allowed) function whose
 * IDs match a driver to that driver. An allowed device that cannot be
 * probed (not vfio-pci, no cdev, no driver, bad arguments) is an error
 * naming the device and the fix; other unusable functions are skipped.
 * @return the number of devices probed, or the first -errno.
 */
int pdk_bus_probe(struct pdk_bus *bus);

/** Number of functions the scan found. */
unsigned int pdk_bus_dev_count(const struct pdk_bus *bus);

/** The @p i-th function found, in address order; NULL past the end. */
struct pdk_bus_dev *pdk_bus_dev_get(const struct pdk_bus *bus, unsigned int i);

/** The function at @p pci_addr ("DDDD:BB:DD.F" or "BB:DD.F"), or NULL. */
struct pdk_bus_dev *pdk_bus_dev_find(const struct pdk_bus *bus, const char *pci_addr);

/** Remove a probed device: its driver's remove(), then it is usable again. */
int pdk_bus_dev_remove(struct pdk_bus_dev *dev);

/** @return the canonical PCI address "DDDD:BB:DD.F". */
const char *pdk_bus_dev_name(const struct pdk_bus_dev *dev);

/** @return the PCI vendor ID. */
uint16_t pdk_bus_dev_vendor(const struct pdk_bus_dev *dev);

/** @return the PCI device ID. */
uint16_t pdk_bus_dev_device(const struct pdk_bus_dev *dev);

/** @return the kernel driver bound to the function ("" when none). */
const char *pdk_bus_dev_kdriver(const struct pdk_bus_dev *dev);

/** @return the function's state. */
enum pdk_bus_dev_state pdk_bus_dev_state(const struct pdk_bus_dev *dev);

/** @return a one-line explanation of the state and, if unusable, the fix. */
const char *pdk_bus_dev_state_text(const struct pdk_bus_dev *dev);

/** @return the driver that probed it, or NULL. */
const struct pdk_bus_driver *pdk_bus_dev_driver(const struct pdk_bus_dev *dev);

/** @return the bus the function is on. */
struct pdk_bus *pdk_bus_dev_bus(const struct pdk_bus_dev *dev);

/* ---- for drivers, inside probe() and remove() ---- */

/**
 * Open the function's VFIO cdev and bind it to the bus's iommufd. The bus
 * closes it after remove() if the driver did not (pdk_bus_dev_close()).
 */
int pdk_bus_dev_open(struct pdk_bus_dev *dev, struct pdk_vfio_dev **vdev);

/** Close what pdk_bus_dev_open() opened. */
void pdk_bus_dev_close(struct pdk_bus_dev *dev);

/** @return the opened VFIO device, or NULL. */
struct pdk_vfio_dev *pdk_bus_dev_vfio(const struct pdk_bus_dev *dev);

/** @return the value of device argument @p key, or NULL if not given. */
const char *pdk_bus_dev_arg(const struct pdk_bus_dev *dev, const char *key);

/**
 * Read device argument @p key as an unsigned number in [@p min, @p max]
 * (decimal or 0x hex); *@p out keeps @p def when the key is absent.
 * @return 0, or -EINVAL after logging "<dev>: argument key=value: ...".
 */
int pdk_bus_dev_arg_u32(const struct pdk_bus_dev *dev, const char *key, uint32_t def,
			uint32_t min, uint32_t max, uint32_t *out);

/** The driver's private data. */
void pdk_bus_dev_set_priv(struct pdk_bus_dev *dev, void *priv);
void *pdk_bus_dev_priv(const struct pdk_bus_dev *dev);

/** Print the functions the bus found, their state and driver. */
void pdk_bus_dump(const struct pdk_bus *bus, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* PDK_BUS_H */
