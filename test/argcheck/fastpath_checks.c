/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The fast path's debug checks (PDK_FASTPATH_CHECKS, meson option
 * -Dfastpath_checks=true): this file is always built with the define, so
 * the checks are tested whatever the option, on a driver that does nothing.
 * Each inline of pdk_dmadev.h must refuse an id that is not a device, a
 * queue that is not set up and a NULL status array with -EINVAL (or 0
 * completions) and an ERR line, and pass a good call to the driver quietly.
 */

#ifndef PDK_FASTPATH_CHECKS
#error "built with -DPDK_FASTPATH_CHECKS (test/argcheck/meson.build)"
#endif

#include <stdio.h>
#include <string.h>

#include "pdk_dmadev_pmd.h"
#include "pdk_log.h"

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

static void
f_info(void *dev, struct pdk_dmadev_info *info)
{
	(void)dev;
	info->capa = PDK_DMADEV_CAPA_COPY | PDK_DMADEV_CAPA_FILL | PDK_DMADEV_CAPA_SIM;
	info->max_queues = 2;
	info->min_desc = 16;
	info->max_desc = 64;
	info->max_xfer = 4096;
}

static int
f_configure(void *dev, const struct pdk_dmadev_conf *conf)
{
	(void)dev;
	(void)conf;
	return 0;
}

static int
f_setup(void *dev, uint16_t q, const struct pdk_dmadev_queue_conf *conf, void **fp_q)
{
	(void)q;
	(void)conf;
	*fp_q = dev;
	return 0;
}

static int
f_q(void *dev, uint16_t q)
{
	(void)dev;
	(void)q;
	return 0;
}

static int
f_dev(void *dev)
{
	(void)dev;
	return 0;
}

static int
f_copy(void *q, uint64_t src, uint64_t dst, uint32_t len, uint64_t flags)
{
	(void)q;
	(void)src;
	(void)dst;
	(void)len;
	(void)flags;
	return 7;
}

static int
f_fill(void *q, uint64_t pattern, uint64_t dst, uint32_t len, uint64_t flags)
{
	(void)q;
	(void)pattern;
	(void)dst;
	(void)len;
	(void)flags;
	return 8;
}

static int
f_submit(void *q)
{
	(void)q;
	return 0;
}

static uint16_t
f_completed(void *q, uint16_t nb, uint16_t *last, bool *err)
{
	(void)q;
	(void)err;
	*last = 0;
	return nb > 0 ? 1 : 0;
}

static uint16_t
f_completed_status(void *q, uint16_t nb, uint16_t *last, struct pdk_dmadev_status *st)
{
	(void)q;
	(void)st;
	*last = 0;
	return nb > 0 ? 1 : 0;
}

static uint16_t
f_capacity(const void *q)
{
	(void)q;
	return 5;
}

int
main(void)
{
	static const struct pdk_dmadev_ops ops = {
		.info_get = f_info, .configure = f_configure, .queue_setup = f_setup,
		.queue_release = f_q, .start = f_dev, .stop = f_dev, .close = f_dev,
	};
	static const struct pdk_dmadev_fp_ops fp_ops = {
		.copy = f_copy, .fill = f_fill, .submit = f_submit, .completed = f_completed,
		.completed_status = f_completed_status, .burst_capacity = f_capacity,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 16, .as = (struct pdk_dma_as *)&conf };
	struct pdk_dmadev_status st[1];
	uint16_t last;
	int dev_id, unused;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (pdk_dmadev_register("fastpath0", "fastpath", &ops, &fp_ops, &conf, &dev_id) < 0 ||
	    pdk_dmadev_configure(dev_id, &conf) < 0 || pdk_dmadev_queue_setup(dev_id, 0, &qc) < 0 ||
	    pdk_dmadev_start(dev_id) < 0) {
		printf("FAIL fixture: a device of the do-nothing driver\n");
		return 1;
	}
	unused = dev_id + 1;
	pdk_log_set_sink(sink, NULL, NULL, NULL);

	/* a started queue: every call reaches the driver, nothing is logged */
	check("copy on a started queue", pdk_dmadev_copy(dev_id, 0, 0x1000, 0x2000, 64, 0), 7, NULL);
	check("fill on a started queue", pdk_dmadev_fill(dev_id, 0, 0, 0x2000, 64, 0), 8, NULL);
	check("submit on a started queue", pdk_dmadev_submit(dev_id, 0), 0, NULL);
	check("completed on a started queue", pdk_dmadev_completed(dev_id, 0, 1, &last, NULL), 1, NULL);
	check("completed_status on a started queue",
	      pdk_dmadev_completed_status(dev_id, 0, 1, &last, st), 1, NULL);
	check("burst_capacity on a started queue", pdk_dmadev_burst_capacity(dev_id, 0), 5, NULL);

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

	/* a queue that is not set up, configured or past the table */
	check("copy, queue not set up", pdk_dmadev_copy(dev_id, 1, 0x1000, 0x2000, 64, 0), -EINVAL,
	      "queue 1 is not set up");
	check("submit, queue past the table", pdk_dmadev_submit(dev_id, PDK_DMADEV_MAX_QUEUES),
	      -EINVAL, "is not set up");
	check("completed_status, queue not configured",
	      pdk_dmadev_completed_status(dev_id, 3, 1, &last, st), 0, "queue 3 is not set up");

	/* a NULL status array */
	check("completed_status, NULL status",
	      pdk_dmadev_completed_status(dev_id, 0, 1, &last, NULL), 0, "NULL status array");

	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	if (pdk_dmadev_unregister(dev_id) < 0) {
		printf("FAIL teardown: unregister\n");
		failures++;
	}
	printf("fastpath checks: %d failed\n", failures);
	return failures == 0 ? 0 : 1;
}
