/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * PDK's own API: argument errors, PASID allocation policy, address spaces.
 *
 * Every error must come back as an exact negative errno and be logged first
 * with what failed, on which device or address space (DESIGN "Conventions");
 * each test captures the log and checks a word of the message.
 */

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "pdk_test.h"
#include "test_env.h"

#define PG 4096ull
#define DEV_ADDR PDK_SIM_DEFAULT_PCI_ADDR
#define AS_NAME "api-space"

static uint64_t
sim_calls(struct pdk_sim *sim)
{
	struct pdk_sim_stats st;

	pdk_sim_stats_get(sim, &st);
	return st.calls;
}

/* ---- vfio ---- */

static int
parse_is(const char *in, const char *want)
{
	char out[PDK_PCI_ADDR_LEN];

	memset(out, 'x', sizeof(out));
	if (pdk_vfio_pci_addr_parse(in, out) != 0)
		return 0;
	return strcmp(out, want) == 0;
}

/* pdk_vfio_pci_addr_parse(): both spellings normalise to DDDD:BB:DD.F; the rest is EINVAL */
static int
test_addr_parse(void)
{
	static const char *const bad[] = {
		"", "zz:00.0", "0000:00:04", "0000:00:04.8", "0000:00:20.0", "00:04",
		"0000:100:04.0", "0000:00:04.0x", "0000-00-04.0", "0000:00:4.",
	};
	char out[PDK_PCI_ADDR_LEN];
	unsigned int i;

	test_log_capture_start();
	TEST_ASSERT(parse_is("0000:00:04.0", "0000:00:04.0"), "full form");
	TEST_ASSERT(parse_is("00:04.0", "0000:00:04.0"), "short form gets domain 0000");
	TEST_ASSERT(parse_is("0001:3a:1f.7", "0001:3a:1f.7"), "largest device and function");
	TEST_ASSERT(parse_is("ff:00.1", "0000:ff:00.1"), "bus ff");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_log_clear();
		TEST_ASSERT_RC(pdk_vfio_pci_addr_parse(bad[i], out), -EINVAL);
		if (bad[i][0] != '\0')
			TEST_ASSERT(test_log_contains(bad[i]), "no log line names \"%s\"", bad[i]);
	}
	TEST_ASSERT_LOGGED("PCI address");
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_api_pci_addr_parse, fast, test_addr_parse);

/* pdk_vfio_open(): no such device: ENODEV, naming the address */
static int
test_open_unknown(void)
{
	struct pdk_vfio_dev *dev = NULL;
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_vfio_open(env.sys, "0000:00:1f.7", &dev), -ENODEV);
	TEST_ASSERT(dev == NULL, "a handle was returned");
	TEST_ASSERT_LOGGED("0000:00:1f.7");
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_vfio_open_unknown, fast, test_open_unknown);

/* pdk_vfio_open(): a function bound to another driver has no cdev: ENOENT, "bind to vfio-pci" */
static int
test_open_not_vfio(void)
{
	static const struct pdk_sim_fn_config other = {
		.pci_addr = "0000:00:06.0", .model = PDK_SIM_MODEL_PLAIN, .not_vfio = true,
	};
	struct pdk_vfio_dev *dev = NULL;
	struct test_env env;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_OK(pdk_sim_fn_add(env.sim, &other, NULL));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_vfio_open(env.sys, "0000:00:06.0", &dev), -ENOENT);
	TEST_ASSERT(dev == NULL, "a handle was returned");
	TEST_ASSERT_LOGGED("vfio-pci");
	TEST_ASSERT_LOGGED("0000:00:06.0");
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_vfio_open_not_vfio, fast, test_open_not_vfio);

/* pdk_vfio_pasid_attach(dev, 0, ...): EINVAL before any boundary call (kernel-facts K17) */
static int
test_pasid0_refused(void)
{
	struct test_env env;
	uint64_t calls;

	SETUP(env, NULL, NULL, true);
	test_log_capture_start();
	calls = sim_calls(env.sim);
	TEST_ASSERT_RC(pdk_vfio_pasid_attach(env.dev, 0, 1), -EINVAL);
	TEST_ASSERT_EQ(sim_calls(env.sim), calls);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	TEST_ASSERT_LOGGED("PASID 0");
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_vfio_pasid0_refused, fast, test_pasid0_refused);

/* ---- pasid space ---- */

/* kernel-facts K16: a width-0 device is refused by PDK even though the kernel would accept its PASIDs */
static int
test_space_width0(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct pdk_pasid_space *space = NULL;
	struct test_env env;

	fn.pasid_bits = 0;
	SETUP(env, NULL, &fn, true);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_space_create(env.dev, env.ictx, &space), -EOPNOTSUPP);
	TEST_ASSERT(space == NULL, "a space was returned");
	TEST_ASSERT_LOGGED(DEV_ADDR);
	TEST_ASSERT_LOGGED("PASID width of 0");
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_space_width0, fast, test_space_width0);

