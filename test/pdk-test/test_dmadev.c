/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * lib/dmadev: the registry, the state machine, the argument checks, the
 * fast-path slots and the stats, on devices of the skeleton driver
 * (drivers/dma/skeleton: a software copy engine, no hardware, no sim
 * model).
 *
 * Between the library and the skeleton sits a contract checker: an ops
 * table built on the skeleton's (pdk_dma_skeleton_conf.ops) whose every op
 * counts the call, checks what pdk_dmadev_pmd.h promises for it, fails once
 * when the test asks, then calls the skeleton's op. Each test ends by
 * asserting there was no violation.
 *
 * Tests named dmadev_* need nothing else. Tests that set queues up need
 * address spaces: they take real ones from an iommufd context on the
 * SIMULATED kernel (test_dma_env.h; no simulated device is used) and are
 * named sim_dmadev_*. An op touching the page the fixture leaves unmapped
 * faults there, as behind an IOMMU.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_dma.h"
#include "pdk_dma_skeleton.h"
#include "pdk_dmadev_pmd.h"
#include "pdk_log.h"
#include "pdk_test.h"
#include "test_dma_env.h"

/* ======================= the contract checker ======================= */

#define TDRV_LOG(...) PDK_LOG(ERR, "test-checker", __VA_ARGS__)
#define SKEL (pdk_dma_skeleton_ops())

struct tdrv_dev {
	const char *name;
	int dev_id;
	/* the device tdrv_create() makes */
	const struct pdk_dmadev_ops *ops;	/* NULL: tdrv_ops */
	bool no_pasid;
	/* with info_patch, info_get reports these four fields of info instead */
	bool info_patch;
	struct pdk_dmadev_info info;
	/* the next call of that op fails with this -errno (then 0 again), the skeleton not called */
	int fail_configure, fail_start, fail_stop;
	/* the driver's state, as the library's calls made it */
	bool started;
	bool stop_failed;	/* started, and its last stop failed */
	uint16_t nb_queues;
	bool set_up[PDK_DMADEV_MAX_QUEUES];
	struct pdk_dmadev_queue_conf qconf[PDK_DMADEV_MAX_QUEUES];
	/* what the driver saw */
	unsigned int n_configure, n_setup, n_release, n_start, n_stop, n_close, n_dump;
	unsigned int released[PDK_DMADEV_MAX_QUEUES];
	unsigned int violations;	/* calls the library promised never to make */
};

static struct tdrv_dev *
tdrv_of(void *dev)
{
	return pdk_dma_skeleton_priv(dev);
}

static void
tdrv_violation(struct tdrv_dev *d, const char *what)
{
	fprintf(stderr, "  test checker %s: contract violation: %s\n", d->name, what);
	d->violations++;
}

/*
 * The library installs a queue's slot only after the driver started and
 * puts the "not started" ops back before it stops: check from inside.
 */
static void
tdrv_check_slots_off(struct tdrv_dev *d, const char *when)
{
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		if (pdk_dmadev_fp[d->dev_id][q].ops == pdk_dma_skeleton_fp_ops()) {
			fprintf(stderr, "  test checker %s: queue %u: fast path live %s\n",
				d->name, q, when);
			d->violations++;
		}
}

static int
tdrv_take_failure(struct tdrv_dev *d, int *fail, const char *step)
{
	int rc = *fail;

	*fail = 0;
	if (rc < 0)
		TDRV_LOG("%s: %s: failure injected by the test", d->name, step);
	return rc;
}

static void
tdrv_info_get(void *dev, struct pdk_dmadev_info *info)
{
	struct tdrv_dev *d = tdrv_of(dev);

	SKEL->info_get(dev, info);
	if (d->info_patch) {
		info->max_queues = d->info.max_queues;
		info->min_desc = d->info.min_desc;
		info->max_desc = d->info.max_desc;
		info->pasid_width = d->info.pasid_width;
	}
}

static void
tdrv_info(void *dev, struct pdk_dmadev_info *info)
{
	memset(info, 0, sizeof(*info));
	tdrv_info_get(dev, info);
}

static int
tdrv_configure(void *dev, const struct pdk_dmadev_conf *conf)
{
	struct tdrv_dev *d = tdrv_of(dev);
	struct pdk_dmadev_info info;
	uint16_t q;
	int rc;

	d->n_configure++;
	tdrv_info(dev, &info);
	if (d->started)
		tdrv_violation(d, "configure while started");
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		if (d->set_up[q])
			tdrv_violation(d, "configure with a queue still set up");
	if (conf->nb_queues == 0 || conf->nb_queues > info.max_queues)
		tdrv_violation(d, "configure with a bad queue count");
	d->nb_queues = 0;
	rc = tdrv_take_failure(d, &d->fail_configure, "configure");
	if (rc == 0)
		rc = SKEL->configure(dev, conf);
	if (rc == 0)
		d->nb_queues = conf->nb_queues;
	return rc;
}

static int
tdrv_queue_setup(void *dev, uint16_t qid, const struct pdk_dmadev_queue_conf *conf, void **fp_q)
{
	struct tdrv_dev *d = tdrv_of(dev);
	struct pdk_dmadev_info info;
	int rc;

	d->n_setup++;
	tdrv_info(dev, &info);
	if (d->started)
		tdrv_violation(d, "queue_setup while started");
	if (qid >= d->nb_queues || d->set_up[qid]) {
		tdrv_violation(d, "queue_setup of a bad or set-up queue");
		return -EINVAL;
	}
	if ((conf->nb_desc & (conf->nb_desc - 1)) != 0 || conf->nb_desc < info.min_desc ||
	    conf->nb_desc > info.max_desc || conf->as == NULL)
		tdrv_violation(d, "queue_setup with a bad conf");
	if (conf->pasid != 0 && ((info.capa & PDK_DMADEV_CAPA_PASID) == 0 ||
				 conf->pasid >= (1u << info.pasid_width)))
		tdrv_violation(d, "queue_setup with a bad PASID");
	rc = SKEL->queue_setup(dev, qid, conf, fp_q);
	if (rc == 0) {
		d->set_up[qid] = true;
		d->qconf[qid] = *conf;
	}
	return rc;
}

static int
tdrv_queue_release(void *dev, uint16_t qid)
{
	struct tdrv_dev *d = tdrv_of(dev);

	d->n_release++;
	/* after a failed stop (close, unregister) the skeleton quiesces first */
	if (d->started && !d->stop_failed)
		tdrv_violation(d, "queue_release while started");
	if (qid >= PDK_DMADEV_MAX_QUEUES || !d->set_up[qid]) {
		tdrv_violation(d, "queue_release of a queue not set up");
		return 0;
	}
	d->released[qid]++;
	d->set_up[qid] = false;
	return SKEL->queue_release(dev, qid);
}

static int
tdrv_queue_info(void *dev, uint16_t qid, struct pdk_dmadev_queue_info *info)
{
	struct tdrv_dev *d = tdrv_of(dev);

	if (qid >= PDK_DMADEV_MAX_QUEUES || !d->set_up[qid]) {
		tdrv_violation(d, "queue_info of a queue not set up");
		return -EINVAL;
	}
	if (info->nb_desc != d->qconf[qid].nb_desc || info->as != d->qconf[qid].as)
		tdrv_violation(d, "queue_info without the library's fields");
	return SKEL->queue_info(dev, qid, info);
}

static int
tdrv_start(void *dev)
{
	struct tdrv_dev *d = tdrv_of(dev);
	unsigned int n = 0;
	uint16_t q;
	int rc;

	d->n_start++;
	tdrv_check_slots_off(d, "before the driver's start");
	if (d->started)
		tdrv_violation(d, "start while started (or after a failed stop)");
	for (q = 0; q < d->nb_queues; q++)
		n += d->set_up[q];
	if (n == 0)
		tdrv_violation(d, "start without a set-up queue");
	rc = tdrv_take_failure(d, &d->fail_start, "start");
	if (rc == 0)
		rc = SKEL->start(dev);
	if (rc == 0)
		d->started = true;
	return rc;
}

