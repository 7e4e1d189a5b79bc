/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The simulated legacy VFIO container, /dev/vfio/vfio, with the type1 IOMMU
 * driver behind it: drivers/vfio/container.c and
 * drivers/vfio/vfio_iommu_type1.c, the interface DPDK's VFIO layer drives.
 * The rules, each from those files (kernel-facts K22: as Linux 7.3.4 answers
 * them in the VM):
 *
 * - VFIO_GET_API_VERSION is VFIO_API_VERSION; VFIO_CHECK_EXTENSION asks the
 *   driver set, or before VFIO_SET_IOMMU every registered driver
 *   (vfio_container_ioctl_check_extension()). type1 says yes to TYPE1,
 *   TYPE1v2 and UNMAP_ALL (vfio_iommu_type1_check_extension()); DMA_CC_IOMMU
 *   only with an IOMMU set; no NOIOMMU driver is registered
 *   (CONFIG_VFIO_NOIOMMU off, as in the VM's kernel). The sim does not model
 *   VFIO_DMA_UNMAP_FLAG_VADDR, so it answers UPDATE_VADDR with 0 where the
 *   kernel says 1 (doc/sim.md).
 * - VFIO_SET_IOMMU needs a group and no IOMMU yet (-EINVAL), a type type1
 *   opens (-ENODEV otherwise: no driver took it); then every group's
 *   functions are attached (vfio_ioctl_set_iommu()).
 * - Any other ioctl goes to the driver, -EINVAL without one.
 * - MAP_DMA (vfio_dma_do_map()): READ or WRITE required; size, IOVA and VA
 *   aligned to the smallest page of iova_pgsizes (-EINVAL), not wrapping
 *   (-EOVERFLOW, as Linux 7.3 answers; older kernels said -EINVAL); overlap
 *   -EEXIST; no entry left -ENOSPC (dma_entry_limit);
 *   outside the usable IOVA ranges -EINVAL; then pinned. MAP_FLAG_VADDR
 *   (with neither READ nor WRITE) answers as the kernel does while no vaddr
 *   was invalidated: -ENOENT without a mapping there, -EINVAL with one.
 * - UNMAP_DMA (vfio_dma_do_unmap()): IOVA aligned, size non-zero and
 *   aligned (-EINVAL), not wrapping (-EOVERFLOW), UNMAP_FLAG_ALL with iova 0 and size 0; v2 refuses a
 *   range that splits a mapping (-EINVAL), v1 stops at a mapping that
 *   starts before the range and removes whole mappings; the size written
 *   back is what went.
 * - The last group leaving releases the driver: every mapping goes and the
 *   container is back to "no IOMMU" (vfio_group_detach_container()).
 *
 * The same code is iommufd's VFIO compat container (CONFIG_IOMMUFD_VFIO_CONTAINER,
 * drivers/iommu/iommufd/vfio_compat.c iommufd_vfio_ioctl()): a container with
 * compat set, on the iommufd's context and its compat IOAS; the rules where
 * vfio_compat.c differs are at sim_container_compat_ioctl() (doc/sim.md).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

/* DIRTY_BITMAP_SIZE_MAX of vfio_iommu_type1.c: INT_MAX pages, aligned to 64 bits, in bytes */
#define SIM_DIRTY_BITMAP_SIZE_MAX (1ULL << 28)
#define SIM_CAP_ALIGN		8u	/* vfio_info_cap_add() aligns every capability */

static const struct sim_file_ops sim_container_fops;

struct sim_container *
sim_container_from_file(struct sim_file *file)
{
	return file->ops == &sim_container_fops ? file->priv : NULL;
}

static uint64_t
sim_container_pgsize(const struct sim_container *c)
{
	return c->sim->iommu->pgsize_bitmap & -c->sim->iommu->pgsize_bitmap;
}

/* ---- the groups' functions and the IOAS ---- */

