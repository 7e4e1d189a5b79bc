/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_TRAP_H
#define SIM_TRAP_H

/**
 * @file
 * The trap: memory that behaves like a device BAR of the SIMULATION.
 *
 * A trapped region is an address range reserved PROT_NONE. Every load and
 * store an unmodified program makes to it faults; the SIGSEGV handler
 * decodes the instruction at RIP (sim_trap_x86.h), performs its accesses on
 * the region's ops (the device model) at the right offset, width and order,
 * writes the results into the interrupted registers and resumes the program
 * after the instruction, as if the hardware had answered. MOVDIR64B and
 * MOVDIRI, which a CPU without them refuses with #UD (SIGILL), are emulated
 * from the SIGILL handler the same way. doc/sim-run.md, "BAR access under
 * the runner", says why this is done with a decoder and not by single-step,
 * what is decoded, what is refused and what it costs.
 *
 * Used by the runner's preload library (drivers/sim/run); depends on
 * nothing of the sim, only on libc and PDK's log.
 */

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/** Most regions that can be trapped at once (the handler walks a fixed array). */
#define SIM_TRAP_MAX_REGIONS 64

/**
 * What a trapped region does with an access. Both run in the handler of a
 * synchronous fault of the thread that made the access (see sim_trap.c for
 * why they may take the sim's mutex) and must not unmap their own region.
 * A failure (-errno) is logged by the trap with the region, the offset and
 * the instruction, and the program receives SIGBUS, as from a device that
 * failed the transaction.
 */
struct sim_trap_ops {
	/**
	 * Load @p width bytes (1, 2, 4, 8, 16 or 32) at @p off of the region
	 * into @p val (little-endian, as the CPU would see them).
	 * @return 0 or -errno.
	 */
	int (*read)(void *priv, uint64_t off, void *val, unsigned int width);
	/**
	 * Store @p width bytes (1, 2, 4, 8, 16, 32; 64: one 64-byte store of
	 * MOVDIR64B, never split) from @p val at @p off.
	 * @return 0 or -errno.
	 */
	int (*write)(void *priv, uint64_t off, const void *val, unsigned int width);
};

/**
 * Install the SIGSEGV and SIGILL handlers (SA_SIGINFO | SA_NODEFER). The
 * dispositions they replace are kept: a fault that is not on a trapped
 * region (or a SIGILL that is not MOVDIR64B/MOVDIRI to one) goes to them,
 * so a real segfault still ends the program as it did before (or reaches
 * the sanitizer's or the program's own handler). Idempotent, thread-safe.
 * @return 0 or -errno (logged).
 */
int sim_trap_init(void);

/**
 * Replace the disposition the trap chains to for @p sig (SIGSEGV or
 * SIGILL) without uninstalling the trap: what a preload library's
 * sigaction() answers a program that sets its own handler for them, so
 * that the program's handler gets every fault that is not the trap's.
 * Calls sim_trap_init() when it was not called yet.
 * @param sig  SIGSEGV or SIGILL
 * @param act  the program's new disposition, or NULL to leave it
 * @param[out] oldact  the one replaced (what sigaction() reports); may be NULL
 * @return 0, or -EINVAL (another signal; logged).
 */
int sim_trap_chain_sigaction(int sig, const struct sigaction *act, struct sigaction *oldact);

/**
 * Reserve @p len bytes (rounded up to pages) PROT_NONE and trap them.
 * Calls sim_trap_init() when it was not called yet.
 * @param len  the region's size (non-zero)
 * @param ops  the device side; read and write non-NULL; must outlive the region
 * @param priv  passed to @p ops
 * @param name  the region's name in log lines (copied, truncated to 47 chars)
 * @param[out] addr  the region's first byte
 * @return 0, -EINVAL (bad argument), -ENOSPC (SIM_TRAP_MAX_REGIONS in use),
 *   or the -errno of mmap; each logged.
 */
int sim_trap_map(size_t len, const struct sim_trap_ops *ops, void *priv, const char *name,
		 void **addr);

/**
 * sim_trap_map() at @p addr exactly, replacing what is mapped there as
 * mmap(MAP_FIXED) does: for a program that reserves an address range first
 * and then maps its BAR over it (DPDK's VFIO BAR mapping does).
 * @param addr  page-aligned
 * @param len  as for sim_trap_map()
 * @param ops  as for sim_trap_map()
 * @param priv  as for sim_trap_map()
 * @param name  as for sim_trap_map()
 * @return 0, -EINVAL, -EEXIST (the range meets a trapped region), -ENOSPC,
 *   or the -errno of mmap; each logged.
 */
int sim_trap_map_fixed(void *addr, size_t len, const struct sim_trap_ops *ops, void *priv,
		       const char *name);

/**
 * Untrap and unmap a whole region, given as sim_trap_map() returned it
 * (@p len as passed there, or its page-rounded value). Waits until no
 * handler uses the region any more, so its ops and priv may be freed on
 * return. Must not be called from the region's own ops.
 * @return 0; -ENOENT, not logged, when the range meets no region (a
 *   preload's munmap() then calls the real one); -EINVAL (part of a region;
 *   logged); or the -errno of munmap.
 */
int sim_trap_unmap(void *addr, size_t len);

/**
 * Untrap every region inside [@p addr, @p addr + @p len), leaving its pages
 * mapped (PROT_NONE, no longer trapped) for the caller's own munmap of the
 * whole range: what a munmap() that covers BAR mappings and other memory at
 * once needs. Each region's @p release(priv) is called once no handler uses
 * it. Must not be called from a region's own ops.
 * @return the number of regions untrapped (0: none there), or -EINVAL
 *   (logged, nothing changed) when the range cuts a region in part.
 */
int sim_trap_untrap_range(void *addr, size_t len, void (*release)(void *priv));

/** What the trap did since the process started. */
struct sim_trap_stats {
	uint64_t reads;		/**< read callbacks */
	uint64_t writes;	/**< write callbacks, stores64 included */
	uint64_t stores64;	/**< 64-byte stores (MOVDIR64B) */
	uint64_t sigill_emulated; /**< instructions emulated from SIGILL (no such instruction on this CPU) */
	uint64_t refused;	/**< faults on a region that ended in SIGBUS */
};

/** Copy the counters into @p st. */
void sim_trap_stats_get(struct sim_trap_stats *st);

#endif /* SIM_TRAP_H */
