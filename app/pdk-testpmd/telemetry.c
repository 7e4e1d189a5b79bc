/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Telemetry endpoints under /pdk/, answered by DPDK's telemetry thread
 * (dpdk-telemetry.py, or any client of the socket in the EAL runtime dir):
 *
 *   /pdk/devices            dev ids
 *   /pdk/device,<dev_id>    info, state, queues (PASID, address space, ring)
 *   /pdk/pasids,<dev_id>    allocated PASIDs, and the one of each queue
 *   /pdk/as                 address spaces: IOAS id, mappings, buffers
 *   /pdk/stats,<dev_id>     per queue counters
 *
 * Each callback holds tp.lock, so it never sees a device or address space
 * half made or half gone by a command. Counters are read as "show stats"
 * reads them (traffic.c): the driver's copied without a lock, ours with
 * atomic loads. Telemetry's counters are never reset: "clear stats" only
 * moves the console's baseline.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_telemetry.h>

#include "testpmd.h"

static int
param_dev(const char *params)
{
	char *end;
	long v;

	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	v = strtol(params, &end, 0);
	if (*end != '\0' || v < 0 || v >= PDK_DMADEV_MAX_DEVS || !pdk_dmadev_is_valid((int)v))
		return -EINVAL;
	return (int)v;
}

/*
 * The dict of queue @p q, under "queue_<q>" in @p d, opened with the fields
 * every per-queue answer starts with; NULL when out of memory. It is hung in
 * @p d before the caller fills it: telemetry keeps the pointer and reads the
 * dict only when it writes the reply.
 */
static struct rte_tel_data *
queue_dict(struct rte_tel_data *d, uint16_t q, const struct pdk_dmadev_queue_info *qi)
{
	struct rte_tel_data *qd = rte_tel_data_alloc();
	char key[16];

	if (qd == NULL)
		return NULL;
	rte_tel_data_start_dict(qd);
	rte_tel_data_add_dict_u64(qd, "pasid", qi->pasid);
	rte_tel_data_add_dict_string(qd, "as", qi->as != NULL ? pdk_dma_as_name(qi->as) : "");
	snprintf(key, sizeof(key), "queue_%u", q);
	rte_tel_data_add_dict_container(d, key, qd, 0);
	return qd;
}

static int
tel_devices(const char *cmd, const char *params, struct rte_tel_data *d)
{
	int id;

	(void)cmd;
	(void)params;
	rte_tel_data_start_array(d, RTE_TEL_INT_VAL);
	pthread_mutex_lock(&tp.lock);
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1))
		rte_tel_data_add_array_int(d, id);
	pthread_mutex_unlock(&tp.lock);
	return 0;
}

