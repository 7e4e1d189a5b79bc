/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * An outside-in test of the burst, live-replace and I/O page fault APIs, as
 * a user would write it against an installed PDK: built by
 * test/install-check.sh with nothing but
 *   cc burst_fault.c $(pkg-config --define-prefix --cflags --libs \
 *       libpdk libpdk_sim libpdk_dma_dsa libpdk_dma_skeleton)
 * and run plainly, under valgrind and built with ASan+UBSan. It includes
 * only the installed public headers and runs on PDK's SIMULATED kernel and
 * its SIMULATED DSA (no hardware), and on the skeleton driver (a software
 * copy engine without burst ops: lib/dmadev's loop stands in for them).
 *
 * What it tries: pdk_dmadev_copy_burst() / _fill_burst() on a bad id, a
 * stopped device, a queue not set up, NULL, 0 ops, more ops than the ring
 * holds and a bad length in the middle; pdk_dmadev_queue_replace_as() with
 * NULL, another context's space, a queue not set up, the same space, a
 * fault-handler space on a device without PRI, and under an op waiting for
 * a page response; the fault API's mistakes (a handler set after the first
 * attach, a poll without one or too small for a group, an unaligned
 * region, a device without PRI); two tenants' faults and demand maps kept
 * apart; block_on_fault=1 with a handler that refuses, one that maps and
 * one that answers after the device gave up (PRI Status UPRGI); closes in
 * the wrong order, and under a waiting op. Error cases check the errno and
 * a word of PDK's ERR line; the fast path must log nothing but the one
 * line per process for a queue not started (pdk_dmadev.h). Each section
 * ends with the sim clean, the program with no fd left open.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pdk_bus.h>
#include <pdk_dma.h>
#include <pdk_dma_skeleton.h>
#include <pdk_dmadev.h>
#include <pdk_dsa.h>
#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_pasid.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_vfio.h>

#include "outside.h"

#define PG 4096u
#define SIMDMA_ADDR "0000:00:04.0"
#define NOPRI_ADDR "0000:00:05.0"
#define DSA_ADDR "0000:6a:01.0"
#define BUF_LEN (64 * PG)
/* both tenants use these IOVAs: only the PASID tells them apart */
#define SRC_IOVA 0x100000ull
#define DST_IOVA 0x200000ull
/* tenant A's demand-mapped region */
#define HOLE_IOVA 0x800000ull
#define HOLE_LEN (4 * PG)
/* a dev_id beyond the slot table, and a queue beyond it */
#define BAD_DEV 5000
#define BAD_Q 9999

/* ---- fault handlers ---- */

/* What one handler saw: how many faults, the last one, and what it answers. */
struct seen {
	const char *name;
	unsigned int calls;
	struct pdk_dma_fault last;
	bool map;		/* resolve with pdk_dma_fault_map_on_demand() */
	unsigned int sleep_ms;	/* before answering */
};

static int
record_cb(struct pdk_dma_as *as, const struct pdk_dma_fault *fault, void *arg)
{
	struct seen *s = arg;

	s->calls++;
	s->last = *fault;
	if (s->sleep_ms > 0) {
		struct timespec ts = {.tv_sec = s->sleep_ms / 1000,
				      .tv_nsec = (long)(s->sleep_ms % 1000) * 1000000L};

		nanosleep(&ts, NULL);
	}
	return s->map ? pdk_dma_fault_map_on_demand(as, fault, NULL) : -EINVAL;
}

/* ---- a sim with pdk-sim-dma functions: one with PRI, one without ---- */

static bool
rig_up(struct rig *r)
{
	struct pdk_sim_config sc = {.no_default_devices = true};
	struct pdk_sim_fn_config pri = {.pci_addr = SIMDMA_ADDR, .pasid_bits = 20, .prs = true, .ats = true};
	struct pdk_sim_fn_config nopri = {.pci_addr = NOPRI_ADDR, .pasid_bits = 20};
	int rc;

	memset(r, 0, sizeof(*r));
	snprintf(r->addr, sizeof(r->addr), "%s", SIMDMA_ADDR);
	log_clear();
	if ((rc = pdk_sim_create(&sc, &r->sim)) < 0 ||
	    (rc = pdk_sim_fn_add(r->sim, &pri, NULL)) < 0 ||
	    (rc = pdk_sim_fn_add(r->sim, &nopri, NULL)) < 0 ||
	    (r->sys = pdk_sim_sys(r->sim)) == NULL ||
	    (rc = rig_bind(r)) < 0) {
		check(false, "set up a sim with a PRI pdk-sim-dma function: %s\n%s", errname(rc),
		      err_lines);
		return false;
	}
	return true;
}

/* ---- 1. the fault API's mistakes ---- */

