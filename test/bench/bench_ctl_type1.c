/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-ctl --type1: the cost of a map and an unmap through iommufd
 * beside the legacy VFIO type1 IOMMU, same buffers, same run:
 *
 * - PDK: pdk_dma_map() / pdk_dma_unmap() on an address space whose IOAS is
 *   the RID domain of device A (bound through its VFIO cdev);
 * - iommufd: IOMMU_IOAS_MAP (FIXED_IOVA, at the IOVA PDK chose) /
 *   IOMMU_IOAS_UNMAP on that same IOAS;
 * - type1: VFIO_IOMMU_MAP_DMA / VFIO_IOMMU_UNMAP_DMA at that IOVA on a
 *   type1v2 container holding device B's group (a device bound through its
 *   cdev cannot also be in a container: vfio_device_block_group()).
 *
 * Both devices sit behind the same IOMMU (on the VM: two QEMU edu devices
 * behind the emulated VT-d), so each map pins the pages and writes the IO
 * page table of a domain of the same kind. The buffers are touched first,
 * so that no side pays the page faults; 4 KiB pages, and 2 MiB pages from
 * hugetlbfs (MAP_HUGETLB) when the system has them reserved
 * (/proc/sys/vm/nr_hugepages). The three sides take turns within each
 * iteration, the order rotating; each figure is the median of its calls,
 * which is steadier than the best under QEMU TCG's emulation, and each
 * ratio the median of the iterations' own ratios (a loaded host slows the
 * calls of one iteration alike).
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pdk_dma.h>
#include <pdk_iommufd.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_uapi.h>
#include <pdk_vfio.h>

#include "bench_ctl.h"

#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB (21 << 26)	/* MAP_HUGE_SHIFT 26: log2 of the page size */
#endif

#define EDU_VENDOR 0x1234u	/* QEMU's edu (hw/misc/edu.c) */
#define EDU_DEVICE 0x11e8u
#define SIM_CDEV_ADDR "0000:00:04.0"	/* the sim's default pdk-sim-dma */
#define SIM_GROUP_ADDR "0000:00:05.0"	/* added here, a group of its own */

enum side { SIDE_PDK, SIDE_IOMMUFD, SIDE_TYPE1, NSIDES };

struct t1 {
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;	/* device A, through its cdev */
	struct pdk_dma_as *as;
	int ifd;
	uint32_t ioas;
	int cfd, gfd;			/* the container, device B's group */
	unsigned int nonident;		/* buffers PDK mapped at IOVA != VA */
};

static void
die(const char *what, int rc)
{
	fprintf(stderr, "bench-ctl --type1: %s failed: %s\n", what, strerror(-rc));
	exit(1);
}

int
bench_ioas_map(struct pdk_sys *sys, int ifd, uint32_t ioas, void *va, uint64_t len, uint64_t iova)
{
	struct iommu_ioas_map m;

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE;
	m.ioas_id = ioas;
	m.user_va = (uintptr_t)va;
	m.length = len;
	m.iova = iova;
	return pdk_sys_ioctl(sys, ifd, IOMMU_IOAS_MAP, &m);
}

int
bench_ioas_unmap(struct pdk_sys *sys, int ifd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u;

	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.ioas_id = ioas;
	u.iova = iova;
	u.length = len;
	return pdk_sys_ioctl(sys, ifd, IOMMU_IOAS_UNMAP, &u);
}

static int
type1_map(struct t1 *t, void *va, uint64_t len, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m;

	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uintptr_t)va;
	m.iova = iova;
	m.size = len;
	return pdk_sys_ioctl(t->sys, t->cfd, VFIO_IOMMU_MAP_DMA, &m);
}

static int
type1_unmap(struct t1 *t, uint64_t iova, uint64_t len)
{
	struct vfio_iommu_type1_dma_unmap u;

	memset(&u, 0, sizeof(u));
	u.argsz = sizeof(u);
	u.iova = iova;
	u.size = len;
	return pdk_sys_ioctl(t->sys, t->cfd, VFIO_IOMMU_UNMAP_DMA, &u);
}

/* ---- the two edu devices of the VM (sorted by address) ---- */

struct edus {
	struct pdk_sys *sys;
	char addr[2][PDK_PCI_ADDR_LEN];
	unsigned int n;
};

