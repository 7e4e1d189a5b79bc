/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * What sysfs says: the host's IOMMU and kernel, then every PCI function's
 * IDs, driver, IOMMU group, VFIO cdev and PASID capability. Everything goes
 * through the backend, so the same code reads /sys, a fake tree or the sim.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devbind.h"
#include "pdk_bus.h"

#define SYSFS_IOMMU_GROUPS "/sys/kernel/iommu_groups"

/* PCI base class of bridges (host, ISA, PCI-PCI...): not devices PDK drives. */
#define PCI_BASE_CLASS_BRIDGE 0x06

bool
db_driver_is_vfio(const char *driver)
{
	/* vfio-pci and the vendors' variants of it (mlx5_vfio_pci...). */
	return strstr(driver, "vfio") != NULL;
}

/*
 * A function of the group bound to this driver keeps vfio-pci from claiming
 * the group's DMA. Drivers that leave DMA ownership to others (pci-stub,
 * pcieport, a vfio driver) and unbound functions do not.
 */
bool
db_driver_blocks_group(const char *driver)
{
	return driver[0] != '\0' && !db_driver_is_vfio(driver) &&
	       strcmp(driver, "pci-stub") != 0 && strcmp(driver, "pcieport") != 0;
}

bool
db_fn_is_bridge(const struct db_fn *fn)
{
	return (fn->class >> 16) == PCI_BASE_CLASS_BRIDGE;
}

enum db_section
db_fn_section(const struct db_fn *fn)
{
	if (db_fn_is_bridge(fn))
		return DB_SEC_BRIDGE;
	if (fn->driver[0] == '\0')
		return DB_SEC_NO_DRIVER;
	if (!db_driver_is_vfio(fn->driver))
		return DB_SEC_OTHER_DRIVER;
	return fn->cdev[0] != '\0' ? DB_SEC_VFIO_CDEV : DB_SEC_VFIO_NO_CDEV;
}

/*
 * Compare a release string ("6.1.0-18-amd64", "6.15-rc2") with major.minor.
 * @return 1 when at least major.minor, 0 when older, -1 when unparsable.
 */
static int
db_kernel_release_cmp(const char *release, unsigned int major, unsigned int minor)
{
	unsigned long ma, mi;
	char *end;

	errno = 0;
	ma = strtoul(release, &end, 10);
	if (end == release || *end != '.' || errno != 0)
		return -1;
	release = end + 1;
	mi = strtoul(release, &end, 10);
	if (end == release || errno != 0)
		return -1;
	if (ma != major)
		return ma > major;
	return mi >= minor;
}

