/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The part of the filesystem the sim serves (a simulation): /dev/iommu,
 * /dev/vfio, and a sysfs laid out as the kernel's, with what DPDK, lspci
 * and dpdk-devbind.py read, so that a walker can copy the whole tree
 * (doc/sim.md, "The simulated sysfs"). Anything else is -ENOENT, so code
 * that strays outside what the sim models fails loudly.
 *
 *   /dev/iommu, /dev/vfio/vfio, /dev/vfio/N, /dev/vfio/devices/vfioN   open
 *   /sys/devices/pciDDDD:BB/ADDR/            a function's folder: vendor,
 *       device, subsystem_vendor, subsystem_device, class, revision,
 *       config (binary, live, with the PASID capability VFIO hides),
 *       resource, numa_node, irq, local_cpulist, modalias, uevent, enable,
 *       driver_override, driver -> ../../../bus/pci/drivers/DRV,
 *       iommu_group -> ../../../kernel/iommu_groups/N, vfio-dev/vfioN/,
 *       a VF's physfn -> ../PF, a PF's virtfnN -> ../VF (drivers/pci/iov.c)
 *   /sys/bus/pci/devices/ADDR -> ../../../devices/pciDDDD:BB/ADDR
 *   /sys/bus/pci/drivers/DRV/ADDR -> ../../../../devices/pciDDDD:BB/ADDR
 *   /sys/kernel/iommu_groups/N/{type, devices/ADDR -> ../../../../devices/...}
 *   /sys/module/{vfio, vfio_pci, vfio_iommu_type1}/parameters/...
 *
 * A path is resolved component by component from the canonical layout
 * (sim_fs_exact()); a link met on the way is followed as the kernel's path
 * walk follows it, so /sys/bus/pci/devices/ADDR/vendor is the file of the
 * function's folder. Files hold the text the kernel prints, "\n" included;
 * read_file (pdk_sys_read_file()) strips the trailing newlines as the
 * kernel backend does, and an open sysfs file reads the bytes as they are.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_kernel.h"

#define SIM_DEV_VFIO	"/dev/vfio/devices"
/*
 * The device numbers of the sim's nodes (pdk_sim_dev_node(), the vfio-dev
 * dev file). /dev/vfio/vfio is misc 10:196 as on every kernel (MISC_MAJOR,
 * include/uapi/linux/major.h; VFIO_MINOR, include/linux/miscdevice.h). The
 * kernel allocates the others at boot (iommufd's misc minor is
 * MISC_DYNAMIC_MINOR in drivers/iommu/iommufd/main.c; the group and cdev
 * majors come from alloc_chrdev_region() in drivers/vfio/group.c and
 * drivers/vfio/device_cdev.c), so the sim's are made up, in the dynamic range.
 */
#define SIM_MISC_MAJOR		10u
#define SIM_VFIO_MINOR		196u
#define SIM_IOMMUFD_MINOR	123u	/* made up */
#define SIM_VFIO_GROUP_MAJOR	240u	/* made up; minor: the group's number */
#define SIM_VFIO_CDEV_MAJOR	239u	/* made up; minor: N of vfioN */
#define SIM_FS_DEPTH	12	/* components in a path */
#define SIM_FS_LINKS	8	/* links followed in one walk (the kernel's nesting limit) */
#define SIM_FS_TEXT	(SIM_CFG_SIZE + 64)
#define SIM_FS_PATH	512	/* the longest path the sim resolves */
#define SIM_NUM_RESOURCES 13	/* PCI_BRIDGE_RESOURCES with CONFIG_PCI_IOV: 6 BARs, ROM, 6 IOV */
/* include/linux/ioport.h: a 32-bit non-prefetchable memory BAR's resource flags */
#define SIM_IORESOURCE_MEM	 0x00000200u
#define SIM_IORESOURCE_SIZEALIGN 0x00040000u

/* ---- names of a folder ---- */

struct sim_names {
	char (*name)[32];
	unsigned int n;
};

