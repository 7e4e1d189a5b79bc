/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* Fixtures of the vm suite (kernel_* tests): see test_kernel.h. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pdk_edu.h"
#include "pdk_test.h"
#include "pdk_uapi.h"
#include "test_kernel.h"

#define SYSFS_PCI "/sys/bus/pci/devices"

struct edu_scan {
	char addrs[8][PDK_PCI_ADDR_LEN];
	unsigned int n;		/* edus found, even beyond the array */
};

static int
scan_entry(const char *name, void *arg)
{
	struct edu_scan *s = arg;
	char path[128], vendor[16], device[16];

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vendor", name);
	if (pdk_sys_read_file(pdk_sys_kernel(), path, vendor, sizeof(vendor)) < 0)
		return 0;
	snprintf(path, sizeof(path), SYSFS_PCI "/%s/device", name);
	if (pdk_sys_read_file(pdk_sys_kernel(), path, device, sizeof(device)) < 0)
		return 0;
	if (strtoul(vendor, NULL, 16) != PDK_EDU_VENDOR_ID ||
	    strtoul(device, NULL, 16) != PDK_EDU_DEVICE_ID)
		return 0;
	if (s->n < 8 && strlen(name) < PDK_PCI_ADDR_LEN)
		strcpy(s->addrs[s->n], name);
	s->n++;
	return 0;
}

static int
addr_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
ktest_find_edus(char addrs[KTEST_NUM_EDU][PDK_PCI_ADDR_LEN])
{
	struct edu_scan s;
	unsigned int i;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = pdk_sys_list_dir(pdk_sys_kernel(), SYSFS_PCI, scan_entry, &s);
	if (rc < 0) {
		fprintf(stderr, "  cannot list " SYSFS_PCI ": %s (is sysfs mounted?)\n", strerror(-rc));
		return rc;
	}
	if (s.n != KTEST_NUM_EDU) {
		fprintf(stderr, "  found %u edu device(s) (%04x:%04x) in " SYSFS_PCI ", the VM harness "
		       "gives %u (test/vm/run-vm.sh --edu)\n", s.n, PDK_EDU_VENDOR_ID,
		       PDK_EDU_DEVICE_ID, KTEST_NUM_EDU);
		return -ENODEV;
	}
	qsort(s.addrs, s.n, sizeof(s.addrs[0]), addr_cmp);
	for (i = 0; i < KTEST_NUM_EDU; i++)
		strcpy(addrs[i], s.addrs[i]);
	return 0;
}

int
ktest_open(struct kenv *env, unsigned int which, bool bind)
{
	char addrs[KTEST_NUM_EDU][PDK_PCI_ADDR_LEN];
	int rc;

	memset(env, 0, sizeof(*env));
	env->ifd = -1;
	env->dfd = -1;
	env->sys = pdk_sys_kernel();
	if (which >= KTEST_NUM_EDU)
		return -EINVAL;
	rc = ktest_find_edus(addrs);
	if (rc < 0)
		return rc;
	strcpy(env->addr, addrs[which]);
	rc = pdk_iommufd_open(env->sys, &env->ictx);
	if (rc < 0) {
		fprintf(stderr, "  cannot open /dev/iommu: %s; the VM kernel must have CONFIG_IOMMUFD=y "
		       "(test/vm/kernel.config)\n", strerror(-rc));
		return rc;
	}
	env->ifd = pdk_iommufd_fd(env->ictx);
	rc = pdk_vfio_open(env->sys, env->addr, &env->dev);
	if (rc < 0) {
		fprintf(stderr, "  cannot open the VFIO cdev of %s: %s; /init of test/vm binds edu to "
		       "vfio-pci, the kernel needs CONFIG_VFIO_DEVICE_CDEV=y\n", env->addr,
		       strerror(-rc));
		goto fail;
	}
	env->dfd = pdk_vfio_fd(env->dev);
	if (bind) {
		rc = pdk_vfio_bind(env->dev, env->ictx, &env->dev_id);
		if (rc < 0) {
			fprintf(stderr, "  cannot bind %s: %s\n", env->addr, strerror(-rc));
			goto fail;
		}
	}
	return 0;

fail:
	ktest_close(env);
	return rc;
}

