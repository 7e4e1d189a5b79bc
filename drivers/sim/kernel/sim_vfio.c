/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated VFIO device cdev (/dev/vfio/devices/vfioN) of a function
 * bound to vfio-pci: drivers/vfio/device_cdev.c, drivers/vfio/iommufd.c and
 * the vfio-pci ioctls, reads, writes and mmap a userspace driver uses. Its
 * state per function is struct sim_vfio_dev (vfio_pci_core_device); while
 * MSI-X is enabled it is the function's MSI-X handler.
 *
 * The attach path is built in the kernel's two layers on purpose. This file
 * is the VFIO layer: it remembers whether the RID is attached
 * (vdev->iommufd_attached) and which PASIDs it attached (vdev->pasids), and
 * turns "attach again" into an iommufd replace. Below it, sim_device.c keeps
 * the iommufd attachments where PASID 0 is the RID. A PASID 0 passed with
 * VFIO_DEVICE_ATTACH_PASID therefore attaches the RID in iommufd while VFIO
 * records a PASID: a plain RID detach then does nothing, and a RID attach
 * is -EBUSY until the fd closes, which is what a real kernel does
 * (kernel-facts K17).
 */

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_kernel.h"

#define SIM_MSIX_TABLE_SIZE (SIM_MSIX_VECTORS * 16u)

/* ---- the VFIO layer's PASID record (vdev->pasids) ---- */

static bool
sim_vfio_pasid_recorded(const struct sim_vfio_dev *vdev, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < vdev->npasids; i++)
		if (vdev->pasids[i] == pasid)
			return true;
	return false;
}

static int
sim_vfio_pasid_record(struct sim_vfio_dev *vdev, uint32_t pasid)
{
	/*
	 * VFIO records the PASID in an IDA (ida_alloc_range(pasid, pasid))
	 * before iommufd checks its range, and an IDA takes only ints: above
	 * INT_MAX the answer is its -ENOSPC, whatever the device's width
	 * (seen on Linux 7.3 vfio-pci in the VM).
	 */
	if (pasid > INT_MAX)
		return -ENOSPC;
	if (vdev->npasids == vdev->cap_pasids) {
		unsigned int n = vdev->cap_pasids ? vdev->cap_pasids * 2 : 8;
		uint32_t *p = realloc(vdev->pasids, n * sizeof(*p));

		if (p == NULL)
			return -ENOMEM;
		vdev->pasids = p;
		vdev->cap_pasids = n;
	}
	vdev->pasids[vdev->npasids++] = pasid;
	return 0;
}

static void
sim_vfio_pasid_forget(struct sim_vfio_dev *vdev, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < vdev->npasids; i++) {
		if (vdev->pasids[i] == pasid) {
			vdev->pasids[i] = vdev->pasids[--vdev->npasids];
			return;
		}
	}
}

/* ---- interrupts ---- */

static void
sim_eventfd_signal(int fd)
{
	uint64_t one = 1;

	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0)
		SIM_LOG(DEBUG, "eventfd signal failed: %s", strerror(errno));
}

/* What vfio-pci installs while MSI-X is enabled (vfio_msihandler()): the user's eventfd fires. */
static void
sim_vfio_msix_handler(struct sim_fn *fn, unsigned int vector)
{
	sim_eventfd_signal(fn->vdev->msix_fd[vector]);
}