static int
tdrv_stop(void *dev)
{
	struct tdrv_dev *d = tdrv_of(dev);
	int rc;

	d->n_stop++;
	tdrv_check_slots_off(d, "while the driver stops");
	if (!d->started)
		tdrv_violation(d, "stop while stopped");
	rc = tdrv_take_failure(d, &d->fail_stop, "stop");
	if (rc < 0) {
		d->stop_failed = true;	/* the skeleton keeps running */
		return rc;
	}
	rc = SKEL->stop(dev);
	if (rc == 0) {
		d->started = false;
		d->stop_failed = false;
	}
	return rc;
}

static int
tdrv_close(void *dev)
{
	struct tdrv_dev *d = tdrv_of(dev);
	uint16_t q;

	d->n_close++;
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		if (d->set_up[q])
			tdrv_violation(d, "close with a queue still set up");
	/* close quiesces the device even after a failed stop */
	d->started = false;
	d->stop_failed = false;
	d->nb_queues = 0;
	return SKEL->close(dev);
}

static int
tdrv_stats_get(void *dev, uint16_t qid, struct pdk_dmadev_stats *stats)
{
	struct tdrv_dev *d = tdrv_of(dev);

	if (qid >= PDK_DMADEV_MAX_QUEUES || !d->set_up[qid]) {
		tdrv_violation(d, "stats_get of a queue not set up (or ALL)");
		return -EINVAL;
	}
	return SKEL->stats_get(dev, qid, stats);
}

static int
tdrv_stats_reset(void *dev, uint16_t qid)
{
	struct tdrv_dev *d = tdrv_of(dev);

	if (qid >= PDK_DMADEV_MAX_QUEUES || !d->set_up[qid]) {
		tdrv_violation(d, "stats_reset of a queue not set up (or ALL)");
		return -EINVAL;
	}
	return SKEL->stats_reset(dev, qid);
}

static int
tdrv_dump(void *dev, FILE *f)
{
	tdrv_of(dev)->n_dump++;
	return SKEL->dump(dev, f);
}

/* The skeleton's table with the checker's ops; the PASID ops stay the skeleton's. */
static struct pdk_dmadev_ops tdrv_ops;

static void
tdrv_init(struct tdrv_dev *d, const char *name)
{
	tdrv_ops = *SKEL;
	tdrv_ops.info_get = tdrv_info_get;
	tdrv_ops.configure = tdrv_configure;
	tdrv_ops.queue_setup = tdrv_queue_setup;
	tdrv_ops.queue_release = tdrv_queue_release;
	tdrv_ops.queue_info = tdrv_queue_info;
	tdrv_ops.start = tdrv_start;
	tdrv_ops.stop = tdrv_stop;
	tdrv_ops.close = tdrv_close;
	tdrv_ops.stats_get = tdrv_stats_get;
	tdrv_ops.stats_reset = tdrv_stats_reset;
	tdrv_ops.dump = tdrv_dump;
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->dev_id = -1;
	/* the skeleton's defaults, for tests that patch one field */
	d->info.max_queues = 4;
	d->info.min_desc = PDK_DMA_SKELETON_MIN_DESC;
	d->info.max_desc = 1024;
	d->info.pasid_width = PDK_DMA_SKELETON_PASID_WIDTH;
}

/* A skeleton device of 4 queues, 8..1024 descriptors, PASID width 8, through the checker. */
static int
tdrv_create(struct tdrv_dev *d, int *dev_id)
{
	struct pdk_dma_skeleton_conf conf = {
		.no_pasid = d->no_pasid,
		.ops = d->ops != NULL ? d->ops : &tdrv_ops,
		.priv = d,
	};
	int rc;

	rc = pdk_dma_skeleton_create(d->name, &conf, dev_id);
	if (rc == 0)
		d->dev_id = *dev_id;
	return rc;
}

static int
tdrv_register(struct tdrv_dev *d, const char *name, int *dev_id)
{
	tdrv_init(d, name);
	return tdrv_create(d, dev_id);
}

/* Unregister the device (if it still is) and free it. */
static int
tdrv_remove(const struct tdrv_dev *d)
{
	return pdk_dma_skeleton_destroy(d->dev_id);
}

/* ======================= tests without queues ======================= */

/* Register, look up, unregister; ids are the lowest free and reused; 64 at most. */
static int
test_dmadev_registry(void)
{
	static struct tdrv_dev devs[PDK_DMADEV_MAX_DEVS + 1];
	struct pdk_dmadev_info info;
	char name[32], names[PDK_DMADEV_MAX_DEVS][16];
	int id, a, b, c, i;

	test_log_capture_start();
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
	TEST_ASSERT_RC(pdk_dmadev_next(0), -ENODEV);
	TEST_REFUSED(pdk_dmadev_get_dev_id("nope"), -ENODEV, "nope");
	TEST_ASSERT_RC(pdk_dmadev_get_dev_id(NULL), -EINVAL);

	/* the name is copied: the caller's buffer may change afterwards */
	strcpy(name, "dev-a");
	TEST_ASSERT_OK(tdrv_register(&devs[0], name, &a));
	memset(name, 'x', sizeof(name) - 1);
	TEST_ASSERT_OK(tdrv_register(&devs[1], "dev-b", &b));
	TEST_ASSERT_OK(tdrv_register(&devs[2], "dev-c", &c));
	TEST_ASSERT_EQ(a, 0);
	TEST_ASSERT_EQ(b, 1);
	TEST_ASSERT_EQ(c, 2);
	TEST_ASSERT_EQ(pdk_dmadev_count(), 3);
	TEST_ASSERT_EQ(pdk_dmadev_get_dev_id("dev-a"), 0);
	TEST_ASSERT_EQ(pdk_dmadev_get_dev_id("dev-c"), 2);
	TEST_ASSERT(pdk_dmadev_is_valid(1) && !pdk_dmadev_is_valid(3));
	TEST_ASSERT(!pdk_dmadev_is_valid(-1) && !pdk_dmadev_is_valid(PDK_DMADEV_MAX_DEVS));
	TEST_ASSERT_EQ(pdk_dmadev_next(-7), 0);
	TEST_ASSERT_EQ(pdk_dmadev_next(1), 1);
	TEST_ASSERT_RC(pdk_dmadev_next(3), -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_next(PDK_DMADEV_MAX_DEVS), -ENODEV);

	/* info: the library's copies of name and driver, its queue count */
	TEST_ASSERT_OK(pdk_dmadev_info_get(a, &info));
	TEST_ASSERT(strcmp(info.name, "dev-a") == 0, "name '%s'", info.name);
	TEST_ASSERT(strcmp(info.driver, PDK_DMA_SKELETON_DRIVER) == 0);
	TEST_ASSERT(strcmp(info.backend, "sim") == 0, "backend '%s'", info.backend);
	TEST_ASSERT_EQ(info.max_queues, 4);
	TEST_ASSERT_EQ(info.nb_queues, 0);
	TEST_ASSERT(info.capa & PDK_DMADEV_CAPA_SIM);

	/* names are unique */
	TEST_REFUSED(tdrv_register(&devs[3], "dev-b", &id), -EEXIST, "dev-b");
	TEST_ASSERT_EQ(pdk_dmadev_count(), 3);

	/* the hole left by dev-b is the next id; dev-b's name is free again */
	TEST_ASSERT_OK(pdk_dmadev_unregister(b));
	TEST_ASSERT(!pdk_dmadev_is_valid(b));
	TEST_ASSERT_EQ(pdk_dmadev_count(), 2);
	TEST_ASSERT_EQ(pdk_dmadev_next(1), 2);
	TEST_REFUSED(pdk_dmadev_get_dev_id("dev-b"), -ENODEV, "dev-b");
	TEST_REFUSED(pdk_dmadev_unregister(b), -ENODEV, "no device with id 1");
	TEST_ASSERT_OK(tdrv_register(&devs[1], "dev-d", &id));
	TEST_ASSERT_EQ(id, 1);
	TEST_ASSERT_OK(tdrv_register(&devs[3], "dev-b", &id));
	TEST_ASSERT_EQ(id, 3);

	/* fill every id: the next one is refused, nothing changes */
	for (i = 4; i < PDK_DMADEV_MAX_DEVS; i++) {
		snprintf(names[i], sizeof(names[i]), "fill-%d", i);
		TEST_ASSERT_OK(tdrv_register(&devs[i], names[i], &id));
		TEST_ASSERT_EQ(id, i);
	}
	TEST_ASSERT_EQ(pdk_dmadev_count(), PDK_DMADEV_MAX_DEVS);
	TEST_REFUSED(tdrv_register(&devs[PDK_DMADEV_MAX_DEVS], "one-too-many", &id), -ENOSPC,
		     "one-too-many");
	TEST_ASSERT_EQ(pdk_dmadev_count(), PDK_DMADEV_MAX_DEVS);
	TEST_ASSERT_EQ(pdk_dmadev_get_dev_id("fill-63"), 63);
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		TEST_ASSERT_OK(pdk_dmadev_unregister(i));
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);
	/* the skeleton frees a device the library unregistered (dev-b's went with dev-d's create) */
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		TEST_ASSERT_OK(tdrv_remove(&devs[i]));
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		TEST_ASSERT_EQ(devs[i].violations, 0);
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_registry, fast, test_dmadev_registry);

