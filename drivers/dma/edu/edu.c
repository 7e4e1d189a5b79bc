/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * QEMU edu PMD. Register offsets and semantics come from QEMU's public device
 * description (docs/specs/edu.rst); the code is our own.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edu_private.h"
#include "pdk_edu.h"
#include "pdk_log.h"
#include "pdk_sys.h"

/* BAR0 registers (EDU_REG_ID and EDU_ID_MAGIC: edu_private.h) */
#define EDU_REG_ALIVE	0x04	/* reads back the inverse of what was written */
#define EDU_REG_DMA_SRC	0x80
#define EDU_REG_DMA_DST	0x88
#define EDU_REG_DMA_CNT	0x90
#define EDU_REG_DMA_CMD	0x98
#define EDU_BAR0_MIN	0x100	/* must cover the registers above */

#define EDU_DMA_RUN	0x1u	/* start; reads 1 while the transfer runs */
#define EDU_DMA_TO_RAM	0x2u	/* direction: 0 RAM -> device, 1 device -> RAM */

/* The device buffer's address in the edu's own DMA address space. */
#define EDU_BUF_ADDR	UINT64_C(0x40000)

/*
 * A transfer takes about 100 ms of QEMU virtual time: polling every
 * millisecond costs nothing and leaves the (emulated) CPU to QEMU.
 */
#define EDU_POLL_NS	(1000 * 1000)

#define EDU_LIVENESS_PROBE 0x5a17edu

struct pdk_edu {
	struct pdk_vfio_dev *dev;
	struct pdk_dma_as *as;
	uint32_t hwpt_id;
	volatile uint8_t *bar;
	uint32_t id;
	unsigned int timeout_ms;
	bool own_dev;
};

/* The fix of a NULL handle (pdk_log_null()). */
#define EDU_FIX_HANDLE "pass the handle pdk_edu_open(), pdk_edu_open_dev() or pdk_edu_attach() gave"

static inline uint32_t
edu_rd32(const struct pdk_edu *edu, unsigned int off)
{
	return *(volatile const uint32_t *)(edu->bar + off);
}

static inline void
edu_wr32(struct pdk_edu *edu, unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(edu->bar + off) = v;
}

/* The DMA registers take 8-byte accesses: a 4-byte one at +4 is ignored. */
static inline uint64_t
edu_rd64(const struct pdk_edu *edu, unsigned int off)
{
	return *(volatile const uint64_t *)(edu->bar + off);
}

static inline void
edu_wr64(struct pdk_edu *edu, unsigned int off, uint64_t v)
{
	*(volatile uint64_t *)(edu->bar + off) = v;
}

/*
 * Wait until the DMA command register's run bit clears.
 * @return 0, -ETIMEDOUT, or -EIO when the device reads all ones (decoding
 * off, device gone or reset).
 */
