/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * --bind and --unbind through sysfs, the way that binds one function and no
 * other: unbind it from its driver, name the new driver in its
 * driver_override, and ask the PCI core to probe it (drivers_probe). Adding
 * the IDs to the driver's new_id instead would take every function with
 * those IDs.
 *
 * Every function is checked before anything is written, so a refused
 * command changes nothing.
 */

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "devbind.h"

#define SYSFS_PCI_DRIVERS "/sys/bus/pci/drivers"
#define SYSFS_PCI_PROBE "/sys/bus/pci/drivers_probe"

extern char **environ;

static const char *
sys_hint(int rc)
{
	if (rc == -EACCES || rc == -EPERM)
		return " (run as root)";
	return "";
}

static int
any_entry(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return 0;
}

/* @return true when sysfs lists the driver (its module is loaded). */
static bool
driver_loaded(struct pdk_sys *sys, const char *driver)
{
	char path[128];

	snprintf(path, sizeof(path), SYSFS_PCI_DRIVERS "/%s", driver);
	return pdk_sys_list_dir(sys, path, any_entry, NULL) == 0;
}

/* Run modprobe(8) for @p module. @return 0 when it exited with 0. */
static int
modprobe(const char *module)
{
	char *argv[] = { (char *)(uintptr_t)"modprobe", (char *)(uintptr_t)module, NULL };
	int rc, status;
	pid_t pid;

	printf("loading %s: modprobe %s\n", module, module);
	fflush(stdout);
	rc = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (rc != 0) {
		db_err("cannot run modprobe: %s", strerror(rc));
		return -rc;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		db_err("modprobe %s failed (exit status %d): is the module built for this "
		       "kernel? (CONFIG_VFIO_PCI)", module,
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -EIO;
	}
	return 0;
}

/* A driver name is one sysfs path component. */
static bool
driver_name_ok(const char *driver)
{
	size_t n = strlen(driver);

	return n > 0 && n < DB_NAME_LEN && strchr(driver, '/') == NULL &&
	       strcmp(driver, ".") != 0 && strcmp(driver, "..") != 0;
}

/* Find the named functions. @return 0, or 1 after saying which name is wrong. */
static int
resolve(struct db_scan *scan, char **addrs, int n, struct db_fn **fns)
{
	int i, j;

	for (i = 0; i < n; i++) {
		fns[i] = db_scan_lookup(scan, addrs[i]);
		if (fns[i] == NULL)
			return 1;
		for (j = 0; j < i; j++)
			if (fns[j] == fns[i]) {
				db_err("%s is named twice", fns[i]->addr);
				return 1;
			}
	}
	return 0;
}

static bool
in_list(struct db_fn *const *fns, int n, const struct db_fn *fn)
{
	int i;

	for (i = 0; i < n; i++)
		if (fns[i] == fn)
			return true;
	return false;
}

/*
 * A function the host uses (inuse.c) is refused unless --force: say what
 * the command would take away. @return 1 when refused.
 */
static int
refuse_in_use(const struct db_fn *fn, const struct db_opts *o, const char *cmd)
{
	unsigned int i;

	if (fn->nuse == 0 || o->force)
		return 0;
	for (i = 0; i < fn->nuse; i++)
		db_err("%s is in use by this host: %s", fn->addr, fn->use[i].text);
	db_err("%s: %s it would take it from %s, and %s from the running system; --force "
	       "does it anyway", fn->addr, cmd, fn->driver[0] ? fn->driver : "its driver",
	       fn->nuse == 1 ? "that" : "these");
	return 1;
}

/*
 * The checks of --bind. A function already bound to @p driver is a notice,
 * not a refusal, so that a set-up script can run twice: it is skipped
 * (@p skip). @return 0, or 1 after saying what is refused.
 */
static int
bind_check(struct db_scan *scan, const struct db_opts *o, const char *driver,
	   struct db_fn **fns, int n, bool *skip)
{
	const struct db_fn *blk[16];
	int i, k, nb, refused = 0;

	for (i = 0; i < n; i++) {
		if (refuse_in_use(fns[i], o, "binding") != 0) {
			refused = 1;
			continue;
		}
		if (strcmp(fns[i]->driver, driver) == 0 && !o->force) {
			printf("%s: already bound to %s, nothing to do (--force binds it again)\n",
			       fns[i]->addr, driver);
			skip[i] = true;
			continue;
		}
		if (db_fn_is_bridge(fns[i]) && !o->force) {
			db_err("%s is a bridge (class %06x): binding it away from %s would cut off "
			       "what is behind it; --force binds it anyway", fns[i]->addr,
			       fns[i]->class, fns[i]->driver[0] ? fns[i]->driver : "no driver");
			refused = 1;
			continue;
		}
		if (!db_driver_is_vfio(driver))
			continue;
		/* vfio-pci would take it yet offer no VFIO device: a driver lost for nothing */
		if (fns[i]->group[0] == '\0' && !o->force) {
			db_err("%s has no IOMMU group (no iommu_group link): %s would take it but "
			       "could give it no VFIO device; turn the IOMMU on (boot with "
			       "intel_iommu=on) first; --force binds it anyway", fns[i]->addr,
			       driver);
			refused = 1;
			continue;
		}
		/* vfio-pci opens a function only when it can own its whole group's DMA. */
		nb = db_group_blockers(scan, fns[i], blk, sizeof(blk) / sizeof(blk[0]));
		for (k = 0; k < nb && k < (int)(sizeof(blk) / sizeof(blk[0])); k++) {
			if (in_list(fns, n, blk[k]) || o->force)
				continue;
			refused = 1;
			/* Never advise taking what the host uses, even as a group-mate. */
			if (blk[k]->nuse > 0) {
				db_err("%s: IOMMU group %s is shared with %s, bound to %s, which "
				       "this host uses (%s): give the slot a group of its own with "
				       "ACS; --force binds it anyway (its cdev then refuses to bind)",
				       fns[i]->addr, fns[i]->group, blk[k]->addr, blk[k]->driver,
				       blk[k]->use[0].text);
				continue;
			}
			db_err("%s: IOMMU group %s is shared with %s, bound to %s: bind both "
			       "(pdk-devbind --bind %s %s %s), or give the slot a group of its own "
			       "with ACS; --force binds it anyway (its cdev then refuses to bind)",
			       fns[i]->addr, fns[i]->group, blk[k]->addr, blk[k]->driver, driver,
			       fns[i]->addr, blk[k]->addr);
		}
	}
	if (refused)
		db_err("nothing was changed");
	return refused;
}

/* After the writes: on the real kernel the driver link must say @p driver. */
static int
verify(struct pdk_sys *sys, const struct db_opts *o, const char *addr, const char *driver)
{
	char now[DB_NAME_LEN];
	ssize_t n;

	if (o->mode != DB_MODE_KERNEL)
		return 0;
	n = pdk_vfio_pci_attr_link(sys, addr, "driver", now, sizeof(now));
	if (driver == NULL) {
		if (n >= 0) {
			db_err("%s is still bound to %s after the unbind", addr, now);
			return 1;
		}
		return 0;
	}
	if (n < 0 || strcmp(now, driver) != 0) {
		db_err("%s: %s did not take it (now %s): the kernel log (dmesg) says why", addr,
		       driver, n < 0 ? "no driver" : now);
		return 1;
	}
	return 0;
}

static int
write_attr(struct pdk_sys *sys, const char *addr, const char *attr, const char *value)
{
	int rc = pdk_vfio_pci_attr_write(sys, addr, attr, value);

	if (rc < 0)
		db_err("%s: writing \"%s\" to its %s: %s%s", addr, value[0] == '\n' ? "\\n" : value,
		       attr, strerror(-rc), sys_hint(rc));
	return rc;
}

static int
bind_one(struct pdk_sys *sys, const struct db_opts *o, struct db_fn *fn, const char *driver)
{
	int rc;

	if (fn->driver[0] != '\0') {
		rc = write_attr(sys, fn->addr, "driver/unbind", fn->addr);
		if (rc < 0)
			return 1;
	}
	/* The override makes this driver, and only it, take the function at probe. */
	rc = write_attr(sys, fn->addr, "driver_override", driver);
	if (rc < 0)
		return 1;
	rc = (int)pdk_sys_write_file(sys, SYSFS_PCI_PROBE, fn->addr);
	if (rc < 0) {
		db_err("%s: writing it to " SYSFS_PCI_PROBE ": %s%s", fn->addr, strerror(-rc),
		       sys_hint(rc));
		return 1;
	}
	if (verify(sys, o, fn->addr, driver) != 0)
		return 1;
	printf("%s: bound to %s%s%s%s%s\n", fn->addr, driver,
	       fn->driver[0] ? " (was " : "", fn->driver, fn->driver[0] ? ")" : "",
	       o->mode == DB_MODE_FAKE ? " [fake sysfs tree: files written, not probed]" : "");
	return 0;
}

/*
 * Scan, then find the named functions. @return 0 with the scan and *fns for
 * the caller to free, or 1 with nothing left to free.
 */
static int
scan_resolve(struct pdk_sys *sys, const struct db_opts *o, char **addrs, int naddrs,
	     struct db_scan *scan, struct db_fn ***fns)
{
	if (db_scan(scan, sys, o) < 0)
		return 1;
	*fns = calloc((size_t)naddrs, sizeof(**fns));
	if (*fns == NULL) {
		db_scan_free(scan);
		return 1;
	}
	if (resolve(scan, addrs, naddrs, *fns) != 0) {
		free(*fns);
		db_scan_free(scan);
		return 1;
	}
	return 0;
}

int
db_bind(struct pdk_sys *sys, const struct db_opts *o, const char *driver, char **addrs,
	int naddrs)
{
	struct db_scan scan;
	struct db_fn **fns;
	bool *skip;
	int i, rc;

	if (o->mode == DB_MODE_SIM) {
		db_err("--bind: the SIMULATED kernel does not model driver binding: its functions "
		       "are bound when the sim makes them (see --sim --status)");
		return 1;
	}
	/* Usage errors: exit status 2, as for a bad option. */
	if (!driver_name_ok(driver)) {
		db_err("\"%s\" is not a driver name (as in /sys/bus/pci/drivers/)", driver);
		return 2;
	}
	if (naddrs == 0) {
		db_err("--bind %s: name the functions to bind (PCI addresses: pdk-devbind "
		       "--bind %s ADDR...)", driver, driver);
		return 2;
	}
	if (scan_resolve(sys, o, addrs, naddrs, &scan, &fns) != 0)
		return 1;
	skip = calloc((size_t)naddrs, sizeof(*skip));
	rc = skip == NULL ? 1 : bind_check(&scan, o, driver, fns, naddrs, skip);
	/* Nothing left to bind: no driver to load either. */
	for (i = 0; rc == 0 && i < naddrs && skip[i]; i++)
		;
	if (rc == 0 && i == naddrs)
		goto out;
	if (rc == 0 && !driver_loaded(sys, driver)) {
		/* Only a real kernel has modules to load; a tree is what it is. */
		if (o->mode == DB_MODE_KERNEL && strcmp(driver, "vfio-pci") == 0)
			rc = modprobe(driver) < 0 || !driver_loaded(sys, driver);
		else
			rc = 1;
		if (rc != 0)
			db_err("driver %s is not loaded (no " SYSFS_PCI_DRIVERS "/%s)%s", driver,
			       driver, o->mode == DB_MODE_KERNEL ? ": modprobe it first" : "");
	}
	for (i = 0; rc == 0 && i < naddrs; i++)
		if (!skip[i])
			rc = bind_one(sys, o, fns[i], driver);
out:
	free(skip);
	free(fns);
	db_scan_free(&scan);
	return rc;
}

int
db_unbind(struct pdk_sys *sys, const struct db_opts *o, char **addrs, int naddrs)
{
	struct db_scan scan;
	struct db_fn **fns;
	int i, rc = 0;

	if (o->mode == DB_MODE_SIM) {
		db_err("--unbind: the SIMULATED kernel does not model driver binding");
		return 1;
	}
	if (naddrs == 0) {
		db_err("--unbind: name the functions to unbind (PCI addresses: pdk-devbind "
		       "--unbind ADDR...)");
		return 2;
	}
	if (scan_resolve(sys, o, addrs, naddrs, &scan, &fns) != 0)
		return 1;
	/* Every function is checked before anything is written, as for --bind. */
	for (i = 0; i < naddrs; i++) {
		if (fns[i]->driver[0] == '\0') {
			db_err("%s is not bound to any driver", fns[i]->addr);
			rc = 1;
		} else {
			rc |= refuse_in_use(fns[i], o, "unbinding");
		}
	}
	if (rc != 0)
		db_err("nothing was changed");
	for (i = 0; rc == 0 && i < naddrs; i++) {
		if (write_attr(sys, fns[i]->addr, "driver/unbind", fns[i]->addr) < 0) {
			rc = 1;
			break;
		}
		/*
		 * Clear the override: else the next probe (a rescan, a reboot of
		 * the slot) hands the function to the same driver again. A kernel
		 * older than 3.15 has no driver_override to clear.
		 */
		rc = pdk_vfio_pci_attr_write(sys, fns[i]->addr, "driver_override", "\n");
		if (rc < 0 && rc != -ENOENT) {
			db_err("%s: clearing its driver_override: %s%s", fns[i]->addr,
			       strerror(-rc), sys_hint(rc));
			rc = 1;
			break;
		}
		rc = verify(sys, o, fns[i]->addr, NULL);
		if (rc == 0)
			printf("%s: unbound from %s%s\n", fns[i]->addr, fns[i]->driver,
			       o->mode == DB_MODE_FAKE ? " [fake sysfs tree: files written]" : "");
	}
	free(fns);
	db_scan_free(&scan);
	return rc;
}
