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
 * cdev, or a simulated kernel (drivers/sim), whose functions it finds the same
 * way. The bus works in one iommufd context, the caller's: every probed
 * device is bound to it, so address spaces created in it serve them all.
 *
 * Devices are named by "device arguments": "ADDRESS[,key=value...]". Keys
 * are checked against the matched driver's allowlist before its probe runs.
 *
 * Errors are negative errnos, each logged first with the device and what to
 * do. A NULL bus, device, driver or output pointer is refused with an ERR
 * line: -EINVAL, or for an accessor its neutral value (NULL, "", 0; see
 * pdk_bus_dev_state()), or for a void call nothing done. A bus is used from
 * one thread at a time; the driver registry may be changed from any thread.
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

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A bus over one backend (opaque). */
struct pdk_bus;

/** A PCI function the bus found (opaque). */
struct pdk_bus_dev;

/** Most key=value pairs in one device argument string. */
#define PDK_BUS_MAX_ARGS 16

/** One entry of a driver's ID table; the table ends with vendor_id 0. */
struct pdk_bus_id {
	uint16_t vendor_id;	/**< PCI vendor ID */
	uint16_t device_id;	/**< PCI device ID */
};

/** One device argument a driver accepts. */
struct pdk_bus_arg_spec {
	const char *key;	/**< the key of "key=value" */
	const char *help;	/**< one line: what it means and which values */
};

