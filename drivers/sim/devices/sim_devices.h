/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_DEVICES_H
#define SIM_DEVICES_H

/*
 * Simulated PCIe functions and their device models (a simulation, not
 * hardware). A function is what the kernel model drives (config space,
 * BARs, reset) and what the IOMMU identifies (group, PASID width); its
 * model is an ops table (struct sim_model) the function calls into. A
 * model reaches memory only through the IOMMU's DMA API
 * (iommu/sim_iommu.h) and interrupts through the MSI-X handler the
 * function's driver installed (sim_pci_msix_raise()).
 */

#include <linux/pci_regs.h>

#include "../sim.h"

#define SIM_BAR0_SIZE		4096u		/* BAR0 of every model but edu's (1 MiB) */
#define SIM_NUM_BARS		6u
#define SIM_CFG_SIZE		4096u		/* PCIe: 256-byte header + extended */
#define SIM_MSIX_VECTORS	4u
#define SIM_MSIX_TABLE_OFF	0x800u		/* MSI-X table inside BAR0 */
#define SIM_MSIX_PBA_OFF	0xc00u

struct sim_dsa;
struct sim_fn;
struct sim_group;
struct sim_vfio_dev;

/*
 * What a model is: its PCI identity, which BARs it implements, and hooks
 * into the generic BAR and reset paths. Every hook runs with sim->lock held.
 * A host write to a BAR first lands the bits wmask() allows (all of them
 * when wmask is NULL), then written() sees the whole write, so a model can
 * act on doorbells or consume writes it does not store (DSA portals).
 */
struct sim_model {
	const char *name;		/* for logs: "pdk-sim-dma" */
	uint16_t vendor_id;
	uint16_t device_id;
	uint32_t class_code;		/* base, sub-class, prog-if */
	uint8_t revision;		/* PCI revision ID; 0: 1 */
	uint32_t bar_size[SIM_NUM_BARS];	/* 0: not implemented; BAR0 always is */
	int (*init)(struct sim_fn *fn);		/* at creation; may be NULL */
	void (*fini)(struct sim_fn *fn);	/* before the BARs are freed; may be NULL */
	/* Power-on state; also at bind, last close and VFIO_DEVICE_RESET. */
	void (*reset)(struct sim_fn *fn);
	uint8_t (*wmask)(const struct sim_fn *fn, unsigned int bar, uint64_t off);
	void (*written)(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *buf,
			size_t len);
	/*
	 * A 64-byte store at @p off of a BAR in store64_bars, which the model
	 * consumes without storing (a DSA portal): the hook mmio_resolve hands
	 * the host (kernel/sim_vfio.c), so that a descriptor reaches the model
	 * with the checks a pwrite there gets from written(), and without a
	 * boundary call. NULL (or a BAR not in store64_bars): the host is told
	 * to map the BAR, as the kernel tells it.
	 */
	void (*store64)(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *src);
	uint32_t store64_bars;		/* bit per BAR */
};

extern const struct sim_model sim_model_simdma;
extern const struct sim_model sim_model_plain;
extern const struct sim_model sim_model_dsa;
extern const struct sim_model sim_model_dsa2;
extern const struct sim_model sim_model_edu;

struct sim_edu;

/* A BAR: a memfd so that a user's mmap and the model see the same bytes. */
struct sim_bar {
	uint32_t size;			/* 0: not implemented */
	int memfd;
	uint8_t *mem;			/* the sim's own mapping */
};

/* The interrupt handler of a function's driver for its MSI-X vectors (vfio-pci's). */
typedef void sim_msix_handler_t(struct sim_fn *fn, unsigned int vector);

/* ---- PCI functions (sim_pci.c) ---- */

struct sim_fn {
	struct pdk_sim *sim;
	char addr[16];
	struct pdk_sim_fn_config cfg;	/* cfg.pci_addr points at addr */
	const struct sim_model *model;
	struct sim_group *group;	/* the IOMMU's (sim_iommu_group_get()) */
	uint8_t config[SIM_CFG_SIZE];
	struct sim_bar bar[SIM_NUM_BARS];
	struct sim_dsa *dsa;		/* PDK_SIM_MODEL_DSA state, else NULL */
	struct sim_edu *edu;		/* PDK_SIM_MODEL_EDU state, else NULL */
	/* vfio-pci's device when that driver has the function (kernel/sim_vfio.c), else NULL */
	struct sim_vfio_dev *vdev;
	sim_msix_handler_t *msix_handler;	/* installed while MSI-X is enabled, else NULL */
	unsigned int index;		/* creation order: places its BARs on the bus */
	struct sim_fn *pf;		/* an SR-IOV VF's PF (cfg.physfn), else NULL */
	/* cfg.prs: the PRI capability's offset (0: none), pages of page requests waited on, the next PRG index */
	uint16_t pri_cap;
	unsigned int prq_outstanding;
	uint16_t prg_next;
	struct sim_fn *next;
};

