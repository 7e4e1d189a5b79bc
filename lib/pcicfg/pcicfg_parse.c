/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The walk of the two capability chains and the map built from it. Input
 * is untrusted (a dump, a device under test): every pointer is checked
 * against its space, its alignment and the dwords already visited before
 * it is followed, and what is wrong is a finding, never a crash.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "pcicfg_private.h"

void
pcicfg_finding(struct pdk_pcicfg *c, enum pdk_pcicfg_finding_kind kind, unsigned int off,
	       const char *fmt, ...)
{
	struct pdk_pcicfg_finding *f;
	va_list ap;

	if (c->nfindings >= PCICFG_MAX_FINDINGS)
		return;
	f = &c->findings[c->nfindings++];
	if (c->nfindings == PCICFG_MAX_FINDINGS) {
		f->kind = PDK_PCICFG_F_TOO_MANY;
		f->offset = (uint16_t)off;
		snprintf(f->text, sizeof(f->text), "more than %d findings: the rest are dropped",
			 PCICFG_MAX_FINDINGS - 1);
		return;
	}
	f->kind = kind;
	f->offset = (uint16_t)off;
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
}

bool
pcicfg_has_ext(const struct pdk_pcicfg *c)
{
	return c->size == PDK_PCICFG_SIZE;
}

static void
add_cap(struct pdk_pcicfg *c, enum pdk_pcicfg_space space, uint16_t id, uint8_t version,
	unsigned int off)
{
	unsigned int end = space == PDK_PCICFG_STD ? PDK_PCICFG_STD_SIZE : PDK_PCICFG_SIZE;
	struct pdk_pcicfg_range *r;
	struct pcicfg_len l;

	if (c->ncaps >= PCICFG_MAX_CAPS)
		return;
	l = pcicfg_cap_len(c, space, id, off);
	r = &c->caps[c->ncaps++];
	*r = (struct pdk_pcicfg_range){ .space = space, .id = id, .version = version,
					.offset = (uint16_t)off, .length = (uint16_t)l.length,
					.name = pcicfg_cap_name(space, id), .source = l.source };
	if (l.length == 0) {
		/* fixed up in fix_unknown(): up to the next capability */
		r->source = NULL;
		return;
	}
	if (off + l.length > end) {
		pcicfg_finding(c, PDK_PCICFG_F_BOUNDS, off,
			       "%s capability 0x%x (%s) at 0x%x: length 0x%x leaves the %s space at 0x%x",
			       space == PDK_PCICFG_STD ? "standard" : "extended", id, r->name, off,
			       l.length, space == PDK_PCICFG_STD ? "standard" : "extended", end);
		r->length = (uint16_t)(end - off);
	}
}

/*
 * A capability of unknown length runs up to the next capability above it
 * in its space (or the space's end): the safe guess for placement.
 */
static void
fix_unknown(struct pdk_pcicfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->ncaps; i++) {
		struct pdk_pcicfg_range *r = &c->caps[i];
		unsigned int next = r->space == PDK_PCICFG_STD ? PDK_PCICFG_STD_SIZE : PDK_PCICFG_SIZE;

		if (r->source != NULL)
			continue;
		for (j = 0; j < c->ncaps; j++)
			if (c->caps[j].space == r->space && c->caps[j].offset > r->offset &&
			    c->caps[j].offset < next)
				next = c->caps[j].offset;
		r->length = (uint16_t)(next - r->offset);
		r->source = "unknown length: assumed up to the next capability";
		pcicfg_finding(c, PDK_PCICFG_F_UNKNOWN_LENGTH, r->offset,
			       "%s capability 0x%x at 0x%x: length unknown to PDK, assumed 0x%x "
			       "(up to 0x%x)", r->space == PDK_PCICFG_STD ? "standard" : "extended",
			       r->id, r->offset, r->length, next);
	}
}

