/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The trap's regions and signal handlers (sim_trap.h); the instructions are
 * sim_trap_x86.c's. Part of the SIMULATION: it makes PROT_NONE memory
 * answer like a simulated device's BAR.
 *
 * Signal safety. The handlers run on any thread, at any instruction that
 * touches a PROT_NONE page or that this CPU does not have. So:
 *
 * - Finding the region: a fixed array, each slot with one atomic state
 *   word (generation << 2 | FREE/SETUP/LIVE/DYING) and a count of the
 *   handlers using it. A handler takes a LIVE slot by raising its count and
 *   seeing the same state word again (a slot freed and reused meanwhile has
 *   another generation); sim_trap_unmap() moves the slot to DYING, waits
 *   for the count to drop to zero, and only then unmaps and frees it. No
 *   allocation and no lock on this path: the interrupted thread may hold
 *   any lock of the program, malloc's included, when the fault is not ours.
 *
 * - The device callbacks (and the log line of a refusal) do take locks,
 *   the sim's mutex among them. That is sound because a fault on a trapped
 *   region is synchronous: the thread was executing an ordinary load or
 *   store of the program's own MMIO code, so it holds no lock of the sim
 *   (the sim never touches a trapped region itself) and none of libc's
 *   (libc does not touch BAR memory); the callback runs as if that thread
 *   had called the sim. Only a fault that is ours gets there; any other
 *   goes to the previous handler untouched.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pdk_log.h"
#include "sim_trap.h"
#include "sim_trap_x86.h"

#define COMP "sim-trap"

enum { ST_FREE, ST_SETUP, ST_LIVE, ST_DYING };

struct region {
	_Atomic uint64_t state;		/* generation << 2 | ST_* */
	_Atomic uint32_t users;		/* handlers in the region now */
	/* set in SETUP, read by handlers (atomically: a handler may look
	 * while the slot is being set up, and then does not take it) */
	uintptr_t base;
	size_t len;
	const struct sim_trap_ops *ops;
	void *priv;
	char name[48];
};

static struct region regions[SIM_TRAP_MAX_REGIONS];

static struct {
	_Atomic uint64_t reads, writes, stores64, sigill_emulated, refused;
} stats;

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static bool initialized;
/* written once, before the handlers are installed */
static struct sigaction old_segv, old_ill;
static size_t page_size;

/* ---- regions ---- */

/* Take the LIVE region holding @p addr. @return its slot, or NULL. */
static struct region *
region_get(uint64_t addr)
{
	struct region *r;
	uint64_t s;
	unsigned int i;

	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		s = atomic_load(&r->state);
		if ((s & 3) != ST_LIVE)
			continue;
		if (addr - __atomic_load_n(&r->base, __ATOMIC_RELAXED) >=
		    __atomic_load_n(&r->len, __ATOMIC_RELAXED))
			continue;
		atomic_fetch_add(&r->users, 1);
		if (atomic_load(&r->state) == s)
			return r;	/* LIVE, the same region: its fields hold */
		atomic_fetch_sub(&r->users, 1);
	}
	return NULL;
}

static void
region_put(struct region *r)
{
	atomic_fetch_sub(&r->users, 1);
}

static bool
region_holds(const struct region *r, uint64_t addr, uint64_t width)
{
	return addr >= r->base && width <= r->len && addr - r->base <= r->len - width;
}

/* ---- the bus the executor uses: a region's ops at an offset ---- */

struct bus_ctx {
	struct region *r;
	const char *failed;	/* which callback failed, for the log */
};

static int
bus_read(void *ctx, uint64_t addr, void *val, unsigned int width)
{
	struct bus_ctx *b = ctx;
	int rc;

	atomic_fetch_add_explicit(&stats.reads, 1, memory_order_relaxed);
	rc = b->r->ops->read(b->r->priv, addr - b->r->base, val, width);
	if (rc < 0)
		b->failed = "the device's read callback failed";
	return rc;
}

