/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Simulated PCIe functions: identity, IOMMU group, config space as VFIO
 * shows it, and BAR0 backed by a memfd so that a user's mmap and the device
 * model see the same bytes.
 *
 * Config space: a type 0 header, a PCIe capability (so the function has the
 * 4 KiB extended space), an MSI-X capability (4 vectors, table and PBA in
 * BAR0), and an empty extended capability list: VFIO hides the PASID
 * capability from userspace (vfio_pci_config.c), so a driver learns the
 * PASID width only from IOMMU_GET_HW_INFO, on the sim as on the kernel.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_internal.h"

#define SIM_PLAIN_DEVICE_ID	0x0002	/* PDK_SIM_MODEL_PLAIN: same vendor, no engine */
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

static void
sim_pci_config_init(struct sim_fn *fn, unsigned int index)
{
	bool dma = fn->cfg.model == PDK_SIM_MODEL_SIMDMA;
	uint16_t dev = dma ? PDK_SIMDMA_DEVICE_ID : SIM_PLAIN_DEVICE_ID;

	memset(fn->config, 0, sizeof(fn->config));
	cfg_w16(fn, PCI_VENDOR_ID, PDK_SIMDMA_VENDOR_ID);
	cfg_w16(fn, PCI_DEVICE_ID, dev);
	cfg_w16(fn, PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg_w8(fn, PCI_REVISION_ID, 1);
	/* 0x0880: system peripheral, other (the class DMA engines such as DSA use). */
	cfg_w8(fn, PCI_CLASS_DEVICE, dma ? 0x80 : 0x00);
	cfg_w8(fn, PCI_CLASS_DEVICE + 1, dma ? 0x08 : 0xff);
	cfg_w8(fn, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL);
	/* A made-up MMIO address: VFIO shows the BAR's bus address, nothing uses it. */
	cfg_w32(fn, PCI_BASE_ADDRESS_0, 0xfd000000u + (index << 16));
	cfg_w16(fn, PCI_SUBSYSTEM_VENDOR_ID, PDK_SIMDMA_VENDOR_ID);
	cfg_w16(fn, PCI_SUBSYSTEM_ID, dev);
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
sim_cfg_wmask(unsigned int off)
{
	switch (off) {
	case PCI_COMMAND:
		return SIM_CMD_WMASK & 0xff;
	case PCI_COMMAND + 1:
		return SIM_CMD_WMASK >> 8;
	case PCI_BASE_ADDRESS_0:
	case PCI_BASE_ADDRESS_0 + 1:
	case PCI_BASE_ADDRESS_0 + 2:
	case PCI_BASE_ADDRESS_0 + 3:
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
	size_t i;

	if (pos >= SIM_CFG_SIZE || len > SIM_CFG_SIZE - pos)
		return sim_err(-EFAULT, "config access", "beyond the 4 KiB config space");
	if (!write) {
		memcpy(buf, fn->config + pos, len);
		return (int)len;
	}
	for (i = 0; i < len; i++) {
		unsigned int off = (unsigned int)(pos + i);
		uint8_t m = sim_cfg_wmask(off);

		fn->config[off] = (fn->config[off] & ~m) | (((const uint8_t *)buf)[i] & m);
	}
	/* VFIO's virtual BAR: the size bits read back as 0, like sizing hardware. */
	if (pos < PCI_BASE_ADDRESS_0 + 4 && pos + len > PCI_BASE_ADDRESS_0) {
		uint32_t bar = fn->config[PCI_BASE_ADDRESS_0] |
			       (uint32_t)fn->config[PCI_BASE_ADDRESS_0 + 1] << 8 |
			       (uint32_t)fn->config[PCI_BASE_ADDRESS_0 + 2] << 16 |
			       (uint32_t)fn->config[PCI_BASE_ADDRESS_0 + 3] << 24;

		cfg_w32(fn, PCI_BASE_ADDRESS_0, bar & ~(SIM_BAR0_SIZE - 1));
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

/* vfio_pci_core_enable() at bind: the device is reset and decodes memory. */
void
sim_pci_enable(struct sim_fn *fn)
{
	sim_simdma_reset(fn);
	cfg_w16(fn, PCI_COMMAND, PCI_COMMAND_MEMORY);
}

/* vfio_pci_core_disable() at the last close: no decode, no bus mastering. */
void
sim_pci_disable(struct sim_fn *fn)
{
	cfg_w16(fn, PCI_COMMAND, 0);
	sim_pci_msix_set_enable(fn, false);
	sim_simdma_reset(fn);
}

/* ---- addresses and groups ---- */

static int
sim_hexfield(const char *s, unsigned int n, unsigned int *v)
{
	unsigned int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		*v = *v * 16 + d;
	}
	return 0;
}

int
sim_pci_addr_norm(const char *in, char out[16])
{
	unsigned int dom = 0, bus, dev, func;
	const char *p = in;

	if (in == NULL)
		return -EINVAL;
	if (strlen(in) == 12) {
		if (in[4] != ':' || sim_hexfield(in, 4, &dom) < 0)
			return -EINVAL;
		p = in + 5;
	}
	if (strlen(p) != 7 || p[2] != ':' || p[5] != '.' ||
	    sim_hexfield(p, 2, &bus) < 0 || sim_hexfield(p + 3, 2, &dev) < 0 ||
	    sim_hexfield(p + 6, 1, &func) < 0 || dev > 0x1f || func > 7)
		return -EINVAL;
	snprintf(out, 16, "%04x:%02x:%02x.%x", dom, bus, dev, func);
	return 0;
}

static struct sim_group *
sim_group_get(struct pdk_sim *sim, uint32_t number)
{
	struct sim_group *g, **pp;

	if (number == 0) {
		/* A group of its own: the lowest number nobody uses. */
		for (number = 1;; number++) {
			for (g = sim->groups; g != NULL; g = g->next)
				if (g->number == number)
					break;
			if (g == NULL)
				break;
		}
	}
	for (g = sim->groups; g != NULL; g = g->next)
		if (g->number == number)
			return g;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->number = number;
	for (pp = &sim->groups; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = g;
	return g;
}

struct sim_fn *
sim_fn_by_addr(struct pdk_sim *sim, const char *addr)
{
	struct sim_fn *fn;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (strcmp(fn->addr, addr) == 0)
			return fn;
	return NULL;
}

struct sim_fn *
sim_fn_by_vfio(struct pdk_sim *sim, int index)
{
	struct sim_fn *fn;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (fn->vfio_index >= 0 && fn->vfio_index == index)
			return fn;
	return NULL;
}

/* ---- functions ---- */

int
sim_fn_create(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg, struct sim_fn **out)
{
	struct sim_fn *fn, **pp;
	char addr[16];
	unsigned int index = 0, i;
	void *regs;

	if (cfg == NULL || sim_pci_addr_norm(cfg->pci_addr, addr) < 0)
		return sim_err(-EINVAL, "pdk_sim_fn_add", "PCI address is not DDDD:BB:DD.F");
	if (cfg->model != PDK_SIM_MODEL_SIMDMA && cfg->model != PDK_SIM_MODEL_PLAIN)
		return sim_err(-EINVAL, "pdk_sim_fn_add", "unknown model");
	if (cfg->pasid_bits > SIM_MAX_PASID_BITS)
		return sim_err(-EINVAL, "pdk_sim_fn_add", "PASID width above 20 bits");
	if (sim_fn_by_addr(sim, addr) != NULL)
		return sim_err(-EEXIST, "pdk_sim_fn_add", "PCI address taken");

	fn = calloc(1, sizeof(*fn));
	if (fn == NULL)
		return -ENOMEM;
	fn->sim = sim;
	memcpy(fn->addr, addr, sizeof(addr));
	fn->cfg = *cfg;
	fn->cfg.pci_addr = fn->addr;
	fn->err_fd = -1;
	fn->req_fd = -1;
	for (i = 0; i < SIM_MSIX_VECTORS; i++)
		fn->msix_fd[i] = -1;
	fn->memfd = memfd_create("pdk-sim-bar0", MFD_CLOEXEC);
	if (fn->memfd < 0) {
		int rc = -errno;

		free(fn);
		return rc;
	}
	if (ftruncate(fn->memfd, SIM_BAR0_SIZE) < 0)
		goto fail_errno;
	regs = mmap(NULL, SIM_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fn->memfd, 0);
	if (regs == MAP_FAILED)
		goto fail_errno;
	fn->regs = regs;
	fn->group = sim_group_get(sim, cfg->iommu_group);
	if (fn->group == NULL) {
		munmap(fn->regs, SIM_BAR0_SIZE);
		close(fn->memfd);
		free(fn);
		return -ENOMEM;
	}
	fn->vfio_index = cfg->not_vfio ? -1 : sim->next_vfio++;
	for (pp = &sim->fns; *pp != NULL; pp = &(*pp)->next)
		index++;
	sim_pci_config_init(fn, index);
	sim_simdma_reset(fn);
	*pp = fn;
	*out = fn;
	return 0;

fail_errno:
	{
		int rc = -errno;

		close(fn->memfd);
		free(fn);
		return rc;
	}
}

void
sim_fn_free(struct sim_fn *fn)
{
	unsigned int i;

	for (i = 0; i < SIM_MSIX_VECTORS; i++)
		if (fn->msix_fd[i] >= 0)
			close(fn->msix_fd[i]);
	if (fn->err_fd >= 0)
		close(fn->err_fd);
	if (fn->req_fd >= 0)
		close(fn->req_fd);
	munmap(fn->regs, SIM_BAR0_SIZE);
	close(fn->memfd);
	free(fn->pasids);
	free(fn);
}

int
pdk_sim_fn_add(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg, struct pdk_sim_fn **fn)
{
	struct sim_fn *f = NULL;
	int rc;

	pthread_mutex_lock(&sim->lock);
	rc = sim_fn_create(sim, cfg, &f);
	pthread_mutex_unlock(&sim->lock);
	if (rc < 0) {
		SIM_LOG(ERR, "cannot add simulated function %s: %s",
			cfg != NULL && cfg->pci_addr != NULL ? cfg->pci_addr : "(null)",
			strerror(-rc));
		return rc;
	}
	SIM_LOG(INFO, "simulated function %s (%s, PASID width %u, IOMMU group %u%s)",
		f->addr, f->cfg.model == PDK_SIM_MODEL_SIMDMA ? "pdk-sim-dma" : "plain",
		f->cfg.pasid_bits, f->group->number,
		f->cfg.not_vfio ? ", bound to another driver" : ", vfio-pci");
	if (fn != NULL)
		*fn = (struct pdk_sim_fn *)f;
	return 0;
}

struct pdk_sim_fn *
pdk_sim_fn_find(struct pdk_sim *sim, const char *pci_addr)
{
	struct sim_fn *fn = NULL;
	char addr[16];

	if (sim_pci_addr_norm(pci_addr, addr) < 0)
		return NULL;
	pthread_mutex_lock(&sim->lock);
	fn = sim_fn_by_addr(sim, addr);
	pthread_mutex_unlock(&sim->lock);
	return (struct pdk_sim_fn *)fn;
}
