/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The engines of the SIMULATED DSA: one thread per engine that serves a WQ
 * (at least one) of an enabled device takes the descriptors its dedicated
 * WQs accepted, in submission order per WQ (but see below) and round-robin
 * between WQs, and runs them. A WQ runs one descriptor at a time (it is
 * busy meanwhile: another thread takes another WQ), so the WQs run in
 * parallel, as many at once as there are threads, while a WQ stays in
 * order; a WQ whose group has several engines completes out of
 * submission order (sim_dsa_maybe_reorder()).
 *
 * Every byte it moves, descriptor lists and completion records included,
 * goes through the function's DMA port (sim_iommu_*()) tagged with the WQ's
 * PASID when WQCFG PASID_EN is set, else with the RID. A copy has both its
 * sides translated and checked before a byte moves, so a fault on either
 * side leaves the destination untouched; it is then one memmove() when each
 * side is contiguous in the process (overlapping ranges copy like memmove),
 * else the source is read whole into a bounce buffer and written from it.
 * The process pages behind the mappings are checked present once per
 * descriptor taken from a WQ (a batch and all it touches), not per access:
 * the check is a syscall, and a batch touches the same pages many times.
 *
 * Locking: a descriptor is taken, translated and completed with the sim's
 * lock held; the bytes of a copy or fill move with it dropped, so the
 * threads (and the submitters) run at once. What keeps an IOAS_UNMAP, a
 * detach, a replace or a close from pulling memory or the address space
 * from under that copy is the kernel's own rule (iommufd's io_pagetable.c
 * iopt_unmap_iova_range() waits for an area's accesses): the translation
 * pins the one area each side lies in (sim_iommu_map_pin()), and the
 * descriptor pins its attachment (sim_iommu_handle_pin()) until its
 * completion record is written. An unmap that meets a pinned area waits
 * for it, and translations into it fault meanwhile; a detach or replace
 * waits for the descriptor, and new work through the attachment faults
 * meanwhile. After they return the device can no longer reach the memory
 * or the old address space, as with a real IOMMU. A side that spans
 * mappings goes through the bounce buffer with the lock held, as before.
 * The lock is also dropped between descriptors, and an idle thread polls
 * for work without the lock for a short while (a device polls its WQs;
 * this keeps a submitter's wake-up latency out of the figures) before
 * sleeping on a condition variable.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_dsa.h"
#include "pdk_sys.h"

#define SIM_DSA_SPIN_NS		20000u	/* idle polling before sleeping */

static inline void
sim_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield");
#endif
}

void
sim_dsa_wait(struct sim_dsa *d)
{
	d->waiters++;
	pthread_cond_wait(&d->idle, &d->fn->sim->lock);
	d->waiters--;
}

/* ---- WQs ---- */

void
sim_dsa_engine_submit(struct sim_dsa *d, unsigned int wq, const void *desc)
{
	struct sim_dsa_wq *w = &d->wq[wq];

	if (w->count == w->size) {
		/* A dedicated WQ has no room to hold it: the write is lost. */
		d->st.dropped_full++;
		SIM_LOG(DEBUG, "simulated DSA %s: WQ %u full (%u descriptors): portal write dropped",
			d->fn->addr, wq, w->size);
		return;
	}
	memcpy(&w->ring[(w->head + w->count) % SIM_DSA_TOTAL_WQ_SIZE], desc, sizeof(w->ring[0]));
	if (w->accepted != w->retired)
		d->st.busy_accepted++;
	w->count++;
	w->accepted++;
	d->st.submitted++;
	__atomic_add_fetch(&d->kick, 1, __ATOMIC_RELEASE);
	if (d->sleeping > 0)
		pthread_cond_signal(&d->work);
}

void
sim_dsa_engine_discard(struct sim_dsa *d, uint32_t mask)
{
	unsigned int i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++) {
		struct sim_dsa_wq *w = &d->wq[i];

		if (!(mask & (1u << i)) || w->count == 0)
			continue;
		SIM_LOG(DEBUG, "simulated DSA %s: WQ %u: %u queued descriptors discarded",
			d->fn->addr, i, w->count);
		d->st.aborted += w->count;
		w->retired += w->count;
		w->count = 0;
		w->head = 0;
		w->swapped = false;
	}
	if (d->waiters > 0)
		pthread_cond_broadcast(&d->idle);
}

