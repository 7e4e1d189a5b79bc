/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fault queues (IOMMU_FAULT_QUEUE_ALLOC), after drivers/iommu/iommufd/
 * eventq.c. The fd holds a reference on the queue object and on the
 * context, so IOMMU_DESTROY of a queue whose fd is open is -EBUSY and the
 * context outlives its /dev/iommu fd while the fault fd is open.
 *
 * What arrives are page request groups (PCIe PRI) of functions with PRI
 * (cfg.prs) through a HWPT with a fault queue (iommu/sim_iommu.c); any
 * other fault is an ordinary IOMMU fault, in the fault log only. A group
 * is one record a page, LAST_PAGE on the last, the PRG index in grpid.
 * read() hands out whole groups (a count too small for the first one is
 * -EINVAL, as iommufd_fault_fops_read()) and gives each a cookie, the
 * lowest free from 1 as the kernel's xa_alloc does; with nothing pending
 * it returns 0, as the kernel's read does (it never blocks). write() of a
 * page response retires a read group and answers its requester: a
 * SIMULATED DSA engine blocked on the fault retries on SUCCESS
 * (iopf_group_response()). A detach or replace answers what is left of the
 * attachment's groups INVALID (iommufd_auto_response_faults()), and so
 * does the queue's destruction (iommufd_fault_destroy()). A request of the
 * synchronous DMA port (pdk_sim_fn_dma(), pdk-sim-dma) has nobody waiting:
 * its access failed at once. pdk_sim_trigger_iopf() (kernel/sim_iopf.c)
 * queues a group of one record as the kernel's mock device makes it.
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

/*
 * iopf_group_response() then iopf_free_group(): the requester waiting
 * wakes with @p code; one that gave up (its timeout) did not expect it
 * (PRI Status UPRGI).
 */
static void
sim_fault_group_answer(struct pdk_sim *sim, struct sim_fault_group *g, uint32_t code)
{
	struct sim_prg_link *link = &g->link;

	if (link->wait != NULL) {
		link->wait->done = true;
		link->wait->code = code;
		link->wait->link = NULL;
		pthread_cond_broadcast(&sim->prq_cond);
	} else if (link->abandoned) {
		sim_pci_pri_unexpected(g->fn);
	}
	free(g);
}

static void
sim_fault_groups_free(struct pdk_sim *sim, struct sim_fault_group *g)
{
	while (g != NULL) {
		struct sim_fault_group *next = g->next;

		sim_fault_group_answer(sim, g, IOMMUFD_PAGE_RESP_INVALID);
		g = next;
	}
}

static void
sim_fault_destroy(struct sim_obj *obj)
{
	struct sim_fault_queue *fq = sim_container_of(obj, struct sim_fault_queue, obj);
	struct sim_ctx *ctx = fq->ctx;

	sim_fault_groups_free(ctx->sim, fq->deliver);
	sim_fault_groups_free(ctx->sim, fq->response);
	sim_obj_remove(ctx, &fq->obj);
	ctx->sim->st.fault_queues--;
	free(fq);
}

static const struct sim_obj_ops sim_fault_ops = {
	.type = SIM_OBJ_FAULT,
	.name = "fault queue",
	.destroy = sim_fault_destroy,
};

static const struct sim_file_ops sim_fault_fops;

int
sim_fault_ioctl_alloc(struct sim_ucmd *uc)
{
	struct iommu_fault_alloc *cmd = uc->cmd;
	struct pdk_sim *sim = uc->ctx->sim;
	struct sim_fault_queue *fq;
	struct sim_file *file;
	int fd, rc;

	if (cmd->flags != 0)
		return sim_err(-EOPNOTSUPP, "IOMMU_FAULT_QUEUE_ALLOC", "flags must be 0");
	fq = calloc(1, sizeof(*fq));
	if (fq == NULL)
		return -ENOMEM;
	rc = sim_obj_insert(uc->ctx, &fq->obj, &sim_fault_ops);
	if (rc < 0) {
		free(fq);
		return rc;
	}
	fq->ctx = uc->ctx;
	file = sim_file_new(sim, &sim_fault_fops, fq);
	if (file == NULL) {
		rc = -ENOMEM;
		goto fail_obj;
	}
	fd = sim_fd_install(sim, file);
	if (fd < 0) {
		rc = fd;
		free(file);
		goto fail_obj;
	}
	fq->obj.users++;
	sim_ctx_get(uc->ctx);
	sim->st.fault_queues++;
	cmd->out_fault_id = fq->obj.id;
	cmd->out_fault_fd = (uint32_t)fd;
	sim_ucmd_respond(uc);
	return 0;

fail_obj:
	sim_obj_remove(uc->ctx, &fq->obj);
	free(fq);
	return rc;
}

