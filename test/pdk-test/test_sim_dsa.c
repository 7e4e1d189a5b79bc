/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The SIMULATED kernel's DSA model (PDK_SIM_MODEL_DSA, doc/sim.md "DSA
 * model"), driven at the register level through lib/vfio as a driver would:
 * capabilities, commands and their error codes, portals, the engine, and
 * DMA tagged with a WQ's PASID through lib/dma + lib/pasid address spaces.
 * These check the model against the facts of pdk_idxd.h; they are not
 * results of DSA hardware.
 */

#include <endian.h>
#include <linux/pci_regs.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pdk_idxd.h"
#include "pdk_pcicfg.h"
#include "pdk_test.h"
#include "pdk_sys.h"
#include "test_env.h"

#define DSA_ADDR	"0000:6a:01.0"
#define BUF_LEN		(1u << 20)
#define SRC_OFF		0u		/* in each buffer: data to copy */
#define DST_OFF		(256u << 10)	/* where copies land */
#define COMP_OFF	(512u << 10)	/* completion records, 32 bytes each */
#define LIST_OFF	(768u << 10)	/* batch descriptor lists */
#define FAR_IOVA	0x40000000ull	/* the second space's buffer: mapped there only */
#define WAIT_NS		(5ull * 1000 * 1000 * 1000)
#define RECORD_FLAGS	(PDK_IDXD_FLAG_CRAV | PDK_IDXD_FLAG_RCR)
/* SWERR bits software writes 1 to clear */
#define SWERR_ACK	(PDK_IDXD_SWERR_VALID | PDK_IDXD_SWERR_OVERFLOW)

/* A DSA function, its PASID space, and two address spaces with a buffer each. */
struct dsa_t {
	struct test_env env;
	struct pdk_sim_fn *fn;
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as[2];
	struct pdk_pasid_ctx *ctx[2];
	uint8_t *buf[2];
	uint64_t iova[2];	/* of buf[i] in as[i] */
	uint32_t pasid[2];	/* attached to as[i] */
	uint32_t grpcfg;	/* table offsets, from the OFFSETS register */
	uint32_t wqcfg;
	uint32_t wqcfg_size;	/* bytes per WQ, from WQCAP */
};

static const struct pdk_sim_fn_config dsa_fn = {
	.pci_addr = DSA_ADDR,
	.model = PDK_SIM_MODEL_DSA,
	.pasid_bits = 20,
};

/* ---- registers through the device fd ---- */

static uint32_t
rd32(struct dsa_t *t, uint32_t off)
{
	uint32_t v = UINT32_MAX;

	if (pdk_vfio_bar_read(t->env.dev, PDK_IDXD_MMIO_BAR, off, &v, sizeof(v)) < 0)
		return UINT32_MAX;
	return le32toh(v);
}

static uint64_t
rd64(struct dsa_t *t, uint32_t off)
{
	uint64_t v = UINT64_MAX;

	if (pdk_vfio_bar_read(t->env.dev, PDK_IDXD_MMIO_BAR, off, &v, sizeof(v)) < 0)
		return UINT64_MAX;
	return le64toh(v);
}

static int
wr32(struct dsa_t *t, uint32_t off, uint32_t v)
{
	v = htole32(v);
	return pdk_vfio_bar_write(t->env.dev, PDK_IDXD_MMIO_BAR, off, &v, sizeof(v));
}

static int
wr64(struct dsa_t *t, uint32_t off, uint64_t v)
{
	v = htole64(v);
	return pdk_vfio_bar_write(t->env.dev, PDK_IDXD_MMIO_BAR, off, &v, sizeof(v));
}

/* Run a command: @return CMDSTS as read back right after the write. */
static uint32_t
cmd(struct dsa_t *t, enum pdk_idxd_cmd c, uint32_t operand)
{
	if (wr32(t, PDK_IDXD_REG_CMD, PDK_IDXD_CMD(c, operand)) < 0)
		return UINT32_MAX;
	return rd32(t, PDK_IDXD_REG_CMDSTS);
}

static uint32_t
wqcfg_reg(const struct dsa_t *t, unsigned int wq, unsigned int dw)
{
	return t->wqcfg + PDK_IDXD_WQCFG(wq, t->wqcfg_size, dw);
}

/* A dedicated WQ of @p size; PASID_EN with @p pasid when @p pasid_en. */
static int
wq_config(struct dsa_t *t, unsigned int wq, uint16_t size, bool pasid_en, uint32_t pasid,
	  unsigned int xfer_shift, unsigned int batch_shift)
{
	uint32_t mode = PDK_IDXD_WQCFG_MODE_DEDICATED | pasid << PDK_IDXD_WQCFG_PASID_SHIFT |
			(pasid_en ? PDK_IDXD_WQCFG_PASID_EN : 0);
	int rc;

	rc = wr32(t, wqcfg_reg(t, wq, PDK_IDXD_WQCFG_SIZE_DW), size);
	if (rc == 0)
		rc = wr32(t, wqcfg_reg(t, wq, PDK_IDXD_WQCFG_MODE_DW), mode);
	if (rc == 0)
		rc = wr32(t, wqcfg_reg(t, wq, PDK_IDXD_WQCFG_XFER_DW),
			  xfer_shift << PDK_IDXD_WQCFG_MAX_XFER_SHIFT |
			  batch_shift << PDK_IDXD_WQCFG_MAX_BATCH_SHIFT);
	return rc;
}

static int
group_config(struct dsa_t *t, unsigned int g, uint64_t wqs, uint64_t engines)
{
	int rc = wr64(t, t->grpcfg + PDK_IDXD_GRPCFG_WQS(g, 0), wqs);

	return rc == 0 ? wr64(t, t->grpcfg + PDK_IDXD_GRPCFG_ENGINES(g), engines) : rc;
}

static uint32_t
wq_state(struct dsa_t *t, unsigned int wq)
{
	return rd32(t, wqcfg_reg(t, wq, PDK_IDXD_WQCFG_STATE_DW)) >> PDK_IDXD_WQCFG_STATE_SHIFT;
}

/* ---- descriptors and records ---- */

static struct pdk_idxd_completion *
rec(struct dsa_t *t, unsigned int k)
{
	return (struct pdk_idxd_completion *)(t->buf[0] + COMP_OFF) + k;
}

static uint64_t
rec_iova(struct dsa_t *t, unsigned int k)
{
	return t->iova[0] + COMP_OFF + (uint64_t)k * sizeof(struct pdk_idxd_completion);
}

static void
desc_set(struct pdk_idxd_desc *d, uint8_t op, uint32_t flags, uint64_t comp, uint64_t src,
	 uint64_t dst, uint32_t size)
{
	memset(d, 0, sizeof(*d));
	d->op_flags = PDK_IDXD_OP_FLAGS(op, flags);
	d->completion_addr = comp;
	d->src = src;
	d->dst = dst;
	d->size = size;
}

static int
submit(struct dsa_t *t, unsigned int wq, const struct pdk_idxd_desc *d)
{
	return pdk_vfio_bar_write(t->env.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(wq), d,
				  sizeof(*d));
}

/* Wait for the device to write the record's status: @return it, 0 on timeout. */
static uint8_t
wait_rec(const struct pdk_idxd_completion *c)
{
	uint64_t deadline = pdk_sys_monotonic_ns() + WAIT_NS;
	uint8_t st;

	while ((st = __atomic_load_n(&c->status, __ATOMIC_ACQUIRE)) == 0 && pdk_sys_monotonic_ns() < deadline)
		;
	return st & PDK_IDXD_COMP_STATUS_MASK;
}

/* Submit @p d (its record k) on @p wq and wait for its status. */
static uint8_t
run(struct dsa_t *t, unsigned int wq, struct pdk_idxd_desc *d, unsigned int k)
{
	memset(rec(t, k), 0, sizeof(struct pdk_idxd_completion));
	if (submit(t, wq, d) < 0)
		return 0xff;
	return wait_rec(rec(t, k));
}

/* A NOOP with record k on @p wq: once done, everything before it on the WQ is. */
static uint8_t
fence_noop(struct dsa_t *t, unsigned int wq, unsigned int k)
{
	struct pdk_idxd_desc d;

	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(t, k), 0, 0, 0);
	return run(t, wq, &d, k);
}

/* ---- fixture ---- */

/*
 * The DSA (@p fcfg, on a sim of @p scfg, NULL: the defaults) with bus
 * mastering on; with @p spaces, its PASID space, as[0] (buf[0] at an
 * allocated IOVA, PASID pasid[0]) and as[1] (buf[1] at FAR_IOVA, PASID
 * pasid[1]), each with fault handler @p cb (NULL: none) and its cb_arg[i].
 */
static int
dsa_setup_with(struct dsa_t *t, const struct pdk_sim_config *scfg,
	       const struct pdk_sim_fn_config *fcfg, bool spaces, pdk_dma_fault_cb cb,
	       void *const cb_arg[2])
{
	uint64_t offsets;
	unsigned int i;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = test_env_setup(&t->env, &(const struct test_fixture){ .sim = scfg, .fn = fcfg,
								   .bind = true });
	if (rc < 0)
		return rc;
	t->fn = pdk_sim_fn_find(t->env.sim, fcfg->pci_addr);
	rc = pdk_vfio_pci_command(t->env.dev, PCI_COMMAND_MASTER, 0);
	if (rc < 0)
		return rc;
	offsets = rd64(t, PDK_IDXD_REG_OFFSETS);
	t->grpcfg = (uint32_t)PDK_IDXD_GET(offsets, PDK_IDXD_OFFSETS_GRPCFG_SHIFT, 16) *
		    PDK_IDXD_TABLE_MULT;
	t->wqcfg = (uint32_t)PDK_IDXD_GET(offsets, PDK_IDXD_OFFSETS_WQCFG_SHIFT, 16) *
		   PDK_IDXD_TABLE_MULT;
	t->wqcfg_size = PDK_IDXD_WQCFG_MIN_SIZE <<
		PDK_IDXD_GET(rd64(t, PDK_IDXD_REG_WQCAP), PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT, 4);
	if (!spaces)
		return 0;
	rc = pdk_pasid_space_create(t->env.dev, t->env.ictx, &t->space);
	for (i = 0; rc == 0 && i < 2; i++) {
		rc = pdk_dma_as_create(t->env.ictx, i == 0 ? "dsa-a" : "dsa-b", &t->as[i]);
		if (rc == 0 && cb != NULL)
			rc = pdk_dma_as_set_fault_handler(t->as[i], cb, cb_arg[i]);
		if (rc < 0)
			break;
		t->buf[i] = test_buf_alloc(BUF_LEN);
		if (t->buf[i] == NULL)
			return -ENOMEM;
		memset(t->buf[i], 0, BUF_LEN);
		if (i == 0) {
			rc = pdk_dma_map(t->as[i], t->buf[i], BUF_LEN,
					 PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &t->iova[i]);
		} else {
			t->iova[i] = FAR_IOVA;
			rc = pdk_dma_map_iova(t->as[i], t->buf[i], BUF_LEN, FAR_IOVA,
					      PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
		}
		if (rc == 0)
			rc = pdk_pasid_ctx_create(t->space, t->as[i], 0, &t->ctx[i]);
		if (rc == 0)
			t->pasid[i] = pdk_pasid_ctx_pasid(t->ctx[i]);
	}
	return rc;
}

static int
dsa_setup(struct dsa_t *t, const struct pdk_sim_fn_config *fcfg, bool spaces)
{
	return dsa_setup_with(t, NULL, fcfg, spaces, NULL, NULL);
}

/* Undo dsa_setup() but the env: DONE(t.env) then checks the sim is clean. */
static void
dsa_release(struct dsa_t *t)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		pdk_pasid_ctx_release(t->ctx[i]);
	pdk_pasid_space_destroy(t->space);
	for (i = 0; i < 2; i++) {
		if (t->as[i] != NULL)
			pdk_dma_as_destroy(t->as[i]);
		if (t->buf[i] != NULL)
			test_buf_free(t->buf[i], BUF_LEN);
	}
}

/* WQ 0 (16 entries, PASID_EN with pasid[0]) in group 0 with engine 0; enabled. */
static int
dsa_start(struct dsa_t *t, bool pasid_en)
{
	int rc = wq_config(t, 0, 16, pasid_en, t->pasid[0], 21, 10);

	if (rc == 0)
		rc = group_config(t, 0, 1, 1);
	if (rc == 0 && cmd(t, PDK_IDXD_CMD_ENABLE_DEVICE, 0) != PDK_IDXD_CMDSTS_SUCCESS)
		rc = -EIO;
	if (rc == 0 && cmd(t, PDK_IDXD_CMD_ENABLE_WQ, 0) != PDK_IDXD_CMDSTS_SUCCESS)
		rc = -EIO;
	return rc;
}

static int
dsa_stats(struct dsa_t *t, struct pdk_sim_dsa_stats *st)
{
	return pdk_sim_fn_dsa_stats(t->fn, st);
}

/* ---- tests ---- */

