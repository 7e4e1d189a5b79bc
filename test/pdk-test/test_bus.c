/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * lib/bus on the SIMULATED kernel: the scan, device arguments, the driver
 * registry, probe and remove, and teardown after every kind of failure.
 *
 * The driver here, "test_simdma", is a TEST driver: it exists only in
 * pdk-test and takes the sim's pdk-sim-dma functions (PDK_SIMDMA_VENDOR_ID:
 * PDK_SIMDMA_DEVICE_ID). Its arguments steer it: fail=1 makes its probe
 * fail with the device left open, keep_open=1 makes its remove leave the
 * device open, so the tests can check that the bus closes what it left.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_bus.h"
#include "pdk_log.h"
#include "pdk_sim.h"
#include "pdk_sys_backend.h"
#include "pdk_test.h"
#include "test_env.h"

/* The sim's functions, added out of order: the bus lists them sorted. */
#define DMA_A	"0000:00:04.0"	/* pdk-sim-dma, vfio-pci */
#define PLAIN	"0000:00:05.0"	/* no engine: no driver matches it */
#define DMA_B	"0000:00:06.0"	/* pdk-sim-dma, vfio-pci */
#define OTHER	"0000:00:07.0"	/* pdk-sim-dma bound to another driver */
#define NFNS	4

/* ---- the test driver ---- */

struct test_drv_priv {
	uint32_t wq;
	bool keep_open;
};

static unsigned int test_drv_probes;
static unsigned int test_drv_removes;

static int
test_drv_probe(struct pdk_bus_dev *dev)
{
	struct pdk_vfio_dev *vdev;
	struct test_drv_priv *p;
	uint32_t wq, fail, keep, id;
	int rc;

	test_drv_probes++;
	rc = pdk_bus_dev_arg_u32(dev, "wq", 4, 1, 8, &wq);
	if (rc == 0)
		rc = pdk_bus_dev_arg_u32(dev, "fail", 0, 0, 1, &fail);
	if (rc == 0)
		rc = pdk_bus_dev_arg_u32(dev, "keep_open", 0, 0, 1, &keep);
	if (rc < 0)
		return rc;
	/* from here on failures leave the device open: the bus must close it */
	rc = pdk_bus_dev_open(dev, &vdev);
	if (rc < 0)
		return rc;
	rc = pdk_vfio_bar_read(vdev, 0, PDK_SIMDMA_REG_ID, &id, sizeof(id));
	if (rc < 0)
		return rc;
	if (id != (PDK_SIMDMA_VENDOR_ID << 16 | PDK_SIMDMA_DEVICE_ID)) {
		PDK_LOG(ERR, "test", "%s: test driver: ID register reads 0x%08x",
			pdk_bus_dev_name(dev), id);
		return -EIO;
	}
	if (fail) {
		PDK_LOG(ERR, "test", "%s: test driver: failing on purpose (fail=1)",
			pdk_bus_dev_name(dev));
		return -EIO;
	}
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->wq = wq;
	p->keep_open = keep != 0;
	pdk_bus_dev_set_priv(dev, p);
	return 0;
}

static int
test_drv_remove(struct pdk_bus_dev *dev)
{
	struct test_drv_priv *p = pdk_bus_dev_priv(dev);

	test_drv_removes++;
	if (p != NULL && !p->keep_open)
		pdk_bus_dev_close(dev);
	free(p);
	pdk_bus_dev_set_priv(dev, NULL);
	return 0;
}

static const struct pdk_bus_id test_drv_ids[] = {
	{ PDK_SIMDMA_VENDOR_ID, PDK_SIMDMA_DEVICE_ID },
	{ 0, 0 },
};

static const struct pdk_bus_arg_spec test_drv_args[] = {
	{ "wq", "work queue size, 1..8" },
	{ "fail", "1: probe fails with the device left open" },
	{ "keep_open", "1: remove leaves the device open" },
	{ NULL, NULL },
};

static struct pdk_bus_driver test_simdma_driver = {
	.name = "test_simdma",
	.id_table = test_drv_ids,
	.args = test_drv_args,
	.probe = test_drv_probe,
	.remove = test_drv_remove,
};

PDK_BUS_REGISTER_DRIVER(test_simdma, test_simdma_driver)

/* ---- fixture ---- */

struct bus_env {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
};

static const struct pdk_sim_fn_config bus_fns[NFNS] = {
	{ .pci_addr = DMA_B, .model = PDK_SIM_MODEL_SIMDMA, .pasid_bits = 20 },
	{ .pci_addr = OTHER, .model = PDK_SIM_MODEL_SIMDMA, .not_vfio = true },
	{ .pci_addr = DMA_A, .model = PDK_SIM_MODEL_SIMDMA, .pasid_bits = 20 },
	{ .pci_addr = PLAIN, .model = PDK_SIM_MODEL_PLAIN },
};

/* A sim with bus_fns and a bus over it, not yet scanned. */
static int
bus_env_setup(struct bus_env *e)
{
	struct pdk_sim_config cfg = { .no_default_devices = true };
	unsigned int i;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = pdk_sim_create(&cfg, &e->sim);
	for (i = 0; rc == 0 && i < NFNS; i++)
		rc = pdk_sim_fn_add(e->sim, &bus_fns[i], NULL);
	if (rc == 0)
		rc = pdk_iommufd_open(pdk_sim_sys(e->sim), &e->ictx);
	if (rc == 0)
		rc = pdk_bus_create(e->ictx, &e->bus);
	return rc;
}

/* Destroy the bus; the sim must then hold nothing. @return 0 or -1. */
static int
bus_env_teardown(struct bus_env *e)
{
	int rc = 0;

	pdk_bus_destroy(e->bus);
	e->bus = NULL;
	if (e->ictx != NULL)
		pdk_iommufd_close(e->ictx);
	e->ictx = NULL;
	if (e->sim != NULL) {
		if (!pdk_sim_is_clean(e->sim))
			rc = -1;
		if (pdk_sim_destroy(e->sim) != 0)
			rc = -1;
		e->sim = NULL;
	}
	return rc;
}

