/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * libpdk_sim_run.so: what pdk-sim-run preloads into an unmodified program.
 * It builds the SIMULATED machine of the run's configuration (the same file
 * the runner read) and stands in front of libc for the calls a VFIO program
 * makes: a call on a path or fd of the sim goes to the sim's syscall
 * boundary (pdk_sim_sys()), every other call goes to libc untouched. sysfs
 * needs nothing here: the runner mounted the sim's sysfs into the program's
 * mount namespace, where every reader finds it (run_sysfs.c).
 *
 * stat() and access() of a device node (every glibc entry for them) are
 * answered from the sim as a char device (pdk_sim_dev_node()): the nodes
 * are not in the machine's /dev.
 *
 * A BAR mmap gets no memory: it gets a region that traps every access
 * (drivers/sim/run/sim_trap.h), and each load or store becomes one access
 * of the device model (pdk_sim_bar_read/_write), as a TLP would.
 *
 * Re-entry: the sim itself calls libc (its fds are open /dev/null, its BARs
 * memfd mappings). While a thread is inside the sim, every call it makes
 * goes straight to libc (run_nested), so the interposer never routes the
 * sim's own calls back into the sim.
 *
 * What is not supported (doc/sim-run.md): sim fds across fork() (the child
 * has a copy of the sim without its engine threads) and exec() (a sim fd is
 * close-on-exec; the new program gets a new machine), dup() of a sim fd
 * (refused: EINVAL), relative paths and openat() with a directory fd for
 * the sim's device nodes, poll/epoll on a sim fd.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "pdk_log.h"
#include "pdk_sim.h"
#include "run_config.h"
#include "sim_trap.h"

#define RUN_EXPORT __attribute__((visibility("default")))

static struct pdk_sim *run_sim;
static struct pdk_sys *run_sys;
static __thread unsigned int run_nested;

/* ---- the functions behind ours ---- */