static void
walk_std(struct pdk_pcicfg *c)
{
	uint8_t seen[PDK_PCICFG_STD_SIZE / 4] = { 0 };
	unsigned int ptr, from = PCI_CAPABILITY_LIST, n;

	if (!(cfg_rd16(c, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	ptr = c->cs[PCI_CAPABILITY_LIST];
	/* the kernel's PCI_FIND_CAP_TTL: at most 48 capabilities fit */
	for (n = 0; ptr != 0 && n < 48; n++) {
		/* the two low bits are reserved: the kernel and lspci mask them, so does PDK */
		if (ptr & 3) {
			pcicfg_finding(c, PDK_PCICFG_F_MISALIGNED, from,
				       "standard chain: pointer at 0x%x is 0x%x, not dword aligned; "
				       "followed as 0x%x, as the kernel does", from, ptr, ptr & ~3u);
			ptr &= ~3u;
		}
		if (ptr < PCI_STD_HEADER_SIZEOF) {
			pcicfg_finding(c, PDK_PCICFG_F_BOUNDS, from,
				       "standard chain: pointer at 0x%x is 0x%x, inside the header "
				       "(0x00-0x3F); the walk stops", from, ptr);
			return;
		}
		if (ptr + 4 > c->size) {
			pcicfg_finding(c, PDK_PCICFG_F_TRUNCATED, from,
				       "standard chain: capability at 0x%x beyond the 0x%zx bytes read "
				       "(an unprivileged sysfs read gives 64); the walk stops", ptr, c->size);
			return;
		}
		if (seen[ptr / 4]) {
			pcicfg_finding(c, PDK_PCICFG_F_LOOP, from,
				       "standard chain: pointer at 0x%x goes back to 0x%x; the walk stops",
				       from, ptr);
			return;
		}
		seen[ptr / 4] = 1;
		/* id 0xff: a function that reads as all ones there, the kernel stops too */
		if (c->cs[ptr] == 0xff) {
			pcicfg_finding(c, PDK_PCICFG_F_BAD_HEADER, ptr,
				       "standard chain: capability id 0xff at 0x%x; the walk stops", ptr);
			return;
		}
		add_cap(c, PDK_PCICFG_STD, c->cs[ptr], 0, ptr);
		from = ptr + 1;
		ptr = c->cs[ptr + 1];
	}
	if (ptr != 0)
		pcicfg_finding(c, PDK_PCICFG_F_LOOP, from, "standard chain: more than 48 capabilities");
}

static void parse_free_dvsec(struct pdk_pcicfg *c, unsigned int off);

static void
walk_ext(struct pdk_pcicfg *c)
{
	static const unsigned int max = (PDK_PCICFG_SIZE - PCICFG_EXT_START) / 4;
	uint8_t seen[PDK_PCICFG_SIZE / 4] = { 0 };
	unsigned int ptr = PCICFG_EXT_START, from = PCICFG_EXT_START, n;
	uint32_t hdr;

	if (!pcicfg_has_ext(c))
		return;
	for (n = 0; n < max; n++) {
		if (ptr & 3) {
			pcicfg_finding(c, PDK_PCICFG_F_MISALIGNED, from,
				       "extended chain: next pointer of 0x%x is 0x%x, not dword aligned; "
				       "followed as 0x%x (PCI_EXT_CAP_NEXT masks)", from, ptr, ptr & ~3u);
			ptr &= ~3u;
		}
		if (ptr < PCICFG_EXT_START || ptr > PDK_PCICFG_SIZE - 4) {
			pcicfg_finding(c, PDK_PCICFG_F_BOUNDS, from,
				       "extended chain: next pointer of 0x%x is 0x%x, outside 0x100-0xFFC; "
				       "the walk stops", from, ptr);
			return;
		}
		if (seen[ptr / 4]) {
			pcicfg_finding(c, PDK_PCICFG_F_LOOP, from,
				       "extended chain: next pointer of 0x%x goes back to 0x%x; "
				       "the walk stops", from, ptr);
			return;
		}
		seen[ptr / 4] = 1;
		hdr = cfg_rd32(c, ptr);
		/* 0 or all ones: the end (no extended capability, or none readable) */
		if (hdr == 0 || hdr == 0xffffffff) {
			if (ptr != PCICFG_EXT_START)
				pcicfg_finding(c, PDK_PCICFG_F_BAD_HEADER, from,
					       "extended chain: 0x%x points to 0x%x whose header is 0x%08x; "
					       "taken as the end", from, ptr, hdr);
			return;
		}
		add_cap(c, PDK_PCICFG_EXT, PCI_EXT_CAP_ID(hdr), PCI_EXT_CAP_VER(hdr), ptr);
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_DVSEC)
			parse_free_dvsec(c, ptr);
		from = ptr;
		/* the 12-bit next pointer, its two low bits kept to report them */
		ptr = hdr >> 20;
		if (ptr == 0)
			return;
	}
}

/* PDK's free-space DVSEC proposal (pdk_pcicfg.h) */
static void
parse_free_dvsec(struct pdk_pcicfg *c, unsigned int off)
{
	uint32_t h1 = cfg_rd32(c, off + PCI_DVSEC_HEADER1);
	unsigned int len = PCI_DVSEC_HEADER1_LEN(h1), n, i;

	if (PCI_DVSEC_HEADER1_VID(h1) != PDK_PCICFG_FREE_DVSEC_VENDOR ||
	    cfg_rd16(c, off + PCI_DVSEC_HEADER2) != PDK_PCICFG_FREE_DVSEC_ID)
		return;
	n = cfg_rd16(c, off + 0x0a);
	if (len != 0x0c + 8 * n || off + len > PDK_PCICFG_SIZE) {
		pcicfg_finding(c, PDK_PCICFG_F_BAD_DVSEC, off,
			       "free-space DVSEC at 0x%x: %u ranges need length 0x%x, header 1 says 0x%x "
			       "(or it leaves the space); ignored", off, n, 0x0c + 8 * n, len);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned int e = off + 0x0c + 8 * i;
		unsigned int ro = cfg_rd16(c, e), rl = cfg_rd16(c, e + 2);
		uint32_t flags = cfg_rd32(c, e + 4);

		if (!(flags & PDK_PCICFG_FREE_DVSEC_FLAG_FREE))
			continue;
		if ((ro & 3) || (rl & 3) || rl == 0 || ro < PCICFG_EXT_START || ro + rl > PDK_PCICFG_SIZE) {
			pcicfg_finding(c, PDK_PCICFG_F_BAD_DVSEC, e,
				       "free-space DVSEC at 0x%x: range %u (0x%x, length 0x%x) is not "
				       "dword aligned inside 0x100-0xFFF; ignored", off, i, ro, rl);
			continue;
		}
		if (c->ndvsec_free < PCICFG_MAX_FREE)
			c->dvsec_free[c->ndvsec_free++] = (struct pdk_pcicfg_range){
				.space = PDK_PCICFG_EXT, .offset = (uint16_t)ro, .length = (uint16_t)rl,
				.name = "free (DVSEC)",
				.source = "PDK's free-space DVSEC (a proposal, doc/pcicfg.md)" };
	}
}

static bool
overlaps(const struct pdk_pcicfg_range *a, unsigned int off, unsigned int len)
{
	return a->offset < off + len && off < (unsigned int)a->offset + a->length;
}

const struct pdk_pcicfg_range *
pcicfg_conflict(const struct pdk_pcicfg *c, unsigned int off, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < c->ncaps; i++)
		if (overlaps(&c->caps[i], off, len))
			return &c->caps[i];
	for (i = 0; i < c->nhidden; i++)
		if (overlaps(&c->hidden[i], off, len))
			return &c->hidden[i];
	return NULL;
}

static void
find_overlaps(struct pdk_pcicfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->ncaps; i++)
		for (j = i + 1; j < c->ncaps; j++)
			if (overlaps(&c->caps[j], c->caps[i].offset, c->caps[i].length))
				pcicfg_finding(c, PDK_PCICFG_F_OVERLAP, c->caps[j].offset,
					       "capability 0x%x (%s) at 0x%x+0x%x overlaps 0x%x (%s) at 0x%x+0x%x",
					       c->caps[j].id, c->caps[j].name, c->caps[j].offset,
					       c->caps[j].length, c->caps[i].id, c->caps[i].name,
					       c->caps[i].offset, c->caps[i].length);
}

