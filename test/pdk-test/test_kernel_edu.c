/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Real DMA through the real kernel's IOMMU: QEMU's edu devices behind the
 * emulated VT-d of test/vm, driven by drivers/dma/edu. Every byte is
 * checked: the edu reports no error when the IOMMU refuses its DMA, so the
 * only evidence is what landed and what did not.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pdk_bus.h"
#include "pdk_dma.h"
#include "pdk_edu.h"
#include "pdk_test.h"
#include "test_env.h"

#define BUF PDK_EDU_BUF_SIZE

/* Pattern seeds: any two differ at every byte (test_env.h). */
enum { SEED_A = 11, SEED_B = 22, SEED_C = 33, SEED_D = 44 };

/* One edu opened through the driver, in an address space of its own. */
struct kedu {
	struct pdk_iommufd *ictx;
	struct pdk_dma_as *as;
	struct pdk_edu *edu;
	char addr[PDK_PCI_ADDR_LEN];
};

static int
kedu_open(struct kedu *k, struct pdk_iommufd *shared, unsigned int which, const char *as_name)
{
	char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN];
	int rc;

	memset(k, 0, sizeof(*k));
	rc = test_env_edus(addrs);
	if (rc < 0)
		return rc;
	strcpy(k->addr, addrs[which]);
	if (shared == NULL) {
		rc = pdk_iommufd_open(pdk_sys_kernel(), &k->ictx);
		if (rc < 0) {
			fprintf(stderr, "  cannot open /dev/iommu: %s (CONFIG_IOMMUFD)\n", strerror(-rc));
			return rc;
		}
	}
	rc = pdk_dma_as_create(shared != NULL ? shared : k->ictx, as_name, &k->as);
	if (rc == 0)
		rc = pdk_edu_open(pdk_sys_kernel(), k->addr, shared != NULL ? shared : k->ictx,
				  k->as, &k->edu);
	if (rc < 0) {
		fprintf(stderr, "  cannot open edu %s: %s\n", k->addr, strerror(-rc));
		pdk_dma_as_destroy(k->as);
		pdk_iommufd_close(k->ictx);
		k->as = NULL;
		k->ictx = NULL;
	}
	return rc;
}

/* @return 0 when everything went cleanly. */
static int
kedu_close(struct kedu *k)
{
	int rc;

	pdk_edu_close(k->edu);
	rc = pdk_dma_as_destroy(k->as);
	if (rc < 0)
		fprintf(stderr, "  address space of %s: destroy returned %d\n", k->addr, rc);
	pdk_iommufd_close(k->ictx);
	k->edu = NULL;
	k->as = NULL;
	k->ictx = NULL;
	return rc;
}

/* A page-sized buffer mapped in @p as below the edu's 28-bit limit. */
static int
map_buf(struct pdk_dma_as *as, void **buf, uint64_t *iova)
{
	int rc;

	*buf = test_buf_alloc(BUF);
	if (*buf == NULL)
		return -ENOMEM;
	rc = pdk_dma_map(as, *buf, BUF, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, iova);
	if (rc == 0 && *iova + BUF > PDK_EDU_DMA_LIMIT) {
		fprintf(stderr, "  PDK's allocator gave IOVA 0x%" PRIx64 ", beyond the edu's reach\n", *iova);
		pdk_dma_unmap(as, *buf);
		rc = -ERANGE;
	}
	if (rc < 0) {
		test_buf_free(*buf, BUF);
		*buf = NULL;
	}
	return rc;
}

static void
unmap_buf(struct pdk_dma_as *as, void *buf)
{
	if (buf == NULL)
		return;
	pdk_dma_unmap(as, buf);
	test_buf_free(buf, BUF);
}

/* RAM -> device -> RAM, 4 KiB, through the IOMMU; *bad: the bytes that differ. */
static int
round_trip(struct kedu *k, size_t *bad)
{
	void *src = NULL, *dst = NULL;
	uint64_t src_iova, dst_iova;
	int rc;

	*bad = BUF;
	rc = map_buf(k->as, &src, &src_iova);
	if (rc == 0)
		rc = map_buf(k->as, &dst, &dst_iova);
	if (rc == 0) {
		test_pattern_fill(src, BUF, SEED_A);
		test_pattern_fill(dst, BUF, SEED_B);
		printf("  %s: RAM IOVA 0x%" PRIx64 " -> device buffer -> RAM IOVA 0x%" PRIx64 "\n",
		       k->addr, src_iova, dst_iova);
		rc = pdk_edu_dma_to_device(k->edu, src_iova, BUF);
		if (rc == 0)
			rc = pdk_edu_dma_from_device(k->edu, dst_iova, BUF);
		if (rc == 0)
			*bad = test_pattern_diff(dst, BUF, SEED_A, "round trip destination");
	}
	unmap_buf(k->as, dst);
	unmap_buf(k->as, src);
	return rc;
}