/* register refuses bad names, incomplete op tables and inconsistent info */
static int
test_dmadev_register_args(void)
{
	const struct pdk_dmadev_fp_ops *skel_fp = pdk_dma_skeleton_fp_ops();
	const char *drv = PDK_DMA_SKELETON_DRIVER;
	struct pdk_dmadev_fp_ops fp;
	struct pdk_dmadev_ops ops;
	char longname[PDK_DMADEV_NAME_MAX + 1];
	struct tdrv_dev d;
	int id;

	tdrv_init(&d, "args");
	ops = tdrv_ops;
	fp = *skel_fp;
	test_log_capture_start();
	/* refused before any op is called: no device behind them */
	TEST_REFUSED(pdk_dmadev_register(NULL, drv, &tdrv_ops, skel_fp, NULL, &id), -EINVAL,
		     "NULL");
	TEST_REFUSED(pdk_dmadev_register("", drv, &tdrv_ops, skel_fp, NULL, &id), -EINVAL,
		     "empty");
	memset(longname, 'n', PDK_DMADEV_NAME_MAX);
	longname[PDK_DMADEV_NAME_MAX] = '\0';
	TEST_REFUSED(pdk_dmadev_register(longname, drv, &tdrv_ops, skel_fp, NULL, &id), -EINVAL,
		     "too long");
	TEST_REFUSED(pdk_dmadev_register("args", NULL, &tdrv_ops, skel_fp, NULL, &id), -EINVAL,
		     "args");
	TEST_REFUSED(pdk_dmadev_register("args", drv, &tdrv_ops, skel_fp, NULL, NULL), -EINVAL,
		     "args");
	TEST_REFUSED(pdk_dmadev_register("args", drv, NULL, skel_fp, NULL, &id), -EINVAL, "args");
	TEST_REFUSED(pdk_dmadev_register("args", drv, &tdrv_ops, NULL, NULL, &id), -EINVAL,
		     "fp_ops");
	ops.configure = NULL;
	TEST_REFUSED(pdk_dmadev_register("args", drv, &ops, skel_fp, NULL, &id), -EINVAL,
		     "ops->configure");
	fp.burst_capacity = NULL;
	TEST_REFUSED(pdk_dmadev_register("args", drv, &tdrv_ops, &fp, NULL, &id), -EINVAL,
		     "fp_ops->burst_capacity");

	/* a driver's info the library's checks could not trust (the skeleton's create passes it on) */
	d.info_patch = true;
	d.info.max_queues = 0;
	TEST_REFUSED(tdrv_create(&d, &id), -EINVAL, "max_queues");
	d.info.max_queues = PDK_DMADEV_MAX_QUEUES + 1;
	TEST_REFUSED(tdrv_create(&d, &id), -EINVAL, "max_queues");
	d.info.max_queues = 4;
	d.info.min_desc = 0;
	TEST_REFUSED(tdrv_create(&d, &id), -EINVAL, "min_desc");
	d.info.min_desc = 2048;
	TEST_REFUSED(tdrv_create(&d, &id), -EINVAL, "min_desc");
	d.info.min_desc = 8;
	d.info.pasid_width = 21;
	TEST_REFUSED(tdrv_create(&d, &id), -EINVAL, "pasid_width");
	TEST_ASSERT_EQ(pdk_dmadev_count(), 0);

	/* the optional ops may be absent; a 63-character name fits */
	d.info.pasid_width = 8;
	ops = tdrv_ops;
	ops.queue_info = NULL;
	ops.stats_get = NULL;
	ops.stats_reset = NULL;
	ops.dump = NULL;
	longname[PDK_DMADEV_NAME_MAX - 1] = '\0';
	d.name = longname;
	d.ops = &ops;
	TEST_ASSERT_OK(tdrv_create(&d, &id));
	TEST_ASSERT_EQ(pdk_dmadev_get_dev_id(longname), id);
	TEST_ASSERT_OK(pdk_dmadev_unregister(id));
	TEST_ASSERT_OK(tdrv_remove(&d));
	test_log_capture_stop();
	TEST_ASSERT_EQ(d.violations, 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_register_args, fast, test_dmadev_register_args);

/* Every call on an id that is not a device: -ENODEV, logged; fast path too */
static int
test_dmadev_bad_id(void)
{
	const int bad[] = { -1, 5, PDK_DMADEV_MAX_DEVS, 1000 };
	const struct pdk_dmadev_op bops[1] = { { .src = 0x1000, .dst = 0x2000, .len = 8 } };
	struct pdk_dmadev_conf conf = { .nb_queues = 1 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_status st[2];
	struct pdk_dmadev_stats s;
	struct pdk_dmadev_info info;
	struct tdrv_dev d;
	bool err = true;
	unsigned int i;
	uint16_t last = 77;
	int id;

	/* one real device, so the bad ids are not simply "the registry is empty" */
	TEST_ASSERT_OK(tdrv_register(&d, "only", &id));
	test_log_capture_start();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int b = bad[i];

		TEST_REFUSED(pdk_dmadev_info_get(b, &info), -ENODEV, "no device with id");
		TEST_REFUSED(pdk_dmadev_configure(b, &conf), -ENODEV, "configure");
		TEST_REFUSED(pdk_dmadev_queue_setup(b, 0, &qc), -ENODEV, "queue_setup");
		TEST_REFUSED(pdk_dmadev_queue_release(b, 0), -ENODEV, "queue_release");
		TEST_REFUSED(pdk_dmadev_queue_info(b, 0, &qi), -ENODEV, "queue_info");
		TEST_REFUSED(pdk_dmadev_start(b), -ENODEV, "start");
		TEST_REFUSED(pdk_dmadev_stop(b), -ENODEV, "stop");
		TEST_REFUSED(pdk_dmadev_close(b), -ENODEV, "close");
		TEST_REFUSED(pdk_dmadev_stats_get(b, 0, &s), -ENODEV, "stats_get");
		TEST_REFUSED(pdk_dmadev_stats_reset(b, PDK_DMADEV_ALL_QUEUES), -ENODEV,
			     "stats_reset");
		TEST_REFUSED(pdk_dmadev_dump(b, stderr), -ENODEV, "dump");
		TEST_REFUSED(pdk_dmadev_unregister(b), -ENODEV, "unregister");
	}

	/* fast path: beyond the slot table -EINVAL, an empty slot -ENODEV */
	TEST_ASSERT_RC(pdk_dmadev_copy(-1, 0, 0x1000, 0x2000, 8, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(PDK_DMADEV_MAX_DEVS, 0, 0x1000, 0x2000, 8, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_fill(PDK_DMADEV_MAX_DEVS, 0, 0, 0x2000, 8, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_submit(-5, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, PDK_DMADEV_MAX_QUEUES, 0x1000, 0x2000, 8, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, PDK_DMADEV_ALL_QUEUES, 0x1000, 0x2000, 8, 0), -EINVAL);
	TEST_ASSERT_EQ(pdk_dmadev_completed(-1, 0, 4, &last, &err), 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, PDK_DMADEV_MAX_QUEUES, 2, &last, st), 0);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(PDK_DMADEV_MAX_DEVS, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy(5, 0, 0x1000, 0x2000, 8, 0), -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_submit(63, 15), -ENODEV);
	TEST_ASSERT_EQ(last, 77);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(-1, 0, bops, 1, 0, NULL), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_fill_burst(id, PDK_DMADEV_MAX_QUEUES, bops, 1, 0, NULL), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(5, 0, bops, 1, 0, NULL), -ENODEV);

	/* NULL outputs of a real device */
	TEST_REFUSED(pdk_dmadev_info_get(id, NULL), -EINVAL, "only");
	TEST_REFUSED(pdk_dmadev_configure(id, NULL), -EINVAL, "only");
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_bad_id, fast, test_dmadev_bad_id);

/* Calls out of order and bad configurations never reach the driver */
static int
test_dmadev_configure_errors(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 0 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = 64 };
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_stats s;
	struct pdk_dmadev_info info;
	struct tdrv_dev d, d2;
	int id, id2;

	TEST_ASSERT_OK(tdrv_register(&d, "cfg", &id));
	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_configure(id, &conf), -EINVAL, "cfg: configure: 0 queues");
	conf.nb_queues = 5;	/* the device has 4 */
	TEST_REFUSED(pdk_dmadev_configure(id, &conf), -EINVAL, "1..4");
	TEST_ASSERT_EQ(d.n_configure, 0);

	/* everything that needs a configured device */
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "not configured");
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, NULL), -EINVAL, "NULL conf");
	TEST_REFUSED(pdk_dmadev_queue_release(id, 0), -EINVAL, "not configured");
	TEST_REFUSED(pdk_dmadev_queue_info(id, 0, &qi), -EINVAL, "not configured");
	TEST_REFUSED(pdk_dmadev_start(id), -EINVAL, "not configured");
	TEST_REFUSED(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s), -EINVAL,
		     "not configured");
	TEST_REFUSED(pdk_dmadev_stats_reset(id, 0), -EINVAL, "not configured");
	TEST_ASSERT_OK(pdk_dmadev_stop(id));	/* not started: nothing to do */

	conf.nb_queues = 4;
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &conf));
	TEST_ASSERT_EQ(d.n_configure, 1);
	TEST_ASSERT_OK(pdk_dmadev_info_get(id, &info));
	TEST_ASSERT_EQ(info.nb_queues, 4);
	/* configured, but no queue set up yet */
	TEST_REFUSED(pdk_dmadev_start(id), -EINVAL, "no queue is set up");
	TEST_REFUSED(pdk_dmadev_queue_release(id, 0), -EINVAL, "not set up");
	TEST_REFUSED(pdk_dmadev_queue_release(id, 4), -EINVAL, "configured with 4 queues");
	TEST_REFUSED(pdk_dmadev_queue_info(id, 1, NULL), -EINVAL, "NULL info");
	TEST_REFUSED(pdk_dmadev_queue_info(id, 1, &qi), -EINVAL, "not set up");
	TEST_REFUSED(pdk_dmadev_stats_get(id, 0, &s), -EINVAL, "not set up");
	TEST_REFUSED(pdk_dmadev_stats_get(id, 0, NULL), -EINVAL, "NULL stats");
	/* all queues of a device without any: zeros */
	memset(&s, 0xff, sizeof(s));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT(s.submitted == 0 && s.completed == 0 && s.bytes == 0);
	TEST_ASSERT_EQ(d.n_start, 0);
	TEST_ASSERT_EQ(d.n_setup, 0);
	TEST_ASSERT_EQ(d.n_release, 0);

	/* a configure the driver refuses leaves the device not configured ... */
	d.fail_configure = -EIO;
	TEST_REFUSED(pdk_dmadev_configure(id, &conf), -EIO, "cfg: configure: failure injected");
	TEST_REFUSED(pdk_dmadev_start(id), -EINVAL, "not configured");
	TEST_ASSERT_OK(pdk_dmadev_info_get(id, &info));
	TEST_ASSERT_EQ(info.nb_queues, 0);
	/* ... but the driver may hold part of it: close still reaches it, once */
	TEST_ASSERT_OK(pdk_dmadev_close(id));
	TEST_ASSERT_EQ(d.n_close, 1);
	TEST_ASSERT_OK(pdk_dmadev_close(id));
	TEST_ASSERT_EQ(d.n_close, 1);

	/* a device never configured: close and unregister do not call the driver's close */
	TEST_ASSERT_OK(tdrv_register(&d2, "never-configured", &id2));
	TEST_ASSERT_OK(pdk_dmadev_close(id2));
	TEST_ASSERT_OK(pdk_dmadev_unregister(id2));
	TEST_ASSERT_OK(tdrv_remove(&d2));	/* frees what the library unregistered */
	TEST_ASSERT_EQ(d2.n_close, 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_EQ(d2.violations, 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_configure_errors, fast, test_dmadev_configure_errors);

/* The fast path of a queue that is not started answers -ENODEV / 0, logged once */
static int
test_dmadev_fast_path_not_started(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	const struct pdk_dmadev_op bops[2] = {
		{ .src = 0x1000, .dst = 0x2000, .len = 64 },
		{ .src = 0x1000, .dst = 0x3000, .len = 64 },
	};
	struct pdk_dmadev_status st[4];
	struct tdrv_dev d;
	uint16_t last = 1234, first = 4321;
	bool err = true;
	int id;

	TEST_ASSERT_OK(tdrv_register(&d, "idle", &id));
	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, 0x1000, 0x2000, 64, 0), -ENODEV);
	TEST_ASSERT_LOGGED("not started");
	TEST_ASSERT_RC(pdk_dmadev_fill(id, 0, 0, 0x2000, 64, PDK_DMADEV_OP_SUBMIT), -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_submit(id, 3), -ENODEV);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 4, &last, &err), 0);
	TEST_ASSERT(!err, "has_error set on a queue that is not started");
	TEST_ASSERT_EQ(last, 1234);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 4, NULL, NULL), 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 1, 4, &last, st), 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 1, 4, &last, NULL), 0);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 0);
	/* a burst is refused as a whole, an empty one included */
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 0, bops, 2, PDK_DMADEV_OP_SUBMIT, &first),
		       -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_fill_burst(id, 0, bops, 0, 0, &first), -ENODEV);
	TEST_ASSERT_EQ(first, 4321);
	/* configured, queues not set up: still not started */
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &conf));
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 1, 0x1000, 0x2000, 64, 0), -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 1, bops, 1, 0, NULL), -ENODEV);
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_fast_path_not_started, fast, test_dmadev_fast_path_not_started);

