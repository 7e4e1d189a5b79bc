/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The legacy VFIO uAPI (/dev/vfio/vfio containers with the type1 IOMMU,
 * /dev/vfio/N groups) as the simulated kernel must answer it: the rules of
 * drivers/vfio/container.c, group.c and vfio_iommu_type1.c (kernel-facts
 * K22; doc/sim.md, "Legacy VFIO container and groups").
 *
 * Each refusal is asserted three ways: the errno, that the sim changed
 * nothing (TEST_RULE), and on the sim the DEBUG line the rule logged. The
 * rules that need no device (PDK_RULE_TEST) also run on the VM's kernel,
 * whose config has CONFIG_VFIO_CONTAINER=y (VFIO_IOMMU_TYPE1 selected by it
 * on x86) and no VFIO_NOIOMMU; there the kernel logs nothing, so only the
 * errno and the result are checked. The rules that need a VFIO group cannot
 * use the VM's rule-test device (the kernel's iommufd mock has no VFIO
 * group): they run on the sim as sim_rule_<name> and, where the real kernel
 * can answer them, on the VM's edu devices (vfio-pci behind the emulated
 * VT-d) as kernel_legacy_<name>, the same body; the few assertions on what
 * the sim models differently (doc/sim.md) are made on the sim only.
 */

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "pdk_log.h"
#include "test_env.h"

#define PG 4096ull
#define IOVA_A 0x1000000ull
#define IOVA_B 0x2000000ull
#define MSI_IOVA 0xfee00000ull	/* the simulated VT-d's MSI window */
#define NO_GROUP "/dev/vfio/9999"

/* ---- the sim's rule line: what sim_err() logged at DEBUG ---- */

static char rule_line[512];

static void
rule_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)level;
	(void)arg;
	if (strcmp(component, "sim") == 0)
		snprintf(rule_line, sizeof(rule_line), "%s", line);
}

/*
 * @p expr is refused with @p want and changes nothing; on the sim the last
 * line it logged contains @p why.
 */
#define TEST_RULE(env, expr, want, why)						\
	do {									\
		struct pdk_sim_stats before__;					\
		enum pdk_log_level level__ = pdk_log_get_level();		\
		pdk_log_sink_t sink__;						\
		void *arg__;							\
		long long r__;							\
		test_env_counters(env, &before__);				\
		rule_line[0] = '\0';						\
		pdk_log_set_level(PDK_LOG_DEBUG);				\
		pdk_log_set_sink(rule_sink, NULL, &sink__, &arg__);		\
		r__ = (long long)(expr);					\
		pdk_log_set_sink(sink__, arg__, NULL, NULL);			\
		pdk_log_set_level(level__);					\
		TEST_ASSERT_RC(r__, want);					\
		TEST_ASSERT(test_env_unchanged(env, &before__, #expr),		\
			    "%s was refused but changed the sim", #expr);	\
		if (test_env_is_sim(env))					\
			TEST_ASSERT(strstr(rule_line, why) != NULL,		\
				    "the sim logged \"%s\", not \"%s\"", rule_line, why); \
	} while (0)

/* ---- raw calls ---- */

static int
ioc(struct test_env *env, int fd, unsigned long req, void *arg)
{
	return pdk_sys_ioctl(env->sys, fd, req, arg);
}

static int
ioc_val(struct test_env *env, int fd, unsigned long req, unsigned long val)
{
	return pdk_sys_ioctl(env->sys, fd, req, (void *)(uintptr_t)val);
}

static int
map_dma(struct test_env *env, int cfd, uint32_t flags, const void *va, uint64_t iova,
	uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = (uint64_t)(uintptr_t)va,
		.iova = iova, .size = size,
	};

	return ioc(env, cfd, VFIO_IOMMU_MAP_DMA, &m);
}

#define RW_DMA (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)

/* UNMAP_DMA; *out (when not NULL): the size the kernel wrote back */
static int
unmap_dma(struct test_env *env, int cfd, uint32_t flags, uint64_t iova, uint64_t size,
	  uint64_t *out)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	int rc = ioc(env, cfd, VFIO_IOMMU_UNMAP_DMA, &u);

	if (out != NULL)
		*out = u.size;
	return rc;
}

static uint32_t
group_flags(struct test_env *env, int gfd)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioc(env, gfd, VFIO_GROUP_GET_STATUS, &st) < 0)
		return 0xdead;
	return st.flags;
}

/* "/dev/vfio/N" of the env's device, N from its iommu_group link as DPDK reads it. */
static int
group_path(struct test_env *env, char *path, size_t len)
{
	char link[256], target[48];
	const char *n;
	ssize_t rc;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", env->addr);
	rc = pdk_sys_link_name(env->sys, link, target, sizeof(target));
	if (rc < 0)
		return (int)rc;
	n = strrchr(target, '/');
	snprintf(path, len, "/dev/vfio/%s", n != NULL ? n + 1 : target);
	return 0;
}

/* A container, the env's group set to it, and (when @p type) the IOMMU set. */
struct legacy {
	int cfd;
	int gfd;
	char path[64];
};

static int
legacy_open(struct test_env *env, struct legacy *l, unsigned long type)
{
	int rc;

	l->cfd = l->gfd = -1;
	rc = group_path(env, l->path, sizeof(l->path));
	if (rc < 0)
		return rc;
	l->cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	if (l->cfd < 0)
		return l->cfd;
	l->gfd = pdk_sys_open(env->sys, l->path, O_RDWR);
	if (l->gfd < 0)
		return l->gfd;
	rc = ioc(env, l->gfd, VFIO_GROUP_SET_CONTAINER, &l->cfd);
	if (rc < 0 || type == 0)
		return rc;
	return ioc_val(env, l->cfd, VFIO_SET_IOMMU, type);
}

