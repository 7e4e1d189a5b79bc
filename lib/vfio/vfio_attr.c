/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Quiet access to a PCI function's sysfs attributes, for tools that look at
 * every function (pdk-devbind): there an absent attribute is an answer, so
 * failures go to the DEBUG log only and the caller decides what to say.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "vfio_private.h"

/* VFIO_SYSFS_PCI/ADDR/ATTR into @p buf. @return 0, -EINVAL or -ENAMETOOLONG. */
static int
attr_path(const char *addr, const char *attr, char *buf, size_t len)
{
	int n;

	if (addr == NULL || attr == NULL)
		return pdk_log_fail("vfio", addr, -EINVAL,
				    "pass a PCI address and an attribute name",
				    "sysfs attribute: NULL %s",
				    addr == NULL ? "PCI address" : "attribute");
	n = snprintf(buf, len, VFIO_SYSFS_PCI "/%s/%s", addr, attr);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static ssize_t
attr_result(const char *op, const char *path, ssize_t rc)
{
	if (rc < 0)
		PDK_LOG(DEBUG, "vfio", "%s %s: %s (%zd)", op, path, strerror((int)-rc), rc);
	return rc;
}

int
pdk_vfio_pci_list(struct pdk_sys *sys, pdk_sys_dir_cb_t cb, void *arg)
{
	return (int)attr_result("list", VFIO_SYSFS_PCI,
				pdk_sys_list_dir(sys, VFIO_SYSFS_PCI, cb, arg));
}

ssize_t
pdk_vfio_pci_attr_read(struct pdk_sys *sys, const char *pci_addr, const char *attr, char *buf,
		       size_t len)
{
	char path[PATH_MAX];
	int rc = attr_path(pci_addr, attr, path, sizeof(path));

	if (rc < 0)
		return rc;
	return attr_result("read", path, pdk_sys_read_file(sys, path, buf, len));
}

int
pdk_vfio_pci_attr_hex(struct pdk_sys *sys, const char *pci_addr, const char *attr,
		      uint32_t *val)
{
	char buf[32], *end;
	unsigned long v;
	ssize_t n;

	if (val == NULL)
		return pdk_log_fail("vfio", pci_addr, -EINVAL, "pass a result pointer",
				    "sysfs attribute %s: NULL result pointer",
				    attr != NULL ? attr : "(null)");
	n = pdk_vfio_pci_attr_read(sys, pci_addr, attr, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (n == 0 || end == buf || *end != '\0' || errno != 0 || v > UINT32_MAX) {
		PDK_LOG(DEBUG, "vfio", "%s: %s \"%s\" is not a hex number", pci_addr, attr, buf);
		return -EINVAL;
	}
	*val = (uint32_t)v;
	return 0;
}

ssize_t
pdk_vfio_pci_attr_link(struct pdk_sys *sys, const char *pci_addr, const char *attr, char *buf,
		       size_t len)
{
	char path[PATH_MAX];
	int rc = attr_path(pci_addr, attr, path, sizeof(path));

	if (rc < 0)
		return rc;
	return attr_result("readlink", path, pdk_sys_link_name(sys, path, buf, len));
}

ssize_t
pdk_vfio_pci_attr_pread(struct pdk_sys *sys, const char *pci_addr, const char *attr, void *buf,
			size_t len, uint64_t offset)
{
	char path[PATH_MAX];
	int rc = attr_path(pci_addr, attr, path, sizeof(path));

	if (rc < 0)
		return rc;
	return attr_result("pread", path, pdk_sys_pread_file(sys, path, buf, len, offset));
}

int
pdk_vfio_pci_attr_write(struct pdk_sys *sys, const char *pci_addr, const char *attr,
			const char *value)
{
	char path[PATH_MAX];
	ssize_t n;
	int rc = attr_path(pci_addr, attr, path, sizeof(path));

	if (rc < 0)
		return rc;
	n = attr_result("write", path, pdk_sys_write_file(sys, path, value));
	return n < 0 ? (int)n : 0;
}

int
pdk_vfio_pci_cdev_find(struct pdk_sys *sys, const char *pci_addr, char *path, size_t len)
{
	struct vfio_cdev_lookup l;
	int rc;

	if (pci_addr == NULL || path == NULL)
		return pdk_log_fail("vfio", pci_addr, -EINVAL,
				    "pass a PCI address and a path buffer",
				    "find the VFIO cdev: NULL %s",
				    pci_addr == NULL ? "PCI address" : "path buffer");
	rc = vfio_cdev_lookup(sys, pci_addr, &l);
	if (rc < 0)
		return (int)attr_result("list vfio-dev of", pci_addr, rc);
	if (rc == 0)
		return (int)attr_result(l.noiommu ? "only a no-IOMMU cdev in vfio-dev of" :
					"no usable vfioN entry in vfio-dev of", pci_addr, -ENXIO);
	if ((size_t)snprintf(path, len, "/dev/vfio/devices/%s", l.entry) >= len)
		return -ENAMETOOLONG;
	return 0;
}
