/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A randomized API-sequence test (a stateful property test) of PDK's public
 * API on the SIMULATED kernel: one sim with two pdk-sim-dma functions and a
 * simulated DSA (behind lib/bus, lib/dmadev and the DSA PMD). Each step is
 * one public call chosen at random (opens, binds, address spaces, maps,
 * PASID spaces and contexts, RID attach, DMA, DSA queues, closes and
 * destroys in any order), sometimes with a kernel failure injected through
 * pdk_sim_fail_nth(). A model (this file's own bookkeeping) knows which
 * handles are live, what each PASID (and the RID) of each function is
 * attached to in the kernel, and what bytes every buffer holds. After every
 * step:
 *   P1  a DMA tagged with PASID X (or the RID) of function D lands only in
 *       the address space X is attached to, or faults and writes nothing
 *       but, on the DSA, the bytes before the fault that it reports done
 *       (partial completion, bytes_completed) (every buffer is compared with the model after every step, and one
 *       random probe DMA runs through the sim's DMA port);
 *   P2  no crash (the ASan build runs this test too);
 *   P3  a refused call returns the rule's errno, logs why, and changes
 *       nothing the public API or the sim's counters can show.
 * At the end everything is torn down in a legal order and the sim must hold
 * no object, pin or fd.
 *
 * PDK_APISEQ_SEED and PDK_APISEQ_STEPS reproduce a run; a failure prints
 * the step and the last operations. test/apiseq-long.sh runs it for long.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* strerrorname_np() */
#endif

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "pdk_bus.h"
#include "pdk_dmadev.h"
#include "pdk_dsa.h"
#include "pdk_log.h"
#include "pdk_test.h"
#include "test_env.h"

/* ---- the world ---- */

#define NFN		3	/* two pdk-sim-dma functions, then the DSA */
#define FN_DSA		2
#define NICTX		3
#define NAS		6
#define NBUF		10
#define NCTX		16
#define BUF_LEN		(16u * 1024)
#define MAXP		64	/* PASIDs tracked per function: widths are <= 6 bits */
#define DSA_NQ		2
#define DSA_DESC	32
/* Fixed IOVAs (pdk_dma_map_iova) come from here: PDK's allocator never gets this far */
#define POOL_IOVA	0x40000000ull
#define POOL_SLOTS	24
#define HIST		24

static const struct {
	const char *addr;
	enum pdk_sim_model model;
	uint8_t pasid_bits;
} fn_cfg[NFN] = {
	{ "0000:00:04.0", PDK_SIM_MODEL_SIMDMA, 6 },
	{ "0000:00:05.0", PDK_SIM_MODEL_SIMDMA, 3 },	/* 7 PASIDs: -ENOSPC is reachable */
	{ "0000:6a:01.0", PDK_SIM_MODEL_DSA, 4 },
};

/* What a PASID of a device's PASID space is to the model */
/*
 * P_HELD_*: a released context's detach failed, so the kernel keeps the
 * PASID attached and PDK holds it back (pdk_pasid_ctx_release()): not
 * handed out, not freeable; a new context on it takes it over, owning it
 * as the released one did.
 */
enum { P_FREE = 0, P_CALLER, P_CTX, P_HELD_CALLER, P_HELD_CTX };

struct m_map {
	int buf;
	uint64_t iova;
	bool write;
};

struct m_as {
	struct pdk_dma_as *h;
	int ictx;
	int nmaps;
	struct m_map maps[NBUF];
	/* mappings the DSA PMD left behind (a ring whose unmap failed) */
	int foreign;
	char name[16];
};

struct m_fn {
	struct pdk_sim_fn *sfn;
	struct pdk_vfio_dev *h;		/* the test's handle (not the DSA's) */
	int bound;			/* iommufd context index, -1 */
	struct pdk_pasid_space *space;	/* for the DSA: the PMD's, seen through dmadev */
	bool has_space;
	uint8_t alloc[MAXP];		/* P_* */
	int rid_as;			/* the space's RID attachment, -1 */
	/* the kernel's view: what each PASID (0: the RID) is attached to, -1 none */
	int katt[MAXP];
	/* attached in the kernel although PDK forgot it (a detach failed) */
	bool stale[MAXP];
	unsigned int width;
};

struct m_ctx {
	struct pdk_pasid_ctx *h;
	int fn;
	uint32_t pasid;
	int as;
	bool owns;
};

struct m_dsa {
	struct pdk_bus *bus;
	int ictx;
	int dev_id;
	int nq;			/* configured queues, 0: not configured */
	bool started;
	struct {
		bool up;
		int as;
		uint32_t pasid;
		bool owns;
	} q[DSA_NQ];
};

static struct {
	uint64_t rng;
	uint64_t seed;
	unsigned int step, nsteps;
	struct pdk_sim *sim;
	struct pdk_sys *sys;
	struct pdk_iommufd *ictx[NICTX];
	struct m_as as[NAS];
	struct m_fn fn[NFN];
	struct m_ctx ctx[NCTX];
	struct m_dsa dsa;
	uint8_t *buf[NBUF];
	uint8_t *shadow[NBUF];
	uint8_t scratch[2 * BUF_LEN];
	/* failure injection of the current step */
	bool inject;
	bool armed;
	int inj_err;
	/* an ERR or WARNING line since the step began; the last lines PDK logged */
	bool logged;
	char logs[8][240];
	unsigned int nlogs;
	/* history */
	char hist[HIST][200];
	unsigned int nhist;
	unsigned int peak;
	uint64_t injected, fired, refused, dma_ok, dma_fault, dsa_silent_detach, dsa_ring_left;
} g;

/* ---- randomness: splitmix64, so a seed gives the same run everywhere ---- */

static uint64_t
rnd64(void)
{
	uint64_t z = (g.rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned int
rnd(unsigned int n)
{
	return n == 0 ? 0 : (unsigned int)(rnd64() % n);
}

static bool
chance(unsigned int pct)
{
	return rnd(100) < pct;
}

/* ---- history and failure reports ---- */

static void __attribute__((format(printf, 1, 2)))
hist(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(g.hist[g.nhist % HIST], sizeof(g.hist[0]), fmt, ap);
	va_end(ap);
	g.nhist++;
}

/* Amend the newest history line (the result of the call it names). */
static void __attribute__((format(printf, 1, 2)))
hist_add(const char *fmt, ...)
{
	char *h = g.hist[(g.nhist - 1) % HIST];
	size_t n = strlen(h);
	va_list ap;

	if (g.nhist == 0 || n >= sizeof(g.hist[0]) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(h + n, sizeof(g.hist[0]) - n, fmt, ap);
	va_end(ap);
}

/* PDK's log lines: thousands per run, so kept quietly, the last few printed on a failure. */
static void
apiseq_sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	(void)arg;
	if (level <= PDK_LOG_WARNING)
		g.logged = true;
	snprintf(g.logs[g.nlogs++ % 8], sizeof(g.logs[0]), "[%s] %s", component, line);
}

static void
hist_dump(void)
{
	unsigned int i = g.nlogs > 8 ? g.nlogs - 8 : 0;

	fprintf(stderr, "apiseq: the last %u PDK log lines:\n", g.nlogs - i);
	for (; i < g.nlogs; i++)
		fprintf(stderr, "  %s\n", g.logs[i % 8]);
	i = g.nhist > HIST ? g.nhist - HIST : 0;

	fprintf(stderr, "apiseq: the last %u operations (seed %" PRIu64 "):\n", g.nhist - i,
		g.seed);
	for (; i < g.nhist; i++)
		fprintf(stderr, "  %s\n", g.hist[i % HIST]);
}

static void __attribute__((format(printf, 3, 4)))
check_failed(int line, const char *cond, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "apiseq: FAILED at step %u of seed %" PRIu64 " (test_apiseq.c:%d): %s: ",
		g.step, g.seed, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  reproduce: PDK_APISEQ_SEED=%" PRIu64 " PDK_APISEQ_STEPS=%u "
		"pdk-test sim_apiseq_random\n", g.seed, g.step + 1);
	hist_dump();
}

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			check_failed(__LINE__, #cond, __VA_ARGS__);		\
			return -1;						\
		}								\
	} while (0)

static const char *
errname(int rc)
{
	static char b[4][48];
	static unsigned int i;
	char *s = b[i++ % 4];

	if (rc >= 0)
		snprintf(s, 48, "%d", rc);
	else
		snprintf(s, 48, "-%s", strerrorname_np(-rc) ? strerrorname_np(-rc) : "?");
	return s;
}

/*
 * An expected result: @p want, or after an injected failure that fired,
 * -inj_err. A refusal must have logged its reason.
 */
#define EXPECT(rc, want, fired)							\
	do {									\
		int rc_ = (rc), want_ = (want);					\
		hist_add(" = %s", errname(rc_));				\
		if ((fired) && rc_ == -g.inj_err)				\
			break;							\
		CHECK(rc_ == want_, "returned %s, the model expected %s%s", errname(rc_), \
		      errname(want_), (fired) ? " (a failure was injected)" : ""); \
		if (want_ < 0) {						\
			g.refused++;						\
			CHECK(g.logged, "refused with %s and logged nothing", \
			      errname(rc_));					\
		}								\
	} while (0)

/* ---- failure injection ---- */

/* Arm the step's failure (if it has one) right before the call under test. */
static void
arm(void)
{
	if (!g.inject)
		return;
	g.inj_err = chance(50) ? ENOMEM : EIO;
	pdk_sim_fail_nth(g.sim, 1 + rnd(5), g.inj_err);
	g.armed = true;
	g.injected++;
	hist_add(" [fail_nth armed, %s]", errname(-g.inj_err));
}

/* @return true when the armed failure fired during the call. */
static bool
disarm(void)
{
	bool fired;

	if (!g.armed)
		return false;
	fired = pdk_sim_fail_fired(g.sim);
	pdk_sim_fail_nth(g.sim, 0, 0);
	g.armed = false;
	if (fired) {
		g.fired++;
		hist_add(" [fired]");
	}
	return fired;
}

/* ---- the model's queries ---- */

/*
 * A random index i in [0, n) for which @p cond (an expression of i) holds,
 * or -1: the candidates in order, then one draw among them.
 */
#define PICK_WHERE(n, cond)							\
	__extension__({								\
		int c_[64], k_ = 0, i;						\
									\
		for (i = 0; i < (n); i++)					\
			if (cond)						\
				c_[k_++] = i;					\
		k_ > 0 ? c_[rnd(k_)] : -1;					\
	})

static int
pick_live_ictx(void)
{
	return PICK_WHERE(NICTX, g.ictx[i] != NULL);
}

static int
pick_live_as(void)
{
	return PICK_WHERE(NAS, g.as[i].h != NULL);
}

static int
pick_live_ctx(void)
{
	return PICK_WHERE(NCTX, g.ctx[i].h != NULL);
}

/* A function of the test's own (0 or 1) that is open. */
static int
pick_open_fn(void)
{
	return PICK_WHERE(2, g.fn[i].h != NULL);
}

static int
pick_space_fn(void)
{
	return PICK_WHERE(2, g.fn[i].has_space);
}

static struct m_map *
as_find_buf(int a, int b)
{
	int i;

	for (i = 0; i < g.as[a].nmaps; i++)
		if (g.as[a].maps[i].buf == b)
			return &g.as[a].maps[i];
	return NULL;
}

static void
as_drop_map(int a, int b)
{
	struct m_as *as = &g.as[a];
	int i;

	for (i = 0; i < as->nmaps; i++) {
		if (as->maps[i].buf == b) {
			as->maps[i] = as->maps[--as->nmaps];
			return;
		}
	}
}

static int
dsa_queues_on(int a)
{
	int q, n = 0;

	for (q = 0; q < DSA_NQ; q++)
		if (g.dsa.bus != NULL && g.dsa.q[q].up && g.dsa.q[q].as == a)
			n++;
	return n;
}

/* References PDK holds on the HWPTs of address space @p a. */
static int
as_refs(int a)
{
	int i, n = dsa_queues_on(a);

	for (i = 0; i < NCTX; i++)
		if (g.ctx[i].h != NULL && g.ctx[i].as == a)
			n++;
	for (i = 0; i < 2; i++)
		if (g.fn[i].has_space && g.fn[i].rid_as == a)
			n++;
	return n;
}

/* A kernel attachment PDK forgot still uses a HWPT of @p a. */
static bool
as_stale(int a)
{
	int f, p;

	for (f = 0; f < NFN; f++)
		for (p = 0; p < MAXP; p++)
			if (g.fn[f].stale[p] && g.fn[f].katt[p] == a)
				return true;
	return false;
}

static bool
ictx_has_dependents(int i, const char **what)
{
	int k;

	for (k = 0; k < NAS; k++)
		if (g.as[k].h != NULL && g.as[k].ictx == i) {
			*what = "an address space";
			return true;
		}
	for (k = 0; k < 2; k++)
		if (g.fn[k].h != NULL && g.fn[k].bound == i) {
			*what = "a bound device";
			return true;
		}
	if (g.dsa.bus != NULL && g.dsa.ictx == i) {
		*what = "a bus";
		return true;
	}
	return false;
}

static int
ctx_of(int f, uint32_t pasid)
{
	int i;

	for (i = 0; i < NCTX; i++)
		if (g.ctx[i].h != NULL && g.ctx[i].fn == f && g.ctx[i].pasid == pasid)
			return i;
	return -1;
}

static int
dsa_queue_of(uint32_t pasid)
{
	int q;

	for (q = 0; q < DSA_NQ; q++)
		if (g.dsa.q[q].up && g.dsa.q[q].pasid == pasid)
			return q;
	return -1;
}

/* The lowest free PASID of a space, as pdk_pasid_alloc() must hand out; 0 if none. */
static uint32_t
lowest_free(const struct m_fn *f)
{
	uint32_t p;

	for (p = 1; p < (1u << f->width); p++)
		if (f->alloc[p] == P_FREE)
			return p;
	return 0;
}

/* The kernel forgets every attachment of a closed device. */
static void
fn_kernel_reset(struct m_fn *f)
{
	int p;

	for (p = 0; p < MAXP; p++) {
		f->katt[p] = -1;
		f->stale[p] = false;
	}
}

static void
kattach(int f, uint32_t pasid, int a)
{
	g.fn[f].katt[pasid] = a;
	g.fn[f].stale[pasid] = false;
}

static unsigned int
live_objects(void)
{
	unsigned int n = 0;
	int i;

	for (i = 0; i < NICTX; i++)
		n += g.ictx[i] != NULL;
	for (i = 0; i < NAS; i++)
		n += g.as[i].h != NULL ? 1 + (unsigned int)g.as[i].nmaps : 0;
	for (i = 0; i < 2; i++)
		n += (g.fn[i].h != NULL) + g.fn[i].has_space;
	for (i = 0; i < NCTX; i++)
		n += g.ctx[i].h != NULL;
	if (g.dsa.bus != NULL) {
		n++;
		for (i = 0; i < DSA_NQ; i++)
			n += g.dsa.q[i].up;
	}
	return n;
}

static unsigned int
count_pasid_attachments(void)
{
	unsigned int n = 0;
	int f, p;

	for (f = 0; f < NFN; f++)
		for (p = 1; p < MAXP; p++)
			n += g.fn[f].katt[p] >= 0;
	return n;
}

/* ---- P1: where a DMA lands ---- */

enum { T_OK, T_FAULT, T_UNKNOWN };

struct seg {
	int buf;
	uint32_t off, n;
};

/*
 * Translate [iova, iova + len) in address space @p a as the IOMMU must:
 * T_OK with the buffer pieces it reaches, T_FAULT when a byte is not mapped
 * (or not writable for a write), T_UNKNOWN when a byte may hit memory the
 * model does not know (a DSA queue's ring, mapped by the PMD in the low
 * IOVAs of the queue's space).
 */
static int
predict(int a, uint64_t iova, uint32_t len, bool write, struct seg *segs, int *nseg)
{
	uint64_t cur = iova, end = iova + len;
	bool unknown = false, fault = false;
	int n = 0, i;

	*nseg = 0;
	if (a < 0)
		return T_FAULT;
	while (cur < end) {
		struct m_map *m = NULL;
		uint64_t stop;

		for (i = 0; i < g.as[a].nmaps; i++) {
			struct m_map *c = &g.as[a].maps[i];

			if (c->iova <= cur && cur < c->iova + BUF_LEN) {
				m = c;
				break;
			}
		}
		if (m == NULL) {
			bool in_pool = cur >= POOL_IOVA &&
				       cur < POOL_IOVA + (uint64_t)POOL_SLOTS * BUF_LEN;

			if (!in_pool && (dsa_queues_on(a) > 0 || g.as[a].foreign > 0))
				unknown = true;
			else
				fault = true;
			cur = (cur & ~(uint64_t)(BUF_LEN - 1)) + BUF_LEN;
			continue;
		}
		if (write && !m->write)
			fault = true;
		stop = m->iova + BUF_LEN < end ? m->iova + BUF_LEN : end;
		segs[n].buf = m->buf;
		segs[n].off = (uint32_t)(cur - m->iova);
		segs[n].n = (uint32_t)(stop - cur);
		n++;
		cur = stop;
	}
	if (fault)
		return T_FAULT;
	if (unknown)
		return T_UNKNOWN;
	*nseg = n;
	return T_OK;
}

/* Copy the model's bytes of @p segs to @p out (a read's expected result). */
static void
segs_read(const struct seg *segs, int n, uint8_t *out)
{
	int i;

	for (i = 0; i < n; i++) {
		memcpy(out, g.shadow[segs[i].buf] + segs[i].off, segs[i].n);
		out += segs[i].n;
	}
}

static void
segs_write(const struct seg *segs, int n, const uint8_t *in)
{
	int i;

	for (i = 0; i < n; i++) {
		memcpy(g.shadow[segs[i].buf] + segs[i].off, in, segs[i].n);
		in += segs[i].n;
	}
}

/* Every buffer holds what the model says: no DMA wrote where it must not. */
static int
check_buffers(void)
{
	int b;

	for (b = 0; b < NBUF; b++) {
		if (memcmp(g.buf[b], g.shadow[b], BUF_LEN) != 0) {
			uint32_t i;

			for (i = 0; i < BUF_LEN && g.buf[b][i] == g.shadow[b][i]; i++)
				;
			CHECK(0, "buffer %d differs from the model at byte %u (0x%02x, model 0x%02x): a DMA wrote where the model says it cannot",
			      b, i, g.buf[b][i], g.shadow[b][i]);
		}
	}
	return 0;
}

/* Drop the faults the sim recorded; @return how many, the first in @p first. */
static unsigned int
faults_pop(struct pdk_sim_fault *first)
{
	struct pdk_sim_fault f;
	unsigned int n = 0;

	while (pdk_sim_fault_pop(g.sim, &f) == 0) {
		if (n == 0 && first != NULL)
			*first = f;
		n++;
	}
	return n;
}

/*
 * A DMA target for a device whose tag is attached to @p a: an IOVA some
 * address space maps (often another one: the same IOVA or an allocator
 * IOVA of another tenant), a pool IOVA, and a length that may run past the
 * mapping. @return false when nothing predictable was found.
 */
static bool
pick_target(int a, bool write, uint64_t *iova, uint32_t *len, struct seg *segs, int *nseg,
	    int *res)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		int x = pick_live_as();
		uint32_t off;

		if (chance(40) && a >= 0 && g.as[a].nmaps > 0)
			x = a;
		if (x >= 0 && g.as[x].nmaps > 0 && !chance(15)) {
			struct m_map *m = &g.as[x].maps[rnd(g.as[x].nmaps)];

			off = rnd(BUF_LEN / 64) * 64;
			*iova = m->iova + off;
			*len = 1 + rnd(BUF_LEN - off);
			if (chance(15))
				*len += rnd(BUF_LEN);	/* into what lies after the mapping */
		} else {
			*iova = POOL_IOVA + (uint64_t)rnd(POOL_SLOTS) * BUF_LEN + rnd(BUF_LEN / 64) * 64;
			*len = 1 + rnd(BUF_LEN);
		}
		*res = predict(a, *iova, *len, write, segs, nseg);
		if (*res != T_UNKNOWN)
			return true;
	}
	return false;
}