/* The parts of the map that hidden ranges change: free DVSEC ranges and holes. */
void
pcicfg_remap(struct pdk_pcicfg *c)
{
	unsigned int i, off, start = 0;
	bool in_hole = false;

	c->nfree = 0;
	for (i = 0; i < c->ndvsec_free; i++) {
		const struct pdk_pcicfg_range *d = &c->dvsec_free[i];
		const struct pdk_pcicfg_range *u = pcicfg_conflict(c, d->offset, d->length);

		if (u != NULL) {
			/* reported once, not again at each pdk_pcicfg_hide() */
			if (c->dvsec_reported & (1ull << i))
				continue;
			c->dvsec_reported |= 1ull << i;
			pcicfg_finding(c, PDK_PCICFG_F_BAD_DVSEC, d->offset,
				       "free-space DVSEC range 0x%x+0x%x overlaps %s at 0x%x; ignored",
				       d->offset, d->length, u->name, u->offset);
			continue;
		}
		c->free[c->nfree++] = *d;
	}
	c->nholes = 0;
	if (!pcicfg_has_ext(c))
		return;
	for (off = PCICFG_EXT_START; off <= PDK_PCICFG_SIZE; off += 4) {
		bool used = off == PDK_PCICFG_SIZE || pcicfg_conflict(c, off, 4) != NULL;

		if (!used && !in_hole) {
			start = off;
			in_hole = true;
		} else if (used && in_hole) {
			in_hole = false;
			if (c->nholes < PCICFG_MAX_HOLES)
				c->holes[c->nholes++] = (struct pdk_pcicfg_range){
					.space = PDK_PCICFG_EXT, .offset = (uint16_t)start,
					.length = (uint16_t)(off - start), .name = "hole",
					.source = "no capability or hidden range there" };
		}
	}
}

