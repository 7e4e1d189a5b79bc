/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * set mode copy|fill|verify, set size <bytes>, set burst <n>, start, stop,
 * show stats, clear stats; and dpdk-testpmd's words for two of them:
 * set fwd copy|fill|verify, show port stats all|<dev_id>.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"

struct res_set {
	cmdline_fixed_string_t set;
	cmdline_fixed_string_t what;
	cmdline_fixed_string_t mode;
	char value[TP_ARG_LEN];
};

static void
later_note(void)
{
	if (tp.running)
		printf("  (traffic is running: this applies from the next start)\n");
}

static void
cmd_set_mode(void *res)
{
	struct res_set *r = res;

	tp_mode_parse(r->mode, &tp.mode);	/* the token allows only valid modes */
	printf("mode %s\n", tp_mode_name(tp.mode));
	later_note();
}

static void
cmd_set_size(void *res)
{
	struct res_set *r = res;
	uint64_t v;

	if (tp_parse_size(r->value, "size", 1, UINT32_MAX, &v) < 0)
		return;
	tp.size = (uint32_t)v;
	printf("size %u bytes per op\n", tp.size);
	later_note();
}

static void
cmd_set_burst(void *res)
{
	struct res_set *r = res;
	uint64_t v;

	if (tp_parse_u64(r->value, "burst", 1, TP_MAX_BURST, &v) < 0)
		return;
	tp.burst = (uint16_t)v;
	printf("burst %u ops\n", tp.burst);
	later_note();
}

static void
cmd_start(void *res)
{
	(void)res;
	tp_traffic_start();
}

static void
cmd_stop(void *res)
{
	(void)res;
	if (!tp.running) {
		tp_err("traffic is not running");
		return;
	}
	/* it prints the run's summary */
	tp_traffic_stop();
}

static void
cmd_show_stats(void *res)
{
	(void)res;
	tp_stats_show(true);
}

/* "show port stats all|<dev_id>": one table for all, as dpdk-testpmd's "all" */
static void
cmd_show_port_stats(void *res)
{
	struct res_set *r = res;
	int id;

	if (strcmp(r->value, "all") != 0 && tp_parse_dev(r->value, &id) < 0)
		return;
	tp_stats_show(true);
}

static void
cmd_show_stats_json(void *res)
{
	(void)res;
	tp_stats_json();
}

static void
cmd_clear_stats(void *res)
{
	(void)res;
	tp_stats_clear();
}

static struct tp_cmd_def def_mode = { cmd_set_mode };
static struct tp_cmd_def def_size = { cmd_set_size };
static struct tp_cmd_def def_burst = { cmd_set_burst };
static struct tp_cmd_def def_start = { cmd_start };
static struct tp_cmd_def def_stop = { cmd_stop };
static struct tp_cmd_def def_show_stats = { cmd_show_stats };
static struct tp_cmd_def def_clear_stats = { cmd_clear_stats };
static struct tp_cmd_def def_show_port_stats = { cmd_show_port_stats };
static struct tp_cmd_def def_show_stats_json = { cmd_show_stats_json };

static cmdline_parse_token_string_t tok_set = TOKEN_STRING_INITIALIZER(struct res_set, set, "set");
static cmdline_parse_token_string_t tok_kw_mode =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "mode");
static cmdline_parse_token_string_t tok_mode =
	TOKEN_STRING_INITIALIZER(struct res_set, mode, "copy#fill#verify");
static cmdline_parse_token_string_t tok_kw_size =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "size");
static struct tp_token tok_size = TP_TOKEN_WORD(struct res_set, value, "<bytes>");
static cmdline_parse_token_string_t tok_kw_burst =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "burst");
static struct tp_token tok_burst = TP_TOKEN_WORD(struct res_set, value, "<n>");
static cmdline_parse_token_string_t tok_start =
	TOKEN_STRING_INITIALIZER(struct res_set, set, "start");
static cmdline_parse_token_string_t tok_stop =
	TOKEN_STRING_INITIALIZER(struct res_set, set, "stop");
static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct res_set, set, "show");
static cmdline_parse_token_string_t tok_clear =
	TOKEN_STRING_INITIALIZER(struct res_set, set, "clear");
static cmdline_parse_token_string_t tok_stats =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "stats");
static cmdline_parse_token_string_t tok_kw_fwd =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "fwd");
static cmdline_parse_token_string_t tok_port =
	TOKEN_STRING_INITIALIZER(struct res_set, what, "port");
static cmdline_parse_token_string_t tok_port_stats =
	TOKEN_STRING_INITIALIZER(struct res_set, mode, "stats");
