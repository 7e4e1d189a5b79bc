/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-testpmd: PDK's test application for PASID-aware DMA devices.
 *
 *   pdk-testpmd [EAL options] -- [options]
 *
 * DPDK's EAL gives it lcores for traffic, the cmdline library for the
 * prompt and the telemetry socket; PDK gives it the devices. Without -a it
 * runs on PDK's SIMULATED kernel with one SIMULATED DSA, and says so.
 *
 * This file: options, EAL, setup of backend/iommufd/bus/devices, the
 * order of the run (--queues, --cmdline-file, --auto-start, --time, -i),
 * and the teardown.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "testpmd.h"

struct tp_state tp = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.mode = TP_MODE_COPY,
	.size = 4096,
	.burst = 32,
	.sleep_max = 3600,
};

/*
 * EAL options used when none are given: no hugepages (malloc'ed memory),
 * no PCI bus (it would take the devices PDK binds through the cdev), no
 * shared config files; telemetry still gets its socket in the runtime dir.
 */
static const char *const eal_defaults[] = {
	"--no-huge", "-m", "128", "--no-pci", "--no-shconf", "--file-prefix", "pdk-testpmd",
};

#define NB_EAL_DEFAULTS (sizeof(eal_defaults) / sizeof(eal_defaults[0]))

/* Each --queues queue gets a buffer this large at least. */
#define TP_QUEUE_BUF_MIN (UINT64_C(1) << 20)

struct tp_opts {
	const char *allow[TP_MAX_ALLOW];
	unsigned int nb_allow;
	bool interactive;
	const char *cmdline_file;
	unsigned int queues;
	bool auto_start;
	double time;		/* 0: none */
	double stats_period;	/* 0: none */
};

static void
usage(FILE *f, const char *prog)
{
	unsigned int i;

	fprintf(f, "Usage: %s [EAL options] -- [options]\n\n", prog);
	fprintf(f, "Without EAL options these are used (root, no hugepages, no PCI for DPDK):\n ");
	for (i = 0; i < NB_EAL_DEFAULTS; i++)
		fprintf(f, " %s", eal_defaults[i]);
	fprintf(f, "\n\nOptions:\n"
		"  -a, --allow DEVARGS     use the device ADDRESS[,key=value...] (repeatable);\n"
		"                          a PCI address means the real kernel backend. Without\n"
		"                          -a: a SIMULATED kernel with one SIMULATED DSA at\n"
		"                          " TP_SIM_DSA_ADDR " (PDK_BACKEND=sim puts simulated DSAs\n"
		"                          at the -a addresses instead)\n"
		"  -i, --interactive       a prompt (after --cmdline-file, if given)\n"
		"      --cmdline-file FILE run the commands of FILE; stay at a prompt only with -i\n"
		"      --queues N          set up N queues on the first device, each with its own\n"
		"                          address space asN, a mapped buffer and a PASID\n"
		"      --mode MODE         copy, fill or verify (copy, then compare every byte)\n"
		"      --size BYTES        bytes per op (4096; K, M, G suffixes)\n"
		"      --burst N           ops per burst (32, at most %d)\n"
		"      --auto-start        start traffic once set up\n"
		"      --time SECONDS      with --auto-start: run that long, stop, print the\n"
		"                          run's summary, quit\n"
		"      --stats-period S    with --auto-start: print the stats every S seconds\n"
		"      --stats-json        with --stats-period: each period's stats, and the\n"
		"                          run's summary, as one JSON line for tools\n"
		"  -v, --verbose           also the library's log lines for C programmers that\n"
		"                          a failed command's own error replaces\n"
		"  -h, --help              this text\n"
		"\nWith none of -i, --cmdline-file, --auto-start, the prompt is used.\n"
		"See doc/testpmd.md; 'help' at the prompt lists the commands.\n", TP_MAX_BURST);
}

static int
opt_err(const char *prog, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s -- --help'.\n", prog);
	return -EINVAL;
}

static int
opt_seconds(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno != 0 || end == s || *end != '\0' || !(*v > 0) || *v > 1e7 ? -EINVAL : 0;
}