static int
sim_names_add(struct sim_names *names, const char *s)
{
	char (*p)[32];
	unsigned int i;

	for (i = 0; i < names->n; i++)
		if (strcmp(names->name[i], s) == 0)
			return 0;	/* folders list a name once (a shared group, a bus) */
	p = realloc(names->name, (names->n + 1) * sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	names->name = p;
	snprintf(names->name[names->n++], sizeof(*p), "%s", s);
	return 0;
}

static int
sim_names_list(struct sim_names *names, const char *const *list)
{
	int rc = 0;

	for (; *list != NULL && rc == 0; list++)
		rc = sim_names_add(names, *list);
	return rc;
}

/* ---- a node of the tree ---- */

enum sim_node_type {
	SIM_NODE_DIR,
	SIM_NODE_FILE,
	SIM_NODE_LINK,
};

struct sim_node {
	enum sim_node_type type;
	struct sim_fn *fn;		/* a function's config file: read live */
	struct sim_names names;		/* DIR: its entries */
	char text[SIM_FS_TEXT];		/* FILE: the content; LINK: the target */
	size_t len;
};

static int
sim_node_dir(struct sim_node *n, const char *const *list)
{
	n->type = SIM_NODE_DIR;
	return list != NULL ? sim_names_list(&n->names, list) : 0;
}

static int
sim_node_file(struct sim_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
sim_node_file(struct sim_node *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	n->type = SIM_NODE_FILE;
	n->len = k < 0 ? 0 : (size_t)k < sizeof(n->text) ? (size_t)k : sizeof(n->text) - 1;
	return 0;
}

static int
sim_node_link(struct sim_node *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
sim_node_link(struct sim_node *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	n->type = SIM_NODE_LINK;
	n->len = k < 0 ? 0 : (size_t)k;
	return 0;
}

/* ---- the functions' facts as the kernel prints them ---- */

static uint16_t
sim_cfg16(const struct sim_fn *fn, unsigned int off)
{
	return (uint16_t)(fn->config[off] | fn->config[off + 1] << 8);
}

static uint32_t
sim_fn_class(const struct sim_fn *fn)
{
	return (uint32_t)fn->config[PCI_CLASS_DEVICE + 1] << 16 |
	       (uint32_t)fn->config[PCI_CLASS_DEVICE] << 8 | fn->config[PCI_CLASS_PROG];
}

/* "pciDDDD:BB": the root bus folder a function sits in (each bus is a root bus here) */
static void
sim_fn_busdir(const struct sim_fn *fn, char *buf, size_t len)
{
	snprintf(buf, len, "pci%.7s", fn->addr);
}

static const char *
sim_fn_driver(const struct sim_fn *fn)
{
	return fn->cfg.not_vfio ? "pdk-sim-other" : "vfio-pci";
}

/* pci_dev->enable_cnt: vfio-pci enables the function while a user has it open */
static unsigned int
sim_fn_enabled(const struct sim_fn *fn)
{
	return fn->vdev != NULL && (fn->vdev->bound_file != NULL || fn->vdev->group_opens > 0);
}

/* modalias_show(): pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X */
static void
sim_fn_modalias(const struct sim_fn *fn, char *buf, size_t len)
{
	uint32_t cls = sim_fn_class(fn);

	snprintf(buf, len, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
		 sim_fn_vendor(fn), sim_fn_device(fn), sim_cfg16(fn, PCI_SUBSYSTEM_VENDOR_ID), sim_cfg16(fn, PCI_SUBSYSTEM_ID),
		 cls >> 16, (cls >> 8) & 0xff, cls & 0xff);
}

/*
 * The config space the kernel reads (sysfs config): the function's own
 * bytes, with the PASID capability that vfio-pci hides from its config
 * region (kernel/sim_vfio.c) and a VF's ffff IDs.
 */
static void
sim_fn_config_view(const struct sim_fn *fn, uint8_t *cfg)
{
	memcpy(cfg, fn->config, SIM_CFG_SIZE);
}

/* "N" of the PF's virtfnN link to @p vf: its rank among the PF's VFs, in creation order. */
static unsigned int
sim_vf_index(const struct sim_fn *vf)
{
	const struct sim_fn *f;
	unsigned int n = 0;

	for (f = vf->sim->fns; f != NULL && f != vf; f = f->next)
		if (f->pf == vf->pf)
			n++;
	return n;
}

/* The VF of @p pf whose virtfnN link is @p name, or NULL. */
static struct sim_fn *
sim_fn_virtfn(const struct sim_fn *pf, const char *name)
{
	struct sim_fn *f;
	char want[24];

	for (f = pf->sim->fns; f != NULL; f = f->next) {
		if (f->pf != pf)
			continue;
		snprintf(want, sizeof(want), "virtfn%u", sim_vf_index(f));
		if (strcmp(want, name) == 0)
			return f;
	}
	return NULL;
}

/* A link from @p from's folder to @p to's, relative as sysfs makes it. */
static int
sim_fn_sibling_link(const struct sim_fn *from, const struct sim_fn *to, struct sim_node *n)
{
	char a[16], b[16];

	sim_fn_busdir(from, a, sizeof(a));
	sim_fn_busdir(to, b, sizeof(b));
	if (strcmp(a, b) == 0)
		return sim_node_link(n, "../%s", to->addr);
	return sim_node_link(n, "../../%s/%s", b, to->addr);
}

/* resource_show(): start, end, flags of each resource, zeros for the absent ones */
static void
sim_fn_resource(const struct sim_fn *fn, struct sim_node *n)
{
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < SIM_NUM_RESOURCES && off < sizeof(n->text); i++) {
		uint64_t start = 0, end = 0, flags = 0;
		int k;

		if (i < SIM_NUM_BARS && fn->bar[i].size != 0) {
			start = sim_pci_bar_bus_addr(fn, i);
			end = start + fn->bar[i].size - 1;
			flags = SIM_IORESOURCE_MEM | SIM_IORESOURCE_SIZEALIGN;
		}
		k = snprintf(n->text + off, sizeof(n->text) - off, "0x%016llx 0x%016llx 0x%016llx\n",
			     (unsigned long long)start, (unsigned long long)end,
			     (unsigned long long)flags);
		off += k > 0 ? (size_t)k : 0;
	}
	n->type = SIM_NODE_FILE;
	n->len = off < sizeof(n->text) ? off : sizeof(n->text) - 1;
}

static const char *const sim_fn_attrs[] = {
	"vendor", "device", "subsystem_vendor", "subsystem_device", "class", "revision",
	"config", "resource", "numa_node", "irq", "local_cpulist", "modalias", "uevent",
	"enable", "driver_override", "driver", "iommu_group", NULL,
};

/* The function's folder and what is in it; @p rest is what follows its address. */
static int
sim_fs_fn(struct sim_fn *fn, char **rest, unsigned int nrest, struct sim_node *n)
{
	char alias[80];
	const char *a;
	long cpus;

	if (nrest == 0) {
		struct sim_fn *f;
		char name[24];
		int rc;

		sim_node_dir(n, sim_fn_attrs);
		rc = fn->vdev != NULL ? sim_names_add(&n->names, "vfio-dev") : 0;
		if (rc == 0 && fn->pf != NULL)
			rc = sim_names_add(&n->names, "physfn");
		for (f = fn->sim->fns; f != NULL && rc == 0; f = f->next) {
			if (f->pf != fn)
				continue;
			snprintf(name, sizeof(name), "virtfn%u", sim_vf_index(f));
			rc = sim_names_add(&n->names, name);
		}
		return rc;
	}
	a = rest[0];
	if (strcmp(a, "vfio-dev") == 0 && fn->vdev != NULL) {
		char name[16];

		snprintf(name, sizeof(name), "vfio%d", fn->vdev->index);
		if (nrest > 3 || (nrest >= 2 && strcmp(rest[1], name) != 0))
			return -ENOENT;
		/* the cdev's device: its dev file, "major:minor" of /dev/vfio/devices/vfioN */
		if (nrest == 3)
			return strcmp(rest[2], "dev") == 0
				       ? sim_node_file(n, "%u:%d\n", SIM_VFIO_CDEV_MAJOR, fn->vdev->index)
				       : -ENOENT;
		if (nrest == 2)
			return sim_node_dir(n, (const char *const[]){ "dev", NULL });
		sim_node_dir(n, NULL);
		return sim_names_add(&n->names, name);
	}
	if (nrest != 1)
		return -ENOENT;
	if (strcmp(a, "physfn") == 0 && fn->pf != NULL)
		return sim_fn_sibling_link(fn, fn->pf, n);
	if (strncmp(a, "virtfn", 6) == 0) {
		struct sim_fn *vf = sim_fn_virtfn(fn, a);

		return vf != NULL ? sim_fn_sibling_link(fn, vf, n) : -ENOENT;
	}
	/* the IDs the kernel keeps: a VF's registers read ffff (pci_iov_add_virtfn()) */
	if (strcmp(a, "vendor") == 0)
		return sim_node_file(n, "0x%04x\n", sim_fn_vendor(fn));
	if (strcmp(a, "device") == 0)
		return sim_node_file(n, "0x%04x\n", sim_fn_device(fn));
	if (strcmp(a, "subsystem_vendor") == 0)
		return sim_node_file(n, "0x%04x\n", sim_cfg16(fn, PCI_SUBSYSTEM_VENDOR_ID));
	if (strcmp(a, "subsystem_device") == 0)
		return sim_node_file(n, "0x%04x\n", sim_cfg16(fn, PCI_SUBSYSTEM_ID));
	if (strcmp(a, "class") == 0)
		return sim_node_file(n, "0x%06x\n", sim_fn_class(fn));
	if (strcmp(a, "revision") == 0)
		return sim_node_file(n, "0x%02x\n", fn->config[PCI_REVISION_ID]);
	if (strcmp(a, "config") == 0) {
		sim_fn_config_view(fn, (uint8_t *)n->text);
		n->type = SIM_NODE_FILE;
		n->len = SIM_CFG_SIZE;
		n->fn = fn;
		return 0;
	}
	if (strcmp(a, "resource") == 0) {
		sim_fn_resource(fn, n);
		return 0;
	}
	if (strcmp(a, "numa_node") == 0)
		return sim_node_file(n, "-1\n");
	if (strcmp(a, "irq") == 0)
		return sim_node_file(n, "0\n");		/* no INTx pin */
	if (strcmp(a, "local_cpulist") == 0) {
		cpus = sysconf(_SC_NPROCESSORS_CONF);
		return cpus > 1 ? sim_node_file(n, "0-%ld\n", cpus - 1) : sim_node_file(n, "0\n");
	}
	if (strcmp(a, "modalias") == 0) {
		sim_fn_modalias(fn, alias, sizeof(alias));
		return sim_node_file(n, "%s\n", alias);
	}
	if (strcmp(a, "uevent") == 0) {
		/* dev_uevent()'s DRIVER, then pci_uevent()'s */
		sim_fn_modalias(fn, alias, sizeof(alias));
		return sim_node_file(n, "DRIVER=%s\nPCI_CLASS=%04X\nPCI_ID=%04X:%04X\n"
				     "PCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\nMODALIAS=%s\n",
				     sim_fn_driver(fn), sim_fn_class(fn), sim_fn_vendor(fn),
				     sim_fn_device(fn),
				     sim_cfg16(fn, PCI_SUBSYSTEM_VENDOR_ID),
				     sim_cfg16(fn, PCI_SUBSYSTEM_ID), fn->addr, alias);
	}
	if (strcmp(a, "enable") == 0)
		return sim_node_file(n, "%u\n", sim_fn_enabled(fn));
	if (strcmp(a, "driver_override") == 0)
		return sim_node_file(n, "(null)\n");
	if (strcmp(a, "driver") == 0)
		return sim_node_link(n, "../../../bus/pci/drivers/%s", sim_fn_driver(fn));
	if (strcmp(a, "iommu_group") == 0)
		return sim_node_link(n, "../../../kernel/iommu_groups/%u", fn->group->number);
	return -ENOENT;
}

/* ---- the canonical tree ---- */

static const char *const sim_sys_top[] = { "bus", "devices", "kernel", "module", NULL };

static int
sim_fs_fn_link(struct pdk_sim *sim, const char *addr, const char *up, struct sim_node *n,
	       struct sim_fn **out)
{
	struct sim_fn *fn = sim_fn_by_addr(sim, addr);
	char bus[16];

	if (fn == NULL)
		return -ENOENT;
	sim_fn_busdir(fn, bus, sizeof(bus));
	if (out != NULL)
		*out = fn;
	return sim_node_link(n, "%sdevices/%s/%s", up, bus, fn->addr);
}

static int
sim_fs_sys_bus(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	static const char *const pci[] = { "devices", "drivers", NULL };
	struct sim_fn *fn;
	int rc = 0;

	if (nc == 0)
		return sim_node_dir(n, (const char *const[]){ "pci", NULL });
	if (strcmp(c[0], "pci") != 0)
		return -ENOENT;
	if (nc == 1)
		return sim_node_dir(n, pci);
	if (strcmp(c[1], "devices") == 0) {
		if (nc == 2) {
			sim_node_dir(n, NULL);
			for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next)
				rc = sim_names_add(&n->names, fn->addr);
			return rc;
		}
		return nc == 3 ? sim_fs_fn_link(sim, c[2], "../../../", n, NULL) : -ENOENT;
	}
	if (strcmp(c[1], "drivers") != 0)
		return -ENOENT;
	if (nc == 2) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next)
			rc = sim_names_add(&n->names, sim_fn_driver(fn));
		return rc;
	}
	if (nc == 3) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next)
			if (strcmp(sim_fn_driver(fn), c[2]) == 0)
				rc = sim_names_add(&n->names, fn->addr);
		return rc == 0 && n->names.n == 0 ? -ENOENT : rc;
	}
	if (nc == 4) {
		rc = sim_fs_fn_link(sim, c[3], "../../../../", n, &fn);
		return rc == 0 && strcmp(sim_fn_driver(fn), c[2]) != 0 ? -ENOENT : rc;
	}
	return -ENOENT;
}