/* The driver's attach_group: each function's RID to the container's IOAS. */
static int
sim_container_attach_rids(struct sim_container *c, struct sim_vgroup *g)
{
	uint32_t pt_id;
	unsigned int i;
	int rc;

	for (i = 0; i < g->nidevs; i++) {
		pt_id = c->ioas->obj.id;
		rc = sim_device_attach(g->idevs[i], 0, &pt_id);
		if (rc < 0) {
			while (i-- > 0)
				sim_device_detach(g->idevs[i], 0);
			return rc;
		}
	}
	g->attached = true;
	return 0;
}

static void
sim_container_detach_rids(struct sim_vgroup *g)
{
	unsigned int i;

	if (!g->attached)
		return;
	for (i = g->nidevs; i-- > 0;)
		sim_device_detach(g->idevs[i], 0);
	g->attached = false;
}

/* The groups' functions join the container's context (iommu_group_claim_dma_owner()). */
static int
sim_container_claim(struct sim_container *c, struct sim_vgroup *g)
{
	struct pdk_sim *sim = c->sim;
	struct sim_device **idevs;
	unsigned int n = 0;
	struct sim_fn *fn;
	int rc;

	for (fn = sim->fns; fn != NULL; fn = fn->next) {
		if (fn->group != g->igroup)
			continue;
		if (fn->vdev == NULL)
			return sim_err(-EPERM, "VFIO_GROUP_SET_CONTAINER",
				       "a function of the IOMMU group is bound to another kernel driver");
		n++;
	}
	idevs = calloc(n, sizeof(*idevs));
	if (idevs == NULL)
		return -ENOMEM;
	g->idevs = idevs;
	g->nidevs = 0;
	for (fn = sim->fns; fn != NULL; fn = fn->next) {
		if (fn->group != g->igroup)
			continue;
		rc = sim_device_bind(c->ctx, fn, &g->idevs[g->nidevs]);
		if (rc < 0)
			goto fail;
		g->nidevs++;
	}
	return 0;
fail:
	while (g->nidevs > 0)
		sim_device_unbind(g->idevs[--g->nidevs]);
	free(g->idevs);
	g->idevs = NULL;
	return rc;
}

static void
sim_container_release_owner(struct sim_vgroup *g)
{
	while (g->nidevs > 0)
		sim_device_unbind(g->idevs[--g->nidevs]);
	free(g->idevs);
	g->idevs = NULL;
}

int
sim_container_attach_group(struct sim_container *c, struct sim_vgroup *g)
{
	int rc = sim_container_claim(c, g);

	if (rc < 0)
		return rc;
	/*
	 * The compat path attaches each device to the compat IOAS when its fd
	 * is opened (vfio_iommufd_compat_attach_ioas()); the sim attaches the
	 * group's functions here, before any device fd exists (doc/sim.md).
	 */
	if (c->iommu_set || c->compat) {
		rc = sim_container_attach_rids(c, g);
		if (rc < 0) {
			sim_container_release_owner(g);
			return rc;
		}
	}
	g->container = c;
	g->cnext = c->groups;
	c->groups = g;
	c->file->refs++;
	return 0;
}

/* The driver's release: unmap everything, back to no IOMMU (vfio_iommu_type1_release()). */
static void
sim_container_unset_iommu(struct sim_container *c)
{
	uint64_t unmapped;

	if (c->ioas->iopt.areas != NULL)
		sim_iopt_unmap(&c->ioas->iopt, 0, SIM_ULONG_MAX, &unmapped);
	c->iommu_set = false;
	c->v2 = false;
	c->dma_avail = c->sim->cfg.dma_entry_limit;
}