/* Options after "--". @return 0, 1 for --help, or -EINVAL (reported). */
static int
parse_opts(int argc, char **argv, struct tp_opts *o)
{
	enum { OPT_CMDFILE = 256, OPT_QUEUES, OPT_MODE, OPT_SIZE, OPT_BURST, OPT_AUTO,
	       OPT_TIME, OPT_PERIOD, OPT_JSON };
	static const struct option lopts[] = {
		{ "allow", required_argument, NULL, 'a' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "cmdline-file", required_argument, NULL, OPT_CMDFILE },
		{ "queues", required_argument, NULL, OPT_QUEUES },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "size", required_argument, NULL, OPT_SIZE },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "auto-start", no_argument, NULL, OPT_AUTO },
		{ "time", required_argument, NULL, OPT_TIME },
		{ "stats-period", required_argument, NULL, OPT_PERIOD },
		{ "stats-json", no_argument, NULL, OPT_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const char *prog = argv[0];
	unsigned long long v;
	char *end;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":a:ihv", lopts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (o->nb_allow == TP_MAX_ALLOW)
				return opt_err(prog, "too many -a (at most %s)", "16");
			o->allow[o->nb_allow++] = optarg;
			break;
		case 'i':
			o->interactive = true;
			break;
		case 'h':
			return 1;
		case 'v':
			tp.verbose = true;
			break;
		case OPT_CMDFILE:
			o->cmdline_file = optarg;
			break;
		case OPT_QUEUES:
			v = strtoull(optarg, &end, 10);
			if (*end != '\0' || end == optarg || v < 1 || v > PDK_DMADEV_MAX_QUEUES)
				return opt_err(prog, "--queues %s: give 1..16", optarg);
			o->queues = (unsigned int)v;
			break;
		case OPT_MODE:
			if (tp_mode_parse(optarg, &tp.mode) < 0)
				return opt_err(prog, "--mode %s: give copy, fill or verify", optarg);
			break;
		case OPT_SIZE:
			v = strtoull(optarg, &end, 0);
			if (end != optarg && end[0] != '\0' && end[1] == '\0' &&
			    strchr("kKmM", end[0]) != NULL) {
				v <<= end[0] == 'k' || end[0] == 'K' ? 10 : 20;
				end++;
			}
			if (*end != '\0' || end == optarg || v < 1 || v > (1ull << 30))
				return opt_err(prog, "--size %s: give 1 byte .. 1G", optarg);
			tp.size = (uint32_t)v;
			break;
		case OPT_BURST:
			v = strtoull(optarg, &end, 10);
			if (*end != '\0' || end == optarg || v < 1 || v > TP_MAX_BURST)
				return opt_err(prog, "--burst %s: give 1..512", optarg);
			tp.burst = (uint16_t)v;
			break;
		case OPT_AUTO:
			o->auto_start = true;
			break;
		case OPT_TIME:
			if (opt_seconds(optarg, &o->time) < 0)
				return opt_err(prog, "--time %s: give a number of seconds > 0", optarg);
			break;
		case OPT_PERIOD:
			if (opt_seconds(optarg, &o->stats_period) < 0)
				return opt_err(prog, "--stats-period %s: give seconds > 0", optarg);
			break;
		case OPT_JSON:
			tp.stats_json = true;
			break;
		case ':':
			return opt_err(prog, "option %s needs a value", argv[optind - 1]);
		default:
			return opt_err(prog, "unknown option %s (EAL options go before --)",
				       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return opt_err(prog, "unexpected argument '%s'", argv[optind]);
	if (o->time > 0 && !o->auto_start)
		return opt_err(prog, "%s needs --auto-start", "--time");
	/* the prompt and a command file have "show stats" */
	if (o->stats_period > 0 && !o->auto_start)
		return opt_err(prog, "%s needs --auto-start ('show stats' at the prompt or in a "
			       "--cmdline-file)", "--stats-period");
	if (tp.stats_json && o->stats_period == 0)
		return opt_err(prog, "%s needs --stats-period", "--stats-json");
	return 0;
}

static void
on_signal(int sig)
{
	tp.signaled = sig;
}

/* Signals go to the main thread: EAL's threads are made with them blocked. */
static void
signals_block(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void
signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* no SA_RESTART: a signal must end the prompt's read() */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Where telemetry listens: the socket this process has, not the usual name. */
static void
telemetry_say(void)
{
	const char *dir = rte_eal_get_runtime_dir();
	const char *prefix = strrchr(dir, '/') != NULL ? strrchr(dir, '/') + 1 : dir;
	char path[400];

	if (tp_telemetry_socket(dir, path, sizeof(path)) != 0) {
		printf("pdk-testpmd: telemetry: no socket of this process in %s (EAL "
		       "--no-telemetry, or another process holds the name)\n", dir);
		return;
	}
	/* the runtime dir's last component is the file prefix */
	if (strcmp(strrchr(path, '/') + 1, "dpdk_telemetry.v2") == 0)
		printf("pdk-testpmd: telemetry: %s (dpdk-telemetry.py -f %s), endpoints "
		       "/pdk/devices /pdk/device /pdk/pasids /pdk/as /pdk/stats\n", path, prefix);
	else
		printf("pdk-testpmd: telemetry: %s (another process of --file-prefix %s has "
		       "dpdk_telemetry.v2: connect to this path), endpoints /pdk/devices "
		       "/pdk/device /pdk/pasids /pdk/as /pdk/stats\n", path, prefix);
}

/* ---- setup ---- */

/* "ADDRESS[,k=v...]" -> "DDDD:BB:DD.F" for the sim. */
static int
devargs_addr(const char *devargs, char *addr, size_t len)
{
	size_t n = strcspn(devargs, ",");

	if (n == 0 || n >= 16)
		return -EINVAL;
	if (n == 7)	/* BB:DD.F */
		snprintf(addr, len, "0000:%.*s", (int)n, devargs);
	else
		snprintf(addr, len, "%.*s", (int)n, devargs);
	return 0;
}

static int
sim_create(const struct tp_opts *o)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	/*
	 * With PRI and ATS, as a DSA has them (WQCAP wq_prs_support and
	 * wq_ats_support, drivers/dma/idxd/registers.h): the VT-d sim, as the
	 * kernel's, attaches a space with a fault handler ('as demand') only
	 * to a function with PRI, which it enables only with ATS.
	 */
	struct pdk_sim_fn_config fcfg = {
		.model = PDK_SIM_MODEL_DSA, .pasid_bits = 20, .prs = true, .ats = true,
	};
	char addr[32];
	unsigned int i;
	int rc;

	rc = pdk_sim_create(&scfg, &tp.sim);
	if (rc < 0)
		return rc;
	if (o->nb_allow == 0) {
		fcfg.pci_addr = TP_SIM_DSA_ADDR;
		return pdk_sim_fn_add(tp.sim, &fcfg, NULL);
	}
	for (i = 0; i < o->nb_allow; i++) {
		if (devargs_addr(o->allow[i], addr, sizeof(addr)) < 0) {
			fprintf(stderr, "pdk-testpmd: -a %s: not ADDRESS[,key=value...]\n",
				o->allow[i]);
			return -EINVAL;
		}
		fcfg.pci_addr = addr;
		rc = pdk_sim_fn_add(tp.sim, &fcfg, NULL);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int
backend_setup(const struct tp_opts *o)
{
	char first[32], addr[PDK_PCI_ADDR_LEN];
	const char *backend;
	int rc;

	if (o->nb_allow > 0 && devargs_addr(o->allow[0], first, sizeof(first)) < 0) {
		fprintf(stderr, "pdk-testpmd: -a %s: not ADDRESS[,key=value...]\n", o->allow[0]);
		return -EINVAL;
	}
	/* lib/sys decides (PDK_BACKEND included) and says why it refuses */
	rc = pdk_sys_backend_choose(o->nb_allow > 0 ? first : NULL, &backend, addr);
	if (rc < 0)
		return rc;
	if (strcmp(backend, PDK_SYS_BACKEND_KERNEL) == 0) {
		tp.sys = pdk_sys_kernel();
		if (pdk_sys_machine_simulated())
			printf("pdk-testpmd: backend kernel: real syscalls, answered by a SIMULATED "
			       "machine (PDK_SIMULATED_MACHINE, pdk-sim-run): not hardware\n");
		else
			printf("pdk-testpmd: backend kernel: the real iommufd and VFIO cdev\n");
		return 0;
	}
	rc = sim_create(o);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: cannot create the simulated kernel: %s\n",
			strerror(-rc));
		return rc;
	}
	tp.sys = pdk_sim_sys(tp.sim);
	if (o->nb_allow == 0)
		printf("pdk-testpmd: SIMULATED: no -a given, so this runs on PDK's simulated "
		       "kernel with one simulated DSA at %s: a model, not hardware (give "
		       "-a ADDRESS for a real device)\n", TP_SIM_DSA_ADDR);
	else
		printf("pdk-testpmd: SIMULATED: PDK_BACKEND=sim, so the -a devices are simulated "
		       "DSAs on PDK's simulated kernel: a model, not hardware\n");
	return 0;
}

static int
setup(const struct tp_opts *o)
{
	unsigned int i;
	int rc, id;

	rc = backend_setup(o);
	if (rc < 0)
		return rc;
	rc = pdk_iommufd_open(tp.sys, &tp.ictx);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: cannot open iommufd: %s (see the PDK log line)\n",
			strerror(-rc));
		return rc;
	}
	rc = pdk_bus_create(tp.ictx, &tp.bus);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: cannot create the bus: %s\n", strerror(-rc));
		return rc;
	}
	rc = pdk_bus_scan(tp.bus);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: bus scan failed: %s\n", strerror(-rc));
		return rc;
	}
	for (i = 0; i < o->nb_allow; i++) {
		rc = pdk_bus_allow(tp.bus, o->allow[i]);
		if (rc < 0) {
			fprintf(stderr, "pdk-testpmd: -a %s: %s%s\n", o->allow[i], strerror(-rc),
				rc == -ENODEV ? " (no such PCI function)" : "");
			return rc;
		}
	}
	rc = pdk_bus_probe(tp.bus);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: probe failed: %s (see the PDK log lines)\n",
			strerror(-rc));
		return rc;
	}
	printf("pdk-testpmd: %d device%s probed\n", rc, rc == 1 ? "" : "s");
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1)) {
		struct pdk_dmadev_info info;

		if (pdk_dmadev_info_get(id, &info) == 0)
			printf("  device %d: %s, driver %s, %u queues, PASID width %u%s\n", id,
			       info.name, info.driver, info.max_queues, info.pasid_width,
			       info.capa & PDK_DMADEV_CAPA_SIM ? ", SIMULATED" : "");
	}
	return 0;
}

