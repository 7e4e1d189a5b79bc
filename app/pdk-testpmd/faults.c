/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * I/O page faults: "as demand <name> <size>" gives an address space lib/dma's
 * map-on-demand policy over a buffer of its own, nothing mapped, so the
 * device's first touch of each page faults; "show fault stats" prints what
 * the handler did, per queue (= per PASID) and per space.
 *
 * A thread of this file reads the faults: every millisecond it takes
 * tp.lock (lib/dma's control path is not thread-safe, and the commands map
 * and unmap too) and polls each space that has the handler. The handler
 * counts whatever arrives: a fault of a device that reports it and goes on
 * (a DSA WQ without block on fault completes the op with a page fault, and
 * the next op to that page succeeds) or of one that waits for the answer.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testpmd.h"

#define TP_FAULT_POLL_US 1000
#define TP_FAULT_BATCH 32u

static pthread_t fault_thread;
static bool fault_thread_on;
static uint32_t fault_stop;

static struct tp_fault_pasid *
pasid_ctr(struct tp_as *a, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < a->nb_fp; i++)
		if (a->fp[i].pasid == pasid)
			return &a->fp[i];
	if (a->nb_fp == TP_MAX_FPASID)
		return NULL;	/* counted in the space's totals only */
	a->fp[a->nb_fp].pasid = pasid;
	return &a->fp[a->nb_fp++];
}

/* Whether the page of @p iova in the space's on-demand buffer is mapped already. */
static bool
demand_page_mapped(const struct tp_as *a, uint64_t iova)
{
	unsigned int i;

	for (i = 0; i < a->nb_bufs; i++) {
		const struct tp_buf *b = &a->bufs[i];

		if (b->demand && iova >= b->iova && iova - b->iova < b->len)
			return pdk_dma_va2iova_strict(a->as, b->va + (iova - b->iova)) !=
			       PDK_DMA_BAD_IOVA;
	}
	return false;
}

/*
 * lib/dma's policy, counted per PASID; it logs what it refuses. A request
 * for a page mapped already (another op faulted on it before the first
 * answer) the policy resolves without a map; it is counted apart ("again").
 */
static int
fault_cb(struct pdk_dma_as *as, const struct pdk_dma_fault *f, void *arg)
{
	struct tp_as *a = arg;
	struct tp_fault_pasid *c = pasid_ctr(a, f->pasid);
	bool again = demand_page_mapped(a, f->iova);
	int rc = pdk_dma_fault_map_on_demand(as, f, NULL);

	if (c != NULL) {
		c->faults++;
		if (again)
			c->again++;
		else if (rc == 0)
			c->resolved++;
		else
			c->refused++;
	}
	return rc;
}

static void *
fault_main(void *arg)
{
	unsigned int i;

	(void)arg;
	while (!__atomic_load_n(&fault_stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&tp.lock);
		for (i = 0; i < TP_MAX_AS; i++)
			if (tp.as[i] != NULL && tp.as[i]->demand)
				/* lib/dma logs a failed read or response */
				pdk_dma_as_fault_poll(tp.as[i]->as, TP_FAULT_BATCH);
		pthread_mutex_unlock(&tp.lock);
		usleep(TP_FAULT_POLL_US);
	}
	return NULL;
}

void
tp_faults_stop(void)
{
	if (!fault_thread_on)
		return;
	__atomic_store_n(&fault_stop, 1, __ATOMIC_RELEASE);
	pthread_join(fault_thread, NULL);
	fault_thread_on = false;
	__atomic_store_n(&fault_stop, 0, __ATOMIC_RELAXED);
}

