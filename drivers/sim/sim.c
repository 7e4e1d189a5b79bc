/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A simulated kernel instance: creation, teardown with leak accounting,
 * live-object counters, failure injection, adding a function, and the "sim"
 * backend of lib/sys's registry. The top of the sim: it puts the layers
 * together (a function is a PCI function, a member of an IOMMU group, and
 * vfio-pci's unless it is another driver's) and takes them apart.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "devices/sim_devices.h"
#include "iommu/sim_iommu.h"
#include "kernel/sim_kernel.h"

static const struct pdk_sys_backend sim_backend;

/* ---- functions ---- */

static const struct sim_model *const sim_models[] = {
	[PDK_SIM_MODEL_SIMDMA] = &sim_model_simdma,
	[PDK_SIM_MODEL_PLAIN] = &sim_model_plain,
	[PDK_SIM_MODEL_DSA] = &sim_model_dsa,
	[PDK_SIM_MODEL_DSA2] = &sim_model_dsa2,
	[PDK_SIM_MODEL_EDU] = &sim_model_edu,
};

static const struct sim_model *
sim_model_of(enum pdk_sim_model model)
{
	if ((unsigned int)model >= sizeof(sim_models) / sizeof(sim_models[0]))
		return NULL;
	return sim_models[model];
}

/*
 * A refused function configuration: what is wrong, in the user's terms,
 * and the fix. pdk_sim_fn_add() puts both in its ERR line: a bare
 * "Invalid argument" would leave the caller to guess which field is wrong.
 */
struct sim_refusal {
	const char *why;
	const char *fix;
};

static int
sim_fn_cfg_check(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg, const char *addr,
		 struct sim_refusal *r)
{
	if (sim_model_of(cfg->model) == NULL) {
		*r = (struct sim_refusal){ "the model is not one of enum pdk_sim_model",
					   "use PDK_SIM_MODEL_SIMDMA, _PLAIN, _DSA, _DSA2 or _EDU" };
		return -EINVAL;
	}
	if (cfg->pasid_bits > SIM_MAX_PASID_BITS) {
		*r = (struct sim_refusal){ "the PASID width is above 20 bits, the most PCIe allows",
					   "use 0..20" };
		return -EINVAL;
	}
	if (sim_fn_by_addr(sim, addr) != NULL) {
		*r = (struct sim_refusal){ "a simulated function already has this PCI address",
					   "pick another" };
		return -EEXIST;
	}
	/* the config-space shape: capability chains, hidden registers, a VF's PF */
	return sim_pci_shape_check(sim, cfg, &r->why, &r->fix);
}

/*
 * Add a function for @p cfg: the PCI function, its IOMMU group, vfio-pci's
 * device (unless cfg.not_vfio), then into sim->fns; logged once, here.
 */
