/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The registry and the control path of lib/dmadev.
 *
 * Every call checks its device, its arguments and the device's state before
 * it reaches the driver, so a driver sees only calls that make sense (the
 * contract in pdk_dmadev_pmd.h), and every refusal is logged with the
 * device, the step and what to do. Nothing here locks: the control path is
 * single-threaded by contract (pdk_dmadev.h).
 */

#include <errno.h>
#include <string.h>

#include "dmadev_private.h"

struct dmadev dmadev_devs[PDK_DMADEV_MAX_DEVS];

/* Widest PASID PCIe defines (PASID Extended Capability: 20 bits). */
#define DMADEV_PASID_MAX_WIDTH 20

static bool
is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

const char *
dmadev_state_name(enum dmadev_state state)
{
	switch (state) {
	case DMADEV_REGISTERED:
		return "registered (not configured)";
	case DMADEV_CONFIGURED:
		return "configured";
	case DMADEV_STARTED:
		return "started";
	case DMADEV_STOPPED:
		return "stopped";
	case DMADEV_STOP_FAILED:
		return "stop failed";
	}
	return "?";
}

static bool
dmadev_is_started(const struct dmadev *d)
{
	/* a failed stop leaves the hardware possibly running: treat it so */
	return d->state == DMADEV_STARTED || d->state == DMADEV_STOP_FAILED;
}

/* Why a started device refuses a call, for "the device is %s". */
static const char *
dmadev_busy_why(const struct dmadev *d)
{
	return d->state == DMADEV_STOP_FAILED ? "not stopped (its last stop failed)" : "started";
}

struct dmadev *
dmadev_get(int dev_id, const char *step)
{
	if (dev_id < 0 || dev_id >= PDK_DMADEV_MAX_DEVS || !dmadev_devs[dev_id].used) {
		pdk_log_fail("dmadev", NULL, -ENODEV,
			     "pdk_dmadev_get_dev_id() finds one by name, pdk_dmadev_next() lists them",
			     "%s: no device with id %d (ids are 0..%d)", step, dev_id,
			     PDK_DMADEV_MAX_DEVS - 1);
		return NULL;
	}
	return &dmadev_devs[dev_id];
}

void
dmadev_info(const struct dmadev *d, struct pdk_dmadev_info *info)
{
	memset(info, 0, sizeof(*info));
	d->ops->info_get(d->priv, info);
	/* the library's own facts win over what the driver wrote */
	info->name = d->name;
	info->driver = d->driver;
	info->nb_queues = d->nb_queues;
	if (info->backend == NULL)
		info->backend = (info->capa & PDK_DMADEV_CAPA_SIM) ? "sim" : "kernel";
}

/* ---- registry ---- */

unsigned int
pdk_dmadev_count(void)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		n += dmadev_devs[i].used;
	return n;
}

bool
pdk_dmadev_is_valid(int dev_id)
{
	return dev_id >= 0 && dev_id < PDK_DMADEV_MAX_DEVS && dmadev_devs[dev_id].used;
}

int
pdk_dmadev_next(int start)
{
	int i;

	/* the end of a walk, not an error: nothing is logged */
	for (i = start < 0 ? 0 : start; i < PDK_DMADEV_MAX_DEVS; i++)
		if (dmadev_devs[i].used)
			return i;
	return -ENODEV;
}

int
pdk_dmadev_get_dev_id(const char *name)
{
	int i;

	if (pdk_log_null(name, "dmadev", NULL, "pass a device name such as a PCI address",
			 "get_dev_id: NULL name"))
		return -EINVAL;
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		if (dmadev_devs[i].used && strcmp(dmadev_devs[i].name, name) == 0)
			return i;
	return pdk_log_fail("dmadev", NULL, -ENODEV,
			    "check the name, and that its driver probed it (pdk_bus_probe())",
			    "get_dev_id: no device named '%s' (%u registered)", name,
			    pdk_dmadev_count());
}