static int
test_dmadev_status_name(void)
{
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(PDK_DMADEV_ST_SUCCESS), "success") == 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(PDK_DMADEV_ST_PAGE_FAULT), "page-fault") == 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(PDK_DMADEV_ST_INVALID), "invalid") == 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(PDK_DMADEV_ST_ERROR), "error") == 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(PDK_DMADEV_ST_NOT_ATTEMPTED),
			   "not-attempted") == 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name((enum pdk_dmadev_status_code)99),
			   "unknown") == 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(dmadev_status_name, fast, test_dmadev_status_name);

/* ======================= tests with queues (address spaces on the sim) ======================= */

/* Every bad queue conf is -EINVAL, every change while started -EBUSY, before the driver */
static int
test_dmadev_queue_setup_errors(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc;
	struct pdk_dmadev_queue_info qi;
	struct tdrv_dev d, np;
	struct dma_env e;
	int id, nid;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "qs", &id));
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &conf));
	qc = (struct pdk_dmadev_queue_conf){ .nb_desc = 64, .as = e.as[0], .pasid = 0 };
	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 2, &qc), -EINVAL, "qs: queue_setup 2");
	TEST_REFUSED(pdk_dmadev_queue_setup(id, PDK_DMADEV_ALL_QUEUES, &qc), -EINVAL, "qs");
	qc.nb_desc = 0;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "power of two in [8, 1024]");
	qc.nb_desc = 48;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "nb_desc 48");
	qc.nb_desc = 4;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "nb_desc 4");
	qc.nb_desc = 2048;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "nb_desc 2048");
	qc.nb_desc = 64;
	qc.as = NULL;
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "NULL address space");
	qc.as = e.as[0];
	qc.pasid = 256;	/* width 8 */
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EINVAL, "PASID 256 is outside [1, 2^8)");
	TEST_ASSERT_EQ(d.n_setup, 0);

	/* a device that cannot tag its DMA takes no PASID, but works with 0 */
	tdrv_init(&np, "no-pasid");
	np.no_pasid = true;
	TEST_ASSERT_OK(tdrv_create(&np, &nid));
	TEST_ASSERT_OK(pdk_dmadev_configure(nid, &conf));
	qc.pasid = 5;
	TEST_REFUSED(pdk_dmadev_queue_setup(nid, 0, &qc), -EINVAL, "PDK_DMADEV_CAPA_PASID");
	TEST_ASSERT_EQ(np.n_setup, 0);
	qc.pasid = 0;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(nid, 0, &qc));
	TEST_ASSERT_OK(tdrv_remove(&np));

	/* the highest PASID of the width is fine; the driver refuses it twice */
	qc.pasid = 255;
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 1, &qc), -EBUSY, "qs: queue_setup 1: PASID 255");
	TEST_REFUSED(pdk_dmadev_queue_info(id, 1, &qi), -EINVAL, "not set up");
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 0, &qi));
	TEST_ASSERT_EQ(qi.pasid, 255);

	/* started: no configure, setup or release */
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	qc.pasid = 0;
	TEST_REFUSED(pdk_dmadev_configure(id, &conf), -EBUSY, "qs: configure: the device is started");
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 1, &qc), -EBUSY, "call pdk_dmadev_stop() first");
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EBUSY, "qs");
	TEST_REFUSED(pdk_dmadev_queue_release(id, 0), -EBUSY, "qs: queue_release 0");
	TEST_ASSERT_EQ(d.n_configure, 1);
	TEST_ASSERT_EQ(d.n_setup, 2);
	TEST_ASSERT_EQ(d.n_release, 0);
	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 0));
	TEST_ASSERT_EQ(d.released[0], 1);
	TEST_REFUSED(pdk_dmadev_queue_release(id, 0), -EINVAL, "not set up");
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_EQ(np.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_queue_setup_errors, fast, test_dmadev_queue_setup_errors);

