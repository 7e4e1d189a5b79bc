/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The answer to a line no command takes, the same at the prompt and in a
 * command file: dpdk-testpmd's words get "did you mean ...", a known
 * command with wrong arguments gets its syntax, a misspelt one the nearest
 * command. It is one more cmdline instance, last in the context, whose
 * token takes a whole line only when no other instance does (the tokens of
 * each are asked, as cmdline's parser asks them).
 */

#include <stdio.h>
#include <string.h>

#include <cmdline_parse.h>

#include "testpmd.h"

#define LINE_LEN 256
#define MAX_WORDS 16

struct res_line {
	char line[LINE_LEN];
};

static cmdline_parse_ctx_t *known;

/* dpdk-testpmd phrases without a command of the same words here */
static const struct {
	const char *dpdk;	/* the leading words */
	const char *ours;
} dpdk_words[] = {
	{ "set fwd", "set mode copy|fill|verify (the modes of a DMA device)" },
	{ "show port xstats", "show stats" },
	{ "show port stats", "show port stats all" },
	{ "show port", "show device <dev_id>" },
	{ "show config", "show devices" },
	{ "show fwd stats", "show stats" },
	{ "clear port stats", "clear stats" },
	{ "clear fwd stats", "clear stats" },
	{ "start tx_first", "start" },
	{ "port start", "start" },
	{ "port stop", "stop" },
	{ "port config all", "port config <dev_id> queues <n>" },
	{ "set nbcore", "EAL's -l option (one worker lcore per queue at most)" },
	{ "set txpkts", "set size <bytes>" },
	{ "exit", "quit" },
};

static int
split(char *s, char **w)
{
	int n = 0;

	for (s = strtok(s, " \t"); s != NULL && n < MAX_WORDS; s = strtok(NULL, " \t"))
		w[n++] = s;
	return n;
}

/* Does @p word fit the syntax word @p pat ("<x>" anything, "a|b" any of them)? */
static bool
word_fits(const char *pat, const char *word)
{
	size_t n = strlen(word);
	const char *p = pat;

	if (pat[0] == '<')
		return true;
	while (*p != '\0') {
		size_t len = strcspn(p, "|");

		if (len == n && strncmp(p, word, n) == 0)
			return true;
		p += len;
		if (*p == '|')
			p++;
	}
	return false;
}

/* How many leading words of @p w fit @p syntax. */
static int
words_fit(const char *syntax, char **w, int nw)
{
	char buf[LINE_LEN], *sw[MAX_WORDS];
	int ns, k;

	snprintf(buf, sizeof(buf), "%s", syntax);
	ns = split(buf, sw);
	for (k = 0; k < nw && k < ns && word_fits(sw[k], w[k]); k++)
		;
	return k;
}

/* Levenshtein distance of two short words, for "did you mean". */
static unsigned int
distance(const char *a, const char *b)
{
	unsigned int d[TP_ARG_LEN + 1], i, j, la = strlen(a), lb = strlen(b);

	if (la > TP_ARG_LEN || lb > TP_ARG_LEN)
		return TP_ARG_LEN;
	for (j = 0; j <= lb; j++)
		d[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned int diag = d[0];

		d[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned int up = d[j], best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (d[j - 1] + 1 < best)
				best = d[j - 1] + 1;
			diag = up;
			d[j] = best;
		}
	}
	return d[lb];
}

static void
answer(const char *line)
{
	const struct tp_group *const *g;
	char buf[LINE_LEN], *w[MAX_WORDS], near[TP_ARG_LEN] = "";
	unsigned int ng, i, j, best_d = 3;
	int nw, best = 0, k;

	snprintf(buf, sizeof(buf), "%s", line);
	nw = split(buf, w);
	for (i = 0; i < sizeof(dpdk_words) / sizeof(dpdk_words[0]); i++) {
		char phrase[LINE_LEN], *pw[MAX_WORDS];

		snprintf(phrase, sizeof(phrase), "%s", dpdk_words[i].dpdk);
		if (words_fit(dpdk_words[i].dpdk, w, nw) == split(phrase, pw)) {
			tp_err("'%s' is dpdk-testpmd's; did you mean: %s", line,
			       dpdk_words[i].ours);
			return;
		}
	}
	g = tp_groups(&ng);
	for (i = 0; i < ng; i++)
		for (j = 0; g[i]->help[j].syntax != NULL; j++) {
			const char *syn = g[i]->help[j].syntax;
			char first[TP_ARG_LEN];
			unsigned int d;

			k = words_fit(syn, w, nw);
			if (k > best)
				best = k;
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(syn, " "), syn);
			d = distance(w[0], first);
			if (d < best_d) {
				best_d = d;
				snprintf(near, sizeof(near), "%s", first);
			}
		}
	if (best == 0) {
		if (near[0] != '\0')
			tp_err("command not found: %s (did you mean '%s'? 'help' lists the "
			       "commands)", line, near);
		else
			tp_err("command not found: %s ('help' lists the commands)", line);
		return;
	}
	tp_err("bad arguments: %s; the syntax:", line);
	for (i = 0; i < ng; i++)
		for (j = 0; g[i]->help[j].syntax != NULL; j++)
			if (words_fit(g[i]->help[j].syntax, w, nw) == best)
				printf("  %-36s %s\n", g[i]->help[j].syntax, g[i]->help[j].what);
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Does instance @p inst take all of @p line (no newline)? */
static bool
inst_takes(cmdline_parse_inst_t *inst, const char *line)
{
	cmdline_parse_token_hdr_t *tk;
	unsigned int i;
	int n;

	for (i = 0; (tk = inst->tokens[i]) != NULL; i++) {
		while (is_blank(*line))
			line++;
		if (*line == '\0')
			return false;
		n = tk->ops->parse(tk, line, NULL, 0);
		if (n < 0)
			return false;
		line += n;
	}
	while (is_blank(*line))
		line++;
	return *line == '\0';
}

static void
cmd_other(void *res)
{
	answer(((struct res_line *)res)->line);
}

/* Takes the rest of the line when no other command takes the line. */
static int
token_line_parse(cmdline_parse_token_hdr_t *tk, const char *buf, void *res,
		 unsigned int ressize)
{
	char line[LINE_LEN];
	unsigned int i;
	size_t len;

	(void)tk;
	if (buf == NULL || known == NULL)
		return -1;
	len = strcspn(buf, "\r\n#");
	while (len > 0 && is_blank(buf[len - 1]))
		len--;
	if (len == 0 || len >= LINE_LEN)
		return -1;
	snprintf(line, sizeof(line), "%.*s", (int)len, buf);
	for (i = 0; known[i] != NULL; i++)
		if (inst_takes(known[i], line))
			return -1;
	if (res != NULL) {
		if (ressize < LINE_LEN)
			return -1;
		snprintf(res, LINE_LEN, "%.*s", (int)len, buf);
	}
	return (int)len;
}

static int
token_line_help(cmdline_parse_token_hdr_t *tk, char *dst, unsigned int size)
{
	(void)tk;
	snprintf(dst, size, "<anything else>");
	return 0;
}

static struct cmdline_token_ops token_line_ops = {
	.parse = token_line_parse,
	.get_help = token_line_help,
};

static struct tp_cmd_def def_other = { cmd_other };
static struct tp_token tok_line = { { &token_line_ops, 0 }, "<anything else>" };

cmdline_parse_inst_t tp_inst_other = {
	.f = tp_cmd_dispatch,
	.data = &def_other,
	.help_str = "anything else: its syntax, or the nearest command",
	.tokens = { (void *)&tok_line, NULL },
};

void
tp_words_init(cmdline_parse_ctx_t *commands)
{
	known = commands;
}
