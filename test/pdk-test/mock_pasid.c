/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The "kernel-mock" backend (see mock_pasid.h): the real kernel, plus a VFIO
 * cdev whose iommufd side is the kernel's PASID-capable mock device.
 *
 * VFIO's part is reproduced from Linux 7.3 so that errnos match what
 * vfio-pci would return for a PASID-capable device:
 * - vfio_device_fops_unl_ioctl(): any ioctl but BIND before BIND: EINVAL;
 * - vfio_df_ioctl_bind_iommufd(): argsz < 16: EINVAL; iommufd < 0 or an
 *   unknown flag: EINVAL; a second BIND: EINVAL;
 * - vfio_df_ioctl_attach_pt()/detach_pt(): argsz below the fixed part:
 *   EINVAL; unknown flags: EINVAL; the PASID flag without room for pasid:
 *   EINVAL;
 * - vfio_iommufd_physical_*(): the RID is attached the first time and
 *   replaced afterwards (vdev->iommufd_attached); a PASID the fd already
 *   attached is replaced, else it is recorded in an IDA first (whose
 *   ida_alloc_range() refuses ids above INT_MAX with ENOSPC) and attached;
 *   a detach of something not attached is a no-op returning 0; unbind
 *   (close) detaches every recorded PASID, then the RID.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mock_pasid.h"
#include "pdk_sys_backend.h"

#define MOCK_MAX_FDS 8
#define MOCK_SYSFS_DIR "/sys/bus/pci/devices/" MOCK_PASID_PCI_ADDR
#define MOCK_VENDOR "0x1234"	/* any value: PDK only checks that the file exists */

/* vfio's struct sizes up to the named field (offsetofend) */
#define BIND_MINSZ 16u		/* ..out_devid */
#define ATTACH_MINSZ 12u	/* ..pt_id */
#define ATTACH_PASID_SZ 16u	/* ..pasid */
#define DETACH_MINSZ 8u		/* ..flags */
#define DETACH_PASID_SZ 12u	/* ..pasid */
#define VFIO_BIND_FLAG_TOKEN (1u << 0)

/* One open of the virtual cdev: VFIO's struct vfio_device_file + vdev state. */
struct mock_dev {
	int fd;			/* a real fd (/dev/null) so fd numbers stay unique; -1: free */
	bool bound;		/* df->access_granted */
	bool rid_attached;	/* vdev->iommufd_attached */
	int ifd;		/* the iommufd it was bound to */
	uint32_t stdev_id;	/* the selftest object: IOMMU_DESTROY of it destroys the mock */
	uint32_t idev_id;
	uint32_t *pasids;	/* vdev->pasids: PASIDs this fd attached */
	size_t npasids;
	size_t cap;
};

struct mock_pasid {
	struct pdk_sys sys;
	struct mock_dev devs[MOCK_MAX_FDS];
};

static const struct pdk_sys_ops mock_ops;

static int
kioctl(int fd, unsigned long req, void *arg)
{
	return pdk_sys_kernel_ops.ioctl(NULL, fd, req, arg);
}

static int
test_cmd(int ifd, uint32_t op, uint32_t id, struct mock_test_cmd *c)
{
	c->size = sizeof(*c);
	c->op = op;
	c->id = id;
	return kioctl(ifd, MOCK_IOMMU_TEST_CMD, c);
}

static struct mock_dev *
dev_of(struct mock_pasid *m, int fd)
{
	int i;

	if (fd < 0)
		return NULL;
	for (i = 0; i < MOCK_MAX_FDS; i++)
		if (m->devs[i].fd == fd)
			return &m->devs[i];
	return NULL;
}

static ssize_t
pasid_index(const struct mock_dev *d, uint32_t pasid)
{
	size_t i;

	for (i = 0; i < d->npasids; i++)
		if (d->pasids[i] == pasid)
			return (ssize_t)i;
	return -1;
}