/* Identity, BARs and the capability registers the model publishes. */
static int
test_caps(void)
{
	struct pdk_vfio_region r;
	struct pdk_sim_stats sst;
	struct dsa_t t;
	uint64_t gencap, wqcap;
	uint8_t cfg[16];
	uint32_t v;
	void *bar2;
	size_t len;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, false));
	TEST_ASSERT_OK(pdk_vfio_config_read(t.env.dev, 0, cfg, sizeof(cfg)));
	TEST_ASSERT_EQ(cfg[PCI_VENDOR_ID] | cfg[PCI_VENDOR_ID + 1] << 8, 0x8086);
	TEST_ASSERT_EQ(cfg[PCI_DEVICE_ID] | cfg[PCI_DEVICE_ID + 1] << 8, 0x0b25);
	TEST_ASSERT_EQ(cfg[PCI_CLASS_PROG] | cfg[PCI_CLASS_DEVICE] << 8 |
		       cfg[PCI_CLASS_DEVICE + 1] << 16, 0x088000);
	TEST_ASSERT_OK(pdk_vfio_pci_attr_hex(t.env.sys, DSA_ADDR, "device", &v));
	TEST_ASSERT_EQ(v, 0x0b25);

	/* BAR0 registers, BAR2 portals (a 16 KiB stride per WQ), both mmap-able */
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, VFIO_PCI_BAR0_REGION_INDEX, &r));
	TEST_ASSERT_EQ(r.size, 0x1000);
	TEST_ASSERT(r.flags & VFIO_REGION_INFO_FLAG_MMAP);
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, VFIO_PCI_BAR2_REGION_INDEX, &r));
	TEST_ASSERT_EQ(r.size, 8 * PDK_IDXD_PORTAL_STRIDE);
	TEST_ASSERT_EQ(r.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
				VFIO_REGION_INFO_FLAG_MMAP);
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, VFIO_PCI_BAR1_REGION_INDEX, &r));
	TEST_ASSERT_EQ(r.size, 0);
	TEST_ASSERT_OK(pdk_vfio_bar_map(t.env.dev, PDK_IDXD_WQ_BAR, &bar2, &len));
	TEST_ASSERT_EQ(len, 8 * PDK_IDXD_PORTAL_STRIDE);
	pdk_sim_stats_get(t.env.sim, &sst);
	TEST_ASSERT_EQ(sst.mmaps, 1);

	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_VERSION), PDK_IDXD_VERSION_1);
	gencap = rd64(&t, PDK_IDXD_REG_GENCAP);
	TEST_ASSERT_EQ(PDK_IDXD_GET(gencap, PDK_IDXD_GENCAP_MAX_XFER_SHIFT, 5), 21);
	TEST_ASSERT_EQ(PDK_IDXD_GET(gencap, PDK_IDXD_GENCAP_MAX_BATCH_SHIFT, 4), 10);
	TEST_ASSERT(gencap & PDK_IDXD_GENCAP_CONFIG_EN);
	TEST_ASSERT(gencap & PDK_IDXD_GENCAP_CMD_CAP);
	TEST_ASSERT(gencap & PDK_IDXD_GENCAP_BLOCK_ON_FAULT);
	wqcap = rd64(&t, PDK_IDXD_REG_WQCAP);
	TEST_ASSERT_EQ(PDK_IDXD_GET(wqcap, PDK_IDXD_WQCAP_TOTAL_SIZE_SHIFT, 16), 128);
	TEST_ASSERT_EQ(PDK_IDXD_GET(wqcap, PDK_IDXD_WQCAP_NUM_WQS_SHIFT, 8), 8);
	TEST_ASSERT_EQ(PDK_IDXD_GET(wqcap, PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT, 4), 0);
	TEST_ASSERT(wqcap & PDK_IDXD_WQCAP_DEDICATED);
	TEST_ASSERT(!(wqcap & PDK_IDXD_WQCAP_SHARED));
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_GRPCAP) & 0xff, 4);
	TEST_ASSERT_EQ(PDK_IDXD_GET(rd64(&t, PDK_IDXD_REG_GRPCAP),
				    PDK_IDXD_GRPCAP_TOTAL_RDBUFS_SHIFT, 8), 96);
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_ENGCAP) & 0xff, 4);
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_OPCAP), 0x1f);
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_OPCAP + 8), 0);
	TEST_ASSERT_EQ(t.grpcfg, 0x400);
	TEST_ASSERT_EQ(t.wqcfg, 0x500);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_CMDCAP), 0x7fe);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
	TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_DISABLED);

	/* read-only registers keep their value */
	TEST_ASSERT_OK(wr64(&t, PDK_IDXD_REG_GENCAP, 0));
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_GENCAP), gencap);
	TEST_ASSERT_OK(wr32(&t, PDK_IDXD_REG_GENSTS, PDK_IDXD_STATE_ENABLED));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
	TEST_ASSERT_OK(wr32(&t, PDK_IDXD_REG_CMDSTS, 0x12345678));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_CMDSTS), 0);
	TEST_ASSERT_OK(wr32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_STATE_DW), UINT32_MAX));
	TEST_ASSERT_EQ(rd32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_STATE_DW)), 0);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_caps, fast, test_caps);

/* ENABLE_DEVICE: each refusal with its CMDSTS code; DISABLE_DEVICE; unknown commands. */
static int
test_enable_device_errors(void)
{
	struct pdk_sim_stats sst;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, false));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, false, 0, 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));

	TEST_ASSERT_OK(pdk_vfio_pci_command(t.env.dev, 0, PCI_COMMAND_MASTER));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_BUSMASTER_EN);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
	TEST_ASSERT_OK(pdk_vfio_pci_command(t.env.dev, PCI_COMMAND_MASTER, 0));

	/* a WQ with a size in no group */
	TEST_ASSERT_OK(group_config(&t, 0, 0, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG);
	/* in a group without an engine */
	TEST_ASSERT_OK(group_config(&t, 0, 1, 0));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG);
	/* in two groups */
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	TEST_ASSERT_OK(group_config(&t, 1, 1, 2));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG);
	/* an engine in two groups */
	TEST_ASSERT_OK(group_config(&t, 1, 0, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG);
	TEST_ASSERT_OK(group_config(&t, 1, 0, 0));
	/*
	 * Group flags (registers.h union group_flags): the defined bits are
	 * stored, reserved ones read 0; read buffers beyond GRPCAP total_rdbufs
	 * allowed to a group, or reserved over all groups, are refused with
	 * ERR_GRP_CONFIG4 (0x18, "invalid read buffers config" in Intel's
	 * accel-config accfg_device_cmd_status[]) -- the model's reading.
	 */
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(0), UINT64_MAX));
	TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(0)), PDK_IDXD_GRPFLAGS_DEFINED);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4);
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(0),
			    (uint64_t)97 << PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4);
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(0),
			    (uint64_t)50 << PDK_IDXD_GRPFLAGS_RDBUFS_RESERVED_SHIFT));
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(1),
			    (uint64_t)50 << PDK_IDXD_GRPFLAGS_RDBUFS_RESERVED_SHIFT));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4);
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(1), 0));
	/* the kernel's defaults: TC-A = TC-B = 1, all 96 read buffers allowed */
	TEST_ASSERT_OK(wr64(&t, t.grpcfg + PDK_IDXD_GRPCFG_FLAGS(0),
			    UINT64_C(1) << PDK_IDXD_GRPFLAGS_TC_A_SHIFT |
			    UINT64_C(1) << PDK_IDXD_GRPFLAGS_TC_B_SHIFT |
			    (uint64_t)96 << PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT));
	/* sizes above WQCAP's total */
	TEST_ASSERT_OK(wq_config(&t, 0, 100, false, 0, 21, 10));
	TEST_ASSERT_OK(wq_config(&t, 1, 29, false, 0, 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 3, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0),
		       PDK_IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
	pdk_sim_stats_get(t.env.sim, &sst);
	TEST_ASSERT_EQ(sst.engines, 0);

	/* exactly the total: enabled, the engine runs */
	TEST_ASSERT_OK(wq_config(&t, 1, 28, false, 0, 21, 10));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_ENABLED);
	pdk_sim_stats_get(t.env.sim, &sst);
	TEST_ASSERT_EQ(sst.engines, 1);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_DEV_ENABLED);

	/* the group table and WQ sizes are fixed while the device is enabled */
	TEST_ASSERT_OK(group_config(&t, 2, 4, 4));
	TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_WQS(2, 0)), 0);
	TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_ENGINES(2)), 0);
	TEST_ASSERT_OK(wr32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_SIZE_DW), 5));
	TEST_ASSERT_EQ(rd32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_SIZE_DW)), 100);

	/* commands the model does not implement, and no status stays active */
	TEST_ASSERT_EQ(cmd(&t, 0, 0), PDK_IDXD_CMDSTS_INVAL_CMD);
	TEST_ASSERT_EQ(cmd(&t, 11, 0), PDK_IDXD_CMDSTS_INVAL_CMD);	/* DRAIN_PASID */
	TEST_ASSERT_EQ(cmd(&t, 0x1f, 0), PDK_IDXD_CMDSTS_INVAL_CMD);

	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
	pdk_sim_stats_get(t.env.sim, &sst);
	TEST_ASSERT_EQ(sst.engines, 0);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_ERR_DIS_DEV_EN);
	/* disabled again: the tables are writable */
	TEST_ASSERT_OK(group_config(&t, 2, 4, 4));
	TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_WQS(2, 0)), 4);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_enable_device_errors, fast, test_enable_device_errors);

/* ENABLE_WQ: each refusal with its CMDSTS code, then enable, state, and disable. */
static int
test_enable_wq_errors(void)
{
	uint32_t mode_dw;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, false));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 5, 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	mode_dw = wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_MODE_DW);

	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_DEV_NOTEN);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);

	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 8), PDK_IDXD_CMDSTS_INVAL_WQIDX);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_WQ, PDK_IDXD_WQ_MASK_OPERAND(8)),
		       PDK_IDXD_CMDSTS_INVAL_WQIDX);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ABORT_WQ, PDK_IDXD_WQ_MASK_OPERAND(16)),
		       PDK_IDXD_CMDSTS_INVAL_WQIDX);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 1), PDK_IDXD_CMDSTS_ERR_WQ_SIZE);

	/* mode and limits of a disabled WQ stay writable while the device is enabled */
	TEST_ASSERT_OK(wr32(&t, mode_dw, 0));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_WQ_MODE);
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 5, 22, 10));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_MAX_XFER_SIZE);
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 5, 21, 11));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_MAX_BATCH_SIZE);
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 5, 21, 10));
	TEST_ASSERT_EQ(rd32(&t, mode_dw), PDK_IDXD_WQCFG_MODE_DEDICATED | PDK_IDXD_WQCFG_PASID_EN |
					  5u << PDK_IDXD_WQCFG_PASID_SHIFT);

	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_ENABLED);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_WQ_ENABLED);
	/* an enabled WQ's configuration ignores writes */
	TEST_ASSERT_OK(wr32(&t, mode_dw, PDK_IDXD_WQCFG_MODE_DEDICATED));
	TEST_ASSERT_EQ(rd32(&t, mode_dw), PDK_IDXD_WQCFG_MODE_DEDICATED | PDK_IDXD_WQCFG_PASID_EN |
					  5u << PDK_IDXD_WQCFG_PASID_SHIFT);

	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_DISABLED);
	/* disabling a disabled WQ does nothing */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	/* RESET_WQ returns its configuration to power-on values */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_RESET_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_DISABLED);
	TEST_ASSERT_EQ(rd32(&t, mode_dw), 0);
	TEST_ASSERT_EQ(rd32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_SIZE_DW)), 0);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_enable_wq_errors, fast, test_enable_wq_errors);

/* PASID_EN on a function without PASID capability (or a PASID it cannot emit). */
static int
test_enable_wq_no_pasid(void)
{
	struct pdk_sim_fn_config fc = dsa_fn;
	struct dsa_t t;

	fc.pasid_bits = 0;
	TEST_ASSERT_OK(dsa_setup(&t, &fc, false));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 1, 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_PASID_EN);
	/* without PASID_EN the WQ uses the RID */
	TEST_ASSERT_OK(wq_config(&t, 0, 16, false, 0, 21, 10));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_enable_wq_no_pasid, fast, test_enable_wq_no_pasid);

/* MEMMOVE on a PASID_EN WQ: the bytes land in the WQ's PASID's address space. */
static int
test_memmove_pasid(void)
{
	struct pdk_sim_dsa_stats st;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	for (i = 0; i < 65536; i++)
		t.buf[0][SRC_OFF + i] = (uint8_t)(i * 7 + 1);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 65536);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(memcmp(t.buf[0] + DST_OFF, t.buf[0] + SRC_OFF, 65536) == 0);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, 0);

	/* overlapping ranges copy like memmove */
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 1), t.iova[0] + SRC_OFF,
		 t.iova[0] + SRC_OFF + 100, 1000);
	memcpy(t.buf[0] + DST_OFF, t.buf[0] + SRC_OFF, 1000);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(memcmp(t.buf[0] + SRC_OFF + 100, t.buf[0] + DST_OFF, 1000) == 0);

	/* nothing reached the IOMMU without a PASID tag */
	TEST_ASSERT_RC(pdk_sim_fault_pop(t.env.sim, NULL), -ENOENT);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.submitted, 2);
	TEST_ASSERT_EQ(st.completed, 2);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_memmove_pasid, fast, test_memmove_pasid);

/*
 * The same copy towards an IOVA mapped only in the other PASID's address
 * space: PAGE_FAULT_NOBOF at that IOVA, a write, and not a byte written.
 */
