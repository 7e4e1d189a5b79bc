/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* The iommufd context: /dev/iommu, object destruction, error reporting. */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "iommufd_private.h"

const char *
iommufd_generic_hint(int rc)
{
	switch (rc) {
	case -ENOTTY:
		return "the kernel does not know this iommufd ioctl: it is too old";
	case -EOPNOTSUPP:
		return "the kernel does not support a flag or value PDK passed: it is too old";
	case -ENOMEM:
		return "out of memory";
	case -EFAULT:
		/* PDK's own structs are always valid: what faults is the user's memory */
		return "the kernel could not read or pin process memory: a buffer mapped "
		       "earlier was freed or unmapped (unmap it from the address space before "
		       "freeing it), is read-only but mapped with PDK_IOMMUFD_WRITE, or a "
		       "pointer passed in is invalid";
	default:
		return NULL;
	}
}

int
pdk_iommufd_open(struct pdk_sys *sys, struct pdk_iommufd **ctx)
{
	struct pdk_iommufd *c;
	const char *hint;
	int fd;

	if (ctx != NULL)
		*ctx = NULL;
	if (sys == NULL || ctx == NULL)
		return pdk_log_fail("iommufd", NULL, -EINVAL, "pass a backend and a result pointer",
				    "open /dev/iommu: NULL %s",
				    sys == NULL ? "backend" : "result pointer");
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return pdk_log_fail("iommufd", NULL, -ENOMEM, "free some memory",
				    "open /dev/iommu: context allocation");
	fd = pdk_sys_open(sys, "/dev/iommu", O_RDWR);
	if (fd < 0) {
		free(c);
		switch (fd) {
		case -ENOENT:
		case -ENXIO:
		case -ENODEV:
			hint = "the kernel lacks CONFIG_IOMMUFD (Debian's stock kernels do): "
			       "PDK needs Linux 6.15+ (PASID attach) built with "
			       "CONFIG_IOMMUFD=y and CONFIG_VFIO_DEVICE_CDEV=y";
			break;
		case -EACCES:
		case -EPERM:
			hint = "run as root or give the user read-write access to /dev/iommu";
			break;
		default:
			hint = pdk_fd_limit_hint(fd);
			break;
		}
		return pdk_log_fail("iommufd", NULL, fd, hint, "open /dev/iommu (%s backend)",
				    pdk_sys_name(sys));
	}
	c->sys = sys;
	c->fd = fd;
	snprintf(c->label, sizeof(c->label), "iommufd context (fd %d, %s backend)", fd,
		 pdk_sys_name(sys));
	pdk_holders_init(&c->holders);
	*ctx = c;
	return 0;
}

int
pdk_iommufd_close(struct pdk_iommufd *ctx)
{
	char who[256], faults[48] = "";
	int rc;

	if (ctx == NULL)
		return 0;
	if (pdk_holders_count(&ctx->holders) > 0 || ctx->nfault_fds > 0) {
		pdk_holders_describe(&ctx->holders, who, sizeof(who));
		if (ctx->nfault_fds > 0)
			snprintf(faults, sizeof(faults), "%s%u fault queue fd(s)",
				 who[0] != '\0' ? ", " : "", ctx->nfault_fds);
		return pdk_log_fail("iommufd", ctx->label, -EBUSY,
				    "release them first: PASID contexts, PASID spaces and buses, "
				    "then address spaces (pdk_dma_as_destroy()) and devices "
				    "(pdk_vfio_close()), fault queues (pdk_iommufd_fault_close())",
				    "close refused, still used by %s%s", who, faults);
	}
	rc = pdk_sys_close(ctx->sys, ctx->fd);
	if (rc < 0)
		pdk_log_fail("iommufd", ctx->label, rc, "the fd is gone anyway", "close");
	pdk_holders_fini(&ctx->holders);
	free(ctx->fault_fds);
	free(ctx);
	return 0;
}

int
pdk_iommufd_fd(const struct pdk_iommufd *ctx)
{
	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "pdk_iommufd_fd: NULL iommufd context"))
		return -EINVAL;
	return ctx->fd;
}

struct pdk_sys *
pdk_iommufd_sys(const struct pdk_iommufd *ctx)
{
	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "pdk_iommufd_sys: NULL iommufd context"))
		return NULL;
	return ctx->sys;
}

struct pdk_holders *
pdk_iommufd_holders(struct pdk_iommufd *ctx)
{
	return &ctx->holders;
}

/* The kernel's refusal of a destroy, out of pdk_iommufd_destroy()'s common path. */
static PDK_COLD int
destroy_refused(const struct pdk_iommufd *ctx, uint32_t id, int rc)
{
	const char *hint;

	switch (rc) {
	case -EBUSY:
		hint = "the object is still in use: detach the PASIDs and the RID using a HWPT, "
		       "and destroy the HWPTs of an IOAS, before destroying it";
		break;
	case -ENOENT:
		hint = "no object has this id in this iommufd context (destroyed twice?)";
		break;
	default:
		hint = iommufd_generic_hint(rc);
		break;
	}
	return pdk_log_fail("iommufd", ctx->label, rc, hint, "IOMMU_DESTROY id %u", id);
}

int
pdk_iommufd_destroy(struct pdk_iommufd *ctx, uint32_t id)
{
	struct iommu_destroy cmd;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_DESTROY: NULL iommufd context"))
		return -EINVAL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.id = id;
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_DESTROY, &cmd);
	if (pdk_likely(rc >= 0))
		return 0;
	return destroy_refused(ctx, cmd.id, rc);
}
