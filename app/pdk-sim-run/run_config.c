/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The configuration file: one statement per line, '#' starts a comment.
 *
 *   iommu vtd|smmuv3|amd [pasid_bits=N]
 *   fn DDDD:BB:DD.F dsa|dsa2|simdma|plain|edu [pasid_bits=N] [group=N] [exec] [priv] [prs]
 *
 * A file with no "fn" line has no function: an empty machine is allowed
 * (a program sees no simulated device).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "run_config.h"

void
run_config_default(struct run_config *cfg)
{
	static const struct {
		const char *addr;
		enum pdk_sim_model model;
	} dflt[] = {
		{ "0000:6a:01.0", PDK_SIM_MODEL_DSA },
		{ "0000:6b:00.0", PDK_SIM_MODEL_SIMDMA },
	};
	unsigned int i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->sim.no_default_devices = true;
	for (i = 0; i < sizeof(dflt) / sizeof(dflt[0]); i++) {
		snprintf(cfg->addrs[i], sizeof(cfg->addrs[i]), "%s", dflt[i].addr);
		cfg->fns[i].pci_addr = cfg->addrs[i];
		cfg->fns[i].model = dflt[i].model;
		cfg->fns[i].pasid_bits = 20;
	}
	cfg->nfns = i;
}

static int
run_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 0);
	return errno == 0 && end != s && *end == '\0' && *out <= max ? 0 : -EINVAL;
}

/* One "key=value" or flag word of an fn line. */
static int
run_fn_option(struct pdk_sim_fn_config *fn, const char *word, const char **why)
{
	unsigned long v;

	if (strncmp(word, "pasid_bits=", 11) == 0) {
		*why = "pasid_bits must be 0..20";
		if (run_uint(word + 11, 20, &v) < 0)
			return -EINVAL;
		fn->pasid_bits = (uint8_t)v;
	} else if (strncmp(word, "group=", 6) == 0) {
		*why = "group must be a number 1..65535 (0 is \"a group of its own\")";
		if (run_uint(word + 6, 65535, &v) < 0)
			return -EINVAL;
		fn->iommu_group = (uint32_t)v;
	} else if (strcmp(word, "exec") == 0) {
		fn->pasid_exec = true;
	} else if (strcmp(word, "priv") == 0) {
		fn->pasid_priv = true;
	} else if (strcmp(word, "prs") == 0) {
		fn->prs = true;
	} else if (strcmp(word, "ats") == 0) {
		fn->ats = true;
	} else {
		*why = "unknown option: use pasid_bits=N, group=N, exec, priv, prs or ats";
		return -EINVAL;
	}
	return 0;
}

static const char *const run_models[] = {
	[PDK_SIM_MODEL_SIMDMA] = "simdma",
	[PDK_SIM_MODEL_PLAIN] = "plain",
	[PDK_SIM_MODEL_DSA] = "dsa",
	[PDK_SIM_MODEL_DSA2] = "dsa2",
	[PDK_SIM_MODEL_EDU] = "edu",
};

const char *
run_model_name(enum pdk_sim_model model)
{
	return (unsigned int)model < sizeof(run_models) / sizeof(run_models[0]) &&
	       run_models[model] != NULL ? run_models[model] : "?";
}

