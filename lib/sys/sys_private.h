/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SYS_PRIVATE_H
#define SYS_PRIVATE_H

/*
 * lib/sys's one failure helper: log a refused argument of boundary call
 * @p op ("read", "kernel-rooted backend"...) at ERR, saying what is wrong
 * (@p why: "NULL backend"...), and return -EINVAL.
 */
int sys_arg_invalid(const char *op, const char *why);

/* Refuse a NULL @p ptr of @p op: `SYS_CHECK(buf, "read", "NULL buffer")`. */
#define SYS_CHECK(ptr, op, why)							\
	do {									\
		if ((ptr) == NULL)						\
			return sys_arg_invalid(op, why);			\
	} while (0)

#endif /* SYS_PRIVATE_H */
