/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A SIMULATION of QEMU's educational PCI device "edu" (PDK_SIM_MODEL_EDU),
 * so that the tests written for the VM's edu devices run against the sim.
 * It is not QEMU's code: the register map and behaviour are facts read from
 * QEMU's docs/specs/edu.rst and hw/misc/edu.c (the symbols are named where
 * each is used), written here anew. doc/sim.md ("edu model") lists where
 * the model differs from QEMU's device.
 *
 * The register file is BAR0's memory, as in the other models: a read
 * returns those bytes (the sim's BAR path has no read hook), so the model
 * keeps each register's value there and fills every offset edu does not
 * decode with all-ones (edu_mmio_read() returns ~0 there). No host write
 * lands by itself (wmask 0 everywhere): written() decodes each one as
 * edu_mmio_write() does, by offset and width, and stores what it must.
 *
 * The factorial and the DMA run synchronously in the writing thread,
 * where QEMU runs the factorial in a thread (edu_fact_thread()) and the DMA
 * 100 ms of virtual time after the command (dma_rw(), edu_dma_timer()):
 * the status and command registers read "done" at once.
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "sim_devices.h"
#include "../iommu/sim_iommu.h"

/* Facts of QEMU's hw/misc/edu.c (symbol in parentheses). */
#define EDU_BAR0_SIZE		(1u << 20)	/* "edu-mmio", 1 * MiB (pci_edu_realize) */
#define EDU_REVISION		0x10		/* k->revision (edu_class_init) */
#define EDU_CLASS		0xff0000	/* PCI_CLASS_OTHERS (edu_class_init) */
#define EDU_ID_VALUE		0x010000edu	/* register 0x00 (edu_mmio_read) */
#define EDU_REG_ID		0x00
#define EDU_REG_ALIVE		0x04		/* reads ~ what was written (addr4) */
#define EDU_REG_FACT		0x08
#define EDU_REG_STATUS		0x20
#define EDU_STATUS_COMPUTING	0x01u		/* EDU_STATUS_COMPUTING, read-only */
#define EDU_STATUS_IRQFACT	0x80u		/* EDU_STATUS_IRQFACT */
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_REG_END		0xa0		/* past the last decoded register */
#define EDU_DMA_RUN		0x1u		/* EDU_DMA_RUN */
#define EDU_DMA_TO_PCI		0x2u		/* EDU_DMA_DIR(): 1 = device buffer -> RAM */
#define EDU_DMA_IRQ		0x4u		/* EDU_DMA_IRQ: raise DMA_IRQ when done */
#define EDU_FACT_IRQ		0x00000001u	/* FACT_IRQ */
#define EDU_DMA_IRQ_BIT		0x00000100u	/* DMA_IRQ */
#define EDU_DMA_START		0x40000u	/* DMA_START: the buffer in the device's space */
#define EDU_DMA_SIZE		4096u		/* DMA_SIZE */
#define EDU_DMA_MASK		((UINT64_C(1) << 28) - 1)	/* dma_mask (edu_instance_init) */

struct sim_edu {
	uint8_t buf[EDU_DMA_SIZE];	/* dma_buf: not in BAR0, reached only by DMA */
};

static int
sim_edu_init(struct sim_fn *fn)
{
	fn->edu = calloc(1, sizeof(*fn->edu));
	return fn->edu != NULL ? 0 : -ENOMEM;
}

static void
sim_edu_fini(struct sim_fn *fn)
{
	free(fn->edu);
	fn->edu = NULL;
}

static void
sim_edu_reset(struct sim_fn *fn)
{
	/* undecoded offsets read all-ones, decoded registers start at 0 */
	memset(fn->bar[0].mem, 0xff, fn->bar[0].size);
	memset(fn->bar[0].mem, 0, EDU_REG_END);
	memset(fn->bar[0].mem + 0x0c, 0xff, EDU_REG_STATUS - 0x0c);
	memset(fn->bar[0].mem + 0x28, 0xff, EDU_REG_DMA_SRC - 0x28);
	sim_reg_wr32(fn, EDU_REG_ID, EDU_ID_VALUE);
	memset(fn->edu->buf, 0, sizeof(fn->edu->buf));
}

/* Every byte of BAR0 changes only through written(). */
static uint8_t
sim_edu_wmask(const struct sim_fn *fn, unsigned int bar, uint64_t off)
{
	(void)fn;
	(void)bar;
	(void)off;
	return 0;
}

/* edu_raise_irq(): the status takes the bits; a non-zero status signals. */
static void
sim_edu_raise(struct sim_fn *fn, uint32_t bits)
{
	uint32_t st = sim_reg_rd32(fn, EDU_REG_IRQ_STATUS) | bits;

	sim_reg_wr32(fn, EDU_REG_IRQ_STATUS, st);
	/* QEMU signals MSI vector 0 (or INTx); the sim's functions have MSI-X: vector 0 */
	if (st != 0)
		sim_pci_msix_raise(fn, 0);
}

static void
sim_edu_fact(struct sim_fn *fn, uint32_t n)
{
	uint32_t ret = 1;

	/* edu_fact_thread(): a 32-bit product, wrapping */
	while (n > 0)
		ret *= n--;
	sim_reg_wr32(fn, EDU_REG_FACT, ret);
	if (sim_reg_rd32(fn, EDU_REG_STATUS) & EDU_STATUS_IRQFACT)
		sim_edu_raise(fn, EDU_FACT_IRQ);
}

/* edu_clamp_addr(): address bits above the DMA mask are dropped. */
static uint64_t
sim_edu_clamp(struct sim_fn *fn, uint64_t addr)
{
	if ((addr & ~EDU_DMA_MASK) != 0)
		SIM_LOG(WARNING, "%s (simulated edu): DMA address 0x%" PRIx64
			" beyond the 28-bit DMA mask, clamped to 0x%" PRIx64, fn->addr, addr,
			addr & EDU_DMA_MASK);
	return addr & EDU_DMA_MASK;
}

/* edu_dma_timer(), run at once: one transfer between RAM and the device buffer. */
static void
sim_edu_dma(struct sim_fn *fn)
{
	uint64_t cmd = sim_reg_rd64(fn, EDU_REG_DMA_CMD);
	uint64_t src = sim_reg_rd64(fn, EDU_REG_DMA_SRC);
	uint64_t dst = sim_reg_rd64(fn, EDU_REG_DMA_DST);
	uint64_t cnt = sim_reg_rd64(fn, EDU_REG_DMA_CNT);
	bool to_ram = (cmd & EDU_DMA_TO_PCI) != 0;
	uint64_t win = to_ram ? src : dst, ram = to_ram ? dst : src, fault = 0;
	uint8_t bounce[EDU_DMA_SIZE];
	int rc;

	/*
	 * edu_check_range() only logs a range outside the buffer, and QEMU then
	 * copies outside dma_buf; the model refuses it and moves nothing.
	 */
	if (win < EDU_DMA_START || cnt > EDU_DMA_SIZE || win - EDU_DMA_START > EDU_DMA_SIZE - cnt) {
		SIM_LOG(WARNING, "%s (simulated edu): DMA of %" PRIu64 " bytes at device "
			"address 0x%" PRIx64 " is outside the device buffer [0x%x, 0x%x): nothing moved",
			fn->addr, cnt, win, EDU_DMA_START, EDU_DMA_START + EDU_DMA_SIZE);
	} else if (!(sim_pci_command(fn) & PCI_COMMAND_MASTER)) {
		/* no bus mastering: the function issues no request, nothing moves */
	} else if (to_ram) {
		rc = sim_iommu_dma(fn, false, 0, sim_edu_clamp(fn, ram),
				   fn->edu->buf + (win - EDU_DMA_START), cnt, true, &fault);
		(void)rc;	/* edu reports no error: a fault is recorded by the IOMMU */
	} else {
		rc = sim_iommu_dma(fn, false, 0, sim_edu_clamp(fn, ram), bounce, cnt, false, &fault);
		if (rc == 0)
			memcpy(fn->edu->buf + (win - EDU_DMA_START), bounce, cnt);
	}
	sim_reg_wr64(fn, EDU_REG_DMA_CMD, cmd & ~(uint64_t)EDU_DMA_RUN);
	if (cmd & EDU_DMA_IRQ)
		sim_edu_raise(fn, EDU_DMA_IRQ_BIT);
}

/* edu_mmio_write(): one host write, decoded by offset and width. */
static void
sim_edu_written(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *buf, size_t len)
{
	uint64_t val = 0;
	uint32_t v32, st;
	bool running;

	if (bar != 0)
		return;
	/* 4-byte accesses below 0x80, 4 or 8 from 0x80 on; others are ignored */
	if (off < EDU_REG_DMA_SRC ? len != 4 : len != 4 && len != 8)
		return;
	memcpy(&val, buf, len);
	val = le64toh(val);
	v32 = (uint32_t)val;
	running = (sim_reg_rd64(fn, EDU_REG_DMA_CMD) & EDU_DMA_RUN) != 0;
	switch (off) {
	case EDU_REG_ALIVE:
		sim_reg_wr32(fn, EDU_REG_ALIVE, ~v32);
		break;
	case EDU_REG_FACT:
		if (!(sim_reg_rd32(fn, EDU_REG_STATUS) & EDU_STATUS_COMPUTING))
			sim_edu_fact(fn, v32);
		break;
	case EDU_REG_STATUS:
		st = sim_reg_rd32(fn, EDU_REG_STATUS) & ~EDU_STATUS_IRQFACT;
		sim_reg_wr32(fn, EDU_REG_STATUS, st | (v32 & EDU_STATUS_IRQFACT));
		break;
	case EDU_REG_IRQ_RAISE:
		sim_edu_raise(fn, v32);
		break;
	case EDU_REG_IRQ_ACK:
		sim_reg_wr32(fn, EDU_REG_IRQ_STATUS, sim_reg_rd32(fn, EDU_REG_IRQ_STATUS) & ~v32);
		break;
	case EDU_REG_DMA_SRC:
	case EDU_REG_DMA_DST:
	case EDU_REG_DMA_CNT:
		/* dma_rw(): ignored while a transfer runs; a 4-byte write zero-extends */
		if (!running)
			sim_reg_wr64(fn, off, val);
		break;
	case EDU_REG_DMA_CMD:
		if (!(val & EDU_DMA_RUN) || running)
			break;
		sim_reg_wr64(fn, EDU_REG_DMA_CMD, val);
		sim_edu_dma(fn);
		break;
	default:
		break;
	}
}

const struct sim_model sim_model_edu = {
	.name = "simulated QEMU edu",
	.vendor_id = 0x1234,	/* PCI_VENDOR_ID_QEMU */
	.device_id = 0x11e8,
	.revision = EDU_REVISION,
	.class_code = EDU_CLASS,
	.bar_size = { EDU_BAR0_SIZE },
	.init = sim_edu_init,
	.fini = sim_edu_fini,
	.reset = sim_edu_reset,
	.wmask = sim_edu_wmask,
	.written = sim_edu_written,
};