/* --queues N: queue i of the first device in its own space "as<i>". */
static int
setup_queues(unsigned int n)
{
	uint64_t buflen = (uint64_t)tp.size * tp.burst;
	struct pdk_dmadev_info info;
	unsigned int i;
	int id, rc;

	id = pdk_dmadev_next(0);
	if (id < 0) {
		fprintf(stderr, "pdk-testpmd: --queues: no device\n");
		return -ENODEV;
	}
	pdk_dmadev_info_get(id, &info);
	if (n > info.max_queues) {
		fprintf(stderr, "pdk-testpmd: --queues %u: device %d has %u queues\n", n, id,
			info.max_queues);
		return -EINVAL;
	}
	/* sources and destinations of a whole burst */
	buflen = 2 * (buflen > TP_QUEUE_BUF_MIN ? buflen : TP_QUEUE_BUF_MIN);
	rc = tp_port_config(id, (uint16_t)n, false);
	for (i = 0; rc == 0 && i < n; i++) {
		struct tp_buf *b;
		struct tp_as *a;
		uint32_t pasid = 0;
		char name[TP_NAME_LEN];

		snprintf(name, sizeof(name), "as%u", i);
		rc = tp_as_create(name, &a);
		if (rc < 0)
			break;
		rc = tp_as_map(a, buflen, &b);
		if (rc < 0)
			break;
		printf("address space %s: IOAS %u, buffer of %zu bytes at IOVA 0x%" PRIx64 "\n",
		       name, pdk_dma_as_ioas_id(a->as), b->len, b->iova);
		rc = pdk_dmadev_pasid_alloc(id, &pasid);
		if (rc < 0) {
			tp_err("pasid alloc %d: %s", id, strerror(-rc));
			break;
		}
		rc = tp_queue_setup(id, (uint16_t)i, a, pasid, 0);
	}
	return rc;
}

