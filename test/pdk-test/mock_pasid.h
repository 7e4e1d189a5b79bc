/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef MOCK_PASID_H
#define MOCK_PASID_H

/*
 * "kernel-mock": a test-only pdk_sys backend that is the real kernel
 * (is_sim = false) plus one virtual VFIO cdev.
 *
 * Everything goes to the real kernel (pdk_sys_kernel_ops) except the device
 * path MOCK_PASID_CDEV and its sysfs: its fd behaves as a VFIO cdev whose
 * BIND/ATTACH/DETACH are served by the kernel's own PASID-capable mock
 * device (CONFIG_IOMMUFD_TEST, reached through IOMMU_TEST_CMD on the bound
 * /dev/iommu fd). The mock's PASID ops call iommufd_device_attach/replace/
 * detach(idev, pasid), the same kAPI vfio_iommufd_physical_*() calls, so the
 * iommufd rules (HWPT compatibility, PASID range, replace, busy objects)
 * are answered by the real iommufd. What VFIO itself adds (argsz/flags
 * checks, "attach again = replace", per-fd PASID bookkeeping, detach of an
 * unattached PASID = 0) is reproduced here from drivers/vfio/device_cdev.c
 * and drivers/vfio/iommufd.c of Linux 7.3.
 *
 * The ABI facts below (op numbers, struct layout, flag values, ioctl number,
 * PASID width) come from the kernel source's
 * drivers/iommu/iommufd/iommufd_test.h; the definitions are our own.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_sys.h"
#include "pdk_uapi.h"

/* ---- the test ioctl's ABI (facts from iommufd_test.h, Linux 7.3) ---- */

/* _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32) */
#define MOCK_IOMMU_TEST_CMD _IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)

/* the op numbers of the enum we use (the enum starts at 1) */
enum mock_test_op {
	MOCK_TEST_OP_MOCK_DOMAIN_REPLACE = 10,
	MOCK_TEST_OP_MOCK_DOMAIN_FLAGS = 12,
	MOCK_TEST_OP_TRIGGER_IOPF = 15,
	MOCK_TEST_OP_PASID_ATTACH = 18,
	MOCK_TEST_OP_PASID_REPLACE = 19,
	MOCK_TEST_OP_PASID_DETACH = 20,
	MOCK_TEST_OP_PASID_CHECK_HWPT = 21,
};

/* mock device flag: give the device a 20-bit "pasid-num-bits" property */
#define MOCK_DEV_FLAG_PASID (1u << 2)

/* the mock device's and mock IOMMU's PASID width */
#define MOCK_PASID_BITS 20

/* the mock domain's aperture (MOCK_APERTURE_START/LAST, default page table) */
#define MOCK_APERTURE_FIRST (1ull << 24)
#define MOCK_APERTURE_END ((1ull << 31) - 1)

/* a PASID on which the mock fakes an ENOMEM every second set_dev_pasid: never use it */
#define MOCK_PASID_FAKE_ERROR 1024

/*
 * struct iommu_test_cmd: a 16-byte header, a union whose largest member is
 * six u64 (48 bytes, 8-aligned), then "last" (the kernel's minimum size ends
 * there, at 68). Only the members we use are spelled out.
 */
struct mock_test_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t __reserved;
	union {
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;	/* the iommufd device id (dev_id) */
			uint32_t dev_flags;
		} mock_domain_flags;
		struct {
			uint32_t pt_id;
		} mock_domain_replace;
		struct {
			uint32_t dev_id;	/* an iommufd device id of the mock */
			uint32_t pasid;		/* 0 (IOMMU_NO_PASID): the RID */
			uint32_t grpid;
			uint32_t perm;		/* IOMMU_PGFAULT_PERM_* */
			uint64_t addr;
		} trigger_iopf;
		struct {
			uint32_t pasid;
			uint32_t pt_id;
		} pasid_attach;		/* also PASID_REPLACE */
		struct {
			uint32_t pasid;
		} pasid_detach;
		struct {
			uint32_t pasid;
			uint32_t hwpt_id;	/* 0: "must be detached" */
		} pasid_check;
		uint64_t size_of_union__[6];
	};
	uint32_t last;
};

_Static_assert(__builtin_offsetof(struct mock_test_cmd, last) == 64,
	       "struct iommu_test_cmd layout: last at 64");
_Static_assert(__builtin_offsetof(struct mock_test_cmd, trigger_iopf.addr) == 32,
	       "struct iommu_test_cmd layout: trigger_iopf.addr at 32");

/* ---- the backend ---- */

/* The virtual function: its PCI address, and the cdev its sysfs names. */
#define MOCK_PASID_PCI_ADDR "0000:fe:00.0"
#define MOCK_PASID_CDEV_NAME "vfio-mock0"
#define MOCK_PASID_CDEV "/dev/vfio/devices/" MOCK_PASID_CDEV_NAME

/**
 * Create a kernel-mock backend.
 * @return 0 or -errno (-ENODEV: no /dev/iommu or no IOMMU_TEST_CMD in this kernel).
 */
int mock_pasid_create(struct pdk_sys **sys);

/**
 * Destroy a backend made by mock_pasid_create(). Device fds still open are
 * closed (their mocks destroyed) first.
 * @return the number of mock device fds that were still open (0 when clean).
 */
int mock_pasid_destroy(struct pdk_sys *sys);

/** @return true when @p sys is a kernel-mock backend. */
bool mock_pasid_is(const struct pdk_sys *sys);

/**
 * IOMMU_TEST_OP_PASID_CHECK_HWPT on the mock behind device fd @p dfd: is
 * @p pasid attached to @p hwpt_id (0: attached to nothing)?
 * @return 0 when it is, -EINVAL when it is not, another -errno on error.
 */
int mock_pasid_check_hwpt(struct pdk_sys *sys, int dfd, uint32_t pasid, uint32_t hwpt_id);

/**
 * IOMMU_TEST_OP_TRIGGER_IOPF on iommufd @p ifd (iommufd_test_trigger_iopf(),
 * selftest.c): the mock device @p dev_id reports one page request (one
 * group: LAST_PAGE, and PASID_VALID unless @p pasid is 0) with @p grpid,
 * @p perm and @p addr as given, through iommu_report_device_fault(). It is
 * queued only when (device, PASID) is attached to a HWPT with a fault
 * queue; otherwise the IOMMU core answers it at once, and the op still
 * returns 0.
 * @return 0, -ENOENT when @p dev_id is no device of @p ifd, -EINVAL when it
 *   is not a mock device, another -errno on error.
 */
int mock_pasid_trigger_iopf(int ifd, uint32_t dev_id, uint32_t pasid, uint32_t grpid,
			    uint32_t perm, uint64_t addr);

#endif /* MOCK_PASID_H */
