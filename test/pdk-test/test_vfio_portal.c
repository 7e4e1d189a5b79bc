/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk_vfio_bar_portal() and the boundary's mmio_resolve beneath it, on the
 * SIMULATED kernel's DSA model: which answer a backend gives (a hook into
 * the model for its portals; "map it" for plain BAR memory and from a
 * backend without the op, as the kernel), the refusals with their errno and
 * log line, and the portal's hold on its device.
 */

#include <inttypes.h>
#include <string.h>

#include "pdk_idxd.h"
#include "pdk_test.h"
#include "test_env.h"

#define DSA_ADDR "0000:6a:01.0"

static const struct pdk_sim_fn_config dsa_fn = {
	.pci_addr = DSA_ADDR,
	.model = PDK_SIM_MODEL_DSA,
	.pasid_bits = 20,
};

static unsigned int
sim_mmaps(struct pdk_sim *sim)
{
	struct pdk_sim_stats st;

	pdk_sim_stats_get(sim, &st);
	return st.mmaps;
}

/* The sim answers a hook for a DSA portal, "map it" for BAR0's registers. */
static int
test_portal_kinds(void)
{
	struct pdk_vfio_portal wq1, reg;
	struct test_env env;
	void *bar0;
	size_t len;

	SETUP(env, NULL, &dsa_fn, true);
	TEST_ASSERT_OK(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(1),
					   &wq1));
	TEST_ASSERT(wq1.addr == NULL);
	TEST_ASSERT(wq1.store64 != NULL && wq1.cookie != NULL && wq1.ref != NULL);
	TEST_ASSERT_EQ(sim_mmaps(env.sim), 1);	/* the hook; BAR2 is not mapped */

	TEST_ASSERT_OK(pdk_vfio_bar_portal(env.dev, PDK_IDXD_MMIO_BAR, 0x40, &reg));
	TEST_ASSERT(reg.store64 == NULL && reg.cookie == NULL);
	TEST_ASSERT_OK(pdk_vfio_bar_map(env.dev, PDK_IDXD_MMIO_BAR, &bar0, &len));
	TEST_ASSERT(reg.addr == (uint8_t *)bar0 + 0x40);
	TEST_ASSERT_EQ(sim_mmaps(env.sim), 2);	/* the hook and BAR0's mapping */

	TEST_ASSERT_OK(pdk_vfio_portal_release(&wq1));
	TEST_ASSERT(wq1.store64 == NULL && wq1.ref == NULL);
	TEST_ASSERT_OK(pdk_vfio_portal_release(&reg));
	TEST_ASSERT_EQ(sim_mmaps(env.sim), 1);	/* the mapping stays until close */
	/* a zeroed portal and NULL are no-ops */
	TEST_ASSERT_OK(pdk_vfio_portal_release(&wq1));
	TEST_ASSERT_OK(pdk_vfio_portal_release(NULL));
	DONE(env);
}
PDK_TEST_REGISTER(sim_vfio_portal_kinds, fast, test_portal_kinds);

/*
 * A backend without mmio_resolve answers as the kernel does, "map it": here
 * the sim's own ops without the two mmio ops, so the DSA portal comes back
 * as an address in a mapping of BAR2 (what the PMD gets on hardware).
 */
static int
test_portal_kernel_answer(void)
{
	struct test_sys_map_only nomm;
	struct pdk_sim_config cfg = { .no_default_devices = true };
	struct pdk_vfio_portal p;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_sys_mmio m;
	struct pdk_sim *sim;
	void *bar2;
	size_t len;

	TEST_ASSERT_OK(pdk_sim_create(&cfg, &sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &dsa_fn, NULL));
	test_sys_map_only(&nomm, sim);
	TEST_ASSERT_OK(pdk_iommufd_open(&nomm.sys, &ictx));
	TEST_ASSERT_OK(pdk_vfio_open(&nomm.sys, DSA_ADDR, &dev));
	TEST_ASSERT_OK(pdk_vfio_bind(dev, ictx, NULL));

	/* the boundary call itself: MAP, nothing to release */
	TEST_ASSERT_OK(pdk_sys_mmio_resolve(&nomm.sys, pdk_vfio_fd(dev), 0, &m));
	TEST_ASSERT_EQ(m.kind, PDK_SYS_MMIO_MAP);
	TEST_ASSERT(m.store64 == NULL && m.cookie == NULL);
	TEST_ASSERT_OK(pdk_sys_mmio_release(&nomm.sys, &m));

	TEST_ASSERT_OK(pdk_vfio_bar_portal(dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(1), &p));
	TEST_ASSERT(p.store64 == NULL);
	TEST_ASSERT_OK(pdk_vfio_bar_map(dev, PDK_IDXD_WQ_BAR, &bar2, &len));
	TEST_ASSERT(p.addr == (uint8_t *)bar2 + PDK_IDXD_PORTAL_OFFSET(1));
	TEST_ASSERT_EQ(sim_mmaps(sim), 1);	/* BAR2's mapping only */

	/* the portal holds the device, named in the refusal */
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_vfio_close(dev), -EBUSY);
	TEST_ASSERT_LOGGED(DSA_ADDR ": close refused, still used by portal BAR 2 + 0x4000");
	TEST_ASSERT_LOGGED("pdk_vfio_portal_release()");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_vfio_portal_release(&p));
	TEST_ASSERT_OK(pdk_vfio_close(dev));
	TEST_ASSERT_OK(pdk_iommufd_close(ictx));
	TEST_ASSERT(pdk_sim_is_clean(sim));
	TEST_ASSERT_OK(pdk_sim_destroy(sim));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_vfio_portal_kernel_answer, fast, test_portal_kernel_answer);

