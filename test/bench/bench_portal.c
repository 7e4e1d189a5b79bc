/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * pdk-bench-portal: what one descriptor store to a DSA work queue's portal
 * costs on the SIMULATED kernel, by the two paths a driver has, side by
 * side in the same process:
 *
 * - pwrite: pdk_vfio_bar_write() of the 64 bytes through the device fd,
 *   which the DSA PMD did for every submission before its queues resolved
 *   their portals (lib/vfio's checks and region lookup, an snprintf, a
 *   boundary call with the sim's accounting and failure injection);
 * - hook: the store hook pdk_vfio_bar_portal() resolved once, straight into
 *   the model's portal (what the PMD does now).
 *
 * The WQ is left disabled, so the model checks each descriptor and drops it
 * (dropped_disabled) on both paths alike, and no engine thread runs: the
 * figures are the paths' own cost, not the copy's. It also prints the
 * sim's boundary calls per store. Figures of a simulation, not hardware.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pdk_idxd.h>
#include <pdk_iommufd.h>
#include <pdk_sim.h>
#include <pdk_sys.h>
#include <pdk_vfio.h>

#define DSA_ADDR "0000:6a:01.0"
#define ROUNDS 5u

struct bench {
	struct pdk_sim *sim;
	struct pdk_sim_fn *fn;
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	struct pdk_vfio_portal portal;
	struct pdk_idxd_desc desc;
};

/* @return ns per store of @p n stores, *@p calls_per the boundary calls per store. */
static double
run(struct bench *b, bool hook, unsigned long n, double *calls_per)
{
	struct pdk_sim_stats before, after;
	uint64_t t0, t;
	unsigned long i;
	int rc = 0;

	pdk_sim_stats_get(b->sim, &before);
	t0 = pdk_sys_monotonic_ns();
	for (i = 0; i < n && rc == 0; i++)
		rc = hook ? b->portal.store64(b->portal.cookie, &b->desc)
			  : pdk_vfio_bar_write(b->dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0),
					       &b->desc, sizeof(b->desc));
	t = pdk_sys_monotonic_ns();
	if (rc < 0) {
		fprintf(stderr, "bench: %s store failed: %s\n", hook ? "hook" : "pwrite",
			strerror(-rc));
		exit(1);
	}
	pdk_sim_stats_get(b->sim, &after);
	*calls_per = (double)(after.calls - before.calls) / (double)n;
	return (double)(t - t0) / (double)n;
}

int
main(int argc, char **argv)
{
	struct pdk_sim_config scfg = { .no_default_devices = true };
	struct pdk_sim_fn_config fcfg = {
		.pci_addr = DSA_ADDR, .model = PDK_SIM_MODEL_DSA, .pasid_bits = 20,
	};
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000ul;
	double best_pw = 0, best_hook = 0, cpw = 0, chook = 0, ns;
	struct pdk_sim_dsa_stats st;
	struct bench b;
	unsigned int r;
	int rc;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 || n == 0)) {
		printf("Usage: %s [STORES]\n"
		       "ns per descriptor store to the SIMULATED DSA's portal: pdk_vfio_bar_write()\n"
		       "through the device fd, and the portal hook of pdk_vfio_bar_portal(); best of\n"
		       "%u rounds of STORES (default 1000000) each, alternating.\n", argv[0], ROUNDS);
		return n == 0 ? 1 : 0;
	}
	memset(&b, 0, sizeof(b));
	rc = pdk_sim_create(&scfg, &b.sim);
	if (rc == 0)
		rc = pdk_sim_fn_add(b.sim, &fcfg, &b.fn);
	if (rc == 0)
		rc = pdk_iommufd_open(pdk_sim_sys(b.sim), &b.ictx);
	if (rc == 0)
		rc = pdk_vfio_open(pdk_sim_sys(b.sim), DSA_ADDR, &b.dev);
	if (rc == 0)
		rc = pdk_vfio_bind(b.dev, b.ictx, NULL);
	if (rc == 0)
		rc = pdk_vfio_pci_command(b.dev, PCI_COMMAND_MEMORY, 0);
	if (rc == 0)
		rc = pdk_vfio_bar_portal(b.dev, PDK_IDXD_WQ_BAR, PDK_IDXD_PORTAL_OFFSET(0),
					 &b.portal);
	if (rc == 0 && b.portal.store64 == NULL)
		rc = -ENOTSUP;	/* the sim answers a hook for a DSA portal */
	if (rc < 0) {
		fprintf(stderr, "bench: setup failed: %s\n", strerror(-rc));
		return 1;
	}
	b.desc.op_flags = PDK_IDXD_OP_FLAGS(PDK_IDXD_OP_NOOP, 0);
	for (r = 0; r < ROUNDS; r++) {
		ns = run(&b, false, n, &cpw);
		if (r == 0 || ns < best_pw)
			best_pw = ns;
		ns = run(&b, true, n, &chook);
		if (r == 0 || ns < best_hook)
			best_hook = ns;
	}
	pdk_sim_fn_dsa_stats(b.fn, &st);
	printf("Descriptor stores to a disabled WQ of the SIMULATED DSA (each checked and\n"
	       "dropped by the model), best of %u rounds of %lu:\n"
	       "  pwrite (pdk_vfio_bar_write)  %8.1f ns/store  %.2f boundary calls/store\n"
	       "  hook   (pdk_vfio_bar_portal) %8.1f ns/store  %.2f boundary calls/store\n"
	       "  ratio pwrite/hook            %8.1fx\n"
	       "model: %llu stores dropped (WQ disabled), %llu accepted\n",
	       ROUNDS, n, best_pw, cpw, best_hook, chook, best_pw / best_hook,
	       (unsigned long long)st.dropped_disabled, (unsigned long long)st.submitted);
	pdk_vfio_portal_release(&b.portal);
	pdk_vfio_close(b.dev);
	pdk_iommufd_close(b.ictx);
	return pdk_sim_destroy(b.sim) == 0 && st.dropped_disabled == 2ull * ROUNDS * n ? 0 : 1;
}