/* kernel-facts K18, AMD: PDK refuses the space up front, and says why */
static int
test_space_amd(void)
{
	struct pdk_sim_config cfg = {.iommu = PDK_SIM_IOMMU_AMD};
	struct pdk_pasid_space *space = NULL;
	struct test_env env;

	SETUP(env, &cfg, NULL, true);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_space_create(env.dev, env.ictx, &space), -EOPNOTSUPP);
	TEST_ASSERT(space == NULL, "a space was returned");
	TEST_ASSERT_LOGGED("AMD");
	TEST_ASSERT_LOGGED(DEV_ADDR);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_space_amd, fast, test_space_amd);

/* pdk_pasid_alloc(): never 0, lowest free first, freed PASIDs are reused */
static int
test_pasid_alloc(void)
{
	struct pdk_pasid_space *space;
	struct test_env env;
	uint32_t p;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_EQ(pdk_pasid_space_width(space), 20);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 0);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 1);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 2);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 3);
	TEST_ASSERT_OK(pdk_pasid_free(space, 2));
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 2);
	TEST_ASSERT_OK(pdk_pasid_reserve(space, 5));
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 4);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 6);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 6);
	TEST_ASSERT_OK(pdk_pasid_free(space, 1));
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 1);
	/* an error on the way: freeing a free PASID, logged with the device */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_free(space, 7), -ENOENT);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	pdk_pasid_space_destroy(space);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_alloc_lowest, fast, test_pasid_alloc);

/* A 2-bit PASID space holds PASIDs 1..3; the fourth allocation is ENOSPC */
static int
test_pasid_exhaust(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct pdk_pasid_space *space;
	struct test_env env;
	uint32_t p = 0;

	fn.pasid_bits = 2;
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_EQ(pdk_pasid_space_width(space), 2);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 1);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 2);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 3);
	test_log_capture_start();
	p = 99;
	TEST_ASSERT_RC(pdk_pasid_alloc(space, &p), -ENOSPC);
	TEST_ASSERT_EQ(p, 99);	/* untouched on failure */
	TEST_ASSERT_LOGGED(DEV_ADDR);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 3);
	TEST_ASSERT_RC(pdk_pasid_reserve(space, 4), -ERANGE);
	TEST_ASSERT_OK(pdk_pasid_free(space, 3));
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 3);
	pdk_pasid_space_destroy(space);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_exhaust, fast, test_pasid_exhaust);

/*
 * All 2^20 - 1 PASIDs of a 20-bit space (the allocator's summary levels:
 * a full word, a full summary word, the full space): in order, then
 * ENOSPC; freed ones come back lowest first, across words and summary words.
 */
static int
test_pasid_exhaust_20(void)
{
	static const uint32_t holes[] = {(1u << 20) - 1, 64, 4095, 4096, 262143, 1};
	struct pdk_pasid_space *space;
	struct test_env env;
	uint32_t p = 0, i;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_EQ(pdk_pasid_space_width(space), 20);
	for (i = 1; i < (1u << 20); i++) {
		TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
		TEST_ASSERT(p == i, "PASID %u handed out as the %uth", p, i);
	}
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_alloc(space, &p), -ENOSPC);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	test_log_capture_stop();
	for (i = 0; i < sizeof(holes) / sizeof(holes[0]); i++)
		TEST_ASSERT_OK(pdk_pasid_free(space, holes[i]));
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), (1u << 20) - 1 - 6);
	/* lowest first: 1, 64, 4095, 4096, 262143, 2^20 - 1 */
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 1);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 64);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 4095);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 4096);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 262143);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, (1u << 20) - 1);
	TEST_ASSERT_RC(pdk_pasid_alloc(space, &p), -ENOSPC);
	pdk_pasid_space_destroy(space);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_exhaust_20, fast, test_pasid_exhaust_20);