void
ktest_close(struct kenv *env)
{
	if (env->dev != NULL)
		pdk_vfio_close(env->dev);
	if (env->ictx != NULL)
		pdk_iommufd_close(env->ictx);
	env->dev = NULL;
	env->ictx = NULL;
	env->ifd = -1;
	env->dfd = -1;
	env->dev_id = 0;
}

int
kraw_ioas_alloc(struct kenv *env, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_ALLOC, &a);

	if (rc == 0)
		*ioas_id = a.out_ioas_id;
	return rc;
}

int
kraw_hwpt_alloc(struct kenv *env, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = flags, .dev_id = dev_id, .pt_id = pt_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_HWPT_ALLOC, &a);

	if (rc == 0)
		*hwpt_id = a.out_hwpt_id;
	return rc;
}

int
kraw_attach(struct kenv *env, uint32_t flags, uint32_t pasid, uint32_t pt_id,
	    uint32_t *out_pt_id)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = flags, .pt_id = pt_id, .pasid = pasid,
	};
	int rc = pdk_sys_ioctl(env->sys, env->dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (rc == 0 && out_pt_id != NULL)
		*out_pt_id = a.pt_id;
	return rc;
}

int
kraw_detach(struct kenv *env, uint32_t flags, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d), .flags = flags, .pasid = pasid,
	};

	return pdk_sys_ioctl(env->sys, env->dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

int
kraw_destroy(struct kenv *env, uint32_t id)
{
	struct iommu_destroy d = {.size = sizeof(d), .id = id};

	return pdk_sys_ioctl(env->sys, env->ifd, IOMMU_DESTROY, &d);
}

int
kraw_map_fixed(struct kenv *env, uint32_t ioas_id, void *va, uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id, .user_va = (uintptr_t)va, .length = len, .iova = iova,
	};

	return pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_MAP, &m);
}

int
kraw_unmap(struct kenv *env, uint32_t ioas_id, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas_id, .iova = iova, .length = len,
	};

	return pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_UNMAP, &u);
}

int
kraw_hw_info(struct kenv *env, uint32_t dev_id, uint32_t *type, uint8_t *pasid_log2,
	     uint64_t *caps)
{
	struct iommu_hw_info h = {.size = sizeof(h), .dev_id = dev_id};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_GET_HW_INFO, &h);

	if (rc == 0) {
		*type = h.out_data_type;
		*pasid_log2 = h.out_max_pasid_log2;
		*caps = h.out_capabilities;
	}
	return rc;
}

int
kraw_iova_range_count(struct kenv *env, uint32_t ioas_id, uint32_t *n)
{
	struct iommu_ioas_iova_ranges r = {.size = sizeof(r), .ioas_id = ioas_id};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_IOVA_RANGES, &r);

	*n = r.num_iovas;
	return rc;
}

void *
ktest_buf(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void
ktest_buf_free(void *buf, size_t len)
{
	if (buf != NULL)
		munmap(buf, len);
}

uint8_t
ktest_pattern(size_t i, uint8_t seed)
{
	/* any mixing of i; adding the seed mod 254 keeps seeds apart at every byte */
	uint32_t h = (uint32_t)(i * 167u + (i >> 8) * 13u);

	return (uint8_t)(1u + (h + seed) % 254u);
}

void
ktest_fill(void *buf, size_t len, uint8_t seed)
{
	uint8_t *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = ktest_pattern(i, seed);
}

size_t
ktest_diff(const void *buf, size_t len, uint8_t seed, const char *what)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (b[i] == ktest_pattern(i, seed))
			continue;
		if (n++ == 0)
			fprintf(stderr, "  %s: byte %zu is 0x%02x, expected 0x%02x\n", what, i, b[i],
			       ktest_pattern(i, seed));
	}
	return n;
}

size_t
ktest_same(const void *buf, size_t len, uint8_t seed)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] == ktest_pattern(i, seed);
	return n;
}

size_t
ktest_count_not(const void *buf, size_t len, uint8_t byte)
{
	const uint8_t *b = buf;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += b[i] != byte;
	return n;
}
