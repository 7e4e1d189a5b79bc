/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef TEST_KERNEL_H
#define TEST_KERNEL_H

/*
 * Fixtures of the "vm" suite: tests named kernel_* that run on the real
 * kernel (pdk_sys_kernel()) inside the VM of test/vm, where two QEMU edu
 * devices sit behind an emulated Intel VT-d and are bound to vfio-pci.
 * A missing /dev/iommu or a missing edu fails the test: these tests only
 * run where those must exist.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_iommufd.h"
#include "pdk_sys.h"
#include "pdk_vfio.h"

/* The VM harness gives the guest exactly this many edu devices. */
#define KTEST_NUM_EDU 2

/* One iommufd context and one edu opened through PDK on the real kernel. */
struct kenv {
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	char addr[PDK_PCI_ADDR_LEN];
	uint32_t dev_id;	/* 0 until bound */
	int ifd;		/* iommufd fd, for raw ioctls */
	int dfd;		/* device fd, for raw ioctls */
};

/*
 * Find the edu devices (1234:11e8) in /sys/bus/pci/devices, sorted by
 * address. Fails, saying why, unless there are exactly KTEST_NUM_EDU.
 * @return 0 or -errno.
 */
int ktest_find_edus(char addrs[KTEST_NUM_EDU][PDK_PCI_ADDR_LEN]);

/*
 * Open /dev/iommu and edu number @p which (0 or 1), binding it when
 * @p bind. @return 0 or -errno (everything undone, the reason printed).
 */
int ktest_open(struct kenv *env, unsigned int which, bool bind);

/* Close what ktest_open() opened. */
void ktest_close(struct kenv *env);

/* Raw uAPI calls on the real kernel, no PDK policy: 0 or -errno. */
int kraw_ioas_alloc(struct kenv *env, uint32_t *ioas_id);
int kraw_hwpt_alloc(struct kenv *env, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		    uint32_t *hwpt_id);
int kraw_attach(struct kenv *env, uint32_t flags, uint32_t pasid, uint32_t pt_id,
		uint32_t *out_pt_id);
int kraw_detach(struct kenv *env, uint32_t flags, uint32_t pasid);
int kraw_destroy(struct kenv *env, uint32_t id);
int kraw_map_fixed(struct kenv *env, uint32_t ioas_id, void *va, uint64_t len, uint64_t iova);
int kraw_unmap(struct kenv *env, uint32_t ioas_id, uint64_t iova, uint64_t len);
int kraw_hw_info(struct kenv *env, uint32_t dev_id, uint32_t *type, uint8_t *pasid_log2,
		 uint64_t *caps);
/* IOMMU_IOAS_IOVA_RANGES with no room: -EMSGSIZE and the count needed in *n. */
int kraw_iova_range_count(struct kenv *env, uint32_t ioas_id, uint32_t *n);

/* Page-aligned anonymous memory; NULL on failure. */
void *ktest_buf(size_t len);
void ktest_buf_free(void *buf, size_t len);

/*
 * Fill @p buf with pattern @p seed (0..253). Every byte is in [1, 254], so
 * neither 0x00 nor 0xff (what a refused DMA may leave behind) matches any
 * pattern, and the patterns of two different seeds differ at every byte: a
 * single byte that landed where it must not is seen.
 */
void ktest_fill(void *buf, size_t len, uint8_t seed);

/* Expected byte @p i of pattern @p seed. */
uint8_t ktest_pattern(size_t i, uint8_t seed);

/*
 * Compare @p buf with pattern @p seed. @return the number of bytes that
 * differ; the first one is printed under @p what.
 */
size_t ktest_diff(const void *buf, size_t len, uint8_t seed, const char *what);

/* @return the number of bytes of @p buf equal to pattern @p seed at the same offset. */
size_t ktest_same(const void *buf, size_t len, uint8_t seed);

/* @return the number of bytes of @p buf that differ from @p byte. */
size_t ktest_count_not(const void *buf, size_t len, uint8_t byte);

#endif /* TEST_KERNEL_H */
