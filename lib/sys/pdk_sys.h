/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_SYS_H
#define PDK_SYS_H

/**
 * @file
 * The syscall boundary. Every open, close, ioctl, read, write, mmap and
 * sysfs access that reaches iommufd or a VFIO device goes through a
 * struct pdk_sys. Two backends sit behind it, chosen at run time:
 *
 * - "kernel": the real syscalls (pdk_sys_kernel());
 * - "sim": PDK's simulated kernel (libpdk_sim: drivers/sim, pdk_sim_sys()),
 *   a backend registered from its own library (pdk_sys_backend.h).
 *
 * pdk_sys_backend_open() picks one from a device name.
 *
 * All functions return a non-negative value on success and a negative errno
 * on failure, as the kernel does internally; they never touch errno's
 * meaning for the caller. A NULL backend, path, buffer, callback or output
 * pointer is refused with -EINVAL and an ERR log line before any backend
 * sees the call (pdk_sys_name() then gives "", pdk_sys_is_sim() false); an
 * ioctl's argument is the backend's to judge, as the kernel's is (NULL for
 * an ioctl that takes none). A library object (an iommufd context, a VFIO
 * device) remembers the struct pdk_sys it was opened through, so both
 * backends can live in one process.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A backend instance (opaque). */
struct pdk_sys;

/**
 * @return CLOCK_MONOTONIC in nanoseconds, for timeouts and rates. It is no
 * kernel object, so it does not go through a backend: sim and kernel share it.
 * (Out of line: clock_gettime() is POSIX, and a public header must compile
 * under plain -std=c11 without asking the program for a feature macro.)
 */
uint64_t pdk_sys_monotonic_ns(void);

/** Room for a PCI address string, "DDDD:BB:DD.F" (or a 6-digit VMD domain) plus NUL. */
#define PDK_PCI_ADDR_LEN 16

/** The name of the built-in backend: the real iommufd and VFIO cdev. */
#define PDK_SYS_BACKEND_KERNEL "kernel"
/** The name of PDK's simulated kernel (libpdk_sim registers it when loaded). */
#define PDK_SYS_BACKEND_SIM "sim"

/**
 * Which backend a device name asks for: the one place where that choice is
 * made. NULL, "" or "sim" means the simulated kernel; anything else is a PCI
 * address (read by pdk_sys_pci_addr_parse()) on the kernel backend. The
 * environment variable PDK_BACKEND, "sim" or "kernel", overrides it: with
 * "sim" an address names a simulated function; with "kernel" a NULL name is
 * an error.
 * @param device a PCI address, "sim", or NULL.
 * @param[out] backend PDK_SYS_BACKEND_KERNEL or PDK_SYS_BACKEND_SIM.
 * @param[out] pci_addr the normalised address, "" when none was given.
 * @return 0, or -EINVAL (logged): a NULL output, a malformed address, a bad
 *   PDK_BACKEND, PDK_BACKEND=kernel without an address.
 */
int pdk_sys_backend_choose(const char *device, const char **backend,
			   char pci_addr[PDK_PCI_ADDR_LEN]);

/**
 * Open the backend a device name asks for (pdk_sys_backend_choose()). The
 * kernel backend is built in; the sim exists only in a program linked with
 * libpdk_sim, which registers it: it gets a new simulated kernel with its
 * default function (or, with PDK_BACKEND=sim and an address, one simulated
 * function there). Release it with pdk_sys_backend_close().
 * @param device a PCI address, "sim", or NULL.
 * @param[out] sys the backend.
 * @param[out] pci_addr the device's address, normalised.
 * @return 0; what pdk_sys_backend_choose() returns; -ENOENT (logged) when
 *   the chosen backend is not linked into the program; or the backend's
 *   creation error (logged by it).
 */
int pdk_sys_backend_open(const char *device, struct pdk_sys **sys,
			 char pci_addr[PDK_PCI_ADDR_LEN]);

/**
 * Release a backend from pdk_sys_backend_open() (or any instance of a
 * registered backend, such as a sim from pdk_sim_create()). The kernel
 * backend needs no release: 0.
 * @param sys the backend.
 * @return 0, the backend's refusal (a sim with open fds or mappings:
 *   -EBUSY, logged, nothing released), or -EINVAL (logged) for NULL.
 */
int pdk_sys_backend_close(struct pdk_sys *sys);