void
sim_dsa_engine_wait_retired(struct sim_dsa *d, uint32_t mask)
{
	uint64_t target[SIM_DSA_NUM_WQS];
	unsigned int i;
	bool pending;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		target[i] = d->wq[i].accepted;
	for (;;) {
		pending = false;
		for (i = 0; i < SIM_DSA_NUM_WQS; i++)
			if ((mask & (1u << i)) && d->wq[i].retired < target[i])
				pending = true;
		if (!pending || !d->running)
			return;
		sim_dsa_wait(d);
	}
}

/*
 * Out-of-order completion on a WQ that shares engines: DSA may complete
 * separate submissions out of order when a WQ's group has several engines
 * (DPDK drivers/dma/idxd/idxd_pci.c init_pci_device() gives each engine a
 * group of its own "to avoid reordering"). The model shows it
 * deterministically: on such a WQ, of two descriptors queued together the
 * second runs first (each descriptor is passed at most once; a DRAIN is
 * never passed and never passes). With one engine per group it runs in
 * order. Counted in pdk_sim_dsa_stats.reordered.
 */
static uint8_t desc_opcode(const struct pdk_idxd_desc *desc);

static void
sim_dsa_maybe_reorder(struct sim_dsa *d, struct sim_dsa_wq *w)
{
	unsigned int next = (w->head + 1) % SIM_DSA_TOTAL_WQ_SIZE;
	struct pdk_idxd_desc tmp;

	if (w->engines < 2 || w->count < 2 || w->swapped ||
	    desc_opcode(&w->ring[w->head]) == PDK_IDXD_OP_DRAIN ||
	    desc_opcode(&w->ring[next]) == PDK_IDXD_OP_DRAIN)
		return;
	tmp = w->ring[w->head];
	w->ring[w->head] = w->ring[next];
	w->ring[next] = tmp;
	w->swapped = true;	/* the passed one goes next, not passed again */
	d->st.reordered++;
}

/* Take the next descriptor, round-robin over the WQs. */
static bool
sim_dsa_take(struct sim_dsa *d, struct pdk_idxd_desc *desc, unsigned int *wq)
{
	unsigned int i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++) {
		unsigned int n = (d->rr + i) % SIM_DSA_NUM_WQS;
		struct sim_dsa_wq *w = &d->wq[n];
		bool was_swapped;

		if (w->count == 0 || w->busy)
			continue;
		was_swapped = w->swapped;
		sim_dsa_maybe_reorder(d, w);
		if (was_swapped)
			w->swapped = false;	/* the passed descriptor is at head: taken now */
		*desc = w->ring[w->head];
		w->head = (uint16_t)((w->head + 1) % SIM_DSA_TOTAL_WQ_SIZE);
		w->count--;
		d->rr = (n + 1) % SIM_DSA_NUM_WQS;
		w->busy = true;
		*wq = n;
		return true;
	}
	return false;
}

static bool
sim_dsa_has_work(const struct sim_dsa *d)
{
	unsigned int i;

	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		if (d->wq[i].count > 0 && !d->wq[i].busy)
			return true;
	return false;
}

/* ---- running descriptors ---- */

/* What one descriptor is run with: its WQ's tag and limits. */
struct sim_dsa_job {
	struct sim_dsa *d;
	struct sim_dsa_eng *eng;
	unsigned int wq;
	const struct sim_dsa_wq *w;
	bool in_batch;
	uint16_t batch_idx;
	/* WQCFG bof and the descriptor's BOF flag: a translation fault waits on a page request */
	bool bof;
};

static uint8_t
desc_opcode(const struct pdk_idxd_desc *desc)
{
	return (uint8_t)(desc->op_flags >> PDK_IDXD_DESC_OPCODE_SHIFT);
}

static uint32_t
desc_flags(const struct pdk_idxd_desc *desc)
{
	return desc->op_flags & PDK_IDXD_DESC_FLAGS_MASK;
}

/* A refused access: what the record says. */
static int
sim_dsa_refused(int rc, uint64_t fault, bool write, struct pdk_idxd_completion *cr)
{
	/*
	 * -EFAULT: the IOMMU refused. Anything else (a PASID the function cannot
	 * emit) cannot happen, as ENABLE_WQ refuses such a PASID; report it as a
	 * translation failure all the same.
	 */
	cr->status = rc == -EFAULT ? PDK_IDXD_COMP_PAGE_FAULT_NOBOF :
				     PDK_IDXD_COMP_TRANSLATION_FAIL;
	/* the direction is status bit 7 (uapi idxd.h DSA_COMP_STATUS_WRITE) */
	if (write)
		cr->status |= PDK_IDXD_COMP_STATUS_WRITE;
	cr->fault_addr = fault;
	cr->bytes_completed = 0;	/* nothing was moved */
	return rc;
}