static int
sim_fs_sys_devices(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	struct sim_fn *fn;
	char bus[16];
	int rc = 0;

	if (nc == 0) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			sim_fn_busdir(fn, bus, sizeof(bus));
			rc = sim_names_add(&n->names, bus);
		}
		return rc;
	}
	if (nc == 1) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			sim_fn_busdir(fn, bus, sizeof(bus));
			if (strcmp(bus, c[0]) == 0)
				rc = sim_names_add(&n->names, fn->addr);
		}
		return rc == 0 && n->names.n == 0 ? -ENOENT : rc;
	}
	fn = sim_fn_by_addr(sim, c[1]);
	if (fn == NULL)
		return -ENOENT;
	sim_fn_busdir(fn, bus, sizeof(bus));
	if (strcmp(bus, c[0]) != 0)
		return -ENOENT;
	return sim_fs_fn(fn, c + 2, nc - 2, n);
}

/* "N": a plain decimal number, -1 for anything else */
static long
sim_fs_number(const char *s)
{
	long v = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > 0xffffff)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static int
sim_fs_sys_kernel(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	struct sim_fn *fn;
	char num[16];
	long g;
	int rc = 0;

	if (nc == 0)
		return sim_node_dir(n, (const char *const[]){ "iommu_groups", NULL });
	if (strcmp(c[0], "iommu_groups") != 0)
		return -ENOENT;
	if (nc == 1) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			snprintf(num, sizeof(num), "%u", fn->group->number);
			rc = sim_names_add(&n->names, num);
		}
		return rc;
	}
	g = sim_fs_number(c[1]);
	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (g >= 0 && fn->group->number == (uint32_t)g)
			break;
	if (fn == NULL)
		return -ENOENT;
	if (nc == 2)
		return sim_node_dir(n, (const char *const[]){ "devices", "type", NULL });
	if (nc == 3 && strcmp(c[2], "type") == 0)
		return sim_node_file(n, "DMA\n");	/* the default domain's type */
	if (strcmp(c[2], "devices") != 0)
		return -ENOENT;
	if (nc == 3) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next)
			if (fn->group->number == (uint32_t)g)
				rc = sim_names_add(&n->names, fn->addr);
		return rc;
	}
	if (nc == 4) {
		rc = sim_fs_fn_link(sim, c[3], "../../../../", n, &fn);
		return rc == 0 && fn->group->number != (uint32_t)g ? -ENOENT : rc;
	}
	return -ENOENT;
}

