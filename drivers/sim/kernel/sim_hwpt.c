/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * HWPT objects: the paging domains of drivers/iommu/iommufd/hw_pagetable.c.
 * A HWPT holds an IOMMU domain that mirrors its IOAS's IO page table (the
 * DMA port translates through it), narrows the IOAS to the domain's
 * aperture and holds a reference on it, and on its fault queue, whose
 * handler it gives the domain. An automatic HWPT is the one an attach to an IOAS
 * makes; it is never PASID-compatible (allocated with flags 0) and dies with
 * its last attachment.
 *
 * The simulated IOMMU has no dirty tracking and no nesting, so those flags
 * get -EOPNOTSUPP, as from an IOMMU without the capability.
 */

#include <errno.h>
#include <stdlib.h>

#include "sim_kernel.h"

static void
sim_hwpt_destroy_obj(struct sim_obj *obj)
{
	sim_hwpt_destroy(sim_container_of(obj, struct sim_hwpt, obj));
}

static const struct sim_obj_ops sim_hwpt_ops = {
	.type = SIM_OBJ_HWPT,
	.name = "HWPT",
	.destroy = sim_hwpt_destroy_obj,
};

int
sim_hwpt_paging_alloc(struct sim_ctx *ctx, struct sim_ioas *ioas, uint32_t flags,
		      struct sim_hwpt **out)
{
	static const char op[] = "IOMMU_HWPT_ALLOC";
	const uint32_t valid = IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING |
			       IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID;
	struct sim_hwpt *hwpt;
	int rc;

	if (flags & ~valid)
		return sim_err(-EOPNOTSUPP, op, "unknown flags");
	if (flags & IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		return sim_err(-EOPNOTSUPP, op, "the simulated IOMMU has no dirty tracking");
	if ((flags & IOMMU_HWPT_FAULT_ID_VALID) && (flags & IOMMU_HWPT_ALLOC_NEST_PARENT))
		return sim_err(-EOPNOTSUPP, op, "FAULT_ID_VALID with NEST_PARENT");
	if (flags & IOMMU_HWPT_ALLOC_NEST_PARENT)
		return sim_err(-EOPNOTSUPP, op, "the simulated IOMMU has no nesting");

	hwpt = calloc(1, sizeof(*hwpt));
	if (hwpt == NULL)
		return -ENOMEM;
	rc = sim_obj_insert(ctx, &hwpt->obj, &sim_hwpt_ops);
	if (rc < 0) {
		free(hwpt);
		return rc;
	}
	hwpt->ioas = ioas;
	hwpt->flags = flags;
	hwpt->pasid_compat = (flags & IOMMU_HWPT_ALLOC_PASID) != 0;
	sim_domain_init(&hwpt->domain, ctx->sim, &ioas->iopt, hwpt->pasid_compat);
	rc = sim_iopt_add_domain(&ioas->iopt, &hwpt->domain);
	if (rc < 0) {
		sim_obj_remove(ctx, &hwpt->obj);
		free(hwpt);
		return rc;
	}
	ioas->obj.users++;
	ctx->sim->st.hwpts++;
	*out = hwpt;
	return 0;
}

void
sim_hwpt_destroy(struct sim_hwpt *hwpt)
{
	struct sim_ctx *ctx = hwpt->ioas->ctx;

	sim_iopt_remove_domain(&hwpt->ioas->iopt, &hwpt->domain);
	hwpt->ioas->obj.users--;
	if (hwpt->fault != NULL)
		hwpt->fault->obj.users--;
	sim_obj_remove(ctx, &hwpt->obj);
	ctx->sim->st.hwpts--;
	free(hwpt);
}

void
sim_hwpt_put(struct sim_hwpt *hwpt)
{
	hwpt->obj.users--;
	if (hwpt->auto_domain && hwpt->obj.users == 0)
		sim_hwpt_destroy(hwpt);
}

int
sim_hwpt_ioctl_alloc(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_HWPT_ALLOC";
	struct iommu_hwpt_alloc *cmd = uc->cmd;
	struct sim_fault_queue *fq = NULL;
	struct sim_hwpt *hwpt = NULL;
	struct sim_obj *pt;
	int rc;

	if (cmd->__reserved || cmd->__reserved2)
		return sim_err(-EOPNOTSUPP, op, "non-zero __reserved");
	if ((cmd->data_type == IOMMU_HWPT_DATA_NONE && cmd->data_len != 0) ||
	    (cmd->data_type != IOMMU_HWPT_DATA_NONE && cmd->data_len == 0))
		return sim_err(-EINVAL, op, "data_type and data_len disagree");
	if (sim_obj_find(uc->ctx, cmd->dev_id, SIM_OBJ_DEVICE) == NULL)
		return sim_err(-ENOENT, op, "no device with that dev_id");
	pt = sim_obj_find(uc->ctx, cmd->pt_id, SIM_OBJ_ANY);
	if (pt == NULL)
		return sim_err(-EINVAL, op, "no object with that pt_id");

	switch (pt->ops->type) {
	case SIM_OBJ_IOAS:
		if (cmd->data_len != 0)
			return sim_err(-EOPNOTSUPP, op,
				       "the simulated IOMMU takes no driver data for a paging domain");
		rc = sim_hwpt_paging_alloc(uc->ctx, (struct sim_ioas *)pt, cmd->flags, &hwpt);
		if (rc < 0)
			return rc;
		break;
	case SIM_OBJ_HWPT:
		/* A nested domain: needs driver data and a nest parent, neither simulated. */
		if ((cmd->flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID)) ||
		    cmd->data_len == 0)
			return sim_err(-EOPNOTSUPP, op, "nested HWPT without driver data");
		return sim_err(-EINVAL, op, "the parent HWPT is not a nest parent");
	default:
		return sim_err(-EINVAL, op, "pt_id is neither an IOAS nor a HWPT");
	}

	if (cmd->flags & IOMMU_HWPT_FAULT_ID_VALID) {
		fq = (struct sim_fault_queue *)sim_obj_find(uc->ctx, cmd->fault_id, SIM_OBJ_FAULT);
		if (fq == NULL) {
			sim_hwpt_destroy(hwpt);
			return sim_err(-ENOENT, op, "fault_id is not a fault queue");
		}
		hwpt->fault = fq;
		hwpt->domain.iopf_handler = sim_fault_iopf_handler;
		fq->obj.users++;
	}
	cmd->out_hwpt_id = hwpt->obj.id;
	sim_ucmd_respond(uc);
	return 0;
}
