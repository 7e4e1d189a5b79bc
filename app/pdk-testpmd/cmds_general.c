/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* help, sleep, quit */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"

struct res_word {
	cmdline_fixed_string_t word;
};

static void
cmd_help(void *res)
{
	(void)res;
	tp_help_print();
}

static struct tp_cmd_def cmd_help_def = { cmd_help };
static cmdline_parse_token_string_t tok_help =
	TOKEN_STRING_INITIALIZER(struct res_word, word, "help");
static cmdline_parse_inst_t inst_help = {
	.f = tp_cmd_dispatch,
	.data = &cmd_help_def,
	.help_str = "help: list the commands",
	.tokens = { (void *)&tok_help, NULL },
};

struct res_sleep {
	cmdline_fixed_string_t word;
	char secs[TP_ARG_LEN];
};

/*
 * For scripts (--cmdline-file): let traffic run between "start" and
 * "show stats". The lock is dropped meanwhile so telemetry answers.
 */
static void
cmd_sleep(void *res)
{
	struct res_sleep *r = res;
	struct timespec ts;
	double s, end;
	char *e;

	s = strtod(r->secs, &e);
	if (e == r->secs || *e != '\0' || !(s >= 0) || s > 3600) {
		tp_err("'%s' is not a number of seconds (0..3600)", r->secs);
		return;
	}
	pthread_mutex_unlock(&tp.lock);
	end = tp_now() + (s < tp.sleep_max ? s : tp.sleep_max);
	while (!tp.signaled && tp_now() < end) {
		double left = end - tp_now();

		if (left > 0.05)
			left = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = left > 0 ? (long)(left * 1e9) : 0;
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&tp.lock);
}

static struct tp_cmd_def cmd_sleep_def = { cmd_sleep };
static cmdline_parse_token_string_t tok_sleep =
	TOKEN_STRING_INITIALIZER(struct res_sleep, word, "sleep");
static struct tp_token tok_secs = TP_TOKEN_WORD(struct res_sleep, secs, "<seconds>");
static cmdline_parse_inst_t inst_sleep = {
	.f = tp_cmd_dispatch,
	.data = &cmd_sleep_def,
	.help_str = "sleep <seconds>: wait (scripts: let traffic run)",
	.tokens = { (void *)&tok_sleep, (void *)&tok_secs, NULL },
};

/* The teardown itself runs in main() once the command source is done. */
static void
cmd_quit(void *res)
{
	(void)res;
	tp.quit = true;
}

static struct tp_cmd_def cmd_quit_def = { cmd_quit };
static cmdline_parse_token_string_t tok_quit =
	TOKEN_STRING_INITIALIZER(struct res_word, word, "quit");
static cmdline_parse_inst_t inst_quit = {
	.f = tp_cmd_dispatch,
	.data = &cmd_quit_def,
	.help_str = "quit: stop traffic, tear everything down and exit",
	.tokens = { (void *)&tok_quit, NULL },
};

static cmdline_parse_inst_t *insts[] = { &inst_help, &inst_sleep, &inst_quit, NULL };

static const struct tp_help help[] = {
	{ "help", "this list" },
	{ "sleep <seconds>", "wait, e.g. to let traffic run in a --cmdline-file script" },
	{ "quit", "stop traffic, tear down (bus, address spaces, iommufd, sim), exit" },
	{ NULL, NULL },
};

const struct tp_group tp_group_general = { "General", insts, help };