static int
tel_device(const char *cmd, const char *params, struct rte_tel_data *d)
{
	char capa[64];
	struct pdk_dmadev_info info;
	uint16_t q;
	int id, rc = 0;

	(void)cmd;
	pthread_mutex_lock(&tp.lock);
	id = param_dev(params);
	if (id < 0 || pdk_dmadev_info_get(id, &info) != 0) {
		rc = -EINVAL;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "dev_id", id);
	rte_tel_data_add_dict_string(d, "name", info.name);
	rte_tel_data_add_dict_string(d, "driver", info.driver);
	rte_tel_data_add_dict_string(d, "backend", info.backend);
	rte_tel_data_add_dict_int(d, "simulated", (info.capa & PDK_DMADEV_CAPA_SIM) != 0);
	/* the mask's bit 63 is PDK_DMADEV_CAPA_SIM: the number alone reads as garbage */
	rte_tel_data_add_dict_u64(d, "capa", info.capa);
	rte_tel_data_add_dict_string(d, "capa_names", tp_capa_names(info.capa, capa, sizeof(capa)));
	rte_tel_data_add_dict_int(d, "max_queues", info.max_queues);
	rte_tel_data_add_dict_int(d, "nb_queues", info.nb_queues);
	rte_tel_data_add_dict_int(d, "min_desc", info.min_desc);
	rte_tel_data_add_dict_int(d, "max_desc", info.max_desc);
	rte_tel_data_add_dict_u64(d, "max_xfer", info.max_xfer);
	rte_tel_data_add_dict_int(d, "pasid_width", (int)info.pasid_width);
	rte_tel_data_add_dict_int(d, "pasid_exec", info.pasid_exec);
	rte_tel_data_add_dict_int(d, "pasid_priv", info.pasid_priv);
	rte_tel_data_add_dict_int(d, "started", tp.dev[id].started);
	/* one level of nesting is all telemetry's JSON allows: a dict per queue */
	for (q = 0; q < info.nb_queues; q++) {
		struct pdk_dmadev_queue_info qi;
		struct rte_tel_data *qd;

		if (tp_queue_info(id, q, &qi) != 0)
			continue;
		qd = queue_dict(d, q, &qi);
		if (qd == NULL)
			break;
		rte_tel_data_add_dict_int(qd, "ioas_id",
					  qi.as != NULL ? (int)pdk_dma_as_ioas_id(qi.as) : 0);
		rte_tel_data_add_dict_int(qd, "hwpt_id", (int)qi.hwpt_id);
		rte_tel_data_add_dict_int(qd, "nb_desc", qi.nb_desc);
	}
out:
	pthread_mutex_unlock(&tp.lock);
	return rc;
}

static int
tel_pasids(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *all, *byq;
	uint32_t pasids[RTE_TEL_MAX_ARRAY_ENTRIES];
	int id, n, i, rc = 0;
	uint16_t q;

	(void)cmd;
	pthread_mutex_lock(&tp.lock);
	id = param_dev(params);
	if (id < 0) {
		rc = -EINVAL;
		goto out;
	}
	n = pdk_dmadev_pasid_list(id, pasids, RTE_TEL_MAX_ARRAY_ENTRIES);
	if (n < 0) {
		rc = n;
		goto out;
	}
	all = rte_tel_data_alloc();
	byq = rte_tel_data_alloc();
	if (all == NULL || byq == NULL) {
		rte_tel_data_free(all);
		rte_tel_data_free(byq);
		rc = -ENOMEM;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "dev_id", id);
	rte_tel_data_add_dict_int(d, "count", n);
	rte_tel_data_start_array(all, RTE_TEL_U64_VAL);
	for (i = 0; i < n && i < RTE_TEL_MAX_ARRAY_ENTRIES; i++)
		rte_tel_data_add_array_u64(all, pasids[i]);
	rte_tel_data_add_dict_container(d, "allocated", all, 0);
	rte_tel_data_start_dict(byq);
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++) {
		struct pdk_dmadev_queue_info qi;
		char key[16];

		if (tp_queue_info(id, q, &qi) != 0)
			continue;
		snprintf(key, sizeof(key), "queue_%u", q);
		rte_tel_data_add_dict_u64(byq, key, qi.pasid);
	}
	rte_tel_data_add_dict_container(d, "queues", byq, 0);
out:
	pthread_mutex_unlock(&tp.lock);
	return rc;
}