#define BUS_SETUP(e)								\
	do {									\
		TEST_ASSERT_OK(bus_env_setup(&(e)));				\
		TEST_ASSERT_EQ(pdk_bus_scan((e).bus), NFNS);			\
	} while (0)

#define BUS_DONE(e)								\
	do {									\
		TEST_ASSERT_OK(bus_env_teardown(&(e)));				\
		return TEST_SUCCESS;						\
	} while (0)

static unsigned int
sim_fds(struct pdk_sim *sim)
{
	struct pdk_sim_stats st;

	pdk_sim_stats_get(sim, &st);
	return st.fds;
}

static unsigned int
sim_bound(struct pdk_sim *sim)
{
	struct pdk_sim_stats st;

	pdk_sim_stats_get(sim, &st);
	return st.bound_devices;
}

static enum pdk_bus_dev_state
state_of(struct bus_env *e, const char *addr)
{
	return pdk_bus_dev_state(pdk_bus_dev_find(e->bus, addr));
}

/* ---- scan ---- */

/* The scan lists every function in address order, with IDs, kernel driver and state */
static int
test_scan(void)
{
	static const struct pdk_sim_fn_config late = {
		.pci_addr = "0000:00:03.0", .model = PDK_SIM_MODEL_SIMDMA,
	};
	struct pdk_bus_dev *a, *other;
	struct bus_env e;
	char *dump = NULL;
	size_t dump_len;
	FILE *f;

	BUS_SETUP(e);
	TEST_ASSERT_EQ(pdk_bus_dev_count(e.bus), NFNS);
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(e.bus, 0)), DMA_A) == 0, "order");
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(e.bus, 1)), PLAIN) == 0, "order");
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(e.bus, 2)), DMA_B) == 0, "order");
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(e.bus, 3)), OTHER) == 0, "order");
	TEST_ASSERT(pdk_bus_dev_get(e.bus, NFNS) == NULL, "an entry past the end");
	TEST_ASSERT(pdk_bus_sys(e.bus) == pdk_sim_sys(e.sim), "the bus's backend");
	TEST_ASSERT(pdk_bus_iommufd(e.bus) != NULL, "no iommufd context");

	a = pdk_bus_dev_find(e.bus, "00:04.0");	/* the short form too */
	TEST_ASSERT(a == pdk_bus_dev_get(e.bus, 0), "find by short address");
	TEST_ASSERT(pdk_bus_dev_bus(a) == e.bus, "the device's bus");
	TEST_ASSERT_EQ(pdk_bus_dev_vendor(a), PDK_SIMDMA_VENDOR_ID);
	TEST_ASSERT_EQ(pdk_bus_dev_device(a), PDK_SIMDMA_DEVICE_ID);
	TEST_ASSERT(strcmp(pdk_bus_dev_kdriver(a), "vfio-pci") == 0, "kdriver %s",
		    pdk_bus_dev_kdriver(a));
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_USABLE);
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(a), "/dev/vfio/devices/vfio") != NULL,
		    "usable text: %s", pdk_bus_dev_state_text(a));
	TEST_ASSERT(pdk_bus_dev_driver(a) == NULL && pdk_bus_dev_vfio(a) == NULL, "not probed");
	TEST_ASSERT_EQ(pdk_bus_dev_device(pdk_bus_dev_find(e.bus, PLAIN)), 0x0002);
	TEST_ASSERT_EQ(state_of(&e, PLAIN), PDK_BUS_DEV_USABLE);
	TEST_ASSERT_EQ(state_of(&e, DMA_B), PDK_BUS_DEV_USABLE);

	other = pdk_bus_dev_find(e.bus, OTHER);
	TEST_ASSERT_EQ(pdk_bus_dev_state(other), PDK_BUS_DEV_NOT_VFIO);
	TEST_ASSERT(strcmp(pdk_bus_dev_kdriver(other), "pdk-sim-other") == 0, "kdriver");
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(other), "bound to pdk-sim-other, not vfio-pci: "
			   "bind it with `pdk-devbind --bind vfio-pci " OTHER "`") != NULL,
		    "not-vfio text: %s", pdk_bus_dev_state_text(other));
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(other), "echo vfio-pci > "
			   "/sys/bus/pci/devices/" OTHER "/driver_override") != NULL,
		    "not-vfio text: %s", pdk_bus_dev_state_text(other));
	TEST_ASSERT(pdk_bus_dev_find(e.bus, "0000:00:1f.0") == NULL, "found an absent function");

	/* a rescan keeps the handles and adds what appeared, in order */
	TEST_ASSERT_OK(pdk_sim_fn_add(e.sim, &late, NULL));
	TEST_ASSERT_EQ(pdk_bus_scan(e.bus), NFNS + 1);
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(e.bus, 0)), "0000:00:03.0") == 0,
		    "new function not first");
	TEST_ASSERT(pdk_bus_dev_get(e.bus, 1) == a, "rescan changed a handle");
	TEST_ASSERT(pdk_bus_dev_find(e.bus, OTHER) == other, "rescan changed a handle");

	f = open_memstream(&dump, &dump_len);
	TEST_ASSERT(f != NULL, "open_memstream");
	pdk_bus_dump(e.bus, f);
	fclose(f);
	TEST_ASSERT(strstr(dump, DMA_A " 5044:0001 vfio-pci") != NULL, "dump:\n%s", dump);
	TEST_ASSERT(strstr(dump, OTHER " 5044:0001 pdk-sim-other") != NULL, "dump:\n%s", dump);
	free(dump);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_scan, fast, test_scan);

/* ---- device arguments ---- */

struct bad_devargs {
	const char *devargs;
	const char *logged;
};

