/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated IOMMU: its kinds, groups, what is attached where, the DMA
 * port every simulated function uses, and the fault log. An access is
 * translated the way the hardware would: (requester, PASID or none) selects
 * the domain attached there (per IOMMU group, as the IOMMU programs the
 * whole group), the domain mirrors its IO page table, and every byte must
 * fall in a mapping with the right permission. The whole range is checked
 * before a byte moves, so a faulting access has no effect, like a DMA the
 * IOMMU aborts.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_iommu.h"
#include "../devices/sim_devices.h"

/* ---- the kinds ---- */

/* x86: the interrupt (MSI) window, IOMMU_RESV_MSI on VT-d. */
static const struct sim_resv_region sim_resv_vtd[] = {
	{ 0xfee00000ULL, 0xfeefffffULL },
};

/* ARM: the software MSI window iommu-dma maps (MSI_IOVA_BASE, 1 MiB). */
static const struct sim_resv_region sim_resv_smmuv3[] = {
	{ 0x08000000ULL, 0x080fffffULL },
};

/* AMD: the MSI window and the HyperTransport reserved range. */
static const struct sim_resv_region sim_resv_amd[] = {
	{ 0xfee00000ULL, 0xfeefffffULL },
	{ 0xfd00000000ULL, 0xffffffffffULL },
};

/*
 * A 4-level (48-bit) page table on every simulated IOMMU, 4 KiB its smallest
 * page. The page sizes are the drivers': VT-d and SMMUv3 (4 KiB granule)
 * 4K | 2M | 1G; AMD v1 every power of two from 4 KiB but 512 GiB
 * (AMD_IOMMU_PGSIZES).
 */
#define SIM_PGSIZES_4K_2M_1G	((1ULL << 12) | (1ULL << 21) | (1ULL << 30))
#define SIM_PGSIZES_AMD		(~0xfffULL & ~(2ULL << 38))
#define SIM_KIND(n, type, r, attach, features, pgsizes, pri_, needs_pri, pri_domain) {	\
	.name = (n), .hw_info_type = (type), .resv = (r), .nresv = sizeof(r) / sizeof((r)[0]), \
	.aperture_last = (1ULL << 48) - 1, .pgsize_bitmap = (pgsizes),			\
	.pasid_attach = (attach), .pasid_features = (features), .pri = (pri_),		\
	.pri_needs_ats = (pri_) /* every kind that enables PRI wants ATS for it */,	\
	.iopf_needs_pri = (needs_pri), .pri_needs_pasid_domain = (pri_domain) }

static const struct sim_iommu_kind sim_iommu_kinds[] = {
	[PDK_SIM_IOMMU_VTD] = SIM_KIND("VT-d", IOMMU_HW_INFO_TYPE_INTEL_VTD, sim_resv_vtd,
				       true, true, SIM_PGSIZES_4K_2M_1G, true, true, false),
	[PDK_SIM_IOMMU_SMMUV3] = SIM_KIND("SMMUv3", IOMMU_HW_INFO_TYPE_ARM_SMMUV3, sim_resv_smmuv3,
					  true, true, SIM_PGSIZES_4K_2M_1G, false, false, false),
	/* AMD paging domains have no set_dev_pasid; PASID is enabled with no features. */
	[PDK_SIM_IOMMU_AMD] = SIM_KIND("AMD-Vi", IOMMU_HW_INFO_TYPE_AMD, sim_resv_amd,
				       false, false, SIM_PGSIZES_AMD, true, false, true),
};

const struct sim_iommu_kind *
sim_iommu_kind_of(enum pdk_sim_iommu kind)
{
	if ((unsigned int)kind >= sizeof(sim_iommu_kinds) / sizeof(sim_iommu_kinds[0]))
		return NULL;
	return &sim_iommu_kinds[kind];
}

/* ---- groups, domains, attachments ---- */