/*
 * One DMA through function @p f's DMA port (pdk_sim_fn_dma()), tagged with
 * @p pasid or the RID (@p pasid 0), in either direction.
 */
static int
dma_port(int f, uint32_t pasid)
{
	struct m_fn *fn = &g.fn[f];
	bool write = chance(60);
	int a = fn->katt[pasid];
	struct pdk_sim_fault fault;
	struct seg segs[4];
	uint8_t *local = g.scratch;
	uint32_t len, i;
	uint64_t iova;
	int res, nseg, rc;
	unsigned int nf;

	if (!pick_target(a, write, &iova, &len, segs, &nseg, &res))
		return 1;
	hist("step %u: DMA %s fn %d %s%u iova %#" PRIx64 " len %u (model: %s in as%d)", g.step,
	     write ? "write" : "read", f, pasid ? "PASID " : "RID ", pasid, iova, len,
	     res == T_OK ? "lands" : "faults", a);
	if (write) {
		for (i = 0; i < len; i++)
			local[i] = (uint8_t)rnd64();
	} else {
		memset(local, 0xa5, len);
	}
	rc = pdk_sim_fn_dma(fn->sfn, pasid != 0, pasid, iova, local, len, write);
	nf = faults_pop(&fault);
	hist_add(" = %s", errname(rc));
	if (res == T_OK) {
		CHECK(rc == 0, "the DMA failed with %s where the model has it land in as%d", errname(rc), a);
		CHECK(nf == 0, "a DMA that worked recorded %u fault(s)", nf);
		if (write) {
			segs_write(segs, nseg, local);
		} else {
			static uint8_t exp[2 * BUF_LEN];

			segs_read(segs, nseg, exp);
			CHECK(memcmp(exp, local, len) == 0, "a DMA read returned bytes the model does not have at iova %#" PRIx64 " of as%d", iova, a);
		}
		g.dma_ok++;
	} else {
		CHECK(rc == -EFAULT, "the DMA returned %s where the model expects a fault (as%d)", errname(rc), a);
		CHECK(nf >= 1, "a faulting DMA recorded no fault");
		CHECK(strcmp(fault.pci_addr, fn_cfg[f].addr) == 0 && fault.pasid_valid == (pasid != 0) &&
		      (pasid == 0 || fault.pasid == pasid),
		      "the fault names %s %s %u", fault.pci_addr, fault.pasid_valid ? "PASID" : "RID", fault.pasid);
		if (!write)
			CHECK(test_all_bytes(local, 0xa5, len), "a faulting DMA read moved bytes");
		g.dma_fault++;
	}
	return check_buffers();
}