static bool
all_ones(const struct pdk_pcicfg *c)
{
	size_t i;

	for (i = 0; i < c->size; i++)
		if (c->cs[i] != 0xff)
			return false;
	return true;
}

int
pdk_pcicfg_parse(const void *buf, size_t len, struct pdk_pcicfg **cfg)
{
	struct pdk_pcicfg *c;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass where to store the map",
			 "pdk_pcicfg_parse: NULL cfg") ||
	    pdk_log_null(buf, PCICFG_LOG, NULL, "pass the config space bytes",
			 "pdk_pcicfg_parse: NULL buf"))
		return -EINVAL;
	*cfg = NULL;
	if (len < PCI_STD_HEADER_SIZEOF || len > PDK_PCICFG_SIZE)
		return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL,
				    "pass 64 to 4096 bytes (sysfs config, lspci -xxxx, the VFIO region)",
				    "pdk_pcicfg_parse: %zu bytes of config space", len);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return pdk_log_fail(PCICFG_LOG, NULL, -ENOMEM, NULL, "pdk_pcicfg_parse: allocate a map");
	memcpy(c->cs, buf, len);
	c->size = len;
	snprintf(c->label, sizeof(c->label), "%04x:%04x", cfg_rd16(c, PCI_VENDOR_ID),
		 cfg_rd16(c, PCI_DEVICE_ID));
	if (all_ones(c)) {
		c->all_ones = true;
		pcicfg_finding(c, PDK_PCICFG_F_ALL_ONES, 0,
			       "the config space reads as all ones: the function is gone, in reset "
			       "or in D3cold, or the read was refused");
	} else {
		if (len < PDK_PCICFG_STD_SIZE)
			pcicfg_finding(c, PDK_PCICFG_F_TRUNCATED, (unsigned int)len,
				       "only 0x%zx bytes were read (an unprivileged sysfs read gives 64): "
				       "no capability chain beyond them", len);
		walk_std(c);
		walk_ext(c);
		fix_unknown(c);
		find_overlaps(c);
	}
	pcicfg_remap(c);
	*cfg = c;
	return 0;
}

