/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The fast path. Enqueue writes a descriptor into the ring slot of the
 * operation (each with its own completion record, written by the device on
 * a failure, or on success when the op goes alone); submit hands the pending
 * slots to the WQ, one descriptor alone or as batch descriptors over
 * consecutive slots, so one portal write carries up to max_batch ops.
 *
 * A dedicated WQ silently drops a descriptor written while it is full, so
 * the driver never has more segments in flight than the WQ has entries:
 * enqueue refuses (-ENOSPC) an op that would need one more.
 */

#include <errno.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "dsa_private.h"
#include "pdk_dsa.h"

_Static_assert(PDK_DMADEV_OP_FENCE == PDK_IDXD_FLAG_FENCE, "enqueue copies the fence bit");

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

bool
pdk_dsa_cpu_has_movdir64b(void)
{
#if defined(__x86_64__)
	unsigned int a, b, c, d;

	/* CPUID.(EAX=07H, ECX=0):ECX[bit 28] (Intel SDM, MOVDIR64B) */
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (c >> 28) & 1;
#else
	return false;
#endif
}

void
dsa_portal_movdir64b(struct dsa_queue *q, const struct pdk_idxd_desc *desc)
{
#if defined(__x86_64__)
	/* Ring and records must be visible before the device reads them. */
	__asm__ volatile("sfence" ::: "memory");
	/* movdir64b (%rdx), %rax: the bytes of the instruction, since older
	 * assemblers do not know its mnemonic (Intel SDM encoding). */
	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02"
			 : : "a"(q->portal.addr), "d"(desc) : "memory");
#else
	(void)q;
	(void)desc;
#endif
}

/*
 * The backend's store hook (the sim's: straight into the model's WQ), one
 * call per descriptor with no lib/vfio or boundary call in between. The
 * fence stands where the sfence stands before MOVDIR64B: ring and records
 * are written before the device can see the descriptor.
 */
void
dsa_portal_hook(struct dsa_queue *q, const struct pdk_idxd_desc *desc)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	/* the device did not take it (the sim: memory decoding off); the op will not complete */
	if (unlikely(q->portal.store64(q->portal.cookie, desc) < 0))
		dsa_ctr_add(&q->stats.errors, 1);
}

/* The segment slot pending segment @p k (0: the first not submitted) will take. */
static inline struct dsa_seg *
dsa_pending_seg(struct dsa_queue *q, uint16_t k)
{
	return &q->segs[(uint16_t)(q->seg_tail + k) & q->seg_mask];
}

/*
 * One more pending op at ring slot @p slot in enqueue's count of segments:
 * it opens a segment when the last one is full (max_batch ops, or it
 * reached the ring's end: submit cuts there), else joins it.
 */
static inline void
dsa_chunk_add(struct dsa_queue *q, uint16_t slot)
{
	if (q->chunk_room == 0) {
		uint32_t room = (uint32_t)q->nb_desc - slot;
		struct dsa_seg *s = dsa_pending_seg(q, q->chunks);

		/* no burst op in it yet: the harvest sums it unless bursts fill it */
		s->bytes = 0;
		s->counted = 0;
		q->chunks++;
		q->chunk_room = (uint16_t)((room < q->max_batch ? room : q->max_batch) - 1u);
	} else {
		q->chunk_room--;
	}
}

