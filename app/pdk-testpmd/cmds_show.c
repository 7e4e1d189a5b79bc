/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/* show devices, show device <dev_id> (DPDK: show port info <dev_id>), dump <dev_id> */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"


const char *
tp_capa_names(uint64_t capa, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", capa & PDK_DMADEV_CAPA_COPY ? "copy" : "",
		 capa & PDK_DMADEV_CAPA_FILL ? " fill" : "", capa & PDK_DMADEV_CAPA_PASID ? " pasid" : "",
		 capa & PDK_DMADEV_CAPA_FENCE ? " fence" : "",
		 capa & PDK_DMADEV_CAPA_SIM ? " SIMULATED" : "");
	return buf;
}

static const char *
backend_text(const struct pdk_dmadev_info *info)
{
	if (info->capa & PDK_DMADEV_CAPA_SIM)
		return "SIMULATED (PDK's simulated kernel and device model: a simulation, "
		       "not hardware)";
	return "kernel (real iommufd and VFIO cdev)";
}

static void
show_devices(void)
{
	unsigned int i, n;
	int id;

	n = pdk_dmadev_count();
	printf("%u DMA device%s\n", n, n == 1 ? "" : "s");
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1)) {
		struct pdk_dmadev_info info;

		if (pdk_dmadev_info_get(id, &info) != 0)
			continue;
		printf("  %d: %s  driver %s  queues %u/%u  PASID width %u  %s%s\n", id, info.name,
		       info.driver, info.nb_queues, info.max_queues, info.pasid_width,
		       info.capa & PDK_DMADEV_CAPA_SIM ? "SIMULATED" : "kernel",
		       tp.dev[id].started ? "  started" : "");
	}
	if (tp.bus == NULL)
		return;
	n = pdk_bus_dev_count(tp.bus);
	printf("%u PCI function%s on the bus (%s backend)\n", n, n == 1 ? "" : "s",
	       tp.sim != NULL ? "SIMULATED sim" : "kernel");
	for (i = 0; i < n; i++) {
		struct pdk_bus_dev *d = pdk_bus_dev_get(tp.bus, i);

		printf("  %s  %04x:%04x  %s\n", pdk_bus_dev_name(d), pdk_bus_dev_vendor(d),
		       pdk_bus_dev_device(d), pdk_bus_dev_state_text(d));
	}
}

struct res_show {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t what;
	char dev[TP_ARG_LEN];
	cmdline_fixed_string_t info;	/* "show port info <dev_id>" */
};

static void
cmd_show_devices(void *res)
{
	(void)res;
	show_devices();
}

static void
cmd_show_device(void *res)
{
	struct res_show *r = res;
	char capa[64];
	struct pdk_dmadev_info info;
	uint16_t q;
	int id;

	if (tp_parse_dev(r->dev, &id) < 0)
		return;
	if (pdk_dmadev_info_get(id, &info) != 0) {
		tp_err("device %d: no info", id);
		return;
	}
	printf("device %d: %s\n", id, info.name);
	printf("  backend     %s\n", backend_text(&info));
	printf("  driver      %s\n", info.driver);
	printf("  capa        %s\n", tp_capa_names(info.capa, capa, sizeof(capa)));
	printf("  PASID       width %u bits (PASIDs 1..%" PRIu64 "), exec %s, priv %s\n",
	       info.pasid_width,
	       info.pasid_width != 0 ? (UINT64_C(1) << info.pasid_width) - 1 : 0,
	       info.pasid_exec ? "yes" : "no", info.pasid_priv ? "yes" : "no");
	printf("  queues      max %u, configured %u\n", info.max_queues, info.nb_queues);
	printf("  ring sizes  %u..%u descriptors (powers of two), max transfer %u bytes\n",
	       info.min_desc, info.max_desc, info.max_xfer);
	printf("  state       %s\n", tp.dev[id].started ? "started" : "stopped");
	for (q = 0; q < info.nb_queues; q++) {
		struct pdk_dmadev_queue_info qi;

		if (tp_queue_info(id, q, &qi) != 0) {
			printf("  queue %u: not set up\n", q);
			continue;
		}
		printf("  queue %u: PASID %u, address space %s (IOAS %u, HWPT %u), ring %u\n", q,
		       qi.pasid, qi.as != NULL ? pdk_dma_as_name(qi.as) : "?",
		       qi.as != NULL ? pdk_dma_as_ioas_id(qi.as) : 0, qi.hwpt_id, qi.nb_desc);
	}
}

