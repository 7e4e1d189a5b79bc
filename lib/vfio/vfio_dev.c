/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The device handle: open, bind to iommufd, attach the RID and PASIDs, close. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_iommufd_internal.h"
#include "pdk_log.h"
#include "vfio_private.h"

#define VFIO_FIX_DEV "pass a device from pdk_vfio_open()"
#define VFIO_FIX_BIND "bind it to an iommufd context first (pdk_vfio_bind()): the kernel " \
		      "refuses every device operation before VFIO_DEVICE_BIND_IOMMUFD"

int
vfio_need_dev(const struct pdk_vfio_dev *dev, const char *step)
{
	if (dev != NULL)
		return 0;
	return pdk_log_fail("vfio", NULL, -EINVAL, VFIO_FIX_DEV, "%s: NULL device", step);
}

int
vfio_need_bound(const struct pdk_vfio_dev *dev, const char *step)
{
	int rc = vfio_need_dev(dev, step);

	if (rc < 0)
		return rc;
	if (dev->bound)
		return 0;
	return pdk_log_fail("vfio", dev->name, -EINVAL, VFIO_FIX_BIND, "%s: device not bound", step);
}

int
pdk_vfio_open(struct pdk_sys *sys, const char *pci_addr, struct pdk_vfio_dev **dev)
{
	struct pdk_vfio_dev *d;
	const char *hint;
	int rc;

	if (dev != NULL)
		*dev = NULL;
	if (sys == NULL || dev == NULL || pci_addr == NULL)
		return pdk_log_fail("vfio", pci_addr, -EINVAL,
				    "pass a backend, a PCI address and a result pointer",
				    "open: NULL %s",
				    sys == NULL ? "backend" :
				    dev == NULL ? "result pointer" : "PCI address");
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return pdk_log_fail("vfio", pci_addr, -ENOMEM, "free some memory",
				    "open: device allocation");
	d->fd = -1;
	pthread_mutex_init(&d->region_lock, NULL);
	pdk_holders_init(&d->holders);
	rc = pdk_vfio_pci_addr_parse(pci_addr, d->name);
	if (rc < 0)
		goto fail;
	rc = pdk_vfio_cdev_path(sys, d->name, d->cdev, sizeof(d->cdev));
	if (rc < 0)
		goto fail;
	rc = pdk_sys_open(sys, d->cdev, O_RDWR);
	if (rc < 0) {
		switch (rc) {
		case -ENOENT:
			hint = "sysfs lists the cdev but /dev has no node: is devtmpfs mounted "
			       "on /dev (or udev running)?";
			break;
		case -EACCES:
		case -EPERM:
			hint = "run as root or give the user read-write access to the cdev";
			break;
		case -ENODEV:
			hint = "the device is being unbound from vfio-pci";
			break;
		default:
			hint = pdk_fd_limit_hint(rc);
			break;
		}
		pdk_log_fail("vfio", d->name, rc, hint, "open %s", d->cdev);
		goto fail;
	}
	d->fd = rc;
	d->sys = sys;
	*dev = d;
	return 0;

fail:
	pdk_holders_fini(&d->holders);
	pthread_mutex_destroy(&d->region_lock);
	free(d);
	return rc;
}

int
pdk_vfio_close(struct pdk_vfio_dev *dev)
{
	char who[256];
	int rc;

	if (dev == NULL)
		return 0;
	if (pdk_holders_count(&dev->holders) > 0)
		return pdk_log_fail("vfio", dev->name, -EBUSY,
				    "release them first (pdk_vfio_portal_release(); "
				    "pdk_pasid_space_destroy(), after releasing its PASID contexts)",
				    "close refused, still used by %s",
				    pdk_holders_describe(&dev->holders, who, sizeof(who)));
	if (dev->msix_nvec > 0)
		pdk_vfio_msix_disable(dev);
	vfio_bars_unmap(dev);
	/* Closing the fd detaches the PASIDs and the RID and unbinds. */
	rc = pdk_sys_close(dev->sys, dev->fd);
	if (rc < 0)
		pdk_log_fail("vfio", dev->name, rc, "the fd is gone anyway", "close %s (fd %d)",
			     dev->cdev, dev->fd);
	/* the kernel unbound the device with the fd: the context may close now */
	if (dev->ictx != NULL)
		pdk_holders_del(pdk_iommufd_holders(dev->ictx), &dev->ictx_hold);
	pdk_holders_fini(&dev->holders);
	pthread_mutex_destroy(&dev->region_lock);
	free(dev);
	return 0;
}

