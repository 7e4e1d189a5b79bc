/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_VFIO_H
#define PDK_VFIO_H

/**
 * @file
 * A VFIO device opened through its cdev (/dev/vfio/devices/vfioN), found from
 * its PCI address through sysfs. Binding it to an iommufd context makes it an
 * iommufd device (dev_id); it can then attach its RID and PASIDs to HWPTs.
 * Closing it detaches everything (the kernel does so when the fd closes).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdk_iommufd.h"
#include "pdk_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A VFIO cdev device (opaque). */
struct pdk_vfio_dev;


/** A device region (BAR, config space...). */
struct pdk_vfio_region {
	uint32_t index;		/**< VFIO_PCI_*_REGION_INDEX */
	uint32_t flags;		/**< VFIO_REGION_INFO_FLAG_* */
	uint64_t size;		/**< bytes; 0: the device has no such region */
	uint64_t offset;	/**< file offset of the region in the device fd */
};

/**
 * Normalise a PCI address ("BB:DD.F" or "DDDD:BB:DD.F") to "DDDD:BB:DD.F":
 * an alias of pdk_sys_pci_addr_parse(), PDK's one PCI address parser, kept
 * for the VFIO API's users.
 * @param in  the address to read
 * @param[out] out  the normalised address
 * @return 0 or -EINVAL (logged).
 */
int pdk_vfio_pci_addr_parse(const char *in, char out[PDK_PCI_ADDR_LEN]);

/**
 * @name sysfs attributes of a PCI function
 * /sys/bus/pci/devices/ADDR/ATTR through the backend, for tools that survey
 * or rebind functions (pdk-devbind). A survey expects absent attributes (no
 * driver link, no iommu_group, no vfio-dev), so unlike the rest of this
 * library these return -errno without an ERR log line (they log at DEBUG);
 * a NULL argument is a caller's mistake, not an answer: -EINVAL with an ERR
 * line.
 * @p pci_addr is used as given: normalise user input with
 * pdk_vfio_pci_addr_parse() first. @p attr may name a path below the
 * function's directory ("driver/unbind").
 * @{
 */

/**
 * List the PCI functions sysfs knows (/sys/bus/pci/devices: their
 * addresses, in directory order).
 * @param sys  the backend
 * @param cb  called with each function's address
 * @param arg  passed to @p cb
 * @return as pdk_sys_list_dir().
 */
int pdk_vfio_pci_list(struct pdk_sys *sys, pdk_sys_dir_cb_t cb, void *arg);

/**
 * Read a text attribute ("vendor", "class", "driver_override"...) as
 * pdk_sys_read_file() does.
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param attr  the attribute
 * @param[out] buf  its text
 * @param len  the size of @p buf
 * @return the string's length, -ENOENT when the function or attribute is
 *   absent, -ENAMETOOLONG when the path does not fit, or -errno.
 */
ssize_t pdk_vfio_pci_attr_read(struct pdk_sys *sys, const char *pci_addr, const char *attr,
			       char *buf, size_t len);

/**
 * Read a hexadecimal attribute ("vendor", "device", "class": "0x8086").
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param attr  the attribute
 * @param[out] val  its value
 * @return 0, -EINVAL if it is not a number, or as pdk_vfio_pci_attr_read().
 */
int pdk_vfio_pci_attr_hex(struct pdk_sys *sys, const char *pci_addr, const char *attr,
			  uint32_t *val);

/**
 * The last path component of a link attribute: "driver" gives the bound
 * driver's name, "iommu_group" the group number.
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param attr  the attribute
 * @param[out] buf  the name
 * @param len  the size of @p buf
 * @return the name's length; -ENOENT when there is no such link (no driver
 *   bound, no IOMMU group), or -errno.
 */
ssize_t pdk_vfio_pci_attr_link(struct pdk_sys *sys, const char *pci_addr, const char *attr,
			       char *buf, size_t len);

/**
 * pread a binary attribute ("config": the function's config space; root
 * reads all of it, anyone else its first 64 bytes).
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param attr  the attribute
 * @param[out] buf  the bytes read
 * @param len  the size of @p buf
 * @param offset  where in the attribute to read
 * @return the bytes read (may be fewer than @p len), or -errno.
 */
ssize_t pdk_vfio_pci_attr_pread(struct pdk_sys *sys, const char *pci_addr, const char *attr,
				void *buf, size_t len, uint64_t offset);

/**
 * Store @p value into a writable attribute ("driver_override",
 * "driver/unbind") as pdk_sys_write_file() does.
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param attr  the attribute
 * @param value  the text to store
 * @return 0 or -errno (the kernel's answer to the store).
 */
