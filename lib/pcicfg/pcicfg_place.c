/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Hidden ranges (the quirk table) and the placement of a virtual PASID
 * capability. Every answer carries its reason, so a VMM can show why an
 * offset was chosen, or why none was.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "pcicfg_private.h"

int
pdk_pcicfg_hide(struct pdk_pcicfg *cfg, uint16_t offset, uint16_t length, const char *source)
{
	struct pdk_pcicfg_range *r;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_hide: NULL cfg") ||
	    pdk_log_null(source, PCICFG_LOG, cfg->label, "say where the fact comes from",
			 "pdk_pcicfg_hide: NULL source"))
		return -EINVAL;
	if (offset < PCICFG_EXT_START || length == 0 || offset + length > PDK_PCICFG_SIZE)
		return pdk_log_fail(PCICFG_LOG, cfg->label, -EINVAL,
				    "hide a range inside the extended space 0x100-0xFFF",
				    "hide 0x%x+0x%x", offset, length);
	if (cfg->nhidden >= PCICFG_MAX_HIDDEN)
		return pdk_log_fail(PCICFG_LOG, cfg->label, -ENOSPC, "merge the ranges",
				    "hide 0x%x+0x%x: %d ranges hidden already", offset, length,
				    PCICFG_MAX_HIDDEN);
	cfg->hidden_src[cfg->nhidden] = strdup(source);
	if (cfg->hidden_src[cfg->nhidden] == NULL)
		return pdk_log_fail(PCICFG_LOG, cfg->label, -ENOMEM, NULL, "hide 0x%x+0x%x", offset,
				    length);
	r = &cfg->hidden[cfg->nhidden];
	*r = (struct pdk_pcicfg_range){ .space = PDK_PCICFG_EXT, .offset = offset,
					.length = length, .name = "hidden",
					.source = cfg->hidden_src[cfg->nhidden] };
	cfg->nhidden++;
	pcicfg_remap(cfg);
	return 0;
}

/* one quirk line: "vvvv:dddd hidden OFF LEN source..." or "vvvv:dddd pasid OFF source..." */
static int
quirk_line(struct pdk_pcicfg *c, const char *path, unsigned int lineno, char *line)
{
	unsigned int vendor, device, off, len = 0;
	char kind[16];
	int pos = 0, rc;
	const char *src;

	if (sscanf(line, "%4x:%4x %15s %x%n", &vendor, &device, kind, &off, &pos) != 4)
		goto bad;
	if (strcmp(kind, "hidden") == 0) {
		int pos2 = 0;

		if (sscanf(line + pos, " %x%n", &len, &pos2) != 1)
			goto bad;
		pos += pos2;
	} else if (strcmp(kind, "pasid") != 0) {
		goto bad;
	}
	src = line + pos;
	while (*src == ' ' || *src == '\t')
		src++;
	if (*src == '\0')
		return pdk_log_fail(PCICFG_LOG, path, -EINVAL,
				    "end each entry with its public source",
				    "quirk table line %u: no source", lineno);
	if (off < PCICFG_EXT_START || off >= PDK_PCICFG_SIZE || (off & 3) ||
	    (kind[0] == 'h' && (len == 0 || off + len > PDK_PCICFG_SIZE)) ||
	    (kind[0] == 'p' && off > PDK_PCICFG_END_OFFSET))
		return pdk_log_fail(PCICFG_LOG, path, -EINVAL,
				    "give dword-aligned ranges inside 0x100-0xFFF",
				    "quirk table line %u: 0x%x+0x%x", lineno, off, len);
	if (vendor != pdk_pcicfg_vendor(c) || device != pdk_pcicfg_device(c))
		return 0;
	if (kind[0] == 'p') {
		c->quirk_pasid = (uint16_t)off;
		snprintf(c->quirk_pasid_src, sizeof(c->quirk_pasid_src), "%s", src);
		return 1;
	}
	rc = pdk_pcicfg_hide(c, (uint16_t)off, (uint16_t)len, src);
	return rc < 0 ? rc : 1;
bad:
	return pdk_log_fail(PCICFG_LOG, path, -EINVAL,
			    "write \"vvvv:dddd hidden OFF LEN source\" or \"vvvv:dddd pasid OFF source\"",
			    "quirk table line %u: not an entry", lineno);
}

