/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * An outside-in adversarial test: a program a new user would write against
 * an installed PDK, built by test/install-check.sh with nothing but
 *   cc adversarial.c $(pkg-config --define-prefix --cflags --libs libpdk libpdk_sim)
 * and run plainly, under valgrind and built with ASan+UBSan. It includes
 * only the installed public headers and runs on PDK's SIMULATED kernel.
 *
 * It tries what a user gets wrong or an attacker tries: two tenants on one
 * device (a second PASID space, a PASID asked for by number, a direct
 * attach over another tenant's PASID, DMA aimed at the other tenant's
 * memory), closes in the wrong order, NULL arguments, PASIDs 0, past the
 * width and 0xffffffff, unaligned and overlapping maps, unmaps of unknown
 * addresses. Each error case checks the errno and that PDK logged an ERR
 * line with a word of its message. At the end the sim is clean and
 * destroyed and no fd is left open.
 *
 * One line per case; the exit status is non-zero when any case failed.
 * Double release or destroy is not tried: a handle used after its own
 * release is a use-after-free, as with free().
 */

#include <dirent.h>
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pdk_bus.h>
#include <pdk_dma.h>
#include <pdk_dmadev.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_vfio.h>

#include "outside.h"

#define PG 4096u
#define LEN (4 * PG)
/* both tenants map their buffers at the same IOVAs: only the PASID tells them apart */
#define SRC_IOVA 0x100000ull
#define DST_IOVA 0x200000ull
/* B alone maps its secret here */
#define SECRET_IOVA 0x300000ull

/* A sim with its default pdk-sim-dma function, its iommufd and the bound device. */
static bool
rig_up(struct rig *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	log_clear();
	if ((rc = pdk_sys_backend_open("sim", &r->sys, r->addr)) < 0 ||
	    (r->sim = pdk_sim_from_sys(r->sys)) == NULL || (rc = rig_bind(r)) < 0) {
		check(false, "set up the sim, its iommufd and the bound device %s: %s\n%s",
		      r->addr, errname(rc), err_lines);
		return false;
	}
	return true;
}

/* ---- 1. two tenants on one device ---- */

struct tenant {
	const char *name;
	uint8_t fill;
	struct pdk_dma_as *as;
	struct pdk_pasid_ctx *ctx;
	uint32_t pasid;
	uint8_t *src, *dst, *secret;
};

