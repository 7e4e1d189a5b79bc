/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Trapped BAR mappings of the simulated kernel (pdk_sim_bar_*, a
 * simulation): the loads and stores a runner traps in a PROT_NONE
 * reservation, handed to the simulated device as calls. Checked: the mmap
 * checks at get, each width and offset, that a store takes the pwrite path
 * (the write mask, and the model sees a write of the same value again),
 * memory decoding off as a master abort, the handle outliving the fd, and
 * destroy refused while one is held. The DSA portal's 64-byte store is in
 * test_sim_dsa.c (sim_dsa_bar_trap_portal).
 */

#include <fcntl.h>
#include <linux/pci_regs.h>
#include <string.h>
#include <unistd.h>

#include "test_env.h"

#define PG 4096ull
#define IOVA 0x100000ull

static uint64_t
bar0_offset(void)
{
	return (uint64_t)VFIO_PCI_BAR0_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT;
}

static int
bar0_pread(struct test_env *env, uint64_t off, void *v, size_t len)
{
	ssize_t n = pdk_sys_pread(env->sys, env->dfd, v, len, bar0_offset() + off);

	return n == (ssize_t)len ? 0 : (int)n;
}

/* get: what mmap checks, with mmap's errno and line */
static int
test_bar_get(struct test_env *env)
{
	struct pdk_sim_bar *bar = NULL;
	int p[2];

	TEST_ASSERT(pipe(p) == 0);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, p[0], bar0_offset(), PG, &bar), -EBADF);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->ifd, bar0_offset(), PG, &bar), -ENODEV);
	close(p[0]);
	close(p[1]);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL bar");
	test_log_capture_stop();
	/* not bound yet, as mmap answers */
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, &bar), -EINVAL);
	TEST_ASSERT_OK(raw_bind(env, env->dfd, sizeof(struct vfio_device_bind_iommufd), env->ifd,
				&env->dev_id));
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset() + 8, PG, &bar), -EINVAL);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), 0, &bar), -EINVAL);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), 2 * PG, &bar), -EINVAL);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd,
				       (uint64_t)VFIO_PCI_BAR1_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT,
				       PG, &bar), -EINVAL);
	TEST_ASSERT_RC(pdk_sim_bar_get(env->sim, env->dfd,
				       (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT,
				       PG, &bar), -EINVAL);
	TEST_ASSERT(bar == NULL);
	TEST_ASSERT_SIM_COUNT(env, mmaps, 0);
	TEST_ASSERT_OK(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, &bar));
	TEST_ASSERT_SIM_COUNT(env, mmaps, 1);
	pdk_sim_bar_put(bar);
	pdk_sim_bar_put(NULL);
	TEST_ASSERT_SIM_COUNT(env, mmaps, 0);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_bar_trap_get, fast, test_bar_get);

/* each width at its offset, through the pwrite/pread path (the write mask of REG_ID) */
static int
test_bar_widths(struct test_env *env)
{
	struct pdk_sim_bar *bar;
	uint64_t q = 0x1122334455667788ull, q2[2] = { 0x0102030405060708ull, 0x1112131415161718ull };
	uint64_t q4[4] = { 0 }, got[4];
	uint32_t d = 0;
	uint16_t w = 0;
	uint8_t b = 0;

	TEST_ASSERT_OK(pdk_vfio_pci_command(env->dev, PCI_COMMAND_MEMORY, 0));
	TEST_ASSERT_OK(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, &bar));
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_EQ(d, 0x50440001u);
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &w, 2));
	TEST_ASSERT_EQ(w, 0x0001);
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID + 3, &b, 1));
	TEST_ASSERT_EQ(b, 0x50);
	/* REG_ID is read-only: the write mask keeps it */
	d = 0;
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_EQ(d, 0x50440001u);
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_SRC, &q, 8));
	TEST_ASSERT_OK(bar0_pread(env, PDK_SIMDMA_REG_SRC, &got[0], 8));
	TEST_ASSERT_EQ(got[0], q);
	/* 16 bytes: SRC then DST, as two 8-byte writes */
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_SRC, q2, 16));
	TEST_ASSERT_OK(bar0_pread(env, PDK_SIMDMA_REG_SRC, got, 16));
	TEST_ASSERT(memcmp(got, q2, 16) == 0);
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_SRC, got, 16));
	TEST_ASSERT(memcmp(got, q2, 16) == 0);
	/* 32 bytes over ID..DST: ID keeps its value, the rest lands */
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, 0, q4, 32));
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, 0, got, 32));
	TEST_ASSERT_EQ(got[0] & 0xffffffffu, 0x50440001u);
	TEST_ASSERT_EQ(got[1], 0);
	TEST_ASSERT_EQ(got[2], 0);
	/* a 64-byte store where the model has no store64: eight 8-byte writes */
	{
		uint64_t z[8] = { 0 }, r8[8];

		z[1] = q;
		TEST_ASSERT_OK(pdk_sim_bar_write(bar, 0, z, 64));
		TEST_ASSERT_OK(pdk_sim_bar_read(bar, 0, r8, 64));
		TEST_ASSERT_EQ(r8[1], q);
	}
	/* the last bytes of the mapping; widths and ranges it refuses */
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PG - 8, &q, 8));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_bar_read(bar, PG - 4, &q, 8), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("leave the 4096-byte mapping of BAR 0");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sim_bar_write(bar, 0, &q, 3), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("width 3");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sim_bar_write(bar, 0, NULL, 4), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL value");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sim_bar_read(NULL, 0, &q, 4), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL bar");
	test_log_capture_stop();
	pdk_sim_bar_put(bar);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_bar_trap_widths, fast, test_bar_widths, .bind = true);