static cmdline_parse_token_string_t tok_json =
	TOKEN_STRING_INITIALIZER(struct res_set, mode, "json");
static struct tp_token tok_all = TP_TOKEN_WORD(struct res_set, value, "all|<dev_id>");

static cmdline_parse_inst_t inst_mode = {
	.f = tp_cmd_dispatch,
	.data = &def_mode,
	.help_str = "set mode copy|fill|verify: what the traffic does",
	.tokens = { (void *)&tok_set, (void *)&tok_kw_mode, (void *)&tok_mode, NULL },
};

static cmdline_parse_inst_t inst_fwd = {
	.f = tp_cmd_dispatch,
	.data = &def_mode,
	.help_str = "set fwd copy|fill|verify: as set mode (dpdk-testpmd's words)",
	.tokens = { (void *)&tok_set, (void *)&tok_kw_fwd, (void *)&tok_mode, NULL },
};

static cmdline_parse_inst_t inst_size = {
	.f = tp_cmd_dispatch,
	.data = &def_size,
	.help_str = "set size <bytes>: bytes per op",
	.tokens = { (void *)&tok_set, (void *)&tok_kw_size, (void *)&tok_size, NULL },
};

static cmdline_parse_inst_t inst_burst = {
	.f = tp_cmd_dispatch,
	.data = &def_burst,
	.help_str = "set burst <n>: ops per burst",
	.tokens = { (void *)&tok_set, (void *)&tok_kw_burst, (void *)&tok_burst, NULL },
};

static cmdline_parse_inst_t inst_start = {
	.f = tp_cmd_dispatch,
	.data = &def_start,
	.help_str = "start: traffic on every set-up queue, on the worker lcores",
	.tokens = { (void *)&tok_start, NULL },
};

static cmdline_parse_inst_t inst_stop = {
	.f = tp_cmd_dispatch,
	.data = &def_stop,
	.help_str = "stop: stop traffic and print the run's summary",
	.tokens = { (void *)&tok_stop, NULL },
};

static cmdline_parse_inst_t inst_show_stats = {
	.f = tp_cmd_dispatch,
	.data = &def_show_stats,
	.help_str = "show stats: per queue (= per PASID) counters and rates",
	.tokens = { (void *)&tok_show, (void *)&tok_stats, NULL },
};

static cmdline_parse_inst_t inst_show_stats_json = {
	.f = tp_cmd_dispatch,
	.data = &def_show_stats_json,
	.help_str = "show stats json: the same as one JSON line, exact numbers",
	.tokens = { (void *)&tok_show, (void *)&tok_stats, (void *)&tok_json, NULL },
};

static cmdline_parse_inst_t inst_show_port_stats = {
	.f = tp_cmd_dispatch,
	.data = &def_show_port_stats,
	.help_str = "show port stats all|<dev_id>: as show stats (dpdk-testpmd's words)",
	.tokens = { (void *)&tok_show, (void *)&tok_port, (void *)&tok_port_stats,
		    (void *)&tok_all, NULL },
};

static cmdline_parse_inst_t inst_clear_stats = {
	.f = tp_cmd_dispatch,
	.data = &def_clear_stats,
	.help_str = "clear stats: count from zero again",
	.tokens = { (void *)&tok_clear, (void *)&tok_stats, NULL },
};

static cmdline_parse_inst_t *insts[] = {
	&inst_mode, &inst_fwd, &inst_size, &inst_burst, &inst_start, &inst_stop,
	&inst_show_stats, &inst_show_stats_json, &inst_show_port_stats, &inst_clear_stats, NULL,
};

static const struct tp_help help[] = {
	{ "set mode copy|fill|verify", "verify: copy, then compare every byte" },
	{ "set fwd copy|fill|verify", "the same (dpdk-testpmd's words)" },
	{ "set size <bytes>", "bytes per op (4096)" },
	{ "set burst <n>", "ops per burst (32)" },
	{ "start", "traffic on every set-up queue, spread over the worker lcores" },
	{ "stop", "stop traffic, stop the devices, print the run's summary" },
	{ "show stats", "per queue and PASID: ops, bytes, errors, faults, mismatches "
		       "since 'clear stats'; rates since the start or the last show" },
	{ "show stats json", "the same as one JSON line for tools (exact numbers)" },
	{ "show port stats all", "the same (dpdk-testpmd's words)" },
	{ "clear stats", "count from zero again" },
	{ NULL, NULL },
};

const struct tp_group tp_group_traffic = { "Traffic", insts, help };