static void
test_fault_api(void)
{
	struct pdk_dma_fault f = {.pasid = 7, .iova = HOLE_IOVA, .access = PDK_DMA_FAULT_WRITE};
	struct seen s = {.name = "api"};
	struct pdk_pasid_space *space = NULL, *space2 = NULL;
	struct pdk_pasid_ctx *ctx = NULL, *ctx2 = (void *)&ctx2;
	struct pdk_dma_as *plain = NULL, *fas = NULL;
	struct pdk_dma_fault_stats st;
	struct pdk_vfio_dev *nopri = NULL;
	uint8_t *buf;
	struct rig r;

	if (!rig_up(&r))
		return;
	buf = buf_alloc(HOLE_LEN, 0);
	EXPECT_OK(pdk_dma_as_create(r.ictx, "plain-as", &plain));
	EXPECT_OK(pdk_dma_as_create(r.ictx, "fault-as", &fas));

	/* NULL arguments */
	EXPECT_ERR(pdk_dma_as_set_fault_handler(NULL, record_cb, &s), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_fault_poll(NULL, 8), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_fault_stats(NULL, &st), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_fault_stats(plain, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_fault_region(NULL, buf, HOLE_LEN, HOLE_IOVA, PDK_IOMMUFD_WRITE),
		   -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_as_fault_prefault(NULL, 4), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_fault_map_on_demand(NULL, &f, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dma_fault_map_on_demand(plain, NULL, NULL), -EINVAL, "NULL");

	/* a poll of a space without a handler */
	EXPECT_ERR(pdk_dma_as_fault_poll(plain, 8), -ENOENT, "plain-as");

	/* regions: unaligned, empty, no permission */
	EXPECT_ERR(pdk_dma_as_fault_region(plain, buf + 1, PG, HOLE_IOVA, PDK_IOMMUFD_WRITE),
		   -EINVAL, "plain-as");
	EXPECT_ERR(pdk_dma_as_fault_region(plain, buf, PG, HOLE_IOVA + 8, PDK_IOMMUFD_WRITE),
		   -EINVAL, "plain-as");
	EXPECT_ERR(pdk_dma_as_fault_region(plain, buf, 100, HOLE_IOVA, PDK_IOMMUFD_WRITE),
		   -EINVAL, "plain-as");
	EXPECT_ERR(pdk_dma_as_fault_region(plain, buf, 0, HOLE_IOVA, PDK_IOMMUFD_WRITE), -EINVAL,
		   "plain-as");
	EXPECT_ERR(pdk_dma_as_fault_region(plain, buf, PG, HOLE_IOVA, 0), -EINVAL, "plain-as");

	/* the demand-map policy on its own: no region, outside it, a refused access */
	log_clear();
	check(pdk_dma_fault_map_on_demand(plain, &f, NULL) == -ENOENT &&
	      pdk_dma_as_map_count(plain) == 0,
	      "fault api: map on demand without a region -> -ENOENT, maps nothing");
	EXPECT_OK(pdk_dma_as_fault_region(plain, buf, HOLE_LEN, HOLE_IOVA, PDK_IOMMUFD_READ));
	f.iova = HOLE_IOVA + HOLE_LEN;
	log_clear();
	check(pdk_dma_fault_map_on_demand(plain, &f, NULL) == -ENOENT &&
	      pdk_dma_as_map_count(plain) == 0,
	      "fault api: map on demand past the region's end -> -ENOENT, maps nothing");
	f.iova = HOLE_IOVA;
	log_clear();
	check(pdk_dma_fault_map_on_demand(plain, &f, NULL) == -EACCES &&
	      pdk_dma_as_map_count(plain) == 0,
	      "fault api: a write fault in a read-only region -> -EACCES, maps nothing");
	f.access = PDK_DMA_FAULT_READ;
	/* an IOVA inside a page (a fault the caller built): that page is mapped */
	f.iova = HOLE_IOVA + PG + 123;
	EXPECT_OK(pdk_dma_fault_map_on_demand(plain, &f, NULL));
	check(pdk_dma_as_map_count(plain) == 1 &&
	      pdk_dma_va2iova_strict(plain, buf + PG) == HOLE_IOVA + PG &&
	      pdk_dma_va2iova_strict(plain, buf) == PDK_DMA_BAD_IOVA,
	      "fault api: a read fault maps its page of the region, only it");
	EXPECT_OK(pdk_dma_fault_map_on_demand(plain, &f, NULL));
	check(pdk_dma_as_map_count(plain) == 1,
	      "fault api: a second fault on a mapped page resolves without a second map");
	EXPECT_OK(pdk_dma_unmap(plain, buf + PG));

	/* a handler set after the first attach */
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_OK(pdk_pasid_ctx_create(space, plain, 0, &ctx));
	EXPECT_ERR(pdk_dma_as_set_fault_handler(plain, record_cb, &s), -EBUSY, "plain-as");
	EXPECT_ERR(pdk_dma_as_fault_poll(plain, 8), -ENOENT, "plain-as");
	/* destroy of a space whose context exists */
	EXPECT_ERR(pdk_dma_as_destroy(plain), -EBUSY, "plain-as");
	EXPECT_OK(pdk_pasid_ctx_release(ctx));

	/* a fault-handler space on a function without PRI: the attach names the cause */
	EXPECT_OK(pdk_dma_as_set_fault_handler(fas, record_cb, &s));
	EXPECT_OK(pdk_dma_as_fault_stats(fas, &st));
	check(st.faults == 0 && st.errors == 0, "fault api: a new space's fault counters are 0");
	EXPECT_OK(pdk_dma_as_fault_prefault(fas, 3));
	EXPECT_OK(pdk_vfio_open(r.sys, NOPRI_ADDR, &nopri));
	EXPECT_OK(pdk_vfio_bind(nopri, r.ictx, NULL));
	EXPECT_OK(pdk_pasid_space_create(nopri, r.ictx, &space2));
	EXPECT_ERR(pdk_pasid_ctx_create(space2, fas, 0, &ctx2), -ENODEV, "PRI");
	check(ctx2 == NULL && pdk_pasid_space_count(space2) == 0,
	      "fault api: the refused context leaves its output NULL and no PASID");
	/* ... and then on the one with PRI it works; a poll finds nothing pending */
	EXPECT_OK(pdk_pasid_ctx_create(space, fas, 0, &ctx));
	log_clear();
	check(pdk_dma_as_fault_poll(fas, 8) == 0 && s.calls == 0,
	      "fault api: a poll with nothing pending -> 0, handler not called");
	/* going back to no handler once attached is refused too */
	EXPECT_ERR(pdk_dma_as_set_fault_handler(fas, NULL, NULL), -EBUSY, "fault-as");

	/* closes in the wrong order, with a fault queue alive */
	EXPECT_ERR(pdk_dma_as_destroy(fas), -EBUSY, "fault-as");
	EXPECT_ERR(pdk_vfio_close(r.dev), -EBUSY, "PASID space");
	EXPECT_ERR(pdk_iommufd_close(r.ictx), -EBUSY, "fault-as");
	EXPECT_ERR(pdk_sim_destroy(r.sim), -EBUSY, "fd");
	EXPECT_OK(pdk_pasid_ctx_release(ctx));
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_pasid_space_destroy(space2));
	/* device closed before its spaces are destroyed */
	EXPECT_OK(pdk_vfio_close(nopri));
	EXPECT_OK(pdk_dma_as_destroy(fas));
	EXPECT_OK(pdk_dma_as_destroy(plain));
	munmap(buf, HOLE_LEN);
	rig_down(&r, "fault api");
}

/* ---- 2. two tenants' faults on one device (pdk_sim_trigger_iopf) ---- */

static void
test_tenant_faults(void)
{
	struct seen sa = {.name = "tenant-a", .map = true}, sb = {.name = "tenant-b"};
	struct pdk_pasid_ctx *ctx_a = NULL, *ctx_b = NULL;
	struct pdk_dma_as *as_a = NULL, *as_b = NULL;
	struct pdk_pasid_space *space = NULL;
	struct pdk_dma_fault_stats fa, fb;
	uint8_t *hole_a, *src_a, *src_b;
	struct pdk_sim_fault sf = {0};
	uint32_t pa, pb;
	struct rig r;
	int ifd, na, nb, st, popped;

	if (!rig_up(&r))
		return;
	ifd = pdk_iommufd_fd(r.ictx);
	hole_a = buf_alloc(HOLE_LEN, 0xaa);
	src_a = buf_alloc(PG, 0x1a);
	src_b = buf_alloc(PG, 0x1b);
	EXPECT_OK(pdk_dma_as_create(r.ictx, "tenant-a", &as_a));
	EXPECT_OK(pdk_dma_as_create(r.ictx, "tenant-b", &as_b));
	EXPECT_OK(pdk_dma_as_set_fault_handler(as_a, record_cb, &sa));
	EXPECT_OK(pdk_dma_as_set_fault_handler(as_b, record_cb, &sb));
	EXPECT_OK(pdk_dma_as_fault_region(as_a, hole_a, HOLE_LEN, HOLE_IOVA,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_dma_map_iova(as_a, src_a, PG, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_dma_map_iova(as_b, src_b, PG, SRC_IOVA, PDK_IOMMUFD_READ));
	EXPECT_OK(pdk_pasid_space_create(r.dev, r.ictx, &space));
	EXPECT_OK(pdk_pasid_ctx_create(space, as_a, 0, &ctx_a));
	EXPECT_OK(pdk_pasid_ctx_create(space, as_b, 0, &ctx_b));
	pa = pdk_pasid_ctx_pasid(ctx_a);
	pb = pdk_pasid_ctx_pasid(ctx_b);

	/* B's page request goes to B's queue only; B's handler refuses it */
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, pb, 1, PDK_DMA_FAULT_WRITE,
				       HOLE_IOVA));
	na = pdk_dma_as_fault_poll(as_a, 8);
	nb = pdk_dma_as_fault_poll(as_b, 8);
	pdk_dma_as_fault_stats(as_a, &fa);
	pdk_dma_as_fault_stats(as_b, &fb);
	check(na == 0 && nb == 1 && sa.calls == 0 && sb.calls == 1 && sb.last.pasid == pb &&
	      sb.last.iova == HOLE_IOVA && (sb.last.access & PDK_DMA_FAULT_WRITE) &&
	      sb.last.dev_id == r.dev_id && sb.last.grpid == 1 && sb.last.last,
	      "tenants: B's fault (PASID %u) reaches B's handler only (polls A %d, B %d)", pb,
	      na, nb);
	check(fa.faults == 0 && fb.faults == 1 && fb.refused == 1 && fb.groups_invalid == 1 &&
	      fb.last_iova == HOLE_IOVA && fb.last_pasid == pb &&
	      pdk_dma_as_map_count(as_b) == 1,
	      "tenants: B's counters: 1 fault refused, 1 group INVALID; A's 0; B mapped nothing");

	/* A's request at the same IOVA: A's handler maps A's page */
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, pa, 2, PDK_DMA_FAULT_WRITE,
				       HOLE_IOVA));
	nb = pdk_dma_as_fault_poll(as_b, 8);
	na = pdk_dma_as_fault_poll(as_a, 8);
	pdk_dma_as_fault_stats(as_a, &fa);
	check(na == 1 && nb == 0 && sa.calls == 1 && sb.calls == 1 && sa.last.pasid == pa &&
	      fa.resolved == 1 && fa.groups_ok == 1 &&
	      pdk_dma_va2iova_strict(as_a, hole_a) == HOLE_IOVA &&
	      pdk_dma_va2iova_strict(as_b, hole_a) == PDK_DMA_BAD_IOVA,
	      "tenants: A's fault (PASID %u) maps A's page at 0x%llx in A only", pa,
	      (unsigned long long)HOLE_IOVA);

	/*
	 * B's DMA at the IOVA A mapped on demand: a fault in B's space, A
	 * untouched. pdk-sim-dma cannot wait for an answer: its fault fails at
	 * once and posts a page request nobody waits for (doc/sim.md, "Page
	 * requests"), which must reach B's handler, not A's.
	 */
	faults_drain(r.sim);
	st = simdma_copy(r.dev, true, pb, SRC_IOVA, HOLE_IOVA, PG);
	popped = pdk_sim_fault_pop(r.sim, &sf);
	check(st == PDK_SIMDMA_ST_FAULT && all_bytes(hole_a, 0xaa, HOLE_LEN) && popped == 0 &&
	      sf.pasid_valid && sf.pasid == pb && sf.iova == HOLE_IOVA && sf.write,
	      "tenants: B's DMA write to A's demand-mapped IOVA faults at PASID %u, A's bytes "
	      "untouched (%s)", sf.pasid, st_name(st));
	na = pdk_dma_as_fault_poll(as_a, 8);
	nb = pdk_dma_as_fault_poll(as_b, 8);
	check(na == 0 && nb == 1 && sa.calls == 1 && sb.calls == 2 && sb.last.pasid == pb &&
	      sb.last.iova == HOLE_IOVA && pdk_dma_as_map_count(as_b) == 1,
	      "tenants: that DMA's page request reaches B's handler only, which maps nothing "
	      "(polls A %d, B %d)", na, nb);
	st = simdma_copy(r.dev, true, pa, SRC_IOVA, HOLE_IOVA, PG);
	check(st == PDK_SIMDMA_ST_DONE && all_bytes(hole_a, 0x1a, PG) &&
	      all_bytes(hole_a + PG, 0xaa, HOLE_LEN - PG),
	      "tenants: A's own DMA there lands in A's page (%s)", st_name(st));
	faults_drain(r.sim);

	/* a poll of at most 0 faults handles none and leaves the request pending */
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, pa, 6, PDK_DMA_FAULT_READ,
				       HOLE_IOVA + PG));
	na = pdk_dma_as_fault_poll(as_a, 0);
	nb = pdk_dma_as_fault_poll(as_a, 8);
	check(na == 0 && nb == 1 && sa.calls == 2 && sa.last.iova == HOLE_IOVA + PG &&
	      pdk_dma_va2iova_strict(as_a, hole_a + PG) == HOLE_IOVA + PG,
	      "tenants: poll(0) handles nothing (%d), the next poll the pending request (%d)",
	      na, nb);
	/* a second region replaces the first; the pages mapped from it stay */
	EXPECT_OK(pdk_dma_as_fault_region(as_a, hole_a + 2 * PG, 2 * PG, HOLE_IOVA + 0x100000,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, pa, 7, PDK_DMA_FAULT_READ,
				       HOLE_IOVA + 2 * PG));
	log_clear();
	na = pdk_dma_as_fault_poll(as_a, 8);
	pdk_dma_as_fault_stats(as_a, &fa);
	check(na == 1 && fa.refused == 1 && logged("outside the region") &&
	      pdk_dma_va2iova_strict(as_a, hole_a) == HOLE_IOVA &&
	      pdk_dma_va2iova_strict(as_a, hole_a + 2 * PG) == PDK_DMA_BAD_IOVA,
	      "tenants: after a new region, a fault in the old one is refused (logged), its "
	      "mapped pages stay");

	/* a request without PASID: the RID has no fault queue, nobody sees it */
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, 0, 3, PDK_DMA_FAULT_READ,
				       HOLE_IOVA));
	na = pdk_dma_as_fault_poll(as_a, 8);
	nb = pdk_dma_as_fault_poll(as_b, 8);
	check(na == 0 && nb == 0 && sa.calls == 3 && sb.calls == 2,
	      "tenants: a RID page request reaches neither tenant (polls %d %d)", na, nb);
	/* the kernel's test op: an errno, no ERR line (pdk_sim.h logs only a NULL sim) */
	EXPECT_QUIET(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id + 100, pa, 4, PDK_DMA_FAULT_READ,
					  HOLE_IOVA), -ENOENT);
	EXPECT_QUIET(pdk_sim_trigger_iopf(r.sim, 12345, r.dev_id, pa, 4, PDK_DMA_FAULT_READ,
					  HOLE_IOVA), -EBADF);
	EXPECT_ERR(pdk_sim_trigger_iopf(NULL, ifd, r.dev_id, pa, 4, PDK_DMA_FAULT_READ,
					HOLE_IOVA), -EINVAL, "NULL");

	/* B leaves with a page request pending: nothing is left behind */
	EXPECT_OK(pdk_sim_trigger_iopf(r.sim, ifd, r.dev_id, pb, 5, PDK_DMA_FAULT_READ,
				       HOLE_IOVA));
	EXPECT_ERR(pdk_dma_as_destroy(as_b), -EBUSY, "tenant-b");
	EXPECT_OK(pdk_pasid_ctx_release(ctx_b));
	EXPECT_OK(pdk_dma_as_destroy(as_b));
	check(sb.calls == 2, "tenants: B's pending request was dropped with its context");
	/* A's space destroyed before its context is released: refused */
	EXPECT_ERR(pdk_dma_as_destroy(as_a), -EBUSY, "tenant-a");
	EXPECT_OK(pdk_pasid_ctx_release(ctx_a));
	EXPECT_OK(pdk_pasid_space_destroy(space));
	EXPECT_OK(pdk_dma_as_destroy(as_a));
	munmap(hole_a, HOLE_LEN);
	munmap(src_a, PG);
	munmap(src_b, PG);
	rig_down(&r, "tenants");
}

