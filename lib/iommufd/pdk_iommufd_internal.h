/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_IOMMUFD_INTERNAL_H
#define PDK_IOMMUFD_INTERNAL_H

/*
 * What the other libraries of libpdk use of an iommufd context (not
 * installed): the list of handles that depend on it, which
 * pdk_iommufd_close() checks.
 */

#include "pdk_internal.h"
#include "pdk_iommufd.h"

/* The holders of @p ctx: add a hold for every handle that keeps its ids or its fd. */
PDK_INTERNAL struct pdk_holders *pdk_iommufd_holders(struct pdk_iommufd *ctx);

#endif /* PDK_IOMMUFD_INTERNAL_H */
