/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef DEVBIND_H
#define DEVBIND_H

/*
 * pdk-devbind: what PDK can use on this machine, and binding functions to
 * vfio-pci. The files split by purpose:
 *   main.c       options, backend choice (kernel, fake sysfs tree, sim)
 *   scan.c       the host's facts and every PCI function's sysfs view
 *   pasid_cap.c  the PASID extended capability in config space
 *   probe.c      the iommufd view of a vfio-pci function (GET_HW_INFO)
 *   inuse.c      what the host uses a function for (mounts, swap, interfaces)
 *   advise.c     the "why" lines: what keeps a function from PASIDs
 *   bind.c       --bind / --unbind through driver_override
 *   cfgmap.c     --map, --layout-write, --layout-check: one function's
 *                config-space map and the migration check (lib/pcicfg)
 *   output.c     the status and map text and JSON
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pdk_iommufd.h"
#include "pdk_pcicfg.h"
#include "pdk_sys.h"
#include "pdk_vfio.h"

/* PASID attach through iommufd arrived in this release. */
#define DB_PASID_KERNEL_MAJOR 6
#define DB_PASID_KERNEL_MINOR 15

#define DB_NAME_LEN 64
#define DB_TEXT_LEN 512
#define DB_MAX_WHY 8
#define DB_MAX_USE 8
#define DB_PATH_LEN 4096
#define DB_ROOT_LEN 1024

/* The installed quirk table (lib/pcicfg/quirks.txt); meson gives the real path. */
#ifndef DB_QUIRKS_PATH
#define DB_QUIRKS_PATH "/usr/local/share/pdk/pcicfg-quirks.txt"
#endif

/* Where the functions come from. */
enum db_mode {
	DB_MODE_KERNEL,		/* the real /sys and /dev */
	DB_MODE_FAKE,		/* a sysfs tree under --sysfs DIR; /dev is not looked at */
	DB_MODE_SIM,		/* PDK's simulated kernel */
};

/* What a run was asked to do; filled by main.c. */
struct db_opts {
	enum db_mode mode;
	const char *sysfs_root;
	const char *kernel_release;	/* --kernel-release, else uname */
	bool json;
	bool all;			/* bridges too */
	bool probe;			/* open the vfio-pci functions (iommufd view) */
	bool force;
	bool verbose;
	/* --map and the layout commands */
	const char *quirks;		/* --quirks FILE, else the installed table */
	bool vpasid;			/* --vpasid POLICY given */
	enum pdk_pcicfg_policy policy;
	bool have_offset;		/* --vpasid-offset OFF given */
	uint16_t offset;
};

/* The policies in the order --map lists them. */
#define DB_NPOLICIES 6

/* One policy's answer for the virtual PASID capability. */
struct db_placement {
	enum pdk_pcicfg_policy policy;
	int rc;				/* 0, or the -errno of pdk_pcicfg_place_pasid() */
	bool asked;			/* false: user without --vpasid-offset */
	struct pdk_pcicfg_place place;
};

/* What --map shows of one function or dump (cfgmap.c fills it, output.c prints it). */
struct db_map {
	enum db_mode mode;
	char what[DB_PATH_LEN];		/* the normalised address, or the dump file */
	bool is_file;
	char source[1280];		/* where the bytes came from, and why that source */
	struct pdk_pcicfg *cfg;
	char quirks[DB_PATH_LEN];	/* the quirk table read, "" when none */
	char quirks_note[DB_TEXT_LEN];	/* how many entries it gave, or why none was read */
	bool facts_read;		/* a device: pdk_pcicfg_pasid_facts() ran */
	struct pdk_pcicfg_pasid_facts facts;
	struct pdk_pcicfg_pasid_cap file_cap;	/* a dump: its PASID capability */
	struct db_placement placement[DB_NPOLICIES];
};

/* The PASID extended capability as config space shows it. */
enum db_cap_state {
	DB_CAP_UNREAD,		/* config space (extended part) not readable */
	DB_CAP_ABSENT,		/* the list was walked: no PASID capability */
	DB_CAP_PRESENT,
	DB_CAP_HIDDEN,		/* not in VFIO's virtual list, which leaves it out */
};

struct db_pasid_cap {
	enum db_cap_state state;
	const char *source;	/* "sysfs config", "VFIO config region" */
	char note[128];		/* DB_CAP_UNREAD, DB_CAP_HIDDEN: why */
	uint16_t offset;	/* of the capability header */
	uint8_t width;		/* Max PASID Width */
	bool exec_supported;
	bool priv_supported;
	bool enabled;		/* PASID Enable */
	bool exec_enabled;
	bool priv_enabled;
};

/* The iommufd view of a vfio-pci function with a cdev. */
struct db_probe {
	bool tried;
	int rc;			/* 0, or the -errno of the step that failed */
	const char *step;	/* that step */
	char detail[DB_TEXT_LEN];	/* the library's log line for it */
	struct pdk_iommufd_hw_info info;
};

/* One "why" line: what is wrong, and what to do about it. */
struct db_why {
	char problem[DB_TEXT_LEN];
	char fix[DB_TEXT_LEN];
};

/* What the host uses a function for: binding it away would take that. */
enum db_use_kind {
	DB_USE_MOUNT,		/* a mounted file system on one of its block devices */
	DB_USE_SWAP,		/* swap on one of them */
	DB_USE_NET,		/* a network interface that is up or carries routes */
	DB_USE_UNKNOWN,		/* the facts could not be read: taken as in use */
};

