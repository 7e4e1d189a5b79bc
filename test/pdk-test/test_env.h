/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef TEST_ENV_H
#define TEST_ENV_H

/*
 * The test environment of pdk-test: one iommufd context and one device,
 * opened through PDK on one of three backends (enum pdk_test_backend):
 *   sim          PDK's simulated kernel with one function (a simulation);
 *   kernel-mock  the real /dev/iommu and the virtual VFIO cdev of
 *                mock_pasid.h, whose device is the kernel's PASID-capable
 *                mock (suite vm, inside the VM of test/vm);
 *   kernel       the real kernel of the VM with its two QEMU edu devices
 *                behind an emulated VT-d, bound to vfio-pci (suite vm).
 *
 * A test declares the fixture it needs (struct test_fixture: bound or not,
 * an IOAS, a HWPT over it, a PASID attached, a buffer) where it registers:
 *
 *     static int
 *     test_map_no_perm(struct test_env *env)
 *     {
 *             TEST_ASSERT_RC(raw_map_fixed(env, env->ioas, 0, env->buf, PG, IOVA), -EINVAL);
 *             return TEST_SUCCESS;
 *     }
 *     PDK_RULE_TEST(map_no_perm, test_map_no_perm, .hwpt = TEST_HWPT_PASID, .buf = PG);
 *
 * and the framework sets the fixture up on the test's backend, runs the
 * body, then tears the fixture down, every step of it asserted (the detach
 * of the PASID, the destroy of the HWPT and of the IOAS, the close of the
 * device and the context), and checks that the backend was left clean (the
 * sim without a live object, the mock without an open device fd). The body
 * states only its rule: the ioctl, the errno, what must (not) change.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_iommufd.h"
#include "pdk_pasid.h"
#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_sys_backend.h"
#include "pdk_test.h"
#include "pdk_uapi.h"
#include "pdk_vfio.h"

#define RW (IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE)

/* The VM harness gives the guest exactly this many edu devices (test/vm/run-vm.sh --edu). */
#define TEST_NUM_EDU 2

/* ---- the environment ---- */

struct test_env {
	enum pdk_test_backend backend;
	struct pdk_sim *sim;	/* the simulated kernel; NULL on the other backends */
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	char addr[PDK_PCI_ADDR_LEN];	/* the device's PCI address */
	uint32_t dev_id;	/* 0 until bound */
	int ifd;		/* iommufd fd, for raw ioctls */
	int dfd;		/* device fd, for raw ioctls */
	/*
	 * What the fixture made. test_env_release() (and so the teardown)
	 * releases what is still set; a body that releases one of them itself
	 * sets it to 0 (NULL).
	 */
	uint32_t ioas;
	uint32_t hwpt;		/* over ioas */
	uint32_t pasid;		/* attached to hwpt */
	void *buf;		/* page-aligned, buf_len bytes, zeroed */
	size_t buf_len;
};

/** The HWPT a fixture allocates over its IOAS. */
enum test_hwpt {
	TEST_HWPT_NONE,
	TEST_HWPT_PASID,	/* IOMMU_HWPT_ALLOC_PASID: a PASID may attach to it */
	TEST_HWPT_PLAIN,	/* flags 0 */
};

/*
 * What a test needs set up. Zero is "nothing": a context and the device,
 * open, unbound. The fields of a later step imply the earlier ones.
 */
struct test_fixture {
	const char *test;	/* the test's name (set by the registration macros) */
	/* sim only (on another backend a test that sets them fails, -EOPNOTSUPP) */
	const struct pdk_sim_config *sim;	/* NULL: the defaults */
	const struct pdk_sim_fn_config *fn;	/* the function; NULL: test_default_fn */
	unsigned int edu;	/* kernel only: which edu (0 .. TEST_NUM_EDU - 1) */
	bool bind;		/* BIND the device to the context: env->dev_id */
	bool ioas;		/* IOAS_ALLOC: env->ioas */
	enum test_hwpt hwpt;	/* HWPT_ALLOC over env->ioas: env->hwpt (implies bind, ioas) */
	uint32_t pasid;		/* non-zero: attach it to env->hwpt (implies TEST_HWPT_PASID) */
	size_t buf;		/* non-zero: env->buf of this many bytes */
};

/** Function config of the sim's default function, simdma at @p bits of PASID width. */
#define TEST_SIMDMA_FN(bits)							\
	.pci_addr = PDK_SIM_DEFAULT_PCI_ADDR, .model = PDK_SIM_MODEL_SIMDMA,	\
	.pasid_bits = (bits)

