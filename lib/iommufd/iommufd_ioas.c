/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* IOAS objects: allocation, mappings and usable IOVA ranges. */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_private.h"

/*
 * The kernel may report more ranges on the second call than on the first if
 * a device is attached in between; a few rounds cover any real race, more
 * means something is wrong.
 */
#define IOVA_RANGES_TRIES 8

int
pdk_iommufd_ioas_alloc(struct pdk_iommufd *ctx, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_IOAS_ALLOC: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(ioas_id, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_IOAS_ALLOC: NULL IOAS id output pointer"))
		return -EINVAL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_IOAS_ALLOC, &cmd);
	if (rc < 0)
		return pdk_log_fail("iommufd", ctx->label, rc, iommufd_generic_hint(rc),
				    "IOMMU_IOAS_ALLOC");
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

static const char *
map_hint(int rc, bool fixed)
{
	switch (rc) {
	case -ENOMEM:
		return "the pinned-memory limit is reached: raise RLIMIT_MEMLOCK (ulimit -l)";
	case -EEXIST:
		return "the IOVA range overlaps an existing mapping: unmap it or pick another IOVA";
	case -EINVAL:
		return fixed ? "the IOVA is not aligned to the IOAS's IOVA alignment, or the "
			       "range hits a reserved region (see pdk_iommufd_iova_ranges())"
			     : "the address or length is not page aligned";
	case -ENOSPC:
		return "no free IOVA range is large enough in this IOAS";
	case -ENOENT:
		return "no IOAS has this id (destroyed?)";
	case -EOVERFLOW:
		return "the IOVA or address range wraps around";
	case -EFAULT:
		/* pin_user_pages() needs a writable VMA for a writeable mapping */
		return "the buffer is not mapped in this process, or is read-only and the "
		       "map asks for PDK_IOMMUFD_WRITE";
	default:
		return iommufd_generic_hint(rc);
	}
}

static int
ioas_map(struct pdk_iommufd *ctx, uint32_t ioas_id, void *va, uint64_t len, bool fixed,
	 uint64_t *iova, unsigned int perm)
{
	struct iommu_ioas_map cmd;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_IOAS_MAP: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(iova, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_IOAS_MAP: NULL IOVA output pointer"))
		return -EINVAL;
	/* no process maps page 0: a NULL buffer is a caller's mistake the kernel may accept */
	if (pdk_log_null(va, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_IOAS_MAP: NULL buffer (va)"))
		return -EINVAL;
	if ((perm & (PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)) == 0 ||
	    (perm & ~(PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE)) != 0)
		return pdk_log_fail("iommufd", ctx->label, -EINVAL,
				    "pass PDK_IOMMUFD_READ and/or PDK_IOMMUFD_WRITE",
				    "IOMMU_IOAS_MAP ioas %u va %p len %" PRIu64 ": permission 0x%x",
				    ioas_id, va, len, perm);
	if (len == 0)
		return pdk_log_fail("iommufd", ctx->label, -EINVAL, "map at least one page",
				    "IOMMU_IOAS_MAP ioas %u va %p: length 0", ioas_id, va);

	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.ioas_id = ioas_id;
	cmd.user_va = (uintptr_t)va;
	cmd.length = len;
	if (perm & PDK_IOMMUFD_READ)
		cmd.flags |= IOMMU_IOAS_MAP_READABLE;
	if (perm & PDK_IOMMUFD_WRITE)
		cmd.flags |= IOMMU_IOAS_MAP_WRITEABLE;
	if (fixed) {
		cmd.flags |= IOMMU_IOAS_MAP_FIXED_IOVA;
		cmd.iova = *iova;
	}
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_IOAS_MAP, &cmd);
	if (rc < 0 && fixed)
		return pdk_log_fail("iommufd", ctx->label, rc, map_hint(rc, fixed),
				    "IOMMU_IOAS_MAP ioas %u iova 0x%" PRIx64 " len %" PRIu64 " va %p",
				    ioas_id, *iova, len, va);
	if (rc < 0)
		return pdk_log_fail("iommufd", ctx->label, rc, map_hint(rc, fixed),
				    "IOMMU_IOAS_MAP ioas %u iova (kernel's choice) len %" PRIu64 " va %p",
				    ioas_id, len, va);
	*iova = cmd.iova;
	return 0;
}

int
pdk_iommufd_map(struct pdk_iommufd *ctx, uint32_t ioas_id, void *va, uint64_t len,
		unsigned int perm, uint64_t *iova)
{
	return ioas_map(ctx, ioas_id, va, len, false, iova, perm);
}

int
pdk_iommufd_map_fixed(struct pdk_iommufd *ctx, uint32_t ioas_id, void *va, uint64_t len,
		      uint64_t iova, unsigned int perm)
{
	return ioas_map(ctx, ioas_id, va, len, true, &iova, perm);
}

/*
 * The kernel's refusal of @p cmd, out of ioas_unmap()'s common path. The
 * command still holds what was asked: the kernel writes its length back
 * only on success (drivers/iommu/iommufd/ioas.c, iommufd_ioas_unmap()).
 */
static PDK_COLD int
ioas_unmap_refused(const struct pdk_iommufd *ctx, const struct iommu_ioas_unmap *cmd, bool all,
		   int rc)
{
	const char *hint;

	switch (rc) {
	case -ENOENT:
		hint = all ? "no IOAS has this id (destroyed?)"
			   : "nothing is mapped there, the range splits a mapping (unmap "
			     "whole mappings), or no IOAS has this id";
		break;
	case -EOVERFLOW:
		hint = "the IOVA range wraps around";
		break;
	default:
		hint = iommufd_generic_hint(rc);
		break;
	}
	if (all)
		return pdk_log_fail("iommufd", ctx->label, rc, hint,
				    "IOMMU_IOAS_UNMAP ioas %u (all)", cmd->ioas_id);
	return pdk_log_fail("iommufd", ctx->label, rc, hint,
			    "IOMMU_IOAS_UNMAP ioas %u iova 0x%" PRIx64 " len %" PRIu64,
			    cmd->ioas_id, (uint64_t)cmd->iova, (uint64_t)cmd->length);
}

static inline int
ioas_unmap(struct pdk_iommufd *ctx, uint32_t ioas_id, uint64_t iova, uint64_t len,
	   uint64_t *unmapped, bool all)
{
	struct iommu_ioas_unmap cmd;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_IOAS_UNMAP: NULL iommufd context"))
		return -EINVAL;
	memset(&cmd, 0, sizeof(cmd));
	cmd.size = sizeof(cmd);
	cmd.ioas_id = ioas_id;
	cmd.iova = iova;
	cmd.length = len;
	rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_IOAS_UNMAP, &cmd);
	if (pdk_unlikely(rc < 0))
		return ioas_unmap_refused(ctx, &cmd, all, rc);
	if (unmapped != NULL)
		*unmapped = cmd.length;
	return 0;
}

int
pdk_iommufd_unmap(struct pdk_iommufd *ctx, uint32_t ioas_id, uint64_t iova, uint64_t len,
		  uint64_t *unmapped)
{
	return ioas_unmap(ctx, ioas_id, iova, len, unmapped, false);
}

int
pdk_iommufd_unmap_all(struct pdk_iommufd *ctx, uint32_t ioas_id, uint64_t *unmapped)
{
	/*
	 * The kernel's spelling of "everything": iova 0, length U64_MAX. It
	 * succeeds on an empty IOAS, unlike a ranged unmap.
	 */
	return ioas_unmap(ctx, ioas_id, 0, UINT64_MAX, unmapped, true);
}

int
pdk_iommufd_iova_ranges(struct pdk_iommufd *ctx, uint32_t ioas_id,
			struct pdk_iommufd_range **ranges, uint32_t *n, uint64_t *alignment)
{
	struct iommu_iova_range *buf = NULL;
	struct pdk_iommufd_range *out;
	struct iommu_ioas_iova_ranges cmd;
	uint32_t cap = 0, i;
	unsigned int tries;
	int rc;

	if (pdk_log_null(ctx, "iommufd", NULL, IOMMUFD_FIX_CTX,
			 "IOMMU_IOAS_IOVA_RANGES: NULL iommufd context"))
		return -EINVAL;
	if (pdk_log_null(ranges, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_IOAS_IOVA_RANGES: NULL ranges output pointer"))
		return -EINVAL;
	if (pdk_log_null(n, "iommufd", ctx->label, "pass a valid pointer",
			 "IOMMU_IOAS_IOVA_RANGES: NULL range count output pointer"))
		return -EINVAL;
	*ranges = NULL;
	*n = 0;
	for (tries = 0; tries < IOVA_RANGES_TRIES; tries++) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.size = sizeof(cmd);
		cmd.ioas_id = ioas_id;
		cmd.num_iovas = cap;
		cmd.allowed_iovas = (uintptr_t)buf;
		rc = pdk_sys_ioctl(ctx->sys, ctx->fd, IOMMU_IOAS_IOVA_RANGES, &cmd);
		if (rc >= 0)
			break;
		if (rc != -EMSGSIZE) {
			free(buf);
			return pdk_log_fail("iommufd", ctx->label, rc,
					    rc == -ENOENT ? "no IOAS has this id (destroyed?)"
							  : iommufd_generic_hint(rc),
					    "IOMMU_IOAS_IOVA_RANGES ioas %u", ioas_id);
		}
		/* Expected: the array is too small and num_iovas says how big. */
		if (cmd.num_iovas <= cap) {
			free(buf);
			return pdk_log_fail("iommufd", ctx->label, -EPROTO,
					    "a kernel or simulator bug",
					    "IOMMU_IOAS_IOVA_RANGES ioas %u: EMSGSIZE for %u "
					    "ranges with room for %u", ioas_id, cmd.num_iovas, cap);
		}
		cap = cmd.num_iovas;
		free(buf);
		buf = calloc(cap, sizeof(*buf));
		if (buf == NULL)
			return pdk_log_fail("iommufd", ctx->label, -ENOMEM, "free some memory",
					    "IOMMU_IOAS_IOVA_RANGES ioas %u: array of %u ranges",
					    ioas_id, cap);
	}
	if (tries == IOVA_RANGES_TRIES) {
		free(buf);
		return pdk_log_fail("iommufd", ctx->label, -EAGAIN,
				    "the ranges change while being read: retry",
				    "IOMMU_IOAS_IOVA_RANGES ioas %u", ioas_id);
	}

	if (cmd.num_iovas > cap) {
		free(buf);
		return pdk_log_fail("iommufd", ctx->label, -EPROTO, "a kernel or simulator bug",
				    "IOMMU_IOAS_IOVA_RANGES ioas %u: success with %u ranges and "
				    "room for %u", ioas_id, cmd.num_iovas, cap);
	}
	out = NULL;
	if (cmd.num_iovas > 0) {
		out = calloc(cmd.num_iovas, sizeof(*out));
		if (out == NULL) {
			free(buf);
			return pdk_log_fail("iommufd", ctx->label, -ENOMEM, "free some memory",
					    "IOMMU_IOAS_IOVA_RANGES ioas %u: result of %u ranges",
					    ioas_id, cmd.num_iovas);
		}
		for (i = 0; i < cmd.num_iovas; i++) {
			out[i].start = buf[i].start;
			out[i].last = buf[i].last;
		}
	}
	free(buf);
	*ranges = out;
	*n = cmd.num_iovas;
	if (alignment != NULL)
		*alignment = cmd.out_iova_alignment;
	return 0;
}