const char *
pdk_vfio_name(const struct pdk_vfio_dev *dev)
{
	return vfio_need_dev(dev, "pdk_vfio_name") < 0 ? NULL : dev->name;
}

int
pdk_vfio_fd(const struct pdk_vfio_dev *dev)
{
	return vfio_need_dev(dev, "pdk_vfio_fd") < 0 ? -EINVAL : dev->fd;
}

struct pdk_sys *
pdk_vfio_sys(const struct pdk_vfio_dev *dev)
{
	return vfio_need_dev(dev, "pdk_vfio_sys") < 0 ? NULL : dev->sys;
}

uint32_t
pdk_vfio_dev_id(const struct pdk_vfio_dev *dev)
{
	if (vfio_need_dev(dev, "pdk_vfio_dev_id") < 0)
		return 0;
	return dev->bound ? dev->dev_id : 0;
}

struct pdk_iommufd *
pdk_vfio_iommufd(const struct pdk_vfio_dev *dev)
{
	if (vfio_need_dev(dev, "pdk_vfio_iommufd") < 0)
		return NULL;
	return dev->ictx;
}

int
pdk_vfio_claim(struct pdk_vfio_dev *dev, const void *owner, struct pdk_hold *hold,
	       const char *name)
{
	/* quiet: the claimer says why in its own terms (lib/pasid's space create) */
	if (dev->owner != NULL)
		return -EBUSY;
	dev->owner = owner;
	pdk_holders_add(&dev->holders, hold, "PASID space", name, false);
	return 0;
}

void
pdk_vfio_unclaim(struct pdk_vfio_dev *dev, const void *owner, struct pdk_hold *hold)
{
	if (dev->owner != owner) {
		pdk_log_fail("vfio", dev->name, -EPERM, "an internal invariant broke (a PDK bug)",
			     "PASID space: unclaim by a space that does not own the device");
		return;
	}
	pdk_holders_del(&dev->holders, hold);
	dev->owner = NULL;
}

static const char *
bind_hint(int rc)
{
	switch (rc) {
	case -EBUSY:
		return "the IOMMU group is open through the legacy /dev/vfio/GROUP interface "
		       "(another process, or DPDK's EAL PCI bus: run EAL with --no-pci or "
		       "block the device)";
	case -EPERM:
		return "another device of its IOMMU group is bound to a kernel driver or to "
		       "another process; or MSI is not isolated and iommufd's "
		       "allow_unsafe_interrupts is off";
	case -EINVAL:
		/* vfio_df_open(): a cdev-opened device is bound once at a time */
		return "the device is already bound through another open of its VFIO cdev "
		       "(another handle or process: use the handle that bound it, or close "
		       "that first); or the fd came from the legacy group interface, or the "
		       "IOMMU does not enforce cache coherency";
	case -EACCES:
		return "a VF whose PF is owned by vfio-pci needs a VF token, which PDK does "
		       "not pass yet";
	case -EBADF:
	case -EBADFD:
		return "the iommufd fd is not an open /dev/iommu";
	case -ENOTTY:
		return "the kernel is older than 6.6 (no VFIO_DEVICE_BIND_IOMMUFD)";
	default:
		return NULL;
	}
}

