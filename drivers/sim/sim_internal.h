/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_INTERNAL_H
#define SIM_INTERNAL_H

/*
 * The simulated kernel's internals. The layout follows the kernel's
 * drivers/iommu/iommufd: one object model (every object embeds a struct
 * sim_obj), one file per object kind, a table-driven ioctl dispatcher. The
 * VFIO cdev layer sits on top of the iommufd "device" API exactly as
 * drivers/vfio/iommufd.c does, so the kernel's quirks (PASID 0 through the
 * PASID flag, attach-again-is-replace) come out of the same two layers.
 *
 * Everything here runs with sim->lock held unless a comment says otherwise:
 * one mutex per sim, taken by every entry point (boundary ops, DMA port,
 * stats), so device-model threads may call the DMA port at any time.
 */

#include <endian.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "pdk_log.h"
#include "pdk_sim.h"
#include "pdk_sys_backend.h"
#include "pdk_uapi.h"

#define SIM_PAGE_SIZE		4096ULL
#define SIM_ULONG_MAX		UINT64_MAX	/* ULONG_MAX of the 64-bit kernel we model */
#define SIM_MAX_PASID_BITS	20		/* PCIe PASID width limit */
#define SIM_BAR0_SIZE		4096u		/* BAR0 of every model so far */
#define SIM_NUM_BARS		6u
#define SIM_CFG_SIZE		4096u		/* PCIe: 256-byte header + extended */
#define SIM_MSIX_VECTORS	4u
#define SIM_MSIX_TABLE_OFF	0x800u		/* MSI-X table inside BAR0 */
#define SIM_MSIX_PBA_OFF	0xc00u
#define SIM_FAULT_LOG_MAX	1024u		/* faults kept for pdk_sim_fault_pop() */
#define SIM_FAULTQ_MAX		256u		/* groups pending in one fault queue */
#define SIM_REGION_SHIFT	PDK_VFIO_PCI_OFFSET_SHIFT
#define SIM_REGION_MASK		((1ULL << SIM_REGION_SHIFT) - 1)

#define SIM_LOG(level, ...) PDK_LOG(level, "sim", __VA_ARGS__)

/*
 * A public sim call's argument check: when @p ptr is NULL, log the call
 * (@p op), what is wrong (@p why) and the fix at ERR, and return @p ret
 * (-EINVAL, or the neutral value the header documents; empty for void).
 * (sim_err() below is for the rules of the simulated kernel, which the
 * kernel does not log; a caller's NULL is PDK's own refusal, at ERR.)
 */
#define SIM_ARG_CHECK(ptr, op, why, fix, ret)					\
	do {									\
		if ((ptr) == NULL) {						\
			SIM_LOG(ERR, "simulated kernel: %s: %s: %s; %s", op, why,	\
				strerror(EINVAL), fix);				\
			return ret;						\
		}								\
	} while (0)

/*
 * Every rule the sim enforces returns through sim_err() so that a test that
 * hits one can see, at DEBUG, which rule it was. The kernel itself logs
 * nothing for these, so neither level is higher than DEBUG.
 */
int sim_err(int rc, const char *op, const char *why);

/* ---- object model (sim_obj.c) ---- */

enum sim_obj_type {
	SIM_OBJ_ANY = 0,
	SIM_OBJ_IOAS,
	SIM_OBJ_HWPT,		/* IOMMUFD_OBJ_HWPT_PAGING: the only HWPT kind simulated */
	SIM_OBJ_DEVICE,
	SIM_OBJ_FAULT,
};

/* The common header of every iommufd object (struct iommufd_object). */
struct sim_obj {
	enum sim_obj_type type;
	uint32_t id;
	/* References other than the id table's: IOMMU_DESTROY is -EBUSY while > 0. */
	unsigned int users;
};

struct sim_ctx;
struct sim_fn;
struct sim_portal;
struct sim_hwpt;
struct sim_fault_queue;

