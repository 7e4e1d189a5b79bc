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
#include "pdk_log.h"

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

#define IOMMUFD_FIX_CTX "pass a context from pdk_iommufd_open()"

/* Hints that more than one object kind gives. */
PDK_INTERNAL const char *iommufd_generic_hint(int rc);

#endif /* IOMMUFD_PRIVATE_H */