struct run_real {
	int (*open)(const char *, int, ...);
	int (*openat)(int, const char *, int, ...);
	int (*close)(int);
	int (*ioctl)(int, unsigned long, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*write)(int, const void *, size_t);
	ssize_t (*pread)(int, void *, size_t, off_t);
	ssize_t (*pwrite)(int, const void *, size_t, off_t);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	int (*munmap)(void *, size_t);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	int (*stat)(const char *, struct stat *);
	int (*lstat)(const char *, struct stat *);
	int (*fstatat)(int, const char *, void *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
	int (*access)(const char *, int);
	int (*faccessat)(int, const char *, int, int);
	int (*euidaccess)(const char *, int);
};

static void *
run_next(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (p == NULL) {
		static const char msg[] = "pdk-sim-run: libc has no symbol the interposer needs\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

/* Found on first use: a constructor that runs before ours may already call open(). */
static const struct run_real *
run_real(void)
{
	static struct run_real real;
	static _Atomic bool found;

	if (!found) {
		/* Two threads may both look: each finds the same pointers. */
		real.open = run_next("open");
		real.openat = run_next("openat");
		real.close = run_next("close");
		real.ioctl = run_next("ioctl");
		real.read = run_next("read");
		real.write = run_next("write");
		real.pread = run_next("pread");
		real.pwrite = run_next("pwrite");
		real.mmap = run_next("mmap");
		real.munmap = run_next("munmap");
		real.dup = run_next("dup");
		real.dup2 = run_next("dup2");
		real.dup3 = run_next("dup3");
		real.fcntl = run_next("fcntl");
		real.sigaction = run_next("sigaction");
		real.stat = run_next("stat");
		real.lstat = run_next("lstat");
		real.fstatat = run_next("fstatat");
		real.statx = run_next("statx");
		real.access = run_next("access");
		real.faccessat = run_next("faccessat");
		real.euidaccess = run_next("euidaccess");
		found = true;
	}
	return &real;
}

#define REAL(fn) (run_real()->fn)

/* ---- routing ---- */

static bool
run_fd_is_sim(int fd)
{
	bool sim;

	if (run_sim == NULL || run_nested > 0 || fd < 0)
		return false;
	run_nested++;
	sim = pdk_sim_owns_fd(run_sim, fd);
	run_nested--;
	return sim;
}

static bool
run_digits(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The device nodes of the sim's machine: /dev/iommu and the VFIO ones. */
static bool
run_path_is_sim(const char *path)
{
	if (run_sim == NULL || run_nested > 0 || path == NULL)
		return false;
	if (strcmp(path, "/dev/iommu") == 0 || strcmp(path, "/dev/vfio/vfio") == 0)
		return true;
	if (strncmp(path, "/dev/vfio/devices/vfio", 22) == 0)
		return run_digits(path + 22);
	if (strncmp(path, "/dev/vfio/", 10) == 0)
		return run_digits(path + 10);
	return false;
}

/* A sim call's result as libc gives it: -1 and errno for -errno. */
static long
run_ret(long rc)
{
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

#define RUN_SIM(expr)						\
	({							\
		long __rc;					\
		run_nested++;					\
		__rc = (long)(expr);				\
		run_nested--;					\
		run_ret(__rc);					\
	})

/* ---- opens ---- */

static int
run_open(const char *path, int flags, mode_t mode, int dirfd, bool at)
{
	if (run_path_is_sim(path))
		return (int)RUN_SIM(pdk_sys_open(run_sys, path, flags));
	if (at)
		return REAL(openat)(dirfd, path, flags, mode);
	return REAL(open)(path, flags, mode);
}

static mode_t
run_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

/*
 * open, open64, openat, openat64: one body each, the mode read only when
 * the flags say one was passed (O_CREAT, O_TMPFILE), as open(2) reads it.
 */
#define RUN_OPEN_ENTRY(name)						\
	RUN_EXPORT int							\
	name(const char *path, int flags, ...)				\
	{								\
		va_list ap;						\
		mode_t mode;						\
									\
		va_start(ap, flags);					\
		mode = run_mode(flags, ap);				\
		va_end(ap);						\
		return run_open(path, flags, mode, AT_FDCWD, false);	\
	}

#define RUN_OPENAT_ENTRY(name)						\
	RUN_EXPORT int							\
	name(int dirfd, const char *path, int flags, ...)		\
	{								\
		va_list ap;						\
		mode_t mode;						\
									\
		va_start(ap, flags);					\
		mode = run_mode(flags, ap);				\
		va_end(ap);						\
		return run_open(path, flags, mode, dirfd, true);	\
	}

RUN_OPEN_ENTRY(open)
RUN_OPEN_ENTRY(open64)
RUN_OPENAT_ENTRY(openat)
RUN_OPENAT_ENTRY(openat64)

/* The _FORTIFY_SOURCE entries (bits/fcntl2.h) of programs built with it: no mode. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);

RUN_EXPORT int
__open_2(const char *path, int flags)
{
	return run_open(path, flags, 0, AT_FDCWD, false);
}

RUN_EXPORT int
__open64_2(const char *path, int flags)
{
	return run_open(path, flags, 0, AT_FDCWD, false);
}

RUN_EXPORT int
__openat_2(int dirfd, const char *path, int flags)
{
	return run_open(path, flags, 0, dirfd, true);
}

RUN_EXPORT int
__openat64_2(int dirfd, const char *path, int flags)
{
	return run_open(path, flags, 0, dirfd, true);
}

/* ---- stat() and access() of the device nodes ---- */

/*
 * The sim's nodes are not in the machine's /dev: stat() and access() of one
 * are answered from the sim (pdk_sim_dev_node()), a char device with the
 * number the sim's sysfs gives (the vfio-dev dev file), owned by the caller
 * and open to it as the program would need on the kernel (/dev/vfio/vfio
 * 0666, the others 0600). A node the sim has not (a group it does not
 * offer) is ENOENT, as the kernel's /dev would say. fstat() of a sim fd is
 * not routed: it shows the /dev/null the fd is.
 */

/* @return 1 (not the sim's path: ask libc), 0 (*maj, *min set) or -1 (errno set). */
static int
run_node(const char *path, unsigned int *maj, unsigned int *min)
{
	if (!run_path_is_sim(path))
		return 1;
	return (int)RUN_SIM(pdk_sim_dev_node(run_sim, path, maj, min));
}

static void
run_node_stat(const char *path, unsigned int maj, unsigned int min, struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	memset(st, 0, sizeof(*st));
	st->st_mode = S_IFCHR | (strcmp(path, "/dev/vfio/vfio") == 0 ? 0666 : 0600);
	st->st_rdev = makedev(maj, min);
	st->st_ino = (ino_t)maj << 32 | min;	/* made up, one per node */
	st->st_nlink = 1;
	st->st_uid = geteuid();
	st->st_gid = getegid();
	st->st_blksize = 4096;
	st->st_atim = now;
	st->st_mtim = now;
	st->st_ctim = now;
}

/* x86_64: struct stat64 is struct stat under another name */
_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "struct stat64 differs");

static int
run_stat_at(int dirfd, const char *path, void *st, int flags, bool at)
{
	unsigned int maj, min;
	int rc = run_node(path, &maj, &min);

	if (rc == 0)
		run_node_stat(path, maj, min, st);
	if (rc <= 0)
		return rc;
	if (at)
		return REAL(fstatat)(dirfd, path, st, flags);
	return (flags & AT_SYMLINK_NOFOLLOW) ? REAL(lstat)(path, st) : REAL(stat)(path, st);
}

RUN_EXPORT int
stat(const char *path, struct stat *st)
{
	return run_stat_at(AT_FDCWD, path, st, 0, false);
}

RUN_EXPORT int
stat64(const char *path, struct stat64 *st)
{
	return run_stat_at(AT_FDCWD, path, st, 0, false);
}

RUN_EXPORT int
lstat(const char *path, struct stat *st)
{
	return run_stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW, false);
}

RUN_EXPORT int
lstat64(const char *path, struct stat64 *st)
{
	return run_stat_at(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW, false);
}

RUN_EXPORT int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	return run_stat_at(dirfd, path, st, flags, true);
}

RUN_EXPORT int
fstatat64(int dirfd, const char *path, struct stat64 *st, int flags)
{
	return run_stat_at(dirfd, path, st, flags, true);
}

/* The entries programs built against glibc before 2.33 call (ver: _STAT_VER, 1 on x86_64). */
int __xstat(int ver, const char *path, struct stat *st);
int __xstat64(int ver, const char *path, struct stat64 *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __lxstat64(int ver, const char *path, struct stat64 *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags);

static int
run_xstat(int ver, int dirfd, const char *path, void *st, int flags)
{
	int (*real_fxstatat)(int, int, const char *, void *, int);
	unsigned int maj, min;
	int rc = run_node(path, &maj, &min);

	if (rc == 0)
		run_node_stat(path, maj, min, st);
	if (rc <= 0)
		return rc;
	/* looked up here: a libc without these (only the program calls them) is no failure */
	real_fxstatat = (int (*)(int, int, const char *, void *, int))dlsym(RTLD_NEXT, "__fxstatat");
	if (real_fxstatat == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return real_fxstatat(ver, dirfd, path, st, flags);
}

RUN_EXPORT int
__xstat(int ver, const char *path, struct stat *st)
{
	return run_xstat(ver, AT_FDCWD, path, st, 0);
}

RUN_EXPORT int
__xstat64(int ver, const char *path, struct stat64 *st)
{
	return run_xstat(ver, AT_FDCWD, path, st, 0);
}

RUN_EXPORT int
__lxstat(int ver, const char *path, struct stat *st)
{
	return run_xstat(ver, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

RUN_EXPORT int
__lxstat64(int ver, const char *path, struct stat64 *st)
{
	return run_xstat(ver, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

RUN_EXPORT int
__fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags)
{
	return run_xstat(ver, dirfd, path, st, flags);
}

RUN_EXPORT int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *st, int flags)
{
	return run_xstat(ver, dirfd, path, st, flags);
}

RUN_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *stx)
{
	unsigned int maj, min;
	struct stat st;
	int rc = run_node(path, &maj, &min);

	if (rc > 0)
		return REAL(statx)(dirfd, path, flags, mask, stx);
	if (rc < 0)
		return rc;
	run_node_stat(path, maj, min, &st);
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_mode = (uint16_t)st.st_mode;
	stx->stx_nlink = (uint32_t)st.st_nlink;
	stx->stx_uid = st.st_uid;
	stx->stx_gid = st.st_gid;
	stx->stx_ino = st.st_ino;
	stx->stx_blksize = (uint32_t)st.st_blksize;
	stx->stx_rdev_major = maj;
	stx->stx_rdev_minor = min;
	stx->stx_atime.tv_sec = st.st_atim.tv_sec;
	stx->stx_atime.tv_nsec = (uint32_t)st.st_atim.tv_nsec;
	stx->stx_mtime = stx->stx_atime;
	stx->stx_ctime = stx->stx_atime;
	return 0;
}

/* The caller owns the node, rw: F_OK, R_OK and W_OK pass, X_OK is EACCES. */
static int
run_access(int dirfd, const char *path, int mode, int flags, int kind)
{
	unsigned int maj, min;
	int rc = run_node(path, &maj, &min);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		if (mode & X_OK) {
			errno = EACCES;
			return -1;
		}
		return 0;
	}
	if (kind == 0)
		return REAL(access)(path, mode);
	if (kind == 1)
		return REAL(faccessat)(dirfd, path, mode, flags);
	return REAL(euidaccess)(path, mode);
}

RUN_EXPORT int
access(const char *path, int mode)
{
	return run_access(AT_FDCWD, path, mode, 0, 0);
}

RUN_EXPORT int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	return run_access(dirfd, path, mode, flags, 1);
}

RUN_EXPORT int
euidaccess(const char *path, int mode)
{
	return run_access(AT_FDCWD, path, mode, 0, 2);
}

RUN_EXPORT int
eaccess(const char *path, int mode)
{
	return run_access(AT_FDCWD, path, mode, 0, 2);
}

/* ---- calls on an fd ---- */

RUN_EXPORT int
close(int fd)
{
	if (run_fd_is_sim(fd))
		return (int)RUN_SIM(pdk_sys_close(run_sys, fd));
	return REAL(close)(fd);
}

RUN_EXPORT int
ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (run_fd_is_sim(fd))
		return (int)RUN_SIM(pdk_sys_ioctl(run_sys, fd, request, arg));
	return REAL(ioctl)(fd, request, arg);
}

RUN_EXPORT ssize_t
read(int fd, void *buf, size_t len)
{
	if (run_fd_is_sim(fd))
		return RUN_SIM(pdk_sys_read(run_sys, fd, buf, len));
	return REAL(read)(fd, buf, len);
}

RUN_EXPORT ssize_t
write(int fd, const void *buf, size_t len)
{
	if (run_fd_is_sim(fd))
		return RUN_SIM(pdk_sys_write(run_sys, fd, buf, len));
	return REAL(write)(fd, buf, len);
}

static ssize_t
run_pread(int fd, void *buf, size_t len, off_t off)
{
	if (run_fd_is_sim(fd)) {
		if (off < 0) {
			errno = EINVAL;
			return -1;
		}
		return RUN_SIM(pdk_sys_pread(run_sys, fd, buf, len, (uint64_t)off));
	}
	return REAL(pread)(fd, buf, len, off);
}

static ssize_t
run_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	if (run_fd_is_sim(fd)) {
		if (off < 0) {
			errno = EINVAL;
			return -1;
		}
		return RUN_SIM(pdk_sys_pwrite(run_sys, fd, buf, len, (uint64_t)off));
	}
	return REAL(pwrite)(fd, buf, len, off);
}

RUN_EXPORT ssize_t
pread(int fd, void *buf, size_t len, off_t off)
{
	return run_pread(fd, buf, len, off);
}

RUN_EXPORT ssize_t
pread64(int fd, void *buf, size_t len, off64_t off)
{
	return run_pread(fd, buf, len, off);
}

RUN_EXPORT ssize_t
pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return run_pwrite(fd, buf, len, off);
}