/* One access through the DMA port with the WQ's tag; a refusal fills @p cr. */
static int
sim_dsa_dma(const struct sim_dsa_job *j, uint64_t iova, void *buf, size_t len, bool write,
	    struct pdk_idxd_completion *cr)
{
	uint64_t fault = iova;
	int rc;

	rc = sim_iommu_dma_vc(j->d->fn, j->w->pasid_en, j->w->pasid, iova, buf, len, write,
			      &j->eng->vc, SIM_PRQ_NONE, &fault);
	return rc == 0 ? 0 : sim_dsa_refused(rc, fault, write, cr);
}

/* Check an access without moving data; *host as sim_iommu_map(). */
static int
sim_dsa_map(const struct sim_dsa_job *j, uint64_t iova, size_t len, bool write, uint8_t **host,
	    struct pdk_idxd_completion *cr)
{
	uint64_t fault = iova;
	int rc;

	rc = sim_iommu_map(j->d->fn, j->w->pasid_en, j->w->pasid, iova, len, write, &j->eng->vc,
			   SIM_PRQ_NONE, host, &fault);
	return rc == 0 ? 0 : sim_dsa_refused(rc, fault, write, cr);
}

/*
 * sim_dsa_map() that pins the range's area when *host is set (then
 * sim_iommu_unpin()). Blocking on fault (j->bof), a translation fault of a
 * function with PRI sends a page request and waits for its response, the
 * lock dropped; on SUCCESS the translation is retried once, and a fault
 * then is an ordinary one.
 */
static int
sim_dsa_map_pin(const struct sim_dsa_job *j, uint64_t iova, size_t len, bool write, uint8_t **host,
		struct sim_area **area, struct pdk_idxd_completion *cr)
{
	struct sim_fn *fn = j->d->fn;
	uint64_t fault = iova;
	int rc;

	rc = sim_iommu_map_pin(fn, j->w->pasid_en, j->w->pasid, iova, len, write, &j->eng->vc,
			       j->bof ? SIM_PRQ_DEFER : SIM_PRQ_NONE, host, area, &fault);
	if (rc == -EAGAIN) {
		j->d->st.page_requests++;
		rc = sim_iommu_page_request(fn, j->w->pasid_en, j->w->pasid, fault,
					    iova + len - fault, write, &j->d->stop);
		if (rc == 0)
			rc = sim_iommu_map_pin(fn, j->w->pasid_en, j->w->pasid, iova, len, write,
					       &j->eng->vc, SIM_PRQ_NONE, host, area, &fault);
	}
	return rc == 0 ? 0 : sim_dsa_refused(rc, fault, write, cr);
}

/*
 * Pin the attachment for the rest of the descriptor (its record included),
 * before the lock is dropped: a detach or replace then waits for it.
 * @return false when none can be pinned (the bytes then move under the lock).
 */
static bool
sim_dsa_hold(const struct sim_dsa_job *j)
{
	if (j->eng->held == NULL)
		j->eng->held = sim_iommu_handle_pin(j->d->fn, j->w->pasid_en, j->w->pasid);
	return j->eng->held != NULL;
}

static void
sim_dsa_unpin(const struct sim_dsa_job *j, struct sim_area *a)
{
	if (a != NULL)
		sim_iommu_unpin(j->d->fn->sim, a);
}