/*
 * The state machine: start twice and stop twice do nothing more; the fast
 * path works only between start and stop; setting a queue up again
 * releases the old one; configure releases every queue; close and
 * unregister of a started device stop it and release everything.
 */
static int
test_dmadev_lifecycle(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 3 };
	uint64_t *src, *dst;
	struct pdk_dmadev_queue_conf qc;
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_info info;
	struct tdrv_dev d;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	src = (uint64_t *)e.mem;
	dst = src + 64;
	for (id = 0; id < 8; id++)
		src[id] = (uint64_t)id + 1;
	TEST_ASSERT_OK(tdrv_register(&d, "life", &id));
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &conf));
	qc = (struct pdk_dmadev_queue_conf){ .nb_desc = 64, .as = e.as[0] };
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));
	qc.as = e.as[1];
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 0, &qi));
	TEST_ASSERT_EQ(qi.nb_desc, 64);
	TEST_ASSERT_EQ(qi.pasid, 1);	/* the driver chose it */
	TEST_ASSERT(qi.as == e.as[0]);
	TEST_ASSERT_EQ(qi.hwpt_id, 0);	/* the skeleton attaches nothing */
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 1, &qi));
	TEST_ASSERT_EQ(qi.pasid, 2);
	TEST_ASSERT(qi.as == e.as[1]);

	test_log_capture_start();
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_OK(pdk_dmadev_start(id));	/* already started: 0, the driver not called */
	TEST_ASSERT_EQ(d.n_start, 1);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 1, IOVA(src), IOVA(dst), 8, 0), 0);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 1), 63);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 2, IOVA(src), IOVA(dst), 8, 0), -ENODEV);	/* not set up */
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 3, IOVA(src), IOVA(dst), 8, 0), -ENODEV);	/* not configured */

	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	TEST_ASSERT_OK(pdk_dmadev_stop(id));	/* already stopped: 0, the driver not called */
	TEST_ASSERT_EQ(d.n_stop, 1);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), -ENODEV);
	TEST_ASSERT_RC(pdk_dmadev_submit(id, 1), -ENODEV);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, NULL, NULL), 0);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 1), 0);

	/* set queue 0 up again, bigger: the driver releases the old one first */
	qc = (struct pdk_dmadev_queue_conf){ .nb_desc = 128, .as = e.as[0], .pasid = 1 };
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 0, &qc));	/* its own PASID again */
	TEST_ASSERT_EQ(d.released[0], 1);
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 0, &qi));
	TEST_ASSERT_EQ(qi.nb_desc, 128);
	TEST_ASSERT_EQ(qi.pasid, 1);

	/* restart: the fast path is back */
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_EQ(d.n_start, 2);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 128);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 64, PDK_DMADEV_OP_SUBMIT), 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, NULL, NULL), 1);
	TEST_ASSERT(memcmp(src, dst, 8 * sizeof(*src)) == 0);
	TEST_ASSERT_OK(pdk_dmadev_stop(id));

	/* configure again: every set-up queue is released first */
	conf.nb_queues = 2;
	TEST_ASSERT_OK(pdk_dmadev_configure(id, &conf));
	TEST_ASSERT_EQ(d.released[0], 2);
	TEST_ASSERT_EQ(d.released[1], 1);
	TEST_ASSERT_RC(pdk_dmadev_queue_info(id, 0, &qi), -EINVAL);

	/* close a started device: stop, release each queue, close */
	TEST_ASSERT_OK(dma_env_setup_queues(id, 2, 2, 64, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_OK(pdk_dmadev_close(id));
	TEST_ASSERT_EQ(d.n_stop, 3);
	TEST_ASSERT_EQ(d.released[0], 3);
	TEST_ASSERT_EQ(d.released[1], 2);
	TEST_ASSERT_EQ(d.n_close, 1);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_info_get(id, &info));
	TEST_ASSERT_EQ(info.nb_queues, 0);
	TEST_ASSERT_RC(pdk_dmadev_start(id), -EINVAL);

	/* a closed device can be configured again; unregister of it started */
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 64, e.as[1]));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), 0);
	TEST_ASSERT_OK(pdk_dmadev_unregister(id));
	TEST_ASSERT_OK(tdrv_remove(&d));	/* frees what the library unregistered */
	TEST_ASSERT_EQ(d.n_stop, 4);
	TEST_ASSERT_EQ(d.released[0], 4);
	TEST_ASSERT_EQ(d.n_close, 2);
	TEST_ASSERT(!pdk_dmadev_is_valid(id));
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), -ENODEV);
	test_log_capture_stop();
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_lifecycle, fast, test_dmadev_lifecycle);