/*
 * The page requests a function with cfg.prs may have outstanding
 * (PCI_PRI_ALLOC_REQ while PRI Control ENABLE is set, else 0): part of the
 * function's identity the IOMMU reads, like its PASID width.
 */
static inline uint32_t
sim_fn_pri_alloc(const struct sim_fn *fn)
{
	const uint8_t *c = fn->config + fn->pri_cap;

	if (fn->pri_cap == 0 || !(c[PCI_PRI_CTRL] & PCI_PRI_CTRL_ENABLE))
		return 0;
	return c[PCI_PRI_ALLOC_REQ] | (uint32_t)c[PCI_PRI_ALLOC_REQ + 1] << 8 |
	       (uint32_t)c[PCI_PRI_ALLOC_REQ + 2] << 16 | (uint32_t)c[PCI_PRI_ALLOC_REQ + 3] << 24;
}

/* The index of the function's next page request group: PCIe's PRG index is 9 bits. */
static inline uint16_t
sim_fn_prg_index(struct sim_fn *fn)
{
	return fn->prg_next++ & 0x1ff;
}

/* A PRG response the function no longer waits for came (PRI Status UPRGI, sim_pci.c). */
void sim_pci_pri_unexpected(struct sim_fn *fn);

/*
 * Make a function of @p model at the normalised address @p addr, for @p cfg
 * (checked by the caller), in its power-on state. It is not in sim->fns
 * yet: the caller links it once its group and driver are set.
 */
int sim_fn_create(struct pdk_sim *sim, const char *addr, const struct pdk_sim_fn_config *cfg,
		  const struct sim_model *model, struct sim_fn **out);
void sim_fn_free(struct sim_fn *fn);
/*
 * Check the config-space shape of @p cfg (pasid_offset, ecaps, hidden,
 * free_dvsec, physfn) against the sim's functions: 0, or -EINVAL with
 * *@p why and *@p fix (static text) for the caller's one log line.
 */
int sim_pci_shape_check(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg,
			const char **why, const char **fix);
/*
 * The Vendor and Device IDs the kernel keeps for the function (sysfs vendor
 * and device, what vfio-pci shows): a VF's config registers read ffff, and
 * the kernel takes its IDs from the PF (pci_iov_add_virtfn()).
 */
uint16_t sim_fn_vendor(const struct sim_fn *fn);
uint16_t sim_fn_device(const struct sim_fn *fn);
/*
 * The bus address the enumeration gave BAR @p bar (0: not implemented):
 * made up, fixed per function and non-overlapping, 32-bit non-prefetchable
 * memory as the BAR registers say. Its power-on value in config space, and
 * the start of its line in the sysfs resource file.
 */
uint64_t sim_pci_bar_bus_addr(const struct sim_fn *fn, unsigned int bar);
struct sim_fn *sim_fn_by_addr(struct pdk_sim *sim, const char *addr);
void sim_pci_enable(struct sim_fn *fn);
void sim_pci_disable(struct sim_fn *fn);
/* The model's power-on state (VFIO_DEVICE_RESET, bind, last close). */
void sim_pci_reset(struct sim_fn *fn);
int sim_pci_config_rw(struct sim_fn *fn, void *buf, size_t len, uint64_t pos, bool write);
uint16_t sim_pci_command(const struct sim_fn *fn);
void sim_pci_msix_set_enable(struct sim_fn *fn, bool on);
/* A model raises MSI-X vector @p vector: the driver's handler runs, if one is installed. */
void sim_pci_msix_raise(struct sim_fn *fn, unsigned int vector);
/* (PCI addresses are parsed by pdk_sys_pci_addr_parse(), PDK's one parser.) */

/*
 * Little-endian registers in BAR0 (the register file of every model), shared
 * by the models. @p off must leave room for the access inside the BAR.
 */
static inline uint32_t
sim_reg_rd32(const struct sim_fn *fn, uint64_t off)
{
	uint32_t v;

	memcpy(&v, fn->bar[0].mem + off, sizeof(v));
	return le32toh(v);
}

static inline uint64_t
sim_reg_rd64(const struct sim_fn *fn, uint64_t off)
{
	uint64_t v;

	memcpy(&v, fn->bar[0].mem + off, sizeof(v));
	return le64toh(v);
}

static inline void
sim_reg_wr32(struct sim_fn *fn, uint64_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(fn->bar[0].mem + off, &v, sizeof(v));
}

static inline void
sim_reg_wr64(struct sim_fn *fn, uint64_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(fn->bar[0].mem + off, &v, sizeof(v));
}

/* true when a host access [off, off + len) touches [reg, reg + size). */
static inline bool
sim_reg_touched(uint64_t off, size_t len, uint64_t reg, size_t size)
{
	return len > 0 && off < reg + size && reg < off + len;
}

#endif /* SIM_DEVICES_H */
