/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The "why" lines: for each function, what keeps PDK from giving it
 * PASIDs and what to do about it. A function with no line is usable.
 * doc/devbind.md explains each line; keep the two in step.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "devbind.h"

static void
why_add(struct db_why *list, unsigned int *n, unsigned int max, const char *fix,
	const char *fmt, va_list ap)
{
	struct db_why *w;

	if (*n == max)
		return;
	w = &list[(*n)++];
	vsnprintf(w->problem, sizeof(w->problem), fmt, ap);
	snprintf(w->fix, sizeof(w->fix), "%s", fix);
}

static void __attribute__((format(printf, 3, 4)))
why(struct db_fn *fn, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	why_add(fn->why, &fn->nwhy, DB_MAX_WHY, fix, fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 3, 4)))
host_why(struct db_scan *scan, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	why_add(scan->host_why, &scan->nhost_why, DB_MAX_HOST_WHY, fix, fmt, ap);
	va_end(ap);
}

bool
db_host_has_no_iommu(const struct db_host *h)
{
	/* The sim has no /sys/kernel: each of its functions has a group link. */
	return h->mode != DB_MODE_SIM && (h->iommu_groups == 0 || h->iommu_groups == -ENOENT);
}

int
db_group_blockers(const struct db_scan *scan, const struct db_fn *fn, const struct db_fn **out,
		  unsigned int max)
{
	unsigned int i, n = 0;

	if (fn->group[0] == '\0')
		return 0;
	for (i = 0; i < scan->n; i++) {
		const struct db_fn *o = &scan->fn[i];

		if (o == fn || strcmp(o->group, fn->group) != 0 ||
		    !db_driver_blocks_group(o->driver))
			continue;
		if (n < max)
			out[n] = o;
		n++;
	}
	return (int)n;
}

static void
advise_iommu(struct db_scan *scan, struct db_fn *fn)
{
	const struct db_host *h = &scan->host;
	const struct db_fn *blk[8];
	char fix[DB_TEXT_LEN];
	int n, i;

	if (fn->group[0] == '\0') {
		/* No IOMMU at all is the host's problem, said once (advise_host). */
		if (!db_host_has_no_iommu(h))
			why(fn, "VFIO cannot use a function its IOMMU does not cover: check the "
				"firmware's IOMMU tables (DMAR, IVRS, IORT) or use another slot",
			    "no IOMMU group: no iommu_group link, the IOMMU does not translate "
			    "this function's DMA");
		return;
	}
	n = db_group_blockers(scan, fn, blk, sizeof(blk) / sizeof(blk[0]));
	for (i = 0; i < n && i < (int)(sizeof(blk) / sizeof(blk[0])); i++) {
		/* Never advise taking what the host uses, even as a group-mate. */
		if (blk[i]->nuse > 0)
			snprintf(fix, sizeof(fix),
				 "%s is in use by this host (%.200s): put this function in a slot "
				 "behind a bridge with ACS, which gets a group of its own",
				 blk[i]->addr, blk[i]->use[0].text);
		else
			snprintf(fix, sizeof(fix),
				 "unbind %s too (pdk-devbind --bind vfio-pci %s %s), or use ACS: "
				 "a slot behind a bridge with ACS gets a group of its own",
				 blk[i]->addr, fn->addr, blk[i]->addr);
		why(fn, fix, "IOMMU group %s is shared with %s, bound to %s: vfio-pci cannot "
		    "own the group's DMA", fn->group, blk[i]->addr, blk[i]->driver);
	}
}

static void
advise_driver(struct db_fn *fn)
{
	char fix[DB_TEXT_LEN];

	/* vfio-pci would take it and offer no device (--bind refuses it): advise_iommu says why. */
	if (fn->group[0] == '\0' && (db_fn_section(fn) == DB_SEC_NO_DRIVER ||
				      db_fn_section(fn) == DB_SEC_OTHER_DRIVER))
		return;
	switch (db_fn_section(fn)) {
	case DB_SEC_NO_DRIVER:
		snprintf(fix, sizeof(fix), "pdk-devbind --bind vfio-pci %s", fn->addr);
		why(fn, fix, "not bound to any driver");
		break;
	case DB_SEC_OTHER_DRIVER:
		snprintf(fix, sizeof(fix), "pdk-devbind --bind vfio-pci %s (unbinds %s)", fn->addr,
			 fn->driver);
		why(fn, fix, "bound to %s, not vfio-pci", fn->driver);
		break;
	case DB_SEC_VFIO_NO_CDEV:
		if (fn->cdev_rc == -ENXIO)
			why(fn, "PDK needs an IOMMU: turn on VT-d, AMD-Vi or the SMMU in the "
				"firmware and the kernel",
			    "VFIO runs it in no-IOMMU mode (only a noiommu-vfio cdev)");
		else
			why(fn, "the kernel needs CONFIG_VFIO_DEVICE_CDEV=y, Linux 6.6+ (Debian's "
				"stock kernels lack it)",
			    "bound to %s but no VFIO cdev (no vfio-dev/ in sysfs)", fn->driver);
		break;
	default:
		break;
	}
}

