/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

/*
 * The simulated kernel's model of the kernel (a simulation, not a kernel).
 * The layout follows the kernel's drivers/iommu/iommufd: one object model
 * (every object embeds a struct sim_obj and points at its kind's ops), one
 * file per object kind, a table-driven ioctl dispatcher. The VFIO cdev
 * layer sits on top of the iommufd "device" API exactly as
 * drivers/vfio/iommufd.c does, so the kernel's quirks (PASID 0 through the
 * PASID flag, attach-again-is-replace) come out of the same two layers.
 * Below, it programs the IOMMU (iommu/sim_iommu.h) and drives the PCI
 * functions (devices/sim_devices.h).
 */

#include "../sim.h"
#include "../devices/sim_devices.h"
#include "../iommu/sim_iommu.h"
#include "pdk_uapi.h"

#define SIM_FAULTQ_MAX		256u		/* groups pending in one fault queue */
#define SIM_REGION_SHIFT	PDK_VFIO_PCI_OFFSET_SHIFT
#define SIM_REGION_MASK		((1ULL << SIM_REGION_SHIFT) - 1)

struct sim_fault_queue;

/* ---- the object model and contexts (sim_obj.c) ---- */

enum sim_obj_type {
	SIM_OBJ_ANY = 0,
	SIM_OBJ_IOAS,
	SIM_OBJ_HWPT,		/* IOMMUFD_OBJ_HWPT_PAGING: the only HWPT kind simulated */
	SIM_OBJ_DEVICE,
	SIM_OBJ_FAULT,
};

struct sim_obj;

/*
 * What differs between object kinds, defined beside each kind's code
 * (struct iommufd_object_ops). Each object points at its kind's ops, so
 * the object table calls a kind without knowing it.
 */
struct sim_obj_ops {
	enum sim_obj_type type;
	const char *name;		/* for logs: "IOAS" */
	/*
	 * Free the object and what it holds, unreferenced (users == 0). NULL:
	 * not destroyable by id (a device object goes with its VFIO unbind).
	 */
	void (*destroy)(struct sim_obj *obj);
};

/* The common header of every iommufd object (struct iommufd_object). */
struct sim_obj {
	const struct sim_obj_ops *ops;
	uint32_t id;
	/* References other than the id table's: IOMMU_DESTROY is -EBUSY while > 0. */
	unsigned int users;
};

/* An iommufd context (struct iommufd_ctx): the object table. */
struct sim_ctx {
	struct pdk_sim *sim;
	/* Holders: the iommufd fd, each bound device, each open fault fd. */
	unsigned int refs;
	struct sim_obj **objs;	/* objs[id - 1] */
	uint32_t nobjs;		/* capacity of objs */
	struct sim_ctx *next;
	/* iommufd's VFIO compat container (ictx->vfio_ioas), NULL until a group sets it */
	struct sim_container *vfio_compat;
};

struct sim_ctx *sim_ctx_new(struct pdk_sim *sim);
void sim_ctx_get(struct sim_ctx *ctx);
/* The last holder gone, every object is destroyed, dependents first. */
void sim_ctx_put(struct sim_ctx *ctx);

int sim_obj_insert(struct sim_ctx *ctx, struct sim_obj *obj, const struct sim_obj_ops *ops);
struct sim_obj *sim_obj_find(struct sim_ctx *ctx, uint32_t id, enum sim_obj_type type);
void sim_obj_remove(struct sim_ctx *ctx, struct sim_obj *obj);
/* The object with the lowest id > @after of @type (ANY: any), or NULL. */
struct sim_obj *sim_obj_next(struct sim_ctx *ctx, uint32_t after, enum sim_obj_type type);
/* IOMMU_DESTROY and context teardown: -EBUSY while referenced or not destroyable by id. */
int sim_obj_destroy(struct sim_obj *obj);

/* ---- the ioctl dispatcher and /dev/iommu (sim_iommufd.c) ---- */

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

/* open("/dev/iommu"): a new context behind a new fd. @return the fd or -errno. */
int sim_iommufd_open(struct pdk_sim *sim);
/* The context of an iommufd file (iommufd_ctx_from_file()), NULL for another kind. */
struct sim_ctx *sim_iommufd_ctx_from_file(struct sim_file *file);

/* ---- user memory (sim_uaccess.c) ---- */

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

/* ---- IOAS (sim_ioas.c) ---- */

struct sim_ioas {
	struct sim_obj obj;
	struct sim_ctx *ctx;
	struct sim_iopt iopt;
};

