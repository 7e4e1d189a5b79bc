/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pasid_private.h"
#include "pdk_dma_internal.h"
#include "pdk_log.h"
#include "pdk_vfio_internal.h"

/* A zeroed context: a spare one of the space's, or a new one (NULL: no memory). */
static struct pdk_pasid_ctx *
ctx_get(struct pdk_pasid_space *space)
{
	struct pdk_pasid_ctx *c = pdk_spares_take(&space->spares, sizeof(*c));

	if (c == NULL)
		return calloc(1, sizeof(*c));
	memset(c, 0, sizeof(*c));
	return c;
}

/* Keep @p c for the next ctx_get(), or free it when enough are kept. */
static void
ctx_put(struct pdk_pasid_space *space, struct pdk_pasid_ctx *c)
{
	pdk_spares_put(&space->spares, c, sizeof(*c), PASID_SPARE_CTXS);
}

void
pasid_ctx_spares_free(struct pdk_pasid_space *space)
{
	pdk_spares_free(&space->spares, sizeof(struct pdk_pasid_ctx));
}

/*
 * What the user can do about a refused PASID attach: lib/vfio hands back
 * the kernel's side (@p vfix); a PASID space knows more for these cases.
 */
static const char *
attach_fix(const struct pdk_pasid_space *space, const struct pdk_dma_as *as, int rc,
	   const char *vfix)
{
	switch (rc) {
	case -ENODEV:
		return pasid_attach_fault_fix(space->dev, as, rc, vfix);
	case -EOPNOTSUPP:
		return "the device is bound to a vfio-pci variant driver (bind it to plain vfio-pci), or the IOMMU is not in a PASID-capable mode (VT-d scalable mode)";
	case -EINVAL:
		return "the kernel is older than 6.15 (it rejects the PASID attach flag), or the RID is attached to a HWPT that is not PASID-compatible (attach it with pdk_pasid_rid_attach())";
	case -EBUSY:
		return "the device is being reset, retry";
	default:
		return vfix;
	}
}

static PDK_COLD int
ctx_create_refused(const struct pdk_pasid_space *space, uint32_t pasid)
{
	return pdk_log_fail("pasid", space != NULL ? pdk_vfio_name(space->dev) : NULL, -EINVAL,
			    "pass a PASID space from pdk_pasid_space_create() and an output pointer",
			    "PASID %u context create: NULL %s", pasid,
			    space == NULL ? "PASID space" : "output pointer");
}

/* The kernel refused the attach of a new context (@p c): log it, drop the HWPT. */
static PDK_COLD int
ctx_attach_refused(struct pdk_pasid_space *space, struct pdk_dma_as *as,
		   const struct pdk_pasid_ctx *c, uint32_t pasid, int rc, const char *vfix)
{
	pdk_log_fail("pasid", pdk_vfio_name(space->dev), rc, attach_fix(space, as, rc, vfix),
		     "PASID %u attach to HWPT %u of address space '%s'", pasid, c->hwpt_id,
		     pdk_dma_as_name(as));
	pasid_hwpt_put(space, as, c->hwpt_id, false);
	return rc;
}

int
pdk_pasid_ctx_create(struct pdk_pasid_space *space, struct pdk_dma_as *as, uint32_t pasid,
		     struct pdk_pasid_ctx **ctx)
{
	struct pdk_pasid_ctx *c;
	const char *vfix;
	int stuck = -1;
	int rc;

	if (pdk_unlikely(space == NULL || ctx == NULL)) {
		if (ctx != NULL)
			*ctx = NULL;
		return ctx_create_refused(space, pasid);
	}
	*ctx = NULL;
	rc = pasid_check_as(space, as, "context create");
	if (rc < 0)
		return rc;
	c = ctx_get(space);
	if (c == NULL)
		return pdk_log_fail("pasid", pdk_vfio_name(space->dev), -ENOMEM, "free some memory",
				    "PASID %u context create for address space '%s'", pasid,
				    pdk_dma_as_name(as));

	if (pasid == 0) {
		rc = pasid_take_lowest(space, &pasid);
		if (rc < 0)
			goto fail_free;
		c->owns_pasid = true;
	} else if (!pasid_is_allocated(space, pasid)) {
		rc = pdk_pasid_reserve(space, pasid);
		if (rc < 0)
			goto fail_free;
		c->owns_pasid = true;
	} else if (pasid_ctx_find(space, pasid) != NULL) {
		rc = pdk_log_fail("pasid", pdk_vfio_name(space->dev), -EBUSY,
				  "release that context, or use pdk_pasid_ctx_replace() to move it",
				  "PASID %u context create: another context already uses it", pasid);
		goto fail_free;
	} else if ((stuck = pasid_stuck_find(space, pasid)) >= 0) {
		/* the attach below replaces the stale attachment: who owned it owns it again */
		c->owns_pasid = space->stuck[stuck].ctx_owned;
	}
	/* else: the caller allocated it and keeps owning it */

