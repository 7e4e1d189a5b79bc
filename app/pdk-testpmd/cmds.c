/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The command line: DPDK's cmdline library with the groups of cmds_*.c,
 * our own word token, and the two ways commands arrive (a prompt on stdin,
 * or a file).
 */

#include <errno.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_socket.h>

#include "testpmd.h"

void
tp_err(const char *fmt, ...)
{
	va_list ap;

	tp.nb_errors++;
	if (tp.where[0] != '\0')
		printf("%s: ", tp.where);
	fputs("error: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

double
tp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
parse_num(const char *s, const char *what, uint64_t min, uint64_t max, bool suffix,
	  uint64_t *v)
{
	unsigned long long n;
	uint64_t mult = 1;
	char *end;

	if (s == NULL || s[0] == '\0' || !isdigit((unsigned char)s[0]))
		goto bad;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0)
		goto range;
	if (suffix && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 'k': case 'K':
			mult = 1ull << 10;
			break;
		case 'm': case 'M':
			mult = 1ull << 20;
			break;
		case 'g': case 'G':
			mult = 1ull << 30;
			break;
		default:
			goto bad;
		}
		end++;
	}
	if (*end != '\0')
		goto bad;
	if (n > UINT64_MAX / mult)
		goto range;
	n *= mult;
	if (n < min || n > max)
		goto range;
	*v = n;
	return 0;
bad:
	tp_err("'%s' is not a number (%s)", s != NULL ? s : "", what);
	return -EINVAL;
range:
	tp_err("%s %s out of range [%" PRIu64 ", %" PRIu64 "]", what, s, min, max);
	return -ERANGE;
}

int
tp_parse_u64(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *v)
{
	return parse_num(s, what, min, max, false, v);
}

int
tp_parse_size(const char *s, const char *what, uint64_t min, uint64_t max, uint64_t *v)
{
	return parse_num(s, what, min, max, true, v);
}

int
tp_parse_dev(const char *s, int *dev_id)
{
	uint64_t v;

	if (tp_parse_u64(s, "dev_id", 0, INT32_MAX, &v) < 0)
		return -EINVAL;
	if (!pdk_dmadev_is_valid((int)v)) {
		tp_err("no device %" PRIu64 " ('show devices' lists them)", v);
		return -ENODEV;
	}
	*dev_id = (int)v;
	return 0;
}

const char *
tp_mode_name(enum tp_mode m)
{
	switch (m) {
	case TP_MODE_COPY:
		return "copy";
	case TP_MODE_FILL:
		return "fill";
	case TP_MODE_VERIFY:
		return "verify";
	}
	return "?";
}

int
tp_mode_parse(const char *s, enum tp_mode *m)
{
	if (strcmp(s, "copy") == 0)
		*m = TP_MODE_COPY;
	else if (strcmp(s, "fill") == 0)
		*m = TP_MODE_FILL;
	else if (strcmp(s, "verify") == 0)
		*m = TP_MODE_VERIFY;
	else
		return -EINVAL;
	return 0;
}

/* ---- our word token ---- */

static int
token_word_parse(cmdline_parse_token_hdr_t *tk, const char *buf, void *res, unsigned int ressize)
{
	unsigned int len = 0;

	(void)tk;
	if (buf == NULL)
		return -1;
	while (!cmdline_isendoftoken(buf[len]))
		len++;
	if (len == 0)
		return -1;
	if (res != NULL) {
		/* a word longer than any name or number we take is not one */
		if (len >= TP_ARG_LEN || ressize < TP_ARG_LEN)
			return -1;
		memcpy(res, buf, len);
		((char *)res)[len] = '\0';
	}
	return (int)len;
}

static int
token_word_help(cmdline_parse_token_hdr_t *tk, char *dst, unsigned int size)
{
	const struct tp_token *t = (const struct tp_token *)tk;

	snprintf(dst, size, "%s", t->help);
	return 0;
}

/* Completion of address space names: the table changes only on this thread. */
static int
token_as_nb(cmdline_parse_token_hdr_t *tk)
{
	(void)tk;
	return (int)tp_as_count();
}

static int
token_as_elt(cmdline_parse_token_hdr_t *tk, int idx, char *dst, unsigned int size)
{
	unsigned int i;
	int n = 0;

	(void)tk;
	for (i = 0; i < TP_MAX_AS; i++) {
		if (tp.as[i] == NULL)
			continue;
		if (n++ == idx) {
			snprintf(dst, size, "%s", tp.as[i]->name);
			return 0;
		}
	}
	return -1;
}

struct cmdline_token_ops tp_token_word_ops = {
	.parse = token_word_parse,
	.complete_get_nb = NULL,
	.complete_get_elt = NULL,
	.get_help = token_word_help,
};

struct cmdline_token_ops tp_token_as_ops = {
	.parse = token_word_parse,
	.complete_get_nb = token_as_nb,
	.complete_get_elt = token_as_elt,
	.get_help = token_word_help,
};

/* ---- the library's log lines during a command ---- */

/*
 * A library line written for C programmers names the C function to call
 * ("use pdk_pasid_ctx_replace()"). When the command's own error has said
 * what went wrong in the prompt's terms, such a line is held back (-v,
 * --verbose shows it); every other line is printed as the library would.
 */
