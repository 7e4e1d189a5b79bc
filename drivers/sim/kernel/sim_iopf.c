/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk_sim_trigger_iopf(): the sim's equivalent of the kernel's test op
 * IOMMU_TEST_OP_TRIGGER_IOPF (drivers/iommu/iommufd/selftest.c,
 * iommufd_test_trigger_iopf()), so that a fault-queue rule test injects the
 * same page request on the sim as on the kernel's mock device.
 *
 * The kernel's op reports one page request (LAST_PAGE, PASID_VALID when the
 * PASID is not IOMMU_NO_PASID, grpid/perm/addr as given) through
 * iommu_report_device_fault(): find_fault_handler() takes the attach handle
 * of (device, PASID); when there is none, or its domain has no iopf_handler
 * (a HWPT without a fault queue), the request is answered at once and
 * nothing is queued, and the op still returns 0. The sim takes the same
 * handle (sim_iommu_attach_find()) and queues the record in the fault queue
 * of the handle's HWPT. It is not a DMA: nothing goes to the sim's fault log.
 */

#include <errno.h>

#include "pdk_sim.h"
#include "sim_kernel.h"

int
pdk_sim_trigger_iopf(struct pdk_sim *sim, int iommufd, uint32_t dev_id, uint32_t pasid,
		     uint32_t grpid, uint32_t perm, uint64_t addr)
{
	static const char op[] = "IOPF trigger";
	struct sim_attach_handle *h;
	struct sim_device *idev;
	struct sim_file *file;
	struct sim_ctx *ctx;
	struct sim_obj *obj;
	int rc = 0;

	SIM_ARG_CHECK(sim, op, "NULL sim", "pass the sim from pdk_sim_create()", -EINVAL);
	pthread_mutex_lock(&sim->lock);
	file = sim_fd_lookup(sim, iommufd);
	if (file == NULL) {
		rc = sim_err(-EBADF, op, "not a sim fd");
		goto out;
	}
	ctx = sim_iommufd_ctx_from_file(file);
	if (ctx == NULL) {
		rc = sim_err(-ENOTTY, op, "not an iommufd fd");
		goto out;
	}
	/* iommufd_get_device(): an id that is no device object is -ENOENT */
	obj = sim_obj_find(ctx, dev_id, SIM_OBJ_DEVICE);
	if (obj == NULL) {
		rc = sim_err(-ENOENT, op, "dev_id is not a device of this iommufd");
		goto out;
	}
	idev = sim_container_of(obj, struct sim_device, obj);
	h = sim_iommu_attach_find(idev->fn->group, pasid);
	if (h != NULL && h->domain->iopf_handler != NULL) {
		struct iommu_hwpt_pgfault rec = {
			.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE |
				 (pasid != 0 ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0),
			.dev_id = dev_id,
			.pasid = pasid,
			.grpid = grpid,
			.perm = perm,
			.addr = addr,
		};

		sim_fault_queue_report(sim_attach_hwpt(sim_attach_of(h))->fault, &rec);
	}
out:
	pthread_mutex_unlock(&sim->lock);
	return rc;
}