static int
legacy_close(struct test_env *env, struct legacy *l)
{
	int rc = 0;

	if (l->gfd >= 0 && pdk_sys_close(env->sys, l->gfd) < 0)
		rc = -1;
	if (l->cfd >= 0 && pdk_sys_close(env->sys, l->cfd) < 0)
		rc = -1;
	l->gfd = l->cfd = -1;
	return rc;
}

static int
device_fd(struct test_env *env, struct legacy *l)
{
	return pdk_sys_ioctl(env->sys, l->gfd, VFIO_GROUP_GET_DEVICE_FD, env->addr);
}

/* ---- rules without a device: the VM's kernel answers them too ---- */

/* container.c: VFIO_GET_API_VERSION is VFIO_API_VERSION; each open is a new container */
static int
test_api_version(struct test_env *env)
{
	int c1 = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	int c2 = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);

	TEST_ASSERT(c1 >= 0 && c2 >= 0 && c1 != c2, "two opens: %d %d", c1, c2);
	TEST_ASSERT_RC(ioc(env, c1, VFIO_GET_API_VERSION, NULL), VFIO_API_VERSION);
	TEST_ASSERT_RC(ioc(env, c2, VFIO_GET_API_VERSION, NULL), VFIO_API_VERSION);
	TEST_ASSERT_SIM_COUNT(env, containers, 2);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, c1));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, c2));
	TEST_ASSERT_SIM_COUNT(env, containers, 0);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(container_api_version, test_api_version);

/*
 * container.c vfio_container_ioctl_check_extension(): with no IOMMU set every
 * driver is asked; type1 (vfio_iommu_type1_check_extension(), iommu NULL)
 * says yes to TYPE1, TYPE1v2 and UNMAP_ALL only; no NOIOMMU driver.
 */
static int
test_check_extension_unset(struct test_env *env)
{
	int cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);

	TEST_ASSERT(cfd >= 0);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL), 1);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU), 0);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 0);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU), 0);
	TEST_ASSERT_RC(ioc_val(env, cfd, VFIO_CHECK_EXTENSION, 1000), 0);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, cfd));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(container_check_extension_unset, test_check_extension_unset);

/* container.c vfio_ioctl_set_iommu(): no group set: EINVAL, whatever the type */
static int
test_set_iommu_no_group(struct test_env *env)
{
	int cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);

	TEST_ASSERT(cfd >= 0);
	TEST_RULE(env, ioc_val(env, cfd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -EINVAL,
		  "no group is set to the container");
	TEST_RULE(env, ioc_val(env, cfd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU), -EINVAL,
		  "no group is set to the container");
	TEST_RULE(env, ioc_val(env, cfd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -EINVAL,
		  "no group is set to the container");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, cfd));
	return TEST_SUCCESS;
}
PDK_RULE_TEST(container_set_iommu_no_group, test_set_iommu_no_group);

/* container.c vfio_fops_unl_ioctl(): the driver's ioctls without a driver: EINVAL */
static int
test_map_before_set_iommu(struct test_env *env)
{
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	int cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	void *buf = test_buf_alloc(PG);

	TEST_ASSERT(cfd >= 0 && buf != NULL);
	TEST_RULE(env, map_dma(env, cfd, RW_DMA, buf, IOVA_A, PG), -EINVAL, "no IOMMU set");
	TEST_RULE(env, unmap_dma(env, cfd, 0, IOVA_A, PG, NULL), -EINVAL, "no IOMMU set");
	TEST_RULE(env, ioc(env, cfd, VFIO_IOMMU_GET_INFO, &info), -EINVAL, "no IOMMU set");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, cfd));
	test_buf_free(buf, PG);
	return TEST_SUCCESS;
}
PDK_RULE_TEST(container_map_before_set_iommu, test_map_before_set_iommu);

/* No /dev/vfio/N for an IOMMU group without a vfio-pci function: ENOENT */
static int
test_group_absent(struct test_env *env)
{
	TEST_RULE(env, pdk_sys_open(env->sys, NO_GROUP, O_RDWR), -ENOENT, "no such VFIO group");
	return TEST_SUCCESS;
}
PDK_RULE_TEST(group_open_absent, test_group_absent);

/* ---- groups (sim only: the VM's rule-test device has no VFIO group) ---- */

#define NO_GROUP_WHY "the VM's rule-test device is the iommufd mock, which has no VFIO group (kernel_legacy_<name> runs it on an edu device)"
#define SIM_ONLY_WHY "the VM's rule-test device is the iommufd mock, which has no VFIO group, and the edu devices cannot set this up"

/* group.c vfio_group_fops_open(): one open file per group: EBUSY */
static int
test_group_open_twice(struct test_env *env)
{
	char path[64];
	int gfd;

	TEST_ASSERT_OK(group_path(env, path, sizeof(path)));
	gfd = pdk_sys_open(env->sys, path, O_RDWR);
	TEST_ASSERT(gfd >= 0, "open %s: %d", path, gfd);
	TEST_ASSERT_SIM_COUNT(env, vfio_groups, 1);
	TEST_RULE(env, pdk_sys_open(env->sys, path, O_RDWR), -EBUSY, "the VFIO group is open already");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, gfd));
	TEST_ASSERT_SIM_COUNT(env, vfio_groups, 0);
	gfd = pdk_sys_open(env->sys, path, O_RDWR);
	TEST_ASSERT(gfd >= 0, "reopen after close: %d", gfd);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, gfd));
	/* "0" padded, or not a number: no such group */
	TEST_RULE(env, pdk_sys_open(env->sys, "/dev/vfio/0x1", O_RDWR), -ENOENT, "no such VFIO group");
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_open_twice, test_group_open_twice, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_group_open_twice, vm, test_group_open_twice);

