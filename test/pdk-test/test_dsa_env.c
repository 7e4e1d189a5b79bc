/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The DSA PMD's test set-up on the SIMULATED DSA model (test_dsa_env.h). */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "pdk_bus.h"
#include "test_dsa_env.h"

/*
 * A sim with one DSA at DSA_ADDR, lacking the opcodes of @p ops_absent; the
 * bus probed with @p devargs.
 */
int
dsa_env_setup_model(struct dsa_env *e, enum pdk_sim_model model, uint8_t pasid_bits,
		    const char *devargs, uint32_t ops_absent)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = model, .pasid_bits = pasid_bits,
		.dsa_ops_absent = ops_absent,
	};
	int rc;

	memset(e, 0, sizeof(*e));
	e->dev_id = -1;
	rc = pdk_sim_create(&scfg, &e->sim);
	if (rc == 0)
		rc = pdk_sim_fn_add(e->sim, &fcfg, NULL);
	if (rc == 0)
		rc = pdk_iommufd_open(pdk_sim_sys(e->sim), &e->ictx);
	if (rc == 0)
		rc = pdk_bus_create(e->ictx, &e->bus);
	if (rc == 0)
		rc = pdk_bus_scan(e->bus) < 0 ? -EIO : 0;
	if (rc == 0 && devargs != NULL)
		rc = pdk_bus_allow(e->bus, devargs);
	if (rc == 0) {
		rc = pdk_bus_probe(e->bus);
		rc = rc == 1 ? 0 : (rc < 0 ? rc : -ENODEV);
	}
	if (rc == 0)
		e->dev_id = pdk_dmadev_get_dev_id(DSA_ADDR);
	return rc;
}

int
dsa_env_setup_ops(struct dsa_env *e, uint8_t pasid_bits, const char *devargs,
		  uint32_t ops_absent)
{
	return dsa_env_setup_model(e, PDK_SIM_MODEL_DSA, pasid_bits, devargs, ops_absent);
}

int
dsa_env_setup(struct dsa_env *e, uint8_t pasid_bits, const char *devargs)
{
	return dsa_env_setup_ops(e, pasid_bits, devargs, 0);
}

/* Address space i with a buffer of BUF_LEN mapped at a kernel-chosen IOVA. */
int
dsa_env_as(struct dsa_env *e, unsigned int i)
{
	char name[16];
	int rc;

	snprintf(name, sizeof(name), "as%u", i);
	rc = pdk_dma_as_create(pdk_bus_iommufd(e->bus), name, &e->as[i]);
	if (rc < 0)
		return rc;
	e->buf[i] = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	if (e->buf[i] == MAP_FAILED) {
		e->buf[i] = NULL;
		return -ENOMEM;
	}
	return pdk_dma_map(e->as[i], e->buf[i], BUF_LEN, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			   &e->iova[i]);
}

/* Queue q of nb_desc bound to as[q]; configure(nq) first. */
int
dsa_env_queues(struct dsa_env *e, uint16_t nq, uint16_t nb_desc)
{
	struct pdk_dmadev_conf conf = { .nb_queues = nq };
	uint16_t q;
	int rc;

	rc = pdk_dmadev_configure(e->dev_id, &conf);
	for (q = 0; rc == 0 && q < nq; q++) {
		struct pdk_dmadev_queue_conf qc = { .nb_desc = nb_desc };

		rc = e->as[q] == NULL ? dsa_env_as(e, q) : 0;
		qc.as = e->as[q];
		if (rc == 0)
			rc = pdk_dmadev_queue_setup(e->dev_id, q, &qc);
	}
	return rc;
}

/* Tear down in the usual order and check the sim holds nothing. */
int
dsa_env_teardown(struct dsa_env *e)
{
	unsigned int i;
	int rc = 0;

	if (e->bus != NULL)
		pdk_bus_destroy(e->bus);
	for (i = 0; i < NQ; i++) {
		if (e->as[i] != NULL && pdk_dma_as_destroy(e->as[i]) != 0)
			rc = -1;
		if (e->buf[i] != NULL)
			munmap(e->buf[i], BUF_LEN);
	}
	if (e->ictx != NULL)
		pdk_iommufd_close(e->ictx);
	if (pdk_dmadev_count() != 0)
		rc = -1;
	if (!pdk_sim_is_clean(e->sim))
		rc = -1;
	if (pdk_sim_destroy(e->sim) != 0)
		rc = -1;
	memset(e, 0, sizeof(*e));
	return rc;
}

/* Wait for @p n completions of queue q; @return how many succeeded. */
int
dsa_env_drain(int dev_id, uint16_t q, unsigned int n, struct pdk_dmadev_status *st)
{
	unsigned int got = 0, ok = 0, spins = 0;

	while (got < n && spins++ < 20000000) {
		uint16_t k = pdk_dmadev_completed_status(dev_id, q, (uint16_t)(n - got), NULL,
							 st + got);
		unsigned int i;

		for (i = 0; i < k; i++)
			ok += st[got + i].code == PDK_DMADEV_ST_SUCCESS;
		got += k;
	}
	return got == n ? (int)ok : -ETIMEDOUT;
}

