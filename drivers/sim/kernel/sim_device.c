/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * iommufd device objects and their attachments: the kAPI of
 * drivers/iommu/iommufd/device.c that VFIO calls (bind, attach, replace,
 * detach, each with a PASID, 0 being the RID), plus IOMMU_GET_HW_INFO.
 *
 * Attachments live per (IOMMU group, PASID), as igroup->pasid_attach does:
 * the first device of a group to attach programs the IOMMU for the whole
 * group, later ones must name the same HWPT (-EINVAL otherwise), and the
 * same device attaching the same PASID again is -EBUSY (the device_array
 * xa_insert). The PASID compatibility rule and the IOMMU core's PASID checks
 * run only when the group is first attached, as in the kernel.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

/* PASIDs the function can use: min(function, IOMMU) width, 0 without PASID. */
static unsigned int
sim_fn_max_pasid_log2(const struct sim_fn *fn)
{
	unsigned int iommu = fn->sim->cfg.iommu_pasid_bits;

	if (fn->cfg.pasid_bits == 0)
		return 0;
	return fn->cfg.pasid_bits < iommu ? fn->cfg.pasid_bits : iommu;
}

static struct sim_attach *
sim_group_attach_find(struct sim_group *grp, uint32_t pasid)
{
	struct sim_attach_handle *h = sim_iommu_attach_find(grp, pasid);

	return h != NULL ? sim_attach_of(h) : NULL;
}

static bool
sim_attach_has(const struct sim_attach *att, const struct sim_device *idev)
{
	unsigned int i;

	for (i = 0; i < att->ndevs; i++)
		if (att->devs[i] == idev)
			return true;
	return false;
}

/* The group's last device there left: the IOMMU forgets the attachment. */
static void
sim_attach_unlink(struct sim_group *grp, struct sim_attach *att)
{
	sim_iommu_detach(grp, &att->handle);
	free(att->devs);
	free(att);
}

static void
sim_attach_count(struct pdk_sim *sim, uint32_t pasid, bool up)
{
	unsigned int *c = pasid == 0 ? &sim->st.rid_attachments : &sim->st.pasid_attachments;

	if (up)
		(*c)++;
	else
		(*c)--;
}

/* ---- bind ---- */

/* No destroy: a device object goes with its VFIO unbind, never by id. */
static const struct sim_obj_ops sim_device_ops = {
	.type = SIM_OBJ_DEVICE,
	.name = "device",
};

int
sim_device_bind(struct sim_ctx *ctx, struct sim_fn *fn, struct sim_device **out)
{
	struct pdk_sim *sim = ctx->sim;
	struct sim_group *grp = fn->group;
	struct sim_device *idev;
	struct sim_fn *f;
	int rc;

	/* iommu_device_claim_dma_owner(): the group must be ours alone. */
	for (f = sim->fns; f != NULL; f = f->next)
		if (f != fn && f->group == grp && f->cfg.not_vfio)
			return sim_err(-EPERM, "VFIO_DEVICE_BIND_IOMMUFD",
				       "a function of the IOMMU group is bound to another kernel driver");
	if (grp->owner != NULL && grp->owner != ctx)
		return sim_err(-EPERM, "VFIO_DEVICE_BIND_IOMMUFD",
			       "the IOMMU group is owned by another iommufd context");
	idev = calloc(1, sizeof(*idev));
	if (idev == NULL)
		return -ENOMEM;
	rc = sim_obj_insert(ctx, &idev->obj, &sim_device_ops);
	if (rc < 0) {
		free(idev);
		return rc;
	}
	/* The bind itself holds a reference: IOMMU_DESTROY of a bound device is -EBUSY. */
	idev->obj.users = 1;
	idev->ctx = ctx;
	idev->fn = fn;
	grp->owner = ctx;
	grp->owner_cnt++;
	sim_ctx_get(ctx);
	sim->st.bound_devices++;
	*out = idev;
	return 0;
}

