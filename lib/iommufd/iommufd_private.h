/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef IOMMUFD_PRIVATE_H
#define IOMMUFD_PRIVATE_H

/*
 * Internals shared by the files of lib/iommufd (one file per object kind,
 * as the kernel's drivers/iommu/iommufd is split). Not installed.
 */

#include "pdk_internal.h"
#include "pdk_iommufd.h"
#include "pdk_iommufd_internal.h"

struct pdk_iommufd {
	struct pdk_sys *sys;
	int fd;
	char label[48];		/* "iommufd context (fd N, sim backend)", for logs */
	/* address spaces, bound devices and buses made in this context */
	struct pdk_holders holders;
	/*
	 * Fault fds handed out by pdk_iommufd_fault_alloc() and not closed: an
	 * fd number alone could be closed and reused under the caller, so the
	 * fault calls take only these.
	 */
	int *fault_fds;
	unsigned int nfault_fds;
};

/* Refuse a NULL context: -EINVAL, logged with the call's name. */
#define IOMMUFD_CHECK_CTX(ctx, call)						\
	do {									\
		if ((ctx) == NULL)						\
			return iommufd_fail(-EINVAL,				\
				"pass a context from pdk_iommufd_open()",	\
				"%s: NULL iommufd context", call);		\
	} while (0)

/* Refuse a NULL output or argument pointer @p p named @p what. */
#define IOMMUFD_CHECK_PTR(p, what, call)					\
	do {									\
		if ((p) == NULL)						\
			return iommufd_fail(-EINVAL, "pass a valid pointer",	\
				"%s: NULL %s", call, what);			\
	} while (0)

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