static inline int
dsa_enqueue(struct dsa_queue *q, uint32_t opcode, uint64_t src, uint64_t dst, uint32_t len,
	    uint64_t flags)
{
	uint16_t idx = q->write;
	uint16_t slot = idx & q->mask;
	struct pdk_idxd_desc *d = &q->descs[slot];

	/* len 0 wraps to the largest value: one compare for both bounds */
	if (unlikely(len - 1u >= q->max_xfer))
		return -EINVAL;
	if (unlikely((uint16_t)(idx - q->cpl) >= q->nb_desc))
		return -ENOSPC;
	/* an op that opens a segment needs a WQ entry for it */
	if (q->chunk_room == 0 &&
	    unlikely((uint32_t)(uint16_t)(q->seg_tail - q->seg_head) + q->chunks + 1u >
		     q->seg_mask + 1u))
		return -ENOSPC;
	dsa_chunk_add(q, slot);

	/*
	 * Only the fields an op changes: the slot's record address and its
	 * zero fields (PASID, interrupt handle, reserved, op-specific: copy and
	 * fill use none) were written when the ring was reset
	 * (dsa_queue_reset_ring()), and no op writes them. PDK_DMADEV_OP_FENCE
	 * is bit 0, as PDK_IDXD_FLAG_FENCE is.
	 */
	d->op_flags = PDK_IDXD_OP_FLAGS(opcode,
					q->op_flags | (uint32_t)(flags & PDK_DMADEV_OP_FENCE));
	d->src = src;
	d->dst = dst;
	d->size = len;
	q->comps[slot].status = PDK_IDXD_COMP_NONE;
	q->write = (uint16_t)(idx + 1);
	if (unlikely(flags & PDK_DMADEV_OP_FENCE))
		q->fence_queued = true;
	if (flags & PDK_DMADEV_OP_SUBMIT)
		dsa_fp_ops.submit(q);
	return idx;
}

static int
dsa_copy(void *qp, uint64_t src, uint64_t dst, uint32_t len, uint64_t flags)
{
	return dsa_enqueue(qp, PDK_IDXD_OP_MEMMOVE, src, dst, len, flags);
}

static int
dsa_fill(void *qp, uint64_t pattern, uint64_t dst, uint32_t len, uint64_t flags)
{
	const struct dsa_queue *q = qp;

	/* the device would complete it with BAD_OPCODE; say so at once */
	if (unlikely(!q->has_fill))
		return -ENOTSUP;
	return dsa_enqueue(qp, PDK_IDXD_OP_MEMFILL, pattern, dst, len, flags);
}

/*
 * A burst: enqueue's checks, the ring's room once per burst, a WQ entry
 * once per segment it opens, the length per op; between them a loop that
 * stores only the fields an op changes, as dsa_enqueue() does, and adds
 * the ops' lengths to their segment (struct dsa_seg). It stops at the
 * first op it cannot take, leaving the queue as after that many
 * dsa_enqueue() calls.
 */
static inline int
dsa_enqueue_burst(struct dsa_queue *q, uint32_t opcode, const struct pdk_dmadev_op *ops,
		  uint16_t nb, uint64_t flags, uint16_t *first_idx)
{
	uint16_t idx = q->write;
	uint32_t room = q->nb_desc - (uint16_t)(idx - q->cpl);
	uint32_t want = nb < room ? nb : room;
	uint32_t segs_free = q->seg_mask + 1u - (uint16_t)(q->seg_tail - q->seg_head) - q->chunks;
	uint32_t op_flags = PDK_IDXD_OP_FLAGS(opcode, q->op_flags);
	/* a local: the loop's stores to the ring could alias q->max_xfer */
	uint32_t max_xfer = q->max_xfer;
	uint32_t open = q->chunk_room, done = 0;
	int err = -ENOSPC;

	while (done < want) {
		uint16_t slot = (uint16_t)((idx + done) & q->mask);
		struct pdk_idxd_desc *d = &q->descs[slot];
		struct pdk_idxd_completion *c = &q->comps[slot];
		const struct pdk_dmadev_op *o, *end;
		uint64_t bytes = 0;
		uint32_t run, i;
		bool opened = false;

		if (open == 0) {
			/* a new segment: a WQ entry, and up to max_batch ops or the ring's end */
			uint32_t to_end = (uint32_t)q->nb_desc - slot;

			if (unlikely(segs_free == 0))
				break;
			segs_free--;
			opened = true;
			open = to_end < q->max_batch ? to_end : q->max_batch;
		}
		run = want - done < open ? want - done : open;
		for (o = &ops[done], end = o + run; o != end; o++, d++, c++) {
			uint32_t len = o->len;

			/* len 0 wraps to the largest value: one compare for both bounds */
			if (unlikely(len - 1u >= max_xfer))
				break;
			d->op_flags = op_flags;
			d->src = o->src;
			d->dst = o->dst;
			d->size = len;
			c->status = PDK_IDXD_COMP_NONE;
			bytes += len;
		}
		i = (uint32_t)(o - &ops[done]);
		if (opened && i != 0) {
			struct dsa_seg *s = dsa_pending_seg(q, q->chunks);

			s->bytes = bytes;
			s->counted = (uint16_t)i;
			q->chunks++;
		} else if (opened) {
			open = 0;	/* its first op was refused: the segment was not opened */
		} else {
			struct dsa_seg *s = dsa_pending_seg(q, (uint16_t)(q->chunks - 1));

			s->bytes += bytes;
			s->counted = (uint16_t)(s->counted + i);
		}
		open -= i;
		done += i;
		if (i < run) {
			err = -EINVAL;
			break;
		}
	}
	if (unlikely(done == 0) && nb != 0)
		return err;
	q->chunk_room = (uint16_t)open;
	if (done != 0) {
		/* PDK_DMADEV_OP_FENCE is bit 0, as PDK_IDXD_FLAG_FENCE is */
		q->descs[idx & q->mask].op_flags |= (uint32_t)(flags & PDK_DMADEV_OP_FENCE);
		if (unlikely(flags & PDK_DMADEV_OP_FENCE))
			q->fence_queued = true;
		*first_idx = idx;
		q->write = (uint16_t)(idx + done);
	}
	if (flags & PDK_DMADEV_OP_SUBMIT)
		dsa_fp_ops.submit(q);
	return (int)done;
}

