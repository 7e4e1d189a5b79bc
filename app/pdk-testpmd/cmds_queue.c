/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * port config <dev_id> queues <n>, queue setup <dev_id> <q> <as-name>
 * [pasid <p>] [desc <n>], queue release <dev_id> <q>: a device's queues,
 * each bound to one address space and one PASID.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"

#define TP_DEFAULT_DESC 256

bool
tp_queue_is_set_up(int dev_id, uint16_t q)
{
	return dev_id >= 0 && dev_id < PDK_DMADEV_MAX_DEVS && q < PDK_DMADEV_MAX_QUEUES &&
	       tp.dev[dev_id].q[q].set_up;
}

int
tp_queue_info(int dev_id, uint16_t q, struct pdk_dmadev_queue_info *qi)
{
	if (!tp_queue_is_set_up(dev_id, q))
		return -EINVAL;
	return pdk_dmadev_queue_info(dev_id, q, qi);
}

void
tp_queues_forget(int dev_id)
{
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++) {
		tp_queue_reset(dev_id, q);
		tp.dev[dev_id].q[q].set_up = false;
	}
}

void
tp_queue_snap(int dev_id, uint16_t q, struct tp_snap *s)
{
	const struct tp_qctr *c = &tp.dev[dev_id].q[q].ctr;

	memset(s, 0, sizeof(*s));
	/* the driver's counters, copied as rte_dmadev does (see traffic.c) */
	pdk_dmadev_stats_get(dev_id, q, &s->dev);
	s->app.bursts = __atomic_load_n(&c->bursts, __ATOMIC_RELAXED);
	s->app.verified = __atomic_load_n(&c->verified, __ATOMIC_RELAXED);
	s->app.mismatches = __atomic_load_n(&c->mismatches, __ATOMIC_RELAXED);
	s->app.enq_errors = __atomic_load_n(&c->enq_errors, __ATOMIC_RELAXED);
	s->app.lost = __atomic_load_n(&c->lost, __ATOMIC_RELAXED);
	s->app.last_fault_iova = __atomic_load_n(&c->last_fault_iova, __ATOMIC_RELAXED);
	s->app.rate_min = __atomic_load_n(&c->rate_min, __ATOMIC_RELAXED);
	s->app.rate_max = __atomic_load_n(&c->rate_max, __ATOMIC_RELAXED);
	/* no op moves once traffic stopped: rates end where the traffic did */
	s->t = !tp.running && tp.stopped_at > 0 ? tp.stopped_at : tp_now();
}

void
tp_queue_reset(int dev_id, uint16_t q)
{
	struct tp_queue *tq = &tp.dev[dev_id].q[q];

	/* no worker runs: queues change only while traffic is stopped */
	memset(&tq->ctr, 0, sizeof(tq->ctr));
	memset(&tq->base, 0, sizeof(tq->base));
	tq->base.t = tp_now();
	tq->last = tq->base;
}

int
tp_port_config(int dev_id, uint16_t nb_queues, bool force)
{
	struct pdk_dmadev_conf conf = { .nb_queues = nb_queues };
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_info info;
	char held[256] = "";
	size_t len = 0;
	uint16_t q;
	int rc;

	if (tp.running) {
		tp_err("port config: traffic is running: stop first");
		return -EBUSY;
	}
	rc = pdk_dmadev_info_get(dev_id, &info);
	if (rc < 0)
		return rc;
	if (nb_queues < 1 || nb_queues > info.max_queues) {
		tp_err("port config %d queues %u: device %d has 1..%u queues", dev_id, nb_queues,
		       dev_id, info.max_queues);
		return -EINVAL;
	}
	for (q = 0; q < info.nb_queues && len < sizeof(held) - 32; q++)
		if (tp_queue_info(dev_id, q, &qi) == 0)
			len += (size_t)snprintf(held + len, sizeof(held) - len, "%s%u (PASID %u)",
						len == 0 ? "" : ", ", q, qi.pasid);
	if (len != 0 && !force) {
		tp_err("port config %d queues %u would release the set-up queue(s) %s of device "
		       "%d: 'port config %d queues %u force' does it", dev_id, nb_queues, held,
		       dev_id, dev_id, nb_queues);
		return -EBUSY;
	}
	if (len != 0)
		printf("device %d: releasing queue(s) %s\n", dev_id, held);
	rc = pdk_dmadev_configure(dev_id, &conf);
	/* configure releases the old queues, even when it then fails */
	if (rc != -EBUSY)
		tp_queues_forget(dev_id);
	if (rc < 0) {
		tp_err("port config %d queues %u: %s", dev_id, nb_queues, strerror(-rc));
		return rc;
	}
	printf("device %d: %u queue%s configured (max %u)\n", dev_id, nb_queues,
	       nb_queues == 1 ? "" : "s", info.max_queues);
	return 0;
}

