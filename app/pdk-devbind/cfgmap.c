/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * --map, --layout-write and --layout-check: the config-space map of one
 * function (or of a dump of one) through lib/pcicfg, its PASID facts, where
 * a virtual PASID capability would go under each policy, and the layout
 * file a migration source and destination compare (issue 13, doc/pcicfg.md).
 *
 * Where the bytes come from: sysfs `config` when it gives all 4096 (root);
 * else the VFIO config region of a vfio-pci function with a cdev (opening
 * it resets the function: --no-probe skips it), which is vfio-pci's virtual
 * view, not the registers; else what sysfs gave (64 bytes unprivileged).
 * The map says which.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devbind.h"

static const enum pdk_pcicfg_policy policies[DB_NPOLICIES] = {
	PDK_PCICFG_PLACE_PHYSICAL, PDK_PCICFG_PLACE_END, PDK_PCICFG_PLACE_FIRST_FIT,
	PDK_PCICFG_PLACE_DVSEC, PDK_PCICFG_PLACE_QUIRK, PDK_PCICFG_PLACE_USER,
};

/* The library's last ERR line, or @p rc's text: the cause, said once. */
static const char *
cause(int rc)
{
	const char *line = db_log_captured();

	return line != NULL ? line : strerror(-rc);
}

/* An open, bound VFIO device for the IOMMU's and VFIO's views. */
struct vfio_view {
	struct pdk_iommufd *ctx;
	struct pdk_vfio_dev *dev;
	const char *skipped;		/* why there is none */
	const char *fix;		/* what would give one */
	char failed[DB_TEXT_LEN];	/* the step that failed, when one did */
};

static void
vfio_view_close(struct vfio_view *v)
{
	pdk_vfio_close(v->dev);
	pdk_iommufd_close(v->ctx);
	v->dev = NULL;
	v->ctx = NULL;
}

static void
vfio_view_open(struct pdk_sys *sys, const struct db_opts *o, const char *addr,
	       struct vfio_view *v)
{
	char cdev[DB_PATH_LEN];
	uint32_t dev_id;
	int rc;

	memset(v, 0, sizeof(*v));
	if (o->mode == DB_MODE_FAKE) {
		v->skipped = "a fake sysfs tree has no devices to open";
		v->fix = "give the tree a 4096-byte config file";
		return;
	}
	if (!o->probe) {
		v->skipped = "--no-probe";
		v->fix = "run as root, or drop --no-probe";
		return;
	}
	if (pdk_vfio_pci_cdev_find(sys, addr, cdev, sizeof(cdev)) < 0) {
		v->skipped = "no VFIO cdev (not bound to vfio-pci)";
		v->fix = "run as root, or bind it to vfio-pci (pdk-devbind --bind vfio-pci ADDR)";
		return;
	}
	db_log_capture_reset();
	rc = pdk_iommufd_open(sys, &v->ctx);
	if (rc == 0)
		rc = pdk_vfio_open(sys, addr, &v->dev);
	if (rc == 0)
		rc = pdk_vfio_bind(v->dev, v->ctx, &dev_id);
	if (rc < 0) {
		snprintf(v->failed, sizeof(v->failed), "opening its VFIO cdev failed: %s", cause(rc));
		v->skipped = v->failed;
		v->fix = "run as root (sysfs config gives root all 4096 bytes), or fix the cause above";
		vfio_view_close(v);
	}
}

/* What was not asked of the IOMMU and VFIO says why devbind did not ask. */
static void
facts_not_asked(struct pdk_pcicfg_pasid_facts *f, const char *why)
{
	if (f->iommu.state == PDK_PCICFG_FACT_UNKNOWN && f->iommu.rc == 0)
		snprintf(f->iommu.why, sizeof(f->iommu.why), "not asked: %s", why);
	if (f->vfio.state == PDK_PCICFG_FACT_UNKNOWN && strncmp(f->vfio.why, "not asked", 9) == 0)
		snprintf(f->vfio.why, sizeof(f->vfio.why), "not asked: %s", why);
}

