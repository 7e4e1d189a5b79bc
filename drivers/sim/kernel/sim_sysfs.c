/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The part of the filesystem the sim serves: /dev/iommu, the VFIO cdevs and
 * the sysfs files a userspace driver reads to find them. Anything else is
 * -ENOENT, so code that strays outside what the sim models fails loudly.
 *
 *   /dev/iommu                                   open: a new iommufd context
 *   /dev/vfio/devices/vfioN                      open: a device fd; list_dir
 *   /sys/bus/pci/devices                         list_dir: function addresses
 *   /sys/bus/pci/devices/ADDR/vfio-dev           list_dir: "vfioN"
 *   /sys/bus/pci/devices/ADDR/{vendor,device,class}   read_file
 *   /sys/bus/pci/devices/ADDR/{driver,iommu_group}    link_name
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

#define SIM_SYS_DEVICES "/sys/bus/pci/devices"
#define SIM_DEV_VFIO	"/dev/vfio/devices"

/* "/sys/bus/pci/devices/ADDR/<attr>": the function and the attribute. */
static struct sim_fn *
sim_fs_fn_attr(struct pdk_sim *sim, const char *path, const char **attr)
{
	const size_t plen = sizeof(SIM_SYS_DEVICES) - 1;
	char addr[16];
	const char *p, *slash;

	if (strncmp(path, SIM_SYS_DEVICES "/", plen + 1) != 0)
		return NULL;
	p = path + plen + 1;
	slash = strchr(p, '/');
	if (slash == NULL || (size_t)(slash - p) >= sizeof(addr))
		return NULL;
	memcpy(addr, p, (size_t)(slash - p));
	addr[slash - p] = '\0';
	*attr = slash + 1;
	return sim_fn_by_addr(sim, addr);
}

static bool
sim_path_is(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || strcmp(path + n, "/") == 0);
}

/* "vfioN" with N a plain decimal number. */
static int
sim_parse_vfio(const char *name)
{
	long n = 0;
	const char *p;

	if (strncmp(name, "vfio", 4) != 0 || name[4] == '\0')
		return -1;
	for (p = name + 4; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 100000)
			return -1;
		n = n * 10 + (*p - '0');
	}
	if (name[4] == '0' && name[5] != '\0')
		return -1;
	return (int)n;
}

int
sim_fs_open(struct pdk_sim *sim, const char *path)
{
	if (path == NULL)
		return -EFAULT;
	if (strcmp(path, "/dev/iommu") == 0)
		return sim_iommufd_open(sim);
	if (strncmp(path, SIM_DEV_VFIO "/", sizeof(SIM_DEV_VFIO)) == 0)
		return sim_vfio_open(sim, sim_parse_vfio(path + sizeof(SIM_DEV_VFIO)));
	if (strcmp(path, "/dev/vfio/vfio") == 0)
		return sim_container_open(sim);
	if (strncmp(path, "/dev/vfio/", 10) == 0)
		return sim_group_open(sim, path + 10);
	return sim_err(-ENOENT, "open", "path not simulated");
}

struct sim_names {
	char (*name)[32];
	unsigned int n;
};

static int
sim_names_add(struct sim_names *names, const char *s)
{
	char (*p)[32] = realloc(names->name, (names->n + 1) * sizeof(*p));

	if (p == NULL)
		return -ENOMEM;
	names->name = p;
	snprintf(names->name[names->n++], sizeof(*p), "%s", s);
	return 0;
}

/*
 * Collect the entries of a directory under the lock; the caller runs the
 * callbacks after dropping it, so a callback may call back into the sim.
 */
