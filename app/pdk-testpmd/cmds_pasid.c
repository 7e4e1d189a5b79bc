/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pasid alloc <dev_id> [<value>], pasid free <dev_id> <pasid>,
 * pasid list <dev_id>: a device's PASIDs, through lib/dmadev. A PASID
 * allocated here can be given to "queue setup ... pasid <p>" and stays
 * allocated after that queue is released.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmdline_parse_string.h>
#include <rte_common.h>

#include "testpmd.h"

int
tp_parse_pasid(int id, const char *s, uint32_t *pasid)
{
	struct pdk_dmadev_info info;
	uint64_t v, max;

	if (pdk_dmadev_info_get(id, &info) != 0)
		return -1;
	if (info.pasid_width == 0) {
		tp_err("device %d has no PASIDs (width 0)", id);
		return -1;
	}
	max = (UINT64_C(1) << info.pasid_width) - 1;
	if (tp_parse_u64(s, "PASID", 0, UINT32_MAX, &v) < 0)
		return -1;
	if (v < 1 || v > max) {
		tp_err("PASID %" PRIu64 " out of range [1, %" PRIu64 "] of device %d "
		       "(%u-bit PASIDs; 0 is the RID)", v, max, id, info.pasid_width);
		return -1;
	}
	*pasid = (uint32_t)v;
	return 0;
}

int
tp_pasid_queue(int id, uint32_t pasid)
{
	struct pdk_dmadev_queue_info qi;
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		if (tp_queue_info(id, q, &qi) == 0 && qi.pasid == pasid)
			return q;
	return -1;
}

struct res_pasid {
	cmdline_fixed_string_t pasid;
	cmdline_fixed_string_t op;
	char dev[TP_ARG_LEN];
	char value[TP_ARG_LEN];
};

static void
pasid_alloc(struct res_pasid *r, bool chosen)
{
	uint32_t pasid = 0;
	int id, rc;

	if (tp_parse_dev(r->dev, &id) < 0)
		return;
	if (chosen) {
		if (tp_parse_pasid(id, r->value, &pasid) < 0)
			return;
		rc = pdk_dmadev_pasid_reserve(id, pasid);
		if (rc == -EEXIST)
			tp_err("pasid alloc %d %u: PASID %u is already allocated ('pasid list %d')",
			       id, pasid, pasid, id);
		else if (rc < 0)
			tp_err("pasid alloc %d %u: %s", id, pasid, strerror(-rc));
	} else {
		rc = pdk_dmadev_pasid_alloc(id, &pasid);
		if (rc < 0)
			tp_err("pasid alloc %d: %s", id, strerror(-rc));
	}
	if (rc == 0)
		printf("device %d: PASID %u allocated\n", id, pasid);
}

static void
cmd_pasid_alloc(void *res)
{
	pasid_alloc(res, false);
}

static void
cmd_pasid_alloc_value(void *res)
{
	pasid_alloc(res, true);
}

static void
cmd_pasid_free(void *res)
{
	struct res_pasid *r = res;
	uint32_t pasid;
	int id, rc, q;

	if (tp_parse_dev(r->dev, &id) < 0 || tp_parse_pasid(id, r->value, &pasid) < 0)
		return;
	rc = pdk_dmadev_pasid_free(id, pasid);
	if (rc == -EBUSY && (q = tp_pasid_queue(id, pasid)) >= 0)
		tp_err("pasid free %d %u: %s: queue %d uses it (queue release %d %d first)", id,
		       pasid, strerror(-rc), q, id, q);
	else if (rc < 0)
		tp_err("pasid free %d %u: %s", id, pasid, strerror(-rc));
	else
		printf("device %d: PASID %u freed\n", id, pasid);
}

