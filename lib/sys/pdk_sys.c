/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The boundary's dispatch: the arguments' NULL checks (a NULL reaching a
 * backend would crash it, or reach the kernel as a bad address), then one
 * indirect call per operation.
 */

#include <errno.h>
#include <stdlib.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "pdk_log.h"
#include "pdk_sys_backend.h"
#include "sys_private.h"

const char *
pdk_sys_name(const struct pdk_sys *sys)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "backend name: NULL backend"))
		return "";
	return sys->name;
}

bool
pdk_sys_machine_simulated(void)
{
	static int simulated = -1;	/* not read yet */
	int v = __atomic_load_n(&simulated, __ATOMIC_RELAXED);
	const char *env;

	if (v < 0) {
		env = getenv("PDK_SIMULATED_MACHINE");
		v = env != NULL && env[0] != '\0';
		__atomic_store_n(&simulated, v, __ATOMIC_RELAXED);
	}
	return v != 0;
}

bool
pdk_sys_is_sim(const struct pdk_sys *sys)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "is-sim query: NULL backend"))
		return false;
	return sys->is_sim || pdk_sys_machine_simulated();
}

int
pdk_sys_open(struct pdk_sys *sys, const char *path, int flags)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "open: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "open: NULL path"))
		return -EINVAL;
	return sys->ops->open(sys->priv, path, flags);
}

int
pdk_sys_close(struct pdk_sys *sys, int fd)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "close: NULL backend"))
		return -EINVAL;
	return sys->ops->close(sys->priv, fd);
}

int
pdk_sys_ioctl(struct pdk_sys *sys, int fd, unsigned long request, void *arg)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "ioctl: NULL backend"))
		return -EINVAL;
	return sys->ops->ioctl(sys->priv, fd, request, arg);
}

ssize_t
pdk_sys_read(struct pdk_sys *sys, int fd, void *buf, size_t len)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "read: NULL backend") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "read: NULL buffer"))
		return -EINVAL;
	return sys->ops->read(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_write(struct pdk_sys *sys, int fd, const void *buf, size_t len)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "write: NULL backend") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "write: NULL buffer"))
		return -EINVAL;
	return sys->ops->write(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_pread(struct pdk_sys *sys, int fd, void *buf, size_t len, uint64_t offset)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "pread: NULL backend") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "pread: NULL buffer"))
		return -EINVAL;
	return sys->ops->pread(sys->priv, fd, buf, len, offset);
}

ssize_t
pdk_sys_pwrite(struct pdk_sys *sys, int fd, const void *buf, size_t len, uint64_t offset)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "pwrite: NULL backend") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "pwrite: NULL buffer"))
		return -EINVAL;
	return sys->ops->pwrite(sys->priv, fd, buf, len, offset);
}

int
pdk_sys_mmap(struct pdk_sys *sys, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "mmap: NULL backend") ||
	    pdk_log_null(addr, "sys", NULL, SYS_FIX_ARGS, "mmap: NULL output pointer"))
		return -EINVAL;
	return sys->ops->mmap(sys->priv, fd, len, prot, offset, addr);
}

int
pdk_sys_munmap(struct pdk_sys *sys, void *addr, size_t len)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "munmap: NULL backend") ||
	    pdk_log_null(addr, "sys", NULL, SYS_FIX_ARGS, "munmap: NULL address"))
		return -EINVAL;
	return sys->ops->munmap(sys->priv, addr, len);
}

int
pdk_sys_list_dir(struct pdk_sys *sys, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "list dir: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "list dir: NULL path") ||
	    pdk_log_null(cb, "sys", NULL, SYS_FIX_ARGS, "list dir: NULL callback"))
		return -EINVAL;
	return sys->ops->list_dir(sys->priv, path, cb, arg);
}

ssize_t
pdk_sys_read_file(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "read file: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "read file: NULL path") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "read file: NULL buffer"))
		return -EINVAL;
	return sys->ops->read_file(sys->priv, path, buf, len);
}