int
tp_queue_setup(int dev_id, uint16_t q, struct tp_as *a, uint32_t pasid, uint16_t nb_desc)
{
	struct pdk_dmadev_queue_conf conf = { .nb_desc = nb_desc, .as = a->as, .pasid = pasid };
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_info info;
	int rc;

	if (tp.running) {
		tp_err("queue setup: traffic is running: stop first");
		return -EBUSY;
	}
	rc = pdk_dmadev_info_get(dev_id, &info);
	if (rc < 0)
		return rc;
	if (info.nb_queues == 0) {
		tp_err("device %d is not configured: 'port config %d queues <n>' first", dev_id,
		       dev_id);
		return -EINVAL;
	}
	if (pasid != 0 && tp_pasid_queue(dev_id, pasid) >= 0 &&
	    tp_pasid_queue(dev_id, pasid) != q) {
		rc = tp_pasid_queue(dev_id, pasid);
		tp_err("PASID %u is held by queue %d of device %d ('queue setup %d %d <as-name> "
		       "pasid %u' moves that queue to another space; 'queue release %d %d' frees "
		       "the PASID)", pasid, rc, dev_id, dev_id, rc, pasid, dev_id, rc);
		return -EBUSY;
	}
	if (q >= info.nb_queues) {
		tp_err("queue %u out of range: device %d has %u queue%s configured (0..%u; "
		       "max %u with port config)", q, dev_id, info.nb_queues,
		       info.nb_queues == 1 ? "" : "s", info.nb_queues - 1, info.max_queues);
		return -EINVAL;
	}
	if (nb_desc == 0)
		conf.nb_desc = TP_DEFAULT_DESC < info.max_desc ? TP_DEFAULT_DESC : info.max_desc;
	rc = pdk_dmadev_queue_setup(dev_id, q, &conf);
	if (rc < 0) {
		tp_err("queue setup %d %u %s: %s", dev_id, q, a->name, strerror(-rc));
		/* a set-up queue is released before the new setup; a refused argument keeps it */
		if (tp.dev[dev_id].q[q].set_up && pdk_dmadev_queue_info(dev_id, q, &qi) != 0)
			tp.dev[dev_id].q[q].set_up = false;
		return rc;
	}
	tp_queue_reset(dev_id, q);
	tp.dev[dev_id].q[q].set_up = true;
	if (pdk_dmadev_queue_info(dev_id, q, &qi) == 0)
		printf("device %d queue %u: PASID %u, address space %s (IOAS %u, HWPT %u), "
		       "ring %u\n", dev_id, q, qi.pasid, a->name, pdk_dma_as_ioas_id(a->as),
		       qi.hwpt_id, qi.nb_desc);
	return 0;
}

/* ---- commands ---- */

struct res_queue {
	cmdline_fixed_string_t w0;
	cmdline_fixed_string_t w1;
	char dev[TP_ARG_LEN];
	char q[TP_ARG_LEN];
	char name[TP_ARG_LEN];
	cmdline_fixed_string_t kw_pasid;
	char pasid[TP_ARG_LEN];
	cmdline_fixed_string_t kw_desc;
	char desc[TP_ARG_LEN];
	cmdline_fixed_string_t kw_queues;
	char n[TP_ARG_LEN];
	cmdline_fixed_string_t kw_force;
};

static void
port_config(struct res_queue *r, bool force)
{
	struct pdk_dmadev_info info;
	char what[48];
	uint64_t n;
	int id;

	if (tp_parse_dev(r->dev, &id) < 0 || pdk_dmadev_info_get(id, &info) != 0)
		return;
	snprintf(what, sizeof(what), "device %d: number of queues", id);
	if (tp_parse_u64(r->n, what, 1, info.max_queues, &n) < 0)
		return;
	tp_port_config(id, (uint16_t)n, force);
}

static void
cmd_port_config(void *res)
{
	port_config(res, false);
}

static void
cmd_port_config_force(void *res)
{
	port_config(res, true);
}