void
sim_container_detach_group(struct sim_container *c, struct sim_vgroup *g)
{
	struct sim_vgroup **pp;

	sim_container_detach_rids(g);
	sim_container_release_owner(g);
	for (pp = &c->groups; *pp != NULL; pp = &(*pp)->cnext) {
		if (*pp == g) {
			*pp = g->cnext;
			break;
		}
	}
	g->container = NULL;
	g->cnext = NULL;
	/* the compat IOAS keeps its mappings: it is an iommufd object */
	if (c->groups == NULL && c->iommu_set && !c->compat) {
		sim_container_unset_iommu(c);
		SIM_LOG(DEBUG, "VFIO container: its last group left, the IOMMU is unset");
	}
	sim_file_put(c->sim, c->file);
}

/* ---- container ioctls ---- */

static long
sim_type1_check_extension(const struct sim_container *c, unsigned long ext)
{
	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_DMA_CC_IOMMU:
		/* The simulated IOMMUs enforce cache coherency in every domain. */
		return c->iommu_set ? 1 : 0;
	default:	/* VFIO_UPDATE_VADDR not simulated (see the top), NOIOMMU, SPAPR */
		return 0;
	}
}

static int
sim_container_set_iommu(struct sim_container *c, unsigned long type)
{
	static const char op[] = "VFIO_SET_IOMMU";
	struct sim_vgroup *g, *h;
	int rc;

	if (c->groups == NULL)
		return sim_err(-EINVAL, op, "no group is set to the container (VFIO_GROUP_SET_CONTAINER first)");
	if (c->iommu_set)
		return sim_err(-EINVAL, op, "the container has its IOMMU already");
	if (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU)
		return sim_err(-ENODEV, op, "no IOMMU driver offers that type (type1 only)");
	for (g = c->groups; g != NULL; g = g->cnext) {
		rc = sim_container_attach_rids(c, g);
		if (rc < 0) {
			for (h = c->groups; h != g; h = h->cnext)
				sim_container_detach_rids(h);
			return rc;
		}
	}
	c->iommu_set = true;
	c->v2 = type == VFIO_TYPE1v2_IOMMU;
	c->dma_avail = c->sim->cfg.dma_entry_limit;
	return 0;
}

/* vfio_info_cap_add(): append a capability of @p size (aligned) to @p buf. */
struct sim_caps {
	uint8_t buf[512];
	size_t size;
	size_t last;	/* offset of the last header, for its next */
	bool any;
};

static void *
sim_cap_add(struct sim_caps *caps, size_t size, uint16_t id, uint16_t version)
{
	struct vfio_info_cap_header *hdr;

	size = (size + SIM_CAP_ALIGN - 1) & ~(size_t)(SIM_CAP_ALIGN - 1);
	if (caps->size + size > sizeof(caps->buf))
		return NULL;
	hdr = (struct vfio_info_cap_header *)(void *)(caps->buf + caps->size);
	memset(hdr, 0, size);
	hdr->id = id;
	hdr->version = version;
	if (caps->any)
		((struct vfio_info_cap_header *)(void *)(caps->buf + caps->last))->next =
			(uint32_t)caps->size;
	caps->any = true;
	caps->last = caps->size;
	caps->size += size;
	return hdr;
}

struct sim_iova_emit {
	struct vfio_iova_range r[16];
	unsigned int n;
};

static void
sim_iova_emit(void *arg, uint64_t start, uint64_t last)
{
	struct sim_iova_emit *e = arg;

	if (e->n < sizeof(e->r) / sizeof(e->r[0])) {
		e->r[e->n].start = start;
		e->r[e->n].end = last;
	}
	e->n++;
}

