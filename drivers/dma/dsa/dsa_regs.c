/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * BAR0 access and commands. The control path goes through the device fd
 * (pread/pwrite, which vfio-pci turns into MMIO) rather than an mmap of
 * BAR0: it is not hot, and it lets the simulated model see every register
 * write, so the same code serves the model and hardware.
 */

#include <endian.h>
#include <errno.h>
#include <time.h>

#include "dsa_private.h"
#include "pdk_dsa.h"
#include "pdk_sys.h"

/*
 * How long a command may stay active: PDK's own bound. The kernel waits for
 * the command's completion interrupt with no timeout (drivers/dma/idxd/
 * device.c idxd_cmd_exec(); idxd_device_init_reset() spins on CMDSTS active
 * with none either), the VFIO selftest polls every 1 ms for 5 s
 * (tools/testing/selftests/vfio/lib/drivers/dsa/dsa.c dsa_command()), and
 * DPDK gives up after 1,000 pauses (drivers/dma/idxd/idxd_pci.c
 * idxd_pci_dev_command()).
 */
#define DSA_CMD_TIMEOUT_NS	(1000ull * 1000 * 1000)
#define DSA_CMD_POLL_NS		(10 * 1000)

int
dsa_rd32(struct dsa_dev *dev, uint32_t off, uint32_t *v)
{
	uint32_t le;
	int rc = pdk_vfio_bar_read(dev->vdev, PDK_IDXD_MMIO_BAR, off, &le, sizeof(le));

	*v = rc < 0 ? UINT32_MAX : le32toh(le);
	return rc;
}

int
dsa_rd64(struct dsa_dev *dev, uint32_t off, uint64_t *v)
{
	uint64_t le;
	int rc = pdk_vfio_bar_read(dev->vdev, PDK_IDXD_MMIO_BAR, off, &le, sizeof(le));

	*v = rc < 0 ? UINT64_MAX : le64toh(le);
	return rc;
}

int
dsa_wr32(struct dsa_dev *dev, uint32_t off, uint32_t v)
{
	uint32_t le = htole32(v);

	return pdk_vfio_bar_write(dev->vdev, PDK_IDXD_MMIO_BAR, off, &le, sizeof(le));
}

int
dsa_wr64(struct dsa_dev *dev, uint32_t off, uint64_t v)
{
	uint64_t le = htole64(v);

	return pdk_vfio_bar_write(dev->vdev, PDK_IDXD_MMIO_BAR, off, &le, sizeof(le));
}

/*
 * CMDSTS error codes by the kernel's names (drivers/dma/idxd/registers.h
 * enum idxd_cmdsts_err), with what each means where Intel's accel-config
 * says (accfg/lib/libaccfg.c accfg_device_cmd_status[]): the kernel names
 * 0x16-0x18 only GRP_CONFIG2..4.
 */
const char *
dsa_cmdsts_text(uint32_t err)
{
	switch (err) {
	case PDK_IDXD_CMDSTS_SUCCESS: return "SUCCESS";
	case PDK_IDXD_CMDSTS_INVAL_CMD: return "INVAL_CMD: invalid command code";
	case PDK_IDXD_CMDSTS_INVAL_WQIDX: return "INVAL_WQIDX: invalid WQ index";
	case PDK_IDXD_CMDSTS_HW_ERR: return "HW_ERR: internal or platform hardware error";
	case PDK_IDXD_CMDSTS_ERR_DEV_ENABLED: return "ERR_DEV_ENABLED: device not disabled";
	case PDK_IDXD_CMDSTS_ERR_CONFIG:
		return "ERR_CONFIG: unspecified error in the configuration";
	case PDK_IDXD_CMDSTS_ERR_BUSMASTER_EN: return "ERR_BUSMASTER_EN: bus mastering is off";
	case PDK_IDXD_CMDSTS_ERR_PASID_INVAL: return "ERR_PASID_INVAL: invalid PASID";
	case PDK_IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE:
		return "ERR_WQ_SIZE_ERANGE: the WQ sizes exceed the device's total";
	case PDK_IDXD_CMDSTS_ERR_GRP_CONFIG:
		return "ERR_GRP_CONFIG: group configuration: a group lacks WQs or engines";
	case PDK_IDXD_CMDSTS_ERR_GRP_CONFIG2:
		return "ERR_GRP_CONFIG2: group configuration: a WQ misconfigured";
	case PDK_IDXD_CMDSTS_ERR_GRP_CONFIG3:
		return "ERR_GRP_CONFIG3: group configuration: an engine misconfigured";
	case PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4:
		return "ERR_GRP_CONFIG4: group configuration: invalid read buffers";
	case PDK_IDXD_CMDSTS_ERR_DEV_NOTEN: return "ERR_DEV_NOTEN: device not enabled";
	case PDK_IDXD_CMDSTS_ERR_WQ_ENABLED: return "ERR_WQ_ENABLED: WQ not disabled";
	case PDK_IDXD_CMDSTS_ERR_WQ_SIZE: return "ERR_WQ_SIZE: WQ size is 0";
	case PDK_IDXD_CMDSTS_ERR_WQ_PRIOR: return "ERR_WQ_PRIOR: WQ priority is 0";
	case PDK_IDXD_CMDSTS_ERR_WQ_MODE: return "ERR_WQ_MODE: invalid WQ mode";
	case PDK_IDXD_CMDSTS_ERR_BOF_EN: return "ERR_BOF_EN: invalid block on fault setting";
	case PDK_IDXD_CMDSTS_ERR_PASID_EN: return "ERR_PASID_EN: invalid WQ PASID enable";
	case PDK_IDXD_CMDSTS_ERR_MAX_BATCH_SIZE:
		return "ERR_MAX_BATCH_SIZE: invalid WQ max batch size";
	case PDK_IDXD_CMDSTS_ERR_MAX_XFER_SIZE:
		return "ERR_MAX_XFER_SIZE: invalid WQ max transfer size";
	case PDK_IDXD_CMDSTS_ERR_DIS_DEV_EN: return "ERR_DIS_DEV_EN: device not enabled";
	case PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN: return "ERR_DEV_NOT_EN: WQ(s) not enabled";
	case PDK_IDXD_CMDSTS_ERR_INVAL_INT_IDX:
		return "ERR_INVAL_INT_IDX: invalid interrupt table index";
	case PDK_IDXD_CMDSTS_ERR_NO_HANDLE: return "ERR_NO_HANDLE: no interrupt handle available";
	default: return "a code the kernel does not name";
	}
}

