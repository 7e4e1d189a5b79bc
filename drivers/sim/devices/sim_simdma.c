/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * "pdk-sim-dma": a one-channel copy engine invented for PDK's tests and
 * examples (register map in pdk_sim.h). Its register file is the memory of
 * BAR0 itself, so an mmap of the BAR and the model see the same bytes. A
 * command starts when the host writes REG_CMD through the device fd (the
 * doorbell); the copy runs synchronously through the function's DMA port,
 * read first into a bounce buffer then written, so overlapping ranges copy
 * like memmove and a fault on either side leaves the destination untouched.
 *
 * A store through an mmap cannot be trapped by a userspace model, so a
 * command written to REG_CMD through the mapping does not start: the
 * doorbell must go through pwrite().
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "sim_devices.h"
#include "../iommu/sim_iommu.h"

static void
sim_simdma_reset(struct sim_fn *fn)
{
	memset(fn->bar[0].mem, 0, fn->bar[0].size);
	sim_reg_wr32(fn, PDK_SIMDMA_REG_ID,
		     (uint32_t)PDK_SIMDMA_VENDOR_ID << 16 | PDK_SIMDMA_DEVICE_ID);
	sim_reg_wr32(fn, PDK_SIMDMA_REG_STATUS, PDK_SIMDMA_ST_DONE);
}

/* ID, STATUS and FAULT_ADDR are read-only. */
static uint8_t
sim_simdma_wmask(const struct sim_fn *fn, unsigned int bar, uint64_t off)
{
	(void)fn;
	(void)bar;
	if (off < PDK_SIMDMA_REG_ID + 4)
		return 0;
	if (off >= PDK_SIMDMA_REG_STATUS && off < PDK_SIMDMA_REG_FAULT_ADDR + 8)
		return 0;
	return 0xff;
}

static uint32_t
sim_simdma_copy(struct sim_fn *fn, uint64_t *fault_addr)
{
	uint32_t len = sim_reg_rd32(fn, PDK_SIMDMA_REG_LEN);
	uint32_t preg = sim_reg_rd32(fn, PDK_SIMDMA_REG_PASID);
	uint64_t src = sim_reg_rd64(fn, PDK_SIMDMA_REG_SRC);
	uint64_t dst = sim_reg_rd64(fn, PDK_SIMDMA_REG_DST);
	bool pasid_en = (preg & PDK_SIMDMA_PASID_EN) != 0;
	uint32_t pasid = preg & PDK_SIMDMA_PASID_MASK;
	uint32_t st = PDK_SIMDMA_ST_DONE;
	void *bounce;
	int rc;

	if (len == 0 || len > PDK_SIMDMA_MAX_LEN)
		return PDK_SIMDMA_ST_ERROR;
	/* Without bus mastering the function issues no request at all. */
	if (!(sim_pci_command(fn) & PCI_COMMAND_MASTER))
		return PDK_SIMDMA_ST_ERROR;
	if (pasid_en && fn->cfg.pasid_bits == 0)
		return PDK_SIMDMA_ST_ERROR;
	bounce = malloc(len);
	if (bounce == NULL)
		return PDK_SIMDMA_ST_ERROR;
	rc = sim_iommu_dma(fn, pasid_en, pasid, src, bounce, len, false, fault_addr);
	if (rc == 0)
		rc = sim_iommu_dma(fn, pasid_en, pasid, dst, bounce, len, true, fault_addr);
	if (rc == -EFAULT)
		st = PDK_SIMDMA_ST_FAULT;
	else if (rc < 0)
		st = PDK_SIMDMA_ST_ERROR;
	free(bounce);
	return st;
}

/* The doorbell: a host write touching REG_CMD with a non-zero command. */
static void
sim_simdma_written(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *buf,
		   size_t len)
{
	uint64_t fault_addr = 0;
	uint32_t cmd, st;

	(void)buf;
	if (bar != 0 || !sim_reg_touched(off, len, PDK_SIMDMA_REG_CMD, 4))
		return;
	cmd = sim_reg_rd32(fn, PDK_SIMDMA_REG_CMD);
	if (cmd == 0)
		return;
	sim_reg_wr32(fn, PDK_SIMDMA_REG_CMD, 0);
	sim_reg_wr64(fn, PDK_SIMDMA_REG_FAULT_ADDR, 0);
	if (cmd == PDK_SIMDMA_CMD_COPY)
		st = sim_simdma_copy(fn, &fault_addr);
	else
		st = PDK_SIMDMA_ST_ERROR;
	if (st == PDK_SIMDMA_ST_FAULT)
		sim_reg_wr64(fn, PDK_SIMDMA_REG_FAULT_ADDR, fault_addr);
	sim_reg_wr32(fn, PDK_SIMDMA_REG_STATUS, st);
	sim_pci_msix_raise(fn, 0);
}

const struct sim_model sim_model_simdma = {
	.name = "pdk-sim-dma",
	.vendor_id = PDK_SIMDMA_VENDOR_ID,
	.device_id = PDK_SIMDMA_DEVICE_ID,
	/* 0x0880: system peripheral, other (the class DMA engines such as DSA use). */
	.class_code = 0x088000,
	.bar_size = { SIM_BAR0_SIZE },
	.reset = sim_simdma_reset,
	.wmask = sim_simdma_wmask,
	.written = sim_simdma_written,
};
