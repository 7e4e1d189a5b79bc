/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of device arguments, "ADDRESS[,key=value...]": pdk_bus_allow() (the
 * parser is static; allow is its narrowest entry) on a bus over a SIMULATED
 * kernel with two functions, then pdk_bus_probe() with a fuzz driver whose
 * allowlist has two keys, so the key check and pdk_bus_dev_arg_u32() parse
 * what the allow stored.
 *
 * Properties: no crash; pdk_bus_allow() returns one of its documented errnos
 * and logs a line for each error; on success every key=value of the input is
 * found again through pdk_bus_dev_arg() (a split of our own as the oracle).
 */

#include <errno.h>
#include <stdint.h>

#include "pdk_bus.h"
#include "pdk_iommufd.h"
#include "pdk_sim.h"
#include "fuzz_common.h"

static struct pdk_sim *sim;
static struct pdk_iommufd *ictx;

static const struct pdk_bus_id fuzz_ids[] = {
	{ PDK_SIMDMA_VENDOR_ID, PDK_SIMDMA_DEVICE_ID },
	{ 0, 0 },
};

static const struct pdk_bus_arg_spec fuzz_args[] = {
	{ "max_queues", "1..16" },
	{ "wq_size", "1..128" },
	{ NULL, NULL },
};

/* Reads its arguments like a driver, then declines: nothing is opened. */
static int
fuzz_probe(struct pdk_bus_dev *dev)
{
	uint32_t v;

	(void)pdk_bus_dev_arg_u32(dev, "max_queues", 1, 1, 16, &v);
	(void)pdk_bus_dev_arg_u32(dev, "wq_size", 32, 1, 128, &v);
	return -ECANCELED;
}

static int
fuzz_remove(struct pdk_bus_dev *dev)
{
	(void)dev;
	return 0;
}

static struct pdk_bus_driver fuzz_drv = {
	.name = "fuzz_devargs",
	.id_table = fuzz_ids,
	.args = fuzz_args,
	.probe = fuzz_probe,
	.remove = fuzz_remove,
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct pdk_sim_fn_config plain = {
		.pci_addr = "0000:6a:01.0", .model = PDK_SIM_MODEL_PLAIN,
	};

	(void)argc;
	(void)argv;
	fuzz_log_init();
	if (pdk_sim_create(NULL, &sim) < 0 || pdk_sim_fn_add(sim, &plain, NULL) < 0 ||
	    pdk_iommufd_open(pdk_sim_sys(sim), &ictx) < 0) {
		fprintf(stderr, "fuzz_devargs: cannot set up the simulated kernel\n");
		exit(1);
	}
	pdk_bus_driver_register(&fuzz_drv);
	return 0;
}

/* Every key=value after the address must be readable back. */
static void
check_args(const struct pdk_bus *bus, const char *in)
{
	char *copy = fuzz_strdup((const unsigned char *)in, strlen(in));
	char *comma = strchr(copy, ','), *tok, *next, *eq;
	struct pdk_bus_dev *dev;
	const char *v;

	if (comma != NULL)
		*comma = '\0';
	dev = pdk_bus_dev_find(bus, copy);
	FUZZ_CHECK(dev != NULL, "allowed \"%s\" but cannot find its device", in);
	for (tok = comma != NULL ? comma + 1 : NULL; tok != NULL; tok = next) {
		next = strchr(tok, ',');
		if (next != NULL)
			*next++ = '\0';
		eq = strchr(tok, '=');
		FUZZ_CHECK(eq != NULL, "allowed \"%s\" with a pair without '='", in);
		*eq = '\0';
		v = pdk_bus_dev_arg(dev, tok);
		FUZZ_CHECK(v != NULL && strcmp(v, eq + 1) == 0,
			   "allowed \"%s\": key '%s' reads back as '%s', not '%s'", in, tok,
			   v != NULL ? v : "(none)", eq + 1);
	}
	free(copy);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pdk_bus *bus;
	char *in;
	int rc;

	if (size > 4096)
		return -1;
	in = fuzz_strdup(data, size);
	if (pdk_bus_create(ictx, &bus) < 0 || pdk_bus_scan(bus) < 0)
		abort();
	fuzz_err_lines = 0;
	rc = pdk_bus_allow(bus, in);
	FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENODEV || rc == -EBUSY || rc == -ENOMEM,
		   "pdk_bus_allow(\"%s\") = %d: not a documented errno", in, rc);
	FUZZ_CHECK(rc == 0 || fuzz_err_lines > 0,
		   "pdk_bus_allow(\"%s\") = %d without a log line", in, rc);
	if (rc == 0 && strlen(in) == size) {
		check_args(bus, in);
		/* the key check against fuzz_drv, and its probe's number parsing */
		(void)pdk_bus_probe(bus);
	}
	pdk_bus_destroy(bus);
	free(in);
	return 0;
}