static int
sim_fs_collect(struct pdk_sim *sim, const char *path, struct sim_names *names)
{
	struct sim_fn *fn;
	const char *attr;
	char buf[32];
	int rc = 0;

	if (sim_path_is(path, SIM_SYS_DEVICES)) {
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next)
			rc = sim_names_add(names, fn->addr);
		return rc;
	}
	if (sim_path_is(path, SIM_DEV_VFIO)) {
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			if (fn->vdev == NULL)
				continue;
			snprintf(buf, sizeof(buf), "vfio%d", fn->vdev->index);
			rc = sim_names_add(names, buf);
		}
		return rc;
	}
	fn = sim_fs_fn_attr(sim, path, &attr);
	if (fn != NULL && (strcmp(attr, "vfio-dev") == 0 || strcmp(attr, "vfio-dev/") == 0)) {
		if (fn->vdev == NULL)
			return sim_err(-ENOENT, "list_dir", "function not bound to vfio-pci: no vfio-dev");
		snprintf(buf, sizeof(buf), "vfio%d", fn->vdev->index);
		return sim_names_add(names, buf);
	}
	return sim_err(-ENOENT, "list_dir", "directory not simulated");
}

int
sim_fs_list_dir(struct pdk_sim *sim, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	struct sim_names names = { 0 };
	unsigned int i;
	int rc;

	if (path == NULL || cb == NULL)
		return -EFAULT;
	pthread_mutex_lock(&sim->lock);
	rc = sim_fs_collect(sim, path, &names);
	pthread_mutex_unlock(&sim->lock);
	for (i = 0; rc == 0 && i < names.n; i++)
		rc = cb(names.name[i], arg);
	free(names.name);
	return rc;
}

static ssize_t
sim_fs_string(char *buf, size_t len, const char *s)
{
	size_t n = strlen(s);

	if (len == 0)
		return -EINVAL;
	if (n > len - 1)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return (ssize_t)n;
}

/*
 * The function a per-device path names, and the attribute after its
 * folder: -EFAULT for a NULL path or buffer (the kernel faults on them),
 * -ENOENT (@p why) for a path the sim does not serve.
 */
static int
sim_fs_fn_lookup(struct pdk_sim *sim, const char *path, const void *buf, const char *op,
		 const char *why, struct sim_fn **fn, const char **attr)
{
	if (path == NULL || buf == NULL)
		return -EFAULT;
	*fn = sim_fs_fn_attr(sim, path, attr);
	if (*fn == NULL)
		return sim_err(-ENOENT, op, why);
	return 0;
}

ssize_t
sim_fs_read_file(struct pdk_sim *sim, const char *path, char *buf, size_t len)
{
	const char *attr;
	struct sim_fn *fn;
	char text[16];
	int rc;

	rc = sim_fs_fn_lookup(sim, path, buf, "read_file", "file not simulated", &fn, &attr);
	if (rc < 0)
		return rc;
	if (strcmp(attr, "vendor") == 0)
		snprintf(text, sizeof(text), "0x%04x",
			 fn->config[PCI_VENDOR_ID] | fn->config[PCI_VENDOR_ID + 1] << 8);
	else if (strcmp(attr, "device") == 0)
		snprintf(text, sizeof(text), "0x%04x",
			 fn->config[PCI_DEVICE_ID] | fn->config[PCI_DEVICE_ID + 1] << 8);
	else if (strcmp(attr, "class") == 0)
		snprintf(text, sizeof(text), "0x%02x%02x%02x", fn->config[PCI_CLASS_DEVICE + 1],
			 fn->config[PCI_CLASS_DEVICE], fn->config[PCI_CLASS_PROG]);
	else
		return sim_err(-ENOENT, "read_file", "file not simulated");
	return sim_fs_string(buf, len, text);
}

ssize_t
sim_fs_link_name(struct pdk_sim *sim, const char *path, char *buf, size_t len)
{
	const char *attr, *name;
	struct sim_fn *fn;
	char text[16];
	int rc;

	rc = sim_fs_fn_lookup(sim, path, buf, "link_name", "link not simulated", &fn, &attr);
	if (rc < 0)
		return rc;
	if (strcmp(attr, "driver") == 0) {
		name = fn->cfg.not_vfio ? "pdk-sim-other" : "vfio-pci";
	} else if (strcmp(attr, "iommu_group") == 0) {
		snprintf(text, sizeof(text), "%u", fn->group->number);
		name = text;
	} else {
		return sim_err(-ENOENT, "link_name", "link not simulated");
	}
	if (strlen(name) + 1 > len)
		return -ENAMETOOLONG;
	return sim_fs_string(buf, len, name);
}
