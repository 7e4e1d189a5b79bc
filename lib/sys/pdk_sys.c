/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The boundary's dispatch: the arguments' NULL checks (a NULL reaching a
 * backend would crash it, or reach the kernel as a bad address), then one
 * indirect call per operation.
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>

#include "pdk_log.h"
#include "pdk_sys_backend.h"
#include "sys_private.h"

int
sys_arg_invalid(const char *what, const char *why, const char *fix)
{
	PDK_LOG(ERR, "sys", "%s: %s: %s (%d); %s", what, why, strerror(EINVAL), -EINVAL, fix);
	return -EINVAL;
}

const char *
pdk_sys_name(const struct pdk_sys *sys)
{
	if (sys == NULL) {
		sys_arg_invalid("backend name", "NULL backend", SYS_FIX_ARGS);
		return "";
	}
	return sys->name;
}

bool
pdk_sys_is_sim(const struct pdk_sys *sys)
{
	if (sys == NULL) {
		sys_arg_invalid("is-sim query", "NULL backend", SYS_FIX_ARGS);
		return false;
	}
	return sys->is_sim;
}

int
pdk_sys_open(struct pdk_sys *sys, const char *path, int flags)
{
	SYS_CHECK(sys, "open", "NULL backend");
	SYS_CHECK(path, "open", "NULL path");
	return sys->ops->open(sys->priv, path, flags);
}

int
pdk_sys_close(struct pdk_sys *sys, int fd)
{
	SYS_CHECK(sys, "close", "NULL backend");
	return sys->ops->close(sys->priv, fd);
}

int
pdk_sys_ioctl(struct pdk_sys *sys, int fd, unsigned long request, void *arg)
{
	SYS_CHECK(sys, "ioctl", "NULL backend");
	return sys->ops->ioctl(sys->priv, fd, request, arg);
}

ssize_t
pdk_sys_read(struct pdk_sys *sys, int fd, void *buf, size_t len)
{
	SYS_CHECK(sys, "read", "NULL backend");
	SYS_CHECK(buf, "read", "NULL buffer");
	return sys->ops->read(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_write(struct pdk_sys *sys, int fd, const void *buf, size_t len)
{
	SYS_CHECK(sys, "write", "NULL backend");
	SYS_CHECK(buf, "write", "NULL buffer");
	return sys->ops->write(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_pread(struct pdk_sys *sys, int fd, void *buf, size_t len, uint64_t offset)
{
	SYS_CHECK(sys, "pread", "NULL backend");
	SYS_CHECK(buf, "pread", "NULL buffer");
	return sys->ops->pread(sys->priv, fd, buf, len, offset);
}

ssize_t
pdk_sys_pwrite(struct pdk_sys *sys, int fd, const void *buf, size_t len, uint64_t offset)
{
	SYS_CHECK(sys, "pwrite", "NULL backend");
	SYS_CHECK(buf, "pwrite", "NULL buffer");
	return sys->ops->pwrite(sys->priv, fd, buf, len, offset);
}

int
pdk_sys_mmap(struct pdk_sys *sys, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	SYS_CHECK(sys, "mmap", "NULL backend");
	SYS_CHECK(addr, "mmap", "NULL output pointer");
	return sys->ops->mmap(sys->priv, fd, len, prot, offset, addr);
}

int
pdk_sys_munmap(struct pdk_sys *sys, void *addr, size_t len)
{
	SYS_CHECK(sys, "munmap", "NULL backend");
	SYS_CHECK(addr, "munmap", "NULL address");
	return sys->ops->munmap(sys->priv, addr, len);
}

int
pdk_sys_list_dir(struct pdk_sys *sys, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	SYS_CHECK(sys, "list dir", "NULL backend");
	SYS_CHECK(path, "list dir", "NULL path");
	SYS_CHECK(cb, "list dir", "NULL callback");
	return sys->ops->list_dir(sys->priv, path, cb, arg);
}

ssize_t
pdk_sys_read_file(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	SYS_CHECK(sys, "read file", "NULL backend");
	SYS_CHECK(path, "read file", "NULL path");
	SYS_CHECK(buf, "read file", "NULL buffer");
	return sys->ops->read_file(sys->priv, path, buf, len);
}

ssize_t
pdk_sys_link_name(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	SYS_CHECK(sys, "link name", "NULL backend");
	SYS_CHECK(path, "link name", "NULL path");
	SYS_CHECK(buf, "link name", "NULL buffer");
	return sys->ops->link_name(sys->priv, path, buf, len);
}

int
pdk_sys_mmio_resolve(struct pdk_sys *sys, int fd, uint64_t offset, struct pdk_sys_mmio *mmio)
{
	SYS_CHECK(sys, "mmio resolve", "NULL backend");
	SYS_CHECK(mmio, "mmio resolve", "NULL output pointer");
	memset(mmio, 0, sizeof(*mmio));
	if (sys->ops->mmio_resolve == NULL)
		return 0;	/* PDK_SYS_MMIO_MAP: the kernel's answer */
	return sys->ops->mmio_resolve(sys->priv, fd, offset, mmio);
}

int
pdk_sys_mmio_release(struct pdk_sys *sys, struct pdk_sys_mmio *mmio)
{
	int rc;

	SYS_CHECK(sys, "mmio release", "NULL backend");
	SYS_CHECK(mmio, "mmio release", "NULL answer");
	if (mmio->kind == PDK_SYS_MMIO_MAP)
		return 0;	/* a mapping is the caller's to unmap */
	if (mmio->kind != PDK_SYS_MMIO_HOOK || sys->ops->mmio_release == NULL)
		return sys_arg_invalid("mmio release", mmio->kind != PDK_SYS_MMIO_HOOK ?
				       "unknown kind" : "a hook this backend cannot have made",
				       "pass what pdk_sys_mmio_resolve() of this backend answered");
	rc = sys->ops->mmio_release(sys->priv, mmio);
	if (rc == 0)
		memset(mmio, 0, sizeof(*mmio));
	return rc;
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

	SYS_CHECK(sys, "write file", "NULL backend");
	SYS_CHECK(path, "write file", "NULL path");
	SYS_CHECK(s, "write file", "NULL string");
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

	SYS_CHECK(sys, "pread file", "NULL backend");
	SYS_CHECK(path, "pread file", "NULL path");
	SYS_CHECK(buf, "pread file", "NULL buffer");
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
