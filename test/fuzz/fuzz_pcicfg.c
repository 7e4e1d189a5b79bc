/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Fuzzer of lib/pcicfg's config-space parser: the first byte picks the
 * input, a config space (pdk_pcicfg_parse(), the rest of the input padded
 * with zeros to 64 bytes, cut at 4096) or lspci text
 * (pdk_pcicfg_parse_lspci()); the map is then placed into under every
 * policy and its layout written and read back.
 *
 * Properties: a buffer of 64-4096 bytes always parses (a malformed chain is
 * a finding, never an error); lspci text gives 0 or -EINVAL with a log
 * line; every capability lies inside its space; no hole shares a byte with
 * a capability; a placement that succeeds is dword aligned inside
 * 0x100-0xff8 and clear of every capability (but the physical PASID
 * capability itself) and hidden range; one that fails says why and logs
 * one line; the layout of the map reads back as compatible with itself.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "pdk_pcicfg.h"
#include "fuzz_common.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_log_init();
	return 0;
}

static bool
shares(const struct pdk_pcicfg_range *r, unsigned int off, unsigned int len)
{
	return r->offset < off + len && off < (unsigned int)r->offset + r->length;
}

static void
check_map(const struct pdk_pcicfg *cfg)
{
	unsigned int i, j, ncaps = pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS);

	for (i = 0; i < ncaps; i++) {
		const struct pdk_pcicfg_range *r = pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, i);
		unsigned int lo = r->space == PDK_PCICFG_STD ? 0x40 : 0x100;
		unsigned int hi = r->space == PDK_PCICFG_STD ? 0x100 : 0x1000;

		FUZZ_CHECK(r->offset >= lo && (unsigned int)r->offset + r->length <= hi,
			   "cap 0x%x at 0x%x+0x%x outside its space", r->id, r->offset, r->length);
		FUZZ_CHECK(r->name != NULL && r->source != NULL, "cap %u without name or source", i);
		for (j = 0; j < pdk_pcicfg_count(cfg, PDK_PCICFG_HOLES); j++) {
			const struct pdk_pcicfg_range *h = pdk_pcicfg_get(cfg, PDK_PCICFG_HOLES, j);

			FUZZ_CHECK(!shares(r, h->offset, h->length), "hole 0x%x+0x%x in cap at 0x%x",
				   h->offset, h->length, r->offset);
		}
	}
	for (i = 0; i < pdk_pcicfg_nfindings(cfg); i++)
		FUZZ_CHECK(memchr(pdk_pcicfg_finding(cfg, i)->text, '\0', 160) != NULL, "finding text");
}

static void
check_place(const struct pdk_pcicfg *cfg)
{
	static const enum pdk_pcicfg_policy policies[] = {
		PDK_PCICFG_PLACE_PHYSICAL, PDK_PCICFG_PLACE_END, PDK_PCICFG_PLACE_FIRST_FIT,
		PDK_PCICFG_PLACE_DVSEC, PDK_PCICFG_PLACE_QUIRK, PDK_PCICFG_PLACE_USER,
	};
	unsigned int i, k;

	for (k = 0; k < sizeof(policies) / sizeof(policies[0]); k++) {
		struct pdk_pcicfg_place pl;
		int rc;

		fuzz_err_lines = 0;
		rc = pdk_pcicfg_place_pasid(cfg, policies[k], 0x200, &pl);
		FUZZ_CHECK(memchr(pl.why, '\0', sizeof(pl.why)) != NULL && pl.why[0] != '\0',
			   "policy %d: no why", policies[k]);
		if (rc < 0) {
			FUZZ_CHECK(rc == -ENOENT || rc == -ENOSPC || rc == -EBUSY || rc == -EINVAL,
				   "policy %d: %d", policies[k], rc);
			FUZZ_CHECK(fuzz_err_lines == 1, "policy %d: %u lines", policies[k], fuzz_err_lines);
			continue;
		}
		FUZZ_CHECK(rc == 0 && !(pl.offset & 3) && pl.offset >= 0x100 && pl.offset <= 0xff8,
			   "policy %d: offset 0x%x", policies[k], pl.offset);
		if (policies[k] == PDK_PCICFG_PLACE_PHYSICAL)
			continue;
		for (i = 0; i < pdk_pcicfg_count(cfg, PDK_PCICFG_CAPS); i++)
			FUZZ_CHECK(!shares(pdk_pcicfg_get(cfg, PDK_PCICFG_CAPS, i), pl.offset, 8),
				   "policy %d: 0x%x on a capability", policies[k], pl.offset);
	}
}

