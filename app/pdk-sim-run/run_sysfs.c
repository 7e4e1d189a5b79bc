/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The sim's sysfs, mounted where a program reads sysfs. A program finds
 * PCI functions by reading /sys with any call it likes (opendir, fopen,
 * readlink, realpath, python's os module, libpci in lspci): glibc calls
 * its own internal open from fopen, and an exec'd tool has none of the
 * interposer's state, so interposing each call could never be complete. A
 * mount is: every reader, in every process of the run, sees the same tree.
 *
 * The merge works on directories: where the sim adds an entry to a
 * directory of the machine (a function to /sys/bus/pci/devices, vfio-pci to
 * /sys/bus/pci/drivers), a tmpfs copy of that directory is mounted over it,
 * holding the machine's entries as bind mounts (dirs, files) or copies
 * (links) and the sim's as files. Where the sim's entry is a directory the
 * machine also has, the merge goes down into it instead, so nothing the
 * machine has is hidden. The sim's files are a snapshot taken at start:
 * what a program writes to them stays in the tmpfs (doc/sim-run.md).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run_sysfs.h"

#define RUN_FILE_MAX 65536	/* larger than any sysfs attribute the sim has (config: 4 KiB) */

struct run_sysfs {
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	const char *stage;
	unsigned int nstage;
	char *err;
	size_t errlen;
};

static int
run_fail(struct run_sysfs *rs, int rc, const char *what, const char *path)
{
	snprintf(rs->err, rs->errlen, "%s %s: %s", what, path, strerror(-rc));
	return rc;
}

/* ---- the sim's tree ---- */

struct run_names {
	char **v;
	unsigned int n, cap;
};

static int
run_names_add(const char *name, void *arg)
{
	struct run_names *ns = arg;

	if (ns->n == ns->cap) {
		unsigned int cap = ns->cap ? ns->cap * 2 : 16;
		char **v = realloc(ns->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		ns->v = v;
		ns->cap = cap;
	}
	ns->v[ns->n] = strdup(name);
	if (ns->v[ns->n] == NULL)
		return -ENOMEM;
	ns->n++;
	return 0;
}

static void
run_names_free(struct run_names *ns)
{
	while (ns->n > 0)
		free(ns->v[--ns->n]);
	free(ns->v);
	ns->v = NULL;
	ns->cap = 0;
}

static bool
run_names_has(const struct run_names *ns, const char *name)
{
	unsigned int i;

	for (i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], name) == 0)
			return true;
	return false;
}

enum run_kind { RUN_NONE, RUN_FILE, RUN_DIR, RUN_LINK };

/* What the sim has at @p path: a link, a directory or a file. */
static enum run_kind
run_sim_kind(struct run_sysfs *rs, const char *path)
{
	struct run_names ns = { 0 };
	char buf[256];
	int rc;

	if (pdk_sim_link_target(rs->sim, path, buf, sizeof(buf)) >= 0)
		return RUN_LINK;
	rc = pdk_sys_list_dir(rs->sys, path, run_names_add, &ns);
	run_names_free(&ns);
	if (rc >= 0)
		return RUN_DIR;
	return RUN_FILE;
}

static enum run_kind
run_real_kind(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return RUN_NONE;
	if (S_ISLNK(st.st_mode))
		return RUN_LINK;
	return S_ISDIR(st.st_mode) ? RUN_DIR : RUN_FILE;
}

static void
run_join(char *out, size_t len, const char *dir, const char *name)
{
	/* sysfs paths are far shorter than PATH_MAX: a cut one fails its lstat/open */
	if (snprintf(out, len, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name) >= (int)len)
		out[0] = '\0';
}

/* @p fn on each of @p ns's names below the sim's @p spath and the tree's @p dpath. */
static int
run_each(struct run_sysfs *rs, const struct run_names *ns, const char *spath, const char *dpath,
	 int (*fn)(struct run_sysfs *rs, const char *s, const char *d))
{
	char s[PATH_MAX], d[PATH_MAX];
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ns->n && rc == 0; i++) {
		run_join(s, sizeof(s), spath, ns->v[i]);
		run_join(d, sizeof(d), dpath, ns->v[i]);
		rc = fn(rs, s, d);
	}
	return rc;
}

/* Write the sim's entry @p spath (and all below it) to @p dst, which does not exist. */
static int
run_copy_sim(struct run_sysfs *rs, const char *spath, const char *dst)
{
	char buf[PATH_MAX];
	struct run_names ns = { 0 };
	ssize_t n;
	int fd, rc = 0;
	void *data;

	switch (run_sim_kind(rs, spath)) {
	case RUN_LINK:
		n = pdk_sim_link_target(rs->sim, spath, buf, sizeof(buf));
		if (n < 0)
			return run_fail(rs, (int)n, "reading the sim's link", spath);
		if (symlink(buf, dst) < 0)
			return run_fail(rs, -errno, "creating the link", dst);
		return 0;
	case RUN_DIR:
		if (mkdir(dst, 0755) < 0)
			return run_fail(rs, -errno, "creating the directory", dst);
		rc = pdk_sys_list_dir(rs->sys, spath, run_names_add, &ns);
		if (rc < 0)
			return run_fail(rs, rc, "listing the sim's directory", spath);
		rc = run_each(rs, &ns, spath, dst, run_copy_sim);
		run_names_free(&ns);
		return rc;
	default:
		data = malloc(RUN_FILE_MAX);
		if (data == NULL)
			return run_fail(rs, -ENOMEM, "reading", spath);
		n = pdk_sys_pread_file(rs->sys, spath, data, RUN_FILE_MAX, 0);
		if (n < 0) {
			free(data);
			return run_fail(rs, (int)n, "reading the sim's file", spath);
		}
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, data, (size_t)n) != n)
			rc = run_fail(rs, -errno, "writing", dst);
		if (fd >= 0)
			close(fd);
		free(data);
		return rc;
	}
}

