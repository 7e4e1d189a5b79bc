/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Raw uAPI calls on a test environment (test_env.h): the uapi structs
 * through the syscall boundary (pdk_sys_ioctl()), no PDK policy, so that
 * the same call means the same on the sim, the kernel mock and the VM's
 * kernel. Each returns 0 or -errno.
 */

#include <string.h>

#include "test_env.h"

int
raw_iommufd_ioctl(struct test_env *env, unsigned long req, void *arg)
{
	return pdk_sys_ioctl(env->sys, env->ifd, req, arg);
}

int
raw_device_ioctl(struct test_env *env, unsigned long req, void *arg)
{
	return pdk_sys_ioctl(env->sys, env->dfd, req, arg);
}

int
raw_ioas_alloc(struct test_env *env, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	int rc = raw_iommufd_ioctl(env, IOMMU_IOAS_ALLOC, &a);

	if (rc == 0)
		*ioas_id = a.out_ioas_id;
	return rc;
}

int
raw_hwpt_alloc_dev(struct test_env *env, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		   uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = flags, .dev_id = dev_id, .pt_id = pt_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	int rc = raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a);

	if (rc == 0 && hwpt_id != NULL)
		*hwpt_id = a.out_hwpt_id;
	return rc;
}

int
raw_hwpt_alloc(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id)
{
	return raw_hwpt_alloc_dev(env, env->dev_id, pt_id, flags, hwpt_id);
}

int
raw_ioas_hwpt(struct test_env *env, uint32_t flags, uint32_t *ioas_id, uint32_t *hwpt_id)
{
	int rc = raw_ioas_alloc(env, ioas_id);

	if (rc != 0)
		return rc;
	return raw_hwpt_alloc(env, *ioas_id, flags, hwpt_id);
}

int
raw_destroy(struct test_env *env, uint32_t id)
{
	struct iommu_destroy d = {.size = sizeof(d), .id = id};

	return raw_iommufd_ioctl(env, IOMMU_DESTROY, &d);
}

int
raw_fault_alloc(struct test_env *env, uint32_t *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc f = {.size = sizeof(f)};
	int rc = raw_iommufd_ioctl(env, IOMMU_FAULT_QUEUE_ALLOC, &f);

	if (rc == 0) {
		*fault_id = f.out_fault_id;
		*fault_fd = (int)f.out_fault_fd;
	}
	return rc;
}

int
raw_hwpt_alloc_fault(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t fault_id,
		     uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = IOMMU_HWPT_FAULT_ID_VALID | flags,
		.dev_id = env->dev_id, .pt_id = pt_id, .data_type = IOMMU_HWPT_DATA_NONE,
		.fault_id = fault_id,
	};
	int rc = raw_iommufd_ioctl(env, IOMMU_HWPT_ALLOC, &a);

	if (rc == 0 && hwpt_id != NULL)
		*hwpt_id = a.out_hwpt_id;
	return rc;
}

int
raw_map(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas_id,
		.user_va = (uintptr_t)va, .length = len, .iova = *iova,
	};
	int rc = raw_iommufd_ioctl(env, IOMMU_IOAS_MAP, &m);

	if (rc == 0)
		*iova = m.iova;
	return rc;
}

int
raw_map_fixed(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	      uint64_t iova)
{
	return raw_map(env, ioas_id, flags | IOMMU_IOAS_MAP_FIXED_IOVA, va, len, &iova);
}

int
raw_unmap_len(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len,
	      uint64_t *out_len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas_id, .iova = iova, .length = len,
	};
	int rc = raw_iommufd_ioctl(env, IOMMU_IOAS_UNMAP, &u);

	if (out_len != NULL)
		*out_len = u.length;
	return rc;
}

int
raw_unmap(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len)
{
	return raw_unmap_len(env, ioas_id, iova, len, NULL);
}

int
raw_iova_ranges(struct test_env *env, uint32_t ioas_id, uint32_t num,
		struct iommu_iova_range *ranges, uint32_t *out_num, uint64_t *align)
{
	struct iommu_ioas_iova_ranges c = {
		.size = sizeof(c), .ioas_id = ioas_id, .num_iovas = num,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc = raw_iommufd_ioctl(env, IOMMU_IOAS_IOVA_RANGES, &c);

	*out_num = c.num_iovas;
	if (align != NULL)
		*align = c.out_iova_alignment;
	return rc;
}

int
raw_hw_info(struct test_env *env, uint32_t dev_id, struct iommu_hw_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->dev_id = dev_id;
	return raw_iommufd_ioctl(env, IOMMU_GET_HW_INFO, info);
}

int
raw_bind(struct test_env *env, int dfd, uint32_t argsz, int iommufd, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd b = {
		.argsz = argsz, .flags = 0, .iommufd = iommufd,
	};
	int rc = pdk_sys_ioctl(env->sys, dfd, VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (rc == 0 && dev_id != NULL)
		*dev_id = b.out_devid;
	return rc;
}

int
raw_attach_sz(struct test_env *env, uint32_t argsz, uint32_t flags, uint32_t pasid,
	      uint32_t pt_id, uint32_t *out_pt_id)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = argsz, .flags = flags, .pt_id = pt_id, .pasid = pasid,
	};
	int rc = raw_device_ioctl(env, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (out_pt_id != NULL)
		*out_pt_id = a.pt_id;
	return rc;
}

int
raw_attach(struct test_env *env, uint32_t flags, uint32_t pasid, uint32_t pt_id)
{
	return raw_attach_sz(env, sizeof(struct vfio_device_attach_iommufd_pt), flags, pasid,
			     pt_id, NULL);
}

int
raw_detach(struct test_env *env, uint32_t flags, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d), .flags = flags, .pasid = pasid,
	};

	return raw_device_ioctl(env, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}