/* group.c vfio_group_ioctl_get_status(): VIABLE; CONTAINER_SET once set; argsz checked */
static int
test_group_status(struct test_env *env)
{
	struct vfio_group_status st = { .argsz = 4 };
	struct legacy l;

	TEST_ASSERT_OK(group_path(env, l.path, sizeof(l.path)));
	l.gfd = pdk_sys_open(env->sys, l.path, O_RDWR);
	l.cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(l.gfd >= 0 && l.cfd >= 0);
	TEST_ASSERT_EQ(group_flags(env, l.gfd), VFIO_GROUP_FLAGS_VIABLE);
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_GET_STATUS, &st), -EINVAL, "argsz too small");
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &l.cfd));
	TEST_ASSERT_EQ(group_flags(env, l.gfd), VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);
	/* the claim binds the group's function to the container's own context */
	TEST_ASSERT_SIM_COUNT(env, bound_devices, 1);
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL));
	TEST_ASSERT_EQ(group_flags(env, l.gfd), VFIO_GROUP_FLAGS_VIABLE);
	TEST_ASSERT_SIM_COUNT(env, bound_devices, 0);
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_status, test_group_status, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_group_status, vm, test_group_status);

/* A function of the group bound to another driver: not viable; SET_CONTAINER EPERM */
static const struct pdk_sim_fn_config shared_fns[] = {
	{ TEST_SIMDMA_FN(20), .iommu_group = 7 },
	{ .pci_addr = "0000:00:05.0", .model = PDK_SIM_MODEL_PLAIN, .iommu_group = 7,
	  .not_vfio = true },
};

static int
test_group_not_viable(struct test_env *env)
{
	struct legacy l;

	TEST_ASSERT_OK(pdk_sim_fn_add(env->sim, &shared_fns[1], NULL));
	TEST_ASSERT_OK(group_path(env, l.path, sizeof(l.path)));
	TEST_ASSERT(strcmp(l.path, "/dev/vfio/7") == 0, "group path %s", l.path);
	l.gfd = pdk_sys_open(env->sys, l.path, O_RDWR);
	l.cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(l.gfd >= 0 && l.cfd >= 0);
	TEST_ASSERT_EQ(group_flags(env, l.gfd), 0);
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &l.cfd), -EPERM,
		  "bound to another kernel driver");
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_not_viable, test_group_not_viable, SIM_ONLY_WHY, .fn = &shared_fns[0]);

/*
 * group.c vfio_group_ioctl_set_container(): a second container: EINVAL; an fd
 * that is neither a container nor an iommufd: EBADFD; not an fd: EBADF.
 * (An iommufd is the compat path: sim_rule_iommufd_compat.)
 */
static int
test_group_set_container(struct test_env *env)
{
	struct legacy l;
	int p[2], c2, bad;

	TEST_ASSERT_OK(legacy_open(env, &l, 0));
	c2 = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(c2 >= 0);
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &c2), -EINVAL,
		  "the group has a container already");
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL));
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL), -EINVAL,
		  "no container is set");
	TEST_ASSERT(pipe(p) == 0);
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &p[0]), -EBADFD,
		  "neither a (simulated) VFIO container nor an iommufd");
	close(p[0]);
	close(p[1]);
	bad = p[0];
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &bad), -EBADF, "not an open fd");
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, NULL), -EFAULT, "");
	TEST_RULE(env, ioc(env, l.gfd, VFIO_DEVICE_GET_INFO, NULL), -ENOTTY, "not a VFIO group ioctl");
	/* the other container takes it */
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &c2));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, c2));
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_set_container, test_group_set_container, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_group_set_container, vm, test_group_set_container);

/*
 * container.c vfio_ioctl_set_iommu(): a type no driver opens: ENODEV; a second
 * SET_IOMMU: EINVAL; after it CHECK_EXTENSION asks type1 with its IOMMU.
 */
static int
test_set_iommu(struct test_env *env)
{
	struct legacy l;

	TEST_ASSERT_OK(legacy_open(env, &l, 0));
	TEST_RULE(env, ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -ENODEV,
		  "no IOMMU driver offers that type");
	TEST_RULE(env, ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU), -ENODEV,
		  "no IOMMU driver offers that type");
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_OK(ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	/* type1 is the RID's domain now */
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 1);
	TEST_ASSERT_SIM_COUNT(env, hwpts, 1);
	TEST_RULE(env, ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -EINVAL,
		  "the container has its IOMMU already");
	TEST_ASSERT_RC(ioc_val(env, l.cfd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1);
	if (test_env_is_sim(env))	/* the simulated IOMMUs enforce coherency */
		TEST_ASSERT_RC(ioc_val(env, l.cfd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 1);
	TEST_ASSERT_RC(ioc_val(env, l.cfd, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU), 0);
	if (test_env_is_sim(env))	/* dirty tracking is not simulated */
		TEST_RULE(env, ioc(env, l.cfd, VFIO_IOMMU_DIRTY_PAGES, NULL), -ENOTTY, "not simulated");
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_set_iommu, test_set_iommu, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_set_iommu, vm, test_set_iommu);

/*
 * group.c vfio_group_ioctl_get_device_fd(): a name not in the group: ENODEV;
 * no container, or one without IOMMU: EINVAL; the group path opens a device
 * many times; UNSET_CONTAINER is EBUSY while a device fd is open.
 */
static int
test_get_device_fd(struct test_env *env)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct legacy l;
	int d1, d2;

	TEST_ASSERT_OK(group_path(env, l.path, sizeof(l.path)));
	l.gfd = pdk_sys_open(env->sys, l.path, O_RDWR);
	l.cfd = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(l.gfd >= 0 && l.cfd >= 0);
	TEST_RULE(env, device_fd(env, &l), -EINVAL, "no container set");
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_SET_CONTAINER, &l.cfd));
	TEST_RULE(env, device_fd(env, &l), -EINVAL, "the container has no IOMMU");
	TEST_ASSERT_OK(ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU));
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_GET_DEVICE_FD, "0000:00:09.0"), -ENODEV,
		  "no device of that name in the group");
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_GET_DEVICE_FD, NULL), -EFAULT, "");
	d1 = device_fd(env, &l);
	d2 = device_fd(env, &l);
	TEST_ASSERT(d1 >= 0 && d2 >= 0 && d1 != d2, "device fds %d %d", d1, d2);
	/* access granted already, as vfio-pci gives it */
	TEST_ASSERT_OK(ioc(env, d1, VFIO_DEVICE_GET_INFO, &info));
	TEST_ASSERT(info.flags & VFIO_DEVICE_FLAGS_PCI);
	TEST_ASSERT_EQ(info.num_regions, VFIO_PCI_NUM_REGIONS);
	{
		struct vfio_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = env->ifd };
		struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at), .pt_id = 1 };

		TEST_RULE(env, ioc(env, d1, VFIO_DEVICE_BIND_IOMMUFD, &b), -EINVAL, "cdev fds only");
		if (test_env_is_sim(env))
			TEST_RULE(env, ioc(env, d1, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at), -EINVAL,
				  "no iommufd attach");
	}
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL), -EBUSY,
		  "a device fd of the group is open");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, d1));
	TEST_RULE(env, ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL), -EBUSY,
		  "a device fd of the group is open");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, d2));
	TEST_ASSERT_OK(ioc(env, l.gfd, VFIO_GROUP_UNSET_CONTAINER, NULL));
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_get_device_fd, test_get_device_fd, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_group_get_device_fd, vm, test_get_device_fd);