RUN_EXPORT ssize_t
pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	return run_pwrite(fd, buf, len, off);
}

/* A sim fd has one owner in the sim's fd table: a second number for it is refused, not faked. */
static int
run_dup_refused(int fd)
{
	PDK_LOG(ERR, "sim-run", "fd %d: dup of a simulated fd is not supported under pdk-sim-run "
		"(doc/sim-run.md); use the fd itself", fd);
	errno = EINVAL;
	return -1;
}

RUN_EXPORT int
dup(int fd)
{
	return run_fd_is_sim(fd) ? run_dup_refused(fd) : REAL(dup)(fd);
}

RUN_EXPORT int
dup2(int fd, int fd2)
{
	return run_fd_is_sim(fd) || run_fd_is_sim(fd2) ? run_dup_refused(fd) : REAL(dup2)(fd, fd2);
}

RUN_EXPORT int
dup3(int fd, int fd2, int flags)
{
	return run_fd_is_sim(fd) || run_fd_is_sim(fd2) ? run_dup_refused(fd)
						       : REAL(dup3)(fd, fd2, flags);
}

static int
run_fcntl(int fd, int cmd, va_list ap)
{
	void *arg = va_arg(ap, void *);

	if ((cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) && run_fd_is_sim(fd))
		return run_dup_refused(fd);
	return REAL(fcntl)(fd, cmd, arg);
}

