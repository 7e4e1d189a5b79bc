/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * DPDK memory in a PDK address space: EAL's memory (no hugepages here, so
 * --no-huge) mapped with pdk_dpdk_mem_map(), an rte_malloc'ed buffer
 * translated with pdk_dma_va2iova() and reached by a PASID-tagged DMA of the
 * simulated device.
 */

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "pdk_dpdk.h"
#include "pdk_test.h"
#include "test_env.h"

static int
eal_start(void)
{
	char *argv[] = {
		"pdk-test", "--no-huge", "-m", "64", "--no-pci", "--no-shconf",
		"--no-telemetry", "--log-level=lib.eal:error", NULL,
	};

	return rte_eal_init((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
}

static int
test_dpdk_mem_map(void)
{
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *ctx;
	struct pdk_dma_as *as;
	struct test_env env;
	uint8_t *src, *dst;
	uint64_t s_iova, d_iova;
	int n, i;

	/* before rte_eal_init() PDK must refuse, not crash */
	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, "dpdk", &as));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dpdk_mem_map(as, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE), -ENODEV);
	TEST_ASSERT_LOGGED("rte_eal_init");
	test_log_capture_stop();

	TEST_ASSERT(eal_start() >= 0, "rte_eal_init failed: %s", rte_strerror(rte_errno));
	pdk_test_skip_fd_check("DPDK's EAL keeps fds open after rte_eal_cleanup()");
	n = pdk_dpdk_mem_map(as, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	TEST_ASSERT(n > 0, "pdk_dpdk_mem_map returned %d", n);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), n);

	src = rte_malloc("src", 8192, 4096);
	dst = rte_zmalloc("dst", 8192, 4096);
	TEST_ASSERT(src != NULL && dst != NULL, "rte_malloc failed");
	for (i = 0; i < 8192; i++)
		src[i] = (uint8_t)(i * 13);
	s_iova = pdk_dma_va2iova(as, src);
	d_iova = pdk_dma_va2iova(as, dst);
	TEST_ASSERT(s_iova != PDK_DMA_BAD_IOVA && d_iova != PDK_DMA_BAD_IOVA,
		    "DPDK memory not translated");
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, src + 100), s_iova + 100);

	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	TEST_ASSERT_EQ(test_simdma_copy(&env, true, pdk_pasid_ctx_pasid(ctx), s_iova, d_iova, 8192),
		       PDK_SIMDMA_ST_DONE);
	TEST_ASSERT(memcmp(src, dst, 8192) == 0, "DMA into rte_malloc memory did not land");

	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	pdk_pasid_space_destroy(space);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	rte_free(src);
	rte_free(dst);
	TEST_ASSERT_OK(test_env_teardown(&env));
	rte_eal_cleanup();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dpdk_mem_map, fast, test_dpdk_mem_map);