/* Each refusal: its errno, a zeroed portal, an ERR line naming what is wrong. */
static int
test_portal_misuse(void)
{
	struct pdk_vfio_portal p;
	struct pdk_vfio_dev *unbound;
	struct pdk_sys_mmio m;
	struct test_env env;

	SETUP(env, NULL, &dsa_fn, true);
	test_log_capture_start();

	memset(&p, 0xa5, sizeof(p));
	TEST_ASSERT_RC(pdk_vfio_bar_portal(NULL, PDK_IDXD_WQ_BAR, 0, &p), -EINVAL);
	TEST_ASSERT(p.addr == NULL && p.store64 == NULL && p.ref == NULL);
	TEST_ASSERT_LOGGED_ONCE("portal: NULL device: Invalid argument (-22)");

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR, 0, NULL), -EINVAL);
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal: NULL portal output pointer");

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, 6, 0, &p), -EINVAL);
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal BAR 6: Invalid argument (-22); PCI BARs are numbered 0 to 5");

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, 1, 0, &p), -ENOTSUP);
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal BAR 1 at 0x0: the device has no such BAR (size 0)");

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR, 32, &p), -EINVAL);
	TEST_ASSERT_LOGGED("portal BAR 2 at 0x20: not 64-byte aligned in its 131072 bytes");
	TEST_ASSERT_LOGGED("a portal is 64 bytes at a 64-byte aligned offset inside the BAR");

	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR, 8 * PDK_IDXD_PORTAL_STRIDE,
					   &p), -EINVAL);
	TEST_ASSERT_LOGGED("portal BAR 2 at 0x20000: beyond its 131072 bytes");
	TEST_ASSERT(p.addr == NULL && p.store64 == NULL && p.ref == NULL);
	/* the last portal of the BAR is in it */
	TEST_ASSERT_OK(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR,
					   8 * PDK_IDXD_PORTAL_STRIDE - 64, &p));
	TEST_ASSERT_OK(pdk_vfio_portal_release(&p));

	/* before BIND the kernel refuses every device operation */
	TEST_ASSERT_OK(pdk_vfio_close(env.dev));
	TEST_ASSERT_OK(pdk_vfio_open(env.sys, DSA_ADDR, &unbound));
	env.dev = unbound;
	test_log_clear();
	TEST_ASSERT_RC(pdk_vfio_bar_portal(unbound, PDK_IDXD_WQ_BAR, 0, &p), -EINVAL);
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal: device not bound");

	/* the boundary call: NULL arguments logged; the sim's answers, as a kernel's, not */
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_mmio_resolve(NULL, pdk_vfio_fd(unbound), 0, &m), -EINVAL);
	TEST_ASSERT_LOGGED("mmio resolve: NULL backend");
	TEST_ASSERT_RC(pdk_sys_mmio_resolve(env.sys, pdk_vfio_fd(unbound), 0, NULL), -EINVAL);
	TEST_ASSERT_LOGGED("mmio resolve: NULL output pointer");
	TEST_ASSERT_RC(pdk_sys_mmio_resolve(env.sys, pdk_vfio_fd(unbound), 0, &m), -EINVAL);
	TEST_ASSERT_RC(pdk_sys_mmio_resolve(env.sys, env.ifd, 0, &m), -ENODEV);
	TEST_ASSERT_RC(pdk_sys_mmio_resolve(env.sys, -1, 0, &m), -EBADF);
	TEST_ASSERT_EQ(m.kind, PDK_SYS_MMIO_MAP);
	test_log_clear();
	TEST_ASSERT_RC(pdk_sys_mmio_release(env.sys, NULL), -EINVAL);
	TEST_ASSERT_LOGGED("mmio release: NULL answer");
	m.kind = (enum pdk_sys_mmio_kind)7;
	TEST_ASSERT_RC(pdk_sys_mmio_release(env.sys, &m), -EINVAL);
	TEST_ASSERT_LOGGED("mmio release: unknown kind");
	/* a hook the sim did not make: refused, nothing released */
	m.kind = PDK_SYS_MMIO_HOOK;
	m.cookie = &m;
	TEST_ASSERT_RC(pdk_sys_mmio_release(env.sys, &m), -EINVAL);
	TEST_ASSERT_EQ(sim_mmaps(env.sim), 0);
	DONE(env);
}
PDK_TEST_REGISTER(sim_vfio_portal_misuse, fast, test_portal_misuse);

/* A failed resolve (injected into the boundary call) is logged and leaves no hold. */
static int
test_portal_resolve_fails(void)
{
	struct pdk_vfio_region r;
	struct pdk_vfio_portal p;
	struct test_env env;

	SETUP(env, NULL, &dsa_fn, true);
	/* cache BAR2's region info, so the next boundary call is the resolve */
	TEST_ASSERT_OK(pdk_vfio_region_info(env.dev, PDK_IDXD_WQ_BAR, &r));
	test_log_capture_start();
	pdk_sim_fail_nth(env.sim, 1, ENOMEM);
	TEST_ASSERT_RC(pdk_vfio_bar_portal(env.dev, PDK_IDXD_WQ_BAR, 0, &p), -ENOMEM);
	TEST_ASSERT(pdk_sim_fail_fired(env.sim));
	TEST_ASSERT_LOGGED(DSA_ADDR ": portal BAR 2 at 0x0: resolving its store path");
	TEST_ASSERT(p.addr == NULL && p.store64 == NULL && p.ref == NULL);
	TEST_ASSERT_EQ(sim_mmaps(env.sim), 0);
	/* nothing holds the device: it closes */
	TEST_ASSERT_OK(pdk_vfio_close(env.dev));
	env.dev = NULL;
	DONE(env);
}
PDK_TEST_REGISTER(sim_vfio_portal_resolve_fails, fast, test_portal_resolve_fails);
