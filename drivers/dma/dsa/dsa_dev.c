/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Probe, remove and the control path of a DSA. The device is configured as
 * one group per allowed engine, each with one engine and its share of the
 * set-up WQs (dsa_config_write()); each WQ is dedicated, with WQ PASID enable set and its queue's PASID. Start
 * writes that configuration and enables the device and the WQs; stop
 * disables them again (the device drains in-flight work first).
 */

#include <errno.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "dsa_private.h"
#include "pdk_dsa.h"

static void
dsa_info_get(void *priv, struct pdk_dmadev_info *info)
{
	struct dsa_dev *dev = priv;
	const struct dsa_caps *c = &dev->caps;

	memset(info, 0, sizeof(*info));
	info->name = dev->name;
	info->driver = PDK_DSA_DRIVER_NAME;
	info->backend = dev->sim ? "sim" : "kernel";
	info->capa = PDK_DMADEV_CAPA_COPY | PDK_DMADEV_CAPA_PASID | PDK_DMADEV_CAPA_FENCE;
	if (dsa_opcap_has(c, PDK_IDXD_OP_MEMFILL))
		info->capa |= PDK_DMADEV_CAPA_FILL;
	if (dev->sim)
		info->capa |= PDK_DMADEV_CAPA_SIM;
	info->max_queues = dev->max_queues;
	info->nb_queues = dev->nb_queues;
	info->min_desc = PDK_DSA_MIN_DESC;
	info->max_desc = PDK_DSA_MAX_DESC;
	info->max_xfer = c->max_xfer;
	info->pasid_width = pdk_pasid_space_width(dev->pasids);
	info->pasid_exec = dev->hw.pasid_exec;
	info->pasid_priv = dev->hw.pasid_priv;
}

static int
dsa_configure(void *priv, const struct pdk_dmadev_conf *conf)
{
	struct dsa_dev *dev = priv;
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		dsa_queue_release(dev, q);
	dev->nb_queues = conf->nb_queues;
	return 0;
}

static int
dsa_queue_setup_op(void *priv, uint16_t qid, const struct pdk_dmadev_queue_conf *conf,
		   void **fp_q)
{
	struct dsa_dev *dev = priv;
	int rc = dsa_queue_setup(dev, qid, conf);

	if (rc == 0)
		*fp_q = &dev->queues[qid];
	return rc;
}

static int
dsa_queue_release_op(void *priv, uint16_t qid)
{
	return dsa_queue_release(priv, qid);
}

static int
dsa_queue_info(void *priv, uint16_t qid, struct pdk_dmadev_queue_info *info)
{
	struct dsa_dev *dev = priv;
	const struct dsa_queue *q = &dev->queues[qid];

	if (!q->set_up)
		return -EINVAL;
	info->nb_desc = q->nb_desc;
	info->pasid = pdk_pasid_ctx_pasid(q->pasid_ctx);
	info->as = q->as;
	info->hwpt_id = pdk_pasid_ctx_hwpt(q->pasid_ctx);
	return 0;
}

/*
 * The groups the driver uses: one engine in each, as DPDK does "to avoid
 * reordering" (drivers/dma/idxd/idxd_pci.c init_pci_device(): as many
 * groups as engines, engine i in group i). Issue 11 also quotes the kernel
 * saying DSA "can complete submissions out of order, especially if configured
 * with a work queue sharing multiple DMA engines"; we did not find that
 * sentence again in drivers/dma/idxd, so DPDK is the source named here.
 */
static unsigned int
dsa_groups_used(const struct dsa_dev *dev)
{
	return dev->engines < dev->caps.num_groups ? dev->engines : dev->caps.num_groups;
}

/* The group of WQ @p wq: round robin over the used groups (DPDK's WQ i -> group i % n). */
static unsigned int
dsa_wq_group(const struct dsa_dev *dev, uint16_t wq)
{
	return wq % dsa_groups_used(dev);
}

/*
 * Engine g and the set-up WQs of group g in each used group g, with the
 * kernel's flags; the other groups empty. With no more queues than groups
 * (4 on the model) every WQ has a group and an engine of its own.
 */