static int
bus_write(void *ctx, uint64_t addr, const void *val, unsigned int width)
{
	struct bus_ctx *b = ctx;
	int rc;

	atomic_fetch_add_explicit(&stats.writes, 1, memory_order_relaxed);
	if (width == 64)
		atomic_fetch_add_explicit(&stats.stores64, 1, memory_order_relaxed);
	rc = b->r->ops->write(b->r->priv, addr - b->r->base, val, width);
	if (rc < 0)
		b->failed = "the device's write callback failed";
	return rc;
}

/* ---- the handlers ---- */

/*
 * The bytes at RIP for the log: up to 15, not past the end of RIP's page
 * (that page is mapped: the CPU fetched from it), beyond what the decoder
 * read; not instrumented, they are code.
 */
__attribute__((no_sanitize("address")))
static void
hex_bytes(char *out, size_t size, const ucontext_t *uc)
{
	const volatile uint8_t *p = (const volatile uint8_t *)uc->uc_mcontext.gregs[REG_RIP];
	size_t n = 0, left = page_size - ((uintptr_t)p & (page_size - 1));
	unsigned int i;

	out[0] = '\0';
	for (i = 0; i < SIM_TRAP_X86_MAX_LEN && i < left && n + 4 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s%02x", i ? " " : "", p[i]);
}

/*
 * A fault on a region that the trap cannot or must not complete: one ERR
 * line, then SIGBUS for the program, as from a device that failed the
 * transaction. SIGBUS is unblocked first (else the instruction would be
 * retried for ever); if the program's own SIGBUS handler returns, the
 * default action follows, for the same reason.
 */
static void
refuse(const struct region *r, const ucontext_t *uc, const struct sim_trap_x86_insn *in,
       uint64_t addr, int rc, const char *what)
{
	char bytes[3 * SIM_TRAP_X86_MAX_LEN + 1];
	sigset_t set;

	atomic_fetch_add_explicit(&stats.refused, 1, memory_order_relaxed);
	hex_bytes(bytes, sizeof(bytes), uc);
	pdk_log_fail(COMP, r->name, rc,
		     rc == -ENOTSUP ? "the trap decodes the loads, stores and read-modify-writes listed in doc/sim-run.md; access the (simulated) BAR with one of them"
				    : "the simulated device refused the access; the program gets SIGBUS as from a failed bus transaction",
		     "access at offset 0x%llx by the instruction at 0x%llx (bytes at RIP %s): %s%s%s",
		     (unsigned long long)(addr - r->base),
		     (unsigned long long)uc->uc_mcontext.gregs[REG_RIP], bytes, what,
		     in->why ? ": " : "", in->why ? in->why : "");
	sigemptyset(&set);
	sigaddset(&set, SIGBUS);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGBUS);
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

/* @return true when the fault was on a region (done or refused), false when not ours */
static bool
handle(int sig, const siginfo_t *si, ucontext_t *uc)
{
	struct sim_trap_x86_insn in;
	struct sim_trap_x86_bus bus;
	struct bus_ctx bctx;
	struct region *r, *other;
	uint64_t fault;
	int rc;

	if (si->si_code <= 0)
		return false;	/* sent by kill() or sigqueue(), not a fault */
	r = region_get((uint64_t)uc->uc_mcontext.gregs[REG_RIP]);
	if (r != NULL) {
		/* executing from a BAR: a jump gone wrong; reading the
		 * "instruction" would fault in here, and it is no access */
		region_put(r);
		return false;
	}
	if (sig == SIGSEGV) {
		fault = (uint64_t)(uintptr_t)si->si_addr;
		r = region_get(fault);
		if (r == NULL)
			return false;
		rc = sim_trap_x86_decode(uc, &in);
		if (rc < 0) {
			refuse(r, uc, &in, fault, rc, "not an instruction the trap decodes");
			goto out;
		}
		if (fault < in.addr || fault - in.addr >= in.width) {
			in.why = NULL;
			refuse(r, uc, &in, fault, -ENOTSUP,
			       "not an instruction the trap decodes: the fault is not at its decoded operand");
			goto out;
		}
	} else {
		/* SIGILL: ours only for MOVDIR64B/MOVDIRI to a region */
		if (sim_trap_x86_decode(uc, &in) < 0 || !in.dir_store)
			return false;
		r = region_get(in.addr);
		if (r == NULL)
			return false;
		fault = in.addr;
	}
	if (in.width == 64 && in.dir_store && (other = region_get(in.src)) != NULL) {
		region_put(other);
		in.why = NULL;
		refuse(r, uc, &in, fault, -ENOTSUP,
		       "not an instruction the trap decodes: a MOVDIR64B whose source is a trapped region");
		goto out;
	}
	if (!region_holds(r, in.addr, in.width)) {
		in.why = NULL;
		refuse(r, uc, &in, fault, -ENOTSUP,
		       "an access that straddles the region's edge (or two regions)");
		goto out;
	}
	bctx = (struct bus_ctx){ .r = r };
	bus = (struct sim_trap_x86_bus){ .read = bus_read, .write = bus_write, .ctx = &bctx };
	rc = sim_trap_x86_exec(uc, &in, &bus);
	if (rc < 0 && bctx.failed != NULL)
		refuse(r, uc, &in, fault, rc, bctx.failed);
	else if (rc < 0)
		refuse(r, uc, &in, fault, rc, "not an instruction the trap decodes");
	else if (sig == SIGILL)
		atomic_fetch_add_explicit(&stats.sigill_emulated, 1, memory_order_relaxed);
out:
	region_put(r);
	return true;
}

/*
 * Not ours: what the previous disposition would have done. A default or
 * ignored one is put back and the instruction retried, so that the kernel
 * ends the program exactly as it would have without the trap (the same
 * signal, its core dump); a signal sent by kill() is raised again.
 */
static void
chain(int sig, siginfo_t *si, void *uc, const struct sigaction *old)
{
	if (old->sa_flags & SA_SIGINFO) {
		old->sa_sigaction(sig, si, uc);
		return;
	}
	if (old->sa_handler == SIG_IGN && si->si_code <= 0)
		return;
	if (old->sa_handler == SIG_DFL || old->sa_handler == SIG_IGN) {
		sigaction(sig, old, NULL);
		if (si->si_code <= 0)
			raise(sig);
		return;
	}
	old->sa_handler(sig);
}

static void
on_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	if (!handle(sig, si, uc))
		chain(sig, si, uc, sig == SIGSEGV ? &old_segv : &old_ill);
	errno = saved;
}