static int
dsa_copy_burst(void *qp, const struct pdk_dmadev_op *ops, uint16_t nb, uint64_t flags,
	       uint16_t *first_idx)
{
	return dsa_enqueue_burst(qp, PDK_IDXD_OP_MEMMOVE, ops, nb, flags, first_idx);
}

static int
dsa_fill_burst(void *qp, const struct pdk_dmadev_op *ops, uint16_t nb, uint64_t flags,
	       uint16_t *first_idx)
{
	const struct dsa_queue *q = qp;

	if (unlikely(!q->has_fill))
		return -ENOTSUP;
	return dsa_enqueue_burst(qp, PDK_IDXD_OP_MEMFILL, ops, nb, flags, first_idx);
}

static inline uint8_t dsa_status_load(const struct pdk_idxd_completion *c);

/* Whether the device has finished segment @p segi: its last record landed. */
static inline bool
dsa_seg_done(const struct dsa_queue *q, uint16_t segi)
{
	const struct dsa_seg *s = &q->segs[segi];

	if (s->count > 1)
		return dsa_status_load(&q->bcomps[segi]) != 0;
	return dsa_status_load(&q->comps[s->first & q->mask]) != 0;
}

/* Every segment handed to the device has finished (not necessarily reported). */
static bool
dsa_inflight_done(const struct dsa_queue *q)
{
	uint16_t i;

	for (i = q->seg_head; i != q->seg_tail; i++)
		if (!dsa_seg_done(q, i & q->seg_mask))
			return false;
	return true;
}

/* The lengths of the @p n ops from ring slot @p slot on (not past the ring's end). */
static inline uint64_t
dsa_bytes_of(const struct dsa_queue *q, uint16_t slot, uint32_t n)
{
	const struct pdk_idxd_desc *d = &q->descs[slot], *end = d + n;
	uint64_t sum = 0;

	for (; d != end; d++)
		sum += d->size;
	return sum;
}

/* q->chunks and q->chunk_room for the pending ops [submitted, write): enqueue's cuts. */
static void
dsa_count_chunks(struct dsa_queue *q)
{
	uint16_t i;

	q->chunks = 0;
	q->chunk_room = 0;
	for (i = q->submitted; i != q->write; i++)
		dsa_chunk_add(q, i & q->mask);
}

/*
 * Hand the pending ops up to @p end to the WQ. DSA's fence orders a
 * descriptor after the earlier descriptors of its own batch only (uapi
 * idxd.h IDXD_OP_FLAG_FENCE), and separate submissions may be reordered by
 * the device (DPDK drivers/dma/idxd/idxd_pci.c init_pci_device() gives each
 * engine a group of its own "to avoid reordering"), so a fenced op
 * that would start a new portal write while earlier ones are still running
 * is held back: submit stops there and the queue's next completion poll
 * (dsa_harvest()) resumes it once everything in flight has finished. That
 * keeps PDK_DMADEV_OP_FENCE's promise (start after every earlier op) across
 * submissions. A fenced op inside the batch (not its first) holds the whole
 * batch the same way: the device would order it after the batch's earlier
 * ops only, and those may finish before the earlier submissions do.
 */