/* A driver's tables must be complete: the library calls them unchecked later. */
static const char *
dmadev_ops_missing(const struct pdk_dmadev_ops *ops, const struct pdk_dmadev_fp_ops *fp)
{
	if (ops == NULL)
		return "ops";
	if (ops->info_get == NULL)
		return "ops->info_get";
	if (ops->configure == NULL)
		return "ops->configure";
	if (ops->queue_setup == NULL)
		return "ops->queue_setup";
	if (ops->queue_release == NULL)
		return "ops->queue_release";
	if (ops->start == NULL)
		return "ops->start";
	if (ops->stop == NULL)
		return "ops->stop";
	if (ops->close == NULL)
		return "ops->close";
	/* the PASID ops come as a set: lib/dmadev checks only pasid_list */
	if ((ops->pasid_alloc == NULL) != (ops->pasid_list == NULL) ||
	    (ops->pasid_reserve == NULL) != (ops->pasid_list == NULL) ||
	    (ops->pasid_free == NULL) != (ops->pasid_list == NULL))
		return "ops->pasid_alloc, pasid_reserve, pasid_free and pasid_list together "
		       "(all or none)";
	if (fp == NULL)
		return "fp_ops";
	if (fp->copy == NULL)
		return "fp_ops->copy";
	if (fp->fill == NULL)
		return "fp_ops->fill";
	if (fp->submit == NULL)
		return "fp_ops->submit";
	if (fp->completed == NULL)
		return "fp_ops->completed";
	if (fp->completed_status == NULL)
		return "fp_ops->completed_status";
	if (fp->burst_capacity == NULL)
		return "fp_ops->burst_capacity";
	return NULL;
}

/* The checks of queue_setup rely on these: refuse a driver that breaks them. */
static int
dmadev_info_check(const char *name, const struct pdk_dmadev_info *info)
{
	const char *what = NULL;

	if (info->max_queues == 0 || info->max_queues > PDK_DMADEV_MAX_QUEUES)
		what = "max_queues is not in 1..PDK_DMADEV_MAX_QUEUES";
	else if (info->min_desc == 0 || info->min_desc > info->max_desc)
		what = "min_desc is 0 or above max_desc";
	else if (info->pasid_width > DMADEV_PASID_MAX_WIDTH)
		what = "pasid_width is above 20 (the PCIe maximum)";
	if (what == NULL)
		return 0;
	return pdk_log_fail("dmadev", name, -EINVAL, "fix the driver (a driver bug)",
			    "register: its info_get says max_queues %u, desc %u..%u, PASID width %u: %s",
			    info->max_queues, info->min_desc, info->max_desc, info->pasid_width,
			    what);
}

int
pdk_dmadev_register(const char *name, const char *driver, const struct pdk_dmadev_ops *ops,
		    const struct pdk_dmadev_fp_ops *fp_ops, void *dev, int *dev_id)
{
	struct pdk_dmadev_info info;
	const char *missing;
	struct dmadev *d;
	int i, id = -1;
	uint16_t q;
	int rc;

	if (name == NULL || name[0] == '\0' || strlen(name) >= PDK_DMADEV_NAME_MAX)
		return pdk_log_fail("dmadev", NULL, -EINVAL,
				    "pass a unique name of 1 to PDK_DMADEV_NAME_MAX - 1 characters (the PCI address, say)",
				    "register: the device name is %s",
				    name == NULL ? "NULL" : name[0] == '\0' ? "empty" : "too long");
	if (driver == NULL || driver[0] == '\0' || strlen(driver) >= PDK_DMADEV_NAME_MAX ||
	    dev_id == NULL)
		return pdk_log_fail("dmadev", name, -EINVAL,
				    "pass the driver's name (1 to PDK_DMADEV_NAME_MAX - 1 characters) and an output pointer for the id",
				    "register: %s",
				    dev_id == NULL ? "NULL dev_id" : "bad driver name");
	missing = dmadev_ops_missing(ops, fp_ops);
	if (missing != NULL)
		return pdk_log_fail("dmadev", name, -EINVAL,
				    "every op is required but queue_info, stats_get, stats_reset and dump (pdk_dmadev_pmd.h)",
				    "register: driver %s gives no %s", driver, missing);
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++) {
		if (dmadev_devs[i].used && strcmp(dmadev_devs[i].name, name) == 0)
			return pdk_log_fail("dmadev", name, -EEXIST,
					    "unregister that one first, or pick another name",
					    "register: the name is taken by device %d (driver %s)",
					    i, dmadev_devs[i].driver);
		if (!dmadev_devs[i].used && id < 0)
			id = i;
	}
	if (id < 0)
		return pdk_log_fail("dmadev", name, -ENOSPC,
				    "unregister a device (or raise PDK_DMADEV_MAX_DEVS)",
				    "register: all %d device ids are in use", PDK_DMADEV_MAX_DEVS);

	memset(&info, 0, sizeof(info));
	ops->info_get(dev, &info);
	rc = dmadev_info_check(name, &info);
	if (rc < 0)
		return rc;

	d = &dmadev_devs[id];
	memset(d, 0, sizeof(*d));
	strcpy(d->name, name);
	strcpy(d->driver, driver);
	d->ops = ops;
	d->fp_ops = fp_ops;
	d->priv = dev;
	d->state = DMADEV_REGISTERED;
	d->used = true;
	/* slots are dummies already (load, or the last unregister): make sure */
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		dmadev_fp_disable(id, q, true);
	*dev_id = id;
	DMADEV_LOG(INFO, "%s: registered as dmadev %d (driver %s, %u queues%s)", name, id,
		   driver, info.max_queues,
		   (info.capa & PDK_DMADEV_CAPA_SIM) ? ", SIMULATED" : "");
	return 0;
}