int
pdk_pcicfg_quirks_apply(struct pdk_pcicfg *cfg, const char *path)
{
	unsigned int lineno = 0;
	char line[512];
	int rc = 0, n = 0;
	FILE *f;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_quirks_apply: NULL cfg") ||
	    pdk_log_null(path, PCICFG_LOG, cfg->label, "pass the quirk table",
			 "pdk_pcicfg_quirks_apply: NULL path"))
		return -EINVAL;
	f = fopen(path, "re");
	if (f == NULL)
		return pdk_log_fail(PCICFG_LOG, path, -errno, "check the path", "open the quirk table");
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line;
		size_t l = strlen(line);

		lineno++;
		if (l > 0 && line[l - 1] != '\n' && !feof(f)) {
			rc = pdk_log_fail(PCICFG_LOG, path, -EINVAL, "keep lines below 512 bytes",
					  "quirk table line %u: too long", lineno);
			break;
		}
		while (l > 0 && (line[l - 1] == '\n' || line[l - 1] == '\r' || line[l - 1] == ' '))
			line[--l] = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		rc = quirk_line(cfg, path, lineno, p);
		if (rc < 0)
			break;
		n += rc;
		rc = 0;
	}
	fclose(f);
	return rc < 0 ? rc : n;
}

const char *
pdk_pcicfg_policy_name(enum pdk_pcicfg_policy policy)
{
	switch (policy) {
	case PDK_PCICFG_PLACE_PHYSICAL: return "physical";
	case PDK_PCICFG_PLACE_END: return "end";
	case PDK_PCICFG_PLACE_FIRST_FIT: return "first-fit";
	case PDK_PCICFG_PLACE_DVSEC: return "dvsec";
	case PDK_PCICFG_PLACE_QUIRK: return "quirk";
	case PDK_PCICFG_PLACE_USER: return "user";
	}
	return "unknown";
}

static int __attribute__((format(printf, 4, 5)))
answer(struct pdk_pcicfg_place *p, int rc, uint16_t off, const char *fmt, ...)
{
	va_list ap;

	p->offset = rc == 0 ? off : 0;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return rc;
}

/* 0 when the 8 bytes at @p off are free, -EBUSY with the reason otherwise */
static int
check_free(const struct pdk_pcicfg *c, struct pdk_pcicfg_place *p, unsigned int off, const char *what)
{
	const struct pdk_pcicfg_range *u = pcicfg_conflict(c, off, PDK_PCICFG_PASID_LEN);

	if (u == NULL)
		return 0;
	return answer(p, -EBUSY, 0, "%s 0x%x: the 8 bytes overlap %s%s0x%x+0x%x (%s)", what, off,
		      u->name, u->id || u->space == PDK_PCICFG_EXT ? " " : "", u->offset, u->length,
		      u->source != NULL ? u->source : "");
}

/* check_free()'s reason, as the answer that nothing fits */
static int
nothing_fits(struct pdk_pcicfg_place *p)
{
	char why[sizeof(p->why)];

	memcpy(why, p->why, sizeof(why));
	return answer(p, -ENOSPC, 0, "%s", why);
}

static int
choose(const struct pdk_pcicfg *c, enum pdk_pcicfg_policy policy, unsigned int user,
      struct pdk_pcicfg_place *p)
{
	const struct pdk_pcicfg_range *r;
	unsigned int i, after = PCICFG_EXT_START;
	int rc;

