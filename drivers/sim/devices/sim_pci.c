/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Simulated PCIe functions: identity, config space as VFIO shows it, the
 * BARs of the function's model, each backed by a memfd so that a user's
 * mmap and the device model see the same bytes, and the MSI-X vectors the
 * model raises into its driver's handler. (The IOMMU puts a function in a
 * group, vfio-pci takes it: sim.c adds a function through all three.)
 *
 * Config space: a type 0 header, a PCIe capability (so the function has the
 * 4 KiB extended space), an MSI-X capability (4 vectors, table and PBA in
 * BAR0), and an empty extended capability list: VFIO hides the PASID
 * capability from userspace (vfio_pci_config.c), so a driver learns the
 * PASID width only from IOMMU_GET_HW_INFO, on the sim as on the kernel.
 * The function still has one (cfg.pasid_bits): the DMA port and
 * IOMMU_GET_HW_INFO use it.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_devices.h"

#define SIM_PLAIN_DEVICE_ID	0x0002	/* PDK_SIM_MODEL_PLAIN: same vendor, no engine */
/* Made-up bus addresses: VFIO shows them, nothing uses them. */
#define SIM_BAR0_BUS_BASE	0xfd000000u	/* + index << 16 */
#define SIM_BARN_BUS_BASE	0xe0000000u	/* + index << 20 for BAR2..5 (<= 1 MiB each) */
#define SIM_BAR0_BIG_BASE	0xc0000000u	/* + index << 20 for a BAR0 above 64 KiB (<= 1 MiB) */
#define SIM_BAR0_SMALL_MAX	0x10000u
#define SIM_CAP_EXP		0x40
#define SIM_CAP_EXP_SIZE	0x3c
#define SIM_CAP_MSIX		0x80
#define SIM_CMD_WMASK		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

static void
cfg_w8(struct sim_fn *fn, unsigned int off, uint8_t v)
{
	fn->config[off] = v;
}

static void
cfg_w16(struct sim_fn *fn, unsigned int off, uint16_t v)
{
	fn->config[off] = v & 0xff;
	fn->config[off + 1] = v >> 8;
}

static void
cfg_w32(struct sim_fn *fn, unsigned int off, uint32_t v)
{
	cfg_w16(fn, off, v & 0xffff);
	cfg_w16(fn, off + 2, v >> 16);
}

static uint16_t
cfg_r16(const struct sim_fn *fn, unsigned int off)
{
	return fn->config[off] | (uint16_t)(fn->config[off + 1] << 8);
}

uint16_t
sim_pci_command(const struct sim_fn *fn)
{
	return cfg_r16(fn, PCI_COMMAND);
}

static uint32_t
cfg_r32(const struct sim_fn *fn, unsigned int off)
{
	return cfg_r16(fn, off) | (uint32_t)cfg_r16(fn, off + 2) << 16;
}

/* The config offset of BAR @p bar's register. */
static unsigned int
sim_bar_reg(unsigned int bar)
{
	return PCI_BASE_ADDRESS_0 + 4 * bar;
}

uint64_t
sim_pci_bar_bus_addr(const struct sim_fn *fn, unsigned int bar)
{
	if (fn->bar[bar].size == 0)
		return 0;
	/* a BAR's address is aligned to its size, as the enumeration assigns it */
	if (bar == 0)
		return fn->bar[0].size <= SIM_BAR0_SMALL_MAX ? SIM_BAR0_BUS_BASE + (fn->index << 16)
							    : SIM_BAR0_BIG_BASE + (fn->index << 20);
	return SIM_BARN_BUS_BASE + (fn->index << 20);
}

