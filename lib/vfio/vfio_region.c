/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* Device info, regions, BAR and config space access, reset. */

#include <errno.h>
#include <linux/pci_regs.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "vfio_private.h"

/*
 * The kernel answers EAGAIN to a reset when it cannot take the device lock
 * at once (pci_try_reset_function); the holder is usually brief.
 */
#define RESET_TRIES 5
#define RESET_RETRY_NS (10 * 1000 * 1000)

int
pdk_vfio_device_info(struct pdk_vfio_dev *dev, uint32_t *num_regions, uint32_t *num_irqs)
{
	struct vfio_device_info info;
	int rc;

	/* num_regions and num_irqs may be NULL: a caller may want only one */
	rc = vfio_need_bound(dev, "VFIO_DEVICE_GET_INFO");
	if (rc < 0)
		return rc;
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_GET_INFO, &info);
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc, NULL, "VFIO_DEVICE_GET_INFO");
	if (num_regions != NULL)
		*num_regions = info.num_regions;
	if (num_irqs != NULL)
		*num_irqs = info.num_irqs;
	return 0;
}

static bool
region_known(const struct pdk_vfio_dev *dev, uint32_t index)
{
	return (__atomic_load_n(&dev->regions_known, __ATOMIC_ACQUIRE) >> index) & 1;
}

static int
region_info_read(struct pdk_vfio_dev *dev, uint32_t index, struct pdk_vfio_region *region)
{
	struct vfio_region_info info;
	int rc;

	rc = vfio_need_bound(dev, "VFIO_DEVICE_GET_REGION_INFO");
	if (rc < 0)
		return rc;
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.index = index;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_GET_REGION_INFO, &info);
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc,
				    rc == -EINVAL ? "the device has no such region (a VGA region "
						    "on a non-VGA device, or an index beyond "
						    "num_regions)" : NULL,
				    "VFIO_DEVICE_GET_REGION_INFO index %u", index);
	region->index = index;
	region->flags = info.flags;
	region->size = info.size;
	region->offset = info.offset;
	return 0;
}

int
pdk_vfio_region_info(struct pdk_vfio_dev *dev, uint32_t index, struct pdk_vfio_region *region)
{
	int rc;

	rc = vfio_need_bound(dev, "VFIO_DEVICE_GET_REGION_INFO");
	if (rc < 0)
		return rc;
	if (pdk_log_null(region, "vfio", dev->name, "pass a valid pointer",
			 "VFIO_DEVICE_GET_REGION_INFO: NULL region output pointer"))
		return -EINVAL;
	if (index >= VFIO_PCI_NUM_REGIONS)
		return region_info_read(dev, index, region);
	if (!region_known(dev, index)) {
		pthread_mutex_lock(&dev->region_lock);
		rc = region_known(dev, index) ? 0 : region_info_read(dev, index,
								     &dev->regions[index]);
		if (rc == 0)
			__atomic_or_fetch(&dev->regions_known, 1u << index, __ATOMIC_RELEASE);
		pthread_mutex_unlock(&dev->region_lock);
		if (rc < 0)
			return rc;
	}
	*region = dev->regions[index];
	return 0;
}

int
vfio_check_bar(const struct pdk_vfio_dev *dev, unsigned int bar, const char *step)
{
	int rc = vfio_need_dev(dev, step);

	if (rc < 0)
		return rc;
	if (bar < VFIO_NUM_BARS)
		return 0;
	return pdk_log_fail("vfio", dev->name, -EINVAL, "PCI BARs are numbered 0 to 5", "%s BAR %u",
			    step, bar);
}