void
pdk_pcicfg_free(struct pdk_pcicfg *cfg)
{
	unsigned int i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nhidden; i++)
		free(cfg->hidden_src[i]);
	free(cfg);
}

uint16_t
pdk_pcicfg_vendor(const struct pdk_pcicfg *cfg)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_vendor: NULL cfg"))
		return 0xffff;
	return cfg_rd16(cfg, PCI_VENDOR_ID);
}

uint16_t
pdk_pcicfg_device(const struct pdk_pcicfg *cfg)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_device: NULL cfg"))
		return 0xffff;
	return cfg_rd16(cfg, PCI_DEVICE_ID);
}

size_t
pdk_pcicfg_size(const struct pdk_pcicfg *cfg)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_size: NULL cfg"))
		return 0;
	return cfg->size;
}

int
pdk_pcicfg_bytes(const struct pdk_pcicfg *cfg, uint16_t offset, void *buf, size_t len)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_bytes: NULL cfg") ||
	    pdk_log_null(buf, PCICFG_LOG, cfg->label, "pass a buffer", "pdk_pcicfg_bytes: NULL buf"))
		return -EINVAL;
	if ((size_t)offset + len > cfg->size)
		return pdk_log_fail(PCICFG_LOG, cfg->label, -EINVAL, "stay inside what was read",
				    "pdk_pcicfg_bytes 0x%x+%zu: only 0x%zx bytes were read", offset,
				    len, cfg->size);
	memcpy(buf, cfg->cs + offset, len);
	return 0;
}

static const struct pdk_pcicfg_range *
list_of(const struct pdk_pcicfg *c, enum pdk_pcicfg_list list, unsigned int *n)
{
	switch (list) {
	case PDK_PCICFG_CAPS: *n = c->ncaps; return c->caps;
	case PDK_PCICFG_HIDDEN: *n = c->nhidden; return c->hidden;
	case PDK_PCICFG_FREE: *n = c->nfree; return c->free;
	case PDK_PCICFG_HOLES: *n = c->nholes; return c->holes;
	}
	*n = 0;
	return NULL;
}

unsigned int
pdk_pcicfg_count(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_list list)
{
	unsigned int n;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_count: NULL cfg"))
		return 0;
	list_of(cfg, list, &n);
	return n;
}

const struct pdk_pcicfg_range *
pdk_pcicfg_get(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_list list, unsigned int i)
{
	const struct pdk_pcicfg_range *l;
	unsigned int n;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_get: NULL cfg"))
		return NULL;
	l = list_of(cfg, list, &n);
	if (i >= n) {
		pdk_log_fail(PCICFG_LOG, cfg->label, -EINVAL, "ask below pdk_pcicfg_count()",
			     "pdk_pcicfg_get: entry %u of list %d, which has %u", i, (int)list, n);
		return NULL;
	}
	return &l[i];
}

const struct pdk_pcicfg_range *
pdk_pcicfg_find(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_space space, uint16_t id)
{
	unsigned int i;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_find: NULL cfg"))
		return NULL;
	for (i = 0; i < cfg->ncaps; i++)
		if (cfg->caps[i].space == space && cfg->caps[i].id == id)
			return &cfg->caps[i];
	return NULL;
}

unsigned int
pdk_pcicfg_nfindings(const struct pdk_pcicfg *cfg)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_nfindings: NULL cfg"))
		return 0;
	return cfg->nfindings;
}

const struct pdk_pcicfg_finding *
pdk_pcicfg_finding(const struct pdk_pcicfg *cfg, unsigned int i)
{
	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_finding: NULL cfg"))
		return NULL;
	if (i >= cfg->nfindings) {
		pdk_log_fail(PCICFG_LOG, cfg->label, -EINVAL, "ask below pdk_pcicfg_nfindings()",
			     "pdk_pcicfg_finding: finding %u of %u", i, cfg->nfindings);
		return NULL;
	}
	return &cfg->findings[i];
}
