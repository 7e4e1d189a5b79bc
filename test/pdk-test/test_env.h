/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef TEST_ENV_H
#define TEST_ENV_H

/*
 * The usual fixture of pdk-test: a simulated kernel, an iommufd context and
 * the sim's default function opened (and optionally bound) through PDK.
 */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_iommufd.h"
#include "pdk_pasid.h"
#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_sys_backend.h"
#include "pdk_uapi.h"
#include "pdk_vfio.h"

struct test_env {
	struct pdk_sim *sim;	/* NULL on the kernel-mock backend */
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	uint32_t dev_id;
	int ifd;	/* iommufd fd, for raw ioctls */
	int dfd;	/* device fd, for raw ioctls */
};

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

/** Set up @p env (see test_env_setup()) or fail the calling test. */
#define SETUP(env, cfg, fn, bind) TEST_ASSERT_OK(test_env_setup(&(env), (cfg), (fn), (bind)))

/** End of a test: teardown must leave the sim (or the mock backend) clean. */
#define DONE(env)								\
	do {									\
		TEST_ASSERT_OK(test_env_teardown(&(env)));			\
		return TEST_SUCCESS;						\
	} while (0)

/**
 * @return true when @p env runs on the simulated kernel; code that reads
 * the sim's own state (pdk_sim_*) must run only then.
 */
static inline bool
test_env_is_sim(const struct test_env *env)
{
	return env->sim != NULL;
}

/** Function config used when a test passes none: simdma, 20-bit PASID. */
extern const struct pdk_sim_fn_config test_default_fn;

/**
 * Create a sim with one function @p fn (NULL: test_default_fn) and open it
 * and an iommufd context; bind when @p bind.
 *
 * Under a PDK_RULE_TEST running on the kernel-mock backend
 * (pdk_test_backend), the fixture is the real /dev/iommu and the virtual
 * VFIO cdev of mock_pasid.h instead (PASID width MOCK_PASID_BITS); @p cfg
 * must then be NULL and @p fn NULL or of that width (-EOPNOTSUPP otherwise:
 * such a test belongs to the sim only).
 * @return 0 or -errno (everything undone).
 */
int test_env_setup(struct test_env *env, const struct pdk_sim_config *cfg,
		   const struct pdk_sim_fn_config *fn, bool bind);

/**
 * Close the device and the context, then check and destroy the sim.
 * @return 0 when the sim was left clean (no live object), -1 otherwise.
 */
int test_env_teardown(struct test_env *env);

/* Raw uAPI helpers (through the boundary, no PDK policy): return 0 or -errno. */
int raw_ioas_alloc(struct test_env *env, uint32_t *ioas_id);
int raw_hwpt_alloc(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id);
int raw_attach(struct test_env *env, uint32_t flags, uint32_t pasid, uint32_t pt_id);
int raw_detach(struct test_env *env, uint32_t flags, uint32_t pasid);
int raw_destroy(struct test_env *env, uint32_t id);
int raw_map(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	    uint64_t *iova);
int raw_unmap(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len);
/* MAP at the fixed IOVA @p iova */
int raw_map_fixed(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
		  uint64_t iova);
/* An IOAS and a HWPT over it with @p flags (IOMMU_HWPT_ALLOC_PASID for a PASID-compatible one) */
int raw_ioas_hwpt(struct test_env *env, uint32_t flags, uint32_t *ioas_id, uint32_t *hwpt_id);

/** Page-aligned anonymous memory; test_buf_free() it. */
void *test_buf_alloc(size_t len);
void test_buf_free(void *buf, size_t len);

/** @return 1 when all @p len bytes at @p p are @p v, 0 otherwise. */
int test_all_bytes(const void *p, uint8_t v, size_t len);

/**
 * Run one pdk-sim-dma copy of @p len bytes from @p src to @p dst, tagged with
 * @p pasid when @p pasid_valid. Bus mastering is enabled first.
 * @return the PDK_SIMDMA_ST_* status, or -errno if the registers could not be reached.
 */
int test_simdma_copy(struct test_env *env, bool pasid_valid, uint32_t pasid, uint64_t src,
		     uint64_t dst, uint32_t len);

/**
 * The sim's backend without mmio_resolve: it answers "map it" for every
 * portal (pdk_sys_mmio_resolve()), as the kernel does, so a driver takes the
 * path it takes on hardware. Lives in @p m; the sim stays the one to destroy.
 */
struct test_sys_map_only {
	struct pdk_sys sys;
	struct pdk_sys_ops ops;
};
void test_sys_map_only(struct test_sys_map_only *m, struct pdk_sim *sim);

/** Fail the calling test unless @p env's sim is clean; use after teardown steps. */
#define TEST_ASSERT_SIM_CLEAN(sim)						\
	do {									\
		struct pdk_sim_stats st__;					\
		pdk_sim_stats_get(sim, &st__);					\
		TEST_ASSERT(pdk_sim_is_clean(sim),				\
			"sim not clean: fds %u ctxs %u ioas %u hwpts %u faultq %u bound %u pasids %u rids %u maps %u pinned %llu mmaps %u", \
			st__.fds, st__.iommufd_ctxs, st__.ioas, st__.hwpts, st__.fault_queues, \
			st__.bound_devices, st__.pasid_attachments, st__.rid_attachments, \
			st__.mappings, (unsigned long long)st__.pinned_pages, st__.mmaps); \
	} while (0)

#endif /* TEST_ENV_H */