int sim_obj_insert(struct sim_ctx *ctx, struct sim_obj *obj, enum sim_obj_type type);
struct sim_obj *sim_obj_find(struct sim_ctx *ctx, uint32_t id, enum sim_obj_type type);
void sim_obj_remove(struct sim_ctx *ctx, struct sim_obj *obj);
/* The object with the lowest id > @after of @type (ANY: any), or NULL. */
struct sim_obj *sim_obj_next(struct sim_ctx *ctx, uint32_t after, enum sim_obj_type type);

/* ---- iommufd context (sim_iommufd.c) ---- */

struct sim_ctx {
	struct pdk_sim *sim;
	/* Holders: the iommufd fd, each bound device, each open fault fd. */
	unsigned int refs;
	struct sim_obj **objs;	/* objs[id - 1] */
	uint32_t nobjs;		/* capacity of objs */
	struct sim_ctx *next;
};

struct sim_ctx *sim_ctx_new(struct pdk_sim *sim);
void sim_ctx_get(struct sim_ctx *ctx);
void sim_ctx_put(struct sim_ctx *ctx);

/* One ioctl in flight: a kernel-side copy of the user's struct. */
struct sim_ucmd {
	struct sim_ctx *ctx;
	void *cmd;		/* the op's struct, zero-extended to its full size */
	uint32_t user_size;
	bool respond;		/* copy cmd back to the user (iommufd_ucmd_respond) */
};

static inline void
sim_ucmd_respond(struct sim_ucmd *uc)
{
	uc->respond = true;
}

int sim_iommufd_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg);
int sim_destroy_obj(struct sim_ctx *ctx, struct sim_obj *obj);

/* ---- IOAS (sim_ioas.c) ---- */

struct sim_area {
	uint64_t iova;
	uint64_t length;
	uint64_t user_va;
	uint32_t prot;		/* IOMMU_IOAS_MAP_READABLE | _WRITEABLE */
	uint64_t pinned;	/* pages pinned for it (0 while the IOAS has no domain) */
	struct sim_area *next;	/* sorted by iova */
};

struct sim_resv {
	uint64_t start;
	uint64_t last;
	const void *owner;	/* a sim_hwpt (aperture) or a sim_fn (device regions) */
	struct sim_resv *next;
};

struct sim_ioas {
	struct sim_obj obj;
	struct sim_ctx *ctx;
	struct sim_area *areas;
	struct sim_resv *resv;
	struct iommu_iova_range *allowed;	/* IOMMU_IOAS_ALLOW_IOVAS, sorted */
	unsigned int nallowed;
	unsigned int ndomains;			/* HWPTs allocated on this IOAS */
	uint64_t iova_alignment;		/* 1 without a domain, the page size with one */
};

int sim_ioas_ioctl_alloc(struct sim_ucmd *uc);
int sim_ioas_ioctl_map(struct sim_ucmd *uc);
int sim_ioas_ioctl_unmap(struct sim_ucmd *uc);
int sim_ioas_ioctl_iova_ranges(struct sim_ucmd *uc);
int sim_ioas_ioctl_allow_iovas(struct sim_ucmd *uc);
void sim_ioas_destroy(struct sim_ioas *ioas);
int sim_ioas_add_domain(struct sim_ioas *ioas, struct sim_hwpt *hwpt);
void sim_ioas_remove_domain(struct sim_ioas *ioas, struct sim_hwpt *hwpt);
int sim_ioas_reserve_dev(struct sim_ioas *ioas, struct sim_fn *fn);
void sim_ioas_unreserve(struct sim_ioas *ioas, const void *owner);
/* mincore(): every page of [va, va + len) is mapped in the process. @return 0 or -EFAULT. */
int sim_va_present(uint64_t va, uint64_t len);

/*
 * The kernel's copy_from_user(), copy_to_user() and clear_user() for the
 * pointers inside ioctl structs: through process_vm_readv/writev on our own
 * process, so a pointer to memory that is not mapped, or not writable, is
 * -EFAULT as from the kernel instead of a crash of the sim's caller.
 * @return 0 or -EFAULT (nothing or part was copied).
 */