static int
run_fn_line(struct run_config *cfg, char **words, unsigned int n, const char **why)
{
	struct pdk_sim_fn_config *fn;
	unsigned int i, m;

	*why = "write: fn DDDD:BB:DD.F dsa|dsa2|simdma|plain|edu [options]";
	if (n < 3)
		return -EINVAL;
	if (cfg->nfns == RUN_MAX_FNS) {
		*why = "too many functions (at most 16)";
		return -EINVAL;
	}
	fn = &cfg->fns[cfg->nfns];
	memset(fn, 0, sizeof(*fn));
	fn->pasid_bits = 20;
	if (pdk_sys_pci_addr_parse(words[1], cfg->addrs[cfg->nfns]) < 0) {
		*why = "not a PCI address: write DDDD:BB:DD.F, e.g. 0000:6a:01.0";
		return -EINVAL;
	}
	for (i = 0; i < cfg->nfns; i++)
		if (strcmp(cfg->addrs[i], cfg->addrs[cfg->nfns]) == 0) {
			*why = "this address is already a function of the file";
			return -EINVAL;
		}
	for (m = 0; m < sizeof(run_models) / sizeof(run_models[0]); m++)
		if (strcmp(words[2], run_models[m]) == 0)
			break;
	if (m == sizeof(run_models) / sizeof(run_models[0])) {
		*why = "unknown model: use dsa, dsa2, simdma, plain or edu";
		return -EINVAL;
	}
	fn->model = (enum pdk_sim_model)m;
	fn->pci_addr = cfg->addrs[cfg->nfns];
	for (i = 3; i < n; i++)
		if (run_fn_option(fn, words[i], why) < 0)
			return -EINVAL;
	cfg->nfns++;
	return 0;
}

static int
run_iommu_line(struct run_config *cfg, char **words, unsigned int n, const char **why)
{
	static const char *const kinds[] = {
		[PDK_SIM_IOMMU_VTD] = "vtd",
		[PDK_SIM_IOMMU_SMMUV3] = "smmuv3",
		[PDK_SIM_IOMMU_AMD] = "amd",
	};
	unsigned long v;
	unsigned int i, k;

	*why = "write: iommu vtd|smmuv3|amd [pasid_bits=N]";
	if (n < 2)
		return -EINVAL;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		if (strcmp(words[1], kinds[k]) == 0)
			break;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return -EINVAL;
	cfg->sim.iommu = (enum pdk_sim_iommu)k;
	for (i = 2; i < n; i++) {
		*why = "the iommu line takes pasid_bits=N (1..20) only";
		if (strncmp(words[i], "pasid_bits=", 11) != 0 || run_uint(words[i] + 11, 20, &v) < 0 ||
		    v == 0)
			return -EINVAL;
		cfg->sim.iommu_pasid_bits = (uint8_t)v;
	}
	return 0;
}

int
run_config_read(const char *path, struct run_config *cfg, char *err, size_t errlen)
{
	char line[512], *words[16], *save, *w;
	unsigned int lineno = 0, n;
	const char *why;
	FILE *f;
	int rc = 0;

	run_config_default(cfg);
	if (path == NULL || path[0] == '\0')
		return 0;
	f = fopen(path, "re");
	if (f == NULL) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open the configuration: %s", path, strerror(errno));
		return rc;
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->sim.no_default_devices = true;
	while (rc == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		n = 0;
		for (w = strtok_r(line, " \t", &save); w != NULL && n < 16;
		     w = strtok_r(NULL, " \t", &save))
			words[n++] = w;
		if (n == 0)
			continue;
		if (strcmp(words[0], "fn") == 0)
			rc = run_fn_line(cfg, words, n, &why);
		else if (strcmp(words[0], "iommu") == 0)
			rc = run_iommu_line(cfg, words, n, &why);
		else {
			why = "unknown statement: use \"fn\" or \"iommu\"";
			rc = -EINVAL;
		}
		if (rc < 0)
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
	}
	fclose(f);
	return rc;
}

int
run_config_sim_create(const struct run_config *cfg, struct pdk_sim **out)
{
	struct pdk_sim *sim;
	unsigned int i;
	int rc;

	/*
	 * Quiet unless the user asked for a level: every process of the run
	 * builds its machine, and the runner has said once what it is.
	 */
	if (getenv("PDK_LOG_LEVEL") == NULL)
		pdk_log_set_level(PDK_LOG_WARNING);
	rc = pdk_sim_create(&cfg->sim, &sim);
	if (getenv("PDK_LOG_LEVEL") == NULL)
		pdk_log_set_level(PDK_LOG_NOTICE);
	if (rc < 0)
		return rc;
	for (i = 0; i < cfg->nfns; i++) {
		rc = pdk_sim_fn_add(sim, &cfg->fns[i], NULL);
		if (rc < 0) {
			pdk_sim_destroy(sim);
			return rc;
		}
	}
	*out = sim;
	return 0;
}