/* A new IOAS in @p ctx, for IOMMU_IOAS_ALLOC and the kernel's own users (a VFIO container). */
int sim_ioas_new(struct sim_ctx *ctx, struct sim_ioas **out);
int sim_ioas_ioctl_alloc(struct sim_ucmd *uc);
int sim_ioas_ioctl_map(struct sim_ucmd *uc);
int sim_ioas_ioctl_unmap(struct sim_ucmd *uc);
int sim_ioas_ioctl_iova_ranges(struct sim_ucmd *uc);
int sim_ioas_ioctl_allow_iovas(struct sim_ucmd *uc);

/* ---- HWPT (sim_hwpt.c) ---- */

struct sim_hwpt {
	struct sim_obj obj;
	struct sim_ioas *ioas;
	struct sim_domain domain;	/* what the IOMMU translates through */
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

/*
 * One (IOMMU group, PASID) attachment: igroup->pasid_attach[pasid]. The
 * IOMMU's handle says which domain; iommufd adds which devices.
 */
struct sim_attach {
	struct sim_attach_handle handle;
	struct sim_device **devs;
	unsigned int ndevs;
};

static inline struct sim_attach *
sim_attach_of(struct sim_attach_handle *handle)
{
	return sim_container_of(handle, struct sim_attach, handle);
}

/* The HWPT an attachment is attached to: the one whose domain the IOMMU was given. */
static inline struct sim_hwpt *
sim_attach_hwpt(const struct sim_attach *att)
{
	return sim_container_of(att->handle.domain, struct sim_hwpt, domain);
}

int sim_device_bind(struct sim_ctx *ctx, struct sim_fn *fn, struct sim_device **out);
void sim_device_unbind(struct sim_device *idev);
int sim_device_attach(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id);
int sim_device_replace(struct sim_device *idev, uint32_t pasid, uint32_t *pt_id);
void sim_device_detach(struct sim_device *idev, uint32_t pasid);
int sim_device_ioctl_hw_info(struct sim_ucmd *uc);

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
/* The IOMMU's fault path of a HWPT with a fault queue (struct sim_domain's iopf_handler). */
sim_iopf_handler_t sim_fault_iopf_handler;
/* Queue one group of one record (@p rec, LAST_PAGE set), as the handler does. */
void sim_fault_queue_report(struct sim_fault_queue *fq, const struct iommu_hwpt_pgfault *rec);
/* Auto-respond (drop) the groups of @dev_id/@pasid, as detach does. */
void sim_fault_queue_flush(struct sim_fault_queue *fq, uint32_t dev_id, uint32_t pasid);

/* ---- files, fds and BAR mappings (sim_fd.c) ---- */

/*
 * What differs between file kinds, defined beside each kind's code (the
 * kernel's struct file_operations: iommufd_fops, vfio_device_fops, the
 * fault queue's fops). Every op runs with sim->lock held.
 */
struct sim_file_ops {
	/* What the file is, for logs: "iommufd", "VFIO device 0000:00:04.0". */
	void (*show)(const struct sim_file *file, char *buf, size_t len);
	int (*ioctl)(struct sim_file *file, unsigned long cmd, void *arg);	/* NULL: -ENOTTY */
	/* read() or write() at @p pos; the caller advances file->pos. NULL: -EINVAL. */
	ssize_t (*rw)(struct sim_file *file, void *buf, size_t len, uint64_t pos, bool write);
	bool nonseekable;	/* pread()/pwrite(): -ESPIPE */
	int (*mmap)(struct sim_file *file, size_t len, int prot, uint64_t off,
		    void **addr);					/* NULL: -ENODEV */
	/* The store path of a 64-byte window (pdk_sys_mmio_resolve()). NULL: -ENODEV. */
	int (*mmio_resolve)(struct sim_file *file, uint64_t off, struct pdk_sys_mmio *mmio);
	/* poll(): the ready events. NULL: the kernel's DEFAULT_POLLMASK (include/linux/poll.h). */
	int (*poll)(struct sim_file *file);
	/* The last reference is gone: drop what file->priv holds (the file is freed after). */
	void (*release)(struct sim_file *file);
};

/* What an fd points at; outlives the fd while a BAR mmap holds it. */
struct sim_file {
	const struct sim_file_ops *ops;
	unsigned int refs;	/* the fd + each mmap + a call in flight */
	uint64_t pos;		/* read()/write() position */
	void *priv;		/* the kind's: a sim_ctx, a sim_vfio_file, a sim_fault_queue */
};

struct sim_fd {
	int fd;
	struct sim_file *file;
};

struct sim_file *sim_file_new(struct pdk_sim *sim, const struct sim_file_ops *ops, void *priv);
void sim_file_put(struct pdk_sim *sim, struct sim_file *file);
/* Reserve a real fd number for @file. @return the fd or -errno (file untouched). */
int sim_fd_install(struct pdk_sim *sim, struct sim_file *file);
struct sim_file *sim_fd_lookup(struct pdk_sim *sim, int fd);
int sim_fd_close(struct pdk_sim *sim, int fd);
int sim_mmap_add(struct pdk_sim *sim, void *addr, size_t len, struct sim_file *file);
int sim_mmap_remove(struct pdk_sim *sim, void *addr, size_t len);

/* ---- VFIO device cdev (sim_vfio.c) ---- */

/* vfio-pci's device of a function (struct vfio_pci_core_device): the VFIO layer's state. */
struct sim_vfio_dev {
	struct sim_fn *fn;
	int index;			/* N of vfioN */
	struct sim_file *bound_file;	/* the one file bound to it */
	struct sim_device *idev;
	bool rid_attached;		/* vdev->iommufd_attached */
	uint32_t *pasids;		/* vdev->pasids IDA */
	unsigned int npasids;
	unsigned int cap_pasids;
	int msix_fd[SIM_MSIX_VECTORS];	/* dup of the user's eventfds, -1 when none */
	bool msix_enabled;
	int err_fd;
	int req_fd;
	unsigned int group_opens;	/* device fds its VFIO group gave (device->open_count) */
};

/* What a device fd points at (struct vfio_device_file). */
struct sim_vfio_file {
	struct sim_fn *fn;
	bool access_granted;	/* bound through this file, or given by its group */
	struct sim_file *group_file;	/* held when the group gave it (GET_DEVICE_FD), else NULL */
};

/* vfio-pci takes @p fn (unless cfg.not_vfio): its cdev vfioN. @return 0 or -ENOMEM. */
int sim_vfio_probe(struct sim_fn *fn);
/* Free what sim_vfio_probe() made (NULL: nothing); the function is unbound. */
void sim_vfio_remove(struct sim_vfio_dev *vdev);
/* open("/dev/vfio/devices/vfioN"). @return the fd or -errno. */
int sim_vfio_open(struct pdk_sim *sim, int index);
/* Release a portal hook the device files' mmio_resolve made (struct sim_portal). */
int sim_vfio_mmio_release(struct pdk_sim *sim, void *cookie);
/*
 * VFIO_GROUP_GET_DEVICE_FD's file: a device file with access granted, as
 * vfio_device_open_file() makes it, holding @p group_file. The first one
 * opens the device (vfio-pci's open_device). @return the fd or -errno.
 */
int sim_vfio_group_open_device(struct sim_fn *fn, struct sim_file *group_file);
/* The device file of a device fd (cdev or group-given), NULL for another kind. */
struct sim_vfio_file *sim_vfio_file_of(struct sim_file *file);
/* What a device file's mmap checks of (len, off) (-EINVAL, logged as "device mmap"). */
int sim_vfio_mmap_check(struct sim_file *file, size_t len, uint64_t off);
/* pread/pwrite of BAR @p bar at @p pos: -EINVAL, -EIO (decoding off), or the bytes done. */
ssize_t sim_vfio_bar_rw(struct sim_fn *fn, unsigned int bar, void *buf, size_t len, uint64_t pos,
			bool write);
/* The model consumes 64-byte stores to @p bar (a DSA portal BAR). */
bool sim_vfio_has_store64(const struct sim_fn *fn, unsigned int bar);
/* One 64-byte store to the model's store64: 0, or -EIO with memory decoding off. */
int sim_vfio_store64(struct sim_fn *fn, unsigned int bar, uint64_t pos, const void *src);

/* ---- the legacy VFIO container (sim_container.c) and groups (sim_group.c) ---- */

struct sim_vgroup;

/*
 * /dev/vfio/vfio (struct vfio_container with the type1 IOMMU driver). As
 * the kernel's iommufd compat container does, it keeps its mappings in an
 * IOAS of its own iommufd context; the groups' functions are bound to that
 * context when a group joins (the DMA ownership claim) and their RIDs
 * attached to the IOAS by VFIO_SET_IOMMU, so type1 is the RID's domain and
 * the device's DMA without a PASID translates through the MAP_DMA
 * mappings. The file's references are its kref: the fd and each group.
 */
struct sim_container {
	struct pdk_sim *sim;
	struct sim_file *file;
	struct sim_ctx *ctx;
	struct sim_ioas *ioas;
	struct sim_vgroup *groups;	/* set to it, newest first */
	bool iommu_set;			/* VFIO_SET_IOMMU done (container->iommu_driver) */
	bool v2;			/* VFIO_TYPE1v2_IOMMU's unmap rules */
	unsigned int dma_avail;		/* MAP_DMA entries left (dma_entry_limit) */
	bool compat;			/* an iommufd's compat container (vfio_compat.c) */
	uint32_t ioas_id;		/* compat: the compat IOAS's id (ictx->vfio_ioas) */
};

/*
 * The VFIO container ioctls on an iommufd fd (iommufd_vfio_ioctl(),
 * drivers/iommu/iommufd/vfio_compat.c). @return as the kernel.
 */
int sim_container_compat_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg);
/*
 * VFIO_GROUP_SET_CONTAINER with an iommufd fd: the compat container of
 * @p file, its IOAS created on first use (iommufd_vfio_compat_ioas_create()).
 */
