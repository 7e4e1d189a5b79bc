/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * stat() and access() of the sim's device nodes under pdk-sim-run, through
 * every entry glibc has (stat, lstat, fstatat, their 64-bit names, statx,
 * the pre-2.33 __xstat family, access, faccessat, euidaccess): each node the
 * SIMULATED machine has is a char device whose number is the one its sysfs
 * gives (the cdev's vfio-dev dev file) or the kernel's fixed one
 * (/dev/vfio/vfio, 10:196); a node it has not is ENOENT; a path that is not
 * the sim's still reaches libc (/dev/null is 1:3). Written against libc
 * only.
 *
 *     runner_nodes PCI-ADDRESS     (a function of the machine, bound to vfio-pci)
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* glibc before 2.33 had these as the real entries; 2.36 still exports them */
int __xstat(int ver, const char *path, struct stat *st);
int __lxstat(int ver, const char *path, struct stat *st);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *st, int flags);
#define STAT_VER 1	/* _STAT_VER_LINUX on x86_64 */

static int failed;

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "runner_nodes: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);				\
			fprintf(stderr, "\n");					\
			failed = 1;						\
		}								\
	} while (0)

/* Every stat entry says @p path is char device @p maj:@p min. */
static void
node_is(const char *path, unsigned int maj, unsigned int min)
{
	struct stat st, st2;
	struct stat64 st64;
	struct statx stx;

	CHECK(stat(path, &st) == 0, "stat %s: %s", path, strerror(errno));
	CHECK(S_ISCHR(st.st_mode), "%s: mode 0%o is not a char device", path, st.st_mode);
	CHECK(major(st.st_rdev) == maj && minor(st.st_rdev) == min, "%s: %u:%u, expected %u:%u",
	      path, major(st.st_rdev), minor(st.st_rdev), maj, min);
	CHECK(st.st_uid == geteuid(), "%s: owner %u, not the caller", path, st.st_uid);
	CHECK(lstat(path, &st2) == 0 && st2.st_rdev == st.st_rdev && st2.st_ino == st.st_ino,
	      "lstat %s", path);
	CHECK(stat64(path, &st64) == 0 && st64.st_rdev == st.st_rdev, "stat64 %s", path);
	CHECK(lstat64(path, &st64) == 0 && st64.st_rdev == st.st_rdev, "lstat64 %s", path);
	CHECK(fstatat(AT_FDCWD, path, &st2, 0) == 0 && st2.st_rdev == st.st_rdev, "fstatat %s",
	      path);
	CHECK(fstatat64(AT_FDCWD, path, &st64, AT_SYMLINK_NOFOLLOW) == 0 &&
	      st64.st_rdev == st.st_rdev, "fstatat64 %s", path);
	CHECK(__xstat(STAT_VER, path, &st2) == 0 && st2.st_rdev == st.st_rdev, "__xstat %s", path);
	CHECK(__lxstat(STAT_VER, path, &st2) == 0 && st2.st_rdev == st.st_rdev, "__lxstat %s", path);
	CHECK(__fxstatat(STAT_VER, AT_FDCWD, path, &st2, 0) == 0 && st2.st_rdev == st.st_rdev,
	      "__fxstatat %s", path);
	CHECK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) == 0 && S_ISCHR(stx.stx_mode) &&
	      stx.stx_rdev_major == maj && stx.stx_rdev_minor == min, "statx %s", path);
	CHECK(access(path, F_OK) == 0 && access(path, R_OK | W_OK) == 0, "access %s: %s", path,
	      strerror(errno));
	errno = 0;
	CHECK(access(path, X_OK) == -1 && errno == EACCES, "access X_OK %s: errno %d", path, errno);
	CHECK(faccessat(AT_FDCWD, path, R_OK | W_OK, 0) == 0, "faccessat %s", path);
	CHECK(euidaccess(path, R_OK | W_OK) == 0, "euidaccess %s", path);
	printf("%s: char device %u:%u\n", path, maj, min);
}

/* Every entry says ENOENT. */
static void
node_absent(const char *path)
{
	struct statx stx;
	struct stat st;

	errno = 0;
	CHECK(stat(path, &st) == -1 && errno == ENOENT, "stat %s: errno %d", path, errno);
	errno = 0;
	CHECK(lstat(path, &st) == -1 && errno == ENOENT, "lstat %s: errno %d", path, errno);
	errno = 0;
	CHECK(statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) == -1 && errno == ENOENT,
	      "statx %s: errno %d", path, errno);
	errno = 0;
	CHECK(access(path, F_OK) == -1 && errno == ENOENT, "access %s: errno %d", path, errno);
	printf("%s: absent (ENOENT)\n", path);
}

/* "major:minor" of a sysfs dev file. */
static void
sysfs_dev(const char *file, unsigned int *maj, unsigned int *min)
{
	FILE *f = fopen(file, "r");

	*maj = *min = ~0u;
	CHECK(f != NULL, "open %s: %s", file, strerror(errno));
	if (f == NULL)
		return;
	CHECK(fscanf(f, "%u:%u", maj, min) == 2, "%s: not major:minor", file);
	fclose(f);
}

int
main(int argc, char **argv)
{
	char path[640], cdev[256] = "", group[256] = "";
	unsigned int maj, min;
	struct dirent *e;
	struct stat st;
	ssize_t n;
	DIR *d;

	if (argc != 2) {
		fprintf(stderr, "usage: runner_nodes PCI-ADDRESS\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", argv[1]);
	d = opendir(path);
	CHECK(d != NULL, "opendir %s: %s", path, strerror(errno));
	while (d != NULL && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "vfio", 4) == 0)
			snprintf(cdev, sizeof(cdev), "%s", e->d_name);
	if (d != NULL)
		closedir(d);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", argv[1]);
	n = readlink(path, group, sizeof(group) - 1);
	CHECK(n > 0, "readlink %s: %s", path, strerror(errno));
	group[n > 0 ? n : 0] = '\0';
	if (failed)
		return 1;

	node_is("/dev/vfio/vfio", 10, 196);
	CHECK(stat("/dev/iommu", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 10,
	      "/dev/iommu is not a misc char device");
	node_is("/dev/iommu", major(st.st_rdev), minor(st.st_rdev));

	/* the cdev: the number its sysfs dev file gives */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev/%s/dev", argv[1], cdev);
	sysfs_dev(path, &maj, &min);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", cdev);
	node_is(path, maj, min);

	/* the group: a char device of its own major, another than the cdev's */
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(group, '/') + 1);
	CHECK(stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) != maj,
	      "%s: not a char device of the group major", path);
	node_is(path, major(st.st_rdev), minor(st.st_rdev));

	node_absent("/dev/vfio/4095");
	node_absent("/dev/vfio/devices/vfio4095");

	/* not the sim's: libc answers */
	CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
	      minor(st.st_rdev) == 3, "/dev/null is not 1:3 (not routed to libc?)");
	CHECK(access("/proc/self", F_OK) == 0, "access /proc/self");
	errno = 0;
	CHECK(stat("/nonexistent-pdk-sim-run", &st) == -1 && errno == ENOENT, "libc's ENOENT");

	if (failed)
		return 1;
	printf("all steps passed\n");
	return 0;
}