static int
test_memmove_fault(void)
{
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	memset(t.buf[0] + SRC_OFF, 0x5a, 8192);
	memset(t.buf[1] + DST_OFF, 0xee, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 FAR_IOVA + DST_OFF, 8192);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, FAR_IOVA + DST_OFF);
	/* the raw record: a write fault is status bit 7 (uapi DSA_COMP_STATUS_WRITE), bytes 2-3 stay 0 */
	TEST_ASSERT_EQ(rec(&t, 0)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT_EQ(rec(&t, 0)->rsvd, 0);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 0);
	TEST_ASSERT(test_all_bytes(t.buf[1] + DST_OFF, 0xee, 8192));
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT(f.pasid_valid && f.pasid == t.pasid[0] && f.write,
		    "fault pasid %u valid %d write %d", f.pasid, f.pasid_valid, f.write);
	TEST_ASSERT_EQ(f.iova, FAR_IOVA + DST_OFF);

	/* a source it cannot read: a read fault, the destination untouched */
	memset(t.buf[0] + DST_OFF, 0x11, 4096);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 1), FAR_IOVA + SRC_OFF,
		 t.iova[0] + DST_OFF, 4096);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 1)->fault_addr, FAR_IOVA + SRC_OFF);
	TEST_ASSERT_EQ(rec(&t, 1)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);	/* bit 7 clear: a read */
	TEST_ASSERT_EQ(rec(&t, 1)->rsvd, 0);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x11, 4096));

	/* the WQ moved to the other PASID: the same IOVA is now reachable */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, t.pasid[1], 21, 10));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	memset(t.buf[1] + SRC_OFF, 0x77, 4096);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, 0, FAR_IOVA + SRC_OFF,
		 FAR_IOVA + DST_OFF, 4096);
	/* its record must be in its own space too */
	d.completion_addr = FAR_IOVA + COMP_OFF;
	((struct pdk_idxd_completion *)(t.buf[1] + COMP_OFF))->status = 0;
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(wait_rec((struct pdk_idxd_completion *)(t.buf[1] + COMP_OFF)),
		       PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[1] + DST_OFF, 0x77, 4096));
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_memmove_fault, fast, test_memmove_fault);

/* A WQ without PASID_EN uses the RID's address space. */
static int
test_memmove_rid(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, false));
	memset(t.buf[0] + SRC_OFF, 0x3c, 4096);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 4096);
	/* no RID attachment yet: DMA blocked, and even the record cannot be written */
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(pdk_pasid_rid_attach(t.space, t.as[0]));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 0)->status, 0);
	TEST_ASSERT(rd64(&t, PDK_IDXD_REG_SWERR) & PDK_IDXD_SWERR_VALID);
	TEST_ASSERT_EQ(PDK_IDXD_GET(rd64(&t, PDK_IDXD_REG_SWERR), PDK_IDXD_SWERR_ERROR_SHIFT, 8),
		       PDK_IDXD_COMP_CRA_XLAT);

	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x3c, 4096));
	TEST_ASSERT_OK(pdk_pasid_rid_detach(t.space));
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_memmove_rid, fast, test_memmove_rid);

/* MEMFILL: the 8-byte pattern of the source field, repeated, the tail cut. */
static int
test_memfill(void)
{
	const uint64_t pattern = 0x0807060504030201ull;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	uint32_t i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	memset(t.buf[0] + DST_OFF, 0xaa, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 0), pattern,
		 t.iova[0] + DST_OFF + 3, 4099);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(t.buf[0][DST_OFF + 2], 0xaa);
	for (i = 0; i < 4099; i++) {
		uint8_t want = (uint8_t)((i & 7) + 1);	/* its bytes in memory order */

		TEST_ASSERT(t.buf[0][DST_OFF + 3 + i] == want, "byte %u is 0x%02x", i,
			    t.buf[0][DST_OFF + 3 + i]);
	}
	TEST_ASSERT_EQ(t.buf[0][DST_OFF + 3 + 4099], 0xaa);

	/* into the other space's IOVA: a write fault, nothing filled */
	desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 1), pattern,
		 FAR_IOVA + DST_OFF, 64);
	memset(t.buf[1] + DST_OFF, 0, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 1)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT(test_all_bytes(t.buf[1] + DST_OFF, 0, 64));
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_memfill, fast, test_memfill);

/* Fill a batch list at LIST_OFF + @p at with @p n copies of 256 bytes, records 10+i. */
static uint64_t
batch_list(struct dsa_t *t, uint32_t at, unsigned int n)
{
	struct pdk_idxd_desc *list = (struct pdk_idxd_desc *)(t->buf[0] + LIST_OFF + at);
	unsigned int i;

	for (i = 0; i < n; i++) {
		memset(t->buf[0] + SRC_OFF + i * 256, (int)(0x40 + i), 256);
		desc_set(&list[i], PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(t, 10 + i),
			 t->iova[0] + SRC_OFF + i * 256, t->iova[0] + DST_OFF + i * 256, 256);
		memset(rec(t, 10 + i), 0, sizeof(struct pdk_idxd_completion));
	}
	return t->iova[0] + LIST_OFF + at;
}

/* BATCH: its descriptors in order with their records, then the batch's. */
static int
test_batch(void)
{
	struct pdk_idxd_desc d, *list;
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	list = (struct pdk_idxd_desc *)(t.buf[0] + LIST_OFF);

	desc_set(&d, PDK_IDXD_OP_BATCH, RECORD_FLAGS, rec_iova(&t, 0), batch_list(&t, 0, 4), 0, 4);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 4);
	for (i = 0; i < 4; i++) {
		TEST_ASSERT_EQ(rec(&t, 10 + i)->status, PDK_IDXD_COMP_SUCCESS);
		TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF + i * 256, (uint8_t)(0x40 + i), 256));
	}

	/* one bad descriptor: the rest still run, the batch reports BATCH_FAIL */
	batch_list(&t, 0, 4);
	list[1].op_flags = PDK_IDXD_OP_FLAGS(0x05, RECORD_FLAGS);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BATCH_FAIL);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 4);
	TEST_ASSERT_EQ(rec(&t, 11)->status, PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT_EQ(rec(&t, 13)->status, PDK_IDXD_COMP_SUCCESS);
	/* ... unless one after it is fenced: that one and the rest are abandoned */
	batch_list(&t, 0, 4);
	list[1].op_flags = PDK_IDXD_OP_FLAGS(0x05, RECORD_FLAGS);
	list[2].op_flags |= PDK_IDXD_FLAG_FENCE;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BATCH_FAIL);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 2);
	TEST_ASSERT_EQ(rec(&t, 10)->status, PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 12)->status, 0);
	TEST_ASSERT_EQ(rec(&t, 13)->status, 0);
	/* nested batches and drains have no place in a batch */
	batch_list(&t, 0, 3);
	list[0].op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_BATCH, RECORD_FLAGS);
	list[2].op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_DRAIN, RECORD_FLAGS);
	d.size = 3;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BATCH_FAIL);
	TEST_ASSERT_EQ(rec(&t, 10)->status, PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT_EQ(rec(&t, 11)->status, PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 12)->status, PDK_IDXD_COMP_BAD_OPCODE);

	/* refused as a whole: count, list alignment, list not readable */
	d.size = 1;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_DESC_CNT_ERANGE);
	d.size = 1025;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_DESC_CNT_ERANGE);
	d.size = 2;
	d.src = t.iova[0] + LIST_OFF + 32;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_DESCLIST_ALIGN);
	d.src = FAR_IOVA + LIST_OFF;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BATCH_PAGE_FAULT);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, FAR_IOVA + LIST_OFF);
	TEST_ASSERT_EQ(rec(&t, 0)->status, PDK_IDXD_COMP_BATCH_PAGE_FAULT);	/* a read */
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_batch, fast, test_batch);

/* Opcodes the model lacks, and the ones without data. */
static int
test_bad_opcode(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	desc_set(&d, 0x05, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 64);	/* COMPARE */
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BAD_OPCODE);
	desc_set(&d, 0x20, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 64);	/* CFLUSH */
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BAD_OPCODE);
	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	desc_set(&d, PDK_IDXD_OP_DRAIN, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_bad_opcode, fast, test_bad_opcode);

/* Sizes 0 and above the WQ's max_xfer_shift (4 KiB here) are refused. */
static int
test_xfer_erange(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, t.pasid[0], 12, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	memset(t.buf[0] + DST_OFF, 0x99, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 0);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_XFER_ERANGE);
	d.size = 4097;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_XFER_ERANGE);
	d.op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_MEMFILL, RECORD_FLAGS);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_XFER_ERANGE);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x99, 8192));
	d.size = 4096;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_xfer_erange, fast, test_xfer_erange);

/* Portal writes a WQ does not take: disabled WQ or device, wrong size; a full WQ. */
static int
test_portal_drops(void)
{
	struct pdk_sim_dsa_stats st;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	memset(rec(&t, 0), 0, 64);
	TEST_ASSERT_OK(submit(&t, 0, &d));	/* device disabled */
	/* WQ 0 of 2 entries; WQ 1 configured, in the group, never enabled */
	TEST_ASSERT_OK(wq_config(&t, 0, 2, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(wq_config(&t, 1, 2, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 3, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(submit(&t, 1, &d));
	/* a write that is not one 64-byte descriptor submits nothing */
	TEST_ASSERT_OK(pdk_vfio_bar_write(t.env.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0),
					  &d, 32));
	TEST_ASSERT_OK(pdk_vfio_bar_write(t.env.dev, PDK_IDXD_WQ_BAR,
					  PDK_IDXD_PORTAL_OFFSET(0) + 8, &d, 64));
	/* after a descriptor that completes on WQ 0, none of those ran */
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 0)->status, 0);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.dropped_disabled, 2);
	TEST_ASSERT_EQ(st.dropped_bad_write, 2);
	TEST_ASSERT_EQ(st.submitted, 1);
	/* portals read back nothing a submission left */
	memset(&d, 0xff, sizeof(d));
	TEST_ASSERT_OK(pdk_vfio_bar_read(t.env.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0),
					 &d, sizeof(d)));
	TEST_ASSERT(test_all_bytes(&d, 0, sizeof(d)));

	/*
	 * The WQ of 2 entries fed back to back: whatever the engine has not
	 * taken yet fills it, and further writes are dropped, never queued
	 * beyond (how many depends on the engine's pace).
	 */
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, PDK_IDXD_FLAG_CRAV, rec_iova(&t, 2), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 128 << 10);
	for (i = 0; i < 64; i++)
		TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.submitted + st.dropped_full, 1 + 64);
	TEST_ASSERT_EQ(st.completed, st.submitted);
	TEST_ASSERT_EQ(rec(&t, 2)->status, 0);	/* RCR clear, success: no record */
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_portal_drops, fast, test_portal_drops);

/*
 * Records: only on failure without RCR; SWERR without CRAV, at an address
 * the WQ cannot write, or (the model's behaviour only) misaligned.
 */
static int
test_completion_rules(void)
{
	struct pdk_sim_dsa_stats st;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	uint64_t swerr;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	/* CRAV without RCR: a failure still writes its record */
	desc_set(&d, 0x05, PDK_IDXD_FLAG_CRAV, rec_iova(&t, 0), 0, 0, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BAD_OPCODE);

	/* no CRAV: the failure goes to SWERR, with the WQ, opcode and PASID */
	desc_set(&d, 0x05, 0, 0, 0, 0, 64);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	swerr = rd64(&t, PDK_IDXD_REG_SWERR);
	TEST_ASSERT(swerr & PDK_IDXD_SWERR_VALID);
	TEST_ASSERT(swerr & PDK_IDXD_SWERR_WQ_IDX_VALID);
	TEST_ASSERT(!(swerr & PDK_IDXD_SWERR_OVERFLOW));
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_ERROR_SHIFT, 8),
		       PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_WQ_IDX_SHIFT, 8), 0);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_OPERATION_SHIFT, 8), 0x05);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_PASID_SHIFT, 20), t.pasid[0]);
	/* write 1 to clear */
	TEST_ASSERT_OK(wr64(&t, PDK_IDXD_REG_SWERR, SWERR_ACK));
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_SWERR) & SWERR_ACK, 0);

	/*
	 * A misaligned record address: the operation does not run, SWERR says
	 * why. This is the MODEL's clean answer, not a silicon fact: the kernel
	 * refuses such a descriptor from userspace because the engine "can get
	 * very confused (security issue)" (drivers/dma/idxd/cdev.c
	 * idxd_submit_user_descriptor(), the INTEL-SA-01084 fix). PDK's PMD
	 * never sends one (its records are 32-byte aligned in its ring).
	 */
	memset(t.buf[0] + DST_OFF, 0x21, 256);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 2) + 8, t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 256);
	memset(t.buf[0] + SRC_OFF, 0x42, 256);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x21, 256));
	TEST_ASSERT(test_all_bytes(rec(&t, 2), 0, 64));
	swerr = rd64(&t, PDK_IDXD_REG_SWERR);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_ERROR_SHIFT, 8), PDK_IDXD_COMP_CRA_ALIGN);
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_SWERR + PDK_IDXD_SWERR_FAULT_ADDR),
		       rec_iova(&t, 2) + 8);

	/* a second error before software cleared the first: OVERFLOW, first kept */
	desc_set(&d, 0x05, 0, 0, 0, 0, 64);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	swerr = rd64(&t, PDK_IDXD_REG_SWERR);
	TEST_ASSERT(swerr & PDK_IDXD_SWERR_OVERFLOW);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_ERROR_SHIFT, 8), PDK_IDXD_COMP_CRA_ALIGN);

	/* a record the WQ's PASID cannot reach: the copy is done, SWERR says CRA_XLAT */
	TEST_ASSERT_OK(wr64(&t, PDK_IDXD_REG_SWERR, SWERR_ACK));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, FAR_IOVA + COMP_OFF, t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 256);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x42, 256));
	swerr = rd64(&t, PDK_IDXD_REG_SWERR);
	TEST_ASSERT_EQ(PDK_IDXD_GET(swerr, PDK_IDXD_SWERR_ERROR_SHIFT, 8), PDK_IDXD_COMP_CRA_XLAT);
	TEST_ASSERT(swerr & PDK_IDXD_SWERR_FAULT_RW);
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_SWERR + PDK_IDXD_SWERR_FAULT_ADDR),
		       FAR_IOVA + COMP_OFF);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.swerr, 4);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_completion_rules, fast, test_completion_rules);