/* ---- the merge ---- */

static int run_merge(struct run_sysfs *rs, const char *spath, const char *rpath);

/* Put the machine's entry @p rpath at @p dst: a bind mount (kept live) or a copied link. */
static int
run_keep_real(struct run_sysfs *rs, const char *rpath, const char *dst)
{
	char buf[PATH_MAX];
	ssize_t n;
	int fd;

	switch (run_real_kind(rpath)) {
	case RUN_LINK:
		n = readlink(rpath, buf, sizeof(buf) - 1);
		if (n < 0)
			return run_fail(rs, -errno, "reading the link", rpath);
		buf[n] = '\0';
		if (symlink(buf, dst) < 0)
			return run_fail(rs, -errno, "creating the link", dst);
		return 0;
	case RUN_DIR:
		if (mkdir(dst, 0755) < 0)
			return run_fail(rs, -errno, "creating the directory", dst);
		break;
	default:
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
		if (fd < 0)
			return run_fail(rs, -errno, "creating", dst);
		close(fd);
	}
	if (mount(rpath, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return run_fail(rs, -errno, "bind-mounting", rpath);
	return 0;
}

/* Cover the machine's directory @p rpath with a merged copy (see the top of the file). */
static int
run_cover(struct run_sysfs *rs, const char *spath, const char *rpath, const struct run_names *sim)
{
	char dir[PATH_MAX], s[PATH_MAX], r[PATH_MAX], d[PATH_MAX];
	struct dirent *de;
	unsigned int i;
	DIR *real;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/%u", rs->stage, rs->nstage++);
	if (mkdir(dir, 0755) < 0)
		return run_fail(rs, -errno, "creating the directory", dir);
	real = opendir(rpath);
	if (real == NULL)
		return run_fail(rs, -errno, "listing", rpath);
	while (rc == 0 && (de = readdir(real)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		run_join(r, sizeof(r), rpath, de->d_name);
		run_join(s, sizeof(s), spath, de->d_name);
		run_join(d, sizeof(d), dir, de->d_name);
		/* The sim's entry wins, except a directory both have: merged below. */
		if (run_names_has(sim, de->d_name) &&
		    !(run_real_kind(r) == RUN_DIR && run_sim_kind(rs, s) == RUN_DIR))
			continue;
		rc = run_keep_real(rs, r, d);
	}
	closedir(real);
	for (i = 0; rc == 0 && i < sim->n; i++) {
		run_join(s, sizeof(s), spath, sim->v[i]);
		run_join(d, sizeof(d), dir, sim->v[i]);
		if (run_real_kind(d) == RUN_DIR)
			rc = run_merge(rs, s, d);	/* the machine's, bound above */
		else
			rc = run_copy_sim(rs, s, d);
	}
	if (rc == 0 && mount(dir, rpath, NULL, MS_BIND | MS_REC, NULL) < 0)
		rc = run_fail(rs, -errno, "mounting the merged copy over", rpath);
	return rc;
}

/* Merge the sim's directory @p spath into the machine's directory @p rpath. */
static int
run_merge(struct run_sysfs *rs, const char *spath, const char *rpath)
{
	char s[PATH_MAX], r[PATH_MAX];
	struct run_names sim = { 0 };
	bool cover = false;
	unsigned int i;
	int rc;

	rc = pdk_sys_list_dir(rs->sys, spath, run_names_add, &sim);
	if (rc < 0)
		return run_fail(rs, rc, "listing the sim's directory", spath);
	for (i = 0; i < sim.n && !cover; i++) {
		run_join(s, sizeof(s), spath, sim.v[i]);
		run_join(r, sizeof(r), rpath, sim.v[i]);
		cover = !(run_real_kind(r) == RUN_DIR && run_sim_kind(rs, s) == RUN_DIR);
	}
	if (cover)
		rc = run_cover(rs, spath, rpath, &sim);
	else
		rc = run_each(rs, &sim, spath, rpath, run_merge);
	run_names_free(&sim);
	return rc;
}

int
run_sysfs_mount(struct pdk_sim *sim, const char *stage, char *err, size_t errlen)
{
	struct run_sysfs rs = {
		.sim = sim, .sys = pdk_sim_sys(sim), .stage = stage, .err = err, .errlen = errlen,
	};

	if (mount("pdk-sim-sysfs", stage, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return run_fail(&rs, -errno, "mounting a tmpfs on", stage);
	return run_merge(&rs, "/sys", "/sys");
}
