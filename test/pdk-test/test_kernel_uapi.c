/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The real kernel's iommufd and VFIO cdev, in the VM of test/vm: discovery,
 * bind, GET_HW_INFO, object lifecycle, and the errno rules of
 * doc/kernel-facts.md that the kernel checks without
 * PASID hardware. Raw ioctls where the rule is the kernel's, PDK's API where
 * the rule is PDK's. Each test on a fixture (test_env.h) gets edu 0 bound to
 * a context of its own, on the VM's kernel.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "test_env.h"

/* An object id no test allocates: iommufd ids start at 1 and stay small. */
#define KTEST_NO_ID 4242u

#define PAGE 4096u

#define BIND_SZ ((uint32_t)sizeof(struct vfio_device_bind_iommufd))
#define ATTACH_SZ ((uint32_t)sizeof(struct vfio_device_attach_iommufd_pt))

static int
test_kernel_cdev_discovery(void)
{
	char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN];
	char path[64], sysdev[160], majmin[32];
	struct vfio_device_info info = {.argsz = sizeof(info)};
	struct pdk_vfio_dev *dev;
	struct stat st;
	unsigned int i, maj, min;
	int rc;

	TEST_ASSERT(access("/dev/iommu", F_OK) == 0,
		    "no /dev/iommu: the VM kernel lacks CONFIG_IOMMUFD");
	TEST_ASSERT_OK(test_env_edus(addrs));
	for (i = 0; i < TEST_NUM_EDU; i++) {
		TEST_ASSERT_OK(pdk_vfio_cdev_path(pdk_sys_kernel(), addrs[i], path, sizeof(path)));
		printf("  %s -> %s\n", addrs[i], path);
		TEST_ASSERT(strncmp(path, "/dev/vfio/devices/vfio", 22) == 0, "cdev path %s", path);

		/* the node PDK names is the char device sysfs describes */
		snprintf(sysdev, sizeof(sysdev), "/sys/bus/pci/devices/%s/vfio-dev/%s/dev", addrs[i],
			 path + strlen("/dev/vfio/devices/"));
		TEST_ASSERT(pdk_sys_read_file(pdk_sys_kernel(), sysdev, majmin, sizeof(majmin)) > 0,
			    "cannot read %s", sysdev);
		/* outside TEST_ASSERT: its condition becomes part of a format string */
		rc = sscanf(majmin, "%u:%u", &maj, &min);
		TEST_ASSERT(rc == 2, "%s holds '%s'", sysdev, majmin);
		TEST_ASSERT(stat(path, &st) == 0 && S_ISCHR(st.st_mode), "%s is not a char device",
			    path);
		TEST_ASSERT(major(st.st_rdev) == maj && minor(st.st_rdev) == min,
			    "%s is %u:%u, sysfs says %u:%u", path, major(st.st_rdev),
			    minor(st.st_rdev), maj, min);

		/* the short form of the address finds the same device */
		TEST_ASSERT_OK(pdk_vfio_open(pdk_sys_kernel(), addrs[i] + 5, &dev));
		TEST_ASSERT(strcmp(pdk_vfio_name(dev), addrs[i]) == 0, "name %s", pdk_vfio_name(dev));
		/* every device ioctl is refused until BIND */
		rc = pdk_sys_ioctl(pdk_sys_kernel(), pdk_vfio_fd(dev), VFIO_DEVICE_GET_INFO, &info);
		pdk_vfio_close(dev);
		TEST_ASSERT_RC(rc, -EINVAL);
	}

	/* a missing device and a device without a VFIO cdev: told apart, with a message */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_vfio_cdev_path(pdk_sys_kernel(), "0000:7f:1f.7", path, sizeof(path)),
		       -ENODEV);
	TEST_ASSERT_LOGGED("0000:7f:1f.7");
	test_log_clear();
	/* q35's host bridge is bound to no driver, certainly not vfio-pci */
	TEST_ASSERT_RC(pdk_vfio_cdev_path(pdk_sys_kernel(), "0000:00:00.0", path, sizeof(path)),
		       -ENOENT);
	TEST_ASSERT_LOGGED("vfio-pci");
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_cdev_discovery, vm, test_kernel_cdev_discovery);