struct sim_group *
sim_iommu_group_get(struct pdk_sim *sim, uint32_t number)
{
	struct sim_group *g, **pp;

	if (number == 0) {
		/* A group of its own: the lowest number nobody uses. */
		for (number = 1;; number++) {
			for (g = sim->groups; g != NULL; g = g->next)
				if (g->number == number)
					break;
			if (g == NULL)
				break;
		}
	}
	for (g = sim->groups; g != NULL; g = g->next) {
		if (g->number == number) {
			g->refs++;
			return g;
		}
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->number = number;
	g->refs = 1;
	for (pp = &sim->groups; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = g;
	return g;
}

void
sim_iommu_group_put(struct pdk_sim *sim, struct sim_group *grp)
{
	struct sim_group **pp;

	if (--grp->refs > 0)
		return;
	for (pp = &sim->groups; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == grp) {
			*pp = grp->next;
			break;
		}
	}
	free(grp);
}

void
sim_domain_init(struct sim_domain *domain, const struct pdk_sim *sim, struct sim_iopt *iopt,
		bool pasid)
{
	domain->iopt = iopt;
	domain->aperture_last = sim->iommu->aperture_last;
	domain->iopf_handler = NULL;
	domain->pasid = pasid;
}

void
sim_iommu_attach(struct sim_group *grp, struct sim_attach_handle *handle, uint32_t pasid,
		 struct sim_domain *domain)
{
	handle->pasid = pasid;
	handle->domain = domain;
	handle->next = grp->attach;
	grp->attach = handle;
}

void
sim_iommu_handle_wait(struct sim_attach_handle *handle)
{
	struct pdk_sim *sim = handle->domain->iopt->sim;

	handle->leaving = true;
	/* a requester waiting on a page response through it gives up (sim_iommu_page_request()) */
	pthread_cond_broadcast(&sim->prq_cond);
	/* once woken, the handle may be gone (another detach): the caller looks again */
	pthread_cond_wait(&sim->dma_idle, &sim->lock);
}

void
sim_iommu_replace(struct sim_attach_handle *handle, struct sim_domain *domain)
{
	handle->domain = domain;
	handle->leaving = false;
}

void
sim_iommu_detach(struct sim_group *grp, struct sim_attach_handle *handle)
{
	struct sim_attach_handle **pp;

	for (pp = &grp->attach; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == handle) {
			*pp = handle->next;
			break;
		}
	}
}

struct sim_attach_handle *
sim_iommu_attach_find(struct sim_group *grp, uint32_t pasid)
{
	struct sim_attach_handle *h;

	for (h = grp->attach; h != NULL; h = h->next)
		if (h->pasid == pasid)
			return h;
	return NULL;
}

/* ---- the fault log ---- */