/* ---- the SIMULATED DSA through lib/bus and lib/dmadev ---- */

struct dsa {
	struct pdk_sim *sim;
	struct pdk_iommufd *ictx;
	struct pdk_bus *bus;
	int dev_id;
};

static bool
dsa_up(struct dsa *d, const struct pdk_sim_fn_config *fc, const char *devargs)
{
	struct pdk_sim_config sc = {.no_default_devices = true};
	int rc;

	memset(d, 0, sizeof(*d));
	d->dev_id = -1;
	log_clear();
	if ((rc = pdk_sim_create(&sc, &d->sim)) < 0 || (rc = pdk_sim_fn_add(d->sim, fc, NULL)) < 0 ||
	    (rc = pdk_iommufd_open(pdk_sim_sys(d->sim), &d->ictx)) < 0 ||
	    (rc = pdk_bus_create(d->ictx, &d->bus)) < 0 || (rc = pdk_bus_scan(d->bus)) < 0 ||
	    (rc = pdk_bus_allow(d->bus, devargs)) < 0 || (rc = pdk_bus_probe(d->bus)) != 1 ||
	    (d->dev_id = pdk_dmadev_get_dev_id(DSA_ADDR)) < 0) {
		check(false, "set up the SIMULATED DSA with '%s': %s\n%s", devargs, errname(rc),
		      err_lines);
		return false;
	}
	return true;
}

