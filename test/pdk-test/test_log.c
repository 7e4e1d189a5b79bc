/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk_log()'s bad arguments: a level outside the enum, a NULL component or
 * format never lose the line, never crash, and say what was wrong. And the
 * cheap paths of PDK_LOG() and pdk_log_null(): a line below the level is
 * not formatted, a pointer that is not NULL costs no call.
 */

#include <string.h>

#include "pdk_log.h"
#include "pdk_test.h"

static unsigned int nlines, nerr;
static int last_level;
static char lines[8][256];

static void
sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (nlines < 8)
		snprintf(lines[nlines], sizeof(lines[0]), "%s: %s", component, line);
	nlines++;
	last_level = (int)level;
	if (level == PDK_LOG_ERR)
		nerr++;
}

static void
reset(void)
{
	nlines = 0;
	nerr = 0;
	last_level = -1;
	memset(lines, 0, sizeof(lines));
}

static int
logged(const char *needle)
{
	unsigned int i;

	for (i = 0; i < nlines && i < 8; i++)
		if (strstr(lines[i], needle) != NULL)
			return 1;
	return 0;
}

static int
test_log_bad_args(void)
{
	static const int bad_levels[] = { 0, 3, -1, 9, 99, -2147483647 - 1 };
	enum pdk_log_level before;
	unsigned int i;

	/* to stderr first (no sink): the tag table must not be indexed by a bad level */
	for (i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++)
		pdk_log((enum pdk_log_level)bad_levels[i], "test", "level %d to stderr", bad_levels[i]);

	pdk_log_set_sink(sink, NULL, NULL, NULL);
	for (i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++) {
		char want[64];

		reset();
		pdk_log((enum pdk_log_level)bad_levels[i], "test", "level %d", bad_levels[i]);
		snprintf(want, sizeof(want), "test: level %d", bad_levels[i]);
		TEST_ASSERT(logged(want), "the line of level %d was lost", bad_levels[i]);
		TEST_ASSERT(last_level == PDK_LOG_ERR, "emitted at %d, not ERR", last_level);
		snprintf(want, sizeof(want), "with level %d, not a level", bad_levels[i]);
		TEST_ASSERT(logged(want), "no complaint about level %d", bad_levels[i]);
	}

	reset();
	pdk_log(PDK_LOG_WARNING, NULL, "no component");
	TEST_ASSERT(logged("(null): no component"), "the line without a component was lost");
	TEST_ASSERT(nerr == 1 && logged("without a component"), "no complaint about the component");

	reset();
	pdk_log(PDK_LOG_WARNING, "test", NULL);
	TEST_ASSERT(nlines == 1 && nerr == 1 && logged("a line of test without a format"),
		    "NULL format: %u lines, %u ERR", nlines, nerr);

	/* a bad level for pdk_log_set_level() is refused, the level kept */
	before = pdk_log_get_level();
	for (i = 0; i < sizeof(bad_levels) / sizeof(bad_levels[0]); i++) {
		reset();
		pdk_log_set_level((enum pdk_log_level)bad_levels[i]);
		TEST_ASSERT(pdk_log_get_level() == before, "level changed to %d by %d",
			    (int)pdk_log_get_level(), bad_levels[i]);
		TEST_ASSERT(nerr == 1 && logged("is not a level"), "set level %d not refused",
			    bad_levels[i]);
	}
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(log_bad_args, fast, test_log_bad_args);

static unsigned int nformatted;

/* A line's argument that counts its evaluations. */
static const char *
counted(const char *s)
{
	nformatted++;
	return s;
}

static const void *
counted_ptr(const void *p)
{
	nformatted++;
	return p;
}

/*
 * PDK_LOG() tests the level before the call: a line below it is neither
 * emitted nor formatted (its arguments are not evaluated); raising the
 * level emits it. pdk_log_null() tests its pointer inline, evaluates it
 * once, and logs the same line as the function.
 */
static int
test_log_below_level(void)
{
	static const char want[] = "test: obj: call: NULL arg: Invalid argument (-22); fix";
	enum pdk_log_level before = pdk_log_get_level();
	int x = 1;
	bool r;

	pdk_log_set_sink(sink, NULL, NULL, NULL);
	pdk_log_set_level(PDK_LOG_INFO);
	reset();
	nformatted = 0;
	PDK_LOG(DEBUG, "test", "below the level: %s", counted("debug line"));
	TEST_ASSERT(nlines == 0, "a DEBUG line below INFO was emitted: %s", lines[0]);
	TEST_ASSERT(nformatted == 0, "a DEBUG line below INFO evaluated its arguments (%u)",
		    nformatted);
	TEST_ASSERT(!pdk_log_enabled(PDK_LOG_DEBUG) && pdk_log_enabled(PDK_LOG_INFO),
		    "pdk_log_enabled() disagrees with level INFO");
	PDK_LOG(INFO, "test", "at the level: %s", counted("info line"));
	TEST_ASSERT(nlines == 1 && nformatted == 1 && logged("test: at the level: info line"),
		    "an INFO line at INFO: %u lines, %u evaluations", nlines, nformatted);

	pdk_log_set_level(PDK_LOG_DEBUG);
	reset();
	nformatted = 0;
	PDK_LOG(DEBUG, "test", "raised: %s", counted("debug line"));
	TEST_ASSERT(nlines == 1 && nformatted == 1 && logged("test: raised: debug line") &&
		    last_level == PDK_LOG_DEBUG,
		    "a DEBUG line at DEBUG: %u lines, %u evaluations", nlines, nformatted);
	/* an expression of type void: usable where a statement is not */
	reset();
	x ? PDK_LOG(DEBUG, "test", "in an expression") : (void)0;
	TEST_ASSERT(nlines == 1, "PDK_LOG() in an expression: %u lines", nlines);

	/* pdk_log_null(): p evaluated once; not NULL: nothing logged */
	reset();
	nformatted = 0;
	r = pdk_log_null(counted_ptr(&x), "test", "obj", "fix", "call: NULL %s", "arg");
	TEST_ASSERT(!r && nlines == 0 && nformatted == 1,
		    "pdk_log_null() of a pointer: %d, %u lines, %u evaluations", r, nlines, nformatted);
	r = pdk_log_null(counted_ptr(NULL), "test", "obj", "fix", "call: NULL %s", "arg");
	TEST_ASSERT(r && nlines == 1 && nerr == 1 && nformatted == 2 && logged(want),
		    "pdk_log_null(NULL): %d, %u lines, %u evaluations: %s", r, nlines, nformatted,
		    lines[0]);
	/* the function behind the macro logs the same line */
	reset();
	r = (pdk_log_null)(NULL, "test", "obj", "fix", "call: NULL %s", "arg");
	TEST_ASSERT(r && nlines == 1 && logged(want), "(pdk_log_null)(NULL): %d, %u lines: %s", r,
		    nlines, lines[0]);
	reset();
	r = (pdk_log_null)(&x, "test", "obj", "fix", "call");
	TEST_ASSERT(!r && nlines == 0, "(pdk_log_null)(pointer): %d, %u lines", r, nlines);

	pdk_log_set_level(before);
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(log_below_level, fast, test_log_below_level);
