/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* HW page tables and what the IOMMU tells about a bound device. */

#include <errno.h>
#include <string.h>

#include "iommufd_private.h"

/* @p flags: the command's (IOMMU_HWPT_ALLOC_PASID, IOMMU_HWPT_FAULT_ID_VALID) */
static const char *
hwpt_alloc_hint(int rc, uint32_t flags)
{
	switch (rc) {
	case -EOPNOTSUPP:
		if (flags & IOMMU_HWPT_ALLOC_PASID)
			return "the kernel is older than 6.15 or the IOMMU has no PASID support "
			       "(IOMMU_HWPT_ALLOC_PASID refused)";
		if (flags & IOMMU_HWPT_FAULT_ID_VALID)
			return "the kernel is older than 6.11 or the IOMMU cannot report faults";
		return iommufd_generic_hint(rc);
	case -EINVAL:
		return "pt_id is not an IOAS of this iommufd context";
	case -ENOENT:
		return "no bound device has this dev_id, or the fault queue does not exist";
	case -ENODEV:
		return "the device has no IOMMU";
	case -EADDRINUSE:
		return "the IOAS already maps IOVAs outside what this IOMMU domain can translate "
		       "(allocate the HWPT before mapping)";
	default:
		return iommufd_generic_hint(rc);
	}
}

/*
 * The kernel's refusal of @p cmd, out of line: everything the line names is
 * in the command, so the caller keeps nothing else across the ioctl.
 */
static PDK_COLD int
hwpt_alloc_refused(const struct pdk_iommufd *ctx, const struct iommu_hwpt_alloc *cmd, int rc)
{
	return pdk_log_fail("iommufd", ctx->label, rc, hwpt_alloc_hint(rc, cmd->flags),
			    "IOMMU_HWPT_ALLOC dev %u pt %u flags 0x%x%s%s", cmd->dev_id, cmd->pt_id,
			    cmd->flags, cmd->flags & IOMMU_HWPT_ALLOC_PASID ? " (PASID)" : "",
			    cmd->flags & IOMMU_HWPT_FAULT_ID_VALID ? " (fault queue)" : "");
}

static PDK_COLD int
hwpt_alloc_flags_bad(const struct pdk_iommufd *ctx, uint32_t dev_id, uint32_t pt_id,
		     uint32_t flags)
{
	return pdk_log_fail("iommufd", ctx->label, -EINVAL, "pass only PDK_IOMMUFD_HWPT_* flags",
			    "IOMMU_HWPT_ALLOC dev %u pt %u: unknown flags 0x%x", dev_id, pt_id,
			    flags);
}

int
pdk_iommufd_hwpt_alloc(struct pdk_iommufd *ctx, uint32_t dev_id, uint32_t pt_id,
		       uint32_t flags, uint32_t fault_id, uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc cmd;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_HWPT_ALLOC: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(hwpt_id, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_HWPT_ALLOC: NULL HWPT id output pointer"))
		return -EINVAL;
	if (pdk_unlikely(flags & ~(PDK_IOMMUFD_HWPT_PASID | PDK_IOMMUFD_HWPT_FAULT)))
		return hwpt_alloc_flags_bad(ctx, dev_id, pt_id, flags);

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.dev_id = dev_id;
	cmd.pt_id = pt_id;
	cmd.data_type = IOMMU_HWPT_DATA_NONE;
	if (flags & PDK_IOMMUFD_HWPT_PASID)
		cmd.flags |= IOMMU_HWPT_ALLOC_PASID;
	if (flags & PDK_IOMMUFD_HWPT_FAULT) {
		cmd.flags |= IOMMU_HWPT_FAULT_ID_VALID;
		cmd.fault_id = fault_id;
	}
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_HWPT_ALLOC, &cmd);
	if (pdk_unlikely(rc < 0))
		return hwpt_alloc_refused(ctx, &cmd, rc);
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

int
pdk_iommufd_hw_info(struct pdk_iommufd *ctx, uint32_t dev_id, struct pdk_iommufd_hw_info *info)
{
	struct iommu_hw_info cmd;
	const char *hint;
	int rc;

	/*
	 * The full 6.15 struct: an older kernel copies back only the part it
	 * knows, so out_max_pasid_log2 stays 0 (no PASID) there.
	 */
	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_GET_HW_INFO: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(info, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_GET_HW_INFO: NULL information output pointer"))
		return -EINVAL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.dev_id = dev_id;
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_GET_HW_INFO, &cmd);
	if (rc < 0) {
		switch (rc) {
		case -ENOENT:
			hint = "no bound device has this dev_id in this iommufd context";
			break;
		case -EOPNOTSUPP:
			hint = "the device has no IOMMU (no-IOMMU mode) or the kernel is too old";
			break;
		case -ENOTTY:
			hint = "the kernel is older than 6.6 (no IOMMU_GET_HW_INFO); PASIDs need Linux 6.15+";
			break;
		case -EINVAL:
			hint = "the kernel is older than 6.15 (no PASID support in IOMMU_GET_HW_INFO); PASIDs need Linux 6.15+";
			break;
		default:
			hint = iommufd_generic_hint(rc);
			break;
		}
		return pdk_log_fail("iommufd", ctx->label, rc, hint, "IOMMU_GET_HW_INFO dev %u",
				    dev_id);
	}
	memset(info, 0, sizeof(*info));
	info->data_type = cmd.out_data_type;
	info->max_pasid_log2 = cmd.out_max_pasid_log2;
	info->capabilities = cmd.out_capabilities;
	info->pasid_exec = (cmd.out_capabilities & IOMMU_HW_CAP_PCI_PASID_EXEC) != 0;
	info->pasid_priv = (cmd.out_capabilities & IOMMU_HW_CAP_PCI_PASID_PRIV) != 0;
	info->dirty_tracking = (cmd.out_capabilities & IOMMU_HW_CAP_DIRTY_TRACKING) != 0;
	return 0;
}

const char *
pdk_iommufd_hw_type_name(uint32_t data_type)
{
	switch (data_type) {
	case IOMMU_HW_INFO_TYPE_NONE:
		return "none";
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		return "VT-d";
	case IOMMU_HW_INFO_TYPE_ARM_SMMUV3:
		return "SMMUv3";
	case IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV:
		return "Tegra241 CMDQV";
	case IOMMU_HW_INFO_TYPE_AMD:
		return "AMD-Vi";
	default:
		return "unknown";
	}
}
