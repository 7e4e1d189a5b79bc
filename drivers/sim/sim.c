/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A simulated kernel instance: creation, teardown with leak accounting,
 * live-object counters, failure injection, the fault log, and the one place
 * where a program's choice between the sim and the real kernel is made.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static const char *
sim_file_kind_name(enum sim_file_kind kind)
{
	switch (kind) {
	case SIM_FILE_IOMMUFD:
		return "iommufd";
	case SIM_FILE_DEVICE:
		return "VFIO device";
	default:
		return "fault queue";
	}
}

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
	if (c.iommu != PDK_SIM_IOMMU_VTD && c.iommu != PDK_SIM_IOMMU_SMMUV3 &&
	    c.iommu != PDK_SIM_IOMMU_AMD) {
		SIM_LOG(ERR, "cannot create a simulated kernel: unknown IOMMU kind %d", c.iommu);
		return -EINVAL;
	}
	if (c.iommu_pasid_bits == 0)
		c.iommu_pasid_bits = SIM_MAX_PASID_BITS;
	if (c.iommu_pasid_bits > SIM_MAX_PASID_BITS) {
		SIM_LOG(ERR, "cannot create a simulated kernel: IOMMU PASID width %u above 20",
			c.iommu_pasid_bits);
		return -EINVAL;
	}
	sim = calloc(1, sizeof(*sim));
	if (sim == NULL)
		return -ENOMEM;
	rc = pthread_mutex_init(&sim->lock, NULL);
	if (rc != 0) {
		free(sim);
		return -rc;
	}
	sim->cfg = c;
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

		rc = sim_fn_create(sim, &dflt, &fn, NULL);
		if (rc < 0) {
			SIM_LOG(ERR, "cannot create the default simulated function: %s",
				strerror(-rc));
			pdk_sim_destroy(sim);
			return rc;
		}
	}
	if (c.pin_limit_pages != 0)
		snprintf(limit, sizeof(limit), "%llu pages", (unsigned long long)c.pin_limit_pages);
	else
		snprintf(limit, sizeof(limit), "unlimited");
	SIM_LOG(NOTICE, "simulated kernel (not hardware): iommu=%s, IOMMU PASID width %u, pin limit %s, %s",
		sim_iommu_name(c.iommu), c.iommu_pasid_bits, limit,
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
			int n = snprintf(fds + off, sizeof(fds) - off, "%sfd %d (%s%s%s)",
					 i > 0 ? ", " : "", f->fd, sim_file_kind_name(f->file->kind),
					 f->file->kind == SIM_FILE_DEVICE ? " " : "",
					 f->file->kind == SIM_FILE_DEVICE ? f->file->dev.fn->addr : "");

			if (n < 0)
				break;
			off += (size_t)n;
		}
		SIM_LOG(ERR, "destroy refused: %s, %u fd(s) open%s%s%s and %u BAR mapping(s) or portal hook(s); close them first (pdk_vfio_portal_release(), pdk_vfio_close(), pdk_iommufd_close(), after the PASID contexts, spaces and address spaces that use them)",
			strerror(EBUSY), sim->nfds, sim->nfds > 0 ? ": " : "", fds,
			sim->nfds > SIM_FDS_NAMED ? " ..." : "", sim->st.mmaps);
		pthread_mutex_unlock(&sim->lock);
		return -EBUSY;
	}
	if (sim->ctxs != NULL)
		SIM_LOG(ERR, "internal error: an iommufd context survived its last fd");
	while (sim->fns != NULL) {
		struct sim_fn *fn = sim->fns;

		sim->fns = fn->next;
		sim_fn_free(fn);
	}
	while (sim->groups != NULL) {
		struct sim_group *g = sim->groups;

		sim->groups = g->next;
		free(g);
	}
	free(sim->fds);
	free(sim->mmaps);
	pthread_mutex_unlock(&sim->lock);
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
	       s.engines == 0;
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

/* ---- the fault log ---- */

void
sim_fault_record(struct pdk_sim *sim, const struct sim_fn *fn, bool pasid_valid, uint32_t pasid,
		 uint64_t iova, bool write, const char *reason)
{
	struct pdk_sim_fault *f;
	char pasid_text[16];

	if (pasid_valid)
		snprintf(pasid_text, sizeof(pasid_text), "%u", pasid);
	else
		snprintf(pasid_text, sizeof(pasid_text), "none (RID)");
	SIM_LOG(INFO, "sim IOMMU fault: %s pasid %s iova 0x%llx %s: %s", fn->addr, pasid_text,
		(unsigned long long)iova, write ? "write" : "read", reason);
	sim->st.faults++;
	if (sim->fault_count == SIM_FAULT_LOG_MAX) {
		/* Keep the newest: drop the oldest. */
		sim->fault_head = (sim->fault_head + 1) % SIM_FAULT_LOG_MAX;
		sim->fault_count--;
		sim->faults_dropped++;
	}
	f = &sim->faults[(sim->fault_head + sim->fault_count) % SIM_FAULT_LOG_MAX];
	memset(f, 0, sizeof(*f));
	snprintf(f->pci_addr, sizeof(f->pci_addr), "%s", fn->addr);
	f->pasid_valid = pasid_valid;
	f->pasid = pasid_valid ? pasid : 0;
	f->iova = iova;
	f->write = write;
	f->reason = reason;
	sim->fault_count++;
}

int
pdk_sim_fault_pop(struct pdk_sim *sim, struct pdk_sim_fault *fault)
{
	int rc = -ENOENT;

	SIM_ARG_CHECK(sim, "fault pop", "NULL sim", "pass the sim from pdk_sim_create()", -EINVAL);
	pthread_mutex_lock(&sim->lock);
	if (sim->fault_count > 0) {
		if (fault != NULL)
			*fault = sim->faults[sim->fault_head];
		sim->fault_head = (sim->fault_head + 1) % SIM_FAULT_LOG_MAX;
		sim->fault_count--;
		rc = 0;
	}
	pthread_mutex_unlock(&sim->lock);
	return rc;
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

const struct pdk_sys_backend sim_backend = {
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