/* pdk_bus_allow(): syntax errors are EINVAL naming the problem, unknown addresses ENODEV */
static int
test_allow_syntax(void)
{
	static const struct bad_devargs bad[] = {
		{ "", "empty device argument" },
		{ "zz:00.0", "PCI address \"zz:00.0\"" },
		{ DMA_A ",", "empty key=value pair" },
		{ DMA_A ",,wq=1", "empty key=value pair" },
		{ DMA_A ",wq", "device argument \"" DMA_A ",wq\": 'wq' has no value: "
			       "Invalid argument (-22); write wq=VALUE" },
		{ DMA_A ",=3", "'=3' has no key: Invalid argument (-22); write KEY=3" },
		{ DMA_A ",wq=", "'wq=' has an empty value" },
		{ DMA_A ",wq=1,fail=0,wq=2", "'wq' given twice" },
		/* a syntax error is reported before the address is looked up */
		{ "0000:00:1f.0,wq", "'wq' has no value" },
	};
	char many[512];
	struct pdk_bus_dev *a;
	struct bus_env e;
	unsigned int i;
	size_t n;

	BUS_SETUP(e);
	a = pdk_bus_dev_find(e.bus, DMA_A);
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_bus_allow(e.bus, NULL), -EINVAL);
	TEST_ASSERT_LOGGED("empty device argument");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		test_log_clear();
		TEST_ASSERT_RC(pdk_bus_allow(e.bus, bad[i].devargs), -EINVAL);
		TEST_ASSERT(test_log_errors() == 1 && test_log_err_contains(bad[i].logged),
			    "\"%s\": %u ERR lines, want one containing \"%s\"", bad[i].devargs,
			    test_log_errors(), bad[i].logged);
	}

	/* PDK_BUS_MAX_ARGS pairs are fine, one more is not */
	n = (size_t)snprintf(many, sizeof(many), "%s", DMA_A);
	for (i = 0; i < PDK_BUS_MAX_ARGS; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, ",k%u=%u", i, i);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, many));
	TEST_ASSERT(strcmp(pdk_bus_dev_arg(a, "k15"), "15") == 0, "k15");
	snprintf(many + n, sizeof(many) - n, ",k%u=%u", i, i);
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_allow(e.bus, many), -EINVAL);
	TEST_ASSERT_LOGGED("more than 16 key=value pairs");
	/* a refused allow leaves the earlier arguments */
	TEST_ASSERT(strcmp(pdk_bus_dev_arg(a, "k0"), "0") == 0, "k0 lost");

	/* an address the scan did not find */
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_allow(e.bus, "0000:00:1f.0,wq=1"), -ENODEV);
	TEST_ASSERT_LOGGED_ONCE("0000:00:1f.0: allow: no such PCI function");

	/* good: short address; allowing again replaces the arguments */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, "00:04.0,wq=2,fail=0"));
	TEST_ASSERT(strcmp(pdk_bus_dev_arg(a, "wq"), "2") == 0, "wq");
	TEST_ASSERT(strcmp(pdk_bus_dev_arg(a, "fail"), "0") == 0, "fail");
	TEST_ASSERT(pdk_bus_dev_arg(a, "k0") == NULL, "old arguments kept");
	TEST_ASSERT(pdk_bus_dev_arg(a, "keep_open") == NULL, "an absent key has a value");
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A));
	TEST_ASSERT(pdk_bus_dev_arg(a, "wq") == NULL, "arguments kept");
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_allow_syntax, fast, test_allow_syntax);

/* pdk_bus_dev_arg_u32(): default when absent, decimal or 0x hex, range and format errors */
static int
test_arg_u32(void)
{
	static const char *const not_numbers[] = {
		"abc", "-1", "+1", " 1", "4x", "0x", "0x1g", "1.5", "x1",
	};
	struct pdk_bus_dev *a;
	char devargs[64];
	struct bus_env e;
	unsigned int i;
	uint32_t v;

	BUS_SETUP(e);
	a = pdk_bus_dev_find(e.bus, DMA_A);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=0x8,dec=08,big=4294967295"));
	v = 0;
	TEST_ASSERT_OK(pdk_bus_dev_arg_u32(a, "absent", 7, 1, 8, &v));
	TEST_ASSERT_EQ(v, 7);
	TEST_ASSERT_OK(pdk_bus_dev_arg_u32(a, "wq", 4, 1, 8, &v));
	TEST_ASSERT_EQ(v, 8);
	TEST_ASSERT_OK(pdk_bus_dev_arg_u32(a, "dec", 4, 1, 8, &v));
	TEST_ASSERT_EQ(v, 8);
	TEST_ASSERT_OK(pdk_bus_dev_arg_u32(a, "big", 0, 0, UINT32_MAX, &v));
	TEST_ASSERT_EQ(v, UINT32_MAX);

	test_log_capture_start();
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=99"));
	v = 3;
	TEST_ASSERT_RC(pdk_bus_dev_arg_u32(a, "wq", 4, 1, 8, &v), -EINVAL);
	TEST_ASSERT_EQ(v, 3);
	TEST_ASSERT_LOGGED(DMA_A ": argument wq=99: must be 1..8");
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=0"));
	TEST_ASSERT_RC(pdk_bus_dev_arg_u32(a, "wq", 4, 1, 8, &v), -EINVAL);
	TEST_ASSERT_LOGGED(DMA_A ": argument wq=0: must be 1..8");
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=99999999999"));
	TEST_ASSERT_RC(pdk_bus_dev_arg_u32(a, "wq", 4, 1, 8, &v), -EINVAL);
	TEST_ASSERT_LOGGED(DMA_A ": argument wq=99999999999: must be 1..8");
	for (i = 0; i < sizeof(not_numbers) / sizeof(not_numbers[0]); i++) {
		snprintf(devargs, sizeof(devargs), DMA_A ",wq=%s", not_numbers[i]);
		TEST_ASSERT_OK(pdk_bus_allow(e.bus, devargs));
		test_log_clear();
		TEST_ASSERT_RC(pdk_bus_dev_arg_u32(a, "wq", 4, 1, 8, &v), -EINVAL);
		TEST_ASSERT(test_log_contains("not a number"), "wq=%s accepted or not logged",
			    not_numbers[i]);
		TEST_ASSERT_EQ(v, 3);
	}

	/*
	 * Through probe: the driver's error is probe's, logged once (by the
	 * bus's argument parser, not again by the bus), and nothing stays open.
	 */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=99"));
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE(DMA_A ": argument wq=99: must be 1..8");
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_USABLE);
	TEST_ASSERT_EQ(sim_fds(e.sim), 1);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_arg_u32, fast, test_arg_u32);