/* MSI-X: a command with int_req and a descriptor with RCI signal their vectors. */
static int
test_interrupts(void)
{
	struct pdk_idxd_desc d;
	const int *efds;
	struct pollfd p;
	struct dsa_t t;
	uint64_t n;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(pdk_vfio_msix_enable(t.env.dev, 2, &efds));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	TEST_ASSERT_OK(wr32(&t, PDK_IDXD_REG_CMD,
			    PDK_IDXD_CMD(PDK_IDXD_CMD_ENABLE_DEVICE, 0) | PDK_IDXD_CMD_INT_REQ));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_CMDSTS), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_INTCAUSE), PDK_IDXD_INTC_CMD);
	p.fd = efds[0];
	p.events = POLLIN;
	TEST_ASSERT_EQ(poll(&p, 1, 5000), 1);
	TEST_ASSERT_EQ(read(efds[0], &n, sizeof(n)), (ssize_t)sizeof(n));
	TEST_ASSERT_OK(wr32(&t, PDK_IDXD_REG_INTCAUSE, PDK_IDXD_INTC_CMD));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_INTCAUSE), 0);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);

	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS | PDK_IDXD_FLAG_RCI, rec_iova(&t, 0), 0, 0, 0);
	d.int_handle = 1;
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	p.fd = efds[1];
	p.events = POLLIN;
	TEST_ASSERT_EQ(poll(&p, 1, 5000), 1);
	TEST_ASSERT_EQ(read(efds[1], &n, sizeof(n)), (ssize_t)sizeof(n));
	TEST_ASSERT_OK(pdk_vfio_msix_disable(t.env.dev));
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_interrupts, fast, test_interrupts);

/* RESET_DEVICE and VFIO_DEVICE_RESET: the engine stops, the configuration is power-on. */
static int
test_reset(void)
{
	struct pdk_sim_stats sst;
	struct pdk_idxd_desc d;
	unsigned int i, round;
	uint16_t pcicmd;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	for (round = 0; round < 2; round++) {
		TEST_ASSERT_OK(dsa_start(&t, true));
		TEST_ASSERT_OK(wr32(&t, PDK_IDXD_REG_GENCTRL, PDK_IDXD_GENCTRL_SOFTERR_INT_EN));
		/* work queued at the reset is abandoned, not waited for */
		desc_set(&d, PDK_IDXD_OP_MEMMOVE, 0, 0, t.iova[0] + SRC_OFF, t.iova[0] + DST_OFF,
			 128 << 10);
		for (i = 0; i < 16; i++)
			TEST_ASSERT_OK(submit(&t, 0, &d));
		if (round == 0)
			TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_RESET_DEVICE, 0),
				       PDK_IDXD_CMDSTS_SUCCESS);
		else
			TEST_ASSERT_OK(pdk_vfio_reset(t.env.dev));
		pdk_sim_stats_get(t.env.sim, &sst);
		TEST_ASSERT_EQ(sst.engines, 0);
		TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);
		TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENCTRL), 0);
		TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_DISABLED);
		TEST_ASSERT_EQ(rd32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_SIZE_DW)), 0);
		TEST_ASSERT_EQ(rd32(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_MODE_DW)), 0);
		TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_WQS(0, 0)), 0);
		TEST_ASSERT_EQ(rd64(&t, t.grpcfg + PDK_IDXD_GRPCFG_ENGINES(0)), 0);
		/* capabilities are not configuration */
		TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_VERSION), PDK_IDXD_VERSION_1);
		TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_OFFSETS) & 0xffffffff, 0x00050004);
		/* the PCI command register is not the device's: it survives */
		TEST_ASSERT_OK(pdk_vfio_config_read(t.env.dev, PCI_COMMAND, &pcicmd,
						    sizeof(pcicmd)));
		TEST_ASSERT(pcicmd & PCI_COMMAND_MASTER);
	}
	/* and it starts again */
	TEST_ASSERT_OK(dsa_start(&t, true));
	TEST_ASSERT_EQ(fence_noop(&t, 0, 0), PDK_IDXD_COMP_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_reset, fast, test_reset);

/*
 * Closing the device while its engine runs with work queued: the close
 * stops the engine before detaching, and teardown leaves the sim clean.
 */
static int
test_close_running(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 256 << 10);
	memset(rec(&t, 0), 0, sizeof(struct pdk_idxd_completion));
	for (i = 0; i < 16; i++)
		TEST_ASSERT_OK(submit(&t, 0, &d));
	/* the engine is at work: the first copy is done, others are queued or running */
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_close_running, fast, test_close_running);

/* Several WQs, each with its own PASID and space, served round-robin. */
static int
test_two_wqs(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(wq_config(&t, 0, 64, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(wq_config(&t, 3, 64, true, t.pasid[1], 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1u << 0 | 1u << 3, 0xf));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 3), PDK_IDXD_CMDSTS_SUCCESS);
	memset(t.buf[0] + SRC_OFF, 0xa0, 4096);
	memset(t.buf[1] + SRC_OFF, 0xb1, 4096);
	for (i = 0; i < 8; i++) {
		struct pdk_idxd_completion *c1 =
			(struct pdk_idxd_completion *)(t.buf[1] + COMP_OFF) + i;

		desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, i),
			 t.iova[0] + SRC_OFF, t.iova[0] + DST_OFF + i * 4096, 4096);
		memset(rec(&t, i), 0, sizeof(*c1));
		TEST_ASSERT_OK(submit(&t, 0, &d));
		desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS,
			 FAR_IOVA + COMP_OFF + i * sizeof(*c1), FAR_IOVA + SRC_OFF,
			 FAR_IOVA + DST_OFF + i * 4096, 4096);
		memset(c1, 0, sizeof(*c1));
		TEST_ASSERT_OK(submit(&t, 3, &d));
	}
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_ALL, 0), PDK_IDXD_CMDSTS_SUCCESS);
	for (i = 0; i < 8; i++) {
		TEST_ASSERT_EQ(rec(&t, i)->status, PDK_IDXD_COMP_SUCCESS);
		TEST_ASSERT_EQ(((struct pdk_idxd_completion *)(t.buf[1] + COMP_OFF))[i].status,
			       PDK_IDXD_COMP_SUCCESS);
	}
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0xa0, 8 * 4096));
	TEST_ASSERT(test_all_bytes(t.buf[1] + DST_OFF, 0xb1, 8 * 4096));
	/* DISABLE_DEVICE drains and disables every WQ */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(wq_state(&t, 0), PDK_IDXD_WQ_STATE_DISABLED);
	TEST_ASSERT_EQ(wq_state(&t, 3), PDK_IDXD_WQ_STATE_DISABLED);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_two_wqs, fast, test_two_wqs);

/*
 * The process unmapped a page still mapped in the IOAS (a bug the kernel
 * survives by keeping the page pinned; the sim cannot): an access reaching
 * it faults, one that does not reach it works although the engine's page
 * check looks ahead across the hole.
 */
static int
test_unmapped_by_process(void)
{
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	uint64_t iova;
	uint8_t *b;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	b = test_buf_alloc(3 * 4096);
	TEST_ASSERT(b != NULL);
	memset(b, 0x6b, 3 * 4096);
	TEST_ASSERT_OK(pdk_dma_map(t.as[0], b, 3 * 4096, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
				   &iova));
	TEST_ASSERT_OK(munmap(b + 2 * 4096, 4096));

	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), iova, t.iova[0] + DST_OFF,
		 4096);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x6b, 4096));
	TEST_ASSERT_RC(pdk_sim_fault_pop(t.env.sim, NULL), -ENOENT);

	memset(t.buf[0] + DST_OFF, 0, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 1), iova + 4096,
		 t.iova[0] + DST_OFF, 8192);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 1)->fault_addr, iova + 4096);
	TEST_ASSERT_EQ(rec(&t, 1)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);	/* a read */
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0, 8192));
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT(strstr(f.reason, "unmapped by the process") != NULL, "reason: %s", f.reason);

	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b));
	test_buf_free(b, 2 * 4096);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_unmapped_by_process, fast, test_unmapped_by_process);

/* An opcode the model was told to lack: absent from OPCAP, BAD_OPCODE if sent */
static int
test_absent_opcode(void)
{
	struct pdk_sim_fn_config fn = dsa_fn;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	fn.dsa_ops_absent = 1u << PDK_IDXD_OP_MEMFILL;
	TEST_ASSERT_OK(dsa_setup(&t, &fn, true));
	TEST_ASSERT_EQ(rd64(&t, PDK_IDXD_REG_OPCAP), 0x1f & ~(1u << PDK_IDXD_OP_MEMFILL));
	TEST_ASSERT_OK(dsa_start(&t, true));
	memset(t.buf[0] + DST_OFF, 0x21, 256);
	desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 0), 0x4242424242424242ull,
		 t.iova[0] + DST_OFF, 256);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT_EQ(t.buf[0][DST_OFF], 0x21);	/* nothing written */
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 1), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 256);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_absent_opcode, fast, test_absent_opcode);

/* ---- the portal hook (pdk_vfio_bar_portal() on the sim) ---- */

/*
 * A store through the hook is what a 64-byte pwrite at the portal is to the
 * model, with the same drops (disabled, full, misaligned, after a reset),
 * -EIO while memory decoding is off as a pwrite gets, and no boundary call.
 */
static int
test_portal_hook(void)
{
	struct pdk_sim_stats s0, s1;
	struct pdk_sim_dsa_stats st;
	struct pdk_vfio_region r;
	struct pdk_vfio_portal p;
	struct pdk_idxd_desc d;
	struct pdk_sys_mmio m;
	struct dsa_t t;
	unsigned int i, n;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(pdk_vfio_bar_portal(t.env.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0),
					   &p));
	TEST_ASSERT(p.store64 != NULL && p.addr == NULL);
	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	memset(rec(&t, 0), 0, sizeof(struct pdk_idxd_completion));
	TEST_ASSERT_OK(p.store64(p.cookie, &d));	/* device disabled */
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.dropped_disabled, 1);
	TEST_ASSERT_EQ(st.submitted, 0);

	/* enabled: it runs; the stores are no boundary calls */
	TEST_ASSERT_OK(dsa_start(&t, true));
	pdk_sim_stats_get(t.env.sim, &s0);
	TEST_ASSERT_OK(p.store64(p.cookie, &d));
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, PDK_IDXD_FLAG_CRAV, rec_iova(&t, 2), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 128 << 10);
	/*
	 * WQ 0 has 16 entries: 64 stores back to back fill it, and the rest
	 * are dropped, never queued beyond. How many depends on the engine's
	 * pace (a descheduled test thread lets it keep up), so up to 8 rounds.
	 */
	for (n = 0; n < 8 * 64 && (n == 0 || st.dropped_full == 0); n += 64) {
		for (i = 0; i < 64; i++)
			TEST_ASSERT_OK(p.store64(p.cookie, &d));
		TEST_ASSERT_OK(dsa_stats(&t, &st));
	}
	pdk_sim_stats_get(t.env.sim, &s1);
	TEST_ASSERT_EQ(s1.calls, s0.calls);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT(st.dropped_full > 0, "%u back-to-back stores never filled a WQ of 16", n);
	TEST_ASSERT_EQ(st.submitted + st.dropped_full, 1 + n);
	TEST_ASSERT_EQ(st.completed, st.submitted);

	/* a window lib/vfio would refuse (not 64-byte aligned), taken at the boundary */
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, PDK_IDXD_WQ_BAR, &r));
	TEST_ASSERT_OK(pdk_sys_mmio_resolve(t.env.sys, t.env.dfd,
					    r.offset + PDK_IDXD_PORTAL_OFFSET(0) + 8, &m));
	TEST_ASSERT_EQ(m.kind, PDK_SYS_MMIO_HOOK);
	TEST_ASSERT_OK(m.store64(m.cookie, &d));
	TEST_ASSERT_OK(pdk_sys_mmio_release(t.env.sys, &m));
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.dropped_bad_write, 1);

	/* memory decoding off: refused as a pwrite is, the model sees nothing */
	TEST_ASSERT_OK(pdk_vfio_pci_command(t.env.dev, 0, PCI_COMMAND_MEMORY));
	TEST_ASSERT_RC(p.store64(p.cookie, &d), -EIO);
	test_log_capture_start();
	TEST_ASSERT_RC(submit(&t, 0, &d), -EIO);
	TEST_ASSERT_LOGGED(DSA_ADDR ": BAR 2 pwrite of 64 bytes at 0x0: Input/output error");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_vfio_pci_command(t.env.dev, PCI_COMMAND_MEMORY, 0));
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.submitted + st.dropped_full + st.dropped_disabled +
		       st.dropped_bad_write, 1 + n + 1 + 1);

	/* after a reset the portal still takes stores, and the disabled WQ drops them */
	TEST_ASSERT_OK(pdk_vfio_reset(t.env.dev));
	TEST_ASSERT_OK(p.store64(p.cookie, &d));
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.dropped_disabled, 2);
	TEST_ASSERT_OK(pdk_vfio_portal_release(&p));
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_portal_hook, fast, test_portal_hook);

/* Wait until the model has completed @p n descriptors: @return 0 or -ETIMEDOUT. */
static int
wait_completed(struct dsa_t *t, uint64_t n)
{
	uint64_t deadline = pdk_sys_monotonic_ns() + WAIT_NS;
	struct pdk_sim_dsa_stats st;

	do {
		if (dsa_stats(t, &st) == 0 && st.completed >= n)
			return 0;
	} while (pdk_sys_monotonic_ns() < deadline);
	return -ETIMEDOUT;
}

