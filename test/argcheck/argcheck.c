/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The NULL-argument test of every public function: the fixture, the ERR
 * line capture and the runner. Each case (argcheck_cases.c) runs in a child
 * of its own on a fresh fixture, so a crash or a hang is that function's
 * failure and no case sees what another one changed.
 *
 * Usage: pdk-argcheck [-v] [FUNCTION...]   (no name: every case)
 */

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "argcheck.h"

#define CASE_TIMEOUT_S 20

/* ---- log capture ---- */

static struct argcheck_result *capture;
static char fixture_err[240];

static void
sink_capture(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (level != PDK_LOG_ERR || capture == NULL)
		return;
	if (capture->errs++ == 0)
		snprintf(capture->first_err, sizeof(capture->first_err), "%s: %s",
			 component != NULL ? component : "(null)", line != NULL ? line : "(null)");
}

/* While the fixture is built: keep the first ERR line, print nothing. */
static void
sink_fixture(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (level == PDK_LOG_ERR && fixture_err[0] == '\0')
		snprintf(fixture_err, sizeof(fixture_err), "%s: %s",
			 component != NULL ? component : "(null)", line != NULL ? line : "(null)");
}

void
argcheck_begin(struct argcheck_result *r)
{
	r->errs = 0;
	r->first_err[0] = '\0';
	capture = r;
	pdk_log_set_sink(sink_capture, NULL, NULL, NULL);
}

void
argcheck_end(struct argcheck_result *r)
{
	pdk_log_set_sink(sink_fixture, NULL, NULL, NULL);
	capture = NULL;
	r->called = true;
}

void
argcheck_sink_nop(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)level;
	(void)component;
	(void)line;
	(void)arg;
}

int
argcheck_dir_cb(const char *name, void *arg)
{
	(void)name;
	(void)arg;
	return 0;
}

/*
 * The fixture's dmadev is the skeleton driver's (drivers/dma/skeleton). The
 * table pdk_dmadev_register()'s cases get is the skeleton's with one op of
 * its own: their "dev may be NULL" case registers a device whose dev is
 * NULL, so register's info_get must not read its device, and the
 * skeleton's does.
 */
static void
devless_info_get(void *dev, struct pdk_dmadev_info *info)
{
	(void)dev;
	info->capa = PDK_DMADEV_CAPA_COPY | PDK_DMADEV_CAPA_SIM;
	info->max_queues = 1;
	info->min_desc = 16;
	info->max_desc = 64;
}

static int
fake_probe(struct pdk_bus_dev *dev)
{
	(void)dev;
	return -ENODEV;
}

static const struct pdk_bus_id fake_ids[] = { { 0x5044, 0xffff }, { 0, 0 } };

/* ---- the fixture ---- */