/* close releases every set-up queue: the driver sees queue_release for each, then close */
static int
test_dmadev_close_releases(void)
{
	struct tdrv_dev d;
	struct dma_env e;
	uint16_t q;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "closer", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 4, 4, 256, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 2));	/* one released by hand */
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 2, 0x1000, 0x2000, 8, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_close(id));
	for (q = 0; q < 4; q++)
		TEST_ASSERT_EQ(d.released[q], 1);
	TEST_ASSERT_EQ(d.n_release, 4);
	TEST_ASSERT_EQ(d.n_close, 1);
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		TEST_ASSERT(!d.set_up[q], "queue %u still held by the driver", q);
	/* unregister after close has nothing left to release */
	TEST_ASSERT_OK(pdk_dmadev_unregister(id));
	TEST_ASSERT_OK(tdrv_remove(&d));	/* frees what the library unregistered */
	TEST_ASSERT_EQ(d.n_release, 4);
	TEST_ASSERT_EQ(d.n_close, 1);
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_close_releases, fast, test_dmadev_close_releases);

/* A driver whose start or stop fails: the library's state stays safe */
static int
test_dmadev_driver_failures(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc;
	struct tdrv_dev d;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "flaky", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 2, 2, 64, e.as[0]));
	qc = (struct pdk_dmadev_queue_conf){ .nb_desc = 64, .as = e.as[0] };
	test_log_capture_start();

	/* a failed start leaves the device stopped and the fast path off */
	d.fail_start = -EIO;
	TEST_REFUSED(pdk_dmadev_start(id), -EIO, "flaky: start: failure injected");
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, 0x1000, 0x2000, 8, 0), -ENODEV);
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));	/* stopped: allowed */
	TEST_ASSERT_OK(pdk_dmadev_start(id));

	/* a failed stop: fast path off, but nothing may reuse the queues */
	d.fail_stop = -ETIMEDOUT;
	/* the driver's ERR line, then the library's WARNING of the state it keeps */
	TEST_REFUSED(pdk_dmadev_stop(id), -ETIMEDOUT, "flaky: stop: the driver failed (above)");
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, 0x1000, 0x2000, 8, 0), -ENODEV);
	TEST_REFUSED(pdk_dmadev_start(id), -EBUSY, "failed to stop");
	TEST_REFUSED(pdk_dmadev_configure(id, &conf), -EBUSY, "stop failed");
	TEST_REFUSED(pdk_dmadev_queue_setup(id, 0, &qc), -EBUSY, "stop failed");
	TEST_REFUSED(pdk_dmadev_queue_release(id, 0), -EBUSY, "stop failed");
	TEST_ASSERT_EQ(d.n_release, 1);	/* the re-setup of queue 1 only */
	/* stopping again works, and so does a restart */
	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, 0x1000, 0x1000, 8, 0), 0);

	/* close goes on past a failed stop: queues released, driver closed */
	d.fail_stop = -ETIMEDOUT;
	TEST_REFUSED(pdk_dmadev_close(id), -ETIMEDOUT, "flaky: stop: failure injected");
	TEST_ASSERT_EQ(d.released[0], 1);
	TEST_ASSERT_EQ(d.released[1], 2);
	TEST_ASSERT_EQ(d.n_close, 1);
	TEST_ASSERT_RC(pdk_dmadev_start(id), -EINVAL);	/* not configured any more */
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_driver_failures, fast, test_dmadev_driver_failures);

/* copy, fill, submit and completions, in order, with data checked */
static int
test_dmadev_copy_fill(void)
{
	const uint64_t pat = 0x1122334455667788ull;
	struct pdk_dmadev_status st[20];
	uint8_t *src, *dst;
	struct tdrv_dev d;
	struct dma_env e;
	uint16_t last = 0;
	bool err = true;
	unsigned int i;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "mover", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 16, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	src = e.mem;
	dst = e.mem + DMA_ENV_PAGE;
	for (i = 0; i < 512; i++)
		src[i] = (uint8_t)(i * 7 + 1);

	/* enqueued ops do nothing until submitted */
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 100, 0), 0);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src + 100), IOVA(dst + 100), 100, 0), 1);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src + 200), IOVA(dst + 200), 56, 0), 2);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 0);
	TEST_ASSERT(!err);
	TEST_ASSERT_EQ(dst[0], 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	/* in order, as many as asked */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 2, &last, &err), 2);
	TEST_ASSERT_EQ(last, 1);
	TEST_ASSERT(!err);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 1);
	TEST_ASSERT_EQ(last, 2);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 0);
	TEST_ASSERT_EQ(last, 2);
	TEST_ASSERT(memcmp(src, dst, 256) == 0);

	/* fill with submit in the same call; its status reports the bytes */
	TEST_ASSERT_EQ(pdk_dmadev_fill(id, 0, pat, IOVA(dst + 256), 20, PDK_DMADEV_OP_SUBMIT), 3);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 4, &last, st), 1);
	TEST_ASSERT_EQ(last, 3);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(st[0].bytes_done, 20);
	for (i = 0; i < 20; i++)
		TEST_ASSERT_EQ(dst[256 + i], (uint8_t)(pat >> (8 * (i % 8))));
	TEST_ASSERT_EQ(dst[276], 0);

	/* the ring holds 16: the 17th waits for completions */
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 16);
	for (i = 0; i < 16; i++)
		TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), 4 + i);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 8, 0), -ENOSPC);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 20, &last, st), 16);
	TEST_ASSERT_EQ(last, 19);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 16);
	/* the driver judges lengths */
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst), 0, 0), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_copy(id, 0, IOVA(src), IOVA(dst),
				       PDK_DMA_SKELETON_MAX_XFER + 1, 0), -EINVAL);
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_copy_fill, fast, test_dmadev_copy_fill);

/*
 * The burst API on a driver without copy_burst / fill_burst (the
 * skeleton): the inline loops over copy / fill with the burst's contract.
 * It enqueues what it can from the first op and says how many; the op it
 * stopped at is refused with its -errno by the next call. Nothing of it is
 * logged (the fast path logs nothing but a queue that is not started).
 */