/* What the host as a whole lacks: one verdict, not a line per function. */
static void
advise_host(struct db_scan *scan)
{
	const struct db_host *h = &scan->host;

	scan->nhost_why = 0;
	if (db_host_has_no_iommu(h))
		host_why(scan, "turn the IOMMU (VT-d, AMD-Vi, SMMU) on in the firmware and boot "
			 "with intel_iommu=on (Intel; AMD-Vi and the SMMU are on when the firmware "
			 "enables them)",
			 "no IOMMU: the kernel runs without one (%s /sys/kernel/iommu_groups), so "
			 "VFIO can offer no device", h->iommu_groups == 0 ? "empty" : "no");
	if (h->release_ok == 0)
		host_why(scan, "boot Linux 6.15 or newer with CONFIG_IOMMUFD and "
			 "CONFIG_VFIO_DEVICE_CDEV",
			 "Linux %s is older than 6.15: iommufd has no PASID attach", h->release);
	if (h->dev_iommu == -ENOENT || h->dev_iommu == -ENXIO || h->dev_iommu == -ENODEV)
		host_why(scan, "boot a kernel built with CONFIG_IOMMUFD=y (Debian's stock "
			 "kernels lack it)", "no /dev/iommu: the kernel has no iommufd");
	else if (h->dev_iommu == -EACCES || h->dev_iommu == -EPERM)
		host_why(scan, "run as root, or give the user read-write access to /dev/iommu",
			 "/dev/iommu is not accessible (%s)", strerror(-h->dev_iommu));
	else if (h->dev_iommu < 0 && h->dev_iommu != 1)
		host_why(scan, "check the kernel log (dmesg)", "/dev/iommu cannot be opened (%s)",
			 strerror(-h->dev_iommu));
}

static void
advise_probe(const struct db_scan *scan, struct db_fn *fn)
{
	const struct db_host *h = &scan->host;
	const struct db_probe *p = &fn->probe;
	const struct db_pasid_cap *c = &fn->cap;
	const char *hint;

	if (!p->tried)
		return;
	if (p->rc < 0) {
		/* Said already: what is wrong with /dev/iommu, or the group's other driver. */
		if (h->dev_iommu < 0 && strcmp(p->step, "open /dev/iommu") == 0)
			return;
		if (p->rc == -EPERM && db_group_blockers(scan, fn, NULL, 0) > 0)
			return;
		/* The library's line ends with its advice: "...: <error> (-N); <hint>". */
		hint = strstr(p->detail, "); ");
		why(fn, hint != NULL ? hint + 3 : p->detail, "the iommufd view failed at %s: %s",
		    p->step, strerror(-p->rc));
		return;
	}
	if (p->info.data_type == IOMMU_HW_INFO_TYPE_AMD) {
		why(fn, "use Intel VT-d in scalable mode or ARM SMMUv3 for PASIDs; PDK can still "
			"use the RID",
		    "PASID width %u, but the IOMMU is AMD-Vi: its kernel driver refuses PASID "
		    "attach to paging domains", p->info.max_pasid_log2);
		return;
	}
	if (p->info.max_pasid_log2 > 0)
		return;
	if (c->state == DB_CAP_ABSENT)
		why(fn, "use a PASID-capable function for PASIDs; PDK can still use the RID",
		    "PASID width 0: the function has no PASID capability");
	else if (c->state == DB_CAP_PRESENT && !c->enabled)
		why(fn, "the IOMMU driver enables PASID only when it supports it: on Intel boot "
			"with intel_iommu=on,sm_on (scalable mode)",
		    "PASID width 0: the function's PASID capability (width %u) is not enabled",
		    c->width);
	else if (c->state == DB_CAP_PRESENT)
		why(fn, "check that the IOMMU supports PASID (VT-d scalable mode: "
			"intel_iommu=sm_on; SMMUv3 with SSID support)",
		    "PASID width 0 although the capability (width %u) is enabled: the IOMMU "
		    "does not give this function PASIDs", c->width);
	else if (h->release_ok == 0)
		why(fn, "boot Linux 6.15 or newer",
		    "PASID width 0: kernels before 6.15 do not report one");
	else
		why(fn, "check the function's PASID capability (lspci -vv as root) and that the "
			"IOMMU runs in a PASID mode (VT-d scalable mode: intel_iommu=sm_on)",
		    "PASID width 0: no PASID capability, or the IOMMU driver did not enable it");
}

/* Without an iommufd view, config space alone can still rule PASIDs out. */
static void
advise_cap(struct db_fn *fn)
{
	if (fn->probe.tried && fn->probe.rc == 0)
		return;
	if (fn->cap.state == DB_CAP_ABSENT)
		why(fn, "use a PASID-capable function for PASIDs; PDK can still use the RID",
		    "no PASID capability in config space");
}

void
db_advise(struct db_scan *scan)
{
	unsigned int i;

	advise_host(scan);
	for (i = 0; i < scan->n; i++) {
		struct db_fn *fn = &scan->fn[i];
		enum db_section sec = db_fn_section(fn);

		fn->nwhy = 0;
		/*
		 * What the host uses is not PDK's (inuse.c says why), nor is a
		 * function on another driver, or none, that no PDK driver takes:
		 * no advice for either. What is on vfio-pci already is someone's
		 * choice, so it gets the whole analysis.
		 */
		fn->usable = false;
		if (sec == DB_SEC_BRIDGE || fn->nuse > 0)
			continue;
		if ((sec == DB_SEC_OTHER_DRIVER || sec == DB_SEC_NO_DRIVER) &&
		    fn->pdk_driver == NULL)
			continue;
		advise_iommu(scan, fn);
		/* Without an IOMMU, vfio-pci can do nothing with a function: no bind advice. */
		if (!db_host_has_no_iommu(&scan->host))
			advise_driver(fn);
		advise_probe(scan, fn);
		advise_cap(fn);
		fn->usable = sec == DB_SEC_VFIO_CDEV && fn->nwhy == 0 && scan->nhost_why == 0;
	}
}
