/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Live changes under traffic, on the SIMULATED kernel's DSA model through
 * the DSA PMD (a simulation: these check PDK's and the model's ordering,
 * not hardware). Four PASID queues, each with its own address space, copy
 * continuously from a worker thread while the test thread replaces queue
 * A's address space (back and forth between two spaces that map the same
 * IOVAs over different memory) and unmaps and maps again a buffer of
 * queue B's space that B's ops write to.
 *
 * A replace is made with A's ops drained (the worker holds A between two
 * bursts, the other three keep going): a PASID replace is not hitless on
 * VT-d (the kernel tears the PASID entry down, then writes the new one:
 * doc/kernel-facts.md K15), and the sim blocks DMA of the PASID for that
 * window as well, so an op in flight there faults and its completion
 * record may never land. Every op is checked:
 *
 *  - its bytes landed whole in exactly one backing, the one of the space
 *    attached when it ran (each source slot carries the space's id and
 *    the op's sequence number, so a copy from one space into the other, a
 *    half-copied slot, or a stale one shows);
 *  - it completed: with success, or (B's ops to the buffer being unmapped,
 *    only those) a page fault at that buffer's IOVA, nothing written;
 *  - C and D never see anything but success and their own bytes;
 *  - the driver's counters agree with what the worker saw.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "pdk_bus.h"
#include "pdk_dma_skeleton.h"
#include "pdk_test.h"
#include "test_dma_env.h"
#include "test_dsa_env.h"

#define LIVE_SLOT	4096u			/* one op: one page */
#define LIVE_BURST	32u			/* ops per burst, one slot each */
#define LIVE_HALF	(BUF_LEN / 2)		/* sources below, destinations above */
#define LIVE_X_LEN	(LIVE_BURST * LIVE_SLOT)	/* B's buffer that comes and goes */
#define LIVE_POISON	0xa5u
#define LIVE_A		0u
#define LIVE_B		1u
#define LIVE_NEW_SPACE	NQ			/* the id of A's second space */
#define LIVE_MIN_ROUNDS	8u
#define LIVE_MAX_ROUNDS	400u
#define LIVE_WAIT_S	10.0			/* a burst not done by then is lost */

struct lane {
	uint16_t q;
	uint64_t iova;		/* the buffer's IOVA, the same in each space of the lane */
	uint8_t *back[2];	/* its memory in each space (back[1]: A's second space only) */
	unsigned int space[2];	/* the spaces' ids, in the tags */
	uint8_t *x;		/* B: odd ops write here, at x_iova */
	uint64_t x_iova;
	uint64_t seq;
	/* results: the worker writes them, the test thread reads once the worker joined */
	uint64_t ops, ok, faulted, x_ok, landed[2];
	int fail_line;
	char why[160];
	struct pdk_dmadev_status st[LIVE_BURST];
};

struct live {
	int dev_id;
	struct lane lane[NQ];
	uint32_t stop;
	/* lane A: the test thread asks (hold 1), the worker stops issuing on A and says so (held 1) */
	uint32_t hold, held;
	uint32_t a_space;	/* the index in back[] of A's attached space, set while A is held */
	uint64_t bursts;	/* atomic: rounds of all four lanes */
	uint64_t b_faulted, b_x_ok;	/* atomic copies of lane B's, for the test thread */
};

/* Word i of the source of op @p seq in space @p space of lane @p q: unique, never the poison. */
static uint64_t
tag(unsigned int space, uint16_t q, uint64_t seq, unsigned int i)
{
	return (uint64_t)space << 60 | (uint64_t)q << 56 | (seq & 0xffffffffffull) << 12 | i;
}

static void
tag_write(uint8_t *p, unsigned int space, uint16_t q, uint64_t seq)
{
	unsigned int i;

	for (i = 0; i < LIVE_SLOT / 8; i++) {
		uint64_t w = tag(space, q, seq, i);

		memcpy(p + i * 8, &w, 8);
	}
}

static bool
tag_is(const uint8_t *p, unsigned int space, uint16_t q, uint64_t seq)
{
	unsigned int i;

	for (i = 0; i < LIVE_SLOT / 8; i++) {
		uint64_t w;

		memcpy(&w, p + i * 8, 8);
		if (w != tag(space, q, seq, i))
			return false;
	}
	return true;
}

static bool
poisoned(const uint8_t *p)
{
	unsigned int i;

	for (i = 0; i < LIVE_SLOT; i++)
		if (p[i] != LIVE_POISON)
			return false;
	return true;
}

