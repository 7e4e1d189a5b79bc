/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Parity between the two backends of the rule tests (PDK_RULE_TEST in
 * pdk_test.h): list, from the registry itself, the rules that only the
 * simulated kernel checks, i.e. every sim_rule_<x> without a
 * kernel_rule_<x> twin, with the reason given at registration.
 */

#include <stdio.h>
#include <string.h>

#include "pdk_test.h"

#define SIM_PREFIX "sim_rule_"
#define KERNEL_PREFIX "kernel_rule_"

static int
test_parity_report(void)
{
	unsigned int both = 0, sim_only = 0, no_reason = 0;
	const struct pdk_test *t;
	char twin[256];

	printf("rules checked on the sim only (sim_rule_* without a kernel_rule_* twin):\n");
	for (t = pdk_test_first(); t != NULL; t = t->next) {
		if (strncmp(t->name, SIM_PREFIX, strlen(SIM_PREFIX)) != 0)
			continue;
		snprintf(twin, sizeof(twin), KERNEL_PREFIX "%s", t->name + strlen(SIM_PREFIX));
		if (pdk_test_find(twin) != NULL) {
			both++;
			continue;
		}
		sim_only++;
		if (t->note == NULL)
			no_reason++;
		printf("  SIM-ONLY %-44s %s\n", t->name,
		       t->note != NULL ? t->note : "(no reason given: register it with PDK_SIM_RULE)");
	}
	printf("parity: %u rules on both backends, %u on the sim only\n", both, sim_only);
	/* a sim-only rule must say why, so that a forgotten conversion shows */
	TEST_ASSERT(no_reason == 0, "%u sim-only rule(s) give no reason", no_reason);
	TEST_ASSERT(both > 0, "no rule test runs on the kernel");
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(kernel_rule_parity_report, vm, test_parity_report);