/* The module parameters of VFIO a DPDK or dpdk-devbind.py reads. */
static int
sim_fs_sys_module(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	static const char *const mods[] = { "vfio", "vfio_iommu_type1", "vfio_pci", NULL };
	static const char *const vfio[] = { "enable_unsafe_noiommu_mode", NULL };
	static const char *const type1[] = { "allow_unsafe_interrupts", "disable_hugepages",
					     "dma_entry_limit", NULL };
	const char *const *params;

	if (nc == 0)
		return sim_node_dir(n, mods);
	if (strcmp(c[0], "vfio") == 0)
		params = vfio;
	else if (strcmp(c[0], "vfio_iommu_type1") == 0)
		params = type1;
	else if (strcmp(c[0], "vfio_pci") == 0)
		params = NULL;		/* none read by the users the sim serves */
	else
		return -ENOENT;
	if (nc == 1)
		return sim_node_dir(n, (const char *const[]){ "parameters", NULL });
	if (strcmp(c[1], "parameters") != 0)
		return -ENOENT;
	if (nc == 2)
		return sim_node_dir(n, params);
	if (nc != 3 || params == NULL)
		return -ENOENT;
	if (strcmp(c[2], "dma_entry_limit") == 0 && params == type1)
		return sim_node_file(n, "%u\n", sim->cfg.dma_entry_limit);
	for (; *params != NULL; params++)
		if (strcmp(*params, c[2]) == 0)
			return sim_node_file(n, "N\n");
	return -ENOENT;
}