static int
tel_as(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned int i, b;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&tp.lock);
	for (i = 0; i < TP_MAX_AS; i++) {
		const struct tp_as *a = tp.as[i];
		struct rte_tel_data *ad;
		char key[24], val[64];

		if (a == NULL)
			continue;
		ad = rte_tel_data_alloc();
		if (ad == NULL)
			break;
		rte_tel_data_start_dict(ad);
		rte_tel_data_add_dict_int(ad, "ioas_id", (int)pdk_dma_as_ioas_id(a->as));
		rte_tel_data_add_dict_int(ad, "mappings", (int)pdk_dma_as_map_count(a->as));
		rte_tel_data_add_dict_int(ad, "buffers", (int)a->nb_bufs);
		/* a buffer's IOVA and length as one string: no deeper nesting */
		for (b = 0; b < a->nb_bufs; b++) {
			snprintf(key, sizeof(key), "buffer_%u", b);
			snprintf(val, sizeof(val), "iova=0x%" PRIx64 " len=%zu", a->bufs[b].iova,
				 a->bufs[b].len);
			rte_tel_data_add_dict_string(ad, key, val);
		}
		rte_tel_data_add_dict_container(d, a->name, ad, 0);
	}
	pthread_mutex_unlock(&tp.lock);
	return 0;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	uint16_t q;
	int id, rc = 0;

	(void)cmd;
	pthread_mutex_lock(&tp.lock);
	id = param_dev(params);
	if (id < 0) {
		rc = -EINVAL;
		goto out;
	}
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "dev_id", id);
	rte_tel_data_add_dict_int(d, "running", tp.running);
	for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++) {
		struct pdk_dmadev_queue_info qi;
		struct rte_tel_data *qd;
		struct tp_snap s;

		if (tp_queue_info(id, q, &qi) != 0)
			continue;
		qd = queue_dict(d, q, &qi);
		if (qd == NULL)
			break;
		tp_queue_snap(id, q, &s);
		rte_tel_data_add_dict_u64(qd, "submitted", s.dev.submitted);
		rte_tel_data_add_dict_u64(qd, "completed", s.dev.completed);
		rte_tel_data_add_dict_u64(qd, "errors", s.dev.errors);
		rte_tel_data_add_dict_u64(qd, "page_faults", s.dev.page_faults);
		rte_tel_data_add_dict_u64(qd, "bytes", s.dev.bytes);
		rte_tel_data_add_dict_u64(qd, "verified", s.app.verified);
		rte_tel_data_add_dict_u64(qd, "mismatches", s.app.mismatches);
		rte_tel_data_add_dict_u64(qd, "enqueue_errors", s.app.enq_errors);
	}
out:
	pthread_mutex_unlock(&tp.lock);
	return rc;
}

int
tp_telemetry_register(void)
{
	static const struct {
		const char *cmd;
		telemetry_cb fn;
		const char *help;
	} eps[] = {
		{ "/pdk/devices", tel_devices, "PDK DMA device ids. No parameters" },
		{ "/pdk/device", tel_device,
		  "PDK DMA device: info, state, queues. Parameter: dev_id" },
		{ "/pdk/pasids", tel_pasids,
		  "PDK device's allocated PASIDs and queue PASIDs. Parameter: dev_id" },
		{ "/pdk/as", tel_as, "pdk-testpmd's address spaces. No parameters" },
		{ "/pdk/stats", tel_stats, "PDK per-queue (per-PASID) counters. Parameter: dev_id" },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(eps) / sizeof(eps[0]); i++) {
		rc = rte_telemetry_register_cmd(eps[i].cmd, eps[i].fn, eps[i].help);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Is socket inode @p ino one of this process's fds? */
static bool
own_socket(unsigned long ino)
{
	char link[64], want[40];
	unsigned int fd;

	snprintf(want, sizeof(want), "socket:[%lu]", ino);
	for (fd = 0; fd < 1024; fd++) {
		char path[32];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%u", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (strcmp(link, want) == 0)
			return true;
	}
	return false;
}

/*
 * DPDK's telemetry names its socket dpdk_telemetry.v2, or with ":N" when
 * another process of the same file prefix holds that name, and does not
 * say which; the kernel does: the listening unix socket of ours in
 * /proc/net/unix.
 */
int
tp_telemetry_socket(const char *dir, char *path, size_t len)
{
	char line[512], p[400];
	size_t dlen = strlen(dir);
	int rc = -ENOENT;
	FILE *f;

	f = fopen("/proc/net/unix", "r");
	if (f == NULL)
		return -errno;
	while (rc != 0 && fgets(line, sizeof(line), f) != NULL) {
		unsigned long ino;

		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %lu %399s", &ino, p) != 2)
			continue;
		if (strncmp(p, dir, dlen) != 0 || strncmp(p + dlen, "/dpdk_telemetry.v2", 18) != 0)
			continue;
		if (own_socket(ino)) {
			snprintf(path, len, "%s", p);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}