/* pdk_pasid_list(): ascending, the RID and the width's tail never listed */
static int
test_pasid_list(void)
{
	struct pdk_sim_fn_config fn = test_default_fn;
	struct pdk_pasid_space *space;
	struct test_env env;
	uint32_t got[4] = { 0 };
	uint32_t p;

	fn.pasid_bits = 7;	/* 128 PASIDs: the tail of bitmap word 1 is set */
	SETUP(env, NULL, &fn, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_EQ(pdk_pasid_list(space, NULL, 0), 0);
	TEST_ASSERT_OK(pdk_pasid_reserve(space, 127));
	TEST_ASSERT_OK(pdk_pasid_reserve(space, 64));
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(pdk_pasid_list(space, got, 4), 3);
	TEST_ASSERT_EQ(got[0], 1);
	TEST_ASSERT_EQ(got[1], 64);
	TEST_ASSERT_EQ(got[2], 127);
	TEST_ASSERT_EQ(pdk_pasid_list(space, got, 1), 3);	/* count beyond max */
	TEST_ASSERT_RC(pdk_pasid_list(space, NULL, 4), -EINVAL);
	TEST_ASSERT_RC(pdk_pasid_list(NULL, got, 4), -EINVAL);
	pdk_pasid_space_destroy(space);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_list, fast, test_pasid_list);

/* pdk_pasid_reserve(): 0 and 2^width are ERANGE, a taken PASID is EEXIST */
static int
test_pasid_reserve(void)
{
	struct pdk_pasid_space *space;
	struct test_env env;
	uint32_t p;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_reserve(space, 0), -ERANGE);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_reserve(space, 1u << 20), -ERANGE);
	TEST_ASSERT_LOGGED("1048576");
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 0);
	TEST_ASSERT_OK(pdk_pasid_reserve(space, (1u << 20) - 1));
	TEST_ASSERT_OK(pdk_pasid_reserve(space, 1));
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_reserve(space, 1), -EEXIST);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 2);
	TEST_ASSERT_OK(pdk_pasid_alloc(space, &p));
	TEST_ASSERT_EQ(p, 2);
	pdk_pasid_space_destroy(space);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_reserve, fast, test_pasid_reserve);

/* pdk_pasid_free(): a free PASID is ENOENT, one a context uses is EBUSY */
static int
test_pasid_free_errors(void)
{
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *ctx;
	struct pdk_dma_as *as;
	struct test_env env;
	uint32_t p;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_pasid_free(space, 1), -ENOENT);
	TEST_ASSERT_LOGGED(DEV_ADDR);

	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	p = pdk_pasid_ctx_pasid(ctx);
	TEST_ASSERT_EQ(p, 1);
	test_log_clear();
	TEST_ASSERT_RC(pdk_pasid_free(space, p), -EBUSY);
	TEST_ASSERT_LOGGED(DEV_ADDR);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 1);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	/* the context allocated it, so it freed it */
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 0);
	TEST_ASSERT_RC(pdk_pasid_free(space, p), -ENOENT);
	pdk_pasid_space_destroy(space);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_free_errors, fast, test_pasid_free_errors);

/*
 * A context: create attaches a PASID to the space's HWPT (DMA through it lands
 * in the buffer of that space), replace moves it (DMA follows), release
 * detaches it.
 */