static int
parse_queue(const struct res_queue *r, int *id, uint16_t *q)
{
	struct pdk_dmadev_info info;
	uint64_t v;

	if (tp_parse_dev(r->dev, id) < 0 || pdk_dmadev_info_get(*id, &info) != 0 ||
	    tp_parse_u64(r->q, "queue", 0, UINT16_MAX, &v) < 0)
		return -1;
	if (v >= info.max_queues) {
		tp_err("queue %" PRIu64 " out of range: device %d has queues 0..%u", v, *id,
		       info.max_queues - 1u);
		return -1;
	}
	*q = (uint16_t)v;
	return 0;
}

static void
queue_setup(struct res_queue *r, bool with_pasid, bool with_desc)
{
	struct pdk_dmadev_info info;
	uint64_t desc = 0;
	uint32_t pasid = 0;
	struct tp_as *a;
	uint16_t q;
	int id;

	if (parse_queue(r, &id, &q) < 0)
		return;
	a = tp_as_find(r->name);
	if (a == NULL) {
		tp_err("no address space %s ('as create %s' makes it)", r->name, r->name);
		return;
	}
	if (with_pasid && tp_parse_pasid(id, r->pasid, &pasid) < 0)
		return;
	if (with_desc) {
		char what[48];

		pdk_dmadev_info_get(id, &info);
		snprintf(what, sizeof(what), "device %d: ring size", id);
		if (tp_parse_u64(r->desc, what, info.min_desc, info.max_desc, &desc) < 0)
			return;
		if ((desc & (desc - 1)) != 0) {
			tp_err("ring size %" PRIu64 " is not a power of two (device %d: %u..%u)",
			       desc, id, info.min_desc, info.max_desc);
			return;
		}
	}
	tp_queue_setup(id, q, a, pasid, (uint16_t)desc);
}

static void
cmd_queue_setup(void *res)
{
	queue_setup(res, false, false);
}

static void
cmd_queue_setup_p(void *res)
{
	queue_setup(res, true, false);
}

static void
cmd_queue_setup_d(void *res)
{
	queue_setup(res, false, true);
}

static void
cmd_queue_setup_pd(void *res)
{
	queue_setup(res, true, true);
}

static void
cmd_queue_release(void *res)
{
	struct res_queue *r = res;
	uint16_t q;
	int id, rc;

	if (parse_queue(r, &id, &q) < 0)
		return;
	if (tp.running) {
		tp_err("queue release: traffic is running: stop first");
		return;
	}
	if (!tp_queue_is_set_up(id, q)) {
		tp_err("device %d queue %u is not set up", id, q);
		return;
	}
	rc = pdk_dmadev_queue_release(id, q);
	/* the library forgets the queue even when the driver's release fails */
	if (rc != -EBUSY) {
		tp_queue_reset(id, q);
		tp.dev[id].q[q].set_up = false;
	}
	if (rc < 0) {
		tp_err("queue release %d %u: %s", id, q, strerror(-rc));
		return;
	}
	printf("device %d queue %u released\n", id, q);
}

static struct tp_cmd_def def_port_config = { cmd_port_config };
static struct tp_cmd_def def_port_config_force = { cmd_port_config_force };
static struct tp_cmd_def def_setup = { cmd_queue_setup };
static struct tp_cmd_def def_setup_p = { cmd_queue_setup_p };
static struct tp_cmd_def def_setup_d = { cmd_queue_setup_d };
static struct tp_cmd_def def_setup_pd = { cmd_queue_setup_pd };
static struct tp_cmd_def def_release = { cmd_queue_release };

static cmdline_parse_token_string_t tok_port =
	TOKEN_STRING_INITIALIZER(struct res_queue, w0, "port");
static cmdline_parse_token_string_t tok_config =
	TOKEN_STRING_INITIALIZER(struct res_queue, w1, "config");
static cmdline_parse_token_string_t tok_queues =
	TOKEN_STRING_INITIALIZER(struct res_queue, kw_queues, "queues");
static struct tp_token tok_nq = TP_TOKEN_WORD(struct res_queue, n, "<n>");
static cmdline_parse_token_string_t tok_force =
	TOKEN_STRING_INITIALIZER(struct res_queue, kw_force, "force");
static cmdline_parse_token_string_t tok_queue =
	TOKEN_STRING_INITIALIZER(struct res_queue, w0, "queue");
static cmdline_parse_token_string_t tok_setup =
	TOKEN_STRING_INITIALIZER(struct res_queue, w1, "setup");
static cmdline_parse_token_string_t tok_release =
	TOKEN_STRING_INITIALIZER(struct res_queue, w1, "release");