int pdk_vfio_pci_attr_write(struct pdk_sys *sys, const char *pci_addr, const char *attr,
			    const char *value);

/**
 * Find the VFIO cdev of a function as pdk_vfio_cdev_path() does, quietly.
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param[out] path  the cdev's path
 * @param len  the size of @p path
 * @return 0 with "/dev/vfio/devices/vfioN" in @p path; -ENOENT when it has
 *   no vfio-dev directory (not bound to vfio-pci, or a kernel without
 *   CONFIG_VFIO_DEVICE_CDEV); -ENXIO when vfio-dev holds no usable entry
 *   (only a no-IOMMU "noiommu-vfioN" cdev); -ENAMETOOLONG; or -errno.
 */
int pdk_vfio_pci_cdev_find(struct pdk_sys *sys, const char *pci_addr, char *path, size_t len);

/** @} */

/**
 * Find the cdev of a PCI device: /sys/bus/pci/devices/ADDR/vfio-dev/vfioN
 * gives /dev/vfio/devices/vfioN.
 * @param sys  the backend
 * @param pci_addr  the function, "DDDD:BB:DD.F"
 * @param[out] path  the cdev's path
 * @param len  the size of @p path
 * @return 0; -ENODEV if the device does not exist; -ENOENT if it has no
 *   VFIO cdev (not bound to vfio-pci, or a kernel without
 *   CONFIG_VFIO_DEVICE_CDEV); the log says which.
 */
int pdk_vfio_cdev_path(struct pdk_sys *sys, const char *pci_addr, char *path, size_t len);

/**
 * Find the cdev and open it.
 * @param sys  the backend
 * @param pci_addr  the function ("BB:DD.F" or "DDDD:BB:DD.F")
 * @param[out] dev  the opened device
 * @return 0, -EINVAL (NULL argument or bad address), -ENOMEM, the -errno of
 *   pdk_vfio_cdev_path(), or the -errno of opening the cdev; logged.
 */
int pdk_vfio_open(struct pdk_sys *sys, const char *pci_addr, struct pdk_vfio_dev **dev);

/**
 * Unmap the BARs mapped through this handle and close the fd (the kernel
 * detaches the RID and every PASID, and unbinds the device).
 *
 * Refused (-EBUSY, nothing changed, logged) while a PASID space or a
 * portal (pdk_vfio_bar_portal()) of the device lives: destroy or release
 * it first.
 * @param dev  the device
 * @return 0 (NULL: a no-op) or -EBUSY.
 */
int pdk_vfio_close(struct pdk_vfio_dev *dev);

/**
 * @param dev  the device
 * @return the device's PCI address; NULL for NULL.
 */
const char *pdk_vfio_name(const struct pdk_vfio_dev *dev);

/**
 * @param dev  the device
 * @return the device fd; -EINVAL for NULL.
 */
int pdk_vfio_fd(const struct pdk_vfio_dev *dev);

/**
 * @param dev  the device
 * @return the backend the device was opened through; NULL for NULL.
 */
struct pdk_sys *pdk_vfio_sys(const struct pdk_vfio_dev *dev);

/**
 * VFIO_DEVICE_BIND_IOMMUFD. The context then cannot close before the
 * device does (pdk_iommufd_close() refuses with -EBUSY).
 * @param dev  the device, not bound yet
 * @param ctx  the iommufd context to bind it to
 * @param[out] dev_id the iommufd device id (may be NULL).
 * @return 0, -EINVAL (NULL argument, already bound, or @p ctx on another
 *   backend), or the ioctl's -errno.
 */
int pdk_vfio_bind(struct pdk_vfio_dev *dev, struct pdk_iommufd *ctx, uint32_t *dev_id);

/**
 * @param dev  the device
 * @return the iommufd device id, 0 when not bound (or NULL).
 */
uint32_t pdk_vfio_dev_id(const struct pdk_vfio_dev *dev);

/**
 * @param dev  the device
 * @return the iommufd context the device is bound to; NULL when not bound (or NULL).
 */
struct pdk_iommufd *pdk_vfio_iommufd(const struct pdk_vfio_dev *dev);

/**
 * @name Attachments
 * A device has one PASID table and one RID. Once a PASID space exists on
 * the device (pdk_pasid_space_create()), it owns them: these four calls
 * are then refused with -EBUSY, so that no direct attach can replace a
 * HWPT one of the space's contexts owns (the kernel's replace rule would
 * silently move that PASID, with its tenant's DMA, to another address
 * space). Use pdk_pasid_rid_attach() and the PASID contexts instead.
 * @{
 */