static void
sim_fault_record(struct pdk_sim *sim, const struct pdk_sim_fault *fault)
{
	char pasid_text[16];

	if (fault->pasid_valid)
		snprintf(pasid_text, sizeof(pasid_text), "%u", fault->pasid);
	else
		snprintf(pasid_text, sizeof(pasid_text), "none (RID)");
	SIM_LOG(INFO, "sim IOMMU fault: %s pasid %s iova 0x%llx %s: %s", fault->pci_addr,
		pasid_text, (unsigned long long)fault->iova, fault->write ? "write" : "read",
		fault->reason);
	sim->st.faults++;
	if (sim->fault_count == SIM_FAULT_LOG_MAX) {
		/* Keep the newest: drop the oldest. */
		sim->fault_head = (sim->fault_head + 1) % SIM_FAULT_LOG_MAX;
		sim->fault_count--;
		sim->faults_dropped++;
	}
	sim->faults[(sim->fault_head + sim->fault_count) % SIM_FAULT_LOG_MAX] = *fault;
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

/* ---- translation and the DMA port ---- */

static void
sim_fault_note(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, bool write,
	       const char *reason)
{
	struct pdk_sim_fault f = {
		.pasid_valid = pasid_valid,
		.pasid = pasid_valid ? pasid : 0,
		.iova = iova,
		.write = write,
		.reason = reason,
	};

	snprintf(f.pci_addr, sizeof(f.pci_addr), "%s", fn->addr);
	sim_fault_record(fn->sim, &f);
}

/*
 * Whether a translation fault of @p fn through @p h becomes a page
 * request: the function has PRI enabled, the IOMMU takes PRI (AMD: through
 * a domain made for PASIDs), and the domain has a fault path (a HWPT with
 * a fault queue).
 */
static bool
sim_iommu_prq_able(const struct sim_fn *fn, const struct sim_attach_handle *h)
{
	const struct sim_iommu_kind *k = fn->sim->iommu;

	return h != NULL && h->domain->iopf_handler != NULL && k->pri &&
	       (h->domain->pasid || !k->pri_needs_pasid_domain) && sim_fn_pri_alloc(fn) > 0;
}

/*
 * A refused access. @p xlat: the page is not there or lacks the
 * permission, which a page request may fix; as @p mode says, the caller
 * sends one (DEFER: -EAGAIN, nothing recorded), or the fault is recorded
 * and, for POST, a request nobody waits for goes to the fault queue.
 */
static int
sim_iommu_fault(struct sim_fn *fn, struct sim_attach_handle *h, bool pasid_valid, uint32_t pasid,
		uint64_t iova, bool write, const char *reason, bool xlat, enum sim_prq_mode mode,
		uint64_t *fault_iova)
{
	bool prq = xlat && mode != SIM_PRQ_NONE && sim_iommu_prq_able(fn, h);

	if (fault_iova != NULL)
		*fault_iova = iova;
	if (prq && mode == SIM_PRQ_DEFER)
		return -EAGAIN;
	sim_fault_note(fn, pasid_valid, pasid, iova, write, reason);
	if (prq) {
		struct sim_prg prg = {
			.pasid_valid = pasid_valid, .pasid = pasid_valid ? pasid : 0,
			.write = write, .index = sim_fn_prg_index(fn), .npages = 1,
			.page = { iova & ~(SIM_PAGE_SIZE - 1) },
		};

		(void)h->domain->iopf_handler(h, fn, &prg);
	}
	return -EFAULT;
}

/* How far past an access a cached check looks, within the same mapping. */
#define SIM_VA_AHEAD	(1ull << 20)

/*
 * sim_va_present() of [va, va + len), skipping pages @p vc already holds.
 * With a cache, pages ahead up to @p lim (the end of the mapping's VA
 * range) are checked in the same call, as a model that walks a buffer
 * (a batch) touches them next; if they fail, only the access itself is
 * checked, so a hole ahead never fails an access that does not reach it.
 */
static int
sim_iommu_va_present(struct sim_va_cache *vc, uint64_t va, uint64_t len, uint64_t lim)
{
	uint64_t start = va & ~(SIM_PAGE_SIZE - 1);
	uint64_t end = (va + len + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	uint64_t ahead;
	unsigned int i;

	if (vc == NULL)
		return sim_va_present(va, len);
	for (i = 0; i < vc->n; i++)
		if (vc->r[i].start <= start && end <= vc->r[i].end)
			return 0;
	lim = (lim + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	ahead = lim - end > SIM_VA_AHEAD ? end + SIM_VA_AHEAD : lim;
	if (ahead > end && sim_va_present(start, ahead - start) == 0)
		end = ahead;
	else if (sim_va_present(va, len) < 0)
		return -EFAULT;
	/* Grow a range this one touches (a batch walks buffers page by page). */
	for (i = 0; i < vc->n; i++) {
		if (start <= vc->r[i].end && vc->r[i].start <= end) {
			vc->r[i].start = start < vc->r[i].start ? start : vc->r[i].start;
			vc->r[i].end = end > vc->r[i].end ? end : vc->r[i].end;
			return 0;
		}
	}
	vc->r[vc->next].start = start;
	vc->r[vc->next].end = end;
	vc->next = (vc->next + 1) % SIM_VA_CACHE_MAX;
	if (vc->n < SIM_VA_CACHE_MAX)
		vc->n++;
	return 0;
}

/*
 * Translate [iova, iova + len) for the access: every byte must be mapped
 * with the permission the access needs. On success *out is the IO page
 * table the copy reaches memory through; on a fault it is recorded.
 */
static int
sim_iommu_translate(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		    size_t len, bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode,
		    struct sim_iopt **out, uint64_t *fault_iova)
{
	const uint32_t need = to_memory ? IOMMU_IOAS_MAP_WRITEABLE : IOMMU_IOAS_MAP_READABLE;
	struct sim_group *grp = fn->group;
	struct sim_attach_handle *att = NULL;
	struct sim_iopt *iopt;
	uint64_t last, cur;

	if (pasid_valid) {
		/* The function cannot put such a PASID in a TLP: nothing reaches the IOMMU. */
		if (fn->cfg.pasid_bits == 0)
			return sim_err(-EINVAL, "DMA", "PASID tag on a function without PASID capability");
		if (pasid >= (1u << fn->cfg.pasid_bits))
			return sim_err(-EINVAL, "DMA", "PASID wider than the function's PASID width");
	}
	if (grp->owner != NULL)
		att = sim_iommu_attach_find(grp, pasid_valid ? pasid : 0);
	if (att == NULL)
		return sim_iommu_fault(fn, NULL, pasid_valid, pasid, iova, to_memory,
				       "no domain attached (DMA blocked)", false, mode, fault_iova);
	if (att->leaving)
		return sim_iommu_fault(fn, att, pasid_valid, pasid, iova, to_memory,
				       "domain being detached or replaced (DMA blocked)", false, mode,
				       fault_iova);
	iopt = att->domain->iopt;
	last = iova + len - 1;
	if (last < iova)
		return sim_iommu_fault(fn, att, pasid_valid, pasid, iova, to_memory,
				       "IOVA range wraps", false, mode, fault_iova);

	/* Check every byte first: a faulting access moves nothing. */
	for (cur = iova;;) {
		struct sim_area *a = sim_iopt_area_at(iopt, cur);
		uint64_t a_last, seg_last;

		if (a == NULL)
			return sim_iommu_fault(fn, att, pasid_valid, pasid, cur, to_memory,
					       "IOVA not mapped", true, mode, fault_iova);
		if (a->unmapping)
			return sim_iommu_fault(fn, att, pasid_valid, pasid, cur, to_memory,
					       "IOVA range being unmapped", false, mode, fault_iova);
		if (!(a->prot & need))
			return sim_iommu_fault(fn, att, pasid_valid, pasid, cur, to_memory,
					       to_memory ? "mapping not writeable" :
							   "mapping not readable", true, mode,
					       fault_iova);
		a_last = a->iova + a->length - 1;
		seg_last = a_last < last ? a_last : last;
		/*
		 * The kernel keeps pinned pages even if the process unmaps its
		 * VA; the sim reaches memory through that VA and cannot, so it
		 * refuses rather than crash.
		 */
		if (sim_iommu_va_present(vc, a->user_va + (cur - a->iova), seg_last - cur + 1,
					 a->user_va + a->length) < 0)
			return sim_iommu_fault(fn, att, pasid_valid, pasid, cur, to_memory,
					       "memory behind the mapping was unmapped by the process (the sim cannot keep pinned pages)",
					       false, mode, fault_iova);
		if (a_last >= last)
			break;
		cur = a_last + 1;
	}
	*out = iopt;
	return 0;
}

/* Host address of a translated IOVA; *n = bytes contiguous there (<= @p left). */
static uint8_t *
sim_iommu_host(struct sim_iopt *iopt, uint64_t iova, uint64_t left, uint64_t *n)
{
	struct sim_area *a = sim_iopt_area_at(iopt, iova);
	uint64_t in_area = a->iova + a->length - iova;

	*n = in_area < left ? in_area : left;
	return (uint8_t *)(uintptr_t)(a->user_va + (iova - a->iova));
}

int
sim_iommu_dma_vc(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, void *buf,
		 size_t len, bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode,
		 uint64_t *fault_iova)
{
	struct sim_iopt *iopt;
	uint64_t done, n;
	int rc;

	if (len == 0)
		return 0;
	rc = sim_iommu_translate(fn, pasid_valid, pasid, iova, len, to_memory, vc, mode, &iopt,
				 fault_iova);
	if (rc < 0)
		return rc;
	for (done = 0; done < len; done += n) {
		uint8_t *mem = sim_iommu_host(iopt, iova + done, len - done, &n);

		if (to_memory)
			memcpy(mem, (const uint8_t *)buf + done, n);
		else
			memcpy((uint8_t *)buf + done, mem, n);
	}
	return 0;
}

int
sim_iommu_map(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, size_t len,
	      bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode, uint8_t **host,
	      uint64_t *fault_iova)
{
	struct sim_iopt *iopt;
	uint64_t n;
	uint8_t *p;
	int rc;

	*host = NULL;
	if (len == 0)
		return 0;
	rc = sim_iommu_translate(fn, pasid_valid, pasid, iova, len, to_memory, vc, mode, &iopt,
				 fault_iova);
	if (rc < 0)
		return rc;
	p = sim_iommu_host(iopt, iova, len, &n);
	if (n == len)
		*host = p;
	return 0;
}

int
sim_iommu_map_pin(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, size_t len,
		  bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode, uint8_t **host,
		  struct sim_area **area, uint64_t *fault_iova)
{
	int rc;

	*area = NULL;
	rc = sim_iommu_map(fn, pasid_valid, pasid, iova, len, to_memory, vc, mode, host,
			   fault_iova);
	if (rc == 0 && *host != NULL) {
		/* translated: the attachment is there, and one area holds the range */
		struct sim_attach_handle *att = sim_iommu_attach_find(fn->group,
								      pasid_valid ? pasid : 0);

		*area = sim_iopt_area_at(att->domain->iopt, iova);
		(*area)->users++;
	}
	return rc;
}

void
sim_iommu_unpin(struct pdk_sim *sim, struct sim_area *area)
{
	if (--area->users == 0 && area->unmapping)
		pthread_cond_broadcast(&sim->dma_idle);
}

struct sim_attach_handle *
sim_iommu_handle_pin(struct sim_fn *fn, bool pasid_valid, uint32_t pasid)
{
	struct sim_attach_handle *att;

	if (fn->group->owner == NULL)
		return NULL;
	att = sim_iommu_attach_find(fn->group, pasid_valid ? pasid : 0);
	if (att == NULL || att->leaving)
		return NULL;
	att->users++;
	return att;
}

void
sim_iommu_handle_unpin(struct pdk_sim *sim, struct sim_attach_handle *handle)
{
	if (--handle->users == 0 && handle->leaving)
		pthread_cond_broadcast(&sim->dma_idle);
}

int
sim_iommu_dma(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, void *buf,
	      size_t len, bool to_memory, uint64_t *fault_iova)
{
	return sim_iommu_dma_vc(fn, pasid_valid, pasid, iova, buf, len, to_memory, NULL,
				SIM_PRQ_POST, fault_iova);
}

int
sim_iommu_dma_write_status_last(struct sim_fn *fn, bool pasid_valid, uint32_t pasid,
				uint64_t iova, const void *buf, size_t len,
				struct sim_va_cache *vc, uint64_t *fault_iova)
{
	const uint8_t *src = buf;
	struct sim_iopt *iopt;
	uint64_t done, n;
	uint8_t *first;
	int rc;

	if (len == 0)
		return 0;
	rc = sim_iommu_translate(fn, pasid_valid, pasid, iova, len, true, vc, SIM_PRQ_NONE, &iopt,
				 fault_iova);
	if (rc < 0)
		return rc;
	first = sim_iommu_host(iopt, iova, len, &n);
	if (n > 1)
		memcpy(first + 1, src + 1, n - 1);
	for (done = n; done < len; done += n)
		memcpy(sim_iommu_host(iopt, iova + done, len - done, &n), src + done, n);
	__atomic_store_n(first, src[0], __ATOMIC_RELEASE);
	return 0;
}

/* ---- page requests ---- */

/* Whether @p page of @p iopt translates for the access (as sim_iommu_translate() checks). */
static bool
sim_iommu_page_ok(struct sim_iopt *iopt, uint64_t page, bool write)
{
	struct sim_area *a = sim_iopt_area_at(iopt, page);

	return a != NULL && !a->unmapping &&
	       (a->prot & (write ? IOMMU_IOAS_MAP_WRITEABLE : IOMMU_IOAS_MAP_READABLE));
}

static void
sim_prq_deadline(struct timespec *ts, uint32_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
sim_iommu_page_request(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		       uint64_t len, bool write, const bool *stop)
{
	struct pdk_sim *sim = fn->sim;
	struct sim_attach_handle *h = sim_iommu_attach_find(fn->group, pasid_valid ? pasid : 0);
	uint32_t ms = fn->cfg.prs_timeout_ms != 0 ? fn->cfg.prs_timeout_ms : 500;
	struct sim_prg_wait w = { .done = false };
	struct sim_prg prg = { .pasid_valid = pasid_valid, .pasid = pasid_valid ? pasid : 0,
			       .write = write, .wait = &w };
	uint32_t room = sim_fn_pri_alloc(fn);
	const char *why = NULL;
	bool timed_out = false;
	struct sim_domain *domain;
	struct timespec ts;
	uint64_t p, last;

	if (fn->group->owner == NULL || !sim_iommu_prq_able(fn, h) || h->leaving) {
		sim_fault_note(fn, pasid_valid, pasid, iova, write, "IOVA not mapped");
		return -EFAULT;
	}
	domain = h->domain;
	room = room > fn->prq_outstanding ? room - fn->prq_outstanding : 0;
	last = (iova + len - 1) & ~(SIM_PAGE_SIZE - 1);
	for (p = iova & ~(SIM_PAGE_SIZE - 1); p <= last && prg.npages < SIM_PRG_MAX_PAGES &&
	     prg.npages < room; p += SIM_PAGE_SIZE)
		if (!sim_iommu_page_ok(domain->iopt, p, write))
			prg.page[prg.npages++] = p;
	if (prg.npages == 0) {
		sim_fault_note(fn, pasid_valid, pasid, iova, write,
			       "IOVA not mapped (page requests at the PRI outstanding capacity)");
		return -EFAULT;
	}
	prg.index = sim_fn_prg_index(fn);
	if (domain->iopf_handler(h, fn, &prg) < 0) {
		sim_fault_note(fn, pasid_valid, pasid, iova, write,
			       "IOVA not mapped (page request dropped: fault queue full)");
		return -EFAULT;
	}
	fn->prq_outstanding += prg.npages;
	SIM_LOG(DEBUG, "simulated %s: page request group %u, %u page(s) from 0x%llx, waiting up to %u ms",
		fn->addr, prg.index, prg.npages, (unsigned long long)prg.page[0], ms);
	sim_prq_deadline(&ts, ms);
	while (!w.done) {
		struct sim_attach_handle *now;

		if (stop != NULL && __atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
			why = "IOVA not mapped (page request abandoned: device stopping)";
			break;
		}
		now = fn->group->owner != NULL ?
			      sim_iommu_attach_find(fn->group, pasid_valid ? pasid : 0) : NULL;
		if (now != h || h->leaving || h->domain != domain) {
			why = "IOVA not mapped (page request abandoned: domain detached or replaced)";
			break;
		}
		if (pthread_cond_timedwait(&sim->prq_cond, &sim->lock, &ts) == ETIMEDOUT &&
		    !w.done) {
			why = "IOVA not mapped (no page response before the function's timeout)";
			timed_out = true;
			break;
		}
	}
	fn->prq_outstanding -= prg.npages;
	if (!w.done) {
		/*
		 * The group stays queued. After a timeout a response to it is
		 * unexpected; a detach or replace answers it INVALID, which
		 * the function would have taken as the answer.
		 */
		if (w.link != NULL) {
			w.link->wait = NULL;
			w.link->abandoned = timed_out;
		}
		sim_fault_note(fn, pasid_valid, pasid, iova, write, why);
		return -EFAULT;
	}
	if (w.code != IOMMUFD_PAGE_RESP_SUCCESS) {
		sim_fault_note(fn, pasid_valid, pasid, iova, write,
			       "IOVA not mapped (page request answered INVALID)");
		return -EFAULT;
	}
	return 0;
}

int
pdk_sim_fn_dma(struct pdk_sim_fn *pfn, bool pasid_valid, uint32_t pasid, uint64_t iova,
	       void *buf, size_t len, bool to_memory)
{
	struct sim_fn *fn = (struct sim_fn *)pfn;
	struct pdk_sim *sim;
	int rc;

	SIM_ARG_CHECK(fn, "DMA port", "NULL function",
		      "pass a function from pdk_sim_fn_add() or pdk_sim_fn_find()", -EINVAL);
	if (len > 0)
		SIM_ARG_CHECK(buf, "DMA port", "NULL buffer",
			      "pass the buffer the bytes come from or go to", -EINVAL);
	sim = fn->sim;
	pthread_mutex_lock(&sim->lock);
	rc = sim_iommu_dma(fn, pasid_valid, pasid, iova, buf, len, to_memory, NULL);
	pthread_mutex_unlock(&sim->lock);
	return rc;
}