/* vfio_iommu_type1_get_info(): migration, DMA avail, then IOVA ranges, as type1 adds them. */
static int
sim_type1_get_info(struct sim_container *c, void *arg)
{
	static const char op[] = "VFIO_IOMMU_GET_INFO";
	const size_t minsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + 8;
	struct vfio_iommu_type1_info info = { 0 };
	struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info_cap_iova_range *iovas;
	struct sim_iova_emit e = { .n = 0 };
	struct sim_caps *caps;
	size_t copy, isz;
	uint64_t argsz;
	unsigned int i;
	int rc;

	if (sim_copy_from_user(&info, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	if (info.argsz < minsz)
		return sim_err(-EINVAL, op, "argsz below the size up to iova_pgsizes");
	argsz = info.argsz;
	copy = argsz < sizeof(info) ? (size_t)argsz : sizeof(info);
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = c->sim->iommu->pgsize_bitmap;
	info.cap_offset = 0;
	rc = sim_iopt_usable_ranges(&c->ioas->iopt, sim_iova_emit, &e);
	if (rc < 0)
		return rc;
	if (e.n > sizeof(e.r) / sizeof(e.r[0]))
		return sim_err(-ENOMEM, op, "more usable IOVA ranges than the sim reports");
	caps = calloc(1, sizeof(*caps));
	if (caps == NULL)
		return -ENOMEM;
	/* iommufd_vfio_iommu_get_info(): no migration cap, DMA avail is U32_MAX */
	if (!c->compat) {
		mig = sim_cap_add(caps, sizeof(*mig), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
		mig->flags = 0;
		mig->pgsize_bitmap = sim_container_pgsize(c);
		mig->max_dirty_bitmap_size = SIM_DIRTY_BITMAP_SIZE_MAX;
	}
	avail = sim_cap_add(caps, sizeof(*avail), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	avail->avail = c->compat ? UINT32_MAX : c->dma_avail;
	isz = sizeof(*iovas) + e.n * sizeof(iovas->iova_ranges[0]);
	iovas = sim_cap_add(caps, isz, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	iovas->nr_iovas = e.n;
	for (i = 0; i < e.n; i++)
		iovas->iova_ranges[i] = e.r[i];

	info.flags |= VFIO_IOMMU_INFO_CAPS;
	if (argsz < sizeof(info) + caps->size) {
		/* Too small for the chain: say how much is needed, no chain. */
		info.argsz = (uint32_t)(sizeof(info) + caps->size);
	} else {
		size_t off = 0;

		/* vfio_info_cap_shift(): the next offsets become relative to the user's struct. */
		for (;;) {
			struct vfio_info_cap_header *h =
				(struct vfio_info_cap_header *)(void *)(caps->buf + off);

			if (h->next == 0)
				break;
			off = h->next;
			h->next += (uint32_t)sizeof(info);
		}
		rc = sim_copy_to_user((uint64_t)(uintptr_t)arg + sizeof(info), caps->buf,
				      caps->size);
		if (rc < 0) {
			free(caps);
			return -EFAULT;
		}
		info.cap_offset = sizeof(info);
	}
	free(caps);
	return sim_copy_to_user((uint64_t)(uintptr_t)arg, &info, copy) < 0 ? -EFAULT : 0;
}

/* The first area overlapping [start, last], in IOVA order (vfio_find_dma_first_node()). */
static struct sim_area *
sim_container_first_in(struct sim_container *c, uint64_t start, uint64_t last)
{
	struct sim_area *a;

	for (a = c->ioas->iopt.areas; a != NULL && a->iova <= last; a = a->next)
		if (sim_ranges_overlap(a->iova, a->iova + a->length - 1, start, last))
			return a;
	return NULL;
}

static int
sim_type1_map(struct sim_container *c, void *arg)
{
	static const char op[] = "VFIO_IOMMU_MAP_DMA";
	const size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + 8;
	const uint32_t mask = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
			      VFIO_DMA_MAP_FLAG_VADDR;
	struct vfio_iommu_type1_dma_map map;
	uint64_t pgmask = sim_container_pgsize(c) - 1, iova;
	struct sim_area *a;
	uint32_t prot = 0;
	bool set_vaddr;
	int rc;

	if (sim_copy_from_user(&map, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	set_vaddr = map.flags & VFIO_DMA_MAP_FLAG_VADDR;
	if (map.argsz < minsz || (map.flags & ~mask))
		return sim_err(-EINVAL, op, "argsz too small or unknown flags");
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_IOAS_MAP_WRITEABLE;
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_IOAS_MAP_READABLE;
	if (prot == 0 && !set_vaddr)
		return sim_err(-EINVAL, op, "neither VFIO_DMA_MAP_FLAG_READ nor _WRITE");
	if (prot != 0 && set_vaddr)
		return sim_err(-EINVAL, op, "VFIO_DMA_MAP_FLAG_VADDR with READ or WRITE");
	if (map.size == 0 || ((map.size | map.iova | map.vaddr) & pgmask))
		return sim_err(-EINVAL, op,
			       "size 0, or size, iova or vaddr not aligned to the smallest IOMMU page");
	/* -EOVERFLOW since type1 maps up to the addressable limit (seen on Linux 7.3 in the VM) */
	if (map.iova + map.size - 1 < map.iova || map.vaddr + map.size - 1 < map.vaddr)
		return sim_err(-EOVERFLOW, op, "iova or vaddr + size - 1 wraps");
	a = sim_container_first_in(c, map.iova, map.iova + map.size - 1);
	/*
	 * A new vaddr is taken only by a mapping whose vaddr was invalidated
	 * (VFIO_DMA_UNMAP_FLAG_VADDR), which the sim refuses: none ever is.
	 */
	if (set_vaddr && a == NULL)
		return sim_err(-ENOENT, op, "VFIO_DMA_MAP_FLAG_VADDR: no mapping there");
	if (set_vaddr)
		return sim_err(-EINVAL, op,
			       "VFIO_DMA_MAP_FLAG_VADDR: the mapping's vaddr is valid (VFIO_DMA_UNMAP_FLAG_VADDR is not simulated)");
	if (a != NULL)
		return sim_err(-EEXIST, op, "the IOVA range overlaps a mapping");
	if (c->dma_avail == 0)
		return sim_err(-ENOSPC, op, "dma_entry_limit mappings made already");
	if (sim_iopt_reserved_overlaps(&c->ioas->iopt, map.iova, map.iova + map.size - 1))
		return sim_err(-EINVAL, op,
			       "the IOVA range is outside the usable ranges (reserved: aperture, MSI window)");
	iova = map.iova;
	rc = sim_iopt_map(&c->ioas->iopt, map.vaddr, map.size, prot, true, &iova);
	if (rc < 0)
		return rc;
	c->dma_avail--;
	return 0;
}

static int
sim_type1_unmap(struct sim_container *c, void *arg)
{
	static const char op[] = "VFIO_IOMMU_UNMAP_DMA";
	const size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + 8;
	const uint32_t mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_VADDR |
			      VFIO_DMA_UNMAP_FLAG_ALL;
	struct vfio_iommu_type1_dma_unmap unmap;
	uint64_t pgmask = sim_container_pgsize(c) - 1, last, unmapped = 0, n;
	bool all;
	struct sim_area *a;

	if (sim_copy_from_user(&unmap, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	if (unmap.argsz < minsz || (unmap.flags & ~mask))
		return sim_err(-EINVAL, op, "argsz too small or unknown flags");
	if ((unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP) &&
	    (unmap.flags & (VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_VADDR)))
		return sim_err(-EINVAL, op, "GET_DIRTY_BITMAP with ALL or VADDR");
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_VADDR)
		return sim_err(-EINVAL, op, "VFIO_DMA_UNMAP_FLAG_VADDR is not simulated");
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		return sim_err(-EINVAL, op, "GET_DIRTY_BITMAP without dirty tracking started "
				"(VFIO_IOMMU_DIRTY_PAGES is not simulated)");
	all = unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL;
	if (unmap.iova & pgmask)
		return sim_err(-EINVAL, op, "iova not aligned to the smallest IOMMU page");
	if (all) {
		if (unmap.iova != 0 || unmap.size != 0)
			return sim_err(-EINVAL, op, "VFIO_DMA_UNMAP_FLAG_ALL with iova or size set");
		last = UINT64_MAX;
	} else {
		if (unmap.size == 0 || (unmap.size & pgmask))
			return sim_err(-EINVAL, op, "size 0 or not page-aligned");
		if (unmap.iova + unmap.size - 1 < unmap.iova)
			return sim_err(-EOVERFLOW, op, "iova + size - 1 wraps");
		last = unmap.iova + unmap.size - 1;
	}
	if (c->v2 && !all) {
		a = sim_iopt_area_at(&c->ioas->iopt, unmap.iova);
		if (a != NULL && a->iova != unmap.iova)
			return sim_err(-EINVAL, op, "type1v2: the range starts inside a mapping");
		a = sim_iopt_area_at(&c->ioas->iopt, last);
		if (a != NULL && a->iova + a->length - 1 != last)
			return sim_err(-EINVAL, op, "type1v2: the range ends inside a mapping");
	}
	while ((a = sim_container_first_in(c, unmap.iova, last)) != NULL) {
		/* v1: a mapping that starts before the range ends the walk (success, size so far) */
		if (!c->v2 && a->iova < unmap.iova)
			break;
		unmapped += a->length;
		sim_iopt_unmap(&c->ioas->iopt, a->iova, a->iova + a->length - 1, &n);
		c->dma_avail++;
	}
	unmap.size = unmapped;
	return sim_copy_to_user((uint64_t)(uintptr_t)arg, &unmap, minsz) < 0 ? -EFAULT : 0;
}

static int
sim_container_ioctl(struct sim_file *file, unsigned long cmd, void *arg)
{
	struct sim_container *c = file->priv;
	unsigned long val = (unsigned long)(uintptr_t)arg;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return (int)sim_type1_check_extension(c, val);
	case VFIO_SET_IOMMU:
		return sim_container_set_iommu(c, val);
	default:
		break;
	}
	if (!c->iommu_set)
		return sim_err(-EINVAL, "container ioctl", "no IOMMU set (VFIO_SET_IOMMU first)");
	switch (cmd) {
	case VFIO_IOMMU_GET_INFO:
		return arg == NULL ? -EFAULT : sim_type1_get_info(c, arg);
	case VFIO_IOMMU_MAP_DMA:
		return arg == NULL ? -EFAULT : sim_type1_map(c, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return arg == NULL ? -EFAULT : sim_type1_unmap(c, arg);
	default:	/* VFIO_IOMMU_DIRTY_PAGES not simulated */
		return sim_err(-ENOTTY, "container ioctl", "ioctl not simulated by type1");
	}
}

/* ---- iommufd's VFIO compat container (drivers/iommu/iommufd/vfio_compat.c) ---- */

/*
 * iommufd_vfio_map_dma(): READ and WRITE are the only flags, then the
 * IOAS's own map (iopt_map_user_pages() at the fixed IOVA): its errors,
 * not type1's, and no dma_entry_limit.
 */
static int
sim_compat_map(struct sim_container *c, void *arg)
{
	static const char op[] = "VFIO_IOMMU_MAP_DMA (iommufd compat)";
	const size_t minsz = offsetof(struct vfio_iommu_type1_dma_map, size) + 8;
	struct vfio_iommu_type1_dma_map map;
	uint32_t prot = 0;
	uint64_t iova;

	if (sim_copy_from_user(&map, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	if (map.argsz < minsz || (map.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)))
		return sim_err(-EINVAL, op, "argsz too small or flags other than READ and WRITE");
	if (map.flags & VFIO_DMA_MAP_FLAG_READ)
		prot |= IOMMU_IOAS_MAP_READABLE;
	if (map.flags & VFIO_DMA_MAP_FLAG_WRITE)
		prot |= IOMMU_IOAS_MAP_WRITEABLE;
	iova = map.iova;
	return sim_iopt_map(&c->ioas->iopt, map.vaddr, map.size, prot, true, &iova);
}

/* iommufd_vfio_unmap_dma(): UNMAP_FLAG_ALL only, then the IOAS's unmap. */
static int
sim_compat_unmap(struct sim_container *c, void *arg)
{
	static const char op[] = "VFIO_IOMMU_UNMAP_DMA (iommufd compat)";
	const size_t minsz = offsetof(struct vfio_iommu_type1_dma_unmap, size) + 8;
	struct vfio_iommu_type1_dma_unmap unmap;
	uint64_t unmapped = 0;
	int rc;

	if (sim_copy_from_user(&unmap, (uint64_t)(uintptr_t)arg, minsz) < 0)
		return -EFAULT;
	if (unmap.argsz < minsz || (unmap.flags & ~VFIO_DMA_UNMAP_FLAG_ALL))
		return sim_err(-EINVAL, op, "argsz too small or flags other than UNMAP_FLAG_ALL");
	if (unmap.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (unmap.iova != 0 || unmap.size != 0)
			return sim_err(-EINVAL, op, "VFIO_DMA_UNMAP_FLAG_ALL with iova or size set");
		rc = sim_iopt_unmap(&c->ioas->iopt, 0, SIM_ULONG_MAX, &unmapped);
		if (rc == -ENOENT && unmapped == 0)	/* iopt_unmap_all(): empty is fine */
			rc = 0;
	} else {
		if (unmap.size == 0)
			return sim_err(-EINVAL, op, "size 0");
		if (unmap.iova + unmap.size - 1 < unmap.iova)
			return sim_err(-EOVERFLOW, op, "iova + size - 1 wraps");
		/*
		 * type1 (v1) mode cuts the areas at the range's ends first
		 * (iopt_cut_iova()), so the kernel unmaps part of a mapping there;
		 * the sim does not cut: a range that splits a mapping is -ENOENT in
		 * both modes, as type1v2 mode answers (doc/sim.md).
		 */
		rc = sim_iopt_unmap(&c->ioas->iopt, unmap.iova, unmap.iova + unmap.size - 1,
				    &unmapped);
	}
	if (rc < 0)
		return rc;
	unmap.size = unmapped;
	return sim_copy_to_user((uint64_t)(uintptr_t)arg, &unmap, minsz) < 0 ? -EFAULT : 0;
}

/* get_compat_ioas(): -ENODEV until a group set the iommufd, or once its IOAS is destroyed. */
static struct sim_container *
sim_compat_ioas(struct sim_ctx *ctx)
{
	struct sim_container *c = ctx->vfio_compat;
	struct sim_obj *obj;

	if (c == NULL)
		return NULL;
	obj = sim_obj_find(ctx, c->ioas_id, SIM_OBJ_IOAS);
	c->ioas = obj != NULL ? sim_container_of(obj, struct sim_ioas, obj) : NULL;
	return c->ioas != NULL ? c : NULL;
}

int
sim_container_compat_ioctl(struct sim_ctx *ctx, unsigned long cmd, void *arg)
{
	static const char op[] = "VFIO container ioctl on an iommufd";
	unsigned long val = (unsigned long)(uintptr_t)arg;
	struct sim_container *c = sim_compat_ioas(ctx);

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		/* iommufd_vfio_check_extension(); DMA_CC_IOMMU asks the compat IOAS */
		if (val == VFIO_DMA_CC_IOMMU && c == NULL)
			return sim_err(-ENODEV, op, "no compat IOAS (VFIO_GROUP_SET_CONTAINER first)");
		if (val == VFIO_TYPE1_IOMMU || val == VFIO_TYPE1v2_IOMMU || val == VFIO_UNMAP_ALL ||
		    val == VFIO_DMA_CC_IOMMU)
			return 1;
		return 0;
	case VFIO_SET_IOMMU:
		/* iommufd_vfio_set_iommu(): type1 or type1v2, -EINVAL otherwise */
		if (val != VFIO_TYPE1_IOMMU && val != VFIO_TYPE1v2_IOMMU)
			return sim_err(-EINVAL, op, "VFIO_SET_IOMMU: iommufd offers type1 and type1v2 only");
		if (c == NULL)
			return sim_err(-ENODEV, op, "no compat IOAS (VFIO_GROUP_SET_CONTAINER first)");
		c->iommu_set = true;
		c->v2 = val == VFIO_TYPE1v2_IOMMU;
		return 0;
	case VFIO_IOMMU_GET_INFO:
	case VFIO_IOMMU_MAP_DMA:
	case VFIO_IOMMU_UNMAP_DMA:
		break;
	default:	/* VFIO_IOMMU_DIRTY_PAGES and the rest: -ENOIOCTLCMD, -ENOTTY to userspace */
		return sim_err(-ENOTTY, op, "not a VFIO container ioctl iommufd offers");
	}
	if (c == NULL)
		return sim_err(-ENODEV, op, "no compat IOAS (VFIO_GROUP_SET_CONTAINER first)");
	if (arg == NULL)
		return -EFAULT;
	if (cmd == VFIO_IOMMU_GET_INFO)
		return sim_type1_get_info(c, arg);
	if (cmd == VFIO_IOMMU_MAP_DMA)
		return sim_compat_map(c, arg);
	return sim_compat_unmap(c, arg);
}

int
sim_container_compat_get(struct sim_file *file, struct sim_ctx *ctx, struct sim_container **out)
{
	struct sim_container *c = ctx->vfio_compat;
	struct sim_ioas *ioas;
	int rc;

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return -ENOMEM;
		c->sim = ctx->sim;
		c->file = file;
		c->ctx = ctx;
		c->compat = true;
		ctx->vfio_compat = c;
	}
	/* iommufd_vfio_compat_ioas_create(): a new IOAS unless the compat one lives */
	if (sim_compat_ioas(ctx) == NULL) {
		rc = sim_ioas_new(ctx, &ioas);
		if (rc < 0)
			return rc;
		c->ioas = ioas;
		c->ioas_id = ioas->obj.id;
		SIM_LOG(DEBUG, "iommufd VFIO compat: IOAS %u created", c->ioas_id);
	}
	*out = c;
	return 0;
}

void
sim_container_compat_free(struct sim_ctx *ctx)
{
	free(ctx->vfio_compat);
	ctx->vfio_compat = NULL;
}

/* ---- the container file ---- */

static void
sim_container_show(const struct sim_file *file, char *buf, size_t len)
{
	const struct sim_container *c = file->priv;

	snprintf(buf, len, "VFIO container%s", c->iommu_set ? " (type1)" : "");
}

/* The last reference is gone: no group is set to it any more. */
static void
sim_container_release(struct sim_file *file)
{
	struct sim_container *c = file->priv;
	struct pdk_sim *sim = c->sim;

	sim_ctx_put(c->ctx);	/* destroys the IOAS */
	sim->st.containers--;
	free(c);
}

static const struct sim_file_ops sim_container_fops = {
	.show = sim_container_show,
	.ioctl = sim_container_ioctl,
	.release = sim_container_release,
};

int
sim_container_open(struct pdk_sim *sim)
{
	struct sim_container *c = calloc(1, sizeof(*c));
	int fd, rc;

	if (c == NULL)
		return -ENOMEM;
	c->sim = sim;
	c->dma_avail = sim->cfg.dma_entry_limit;
	c->ctx = sim_ctx_new(sim);
	if (c->ctx == NULL) {
		free(c);
		return -ENOMEM;
	}
	rc = sim_ioas_new(c->ctx, &c->ioas);
	if (rc < 0)
		goto fail_ctx;
	c->file = sim_file_new(sim, &sim_container_fops, c);
	if (c->file == NULL) {
		rc = -ENOMEM;
		goto fail_ctx;
	}
	sim->st.containers++;
	fd = sim_fd_install(sim, c->file);
	if (fd < 0)
		sim_file_put(sim, c->file);
	return fd;
fail_ctx:
	sim_ctx_put(c->ctx);
	free(c);
	return rc;
}