/* ---- control path ---- */

/* Release set-up queue @p q; the library forgets it even if the driver fails. */
static int
dmadev_release_one(int dev_id, struct dmadev *d, uint16_t q, const char *step)
{
	int rc;

	/* the driver logs its failure; the library forgets the queue anyway, and says so */
	rc = d->ops->queue_release(d->priv, q);
	if (rc < 0)
		DMADEV_LOG(WARNING, "%s: %s: queue %u forgotten although the driver failed to release it (above)",
			   d->name, step, q);
	dmadev_fp_disable(dev_id, q, true);
	memset(&d->queues[q], 0, sizeof(d->queues[q]));
	return rc;
}

/* Release every set-up queue. @return the first error, all are released anyway. */
static int
dmadev_release_all(int dev_id, struct dmadev *d, const char *step)
{
	int rc = 0, r;
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++) {
		if (!d->queues[q].set_up)
			continue;
		r = dmadev_release_one(dev_id, d, q, step);
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}

int
pdk_dmadev_info_get(int dev_id, struct pdk_dmadev_info *info)
{
	struct dmadev *d = dmadev_get(dev_id, "info_get");

	if (d == NULL)
		return -ENODEV;
	if (pdk_log_null(info, "dmadev", d->name, "pass a struct pdk_dmadev_info to fill",
			 "info_get: NULL info"))
		return -EINVAL;
	dmadev_info(d, info);
	return 0;
}

int
pdk_dmadev_configure(int dev_id, const struct pdk_dmadev_conf *conf)
{
	struct dmadev *d = dmadev_get(dev_id, "configure");
	struct pdk_dmadev_info info;
	int rc;

	if (d == NULL)
		return -ENODEV;
	if (pdk_log_null(conf, "dmadev", d->name, "pass a struct pdk_dmadev_conf",
			 "configure: NULL conf"))
		return -EINVAL;
	if (dmadev_is_started(d))
		return pdk_log_fail("dmadev", d->name, -EBUSY, "call pdk_dmadev_stop() first",
				    "configure: the device is %s", dmadev_busy_why(d));
	dmadev_info(d, &info);
	if (conf->nb_queues == 0 || conf->nb_queues > info.max_queues)
		return pdk_log_fail("dmadev", d->name, -EINVAL, "ask for a number in that range",
				    "configure: %u queues asked, the device has 1..%u",
				    conf->nb_queues, info.max_queues);

	/* the old queues do not survive a new configuration (pdk_dmadev.h) */
	dmadev_release_all(dev_id, d, "configure");
	d->opened = true;
	/* a driver logs why it refused (pdk_dmadev_pmd.h) */
	rc = d->ops->configure(d->priv, conf);
	if (rc < 0) {
		DMADEV_LOG(DEBUG, "%s: configure: the driver refused %u queues (%d); the device is left not configured",
			   d->name, conf->nb_queues, rc);
		d->nb_queues = 0;
		d->state = DMADEV_REGISTERED;
		return rc;
	}
	d->nb_queues = conf->nb_queues;
	d->state = DMADEV_CONFIGURED;
	DMADEV_LOG(DEBUG, "%s: configured with %u queues", d->name, d->nb_queues);
	return 0;
}