/*
 * vfio_device_block_group() / vfio_group_fops_open(): the group path and the
 * cdev path exclude each other: a cdev BIND while the group is open, and a
 * group open while the cdev is bound: EBUSY.
 */
static int
test_group_cdev_bound(struct test_env *env)
{
	char path[64];

	TEST_ASSERT_OK(group_path(env, path, sizeof(path)));
	TEST_RULE(env, pdk_sys_open(env->sys, path, O_RDWR), -EBUSY, "bound through its cdev");
	return TEST_SUCCESS;
}
PDK_SIM_RULE(group_open_cdev_bound, test_group_cdev_bound, NO_GROUP_WHY, .bind = true);
PDK_ENV_TEST(kernel_legacy_group_open_cdev_bound, vm, test_group_cdev_bound, .bind = true);

static int
test_cdev_bind_group_open(struct test_env *env)
{
	struct legacy l;

	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_RULE(env, raw_bind(env, env->dfd, sizeof(struct vfio_device_bind_iommufd), env->ifd, NULL),
		  -EBUSY, "VFIO group (/dev/vfio/N) is open");
	TEST_ASSERT_OK(legacy_close(env, &l));
	/* closed: the cdev binds */
	TEST_ASSERT_OK(raw_bind(env, env->dfd, sizeof(struct vfio_device_bind_iommufd), env->ifd,
				&env->dev_id));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(cdev_bind_group_open, test_cdev_bind_group_open, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_cdev_bind_group_open, vm, test_cdev_bind_group_open);

/* ---- type1 ---- */

struct info_buf {
	struct vfio_iommu_type1_info info;
	uint8_t caps[512];
};

static const struct vfio_info_cap_header *
cap_find(const struct info_buf *b, uint16_t id)
{
	uint32_t off = b->info.cap_offset;

	while (off != 0 && off + sizeof(struct vfio_info_cap_header) <= sizeof(*b)) {
		const struct vfio_info_cap_header *h =
			(const void *)((const uint8_t *)b + off);

		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

/*
 * vfio_iommu_type1_get_info(): PGSIZES, the page sizes, and a chain of the
 * migration, DMA-avail and IOVA-range capabilities; an argsz too small for
 * the chain is answered with the size needed and no chain.
 */
static int
test_get_info(struct test_env *env)
{
	struct info_buf b = { .info.argsz = sizeof(b.info) };
	const struct vfio_iommu_type1_info_cap_iova_range *r;
	const struct vfio_iommu_type1_info_dma_avail *avail;
	const struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info small = { .argsz = 8 };
	struct legacy l;
	uint32_t need, i;
	bool msi_out = true;

	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_RULE(env, ioc(env, l.cfd, VFIO_IOMMU_GET_INFO, &small), -EINVAL,
		  "argsz below the size up to iova_pgsizes");
	TEST_ASSERT_OK(ioc(env, l.cfd, VFIO_IOMMU_GET_INFO, &b));
	TEST_ASSERT_EQ(b.info.flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	TEST_ASSERT(b.info.iova_pgsizes & PG, "pgsizes 0x%llx", (unsigned long long)b.info.iova_pgsizes);
	if (test_env_is_sim(env))
		TEST_ASSERT_EQ(b.info.iova_pgsizes, 0x40201000ull);	/* VT-d: 4K | 2M | 1G */
	TEST_ASSERT_EQ(b.info.cap_offset, 0);
	need = b.info.argsz;
	/* 32 (migration) + 16 (DMA avail, 12 aligned to 8) + 16 + 16 per range */
	TEST_ASSERT(need > sizeof(b.info) + 64 && need <= sizeof(b), "argsz %u", need);
	b.info.argsz = need;
	TEST_ASSERT_OK(ioc(env, l.cfd, VFIO_IOMMU_GET_INFO, &b));
	TEST_ASSERT_EQ(b.info.argsz, need);
	TEST_ASSERT_EQ(b.info.cap_offset, sizeof(b.info));
	mig = (const void *)cap_find(&b, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	avail = (const void *)cap_find(&b, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	r = (const void *)cap_find(&b, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	TEST_ASSERT(mig != NULL && avail != NULL && r != NULL, "chain incomplete");
	TEST_ASSERT_EQ((const uint8_t *)mig - (const uint8_t *)&b, sizeof(b.info));
	TEST_ASSERT_EQ(mig->header.next, sizeof(b.info) + 32);
	TEST_ASSERT_EQ(avail->header.next, sizeof(b.info) + 48);
	TEST_ASSERT_EQ(r->header.next, 0);
	TEST_ASSERT_EQ(mig->pgsize_bitmap, PG);
	TEST_ASSERT_EQ(avail->avail, 65535);
	TEST_ASSERT(r->nr_iovas >= 2, "%u ranges", r->nr_iovas);
	for (i = 0; i < r->nr_iovas; i++)
		if (r->iova_ranges[i].start <= MSI_IOVA && MSI_IOVA <= r->iova_ranges[i].end)
			msi_out = false;
	TEST_ASSERT(msi_out, "the MSI window is reported usable");
	if (test_env_is_sim(env))	/* the aperture of the simulated IOMMU */
		TEST_ASSERT_EQ(r->iova_ranges[r->nr_iovas - 1].end, (1ull << 48) - 1);
	TEST_ASSERT_OK(legacy_close(env, &l));
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_get_info, test_get_info, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_get_info, vm, test_get_info);

/* vfio_dma_do_map(): flags, alignment, wrap, overlap, the usable ranges */
static int
test_map_rules(struct test_env *env)
{
	struct legacy l;
	uint8_t *buf = test_buf_alloc(4 * PG);

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_RULE(env, map_dma(env, l.cfd, 0, buf, IOVA_A, PG), -EINVAL, "neither VFIO_DMA_MAP_FLAG_READ");
	TEST_RULE(env, map_dma(env, l.cfd, 1u << 5, buf, IOVA_A, PG), -EINVAL, "unknown flags");
	/* a new vaddr for a mapping whose vaddr was never invalidated */
	TEST_RULE(env, map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_VADDR, buf, IOVA_A, PG), -ENOENT,
		  "VFIO_DMA_MAP_FLAG_VADDR: no mapping there");
	TEST_RULE(env, map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_VADDR | VFIO_DMA_MAP_FLAG_READ, buf,
			       IOVA_A, PG), -EINVAL, "VFIO_DMA_MAP_FLAG_VADDR with READ or WRITE");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, 0), -EINVAL, "size 0");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, IOVA_A + 8, PG), -EINVAL, "not aligned");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf + 8, IOVA_A, PG), -EINVAL, "not aligned");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, PG + 8), -EINVAL, "not aligned");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, ~0ull - PG + 1, 2 * PG), -EOVERFLOW, "wraps");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, MSI_IOVA, PG), -EINVAL,
		  "outside the usable ranges");
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, 1ull << 48, PG), -EINVAL,
		  "outside the usable ranges");
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, 2 * PG));
	TEST_ASSERT_SIM_COUNT(env, mappings, 1);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 2);
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, IOVA_A + PG, 2 * PG), -EEXIST,
		  "overlaps a mapping");
	TEST_RULE(env, map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_READ, buf, IOVA_A - PG, 2 * PG), -EEXIST,
		  "overlaps a mapping");
	TEST_RULE(env, map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_VADDR, buf, IOVA_A, 2 * PG), -EINVAL,
		  "the mapping's vaddr is valid");
	/* read-only is fine next to it */
	TEST_ASSERT_OK(map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_READ, buf + 2 * PG, IOVA_A + 2 * PG, PG));
	TEST_ASSERT_OK(legacy_close(env, &l));
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_map_rules, test_map_rules, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_map_rules, vm, test_map_rules);