int
sim_trap_init(void)
{
	struct sigaction sa;
	int rc = 0;

	pthread_mutex_lock(&init_lock);
	if (initialized)
		goto out;
	sim_trap_x86_init();
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_signal;
	/* NODEFER: a fault inside a callback is handled (or chained) too;
	 * ONSTACK: a program's (or a sanitizer's) alternate stack still serves
	 * its stack-overflow SIGSEGV */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) < 0) {
		rc = pdk_log_fail(COMP, NULL, -errno, NULL, "sigaction SIGSEGV");
		goto out;
	}
	if (sigaction(SIGILL, &sa, &old_ill) < 0) {
		rc = pdk_log_fail(COMP, NULL, -errno, NULL, "sigaction SIGILL");
		sigaction(SIGSEGV, &old_segv, NULL);
		goto out;
	}
	initialized = true;
out:
	pthread_mutex_unlock(&init_lock);
	return rc;
}

int
sim_trap_chain_sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
	struct sigaction *next = sig == SIGSEGV ? &old_segv : sig == SIGILL ? &old_ill : NULL;
	sigset_t set, saved;
	int rc;

	if (next == NULL)
		return pdk_log_fail(COMP, NULL, -EINVAL, "pass SIGSEGV or SIGILL",
				    "chain sigaction: signal %d is not one the trap handles", sig);
	rc = sim_trap_init();
	if (rc < 0)
		return rc;
	/* the handler reads *next on this thread too: not while it changes */
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_BLOCK, &set, &saved);
	pthread_mutex_lock(&init_lock);
	if (oldact != NULL)
		*oldact = *next;
	if (act != NULL)
		*next = *act;
	pthread_mutex_unlock(&init_lock);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	return 0;
}

