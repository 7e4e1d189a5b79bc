/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of lib/pcicfg's layout-file reader (pdk_pcicfg_layout_parse()).
 *
 * Properties: no crash; 0, or -EINVAL with one log line and no layout; an
 * accepted layout written again reads back, and compares compatible with
 * itself and with what was read.
 */

#include <errno.h>
#include <stdint.h>

#include "pdk_pcicfg.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pdk_pcicfg_layout *a = NULL, *b = NULL;
	char report[256], *text, *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (size > 256 * 1024)
		return -1;
	text = fuzz_strdup(data, size);
	fuzz_err_lines = 0;
	rc = pdk_pcicfg_layout_parse(text, &a);
	free(text);
	if (rc < 0) {
		FUZZ_CHECK(rc == -EINVAL && a == NULL, "layout_parse = %d", rc);
		FUZZ_CHECK(fuzz_err_lines == 1, "layout_parse = %d with %u lines", rc, fuzz_err_lines);
		return 0;
	}
	FUZZ_CHECK(rc == 0 && a != NULL, "layout_parse = %d", rc);
	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(pdk_pcicfg_layout_write(a, f) == 0, "layout_write");
	fclose(f);
	FUZZ_CHECK(pdk_pcicfg_layout_parse(buf, &b) == 0, "written layout does not read back: %s",
		   fuzz_last_err);
	FUZZ_CHECK(pdk_pcicfg_layout_compare(a, b, report, sizeof(report)) == 0, "%s", report);
	FUZZ_CHECK(pdk_pcicfg_layout_compare(a, a, report, sizeof(report)) == 0, "%s", report);
	pdk_pcicfg_layout_free(a);
	pdk_pcicfg_layout_free(b);
	free(buf);
	return 0;
}
