/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef BENCH_DSA_H
#define BENCH_DSA_H

#include <pdk_bus.h>
#include <pdk_iommufd.h>
#include <pdk_sys.h>

/*
 * The SIMULATED DSA at @p addr of the benchmarks (pdk-bench-dma,
 * pdk-bench-fastpath, pdk-bench-fault) probed through PDK's bus: an
 * iommufd context on @p sys (*@p ictx), the bus over it (*@p bus), scanned,
 * @p devargs allowed when not NULL ("ADDR,key=value"), probed.
 * @return the device's dev_id, or -errno (what was made stays in *@p ictx
 *   and *@p bus for the caller's teardown).
 */
int bench_dsa_probe(struct pdk_sys *sys, const char *addr, const char *devargs,
		    struct pdk_iommufd **ictx, struct pdk_bus **bus);

#endif /* BENCH_DSA_H */
