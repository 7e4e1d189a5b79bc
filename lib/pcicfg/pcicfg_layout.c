/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The layout file: the capability layout a guest sees, as JSON (format 1,
 * doc/pcicfg.md), and the migration check that compares two of them. The
 * reader knows this one format only and refuses anything else with the
 * line and column: a layout file decides where a guest's registers are,
 * so a file that is almost right must not be half-read.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pci_regs.h>

#include "pcicfg_private.h"

#define LAYOUT_FORMAT 1
#define LAYOUT_MAX_CAPS (PCICFG_MAX_CAPS + 1)
#define LAYOUT_FILE_MAX (256 * 1024)

struct layout_cap {
	enum pdk_pcicfg_space space;
	uint16_t id, offset, length;
};

struct pdk_pcicfg_layout {
	uint16_t vendor, device;
	unsigned int ncaps;
	struct layout_cap caps[LAYOUT_MAX_CAPS];
};

int
pdk_pcicfg_layout_from(const struct pdk_pcicfg *cfg, const struct pdk_pcicfg_place *vpasid,
		       struct pdk_pcicfg_layout **layout)
{
	struct pdk_pcicfg_layout *l;
	unsigned int i;

	if (pdk_log_null(layout, PCICFG_LOG, NULL, "pass where to store the layout",
			 "pdk_pcicfg_layout_from: NULL layout") ||
	    pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_layout_from: NULL cfg"))
		return -EINVAL;
	*layout = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return pdk_log_fail(PCICFG_LOG, cfg->label, -ENOMEM, NULL, "make a layout");
	l->vendor = pdk_pcicfg_vendor(cfg);
	l->device = pdk_pcicfg_device(cfg);
	for (i = 0; i < cfg->ncaps; i++) {
		const struct pdk_pcicfg_range *r = &cfg->caps[i];

		/* vfio-pci hides the physical PASID capability (vfio_pci_config.c) */
		if (r->space == PDK_PCICFG_EXT && r->id == PCI_EXT_CAP_ID_PASID)
			continue;
		l->caps[l->ncaps++] = (struct layout_cap){ r->space, r->id, r->offset, r->length };
	}
	if (vpasid != NULL && vpasid->offset != 0)
		l->caps[l->ncaps++] = (struct layout_cap){ PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID,
							   vpasid->offset, PDK_PCICFG_PASID_LEN };
	*layout = l;
	return 0;
}

void
pdk_pcicfg_layout_free(struct pdk_pcicfg_layout *layout)
{
	free(layout);
}

int
pdk_pcicfg_layout_write(const struct pdk_pcicfg_layout *layout, FILE *out)
{
	unsigned int i;

	if (pdk_log_null(layout, PCICFG_LOG, NULL, "pass a layout",
			 "pdk_pcicfg_layout_write: NULL layout") ||
	    pdk_log_null(out, PCICFG_LOG, NULL, "pass a stream", "pdk_pcicfg_layout_write: NULL out"))
		return -EINVAL;
	fprintf(out, "{\n  \"pdk_pcicfg_layout\": %d,\n  \"vendor\": %u,\n  \"device\": %u,\n"
		"  \"caps\": [", LAYOUT_FORMAT, layout->vendor, layout->device);
	for (i = 0; i < layout->ncaps; i++) {
		const struct layout_cap *c = &layout->caps[i];

		fprintf(out, "%s\n    {\"kind\": \"%s\", \"id\": %u, \"offset\": %u, \"length\": %u}",
			i ? "," : "", c->space == PDK_PCICFG_STD ? "std" : "ext", c->id, c->offset,
			c->length);
	}
	fprintf(out, "%s]\n}\n", layout->ncaps ? "\n  " : "");
	if (fflush(out) != 0 || ferror(out))
		return pdk_log_fail(PCICFG_LOG, NULL, -EIO, "check the disk", "write a layout file");
	return 0;
}

/* ---- the reader ---- */

struct jr {
	const char *s, *p;
	char err[160];
};

static int __attribute__((format(printf, 2, 3)))
jr_fail(struct jr *j, const char *fmt, ...)
{
	unsigned int line = 1, col = 1;
	const char *q;
	va_list ap;

	if (j->err[0] != '\0')
		return -EINVAL;
	for (q = j->s; q < j->p; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	va_start(ap, fmt);
	vsnprintf(j->err, sizeof(j->err), fmt, ap);
	va_end(ap);
	return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, "write format 1 (doc/pcicfg.md)",
			    "layout file line %u column %u: %s", line, col, j->err);
}

static void
jr_ws(struct jr *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')
		j->p++;
}

static int
jr_char(struct jr *j, char ch)
{
	jr_ws(j);
	if (*j->p != ch)
		return jr_fail(j, "expected '%c'", ch);
	j->p++;
	return 0;
}

/* a string without escapes (none of this format's strings needs one) */
static int
jr_string(struct jr *j, char *out, size_t len)
{
	size_t n = 0;

	jr_ws(j);
	if (*j->p != '"')
		return jr_fail(j, "expected a string");
	j->p++;
	while (*j->p != '"') {
		if (*j->p == '\0' || *j->p == '\n')
			return jr_fail(j, "unterminated string");
		if (*j->p == '\\' || (unsigned char)*j->p < 0x20)
			return jr_fail(j, "escapes and control characters are not part of this format");
		if (n + 1 >= len)
			return jr_fail(j, "string too long");
		out[n++] = *j->p++;
	}
	j->p++;
	out[n] = '\0';
	return 0;
}

static int
jr_uint(struct jr *j, unsigned int max, unsigned int *out)
{
	unsigned long v = 0;

	jr_ws(j);
	if (*j->p < '0' || *j->p > '9')
		return jr_fail(j, "expected a non-negative integer");
	if (j->p[0] == '0' && j->p[1] >= '0' && j->p[1] <= '9')
		return jr_fail(j, "leading zeros are not JSON");
	while (*j->p >= '0' && *j->p <= '9') {
		v = v * 10 + (unsigned long)(*j->p++ - '0');
		if (v > max)
			return jr_fail(j, "integer above %u", max);
	}
	if (*j->p == '.' || *j->p == 'e' || *j->p == 'E')
		return jr_fail(j, "expected an integer");
	*out = (unsigned int)v;
	return 0;
}

#define JR_END (-1)	/* jr_member(): the object ended (its errors are -EINVAL) */

/*
 * The next member of an object whose keys are @p names: the key's index,
 * JR_END at the object's end, or -EINVAL (logged) for an unknown key
 * (@p where names the object) or a key already seen (*@p seen keeps a bit
 * per key; *@p first tracks the commas).
 */
static int
jr_member(struct jr *j, bool *first, const char *const names[], unsigned int nnames,
	  unsigned int *seen, const char *where)
{
	char key[32];
	unsigned int i;

	jr_ws(j);
	if (*j->p == '}') {
		j->p++;
		return JR_END;
	}
	if (!*first && jr_char(j, ',') < 0)
		return -EINVAL;
	*first = false;
	if (jr_string(j, key, sizeof(key)) < 0 || jr_char(j, ':') < 0)
		return -EINVAL;
	for (i = 0; i < nnames; i++)
		if (strcmp(key, names[i]) == 0)
			break;
	if (i == nnames)
		return jr_fail(j, "unknown key \"%s\"%s", key, where);
	if (*seen & (1u << i))
		return jr_fail(j, "key \"%s\" twice", key);
	*seen |= 1u << i;
	return (int)i;
}

static int
jr_cap(struct jr *j, struct layout_cap *c)
{
	static const char *const keys[] = { "kind", "id", "offset", "length" };
	unsigned int id = 0, off = 0, len = 0, seen = 0;
	char kind[8] = "";
	bool first = true;
	int k, rc;

	if (jr_char(j, '{') < 0)
		return -EINVAL;
	while ((k = jr_member(j, &first, keys, 4, &seen, " in a capability")) != JR_END) {
		if (k < 0)
			return k;
		if (k == 0)
			rc = jr_string(j, kind, sizeof(kind));
		else if (k == 1)
			rc = jr_uint(j, 0xffff, &id);
		else if (k == 2)
			rc = jr_uint(j, PDK_PCICFG_SIZE - 1, &off);
		else
			rc = jr_uint(j, PDK_PCICFG_SIZE, &len);
		if (rc < 0)
			return rc;
	}
	if (seen != 15)
		return jr_fail(j, "a capability needs kind, id, offset and length");
	if (strcmp(kind, "std") == 0) {
		c->space = PDK_PCICFG_STD;
		if (id > 0xff || off < PCI_STD_HEADER_SIZEOF || off + len > PDK_PCICFG_STD_SIZE)
			return jr_fail(j, "standard capability 0x%x at 0x%x+0x%x: outside 0x40-0xFF "
				       "or id above 0xff", id, off, len);
	} else if (strcmp(kind, "ext") == 0) {
		c->space = PDK_PCICFG_EXT;
		if (off < PCICFG_EXT_START || (off & 3) || off + len > PDK_PCICFG_SIZE)
			return jr_fail(j, "extended capability 0x%x at 0x%x+0x%x: outside 0x100-0xFFF "
				       "or misaligned", id, off, len);
	} else {
		return jr_fail(j, "kind \"%s\": expected \"std\" or \"ext\"", kind);
	}
	if (len == 0)
		return jr_fail(j, "capability 0x%x at 0x%x: length 0", id, off);
	c->id = (uint16_t)id;
	c->offset = (uint16_t)off;
	c->length = (uint16_t)len;
	return 0;
}

static int
jr_caps(struct jr *j, struct pdk_pcicfg_layout *l)
{
	if (jr_char(j, '[') < 0)
		return -EINVAL;
	jr_ws(j);
	if (*j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		if (l->ncaps >= LAYOUT_MAX_CAPS)
			return jr_fail(j, "more than %d capabilities", LAYOUT_MAX_CAPS);
		if (jr_cap(j, &l->caps[l->ncaps++]) < 0)
			return -EINVAL;
		jr_ws(j);
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (jr_char(j, ',') < 0)
			return -EINVAL;
	}
}

static int
jr_layout(struct jr *j, struct pdk_pcicfg_layout *l)
{
	static const char *const keys[] = { "pdk_pcicfg_layout", "vendor", "device", "caps" };
	unsigned int v, seen = 0;
	bool first = true;
	int k, rc;

	if (jr_char(j, '{') < 0)
		return -EINVAL;
	while ((k = jr_member(j, &first, keys, 4, &seen, "")) != JR_END) {
		if (k < 0)
			return k;
		if (k == 3) {
			rc = jr_caps(j, l);
		} else {
			rc = jr_uint(j, k == 0 ? 1000000 : 0xffff, &v);
			if (rc == 0 && k == 0 && v != LAYOUT_FORMAT)
				return jr_fail(j, "format %u: this reader knows format %d", v, LAYOUT_FORMAT);
			if (k == 1)
				l->vendor = (uint16_t)v;
			else if (k == 2)
				l->device = (uint16_t)v;
		}
		if (rc < 0)
			return rc;
	}
	if (!(seen & 1))
		return jr_fail(j, "no \"pdk_pcicfg_layout\" format number: not a layout file");
	if (seen != 15)
		return jr_fail(j, "a layout needs vendor, device and caps");
	jr_ws(j);
	if (*j->p != '\0')
		return jr_fail(j, "text after the layout");
	return 0;
}

int
pdk_pcicfg_layout_parse(const char *text, struct pdk_pcicfg_layout **layout)
{
	struct pdk_pcicfg_layout *l;
	struct jr j = { .s = text, .p = text };
	int rc;

	if (pdk_log_null(layout, PCICFG_LOG, NULL, "pass where to store the layout",
			 "pdk_pcicfg_layout_parse: NULL layout") ||
	    pdk_log_null(text, PCICFG_LOG, NULL, "pass the JSON text",
			 "pdk_pcicfg_layout_parse: NULL text"))
		return -EINVAL;
	*layout = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return pdk_log_fail(PCICFG_LOG, NULL, -ENOMEM, NULL, "read a layout");
	rc = jr_layout(&j, l);
	if (rc < 0) {
		free(l);
		return rc;
	}
	*layout = l;
	return 0;
}

int
pdk_pcicfg_layout_read(const char *path, struct pdk_pcicfg_layout **layout)
{
	ssize_t total;
	char *buf;
	int rc;

	if (pdk_log_null(layout, PCICFG_LOG, NULL, "pass where to store the layout",
			 "pdk_pcicfg_layout_read: NULL layout") ||
	    pdk_log_null(path, PCICFG_LOG, NULL, "pass a layout file",
			 "pdk_pcicfg_layout_read: NULL path"))
		return -EINVAL;
	*layout = NULL;
	total = pcicfg_file_read(path, LAYOUT_FILE_MAX, "a layout file", &buf);
	if (total < 0)
		return (int)total;
	if (memchr(buf, '\0', (size_t)total) != NULL)
		rc = pdk_log_fail(PCICFG_LOG, path, -EINVAL, NULL, "read a layout file: a NUL byte");
	else
		rc = pdk_pcicfg_layout_parse(buf, layout);
	free(buf);
	return rc;
}

/* the rank of caps[i] among the caps of its space and id (two VSECs...) */
static unsigned int
rank_of(const struct pdk_pcicfg_layout *l, unsigned int i)
{
	unsigned int k, r = 0;

	for (k = 0; k < i; k++)
		if (l->caps[k].space == l->caps[i].space && l->caps[k].id == l->caps[i].id)
			r++;
	return r;
}

static const struct layout_cap *
match(const struct pdk_pcicfg_layout *l, enum pdk_pcicfg_space space, uint16_t id, unsigned int rank)
{
	unsigned int k;

	for (k = 0; k < l->ncaps; k++)
		if (l->caps[k].space == space && l->caps[k].id == id && rank-- == 0)
			return &l->caps[k];
	return NULL;
}

static void __attribute__((format(printf, 4, 5)))
report_line(char *report, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(report + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n;
}

int
pdk_pcicfg_layout_compare(const struct pdk_pcicfg_layout *a, const struct pdk_pcicfg_layout *b,
			  char *report, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int diffs = 0;

	if (pdk_log_null(a, PCICFG_LOG, NULL, "pass two layouts", "pdk_pcicfg_layout_compare: NULL a") ||
	    pdk_log_null(b, PCICFG_LOG, NULL, "pass two layouts", "pdk_pcicfg_layout_compare: NULL b") ||
	    pdk_log_null(report, PCICFG_LOG, NULL, "pass a buffer for the report",
			 "pdk_pcicfg_layout_compare: NULL report"))
		return -EINVAL;
	if (len == 0)
		return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, "pass a buffer for the report",
				    "pdk_pcicfg_layout_compare: report of 0 bytes");
	report[0] = '\0';
	if (a->vendor != b->vendor || a->device != b->device) {
		diffs++;
		report_line(report, len, &used, "device: %04x:%04x here, %04x:%04x there\n",
			    a->vendor, a->device, b->vendor, b->device);
	}
	for (i = 0; i < a->ncaps; i++) {
		const struct layout_cap *c = &a->caps[i];
		const struct layout_cap *o = match(b, c->space, c->id, rank_of(a, i));
		const char *k = c->space == PDK_PCICFG_STD ? "std" : "ext";

		if (o == NULL) {
			diffs++;
			report_line(report, len, &used, "%s 0x%x (%s) at 0x%x: missing there\n", k,
				    c->id, pcicfg_cap_name(c->space, c->id), c->offset);
		} else if (o->offset != c->offset || o->length != c->length) {
			diffs++;
			report_line(report, len, &used, "%s 0x%x (%s): 0x%x+0x%x here, 0x%x+0x%x there\n",
				    k, c->id, pcicfg_cap_name(c->space, c->id), c->offset, c->length,
				    o->offset, o->length);
		}
	}
	for (i = 0; i < b->ncaps; i++) {
		const struct layout_cap *c = &b->caps[i];

		if (match(a, c->space, c->id, rank_of(b, i)) == NULL) {
			diffs++;
			report_line(report, len, &used, "%s 0x%x (%s) at 0x%x: missing here\n",
				    c->space == PDK_PCICFG_STD ? "std" : "ext", c->id,
				    pcicfg_cap_name(c->space, c->id), c->offset);
		}
	}
	if (diffs == 0)
		snprintf(report, len, "compatible");
	return diffs;
}
