/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Threads, fork and exec under pdk-sim-run, as doc/sim-run.md says they
 * behave: two threads load from one trapped BAR and read config space at
 * once and each sees the device's values; a forked child that exits leaves
 * the parent's simulated device working; a sim fd is close-on-exec, and an
 * exec'd program builds a machine of its own from the same configuration.
 * Written against the kernel's uAPI only, like vfio_legacy.c.
 *
 *     runner_process PCI-ADDRESS          (an exec'd copy gets "exec-child")
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdk_sim.h"

#define LOOPS 2000

static const char *addr;
static volatile uint8_t *bar;
static int dev;
static off_t cfg_off;

#define CHECK(cond, step)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "runner_process: %s: %s: %s\n", addr, step,	\
				strerror(errno));				\
			return 1;						\
		}								\
	} while (0)

static void *
loader(void *arg)
{
	unsigned int i, bad = 0;
	uint16_t vendor;

	for (i = 0; i < LOOPS; i++) {
		if (*(volatile uint32_t *)(bar + PDK_SIMDMA_REG_ID) !=
		    ((PDK_SIMDMA_VENDOR_ID << 16) | PDK_SIMDMA_DEVICE_ID))
			bad++;
		if (pread(dev, &vendor, 2, cfg_off + PCI_VENDOR_ID) != 2 ||
		    vendor != PDK_SIMDMA_VENDOR_ID)
			bad++;
	}
	*(unsigned int *)arg = bad;
	return NULL;
}

/* The exec'd copy: a machine of its own, the parent's fd numbers gone. */
static int
exec_child(int parent_fd)
{
	int c;

	errno = 0;
	CHECK(fcntl(parent_fd, F_GETFD) < 0 && errno == EBADF,
	      "the parent's sim fd is closed across exec");
	c = open("/dev/vfio/vfio", O_RDWR);
	CHECK(c >= 0 && ioctl(c, VFIO_GET_API_VERSION) == VFIO_API_VERSION,
	      "a new container in the exec'd program");
	close(c);
	printf("exec'd copy: the parent's fd %d is gone, /dev/vfio/vfio opens anew\n", parent_fd);
	return 0;
}

int
main(int argc, char **argv)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	struct vfio_region_info bar0 = { .argsz = sizeof(bar0), .index = VFIO_PCI_BAR0_REGION_INDEX };
	char link[256], target[256], gpath[300], fdstr[16], *slash;
	unsigned int bad[2] = { 1, 1 };
	pthread_t t[2];
	int container, group, status;
	uint16_t cmd;
	ssize_t n;
	pid_t pid;

	if (argc == 4 && strcmp(argv[2], "exec-child") == 0) {
		addr = argv[1];
		return exec_child(atoi(argv[3]));
	}
	if (argc != 2) {
		fprintf(stderr, "usage: runner_process PCI-ADDRESS\n");
		return 2;
	}
	addr = argv[1];
	container = open("/dev/vfio/vfio", O_RDWR);
	CHECK(container >= 0, "open /dev/vfio/vfio");
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", addr);
	n = readlink(link, target, sizeof(target) - 1);
	CHECK(n > 0, "readlink iommu_group");
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%s", slash != NULL ? slash + 1 : target);
	group = open(gpath, O_RDWR);
	CHECK(group >= 0, gpath);
	CHECK(ioctl(group, VFIO_GROUP_GET_STATUS, &gs) == 0, "VFIO_GROUP_GET_STATUS");
	CHECK(ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) == 0, "VFIO_GROUP_SET_CONTAINER");
	CHECK(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) == 0, "VFIO_SET_IOMMU");
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, addr);
	CHECK(dev >= 0, "VFIO_GROUP_GET_DEVICE_FD");
	CHECK(fcntl(dev, F_GETFD) == FD_CLOEXEC, "a sim fd is close-on-exec");
	CHECK(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg) == 0, "REGION_INFO config");
	CHECK(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar0) == 0, "REGION_INFO BAR0");
	cfg_off = (off_t)cfg.offset;
	CHECK(pread(dev, &cmd, 2, cfg_off + PCI_COMMAND) == 2, "config read");
	cmd |= PCI_COMMAND_MEMORY;
	CHECK(pwrite(dev, &cmd, 2, cfg_off + PCI_COMMAND) == 2, "config write");
	bar = mmap(NULL, (size_t)bar0.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		   (off_t)bar0.offset);
	CHECK(bar != MAP_FAILED, "mmap BAR0");

	/* two threads: trapped loads and config reads at once */
	CHECK(pthread_create(&t[0], NULL, loader, &bad[0]) == 0 &&
	      pthread_create(&t[1], NULL, loader, &bad[1]) == 0, "pthread_create");
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	printf("two threads, %u trapped loads and config reads each: %u and %u wrong\n", LOOPS,
	       bad[0], bad[1]);
	errno = EIO;
	CHECK(bad[0] == 0 && bad[1] == 0, "every value the device's");

	/* fork: the child does ordinary work and exits; the parent's device still answers */
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0)
		_exit(getpid() > 0 ? 0 : 1);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the forked child");
	errno = EIO;
	CHECK(*(volatile uint32_t *)(bar + PDK_SIMDMA_REG_ID) ==
	      ((PDK_SIMDMA_VENDOR_ID << 16) | PDK_SIMDMA_DEVICE_ID), "the device after a fork");
	printf("after a forked child exited: the device answers the parent\n");

	/* exec: a copy of this program, handed the number of our device fd */
	fflush(NULL);
	pid = fork();
	CHECK(pid >= 0, "fork for exec");
	if (pid == 0) {
		snprintf(fdstr, sizeof(fdstr), "%d", dev);
		execl("/proc/self/exe", argv[0], addr, "exec-child", fdstr, (char *)NULL);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the exec'd copy");

	CHECK(munmap((void *)(uintptr_t)bar, (size_t)bar0.size) == 0, "munmap BAR0");
	CHECK(close(dev) == 0 && close(group) == 0 && close(container) == 0, "close");
	printf("runner_process: %s: all steps passed\n", addr);
	return 0;
}