/**
 * Which of @p events (POLLIN, POLLOUT, ...) @p fd has ready now, without
 * waiting: poll(2) with a timeout of 0 on the kernel, the same answer from
 * the sim's files. PDK never blocks a caller that only asks what is there
 * (a kernel fault queue fd is opened blocking: a read of an empty one would
 * wait).
 * @param sys the backend.
 * @param fd an fd of that backend.
 * @param events the events asked about.
 * @return the ready events (0: none; POLLERR/POLLHUP may be added), -EBADF
 *   for an fd the backend does not know, or -EINVAL (logged) for NULL.
 */
int pdk_sys_poll(struct pdk_sys *sys, int fd, short events);

/**
 * PDK's one PCI address parser (lib/vfio, lib/bus, drivers/sim and the tools
 * all use it): normalise "BB:DD.F" or "DDDD:BB:DD.F" (hex; a domain of up
 * to 6 digits, as Intel VMD's 10000 and up) to "DDDD:BB:DD.F".
 * @param in the address to read
 * @param[out] out the normalised address (PDK_PCI_ADDR_LEN bytes).
 * @return 0, or -EINVAL with an ERR line naming the input and what is wrong
 *   (NULL, malformed, bus beyond ff, device beyond 1f, function beyond 7,
 *   domain beyond ffffff).
 */
int pdk_sys_pci_addr_parse(const char *in, char out[PDK_PCI_ADDR_LEN]);

/** @return the kernel backend (a process-wide singleton, never freed). */
struct pdk_sys *pdk_sys_kernel(void);

/**
 * A kernel backend that reads and writes a directory tree in place of /sys,
 * for tools and tests that work on a copy or a hand-made model of another
 * machine's sysfs (pdk-devbind --sysfs DIR). Every path equal to "/sys" or
 * starting with "/sys/" is looked up under @p sysfs_root instead ("/sys/bus"
 * is "<sysfs_root>/bus"); every other path (/dev/iommu, the VFIO cdevs) and
 * every fd operation is the kernel backend's. Writes (driver_override,
 * drivers_probe...) go to the tree's files, which is what tests check; as
 * on sysfs, pdk_sys_write_file() truncates the file first.
 *
 * Symbolic links in the tree must be relative to stay inside it, as sysfs's
 * own are.
 *
 * @param sysfs_root the directory that stands for /sys; a trailing '/' is
 *   ignored. It need not exist yet.
 * @return the backend (name "kernel-rooted", not a simulation), or NULL with
 *   errno set: EINVAL for a NULL, empty or relative root (logged), ENAMETOOLONG,
 *   ENOMEM. Free it with pdk_sys_kernel_rooted_destroy().
 */
struct pdk_sys *pdk_sys_kernel_rooted(const char *sysfs_root);

/**
 * Free a backend made by pdk_sys_kernel_rooted(). Fds opened through it are
 * ordinary kernel fds and stay open. NULL is a no-op; any other backend is
 * refused (nothing is freed).
 * @param sys  the backend
 * @return 0, or -EINVAL (logged) if @p sys is not a rooted backend.
 */
int pdk_sys_kernel_rooted_destroy(struct pdk_sys *sys);

/**
 * @param sys  a backend
 * @return the backend's name: "kernel", "kernel-rooted" or "sim".
 */
const char *pdk_sys_name(const struct pdk_sys *sys);

/**
 * @param sys  a backend
 * @return true when @p sys is a simulation (its results are not hardware's):
 *   the sim, or any backend of a process that runs on a simulated machine
 *   (pdk_sys_machine_simulated()).
 */
bool pdk_sys_is_sim(const struct pdk_sys *sys);

/**
 * Whether this process runs on a SIMULATED machine although its calls are
 * real syscalls: pdk-sim-run starts a program with PDK_SIMULATED_MACHINE set
 * (doc/sim-run.md), and the "kernel" it reaches is then PDK's simulated
 * kernel, its devices PDK's models. Read once, at the first call.
 * @return true when PDK_SIMULATED_MACHINE is set and not empty.
 */
bool pdk_sys_machine_simulated(void);

/**
 * open(2).
 * @param sys  the backend
 * @param path  the file
 * @param flags  open(2)'s flags
 * @return an fd or -errno.
 */
int pdk_sys_open(struct pdk_sys *sys, const char *path, int flags);

/**
 * close(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @return 0 or -errno.
 */
int pdk_sys_close(struct pdk_sys *sys, int fd);