static struct tp_token tok_dev = TP_TOKEN_WORD(struct res_queue, dev, "<dev_id>");
static struct tp_token tok_q = TP_TOKEN_WORD(struct res_queue, q, "<queue>");
static struct tp_token tok_as = TP_TOKEN_AS(struct res_queue, name);
static cmdline_parse_token_string_t tok_kw_pasid =
	TOKEN_STRING_INITIALIZER(struct res_queue, kw_pasid, "pasid");
static struct tp_token tok_pasid = TP_TOKEN_WORD(struct res_queue, pasid, "<pasid>");
static cmdline_parse_token_string_t tok_kw_desc =
	TOKEN_STRING_INITIALIZER(struct res_queue, kw_desc, "desc");
static struct tp_token tok_desc = TP_TOKEN_WORD(struct res_queue, desc, "<ring-size>");

static cmdline_parse_inst_t inst_port_config = {
	.f = tp_cmd_dispatch,
	.data = &def_port_config,
	.help_str = "port config <dev_id> queues <n>: configure n queues (releases old ones)",
	.tokens = { (void *)&tok_port, (void *)&tok_config, (void *)&tok_dev,
		    (void *)&tok_queues, (void *)&tok_nq, NULL },
};

static cmdline_parse_inst_t inst_port_config_f = {
	.f = tp_cmd_dispatch,
	.data = &def_port_config_force,
	.help_str = "port config <dev_id> queues <n> force: also when queues are set up",
	.tokens = { (void *)&tok_port, (void *)&tok_config, (void *)&tok_dev,
		    (void *)&tok_queues, (void *)&tok_nq, (void *)&tok_force, NULL },
};

static cmdline_parse_inst_t inst_setup = {
	.f = tp_cmd_dispatch,
	.data = &def_setup,
	.help_str = "queue setup <dev_id> <q> <as-name>: bind queue q to a space, new PASID",
	.tokens = { (void *)&tok_queue, (void *)&tok_setup, (void *)&tok_dev, (void *)&tok_q,
		    (void *)&tok_as, NULL },
};

static cmdline_parse_inst_t inst_setup_p = {
	.f = tp_cmd_dispatch,
	.data = &def_setup_p,
	.help_str = "queue setup <dev_id> <q> <as-name> pasid <p>",
	.tokens = { (void *)&tok_queue, (void *)&tok_setup, (void *)&tok_dev, (void *)&tok_q,
		    (void *)&tok_as, (void *)&tok_kw_pasid, (void *)&tok_pasid, NULL },
};

static cmdline_parse_inst_t inst_setup_d = {
	.f = tp_cmd_dispatch,
	.data = &def_setup_d,
	.help_str = "queue setup <dev_id> <q> <as-name> desc <n>",
	.tokens = { (void *)&tok_queue, (void *)&tok_setup, (void *)&tok_dev, (void *)&tok_q,
		    (void *)&tok_as, (void *)&tok_kw_desc, (void *)&tok_desc, NULL },
};

static cmdline_parse_inst_t inst_setup_pd = {
	.f = tp_cmd_dispatch,
	.data = &def_setup_pd,
	.help_str = "queue setup <dev_id> <q> <as-name> pasid <p> desc <n>",
	.tokens = { (void *)&tok_queue, (void *)&tok_setup, (void *)&tok_dev, (void *)&tok_q,
		    (void *)&tok_as, (void *)&tok_kw_pasid, (void *)&tok_pasid,
		    (void *)&tok_kw_desc, (void *)&tok_desc, NULL },
};

static cmdline_parse_inst_t inst_release = {
	.f = tp_cmd_dispatch,
	.data = &def_release,
	.help_str = "queue release <dev_id> <q>: detach its PASID, free its ring",
	.tokens = { (void *)&tok_queue, (void *)&tok_release, (void *)&tok_dev, (void *)&tok_q,
		    NULL },
};

static cmdline_parse_inst_t *insts[] = {
	&inst_port_config, &inst_port_config_f, &inst_setup, &inst_setup_p, &inst_setup_d, &inst_setup_pd,
	&inst_release, NULL,
};

static const struct tp_help help[] = {
	{ "port config <dev_id> queues <n> [force]", "configure n queues; refused while queues "
	  "are set up, unless force: then they are released with their PASIDs" },
	{ "queue setup <dev_id> <q> <as-name> [pasid <p>] [desc <n>]",
	  "bind queue q to an address space and a PASID of its own: a new one, or p "
	  "(allocated with 'pasid alloc', or free); a ring of n descriptors (256)" },
	{ "queue release <dev_id> <q>", "detach the queue's PASID and free its ring" },
	{ NULL, NULL },
};

const struct tp_group tp_group_queue = { "Device and queues", insts, help };