int sim_copy_from_user(void *dst, uint64_t uptr, size_t len);
int sim_copy_to_user(uint64_t uptr, const void *src, size_t len);
int sim_clear_user(uint64_t uptr, uint64_t len);
/* The area holding @iova, or NULL. */
struct sim_area *sim_ioas_area_at(struct sim_ioas *ioas, uint64_t iova);

/* ---- HWPT (sim_hwpt.c) ---- */

struct sim_hwpt {
	struct sim_obj obj;
	struct sim_ioas *ioas;
	struct sim_fault_queue *fault;
	uint32_t flags;		/* IOMMU_HWPT_ALLOC_* it was made with */
	bool pasid_compat;	/* IOMMU_HWPT_ALLOC_PASID */
	bool auto_domain;	/* made by an attach to an IOAS; dies with its last attachment */
};

int sim_hwpt_ioctl_alloc(struct sim_ucmd *uc);
int sim_hwpt_paging_alloc(struct sim_ctx *ctx, struct sim_ioas *ioas, uint32_t flags,
			  struct sim_hwpt **out);
void sim_hwpt_destroy(struct sim_hwpt *hwpt);
/* Drop an attachment's reference; an automatic HWPT dies with its last one. */
void sim_hwpt_put(struct sim_hwpt *hwpt);

/* ---- iommufd device objects and attachments (sim_device.c) ---- */

struct sim_device {
	struct sim_obj obj;
	struct sim_ctx *ctx;
	struct sim_fn *fn;
};

/* One (IOMMU group, PASID) attachment: igroup->pasid_attach[pasid]. */
struct sim_attach {
	uint32_t pasid;		/* 0 is the RID (IOMMU_NO_PASID) */
	struct sim_hwpt *hwpt;
	struct sim_device **devs;
	unsigned int ndevs;
	struct sim_attach *next;
};

struct sim_group {
	uint32_t number;
	struct sim_ctx *owner;	/* context of the bound devices, NULL when none */
	unsigned int nbound;
	struct sim_attach *attach;
	struct sim_group *next;
};

int sim_device_bind(struct sim_ctx *ctx, struct sim_fn *fn, struct sim_device **out);
void sim_device_unbind(struct sim_device *idev);
int sim_device_attach(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id);
int sim_device_replace(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id);
void sim_device_detach(struct sim_device *idev, uint32_t pasid);
int sim_device_ioctl_hw_info(struct sim_ucmd *uc);
struct sim_attach *sim_group_attach_find(struct sim_group *grp, uint32_t pasid);
/* PASIDs the function can use: min(function, IOMMU) width, 0 without PASID. */
unsigned int sim_fn_max_pasid_log2(const struct sim_fn *fn);

/* ---- fault queues (sim_eventq.c) ---- */

struct sim_fault_group {
	struct iommu_hwpt_pgfault rec;
	struct sim_fault_group *next;
};

struct sim_fault_queue {
	struct sim_obj obj;
	struct sim_ctx *ctx;
	struct sim_fault_group *deliver;	/* not yet read, oldest first */
	unsigned int ndeliver;
	struct sim_fault_group *response;	/* read, waiting for a page response */
	uint32_t next_grpid;
	uint64_t dropped;
};

int sim_fault_ioctl_alloc(struct sim_ucmd *uc);
void sim_fault_destroy(struct sim_fault_queue *fq);
void sim_fault_queue_report(struct sim_fault_queue *fq, const struct sim_device *idev,
			    bool pasid_valid, uint32_t pasid, uint64_t iova, bool write);
/* Auto-respond (drop) the groups of @dev_id/@pasid, as detach does. */
void sim_fault_queue_flush(struct sim_fault_queue *fq, uint32_t dev_id, uint32_t pasid);
ssize_t sim_fault_read(struct sim_fault_queue *fq, void *buf, size_t len);
ssize_t sim_fault_write(struct sim_fault_queue *fq, const void *buf, size_t len);

/* ---- files and fds (sim_fd.c) ---- */

enum sim_file_kind {
	SIM_FILE_IOMMUFD,
	SIM_FILE_DEVICE,
	SIM_FILE_FAULT,
};