	if (policy != PDK_PCICFG_PLACE_PHYSICAL && policy != PDK_PCICFG_PLACE_USER &&
	    policy != PDK_PCICFG_PLACE_END && policy != PDK_PCICFG_PLACE_FIRST_FIT &&
	    policy != PDK_PCICFG_PLACE_DVSEC && policy != PDK_PCICFG_PLACE_QUIRK)
		return answer(p, -EINVAL, 0, "unknown policy %d", (int)policy);
	if (c->all_ones)
		return answer(p, -ENOSPC, 0, "the config space reads as all ones: no function to "
			      "place a capability in");
	if (!pcicfg_has_ext(c))
		return answer(p, -ENOSPC, 0, "only 0x%zx bytes of config space were read: no extended "
			      "space to put a PASID capability in (read all 4096 bytes, as root or "
			      "through VFIO)", c->size);
	switch (policy) {
	case PDK_PCICFG_PLACE_PHYSICAL:
		r = pdk_pcicfg_find(c, PDK_PCICFG_EXT, PCI_EXT_CAP_ID_PASID);
		if (r == NULL)
			return answer(p, -ENOENT, 0, "no PASID capability in the extended chain "
				      "(a VF has none: it shares its PF's)");
		return answer(p, 0, r->offset, "the function's own PASID capability is at 0x%x: "
			      "the guest sees it where it is (vfio-pci hides it, the VMM emulates it "
			      "in place)", r->offset);
	case PDK_PCICFG_PLACE_END:
		if (check_free(c, p, PDK_PCICFG_END_OFFSET, "end of space") < 0)
			return nothing_fits(p);
		return answer(p, 0, PDK_PCICFG_END_OFFSET, "the last 8 bytes of config space, 0xff8: "
			      "QEMU's default for its synthesized PASID capability (hw/vfio/pci.c, "
			      "PCIE_CONFIG_SPACE_SIZE - PCI_EXT_CAP_PASID_SIZEOF)");
	case PDK_PCICFG_PLACE_FIRST_FIT:
		for (i = 0; i < c->ncaps; i++)
			if (c->caps[i].space == PDK_PCICFG_EXT &&
			    (unsigned int)c->caps[i].offset + c->caps[i].length > after)
				after = ((unsigned int)c->caps[i].offset + c->caps[i].length + 3) & ~3u;
		for (i = 0; i < c->nholes; i++) {
			unsigned int s = c->holes[i].offset, e = s + c->holes[i].length;

			if (s < after)
				s = after;
			if (s + PDK_PCICFG_PASID_LEN <= e)
				return answer(p, 0, (uint16_t)s, "the first free 8 bytes after the extended "
					      "chain (which ends at 0x%x), clear of every hidden range", after);
		}
		return answer(p, -ENOSPC, 0, "no free 8 bytes after the extended chain (which ends at "
			      "0x%x) clear of the hidden ranges", after);
	case PDK_PCICFG_PLACE_DVSEC:
		if (c->ndvsec_free == 0)
			return answer(p, -ENOENT, 0, "no free-space DVSEC (PDK's proposal, vendor 0x%04x "
				      "id 0x%04x) declares a range", PDK_PCICFG_FREE_DVSEC_VENDOR,
				      PDK_PCICFG_FREE_DVSEC_ID);
		for (i = 0; i < c->nfree; i++)
			if (c->free[i].length >= PDK_PCICFG_PASID_LEN)
				return answer(p, 0, c->free[i].offset, "the free-space DVSEC (PDK's "
					      "proposal) declares 0x%x+0x%x free", c->free[i].offset,
					      c->free[i].length);
		return answer(p, -ENOSPC, 0, "the free-space DVSEC declares no range of 8 bytes that "
			      "is clear of the capabilities and hidden ranges");
	case PDK_PCICFG_PLACE_QUIRK:
		if (c->quirk_pasid == 0)
			return answer(p, -ENOENT, 0, "the quirk table has no pasid entry for %s",
				      c->label);
		if (check_free(c, p, c->quirk_pasid, "quirk entry") < 0)
			return nothing_fits(p);
		return answer(p, 0, c->quirk_pasid, "the quirk table's entry for %s: 0x%x (%s)",
			      c->label, c->quirk_pasid, c->quirk_pasid_src);
	case PDK_PCICFG_PLACE_USER:
		if ((user & 3) || user < PCICFG_EXT_START || user > PDK_PCICFG_END_OFFSET)
			return answer(p, -EINVAL, 0, "user offset 0x%x: a PASID capability needs a dword-"
				      "aligned offset in 0x100-0xff8", user);
		rc = check_free(c, p, user, "user offset");
		if (rc < 0)
			return rc;
		return answer(p, 0, (uint16_t)user, "the user's offset 0x%x: dword aligned, clear of "
			      "every capability and hidden range", user);
	}
	return answer(p, -EINVAL, 0, "unknown policy %d", (int)policy);
}

int
pdk_pcicfg_place_pasid(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_policy policy,
		       uint16_t user_offset, struct pdk_pcicfg_place *place)
{
	int rc;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass a map", "pdk_pcicfg_place_pasid: NULL cfg") ||
	    pdk_log_null(place, PCICFG_LOG, cfg->label, "pass where to store the answer",
			 "pdk_pcicfg_place_pasid: NULL place"))
		return -EINVAL;
	rc = choose(cfg, policy, user_offset, place);
	if (rc < 0)
		pdk_log_fail(PCICFG_LOG, cfg->label, rc, "choose another policy or offset",
			     "place a virtual PASID capability (policy %s): %s",
			     pdk_pcicfg_policy_name(policy), place->why);
	return rc;
}
