/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pasid_private.h"
#include "pdk_log.h"
#include "pdk_vfio_internal.h"

static const char *
attach_hint(int rc)
{
	switch (rc) {
	case -EOPNOTSUPP:
		return "the device is bound to a vfio-pci variant driver (bind it to plain vfio-pci), or the IOMMU is not in a PASID-capable mode (VT-d scalable mode)";
	case -EINVAL:
		return "the kernel is older than 6.15 (it rejects the PASID attach flag), or the RID is attached to a HWPT that is not PASID-compatible (attach it with pdk_pasid_rid_attach())";
	case -EBUSY:
		return "the device is being reset, retry";
	default:
		return "see the vfio error above";
	}
}

int
pdk_pasid_ctx_create(struct pdk_pasid_space *space, struct pdk_dma_as *as, uint32_t pasid,
		     struct pdk_pasid_ctx **ctx)
{
	struct pdk_pasid_ctx *c;
	int stuck = -1;
	int rc;

	if (ctx != NULL)
		*ctx = NULL;
	if (space == NULL || ctx == NULL) {
		PDK_LOG(ERR, "pasid", "%s: context create for PASID %u: %s, NULL %s",
			space != NULL ? pdk_vfio_name(space->dev) : "(null)", pasid, strerror(EINVAL),
			space == NULL ? "PASID space" : "output pointer");
		return -EINVAL;
	}
	rc = pasid_check_as(space, as, "context create");
	if (rc < 0)
		return rc;
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		PDK_LOG(ERR, "pasid", "%s: context create for address space '%s': %s; free some memory",
			pdk_vfio_name(space->dev), pdk_dma_as_name(as), strerror(ENOMEM));
		return -ENOMEM;
	}

	if (pasid == 0) {
		rc = pdk_pasid_alloc(space, &pasid);
		if (rc < 0)
			goto fail_free;
		c->owns_pasid = true;
	} else if (!pasid_is_allocated(space, pasid)) {
		rc = pdk_pasid_reserve(space, pasid);
		if (rc < 0)
			goto fail_free;
		c->owns_pasid = true;
	} else if (pasid_ctx_find(space, pasid) != NULL) {
		PDK_LOG(ERR, "pasid", "%s: context create for PASID %u: %s, another context already uses it; release that context, or use pdk_pasid_ctx_replace() to move it",
			pdk_vfio_name(space->dev), pasid, strerror(EBUSY));
		rc = -EBUSY;
		goto fail_free;
	} else if ((stuck = pasid_stuck_find(space, pasid)) >= 0) {
		/* the attach below replaces the stale attachment: who owned it owns it again */
		c->owns_pasid = space->stuck[stuck].ctx_owned;
	}
	/* else: the caller allocated it and keeps owning it */

	rc = pdk_dma_as_hwpt_get(as, space->dev_id, &c->hwpt_id);
	if (rc < 0) {
		PDK_LOG(ERR, "pasid", "%s: PASID %u: no PASID-compatible HWPT in address space '%s': %s; see the dma error above",
			pdk_vfio_name(space->dev), pasid, pdk_dma_as_name(as), strerror(-rc));
		goto fail_pasid;
	}
	rc = pdk_vfio_owner_pasid_attach(space->dev, space, pasid, c->hwpt_id);
	if (rc < 0) {
		PDK_LOG(ERR, "pasid", "%s: attaching PASID %u to HWPT %u of address space '%s' failed: %s; %s",
			pdk_vfio_name(space->dev), pasid, c->hwpt_id, pdk_dma_as_name(as),
			strerror(-rc), attach_hint(rc));
		pdk_dma_as_hwpt_put(as, c->hwpt_id);
		goto fail_pasid;
	}
	if (stuck >= 0)
		space->stuck[stuck] = space->stuck[--space->nstuck];
	c->space = space;
	c->as = as;
	c->pasid = pasid;
	TAILQ_INSERT_TAIL(&space->ctxs, c, next);
	*ctx = c;
	PDK_LOG(DEBUG, "pasid", "%s: PASID %u attached to HWPT %u of address space '%s'",
		pdk_vfio_name(space->dev), pasid, c->hwpt_id, pdk_dma_as_name(as));
	return 0;

fail_pasid:
	if (c->owns_pasid && stuck < 0)
		pasid_bit_clear(space, pasid);
fail_free:
	free(c);
	return rc;
}

