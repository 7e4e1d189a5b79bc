/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_SYS_BACKEND_H
#define PDK_SYS_BACKEND_H

/**
 * @file
 * What a backend of the syscall boundary implements (as rte_dmadev_pmd.h is
 * to rte_dmadev.h). Used by drivers/sim and by test-only backends; applications
 * use pdk_sys.h. Every op returns a non-negative result or -errno.
 */

#include "pdk_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A backend's operations; @p priv is the backend's instance. */
struct pdk_sys_ops {
	/** pdk_sys_open() */
	int (*open)(void *priv, const char *path, int flags);
	/** pdk_sys_close() */
	int (*close)(void *priv, int fd);
	/** pdk_sys_ioctl() */
	int (*ioctl)(void *priv, int fd, unsigned long request, void *arg);
	/** pdk_sys_read() */
	ssize_t (*read)(void *priv, int fd, void *buf, size_t len);
	/** pdk_sys_write() */
	ssize_t (*write)(void *priv, int fd, const void *buf, size_t len);
	/** pdk_sys_pread() */
	ssize_t (*pread)(void *priv, int fd, void *buf, size_t len, uint64_t offset);
	/** pdk_sys_pwrite() */
	ssize_t (*pwrite)(void *priv, int fd, const void *buf, size_t len, uint64_t offset);
	/** pdk_sys_mmap() */
	int (*mmap)(void *priv, int fd, size_t len, int prot, uint64_t offset, void **addr);
	/** pdk_sys_munmap() */
	int (*munmap)(void *priv, void *addr, size_t len);
	/** pdk_sys_list_dir() */
	int (*list_dir)(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg);
	/** pdk_sys_read_file() */
	ssize_t (*read_file)(void *priv, const char *path, char *buf, size_t len);
	/** pdk_sys_link_name() */
	ssize_t (*link_name)(void *priv, const char *path, char *buf, size_t len);
	/**
	 * pdk_sys_mmio_resolve(), optional: a direct store path into a device
	 * region. NULL answers PDK_SYS_MMIO_MAP, the kernel's answer, which is
	 * why the kernel leaves it NULL. The answer arrives zeroed (MAP).
	 */
	int (*mmio_resolve)(void *priv, int fd, uint64_t offset, struct pdk_sys_mmio *mmio);
	/** pdk_sys_mmio_release() of a hook: required when mmio_resolve makes hooks */
	int (*mmio_release)(void *priv, struct pdk_sys_mmio *mmio);
	/**
	 * pdk_sys_poll(): the events of @p events ready on @p fd now, or
	 * -errno. Optional: NULL is the real poll(2), for a backend whose fds
	 * are the kernel's (the rooted kernel, test backends).
	 */
	int (*poll)(void *priv, int fd, short events);
};

struct pdk_sys_backend;

/** The boundary object; backends embed or allocate one. */
struct pdk_sys {
	const char *name;		/**< "kernel", "sim", ... */
	bool is_sim;			/**< true for any simulated backend */
	const struct pdk_sys_ops *ops;	/**< the backend's operations */
	void *priv;			/**< passed to every op */
	/** the registered backend that made it (pdk_sys_backend_close() destroys
	 * it through this); NULL for the kernel and for test-only backends */
	const struct pdk_sys_backend *backend;
};

/**
 * A backend that pdk_sys_backend_open() can create by name, as a bus
 * driver registers with DPDK's EAL. Its library registers it from a
 * constructor (PDK_SYS_BACKEND_REGISTER()).
 */
struct pdk_sys_backend {
	const char *name;	/**< what PDK_BACKEND and pdk_sys_backend_choose() call it */
	/**
	 * Make an instance. @p pci_addr is the normalised address the user
	 * named, or NULL for the backend's default device; @p out_addr gets
	 * the device's address. The instance's struct pdk_sys must point back
	 * at this backend (its backend field). @return 0 or -errno, logged.
	 */
	int (*create)(const char *pci_addr, struct pdk_sys **sys,
		      char out_addr[PDK_PCI_ADDR_LEN]);
	/** Release an instance: 0, or -errno (logged) with nothing released. */
	int (*destroy)(struct pdk_sys *sys);
};

/**
 * Add a backend to the registry; @p b must outlive the program (a static).
 * @param b the backend.
 * @return 0, -EEXIST (a backend of that name is there), -ENOSPC, or
 *   -EINVAL for NULL members or the built-in name "kernel"; all logged.
 */
int pdk_sys_backend_register(const struct pdk_sys_backend *b);

/** Register backend @p b (a struct pdk_sys_backend) when its library loads. */
#define PDK_SYS_BACKEND_REGISTER(b)						\
	static void __attribute__((constructor, used))				\
	pdk_sys_backend_register_##b(void)					\
	{									\
		pdk_sys_backend_register(&(b));					\
	}

/** The kernel backend's ops, for backends that forward some calls to it. */
extern const struct pdk_sys_ops pdk_sys_kernel_ops;

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_SYS_BACKEND_H */