int
pdk_vfio_bind(struct pdk_vfio_dev *dev, struct pdk_iommufd *ctx, uint32_t *dev_id)
{
	struct vfio_device_bind_iommufd bind;
	int rc;

	rc = vfio_need_dev(dev, "VFIO_DEVICE_BIND_IOMMUFD");
	if (rc < 0)
		return rc;
	if (dev->bound)
		return pdk_log_fail("vfio", dev->name, -EINVAL,
				    "close and reopen it to bind it again",
				    "VFIO_DEVICE_BIND_IOMMUFD: already bound (dev_id %u)",
				    dev->dev_id);
	if (ctx == NULL || pdk_iommufd_sys(ctx) != dev->sys)
		return pdk_log_fail("vfio", dev->name, -EINVAL,
				    "open the iommufd context through the device's backend",
				    "VFIO_DEVICE_BIND_IOMMUFD: %s",
				    ctx == NULL ? "no iommufd context"
						: "iommufd context on another backend");

	memset(&bind, 0, sizeof(bind));
	bind.argsz = sizeof(bind);
	bind.iommufd = pdk_iommufd_fd(ctx);
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (rc < 0)
		return pdk_log_fail("vfio", dev->name, rc, bind_hint(rc),
				    "VFIO_DEVICE_BIND_IOMMUFD (iommufd fd %d)", bind.iommufd);
	dev->bound = true;
	dev->dev_id = bind.out_devid;
	dev->ictx = ctx;
	pdk_holders_add(pdk_iommufd_holders(ctx), &dev->ictx_hold, "device", dev->name,
			false);
	if (dev_id != NULL)
		*dev_id = bind.out_devid;
	return 0;
}

/*
 * Why an attach call failed, for whoever logs it: the call itself when made
 * directly, the owner (lib/pasid) otherwise, which names what the kernel
 * cannot know (the address space, what stays attached) in the one line.
 */
struct attach_why {
	const char *what;	/* what was wrong before the kernel was asked, or NULL */
	const char *fix;	/* what the user can do; may be NULL */
};

static int
attach_refused(struct attach_why *w, int rc, const char *what, const char *fix)
{
	w->what = what;
	w->fix = fix;
	return rc;
}

/*
 * Attach calls are the owner's: with a PASID space on the device, a direct
 * call would replace or detach what one of the space's contexts owns. The
 * kernel refuses them all before BIND.
 */
static int
attach_check(const struct pdk_vfio_dev *dev, const void *owner, struct attach_why *w)
{
	if (!dev->bound)
		return attach_refused(w, -EINVAL, "device not bound", VFIO_FIX_BIND);
	if (dev->owner == owner)
		return 0;
	if (owner == NULL)
		return attach_refused(w, -EBUSY, "refused",
				      "its PASID space owns the RID and the PASIDs: use "
				      "pdk_pasid_rid_attach()/rid_detach(), pdk_pasid_ctx_create()/"
				      "replace()/release(), or destroy the space first");
	return attach_refused(w, -EPERM, "by a PASID space that does not own the device",
			      "an internal invariant broke (a PDK bug)");
}

static const char *
attach_hint(int rc, bool pasid)
{
	switch (rc) {
	case -EINVAL:
		if (pasid)
			return "HWPT not allocated with IOMMU_HWPT_ALLOC_PASID, RID attached to a "
			       "non-PASID-compatible HWPT, PASID beyond the device's width, or a "
			       "kernel older than 6.15";
		return "pt_id is neither an IOAS nor a HWPT of the bound context, or a PASID is "
		       "attached and this HWPT was not allocated with IOMMU_HWPT_ALLOC_PASID "
		       "(an IOAS never is)";
	case -EOPNOTSUPP:
		if (pasid)
			return "the IOMMU driver cannot attach a PASID (AMD-Vi) or the device is "
			       "bound to a vfio-pci variant driver";
		return NULL;
	case -ENOENT:
		return "no IOAS or HWPT has this id in the bound iommufd context";
	case -EBUSY:
		return "the device or an IOMMU group sibling is being reset (retry), or PASID "
		       "0 was attached with the PASID flag (close the fd to recover)";
	case -EADDRINUSE:
		return "the device's reserved IOVA regions overlap existing mappings or "
		       "allowed IOVAs of the IOAS: map elsewhere";
	case -ENOTTY:
		return "the kernel is older than 6.6 (no VFIO_DEVICE_ATTACH_IOMMUFD_PT)";
	case -ENOSPC:
		/* VFIO records attached PASIDs in an IDA, which stops at INT_MAX */
		return "the PASID is beyond what VFIO can record (2^31 and above): PCIe "
		       "PASIDs are 20 bits, use one below the device's width "
		       "(pdk_pasid_space_width())";
	default:
		return NULL;
	}
}