/* The checks of queue_setup, before anything changes. */
static int
dmadev_queue_conf_check(const struct dmadev *d, uint16_t q,
			const struct pdk_dmadev_queue_conf *conf)
{
	struct pdk_dmadev_info info;

	if (pdk_log_null(conf, "dmadev", d->name, "pass a struct pdk_dmadev_queue_conf",
			 "queue_setup %u: NULL conf", q))
		return -EINVAL;
	if (dmadev_is_started(d))
		return pdk_log_fail("dmadev", d->name, -EBUSY, "call pdk_dmadev_stop() first",
				    "queue_setup %u: the device is %s", q, dmadev_busy_why(d));
	if (d->state == DMADEV_REGISTERED)
		return pdk_log_fail("dmadev", d->name, -EINVAL, "call pdk_dmadev_configure() first",
				    "queue_setup %u: the device is not configured", q);
	if (q >= d->nb_queues)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "use one of those or configure more",
				    "queue_setup %u: the device is configured with %u queues (0..%u)",
				    q, d->nb_queues, d->nb_queues - 1);
	dmadev_info(d, &info);
	if (!is_pow2(conf->nb_desc) || conf->nb_desc < info.min_desc ||
	    conf->nb_desc > info.max_desc)
		return pdk_log_fail("dmadev", d->name, -EINVAL, "pick one of those",
				    "queue_setup %u: nb_desc %u is not a power of two in [%u, %u]",
				    q, conf->nb_desc, info.min_desc, info.max_desc);
	if (pdk_log_null(conf->as, "dmadev", d->name,
			 "create one with pdk_dma_as_create() in the device's iommufd context",
			 "queue_setup %u: NULL address space", q))
		return -EINVAL;
	if (conf->pasid != 0 && !(info.capa & PDK_DMADEV_CAPA_PASID))
		return pdk_log_fail("dmadev", d->name, -EINVAL, "pass pasid 0",
				    "queue_setup %u: PASID %u asked, but the device cannot tag its DMA with a PASID (no PDK_DMADEV_CAPA_PASID)",
				    q, conf->pasid);
	if (conf->pasid != 0 && conf->pasid >= (UINT32_C(1) << info.pasid_width))
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "pass one in that range, or 0 to have one allocated",
				    "queue_setup %u: PASID %u is outside [1, 2^%u)", q, conf->pasid,
				    info.pasid_width);
	/*
	 * A set-up queue's space is of the device's iommufd context (the
	 * driver took it): one of another context would be refused by the
	 * driver only after the old queue's release, and a refused argument
	 * must change nothing.
	 */
	if (d->queues[q].set_up &&
	    pdk_dma_as_iommufd(conf->as) != pdk_dma_as_iommufd(d->queues[q].as))
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "create it on the context the device's bus uses (the queue is unchanged)",
				    "queue_setup %u: address space '%s' belongs to another iommufd context than the device's",
				    q, pdk_dma_as_name(conf->as));
	return 0;
}

int
pdk_dmadev_queue_setup(int dev_id, uint16_t q, const struct pdk_dmadev_queue_conf *conf)
{
	struct dmadev *d = dmadev_get(dev_id, "queue_setup");
	struct dmadev_queue *dq;
	void *fp_q = NULL;
	int rc;

	if (d == NULL)
		return -ENODEV;
	rc = dmadev_queue_conf_check(d, q, conf);
	if (rc < 0)
		return rc;

	/*
	 * Set up again: the old queue goes first, so that its PASID and ring
	 * are free for the new one (asking for the same PASID again works).
	 */
	dq = &d->queues[q];
	if (dq->set_up) {
		rc = dmadev_release_one(dev_id, d, q, "queue_setup (releasing the old queue)");
		if (rc < 0)
			return rc;
	}
	/* a driver logs why it failed (pdk_dmadev_pmd.h) */
	rc = d->ops->queue_setup(d->priv, q, conf, &fp_q);
	if (rc < 0) {
		DMADEV_LOG(DEBUG, "%s: queue_setup %u: the driver failed (%d); the queue is not set up",
			   d->name, q, rc);
		return rc;
	}
	dq->set_up = true;
	dq->fp_q = fp_q;
	dq->as = conf->as;
	dq->nb_desc = conf->nb_desc;
	dq->pasid = conf->pasid;
	DMADEV_LOG(DEBUG, "%s: queue %u set up: %u descriptors, address space '%s'", d->name,
		   q, conf->nb_desc, pdk_dma_as_name(conf->as));
	return 0;
}