	/* a refusal is lib/dma's to log: it names the address space and the IOMMU's cause */
	rc = pdk_dma_as_hwpt_get(as, space->dev_id, &c->hwpt_id);
	if (rc < 0)
		goto fail_pasid;
	rc = pdk_vfio_owner_pasid_attach(space->dev, space, pasid, c->hwpt_id, &vfix);
	if (pdk_unlikely(rc < 0)) {
		ctx_attach_refused(space, as, c, pasid, rc, vfix);
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
	ctx_put(space, c);
	return rc;
}

int
pdk_pasid_ctx_replace(struct pdk_pasid_ctx *ctx, struct pdk_dma_as *as)
{
	struct pdk_pasid_space *space;
	const char *vfix;
	uint32_t hwpt;
	int rc;

	if (pdk_log_null(ctx, "pasid", NULL, "pass one from pdk_pasid_ctx_create()",
			 "context replace: NULL context"))
		return -EINVAL;
	space = ctx->space;
	rc = pasid_check_as(space, as, "context replace");
	if (rc < 0)
		return rc;
	if (as == ctx->as)
		return 0;
	/* refused by lib/dma, logged there; the PASID stays where it was */
	rc = pdk_dma_as_hwpt_get(as, space->dev_id, &hwpt);
	if (rc < 0)
		return rc;
	/* a second attach of an attached PASID is an atomic replace in the kernel */
	rc = pdk_vfio_owner_pasid_attach(space->dev, space, ctx->pasid, hwpt, &vfix);
	if (rc < 0) {
		pdk_log_fail("pasid", pdk_vfio_name(space->dev), rc, attach_fix(space, as, rc, vfix),
			     "PASID %u move to HWPT %u of address space '%s' (it stays attached to '%s')",
			     ctx->pasid, hwpt, pdk_dma_as_name(as), pdk_dma_as_name(ctx->as));
		pasid_hwpt_put(space, as, hwpt, false);
		return rc;
	}
	pasid_hwpt_put(space, ctx->as, ctx->hwpt_id, false);
	ctx->as = as;
	ctx->hwpt_id = hwpt;
	return 0;
}

/*
 * The kernel refused the detach of @p ctx: log it and hold the PASID back
 * (stuck), or, with no memory to remember it, at least never hand it out.
 */
static PDK_COLD void
ctx_detach_refused(struct pdk_pasid_space *space, struct pdk_pasid_ctx *ctx, int rc,
		   const char *vfix)
{
	struct pasid_stuck *s = realloc(space->stuck, (space->nstuck + 1) * sizeof(*s));
	char then[256], fix[512];

	snprintf(then, sizeof(then), "PDK forgets the context anyway and holds PASID %u back (DMA tagged with it still reaches '%s') until a new context attaches it or the device closes",
		 ctx->pasid, pdk_dma_as_name(ctx->as));
	pdk_log_fail("pasid", pdk_vfio_name(space->dev), rc,
		     pasid_fix(fix, sizeof(fix), vfix, then),
		     "PASID %u detach from HWPT %u of address space '%s'", ctx->pasid,
		     ctx->hwpt_id, pdk_dma_as_name(ctx->as));
	if (s != NULL) {
		space->stuck = s;
		s[space->nstuck].pasid = ctx->pasid;
		s[space->nstuck].ctx_owned = ctx->owns_pasid;
		s[space->nstuck].as = ctx->as;
		s[space->nstuck].hwpt_id = ctx->hwpt_id;
		space->nstuck++;
	}
	ctx->owns_pasid = false;
}

int
pdk_pasid_ctx_release(struct pdk_pasid_ctx *ctx)
{
	struct pdk_pasid_space *space;
	const char *vfix;
	int rc;

	if (ctx == NULL)
		return 0;
	space = ctx->space;
	rc = pdk_vfio_owner_pasid_detach(space->dev, space, ctx->pasid, &vfix);
	if (pdk_unlikely(rc < 0))
		ctx_detach_refused(space, ctx, rc, vfix);
	/* after a failed detach the HWPT stays busy: kept for a later get or pdk_dma_as_destroy() */
	pasid_hwpt_put(space, ctx->as, ctx->hwpt_id, rc < 0);
	TAILQ_REMOVE(&space->ctxs, ctx, next);
	if (ctx->owns_pasid)
		pasid_bit_clear(space, ctx->pasid);
	ctx_put(space, ctx);
	return rc;
}

/* Accessors answer a NULL context with their neutral value, logged. */
static bool
ctx_null(const struct pdk_pasid_ctx *ctx, const char *call)
{
	return pdk_log_null(ctx, "pasid", NULL, "pass one from pdk_pasid_ctx_create()",
			    "%s: NULL PASID context", call);
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