static void
tenant_map(struct tenant *t)
{
	t->src = buf_alloc(LEN, t->fill);
	t->dst = buf_alloc(LEN, 0);
	t->secret = buf_alloc(LEN, (uint8_t)~t->fill);
	EXPECT_OK(pdk_dma_map_iova(t->as, t->src, LEN, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_dma_map_iova(t->as, t->dst, LEN, DST_IOVA,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
}

static void
tenant_unmap(struct tenant *t)
{
	munmap(t->src, LEN);
	munmap(t->dst, LEN);
	munmap(t->secret, LEN);
}

static void
test_tenants(void)
{
	struct pdk_pasid_space *space = NULL, *second = (void *)&second;
	struct pdk_pasid_ctx *steal = (void *)&steal;
	struct tenant a = {.name = "tenant-a", .fill = 0xaa};
	struct tenant b = {.name = "tenant-b", .fill = 0xbb};
	struct pdk_sim_fault f = {0};
	struct pdk_iommufd *ictx_b = NULL;
	struct pdk_vfio_dev *dev_b = NULL;
	struct pdk_dma_as *as_own = NULL;
	struct rig r;
	int st, popped;

	if (!rig_up(&r))
		return;
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_ERR(pdk_pasid_space_create(r.dev, r.ictx, &second), -EBUSY, "already has");
	check(second == NULL, "tenants: the refused second space leaves its output NULL");

	EXPECT_OK(pdk_dma_as_create(r.ictx, a.name, &a.as));
	EXPECT_OK(pdk_dma_as_create(r.ictx, b.name, &b.as));
	EXPECT_OK(pdk_pasid_ctx_create(space, a.as, 0, &a.ctx));
	EXPECT_OK(pdk_pasid_ctx_create(space, b.as, 0, &b.ctx));
	a.pasid = pdk_pasid_ctx_pasid(a.ctx);
	b.pasid = pdk_pasid_ctx_pasid(b.ctx);
	check(a.pasid != 0 && b.pasid != 0 && a.pasid != b.pasid,
	      "tenants: two contexts get different PASIDs (A %u, B %u)", a.pasid, b.pasid);

	/* B grabs A's PASID by number, then through the device directly */
	EXPECT_ERR(pdk_pasid_ctx_create(space, b.as, a.pasid, &steal), -EBUSY, "PASID");
	check(steal == NULL, "tenants: the refused context leaves its output NULL");
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, a.pasid, pdk_pasid_ctx_hwpt(b.ctx)), -EBUSY,
		   "PASID space");
	EXPECT_ERR(pdk_vfio_pasid_detach(r.dev, a.pasid), -EBUSY, "PASID space");
	EXPECT_ERR(pdk_vfio_attach(r.dev, pdk_dma_as_ioas_id(b.as), NULL), -EBUSY, "PASID space");
	EXPECT_ERR(pdk_vfio_detach(r.dev), -EBUSY, "PASID space");
	/* B opens the device itself, for an iommufd context of its own */
	EXPECT_OK(pdk_iommufd_open(r.sys, &ictx_b));
	EXPECT_OK(pdk_vfio_open(r.sys, r.addr, &dev_b));
	EXPECT_ERR(pdk_vfio_bind(dev_b, ictx_b, NULL), -EINVAL, "already bound through another");
	EXPECT_ERR(pdk_pasid_space_create(dev_b, ictx_b, &second), -EINVAL, "not bound");
	EXPECT_ERR(pdk_pasid_space_create(r.dev, ictx_b, &second), -EINVAL,
		   "another iommufd context");
	EXPECT_OK(pdk_dma_as_create(ictx_b, "tenant-b-own-ctx", &as_own));
	EXPECT_ERR(pdk_pasid_ctx_create(space, as_own, 0, &steal), -EINVAL, "tenant-b-own-ctx");
	EXPECT_OK(pdk_vfio_close(dev_b));
	EXPECT_OK(pdk_dma_as_destroy(as_own));
	EXPECT_OK(pdk_iommufd_close(ictx_b));
	check(pdk_pasid_ctx_hwpt(a.ctx) != pdk_pasid_ctx_hwpt(b.ctx) &&
	      pdk_pasid_ctx_as(a.ctx) == a.as && pdk_pasid_ctx_as(b.ctx) == b.as,
	      "tenants: after the refusals each PASID still points at its own space");

	tenant_map(&a);
	tenant_map(&b);
	EXPECT_OK(pdk_dma_map_iova(b.as, b.secret, LEN, SECRET_IOVA,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));

	st = simdma_copy(r.dev, true, a.pasid, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(a.dst, a.fill, LEN) &&
	      all_bytes(b.dst, 0, LEN) && all_bytes(b.src, b.fill, LEN),
	      "tenants: DMA tagged with A's PASID lands in A's buffer only (%s)", st_name(st));
	st = simdma_copy(r.dev, true, b.pasid, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(b.dst, b.fill, LEN) &&
	      all_bytes(a.dst, a.fill, LEN),
	      "tenants: DMA tagged with B's PASID lands in B's buffer only (%s)", st_name(st));

	/* A aims at the IOVA only B maps: a write, then a read of B's secret */
	faults_drain(r.sim);
	st = simdma_copy(r.dev, true, a.pasid, SRC_IOVA, SECRET_IOVA, LEN);
	popped = pdk_sim_fault_pop(r.sim, &f);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(b.secret, (uint8_t)~b.fill, LEN) &&
	      popped == 0 && f.pasid_valid && f.pasid == a.pasid && f.iova == SECRET_IOVA &&
	      f.write,
	      "tenants: A's DMA write to B's IOVA faults (PASID %u, IOVA 0x%llx), B untouched (%s)",
	      f.pasid, (unsigned long long)SECRET_IOVA, st_name(st));
	memset(a.dst, 0, LEN);
	st = simdma_copy(r.dev, true, a.pasid, SECRET_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(a.dst, 0, LEN),
	      "tenants: A's DMA read of B's IOVA faults, no byte of B reaches A (%s)",
	      st_name(st));
	st = simdma_copy(r.dev, false, 0, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(a.dst, 0, LEN) &&
	      all_bytes(b.dst, b.fill, LEN),
	      "tenants: untagged (RID) DMA with no RID attached faults, writes nothing (%s)",
	      st_name(st));
	faults_drain(r.sim);

	/* B leaves: releases its context, destroys its address space */
	EXPECT_OK(pdk_pasid_ctx_release(b.ctx));
	EXPECT_OK(pdk_dma_as_destroy(b.as));
	memset(b.dst, 0, LEN);
	st = simdma_copy(r.dev, true, a.pasid, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(a.dst, a.fill, LEN) &&
	      all_bytes(b.dst, 0, LEN) && all_bytes(b.secret, (uint8_t)~b.fill, LEN),
	      "tenants: after B left, A's PASID still lands in A only (%s)", st_name(st));
	st = simdma_copy(r.dev, true, b.pasid, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(b.dst, 0, LEN) &&
	      all_bytes(a.dst, a.fill, LEN),
	      "tenants: B's old PASID %u now faults and writes nothing (%s)", b.pasid,
	      st_name(st));
	check(pdk_pasid_space_count(space) == 1, "tenants: the space holds A's PASID only (%u)",
	      pdk_pasid_space_count(space));
	faults_drain(r.sim);

	EXPECT_OK(pdk_pasid_ctx_release(a.ctx));
	EXPECT_OK(pdk_dma_as_destroy(a.as));
	EXPECT_OK(pdk_pasid_space_destroy(space));
	tenant_unmap(&a);
	tenant_unmap(&b);
	rig_down(&r, "tenants");
}

/* ---- 2. closes in the wrong order ---- */

static bool
stats_same(const struct pdk_sim_stats *x, const struct pdk_sim_stats *y)
{
	return x->fds == y->fds && x->iommufd_ctxs == y->iommufd_ctxs && x->ioas == y->ioas &&
	       x->hwpts == y->hwpts && x->bound_devices == y->bound_devices &&
	       x->pasid_attachments == y->pasid_attachments &&
	       x->rid_attachments == y->rid_attachments && x->mappings == y->mappings &&
	       x->pinned_pages == y->pinned_pages;
}

