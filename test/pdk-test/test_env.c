/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The test environment and its fixtures on the three backends: see test_env.h. */

#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "mock_pasid.h"
#include "pdk_edu.h"
#include "pdk_log.h"
#include "pdk_sys_backend.h"
#include "test_env.h"

const struct pdk_sim_fn_config test_default_fn = { TEST_SIMDMA_FN(20) };
const struct pdk_sim_fn_config test_prs_fn = { TEST_SIMDMA_FN(20), .prs = true, .ats = true };

/*
 * A backend gives the environment its pdk_sys and the device's address;
 * the rest of the set-up (context, device, bind, uAPI objects) is common.
 */
struct test_backend {
	const char *name;
	int (*create)(struct test_env *env, const struct test_fixture *fix);
	/* @return 0 when the backend was left clean */
	int (*destroy)(struct test_env *env);
	const char *iommufd_hint;	/* the fix when /dev/iommu cannot be opened */
	const char *vfio_hint;		/* the fix when the device cannot be opened */
};

/* ---- sim: PDK's simulated kernel with one function ---- */

static int
sim_create(struct test_env *env, const struct test_fixture *fix)
{
	const struct pdk_sim_fn_config *fn = fix->fn != NULL ? fix->fn : &test_default_fn;
	struct pdk_sim_config c = {0};
	int rc;

	if (fix->sim != NULL)
		c = *fix->sim;
	c.no_default_devices = true;
	rc = pdk_sim_create(&c, &env->sim);
	if (rc < 0) {
		fprintf(stderr, "  cannot create the sim: %s\n", strerror(-rc));
		return rc;
	}
	env->sys = pdk_sim_sys(env->sim);
	rc = pdk_sim_fn_add(env->sim, fn, NULL);
	if (rc < 0) {
		fprintf(stderr, "  cannot add function %s to the sim: %s\n", fn->pci_addr,
			strerror(-rc));
		return rc;
	}
	snprintf(env->addr, sizeof(env->addr), "%s", fn->pci_addr);
	return 0;
}

struct pdk_sim *
test_sim_bare(void)
{
	const struct pdk_sim_config c = { .no_default_devices = true };
	struct pdk_sim *sim = NULL;

	return pdk_sim_create(&c, &sim) == 0 ? sim : NULL;
}

bool
test_sim_clean(struct pdk_sim *sim, const char *what)
{
	struct pdk_sim_stats st;

	if (pdk_sim_is_clean(sim))
		return true;
	pdk_sim_stats_get(sim, &st);
	fprintf(stderr, "  %s is not clean: fds %u ctxs %u ioas %u hwpts %u faultq %u bound %u "
		"pasids %u rids %u maps %u pinned %llu mmaps %u containers %u groups %u\n", what, st.fds, st.iommufd_ctxs,
		st.ioas, st.hwpts, st.fault_queues, st.bound_devices, st.pasid_attachments,
		st.rid_attachments, st.mappings, (unsigned long long)st.pinned_pages, st.mmaps,
		st.containers, st.vfio_groups);
	return false;
}

static int
sim_destroy(struct test_env *env)
{
	int rc = test_sim_clean(env->sim, "the sim after the teardown") ? 0 : -1;

	if (pdk_sim_destroy(env->sim) != 0)
		rc = -1;
	return rc;
}

/* ---- kernel-mock: the real iommufd, the kernel's PASID-capable mock behind a virtual cdev ---- */

static int
mock_create(struct test_env *env, const struct test_fixture *fix)
{
	int rc;

	if (fix->sim != NULL || (fix->fn != NULL && fix->fn->pasid_bits != MOCK_PASID_BITS)) {
		fprintf(stderr, "  this test needs a sim configuration: sim only\n");
		return -EOPNOTSUPP;
	}
	rc = mock_pasid_create(&env->sys);
	if (rc < 0) {
		fprintf(stderr, "  no kernel-mock backend (%s): a kernel with CONFIG_IOMMUFD_TEST "
			"is needed (test/vm)\n", strerror(-rc));
		env->sys = NULL;
		return rc;
	}
	snprintf(env->addr, sizeof(env->addr), "%s", MOCK_PASID_PCI_ADDR);
	return 0;
}

static int
mock_destroy(struct test_env *env)
{
	int open = mock_pasid_destroy(env->sys);

	/* a mock device fd the test left open is a leak, as on the sim */
	if (open != 0)
		fprintf(stderr, "  kernel-mock: %d device fd(s) left open\n", open);
	return open;
}

/* ---- kernel: the VM's kernel, an edu device bound to vfio-pci ---- */

#define SYSFS_PCI "/sys/bus/pci/devices"

struct edu_scan {
	char addrs[8][PDK_PCI_ADDR_LEN];
	unsigned int n;		/* edus found, even beyond the array */
};