static int
pasid_add(struct mock_dev *d, uint32_t pasid)
{
	uint32_t *p;

	/* vfio's ida_alloc_range(&vdev->pasids, pasid, pasid): ids above INT_MAX: ENOSPC */
	if (pasid > INT_MAX)
		return -ENOSPC;
	if (d->npasids == d->cap) {
		p = realloc(d->pasids, (d->cap + 8) * sizeof(*p));
		if (p == NULL)
			return -ENOMEM;
		d->pasids = p;
		d->cap += 8;
	}
	d->pasids[d->npasids++] = pasid;
	return 0;
}

static void
pasid_del(struct mock_dev *d, size_t i)
{
	d->pasids[i] = d->pasids[--d->npasids];
}

static int
pasid_detach(struct mock_dev *d, uint32_t pasid)
{
	struct mock_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.pasid_detach.pasid = pasid;
	return test_cmd(d->ifd, MOCK_TEST_OP_PASID_DETACH, d->stdev_id, &c);
}

/*
 * vfio_iommufd_physical_unbind(): every recorded PASID, then the RID, then
 * the device goes (IOMMU_DESTROY of the selftest object unbinds and frees
 * the mock). Errors are ignored as the kernel's release path does; they only
 * happen when the iommufd was closed first, which destroyed everything.
 */
static void
dev_unbind(struct mock_dev *d)
{
	struct iommu_destroy des = {.size = sizeof(des)};

	if (!d->bound)
		return;
	while (d->npasids > 0) {
		pasid_detach(d, d->pasids[d->npasids - 1]);
		d->npasids--;
	}
	if (d->rid_attached)
		pasid_detach(d, 0);	/* pasid 0 is IOMMU_NO_PASID: the RID */
	des.id = d->stdev_id;
	kioctl(d->ifd, IOMMU_DESTROY, &des);
	d->bound = false;
	d->rid_attached = false;
}

static void
dev_free(struct mock_dev *d)
{
	dev_unbind(d);
	free(d->pasids);
	memset(d, 0, sizeof(*d));
	d->fd = -1;
}

/*
 * BIND: create the PASID-capable mock in the given iommufd. The test op
 * always attaches the new device's RID (to an auto domain over the IOAS
 * passed), while VFIO leaves the RID blocked after bind: so the mock is
 * born on a private IOAS, its RID is detached at once (PASID_DETACH of
 * pasid 0 = iommufd_device_detach(idev, IOMMU_NO_PASID), which frees the
 * auto domain) and the IOAS destroyed, leaving the device bound, blocked
 * and with no object of ours in the context.
 */
static int
mock_bind(struct mock_dev *d, struct vfio_device_bind_iommufd *arg)
{
	struct iommu_ioas_alloc ia = {.size = sizeof(ia)};
	struct iommu_destroy des = {.size = sizeof(des)};
	struct mock_test_cmd c;
	int rc;

	if (arg->argsz < BIND_MINSZ)
		return -EINVAL;
	if (arg->iommufd < 0 || (arg->flags & ~VFIO_BIND_FLAG_TOKEN))
		return -EINVAL;
	if (d->bound)
		return -EINVAL;
	if (arg->flags & VFIO_BIND_FLAG_TOKEN)
		return -EOPNOTSUPP;	/* VF tokens are not modelled */

	rc = kioctl(arg->iommufd, IOMMU_IOAS_ALLOC, &ia);
	if (rc == -ENOTTY)
		return -EBADFD;	/* iommufd_ctx_from_fd(): not an iommufd */
	if (rc < 0)
		return rc;
	memset(&c, 0, sizeof(c));
	c.mock_domain_flags.dev_flags = MOCK_DEV_FLAG_PASID;
	rc = test_cmd(arg->iommufd, MOCK_TEST_OP_MOCK_DOMAIN_FLAGS, ia.out_ioas_id, &c);
	if (rc < 0)
		goto out_ioas;
	d->ifd = arg->iommufd;
	d->stdev_id = c.mock_domain_flags.out_stdev_id;
	d->idev_id = c.mock_domain_flags.out_idev_id;
	d->bound = true;
	d->rid_attached = true;
	rc = pasid_detach(d, 0);
	if (rc < 0) {
		dev_unbind(d);
		goto out_ioas;
	}
	d->rid_attached = false;
	des.id = ia.out_ioas_id;
	rc = kioctl(arg->iommufd, IOMMU_DESTROY, &des);
	if (rc < 0) {
		dev_unbind(d);
		return rc;
	}
	arg->out_devid = d->idev_id;
	return 0;

out_ioas:
	des.id = ia.out_ioas_id;
	kioctl(arg->iommufd, IOMMU_DESTROY, &des);
	return rc;
}