/* What an fd points at; outlives the fd while a BAR mmap holds it. */
struct sim_file {
	enum sim_file_kind kind;
	unsigned int refs;	/* the fd + each mmap */
	union {
		struct sim_ctx *ctx;			/* IOMMUFD */
		struct {
			struct sim_fn *fn;
			bool access_granted;		/* bound through this file */
			uint64_t pos;			/* read()/write() position */
		} dev;					/* DEVICE */
		struct sim_fault_queue *fault;		/* FAULT */
	};
};

struct sim_fd {
	int fd;
	struct sim_file *file;
};

struct sim_mmap {
	void *addr;
	size_t len;
	struct sim_file *file;
};

struct sim_file *sim_file_new(struct pdk_sim *sim, enum sim_file_kind kind);
void sim_file_put(struct pdk_sim *sim, struct sim_file *file);
/* Reserve a real fd number for @file. @return the fd or -errno (file untouched). */
int sim_fd_install(struct pdk_sim *sim, struct sim_file *file);
struct sim_file *sim_fd_lookup(struct pdk_sim *sim, int fd);
int sim_fd_close(struct pdk_sim *sim, int fd);
int sim_mmap_add(struct pdk_sim *sim, void *addr, size_t len, struct sim_file *file);
int sim_mmap_remove(struct pdk_sim *sim, void *addr, size_t len);
/* true when [va, va + len) overlaps a BAR mapping the sim handed out. */
bool sim_mmap_overlaps(struct pdk_sim *sim, uint64_t va, uint64_t len);

/* ---- device models: identity, BARs and behaviour of a function ---- */

struct sim_dsa;

/*
 * What a model is: its PCI identity, which BARs it implements, and hooks
 * into the generic BAR and reset paths. Every hook runs with sim->lock held.
 * A host write to a BAR first lands the bits wmask() allows (all of them
 * when wmask is NULL), then written() sees the whole write, so a model can
 * act on doorbells or consume writes it does not store (DSA portals).
 */
struct sim_model {
	const char *name;		/* for logs: "pdk-sim-dma" */
	uint16_t vendor_id;
	uint16_t device_id;
	uint32_t class_code;		/* base, sub-class, prog-if */
	uint32_t bar_size[SIM_NUM_BARS];	/* 0: not implemented; BAR0 always is */
	int (*init)(struct sim_fn *fn);		/* at creation; may be NULL */
	void (*fini)(struct sim_fn *fn);	/* before the BARs are freed; may be NULL */
	/* Power-on state; also at bind, last close and VFIO_DEVICE_RESET. */
	void (*reset)(struct sim_fn *fn);
	uint8_t (*wmask)(const struct sim_fn *fn, unsigned int bar, uint64_t off);
	void (*written)(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *buf,
			size_t len);
	/*
	 * A 64-byte store at @p off of a BAR in store64_bars, which the model
	 * consumes without storing (a DSA portal): the hook mmio_resolve hands
	 * the host (sim_vfio_mmio_resolve()), so that a descriptor reaches the
	 * model with the checks a pwrite there gets from written(), and
	 * without a boundary call. NULL (or a BAR not in store64_bars): the
	 * host is told to map the BAR, as the kernel tells it.
	 */
	void (*store64)(struct sim_fn *fn, unsigned int bar, uint64_t off, const void *src);
	uint32_t store64_bars;		/* bit per BAR */
};

extern const struct sim_model sim_model_simdma;
extern const struct sim_model sim_model_plain;
extern const struct sim_model sim_model_dsa;

/* A BAR: a memfd so that a user's mmap and the model see the same bytes. */
struct sim_bar {
	uint32_t size;			/* 0: not implemented */
	int memfd;
	uint8_t *mem;			/* the sim's own mapping */
};

/* ---- PCI functions, config space, sysfs (sim_pci.c, sim_sysfs.c) ---- */

struct sim_fn {
	struct pdk_sim *sim;
	char addr[16];
	struct pdk_sim_fn_config cfg;	/* cfg.pci_addr points at addr */
	const struct sim_model *model;
	struct sim_group *group;
	int vfio_index;			/* N of vfioN, -1 when not bound to vfio-pci */
	uint8_t config[SIM_CFG_SIZE];
	struct sim_bar bar[SIM_NUM_BARS];
	struct sim_dsa *dsa;		/* PDK_SIM_MODEL_DSA state, else NULL */