/* A software error the device reports in SWERR rather than in a record. */
static void
sim_dsa_swerr(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc, uint8_t err,
	      bool fault_write, uint64_t addr)
{
	struct sim_fn *fn = j->d->fn;
	uint64_t v = sim_reg_rd64(fn, PDK_IDXD_REG_SWERR);

	j->d->st.swerr++;
	SIM_LOG(DEBUG, "simulated DSA %s: WQ %u: software error 0x%02x (opcode 0x%02x, address 0x%llx)",
		fn->addr, j->wq, err, desc_opcode(desc), (unsigned long long)addr);
	if (v & PDK_IDXD_SWERR_VALID) {
		/* The register keeps the first error until software clears it. */
		sim_reg_wr64(fn, PDK_IDXD_REG_SWERR, v | PDK_IDXD_SWERR_OVERFLOW);
		return;
	}
	v = PDK_IDXD_SWERR_VALID | PDK_IDXD_SWERR_DESC_VALID | PDK_IDXD_SWERR_WQ_IDX_VALID |
	    (j->in_batch ? PDK_IDXD_SWERR_BATCH : 0) |
	    (fault_write ? PDK_IDXD_SWERR_FAULT_RW : 0) |
	    (uint64_t)err << PDK_IDXD_SWERR_ERROR_SHIFT |
	    (uint64_t)j->wq << PDK_IDXD_SWERR_WQ_IDX_SHIFT |
	    (uint64_t)desc_opcode(desc) << PDK_IDXD_SWERR_OPERATION_SHIFT |
	    (uint64_t)(j->w->pasid_en ? j->w->pasid : 0) << PDK_IDXD_SWERR_PASID_SHIFT;
	sim_reg_wr64(fn, PDK_IDXD_REG_SWERR + 8,
		     j->in_batch ? (uint64_t)j->batch_idx << PDK_IDXD_SWERR_BATCH_IDX_SHIFT : 0);
	sim_reg_wr64(fn, PDK_IDXD_REG_SWERR + PDK_IDXD_SWERR_FAULT_ADDR, addr);
	sim_reg_wr64(fn, PDK_IDXD_REG_SWERR + 24, 0);
	sim_reg_wr64(fn, PDK_IDXD_REG_SWERR, v);
	if (sim_reg_rd32(fn, PDK_IDXD_REG_GENCTRL) & PDK_IDXD_GENCTRL_SOFTERR_INT_EN) {
		sim_reg_wr32(fn, PDK_IDXD_REG_INTCAUSE,
			     sim_reg_rd32(fn, PDK_IDXD_REG_INTCAUSE) | PDK_IDXD_INTC_ERR);
		sim_pci_msix_raise(fn, 0);
	}
}

/*
 * The end of a descriptor: its completion record when it asked for one
 * (CRAV, and RCR or a failure), else a failure goes to SWERR; then its
 * interrupt. The status byte is written last, with release order.
 */
static void
sim_dsa_complete(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc,
		 const struct pdk_idxd_completion *cr)
{
	uint32_t flags = desc_flags(desc);
	uint8_t code = cr->status & PDK_IDXD_COMP_STATUS_MASK;
	bool ok = code == PDK_IDXD_COMP_SUCCESS;
	uint64_t fault = 0;

	if (!(flags & PDK_IDXD_FLAG_CRAV)) {
		if (!ok)
			sim_dsa_swerr(j, desc, code, cr->status & PDK_IDXD_COMP_STATUS_WRITE,
				      cr->fault_addr);
	} else if (code == PDK_IDXD_COMP_CRA_ALIGN) {
		/* No record can be written at a misaligned address. */
		sim_dsa_swerr(j, desc, cr->status, false, desc->completion_addr);
	} else if (!ok || (flags & PDK_IDXD_FLAG_RCR)) {
		if (sim_iommu_dma_write_status_last(j->d->fn, j->w->pasid_en, j->w->pasid,
						    desc->completion_addr, cr, sizeof(*cr),
						    &j->eng->vc, &fault) < 0)
			sim_dsa_swerr(j, desc, PDK_IDXD_COMP_CRA_XLAT, true, fault);
		else
			j->d->st.records++;
	}
	if (flags & PDK_IDXD_FLAG_RCI)
		sim_pci_msix_raise(j->d->fn, desc->int_handle);
}

static uint8_t
sim_dsa_check_xfer(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc)
{
	return desc->size == 0 || desc->size > j->w->max_xfer ? PDK_IDXD_COMP_XFER_ERANGE :
								PDK_IDXD_COMP_SUCCESS;
}

/* Bytes of [base, base + len) before the refused address @p fault (0 if outside). */
static uint32_t
sim_dsa_prefix(uint64_t fault, uint64_t base, uint32_t len)
{
	return fault > base && fault - base < len ? (uint32_t)(fault - base) : 0;
}