static int
dsa_config_write(struct dsa_dev *dev)
{
	const struct dsa_caps *c = &dev->caps;
	unsigned int ngroups = dsa_groups_used(dev);
	uint64_t wqs[256] = { 0 };	/* per group (GRPCAP has 8 bits): its wqs[0] */
	unsigned int g, i;
	uint16_t q;
	int rc = 0;

	for (q = 0; q < c->num_wqs && rc == 0; q++) {
		if (q < PDK_DMADEV_MAX_QUEUES && dev->queues[q].set_up) {
			wqs[dsa_wq_group(dev, q)] |= UINT64_C(1) << q;
			rc = dsa_queue_config_write(&dev->queues[q]);
		} else {
			rc = dsa_wr32(dev, dsa_wqcfg_reg(dev, q, PDK_IDXD_WQCFG_SIZE_DW), 0);
		}
	}
	for (g = 0; g < c->num_groups && rc == 0; g++) {
		for (i = 0; i < 4 && rc == 0; i++)
			rc = dsa_wr64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_WQS(g, i),
				      g < ngroups && i == 0 ? wqs[g] : 0);
		if (rc == 0)
			rc = dsa_wr64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_ENGINES(g),
				      g < ngroups ? UINT64_C(1) << g : 0);
		if (rc == 0)
			rc = dsa_wr64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_FLAGS(g),
				      dsa_group_flags(c));
	}
	return rc;
}

static int
dsa_disable(struct dsa_dev *dev)
{
	uint16_t q;
	int rc, r;

	/* a halted device takes none of the commands below: say so once */
	rc = dsa_check_halted(dev, PDK_IDXD_CMD_DISABLE_DEVICE, "stop");
	if (rc < 0)
		return rc;

	for (q = 0; q < dev->nb_queues; q++) {
		if (!dev->queues[q].set_up)
			continue;
		r = dsa_cmd(dev, PDK_IDXD_CMD_DISABLE_WQ, PDK_IDXD_WQ_MASK_OPERAND(q),
			    "stop: disable WQ");
		if (r < 0 && rc == 0)
			rc = r;
	}
	r = dsa_cmd(dev, PDK_IDXD_CMD_DISABLE_DEVICE, 0, "stop: disable device");
	return rc < 0 ? rc : r;
}

static int
dsa_start(void *priv)
{
	struct dsa_dev *dev = priv;
	uint16_t q;
	int rc;

	rc = dsa_config_write(dev);
	if (rc < 0)
		return rc;
	rc = dsa_cmd(dev, PDK_IDXD_CMD_ENABLE_DEVICE, 0, "start: enable device");
	if (rc < 0)
		return rc;
	for (q = 0; q < dev->nb_queues; q++) {
		if (!dev->queues[q].set_up)
			continue;
		dsa_queue_reset_ring(&dev->queues[q]);
		rc = dsa_cmd(dev, PDK_IDXD_CMD_ENABLE_WQ, q, "start: enable WQ");
		if (rc < 0) {
			dsa_disable(dev);
			return rc;
		}
	}
	dev->started = true;
	return 0;
}

static int
dsa_stop(void *priv)
{
	struct dsa_dev *dev = priv;

	if (!dev->started)
		return 0;
	dev->started = false;
	return dsa_disable(dev);
}

static int
dsa_close(void *priv)
{
	struct dsa_dev *dev = priv;
	int rc = dsa_stop(dev);
	uint16_t q;

	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
		dsa_queue_release(dev, q);
	dev->nb_queues = 0;
	return rc;
}

/*
 * The fast path keeps counting while these run (pdk_dmadev.h allows stats
 * while started): only the queue's thread writes the counters, so reset
 * does not zero them under it but remembers where they were.
 */
static uint64_t
dsa_ctr_since(const uint64_t *c, uint64_t base)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED) - base;
}

