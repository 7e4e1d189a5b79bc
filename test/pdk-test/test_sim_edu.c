/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * PDK_SIM_MODEL_EDU, the SIMULATION of QEMU's edu device, register by
 * register (facts: QEMU's docs/specs/edu.rst and hw/misc/edu.c; the model's
 * differences: doc/sim.md, "edu model"), through the device fd as a driver
 * reaches it. The tests written for the VM's edus (kernel_edu_*) run on it
 * under pdk-sim-run too (test/simrun, simrun_kernel_edu_*).
 */

#include <endian.h>
#include <linux/pci_regs.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "pdk_test.h"
#include "test_env.h"

#define EDU_ADDR "0000:00:05.0"
#define PG 4096u
#define IOVA 0x100000u
#define BUFWIN 0x40000u		/* the device buffer in the device's DMA space */

static const struct pdk_sim_fn_config edu_fn = {
	.pci_addr = EDU_ADDR,
	.model = PDK_SIM_MODEL_EDU,
};

static uint64_t
rd(struct test_env *e, uint32_t off, size_t len)
{
	uint64_t v = 0;

	if (pdk_vfio_bar_read(e->dev, 0, off, &v, len) < 0)
		return 0xdead;
	return le64toh(v);
}

static int
wr(struct test_env *e, uint32_t off, uint64_t v, size_t len)
{
	v = htole64(v);
	return pdk_vfio_bar_write(e->dev, 0, off, &v, len);
}

