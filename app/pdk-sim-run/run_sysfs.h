/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_SIM_RUN_SYSFS_H
#define PDK_SIM_RUN_SYSFS_H

#include <stddef.h>

#include "pdk_sim.h"

/*
 * Show the sim's sysfs in this process's mount namespace (which must be a
 * private one: the caller unshared it), merged with the machine's own: a
 * directory the sim adds to is covered by a tmpfs that holds the machine's
 * entries (bind mounts of them, so they stay live) and the sim's (files
 * written from the sim's answers, a snapshot taken now). @p stage is an
 * empty directory the staging tmpfs is mounted on.
 * @return 0, or -errno with @p err saying which path and why.
 */
int run_sysfs_mount(struct pdk_sim *sim, const char *stage, char *err, size_t errlen);

#endif /* PDK_SIM_RUN_SYSFS_H */