#define LANE_FAIL(l, ...) do {						\
		(l)->fail_line = __LINE__;				\
		snprintf((l)->why, sizeof((l)->why), __VA_ARGS__);	\
		return -1;						\
	} while (0)

static bool
is_x_op(const struct lane *l, unsigned int k)
{
	return l->x != NULL && (k & 1u) != 0;
}

/* Write the sources, poison the destinations, enqueue and submit one burst. */
static int
lane_issue(struct live *r, struct lane *l)
{
	unsigned int k, j;

	for (k = 0; k < LIVE_BURST; k++) {
		for (j = 0; j < 2 && l->back[j] != NULL; j++) {
			tag_write(l->back[j] + k * LIVE_SLOT, l->space[j], l->q, l->seq + k);
			memset(l->back[j] + LIVE_HALF + k * LIVE_SLOT, LIVE_POISON, LIVE_SLOT);
		}
		if (is_x_op(l, k))
			memset(l->x + k * LIVE_SLOT, LIVE_POISON, LIVE_SLOT);
	}
	for (k = 0; k < LIVE_BURST; k++) {
		uint64_t dst = is_x_op(l, k) ? l->x_iova + k * LIVE_SLOT :
			       l->iova + LIVE_HALF + k * LIVE_SLOT;

		if (pdk_dmadev_copy(r->dev_id, l->q, l->iova + k * LIVE_SLOT, dst, LIVE_SLOT,
				    0) < 0)
			LANE_FAIL(l, "queue %u: enqueue of op %u refused", l->q, k);
	}
	if (pdk_dmadev_submit(r->dev_id, l->q) != 0)
		LANE_FAIL(l, "queue %u: submit refused", l->q);
	return 0;
}

/* Check a burst's ops; @p attached: the index in back[] of the lane's space while they ran. */
static int
lane_check(struct lane *l, unsigned int attached)
{
	unsigned int k, j;

	for (k = 0; k < LIVE_BURST; k++) {
		const struct pdk_dmadev_status *s = &l->st[k];
		uint64_t seq = l->seq + k;
		unsigned int hits = 0, where = 0;

		l->ops++;
		if (is_x_op(l, k)) {
			uint8_t *d = l->x + k * LIVE_SLOT;

			if (s->code == PDK_DMADEV_ST_PAGE_FAULT) {
				if (s->fault_addr != l->x_iova + k * LIVE_SLOT || !s->fault_write)
					LANE_FAIL(l, "queue %u op %" PRIu64 ": fault at %#" PRIx64
						  " (write %u), not at its destination", l->q, seq,
						  s->fault_addr, s->fault_write);
				if (!poisoned(d))
					LANE_FAIL(l, "queue %u op %" PRIu64 ": faulted, yet wrote",
						  l->q, seq);
				l->faulted++;
				continue;
			}
			if (s->code != PDK_DMADEV_ST_SUCCESS)
				LANE_FAIL(l, "queue %u op %" PRIu64 ": status %u", l->q, seq, s->code);
			if (!tag_is(d, l->space[0], l->q, seq))
				LANE_FAIL(l, "queue %u op %" PRIu64 ": succeeded, bytes wrong", l->q,
					  seq);
			l->ok++;
			l->x_ok++;
			continue;
		}
		if (s->code != PDK_DMADEV_ST_SUCCESS)
			LANE_FAIL(l, "queue %u op %" PRIu64 ": status %u (fault at %#" PRIx64 ")",
				  l->q, seq, s->code, s->fault_addr);
		for (j = 0; j < 2 && l->back[j] != NULL; j++)
			if (tag_is(l->back[j] + LIVE_HALF + k * LIVE_SLOT, l->space[j], l->q, seq)) {
				hits++;
				where = j;
			}
		if (hits != 1)
			LANE_FAIL(l, "queue %u op %" PRIu64 ": landed whole in %u spaces", l->q, seq,
				  hits);
		if (where != attached)
			LANE_FAIL(l, "queue %u op %" PRIu64 ": landed in space %u, ran with space %u"
				  " attached", l->q, seq, l->space[where], l->space[attached]);
		l->landed[where]++;
		l->ok++;
	}
	l->seq += LIVE_BURST;
	return 0;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wait for a burst's completions (the sim's engines finish in well under the limit). */