void
sim_device_unbind(struct sim_device *idev)
{
	struct sim_ctx *ctx = idev->ctx;
	struct sim_group *grp = idev->fn->group;

	sim_obj_remove(ctx, &idev->obj);
	if (--grp->owner_cnt == 0)
		grp->owner = NULL;
	ctx->sim->st.bound_devices--;
	free(idev);
	sim_ctx_put(ctx);
}

/* ---- the IOMMU side of an attach ---- */

/* A RID attach reserves the device's regions (x86: the MSI window) in the IOAS. */
static int
sim_attach_reserve(struct sim_ioas *ioas, struct sim_fn *fn)
{
	const struct sim_iommu_kind *iommu = ioas->ctx->sim->iommu;
	int rc = sim_iopt_reserve_regions(&ioas->iopt, iommu->resv, iommu->nresv, fn);

	if (rc < 0)
		return sim_err(rc, "attach",
			       "the device's reserved region (MSI window) overlaps a mapping or allowed range");
	return 0;
}

/*
 * A HWPT with a fault queue gives its domain an iopf_handler; VT-d then
 * wants the function's PRI enabled (drivers/iommu/intel/iommu.h
 * iopf_for_domain_set() -> iommu.c intel_iommu_enable_iopf(): -ENODEV
 * without info->pri_enabled), which it enables only with ATS
 * (sim_iommu.h pri_needs_ats). The other kinds accept it (sim_iommu.h).
 */
static int
sim_iopf_attach_check(const struct sim_hwpt *hwpt, const struct sim_fn *fn)
{
	const struct sim_iommu_kind *iommu = fn->sim->iommu;
	const char *why = "the driver left it off";

	if (hwpt->fault == NULL || !iommu->iopf_needs_pri || sim_fn_pri_alloc(fn) > 0)
		return 0;
	if (fn->pri_cap == 0)
		why = "it has no PRI capability";
	else if (iommu->pri_needs_ats && !fn->cfg.ats)
		why = "it has PRI but no ATS, without which the driver leaves PRI off";
	return sim_fail(PDK_LOG_DEBUG, NULL, -ENODEV, NULL,
			"attach: %s: a HWPT with a fault queue on a function without PRI enabled (%s)",
			iommu->name, why);
}

/*
 * iommufd_hwpt_pasid_compat() then, for a PASID, what the IOMMU core and
 * driver check in iommu_attach_device_pasid(): a domain op (AMD paging
 * domains have no set_dev_pasid) and the range of every PASID-capable
 * device of the group. Devices without PASID support are skipped, so a
 * PASID attach on one succeeds and programs nothing (kernel-facts K16).
 */
static int
sim_hw_attach_check(struct sim_hwpt *hwpt, struct sim_device *idev, uint32_t pasid)
{
	static const char op[] = "attach";
	struct sim_fn *fn = idev->fn;
	struct sim_group *grp = fn->group;
	struct sim_attach_handle *h;
	struct sim_attach *a;
	struct sim_fn *f;
	int rc;

	rc = sim_iopf_attach_check(hwpt, fn);
	if (rc < 0)
		return rc;
	if (pasid == 0) {
		if (!hwpt->pasid_compat)
			for (h = grp->attach; h != NULL; h = h->next)
				if (h->pasid != 0)
					return sim_err(-EINVAL, op,
						       "RID to a HWPT without IOMMU_HWPT_ALLOC_PASID while a PASID is attached");
		return 0;
	}
	if (!hwpt->pasid_compat)
		return sim_err(-EINVAL, op, "PASID to a HWPT without IOMMU_HWPT_ALLOC_PASID");
	a = sim_group_attach_find(grp, 0);
	if (a != NULL && !sim_attach_hwpt(a)->pasid_compat)
		return sim_err(-EINVAL, op,
			       "PASID while the RID is attached to a HWPT without IOMMU_HWPT_ALLOC_PASID");
	if (!fn->sim->iommu->pasid_attach)
		return sim_fail(PDK_LOG_DEBUG, NULL, -EOPNOTSUPP, NULL,
				"%s: %s paging domains have no PASID attach", op, fn->sim->iommu->name);
	for (f = fn->sim->fns; f != NULL; f = f->next) {
		unsigned int w = sim_fn_max_pasid_log2(f);

		if (f->group == grp && w > 0 && pasid >= (1u << w))
			return sim_err(-EINVAL, op, "PASID beyond the device's PASID width");
	}
	return 0;
}