/* A tag of function @p f worth a DMA: attached ones mostly, sometimes any. */
static uint32_t
pick_tag(int f)
{
	uint32_t c[MAXP], n = 0, p;

	for (p = 0; p < (1u << g.fn[f].width) && p < MAXP; p++)
		if (g.fn[f].katt[p] >= 0)
			c[n++] = p;
	if (n > 0 && !chance(20))
		return c[rnd(n)];
	return rnd(1u << g.fn[f].width);
}

/* ---- the audit: the public API and the sim's counters agree with the model ---- */

static int
audit(void)
{
	struct pdk_sim_stats st;
	unsigned int ictxs = 0, ioas = 0, bound = 0, pasids = 0, rids = 0, maps = 0, fds = 0;
	int i, f, b;

	for (i = 0; i < NICTX; i++)
		ictxs += g.ictx[i] != NULL;
	fds = ictxs;
	for (i = 0; i < NAS; i++) {
		struct m_as *as = &g.as[i];
		unsigned int mc;

		if (as->h == NULL)
			continue;
		ioas++;
		mc = pdk_dma_as_map_count(as->h);
		CHECK(mc == (unsigned int)(as->nmaps + dsa_queues_on(i) + as->foreign),
		      "as%d holds %u mappings, the model %d (+%d DSA rings, +%d left behind)", i, mc,
		      as->nmaps, dsa_queues_on(i), as->foreign);
		maps += mc;
		for (b = 0; b < NBUF; b++) {
			struct m_map *m = as_find_buf(i, b);
			uint64_t iova = pdk_dma_va2iova(as->h, g.buf[b]);

			CHECK(iova == (m != NULL ? m->iova : PDK_DMA_BAD_IOVA),
			      "buffer %d in as%d: pdk_dma_va2iova() %#" PRIx64 ", the model %#" PRIx64,
			      b, i, iova, m != NULL ? m->iova : PDK_DMA_BAD_IOVA);
		}
	}
	for (f = 0; f < NFN; f++) {
		struct m_fn *fn = &g.fn[f];
		uint32_t list[MAXP], want[MAXP], nw = 0, p;
		int n;

		if (f < FN_DSA) {
			fds += fn->h != NULL;
			bound += fn->h != NULL && fn->bound >= 0;
		} else if (g.dsa.bus != NULL) {
			fds++;
			bound++;
		}
		for (p = 0; p < MAXP; p++) {
			if (fn->katt[p] < 0)
				continue;
			if (p == 0)
				rids++;
			else
				pasids++;
		}
		if (!fn->has_space)
			continue;
		for (p = 1; p < (1u << fn->width); p++)
			if (fn->alloc[p] != P_FREE)
				want[nw++] = p;
		if (f < FN_DSA) {
			CHECK(pdk_pasid_space_count(fn->space) == nw, "fn %d: %u PASIDs allocated, the model %u",
			      f, pdk_pasid_space_count(fn->space), nw);
			n = pdk_pasid_list(fn->space, list, MAXP);
		} else {
			n = pdk_dmadev_pasid_list(g.dsa.dev_id, list, MAXP);
		}
		CHECK(n == (int)nw, "fn %d: pasid_list gives %d PASIDs, the model %u", f, n, nw);
		CHECK(memcmp(list, want, nw * sizeof(list[0])) == 0, "fn %d: the allocated PASIDs differ from the model's", f);
	}
	for (i = 0; i < NCTX; i++) {
		struct m_ctx *c = &g.ctx[i];

		if (c->h == NULL)
			continue;
		CHECK(pdk_pasid_ctx_pasid(c->h) == c->pasid, "ctx%d has PASID %u, the model %u", i,
		      pdk_pasid_ctx_pasid(c->h), c->pasid);
		CHECK(pdk_pasid_ctx_as(c->h) == g.as[c->as].h, "ctx%d is on another address space than as%d", i, c->as);
	}
	if (g.dsa.bus != NULL) {
		struct pdk_dmadev_queue_info qi;
		int q;

		for (q = 0; q < DSA_NQ; q++) {
			int rc = pdk_dmadev_queue_info(g.dsa.dev_id, (uint16_t)q, &qi);

			if (g.dsa.q[q].up) {
				CHECK(rc == 0 && qi.pasid == g.dsa.q[q].pasid && qi.as == g.as[g.dsa.q[q].as].h,
				      "DSA queue %d: info %s PASID %u, the model PASID %u on as%d", q,
				      errname(rc), qi.pasid, g.dsa.q[q].pasid, g.dsa.q[q].as);
			} else {
				CHECK(rc == -EINVAL, "DSA queue %d: info %s for a queue the model has not set up",
				      q, errname(rc));
			}
		}
	}
	g.logged = false;	/* the refusals of queue_info above logged */
	pdk_sim_stats_get(g.sim, &st);
	CHECK(st.iommufd_ctxs == ictxs && st.ioas == ioas && st.bound_devices == bound &&
	      st.pasid_attachments == pasids && st.rid_attachments == rids && st.mappings == maps &&
	      st.fds == fds,
	      "sim counters (ctxs %u ioas %u bound %u pasids %u rids %u maps %u fds %u) differ from the model (%u %u %u %u %u %u %u)",
	      st.iommufd_ctxs, st.ioas, st.bound_devices, st.pasid_attachments, st.rid_attachments,
	      st.mappings, st.fds, ictxs, ioas, bound, pasids, rids, maps, fds);
	if (live_objects() > g.peak)
		g.peak = live_objects();
	return check_buffers();
}

/* ---- the operations: each returns 0, 1 (not applicable now) or -1 (a check failed) ---- */

static int
op_ictx_open(void)
{
	int i, rc;
	bool fired;

	for (i = 0; i < NICTX && g.ictx[i] != NULL; i++)
		;
	if (i == NICTX)
		return 1;
	hist("step %u: pdk_iommufd_open() -> ictx%d", g.step, i);
	arm();
	rc = pdk_iommufd_open(g.sys, &g.ictx[i]);
	fired = disarm();
	EXPECT(rc, 0, fired);
	if (rc < 0)
		g.ictx[i] = NULL;
	return 0;
}

static int
op_ictx_close(void)
{
	int i = pick_live_ictx(), rc;
	const char *what = NULL;
	bool busy;

	if (i < 0)
		return 1;
	busy = ictx_has_dependents(i, &what);
	hist("step %u: pdk_iommufd_close(ictx%d)%s%s", g.step, i, busy ? ", held by " : "",
	     busy ? what : "");
	/* releases are never injected: the kernel's fail_nth never fails one */
	rc = pdk_iommufd_close(g.ictx[i]);
	EXPECT(rc, busy ? -EBUSY : 0, false);
	if (rc == 0)
		g.ictx[i] = NULL;
	return 0;
}

static int
op_dev_open(void)
{
	int f = rnd(2), rc;
	struct m_fn *fn = &g.fn[f];
	bool fired;

	if (fn->h != NULL)
		return 1;
	hist("step %u: pdk_vfio_open(fn %d %s)", g.step, f, fn_cfg[f].addr);
	arm();
	rc = pdk_vfio_open(g.sys, fn_cfg[f].addr, &fn->h);
	fired = disarm();
	EXPECT(rc, 0, fired);
	if (rc < 0)
		fn->h = NULL;
	return 0;
}

