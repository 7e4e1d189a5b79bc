/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* Fault queues: I/O page faults delivered to userspace through an fd. */

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_private.h"

/* @return the index of @p fd among the context's open fault fds, or -1. */
static int
fault_fd_find(const struct pdk_iommufd *ctx, int fd)
{
	unsigned int i;

	for (i = 0; i < ctx->nfault_fds; i++)
		if (ctx->fault_fds[i] == fd)
			return (int)i;
	return -1;
}

/*
 * Refuse an fd that is not an open fault queue of this context (closed, or
 * never one). @return its index among the open ones, or -EBADF (logged).
 */
static int
fault_fd_check(const struct pdk_iommufd *ctx, int fd, const char *call)
{
	int i = fault_fd_find(ctx, fd);

	if (i >= 0)
		return i;
	return pdk_log_fail("iommufd", ctx->label, -EBADF,
			    "pass an fd from pdk_iommufd_fault_alloc() of this context that is not "
			    "closed yet", "%s: fd %d is not one of its fault queues", call, fd);
}

int
pdk_iommufd_fault_alloc(struct pdk_iommufd *ctx, uint32_t *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc cmd;
	const char *hint;
	int *fds;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_FAULT_QUEUE_ALLOC: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(fault_id, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_FAULT_QUEUE_ALLOC: NULL fault id output pointer"))
		return -EINVAL;
	if (pdk_log_null(fault_fd, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_FAULT_QUEUE_ALLOC: NULL fault fd output pointer"))
		return -EINVAL;
	*fault_fd = -1;
	fds = realloc(ctx->fault_fds, (ctx->nfault_fds + 1) * sizeof(*fds));
	if (fds == NULL)
		return pdk_log_fail("iommufd", ctx->label, -ENOMEM, "free some memory",
				    "IOMMU_FAULT_QUEUE_ALLOC: fd table");
	ctx->fault_fds = fds;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (rc < 0) {
		switch (rc) {
		case -ENOTTY:
			hint = "the kernel is older than 6.11 (no IOMMU_FAULT_QUEUE_ALLOC)";
			break;
		default:
			hint = pdk_fd_limit_hint(rc);
			if (hint == NULL)
				hint = iommufd_generic_hint(rc);
			break;
		}
		return pdk_log_fail("iommufd", ctx->label, rc, hint, "IOMMU_FAULT_QUEUE_ALLOC");
	}
	*fault_id = cmd.out_fault_id;
	*fault_fd = (int)cmd.out_fault_fd;
	ctx->fault_fds[ctx->nfault_fds++] = *fault_fd;
	return 0;
}

int
pdk_iommufd_fault_read(struct pdk_iommufd *ctx, int fault_fd,
		       struct iommu_hwpt_pgfault *faults, unsigned int max)
{
	size_t len;
	ssize_t n;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "read fault fd: NULL iommufd context"))
		return -EINVAL;
	rc = fault_fd_check(ctx, fault_fd, "read fault fd");
	if (rc < 0)
		return rc;
	if (faults == NULL || max == 0)
		return pdk_log_fail("iommufd", ctx->label, -EINVAL,
				    "pass an array of at least one fault", "read fault fd %d",
				    fault_fd);
	/*
	 * No poll first: the fd is opened blocking, but the kernel's read
	 * never waits and returns 0 with nothing pending (kernel-facts K12),
	 * so one syscall per look at the queue is enough. The count is
	 * returned as an int.
	 */
	if (max > INT_MAX / sizeof(*faults))
		max = INT_MAX / sizeof(*faults);
	len = (size_t)max * sizeof(*faults);
	n = pdk_sys_read(ctx->sys, fault_fd, faults, len);
	if (n == -EAGAIN)
		return 0;
	if (n < 0)
		return pdk_log_fail("iommufd", ctx->label, (int)n,
				    n == -EINVAL ? "the array cannot hold the next fault group: "
						   "pass a larger one" : NULL,
				    "read fault fd %d (room for %u faults)", fault_fd, max);
	if ((size_t)n % sizeof(*faults) != 0)
		return pdk_log_fail("iommufd", ctx->label, -EIO, "a kernel or simulator bug",
				    "read fault fd %d: %zd bytes, not whole faults", fault_fd, n);
	return (int)((size_t)n / sizeof(*faults));
}

int
pdk_iommufd_fault_respond(struct pdk_iommufd *ctx, int fault_fd, uint32_t cookie,
			  uint32_t code)
{
	struct iommu_hwpt_page_response resp;
	ssize_t n;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "respond on fault fd: NULL iommufd context"))
		return -EINVAL;
	rc = fault_fd_check(ctx, fault_fd, "respond on fault fd");
	if (rc < 0)
		return rc;
	memset(&resp, 0, sizeof(resp));
	resp.cookie = cookie;
	resp.code = code;
	n = pdk_sys_write(ctx->sys, fault_fd, &resp, sizeof(resp));
	if (n < 0)
		return pdk_log_fail("iommufd", ctx->label, (int)n,
				    n == -EINVAL ? "unknown cookie (answered already?) or a code "
						   "other than IOMMUFD_PAGE_RESP_SUCCESS/INVALID" : NULL,
				    "respond on fault fd %d cookie %u code %u", fault_fd, cookie,
				    code);
	if ((size_t)n != sizeof(resp))
		return pdk_log_fail("iommufd", ctx->label, -EIO, "a kernel or simulator bug",
				    "respond on fault fd %d cookie %u: short write of %zd bytes",
				    fault_fd, cookie, n);
	return 0;
}

int
pdk_iommufd_fault_close(struct pdk_iommufd *ctx, int fault_fd)
{
	int i, rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "close fault fd: NULL iommufd context"))
		return -EINVAL;
	i = fault_fd_check(ctx, fault_fd, "close fault fd");
	if (i < 0)
		return i;
	/* forget it first: a failed close still releases the fd number */
	ctx->fault_fds[i] = ctx->fault_fds[--ctx->nfault_fds];
	rc = pdk_sys_close(ctx->sys, fault_fd);
	if (rc < 0)
		return pdk_log_fail("iommufd", ctx->label, rc, NULL, "close fault fd %d", fault_fd);
	return 0;
}
