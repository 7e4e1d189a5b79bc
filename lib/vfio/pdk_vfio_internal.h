/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_VFIO_INTERNAL_H
#define PDK_VFIO_INTERNAL_H

/*
 * What lib/pasid uses of a VFIO device (not installed): the claim that
 * makes a PASID space the one owner of a device's PASID table and RID, and
 * the attach calls only the owner may make.
 *
 * A device has one PASID table and one RID. Two owners would each believe
 * a PASID is theirs, and the kernel's replace rule lets the second attach
 * silently take the first one's PASID over (one tenant's DMA then lands in
 * another's memory). So while a space holds the claim, the public
 * pdk_vfio_attach/detach/pasid_attach/pasid_detach are refused with -EBUSY.
 */

#include "pdk_internal.h"
#include "pdk_vfio.h"

/*
 * Make @p owner the one owner of @p dev's PASIDs and RID, held through
 * @p hold (named @p name, "PASID space of ADDR") until pdk_vfio_unclaim():
 * pdk_vfio_close() refuses while it is held.
 * @return 0, -EBUSY when another owner holds the claim (not logged: the
 *   caller names the step in its own terms).
 */
PDK_INTERNAL int pdk_vfio_claim(struct pdk_vfio_dev *dev, const void *owner,
				struct pdk_hold *hold, const char *name);

/* Give the claim back. */
PDK_INTERNAL void pdk_vfio_unclaim(struct pdk_vfio_dev *dev, const void *owner,
				   struct pdk_hold *hold);

/*
 * The attach calls of pdk_vfio.h, made by the owner of the claim. They log
 * nothing: on failure they return -errno with *@p fix set to what the user
 * can do (NULL when the kernel's answer says nothing more; on success *@p
 * fix is left as it was, a store less on the common path), and the owner
 * logs the one line, naming what only it knows (the address space, what
 * stays attached). doc/guide.md, "Errors and logs".
 */
PDK_INTERNAL int pdk_vfio_owner_attach(struct pdk_vfio_dev *dev, const void *owner,
				       uint32_t pt_id, const char **fix);
PDK_INTERNAL int pdk_vfio_owner_detach(struct pdk_vfio_dev *dev, const void *owner,
				       const char **fix);
PDK_INTERNAL int pdk_vfio_owner_pasid_attach(struct pdk_vfio_dev *dev, const void *owner,
					     uint32_t pasid, uint32_t hwpt_id, const char **fix);
PDK_INTERNAL int pdk_vfio_owner_pasid_detach(struct pdk_vfio_dev *dev, const void *owner,
					     uint32_t pasid, const char **fix);

#endif /* PDK_VFIO_INTERNAL_H */
