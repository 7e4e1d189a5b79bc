/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * One PCI address parser for the whole project (pdk_sys_pci_addr_parse()):
 * every entry point that takes an address from a user accepts the same
 * ones, a VMD domain (10000 and up) included, and refuses the same ones
 * with the same single line.
 */

#include <stdlib.h>
#include <string.h>

#include "pdk_bus.h"
#include "pdk_iommufd.h"
#include "pdk_log.h"
#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_test.h"
#include "pdk_vfio.h"

#define VMD "10000:00:04.0"	/* Intel VMD: a domain above ffff */

/* Lines naming the address being refused, and the first such line. */
static const char *watched;
static unsigned int nwatched;
static char first_line[512];

static void
watch_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	char needle[64];

	(void)component;
	(void)arg;
	fprintf(stderr, "  [log %s] %s\n", component, line);
	snprintf(needle, sizeof(needle), "PCI address \"%s\"", watched);
	if (level != PDK_LOG_ERR || strstr(line, needle) == NULL)
		return;
	if (nwatched++ == 0)
		snprintf(first_line, sizeof(first_line), "%s", line);
}

static void
watch(const char *addr)
{
	watched = addr;
	nwatched = 0;
	first_line[0] = '\0';
}

/* Every entry point gives exactly one line for @p bad, the same as the parser's own. */
#define TEST_ASSERT_ONE_LINE(bad, ref)						\
	do {									\
		TEST_ASSERT(nwatched == 1, "%u lines name \"%s\", want one", nwatched, bad); \
		TEST_ASSERT(strcmp(first_line, ref) == 0, "\"%s\" differs from the parser's \"%s\"", \
			    first_line, ref);						\
	} while (0)

static int
test_one_parser(void)
{
	static const char *const bad[] = {
		"10000:00:04", "0000:00:20.0", "0000:00:04.8", "1000000:00:04.0", "zz:00.0",
		"0000:100:04.0", "10000-00-04.0", "0000:00:04.0x",
	};
	struct pdk_sim_fn_config fc = { .model = PDK_SIM_MODEL_SIMDMA, .pasid_bits = 20 };
	char out[PDK_PCI_ADDR_LEN], ref[512], addr[PDK_PCI_ADDR_LEN];
	struct pdk_vfio_dev *dev;
	struct pdk_iommufd *ictx;
	struct pdk_bus_dev *bdev;
	struct pdk_bus *bus;
	struct pdk_sim *sim;
	struct pdk_sys *sys, *sys2;
	unsigned int i;

	/* accepted everywhere */
	TEST_ASSERT_OK(pdk_sys_pci_addr_parse(VMD, out));
	TEST_ASSERT(strcmp(out, VMD) == 0, "%s", out);
	TEST_ASSERT_OK(pdk_sys_pci_addr_parse("ffffff:ff:1f.7", out));
	TEST_ASSERT_OK(pdk_vfio_pci_addr_parse(VMD, out));
	TEST_ASSERT(strcmp(out, VMD) == 0, "%s", out);

	unsetenv("PDK_BACKEND");
	TEST_ASSERT_OK(pdk_sys_backend_open(VMD, &sys, addr));
	TEST_ASSERT(pdk_sim_from_sys(sys) == NULL && sys == pdk_sys_kernel(),
		    "an address is the kernel backend");
	TEST_ASSERT(strcmp(addr, VMD) == 0, "%s", addr);

	/* PDK_BACKEND=sim with that address: a sim whose function sits there */
	setenv("PDK_BACKEND", "sim", 1);
	TEST_ASSERT_OK(pdk_sys_backend_open(VMD, &sys, addr));
	unsetenv("PDK_BACKEND");
	sim = pdk_sim_from_sys(sys);
	TEST_ASSERT(sim != NULL && pdk_sys_is_sim(sys), "a sim");
	TEST_ASSERT(strcmp(addr, VMD) == 0, "%s", addr);
	TEST_ASSERT(pdk_sim_fn_find(sim, VMD) != NULL, "the sim has its function at " VMD);
	TEST_ASSERT_OK(pdk_vfio_open(sys, VMD, &dev));
	TEST_ASSERT(strcmp(pdk_vfio_name(dev), VMD) == 0, "%s", pdk_vfio_name(dev));
	pdk_vfio_close(dev);
	TEST_ASSERT_OK(pdk_iommufd_open(sys, &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	TEST_ASSERT_EQ(pdk_bus_scan(bus), 1);
	bdev = pdk_bus_dev_find(bus, VMD);
	TEST_ASSERT(bdev != NULL && strcmp(pdk_bus_dev_name(bdev), VMD) == 0, "bus finds " VMD);
	fc.pci_addr = "ffff:00:01.0";
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fc, NULL));

	/* refused everywhere, with the parser's one line */
	pdk_log_set_sink(watch_sink, NULL, NULL, NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		watch(bad[i]);
		TEST_ASSERT_RC(pdk_sys_pci_addr_parse(bad[i], out), -EINVAL);
		TEST_ASSERT(nwatched == 1, "the parser logs \"%s\" once (%u)", bad[i], nwatched);
		snprintf(ref, sizeof(ref), "%s", first_line);

		watch(bad[i]);
		TEST_ASSERT_RC(pdk_vfio_pci_addr_parse(bad[i], out), -EINVAL);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
		watch(bad[i]);
		TEST_ASSERT_RC(pdk_sys_backend_open(bad[i], &sys2, addr), -EINVAL);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
		watch(bad[i]);
		TEST_ASSERT(pdk_sim_fn_find(sim, bad[i]) == NULL, "sim function lookup of \"%s\"",
			    bad[i]);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
		watch(bad[i]);
		fc.pci_addr = bad[i];
		TEST_ASSERT_RC(pdk_sim_fn_add(sim, &fc, NULL), -EINVAL);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
		watch(bad[i]);
		TEST_ASSERT(pdk_bus_dev_find(bus, bad[i]) == NULL, "bus lookup of \"%s\"", bad[i]);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
		watch(bad[i]);
		TEST_ASSERT_RC(pdk_vfio_open(sys, bad[i], &dev), -EINVAL);
		TEST_ASSERT_ONE_LINE(bad[i], ref);
	}
	pdk_log_set_sink(NULL, NULL, NULL, NULL);

	pdk_bus_destroy(bus);
	pdk_iommufd_close(ictx);
	TEST_ASSERT(pdk_sim_is_clean(sim), "teardown left the sim clean");
	TEST_ASSERT_RC(pdk_sys_backend_close(sys), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_pci_addr_one_parser, fast, test_one_parser);