/* Traffic runs for @p seconds (forever if 0) or until a signal. */
static void
run_traffic(double seconds, double period)
{
	double start = tp_now(), next = start + period;
	struct timespec nap = { 0, 20 * 1000 * 1000 };

	if (seconds > 0)
		printf("pdk-testpmd: traffic runs for %.1f s (Ctrl-C stops it sooner)\n", seconds);
	else
		printf("pdk-testpmd: traffic runs until Ctrl-C (SIGINT) or SIGTERM\n");
	while (!tp.signaled && (seconds <= 0 || tp_now() - start < seconds)) {
		nanosleep(&nap, NULL);
		/* the show due at the end is the final one, after the stop */
		if (period > 0 && tp_now() >= next && (seconds <= 0 || next - start < seconds)) {
			next += period;
			pthread_mutex_lock(&tp.lock);
			if (tp.stats_json) {
				tp_stats_json();
			} else {
				printf("-- stats at %.1f s --\n", tp_now() - start);
				tp_stats_show(true);
			}
			pthread_mutex_unlock(&tp.lock);
		}
	}
	pthread_mutex_lock(&tp.lock);
	/* the summary of the whole run is the last word, not the last period's rates */
	if (tp.running)
		tp_traffic_stop();
	pthread_mutex_unlock(&tp.lock);
}

