/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_IOMMU_H
#define SIM_IOMMU_H

/*
 * The simulated IOMMU (a simulation, not hardware): its kind, the IOMMU
 * groups and their DMA owner, domains and what is attached where, the IO
 * page table a domain mirrors (sim_iopt.c), translation and the DMA port
 * the device models use, and the fault log (sim_iommu.c). The kernel model
 * programs it (groups, attach, detach, replace); it reads a function's
 * identity (struct sim_fn) and reaches the kernel model only through the
 * fault handler a domain was given.
 */

#include "../sim.h"
#include "pdk_uapi.h"

struct sim_fn;

/* ---- the IOMMU kind (sim_iommu.c) ---- */

struct sim_resv_region {
	uint64_t start;
	uint64_t last;
};

/* What differs between the simulated IOMMU kinds, as between IOMMU drivers. */
struct sim_iommu_kind {
	const char *name;			/* "VT-d" */
	uint32_t hw_info_type;			/* IOMMU_GET_HW_INFO's out_data_type */
	const struct sim_resv_region *resv;	/* reserved regions of a RID attach */
	unsigned int nresv;
	uint64_t aperture_last;			/* the last IOVA a paging domain translates */
	uint64_t pgsize_bitmap;			/* page sizes of a paging domain (domain->pgsize_bitmap) */
	bool pasid_attach;			/* paging domains take a PASID (set_dev_pasid) */
	bool pasid_features;			/* PASID EXEC/PRIV shown when a device has them */
	/*
	 * The driver enables a function's PRI and its page requests reach
	 * the driver's IOPF queue (VT-d, AMD); SMMUv3's driver takes only
	 * stall faults and never calls pci_enable_pri() (arm-smmu-v3.c
	 * arm_smmu_enable_iopf()).
	 */
	bool pri;
	/*
	 * ... only on a function with ATS enabled: VT-d (intel/iommu.c
	 * intel_iommu_probe_device(): pri_supported needs ats_supported;
	 * iommu_enable_pci_pri(): returns without ats_enabled) and AMD
	 * (amd/iommu.c pdev_enable_cap_pri(): returns without ats_enabled).
	 */
	bool pri_needs_ats;
	/*
	 * ... only while attached to a domain made for PASIDs: AMD enables
	 * PRI at attach of an SVA-capable domain only (amd/iommu.c
	 * attach_device(): pdev_enable_caps() when pdom_is_sva_capable(), a v2
	 * page table, which iommufd's paging HWPT gets with
	 * IOMMU_HWPT_ALLOC_PASID; without it, under the default
	 * amd_iommu_pgtable (PD_MODE_V1, amd/init.c), a v1 one:
	 * amd_iommu_domain_alloc_paging_flags()). The sim keeps PRI Control
	 * as at probe and applies this to which faults become page requests.
	 */
	bool pri_needs_pasid_domain;
	/*
	 * Attaching a domain with an iopf_handler (a HWPT with a fault queue)
	 * to a function without PRI enabled is refused -ENODEV (VT-d:
	 * drivers/iommu/intel/iommu.c intel_iommu_enable_iopf(), called from
	 * iommu.h iopf_for_domain_set()); AMD (amd/ppr.c
	 * amd_iommu_iopf_add_device()) and SMMUv3 accept it, and such a
	 * function's faults stay ordinary ones.
	 */
	bool iopf_needs_pri;
};

/* @return the kind's facts, NULL when @p kind is none of enum pdk_sim_iommu. */
const struct sim_iommu_kind *sim_iommu_kind_of(enum pdk_sim_iommu kind);

/* Whether the driver of @p kind enables the PRI of a function configured as @p cfg. */
static inline bool
sim_iommu_enables_pri(const struct sim_iommu_kind *kind, const struct pdk_sim_fn_config *cfg)
{
	return cfg->prs && kind->pri && (cfg->ats || !kind->pri_needs_ats);
}

/* ---- the IO page table (sim_iopt.c) ---- */

struct sim_area {
	uint64_t iova;
	uint64_t length;
	uint64_t user_va;
	uint32_t prot;		/* IOMMU_IOAS_MAP_READABLE | _WRITEABLE */
	uint64_t pinned;	/* pages pinned for it (0 while the table has no domain) */
	unsigned int users;	/* device accesses running on it without the lock */
	bool unmapping;		/* an unmap waits for its users: no new access */
	struct sim_area *next;	/* sorted by iova */
};

struct sim_resv {
	uint64_t start;
	uint64_t last;
	const void *owner;	/* a sim_domain (aperture) or a sim_fn (device regions) */
	struct sim_resv *next;
};