static void
cmd_pasid_list(void *res)
{
	struct res_pasid *r = res;
	uint32_t some[64], *pasids = some;
	int id, n, i, q;

	if (tp_parse_dev(r->dev, &id) < 0)
		return;
	n = pdk_dmadev_pasid_list(id, some, RTE_DIM(some));
	if (n > (int)RTE_DIM(some)) {
		/* more than we guessed: ask again with room for all */
		pasids = calloc((size_t)n, sizeof(*pasids));
		if (pasids == NULL) {
			tp_err("pasid list %d: out of memory", id);
			return;
		}
		n = pdk_dmadev_pasid_list(id, pasids, (unsigned int)n);
	}
	if (n < 0) {
		tp_err("pasid list %d: %s", id, strerror(-n));
	} else {
		printf("device %d: %d PASID%s allocated\n", id, n, n == 1 ? "" : "s");
		for (i = 0; i < n; i++) {
			q = tp_pasid_queue(id, pasids[i]);
			if (q >= 0)
				printf("  PASID %u: queue %d\n", pasids[i], q);
			else
				printf("  PASID %u: free for a queue\n", pasids[i]);
		}
	}
	if (pasids != some)
		free(pasids);
}

static struct tp_cmd_def def_alloc = { cmd_pasid_alloc };
static struct tp_cmd_def def_alloc_value = { cmd_pasid_alloc_value };
static struct tp_cmd_def def_free = { cmd_pasid_free };
static struct tp_cmd_def def_list = { cmd_pasid_list };

static cmdline_parse_token_string_t tok_pasid =
	TOKEN_STRING_INITIALIZER(struct res_pasid, pasid, "pasid");
static cmdline_parse_token_string_t tok_alloc =
	TOKEN_STRING_INITIALIZER(struct res_pasid, op, "alloc");
static cmdline_parse_token_string_t tok_free =
	TOKEN_STRING_INITIALIZER(struct res_pasid, op, "free");
static cmdline_parse_token_string_t tok_list =
	TOKEN_STRING_INITIALIZER(struct res_pasid, op, "list");
static struct tp_token tok_dev = TP_TOKEN_WORD(struct res_pasid, dev, "<dev_id>");
static struct tp_token tok_value = TP_TOKEN_WORD(struct res_pasid, value, "<pasid>");

static cmdline_parse_inst_t inst_alloc = {
	.f = tp_cmd_dispatch,
	.data = &def_alloc,
	.help_str = "pasid alloc <dev_id>: allocate the lowest free PASID",
	.tokens = { (void *)&tok_pasid, (void *)&tok_alloc, (void *)&tok_dev, NULL },
};

static cmdline_parse_inst_t inst_alloc_value = {
	.f = tp_cmd_dispatch,
	.data = &def_alloc_value,
	.help_str = "pasid alloc <dev_id> <pasid>: reserve that PASID",
	.tokens = { (void *)&tok_pasid, (void *)&tok_alloc, (void *)&tok_dev,
		    (void *)&tok_value, NULL },
};

static cmdline_parse_inst_t inst_free = {
	.f = tp_cmd_dispatch,
	.data = &def_free,
	.help_str = "pasid free <dev_id> <pasid>: free a PASID no queue uses",
	.tokens = { (void *)&tok_pasid, (void *)&tok_free, (void *)&tok_dev,
		    (void *)&tok_value, NULL },
};

static cmdline_parse_inst_t inst_list = {
	.f = tp_cmd_dispatch,
	.data = &def_list,
	.help_str = "pasid list <dev_id>: allocated PASIDs and their queues",
	.tokens = { (void *)&tok_pasid, (void *)&tok_list, (void *)&tok_dev, NULL },
};

static cmdline_parse_inst_t *insts[] = {
	&inst_alloc, &inst_alloc_value, &inst_free, &inst_list, NULL,
};

static const struct tp_help help[] = {
	{ "pasid alloc <dev_id> [<pasid>]", "allocate the lowest free PASID, or reserve one" },
	{ "pasid free <dev_id> <pasid>", "free it (refused while a queue uses it)" },
	{ "pasid list <dev_id>", "allocated PASIDs, ascending, with the queue using each" },
	{ NULL, NULL },
};

const struct tp_group tp_group_pasid = { "PASIDs", insts, help };
