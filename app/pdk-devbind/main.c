/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-devbind: which PCI functions PDK can give PASIDs to, why the others
 * cannot, and binding functions to vfio-pci (in the spirit of DPDK's
 * dpdk-devbind). Options and the choice of backend live here.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devbind.h"
#include "pdk_log.h"
#include "pdk_sim.h"

enum db_cmd {
	DB_CMD_STATUS,
	DB_CMD_BIND,
	DB_CMD_UNBIND,
	DB_CMD_MAP,
	DB_CMD_LAYOUT_WRITE,
	DB_CMD_LAYOUT_CHECK,
};

/* ---- messages ---- */

void
db_err(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("pdk-devbind: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Library errors are answers here (a function without a cdev, a bind the
 * group forbids): keep the last one for the report instead of printing it.
 * -v prints them as they come.
 */
static char captured[DB_TEXT_LEN];
static bool captured_any;
static bool log_verbose;

static void
log_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (level == PDK_LOG_ERR) {
		snprintf(captured, sizeof(captured), "%s", line);
		captured_any = true;
	}
	if (log_verbose)
		fprintf(stderr, "PDK %s: %s\n", component, line);
}

void
db_log_capture_reset(void)
{
	captured_any = false;
	captured[0] = '\0';
}

const char *
db_log_captured(void)
{
	return captured_any ? captured : NULL;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: pdk-devbind [options] [--status] [ADDR...]\n"
		"       pdk-devbind [options] --bind DRIVER ADDR...\n"
		"       pdk-devbind [options] --unbind ADDR...\n"
		"       pdk-devbind [options] --map ADDR|FILE\n"
		"       pdk-devbind [options] --layout-write ADDR|FILE LAYOUT\n"
		"       pdk-devbind [options] --layout-check ADDR|FILE LAYOUT\n"
		"\n"
		"Shows which PCI functions PDK can give PCIe PASIDs to (vfio-pci with a VFIO\n"
		"cdev, an IOMMU, iommufd), says why the others cannot and what to do, and\n"
		"binds functions to vfio-pci through sysfs driver_override.\n"
		"\n"
		"Commands:\n"
		"  -s, --status          list the functions (the default), or only ADDR...\n"
		"  -b, --bind DRIVER     bind ADDR... to DRIVER (vfio-pci: loaded if needed)\n"
		"  -u, --unbind          unbind ADDR... from their drivers\n"
		"  -m, --map             the config-space map of one function (ADDR) or dump\n"
		"                        (FILE: a binary dump or lspci -xxxx text): its\n"
		"                        capabilities (offset, length, source), holes, hidden\n"
		"                        ranges, findings, PASID facts, and where a virtual\n"
		"                        PASID capability goes under each policy\n"
		"      --layout-write    write the capability layout a guest sees of ADDR|FILE\n"
		"                        to the JSON file LAYOUT (- for stdout)\n"
		"      --layout-check    compare two layouts, as a migration source and\n"
		"                        destination (each a function, a dump or a layout\n"
		"                        file); prints \"compatible\" or the differences\n"
		"  -h, --help            this text\n"
		"\n"
		"Options:\n"
		"      --force           bind or unbind a function this host uses (a mounted\n"
		"                        file system, swap, an interface that is up or has\n"
		"                        routes); bind a bridge, a function without an IOMMU\n"
		"                        group, or one whose IOMMU group has a function on a\n"
		"                        non-VFIO driver; rebind one already bound to DRIVER\n"
		"      --json            --status, --map and --layout-check as JSON\n"
		"      --all             --status lists bridges too\n"
		"      --no-probe        do not open vfio-pci functions for the iommufd view\n"
		"                        (opening one makes vfio-pci reset it)\n"
		"      --sim             use PDK's SIMULATED kernel and devices\n"
		"      --sysfs DIR       read and write a fake sysfs tree DIR instead of /sys,\n"
		"                        and DIR/../proc instead of /proc (tests; /dev is then\n"
		"                        not looked at)\n"
		"      --kernel-release REL  judge the kernel by REL instead of uname's\n"
		"      --quirks FILE     the quirk table of --map and the layouts (default:\n"
		"                        the installed " DB_QUIRKS_PATH ")\n"
		"      --vpasid POLICY   the layouts get a virtual PASID capability placed by\n"
		"                        POLICY: physical, end, first-fit, dvsec, quirk, user\n"
		"      --vpasid-offset OFF  the offset the user policy checks (hex or decimal;\n"
		"                        also shown by --map)\n"
		"  -v, --verbose         print the libraries' log lines as they come\n"
		"\n"
		"ADDR is DDDD:BB:DD.F or BB:DD.F, as lspci -D prints it. Exit status: 0,\n"
		"1 when a command fails or is refused, 2 for a usage error; --layout-check:\n"
		"0 compatible, 1 different, 2 error. doc/devbind.md explains every \"why\"\n"
		"line, doc/pcicfg.md the map, the policies and the layout file.\n");
}