static int
edu_entry(const char *name, void *arg)
{
	struct edus *e = arg;
	uint32_t ven = 0, dev = 0;

	if (pdk_vfio_pci_attr_hex(e->sys, name, "vendor", &ven) < 0 ||
	    pdk_vfio_pci_attr_hex(e->sys, name, "device", &dev) < 0 ||
	    ven != EDU_VENDOR || dev != EDU_DEVICE)
		return 0;
	if (e->n < 2)
		snprintf(e->addr[e->n], sizeof(e->addr[0]), "%s", name);
	e->n++;
	return 0;
}

static void
find_edus(struct pdk_sys *sys, char a[PDK_PCI_ADDR_LEN], char b[PDK_PCI_ADDR_LEN])
{
	struct edus e = { .sys = sys };
	int rc = pdk_vfio_pci_list(sys, edu_entry, &e);

	if (rc < 0)
		die("listing /sys/bus/pci/devices", rc);
	if (e.n < 2) {
		fprintf(stderr, "bench-ctl --type1: found %u edu device(s) (%04x:%04x) bound to "
			"vfio-pci, needs 2 (the VM of test/vm: run-vm.sh --edu 2)\n", e.n,
			EDU_VENDOR, EDU_DEVICE);
		exit(1);
	}
	if (strcmp(e.addr[0], e.addr[1]) > 0) {
		snprintf(a, PDK_PCI_ADDR_LEN, "%s", e.addr[1]);
		snprintf(b, PDK_PCI_ADDR_LEN, "%s", e.addr[0]);
	} else {
		snprintf(a, PDK_PCI_ADDR_LEN, "%s", e.addr[0]);
		snprintf(b, PDK_PCI_ADDR_LEN, "%s", e.addr[1]);
	}
}

/* ---- set-up and teardown ---- */

static void
setup(struct t1 *t, const char *a, const char *b)
{
	char grp[32], path[48];
	ssize_t n;
	int rc;

	rc = pdk_iommufd_open(t->sys, &t->ictx);
	if (rc == 0)
		rc = pdk_vfio_open(t->sys, a, &t->dev);
	if (rc == 0)
		rc = pdk_vfio_bind(t->dev, t->ictx, NULL);
	if (rc == 0)
		rc = pdk_dma_as_create(t->ictx, "bench-type1", &t->as);
	if (rc == 0)
		rc = pdk_vfio_attach(t->dev, pdk_dma_as_ioas_id(t->as), NULL);
	/* the RID's reserved regions (the MSI window) leave the usable ranges */
	if (rc == 0)
		rc = pdk_dma_as_refresh_ranges(t->as);
	if (rc < 0)
		die("device A through its cdev: bind, address space, attach", rc);
	t->ifd = pdk_iommufd_fd(t->ictx);
	t->ioas = pdk_dma_as_ioas_id(t->as);

	n = pdk_vfio_pci_attr_link(t->sys, b, "iommu_group", grp, sizeof(grp));
	if (n < 0)
		die("device B's iommu_group link", (int)n);
	snprintf(path, sizeof(path), "/dev/vfio/%s", grp);
	t->cfd = pdk_sys_open(t->sys, "/dev/vfio/vfio", O_RDWR);
	if (t->cfd < 0)
		die("open /dev/vfio/vfio", t->cfd);
	t->gfd = pdk_sys_open(t->sys, path, O_RDWR);
	if (t->gfd < 0)
		die("open of device B's group", t->gfd);
	rc = pdk_sys_ioctl(t->sys, t->gfd, VFIO_GROUP_SET_CONTAINER, &t->cfd);
	if (rc == 0)
		rc = pdk_sys_ioctl(t->sys, t->cfd, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);
	if (rc < 0)
		die("device B's group into a type1v2 container", rc);
	printf("iommufd beside VFIO type1 on %s:\n"
	       "device A %s (VFIO cdev, RID attached to an IOAS), device B %s (group %s in a\n"
	       "type1v2 container)\n", pdk_sys_is_sim(t->sys) ?
	       "PDK's SIMULATED kernel (not a real kernel; its type1 is modelled over an IOAS)" :
	       "the real kernel", a, b, grp);
}