static int
sim_do_attach(struct sim_device *idev, uint32_t pasid, struct sim_hwpt *hwpt)
{
	static const char op[] = "attach";
	struct sim_fn *fn = idev->fn;
	struct sim_group *grp = fn->group;
	struct sim_attach *att = sim_group_attach_find(grp, pasid);
	struct sim_device **devs;
	bool first = att == NULL;
	int rc;

	if (att != NULL && sim_attach_has(att, idev))
		return sim_err(-EBUSY, op, "this PASID (or the RID) is already attached in iommufd");
	if (att != NULL && sim_attach_hwpt(att) != hwpt)
		return sim_err(-EINVAL, op, "the IOMMU group is attached to another HWPT there");
	if (!first) {
		rc = sim_iopf_attach_check(hwpt, fn);
		if (rc < 0)
			return rc;
	}
	if (pasid == 0) {
		rc = sim_attach_reserve(hwpt->ioas, fn);
		if (rc < 0)
			return rc;
	}
	if (first) {
		rc = sim_hw_attach_check(hwpt, idev, pasid);
		if (rc < 0)
			goto fail_resv;
		att = calloc(1, sizeof(*att));
		if (att == NULL) {
			rc = -ENOMEM;
			goto fail_resv;
		}
	}
	devs = realloc(att->devs, (att->ndevs + 1) * sizeof(*devs));
	if (devs == NULL) {
		rc = -ENOMEM;
		if (first) {
			free(att->devs);
			free(att);
		}
		goto fail_resv;
	}
	att->devs = devs;
	att->devs[att->ndevs++] = idev;
	if (first)
		sim_iommu_attach(grp, &att->handle, pasid, &hwpt->domain);
	hwpt->obj.users++;
	sim_attach_count(fn->sim, pasid, true);
	return 0;

fail_resv:
	if (pasid == 0)
		sim_iopt_unreserve(&hwpt->ioas->iopt, fn);
	return rc;
}

/* The reserved regions of a RID attachment move when the IOAS changes. */
static int
sim_resv_move(struct sim_attach *att, struct sim_ioas *to)
{
	unsigned int i, j;
	int rc;

	for (i = 0; i < att->ndevs; i++) {
		rc = sim_attach_reserve(to, att->devs[i]->fn);
		if (rc < 0) {
			for (j = 0; j < i; j++)
				sim_iopt_unreserve(&to->iopt, att->devs[j]->fn);
			return rc;
		}
	}
	return 0;
}

static int
sim_do_replace(struct sim_device *idev, uint32_t pasid, struct sim_hwpt *hwpt,
	       struct sim_hwpt **old_out)
{
	static const char op[] = "replace";
	struct sim_attach *att = sim_group_attach_find(idev->fn->group, pasid);
	struct sim_hwpt *old;
	bool move;
	unsigned int i;
	int rc;