/* A command by the kernel's name (registers.h enum idxd_cmd). */
static const char *
dsa_cmd_name(enum pdk_idxd_cmd cmd)
{
	switch (cmd) {
	case PDK_IDXD_CMD_ENABLE_DEVICE: return "ENABLE_DEVICE";
	case PDK_IDXD_CMD_DISABLE_DEVICE: return "DISABLE_DEVICE";
	case PDK_IDXD_CMD_DRAIN_ALL: return "DRAIN_ALL";
	case PDK_IDXD_CMD_ABORT_ALL: return "ABORT_ALL";
	case PDK_IDXD_CMD_RESET_DEVICE: return "RESET_DEVICE";
	case PDK_IDXD_CMD_ENABLE_WQ: return "ENABLE_WQ";
	case PDK_IDXD_CMD_DISABLE_WQ: return "DISABLE_WQ";
	case PDK_IDXD_CMD_DRAIN_WQ: return "DRAIN_WQ";
	case PDK_IDXD_CMD_ABORT_WQ: return "ABORT_WQ";
	case PDK_IDXD_CMD_RESET_WQ: return "RESET_WQ";
	default: return "a command";
	}
}

const char *
dsa_reset_type_text(uint32_t gensts)
{
	switch (PDK_IDXD_GET(gensts, PDK_IDXD_GENSTS_RESET_TYPE_SHIFT, 2)) {
	case PDK_IDXD_RESET_SOFTWARE: return "a software reset (RESET DEVICE)";
	case PDK_IDXD_RESET_FLR: return "a function level reset";
	case PDK_IDXD_RESET_WARM: return "a warm platform reset";
	default: return "a cold platform reset";
	}
}

/*
 * A halted device takes no command: the kernel refuses them all
 * (device.c idxd_cmd_exec(), idxd_device_init_reset(): "Device is HALTED!")
 * and recovers by the reset GENSTS names (irq.c idxd_halt(): a software
 * reset it does itself, else "idxd halted, need FLR / system reset"). PDK
 * lets RESET DEVICE through when that is the reset asked for.
 */
int
dsa_check_halted(struct dsa_dev *dev, enum pdk_idxd_cmd cmd, const char *step)
{
	uint32_t gensts;
	int rc = dsa_rd32(dev, PDK_IDXD_REG_GENSTS, &gensts);

	if (rc < 0)
		return rc;
	if ((gensts & PDK_IDXD_GENSTS_STATE_MASK) != PDK_IDXD_STATE_HALT || gensts == UINT32_MAX)
		return 0;
	if (cmd == PDK_IDXD_CMD_RESET_DEVICE &&
	    PDK_IDXD_GET(gensts, PDK_IDXD_GENSTS_RESET_TYPE_SHIFT, 2) == PDK_IDXD_RESET_SOFTWARE)
		return 0;
	return pdk_log_fail("dsa", dev->name, -EIO,
			    PDK_IDXD_GET(gensts, PDK_IDXD_GENSTS_RESET_TYPE_SHIFT, 2) ==
					    PDK_IDXD_RESET_SOFTWARE ?
				    "close and probe it again (probe resets it)" :
				    PDK_IDXD_GET(gensts, PDK_IDXD_GENSTS_RESET_TYPE_SHIFT, 2) ==
					    PDK_IDXD_RESET_FLR ?
				    "reset the function (close and probe it again: probe does a VFIO reset)" :
				    "the host must be reset; until then the device is unusable",
			    "%s: %s not sent: the device is halted (GENSTS 0x%08x), it needs %s (SWERR may say why: pdk_dmadev_dump())",
			    step, dsa_cmd_name(cmd), gensts, dsa_reset_type_text(gensts));
}

