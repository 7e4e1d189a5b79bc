/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The kernel backend: the real syscalls, with -errno returns. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_sys_backend.h"

#define RET(expr) ((expr) < 0 ? -errno : (expr))

static int
k_open(void *priv, const char *path, int flags)
{
	(void)priv;
	int fd = open(path, flags | O_CLOEXEC);

	return RET(fd);
}

static int
k_close(void *priv, int fd)
{
	(void)priv;
	return close(fd) < 0 ? -errno : 0;
}

static int
k_ioctl(void *priv, int fd, unsigned long request, void *arg)
{
	(void)priv;
	int rc = ioctl(fd, request, arg);

	return RET(rc);
}

static ssize_t
k_read(void *priv, int fd, void *buf, size_t len)
{
	(void)priv;
	ssize_t n = read(fd, buf, len);

	return RET(n);
}

static ssize_t
k_write(void *priv, int fd, const void *buf, size_t len)
{
	(void)priv;
	ssize_t n = write(fd, buf, len);

	return RET(n);
}

static ssize_t
k_pread(void *priv, int fd, void *buf, size_t len, uint64_t offset)
{
	(void)priv;
	ssize_t n = pread(fd, buf, len, (off_t)offset);

	return RET(n);
}

static ssize_t
k_pwrite(void *priv, int fd, const void *buf, size_t len, uint64_t offset)
{
	(void)priv;
	ssize_t n = pwrite(fd, buf, len, (off_t)offset);

	return RET(n);
}

static int
k_mmap(void *priv, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	(void)priv;
	void *p = mmap(NULL, len, prot, MAP_SHARED, fd, (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

static int
k_munmap(void *priv, void *addr, size_t len)
{
	(void)priv;
	return munmap(addr, len) < 0 ? -errno : 0;
}

static int
k_list_dir(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	(void)priv;
	struct dirent *e;
	DIR *d = opendir(path);
	int rc = 0;

	if (d == NULL)
		return -errno;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		rc = cb(e->d_name, arg);
	}
	closedir(d);
	return rc;
}

static ssize_t
k_read_file(void *priv, const char *path, char *buf, size_t len)
{
	(void)priv;
	ssize_t n;
	int fd;

	if (len == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	buf[n] = '\0';
	return n;
}

static ssize_t
k_link_name(void *priv, const char *path, char *buf, size_t len)
{
	(void)priv;
	char target[4096];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *base;
	size_t blen;

	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	blen = strlen(base);
	if (blen + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf, base, blen + 1);
	return (ssize_t)blen;
}

const struct pdk_sys_ops pdk_sys_kernel_ops = {
	.open = k_open,
	.close = k_close,
	.ioctl = k_ioctl,
	.read = k_read,
	.write = k_write,
	.pread = k_pread,
	.pwrite = k_pwrite,
	.mmap = k_mmap,
	.munmap = k_munmap,
	.list_dir = k_list_dir,
	.read_file = k_read_file,
	.link_name = k_link_name,
};

static struct pdk_sys kernel_sys = {
	.name = "kernel",
	.is_sim = false,
	.ops = &pdk_sys_kernel_ops,
	.priv = NULL,
};

struct pdk_sys *
pdk_sys_kernel(void)
{
	return &kernel_sys;
}