/* The map of a function: sysfs config, else the VFIO config region. @return 0 or 1. */
static int
load_device(struct pdk_sys *sys, const struct db_opts *o, const char *addr, struct db_map *m)
{
	struct pdk_pcicfg *sysfs_cfg = NULL, *vfio_cfg = NULL;
	char sysfs_note[160] = "";
	struct vfio_view v;
	uint32_t vendor;
	int rc;

	snprintf(m->what, sizeof(m->what), "%s", addr);
	if (pdk_vfio_pci_attr_hex(sys, addr, "vendor", &vendor) == -ENOENT) {
		db_err("%s: read its config space: no such PCI function in /sys/bus/pci/devices%s; "
		       "do: check the address with lspci -D or pdk-devbind --status", addr,
		       o->mode == DB_MODE_FAKE ? " of the --sysfs tree" :
		       o->mode == DB_MODE_SIM ? " of the SIMULATED kernel" : "");
		return 1;
	}
	db_log_capture_reset();
	rc = pdk_pcicfg_read_sysfs(sys, addr, &sysfs_cfg);
	if (rc < 0)
		snprintf(sysfs_note, sizeof(sysfs_note), "sysfs config not readable (%s)",
			 strerror(-rc));
	else if (pdk_pcicfg_size(sysfs_cfg) < PDK_PCICFG_SIZE)
		snprintf(sysfs_note, sizeof(sysfs_note), "sysfs config gave %zu bytes%s",
			 pdk_pcicfg_size(sysfs_cfg),
			 geteuid() != 0 ? " (the extended space needs root)" : "");
	vfio_view_open(sys, o, addr, &v);
	pdk_pcicfg_pasid_facts(sys, addr, v.dev, &m->facts);
	m->facts_read = true;
	if (v.dev == NULL)
		facts_not_asked(&m->facts, v.skipped);
	if (sysfs_cfg == NULL || pdk_pcicfg_size(sysfs_cfg) < PDK_PCICFG_SIZE) {
		if (v.dev != NULL && pdk_vfio_iommufd(v.dev) != NULL &&
		    pdk_pcicfg_read_vfio(v.dev, &vfio_cfg) == 0) {
			m->cfg = vfio_cfg;
			snprintf(m->source, sizeof(m->source),
				 "the VFIO config region, vfio-pci's virtual view (it hides the PASID "
				 "capability); %s", sysfs_note);
		} else if (sysfs_cfg != NULL) {
			m->cfg = sysfs_cfg;
			sysfs_cfg = NULL;
			snprintf(m->source, sizeof(m->source), "%s; no VFIO view: %s", sysfs_note,
				 v.skipped != NULL ? v.skipped : "its config region was not readable");
		}
	} else {
		m->cfg = sysfs_cfg;
		sysfs_cfg = NULL;
		snprintf(m->source, sizeof(m->source),
			 "sysfs /sys/bus/pci/devices/%s/config, all 4096 bytes (the registers)", addr);
	}
	vfio_view_close(&v);
	pdk_pcicfg_free(sysfs_cfg);
	if (m->cfg == NULL) {
		db_err("%s: read its config space: %s, and %s; do: %s", addr, sysfs_note,
		       v.skipped != NULL ? v.skipped : "its VFIO config region was not readable",
		       v.fix != NULL ? v.fix : "run as root");
		return 1;
	}
	return 0;
}

/* The map of a dump file. @return 0 or 1. */
static int
load_file(const char *path, struct db_map *m)
{
	int rc;

	snprintf(m->what, sizeof(m->what), "%s", path);
	m->is_file = true;
	db_log_capture_reset();
	rc = pdk_pcicfg_read_file(path, &m->cfg);
	if (rc < 0) {
		db_err("%s: not a PCI address (DDDD:BB:DD.F), and reading it as a config-space dump "
		       "failed: %s; do: give an address, a binary dump (64, 256 or 4096 bytes) or "
		       "lspci -xxxx text", path, cause(rc));
		return 1;
	}
	snprintf(m->source, sizeof(m->source), "the file %s (%zu bytes of config space)", path,
		 pdk_pcicfg_size(m->cfg));
	pdk_pcicfg_pasid_cap(m->cfg, path, &m->file_cap);
	return 0;
}