/*
 * Queue one group of @p n finished records (LAST_PAGE on the last) from
 * @p fn (NULL: no function's PRI status to update), answered to @p wait
 * (NULL: nobody waits): iommufd_fault_iopf_handler().
 * @return 0, or -ENOSPC when the queue is full.
 */
int
sim_fault_queue_report(struct sim_fault_queue *fq, struct sim_fn *fn,
		       const struct iommu_hwpt_pgfault *rec, unsigned int n,
		       struct sim_prg_wait *wait)
{
	struct sim_fault_group *g, **pp;

	if (fq->ndeliver >= SIM_FAULTQ_MAX) {
		if (fq->dropped++ == 0)
			SIM_LOG(WARNING, "fault queue %u full (%u groups unread): dropping page requests",
				fq->obj.id, SIM_FAULTQ_MAX);
		return -ENOSPC;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return -ENOSPC;
	g->fn = fn;
	g->nrec = n;
	memcpy(g->rec, rec, (size_t)n * sizeof(*rec));
	if (wait != NULL) {
		g->link.wait = wait;
		wait->link = &g->link;
	}
	for (pp = &fq->deliver; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = g;
	fq->ndeliver++;
	return 0;
}

/*
 * The requesting function's own device object when it is bound, else the
 * first device of the attachment (a function of the group not bound).
 */
int
sim_fault_iopf_handler(struct sim_attach_handle *handle, struct sim_fn *fn,
		       const struct sim_prg *prg)
{
	struct sim_attach *att = sim_attach_of(handle);
	const struct sim_device *idev = fn->vdev != NULL && fn->vdev->idev != NULL ?
					fn->vdev->idev : att->devs[0];
	struct iommu_hwpt_pgfault rec[SIM_PRG_MAX_PAGES];
	unsigned int i;

	for (i = 0; i < prg->npages; i++) {
		struct iommu_hwpt_pgfault *r = &rec[i];

		memset(r, 0, sizeof(*r));
		r->flags = (i + 1 == prg->npages ? IOMMU_PGFAULT_FLAGS_LAST_PAGE : 0) |
			   (prg->pasid_valid ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0);
		r->dev_id = idev->obj.id;
		r->pasid = prg->pasid_valid ? prg->pasid : 0;
		r->grpid = prg->index;
		r->perm = prg->write ? IOMMU_PGFAULT_PERM_WRITE : IOMMU_PGFAULT_PERM_READ;
		r->addr = prg->page[i];
	}
	return sim_fault_queue_report(sim_attach_hwpt(att)->fault, fn, rec, prg->npages,
				      prg->wait);
}

static bool
sim_fault_group_matches(const struct sim_fault_group *g, uint32_t dev_id, uint32_t pasid)
{
	bool pv = (g->rec[0].flags & IOMMU_PGFAULT_FLAGS_PASID_VALID) != 0;

	return g->rec[0].dev_id == dev_id && (pv ? g->rec[0].pasid == pasid : pasid == 0);
}

static unsigned int
sim_fault_list_flush(struct pdk_sim *sim, struct sim_fault_group **head, uint32_t dev_id,
		     uint32_t pasid)
{
	unsigned int n = 0;

	while (*head != NULL) {
		struct sim_fault_group *g = *head;

		if (sim_fault_group_matches(g, dev_id, pasid)) {
			*head = g->next;
			sim_fault_group_answer(sim, g, IOMMUFD_PAGE_RESP_INVALID);
			n++;
		} else {
			head = &g->next;
		}
	}
	return n;
}

/* iommufd_auto_response_faults(): a detach answers what is left as INVALID. */
void
sim_fault_queue_flush(struct sim_fault_queue *fq, uint32_t dev_id, uint32_t pasid)
{
	struct pdk_sim *sim = fq->ctx->sim;

	fq->ndeliver -= sim_fault_list_flush(sim, &fq->deliver, dev_id, pasid);
	sim_fault_list_flush(sim, &fq->response, dev_id, pasid);
}

static uint32_t
sim_fault_cookie(const struct sim_fault_queue *fq)
{
	uint32_t c;

	for (c = 1;; c++) {
		const struct sim_fault_group *g;

		for (g = fq->response; g != NULL; g = g->next)
			if (g->rec[0].cookie == c)
				break;
		if (g == NULL)
			return c;
	}
}

static ssize_t
sim_fault_read(struct sim_fault_queue *fq, void *buf, size_t len)
{
	const size_t sz = sizeof(struct iommu_hwpt_pgfault);
	size_t done = 0;

	if (len % sz)
		return sim_err(-ESPIPE, "fault fd read", "count not a multiple of the record size");
	while (fq->deliver != NULL) {
		struct sim_fault_group *g = fq->deliver;
		uint32_t cookie;
		unsigned int i;

		if (g->nrec * sz > len - done) {
			/*
			 * Only whole groups (iommufd_fault_fops_read()): a
			 * count too small for the first one, 0 included, is
			 * -EINVAL
			 */
			if (done == 0)
				return sim_err(-EINVAL, "fault fd read",
					       "count smaller than the first fault group");
			break;
		}
		cookie = sim_fault_cookie(fq);
		for (i = 0; i < g->nrec; i++) {
			g->rec[i].cookie = cookie;
			memcpy((uint8_t *)buf + done, &g->rec[i], sz);
			done += sz;
		}
		fq->deliver = g->next;
		fq->ndeliver--;
		g->next = fq->response;
		fq->response = g;
	}
	return (ssize_t)done;
}

static ssize_t
sim_fault_write(struct sim_fault_queue *fq, const void *buf, size_t len)
{
	const size_t sz = sizeof(struct iommu_hwpt_page_response);
	size_t done = 0;
	int rc = 0;

	if (len % sz)
		return sim_err(-ESPIPE, "fault fd write", "count not a multiple of the response size");
	while (done < len) {
		struct iommu_hwpt_page_response resp;
		struct sim_fault_group **pp;

		memcpy(&resp, (const uint8_t *)buf + done, sz);
		if (resp.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    resp.code != IOMMUFD_PAGE_RESP_INVALID) {
			rc = sim_err(-EINVAL, "fault fd write", "unknown response code");
			break;
		}
		for (pp = &fq->response; *pp != NULL; pp = &(*pp)->next)
			if ((*pp)->rec[0].cookie == resp.cookie)
				break;
		if (*pp == NULL) {
			rc = sim_err(-EINVAL, "fault fd write", "unknown cookie");
			break;
		}
		{
			struct sim_fault_group *g = *pp;

			*pp = g->next;
			sim_fault_group_answer(fq->ctx->sim, g, resp.code);
		}
		done += sz;
	}
	return done == 0 ? rc : (ssize_t)done;
}

/* ---- the fault fd ---- */

static void
sim_fault_show(const struct sim_file *file, char *buf, size_t len)
{
	(void)file;
	snprintf(buf, len, "fault queue");
}

static ssize_t
sim_fault_rw(struct sim_file *file, void *buf, size_t len, uint64_t pos, bool write)
{
	(void)pos;
	return write ? sim_fault_write(file->priv, buf, len) : sim_fault_read(file->priv, buf, len);
}

/* The fd held the queue and its context. */
static void
sim_fault_release(struct sim_file *file)
{
	struct sim_fault_queue *fq = file->priv;
	struct sim_ctx *ctx = fq->ctx;

	fq->obj.users--;
	sim_ctx_put(ctx);
}

/*
 * Always writable (responses need no room), readable while a fault group
 * waits: iommufd_fault_fops_poll(), now iommufd_eventq_fops_poll()
 * (drivers/iommu/iommufd/fault.c, later eventq.c; EPOLLOUT since 6.13).
 */
static int
sim_fault_poll(struct sim_file *file)
{
	const struct sim_fault_queue *fq = file->priv;

	return POLLOUT | (fq->deliver != NULL ? POLLIN | POLLRDNORM : 0);
}

static const struct sim_file_ops sim_fault_fops = {
	.show = sim_fault_show,
	.rw = sim_fault_rw,
	.nonseekable = true,
	.poll = sim_fault_poll,
	.release = sim_fault_release,
};
