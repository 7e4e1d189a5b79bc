/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The sim's fd table and BAR mappings. Every sim fd is a real fd number
 * (an open /dev/null) so it can never collide with a kernel fd the process
 * holds, and a kernel call made on it by mistake fails harmlessly. A file
 * (what the fd points at) can outlive its fd: as in the kernel, a BAR mmap
 * holds the device file, so the device stays bound until the last munmap.
 * A file's kind is its ops (struct sim_file_ops), so nothing here knows one.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_kernel.h"

struct sim_file *
sim_file_new(struct pdk_sim *sim, const struct sim_file_ops *ops, void *priv)
{
	struct sim_file *file = calloc(1, sizeof(*file));

	(void)sim;
	if (file == NULL)
		return NULL;
	file->ops = ops;
	file->refs = 1;
	file->priv = priv;
	return file;
}

void
sim_file_put(struct pdk_sim *sim, struct sim_file *file)
{
	(void)sim;
	if (--file->refs > 0)
		return;
	file->ops->release(file);
	free(file);
}

int
sim_fd_install(struct pdk_sim *sim, struct sim_file *file)
{
	int fd;

	if (sim->nfds == sim->cap_fds) {
		unsigned int n = sim->cap_fds ? sim->cap_fds * 2 : 16;
		struct sim_fd *fds = realloc(sim->fds, n * sizeof(*fds));

		if (fds == NULL)
			return -ENOMEM;
		sim->fds = fds;
		sim->cap_fds = n;
	}
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fd >= SIM_MAX_FD) {
		close(fd);
		return sim_err(-EMFILE, "fd install", "the sim's fds are numbered below 65536");
	}
	atomic_fetch_or(&sim->fd_bits[fd / 64], 1ull << (fd % 64));
	sim->fds[sim->nfds].fd = fd;
	sim->fds[sim->nfds].file = file;
	sim->nfds++;
	sim->st.fds++;
	return fd;
}

struct sim_file *
sim_fd_lookup(struct pdk_sim *sim, int fd)
{
	unsigned int i;

	for (i = 0; i < sim->nfds; i++)
		if (sim->fds[i].fd == fd)
			return sim->fds[i].file;
	return NULL;
}

int
sim_fd_close(struct pdk_sim *sim, int fd)
{
	struct sim_file *file;
	unsigned int i;

	for (i = 0; i < sim->nfds; i++)
		if (sim->fds[i].fd == fd)
			break;
	if (i == sim->nfds)
		return -EBADF;
	file = sim->fds[i].file;
	sim->fds[i] = sim->fds[--sim->nfds];
	sim->st.fds--;
	atomic_fetch_and(&sim->fd_bits[fd / 64], ~(1ull << (fd % 64)));
	close(fd);
	sim_file_put(sim, file);
	return 0;
}

int
sim_mmap_add(struct pdk_sim *sim, void *addr, size_t len, struct sim_file *file)
{
	if (sim->nmmaps == sim->cap_mmaps) {
		unsigned int n = sim->cap_mmaps ? sim->cap_mmaps * 2 : 8;
		struct sim_mmap *m = realloc(sim->mmaps, n * sizeof(*m));

		if (m == NULL)
			return -ENOMEM;
		sim->mmaps = m;
		sim->cap_mmaps = n;
	}
	sim->mmaps[sim->nmmaps].addr = addr;
	sim->mmaps[sim->nmmaps].len = len;
	sim->mmaps[sim->nmmaps].file = file;
	sim->nmmaps++;
	sim->st.mmaps++;
	file->refs++;
	return 0;
}

/* Only whole mappings made by the sim can be unmapped through it. */
int
sim_mmap_remove(struct pdk_sim *sim, void *addr, size_t len)
{
	struct sim_file *file;
	unsigned int i;
	size_t want = (len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);

	for (i = 0; i < sim->nmmaps; i++)
		if (sim->mmaps[i].addr == addr)
			break;
	if (i == sim->nmmaps)
		return sim_err(-EINVAL, "munmap", "not a mapping made by this sim");
	if (want != ((sim->mmaps[i].len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1)))
		return sim_err(-EINVAL, "munmap", "partial unmap of a BAR mapping (not simulated)");
	munmap(addr, sim->mmaps[i].len);
	file = sim->mmaps[i].file;
	sim->mmaps[i] = sim->mmaps[--sim->nmmaps];
	sim->st.mmaps--;
	sim_file_put(sim, file);
	return 0;
}
