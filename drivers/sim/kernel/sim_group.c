/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated legacy VFIO group files, /dev/vfio/N: drivers/vfio/group.c.
 * N is the IOMMU group's number (the iommu_group link of its functions); a
 * group exists while one of its functions is bound to vfio-pci. The rules,
 * each from group.c:
 *
 * - open: one file per group (-EBUSY while it is open: group->opened_file),
 *   and -EBUSY while a function of the group is bound through its cdev
 *   (cdev_device_open_cnt); the other way round the cdev's BIND is -EBUSY
 *   while the group is open (vfio_device_block_group(), sim_vfio.c).
 * - VFIO_GROUP_GET_STATUS: VIABLE unless another owner has the group's DMA
 *   (a function bound to another driver), CONTAINER_SET once set.
 * - VFIO_GROUP_SET_CONTAINER (int *): -EBADF for no fd, -EINVAL with a
 *   container already set, -EBADFD for an fd that is neither a container
 *   nor an iommufd. An iommufd takes the group to its compat IOAS, created
 *   then (iommufd_vfio_compat_ioas_create(), sim_container.c); the
 *   container then claims the group's DMA (-EPERM: a function of the group
 *   has another driver).
 * - VFIO_GROUP_UNSET_CONTAINER: -EINVAL with none, -EBUSY while a device
 *   fd of the group is open (container_users != 1).
 * - VFIO_GROUP_GET_DEVICE_FD (char *): -ENODEV for a name not in the group,
 *   -EINVAL without a container or with one that has no IOMMU; a device
 *   may be opened many times this way (the group path's open_count).
 * - A device fd holds the group file: the group is released (its
 *   container left) only when the group fd and every device fd are closed.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

#define SIM_NAME_MAX 4096u	/* strndup_user(arg, PAGE_SIZE) */

static const struct sim_file_ops sim_group_fops;

static struct sim_group *
sim_group_by_number(struct pdk_sim *sim, uint32_t number)
{
	struct sim_fn *fn;

	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (fn->vdev != NULL && fn->group->number == number)
			return fn->group;
	return NULL;
}

bool
sim_group_exists(struct pdk_sim *sim, uint32_t number)
{
	return sim_group_by_number(sim, number) != NULL;
}

/* ---- group ioctls ---- */

static int
sim_group_get_status(struct sim_vgroup *g, void *arg)
{
	const size_t minsz = offsetof(struct vfio_group_status, flags) + 4;
	struct vfio_group_status st;
	struct sim_fn *fn;

	if (sim_copy_from_user(&st, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	if (st.argsz < minsz)
		return sim_err(-EINVAL, "VFIO_GROUP_GET_STATUS", "argsz too small");
	st.flags = 0;
	if (g->container != NULL) {
		st.flags = VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
	} else {
		st.flags = VFIO_GROUP_FLAGS_VIABLE;
		/* iommu_group_dma_owner_claimed(): a kernel driver of a function has it */
		for (fn = g->sim->fns; fn != NULL; fn = fn->next)
			if (fn->group == g->igroup && (fn->vdev == NULL || g->igroup->owner != NULL))
				st.flags = 0;
	}
	return sim_copy_to_user((uint64_t)(uintptr_t)arg, &st, minsz) < 0 ? -EFAULT : 0;
}

static int
sim_group_set_container(struct sim_vgroup *g, void *arg)
{
	static const char op[] = "VFIO_GROUP_SET_CONTAINER";
	struct sim_file *cfile;
	struct sim_container *c;
	int32_t fd;

	if (sim_copy_from_user(&fd, (uint64_t)(uintptr_t)arg, sizeof(fd)) < 0)
		return -EFAULT;
	cfile = sim_fd_lookup(g->sim, fd);
	if (cfile == NULL && (fd < 0 || fcntl(fd, F_GETFD) < 0))
		return sim_err(-EBADF, op, "not an open fd");
	if (g->container != NULL)
		return sim_err(-EINVAL, op, "the group has a container already");
	c = cfile != NULL ? sim_container_from_file(cfile) : NULL;
	/* vfio_group_ioctl_set_container(): an iommufd fd takes its compat IOAS */
	if (c == NULL && cfile != NULL && sim_iommufd_ctx_from_file(cfile) != NULL) {
		int rc = sim_container_compat_get(cfile, sim_iommufd_ctx_from_file(cfile), &c);

		if (rc < 0)
			return rc;
	}
	if (c == NULL)
		return sim_err(-EBADFD, op, "the fd is neither a (simulated) VFIO container nor an iommufd");
	return sim_container_attach_group(c, g);
}

static int
sim_group_unset_container(struct sim_vgroup *g)
{
	static const char op[] = "VFIO_GROUP_UNSET_CONTAINER";

	if (g->container == NULL)
		return sim_err(-EINVAL, op, "no container is set");
	if (g->device_opens > 0)
		return sim_err(-EBUSY, op, "a device fd of the group is open");
	sim_container_detach_group(g->container, g);
	return 0;
}

/* strndup_user(): -EFAULT for an unreadable name, -EINVAL for one longer than a page. */
static int
sim_group_name(void *arg, char *name)
{
	size_t i;

	for (i = 0; i < SIM_NAME_MAX; i++) {
		if (sim_copy_from_user(&name[i], (uint64_t)(uintptr_t)arg + i, 1) < 0)
			return -EFAULT;
		if (name[i] == '\0')
			return 0;
	}
	return -EINVAL;
}

static int
sim_group_get_device_fd(struct sim_vgroup *g, void *arg)
{
	static const char op[] = "VFIO_GROUP_GET_DEVICE_FD";
	struct sim_fn *fn;
	char *name;
	int rc;

	name = malloc(SIM_NAME_MAX);
	if (name == NULL)
		return -ENOMEM;
	rc = sim_group_name(arg, name);
	if (rc < 0) {
		free(name);
		return rc;
	}
	for (fn = g->sim->fns; fn != NULL; fn = fn->next)
		if (fn->group == g->igroup && fn->vdev != NULL && strcmp(fn->addr, name) == 0)
			break;
	free(name);
	if (fn == NULL)
		return sim_err(-ENODEV, op, "no device of that name in the group");
	if (g->container == NULL)
		return sim_err(-EINVAL, op, "no container set (VFIO_GROUP_SET_CONTAINER first)");
	/* vfio_container_use(); an iommufd's compat container needs no VFIO_SET_IOMMU */
	if (!g->container->iommu_set && !g->container->compat)
		return sim_err(-EINVAL, op, "the container has no IOMMU (VFIO_SET_IOMMU first)");
	rc = sim_vfio_group_open_device(fn, g->file);
	if (rc >= 0)
		g->device_opens++;
	return rc;
}

static int
sim_group_ioctl(struct sim_file *file, unsigned long cmd, void *arg)
{
	struct sim_vgroup *g = file->priv;

	switch (cmd) {
	case VFIO_GROUP_GET_DEVICE_FD:
		return sim_group_get_device_fd(g, arg);
	case VFIO_GROUP_GET_STATUS:
		return sim_group_get_status(g, arg);
	case VFIO_GROUP_SET_CONTAINER:
		return sim_group_set_container(g, arg);
	case VFIO_GROUP_UNSET_CONTAINER:
		return sim_group_unset_container(g);
	default:
		return sim_err(-ENOTTY, "group ioctl", "not a VFIO group ioctl");
	}
}

/* ---- the group file ---- */

static void
sim_group_show(const struct sim_file *file, char *buf, size_t len)
{
	const struct sim_vgroup *g = file->priv;

	snprintf(buf, len, "VFIO group %u", g->igroup->number);
}

/* vfio_group_fops_release(): the fd and every device fd it gave are closed. */
static void
sim_group_release(struct sim_file *file)
{
	struct sim_vgroup *g = file->priv;
	struct pdk_sim *sim = g->sim;
	struct sim_vgroup **pp;

	if (g->container != NULL)
		sim_container_detach_group(g->container, g);
	for (pp = &sim->vgroups; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	}
	sim->st.vfio_groups--;
	free(g);
}

static const struct sim_file_ops sim_group_fops = {
	.show = sim_group_show,
	.ioctl = sim_group_ioctl,
	.release = sim_group_release,
};

/* "N": a plain decimal number; -1 for anything else. */
static long
sim_group_parse(const char *name)
{
	long n = 0;
	const char *p;

	if (name[0] == '\0' || (name[0] == '0' && name[1] != '\0'))
		return -1;
	for (p = name; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || n > 0xffffff)
			return -1;
		n = n * 10 + (*p - '0');
	}
	return n;
}

int
sim_group_open(struct pdk_sim *sim, const char *name)
{
	static const char op[] = "open";
	long number = sim_group_parse(name);
	struct sim_group *igroup;
	struct sim_vgroup *g;
	struct sim_fn *fn;
	int fd;

	igroup = number >= 0 ? sim_group_by_number(sim, (uint32_t)number) : NULL;
	if (igroup == NULL)
		return sim_err(-ENOENT, op, "no such VFIO group (/dev/vfio/N: N an IOMMU group with a vfio-pci function)");
	if (sim_group_find(sim, igroup) != NULL)
		return sim_err(-EBUSY, op, "the VFIO group is open already");
	for (fn = sim->fns; fn != NULL; fn = fn->next)
		if (fn->group == igroup && fn->vdev != NULL && fn->vdev->bound_file != NULL)
			return sim_err(-EBUSY, op,
				       "a device of the group is bound through its cdev (/dev/vfio/devices/vfioN)");
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	g->sim = sim;
	g->igroup = igroup;
	g->file = sim_file_new(sim, &sim_group_fops, g);
	if (g->file == NULL) {
		free(g);
		return -ENOMEM;
	}
	g->next = sim->vgroups;
	sim->vgroups = g;
	sim->st.vfio_groups++;
	fd = sim_fd_install(sim, g->file);
	if (fd < 0)
		sim_file_put(sim, g->file);
	return fd;
}