static int
op_dev_bind(void)
{
	int f = pick_open_fn(), i = pick_live_ictx(), rc;
	struct m_fn *fn;
	uint32_t dev_id = 0;
	bool fired;

	if (f < 0 || i < 0 || g.fn[f].bound >= 0)
		return 1;
	fn = &g.fn[f];
	hist("step %u: pdk_vfio_bind(fn %d, ictx%d)", g.step, f, i);
	arm();
	rc = pdk_vfio_bind(fn->h, g.ictx[i], &dev_id);
	fired = disarm();
	EXPECT(rc, 0, fired);
	if (rc == 0) {
		fn->bound = i;
		CHECK(dev_id != 0 && pdk_vfio_dev_id(fn->h) == dev_id, "bind gave device id %u", dev_id);
	} else {
		CHECK(pdk_vfio_dev_id(fn->h) == 0, "a failed bind left device id %u", pdk_vfio_dev_id(fn->h));
	}
	return 0;
}

static int
op_dev_close(void)
{
	int f = pick_open_fn(), rc;
	struct m_fn *fn;

	if (f < 0)
		return 1;
	fn = &g.fn[f];
	hist("step %u: pdk_vfio_close(fn %d)%s", g.step, f, fn->has_space ? ", its PASID space lives" : "");
	rc = pdk_vfio_close(fn->h);
	EXPECT(rc, fn->has_space ? -EBUSY : 0, false);
	if (rc == 0) {
		fn->h = NULL;
		fn->bound = -1;
		fn_kernel_reset(fn);	/* closing the fd detaches everything */
	}
	return 0;
}

static int
op_as_create(void)
{
	int i = pick_live_ictx(), a, rc;
	struct m_as *as;
	bool fired;

	for (a = 0; a < NAS && g.as[a].h != NULL; a++)
		;
	if (i < 0 || a == NAS)
		return 1;
	as = &g.as[a];
	snprintf(as->name, sizeof(as->name), "as%d", a);
	hist("step %u: pdk_dma_as_create(ictx%d) -> as%d", g.step, i, a);
	arm();
	rc = pdk_dma_as_create(g.ictx[i], as->name, &as->h);
	fired = disarm();
	EXPECT(rc, 0, fired);
	if (rc == 0) {
		as->ictx = i;
		as->nmaps = 0;
		as->foreign = 0;
	} else {
		CHECK(as->h == NULL, "a failed create left a handle");
	}
	return 0;
}

static int
op_as_destroy(void)
{
	int a = pick_live_as(), rc, refs, want;
	bool stale, fired;

	if (a < 0)
		return 1;
	refs = as_refs(a);
	stale = as_stale(a);
	want = refs > 0 || stale ? -EBUSY : 0;
	hist("step %u: pdk_dma_as_destroy(as%d) (%d refs%s)", g.step, a, refs,
	     stale ? ", a forgotten attachment" : "");
	arm();
	rc = pdk_dma_as_destroy(g.as[a].h);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0) {
		g.as[a].h = NULL;
		g.as[a].nmaps = 0;
		g.as[a].foreign = 0;
	} else if (fired && pdk_dma_as_map_count(g.as[a].h) == (unsigned int)dsa_queues_on(a)) {
		/* the IOAS destroy failed after the unmap: the space is valid and empty */
		g.as[a].nmaps = 0;
		g.as[a].foreign = 0;
		hist_add(" (the mappings went before the IOAS destroy failed)");
	}
	return 0;
}

static int
op_map(void)
{
	int a = pick_live_as(), b = rnd(NBUF), want, rc;
	bool write = chance(80), fixed = chance(45), fired;
	unsigned int perm = PDK_IOMMUFD_READ | (write ? PDK_IOMMUFD_WRITE : 0);
	uint64_t iova = 0;
	int k;

	if (a < 0)
		return 1;
	want = as_find_buf(a, b) != NULL ? -EEXIST : 0;
	if (fixed) {
		int x = pick_live_as();
		struct m_map *m = NULL;

		/* often an IOVA another space uses: the same IOVA in two spaces */
		if (x >= 0 && x != a) {
			for (k = 0; k < g.as[x].nmaps && m == NULL; k++)
				if (g.as[x].maps[k].iova >= POOL_IOVA)
					m = &g.as[x].maps[k];
		}
		iova = m != NULL && chance(60) ? m->iova : POOL_IOVA + (uint64_t)rnd(POOL_SLOTS) * BUF_LEN;
		if (want == 0) {
			for (k = 0; k < g.as[a].nmaps; k++) {
				uint64_t s = g.as[a].maps[k].iova;

				if (iova < s + BUF_LEN && s < iova + BUF_LEN)
					want = -EEXIST;
			}
		}
		hist("step %u: pdk_dma_map_iova(as%d, buf%d, iova %#" PRIx64 ", %s)", g.step, a, b,
		     iova, write ? "rw" : "r");
		arm();
		rc = pdk_dma_map_iova(g.as[a].h, g.buf[b], BUF_LEN, iova, perm);
		fired = disarm();
	} else {
		hist("step %u: pdk_dma_map(as%d, buf%d, %s)", g.step, a, b, write ? "rw" : "r");
		arm();
		rc = pdk_dma_map(g.as[a].h, g.buf[b], BUF_LEN, perm, &iova);
		fired = disarm();
		if (rc == 0)
			hist_add(" -> iova %#" PRIx64, iova);
	}
	EXPECT(rc, want, fired);
	if (rc == 0) {
		struct m_map *m = &g.as[a].maps[g.as[a].nmaps++];

		m->buf = b;
		m->iova = iova;
		m->write = write;
		CHECK(iova % BUF_LEN == 0 && iova != 0, "IOVA %#" PRIx64 " not naturally aligned", iova);
		CHECK(fixed || iova < POOL_IOVA, "PDK's allocator reached the fixed pool: %#" PRIx64, iova);
	}
	return 0;
}

static int
op_unmap(void)
{
	int a = pick_live_as(), b = rnd(NBUF), rc;
	bool mapped, fired;

	if (a < 0)
		return 1;
	mapped = as_find_buf(a, b) != NULL;
	hist("step %u: pdk_dma_unmap(as%d, buf%d)%s", g.step, a, b, mapped ? "" : " (not mapped)");
	arm();
	rc = pdk_dma_unmap(g.as[a].h, g.buf[b]);
	fired = disarm();
	EXPECT(rc, mapped ? 0 : -ENOENT, fired);
	if (rc == 0)
		as_drop_map(a, b);
	return 0;
}

static int
op_space_create(void)
{
	int f = pick_open_fn(), i, want, rc;
	struct m_fn *fn;
	struct pdk_pasid_space *s = NULL;
	bool fired;

	if (f < 0)
		return 1;
	fn = &g.fn[f];
	i = fn->bound >= 0 && chance(85) ? fn->bound : pick_live_ictx();
	if (i < 0)
		return 1;
	/* both wrong: lib/pasid checks the context first (pdk_pasid.h leaves it open) */
	if (fn->bound < 0 || i != fn->bound)
		want = -EINVAL;		/* not bound to this context */
	else if (fn->has_space)
		want = -EBUSY;		/* one owner per device PASID table */
	else
		want = 0;
	hist("step %u: pdk_pasid_space_create(fn %d, ictx%d)%s", g.step, f, i,
	     fn->has_space ? " (it has one)" : "");
	arm();
	rc = pdk_pasid_space_create(fn->h, g.ictx[i], &s);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0) {
		fn->space = s;
		fn->has_space = true;
		fn->rid_as = -1;
		memset(fn->alloc, 0, sizeof(fn->alloc));
		CHECK(pdk_pasid_space_width(s) == fn->width, "width %u", pdk_pasid_space_width(s));
	} else {
		CHECK(s == NULL, "a refused create gave a handle");
	}
	return 0;
}

static int
op_space_destroy(void)
{
	int f = pick_space_fn(), nctx = 0, i, rc;
	struct m_fn *fn;

	if (f < 0)
		return 1;
	fn = &g.fn[f];
	for (i = 0; i < NCTX; i++)
		nctx += g.ctx[i].h != NULL && g.ctx[i].fn == f;
	hist("step %u: pdk_pasid_space_destroy(fn %d) (%d contexts%s)", g.step, f, nctx,
	     fn->rid_as >= 0 ? ", RID attached" : "");
	rc = pdk_pasid_space_destroy(fn->space);
	EXPECT(rc, nctx > 0 ? -EBUSY : 0, false);
	if (rc == 0) {
		if (fn->rid_as >= 0)
			kattach(f, 0, -1);	/* the space detaches the RID it attached */
		fn->has_space = false;
		fn->space = NULL;
		fn->rid_as = -1;
	}
	return 0;
}

