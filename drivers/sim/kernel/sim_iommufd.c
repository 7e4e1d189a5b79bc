/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated /dev/iommu: its file and the table-driven ioctl dispatcher
 * (the shape of drivers/iommu/iommufd/main.c). Each command
 * records its struct and the minimum size userspace may pass; the dispatcher
 * does the checks every command shares, so the handlers only see a struct
 * that is complete and zero-extended:
 *
 *   unknown command                         -> -ENOTTY
 *   size < the command's minimum            -> -EINVAL
 *   non-zero bytes beyond the known struct  -> -E2BIG (copy_struct_from_user)
 *
 * and copies the struct back (min of both sizes) only when the handler says
 * so, as iommufd_ucmd_respond() does: IOVA_RANGES answers even on -EMSGSIZE.
 */

#include <errno.h>
#include <linux/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

static int
sim_ioctl_destroy(struct sim_ucmd *uc)
{
	struct iommu_destroy *cmd = uc->cmd;
	struct sim_obj *obj = sim_obj_find(uc->ctx, cmd->id, SIM_OBJ_ANY);
	int rc;

	if (obj == NULL)
		return sim_err(-ENOENT, "IOMMU_DESTROY", "no object with that id");
	rc = sim_obj_destroy(obj);
	if (rc < 0)
		return sim_err(rc, "IOMMU_DESTROY", "object still referenced");
	return 0;
}

struct sim_ioctl_op {
	unsigned long ioctl_num;
	size_t size;
	size_t min_size;
	int (*execute)(struct sim_ucmd *uc);
};

#define SIM_IOCTL_OP(_num, _fn, _type, _last)					\
	[_IOC_NR(_num) - IOMMUFD_CMD_BASE] = {					\
		.ioctl_num = (_num),						\
		.size = sizeof(_type),						\
		.min_size = offsetof(_type, _last) + sizeof(((_type *)0)->_last), \
		.execute = (_fn),						\
	}

/* Minimum sizes are the kernel's: the last field of each struct's first version. */
static const struct sim_ioctl_op sim_ioctl_ops[] = {
	SIM_IOCTL_OP(IOMMU_DESTROY, sim_ioctl_destroy, struct iommu_destroy, id),
	SIM_IOCTL_OP(IOMMU_IOAS_ALLOC, sim_ioas_ioctl_alloc, struct iommu_ioas_alloc,
		     out_ioas_id),
	SIM_IOCTL_OP(IOMMU_IOAS_ALLOW_IOVAS, sim_ioas_ioctl_allow_iovas,
		     struct iommu_ioas_allow_iovas, allowed_iovas),
	SIM_IOCTL_OP(IOMMU_IOAS_IOVA_RANGES, sim_ioas_ioctl_iova_ranges,
		     struct iommu_ioas_iova_ranges, out_iova_alignment),
	SIM_IOCTL_OP(IOMMU_IOAS_MAP, sim_ioas_ioctl_map, struct iommu_ioas_map, iova),
	SIM_IOCTL_OP(IOMMU_IOAS_UNMAP, sim_ioas_ioctl_unmap, struct iommu_ioas_unmap, length),
	SIM_IOCTL_OP(IOMMU_HWPT_ALLOC, sim_hwpt_ioctl_alloc, struct iommu_hwpt_alloc,
		     __reserved),
	SIM_IOCTL_OP(IOMMU_GET_HW_INFO, sim_device_ioctl_hw_info, struct iommu_hw_info,
		     __reserved),
	SIM_IOCTL_OP(IOMMU_FAULT_QUEUE_ALLOC, sim_fault_ioctl_alloc, struct iommu_fault_alloc,
		     out_fault_fd),
};

