/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * isolation <dev_id> <q_from> <q_to>: the point of PASIDs, shown. A target
 * page is mapped only in q_to's address space, at an IOVA that q_from's
 * space leaves unmapped. q_from (its own PASID) is asked to copy there: the
 * IOMMU translates with q_from's PASID, finds nothing, and the op completes
 * with a page fault while the target keeps every byte. The same copy
 * through q_to lands.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"

#define PAGE 4096u
#define TARGET_BYTE 0xa5
#define FROM_BYTE 0x11
#define TO_BYTE 0x22
/* Where the target goes: far above what the IOVA allocators hand out. */
#define TARGET_IOVA_BASE UINT64_C(0x70000000)
#define TARGET_IOVA_STEP UINT64_C(0x04000000)
#define TARGET_TRIES 16

struct demo {
	int id;
	uint16_t qf, qt;
	struct pdk_dmadev_queue_info from, to;
	uint8_t *src_from, *src_to, *target;
	uint64_t src_from_iova, src_to_iova, target_iova;
	bool src_from_mapped, src_to_mapped, target_mapped, started;
};

static uint8_t *
page(uint8_t fill)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, fill, PAGE);
	return p;
}

static unsigned int
count_not(const uint8_t *p, uint8_t v)
{
	unsigned int i, n = 0;

	for (i = 0; i < PAGE; i++)
		n += p[i] != v;
	return n;
}

/*
 * Map the target in q_to's space at an IOVA that q_from's space does not
 * map. lib/dma cannot be asked whether an IOVA is mapped, so the IOVA is
 * first mapped (with the target page) in q_from's space and unmapped: if
 * that succeeds, nothing of q_from's space is there.
 */