static int
test_kernel_bind(struct test_env *a)
{
	struct pdk_iommufd *ictx2;
	struct pdk_vfio_dev *dup;
	struct test_env b;
	uint32_t id;
	int rc;

	TEST_ASSERT_OK(test_env_setup(&b, &(const struct test_fixture){ .edu = 1, .bind = true }));
	printf("  %s dev_id %u, %s dev_id %u\n", a->addr, a->dev_id, b.addr, b.dev_id);
	TEST_ASSERT(a->dev_id != 0 && b.dev_id != 0, "dev ids %u %u", a->dev_id, b.dev_id);

	/* a second BIND of a bound fd: the kernel says EINVAL, PDK refuses first */
	TEST_ASSERT_RC(raw_bind(a, a->dfd, BIND_SZ, a->ifd, NULL), -EINVAL);
	TEST_ASSERT_RC(pdk_vfio_bind(a->dev, a->ictx, &id), -EINVAL);
	TEST_ASSERT_OK(test_env_teardown(&b));

	/*
	 * A second open of a cdev already bound elsewhere: the cdev path has no
	 * way to share a device between iommufd contexts, so its BIND fails
	 * (EINVAL on 7.3: the device is already open through the cdev).
	 */
	TEST_ASSERT_OK(pdk_iommufd_open(a->sys, &ictx2));
	rc = pdk_vfio_open(a->sys, a->addr, &dup);
	if (rc == 0) {
		rc = raw_bind(a, pdk_vfio_fd(dup), BIND_SZ, pdk_iommufd_fd(ictx2), NULL);
		printf("  BIND of a second fd of %s (first fd bound): %d (%s)\n", a->addr, rc,
		       strerror(-rc));
		pdk_vfio_close(dup);
	} else {
		printf("  second open of %s: %d (%s)\n", a->addr, rc, strerror(-rc));
	}
	pdk_iommufd_close(ictx2);
	TEST_ASSERT_RC(rc, -EINVAL);

	/* closing the fd unbinds: the device binds again at once */
	TEST_ASSERT_OK(test_env_teardown(a));
	TEST_ASSERT_OK(test_env_setup(a, &(const struct test_fixture){ .bind = true }));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_bind, vm, test_kernel_bind, .bind = true);

static int
test_kernel_hw_info(struct test_env *e)
{
	struct pdk_iommufd_hw_info info;

	TEST_ASSERT_OK(pdk_iommufd_hw_info(e->ictx, e->dev_id, &info));
	printf("  %s: type %u, PASID width %u, capabilities 0x%llx\n", e->addr, info.data_type,
	       info.max_pasid_log2, (unsigned long long)info.capabilities);
	TEST_ASSERT_EQ(info.data_type, IOMMU_HW_INFO_TYPE_INTEL_VTD);
	/* edu is conventional PCI: no PASID capability, so width 0 */
	TEST_ASSERT_EQ(info.max_pasid_log2, 0);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_hw_info, vm, test_kernel_hw_info, .bind = true);

static int
ioas_hwpt_lifecycle(struct test_env *e)
{
	uint32_t ioas, hwpt, plain, auto_hwpt = 0, out = 0;

	TEST_ASSERT_OK(raw_ioas_alloc(e, &ioas));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, 0, &plain));
	printf("  IOAS %u, PASID-compatible HWPT %u, plain HWPT %u\n", ioas, hwpt, plain);

	/* an unused HWPT goes at once, and then is gone */
	TEST_ASSERT_OK(raw_destroy(e, plain));
	TEST_ASSERT_RC(raw_destroy(e, plain), -ENOENT);

	/* attached: neither the HWPT nor its IOAS can go */
	TEST_ASSERT_OK(raw_attach_sz(e, ATTACH_SZ, 0, 0, hwpt, &out));
	TEST_ASSERT_EQ(out, hwpt);
	TEST_ASSERT_RC(raw_destroy(e, hwpt), -EBUSY);
	TEST_ASSERT_RC(raw_destroy(e, ioas), -EBUSY);
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	/* detaching what is not attached succeeds */
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	/* an IOAS that still has a HWPT cannot go */
	TEST_ASSERT_RC(raw_destroy(e, ioas), -EBUSY);
	TEST_ASSERT_OK(raw_destroy(e, hwpt));
	TEST_ASSERT_RC(raw_destroy(e, hwpt), -ENOENT);

	/* RID attach to the IOAS itself: the kernel makes (and reports) an automatic HWPT */
	TEST_ASSERT_OK(raw_attach_sz(e, ATTACH_SZ, 0, 0, ioas, &auto_hwpt));
	printf("  RID attach to IOAS %u gave automatic HWPT %u\n", ioas, auto_hwpt);
	TEST_ASSERT(auto_hwpt != ioas && auto_hwpt != 0, "pt_id written back: %u", auto_hwpt);
	TEST_ASSERT_RC(raw_destroy(e, ioas), -EBUSY);
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	/* the automatic HWPT dies with the detach */
	TEST_ASSERT_RC(raw_destroy(e, auto_hwpt), -ENOENT);
	TEST_ASSERT_OK(raw_destroy(e, ioas));
	TEST_ASSERT_RC(raw_destroy(e, ioas), -ENOENT);
	return TEST_SUCCESS;
}