	/* VFIO layer (struct vfio_device): the one file bound to it */
	struct sim_file *bound_file;
	struct sim_device *idev;
	bool rid_attached;		/* vdev->iommufd_attached */
	uint32_t *pasids;		/* vdev->pasids IDA */
	unsigned int npasids;
	unsigned int cap_pasids;
	int msix_fd[SIM_MSIX_VECTORS];	/* dup of the user's eventfds, -1 when none */
	bool msix_enabled;
	int err_fd;
	int req_fd;
	struct sim_fn *next;
};

/*
 * Make a function from @p cfg. A refused configuration returns its errno
 * with the reason, in the user's terms, in *@p why (when not NULL).
 */
int sim_fn_create(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg,
		  struct sim_fn **out, const char **why);
void sim_fn_free(struct sim_fn *fn);
struct sim_fn *sim_fn_by_addr(struct pdk_sim *sim, const char *addr);
struct sim_fn *sim_fn_by_vfio(struct pdk_sim *sim, int index);
void sim_pci_enable(struct sim_fn *fn);
void sim_pci_disable(struct sim_fn *fn);
/* The model's power-on state (VFIO_DEVICE_RESET, bind, last close). */
void sim_pci_reset(struct sim_fn *fn);
int sim_pci_config_rw(struct sim_fn *fn, void *buf, size_t len, uint64_t pos, bool write);
uint16_t sim_pci_command(const struct sim_fn *fn);
void sim_pci_msix_set_enable(struct sim_fn *fn, bool on);
/* (PCI addresses are parsed by pdk_sys_pci_addr_parse(), PDK's one parser.) */

int sim_fs_open(struct pdk_sim *sim, const char *path);
int sim_fs_list_dir(struct pdk_sim *sim, const char *path, pdk_sys_dir_cb_t cb, void *arg);
ssize_t sim_fs_read_file(struct pdk_sim *sim, const char *path, char *buf, size_t len);
ssize_t sim_fs_link_name(struct pdk_sim *sim, const char *path, char *buf, size_t len);

/* ---- VFIO device cdev (sim_vfio.c) ---- */

int sim_vfio_ioctl(struct sim_file *file, unsigned long cmd, void *arg);
ssize_t sim_vfio_rw(struct sim_file *file, void *buf, size_t len, uint64_t off, bool write);
int sim_vfio_mmap(struct sim_file *file, size_t len, int prot, uint64_t off, void **addr);
void sim_vfio_release(struct sim_file *file);
void sim_vfio_signal_msix(struct sim_fn *fn, unsigned int vector);
/* mmio_resolve/mmio_release of a device fd: a model's store64 hook (struct sim_portal). */
int sim_vfio_mmio_resolve(struct sim_file *file, uint64_t off, struct pdk_sys_mmio *mmio);
int sim_vfio_mmio_release(struct pdk_sim *sim, void *cookie);

/* ---- IOMMU translation and DMA port (sim_iommu.c) ---- */

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
 * page). @return 0, -EFAULT (IOMMU fault) or -EINVAL (the function cannot
 * emit that PASID).
 */
int sim_iommu_dma(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		  void *buf, size_t len, bool to_memory, uint64_t *fault_iova);
int sim_iommu_dma_vc(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		     void *buf, size_t len, bool to_memory, struct sim_va_cache *vc,
		     uint64_t *fault_iova);

/*
 * Translate and check a device access as sim_iommu_dma() does (a refusal is
 * recorded the same way) without moving a byte, so a model can check both
 * sides of a copy before it starts. *host is the process address of the
 * range when it is contiguous there (one mapping), else NULL; it is valid
 * only while the sim's lock stays held.
 */
int sim_iommu_map(struct sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova, size_t len,
		  bool to_memory, struct sim_va_cache *vc, uint8_t **host, uint64_t *fault_iova);

