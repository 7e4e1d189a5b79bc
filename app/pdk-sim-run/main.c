/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-sim-run: run an unmodified program on PDK's SIMULATED machine.
 *
 * The program sees the sim's PCI functions as the kernel would show them:
 * in sysfs (mounted into a private mount namespace, run_sysfs.c), behind
 * /dev/iommu, /dev/vfio/devices/vfioN, /dev/vfio/vfio and /dev/vfio/N (the
 * interposer the program is started with, run_preload.c), with BAR
 * mappings that trap every access to the device model. Everything else the
 * program does reaches the real kernel. doc/sim-run.md has the details.
 */

#include <dlfcn.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdk_log.h"
#include "run_config.h"
#include "run_sysfs.h"

#define RUN_EXIT_FAIL 125	/* the runner failed; as env(1), timeout(1) */

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: pdk-sim-run [OPTIONS] [--] PROGRAM [ARGS...]\n"
		"\n"
		"Run PROGRAM, unmodified, on PDK's SIMULATED machine: its PCI functions in\n"
		"sysfs, /dev/iommu and /dev/vfio (cdev, group and container) answered by PDK's\n"
		"simulated kernel, BAR mappings that trap each access to the device models,\n"
		"MOVDIR64B emulated where the CPU lacks it. A SIMULATION, not hardware:\n"
		"everything it shows of these devices is PDK's model (doc/sim-run.md).\n"
		"Every other call of the program reaches the real kernel.\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE  the machine: \"fn ADDR dsa|dsa2|simdma|plain|edu [pasid_bits=N]\n"
		"                     [group=N] [exec] [priv] [prs]\" and \"iommu vtd|smmuv3|amd\"\n"
		"                     lines (default: a DSA at 0000:6a:01.0, a pdk-sim-dma\n"
		"                     at 0000:6b:00.0)\n"
		"  -p, --print-config print the machine and exit\n"
		"  -h, --help         this text\n"
		"\n"
		"Exit status: PROGRAM's; 128+N when a signal N ended it; %d when the runner\n"
		"failed; 126 when PROGRAM cannot be run, 127 when it is not found.\n"
		"Needs root, or user namespaces, for the private mount namespace.\n",
		RUN_EXIT_FAIL);
}

static void
run_print(const struct run_config *cfg)
{
	unsigned int i;

	printf("# the SIMULATED machine pdk-sim-run shows (PDK's models, not hardware)\n");
	for (i = 0; i < cfg->nfns; i++) {
		printf("fn %s %s pasid_bits=%u", cfg->addrs[i], run_model_name(cfg->fns[i].model),
		       cfg->fns[i].pasid_bits);
		if (cfg->fns[i].iommu_group != 0)
			printf(" group=%u", cfg->fns[i].iommu_group);
		printf("%s%s%s%s\n", cfg->fns[i].pasid_exec ? " exec" : "",
		       cfg->fns[i].pasid_priv ? " priv" : "", cfg->fns[i].prs ? " prs" : "",
		       cfg->fns[i].ats ? " ats" : "");
	}
}

/* The one line that says, before the program speaks, that what it will see is simulated. */
static void
run_banner(const struct run_config *cfg, const char *program)
{
	unsigned int i;

	fprintf(stderr, "pdk-sim-run: %s runs on a SIMULATED machine (PDK's models, not hardware):",
		program);
	for (i = 0; i < cfg->nfns; i++)
		fprintf(stderr, "%s %s %s", i ? "," : "", cfg->addrs[i], run_model_name(cfg->fns[i].model));
	fprintf(stderr, "%s\n", cfg->nfns == 0 ? " no function" : "");
}

/* A simulated function at an address the machine's own bus uses would hide a real one. */
static int
run_check_addresses(const struct run_config *cfg)
{
	char path[PATH_MAX];
	struct stat st;
	unsigned int i;

	for (i = 0; i < cfg->nfns; i++) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", cfg->addrs[i]);
		if (lstat(path, &st) == 0) {
			fprintf(stderr, "pdk-sim-run: %s is a real PCI function of this machine; "
				"give the simulated one another address in the configuration\n",
				cfg->addrs[i]);
			return -EEXIST;
		}
	}
	return 0;
}

/* The interposer: PDK_SIM_RUN_PRELOAD, else beside this program (a build tree), else installed. */
static int
run_preload_path(char *out, size_t len)
{
	const char *env = getenv("PDK_SIM_RUN_PRELOAD");
	char self[PATH_MAX - 32];
	ssize_t n;
	char *slash;

	if (env != NULL && env[0] != '\0') {
		snprintf(out, len, "%s", env);
		return access(out, R_OK) == 0 ? 0 : -errno;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(out, len, "%s/libpdk_sim_run.so", self);
			if (access(out, R_OK) == 0)
				return 0;
		}
	}
	snprintf(out, len, "%s", PDK_SIM_RUN_PRELOAD_INSTALLED);
	return access(out, R_OK) == 0 ? 0 : -errno;
}

