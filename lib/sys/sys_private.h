/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SYS_PRIVATE_H
#define SYS_PRIVATE_H

/*
 * lib/sys's one failure helper: log a refused argument of @p what (a
 * boundary call, "read"; a PCI address) at ERR, saying what is wrong
 * (@p why: "NULL backend") and the fix, and return -EINVAL.
 */
int sys_arg_invalid(const char *what, const char *why, const char *fix);

#define SYS_FIX_ARGS \
	"pass a backend from pdk_sys_kernel(), pdk_sys_kernel_rooted() or pdk_sim_sys() and valid buffers"

/* Refuse a NULL @p ptr of @p op: `SYS_CHECK(buf, "read", "NULL buffer")`. */
#define SYS_CHECK(ptr, op, why)							\
	do {									\
		if ((ptr) == NULL)						\
			return sys_arg_invalid(op, why, SYS_FIX_ARGS);		\
	} while (0)

#endif /* SYS_PRIVATE_H */
