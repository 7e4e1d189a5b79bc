/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A VFIO program of the plain kind, written against the kernel's uAPI only
 * (linux/vfio.h, no PDK library): the type1 container, the group, the
 * device fd, a BAR mmap and loads and stores to it, as DPDK's EAL and most
 * userspace drivers do. Run under pdk-sim-run, it drives the SIMULATED
 * pdk-sim-dma function through the runner's interposer and BAR trap: a
 * copy lands and signals the MSI-X eventfd, a copy to an unmapped IOVA
 * faults, a dup is refused, and everything closes. The register offsets are the model's (pdk_sim.h).
 *
 *     vfio_legacy PCI-ADDRESS
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_sim.h"

#define IOVA_SRC 0x100000ull
#define IOVA_DST 0x200000ull
#define IOVA_UNMAPPED 0x300000ull
#define LEN 8192

static const char *addr;

static int
fail(const char *step)
{
	fprintf(stderr, "vfio_legacy: %s: %s: %s\n", addr, step, strerror(errno));
	return 1;
}

#define CHECK(cond, step)			\
	do {					\
		if (!(cond))			\
			return fail(step);	\
	} while (0)

static int
group_of(char *out, size_t len)
{
	char link[256], target[256], *slash;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", addr);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -1;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, len, "/dev/vfio/%s", slash != NULL ? slash + 1 : target);
	return 0;
}

static int
map(int container, void *va, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)va,
		.iova = iova,
		.size = LEN,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m);
}

/* MSI-X vector 0 to @p efd, as vfio-pci wires it (VFIO_DEVICE_SET_IRQS, DATA_EVENTFD). */
static int
msix_eventfd(int dev, int efd)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = VFIO_PCI_MSIX_IRQ_INDEX };
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	if (ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0 || irq.count == 0 ||
	    !(irq.flags & VFIO_IRQ_INFO_EVENTFD)) {
		errno = errno ? errno : ENODEV;
		return -1;
	}
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	memcpy(set->data, &efd, sizeof(int32_t));
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, set);
}

/* The eventfd's count, waiting up to a second for the first signal. */
static uint64_t
interrupts(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t n = 0;

	if (poll(&p, 1, 1000) == 1 && read(efd, &n, sizeof(n)) != sizeof(n))
		n = 0;
	return n;
}

/* One copy by the engine; the status register's value. */
static uint32_t
copy(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint32_t len)
{
	*(volatile uint64_t *)(bar + PDK_SIMDMA_REG_SRC) = src;
	*(volatile uint64_t *)(bar + PDK_SIMDMA_REG_DST) = dst;
	*(volatile uint32_t *)(bar + PDK_SIMDMA_REG_LEN) = len;
	*(volatile uint32_t *)(bar + PDK_SIMDMA_REG_PASID) = 0;
	*(volatile uint32_t *)(bar + PDK_SIMDMA_REG_CMD) = PDK_SIMDMA_CMD_COPY;
	return *(volatile uint32_t *)(bar + PDK_SIMDMA_REG_STATUS);
}

int
main(int argc, char **argv)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX };
	int container, group, dev, efd;
	char gpath[300];
	uint8_t *src, *dst;
	volatile uint8_t *bar;
	uint16_t cmd;
	uint32_t id, st;
	uint64_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: vfio_legacy PCI-ADDRESS\n");
		return 2;
	}
	addr = argv[1];
	container = open("/dev/vfio/vfio", O_RDWR);
	CHECK(container >= 0, "open /dev/vfio/vfio");
	CHECK(ioctl(container, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "VFIO_GET_API_VERSION");
	CHECK(ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1,
	      "VFIO_CHECK_EXTENSION(TYPE1v2)");
	CHECK(group_of(gpath, sizeof(gpath)) == 0, "readlink iommu_group");
	group = open(gpath, O_RDWR);
	CHECK(group >= 0, gpath);
	CHECK(ioctl(group, VFIO_GROUP_GET_STATUS, &gs) == 0 && (gs.flags & VFIO_GROUP_FLAGS_VIABLE),
	      "VFIO_GROUP_GET_STATUS: viable");
	CHECK(ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) == 0, "VFIO_GROUP_SET_CONTAINER");
	CHECK(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) == 0, "VFIO_SET_IOMMU");

	src = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(src != MAP_FAILED && dst != MAP_FAILED, "mmap buffers");
	for (unsigned int i = 0; i < LEN; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	CHECK(map(container, src, IOVA_SRC) == 0, "VFIO_IOMMU_MAP_DMA src");
	CHECK(map(container, dst, IOVA_DST) == 0, "VFIO_IOMMU_MAP_DMA dst");
	errno = 0;
	CHECK(map(container, dst, IOVA_DST) < 0 && errno == EEXIST, "a second MAP_DMA: EEXIST");

	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, addr);
	CHECK(dev >= 0, "VFIO_GROUP_GET_DEVICE_FD");
	errno = 0;
	CHECK(dup(dev) < 0 && errno == EINVAL, "dup of a simulated fd: refused");
	CHECK(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) == 0, "REGION_INFO config");
	CHECK(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) == 0 && bar0.size >= 4096,
	      "REGION_INFO BAR0");
	CHECK(pread(dev, &cmd, 2, (off_t)cfg.offset + PCI_COMMAND) == 2, "config read");
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	CHECK(pwrite(dev, &cmd, 2, (off_t)cfg.offset + PCI_COMMAND) == 2, "config write");

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(efd >= 0, "eventfd");
	CHECK(msix_eventfd(dev, efd) == 0, "VFIO_DEVICE_SET_IRQS MSI-X vector 0");

	bar = mmap(NULL, (size_t)bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		   (off_t)bar0.offset);
	CHECK(bar != MAP_FAILED, "mmap BAR0");
	id = *(volatile uint32_t *)(bar + PDK_SIMDMA_REG_ID);
	printf("BAR0 ID register: 0x%08x\n", id);
	errno = EIO;
	CHECK(id == ((PDK_SIMDMA_VENDOR_ID << 16) | PDK_SIMDMA_DEVICE_ID), "BAR0 ID register");

	st = copy(bar, IOVA_SRC, IOVA_DST, LEN);
	printf("copy to a mapped IOVA: status %u\n", st);
	errno = EIO;
	CHECK(st == PDK_SIMDMA_ST_DONE && memcmp(src, dst, LEN) == 0, "a copy lands");
	n = interrupts(efd);
	printf("MSI-X vector 0 eventfd after the copy: %llu\n", (unsigned long long)n);
	errno = EIO;
	CHECK(n == 1, "the copy's completion interrupt reaches the eventfd");
	memset(dst, 0, LEN);
	st = copy(bar, IOVA_SRC, IOVA_UNMAPPED, LEN);
	printf("copy to an unmapped IOVA: status %u, fault address 0x%llx\n", st,
	       (unsigned long long)*(volatile uint64_t *)(bar + PDK_SIMDMA_REG_FAULT_ADDR));
	errno = EIO;
	CHECK(st == PDK_SIMDMA_ST_FAULT, "a copy to an unmapped IOVA faults");

	CHECK(munmap((void *)(uintptr_t)bar, (size_t)bar0.size) == 0, "munmap BAR0");
	CHECK(close(dev) == 0, "close device");
	close(efd);
	CHECK(ioctl(group, VFIO_GROUP_UNSET_CONTAINER) == 0, "VFIO_GROUP_UNSET_CONTAINER");
	CHECK(close(group) == 0, "close group");
	CHECK(close(container) == 0, "close container");
	printf("vfio_legacy: %s: all steps passed\n", addr);
	return 0;
}