/* The PASID capability decodes from any map, and agrees with the map and the physical policy. */
static void
check_pasid_cap(const struct pdk_pcicfg *cfg)
{
	const struct pdk_pcicfg_range *r = pdk_pcicfg_find(cfg, PDK_PCICFG_EXT, 0x1b);
	struct pdk_pcicfg_pasid_cap cap;

	FUZZ_CHECK(pdk_pcicfg_pasid_cap(cfg, "fuzz", &cap) == 0, "pasid_cap");
	FUZZ_CHECK(cap.why[0] != '\0' && memchr(cap.why, '\0', sizeof(cap.why)) != NULL, "no why");
	if (cap.state == PDK_PCICFG_FACT_PRESENT)
		FUZZ_CHECK(r != NULL && r->offset == cap.offset && cap.width <= 31,
			   "present at 0x%x, the map says %d", cap.offset, r != NULL ? r->offset : -1);
	else if (cap.state == PDK_PCICFG_FACT_ABSENT)
		FUZZ_CHECK(r == NULL, "absent, the map has one at 0x%x", r->offset);
}

static void
check_layout(const struct pdk_pcicfg *cfg)
{
	struct pdk_pcicfg_layout *a, *b;
	char report[256], *buf = NULL;
	size_t len = 0;
	FILE *f;

	FUZZ_CHECK(pdk_pcicfg_layout_from(cfg, NULL, &a) == 0, "layout_from");
	f = open_memstream(&buf, &len);
	FUZZ_CHECK(f != NULL, "open_memstream");
	FUZZ_CHECK(pdk_pcicfg_layout_write(a, f) == 0, "layout_write");
	fclose(f);
	FUZZ_CHECK(pdk_pcicfg_layout_parse(buf, &b) == 0, "the written layout does not read back: %s",
		   fuzz_last_err);
	FUZZ_CHECK(pdk_pcicfg_layout_compare(a, b, report, sizeof(report)) == 0, "%s", report);
	pdk_pcicfg_layout_free(a);
	pdk_pcicfg_layout_free(b);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct pdk_pcicfg *cfg = NULL;
	int rc;

	if (size < 1 || size > 64 * 1024)
		return -1;
	if (data[0] & 1) {
		char *text = fuzz_strdup(data + 1, size - 1);

		fuzz_err_lines = 0;
		rc = pdk_pcicfg_parse_lspci(text, &cfg);
		free(text);
		FUZZ_CHECK(rc == 0 || rc == -EINVAL, "parse_lspci = %d", rc);
		FUZZ_CHECK(rc == 0 || fuzz_err_lines > 0, "parse_lspci = %d without a log line", rc);
		if (rc < 0)
			return 0;
	} else {
		unsigned char buf[PDK_PCICFG_SIZE] = { 0 };
		size_t n = size - 1 > PDK_PCICFG_SIZE ? PDK_PCICFG_SIZE : size - 1;

		memcpy(buf, data + 1, n);
		rc = pdk_pcicfg_parse(buf, n < 64 ? 64 : n, &cfg);
		FUZZ_CHECK(rc == 0, "parse of %zu bytes = %d", n, rc);
	}
	check_map(cfg);
	check_place(cfg);
	check_pasid_cap(cfg);
	check_layout(cfg);
	pdk_pcicfg_free(cfg);
	return 0;
}