static void
test_wrong_order(void)
{
	struct pdk_sim_stats before, after;
	struct pdk_pasid_space *space = NULL;
	struct pdk_pasid_ctx *ctx = NULL;
	struct pdk_dma_as *as = NULL;
	uint8_t *src, *dst;
	struct rig r;
	int st;

	if (!rig_up(&r))
		return;
	src = buf_alloc(LEN, 0x5a);
	dst = buf_alloc(LEN, 0);
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_OK(pdk_dma_as_create(r.ictx, "holder-as", &as));
	EXPECT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	EXPECT_OK(pdk_dma_map_iova(as, src, LEN, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_dma_map_iova(as, dst, LEN, DST_IOVA, PDK_IOMMUFD_WRITE));

	pdk_sim_stats_get(r.sim, &before);
	/* every parent before its children: each refused, naming a holder */
	EXPECT_ERR(pdk_sim_destroy(r.sim), -EBUSY, "fd");
	EXPECT_ERR(pdk_iommufd_close(r.ictx), -EBUSY, "holder-as");
	EXPECT_ERR(pdk_iommufd_close(r.ictx), -EBUSY, r.addr);
	EXPECT_ERR(pdk_vfio_close(r.dev), -EBUSY, "PASID space");
	EXPECT_ERR(pdk_pasid_space_destroy(space), -EBUSY, "context");
	EXPECT_ERR(pdk_dma_as_destroy(as), -EBUSY, "holder-as");
	pdk_sim_stats_get(r.sim, &after);
	check(stats_same(&before, &after), "wrong order: the refusals changed nothing in the sim");
	st = simdma_copy(r.dev, true, pdk_pasid_ctx_pasid(ctx), SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(dst, 0x5a, LEN) &&
	      pdk_dma_as_map_count(as) == 2,
	      "wrong order: after the refusals the PASID still DMAs into its space (%s)",
	      st_name(st));

	/* half-way: the context gone, the rest still refuse */
	EXPECT_OK(pdk_pasid_ctx_release(ctx));
	EXPECT_ERR(pdk_vfio_close(r.dev), -EBUSY, "PASID space");
	EXPECT_ERR(pdk_iommufd_close(r.ictx), -EBUSY, "holder-as");
	/* then the right order */
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_dma_as_destroy(as));
	EXPECT_ERR(pdk_iommufd_close(r.ictx), -EBUSY, r.addr);
	EXPECT_ERR(pdk_sim_destroy(r.sim), -EBUSY, "fd");
	munmap(src, LEN);
	munmap(dst, LEN);
	rig_down(&r, "wrong order");
}

/* A fault queue fd keeps its iommufd context open too. */
static void
test_fault_queue_holds(void)
{
	struct pdk_iommufd *ictx = NULL;
	struct pdk_sys *sys = NULL;
	struct pdk_sim *sim = NULL;
	char addr[PDK_PCI_ADDR_LEN];
	uint32_t fault_id = 0;
	int fault_fd = -1;

	EXPECT_OK(pdk_sys_backend_open(NULL, &sys, addr));
	sim = pdk_sim_from_sys(sys);
	check(sim != NULL, "backend open: NULL gives the sim");
	EXPECT_OK(pdk_iommufd_open(sys, &ictx));
	EXPECT_OK(pdk_iommufd_fault_alloc(ictx, &fault_id, &fault_fd));
	EXPECT_ERR(pdk_iommufd_close(ictx), -EBUSY, "fault");
	EXPECT_ERR(pdk_iommufd_fault_close(ictx, 12345), -EBADF, "fault");
	EXPECT_OK(pdk_iommufd_fault_close(ictx, fault_fd));
	EXPECT_OK(pdk_iommufd_close(ictx));
	check(pdk_sim_is_clean(sim), "fault queue: the sim is clean after the queue and context");
	EXPECT_OK(pdk_sim_destroy(sim));
}

/*
 * The old stale-handle scenario: close an iommufd under its address space,
 * open a new one (same fd number, same heap chunk), destroy the old address
 * space, which destroyed the new context's IOAS. Now the close is refused,
 * so the new context gets another fd and the old handle stays valid.
 */
