/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* PCI addresses and the sysfs walk from a PCI address to its VFIO cdev. */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pdk_log.h"
#include "vfio_private.h"

#define SYSFS_PCI VFIO_SYSFS_PCI

int
pdk_vfio_pci_addr_parse(const char *in, char out[PDK_PCI_ADDR_LEN])
{
	return pdk_sys_pci_addr_parse(in, out);
}

static int
cdev_entry(const char *name, void *arg)
{
	struct vfio_cdev_lookup *l = arg;

	/* A 7.3+ no-IOMMU cdev is "noiommu-vfioN": useless to PDK, say so. */
	if (strncmp(name, "noiommu-", 8) == 0) {
		l->noiommu = true;
		return 0;
	}
	if (strncmp(name, "vfio", 4) != 0)
		return 0;
	if (strlen(name) >= sizeof(l->entry)) {
		l->too_long = true;
		return 0;
	}
	strcpy(l->entry, name);
	return 1;
}

int
vfio_cdev_lookup(struct pdk_sys *sys, const char *addr, struct vfio_cdev_lookup *l)
{
	char dir[128];

	memset(l, 0, sizeof(*l));
	snprintf(dir, sizeof(dir), SYSFS_PCI "/%s/vfio-dev", addr);
	return pdk_sys_list_dir(sys, dir, cdev_entry, l);
}

void
vfio_bind_cmds(char *buf, size_t len, const char *addr, bool bound)
{
	char unbind[128] = "";

	if (bound)
		snprintf(unbind, sizeof(unbind), "echo %s > " SYSFS_PCI "/%s/driver/unbind && ",
			 addr, addr);
	/* drivers_probe finds no vfio-pci to bind to until the module is loaded */
	snprintf(buf, len,
		 "modprobe vfio-pci && %secho vfio-pci > " SYSFS_PCI "/%s/driver_override && "
		 "echo %s > /sys/bus/pci/drivers_probe", unbind, addr, addr);
}

/* Why is there no vfio-dev directory? The bound driver says. */
static int
no_cdev(struct pdk_sys *sys, const char *addr, const char *dir)
{
	char link[128], drv[64], cmds[256], hint[512];
	ssize_t n;

	snprintf(link, sizeof(link), SYSFS_PCI "/%s/driver", addr);
	n = pdk_sys_link_name(sys, link, drv, sizeof(drv));
	vfio_bind_cmds(cmds, sizeof(cmds), addr, n >= 0);
	if (n == -ENOENT)
		snprintf(hint, sizeof(hint),
			 "the device is not bound to any driver; bind it to vfio-pci: %s", cmds);
	else if (n < 0)
		snprintf(hint, sizeof(hint), "cannot read %s (%s) to tell why", link,
			 strerror((int)-n));
	else if (strstr(drv, "vfio") != NULL)
		snprintf(hint, sizeof(hint),
			 "it is bound to %s, but the kernel lacks CONFIG_VFIO_DEVICE_CDEV "
			 "(Debian's stock kernels do); PDK needs Linux 6.15+ (PASID attach) "
			 "with CONFIG_VFIO_DEVICE_CDEV=y and CONFIG_IOMMUFD=y", drv);
	else
		snprintf(hint, sizeof(hint), "it is bound to %s; bind it to vfio-pci: %s", drv,
			 cmds);
	return pdk_log_fail("vfio", addr, -ENOENT, hint, "no VFIO cdev: %s missing", dir);
}

int
pdk_vfio_cdev_path(struct pdk_sys *sys, const char *pci_addr, char *path, size_t len)
{
	struct vfio_cdev_lookup l;
	char addr[PDK_PCI_ADDR_LEN];
	char file[128], buf[32];
	ssize_t n;
	int rc;

	if (sys == NULL || path == NULL)
		return pdk_log_fail("vfio", pci_addr, -EINVAL, "pass a backend and a path buffer",
				    "find the VFIO cdev: NULL %s",
				    sys == NULL ? "backend" : "path buffer");
	rc = pdk_vfio_pci_addr_parse(pci_addr, addr);
	if (rc < 0)
		return rc;

	/* A missing device and a device without a cdev need different advice. */
	snprintf(file, sizeof(file), SYSFS_PCI "/%s/vendor", addr);
	n = pdk_sys_read_file(sys, file, buf, sizeof(buf));
	if (n == -ENOENT)
		return pdk_log_fail("vfio", addr, -ENODEV, "check the address with lspci -D",
				    "no PCI device %s (%s missing)", addr, file);
	if (n < 0)
		return pdk_log_fail("vfio", addr, (int)n, NULL, "read %s", file);

	snprintf(file, sizeof(file), SYSFS_PCI "/%s/vfio-dev", addr);
	rc = vfio_cdev_lookup(sys, addr, &l);
	if (rc == -ENOENT)
		return no_cdev(sys, addr, file);
	if (rc < 0)
		return pdk_log_fail("vfio", addr, rc, NULL, "list %s", file);
	if (rc == 0) {
		if (l.noiommu)
			return pdk_log_fail("vfio", addr, -ENOENT,
					    "VFIO runs it in no-IOMMU mode; PDK needs an IOMMU "
					    "(enable VT-d/SMMU/AMD-Vi in firmware and the kernel)",
					    "no VFIO cdev with an IOMMU in %s", file);
		return pdk_log_fail("vfio", addr, -ENOENT,
				    l.too_long ? "the entry name is too long" : NULL,
				    "no vfioN entry in %s", file);
	}

	if ((size_t)snprintf(path, len, "/dev/vfio/devices/%s", l.entry) >= len)
		return pdk_log_fail("vfio", addr, -ENAMETOOLONG, "pass a larger buffer",
				    "cdev path /dev/vfio/devices/%s", l.entry);
	return 0;
}