/* /dev/vfio: the container, the groups VFIO offers, the cdevs */
static int
sim_fs_dev_vfio(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	struct sim_fn *fn;
	char name[16];
	int rc = 0;

	if (nc == 0) {
		sim_node_dir(n, (const char *const[]){ "devices", "vfio", NULL });
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			if (fn->vdev == NULL)
				continue;
			snprintf(name, sizeof(name), "%u", fn->group->number);
			rc = sim_names_add(&n->names, name);
		}
		return rc;
	}
	if (nc == 1 && strcmp(c[0], "devices") == 0) {
		sim_node_dir(n, NULL);
		for (fn = sim->fns; fn != NULL && rc == 0; fn = fn->next) {
			if (fn->vdev == NULL)
				continue;
			snprintf(name, sizeof(name), "vfio%d", fn->vdev->index);
			rc = sim_names_add(&n->names, name);
		}
		return rc;
	}
	return -ENOENT;
}

/* The node at a path with no link in it (comps: its components). */
static int
sim_fs_exact(struct pdk_sim *sim, char **c, unsigned int nc, struct sim_node *n)
{
	if (nc >= 1 && strcmp(c[0], "sys") == 0) {
		if (nc == 1)
			return sim_node_dir(n, sim_sys_top);
		if (strcmp(c[1], "bus") == 0)
			return sim_fs_sys_bus(sim, c + 2, nc - 2, n);
		if (strcmp(c[1], "devices") == 0)
			return sim_fs_sys_devices(sim, c + 2, nc - 2, n);
		if (strcmp(c[1], "kernel") == 0)
			return sim_fs_sys_kernel(sim, c + 2, nc - 2, n);
		if (strcmp(c[1], "module") == 0)
			return sim_fs_sys_module(sim, c + 2, nc - 2, n);
		return -ENOENT;
	}
	if (nc >= 1 && strcmp(c[0], "dev") == 0) {
		/* the walk passes /dev on its way to /dev/vfio: a folder of what the sim lists */
		if (nc == 1)
			return sim_node_dir(n, (const char *const[]){ "vfio", NULL });
		if (strcmp(c[1], "vfio") == 0)
			return sim_fs_dev_vfio(sim, c + 2, nc - 2, n);
	}
	return -ENOENT;
}