/** Function config used when a test passes none: simdma, 20-bit PASID. */
extern const struct pdk_sim_fn_config test_default_fn;
/**
 * test_default_fn with PRI (cfg.prs): a HWPT with a fault queue attaches
 * to it on the sim's VT-d, and its translation faults are page requests.
 */
extern const struct pdk_sim_fn_config test_prs_fn;

/**
 * Set up @p env as @p fix says, on the backend of the running test
 * (pdk_test_backend). On kernel-mock the function must be NULL or of width
 * MOCK_PASID_BITS and @p fix->sim NULL; on kernel both NULL (-EOPNOTSUPP
 * otherwise: such a test belongs to the sim only).
 * @return 0 or -errno (everything undone, the failed step printed).
 */
int test_env_setup(struct test_env *env, const struct test_fixture *fix);

/**
 * Release what the fixture made and is still set in @p env: detach its
 * PASID, destroy its HWPT and IOAS, free its buffer.
 * @return 0, or -errno of the first step that failed (printed; the others
 * are still tried).
 */
int test_env_release(struct test_env *env);

/**
 * IOMMU_DESTROY of the fixture's object *@p id (&env->hwpt, &env->ioas) in
 * the body, where the rule says it must go; *@p id becomes 0 when it did.
 * @return 0 or -errno.
 */
int test_env_destroy(struct test_env *env, uint32_t *id);

/**
 * test_env_release(), close the device and the context, then check that the
 * backend was left clean (the sim: no live object; the mock: no device fd
 * open) and destroy it.
 * @return 0 when everything went and was clean, -1 otherwise (printed).
 */
int test_env_teardown(struct test_env *env);

/** @return true when @p env runs on the simulated kernel (pdk_sim_* may be used). */
static inline bool
test_env_is_sim(const struct test_env *env)
{
	return env->sim != NULL;
}

/** Set up @p env with config @p cfg_, function @p fn_, bound when @p bind_, or fail the test. */
#define SETUP(env, cfg_, fn_, bind_)						\
	TEST_ASSERT_OK(test_env_setup(&(env), &(const struct test_fixture){	\
		.sim = (cfg_), .fn = (fn_), .bind = (bind_) }))

/** End of a test: teardown must leave the backend clean. */
#define DONE(env)								\
	do {									\
		TEST_ASSERT_OK(test_env_teardown(&(env)));			\
		return TEST_SUCCESS;						\
	} while (0)

/* ---- tests on a fixture ---- */

typedef int (*test_env_fn_t)(struct test_env *env);

/**
 * Run @p body on @p backend with @p fix set up; tear down and check after a
 * body that passed (a failed body ends its child process as it is).
 * @return the test's result.
 */
int test_env_run(enum pdk_test_backend backend, const struct test_fixture *fix,
		 test_env_fn_t body);