/* Copy @p len bytes both sides of which were checked; @return 0 or -errno (@p cr filled). */
static int
sim_dsa_move(const struct sim_dsa_job *j, uint64_t src_iova, uint64_t dst_iova, uint32_t len,
	     uint8_t *src, uint8_t *dst, struct pdk_idxd_completion *cr)
{
	uint8_t *bounce = j->eng->bounce;

	if (src != NULL && dst != NULL) {
		memmove(dst, src, len);	/* overlapping ranges included */
		return 0;
	}
	/* A side spans mappings: through the bounce buffer, the source whole first. */
	if (sim_dsa_dma(j, src_iova, bounce, len, false, cr) < 0)
		return -EFAULT;
	return sim_dsa_dma(j, dst_iova, bounce, len, true, cr);
}

/*
 * A memmove that faults completes partially, as a DSA without block on
 * fault does: the bytes before the first refused address on either side
 * (in copy order: ascending) are copied, bytes_completed says how many and
 * result 0 that they are the first ones (uapi idxd.h struct
 * dsa_completion_record bytes_completed, result). The model goes ascending
 * only for ranges that do not overlap; an overlapping copy that faults
 * moves nothing (bytes_completed 0), where silicon may have copied part of
 * it in either direction.
 */
static void
sim_dsa_memmove(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc,
		struct pdk_idxd_completion *cr)
{
	struct pdk_idxd_completion scratch;
	uint8_t *src = NULL, *dst = NULL;
	struct sim_area *sa = NULL, *da = NULL;
	uint32_t done;

	cr->status = sim_dsa_check_xfer(j, desc);
	if (cr->status != PDK_IDXD_COMP_SUCCESS)
		return;
	if (sim_dsa_map_pin(j, desc->src, desc->size, false, &src, &sa, cr) == 0 &&
	    sim_dsa_map_pin(j, desc->dst, desc->size, true, &dst, &da, cr) == 0) {
		if (src != NULL && dst != NULL && sim_dsa_hold(j)) {
			/* both areas pinned: the bytes move without the lock */
			pthread_mutex_unlock(&j->d->fn->sim->lock);
			memmove(dst, src, desc->size);
			pthread_mutex_lock(&j->d->fn->sim->lock);
		} else {
			sim_dsa_move(j, desc->src, desc->dst, desc->size, src, dst, cr);
		}
		sim_dsa_unpin(j, sa);
		sim_dsa_unpin(j, da);
		return;
	}
	sim_dsa_unpin(j, sa);	/* the destination faulted */
	/* cr has the first refused address of the side that faulted first checked */
	done = sim_dsa_prefix(cr->fault_addr, (cr->status & PDK_IDXD_COMP_STATUS_WRITE) ?
						      desc->dst : desc->src, desc->size);
	if (done == 0 || (desc->src < desc->dst + desc->size && desc->dst < desc->src + desc->size))
		return;
	/* the source faulted: is the destination writable up to there? */
	if (!(cr->status & PDK_IDXD_COMP_STATUS_WRITE) &&
	    sim_dsa_map(j, desc->dst, done, true, &dst, &scratch) < 0) {
		*cr = scratch;	/* the write fault comes first in copy order */
		done = sim_dsa_prefix(cr->fault_addr, desc->dst, done);
		if (done == 0)
			return;
	}
	if (sim_dsa_map(j, desc->src, done, false, &src, &scratch) < 0 ||
	    sim_dsa_map(j, desc->dst, done, true, &dst, &scratch) < 0 ||
	    sim_dsa_move(j, desc->src, desc->dst, done, src, dst, &scratch) < 0)
		return;	/* cannot happen: both prefixes were checked; nothing claimed done */
	cr->bytes_completed = done;
	cr->result = 0;		/* ascending */
}

/* @p len bytes of the 8-byte @p pattern at @p p: doubling copies, a few memcpy even for 2 MiB. */
static void
sim_dsa_fill(uint8_t *p, uint64_t pattern, uint32_t len)
{
	uint32_t done, n;

	n = len < sizeof(pattern) ? len : (uint32_t)sizeof(pattern);
	memcpy(p, &pattern, n);
	for (done = n; done < len; done += n) {
		n = done < len - done ? done : len - done;
		memcpy(p + done, p, n);
	}
}

static void
sim_dsa_memfill(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc,
		struct pdk_idxd_completion *cr)
{
	uint64_t pattern = htole64(desc->src);	/* its bytes as they sit in memory */
	struct pdk_idxd_completion scratch;
	struct sim_area *da = NULL;
	uint32_t len = desc->size;
	uint8_t *dst;

