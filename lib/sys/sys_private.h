/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SYS_PRIVATE_H
#define SYS_PRIVATE_H

/* The fix of a refused argument of the boundary's calls (pdk_log_null()). */
#define SYS_FIX_ARGS \
	"pass a backend from pdk_sys_kernel(), pdk_sys_kernel_rooted() or pdk_sim_sys() and valid buffers"

#endif /* SYS_PRIVATE_H */