static int
test_pasid_ctx_lifecycle(void)
{
	struct pdk_pasid_space *space;
	struct pdk_dma_as *as1, *as2;
	struct pdk_pasid_ctx *ctx;
	struct pdk_sim_stats st;
	struct pdk_sim_fn *fn;
	uint64_t iova1, iova2;
	struct test_env env;
	uint8_t *b1, *b2;
	uint8_t data[64];
	uint32_t pasid;

	SETUP(env, NULL, NULL, true);
	fn = pdk_sim_fn_find(env.sim, DEV_ADDR);
	TEST_ASSERT(fn != NULL);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, "one", &as1));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, "two", &as2));
	TEST_ASSERT(strcmp(pdk_dma_as_name(as1), "one") == 0, "name %s", pdk_dma_as_name(as1));
	b1 = test_buf_alloc(PG);
	b2 = test_buf_alloc(PG);
	TEST_ASSERT(b1 != NULL && b2 != NULL);
	memset(b1, 0x01, PG);
	memset(b2, 0x02, PG);
	TEST_ASSERT_OK(pdk_dma_map(as1, b1, PG, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &iova1));
	TEST_ASSERT_OK(pdk_dma_map(as2, b2, PG, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &iova2));

	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as1, 0, &ctx));
	pasid = pdk_pasid_ctx_pasid(ctx);
	TEST_ASSERT_EQ(pasid, 1);
	TEST_ASSERT(pdk_pasid_ctx_as(ctx) == as1, "context not on as1");
	TEST_ASSERT(pdk_pasid_ctx_hwpt(ctx) != 0, "no HWPT");
	pdk_sim_stats_get(env.sim, &st);
	TEST_ASSERT_EQ(st.pasid_attachments, 1);
	memset(data, 0xaa, sizeof(data));
	TEST_ASSERT_OK(pdk_sim_fn_dma(fn, true, pasid, iova1, data, sizeof(data), true));
	TEST_ASSERT(test_all_bytes(b1, 0xaa, sizeof(data)), "DMA did not land in as1's buffer");
	/* as2's IOVA is not reachable through as1 unless it happens to coincide */
	if (iova2 != iova1)
		TEST_ASSERT_RC(pdk_sim_fn_dma(fn, true, pasid, iova2, data, sizeof(data), true),
			       -EFAULT);
	TEST_ASSERT(test_all_bytes(b2, 0x02, PG), "as2's buffer was written through as1");

	TEST_ASSERT_OK(pdk_pasid_ctx_replace(ctx, as2));
	TEST_ASSERT(pdk_pasid_ctx_as(ctx) == as2, "context not moved to as2");
	TEST_ASSERT_EQ(pdk_pasid_ctx_pasid(ctx), pasid);
	memset(data, 0xbb, sizeof(data));
	TEST_ASSERT_OK(pdk_sim_fn_dma(fn, true, pasid, iova2, data, sizeof(data), true));
	TEST_ASSERT(test_all_bytes(b2, 0xbb, sizeof(data)), "DMA did not land in as2's buffer");
	TEST_ASSERT(test_all_bytes(b1, 0xaa, sizeof(data)), "as1's buffer changed after replace");
	pdk_sim_stats_get(env.sim, &st);
	TEST_ASSERT_EQ(st.pasid_attachments, 1);

	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	pdk_sim_stats_get(env.sim, &st);
	TEST_ASSERT_EQ(st.pasid_attachments, 0);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 0);
	TEST_ASSERT_RC(pdk_sim_fn_dma(fn, true, pasid, iova2, data, sizeof(data), true), -EFAULT);

	/* a context on a PASID the caller reserved keeps it reserved after release */
	TEST_ASSERT_OK(pdk_pasid_reserve(space, 77));
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as1, 77, &ctx));
	TEST_ASSERT_EQ(pdk_pasid_ctx_pasid(ctx), 77);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 1);
	TEST_ASSERT_OK(pdk_pasid_free(space, 77));

	/* an error on the way: a context on a PASID outside the space */
	test_log_capture_start();
	ctx = NULL;
	TEST_ASSERT_RC(pdk_pasid_ctx_create(space, as1, 1u << 20, &ctx), -ERANGE);
	TEST_ASSERT(ctx == NULL, "a context was returned");
	TEST_ASSERT_LOGGED(DEV_ADDR);

	TEST_ASSERT_OK(pdk_dma_unmap(as1, b1));
	TEST_ASSERT_OK(pdk_dma_unmap(as2, b2));
	pdk_pasid_space_destroy(space);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as1));
	TEST_ASSERT_OK(pdk_dma_as_destroy(as2));
	test_buf_free(b1, PG);
	test_buf_free(b2, PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_ctx_lifecycle, fast, test_pasid_ctx_lifecycle);

/*
 * One failure through two layers is logged once: a PASID attach the
 * (simulated) kernel refuses under pdk_pasid_ctx_create() gives one ERR
 * line, lib/pasid's, naming the device, the step (the PASID, the HWPT and
 * the address space) and the fix; lib/vfio, which made the ioctl, does not
 * log it too. The context is undone: the PASID is free, nothing attached.
 */
static int
test_pasid_attach_refused_logged_once(void)
{
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *held, *ctx;
	struct pdk_sim_stats before, after;
	struct pdk_dma_as *as;
	struct test_env env;
	char step[128];

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	/* a first context makes the HWPT: the attach is then the next kernel call */
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &held));
	TEST_ASSERT_EQ(pdk_pasid_ctx_pasid(held), 1);
	pdk_sim_stats_get(env.sim, &before);

	test_log_capture_start();
	pdk_sim_fail_nth(env.sim, 1, EOPNOTSUPP);
	ctx = (void *)&ctx;
	TEST_ASSERT_RC(pdk_pasid_ctx_create(space, as, 0, &ctx), -EOPNOTSUPP);
	TEST_ASSERT(pdk_sim_fail_fired(env.sim), "the attach never reached the kernel");
	TEST_ASSERT(ctx == NULL, "a context was returned");
	snprintf(step, sizeof(step), DEV_ADDR ": PASID 2 attach to HWPT %u of address space '"
		 AS_NAME "': ", pdk_pasid_ctx_hwpt(held));
	TEST_ASSERT_LOGGED_ONCE(step);
	TEST_ASSERT_LOGGED_ONCE("Operation not supported (-95); ");
	TEST_ASSERT_LOGGED_ONCE("bind it to plain vfio-pci");
	test_log_capture_stop();

	/* undone: PASID 2 is free again, the kernel holds what it held */
	pdk_sim_stats_get(env.sim, &after);
	TEST_ASSERT_EQ(after.pasid_attachments, before.pasid_attachments);
	TEST_ASSERT_EQ(pdk_pasid_space_count(space), 1);
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	TEST_ASSERT_EQ(pdk_pasid_ctx_pasid(ctx), 2);
	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	TEST_ASSERT_OK(pdk_pasid_ctx_release(held));
	TEST_ASSERT_OK(pdk_pasid_space_destroy(space));
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_pasid_attach_refused_logged_once, fast,
		  test_pasid_attach_refused_logged_once);