static int
place_target(struct demo *d)
{
	unsigned int i;
	int rc = -ENOSPC;

	for (i = 0; i < TARGET_TRIES; i++) {
		uint64_t iova = TARGET_IOVA_BASE + i * TARGET_IOVA_STEP;

		rc = pdk_dma_map_iova(d->from.as, d->target, PAGE, iova,
				      PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
		if (rc < 0)
			continue;
		rc = pdk_dma_unmap(d->from.as, d->target);
		if (rc < 0)
			return rc;
		rc = pdk_dma_map_iova(d->to.as, d->target, PAGE, iova,
				      PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
		if (rc == 0) {
			d->target_iova = iova;
			d->target_mapped = true;
			return 0;
		}
	}
	return rc;
}

static int
wait_one(int id, uint16_t q, struct pdk_dmadev_status *st)
{
	double deadline = tp_now() + 2.0;

	do {
		if (pdk_dmadev_completed_status(id, q, 1, NULL, st) == 1)
			return 0;
	} while (tp_now() < deadline);
	return -ETIMEDOUT;
}

/* On the sim: the IOMMU's own record of the refused access. */
static void
sim_fault_report(const struct demo *d)
{
	struct pdk_sim_fault f;

	if (tp.sim == NULL)
		return;
	while (pdk_sim_fault_pop(tp.sim, &f) == 0) {
		if (f.iova != d->target_iova)
			continue;
		printf("  SIMULATED IOMMU's fault record: %s %s%u IOVA 0x%" PRIx64 " %s: %s\n",
		       f.pci_addr, f.pasid_valid ? "PASID " : "RID (no PASID) ",
		       f.pasid_valid ? f.pasid : 0, f.iova, f.write ? "write" : "read",
		       f.reason);
		return;
	}
	printf("  SIMULATED IOMMU recorded no fault at that IOVA\n");
}

static int
copy_one(struct demo *d, uint16_t q, uint64_t src, struct pdk_dmadev_status *st)
{
	int rc = pdk_dmadev_copy(d->id, q, src, d->target_iova, PAGE, PDK_DMADEV_OP_SUBMIT);

	if (rc < 0) {
		tp_err("isolation: enqueue on queue %u: %s", q, strerror(-rc));
		return rc;
	}
	rc = wait_one(d->id, q, st);
	if (rc < 0)
		tp_err("isolation: queue %u: no completion within 2 s", q);
	return rc;
}

static void
demo_run(struct demo *d)
{
	const char *as_from = pdk_dma_as_name(d->from.as), *as_to = pdk_dma_as_name(d->to.as);
	struct pdk_dmadev_status st;
	unsigned int changed;
	bool refused;
	int rc;

	printf("isolation on device %d%s: queue %u = PASID %u in %s, queue %u = PASID %u in %s\n",
	       d->id, tp.sim != NULL ? " (SIMULATED)" : "", d->qf, d->from.pasid, as_from, d->qt,
	       d->to.pasid, as_to);
	printf("  target: %u bytes of 0x%02x at IOVA 0x%" PRIx64 ", mapped in %s only "
	       "(%s maps nothing there)\n", PAGE, TARGET_BYTE, d->target_iova, as_to, as_from);

	/* 1: q_from, whose PASID translates through as_from */
	if (copy_one(d, d->qf, d->src_from_iova, &st) < 0)
		return;
	refused = st.code != PDK_DMADEV_ST_SUCCESS;
	printf("  queue %u (PASID %u) copy of %u bytes of 0x%02x to IOVA 0x%" PRIx64 ": %s",
	       d->qf, d->from.pasid, PAGE, FROM_BYTE, d->target_iova,
	       pdk_dmadev_status_name(st.code));
	if (st.code == PDK_DMADEV_ST_PAGE_FAULT)
		/* "show stats" names the last fault of a queue; no worker runs now */
		__atomic_store_n(&tp.dev[d->id].q[d->qf].ctr.last_fault_iova, st.fault_addr,
				 __ATOMIC_RELAXED);
	if (st.code == PDK_DMADEV_ST_PAGE_FAULT)
		printf(" at IOVA 0x%" PRIx64 " (%s), PASID %u, %u bytes done", st.fault_addr,
		       st.fault_write ? "write" : "read", d->from.pasid, st.bytes_done);
	printf("\n");
	sim_fault_report(d);
	changed = count_not(d->target, TARGET_BYTE);
	if (changed == 0)
		printf("  target unchanged: all %u bytes still 0x%02x\n", PAGE, TARGET_BYTE);
	else
		printf("  target CHANGED: %u of %u bytes differ from 0x%02x\n", changed, PAGE,
		       TARGET_BYTE);

	/* 2: q_to, whose space maps the target */
	rc = copy_one(d, d->qt, d->src_to_iova, &st);
	if (rc < 0)
		return;
	printf("  queue %u (PASID %u) copy of %u bytes of 0x%02x to IOVA 0x%" PRIx64 ": %s\n",
	       d->qt, d->to.pasid, PAGE, TO_BYTE, d->target_iova, pdk_dmadev_status_name(st.code));
	printf("  target now: %u of %u bytes are 0x%02x\n", PAGE - count_not(d->target, TO_BYTE),
	       PAGE, TO_BYTE);

	if (refused && changed == 0 && st.code == PDK_DMADEV_ST_SUCCESS &&
	    count_not(d->target, TO_BYTE) == 0)
		printf("isolation holds: PASID %u could not write %s's memory, PASID %u could\n",
		       d->from.pasid, as_to, d->to.pasid);
	else
		tp_err("isolation NOT shown: see the lines above");
}

static int
demo_prepare(struct demo *d)
{
	int rc;

	d->src_from = page(FROM_BYTE);
	d->src_to = page(TO_BYTE);
	d->target = page(TARGET_BYTE);
	if (d->src_from == NULL || d->src_to == NULL || d->target == NULL) {
		tp_err("isolation: out of memory");
		return -ENOMEM;
	}
	rc = pdk_dma_map(d->from.as, d->src_from, PAGE, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			 &d->src_from_iova);
	if (rc < 0)
		goto fail;
	d->src_from_mapped = true;
	rc = pdk_dma_map(d->to.as, d->src_to, PAGE, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			 &d->src_to_iova);
	if (rc < 0)
		goto fail;
	d->src_to_mapped = true;
	rc = place_target(d);
	if (rc < 0)
		goto fail;
	if (!tp.dev[d->id].started) {
		rc = pdk_dmadev_start(d->id);
		if (rc < 0)
			goto fail;
		d->started = true;
	}
	return 0;
fail:
	tp_err("isolation: preparing the buffers and the device: %s", strerror(-rc));
	return rc;
}

static void
demo_cleanup(struct demo *d)
{
	if (d->started)
		pdk_dmadev_stop(d->id);
	if (d->target_mapped)
		pdk_dma_unmap(d->to.as, d->target);
	if (d->src_to_mapped)
		pdk_dma_unmap(d->to.as, d->src_to);
	if (d->src_from_mapped)
		pdk_dma_unmap(d->from.as, d->src_from);
	if (d->target != NULL)
		munmap(d->target, PAGE);
	if (d->src_to != NULL)
		munmap(d->src_to, PAGE);
	if (d->src_from != NULL)
		munmap(d->src_from, PAGE);
}

struct res_iso {
	cmdline_fixed_string_t iso;
	char dev[TP_ARG_LEN];
	char qf[TP_ARG_LEN];
	char qt[TP_ARG_LEN];
};

static int
parse_set_up_queue(int id, const char *s, uint16_t *q, struct pdk_dmadev_queue_info *qi)
{
	uint64_t v;

	if (tp_parse_u64(s, "queue", 0, PDK_DMADEV_MAX_QUEUES - 1, &v) < 0)
		return -1;
	*q = (uint16_t)v;
	if (tp_queue_info(id, *q, qi) != 0) {
		tp_err("device %d queue %u is not set up", id, *q);
		return -1;
	}
	return 0;
}

static void
cmd_isolation(void *res)
{
	struct res_iso *r = res;
	struct tp_snap before_f, before_t;
	struct demo d = { 0 };

	if (tp_parse_dev(r->dev, &d.id) < 0 ||
	    parse_set_up_queue(d.id, r->qf, &d.qf, &d.from) < 0 ||
	    parse_set_up_queue(d.id, r->qt, &d.qt, &d.to) < 0)
		return;
	if (tp.running) {
		tp_err("isolation: traffic is running on these queues: stop first");
		return;
	}
	if (d.qf == d.qt || d.from.as == d.to.as) {
		tp_err("isolation needs two queues in two address spaces (queues %u and %u "
		       "are both in %s)", d.qf, d.qt, pdk_dma_as_name(d.from.as));
		return;
	}
	tp_queue_snap(d.id, d.qf, &before_f);
	tp_queue_snap(d.id, d.qt, &before_t);
	if (demo_prepare(&d) == 0)
		demo_run(&d);
	demo_cleanup(&d);
	/* the demonstration's ops and fault are its own, not traffic's */
	tp_stats_exclude(d.id, d.qf, &before_f);
	tp_stats_exclude(d.id, d.qt, &before_t);
	printf("(the demonstration's ops and fault are not counted in 'show stats')\n");
}

static struct tp_cmd_def def_iso = { cmd_isolation };

static cmdline_parse_token_string_t tok_iso =
	TOKEN_STRING_INITIALIZER(struct res_iso, iso, "isolation");
static struct tp_token tok_dev = TP_TOKEN_WORD(struct res_iso, dev, "<dev_id>");
static struct tp_token tok_qf = TP_TOKEN_WORD(struct res_iso, qf, "<q_from>");
static struct tp_token tok_qt = TP_TOKEN_WORD(struct res_iso, qt, "<q_to>");

static cmdline_parse_inst_t inst_iso = {
	.f = tp_cmd_dispatch,
	.data = &def_iso,
	.help_str = "isolation <dev_id> <q_from> <q_to>: q_from writes into q_to's space",
	.tokens = { (void *)&tok_iso, (void *)&tok_dev, (void *)&tok_qf, (void *)&tok_qt, NULL },
};

static cmdline_parse_inst_t *insts[] = { &inst_iso, NULL };

static const struct tp_help help[] = {
	{ "isolation <dev_id> <q_from> <q_to>",
	  "map a page in q_to's space only; q_from copies to it: a page fault with q_from's "
	  "PASID, the page unchanged; then q_to's copy lands" },
	{ NULL, NULL },
};

const struct tp_group tp_group_isolation = { "Demonstration", insts, help };