static int
scan_entry(const char *name, void *arg)
{
	struct edu_scan *s = arg;
	char path[128], vendor[16], device[16];

	snprintf(path, sizeof(path), SYSFS_PCI "/%s/vendor", name);
	if (pdk_sys_read_file(pdk_sys_kernel(), path, vendor, sizeof(vendor)) < 0)
		return 0;
	snprintf(path, sizeof(path), SYSFS_PCI "/%s/device", name);
	if (pdk_sys_read_file(pdk_sys_kernel(), path, device, sizeof(device)) < 0)
		return 0;
	if (strtoul(vendor, NULL, 16) != PDK_EDU_VENDOR_ID ||
	    strtoul(device, NULL, 16) != PDK_EDU_DEVICE_ID)
		return 0;
	if (s->n < 8 && strlen(name) < PDK_PCI_ADDR_LEN)
		strcpy(s->addrs[s->n], name);
	s->n++;
	return 0;
}

static int
addr_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
test_env_edus(char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN])
{
	struct edu_scan s;
	unsigned int i;
	int rc;

	memset(&s, 0, sizeof(s));
	rc = pdk_sys_list_dir(pdk_sys_kernel(), SYSFS_PCI, scan_entry, &s);
	if (rc < 0) {
		fprintf(stderr, "  cannot list " SYSFS_PCI ": %s (is sysfs mounted?)\n", strerror(-rc));
		return rc;
	}
	if (s.n != TEST_NUM_EDU) {
		fprintf(stderr, "  found %u edu device(s) (%04x:%04x) in " SYSFS_PCI ", the VM harness "
		       "gives %u (test/vm/run-vm.sh --edu)\n", s.n, PDK_EDU_VENDOR_ID,
		       PDK_EDU_DEVICE_ID, TEST_NUM_EDU);
		return -ENODEV;
	}
	qsort(s.addrs, s.n, sizeof(s.addrs[0]), addr_cmp);
	for (i = 0; i < TEST_NUM_EDU; i++)
		strcpy(addrs[i], s.addrs[i]);
	return 0;
}

static int
kernel_create(struct test_env *env, const struct test_fixture *fix)
{
	char addrs[TEST_NUM_EDU][PDK_PCI_ADDR_LEN];
	int rc;

	if (fix->sim != NULL || fix->fn != NULL) {
		fprintf(stderr, "  this test needs a sim configuration: sim only\n");
		return -EOPNOTSUPP;
	}
	if (fix->edu >= TEST_NUM_EDU) {
		fprintf(stderr, "  there is no edu %u (the VM has %u)\n", fix->edu, TEST_NUM_EDU);
		return -EINVAL;
	}
	rc = test_env_edus(addrs);
	if (rc < 0)
		return rc;
	env->sys = pdk_sys_kernel();
	strcpy(env->addr, addrs[fix->edu]);
	return 0;
}

static int
kernel_destroy(struct test_env *env)
{
	(void)env;	/* the process's own kernel: nothing to destroy */
	return 0;
}

static const struct test_backend backends[] = {
	[PDK_TEST_BACKEND_SIM] = {
		.name = "sim", .create = sim_create, .destroy = sim_destroy,
	},
	[PDK_TEST_BACKEND_KERNEL_MOCK] = {
		.name = "kernel-mock", .create = mock_create, .destroy = mock_destroy,
	},
	[PDK_TEST_BACKEND_KERNEL] = {
		.name = "kernel", .create = kernel_create, .destroy = kernel_destroy,
		.iommufd_hint = "the VM kernel must have CONFIG_IOMMUFD=y (test/vm/kernel.config)",
		.vfio_hint = "/init of test/vm binds edu to vfio-pci, the kernel needs "
			     "CONFIG_VFIO_DEVICE_CDEV=y",
	},
};

enum pdk_test_backend
test_env_suite_backend(const char *suite)
{
	return strcmp(suite, "vm") == 0 ? PDK_TEST_BACKEND_KERNEL : PDK_TEST_BACKEND_SIM;
}

/* ---- set-up and teardown ---- */

static void
step_failed(const struct test_env *env, const char *step, int rc, const char *hint)
{
	fprintf(stderr, "  %s on %s: %s: %s%s%s\n", env->addr[0] != '\0' ? env->addr : "device",
		backends[env->backend].name, step, strerror(-rc), hint != NULL ? "; " : "",
		hint != NULL ? hint : "");
}