/* The IO page table of an IOAS (struct io_pagetable). */
struct sim_iopt {
	struct pdk_sim *sim;			/* counters, the pin limit, the BAR mappings */
	struct sim_area *areas;
	/* the highest area: maps in rising IOVA order append in O(1) (1M-mapping benchmarks) */
	struct sim_area *last_area;
	/* the area the last lookup found: a device walking a buffer finds the next from it */
	struct sim_area *hint;
	struct sim_resv *resv;
	struct iommu_iova_range *allowed;	/* IOMMU_IOAS_ALLOW_IOVAS, sorted */
	unsigned int nallowed;
	unsigned int ndomains;			/* domains filled from this table */
	uint64_t iova_alignment;		/* 1 without a domain, the page size with one */
};

struct sim_domain;

void sim_iopt_init(struct sim_iopt *iopt, struct pdk_sim *sim);
/* Unmap (unpin) everything and drop every reserved and allowed range. */
void sim_iopt_destroy(struct sim_iopt *iopt);
/*
 * Map [user_va, user_va + length) with @p prot (IOMMU_IOAS_MAP_READABLE,
 * _WRITEABLE) at *@p iova when @p fixed, else at an IOVA the table picks;
 * *@p iova is where it went. Pinned now when a domain uses the table.
 */
int sim_iopt_map(struct sim_iopt *iopt, uint64_t user_va, uint64_t length, uint32_t prot, bool fixed,
		 uint64_t *iova);
/* Remove the areas inside [start, last]; *unmapped: the bytes removed (also on failure). */
int sim_iopt_unmap(struct sim_iopt *iopt, uint64_t start, uint64_t last, uint64_t *unmapped);
/* The IOVA ranges usable for mapping (the holes between the reserved ones), in order. */
int sim_iopt_usable_ranges(const struct sim_iopt *iopt,
			   void (*emit)(void *arg, uint64_t start, uint64_t last), void *arg);
bool sim_iopt_reserved_overlaps(const struct sim_iopt *iopt, uint64_t start, uint64_t last);
/* Replace the allowed ranges with @p ranges (checked by the caller), which the table now owns. */
void sim_iopt_set_allowed(struct sim_iopt *iopt, struct iommu_iova_range *ranges, unsigned int n);
/*
 * @p domain fills from the table (iopt_table_add_domain()): the IOVA
 * alignment becomes its page size, what lies beyond its aperture is
 * reserved for it, and the first domain pins every area.
 */
int sim_iopt_add_domain(struct sim_iopt *iopt, const struct sim_domain *domain);
void sim_iopt_remove_domain(struct sim_iopt *iopt, const struct sim_domain *domain);
/* Reserve @p reg for @p owner: all or none (-EADDRINUSE when a mapping or allowed range is there). */
int sim_iopt_reserve_regions(struct sim_iopt *iopt, const struct sim_resv_region *reg, unsigned int n,
			     const void *owner);
/* Drop every reserved range of @p owner. */
void sim_iopt_unreserve(struct sim_iopt *iopt, const void *owner);
/* The area holding @p iova, or NULL: what the IOMMU translates through. */
struct sim_area *sim_iopt_area_at(struct sim_iopt *iopt, uint64_t iova);
/* mincore(): every page of [va, va + len) is mapped in the process. @return 0 or -EFAULT. */
int sim_va_present(uint64_t va, uint64_t len);

/* ---- groups, domains and attachments (sim_iommu.c) ---- */

struct sim_attach_handle;

/* ---- page requests (PCIe PRI, cfg.prs) ---- */

/* Pages one page request group asks for at most (the model's choice). */
#define SIM_PRG_MAX_PAGES 16u

struct sim_prg_link;

/* A requester waiting for its group's response (on its stack). */
struct sim_prg_wait {
	bool done;			/* a response came: @p code */
	uint32_t code;			/* IOMMUFD_PAGE_RESP_* */
	struct sim_prg_link *link;	/* the kernel's record of the group, NULL once answered */
};

/* What the kernel's record of a group knows of its requester. */
struct sim_prg_link {
	struct sim_prg_wait *wait;	/* NULL: nobody waits (posted, or gave up) */
	bool abandoned;			/* the requester gave up: a response is unexpected */
};

/* A page request group a function sends (PCIe PRI Page Request Message). */
struct sim_prg {
	bool pasid_valid;
	uint32_t pasid;
	bool write;
	uint16_t index;			/* the PRG index: 9 bits */
	unsigned int npages;
	uint64_t page[SIM_PRG_MAX_PAGES];	/* page addresses; LAST_PAGE on the last */
	struct sim_prg_wait *wait;	/* NULL: the requester does not wait (posted) */
};

/*
 * The fault path a domain was given (iommufd_fault_iopf_handler()): @p fn
 * sent @p prg through @p handle. @return 0 when queued (wait->link is set
 * for a waiting requester), -ENOSPC when the queue is full.
 */