/* ---- teardown ---- */

static int
teardown(void)
{
	unsigned int i, nas = 0, left = 0;
	bool was_sim = tp.sim != NULL, had_bus = tp.bus != NULL, had_ictx = tp.ictx != NULL;
	bool sim_clean = true;
	int rc = 0, sim_leaked = 0;

	tp_faults_stop();	/* it takes tp.lock to poll */
	pthread_mutex_lock(&tp.lock);
	if (tp.running)
		tp_traffic_stop();
	/* the bus first: its devices hold PASIDs attached to the spaces */
	if (tp.bus != NULL)
		pdk_bus_destroy(tp.bus);
	tp.bus = NULL;
	for (i = 0; i < PDK_DMADEV_MAX_DEVS; i++)
		tp_queues_forget((int)i);
	for (i = 0; i < TP_MAX_AS; i++) {
		if (tp.as[i] == NULL)
			continue;
		if (tp_as_destroy(tp.as[i]) == 0)
			nas++;
		else
			left++;
	}
	if (tp.ictx != NULL)
		pdk_iommufd_close(tp.ictx);
	tp.ictx = NULL;
	if (left != 0)
		rc = -1;
	if (tp.sim != NULL) {
		/* every object must be gone before the sim goes: ask it first */
		sim_clean = pdk_sim_is_clean(tp.sim);
		sim_leaked = pdk_sim_destroy(tp.sim);
		tp.sim = NULL;
		if (!sim_clean || sim_leaked != 0)
			rc = -1;
	}
	if (left == 0)
		printf("pdk-testpmd: teardown complete: %s%u address space%s destroyed%s%s\n",
		       had_bus ? "bus destroyed, " : "", nas, nas == 1 ? "" : "s",
		       had_ictx ? ", iommufd closed" : "",
		       was_sim ? ", SIMULATED kernel destroyed" : "");
	else
		printf("pdk-testpmd: teardown INCOMPLETE: %u address space%s could not be "
		       "destroyed\n", left, left == 1 ? "" : "s");
	if (was_sim && sim_clean && sim_leaked == 0)
		printf("pdk-testpmd: SIMULATED kernel is clean: no object, mapping, pinned page or "
		       "fd was left\n");
	else if (was_sim)
		printf("pdk-testpmd: SIMULATED kernel was NOT clean at teardown (%d fd%s leaked; "
		       "see the PDK log lines)\n", sim_leaked, sim_leaked == 1 ? "" : "s");
	tp.sys = NULL;
	pthread_mutex_unlock(&tp.lock);
	fflush(stdout);
	return rc;
}

/*
 * For a program that embeds the application (test/fuzz/fuzz_testpmd.c):
 * the setup main() makes without options (a SIMULATED DSA, no queues), and
 * the teardown. The embedder has initialised the EAL and holds no lock.
 */
int
tp_embed_setup(void)
{
	struct tp_opts o = { 0 };
	int rc;

	pthread_mutex_lock(&tp.lock);
	rc = setup(&o);
	pthread_mutex_unlock(&tp.lock);
	return rc;
}

int
tp_embed_teardown(void)
{
	return teardown();
}

/* ---- main ---- */