static int
apply_quirks(const struct db_opts *o, struct db_map *m)
{
	const char *path = o->quirks != NULL ? o->quirks : DB_QUIRKS_PATH;
	int rc;

	if (o->quirks == NULL && access(path, R_OK) != 0) {
		snprintf(m->quirks_note, sizeof(m->quirks_note),
			 "no quirk table: %s is not installed (--quirks FILE reads one)", path);
		return 0;
	}
	snprintf(m->quirks, sizeof(m->quirks), "%s", path);
	db_log_capture_reset();
	rc = pdk_pcicfg_quirks_apply(m->cfg, path);
	if (rc < 0) {
		db_err("%s: read the quirk table: %s", path, cause(rc));
		return 1;
	}
	snprintf(m->quirks_note, sizeof(m->quirks_note), "%d entr%s for %04x:%04x", rc,
		 rc == 1 ? "y" : "ies", pdk_pcicfg_vendor(m->cfg), pdk_pcicfg_device(m->cfg));
	return 0;
}

/* Read the function or dump @p arg into @p m, with its quirks. @return 0 or 1 (said). */
static int
map_load(struct pdk_sys *sys, const struct db_opts *o, const char *arg, struct db_map *m)
{
	char addr[PDK_PCI_ADDR_LEN];
	int rc;

	memset(m, 0, sizeof(*m));
	m->mode = o->mode;
	db_log_capture_reset();
	rc = pdk_sys_pci_addr_parse(arg, addr);
	if (rc == 0) {
		rc = load_device(sys, o, addr, m);
	} else if (strchr(arg, ':') != NULL && strchr(arg, '/') == NULL && access(arg, F_OK) != 0) {
		/* meant as an address: say what is wrong with it, not that no file has its name */
		db_err("%s (and no file has that name)", cause(rc));
		return 1;
	} else {
		rc = load_file(arg, m);
	}
	if (rc == 0)
		rc = apply_quirks(o, m);
	return rc;
}

static void
map_place(const struct db_opts *o, struct db_map *m)
{
	unsigned int i;

	for (i = 0; i < DB_NPOLICIES; i++) {
		struct db_placement *p = &m->placement[i];

		p->policy = policies[i];
		p->asked = p->policy != PDK_PCICFG_PLACE_USER || o->have_offset;
		if (!p->asked) {
			snprintf(p->place.why, sizeof(p->place.why),
				 "not asked: --vpasid-offset OFF checks an offset");
			continue;
		}
		p->rc = pdk_pcicfg_place_pasid(m->cfg, p->policy, o->offset, &p->place);
	}
}

int
db_cmd_map(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs)
{
	struct db_map *m;
	int rc;

	if (nargs != 1) {
		db_err("--map takes one function (ADDR) or config-space dump (FILE)");
		return 2;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		db_err("--map: out of memory");
		return 1;
	}
	rc = map_load(sys, o, args[0], m);
	if (rc == 0) {
		map_place(o, m);
		if (o->json)
			db_print_map_json(stdout, m);
		else
			db_print_map(stdout, m);
	}
	pdk_pcicfg_free(m->cfg);
	free(m);
	return rc;
}

