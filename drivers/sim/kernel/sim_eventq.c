/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fault queues (IOMMU_FAULT_QUEUE_ALLOC), after drivers/iommu/iommufd/
 * eventq.c. The fd holds a reference on the queue object and on the
 * context, so IOMMU_DESTROY of a queue whose fd is open is -EBUSY and the
 * context outlives its /dev/iommu fd while the fault fd is open.
 *
 * read() hands out whole groups (one record each here, LAST_PAGE set) and
 * gives each a cookie, the lowest free from 1 as the kernel's xa_alloc does;
 * with nothing pending it returns 0, as the kernel's read does (it never
 * blocks); a count that holds no group while one waits is -EINVAL.
 * write() of a page response retires a read group.
 *
 * What the sim reports here differs from hardware in one respect: a real
 * IOMMU queues page requests (PRI) for a device that can wait for the
 * answer; the sim queues every fault of a HWPT with a fault queue, and the
 * faulting access has already failed (there is no retry).
 */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

static void
sim_fault_groups_free(struct sim_fault_group *g)
{
	while (g != NULL) {
		struct sim_fault_group *next = g->next;

		free(g);
		g = next;
	}
}

static void
sim_fault_destroy(struct sim_obj *obj)
{
	struct sim_fault_queue *fq = sim_container_of(obj, struct sim_fault_queue, obj);
	struct sim_ctx *ctx = fq->ctx;

	sim_fault_groups_free(fq->deliver);
	sim_fault_groups_free(fq->response);
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

/* Queue one group of one record (@p rec, LAST_PAGE set): iommufd_fault_iopf_handler(). */
void
sim_fault_queue_report(struct sim_fault_queue *fq, const struct iommu_hwpt_pgfault *rec)
{
	struct sim_fault_group *g, **pp;

	if (fq->ndeliver >= SIM_FAULTQ_MAX) {
		if (fq->dropped++ == 0)
			SIM_LOG(WARNING, "fault queue %u full (%u groups unread): dropping faults",
				fq->obj.id, SIM_FAULTQ_MAX);
		return;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return;
	g->rec = *rec;
	for (pp = &fq->deliver; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = g;
	fq->ndeliver++;
}

/*
 * The faulting function's own device object when it is bound, else the
 * first device of the attachment (a function of the group not bound).
 */
void
sim_fault_iopf_handler(struct sim_attach_handle *handle, struct sim_fn *fn,
		       const struct pdk_sim_fault *f)
{
	struct sim_attach *att = sim_attach_of(handle);
	const struct sim_device *idev = fn->vdev != NULL && fn->vdev->idev != NULL ?
					fn->vdev->idev : att->devs[0];

	struct sim_fault_queue *fq = sim_attach_hwpt(att)->fault;
	struct iommu_hwpt_pgfault rec = {
		.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE |
			 (f->pasid_valid ? IOMMU_PGFAULT_FLAGS_PASID_VALID : 0),
		.dev_id = idev->obj.id,
		.pasid = f->pasid_valid ? f->pasid : 0,
		.grpid = fq->next_grpid++ & 0x1ff,	/* PCIe PRG index: 9 bits */
		.perm = f->write ? IOMMU_PGFAULT_PERM_WRITE : IOMMU_PGFAULT_PERM_READ,
		.addr = f->iova & ~(SIM_PAGE_SIZE - 1),
	};

	sim_fault_queue_report(fq, &rec);
}

static bool
sim_fault_group_matches(const struct sim_fault_group *g, uint32_t dev_id, uint32_t pasid)
{
	bool pv = (g->rec.flags & IOMMU_PGFAULT_FLAGS_PASID_VALID) != 0;

	return g->rec.dev_id == dev_id && (pv ? g->rec.pasid == pasid : pasid == 0);
}

static unsigned int
sim_fault_list_flush(struct sim_fault_group **head, uint32_t dev_id, uint32_t pasid)
{
	unsigned int n = 0;

	while (*head != NULL) {
		struct sim_fault_group *g = *head;

		if (sim_fault_group_matches(g, dev_id, pasid)) {
			*head = g->next;
			free(g);
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
	fq->ndeliver -= sim_fault_list_flush(&fq->deliver, dev_id, pasid);
	sim_fault_list_flush(&fq->response, dev_id, pasid);
}

static uint32_t
sim_fault_cookie(const struct sim_fault_queue *fq)
{
	uint32_t c;

	for (c = 1;; c++) {
		const struct sim_fault_group *g;

		for (g = fq->response; g != NULL; g = g->next)
			if (g->rec.cookie == c)
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
	while (fq->deliver != NULL && len - done >= sz) {
		struct sim_fault_group *g = fq->deliver;

		g->rec.cookie = sim_fault_cookie(fq);
		memcpy((uint8_t *)buf + done, &g->rec, sz);
		done += sz;
		fq->deliver = g->next;
		fq->ndeliver--;
		g->next = fq->response;
		fq->response = g;
	}
	/* iommufd_fault_fops_read(): a group waits but the count holds none of it */
	if (done == 0 && fq->deliver != NULL)
		return sim_err(-EINVAL, "fault fd read", "the count holds no whole fault group");
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
			if ((*pp)->rec.cookie == resp.cookie)
				break;
		if (*pp == NULL) {
			rc = sim_err(-EINVAL, "fault fd write", "unknown cookie");
			break;
		}
		{
			struct sim_fault_group *g = *pp;

			*pp = g->next;
			free(g);
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