static void
cmd_dump(void *res)
{
	struct res_show *r = res;
	int id, rc;

	if (tp_parse_dev(r->dev, &id) < 0)
		return;
	fflush(stdout);
	rc = pdk_dmadev_dump(id, stdout);
	if (rc < 0)
		tp_err("dump %d: %s", id, strerror(-rc));
}

static struct tp_cmd_def def_show_devices = { cmd_show_devices };
static struct tp_cmd_def def_show_device = { cmd_show_device };
static struct tp_cmd_def def_dump = { cmd_dump };

static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct res_show, show, "show");
static cmdline_parse_token_string_t tok_devices =
	TOKEN_STRING_INITIALIZER(struct res_show, what, "devices");
static cmdline_parse_token_string_t tok_device =
	TOKEN_STRING_INITIALIZER(struct res_show, what, "device");
static cmdline_parse_token_string_t tok_dump =
	TOKEN_STRING_INITIALIZER(struct res_show, show, "dump");
static struct tp_token tok_dev = TP_TOKEN_WORD(struct res_show, dev, "<dev_id>");
static cmdline_parse_token_string_t tok_port =
	TOKEN_STRING_INITIALIZER(struct res_show, what, "port");
static cmdline_parse_token_string_t tok_info =
	TOKEN_STRING_INITIALIZER(struct res_show, info, "info");

static cmdline_parse_inst_t inst_show_devices = {
	.f = tp_cmd_dispatch,
	.data = &def_show_devices,
	.help_str = "show devices: DMA devices and the bus's PCI functions",
	.tokens = { (void *)&tok_show, (void *)&tok_devices, NULL },
};

static cmdline_parse_inst_t inst_show_device = {
	.f = tp_cmd_dispatch,
	.data = &def_show_device,
	.help_str = "show device <dev_id>: backend, driver, PASIDs, queues",
	.tokens = { (void *)&tok_show, (void *)&tok_device, (void *)&tok_dev, NULL },
};

/* dpdk-testpmd's words for it */
static cmdline_parse_inst_t inst_show_port_info = {
	.f = tp_cmd_dispatch,
	.data = &def_show_device,
	.help_str = "show port info <dev_id>: as show device <dev_id>",
	.tokens = { (void *)&tok_show, (void *)&tok_port, (void *)&tok_info, (void *)&tok_dev,
		    NULL },
};

static cmdline_parse_inst_t inst_dump = {
	.f = tp_cmd_dispatch,
	.data = &def_dump,
	.help_str = "dump <dev_id>: the driver's state and registers",
	.tokens = { (void *)&tok_dump, (void *)&tok_dev, NULL },
};

static cmdline_parse_inst_t *insts[] = {
	&inst_show_devices, &inst_show_device, &inst_show_port_info, &inst_dump, NULL,
};

static const struct tp_help help[] = {
	{ "show devices", "DMA devices (SIMULATED or kernel) and the bus's PCI functions" },
	{ "show device <dev_id>", "backend, driver, PASID width, queues with PASID/AS/ring" },
	{ "show port info <dev_id>", "the same (dpdk-testpmd's words)" },
	{ "dump <dev_id>", "the driver's dump: registers, rings" },
	{ NULL, NULL },
};

const struct tp_group tp_group_show = { "Devices", insts, help };
