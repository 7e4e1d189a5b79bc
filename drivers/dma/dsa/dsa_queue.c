/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * A queue is a dedicated WQ with WQ PASID enable set. Its descriptor ring,
 * completion records and batch records live in one anonymous mapping that
 * is mapped into the queue's own address space: the device reaches them
 * with the WQ's PASID, like the data, so a queue needs nothing from any
 * other address space.
 *
 * The WQ's portal is resolved here, once (pdk_vfio_bar_portal()): a mapped
 * portal on the kernel, the backend's store hook on the sim. Submit then
 * stores through it without calling lib/vfio, which used to be asked to
 * pwrite every descriptor on the sim (checks, a region lookup, an snprintf
 * and a boundary call per submission). The portal holds the device open
 * until the queue is released.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dsa_private.h"

static size_t
round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static uint16_t
pow2_floor(uint32_t v)
{
	uint32_t p = 1;

	while (p * 2 <= v && p * 2 <= UINT16_MAX)
		p *= 2;
	return (uint16_t)p;
}

void
dsa_queue_reset_ring(struct dsa_queue *q)
{
	uint16_t i;

	/* what enqueue leaves alone: each slot's record address, the zero fields */
	memset(q->descs, 0, sizeof(*q->descs) * (size_t)q->nb_desc);
	for (i = 0; i < q->nb_desc; i++)
		q->descs[i].completion_addr = q->comps_iova + (uint64_t)i * sizeof(*q->comps);
	q->write = 0;
	q->submitted = 0;
	q->cpl = 0;
	q->chunks = 0;
	q->chunk_room = 0;
	q->seg_head = 0;
	q->seg_cpl = 0;
	q->seg_tail = 0;
	q->held = false;
	q->fence_queued = false;
	q->held_end = 0;
	memset(q->comps, 0, sizeof(*q->comps) * (size_t)q->nb_desc);
	memset(q->bcomps, 0, sizeof(*q->bcomps) * (size_t)(q->seg_mask + 1));
}

/*
 * Free everything of the queue. @return 0, or the first failure (a PASID
 * detach or a ring unmap the kernel refused), which the caller reports:
 * the queue is freed anyway.
 */
static int
queue_free(struct dsa_queue *q)
{
	struct dsa_dev *dev = q->dev;
	uint16_t wq = q->wq;
	int first = 0, rc;

	/* lib/pasid logs a failed detach; the PASID then stays attached until close */
	if (q->pasid_ctx != NULL)
		first = pdk_pasid_ctx_release(q->pasid_ctx);
	/*
	 * lib/dmadev releases queues of a stopped device only, and its fast
	 * path is off then: no store is in flight. Logged by lib/vfio.
	 */
	rc = pdk_vfio_portal_release(&q->portal);
	if (rc < 0 && first == 0)
		first = rc;
	if (q->mem != NULL) {
		rc = q->mapped ? pdk_dma_unmap(q->as, q->mem) : 0;
		if (rc == 0 && q->stale_as != NULL)
			rc = pdk_dma_unmap(q->stale_as, q->mem);
		if (rc < 0 && first == 0)
			first = rc;

		/*
		 * A ring the IOMMU still maps must stay allocated: freed, its pages
		 * would go to the next mmap (another ring, a buffer) while the
		 * device can still reach them through the old IOVA. It is leaked
		 * instead; destroying the address space removes the mapping. The
		 * refused unmap is logged below; the leak only the driver knows.
		 */
		if (rc < 0)
			DSA_LOG(WARNING, "%s: queue %u: its ring (%zu bytes) was not unmapped from address space '%s' (above): the ring stays mapped and allocated (leaked) until the address space is destroyed",
				dev->name, wq, q->mem_len, pdk_dma_as_name(q->as));
		else
			munmap(q->mem, q->mem_len);
	}
	free(q->segs);
	memset(q, 0, sizeof(*q));
	q->dev = dev;
	q->wq = wq;
	return first;
}

int
dsa_queue_release(struct dsa_dev *dev, uint16_t qid)
{
	struct dsa_queue *q = &dev->queues[qid];

	if (!q->set_up)
		return 0;
	DSA_LOG(DEBUG, "%s: queue %u (WQ %u, PASID %u) released", dev->name, qid, q->wq,
		pdk_pasid_ctx_pasid(q->pasid_ctx));
	return queue_free(q);
}