int sim_container_compat_get(struct sim_file *file, struct sim_ctx *ctx,
			     struct sim_container **out);
/* The iommufd file is released: free its compat container (the IOAS goes with the ctx). */
void sim_container_compat_free(struct sim_ctx *ctx);

/* The container of a container file, NULL for another kind (vfio_container_from_file()). */
struct sim_container *sim_container_from_file(struct sim_file *file);
/* open("/dev/vfio/vfio"). @return the fd or -errno. */
int sim_container_open(struct pdk_sim *sim);
/* VFIO_GROUP_SET_CONTAINER's part in the container (vfio_container_attach_group()). */
int sim_container_attach_group(struct sim_container *c, struct sim_vgroup *g);
/* The group leaves (vfio_group_detach_container()); the last one unsets the IOMMU. */
void sim_container_detach_group(struct sim_container *c, struct sim_vgroup *g);

/* A VFIO group (struct vfio_group) while its /dev/vfio/N file is open. */
struct sim_vgroup {
	struct pdk_sim *sim;
	struct sim_group *igroup;	/* the IOMMU group */
	struct sim_file *file;
	struct sim_container *container;	/* set (its file held), NULL when none */
	struct sim_device **idevs;	/* its functions bound to the container's context */
	unsigned int nidevs;
	bool attached;			/* their RIDs attached to the container's IOAS */
	unsigned int device_opens;	/* device fds it gave that are open (container_users - 1) */
	struct sim_vgroup *next;	/* sim->vgroups */
	struct sim_vgroup *cnext;	/* container->groups */
};