static int
test_kernel_edu_roundtrip(void)
{
	struct kedu k;
	size_t bad;
	int rc;

	TEST_ASSERT_OK(kedu_open(&k, NULL, 0, "edu-roundtrip"));
	printf("  %s: edu id 0x%08x, RID on HWPT %u\n", k.addr, pdk_edu_id(k.edu),
	       pdk_edu_hwpt_id(k.edu));
	rc = round_trip(&k, &bad);
	TEST_ASSERT_OK(kedu_close(&k));
	TEST_ASSERT_OK(rc);
	TEST_ASSERT(bad == 0, "%zu of %u bytes differ after the round trip", bad, BUF);
	printf("  edu round trip: %u bytes RAM -> device -> RAM through VT-d, every byte equal\n",
	       BUF);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_edu_roundtrip, vm, test_kernel_edu_roundtrip);

/*
 * lib/bus on the real kernel: the scan finds both edus bound to vfio-pci
 * with a cdev, the edu driver takes them, and a round trip works through
 * the device the bus opened.
 */
static int
test_kernel_edu_bus(void)
{
	char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN];
	struct pdk_bus_dev *bdev;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
	struct kedu k;
	unsigned int i;
	size_t bad = 1;
	int rc;

	TEST_ASSERT_OK(test_env_edus(addrs));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sys_kernel(), &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	TEST_ASSERT(pdk_bus_scan(bus) >= TEST_NUM_EDU);
	for (i = 0; i < TEST_NUM_EDU; i++) {
		bdev = pdk_bus_dev_find(bus, addrs[i]);
		TEST_ASSERT(bdev != NULL, "the scan missed %s", addrs[i]);
		TEST_ASSERT_EQ(pdk_bus_dev_state(bdev), PDK_BUS_DEV_USABLE);
		TEST_ASSERT(strcmp(pdk_bus_dev_kdriver(bdev), "vfio-pci") == 0);
	}
	TEST_ASSERT_EQ(pdk_bus_probe(bus), TEST_NUM_EDU);
	bdev = pdk_bus_dev_find(bus, addrs[0]);
	TEST_ASSERT(strcmp(pdk_bus_dev_driver(bdev)->name, "edu") == 0);
	printf("  lib/bus: %s probed by driver edu (%s)\n", addrs[0],
	       pdk_bus_dev_state_text(bdev));

	memset(&k, 0, sizeof(k));
	strcpy(k.addr, addrs[0]);
	TEST_ASSERT_OK(pdk_dma_as_create(ictx, "edu-bus", &k.as));
	rc = pdk_edu_attach(bdev, k.as, &k.edu);
	if (rc == 0) {
		rc = round_trip(&k, &bad);
		pdk_edu_close(k.edu);
	}
	pdk_bus_destroy(bus);
	TEST_ASSERT_OK(pdk_dma_as_destroy(k.as));
	pdk_iommufd_close(ictx);
	TEST_ASSERT_OK(rc);
	TEST_ASSERT(bad == 0, "%zu of %u bytes differ after the round trip", bad, BUF);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_edu_bus_probe, vm, test_kernel_edu_bus);