/*
 * A hook holds the device file as a BAR mapping does (the kernel's vma
 * holds its file): closing the fd (here through lib/vfio, which does not
 * know of a hook taken at the boundary) leaves the function bound and the
 * hook working; the sim refuses to go while the hook is out; releasing it
 * unbinds the function and leaves the sim clean.
 */
static int
test_portal_hook_outlives_fd(void)
{
	struct pdk_sim_stats sst;
	struct pdk_vfio_region r;
	struct pdk_idxd_desc d;
	struct pdk_sys_mmio m;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, false));
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, PDK_IDXD_WQ_BAR, &r));
	TEST_ASSERT_OK(pdk_sys_mmio_resolve(t.env.sys, t.env.dfd,
					    r.offset + PDK_IDXD_PORTAL_OFFSET(0), &m));
	TEST_ASSERT_EQ(m.kind, PDK_SYS_MMIO_HOOK);
	TEST_ASSERT_OK(dsa_start(&t, false));
	TEST_ASSERT_OK(pdk_vfio_close(t.env.dev));
	t.env.dev = NULL;
	pdk_sim_stats_get(t.env.sim, &sst);
	TEST_ASSERT_EQ(sst.fds, 1);		/* the iommufd */
	TEST_ASSERT_EQ(sst.bound_devices, 1);
	TEST_ASSERT_EQ(sst.mmaps, 1);
	desc_set(&d, PDK_IDXD_OP_NOOP, 0, 0, 0, 0, 0);	/* no record: no DMA */
	TEST_ASSERT_OK(m.store64(m.cookie, &d));
	TEST_ASSERT_OK(wait_completed(&t, 1));

	TEST_ASSERT_OK(pdk_iommufd_close(t.env.ictx));
	t.env.ictx = NULL;
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_destroy(t.env.sim), -EBUSY);
	TEST_ASSERT_LOGGED("0 fd(s) open and 1 BAR mapping(s) or portal hook(s)");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_sys_mmio_release(t.env.sys, &m));
	TEST_ASSERT(m.kind == PDK_SYS_MMIO_MAP && m.store64 == NULL && m.cookie == NULL);
	TEST_ASSERT_SIM_CLEAN(t.env.sim);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_portal_hook_outlives_fd, fast, test_portal_hook_outlives_fd);

/*
 * A trapped 64-byte store (pdk_sim_bar_write(), width 64: MOVDIR64B) to a
 * portal is the model's store64: one descriptor submitted and run; an
 * 8-byte store there is a write the portal drops as not a descriptor.
 */
static int
test_bar_trap_portal(void)
{
	struct pdk_sim_dsa_stats st;
	struct pdk_vfio_region r;
	struct pdk_idxd_desc d;
	struct pdk_sim_bar *bar;
	uint64_t word = 0;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(pdk_vfio_region_info(t.env.dev, PDK_IDXD_WQ_BAR, &r));
	TEST_ASSERT_OK(pdk_sim_bar_get(t.env.sim, t.env.dfd, r.offset + PDK_IDXD_PORTAL_OFFSET(0),
				       4096, &bar));
	TEST_ASSERT_OK(dsa_start(&t, true));
	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	memset(rec(&t, 0), 0, sizeof(struct pdk_idxd_completion));
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, 0, &d, 64));
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.submitted, 1);
	TEST_ASSERT_EQ(st.dropped_bad_write, 0);
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, 0, &word, 8));
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.submitted, 1);
	TEST_ASSERT_EQ(st.dropped_bad_write, 1);
	pdk_sim_bar_put(bar);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_bar_trap_portal, fast, test_bar_trap_portal);

/*
 * The DSA 2.0 personality (PDK_SIM_MODEL_DSA2): 8086:11fb, VERSION 0x200,
 * a 64-byte WQCFG whose op_config (bytes 32-63; registers.h union wqcfg,
 * WQCAP op_config) ENABLE_WQ takes: a descriptor whose opcode it does not
 * allow completes with BAD_OPCODE (the model's code), in a batch too; the
 * reset value allows nothing.
 */
static const struct pdk_sim_fn_config dsa2_fn = {
	.pci_addr = DSA_ADDR,
	.model = PDK_SIM_MODEL_DSA2,
	.pasid_bits = 20,
};

static int
test_dsa2_op_config(void)
{
	struct pdk_idxd_desc d, *list;
	uint8_t cfg[4];
	uint64_t wqcap;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa2_fn, true));
	TEST_ASSERT_OK(pdk_vfio_config_read(t.env.dev, 0, cfg, sizeof(cfg)));
	TEST_ASSERT_EQ(cfg[PCI_DEVICE_ID] | cfg[PCI_DEVICE_ID + 1] << 8, PDK_IDXD_DEVICE_DSA_GNRD);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_VERSION), PDK_IDXD_VERSION_2);
	wqcap = rd64(&t, PDK_IDXD_REG_WQCAP);
	TEST_ASSERT(wqcap & PDK_IDXD_WQCAP_OP_CONFIG);
	TEST_ASSERT_EQ(t.wqcfg_size, 64);
	/* op_config of WQ 0, and WQ 1's table entry 64 bytes on */
	TEST_ASSERT_EQ(rd64(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_OP_CONFIG_DW)), 0);
	TEST_ASSERT_OK(wr32(&t, wqcfg_reg(&t, 1, PDK_IDXD_WQCFG_SIZE_DW), 7));
	TEST_ASSERT_EQ(rd32(&t, t.wqcfg + 64), 7);
	TEST_ASSERT_OK(wr32(&t, wqcfg_reg(&t, 1, PDK_IDXD_WQCFG_SIZE_DW), 0));

	/* the reset op_config: memmove refused */
	TEST_ASSERT_OK(dsa_start(&t, true));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 t.iova[0] + DST_OFF, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_BAD_OPCODE);

	/* memmove and batch allowed (what the VFIO selftest's dsa_wq_init() writes) */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(wr64(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_OP_CONFIG_DW),
			    1u << PDK_IDXD_OP_MEMMOVE | 1u << PDK_IDXD_OP_BATCH));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	/* fixed while the WQ is enabled */
	TEST_ASSERT_OK(wr64(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_OP_CONFIG_DW), UINT64_MAX));
	TEST_ASSERT_EQ(rd64(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_OP_CONFIG_DW)),
		       1u << PDK_IDXD_OP_MEMMOVE | 1u << PDK_IDXD_OP_BATCH);
	memset(t.buf[0] + SRC_OFF, 0x6b, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x6b, 64));
	desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 1), 0, t.iova[0] + DST_OFF, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x6b, 64));
	/* in a batch: the fill refused, the copy done, the batch BATCH_FAIL */
	list = (struct pdk_idxd_desc *)(t.buf[0] + LIST_OFF);
	desc_set(&list[0], PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 2),
		 t.iova[0] + SRC_OFF, t.iova[0] + DST_OFF + 4096, 64);
	desc_set(&list[1], PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 3), 0,
		 t.iova[0] + DST_OFF + 8192, 64);
	memset(rec(&t, 2), 0, 64);
	desc_set(&d, PDK_IDXD_OP_BATCH, RECORD_FLAGS, rec_iova(&t, 4), t.iova[0] + LIST_OFF, 0, 2);
	TEST_ASSERT_EQ(run(&t, 0, &d, 4), PDK_IDXD_COMP_BATCH_FAIL);
	TEST_ASSERT_EQ(rec(&t, 2)->status, PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(rec(&t, 3)->status, PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF + 4096, 0x6b, 64));
	/* a batch the WQ does not allow: refused whole */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(0)),
		       PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(wr64(&t, wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_OP_CONFIG_DW),
			    1u << PDK_IDXD_OP_MEMMOVE));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	memset(rec(&t, 2), 0, 64);
	TEST_ASSERT_EQ(run(&t, 0, &d, 4), PDK_IDXD_COMP_BAD_OPCODE);
	TEST_ASSERT_EQ(rec(&t, 2)->status, 0);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa2_op_config, fast, test_dsa2_op_config);

/*
 * The halt state, injected (pdk_sim_fn_dsa_halt()): GENSTS state 3 with the
 * reset type in bits 3:2 (registers.h union gensts_reg, enum
 * idxd_device_reset_type), INTCAUSE HALT_STATE (IDXD_INTC_HALT_STATE), the
 * WQs drop portal writes, commands get HW_ERR (the model's answer); RESET
 * DEVICE clears a software-reset halt, a VFIO reset a software or FLR one,
 * nothing a warm or cold one.
 */
static int
test_halt(void)
{
	struct pdk_sim_dsa_stats st0, st1;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_fn_dsa_halt(t.fn, 4), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("reset type 4 is not one GENSTS can hold");
	test_log_capture_stop();
	TEST_ASSERT_OK(dsa_start(&t, true));
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(t.fn, PDK_IDXD_RESET_SOFTWARE));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_HALT);
	TEST_ASSERT(rd32(&t, PDK_IDXD_REG_INTCAUSE) & PDK_IDXD_INTC_HALT_STATE);
	TEST_ASSERT_OK(dsa_stats(&t, &st0));
	desc_set(&d, PDK_IDXD_OP_NOOP, RECORD_FLAGS, rec_iova(&t, 0), 0, 0, 0);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_OK(dsa_stats(&t, &st1));
	TEST_ASSERT_EQ(st1.dropped_disabled, st0.dropped_disabled + 1);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_HW_ERR);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_HW_ERR);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_RESET_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);

	/* FLR: RESET_DEVICE does not clear it, a VFIO reset does */
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(t.fn, PDK_IDXD_RESET_FLR));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS),
		       PDK_IDXD_STATE_HALT | PDK_IDXD_RESET_FLR << PDK_IDXD_GENSTS_RESET_TYPE_SHIFT);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_RESET_DEVICE, 0), PDK_IDXD_CMDSTS_HW_ERR);
	TEST_ASSERT_OK(pdk_vfio_reset(t.env.dev));
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS), PDK_IDXD_STATE_DISABLED);

	/* warm: survives both */
	TEST_ASSERT_OK(pdk_sim_fn_dsa_halt(t.fn, PDK_IDXD_RESET_WARM));
	TEST_ASSERT_OK(pdk_vfio_reset(t.env.dev));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_RESET_DEVICE, 0), PDK_IDXD_CMDSTS_HW_ERR);
	TEST_ASSERT_EQ(rd32(&t, PDK_IDXD_REG_GENSTS),
		       PDK_IDXD_STATE_HALT | PDK_IDXD_RESET_WARM << PDK_IDXD_GENSTS_RESET_TYPE_SHIFT);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_halt, fast, test_halt);

/*
 * A fault part way: the bytes before the refused address are moved,
 * bytes_completed says how many, result 0 (ascending), the status the
 * fault's direction (uapi idxd.h struct dsa_completion_record). The end of
 * buf[0]'s mapping is the edge; an overlapping copy moves nothing.
 */
static int
test_partial_completion(void)
{
	struct pdk_idxd_desc d;
	struct dsa_t t;
	uint64_t end;

	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(dsa_start(&t, true));
	end = t.iova[0] + BUF_LEN;	/* nothing is mapped there in as[0] */
	memset(t.buf[0] + SRC_OFF, 0x4e, 8192);
	memset(t.buf[0] + BUF_LEN - 4096, 0, 4096);
	/* a write fault after 4 KiB */
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 end - 4096, 8192);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 0)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, end);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 4096);
	TEST_ASSERT_EQ(rec(&t, 0)->result, 0);
	TEST_ASSERT(test_all_bytes(t.buf[0] + BUF_LEN - 4096, 0x4e, 4096));

	/* a read fault after 4 KiB */
	memset(t.buf[0] + BUF_LEN - 4096, 0x19, 4096);
	memset(t.buf[0] + DST_OFF, 0, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 1), end - 4096,
		 t.iova[0] + DST_OFF, 8192);
	TEST_ASSERT_EQ(run(&t, 0, &d, 1), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 1)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 1)->fault_addr, end);
	TEST_ASSERT_EQ(rec(&t, 1)->bytes_completed, 4096);
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF, 0x19, 4096));
	TEST_ASSERT(test_all_bytes(t.buf[0] + DST_OFF + 4096, 0, 4096));

	/* overlapping ranges: all or nothing */
	memset(t.buf[0] + BUF_LEN - 4096, 0, 4096);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS, rec_iova(&t, 2), end - 8192,
		 end - 4096, 12288);
	TEST_ASSERT_EQ(run(&t, 0, &d, 2), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 2)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF);	/* the source, first */
	TEST_ASSERT_EQ(rec(&t, 2)->bytes_completed, 0);

	/* a fill: 100 bytes before the edge */
	memset(t.buf[0] + BUF_LEN - 100, 0, 100);
	desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(&t, 3), 0x5555555555555555ull,
		 end - 100, 4096);
	TEST_ASSERT_EQ(run(&t, 0, &d, 3), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 3)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT_EQ(rec(&t, 3)->bytes_completed, 100);
	TEST_ASSERT(test_all_bytes(t.buf[0] + BUF_LEN - 100, 0x55, 100));
	while (pdk_sim_fault_pop(t.env.sim, NULL) == 0)
		;
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_partial_completion, fast, test_partial_completion);

/*
 * A WQ whose group has two engines completes separate submissions out of
 * order in the model (the second of two queued descriptors runs first; a
 * DRAIN is never passed), as DSA may when a WQ shares engines (DPDK
 * idxd_pci.c init_pci_device() puts each engine in a group of its own "to
 * avoid reordering"); with one engine it runs in order. 16 fills of 64 KiB
 * each keep descriptors queued behind the one running.
 */
