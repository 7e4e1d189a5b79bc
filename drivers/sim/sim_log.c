/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The sim's one failure report, sim_fail() (sim.h). The errno is named
 * (-EINVAL) besides its text: the sim's rules answer with the kernel's
 * errnos, and a test that hits one compares names with the kernel's source.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim.h"

#define SIM_ERRNO(e) { e, #e }

static const struct {
	int err;
	const char *name;
} sim_errno_names[] = {
	SIM_ERRNO(EPERM), SIM_ERRNO(ENOENT), SIM_ERRNO(EIO), SIM_ERRNO(E2BIG),
	SIM_ERRNO(EBADF), SIM_ERRNO(ENOMEM), SIM_ERRNO(EFAULT), SIM_ERRNO(EBUSY),
	SIM_ERRNO(EEXIST), SIM_ERRNO(EINVAL), SIM_ERRNO(ENOTTY), SIM_ERRNO(ENOSPC),
	SIM_ERRNO(ESPIPE), SIM_ERRNO(EOVERFLOW), SIM_ERRNO(EBADFD), SIM_ERRNO(EMSGSIZE),
	SIM_ERRNO(EOPNOTSUPP), SIM_ERRNO(EADDRINUSE),
};

static const char *
sim_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(sim_errno_names) / sizeof(sim_errno_names[0]); i++)
		if (sim_errno_names[i].err == err)
			return sim_errno_names[i].name;
	return NULL;
}

int
sim_fail(enum pdk_log_level level, const char *object, int rc, const char *fix,
	 const char *step_fmt, ...)
{
	const char *name = sim_errno_name(-rc);
	char step[512], code[16];
	va_list ap;

	/* A rule refused at DEBUG is on the DMA and ioctl paths: no formatting unless shown. */
	if (level > pdk_log_get_level())
		return rc;
	va_start(ap, step_fmt);
	vsnprintf(step, sizeof(step), step_fmt, ap);
	va_end(ap);
	if (name != NULL)
		snprintf(code, sizeof(code), "-%s", name);
	else
		snprintf(code, sizeof(code), "%d", rc);
	pdk_log(level, "sim", "%s%s%s: %s (%s)%s%s", object != NULL ? object : "",
		object != NULL ? ": " : "", step, strerror(-rc), code, fix != NULL ? "; " : "",
		fix != NULL ? fix : "");
	return rc;
}