typedef int sim_iopf_handler_t(struct sim_attach_handle *handle, struct sim_fn *fn,
			       const struct sim_prg *prg);

/*
 * The kernel model answers a group through its sim_prg_link
 * (kernel/sim_eventq.c): the waiting requester wakes (sim->prq_cond) with
 * done and code set; one that gave up sees an unexpected response.
 */

/*
 * What a translation fault of a function with PRI does (the caller's
 * choice): POST, the synchronous DMA port (pdk_sim_fn_dma(), pdk-sim-dma,
 * which cannot wait from the caller's thread): the fault is recorded and
 * a one-page request is posted to the fault queue, nobody waits for it;
 * DEFER: nothing recorded, -EAGAIN, the caller sends a page request it
 * waits for (sim_iommu_page_request()); NONE: an ordinary fault, no
 * request (a DSA WQ without block on fault).
 */
enum sim_prq_mode {
	SIM_PRQ_POST,
	SIM_PRQ_DEFER,
	SIM_PRQ_NONE,
};

/*
 * Send a page request group for the pages of [iova, iova + len) that do
 * not translate (from the first, up to SIM_PRG_MAX_PAGES and the PRI
 * outstanding capacity) and wait, the sim's lock dropped, for its
 * response, for cfg.prs_timeout_ms, or until *@p stop or the attachment
 * leaves (a detach or replace: the kernel then answers INVALID).
 * @return 0 on SUCCESS (the caller translates again), else -EFAULT with
 * the fault recorded (why: INVALID, timeout, no room).
 */
int sim_iommu_page_request(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
			   uint64_t len, bool write, const bool *stop);

/* A paging domain (struct iommu_domain): what an attached function's accesses translate through. */
struct sim_domain {
	struct sim_iopt *iopt;		/* the IO page table it mirrors */
	uint64_t aperture_last;
	sim_iopf_handler_t *iopf_handler;	/* NULL: a fault is only logged */
	bool pasid;			/* allocated for PASIDs (IOMMU_HWPT_ALLOC_PASID) */
};

/* What the IOMMU has programmed for one (group, PASID) (struct iommu_attach_handle). */
struct sim_attach_handle {
	uint32_t pasid;			/* 0 is the RID (IOMMU_NO_PASID) */
	struct sim_domain *domain;
	unsigned int users;	/* device work in flight through it (sim_iommu_handle_pin()) */
	bool leaving;		/* a detach or replace waits for its users: no new access */
	struct sim_attach_handle *next;
};

/* An IOMMU group (struct iommu_group): functions the IOMMU cannot tell apart. */
struct sim_group {
	uint32_t number;
	void *owner;			/* the DMA owner (an iommufd context), NULL when none */
	unsigned int owner_cnt;		/* bound devices of that owner */
	unsigned int refs;		/* functions in the group */
	struct sim_attach_handle *attach;
	struct sim_group *next;
};

/*
 * A function joins the group numbered @p number (0: a new one of its own),
 * made if needed (the IOMMU's device_group()). NULL: -ENOMEM.
 */
struct sim_group *sim_iommu_group_get(struct pdk_sim *sim, uint32_t number);
/* A function leaves @p grp: the last one frees it. */
void sim_iommu_group_put(struct pdk_sim *sim, struct sim_group *grp);

/* A paging domain of the sim's IOMMU kind, mirroring @p iopt; @p pasid: allocated for PASIDs. */
void sim_domain_init(struct sim_domain *domain, const struct pdk_sim *sim, struct sim_iopt *iopt,
		     bool pasid);

/*
 * Program @p handle: @p domain for @p grp at @p pasid (0: the RID).
 * Replace and detach want no device work pinning the handle
 * (sim_iommu_handle_pin()): the kernel model first waits for it with
 * sim_iommu_handle_wait() until handle->users is 0, so that once they
 * return no access or completion of work begun before lands in the old
 * address space.
 */
void sim_iommu_attach(struct sim_group *grp, struct sim_attach_handle *handle, uint32_t pasid,
		      struct sim_domain *domain);
/* The domain of @p handle becomes @p domain, with no moment of none (a replace). */
void sim_iommu_replace(struct sim_attach_handle *handle, struct sim_domain *domain);
void sim_iommu_detach(struct sim_group *grp, struct sim_attach_handle *handle);
/* The handle of (@p grp, @p pasid), NULL when nothing is attached there. */
struct sim_attach_handle *sim_iommu_attach_find(struct sim_group *grp, uint32_t pasid);

/* ---- the DMA API of the device models (sim_iommu.c) ---- */