static int
dsa_stats_get(void *priv, uint16_t qid, struct pdk_dmadev_stats *stats)
{
	const struct dsa_queue *q = &((struct dsa_dev *)priv)->queues[qid];
	const struct pdk_dmadev_stats *b = &q->stats_base;

	stats->submitted = dsa_ctr_since(&q->stats.submitted, b->submitted);
	stats->completed = dsa_ctr_since(&q->stats.completed, b->completed);
	stats->errors = dsa_ctr_since(&q->stats.errors, b->errors);
	stats->page_faults = dsa_ctr_since(&q->stats.page_faults, b->page_faults);
	stats->bytes = dsa_ctr_since(&q->stats.bytes, b->bytes);
	return 0;
}

static int
dsa_stats_reset(void *priv, uint16_t qid)
{
	struct dsa_queue *q = &((struct dsa_dev *)priv)->queues[qid];
	struct pdk_dmadev_stats *b = &q->stats_base;

	b->submitted = __atomic_load_n(&q->stats.submitted, __ATOMIC_RELAXED);
	b->completed = __atomic_load_n(&q->stats.completed, __ATOMIC_RELAXED);
	b->errors = __atomic_load_n(&q->stats.errors, __ATOMIC_RELAXED);
	b->page_faults = __atomic_load_n(&q->stats.page_faults, __ATOMIC_RELAXED);
	b->bytes = __atomic_load_n(&q->stats.bytes, __ATOMIC_RELAXED);
	return 0;
}

static int
dsa_dump(void *priv, FILE *f)
{
	struct dsa_dev *dev = priv;
	const struct dsa_caps *c = &dev->caps;
	uint32_t gensts = 0, cmdsts = 0, mode = 0, state = 0;
	uint64_t swerr = 0;
	unsigned int g;
	uint16_t q;

	dsa_rd32(dev, PDK_IDXD_REG_GENSTS, &gensts);
	dsa_rd32(dev, PDK_IDXD_REG_CMDSTS, &cmdsts);
	dsa_rd64(dev, PDK_IDXD_REG_SWERR, &swerr);
	fprintf(f, "  DSA %s%s: version 0x%x, %u WQs (%u entries), %u engines (%u used), "
		"%u groups\n", dev->name, dev->sim ? " (SIMULATED model)" : "", c->version,
		c->num_wqs, c->total_wq_size, c->num_engines, dev->engines, c->num_groups);
	fprintf(f, "  GENSTS 0x%08x (%s)  CMDSTS 0x%08x  SWERR 0x%016" PRIx64 "\n", gensts,
		(gensts & PDK_IDXD_GENSTS_STATE_MASK) == PDK_IDXD_STATE_HALT ?
			"halted" : (gensts & PDK_IDXD_GENSTS_STATE_MASK) == PDK_IDXD_STATE_ENABLED ?
			"enabled" : (gensts & PDK_IDXD_GENSTS_STATE_MASK) == PDK_IDXD_STATE_DRAIN ?
			"draining" : "disabled", cmdsts, swerr);
	if ((gensts & PDK_IDXD_GENSTS_STATE_MASK) == PDK_IDXD_STATE_HALT)
		fprintf(f, "  halted: the device needs %s\n", dsa_reset_type_text(gensts));
	fprintf(f, "  max transfer %u B, max batch %u, portal via %s\n", c->max_xfer,
		c->max_batch, dev->portal_mapped ? "MOVDIR64B" : "the backend's store hook");
	for (g = 0; g < c->num_groups; g++) {
		uint64_t wqs = 0, engines = 0, flags = 0;

		dsa_rd64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_WQS(g, 0), &wqs);
		dsa_rd64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_ENGINES(g), &engines);
		dsa_rd64(dev, c->grpcfg_off + PDK_IDXD_GRPCFG_FLAGS(g), &flags);
		if (wqs == 0 && engines == 0)
			continue;
		fprintf(f, "  group %u: WQs 0x%" PRIx64 ", engines 0x%" PRIx64 ", flags 0x%" PRIx64
			" (TC-A %u, TC-B %u, read buffers allowed %u of %u)\n", g, wqs, engines,
			flags, (unsigned int)PDK_IDXD_GET(flags, PDK_IDXD_GRPFLAGS_TC_A_SHIFT, 3),
			(unsigned int)PDK_IDXD_GET(flags, PDK_IDXD_GRPFLAGS_TC_B_SHIFT, 3),
			(unsigned int)PDK_IDXD_GET(flags, PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT, 8),
			c->total_rdbufs);
	}
	for (q = 0; q < dev->nb_queues; q++) {
		const struct dsa_queue *dq = &dev->queues[q];

		if (!dq->set_up)
			continue;
		dsa_rd32(dev, dsa_wqcfg_reg(dev, q, PDK_IDXD_WQCFG_MODE_DW), &mode);
		dsa_rd32(dev, dsa_wqcfg_reg(dev, q, PDK_IDXD_WQCFG_STATE_DW), &state);
		fprintf(f, "  WQ %u: %s, PASID %u%s, size %u, op flags 0x%x, ring %u (write %u, "
			"submitted %u, completed %u), segments in flight %u%s\n", q,
			(state >> PDK_IDXD_WQCFG_STATE_SHIFT) == PDK_IDXD_WQ_STATE_ENABLED ?
				"enabled" : "disabled",
			(mode >> PDK_IDXD_WQCFG_PASID_SHIFT) & PDK_IDXD_WQCFG_PASID_MASK,
			mode & PDK_IDXD_WQCFG_PASID_EN ? "" : " (PASID enable off)",
			dq->wq_size, dq->op_flags, dq->nb_desc, dq->write, dq->submitted, dq->cpl,
			(uint16_t)(dq->seg_tail - dq->seg_head),
			dq->held ? ", a fenced op held until the ones in flight finish" : "");
	}
	return 0;
}