static void
teardown(struct t1 *t)
{
	int rc = pdk_sys_close(t->sys, t->gfd);

	if (rc == 0)
		rc = pdk_sys_close(t->sys, t->cfd);
	if (rc == 0)
		rc = pdk_vfio_detach(t->dev);
	if (rc == 0)
		rc = pdk_dma_as_destroy(t->as);
	if (rc == 0)
		rc = pdk_vfio_close(t->dev);
	if (rc == 0)
		rc = pdk_iommufd_close(t->ictx);
	if (rc < 0)
		die("teardown", rc);
}

/* ---- timing ---- */

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

static double
median(uint64_t *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
}

/* One map + unmap by @p s at *@p iova (PDK: wherever it maps, which sets *@p iova). */
static void
one(struct t1 *t, enum side s, void *buf, uint64_t len, uint64_t *iova, uint64_t *map_ns,
    uint64_t *unmap_ns)
{
	uint64_t t0, t1, t2, at = 0;
	int rc, ru;

	t0 = pdk_sys_monotonic_ns();
	if (s == SIDE_PDK)
		rc = pdk_dma_map(t->as, buf, len, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &at);
	else if (s == SIDE_IOMMUFD)
		rc = bench_ioas_map(t->sys, t->ifd, t->ioas, buf, len, *iova);
	else
		rc = type1_map(t, buf, len, *iova);
	t1 = pdk_sys_monotonic_ns();
	if (rc < 0)
		die(s == SIDE_PDK ? "pdk_dma_map" : s == SIDE_IOMMUFD ? "IOMMU_IOAS_MAP" :
		    "VFIO_IOMMU_MAP_DMA", rc);
	/* the others map where PDK did: it must choose the same IOVA each time */
	if (s == SIDE_PDK && *iova != 0 && at != *iova)
		die("pdk_dma_map at its first IOVA again", -EINVAL);
	if (s == SIDE_PDK) {
		*iova = at;
		ru = pdk_dma_unmap(t->as, buf);
	} else if (s == SIDE_IOMMUFD) {
		ru = bench_ioas_unmap(t->sys, t->ifd, t->ioas, *iova, len);
	} else {
		ru = type1_unmap(t, *iova, len);
	}
	t2 = pdk_sys_monotonic_ns();
	if (ru < 0)
		die(s == SIDE_PDK ? "pdk_dma_unmap" : s == SIDE_IOMMUFD ? "IOMMU_IOAS_UNMAP" :
		    "VFIO_IOMMU_UNMAP_DMA", ru);
	*map_ns = t1 - t0;
	*unmap_ns = t2 - t1;
}

/*
 * r[0]: the median over the iterations of PDK / iommufd, r[1] of iommufd /
 * type1, each from the calls of one iteration (made back to back).
 */
