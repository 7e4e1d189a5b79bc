/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * What the host itself uses a PCI function for: a mounted file system or
 * swap on one of its block devices (directly, on a partition, or through
 * device-mapper / md, whose "slaves" name the devices under them), or a
 * network interface that is up or carries routes. Binding such a function
 * away from its driver takes that from the running system (dpdk-devbind
 * refuses "active" interfaces for the same reason: a route names them).
 *
 * The facts are files: sysfs's class/block and class/net links (their
 * targets name the PCI function they hang under), /proc/mounts, /proc/swaps,
 * /proc/net/route and /proc/net/ipv6_route. On a fake tree (--sysfs DIR) the
 * /proc files are DIR/../proc's, so a test can model any machine. These are
 * plain file reads of the real file system: the sim models no disks or
 * interfaces, so it is not asked.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "devbind.h"

/* IFF_UP of the interface's "flags" (linux/if.h), without the header's clashes. */
#define DB_IFF_UP 0x1

#define MAX_SLAVES 8

struct blk {
	char name[DB_NAME_LEN];
	char target[PATH_MAX];		/* the class/block link's target */
	char parent[DB_NAME_LEN];	/* the disk of a partition, "" for a disk */
	char dm_name[DB_NAME_LEN];	/* device-mapper name (/dev/mapper/NAME) */
	char devnum[32];		/* "MAJ:MIN" */
	char slaves[MAX_SLAVES][DB_NAME_LEN];
	unsigned int nslaves;
};

/* One line of /proc/mounts or /proc/swaps, with the block device it is on. */
struct use_line {
	char src[PATH_MAX];
	char where[PATH_MAX];		/* the mount point; "" for swap */
	char fstype[DB_NAME_LEN];
	int blk;			/* index into the block devices, -1: none of them */
};

struct facts {
	const struct db_host *h;
	struct blk *blk;
	unsigned int nblk;
	struct use_line *mounts, *swaps;
	unsigned int nmounts, nswaps;
	int mounts_rc, swaps_rc;	/* 0 or -errno of reading the file */
};

/* "<sysfs>/class/CLS[/NAME[/ATTR]]" of the real or the fake tree. */
static void
class_path(const struct db_host *h, char *buf, size_t len, const char *cls, const char *name,
	   const char *attr)
{
	snprintf(buf, len, "%s/class/%s%s%s%s%s", h->facts_sys, cls, name != NULL ? "/" : "",
		 name != NULL ? name : "", attr != NULL ? "/" : "", attr != NULL ? attr : "");
}

static void
read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f) == NULL)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* The last and the second last component of a path. */
static const char *
last_component(const char *p, char *parent, size_t len)
{
	const char *s = strrchr(p, '/'), *t;

	parent[0] = '\0';
	if (s == NULL)
		return p;
	for (t = s; t > p && t[-1] != '/'; t--)
		;
	if (t < s)
		snprintf(parent, len, "%.*s", (int)(s - t), t);
	return s + 1;
}