/* PASID alloc/reserve/free, on a space of the test's or on the DSA's (dmadev). */
static int
op_pasid(void)
{
	int f = chance(30) && g.dsa.bus != NULL ? FN_DSA : pick_space_fn();
	struct m_fn *fn;
	unsigned int kind = rnd(3);
	uint32_t p = 0, lim;
	int want, rc;
	bool fired;

	if (f < 0 || !g.fn[f].has_space)
		return 1;
	fn = &g.fn[f];
	lim = 1u << fn->width;
	if (kind == 0) {
		uint32_t exp = lowest_free(fn);

		want = exp != 0 ? 0 : -ENOSPC;
		hist("step %u: pasid_alloc(fn %d) (model: %u)", g.step, f, exp);
		arm();
		rc = f == FN_DSA ? pdk_dmadev_pasid_alloc(g.dsa.dev_id, &p) : pdk_pasid_alloc(fn->space, &p);
		fired = disarm();
		EXPECT(rc, want, fired);
		if (rc == 0) {
			CHECK(p == exp, "allocated PASID %u, not the lowest free %u", p, exp);
			fn->alloc[p] = P_CALLER;
		}
		return 0;
	}
	p = chance(10) ? (chance(50) ? 0 : lim + rnd(4)) : 1 + rnd(lim - 1);
	if (kind == 1) {
		want = p == 0 || p >= lim ? -ERANGE : fn->alloc[p] != P_FREE ? -EEXIST : 0;
		hist("step %u: pasid_reserve(fn %d, %u)", g.step, f, p);
		arm();
		rc = f == FN_DSA ? pdk_dmadev_pasid_reserve(g.dsa.dev_id, p) : pdk_pasid_reserve(fn->space, p);
		fired = disarm();
		EXPECT(rc, want, fired);
		if (rc == 0)
			fn->alloc[p] = P_CALLER;
		return 0;
	}
	if (p == 0 || p >= lim || fn->alloc[p] == P_FREE)
		want = -ENOENT;
	else if ((f == FN_DSA ? dsa_queue_of(p) : ctx_of(f, p)) >= 0)
		want = -EBUSY;
	else if (fn->alloc[p] == P_HELD_CTX || fn->alloc[p] == P_HELD_CALLER)
		want = -EBUSY;		/* held back after a failed detach */
	else
		want = 0;
	hist("step %u: pasid_free(fn %d, %u)", g.step, f, p);
	arm();
	rc = f == FN_DSA ? pdk_dmadev_pasid_free(g.dsa.dev_id, p) : pdk_pasid_free(fn->space, p);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0)
		fn->alloc[p] = P_FREE;
	return 0;
}

static int
op_ctx_create(void)
{
	int f = pick_space_fn(), a = pick_live_as(), k, want, rc;
	struct m_fn *fn;
	struct pdk_pasid_ctx *h = NULL;
	uint32_t p = 0, lim, exp;
	bool owns = true, fired;

	if (f < 0 || a < 0)
		return 1;
	for (k = 0; k < NCTX && g.ctx[k].h != NULL; k++)
		;
	if (k == NCTX)
		return 1;
	fn = &g.fn[f];
	lim = 1u << fn->width;
	if (chance(45)) {
		p = chance(8) ? lim + rnd(3) : 1 + rnd(lim - 1);
		/* often one the caller allocated, or one a context holds */
		for (exp = 1; exp < lim && chance(50); exp++)
			if (fn->alloc[exp] != P_FREE) {
				p = exp;
				break;
			}
	}
	exp = p;
	if (g.as[a].ictx != fn->bound) {
		want = -EINVAL;		/* another iommufd context than the device's */
	} else if (p == 0) {
		exp = lowest_free(fn);
		want = exp != 0 ? 0 : -ENOSPC;
	} else if (p >= lim) {
		want = -ERANGE;
	} else if (fn->alloc[p] == P_FREE) {
		want = 0;
	} else if (ctx_of(f, p) >= 0) {
		want = -EBUSY;		/* another context owns it */
	} else if (fn->alloc[p] == P_HELD_CTX || fn->alloc[p] == P_HELD_CALLER) {
		want = 0;		/* taken over: its attach replaces the stale one */
		owns = fn->alloc[p] == P_HELD_CTX;
	} else {
		want = 0;		/* the caller's: it stays the caller's */
		owns = false;
	}
	hist("step %u: pdk_pasid_ctx_create(fn %d, as%d, PASID %u) -> ctx%d (model: PASID %u)",
	     g.step, f, a, p, k, exp);
	arm();
	rc = pdk_pasid_ctx_create(fn->space, g.as[a].h, p, &h);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0) {
		struct m_ctx *c = &g.ctx[k];

		CHECK(pdk_pasid_ctx_pasid(h) == exp, "context got PASID %u, the model %u",
		      pdk_pasid_ctx_pasid(h), exp);
		c->h = h;
		c->fn = f;
		c->pasid = exp;
		c->as = a;
		c->owns = owns;
		fn->alloc[exp] = owns ? P_CTX : P_CALLER;
		kattach(f, exp, a);
	} else {
		CHECK(h == NULL, "a failed create gave a handle");
	}
	return 0;
}

static int
op_ctx_replace(void)
{
	int k = pick_live_ctx(), a = pick_live_as(), want, rc;
	struct m_ctx *c;
	bool fired;

	if (k < 0 || a < 0)
		return 1;
	c = &g.ctx[k];
	want = g.as[a].ictx != g.fn[c->fn].bound ? -EINVAL : 0;
	hist("step %u: pdk_pasid_ctx_replace(ctx%d fn %d PASID %u as%d -> as%d)", g.step, k, c->fn,
	     c->pasid, c->as, a);
	arm();
	rc = pdk_pasid_ctx_replace(c->h, g.as[a].h);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0) {
		c->as = a;
		kattach(c->fn, c->pasid, a);
	}
	return 0;
}

static int
op_ctx_release(void)
{
	int k = pick_live_ctx(), rc;
	struct m_ctx *c;
	bool fired;

	if (k < 0)
		return 1;
	c = &g.ctx[k];
	hist("step %u: pdk_pasid_ctx_release(ctx%d fn %d PASID %u as%d)", g.step, k, c->fn,
	     c->pasid, c->as);
	arm();
	rc = pdk_pasid_ctx_release(c->h);
	fired = disarm();
	EXPECT(rc, 0, fired);
	/* the context is freed even when the detach failed (pdk_pasid.h) */
	if (rc == 0) {
		g.fn[c->fn].alloc[c->pasid] = c->owns ? P_FREE : P_CALLER;
		kattach(c->fn, c->pasid, -1);
	} else {
		/* the kernel keeps the PASID attached: PDK holds it back */
		g.fn[c->fn].alloc[c->pasid] = c->owns ? P_HELD_CTX : P_HELD_CALLER;
		g.fn[c->fn].stale[c->pasid] = true;
		hist_add(" (PASID %u stays attached in the kernel, held back)", c->pasid);
	}
	c->h = NULL;
	return 0;
}

static int
op_rid(void)
{
	int f = pick_space_fn(), a = pick_live_as(), want, rc;
	struct m_fn *fn;
	bool fired;

	if (f < 0)
		return 1;
	fn = &g.fn[f];
	if (chance(35)) {
		hist("step %u: pdk_pasid_rid_detach(fn %d) (on as%d)", g.step, f, fn->rid_as);
		arm();
		rc = pdk_pasid_rid_detach(fn->space);
		fired = disarm();
		EXPECT(rc, 0, fired);
		if (rc == 0 && fn->rid_as >= 0) {
			fn->rid_as = -1;
			kattach(f, 0, -1);
		}
		return 0;
	}
	if (a < 0)
		return 1;
	want = g.as[a].ictx != fn->bound ? -EINVAL : 0;
	hist("step %u: pdk_pasid_rid_attach(fn %d, as%d) (was as%d)", g.step, f, a, fn->rid_as);
	arm();
	rc = pdk_pasid_rid_attach(fn->space, g.as[a].h);
	fired = disarm();
	EXPECT(rc, want, fired);
	if (rc == 0) {
		fn->rid_as = a;
		kattach(f, 0, a);
	}
	return 0;
}

/*
 * The device layer of a device whose PASID space owns its table: the RID
 * and every PASID belong to the space, so direct attach and detach are
 * refused. Without a space, detaching a PASID is the one way to drop an
 * attachment PDK forgot.
 */
static int
op_vfio_direct(void)
{
	int f = pick_open_fn(), rc;
	struct m_fn *fn;
	uint32_t p;

	if (f < 0 || g.fn[f].bound < 0)
		return 1;
	fn = &g.fn[f];
	p = 1 + rnd((1u << fn->width) - 1);
	if (fn->has_space) {
		int which = rnd(4);
		int a = pick_live_as();
		uint32_t hwpt = a >= 0 ? pdk_dma_as_ioas_id(g.as[a].h) : 1;

		hist("step %u: pdk_vfio_%s(fn %d%s) while its PASID space lives", g.step,
		     which == 0 ? "attach" : which == 1 ? "detach" : which == 2 ? "pasid_attach" : "pasid_detach",
		     f, which >= 2 ? ", a PASID" : "");
		if (which == 0)
			rc = pdk_vfio_attach(fn->h, hwpt, NULL);
		else if (which == 1)
			rc = pdk_vfio_detach(fn->h);
		else if (which == 2)
			rc = pdk_vfio_pasid_attach(fn->h, p, hwpt);
		else
			rc = pdk_vfio_pasid_detach(fn->h, p);
		EXPECT(rc, -EBUSY, false);
		return 0;
	}
	hist("step %u: pdk_vfio_pasid_detach(fn %d, PASID %u) without a PASID space%s", g.step, f, p,
	     fn->stale[p] ? " (a forgotten attachment)" : "");
	rc = pdk_vfio_pasid_detach(fn->h, p);
	EXPECT(rc, 0, false);
	kattach(f, p, -1);
	return 0;
}

/* A copy of the pdk-sim-dma engine through its registers, tagged with a PASID or the RID. */
static int
op_simdma_copy(void)
{
	int f = pick_open_fn(), a, rs, rd, ns, nd, st;
	struct test_env env = {0};
	struct seg ss[4], sd[4];
	uint64_t src, dst;
	uint32_t len, slen, p;
	struct m_fn *fn;
	bool pasid_valid;

	/* an unbound cdev fd refuses region access (-EINVAL), as the kernel's does */
	if (f < 0 || g.fn[f].bound < 0)
		return 1;
	fn = &g.fn[f];
	p = pick_tag(f);
	pasid_valid = p != 0;
	a = fn->katt[p];
	if (!pick_target(a, false, &src, &slen, ss, &ns, &rs) ||
	    !pick_target(a, true, &dst, &len, sd, &nd, &rd))
		return 1;
	if (slen < len)
		len = slen;
	/* predict again with the common length */
	rs = predict(a, src, len, false, ss, &ns);
	rd = predict(a, dst, len, true, sd, &nd);
	if (rs == T_UNKNOWN || rd == T_UNKNOWN)
		return 1;
	/* overlapping ranges are left to the DSA test: the engine's bounce is its own business */
	if (src < dst + len && dst < src + len)
		return 1;
	env.sim = g.sim;
	env.sys = g.sys;
	env.dev = fn->h;
	hist("step %u: simdma copy fn %d %s%u %#" PRIx64 " -> %#" PRIx64 " len %u (model: %s in as%d)",
	     g.step, f, pasid_valid ? "PASID " : "RID ", p, src, dst, len,
	     rs == T_OK && rd == T_OK ? "lands" : "faults", a);
	st = test_simdma_copy(&env, pasid_valid, p, src, dst, len);
	faults_pop(NULL);
	hist_add(" = status %d", st);
	if (rs == T_OK && rd == T_OK) {
		CHECK(st == PDK_SIMDMA_ST_DONE, "the copy ended with status %d, the model has it land", st);
		segs_read(ss, ns, g.scratch);
		segs_write(sd, nd, g.scratch);
		g.dma_ok++;
	} else {
		CHECK(st == PDK_SIMDMA_ST_FAULT, "the copy ended with status %d, the model has it fault", st);
		g.dma_fault++;
	}
	return check_buffers();
}