/*
 * vfio_dma_do_unmap(), v2: a range that splits a mapping: EINVAL; whole
 * mappings go, the size written back; an empty range succeeds with 0;
 * UNMAP_FLAG_ALL needs iova 0 and size 0.
 */
static int
test_unmap_v2(struct test_env *env)
{
	struct legacy l;
	uint8_t *buf = test_buf_alloc(4 * PG);
	uint64_t sz;

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, 2 * PG));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf + 2 * PG, IOVA_B, 2 * PG));
	TEST_RULE(env, unmap_dma(env, l.cfd, 0, IOVA_A + PG, PG, NULL), -EINVAL,
		  "starts inside a mapping");
	TEST_RULE(env, unmap_dma(env, l.cfd, 0, IOVA_A, PG, NULL), -EINVAL, "ends inside a mapping");
	TEST_RULE(env, unmap_dma(env, l.cfd, 0, IOVA_A + 8, PG, NULL), -EINVAL, "iova not aligned");
	TEST_RULE(env, unmap_dma(env, l.cfd, 0, IOVA_A, 0, NULL), -EINVAL, "size 0");
	TEST_RULE(env, unmap_dma(env, l.cfd, 0, ~0ull - PG + 1, 2 * PG, NULL), -EOVERFLOW, "wraps");
	TEST_RULE(env, unmap_dma(env, l.cfd, VFIO_DMA_UNMAP_FLAG_ALL, IOVA_A, 0, NULL), -EINVAL,
		  "VFIO_DMA_UNMAP_FLAG_ALL with iova or size set");
	TEST_RULE(env, unmap_dma(env, l.cfd, VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				 0, 0, NULL), -EINVAL, "GET_DIRTY_BITMAP with ALL");
	sz = 1;
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_B + 16 * PG, PG, &sz));
	TEST_ASSERT_EQ(sz, 0);
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_A, 2 * PG, &sz));
	TEST_ASSERT_EQ(sz, 2 * PG);
	TEST_ASSERT_SIM_COUNT(env, mappings, 1);
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, 2 * PG));
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &sz));
	TEST_ASSERT_EQ(sz, 4 * PG);
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	TEST_ASSERT_OK(legacy_close(env, &l));
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_unmap_v2, test_unmap_v2, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_unmap_v2, vm, test_unmap_v2);

