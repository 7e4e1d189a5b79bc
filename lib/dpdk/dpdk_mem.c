/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_memory.h>

#include "pdk_dpdk.h"
#include "pdk_log.h"

struct dpdk_walk {
	struct pdk_dma_as *as;
	unsigned int perm;
	void **done;		/* VAs this call mapped, to undo on failure */
	unsigned int ndone;
	unsigned int cap;
	int rc;
	bool logged;		/* rc came from pdk_dma_map(), which logged it */
	void *fail_va;
	size_t fail_len;
};

/*
 * Called with DPDK's memory hotplug lock held for reading: nothing here may
 * call back into DPDK's memory API.
 */
static int
dpdk_map_chunk(const struct rte_memseg_list *msl, const struct rte_memseg *ms, size_t len,
	       void *arg)
{
	struct dpdk_walk *w = arg;
	int rc;

	/*
	 * External memory (rte_extmem_register, rte_malloc_heap_memory_add)
	 * comes and goes under the application's control, as with DPDK's own
	 * VFIO code: the application maps it with pdk_dma_map() itself.
	 */
	if (msl->external)
		return 0;
	if (w->ndone == w->cap) {
		unsigned int ncap = w->cap != 0 ? w->cap * 2 : 16;
		void **p = realloc(w->done, (size_t)ncap * sizeof(*p));

		if (p == NULL) {
			w->rc = -ENOMEM;
			w->fail_va = ms->addr;
			w->fail_len = len;
			return -1;
		}
		w->done = p;
		w->cap = ncap;
	}
	rc = pdk_dma_map(w->as, ms->addr, len, w->perm, NULL);
	if (rc < 0) {
		w->rc = rc;
		w->logged = true;
		w->fail_va = ms->addr;
		w->fail_len = len;
		return -1;
	}
	w->done[w->ndone++] = ms->addr;
	return 0;
}

static int
dpdk_count_list(const struct rte_memseg_list *msl, void *arg)
{
	if (!msl->external)
		(*(unsigned int *)arg)++;
	return 0;
}

int
pdk_dpdk_mem_map(struct pdk_dma_as *as, unsigned int perm)
{
	struct dpdk_walk w = { .as = as, .perm = perm };
	unsigned int i, lists = 0;
	char what[96];
	int rc;

	if (pdk_log_null(as, "dpdk", NULL, "pass one from pdk_dma_as_create()",
			 "DPDK memory map: NULL address space"))
		return -EINVAL;
	snprintf(what, sizeof(what), "address space '%s'", pdk_dma_as_name(as));
	/*
	 * Before rte_eal_init() the lcore count reads 0 from EAL's static,
	 * zeroed config (22.11 and 24.11 alike), so nothing else is touched
	 * then. A failed rte_eal_init() can leave lcores counted without any
	 * memseg list: the list walk catches that.
	 */
	if (rte_lcore_count() != 0)
		rte_memseg_list_walk(dpdk_count_list, &lists);
	if (lists == 0)
		return pdk_log_fail("dpdk", what, -ENODEV,
				    "call rte_eal_init() first and check its result",
				    "DPDK memory map: DPDK's EAL is not initialised (or its initialisation failed)");
	rc = rte_memseg_contig_walk(dpdk_map_chunk, &w);
	if (rc < 0 || w.rc < 0) {
		if (w.rc == 0)
			w.rc = -EIO; /* not ours: DPDK itself failed the walk */
		/* a refused pdk_dma_map() logged the chunk itself */
		if (!w.logged)
			pdk_log_fail("dpdk", what, w.rc, w.rc == -ENOMEM ? "free some memory" : NULL,
				     "DPDK memory map at the chunk VA %p length %zu (the %u chunk(s) mapped by this call are unmapped again)",
				     w.fail_va, w.fail_len, w.ndone);
		for (i = 0; i < w.ndone; i++)
			pdk_dma_unmap(as, w.done[i]);
		free(w.done);
		return w.rc;
	}
	free(w.done);
	PDK_LOG(DEBUG, "dpdk", "%s: %u DPDK memory chunk(s) mapped", what, w.ndone);
	return (int)w.ndone;
}