struct db_use {
	enum db_use_kind kind;
	char object[DB_PATH_LEN];	/* the mount point, swap device, interface */
	char text[DB_TEXT_LEN];		/* the whole fact, as both renderings say it */
};

enum db_section {
	DB_SEC_VFIO_CDEV,
	DB_SEC_VFIO_NO_CDEV,
	DB_SEC_OTHER_DRIVER,
	DB_SEC_NO_DRIVER,
	DB_SEC_BRIDGE,
	DB_SEC_COUNT,
};

struct db_fn {
	char addr[PDK_PCI_ADDR_LEN];
	uint32_t vendor;
	uint32_t device;
	uint32_t class;		/* 24 bits: class, subclass, prog-if */
	char driver[DB_NAME_LEN];	/* "" when none is bound */
	char group[DB_NAME_LEN];	/* IOMMU group number, "" when none */
	char cdev[DB_NAME_LEN];		/* /dev/vfio/devices/vfioN, "" when none */
	const char *pdk_driver;		/* the PDK driver that takes its IDs, or NULL */
	int cdev_rc;			/* pdk_vfio_pci_cdev_find()'s answer */
	struct db_pasid_cap cap;
	struct db_probe probe;
	bool selected;			/* shown (the status filter) */
	unsigned int nuse;
	struct db_use use[DB_MAX_USE];	/* none: the host does not use it */
	unsigned int nwhy;
	struct db_why why[DB_MAX_WHY];
	bool usable;			/* PDK can open it: nothing above, nor the host, says no */
};

/* Facts of the machine, shared by all its functions. */
struct db_host {
	enum db_mode mode;
	const char *sysfs_root;
	struct pdk_sys *sys;
	char release[80];		/* kernel release (uname: up to 64), "" when not known */
	bool release_from_option;
	int release_ok;			/* 1: >= 6.15, 0: older, -1: not known (sim) */
	int iommu_groups;		/* count or -errno; not looked at on the sim */
	int dev_iommu;			/* 0, -errno of the open, or 1: not looked at */
	bool root;			/* effective uid 0 */
	/* Where inuse.c reads its facts: "/sys" and "/proc", or a fake tree's. */
	char facts_sys[DB_ROOT_LEN];
	char facts_proc[DB_ROOT_LEN];
};

#define DB_MAX_HOST_WHY 4

struct db_scan {
	struct db_host host;
	/* What keeps PDK from PASIDs on every function: said once, for the host. */
	unsigned int nhost_why;
	struct db_why host_why[DB_MAX_HOST_WHY];
	struct db_fn *fn;
	unsigned int n;
};

/* scan.c */
int db_scan(struct db_scan *scan, struct pdk_sys *sys, const struct db_opts *o);
void db_scan_free(struct db_scan *scan);
struct db_fn *db_scan_find(struct db_scan *scan, const char *addr);
struct db_fn *db_scan_lookup(struct db_scan *scan, const char *arg);
bool db_driver_is_vfio(const char *driver);
bool db_driver_blocks_group(const char *driver);
bool db_fn_is_bridge(const struct db_fn *fn);
enum db_section db_fn_section(const struct db_fn *fn);

/* pasid_cap.c */
void db_pasid_cap_from_sysfs(struct db_pasid_cap *cap, struct pdk_sys *sys, const char *addr,
			     bool root);
void db_pasid_cap_from_vfio(struct db_pasid_cap *cap, struct pdk_vfio_dev *dev);
/* The state's one name, in the text and the JSON alike. */
const char *db_pasid_cap_state_name(enum db_cap_state state);

/* probe.c */
void db_probe_fn(struct db_fn *fn, struct db_host *host);

/* inuse.c */
void db_inuse_scan(struct db_scan *scan);

/* advise.c */
void db_advise(struct db_scan *scan);
bool db_host_has_no_iommu(const struct db_host *h);
int db_group_blockers(const struct db_scan *scan, const struct db_fn *fn,
		      const struct db_fn **out, unsigned int max);

/* bind.c */
int db_bind(struct pdk_sys *sys, const struct db_opts *o, const char *driver,
	    char **addrs, int naddrs);
int db_unbind(struct pdk_sys *sys, const struct db_opts *o, char **addrs, int naddrs);

/* cfgmap.c: the exit status of each (doc/devbind.md) */
int db_cmd_map(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs);
int db_cmd_layout_write(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs);
int db_cmd_layout_check(struct pdk_sys *sys, const struct db_opts *o, char **args, int nargs);

/* output.c */
void db_print_status(FILE *out, const struct db_scan *scan, const struct db_opts *o);
void db_print_json(FILE *out, const struct db_scan *scan, const struct db_opts *o);
void db_print_map(FILE *out, const struct db_map *m);
void db_print_map_json(FILE *out, const struct db_map *m);
/* @p ndiff: pdk_pcicfg_layout_compare()'s answer; @p report its lines */
void db_print_layout_check(FILE *out, const struct db_opts *o, const char *a, const char *b,
			   int ndiff, const char *report);

/* main.c: the last ERR line a library logged, captured for the report */
void db_log_capture_reset(void);
const char *db_log_captured(void);

/* Print "pdk-devbind: <message>" to stderr. */
void db_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* DEVBIND_H */