	cr->status = sim_dsa_check_xfer(j, desc);
	if (cr->status != PDK_IDXD_COMP_SUCCESS)
		return;
	if (sim_dsa_map_pin(j, desc->dst, len, true, &dst, &da, cr) < 0) {
		/* partial, as a memmove: the bytes before the refused address */
		len = sim_dsa_prefix(cr->fault_addr, desc->dst, len);
		if (len == 0 || sim_dsa_map_pin(j, desc->dst, len, true, &dst, &da, &scratch) < 0)
			return;
		cr->bytes_completed = len;
	}
	if (dst != NULL) {
		if (sim_dsa_hold(j)) {
			/* the area pinned: the bytes move without the lock */
			pthread_mutex_unlock(&j->d->fn->sim->lock);
			sim_dsa_fill(dst, pattern, len);
			pthread_mutex_lock(&j->d->fn->sim->lock);
		} else {
			sim_dsa_fill(dst, pattern, len);
		}
		sim_dsa_unpin(j, da);
		return;
	}
	sim_dsa_fill(j->eng->bounce, pattern, len);
	sim_dsa_dma(j, desc->dst, j->eng->bounce, len, true, cr->status == PDK_IDXD_COMP_SUCCESS ?
								cr : &scratch);
}

/*
 * Whether the WQ's op_config (WQCFG bytes 32-63 of a DSA 2.0, taken at
 * ENABLE_WQ; registers.h union wqcfg op_config) allows the descriptor's
 * opcode. A DSA 1.0 allows every opcode. Which status silicon gives a
 * refused one the sources do not say; the model answers BAD_OPCODE.
 */
static bool
sim_dsa_op_allowed(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc)
{
	uint8_t op = desc_opcode(desc);

	return (j->w->op_config[op / 64] >> (op % 64)) & 1;
}

/* One descriptor that is not a batch (or one inside a batch). */
static void
sim_dsa_run_one(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc,
		struct pdk_idxd_completion *cr)
{
	memset(cr, 0, sizeof(*cr));
	if ((desc_flags(desc) & PDK_IDXD_FLAG_CRAV) && (desc->completion_addr & 31)) {
		/*
		 * Checked before the operation, which then does not run: the
		 * model's clean answer. On silicon the engine "can get very
		 * confused (security issue)" (the kernel's cdev.c
		 * idxd_submit_user_descriptor() refuses such a descriptor);
		 * no test may take this as what a DSA does.
		 */
		cr->status = PDK_IDXD_COMP_CRA_ALIGN;
		return;
	}
	if (!sim_dsa_op_allowed(j, desc)) {
		cr->status = PDK_IDXD_COMP_BAD_OPCODE;	/* not in the WQ's op_config */
		return;
	}
	if (desc_opcode(desc) < 32 &&
	    (j->d->fn->cfg.dsa_ops_absent >> desc_opcode(desc)) & 1) {
		cr->status = PDK_IDXD_COMP_BAD_OPCODE;	/* not in OPCAP */
		return;
	}
	switch (desc_opcode(desc)) {
	case PDK_IDXD_OP_NOOP:
		cr->status = PDK_IDXD_COMP_SUCCESS;
		break;
	case PDK_IDXD_OP_DRAIN:
		/*
		 * Everything before it has completed: the engine runs in order.
		 * A drain has no place in a batch.
		 */
		cr->status = j->in_batch ? PDK_IDXD_COMP_BAD_OPCODE : PDK_IDXD_COMP_SUCCESS;
		break;
	case PDK_IDXD_OP_MEMMOVE:
		sim_dsa_memmove(j, desc, cr);
		break;
	case PDK_IDXD_OP_MEMFILL:
		sim_dsa_memfill(j, desc, cr);
		break;
	default:	/* a batch inside a batch, or an operation the model lacks */
		cr->status = PDK_IDXD_COMP_BAD_OPCODE;
		break;
	}
}

/*
 * A batch: the list of desc->size descriptors at desc->src, run in order,
 * each with its own record; the batch's record comes last and counts the
 * descriptors that ran. A fenced descriptor after a failure is abandoned,
 * with the rest of the batch (no record).
 */
static void
sim_dsa_batch(const struct sim_dsa_job *j, const struct pdk_idxd_desc *desc,
	      struct pdk_idxd_completion *cr)
{
	struct sim_dsa_job sub = *j;	/* a batch's descriptors: each its own BOF flag */
	struct pdk_idxd_completion scr;
	uint32_t n = desc->size, i, done = 0;
	bool failed = false;

