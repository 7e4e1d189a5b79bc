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
#include "pdk_sys.h"

#define DSA_CMD_TIMEOUT_NS	(1000ull * 1000 * 1000)	/* the kernel waits 1 s too */
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

const char *
dsa_cmdsts_text(uint32_t err)
{
	switch (err) {
	case PDK_IDXD_CMDSTS_SUCCESS: return "success";
	case PDK_IDXD_CMDSTS_INVAL_CMD: return "invalid command";
	case PDK_IDXD_CMDSTS_INVAL_WQIDX: return "invalid WQ index";
	case PDK_IDXD_CMDSTS_HW_ERR: return "hardware error";
	case PDK_IDXD_CMDSTS_ERR_DEV_ENABLED: return "device already enabled";
	case PDK_IDXD_CMDSTS_ERR_CONFIG: return "invalid configuration";
	case PDK_IDXD_CMDSTS_ERR_BUSMASTER_EN: return "bus mastering is off";
	case PDK_IDXD_CMDSTS_ERR_PASID_INVAL: return "invalid PASID";
	case PDK_IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE: return "WQ sizes exceed the device's total";
	case PDK_IDXD_CMDSTS_ERR_GRP_CONFIG: return "invalid group configuration";
	case PDK_IDXD_CMDSTS_ERR_DEV_NOTEN: return "device not enabled";
	case PDK_IDXD_CMDSTS_ERR_WQ_ENABLED: return "WQ already enabled";
	case PDK_IDXD_CMDSTS_ERR_WQ_SIZE: return "WQ size is 0";
	case PDK_IDXD_CMDSTS_ERR_WQ_MODE: return "WQ mode not supported";
	case PDK_IDXD_CMDSTS_ERR_PASID_EN: return "WQ PASID enable not allowed";
	case PDK_IDXD_CMDSTS_ERR_MAX_BATCH_SIZE: return "WQ max batch size too large";
	case PDK_IDXD_CMDSTS_ERR_MAX_XFER_SIZE: return "WQ max transfer size too large";
	case PDK_IDXD_CMDSTS_ERR_DIS_DEV_EN: return "device not enabled (disable)";
	case PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN: return "device not enabled (WQ command)";
	default: return "unknown error";
	}
}

int
dsa_cmd(struct dsa_dev *dev, enum pdk_idxd_cmd cmd, uint32_t operand, const char *step)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = DSA_CMD_POLL_NS };
	uint64_t deadline = pdk_sys_monotonic_ns() + DSA_CMD_TIMEOUT_NS;
	uint32_t sts, err;
	int rc;

	rc = dsa_wr32(dev, PDK_IDXD_REG_CMD, PDK_IDXD_CMD(cmd, operand));
	if (rc < 0)
		return rc;
	for (;;) {
		rc = dsa_rd32(dev, PDK_IDXD_REG_CMDSTS, &sts);
		if (rc < 0)
			return rc;
		if (!(sts & PDK_IDXD_CMDSTS_ACTIVE))
			break;
		if (pdk_sys_monotonic_ns() >= deadline)
			return pdk_log_fail("dsa", dev->name, -ETIMEDOUT, "reset the device",
					    "%s: command %u still active after 1 s", step,
					    (unsigned int)cmd);
		nanosleep(&pause, NULL);
	}
	err = sts & PDK_IDXD_CMDSTS_ERR_MASK;
	if (err == PDK_IDXD_CMDSTS_SUCCESS)
		return 0;
	return pdk_log_fail("dsa", dev->name, -EIO,
			    "reset the device and retry; if it persists, report it (a driver or device bug)",
			    "%s: the device refused command %u: status 0x%02x (%s)", step,
			    (unsigned int)cmd, err, dsa_cmdsts_text(err));
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