/**
 * Attach (or replace) the RID to @p pt_id (HWPT or IOAS).
 * @param dev  a bound device
 * @param pt_id  a HWPT or an IOAS of the device's iommufd context
 * @param[out] out_pt_id the HWPT actually attached (may be NULL).
 * @return 0, -EBUSY (a PASID space owns the RID), or -errno.
 */
int pdk_vfio_attach(struct pdk_vfio_dev *dev, uint32_t pt_id, uint32_t *out_pt_id);

/**
 * Detach the RID. Detaching what is not attached succeeds.
 * @param dev  a bound device
 * @return 0, -EBUSY (a PASID space owns the RID), or -errno.
 */
int pdk_vfio_detach(struct pdk_vfio_dev *dev);

/**
 * Attach (or replace) @p pasid to the PASID-compatible HWPT @p hwpt_id.
 * PASID 0 is the RID and is refused here (-EINVAL) before any ioctl: the
 * kernel accepts it and leaves the RID unusable until the fd is closed.
 * @param dev  a bound device
 * @param pasid  the PASID (1 and up, below the device's PASID width)
 * @param hwpt_id  a HWPT allocated with PDK_IOMMUFD_HWPT_PASID
 * @return 0, -EINVAL (PASID 0), -EBUSY (a PASID space owns the PASIDs), or
 *   -errno.
 */
int pdk_vfio_pasid_attach(struct pdk_vfio_dev *dev, uint32_t pasid, uint32_t hwpt_id);

/**
 * Detach @p pasid. Detaching a PASID that is not attached succeeds.
 * @param dev  a bound device
 * @param pasid  the PASID
 * @return 0, -EBUSY (a PASID space owns the PASIDs), or -errno.
 */
int pdk_vfio_pasid_detach(struct pdk_vfio_dev *dev, uint32_t pasid);

/** @} */

/**
 * VFIO_DEVICE_GET_INFO: number of regions and IRQ indexes (either output may be NULL).
 * @param dev  the device
 * @param[out] num_regions  the number of regions
 * @param[out] num_irqs  the number of IRQ indexes
 * @return 0 or -errno.
 */
int pdk_vfio_device_info(struct pdk_vfio_dev *dev, uint32_t *num_regions, uint32_t *num_irqs);

/**
 * VFIO_DEVICE_GET_REGION_INFO.
 * @param dev  the device
 * @param index  a VFIO_PCI_*_REGION_INDEX
 * @param[out] region  the region's size, flags and file offset
 * @return 0 or -errno.
 */
int pdk_vfio_region_info(struct pdk_vfio_dev *dev, uint32_t index, struct pdk_vfio_region *region);

/**
 * mmap a BAR (once; later calls return the same mapping).
 * @param dev  the device
 * @param bar  the BAR, 0 to 5
 * @param[out] addr  the mapping
 * @param[out] len  its length
 * @return 0, -ENOTSUP if the BAR cannot be mmapped, or -errno.
 */
int pdk_vfio_bar_map(struct pdk_vfio_dev *dev, unsigned int bar, void **addr, size_t *len);

/**
 * Read @p len bytes of BAR @p bar at @p offset through the fd (pread).
 * @param dev  the device
 * @param bar  the BAR, 0 to 5
 * @param offset  where in the BAR
 * @param[out] buf  the bytes read
 * @param len  their count
 * @return 0, -EINVAL (beyond the region), -EIO (a short access), or -errno.
 */
int pdk_vfio_bar_read(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset, void *buf,
		      size_t len);

/**
 * Write @p len bytes of BAR @p bar at @p offset through the fd (pwrite).
 * @param dev  the device
 * @param bar  the BAR, 0 to 5
 * @param offset  where in the BAR
 * @param buf  the bytes to write
 * @param len  their count
 * @return 0, -EINVAL (beyond the region), -EIO (a short access), or -errno.
 */
int pdk_vfio_bar_write(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset,
		       const void *buf, size_t len);

/**
 * @name Portals
 * A portal is a 64-byte window of a BAR that takes whole-descriptor stores
 * (a DSA work queue's, written with MOVDIR64B). A driver resolves each of
 * its portals once, when it sets up the queue, and then stores through the
 * answer with no call into this library or the boundary per store:
 *
 * - @c addr set: the portal inside a mapping of the BAR (the kernel
 *   backend: pdk_vfio_bar_map()); store with MOVDIR64B, after an sfence;
 * - @c store64 set: the backend's hook (the sim, whose device models cannot
 *   see a store into memory); call @c store64(@c cookie, desc) with the 64
 *   bytes. It returns 0, or -errno when the device did not take them; it
 *   logs nothing (it is the fast path) and is safe from the thread that
 *   owns the queue while other threads use the device's control path.
 *
 * A portal holds the device: pdk_vfio_close() is refused (-EBUSY, logged
 * with the portal's BAR and offset) until pdk_vfio_portal_release(), so
 * the mapping or the hook never outlives it. A reset of the device does
 * not release a portal: stores then reach a device that, like hardware
 * after a reset, drops them (the sim's DSA counts them, dropped_disabled).
 * @{
 */