static int
op_dma_port(void)
{
	int f = rnd(NFN);

	return dma_port(f, pick_tag(f));
}

/* ---- the DSA: lib/bus, lib/dmadev and the DSA PMD ---- */

static void
dsa_forget_queue(int q)
{
	struct m_fn *fn = &g.fn[FN_DSA];

	if (!g.dsa.q[q].up)
		return;
	kattach(FN_DSA, g.dsa.q[q].pasid, -1);
	if (g.dsa.q[q].owns)
		fn->alloc[g.dsa.q[q].pasid] = P_FREE;
	g.dsa.q[q].up = false;
}

static int
op_bus_create(void)
{
	int i = pick_live_ictx(), rc;
	struct pdk_bus *bus = NULL;
	bool fired = false;

	if (i < 0 || g.dsa.bus != NULL)
		return 1;
	hist("step %u: bus on ictx%d: create, scan, allow %s, probe", g.step, i, fn_cfg[FN_DSA].addr);
	arm();
	rc = pdk_bus_create(g.ictx[i], &bus);
	if (rc == 0)
		rc = pdk_bus_scan(bus) < 0 ? -EIO : 0;
	if (rc == 0)
		rc = pdk_bus_allow(bus, fn_cfg[FN_DSA].addr);
	if (rc == 0) {
		rc = pdk_bus_probe(bus);
		rc = rc == 1 ? 0 : rc < 0 ? rc : -ENODEV;
	}
	fired = disarm();
	hist_add(" = %s", errname(rc));
	CHECK(rc == 0 || fired, "the bus failed with %s, nothing was injected", errname(rc));
	if (rc < 0) {
		CHECK(g.logged, "the bus failed with %s and logged nothing", errname(rc));
		pdk_bus_destroy(bus);
		return 0;
	}
	g.dsa.bus = bus;
	g.dsa.ictx = i;
	g.dsa.dev_id = pdk_dmadev_get_dev_id(fn_cfg[FN_DSA].addr);
	CHECK(g.dsa.dev_id >= 0, "no dmadev for the probed DSA");
	g.dsa.nq = 0;
	g.dsa.started = false;
	memset(g.dsa.q, 0, sizeof(g.dsa.q));
	g.fn[FN_DSA].has_space = true;
	memset(g.fn[FN_DSA].alloc, 0, sizeof(g.fn[FN_DSA].alloc));
	return 0;
}

static int
op_bus_destroy(void)
{
	int q;

	if (g.dsa.bus == NULL)
		return 1;
	hist("step %u: pdk_bus_destroy() (DSA %s, %d queues)", g.step,
	     g.dsa.started ? "started" : "stopped", g.dsa.nq);
	pdk_bus_destroy(g.dsa.bus);
	for (q = 0; q < DSA_NQ; q++)
		dsa_forget_queue(q);
	g.dsa.bus = NULL;
	g.fn[FN_DSA].has_space = false;
	fn_kernel_reset(&g.fn[FN_DSA]);
	CHECK(pdk_dmadev_count() == 0, "%u dmadevs left after the bus went", pdk_dmadev_count());
	return 0;
}

static int
op_dsa_configure(void)
{
	struct pdk_dmadev_conf conf = { .nb_queues = (uint16_t)(1 + rnd(DSA_NQ)) };
	int rc, q;

	if (g.dsa.bus == NULL)
		return 1;
	hist("step %u: pdk_dmadev_configure(DSA, %u queues)%s", g.step, conf.nb_queues,
	     g.dsa.started ? " while started" : "");
	rc = pdk_dmadev_configure(g.dsa.dev_id, &conf);
	EXPECT(rc, g.dsa.started ? -EBUSY : 0, false);
	if (rc == 0) {
		for (q = 0; q < DSA_NQ; q++)
			dsa_forget_queue(q);
		g.dsa.nq = conf.nb_queues;
	}
	return 0;
}

static int
op_dsa_queue_setup(void)
{
	struct pdk_dmadev_queue_conf qc = { .nb_desc = DSA_DESC };
	struct m_fn *fn = &g.fn[FN_DSA];
	int q = rnd(DSA_NQ), a = pick_live_as(), want, rc, other;
	uint32_t lim = 1u << fn->width, p = 0, exp = 0;
	bool owns = true, fired, released = false, old_up, old_owns;
	uint32_t old_pasid;
	int old_as, k;

	if (g.dsa.bus == NULL || a < 0)
		return 1;
	if (chance(40)) {
		p = chance(8) ? lim + rnd(3) : 1 + rnd(lim - 1);
		for (exp = 1; exp < lim && chance(50); exp++)
			if (fn->alloc[exp] != P_FREE) {
				p = exp;
				break;
			}
	}
	qc.as = g.as[a].h;
	qc.pasid = p;
	other = p != 0 ? dsa_queue_of(p) : -1;
	if (g.dsa.started) {
		want = -EBUSY;
	} else if (g.dsa.nq == 0 || q >= g.dsa.nq) {
		want = -EINVAL;
	} else if (p >= lim) {
		want = -EINVAL;
	} else if (g.as[a].ictx != g.dsa.ictx && g.dsa.q[q].up) {
		want = -EINVAL;		/* refused before the old queue is released */
	} else {
		/* from here the old queue is released first (pdk_dmadev.h) */
		released = true;
		if (g.as[a].ictx != g.dsa.ictx) {
			want = -EINVAL;
		} else if (p == 0) {
			want = 0;
		} else if (other >= 0 && other != q) {
			want = -EBUSY;
		} else {
			want = 0;
			/* a PASID the queue itself owned is free again once it is released */
			owns = fn->alloc[p] == P_FREE || fn->alloc[p] == P_HELD_CTX ||
			       (other == q && g.dsa.q[q].owns);
		}
	}
	hist("step %u: pdk_dmadev_queue_setup(DSA q%d, as%d, PASID %u)%s", g.step, q, a, p,
	     g.dsa.q[q].up ? " (set up before)" : "");
	arm();
	rc = pdk_dmadev_queue_setup(g.dsa.dev_id, (uint16_t)q, &qc);
	fired = disarm();
	EXPECT(rc, want, fired);
	old_up = g.dsa.q[q].up;
	old_pasid = g.dsa.q[q].pasid;
	old_as = g.dsa.q[q].as;
	old_owns = g.dsa.q[q].owns;
	if (released || (fired && rc < 0 && !g.dsa.started && q < g.dsa.nq))
		dsa_forget_queue(q);
	if (fired && rc < 0 && old_up && g.fn[FN_DSA].katt[old_pasid] < 0) {
		struct pdk_sim_stats st;

		/*
		 * The injected failure may have hit the detach of the old
		 * queue's PASID (the PMD returns it): the kernel keeps it
		 * attached, and lib/pasid holds it back.
		 */
		pdk_sim_stats_get(g.sim, &st);
		if (st.pasid_attachments == count_pasid_attachments() + 1) {
			g.fn[FN_DSA].katt[old_pasid] = old_as;
			g.fn[FN_DSA].stale[old_pasid] = true;
			fn->alloc[old_pasid] = old_owns ? P_HELD_CTX : P_HELD_CALLER;
			g.dsa_silent_detach++;
			hist_add(" (the old queue's PASID %u detach failed: it stays attached to as%d, held back)",
				 old_pasid, old_as);
		}
	}
	if (rc == 0) {
		struct pdk_dmadev_queue_info qi;

		CHECK(pdk_dmadev_queue_info(g.dsa.dev_id, (uint16_t)q, &qi) == 0, "no queue info");
		exp = qi.pasid;
		if (p == 0) {
			/* the lowest free PASID once the old queue's went back */
			CHECK(exp == lowest_free(fn), "the queue got PASID %u, the lowest free is %u",
			      exp, lowest_free(fn));
		} else {
			CHECK(exp == p, "the queue got PASID %u, asked %u", exp, p);
		}
		g.dsa.q[q].up = true;
		g.dsa.q[q].as = a;
		g.dsa.q[q].pasid = exp;
		g.dsa.q[q].owns = owns;
		fn->alloc[exp] = owns ? P_CTX : P_CALLER;
		kattach(FN_DSA, exp, a);
	}
	for (k = 0; fired && k < NAS; k++) {
		int left;

		/* (the PMD returns such a failure since; the model checks what was kept) */

		if (g.as[k].h == NULL)
			continue;
		/*
		 * The failure may have hit the unmap of a ring (the old queue's, or
		 * the new one's on a failed setup): the PMD goes on, and munmaps
		 * the ring while the IOAS still maps it.
		 */
		left = (int)pdk_dma_as_map_count(g.as[k].h) - g.as[k].nmaps - dsa_queues_on(k);
		if (left > g.as[k].foreign) {
			g.as[k].foreign = left;
			g.dsa_ring_left++;
			hist_add(" (a DSA ring stays mapped in as%d)", k);
		}
	}
	return 0;
}