static int
find_blk(const struct facts *f, const char *name)
{
	unsigned int i;

	for (i = 0; i < f->nblk; i++)
		if (strcmp(f->blk[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int
read_blocks(struct facts *f)
{
	char path[PATH_MAX], parent[DB_NAME_LEN];
	struct dirent *e, *s;
	DIR *d, *sd;
	struct blk *b, *p;
	ssize_t n;
	unsigned int i;

	class_path(f->h, path, sizeof(path), "block", NULL, NULL);
	d = opendir(path);
	if (d == NULL)
		return 0;	/* no block devices at all */
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= DB_NAME_LEN)
			continue;
		p = realloc(f->blk, (f->nblk + 1) * sizeof(*p));
		if (p == NULL) {
			closedir(d);
			return -ENOMEM;
		}
		f->blk = p;
		b = &f->blk[f->nblk];
		memset(b, 0, sizeof(*b));
		strcpy(b->name, e->d_name);
		class_path(f->h, path, sizeof(path), "block", b->name, NULL);
		n = readlink(path, b->target, sizeof(b->target) - 1);
		if (n < 0)
			continue;
		b->target[n] = '\0';
		class_path(f->h, path, sizeof(path), "block", b->name, "dm/name");
		read_line(path, b->dm_name, sizeof(b->dm_name));
		class_path(f->h, path, sizeof(path), "block", b->name, "dev");
		read_line(path, b->devnum, sizeof(b->devnum));
		class_path(f->h, path, sizeof(path), "block", b->name, "slaves");
		sd = opendir(path);
		while (sd != NULL && (s = readdir(sd)) != NULL && b->nslaves < MAX_SLAVES)
			if (s->d_name[0] != '.' && strlen(s->d_name) < DB_NAME_LEN)
				strcpy(b->slaves[b->nslaves++], s->d_name);
		if (sd != NULL)
			closedir(sd);
		f->nblk++;
	}
	closedir(d);
	/* A partition's directory sits in its disk's: .../block/vda/vda1. */
	for (i = 0; i < f->nblk; i++) {
		last_component(f->blk[i].target, parent, sizeof(parent));
		if (find_blk(f, parent) >= 0)
			strcpy(f->blk[i].parent, parent);
	}
	return 0;
}

/* The block device a /proc/mounts or /proc/swaps source names, or -1. */
static int
source_blk(const struct facts *f, const char *src, const char *where)
{
	char real[PATH_MAX], num[32];
	struct stat st;
	unsigned int i;
	int k;

	if (strncmp(src, "/dev/mapper/", 12) == 0) {
		for (i = 0; i < f->nblk; i++)
			if (strcmp(f->blk[i].dm_name, src + 12) == 0)
				return (int)i;
	}
	if (strncmp(src, "/dev/", 5) == 0) {
		k = find_blk(f, src + 5);
		if (k >= 0)
			return k;
	}
	/* The real /dev resolves the rest: /dev/disk/by-uuid/..., /dev/root. */
	if (f->h->mode != DB_MODE_KERNEL || strncmp(src, "/dev/", 5) != 0)
		return -1;
	if (realpath(src, real) != NULL && strncmp(real, "/dev/", 5) == 0) {
		k = find_blk(f, strrchr(real, '/') + 1);
		if (k >= 0)
			return k;
	}
	/*
	 * "/dev/root" has no node: the mount point's device number tells. Only
	 * for it: a stat() of a FUSE or network mount point could hang.
	 */
	if (strcmp(src, "/dev/root") == 0 && where != NULL && stat(where, &st) == 0) {
		snprintf(num, sizeof(num), "%u:%u", major(st.st_dev), minor(st.st_dev));
		for (i = 0; i < f->nblk; i++)
			if (strcmp(f->blk[i].devnum, num) == 0)
				return (int)i;
	}
	return -1;
}

/* Read /proc/mounts (swap false) or /proc/swaps. @return 0 or -errno. */
static int
read_uses(struct facts *f, bool swap, struct use_line **out, unsigned int *nout)
{
	char path[PATH_MAX], line[2 * PATH_MAX + 256];
	struct use_line *u, *p;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->h->facts_proc, swap ? "swaps" : "mounts");
	fp = fopen(path, "r");
	if (fp == NULL)
		return -errno;
	while (fgets(line, sizeof(line), fp) != NULL) {
		p = realloc(*out, (*nout + 1) * sizeof(*p));
		if (p == NULL) {
			fclose(fp);
			return -ENOMEM;
		}
		*out = p;
		u = &p[*nout];
		memset(u, 0, sizeof(*u));
		/* mounts: SRC WHERE TYPE ...; swaps: FILENAME TYPE ... after a header */
		if (swap ? sscanf(line, "%4095s %63s", u->src, u->fstype) != 2 ||
			   strcmp(u->src, "Filename") == 0 :
			   sscanf(line, "%4095s %4095s %63s", u->src, u->where, u->fstype) != 3)
			continue;
		u->blk = source_blk(f, u->src, swap ? NULL : u->where);
		if (u->blk >= 0)
			(*nout)++;
	}
	fclose(fp);
	return 0;
}

static void __attribute__((format(printf, 4, 5)))
use(struct db_fn *fn, enum db_use_kind kind, const char *object, const char *fmt, ...)
{
	struct db_use *u;
	va_list ap;

	if (fn->nuse == DB_MAX_USE)
		return;
	u = &fn->use[fn->nuse++];
	u->kind = kind;
	snprintf(u->object, sizeof(u->object), "%s", object);
	va_start(ap, fmt);
	vsnprintf(u->text, sizeof(u->text), fmt, ap);
	va_end(ap);
}

/* Does @p target (a class link) hang under the PCI function @p addr? */
static bool
under_fn(const char *target, const char *addr)
{
	char pat[PDK_PCI_ADDR_LEN + 2];

	snprintf(pat, sizeof(pat), "/%s/", addr);
	return strstr(target, pat) != NULL;
}

/*
 * The block devices of @p fn: its own, their partitions, and what is built
 * on them (dm, md), each with how it is reached ("dm-0 on vda2").
 */
static void
fn_blocks(const struct facts *f, const struct db_fn *fn, char (*via)[2 * DB_NAME_LEN + 8],
	  bool *mine)
{
	bool changed = true;
	unsigned int i, k;
	int j;

	for (i = 0; i < f->nblk; i++) {
		mine[i] = under_fn(f->blk[i].target, fn->addr);
		snprintf(via[i], 2 * DB_NAME_LEN + 8, "%s", f->blk[i].name);
	}
	while (changed) {
		changed = false;
		for (i = 0; i < f->nblk; i++) {
			const struct blk *b = &f->blk[i];

			if (mine[i])
				continue;
			j = b->parent[0] != '\0' ? find_blk(f, b->parent) : -1;
			if (j >= 0 && !mine[j])
				j = -1;
			for (k = 0; j < 0 && k < b->nslaves; k++) {
				j = find_blk(f, b->slaves[k]);
				if (j >= 0 && !mine[j])
					j = -1;
			}
			if (j < 0)
				continue;
			mine[i] = true;
			snprintf(via[i], 2 * DB_NAME_LEN + 8, "%s on %s", b->name, f->blk[j].name);
			changed = true;
		}
	}
}

static void
fn_disk_uses(const struct facts *f, struct db_fn *fn)
{
	char (*via)[2 * DB_NAME_LEN + 8];
	unsigned int i;
	bool *mine, any = false;

	if (f->nblk == 0)
		return;
	via = calloc(f->nblk, sizeof(*via));
	mine = calloc(f->nblk, sizeof(*mine));
	if (via == NULL || mine == NULL) {
		use(fn, DB_USE_UNKNOWN, fn->addr, "cannot tell what its disks hold: out of memory");
		goto out;
	}
	fn_blocks(f, fn, via, mine);
	for (i = 0; i < f->nblk; i++)
		any |= mine[i];
	if (!any)
		goto out;
	if (f->mounts_rc < 0)
		use(fn, DB_USE_UNKNOWN, "mounts", "it has block devices, and %s/mounts cannot be "
		    "read (%s): they may hold mounted file systems", f->h->facts_proc,
		    strerror(-f->mounts_rc));
	if (f->swaps_rc < 0)
		use(fn, DB_USE_UNKNOWN, "swaps", "it has block devices, and %s/swaps cannot be "
		    "read (%s): they may hold swap", f->h->facts_proc, strerror(-f->swaps_rc));
	for (i = 0; i < f->nmounts; i++)
		if (mine[f->mounts[i].blk])
			use(fn, DB_USE_MOUNT, f->mounts[i].where, "%s is mounted on %s (%s)",
			    via[f->mounts[i].blk], f->mounts[i].where, f->mounts[i].fstype);
	for (i = 0; i < f->nswaps; i++)
		if (mine[f->swaps[i].blk])
			use(fn, DB_USE_SWAP, f->swaps[i].src, "%s is swap (%s)",
			    via[f->swaps[i].blk], f->swaps[i].src);
out:
	free(via);
	free(mine);
}

/*
 * Routes through @p ifname: the first column of /proc/net/route (after its
 * header), the last of /proc/net/ipv6_route. @return the count or -errno.
 */
static int
count_routes(const struct db_host *h, const char *ifname, bool v6)
{
	char path[PATH_MAX], line[512], *tok, *dev, *save;
	FILE *fp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/net/%s", h->facts_proc, v6 ? "ipv6_route" : "route");
	fp = fopen(path, "r");
	if (fp == NULL)
		return -errno;
	while (fgets(line, sizeof(line), fp) != NULL) {
		dev = strtok_r(line, " \t\n", &save);
		if (v6)
			while ((tok = strtok_r(NULL, " \t\n", &save)) != NULL)
				dev = tok;
		if (dev != NULL && strcmp(dev, ifname) == 0)
			n++;
	}
	fclose(fp);
	return n;
}

static void
fn_net_uses(const struct db_host *h, struct db_scan *scan)
{
	char path[PATH_MAX], target[PATH_MAX], flags[32], oper[32];
	unsigned long fl;
	struct dirent *e;
	unsigned int i;
	int r4, r6, nr;
	bool up;
	ssize_t n;
	DIR *d;

	class_path(h, path, sizeof(path), "net", NULL, NULL);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		class_path(h, path, sizeof(path), "net", e->d_name, NULL);
		n = readlink(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		class_path(h, path, sizeof(path), "net", e->d_name, "flags");
		read_line(path, flags, sizeof(flags));
		class_path(h, path, sizeof(path), "net", e->d_name, "operstate");
		read_line(path, oper, sizeof(oper));
		fl = strtoul(flags, NULL, 0);
		up = (fl & DB_IFF_UP) != 0 || strcmp(oper, "up") == 0;
		r4 = count_routes(h, e->d_name, false);
		r6 = count_routes(h, e->d_name, true);
		for (i = 0; i < scan->n; i++) {
			struct db_fn *fn = &scan->fn[i];

			if (!under_fn(target, fn->addr))
				continue;
			nr = (r4 > 0 ? r4 : 0) + (r6 > 0 ? r6 : 0);
			if (nr > 0)
				use(fn, DB_USE_NET, e->d_name, "network interface %s is %s and "
				    "carries %d route%s", e->d_name, up ? "up" : "down", nr,
				    nr == 1 ? "" : "s");
			else if (up)
				use(fn, DB_USE_NET, e->d_name, "network interface %s is up", e->d_name);
			else if (r4 < 0)
				use(fn, DB_USE_UNKNOWN, e->d_name, "network interface %s is down, but "
				    "%s/net/route cannot be read (%s): it may carry routes",
				    e->d_name, h->facts_proc, strerror(-r4));
		}
	}
	closedir(d);
}

void
db_inuse_scan(struct db_scan *scan)
{
	struct facts f = { .h = &scan->host };
	unsigned int i;
	int rc;

	if (scan->host.mode == DB_MODE_SIM)
		return;
	rc = read_blocks(&f);
	if (rc == 0) {
		f.mounts_rc = read_uses(&f, false, &f.mounts, &f.nmounts);
		f.swaps_rc = read_uses(&f, true, &f.swaps, &f.nswaps);
	}
	for (i = 0; i < scan->n; i++) {
		if (rc < 0)
			use(&scan->fn[i], DB_USE_UNKNOWN, scan->fn[i].addr,
			    "cannot tell what its disks hold: %s", strerror(-rc));
		else
			fn_disk_uses(&f, &scan->fn[i]);
	}
	fn_net_uses(&scan->host, scan);
	free(f.blk);
	free(f.mounts);
	free(f.swaps);
}