static int
test_dmadev_burst(void)
{
	const uint64_t pat = 0x0102030405060708ull;
	struct pdk_dmadev_op ops[20];
	struct pdk_dmadev_status st[20];
	struct pdk_dmadev_stats s;
	uint8_t *src, *dst, *hole;
	struct tdrv_dev d;
	struct dma_env e;
	uint16_t last = 0, first = 999;
	bool err = true;
	unsigned int i;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "burster", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 16, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	src = e.mem;
	dst = e.mem + DMA_ENV_PAGE;
	hole = e.hole;
	for (i = 0; i < 512; i++)
		src[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < 20; i++) {
		ops[i].src = IOVA(src + 16 * i);
		ops[i].dst = IOVA(dst + 16 * i);
		ops[i].len = 16;
	}
	test_log_capture_start();

	/* NULL ops, an empty burst: nothing enqueued */
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 0, NULL, 4, 0, &first), -EINVAL);
	TEST_ASSERT_RC(pdk_dmadev_fill_burst(id, 0, NULL, 0, 0, &first), -EINVAL);
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(id, 0, ops, 0, 0, &first), 0);
	TEST_ASSERT_EQ(first, 999);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 16);

	/* three copies in one call, ring indexes 0..2; nothing runs before submit */
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(id, 0, ops, 3, 0, &first), 3);
	TEST_ASSERT_EQ(first, 0);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 0);
	TEST_ASSERT_EQ(dst[0], 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 16, &last, &err), 3);
	TEST_ASSERT(!err);
	TEST_ASSERT_EQ(last, 2);
	TEST_ASSERT(memcmp(src, dst, 48) == 0);

	/* fills, with the submit flag; first_idx may be NULL */
	for (i = 0; i < 2; i++) {
		ops[i].src = pat + i;
		ops[i].dst = IOVA(dst + 256 + 32 * i);
		ops[i].len = 32;
	}
	TEST_ASSERT_EQ(pdk_dmadev_fill_burst(id, 0, ops, 2, PDK_DMADEV_OP_SUBMIT, NULL), 2);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 16, &last, st), 2);
	TEST_ASSERT_EQ(last, 4);
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(st[1].bytes_done, 32);
	for (i = 0; i < 32; i++)
		TEST_ASSERT_EQ(dst[256 + 32 + i], (uint8_t)((pat + 1) >> (8 * (i % 8))));

	/* more than the ring's room: what fits, then -ENOSPC for the rest */
	for (i = 0; i < 20; i++) {
		ops[i].src = IOVA(src);
		ops[i].dst = IOVA(dst);
		ops[i].len = 8;
	}
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(id, 0, ops, 20, 0, &first), 16);
	TEST_ASSERT_EQ(first, 5);
	TEST_ASSERT_EQ(pdk_dmadev_burst_capacity(id, 0), 0);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 0, ops + 16, 4, PDK_DMADEV_OP_SUBMIT, &first),
		       -ENOSPC);
	TEST_ASSERT_EQ(first, 5);
	/* a refused burst did not submit: the 16 are still pending */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 20, &last, &err), 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 20, &last, &err), 16);
	TEST_ASSERT_EQ(last, 20);

	/* a bad length in the middle: the ops before it, then its -EINVAL */
	ops[2].len = 0;
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(id, 0, ops, 5, PDK_DMADEV_OP_SUBMIT, &first), 2);
	TEST_ASSERT_EQ(first, 21);
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 0, ops + 2, 3, 0, &first), -EINVAL);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 20, &last, &err), 2);	/* submitted */
	TEST_ASSERT_EQ(last, 22);
	ops[2].len = PDK_DMA_SKELETON_MAX_XFER + 1;
	TEST_ASSERT_RC(pdk_dmadev_copy_burst(id, 0, ops + 2, 3, 0, &first), -EINVAL);
	ops[2].len = 8;

	/* a fault in the middle of a burst: completed() stops there, the status says it */
	ops[1].dst = IOVA(hole + 64);
	TEST_ASSERT_EQ(pdk_dmadev_copy_burst(id, 0, ops, 4, PDK_DMADEV_OP_SUBMIT, &first), 4);
	TEST_ASSERT_EQ(first, 23);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, &last, &err), 1);
	TEST_ASSERT(err, "has_error not set at the faulting op of the burst");
	TEST_ASSERT_EQ(last, 23);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 8, &last, st), 3);
	TEST_ASSERT_EQ(last, 26);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_addr, IOVA(hole + 64));
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(st[2].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT(hole[64] == 0);

	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 27);
	TEST_ASSERT_EQ(s.completed, 27);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_burst_fallback, fast, test_dmadev_burst);

/* Ring indexes count on across the ring and wrap at 16 bits */
static int
test_dmadev_ring_wrap(void)
{
	const uint32_t total = 65536 + 3 * 64;	/* batches of 5 straddle the wrap */
	uint64_t *a, *b;
	struct tdrv_dev d;
	struct dma_env e;
	uint32_t n = 0, i;
	uint16_t last;
	bool err;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	a = (uint64_t *)e.mem;
	b = a + 1;
	*a = 0x0123456789abcdefull;
	TEST_ASSERT_OK(tdrv_register(&d, "wrap", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 8, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	while (n < total) {
		for (i = 0; i < 5; i++) {
			int idx = pdk_dmadev_copy(id, 0, IOVA(a), IOVA(b), 8, 0);

			TEST_ASSERT(idx == (int)(uint16_t)(n + i), "op %u got index %d", n + i, idx);
		}
		TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
		TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, &last, &err), 5);
		TEST_ASSERT(!err);
		TEST_ASSERT_EQ(last, (uint16_t)(n + 4));
		n += 5;
	}
	TEST_ASSERT(n > 65536 && (uint16_t)n < 1000, "the run did not wrap");
	TEST_ASSERT_EQ(*b, *a);
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_ring_wrap, fast, test_dmadev_ring_wrap);

/*
 * An op that touches an unmapped IOVA: completed() returns the ops before
 * it and stops there with has_error; completed_status() reports the fault
 * (address, direction, bytes moved before it) and moves on.
 */
static int
test_dmadev_fault(void)
{
	struct pdk_dmadev_status st[8];
	struct pdk_dmadev_stats s;
	struct tdrv_dev d;
	struct dma_env e;
	uint8_t *a, *hole, *c;
	uint16_t last = 0;
	bool err = false;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "faulty", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 16, e.as[0]));
	/* three pages: readable data, the unmapped one, a target */
	hole = e.hole;
	a = hole - DMA_ENV_PAGE;
	c = hole + DMA_ENV_PAGE;
	memset(a, 0x5a, DMA_ENV_PAGE);
	TEST_ASSERT_OK(pdk_dmadev_start(id));

	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(a), IOVA(c), 64, 0), 0);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(a), IOVA(hole + 100), 64, 0), 1);
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(a + 4096 - 32), IOVA(c + 1024), 64, 0), 2);
	TEST_ASSERT_EQ(pdk_dmadev_fill(id, 0, 0, IOVA(c + 2048), 64, PDK_DMADEV_OP_SUBMIT), 3);

	/* op 0 completes; op 1 stops completed() */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, &last, &err), 1);
	TEST_ASSERT_EQ(last, 0);
	TEST_ASSERT(err, "has_error not set at the faulting op");
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, &last, &err), 0);
	TEST_ASSERT(err, "completed() moved past an error");
	TEST_ASSERT_EQ(last, 0);

	/* completed_status() reports it and the rest */
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 0, 8, &last, st), 3);
	TEST_ASSERT_EQ(last, 3);
	TEST_ASSERT_EQ(st[0].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].hw_status, PDK_DMA_SKELETON_HW_PAGE_FAULT);
	TEST_ASSERT_EQ(st[0].fault_addr, IOVA(hole + 100));
	TEST_ASSERT_EQ(st[0].fault_write, 1);
	TEST_ASSERT_EQ(st[0].bytes_done, 0);
	/* a read that runs into the hole after 32 bytes */
	TEST_ASSERT_EQ(st[1].code, PDK_DMADEV_ST_PAGE_FAULT);
	TEST_ASSERT_EQ(st[1].fault_addr, IOVA(hole));
	TEST_ASSERT_EQ(st[1].fault_write, 0);
	TEST_ASSERT_EQ(st[1].bytes_done, 32);
	TEST_ASSERT(c[1024 + 31] == 0x5a && c[1024 + 32] == 0, "not exactly 32 bytes moved");
	TEST_ASSERT_EQ(st[2].code, PDK_DMADEV_ST_SUCCESS);
	TEST_ASSERT_EQ(st[2].fault_addr, 0);
	TEST_ASSERT(strcmp(pdk_dmadev_status_name(st[0].code), "page-fault") == 0);
	TEST_ASSERT(c[0] == 0x5a && c[63] == 0x5a);

	/* past the errors, completed() works again */
	TEST_ASSERT_EQ(pdk_dmadev_copy(id, 0, IOVA(a), IOVA(c), 64, PDK_DMADEV_OP_SUBMIT), 4);
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, &last, &err), 1);
	TEST_ASSERT(!err);
	TEST_ASSERT_EQ(last, 4);
	/* the hole itself was never written */
	TEST_ASSERT(hole[100] == 0 && hole[0] == 0);

	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 5);
	TEST_ASSERT_EQ(s.completed, 5);
	TEST_ASSERT_EQ(s.errors, 2);
	TEST_ASSERT_EQ(s.page_faults, 2);
	TEST_ASSERT_EQ(s.bytes, 3 * 64);
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_fault, fast, test_dmadev_fault);