static unsigned int
burst_fills(struct dsa_t *t, unsigned int k0)
{
	struct pdk_idxd_desc d;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		desc_set(&d, PDK_IDXD_OP_MEMFILL, RECORD_FLAGS, rec_iova(t, k0 + i),
			 0x0101010101010101ull * (i + 1), t->iova[0] + DST_OFF + (i << 14), 1u << 14);
		memset(rec(t, k0 + i), 0, sizeof(struct pdk_idxd_completion));
		if (submit(t, 0, &d) < 0)
			return 0;
	}
	desc_set(&d, PDK_IDXD_OP_DRAIN, RECORD_FLAGS, rec_iova(t, k0 + 16), 0, 0, 0);
	memset(rec(t, k0 + 16), 0, sizeof(struct pdk_idxd_completion));
	if (submit(t, 0, &d) < 0 || wait_rec(rec(t, k0 + 16)) != PDK_IDXD_COMP_SUCCESS)
		return 0;
	/* the drain passed nothing: every fill is done */
	for (i = 0; i < 16; i++)
		if (rec(t, k0 + i)->status != PDK_IDXD_COMP_SUCCESS ||
		    !test_all_bytes(t->buf[0] + DST_OFF + (i << 14), (uint8_t)(i + 1), 1u << 14))
			return 0;
	return 1;
}

static int
test_reorder_shared_engines(void)
{
	struct pdk_sim_dsa_stats st;
	unsigned int round;
	struct dsa_t t;

	/* one engine: in order */
	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(wq_config(&t, 0, 32, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT(burst_fills(&t, 0));
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.reordered, 0);
	dsa_release(&t);
	TEST_ASSERT_OK(test_env_teardown(&t.env));

	/* two engines in WQ 0's group: reordered */
	TEST_ASSERT_OK(dsa_setup(&t, &dsa_fn, true));
	TEST_ASSERT_OK(wq_config(&t, 0, 32, true, t.pasid[0], 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 3));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	/* whether two are queued at once is the engines' timing: a loaded machine needs more bursts */
	for (round = 0; round < 100; round++) {
		TEST_ASSERT(burst_fills(&t, 0));
		TEST_ASSERT_OK(dsa_stats(&t, &st));
		if (st.reordered > 0)
			break;
	}
	TEST_ASSERT(st.reordered > 0, "no descriptor ran out of order in 100 bursts of 16");
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_reorder_shared_engines, fast, test_reorder_shared_engines);

/*
 * ---- copies without the sim's lock ----
 *
 * Four WQs, each in a group of its own with one engine (as the DSA PMD
 * configures them), so four engine threads copy at once; each WQ holds
 * COPIES 2 MiB copies from one mapping to its own 2 MiB of another. While they run, the
 * test unmaps the destination, detaches the PASID, tears the address
 * spaces down or closes the device. Once that returns the destination
 * (still the test's memory) is poisoned: it must stay so (no byte written
 * after), and descriptors translated after must fault. These check the
 * SIMULATED device's locking, not DSA hardware.
 */
#define NQ		4u
#define COPIES		16u		/* per WQ: its size */
#define BIG_LEN		(2u << 20)	/* the model's largest transfer */
#define DST_LEN		(NQ * BIG_LEN)	/* WQ q writes [q * BIG_LEN, +BIG_LEN) */
#define POISON		0x5a

struct big_t {
	uint8_t *src, *dst;
	uint64_t src_iova, dst_iova;
};

/* WQs 0..NQ-1 tagged with @p pasid, WQ q in group q with engine q; enabled. */
static int
four_wqs_start(struct dsa_t *t, uint32_t pasid)
{
	unsigned int q;
	int rc = 0;

	for (q = 0; rc == 0 && q < NQ; q++) {
		rc = wq_config(t, q, COPIES, true, pasid, 21, 10);
		if (rc == 0)
			rc = group_config(t, q, 1u << q, 1u << q);
	}
	if (rc == 0 && cmd(t, PDK_IDXD_CMD_ENABLE_DEVICE, 0) != PDK_IDXD_CMDSTS_SUCCESS)
		rc = -EIO;
	for (q = 0; rc == 0 && q < NQ; q++)
		if (cmd(t, PDK_IDXD_CMD_ENABLE_WQ, q) != PDK_IDXD_CMDSTS_SUCCESS)
			rc = -EIO;
	return rc;
}

static int
big_alloc(struct big_t *b)
{
	b->src = test_buf_alloc(BIG_LEN);
	b->dst = test_buf_alloc(DST_LEN);
	if (b->src == NULL || b->dst == NULL)
		return -ENOMEM;
	memset(b->src, 0xc3, BIG_LEN);
	return 0;
}

static void
big_free(struct big_t *b)
{
	if (b->src != NULL)
		test_buf_free(b->src, BIG_LEN);
	if (b->dst != NULL)
		test_buf_free(b->dst, DST_LEN);
}

/* COPIES src -> dst copies on each WQ, record q * COPIES + k at @p comp_iova in @p recs. */
static int
big_submit(struct dsa_t *t, const struct big_t *b, struct pdk_idxd_completion *recs,
	   uint64_t comp_iova)
{
	struct pdk_idxd_desc d;
	unsigned int q, k;

	memset(recs, 0, NQ * COPIES * sizeof(*recs));
	for (k = 0; k < COPIES; k++) {
		for (q = 0; q < NQ; q++) {
			unsigned int r = q * COPIES + k;

			desc_set(&d, PDK_IDXD_OP_MEMMOVE, RECORD_FLAGS,
				 comp_iova + r * sizeof(*recs), b->src_iova,
				 b->dst_iova + q * BIG_LEN, BIG_LEN);
			if (submit(t, q, &d) < 0)
				return -EIO;
		}
	}
	return 0;
}

/* How many records say @p status (with the write bit when @p write); unwritten ones count as 0. */
static unsigned int
big_count(const struct pdk_idxd_completion *recs, uint8_t status)
{
	unsigned int i, n = 0;

	for (i = 0; i < NQ * COPIES; i++)
		if (__atomic_load_n(&recs[i].status, __ATOMIC_ACQUIRE) == status)
			n++;
	return n;
}

/* Faults of the sim's log at the start of a WQ's destination (a write): how many. */
static unsigned int
faults_at(struct pdk_sim *sim, uint64_t dst_iova, const char **reason)
{
	struct pdk_sim_fault f;
	unsigned int n = 0;

	while (pdk_sim_fault_pop(sim, &f) == 0) {
		if (f.iova >= dst_iova && f.iova < dst_iova + DST_LEN &&
		    (f.iova - dst_iova) % BIG_LEN == 0 && f.write) {
			n++;
			*reason = f.reason;
		}
	}
	return n;
}

/* Set up the DSA, as[0] and the big buffers mapped there; four WQs with pasid[0]. */
static int
big_setup(struct dsa_t *t, struct big_t *b)
{
	int rc = dsa_setup(t, &dsa_fn, true);

	memset(b, 0, sizeof(*b));
	if (rc == 0)
		rc = big_alloc(b);
	if (rc == 0)
		rc = pdk_dma_map(t->as[0], b->src, BIG_LEN, PDK_IOMMUFD_READ, &b->src_iova);
	if (rc == 0)
		rc = pdk_dma_map(t->as[0], b->dst, DST_LEN, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
				 &b->dst_iova);
	if (rc == 0)
		rc = four_wqs_start(t, t->pasid[0]);
	return rc;
}

/*
 * Whether a call lands while the copies still run is the engines' timing: a
 * fast, idle machine can finish all NQ * COPIES first. Each attempt checks
 * what must hold whatever the timing; the test needs one attempt whose call
 * cut the copies (some done, some not).
 */
#define DURING_COPY_ATTEMPTS 20

static int
during_copy(int (*once)(bool *cut), const char *what)
{
	unsigned int i;
	bool cut = false;
	int rc;

	for (i = 0; i < DURING_COPY_ATTEMPTS && !cut; i++) {
		rc = once(&cut);
		if (rc != TEST_SUCCESS)
			return rc;
	}
	printf("  %s: cut the copies in attempt %u\n", what, i);
	TEST_ASSERT(cut, "%s never landed while copies ran, in %u attempts", what,
		    DURING_COPY_ATTEMPTS);
	return TEST_SUCCESS;
}

/* An unmap of the destination during the copies: it waits for those running, later ones fault. */
static int
unmap_during_copy(bool *cut)
{
	struct pdk_idxd_completion *recs;
	const char *reason = NULL;
	unsigned int ok, faulted;
	struct big_t b;
	struct dsa_t t;

	TEST_ASSERT_OK(big_setup(&t, &b));
	recs = rec(&t, 0);
	TEST_ASSERT_OK(big_submit(&t, &b, recs, rec_iova(&t, 0)));
	/* the engines are at work */
	TEST_ASSERT_EQ(wait_rec(&recs[0]), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.dst));
	memset(b.dst, POISON, DST_LEN);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_ALL, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT(test_all_bytes(b.dst, POISON, DST_LEN), "a byte landed after the unmap returned");
	ok = big_count(recs, PDK_IDXD_COMP_SUCCESS);
	faulted = big_count(recs, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT_EQ(ok + faulted, NQ * COPIES);
	*cut = ok >= 1 && faulted >= 1;
	TEST_ASSERT_EQ(faults_at(t.env.sim, b.dst_iova, &reason), faulted);
	TEST_ASSERT(faulted == 0 || strcmp(reason, "IOVA not mapped") == 0 ||
		    strcmp(reason, "IOVA range being unmapped") == 0, "reason: %s", reason);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.src));
	dsa_release(&t);
	big_free(&b);
	DONE(t.env);
}

static int
test_unmap_during_copy(void)
{
	return during_copy(unmap_during_copy, "the unmap");
}
PDK_TEST_REGISTER(sim_dsa_unmap_during_copy, fast, test_unmap_during_copy);

/*
 * A detach of the WQs' PASID during the copies: it waits for the
 * descriptors running (their records included); later ones move nothing
 * and write no record (nothing is attached: the record's write faults).
 */
static int
detach_during_copy(bool *cut)
{
	struct pdk_idxd_completion *recs;
	struct pdk_sim_dsa_stats st;
	struct pdk_sim_fault f;
	unsigned int ok, blank, blocked = 0;
	struct big_t b;
	struct dsa_t t;

	TEST_ASSERT_OK(big_setup(&t, &b));
	recs = rec(&t, 0);
	TEST_ASSERT_OK(big_submit(&t, &b, recs, rec_iova(&t, 0)));
	TEST_ASSERT_EQ(wait_rec(&recs[0]), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx[0]));
	t.ctx[0] = NULL;
	memset(b.dst, POISON, DST_LEN);	/* still mapped in as[0], which nothing reaches */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_ALL, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT(test_all_bytes(b.dst, POISON, DST_LEN), "a byte landed after the detach returned");
	ok = big_count(recs, PDK_IDXD_COMP_SUCCESS);
	blank = big_count(recs, 0);
	TEST_ASSERT_EQ(ok + blank, NQ * COPIES);
	*cut = ok >= 1 && blank >= 1;
	while (pdk_sim_fault_pop(t.env.sim, &f) == 0)
		if (f.pasid_valid && f.pasid == t.pasid[0] &&
		    (strcmp(f.reason, "no domain attached (DMA blocked)") == 0 ||
		     strcmp(f.reason, "domain being detached or replaced (DMA blocked)") == 0))
			blocked++;
	TEST_ASSERT(blocked >= blank, "%u blocked accesses for %u descriptors", blocked, blank);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.completed, NQ * COPIES);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.src));
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.dst));
	dsa_release(&t);
	big_free(&b);
	DONE(t.env);
}

static int
test_detach_during_copy(void)
{
	return during_copy(detach_during_copy, "the detach");
}
PDK_TEST_REGISTER(sim_dsa_detach_during_copy, fast, test_detach_during_copy);

/*
 * Everything torn down during the copies, the engines still enabled: the
 * PASIDs detached, the HWPTs and IOASes destroyed (their mappings go with
 * them), then the device fd closed.
 */
static int
test_teardown_during_copy(void)
{
	struct big_t b;
	struct dsa_t t;

	TEST_ASSERT_OK(big_setup(&t, &b));
	TEST_ASSERT_OK(big_submit(&t, &b, rec(&t, 0), rec_iova(&t, 0)));
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	/* the lib refuses to destroy a space with mappings: dropped first, during the copies */
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.src));
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.dst));
	dsa_release(&t);
	memset(b.dst, POISON, DST_LEN);
	TEST_ASSERT_OK(test_env_teardown(&t.env));
	TEST_ASSERT(test_all_bytes(b.dst, POISON, DST_LEN), "a byte landed after the teardown");
	big_free(&b);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_teardown_during_copy, fast, test_teardown_during_copy);

/*
 * The device fd closed during the copies, the PASID still attached
 * (through raw ioctls: the lib refuses to close a device its PASID space
 * uses): the close stops the engines and detaches; nothing lands after.
 */