/* ---- probe ---- */

/* No allowlist: every usable function a driver matches is probed; the rest is skipped quietly */
static int
test_probe_all(void)
{
	struct pdk_bus_dev *a, *b;
	struct bus_env e;

	BUS_SETUP(e);
	test_log_capture_start();
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 2);
	TEST_ASSERT(!test_log_contains(OTHER) && !test_log_contains(PLAIN),
		    "a function nobody asked for was reported as an error");
	TEST_ASSERT_EQ(test_drv_probes, 2);
	a = pdk_bus_dev_find(e.bus, DMA_A);
	b = pdk_bus_dev_find(e.bus, DMA_B);
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_PROBED);
	TEST_ASSERT_EQ(pdk_bus_dev_state(b), PDK_BUS_DEV_PROBED);
	TEST_ASSERT(pdk_bus_dev_driver(a) == &test_simdma_driver, "driver");
	TEST_ASSERT(strcmp(pdk_bus_dev_state_text(a), "probed by driver test_simdma") == 0,
		    "probed text: %s", pdk_bus_dev_state_text(a));
	TEST_ASSERT(pdk_bus_dev_vfio(a) != NULL, "not open");
	TEST_ASSERT(pdk_vfio_dev_id(pdk_bus_dev_vfio(a)) != 0, "not bound");
	TEST_ASSERT_EQ(((struct test_drv_priv *)pdk_bus_dev_priv(a))->wq, 4);
	TEST_ASSERT_EQ(state_of(&e, PLAIN), PDK_BUS_DEV_USABLE);
	TEST_ASSERT_EQ(state_of(&e, OTHER), PDK_BUS_DEV_NOT_VFIO);
	TEST_ASSERT_EQ(sim_bound(e.sim), 2);

	/* probed devices are left alone, and a rescan keeps them */
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 0);
	TEST_ASSERT_EQ(test_drv_probes, 2);
	TEST_ASSERT_EQ(pdk_bus_scan(e.bus), NFNS);
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_PROBED);
	TEST_ASSERT(pdk_bus_dev_find(e.bus, DMA_A) == a, "rescan changed a handle");

	/* a probed device cannot be allowed again */
	TEST_ASSERT_RC(pdk_bus_allow(e.bus, DMA_A ",wq=2"), -EBUSY);
	TEST_ASSERT_LOGGED("remove it");

	/* destroy removes both and closes everything */
	TEST_ASSERT_OK(bus_env_teardown(&e));
	TEST_ASSERT_EQ(test_drv_removes, 2);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_bus_probe_all, fast, test_probe_all);

/* With an allowlist only the allowed devices are probed, with their arguments */
static int
test_probe_allowlist(void)
{
	struct test_drv_priv *priv;
	struct bus_env e;

	BUS_SETUP(e);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_B ",wq=3"));
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	TEST_ASSERT_EQ(state_of(&e, DMA_B), PDK_BUS_DEV_PROBED);
	TEST_ASSERT_EQ(state_of(&e, DMA_A), PDK_BUS_DEV_USABLE);
	priv = pdk_bus_dev_priv(pdk_bus_dev_find(e.bus, DMA_B));
	TEST_ASSERT_EQ(priv->wq, 3);
	TEST_ASSERT_EQ(sim_bound(e.sim), 1);
	/* allowing another takes it on the next probe; the first stays */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A));
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	TEST_ASSERT_EQ(state_of(&e, DMA_A), PDK_BUS_DEV_PROBED);
	TEST_ASSERT_EQ(test_drv_probes, 2);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_probe_allowlist, fast, test_probe_allowlist);

/* A key the driver does not accept is EINVAL, listing the accepted ones, before probe runs */
static int
test_probe_unknown_key(void)
{
	struct bus_env e;

	BUS_SETUP(e);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=2,foo=1"));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE(DMA_A ": unknown argument 'foo' for driver test_simdma: "
				"Invalid argument (-22); "
				"it accepts: wq (work queue size, 1..8), fail (");
	TEST_ASSERT_EQ(test_drv_probes, 0);
	TEST_ASSERT_EQ(state_of(&e, DMA_A), PDK_BUS_DEV_USABLE);
	TEST_ASSERT_EQ(sim_fds(e.sim), 1);
	/* fixed, it probes */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",wq=2"));
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_probe_unknown_key, fast, test_probe_unknown_key);

/*
 * An allowed device that cannot be probed is an error naming it and the fix:
 * not vfio-pci (ENOENT), no driver (ENODEV). Every allowed device is still
 * tried, so a good one next to them is probed and both problems are logged.
 */
static int
test_probe_unusable(void)
{
	struct bus_env e;

	BUS_SETUP(e);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, OTHER));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -ENOENT);
	TEST_ASSERT_LOGGED_ONCE(OTHER ": probe: not on vfio-pci: No such file or directory (-2); "
				"bound to pdk-sim-other, not vfio-pci: bind it with "
				"`pdk-devbind --bind vfio-pci " OTHER "` (or: modprobe vfio-pci && "
				"echo " OTHER " > /sys/bus/pci/devices/" OTHER "/driver/unbind && "
				"echo vfio-pci > /sys/bus/pci/devices/" OTHER "/driver_override && "
				"echo " OTHER " > /sys/bus/pci/drivers_probe)");
	TEST_ASSERT_EQ(state_of(&e, OTHER), PDK_BUS_DEV_NOT_VFIO);

	TEST_ASSERT_OK(pdk_bus_allow(e.bus, PLAIN));
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A));
	test_log_clear();
	/* PLAIN comes first in address order: its error is the one returned */
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -ENODEV);
	TEST_ASSERT_LOGGED(PLAIN ": probe: no driver for 5044:0002 (registered drivers: ");
	TEST_ASSERT_LOGGED("test_simdma");
	TEST_ASSERT_LOGGED("; bound to pdk-sim-other");
	/* two devices, one line each */
	TEST_ASSERT_EQ(test_log_errors(), 2);
	TEST_ASSERT_EQ(state_of(&e, DMA_A), PDK_BUS_DEV_PROBED);
	TEST_ASSERT_EQ(sim_bound(e.sim), 1);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_probe_unusable, fast, test_probe_unusable);