/*
 * vfio_dma_do_unmap(), v1 (VFIO_TYPE1_IOMMU, what DPDK sets): a range that
 * starts inside a mapping succeeds with size 0; one that covers a mapping's
 * first page removes the whole mapping.
 */
static int
test_unmap_v1(struct test_env *env)
{
	struct legacy l;
	uint8_t *buf = test_buf_alloc(2 * PG);
	uint64_t sz;

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1_IOMMU));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, 2 * PG));
	sz = 1;
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_A + PG, PG, &sz));
	TEST_ASSERT_EQ(sz, 0);
	TEST_ASSERT_SIM_COUNT(env, mappings, 1);
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_A, PG, &sz));
	TEST_ASSERT_EQ(sz, 2 * PG);
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_OK(legacy_close(env, &l));
	test_buf_free(buf, 2 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_unmap_v1, test_unmap_v1, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_unmap_v1, vm, test_unmap_v1);

/* vfio_dma_do_map(): no DMA entry left (dma_entry_limit): ENOSPC; an unmap gives one back */
static const struct pdk_sim_config limit2 = { .dma_entry_limit = 2 };

static int
test_dma_entry_limit(struct test_env *env)
{
	struct info_buf b = { .info.argsz = sizeof(b) };
	const struct vfio_iommu_type1_info_dma_avail *avail;
	struct legacy l;
	uint8_t *buf = test_buf_alloc(3 * PG);

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, PG));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf + PG, IOVA_A + PG, PG));
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf + 2 * PG, IOVA_A + 2 * PG, PG), -ENOSPC,
		  "dma_entry_limit");
	TEST_ASSERT_OK(ioc(env, l.cfd, VFIO_IOMMU_GET_INFO, &b));
	avail = (const void *)cap_find(&b, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	TEST_ASSERT(avail != NULL);
	TEST_ASSERT_EQ(avail->avail, 0);
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_A, PG, NULL));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf + 2 * PG, IOVA_A + 2 * PG, PG));
	TEST_ASSERT_OK(legacy_close(env, &l));
	test_buf_free(buf, 3 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_dma_entry_limit, test_dma_entry_limit, SIM_ONLY_WHY, .sim = &limit2);

/*
 * vfio_group_detach_container(): the last group leaving releases type1: the
 * mappings go and the container is back to no IOMMU (SET_IOMMU needs a
 * group again, MAP_DMA is EINVAL).
 */
static int
test_last_group_leaves(struct test_env *env)
{
	struct legacy l;
	uint8_t *buf = test_buf_alloc(PG);

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, PG));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, l.gfd));
	l.gfd = -1;
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_SIM_COUNT(env, bound_devices, 0);
	TEST_RULE(env, map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, PG), -EINVAL, "no IOMMU set");
	TEST_ASSERT_RC(ioc_val(env, l.cfd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 0);
	TEST_RULE(env, ioc_val(env, l.cfd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -EINVAL,
		  "no group is set");
	TEST_ASSERT_OK(legacy_close(env, &l));
	test_buf_free(buf, PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_last_group_leaves, test_last_group_leaves, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_last_group_leaves, vm, test_last_group_leaves);

/* Every close order leaves the sim clean (the device fd holds the group, the group the container) */
static int
test_close_orders(struct test_env *env)
{
	static const char *const orders[] = { "cgd", "cdg", "gcd", "gdc", "dcg", "dgc" };
	uint8_t *buf = test_buf_alloc(PG);
	unsigned int i, j;

	TEST_ASSERT(buf != NULL);
	for (i = 0; i < sizeof(orders) / sizeof(orders[0]); i++) {
		struct legacy l;
		int dfd;

		TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1v2_IOMMU));
		TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf, IOVA_A, PG));
		dfd = device_fd(env, &l);
		TEST_ASSERT(dfd >= 0);
		for (j = 0; j < 3; j++) {
			char k = orders[i][j];
			int fd = k == 'c' ? l.cfd : k == 'g' ? l.gfd : dfd;

			TEST_ASSERT_OK(pdk_sys_close(env->sys, fd));
			/* the mapping stays while the group is alive (the device fd holds it) */
			if (j < 2)
				TEST_ASSERT_SIM_COUNT(env, containers, 1);
		}
		TEST_ASSERT_SIM_COUNT(env, containers, 0);
		TEST_ASSERT_SIM_COUNT(env, vfio_groups, 0);
		TEST_ASSERT_SIM_COUNT(env, mappings, 0);
		TEST_ASSERT_SIM_COUNT(env, bound_devices, 0);
		TEST_ASSERT_SIM_COUNT(env, hwpts, 0);
		TEST_ASSERT_SIM_COUNT(env, ioas, 0);
		TEST_ASSERT_SIM_COUNT(env, iommufd_ctxs, 1);	/* the env's own */
	}
	test_buf_free(buf, PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_close_orders, test_close_orders, NO_GROUP_WHY);
PDK_ENV_TEST(kernel_legacy_container_close_orders, vm, test_close_orders);

/* ---- end to end: the device's RID DMA translates through the container's mappings ---- */

static int
reg_write(struct test_env *env, int dfd, uint64_t off, const void *v, size_t len)
{
	ssize_t n = pdk_sys_pwrite(env->sys, dfd, v, len,
				   ((uint64_t)VFIO_PCI_BAR0_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT) + off);

	return n == (ssize_t)len ? 0 : (int)n;
}