int
pdk_vfio_bar_map(struct pdk_vfio_dev *dev, unsigned int bar, void **addr, size_t *len)
{
	struct pdk_vfio_region r;
	int prot = 0;
	void *p;
	int rc;

	rc = vfio_check_bar(dev, bar, "mmap");
	if (rc < 0)
		return rc;
	if (pdk_log_null(addr, "vfio", dev->name, "pass a valid pointer",
			 "mmap: NULL address output pointer") ||
	    pdk_log_null(len, "vfio", dev->name, "pass a valid pointer",
			 "mmap: NULL length output pointer"))
		return -EINVAL;
	if (dev->bar_addr[bar] != NULL)
		goto done;
	rc = pdk_vfio_region_info(dev, bar, &r);
	if (rc < 0)
		return rc;
	if (r.size == 0)
		return pdk_log_fail("vfio", dev->name, -ENOTSUP, "use a BAR the device implements",
				    "mmap BAR %u: the device has no such BAR (size 0)", bar);
	if (!(r.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return pdk_log_fail("vfio", dev->name, -ENOTSUP,
				    "vfio-pci does not allow mmap of this BAR (an I/O port BAR, or "
				    "smaller than a page): use pdk_vfio_bar_read()/write()",
				    "mmap BAR %u", bar);
	if (r.size > SIZE_MAX)
		return pdk_log_fail("vfio", dev->name, -EOVERFLOW, "use a 64-bit build",
				    "mmap BAR %u: size %" PRIu64, bar, r.size);
	if (r.flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r.flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	rc = pdk_sys_mmap(dev->sys, dev->fd, (size_t)r.size, prot, r.offset, &p);
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc,
				    rc == -EINVAL ? "the BAR has areas vfio-pci will not map (sparse "
						    "mmap, e.g. the MSI-X table on some kernels)" : NULL,
				    "mmap BAR %u (%" PRIu64 " bytes at offset 0x%" PRIx64 ")", bar,
				    r.size, r.offset);
	dev->bar_addr[bar] = p;
	dev->bar_len[bar] = (size_t)r.size;
done:
	*addr = dev->bar_addr[bar];
	*len = dev->bar_len[bar];
	return 0;
}

void
vfio_bars_unmap(struct pdk_vfio_dev *dev)
{
	unsigned int bar;
	int rc;

	for (bar = 0; bar < VFIO_NUM_BARS; bar++) {
		if (dev->bar_addr[bar] == NULL)
			continue;
		rc = pdk_sys_munmap(dev->sys, dev->bar_addr[bar], dev->bar_len[bar]);
		if (rc < 0)
			pdk_log_fail("vfio", dev->name, rc, NULL, "munmap BAR %u", bar);
		dev->bar_addr[bar] = NULL;
		dev->bar_len[bar] = 0;
	}
}

/* pread/pwrite of @p len bytes at @p offset inside region @p index. */
static int
region_rw(struct pdk_vfio_dev *dev, uint32_t index, const char *what, uint64_t offset,
	  void *buf, size_t len, bool write)
{
	struct pdk_vfio_region r;
	ssize_t n;
	int rc;

	/*
	 * Before the region lookup, so that the log names the caller's step
	 * ("config space"), not VFIO_DEVICE_GET_REGION_INFO.
	 */
	rc = vfio_need_dev(dev, what);
	if (rc < 0)
		return rc;
	rc = pdk_vfio_region_info(dev, index, &r);
	if (rc < 0)
		return rc;
	if (pdk_log_null(buf, "vfio", dev->name, "pass a valid pointer", "%s: NULL buffer", what))
		return -EINVAL;
	if (offset > r.size || len > r.size - offset)
		return pdk_log_fail("vfio", dev->name, -EINVAL, "stay within the region",
				    "%s %s of %zu bytes at 0x%" PRIx64 ": beyond its %" PRIu64 " bytes",
				    what, write ? "write" : "read", len, offset, r.size);
	if (len == 0)
		return 0;
	if (write)
		n = pdk_sys_pwrite(dev->sys, dev->fd, buf, len, r.offset + offset);
	else
		n = pdk_sys_pread(dev->sys, dev->fd, buf, len, r.offset + offset);
	if (n < 0)
		return pdk_log_fail("vfio", dev->name, (int)n, NULL,
				    "%s %s of %zu bytes at 0x%" PRIx64, what,
				    write ? "pwrite" : "pread", len, offset);
	if ((size_t)n != len)
		return pdk_log_fail("vfio", dev->name, -EIO,
				    "vfio-pci limits some accesses (virtualised config fields, "
				    "access sizes): use naturally aligned 1, 2, 4 or 8-byte "
				    "accesses", "%s %s at 0x%" PRIx64 ": %zd of %zu bytes", what,
				    write ? "short pwrite" : "short pread", offset, n, len);
	return 0;
}

static int
bar_rw(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset, void *buf, size_t len,
       bool write)
{
	char what[16];
	int rc;

	rc = vfio_check_bar(dev, bar, write ? "write" : "read");
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "BAR %u", bar);
	return region_rw(dev, bar, what, offset, buf, len, write);
}

int
pdk_vfio_bar_read(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset, void *buf,
		  size_t len)
{
	return bar_rw(dev, bar, offset, buf, len, false);
}

int
pdk_vfio_bar_write(struct pdk_vfio_dev *dev, unsigned int bar, uint64_t offset,
		   const void *buf, size_t len)
{
	/* region_rw() only reads from buf when writing. */
	return bar_rw(dev, bar, offset, (void *)(uintptr_t)buf, len, true);
}

int
pdk_vfio_config_read(struct pdk_vfio_dev *dev, uint64_t offset, void *buf, size_t len)
{
	return region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, "config space", offset, buf, len,
			 false);
}

int
pdk_vfio_config_write(struct pdk_vfio_dev *dev, uint64_t offset, const void *buf,
		      size_t len)
{
	return region_rw(dev, VFIO_PCI_CONFIG_REGION_INDEX, "config space", offset,
			 (void *)(uintptr_t)buf, len, true);
}

int
pdk_vfio_pci_command(struct pdk_vfio_dev *dev, uint16_t set, uint16_t clear)
{
	uint16_t cmd;
	int rc;

	rc = vfio_need_dev(dev, "PCI command register");
	if (rc < 0)
		return rc;
	/* region_rw() logs a failed access with the device and the offset. */
	rc = pdk_vfio_config_read(dev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (rc < 0)
		return rc;
	cmd = (uint16_t)((cmd | set) & ~clear);
	return pdk_vfio_config_write(dev, PCI_COMMAND, &cmd, sizeof(cmd));
}

int
pdk_vfio_reset(struct pdk_vfio_dev *dev)
{
	const struct timespec pause = { .tv_sec = 0, .tv_nsec = RESET_RETRY_NS };
	const char *hint;
	unsigned int i;
	int rc;

	rc = vfio_need_bound(dev, "VFIO_DEVICE_RESET");
	if (rc < 0)
		return rc;
	for (i = 0; i < RESET_TRIES; i++) {
		rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_RESET, NULL);
		if (rc != -EAGAIN)
			break;
		nanosleep(&pause, NULL);
	}
	if (rc >= 0)
		return 0;
	switch (rc) {
	case -EINVAL:
	case -ENOTTY:
		hint = "the device has no reset vfio-pci can use alone (no FLR, PM reset, or "
		       "slot/bus reset that affects only devices this process owns)";
		break;
	case -EAGAIN:
		hint = "the device lock stayed taken: retry later";
		break;
	case -EBUSY:
		hint = "another device on the same bus is in use; a bus reset needs them all";
		break;
	default:
		hint = NULL;
		break;
	}
	return pdk_log_fail("vfio", dev->name, rc, hint, "VFIO_DEVICE_RESET");
}