/* The bus (and with it the device), then the context: the spaces are gone by then. */
static void
dsa_down(struct dsa *d, const char *section)
{
	int ri, rs;
	bool clean;

	pdk_bus_destroy(d->bus);
	ri = pdk_iommufd_close(d->ictx);
	clean = pdk_sim_is_clean(d->sim);
	rs = pdk_sim_destroy(d->sim);
	check(ri == 0 && clean && rs == 0 && pdk_dmadev_count() == 0,
	      "%s: bus destroyed, iommufd closed, sim clean and destroyed (%s %s %s)", section,
	      errname(ri), clean ? "clean" : "NOT CLEAN", errname(rs));
}

/* A space with @p buf mapped at @p iova (both tenants can use the same IOVA). */
static struct pdk_dma_as *
space_with(struct pdk_iommufd *ictx, const char *name, uint8_t *buf, size_t len, uint64_t iova)
{
	struct pdk_dma_as *as = NULL;

	EXPECT_OK(pdk_dma_as_create(ictx, name, &as));
	if (as != NULL && buf != NULL)
		EXPECT_OK(pdk_dma_map_iova(as, buf, len, iova, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	return as;
}

/*
 * Wait for @p n completions of queue @p q, polling the fault queues of
 * @p as[0..nas) meanwhile (a blocked op waits for its answer): how many
 * came, their statuses in @p st.
 */
static unsigned int
wait_ops(int dev_id, uint16_t q, unsigned int n, struct pdk_dmadev_status *st,
	 struct pdk_dma_as *const *as, unsigned int nas)
{
	uint64_t deadline = pdk_sys_monotonic_ns() + 20000000000ull;
	unsigned int got = 0, i;

	while (got < n && pdk_sys_monotonic_ns() < deadline) {
		for (i = 0; i < nas; i++)
			(void)pdk_dma_as_fault_poll(as[i], 16);
		got += pdk_dmadev_completed_status(dev_id, q, (uint16_t)(n - got), NULL, st + got);
	}
	return got;
}

/* ---- 3. bursts ---- */

/*
 * What copy_burst / fill_burst promise on a started queue 0 of @p dev,
 * whatever the driver: its own burst ops (DSA) or lib/dmadev's loop over
 * copy / fill (the skeleton). @p src (BUF_LEN bytes, a pattern) and @p dst
 * (BUF_LEN) are mapped at @p siova and @p diova; the queue has run no op.
 */
static void
burst_contract(int dev, const char *who, const uint8_t *src, uint8_t *dst, uint64_t siova,
	       uint64_t diova, uint32_t max_xfer)
{
	struct pdk_dmadev_status st[64];
	struct pdk_dmadev_op ops[40];
	uint16_t first, cap;
	unsigned int i, got;
	bool bytes_ok;
	int n;

	memset(dst, 0, BUF_LEN);
	for (i = 0; i < 40; i++)
		ops[i] = (struct pdk_dmadev_op){.src = siova + i * 64ull, .dst = diova + i * 64ull,
						.len = 64};
	/* 0 ops */
	first = 0x1234;
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 0, 0, &first), 0);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 0, PDK_DMADEV_OP_SUBMIT, &first), 0);
	EXPECT_QUIET(pdk_dmadev_fill_burst(dev, 0, ops, 0, 0, &first), 0);
	check(first == 0x1234, "bursts (%s): 0 ops leave first_idx alone (0x%x)", who, first);

	/* more ops than the ring's room: what fits, then -ENOSPC for the rest */
	cap = pdk_dmadev_burst_capacity(dev, 0);
	log_clear();
	n = pdk_dmadev_copy_burst(dev, 0, ops, 40, 0, &first);
	check(n == (int)cap && cap > 0 && cap < 40 && first == 0 && n_err == 0,
	      "bursts (%s): 40 ops into a ring with room for %u -> %d enqueued, first_idx %u, "
	      "nothing logged", who, cap, n, first);
	if (n > 0 && n < 40)
		EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops + n, (uint16_t)(40 - n), 0, NULL),
			     -ENOSPC);
	check(pdk_dmadev_burst_capacity(dev, 0) == 0, "bursts (%s): the ring is then full", who);
	EXPECT_OK(pdk_dmadev_submit(dev, 0));
	got = wait_ops(dev, 0, cap, st, NULL, 0);
	bytes_ok = true;
	for (i = 0; i < got; i++)
		bytes_ok = bytes_ok && st[i].code == PDK_DMADEV_ST_SUCCESS &&
			   memcmp(dst + i * 64, src + i * 64, 64) == 0;
	check(got == cap && bytes_ok && all_bytes(dst + cap * 64, 0, 64),
	      "bursts (%s): the %u enqueued copies complete and land, the refused one does not "
	      "(%u completions)", who, cap, got);

	/* a bad length in the middle: stops there, the rest tell which */
	memset(dst, 0, BUF_LEN);
	ops[2].len = 0;
	ops[5].len = max_xfer + 1;
	log_clear();
	n = pdk_dmadev_copy_burst(dev, 0, ops, 8, 0, &first);
	check(n == 2 && n_err == 0 && first == cap,
	      "bursts (%s): op 2 of 8 has length 0 -> 2 enqueued (%d), from ring index %u", who, n,
	      first);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops + 2, 6, 0, NULL), -EINVAL);
	n = pdk_dmadev_copy_burst(dev, 0, ops + 3, 5, 0, &first);
	check(n == 2 && first == cap + 2,
	      "bursts (%s): from op 3, op 5 of length max_xfer+1 (%u) stops it -> 2 (%d), from ring "
	      "index %u: the refusals took no index", who, max_xfer + 1, n, first);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops + 5, 3, PDK_DMADEV_OP_SUBMIT, NULL),
		     -EINVAL);
	/*
	 * The SUBMIT of a burst refused at its first op does not submit (the
	 * skeleton runs ops at submit, so a submit would show at once; the
	 * DSA would not have run them yet either way): submit now.
	 */
	check(pdk_dmadev_completed(dev, 0, 8, NULL, NULL) == 0,
	      "bursts (%s): a burst refused at its first op did not submit the 4 before", who);
	EXPECT_OK(pdk_dmadev_submit(dev, 0));
	got = wait_ops(dev, 0, 4, st, NULL, 0);
	check(got == 4 && memcmp(dst, src, 128) == 0 && memcmp(dst + 192, src + 192, 128) == 0 &&
	      all_bytes(dst + 128, 0, 64) && all_bytes(dst + 320, 0, 3 * 64),
	      "bursts (%s): ops 0, 1, 3, 4 landed; ops 2, 5, 6, 7 wrote nothing (%u completions)", who,
	      got);
	ops[2].len = ops[5].len = 64;

	/* fills, first_idx NULL, SUBMIT with the burst */
	for (i = 0; i < 3; i++)
		ops[i] = (struct pdk_dmadev_op){.src = 0x0101010101010101ull * (i + 0xc0),
						.dst = diova + 8192 + i * 4096ull, .len = 4096};
	n = pdk_dmadev_fill_burst(dev, 0, ops, 3, PDK_DMADEV_OP_SUBMIT, NULL);
	got = wait_ops(dev, 0, 3, st, NULL, 0);
	check(n == 3 && got == 3 && all_bytes(dst + 8192, 0xc0, 4096) &&
	      all_bytes(dst + 12288, 0xc1, 4096) && all_bytes(dst + 16384, 0xc2, 4096),
	      "bursts (%s): 3 fills with SUBMIT, first_idx NULL -> 3, each its pattern (%d, %u)", who,
	      n, got);

	/* SUBMIT with a burst cut short by a bad length: the ops enqueued are submitted */
	ops[0] = (struct pdk_dmadev_op){.src = siova, .dst = diova + 32768, .len = 256};
	ops[1] = (struct pdk_dmadev_op){.src = siova, .dst = diova + 36864, .len = 0};
	n = pdk_dmadev_copy_burst(dev, 0, ops, 2, PDK_DMADEV_OP_SUBMIT, &first);
	got = wait_ops(dev, 0, 1, st, NULL, 0);
	check(n == 1 && first == (uint16_t)(cap + 7) && got == 1 &&
	      st[0].code == PDK_DMADEV_ST_SUCCESS && memcmp(dst + 32768, src, 256) == 0 &&
	      all_bytes(dst + 36864, 0, 64),
	      "bursts (%s): SUBMIT with a burst cut at op 1 submits op 0 (-> %d, index %u, %u "
	      "completions, no explicit submit)", who, n, first, got);
}