#define FX_STEP(expr)								\
	do {									\
		long long rc__ = (long long)(expr);				\
		if (rc__ < 0) {							\
			snprintf(r->fixture, sizeof(r->fixture), "%.60s: %.40s (%.120s)", \
				 #expr, strerror((int)-rc__), fixture_err);	\
			return -1;						\
		}								\
	} while (0)

#define FX_PTR(expr)								\
	do {									\
		if ((expr) == NULL) {						\
			snprintf(r->fixture, sizeof(r->fixture), "%.60s is NULL (%.120s)", \
				 #expr, fixture_err);				\
			return -1;						\
		}								\
	} while (0)

static int
fixture_build(struct argcheck_fx *fx, struct argcheck_result *r)
{
	struct pdk_vfio_region reg;
	uint64_t iova;
	char *mem;

	memset(fx, 0, sizeof(*fx));
	fx->pci_addr = PDK_SIM_DEFAULT_PCI_ADDR;
	fx->path = "/sys/bus/pci/devices";
	fx->name = "argcheck1";
	fx->fn_cfg.pci_addr = "0000:00:05.0";
	fx->fn_cfg.model = PDK_SIM_MODEL_SIMDMA;
	fx->fn_cfg.pasid_bits = 20;
	fx->free_pasid = 100;
	fx->fault_fd = -1;

	mem = mmap(NULL, 4 * ARGCHECK_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(r->fixture, sizeof(r->fixture), "mmap: %.60s", strerror(errno));
		return -1;
	}
	memset(mem, 0, 4 * ARGCHECK_LEN);
	fx->va_mapped = mem;
	fx->va_free = mem + ARGCHECK_LEN;
	fx->buf = mem + 2 * ARGCHECK_LEN;
	fx->text = mem + 3 * ARGCHECK_LEN;
	FX_PTR(fx->out = fopen("/dev/null", "w"));

	FX_STEP(pdk_sim_create(&fx->sim_cfg, &fx->sim));
	FX_PTR(fx->sys = pdk_sim_sys(fx->sim));
	FX_PTR(fx->fn = pdk_sim_fn_find(fx->sim, fx->pci_addr));
	FX_STEP(pdk_iommufd_open(fx->sys, &fx->ictx));
	FX_STEP(fx->ifd = pdk_iommufd_fd(fx->ictx));
	FX_STEP(pdk_vfio_open(fx->sys, fx->pci_addr, &fx->dev));
	FX_STEP(fx->dfd = pdk_vfio_fd(fx->dev));
	fx->fd = fx->dfd;
	FX_STEP(pdk_vfio_bind(fx->dev, fx->ictx, &fx->dev_id));
	FX_STEP(pdk_vfio_region_info(fx->dev, 0, &reg));
	fx->bar0_offset = reg.offset;
	FX_STEP(pdk_sim_bar_get(fx->sim, fx->dfd, fx->bar0_offset, 4096, &fx->bar));

	FX_STEP(pdk_iommufd_ioas_alloc(fx->ictx, &fx->ioas_id));
	FX_STEP(pdk_iommufd_map(fx->ictx, fx->ioas_id, fx->va_mapped, ARGCHECK_LEN,
				PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &fx->iova_mapped));
	fx->iova_free = fx->iova_mapped + (1u << 24);

	FX_STEP(pdk_dma_as_create(fx->ictx, "argcheck", &fx->as));
	FX_STEP(pdk_dma_map(fx->as, fx->va_mapped, ARGCHECK_LEN,
			    PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &iova));
	FX_STEP(pdk_dma_as_hwpt_get(fx->as, fx->dev_id, &fx->hwpt_id));
	FX_STEP(pdk_pasid_space_create(fx->dev, fx->ictx, &fx->space));
	FX_STEP(pdk_pasid_ctx_create(fx->space, fx->as, 0, &fx->pctx));
	fx->pasid = pdk_pasid_ctx_pasid(fx->pctx);
	FX_STEP(pdk_iommufd_fault_alloc(fx->ictx, &fx->fault_id, &fx->fault_fd));

	FX_STEP(pdk_pcicfg_read_vfio(fx->dev, &fx->pcicfg));
	FX_STEP(pdk_pcicfg_layout_from(fx->pcicfg, NULL, &fx->layout));
	fx->place.offset = PDK_PCICFG_END_OFFSET;

	FX_STEP(pdk_bus_create(fx->ictx, &fx->bus));
	FX_STEP(pdk_bus_scan(fx->bus));
	FX_PTR(fx->bdev = pdk_bus_dev_find(fx->bus, fx->pci_addr));
	fx->drv.name = "argcheck";
	fx->drv.id_table = fake_ids;
	fx->drv.probe = fake_probe;

	fx->ops = *pdk_dma_skeleton_ops();
	fx->ops.info_get = devless_info_get;
	fx->fp_ops = *pdk_dma_skeleton_fp_ops();
	FX_STEP(pdk_dma_skeleton_create("argcheck0", &fx->skel_conf, &fx->dmadev_id));
	fx->dconf.nb_queues = 1;
	FX_STEP(pdk_dmadev_configure(fx->dmadev_id, &fx->dconf));
	fx->qconf.nb_desc = 16;
	fx->qconf.as = fx->as;
	FX_STEP(pdk_dmadev_queue_setup(fx->dmadev_id, 0, &fx->qconf));
	return 0;
}

/* ---- running and judging ---- */

static const char *
kind_name(enum argcheck_kind k)
{
	static const char *const names[] = {
		"-EINVAL", "neutral value", "value", "no-op", "optional", "kernel's answer",
		"fast path",
	};

	return names[k];
}

static void
run_child(const struct argcheck_case *c, int wfd)
{
	struct argcheck_result r;
	struct argcheck_fx fx;

	memset(&r, 0, sizeof(r));
	alarm(CASE_TIMEOUT_S);
	pdk_log_set_sink(sink_fixture, NULL, NULL, NULL);
	if (fixture_build(&fx, &r) == 0)
		c->fn(&fx, &r);
	if (write(wfd, &r, sizeof(r)) != (ssize_t)sizeof(r))
		_exit(3);
	/* no teardown: the fixture dies with the child */
	_exit(0);
}

/* @return NULL when the case passed, else why it failed (in @p why). */
static const char *
judge(const struct argcheck_case *c, const struct argcheck_result *r, char *why, size_t len)
{
	bool want_log = true;
	char got_log[300];
	bool ok = true;

	if (r->errs > 0)
		snprintf(got_log, sizeof(got_log), " (logged \"%.260s\")", r->first_err);
	else
		snprintf(got_log, sizeof(got_log), ", no ERR line");

	switch (c->kind) {
	case ARGCHECK_EINVAL:
		ok = r->value == -EINVAL;
		break;
	case ARGCHECK_NEUTRAL:
		if (!r->has_value)
			ok = true;
		else if (r->is_ptr)
			ok = r->value == 0 || r->is_empty_str;
		else
			ok = r->value == 0;
		break;
	case ARGCHECK_VALUE:
	case ARGCHECK_FASTPATH:
		if (r->has_want)
			ok = r->is_ptr ? r->want != 0 : r->value == r->want;
		else
			ok = !r->has_value || r->value == 0;
		break;
	case ARGCHECK_NOOP:
		want_log = false;
		ok = !r->has_value || strcmp(c->ret, "int") != 0 || r->value == 0;
		if (r->errs > 0) {
			snprintf(why, len, "a documented no-op logged ERR \"%s\"", r->first_err);
			return why;
		}
		break;
	case ARGCHECK_OPTIONAL:
		want_log = false;
		ok = !r->has_value || strcmp(c->ret, "int") != 0 || r->value != -EINVAL;
		break;
	case ARGCHECK_KERNEL:
		want_log = false;
		ok = r->has_want ? r->value == r->want : true;
		break;
	}
	if (!ok) {
		if (r->is_ptr)
			snprintf(why, len, "returned %s, expected %s%s",
				 r->value ? (r->is_empty_str ? "\"\"" : "a pointer") : "NULL",
				 kind_name(c->kind), got_log);
		else if (r->has_want)
			snprintf(why, len, "returned %lld, expected %lld (%s)%s", r->value, r->want,
				 kind_name(c->kind), got_log);
		else
			snprintf(why, len, "returned %lld (%s), expected %s%s", r->value,
				 r->value < 0 ? strerror((int)-r->value) : "not an errno",
				 kind_name(c->kind), got_log);
		return why;
	}
	/* one refusal, one line: a second would be a layer logging it again */
	if (want_log && r->errs != 1) {
		snprintf(why, len, r->errs == 0 ? "no ERR log line" :
			 "%u ERR lines for one refusal, want one%s", r->errs, got_log);
		return why;
	}
	return NULL;
}

static bool
selected(const char *func, int argc, char **argv, int first)
{
	int i;

	if (first >= argc)
		return true;
	for (i = first; i < argc; i++)
		if (strcmp(argv[i], func) == 0)
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	unsigned int i, ncalls = 0, nfail = 0, nskip = 0, nfunc_fail = 0;
	static const char *failed[1024];
	static unsigned int failed_calls[1024];
	const char *last_failed = NULL;
	bool verbose = false;
	int first = 1;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = true;
		first = 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("argcheck: every function of the installed PDK headers, NULL in each pointer argument, one child per call\n");
	for (i = 0; i < argcheck_ncases; i++) {
		const struct argcheck_case *c = &argcheck_cases[i];
		struct argcheck_result r;
		const char *fail = NULL;
		char why[512];
		int pfd[2], status;
		ssize_t n;
		pid_t pid;

		if (!selected(c->func, argc, argv, first))
			continue;
#ifndef PDK_FASTPATH_CHECKS
		if (c->kind == ARGCHECK_FASTPATH) {
			nskip++;
			if (verbose)
				printf("  skip %s(%s = NULL): %s\n", c->func, c->param, c->reason);
			continue;
		}
#endif
		ncalls++;
		if (pipe(pfd) < 0) {
			perror("pipe");
			return 2;
		}
		fflush(NULL);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0) {
			close(pfd[0]);
			run_child(c, pfd[1]);
		}
		close(pfd[1]);
		memset(&r, 0, sizeof(r));
		n = read(pfd[0], &r, sizeof(r));
		close(pfd[0]);
		waitpid(pid, &status, 0);
		if (n != (ssize_t)sizeof(r)) {
			if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
				snprintf(why, sizeof(why), "hung (no return within %d s)", CASE_TIMEOUT_S);
			else if (WIFSIGNALED(status))
				snprintf(why, sizeof(why), "crashed (%s)", strsignal(WTERMSIG(status)));
			else
				snprintf(why, sizeof(why), "child exited %d without a result",
					 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			fail = why;
		} else if (r.fixture[0] != '\0') {
			snprintf(why, sizeof(why), "fixture not built: %s", r.fixture);
			fail = why;
		} else if (!r.called) {
			snprintf(why, sizeof(why), "the call did not return");
			fail = why;
		} else {
			fail = judge(c, &r, why, sizeof(why));
		}
		if (fail != NULL) {
			nfail++;
			if (last_failed == NULL || strcmp(last_failed, c->func) != 0) {
				if (nfunc_fail < sizeof(failed) / sizeof(failed[0]))
					failed[nfunc_fail] = c->func;
				nfunc_fail++;
			}
			if (nfunc_fail <= sizeof(failed) / sizeof(failed[0]))
				failed_calls[nfunc_fail - 1]++;
			last_failed = c->func;
			printf("FAIL %s(%s = NULL) [%s]: %s\n", c->func, c->param, c->header, fail);
		} else if (verbose) {
			printf("  ok %s(%s = NULL): %s%s%s\n", c->func, c->param,
			       r.first_err[0] != '\0' ? r.first_err : kind_name(c->kind),
			       c->reason[0] != '\0' ? " -- " : "", c->reason);
		}
	}
	if (nfunc_fail > 0) {
		printf("failures by function:");
		for (i = 0; i < nfunc_fail && i < sizeof(failed) / sizeof(failed[0]); i++)
			printf("%s %s (%u)", i == 0 ? "" : ",", failed[i], failed_calls[i]);
		printf("\n");
	}
	printf("argcheck: %u functions, %u pointer arguments, %u calls, %u failed (in %u functions), %u skipped (fast path)\n",
	       argcheck_nfuncs, argcheck_nptrs, ncalls, nfail, nfunc_fail, nskip);
	return nfail == 0 ? 0 : 1;
}
