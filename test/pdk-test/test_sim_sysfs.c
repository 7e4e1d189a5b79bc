/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated sysfs as DPDK, lspci and dpdk-devbind.py read it (a
 * simulation, doc/sim.md "The simulated sysfs"): a walker lists every folder
 * from /sys, tells links, folders and files apart the way a copier must
 * (pdk_sys_link_name(), pdk_sys_list_dir(), then an open and read of the
 * file), and the files those programs read are checked for the kernel's
 * formats, byte for byte where the format is fixed.
 */

#include <fcntl.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_env.h"

#define SIMDMA_ADDR	PDK_SIM_DEFAULT_PCI_ADDR
#define DSA_ADDR	"0000:6a:01.0"
#define SHARED_ADDR	"0000:00:05.0"
#define OTHER_ADDR	"0000:00:06.0"
#define MAX_PATHS	1024

struct walk {
	struct pdk_sys *sys;
	struct pdk_sim *sim;
	char (*paths)[160];
	char kind[MAX_PATHS];	/* 'd', 'f', 'l' */
	unsigned int n;
	unsigned int bad;
};

struct names {
	char name[64][64];
	unsigned int n;
};

static int
collect(const char *name, void *arg)
{
	struct names *l = arg;

	if (l->n == 64)
		return -E2BIG;
	snprintf(l->name[l->n++], sizeof(l->name[0]), "%s", name);
	return 0;
}

static int
walk(struct walk *w, const char *path, unsigned int depth)
{
	char target[160], buf[8192];
	struct names *l;
	unsigned int i;
	ssize_t n;
	int rc;

	if (w->n == MAX_PATHS || depth > 10)
		return -E2BIG;
	snprintf(w->paths[w->n], sizeof(w->paths[0]), "%s", path);
	if (pdk_sys_link_name(w->sys, path, target, sizeof(target)) >= 0) {
		w->kind[w->n++] = 'l';
		if (pdk_sim_link_target(w->sim, path, target, sizeof(target)) <= 0 ||
		    strncmp(target, "../", 3) != 0) {
			fprintf(stderr, "  link %s: target \"%s\"\n", path, target);
			w->bad++;
		}
		return 0;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	rc = pdk_sys_list_dir(w->sys, path, collect, l);
	if (rc == 0) {
		w->kind[w->n++] = 'd';
		for (i = 0; i < l->n && rc == 0; i++) {
			char sub[160];

			snprintf(sub, sizeof(sub), "%s/%s", path, l->name[i]);
			rc = walk(w, sub, depth + 1);
		}
		free(l);
		return rc;
	}
	free(l);
	n = pdk_sys_pread_file(w->sys, path, buf, sizeof(buf), 0);
	if (n < 0) {
		fprintf(stderr, "  %s: listed, but neither link, folder nor file: %s\n", path,
			strerror((int)-n));
		w->bad++;
	}
	w->kind[w->n++] = 'f';
	return 0;
}

static char
kind_of(const struct walk *w, const char *path)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->paths[i], path) == 0)
			return w->kind[i];
	return 0;
}