static void
test_bursts(void)
{
	static const struct pdk_sim_fn_config fc = {.pci_addr = DSA_ADDR,
						     .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20};
	struct pdk_dmadev_queue_conf qc = {.nb_desc = PDK_DSA_MIN_DESC};
	struct pdk_dmadev_conf conf = {.nb_queues = 2};
	struct pdk_dmadev_op ops[40];
	struct pdk_dmadev_info info;
	struct pdk_dma_as *as = NULL;
	uint16_t first = 0xffff;
	uint8_t *src, *dst;
	unsigned int i;
	struct dsa d;
	int dev;

	if (!dsa_up(&d, &fc, DSA_ADDR))
		return;
	dev = d.dev_id;
	src = buf_alloc(BUF_LEN, 0);
	dst = buf_alloc(BUF_LEN, 0);
	for (i = 0; i < BUF_LEN; i++)
		src[i] = (uint8_t)(i * 7 + 1);
	as = space_with(d.ictx, "burst-src", src, BUF_LEN, SRC_IOVA);
	EXPECT_OK(pdk_dma_map_iova(as, dst, BUF_LEN, DST_IOVA,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_dmadev_info_get(dev, &info));
	for (i = 0; i < 40; i++)
		ops[i] = (struct pdk_dmadev_op){.src = SRC_IOVA + i * 64ull,
						.dst = DST_IOVA + i * 64ull, .len = 64};

	/*
	 * A device not configured, then configured but stopped. The first
	 * fast-path call of the process on a queue that is not started logs
	 * one ERR line (lib/dmadev: "logged once per process"), the rest none.
	 */
	EXPECT_ERR(pdk_dmadev_copy_burst(dev, 0, ops, 4, 0, &first), -ENODEV, "not started");
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 4, 0, &first), -ENODEV);
	EXPECT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as;
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 4, PDK_DMADEV_OP_SUBMIT, &first),
		     -ENODEV);
	EXPECT_QUIET(pdk_dmadev_fill_burst(dev, 0, ops, 4, 0, NULL), -ENODEV);
	EXPECT_OK(pdk_dmadev_start(dev));

	/* ids and pointers */
	EXPECT_QUIET(pdk_dmadev_copy_burst(BAD_DEV, 0, ops, 4, 0, &first), -EINVAL);
	EXPECT_QUIET(pdk_dmadev_copy_burst(-1, 0, ops, 4, 0, &first), -EINVAL);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev + 1, 0, ops, 4, 0, &first), -ENODEV);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, BAD_Q, ops, 4, 0, &first), -EINVAL);
	/* queue 1: configured, never set up */
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 1, ops, 4, 0, &first), -ENODEV);
	EXPECT_QUIET(pdk_dmadev_fill_burst(dev, 1, ops, 4, 0, &first), -ENODEV);
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, NULL, 4, 0, &first), -EINVAL);
	EXPECT_QUIET(pdk_dmadev_fill_burst(dev, 0, NULL, 4, 0, &first), -EINVAL);
	check(pdk_dmadev_burst_capacity(dev, 0) == PDK_DSA_MIN_DESC - 1 ||
	      pdk_dmadev_burst_capacity(dev, 0) == PDK_DSA_MIN_DESC,
	      "bursts: the refused bursts took no ring room (capacity %u)",
	      pdk_dmadev_burst_capacity(dev, 0));

	burst_contract(dev, "DSA", src, dst, SRC_IOVA, DST_IOVA, info.max_xfer);

	/* a burst after the device stopped */
	EXPECT_OK(pdk_dmadev_stop(dev));
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 3, 0, NULL), -ENODEV);
	EXPECT_QUIET(pdk_dmadev_fill_burst(dev, 0, ops, 3, 0, NULL), -ENODEV);

	/* the space is held by the queue; the device closed first frees it */
	EXPECT_ERR(pdk_dma_as_destroy(as), -EBUSY, "burst-src");
	EXPECT_OK(pdk_dmadev_close(dev));
	EXPECT_QUIET(pdk_dmadev_copy_burst(dev, 0, ops, 3, 0, NULL), -ENODEV);
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(src, BUF_LEN);
	munmap(dst, BUF_LEN);
	dsa_down(&d, "bursts");
}