/* (parameters not named like the fields: the designated initializers would expand them) */
#define PDK_ENV_TEST_(t_name, t_suite, t_backend, t_why, t_body, ...)		\
	static const struct test_fixture pdk_fix_##t_name = {			\
		.test = #t_name, __VA_ARGS__					\
	};									\
	static int pdk_env_##t_name(void)					\
	{									\
		return test_env_run(t_backend, &pdk_fix_##t_name, t_body);	\
	}									\
	PDK_TEST_REGISTER_NOTE(t_name, t_suite, pdk_env_##t_name, t_why)

/**
 * A test of suite @p suite whose body takes a struct test_env set up as the
 * trailing fixture fields say (none: an unbound device). Suite vm runs it
 * on the VM's real kernel (edu), any other suite on the sim.
 */
#define PDK_ENV_TEST(name, suite, body, ...)					\
	PDK_ENV_TEST_(name, suite, test_env_suite_backend(#suite), NULL, body, __VA_ARGS__)

/** The backend of a PDK_ENV_TEST of suite @p suite. */
enum pdk_test_backend test_env_suite_backend(const char *suite);

/*
 * Rule tests and their two backends.
 *
 * A rule test (one errno rule of doc/kernel-facts.md, checked
 * through raw ioctls) is written once and run on every backend that can
 * answer it. PDK_RULE_TEST(name, body, fixture...) registers
 *   sim_rule_<name>     suite fast: on PDK's simulated kernel;
 *   kernel_rule_<name>  suite vm:   on the real iommufd of the VM harness,
 *                                   the device being the kernel's
 *                                   PASID-capable mock (mock_pasid.h).
 * The same assertions run on both, so a sim that disagrees with the kernel
 * fails sim_rule_<name> or kernel_rule_<name>.
 *
 * PDK_SIM_RULE(name, body, why, fixture...) registers sim_rule_<name> only,
 * with the reason the real kernel cannot check it (printed by
 * kernel_rule_parity_report).
 *
 * list-tests.py reads these macros from the sources: keep the two in step.
 */
#define PDK_RULE_TEST(name, body, ...)						\
	PDK_ENV_TEST_(sim_rule_##name, fast, PDK_TEST_BACKEND_SIM, NULL, body,	\
		      __VA_ARGS__)						\
	PDK_ENV_TEST_(kernel_rule_##name, vm, PDK_TEST_BACKEND_KERNEL_MOCK, NULL,	\
		      body, __VA_ARGS__)

#define PDK_SIM_RULE(name, body, why, ...)					\
	PDK_ENV_TEST_(sim_rule_##name, fast, PDK_TEST_BACKEND_SIM, why, body, __VA_ARGS__)

/* ---- the sim's counters ---- */

/** Take the sim's counters (all zero off the sim). */
void test_env_counters(struct test_env *env, struct pdk_sim_stats *st);

/**
 * @return true when no live counter of the sim (every one but the count of
 * boundary calls) differs from @p before; false, the ones that do printed
 * under @p what. Always true off the sim.
 */
bool test_env_unchanged(struct test_env *env, const struct pdk_sim_stats *before,
			const char *what);

/**
 * Assert that @p expr, a call the rule refuses, returns @p want (a negative
 * errno) and that, on the sim, it changed nothing: no object, fd,
 * attachment, mapping, pin, mmap or fault more or less than before.
 */
#define TEST_ASSERT_REFUSED(env, expr, want)					\
	do {									\
		struct pdk_sim_stats before__;					\
		test_env_counters(env, &before__);				\
		TEST_ASSERT_RC(expr, want);					\
		if (!test_env_unchanged(env, &before__, #expr)) {		\
			pdk_test_fail(__FILE__, __LINE__, "%s was refused but changed the sim", \
				      #expr);					\
			return TEST_FAILED;					\
		}								\
	} while (0)

/** Assert that, on the sim, counter @p field (of struct pdk_sim_stats) is @p want. */
#define TEST_ASSERT_SIM_COUNT(env, field, want)				\
	do {									\
		struct pdk_sim_stats st__;					\
		unsigned long long want__ = (want);				\
		if (test_env_is_sim(env)) {					\
			pdk_sim_stats_get((env)->sim, &st__);			\
			TEST_ASSERT((unsigned long long)st__.field == want__,	\
				    "the sim has %llu " #field ", expected %llu",	\
				    (unsigned long long)st__.field, want__);	\
		}								\
	} while (0)

/** Fail the calling test unless @p sim is clean; use after teardown steps. */
#define TEST_ASSERT_SIM_CLEAN(sim)						\
	TEST_ASSERT(test_sim_clean(sim, "the sim"), "sim not clean")

/** @return pdk_sim_is_clean(@p sim); when not, its live counters printed under @p what. */
bool test_sim_clean(struct pdk_sim *sim, const char *what);

/** @return a new sim without the default function (NULL on failure), for tests that add their own. */
struct pdk_sim *test_sim_bare(void);

/* ---- I/O page faults ---- */

/**
 * The fixture's device (env->dev_id) makes one page request, one group
 * (LAST_PAGE), for @p addr at @p pasid (0: the RID, no PASID_VALID) with
 * @p grpid and @p perm (IOMMU_PGFAULT_PERM_*), reported as given. It is
 * queued in the fault queue of the HWPT (device, PASID) is attached to, if
 * that HWPT has one; otherwise dropped, and the call still succeeds. On the
 * sim pdk_sim_trigger_iopf(), on kernel-mock the kernel's
 * IOMMU_TEST_OP_TRIGGER_IOPF (mock_pasid_trigger_iopf()); the edu backend
 * has no such op (-EOPNOTSUPP).
 * @return 0 or -errno.
 */
int test_env_trigger_iopf(struct test_env *env, uint32_t pasid, uint32_t grpid, uint32_t perm,
			  uint64_t addr);

/** What test_fault_record(), a fault handler for tests, saw; it answers with @p answer. */
struct test_fault_seen {
	unsigned int calls;
	struct pdk_dma_fault last;
	int answer;	/* what the handler returns: 0 resolved, else not */
};

/** A pdk_dma_fault_cb that records each fault in the struct test_fault_seen @p arg. */
int test_fault_record(struct pdk_dma_as *as, const struct pdk_dma_fault *f, void *arg);

/* ---- raw uAPI calls: through the syscall boundary, no PDK policy; 0 or -errno ---- */

int raw_iommufd_ioctl(struct test_env *env, unsigned long req, void *arg);
int raw_device_ioctl(struct test_env *env, unsigned long req, void *arg);
int raw_ioas_alloc(struct test_env *env, uint32_t *ioas_id);
/* HWPT_ALLOC for env->dev_id; _dev for another device id */
int raw_hwpt_alloc(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id);
int raw_hwpt_alloc_dev(struct test_env *env, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
		       uint32_t *hwpt_id);
/* An IOAS and a HWPT over it with @p flags (IOMMU_HWPT_ALLOC_PASID for a PASID-compatible one) */
int raw_ioas_hwpt(struct test_env *env, uint32_t flags, uint32_t *ioas_id, uint32_t *hwpt_id);
int raw_destroy(struct test_env *env, uint32_t id);
/* IOMMU_FAULT_QUEUE_ALLOC: *fault_id and *fault_fd */
int raw_fault_alloc(struct test_env *env, uint32_t *fault_id, int *fault_fd);
/* HWPT_ALLOC for env->dev_id with IOMMU_HWPT_FAULT_ID_VALID | @p flags and @p fault_id */
int raw_hwpt_alloc_fault(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t fault_id,
			 uint32_t *hwpt_id);
/* MAP; *iova in: the IOVA for IOMMU_IOAS_MAP_FIXED_IOVA, out: the one used */
int raw_map(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	    uint64_t *iova);
/* MAP at the fixed IOVA @p iova */
int raw_map_fixed(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
		  uint64_t iova);
int raw_unmap(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len);
/* UNMAP, *out_len: the length reported */
int raw_unmap_len(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len,
		  uint64_t *out_len);
/* IOAS_IOVA_RANGES with room for @p num in @p ranges; *out_num always, *align when not NULL */
int raw_iova_ranges(struct test_env *env, uint32_t ioas_id, uint32_t num,
		    struct iommu_iova_range *ranges, uint32_t *out_num, uint64_t *align);
int raw_hw_info(struct test_env *env, uint32_t dev_id, struct iommu_hw_info *info);
/* BIND of device fd @p dfd with an explicit argsz; *dev_id when not NULL */
int raw_bind(struct test_env *env, int dfd, uint32_t argsz, int iommufd, uint32_t *dev_id);
int raw_attach(struct test_env *env, uint32_t flags, uint32_t pasid, uint32_t pt_id);
/* ATTACH with an explicit argsz; *out_pt_id (when not NULL): the pt_id written back */
int raw_attach_sz(struct test_env *env, uint32_t argsz, uint32_t flags, uint32_t pasid,
		  uint32_t pt_id, uint32_t *out_pt_id);
int raw_detach(struct test_env *env, uint32_t flags, uint32_t pasid);

/* ---- memory ---- */

/** Page-aligned anonymous memory, zeroed; NULL on failure. test_buf_free() it. */
void *test_buf_alloc(size_t len);
void test_buf_free(void *buf, size_t len);

/** @return 1 when all @p len bytes at @p p are @p v, 0 otherwise. */
int test_all_bytes(const void *p, uint8_t v, size_t len);

/** @return the number of bytes of @p buf that differ from @p byte. */
size_t test_count_not(const void *buf, size_t len, uint8_t byte);

/*
 * Patterns. test_pattern_fill() fills @p buf with pattern @p seed (0..253).
 * Every byte is in [1, 254], so neither 0x00 nor 0xff (what a refused DMA may
 * leave behind) matches any pattern, and the patterns of two different seeds
 * differ at every byte: a single byte that landed where it must not is seen.
 */
void test_pattern_fill(void *buf, size_t len, uint8_t seed);

/** Expected byte @p i of pattern @p seed. */
uint8_t test_pattern(size_t i, uint8_t seed);

/**
 * Compare @p buf with pattern @p seed. @return the number of bytes that
 * differ; the first one is printed under @p what.
 */
size_t test_pattern_diff(const void *buf, size_t len, uint8_t seed, const char *what);

/** @return the number of bytes of @p buf equal to pattern @p seed at the same offset. */
size_t test_pattern_same(const void *buf, size_t len, uint8_t seed);

/* ---- the devices ---- */

/**
 * Run one pdk-sim-dma copy of @p len bytes from @p src to @p dst, tagged with
 * @p pasid when @p pasid_valid. Bus mastering is enabled first.
 * @return the PDK_SIMDMA_ST_* status, or -errno if the registers could not be reached.
 */
int test_simdma_copy(struct test_env *env, bool pasid_valid, uint32_t pasid, uint64_t src,
		     uint64_t dst, uint32_t len);

/**
 * The VM kernel's edu devices (1234:11e8 in /sys/bus/pci/devices), sorted
 * by address. Fails, saying why, unless there are exactly TEST_NUM_EDU.
 * @return 0 or -errno.
 */
int test_env_edus(char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN]);

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

#endif /* TEST_ENV_H */
