/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The fast path's debug checks (PDK_FASTPATH_CHECKS, meson option
 * -Dfastpath_checks=true): this file is always built with the define, so
 * the checks are tested whatever the option, on a skeleton device
 * (drivers/dma/skeleton) whose queue's space is on the SIMULATED kernel.
 * Each inline of pdk_dmadev.h must refuse an id that is not a device, a
 * queue that is not set up and a NULL status or ops array with -EINVAL (or
 * 0 completions) and an ERR line, and pass a good call to the driver quietly.
 */

#ifndef PDK_FASTPATH_CHECKS
#error "built with -DPDK_FASTPATH_CHECKS (test/argcheck/meson.build)"
#endif

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "pdk_dma.h"
#include "pdk_dma_skeleton.h"
#include "pdk_dmadev.h"
#include "pdk_iommufd.h"
#include "pdk_log.h"
#include "pdk_sim.h"

static unsigned int errs;
static char last_err[256];
static int failures;

static void
sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)component;
	(void)arg;
	if (level != PDK_LOG_ERR)
		return;
	errs++;
	snprintf(last_err, sizeof(last_err), "%s", line);
}

static void
check(const char *what, long long got, long long want, const char *logged)
{
	bool ok = got == want &&
		  (logged == NULL ? errs == 0 : errs == 1 && strstr(last_err, logged) != NULL);

	if (!ok) {
		printf("FAIL %s: returned %lld (want %lld), %u ERR lines (want %s), last \"%s\"\n",
		       what, got, want, errs, logged != NULL ? logged : "none", last_err);
		failures++;
	} else {
		printf("  ok %s\n", what);
	}
	errs = 0;
	last_err[0] = '\0';
}

/* A skeleton device with queue 0 of 2 on a space that maps one page at IOVA == VA. */
struct fixture {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_dma_as *as;
	uint8_t *page;
	int dev_id;
};

static int
fixture_build(struct fixture *fx)
{
	struct pdk_sim_config cfg = { .no_default_devices = true };
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 16 };
	int rc;

	memset(fx, 0, sizeof(*fx));
	fx->dev_id = -1;
	fx->page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fx->page == MAP_FAILED)
		return -ENOMEM;
	rc = pdk_sim_create(&cfg, &fx->sim);
	if (rc == 0)
		rc = pdk_iommufd_open(pdk_sim_sys(fx->sim), &fx->ictx);
	if (rc == 0)
		rc = pdk_dma_as_create(fx->ictx, "fastpath", &fx->as);
	if (rc == 0)
		rc = pdk_dma_map_iova(fx->as, fx->page, 4096, (uintptr_t)fx->page,
				      PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	if (rc == 0)
		rc = pdk_dma_skeleton_create("fastpath0", NULL, &fx->dev_id);
	qc.as = fx->as;
	if (rc == 0)
		rc = pdk_dmadev_configure(fx->dev_id, &conf);
	if (rc == 0)
		rc = pdk_dmadev_queue_setup(fx->dev_id, 0, &qc);
	if (rc == 0)
		rc = pdk_dmadev_start(fx->dev_id);
	return rc;
}

static int
fixture_teardown(struct fixture *fx)
{
	int rc = 0;

	if (fx->dev_id >= 0 && pdk_dma_skeleton_destroy(fx->dev_id) < 0)
		rc = -1;
	if (pdk_dma_as_destroy(fx->as) < 0)
		rc = -1;
	pdk_iommufd_close(fx->ictx);
	pdk_sim_destroy(fx->sim);
	munmap(fx->page, 4096);
	return rc;
}