/* vfio_df_ioctl_attach_pt() + vfio_iommufd_physical_[pasid_]attach_ioas() */
static int
mock_attach(struct mock_dev *d, struct vfio_device_attach_iommufd_pt *arg)
{
	struct mock_test_cmd c;
	bool pasid = arg->flags & VFIO_DEVICE_ATTACH_PASID;
	ssize_t idx;
	int rc;

	if (arg->argsz < ATTACH_MINSZ)
		return -EINVAL;
	if (arg->flags & ~VFIO_DEVICE_ATTACH_PASID)
		return -EINVAL;
	if (pasid && arg->argsz < ATTACH_PASID_SZ)
		return -EINVAL;

	memset(&c, 0, sizeof(c));
	if (!pasid) {
		if (d->rid_attached) {
			c.mock_domain_replace.pt_id = arg->pt_id;
			rc = test_cmd(d->ifd, MOCK_TEST_OP_MOCK_DOMAIN_REPLACE, d->stdev_id, &c);
			if (rc == 0)
				arg->pt_id = c.mock_domain_replace.pt_id;
			return rc;
		}
		/* pasid 0 is IOMMU_NO_PASID: iommufd_device_attach() of the RID */
		c.pasid_attach.pasid = 0;
		c.pasid_attach.pt_id = arg->pt_id;
		rc = test_cmd(d->ifd, MOCK_TEST_OP_PASID_ATTACH, d->stdev_id, &c);
		if (rc == 0) {
			d->rid_attached = true;
			arg->pt_id = c.pasid_attach.pt_id;
		}
		return rc;
	}

	c.pasid_attach.pasid = arg->pasid;
	c.pasid_attach.pt_id = arg->pt_id;
	idx = pasid_index(d, arg->pasid);
	if (idx >= 0) {
		/* VFIO: a PASID this fd attached is replaced (the raw kAPI gives EBUSY) */
		rc = test_cmd(d->ifd, MOCK_TEST_OP_PASID_REPLACE, d->stdev_id, &c);
	} else {
		rc = pasid_add(d, arg->pasid);
		if (rc < 0)
			return rc;
		rc = test_cmd(d->ifd, MOCK_TEST_OP_PASID_ATTACH, d->stdev_id, &c);
		if (rc < 0)
			pasid_del(d, d->npasids - 1);
	}
	if (rc == 0)
		arg->pt_id = c.pasid_attach.pt_id;
	return rc;
}

/* vfio_df_ioctl_detach_pt() + vfio_iommufd_physical_[pasid_]detach_ioas() */
static int
mock_detach(struct mock_dev *d, struct vfio_device_detach_iommufd_pt *arg)
{
	ssize_t idx;

	if (arg->argsz < DETACH_MINSZ)
		return -EINVAL;
	if (arg->flags & ~VFIO_DEVICE_DETACH_PASID)
		return -EINVAL;
	if (!(arg->flags & VFIO_DEVICE_DETACH_PASID)) {
		if (d->rid_attached) {
			pasid_detach(d, 0);
			d->rid_attached = false;
		}
		return 0;
	}
	if (arg->argsz < DETACH_PASID_SZ)
		return -EINVAL;
	idx = pasid_index(d, arg->pasid);
	if (idx < 0)
		return 0;
	pasid_detach(d, arg->pasid);
	pasid_del(d, (size_t)idx);
	return 0;
}

static int
mock_dev_ioctl(struct mock_dev *d, unsigned long req, void *arg)
{
	if (req == VFIO_DEVICE_BIND_IOMMUFD)
		return mock_bind(d, arg);
	if (!d->bound)
		return -EINVAL;
	switch (req) {
	case VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		return mock_attach(d, arg);
	case VFIO_DEVICE_DETACH_IOMMUFD_PT:
		return mock_detach(d, arg);
	default:
		/* the mock has no PCI side: no regions, no irqs, no reset */
		return -ENOTTY;
	}
}