/* a store of the value already there reaches the model again: two copies */
static int
test_bar_same_value(struct test_env *env)
{
	const uint32_t len = 256, cmd = PDK_SIMDMA_CMD_COPY, zero = 0;
	const uint64_t src = IOVA, dst = IOVA + PG;
	uint8_t *buf = env->buf;
	struct pdk_sim_bar *bar;
	uint32_t st;

	TEST_ASSERT_OK(raw_attach(env, 0, 0, env->hwpt));
	TEST_ASSERT_OK(raw_map_fixed(env, env->ioas, RW, buf, 2 * PG, IOVA));
	TEST_ASSERT_OK(pdk_vfio_pci_command(env->dev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0));
	TEST_ASSERT_OK(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, &bar));
	test_pattern_fill(buf, len, 3);
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_SRC, &src, 8));
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_DST, &dst, 8));
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_LEN, &len, 4));
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_PASID, &zero, 4));
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_CMD, &cmd, 4));
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_STATUS, &st, 4));
	TEST_ASSERT_EQ(st, PDK_SIMDMA_ST_DONE);
	TEST_ASSERT_EQ(test_pattern_diff(buf + PG, len, 3, "first copy"), 0);
	memset(buf + PG, 0, len);
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_CMD, &cmd, 4));
	TEST_ASSERT_EQ(test_pattern_diff(buf + PG, len, 3, "the same command again"), 0);
	pdk_sim_bar_put(bar);
	TEST_ASSERT_OK(raw_unmap(env, env->ioas, IOVA, 2 * PG));
	TEST_ASSERT_OK(raw_detach(env, 0, 0));
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_bar_trap_same_value, fast, test_bar_same_value, .hwpt = TEST_HWPT_PLAIN,
	     .buf = 2 * PG);

/* memory decoding off: a master abort, reads all-ones, writes dropped, logged once */
static int
test_bar_decoding_off(struct test_env *env)
{
	struct pdk_sim_bar *bar;
	uint64_t q = 0x55, got = 0;
	uint32_t d = 0;

	TEST_ASSERT_OK(pdk_vfio_pci_command(env->dev, 0, PCI_COMMAND_MEMORY));
	TEST_ASSERT_OK(pdk_sim_bar_get(env->sim, env->dfd, bar0_offset(), PG, &bar));
	test_log_capture_start();
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_EQ(d, 0xffffffffu);
	TEST_ASSERT_LOGGED("a PCI master abort, reads are all-ones and writes dropped");
	TEST_ASSERT_EQ(test_log_errors(), 0);	/* a warning: the program goes on */
	test_log_clear();
	TEST_ASSERT_OK(pdk_sim_bar_write(bar, PDK_SIMDMA_REG_SRC, &q, 8));
	TEST_ASSERT(!test_log_contains("master abort"), "logged twice");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_vfio_pci_command(env->dev, PCI_COMMAND_MEMORY, 0));
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_SRC, &got, 8));
	TEST_ASSERT_EQ(got, 0);
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_EQ(d, 0x50440001u);
	pdk_sim_bar_put(bar);
	return TEST_SUCCESS;
}
PDK_ENV_TEST(sim_bar_trap_decoding_off, fast, test_bar_decoding_off, .bind = true);

/*
 * The handle holds the device file as a BAR mapping does: after the fd is
 * closed the function stays bound and the handle works; destroy is refused
 * while it is held; the put unbinds the function and leaves the sim clean.
 */
static int
test_bar_outlives_fd(void)
{
	struct pdk_sim_stats st;
	struct test_env env;
	struct pdk_sim_bar *bar;
	uint32_t d = 0;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_vfio_pci_command(env.dev, PCI_COMMAND_MEMORY, 0));
	TEST_ASSERT_OK(pdk_sim_bar_get(env.sim, env.dfd, bar0_offset(), PG, &bar));
	TEST_ASSERT_OK(pdk_vfio_close(env.dev));
	env.dev = NULL;
	pdk_sim_stats_get(env.sim, &st);
	TEST_ASSERT_EQ(st.bound_devices, 1);
	TEST_ASSERT_EQ(st.mmaps, 1);
	TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &d, 4));
	TEST_ASSERT_EQ(d, 0x50440001u);
	TEST_ASSERT_OK(pdk_iommufd_close(env.ictx));
	env.ictx = NULL;
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_sim_destroy(env.sim), -EBUSY);
	TEST_ASSERT_LOGGED("0 fd(s) open and 1 BAR mapping(s)");
	test_log_capture_stop();
	pdk_sim_bar_put(bar);
	TEST_ASSERT_SIM_CLEAN(env.sim);
	DONE(env);
}
PDK_TEST_REGISTER(sim_bar_trap_outlives_fd, fast, test_bar_outlives_fd);