/*
 * sim_iommu_dma() of a memory write whose first byte is a status a poller
 * waits on (a DSA completion record): bytes 1..len-1 are written first, then
 * byte 0 with a release store, so a poller that reads byte 0 with acquire
 * order sees the rest.
 */
int sim_iommu_dma_write_status_last(struct sim_fn *fn, bool pasid_valid, uint32_t pasid,
				    uint64_t iova, const void *buf, size_t len,
				    struct sim_va_cache *vc, uint64_t *fault_iova);

/* Reserved regions of the simulated IOMMU kind, for a RID attach. */
struct sim_resv_region {
	uint64_t start;
	uint64_t last;
};
unsigned int sim_iommu_resv_regions(const struct pdk_sim *sim, const struct sim_resv_region **out);
uint64_t sim_iommu_aperture_last(const struct pdk_sim *sim);
const char *sim_iommu_name(enum pdk_sim_iommu kind);

/*
 * Little-endian registers in BAR0 (the register file of every model), shared
 * by the models. @p off must leave room for the access inside the BAR.
 */
static inline uint32_t
sim_reg_rd32(const struct sim_fn *fn, uint64_t off)
{
	uint32_t v;

	memcpy(&v, fn->bar[0].mem + off, sizeof(v));
	return le32toh(v);
}

static inline uint64_t
sim_reg_rd64(const struct sim_fn *fn, uint64_t off)
{
	uint64_t v;

	memcpy(&v, fn->bar[0].mem + off, sizeof(v));
	return le64toh(v);
}

static inline void
sim_reg_wr32(struct sim_fn *fn, uint64_t off, uint32_t v)
{
	v = htole32(v);
	memcpy(fn->bar[0].mem + off, &v, sizeof(v));
}

static inline void
sim_reg_wr64(struct sim_fn *fn, uint64_t off, uint64_t v)
{
	v = htole64(v);
	memcpy(fn->bar[0].mem + off, &v, sizeof(v));
}

/* true when a host access [off, off + len) touches [reg, reg + size). */
static inline bool
sim_reg_touched(uint64_t off, size_t len, uint64_t reg, size_t size)
{
	return len > 0 && off < reg + size && reg < off + len;
}

/* ---- the instance (sim.c) ---- */

struct pdk_sim {
	struct pdk_sys sys;
	pthread_mutex_t lock;
	struct pdk_sim_config cfg;

	struct sim_fn *fns;		/* creation order */
	int next_vfio;
	struct sim_group *groups;
	struct sim_ctx *ctxs;

	struct sim_fd *fds;
	unsigned int nfds;
	unsigned int cap_fds;
	struct sim_mmap *mmaps;
	unsigned int nmmaps;
	unsigned int cap_mmaps;
	struct sim_portal *portals;	/* store64 hooks handed out (sim_vfio.c) */

	struct pdk_sim_fault faults[SIM_FAULT_LOG_MAX];
	unsigned int fault_head;	/* oldest */
	unsigned int fault_count;
	uint64_t faults_dropped;

	struct pdk_sim_stats st;	/* live counters, kept up to date */

	uint64_t fail_nth;		/* 0: disarmed */
	int fail_err;
	bool fail_fired;
};

void sim_fault_record(struct pdk_sim *sim, const struct sim_fn *fn, bool pasid_valid,
		      uint32_t pasid, uint64_t iova, bool write, const char *reason);

extern const struct pdk_sys_ops sim_sys_ops;
/* the "sim" entry of lib/sys's backend registry (sim.c) */
extern const struct pdk_sys_backend sim_backend;

static inline uint64_t
sim_pages_spanned(uint64_t va, uint64_t len)
{
	uint64_t first = va / SIM_PAGE_SIZE;
	uint64_t last = (va + len - 1) / SIM_PAGE_SIZE;

	return last - first + 1;
}

static inline bool
sim_ranges_overlap(uint64_t a_start, uint64_t a_last, uint64_t b_start, uint64_t b_last)
{
	return a_start <= b_last && b_start <= a_last;
}

#endif /* SIM_INTERNAL_H */