/* ---- the walk ---- */

/* Split an absolute path into components, "." and ".." resolved. */
static int
sim_fs_split(char *path, char **c, unsigned int *nc)
{
	char *save = NULL, *tok;

	*nc = 0;
	for (tok = strtok_r(path, "/", &save); tok != NULL; tok = strtok_r(NULL, "/", &save)) {
		if (strcmp(tok, ".") == 0)
			continue;
		if (strcmp(tok, "..") == 0) {
			if (*nc > 0)
				(*nc)--;
			continue;
		}
		if (*nc == SIM_FS_DEPTH)
			return -ENAMETOOLONG;
		c[(*nc)++] = tok;
	}
	return 0;
}

/* Append "/@p comp" to @p buf at *@p off: false when it does not fit. */
static bool
sim_path_append(char *buf, size_t size, size_t *off, const char *comp)
{
	int k;

	if (*off >= size)
		return false;
	k = snprintf(buf + *off, size - *off, "/%s", comp);
	if (k < 0 || (size_t)k >= size - *off)
		return false;
	*off += (size_t)k;
	return true;
}

static void
sim_node_reset(struct sim_node *n)
{
	free(n->names.name);
	memset(&n->names, 0, sizeof(n->names));
	n->fn = NULL;
	n->len = 0;
}

/*
 * The node at @p path; a link on the way is followed, and the last
 * component too when @p follow (stat, not lstat). -ENOENT (not logged here)
 * when the sim has no such path.
 */
static int
sim_fs_resolve(struct pdk_sim *sim, const char *path, bool follow, struct sim_node *n)
{
	char buf[2][SIM_FS_PATH];
	char *c[SIM_FS_DEPTH];
	unsigned int nc, i, links = 0, cur = 0;
	int rc;

	if (path[0] != '/' || strlen(path) >= sizeof(buf[0]))
		return -ENOENT;
	snprintf(buf[cur], sizeof(buf[cur]), "%s", path);
restart:
	{
		char work[SIM_FS_PATH];

		snprintf(work, sizeof(work), "%s", buf[cur]);
		rc = sim_fs_split(work, c, &nc);
		if (rc < 0)
			return rc;
		for (i = 1; i <= nc; i++) {
			size_t off = 0;
			unsigned int j;

			sim_node_reset(n);
			rc = sim_fs_exact(sim, c, i, n);
			if (rc < 0)
				return rc;
			if (n->type != SIM_NODE_LINK || (i == nc && !follow))
				continue;
			if (++links > SIM_FS_LINKS)
				return -ELOOP;
			/* the link's folder, its target, then what followed it */
			for (j = 0; j + 1 < i; j++)
				if (!sim_path_append(buf[!cur], sizeof(buf[0]), &off, c[j]))
					return -ENAMETOOLONG;
			if (!sim_path_append(buf[!cur], sizeof(buf[0]), &off, n->text))
				return -ENAMETOOLONG;
			for (j = i; j < nc; j++)
				if (!sim_path_append(buf[!cur], sizeof(buf[0]), &off, c[j]))
					return -ENAMETOOLONG;
			cur = !cur;
			goto restart;
		}
		if (nc == 0)
			return -ENOENT;
	}
	return 0;
}

/* ---- the boundary's filesystem calls ---- */

/* "vfioN" with N a plain decimal number. */
static int
sim_parse_vfio(const char *name)
{
	long n;

	if (strncmp(name, "vfio", 4) != 0)
		return -1;
	n = sim_fs_number(name + 4);
	return n > 100000 ? -1 : (int)n;
}

