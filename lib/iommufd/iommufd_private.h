/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef IOMMUFD_PRIVATE_H
#define IOMMUFD_PRIVATE_H

/*
 * Internals shared by the files of lib/iommufd (one file per object kind,
 * as the kernel's drivers/iommu/iommufd is split). Not installed.
 */

#include "pdk_iommufd.h"

#define PDK_INTERNAL __attribute__((visibility("hidden")))

struct pdk_iommufd {
	struct pdk_sys *sys;
	int fd;
};

/*
 * Log one failure: "<step>: <errno text> (<-errno>)[; <hint>]". @p step is
 * a printf format naming the ioctl and the object ids; @p hint says what the
 * user can do and may be NULL. Returns @p rc so callers can write
 * "return iommufd_fail(rc, ...)".
 */
PDK_INTERNAL int iommufd_fail(int rc, const char *hint, const char *step, ...)
	__attribute__((format(printf, 3, 4)));

/* Hints that more than one object kind gives. */
PDK_INTERNAL const char *iommufd_generic_hint(int rc);

#endif /* IOMMUFD_PRIVATE_H */