#define HELD_MAX 16

static struct {
	enum pdk_log_level level;
	char comp[16];
	char line[480];
} held[HELD_MAX];
static unsigned int nb_held;
static bool holding;
static pthread_t holder;

static void
log_print(enum pdk_log_level level, const char *comp, const char *line)
{
	static const char *const tags[] = { "ERR", "WARN", "NOTICE", "INFO", "DEBUG" };

	fflush(stdout);
	fprintf(stderr, "PDK %s %s: %s\n", level >= PDK_LOG_ERR && level <= PDK_LOG_DEBUG ?
		tags[level - PDK_LOG_ERR] : "?", comp, line);
}

static void
log_sink(enum pdk_log_level level, const char *comp, const char *line, void *arg)
{
	(void)arg;
	/*
	 * Only the command's own thread holds: telemetry's and workers' lines go
	 * out. Other threads read the flag while the command thread sets it.
	 */
	if (!__atomic_load_n(&holding, __ATOMIC_ACQUIRE) ||
	    !pthread_equal(pthread_self(), __atomic_load_n(&holder, __ATOMIC_RELAXED)) ||
	    nb_held == HELD_MAX) {
		log_print(level, comp, line);
		return;
	}
	held[nb_held].level = level;
	snprintf(held[nb_held].comp, sizeof(held[nb_held].comp), "%s", comp);
	snprintf(held[nb_held].line, sizeof(held[nb_held].line), "%s", line);
	nb_held++;
}

void
tp_log_install(void)
{
	pdk_log_set_sink(log_sink, NULL, NULL, NULL);
}

static void
log_hold(void)
{
	__atomic_store_n(&holder, pthread_self(), __ATOMIC_RELAXED);
	nb_held = 0;
	__atomic_store_n(&holding, true, __ATOMIC_RELEASE);
}

static void
log_release(bool failed)
{
	unsigned int i;

	__atomic_store_n(&holding, false, __ATOMIC_RELEASE);
	for (i = 0; i < nb_held; i++)
		if (!failed || tp.verbose || strstr(held[i].line, "()") == NULL)
			log_print(held[i].level, held[i].comp, held[i].line);
	nb_held = 0;
}

/* ---- dispatch ---- */

void
tp_cmd_dispatch(void *res, struct cmdline *cl, void *data)
{
	const struct tp_cmd_def *def = data;
	unsigned int errors;

	(void)cl;
	pthread_mutex_lock(&tp.lock);
	errors = tp.nb_errors;
	log_hold();
	def->fn(res);
	fflush(stdout);
	log_release(tp.nb_errors != errors);
	if (tp.nb_errors != errors)
		tp.nb_failed++;
	pthread_mutex_unlock(&tp.lock);
	fflush(stdout);
	/* "quit" from the prompt ends cmdline_interact() */
	if (tp.quit && tp.interactive && tp.cl != NULL)
		cmdline_quit(tp.cl);
}

static const struct tp_group *const groups[] = {
	&tp_group_show,
	&tp_group_pasid,
	&tp_group_as,
	&tp_group_queue,
	&tp_group_traffic,
	&tp_group_isolation,
	&tp_group_general,
};

#define NB_GROUPS (sizeof(groups) / sizeof(groups[0]))
#define MAX_INSTS 128

/* every command, then tp_inst_other; known: every command only */
static cmdline_parse_ctx_t ctx[MAX_INSTS + 2];
static cmdline_parse_ctx_t known[MAX_INSTS + 1];

const struct tp_group *const *
tp_groups(unsigned int *nb)
{
	*nb = NB_GROUPS;
	return groups;
}

static cmdline_parse_ctx_t *
tp_ctx(void)
{
	unsigned int g, i, n = 0;

	if (ctx[0] != NULL)
		return ctx;
	for (g = 0; g < NB_GROUPS; g++)
		for (i = 0; groups[g]->insts[i] != NULL && n < MAX_INSTS; i++)
			known[n++] = groups[g]->insts[i];
	known[n] = NULL;
	memcpy(ctx, known, n * sizeof(ctx[0]));
	tp_words_init(known);
	ctx[n++] = &tp_inst_other;
	ctx[n] = NULL;
	return ctx;
}

#define HELP_COL 38
#define HELP_WIDTH 79

