/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* MSI-X: one eventfd per vector, wired with VFIO_DEVICE_SET_IRQS. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vfio_private.h"

static void
close_efds(int *efds, unsigned int n)
{
	unsigned int i;

	/* Eventfds are plain process fds, not VFIO objects: closed directly. */
	for (i = 0; i < n; i++)
		close(efds[i]);
	free(efds);
}

static int
msix_count(struct pdk_vfio_dev *dev, uint32_t *count)
{
	struct vfio_irq_info info;
	int rc;

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = VFIO_PCI_MSIX_IRQ_INDEX;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc, NULL, "VFIO_DEVICE_GET_IRQ_INFO (MSI-X)");
	if (info.count > 0 && !(info.flags & VFIO_IRQ_INFO_EVENTFD))
		return pdk_log_fail("vfio", dev->name, -ENOTSUP, "a kernel or simulator bug",
				    "VFIO_DEVICE_GET_IRQ_INFO (MSI-X): no eventfd signalling");
	*count = info.count;
	return 0;
}

int
pdk_vfio_msix_enable(struct pdk_vfio_dev *dev, unsigned int nvec, const int **efds)
{
	struct vfio_irq_set *set;
	uint32_t count = 0;
	size_t argsz;
	unsigned int i;
	int *fds;
	int rc;

	rc = vfio_need_bound(dev, "MSI-X enable");
	if (rc < 0)
		return rc;
	if (pdk_log_null(efds, "vfio", dev->name, "pass a valid pointer",
			 "MSI-X enable: NULL eventfd array output pointer"))
		return -EINVAL;
	if (dev->msix_nvec > 0)
		return pdk_log_fail("vfio", dev->name, -EBUSY, "call pdk_vfio_msix_disable() first",
				    "MSI-X enable of %u vectors: %u already enabled", nvec,
				    dev->msix_nvec);
	if (nvec == 0)
		return pdk_log_fail("vfio", dev->name, -EINVAL, "enable at least one vector",
				    "MSI-X enable of 0 vectors");
	rc = msix_count(dev, &count);
	if (rc < 0)
		return rc;
	if (nvec > count)
		return pdk_log_fail("vfio", dev->name, -EINVAL,
				    count == 0 ? "the device has no MSI-X capability" : "ask for at most the device's vector count",
				    "MSI-X enable of %u vectors: the device has %u", nvec, count);

	fds = malloc(nvec * sizeof(*fds));
	argsz = sizeof(*set) + nvec * sizeof(int32_t);
	set = calloc(1, argsz);
	if (fds == NULL || set == NULL) {
		free(fds);
		free(set);
		return pdk_log_fail("vfio", dev->name, -ENOMEM, "free some memory",
				    "MSI-X enable of %u vectors", nvec);
	}
	for (i = 0; i < nvec; i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fds[i] < 0) {
			rc = -errno;
			close_efds(fds, i);
			free(set);
			return pdk_log_fail("vfio", dev->name, rc,
					    pdk_fd_limit_hint(rc),
					    "MSI-X enable: eventfd for vector %u", i);
		}
	}

	set->argsz = (uint32_t)argsz;
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = nvec;
	memcpy(set->data, fds, nvec * sizeof(int32_t));
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	if (rc < 0) {
		close_efds(fds, nvec);
		return pdk_log_fail("vfio", dev->name, rc,
				    rc == -EINVAL ? "MSI or INTx is enabled on the device: disable it first" :
				    NULL,
				    "VFIO_DEVICE_SET_IRQS MSI-X trigger, %u eventfds", nvec);
	}
	dev->msix_efds = fds;
	dev->msix_nvec = nvec;
	if (efds != NULL)
		*efds = fds;
	return 0;
}

int
pdk_vfio_msix_disable(struct pdk_vfio_dev *dev)
{
	struct vfio_irq_set set;
	int rc;

	rc = vfio_need_dev(dev, "MSI-X disable");
	if (rc < 0)
		return rc;
	if (dev->msix_nvec == 0)
		return 0;
	memset(&set, 0, sizeof(set));
	set.argsz = sizeof(set);
	set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	set.index = VFIO_PCI_MSIX_IRQ_INDEX;
	set.start = 0;
	set.count = 0;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_SET_IRQS, &set);
	/*
	 * Close the eventfds whatever the kernel said: it holds its own
	 * references, and keeping ours would leak them for good.
	 */
	close_efds(dev->msix_efds, dev->msix_nvec);
	dev->msix_efds = NULL;
	dev->msix_nvec = 0;
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc, NULL,
				    "VFIO_DEVICE_SET_IRQS MSI-X disable");
	return 0;
}