/**
 * ioctl(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @param request  the ioctl number
 * @param arg  its argument structure
 * @return the ioctl's non-negative result or -errno.
 */
int pdk_sys_ioctl(struct pdk_sys *sys, int fd, unsigned long request, void *arg);

/**
 * read(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @param[out] buf  the bytes read
 * @param len  the size of @p buf
 * @return bytes read or -errno.
 */
ssize_t pdk_sys_read(struct pdk_sys *sys, int fd, void *buf, size_t len);

/**
 * write(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @param buf  the bytes to write
 * @param len  their count
 * @return bytes written or -errno.
 */
ssize_t pdk_sys_write(struct pdk_sys *sys, int fd, const void *buf, size_t len);

/**
 * pread(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @param[out] buf  the bytes read
 * @param len  the size of @p buf
 * @param offset  where in the file to read
 * @return bytes read or -errno.
 */
ssize_t pdk_sys_pread(struct pdk_sys *sys, int fd, void *buf, size_t len, uint64_t offset);

/**
 * pwrite(2).
 * @param sys  the backend the fd was opened through
 * @param fd  the fd
 * @param buf  the bytes to write
 * @param len  their count
 * @param offset  where in the file to write
 * @return bytes written or -errno.
 */
ssize_t pdk_sys_pwrite(struct pdk_sys *sys, int fd, const void *buf, size_t len,
		       uint64_t offset);

/**
 * mmap(2) of a device region, always MAP_SHARED at a kernel-chosen address.
 * @param sys  the backend the fd was opened through
 * @param fd  the fd (a VFIO device)
 * @param len  the mapping's length
 * @param prot  mmap(2)'s PROT_ flags
 * @param offset  the region's offset in @p fd
 * @param[out] addr the mapping on success.
 * @return 0 or -errno.
 */
int pdk_sys_mmap(struct pdk_sys *sys, int fd, size_t len, int prot, uint64_t offset,
		 void **addr);

/**
 * munmap(2) of a mapping made by pdk_sys_mmap().
 * @param sys  the backend that made the mapping
 * @param addr  the mapping
 * @param len  its length
 * @return 0 or -errno.
 */
int pdk_sys_munmap(struct pdk_sys *sys, void *addr, size_t len);

/**
 * Called once per directory entry by pdk_sys_list_dir() ("." and ".."
 * excluded). Return non-zero to stop the walk; that value is then returned.
 */
typedef int (*pdk_sys_dir_cb_t)(const char *name, void *arg);

/**
 * List a (sysfs or /dev) directory.
 * @param sys  the backend
 * @param path  the directory
 * @param cb  called for each entry
 * @param arg  passed to @p cb
 * @return 0 when every entry was visited, the callback's non-zero value if it
 *   stopped the walk, or -errno if the directory cannot be read.
 */
int pdk_sys_list_dir(struct pdk_sys *sys, const char *path, pdk_sys_dir_cb_t cb, void *arg);

/**
 * Read a small text file (sysfs attribute) into @p buf, NUL-terminated, with
 * a trailing newline removed.
 * @param sys  the backend
 * @param path  the file
 * @param[out] buf  its text
 * @param len  the size of @p buf
 * @return the length of the string or -errno.
 */
ssize_t pdk_sys_read_file(struct pdk_sys *sys, const char *path, char *buf, size_t len);

/**
 * Write a small text file (a sysfs attribute such as driver_override or
 * drivers_probe) as `echo -n` does: open it write-only with O_TRUNC, write
 * @p s in one write(2) (sysfs takes one write as one store), close it.
 * Built on pdk_sys_open()/pdk_sys_write(), so it works on every backend
 * that serves the path.
 * @param sys  the backend
 * @param path  the file
 * @param s  the text to store
 * @return the number of bytes written, -EIO on a short write, or -errno.
 */
ssize_t pdk_sys_write_file(struct pdk_sys *sys, const char *path, const char *s);

/**
 * Read up to @p len bytes of a binary file (a sysfs "config") at @p offset:
 * open read-only, pread(2), close. A sysfs config file gives an unprivileged
 * reader only its first 64 bytes, so the count tells how much was readable.
 * @param sys  the backend
 * @param path  the file
 * @param[out] buf  the bytes read
 * @param len  the size of @p buf
 * @param offset  where in the file to read
 * @return the number of bytes read (may be less than @p len) or -errno.
 */
