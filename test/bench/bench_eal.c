/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_dmadev.h>
#include <rte_malloc.h>
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

int
bench_eal_skeleton_open(size_t mem_len, uint16_t nb_desc, int16_t *dev_id, uint8_t **mem,
			rte_iova_t *iova, bool *has_fill)
{
	struct rte_dma_conf conf = { .nb_vchans = 1 };
	struct rte_dma_vchan_conf vc = {
		.direction = RTE_DMA_DIR_MEM_TO_MEM, .nb_desc = nb_desc,
	};
	struct rte_dma_info info;

	*dev_id = (int16_t)bench_eal_skeleton();
	if (*dev_id < 0)
		return -ENODEV;
	*mem = rte_malloc("bench", mem_len, 4096);
	if (*mem == NULL)
		return -ENOMEM;
	memset(*mem, 0x5a, mem_len);
	*iova = rte_malloc_virt2iova(*mem);
	if (rte_dma_info_get(*dev_id, &info) < 0 || rte_dma_configure(*dev_id, &conf) < 0 ||
	    rte_dma_vchan_setup(*dev_id, 0, &vc) < 0 || rte_dma_start(*dev_id) < 0)
		return -EIO;
	if (has_fill != NULL)
		*has_fill = (info.dev_capa & RTE_DMA_CAPA_OPS_FILL) != 0;
	return 0;
}

void
bench_eal_skeleton_close(int16_t dev_id, void *mem)
{
	if (dev_id >= 0) {
		rte_dma_stop(dev_id);
		rte_dma_close(dev_id);
	}
	rte_free(mem);
}
