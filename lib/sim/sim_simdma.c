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

#include <endian.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static uint32_t
rd32(const struct sim_fn *fn, unsigned int off)
{
	uint32_t v;

	memcpy(&v, fn->regs + off, sizeof(v));
	return le32toh(v);
}

static uint64_t
rd64(const struct sim_fn *fn, unsigned int off)
{
	uint64_t v;

	memcpy(&v, fn->regs + off, sizeof(v));
	return le64toh(v);
}

static void
wr32(struct sim_fn *fn, unsigned int off, uint32_t v)
{
	v = htole32(v);
	memcpy(fn->regs + off, &v, sizeof(v));
}

static void
wr64(struct sim_fn *fn, unsigned int off, uint64_t v)
{
	v = htole64(v);
	memcpy(fn->regs + off, &v, sizeof(v));
}

void
sim_simdma_reset(struct sim_fn *fn)
{
	memset(fn->regs, 0, SIM_BAR0_SIZE);
	if (fn->cfg.model != PDK_SIM_MODEL_SIMDMA)
		return;
	wr32(fn, PDK_SIMDMA_REG_ID,
	     (uint32_t)PDK_SIMDMA_VENDOR_ID << 16 | PDK_SIMDMA_DEVICE_ID);
	wr32(fn, PDK_SIMDMA_REG_STATUS, PDK_SIMDMA_ST_DONE);
}

bool
sim_simdma_reg_writable(const struct sim_fn *fn, uint64_t off)
{
	if (fn->cfg.model != PDK_SIM_MODEL_SIMDMA)
		return true;
	if (off < PDK_SIMDMA_REG_ID + 4)
		return false;
	if (off >= PDK_SIMDMA_REG_STATUS && off < PDK_SIMDMA_REG_FAULT_ADDR + 8)
		return false;
	return true;
}

static uint32_t
sim_simdma_copy(struct sim_fn *fn, uint64_t *fault_addr)
{
	uint32_t len = rd32(fn, PDK_SIMDMA_REG_LEN);
	uint32_t preg = rd32(fn, PDK_SIMDMA_REG_PASID);
	uint64_t src = rd64(fn, PDK_SIMDMA_REG_SRC);
	uint64_t dst = rd64(fn, PDK_SIMDMA_REG_DST);
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

void
sim_simdma_bar_written(struct sim_fn *fn, uint64_t off, size_t len)
{
	uint64_t fault_addr = 0;
	uint32_t cmd, st;

	if (fn->cfg.model != PDK_SIM_MODEL_SIMDMA || len == 0 ||
	    off >= PDK_SIMDMA_REG_CMD + 4 || off + len <= PDK_SIMDMA_REG_CMD)
		return;
	cmd = rd32(fn, PDK_SIMDMA_REG_CMD);
	if (cmd == 0)
		return;
	wr32(fn, PDK_SIMDMA_REG_CMD, 0);
	wr64(fn, PDK_SIMDMA_REG_FAULT_ADDR, 0);
	if (cmd == PDK_SIMDMA_CMD_COPY)
		st = sim_simdma_copy(fn, &fault_addr);
	else
		st = PDK_SIMDMA_ST_ERROR;
	if (st == PDK_SIMDMA_ST_FAULT)
		wr64(fn, PDK_SIMDMA_REG_FAULT_ADDR, fault_addr);
	wr32(fn, PDK_SIMDMA_REG_STATUS, st);
	sim_vfio_signal_msix(fn, 0);
}
