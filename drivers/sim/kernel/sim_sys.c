/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The sim as a backend of the syscall boundary: each op takes the sim's
 * lock, counts the call, fires an armed failure (before doing anything, so
 * an injected failure has no side effect), finds what the fd points at and
 * hands over to the file kind's ops (struct sim_file_ops). close and munmap release and never
 * fail by injection, as the kernel's fail_nth never fails a release.
 */

#include <errno.h>
#include <poll.h>

#include "sim_kernel.h"

static int
sim_enter(struct pdk_sim *sim, bool can_fail)
{
	sim->st.calls++;
	if (!can_fail || sim->fail_nth == 0)
		return 0;
	if (--sim->fail_nth == 0) {
		sim->fail_fired = true;
		SIM_LOG(DEBUG, "injected failure %d fires", -sim->fail_err);
		return -sim->fail_err;
	}
	return 0;
}

/* Lock, count, inject; on success the lock stays held for the op. */
static int
sim_begin(struct pdk_sim *sim, bool can_fail)
{
	int rc;

	pthread_mutex_lock(&sim->lock);
	rc = sim_enter(sim, can_fail);
	if (rc < 0)
		pthread_mutex_unlock(&sim->lock);
	return rc;
}

/* sim_begin(), then find what @p fd points at: -EBADF (unlocked) when nothing. */
static int
sim_begin_fd(struct pdk_sim *sim, int fd, struct sim_file **file)
{
	int rc = sim_begin(sim, true);

	if (rc < 0)
		return rc;
	*file = sim_fd_lookup(sim, fd);
	if (*file == NULL) {
		pthread_mutex_unlock(&sim->lock);
		return -EBADF;
	}
	return 0;
}

/* End of an op begun by sim_begin(): drop the lock, return @p rc. */
static ssize_t
sim_end(struct pdk_sim *sim, ssize_t rc)
{
	pthread_mutex_unlock(&sim->lock);
	return rc;
}

static int
sim_op_open(void *priv, const char *path, int flags)
{
	struct pdk_sim *sim = priv;
	int rc = sim_begin(sim, true);

	(void)flags;
	if (rc < 0)
		return rc;
	return (int)sim_end(sim, sim_fs_open(sim, path));
}

static int
sim_op_close(void *priv, int fd)
{
	struct pdk_sim *sim = priv;

	sim_begin(sim, false);
	return (int)sim_end(sim, sim_fd_close(sim, fd));
}

static int
sim_op_ioctl(void *priv, int fd, unsigned long request, void *arg)
{
	struct pdk_sim *sim = priv;
	struct sim_file *file;
	int rc = sim_begin_fd(sim, fd, &file);

	if (rc < 0)
		return rc;
	rc = file->ops->ioctl != NULL ? file->ops->ioctl(file, request, arg) : -ENOTTY;
	return (int)sim_end(sim, rc);
}

/* read()/write() use and advance the file position, pread()/pwrite() not. */
static ssize_t
sim_rw(struct pdk_sim *sim, int fd, void *buf, size_t len, const uint64_t *offset, bool write)
{
	struct sim_file *file;
	ssize_t rc = sim_begin_fd(sim, fd, &file);

	if (rc < 0)
		return rc;
	if (file->ops->rw == NULL) {
		rc = -EINVAL;		/* /dev/iommu has no read or write */
	} else if (offset != NULL && file->ops->nonseekable) {
		rc = -ESPIPE;
	} else {
		/*
		 * A device model's command may wait for its engine with the
		 * lock dropped (sim_dsa.c), so another thread may close the
		 * fd meanwhile: hold the file, as the kernel holds it across
		 * a syscall.
		 */
		file->refs++;
		rc = file->ops->rw(file, buf, len, offset != NULL ? *offset : file->pos, write);
		if (rc > 0 && offset == NULL)
			file->pos += (uint64_t)rc;
		sim_file_put(sim, file);
	}
	return sim_end(sim, rc);
}

static ssize_t
sim_op_read(void *priv, int fd, void *buf, size_t len)
{
	return sim_rw(priv, fd, buf, len, NULL, false);
}

static ssize_t
sim_op_write(void *priv, int fd, const void *buf, size_t len)
{
	return sim_rw(priv, fd, (void *)(uintptr_t)buf, len, NULL, true);
}