static int
test_close_during_copy(void)
{
	const struct test_fixture fix = { .fn = &dsa_fn, .pasid = 7, .buf = BUF_LEN };
	struct big_t b = { 0 };
	struct dsa_t t;
	uint64_t comp_iova;

	memset(&t, 0, sizeof(t));
	TEST_ASSERT_OK(test_env_setup(&t.env, &fix));
	TEST_ASSERT_OK(pdk_vfio_pci_command(t.env.dev, PCI_COMMAND_MASTER, 0));
	t.grpcfg = (uint32_t)PDK_IDXD_GET(rd64(&t, PDK_IDXD_REG_OFFSETS),
					  PDK_IDXD_OFFSETS_GRPCFG_SHIFT, 16) * PDK_IDXD_TABLE_MULT;
	t.wqcfg = (uint32_t)PDK_IDXD_GET(rd64(&t, PDK_IDXD_REG_OFFSETS),
					 PDK_IDXD_OFFSETS_WQCFG_SHIFT, 16) * PDK_IDXD_TABLE_MULT;
	t.wqcfg_size = PDK_IDXD_WQCFG_MIN_SIZE;
	TEST_ASSERT_OK(big_alloc(&b));
	TEST_ASSERT_OK(raw_map(&t.env, t.env.ioas, RW, t.env.buf, BUF_LEN, &comp_iova));
	TEST_ASSERT_OK(raw_map(&t.env, t.env.ioas, RW, b.src, BIG_LEN, &b.src_iova));
	TEST_ASSERT_OK(raw_map(&t.env, t.env.ioas, RW, b.dst, DST_LEN, &b.dst_iova));
	TEST_ASSERT_OK(four_wqs_start(&t, 7));
	TEST_ASSERT_OK(big_submit(&t, &b, t.env.buf, comp_iova));
	TEST_ASSERT_EQ(wait_rec(t.env.buf), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_OK(pdk_vfio_close(t.env.dev));
	t.env.dev = NULL;
	t.env.pasid = 0;	/* the close detached it */
	memset(b.dst, POISON, DST_LEN);
	TEST_ASSERT_OK(test_env_teardown(&t.env));
	TEST_ASSERT(test_all_bytes(b.dst, POISON, DST_LEN), "a byte landed after the close");
	big_free(&b);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_close_during_copy, fast, test_close_during_copy);

/*
 * A replace of the WQs' PASID onto as[1] during the copies: it waits for
 * the descriptors running (their records included); no copy and no record
 * lands in as[0] after it returned (as[1] maps neither: later ones fault).
 */
static int
replace_during_copy(bool *cut)
{
	struct pdk_idxd_completion *recs;
	unsigned int i, ok = 0, blank = 0;
	struct big_t b;
	struct dsa_t t;

	TEST_ASSERT_OK(big_setup(&t, &b));
	recs = rec(&t, 0);
	TEST_ASSERT_OK(big_submit(&t, &b, recs, rec_iova(&t, 0)));
	TEST_ASSERT_EQ(wait_rec(&recs[0]), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_OK(pdk_pasid_ctx_replace(t.ctx[0], t.as[1]));
	memset(b.dst, POISON, DST_LEN);
	/* records not written by then must stay as the test leaves them */
	for (i = 0; i < NQ * COPIES; i++) {
		if (__atomic_load_n(&recs[i].status, __ATOMIC_ACQUIRE) == PDK_IDXD_COMP_SUCCESS) {
			ok++;
		} else {
			memset(&recs[i], POISON, sizeof(recs[i]));
			blank++;
		}
	}
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DRAIN_ALL, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT(test_all_bytes(b.dst, POISON, DST_LEN), "a byte landed after the replace returned");
	for (i = 0; i < NQ * COPIES; i++)
		if (recs[i].status != PDK_IDXD_COMP_SUCCESS)
			TEST_ASSERT(test_all_bytes(&recs[i], POISON, sizeof(recs[i])),
				    "record %u landed in the replaced address space", i);
	*cut = ok >= 1 && blank >= 1;
	TEST_ASSERT(blank == 0 || pdk_sim_fault_pop(t.env.sim, NULL) == 0,
		    "no fault recorded for later copies");
	while (pdk_sim_fault_pop(t.env.sim, NULL) == 0)
		;
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.src));
	TEST_ASSERT_OK(pdk_dma_unmap(t.as[0], b.dst));
	dsa_release(&t);
	big_free(&b);
	DONE(t.env);
}

static int
test_replace_during_copy(void)
{
	return during_copy(replace_during_copy, "the replace");
}
PDK_TEST_REGISTER(sim_dsa_replace_during_copy, fast, test_replace_during_copy);

/* ---- page requests (cfg.prs) and block on fault: SIMULATED PRI ---- */

#define HOLE_IOVA	0x10000000ull	/* mapped only on demand */
#define PRS_WAIT_MS	5000u		/* the function's patience in most tests */
#define BOF_FLAGS	(RECORD_FLAGS | PDK_IDXD_FLAG_BOF)
#define SEEN_MAX	16u

static const struct pdk_sim_fn_config prs_dsa_fn = {
	.pci_addr = DSA_ADDR,
	.model = PDK_SIM_MODEL_DSA,
	.pasid_bits = 20,
	.prs = true,
	.prs_timeout_ms = PRS_WAIT_MS,
	.ats = true,	/* as a DSA has (WQCAP wq_ats_support); VT-d enables PRI only with it */
};

/* What a space's fault handler saw, and how it answers. */
struct prs_seen {
	unsigned int n;
	struct pdk_dma_fault f[SEEN_MAX];
	int answer;		/* non-zero: returned as is (the group is answered INVALID) */
	unsigned int delay_ms;	/* sleep first (the function's timeout passes meanwhile) */
};

/* Record the fault, then map the page from the space's fault region. */
static int
prs_cb(struct pdk_dma_as *as, const struct pdk_dma_fault *f, void *arg)
{
	struct prs_seen *s = arg;

	if (s->n < SEEN_MAX)
		s->f[s->n] = *f;
	s->n++;
	if (s->delay_ms != 0)
		usleep(s->delay_ms * 1000u);
	if (s->answer != 0)
		return s->answer;
	return pdk_dma_fault_map_on_demand(as, f, NULL);
}

/* Poll @p as until its handler has run (or 5 s pass): @return the records handled. */
static int
prs_poll(struct pdk_dma_as *as)
{
	uint64_t deadline = pdk_sys_monotonic_ns() + WAIT_NS;
	int n;

	while ((n = pdk_dma_as_fault_poll(as, SEEN_MAX)) == 0 && pdk_sys_monotonic_ns() < deadline)
		usleep(100);
	return n;
}

/* WQ @p wq (PASID @p pasid, bof as given) in group @p wq with engine @p wq; device enabled once. */
static int
bof_wq_start(struct dsa_t *t, unsigned int wq, uint32_t pasid, bool bof)
{
	uint32_t mode_dw = wqcfg_reg(t, wq, PDK_IDXD_WQCFG_MODE_DW);
	int rc = wq_config(t, wq, 16, true, pasid, 21, 10);

	if (rc == 0 && bof)
		rc = wr32(t, mode_dw, rd32(t, mode_dw) | PDK_IDXD_WQCFG_BOF);
	if (rc == 0)
		rc = group_config(t, wq, 1u << wq, 1u << wq);
	return rc;
}

static int
bof_start(struct dsa_t *t, unsigned int nwq, bool bof)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; rc == 0 && i < nwq; i++)
		rc = bof_wq_start(t, i, t->pasid[i], bof);
	if (rc == 0 && cmd(t, PDK_IDXD_CMD_ENABLE_DEVICE, 0) != PDK_IDXD_CMDSTS_SUCCESS)
		rc = -EIO;
	for (i = 0; rc == 0 && i < nwq; i++)
		if (cmd(t, PDK_IDXD_CMD_ENABLE_WQ, i) != PDK_IDXD_CMDSTS_SUCCESS)
			rc = -EIO;
	return rc;
}

/* A demand region of @p len bytes at HOLE_IOVA of as[@p i]: @return its memory. */
static uint8_t *
hole_region(struct dsa_t *t, unsigned int i, size_t len)
{
	uint8_t *b = test_buf_alloc(len);

	if (b == NULL)
		return NULL;
	memset(b, 0xee, len);
	if (pdk_dma_as_fault_region(t->as[i], b, len, HOLE_IOVA,
				    PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE) < 0) {
		test_buf_free(b, len);
		return NULL;
	}
	return b;
}

static void
drain_faults(struct pdk_sim *sim)
{
	while (pdk_sim_fault_pop(sim, NULL) == 0)
		;
}

/* The PRI capability in the function's config space, enabled as the IOMMU driver does. */
static int
test_prs_capability(void)
{
	struct pdk_pcicfg *cfg;
	uint8_t pri[16];
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &prs_dsa_fn, false));
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(t.env.sys, DSA_ADDR, &cfg));
	/* right after the PASID capability (0x100, 8 bytes) */
	TEST_ASSERT_OK(pdk_pcicfg_bytes(cfg, 0x108, pri, sizeof(pri)));
	pdk_pcicfg_free(cfg);
	TEST_ASSERT_EQ(pri[0] | pri[1] << 8, PCI_EXT_CAP_ID_PRI);
	TEST_ASSERT_EQ(pri[PCI_PRI_CTRL] & PCI_PRI_CTRL_ENABLE, PCI_PRI_CTRL_ENABLE);
	/* PRG responses carry the PASID: VT-d enables PRI on a PASID function only then */
	TEST_ASSERT_EQ(pri[PCI_PRI_STATUS + 1] << 8 & PCI_PRI_STATUS_PASID, PCI_PRI_STATUS_PASID);
	TEST_ASSERT_EQ(pri[PCI_PRI_MAX_REQ], 32);
	TEST_ASSERT_EQ(pri[PCI_PRI_ALLOC_REQ], 32);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_capability, fast, test_prs_capability);

/*
 * A copy into unmapped pages on a WQ that blocks on fault: one page
 * request group for both pages (PASID, IOVA, write, one PRG index,
 * LAST_PAGE on the second only) reaches the space's fault queue; the
 * handler maps them and answers SUCCESS; the engine retries, the copy
 * completes with success and the bytes land, and no fault is recorded.
 */
static int
test_prs_request_success(void)
{
	struct prs_seen seen[2] = { { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_sim_dsa_stats st;
	struct pdk_idxd_desc d;
	struct dsa_t t;
	uint8_t *hole;

	TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &prs_dsa_fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	TEST_ASSERT((hole = hole_region(&t, 0, 4 * 4096)) != NULL);
	memset(t.buf[0] + SRC_OFF, 0x5a, 8192);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA + 4096, 8192);
	memset(rec(&t, 0), 0, sizeof(*rec(&t, 0)));
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_RC(prs_poll(t.as[0]), 2);
	TEST_ASSERT_EQ(seen[0].n, 2);
	TEST_ASSERT_EQ(seen[0].f[0].pasid, t.pasid[0]);
	TEST_ASSERT_EQ(seen[0].f[0].iova, HOLE_IOVA + 4096);
	TEST_ASSERT_EQ(seen[0].f[1].iova, HOLE_IOVA + 8192);
	TEST_ASSERT_EQ(seen[0].f[0].access, PDK_DMA_FAULT_WRITE);
	TEST_ASSERT_EQ(seen[0].f[1].access, PDK_DMA_FAULT_WRITE);
	TEST_ASSERT_EQ(seen[0].f[0].grpid, seen[0].f[1].grpid);
	TEST_ASSERT(!seen[0].f[0].last && seen[0].f[1].last, "LAST_PAGE must be on the second only");
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(hole + 4096, 0x5a, 8192), "the copy did not land");
	TEST_ASSERT(test_all_bytes(hole, 0xee, 4096) && test_all_bytes(hole + 3 * 4096, 0xee, 4096),
		    "a neighbour page was written");
	TEST_ASSERT_EQ(pdk_dma_as_map_count(t.as[0]), 3);	/* buf[0] and the two pages */
	TEST_ASSERT_EQ(seen[1].n, 0);
	TEST_ASSERT_RC(pdk_sim_fault_pop(t.env.sim, NULL), -ENOENT);	/* resolved: no fault */
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.page_requests, 1);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	test_buf_free(hole, 4 * 4096);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_request_success, fast, test_prs_request_success);

/*
 * The handler cannot resolve it: the group is answered INVALID, the copy
 * completes with the page-fault status (bit 7: a write) at the first
 * page, nothing moved, and the fault is recorded with why.
 */
static int
test_prs_invalid(void)
{
	struct prs_seen seen[2] = { { .answer = -1 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &prs_dsa_fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA, 4096);
	memset(rec(&t, 0), 0, sizeof(*rec(&t, 0)));
	TEST_ASSERT_OK(submit(&t, 0, &d));
	TEST_ASSERT_RC(prs_poll(t.as[0]), 1);
	TEST_ASSERT(seen[0].f[0].last, "a group of one page is its last");
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 0)->status, PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, HOLE_IOVA);
	TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 0);
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT_EQ(f.iova, HOLE_IOVA);
	TEST_ASSERT(f.pasid_valid && f.pasid == t.pasid[0] && f.write, "fault tag");
	TEST_ASSERT(strstr(f.reason, "answered INVALID") != NULL, "reason: %s", f.reason);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[0], SEEN_MAX), 0);	/* answered once */
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_invalid, fast, test_prs_invalid);

/*
 * No response within the function's timeout: the copy faults ("no page
 * response before the function's timeout"). The kernel keeps the group
 * (it has no timeout: iommufd_fault_fops_write() finds the cookie), so a
 * late response is accepted; the function, no longer waiting, sets PRI
 * Status UPRGI.
 */