/* Per-queue counters, and PDK_DMADEV_ALL_QUEUES as their sum over set-up queues */
static int
test_dmadev_stats(void)
{
	struct pdk_dmadev_status st[8];
	struct pdk_dmadev_stats s;
	struct pdk_dmadev_ops nostats;
	uint8_t *buf, *hole;
	struct tdrv_dev d, d2;
	struct dma_env e;
	int id, id2, i;

	TEST_ASSERT_OK(dma_env_setup(&e));
	buf = e.mem;
	hole = e.hole;
	TEST_ASSERT_OK(tdrv_register(&d, "counted", &id));
	/* queues 0 and 2 of 3 set up: 1 is not counted */
	TEST_ASSERT_OK(dma_env_setup_queues(id, 3, 3, 64, e.as[0]));
	TEST_ASSERT_OK(pdk_dmadev_queue_release(id, 1));
	TEST_ASSERT_OK(pdk_dmadev_start(id));
	for (i = 0; i < 3; i++)
		TEST_ASSERT(pdk_dmadev_copy(id, 0, IOVA(buf), IOVA(buf + 2048), 100, 0) >= 0);
	TEST_ASSERT_OK(pdk_dmadev_submit(id, 0));
	TEST_ASSERT(pdk_dmadev_fill(id, 2, 0, IOVA(buf), 1000, 0) >= 0);
	TEST_ASSERT(pdk_dmadev_fill(id, 2, 0, IOVA(hole), 8, PDK_DMADEV_OP_SUBMIT) >= 0);
	TEST_ASSERT(pdk_dmadev_copy(id, 2, IOVA(buf), IOVA(buf + 8), 8, 0) >= 0); /* not submitted */
	TEST_ASSERT_EQ(pdk_dmadev_completed(id, 0, 8, NULL, NULL), 3);
	TEST_ASSERT_EQ(pdk_dmadev_completed_status(id, 2, 8, NULL, st), 2);

	/* read while started */
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT_EQ(s.submitted, 3);
	TEST_ASSERT_EQ(s.completed, 3);
	TEST_ASSERT_EQ(s.errors, 0);
	TEST_ASSERT_EQ(s.bytes, 300);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 2, &s));
	TEST_ASSERT_EQ(s.submitted, 2);
	TEST_ASSERT_EQ(s.completed, 2);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_EQ(s.page_faults, 1);
	TEST_ASSERT_EQ(s.bytes, 1000);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT_EQ(s.submitted, 5);
	TEST_ASSERT_EQ(s.completed, 5);
	TEST_ASSERT_EQ(s.errors, 1);
	TEST_ASSERT_EQ(s.page_faults, 1);
	TEST_ASSERT_EQ(s.bytes, 1300);

	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_stats_get(id, 1, &s), -EINVAL, "counted: stats_get: queue 1");
	TEST_REFUSED(pdk_dmadev_stats_get(id, 3, &s), -EINVAL, "queue 3 is not set up");
	TEST_REFUSED(pdk_dmadev_stats_reset(id, 1), -EINVAL, "counted: stats_reset");

	/* reset one queue, then all */
	TEST_ASSERT_OK(pdk_dmadev_stats_reset(id, 0));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, 0, &s));
	TEST_ASSERT(s.submitted == 0 && s.completed == 0 && s.bytes == 0);
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT_EQ(s.submitted, 2);
	TEST_ASSERT_OK(pdk_dmadev_stats_reset(id, PDK_DMADEV_ALL_QUEUES));
	TEST_ASSERT_OK(pdk_dmadev_stats_get(id, PDK_DMADEV_ALL_QUEUES, &s));
	TEST_ASSERT(s.submitted == 0 && s.completed == 0 && s.errors == 0 &&
		    s.page_faults == 0 && s.bytes == 0);

	/* a driver without counters */
	tdrv_init(&d2, "uncounted");
	nostats = tdrv_ops;
	nostats.stats_get = NULL;
	nostats.stats_reset = NULL;
	d2.ops = &nostats;
	TEST_ASSERT_OK(tdrv_create(&d2, &id2));
	TEST_ASSERT_OK(dma_env_setup_queues(id2, 1, 1, 64, e.as[1]));
	TEST_REFUSED(pdk_dmadev_stats_get(id2, 0, &s), -ENOTSUP, "uncounted");
	TEST_REFUSED(pdk_dmadev_stats_reset(id2, PDK_DMADEV_ALL_QUEUES), -ENOTSUP, "uncounted");
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d2));
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_EQ(d2.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_stats, fast, test_dmadev_stats);

/* dump: the library's view of each queue, then the driver's */
static int
test_dmadev_dump(void)
{
	struct pdk_dmadev_queue_conf qc;
	struct tdrv_dev d;
	struct dma_env e;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(tdrv_register(&d, "dumped", &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 2, 0, 64, NULL));
	qc = (struct pdk_dmadev_queue_conf){ .nb_desc = 64, .as = e.as[1], .pasid = 42 };
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(id, 1, &qc));
	TEST_ASSERT_OK(pdk_dmadev_start(id));

	f = open_memstream(&text, &len);
	TEST_ASSERT(f != NULL);
	TEST_ASSERT_OK(pdk_dmadev_dump(id, f));
	fclose(f);
	fputs(text, stdout);
	TEST_ASSERT(strstr(text, "dmadev 0: dumped (driver " PDK_DMA_SKELETON_DRIVER
				 ", backend sim") != NULL);
	TEST_ASSERT(strstr(text, "state: started") != NULL);
	TEST_ASSERT(strstr(text, "capabilities: copy fill pasid fence SIMULATED") != NULL);
	TEST_ASSERT(strstr(text, "queue 0: not set up") != NULL);
	TEST_ASSERT(strstr(text, "queue 1: 64 descriptors, PASID 42, address space "
				 "'dmadev-test-b', HWPT 0, fast path live") != NULL);
	TEST_ASSERT(strstr(text, "skeleton dumped: started, ops run in submit") != NULL);
	TEST_ASSERT(strstr(text, "queue 1: PASID 42 (the queue's), ring indexes: write 0") != NULL);
	TEST_ASSERT_EQ(d.n_dump, 1);
	free(text);

	TEST_ASSERT_OK(pdk_dmadev_stop(id));
	f = open_memstream(&text, &len);
	TEST_ASSERT(f != NULL);
	TEST_ASSERT_OK(pdk_dmadev_dump(id, f));
	fclose(f);
	TEST_ASSERT(strstr(text, "state: stopped") != NULL);
	TEST_ASSERT(strstr(text, "fast path off") != NULL);
	free(text);

	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_dump(id, NULL), -EINVAL, "dumped: dump: NULL file");
	test_log_capture_stop();
	TEST_ASSERT_OK(tdrv_remove(&d));
	TEST_ASSERT_EQ(d.violations, 0);
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_dmadev_dump, fast, test_dmadev_dump);