/* The bytes of a file as a reader of the real one gets them (open, read). */
static ssize_t
raw(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	ssize_t n = pdk_sys_pread_file(sys, path, buf, len - 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

#define ASSERT_RAW(sys, path, want)						\
	do {									\
		char b__[512];							\
		TEST_ASSERT(raw(sys, path, b__, sizeof(b__)) >= 0, "%s unreadable", path); \
		TEST_ASSERT(strcmp(b__, want) == 0, "%s is \"%s\", want \"%s\"", path, b__, want); \
	} while (0)

#define ASSERT_LINK(sim, path, want)						\
	do {									\
		char b__[160];							\
		TEST_ASSERT(pdk_sim_link_target(sim, path, b__, sizeof(b__)) > 0, "%s: no link", path); \
		TEST_ASSERT(strcmp(b__, want) == 0, "%s -> \"%s\", want \"%s\"", path, b__, want); \
	} while (0)

#define DEV(addr, attr) "/sys/bus/pci/devices/" addr "/" attr

/* resource: 13 lines "0x%016llx 0x%016llx 0x%016llx\n"; BAR @p bar of @p size at a start not in @p used */
static int
check_resource(struct pdk_sys *sys, const char *addr, const uint64_t *sizes,
	       uint64_t used[][2], unsigned int *nused)
{
	char path[128], buf[2048], *line, *save = NULL;
	unsigned int i = 0, j;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource", addr);
	TEST_ASSERT(raw(sys, path, buf, sizeof(buf)) == 13 * 57, "resource of %s: %zu bytes", addr,
		    strlen(buf));
	for (line = strtok_r(buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save), i++) {
		unsigned long long s, e, f;
		int k = -1, got = sscanf(line, "0x%16llx 0x%16llx 0x%16llx%n", &s, &e, &f, &k);

		TEST_ASSERT(got == 3 && k == 56, "%s line %u: \"%s\"", path, i, line);
		if (i >= 6 || sizes[i] == 0) {
			TEST_ASSERT(s == 0 && e == 0 && f == 0, "%s line %u not zero", path, i);
			continue;
		}
		TEST_ASSERT(e - s + 1 == sizes[i], "%s BAR %u: %llu bytes", path, i, e - s + 1);
		TEST_ASSERT(f == 0x40200, "%s BAR %u flags 0x%llx", path, i, f);
		for (j = 0; j < *nused; j++)
			TEST_ASSERT(e < used[j][0] || s > used[j][1], "%s BAR %u overlaps", path, i);
		used[*nused][0] = s;
		used[(*nused)++][1] = e;
	}
	TEST_ASSERT_EQ(i, 13);
	return TEST_SUCCESS;
}

static const struct pdk_sim_fn_config sysfs_fns[] = {
	{ .pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20, .pasid_priv = true },
	{ .pci_addr = SHARED_ADDR, .model = PDK_SIM_MODEL_PLAIN, .iommu_group = 9 },
	{ .pci_addr = OTHER_ADDR, .model = PDK_SIM_MODEL_PLAIN, .iommu_group = 9, .not_vfio = true },
};

static int
test_sysfs_walk(void)
{
	static char paths[MAX_PATHS][160];
	struct walk w = { .paths = paths };
	uint64_t used[16][2], simdma_bars[6] = { 4096 }, plain_bars[6] = { 4096 }, dsa_bars[6];
	char buf[8192], grp[16], path[160], want[200];
	struct pdk_vfio_region r;
	struct pdk_vfio_dev *dev;
	struct pdk_iommufd *ictx;
	unsigned int nused = 0, i;
	uint32_t dev_id;
	struct pdk_sim *sim;
	ssize_t n;

	TEST_ASSERT_OK(pdk_sim_create(NULL, &sim));
	for (i = 0; i < 3; i++)
		TEST_ASSERT_OK(pdk_sim_fn_add(sim, &sysfs_fns[i], NULL));
	w.sys = pdk_sim_sys(sim);
	w.sim = sim;
	TEST_ASSERT_OK(walk(&w, "/sys", 0));
	TEST_ASSERT(w.bad == 0, "%u bad entries", w.bad);
	TEST_ASSERT(w.n > 100, "only %u paths", w.n);

	/* the layout: devices are folders under /sys/devices, linked from the bus */
	TEST_ASSERT_EQ(kind_of(&w, "/sys/bus/pci/devices/" SIMDMA_ADDR), 'l');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/devices/pci0000:00/" SIMDMA_ADDR), 'd');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/devices/pci0000:6a/" DSA_ADDR), 'd');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/devices/pci0000:00/" SIMDMA_ADDR "/config"), 'f');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/devices/pci0000:00/" SIMDMA_ADDR "/vfio-dev/vfio0"), 'd');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/devices/pci0000:00/" OTHER_ADDR "/vfio-dev"), 0);
	TEST_ASSERT_EQ(kind_of(&w, "/sys/bus/pci/drivers/vfio-pci/" DSA_ADDR), 'l');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/bus/pci/drivers/pdk-sim-other/" OTHER_ADDR), 'l');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/kernel/iommu_groups/9/devices/" OTHER_ADDR), 'l');
	TEST_ASSERT_EQ(kind_of(&w, "/sys/module/vfio_pci"), 'd');

	/* the identity files, as the kernel prints them */
	ASSERT_RAW(w.sys, DEV(SIMDMA_ADDR, "vendor"), "0x5044\n");
	ASSERT_RAW(w.sys, DEV(SIMDMA_ADDR, "device"), "0x0001\n");
	ASSERT_RAW(w.sys, DEV(SIMDMA_ADDR, "subsystem_vendor"), "0x5044\n");
	ASSERT_RAW(w.sys, DEV(SIMDMA_ADDR, "subsystem_device"), "0x0001\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "vendor"), "0x8086\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "device"), "0x0b25\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "class"), "0x088000\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "revision"), "0x01\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "numa_node"), "-1\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "irq"), "0\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "enable"), "0\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "driver_override"), "(null)\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "modalias"),
		   "pci:v00008086d00000B25sv00008086sd00000B25bc08sc80i00\n");
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "uevent"),
		   "DRIVER=vfio-pci\nPCI_CLASS=88000\nPCI_ID=8086:0B25\nPCI_SUBSYS_ID=8086:0B25\n"
		   "PCI_SLOT_NAME=" DSA_ADDR "\n"
		   "MODALIAS=pci:v00008086d00000B25sv00008086sd00000B25bc08sc80i00\n");
	TEST_ASSERT(raw(w.sys, DEV(DSA_ADDR, "local_cpulist"), buf, sizeof(buf)) > 0 &&
		    buf[0] == '0' && buf[strlen(buf) - 1] == '\n', "local_cpulist \"%s\"", buf);
	/* pdk_sys_read_file() gives what the kernel backend gives: no newline */
	TEST_ASSERT(pdk_sys_read_file(w.sys, DEV(DSA_ADDR, "vendor"), buf, sizeof(buf)) == 6 &&
		    strcmp(buf, "0x8086") == 0, "read_file \"%s\"", buf);

	/* config: the live config space, the PASID capability VFIO hides shown, any offset */
	n = pdk_sys_pread_file(w.sys, DEV(SIMDMA_ADDR, "config"), buf, sizeof(buf), 0);
	TEST_ASSERT_EQ(n, 4096);
	TEST_ASSERT_EQ(buf[0] | buf[1] << 8, 0x5044);
	TEST_ASSERT_EQ(PCI_EXT_CAP_ID((uint32_t)(uint8_t)buf[0x100] | (uint32_t)(uint8_t)buf[0x101] << 8),
		       PCI_EXT_CAP_ID_PASID);
	TEST_ASSERT_EQ(((uint8_t)buf[0x105]) & 0x1f, 20);	/* max PASID width */
	n = pdk_sys_pread_file(w.sys, DEV(DSA_ADDR, "config"), buf, 4, 0x104);
	TEST_ASSERT_EQ(n, 4);
	TEST_ASSERT_EQ((uint8_t)buf[0], PCI_PASID_CAP_PRIV);	/* priv, no exec */
	TEST_ASSERT_EQ((uint8_t)buf[2], PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV);

	/* resource: fixed, non-overlapping bus addresses, each BAR's size */
	TEST_ASSERT_OK(pdk_iommufd_open(w.sys, &ictx));
	TEST_ASSERT_OK(pdk_vfio_open(w.sys, DSA_ADDR, &dev));
	TEST_ASSERT_OK(pdk_vfio_bind(dev, ictx, &dev_id));
	memset(dsa_bars, 0, sizeof(dsa_bars));
	for (i = 0; i < 6; i++) {
		TEST_ASSERT_OK(pdk_vfio_region_info(dev, i, &r));
		dsa_bars[i] = r.size;
	}
	/* vfio-pci has the function open: enable says so */
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "enable"), "1\n");
	TEST_ASSERT_OK(pdk_vfio_close(dev));
	TEST_ASSERT_OK(pdk_iommufd_close(ictx));
	ASSERT_RAW(w.sys, DEV(DSA_ADDR, "enable"), "0\n");
	TEST_ASSERT(check_resource(w.sys, SIMDMA_ADDR, simdma_bars, used, &nused) == TEST_SUCCESS);
	TEST_ASSERT(check_resource(w.sys, DSA_ADDR, dsa_bars, used, &nused) == TEST_SUCCESS);
	TEST_ASSERT(check_resource(w.sys, SHARED_ADDR, plain_bars, used, &nused) == TEST_SUCCESS);
	TEST_ASSERT_EQ(nused, 4);

	/* the links, with the kernel's relative targets */
	ASSERT_LINK(sim, DEV(SIMDMA_ADDR, "driver"), "../../../bus/pci/drivers/vfio-pci");
	ASSERT_LINK(sim, DEV(OTHER_ADDR, "driver"), "../../../bus/pci/drivers/pdk-sim-other");
	ASSERT_LINK(sim, DEV(SHARED_ADDR, "iommu_group"), "../../../kernel/iommu_groups/9");
	ASSERT_LINK(sim, "/sys/bus/pci/devices/" DSA_ADDR, "../../../devices/pci0000:6a/" DSA_ADDR);
	ASSERT_LINK(sim, "/sys/bus/pci/drivers/vfio-pci/" SIMDMA_ADDR,
		    "../../../../devices/pci0000:00/" SIMDMA_ADDR);
	ASSERT_LINK(sim, "/sys/kernel/iommu_groups/9/devices/" SHARED_ADDR,
		    "../../../../devices/pci0000:00/" SHARED_ADDR);
	TEST_ASSERT(pdk_sys_link_name(w.sys, DEV(SIMDMA_ADDR, "iommu_group"), grp, sizeof(grp)) > 0);
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/type", grp);
	ASSERT_RAW(w.sys, path, "DMA\n");
	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices/" SIMDMA_ADDR, grp);
	TEST_ASSERT_EQ(kind_of(&w, path), 'l');
	/* through the links, as a path walk follows them */
	snprintf(want, sizeof(want), "/sys/bus/pci/drivers/vfio-pci/" DSA_ADDR "/iommu_group/devices/"
		 DSA_ADDR "/vendor");
	ASSERT_RAW(w.sys, want, "0x8086\n");
	TEST_ASSERT_RC(pdk_sim_link_target(sim, DEV(DSA_ADDR, "vendor"), buf, sizeof(buf)), -EINVAL);
	TEST_ASSERT_RC(pdk_sim_link_target(sim, DEV(DSA_ADDR, "nope"), buf, sizeof(buf)), -ENOENT);
	TEST_ASSERT_RC(pdk_sim_link_target(sim, DEV(DSA_ADDR, "driver"), buf, 8), -ENAMETOOLONG);

	/* the module parameters */
	ASSERT_RAW(w.sys, "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	ASSERT_RAW(w.sys, "/sys/module/vfio_iommu_type1/parameters/dma_entry_limit", "65535\n");
	ASSERT_RAW(w.sys, "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N\n");

	/* /dev/vfio: the container, the groups VFIO offers (not group 9's other function's), the cdevs */
	{
		struct names l = { .n = 0 };
		unsigned int k, found = 0;

		TEST_ASSERT_OK(pdk_sys_list_dir(w.sys, "/dev/vfio", collect, &l));
		for (k = 0; k < l.n; k++)
			found += strcmp(l.name[k], "vfio") == 0 || strcmp(l.name[k], "devices") == 0 ||
				 strcmp(l.name[k], grp) == 0 || strcmp(l.name[k], "9") == 0;
		TEST_ASSERT(found == 4 && l.n == 5, "/dev/vfio: %u entries, %u expected found", l.n, found);
		l.n = 0;
		TEST_ASSERT_OK(pdk_sys_list_dir(w.sys, "/dev/vfio/devices", collect, &l));
		TEST_ASSERT_EQ(l.n, 3);		/* vfio0..2: the other function has no cdev */
	}

	/* refusals: a folder read, a file listed, a write */
	TEST_ASSERT_RC(pdk_sys_read_file(w.sys, "/sys/module", buf, sizeof(buf)), -EISDIR);
	TEST_ASSERT_RC(pdk_sys_list_dir(w.sys, DEV(DSA_ADDR, "vendor"), collect, NULL), -ENOTDIR);
	TEST_ASSERT_RC(pdk_sys_list_dir(w.sys, "/sys/bus/pci/drivers/nope", collect, NULL), -ENOENT);
	{
		int fd = pdk_sys_open(w.sys, DEV(DSA_ADDR, "enable"), O_RDWR);

		TEST_ASSERT(fd >= 0);
		TEST_ASSERT_RC(pdk_sys_write(w.sys, fd, "1", 1), -EACCES);
		TEST_ASSERT_OK(pdk_sys_close(w.sys, fd));
	}
	TEST_ASSERT_SIM_CLEAN(sim);
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_sysfs_walk, fast, test_sysfs_walk);

/* enable follows vfio-pci's open of the function (a bound cdev) */
static int
test_sysfs_enable(struct test_env *env)
{
	ASSERT_RAW(env->sys, DEV(SIMDMA_ADDR, "enable"), "1\n");
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_sysfs_enable, fast, test_sysfs_enable, .bind = true);
