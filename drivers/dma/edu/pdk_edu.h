/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_EDU_H
#define PDK_EDU_H

/**
 * @file
 * A polling-mode driver for QEMU's "edu" device (PCI 1234:11e8), the
 * educational device whose small DMA engine lets PDK's tests move real bytes
 * through a real kernel's IOMMU (in the VM of test/vm).
 *
 * The device, as QEMU models it (docs/specs/edu.rst of QEMU):
 * - BAR0, 1 MiB of MMIO: identification (0xRRrr00ed), liveness (inverts what
 *   is written), factorial, status, IRQ status/raise/ack, and a DMA engine
 *   (source, destination and count registers, and a command register whose
 *   bit 0 starts the transfer and reads 1 while it runs);
 * - a 4 KiB buffer inside the device, at 0x40000 of its DMA address space;
 * - a 28-bit DMA mask: the device drops address bits above bit 27, so every
 *   IOVA it is given must lie below 2^28 (PDK_EDU_DMA_LIMIT);
 * - each transfer completes about 100 ms (QEMU virtual time) after it is
 *   started.
 *
 * edu is a conventional PCI device with no PASID capability: all its DMA
 * carries the RID only. This driver therefore attaches the RID, always to
 * the PASID-compatible HWPT of a struct pdk_dma_as (pdk_dma_as_hwpt_get()),
 * never to an IOAS directly, so the same address space could also back
 * PASIDs of other devices. It is the real-kernel DMA path of the tests; the
 * PASID data path is tested on the simulated kernel.
 *
 * The driver is used directly for now. Registration through PDK's driver
 * registry (lib/bus: probe by vendor/device id, remove) comes with issue 4.
 *
 * Nothing here is thread-safe: one thread drives one device.
 *
 * A NULL handle or argument is refused with an ERR line: -EINVAL, or for an
 * accessor NULL or 0, or for pdk_edu_set_timeout() nothing done.
 */

#include <stddef.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_iommufd.h"
#include "pdk_sys.h"
#include "pdk_vfio.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** PCI vendor id of QEMU's edu. */
#define PDK_EDU_VENDOR_ID 0x1234
/** PCI device id of QEMU's edu. */
#define PDK_EDU_DEVICE_ID 0x11e8

/** Size of the device's DMA buffer, the largest single transfer. */
#define PDK_EDU_BUF_SIZE 4096u

/** IOVAs the device can reach: [0, PDK_EDU_DMA_LIMIT) (28-bit DMA mask). */
#define PDK_EDU_DMA_LIMIT (UINT64_C(1) << 28)

/** Default time a transfer may take before -ETIMEDOUT, in milliseconds. */
#define PDK_EDU_DMA_TIMEOUT_MS 5000u

struct pdk_bus_dev;

/** An edu device driven by PDK (opaque). */
struct pdk_edu;

/**
 * Open the edu at @p pci_addr through @p sys, bind it to @p ctx and set it
 * up as pdk_edu_open_dev() does. The returned handle owns the VFIO device:
 * pdk_edu_close() closes it.
 *
 * @param sys  the backend
 * @param pci_addr  the edu's PCI address
 * @param ctx  the iommufd context to bind the device to
 * @param as the address space the device's RID is attached to; it must
 *   belong to @p ctx and outlive the handle. Its later maps take IOVAs
 *   from PDK's allocator (PDK_DMA_IOVA_ALLOC): the edu cannot reach a
 *   buffer's VA (28-bit DMA mask).
 * @return 0; -ENODEV if the device is not an edu; -EINVAL for bad
 *   arguments; -errno of the failed step (logged with the device and the
 *   step). On failure nothing is left open, bound or attached.
 * @param[out] edu  the handle
 */
int pdk_edu_open(struct pdk_sys *sys, const char *pci_addr, struct pdk_iommufd *ctx,
		 struct pdk_dma_as *as, struct pdk_edu **edu);

