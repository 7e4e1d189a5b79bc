/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A device's PASIDs, outside any queue: a program reserves one before it
 * sets up a queue with it, or lists what the device's queues took.
 */

#include <errno.h>
#include <string.h>

#include "dmadev_private.h"

/* A driver has the four PASID ops or none (pdk_dmadev_register() checks). */
static struct dmadev *
pasid_dev(int dev_id, const char *step, int *rc)
{
	struct dmadev *d = dmadev_get(dev_id, step);

	*rc = 0;
	if (d == NULL) {
		*rc = -ENODEV;
		return NULL;
	}
	if (d->ops->pasid_list == NULL) {
		*rc = pdk_log_fail("dmadev", d->name, -ENOTSUP,
				   "PASIDs need a device with PDK_DMADEV_CAPA_PASID",
				   "%s: driver %s manages no PASID space", step, d->driver);
		return NULL;
	}
	return d;
}

int
pdk_dmadev_pasid_alloc(int dev_id, uint32_t *pasid)
{
	struct dmadev *d;
	int rc;

	d = pasid_dev(dev_id, "pasid_alloc", &rc);
	if (d == NULL)
		return rc;
	if (pdk_log_null(pasid, "dmadev", d->name, "pass a result pointer",
			 "pasid_alloc: NULL result pointer"))
		return -EINVAL;
	/* lib/pasid logs why an allocation failed */
	return d->ops->pasid_alloc(d->priv, pasid);
}

int
pdk_dmadev_pasid_reserve(int dev_id, uint32_t pasid)
{
	struct dmadev *d;
	int rc;

	d = pasid_dev(dev_id, "pasid_reserve", &rc);
	if (d == NULL)
		return rc;
	/* lib/pasid logs the range or the conflict */
	return d->ops->pasid_reserve(d->priv, pasid);
}

int
pdk_dmadev_pasid_free(int dev_id, uint32_t pasid)
{
	struct dmadev *d;
	int rc;

	d = pasid_dev(dev_id, "pasid_free", &rc);
	if (d == NULL)
		return rc;
	return d->ops->pasid_free(d->priv, pasid);
}

int
pdk_dmadev_pasid_list(int dev_id, uint32_t *pasids, unsigned int max)
{
	struct dmadev *d;
	int rc;

	d = pasid_dev(dev_id, "pasid_list", &rc);
	if (d == NULL)
		return rc;
	if (pasids == NULL && max > 0)
		return pdk_log_fail("dmadev", d->name, -EINVAL,
				    "pass an array, or max 0 to count only",
				    "pasid_list: NULL array for %u PASIDs", max);
	return d->ops->pasid_list(d->priv, pasids, max);
}