/* Wait until CMDSTS is not active; @return 0, -ETIMEDOUT (not logged) or -errno. */
static int
dsa_cmd_wait(struct dsa_dev *dev, uint32_t *sts)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = DSA_CMD_POLL_NS };
	uint64_t deadline = pdk_sys_monotonic_ns() + DSA_CMD_TIMEOUT_NS;
	int rc;

	for (;;) {
		rc = dsa_rd32(dev, PDK_IDXD_REG_CMDSTS, sts);
		if (rc < 0)
			return rc;
		if (!(*sts & PDK_IDXD_CMDSTS_ACTIVE) || *sts == UINT32_MAX)
			return 0;
		if (pdk_sys_monotonic_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&pause, NULL);
	}
}

int
dsa_cmd(struct dsa_dev *dev, enum pdk_idxd_cmd cmd, uint32_t operand, const char *step)
{
	uint32_t sts, err;
	int rc;

	rc = dsa_check_halted(dev, cmd, step);
	if (rc < 0)
		return rc;
	/* one command at a time: DPDK's init_pci_device() refuses a device with one in progress */
	rc = dsa_cmd_wait(dev, &sts);
	if (rc == -ETIMEDOUT)
		return pdk_log_fail("dsa", dev->name, -EBUSY,
				    "reset the function (close and probe it again)",
				    "%s: %s not sent: an earlier command is still active after 1 s (CMDSTS 0x%08x)",
				    step, dsa_cmd_name(cmd), sts);
	if (rc < 0)
		return rc;
	rc = dsa_wr32(dev, PDK_IDXD_REG_CMD, PDK_IDXD_CMD(cmd, operand));
	if (rc < 0)
		return rc;
	rc = dsa_cmd_wait(dev, &sts);
	if (rc == -ETIMEDOUT)
		return pdk_log_fail("dsa", dev->name, -ETIMEDOUT, "reset the device",
				    "%s: %s still active after 1 s", step, dsa_cmd_name(cmd));
	if (rc < 0)
		return rc;
	err = sts & PDK_IDXD_CMDSTS_ERR_MASK;
	if (err == PDK_IDXD_CMDSTS_SUCCESS)
		return 0;
	return pdk_log_fail("dsa", dev->name, -EIO,
			    "reset the device and retry; if it persists, report it (a driver or device bug)",
			    "%s: the device refused %s: status 0x%02x (%s)", step,
			    dsa_cmd_name(cmd), err, dsa_cmdsts_text(err));
}

bool
dsa_opcap_has(const struct dsa_caps *c, unsigned int op)
{
	return (c->opcap[op / 64] >> (op % 64)) & 1;
}

