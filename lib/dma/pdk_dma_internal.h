/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DMA_INTERNAL_H
#define PDK_DMA_INTERNAL_H

/*
 * What lib/pasid uses of an address space beyond pdk_dma.h (not
 * installed).
 */

#include <stdbool.h>
#include <stdint.h>

#include "pdk_dma.h"
#include "pdk_internal.h"

/*
 * pdk_dma_as_hwpt_put() for a HWPT a device is still attached to, because
 * the kernel refused its detach (already logged): the reference goes, the
 * HWPT stays for a later get, and pdk_dma_as_destroy() destroys it. The
 * destroy pdk_dma_as_hwpt_put() would try now is skipped: the kernel would
 * refuse it, and log one failure twice.
 */
PDK_INTERNAL void pdk_dma_as_hwpt_put_attached(struct pdk_dma_as *as, uint32_t hwpt_id);

/*
 * true when the space's HWPTs carry a fault queue (a handler was set
 * before the first), so that an attach refusal can name the cause: page
 * requests the device's IOMMU will not take.
 */
PDK_INTERNAL bool pdk_dma_as_has_fault_queue(const struct pdk_dma_as *as);

#endif /* PDK_DMA_INTERNAL_H */