int
main(void)
{
	struct pdk_dmadev_status st[2];
	struct pdk_dmadev_op ops[2];
	struct fixture fx;
	uint64_t src, dst;
	uint16_t last;
	int dev_id, unused;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (fixture_build(&fx) < 0) {
		printf("FAIL fixture: a started skeleton device (see the log above)\n");
		fixture_teardown(&fx);
		return 1;
	}
	dev_id = fx.dev_id;
	unused = dev_id + 1;
	src = (uintptr_t)fx.page;
	dst = src + 2048;
	pdk_log_set_sink(sink, NULL, NULL, NULL);

	/* a started queue: every call reaches the driver, nothing is logged */
	check("copy on a started queue", pdk_dmadev_copy(dev_id, 0, src, dst, 64, 0), 0, NULL);
	check("fill on a started queue", pdk_dmadev_fill(dev_id, 0, 0, dst, 64, 0), 1, NULL);
	check("submit on a started queue", pdk_dmadev_submit(dev_id, 0), 0, NULL);
	check("completed on a started queue", pdk_dmadev_completed(dev_id, 0, 1, &last, NULL), 1, NULL);
	check("completed_status on a started queue",
	      pdk_dmadev_completed_status(dev_id, 0, 1, &last, st), 1, NULL);
	check("burst_capacity on a started queue", pdk_dmadev_burst_capacity(dev_id, 0), 16, NULL);
	ops[0].src = ops[1].src = src;
	ops[0].dst = ops[1].dst = dst;
	ops[0].len = ops[1].len = 64;
	check("copy_burst on a started queue", pdk_dmadev_copy_burst(dev_id, 0, ops, 2, 0, NULL),
	      2, NULL);
	check("fill_burst on a started queue",
	      pdk_dmadev_fill_burst(dev_id, 0, ops, 2, PDK_DMADEV_OP_SUBMIT, NULL), 2, NULL);
	check("completed after the bursts", pdk_dmadev_completed_status(dev_id, 0, 2, &last, st)
	      + pdk_dmadev_completed_status(dev_id, 0, 2, &last, st), 4, NULL);

	/* an id that is not a device, negative or past the table */
	check("copy, no such device", pdk_dmadev_copy(unused, 0, 0x1000, 0x2000, 64, 0), -EINVAL,
	      "not a device");
	check("copy, negative id", pdk_dmadev_copy(-1, 0, 0x1000, 0x2000, 64, 0), -EINVAL,
	      "not a device");
	check("fill, id past the table", pdk_dmadev_fill(PDK_DMADEV_MAX_DEVS, 0, 0, 0x2000, 64, 0),
	      -EINVAL, "not a device");
	check("submit, no such device", pdk_dmadev_submit(unused, 0), -EINVAL, "not a device");
	check("completed, no such device", pdk_dmadev_completed(unused, 0, 1, NULL, NULL), 0,
	      "not a device");
	check("burst_capacity, no such device", pdk_dmadev_burst_capacity(unused, 0), 0,
	      "not a device");
	check("copy_burst, no such device", pdk_dmadev_copy_burst(unused, 0, ops, 1, 0, NULL),
	      -EINVAL, "not a device");
	check("fill_burst, id past the table",
	      pdk_dmadev_fill_burst(PDK_DMADEV_MAX_DEVS, 0, ops, 1, 0, NULL), -EINVAL,
	      "not a device");

	/* a queue that is not set up, configured or past the table */
	check("copy, queue not set up", pdk_dmadev_copy(dev_id, 1, 0x1000, 0x2000, 64, 0), -EINVAL,
	      "queue 1 is not set up");
	check("submit, queue past the table", pdk_dmadev_submit(dev_id, PDK_DMADEV_MAX_QUEUES),
	      -EINVAL, "is not set up");
	check("completed_status, queue not configured",
	      pdk_dmadev_completed_status(dev_id, 3, 1, &last, st), 0, "queue 3 is not set up");

	check("copy_burst, queue not set up", pdk_dmadev_copy_burst(dev_id, 1, ops, 1, 0, NULL),
	      -EINVAL, "queue 1 is not set up");

	/* a NULL status or ops array */
	check("copy_burst, NULL ops", pdk_dmadev_copy_burst(dev_id, 0, NULL, 1, 0, NULL), -EINVAL,
	      "NULL ops array");
	check("fill_burst, NULL ops", pdk_dmadev_fill_burst(dev_id, 0, NULL, 0, 0, NULL), -EINVAL,
	      "NULL ops array");
	check("completed_status, NULL status",
	      pdk_dmadev_completed_status(dev_id, 0, 1, &last, NULL), 0, "NULL status array");

	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	if (fixture_teardown(&fx) < 0) {
		printf("FAIL teardown (see the log above)\n");
		failures++;
	}
	printf("fastpath checks: %d failed\n", failures);
	return failures == 0 ? 0 : 1;
}
