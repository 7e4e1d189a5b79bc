/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-test's runner. Each test runs in a forked child so that a crash, an
 * abort or a leaked fd is charged to that test alone; --no-fork runs them in
 * process (for gdb).
 */

#include <dirent.h>
#include <fnmatch.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdk_log.h"
#include "pdk_test.h"

static struct pdk_test *tests;
static unsigned int ntests;
static bool fd_check = true;

enum pdk_test_backend pdk_test_backend = PDK_TEST_BACKEND_SIM;

const struct pdk_test *
pdk_test_first(void)
{
	return tests;
}

const struct pdk_test *
pdk_test_find(const char *name)
{
	const struct pdk_test *t;

	for (t = tests; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

void
pdk_test_skip_fd_check(const char *why)
{
	fprintf(stderr, "  note: fd-leak check off for this test: %s\n", why);
	fd_check = false;
}

void
pdk_test_register(struct pdk_test *t)
{
	struct pdk_test **p = &tests;

	/* keep the list sorted by name for a stable run order */
	while (*p != NULL && strcmp((*p)->name, t->name) < 0)
		p = &(*p)->next;
	t->next = *p;
	*p = t;
	ntests++;
}

void
pdk_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  FAIL %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- log capture ---- */

#define CAPTURE_MAX 256
static char *captured[CAPTURE_MAX];
static unsigned int ncaptured;
static pdk_log_sink_t saved_sink;
static void *saved_arg;

static void
capture_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	/* keep printing, so a failing test's output shows the library's words */
	fprintf(stderr, "  [log %s] %s\n", component, line);
	if (level <= PDK_LOG_WARNING && ncaptured < CAPTURE_MAX)
		captured[ncaptured++] = strdup(line);
}

void
test_log_clear(void)
{
	while (ncaptured > 0)
		free(captured[--ncaptured]);
}

void
test_log_capture_start(void)
{
	test_log_clear();
	pdk_log_set_sink(capture_sink, NULL, &saved_sink, &saved_arg);
}

void
test_log_capture_stop(void)
{
	pdk_log_set_sink(saved_sink, saved_arg, NULL, NULL);
	test_log_clear();
}

int
test_log_contains(const char *needle)
{
	unsigned int i;

	for (i = 0; i < ncaptured; i++)
		if (captured[i] != NULL && strstr(captured[i], needle) != NULL)
			return 1;
	return 0;
}

/* ---- runner ---- */

static int
count_fds(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own fd */
}

static int
run_in_process(const struct pdk_test *t)
{
	int before, after, rc;

	fd_check = true;
	pdk_test_backend = PDK_TEST_BACKEND_SIM;	/* tests on a fixture set their own */
	before = count_fds();
	rc = t->fn();
	after = count_fds();
	test_log_capture_stop();
	if (rc == TEST_SUCCESS && fd_check && after != before) {
		fprintf(stderr, "  FAIL %s: %d fd(s) leaked\n", t->name, after - before);
		rc = TEST_FAILED;
	}
	return rc;
}

static int
run_forked(const struct pdk_test *t)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return TEST_FAILED;
	if (pid == 0) {
		int rc = run_in_process(t);

		/* exit(), not _exit(): LeakSanitizer checks the child at exit */
		exit(rc == TEST_SUCCESS ? 0 : rc == TEST_SKIPPED ? TEST_SKIPPED : 1);
	}
	if (waitpid(pid, &status, 0) < 0)
		return TEST_FAILED;
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "  FAIL %s: killed by signal %d\n", t->name, WTERMSIG(status));
		return TEST_FAILED;
	}
	if (WEXITSTATUS(status) == 0)
		return TEST_SUCCESS;
	return WEXITSTATUS(status) == TEST_SKIPPED ? TEST_SKIPPED : TEST_FAILED;
}

static void
usage(const char *prog)
{
	printf("Usage: %s [options] [TEST|GLOB ...]\n"
	       "PDK's autotest application. Runs every registered test, or those named.\n"
	       "Tests of suite \"vm\" (named kernel_*) need the real kernel of the VM harness\n"
	       "(test/vm) and run only when named or with --suite vm.\n"
	       "Tests named sim_* run on PDK's simulated kernel (a simulation, not hardware).\n\n"
	       "  -l, --list        list tests as \"suite name\" and exit\n"
	       "  -s, --suite NAME  run only the tests of suite NAME\n"
	       "  -n, --no-fork     run tests in this process (for debuggers)\n"
	       "  -h, --help        this text\n\n"
	       "Exit status: 0 when no test failed. The last line is \"N passed, M failed, K skipped\".\n",
	       prog);
}

/*
 * Tests of the "vm" suite need the real kernel of the VM harness (test/vm):
 * they run only when their suite or names are asked for.
 */
#define PDK_TEST_SUITE_VM "vm"

static bool
selected(const struct pdk_test *t, const char *suite, char **names, int nnames)
{
	int i;

	if (suite != NULL && strcmp(t->suite, suite) != 0)
		return false;
	if (nnames == 0)
		return suite != NULL || strcmp(t->suite, PDK_TEST_SUITE_VM) != 0;
	for (i = 0; i < nnames; i++)
		if (fnmatch(names[i], t->name, 0) == 0)
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"list", no_argument, NULL, 'l'},
		{"suite", required_argument, NULL, 's'},
		{"no-fork", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned int passed = 0, failed = 0, skipped = 0, matched = 0;
	const char *suite = NULL;
	bool list = false, fork_tests = true;
	const struct pdk_test *t;
	int c, i;

	while ((c = getopt_long(argc, argv, "ls:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'l': list = true; break;
		case 's': suite = optarg; break;
		case 'n': fork_tests = false; break;
		case 'h': usage(argv[0]); return 0;
		default: usage(argv[0]); return 2;
		}
	}
	for (t = tests; t != NULL; t = t->next) {
		if (!selected(t, suite, argv + optind, argc - optind))
			continue;
		matched++;
		if (list) {
			printf("%s %s\n", t->suite, t->name);
			continue;
		}
		printf("RUN  %s\n", t->name);
		fflush(stdout);
		c = fork_tests ? run_forked(t) : run_in_process(t);
		if (c == TEST_SUCCESS)
			passed++;
		else if (c == TEST_SKIPPED)
			skipped++;
		else
			failed++;
		printf("%s %s\n", c == TEST_SUCCESS ? "OK  " : c == TEST_SKIPPED ? "SKIP" : "FAIL", t->name);
	}
	if (list)
		return 0;
	for (i = optind; i < argc && matched == 0; i++)
		fprintf(stderr, "no test matches \"%s\" (try --list)\n", argv[i]);
	if (matched == 0)
		return 2;
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed == 0 ? 0 : 1;
}