static size_t
page_round(size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (len + pg - 1) & ~(pg - 1);
}

/* Does [a, a + len) meet a LIVE region? (not for the handlers: no pin) */
static struct region *
region_overlapping(uintptr_t a, size_t len)
{
	struct region *r;
	uintptr_t b;
	size_t l;
	unsigned int i;

	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		if ((atomic_load(&r->state) & 3) != ST_LIVE)
			continue;
		b = __atomic_load_n(&r->base, __ATOMIC_RELAXED);
		l = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
		if (a < b + l && b < a + len)
			return r;
	}
	return NULL;
}

static int
map_args(size_t len, const struct sim_trap_ops *ops, const char *obj)
{
	if (pdk_log_null(ops, COMP, obj, "pass the region's read and write", "map: NULL ops"))
		return -EINVAL;
	if (ops->read == NULL || ops->write == NULL || len == 0 || len > SIZE_MAX / 2)
		return pdk_log_fail(COMP, obj, -EINVAL, "pass a non-zero length and both callbacks",
				    "map of %zu bytes: %s", len,
				    len == 0 || len > SIZE_MAX / 2 ? "bad length" : "NULL read or write");
	return sim_trap_init();
}

/* Register the PROT_NONE range @p p as a region; on failure, @p p is unmapped. */
static int
region_add(void *p, size_t rlen, const struct sim_trap_ops *ops, void *priv, const char *obj)
{
	struct region *r;
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		s = atomic_load(&r->state);
		if ((s & 3) == ST_FREE &&
		    atomic_compare_exchange_strong(&r->state, &s, (s & ~3ull) | ST_SETUP))
			break;
	}
	if (i == SIM_TRAP_MAX_REGIONS) {
		munmap(p, rlen);
		return pdk_log_fail(COMP, obj, -ENOSPC, "unmap a region first",
				    "map: all %u trapped regions are in use", SIM_TRAP_MAX_REGIONS);
	}
	r->ops = ops;
	r->priv = priv;
	snprintf(r->name, sizeof(r->name), "%s", obj);
	__atomic_store_n(&r->base, (uintptr_t)p, __ATOMIC_RELAXED);
	__atomic_store_n(&r->len, rlen, __ATOMIC_RELAXED);
	atomic_store(&r->state, (s & ~3ull) | ST_LIVE);
	return 0;
}