/** A driver, registered with PDK_BUS_REGISTER_DRIVER(). */
struct pdk_bus_driver {
	const char *name;	/**< the driver's name (PDK_BUS_REGISTER_DRIVER() sets it) */
	const struct pdk_bus_id *id_table;	/**< the functions it drives */
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

/**
 * Add a driver to the registry (normally through PDK_BUS_REGISTER_DRIVER).
 * @param drv  the driver; it must outlive its registration
 */
void pdk_bus_driver_register(struct pdk_bus_driver *drv);

/**
 * Take a driver out of the registry.
 * @param drv  a registered driver
 */
void pdk_bus_driver_unregister(struct pdk_bus_driver *drv);

/**
 * @param name  a driver's name
 * @return the registered driver named @p name, or NULL.
 */
const struct pdk_bus_driver *pdk_bus_driver_find(const char *name);

/**
 * Register @p drv when the program (or the driver's library) loads.
 * @param nm  the driver's name when @p drv names none (an identifier)
 * @param drv  the struct pdk_bus_driver
 */
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
 * Create a bus over the backend of @p ictx that binds every probed device to
 * @p ictx. The caller keeps @p ictx: address spaces made in it serve the
 * bus's devices and are destroyed after the bus, and the context is closed
 * last (destroy the bus, then the spaces, then close the context).
 * @param ictx  the iommufd context, on the backend to scan
 * @param[out] bus  the new bus
 * @return 0, -EINVAL (NULL argument) or -ENOMEM.
 */
int pdk_bus_create(struct pdk_iommufd *ictx, struct pdk_bus **bus);

/**
 * Remove every probed device (pdk_bus_dev_remove()), forget every function,
 * free the bus. The iommufd context stays open: it is the caller's.
 * NULL is a no-op.
 * @param bus  the bus
 */
void pdk_bus_destroy(struct pdk_bus *bus);

/**
 * @param bus  the bus
 * @return the bus's backend.
 */
struct pdk_sys *pdk_bus_sys(const struct pdk_bus *bus);

/**
 * @param bus  the bus
 * @return the iommufd context every probed device is bound to.
 */
struct pdk_iommufd *pdk_bus_iommufd(const struct pdk_bus *bus);

/**
 * (Re)scan the backend's PCI functions. Functions already known keep their
 * handle and arguments; a probed one keeps its state, the others are looked
 * at again (a function bound to vfio-pci since becomes usable). A function
 * no longer listed is forgotten (its handle freed) unless a driver has it.
 * Nothing is logged at ERR for an unusable function: see pdk_bus_probe().
 * A function whose IDs cannot be read is left out, with a warning.
 * @param bus  the bus
 * @return the number of functions on the bus, or -errno (-ENOENT: no
 *   /sys/bus/pci/devices, -ENOMEM); the list of functions is then unchanged.
 */
int pdk_bus_scan(struct pdk_bus *bus);

/**
 * Allow a device: parse "ADDRESS[,key=value...]" and remember its
 * arguments. Once one device is allowed, pdk_bus_probe() takes only
 * allowed devices. The address must have been found by the scan. Allowing
 * a device again replaces its arguments. Keys are checked at probe time,
 * against the driver that matches the device.
 * @param bus  the bus
 * @param devargs  "ADDRESS[,key=value...]"
 * @return 0, -EINVAL (bad syntax: empty, bad address, a pair without '=',
 *   an empty key or value, a key given twice, more than PDK_BUS_MAX_ARGS
 *   pairs), -ENODEV (no such function), -EBUSY (probed: remove it first),
 *   -ENOMEM; each logged.
 */
int pdk_bus_allow(struct pdk_bus *bus, const char *devargs);

/**
 * Probe: give every usable (and, with an allowlist, allowed) function whose
 * IDs match a driver to that driver. An allowed device that cannot be
 * probed (not vfio-pci, no cdev, no driver, bad arguments) is an error
 * naming the device and the fix; other unusable functions are skipped.
 * Devices already probed are left alone. Every device is tried even after
 * a failure, so that one run logs every problem; the devices that were
 * probed stay so (pdk_bus_dev_state() tells which).
 * @param bus  the bus
 * @return the number of devices probed by this call, or the first -errno:
 *   -ENOENT (an allowed device is not bound to vfio-pci or has no VFIO
 *   cdev), -ENODEV (no registered driver matches an allowed device),
 *   -EINVAL (a key the driver does not accept; its probe did not run), or
 *   what a driver's probe() returned (the device is then usable again and
 *   whatever pdk_bus_dev_open() opened is closed).
 */
int pdk_bus_probe(struct pdk_bus *bus);

/**
 * @param bus  the bus
 * @return the number of functions the scan found; 0 for NULL.
 */
unsigned int pdk_bus_dev_count(const struct pdk_bus *bus);

/**
 * @param bus  the bus
 * @param i  the function's index, 0 to pdk_bus_dev_count() - 1
 * @return the @p i-th function found, in address order; NULL past the end.
 */
struct pdk_bus_dev *pdk_bus_dev_get(const struct pdk_bus *bus, unsigned int i);

/**
 * Look a function up by its address.
 * @param bus  the bus
 * @param pci_addr  "DDDD:BB:DD.F" or "BB:DD.F", read by pdk_sys_pci_addr_parse()
 * @return the function at @p pci_addr, or NULL (a NULL bus or a malformed
 *   address is logged).
 */
struct pdk_bus_dev *pdk_bus_dev_find(const struct pdk_bus *bus, const char *pci_addr);

/**
 * Remove a probed device: its driver's remove(), then the bus closes the
 * VFIO device if the driver left it open; it is usable again (even if
 * remove() failed).
 * @param dev  a probed device
 * @return 0, remove()'s -errno, or -EINVAL (no driver has the device).
 */
int pdk_bus_dev_remove(struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the canonical PCI address "DDDD:BB:DD.F" ("" for a NULL device).
 */
const char *pdk_bus_dev_name(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the PCI vendor ID.
 */
uint16_t pdk_bus_dev_vendor(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the PCI device ID.
 */
uint16_t pdk_bus_dev_device(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the kernel driver bound to the function ("" when none, or for a NULL device).
 */
const char *pdk_bus_dev_kdriver(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the function's state; PDK_BUS_DEV_NOT_VFIO (not usable) for a NULL device.
 */
enum pdk_bus_dev_state pdk_bus_dev_state(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return a one-line explanation of the state and, if unusable, the fix ("" for a NULL device).
 */
const char *pdk_bus_dev_state_text(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the driver that probed it, or NULL.
 */
const struct pdk_bus_driver *pdk_bus_dev_driver(const struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the bus the function is on.
 */
struct pdk_bus *pdk_bus_dev_bus(const struct pdk_bus_dev *dev);

/* ---- for drivers, inside probe() and remove() ---- */

/**
 * Open the function's VFIO cdev and bind it to the bus's iommufd. The bus
 * closes it after remove(), or after a failed probe(), if the driver did
 * not (pdk_bus_dev_close()). Opening it again returns the same handle.
 * @param dev  the device being probed
 * @param[out] vdev  the VFIO device
 * @return 0, -EINVAL (outside probe(): no driver has the device), or the
 *   -errno of pdk_vfio_open() or pdk_vfio_bind() (both log why).
 */
int pdk_bus_dev_open(struct pdk_bus_dev *dev, struct pdk_vfio_dev **vdev);

/**
 * Close what pdk_bus_dev_open() opened (no-op if nothing is open, or @p dev
 * is NULL).
 * @param dev  the device
 * @return 0, or -EBUSY from pdk_vfio_close() (a PASID space of the device
 *   still lives: destroy it first); the device then stays open.
 */
int pdk_bus_dev_close(struct pdk_bus_dev *dev);

/**
 * @param dev  the function
 * @return the opened VFIO device, or NULL.
 */
struct pdk_vfio_dev *pdk_bus_dev_vfio(const struct pdk_bus_dev *dev);

/**
 * @param dev  the device
 * @param key  an argument's key
 * @return the value of device argument @p key, or NULL if not given.
 */
const char *pdk_bus_dev_arg(const struct pdk_bus_dev *dev, const char *key);

/**
 * Read device argument @p key as an unsigned number in [@p min, @p max]
 * (decimal or 0x hex); *@p out keeps @p def when the key is absent.
 * @param dev  the device
 * @param key  the argument's key
 * @param def  the value when the key is absent
 * @param min  the lowest value accepted
 * @param max  the highest value accepted
 * @param[out] out  the value
 * @return 0, or -EINVAL after logging "<dev>: argument key=value: ...".
 */
int pdk_bus_dev_arg_u32(const struct pdk_bus_dev *dev, const char *key, uint32_t def,
			uint32_t min, uint32_t max, uint32_t *out);

/**
 * Keep the driver's private data with the device.
 * @param dev  the device
 * @param priv  the data (NULL clears it)
 */
void pdk_bus_dev_set_priv(struct pdk_bus_dev *dev, void *priv);
/**
 * @param dev  the device
 * @return the driver's private data (pdk_bus_dev_set_priv()), or NULL.
 */
void *pdk_bus_dev_priv(const struct pdk_bus_dev *dev);

/**
 * Print the functions the bus found, their state and driver.
 * @param bus  the bus
 * @param f  where to print
 */
void pdk_bus_dump(const struct pdk_bus *bus, FILE *f);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_BUS_H */