int
test_env_setup(struct test_env *env, const struct test_fixture *fix)
{
	const struct test_backend *b = &backends[pdk_test_backend];
	enum test_hwpt hwpt = fix->hwpt;
	const char *step;
	int rc;

	memset(env, 0, sizeof(*env));
	env->backend = pdk_test_backend;
	env->ifd = -1;
	env->dfd = -1;
	if (hwpt == TEST_HWPT_NONE && fix->pasid != 0)
		hwpt = TEST_HWPT_PASID;
	if (fix->pasid != 0 && hwpt != TEST_HWPT_PASID) {
		fprintf(stderr, "  fixture of %s: a PASID attaches to a PASID-compatible HWPT only\n",
			fix->test != NULL ? fix->test : "the test");
		return -EINVAL;
	}
	rc = b->create(env, fix);
	if (rc < 0) {
		/* what the backend made before failing goes with it */
		if (env->sys != NULL)
			b->destroy(env);
		env->sys = NULL;
		env->sim = NULL;
		return rc;
	}
	rc = pdk_iommufd_open(env->sys, &env->ictx);
	if (rc < 0) {
		step_failed(env, "cannot open /dev/iommu", rc, b->iommufd_hint);
		goto fail;
	}
	env->ifd = pdk_iommufd_fd(env->ictx);
	rc = pdk_vfio_open(env->sys, env->addr, &env->dev);
	if (rc < 0) {
		step_failed(env, "cannot open the VFIO cdev", rc, b->vfio_hint);
		goto fail;
	}
	env->dfd = pdk_vfio_fd(env->dev);
	step = "cannot bind";
	if ((fix->bind || hwpt != TEST_HWPT_NONE) &&
	    (rc = pdk_vfio_bind(env->dev, env->ictx, &env->dev_id)) < 0)
		goto fail_step;
	step = "IOMMU_IOAS_ALLOC";
	if ((fix->ioas || hwpt != TEST_HWPT_NONE) && (rc = raw_ioas_alloc(env, &env->ioas)) < 0)
		goto fail_step;
	step = "IOMMU_HWPT_ALLOC";
	if (hwpt != TEST_HWPT_NONE &&
	    (rc = raw_hwpt_alloc(env, env->ioas, hwpt == TEST_HWPT_PASID ? IOMMU_HWPT_ALLOC_PASID : 0,
				 &env->hwpt)) < 0)
		goto fail_step;
	step = "PASID attach";
	if (fix->pasid != 0) {
		rc = raw_attach(env, VFIO_DEVICE_ATTACH_PASID, fix->pasid, env->hwpt);
		if (rc < 0)
			goto fail_step;
		env->pasid = fix->pasid;
	}
	if (fix->buf != 0) {
		env->buf = test_buf_alloc(fix->buf);
		if (env->buf == NULL) {
			rc = -ENOMEM;
			step = "buffer";
			goto fail_step;
		}
		env->buf_len = fix->buf;
	}
	return 0;

fail_step:
	step_failed(env, step, rc, NULL);
fail:
	test_env_teardown(env);
	return rc;
}

/* One step of the release: print it when it failed; @return the first failure so far. */
static int
release_step(const struct test_env *env, int rc, int step_rc, const char *step)
{
	if (step_rc < 0)
		step_failed(env, step, step_rc, NULL);
	return rc < 0 ? rc : step_rc;
}

int
test_env_release(struct test_env *env)
{
	int rc = 0;

	if (env->pasid != 0)
		rc = release_step(env, rc, raw_detach(env, VFIO_DEVICE_DETACH_PASID, env->pasid),
				  "teardown: detach of the fixture's PASID");
	if (env->hwpt != 0)
		rc = release_step(env, rc, raw_destroy(env, env->hwpt),
				  "teardown: IOMMU_DESTROY of the fixture's HWPT");
	if (env->ioas != 0)
		rc = release_step(env, rc, raw_destroy(env, env->ioas),
				  "teardown: IOMMU_DESTROY of the fixture's IOAS");
	env->pasid = 0;
	env->hwpt = 0;
	env->ioas = 0;
	test_buf_free(env->buf, env->buf_len);
	env->buf = NULL;
	env->buf_len = 0;
	return rc;
}

int
test_env_destroy(struct test_env *env, uint32_t *id)
{
	int rc = raw_destroy(env, *id);

	if (rc == 0)
		*id = 0;
	return rc;
}

int
test_env_trigger_iopf(struct test_env *env, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr)
{
	if (test_env_is_sim(env))
		return pdk_sim_trigger_iopf(env->sim, env->ifd, env->dev_id, pasid, grpid, perm,
					    addr);
	if (mock_pasid_is(env->sys))
		return mock_pasid_trigger_iopf(env->ifd, env->dev_id, pasid, grpid, perm, addr);
	fprintf(stderr, "  %s: no IOPF trigger on this backend (edu)\n", __func__);
	return -EOPNOTSUPP;
}

