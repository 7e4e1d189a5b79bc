/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_SIM_RUN_CONFIG_H
#define PDK_SIM_RUN_CONFIG_H

/*
 * The machine pdk-sim-run shows a program: the simulated kernel's
 * configuration and its functions, read from a file (doc/sim-run.md,
 * "Configuration") or the default. The runner and the interposer it loads
 * into the program read the same file with this one parser, so both build
 * the same machine.
 */

#include <stdbool.h>

#include "pdk_sim.h"

#define RUN_MAX_FNS 16

/* The environment variable that hands the configuration file to the interposer. */
#define RUN_ENV_CONFIG "PDK_SIM_RUN_CONFIG"

struct run_config {
	struct pdk_sim_config sim;
	unsigned int nfns;
	struct pdk_sim_fn_config fns[RUN_MAX_FNS];
	char addrs[RUN_MAX_FNS][PDK_PCI_ADDR_LEN];
};

/* The default machine: one DSA at 0000:6a:01.0, one pdk-sim-dma at 0000:6b:00.0. */
void run_config_default(struct run_config *cfg);

/*
 * Read @p path (NULL or "": the default). On error, fills @p err with
 * "FILE:LINE: what is wrong: the fix" and returns -EINVAL (or -errno of
 * the open).
 */
int run_config_read(const char *path, struct run_config *cfg, char *err, size_t errlen);

/* The model's name in the configuration file ("dsa", "simdma", "plain"). */
const char *run_model_name(enum pdk_sim_model model);

/* Create the sim the configuration describes; -errno (the sim logged why). */
int run_config_sim_create(const struct run_config *cfg, struct pdk_sim **sim);

#endif /* PDK_SIM_RUN_CONFIG_H */