#define RUN_FCNTL_ENTRY(name)				\
	RUN_EXPORT int					\
	name(int fd, int cmd, ...)			\
	{						\
		va_list ap;				\
		int rc;					\
							\
		va_start(ap, cmd);			\
		rc = run_fcntl(fd, cmd, ap);		\
		va_end(ap);				\
		return rc;				\
	}

RUN_FCNTL_ENTRY(fcntl)
RUN_FCNTL_ENTRY(fcntl64)

/* ---- BAR mappings ---- */

static int
run_bar_read(void *priv, uint64_t off, void *val, unsigned int width)
{
	int rc;

	run_nested++;
	rc = pdk_sim_bar_read(priv, off, val, width);
	run_nested--;
	return rc;
}

static int
run_bar_write(void *priv, uint64_t off, const void *val, unsigned int width)
{
	int rc;

	run_nested++;
	rc = pdk_sim_bar_write(priv, off, val, width);
	run_nested--;
	return rc;
}

static const struct sim_trap_ops run_bar_ops = {
	.read = run_bar_read,
	.write = run_bar_write,
};

static void *
run_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct pdk_sim_bar *bar;
	char name[64];
	void *p;
	int rc;

	if (!run_fd_is_sim(fd))
		return REAL(mmap)(addr, len, prot, flags, fd, off);
	if (off < 0 || !(flags & MAP_SHARED)) {
		PDK_LOG(ERR, "sim-run", "fd %d: mmap of a simulated device needs MAP_SHARED and "
			"an offset from VFIO_DEVICE_GET_REGION_INFO", fd);
		errno = EINVAL;
		return MAP_FAILED;
	}
	run_nested++;
	rc = pdk_sim_bar_get(run_sim, fd, (uint64_t)off, len, &bar);
	run_nested--;
	if (rc < 0) {
		errno = -rc;
		return MAP_FAILED;
	}
	snprintf(name, sizeof(name), "fd %d offset 0x%llx", fd, (unsigned long long)off);
	/* Without MAP_FIXED an address is a hint, which the kernel may ignore too. */
	if (flags & MAP_FIXED) {
		p = addr;
		rc = sim_trap_map_fixed(addr, len, &run_bar_ops, bar, name);
	} else {
		rc = sim_trap_map(len, &run_bar_ops, bar, name, &p);
	}
	if (rc < 0) {
		run_nested++;
		pdk_sim_bar_put(bar);
		run_nested--;
		errno = -rc;
		return MAP_FAILED;
	}
	return p;
}