/* eventfd_ctx_fdget(): -EBADF for no file, -EINVAL for a file that is not an eventfd. */
static int
sim_eventfd_get(int32_t fd)
{
	char path[64], target[64];
	ssize_t n;
	int dup_fd;

	if (fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -EINVAL;
	target[n] = '\0';
	if (strcmp(target, "anon_inode:[eventfd]") != 0)
		return -EINVAL;
	/* Hold our own reference, as the kernel holds the eventfd context. */
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return dup_fd < 0 ? -errno : dup_fd;
}

static void
sim_fd_reset(int *slot)
{
	if (*slot >= 0)
		close(*slot);
	*slot = -1;
}

static int
sim_fd_set(int *slot, int32_t fd)
{
	int nfd;

	if (fd < 0) {
		sim_fd_reset(slot);
		return 0;
	}
	nfd = sim_eventfd_get(fd);
	sim_fd_reset(slot);
	if (nfd < 0)
		return sim_err(nfd, "VFIO_DEVICE_SET_IRQS", "not an eventfd");
	*slot = nfd;
	return 0;
}

static void
sim_msix_disable(struct sim_vfio_dev *vdev)
{
	unsigned int i;

	for (i = 0; i < SIM_MSIX_VECTORS; i++)
		sim_fd_reset(&vdev->msix_fd[i]);
	vdev->msix_enabled = false;
	vdev->fn->msix_handler = NULL;
	sim_pci_msix_set_enable(vdev->fn, false);
}

static unsigned int
sim_irq_count(uint32_t index)
{
	switch (index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return SIM_MSIX_VECTORS;
	case VFIO_PCI_ERR_IRQ_INDEX:	/* a PCIe function */
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	default:			/* no INTx pin, no MSI capability */
		return 0;
	}
}

/* vfio_pci_set_msi_trigger() for the MSI-X index. */
static int
sim_msix_trigger(struct sim_vfio_dev *vdev, uint32_t flags, uint32_t start, uint32_t count,
		 const void *data)
{
	uint32_t i, j;
	int rc;

	if (vdev->msix_enabled && count == 0 && (flags & VFIO_IRQ_SET_DATA_NONE)) {
		sim_msix_disable(vdev);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		const int32_t *fds = data;
		bool newly = !vdev->msix_enabled;

		if (newly) {
			vdev->msix_enabled = true;
			vdev->fn->msix_handler = sim_vfio_msix_handler;
			sim_pci_msix_set_enable(vdev->fn, true);
		}
		for (i = 0; i < count; i++) {
			rc = sim_fd_set(&vdev->msix_fd[start + i], fds[i]);
			if (rc < 0) {
				for (j = 0; j < i; j++)
					sim_fd_reset(&vdev->msix_fd[start + j]);
				if (newly)
					sim_msix_disable(vdev);
				return rc;
			}
		}
		return 0;
	}
	if (!vdev->msix_enabled)
		return sim_err(-EINVAL, "VFIO_DEVICE_SET_IRQS", "MSI-X not enabled");
	/* DATA_NONE / DATA_BOOL with vectors: loopback, fire the eventfds. */
	for (i = start; i < start + count; i++) {
		if (vdev->msix_fd[i] < 0)
			continue;
		if ((flags & VFIO_IRQ_SET_DATA_NONE) ||
		    ((const uint8_t *)data)[i - start] != 0)
			sim_eventfd_signal(vdev->msix_fd[i]);
	}
	return 0;
}

/* vfio_pci_set_ctx_trigger_single() for the ERR and REQ indexes. */
static int
sim_single_trigger(int *slot, uint32_t flags, uint32_t count, const void *data)
{
	if (count > 1)
		return -EINVAL;
	if (flags & VFIO_IRQ_SET_DATA_NONE) {
		if (*slot < 0)
			return -EINVAL;
		if (count)
			sim_eventfd_signal(*slot);
		else
			sim_fd_reset(slot);
		return 0;
	}
	if (flags & VFIO_IRQ_SET_DATA_BOOL) {
		if (*slot < 0)
			return -EINVAL;
		if (count && ((const uint8_t *)data)[0])
			sim_eventfd_signal(*slot);
		return 0;
	}
	if (count != 1)
		return -EINVAL;
	if (*(const int32_t *)data < -1)
		return -EINVAL;
	return sim_fd_set(slot, *(const int32_t *)data);
}

static int
sim_vfio_set_irqs(struct sim_vfio_dev *vdev, void *arg)
{
	static const char op[] = "VFIO_DEVICE_SET_IRQS";
	const size_t minsz = offsetof(struct vfio_irq_set, count) + sizeof(uint32_t);
	struct vfio_irq_set hdr;
	uint32_t action, size, nirqs;

	memcpy(&hdr, arg, minsz);
	if (hdr.argsz < minsz || hdr.index >= VFIO_PCI_NUM_IRQS ||
	    hdr.count >= UINT32_MAX - hdr.start ||
	    (hdr.flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return sim_err(-EINVAL, op, "bad argsz, index, range or flags");
	nirqs = sim_irq_count(hdr.index);
	if (hdr.start >= nirqs || hdr.start + hdr.count > nirqs)
		return sim_err(-EINVAL, op, "vectors beyond the index's count");
	switch (hdr.flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = 1;
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = 4;
		break;
	default:
		return sim_err(-EINVAL, op, "not exactly one data type");
	}
	if (size && hdr.argsz - minsz < (uint64_t)hdr.count * size)
		return sim_err(-EINVAL, op, "argsz too small for the data");
	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
		return sim_err(-ENOTTY, op, "only ACTION_TRIGGER is supported on this index");
	switch (hdr.index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		return sim_msix_trigger(vdev, hdr.flags, hdr.start, hdr.count,
					(const uint8_t *)arg + minsz);
	case VFIO_PCI_ERR_IRQ_INDEX:
		return sim_single_trigger(&vdev->err_fd, hdr.flags, hdr.count,
					  (const uint8_t *)arg + minsz);
	default:
		return sim_single_trigger(&vdev->req_fd, hdr.flags, hdr.count,
					  (const uint8_t *)arg + minsz);
	}
}

/* ---- bind and the two-layer attach ---- */

static int
sim_vfio_bind(struct sim_file *file, void *arg)
{
	static const char op[] = "VFIO_DEVICE_BIND_IOMMUFD";
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;
	struct sim_vfio_dev *vdev = fn->vdev;
	struct pdk_sim *sim = fn->sim;
	const size_t minsz = offsetof(struct vfio_device_bind_iommufd, out_devid) + 4;
	struct vfio_device_bind_iommufd bind;
	struct sim_device *idev;
	struct sim_file *ifile;
	struct sim_ctx *ictx;
	int rc;

	memcpy(&bind, arg, minsz);
	if (bind.argsz < minsz || bind.iommufd < 0)
		return sim_err(-EINVAL, op, "argsz below 16 or iommufd < 0");
	if (bind.flags != 0)
		return sim_err(-EINVAL, op, "unknown flags (no VF token is simulated)");
	if (df->group_file != NULL)
		return sim_err(-EINVAL, op, "a device fd its VFIO group gave cannot bind (cdev fds only)");
	/* vfio_device_block_group(): the group path and the cdev path exclude each other */
	if (sim_group_find(sim, fn->group) != NULL)
		return sim_err(-EBUSY, op, "the device's VFIO group (/dev/vfio/N) is open");
	if (df->access_granted)
		return sim_err(-EINVAL, op, "this fd is already bound");
	ifile = sim_fd_lookup(sim, bind.iommufd);
	if (ifile == NULL) {
		if (fcntl(bind.iommufd, F_GETFD) < 0)
			return sim_err(-EBADF, op, "iommufd is not an open fd");
		return sim_err(-EBADFD, op, "iommufd is not a (simulated) iommufd");
	}
	ictx = sim_iommufd_ctx_from_file(ifile);
	if (ictx == NULL)
		return sim_err(-EBADFD, op, "iommufd is not an iommufd");
	if (vdev->bound_file != NULL)
		return sim_err(-EINVAL, op, "the device is already bound through another fd");
	rc = sim_device_bind(ictx, fn, &idev);
	if (rc < 0)
		return rc;
	vdev->idev = idev;
	vdev->bound_file = file;
	vdev->rid_attached = false;
	vdev->npasids = 0;
	df->access_granted = true;
	sim_pci_enable(fn);
	memcpy((uint8_t *)arg + offsetof(struct vfio_device_bind_iommufd, out_devid),
	       &idev->obj.id, sizeof(idev->obj.id));
	return 0;
}

/* vfio_iommufd_physical_attach_ioas() */
static int
sim_vfio_rid_attach(struct sim_vfio_dev *vdev, uint32_t *pt_id)
{
	int rc;

	if (vdev->rid_attached)
		rc = sim_device_replace(vdev->idev, 0, pt_id);
	else
		rc = sim_device_attach(vdev->idev, 0, pt_id);
	if (rc == 0)
		vdev->rid_attached = true;
	return rc;
}

static void
sim_vfio_rid_detach(struct sim_vfio_dev *vdev)
{
	if (!vdev->rid_attached)
		return;
	sim_device_detach(vdev->idev, 0);
	vdev->rid_attached = false;
}

/* vfio_iommufd_physical_pasid_attach_ioas() */
static int
sim_vfio_pasid_attach(struct sim_vfio_dev *vdev, uint32_t pasid, uint32_t *pt_id)
{
	int rc;

	if (sim_vfio_pasid_recorded(vdev, pasid))
		return sim_device_replace(vdev->idev, pasid, pt_id);
	rc = sim_vfio_pasid_record(vdev, pasid);
	if (rc < 0)
		return rc;
	rc = sim_device_attach(vdev->idev, pasid, pt_id);
	if (rc < 0)
		sim_vfio_pasid_forget(vdev, pasid);
	return rc;
}

static void
sim_vfio_pasid_detach(struct sim_vfio_dev *vdev, uint32_t pasid)
{
	if (!sim_vfio_pasid_recorded(vdev, pasid))
		return;
	sim_device_detach(vdev->idev, pasid);
	sim_vfio_pasid_forget(vdev, pasid);
}

/*
 * The head both ..._IOMMUFD_PT ioctls check alike (argsz, flags, then the
 * PASID that follows the fixed part when the PASID flag is set): 0, or
 * -EINVAL as the kernel's vfio_df_ioctl_attach_pt()/detach_pt() answer.
 * The PASID flag has the same value in both (VFIO_DEVICE_ATTACH_PASID and
 * VFIO_DEVICE_DETACH_PASID are bit 0).
 */
static int
sim_vfio_pt_head(const char *op, const void *arg, uint32_t argsz, uint32_t flags, size_t minsz,
		 size_t fullsz, uint32_t *pasid)
{
	if (argsz < minsz)
		return sim_fail(PDK_LOG_DEBUG, NULL, -EINVAL, NULL, "%s: argsz below %zu", op, minsz);
	if (flags & ~VFIO_DEVICE_ATTACH_PASID)
		return sim_err(-EINVAL, op, "unknown flags");
	if (flags & VFIO_DEVICE_ATTACH_PASID) {
		if (argsz < fullsz)
			return sim_fail(PDK_LOG_DEBUG, NULL, -EINVAL, NULL,
					"%s: PASID flag with argsz below %zu", op, fullsz);
		memcpy(pasid, (const uint8_t *)arg + minsz, sizeof(*pasid));
	}
	return 0;
}

static int
sim_vfio_attach_pt(struct sim_vfio_dev *vdev, void *arg)
{
	const size_t minsz = offsetof(struct vfio_device_attach_iommufd_pt, pt_id) + 4;
	struct vfio_device_attach_iommufd_pt at = { 0 };
	uint32_t pt_id;
	int rc;

	memcpy(&at, arg, minsz);
	rc = sim_vfio_pt_head("VFIO_DEVICE_ATTACH_IOMMUFD_PT", arg, at.argsz, at.flags, minsz,
			      sizeof(at), &at.pasid);
	if (rc < 0)
		return rc;
	pt_id = at.pt_id;
	if (at.flags & VFIO_DEVICE_ATTACH_PASID)
		rc = sim_vfio_pasid_attach(vdev, at.pasid, &pt_id);
	else
		rc = sim_vfio_rid_attach(vdev, &pt_id);
	if (rc < 0)
		return rc;
	memcpy((uint8_t *)arg + offsetof(struct vfio_device_attach_iommufd_pt, pt_id), &pt_id,
	       sizeof(pt_id));
	return 0;
}

static int
sim_vfio_detach_pt(struct sim_vfio_dev *vdev, void *arg)
{
	const size_t minsz = offsetof(struct vfio_device_detach_iommufd_pt, flags) + 4;
	struct vfio_device_detach_iommufd_pt dt = { 0 };
	int rc;

	memcpy(&dt, arg, minsz);
	rc = sim_vfio_pt_head("VFIO_DEVICE_DETACH_IOMMUFD_PT", arg, dt.argsz, dt.flags, minsz,
			      sizeof(dt), &dt.pasid);
	if (rc < 0)
		return rc;
	if (dt.flags & VFIO_DEVICE_DETACH_PASID) {
		sim_vfio_pasid_detach(vdev, dt.pasid);
	} else {
		sim_vfio_rid_detach(vdev);
	}
	return 0;
}

/* The driver's close_device (vfio_pci_core_disable: no interrupts, no bus mastering, a reset). */
static void
sim_vfio_close_device(struct sim_vfio_dev *vdev)
{
	sim_msix_disable(vdev);
	sim_fd_reset(&vdev->err_fd);
	sim_fd_reset(&vdev->req_fd);
	sim_pci_disable(vdev->fn);
}

/*
 * vfio_df_close(): the driver's close_device runs before
 * vfio_iommufd_physical_unbind(), so a device model is quiet (a DSA engine
 * stopped) before its PASIDs and RID are detached.
 */
static void
sim_vfio_unbind(struct sim_vfio_dev *vdev)
{
	sim_vfio_close_device(vdev);
	while (vdev->npasids > 0)
		sim_vfio_pasid_detach(vdev, vdev->pasids[vdev->npasids - 1]);
	sim_vfio_rid_detach(vdev);
	sim_device_unbind(vdev->idev);
	vdev->idev = NULL;
	vdev->bound_file = NULL;
}

static void
sim_vfio_release(struct sim_file *file)
{
	struct sim_vfio_file *df = file->priv;
	struct sim_vfio_dev *vdev = df->fn->vdev;

	if (df->group_file != NULL) {
		/* vfio_df_group_close(): the last one closes the device; the RIDs stay the container's */
		if (--vdev->group_opens == 0)
			sim_vfio_close_device(vdev);
		sim_group_device_closed(df->group_file->priv);
		sim_file_put(df->fn->sim, df->group_file);
	} else if (df->access_granted) {
		sim_vfio_unbind(vdev);
	}
	free(df);
}

/* ---- info ioctls ---- */

static int
sim_vfio_get_info(void *arg)
{
	struct vfio_device_info info;
	const size_t minsz = offsetof(struct vfio_device_info, num_irqs) + 4;

	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return sim_err(-EINVAL, "VFIO_DEVICE_GET_INFO", "argsz too small");
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	memcpy(arg, &info, minsz);
	return 0;
}

static int
sim_vfio_region_info(const struct sim_fn *fn, void *arg)
{
	static const char op[] = "VFIO_DEVICE_GET_REGION_INFO";
	struct vfio_region_info info;
	const size_t minsz = offsetof(struct vfio_region_info, offset) + 8;

	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return sim_err(-EINVAL, op, "argsz too small");
	info.cap_offset = 0;
	info.offset = (uint64_t)info.index << SIM_REGION_SHIFT;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = SIM_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
	case VFIO_PCI_BAR1_REGION_INDEX:
	case VFIO_PCI_BAR2_REGION_INDEX:
	case VFIO_PCI_BAR3_REGION_INDEX:
	case VFIO_PCI_BAR4_REGION_INDEX:
	case VFIO_PCI_BAR5_REGION_INDEX:
		/* Every implemented BAR is memory of whole pages: mmap-able. */
		info.size = fn->bar[info.index].size;
		info.flags = info.size == 0 ? 0 :
			     VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP;
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
		info.size = 0;
		info.flags = 0;
		break;
	default:	/* no VGA, no device-specific regions */
		return sim_err(-EINVAL, op, "no such region");
	}
	memcpy(arg, &info, minsz);
	return 0;
}

static int
sim_vfio_irq_info(void *arg)
{
	struct vfio_irq_info info;
	const size_t minsz = offsetof(struct vfio_irq_info, count) + 4;

	memcpy(&info, arg, minsz);
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return sim_err(-EINVAL, "VFIO_DEVICE_GET_IRQ_INFO", "argsz too small or bad index");
	info.flags = VFIO_IRQ_INFO_EVENTFD;
	info.count = sim_irq_count(info.index);
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.index != VFIO_PCI_MSIX_IRQ_INDEX)	/* MSI-X is dynamically resizable */
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	memcpy(arg, &info, minsz);
	return 0;
}

static int
sim_vfio_feature(void *arg)
{
	static const char op[] = "VFIO_DEVICE_FEATURE";
	struct vfio_device_feature feat;
	const size_t minsz = offsetof(struct vfio_device_feature, flags) + 4;

	memcpy(&feat, arg, minsz);
	if (feat.argsz < minsz)
		return sim_err(-EINVAL, op, "argsz too small");
	if (feat.flags & ~(VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE))
		return sim_err(-EINVAL, op, "unknown flags");
	if (!(feat.flags & VFIO_DEVICE_FEATURE_PROBE) && (feat.flags & VFIO_DEVICE_FEATURE_SET) &&
	    (feat.flags & VFIO_DEVICE_FEATURE_GET))
		return sim_err(-EINVAL, op, "GET and SET together");
	return sim_err(-ENOTTY, op, "no device feature is simulated");
}

static int
sim_vfio_ioctl(struct sim_file *file, unsigned long cmd, void *arg)
{
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;

	if (arg == NULL && cmd != VFIO_DEVICE_RESET)
		return -EFAULT;
	if (cmd == VFIO_DEVICE_BIND_IOMMUFD)
		return sim_vfio_bind(file, arg);
	if (!df->access_granted)
		return sim_err(-EINVAL, "device ioctl", "the device fd is not bound yet");
	if ((cmd == VFIO_DEVICE_ATTACH_IOMMUFD_PT || cmd == VFIO_DEVICE_DETACH_IOMMUFD_PT) &&
	    df->group_file != NULL)
		return sim_err(-EINVAL, "device ioctl",
			       "a device fd its VFIO group gave has the container's IOMMU, no iommufd attach");
	switch (cmd) {
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		return sim_vfio_attach_pt(fn->vdev, arg);
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
		return sim_vfio_detach_pt(fn->vdev, arg);
	case VFIO_DEVICE_FEATURE:
		return sim_vfio_feature(arg);
	case VFIO_DEVICE_GET_INFO:
		return sim_vfio_get_info(arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return sim_vfio_region_info(fn, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return sim_vfio_irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return sim_vfio_set_irqs(fn->vdev, arg);
	case VFIO_DEVICE_RESET:
		/* The function is reset; its config state is saved and restored around it. */
		sim_pci_reset(fn);
		return 0;
	default:
		return sim_err(-ENOTTY, "device ioctl", "ioctl not simulated");
	}
}

/* ---- regions ---- */

/*
 * vfio-pci's view of config space (drivers/vfio/pci/vfio_pci_config.c,
 * facts only): a VF shows the IDs the kernel keeps, not its ffff registers
 * (vfio_config_init()), and the PASID extended capability is hidden
 * (pci_ext_cap_length[PCI_EXT_CAP_ID_PASID] is 0): vfio_ecap_init() links
 * the chain around it, or, when it is the first one (0x100), keeps its
 * header with only the next pointer, a Null capability that points on. The
 * capability's other bytes are left as they are; the chain is walked with
 * a visited set, so a malformed one is passed on (vfio-pci's handling of a
 * looping chain is not modelled).
 */
static void
sim_vfio_config_view(const struct sim_fn *fn, uint8_t *cfg)
{
	bool seen[SIM_CFG_SIZE / 4] = { false };
	unsigned int pos = PCI_CFG_SPACE_SIZE, prev = 0;
	uint32_t hdr, v;

	memcpy(cfg, fn->config, SIM_CFG_SIZE);
	if (fn->pf != NULL) {
		uint16_t id = htole16(sim_fn_vendor(fn));

		memcpy(cfg + PCI_VENDOR_ID, &id, sizeof(id));
		id = htole16(sim_fn_device(fn));
		memcpy(cfg + PCI_DEVICE_ID, &id, sizeof(id));
	}
	while (pos >= PCI_CFG_SPACE_SIZE && pos <= SIM_CFG_SIZE - 4 && !seen[pos / 4]) {
		seen[pos / 4] = true;
		memcpy(&hdr, cfg + pos, sizeof(hdr));
		hdr = le32toh(hdr);
		if (hdr == 0 || hdr == 0xffffffffu)
			break;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_PASID) {
			if (prev != 0) {
				memcpy(&v, cfg + prev, sizeof(v));
				v = (le32toh(v) & ~(0xffcu << 20)) | (uint32_t)PCI_EXT_CAP_NEXT(hdr) << 20;
			} else {
				prev = pos;
				v = hdr & (0xffcu << 20);
			}
			v = htole32(v);
			memcpy(cfg + prev, &v, sizeof(v));
		} else {
			prev = pos;
		}
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
}

/*
 * pread/pwrite of a BAR, and each access of a trapped BAR mapping
 * (pdk_sim_bar_read()/_write()). A write lands the bits the model lets the
 * host change, then the model sees the whole write (doorbells, portals).
 */
ssize_t
sim_vfio_bar_rw(struct sim_fn *fn, unsigned int bar, void *buf, size_t len, uint64_t pos,
		bool write)
{
	const struct sim_model *m = fn->model;
	struct sim_bar *b = &fn->bar[bar];
	size_t i, n;

	if (b->size == 0)
		return sim_err(-EINVAL, "device read/write", "region absent or empty");
	if (!(sim_pci_command(fn) & PCI_COMMAND_MEMORY))
		return sim_err(-EIO, "BAR access", "memory decoding is off (PCI_COMMAND_MEMORY clear)");
	if (pos >= b->size)
		return sim_err(-EINVAL, "BAR access", "offset beyond the BAR");
	n = len < b->size - pos ? len : b->size - pos;
	for (i = 0; i < n; i++) {
		uint64_t off = pos + i;
		/* VFIO keeps the MSI-X table to itself: reads are all-ones, writes dropped. */
		bool table = bar == 0 && off >= SIM_MSIX_TABLE_OFF &&
			     off < SIM_MSIX_TABLE_OFF + SIM_MSIX_TABLE_SIZE;
		uint8_t wm;

		if (!write) {
			((uint8_t *)buf)[i] = table ? 0xff : b->mem[off];
			continue;
		}
		if (table)
			continue;
		wm = m->wmask != NULL ? m->wmask(fn, bar, off) : 0xff;
		b->mem[off] = (uint8_t)((b->mem[off] & ~wm) | (((const uint8_t *)buf)[i] & wm));
	}
	if (write && m->written != NULL)
		m->written(fn, bar, pos, buf, n);
	return (ssize_t)n;
}

static ssize_t
sim_vfio_rw(struct sim_file *file, void *buf, size_t len, uint64_t off, bool write)
{
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;
	uint64_t index = off >> SIM_REGION_SHIFT, pos = off & SIM_REGION_MASK;

	if (!df->access_granted)
		return sim_err(-EINVAL, "device read/write", "the device fd is not bound yet");
	if (buf == NULL)
		return -EFAULT;
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (!write && pos < SIM_CFG_SIZE && len <= SIM_CFG_SIZE - pos) {
			uint8_t cfg[SIM_CFG_SIZE];

			sim_vfio_config_view(fn, cfg);
			memcpy(buf, cfg + pos, len);
			return (ssize_t)len;
		}
		return sim_pci_config_rw(fn, buf, len, pos, write);
	case VFIO_PCI_BAR0_REGION_INDEX:
	case VFIO_PCI_BAR1_REGION_INDEX:
	case VFIO_PCI_BAR2_REGION_INDEX:
	case VFIO_PCI_BAR3_REGION_INDEX:
	case VFIO_PCI_BAR4_REGION_INDEX:
	case VFIO_PCI_BAR5_REGION_INDEX:
		return sim_vfio_bar_rw(fn, (unsigned int)index, buf, len, pos, write);
	default:
		return sim_err(-EINVAL, "device read/write", "region absent or empty");
	}
}

int
sim_vfio_mmap_check(struct sim_file *file, size_t len, uint64_t off)
{
	static const char op[] = "device mmap";
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;
	uint64_t index = off >> SIM_REGION_SHIFT, pos = off & SIM_REGION_MASK;

	if (!df->access_granted)
		return sim_err(-EINVAL, op, "the device fd is not bound yet");
	if (len == 0 || (off & (SIM_PAGE_SIZE - 1)))
		return sim_err(-EINVAL, op, "zero length or unaligned offset");
	if (index > VFIO_PCI_BAR5_REGION_INDEX || fn->bar[index].size == 0)
		return sim_err(-EINVAL, op, "region cannot be mmapped");
	if (pos + ((len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1)) > fn->bar[index].size)
		return sim_err(-EINVAL, op, "beyond the end of the BAR");
	return 0;
}

static int
sim_vfio_mmap(struct sim_file *file, size_t len, int prot, uint64_t off, void **addr)
{
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;
	uint64_t index = off >> SIM_REGION_SHIFT, pos = off & SIM_REGION_MASK;
	void *p;
	int rc;

	if (addr == NULL)
		return sim_err(-EINVAL, "device mmap", "zero length or unaligned offset");
	rc = sim_vfio_mmap_check(file, len, off);
	if (rc < 0)
		return rc;
	p = mmap(NULL, len, prot, MAP_SHARED, fn->bar[index].memfd, (off_t)pos);
	if (p == MAP_FAILED)
		return -errno;
	rc = sim_mmap_add(fn->sim, p, len, file);
	if (rc < 0) {
		munmap(p, len);
		return rc;
	}
	*addr = p;
	return 0;
}

/* ---- direct stores (mmio_resolve) ---- */

/*
 * A store64 hook handed to the host for one 64-byte window of a BAR whose
 * model consumes such stores (a DSA portal). A store into a mapping cannot
 * be trapped in userspace, and a pwrite per descriptor would run the whole
 * boundary path each time; the hook is the model's portal reached directly.
 *
 * It holds the device file as a BAR mapping does (the kernel's vma holds
 * its file), so the function stays bound and the hook usable after the fd
 * is closed, until mmio_release; pdk_sim_destroy() is refused while one is
 * out. What a pwrite of the BAR checks, the hook checks per store: memory
 * decoding here, the rest (size, alignment, WQ enabled, WQ full) in the
 * model, so a reset or a disabled WQ drops stores exactly as it drops
 * pwrites.
 */
#define SIM_STORE64_SIZE 64u	/* MOVDIR64B's */

struct sim_portal {
	struct sim_file *file;	/* held */
	struct sim_fn *fn;
	unsigned int bar;
	uint64_t pos;
	struct sim_portal *next;	/* sim->portals */
};

bool
sim_vfio_has_store64(const struct sim_fn *fn, unsigned int bar)
{
	return fn->model->store64 != NULL && (fn->model->store64_bars & (1u << bar));
}

int
sim_vfio_store64(struct sim_fn *fn, unsigned int bar, uint64_t pos, const void *src)
{
	if (!(sim_pci_command(fn) & PCI_COMMAND_MEMORY))
		return sim_err(-EIO, "portal store",
			       "memory decoding is off (PCI_COMMAND_MEMORY clear)");
	fn->model->store64(fn, bar, pos, src);
	return 0;
}

/* An entry point of its own (not a boundary call: not counted, never injected). */
static int
sim_portal_store64(void *cookie, const void *src)
{
	const struct sim_portal *p = cookie;
	struct sim_fn *fn = p->fn;
	int rc;

	pthread_mutex_lock(&fn->sim->lock);
	rc = sim_vfio_store64(fn, p->bar, p->pos, src);
	pthread_mutex_unlock(&fn->sim->lock);
	return rc;
}

static int
sim_vfio_mmio_resolve(struct sim_file *file, uint64_t off, struct pdk_sys_mmio *mmio)
{
	static const char op[] = "mmio resolve";
	struct sim_vfio_file *df = file->priv;
	struct sim_fn *fn = df->fn;
	struct pdk_sim *sim = fn->sim;
	uint64_t index = off >> SIM_REGION_SHIFT, pos = off & SIM_REGION_MASK;
	struct sim_portal *p;

	if (!df->access_granted)
		return sim_err(-EINVAL, op, "the device fd is not bound yet");
	if (index > VFIO_PCI_BAR5_REGION_INDEX || fn->bar[index].size == 0)
		return sim_err(-EINVAL, op, "not a BAR the function implements");
	if (pos > fn->bar[index].size - SIM_STORE64_SIZE)
		return sim_err(-EINVAL, op, "64 bytes from the offset leave the BAR");
	if (!sim_vfio_has_store64(fn, (unsigned int)index))
		return 0;	/* memory: map it, as the kernel says */
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->file = file;
	p->fn = fn;
	file->refs++;
	p->bar = (unsigned int)index;
	p->pos = pos;
	p->next = sim->portals;
	sim->portals = p;
	sim->st.mmaps++;
	mmio->kind = PDK_SYS_MMIO_HOOK;
	mmio->store64 = sim_portal_store64;
	mmio->cookie = p;
	return 0;
}

int
sim_vfio_mmio_release(struct pdk_sim *sim, void *cookie)
{
	struct sim_portal **pp, *p;

	for (pp = &sim->portals; *pp != NULL; pp = &(*pp)->next)
		if (*pp == cookie)
			break;
	if (*pp == NULL)
		return sim_err(-EINVAL, "mmio release", "not a hook made by this sim");
	p = *pp;
	*pp = p->next;
	sim->st.mmaps--;
	sim_file_put(sim, p->file);
	free(p);
	return 0;
}

/* ---- the device file (vfio_device_fops) ---- */

static void
sim_vfio_show(const struct sim_file *file, char *buf, size_t len)
{
	const struct sim_vfio_file *df = file->priv;

	snprintf(buf, len, "VFIO device %s", df->fn->addr);
}

static const struct sim_file_ops sim_vfio_fops = {
	.show = sim_vfio_show,
	.ioctl = sim_vfio_ioctl,
	.rw = sim_vfio_rw,
	.mmap = sim_vfio_mmap,
	.mmio_resolve = sim_vfio_mmio_resolve,
	.release = sim_vfio_release,
};

struct sim_vfio_file *
sim_vfio_file_of(struct sim_file *file)
{
	return file->ops == &sim_vfio_fops ? file->priv : NULL;
}

int
sim_vfio_group_open_device(struct sim_fn *fn, struct sim_file *group_file)
{
	struct pdk_sim *sim = fn->sim;
	struct sim_vfio_file *df;
	struct sim_file *file;
	int fd;

	df = calloc(1, sizeof(*df));
	if (df == NULL)
		return -ENOMEM;
	df->fn = fn;
	df->access_granted = true;
	file = sim_file_new(sim, &sim_vfio_fops, df);
	if (file == NULL) {
		free(df);
		return -ENOMEM;
	}
	fd = sim_fd_install(sim, file);
	if (fd < 0) {
		sim_file_put(sim, file);
		return fd;
	}
	/* vfio_df_open(): the first open enables the function, as a cdev bind does */
	if (fn->vdev->group_opens++ == 0)
		sim_pci_enable(fn);
	df->group_file = group_file;
	group_file->refs++;
	return fd;
}

int
sim_vfio_open(struct pdk_sim *sim, int index)
{
	struct sim_vfio_file *df;
	struct sim_file *file;
	struct sim_fn *fn;
	int fd;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (fn->vdev != NULL && fn->vdev->index == index)
			break;
	if (fn == NULL)
		return sim_err(-ENOENT, "open", "no such simulated VFIO cdev");
	df = calloc(1, sizeof(*df));
	if (df == NULL)
		return -ENOMEM;
	df->fn = fn;
	file = sim_file_new(sim, &sim_vfio_fops, df);
	if (file == NULL) {
		free(df);
		return -ENOMEM;
	}
	fd = sim_fd_install(sim, file);
	if (fd < 0)
		sim_file_put(sim, file);
	return fd;
}

/* ---- vfio-pci's device of a function ---- */

int
sim_vfio_probe(struct sim_fn *fn)
{
	struct sim_vfio_dev *vdev;
	unsigned int i;

	if (fn->cfg.not_vfio)
		return 0;
	vdev = calloc(1, sizeof(*vdev));
	if (vdev == NULL)
		return -ENOMEM;
	vdev->fn = fn;
	vdev->index = fn->sim->next_vfio++;
	vdev->err_fd = -1;
	vdev->req_fd = -1;
	for (i = 0; i < SIM_MSIX_VECTORS; i++)
		vdev->msix_fd[i] = -1;
	fn->vdev = vdev;
	return 0;
}

void
sim_vfio_remove(struct sim_vfio_dev *vdev)
{
	unsigned int i;

	if (vdev == NULL)
		return;
	for (i = 0; i < SIM_MSIX_VECTORS; i++)
		if (vdev->msix_fd[i] >= 0)
			close(vdev->msix_fd[i]);
	if (vdev->err_fd >= 0)
		close(vdev->err_fd);
	if (vdev->req_fd >= 0)
		close(vdev->req_fd);
	free(vdev->pasids);
	free(vdev);
}