/* ---- dma ---- */

/* pdk_dma_map(): unaligned VA or length, or no permission: EINVAL, nothing mapped */
static int
test_dma_map_unaligned(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t iova = 0;
	uint8_t *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	buf = test_buf_alloc(4 * PG);
	TEST_ASSERT(buf != NULL);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_map(as, buf + 1, PG, PDK_IOMMUFD_READ, &iova), -EINVAL);
	TEST_ASSERT_LOGGED(AS_NAME);
	test_log_clear();
	TEST_ASSERT_RC(pdk_dma_map(as, buf, 100, PDK_IOMMUFD_READ, &iova), -EINVAL);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_RC(pdk_dma_map(as, buf, PG + 1, PDK_IOMMUFD_READ, &iova), -EINVAL);
	TEST_ASSERT_RC(pdk_dma_map(as, buf, 0, PDK_IOMMUFD_READ, &iova), -EINVAL);
	TEST_ASSERT_RC(pdk_dma_map(as, buf, PG, 0, &iova), -EINVAL);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 0);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, 4 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_map_unaligned, fast, test_dma_map_unaligned);

/* pdk_dma_map(): a VA range overlapping a mapping of the space: EEXIST */
static int
test_dma_map_overlap(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t iova, iova2 = 0;
	uint8_t *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	buf = test_buf_alloc(8 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 2 * PG, 2 * PG, PDK_IOMMUFD_READ, &iova));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_map(as, buf + 2 * PG, 2 * PG, PDK_IOMMUFD_READ, &iova2), -EEXIST);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_RC(pdk_dma_map(as, buf + 3 * PG, PG, PDK_IOMMUFD_READ, &iova2), -EEXIST);
	TEST_ASSERT_RC(pdk_dma_map(as, buf + PG, 2 * PG, PDK_IOMMUFD_READ, &iova2), -EEXIST);
	TEST_ASSERT_RC(pdk_dma_map(as, buf, 8 * PG, PDK_IOMMUFD_READ, &iova2), -EEXIST);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	/* the neighbours are free */
	TEST_ASSERT_OK(pdk_dma_map(as, buf + PG, PG, PDK_IOMMUFD_READ, &iova2));
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 4 * PG, PG, PDK_IOMMUFD_READ, &iova2));
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 3);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));	/* unmaps everything */
	test_buf_free(buf, 8 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_map_overlap, fast, test_dma_map_overlap);

/*
 * pdk_dma_va2iova() on a space of the allocator's IOVAs (the VA table):
 * inside a mapping iova + offset; outside PDK_DMA_BAD_IOVA
 */
static int
test_dma_va2iova(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t ia, ib;
	uint8_t *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	TEST_ASSERT_EQ(pdk_dma_as_iova_mode(as), PDK_DMA_IOVA_VA);
	TEST_ASSERT_OK(pdk_dma_as_set_iova_mode(as, PDK_DMA_IOVA_ALLOC));
	TEST_ASSERT_EQ(pdk_dma_as_iova_mode(as), PDK_DMA_IOVA_ALLOC);
	buf = test_buf_alloc(16 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 4 * PG, 4 * PG, PDK_IOMMUFD_READ, &ia));
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 10 * PG, PG, PDK_IOMMUFD_WRITE, &ib));
	TEST_ASSERT(ia != 0 && ib != 0, "IOVA 0 handed out");
	TEST_ASSERT(ia + 4 * PG <= ib || ib + PG <= ia, "IOVAs overlap");
	TEST_ASSERT(ia != (uintptr_t)(buf + 4 * PG) && ib != (uintptr_t)(buf + 10 * PG),
		    "PDK_DMA_IOVA_ALLOC mapped at IOVA == VA");
	TEST_ASSERT(!pdk_dma_as_is_identity(as));
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + 4 * PG + 123), ia + 123);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + 8 * PG), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 4 * PG), ia);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 4 * PG + 123), ia + 123);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 8 * PG - 1), ia + 4 * PG - 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 10 * PG + 7), ib + 7);
	/* and again, after a lookup elsewhere (the last-hit cache must not lie) */
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 5 * PG), ia + PG);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 8 * PG), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 4 * PG - 1), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 11 * PG), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, NULL), PDK_DMA_BAD_IOVA);
	/* after an unmap the range is gone */
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 4 * PG));
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 4 * PG + 123), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 10 * PG + 7), ib + 7);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_unmap(as, buf + 4 * PG), -ENOENT);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 10 * PG));
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 0);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, 16 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_va2iova, fast, test_dma_va2iova);

