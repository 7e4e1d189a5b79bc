/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A program for real machines: built with nothing but
 *   cc kernel_only.c $(pkg-config --define-prefix --cflags --libs libpdk)
 * it links libpdk alone, no simulator and no DPDK (test/install-check.sh
 * checks its DT_NEEDED). It shows what such a program gets from the one
 * name-to-backend function: an address is the kernel backend, and asking
 * for the sim is refused with a line that says which library to link.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pdk_log.h>
#include <pdk_sys.h>

static char last_err[512];

static void
sink(enum pdk_log_level level, const char *component, const char *msg, void *arg)
{
	(void)component;
	(void)arg;
	if (level == PDK_LOG_ERR)
		snprintf(last_err, sizeof(last_err), "%s", msg);
}

static int failures;

static void
check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

int
main(void)
{
	char addr[PDK_PCI_ADDR_LEN];
	const char *backend;
	struct pdk_sys *sys;
	int rc;

	pdk_log_set_sink(sink, NULL, NULL, NULL);
	rc = pdk_sys_backend_open("00:01.0", &sys, addr);
	check(rc == 0 && sys == pdk_sys_kernel() && strcmp(addr, "0000:00:01.0") == 0,
	      "a PCI address opens the kernel backend, address normalised");
	check(rc == 0 && pdk_sys_backend_close(sys) == 0, "closing the kernel backend is a no-op");

	rc = pdk_sys_backend_choose(NULL, &backend, addr);
	check(rc == 0 && strcmp(backend, PDK_SYS_BACKEND_SIM) == 0 && addr[0] == '\0',
	      "no device name chooses the sim");
	last_err[0] = '\0';
	rc = pdk_sys_backend_open(NULL, &sys, addr);
	check(rc == -ENOENT && sys == NULL, "opening the sim without libpdk_sim: -ENOENT");
	check(strstr(last_err, "libpdk_sim") != NULL, "the refusal names libpdk_sim");
	printf("      (its line: %s)\n", last_err);
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	return failures != 0;
}
