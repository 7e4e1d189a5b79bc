/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * lib/sys's backend registry and its one name-to-backend choice, in a
 * program that links libpdk_sim (pdk-test does): the sim registered itself
 * when it was loaded, so a second "sim" is refused, and pdk_sys_backend_open()
 * makes sims that pdk_sys_backend_close() destroys. The program without the
 * sim is test/outside/kernel_only.c (install-check).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_sim.h"
#include "pdk_sys_backend.h"
#include "pdk_test.h"

static int
fake_create(const char *pci_addr, struct pdk_sys **sys, char out_addr[PDK_PCI_ADDR_LEN])
{
	(void)pci_addr;
	(void)sys;
	(void)out_addr;
	return -ENODEV;
}

static int
fake_destroy(struct pdk_sys *sys)
{
	(void)sys;
	return 0;
}

static int
test_registry(void)
{
	const struct pdk_sys_backend dup = { .name = PDK_SYS_BACKEND_SIM, .create = fake_create,
					     .destroy = fake_destroy };
	const struct pdk_sys_backend kernel = { .name = PDK_SYS_BACKEND_KERNEL,
						.create = fake_create, .destroy = fake_destroy };
	const struct pdk_sys_backend partial = { .name = "partial", .create = fake_create };

	test_log_capture_start();
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_backend_register(&dup), -EEXIST);
	TEST_ASSERT_LOGGED_ONCE("a backend of that name is registered already");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_backend_register(&kernel), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("\"kernel\" is built in");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_backend_register(&partial), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL destroy");
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_backend_register(NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL backend");
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sys_backend_registry, fast, test_registry);

static int
test_open_close(void)
{
	char addr[PDK_PCI_ADDR_LEN];
	const char *name;
	struct pdk_sys *sys;
	struct pdk_sim *sim;

	unsetenv("PDK_BACKEND");
	/* no name: the registered sim, with its default function */
	TEST_ASSERT_OK(pdk_sys_backend_choose(NULL, &name, addr));
	TEST_ASSERT(strcmp(name, PDK_SYS_BACKEND_SIM) == 0 && addr[0] == '\0', "%s '%s'", name,
		    addr);
	TEST_ASSERT_OK(pdk_sys_backend_open(NULL, &sys, addr));
	sim = pdk_sim_from_sys(sys);
	TEST_ASSERT(sim != NULL && pdk_sys_is_sim(sys), "a sim");
	TEST_ASSERT(strcmp(addr, PDK_SIM_DEFAULT_PCI_ADDR) == 0, "%s", addr);
	TEST_ASSERT(pdk_sim_fn_find(sim, addr) != NULL, "its default function");
	/* a sim made by pdk_sim_create() is a registered backend's instance too */
	TEST_ASSERT_OK(pdk_sys_backend_close(sys));

	/* an address: the kernel, which needs no release */
	TEST_ASSERT_OK(pdk_sys_backend_open("6a:01.0", &sys, addr));
	TEST_ASSERT(sys == pdk_sys_kernel() && pdk_sim_from_sys(sys) == NULL, "the kernel");
	TEST_ASSERT(strcmp(addr, "0000:6a:01.0") == 0, "%s", addr);
	TEST_ASSERT_OK(pdk_sys_backend_close(sys));

	/* the environment's word: a bad one, and the kernel without a device */
	test_log_capture_start();
	test_log_clear();
	setenv("PDK_BACKEND", "qemu", 1);
	TEST_ASSERT_RC(pdk_sys_backend_open("6a:01.0", &sys, addr), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("PDK_BACKEND='qemu' is neither 'sim' nor 'kernel'");
	test_log_clear();
	setenv("PDK_BACKEND", "kernel", 1);
	TEST_ASSERT_RC(pdk_sys_backend_open(NULL, &sys, addr), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("PDK_BACKEND=kernel needs a device");
	unsetenv("PDK_BACKEND");
	test_log_capture_stop();
	TEST_ASSERT(sys == NULL, "nothing opened on a refusal");
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_sys_backend_open_close, fast, test_open_close);