static void
paired_ratios(uint64_t *const ns[NSIDES], unsigned int n, double r[2])
{
	double *v = calloc(n, sizeof(*v));
	unsigned int i, j;

	if (v == NULL)
		die("calloc", -ENOMEM);
	for (j = 0; j < 2; j++) {
		for (i = 0; i < n; i++)
			v[i] = (double)ns[j][i] / (double)(ns[j + 1][i] != 0 ? ns[j + 1][i] : 1);
		qsort(v, n, sizeof(*v), cmp_double);
		r[j] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
}

static void
print_row(const char *op, const char *name, const double *ns, const double *r)
{
	char label[48];

	snprintf(label, sizeof(label), "%s %s", op, name);
	printf("  %-28s %11.0f %11.0f %11.0f %8.3fx %8.3fx\n", label, ns[SIDE_PDK],
	       ns[SIDE_IOMMUFD], ns[SIDE_TYPE1], r[0], r[1]);
}

/* The three sides on one buffer of @p len, @p n iterations each. */
static void
bench_size(struct t1 *t, uint64_t len, bool huge, unsigned int n, const char *name)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (huge ? MAP_HUGETLB | MAP_HUGE_2MB : 0);
	void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, -1, 0);
	uint64_t *map[NSIDES], *unmap[NSIDES], iova = 0, dm, du;
	double mns[NSIDES], uns[NSIDES], mr[2], ur[2];
	unsigned int i, k;

	if (buf == MAP_FAILED) {
		if (!huge)
			die("mmap of the buffer", -errno);
		printf("  %-28s no 2 MiB pages to be had (mmap MAP_HUGETLB: %s; reserve them:"
		       " /proc/sys/vm/nr_hugepages)\n", name, strerror(errno));
		return;
	}
	/* every page faulted in once, before any side pins it */
	memset(buf, 0x5a, len);
	for (k = 0; k < NSIDES; k++) {
		map[k] = calloc(n, sizeof(uint64_t));
		unmap[k] = calloc(n, sizeof(uint64_t));
		if (map[k] == NULL || unmap[k] == NULL)
			die("calloc", -ENOMEM);
	}
	/* warm-up, PDK first: it picks the IOVA the others map at */
	for (k = 0; k < NSIDES; k++)
		one(t, (enum side)k, buf, len, &iova, &dm, &du);
	if (iova != (uintptr_t)buf)
		t->nonident++;
	for (i = 0; i < n; i++)
		for (k = 0; k < NSIDES; k++) {
			enum side s = (enum side)((i + k) % NSIDES);

			one(t, s, buf, len, &iova, &map[s][i], &unmap[s][i]);
		}
	/* the ratios of each iteration's own calls first: load that drifts cancels out */
	paired_ratios(map, n, mr);
	paired_ratios(unmap, n, ur);
	for (k = 0; k < NSIDES; k++) {
		mns[k] = median(map[k], n);
		uns[k] = median(unmap[k], n);
		free(map[k]);
		free(unmap[k]);
	}
	print_row("map", name, mns, mr);
	print_row("unmap", name, uns, ur);
	munmap(buf, len);
}

void
bench_type1(struct pdk_sys *sys, struct pdk_sim *sim, unsigned int iters, uint64_t max_len)
{
	static const struct {
		uint64_t len;
		bool huge;
		const char *name;
	} sizes[] = {
		{ 4096, false, "4 KiB" },
		{ 64 << 10, false, "64 KiB" },
		{ 2 << 20, false, "2 MiB" },
		{ 64 << 20, false, "64 MiB" },
		{ 1ull << 30, false, "1 GiB" },
		{ 2 << 20, true, "2 MiB (2 MiB pages)" },
		{ 64 << 20, true, "64 MiB (2 MiB pages)" },
		{ 1ull << 30, true, "1 GiB (2 MiB pages)" },
	};
	char a[PDK_PCI_ADDR_LEN], b[PDK_PCI_ADDR_LEN];
	struct t1 t;
	unsigned int i;

	memset(&t, 0, sizeof(t));
	t.sys = sys;
	if (sim != NULL) {
		struct pdk_sim_fn_config fc;
		int rc;

		memset(&fc, 0, sizeof(fc));
		fc.pci_addr = SIM_GROUP_ADDR;
		fc.model = PDK_SIM_MODEL_PLAIN;
		rc = pdk_sim_fn_add(sim, &fc, NULL);
		if (rc < 0)
			die("pdk_sim_fn_add of device B", rc);
		snprintf(a, sizeof(a), "%s", SIM_CDEV_ADDR);
		snprintf(b, sizeof(b), "%s", SIM_GROUP_ADDR);
	} else {
		find_edus(sys, a, b);
	}
	setup(&t, a, b);
	printf("median of N calls per side (the sides take turns in each iteration; N = %u up\n"
	       "to 2 MiB, fewer above), ns per call; ratios: the median of each iteration's own:\n",
	       iters);
	printf("  %-28s %11s %11s %11s %9s %9s\n", "operation", "PDK", "iommufd", "type1",
	       "PDK/iofd", "iofd/t1");
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t len = sizes[i].len;
		unsigned int n = iters;

		if (len > max_len)
			continue;
		/* a large pin costs ms to s under emulation: fewer of them */
		if (len > (2u << 20))
			n = iters / (unsigned int)(len >> 21) > 9 ? iters / (unsigned int)(len >> 21) : 9;
		bench_size(&t, len, sizes[i].huge, n, sizes[i].name);
	}
	printf("  PDK's IOVAs: %s\n", t.nonident == 0 ? "IOVA == VA (its default), the space stays identity" :
	       "its allocator's (the VAs lie outside the IOMMU's aperture), each map enters its VA table");
	teardown(&t);
}