static void
sim_pci_config_init(struct sim_fn *fn, unsigned int index)
{
	const struct sim_model *m = fn->model;
	unsigned int bar;

	memset(fn->config, 0, sizeof(fn->config));
	cfg_w16(fn, PCI_VENDOR_ID, m->vendor_id);
	cfg_w16(fn, PCI_DEVICE_ID, m->device_id);
	cfg_w16(fn, PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg_w8(fn, PCI_REVISION_ID, m->revision != 0 ? m->revision : 1);
	cfg_w8(fn, PCI_CLASS_PROG, m->class_code & 0xff);
	cfg_w8(fn, PCI_CLASS_DEVICE, (m->class_code >> 8) & 0xff);
	cfg_w8(fn, PCI_CLASS_DEVICE + 1, (m->class_code >> 16) & 0xff);
	cfg_w8(fn, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	/* 32-bit non-prefetchable memory BARs (type bits 0). */
	fn->index = index;
	for (bar = 0; bar < SIM_NUM_BARS; bar++)
		if (fn->bar[bar].size != 0)
			cfg_w32(fn, sim_bar_reg(bar), (uint32_t)sim_pci_bar_bus_addr(fn, bar));
	cfg_w16(fn, PCI_SUBSYSTEM_VENDOR_ID, m->vendor_id);
	cfg_w16(fn, PCI_SUBSYSTEM_ID, m->device_id);
	cfg_w8(fn, PCI_CAPABILITY_LIST, SIM_CAP_EXP);

	cfg_w8(fn, SIM_CAP_EXP + PCI_CAP_LIST_ID, PCI_CAP_ID_EXP);
	cfg_w8(fn, SIM_CAP_EXP + PCI_CAP_LIST_NEXT, SIM_CAP_MSIX);
	cfg_w16(fn, SIM_CAP_EXP + PCI_EXP_FLAGS, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));

	cfg_w8(fn, SIM_CAP_MSIX + PCI_CAP_LIST_ID, PCI_CAP_ID_MSIX);
	cfg_w8(fn, SIM_CAP_MSIX + PCI_CAP_LIST_NEXT, 0);
	cfg_w16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS, SIM_MSIX_VECTORS - 1);
	cfg_w32(fn, SIM_CAP_MSIX + PCI_MSIX_TABLE, SIM_MSIX_TABLE_OFF | 0);
	cfg_w32(fn, SIM_CAP_MSIX + PCI_MSIX_PBA, SIM_MSIX_PBA_OFF | 0);
	/* 0x100: no extended capability (the hidden PASID one was here). */
}

/* Which bits of a config byte userspace may change (all else reads back). */
static uint8_t
sim_cfg_wmask(const struct sim_fn *fn, unsigned int off)
{
	/* An implemented BAR's register; an absent one reads 0 for ever. */
	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_BASE_ADDRESS_0 + 4 * SIM_NUM_BARS)
		return fn->bar[(off - PCI_BASE_ADDRESS_0) / 4].size != 0 ? 0xff : 0;
	switch (off) {
	case PCI_COMMAND:
		return SIM_CMD_WMASK & 0xff;
	case PCI_COMMAND + 1:
		return SIM_CMD_WMASK >> 8;
	case PCI_INTERRUPT_LINE:
		return 0xff;
	case SIM_CAP_MSIX + PCI_MSIX_FLAGS + 1:
		return (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL) >> 8;
	default:
		return 0;
	}
}

int
sim_pci_config_rw(struct sim_fn *fn, void *buf, size_t len, uint64_t pos, bool write)
{
	unsigned int bar;
	size_t i;

	if (pos >= SIM_CFG_SIZE || len > SIM_CFG_SIZE - pos)
		return sim_err(-EFAULT, "config access", "beyond the 4 KiB config space");
	if (!write) {
		memcpy(buf, fn->config + pos, len);
		return (int)len;
	}
	for (i = 0; i < len; i++) {
		unsigned int off = (unsigned int)(pos + i);
		uint8_t m = sim_cfg_wmask(fn, off);

		fn->config[off] = (fn->config[off] & ~m) | (((const uint8_t *)buf)[i] & m);
	}
	/* VFIO's virtual BARs: the size bits read back as 0, like sizing hardware. */
	for (bar = 0; bar < SIM_NUM_BARS; bar++) {
		unsigned int reg = sim_bar_reg(bar);

		if (fn->bar[bar].size != 0 && pos < reg + 4 && pos + len > reg)
			cfg_w32(fn, reg, cfg_r32(fn, reg) & ~(fn->bar[bar].size - 1));
	}
	return (int)len;
}

void
sim_pci_msix_set_enable(struct sim_fn *fn, bool on)
{
	uint16_t v = cfg_r16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS);

	v = on ? v | PCI_MSIX_FLAGS_ENABLE : v & ~PCI_MSIX_FLAGS_ENABLE;
	cfg_w16(fn, SIM_CAP_MSIX + PCI_MSIX_FLAGS, v);
}