/* The same lifecycle through PDK's address space API. */
static int
as_lifecycle(struct test_env *e)
{
	struct pdk_dma_as *as;
	uint32_t hwpt, again;
	int rc;

	TEST_ASSERT_OK(pdk_dma_as_create(e->ictx, "lifecycle", &as));
	rc = pdk_dma_as_hwpt_get(as, e->dev_id, &hwpt);
	if (rc == 0) {
		rc = pdk_dma_as_hwpt_get(as, e->dev_id, &again);
		if (rc == 0) {
			rc = again == hwpt ? 0 : -EINVAL;
			pdk_dma_as_hwpt_put(as, again);
		}
		if (rc == 0)
			rc = pdk_vfio_attach(e->dev, hwpt, NULL);
		if (rc == 0) {
			/* PDK refuses while a reference is held; the kernel would say EBUSY too */
			rc = pdk_dma_as_destroy(as) == -EBUSY ? 0 : -1;
			if (rc == 0)
				rc = raw_destroy(e, hwpt) == -EBUSY ? 0 : -1;
			if (pdk_vfio_detach(e->dev) < 0)
				rc = -1;
		}
		pdk_dma_as_hwpt_put(as, hwpt);
	}
	if (rc < 0) {
		pdk_dma_as_destroy(as);
		TEST_ASSERT_OK(rc);
	}
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	/* the HWPT went with its last reference */
	TEST_ASSERT_RC(raw_destroy(e, hwpt), -ENOENT);
	return TEST_SUCCESS;
}

static int
test_kernel_ioas_hwpt_lifecycle(struct test_env *e)
{
	int rc = ioas_hwpt_lifecycle(e);

	return rc == TEST_SUCCESS ? as_lifecycle(e) : rc;
}
PDK_ENV_TEST(kernel_ioas_hwpt_lifecycle, vm, test_kernel_ioas_hwpt_lifecycle, .bind = true);