int
dsa_caps_read(struct dsa_dev *dev)
{
	struct dsa_caps *c = &dev->caps;
	uint64_t grpcap = 0, engcap = 0, offsets = 0;	/* set when rc == 0 */
	unsigned int i;
	int rc;

	rc = dsa_rd32(dev, PDK_IDXD_REG_VERSION, &c->version);
	if (rc == 0)
		rc = dsa_rd64(dev, PDK_IDXD_REG_GENCAP, &c->gencap);
	if (rc == 0)
		rc = dsa_rd64(dev, PDK_IDXD_REG_WQCAP, &c->wqcap);
	if (rc == 0)
		rc = dsa_rd64(dev, PDK_IDXD_REG_GRPCAP, &grpcap);
	if (rc == 0)
		rc = dsa_rd64(dev, PDK_IDXD_REG_ENGCAP, &engcap);
	if (rc == 0)
		rc = dsa_rd64(dev, PDK_IDXD_REG_OFFSETS, &offsets);
	for (i = 0; rc == 0 && i < 4; i++)
		rc = dsa_rd64(dev, PDK_IDXD_REG_OPCAP + 8 * i, &c->opcap[i]);
	if (rc < 0)
		return rc;
	if (c->version == UINT32_MAX || c->gencap == UINT64_MAX)
		return pdk_log_fail("dsa", dev->name, -EIO,
				    "memory decoding is off, or it is resetting: retry, or reset the device",
				    "probe: registers read all ones: the device is not answering");
	c->num_wqs = (uint16_t)PDK_IDXD_GET(c->wqcap, PDK_IDXD_WQCAP_NUM_WQS_SHIFT, 8);
	c->total_wq_size = (uint16_t)PDK_IDXD_GET(c->wqcap, PDK_IDXD_WQCAP_TOTAL_SIZE_SHIFT, 16);
	c->wqcfg_size = PDK_IDXD_WQCFG_MIN_SIZE <<
		PDK_IDXD_GET(c->wqcap, PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT, 4);
	c->num_groups = (uint8_t)PDK_IDXD_GET(grpcap, PDK_IDXD_GRPCAP_NUM_GROUPS_SHIFT, 8);
	c->total_rdbufs = (uint8_t)PDK_IDXD_GET(grpcap, PDK_IDXD_GRPCAP_TOTAL_RDBUFS_SHIFT, 8);
	c->num_engines = (uint8_t)PDK_IDXD_GET(engcap, PDK_IDXD_ENGCAP_NUM_ENGINES_SHIFT, 8);
	c->max_xfer = (uint32_t)(UINT64_C(1) <<
		PDK_IDXD_GET(c->gencap, PDK_IDXD_GENCAP_MAX_XFER_SHIFT, 5));
	c->max_batch = (uint16_t)(1u <<
		PDK_IDXD_GET(c->gencap, PDK_IDXD_GENCAP_MAX_BATCH_SHIFT, 4));
	c->grpcfg_off = (uint32_t)PDK_IDXD_GET(offsets, PDK_IDXD_OFFSETS_GRPCFG_SHIFT, 16) *
		PDK_IDXD_TABLE_MULT;
	c->wqcfg_off = (uint32_t)PDK_IDXD_GET(offsets, PDK_IDXD_OFFSETS_WQCFG_SHIFT, 16) *
		PDK_IDXD_TABLE_MULT;
	return 0;
}

/*
 * The GRPCFG flags of a group, as the kernel writes them by default: traffic
 * class A = B = 1 on a device up to version 2.0, else A = 0, B = 1
 * (drivers/dma/idxd/device.c idxd_groups_clear_state(), without tc_override,
 * and idxd_group_flags_setup()); read buffers allowed = GRPCAP total_rdbufs
 * (idxd_group_flags_setup() with rdbufs_allowed unset, idxd->max_rdbufs from
 * init.c idxd_read_caps()); no read buffer limit, none reserved, no progress
 * limits. Writing 0, as PDK did, gives a group no read buffers.
 */
uint64_t
dsa_group_flags(const struct dsa_caps *c)
{
	unsigned int tc_a = c->version <= PDK_IDXD_VERSION_2 ? 1 : 0;

	return (uint64_t)tc_a << PDK_IDXD_GRPFLAGS_TC_A_SHIFT |
	       UINT64_C(1) << PDK_IDXD_GRPFLAGS_TC_B_SHIFT |
	       (uint64_t)c->total_rdbufs << PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT;
}

const char *
pdk_dsa_status_name(uint8_t hw_status)
{
	/* uapi linux/idxd.h enum dsa_completion_status: 0x00-0x09, 0x10-0x22 */
	static const char *const low[] = {
		"NONE", "SUCCESS", "SUCCESS_PRED", "PAGE_FAULT_NOBOF", "PAGE_FAULT_IR",
		"BATCH_FAIL", "BATCH_PAGE_FAULT", "DR_OFFSET_NOINC", "DR_OFFSET_ERANGE",
		"DIF_ERR",
	};
	static const char *const high[] = {
		"BAD_OPCODE", "INVALID_FLAGS", "NOZERO_RESERVE", "XFER_ERANGE",
		"DESC_CNT_ERANGE", "DR_ERANGE", "OVERLAP_BUFFERS", "DCAST_ERR",
		"DESCLIST_ALIGN", "INT_HANDLE_INVAL", "CRA_XLAT", "CRA_ALIGN", "ADDR_ALIGN",
		"PRIV_BAD", "TRAFFIC_CLASS_CONF", "PFAULT_RDBA", "HW_ERR1", "HW_ERR_DRB",
		"TRANSLATION_FAIL",
	};
	unsigned int code = hw_status & PDK_IDXD_COMP_STATUS_MASK;

	if (code < sizeof(low) / sizeof(low[0]))
		return low[code];
	if (code >= PDK_IDXD_COMP_BAD_OPCODE &&
	    code - PDK_IDXD_COMP_BAD_OPCODE < sizeof(high) / sizeof(high[0]))
		return high[code - PDK_IDXD_COMP_BAD_OPCODE];
	return "unknown";
}