/*
 * IOVA = VA, the default: pdk_dma_map() maps at the buffer's own VA, the
 * space says it is all identity and pdk_dma_va2iova() returns the VA; a VA
 * whose IOVAs are taken falls back to the allocator, which makes the space
 * mixed (the VA table answers, PDK_DMA_BAD_IOVA outside); unmapping the
 * odd one makes it identity again.
 */
static int
test_dma_iova_va(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t ia, ib, ic;
	uint8_t *buf;
	uint32_t hwpt;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	/* with a domain: the 48-bit aperture of the simulated VT-d holds user VAs */
	TEST_ASSERT_OK(pdk_dma_as_hwpt_get(as, env.dev_id, &hwpt));
	buf = test_buf_alloc(16 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT(!pdk_dma_as_is_identity(as), "an empty space is not identity");
	TEST_ASSERT_OK(pdk_dma_map(as, buf, 4 * PG, PDK_IOMMUFD_READ, &ia));
	TEST_ASSERT_EQ(ia, (uintptr_t)buf);
	TEST_ASSERT(pdk_dma_as_is_identity(as));
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 123), (uintptr_t)buf + 123);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + 123), (uintptr_t)buf + 123);
	TEST_ASSERT_EQ(pdk_dma_va2iova_strict(as, buf + 4 * PG), PDK_DMA_BAD_IOVA);
	/* buf + 8 PG at IOVA == buf + 4 PG's VA: taken by nothing, so a fixed map there is fine */
	TEST_ASSERT_OK(pdk_dma_map_iova(as, buf + 8 * PG, PG, (uintptr_t)(buf + 4 * PG),
					PDK_IOMMUFD_READ));
	TEST_ASSERT(!pdk_dma_as_is_identity(as), "a mapping at another IOVA makes it mixed");
	/* buf + 4 PG's own IOVAs are taken now: the allocator chooses */
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 4 * PG, PG, PDK_IOMMUFD_READ, &ib));
	TEST_ASSERT(ib != (uintptr_t)(buf + 4 * PG), "IOVA == VA although that IOVA is taken");
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 4 * PG + 5), ib + 5);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 8 * PG + 5), (uintptr_t)(buf + 4 * PG) + 5);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 2 * PG), (uintptr_t)(buf + 2 * PG));
	/* mixed: the table answers, so an unmapped VA is refused */
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 12 * PG), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 4 * PG));
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 8 * PG));
	TEST_ASSERT(pdk_dma_as_is_identity(as), "identity again once the odd ones are gone");
	/* a new mapping follows the same rule */
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 4 * PG, PG, PDK_IOMMUFD_READ, &ic));
	TEST_ASSERT_EQ(ic, (uintptr_t)(buf + 4 * PG));
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf));
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 4 * PG));
	TEST_ASSERT(!pdk_dma_as_is_identity(as), "an emptied space is not identity");
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf), PDK_DMA_BAD_IOVA);
	/* an unknown mode is refused and changes nothing */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_as_set_iova_mode(as, (enum pdk_dma_iova_mode)7), -EINVAL);
	TEST_ASSERT_LOGGED(AS_NAME);
	test_log_capture_stop();
	TEST_ASSERT_EQ(pdk_dma_as_iova_mode(as), PDK_DMA_IOVA_VA);
	pdk_dma_as_hwpt_put(as, hwpt);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, 16 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_iova_va, fast, test_dma_iova_va);

/*
 * The VA table of a mixed space: mappings that span its block boundaries
 * (a 4 MiB one across a 2 MiB boundary, a 2 MiB one exactly on one, pages
 * at both sides) translate at every page edge, and the bytes just outside
 * each mapping are PDK_DMA_BAD_IOVA; after unmaps, so are theirs.
 */