	memset(cr, 0, sizeof(*cr));
	if ((desc_flags(desc) & PDK_IDXD_FLAG_CRAV) && (desc->completion_addr & 31)) {
		cr->status = PDK_IDXD_COMP_CRA_ALIGN;
		return;
	}
	if (!sim_dsa_op_allowed(j, desc)) {
		cr->status = PDK_IDXD_COMP_BAD_OPCODE;
		return;
	}
	if (n < 2 || n > j->w->max_batch) {
		cr->status = PDK_IDXD_COMP_DESC_CNT_ERANGE;
		return;
	}
	if (desc->src & 63) {
		cr->status = PDK_IDXD_COMP_DESCLIST_ALIGN;
		return;
	}
	if (sim_dsa_dma(j, desc->src, j->eng->list, (size_t)n * sizeof(*desc), false, cr) < 0) {
		cr->status = PDK_IDXD_COMP_BATCH_PAGE_FAULT;
		return;
	}
	sub.in_batch = true;
	for (i = 0; i < n; i++) {
		const struct pdk_idxd_desc *sd = &j->eng->list[i];

		if (failed && (desc_flags(sd) & PDK_IDXD_FLAG_FENCE))
			break;
		sub.batch_idx = (uint16_t)i;
		sub.bof = j->w->bof && (desc_flags(sd) & PDK_IDXD_FLAG_BOF);
		sim_dsa_run_one(&sub, sd, &scr);
		sim_dsa_complete(&sub, sd, &scr);
		done++;
		if (scr.status != PDK_IDXD_COMP_SUCCESS)
			failed = true;
	}
	cr->status = failed ? PDK_IDXD_COMP_BATCH_FAIL : PDK_IDXD_COMP_SUCCESS;
	cr->bytes_completed = done;
}

static void
sim_dsa_run(struct sim_dsa_eng *eng, unsigned int wq, const struct pdk_idxd_desc *desc)
{
	struct sim_dsa *d = eng->d;
	struct sim_dsa_job j = { .d = d, .eng = eng, .wq = wq, .w = &d->wq[wq],
				 .bof = d->wq[wq].bof && (desc_flags(desc) & PDK_IDXD_FLAG_BOF) };
	struct pdk_idxd_completion cr;

	/* The process's pages are checked once for all this descriptor touches. */
	sim_va_cache_reset(&eng->vc);
	if (!(sim_pci_command(d->fn) & PCI_COMMAND_MASTER)) {
		/* The function can issue no request: no data, no record. */
		d->st.aborted++;
		SIM_LOG(DEBUG, "simulated DSA %s: bus mastering off: descriptor of WQ %u discarded",
			d->fn->addr, wq);
		return;
	}
	if (desc_opcode(desc) == PDK_IDXD_OP_BATCH)
		sim_dsa_batch(&j, desc, &cr);
	else
		sim_dsa_run_one(&j, desc, &cr);
	sim_dsa_complete(&j, desc, &cr);
	d->st.completed++;
	if (eng->held != NULL) {
		/* its record is written: a detach or replace may go on */
		sim_iommu_handle_unpin(d->fn->sim, eng->held);
		eng->held = NULL;
	}
}

/* ---- the thread ---- */

/* Poll for work without the lock for a while. Called and returns with the lock. */
static void
sim_dsa_spin(struct sim_dsa *d)
{
	struct pdk_sim *sim = d->fn->sim;
	uint64_t kick = __atomic_load_n(&d->kick, __ATOMIC_ACQUIRE);
	uint64_t deadline;
	unsigned int n = 0;

	pthread_mutex_unlock(&sim->lock);
	deadline = pdk_sys_monotonic_ns() + SIM_DSA_SPIN_NS;
	while (__atomic_load_n(&d->kick, __ATOMIC_ACQUIRE) == kick &&
	       !__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		sim_cpu_relax();
		if ((++n & 63) == 0 && pdk_sys_monotonic_ns() >= deadline)
			break;
	}
	pthread_mutex_lock(&sim->lock);
}

/*
 * The engine stands for a device, not for a thread of the application: it
 * must not inherit the CPU pinning of the thread that enabled the device
 * (a DPDK main lcore is pinned to one CPU, and the engine would then share
 * it with the thread polling its completions). It may run on any CPU the
 * process's cpuset allows (the kernel intersects the mask with it).
 */