/* In the child: a private mount namespace with the sim's sysfs; the caller execs next. */
static int
run_namespace(const struct run_config *cfg, const char *stage)
{
	struct pdk_sim *sim;
	char err[PATH_MAX + 128];
	int rc;

	if (unshare(CLONE_NEWNS) < 0 && (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)) {
		fprintf(stderr, "pdk-sim-run: no private mount namespace: %s; run as root or "
			"allow user namespaces (sysctl kernel.unprivileged_userns_clone=1)\n",
			strerror(errno));
		return -errno;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fprintf(stderr, "pdk-sim-run: making the mounts private: %s\n", strerror(errno));
		return -errno;
	}
	/* The runner's own sim, only to read its sysfs: the program builds its own from the same file. */
	rc = run_config_sim_create(cfg, &sim);
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: the SIMULATED machine could not be built: %s\n",
			strerror(-rc));
		return rc;
	}
	rc = run_sysfs_mount(sim, stage, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "pdk-sim-run: showing the sim's sysfs: %s\n", err);
	pdk_sim_destroy(sim);
	return rc;
}

/*
 * A build with AddressSanitizer (-Db_sanitize=address) makes the
 * interposer need the ASan runtime, which insists on being the first
 * library of the process: the runner, built alike, names its own copy.
 */
extern void __asan_init(void) __attribute__((weak));

static const char *
run_asan_runtime(void)
{
	Dl_info info;

	if (__asan_init == NULL || dladdr((void *)(uintptr_t)__asan_init, &info) == 0)
		return NULL;
	return info.dli_fname;
}

static int
run_child(const struct run_config *cfg, const char *config_path, const char *stage,
	  const char *preload, char **argv)
{
	char env[PATH_MAX * 3 + 3];
	const char *old = getenv("LD_PRELOAD"), *asan = run_asan_runtime();

	if (run_namespace(cfg, stage) < 0)
		return RUN_EXIT_FAIL;
	snprintf(env, sizeof(env), "%s%s%s%s%s", asan != NULL ? asan : "", asan != NULL ? " " : "",
		 preload, old != NULL && old[0] ? " " : "", old != NULL ? old : "");
	if (setenv("LD_PRELOAD", env, 1) < 0 ||
	    (config_path != NULL && setenv(RUN_ENV_CONFIG, config_path, 1) < 0)) {
		fprintf(stderr, "pdk-sim-run: setting the environment: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	if (config_path == NULL)
		unsetenv(RUN_ENV_CONFIG);
	/* The trap performs MOVDIR64B whether the CPU has it (SIGSEGV) or not (SIGILL). */
	setenv("PDK_MOVDIR64B", "emulated", 1);
	/* PDK's own programs label what they report as simulated (pdk_sys_machine_simulated()). */
	setenv("PDK_SIMULATED_MACHINE", "pdk-sim-run", 1);
	execvp(argv[0], argv);
	fprintf(stderr, "pdk-sim-run: %s: %s\n", argv[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "print-config", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char config_path[PATH_MAX], preload[PATH_MAX], stage[] = "/tmp/pdk-sim-run.XXXXXX";
	const char *config = NULL;
	struct run_config cfg;
	bool print = false;
	char err[PATH_MAX + 64];
	int c, rc, status;
	pid_t pid;

	while ((c = getopt_long(argc, argv, "+c:ph", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 'p':
			print = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return RUN_EXIT_FAIL;
		}
	}
	if (config != NULL && realpath(config, config_path) == NULL) {
		fprintf(stderr, "pdk-sim-run: %s: %s\n", config, strerror(errno));
		return RUN_EXIT_FAIL;
	}
	rc = run_config_read(config != NULL ? config_path : NULL, &cfg, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: %s\n", err);
		return RUN_EXIT_FAIL;
	}
	if (print) {
		run_print(&cfg);
		return 0;
	}
	if (optind >= argc) {
		fprintf(stderr, "pdk-sim-run: no PROGRAM given\n");
		usage(stderr);
		return RUN_EXIT_FAIL;
	}
	if (run_check_addresses(&cfg) < 0)
		return RUN_EXIT_FAIL;
	rc = run_preload_path(preload, sizeof(preload));
	if (rc < 0) {
		fprintf(stderr, "pdk-sim-run: the interposer %s: %s; set PDK_SIM_RUN_PRELOAD to "
			"libpdk_sim_run.so\n", preload, strerror(-rc));
		return RUN_EXIT_FAIL;
	}
	run_banner(&cfg, argv[optind]);
	if (mkdtemp(stage) == NULL) {
		fprintf(stderr, "pdk-sim-run: creating %s: %s\n", stage, strerror(errno));
		return RUN_EXIT_FAIL;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "pdk-sim-run: fork: %s\n", strerror(errno));
		rmdir(stage);
		return RUN_EXIT_FAIL;
	}
	if (pid == 0)
		_exit(run_child(&cfg, config != NULL ? config_path : NULL, stage, preload,
				argv + optind));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* The stage is a mount point only in the child's namespace: here an empty directory. */
	rmdir(stage);
	rc = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
	fprintf(stderr, "pdk-sim-run: %s ended (status %d); what it reported of the simulated "
		"functions is PDK's models, not hardware\n", argv[optind], rc);
	return rc;
}