/* An open sysfs file: what read() returns (the config file reads the function live). */
struct sim_sysfile {
	struct sim_fn *fn;
	size_t len;
	char data[];
};

static ssize_t
sim_sysfile_rw(struct sim_file *file, void *buf, size_t len, uint64_t pos, bool write)
{
	struct sim_sysfile *sf = file->priv;
	uint8_t cfg[SIM_CFG_SIZE];
	const char *src = sf->data;
	size_t n;

	if (write)
		return sim_err(-EACCES, "sysfs write", "the simulated sysfs is read-only");
	if (buf == NULL)
		return -EFAULT;
	if (sf->fn != NULL) {
		sim_fn_config_view(sf->fn, cfg);
		src = (const char *)cfg;
	}
	if (pos >= sf->len)
		return 0;
	n = len < sf->len - pos ? len : sf->len - (size_t)pos;
	memcpy(buf, src + pos, n);
	return (ssize_t)n;
}

static void
sim_sysfile_show(const struct sim_file *file, char *buf, size_t len)
{
	const struct sim_sysfile *sf = file->priv;

	snprintf(buf, len, "sysfs file%s%s", sf->fn != NULL ? " config of " : "",
		 sf->fn != NULL ? sf->fn->addr : "");
}

static void
sim_sysfile_release(struct sim_file *file)
{
	free(file->priv);
}

static const struct sim_file_ops sim_sysfile_fops = {
	.show = sim_sysfile_show,
	.rw = sim_sysfile_rw,
	.release = sim_sysfile_release,
};

static int
sim_sysfile_open(struct pdk_sim *sim, const char *path)
{
	struct sim_node *n = calloc(1, sizeof(*n));
	struct sim_sysfile *sf;
	struct sim_file *file;
	int rc, fd;

	if (n == NULL)
		return -ENOMEM;
	rc = sim_fs_resolve(sim, path, true, n);
	if (rc == 0 && n->type != SIM_NODE_FILE)
		rc = sim_err(-EISDIR, "open", "a folder of the simulated sysfs (list it instead)");
	else if (rc < 0)
		rc = sim_err(rc, "open", "path not simulated");
	sf = rc == 0 ? calloc(1, sizeof(*sf) + n->len) : NULL;
	if (rc == 0 && sf == NULL)
		rc = -ENOMEM;
	if (rc < 0) {
		sim_node_reset(n);
		free(n);
		return rc;
	}
	sf->fn = n->fn;
	sf->len = n->len;
	memcpy(sf->data, n->text, n->len);
	sim_node_reset(n);
	free(n);
	file = sim_file_new(sim, &sim_sysfile_fops, sf);
	if (file == NULL) {
		free(sf);
		return -ENOMEM;
	}
	fd = sim_fd_install(sim, file);
	if (fd < 0)
		sim_file_put(sim, file);
	return fd;
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
	if (strncmp(path, "/sys/", 5) == 0)
		return sim_sysfile_open(sim, path);
	return sim_err(-ENOENT, "open", "path not simulated");
}

/*
 * Collect the entries of a folder under the lock; the caller runs the
 * callbacks after dropping it, so a callback may call back into the sim.
 */
int
sim_fs_list_dir(struct pdk_sim *sim, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	struct sim_node *n;
	unsigned int i;
	int rc;

	if (path == NULL || cb == NULL)
		return -EFAULT;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	pthread_mutex_lock(&sim->lock);
	rc = sim_fs_resolve(sim, path, true, n);
	if (rc < 0)
		rc = sim_err(rc, "list_dir", "directory not simulated");
	else if (n->type != SIM_NODE_DIR)
		rc = sim_err(-ENOTDIR, "list_dir", "a file of the simulated sysfs, not a folder");
	pthread_mutex_unlock(&sim->lock);
	for (i = 0; rc == 0 && i < n->names.n; i++)
		rc = cb(n->names.name[i], arg);
	sim_node_reset(n);
	free(n);
	return rc;
}

/* The node of a file (@p want FILE) or link, for the two read calls. */
static ssize_t
sim_fs_read_node(struct pdk_sim *sim, const char *path, const void *buf, bool link,
		 struct sim_node **out)
{
	const char *op = link ? "link_name" : "read_file";
	struct sim_node *n;
	int rc;

	if (path == NULL || buf == NULL)
		return -EFAULT;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	rc = sim_fs_resolve(sim, path, !link, n);
	if (rc < 0)
		rc = sim_err(rc, op, link ? "link not simulated" : "file not simulated");
	else if (link && n->type != SIM_NODE_LINK)
		rc = sim_err(-EINVAL, op, "not a link");
	else if (!link && n->type == SIM_NODE_DIR)
		rc = sim_err(-EISDIR, op, "a folder of the simulated sysfs (list it instead)");
	if (rc < 0) {
		sim_node_reset(n);
		free(n);
		return rc;
	}
	*out = n;
	return 0;
}