ssize_t pdk_sys_pread_file(struct pdk_sys *sys, const char *path, void *buf, size_t len,
			   uint64_t offset);

/**
 * Resolve a symbolic link (e.g. a sysfs "driver" or "iommu_group" link) and
 * store its last path component, NUL-terminated, in @p buf.
 * @param sys  the backend
 * @param path  the link
 * @param[out] buf  the link target's last component
 * @param len  the size of @p buf
 * @return the length of the name or -errno.
 */
ssize_t pdk_sys_link_name(struct pdk_sys *sys, const char *path, char *buf, size_t len);

/**
 * @name Direct stores to a device region
 * How a driver's 64-byte stores (a DSA work queue's descriptors, written
 * with MOVDIR64B) reach a window of a device region: asked once, when the
 * driver sets up its queue, so that no store goes through the boundary.
 *
 * The kernel's answer is always "map it": mmap the region and store into
 * the mapping; the CPU's store reaches the device with no syscall at all.
 * A backend whose devices are models inside the process (the sim) cannot
 * see a store into memory, and a pwrite per store would put a whole
 * syscall path (argument checks, lock, accounting, failure injection) on
 * every descriptor. It answers with a hook instead: a function of its own
 * that hands the 64 bytes straight to the model, which checks them as it
 * checks a pwrite there.
 *
 * A hook holds what it stores to (the sim: the device file, as a mapping
 * of it does, so it stays usable after the fd is closed) until
 * pdk_sys_mmio_release(); a store through it after that is a
 * use-after-free, as a store through a mapping after munmap faults.
 * @{
 */

/**
 * A backend's store: the 64 bytes at @p src to the window the hook was
 * resolved for, ordered after the caller's earlier memory writes (as
 * MOVDIR64B after an sfence). Not a boundary call: nothing is counted or
 * injected. @return 0, or -errno when the device did not take the bytes
 * (the sim: -EIO while memory decoding is off, as a pwrite gets).
 * @param cookie  the hook's own (struct pdk_sys_mmio.cookie)
 * @param src  the 64 bytes
 */
typedef int (*pdk_sys_store64_t)(void *cookie, const void *src);

/** What pdk_sys_mmio_resolve() answers. */
enum pdk_sys_mmio_kind {
	PDK_SYS_MMIO_MAP = 0,	/**< mmap the region and store into the mapping (the kernel) */
	PDK_SYS_MMIO_HOOK,	/**< call store64(cookie, src) for each 64-byte store */
};

/** The store path of a window; all zero (MAP) unless a hook. */
struct pdk_sys_mmio {
	enum pdk_sys_mmio_kind kind;	/**< map it, or call the hook */
	pdk_sys_store64_t store64;	/**< HOOK: the store */
	void *cookie;			/**< HOOK: its first argument, the backend's */
};

/**
 * How 64-byte stores reach the 64 bytes at file offset @p offset of the
 * device fd @p fd (a region's offset plus the position inside it, as
 * pdk_sys_pwrite() takes). A backend without a direct path answers
 * PDK_SYS_MMIO_MAP without looking at the fd (the mmap then judges it).
 * @param sys  the backend
 * @param fd  a device fd opened through it
 * @param offset  the window's file offset
 * @param[out] mmio  the answer; a hook must be given back with
 *   pdk_sys_mmio_release()
 * @return 0, or -errno: the backend's refusal (the sim: -EBADF for an fd
 *   it did not open, -ENODEV for a file that is no device, -EINVAL for a
 *   device fd not bound yet or a window outside an implemented BAR), or
 *   -EINVAL (logged) for a NULL argument.
 */
int pdk_sys_mmio_resolve(struct pdk_sys *sys, int fd, uint64_t offset,
			 struct pdk_sys_mmio *mmio);

/**
 * Give back what pdk_sys_mmio_resolve() answered: a hook is released (the
 * sim drops its hold on the device file) and @p mmio is zeroed; a MAP
 * answer holds nothing (0). Releasing a zeroed answer again is a no-op.
 * @param sys  the backend that answered
 * @param mmio  its answer
 * @return 0, the backend's refusal (the sim: -EINVAL for a hook it did not
 *   make), or -EINVAL (logged) for a NULL argument or an unknown kind.
 */
int pdk_sys_mmio_release(struct pdk_sys *sys, struct pdk_sys_mmio *mmio);

/** @} */

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_SYS_H */
