/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * IOAS objects and their ioctls, after drivers/iommu/iommufd/ioas.c: each
 * ioctl checks its struct and hands the IO address space to its IO page
 * table (iommu/sim_iopt.c), which holds the mappings, the reserved and
 * allowed ranges and the rules of io_pagetable.c.
 */

#include <errno.h>
#include <stdlib.h>

#include "sim_kernel.h"

static struct sim_ioas *
sim_ioas_get(struct sim_ctx *ctx, uint32_t id)
{
	struct sim_obj *obj = sim_obj_find(ctx, id, SIM_OBJ_IOAS);

	return obj != NULL ? sim_container_of(obj, struct sim_ioas, obj) : NULL;
}

/* ---- IOMMU_IOAS_ALLOC and the object ---- */

static void
sim_ioas_destroy(struct sim_obj *obj)
{
	struct sim_ioas *ioas = sim_container_of(obj, struct sim_ioas, obj);
	struct pdk_sim *sim = ioas->ctx->sim;

	sim_iopt_destroy(&ioas->iopt);
	sim_obj_remove(ioas->ctx, &ioas->obj);
	sim->st.ioas--;
	free(ioas);
}

static const struct sim_obj_ops sim_ioas_ops = {
	.type = SIM_OBJ_IOAS,
	.name = "IOAS",
	.destroy = sim_ioas_destroy,
};

int
sim_ioas_new(struct sim_ctx *ctx, struct sim_ioas **out)
{
	struct sim_ioas *ioas = calloc(1, sizeof(*ioas));
	int rc;

	if (ioas == NULL)
		return -ENOMEM;
	rc = sim_obj_insert(ctx, &ioas->obj, &sim_ioas_ops);
	if (rc < 0) {
		free(ioas);
		return rc;
	}
	ioas->ctx = ctx;
	sim_iopt_init(&ioas->iopt, ctx->sim);
	ctx->sim->st.ioas++;
	*out = ioas;
	return 0;
}

