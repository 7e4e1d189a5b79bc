/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_H
#define SIM_H

/*
 * The base of PDK's simulated kernel (a simulation, not a kernel), shared
 * by its three layers, each with its private header:
 *
 *   kernel/   the kernel model: the boundary backend, fds and files,
 *             iommufd objects and ioctls, the VFIO cdev, sysfs
 *             (kernel/sim_kernel.h)
 *   iommu/    the IOMMU: its kind, groups, domains and attachments, the
 *             IO page table, translation and the DMA port, the fault log
 *             (iommu/sim_iommu.h)
 *   devices/  PCI functions and the device models (devices/sim_devices.h)
 *
 * Calls point one way, as in the kernel: the kernel model programs the
 * IOMMU and drives the PCI functions; a device model reaches memory through
 * the IOMMU's DMA API; the IOMMU reads a function's identity (group, PASID
 * width). Where a lower layer acts on a higher one it calls through what
 * the higher one installed: a model's ops (struct sim_model), a domain's
 * fault handler, a function's MSI-X handler, an object's and a file's ops.
 * doc/sim.md, "Source files", has the graph.
 *
 * Everything runs with sim->lock held unless a comment says otherwise:
 * one mutex per sim, taken by every entry point (boundary ops, DMA port,
 * stats), so device-model threads may call the DMA port at any time.
 */

#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "pdk_log.h"
#include "pdk_sim.h"
#include "pdk_sys_backend.h"

#define SIM_PAGE_SIZE		4096ULL
#define SIM_ULONG_MAX		UINT64_MAX	/* ULONG_MAX of the 64-bit kernel we model */
#define SIM_MAX_PASID_BITS	20		/* PCIe PASID width limit */
#define SIM_FAULT_LOG_MAX	1024u		/* faults kept for pdk_sim_fault_pop() */

#define sim_container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/* An event of the sim (a failure goes through sim_fail()). */
#define SIM_LOG(level, ...) PDK_LOG(level, "sim", __VA_ARGS__)

/*
 * The sim's one failure report (sim_log.c): at @p level, the line
 *
 *     <object>: <step>: <strerror(-rc)> (-E...); <fix>
 *
 * with the parts lib/log's failure report has. @p object is what failed as
 * the user names it (a PCI address, "simulated kernel"), NULL when the step
 * says it; @p fix is what to do, NULL when there is nothing to say; the
 * step (@p step_fmt) is the call or rule that refused, then after ": " what
 * was wrong. @return @p rc.
 */
int sim_fail(enum pdk_log_level level, const char *object, int rc, const char *fix,
	     const char *step_fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * A rule of the simulated kernel refused @p step, for @p why: every rule
 * returns through here so that a test that hits one can see at DEBUG which
 * it was. The kernel logs nothing for these, so neither does the sim above
 * DEBUG; the layer above that gets the errno reports the failure.
 */
#define sim_err(rc, step, why) \
	sim_fail(PDK_LOG_DEBUG, NULL, (rc), NULL, "%s: %s", (step), (why))

/*
 * A public sim call's argument check: when @p ptr is NULL, report the call
 * (@p op), what is wrong (@p why) and the fix at ERR (PDK's own refusal of
 * a caller's NULL), and return @p ret (-EINVAL, or the neutral value the
 * header documents; empty for void).
 */
#define SIM_ARG_CHECK(ptr, op, why, fix, ret)					\
	do {									\
		if ((ptr) == NULL) {						\
			sim_fail(PDK_LOG_ERR, "simulated kernel", -EINVAL, (fix),	\
				 "%s: %s", (op), (why));			\
			return ret;						\
		}								\
	} while (0)

struct sim_ctx;
struct sim_fd;
struct sim_file;
struct sim_fn;
struct sim_group;
struct sim_iommu_kind;
struct sim_portal;
struct sim_vgroup;

/*
 * A BAR mapping the sim handed out (kernel/sim_fd.c). The IO page table
 * checks a pin against these: a VM_PFNMAP range cannot be pinned.
 */
struct sim_mmap {
	void *addr;
	size_t len;
	struct sim_file *file;
};

/* ---- the instance (sim.c) ---- */

/* Sim fd numbers stay below this (sim_fd_install() refuses beyond: -EMFILE). */
#define SIM_MAX_FD 65536

struct pdk_sim {
	struct pdk_sys sys;
	pthread_mutex_t lock;
	/*
	 * A device access that ran without the lock ended (sim_iommu_unpin()):
	 * an unmap, a detach or a replace waiting for the memory or the
	 * attachment it used wakes up (iommu/sim_iommu.h, "pinned accesses").
	 */
	pthread_cond_t dma_idle;
	/*
	 * A page request's state changed (a response, a flush, an attachment
	 * leaving, an engine stopping): its requester wakes
	 * (iommu/sim_iommu.h, "page requests"). CLOCK_MONOTONIC.
	 */
	pthread_cond_t prq_cond;
	struct pdk_sim_config cfg;
	const struct sim_iommu_kind *iommu;	/* what cfg.iommu is */

	struct sim_fn *fns;		/* creation order */
	int next_vfio;
	struct sim_group *groups;
	struct sim_ctx *ctxs;

	struct sim_fd *fds;
	unsigned int nfds;
	unsigned int cap_fds;
	/*
	 * Which fd numbers are the sim's, readable without the lock: a
	 * program that routes every libc call by fd (pdk-sim-run) asks from
	 * threads that may hold the lock (a model signalling an eventfd).
	 */
	_Atomic uint64_t fd_bits[SIM_MAX_FD / 64];
	struct sim_mmap *mmaps;
	unsigned int nmmaps;
	unsigned int cap_mmaps;
	struct sim_portal *portals;	/* store64 hooks handed out (kernel/sim_vfio.c) */
	struct sim_vgroup *vgroups;	/* VFIO groups whose file is open (kernel/sim_group.c) */

	struct pdk_sim_fault faults[SIM_FAULT_LOG_MAX];
	unsigned int fault_head;	/* oldest */
	unsigned int fault_count;
	uint64_t faults_dropped;

	struct pdk_sim_stats st;	/* live counters, kept up to date */

	uint64_t fail_nth;		/* 0: disarmed */
	int fail_err;
	bool fail_fired;
};

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

#endif /* SIM_H */