static int
op_dsa_queue_release(void)
{
	int q = rnd(DSA_NQ), rc, want;

	if (g.dsa.bus == NULL)
		return 1;
	want = g.dsa.started ? -EBUSY : !g.dsa.q[q].up || q >= g.dsa.nq ? -EINVAL : 0;
	hist("step %u: pdk_dmadev_queue_release(DSA q%d)", g.step, q);
	rc = pdk_dmadev_queue_release(g.dsa.dev_id, (uint16_t)q);
	EXPECT(rc, want, false);
	if (rc == 0)
		dsa_forget_queue(q);
	return 0;
}

static int
op_dsa_start_stop(void)
{
	int rc, q, up = 0;
	bool fired;

	if (g.dsa.bus == NULL)
		return 1;
	for (q = 0; q < DSA_NQ; q++)
		up += g.dsa.q[q].up;
	if (g.dsa.started && chance(70)) {
		hist("step %u: pdk_dmadev_stop(DSA)", g.step);
		rc = pdk_dmadev_stop(g.dsa.dev_id);
		EXPECT(rc, 0, false);
		g.dsa.started = false;
		return 0;
	}
	if (chance(10)) {
		hist("step %u: pdk_dmadev_close(DSA)", g.step);
		rc = pdk_dmadev_close(g.dsa.dev_id);
		EXPECT(rc, 0, false);
		for (q = 0; q < DSA_NQ; q++)
			dsa_forget_queue(q);
		g.dsa.started = false;
		g.dsa.nq = 0;
		return 0;
	}
	hist("step %u: pdk_dmadev_start(DSA) (%d queues set up)", g.step, up);
	arm();
	rc = pdk_dmadev_start(g.dsa.dev_id);
	fired = disarm();
	EXPECT(rc, g.dsa.started ? 0 : g.dsa.nq == 0 || up == 0 ? -EINVAL : 0, fired);
	if (rc == 0)
		g.dsa.started = true;
	return 0;
}

/* One copy or fill on a DSA queue, waited for; P1 for the queue's PASID. */
static int
op_dsa_op(void)
{
	struct pdk_dmadev_status st = {0};
	int q = rnd(DSA_NQ), a, rs = T_OK, rd, ns = 0, nd, rc;
	bool fill = chance(25);
	struct seg ss[4], sd[4];
	uint64_t src = 0, dst, pattern = rnd64(), t0;
	uint32_t len, slen = 0;
	uint16_t n = 0;

	if (g.dsa.bus == NULL)
		return 1;
	if (!g.dsa.started || !g.dsa.q[q].up) {
		hist("step %u: pdk_dmadev_copy(DSA q%d) on a queue that is not started", g.step, q);
		rc = pdk_dmadev_copy(g.dsa.dev_id, (uint16_t)q, 4096, 8192, 64, PDK_DMADEV_OP_SUBMIT);
		hist_add(" = %s", errname(rc));
		CHECK(rc == -ENODEV, "the fast path of a stopped queue answered %s", errname(rc));
		return 0;
	}
	a = g.dsa.q[q].as;
	if (!pick_target(a, true, &dst, &len, sd, &nd, &rd))
		return 1;
	if (!fill) {
		if (!pick_target(a, false, &src, &slen, ss, &ns, &rs))
			return 1;
		if (slen < len)
			len = slen;
		rs = predict(a, src, len, false, ss, &ns);
		rd = predict(a, dst, len, true, sd, &nd);
		if (rs == T_UNKNOWN || rd == T_UNKNOWN)
			return 1;
	}
	hist("step %u: DSA q%d PASID %u %s %#" PRIx64 " -> %#" PRIx64 " len %u (model: %s in as%d)",
	     g.step, q, g.dsa.q[q].pasid, fill ? "fill" : "copy", src, dst, len,
	     rs == T_OK && rd == T_OK ? "lands" : "faults", a);
	if (fill)
		rc = pdk_dmadev_fill(g.dsa.dev_id, (uint16_t)q, pattern, dst, len, PDK_DMADEV_OP_SUBMIT);
	else
		rc = pdk_dmadev_copy(g.dsa.dev_id, (uint16_t)q, src, dst, len, PDK_DMADEV_OP_SUBMIT);
	CHECK(rc >= 0, "enqueue returned %s", errname(rc));
	t0 = pdk_sys_monotonic_ns();
	while (n == 0 && pdk_sys_monotonic_ns() - t0 < 5000000000ull)
		n = pdk_dmadev_completed_status(g.dsa.dev_id, (uint16_t)q, 1, NULL, &st);
	faults_pop(NULL);
	hist_add(" = %s", n ? pdk_dmadev_status_name(st.code) : "(no completion)");
	CHECK(n == 1, "no completion within 5 s");
	if (rs != T_OK || rd != T_OK) {
		CHECK(st.code == PDK_DMADEV_ST_PAGE_FAULT, "the operation ended %s, the model has it fault",
		      pdk_dmadev_status_name(st.code));
		CHECK(st.bytes_done < len, "a faulting op reports %u of %u bytes done", st.bytes_done, len);
		g.dma_fault++;
		if (st.bytes_done == 0)
			return check_buffers();
		/* a DSA completes part of it: the bytes before the fault moved (uapi bytes_completed) */
		len = st.bytes_done;
		rd = predict(a, dst, len, true, sd, &nd);
		rs = fill ? T_OK : predict(a, src, len, false, ss, &ns);
		CHECK(rs == T_OK && rd == T_OK, "%u bytes done reach past what as%d lets the device touch",
		      len, a);
	} else {
		CHECK(st.code == PDK_DMADEV_ST_SUCCESS, "the operation ended %s, the model has it land",
		      pdk_dmadev_status_name(st.code));
		g.dma_ok++;
	}
	{
		if (fill) {
			uint32_t i;

			for (i = 0; i < len; i++)
				g.scratch[i] = (uint8_t)(pattern >> (8 * (i % 8)));
		} else {
			segs_read(ss, ns, g.scratch);
		}
		segs_write(sd, nd, g.scratch);
	}
	return check_buffers();
}

/* ---- the run ---- */

struct op {
	const char *name;
	int (*fn)(void);
	unsigned int weight;
	bool injectable;
};

static const struct op ops[] = {
	{ "ictx_open", op_ictx_open, 4, true },
	{ "ictx_close", op_ictx_close, 3, false },
	{ "dev_open", op_dev_open, 5, true },
	{ "dev_bind", op_dev_bind, 6, true },
	{ "dev_close", op_dev_close, 3, false },
	{ "as_create", op_as_create, 6, true },
	{ "as_destroy", op_as_destroy, 4, true },
	{ "map", op_map, 14, true },
	{ "unmap", op_unmap, 6, true },
	{ "space_create", op_space_create, 6, true },
	{ "space_destroy", op_space_destroy, 3, false },
	{ "pasid", op_pasid, 8, true },
	{ "ctx_create", op_ctx_create, 12, true },
	{ "ctx_replace", op_ctx_replace, 6, true },
	{ "ctx_release", op_ctx_release, 6, true },
	{ "rid", op_rid, 6, true },
	{ "vfio_direct", op_vfio_direct, 2, false },
	{ "simdma_copy", op_simdma_copy, 8, false },
	{ "dma_port", op_dma_port, 12, false },
	{ "bus_create", op_bus_create, 3, true },
	{ "bus_destroy", op_bus_destroy, 1, false },
	{ "dsa_configure", op_dsa_configure, 3, false },
	{ "dsa_queue_setup", op_dsa_queue_setup, 6, true },
	{ "dsa_queue_release", op_dsa_queue_release, 2, false },
	{ "dsa_start_stop", op_dsa_start_stop, 4, true },
	{ "dsa_op", op_dsa_op, 8, false },
};

static int
step_once(void)
{
	unsigned int total = 0, i, tries;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	for (tries = 0; tries < 50; tries++) {
		unsigned int r = rnd(total);
		int rc;

		for (i = 0; r >= ops[i].weight; i++)
			r -= ops[i].weight;
		g.inject = ops[i].injectable && chance(12);
		g.logged = false;
		rc = ops[i].fn();
		g.inject = false;
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
	}
	/* P1 after every step: one probe through a DMA port */
	{
		int f = rnd(NFN);
		int rc = dma_port(f, pick_tag(f));

		if (rc < 0)
			return rc;
	}
	return audit();
}

/* Tear everything down in the documented order; each call must succeed. */
static int
teardown(void)
{
	int i, rc;

	hist("teardown");
	if (g.dsa.bus != NULL) {
		g.step++;
		if (op_bus_destroy() < 0)
			return -1;
	}
	for (i = 0; i < NCTX; i++) {
		if (g.ctx[i].h == NULL)
			continue;
		rc = pdk_pasid_ctx_release(g.ctx[i].h);
		CHECK(rc == 0, "teardown: release of ctx%d: %s", i, errname(rc));
		g.ctx[i].h = NULL;
	}
	for (i = 0; i < 2; i++) {
		if (!g.fn[i].has_space)
			continue;
		rc = pdk_pasid_space_destroy(g.fn[i].space);
		CHECK(rc == 0, "teardown: space of fn %d: %s", i, errname(rc));
		g.fn[i].has_space = false;
	}
	for (i = 0; i < 2; i++) {
		if (g.fn[i].h == NULL)
			continue;
		rc = pdk_vfio_close(g.fn[i].h);
		CHECK(rc == 0, "teardown: close of fn %d: %s", i, errname(rc));
		g.fn[i].h = NULL;
	}
	for (i = 0; i < NAS; i++) {
		if (g.as[i].h == NULL)
			continue;
		rc = pdk_dma_as_destroy(g.as[i].h);
		CHECK(rc == 0, "teardown: destroy of as%d: %s", i, errname(rc));
		g.as[i].h = NULL;
	}
	for (i = 0; i < NICTX; i++) {
		if (g.ictx[i] == NULL)
			continue;
		rc = pdk_iommufd_close(g.ictx[i]);
		CHECK(rc == 0, "teardown: close of ictx%d: %s", i, errname(rc));
		g.ictx[i] = NULL;
	}
	{
		struct pdk_sim_stats st;

		pdk_sim_stats_get(g.sim, &st);
		CHECK(pdk_sim_is_clean(g.sim),
		      "sim not clean: fds %u ctxs %u ioas %u hwpts %u bound %u pasids %u rids %u maps %u pinned %" PRIu64 " mmaps %u engines %u",
		      st.fds, st.iommufd_ctxs, st.ioas, st.hwpts, st.bound_devices,
		      st.pasid_attachments, st.rid_attachments, st.mappings, st.pinned_pages,
		      st.mmaps, st.engines);
	}
	return 0;
}