/*
 * Process pages a device model found present (mincore()) and trusts until
 * it empties the cache. The check guards against a process that unmapped
 * memory still mapped in an IOAS (the sim cannot keep pinned pages), and is
 * a syscall: a model that touches the same pages many times for one unit of
 * work (the DSA engine, per descriptor taken from a WQ: a batch and its
 * records) checks each once. A munmap made before that work began is still
 * caught; one racing with it never was.
 */
#define SIM_VA_CACHE_MAX 8u
struct sim_va_cache {
	unsigned int n;
	unsigned int next;	/* the entry a new range replaces when full */
	struct {
		uint64_t start;	/* page-aligned */
		uint64_t end;
	} r[SIM_VA_CACHE_MAX];
};

static inline void
sim_va_cache_reset(struct sim_va_cache *vc)
{
	vc->n = 0;
	vc->next = 0;
}

/*
 * One device access through the IOMMU. On a fault nothing moves, the fault
 * is recorded and *fault_iova says where. @p vc may be NULL (check every
 * page). @return 0, -EFAULT (IOMMU fault), -EAGAIN (@p mode DEFER: a page
 * request is the caller's to send) or -EINVAL (the function cannot emit
 * that PASID). sim_iommu_dma() is SIM_PRQ_POST.
 */
int sim_iommu_dma(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		  void *buf, size_t len, bool to_memory, uint64_t *fault_iova);
int sim_iommu_dma_vc(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		     void *buf, size_t len, bool to_memory, struct sim_va_cache *vc,
		     enum sim_prq_mode mode, uint64_t *fault_iova);

/*
 * Translate and check a device access as sim_iommu_dma() does (a refusal is
 * recorded the same way) without moving a byte, so a model can check both
 * sides of a copy before it starts. *host is the process address of the
 * range when it is contiguous there (one mapping), else NULL; it is valid
 * only while the sim's lock stays held.
 */
int sim_iommu_map(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, size_t len,
		  bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode, uint8_t **host,
		  uint64_t *fault_iova);

/*
 * Pinned accesses: a model may move the bytes of a translated range with
 * the sim's lock dropped (so devices copy in parallel, as engines do), as
 * the kernel's iommufd lets a DMA use an area's pages while an access
 * holds them (io_pagetable.c iopt_unmap_iova_range() waits for
 * area->num_accesses to drop; doc/sim.md, "the engine and the lock").
 * sim_iommu_map_pin() is sim_iommu_map() that, when *host is set, also
 * takes a user on the one area holding the range (*area); the model
 * moves the bytes, retakes the lock and calls sim_iommu_unpin(). An
 * unmap (or IOAS destroy) that meets an area in use marks it (new
 * translations fault: "IOVA range being unmapped") and waits until its
 * users drop, so no byte moves there after the unmap returned.
 *
 * The attachment the work goes through is pinned the same way, for all
 * of one unit of work (a descriptor and its completion record):
 * sim_iommu_handle_pin() returns the handle the (PASID) tag selects,
 * NULL when none; a detach or replace waits for it.
 */
int sim_iommu_map_pin(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		      size_t len, bool to_memory, struct sim_va_cache *vc, enum sim_prq_mode mode,
		      uint8_t **host, struct sim_area **area, uint64_t *fault_iova);
void sim_iommu_unpin(struct pdk_sim *sim, struct sim_area *area);
struct sim_attach_handle *sim_iommu_handle_pin(struct sim_fn *fn, bool pasid_valid,
					       uint32_t pasid);
void sim_iommu_handle_unpin(struct pdk_sim *sim, struct sim_attach_handle *handle);
/*
 * Mark @p handle leaving (new work through it faults) and wait once, the
 * sim's lock dropped, for a pin on it to drop. The handle may be gone on
 * return (another detach): the caller looks it up again and calls this
 * until handle->users is 0, then detaches or replaces it with the lock
 * held throughout (sim_iommu_replace() clears the mark).
 */
void sim_iommu_handle_wait(struct sim_attach_handle *handle);
/*
 * Mark @p area unmapping (new accesses fault) and wait once, the sim's lock
 * dropped, for a user of it to drop. The area may be gone on return
 * (another unmap): the caller looks it up again and calls this until it has
 * no user.
 */
void sim_iopt_area_wait_idle(struct sim_iopt *iopt, struct sim_area *area);

/*
 * sim_iommu_dma() of a memory write whose first byte is a status a poller
 * waits on (a DSA completion record): bytes 1..len-1 are written first, then
 * byte 0 with a release store, so a poller that reads byte 0 with acquire
 * order sees the rest.
 */
int sim_iommu_dma_write_status_last(struct sim_fn *fn, bool pasid_valid, uint32_t pasid,
				    uint64_t iova, const void *buf, size_t len,
				    struct sim_va_cache *vc, uint64_t *fault_iova);

#endif /* SIM_IOMMU_H */