static int
lane_wait(struct live *r, struct lane *l)
{
	double limit = now_s() + LIVE_WAIT_S;
	unsigned int got = 0;
	unsigned long spins = 0;

	while (got < LIVE_BURST) {
		got += pdk_dmadev_completed_status(r->dev_id, l->q, (uint16_t)(LIVE_BURST - got),
						   NULL, &l->st[got]);
		if (got < LIVE_BURST && ++spins % 64 == 0) {
			if (now_s() > limit)
				LANE_FAIL(l, "queue %u: %u of %u ops completed in %.0f s: lost", l->q,
					  got, LIVE_BURST, LIVE_WAIT_S);
			sched_yield();	/* 2 cores: let the engines and the test thread run */
		}
	}
	return 0;
}

static void *
live_worker(void *arg)
{
	struct live *r = arg;
	unsigned int i, attached[NQ] = { 0 };
	bool run[NQ];

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		/* every burst of A completed: it is idle here, and told so */
		__atomic_store_n(&r->held, __atomic_load_n(&r->hold, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELEASE);
		for (i = 0; i < NQ; i++) {
			run[i] = i != LIVE_A || !__atomic_load_n(&r->held, __ATOMIC_RELAXED);
			if (i == LIVE_A && run[i])
				attached[i] = __atomic_load_n(&r->a_space, __ATOMIC_ACQUIRE);
			if (run[i] && lane_issue(r, &r->lane[i]) < 0)
				return NULL;
		}
		for (i = 0; i < NQ; i++)
			if (run[i] && (lane_wait(r, &r->lane[i]) < 0 ||
				       lane_check(&r->lane[i], attached[i]) < 0))
				return NULL;
		__atomic_store_n(&r->b_faulted, r->lane[LIVE_B].faulted, __ATOMIC_RELAXED);
		__atomic_store_n(&r->b_x_ok, r->lane[LIVE_B].x_ok, __ATOMIC_RELAXED);
		__atomic_add_fetch(&r->bursts, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Let the worker run @p n more rounds (or give up: it stopped). */
static void
live_wait_rounds(struct live *r, uint64_t n)
{
	uint64_t end = __atomic_load_n(&r->bursts, __ATOMIC_ACQUIRE) + n;
	double limit = now_s() + LIVE_WAIT_S;

	while (__atomic_load_n(&r->bursts, __ATOMIC_ACQUIRE) < end && now_s() < limit)
		sched_yield();
}

/* Replace A's space with spaces[@p idx] between two of its bursts, the others running. */
static int
live_replace_a(struct live *r, struct pdk_dma_as *as, unsigned int idx)
{
	double limit = now_s() + LIVE_WAIT_S;
	int rc;

	__atomic_store_n(&r->hold, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&r->held, __ATOMIC_ACQUIRE) && now_s() < limit)
		sched_yield();
	if (!__atomic_load_n(&r->held, __ATOMIC_ACQUIRE))
		return -ETIMEDOUT;
	rc = pdk_dmadev_queue_replace_as(r->dev_id, LIVE_A, as);
	if (rc == 0)
		__atomic_store_n(&r->a_space, idx, __ATOMIC_RELEASE);
	__atomic_store_n(&r->hold, 0, __ATOMIC_RELEASE);
	return rc;
}

static int
test_live_replace_map_unmap(void)
{
	struct pdk_dmadev_queue_info qi;
	struct pdk_dmadev_stats ds;
	struct pdk_dma_as *spaces[2];
	struct pdk_sim_fault f;
	struct pdk_dma_as *a_new = NULL;
	struct dsa_env e;
	struct live r;
	uint8_t *a_mem, *x;
	pthread_t th;
	struct pdk_sim_stats ss;
	unsigned int i, rounds, faults = 0;
	uint32_t pasid_b;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, NQ, 256));
	r.dev_id = e.dev_id;
	/* A's second space: A's buffer IOVA over other memory */
	a_mem = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	x = mmap(NULL, LIVE_X_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(a_mem != MAP_FAILED && x != MAP_FAILED);
	TEST_ASSERT_OK(pdk_dma_as_create(pdk_bus_iommufd(e.bus), "live-a2", &a_new));
	TEST_ASSERT_OK(pdk_dma_map_iova(a_new, a_mem, BUF_LEN, e.iova[LIVE_A],
					PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
	spaces[0] = e.as[LIVE_A];
	spaces[1] = a_new;
	for (i = 0; i < NQ; i++) {
		r.lane[i].q = (uint16_t)i;
		r.lane[i].iova = e.iova[i];
		r.lane[i].back[0] = e.buf[i];
		r.lane[i].space[0] = i;
	}
	r.lane[LIVE_A].back[1] = a_mem;
	r.lane[LIVE_A].space[1] = LIVE_NEW_SPACE;
	r.lane[LIVE_B].x = x;
	TEST_ASSERT_OK(pdk_dma_map(e.as[LIVE_B], x, LIVE_X_LEN,
				   PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &r.lane[LIVE_B].x_iova));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, LIVE_B, &qi));
	pasid_b = qi.pasid;

	TEST_ASSERT_OK(pdk_dmadev_start(e.dev_id));
	TEST_ASSERT_OK(pthread_create(&th, NULL, live_worker, &r));
	live_wait_rounds(&r, 3);
	/*
	 * Round k: A's space replaced, then B's buffer unmapped and mapped
	 * again at its IOVA, a burst of every lane between. At least
	 * LIVE_MIN_ROUNDS (an even number: A ends on its first space), and on
	 * until B's buffer both faulted and took bytes (the engines' timing
	 * decides whether an unmap lands while B's ops run).
	 */
	for (rounds = 0; rounds < LIVE_MAX_ROUNDS; rounds++) {
		if (rounds >= LIVE_MIN_ROUNDS && rounds % 2 == 0 &&
		    __atomic_load_n(&r.b_faulted, __ATOMIC_RELAXED) > 0 &&
		    __atomic_load_n(&r.b_x_ok, __ATOMIC_RELAXED) > 0)
			break;
		rc = live_replace_a(&r, spaces[(rounds + 1) % 2], (rounds + 1) % 2);
		if (rc < 0)
			break;
		TEST_ASSERT_OK(pdk_dma_unmap(e.as[LIVE_B], x));
		live_wait_rounds(&r, 1);
		TEST_ASSERT_OK(pdk_dma_map_iova(e.as[LIVE_B], x, LIVE_X_LEN, r.lane[LIVE_B].x_iova,
						PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE));
		live_wait_rounds(&r, 1);
		if (__atomic_load_n(&r.lane[LIVE_A].fail_line, __ATOMIC_RELAXED) != 0)
			break;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	printf("  %u rounds; A: %" PRIu64 " ops in its first space, %" PRIu64 " in its second; B: %"
	       PRIu64 " to the buffer that came and went, %" PRIu64 " faulted\n", rounds,
	       r.lane[LIVE_A].landed[0], r.lane[LIVE_A].landed[1], r.lane[LIVE_B].x_ok,
	       r.lane[LIVE_B].faulted);
	for (i = 0; i < NQ; i++)
		TEST_ASSERT(r.lane[i].fail_line == 0, "test_live.c:%d: %s", r.lane[i].fail_line,
			    r.lane[i].why);
	TEST_ASSERT_OK(rc);
	TEST_ASSERT(r.lane[LIVE_A].landed[0] > 0 && r.lane[LIVE_A].landed[1] > 0);
	TEST_ASSERT((rounds & 1u) == 0, "A ends on its second space");
	TEST_ASSERT(r.lane[LIVE_B].faulted > 0 && r.lane[LIVE_B].x_ok > 0,
		    "B's buffer: %" PRIu64 " faults, %" PRIu64 " copies in %u rounds",
		    r.lane[LIVE_B].faulted, r.lane[LIVE_B].x_ok, rounds);
	/* the driver's counters: every op completed, the faults B's only */
	for (i = 0; i < NQ; i++) {
		const struct lane *l = &r.lane[i];

		TEST_ASSERT_OK(pdk_dmadev_stats_get(e.dev_id, (uint16_t)i, &ds));
		TEST_ASSERT_EQ(ds.submitted, l->ops);
		TEST_ASSERT_EQ(ds.completed, l->ops);
		TEST_ASSERT_EQ(ds.errors, l->faulted);
		TEST_ASSERT_EQ(ds.page_faults, l->faulted);
		TEST_ASSERT_EQ(ds.bytes, l->ok * LIVE_SLOT);
		TEST_ASSERT_EQ(l->ok + l->faulted, l->ops);
		if (i != LIVE_B)
			TEST_ASSERT_EQ(l->faulted, 0);
	}
	/* the sim's faults: B's PASID, writes into its buffer, nothing else */
	while (pdk_sim_fault_pop(e.sim, &f) == 0) {
		TEST_ASSERT(f.pasid_valid && f.pasid == pasid_b && f.write &&
			    f.iova >= r.lane[LIVE_B].x_iova &&
			    f.iova < r.lane[LIVE_B].x_iova + LIVE_X_LEN,
			    "a fault of PASID %u at %#" PRIx64 " (%s)", f.pasid, f.iova, f.reason);
		faults++;
	}
	/* the log keeps the latest; the count is of all */
	pdk_sim_stats_get(e.sim, &ss);
	TEST_ASSERT(faults > 0 && ss.faults >= r.lane[LIVE_B].faulted,
		    "%" PRIu64 " sim faults for %" PRIu64 " ops", ss.faults, r.lane[LIVE_B].faulted);

	/* stopped: a replace works too; A ends on its first space, so the second can go */
	TEST_ASSERT_OK(pdk_dmadev_stop(e.dev_id));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, LIVE_A, &qi));
	TEST_ASSERT(qi.as == spaces[0]);
	TEST_ASSERT_EQ(pdk_dma_as_map_count(spaces[0]), 2);	/* buffer and ring */
	TEST_ASSERT_OK(pdk_dmadev_queue_replace_as(e.dev_id, LIVE_A, a_new));
	TEST_ASSERT_EQ(pdk_dma_as_map_count(spaces[0]), 1);	/* the ring went with the PASID */
	TEST_ASSERT_EQ(pdk_dma_as_map_count(a_new), 2);
	TEST_ASSERT_OK(pdk_dmadev_queue_replace_as(e.dev_id, LIVE_A, spaces[0]));
	TEST_ASSERT_EQ(pdk_dma_as_map_count(a_new), 1);
	TEST_ASSERT_OK(pdk_dma_unmap(a_new, a_mem));
	TEST_ASSERT_OK(pdk_dma_as_destroy(a_new));
	TEST_ASSERT_OK(pdk_dma_unmap(e.as[LIVE_B], x));
	munmap(a_mem, BUF_LEN);
	munmap(x, LIVE_X_LEN);
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_live_replace_map_unmap, fast, test_live_replace_map_unmap);