/* As the kernel backend's read_file: up to len - 1 bytes, trailing newlines and NULs dropped. */
ssize_t
sim_fs_read_file(struct pdk_sim *sim, const char *path, char *buf, size_t len)
{
	struct sim_node *n;
	ssize_t rc = sim_fs_read_node(sim, path, buf, false, &n);
	size_t k;

	if (rc < 0)
		return rc;
	if (len == 0) {
		rc = -EINVAL;
	} else {
		k = n->len < len - 1 ? n->len : len - 1;
		memcpy(buf, n->text, k);
		while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == '\0'))
			k--;
		buf[k] = '\0';
		rc = (ssize_t)k;
	}
	sim_node_reset(n);
	free(n);
	return rc;
}

/* The link's whole target text (readlink()), or with @p base its last component (link_name). */
static ssize_t
sim_fs_link(struct pdk_sim *sim, const char *path, char *buf, size_t len, bool base)
{
	struct sim_node *n;
	ssize_t rc = sim_fs_read_node(sim, path, buf, true, &n);
	const char *s;
	size_t k;

	if (rc < 0)
		return rc;
	s = n->text;
	if (base && strrchr(s, '/') != NULL)
		s = strrchr(s, '/') + 1;
	k = strlen(s);
	if (k + 1 > len) {
		rc = -ENAMETOOLONG;
	} else {
		memcpy(buf, s, k + 1);
		rc = (ssize_t)k;
	}
	sim_node_reset(n);
	free(n);
	return rc;
}

ssize_t
sim_fs_link_name(struct pdk_sim *sim, const char *path, char *buf, size_t len)
{
	return sim_fs_link(sim, path, buf, len, true);
}

int
pdk_sim_dev_node(struct pdk_sim *sim, const char *path, unsigned int *major, unsigned int *minor)
{
	unsigned int maj = 0, min = 0;
	int rc = 0, index;
	long num;

	SIM_ARG_CHECK(sim, "device node", "NULL sim", "pass the sim from pdk_sim_create()", -EINVAL);
	SIM_ARG_CHECK(path, "device node", "NULL path", "pass the node's path", -EINVAL);
	SIM_ARG_CHECK(major, "device node", "NULL major", "pass where the major goes", -EINVAL);
	SIM_ARG_CHECK(minor, "device node", "NULL minor", "pass where the minor goes", -EINVAL);
	pthread_mutex_lock(&sim->lock);
	if (strcmp(path, "/dev/iommu") == 0) {
		maj = SIM_MISC_MAJOR;
		min = SIM_IOMMUFD_MINOR;
	} else if (strcmp(path, "/dev/vfio/vfio") == 0) {
		maj = SIM_MISC_MAJOR;
		min = SIM_VFIO_MINOR;
	} else if (strncmp(path, SIM_DEV_VFIO "/", sizeof(SIM_DEV_VFIO)) == 0) {
		struct sim_fn *fn;

		index = sim_parse_vfio(path + sizeof(SIM_DEV_VFIO));
		for (fn = sim->fns; fn != NULL; fn = fn->next)
			if (index >= 0 && fn->vdev != NULL && fn->vdev->index == index)
				break;
		rc = fn != NULL ? 0 : -ENOENT;
		maj = SIM_VFIO_CDEV_MAJOR;
		min = (unsigned int)index;
	} else if (strncmp(path, "/dev/vfio/", 10) == 0) {
		num = sim_fs_number(path + 10);
		rc = num >= 0 && num <= UINT32_MAX && sim_group_exists(sim, (uint32_t)num) ? 0
											     : -ENOENT;
		maj = SIM_VFIO_GROUP_MAJOR;
		min = (unsigned int)num;
	} else {
		rc = -ENOENT;
	}
	pthread_mutex_unlock(&sim->lock);
	if (rc == 0) {
		*major = maj;
		*minor = min;
	}
	return rc;
}

ssize_t
pdk_sim_link_target(struct pdk_sim *sim, const char *path, char *buf, size_t len)
{
	ssize_t rc;

	SIM_ARG_CHECK(sim, "link target", "NULL sim", "pass the sim from pdk_sim_create()", -EINVAL);
	SIM_ARG_CHECK(path, "link target", "NULL path", "pass the link's path", -EINVAL);
	SIM_ARG_CHECK(buf, "link target", "NULL buffer", "pass where the target goes", -EINVAL);
	pthread_mutex_lock(&sim->lock);
	rc = sim_fs_link(sim, path, buf, len, false);
	pthread_mutex_unlock(&sim->lock);
	return rc;
}
