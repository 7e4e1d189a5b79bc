/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The boundary's dispatch: one indirect call per operation, nothing else. */

#include "pdk_sys_backend.h"

const char *
pdk_sys_name(const struct pdk_sys *sys)
{
	return sys->name;
}

bool
pdk_sys_is_sim(const struct pdk_sys *sys)
{
	return sys->is_sim;
}

int
pdk_sys_open(struct pdk_sys *sys, const char *path, int flags)
{
	return sys->ops->open(sys->priv, path, flags);
}

int
pdk_sys_close(struct pdk_sys *sys, int fd)
{
	return sys->ops->close(sys->priv, fd);
}

int
pdk_sys_ioctl(struct pdk_sys *sys, int fd, unsigned long request, void *arg)
{
	return sys->ops->ioctl(sys->priv, fd, request, arg);
}

ssize_t
pdk_sys_read(struct pdk_sys *sys, int fd, void *buf, size_t len)
{
	return sys->ops->read(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_write(struct pdk_sys *sys, int fd, const void *buf, size_t len)
{
	return sys->ops->write(sys->priv, fd, buf, len);
}

ssize_t
pdk_sys_pread(struct pdk_sys *sys, int fd, void *buf, size_t len, uint64_t offset)
{
	return sys->ops->pread(sys->priv, fd, buf, len, offset);
}

ssize_t
pdk_sys_pwrite(struct pdk_sys *sys, int fd, const void *buf, size_t len, uint64_t offset)
{
	return sys->ops->pwrite(sys->priv, fd, buf, len, offset);
}

int
pdk_sys_mmap(struct pdk_sys *sys, int fd, size_t len, int prot, uint64_t offset, void **addr)
{
	return sys->ops->mmap(sys->priv, fd, len, prot, offset, addr);
}

int
pdk_sys_munmap(struct pdk_sys *sys, void *addr, size_t len)
{
	return sys->ops->munmap(sys->priv, addr, len);
}

int
pdk_sys_list_dir(struct pdk_sys *sys, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	return sys->ops->list_dir(sys->priv, path, cb, arg);
}

ssize_t
pdk_sys_read_file(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	return sys->ops->read_file(sys->priv, path, buf, len);
}

ssize_t
pdk_sys_link_name(struct pdk_sys *sys, const char *path, char *buf, size_t len)
{
	return sys->ops->link_name(sys->priv, path, buf, len);
}