/*
 * What pdk_dmadev_queue_replace_as() refuses, each logged once, the queue
 * unchanged: a space of another iommufd context, and NULL; the current
 * space is a no-op.
 */
static int
test_live_replace_refused(void)
{
	struct pdk_dmadev_queue_info qi, qi2;
	struct pdk_iommufd *other;
	struct pdk_dma_as *foreign;
	struct dsa_env e;

	TEST_ASSERT_OK(dsa_env_setup(&e, 20, NULL));
	TEST_ASSERT_OK(dsa_env_queues(&e, 1, 64));
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 0, &qi));
	TEST_ASSERT_OK(pdk_iommufd_open(pdk_sim_sys(e.sim), &other));
	TEST_ASSERT_OK(pdk_dma_as_create(other, "foreign", &foreign));

	test_log_capture_start();
	TEST_ASSERT_EQ(pdk_dmadev_queue_replace_as(e.dev_id, 0, foreign), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("belongs to another iommufd context");
	test_log_clear();
	TEST_ASSERT_EQ(pdk_dmadev_queue_replace_as(e.dev_id, 0, NULL), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL address space");
	test_log_clear();
	TEST_ASSERT_EQ(pdk_dmadev_queue_replace_as(e.dev_id, 1, e.as[0]), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("configured with 1 queues");
	test_log_clear();
	TEST_ASSERT_EQ(pdk_dmadev_queue_replace_as(e.dev_id, 0, e.as[0]), 0);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_queue_info(e.dev_id, 0, &qi2));
	TEST_ASSERT(qi2.as == qi.as && qi2.hwpt_id == qi.hwpt_id && qi2.pasid == qi.pasid);
	TEST_ASSERT_OK(pdk_dma_as_destroy(foreign));
	TEST_ASSERT_OK(pdk_iommufd_close(other));
	TEST_ASSERT_OK(dsa_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_live_replace_refused, fast, test_live_replace_refused);

/* A driver without the op: -ENOTSUP, logged once with the way out; the queue stays. */
static int
test_live_replace_unsupported(void)
{
	struct pdk_dmadev_queue_info qi;
	struct dma_env e;
	int id;

	TEST_ASSERT_OK(dma_env_setup(&e));
	TEST_ASSERT_OK(pdk_dma_skeleton_create("skel-live", NULL, &id));
	TEST_ASSERT_OK(dma_env_setup_queues(id, 1, 1, 64, e.as[0]));
	test_log_capture_start();
	TEST_REFUSED(pdk_dmadev_queue_replace_as(id, 0, e.as[1]), -ENOTSUP,
		     "driver dma_skeleton cannot replace a queue's address space");
	test_log_capture_stop();
	TEST_ASSERT_OK(pdk_dmadev_queue_info(id, 0, &qi));
	TEST_ASSERT(qi.as == e.as[0]);
	TEST_ASSERT_OK(pdk_dma_skeleton_destroy(id));
	TEST_ASSERT_OK(dma_env_teardown(&e));
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_live_replace_unsupported, fast, test_live_replace_unsupported);