/* Print @p text from column HELP_COL, wrapped at word boundaries. */
static void
help_wrap(const char *text)
{
	const char *p = text;
	int col = HELP_COL;

	while (*p != '\0') {
		int len = (int)strcspn(p, " ");

		if (col > HELP_COL && col + 1 + len > HELP_WIDTH) {
			printf("\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else if (col > HELP_COL) {
			putchar(' ');
			col++;
		}
		printf("%.*s", len, p);
		col += len;
		p += len;
		while (*p == ' ')
			p++;
	}
	putchar('\n');
}

void
tp_help_print(void)
{
	unsigned int g, i;

	printf("Commands (numbers: decimal or 0x hex; sizes may end in K, M or G):\n");
	for (g = 0; g < NB_GROUPS; g++) {
		printf("\n%s:\n", groups[g]->title);
		for (i = 0; groups[g]->help[i].syntax != NULL; i++) {
			const struct tp_help *h = &groups[g]->help[i];

			/* a long syntax gets a line of its own */
			if (strlen(h->syntax) > HELP_COL - 3)
				printf("  %s\n%*s", h->syntax, HELP_COL, "");
			else
				printf("  %-*s ", HELP_COL - 3, h->syntax);
			help_wrap(h->what);
		}
	}
	printf("\nTAB completes keywords and address space names; '?' shows what fits.\n");
}

/* ---- where commands come from ---- */

static void
strip(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
}

int
tp_cmdline_file(const char *path)
{
	struct cmdline *cl;
	char *line = NULL, *buf = NULL;
	size_t cap = 0;
	unsigned int lineno = 0, failed = tp.nb_failed;
	FILE *f;
	int rc = 0;

	f = fopen(path, "r");
	if (f == NULL) {
		rc = -errno;
		fprintf(stderr, "pdk-testpmd: cannot read --cmdline-file %s: %s\n", path,
			strerror(errno));
		tp.failed = true;
		return rc;
	}
	/* no input fd and no output fd: we echo and report ourselves */
	cl = cmdline_new(tp_ctx(), TP_PROMPT, -1, -1);
	if (cl == NULL) {
		fclose(f);
		fprintf(stderr, "pdk-testpmd: cmdline_new failed\n");
		return -ENOMEM;
	}
	printf("pdk-testpmd: reading commands from %s\n", path);
	while (!tp.quit && !tp.signaled && getline(&line, &cap, f) >= 0) {
		const char *p = line;
		int r;

		lineno++;
		strip(line);
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		printf("%s%s\n", TP_PROMPT, p);
		fflush(stdout);
		free(buf);
		if (asprintf(&buf, "%s\n", p) < 0) {
			buf = NULL;
			rc = -ENOMEM;
			break;
		}
		snprintf(tp.where, sizeof(tp.where), "%s:%u", path, lineno);
		/* the length parsed on success, a CMDLINE_PARSE_* error otherwise */
		r = cmdline_parse(cl, buf);
		if (r == CMDLINE_PARSE_AMBIGUOUS || r == CMDLINE_PARSE_NOMATCH ||
		    r == CMDLINE_PARSE_BAD_ARGS) {
			/* the catch-all command (tp_unknown) answers every other line */
			tp_err("cannot parse: %s ('help' lists the commands)", p);
			tp.nb_failed++;
		}
		tp.where[0] = '\0';
		fflush(stdout);
	}
	free(buf);
	free(line);
	fclose(f);
	cmdline_free(cl);
	failed = tp.nb_failed - failed;
	printf("pdk-testpmd: end of %s: %u command%s failed\n", path, failed,
	       failed == 1 ? "" : "s");
	fflush(stdout);
	return rc;
}

/*
 * Ctrl-C at the prompt (a 0x03 byte: the prompt's terminal has no ISIG, or
 * a SIGINT): traffic running, it stops it; none running, it quits.
 * @return true to go on.
 */
static bool
on_ctrl_c(struct cmdline *cl)
{
	static const char ctrl_c = 3;
	bool running;

	pthread_mutex_lock(&tp.lock);
	running = tp.running;
	if (running) {
		printf("\nCtrl-C: stopping traffic (Ctrl-C again, with no traffic, quits)\n");
		tp_traffic_stop();
	} else {
		printf("\nCtrl-C: quitting\n");
		tp.quit = true;
	}
	pthread_mutex_unlock(&tp.lock);
	fflush(stdout);
	if (running)
		/* the prompt's own Ctrl-C: drops the half-typed line, shows a new prompt */
		cmdline_in(cl, &ctrl_c, 1);
	return running;
}

void
tp_cmdline_interactive(void)
{
	struct cmdline *cl;
	char c;

	printf("pdk-testpmd: 'help' lists the commands; Ctrl-C stops traffic, or quits when "
	       "none runs\n");
	fflush(stdout);
	cl = cmdline_stdin_new(tp_ctx(), TP_PROMPT);
	if (cl == NULL) {
		fprintf(stderr, "pdk-testpmd: cannot start the prompt (cmdline_stdin_new)\n");
		return;
	}
	tp.cl = cl;
	tp.interactive = true;
	/* cmdline_interact(), with Ctrl-C ours */
	while (!tp.quit) {
		ssize_t n;

		/* a SIGINT (kill -INT, or one that came during a 'sleep') is a Ctrl-C */
		if (tp.signaled == SIGINT) {
			tp.signaled = 0;
			if (!on_ctrl_c(cl))
				break;
			continue;
		}
		if (tp.signaled != 0)
			break;
		n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (c == 3) {
			if (!on_ctrl_c(cl))
				break;
			continue;
		}
		if (cmdline_in(cl, &c, 1) < 0)
			break;
	}
	tp.interactive = false;
	tp.cl = NULL;
	cmdline_stdin_exit(cl);
	/* the prompt may end on EOF or a signal without a newline */
	printf("\n");
	fflush(stdout);
}