static ssize_t
sim_op_pread(void *priv, int fd, void *buf, size_t len, uint64_t offset)
{
	return sim_rw(priv, fd, buf, len, &offset, false);
}

static ssize_t
sim_op_pwrite(void *priv, int fd, const void *buf, size_t len, uint64_t offset)
{
	return sim_rw(priv, fd, (void *)(uintptr_t)buf, len, &offset, true);
}

static int
sim_op_mmap(void *priv, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	struct pdk_sim *sim = priv;
	struct sim_file *file;
	int rc = sim_begin_fd(sim, fd, &file);

	if (rc < 0)
		return rc;
	rc = file->ops->mmap != NULL ? file->ops->mmap(file, len, prot, offset, addr) : -ENODEV;
	return (int)sim_end(sim, rc);
}

static int
sim_op_munmap(void *priv, void *addr, size_t len)
{
	struct pdk_sim *sim = priv;

	sim_begin(sim, false);
	return (int)sim_end(sim, sim_mmap_remove(sim, addr, len));
}

static int
sim_op_list_dir(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	struct pdk_sim *sim = priv;
	int rc = sim_begin(sim, true);

	if (rc < 0)
		return rc;
	pthread_mutex_unlock(&sim->lock);
	/* Takes the lock itself, and drops it around the callbacks. */
	return sim_fs_list_dir(sim, path, cb, arg);
}

/* A sysfs read (a file, a link): counted and injectable as every call, then the path's answer. */
#define SIM_FS_READ_OP(what)							\
	static ssize_t								\
	sim_op_##what(void *priv, const char *path, char *buf, size_t len)	\
	{									\
		struct pdk_sim *sim = priv;					\
		ssize_t rc = sim_begin(sim, true);				\
										\
		if (rc < 0)							\
			return rc;						\
		return sim_end(sim, sim_fs_##what(sim, path, buf, len));	\
	}

SIM_FS_READ_OP(read_file)
SIM_FS_READ_OP(link_name)

/* Once per queue at setup: a boundary call like mmap (counted, injectable). */
static int
sim_op_mmio_resolve(void *priv, int fd, uint64_t offset, struct pdk_sys_mmio *mmio)
{
	struct pdk_sim *sim = priv;
	struct sim_file *file;
	int rc = sim_begin_fd(sim, fd, &file);

	if (rc < 0)
		return rc;
	rc = file->ops->mmio_resolve != NULL ? file->ops->mmio_resolve(file, offset, mmio) :
					       -ENODEV;
	return (int)sim_end(sim, rc);
}

/*
 * What the file has ready, never waiting (pdk_sys_poll()). A file kind
 * without its own answer is always ready, as the kernel's files without a
 * .poll are (DEFAULT_POLLMASK, include/linux/poll.h).
 */
static int
sim_op_poll(void *priv, int fd, short events)
{
	struct pdk_sim *sim = priv;
	struct sim_file *file;
	int rc = sim_begin_fd(sim, fd, &file);

	if (rc < 0)
		return rc;
	rc = file->ops->poll != NULL ? file->ops->poll(file)
				     : POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	return (int)sim_end(sim, rc & (events | POLLERR | POLLHUP));
}

/* A release, like munmap: never fails by injection. */
static int
sim_op_mmio_release(void *priv, struct pdk_sys_mmio *mmio)
{
	struct pdk_sim *sim = priv;

	sim_begin(sim, false);
	return (int)sim_end(sim, sim_vfio_mmio_release(sim, mmio->cookie));
}

const struct pdk_sys_ops sim_sys_ops = {
	.open = sim_op_open,
	.close = sim_op_close,
	.ioctl = sim_op_ioctl,
	.read = sim_op_read,
	.write = sim_op_write,
	.pread = sim_op_pread,
	.pwrite = sim_op_pwrite,
	.mmap = sim_op_mmap,
	.munmap = sim_op_munmap,
	.list_dir = sim_op_list_dir,
	.read_file = sim_op_read_file,
	.link_name = sim_op_link_name,
	.mmio_resolve = sim_op_mmio_resolve,
	.poll = sim_op_poll,
	.mmio_release = sim_op_mmio_release,
};