/* Large enough, and aligned enough, for every struct in the table. */
union sim_ucmd_buffer {
	struct iommu_destroy destroy;
	struct iommu_ioas_alloc ioas_alloc;
	struct iommu_ioas_allow_iovas allow_iovas;
	struct iommu_ioas_iova_ranges iova_ranges;
	struct iommu_ioas_map map;
	struct iommu_ioas_unmap unmap;
	struct iommu_hwpt_alloc hwpt_alloc;
	struct iommu_hw_info hw_info;
	struct iommu_fault_alloc fault_alloc;
	uint64_t align;
};

static int
sim_iommufd_ioctl(struct sim_file *file, unsigned long cmd, void *arg)
{
	const struct sim_ioctl_op *op;
	union sim_ucmd_buffer buf;
	struct sim_ucmd uc = { .ctx = file->priv, .cmd = &buf };
	unsigned int nr = _IOC_NR(cmd);
	uint32_t user_size;
	size_t n;
	int rc;

	/*
	 * CONFIG_IOMMUFD_VFIO_CONTAINER: iommufd_fops_ioctl() hands a number
	 * outside its table to iommufd_vfio_ioctl() (vfio_compat.c); VFIO's
	 * numbers (VFIO_BASE 100) sit below IOMMUFD_CMD_BASE, same type ';'.
	 */
	if (_IOC_TYPE(cmd) == VFIO_TYPE && nr < IOMMUFD_CMD_BASE)
		return sim_container_compat_ioctl(file->priv, cmd, arg);
	if (_IOC_TYPE(cmd) != IOMMUFD_TYPE || nr < IOMMUFD_CMD_BASE ||
	    nr - IOMMUFD_CMD_BASE >= sizeof(sim_ioctl_ops) / sizeof(sim_ioctl_ops[0]))
		return sim_err(-ENOTTY, "iommufd ioctl", "command not simulated");
	op = &sim_ioctl_ops[nr - IOMMUFD_CMD_BASE];
	if (op->execute == NULL || op->ioctl_num != cmd)
		return sim_err(-ENOTTY, "iommufd ioctl", "command not simulated");
	if (arg == NULL)
		return -EFAULT;
	memcpy(&user_size, arg, sizeof(user_size));
	if (user_size < op->min_size)
		return sim_err(-EINVAL, "iommufd ioctl", "size below the command's minimum");
	if (user_size > op->size) {
		const uint8_t *tail = (const uint8_t *)arg + op->size;

		for (n = 0; n < user_size - op->size; n++)
			if (tail[n] != 0)
				return sim_err(-E2BIG, "iommufd ioctl",
					       "non-zero bytes beyond the known struct");
	}
	n = user_size < op->size ? user_size : op->size;
	memset(&buf, 0, sizeof(buf));
	memcpy(&buf, arg, n);
	uc.user_size = user_size;
	rc = op->execute(&uc);
	if (uc.respond)
		memcpy(arg, &buf, n);
	return rc;
}

/* ---- the /dev/iommu file (iommufd_fops) ---- */

static void
sim_iommufd_show(const struct sim_file *file, char *buf, size_t len)
{
	(void)file;
	snprintf(buf, len, "iommufd");
}

static void
sim_iommufd_release(struct sim_file *file)
{
	sim_container_compat_free(file->priv);
	sim_ctx_put(file->priv);
}

static const struct sim_file_ops sim_iommufd_fops = {
	.show = sim_iommufd_show,
	.ioctl = sim_iommufd_ioctl,
	.release = sim_iommufd_release,
};

int
sim_iommufd_open(struct pdk_sim *sim)
{
	struct sim_file *file = sim_file_new(sim, &sim_iommufd_fops, NULL);
	int fd;

	if (file == NULL)
		return -ENOMEM;
	file->priv = sim_ctx_new(sim);
	if (file->priv == NULL) {
		free(file);
		return -ENOMEM;
	}
	fd = sim_fd_install(sim, file);
	if (fd < 0)
		sim_file_put(sim, file);	/* drops the new context */
	return fd;
}

struct sim_ctx *
sim_iommufd_ctx_from_file(struct sim_file *file)
{
	return file->ops == &sim_iommufd_fops ? file->priv : NULL;
}