static int
test_dma_vat_blocks(void)
{
	const size_t mib2 = 2u << 20, region = 16u << 20;
	struct { size_t off, len; uint64_t iova; } m[] = {
		{ mib2 - PG, 2 * mib2 + 2 * PG, 0 },	/* across two 2 MiB boundaries, unaligned */
		{ 4 * mib2, mib2, 0 },			/* exactly one 2 MiB block */
		{ 5 * mib2 + PG, PG, 0 },		/* one page just after it, a gap between */
		{ 6 * mib2 - PG, PG, 0 },		/* the last page before the next block */
	};
	struct pdk_dma_as *as;
	struct test_env env;
	uint8_t *raw, *base;
	unsigned int i;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	TEST_ASSERT_OK(pdk_dma_as_set_iova_mode(as, PDK_DMA_IOVA_ALLOC));
	raw = mmap(NULL, region + mib2, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(raw != MAP_FAILED);
	base = (uint8_t *)(((uintptr_t)raw + mib2 - 1) & ~(uintptr_t)(mib2 - 1));
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		TEST_ASSERT_OK(pdk_dma_map(as, base + m[i].off, m[i].len, PDK_IOMMUFD_READ,
					   &m[i].iova));
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		uint8_t *v = base + m[i].off;
		size_t o;

		for (o = 0; o < m[i].len; o += PG) {
			TEST_ASSERT_EQ(pdk_dma_va2iova(as, v + o), m[i].iova + o);
			TEST_ASSERT_EQ(pdk_dma_va2iova(as, v + o + PG - 1), m[i].iova + o + PG - 1);
		}
		TEST_ASSERT_EQ(pdk_dma_va2iova(as, v + m[i].len), PDK_DMA_BAD_IOVA);
		TEST_ASSERT_EQ(pdk_dma_va2iova(as, v - 1), PDK_DMA_BAD_IOVA);
	}
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + 5 * mib2), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + 8 * mib2), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_OK(pdk_dma_unmap(as, base + m[0].off));
	TEST_ASSERT_OK(pdk_dma_unmap(as, base + m[1].off));
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + m[0].off + mib2), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + m[1].off + PG), PDK_DMA_BAD_IOVA);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + m[2].off + 9), m[2].iova + 9);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, base + m[3].off + 9), m[3].iova + 9);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	munmap(raw, region + mib2);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_vat_blocks, fast, test_dma_vat_blocks);

/* pdk_dma_unmap(): a VA inside a mapping (not its start) or never mapped: ENOENT */
static int
test_dma_unmap_not_start(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint8_t *buf;
	uint64_t iova;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	buf = test_buf_alloc(4 * PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(pdk_dma_map(as, buf, 2 * PG, PDK_IOMMUFD_READ, &iova));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dma_unmap(as, buf + PG), -ENOENT);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_RC(pdk_dma_unmap(as, buf + 3 * PG), -ENOENT);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + PG), iova + PG);
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf));
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 0);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, 4 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_unmap_not_start, fast, test_dma_unmap_not_start);

/* pdk_dma_unmap() frees the IOVA space: map/unmap cycles do not run out */
static int
test_dma_iova_reuse(void)
{
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t first, iova;
	uint8_t *buf;
	int i;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(pdk_dma_map(as, buf, PG, PDK_IOMMUFD_READ, &first));
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf));
	for (i = 0; i < 100; i++) {
		TEST_ASSERT_OK(pdk_dma_map(as, buf, PG, PDK_IOMMUFD_READ, &iova));
		TEST_ASSERT_EQ(iova, first);	/* first fit from the lowest address */
		TEST_ASSERT_OK(pdk_dma_unmap(as, buf));
	}
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_iova_reuse, fast, test_dma_iova_reuse);

/* pdk_dma_as_destroy() while a PASID uses the space: EBUSY and nothing changed */
static int
test_dma_as_destroy_busy(void)
{
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *ctx;
	struct pdk_dma_as *as;
	struct test_env env;
	uint64_t iova;
	uint8_t *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_pasid_space_create(env.dev, env.ictx, &space));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(pdk_dma_map(as, buf, PG, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &iova));
	TEST_ASSERT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));

	test_log_capture_start();
	TEST_ASSERT_REFUSED(&env, pdk_dma_as_destroy(as), -EBUSY);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_SIM_COUNT(&env, pasid_attachments, 1);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf), iova);
	/* the PASID still reaches the buffer */
	memset(buf, 0, PG);
	{
		uint8_t data[16];

		memset(data, 0x6b, sizeof(data));
		TEST_ASSERT_OK(pdk_sim_fn_dma(pdk_sim_fn_find(env.sim, DEV_ADDR), true,
					      pdk_pasid_ctx_pasid(ctx), iova, data, sizeof(data),
					      true));
		TEST_ASSERT(test_all_bytes(buf, 0x6b, sizeof(data)), "DMA did not land");
	}

	TEST_ASSERT_OK(pdk_pasid_ctx_release(ctx));
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	TEST_ASSERT_SIM_COUNT(&env, ioas, 0);
	TEST_ASSERT_SIM_COUNT(&env, hwpts, 0);
	TEST_ASSERT_SIM_COUNT(&env, mappings, 0);
	pdk_pasid_space_destroy(space);	/* after the as: allowed, the space holds no reference on it */
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_as_destroy_busy, fast, test_dma_as_destroy_busy);

/* ---- iommufd ---- */

