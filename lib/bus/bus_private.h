/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef BUS_PRIVATE_H
#define BUS_PRIVATE_H

/* Internals shared by the files of lib/bus. Not installed. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pdk_bus.h"
#include "pdk_internal.h"
#include "pdk_iommufd_internal.h"
#include "pdk_log.h"


/* sysfs driver names are short ("vfio-pci", "idxd"); longer ones are cut. */
#define BUS_KDRIVER_LEN 64

/* Room for the longest state text: the bind commands name the address thrice. */
#define BUS_TEXT_LEN 512

struct bus_arg {
	const char *key;
	const char *value;
};

struct pdk_bus_dev {
	struct pdk_bus *bus;
	char name[PDK_PCI_ADDR_LEN];	/* canonical "DDDD:BB:DD.F" */
	uint16_t vendor;
	uint16_t device;
	char kdriver[BUS_KDRIVER_LEN];	/* "" when unbound */
	enum pdk_bus_dev_state state;
	char text[BUS_TEXT_LEN];	/* what the scan found, and the fix */
	char probed_text[96];		/* state text while PROBED */
	bool listed;			/* in bus->devs (not a scan's new entry) */

	/* Set by pdk_bus_allow(); keys and values point into argbuf. */
	bool allowed;
	char *argbuf;
	struct bus_arg args[PDK_BUS_MAX_ARGS];
	unsigned int nargs;

	/* While a driver has it. */
	const struct pdk_bus_driver *driver;
	struct pdk_vfio_dev *vdev;
	void *priv;
};

struct pdk_bus {
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_hold ictx_hold;	/* the context cannot close under the bus */
	struct pdk_bus_dev **devs;	/* address order */
	unsigned int ndevs;
};

/* The fixes of a NULL argument (pdk_log_null()), by what is missing. */
#define BUS_FIX_BUS "pass a bus from pdk_bus_create()"
#define BUS_FIX_DEV "pass a device from pdk_bus_dev_get() or pdk_bus_dev_find()"
#define BUS_FIX_DRV "pass a struct pdk_bus_driver (PDK_BUS_REGISTER_DRIVER)"

/* @return the function at canonical address @p addr, or NULL. */
PDK_INTERNAL struct pdk_bus_dev *bus_dev_lookup(const struct pdk_bus *bus, const char *addr);

/* Free a function no driver has: its arguments and itself. */
PDK_INTERNAL void bus_dev_free(struct pdk_bus_dev *dev);

/* Forget the arguments pdk_bus_allow() stored. */
PDK_INTERNAL void bus_args_free(struct pdk_bus_dev *dev);

/*
 * Check every argument of @p dev against @p drv's allowlist.
 * @return 0, or -EINVAL after logging the unknown key and the accepted ones.
 */
PDK_INTERNAL int bus_args_check(const struct pdk_bus_dev *dev,
				const struct pdk_bus_driver *drv);


/* Write the registered drivers' names, ", "-separated ("none" if none), to @p buf. */
PDK_INTERNAL void bus_driver_names(char *buf, size_t len);

#endif /* BUS_PRIVATE_H */