/* A failing driver probe leaves nothing open, even if the driver left the device open */
static int
test_probe_fail_clean(void)
{
	struct pdk_bus_dev *a;
	struct bus_env e;

	BUS_SETUP(e);
	a = pdk_bus_dev_find(e.bus, DMA_A);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",fail=1"));
	test_log_capture_start();
	/* the driver says why, once; the bus does not say it again */
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -EIO);
	TEST_ASSERT_LOGGED_ONCE(DMA_A ": test driver: failing on purpose (fail=1)");
	TEST_ASSERT_EQ(test_drv_probes, 1);
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_USABLE);
	TEST_ASSERT(pdk_bus_dev_driver(a) == NULL && pdk_bus_dev_vfio(a) == NULL &&
		    pdk_bus_dev_priv(a) == NULL, "the failed probe left state behind");
	TEST_ASSERT_EQ(sim_fds(e.sim), 1);	/* the bus's iommufd only */
	TEST_ASSERT_EQ(sim_bound(e.sim), 0);
	/* the device is usable again */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A));
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	TEST_ASSERT_EQ(sim_bound(e.sim), 1);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_probe_fail_clean, fast, test_probe_fail_clean);

/*
 * Each boundary call of create, scan and probe fails in turn (fail_nth):
 * whatever failed, destroy leaves the sim clean and no memory behind (ASan).
 */
static int
test_fail_nth(void)
{
	struct pdk_sim_config cfg = { .no_default_devices = true };
	struct pdk_iommufd *ictx;
	struct pdk_sim *sim;
	struct pdk_bus *bus;
	unsigned int i, nth, fired = 0;
	int rc;

	for (nth = 1; nth < 200; nth++) {
		TEST_ASSERT_OK(pdk_sim_create(&cfg, &sim));
		for (i = 0; i < NFNS; i++)
			TEST_ASSERT_OK(pdk_sim_fn_add(sim, &bus_fns[i], NULL));
		pdk_sim_fail_nth(sim, nth, ENOMEM);
		bus = NULL;
		ictx = NULL;
		rc = pdk_iommufd_open(pdk_sim_sys(sim), &ictx);
		if (rc == 0)
			rc = pdk_bus_create(ictx, &bus);
		if (rc == 0)
			rc = pdk_bus_scan(bus);
		if (rc >= 0)
			rc = pdk_bus_allow(bus, DMA_A ",wq=5");
		if (rc == 0)
			rc = pdk_bus_probe(bus);
		if (!pdk_sim_fail_fired(sim)) {
			pdk_sim_fail_nth(sim, 0, 0);
			TEST_ASSERT_EQ(rc, 1);
			pdk_bus_destroy(bus);
			pdk_iommufd_close(ictx);
			TEST_ASSERT_SIM_CLEAN(sim);
			TEST_ASSERT_EQ(pdk_sim_destroy(sim), 0);
			break;
		}
		fired++;
		/*
		 * Any step may have failed, or none visibly (a failed read of
		 * another function only leaves it out of the scan); either way
		 * a device that is not probed holds nothing.
		 */
		if (bus == NULL || pdk_bus_dev_find(bus, DMA_A) == NULL ||
		    pdk_bus_dev_state(pdk_bus_dev_find(bus, DMA_A)) != PDK_BUS_DEV_PROBED)
			TEST_ASSERT_EQ(sim_bound(sim), 0);
		pdk_bus_destroy(bus);
		if (ictx != NULL)
			pdk_iommufd_close(ictx);
		TEST_ASSERT_SIM_CLEAN(sim);
		TEST_ASSERT_EQ(pdk_sim_destroy(sim), 0);
	}
	TEST_ASSERT(nth < 200, "never succeeded");
	TEST_ASSERT(fired > 5, "only %u calls failed", fired);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_bus_fail_nth, fast, test_fail_nth);

/* ---- remove ---- */

/* Remove, then probe again; the bus closes a device the driver's remove left open */
static int
test_remove_reprobe(void)
{
	struct pdk_bus_dev *a;
	struct bus_env e;

	BUS_SETUP(e);
	a = pdk_bus_dev_find(e.bus, DMA_A);
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 2);
	TEST_ASSERT_EQ(sim_fds(e.sim), 3);
	TEST_ASSERT_OK(pdk_bus_dev_remove(a));
	TEST_ASSERT_EQ(test_drv_removes, 1);
	TEST_ASSERT_EQ(pdk_bus_dev_state(a), PDK_BUS_DEV_USABLE);
	TEST_ASSERT(pdk_bus_dev_driver(a) == NULL && pdk_bus_dev_vfio(a) == NULL, "left state");
	TEST_ASSERT_EQ(sim_fds(e.sim), 2);
	TEST_ASSERT_EQ(sim_bound(e.sim), 1);

	test_log_capture_start();
	TEST_ASSERT_RC(pdk_bus_dev_remove(a), -EINVAL);
	TEST_ASSERT_LOGGED(DMA_A ": remove: no driver has it");
	TEST_ASSERT_RC(pdk_bus_dev_open(a, &(struct pdk_vfio_dev *){ NULL }), -EINVAL);
	TEST_ASSERT_LOGGED("open outside a driver's probe()");

	/* probed again; this time remove leaves the device open for the bus to close */
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A ",keep_open=1"));
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	TEST_ASSERT_EQ(test_drv_probes, 3);
	TEST_ASSERT_EQ(sim_fds(e.sim), 3);
	TEST_ASSERT_OK(pdk_bus_dev_remove(a));
	TEST_ASSERT_EQ(sim_fds(e.sim), 2);
	TEST_ASSERT(pdk_bus_dev_vfio(a) == NULL, "still open");
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);

	/* destroy with both probed: removes them, keep_open or not */
	TEST_ASSERT_OK(bus_env_teardown(&e));
	TEST_ASSERT_EQ(test_drv_removes, 4);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_bus_remove_reprobe, fast, test_remove_reprobe);