void
sim_pci_msix_raise(struct sim_fn *fn, unsigned int vector)
{
	if (vector < SIM_MSIX_VECTORS && fn->msix_handler != NULL)
		fn->msix_handler(fn, vector);
}

void
sim_pci_reset(struct sim_fn *fn)
{
	fn->model->reset(fn);
}

/* vfio_pci_core_enable() at bind: the device is reset and decodes memory. */
void
sim_pci_enable(struct sim_fn *fn)
{
	sim_pci_reset(fn);
	cfg_w16(fn, PCI_COMMAND, PCI_COMMAND_MEMORY);
}

/* vfio_pci_core_disable() at the last close: no decode, no bus mastering. */
void
sim_pci_disable(struct sim_fn *fn)
{
	cfg_w16(fn, PCI_COMMAND, 0);
	sim_pci_msix_set_enable(fn, false);
	sim_pci_reset(fn);
}

/* ---- PDK_SIM_MODEL_PLAIN: no registers, no engine ---- */

static void
sim_plain_reset(struct sim_fn *fn)
{
	memset(fn->bar[0].mem, 0, fn->bar[0].size);
}

const struct sim_model sim_model_plain = {
	.name = "plain",
	.vendor_id = PDK_SIMDMA_VENDOR_ID,
	.device_id = SIM_PLAIN_DEVICE_ID,
	.class_code = 0xff0000,		/* unassigned class */
	.bar_size = { SIM_BAR0_SIZE },
	.reset = sim_plain_reset,
};

/* ---- BARs ---- */

static void
sim_bars_free(struct sim_fn *fn)
{
	unsigned int i;

	for (i = 0; i < SIM_NUM_BARS; i++) {
		struct sim_bar *b = &fn->bar[i];

		if (b->mem != NULL)
			munmap(b->mem, b->size);
		if (b->memfd >= 0)
			close(b->memfd);
		b->mem = NULL;
		b->memfd = -1;
	}
}

static int
sim_bars_create(struct sim_fn *fn)
{
	unsigned int i;

	for (i = 0; i < SIM_NUM_BARS; i++)
		fn->bar[i].memfd = -1;
	for (i = 0; i < SIM_NUM_BARS; i++) {
		struct sim_bar *b = &fn->bar[i];
		char name[16];
		void *mem;

		b->size = fn->model->bar_size[i];
		if (b->size == 0)
			continue;
		snprintf(name, sizeof(name), "pdk-sim-bar%u", i);
		b->memfd = memfd_create(name, MFD_CLOEXEC);
		if (b->memfd < 0 || ftruncate(b->memfd, b->size) < 0)
			goto fail;
		mem = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->memfd, 0);
		if (mem == MAP_FAILED)
			goto fail;
		b->mem = mem;
	}
	return 0;
fail:
	{
		int rc = -errno;

		sim_bars_free(fn);
		return rc;
	}
}

/* ---- functions ---- */

struct sim_fn *
sim_fn_by_addr(struct pdk_sim *sim, const char *addr)
{
	struct sim_fn *fn;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (strcmp(fn->addr, addr) == 0)
			return fn;
	return NULL;
}

int
sim_fn_create(struct pdk_sim *sim, const char *addr, const struct pdk_sim_fn_config *cfg,
	      const struct sim_model *model, struct sim_fn **out)
{
	struct sim_fn *fn, *f;
	unsigned int index = 0;
	int rc;

	fn = calloc(1, sizeof(*fn));
	if (fn == NULL)
		return -ENOMEM;
	fn->sim = sim;
	snprintf(fn->addr, sizeof(fn->addr), "%s", addr);
	fn->cfg = *cfg;
	fn->cfg.pci_addr = fn->addr;
	fn->model = model;
	rc = sim_bars_create(fn);
	if (rc < 0) {
		free(fn);
		return rc;
	}
	rc = fn->model->init != NULL ? fn->model->init(fn) : 0;
	if (rc < 0) {
		sim_bars_free(fn);
		free(fn);
		return rc;
	}
	for (f = sim->fns; f != NULL; f = f->next)
		index++;
	sim_pci_config_init(fn, index);
	sim_pci_reset(fn);
	*out = fn;
	return 0;
}

void
sim_fn_free(struct sim_fn *fn)
{
	/* Stop the model (its thread, if any) before what it uses goes away. */
	if (fn->model->fini != NULL)
		fn->model->fini(fn);
	sim_bars_free(fn);
	free(fn);
}