/* ---- the ops: the virtual cdev and its sysfs, the rest to the kernel ---- */

static int
m_open(void *priv, const char *path, int flags)
{
	struct mock_pasid *m = priv;
	struct mock_dev *d = NULL;
	int i, fd;

	if (strcmp(path, MOCK_PASID_CDEV) != 0)
		return pdk_sys_kernel_ops.open(NULL, path, flags);
	for (i = 0; i < MOCK_MAX_FDS && d == NULL; i++)
		if (m->devs[i].fd < 0)
			d = &m->devs[i];
	if (d == NULL)
		return -EMFILE;
	fd = pdk_sys_kernel_ops.open(NULL, "/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fd;
	memset(d, 0, sizeof(*d));
	d->fd = fd;
	return fd;
}

static int
m_close(void *priv, int fd)
{
	struct mock_dev *d = dev_of(priv, fd);

	if (d != NULL)
		dev_free(d);	/* the release path: unbind first, then the fd */
	return pdk_sys_kernel_ops.close(NULL, fd);
}

static int
m_ioctl(void *priv, int fd, unsigned long req, void *arg)
{
	struct mock_dev *d = dev_of(priv, fd);

	if (d != NULL)
		return mock_dev_ioctl(d, req, arg);
	return pdk_sys_kernel_ops.ioctl(NULL, fd, req, arg);
}

static ssize_t
m_read(void *priv, int fd, void *buf, size_t len)
{
	if (dev_of(priv, fd) != NULL)
		return -EINVAL;	/* no region at offset 0 */
	return pdk_sys_kernel_ops.read(NULL, fd, buf, len);
}

static ssize_t
m_write(void *priv, int fd, const void *buf, size_t len)
{
	if (dev_of(priv, fd) != NULL)
		return -EINVAL;
	return pdk_sys_kernel_ops.write(NULL, fd, buf, len);
}

static ssize_t
m_pread(void *priv, int fd, void *buf, size_t len, uint64_t off)
{
	if (dev_of(priv, fd) != NULL)
		return -EINVAL;
	return pdk_sys_kernel_ops.pread(NULL, fd, buf, len, off);
}

static ssize_t
m_pwrite(void *priv, int fd, const void *buf, size_t len, uint64_t off)
{
	if (dev_of(priv, fd) != NULL)
		return -EINVAL;
	return pdk_sys_kernel_ops.pwrite(NULL, fd, buf, len, off);
}

static int
m_mmap(void *priv, int fd, size_t len, int prot, uint64_t off, void **addr)
{
	if (dev_of(priv, fd) != NULL)
		return -EINVAL;
	return pdk_sys_kernel_ops.mmap(NULL, fd, len, prot, off, addr);
}

static int
m_munmap(void *priv, void *addr, size_t len)
{
	(void)priv;
	return pdk_sys_kernel_ops.munmap(NULL, addr, len);
}

static bool
in_mock_sysfs(const char *path)
{
	size_t n = strlen(MOCK_SYSFS_DIR);

	return strncmp(path, MOCK_SYSFS_DIR, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* The sysfs PDK reads to find a function's cdev: vendor and vfio-dev/ only. */
static int
m_list_dir(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	(void)priv;
	if (!in_mock_sysfs(path))
		return pdk_sys_kernel_ops.list_dir(NULL, path, cb, arg);
	if (strcmp(path, MOCK_SYSFS_DIR "/vfio-dev") == 0)
		return cb(MOCK_PASID_CDEV_NAME, arg);
	return -ENOENT;
}

static ssize_t
m_read_file(void *priv, const char *path, char *buf, size_t len)
{
	(void)priv;
	if (!in_mock_sysfs(path))
		return pdk_sys_kernel_ops.read_file(NULL, path, buf, len);
	if (strcmp(path, MOCK_SYSFS_DIR "/vendor") != 0)
		return -ENOENT;
	if (len < sizeof(MOCK_VENDOR))
		return -EINVAL;
	memcpy(buf, MOCK_VENDOR, sizeof(MOCK_VENDOR));
	return (ssize_t)strlen(MOCK_VENDOR);
}

static ssize_t
m_link_name(void *priv, const char *path, char *buf, size_t len)
{
	(void)priv;
	if (!in_mock_sysfs(path))
		return pdk_sys_kernel_ops.link_name(NULL, path, buf, len);
	return -ENOENT;
}

static const struct pdk_sys_ops mock_ops = {
	.open = m_open,
	.close = m_close,
	.ioctl = m_ioctl,
	.read = m_read,
	.write = m_write,
	.pread = m_pread,
	.pwrite = m_pwrite,
	.mmap = m_mmap,
	.munmap = m_munmap,
	.list_dir = m_list_dir,
	.read_file = m_read_file,
	.link_name = m_link_name,
};

/* Is IOMMU_TEST_CMD there? An unknown op gives EOPNOTSUPP; no test ioctl gives ENOTTY. */
static int
probe_test_cmd(void)
{
	struct mock_test_cmd c;
	int fd, rc;

	fd = pdk_sys_kernel_ops.open(NULL, "/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fd == -ENOENT ? -ENODEV : fd;
	memset(&c, 0, sizeof(c));
	rc = test_cmd(fd, 0, 0, &c);
	pdk_sys_kernel_ops.close(NULL, fd);
	if (rc == -EOPNOTSUPP)
		return 0;
	return rc == -ENOTTY ? -ENODEV : (rc < 0 ? rc : -EPROTO);
}

int
mock_pasid_create(struct pdk_sys **sys)
{
	struct mock_pasid *m;
	int i, rc;

	rc = probe_test_cmd();
	if (rc < 0)
		return rc;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	for (i = 0; i < MOCK_MAX_FDS; i++)
		m->devs[i].fd = -1;
	m->sys.name = "kernel-mock";
	m->sys.is_sim = false;	/* the answers are the real kernel's */
	m->sys.ops = &mock_ops;
	m->sys.priv = m;
	*sys = &m->sys;
	return 0;
}

bool
mock_pasid_is(const struct pdk_sys *sys)
{
	return sys != NULL && sys->ops == &mock_ops;
}

int
mock_pasid_destroy(struct pdk_sys *sys)
{
	struct mock_pasid *m;
	int i, open = 0;

	if (!mock_pasid_is(sys))
		return 0;
	m = sys->priv;
	for (i = 0; i < MOCK_MAX_FDS; i++) {
		if (m->devs[i].fd < 0)
			continue;
		open++;
		m_close(m, m->devs[i].fd);
	}
	free(m);
	return open;
}

int
mock_pasid_check_hwpt(struct pdk_sys *sys, int dfd, uint32_t pasid, uint32_t hwpt_id)
{
	struct mock_test_cmd c;
	struct mock_dev *d;

	if (!mock_pasid_is(sys))
		return -EINVAL;
	d = dev_of(sys->priv, dfd);
	if (d == NULL || !d->bound)
		return -EBADF;
	memset(&c, 0, sizeof(c));
	c.pasid_check.pasid = pasid;
	c.pasid_check.hwpt_id = hwpt_id;
	return test_cmd(d->ifd, MOCK_TEST_OP_PASID_CHECK_HWPT, d->stdev_id, &c);
}

int
mock_pasid_trigger_iopf(int ifd, uint32_t dev_id, uint32_t pasid, uint32_t grpid, uint32_t perm,
			uint64_t addr)
{
	struct mock_test_cmd c;

	memset(&c, 0, sizeof(c));
	c.trigger_iopf.dev_id = dev_id;
	c.trigger_iopf.pasid = pasid;
	c.trigger_iopf.grpid = grpid;
	c.trigger_iopf.perm = perm;
	c.trigger_iopf.addr = addr;
	return test_cmd(ifd, MOCK_TEST_OP_TRIGGER_IOPF, 0, &c);
}