/**
 * Drive an edu the caller has already opened and bound to the iommufd
 * context of @p as. The caller keeps ownership of @p dev and closes it after
 * pdk_edu_close().
 *
 * Steps: check the PCI ids and the device's identification and liveness
 * registers; attach the RID to the PASID-compatible HWPT of @p as for this
 * device (and re-read the address space's usable IOVA ranges, which the RID's
 * reserved regions narrow); map BAR0; enable memory decoding and bus
 * mastering (vfio-pci leaves bus mastering off, and without it the edu's DMA
 * silently moves nothing); wait for a transfer a previous user may have left
 * running.
 *
 * @param dev  the edu, open and bound
 * @param as  the address space the RID is attached to (of @p dev's iommufd
 *   context); it must outlive the handle
 * @param[out] edu  the handle
 * @return 0, or -errno as for pdk_edu_open(); on failure @p dev is left as
 *   it was given (bound, RID detached).
 */
int pdk_edu_open_dev(struct pdk_vfio_dev *dev, struct pdk_dma_as *as, struct pdk_edu **edu);

/**
 * Drive an edu the bus probed (driver "edu", lib/bus): pdk_edu_open_dev()
 * on its VFIO device, which the bus keeps and closes at remove. Call
 * pdk_edu_close() before the device is removed.
 * @param bdev  the bus device, probed by the edu driver
 * @param as  the address space the RID is attached to (of the bus's iommufd
 *   context); it must outlive the handle
 * @param[out] edu  the handle
 * @return 0, -EINVAL (a NULL argument), -ENODEV if the edu driver does not
 *   hold @p bdev, or as pdk_edu_open_dev().
 */
int pdk_edu_attach(struct pdk_bus_dev *bdev, struct pdk_dma_as *as, struct pdk_edu **edu);

/**
 * Stop the device's DMA (bus mastering off), detach the RID, drop the HWPT
 * reference, and close the VFIO device if pdk_edu_open() opened it.
 * NULL is a no-op.
 * @param edu  the handle
 */
void pdk_edu_close(struct pdk_edu *edu);

/**
 * @param edu  the handle
 * @return the VFIO device the handle drives.
 */
struct pdk_vfio_dev *pdk_edu_dev(const struct pdk_edu *edu);

/**
 * @param edu  the handle
 * @return the HWPT the device's RID is attached to.
 */
uint32_t pdk_edu_hwpt_id(const struct pdk_edu *edu);

/**
 * @param edu  the handle
 * @return the identification register (0xRRrr00ed: major, minor version).
 */
uint32_t pdk_edu_id(const struct pdk_edu *edu);

/**
 * Set how long pdk_edu_dma_to_device() and pdk_edu_dma_from_device() wait
 * for a transfer (default PDK_EDU_DMA_TIMEOUT_MS; 0 restores the default).
 * @param edu  the handle
 * @param ms  the time, in milliseconds
 */
void pdk_edu_set_timeout(struct pdk_edu *edu, unsigned int ms);

/**
 * DMA @p len bytes from IOVA @p iova (host memory mapped in the address
 * space) into the device's buffer, at its start, and wait for completion.
 *
 * The edu reports no error: a transfer the IOMMU refuses (an IOVA not mapped,
 * or not readable) completes like any other and moves nothing useful; the
 * kernel logs a DMAR fault. Check the bytes.
 *
 * @param edu  the handle
 * @param iova  the source, below PDK_EDU_DMA_LIMIT
 * @param len  bytes, 1 to PDK_EDU_BUF_SIZE
 * @return 0; -EINVAL if @p len is 0 or above PDK_EDU_BUF_SIZE, or
 *   [iova, iova + len) does not lie below PDK_EDU_DMA_LIMIT; -EBUSY if a
 *   transfer is still running (an earlier one timed out); -ETIMEDOUT if the
 *   transfer did not finish in time. Errors are logged.
 */
int pdk_edu_dma_to_device(struct pdk_edu *edu, uint64_t iova, size_t len);

/**
 * DMA @p len bytes from the start of the device's buffer to IOVA @p iova and
 * wait for completion. Same rules and return values as
 * pdk_edu_dma_to_device().
 * @param edu  the handle
 * @param iova  the destination, below PDK_EDU_DMA_LIMIT
 * @param len  bytes, 1 to PDK_EDU_BUF_SIZE
 * @return as pdk_edu_dma_to_device().
 */
int pdk_edu_dma_from_device(struct pdk_edu *edu, uint64_t iova, size_t len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_EDU_H */