static int
edu_wait_idle(struct pdk_edu *edu, unsigned int timeout_ms, uint64_t *last)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = EDU_POLL_NS };
	uint64_t deadline = pdk_sys_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t cmd;

	for (;;) {
		cmd = edu_rd64(edu, EDU_REG_DMA_CMD);
		*last = cmd;
		if (cmd == UINT64_MAX)
			return -EIO;
		if (!(cmd & EDU_DMA_RUN))
			return 0;
		if (pdk_sys_monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

/* Is this an edu that answers? Reads the ids, then the BAR registers. */
static int
edu_check(struct pdk_edu *edu)
{
	const char *name = pdk_vfio_name(edu->dev);
	uint32_t ids;
	int rc;

	/* a refused read is lib/vfio's to log, as with every libpdk call in this file */
	rc = pdk_vfio_config_read(edu->dev, PCI_VENDOR_ID, &ids, sizeof(ids));
	if (rc < 0)
		return rc;
	if ((ids & 0xffff) != PDK_EDU_VENDOR_ID || (ids >> 16) != PDK_EDU_DEVICE_ID)
		return pdk_log_fail("edu", name, -ENODEV,
				    "give the address of a QEMU edu device (-device edu)",
				    "probe: PCI id %04x:%04x is not an edu (%04x:%04x)",
				    ids & 0xffff, ids >> 16, PDK_EDU_VENDOR_ID, PDK_EDU_DEVICE_ID);
	return 0;
}

static int
edu_check_bar(struct pdk_edu *edu)
{
	const char *name = pdk_vfio_name(edu->dev);
	uint32_t alive;

	edu->id = edu_rd32(edu, EDU_REG_ID);
	if (!EDU_ID_IS_EDU(edu->id))
		return pdk_log_fail("edu", name, -ENODEV,
				    "BAR0 does not hold the edu's registers (memory decoding off, "
				    "or not QEMU's edu model)",
				    "probe: identification register reads 0x%08x, expected 0xRRrr00ed",
				    edu->id);
	edu_wr32(edu, EDU_REG_ALIVE, EDU_LIVENESS_PROBE);
	alive = edu_rd32(edu, EDU_REG_ALIVE);
	if (alive != (uint32_t)~EDU_LIVENESS_PROBE)
		return pdk_log_fail("edu", name, -EIO, "the device model does not answer writes",
				    "probe: liveness register reads 0x%08x after writing 0x%08x, "
				    "expected 0x%08x", alive, EDU_LIVENESS_PROBE,
				    (uint32_t)~EDU_LIVENESS_PROBE);
	return 0;
}

int
pdk_edu_open_dev(struct pdk_vfio_dev *dev, struct pdk_dma_as *as, struct pdk_edu **edu)
{
	const char *name = dev != NULL ? pdk_vfio_name(dev) : NULL;
	struct pdk_edu *e;
	uint32_t dev_id;
	uint64_t last;
	size_t len;
	void *bar;
	int rc;

	if (edu != NULL)
		*edu = NULL;
	if (dev == NULL || as == NULL || edu == NULL)
		return pdk_log_fail("edu", name, -EINVAL,
				    "pass a device, an address space and a result pointer",
				    "open: %s is NULL", dev == NULL ? "the device" : as == NULL ?
				    "the address space" : "the result pointer");
	dev_id = pdk_vfio_dev_id(dev);
	if (dev_id == 0)
		return pdk_log_fail("edu", name, -EINVAL,
				    "bind it to the address space's iommufd context first (pdk_vfio_bind())",
				    "open: device not bound");
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return pdk_log_fail("edu", name, -ENOMEM, "free some memory",
				    "open: allocation of the handle");
	e->dev = dev;
	e->as = as;
	e->timeout_ms = PDK_EDU_DMA_TIMEOUT_MS;

	rc = edu_check(e);
	if (rc < 0)
		goto free;

	rc = pdk_dma_as_hwpt_get(as, dev_id, &e->hwpt_id);
	if (rc < 0)
		goto free;
	rc = pdk_vfio_attach(dev, e->hwpt_id, NULL);
	if (rc < 0)
		goto put;
	/* The RID's reserved regions (the MSI window) now bound the IOAS. */
	rc = pdk_dma_as_refresh_ranges(as);
	if (rc < 0)
		goto detach;
	/*
	 * The device drops address bits above 27 (PDK_EDU_DMA_LIMIT): a
	 * buffer's VA is no IOVA it can reach, so the space's later maps take
	 * the allocator's low IOVAs instead of IOVA = VA.
	 */
	if (pdk_dma_as_iova_mode(as) != PDK_DMA_IOVA_ALLOC) {
		PDK_LOG(INFO, "edu", "%s: address space '%s' maps with PDK's IOVA allocator from now "
			"on: the edu reaches only IOVAs below 2^28", name, pdk_dma_as_name(as));
		pdk_dma_as_set_iova_mode(as, PDK_DMA_IOVA_ALLOC);
	}
	rc = pdk_vfio_bar_map(dev, 0, &bar, &len);
	if (rc < 0)
		goto detach;
	if (len < EDU_BAR0_MIN) {
		rc = pdk_log_fail("edu", name, -ENODEV, "not QEMU's edu model",
				  "open: BAR0 is %zu bytes, the registers need %u", len,
				  EDU_BAR0_MIN);
		goto detach;
	}
	e->bar = bar;
	/* Decoding must be on to reach the registers; mastering stays off for now. */
	rc = pdk_vfio_pci_command(dev, PCI_COMMAND_MEMORY, 0);
	if (rc < 0)
		goto detach;
	rc = edu_check_bar(e);
	if (rc < 0)
		goto detach;

	/*
	 * A transfer started by an earlier user (a process killed mid-flow)
	 * fires up to 100 ms later; with mastering still off it lands nowhere.
	 * Let it drain before turning mastering on for ourselves.
	 */
	rc = edu_wait_idle(e, e->timeout_ms, &last);
	if (rc < 0) {
		pdk_log_fail("edu", name, rc, "reset the VM or the device",
			     "open: a DMA left running by an earlier user did not finish (command register 0x%" PRIx64 ")",
			     last);
		goto detach;
	}
	rc = pdk_vfio_pci_command(dev, PCI_COMMAND_MASTER, 0);
	if (rc < 0)
		goto detach;

	PDK_LOG(INFO, "edu", "%s: edu version %u.%u, RID attached to HWPT %u of address space '%s'",
		name, e->id >> 24, (e->id >> 16) & 0xff, e->hwpt_id, pdk_dma_as_name(as));
	*edu = e;
	return 0;

detach:
	/* The BAR mapping belongs to the device handle: pdk_vfio_close() unmaps it. */
	pdk_vfio_detach(dev);
put:
	pdk_dma_as_hwpt_put(as, e->hwpt_id);
free:
	free(e);
	return rc;
}

int
pdk_edu_open(struct pdk_sys *sys, const char *pci_addr, struct pdk_iommufd *ctx,
	     struct pdk_dma_as *as, struct pdk_edu **edu)
{
	const char *name = pci_addr;
	struct pdk_vfio_dev *dev;
	int rc;

	if (edu != NULL)
		*edu = NULL;
	if (sys == NULL || pci_addr == NULL || ctx == NULL || as == NULL || edu == NULL)
		return pdk_log_fail("edu", name, -EINVAL,
				    "pass a backend, a PCI address, an iommufd context, an address "
				    "space and a result pointer", "open: NULL argument");
	if (pdk_dma_as_iommufd(as) != ctx)
		return pdk_log_fail("edu", name, -EINVAL,
				    "create the address space in the context the device is bound to",
				    "open: address space '%s' belongs to another iommufd context",
				    pdk_dma_as_name(as));
	rc = pdk_vfio_open(sys, pci_addr, &dev);
	if (rc < 0)
		return rc;
	rc = pdk_vfio_bind(dev, ctx, NULL);
	if (rc < 0) {
		pdk_vfio_close(dev);
		return rc;
	}
	rc = pdk_edu_open_dev(dev, as, edu);
	if (rc < 0) {
		pdk_vfio_close(dev);
		return rc;
	}
	(*edu)->own_dev = true;
	return 0;
}

void
pdk_edu_close(struct pdk_edu *edu)
{
	int rc;

	if (edu == NULL)
		return;
	/*
	 * Mastering off first: a transfer still pending (after a timeout)
	 * then lands nowhere instead of in memory about to be unmapped.
	 */
	pdk_vfio_pci_command(edu->dev, 0, PCI_COMMAND_MASTER);
	/*
	 * lib/vfio logs a refused detach; the RID then stays attached and the
	 * HWPT cannot go until the caller closes the device: only the edu can
	 * say that.
	 */
	rc = pdk_vfio_detach(edu->dev);
	if (rc < 0 && !edu->own_dev)
		PDK_LOG(WARNING, "edu", "%s: close: the RID stays attached (above), HWPT %u keeps its reference: close the device, then destroy the address space",
			pdk_vfio_name(edu->dev), edu->hwpt_id);
	/* closing the fd detaches the RID whatever happened above */
	if (edu->own_dev)
		pdk_vfio_close(edu->dev);
	if (rc == 0 || edu->own_dev)
		pdk_dma_as_hwpt_put(edu->as, edu->hwpt_id);
	free(edu);
}

struct pdk_vfio_dev *
pdk_edu_dev(const struct pdk_edu *edu)
{
	if (pdk_log_null(edu, "edu", NULL, EDU_FIX_HANDLE, "device: NULL handle"))
		return NULL;
	return edu->dev;
}

uint32_t
pdk_edu_hwpt_id(const struct pdk_edu *edu)
{
	if (pdk_log_null(edu, "edu", NULL, EDU_FIX_HANDLE, "HWPT id: NULL handle"))
		return 0;
	return edu->hwpt_id;
}

uint32_t
pdk_edu_id(const struct pdk_edu *edu)
{
	if (pdk_log_null(edu, "edu", NULL, EDU_FIX_HANDLE, "identification: NULL handle"))
		return 0;
	return edu->id;
}

void
pdk_edu_set_timeout(struct pdk_edu *edu, unsigned int ms)
{
	if (pdk_log_null(edu, "edu", NULL, EDU_FIX_HANDLE, "timeout: NULL handle"))
		return;
	edu->timeout_ms = ms != 0 ? ms : PDK_EDU_DMA_TIMEOUT_MS;
}

static int
edu_dma(struct pdk_edu *edu, uint64_t iova, size_t len, bool to_ram)
{
	const char *dir = to_ram ? "DMA device -> RAM" : "DMA RAM -> device";
	const char *name;
	uint64_t last;
	int rc;

	if (pdk_log_null(edu, "edu", NULL, EDU_FIX_HANDLE, "%s: NULL handle", dir))
		return -EINVAL;
	name = pdk_vfio_name(edu->dev);
	if (len == 0 || len > PDK_EDU_BUF_SIZE)
		return pdk_log_fail("edu", name, -EINVAL,
				    "transfer 1 to 4096 bytes (the device buffer's size)",
				    "%s of %zu bytes", dir, len);
	if (iova >= PDK_EDU_DMA_LIMIT || len > PDK_EDU_DMA_LIMIT - iova)
		return pdk_log_fail("edu", name, -EINVAL,
				    "the edu has a 28-bit DMA mask: map the buffer below 0x10000000 "
				    "(pdk_dma_map_iova())",
				    "%s: IOVA range [0x%" PRIx64 ", 0x%" PRIx64 "] beyond the device's "
				    "reach", dir, iova, iova + len - 1);
	last = edu_rd64(edu, EDU_REG_DMA_CMD);
	if (last & EDU_DMA_RUN)
		return pdk_log_fail("edu", name, last == UINT64_MAX ? -EIO : -EBUSY,
				    last == UINT64_MAX ? "the device reads all ones: reopen it"
				    : "an earlier transfer timed out and still runs: wait and retry",
				    "%s: engine busy (command register 0x%" PRIx64 ")", dir, last);

	edu_wr64(edu, EDU_REG_DMA_SRC, to_ram ? EDU_BUF_ADDR : iova);
	edu_wr64(edu, EDU_REG_DMA_DST, to_ram ? iova : EDU_BUF_ADDR);
	edu_wr64(edu, EDU_REG_DMA_CNT, len);
	/* the caller's buffer writes and the registers before the start */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	edu_wr64(edu, EDU_REG_DMA_CMD, EDU_DMA_RUN | (to_ram ? EDU_DMA_TO_RAM : 0));

	rc = edu_wait_idle(edu, edu->timeout_ms, &last);
	/* the device's writes before the caller reads the buffer */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (rc == -ETIMEDOUT)
		return pdk_log_fail("edu", name, rc,
				    "the VM may be overloaded: raise it with pdk_edu_set_timeout()",
				    "%s of %zu bytes at IOVA 0x%" PRIx64 ": not finished after %u ms "
				    "(command register 0x%" PRIx64 ")", dir, len, iova, edu->timeout_ms,
				    last);
	if (rc < 0)
		return pdk_log_fail("edu", name, rc,
				    "memory decoding is off or the device was reset: reopen it",
				    "%s of %zu bytes at IOVA 0x%" PRIx64 ": the device reads all ones",
				    dir, len, iova);
	return 0;
}

int
pdk_edu_dma_to_device(struct pdk_edu *edu, uint64_t iova, size_t len)
{
	return edu_dma(edu, iova, len, false);
}

int
pdk_edu_dma_from_device(struct pdk_edu *edu, uint64_t iova, size_t len)
{
	return edu_dma(edu, iova, len, true);
}