/* The same contract through lib/dmadev's loop: the skeleton has no burst ops. */
static void
test_bursts_loop(void)
{
	struct pdk_dma_skeleton_conf sk = {.max_queues = 1};
	struct pdk_dmadev_queue_conf qc = {.nb_desc = PDK_DMA_SKELETON_MIN_DESC};
	struct pdk_dmadev_conf conf = {.nb_queues = 1};
	struct pdk_iommufd *ictx = NULL;
	struct pdk_dma_as *as = NULL;
	struct pdk_sim *sim = NULL;
	struct pdk_sim_config sc = {.no_default_devices = true};
	uint8_t *src, *dst;
	unsigned int i;
	int dev = -1, ri, rs;
	bool clean;

	src = buf_alloc(BUF_LEN, 0);
	dst = buf_alloc(BUF_LEN, 0);
	for (i = 0; i < BUF_LEN; i++)
		src[i] = (uint8_t)(i * 13 + 5);
	EXPECT_OK(pdk_sim_create(&sc, &sim));
	EXPECT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	/* the skeleton translates through lib/dma's table: IOVA == VA */
	as = space_with(ictx, "skel-as", src, BUF_LEN, (uintptr_t)src);
	EXPECT_OK(pdk_dma_map_iova(as, dst, BUF_LEN, (uintptr_t)dst,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_dma_skeleton_create("skel-burst", &sk, &dev));
	EXPECT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as;
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
	EXPECT_OK(pdk_dmadev_start(dev));
	burst_contract(dev, "skeleton, lib/dmadev's loop", src, dst, (uintptr_t)src,
		       (uintptr_t)dst, PDK_DMA_SKELETON_MAX_XFER);
	EXPECT_OK(pdk_dma_skeleton_destroy(dev));
	EXPECT_OK(pdk_dma_as_destroy(as));
	ri = pdk_iommufd_close(ictx);
	clean = pdk_sim_is_clean(sim);
	rs = pdk_sim_destroy(sim);
	check(ri == 0 && clean && rs == 0 && pdk_dmadev_count() == 0,
	      "bursts (skeleton): teardown, sim clean and destroyed (%s %s %s)", errname(ri),
	      clean ? "clean" : "NOT CLEAN", errname(rs));
	munmap(src, BUF_LEN);
	munmap(dst, BUF_LEN);
}

/* ---- 4. live replace of a queue's space ---- */

static void
test_replace(void)
{
	static const struct pdk_sim_fn_config fc = {.pci_addr = DSA_ADDR,
						     .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20};
	struct pdk_dma_as *as1 = NULL, *as2 = NULL, *other = NULL, *fas;
	struct seen s = {.name = "replace"};
	struct pdk_dmadev_queue_conf qc = {.nb_desc = 64};
	struct pdk_dmadev_conf conf = {.nb_queues = 2};
	struct pdk_dmadev_queue_info qi = {0};
	struct pdk_iommufd *ictx2 = NULL;
	uint8_t *b1, *b2, *bo;
	struct pdk_dmadev_status st[4];
	unsigned int got;
	struct dsa d;
	int dev, idx;
	uint32_t pasid;

	if (!dsa_up(&d, &fc, DSA_ADDR))
		return;
	dev = d.dev_id;
	b1 = buf_alloc(2 * PG, 0x11);
	b2 = buf_alloc(2 * PG, 0x22);
	bo = buf_alloc(2 * PG, 0x33);
	/* the same IOVAs in both spaces: source page SRC_IOVA, destination + PG */
	as1 = space_with(d.ictx, "replace-old", b1, 2 * PG, SRC_IOVA);
	as2 = space_with(d.ictx, "replace-new", b2, 2 * PG, SRC_IOVA);
	memset(b1 + PG, 0, PG);
	memset(b2 + PG, 0, PG);
	EXPECT_OK(pdk_iommufd_open(pdk_sim_sys(d.sim), &ictx2));
	other = space_with(ictx2, "other-ctx-as", bo, 2 * PG, SRC_IOVA);

	EXPECT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as1;
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
	EXPECT_OK(pdk_dmadev_queue_info(dev, 0, &qi));
	pasid = qi.pasid;

	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, 0, NULL), -EINVAL, "NULL");
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, 0, other), -EINVAL, "other-ctx-as");
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, 1, as2), -EINVAL, "1");
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, BAD_Q, as2), -EINVAL, DSA_ADDR);
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev + 1, 0, as2), -ENODEV, NULL);
	EXPECT_ERR(pdk_dmadev_queue_replace_as(BAD_DEV, 0, as2), -ENODEV, NULL);
	EXPECT_OK(pdk_dmadev_queue_replace_as(dev, 0, as1));
	/* a space with a fault handler on a DSA without PRI: the attach fails, nothing changes */
	fas = space_with(d.ictx, "replace-fault", NULL, 0, 0);
	EXPECT_OK(pdk_dma_as_set_fault_handler(fas, record_cb, &s));
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, 0, fas), -ENODEV, "PRI");
	EXPECT_OK(pdk_dmadev_queue_info(dev, 0, &qi));
	check(qi.as == as1 && qi.pasid == pasid && pdk_dma_as_map_count(fas) == 0 && s.calls == 0,
	      "replace: the refusals and the replace to the same space kept space and PASID %u; "
	      "the refused space holds nothing of the ring", pasid);
	EXPECT_OK(pdk_dma_as_destroy(fas));

	/* started: a copy lands in the old space, then after the replace in the new one */
	EXPECT_OK(pdk_dmadev_start(dev));
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, SRC_IOVA + PG, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 0, 1, st, NULL, 0);
	check(idx == 0 && got == 1 && st[0].code == PDK_DMADEV_ST_SUCCESS &&
	      all_bytes(b1 + PG, 0x11, PG) && all_bytes(b2 + PG, 0, PG),
	      "replace: before, the queue's copy lands in the old space");
	memset(b1 + PG, 0, PG);
	EXPECT_ERR(pdk_dmadev_queue_replace_as(dev, 0, other), -EINVAL, "other-ctx-as");
	EXPECT_OK(pdk_dmadev_queue_replace_as(dev, 0, as2));
	EXPECT_OK(pdk_dmadev_queue_info(dev, 0, &qi));
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, SRC_IOVA + PG, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 0, 1, st, NULL, 0);
	check(qi.as == as2 && qi.pasid == pasid && idx == 1 && got == 1 &&
	      st[0].code == PDK_DMADEV_ST_SUCCESS && all_bytes(b2 + PG, 0x22, PG) &&
	      all_bytes(b1 + PG, 0, PG) && all_bytes(bo + PG, 0x33, PG),
	      "replace: after, the same PASID's copy lands in the new space only");
	/* the old space is free now: nothing of the queue is left in it */
	check(pdk_dma_as_map_count(as1) == 1,
	      "replace: the ring was unmapped from the old space (%u mappings)",
	      pdk_dma_as_map_count(as1));
	EXPECT_OK(pdk_dma_as_destroy(as1));
	EXPECT_ERR(pdk_dma_as_destroy(as2), -EBUSY, "replace-new");

	/* closes: the other context first (nothing of the device), the device, then the space */
	EXPECT_ERR(pdk_iommufd_close(ictx2), -EBUSY, "other-ctx-as");
	EXPECT_OK(pdk_dma_as_destroy(other));
	EXPECT_OK(pdk_iommufd_close(ictx2));
	EXPECT_OK(pdk_dmadev_close(dev));
	EXPECT_OK(pdk_dma_as_destroy(as2));
	munmap(b1, 2 * PG);
	munmap(b2, 2 * PG);
	munmap(bo, 2 * PG);
	dsa_down(&d, "replace");
}

/* The PRI Status register of @p addr from its sysfs config (PRI is an extended capability): or -1. */
static int
pri_status(struct pdk_sim *sim, const char *addr)
{
	char path[96];
	uint32_t hdr = 0;
	uint16_t status = 0;
	unsigned int pos = 0x100, hops;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", addr);
	for (hops = 0; pos >= 0x100 && hops < 64; hops++) {
		if (pdk_sys_pread_file(pdk_sim_sys(sim), path, &hdr, 4, pos) != 4)
			return -1;
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_PRI)
			return pdk_sys_pread_file(pdk_sim_sys(sim), path, &status, 2,
						  pos + PCI_PRI_STATUS) == 2 ? status : -1;
		pos = PCI_EXT_CAP_NEXT(hdr);
	}
	return -1;
}

/* Pop the sim's faults; true when one was at @p pasid and @p iova, with @p why in its reason. */
static bool
fault_logged(struct pdk_sim *sim, uint32_t pasid, uint64_t iova, const char *why)
{
	struct pdk_sim_fault f;
	bool found = false;

	while (pdk_sim_fault_pop(sim, &f) == 0)
		if (f.pasid_valid && f.pasid == pasid && f.iova == iova && f.reason != NULL &&
		    strstr(f.reason, why) != NULL)
			found = true;
	return found;
}

/* ---- 5. block_on_fault=1: two tenants, a handler that refuses, one that maps ---- */