/* open("/dev/vfio/N"). @return the fd or -errno. */
int sim_group_open(struct pdk_sim *sim, const char *name);

/*
 * The open VFIO group of IOMMU group @p igroup, NULL when its file is not
 * open. Inline: the VFIO device layer asks it too (the cdev's BIND), and
 * sim_group.c sits above that layer.
 */
static inline struct sim_vgroup *
sim_group_find(const struct pdk_sim *sim, const struct sim_group *igroup)
{
	struct sim_vgroup *g;

	for (g = sim->vgroups; g != NULL; g = g->next)
		if (g->igroup == igroup)
			return g;
	return NULL;
}

/* A device file the group gave was released (vfio_group_unuse_container()). */
static inline void
sim_group_device_closed(struct sim_vgroup *g)
{
	g->device_opens--;
}
/* VFIO offers /dev/vfio/@p number: a function of that IOMMU group is bound to vfio-pci. */
bool sim_group_exists(struct pdk_sim *sim, uint32_t number);

/* ---- the paths the sim serves (sim_sysfs.c) ---- */

int sim_fs_open(struct pdk_sim *sim, const char *path);
int sim_fs_list_dir(struct pdk_sim *sim, const char *path, pdk_sys_dir_cb_t cb, void *arg);
ssize_t sim_fs_read_file(struct pdk_sim *sim, const char *path, char *buf, size_t len);
ssize_t sim_fs_link_name(struct pdk_sim *sim, const char *path, char *buf, size_t len);

/* ---- the boundary backend (sim_sys.c) ---- */

extern const struct pdk_sys_ops sim_sys_ops;

#endif /* SIM_KERNEL_H */
