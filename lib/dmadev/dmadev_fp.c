/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The fast-path slot table and the ops of a queue that is not started.
 *
 * Every slot holds a valid ops pointer from program load on (the table is
 * initialised statically), so the inline functions of pdk_dmadev.h never
 * test for NULL: an unused, unstarted or stopped queue answers -ENODEV
 * (enqueue, submit) or 0 (completions, capacity) instead of crashing.
 */

#include <errno.h>
#include <string.h>

#include "dmadev_private.h"

int
pdk_dmadev_fp_check(int dev_id, uint16_t q, const char *op, bool null_arg)
{
	const struct dmadev *d;

	if (op == NULL)
		op = "fast path";
	if (dev_id < 0 || dev_id >= PDK_DMADEV_MAX_DEVS || !dmadev_devs[dev_id].used)
		return pdk_log_fail("dmadev", NULL, -EINVAL,
				    "pass an id from pdk_dmadev_get_dev_id()",
				    "%s (fast-path check): device %d: not a device", op, dev_id);
	d = &dmadev_devs[dev_id];
	if (q >= PDK_DMADEV_MAX_QUEUES || q >= d->nb_queues || !d->queues[q].set_up)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "set it up with pdk_dmadev_queue_setup()",
				    "%s (fast-path check): queue %u is not set up (%u configured)",
				    op, q, d->nb_queues);
	if (null_arg)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "pass the array the call reads or fills (a burst's ops, room for nb_cpls statuses)",
				    "%s (fast-path check) queue %u: NULL %s array", op, q,
				    strstr(op, "burst") != NULL ? "ops" : "status");
	return 0;
}

/*
 * A fast-path call on a queue that is not started is an application bug
 * worth one log line, but it may come in a tight loop: say it once per
 * process. The ops only get the (absent) driver queue, so the line cannot
 * name the device.
 */
static void
dmadev_not_started_log(const char *op)
{
	static bool logged;

	if (__atomic_exchange_n(&logged, true, __ATOMIC_RELAXED))
		return;
	pdk_log_fail("dmadev", NULL, -ENODEV,
		     "set the queue up and call pdk_dmadev_start() first (logged once per process)",
		     "%s on a queue that is not started (device not configured, queue not set up, device stopped or closed)",
		     op);
}

static int
dummy_copy(void *q, uint64_t src, uint64_t dst, uint32_t len, uint64_t flags)
{
	(void)q;
	(void)src;
	(void)dst;
	(void)len;
	(void)flags;
	dmadev_not_started_log("pdk_dmadev_copy()");
	return -ENODEV;
}

static int
dummy_fill(void *q, uint64_t pattern, uint64_t dst, uint32_t len, uint64_t flags)
{
	(void)q;
	(void)pattern;
	(void)dst;
	(void)len;
	(void)flags;
	dmadev_not_started_log("pdk_dmadev_fill()");
	return -ENODEV;
}

static int
dummy_burst(void *q, const struct pdk_dmadev_op *ops, uint16_t nb_ops, uint64_t flags,
	    uint16_t *first_idx)
{
	(void)q;
	(void)ops;
	(void)nb_ops;
	(void)flags;
	(void)first_idx;
	dmadev_not_started_log("pdk_dmadev_copy_burst() / fill_burst()");
	return -ENODEV;
}

static int
dummy_submit(void *q)
{
	(void)q;
	dmadev_not_started_log("pdk_dmadev_submit()");
	return -ENODEV;
}

/* Nothing finished: *last_idx is left alone, *has_error was cleared by the caller. */
static uint16_t
dummy_completed(void *q, uint16_t nb_cpls, uint16_t *last_idx, bool *has_error)
{
	(void)q;
	(void)nb_cpls;
	(void)last_idx;
	(void)has_error;
	return 0;
}

static uint16_t
dummy_completed_status(void *q, uint16_t nb_cpls, uint16_t *last_idx,
		       struct pdk_dmadev_status *status)
{
	(void)q;
	(void)nb_cpls;
	(void)last_idx;
	(void)status;
	return 0;
}

static uint16_t
dummy_burst_capacity(const void *q)
{
	(void)q;
	return 0;
}

static const struct pdk_dmadev_fp_ops dmadev_dummy_ops = {
	.copy = dummy_copy,
	.fill = dummy_fill,
	.submit = dummy_submit,
	.completed = dummy_completed,
	.completed_status = dummy_completed_status,
	.burst_capacity = dummy_burst_capacity,
	/* a burst on a queue not started is refused as a whole, nb_ops 0 included */
	.copy_burst = dummy_burst,
	.fill_burst = dummy_burst,
};

struct pdk_dmadev_fp_queue pdk_dmadev_fp[PDK_DMADEV_MAX_DEVS][PDK_DMADEV_MAX_QUEUES] = {
	[0 ... PDK_DMADEV_MAX_DEVS - 1] = {
		[0 ... PDK_DMADEV_MAX_QUEUES - 1] = { .ops = &dmadev_dummy_ops, .q = NULL },
	},
};

/*
 * The queue pointer is stored before the ops (release), so a reader that
 * sees the driver's ops also sees its queue: start never exposes a driver
 * op with a stale or NULL queue.
 */
void
dmadev_fp_install(int dev_id, uint16_t q, const struct pdk_dmadev_fp_ops *ops, void *fp_q)
{
	struct pdk_dmadev_fp_queue *s = &pdk_dmadev_fp[dev_id][q];

	__atomic_store_n(&s->q, fp_q, __ATOMIC_RELAXED);
	__atomic_store_n(&s->ops, ops, __ATOMIC_RELEASE);
}

void
dmadev_fp_disable(int dev_id, uint16_t q, bool forget_q)
{
	struct pdk_dmadev_fp_queue *s = &pdk_dmadev_fp[dev_id][q];

	__atomic_store_n(&s->ops, &dmadev_dummy_ops, __ATOMIC_RELEASE);
	if (forget_q)
		__atomic_store_n(&s->q, NULL, __ATOMIC_RELAXED);
}

bool
dmadev_fp_live(int dev_id, uint16_t q)
{
	return __atomic_load_n(&pdk_dmadev_fp[dev_id][q].ops, __ATOMIC_RELAXED) !=
	       &dmadev_dummy_ops;
}