static int
dsa_pasid_alloc(void *priv, uint32_t *pasid)
{
	return pdk_pasid_alloc(((struct dsa_dev *)priv)->pasids, pasid);
}

static int
dsa_pasid_reserve(void *priv, uint32_t pasid)
{
	return pdk_pasid_reserve(((struct dsa_dev *)priv)->pasids, pasid);
}

static int
dsa_pasid_free(void *priv, uint32_t pasid)
{
	return pdk_pasid_free(((struct dsa_dev *)priv)->pasids, pasid);
}

static int
dsa_pasid_list(void *priv, uint32_t *pasids, unsigned int max)
{
	return pdk_pasid_list(((struct dsa_dev *)priv)->pasids, pasids, max);
}

static int
dsa_queue_replace_as_op(void *priv, uint16_t qid, struct pdk_dma_as *as)
{
	return dsa_queue_replace_as(priv, qid, as);
}

static const struct pdk_dmadev_ops dsa_ops = {
	.info_get = dsa_info_get,
	.configure = dsa_configure,
	.queue_setup = dsa_queue_setup_op,
	.queue_release = dsa_queue_release_op,
	.queue_info = dsa_queue_info,
	.start = dsa_start,
	.stop = dsa_stop,
	.close = dsa_close,
	.stats_get = dsa_stats_get,
	.stats_reset = dsa_stats_reset,
	.dump = dsa_dump,
	.pasid_alloc = dsa_pasid_alloc,
	.pasid_reserve = dsa_pasid_reserve,
	.pasid_free = dsa_pasid_free,
	.pasid_list = dsa_pasid_list,
	.queue_replace_as = dsa_queue_replace_as_op,
};

/* Refuse a device that lacks what the driver relies on, saying what. */
static int
dsa_check_caps(struct dsa_dev *dev)
{
	const struct dsa_caps *c = &dev->caps;
	const char *missing = NULL;

	if (!(c->wqcap & PDK_IDXD_WQCAP_DEDICATED))
		missing = "dedicated work queues";
	else if (!(c->gencap & PDK_IDXD_GENCAP_CONFIG_EN))
		missing = "a configurable WQ/group setup (GENCAP config_en)";
	else if (!dsa_opcap_has(c, PDK_IDXD_OP_MEMMOVE))
		missing = "the memmove operation";
	else if (!dsa_opcap_has(c, PDK_IDXD_OP_BATCH))
		missing = "the batch operation";
	else if (c->num_wqs == 0 || c->num_engines == 0 || c->num_groups == 0)
		missing = "work queues, engines and groups";
	else if (c->wqcfg_size > PDK_IDXD_WQCFG_MAX_SIZE)
		missing = "a WQCFG of at most 64 bytes (the kernel's union wqcfg)";
	if (missing == NULL)
		return 0;
	return pdk_log_fail("dsa", dev->name, -ENOTSUP, "use a DSA that offers it",
			    "probe: the device does not offer %s, which this driver needs", missing);
}