#ifndef PDK_TESTPMD_NO_MAIN
int
main(int argc, char **argv)
{
	char *eal_argv[64 + NB_EAL_DEFAULTS + 1];
	char **app_argv;
	struct tp_opts o = { 0 };
	int eal_argc = 0, app_argc, dd, i, rc;
	bool prompt;

	/* the session's output, command echoes and errors stay in order in a pipe */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* [EAL options] -- [options]; without "--" everything is ours */
	for (dd = 1; dd < argc && strcmp(argv[dd], "--") != 0; dd++)
		;
	if (dd == argc)
		dd = 0;
	eal_argv[eal_argc++] = argv[0];
	if (dd > 1) {
		if (dd > 64) {
			fprintf(stderr, "%s: too many EAL options\n", argv[0]);
			return 2;
		}
		for (i = 1; i < dd; i++)
			eal_argv[eal_argc++] = argv[i];
	} else {
		for (i = 0; i < (int)NB_EAL_DEFAULTS; i++)
			eal_argv[eal_argc++] = (char *)(uintptr_t)eal_defaults[i];
	}
	eal_argv[eal_argc] = NULL;
	/* our options, with argv[0] in front for getopt */
	app_argv = dd > 0 ? &argv[dd] : argv;
	app_argc = dd > 0 ? argc - dd : argc;
	if (dd > 0)
		app_argv[0] = argv[0];

	rc = parse_opts(app_argc, app_argv, &o);
	if (rc == 1) {
		usage(stdout, argv[0]);
		return 0;
	}
	if (rc < 0)
		return 2;
	/* before anything is set up: a script learns it at once */
	if (o.cmdline_file != NULL && access(o.cmdline_file, R_OK) != 0) {
		fprintf(stderr, "pdk-testpmd: cannot read --cmdline-file %s: %s\n", o.cmdline_file,
			strerror(errno));
		return 1;
	}

	tp_log_install();
	signals_block(true);
	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0) {
		fprintf(stderr, "%s: EAL init failed: %s (another pdk-testpmd with the same "
			"--file-prefix? Give EAL options before --)\n", argv[0],
			rte_strerror(rte_errno));
		return 1;
	}
	signals_install();
	signals_block(false);

	rc = tp_telemetry_register();
	if (rc < 0)
		fprintf(stderr, "pdk-testpmd: telemetry endpoints not registered: %s\n",
			strerror(-rc));
	else
		telemetry_say();
	printf("pdk-testpmd: %u lcore%s: main %u, %u worker%s for traffic\n", rte_lcore_count(),
	       rte_lcore_count() == 1 ? "" : "s", rte_get_main_lcore(), rte_lcore_count() - 1,
	       rte_lcore_count() == 2 ? "" : "s");

	pthread_mutex_lock(&tp.lock);
	rc = setup(&o);
	if (rc == 0 && o.queues > 0)
		rc = setup_queues(o.queues);
	pthread_mutex_unlock(&tp.lock);
	if (rc < 0) {
		fprintf(stderr, "pdk-testpmd: setup failed; tearing down\n");
		if (o.nb_allow > 0 && tp.sim == NULL)
			fprintf(stderr, "pdk-testpmd: a real device needs Linux 6.15+ (PASID attach) "
				"with CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV, an IOMMU, and the "
				"function bound to vfio-pci: 'pdk-devbind' shows what this machine "
				"has and lacks. Without -a, pdk-testpmd runs on PDK's SIMULATED kernel "
				"and device\n");
		teardown();
		rte_eal_cleanup();
		return 1;
	}

	if (o.cmdline_file != NULL && tp_cmdline_file(o.cmdline_file) < 0)
		tp.quit = true;
	if (!tp.quit && !tp.signaled && o.auto_start) {
		pthread_mutex_lock(&tp.lock);
		rc = tp_traffic_start();
		pthread_mutex_unlock(&tp.lock);
		if (rc < 0) {
			printf("pdk-testpmd: --auto-start failed: no traffic\n");
			tp.failed = true;
			if (!o.interactive)
				tp.quit = true;
		}
	}
	prompt = o.interactive || (o.cmdline_file == NULL && !o.auto_start);
	if (!tp.quit && !tp.signaled) {
		if (o.time > 0)
			run_traffic(o.time, o.stats_period);
		else if (prompt)
			tp_cmdline_interactive();
		else if (o.auto_start)
			run_traffic(0, o.stats_period);
	}
	if (tp.signaled)
		printf("pdk-testpmd: signal received, quitting\n");
	rc = teardown();
	rte_eal_cleanup();
	if (tp.nb_failed > 0 || tp.failed || rc != 0) {
		printf("pdk-testpmd: exiting with status 1: %u command%s failed%s%s\n", tp.nb_failed,
		       tp.nb_failed == 1 ? "" : "s", tp.failed ? ", a set-up step failed" : "",
		       rc != 0 ? ", the teardown was incomplete" : "");
		return 1;
	}
	return 0;
}
#endif /* !PDK_TESTPMD_NO_MAIN */
