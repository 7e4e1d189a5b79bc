/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of pdk-testpmd's command lines and command files. The application's
 * own sources are built in (main() left out with PDK_TESTPMD_NO_MAIN), the
 * EAL is initialised once like test/testpmd does (--no-huge --no-pci, one
 * lcore, in memory, a file prefix of our own so that parallel runs do not
 * clash), and each input is a command file: pdk-testpmd's setup without
 * options (a SIMULATED kernel with one SIMULATED DSA, probed), the input
 * through tp_cmdline_file() - the --cmdline-file path, which feeds every
 * line to cmdline_parse() of a cmdline made with the application's context,
 * so the real parser and handlers run - and the application's teardown.
 *
 * Properties: no crash or sanitizer report; no hang (libFuzzer's -timeout);
 * after any commands the teardown completes and the SIMULATED kernel is
 * clean (no object, mapping, pinned page or fd left).
 *
 * What it cannot cover: traffic (one lcore, so "start" answers "no worker
 * lcore"; worker threads would make inputs non-reproducible), the
 * interactive prompt (cmdline_interact on a terminal: TAB completion and
 * '?' help), the telemetry endpoints (not registered here), the kernel
 * backend and the command-line options of main(). "sleep" is capped at
 * 10 ms (tp.sleep_max); "quit" ends the input's file as it ends a file.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>

#include "testpmd.h"
#include "fuzz_common.h"

static int memfd = -1;
static char path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = {
		(*argv)[0], "--no-huge", "-m", "128", "--no-pci", "-l", "0", "--no-shconf",
		"--no-telemetry", "--file-prefix", prefix, NULL,
	};
	int devnull;

	(void)argc;
	fuzz_log_init();
	snprintf(prefix, sizeof(prefix), "pdk-fuzz-testpmd-%d", (int)getpid());
	if (rte_eal_init((int)(sizeof(eal) / sizeof(eal[0])) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_testpmd: EAL init failed\n");
		exit(1);
	}
	memfd = memfd_create("fuzz_testpmd", MFD_CLOEXEC);
	if (memfd < 0)
		exit(1);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	/* the session's output is what a user reads, not a finding */
	if (getenv("PDK_FUZZ_VERBOSE") == NULL) {
		devnull = open("/dev/null", O_WRONLY);
		if (devnull >= 0) {
			dup2(devnull, STDOUT_FILENO);
			close(devnull);
		}
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int rc;

	if (size > 4096)
		return -1;
	if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	/* each input starts from the application's defaults */
	tp.quit = false;
	tp.signaled = 0;
	tp.mode = TP_MODE_COPY;
	tp.size = 4096;
	tp.burst = 32;
	tp.stopped_at = 0;
	tp.sleep_max = 0.01;
	rc = tp_embed_setup();
	FUZZ_CHECK(rc == 0, "pdk-testpmd setup failed: %d (%s)", rc, fuzz_last_err);
	rc = tp_cmdline_file(path);
	FUZZ_CHECK(rc == 0, "tp_cmdline_file: %d", rc);
	rc = tp_embed_teardown();
	FUZZ_CHECK(rc == 0, "teardown after the commands was incomplete or left the "
		   "SIMULATED kernel unclean (last error: %s)", fuzz_last_err);
	return 0;
}