/* pdk_bus_create(): the bus uses the caller's iommufd and leaves it open */
static int
test_create_ctx(void)
{
	struct pdk_sim_config cfg = { .no_default_devices = true };
	struct pdk_iommufd *ictx;
	struct pdk_sim *sim;
	struct pdk_bus *bus;

	TEST_ASSERT_OK(pdk_sim_create(&cfg, &sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &bus_fns[0], NULL));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	TEST_ASSERT(pdk_bus_iommufd(bus) == ictx, "not the caller's context");
	TEST_ASSERT(pdk_bus_sys(bus) == pdk_sim_sys(sim), "backend");
	TEST_ASSERT_EQ(pdk_bus_scan(bus), 1);
	TEST_ASSERT_EQ(pdk_bus_probe(bus), 1);
	TEST_ASSERT_EQ(sim_bound(sim), 1);
	pdk_bus_destroy(bus);
	TEST_ASSERT_EQ(sim_fds(sim), 1);	/* the caller's context */
	pdk_iommufd_close(ictx);
	TEST_ASSERT_SIM_CLEAN(sim);
	TEST_ASSERT_EQ(pdk_sim_destroy(sim), 0);

	test_log_capture_start();
	TEST_ASSERT_RC(pdk_bus_create(NULL, &bus), -EINVAL);
	TEST_ASSERT(bus == NULL, "a bus was returned");
	TEST_ASSERT_LOGGED("pass an iommufd context");
	pdk_bus_destroy(NULL);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_bus_create_callers_ctx, fast, test_create_ctx);

/* ---- registry ---- */

static int
test_other_probe(struct pdk_bus_dev *dev)
{
	(void)dev;
	return -EIO;
}

/* Find by name, one driver per name, unregister makes its devices driverless */
static int
test_registry(void)
{
	struct pdk_bus_driver dup = {
		.name = "test_simdma", .id_table = test_drv_ids, .probe = test_other_probe,
	};
	struct bus_env e;

	TEST_ASSERT(pdk_bus_driver_find("test_simdma") == &test_simdma_driver, "not registered");
	TEST_ASSERT(pdk_bus_driver_find("no-such-driver") == NULL, "found a ghost");
	test_log_capture_start();
	pdk_bus_driver_register(&dup);
	TEST_ASSERT_LOGGED("a second driver named test_simdma");
	TEST_ASSERT(pdk_bus_driver_find("test_simdma") == &test_simdma_driver, "replaced");
	pdk_bus_driver_unregister(&dup);	/* not registered: a no-op */
	TEST_ASSERT(pdk_bus_driver_find("test_simdma") == &test_simdma_driver, "unregistered");

	/* by IDs, as the bus matches (pdk-devbind asks the same) */
	TEST_ASSERT(pdk_bus_driver_match(PDK_SIMDMA_VENDOR_ID, PDK_SIMDMA_DEVICE_ID) ==
		    &test_simdma_driver, "IDs not matched");
	TEST_ASSERT(pdk_bus_driver_match(0x8086, 0x1521) == NULL, "an igb NIC matched");

	BUS_SETUP(e);
	pdk_bus_driver_unregister(&test_simdma_driver);
	TEST_ASSERT(pdk_bus_driver_find("test_simdma") == NULL, "still registered");
	TEST_ASSERT(pdk_bus_driver_match(PDK_SIMDMA_VENDOR_ID, PDK_SIMDMA_DEVICE_ID) == NULL,
		    "an unregistered driver matched");
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 0);
	TEST_ASSERT_OK(pdk_bus_allow(e.bus, DMA_A));
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_probe(e.bus), -ENODEV);
	/* the list names what pdk-test links (dsa, edu), not the one gone */
	TEST_ASSERT_LOGGED(DMA_A ": probe: no driver for 5044:0001 (registered drivers: ");
	TEST_ASSERT(!test_log_contains("test_simdma"), "an unregistered driver is listed");
	pdk_bus_driver_register(&test_simdma_driver);
	TEST_ASSERT_EQ(pdk_bus_probe(e.bus), 1);
	BUS_DONE(e);
}
PDK_TEST_REGISTER(sim_bus_registry, fast, test_registry);

/* ---- a fake sysfs: what a kernel shows and the sim cannot ---- */

/*
 * A test backend over a sim that answers the sysfs calls from a table and
 * passes everything else (/dev/iommu for the bus) to the sim: it shows the
 * scan the states only a real kernel produces.
 */
struct fake_fn {
	const char *addr;
	const char *vendor;	/* file contents */
	const char *driver;	/* NULL: unbound */
	const char *vfio_dev;	/* NULL: no vfio-dev directory; else its one entry */
	int vendor_err;		/* read_file error for vendor */
	bool gone;
};

struct fake_sysfs {
	struct pdk_sys sys;
	struct pdk_sys *inner;
	struct fake_fn *fns;
	unsigned int n;
};

#define FAKE_DEVICES "/sys/bus/pci/devices"