int
tp_faults_demand(struct tp_as *a, size_t len, struct tp_buf **out)
{
	struct tp_buf *b;
	void *va;
	int rc;

	if (a->demand) {
		tp_err("%s: has its on-demand buffer already (lib/dma keeps one region per space)",
		       a->name);
		return -EEXIST;
	}
	rc = tp_as_buf_mmap(a, &len, &va);
	if (rc < 0)
		return rc;
	/* HWPTs made without a fault queue cannot take the handler (lib/dma logs it) */
	rc = pdk_dma_as_set_fault_handler(a->as, fault_cb, a);
	if (rc < 0) {
		tp_err("as demand %s: %s%s", a->name, strerror(-rc),
		       rc == -EBUSY ? ": a queue uses it already; do it before 'queue setup'" : "");
		munmap(va, len);
		return rc;
	}
	/* at IOVA = VA, where pdk_dma_map() would have put it */
	rc = pdk_dma_as_fault_region(a->as, va, len, (uint64_t)(uintptr_t)va,
				     PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	if (rc < 0) {
		tp_err("as demand %s: fault region: %s", a->name, strerror(-rc));
		munmap(va, len);
		goto fail;
	}
	if (!fault_thread_on) {
		rc = -pthread_create(&fault_thread, NULL, fault_main, NULL);
		if (rc < 0) {
			tp_err("as demand %s: no fault thread: %s", a->name, strerror(-rc));
			munmap(va, len);
			goto fail;
		}
		fault_thread_on = true;
	}
	b = &a->bufs[a->nb_bufs++];
	*b = (struct tp_buf){ .va = va, .len = len, .iova = (uint64_t)(uintptr_t)va,
			      .demand = true };
	a->demand = true;
	if (out != NULL)
		*out = b;
	return 0;
fail:
	pdk_dma_as_set_fault_handler(a->as, NULL, NULL);
	return rc;
}

void
tp_faults_show(void)
{
	struct pdk_dma_fault_stats st;
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_stats ds;
	unsigned int i, j, shown = 0;
	uint16_t q;
	int id;

	printf("fault stats: faults the handler read per queue (PASID), the device's page "
	       "faults; then per address space\n");
	printf("  %-6s %-6s %-12s %8s %9s %8s %8s %11s\n", "queue", "PASID", "as", "faults",
	       "resolved", "again", "refused", "dev faults");
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1)) {
		for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++) {
			const struct tp_fault_pasid *c = NULL;
			struct tp_as *a;
			char qn[16];

			if (tp_queue_info(id, q, &qi) != 0 || (a = tp_as_of(qi.as)) == NULL)
				continue;
			for (j = 0; j < a->nb_fp; j++)
				if (a->fp[j].pasid == qi.pasid)
					c = &a->fp[j];
			if (pdk_dmadev_stats_get(id, q, &ds) != 0)
				memset(&ds, 0, sizeof(ds));
			snprintf(qn, sizeof(qn), "%d/%u", id, q);
			if (!a->demand)
				printf("  %-6s %-6u %-12s %8s %9s %8s %8s %11" PRIu64 "\n", qn,
				       qi.pasid, a->name, "-", "-", "-", "-", ds.page_faults);
			else
				printf("  %-6s %-6u %-12s %8" PRIu64 " %9" PRIu64 " %8" PRIu64
				       " %8" PRIu64 " %11" PRIu64 "\n", qn, qi.pasid, a->name,
				       c != NULL ? c->faults : 0, c != NULL ? c->resolved : 0,
				       c != NULL ? c->again : 0, c != NULL ? c->refused : 0,
				       ds.page_faults);
			shown++;
		}
	}
	if (shown == 0)
		printf("  (no queue is set up)\n");
	for (i = 0; i < TP_MAX_AS; i++) {
		const struct tp_as *a = tp.as[i];

		if (a == NULL || !a->demand || pdk_dma_as_fault_stats(a->as, &st) != 0)
			continue;
		printf("  address space %s: %" PRIu64 " faults read, %" PRIu64 " resolved, %" PRIu64
		       " refused; groups %" PRIu64 " answered success, %" PRIu64 " invalid; %"
		       PRIu64 " errors", a->name, st.faults, st.resolved, st.refused, st.groups_ok,
		       st.groups_invalid, st.errors);
		if (st.faults != 0)
			printf("; last IOVA 0x%" PRIx64 "", st.last_iova);
		printf("%s\n", tp.sim != NULL ? "  SIMULATED" : "");
	}
}