static void
test_bof(void)
{
	static const struct pdk_sim_fn_config fc = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .prs_timeout_ms = 5000, .ats = true,
	};
	struct seen sa = {.name = "bof-a", .map = true}, sb = {.name = "bof-b"};
	struct pdk_dmadev_queue_conf qc = {.nb_desc = 64};
	struct pdk_dmadev_conf conf = {.nb_queues = 2};
	struct pdk_dmadev_queue_info qa, qb;
	struct pdk_dma_fault_stats fa, fb;
	struct pdk_dmadev_stats ds;
	struct pdk_sim_dsa_stats sst;
	struct pdk_dmadev_status st[2];
	struct pdk_dma_as *as[2];
	uint8_t *src_a, *src_b, *hole;
	struct pdk_dma_as *as_b2 = NULL;
	uint64_t deadline, t0;
	unsigned int got;
	struct dsa d;
	int dev, idx, uprgi, rc, n;

	if (!dsa_up(&d, &fc, DSA_ADDR ",block_on_fault=1"))
		return;
	dev = d.dev_id;
	src_a = buf_alloc(2 * PG, 0x5a);
	src_b = buf_alloc(2 * PG, 0x5b);
	hole = buf_alloc(HOLE_LEN, 0xee);
	as[0] = space_with(d.ictx, "bof-a", src_a, 2 * PG, SRC_IOVA);
	as[1] = space_with(d.ictx, "bof-b", src_b, 2 * PG, SRC_IOVA);
	EXPECT_OK(pdk_dma_as_set_fault_handler(as[0], record_cb, &sa));
	EXPECT_OK(pdk_dma_as_set_fault_handler(as[1], record_cb, &sb));
	EXPECT_OK(pdk_dma_as_fault_region(as[0], hole, HOLE_LEN, HOLE_IOVA,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as[0];
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
	qc.as = as[1];
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 1, &qc));
	EXPECT_OK(pdk_dmadev_queue_info(dev, 0, &qa));
	EXPECT_OK(pdk_dmadev_queue_info(dev, 1, &qb));
	/* a space with a HWPT takes no handler any more */
	EXPECT_ERR(pdk_dma_as_set_fault_handler(as[1], record_cb, &sa), -EBUSY, "bof-b");
	EXPECT_OK(pdk_dmadev_start(dev));

	/* B copies to HOLE_IOVA, which B never mapped: B's handler refuses */
	idx = pdk_dmadev_copy(dev, 1, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 1, 1, st, as, 2);
	pdk_dma_as_fault_stats(as[0], &fa);
	pdk_dma_as_fault_stats(as[1], &fb);
	check(idx == 0 && got == 1 && st[0].code == PDK_DMADEV_ST_PAGE_FAULT &&
	      st[0].fault_addr == HOLE_IOVA && st[0].fault_write && st[0].bytes_done == 0 &&
	      all_bytes(hole, 0xee, HOLE_LEN),
	      "bof: B's blocked copy, refused by B's handler, completes %s at 0x%llx, writes "
	      "nothing (%s)", pdk_dmadev_status_name(PDK_DMADEV_ST_PAGE_FAULT),
	      (unsigned long long)st[0].fault_addr,
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion");
	check(sb.calls >= 1 && sb.last.pasid == qb.pasid && sb.last.iova == HOLE_IOVA &&
	      sa.calls == 0 && fa.faults == 0 && fb.refused >= 1 && fb.groups_invalid >= 1,
	      "bof: the page request went to B's handler (PASID %u) only; A saw %u",
	      sb.last.pasid, sa.calls);
	check(fault_logged(d.sim, qb.pasid, HOLE_IOVA, "INVALID"),
	      "bof: the sim recorded B's fault as answered INVALID");

	/* A copies there: A's handler maps A's page, the copy completes */
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 0, 1, st, as, 2);
	pdk_dma_as_fault_stats(as[0], &fa);
	check(idx == 0 && got == 1 && st[0].code == PDK_DMADEV_ST_SUCCESS &&
	      all_bytes(hole, 0x5a, PG) && all_bytes(hole + PG, 0xee, HOLE_LEN - PG) &&
	      sa.calls == 1 && sa.last.pasid == qa.pasid && fa.resolved == 1 && fa.groups_ok == 1,
	      "bof: A's copy to its unmapped region maps on demand and succeeds (%s)",
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion");

	/* B again at the IOVA A just mapped: still a fault in B's space, A's bytes stay */
	sb.calls = 0;
	idx = pdk_dmadev_copy(dev, 1, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 1, 1, st, as, 2);
	check(idx == 1 && got == 1 && st[0].code == PDK_DMADEV_ST_PAGE_FAULT &&
	      sb.calls >= 1 && sb.last.pasid == qb.pasid && sa.calls == 1 &&
	      all_bytes(hole, 0x5a, PG),
	      "bof: B's copy to A's demand-mapped IOVA faults in B's space, A's page keeps A's "
	      "bytes (%s)", got ? pdk_dmadev_status_name(st[0].code) : "no completion");
	EXPECT_OK(pdk_dmadev_stats_get(dev, 1, &ds));
	check(ds.page_faults == 2 && ds.errors == 2, "bof: B's queue counted 2 page faults (%llu)",
	      (unsigned long long)ds.page_faults);
	EXPECT_OK(pdk_sim_fn_dsa_stats(pdk_sim_fn_find(d.sim, DSA_ADDR), &sst));
	check(sst.page_requests == 3, "bof: the SIMULATED DSA sent 3 page requests (%llu)",
	      (unsigned long long)sst.page_requests);
	uprgi = pri_status(d.sim, DSA_ADDR);
	check(uprgi >= 0 && !(uprgi & PCI_PRI_STATUS_UPRGI),
	      "bof: answers in time leave PRI Status without UPRGI (0x%x)", (unsigned int)uprgi);

	/*
	 * A copy over two unmapped pages of A's region: one group of two
	 * faults. A poll with room for one cannot read it (the kernel reads
	 * whole groups: -EINVAL, pdk_dma.h); one with room for both can.
	 */
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, HOLE_IOVA + 2 * PG, 2 * PG, PDK_DMADEV_OP_SUBMIT);
	deadline = pdk_sys_monotonic_ns() + 10000000000ull;
	log_clear();
	do
		rc = pdk_dma_as_fault_poll(as[0], 1);
	while (rc == 0 && pdk_sys_monotonic_ns() < deadline);
	pdk_dma_as_fault_stats(as[0], &fa);
	check(rc == -EINVAL && err_len > 0 && sa.calls == 1 && fa.errors == 1,
	      "bof: a poll of at most 1 fault meets a group of 2 -> %s, logged, handler not "
	      "called, counted as an error (%llu)", errname(rc), (unsigned long long)fa.errors);
	if (verbose || rc != -EINVAL)
		printf("     ERR lines:\n%s", err_len ? err_lines : "     (none)\n");
	n = pdk_dma_as_fault_poll(as[0], 16);
	got = wait_ops(dev, 0, 1, st, as, 2);
	check(idx == 1 && n == 2 && got == 1 && st[0].code == PDK_DMADEV_ST_SUCCESS &&
	      sa.calls == 3 && all_bytes(hole + 2 * PG, 0x5a, 2 * PG),
	      "bof: then a poll of 16 handles the group of 2 (%d) and the copy succeeds (%s)", n,
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion");

	/*
	 * B's queue moves to another space while its copy waits for a page
	 * response nobody gives: the replace answers the old attachment's
	 * groups INVALID (doc/sim.md), so the op ends at once, long before
	 * the 5 s timeout; the old space is then free.
	 */
	sb.calls = 0;
	as_b2 = space_with(d.ictx, "bof-b2", src_b, 2 * PG, SRC_IOVA);
	EXPECT_OK(pdk_dma_as_set_fault_handler(as_b2, record_cb, &sb));
	idx = pdk_dmadev_copy(dev, 1, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	deadline = pdk_sys_monotonic_ns() + 10000000000ull;
	while (sst.page_requests < 5 && pdk_sys_monotonic_ns() < deadline)
		pdk_sim_fn_dsa_stats(pdk_sim_fn_find(d.sim, DSA_ADDR), &sst);
	t0 = pdk_sys_monotonic_ns();
	EXPECT_OK(pdk_dmadev_queue_replace_as(dev, 1, as_b2));
	got = wait_ops(dev, 1, 1, st, NULL, 0);
	t0 = (pdk_sys_monotonic_ns() - t0) / 1000000;
	n = pdk_dma_as_fault_poll(as[1], 16);
	check(sst.page_requests == 5 && idx == 2 && got == 1 &&
	      st[0].code == PDK_DMADEV_ST_PAGE_FAULT && t0 < 2500 && sb.calls == 0 && n == 0 &&
	      all_bytes(hole, 0x5a, PG),
	      "bof: a replace under a waiting op ends it at once (%llu ms, %s), its request "
	      "is gone from the old queue (poll %d)", (unsigned long long)t0,
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion", n);
	EXPECT_OK(pdk_dma_as_destroy(as[1]));
	as[1] = as_b2;
	/* B's next fault goes to the new space's handler, at the same PASID */
	idx = pdk_dmadev_copy(dev, 1, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 1, 1, st, as, 2);
	check(idx == 3 && got == 1 && st[0].code == PDK_DMADEV_ST_PAGE_FAULT && sb.calls == 1 &&
	      sb.last.pasid == qb.pasid && sa.calls == 3 && all_bytes(hole, 0x5a, PG),
	      "bof: after the replace B's fault reaches the new space's handler at PASID %u (%s)",
	      sb.last.pasid, got ? pdk_dmadev_status_name(st[0].code) : "no completion");

	/* closes: spaces first refused, the device stopped and closed, then the spaces */
	EXPECT_ERR(pdk_dma_as_destroy(as[0]), -EBUSY, "bof-a");
	EXPECT_ERR(pdk_iommufd_close(d.ictx), -EBUSY, "bof");
	EXPECT_OK(pdk_dmadev_close(dev));
	EXPECT_OK(pdk_dma_as_destroy(as[1]));
	EXPECT_OK(pdk_dma_as_destroy(as[0]));
	munmap(src_a, 2 * PG);
	munmap(src_b, 2 * PG);
	munmap(hole, HOLE_LEN);
	dsa_down(&d, "bof");
}

/* ---- 6. block_on_fault=1: a handler that answers after the device gave up ---- */

static void
test_bof_late(void)
{
	static const struct pdk_sim_fn_config fc = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
		.prs = true, .prs_timeout_ms = 100, .ats = true,
	};
	struct seen s = {.name = "late", .map = true, .sleep_ms = 400};
	struct pdk_dmadev_queue_conf qc = {.nb_desc = 64};
	struct pdk_dmadev_conf conf = {.nb_queues = 1};
	struct pdk_dmadev_queue_info qi = {0};
	struct pdk_dma_fault_stats fs;
	struct pdk_dmadev_status st[2];
	enum pdk_log_level level;
	struct pdk_dma_as *as;
	uint8_t *src, *hole;
	unsigned int got;
	int dev, idx, polled = -1, uprgi;
	struct pdk_sim_dsa_stats sst;
	uint64_t deadline, t0, requests;
	struct dsa d;

	if (!dsa_up(&d, &fc, DSA_ADDR ",block_on_fault=1"))
		return;
	dev = d.dev_id;
	src = buf_alloc(PG, 0x77);
	hole = buf_alloc(HOLE_LEN, 0xee);
	as = space_with(d.ictx, "late-as", src, PG, SRC_IOVA);
	EXPECT_OK(pdk_dma_as_set_fault_handler(as, record_cb, &s));
	EXPECT_OK(pdk_dma_as_fault_region(as, hole, HOLE_LEN, HOLE_IOVA,
					  PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	EXPECT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as;
	EXPECT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
	EXPECT_OK(pdk_dmadev_start(dev));

	EXPECT_OK(pdk_dmadev_queue_info(dev, 0, &qi));
	uprgi = pri_status(d.sim, DSA_ADDR);
	check(uprgi >= 0 && !(uprgi & PCI_PRI_STATUS_UPRGI),
	      "bof late: PRI Status has no UPRGI before (0x%x)", (unsigned int)uprgi);
	faults_drain(d.sim);
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	/*
	 * Wait for the request, then answer it late (the handler sleeps 400
	 * ms). INFO lines too meanwhile: the sim logs its IOMMU faults there.
	 */
	level = pdk_log_get_level();
	pdk_log_set_level(PDK_LOG_INFO);
	log_clear();
	deadline = pdk_sys_monotonic_ns() + 10000000000ull;
	while (s.calls == 0 && pdk_sys_monotonic_ns() < deadline)
		polled = pdk_dma_as_fault_poll(as, 16);
	got = wait_ops(dev, 0, 1, st, NULL, 0);
	pdk_log_set_level(level);
	pdk_dma_as_fault_stats(as, &fs);
	check(idx == 0 && s.calls == 1 && got == 1 && st[0].code == PDK_DMADEV_ST_PAGE_FAULT &&
	      st[0].fault_addr == HOLE_IOVA && all_bytes(hole, 0xee, HOLE_LEN),
	      "bof late: the handler answers 400 ms after a 100 ms timeout: the op completes %s, "
	      "nothing written (%s)", pdk_dmadev_status_name(PDK_DMADEV_ST_PAGE_FAULT),
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion");
	check(polled == 1 && fs.resolved == 1 && fs.errors == 0 && n_err == 0,
	      "bof late: the late answer is taken without an error (poll %d, errors %llu, %u ERR "
	      "lines)", polled, (unsigned long long)fs.errors, n_err);
	if (verbose || n_err)
		printf("     lines logged meanwhile:\n%s", all_len ? all_lines : "     (none)\n");
	check(fault_logged(d.sim, qi.pasid, HOLE_IOVA, "timeout") &&
	      strstr(all_lines, "timeout") != NULL,
	      "bof late: the sim recorded the fault at PASID %u as a timeout, and logged it",
	      qi.pasid);
	uprgi = pri_status(d.sim, DSA_ADDR);
	check(uprgi >= 0 && (uprgi & PCI_PRI_STATUS_UPRGI),
	      "bof late: the late response set PRI Status UPRGI (0x%x), as doc/sim.md says",
	      (unsigned int)uprgi);
	/* the late answer mapped the page: the retry needs no request and lands */
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, HOLE_IOVA, PG, PDK_DMADEV_OP_SUBMIT);
	got = wait_ops(dev, 0, 1, st, &as, 1);
	check(idx == 1 && got == 1 && st[0].code == PDK_DMADEV_ST_SUCCESS &&
	      all_bytes(hole, 0x77, PG) && s.calls == 1,
	      "bof late: the retry lands in the page the late answer mapped, no new request (%s)",
	      got ? pdk_dmadev_status_name(st[0].code) : "no completion");

	/*
	 * The device closed while an op waits for a page response: the WQ
	 * drains, up to the function's timeout on the SIMULATED model
	 * (doc/dsa.md, "Not done yet"); the request is gone with the PASID.
	 */
	EXPECT_OK(pdk_sim_fn_dsa_stats(pdk_sim_fn_find(d.sim, DSA_ADDR), &sst));
	requests = sst.page_requests;
	idx = pdk_dmadev_copy(dev, 0, SRC_IOVA, HOLE_IOVA + 2 * PG, PG, PDK_DMADEV_OP_SUBMIT);
	deadline = pdk_sys_monotonic_ns() + 10000000000ull;
	while (sst.page_requests == requests && pdk_sys_monotonic_ns() < deadline)
		pdk_sim_fn_dsa_stats(pdk_sim_fn_find(d.sim, DSA_ADDR), &sst);
	t0 = pdk_sys_monotonic_ns();
	EXPECT_OK(pdk_dmadev_close(dev));
	t0 = (pdk_sys_monotonic_ns() - t0) / 1000000;
	log_clear();
	polled = pdk_dma_as_fault_poll(as, 16);
	check(idx == 2 && sst.page_requests == requests + 1 && t0 < 2000 && polled == 0 &&
	      s.calls == 1 && all_bytes(hole + 2 * PG, 0xee, PG),
	      "bof late: a close under a waiting op returns (%llu ms), leaves no request to "
	      "poll (%d), wrote nothing", (unsigned long long)t0, polled);
	/* the device closed first, then the space */
	EXPECT_OK(pdk_dma_as_destroy(as));
	munmap(src, PG);
	munmap(hole, HOLE_LEN);
	dsa_down(&d, "bof late");
}

int
main(void)
{
	int fds_before, fds_after;

	verbose = getenv("OUTSIDE_VERBOSE") != NULL;
	pdk_log_set_sink(sink, NULL, NULL, NULL);
	fds_before = fd_count();

	test_fault_api();
	test_tenant_faults();
	test_bursts();
	test_bursts_loop();
	test_replace();
	test_bof();
	test_bof_late();

	fds_after = fd_count();
	check(fds_before > 0 && fds_after == fds_before,
	      "end: no fd leaked (%d open before, %d after)", fds_before, fds_after);
	pdk_log_set_sink(NULL, NULL, NULL, NULL);
	printf("burst_fault: %u cases, %u failed\n", n_cases, n_failed);
	return n_failed ? 1 : 0;
}