static int
master(struct test_env *e, bool on)
{
	uint16_t cmd = PCI_COMMAND_MEMORY | (on ? PCI_COMMAND_MASTER : 0);

	return pdk_vfio_config_write(e->dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

/* One DMA: @return the command register after it. */
static uint64_t
dma(struct test_env *e, uint64_t src, uint64_t dst, uint64_t cnt, uint64_t cmd)
{
	if (wr(e, 0x80, src, 8) < 0 || wr(e, 0x88, dst, 8) < 0 || wr(e, 0x90, cnt, 8) < 0 ||
	    wr(e, 0x98, cmd, 8) < 0)
		return 0xdead;
	return rd(e, 0x98, 8);
}

/* Identity, config space, BAR0 and the registers without DMA. */
static int
test_sim_edu_regs(struct test_env *e)
{
	struct pdk_vfio_region r;
	uint32_t ids = 0;
	uint8_t rev = 0, cls[3] = { 0 };

	TEST_ASSERT_OK(pdk_vfio_config_read(e->dev, PCI_VENDOR_ID, &ids, sizeof(ids)));
	TEST_ASSERT_EQ(le32toh(ids), 0x11e81234u);
	TEST_ASSERT_OK(pdk_vfio_config_read(e->dev, PCI_REVISION_ID, &rev, 1));
	TEST_ASSERT_EQ(rev, 0x10);
	TEST_ASSERT_OK(pdk_vfio_config_read(e->dev, PCI_CLASS_PROG, cls, 3));
	TEST_ASSERT(cls[2] == 0xff && cls[1] == 0 && cls[0] == 0, "class %02x%02x%02x", cls[2],
		    cls[1], cls[0]);
	TEST_ASSERT_OK(pdk_vfio_region_info(e->dev, VFIO_PCI_BAR0_REGION_INDEX, &r));
	TEST_ASSERT_EQ(r.size, 1u << 20);

	TEST_ASSERT_EQ(rd(e, 0x00, 4), 0x010000edu);
	/* liveness: the inverse of what was written */
	TEST_ASSERT_EQ(rd(e, 0x04, 4), 0);
	TEST_ASSERT_OK(wr(e, 0x04, 0x12345678, 4));
	TEST_ASSERT_EQ(rd(e, 0x04, 4), 0xedcba987u);
	/* only 4-byte accesses below 0x80: a 2- or 8-byte write is ignored */
	TEST_ASSERT_OK(wr(e, 0x04, 0, 2));
	TEST_ASSERT_OK(wr(e, 0x00, 0, 8));
	TEST_ASSERT_EQ(rd(e, 0x04, 4), 0xedcba987u);
	TEST_ASSERT_EQ(rd(e, 0x00, 4), 0x010000edu);
	/* the identification register is read-only */
	TEST_ASSERT_OK(wr(e, 0x00, 0, 4));
	TEST_ASSERT_EQ(rd(e, 0x00, 4), 0x010000edu);
	/* factorial, 32 bits wrapping; done at once (COMPUTING never seen) */
	TEST_ASSERT_OK(wr(e, 0x08, 10, 4));
	TEST_ASSERT_EQ(rd(e, 0x20, 4) & 0x01, 0);
	TEST_ASSERT_EQ(rd(e, 0x08, 4), 3628800u);
	TEST_ASSERT_OK(wr(e, 0x08, 13, 4));
	TEST_ASSERT_EQ(rd(e, 0x08, 4), 1932053504u);	/* 13! mod 2^32 */
	TEST_ASSERT_OK(wr(e, 0x08, 0, 4));
	TEST_ASSERT_EQ(rd(e, 0x08, 4), 1);
	/* status: only IRQFACT is writable */
	TEST_ASSERT_OK(wr(e, 0x20, 0xffffffff, 4));
	TEST_ASSERT_EQ(rd(e, 0x20, 4), 0x80);
	TEST_ASSERT_OK(wr(e, 0x20, 0, 4));
	TEST_ASSERT_EQ(rd(e, 0x20, 4), 0);
	/* offsets edu does not decode read all-ones, the write-only raise/ack too */
	TEST_ASSERT_EQ(rd(e, 0x10, 4), 0xffffffffu);
	TEST_ASSERT_EQ(rd(e, 0x60, 4), 0xffffffffu);
	TEST_ASSERT_EQ(rd(e, 0x40000, 4), 0xffffffffu);
	TEST_ASSERT_OK(wr(e, 0x10, 0, 4));
	TEST_ASSERT_EQ(rd(e, 0x10, 4), 0xffffffffu);
	/* DMA registers take 4 and 8 bytes; a 4-byte write zero-extends */
	TEST_ASSERT_OK(wr(e, 0x80, 0x1122334455667788ull, 8));
	TEST_ASSERT_EQ(rd(e, 0x80, 8), 0x1122334455667788ull);
	TEST_ASSERT_OK(wr(e, 0x80, 0xaabbccdd, 4));
	TEST_ASSERT_EQ(rd(e, 0x80, 8), 0xaabbccddull);
	TEST_ASSERT_OK(wr(e, 0x80, 0, 2));
	TEST_ASSERT_EQ(rd(e, 0x80, 8), 0xaabbccddull);
	/* a command without the run bit is ignored */
	TEST_ASSERT_OK(wr(e, 0x98, 0x6, 8));
	TEST_ASSERT_EQ(rd(e, 0x98, 8), 0);
	/* a reset (VFIO_DEVICE_RESET) gives the power-on state */
	TEST_ASSERT_OK(raw_device_ioctl(e, VFIO_DEVICE_RESET, NULL));
	TEST_ASSERT_EQ(rd(e, 0x04, 4), 0);
	TEST_ASSERT_EQ(rd(e, 0x80, 8), 0);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_edu_regs, fast, test_sim_edu_regs, .fn = &edu_fn, .bind = true);

/* Interrupts: status, raise, ack; MSI-X vector 0 signalled while the status is non-zero. */
static int
test_sim_edu_irq(struct test_env *e)
{
	const int *efds;
	uint64_t n = 0;
	struct pollfd p;

	TEST_ASSERT_OK(pdk_vfio_msix_enable(e->dev, 1, &efds));
	p = (struct pollfd){ .fd = efds[0], .events = POLLIN };
	TEST_ASSERT_OK(wr(e, 0x60, 0x5, 4));
	TEST_ASSERT_EQ(rd(e, 0x24, 4), 0x5);
	TEST_ASSERT(poll(&p, 1, 1000) == 1 && read(efds[0], &n, sizeof(n)) == sizeof(n) && n == 1,
		    "raise: vector 0 not signalled once (%llu)", (unsigned long long)n);
	/* ack clears the bits given; a raise of 0 with nothing pending signals nothing */
	TEST_ASSERT_OK(wr(e, 0x64, 0x5, 4));
	TEST_ASSERT_EQ(rd(e, 0x24, 4), 0);
	TEST_ASSERT_OK(wr(e, 0x60, 0, 4));
	TEST_ASSERT(poll(&p, 1, 0) == 0, "a raise of nothing signalled");
	/* the factorial's interrupt when status IRQFACT is set: FACT_IRQ 0x1 */
	TEST_ASSERT_OK(wr(e, 0x20, 0x80, 4));
	TEST_ASSERT_OK(wr(e, 0x08, 5, 4));
	TEST_ASSERT_EQ(rd(e, 0x08, 4), 120);
	TEST_ASSERT_EQ(rd(e, 0x24, 4), 0x1);
	TEST_ASSERT(poll(&p, 1, 1000) == 1 && read(efds[0], &n, sizeof(n)) == sizeof(n),
		    "factorial interrupt not signalled");
	TEST_ASSERT_OK(wr(e, 0x64, 0x1, 4));
	/* a DMA with EDU_DMA_IRQ (even one that moves nothing): DMA_IRQ 0x100 */
	TEST_ASSERT_EQ(dma(e, 0, BUFWIN, 8, 0x1 | 0x4), 0x4);
	TEST_ASSERT_EQ(rd(e, 0x24, 4), 0x100);
	TEST_ASSERT(poll(&p, 1, 1000) == 1, "DMA interrupt not signalled");
	TEST_ASSERT_OK(pdk_vfio_msix_disable(e->dev));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_edu_irq, fast, test_sim_edu_irq, .fn = &edu_fn, .bind = true);

/* The DMA engine through the IOMMU: the buffer window, the mask, bus mastering, faults. */
static int
test_sim_edu_dma(struct test_env *e)
{
	uint8_t *ram = e->buf;
	struct pdk_sim_fault f;

	TEST_ASSERT_OK(raw_attach(e, 0, 0, e->hwpt));
	TEST_ASSERT_OK(raw_map_fixed(e, e->ioas, RW, ram, 2 * PG, IOVA));
	TEST_ASSERT_OK(master(e, true));
	test_pattern_fill(ram, PG, 7);

	/* RAM -> device buffer (at +0x100) -> RAM; the run bit reads 0 after */
	TEST_ASSERT_EQ(dma(e, IOVA, BUFWIN + 0x100, 256, 0x1), 0);
	TEST_ASSERT_EQ(dma(e, BUFWIN + 0x100, IOVA + PG, 256, 0x3), 0x2);
	TEST_ASSERT_EQ(test_pattern_diff(ram + PG, 256, 7, "round trip"), 0);
	TEST_ASSERT(test_all_bytes(ram + PG + 256, 0, PG - 256), "bytes beyond the count moved");

	/* address bits above the 28-bit mask are dropped, with a log line */
	memset(ram + PG, 0, PG);
	test_log_capture_start();
	TEST_ASSERT_EQ(dma(e, BUFWIN + 0x100, (1ull << 40) | (IOVA + PG), 256, 0x3), 0x2);
	TEST_ASSERT_LOGGED("beyond the 28-bit DMA mask");
	test_log_clear();
	TEST_ASSERT_EQ(test_pattern_diff(ram + PG, 256, 7, "clamped destination"), 0);

	/* outside the 4 KiB buffer window: nothing moves, logged */
	memset(ram + PG, 0, PG);
	TEST_ASSERT_EQ(dma(e, BUFWIN + 0xf00, IOVA + PG, 0x200, 0x3), 0x2);
	TEST_ASSERT_LOGGED("outside the device buffer");
	test_log_clear();
	TEST_ASSERT_EQ(dma(e, IOVA, BUFWIN - 8, 16, 0x1), 0);
	TEST_ASSERT_LOGGED("outside the device buffer");
	test_log_capture_stop();
	TEST_ASSERT(test_all_bytes(ram + PG, 0, PG), "a refused transfer moved bytes");

	/* without bus mastering nothing moves (and the command completes) */
	TEST_ASSERT_OK(master(e, false));
	TEST_ASSERT_EQ(dma(e, BUFWIN + 0x100, IOVA + PG, 256, 0x3), 0x2);
	TEST_ASSERT(test_all_bytes(ram + PG, 0, PG), "DMA without bus mastering");
	TEST_ASSERT_OK(master(e, true));

	/* an unmapped IOVA: an IOMMU fault on the RID, the device buffer keeps its bytes */
	while (pdk_sim_fault_pop(e->sim, NULL) == 0)
		;
	TEST_ASSERT_EQ(dma(e, IOVA + 16 * PG, BUFWIN + 0x100, 256, 0x1), 0);
	TEST_ASSERT_OK(pdk_sim_fault_pop(e->sim, &f));
	TEST_ASSERT(!f.pasid_valid && f.iova == IOVA + 16 * PG && !f.write, "fault %s 0x%llx",
		    f.reason, (unsigned long long)f.iova);
	TEST_ASSERT_EQ(dma(e, BUFWIN + 0x100, IOVA + PG, 256, 0x3), 0x2);
	TEST_ASSERT_EQ(test_pattern_diff(ram + PG, 256, 7, "after the refused read"), 0);

	TEST_ASSERT_OK(raw_unmap(e, e->ioas, IOVA, 2 * PG));
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_edu_dma, fast, test_sim_edu_dma, .fn = &edu_fn, .hwpt = TEST_HWPT_PLAIN,
	     .buf = 2 * PG);