static int
test_prs_timeout(void)
{
	static const struct pdk_sim_fn_config fn = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .prs_timeout_ms = 30, .ats = true,
	};
	struct prs_seen seen[2] = { { 0 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_pcicfg *cfg;
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	uint8_t status[2];
	struct dsa_t t;
	uint8_t *hole;

	TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	TEST_ASSERT((hole = hole_region(&t, 0, 4096)) != NULL);
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA, 4096);
	memset(rec(&t, 0), 0, sizeof(*rec(&t, 0)));
	TEST_ASSERT_OK(submit(&t, 0, &d));
	/* nobody reads the queue: the function gives up */
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, HOLE_IOVA);
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT(strstr(f.reason, "timeout") != NULL, "reason: %s", f.reason);
	TEST_ASSERT(test_all_bytes(hole, 0xee, 4096), "bytes moved after a timeout");
	/* the late response: accepted by the kernel (no error logged), unexpected for the function */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[0], SEEN_MAX), 1);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_pcicfg_read_sysfs(t.env.sys, DSA_ADDR, &cfg));
	TEST_ASSERT_OK(pdk_pcicfg_bytes(cfg, 0x108 + PCI_PRI_STATUS, status, sizeof(status)));
	pdk_pcicfg_free(cfg);
	TEST_ASSERT_EQ(status[0] & PCI_PRI_STATUS_UPRGI, PCI_PRI_STATUS_UPRGI);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	test_buf_free(hole, 4096);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_timeout, fast, test_prs_timeout);

/*
 * A function without PRI: the sim's VT-d refuses a HWPT with a fault
 * queue (-ENODEV, intel_iommu_enable_iopf()); SMMUv3 accepts it, and a
 * copy that blocks on fault there meets an ordinary fault: recorded,
 * nothing in the queue, no page request.
 */
static int
test_prs_no_prs(void)
{
	static const struct pdk_sim_config smmu = { .iommu = PDK_SIM_IOMMU_SMMUV3 };
	struct prs_seen seen[2] = { { 0 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_sim_dsa_stats st;
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	test_log_capture_start();
	TEST_ASSERT_RC(dsa_setup_with(&t, NULL, &dsa_fn, true, prs_cb, args), -ENODEV);
	TEST_ASSERT_LOGGED_ONCE("No such device (-19); the address space has a fault handler and "
				"the IOMMU takes no page requests from this device");
	test_log_capture_stop();
	dsa_release(&t);
	TEST_ASSERT_OK(test_env_teardown(&t.env));

	TEST_ASSERT_OK(dsa_setup_with(&t, &smmu, &dsa_fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA, 4096);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT_EQ(f.iova, HOLE_IOVA);
	TEST_ASSERT(strcmp(f.reason, "IOVA not mapped") == 0, "reason: %s", f.reason);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[0], SEEN_MAX), 0);
	TEST_ASSERT_EQ(seen[0].n, 0);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.page_requests, 0);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_no_prs, fast, test_prs_no_prs);

/* A function with PRI through a HWPT without a fault queue: an ordinary fault, no request. */
static int
test_prs_no_fault_id(void)
{
	struct pdk_sim_dsa_stats st;
	struct pdk_sim_fault f;
	struct pdk_idxd_desc d;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &prs_dsa_fn, true));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA, 4096);
	TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
	TEST_ASSERT_OK(pdk_sim_fault_pop(t.env.sim, &f));
	TEST_ASSERT(strcmp(f.reason, "IOVA not mapped") == 0, "reason: %s", f.reason);
	TEST_ASSERT_OK(dsa_stats(&t, &st));
	TEST_ASSERT_EQ(st.page_requests, 0);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_no_fault_id, fast, test_prs_no_fault_id);

enum prs_cut {
	PRS_DETACH,		/* detach the PASID */
	PRS_REPLACE,		/* move the PASID to as[1] */
	PRS_DETACH_BATCH,	/* detach while a batch holds the attachment */
};

/*
 * Take the attachment away while the engine waits on a page request: the
 * kernel answers the group INVALID (iommufd_auto_response_faults()), or,
 * when the engine holds the attachment for a batch, the detach marks it
 * leaving and the engine gives up; either way it wakes at once (not after
 * its 5 s timeout), the copy faults, the record cannot reach the old space
 * (SWERR), nothing reaches the new space's queue, and teardown leaves
 * nothing behind.
 */
static int
prs_pending(enum prs_cut cut)
{
	struct prs_seen seen[2] = { { 0 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_idxd_desc d, *list;
	struct pdk_sim_dsa_stats st;
	uint64_t t0, deadline;
	struct pdk_sim_fault f;
	bool noted = false;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &prs_dsa_fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 1, true));
	if (cut == PRS_DETACH_BATCH) {
		/* a copy that pins the attachment, then one that blocks on the hole */
		desc_set(&d, PDK_IDXD_OP_BATCH, RECORD_FLAGS, rec_iova(&t, 0),
			 batch_list(&t, 0, 2), 0, 2);
		list = (struct pdk_idxd_desc *)(t.buf[0] + LIST_OFF);
		desc_set(&list[1], PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 11),
			 t.iova[0] + SRC_OFF, HOLE_IOVA, 4096);
	} else {
		desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
			 HOLE_IOVA, 4096);
	}
	TEST_ASSERT_OK(submit(&t, 0, &d));
	deadline = pdk_sys_monotonic_ns() + WAIT_NS;
	do {
		TEST_ASSERT_OK(dsa_stats(&t, &st));
	} while (st.page_requests == 0 && pdk_sys_monotonic_ns() < deadline);
	TEST_ASSERT_EQ(st.page_requests, 1);
	t0 = pdk_sys_monotonic_ns();
	if (cut == PRS_REPLACE) {
		TEST_ASSERT_OK(pdk_pasid_ctx_replace(t.ctx[0], t.as[1]));
	} else {
		TEST_ASSERT_OK(pdk_pasid_ctx_release(t.ctx[0]));
		t.ctx[0] = NULL;
	}
	do {
		TEST_ASSERT_OK(dsa_stats(&t, &st));
	} while (st.completed == 0 && pdk_sys_monotonic_ns() < deadline);
	TEST_ASSERT_EQ(st.completed, 1);
	TEST_ASSERT(pdk_sys_monotonic_ns() - t0 < (uint64_t)PRS_WAIT_MS * 1000000u / 2,
		    "the engine waited for its timeout, not for the %s",
		    cut == PRS_REPLACE ? "replace" : "detach");
	while (pdk_sim_fault_pop(t.env.sim, &f) == 0)
		if (f.iova == HOLE_IOVA && strstr(f.reason, "page request") != NULL)
			noted = true;
	TEST_ASSERT(noted, "no fault recorded for the abandoned page request");
	TEST_ASSERT(rd64(&t, PDK_IDXD_REG_SWERR) & PDK_IDXD_SWERR_VALID);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[0], SEEN_MAX), 0);
	TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[1], SEEN_MAX), 0);
	TEST_ASSERT_EQ(seen[0].n + seen[1].n, 0);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	DONE(t.env);
}

static int
test_prs_detach_pending(void)
{
	return prs_pending(PRS_DETACH);
}
PDK_TEST_REGISTER(sim_prs_detach_pending, fast, test_prs_detach_pending);

static int
test_prs_replace_pending(void)
{
	return prs_pending(PRS_REPLACE);
}
PDK_TEST_REGISTER(sim_prs_replace_pending, fast, test_prs_replace_pending);

static int
test_prs_detach_pending_batch(void)
{
	return prs_pending(PRS_DETACH_BATCH);
}
PDK_TEST_REGISTER(sim_prs_detach_pending_batch, fast, test_prs_detach_pending_batch);

/*
 * Two PASIDs of one device, each its space with its own fault queue
 * (lib/dma per address space), each a WQ that blocks on fault: each
 * handler gets only its own PASID's request, and both copies complete.
 */
static int
test_prs_two_pasids(void)
{
	struct prs_seen seen[2] = { { 0 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_idxd_completion *r1;
	struct pdk_idxd_desc d;
	uint8_t *hole[2];
	struct dsa_t t;
	unsigned int i;

	TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &prs_dsa_fn, true, prs_cb, args));
	TEST_ASSERT_OK(bof_start(&t, 2, true));
	for (i = 0; i < 2; i++)
		TEST_ASSERT((hole[i] = hole_region(&t, i, 4096)) != NULL);
	memset(t.buf[0] + SRC_OFF, 0x11, 4096);
	memset(t.buf[1] + SRC_OFF, 0x22, 4096);
	r1 = (struct pdk_idxd_completion *)(t.buf[1] + COMP_OFF);
	memset(rec(&t, 0), 0, sizeof(*r1));
	memset(r1, 0, sizeof(*r1));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, rec_iova(&t, 0), t.iova[0] + SRC_OFF,
		 HOLE_IOVA, 4096);
	TEST_ASSERT_OK(submit(&t, 0, &d));
	desc_set(&d, PDK_IDXD_OP_MEMMOVE, BOF_FLAGS, FAR_IOVA + COMP_OFF, FAR_IOVA + SRC_OFF,
		 HOLE_IOVA, 4096);
	TEST_ASSERT_OK(submit(&t, 1, &d));
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_RC(prs_poll(t.as[i]), 1);
		TEST_ASSERT_EQ(seen[i].n, 1);
		TEST_ASSERT_EQ(seen[i].f[0].pasid, t.pasid[i]);
		TEST_ASSERT_EQ(seen[i].f[0].iova, HOLE_IOVA);
	}
	TEST_ASSERT_EQ(wait_rec(rec(&t, 0)), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT_EQ(wait_rec(r1), PDK_IDXD_COMP_SUCCESS);
	TEST_ASSERT(test_all_bytes(hole[0], 0x11, 4096), "PASID %u's copy", t.pasid[0]);
	TEST_ASSERT(test_all_bytes(hole[1], 0x22, 4096), "PASID %u's copy", t.pasid[1]);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	dsa_release(&t);
	for (i = 0; i < 2; i++)
		test_buf_free(hole[i], 4096);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_prs_two_pasids, fast, test_prs_two_pasids);

/* GENCAP block_on_fault absent (cfg.dsa_no_bof): ENABLE_WQ refuses WQCFG bof (ERR_BOF_EN). */
static int
test_bof_gencap_absent(void)
{
	static const struct pdk_sim_fn_config fn = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20, .dsa_no_bof = true,
	};
	uint32_t mode_dw;
	struct dsa_t t;

	TEST_ASSERT_OK(dsa_setup(&t, &fn, false));
	TEST_ASSERT(!(rd64(&t, PDK_IDXD_REG_GENCAP) & PDK_IDXD_GENCAP_BLOCK_ON_FAULT));
	TEST_ASSERT_OK(wq_config(&t, 0, 16, true, 5, 21, 10));
	TEST_ASSERT_OK(group_config(&t, 0, 1, 1));
	mode_dw = wqcfg_reg(&t, 0, PDK_IDXD_WQCFG_MODE_DW);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_OK(wr32(&t, mode_dw, rd32(&t, mode_dw) | PDK_IDXD_WQCFG_BOF));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_ERR_BOF_EN);
	TEST_ASSERT_OK(wr32(&t, mode_dw, rd32(&t, mode_dw) & ~PDK_IDXD_WQCFG_BOF));
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_ENABLE_WQ, 0), PDK_IDXD_CMDSTS_SUCCESS);
	TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
	DONE(t.env);
}
PDK_TEST_REGISTER(sim_dsa_bof_gencap_absent, fast, test_bof_gencap_absent);

/*
 * Block on fault needs both WQCFG bof and the descriptor's BOF flag: a
 * WQ without bof completes a faulting copy partially as before (the
 * bytes before the hole, PAGE_FAULT_NOBOF with bit 7) and sends no page
 * request, even for a function with PRI on a fault-queue HWPT; so does a
 * descriptor without BOF on a WQ with bof.
 */
static int
test_bof_off_partial(void)
{
	struct prs_seen seen[2] = { { 0 }, { 0 } };
	void *const args[2] = { &seen[0], &seen[1] };
	struct pdk_sim_dsa_stats st;
	struct pdk_idxd_desc d;
	unsigned int pass;
	struct dsa_t t;

	for (pass = 0; pass < 2; pass++) {
		TEST_ASSERT_OK(dsa_setup_with(&t, NULL, &prs_dsa_fn, true, prs_cb, args));
		TEST_ASSERT_OK(bof_start(&t, 1, pass == 1));
		/* the destination runs off the end of buf[0]'s mapping */
		memset(t.buf[0] + SRC_OFF, 0x33, 8192);
		desc_set(&d, PDK_IDXD_OP_MEMMOVE, pass == 0 ? BOF_FLAGS : RECORD_FLAGS,
			 rec_iova(&t, 0), t.iova[0] + SRC_OFF, t.iova[0] + BUF_LEN - 4096, 8192);
		TEST_ASSERT_EQ(run(&t, 0, &d, 0), PDK_IDXD_COMP_PAGE_FAULT_NOBOF);
		TEST_ASSERT_EQ(rec(&t, 0)->status,
			       PDK_IDXD_COMP_PAGE_FAULT_NOBOF | PDK_IDXD_COMP_STATUS_WRITE);
		TEST_ASSERT_EQ(rec(&t, 0)->fault_addr, t.iova[0] + BUF_LEN);
		TEST_ASSERT_EQ(rec(&t, 0)->bytes_completed, 4096);
		TEST_ASSERT(test_all_bytes(t.buf[0] + BUF_LEN - 4096, 0x33, 4096), "the prefix");
		TEST_ASSERT_RC(pdk_dma_as_fault_poll(t.as[0], SEEN_MAX), 0);
		TEST_ASSERT_OK(dsa_stats(&t, &st));
		TEST_ASSERT_EQ(st.page_requests, 0);
		drain_faults(t.env.sim);
		TEST_ASSERT_EQ(cmd(&t, PDK_IDXD_CMD_DISABLE_DEVICE, 0), PDK_IDXD_CMDSTS_SUCCESS);
		dsa_release(&t);
		TEST_ASSERT_OK(test_env_teardown(&t.env));
	}
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dsa_bof_off_partial, fast, test_bof_off_partial);