ssize_t
pdk_sys_link_name(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "link name: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "link name: NULL path") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "link name: NULL buffer"))
		return -EINVAL;
	return sys->ops->link_name(sys->priv, path, buf, len);
}

int
pdk_sys_mmio_resolve(struct pdk_sys *sys, int fd, uint64_t offset, struct pdk_sys_mmio *mmio)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "mmio resolve: NULL backend") ||
	    pdk_log_null(mmio, "sys", NULL, SYS_FIX_ARGS, "mmio resolve: NULL output pointer"))
		return -EINVAL;
	memset(mmio, 0, sizeof(*mmio));
	if (sys->ops->mmio_resolve == NULL)
		return 0;	/* PDK_SYS_MMIO_MAP: the kernel's answer */
	return sys->ops->mmio_resolve(sys->priv, fd, offset, mmio);
}

int
pdk_sys_mmio_release(struct pdk_sys *sys, struct pdk_sys_mmio *mmio)
{
	int rc;

	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "mmio release: NULL backend") ||
	    pdk_log_null(mmio, "sys", NULL, SYS_FIX_ARGS, "mmio release: NULL answer"))
		return -EINVAL;
	if (mmio->kind == PDK_SYS_MMIO_MAP)
		return 0;	/* a mapping is the caller's to unmap */
	if (mmio->kind != PDK_SYS_MMIO_HOOK || sys->ops->mmio_release == NULL)
		return pdk_log_fail("sys", NULL, -EINVAL,
				    "pass what pdk_sys_mmio_resolve() of this backend answered",
				    "mmio release: %s", mmio->kind != PDK_SYS_MMIO_HOOK ?
				    "unknown kind" : "a hook this backend cannot have made");
	rc = sys->ops->mmio_release(sys->priv, mmio);
	if (rc == 0)
		memset(mmio, 0, sizeof(*mmio));
	return rc;
}

int
pdk_sys_poll(struct pdk_sys *sys, int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "poll: NULL backend"))
		return -EINVAL;
	if (sys->ops->poll != NULL)
		return sys->ops->poll(sys->priv, fd, events);
	rc = poll(&pfd, 1, 0);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;	/* interrupted: nothing seen yet */
	if (pfd.revents & POLLNVAL)
		return -EBADF;
	return pfd.revents;
}

/*
 * The two file helpers are built on the ops rather than being ops, so every
 * backend (the sim, a rooted kernel, a test's) serves them unchanged.
 */
ssize_t
pdk_sys_write_file(struct pdk_sys *sys, const char *path, const char *s)
{
	ssize_t n;
	size_t len;
	int fd, rc;

	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "write file: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "write file: NULL path") ||
	    pdk_log_null(s, "sys", NULL, SYS_FIX_ARGS, "write file: NULL string"))
		return -EINVAL;
	len = strlen(s);
	fd = pdk_sys_open(sys, path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return fd;
	n = pdk_sys_write(sys, fd, s, len);
	rc = pdk_sys_close(sys, fd);
	if (n >= 0 && (size_t)n != len)
		n = -EIO;
	if (n >= 0 && rc < 0)
		n = rc;
	return n;
}

ssize_t
pdk_sys_pread_file(struct pdk_sys *sys, const char *path, void *buf, size_t len, uint64_t offset)
{
	ssize_t n;
	int fd;

	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "pread file: NULL backend") ||
	    pdk_log_null(path, "sys", NULL, SYS_FIX_ARGS, "pread file: NULL path") ||
	    pdk_log_null(buf, "sys", NULL, SYS_FIX_ARGS, "pread file: NULL buffer"))
		return -EINVAL;
	fd = pdk_sys_open(sys, path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = pdk_sys_pread(sys, fd, buf, len, offset);
	pdk_sys_close(sys, fd);
	return n;
}

uint64_t
pdk_sys_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
