/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of PCI addresses through the public functions that parse them:
 * pdk_vfio_pci_addr_parse() and pdk_sys_backend_open() (on the kernel backend,
 * which only parses, and with PDK_BACKEND=sim, which makes a SIMULATED kernel
 * with a function at the address). Only public functions are called, so the
 * fuzzer keeps working when the project's parsers become one.
 *
 * Properties: no crash; -EINVAL (with a log line) or 0; an accepted address
 * comes out canonical ("DDDD:BB:DD.F" with at least four domain digits, NUL
 * inside PDK_PCI_ADDR_LEN) and parses again to itself; what
 * pdk_sys_backend_open() and pdk_vfio_pci_addr_parse() agree: both accept an
 * address, with the same result, or both refuse it (issue 8: one parser for
 * the project; before it, backend_select refused 10000:00:04.0 and 0:0:0.0).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "pdk_sim.h"
#include "pdk_sys.h"
#include "pdk_vfio.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	unsetenv("PDK_BACKEND");
	return 0;
}

static bool
canonical(const char *a)
{
	size_t n = strnlen(a, PDK_PCI_ADDR_LEN);
	const char *colon = strchr(a, ':');

	/* at least "DDDD:BB:DD.F"; the domain may be longer (VMD) */
	return n < PDK_PCI_ADDR_LEN && n >= 12 && colon != NULL && colon - a >= 4 &&
	       a[n - 2] == '.' && a[n - 5] == ':' && a[n - 8] == ':';
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char out[PDK_PCI_ADDR_LEN], again[PDK_PCI_ADDR_LEN], sel[16];
	struct pdk_sys *sys;
	struct pdk_sim *sim;
	bool with_sim;
	int rv, rs, r2;
	char *in;

	if (size < 1 || size > 256)
		return -1;
	/* the first byte picks the backend mode, the rest is the address */
	with_sim = data[0] & 1;
	in = fuzz_strdup(data + 1, size - 1);

	memset(out, 0x5a, sizeof(out));
	fuzz_err_lines = 0;
	rv = pdk_vfio_pci_addr_parse(in, out);
	FUZZ_CHECK(rv == 0 || rv == -EINVAL, "pdk_vfio_pci_addr_parse(\"%s\") = %d", in, rv);
	FUZZ_CHECK(rv == 0 || fuzz_err_lines > 0, "pdk_vfio_pci_addr_parse(\"%s\") = %d "
		   "without a log line", in, rv);
	if (rv == 0) {
		FUZZ_CHECK(canonical(out), "pdk_vfio_pci_addr_parse(\"%s\") gave \"%.*s\"", in,
			   PDK_PCI_ADDR_LEN, out);
		r2 = pdk_vfio_pci_addr_parse(out, again);
		FUZZ_CHECK(r2 == 0 && strcmp(out, again) == 0,
			   "\"%s\" -> \"%s\" does not parse to itself (%d, \"%s\")", in, out, r2,
			   r2 == 0 ? again : "");
	}

	if (with_sim)
		setenv("PDK_BACKEND", "sim", 1);
	memset(sel, 0x5a, sizeof(sel));
	fuzz_err_lines = 0;
	rs = pdk_sys_backend_open(in, &sys, sel);
	sim = rs == 0 ? pdk_sim_from_sys(sys) : NULL;
	if (with_sim)
		unsetenv("PDK_BACKEND");
	/* "" and "sim" name the sim, not an address */
	if (in[0] != '\0' && strcmp(in, "sim") != 0) {
		FUZZ_CHECK(rs == 0 || rs == -EINVAL, "pdk_sys_backend_open(\"%s\") = %d", in, rs);
		FUZZ_CHECK(rs == 0 || fuzz_err_lines > 0, "pdk_sys_backend_open(\"%s\") = %d "
			   "without a log line", in, rs);
		if (rs == 0) {
			FUZZ_CHECK(memchr(sel, '\0', sizeof(sel)) != NULL && canonical(sel),
				   "pdk_sys_backend_open(\"%s\") gave a non-canonical address", in);
			FUZZ_CHECK(rv == 0 && strcmp(out, sel) == 0,
				   "parsers disagree on \"%s\": backend_select \"%s\", vfio %d "
				   "\"%s\"", in, sel, rv, rv == 0 ? out : "");
		} else {
			FUZZ_CHECK(rv != 0, "parsers disagree on \"%s\": vfio accepts it as "
				   "\"%s\", backend_select refuses it", in, out);
		}
	} else {
		FUZZ_CHECK(rs == 0, "pdk_sys_backend_open(\"%s\") = %d: the sim", in, rs);
	}
	if (rs == 0 && sim != NULL)
		FUZZ_CHECK(pdk_sys_backend_close(sys) == 0, "a new sim leaked fds");
	free(in);
	return 0;
}