	*old_out = NULL;
	if (att == NULL || !sim_attach_has(att, idev))
		return sim_err(-EINVAL, op, "nothing attached there to replace");
	old = sim_attach_hwpt(att);
	if (old == hwpt)
		return 0;
	move = pasid == 0 && old->ioas != hwpt->ioas;
	if (move) {
		rc = sim_resv_move(att, hwpt->ioas);
		if (rc < 0)
			return rc;
	}
	rc = sim_hw_attach_check(hwpt, idev, pasid);
	if (rc < 0) {
		if (move)
			for (i = 0; i < att->ndevs; i++)
				sim_iopt_unreserve(&hwpt->ioas->iopt, att->devs[i]->fn);
		return rc;
	}
	if (move)
		for (i = 0; i < att->ndevs; i++)
			sim_iopt_unreserve(&old->ioas->iopt, att->devs[i]->fn);
	if (old->fault != NULL)
		sim_fault_queue_flush(old->fault, idev->obj.id, pasid);
	sim_iommu_replace(&att->handle, &hwpt->domain);
	/* The attachments' references move; the caller drops the last old one. */
	hwpt->obj.users += att->ndevs;
	old->obj.users -= att->ndevs - 1;
	*old_out = old;
	return 0;
}

static int
sim_do_change(struct sim_device *idev, uint32_t pasid, struct sim_hwpt *hwpt, bool replace,
	      struct sim_hwpt **old)
{
	*old = NULL;
	return replace ? sim_do_replace(idev, pasid, hwpt, old) : sim_do_attach(idev, pasid, hwpt);
}

/*
 * iommufd_device_auto_get_domain(): an attach to an IOAS reuses any
 * automatic HWPT of that IOAS the device accepts (-EINVAL means "not this
 * one, try the next") and otherwise makes one with flags 0, which is why a
 * PASID can never attach to an IOAS.
 */
static int
sim_auto_get_domain(struct sim_device *idev, uint32_t pasid, struct sim_ioas *ioas,
		    uint32_t *pt_id, bool replace, struct sim_hwpt **old)
{
	struct sim_ctx *ctx = idev->ctx;
	struct sim_obj *obj;
	struct sim_hwpt *hwpt;
	int rc;

	for (obj = sim_obj_next(ctx, 0, SIM_OBJ_HWPT); obj != NULL;
	     obj = sim_obj_next(ctx, obj->id, SIM_OBJ_HWPT)) {
		hwpt = (struct sim_hwpt *)obj;
		if (hwpt->ioas != ioas || !hwpt->auto_domain)
			continue;
		rc = sim_do_change(idev, pasid, hwpt, replace, old);
		if (rc == -EINVAL)
			continue;
		if (rc < 0)
			return rc;
		*pt_id = hwpt->obj.id;
		return 0;
	}
	rc = sim_hwpt_paging_alloc(ctx, ioas, 0, &hwpt);
	if (rc < 0)
		return rc;
	rc = sim_do_change(idev, pasid, hwpt, replace, old);
	if (rc < 0) {
		sim_hwpt_destroy(hwpt);
		return rc;
	}
	hwpt->auto_domain = true;
	*pt_id = hwpt->obj.id;
	return 0;
}

/*
 * Work of a device model in flight through (the group of @p idev, @p pasid)
 * ends before a detach or a replace changes it (sim_iommu_handle_wait(),
 * iommu/sim_iommu.h "pinned accesses"). The lock drops meanwhile, so the
 * callers do this before they look anything up; from then on they keep
 * the lock, and no new pin can come.
 */
static void
sim_attach_quiesce(struct sim_device *idev, uint32_t pasid)
{
	struct sim_attach *att;

	while ((att = sim_group_attach_find(idev->fn->group, pasid)) != NULL &&
	       att->handle.users > 0)
		sim_iommu_handle_wait(&att->handle);
	if (att != NULL)
		att->handle.leaving = false;
}

static int
sim_device_change_pt(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id, bool replace)
{
	struct sim_obj *pt;
	struct sim_hwpt *old = NULL;
	int rc;

	if (replace)
		sim_attach_quiesce(idev, pasid);
	pt = sim_obj_find(idev->ctx, *pt_id, SIM_OBJ_ANY);

	if (pt == NULL)
		return sim_err(-ENOENT, "attach", "no object with that pt_id");
	switch (pt->ops->type) {
	case SIM_OBJ_HWPT:
		rc = sim_do_change(idev, pasid, (struct sim_hwpt *)pt, replace, &old);
		break;
	case SIM_OBJ_IOAS:
		rc = sim_auto_get_domain(idev, pasid, (struct sim_ioas *)pt, pt_id, replace, &old);
		break;
	default:
		return sim_err(-EINVAL, "attach", "pt_id is neither an IOAS nor a HWPT");
	}
	if (rc < 0)
		return rc;
	if (old != NULL)
		sim_hwpt_put(old);
	return 0;
}