/* A layout file is JSON: its first non-blank byte is '{'. */
static bool
is_layout_file(const char *path)
{
	FILE *f = fopen(path, "r");
	int ch;

	if (f == NULL)
		return false;
	do
		ch = fgetc(f);
	while (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r');
	fclose(f);
	return ch == '{';
}

/*
 * The layout a guest sees of @p arg: a layout file as it is, or the map of
 * a function or dump with the virtual PASID capability of --vpasid.
 * @return 0, or 1 after saying why.
 */
static int
side_layout(struct pdk_sys *sys, const struct db_opts *o, const char *arg,
	    struct pdk_pcicfg_layout **layout, char *what, size_t len)
{
	struct pdk_pcicfg_place place;
	struct db_map *m;
	int rc;

	*layout = NULL;
	if (is_layout_file(arg)) {
		snprintf(what, len, "layout file %s", arg);
		db_log_capture_reset();
		rc = pdk_pcicfg_layout_read(arg, layout);
		if (rc < 0) {
			db_err("%s: read the layout file: %s", arg, cause(rc));
			return 1;
		}
		return 0;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		db_err("%s: out of memory", arg);
		return 1;
	}
	rc = map_load(sys, o, arg, m);
	if (rc == 0 && o->vpasid) {
		db_log_capture_reset();
		if (pdk_pcicfg_place_pasid(m->cfg, o->policy, o->offset, &place) < 0) {
			db_err("%s: place the virtual PASID capability (--vpasid %s): %s; do: choose "
			       "another policy (pdk-devbind --map %s lists them)", m->what,
			       pdk_pcicfg_policy_name(o->policy), place.why, arg);
			rc = 1;
		}
	}
	if (rc == 0) {
		if (o->vpasid)
			snprintf(what, len, "%s (virtual PASID capability at 0x%03x, --vpasid %s)",
				 m->what, place.offset, pdk_pcicfg_policy_name(o->policy));
		else
			snprintf(what, len, "%s (no virtual PASID capability)", m->what);
		if (pdk_pcicfg_layout_from(m->cfg, o->vpasid ? &place : NULL, layout) < 0) {
			db_err("%s: make its layout: %s", m->what, cause(-ENOMEM));
			rc = 1;
		}
	}
	pdk_pcicfg_free(m->cfg);
	free(m);
	return rc;
}

int
db_cmd_layout_write(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs)
{
	struct pdk_pcicfg_layout *layout;
	char what[DB_PATH_LEN + 128];
	bool to_stdout;
	FILE *f;
	int rc;

	if (nargs != 2) {
		db_err("--layout-write takes a function or dump (ADDR|FILE) and the layout file to "
		       "write (FILE, - for stdout)");
		return 2;
	}
	if (side_layout(sys, o, args[0], &layout, what, sizeof(what)) != 0)
		return 1;
	to_stdout = strcmp(args[1], "-") == 0;
	f = to_stdout ? stdout : fopen(args[1], "w");
	if (f == NULL) {
		db_err("%s: open the layout file for writing: %s; do: check the path", args[1],
		       strerror(errno));
		pdk_pcicfg_layout_free(layout);
		return 1;
	}
	rc = pdk_pcicfg_layout_write(layout, f);
	if (!to_stdout && fclose(f) != 0 && rc == 0)
		rc = -EIO;
	pdk_pcicfg_layout_free(layout);
	if (rc < 0) {
		db_err("%s: write the layout file: %s; do: check the disk", args[1], strerror(-rc));
		return 1;
	}
	if (!to_stdout)
		printf("wrote the layout of %s to %s\n", what, args[1]);
	return 0;
}

int
db_cmd_layout_check(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs)
{
	struct pdk_pcicfg_layout *a = NULL, *b = NULL;
	char wa[DB_PATH_LEN + 128], wb[DB_PATH_LEN + 128], report[4096];
	int rc;

	if (nargs != 2) {
		db_err("--layout-check takes two sides: ADDR|FILE FILE (a function, a config-space "
		       "dump or a layout file, then a layout file or dump)");
		return 2;
	}
	if (side_layout(sys, o, args[0], &a, wa, sizeof(wa)) != 0 ||
	    side_layout(sys, o, args[1], &b, wb, sizeof(wb)) != 0) {
		pdk_pcicfg_layout_free(a);
		return 2;
	}
	rc = pdk_pcicfg_layout_compare(a, b, report, sizeof(report));
	pdk_pcicfg_layout_free(a);
	pdk_pcicfg_layout_free(b);
	if (rc < 0) {
		db_err("compare the layouts: %s", strerror(-rc));
		return 2;
	}
	db_print_layout_check(stdout, o, wa, wb, rc, report);
	return rc == 0 ? 0 : 1;
}