static int
sim_fn_add(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg, struct sim_fn **out)
{
	struct sim_refusal r = { NULL, NULL };
	char addr[PDK_PCI_ADDR_LEN];
	struct sim_fn *fn, **pp;
	int rc;

	/* A malformed address: the parser, PDK's one, has logged why and the fix. */
	if (pdk_sys_pci_addr_parse(cfg->pci_addr, addr) < 0)
		return -EINVAL;
	rc = sim_fn_cfg_check(sim, cfg, addr, &r);
	if (rc == 0)
		rc = sim_fn_create(sim, addr, cfg, sim_model_of(cfg->model), &fn);
	if (rc == 0) {
		fn->group = sim_iommu_group_get(sim, cfg->iommu_group);
		rc = fn->group != NULL ? sim_vfio_probe(fn) : -ENOMEM;
		if (rc < 0) {
			if (fn->group != NULL)
				sim_iommu_group_put(sim, fn->group);
			sim_fn_free(fn);
		}
	}
	if (rc < 0)
		return sim_fail(PDK_LOG_ERR, addr, rc, r.fix, "add a simulated function (model %d, PASID width %u)%s%s",
				(int)cfg->model, cfg->pasid_bits, r.why != NULL ? ": " : "",
				r.why != NULL ? r.why : "");
	for (pp = &sim->fns; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = fn;
	*out = fn;
	return 0;
}

/* In the reverse order of sim_fn_add(); the function is unbound. */
static void
sim_fn_remove(struct pdk_sim *sim, struct sim_fn *fn)
{
	struct sim_vfio_dev *vdev = fn->vdev;
	struct sim_group *grp = fn->group;

	/* The model stops (its thread, if any) before vfio-pci's device goes. */
	sim_fn_free(fn);
	sim_vfio_remove(vdev);
	sim_iommu_group_put(sim, grp);
}

int
pdk_sim_fn_add(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg, struct pdk_sim_fn **fn)
{
	struct sim_fn *f = NULL;
	int rc;

	SIM_ARG_CHECK(sim, "function add", "NULL sim", "pass the sim from pdk_sim_create()",
		      -EINVAL);
	SIM_ARG_CHECK(cfg, "function add", "NULL configuration",
		      "pass a struct pdk_sim_fn_config with the function's address and model",
		      -EINVAL);
	pthread_mutex_lock(&sim->lock);
	rc = sim_fn_add(sim, cfg, &f);
	pthread_mutex_unlock(&sim->lock);
	if (rc < 0)
		return rc;
	SIM_LOG(INFO, "simulated function %s (%s, PASID width %u, IOMMU group %u%s)",
		f->addr, f->model->name,
		f->cfg.pasid_bits, f->group->number,
		f->cfg.not_vfio ? ", bound to another driver" : ", vfio-pci");
	if (fn != NULL)
		*fn = (struct pdk_sim_fn *)f;
	return 0;
}

struct pdk_sim_fn *
pdk_sim_fn_find(struct pdk_sim *sim, const char *pci_addr)
{
	struct sim_fn *fn = NULL;
	char addr[16];

	SIM_ARG_CHECK(sim, "function lookup", "NULL sim", "pass the sim from pdk_sim_create()", NULL);
	if (pdk_sys_pci_addr_parse(pci_addr, addr) < 0)
		return NULL;
	pthread_mutex_lock(&sim->lock);
	fn = sim_fn_by_addr(sim, addr);
	pthread_mutex_unlock(&sim->lock);
	return (struct pdk_sim_fn *)fn;
}

/* ---- the instance ---- */

int
pdk_sim_create(const struct pdk_sim_config *cfg, struct pdk_sim **out)
{
	struct pdk_sim_config c = { 0 };
	struct pdk_sim *sim;
	char limit[32];
	int rc;

	SIM_ARG_CHECK(out, "create", "NULL output pointer", "pass where to store the new sim",
		      -EINVAL);
	if (cfg != NULL)
		c = *cfg;
	if (sim_iommu_kind_of(c.iommu) == NULL)
		return sim_fail(PDK_LOG_ERR, "simulated kernel", -EINVAL,
				"use PDK_SIM_IOMMU_VTD, _SMMUV3 or _AMD",
				"create: unknown IOMMU kind %d", (int)c.iommu);
	if (c.iommu_pasid_bits == 0)
		c.iommu_pasid_bits = SIM_MAX_PASID_BITS;
	if (c.dma_entry_limit == 0)
		c.dma_entry_limit = 65535;	/* vfio_iommu_type1.c: U16_MAX */
	if (c.iommu_pasid_bits > SIM_MAX_PASID_BITS)
		return sim_fail(PDK_LOG_ERR, "simulated kernel", -EINVAL, "use 1..20 (0: 20)",
				"create: IOMMU PASID width %u above 20, the most PCIe allows",
				c.iommu_pasid_bits);
	sim = calloc(1, sizeof(*sim));
	if (sim == NULL)
		return -ENOMEM;
	rc = pthread_mutex_init(&sim->lock, NULL);
	if (rc != 0) {
		free(sim);
		return -rc;
	}
	rc = pthread_cond_init(&sim->dma_idle, NULL);
	if (rc != 0) {
		pthread_mutex_destroy(&sim->lock);
		free(sim);
		return -rc;
	}
	{
		/* page-request timeouts count on the monotonic clock */
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		rc = pthread_cond_init(&sim->prq_cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (rc != 0) {
		pthread_cond_destroy(&sim->dma_idle);
		pthread_mutex_destroy(&sim->lock);
		free(sim);
		return -rc;
	}
	sim->cfg = c;
	sim->iommu = sim_iommu_kind_of(c.iommu);
	sim->sys.name = "sim";
	sim->sys.is_sim = true;
	sim->sys.ops = &sim_sys_ops;
	sim->sys.priv = sim;
	sim->sys.backend = &sim_backend;

	if (!c.no_default_devices) {
		const struct pdk_sim_fn_config dflt = {
			.pci_addr = PDK_SIM_DEFAULT_PCI_ADDR,
			.model = PDK_SIM_MODEL_SIMDMA,
			.pasid_bits = 20,
		};
		struct sim_fn *fn;

		rc = sim_fn_add(sim, &dflt, &fn);
		if (rc < 0) {
			pdk_sim_destroy(sim);
			return rc;
		}
	}
	if (c.pin_limit_pages != 0)
		snprintf(limit, sizeof(limit), "%llu pages", (unsigned long long)c.pin_limit_pages);
	else
		snprintf(limit, sizeof(limit), "unlimited");
	SIM_LOG(NOTICE, "simulated kernel (not hardware): iommu=%s, IOMMU PASID width %u, pin limit %s, %s",
		sim->iommu->name, c.iommu_pasid_bits, limit,
		c.no_default_devices ? "no function yet" :
		"pdk-sim-dma at " PDK_SIM_DEFAULT_PCI_ADDR " (PASID width 20, vfio0)");
	*out = sim;
	return 0;
}

struct pdk_sys *
pdk_sim_sys(struct pdk_sim *sim)
{
	SIM_ARG_CHECK(sim, "backend", "NULL sim", "pass the sim from pdk_sim_create()", NULL);
	return &sim->sys;
}

/* How many open fds a refused destroy names. */
#define SIM_FDS_NAMED 4

int
pdk_sim_destroy(struct pdk_sim *sim)
{
	char fds[256];
	size_t off = 0;
	unsigned int i;

	if (sim == NULL)
		return 0;
	pthread_mutex_lock(&sim->lock);
	/*
	 * Like a kernel module with users, the sim stays while anything uses
	 * it: PDK's handles keep its fds, and freeing it under them would
	 * leave every later call on them a use-after-free.
	 */
	if (sim->nfds > 0 || sim->st.mmaps > 0) {	/* mmaps: BAR mappings and portal hooks */
		fds[0] = '\0';
		for (i = 0; i < sim->nfds && i < SIM_FDS_NAMED && off < sizeof(fds); i++) {
			const struct sim_fd *f = &sim->fds[i];
			char what[64];
			int n;

			f->file->ops->show(f->file, what, sizeof(what));
			n = snprintf(fds + off, sizeof(fds) - off, "%sfd %d (%s)", i > 0 ? ", " : "",
				     f->fd, what);

			if (n < 0)
				break;
			off += (size_t)n;
		}
		sim_fail(PDK_LOG_ERR, "simulated kernel", -EBUSY,
			 "close them first (pdk_vfio_portal_release(), pdk_sim_bar_put(), pdk_vfio_close(), pdk_iommufd_close(), after the PASID contexts, spaces and address spaces that use them)",
			 "destroy refused: %u fd(s) open%s%s%s and %u BAR mapping(s) or portal hook(s)",
			 sim->nfds, sim->nfds > 0 ? ": " : "", fds,
			 sim->nfds > SIM_FDS_NAMED ? " ..." : "", sim->st.mmaps);
		pthread_mutex_unlock(&sim->lock);
		return -EBUSY;
	}
	if (sim->ctxs != NULL)
		SIM_LOG(ERR, "internal error: an iommufd context survived its last fd");
	while (sim->fns != NULL) {
		struct sim_fn *fn = sim->fns;

		sim->fns = fn->next;
		sim_fn_remove(sim, fn);
	}
	free(sim->fds);
	free(sim->mmaps);
	pthread_mutex_unlock(&sim->lock);
	pthread_cond_destroy(&sim->dma_idle);
	pthread_cond_destroy(&sim->prq_cond);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
	return 0;
}

void
pdk_sim_stats_get(struct pdk_sim *sim, struct pdk_sim_stats *stats)
{
	SIM_ARG_CHECK(stats, "stats", "NULL stats", "pass a struct pdk_sim_stats to fill", );
	memset(stats, 0, sizeof(*stats));
	SIM_ARG_CHECK(sim, "stats", "NULL sim", "pass the sim from pdk_sim_create()", );
	pthread_mutex_lock(&sim->lock);
	*stats = sim->st;
	pthread_mutex_unlock(&sim->lock);
}

bool
pdk_sim_is_clean(struct pdk_sim *sim)
{
	struct pdk_sim_stats s;

	SIM_ARG_CHECK(sim, "clean check", "NULL sim", "pass the sim from pdk_sim_create()", false);
	pdk_sim_stats_get(sim, &s);
	return s.fds == 0 && s.iommufd_ctxs == 0 && s.ioas == 0 && s.hwpts == 0 &&
	       s.fault_queues == 0 && s.bound_devices == 0 && s.pasid_attachments == 0 &&
	       s.rid_attachments == 0 && s.mappings == 0 && s.pinned_pages == 0 && s.mmaps == 0 &&
	       s.engines == 0 && s.containers == 0 && s.vfio_groups == 0;
}

bool
pdk_sim_owns_fd(struct pdk_sim *sim, int fd)
{
	SIM_ARG_CHECK(sim, "fd check", "NULL sim", "pass the sim from pdk_sim_create()", false);
	/* No lock: the caller may be a thread of the sim's that holds it (sim.h, fd_bits). */
	return fd >= 0 && fd < SIM_MAX_FD &&
	       (atomic_load_explicit(&sim->fd_bits[fd / 64], memory_order_relaxed) &
		(1ull << (fd % 64))) != 0;
}

void
pdk_sim_fail_nth(struct pdk_sim *sim, uint64_t nth, int err)
{
	SIM_ARG_CHECK(sim, "failure injection", "NULL sim", "pass the sim from pdk_sim_create()", );
	pthread_mutex_lock(&sim->lock);
	sim->fail_nth = nth;
	if (err < 0)
		err = -err;
	sim->fail_err = err != 0 ? err : EIO;
	sim->fail_fired = false;
	pthread_mutex_unlock(&sim->lock);
}

bool
pdk_sim_fail_fired(struct pdk_sim *sim)
{
	bool fired;

	SIM_ARG_CHECK(sim, "failure injection query", "NULL sim", "pass the sim from pdk_sim_create()", false);
	pthread_mutex_lock(&sim->lock);
	fired = sim->fail_fired;
	pthread_mutex_unlock(&sim->lock);
	return fired;
}

/* ---- the "sim" backend of lib/sys's registry ---- */

/*
 * pdk_sys_backend_open("sim" or NULL): a sim with its default function;
 * PDK_BACKEND=sim with an address: a sim whose one function sits there.
 */
static int
sim_backend_create(const char *pci_addr, struct pdk_sys **sys, char out_addr[PDK_PCI_ADDR_LEN])
{
	struct pdk_sim_config cfg = { 0 };
	struct pdk_sim *sim;
	int rc;

	cfg.no_default_devices = pci_addr != NULL && strcmp(pci_addr, PDK_SIM_DEFAULT_PCI_ADDR) != 0;
	rc = pdk_sim_create(&cfg, &sim);
	if (rc < 0)
		return rc;
	if (cfg.no_default_devices) {
		const struct pdk_sim_fn_config fc = {
			.pci_addr = pci_addr,
			.model = PDK_SIM_MODEL_SIMDMA,
			.pasid_bits = 20,
		};

		rc = pdk_sim_fn_add(sim, &fc, NULL);
		if (rc < 0) {
			pdk_sim_destroy(sim);
			return rc;
		}
	}
	*sys = &sim->sys;
	snprintf(out_addr, PDK_PCI_ADDR_LEN, "%s",
		 cfg.no_default_devices ? pci_addr : PDK_SIM_DEFAULT_PCI_ADDR);
	return 0;
}

static int
sim_backend_destroy(struct pdk_sys *sys)
{
	return pdk_sim_destroy(sys->priv);
}

static const struct pdk_sys_backend sim_backend = {
	.name = PDK_SYS_BACKEND_SIM,
	.create = sim_backend_create,
	.destroy = sim_backend_destroy,
};
PDK_SYS_BACKEND_REGISTER(sim_backend)

struct pdk_sim *
pdk_sim_from_sys(struct pdk_sys *sys)
{
	return sys != NULL && sys->backend == &sim_backend ? sys->priv : NULL;
}