int
pdk_pasid_ctx_replace(struct pdk_pasid_ctx *ctx, struct pdk_dma_as *as)
{
	struct pdk_pasid_space *space;
	uint32_t hwpt;
	int rc;

	if (ctx == NULL) {
		PDK_LOG(ERR, "pasid", "(null): context replace: %s, NULL context", strerror(EINVAL));
		return -EINVAL;
	}
	space = ctx->space;
	rc = pasid_check_as(space, as, "context replace");
	if (rc < 0)
		return rc;
	if (as == ctx->as)
		return 0;
	rc = pdk_dma_as_hwpt_get(as, space->dev_id, &hwpt);
	if (rc < 0) {
		PDK_LOG(ERR, "pasid", "%s: moving PASID %u to address space '%s': no PASID-compatible HWPT: %s; PASID %u stays attached to '%s'",
			pdk_vfio_name(space->dev), ctx->pasid, pdk_dma_as_name(as), strerror(-rc),
			ctx->pasid, pdk_dma_as_name(ctx->as));
		return rc;
	}
	/* a second attach of an attached PASID is an atomic replace in the kernel */
	rc = pdk_vfio_owner_pasid_attach(space->dev, space, ctx->pasid, hwpt);
	if (rc < 0) {
		PDK_LOG(ERR, "pasid", "%s: moving PASID %u to HWPT %u of address space '%s' failed: %s; it stays attached to '%s'; %s",
			pdk_vfio_name(space->dev), ctx->pasid, hwpt, pdk_dma_as_name(as),
			strerror(-rc), pdk_dma_as_name(ctx->as), attach_hint(rc));
		pdk_dma_as_hwpt_put(as, hwpt);
		return rc;
	}
	pdk_dma_as_hwpt_put(ctx->as, ctx->hwpt_id);
	ctx->as = as;
	ctx->hwpt_id = hwpt;
	return 0;
}

int
pdk_pasid_ctx_release(struct pdk_pasid_ctx *ctx)
{
	struct pdk_pasid_space *space;
	int rc;

	if (ctx == NULL)
		return 0;
	space = ctx->space;
	rc = pdk_vfio_owner_pasid_detach(space->dev, space, ctx->pasid);
	if (rc < 0) {
		struct pasid_stuck *s = realloc(space->stuck,
						(space->nstuck + 1) * sizeof(*s));

		PDK_LOG(ERR, "pasid", "%s: detaching PASID %u from HWPT %u of address space '%s' failed: %s; PDK forgets the context anyway and holds PASID %u back (DMA tagged with it still reaches '%s') until a new context attaches it or the device closes",
			pdk_vfio_name(space->dev), ctx->pasid, ctx->hwpt_id, pdk_dma_as_name(ctx->as),
			strerror(-rc), ctx->pasid, pdk_dma_as_name(ctx->as));
		if (s != NULL) {
			space->stuck = s;
			s[space->nstuck].pasid = ctx->pasid;
			s[space->nstuck].ctx_owned = ctx->owns_pasid;
			space->nstuck++;
		}
		/* with no room to remember it, at least never hand it out again */
		ctx->owns_pasid = false;
	}
	/* after a failed detach the HWPT stays busy: the put keeps it for a later retry */
	pdk_dma_as_hwpt_put(ctx->as, ctx->hwpt_id);
	TAILQ_REMOVE(&space->ctxs, ctx, next);
	if (ctx->owns_pasid)
		pasid_bit_clear(space, ctx->pasid);
	free(ctx);
	return rc;
}

/* Accessors answer a NULL context with their neutral value, logged. */
static bool
ctx_null(const struct pdk_pasid_ctx *ctx, const char *call)
{
	return pdk_arg_null(ctx, "pasid", call, "PASID context",
			    "pass one from pdk_pasid_ctx_create()");
}

uint32_t
pdk_pasid_ctx_pasid(const struct pdk_pasid_ctx *ctx)
{
	return ctx_null(ctx, "pdk_pasid_ctx_pasid") ? 0 : ctx->pasid;
}

uint32_t
pdk_pasid_ctx_hwpt(const struct pdk_pasid_ctx *ctx)
{
	return ctx_null(ctx, "pdk_pasid_ctx_hwpt") ? 0 : ctx->hwpt_id;
}

struct pdk_dma_as *
pdk_pasid_ctx_as(const struct pdk_pasid_ctx *ctx)
{
	return ctx_null(ctx, "pdk_pasid_ctx_as") ? NULL : ctx->as;
}
