/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * iommufd contexts and their object table. The kernel keeps iommufd objects
 * in one xarray per context and allocates ids with xa_alloc() from 1
 * (ALLOC1, 31-bit limit): the lowest free id wins, so a destroyed object's
 * id is handed out again. Tests that compare ids against the real kernel
 * depend on that reuse, hence a plain array searched for the first hole
 * rather than a counter. An object is destroyed through its kind's ops
 * (struct sim_obj_ops), so this file knows no kind.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

#define SIM_OBJ_ID_MAX 0x7fffffffu

int
sim_obj_insert(struct sim_ctx *ctx, struct sim_obj *obj, const struct sim_obj_ops *ops)
{
	uint32_t i;

	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i] == NULL)
			break;
	if (i == ctx->nobjs) {
		uint32_t n = ctx->nobjs ? ctx->nobjs * 2 : 16;
		struct sim_obj **objs;

		if (ctx->nobjs >= SIM_OBJ_ID_MAX)
			return -EBUSY;	/* xa_alloc() on a full range */
		objs = realloc(ctx->objs, n * sizeof(*objs));
		if (objs == NULL)
			return -ENOMEM;
		memset(objs + ctx->nobjs, 0, (n - ctx->nobjs) * sizeof(*objs));
		ctx->objs = objs;
		ctx->nobjs = n;
	}
	obj->ops = ops;
	obj->id = i + 1;
	obj->users = 0;
	ctx->objs[i] = obj;
	return 0;
}

struct sim_obj *
sim_obj_find(struct sim_ctx *ctx, uint32_t id, enum sim_obj_type type)
{
	struct sim_obj *obj;

	if (id == 0 || id > ctx->nobjs)
		return NULL;
	obj = ctx->objs[id - 1];
	if (obj == NULL || (type != SIM_OBJ_ANY && obj->ops->type != type))
		return NULL;
	return obj;
}

void
sim_obj_remove(struct sim_ctx *ctx, struct sim_obj *obj)
{
	if (obj->id != 0 && obj->id <= ctx->nobjs && ctx->objs[obj->id - 1] == obj)
		ctx->objs[obj->id - 1] = NULL;
	obj->id = 0;
}

struct sim_obj *
sim_obj_next(struct sim_ctx *ctx, uint32_t after, enum sim_obj_type type)
{
	uint32_t i;

	for (i = after; i < ctx->nobjs; i++) {
		struct sim_obj *obj = ctx->objs[i];

		if (obj != NULL && (type == SIM_OBJ_ANY || obj->ops->type == type))
			return obj;
	}
	return NULL;
}

int
sim_obj_destroy(struct sim_obj *obj)
{
	if (obj->users > 0 || obj->ops->destroy == NULL)
		return -EBUSY;
	obj->ops->destroy(obj);
	return 0;
}

/* ---- contexts ---- */

struct sim_ctx *
sim_ctx_new(struct pdk_sim *sim)
{
	struct sim_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	ctx->sim = sim;
	ctx->refs = 1;
	ctx->next = sim->ctxs;
	sim->ctxs = ctx;
	sim->st.iommufd_ctxs++;
	return ctx;
}

void
sim_ctx_get(struct sim_ctx *ctx)
{
	ctx->refs++;
}

/*
 * The last holder is gone: destroy every object, dependents first, the way
 * iommufd_fops_release() loops until the table is empty. No device can be
 * bound here (a bound device holds a reference), so nothing is attached and
 * every HWPT goes on the first pass, then the IOAS and fault queues.
 */
static void
sim_ctx_free(struct sim_ctx *ctx)
{
	struct pdk_sim *sim = ctx->sim;
	struct sim_ctx **pp;
	bool progress = true;
	uint32_t i;

	while (progress) {
		progress = false;
		for (i = 0; i < ctx->nobjs; i++) {
			struct sim_obj *obj = ctx->objs[i];

			if (obj != NULL && obj->users == 0 && sim_obj_destroy(obj) == 0)
				progress = true;
		}
	}
	for (i = 0; i < ctx->nobjs; i++)
		if (ctx->objs[i] != NULL)
			SIM_LOG(ERR, "internal error: %s %u still referenced at context teardown",
				ctx->objs[i]->ops->name, ctx->objs[i]->id);
	for (pp = &sim->ctxs; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == ctx) {
			*pp = ctx->next;
			break;
		}
	}
	free(ctx->objs);
	free(ctx);
	sim->st.iommufd_ctxs--;
}

void
sim_ctx_put(struct sim_ctx *ctx)
{
	if (--ctx->refs == 0)
		sim_ctx_free(ctx);
}