static struct fake_fn *
fake_fn_of(struct fake_sysfs *f, const char *path, const char **attr)
{
	const size_t plen = sizeof(FAKE_DEVICES);	/* with the '/' */
	unsigned int i;
	size_t alen;

	if (strncmp(path, FAKE_DEVICES "/", plen) != 0)
		return NULL;
	for (i = 0; i < f->n; i++) {
		alen = strlen(f->fns[i].addr);
		if (!f->fns[i].gone && strncmp(path + plen, f->fns[i].addr, alen) == 0 &&
		    path[plen + alen] == '/') {
			*attr = path + plen + alen + 1;
			return &f->fns[i];
		}
	}
	return NULL;
}

static struct fake_fn *
fake_fn_by_addr(struct fake_sysfs *f, const char *addr)
{
	unsigned int i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->fns[i].addr, addr) == 0)
			return &f->fns[i];
	return NULL;
}

static int
fake_list_dir(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	struct fake_sysfs *f = priv;
	struct fake_fn *fn;
	const char *attr;
	unsigned int i;
	int rc = 0;

	if (strcmp(path, FAKE_DEVICES) == 0) {
		for (i = 0; i < f->n && rc == 0; i++)
			if (!f->fns[i].gone)
				rc = cb(f->fns[i].addr, arg);
		return rc;
	}
	fn = fake_fn_of(f, path, &attr);
	if (fn == NULL || strcmp(attr, "vfio-dev") != 0 || fn->vfio_dev == NULL)
		return -ENOENT;
	return cb(fn->vfio_dev, arg);
}

static ssize_t
fake_copy(char *buf, size_t len, const char *s)
{
	snprintf(buf, len, "%s", s);
	return (ssize_t)strlen(buf);
}

static ssize_t
fake_read_file(void *priv, const char *path, char *buf, size_t len)
{
	struct fake_fn *fn;
	const char *attr;

	fn = fake_fn_of(priv, path, &attr);
	if (fn == NULL)
		return -ENOENT;
	if (strcmp(attr, "vendor") == 0)
		return fn->vendor_err != 0 ? fn->vendor_err : fake_copy(buf, len, fn->vendor);
	if (strcmp(attr, "device") == 0)
		return fake_copy(buf, len, "0x0b25");
	return -ENOENT;
}

static ssize_t
fake_link_name(void *priv, const char *path, char *buf, size_t len)
{
	struct fake_fn *fn;
	const char *attr;

	fn = fake_fn_of(priv, path, &attr);
	if (fn == NULL || strcmp(attr, "driver") != 0 || fn->driver == NULL)
		return -ENOENT;
	return fake_copy(buf, len, fn->driver);
}

static struct pdk_sys *
fake_inner(void *priv)
{
	return ((struct fake_sysfs *)priv)->inner;
}

static int
fake_open(void *priv, const char *path, int flags)
{
	return pdk_sys_open(fake_inner(priv), path, flags);
}

static int
fake_close(void *priv, int fd)
{
	return pdk_sys_close(fake_inner(priv), fd);
}

static int
fake_ioctl(void *priv, int fd, unsigned long request, void *arg)
{
	return pdk_sys_ioctl(fake_inner(priv), fd, request, arg);
}

static ssize_t
fake_read(void *priv, int fd, void *buf, size_t len)
{
	return pdk_sys_read(fake_inner(priv), fd, buf, len);
}

static ssize_t
fake_write(void *priv, int fd, const void *buf, size_t len)
{
	return pdk_sys_write(fake_inner(priv), fd, buf, len);
}

static ssize_t
fake_pread(void *priv, int fd, void *buf, size_t len, uint64_t offset)
{
	return pdk_sys_pread(fake_inner(priv), fd, buf, len, offset);
}

static ssize_t
fake_pwrite(void *priv, int fd, const void *buf, size_t len, uint64_t offset)
{
	return pdk_sys_pwrite(fake_inner(priv), fd, buf, len, offset);
}

static int
fake_mmap(void *priv, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	return pdk_sys_mmap(fake_inner(priv), fd, len, prot, offset, addr);
}

static int
fake_munmap(void *priv, void *addr, size_t len)
{
	return pdk_sys_munmap(fake_inner(priv), addr, len);
}

static const struct pdk_sys_ops fake_ops = {
	.open = fake_open, .close = fake_close, .ioctl = fake_ioctl, .read = fake_read,
	.write = fake_write, .pread = fake_pread, .pwrite = fake_pwrite, .mmap = fake_mmap,
	.munmap = fake_munmap, .list_dir = fake_list_dir, .read_file = fake_read_file,
	.link_name = fake_link_name,
};

#define IDXD	"0000:6a:01.0"
#define NOCDEV	"0000:6a:02.0"
#define UNBOUND	"0000:6a:03.0"
#define NOIOMMU	"0000:6a:04.0"
#define VARIANT	"0000:6a:05.0"
#define EACCESS	"0000:6a:06.0"
#define HIGH	"ffff:00:01.0"
#define VMD	"10000:00:02.0"	/* Intel VMD: domains above ffff */

