/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <linux/pci_regs.h>
#include <string.h>
#include <sys/mman.h>

#include "mock_pasid.h"
#include "pdk_log.h"
#include "pdk_sys_backend.h"
#include "pdk_test.h"
#include "test_env.h"

const struct pdk_sim_fn_config test_default_fn = {
	.pci_addr = PDK_SIM_DEFAULT_PCI_ADDR,
	.model = PDK_SIM_MODEL_SIMDMA,
	.pasid_bits = 20,
	.pasid_exec = false,
	.pasid_priv = false,
};

/*
 * The kernel-mock fixture: the real iommufd and the kernel's PASID-capable
 * mock device behind a virtual VFIO cdev, opened through PDK as usual.
 */
static int
kernel_env_setup(struct test_env *env, const struct pdk_sim_config *cfg,
		 const struct pdk_sim_fn_config *fn, bool bind)
{
	int rc;

	if (cfg != NULL || (fn != NULL && fn->pasid_bits != MOCK_PASID_BITS)) {
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
	rc = pdk_iommufd_open(env->sys, &env->ictx);
	if (rc < 0)
		goto fail;
	env->ifd = pdk_iommufd_fd(env->ictx);
	rc = pdk_vfio_open(env->sys, MOCK_PASID_PCI_ADDR, &env->dev);
	if (rc < 0)
		goto fail;
	env->dfd = pdk_vfio_fd(env->dev);
	if (bind) {
		rc = pdk_vfio_bind(env->dev, env->ictx, &env->dev_id);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	test_env_teardown(env);
	return rc;
}

int
test_env_setup(struct test_env *env, const struct pdk_sim_config *cfg,
	       const struct pdk_sim_fn_config *fn, bool bind)
{
	struct pdk_sim_config c = {0};
	int rc;

	memset(env, 0, sizeof(*env));
	if (pdk_test_backend == PDK_TEST_BACKEND_KERNEL_MOCK)
		return kernel_env_setup(env, cfg, fn, bind);
	if (cfg != NULL)
		c = *cfg;
	c.no_default_devices = true;
	rc = pdk_sim_create(&c, &env->sim);
	if (rc < 0)
		return rc;
	env->sys = pdk_sim_sys(env->sim);
	rc = pdk_sim_fn_add(env->sim, fn != NULL ? fn : &test_default_fn, NULL);
	if (rc < 0)
		goto fail;
	rc = pdk_iommufd_open(env->sys, &env->ictx);
	if (rc < 0)
		goto fail;
	env->ifd = pdk_iommufd_fd(env->ictx);
	rc = pdk_vfio_open(env->sys, fn != NULL ? fn->pci_addr : test_default_fn.pci_addr,
			   &env->dev);
	if (rc < 0)
		goto fail;
	env->dfd = pdk_vfio_fd(env->dev);
	if (bind) {
		rc = pdk_vfio_bind(env->dev, env->ictx, &env->dev_id);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	test_env_teardown(env);
	return rc;
}

int
test_env_teardown(struct test_env *env)
{
	int rc = 0;

	if (env->dev != NULL)
		pdk_vfio_close(env->dev);
	if (env->ictx != NULL)
		pdk_iommufd_close(env->ictx);
	env->dev = NULL;
	env->ictx = NULL;
	if (env->sim != NULL) {
		if (!pdk_sim_is_clean(env->sim))
			rc = -1;
		if (pdk_sim_destroy(env->sim) != 0)
			rc = -1;
		env->sim = NULL;
		env->sys = NULL;	/* it lived inside the sim */
	}
	if (mock_pasid_is(env->sys)) {
		/* a mock device fd the test left open is a leak, as on the sim */
		if (mock_pasid_destroy(env->sys) != 0)
			rc = -1;
		env->sys = NULL;
	}
	return rc;
}

int
raw_ioas_alloc(struct test_env *env, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc a = {.size = sizeof(a)};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_ALLOC, &a);

	if (rc == 0)
		*ioas_id = a.out_ioas_id;
	return rc;
}

int
raw_hwpt_alloc(struct test_env *env, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc a = {
		.size = sizeof(a), .flags = flags, .dev_id = env->dev_id, .pt_id = pt_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_HWPT_ALLOC, &a);

	if (rc == 0 && hwpt_id != NULL)
		*hwpt_id = a.out_hwpt_id;
	return rc;
}

int
raw_attach(struct test_env *env, uint32_t flags, uint32_t pasid, uint32_t pt_id)
{
	struct vfio_device_attach_iommufd_pt a = {
		.argsz = sizeof(a), .flags = flags, .pt_id = pt_id, .pasid = pasid,
	};

	return pdk_sys_ioctl(env->sys, env->dfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

int
raw_detach(struct test_env *env, uint32_t flags, uint32_t pasid)
{
	struct vfio_device_detach_iommufd_pt d = {
		.argsz = sizeof(d), .flags = flags, .pasid = pasid,
	};

	return pdk_sys_ioctl(env->sys, env->dfd, VFIO_DEVICE_DETACH_IOMMUFD_PT, &d);
}

int
raw_destroy(struct test_env *env, uint32_t id)
{
	struct iommu_destroy d = {.size = sizeof(d), .id = id};

	return pdk_sys_ioctl(env->sys, env->ifd, IOMMU_DESTROY, &d);
}

int
raw_map(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	uint64_t *iova)
{
	struct iommu_ioas_map m = {
		.size = sizeof(m), .flags = flags, .ioas_id = ioas_id,
		.user_va = (uintptr_t)va, .length = len, .iova = *iova,
	};
	int rc = pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_MAP, &m);

	if (rc == 0)
		*iova = m.iova;
	return rc;
}

int
raw_unmap(struct test_env *env, uint32_t ioas_id, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas_id, .iova = iova, .length = len,
	};

	return pdk_sys_ioctl(env->sys, env->ifd, IOMMU_IOAS_UNMAP, &u);
}

int
raw_map_fixed(struct test_env *env, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
	      uint64_t iova)
{
	return raw_map(env, ioas_id, flags | IOMMU_IOAS_MAP_FIXED_IOVA, va, len, &iova);
}

int
raw_ioas_hwpt(struct test_env *env, uint32_t flags, uint32_t *ioas_id, uint32_t *hwpt_id)
{
	int rc = raw_ioas_alloc(env, ioas_id);

	if (rc != 0)
		return rc;
	return raw_hwpt_alloc(env, *ioas_id, flags, hwpt_id);
}

void *
test_buf_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	return p;
}

void
test_buf_free(void *buf, size_t len)
{
	if (buf != NULL)
		munmap(buf, len);
}

int
test_all_bytes(const void *p, uint8_t v, size_t len)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != v)
			return 0;
	return 1;
}

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