/* The checks shared by calls that name one set-up queue. */
static int
dmadev_queue_check(const struct dmadev *d, uint16_t q, const char *step)
{
	if (d->state == DMADEV_REGISTERED)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "call pdk_dmadev_configure() and pdk_dmadev_queue_setup() first",
				    "%s %u: the device is not configured", step, q);
	if (q >= d->nb_queues)
		return pdk_log_fail("dmadev", d->name, -EINVAL, "name one of those",
				    "%s %u: the device is configured with %u queues (0..%u)", step,
				    q, d->nb_queues, d->nb_queues - 1);
	if (!d->queues[q].set_up)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "call pdk_dmadev_queue_setup() first",
				    "%s %u: the queue is not set up", step, q);
	return 0;
}

int
pdk_dmadev_queue_release(int dev_id, uint16_t q)
{
	struct dmadev *d = dmadev_get(dev_id, "queue_release");
	int rc;

	if (d == NULL)
		return -ENODEV;
	if (dmadev_is_started(d))
		return pdk_log_fail("dmadev", d->name, -EBUSY, "call pdk_dmadev_stop() first",
				    "queue_release %u: the device is %s", q, dmadev_busy_why(d));
	rc = dmadev_queue_check(d, q, "queue_release");
	if (rc < 0)
		return rc;
	return dmadev_release_one(dev_id, d, q, "queue_release");
}

int
pdk_dmadev_queue_info(int dev_id, uint16_t q, struct pdk_dmadev_queue_info *info)
{
	struct dmadev *d = dmadev_get(dev_id, "queue_info");
	const struct dmadev_queue *dq;
	int rc;

	if (d == NULL)
		return -ENODEV;
	if (pdk_log_null(info, "dmadev", d->name, "pass a struct pdk_dmadev_queue_info to fill",
			 "queue_info %u: NULL info", q))
		return -EINVAL;
	rc = dmadev_queue_check(d, q, "queue_info");
	if (rc < 0)
		return rc;
	/* what the library knows; the driver adds the PASID it chose and the HWPT */
	dq = &d->queues[q];
	memset(info, 0, sizeof(*info));
	info->nb_desc = dq->nb_desc;
	info->pasid = dq->pasid;
	info->as = dq->as;
	if (d->ops->queue_info == NULL)
		return 0;
	/* a driver logs why it failed (pdk_dmadev_pmd.h) */
	return d->ops->queue_info(d->priv, q, info);
}

int
pdk_dmadev_queue_replace_as(int dev_id, uint16_t q, struct pdk_dma_as *as)
{
	struct dmadev *d = dmadev_get(dev_id, "queue_replace_as");
	int rc;

	if (d == NULL)
		return -ENODEV;
	rc = dmadev_queue_check(d, q, "queue_replace_as");
	if (rc < 0)
		return rc;
	if (pdk_log_null(as, "dmadev", d->name, "pass one from pdk_dma_as_create()",
			 "queue_replace_as %u: NULL address space", q))
		return -EINVAL;
	if (pdk_dma_as_iommufd(as) != pdk_dma_as_iommufd(d->queues[q].as))
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "create it on the context the device's bus uses (the queue is unchanged)",
				    "queue_replace_as %u: address space '%s' belongs to another iommufd context than the device's",
				    q, pdk_dma_as_name(as));
	if (as == d->queues[q].as)
		return 0;
	if (d->ops->queue_replace_as == NULL)
		return pdk_log_fail("dmadev", d->name, -ENOTSUP,
				    "release the queue and set it up on the new space",
				    "queue_replace_as %u: driver %s cannot replace a queue's address space",
				    q, d->driver);
	/* a driver logs why it failed (pdk_dmadev_pmd.h) */
	rc = d->ops->queue_replace_as(d->priv, q, as);
	if (rc < 0)
		return rc;
	DMADEV_LOG(DEBUG, "%s: queue %u: address space '%s' -> '%s'", d->name, q,
		   pdk_dma_as_name(d->queues[q].as), pdk_dma_as_name(as));
	d->queues[q].as = as;
	return 0;
}

