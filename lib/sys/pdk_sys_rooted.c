/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The kernel backend with /sys moved: the kernel's own ops, with the four
 * that take a path (open, list_dir, read_file, link_name) rewriting it
 * first. Everything else is pdk_sys_kernel_ops unchanged, so the two cannot
 * drift apart.
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "pdk_sys_backend.h"

#define ROOT_FIX "give the directory that stands for /sys as an absolute path"

#define SYSFS "/sys"

/* The name doubles as the tag that tells destroy a rooted backend from others. */
static const char rooted_name[] = "kernel-rooted";

struct rooted {
	struct pdk_sys sys;
	struct pdk_sys_ops ops;
	size_t root_len;
	char root[];		/* no trailing '/' */
};

/*
 * Point @p path under the root when it is /sys or below, else leave it.
 * @return the path to use (@p buf or @p path), NULL when it does not fit.
 */
static const char *
rooted_path(const struct rooted *r, const char *path, char *buf, size_t len)
{
	const size_t n = sizeof(SYSFS) - 1;
	const char *rest;

	if (path == NULL || strncmp(path, SYSFS, n) != 0 ||
	    (path[n] != '\0' && path[n] != '/'))
		return path;
	rest = path + n;
	if (r->root_len + strlen(rest) + 1 > len)
		return NULL;
	memcpy(buf, r->root, r->root_len);
	strcpy(buf + r->root_len, rest);
	return buf;
}

static int
r_open(void *priv, const char *path, int flags)
{
	char buf[PATH_MAX];
	const char *p = rooted_path(priv, path, buf, sizeof(buf));

	return p == NULL ? -ENAMETOOLONG : pdk_sys_kernel_ops.open(NULL, p, flags);
}

static int
r_list_dir(void *priv, const char *path, pdk_sys_dir_cb_t cb, void *arg)
{
	char buf[PATH_MAX];
	const char *p = rooted_path(priv, path, buf, sizeof(buf));

	return p == NULL ? -ENAMETOOLONG : pdk_sys_kernel_ops.list_dir(NULL, p, cb, arg);
}

static ssize_t
r_read_file(void *priv, const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	const char *p = rooted_path(priv, path, buf, sizeof(buf));

	return p == NULL ? -ENAMETOOLONG : pdk_sys_kernel_ops.read_file(NULL, p, out, len);
}

static ssize_t
r_link_name(void *priv, const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	const char *p = rooted_path(priv, path, buf, sizeof(buf));

	return p == NULL ? -ENAMETOOLONG : pdk_sys_kernel_ops.link_name(NULL, p, out, len);
}

struct pdk_sys *
pdk_sys_kernel_rooted(const char *sysfs_root)
{
	struct rooted *r;
	size_t n;

	if (pdk_log_null(sysfs_root, "sys", "kernel-rooted backend", ROOT_FIX,
			 "create: NULL sysfs root")) {
		errno = EINVAL;
		return NULL;
	}
	if (sysfs_root[0] != '/') {
		errno = -pdk_log_fail("sys", "kernel-rooted backend", -EINVAL, ROOT_FIX,
				      "create: sysfs root \"%.64s\" is not an absolute path",
				      sysfs_root);
		return NULL;
	}
	n = strlen(sysfs_root);
	while (n > 1 && sysfs_root[n - 1] == '/')
		n--;
	/* The root "/" is an empty prefix: "/sys/bus" becomes "/bus". */
	if (n == 1)
		n = 0;
	if (n >= PATH_MAX) {
		errno = -pdk_log_fail("sys", "kernel-rooted backend", -ENAMETOOLONG, ROOT_FIX,
				      "create: sysfs root of %zu bytes (PATH_MAX %d)", n, PATH_MAX);
		return NULL;
	}
	r = calloc(1, sizeof(*r) + n + 1);
	if (r == NULL) {
		errno = -pdk_log_fail("sys", "kernel-rooted backend", -ENOMEM, "free some memory",
				      "create: allocation");
		return NULL;
	}
	memcpy(r->root, sysfs_root, n);
	r->root[n] = '\0';
	r->root_len = n;
	r->ops = pdk_sys_kernel_ops;
	r->ops.open = r_open;
	r->ops.list_dir = r_list_dir;
	r->ops.read_file = r_read_file;
	r->ops.link_name = r_link_name;
	r->sys.name = rooted_name;
	r->sys.is_sim = false;
	r->sys.ops = &r->ops;
	r->sys.priv = r;
	return &r->sys;
}

int
pdk_sys_kernel_rooted_destroy(struct pdk_sys *sys)
{
	if (sys == NULL)
		return 0;
	if (sys->name != rooted_name)
		return pdk_log_fail("sys", "kernel-rooted backend", -EINVAL,
				    "pass only a backend made by pdk_sys_kernel_rooted(); nothing was freed",
				    "destroy: backend \"%s\" is not a kernel-rooted one", sys->name);
	free(sys->priv);
	return 0;
}