RUN_EXPORT void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return run_mmap(addr, len, prot, flags, fd, off);
}

RUN_EXPORT void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return run_mmap(addr, len, prot, flags, fd, off);
}

static void
run_bar_release(void *bar)
{
	run_nested++;
	pdk_sim_bar_put(bar);
	run_nested--;
}

/* A munmap may cover BAR mappings and other memory at once (EAL unmaps its whole reservation). */
RUN_EXPORT int
munmap(void *addr, size_t len)
{
	int rc;

	if (run_nested == 0) {
		rc = sim_trap_untrap_range(addr, len, run_bar_release);
		if (rc < 0) {
			errno = -rc;
			return -1;
		}
	}
	return REAL(munmap)(addr, len);
}

/* ---- signals ---- */

/*
 * The trap's SIGSEGV and SIGILL handlers stay first: a program that sets its
 * own gets the faults that are not the trap's, as it would without the
 * runner (sim_trap_chain_sigaction()).
 */
RUN_EXPORT int
sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
	if ((sig == SIGSEGV || sig == SIGILL) && run_sim != NULL && run_nested == 0)
		return (int)run_ret(sim_trap_chain_sigaction(sig, act, oldact));
	return REAL(sigaction)(sig, act, oldact);
}

/* glibc's signal() calls its internal sigaction, which no interposer sees. */
RUN_EXPORT sighandler_t
signal(int sig, sighandler_t handler)
{
	struct sigaction act = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;

	sigemptyset(&act.sa_mask);
	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

/* ---- the machine ---- */

__attribute__((constructor)) static void
run_init(void)
{
	const char *path = getenv(RUN_ENV_CONFIG);
	struct run_config cfg;
	char err[256];
	int rc;

	rc = run_config_read(path, &cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: %s\n", err);
		_exit(125);
	}
	run_nested++;
	rc = run_config_sim_create(&cfg, &run_sim);
	run_nested--;
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: the SIMULATED machine could not be built (%s); "
			"see the sim's error above\n", strerror(-rc));
		_exit(125);
	}
	run_sys = pdk_sim_sys(run_sim);
	run_nested++;		/* the trap installs its handlers with the real sigaction */
	rc = sim_trap_init();
	run_nested--;
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: the BAR trap could not be installed: %s\n",
			strerror(-rc));
		_exit(125);
	}
}