static int
dsa_probe_args(struct dsa_dev *dev)
{
	const struct dsa_caps *c = &dev->caps;
	uint32_t wqs = c->num_wqs < PDK_DMADEV_MAX_QUEUES ? c->num_wqs : PDK_DMADEV_MAX_QUEUES;
	uint32_t v;
	int rc;

	rc = pdk_bus_dev_arg_u32(dev->bdev, "max_queues", wqs, 1, wqs, &v);
	if (rc < 0)
		return rc;
	dev->max_queues = (uint16_t)v;
	rc = pdk_bus_dev_arg_u32(dev->bdev, "engines", c->num_engines, 1, c->num_engines, &v);
	if (rc < 0)
		return rc;
	dev->engines = (uint16_t)v;
	return 0;
}

/*
 * Whether descriptors can reach the WQs, checked at probe so that an
 * unusable device is refused before it is registered. Each queue resolves
 * its own portal when it is set up (dsa_queue.c); here WQ 0's is resolved
 * once to see what lib/vfio answers, and given back. A mapped portal (the
 * kernel) takes MOVDIR64B stores, so the CPU must have the instruction; a
 * backend's store hook (the sim) needs nothing of the CPU. The driver asks
 * lib/vfio, never which backend it runs on.
 */
static int
dsa_portal_check(struct dsa_dev *dev)
{
	struct pdk_vfio_portal p;
	struct pdk_vfio_region r;
	const char *env;
	int rc;

	rc = pdk_vfio_region_info(dev->vdev, PDK_IDXD_WQ_BAR, &r);
	if (rc < 0)
		return rc;
	if (r.size < PDK_IDXD_PORTAL_OFFSET(dev->max_queues))
		return pdk_log_fail("dsa", dev->name, -EINVAL,
				    "allow fewer queues (max_queues=N), or check the device",
				    "probe: BAR2 (%" PRIu64 " bytes) is too small for %u WQ portals",
				    (uint64_t)r.size, dev->max_queues);
	rc = pdk_vfio_bar_portal(dev->vdev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0), &p);
	if (rc < 0)
		return rc;
	dev->portal_mapped = p.addr != NULL;
	pdk_vfio_portal_release(&p);
	if (!dev->portal_mapped || pdk_dsa_cpu_has_movdir64b())
		return 0;
	/*
	 * An environment that performs the instruction for a CPU without it
	 * (pdk-sim-run traps the #UD, doc/sim-run.md) says so; nothing else
	 * sets this, and set wrongly it costs a SIGILL at the first
	 * descriptor, never a wrong result.
	 */
	env = getenv("PDK_MOVDIR64B");
	if (env == NULL || strcmp(env, "emulated") != 0)
		return pdk_log_fail("dsa", dev->name, -ENOTSUP,
				    "use a host whose CPU has it (Sapphire Rapids or later), or run "
				    "where it is emulated (pdk-sim-run sets PDK_MOVDIR64B=emulated)",
				    "probe: this CPU lacks MOVDIR64B, the only way to write a descriptor to a DSA portal");
	PDK_LOG(NOTICE, "dsa", "%s: this CPU lacks MOVDIR64B; the environment emulates it "
		"(PDK_MOVDIR64B=emulated): every portal write traps", dev->name);
	return 0;
}

static void
dsa_free(struct dsa_dev *dev)
{
	if (dev->dev_id >= 0)
		pdk_dmadev_unregister(dev->dev_id);
	pdk_pasid_space_destroy(dev->pasids);
	if (dev->vdev != NULL) {
		/* no DMA from a device nobody drives */
		pdk_vfio_pci_command(dev->vdev, 0, PCI_COMMAND_MASTER);
		pdk_bus_dev_close(dev->bdev);
	}
	free(dev);
}