int
sim_device_attach(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id)
{
	int rc = sim_device_change_pt(idev, pasid, pt_id, false);

	if (rc == 0)
		idev->obj.users++;
	return rc;
}

int
sim_device_replace(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id)
{
	return sim_device_change_pt(idev, pasid, pt_id, true);
}

void
sim_device_detach(struct sim_device *idev, uint32_t pasid)
{
	struct sim_group *grp = idev->fn->group;
	struct sim_attach *att;
	struct sim_hwpt *hwpt;
	unsigned int i;

	sim_attach_quiesce(idev, pasid);
	att = sim_group_attach_find(grp, pasid);
	if (att == NULL || !sim_attach_has(att, idev))
		return;
	hwpt = sim_attach_hwpt(att);
	for (i = 0; i < att->ndevs; i++) {
		if (att->devs[i] == idev) {
			att->devs[i] = att->devs[--att->ndevs];
			break;
		}
	}
	if (att->ndevs == 0)
		sim_attach_unlink(grp, att);
	if (pasid == 0)
		sim_iopt_unreserve(&hwpt->ioas->iopt, idev->fn);
	if (hwpt->fault != NULL)
		sim_fault_queue_flush(hwpt->fault, idev->obj.id, pasid);
	sim_attach_count(idev->ctx->sim, pasid, false);
	sim_hwpt_put(hwpt);
	idev->obj.users--;
}

/* ---- IOMMU_GET_HW_INFO ---- */

int
sim_device_ioctl_hw_info(struct sim_ucmd *uc)
{
	static const char op[] = "IOMMU_GET_HW_INFO";
	struct iommu_hw_info *cmd = uc->cmd;
	struct sim_device *idev;
	struct pdk_sim *sim = uc->ctx->sim;
	unsigned int w;
	uint64_t caps = IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED;

	if (cmd->flags || cmd->__reserved[0] || cmd->__reserved[1] || cmd->__reserved[2])
		return sim_err(-EOPNOTSUPP, op, "unknown flags or non-zero __reserved");
	idev = (struct sim_device *)sim_obj_find(uc->ctx, cmd->dev_id, SIM_OBJ_DEVICE);
	if (idev == NULL)
		return sim_err(-ENOENT, op, "no device with that dev_id");
	/*
	 * The sim has no vendor blob (no VT-d cap/ecap registers): it reports
	 * a length of 0 and clears the caller's buffer, as the kernel clears
	 * what it does not fill.
	 */
	if (cmd->data_len != 0 && sim_clear_user(cmd->data_uptr, cmd->data_len) < 0)
		return sim_err(-EFAULT, op, "data_uptr does not point to data_len writable bytes");
	cmd->data_len = 0;
	cmd->out_data_type = sim->iommu->hw_info_type;
	w = sim_fn_max_pasid_log2(idev->fn);
	cmd->out_max_pasid_log2 = (uint8_t)w;
	/* AMD enables PASID with no features, so EXEC/PRIV never show there. */
	if (w > 0 && sim->iommu->pasid_features) {
		if (idev->fn->cfg.pasid_exec)
			caps |= IOMMU_HW_CAP_PCI_PASID_EXEC;
		if (idev->fn->cfg.pasid_priv)
			caps |= IOMMU_HW_CAP_PCI_PASID_PRIV;
	}
	cmd->out_capabilities = caps;
	sim_ucmd_respond(uc);
	return 0;
}
