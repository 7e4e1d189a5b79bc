/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef TEST_DMA_ENV_H
#define TEST_DMA_ENV_H

/*
 * The fixture of the tests on software DMA devices (drivers/dma/skeleton,
 * test_dmadev.c and test_dma_skeleton.c): two address spaces of an iommufd
 * context on the SIMULATED kernel (no simulated device is used) and a
 * buffer mapped at IOVA == VA in both, the way the skeleton translates,
 * with one page left unmapped so that an op touching it faults there.
 */

#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_dmadev.h"
#include "pdk_iommufd.h"
#include "pdk_sim.h"
#include "pdk_test.h"

#define DMA_ENV_PAGE 4096u
#define DMA_ENV_PAGES 8u
#define DMA_ENV_LEN (DMA_ENV_PAGES * DMA_ENV_PAGE)
/* the unmapped page: 4 mapped pages before it, 3 after */
#define DMA_ENV_HOLE_PAGE 4u

struct dma_env {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_dma_as *as[2];	/* named 'dmadev-test-a' and 'dmadev-test-b' */
	uint8_t *mem;		/* DMA_ENV_LEN zeroed bytes, page-aligned */
	uint8_t *hole;		/* page DMA_ENV_HOLE_PAGE of mem, mapped in neither space */
};

/* The fast-path address of @p p in the fixture's spaces. */
#define IOVA(p) ((uint64_t)(uintptr_t)(p))

/** @return 0, or -errno with what was built torn down. */
int dma_env_setup(struct dma_env *e);

/** Destroy the spaces, close the context. @return 0 when the sim was left clean. */
int dma_env_teardown(struct dma_env *e);

/**
 * Configure @p dev_id with @p nb_queues queues and set the first
 * @p nb_set_up up with @p nb_desc descriptors on @p as (PASIDs chosen by
 * the driver). @return 0 or the first -errno.
 */
int dma_env_setup_queues(int dev_id, uint16_t nb_queues, uint16_t nb_set_up, uint16_t nb_desc,
			 struct pdk_dma_as *as);

/** Assert a call is refused with @p err and a logged line containing @p needle. */
#define TEST_REFUSED(expr, err, needle)						\
	do {									\
		test_log_clear();						\
		TEST_ASSERT_RC(expr, err);					\
		TEST_ASSERT_LOGGED(needle);					\
	} while (0)

#endif /* TEST_DMA_ENV_H */