static void
sim_dsa_engine_unpin(void)
{
	cpu_set_t all;
	unsigned int i;

	CPU_ZERO(&all);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &all);
	if (pthread_setaffinity_np(pthread_self(), sizeof(all), &all) != 0)
		SIM_LOG(DEBUG, "simulated DSA engine keeps its inherited CPU affinity");
	pthread_setname_np(pthread_self(), "pdk-sim-dsa");
}

static void *
sim_dsa_engine_main(void *arg)
{
	struct sim_dsa_eng *eng = arg;
	struct sim_dsa *d = eng->d;
	struct pdk_sim *sim = d->fn->sim;
	struct pdk_idxd_desc desc;
	unsigned int wq;

	sim_dsa_engine_unpin();
	pthread_mutex_lock(&sim->lock);
	for (;;) {
		if (sim_dsa_take(d, &desc, &wq)) {
			sim_dsa_run(eng, wq, &desc);
			d->wq[wq].busy = false;
			d->wq[wq].retired++;
			if (d->waiters > 0)
				pthread_cond_broadcast(&d->idle);
			/* Between descriptors, the submitters' turn. */
			pthread_mutex_unlock(&sim->lock);
			pthread_mutex_lock(&sim->lock);
			continue;
		}
		if (d->stop)
			break;
		sim_dsa_spin(d);
		if (!sim_dsa_has_work(d) && !d->stop) {
			d->sleeping++;
			pthread_cond_wait(&d->work, &sim->lock);
			d->sleeping--;
		}
	}
	d->nexited++;
	pthread_cond_broadcast(&d->idle);
	pthread_mutex_unlock(&sim->lock);
	return NULL;
}

static void
sim_dsa_eng_free(struct sim_dsa_eng *eng)
{
	free(eng->bounce);
	free(eng->list);
	eng->bounce = NULL;
	eng->list = NULL;
}

/* Join the @p n threads started, which were told to stop; the lock is held. */
static void
sim_dsa_engine_join(struct sim_dsa *d, unsigned int n)
{
	unsigned int i;

	__atomic_store_n(&d->stop, true, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&d->work);
	pthread_cond_broadcast(&d->fn->sim->prq_cond);	/* an engine waiting on a page response */
	while (d->nexited < n)
		sim_dsa_wait(d);
	/* They have dropped the lock for good: joining under it cannot deadlock. */
	for (i = 0; i < n; i++)
		pthread_join(d->eng[i].thread, NULL);
}

int
sim_dsa_engine_start(struct sim_dsa *d)
{
	unsigned int i, n = d->nengines ? d->nengines : 1;
	int rc = 0;

	d->stop = false;
	d->nexited = 0;
	d->nthreads = 0;
	d->sleeping = 0;
	d->rr = 0;
	for (i = 0; i < SIM_DSA_NUM_WQS; i++)
		d->wq[i].busy = false;
	for (i = 0; i < n; i++) {
		struct sim_dsa_eng *eng = &d->eng[i];

		eng->d = d;
		eng->held = NULL;
		eng->bounce = malloc(SIM_DSA_MAX_XFER);
		eng->list = malloc((size_t)SIM_DSA_MAX_BATCH * sizeof(*eng->list));
		if (eng->bounce == NULL || eng->list == NULL) {
			rc = -ENOMEM;
			break;
		}
		rc = -pthread_create(&eng->thread, NULL, sim_dsa_engine_main, eng);
		if (rc < 0)
			break;
		d->nthreads++;
	}
	if (rc < 0) {
		sim_dsa_eng_free(&d->eng[i]);
		sim_dsa_engine_join(d, d->nthreads);
		for (i = 0; i < d->nthreads; i++)
			sim_dsa_eng_free(&d->eng[i]);
		d->nthreads = 0;
		return rc;
	}
	d->running = true;
	d->fn->sim->st.engines++;
	return 0;
}

void
sim_dsa_engine_stop(struct sim_dsa *d)
{
	unsigned int i;

	if (!d->running)
		return;
	sim_dsa_engine_join(d, d->nthreads);
	d->running = false;
	d->fn->sim->st.engines--;
	for (i = 0; i < d->nthreads; i++)
		sim_dsa_eng_free(&d->eng[i]);
	d->nthreads = 0;
}