static bool
dsa_span_fenced(const struct dsa_queue *q, uint16_t slot, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (q->descs[slot + i].op_flags & PDK_IDXD_FLAG_FENCE)
			return true;
	return false;
}

static void
dsa_submit_to(struct dsa_queue *q, uint16_t end)
{
	q->held = false;
	while (q->submitted != end) {
		uint16_t first = q->submitted;
		uint16_t slot = first & q->mask;
		uint16_t segi = q->seg_tail & q->seg_mask;
		uint32_t n = (uint16_t)(end - first);

		/* the same cuts as enqueue's chunk count: ring end, max_batch */
		if (n > (uint32_t)q->nb_desc - slot)
			n = (uint32_t)q->nb_desc - slot;
		if (n > q->max_batch)
			n = q->max_batch;
		if (unlikely(q->fence_queued) && q->seg_tail != q->seg_head &&
		    dsa_span_fenced(q, slot, n) && !dsa_inflight_done(q)) {
			q->held = true;
			q->held_end = end;
			break;
		}
		q->segs[segi].first = first;
		q->segs[segi].count = (uint16_t)n;
		/* a held submission resumed up to held_end may cut short a segment
		 * enqueue counted on past it */
		if (unlikely(end != q->write))
			q->segs[segi].counted = 0;
		if (n == 1) {
			/* alone, nothing else tells that it ran: ask for its record */
			struct pdk_idxd_desc one = q->descs[slot];

			one.op_flags |= PDK_IDXD_FLAG_RCR;
			q->portal_write(q, &one);
		} else {
			struct pdk_idxd_desc b;

			memset(&b, 0, sizeof(b));
			b.op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_BATCH,
						       PDK_IDXD_FLAG_CRAV | PDK_IDXD_FLAG_RCR);
			b.completion_addr = q->bcomps_iova + (uint64_t)segi * sizeof(*q->bcomps);
			b.src = q->descs_iova + (uint64_t)slot * sizeof(*q->descs);
			b.size = n;
			q->bcomps[segi].status = PDK_IDXD_COMP_NONE;
			q->portal_write(q, &b);
		}
		q->seg_tail++;
		q->submitted = (uint16_t)(first + n);
		dsa_ctr_add(&q->stats.submitted, n);
	}
	if (likely(q->submitted == q->write)) {
		q->chunks = 0;
		q->chunk_room = 0;
		q->fence_queued = false;
	} else {
		dsa_count_chunks(q);
	}
}

static int
dsa_submit(void *qp)
{
	struct dsa_queue *q = qp;

	dsa_submit_to(q, q->write);
	return 0;
}

static inline uint8_t
dsa_status_load(const struct pdk_idxd_completion *c)
{
	return __atomic_load_n(&c->status, __ATOMIC_ACQUIRE) & PDK_IDXD_COMP_STATUS_MASK;
}

/* The direction of a fault: status bit 7 (uapi idxd.h DSA_COMP_STATUS_WRITE). */
static inline uint8_t
dsa_fault_write(const struct pdk_idxd_completion *c)
{
	return (__atomic_load_n(&c->status, __ATOMIC_RELAXED) & PDK_IDXD_COMP_STATUS_WRITE) != 0;
}

static enum pdk_dmadev_status_code
dsa_status_code(uint8_t hw)
{
	switch (hw) {
	case PDK_IDXD_COMP_SUCCESS:
	case 0x02:	/* success with predicate false (compare ops) */
		return PDK_DMADEV_ST_SUCCESS;
	case PDK_IDXD_COMP_PAGE_FAULT_NOBOF:
	case 0x04:	/* page fault with IR */
	case PDK_IDXD_COMP_BATCH_PAGE_FAULT:
	case PDK_IDXD_COMP_TRANSLATION_FAIL:
		return PDK_DMADEV_ST_PAGE_FAULT;
	default:
		if (hw >= PDK_IDXD_COMP_BAD_OPCODE && hw < 0x20)
			return PDK_DMADEV_ST_INVALID;
		return PDK_DMADEV_ST_ERROR;
	}
}