static int
count_entry(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

/*
 * A fake tree DIR stands for /sys; its /proc is DIR/../proc, as in a copy of
 * a machine's root (ROOT/sys, ROOT/proc).
 */
static void
db_facts_roots(struct db_host *host, const struct db_opts *o)
{
	size_t n;

	if (o->mode != DB_MODE_FAKE) {
		snprintf(host->facts_sys, sizeof(host->facts_sys), "/sys");
		snprintf(host->facts_proc, sizeof(host->facts_proc), "/proc");
		return;
	}
	snprintf(host->facts_sys, sizeof(host->facts_sys), "%s", o->sysfs_root);
	n = strlen(host->facts_sys);
	while (n > 1 && host->facts_sys[n - 1] == '/')
		host->facts_sys[--n] = '\0';
	snprintf(host->facts_proc, sizeof(host->facts_proc), "%.*s/proc",
		 (int)(strrchr(host->facts_sys, '/') - host->facts_sys), host->facts_sys);
}

static int
db_host_init(struct db_host *host, struct pdk_sys *sys, const struct db_opts *o)
{
	struct utsname u;
	int n = 0, rc, fd;

	memset(host, 0, sizeof(*host));
	host->mode = o->mode;
	host->sysfs_root = o->sysfs_root;
	host->sys = sys;
	host->root = geteuid() == 0;
	db_facts_roots(host, o);

	/* The sim models a kernel with PASID attach; a release means nothing there. */
	if (o->kernel_release != NULL) {
		snprintf(host->release, sizeof(host->release), "%s", o->kernel_release);
		host->release_from_option = true;
	} else if (o->mode != DB_MODE_SIM && uname(&u) == 0) {
		snprintf(host->release, sizeof(host->release), "%s", u.release);
	}
	host->release_ok = -1;
	if (host->release[0] != '\0')
		host->release_ok = db_kernel_release_cmp(host->release, DB_PASID_KERNEL_MAJOR,
							 DB_PASID_KERNEL_MINOR);

	/* The sim has no /sys/kernel: each of its functions has a group link. */
	host->iommu_groups = 0;
	if (o->mode != DB_MODE_SIM) {
		rc = pdk_sys_list_dir(sys, SYSFS_IOMMU_GROUPS, count_entry, &n);
		host->iommu_groups = rc < 0 ? rc : n;
	}

	/* A fake tree describes another machine: this one's /dev says nothing of it. */
	host->dev_iommu = 1;
	if (o->mode != DB_MODE_FAKE) {
		fd = pdk_sys_open(sys, "/dev/iommu", O_RDWR);
		host->dev_iommu = fd < 0 ? fd : 0;
		if (fd >= 0)
			pdk_sys_close(sys, fd);
	}
	return 0;
}

struct name_list {
	struct db_fn *fn;
	unsigned int n;
	unsigned int cap;
};

static int
add_name(const char *name, void *arg)
{
	struct name_list *l = arg;
	struct db_fn *p;

	/* sysfs names are canonical; anything else is not a PCI function */
	if (strlen(name) >= PDK_PCI_ADDR_LEN)
		return 0;
	if (l->n == l->cap) {
		p = realloc(l->fn, (l->cap * 2 + 16) * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		l->fn = p;
		l->cap = l->cap * 2 + 16;
	}
	memset(&l->fn[l->n], 0, sizeof(l->fn[0]));
	strcpy(l->fn[l->n].addr, name);
	l->n++;
	return 0;
}

static int
fn_cmp(const void *a, const void *b)
{
	const struct db_fn *x = a, *y = b;
	size_t lx = strlen(x->addr), ly = strlen(y->addr);

	/* A wider domain (Intel VMD's 10000+) sorts after the 4-digit ones. */
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x->addr, y->addr);
}

/* @return 0, or -errno when the entry cannot be read as a function. */
static int
read_fn(struct db_fn *fn, struct pdk_sys *sys, const struct db_host *host)
{
	const struct pdk_bus_driver *drv;
	int rc;

	/* No vendor: gone since the listing, or a stray entry that is no function. */
	rc = pdk_vfio_pci_attr_hex(sys, fn->addr, "vendor", &fn->vendor);
	if (rc < 0)
		return rc;
	pdk_vfio_pci_attr_hex(sys, fn->addr, "device", &fn->device);
	pdk_vfio_pci_attr_hex(sys, fn->addr, "class", &fn->class);
	/* PDK's drivers (linked in, registered by their constructors) say which IDs they take. */
	drv = pdk_bus_driver_match((uint16_t)fn->vendor, (uint16_t)fn->device);
	fn->pdk_driver = drv != NULL ? drv->name : NULL;
	/* A missing link is an answer: no driver, no IOMMU group. */
	if (pdk_vfio_pci_attr_link(sys, fn->addr, "driver", fn->driver, sizeof(fn->driver)) < 0)
		fn->driver[0] = '\0';
	if (pdk_vfio_pci_attr_link(sys, fn->addr, "iommu_group", fn->group,
				   sizeof(fn->group)) < 0)
		fn->group[0] = '\0';
	fn->cdev_rc = pdk_vfio_pci_cdev_find(sys, fn->addr, fn->cdev, sizeof(fn->cdev));
	if (fn->cdev_rc < 0)
		fn->cdev[0] = '\0';
	db_pasid_cap_from_sysfs(&fn->cap, sys, fn->addr, host->root);
	return 0;
}

int
db_scan(struct db_scan *scan, struct pdk_sys *sys, const struct db_opts *o)
{
	struct name_list l = { 0 };
	unsigned int i, kept = 0;
	int rc;

	memset(scan, 0, sizeof(*scan));
	db_host_init(&scan->host, sys, o);
	rc = pdk_vfio_pci_list(sys, add_name, &l);
	if (rc < 0) {
		free(l.fn);
		if (o->mode == DB_MODE_FAKE)
			db_err("cannot list /sys/bus/pci/devices in %s: %s (the fake tree needs "
			       "bus/pci/devices/)", o->sysfs_root, strerror(-rc));
		else
			db_err("cannot list /sys/bus/pci/devices: %s%s", strerror(-rc),
			       rc == -ENOENT ? "; is sysfs mounted on /sys?" : "");
		return rc;
	}
	for (i = 0; i < l.n; i++) {
		if (read_fn(&l.fn[i], sys, &scan->host) < 0)
			continue;
		l.fn[kept++] = l.fn[i];
	}
	if (kept > 0)
		qsort(l.fn, kept, sizeof(l.fn[0]), fn_cmp);
	scan->fn = l.fn;
	scan->n = kept;
	db_inuse_scan(scan);
	return 0;
}

void
db_scan_free(struct db_scan *scan)
{
	free(scan->fn);
	scan->fn = NULL;
	scan->n = 0;
}

struct db_fn *
db_scan_find(struct db_scan *scan, const char *addr)
{
	unsigned int i;

	for (i = 0; i < scan->n; i++)
		if (strcmp(scan->fn[i].addr, addr) == 0)
			return &scan->fn[i];
	return NULL;
}

/*
 * The function a user named: @p arg in either address form.
 * @return it, or NULL after saying what is wrong with @p arg.
 */
struct db_fn *
db_scan_lookup(struct db_scan *scan, const char *arg)
{
	char addr[PDK_PCI_ADDR_LEN];
	struct db_fn *fn;

	if (pdk_vfio_pci_addr_parse(arg, addr) < 0) {
		db_err("\"%s\" is not a PCI address: write DDDD:BB:DD.F or BB:DD.F in hex, "
		       "as lspci -D prints it", arg);
		return NULL;
	}
	fn = db_scan_find(scan, addr);
	if (fn == NULL)
		db_err("no PCI function %s: it is not in /sys/bus/pci/devices%s%s (check the "
		       "address with lspci -D, or pdk-devbind --status)", addr,
		       scan->host.sysfs_root != NULL ? " of " : "",
		       scan->host.sysfs_root != NULL ? scan->host.sysfs_root : "");
	return fn;
}