static int
test_kernel_errno_map(struct test_env *e)
{
	const uint64_t base = 0x100000;
	void *buf = e->buf;
	uint32_t ioas, hwpt, n = 0;

	TEST_ASSERT_OK(raw_ioas_alloc(e, &ioas));
	TEST_ASSERT_OK(raw_map_fixed(e, ioas, RW, buf, 2 * PAGE, base));
	/* overlapping a fixed mapping */
	TEST_ASSERT_RC(raw_map_fixed(e, ioas, RW, (char *)buf + 2 * PAGE, PAGE, base + PAGE), -EEXIST);
	/*
	 * A fixed IOVA that is not page-aligned. The IOAS's alignment comes
	 * from its domains: with none yet it is 1 and the map is accepted; a
	 * HWPT then cannot join (its pages would break the mapping); with a
	 * HWPT on the IOAS the same map is refused.
	 */
	TEST_ASSERT_OK(raw_map_fixed(e, ioas, RW, (char *)buf + 2 * PAGE, PAGE, base + 0x3800));
	printf("  fixed map at unaligned IOVA 0x%llx into an IOAS without HWPT: accepted\n",
	       (unsigned long long)(base + 0x3800));
	TEST_ASSERT_RC(raw_hwpt_alloc(e, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt), -EADDRINUSE);
	TEST_ASSERT_OK(raw_unmap(e, ioas, base + 0x3800, PAGE));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	TEST_ASSERT_RC(raw_map_fixed(e, ioas, RW, (char *)buf + 2 * PAGE, PAGE, base + 0x3800),
		       -EINVAL);
	/* into an IOAS that does not exist */
	TEST_ASSERT_RC(raw_map_fixed(e, KTEST_NO_ID, RW, buf, PAGE, base), -ENOENT);
	/* an unmap that would split a mapping */
	TEST_ASSERT_RC(raw_unmap(e, ioas, base, PAGE), -ENOENT);
	/* an unmap where nothing is mapped */
	TEST_ASSERT_RC(raw_unmap(e, ioas, base + 0x10000, PAGE), -ENOENT);
	/* the whole mapping: fine, and then it is gone */
	TEST_ASSERT_OK(raw_unmap(e, ioas, base, 2 * PAGE));
	TEST_ASSERT_RC(raw_unmap(e, ioas, base, 2 * PAGE), -ENOENT);

	/* IOVA ranges: the RID's reserved regions split the space once it is attached */
	TEST_ASSERT_RC(raw_iova_ranges(e, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	printf("  usable IOVA ranges with a HWPT, before the RID attach: %u\n", n);
	TEST_ASSERT_EQ(n, 1);
	TEST_ASSERT_OK(raw_attach(e, 0, 0, hwpt));
	TEST_ASSERT_RC(raw_iova_ranges(e, ioas, 0, NULL, &n, NULL), -EMSGSIZE);
	printf("  usable IOVA ranges after the RID attach: %u\n", n);
	TEST_ASSERT_EQ(n, 2);
	/* a fixed map inside the x86 MSI window, reserved by the RID attach */
	TEST_ASSERT_RC(raw_map_fixed(e, ioas, RW, buf, PAGE, 0xfee00000), -EINVAL);
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	TEST_ASSERT_OK(raw_destroy(e, hwpt));
	TEST_ASSERT_OK(raw_destroy(e, ioas));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_errno_map, vm, test_kernel_errno_map, .bind = true, .buf = 3 * PAGE);

static int
test_kernel_errno_unknown_ids(struct test_env *e)
{
	struct iommu_hw_info info;
	uint32_t ioas, hwpt;

	TEST_ASSERT_OK(raw_ioas_alloc(e, &ioas));
	/* GET_HW_INFO and HWPT_ALLOC of an unknown device: ENOENT */
	TEST_ASSERT_RC(raw_hw_info(e, KTEST_NO_ID, &info), -ENOENT);
	TEST_ASSERT_RC(raw_hwpt_alloc_dev(e, KTEST_NO_ID, ioas, 0, &hwpt), -ENOENT);
	/* HWPT_ALLOC on an unknown pt_id: EINVAL, not ENOENT (kernel-facts K11) */
	TEST_ASSERT_RC(raw_hwpt_alloc(e, KTEST_NO_ID, 0, &hwpt), -EINVAL);
	/* a device id is not a page table either */
	TEST_ASSERT_RC(raw_hwpt_alloc(e, e->dev_id, 0, &hwpt), -EINVAL);
	/* ATTACH to an unknown pt_id: ENOENT; to an object that is no page table: EINVAL */
	TEST_ASSERT_RC(raw_attach(e, 0, 0, KTEST_NO_ID), -ENOENT);
	TEST_ASSERT_RC(raw_attach(e, 0, 0, e->dev_id), -EINVAL);
	/* DESTROY of an unknown id */
	TEST_ASSERT_RC(raw_destroy(e, KTEST_NO_ID), -ENOENT);
	TEST_ASSERT_OK(raw_destroy(e, ioas));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_errno_unknown_ids, vm, test_kernel_errno_unknown_ids, .bind = true);

static int
test_kernel_errno_pasid_attach(struct test_env *e)
{
	uint32_t ioas, plain, hwpt;

	TEST_ASSERT_OK(raw_ioas_alloc(e, &ioas));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, 0, &plain));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	/* a PASID never attaches to an IOAS (its automatic domain is not PASID-compatible) */
	TEST_ASSERT_RC(raw_attach(e, VFIO_DEVICE_ATTACH_PASID, 1, ioas), -EINVAL);
	/* nor to a HWPT allocated without IOMMU_HWPT_ALLOC_PASID */
	TEST_ASSERT_RC(raw_attach(e, VFIO_DEVICE_ATTACH_PASID, 1, plain), -EINVAL);
	/* with the RID on a plain HWPT, not even to a flagged one */
	TEST_ASSERT_OK(raw_attach(e, 0, 0, plain));
	TEST_ASSERT_RC(raw_attach(e, VFIO_DEVICE_ATTACH_PASID, 1, hwpt), -EINVAL);
	/* DESTROY of the attached HWPT */
	TEST_ASSERT_RC(raw_destroy(e, plain), -EBUSY);
	TEST_ASSERT_OK(raw_detach(e, 0, 0));
	/* detaching a PASID never attached succeeds */
	TEST_ASSERT_OK(raw_detach(e, VFIO_DEVICE_DETACH_PASID, 1));
	TEST_ASSERT_OK(raw_destroy(e, plain));
	TEST_ASSERT_OK(raw_destroy(e, hwpt));
	TEST_ASSERT_OK(raw_destroy(e, ioas));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_errno_pasid_attach, vm, test_kernel_errno_pasid_attach, .bind = true);