static int
rid_attach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pt_id, uint32_t *out_pt_id,
	   struct attach_why *w)
{
	struct vfio_device_attach_iommufd_pt at;
	int rc;

	rc = attach_check(dev, owner, w);
	if (rc < 0)
		return rc;
	memset(&at, 0, sizeof(at));
	at.argsz = sizeof(at);
	at.pt_id = pt_id;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
	if (rc < 0)
		return attach_refused(w, rc, NULL, attach_hint(rc, false));
	if (out_pt_id != NULL)
		*out_pt_id = at.pt_id;
	return 0;
}

static int
rid_detach(struct pdk_vfio_dev *dev, const void *owner, struct attach_why *w)
{
	struct vfio_device_detach_iommufd_pt de;
	int rc;

	rc = attach_check(dev, owner, w);
	if (rc < 0)
		return rc;
	memset(&de, 0, sizeof(de));
	de.argsz = sizeof(de);
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
	if (rc < 0)
		return attach_refused(w, rc, NULL, NULL);
	return 0;
}

static int
pasid_attach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pasid, uint32_t hwpt_id,
	     struct attach_why *w)
{
	struct vfio_device_attach_iommufd_pt at;
	int rc;

	/*
	 * The kernel takes PASID 0 down its RID path while VFIO records it as a
	 * PASID; the RID then stays busy until the fd closes (seen on 7.3).
	 */
	if (pasid == 0)
		return attach_refused(w, -EINVAL, "refused",
				      "PASID 0 is the RID: use pdk_vfio_attach(), or a PASID >= 1");
	rc = attach_check(dev, owner, w);
	if (rc < 0)
		return rc;
	memset(&at, 0, sizeof(at));
	at.argsz = sizeof(at);
	at.flags = VFIO_DEVICE_ATTACH_PASID;
	at.pt_id = hwpt_id;
	at.pasid = pasid;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
	if (rc < 0)
		return attach_refused(w, rc, NULL, attach_hint(rc, true));
	return 0;
}

static const char *
pasid_detach_hint(int rc)
{
	switch (rc) {
	case -EINVAL:
		return "the kernel is older than 6.15 (no VFIO_DEVICE_DETACH_PASID)";
	case -EOPNOTSUPP:
		return "the device is bound to a vfio-pci variant driver, which has no PASID "
		       "support";
	default:
		return NULL;
	}
}

static int
pasid_detach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pasid, struct attach_why *w)
{
	struct vfio_device_detach_iommufd_pt de;
	int rc;

	/* With the PASID flag, 0 would reach the RID path: see pasid_attach(). */
	if (pasid == 0)
		return attach_refused(w, -EINVAL, "refused",
				      "PASID 0 is the RID: use pdk_vfio_detach()");
	rc = attach_check(dev, owner, w);
	if (rc < 0)
		return rc;
	memset(&de, 0, sizeof(de));
	de.argsz = sizeof(de);
	de.flags = VFIO_DEVICE_DETACH_PASID;
	de.pasid = pasid;
	rc = pdk_sys_ioctl(dev->sys, dev->fd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &de);
	if (rc < 0)
		return attach_refused(w, rc, NULL, pasid_detach_hint(rc));
	return 0;
}