static int
edu_args(struct kedu *k)
{
	const uint64_t top = PDK_EDU_DMA_LIMIT - BUF;
	void *buf;
	int rc;

	test_log_capture_start();
	TEST_ASSERT_RC(pdk_edu_dma_to_device(k->edu, 0x100000, 0), -EINVAL);
	TEST_ASSERT_LOGGED(k->addr);
	TEST_ASSERT_RC(pdk_edu_dma_from_device(k->edu, 0x100000, BUF + 1), -EINVAL);
	TEST_ASSERT_RC(pdk_edu_dma_to_device(k->edu, top + 1, BUF), -EINVAL);
	TEST_ASSERT_LOGGED("28-bit");
	TEST_ASSERT_RC(pdk_edu_dma_from_device(k->edu, PDK_EDU_DMA_LIMIT, 1), -EINVAL);
	TEST_ASSERT_RC(pdk_edu_dma_to_device(k->edu, UINT64_MAX - 8, 16), -EINVAL);
	test_log_capture_stop();

	/* the last page the device reaches works */
	buf = test_buf_alloc(BUF);
	TEST_ASSERT(buf != NULL, "no memory");
	rc = pdk_dma_map_iova(k->as, buf, BUF, top, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	if (rc == 0) {
		test_pattern_fill(buf, BUF, SEED_C);
		rc = pdk_edu_dma_to_device(k->edu, top, BUF);
		if (rc == 0) {
			memset(buf, 0, BUF);
			rc = pdk_edu_dma_from_device(k->edu, top, BUF);
		}
		if (rc == 0 && test_pattern_diff(buf, BUF, SEED_C, "last page below 2^28") != 0)
			rc = -EIO;
		pdk_dma_unmap(k->as, buf);
	}
	test_buf_free(buf, BUF);
	TEST_ASSERT_OK(rc);
	return TEST_SUCCESS;
}

static int
test_kernel_edu_args(void)
{
	struct pdk_iommufd *other;
	struct pdk_dma_as *foreign;
	struct pdk_edu *edu = NULL;
	struct kedu k;
	int rc;

	TEST_ASSERT_OK(kedu_open(&k, NULL, 0, "edu-args"));
	rc = edu_args(&k);

	/* an address space of another iommufd context is refused, nothing left open */
	if (rc == TEST_SUCCESS && pdk_iommufd_open(pdk_sys_kernel(), &other) == 0) {
		if (pdk_dma_as_create(other, "foreign", &foreign) == 0) {
			if (pdk_edu_open(pdk_sys_kernel(), k.addr, k.ictx, foreign, &edu) != -EINVAL)
				rc = TEST_FAILED;
			pdk_dma_as_destroy(foreign);
		} else {
			rc = TEST_FAILED;
		}
		pdk_iommufd_close(other);
	}
	TEST_ASSERT_OK(kedu_close(&k));
	TEST_ASSERT(edu == NULL, "a handle was returned");
	return rc;
}
PDK_TEST_REGISTER(kernel_edu_args, vm, test_kernel_edu_args);

static int
unmapped_dma(struct kedu *k)
{
	void *src, *dst, *victim;
	uint64_t src_iova, dst_iova, victim_iova;
	size_t kept_a, zeros, ones, leaked;

	TEST_ASSERT_OK(map_buf(k->as, &src, &src_iova));
	TEST_ASSERT_OK(map_buf(k->as, &dst, &dst_iova));
	TEST_ASSERT_OK(map_buf(k->as, &victim, &victim_iova));
	test_pattern_fill(src, BUF, SEED_A);
	TEST_ASSERT_OK(pdk_edu_dma_to_device(k->edu, src_iova, BUF));

	/*
	 * To an unmapped IOVA: the victim was mapped there, then unmapped (so the
	 * IOTLB had to drop it). The device's write must not reach it.
	 */
	test_pattern_fill(victim, BUF, SEED_C);
	TEST_ASSERT_OK(pdk_dma_unmap(k->as, victim));
	TEST_ASSERT_OK(pdk_edu_dma_from_device(k->edu, victim_iova, BUF));
	TEST_ASSERT(test_pattern_diff(victim, BUF, SEED_C, "unmapped destination") == 0,
		    "the device wrote through an unmapped IOVA 0x%" PRIx64, victim_iova);
	printf("  DMA device -> unmapped IOVA 0x%" PRIx64 ": refused, the buffer once mapped "
	       "there kept all %u bytes\n", victim_iova, BUF);

	/*
	 * From an unmapped IOVA: the same victim, now holding pattern D. None of
	 * its bytes may reach the device buffer (read back through a good DMA).
	 */
	test_pattern_fill(victim, BUF, SEED_D);
	TEST_ASSERT_OK(pdk_edu_dma_to_device(k->edu, victim_iova, BUF));
	test_pattern_fill(dst, BUF, SEED_B);
	TEST_ASSERT_OK(pdk_edu_dma_from_device(k->edu, dst_iova, BUF));
	leaked = test_pattern_same(dst, BUF, SEED_D);
	kept_a = test_pattern_same(dst, BUF, SEED_A);
	zeros = BUF - test_count_not(dst, BUF, 0x00);
	ones = BUF - test_count_not(dst, BUF, 0xff);
	printf("  DMA unmapped IOVA 0x%" PRIx64 " -> device: the device buffer then held "
	       "%zu bytes of its old contents, %zu zero bytes, %zu 0xff bytes, %zu bytes of the "
	       "unmapped buffer\n", victim_iova, kept_a, zeros, ones, leaked);
	TEST_ASSERT(leaked == 0, "%zu bytes of memory behind an unmapped IOVA reached the device",
		    leaked);
	TEST_ASSERT(kept_a + zeros + ones == BUF,
		    "the device buffer holds bytes of unknown origin");

	unmap_buf(k->as, dst);
	unmap_buf(k->as, src);
	test_buf_free(victim, BUF);
	return TEST_SUCCESS;
}

static int
test_kernel_edu_unmapped_dma(void)
{
	struct kedu k;
	int rc;

	TEST_ASSERT_OK(kedu_open(&k, NULL, 0, "edu-unmapped"));
	rc = unmapped_dma(&k);
	TEST_ASSERT_OK(kedu_close(&k));
	return rc;
}
PDK_TEST_REGISTER(kernel_edu_unmapped_dma, vm, test_kernel_edu_unmapped_dma);

/*
 * Two edus, one iommufd context, one address space each. The same IOVA is
 * mapped in both spaces to different memory, and a second IOVA only in
 * space 2: device 1 must reach neither of space 2's buffers.
 */
static int
isolation(struct kedu *k1, struct kedu *k2)
{
	const uint64_t own = 0x100000, only2 = 0x200000;
	void *s1, *s2, *v2, *d1;
	size_t leaked;

	s1 = test_buf_alloc(BUF);
	s2 = test_buf_alloc(BUF);
	v2 = test_buf_alloc(BUF);
	d1 = test_buf_alloc(BUF);
	TEST_ASSERT(s1 != NULL && s2 != NULL && v2 != NULL && d1 != NULL, "no memory");
	TEST_ASSERT_OK(pdk_dma_map_iova(k1->as, s1, BUF, own, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(pdk_dma_map_iova(k2->as, s2, BUF, own, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(pdk_dma_map_iova(k2->as, v2, BUF, only2,
					PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	TEST_ASSERT_OK(pdk_dma_map_iova(k1->as, d1, BUF, own + BUF,
					PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	test_pattern_fill(s1, BUF, SEED_A);
	test_pattern_fill(s2, BUF, SEED_B);
	test_pattern_fill(v2, BUF, SEED_C);

	/* each device loads its buffer from IOVA 0x100000 of its own space */
	TEST_ASSERT_OK(pdk_edu_dma_to_device(k1->edu, own, BUF));
	TEST_ASSERT_OK(pdk_edu_dma_to_device(k2->edu, own, BUF));

	/* device 1 writes to an IOVA that only space 2 maps: nothing lands */
	TEST_ASSERT_OK(pdk_edu_dma_from_device(k1->edu, only2, BUF));
	TEST_ASSERT(test_pattern_diff(v2, BUF, SEED_C, "space 2's buffer after device 1's write") == 0,
		    "device 1 wrote into address space 2");
	/* device 1 reads that IOVA: none of space 2's bytes reach it */
	TEST_ASSERT_OK(pdk_edu_dma_to_device(k1->edu, only2, BUF));
	test_pattern_fill(d1, BUF, SEED_D);
	TEST_ASSERT_OK(pdk_edu_dma_from_device(k1->edu, own + BUF, BUF));
	leaked = test_pattern_same(d1, BUF, SEED_C);
	TEST_ASSERT(leaked == 0, "%zu bytes of address space 2 reached device 1", leaked);
	printf("  %s (space 1) -> IOVA 0x%" PRIx64 " (mapped in space 2 only): nothing landed, "
	       "nothing read\n", k1->addr, only2);

	/* the same IOVA works for device 2, and carries device 2's data (from s2, not s1) */
	TEST_ASSERT_OK(pdk_edu_dma_from_device(k2->edu, only2, BUF));
	TEST_ASSERT(test_pattern_diff(v2, BUF, SEED_B, "space 2's buffer after device 2's write") == 0,
		    "device 2 could not write its own space, or read space 1's IOVA 0x%" PRIx64,
		    own);
	printf("  %s (space 2) -> IOVA 0x%" PRIx64 ": landed, and IOVA 0x%" PRIx64 " gave each "
	       "device its own space's memory\n", k2->addr, only2, own);

	TEST_ASSERT_OK(pdk_dma_unmap(k1->as, d1));
	TEST_ASSERT_OK(pdk_dma_unmap(k2->as, v2));
	TEST_ASSERT_OK(pdk_dma_unmap(k2->as, s2));
	TEST_ASSERT_OK(pdk_dma_unmap(k1->as, s1));
	test_buf_free(d1, BUF);
	test_buf_free(v2, BUF);
	test_buf_free(s2, BUF);
	test_buf_free(s1, BUF);
	return TEST_SUCCESS;
}

static int
test_kernel_edu_isolation(void)
{
	struct pdk_iommufd *ictx;
	struct kedu k1, k2;
	int rc;

	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sys_kernel(), &ictx));
	rc = kedu_open(&k1, ictx, 0, "space-1");
	if (rc == 0) {
		rc = kedu_open(&k2, ictx, 1, "space-2");
		if (rc == 0) {
			rc = isolation(&k1, &k2) == TEST_SUCCESS ? 0 : -1;
			if (kedu_close(&k2) < 0)
				rc = -1;
		}
		if (kedu_close(&k1) < 0)
			rc = -1;
	}
	pdk_iommufd_close(ictx);
	TEST_ASSERT_OK(rc);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_edu_isolation, vm, test_kernel_edu_isolation);

/*
 * The child: the whole flow, then DMA in a loop until it is killed, so that
 * SIGKILL finds it holding the iommufd context, the bound device, the HWPT,
 * the RID attachment, a mapping and, most of the time, a running transfer.
 */
static void __attribute__((noreturn))
sigkill_child(int ready_fd)
{
	void *buf;
	uint64_t iova;
	struct kedu k;
	char c = 'E';

	if (kedu_open(&k, NULL, 0, "doomed") == 0 && map_buf(k.as, &buf, &iova) == 0) {
		test_pattern_fill(buf, BUF, SEED_A);
		c = 'R';
	}
	if (write(ready_fd, &c, 1) != 1 || c != 'R')
		_exit(1);
	for (;;)
		if (pdk_edu_dma_to_device(k.edu, iova, BUF) < 0)
			pause();
}

static int
test_kernel_sigkill_rebind(void)
{
	const struct timespec mid_dma = { .tv_sec = 0, .tv_nsec = 150 * 1000 * 1000 };
	struct kedu k;
	size_t bad;
	int p[2], status, rc;
	pid_t pid;
	char c = 0;

	TEST_ASSERT(pipe(p) == 0, "pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		TEST_ASSERT(0, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(p[0]);
		sigkill_child(p[1]);
	}
	close(p[1]);
	rc = read(p[0], &c, 1) == 1 && c == 'R' ? 0 : -1;
	close(p[0]);
	if (rc == 0)
		nanosleep(&mid_dma, NULL);
	kill(pid, SIGKILL);
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid: %s", strerror(errno));
	TEST_ASSERT(rc == 0, "the child could not set up the flow");
	TEST_ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status 0x%x", status);
	printf("  child %d killed with SIGKILL holding an iommufd context, the bound edu, its "
	       "HWPT and RID attach, a mapping, in a loop of DMAs\n", (int)pid);

	/* a new run: bind and attach at once, no EBUSY, and the device still moves bytes */
	rc = kedu_open(&k, NULL, 0, "after-sigkill");
	TEST_ASSERT_OK(rc);
	rc = round_trip(&k, &bad);
	TEST_ASSERT_OK(kedu_close(&k));
	TEST_ASSERT_OK(rc);
	TEST_ASSERT(bad == 0, "%zu bytes differ in the round trip after the kill", bad);
	printf("  %s: bound and attached again after the kill, round trip of %u bytes exact\n",
	       k.addr, BUF);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_sigkill_rebind, vm, test_kernel_sigkill_rebind);