static int
dsa_probe(struct pdk_bus_dev *bdev)
{
	struct pdk_iommufd *ictx = pdk_bus_iommufd(pdk_bus_dev_bus(bdev));
	struct dsa_dev *dev;
	int rc;

	dev = calloc(1, sizeof(*dev));
	if (dev == NULL)
		return -ENOMEM;
	dev->bdev = bdev;
	dev->name = pdk_bus_dev_name(bdev);
	dev->dev_id = -1;

	rc = pdk_bus_dev_open(bdev, &dev->vdev);
	if (rc < 0)
		goto fail;
	dev->sim = pdk_sys_is_sim(pdk_vfio_sys(dev->vdev));
	rc = pdk_vfio_reset(dev->vdev);
	if (rc < 0 && rc != -ENOTTY)
		goto fail;
	rc = pdk_vfio_pci_command(dev->vdev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 0);
	if (rc < 0)
		goto fail;
	rc = dsa_caps_read(dev);
	if (rc == 0)
		rc = dsa_check_caps(dev);
	if (rc == 0)
		rc = dsa_cmd(dev, PDK_IDXD_CMD_RESET_DEVICE, 0, "probe: reset device");
	if (rc == 0)
		rc = dsa_probe_args(dev);
	if (rc == 0)
		rc = pdk_iommufd_hw_info(ictx, pdk_vfio_dev_id(dev->vdev), &dev->hw);
	if (rc < 0)
		goto fail;
	/* every DSA queue of this driver needs its own PASID: lib/pasid says why there are none */
	rc = pdk_pasid_space_create(dev->vdev, ictx, &dev->pasids);
	if (rc < 0)
		goto fail;
	rc = dsa_portal_check(dev);
	if (rc < 0)
		goto fail;
	rc = pdk_dmadev_register(dev->name, PDK_DSA_DRIVER_NAME, &dsa_ops, &dsa_fp_ops, dev,
				 &dev->dev_id);
	if (rc < 0)
		goto fail;
	pdk_bus_dev_set_priv(bdev, dev);
	DSA_LOG(INFO, "%s: DSA%s, %u WQs, %u engines, PASID width %u, max transfer %u B, "
		"batches of %u; dmadev %d", dev->name,
		dev->sim ? " (SIMULATED model, not hardware)" : "", dev->max_queues,
		dev->engines, pdk_pasid_space_width(dev->pasids), dev->caps.max_xfer,
		dev->caps.max_batch, dev->dev_id);
	return 0;
fail:
	dsa_free(dev);
	return rc;
}

static int
dsa_remove(struct pdk_bus_dev *bdev)
{
	struct dsa_dev *dev = pdk_bus_dev_priv(bdev);

	if (dev == NULL)
		return 0;
	pdk_bus_dev_set_priv(bdev, NULL);
	dsa_free(dev);
	return 0;
}

static const struct pdk_bus_id dsa_ids[] = {
	{ PDK_IDXD_VENDOR_INTEL, PDK_IDXD_DEVICE_DSA_SPR },
	{ PDK_IDXD_VENDOR_INTEL, PDK_IDXD_DEVICE_DSA_GNRD },
	{ PDK_IDXD_VENDOR_INTEL, PDK_IDXD_DEVICE_DSA_DMR },
	{ 0, 0 },
};

static const struct pdk_bus_arg_spec dsa_args[] = {
	{ "max_queues", "expose at most N work queues (1..the device's WQs)" },
	{ "engines", "use N engines (1..the device's engines)" },
	{ NULL, NULL },
};

static struct pdk_bus_driver dsa_driver = {
	.name = PDK_DSA_DRIVER_NAME,
	.id_table = dsa_ids,
	.args = dsa_args,
	.probe = dsa_probe,
	.remove = dsa_remove,
};

PDK_BUS_REGISTER_DRIVER(dsa, dsa_driver)