int
sim_ioas_ioctl_alloc(struct sim_ucmd *uc)
{
	struct iommu_ioas_alloc *cmd = uc->cmd;
	struct sim_ioas *ioas;
	int rc;

	if (cmd->flags != 0)
		return sim_err(-EOPNOTSUPP, "IOMMU_IOAS_ALLOC", "flags must be 0");
	rc = sim_ioas_new(uc->ctx, &ioas);
	if (rc < 0)
		return rc;
	cmd->out_ioas_id = ioas->obj.id;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_MAP ---- */

int
sim_ioas_ioctl_map(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_MAP";
	const uint32_t prot = IOMMU_IOAS_MAP_WRITEABLE | IOMMU_IOAS_MAP_READABLE;
	const uint32_t valid = IOMMU_IOAS_MAP_FIXED_IOVA | prot;
	struct iommu_ioas_map *cmd = uc->cmd;
	struct sim_ioas *ioas;
	uint64_t iova = cmd->iova;
	int rc;

	if ((cmd->flags & ~valid) || cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "unknown flags or non-zero __reserved");
	if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
		return sim_err(-EOVERFLOW, op, "iova or length >= ULONG_MAX");
	if (!(cmd->flags & prot))
		return sim_err(-EINVAL, op, "neither READABLE nor WRITEABLE");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	rc = sim_iopt_map(&ioas->iopt, cmd->user_va, cmd->length, cmd->flags & prot,
			  (cmd->flags & IOMMU_IOAS_MAP_FIXED_IOVA) != 0, &iova);
	if (rc < 0)
		return rc;
	cmd->iova = iova;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_UNMAP ---- */

int
sim_ioas_ioctl_unmap(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_UNMAP";
	struct iommu_ioas_unmap *cmd = uc->cmd;
	struct sim_ioas *ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	uint64_t unmapped = 0;
	int rc;

	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		rc = sim_iopt_unmap(&ioas->iopt, 0, SIM_ULONG_MAX, &unmapped);
		/* iopt_unmap_all(): an empty IOAS unmaps "all" successfully. */
		if (rc == -ENOENT && unmapped == 0)
			rc = 0;
	} else {
		if (cmd->iova >= SIM_ULONG_MAX || cmd->length >= SIM_ULONG_MAX)
			return sim_err(-EOVERFLOW, op, "iova or length >= ULONG_MAX");
		if (cmd->length == 0)
			return sim_err(-EINVAL, op, "length 0");
		if (cmd->iova + cmd->length - 1 < cmd->iova)
			return sim_err(-EOVERFLOW, op, "iova + length wraps");
		rc = sim_iopt_unmap(&ioas->iopt, cmd->iova, cmd->iova + cmd->length - 1, &unmapped);
	}
	if (rc < 0)
		return rc;
	cmd->length = unmapped;
	sim_ucmd_respond(uc);
	return 0;
}

/* ---- IOMMU_IOAS_IOVA_RANGES ---- */

struct sim_ranges_out {
	uint64_t out;		/* the user's array */
	uint32_t max;
	uint32_t num;
	bool fault;
};

static void
sim_ranges_emit(void *arg, uint64_t start, uint64_t last)
{
	struct sim_ranges_out *o = arg;
	struct iommu_iova_range r = { .start = start, .last = last };

	if (o->num < o->max && !o->fault &&
	    sim_copy_to_user(o->out + (uint64_t)o->num * sizeof(r), &r, sizeof(r)) < 0)
		o->fault = true;
	o->num++;
}

int
sim_ioas_ioctl_iova_ranges(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_IOVA_RANGES";
	struct iommu_ioas_iova_ranges *cmd = uc->cmd;
	struct sim_ranges_out o = {
		.out = cmd->allowed_iovas,
		.max = cmd->num_iovas,
	};
	struct sim_ioas *ioas;
	int rc;

	if (cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "non-zero __reserved");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	rc = sim_iopt_usable_ranges(&ioas->iopt, sim_ranges_emit, &o);
	if (rc < 0)
		return rc;
	if (o.fault)
		return sim_err(-EFAULT, op, "allowed_iovas does not point to num_iovas writable "
			       "ranges");
	cmd->num_iovas = o.num;
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	sim_ucmd_respond(uc);
	if (o.num > o.max)
		return sim_err(-EMSGSIZE, op, "array too small; num_iovas holds the count needed");
	return 0;
}

/* ---- IOMMU_IOAS_ALLOW_IOVAS ---- */

#define SIM_ALLOW_MAX (1u << 20)

int
sim_ioas_ioctl_allow_iovas(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_IOAS_ALLOW_IOVAS";
	struct iommu_ioas_allow_iovas *cmd = uc->cmd;
	struct iommu_iova_range *ranges = NULL;
	struct sim_ioas *ioas;
	uint32_t i, j;

	if (cmd->__reserved)
		return sim_err(-EOPNOTSUPP, op, "non-zero __reserved");
	ioas = sim_ioas_get(uc->ctx, cmd->ioas_id);
	if (ioas == NULL)
		return sim_err(-ENOENT, op, "no IOAS with that id");
	if (cmd->num_iovas > 0) {
		if (cmd->num_iovas > SIM_ALLOW_MAX)
			return -ENOMEM;
		ranges = calloc(cmd->num_iovas, sizeof(*ranges));
		if (ranges == NULL)
			return -ENOMEM;
		if (sim_copy_from_user(ranges, cmd->allowed_iovas,
				       cmd->num_iovas * sizeof(*ranges)) < 0) {
			free(ranges);
			return sim_err(-EFAULT, op, "allowed_iovas does not point to num_iovas "
				       "readable ranges");
		}
	}
	for (i = 0; i < cmd->num_iovas; i++) {
		if (ranges[i].start >= ranges[i].last) {
			free(ranges);
			return sim_err(-EINVAL, op, "a range with start >= last");
		}
		for (j = 0; j < i; j++) {
			if (sim_ranges_overlap(ranges[i].start, ranges[i].last,
					       ranges[j].start, ranges[j].last)) {
				free(ranges);
				return sim_err(-EINVAL, op, "overlapping ranges");
			}
		}
		if (sim_iopt_reserved_overlaps(&ioas->iopt, ranges[i].start, ranges[i].last)) {
			free(ranges);
			return sim_err(-EADDRINUSE, op, "a range intersects a reserved range");
		}
	}
	sim_iopt_set_allowed(&ioas->iopt, ranges, cmd->num_iovas);
	return 0;
}