static int
test_kernel_pasid_width0(struct test_env *e)
{
	struct pdk_pasid_space *space = NULL;
	uint32_t ioas, plain, hwpt;
	int rc;

	/* PDK: a device of width 0 has no PASID space, and says why */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_space_create(e->dev, e->ictx, &space), -EOPNOTSUPP);
	TEST_ASSERT(space == NULL, "a space was returned");
	TEST_ASSERT_LOGGED("PASID width of 0");
	TEST_ASSERT_LOGGED(e->addr);
	test_log_clear();
	/* and PASID 0 (the RID) is refused before any ioctl */
	TEST_ASSERT_RC(pdk_vfio_pasid_attach(e->dev, 0, KTEST_NO_ID), -EINVAL);
	test_log_capture_stop();

	/* the kernel, asked directly */
	TEST_ASSERT_OK(raw_ioas_alloc(e, &ioas));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, 0, &plain));
	TEST_ASSERT_OK(raw_hwpt_alloc(e, ioas, IOMMU_HWPT_ALLOC_PASID, &hwpt));
	rc = raw_attach(e, VFIO_DEVICE_ATTACH_PASID, 1, hwpt);
	printf("  kernel: PASID 1 attach on %s (PASID width 0) to a PASID-compatible HWPT: "
	       "%d (%s)\n", e->addr, rc, rc < 0 ? strerror(-rc) : "accepted, nothing to program");
	/*
	 * Linux 7.3 skips PASID checks for a device without PASID support
	 * (kernel-facts K16): it accepts and records the attachment.
	 */
	TEST_ASSERT_OK(rc);
	rc = raw_attach(e, VFIO_DEVICE_ATTACH_PASID, 1u << 20, hwpt);
	printf("  kernel: PASID 0x100000 (beyond 20 bits) on the same device: %d (%s)\n", rc,
	       rc < 0 ? strerror(-rc) : "accepted: no range check without PASID support");
	TEST_ASSERT_OK(rc);
	/* the attachment is real bookkeeping: it holds the HWPT ... */
	TEST_ASSERT_RC(raw_destroy(e, hwpt), -EBUSY);
	/* ... and blocks a RID attach to a HWPT that is not PASID-compatible */
	TEST_ASSERT_RC(raw_attach(e, 0, 0, plain), -EINVAL);
	TEST_ASSERT_OK(raw_detach(e, VFIO_DEVICE_DETACH_PASID, 1));
	TEST_ASSERT_OK(raw_detach(e, VFIO_DEVICE_DETACH_PASID, 1u << 20));
	TEST_ASSERT_OK(raw_destroy(e, hwpt));
	TEST_ASSERT_OK(raw_destroy(e, plain));
	TEST_ASSERT_OK(raw_destroy(e, ioas));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(kernel_pasid_width0, vm, test_kernel_pasid_width0, .bind = true);
