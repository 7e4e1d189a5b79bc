/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef VFIO_PRIVATE_H
#define VFIO_PRIVATE_H

/* Internals shared by the files of lib/vfio. Not installed. */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdk_internal.h"
#include "pdk_log.h"
#include "pdk_uapi.h"
#include "pdk_vfio.h"
#include "pdk_vfio_internal.h"

/* Standard BARs 0..5 are VFIO_PCI_BAR0..5_REGION_INDEX. */
#define VFIO_NUM_BARS (VFIO_PCI_BAR5_REGION_INDEX + 1)

/* "/dev/vfio/devices/" plus a sysfs entry name such as "vfio12". */
#define VFIO_CDEV_PATH_LEN 64

/* Where the kernel (and the sim) list PCI functions; lib/bus scans it too. */
#define VFIO_SYSFS_PCI "/sys/bus/pci/devices"

/* What a function's vfio-dev directory holds (vfio_cdev_lookup()). */
struct vfio_cdev_lookup {
	char entry[VFIO_CDEV_PATH_LEN];	/* "vfioN" when found */
	bool noiommu;	/* only a no-IOMMU cdev ("noiommu-vfioN", Linux 7.3+) */
	bool too_long;	/* a vfio entry whose name does not fit entry[] */
};

struct pdk_vfio_dev {
	struct pdk_sys *sys;
	char name[PDK_PCI_ADDR_LEN];	/* normalised PCI address */
	char cdev[VFIO_CDEV_PATH_LEN];
	int fd;
	bool bound;
	uint32_t dev_id;
	/* the context it is bound to, held (pdk_iommufd_close() refuses) while bound */
	struct pdk_iommufd *ictx;
	struct pdk_hold ictx_hold;
	/* what depends on this device: its PASID space */
	struct pdk_holders holders;
	/*
	 * The PASID space that owns the device's PASID table and RID; while
	 * set, only it attaches or detaches (pdk_vfio_claim()).
	 */
	const void *owner;

	/*
	 * Region info of the VFIO_PCI_NUM_REGIONS standard regions, once read.
	 * Fast-path threads read it (a BAR write through the fd): a region is
	 * filled under region_lock and published by a release store of its bit.
	 */
	pthread_mutex_t region_lock;
	uint32_t regions_known;		/* bit per region index */
	struct pdk_vfio_region regions[VFIO_PCI_NUM_REGIONS];

	/* BAR mmaps made by pdk_vfio_bar_map(), unmapped by close. */
	void *bar_addr[VFIO_NUM_BARS];
	size_t bar_len[VFIO_NUM_BARS];

	/* MSI-X eventfds while enabled (msix_nvec > 0). */
	int *msix_efds;
	unsigned int msix_nvec;
};

/*
 * -EINVAL, logged, for a NULL device, or unless the device is bound: the
 * kernel refuses it all before BIND.
 */
PDK_INTERNAL int vfio_need_bound(const struct pdk_vfio_dev *dev, const char *step);

/* Refuse a NULL device of a call that needs no binding: -EINVAL, logged. */
PDK_INTERNAL int vfio_need_dev(const struct pdk_vfio_dev *dev, const char *step);

/*
 * Look for the VFIO cdev of the function at canonical address @p addr in its
 * vfio-dev directory, without logging: lib/bus classifies every function
 * this way and only the caller knows whether a missing cdev is an error.
 * @return 1 with l->entry set; 0 when the directory has no usable entry
 *   (l->noiommu, l->too_long say why); -ENOENT when there is no vfio-dev
 *   directory (no cdev: not bound to vfio-pci or no CONFIG_VFIO_DEVICE_CDEV);
 *   another -errno if it cannot be listed.
 */
PDK_INTERNAL int vfio_cdev_lookup(struct pdk_sys *sys, const char *addr,
				  struct vfio_cdev_lookup *l);

/*
 * The shell commands that bind @p addr to vfio-pci through sysfs, unbinding
 * it first when @p bound (to another driver): "modprobe ... && echo ...".
 */
PDK_INTERNAL void vfio_bind_cmds(char *buf, size_t len, const char *addr, bool bound);

/*
 * -EINVAL, logged, for a NULL device or a BAR beyond 5: the checks every
 * call on a BAR starts with (@p step names the call: "mmap", "portal").
 */
PDK_INTERNAL int vfio_check_bar(const struct pdk_vfio_dev *dev, unsigned int bar,
				const char *step);

/* A resolved portal (pdk_vfio_bar_portal()): a hold on its device. */
struct pdk_vfio_portal_ref {
	struct pdk_vfio_dev *dev;
	struct pdk_hold hold;		/* in dev->holders: close refused meanwhile */
	struct pdk_sys_mmio mmio;	/* the backend's answer, given back at release */
	char name[40];			/* "BAR 2 + 0x4000", the hold's label */
};

/* Unmap every BAR mapped through @p dev (close path). */
PDK_INTERNAL void vfio_bars_unmap(struct pdk_vfio_dev *dev);

#endif /* VFIO_PRIVATE_H */