/* Free the WQ entries of segments whose ops were all reported and whose
 * batch record (the device's last write for it) has landed. */
static inline void
dsa_retire(struct dsa_queue *q)
{
	while (q->seg_head != q->seg_cpl) {
		uint16_t segi = q->seg_head & q->seg_mask;

		if (q->segs[segi].count > 1 && dsa_status_load(&q->bcomps[segi]) == 0)
			break;
		q->seg_head++;
	}
}

/*
 * A batch whose record says SUCCESS ran every descriptor and none failed, so
 * none wrote a record of its own (they ask for none): its ops up to @p room
 * are reported without reading theirs. @return how many; *@p bytes their
 * lengths. The ops of a segment are consecutive ring slots (submit cuts at
 * the ring's end).
 */
static inline uint16_t
dsa_harvest_batch(struct dsa_queue *q, const struct dsa_seg *seg, uint16_t room,
		  struct pdk_dmadev_status *st, uint64_t *bytes)
{
	uint16_t left = (uint16_t)(seg->first + seg->count - q->cpl);
	uint16_t take = left < room ? left : room;
	uint16_t slot = q->cpl & q->mask;
	uint64_t sum = 0;
	uint16_t i;

	if (st == NULL && take == seg->count && seg->counted == seg->count) {
		/* completed() taking the batch whole: a burst enqueue counted its bytes */
		sum = seg->bytes;
	} else if (st == NULL) {
		sum = dsa_bytes_of(q, slot, take);
	} else {
		for (i = 0; i < take; i++) {
			uint32_t size = q->descs[slot + i].size;

			sum += size;
			st[i].code = PDK_DMADEV_ST_SUCCESS;
			st[i].hw_status = PDK_IDXD_COMP_SUCCESS;
			st[i].fault_write = 0;
			st[i].rsvd = 0;
			st[i].bytes_done = size;
			st[i].fault_addr = 0;
		}
	}
	*bytes += sum;
	q->cpl = (uint16_t)(q->cpl + take);
	if (take == left)
		q->seg_cpl++;
	return take;
}