static int
simdma_copy(struct test_env *env, int dfd, uint64_t src, uint64_t dst, uint32_t len)
{
	const uint32_t zero = 0, cmd = PDK_SIMDMA_CMD_COPY;
	uint16_t pcmd = PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	uint32_t st = 0xffffffffu;
	int rc;

	if (pdk_sys_pwrite(env->sys, dfd, &pcmd, sizeof(pcmd),
			   ((uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT) +
			   PCI_COMMAND) != sizeof(pcmd))
		return -EIO;
	if ((rc = reg_write(env, dfd, PDK_SIMDMA_REG_SRC, &src, 8)) < 0 ||
	    (rc = reg_write(env, dfd, PDK_SIMDMA_REG_DST, &dst, 8)) < 0 ||
	    (rc = reg_write(env, dfd, PDK_SIMDMA_REG_LEN, &len, 4)) < 0 ||
	    (rc = reg_write(env, dfd, PDK_SIMDMA_REG_PASID, &zero, 4)) < 0 ||
	    (rc = reg_write(env, dfd, PDK_SIMDMA_REG_CMD, &cmd, 4)) < 0)
		return rc;
	if (pdk_sys_pread(env->sys, dfd, &st, sizeof(st),
			  ((uint64_t)VFIO_PCI_BAR0_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT) +
			  PDK_SIMDMA_REG_STATUS) != sizeof(st))
		return -EIO;
	return (int)st;
}

static int
test_container_dma(struct test_env *env)
{
	struct pdk_sim_fault f;
	struct legacy l;
	uint8_t *buf = test_buf_alloc(2 * PG);
	int dfd;

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(legacy_open(env, &l, VFIO_TYPE1_IOMMU));
	dfd = device_fd(env, &l);
	TEST_ASSERT(dfd >= 0);
	{
		/* a group-given device fd takes a trapped BAR mapping as the cdev fd does */
		struct pdk_sim_bar *bar;
		uint32_t id = 0;

		TEST_ASSERT_OK(pdk_sim_bar_get(env->sim, dfd,
					       (uint64_t)VFIO_PCI_BAR0_REGION_INDEX << PDK_VFIO_PCI_OFFSET_SHIFT,
					       PG, &bar));
		TEST_ASSERT_OK(pdk_sim_bar_read(bar, PDK_SIMDMA_REG_ID, &id, 4));
		pdk_sim_bar_put(bar);
		TEST_ASSERT_EQ(id, 0x50440001u);
	}
	test_pattern_fill(buf, PG, 7);
	TEST_ASSERT_OK(map_dma(env, l.cfd, VFIO_DMA_MAP_FLAG_READ, buf, IOVA_A, PG));
	TEST_ASSERT_OK(map_dma(env, l.cfd, RW_DMA, buf + PG, IOVA_B, PG));
	TEST_ASSERT_RC(simdma_copy(env, dfd, IOVA_A, IOVA_B, PG), PDK_SIMDMA_ST_DONE);
	TEST_ASSERT_EQ(test_pattern_diff(buf + PG, PG, 7, "the copy"), 0);
	/* to an IOVA not mapped, and to a read-only one: a fault each, nothing moves */
	memset(buf + PG, 0, PG);
	TEST_ASSERT_RC(simdma_copy(env, dfd, IOVA_A, IOVA_B + 16 * PG, 64), PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT(!f.pasid_valid && f.write && f.iova == IOVA_B + 16 * PG,
		    "fault pasid_valid %d write %d iova 0x%llx", f.pasid_valid, f.write,
		    (unsigned long long)f.iova);
	TEST_ASSERT(strcmp(f.pci_addr, env->addr) == 0);
	TEST_ASSERT_RC(simdma_copy(env, dfd, IOVA_B, IOVA_A, 64), PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT(f.iova == IOVA_A && f.write, "iova 0x%llx", (unsigned long long)f.iova);
	TEST_ASSERT_RC(pdk_sim_fault_pop(env->sim, &f), -ENOENT);
	TEST_ASSERT_EQ(test_count_not(buf + PG, PG, 0), 0);
	/* after UNMAP the same copy faults */
	TEST_ASSERT_OK(unmap_dma(env, l.cfd, 0, IOVA_B, PG, NULL));
	TEST_ASSERT_RC(simdma_copy(env, dfd, IOVA_A, IOVA_B, 64), PDK_SIMDMA_ST_FAULT);
	TEST_ASSERT_OK(pdk_sim_fault_pop(env->sim, &f));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, dfd));
	TEST_ASSERT_OK(legacy_close(env, &l));
	test_buf_free(buf, 2 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(container_dma, test_container_dma,
	     "the VM's rule-test device (the iommufd mock) has no VFIO group and no DMA engine");

/*
 * CONFIG_IOMMUFD_VFIO_CONTAINER: the VFIO container ioctls on an iommufd fd
 * (drivers/iommu/iommufd/vfio_compat.c iommufd_vfio_ioctl()) and the group
 * set to it (group.c vfio_group_ioctl_set_container(): the compat IOAS is
 * created then, iommufd_vfio_compat_ioas_create()). Before a group: no
 * compat IOAS, -ENODEV (get_compat_ioas()); SET_IOMMU takes type1 and
 * type1v2 only (-EINVAL); a device fd needs no SET_IOMMU; MAP_DMA takes
 * READ and WRITE only, UNMAP_DMA UNMAP_FLAG_ALL only (-EINVAL); GET_INFO
 * has no migration capability and DMA avail U32_MAX.
 */
static int
test_iommufd_compat(struct test_env *env)
{
	struct info_buf b = { .info.argsz = sizeof(b) };
	const struct vfio_iommu_type1_info_dma_avail *avail;
	uint8_t *buf = test_buf_alloc(4 * PG);
	char path[64];
	int ifd, gfd, dfd, c2;
	uint64_t size;

	TEST_ASSERT(buf != NULL);
	TEST_ASSERT_OK(group_path(env, path, sizeof(path)));
	ifd = pdk_sys_open(env->sys, "/dev/iommu", O_RDWR);
	TEST_ASSERT(ifd >= 0);
	TEST_ASSERT_RC(ioc(env, ifd, VFIO_GET_API_VERSION, NULL), VFIO_API_VERSION);
	TEST_ASSERT_RC(ioc_val(env, ifd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU), 1);
	TEST_ASSERT_RC(ioc_val(env, ifd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU), 1);
	TEST_ASSERT_RC(ioc_val(env, ifd, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU), 0);
	TEST_RULE(env, ioc_val(env, ifd, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), -EINVAL,
		  "iommufd offers type1 and type1v2 only");
	TEST_RULE(env, ioc_val(env, ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), -ENODEV,
		  "no compat IOAS");
	TEST_RULE(env, map_dma(env, ifd, RW_DMA, buf, IOVA_A, PG), -ENODEV, "no compat IOAS");
	TEST_RULE(env, ioc_val(env, ifd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), -ENODEV,
		  "no compat IOAS");
	TEST_RULE(env, ioc(env, ifd, VFIO_IOMMU_DIRTY_PAGES, NULL), -ENOTTY,
		  "not a VFIO container ioctl iommufd offers");
	/* the group takes the iommufd */
	gfd = pdk_sys_open(env->sys, path, O_RDWR);
	TEST_ASSERT(gfd >= 0);
	TEST_ASSERT_OK(ioc(env, gfd, VFIO_GROUP_SET_CONTAINER, &ifd));
	TEST_ASSERT_EQ(group_flags(env, gfd), VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE);
	/* the sim attaches the group's function at SET_CONTAINER (doc/sim.md) */
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 1);
	c2 = pdk_sys_open(env->sys, "/dev/vfio/vfio", O_RDWR);
	TEST_ASSERT(c2 >= 0);
	TEST_RULE(env, ioc(env, gfd, VFIO_GROUP_SET_CONTAINER, &c2), -EINVAL,
		  "the group has a container already");
	TEST_ASSERT_OK(pdk_sys_close(env->sys, c2));
	/* no VFIO_SET_IOMMU needed for the device fd */
	dfd = device_fd(env, &(struct legacy){ .gfd = gfd });
	TEST_ASSERT(dfd >= 0, "device fd: %d", dfd);
	TEST_ASSERT_RC(ioc_val(env, ifd, VFIO_CHECK_EXTENSION, VFIO_DMA_CC_IOMMU), 1);
	TEST_ASSERT_OK(ioc_val(env, ifd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	/* the IOAS's map rules, not type1's */
	TEST_RULE(env, map_dma(env, ifd, VFIO_DMA_MAP_FLAG_VADDR, buf, IOVA_A, PG), -EINVAL,
		  "flags other than READ and WRITE");
	TEST_ASSERT_OK(map_dma(env, ifd, RW_DMA, buf, IOVA_A, 2 * PG));
	TEST_ASSERT_SIM_COUNT(env, mappings, 1);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 2);
	TEST_RULE(env, map_dma(env, ifd, RW_DMA, buf, IOVA_A + PG, 2 * PG), -EEXIST,
		  "overlaps a mapping");
	TEST_ASSERT_OK(ioc(env, ifd, VFIO_IOMMU_GET_INFO, &b));
	TEST_ASSERT_EQ(b.info.flags, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	TEST_ASSERT(cap_find(&b, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) == NULL, "a migration cap");
	TEST_ASSERT(cap_find(&b, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) != NULL, "no IOVA ranges");
	avail = (const void *)cap_find(&b, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	TEST_ASSERT(avail != NULL, "no DMA avail cap");
	TEST_ASSERT_EQ(avail->avail, UINT32_MAX);
	TEST_RULE(env, unmap_dma(env, ifd, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, IOVA_A, PG, NULL),
		  -EINVAL, "flags other than UNMAP_FLAG_ALL");
	TEST_RULE(env, unmap_dma(env, ifd, VFIO_DMA_UNMAP_FLAG_ALL, IOVA_A, 0, NULL), -EINVAL,
		  "VFIO_DMA_UNMAP_FLAG_ALL with iova or size set");
	/* iopt_unmap_iova(): the IOAS's -ENOENT, not type1's rules */
	TEST_RULE(env, unmap_dma(env, ifd, 0, IOVA_A, PG, NULL), -ENOENT, "the range splits a mapping");
	TEST_RULE(env, unmap_dma(env, ifd, 0, IOVA_B, PG, NULL), -ENOENT, "nothing mapped in the range");
	TEST_RULE(env, unmap_dma(env, ifd, 0, IOVA_A, 0, NULL), -EINVAL, "size 0");
	TEST_ASSERT_OK(unmap_dma(env, ifd, VFIO_DMA_UNMAP_FLAG_ALL, 0, 0, &size));
	TEST_ASSERT_EQ(size, 2 * PG);
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	/* the mapping stays on the compat IOAS until the iommufd goes */
	TEST_ASSERT_OK(map_dma(env, ifd, VFIO_DMA_MAP_FLAG_READ, buf, IOVA_B, PG));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, dfd));
	TEST_ASSERT_OK(pdk_sys_close(env->sys, gfd));
	TEST_ASSERT_SIM_COUNT(env, rid_attachments, 0);
	TEST_ASSERT_SIM_COUNT(env, mappings, 1);
	TEST_ASSERT_OK(pdk_sys_close(env->sys, ifd));
	TEST_ASSERT_SIM_COUNT(env, mappings, 0);
	TEST_ASSERT_SIM_COUNT(env, pinned_pages, 0);
	test_buf_free(buf, 4 * PG);
	return TEST_SUCCESS;
}
PDK_SIM_RULE(iommufd_compat, test_iommufd_compat,
	     "the VM's rule-test device is the iommufd mock, which has no VFIO group");
