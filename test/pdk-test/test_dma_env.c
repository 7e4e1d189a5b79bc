/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <string.h>

#include "test_dma_env.h"
#include "test_env.h"

/* Map mem at IOVA == VA in @p as, but for the hole page. */
static int
dma_env_map(struct dma_env *e, struct pdk_dma_as *as)
{
	const unsigned int perm = PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE;
	uint8_t *after = e->hole + DMA_ENV_PAGE;
	int rc;

	rc = pdk_dma_map_iova(as, e->mem, DMA_ENV_HOLE_PAGE * DMA_ENV_PAGE, IOVA(e->mem), perm);
	if (rc == 0)
		rc = pdk_dma_map_iova(as, after, (size_t)(e->mem + DMA_ENV_LEN - after), IOVA(after),
				      perm);
	return rc;
}

int
dma_env_setup(struct dma_env *e)
{
	struct pdk_sim_config cfg = { .no_default_devices = true };
	int rc;

	memset(e, 0, sizeof(*e));
	e->mem = test_buf_alloc(DMA_ENV_LEN);
	if (e->mem == NULL)
		return -ENOMEM;
	e->hole = e->mem + DMA_ENV_HOLE_PAGE * DMA_ENV_PAGE;
	rc = pdk_sim_create(&cfg, &e->sim);
	if (rc == 0)
		rc = pdk_iommufd_open(pdk_sim_sys(e->sim), &e->ictx);
	if (rc == 0)
		rc = pdk_dma_as_create(e->ictx, "dmadev-test-a", &e->as[0]);
	if (rc == 0)
		rc = pdk_dma_as_create(e->ictx, "dmadev-test-b", &e->as[1]);
	if (rc == 0)
		rc = dma_env_map(e, e->as[0]);
	if (rc == 0)
		rc = dma_env_map(e, e->as[1]);
	if (rc < 0)
		dma_env_teardown(e);
	return rc;
}

int
dma_env_teardown(struct dma_env *e)
{
	bool clean;
	int rc = 0;

	/* destroying a space unmaps what it holds */
	if (pdk_dma_as_destroy(e->as[0]) < 0 || pdk_dma_as_destroy(e->as[1]) < 0)
		rc = -1;
	pdk_iommufd_close(e->ictx);
	test_buf_free(e->mem, DMA_ENV_LEN);
	if (e->sim == NULL)
		return -1;
	clean = pdk_sim_is_clean(e->sim);
	if (pdk_sim_destroy(e->sim) != 0 || !clean)
		rc = -1;
	memset(e, 0, sizeof(*e));
	return rc;
}

int
dma_env_setup_queues(int dev_id, uint16_t nb_queues, uint16_t nb_set_up, uint16_t nb_desc,
		     struct pdk_dma_as *as)
{
	struct pdk_dmadev_conf conf = { .nb_queues = nb_queues };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = nb_desc, .as = as };
	uint16_t q;
	int rc;

	rc = pdk_dmadev_configure(dev_id, &conf);
	for (q = 0; q < nb_set_up && rc == 0; q++)
		rc = pdk_dmadev_queue_setup(dev_id, q, &qc);
	return rc;
}