/* Not vfio-pci, unbound, no cdev, no-IOMMU cdev, variant driver, VMD domain, a rebind */
static int
test_fake_sysfs(void)
{
	struct fake_fn fns[] = {
		{ .addr = VMD, .vendor = "0x8086", .driver = "vfio-pci", .vfio_dev = "vfio3" },
		{ .addr = HIGH, .vendor = "0x8086", .driver = "vfio-pci", .vfio_dev = "vfio4" },
		{ .addr = IDXD, .vendor = "0x8086", .driver = "idxd" },
		{ .addr = NOCDEV, .vendor = "0x8086", .driver = "vfio-pci" },
		{ .addr = UNBOUND, .vendor = "0x8086" },
		{ .addr = NOIOMMU, .vendor = "0x8086", .driver = "vfio-pci",
		  .vfio_dev = "noiommu-vfio0" },
		{ .addr = VARIANT, .vendor = "0x8086", .driver = "mlx5_vfio_pci",
		  .vfio_dev = "vfio7" },
		{ .addr = EACCESS, .vendor = "0x8086", .vendor_err = -EACCES },
	};
	struct pdk_sim_config cfg = { .no_default_devices = true };
	struct fake_sysfs f = { .sys = { .name = "fake-sysfs", .is_sim = true, .ops = &fake_ops } };
	struct pdk_iommufd *ictx;
	struct pdk_bus_dev *idxd, *d;
	struct pdk_sim *sim;
	struct pdk_bus *bus;

	f.sys.priv = &f;
	f.fns = fns;
	f.n = sizeof(fns) / sizeof(fns[0]);
	TEST_ASSERT_OK(pdk_sim_create(&cfg, &sim));
	f.inner = pdk_sim_sys(sim);
	TEST_ASSERT_OK(pdk_iommufd_open(&f.sys, &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	test_log_capture_start();
	TEST_ASSERT_EQ(pdk_bus_scan(bus), f.n - 1);
	TEST_ASSERT_LOGGED(EACCESS ": cannot read its vendor and device IDs");
	/* address order is numeric: domain 10000 after ffff, unlike their text */
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(bus, 0)), IDXD) == 0, "order");
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(bus, f.n - 3)), HIGH) == 0, "order");
	TEST_ASSERT(strcmp(pdk_bus_dev_name(pdk_bus_dev_get(bus, f.n - 2)), VMD) == 0, "order");

	idxd = pdk_bus_dev_find(bus, IDXD);
	TEST_ASSERT_EQ(pdk_bus_dev_state(idxd), PDK_BUS_DEV_NOT_VFIO);
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(idxd), "bound to idxd, not vfio-pci: bind it "
			   "with `pdk-devbind --bind vfio-pci " IDXD "` (or: modprobe vfio-pci && "
			   "echo " IDXD " > /sys/bus/pci/devices/" IDXD "/driver/unbind && "
			   "echo vfio-pci > /sys/bus/pci/devices/" IDXD "/driver_override && ")
		    != NULL, "%s", pdk_bus_dev_state_text(idxd));
	d = pdk_bus_dev_find(bus, NOCDEV);
	TEST_ASSERT_EQ(pdk_bus_dev_state(d), PDK_BUS_DEV_NO_CDEV);
	TEST_ASSERT(strcmp(pdk_bus_dev_state_text(d), "vfio-pci without a VFIO cdev: the kernel "
			   "needs CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or later; PASID attach needs "
			   "6.15)") == 0, "%s", pdk_bus_dev_state_text(d));
	d = pdk_bus_dev_find(bus, UNBOUND);
	TEST_ASSERT_EQ(pdk_bus_dev_state(d), PDK_BUS_DEV_NOT_VFIO);
	TEST_ASSERT(strcmp(pdk_bus_dev_kdriver(d), "") == 0, "kdriver");
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(d), "not bound to any driver: bind it with "
			   "`pdk-devbind --bind vfio-pci " UNBOUND "` (or: modprobe vfio-pci && "
			   "echo vfio-pci > ") != NULL,
		    "%s", pdk_bus_dev_state_text(d));
	d = pdk_bus_dev_find(bus, NOIOMMU);
	TEST_ASSERT_EQ(pdk_bus_dev_state(d), PDK_BUS_DEV_NO_CDEV);
	TEST_ASSERT(strstr(pdk_bus_dev_state_text(d), "no-IOMMU mode") != NULL, "%s",
		    pdk_bus_dev_state_text(d));
	TEST_ASSERT_EQ(pdk_bus_dev_state(pdk_bus_dev_find(bus, VARIANT)), PDK_BUS_DEV_USABLE);
	d = pdk_bus_dev_find(bus, VMD);
	TEST_ASSERT_EQ(pdk_bus_dev_state(d), PDK_BUS_DEV_USABLE);
	TEST_ASSERT_EQ(pdk_bus_dev_vendor(d), 0x8086);
	TEST_ASSERT_EQ(pdk_bus_dev_device(d), 0x0b25);

	/* allowed, the no-cdev device is an error saying which kernel is needed */
	TEST_ASSERT_OK(pdk_bus_allow(bus, NOCDEV));
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_probe(bus), -ENOENT);
	TEST_ASSERT_LOGGED_ONCE(NOCDEV ": probe: no VFIO cdev: No such file or directory (-2); vfio-pci "
				"without a VFIO cdev: the kernel needs CONFIG_VFIO_DEVICE_CDEV "
				"(Linux 6.6 or later; PASID attach needs 6.15)");

	/* the user binds idxd's device to vfio-pci, one function goes away: rescan */
	fake_fn_by_addr(&f, IDXD)->driver = "vfio-pci";
	fake_fn_by_addr(&f, IDXD)->vfio_dev = "vfio9";
	fake_fn_by_addr(&f, UNBOUND)->gone = true;
	TEST_ASSERT_EQ(pdk_bus_scan(bus), f.n - 2);
	TEST_ASSERT(pdk_bus_dev_find(bus, IDXD) == idxd, "rescan changed a handle");
	TEST_ASSERT_EQ(pdk_bus_dev_state(idxd), PDK_BUS_DEV_USABLE);
	TEST_ASSERT(strcmp(pdk_bus_dev_state_text(idxd),
			   "bound to vfio-pci, VFIO cdev /dev/vfio/devices/vfio9") == 0, "%s",
		    pdk_bus_dev_state_text(idxd));
	TEST_ASSERT(pdk_bus_dev_find(bus, UNBOUND) == NULL, "a gone function is still listed");
	/* the allowance of a function that stays is kept */
	test_log_clear();
	TEST_ASSERT_RC(pdk_bus_probe(bus), -ENOENT);
	TEST_ASSERT_LOGGED_ONCE("; vfio-pci without a VFIO cdev");

	pdk_bus_destroy(bus);
	pdk_iommufd_close(ictx);
	TEST_ASSERT_SIM_CLEAN(sim);
	TEST_ASSERT_EQ(pdk_sim_destroy(sim), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_bus_fake_sysfs, fast, test_fake_sysfs);