/* The direct calls log their failure; the owner's calls hand it back (pdk_vfio_internal.h). */
#define ATTACH_STEP_WHY(w) (w).what != NULL ? ": " : "", (w).what != NULL ? (w).what : ""

int
pdk_vfio_attach(struct pdk_vfio_dev *dev, uint32_t pt_id, uint32_t *out_pt_id)
{
	struct attach_why w;
	int rc;

	rc = vfio_need_dev(dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT (RID)");
	if (rc == 0)
		rc = rid_attach(dev, NULL, pt_id, out_pt_id, &w);
	if (rc < 0 && dev != NULL)
		pdk_log_fail("vfio", dev->name, rc, w.fix,
			     "VFIO_DEVICE_ATTACH_IOMMUFD_PT (RID) pt %u%s%s", pt_id,
			     ATTACH_STEP_WHY(w));
	return rc;
}

int
pdk_vfio_detach(struct pdk_vfio_dev *dev)
{
	struct attach_why w;
	int rc;

	rc = vfio_need_dev(dev, "VFIO_DEVICE_DETACH_IOMMUFD_PT (RID)");
	if (rc == 0)
		rc = rid_detach(dev, NULL, &w);
	if (rc < 0 && dev != NULL)
		pdk_log_fail("vfio", dev->name, rc, w.fix,
			     "VFIO_DEVICE_DETACH_IOMMUFD_PT (RID)%s%s", ATTACH_STEP_WHY(w));
	return rc;
}

int
pdk_vfio_pasid_attach(struct pdk_vfio_dev *dev, uint32_t pasid, uint32_t hwpt_id)
{
	struct attach_why w;
	int rc;

	rc = vfio_need_dev(dev, "VFIO_DEVICE_ATTACH_IOMMUFD_PT (PASID)");
	if (rc == 0)
		rc = pasid_attach(dev, NULL, pasid, hwpt_id, &w);
	if (rc < 0 && dev != NULL)
		pdk_log_fail("vfio", dev->name, rc, w.fix,
			     "VFIO_DEVICE_ATTACH_IOMMUFD_PT pasid %u hwpt %u%s%s", pasid, hwpt_id,
			     ATTACH_STEP_WHY(w));
	return rc;
}

int
pdk_vfio_pasid_detach(struct pdk_vfio_dev *dev, uint32_t pasid)
{
	struct attach_why w;
	int rc;

	rc = vfio_need_dev(dev, "VFIO_DEVICE_DETACH_IOMMUFD_PT (PASID)");
	if (rc == 0)
		rc = pasid_detach(dev, NULL, pasid, &w);
	if (rc < 0 && dev != NULL)
		pdk_log_fail("vfio", dev->name, rc, w.fix,
			     "VFIO_DEVICE_DETACH_IOMMUFD_PT pasid %u%s%s", pasid,
			     ATTACH_STEP_WHY(w));
	return rc;
}

int
pdk_vfio_owner_attach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pt_id,
		      const char **fix)
{
	struct attach_why w;
	int rc = rid_attach(dev, owner, pt_id, NULL, &w);

	if (rc < 0)
		*fix = w.fix;
	return rc;
}

int
pdk_vfio_owner_detach(struct pdk_vfio_dev *dev, const void *owner, const char **fix)
{
	struct attach_why w;
	int rc = rid_detach(dev, owner, &w);

	if (rc < 0)
		*fix = w.fix;
	return rc;
}

int
pdk_vfio_owner_pasid_attach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pasid,
			    uint32_t hwpt_id, const char **fix)
{
	struct attach_why w;
	int rc = pasid_attach(dev, owner, pasid, hwpt_id, &w);

	if (rc < 0)
		*fix = w.fix;
	return rc;
}

int
pdk_vfio_owner_pasid_detach(struct pdk_vfio_dev *dev, const void *owner, uint32_t pasid,
			    const char **fix)
{
	struct attach_why w;
	int rc = pasid_detach(dev, owner, pasid, &w);

	if (rc < 0)
		*fix = w.fix;
	return rc;
}