int
dsa_queue_setup(struct dsa_dev *dev, uint16_t qid, const struct pdk_dmadev_queue_conf *conf)
{
	struct dsa_queue *q = &dev->queues[qid];
	uint32_t per_wq = dev->caps.total_wq_size / dev->nb_queues;
	size_t descs_len, comps_len, bcomps_len;
	uint64_t iova;
	int rc;

	if (pdk_dma_as_iommufd(conf->as) != pdk_bus_iommufd(pdk_bus_dev_bus(dev->bdev)))
		return pdk_log_fail("dsa", dev->name, -EINVAL,
				    "create it in the bus's (pdk_bus_iommufd())",
				    "queue %u: address space '%s' belongs to another iommufd context",
				    qid, pdk_dma_as_name(conf->as));
	if (per_wq == 0)
		return pdk_log_fail("dsa", dev->name, -EINVAL, "configure fewer queues",
				    "queue %u: %u WQ entries cannot be shared by %u queues", qid,
				    dev->caps.total_wq_size, dev->nb_queues);
	dsa_queue_release(dev, qid);
	q->dev = dev;
	q->wq = qid;
	q->nb_desc = conf->nb_desc;
	q->mask = (uint16_t)(conf->nb_desc - 1);
	q->wq_size = (uint16_t)(per_wq < conf->nb_desc ? per_wq : conf->nb_desc);
	q->seg_mask = (uint16_t)(pow2_floor(q->wq_size) - 1);
	q->max_batch = dev->caps.max_batch;
	q->max_xfer = dev->caps.max_xfer;
	/*
	 * Every op has a record address, so a failure is written there, but
	 * asks for no record on success: the batch's record says the batch
	 * ran, and a descriptor sent alone gets RCR at submit, as DPDK and
	 * the VFIO selftest do (DPDK drivers/dma/idxd/idxd_common.c
	 * __idxd_write_desc(), __submit(); selftest dsa.c dsa_memcpy_batch()).
	 * Writes go to the cache (flag CC) where GENCAP offers it: DPDK sets
	 * it on every copy and fill (idxd_enqueue_copy(), idxd_enqueue_fill()).
	 */
	q->op_flags = PDK_IDXD_FLAG_CRAV |
		      (dev->caps.gencap & PDK_IDXD_GENCAP_CACHE_CTRL_CACHE ? PDK_IDXD_FLAG_CC : 0) |
		      (dev->bof ? PDK_IDXD_FLAG_BOF : 0);
	q->has_fill = dsa_opcap_has(&dev->caps, PDK_IDXD_OP_MEMFILL);

	descs_len = sizeof(*q->descs) * (size_t)conf->nb_desc;
	comps_len = sizeof(*q->comps) * (size_t)conf->nb_desc;
	bcomps_len = sizeof(*q->bcomps) * (size_t)(q->seg_mask + 1);
	q->mem_len = round_up(descs_len + comps_len + bcomps_len, 4096);
	q->segs = calloc((size_t)q->seg_mask + 1, sizeof(*q->segs));
	q->mem = mmap(NULL, q->mem_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (q->mem == MAP_FAILED)
		q->mem = NULL;
	if (q->segs == NULL || q->mem == NULL) {
		rc = pdk_log_fail("dsa", dev->name, -ENOMEM,
				  "free some memory, or use fewer descriptors",
				  "queue %u: a ring of %u descriptors", qid, conf->nb_desc);
		goto fail;
	}
	/* lib/dma and lib/pasid log what they refuse, naming the address space */
	q->as = conf->as;
	rc = pdk_dma_map(conf->as, q->mem, q->mem_len, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE,
			 &iova);
	if (rc < 0)
		goto fail;
	q->mapped = true;
	q->descs = q->mem;
	q->comps = (void *)((char *)q->mem + descs_len);
	q->bcomps = (void *)((char *)q->mem + descs_len + comps_len);
	q->descs_iova = iova;
	q->comps_iova = iova + descs_len;
	q->bcomps_iova = iova + descs_len + comps_len;

	/* logged by lib/vfio with the BAR and the offset */
	rc = pdk_vfio_bar_portal(dev->vdev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(qid),
				 &q->portal);
	if (rc < 0)
		goto fail;
	q->portal_write = q->portal.addr != NULL ? dsa_portal_movdir64b : dsa_portal_hook;

	rc = pdk_pasid_ctx_create(dev->pasids, conf->as, conf->pasid, &q->pasid_ctx);
	if (rc < 0)
		goto fail;
	dsa_queue_reset_ring(q);
	q->set_up = true;
	DSA_LOG(INFO, "%s: queue %u: WQ %u, %u descriptors, %u WQ entries, PASID %u -> "
		"address space '%s', portal %s%s", dev->name, qid, q->wq, q->nb_desc, q->wq_size,
		pdk_pasid_ctx_pasid(q->pasid_ctx), pdk_dma_as_name(conf->as),
		q->portal.addr != NULL ? "mapped (MOVDIR64B)" : "through the backend's store hook",
		dev->sim ? " (simulated device)" : "");
	return 0;
fail:
	queue_free(q);
	return rc;
}

/*
 * The PASID moves to @p as; the ring goes with it, at the same IOVAs,
 * because the device reads batches and writes completion records through
 * the queue's PASID: mapped in the new space first, so that every record
 * has somewhere to land whichever space the device translates it in, and
 * unmapped from the old one only once nothing reaches it through the PASID.
 */
int
dsa_queue_replace_as(struct dsa_dev *dev, uint16_t qid, struct pdk_dma_as *as)
{
	struct dsa_queue *q = &dev->queues[qid];
	struct pdk_dma_as *old = q->as;
	int rc;

	if (!q->set_up)
		return -EINVAL;	/* lib/dmadev checked and logged it */
	if (q->stale_as != NULL)
		return pdk_log_fail("dsa", dev->name, -EBUSY,
				    "release the queue and set it up again",
				    "queue %u: replace: the ring is still mapped in address space '%s' after an earlier replace",
				    qid, pdk_dma_as_name(q->stale_as));
	/* lib/dma logs a refusal (-EEXIST: the new space uses the ring's IOVAs) */
	rc = pdk_dma_map_iova(as, q->mem, q->mem_len, q->descs_iova,
			      PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	if (rc < 0)
		return rc;
	/* lib/pasid logs a failed replace; the old attachment then stays */
	rc = pdk_pasid_ctx_replace(q->pasid_ctx, as);
	if (rc < 0) {
		pdk_dma_unmap(as, q->mem);
		return rc;
	}
	q->as = as;
	/*
	 * The old space no longer reaches the device through this PASID. If
	 * the unmap fails (logged by lib/dma) the ring must stay allocated
	 * while that space maps it: queue_free() tries again.
	 */
	if (pdk_dma_unmap(old, q->mem) < 0)
		q->stale_as = old;
	DSA_LOG(INFO, "%s: queue %u: PASID %u -> address space '%s' (was '%s')%s", dev->name,
		qid, pdk_pasid_ctx_pasid(q->pasid_ctx), pdk_dma_as_name(as),
		pdk_dma_as_name(old), dev->sim ? " (simulated device)" : "");
	return 0;
}

/*
 * Write the queue's WQCFG, every dword of it (WQCAP wqcfg_size), the device
 * disabled. As the kernel does (drivers/dma/idxd/device.c
 * idxd_wq_config_write()): start from what the device reads back, since
 * "sticky values" survive a WQ reset on some devices, set the fields the
 * driver owns, and when WQCAP op_config is set write op_config (bytes
 * 32-63) from OPCAP, every operation the device offers (the kernel's
 * default wq->opcap_bmap, a copy of OPCAP: init.c). A DSA 2.0 whose reset
 * op_config allows nothing would otherwise refuse every descriptor.
 */
int
dsa_queue_config_write(struct dsa_queue *q)
{
	struct dsa_dev *dev = q->dev;
	const struct dsa_caps *c = &dev->caps;
	uint32_t cfg[PDK_IDXD_WQCFG_MAX_SIZE / 4];
	unsigned int i, n = c->wqcfg_size / 4;
	uint32_t pasid = pdk_pasid_ctx_pasid(q->pasid_ctx) & PDK_IDXD_WQCFG_PASID_MASK;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = dsa_rd32(dev, dsa_wqcfg_reg(dev, q->wq, i), &cfg[i]);
	if (rc < 0)
		return rc;
	cfg[PDK_IDXD_WQCFG_SIZE_DW] = (uint32_t)PDK_IDXD_SET(cfg[PDK_IDXD_WQCFG_SIZE_DW], 0, 16,
							     q->wq_size);
	cfg[PDK_IDXD_WQCFG_THRESH_DW] = (uint32_t)PDK_IDXD_SET(cfg[PDK_IDXD_WQCFG_THRESH_DW], 0,
							       16, 0);
	/*
	 * dedicated, block on fault as devarg block_on_fault says (checked
	 * against GENCAP at probe), priority 1, the queue's PASID enabled, not
	 * priv; the ATS/PRS disables (bits 2, 3) and the reserved bits as read
	 */
	cfg[PDK_IDXD_WQCFG_MODE_DW] = (cfg[PDK_IDXD_WQCFG_MODE_DW] & 0xc000000cu) |
		PDK_IDXD_WQCFG_MODE_DEDICATED | 1u << PDK_IDXD_WQCFG_PRIORITY_SHIFT |
		(dev->bof ? PDK_IDXD_WQCFG_BOF : 0) |
		pasid << PDK_IDXD_WQCFG_PASID_SHIFT | PDK_IDXD_WQCFG_PASID_EN;
	cfg[PDK_IDXD_WQCFG_XFER_DW] = (cfg[PDK_IDXD_WQCFG_XFER_DW] & ~0x1ffu) |
		(uint32_t)PDK_IDXD_GET(c->gencap, PDK_IDXD_GENCAP_MAX_XFER_SHIFT, 5)
			<< PDK_IDXD_WQCFG_MAX_XFER_SHIFT |
		(uint32_t)PDK_IDXD_GET(c->gencap, PDK_IDXD_GENCAP_MAX_BATCH_SHIFT, 4)
			<< PDK_IDXD_WQCFG_MAX_BATCH_SHIFT;
	if ((c->wqcap & PDK_IDXD_WQCAP_OP_CONFIG) && n >= PDK_IDXD_WQCFG_OP_CONFIG_DW + 8) {
		for (i = 0; i < 4; i++) {
			cfg[PDK_IDXD_WQCFG_OP_CONFIG_DW + 2 * i] = (uint32_t)c->opcap[i];
			cfg[PDK_IDXD_WQCFG_OP_CONFIG_DW + 2 * i + 1] = (uint32_t)(c->opcap[i] >> 32);
		}
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = dsa_wr32(dev, dsa_wqcfg_reg(dev, q->wq, i), cfg[i]);
	return rc;
}
