/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <stdio.h>
#include <string.h>

#include <rte_dmadev.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "bench_eal.h"

int
bench_eal_init(int argc, char **argv)
{
	char *def_argv[] = { argv[0], "--no-huge", "-m", "512", "--no-pci", "--no-telemetry",
			     "--no-shconf", "--log-level=lib.eal:error", "--iova-mode=va",
			     "--vdev=dma_skeleton", "-d", "librte_dma_skeleton.so", NULL };
	int rc;

	if (argc > 1 && strcmp(argv[1], "--") != 0)
		rc = rte_eal_init(argc, argv);
	else
		rc = rte_eal_init((int)(sizeof(def_argv) / sizeof(def_argv[0])) - 1, def_argv);
	if (rc < 0) {
		fprintf(stderr, "bench: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

int
bench_eal_skeleton(void)
{
	int id = rte_dma_get_dev_id_by_name("dma_skeleton");

	if (id < 0)
		fprintf(stderr, "bench: DPDK has no dma_skeleton device (librte-dma-skeleton "
			"missing?)\n");
	return id;
}