static uint16_t
dsa_harvest(struct dsa_queue *q, uint16_t nb, uint16_t *last_idx, struct pdk_dmadev_status *st,
	    bool *has_error)
{
	uint64_t bytes = 0;
	uint16_t n = 0, ok = 0;

	dsa_retire(q);
	if (unlikely(q->held) && dsa_inflight_done(q))
		dsa_submit_to(q, q->held_end);
	while (n < nb && q->cpl != q->submitted) {
		uint16_t slot = q->cpl & q->mask;
		uint16_t segi = q->seg_cpl & q->seg_mask;
		const struct dsa_seg *seg = &q->segs[segi];
		const struct pdk_idxd_completion *c = &q->comps[slot];
		enum pdk_dmadev_status_code code;
		uint8_t hw;

		if (seg->count > 1 && dsa_status_load(&q->bcomps[segi]) == PDK_IDXD_COMP_SUCCESS) {
			uint16_t k = dsa_harvest_batch(q, seg, (uint16_t)(nb - n),
						       st != NULL ? &st[n] : NULL, &bytes);

			n = (uint16_t)(n + k);
			ok = (uint16_t)(ok + k);
			continue;
		}
		hw = dsa_status_load(c);
		if (hw != 0) {
			code = dsa_status_code(hw);
		} else {
			/*
			 * An op of a batch writes a record only when it fails
			 * (no RCR), before the batch's record: once that is
			 * there, an op without one succeeded if the batch did,
			 * or if it is among the descriptors the batch ran
			 * (its bytes_completed), and never ran otherwise (the
			 * batch was refused as a whole, or a fence after a
			 * failure stopped it): DPDK's batch_completed_status().
			 */
			uint8_t bs;

			if (seg->count < 2)
				break;
			bs = dsa_status_load(&q->bcomps[segi]);
			if (bs == 0)
				break;
			hw = dsa_status_load(c);	/* written before bs: visible now */
			if (hw != 0) {
				code = dsa_status_code(hw);
			} else if (bs == PDK_IDXD_COMP_SUCCESS ||
				   (uint32_t)(uint16_t)(q->cpl - seg->first) <
					   q->bcomps[segi].bytes_completed) {
				hw = PDK_IDXD_COMP_SUCCESS;
				code = PDK_DMADEV_ST_SUCCESS;
			} else {
				/* reported by the batch's status; its count and
				 * fault address are the batch's, not this op's */
				hw = bs;
				c = NULL;
				code = PDK_DMADEV_ST_NOT_ATTEMPTED;
			}
		}
		if (code != PDK_DMADEV_ST_SUCCESS && st == NULL) {
			*has_error = true;
			break;
		}
		if (st != NULL) {
			bool ran = c != NULL && code != PDK_DMADEV_ST_SUCCESS;

			st[n].code = (uint8_t)code;
			st[n].hw_status = hw;
			st[n].fault_write = ran ? dsa_fault_write(c) : 0;
			st[n].rsvd = 0;
			st[n].bytes_done = code == PDK_DMADEV_ST_SUCCESS ? q->descs[slot].size :
					   ran ? c->bytes_completed : 0;
			st[n].fault_addr = ran ? c->fault_addr : 0;
		}
		if (code == PDK_DMADEV_ST_SUCCESS) {
			ok++;
			bytes += q->descs[slot].size;
		} else {
			dsa_ctr_add(&q->stats.completed, 1);
			dsa_ctr_add(&q->stats.errors, 1);
			if (code == PDK_DMADEV_ST_PAGE_FAULT)
				dsa_ctr_add(&q->stats.page_faults, 1);
		}
		n++;
		q->cpl++;
		if ((uint16_t)(q->cpl - seg->first) == seg->count)
			q->seg_cpl++;
	}
	/* one store per counter per call, not per op */
	if (ok != 0) {
		dsa_ctr_add(&q->stats.completed, ok);
		dsa_ctr_add(&q->stats.bytes, bytes);
	}
	*last_idx = (uint16_t)(q->cpl - 1);
	dsa_retire(q);
	return n;
}

static uint16_t
dsa_completed(void *qp, uint16_t nb, uint16_t *last_idx, bool *has_error)
{
	*has_error = false;
	return dsa_harvest(qp, nb, last_idx, NULL, has_error);
}

static uint16_t
dsa_completed_status(void *qp, uint16_t nb, uint16_t *last_idx, struct pdk_dmadev_status *st)
{
	bool unused = false;

	return dsa_harvest(qp, nb, last_idx, st, &unused);
}

/* Walk the chunks enqueue would open: each ends at max_batch or the ring's end. */
static uint16_t
dsa_burst_capacity(const void *qp)
{
	const struct dsa_queue *q = qp;
	uint32_t free_ops = q->nb_desc - (uint16_t)(q->write - q->cpl);
	uint32_t segs_used = (uint16_t)(q->seg_tail - q->seg_head) + q->chunks;
	uint32_t segs_free = q->seg_mask + 1u - segs_used;
	uint32_t s = q->write & q->mask;
	uint32_t cap = 0, r, i;

	/* the open segment's room stops at max_batch and at the ring's end */
	cap += q->chunk_room;
	s = (s + q->chunk_room) & q->mask;
	for (i = 0; i < segs_free && cap < free_ops; i++) {
		r = q->max_batch < q->nb_desc - s ? q->max_batch : q->nb_desc - s;
		cap += r;
		s = (s + r) & q->mask;
	}
	return (uint16_t)(cap < free_ops ? cap : free_ops);
}

const struct pdk_dmadev_fp_ops dsa_fp_ops = {
	.copy = dsa_copy,
	.fill = dsa_fill,
	.submit = dsa_submit,
	.completed = dsa_completed,
	.completed_status = dsa_completed_status,
	.burst_capacity = dsa_burst_capacity,
	.copy_burst = dsa_copy_burst,
	.fill_burst = dsa_fill_burst,
};
