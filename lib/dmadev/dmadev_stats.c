/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Counters, dump and status names of lib/dmadev.
 *
 * A driver keeps counters per queue only: the library sums them for
 * PDK_DMADEV_ALL_QUEUES, so every driver gets "all queues" right the same
 * way and none has to handle the special queue number.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dmadev_private.h"

/* The checks stats_get and stats_reset share; @p q may be PDK_DMADEV_ALL_QUEUES. */
static int
dmadev_stats_check(const struct dmadev *d, uint16_t q, bool have_op, const char *step)
{
	if (!have_op)
		return pdk_log_fail("dmadev", d->name, -ENOTSUP,
				    "count in the application, or use a driver that keeps counters",
				    "%s: driver %s keeps no counters", step, d->driver);
	if (d->state == DMADEV_REGISTERED)
		return pdk_log_fail("dmadev", d->name, -EINVAL, "call pdk_dmadev_configure() first",
				    "%s: the device is not configured, it has no queues to count",
				    step);
	if (q == PDK_DMADEV_ALL_QUEUES)
		return 0;
	if (q >= d->nb_queues || !d->queues[q].set_up)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "name a set-up queue or PDK_DMADEV_ALL_QUEUES",
				    "%s: queue %u is not set up (%u configured)", step, q,
				    d->nb_queues);
	return 0;
}

static void
stats_add(struct pdk_dmadev_stats *sum, const struct pdk_dmadev_stats *s)
{
	sum->submitted += s->submitted;
	sum->completed += s->completed;
	sum->errors += s->errors;
	sum->page_faults += s->page_faults;
	sum->bytes += s->bytes;
}

int
pdk_dmadev_stats_get(int dev_id, uint16_t q, struct pdk_dmadev_stats *stats)
{
	struct dmadev *d = dmadev_get(dev_id, "stats_get");
	struct pdk_dmadev_stats s;
	uint16_t i;
	int rc;

	if (d == NULL)
		return -ENODEV;
	if (pdk_log_null(stats, "dmadev", d->name, "pass a struct pdk_dmadev_stats to fill",
			 "stats_get: NULL stats"))
		return -EINVAL;
	rc = dmadev_stats_check(d, q, d->ops->stats_get != NULL, "stats_get");
	if (rc < 0)
		return rc;
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < d->nb_queues; i++) {
		if (!d->queues[i].set_up || (q != PDK_DMADEV_ALL_QUEUES && q != i))
			continue;
		memset(&s, 0, sizeof(s));
		/* a driver logs why it failed (pdk_dmadev_pmd.h) */
		rc = d->ops->stats_get(d->priv, i, &s);
		if (rc < 0) {
			memset(stats, 0, sizeof(*stats));
			return rc;
		}
		stats_add(stats, &s);
	}
	return 0;
}

int
pdk_dmadev_stats_reset(int dev_id, uint16_t q)
{
	struct dmadev *d = dmadev_get(dev_id, "stats_reset");
	uint16_t i;
	int rc = 0, r;

	if (d == NULL)
		return -ENODEV;
	r = dmadev_stats_check(d, q, d->ops->stats_reset != NULL, "stats_reset");
	if (r < 0)
		return r;
	for (i = 0; i < d->nb_queues; i++) {
		if (!d->queues[i].set_up || (q != PDK_DMADEV_ALL_QUEUES && q != i))
			continue;
		/* a driver logs why it failed; go on: the other queues can still be reset */
		r = d->ops->stats_reset(d->priv, i);
		if (r < 0 && rc == 0)
			rc = r;
	}
	return rc;
}

static void
dump_capa(FILE *f, uint64_t capa)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ PDK_DMADEV_CAPA_COPY, "copy" },
		{ PDK_DMADEV_CAPA_FILL, "fill" },
		{ PDK_DMADEV_CAPA_PASID, "pasid" },
		{ PDK_DMADEV_CAPA_FENCE, "fence" },
		{ PDK_DMADEV_CAPA_SIM, "SIMULATED" },
	};
	unsigned int i;

	fprintf(f, "  capabilities:");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (capa & names[i].bit)
			fprintf(f, " %s", names[i].name);
	fprintf(f, "\n");
}

int
pdk_dmadev_dump(int dev_id, FILE *f)
{
	struct dmadev *d = dmadev_get(dev_id, "dump");
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_info info;
	uint16_t q;

	if (d == NULL)
		return -ENODEV;
	if (pdk_log_null(f, "dmadev", d->name, "pass stdout, stderr or an open FILE",
			 "dump: NULL file"))
		return -EINVAL;
	dmadev_info(d, &info);
	fprintf(f, "dmadev %d: %s (driver %s, backend %s%s)\n", dev_id, d->name, d->driver,
		info.backend, (info.capa & PDK_DMADEV_CAPA_SIM) ? ", a SIMULATION" : "");
	fprintf(f, "  state: %s\n", dmadev_state_name(d->state));
	dump_capa(f, info.capa);
	fprintf(f, "  queues: %u configured of %u, %u..%u descriptors, max transfer %" PRIu32
		" B, PASID width %" PRIu32 "\n", d->nb_queues, info.max_queues, info.min_desc,
		info.max_desc, info.max_xfer, info.pasid_width);
	for (q = 0; q < d->nb_queues; q++) {
		const struct dmadev_queue *dq = &d->queues[q];

		if (!dq->set_up) {
			fprintf(f, "  queue %u: not set up\n", q);
			continue;
		}
		/* the driver knows the PASID it chose and the HWPT */
		memset(&qi, 0, sizeof(qi));
		qi.nb_desc = dq->nb_desc;
		qi.pasid = dq->pasid;
		qi.as = dq->as;
		if (d->ops->queue_info != NULL && d->ops->queue_info(d->priv, q, &qi) < 0)
			fprintf(f, "  queue %u: the driver could not describe it\n", q);
		fprintf(f, "  queue %u: %u descriptors, PASID %" PRIu32 ", address space '%s', "
			"HWPT %" PRIu32 ", fast path %s\n", q, dq->nb_desc, qi.pasid,
			pdk_dma_as_name(dq->as), qi.hwpt_id,
			dmadev_fp_live(dev_id, q) ? "live" : "off");
	}
	if (d->ops->dump == NULL)
		return 0;
	fprintf(f, "  driver %s:\n", d->driver);
	/* a driver logs why it failed (pdk_dmadev_pmd.h) */
	return d->ops->dump(d->priv, f);
}

const char *
pdk_dmadev_status_name(enum pdk_dmadev_status_code code)
{
	switch (code) {
	case PDK_DMADEV_ST_SUCCESS:
		return "success";
	case PDK_DMADEV_ST_PAGE_FAULT:
		return "page-fault";
	case PDK_DMADEV_ST_INVALID:
		return "invalid";
	case PDK_DMADEV_ST_ERROR:
		return "error";
	case PDK_DMADEV_ST_NOT_ATTEMPTED:
		return "not-attempted";
	}
	return "unknown";
}