/* pdk_iommufd_map() with no permission: EINVAL, logged with the step */
static int
test_iommufd_map_perm0(void)
{
	struct test_env env;
	uint64_t iova = 0;
	uint32_t ioas;
	uint8_t *buf;

	SETUP(env, NULL, NULL, false);
	TEST_ASSERT_OK(pdk_iommufd_ioas_alloc(env.ictx, &ioas));
	buf = test_buf_alloc(PG);
	TEST_ASSERT(buf != NULL);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_iommufd_map(env.ictx, ioas, buf, PG, 0, &iova), -EINVAL);
	TEST_ASSERT_LOGGED("IOMMU_IOAS_MAP");
	test_log_clear();
	TEST_ASSERT_RC(pdk_iommufd_map_fixed(env.ictx, ioas, buf, PG, 0x100000, 0), -EINVAL);
	TEST_ASSERT_LOGGED("IOMMU_IOAS_MAP");
	TEST_ASSERT_RC(pdk_iommufd_unmap(env.ictx, ioas, 0x100000, PG, NULL), -ENOENT);
	TEST_ASSERT_OK(pdk_iommufd_destroy(env.ictx, ioas));
	test_buf_free(buf, PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_iommufd_map_perm0, fast, test_iommufd_map_perm0);

/*
 * pdk_dma_map_iova(): the caller's IOVA (here IOVA == VA, DPDK's IOVA-as-VA
 * mode), refusals that change nothing, and the same IOVA in two spaces
 * naming different memory.
 */
static int
test_dma_map_iova(void)
{
	struct pdk_dma_as *as, *as2;
	struct test_env env;
	uint64_t iova_va, other;
	uint32_t hwpt;
	uint8_t *buf;

	SETUP(env, NULL, NULL, true);
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, AS_NAME, &as));
	/* a domain gives the IOAS its aperture (48 bits on the simulated VT-d) */
	TEST_ASSERT_OK(pdk_dma_as_hwpt_get(as, env.dev_id, &hwpt));
	TEST_ASSERT_OK(pdk_dma_as_create(env.ictx, "second", &as2));
	buf = test_buf_alloc(8 * PG);
	TEST_ASSERT(buf != NULL);
	iova_va = (uintptr_t)buf;
	TEST_ASSERT_OK(pdk_dma_map_iova(as, buf, 2 * PG, iova_va, PDK_IOMMUFD_READ));
	TEST_ASSERT_EQ(pdk_dma_va2iova(as, buf + 5), iova_va + 5);
	test_log_capture_start();
	/* an IOVA taken in this space, an unaligned one, one beyond the 48-bit aperture */
	TEST_ASSERT_RC(pdk_dma_map_iova(as, buf + 4 * PG, PG, iova_va + PG, PDK_IOMMUFD_READ), -EEXIST);
	TEST_ASSERT_LOGGED(AS_NAME);
	TEST_ASSERT_RC(pdk_dma_map_iova(as, buf + 4 * PG, PG, 0x12345, PDK_IOMMUFD_READ), -EINVAL);
	TEST_ASSERT_RC(pdk_dma_map_iova(as, buf + 4 * PG, PG, 1ull << 52, PDK_IOMMUFD_READ), -ERANGE);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
	/* the allocator never hands out the reserved IOVA afterwards */
	TEST_ASSERT_OK(pdk_dma_map(as, buf + 4 * PG, 4 * PG, PDK_IOMMUFD_READ, &other));
	TEST_ASSERT(other + 4 * PG <= iova_va || other >= iova_va + 2 * PG, "allocator reused a taken IOVA");
	/* the same IOVA in a second space maps other memory */
	TEST_ASSERT_OK(pdk_dma_map_iova(as2, buf + 2 * PG, PG, iova_va, PDK_IOMMUFD_READ));
	TEST_ASSERT_EQ(pdk_dma_va2iova(as2, buf + 2 * PG), iova_va);
	TEST_ASSERT_EQ(pdk_dma_va2iova(as2, buf), PDK_DMA_BAD_IOVA);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf));
	TEST_ASSERT_OK(pdk_dma_unmap(as, buf + 4 * PG));
	TEST_ASSERT_OK(pdk_dma_unmap(as2, buf + 2 * PG));
	/* the IOVA is free again */
	TEST_ASSERT_OK(pdk_dma_map_iova(as, buf, 2 * PG, iova_va, PDK_IOMMUFD_READ));
	pdk_dma_as_hwpt_put(as, hwpt);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	TEST_ASSERT_OK(pdk_dma_as_destroy(as2));
	test_buf_free(buf, 8 * PG);
	DONE(env);
}
PDK_TEST_REGISTER(sim_api_dma_map_iova, fast, test_dma_map_iova);