int
sim_trap_map(size_t len, const struct sim_trap_ops *ops, void *priv, const char *name,
	     void **addr)
{
	const char *obj = name != NULL ? name : "(unnamed region)";
	size_t rlen;
	void *p;
	int rc;

	if (pdk_log_null(addr, COMP, obj, "pass where to return the address", "map: NULL addr"))
		return -EINVAL;
	rc = map_args(len, ops, obj);
	if (rc < 0)
		return rc;
	rlen = page_round(len);
	p = mmap(NULL, rlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return pdk_log_fail(COMP, obj, -errno, NULL, "mmap of %zu bytes PROT_NONE", rlen);
	rc = region_add(p, rlen, ops, priv, obj);
	if (rc == 0)
		*addr = p;
	return rc;
}

int
sim_trap_map_fixed(void *addr, size_t len, const struct sim_trap_ops *ops, void *priv,
		   const char *name)
{
	const char *obj = name != NULL ? name : "(unnamed region)";
	size_t rlen;
	void *p;
	int rc;

	rc = map_args(len, ops, obj);
	if (rc < 0)
		return rc;
	rlen = page_round(len);
	if (addr == NULL || ((uintptr_t)addr & (page_size - 1)))
		return pdk_log_fail(COMP, obj, -EINVAL, "pass a page-aligned address",
				    "map at %p: not page-aligned", addr);
	if (region_overlapping((uintptr_t)addr, rlen) != NULL)
		return pdk_log_fail(COMP, obj, -EEXIST, "unmap the region that is there first",
				    "map at %p len %zu: overlaps a trapped region", addr, rlen);
	p = mmap(addr, rlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0);
	if (p == MAP_FAILED)
		return pdk_log_fail(COMP, obj, -errno, NULL, "mmap at %p of %zu bytes PROT_NONE",
				    addr, rlen);
	return region_add(p, rlen, ops, priv, obj);
}

int
sim_trap_unmap(void *addr, size_t len)
{
	struct region *r;
	size_t rlen;
	uint64_t s;
	unsigned int i;
	int rc;

	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		s = atomic_load(&r->state);
		rlen = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
		if ((s & 3) != ST_LIVE || __atomic_load_n(&r->base, __ATOMIC_RELAXED) != (uintptr_t)addr ||
		    (len != rlen && page_round(len) != rlen))
			continue;
		if (!atomic_compare_exchange_strong(&r->state, &s, (s & ~3ull) | ST_DYING))
			continue;
		/* no new handler takes it now; wait for those that did */
		while (atomic_load(&r->users) != 0)
			sched_yield();
		__atomic_store_n(&r->len, 0, __ATOMIC_RELAXED);
		rc = munmap(addr, rlen) < 0 ? pdk_log_fail(COMP, r->name, -errno, NULL, "munmap of the region") : 0;
		atomic_store(&r->state, ((s >> 2) + 1) << 2 | ST_FREE);
		return rc;
	}
	r = region_overlapping((uintptr_t)addr, len ? len : 1);
	if (r == NULL)
		return -ENOENT;	/* not the trap's: the caller's munmap() is the real one */
	return pdk_log_fail(COMP, r->name, -EINVAL, "unmap the whole region, as sim_trap_map() returned it",
			    "unmap %p len %zu: part of a trapped region", addr, len);
}

int
sim_trap_untrap_range(void *addr, size_t len, void (*release)(void *priv))
{
	uintptr_t lo = (uintptr_t)addr, hi = lo + page_round(len);
	struct region *r;
	uintptr_t base;
	size_t rlen;
	unsigned int i, n = 0;
	uint64_t s;

	/* Refuse before changing anything: a munmap that splits a region would leave half a BAR. */
	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		s = atomic_load(&r->state);
		base = __atomic_load_n(&r->base, __ATOMIC_RELAXED);
		rlen = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
		if ((s & 3) != ST_LIVE || base >= hi || base + rlen <= lo)
			continue;
		if (base < lo || base + rlen > hi)
			return pdk_log_fail(COMP, r->name, -EINVAL, "unmap the whole trapped region",
					    "munmap %p len %zu: cuts the trapped region in part",
					    addr, len);
	}
	for (i = 0; i < SIM_TRAP_MAX_REGIONS; i++) {
		r = &regions[i];
		s = atomic_load(&r->state);
		base = __atomic_load_n(&r->base, __ATOMIC_RELAXED);
		rlen = __atomic_load_n(&r->len, __ATOMIC_RELAXED);
		if ((s & 3) != ST_LIVE || base < lo || base + rlen > hi)
			continue;
		if (!atomic_compare_exchange_strong(&r->state, &s, (s & ~3ull) | ST_DYING))
			continue;
		/* no new handler takes it now; wait for those that did */
		while (atomic_load(&r->users) != 0)
			sched_yield();
		__atomic_store_n(&r->len, 0, __ATOMIC_RELAXED);
		if (release != NULL)
			release(r->priv);
		atomic_store(&r->state, ((s >> 2) + 1) << 2 | ST_FREE);
		n++;
	}
	return (int)n;
}

void
sim_trap_stats_get(struct sim_trap_stats *st)
{
	st->reads = atomic_load(&stats.reads);
	st->writes = atomic_load(&stats.writes);
	st->stores64 = atomic_load(&stats.stores64);
	st->sigill_emulated = atomic_load(&stats.sigill_emulated);
	st->refused = atomic_load(&stats.refused);
}
