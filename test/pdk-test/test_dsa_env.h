/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef TEST_DSA_ENV_H
#define TEST_DSA_ENV_H

/*
 * The DSA PMD on the SIMULATED kernel's DSA model, through lib/bus and
 * lib/dmadev: a sim with one DSA, probed, its queues each with an address
 * space and a buffer of their own (test_dsa.c, test_live.c).
 */

#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_dmadev.h"
#include "pdk_sim.h"

#define DSA_ADDR	"0000:6a:01.0"
#define NQ		4
#define BUF_LEN		(1u << 20)

struct dsa_env {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;	/* the bus's: outlives it and the spaces */
	struct pdk_bus *bus;
	int dev_id;
	struct pdk_dma_as *as[NQ];
	uint8_t *buf[NQ];	/* BUF_LEN each, mapped in as[i] only */
	uint64_t iova[NQ];
};

/* A sim with one DSA at DSA_ADDR of @p model, lacking the opcodes of @p ops_absent; the bus probed with @p devargs. */
int dsa_env_setup_model(struct dsa_env *e, enum pdk_sim_model model, uint8_t pasid_bits,
			const char *devargs, uint32_t ops_absent);
int dsa_env_setup_ops(struct dsa_env *e, uint8_t pasid_bits, const char *devargs,
		      uint32_t ops_absent);
int dsa_env_setup(struct dsa_env *e, uint8_t pasid_bits, const char *devargs);
/* Address space i with a buffer of BUF_LEN mapped at a kernel-chosen IOVA. */
int dsa_env_as(struct dsa_env *e, unsigned int i);
/* Queue q of nb_desc bound to as[q]; configure(nq) first. */
int dsa_env_queues(struct dsa_env *e, uint16_t nq, uint16_t nb_desc);
/* Tear down in the usual order and check the sim holds nothing: 0 or -1. */
int dsa_env_teardown(struct dsa_env *e);
/* Wait for @p n completions of queue q; @return how many succeeded, or -ETIMEDOUT. */
int dsa_env_drain(int dev_id, uint16_t q, unsigned int n, struct pdk_dmadev_status *st);

#endif /* TEST_DSA_ENV_H */