/* A policy by its pdk_pcicfg_policy_name(). */
static int
policy_parse(const char *s, enum pdk_pcicfg_policy *policy)
{
	int p;

	for (p = PDK_PCICFG_PLACE_PHYSICAL; p <= PDK_PCICFG_PLACE_USER; p++) {
		if (strcmp(s, pdk_pcicfg_policy_name((enum pdk_pcicfg_policy)p)) == 0) {
			*policy = (enum pdk_pcicfg_policy)p;
			return 0;
		}
	}
	return -EINVAL;
}

/* An offset of config space: hex with 0x, or decimal, below 0x1000. */
static int
offset_parse(const char *s, uint16_t *off)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v >= PDK_PCICFG_SIZE)
		return -EINVAL;
	*off = (uint16_t)v;
	return 0;
}

/*
 * Extra functions beside the sim's default one, to show each case; those on
 * bus 5e have the capability chains of doc/sim.md ("Capability chains"), for
 * --map: a PF whose PASID capability sits behind AER, ATS and SR-IOV, its VF,
 * registers in holes beside a free-space DVSEC (PDK's proposal), a loop.
 */
static int
sim_add_functions(struct pdk_sim *sim)
{
	static const struct pdk_sim_fn_config fns[] = {
		/* the sim's DSA model, where a DSA sits on a Sapphire Rapids socket */
		{ .pci_addr = "0000:6a:01.0", .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		  .pasid_priv = true },
		/* no PASID capability, sharing group 9 with a function of another driver */
		{ .pci_addr = "0000:00:05.0", .model = PDK_SIM_MODEL_PLAIN, .iommu_group = 9 },
		{ .pci_addr = "0000:00:06.0", .model = PDK_SIM_MODEL_PLAIN, .iommu_group = 9,
		  .not_vfio = true },
		/* no PASID at all (pasid_bits 0): GET_HW_INFO says width 0 (--map's facts) */
		{ .pci_addr = "0000:00:07.0", .model = PDK_SIM_MODEL_PLAIN },
		{ .pci_addr = "0000:5e:00.0", .model = PDK_SIM_MODEL_PLAIN, .pasid_bits = 20,
		  .pasid_exec = true, .pasid_offset = 0x200,
		  .ecaps = { { .offset = 0x100, .id = 0x0001, .version = 2, .length = 0x38 },
			     { .offset = 0x140, .id = 0x000f, .version = 1, .length = 8 },
			     { .offset = 0x160, .id = 0x0010, .version = 1, .length = 0x40 } } },
		{ .pci_addr = "0000:5e:00.1", .model = PDK_SIM_MODEL_PLAIN, .pasid_bits = 20,
		  .pasid_exec = true, .physfn = "0000:5e:00.0",
		  .ecaps = { { .offset = 0x100, .id = 0x000e, .version = 1, .length = 8 } } },
		{ .pci_addr = "0000:5e:00.2", .model = PDK_SIM_MODEL_PLAIN,
		  .ecaps = { { .offset = 0x100, .id = 0x0001, .version = 2, .length = 0x38 } },
		  .hidden = { { .offset = 0xffc, .value = 0x1 } },
		  .free_dvsec = { .offset = 0x140, .nranges = 1, .range = { { 0x300, 0x20 } } } },
		{ .pci_addr = "0000:5e:00.3", .model = PDK_SIM_MODEL_PLAIN,
		  .ecaps = { { .offset = 0x100, .id = 0x0001, .version = 2, .length = 0x38 },
			     { .offset = 0x140, .id = 0x000f, .version = 1, .length = 8,
			       .next = 0x100 } } },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		rc = pdk_sim_fn_add(sim, &fns[i], NULL);
		if (rc < 0) {
			db_err("cannot add simulated function %s: %s", fns[i].pci_addr,
			       strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Mark the functions the status shows. @return 0, or 1 after naming a bad address. */
static int
select_fns(struct db_scan *scan, char **addrs, int n)
{
	struct db_fn *fn;
	unsigned int i;
	int k;

	for (i = 0; i < scan->n; i++)
		scan->fn[i].selected = n == 0;
	for (k = 0; k < n; k++) {
		fn = db_scan_lookup(scan, addrs[k]);
		if (fn == NULL)
			return 1;
		fn->selected = true;
	}
	return 0;
}

static int
cmd_status(struct pdk_sys *sys, const struct db_opts *o, char **addrs, int n)
{
	struct db_scan scan;
	unsigned int i;
	int rc;

	if (db_scan(&scan, sys, o) < 0)
		return 1;
	rc = select_fns(&scan, addrs, n);
	for (i = 0; rc == 0 && i < scan.n; i++) {
		struct db_fn *fn = &scan.fn[i];

		if (!fn->selected || db_fn_section(fn) != DB_SEC_VFIO_CDEV)
			continue;
		/* A skipped probe keeps its reason where a failed one keeps its step. */
		if (o->mode == DB_MODE_FAKE)
			fn->probe.step = "a fake sysfs tree has no devices to open";
		else if (!o->probe)
			fn->probe.step = "--no-probe";
		else if (scan.host.dev_iommu < 0)
			fn->probe.step = "no usable /dev/iommu";
		else
			db_probe_fn(fn, &scan.host);
	}
	if (rc == 0) {
		db_advise(&scan);
		if (o->json)
			db_print_json(stdout, &scan, o);
		else
			db_print_status(stdout, &scan, o);
	}
	db_scan_free(&scan);
	return rc;
}

int
main(int argc, char **argv)
{
	enum {
		OPT_FORCE = 256, OPT_JSON, OPT_ALL, OPT_NO_PROBE, OPT_SIM, OPT_SYSFS,
		OPT_KERNEL_RELEASE, OPT_LAYOUT_WRITE, OPT_LAYOUT_CHECK, OPT_QUIRKS, OPT_VPASID,
		OPT_VPASID_OFFSET,
	};
	static const struct option longopts[] = {
		{ "status", no_argument, NULL, 's' },
		{ "bind", required_argument, NULL, 'b' },
		{ "unbind", no_argument, NULL, 'u' },
		{ "map", no_argument, NULL, 'm' },
		{ "layout-write", no_argument, NULL, OPT_LAYOUT_WRITE },
		{ "layout-check", no_argument, NULL, OPT_LAYOUT_CHECK },
		{ "quirks", required_argument, NULL, OPT_QUIRKS },
		{ "vpasid", required_argument, NULL, OPT_VPASID },
		{ "vpasid-offset", required_argument, NULL, OPT_VPASID_OFFSET },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "no-probe", no_argument, NULL, OPT_NO_PROBE },
		{ "sim", no_argument, NULL, OPT_SIM },
		{ "sysfs", required_argument, NULL, OPT_SYSFS },
		{ "kernel-release", required_argument, NULL, OPT_KERNEL_RELEASE },
		{ NULL, 0, NULL, 0 },
	};
	struct db_opts o = { .mode = DB_MODE_KERNEL, .probe = true };
	enum db_cmd cmd = DB_CMD_STATUS;
	const char *driver = NULL;
	struct pdk_sim *sim = NULL;
	struct pdk_sys *sys;
	bool sim_opt = false;
	int c, ncmds = 0, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":sb:umhv", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			cmd = DB_CMD_STATUS;
			ncmds++;
			break;
		case 'b':
			cmd = DB_CMD_BIND;
			driver = optarg;
			ncmds++;
			break;
		case 'u':
			cmd = DB_CMD_UNBIND;
			ncmds++;
			break;
		case 'm':
			cmd = DB_CMD_MAP;
			ncmds++;
			break;
		case OPT_LAYOUT_WRITE:
			cmd = DB_CMD_LAYOUT_WRITE;
			ncmds++;
			break;
		case OPT_LAYOUT_CHECK:
			cmd = DB_CMD_LAYOUT_CHECK;
			ncmds++;
			break;
		case OPT_QUIRKS:
			o.quirks = optarg;
			break;
		case OPT_VPASID:
			if (policy_parse(optarg, &o.policy) < 0) {
				db_err("--vpasid %s: not a policy; give physical, end, first-fit, "
				       "dvsec, quirk or user", optarg);
				return 2;
			}
			o.vpasid = true;
			break;
		case OPT_VPASID_OFFSET:
			if (offset_parse(optarg, &o.offset) < 0) {
				db_err("--vpasid-offset %s: not an offset of config space; give "
				       "0x100-0xff8 (hex with 0x, or decimal)", optarg);
				return 2;
			}
			o.have_offset = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'v':
			o.verbose = true;
			break;
		case OPT_FORCE:
			o.force = true;
			break;
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_ALL:
			o.all = true;
			break;
		case OPT_NO_PROBE:
			o.probe = false;
			break;
		case OPT_SIM:
			sim_opt = true;
			break;
		case OPT_SYSFS:
			o.mode = DB_MODE_FAKE;
			o.sysfs_root = optarg;
			break;
		case OPT_KERNEL_RELEASE:
			o.kernel_release = optarg;
			break;
		case ':':
			db_err("%s needs an argument (--help lists the options)", argv[optind - 1]);
			return 2;
		default:
			db_err("unknown option %s (--help lists the options)", argv[optind - 1]);
			return 2;
		}
	}
	if (ncmds > 1) {
		db_err("give one of --status, --bind, --unbind, --map, --layout-write and "
		       "--layout-check");
		return 2;
	}
	if (o.vpasid && o.policy == PDK_PCICFG_PLACE_USER && !o.have_offset) {
		db_err("--vpasid user needs --vpasid-offset OFF");
		return 2;
	}
	if (sim_opt && o.sysfs_root != NULL) {
		db_err("--sim and --sysfs exclude each other");
		return 2;
	}
	if (sim_opt)
		o.mode = DB_MODE_SIM;

	log_verbose = o.verbose;
	pdk_log_set_sink(log_sink, NULL, NULL, NULL);

	switch (o.mode) {
	case DB_MODE_SIM:
		rc = pdk_sim_create(NULL, &sim);
		if (rc == 0)
			rc = sim_add_functions(sim);
		if (rc < 0) {
			db_err("cannot create the simulated kernel: %s", strerror(-rc));
			pdk_sim_destroy(sim);
			return 1;
		}
		sys = pdk_sim_sys(sim);
		break;
	case DB_MODE_FAKE:
		sys = pdk_sys_kernel_rooted(o.sysfs_root);
		if (sys == NULL) {
			db_err("--sysfs %s: %s%s", o.sysfs_root, strerror(errno),
			       errno == EINVAL ? " (give an absolute path)" : "");
			return 2;
		}
		break;
	default:
		sys = pdk_sys_kernel();
		break;
	}

	if (cmd == DB_CMD_BIND)
		rc = db_bind(sys, &o, driver, argv + optind, argc - optind);
	else if (cmd == DB_CMD_UNBIND)
		rc = db_unbind(sys, &o, argv + optind, argc - optind);
	else if (cmd == DB_CMD_MAP)
		rc = db_cmd_map(sys, &o, argv + optind, argc - optind);
	else if (cmd == DB_CMD_LAYOUT_WRITE)
		rc = db_cmd_layout_write(sys, &o, argv + optind, argc - optind);
	else if (cmd == DB_CMD_LAYOUT_CHECK)
		rc = db_cmd_layout_check(sys, &o, argv + optind, argc - optind);
	else
		rc = cmd_status(sys, &o, argv + optind, argc - optind);

	if (sim != NULL && pdk_sim_destroy(sim) != 0) {
		db_err("the simulated kernel was left with open fds (a pdk-devbind bug)");
		rc = 1;
	}
	if (o.mode == DB_MODE_FAKE)
		pdk_sys_kernel_rooted_destroy(sys);
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	return rc;
}