static int
world_create(void)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	int f, b, rc;

	memset(&g.ictx, 0, sizeof(g.ictx));
	memset(&g.as, 0, sizeof(g.as));
	memset(&g.fn, 0, sizeof(g.fn));
	memset(&g.ctx, 0, sizeof(g.ctx));
	memset(&g.dsa, 0, sizeof(g.dsa));
	g.dsa.dev_id = -1;
	rc = pdk_sim_create(&scfg, &g.sim);
	if (rc < 0)
		return rc;
	g.sys = pdk_sim_sys(g.sim);
	for (f = 0; f < NFN; f++) {
		struct pdk_sim_fn_config c = {
			.pci_addr = fn_cfg[f].addr, .model = fn_cfg[f].model,
			.pasid_bits = fn_cfg[f].pasid_bits,
		};

		rc = pdk_sim_fn_add(g.sim, &c, &g.fn[f].sfn);
		if (rc < 0)
			return rc;
		g.fn[f].bound = -1;
		g.fn[f].rid_as = -1;
		g.fn[f].width = fn_cfg[f].pasid_bits;
		fn_kernel_reset(&g.fn[f]);
	}
	for (b = 0; b < NBUF; b++) {
		uint32_t i;

		g.buf[b] = test_buf_alloc(BUF_LEN);
		g.shadow[b] = malloc(BUF_LEN);
		if (g.buf[b] == NULL || g.shadow[b] == NULL)
			return -ENOMEM;
		for (i = 0; i < BUF_LEN; i++)
			g.buf[b][i] = g.shadow[b][i] = (uint8_t)(b * 31 + i * 7);
	}
	return 0;
}

static void
world_free(void)
{
	int b;

	for (b = 0; b < NBUF; b++) {
		test_buf_free(g.buf[b], BUF_LEN);
		free(g.shadow[b]);
		g.buf[b] = NULL;
		g.shadow[b] = NULL;
	}
	if (g.sim != NULL)
		pdk_sim_destroy(g.sim);
	g.sim = NULL;
}

/* One run of @p nsteps from @p seed. @return 0 or -1 (reported). */
static int
apiseq_run(uint64_t seed, unsigned int nsteps)
{
	uint64_t t0 = pdk_sys_monotonic_ns();
	double secs;
	int rc = 0;

	memset(g.hist, 0, sizeof(g.hist));
	g.nhist = 0;
	g.peak = 0;
	g.injected = g.fired = g.refused = g.dma_ok = g.dma_fault = g.dsa_silent_detach = g.dsa_ring_left = 0;
	g.seed = seed;
	g.rng = seed;
	g.nsteps = nsteps;
	printf("apiseq: seed %" PRIu64 ", %u steps\n", seed, nsteps);
	fflush(stdout);
	if (world_create() < 0) {
		fprintf(stderr, "apiseq: cannot create the simulated world\n");
		world_free();
		return -1;
	}
	for (g.step = 0; g.step < nsteps && rc == 0; g.step++)
		rc = step_once();
	if (rc == 0)
		rc = teardown();
	if (rc == 0) {
		int leaked = pdk_sim_destroy(g.sim);

		g.sim = NULL;
		CHECK(leaked == 0, "pdk_sim_destroy() reports %d leaked fds", leaked);
	}
	world_free();
	secs = (double)(pdk_sys_monotonic_ns() - t0) / 1e9;
	if (rc == 0)
		printf("apiseq: seed %" PRIu64 ": %u steps ok in %.2f s, %.0f steps/s, peak %u live objects, "
		       "%" PRIu64 " refusals checked, %" PRIu64 " DMAs landed, %" PRIu64 " faulted, "
		       "%" PRIu64 " failures armed, %" PRIu64 " fired, %" PRIu64 " DSA PASIDs left attached, %" PRIu64 " DSA rings left mapped\n",
		       seed, nsteps, secs, nsteps / (secs > 0 ? secs : 1), g.peak, g.refused,
		       g.dma_ok, g.dma_fault, g.injected, g.fired, g.dsa_silent_detach, g.dsa_ring_left);
	fflush(stdout);
	return rc;
}

static int
test_apiseq_random(void)
{
	const char *s = getenv("PDK_APISEQ_SEED");
	const char *n = getenv("PDK_APISEQ_STEPS");
	unsigned int steps = n != NULL ? (unsigned int)strtoul(n, NULL, 0) : 1000;
	unsigned int runs = s != NULL ? 1 : 6, r;
	pdk_log_sink_t old_sink;
	void *old_arg;
	uint64_t seed;
	int rc = TEST_SUCCESS;

	if (s != NULL) {
		seed = strtoull(s, NULL, 0);
	} else {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003u + (uint64_t)ts.tv_nsec / 1000u;
		seed %= 1000000000u;
	}
	/* every refusal must log: PDK's lines go to apiseq_sink (printed on a failure) */
	pdk_log_set_sink(apiseq_sink, NULL, &old_sink, &old_arg);
	for (r = 0; r < runs && rc == TEST_SUCCESS; r++)
		if (apiseq_run(seed + r, steps) < 0)
			rc = TEST_FAILED;
	pdk_log_set_sink(old_sink, old_arg, NULL, NULL);
	return rc;
}
PDK_TEST_REGISTER(sim_apiseq_random, fast, test_apiseq_random);

/*
 * Found by sim_apiseq_random (seeds 962851676 and 962851432): a DSA queue
 * release whose PASID detach or ring unmap the kernel refused returned 0;
 * it returns the error. And when the unmap of the ring fails, the IOAS keeps mapping the ring; the PMD
 * must then keep its memory allocated, or the device could reach pages the
 * process reuses (and a later HWPT on the space fails to pin them).
 * A queue on the same space reads the old ring's IOVA through the DMA port:
 * the memory must still be there.
 */
static int
test_apiseq_dsa_ring_unmap_fails(void)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = "0000:6a:01.0", .model = PDK_SIM_MODEL_DSA, .pasid_bits = 4,
	};
	struct pdk_dmadev_conf conf = { .nb_queues = 2 };
	struct pdk_dmadev_queue_conf qc = { .nb_desc = DSA_DESC };
	struct pdk_dmadev_queue_info qi;
	struct pdk_iommufd *ictx;
	struct pdk_sim_fn *fn;
	struct pdk_dma_as *as;
	struct pdk_bus *bus;
	struct pdk_sim *sim;
	struct pdk_sim_stats st;
	uint8_t probe[64];
	unsigned int nth, attached;
	bool kept = false, detach_seen = false;
	int dev, rc;

	TEST_ASSERT_OK(pdk_sim_create(&scfg, &sim));
	TEST_ASSERT_OK(pdk_sim_fn_add(sim, &fcfg, &fn));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(sim), &ictx));
	TEST_ASSERT_OK(pdk_bus_create(ictx, &bus));
	TEST_ASSERT(pdk_bus_scan(bus) >= 1);
	TEST_ASSERT_OK(pdk_bus_allow(bus, fcfg.pci_addr));
	TEST_ASSERT_RC(pdk_bus_probe(bus), 1);
	dev = pdk_dmadev_get_dev_id(fcfg.pci_addr);
	TEST_ASSERT(dev >= 0);
	TEST_ASSERT_OK(pdk_dma_as_create(ictx, "rings", &as));
	TEST_ASSERT_OK(pdk_dmadev_configure(dev, &conf));
	qc.as = as;
	test_log_capture_start();
	/* fail each boundary call of the release in turn until the ring unmap is hit */
	for (nth = 1; nth < 16 && !kept; nth++) {
		TEST_ASSERT_OK(pdk_dmadev_queue_setup(dev, 0, &qc));
		TEST_ASSERT_EQ(pdk_dma_as_map_count(as), 1);
		test_log_clear();
		/* a PASID whose detach failed earlier stays attached (held back): count from here */
		pdk_sim_stats_get(sim, &st);
		attached = st.pasid_attachments;
		pdk_sim_fail_nth(sim, nth, EIO);
		rc = pdk_dmadev_queue_release(dev, 0);
		pdk_sim_fail_nth(sim, 0, 0);
		kept = pdk_dma_as_map_count(as) == 1;
		pdk_sim_stats_get(sim, &st);
		/* what the kernel kept (the PASID attached, the ring mapped) is reported */
		if (kept || st.pasid_attachments == attached) {
			TEST_ASSERT_RC(rc, -EIO);
			/* by the layer the kernel refused, once (the driver and lib/dmadev add warnings) */
			TEST_ASSERT_EQ(test_log_errors(), 1);
			detach_seen |= st.pasid_attachments == attached;
		} else {
			TEST_ASSERT_OK(rc);
		}
	}
	TEST_ASSERT(kept, "no injected failure left the ring mapped");
	TEST_ASSERT(detach_seen, "no injected failure hit the PASID detach");
	TEST_ASSERT_LOGGED("the ring stays mapped and allocated");
	test_log_capture_stop();
	/* the first mapping of a new space sits at PDK's lowest IOVA, 4096 */
	TEST_ASSERT_OK(pdk_dmadev_queue_setup(dev, 1, &qc));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(dev, 1, &qi));
	TEST_ASSERT_RC(pdk_sim_fn_dma(fn, true, qi.pasid, 4096, probe, sizeof(probe), false), 0);
	pdk_bus_destroy(bus);
	TEST_ASSERT_OK(pdk_dma_as_destroy(as));
	TEST_ASSERT_OK(pdk_iommufd_close(ictx));
	TEST_ASSERT_SIM_CLEAN(sim);
	TEST_ASSERT_EQ(pdk_sim_destroy(sim), 0);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_apiseq_dsa_ring_unmap_fails, fast, test_apiseq_dsa_ring_unmap_fails);
