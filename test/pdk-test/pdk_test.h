/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_TEST_H
#define PDK_TEST_H

/**
 * @file
 * pdk-test, PDK's autotest application (in the manner of dpdk-test).
 *
 * A test is a function returning TEST_SUCCESS, TEST_FAILED or TEST_SKIPPED,
 * registered in the file that holds it:
 *
 *     PDK_TEST_REGISTER(sim_pasid_attach_ioas, fast, test_pasid_attach_ioas);
 *
 * The suite name (fast, slow, ...) becomes a meson test suite: meson reads
 * the registrations from the sources (test/pdk-test/list-tests.py), so a
 * test exists in one place only. Each test runs in a child process of its
 * own; an fd it leaves open fails it. A test that needs a device, a context
 * and uAPI objects declares them as a fixture instead (PDK_ENV_TEST and the
 * rule tests of test_env.h).
 *
 * Tests that run on the simulated kernel have names starting with "sim_".
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TEST_SUCCESS 0
#define TEST_FAILED (-1)
#define TEST_SKIPPED 77

typedef int (*pdk_test_fn_t)(void);

struct pdk_test {
	const char *name;
	const char *suite;
	pdk_test_fn_t fn;
	const char *note;	/* PDK_SIM_RULE: why the real kernel cannot check it */
	struct pdk_test *next;
};

void pdk_test_register(struct pdk_test *t);

/** @return the registry, sorted by name (walk it with ->next). */
const struct pdk_test *pdk_test_first(void);

/** @return the registered test named @p name, or NULL. */
const struct pdk_test *pdk_test_find(const char *name);

/* (parameters not named like the fields: the designated initializers would expand them) */
#define PDK_TEST_REGISTER_NOTE(t_name, t_suite, t_fn, t_why)			\
	static struct pdk_test pdk_test_##t_name = {				\
		.name = #t_name, .suite = #t_suite, .fn = t_fn, .note = t_why,	\
	};									\
	static void __attribute__((constructor)) pdk_test_reg_##t_name(void)	\
	{									\
		pdk_test_register(&pdk_test_##t_name);				\
	}

#define PDK_TEST_REGISTER(name, suite, fn) PDK_TEST_REGISTER_NOTE(name, suite, fn, NULL)

/*
 * The backend a test runs on. Tests on a fixture (PDK_ENV_TEST,
 * PDK_RULE_TEST, PDK_SIM_RULE of test_env.h) set it before their body runs;
 * test_env_setup() builds its environment on it. Every other test runs with
 * PDK_TEST_BACKEND_SIM.
 */
enum pdk_test_backend {
	PDK_TEST_BACKEND_SIM,		/* PDK's simulated kernel */
	PDK_TEST_BACKEND_KERNEL_MOCK,	/* the VM's iommufd, the kernel's PASID-capable mock device */
	PDK_TEST_BACKEND_KERNEL,	/* the VM's kernel and its edu devices */
};

/** The backend of the running test; set before its function runs. */
extern enum pdk_test_backend pdk_test_backend;

/**
 * Turn off the runner's fd-leak check for the running test, printing @p why.
 * Only for fds a foreign library keeps by design (DPDK's EAL after
 * rte_eal_cleanup()); PDK's own objects are still checked through the sim's
 * live-object counters.
 */
void pdk_test_skip_fd_check(const char *why);

/** Print a failure with its location; used by the assertion macros. */
void pdk_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TEST_ASSERT(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			pdk_test_fail(__FILE__, __LINE__, "assert (" #cond ") failed: " __VA_ARGS__); \
			return TEST_FAILED;					\
		}								\
	} while (0)

/** Assert that @p expr returns exactly @p want (0 or a negative errno). */
#define TEST_ASSERT_RC(expr, want)						\
	do {									\
		long long rc__ = (long long)(expr);				\
		long long want__ = (long long)(want);				\
		if (rc__ != want__) {						\
			pdk_test_fail(__FILE__, __LINE__,			\
				"%s returned %lld (%s), expected %lld (%s)", #expr, \
				rc__, rc__ < 0 ? strerror((int)-rc__) : "ok",	\
				want__, want__ < 0 ? strerror((int)-want__) : "ok"); \
			return TEST_FAILED;					\
		}								\
	} while (0)

#define TEST_ASSERT_OK(expr) TEST_ASSERT_RC(expr, 0)

#define TEST_ASSERT_EQ(a, b)							\
	do {									\
		unsigned long long a__ = (unsigned long long)(a);		\
		unsigned long long b__ = (unsigned long long)(b);		\
		if (a__ != b__) {						\
			pdk_test_fail(__FILE__, __LINE__, "%s == %llu (0x%llx), expected %s == %llu (0x%llx)", \
				#a, a__, a__, #b, b__, b__);			\
			return TEST_FAILED;					\
		}								\
	} while (0)

/* ---- log capture: check that errors come with a message ---- */

/** Start recording PDK log lines (ERR and WARNING) in memory. */
void test_log_capture_start(void);

/** Stop recording and restore the previous sink. */
void test_log_capture_stop(void);

/** @return non-zero if a captured line contains @p needle (case-sensitive). */
int test_log_contains(const char *needle);

/** Forget captured lines. */
void test_log_clear(void);

/** Assert a captured ERR/WARNING line contains @p needle. */
#define TEST_ASSERT_LOGGED(needle)						\
	TEST_ASSERT(test_log_contains(needle), "no log line contains \"%s\"", needle)

#endif /* PDK_TEST_H */