int
test_env_teardown(struct test_env *env)
{
	const struct test_backend *b = &backends[env->backend];
	int rc = test_env_release(env) == 0 ? 0 : -1;

	if (pdk_vfio_close(env->dev) < 0) {
		step_failed(env, "teardown: the device refused to close", -EBUSY, NULL);
		rc = -1;
	}
	if (pdk_iommufd_close(env->ictx) < 0) {
		step_failed(env, "teardown: the context refused to close", -EBUSY, NULL);
		rc = -1;
	}
	env->dev = NULL;
	env->ictx = NULL;
	env->ifd = -1;
	env->dfd = -1;
	env->dev_id = 0;
	if (env->sys != NULL && b->destroy(env) != 0)
		rc = -1;
	env->sys = NULL;
	env->sim = NULL;
	return rc;
}

int
test_env_run(enum pdk_test_backend backend, const struct test_fixture *fix, test_env_fn_t body)
{
	struct test_env env;
	int rc;

	pdk_test_backend = backend;
	TEST_ASSERT_OK(test_env_setup(&env, fix));
	rc = body(&env);
	if (rc != TEST_SUCCESS)
		return rc;
	TEST_ASSERT(test_env_teardown(&env) == 0, "teardown of %s", fix->test);
	return TEST_SUCCESS;
}

/* ---- the sim's counters ---- */

void
test_env_counters(struct test_env *env, struct pdk_sim_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (test_env_is_sim(env))
		pdk_sim_stats_get(env->sim, st);
}

bool
test_env_unchanged(struct test_env *env, const struct pdk_sim_stats *before, const char *what)
{
	struct pdk_sim_stats now;
	bool same = true;

	if (!test_env_is_sim(env))
		return true;
	pdk_sim_stats_get(env->sim, &now);
#define SAME(f)									\
	do {									\
		if (now.f != before->f) {					\
			fprintf(stderr, "  %s: the sim's " #f " went from %llu to %llu\n", what, \
				(unsigned long long)before->f, (unsigned long long)now.f); \
			same = false;						\
		}								\
	} while (0)
	SAME(fds);
	SAME(iommufd_ctxs);
	SAME(ioas);
	SAME(hwpts);
	SAME(fault_queues);
	SAME(bound_devices);
	SAME(pasid_attachments);
	SAME(rid_attachments);
	SAME(mappings);
	SAME(pinned_pages);
	SAME(mmaps);
	SAME(engines);
	SAME(containers);
	SAME(vfio_groups);
	SAME(faults);
#undef SAME
	return same;
}

/* ---- the sim's pdk-sim-dma ---- */

static int
reg_write32(struct test_env *env, uint64_t off, uint32_t v)
{
	return pdk_vfio_bar_write(env->dev, 0, off, &v, sizeof(v));
}

int
test_simdma_copy(struct test_env *env, bool pasid_valid, uint32_t pasid, uint64_t src,
		 uint64_t dst, uint32_t len)
{
	uint16_t cmd;
	uint32_t st;
	int rc;

	rc = pdk_vfio_config_read(env->dev, PCI_COMMAND, &cmd, sizeof(cmd));
	if (rc < 0)
		return rc;
	if (!(cmd & PCI_COMMAND_MASTER)) {
		cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
		rc = pdk_vfio_config_write(env->dev, PCI_COMMAND, &cmd, sizeof(cmd));
		if (rc < 0)
			return rc;
	}
	if ((rc = pdk_vfio_bar_write(env->dev, 0, PDK_SIMDMA_REG_SRC, &src, sizeof(src))) < 0 ||
	    (rc = pdk_vfio_bar_write(env->dev, 0, PDK_SIMDMA_REG_DST, &dst, sizeof(dst))) < 0 ||
	    (rc = reg_write32(env, PDK_SIMDMA_REG_LEN, len)) < 0 ||
	    (rc = reg_write32(env, PDK_SIMDMA_REG_PASID,
			      pasid_valid ? PDK_SIMDMA_PASID_EN | pasid : 0)) < 0 ||
	    (rc = reg_write32(env, PDK_SIMDMA_REG_CMD, PDK_SIMDMA_CMD_COPY)) < 0)
		return rc;
	rc = pdk_vfio_bar_read(env->dev, 0, PDK_SIMDMA_REG_STATUS, &st, sizeof(st));
	return rc < 0 ? rc : (int)st;
}

void
test_sys_map_only(struct test_sys_map_only *m, struct pdk_sim *sim)
{
	m->sys = *pdk_sim_sys(sim);
	m->ops = *m->sys.ops;
	m->ops.mmio_resolve = NULL;
	m->ops.mmio_release = NULL;
	m->sys.name = "sim-map-only";
	m->sys.ops = &m->ops;
	m->sys.backend = NULL;
}

int
test_fault_record(struct pdk_dma_as *as, const struct pdk_dma_fault *f, void *arg)
{
	struct test_fault_seen *s = arg;

	(void)as;
	s->calls++;
	s->last = *f;
	return s->answer;
}