int
pdk_dmadev_start(int dev_id)
{
	struct dmadev *d = dmadev_get(dev_id, "start");
	unsigned int n = 0;
	uint16_t q;
	int rc;

	if (d == NULL)
		return -ENODEV;
	if (d->state == DMADEV_STARTED) {
		/* nothing can have changed since (setup is refused while started) */
		DMADEV_LOG(INFO, "%s: start: already started, nothing to do", d->name);
		return 0;
	}
	if (d->state == DMADEV_STOP_FAILED)
		return pdk_log_fail("dmadev", d->name, -EBUSY,
				    "call pdk_dmadev_stop() again, or pdk_dmadev_close()",
				    "start: the driver failed to stop the device earlier, so it may still be running");
	if (d->state == DMADEV_REGISTERED)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "call pdk_dmadev_configure() and pdk_dmadev_queue_setup() first",
				    "start: the device is not configured");
	for (q = 0; q < d->nb_queues; q++)
		n += d->queues[q].set_up;
	if (n == 0)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "call pdk_dmadev_queue_setup() first",
				    "start: no queue is set up");

	/* a driver logs why it failed (pdk_dmadev_pmd.h); the device stays stopped */
	rc = d->ops->start(d->priv);
	if (rc < 0) {
		DMADEV_LOG(DEBUG, "%s: start: the driver failed (%d); the device stays stopped",
			   d->name, rc);
		return rc;
	}
	/* only now: the driver's queues are running, the fast path may use them */
	for (q = 0; q < d->nb_queues; q++)
		if (d->queues[q].set_up)
			dmadev_fp_install(dev_id, q, d->fp_ops, d->queues[q].fp_q);
	d->state = DMADEV_STARTED;
	DMADEV_LOG(DEBUG, "%s: started, %u queue(s)", d->name, n);
	return 0;
}

/* Stop a started (or failed-to-stop) device. */
static int
dmadev_do_stop(int dev_id, struct dmadev *d)
{
	uint16_t q;
	int rc;

	/*
	 * Fast path off first: from here on a call answers -ENODEV instead of
	 * reaching a driver queue that is being stopped. The queue pointers
	 * stay, so a call that read the driver's ops just before still holds
	 * a live queue.
	 */
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		dmadev_fp_disable(dev_id, q, false);
	/*
	 * A driver logs why its stop failed (pdk_dmadev_pmd.h); what the
	 * library makes of it, only the library can say.
	 */
	rc = d->ops->stop(d->priv);
	if (rc < 0) {
		DMADEV_LOG(WARNING, "%s: stop: the driver failed (above): the fast path is off but the device may still run; call pdk_dmadev_stop() again, or pdk_dmadev_close()",
			   d->name);
		d->state = DMADEV_STOP_FAILED;
		return rc;
	}
	d->state = DMADEV_STOPPED;
	DMADEV_LOG(DEBUG, "%s: stopped", d->name);
	return 0;
}

int
pdk_dmadev_stop(int dev_id)
{
	struct dmadev *d = dmadev_get(dev_id, "stop");

	if (d == NULL)
		return -ENODEV;
	if (!dmadev_is_started(d)) {
		/* so that cleanup paths may stop unconditionally */
		DMADEV_LOG(DEBUG, "%s: stop: not started, nothing to do", d->name);
		return 0;
	}
	return dmadev_do_stop(dev_id, d);
}

/* Stop, release the queues, close the driver: what close and unregister share. */
static int
dmadev_do_close(int dev_id, struct dmadev *d)
{
	int rc = 0, r;

	if (dmadev_is_started(d)) {
		rc = dmadev_do_stop(dev_id, d);
		if (rc < 0)
			DMADEV_LOG(DEBUG, "%s: close: going on although stop failed; the driver's "
				   "close must quiesce the device", d->name);
	}
	r = dmadev_release_all(dev_id, d, "close");
	if (r < 0 && rc == 0)
		rc = r;
	if (d->opened) {
		/* a driver logs why its close failed (pdk_dmadev_pmd.h) */
		r = d->ops->close(d->priv);
		if (r < 0 && rc == 0)
			rc = r;
		d->opened = false;
	}
	d->nb_queues = 0;
	d->state = DMADEV_REGISTERED;
	return rc;
}

int
pdk_dmadev_close(int dev_id)
{
	struct dmadev *d = dmadev_get(dev_id, "close");

	if (d == NULL)
		return -ENODEV;
	return dmadev_do_close(dev_id, d);
}

int
pdk_dmadev_unregister(int dev_id)
{
	struct dmadev *d = dmadev_get(dev_id, "unregister");
	uint16_t q;
	int rc;

	if (d == NULL)
		return -ENODEV;
	rc = dmadev_do_close(dev_id, d);
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		dmadev_fp_disable(dev_id, q, true);
	DMADEV_LOG(INFO, "%s: dmadev %d unregistered%s", d->name, dev_id,
		   rc < 0 ? " (its close failed, see above)" : "");
	/* the id goes back even when close failed: the driver is going away */
	memset(d, 0, sizeof(*d));
	return rc;
}
