/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_DSA_H
#define PDK_DSA_H

/**
 * @file
 * The Intel DSA poll-mode driver: a lib/dmadev device per DSA function,
 * one queue per dedicated work queue (WQ), each WQ with WQ PASID enable set
 * and its own PASID from lib/pasid, attached to the queue's address space.
 *
 * The driver registers itself with lib/bus as "dsa" (PCI 8086:0b25, 11fb,
 * 1212). Device arguments:
 *   - max_queues=N  expose at most N work queues (1..WQs of the device);
 *   - engines=N     use N engines in the group (1..engines of the device);
 *   - block_on_fault=1  WQs block on a page fault (WQCFG bof, descriptor
 *     flag BOF): the device sends a page request (PCIe PRI) to the fault
 *     queue of the queue's address space and waits for its answer, so a
 *     space with a fault handler (pdk_dma_as_set_fault_handler()) that the
 *     application polls can map on demand; probe refuses it (-ENOTSUP)
 *     when GENCAP block_on_fault is 0. Default 0: a fault completes the
 *     operation with PAGE_FAULT_NOBOF at once (doc/dsa.md, "Block on
 *     fault").
 *
 * Descriptors go to a WQ's portal with MOVDIR64B, which the CPU must have
 * (Sapphire Rapids and later) where portals are mapped: probe refuses the
 * device otherwise. Each
 * queue resolves its portal once, at setup (pdk_vfio_bar_portal()): on the
 * simulated kernel (drivers/sim's DSA model, a simulation) the answer is a
 * store hook into the model instead of a mapping, and submit calls it where
 * it would store with MOVDIR64B (doc/dsa.md, "Portal writes").
 *
 * Link the driver into the program so its registration runs: with the
 * shared library, link with --no-as-needed (pkg-config libpdk_dma_dsa does).
 */

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** The driver's name in lib/bus and in pdk_dmadev_info.driver. */
#define PDK_DSA_DRIVER_NAME "dsa"

/** Smallest queue size (descriptors) a DSA queue accepts. */
#define PDK_DSA_MIN_DESC 16
/** Largest queue size (descriptors) a DSA queue accepts. */
#define PDK_DSA_MAX_DESC 4096

/**
 * @return true when the CPU has MOVDIR64B, which the driver needs to submit
 * work to a real DSA.
 */
bool pdk_dsa_cpu_has_movdir64b(void);

/**
 * The name of a DSA completion status, as the kernel names it (uapi
 * linux/idxd.h enum dsa_completion_status, without the DSA_COMP_ prefix):
 * what pdk_dmadev_status.hw_status of a DSA queue means.
 * @param hw_status  a completion record's status; bit 7 (the direction of a
 *   fault, DSA_COMP_STATUS_WRITE) is ignored
 * @return a static string, "PAGE_FAULT_NOBOF" for example; "unknown" for
 *   a code the kernel does not name
 */
const char *pdk_dsa_status_name(uint8_t hw_status);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_DSA_H */