static void
test_stale_handle(void)
{
	struct pdk_iommufd *old = NULL, *new = NULL;
	struct pdk_dma_as *old_as = NULL, *new_as = NULL;
	struct pdk_sim_stats s;
	uint8_t *b1, *b2;
	struct rig r;

	if (!rig_up(&r))
		return;
	/* the rig's device stays bound to r.ictx; two more contexts with no device */
	b1 = buf_alloc(LEN, 1);
	b2 = buf_alloc(LEN, 2);
	EXPECT_OK(pdk_iommufd_open(r.sys, &old));
	EXPECT_OK(pdk_dma_as_create(old, "old-as", &old_as));
	EXPECT_OK(pdk_dma_map_iova(old_as, b1, LEN, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_ERR(pdk_iommufd_close(old), -EBUSY, "old-as");
	EXPECT_OK(pdk_iommufd_open(r.sys, &new));
	check(pdk_iommufd_fd(new) != pdk_iommufd_fd(old) && pdk_iommufd_fd(old) >= 0,
	      "stale handle: the refused context keeps its fd %d, the new one gets %d",
	      pdk_iommufd_fd(old), pdk_iommufd_fd(new));
	EXPECT_OK(pdk_dma_as_create(new, "new-as", &new_as));
	EXPECT_OK(pdk_dma_map_iova(new_as, b2, LEN, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_dma_as_destroy(old_as));
	pdk_sim_stats_get(r.sim, &s);
	check(pdk_dma_as_map_count(new_as) == 1 && pdk_dma_va2iova(new_as, b2) == SRC_IOVA &&
	      s.ioas == 1 && s.mappings == 1,
	      "stale handle: destroying the old address space left the new one's IOAS and "
	      "mapping (ioas %u, mappings %u)", s.ioas, s.mappings);
	EXPECT_OK(pdk_iommufd_close(old));
	EXPECT_OK(pdk_dma_as_destroy(new_as));
	EXPECT_OK(pdk_iommufd_close(new));
	munmap(b1, LEN);
	munmap(b2, LEN);
	rig_down(&r, "stale handle");
}

/* ---- 3. a user's typical mistakes: NULL arguments ---- */

static void
test_null_args(void)
{
	const char *volatile null_fmt = NULL;	/* volatile: no compile-time warning */
	struct pdk_pasid_space *space = NULL;
	struct pdk_pasid_ctx *ctx = NULL, *c2;
	struct pdk_sim_dsa_stats dstats;
	struct pdk_dma_as *as = NULL, *as2;
	struct pdk_iommufd *ictx2;
	struct pdk_vfio_dev *dev2;
	struct pdk_sys *sys2;
	struct pdk_bus *bus;
	char addr[PDK_PCI_ADDR_LEN];
	enum pdk_log_level lvl;
	uint8_t *buf, b4[4];
	uint32_t id, pasids[4];
	uint64_t iova;
	struct rig r;
	int rc;

	if (!rig_up(&r))
		return;
	buf = buf_alloc(LEN, 0);

	/* pdk_log.h */
	lvl = pdk_log_get_level();
	EXPECT_LOG(pdk_log_set_level((enum pdk_log_level)99), "level");
	check(pdk_log_get_level() == lvl, "log: a bad level leaves the level unchanged");
	EXPECT_LOG(pdk_log((enum pdk_log_level)1, "outside", "a line at level 1"), "level");
	EXPECT_LOG(pdk_log(PDK_LOG_ERR, NULL, "a line with no component"), "component");
	EXPECT_LOG(pdk_log(PDK_LOG_ERR, "outside", null_fmt), "format");

	/* pdk_sys.h */
	EXPECT_ERR(pdk_sys_pci_addr_parse(NULL, addr), -EINVAL, "no address");
	EXPECT_ERR(pdk_sys_pci_addr_parse("0000:00:04.0", NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sys_pci_addr_parse("00:zz.9", addr), -EINVAL, "00:zz.9");
	EXPECT_ERR(pdk_sys_ioctl(NULL, pdk_iommufd_fd(r.ictx), 0, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sys_open(r.sys, NULL, 0), -EINVAL, "NULL");

	/* pdk_sim.h */
	EXPECT_ERR(pdk_sim_create(NULL, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_add(r.sim, NULL, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_add(NULL, &(struct pdk_sim_fn_config){.pci_addr = "0000:00:05.0"},
				  NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_dma(NULL, false, 0, SRC_IOVA, buf, 8, false), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_dma(pdk_sim_fn_find(r.sim, r.addr), false, 0, SRC_IOVA, NULL, 8,
				  false), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_dsa_stats(NULL, &dstats), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sim_fn_dsa_stats(pdk_sim_fn_find(r.sim, r.addr), &dstats), -EINVAL,
		   "DSA");
	EXPECT_ERR(pdk_sys_backend_open("sim", NULL, addr), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sys_backend_open("sim", &sys2, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_sys_backend_open("not-a-device", &sys2, addr), -EINVAL,
		   "not-a-device");
	EXPECT_ERR(pdk_sys_backend_close(NULL), -EINVAL, "NULL");
	check(pdk_sim_from_sys(NULL) == NULL && pdk_sim_from_sys(pdk_sys_kernel()) == NULL,
	      "sim: pdk_sim_from_sys() of NULL or the kernel is NULL");
	EXPECT_LOG(rc = pdk_sim_is_clean(NULL), "NULL");
	check(rc == 0, "sim: pdk_sim_is_clean(NULL) is false");
	EXPECT_ERR(pdk_sim_fault_pop(NULL, NULL), -EINVAL, "NULL");

	/* pdk_iommufd.h */
	EXPECT_ERR(pdk_iommufd_open(NULL, &ictx2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_open(r.sys, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_ioas_alloc(NULL, &id), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_ioas_alloc(r.ictx, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_hw_info(r.ictx, r.dev_id, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_map(NULL, 1, buf, PG, PDK_IOMMUFD_READ, &iova), -EINVAL, "NULL");
	EXPECT_ERR(pdk_iommufd_destroy(NULL, 1), -EINVAL, "NULL");
	check(pdk_iommufd_fd(NULL) == -EINVAL, "iommufd: pdk_iommufd_fd(NULL) is -EINVAL");
	check(pdk_iommufd_close(NULL) == 0, "iommufd: pdk_iommufd_close(NULL) is a no-op");

	/* pdk_vfio.h */
	EXPECT_ERR(pdk_vfio_open(NULL, r.addr, &dev2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_vfio_open(r.sys, NULL, &dev2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_vfio_open(r.sys, r.addr, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_vfio_bind(NULL, r.ictx, &id), -EINVAL, "NULL");
	EXPECT_ERR(pdk_vfio_bind(r.dev, NULL, &id), -EINVAL, "already bound");
	/* the same on a device not bound yet: a second function of the sim */
	EXPECT_OK(pdk_sim_fn_add(r.sim, &(struct pdk_sim_fn_config){.pci_addr = "0000:00:05.0",
				 .pasid_bits = 20}, NULL));
	EXPECT_OK(pdk_vfio_open(r.sys, "0000:00:05.0", &dev2));
	EXPECT_ERR(pdk_vfio_bind(dev2, NULL, &id), -EINVAL, "no iommufd context");
	EXPECT_ERR(pdk_pasid_space_create(dev2, r.ictx, &space), -EINVAL, "bound");
	EXPECT_OK(pdk_vfio_close(dev2));
	EXPECT_ERR(pdk_vfio_bar_read(r.dev, 0, 0, NULL, 4), -EINVAL, "NULL");
	EXPECT_ERR(pdk_vfio_config_read(NULL, 0, b4, 2), -EINVAL, "config space: NULL device");
	EXPECT_ERR(pdk_vfio_pci_command(NULL, PCI_COMMAND_MASTER, 0), -EINVAL,
		   "PCI command register: NULL device");
	EXPECT_ERR(pdk_vfio_region_info(r.dev, 0, NULL), -EINVAL, "NULL");
	check(pdk_vfio_close(NULL) == 0, "vfio: pdk_vfio_close(NULL) is a no-op");

	/* pdk_dma.h */
	EXPECT_ERR(pdk_dma_as_create(NULL, "x", &as2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_create(r.ictx, "x", NULL), -EINVAL, "NULL");
	EXPECT_OK(pdk_dma_as_create(r.ictx, "args-as", &as));
	EXPECT_ERR(pdk_dma_map(NULL, buf, PG, PDK_IOMMUFD_READ, &iova), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_map(as, NULL, PG, PDK_IOMMUFD_READ, &iova), -EINVAL, "non-zero");
	EXPECT_ERR(pdk_dma_map_iova(as, NULL, PG, SRC_IOVA, PDK_IOMMUFD_READ), -EINVAL,
		   "non-zero");
	EXPECT_ERR(pdk_dma_unmap(NULL, buf), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_unmap(as, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_hwpt_get(as, r.dev_id, NULL), -EINVAL, "output pointer");
	check(pdk_dma_as_destroy(NULL) == 0, "dma: pdk_dma_as_destroy(NULL) is a no-op");

	/* pdk_pasid.h */
	EXPECT_ERR(pdk_pasid_space_create(NULL, r.ictx, &space), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_space_create(r.dev, NULL, &space), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_space_create(r.dev, r.ictx, NULL), -EINVAL, "NULL");
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_ERR(pdk_pasid_ctx_create(NULL, as, 0, &c2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_ctx_create(space, NULL, 0, &c2), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_ctx_create(space, as, 0, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_alloc(space, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_list(NULL, pasids, 4), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_rid_attach(space, NULL), -EINVAL, "NULL");
	EXPECT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	EXPECT_ERR(pdk_pasid_ctx_replace(NULL, as), -EINVAL, "NULL");
	EXPECT_ERR(pdk_pasid_ctx_replace(ctx, NULL), -EINVAL, "NULL");
	check(pdk_pasid_ctx_release(NULL) == 0 && pdk_pasid_space_destroy(NULL) == 0,
	      "pasid: pdk_pasid_ctx_release(NULL), pdk_pasid_space_destroy(NULL) are no-ops");

	/* pdk_bus.h, pdk_dmadev.h */
	EXPECT_ERR(pdk_bus_create(NULL, &bus), -EINVAL, "iommufd context");
	EXPECT_ERR(pdk_bus_create(r.ictx, NULL), -EINVAL, "result pointer");
	EXPECT_ERR(pdk_bus_allow(NULL, "0000:00:04.0"), -EINVAL, "allow: NULL bus");
	EXPECT_ERR(pdk_dmadev_get_dev_id(NULL), -EINVAL, "NULL");
	/* the id is checked first: there is no dmadev here */
	EXPECT_ERR(pdk_dmadev_info_get(0, NULL), -ENODEV, "no device");

	EXPECT_OK(pdk_pasid_ctx_release(ctx));
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(buf, LEN);
	rig_down(&r, "NULL arguments");
}

/* ---- 4. PASID values, widths, maps ---- */

static void
test_pasid_values(void)
{
	struct pdk_pasid_space *space = NULL;
	struct pdk_pasid_ctx *ctx = NULL, *c2 = (void *)&c2, *top = NULL;
	struct pdk_dma_as *as = NULL;
	unsigned int width;
	struct pdk_dma_as *lazy = NULL;
	uint32_t hwpt = 0, max;
	uint8_t *src, *dst, *ro, *hole;
	struct rig r;
	int st;

	if (!rig_up(&r))
		return;
	src = buf_alloc(LEN, 0x77);
	dst = buf_alloc(LEN, 0);
	ro = buf_alloc(PG, 0);
	mprotect(ro, PG, PROT_READ);
	hole = buf_alloc(3 * PG, 0);
	munmap(hole + PG, PG);	/* a hole in the middle */
	EXPECT_OK(pdk_dma_as_create(r.ictx, "values-as", &as));
	EXPECT_OK(pdk_dma_map_iova(as, src, LEN, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_dma_map_iova(as, dst, LEN, DST_IOVA, PDK_IOMMUFD_WRITE));

	/* no space: the device's own calls */
	EXPECT_OK(pdk_dma_as_hwpt_get(as, r.dev_id, &hwpt));
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, 0, hwpt), -EINVAL, "RID");
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, 0xffffffffu, hwpt), -ENOSPC, "beyond");
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, 1u << 20, hwpt), -EINVAL, "1048576");
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, 5, 999999), -ENOENT, "999999");
	EXPECT_ERR(pdk_vfio_pasid_detach(r.dev, 0), -EINVAL, "RID");
	EXPECT_OK(pdk_vfio_pasid_attach(r.dev, 5, hwpt));
	st = simdma_copy(r.dev, true, 5, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(dst, 0x77, LEN),
	      "values: a direct attach of PASID 5 (no space) DMAs (%s)", st_name(st));
	EXPECT_OK(pdk_vfio_pasid_detach(r.dev, 5));
	pdk_dma_as_hwpt_put(as, hwpt);

	/* with a space */
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	width = pdk_pasid_space_width(space);
	max = (1u << width) - 1;
	check(width == 20, "values: the default sim function has a 20-bit PASID width (%u)",
	      width);
	EXPECT_OK(pdk_pasid_ctx_create(space, as, 0, &ctx));
	check(pdk_pasid_ctx_pasid(ctx) != 0, "values: PASID 0 asks for one: got %u, never 0",
	      pdk_pasid_ctx_pasid(ctx));
	EXPECT_ERR(pdk_pasid_reserve(space, 0), -ERANGE, "PASID 0");
	EXPECT_ERR(pdk_pasid_ctx_create(space, as, 0xffffffffu, &c2), -ERANGE, "4294967295");
	check(c2 == NULL, "values: the refused context leaves its output NULL");
	EXPECT_ERR(pdk_pasid_ctx_create(space, as, max + 1, &c2), -ERANGE, "width");
	EXPECT_ERR(pdk_pasid_reserve(space, max + 1), -ERANGE, "width");
	EXPECT_ERR(pdk_pasid_free(space, 0), -ENOENT, "PASID 0");
	EXPECT_OK(pdk_pasid_ctx_create(space, as, max, &top));
	memset(dst, 0, LEN);
	st = simdma_copy(r.dev, true, max, SRC_IOVA, DST_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(dst, 0x77, LEN),
	      "values: the last PASID of the width (%u) works (%s)", max, st_name(st));
	EXPECT_ERR(pdk_pasid_free(space, max), -EBUSY, "context");

	/* the IOMMU's permissions: src is mapped read-only, a DMA write to it faults */
	faults_drain(r.sim);
	st = simdma_copy(r.dev, true, max, DST_IOVA, SRC_IOVA, LEN);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(src, 0x77, LEN),
	      "values: a DMA write to a read-only mapping faults, writes nothing (%s)",
	      st_name(st));
	faults_drain(r.sim);
	/* memory the IOMMU cannot pin, in a space with a HWPT: refused at the map */
	EXPECT_ERR(pdk_dma_map(as, ro, PG, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, NULL), -EFAULT,
		   "read-only");
	EXPECT_ERR(pdk_dma_map(as, hole + PG, PG, PDK_IOMMUFD_READ, NULL), -EFAULT, "not mapped");
	EXPECT_OK(pdk_dma_map(as, ro, PG, PDK_IOMMUFD_READ, NULL));
	EXPECT_OK(pdk_dma_unmap(as, ro));
	/* ... and in one without: the kernel pins at the first attach, which fails */
	EXPECT_OK(pdk_dma_as_create(r.ictx, "lazy-as", &lazy));
	EXPECT_OK(pdk_dma_map(lazy, ro, PG, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, NULL));
	EXPECT_ERR(pdk_pasid_ctx_create(space, lazy, 0, &c2), -EFAULT, "read-only");
	check(!logged("PDK bug") && c2 == NULL,
	      "values: the user's unpinnable mapping is not blamed on PDK");
	EXPECT_OK(pdk_dma_as_destroy(lazy));
	EXPECT_ERR(pdk_vfio_pasid_attach(r.dev, 0xffffffffu, hwpt), -EBUSY, "PASID space");

	/* destroy while attached: by a context, then by the RID */
	EXPECT_ERR(pdk_dma_as_destroy(as), -EBUSY, "values-as");
	EXPECT_OK(pdk_pasid_ctx_release(top));
	EXPECT_OK(pdk_pasid_ctx_release(ctx));
	EXPECT_OK(pdk_pasid_rid_attach(space, as));
	EXPECT_ERR(pdk_dma_as_destroy(as), -EBUSY, "values-as");
	EXPECT_OK(pdk_pasid_rid_detach(space));
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(src, LEN);
	munmap(dst, LEN);
	munmap(ro, PG);
	munmap(hole, 3 * PG);
	rig_down(&r, "PASID values");
}

/* The width is the smaller of the function's and the IOMMU's; no width, no space. */
static void
test_widths(void)
{
	static const struct {
		const char *what;
		enum pdk_sim_iommu iommu;
		uint8_t iommu_bits, fn_bits;
		int want;
		unsigned int width;
		const char *word;
	} cases[] = {
		{"IOMMU 8 bits, function 20", PDK_SIM_IOMMU_VTD, 8, 20, 0, 8, NULL},
		{"IOMMU 20 bits, function 5", PDK_SIM_IOMMU_VTD, 20, 5, 0, 5, NULL},
		{"function without PASID", PDK_SIM_IOMMU_VTD, 20, 0, -EOPNOTSUPP, 0, "PASID"},
		{"AMD-Vi", PDK_SIM_IOMMU_AMD, 20, 20, -EOPNOTSUPP, 0, "AMD"},
	};
	struct pdk_sim_fn_config fc = {.pci_addr = "0000:00:06.0"};
	struct pdk_sim_config sc = {.no_default_devices = true};
	struct pdk_pasid_space *space;
	struct pdk_pasid_ctx *ctx;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_dma_as *as;
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	unsigned int i, w;
	char what[160];
	int rc;

	EXPECT_OK(pdk_sim_create(&sc, &sim));
	fc.pasid_bits = 21;
	EXPECT_ERR(pdk_sim_fn_add(sim, &fc, NULL), -EINVAL, "above 20 bits");
	EXPECT_OK(pdk_sim_destroy(sim));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sc.iommu = cases[i].iommu;
		sc.iommu_pasid_bits = cases[i].iommu_bits;
		fc.pasid_bits = cases[i].fn_bits;
		space = NULL;
		ictx = NULL;
		dev = NULL;
		if (pdk_sim_create(&sc, &sim) < 0 || pdk_sim_fn_add(sim, &fc, NULL) < 0) {
			check(false, "widths: %s: sim set-up", cases[i].what);
			continue;
		}
		sys = pdk_sim_sys(sim);
		if (pdk_iommufd_open(sys, &ictx) < 0 || pdk_vfio_open(sys, fc.pci_addr, &dev) < 0 ||
		    pdk_vfio_bind(dev, ictx, NULL) < 0) {
			check(false, "widths: %s: open and bind", cases[i].what);
			continue;
		}
		log_clear();
		rc = pdk_pasid_space_create(dev, ictx, &space);
		snprintf(what, sizeof(what), "widths: %s: pdk_pasid_space_create", cases[i].what);
		if (cases[i].want < 0) {
			expect_err(what, rc, cases[i].want, cases[i].word);
		} else {
			w = pdk_pasid_space_width(space);
			check(rc == 0 && w == cases[i].width, "%s -> width %u (%u)", what,
			      cases[i].width, w);
			as = NULL;
			ctx = (void *)&ctx;
			EXPECT_OK(pdk_dma_as_create(ictx, "width-as", &as));
			EXPECT_ERR(pdk_pasid_ctx_create(space, as, 1u << w, &ctx), -ERANGE, "width");
			EXPECT_OK(pdk_pasid_ctx_create(space, as, (1u << w) - 1, &ctx));
			EXPECT_OK(pdk_pasid_ctx_release(ctx));
			EXPECT_OK(pdk_pasid_space_destroy(space));
			EXPECT_OK(pdk_dma_as_destroy(as));
		}
		rc = pdk_vfio_close(dev);
		if (rc == 0)
			rc = pdk_iommufd_close(ictx);
		check(rc == 0 && pdk_sim_is_clean(sim) && pdk_sim_destroy(sim) == 0,
		      "widths: %s: teardown, sim clean and destroyed", cases[i].what);
	}
}

static void
test_maps(void)
{
	struct pdk_dma_as *as = NULL;
	uint8_t *buf, *other;
	uint64_t iova = 0;
	struct rig r;

	if (!rig_up(&r))
		return;
	buf = buf_alloc(4 * PG, 0);
	other = buf_alloc(4 * PG, 0);
	EXPECT_OK(pdk_dma_as_create(r.ictx, "maps-as", &as));
	EXPECT_ERR(pdk_dma_map(as, buf + 1, PG, PDK_IOMMUFD_READ, &iova), -EINVAL, "multiples");
	EXPECT_ERR(pdk_dma_map(as, buf, 100, PDK_IOMMUFD_READ, &iova), -EINVAL, "multiples");
	EXPECT_ERR(pdk_dma_map(as, buf, 0, PDK_IOMMUFD_READ, &iova), -EINVAL, "length");
	EXPECT_ERR(pdk_dma_map(as, buf, PG, 0, &iova), -EINVAL, "perm");
	EXPECT_ERR(pdk_dma_map(as, buf, SIZE_MAX & ~(size_t)(PG - 1), PDK_IOMMUFD_READ, &iova),
		   -EINVAL, "wraps");
	EXPECT_ERR(pdk_dma_map_iova(as, buf, PG, SRC_IOVA + 1, PDK_IOMMUFD_READ), -EINVAL,
		   "align");
	EXPECT_ERR(pdk_dma_map_iova(as, buf, PG, 0, PDK_IOMMUFD_READ), -ERANGE, "range");
	/* the end wraps past 2^64 */
	EXPECT_ERR(pdk_dma_map_iova(as, buf, 2 * PG, 0ull - PG, PDK_IOMMUFD_READ), -ERANGE,
		   "range");
	check(pdk_dma_as_map_count(as) == 0, "maps: the refused maps mapped nothing");

	EXPECT_OK(pdk_dma_map(as, buf, 2 * PG, PDK_IOMMUFD_READ, &iova));
	EXPECT_ERR(pdk_dma_map(as, buf, 2 * PG, PDK_IOMMUFD_READ, NULL), -EEXIST, "overlap");
	EXPECT_ERR(pdk_dma_map(as, buf + PG, 2 * PG, PDK_IOMMUFD_READ, NULL), -EEXIST, "overlap");
	EXPECT_ERR(pdk_dma_map_iova(as, other, PG, iova, PDK_IOMMUFD_READ), -EEXIST, "overlap");
	EXPECT_ERR(pdk_dma_map_iova(as, other, 2 * PG, iova + PG, PDK_IOMMUFD_READ), -EEXIST,
		   "overlap");
	check(pdk_dma_as_map_count(as) == 1 && pdk_dma_va2iova(as, buf + PG) == iova + PG &&
	      pdk_dma_va2iova_strict(as, other) == PDK_DMA_BAD_IOVA,
	      "maps: after the refused overlaps the one mapping is as it was");
	EXPECT_ERR(pdk_dma_unmap(as, other), -ENOENT, "mapping");
	EXPECT_ERR(pdk_dma_unmap(as, buf + PG), -ENOENT, "mapping");
	EXPECT_OK(pdk_dma_unmap(as, buf));
	EXPECT_ERR(pdk_dma_unmap(as, buf), -ENOENT, "mapping");
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(buf, 4 * PG);
	munmap(other, 4 * PG);
	rig_down(&r, "maps");
}

/*
 * The kernel failing at each step of a context's creation (the sim's
 * fail_nth): each failure returns the kernel's errno with a log line and
 * undoes every step, so the sim counts what it counted before.
 */
static void
test_kernel_failures(void)
{
	struct pdk_pasid_space *space = NULL;
	struct pdk_sim_stats before, after;
	struct pdk_pasid_ctx *ctx;
	struct pdk_dma_as *as = NULL;
	unsigned int nth, failed = 0;
	uint8_t *buf;
	struct rig r;
	int rc;

	if (!rig_up(&r))
		return;
	buf = buf_alloc(LEN, 0);
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_OK(pdk_dma_as_create(r.ictx, "failing-as", &as));
	EXPECT_OK(pdk_dma_map(as, buf, LEN, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, NULL));
	for (nth = 1; nth < 32; nth++) {
		pdk_sim_stats_get(r.sim, &before);
		ctx = (void *)&ctx;
		log_clear();
		pdk_sim_fail_nth(r.sim, nth, ENOMEM);
		rc = pdk_pasid_ctx_create(space, as, 0, &ctx);
		if (!pdk_sim_fail_fired(r.sim)) {
			pdk_sim_fail_nth(r.sim, 0, 0);
			check(rc == 0, "kernel failures: with no failure left the context is made "
			      "(after %u failing steps)", failed);
			if (rc == 0)
				EXPECT_OK(pdk_pasid_ctx_release(ctx));
			break;
		}
		failed++;
		if (rc == 0) {
			/*
			 * A step PDK tolerates (the IOVA ranges re-read after
			 * the HWPT allocation: lib/iommufd's one ERR line, then
			 * lib/dma's warning): the context must then be whole.
			 */
			check(ctx != NULL && pdk_pasid_ctx_pasid(ctx) != 0 &&
			      pdk_pasid_ctx_hwpt(ctx) != 0 && n_err == 1 &&
			      logged("IOMMU_IOAS_IOVA_RANGES"),
			      "kernel failures: call %u fails, tolerated and logged once: the context "
			      "is made whole", nth);
			EXPECT_OK(pdk_pasid_ctx_release(ctx));
			continue;
		}
		pdk_sim_stats_get(r.sim, &after);
		check(rc == -ENOMEM && ctx == NULL && n_err == 1 && stats_same(&before, &after) &&
		      pdk_pasid_space_count(space) == 0,
		      "kernel failures: call %u fails: %s, logged once, output NULL, every step undone",
		      nth, errname(rc));
	}
	check(failed > 0, "kernel failures: the context creation made %u kernel calls", failed);
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(buf, LEN);
	rig_down(&r, "kernel failures");
}

int
main(void)
{
	int fds_before, fds_after;

	/* the lines PDK writes go to the sink, so each case can look for its word */
	verbose = getenv("ADVERSARIAL_VERBOSE") != NULL || getenv("OUTSIDE_VERBOSE") != NULL;
	pdk_log_set_sink(sink, NULL, NULL, NULL);
	fds_before = fd_count();

	test_tenants();
	test_wrong_order();
	test_fault_queue_holds();
	test_stale_handle();
	test_null_args();
	test_pasid_values();
	test_widths();
	test_maps();
	test_kernel_failures();

	fds_after = fd_count();
	check(fds_before > 0 && fds_after == fds_before,
	      "end: no fd leaked (%d open before, %d after)", fds_before, fds_after);
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	printf("adversarial: %u cases, %u failed\n", n_cases, n_failed);
	return n_failed ? 1 : 0;
}