/** lib/vfio's record of a resolved portal (opaque). */
struct pdk_vfio_portal_ref;

/** A resolved portal: exactly one of @c addr and @c store64 is set. */
struct pdk_vfio_portal {
	void *addr;			/**< the mapped portal (MOVDIR64B), or NULL */
	pdk_sys_store64_t store64;	/**< the backend's store, or NULL */
	void *cookie;			/**< store64's first argument */
	struct pdk_vfio_portal_ref *ref;	/**< for pdk_vfio_portal_release() only */
};

/**
 * Resolve the portal at @p offset of BAR @p bar (pdk_sys_mmio_resolve());
 * when the backend says "map it", the BAR is mapped (pdk_vfio_bar_map(),
 * once) and @c addr points into the mapping. The device must be bound.
 * @param dev  the device
 * @param bar  the BAR (0..5): PDK_IDXD_WQ_BAR for a DSA
 * @param offset  where in the BAR: 64-byte aligned, with 64 bytes after it
 * @param[out] portal  the answer (zeroed on failure)
 * @return 0, or -errno with an ERR line naming the device, the BAR and the
 *   offset: -EINVAL for a NULL argument, a BAR beyond 5, an unbound device,
 *   an offset not 64-byte aligned or without 64 bytes of the BAR after it;
 *   -ENOTSUP for a BAR the device does not implement or that cannot be
 *   mapped; -ENOMEM; the backend's refusal.
 */
int pdk_vfio_bar_portal(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset,
			struct pdk_vfio_portal *portal);

/**
 * Give back a portal: the backend releases its hook (a mapped portal stays
 * in the BAR's mapping, which pdk_vfio_close() unmaps), the device may
 * close again, and @p portal is zeroed. No store may be in flight through
 * it. NULL, or a zeroed portal, is a no-op.
 * @param portal  what pdk_vfio_bar_portal() filled
 * @return 0, or the backend's refusal of the release (logged; the portal
 *   is given back anyway).
 */
int pdk_vfio_portal_release(struct pdk_vfio_portal *portal);

/** @} */

/**
 * Read PCI config space.
 * @param dev  the device
 * @param offset  where in config space
 * @param[out] buf  the bytes read
 * @param len  their count
 * @return 0, -EINVAL (beyond the region), -EIO (a short access), or -errno.
 */
int pdk_vfio_config_read(struct pdk_vfio_dev *dev, uint64_t offset, void *buf, size_t len);

/**
 * Write PCI config space.
 * @param dev  the device
 * @param offset  where in config space
 * @param buf  the bytes to write
 * @param len  their count
 * @return 0, -EINVAL (beyond the region), -EIO (a short access), or -errno.
 */
int pdk_vfio_config_write(struct pdk_vfio_dev *dev, uint64_t offset, const void *buf,
			  size_t len);

/**
 * Read-modify-write the PCI command register: set the bits of @p set, then
 * clear those of @p clear (PCI_COMMAND_MEMORY, PCI_COMMAND_MASTER...).
 * vfio-pci leaves bus mastering off; a DMA engine's driver turns it on.
 * @param dev  the device
 * @param set  bits to set
 * @param clear  bits to clear
 * @return 0 or -errno.
 */
int pdk_vfio_pci_command(struct pdk_vfio_dev *dev, uint16_t set, uint16_t clear);

/**
 * VFIO_DEVICE_RESET.
 * @param dev  the device
 * @return 0 or -errno.
 */
int pdk_vfio_reset(struct pdk_vfio_dev *dev);

/**
 * Enable @p nvec MSI-X vectors, each signalling an eventfd made here.
 * @param dev  the device
 * @param nvec  the number of vectors, 1 up to the device's MSI-X table size
 * @param[out] efds the eventfds, valid until pdk_vfio_msix_disable() or close.
 * @return 0, -EBUSY (already enabled), -EINVAL, -ENOMEM, or -errno.
 */
int pdk_vfio_msix_enable(struct pdk_vfio_dev *dev, unsigned int nvec, const int **efds);

/**
 * Disable MSI-X and close its eventfds.
 * @param dev  the device
 * @return 0 (also when MSI-X was not enabled) or -errno.
 */
int pdk_vfio_msix_disable(struct pdk_vfio_dev *dev);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_VFIO_H */
