/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * --status as text (grouped as dpdk-devbind groups it) and as JSON. Both
 * print what scan, probe and advise found; nothing here decides anything.
 */

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "devbind.h"

/* Each section's heading in the text and its key in the JSON. */
static const struct {
	const char *title;
	const char *key;
} sections[DB_SEC_COUNT] = {
	[DB_SEC_VFIO_CDEV] = { "Devices using vfio-pci with a VFIO cdev", "vfio_cdev" },
	[DB_SEC_VFIO_NO_CDEV] = { "Devices using vfio-pci without a VFIO cdev", "vfio_no_cdev" },
	[DB_SEC_OTHER_DRIVER] = { "Devices bound to other drivers", "other_driver" },
	[DB_SEC_NO_DRIVER] = { "Devices not bound to any driver", "no_driver" },
	[DB_SEC_BRIDGE] = { "Bridges", "bridge" },
};

static const char *const use_kinds[] = {
	[DB_USE_MOUNT] = "mount",
	[DB_USE_SWAP] = "swap",
	[DB_USE_NET] = "interface",
	[DB_USE_UNKNOWN] = "unknown",
};

static const char *
yes_no(bool b)
{
	return b ? "yes" : "no";
}

/* ---- text ---- */

static void
print_banner(FILE *out, const struct db_scan *scan)
{
	const struct db_host *h = &scan->host;

	if (h->mode == DB_MODE_SIM)
		fprintf(out, "*** SIMULATED devices: PDK's simulated kernel (drivers/sim), "
			"not hardware ***\n\n");
	else if (h->mode == DB_MODE_FAKE)
		fprintf(out, "*** FAKE sysfs tree %s: a model of a machine, "
			"not this one's devices ***\n\n", h->sysfs_root);
}

/* One "key: value" line of the Host block, values aligned. */
static void __attribute__((format(printf, 3, 4)))
host_line(FILE *out, const char *key, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%-12s ", key);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static void
print_host(FILE *out, const struct db_scan *scan)
{
	const struct db_host *h = &scan->host;
	unsigned int i;

	fprintf(out, "Host\n====\n");
	if (h->mode == DB_MODE_SIM)
		host_line(out, "kernel:", "simulated (iommufd with PASID attach, as Linux 6.15+)");
	else if (h->release[0] == '\0')
		host_line(out, "kernel:", "release unknown");
	else
		host_line(out, "kernel:", "Linux %s%s: %s", h->release,
			  h->release_from_option ? " (--kernel-release)" : "",
			  h->release_ok == 1 ? "6.15 or newer, the release with PASID attach" :
			  h->release_ok == 0 ? "older than 6.15, no PASID attach" :
			  "release not understood");
	if (h->mode == DB_MODE_SIM)
		host_line(out, "IOMMU:", "simulated (groups: each function's iommu_group link)");
	else if (h->iommu_groups >= 0)
		host_line(out, "IOMMU:", "%d group%s in /sys/kernel/iommu_groups%s",
			  h->iommu_groups, h->iommu_groups == 1 ? "" : "s",
			  h->iommu_groups == 0 ? ": no IOMMU" : "");
	else if (h->iommu_groups == -ENOENT)
		host_line(out, "IOMMU:", "no /sys/kernel/iommu_groups: no IOMMU");
	else
		host_line(out, "IOMMU:", "/sys/kernel/iommu_groups: %s",
			  strerror(-h->iommu_groups));
	if (h->dev_iommu == 0)
		host_line(out, "/dev/iommu:", "present");
	else if (h->dev_iommu == 1)
		host_line(out, "/dev/iommu:", "not looked at (a fake tree is another machine's)");
	else if (h->dev_iommu == -ENOENT)
		host_line(out, "/dev/iommu:", "absent (kernel without CONFIG_IOMMUFD)");
	else
		host_line(out, "/dev/iommu:", "%s", strerror(-h->dev_iommu));
	if (scan->nhost_why == 0)
		host_line(out, "verdict:", "nothing host-wide keeps PDK from PASIDs%s",
			  h->mode == DB_MODE_FAKE ? " (as far as the tree tells)" : "");
	else
		host_line(out, "verdict:", "PDK can give no function PASIDs on this host until "
			  "%s fixed:", scan->nhost_why == 1 ? "this is" : "these are");
	for (i = 0; i < scan->nhost_why; i++)
		fprintf(out, "    why: %s; do: %s\n", scan->host_why[i].problem,
			scan->host_why[i].fix);
	fprintf(out, "\n");
}

/* The other functions of @p fn's IOMMU group, as " (with A, B)". */
static void
group_peers(const struct db_scan *scan, const struct db_fn *fn, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	buf[0] = '\0';
	if (fn->group[0] == '\0')
		return;
	for (i = 0; i < scan->n; i++) {
		const struct db_fn *o = &scan->fn[i];

		if (o == fn || strcmp(o->group, fn->group) != 0)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used == 0 ? " (with " : ", ", o->addr);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
	if (used > 0 && used + 2 <= len)
		strcat(buf, ")");
}

static void
print_cap(FILE *out, const struct db_pasid_cap *c)
{
	switch (c->state) {
	case DB_CAP_PRESENT:
		fprintf(out, "    pasid-cap: at 0x%03x, max width %u, exec %s, priv %s, enabled %s"
			" [%s]\n", c->offset, c->width, yes_no(c->exec_supported),
			yes_no(c->priv_supported), yes_no(c->enabled), c->source);
		break;
	case DB_CAP_ABSENT:
		fprintf(out, "    pasid-cap: %s [%s]\n", db_pasid_cap_state_name(c->state),
			c->source);
		break;
	default:
		fprintf(out, "    pasid-cap: %s [%s: %s]\n", db_pasid_cap_state_name(c->state),
			c->source, c->note);
		break;
	}
}

static void
print_probe(FILE *out, const struct db_fn *fn)
{
	const struct db_probe *p = &fn->probe;

	if (!p->tried) {
		if (db_fn_section(fn) == DB_SEC_VFIO_CDEV)
			fprintf(out, "    iommufd: not probed (%s)\n",
				p->step != NULL ? p->step : "not asked");
		return;
	}
	if (p->rc < 0) {
		fprintf(out, "    iommufd: failed at %s: %s\n", p->step, strerror(-p->rc));
		return;
	}
	fprintf(out, "    iommufd: %s, max_pasid_log2 %u, PASID exec %s, priv %s\n",
		pdk_iommufd_hw_type_name(p->info.data_type), p->info.max_pasid_log2,
		yes_no(p->info.pasid_exec), yes_no(p->info.pasid_priv));
}

static void
print_fn(FILE *out, const struct db_scan *scan, const struct db_fn *fn, const struct db_opts *o)
{
	char peers[256];
	unsigned int i;

	group_peers(scan, fn, peers, sizeof(peers));
	fprintf(out, "%s '%04x:%04x' class=%04x drv=%s group=%s%s cdev=%s pdk=%s\n", fn->addr,
		fn->vendor, fn->device, fn->class >> 8, fn->driver[0] ? fn->driver : "-",
		fn->group[0] ? fn->group : "-", peers, fn->cdev[0] ? fn->cdev : "-",
		fn->pdk_driver != NULL ? fn->pdk_driver : "-");
	print_cap(out, &fn->cap);
	print_probe(out, fn);
	for (i = 0; i < fn->nuse; i++)
		fprintf(out, "    in use: %s\n", fn->use[i].text);
	if (fn->nuse > 0)
		fprintf(out, "    not advised: this host uses it (--bind and --unbind refuse it "
			"without --force)\n");
	else if (fn->pdk_driver == NULL && (db_fn_section(fn) == DB_SEC_OTHER_DRIVER ||
					    db_fn_section(fn) == DB_SEC_NO_DRIVER))
		fprintf(out, "    not advised: no PDK driver takes %04x:%04x\n", fn->vendor,
			fn->device);
	if (db_fn_section(fn) == DB_SEC_BRIDGE)
		return;
	for (i = 0; i < fn->nwhy; i++)
		fprintf(out, "    why: %s; do: %s\n", fn->why[i].problem, fn->why[i].fix);
	if (fn->nwhy == 0 && !fn->usable && db_fn_section(fn) == DB_SEC_VFIO_CDEV)
		fprintf(out, "    not ready: nothing of its own, but the host's verdict above\n");
	if (fn->usable) {
		if (fn->probe.tried)
			fprintf(out, "    ready: PDK can attach PASIDs 1..%lu\n",
				(1ul << fn->probe.info.max_pasid_log2) - 1);
		else
			fprintf(out, "    ready as far as sysfs tells (no iommufd view)\n");
	}
	if (o->verbose && fn->probe.tried && fn->probe.rc < 0)
		fprintf(out, "    detail: %s\n", fn->probe.detail);
}

void
db_print_status(FILE *out, const struct db_scan *scan, const struct db_opts *o)
{
	unsigned int i, shown = 0, bridges = 0;
	int sec;

	print_banner(out, scan);
	print_host(out, scan);
	for (sec = 0; sec < DB_SEC_COUNT; sec++) {
		unsigned int count = 0;

		for (i = 0; i < scan->n; i++) {
			const struct db_fn *fn = &scan->fn[i];

			if (!fn->selected || (int)db_fn_section(fn) != sec)
				continue;
			if (sec == DB_SEC_BRIDGE && !o->all) {
				bridges++;
				continue;
			}
			if (count++ == 0)
				fprintf(out, "%s\n%.*s\n", sections[sec].title,
					(int)strlen(sections[sec].title),
					"====================================================");
			print_fn(out, scan, fn, o);
			shown++;
		}
		if (count > 0)
			fprintf(out, "\n");
	}
	if (shown == 0)
		fprintf(out, "No PCI functions%s.\n", bridges > 0 ? " other than bridges" : "");
	if (bridges > 0)
		fprintf(out, "(%u bridge%s not shown: --all shows them)\n", bridges,
			bridges == 1 ? "" : "s");
	if (scan->host.mode == DB_MODE_SIM)
		fprintf(out, "*** SIMULATED: nothing above is hardware ***\n");
}

/* ---- JSON ---- */

static void
json_str(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL || s[0] == '\0') {
		fputs("null", out);
		return;
	}
	fputc('"', out);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static void
json_whys(FILE *out, const struct db_why *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		fprintf(out, "%s{\"problem\": ", i == 0 ? "" : ", ");
		json_str(out, w[i].problem);
		fprintf(out, ", \"fix\": ");
		json_str(out, w[i].fix);
		fputc('}', out);
	}
}

static void
json_host(FILE *out, const struct db_scan *scan)
{
	const struct db_host *h = &scan->host;

	fprintf(out, "  \"host\": {\"kernel_release\": ");
	json_str(out, h->release);
	fprintf(out, ", \"pasid_kernel\": %s",
		h->release_ok == 1 ? "true" : h->release_ok == 0 ? "false" : "null");
	if (h->mode == DB_MODE_SIM || (h->iommu_groups < 0 && h->iommu_groups != -ENOENT))
		fprintf(out, ", \"iommu_groups\": null");
	else
		fprintf(out, ", \"iommu_groups\": %d", h->iommu_groups < 0 ? 0 : h->iommu_groups);
	fprintf(out, ", \"dev_iommu\": ");
	if (h->dev_iommu == 1)
		fputs("null", out);
	else
		json_str(out, h->dev_iommu == 0 ? "present" :
			 h->dev_iommu == -ENOENT ? "absent" : strerror(-h->dev_iommu));
	fprintf(out, "},\n  \"host_problems\": [");
	json_whys(out, scan->host_why, scan->nhost_why);
	fprintf(out, "],\n");
}

static void
json_cap(FILE *out, const struct db_pasid_cap *c)
{
	fprintf(out, "\"pasid_cap\": {\"state\": \"%s\", \"source\": ",
		db_pasid_cap_state_name(c->state));
	json_str(out, c->source);
	if (c->state == DB_CAP_PRESENT)
		fprintf(out, ", \"offset\": %u, \"max_width\": %u, \"exec_supported\": %s, "
			"\"priv_supported\": %s, \"enabled\": %s, \"exec_enabled\": %s, "
			"\"priv_enabled\": %s", c->offset, c->width,
			c->exec_supported ? "true" : "false", c->priv_supported ? "true" : "false",
			c->enabled ? "true" : "false", c->exec_enabled ? "true" : "false",
			c->priv_enabled ? "true" : "false");
	else if (c->state == DB_CAP_UNREAD || c->state == DB_CAP_HIDDEN) {
		fprintf(out, ", \"why\": ");
		json_str(out, c->note);
	}
	fputc('}', out);
}

static void
json_probe(FILE *out, const struct db_probe *p)
{
	fprintf(out, "\"iommufd\": ");
	if (!p->tried) {
		fputs("null", out);
		return;
	}
	if (p->rc < 0) {
		fprintf(out, "{\"error\": ");
		json_str(out, strerror(-p->rc));
		fprintf(out, ", \"step\": ");
		json_str(out, p->step);
		fprintf(out, ", \"detail\": ");
		json_str(out, p->detail);
		fputc('}', out);
		return;
	}
	fprintf(out, "{\"type\": ");
	json_str(out, pdk_iommufd_hw_type_name(p->info.data_type));
	fprintf(out, ", \"max_pasid_log2\": %u, \"pasid_exec\": %s, \"pasid_priv\": %s}",
		p->info.max_pasid_log2, p->info.pasid_exec ? "true" : "false",
		p->info.pasid_priv ? "true" : "false");
}

static void
json_fn(FILE *out, const struct db_scan *scan, const struct db_fn *fn)
{
	enum db_section sec = db_fn_section(fn);
	unsigned int i;
	bool first = true;

	fprintf(out, "    {\"address\": \"%s\", \"vendor\": \"%04x\", \"device\": \"%04x\", "
		"\"class\": \"%06x\", \"section\": \"%s\", \"driver\": ", fn->addr, fn->vendor,
		fn->device, fn->class, sections[sec].key);
	json_str(out, fn->driver);
	fprintf(out, ", \"iommu_group\": ");
	json_str(out, fn->group);
	fprintf(out, ", \"group_peers\": [");
	for (i = 0; fn->group[0] != '\0' && i < scan->n; i++) {
		if (&scan->fn[i] == fn || strcmp(scan->fn[i].group, fn->group) != 0)
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ", ", scan->fn[i].addr);
		first = false;
	}
	fprintf(out, "], \"cdev\": ");
	json_str(out, fn->cdev);
	fprintf(out, ", \"pdk_driver\": ");
	json_str(out, fn->pdk_driver);
	fprintf(out, ",\n      ");
	json_cap(out, &fn->cap);
	fprintf(out, ",\n      ");
	json_probe(out, &fn->probe);
	fprintf(out, ",\n      \"in_use\": [");
	for (i = 0; i < fn->nuse; i++) {
		fprintf(out, "%s{\"kind\": \"%s\", \"object\": ", i == 0 ? "" : ", ",
			use_kinds[fn->use[i].kind]);
		json_str(out, fn->use[i].object);
		fprintf(out, ", \"text\": ");
		json_str(out, fn->use[i].text);
		fputc('}', out);
	}
	fprintf(out, "], \"usable\": %s, \"why\": [",
		fn->usable ? "true" : "false");
	json_whys(out, fn->why, fn->nwhy);
	fprintf(out, "]}");
}

void
db_print_json(FILE *out, const struct db_scan *scan, const struct db_opts *o)
{
	const struct db_host *h = &scan->host;
	unsigned int i;
	bool first = true;

	fprintf(out, "{\n  \"backend\": \"%s\", \"simulated\": %s, \"sysfs_root\": ",
		h->mode == DB_MODE_SIM ? "sim" : h->mode == DB_MODE_FAKE ? "fake-sysfs" : "kernel",
		h->mode == DB_MODE_SIM ? "true" : "false");
	json_str(out, h->sysfs_root);
	fprintf(out, ",\n");
	json_host(out, scan);
	fprintf(out, "  \"functions\": [\n");
	for (i = 0; i < scan->n; i++) {
		const struct db_fn *fn = &scan->fn[i];

		if (!fn->selected || (db_fn_is_bridge(fn) && !o->all))
			continue;
		if (!first)
			fprintf(out, ",\n");
		json_fn(out, scan, fn);
		first = false;
	}
	fprintf(out, "\n  ]\n}\n");
}

/* ---- --map: the config-space map of one function ---- */

static const char *const finding_kinds[] = {
	[PDK_PCICFG_F_LOOP] = "LOOP",
	[PDK_PCICFG_F_OVERLAP] = "OVERLAP",
	[PDK_PCICFG_F_MISALIGNED] = "MISALIGNED",
	[PDK_PCICFG_F_BOUNDS] = "BOUNDS",
	[PDK_PCICFG_F_TRUNCATED] = "TRUNCATED",
	[PDK_PCICFG_F_ALL_ONES] = "ALL_ONES",
	[PDK_PCICFG_F_BAD_HEADER] = "BAD_HEADER",
	[PDK_PCICFG_F_UNKNOWN_LENGTH] = "UNKNOWN_LENGTH",
	[PDK_PCICFG_F_BAD_DVSEC] = "BAD_DVSEC",
	[PDK_PCICFG_F_TOO_MANY] = "TOO_MANY",
};

static const char *
finding_kind(enum pdk_pcicfg_finding_kind k)
{
	return (unsigned int)k < sizeof(finding_kinds) / sizeof(finding_kinds[0]) &&
	       finding_kinds[k] != NULL ? finding_kinds[k] : "UNKNOWN";
}

static const char *
space_name(enum pdk_pcicfg_space s)
{
	return s == PDK_PCICFG_STD ? "std" : "ext";
}

/* The four lists of the map, each with its heading. */
static const struct {
	enum pdk_pcicfg_list list;
	const char *title;
	const char *key;
} map_lists[] = {
	{ PDK_PCICFG_CAPS, "Capabilities", "capabilities" },
	{ PDK_PCICFG_HIDDEN, "Hidden ranges (quirk table)", "hidden" },
	{ PDK_PCICFG_FREE, "Free ranges (free-space DVSEC: PDK's PROPOSAL, no standard)", "free" },
	{ PDK_PCICFG_HOLES, "Holes (dwords of 0x100-0xFFF no capability or hidden range covers)",
	  "holes" },
};

static void
print_range_list(FILE *out, const struct pdk_pcicfg *cfg, enum pdk_pcicfg_list list,
		 const char *title)
{
	unsigned int i, n = pdk_pcicfg_count(cfg, list);

	fprintf(out, "%s\n", title);
	if (n == 0) {
		fprintf(out, "    none\n");
		return;
	}
	if (list == PDK_PCICFG_CAPS)
		fprintf(out, "    %-5s %-6s %-34s %-6s %-6s %s\n", "space", "id", "capability",
			"offset", "length", "source");
	else
		fprintf(out, "    %-6s %-6s %s\n", "offset", "length", "source");
	for (i = 0; i < n; i++) {
		const struct pdk_pcicfg_range *r = pdk_pcicfg_get(cfg, list, i);

		if (list == PDK_PCICFG_CAPS)
			fprintf(out, "    %-5s 0x%04x %-34s 0x%03x  0x%03x  %s\n", space_name(r->space),
				r->id, r->name, r->offset, r->length, r->source);
		else
			fprintf(out, "    0x%03x  0x%03x  %s\n", r->offset, r->length,
				r->source != NULL ? r->source : r->name);
	}
}

static void
print_fact_cap(FILE *out, const char *key, const struct pdk_pcicfg_pasid_cap *c)
{
	fprintf(out, "    %-9s %s", key, pdk_pcicfg_fact_name(c->state));
	if (c->state == PDK_PCICFG_FACT_PRESENT)
		fprintf(out, " at 0x%03x, max width %u, exec %s, priv %s supported; enabled %s, "
			"exec %s, priv %s", c->offset, c->width, yes_no(c->exec_supported),
			yes_no(c->priv_supported), yes_no(c->enabled), yes_no(c->exec_enabled),
			yes_no(c->priv_enabled));
	fprintf(out, " [%s]\n              %s\n", c->source, c->why);
}

static void
print_facts(FILE *out, const struct db_map *m)
{
	const struct pdk_pcicfg_pasid_facts *f = &m->facts;
	const struct pdk_pcicfg_pasid_iommu *i = &f->iommu;

	fprintf(out, "PASID facts\n");
	if (!m->facts_read) {
		print_fact_cap(out, "file:", &m->file_cap);
		fprintf(out, "    (a dump has no IOMMU or VFIO view)\n");
		return;
	}
	fprintf(out, "    %-9s %s", "iommu:", pdk_pcicfg_fact_name(i->state));
	if (i->state != PDK_PCICFG_FACT_UNKNOWN)
		fprintf(out, ": %s, max_pasid_log2 %u, PASID exec %s, priv %s",
			pdk_iommufd_hw_type_name(i->hw_type), i->max_pasid_log2, yes_no(i->exec),
			yes_no(i->priv));
	fprintf(out, " [%s]\n              %s\n", i->source, i->why);
	fprintf(out, "    %-9s %s\n", "vf:", f->is_vf == 1 ? "yes" : f->is_vf == 0 ? "no" :
		"not known");
	print_fact_cap(out, "physical:", &f->physical);
	if (f->is_vf == 1)
		print_fact_cap(out, "pf:", &f->pf_cap);
	print_fact_cap(out, "vfio:", &f->vfio);
}

void
db_print_map(FILE *out, const struct db_map *m)
{
	const struct pdk_pcicfg *cfg = m->cfg;
	unsigned int i, n;

	if (m->mode == DB_MODE_SIM && !m->is_file)
		fprintf(out, "*** SIMULATED device: PDK's simulated kernel (drivers/sim), "
			"not hardware ***\n\n");
	fprintf(out, "Config space of %s '%04x:%04x'\n", m->what, pdk_pcicfg_vendor(cfg),
		pdk_pcicfg_device(cfg));
	fprintf(out, "    read from: %s\n", m->source);
	fprintf(out, "    quirks:    %s%s%s\n", m->quirks, m->quirks[0] ? ": " : "", m->quirks_note);
	for (i = 0; i < sizeof(map_lists) / sizeof(map_lists[0]); i++)
		print_range_list(out, cfg, map_lists[i].list, map_lists[i].title);
	fprintf(out, "Findings\n");
	n = pdk_pcicfg_nfindings(cfg);
	if (n == 0)
		fprintf(out, "    none: the chains are well formed\n");
	for (i = 0; i < n; i++) {
		const struct pdk_pcicfg_finding *f = pdk_pcicfg_finding(cfg, i);

		fprintf(out, "    %s at 0x%03x: %s\n", finding_kind(f->kind), f->offset, f->text);
	}
	print_facts(out, m);
	fprintf(out, "Virtual PASID capability (8 bytes), by policy\n");
	for (i = 0; i < DB_NPOLICIES; i++) {
		const struct db_placement *p = &m->placement[i];

		if (p->asked && p->rc == 0)
			fprintf(out, "    %-10s 0x%03x  %s\n", pdk_pcicfg_policy_name(p->policy),
				p->place.offset, p->place.why);
		else
			fprintf(out, "    %-10s -      %s\n", pdk_pcicfg_policy_name(p->policy),
				p->place.why);
	}
	if (m->mode == DB_MODE_SIM && !m->is_file)
		fprintf(out, "*** SIMULATED: nothing above is hardware ***\n");
}

static void
json_fact_cap(FILE *out, const char *key, const struct pdk_pcicfg_pasid_cap *c)
{
	fprintf(out, "\"%s\": {\"state\": \"%s\", \"source\": ", key, pdk_pcicfg_fact_name(c->state));
	json_str(out, c->source);
	if (c->state == PDK_PCICFG_FACT_PRESENT)
		fprintf(out, ", \"offset\": %u, \"max_width\": %u, \"exec_supported\": %s, "
			"\"priv_supported\": %s, \"enabled\": %s, \"exec_enabled\": %s, "
			"\"priv_enabled\": %s", c->offset, c->width, c->exec_supported ? "true" : "false",
			c->priv_supported ? "true" : "false", c->enabled ? "true" : "false",
			c->exec_enabled ? "true" : "false", c->priv_enabled ? "true" : "false");
	fprintf(out, ", \"why\": ");
	json_str(out, c->why);
	fputc('}', out);
}

static void
json_facts(FILE *out, const struct db_map *m)
{
	const struct pdk_pcicfg_pasid_facts *f = &m->facts;
	const struct pdk_pcicfg_pasid_iommu *i = &f->iommu;

	fprintf(out, "  \"pasid\": {");
	if (!m->facts_read) {
		json_fact_cap(out, "file", &m->file_cap);
		fprintf(out, "},\n");
		return;
	}
	fprintf(out, "\"iommu\": {\"state\": \"%s\", \"source\": ", pdk_pcicfg_fact_name(i->state));
	json_str(out, i->source);
	if (i->state != PDK_PCICFG_FACT_UNKNOWN) {
		fprintf(out, ", \"type\": ");
		json_str(out, pdk_iommufd_hw_type_name(i->hw_type));
		fprintf(out, ", \"max_pasid_log2\": %u, \"pasid_exec\": %s, \"pasid_priv\": %s",
			i->max_pasid_log2, i->exec ? "true" : "false", i->priv ? "true" : "false");
	}
	fprintf(out, ", \"why\": ");
	json_str(out, i->why);
	fprintf(out, "},\n    \"vf\": %s, \"pf\": ", f->is_vf == 1 ? "true" : f->is_vf == 0 ?
		"false" : "null");
	json_str(out, f->pf);
	fprintf(out, ",\n    ");
	json_fact_cap(out, "physical", &f->physical);
	fprintf(out, ",\n    ");
	json_fact_cap(out, "pf_cap", &f->pf_cap);
	fprintf(out, ",\n    ");
	json_fact_cap(out, "vfio", &f->vfio);
	fprintf(out, "},\n");
}

void
db_print_map_json(FILE *out, const struct db_map *m)
{
	const struct pdk_pcicfg *cfg = m->cfg;
	unsigned int l, i, n;

	fprintf(out, "{\n  \"%s\": ", m->is_file ? "file" : "address");
	json_str(out, m->what);
	fprintf(out, ", \"simulated\": %s, \"vendor\": \"%04x\", \"device\": \"%04x\", "
		"\"size\": %zu,\n  \"source\": ", m->mode == DB_MODE_SIM && !m->is_file ? "true" :
		"false", pdk_pcicfg_vendor(cfg), pdk_pcicfg_device(cfg), pdk_pcicfg_size(cfg));
	json_str(out, m->source);
	fprintf(out, ",\n  \"quirks\": {\"file\": ");
	json_str(out, m->quirks);
	fprintf(out, ", \"note\": ");
	json_str(out, m->quirks_note);
	fprintf(out, "},\n");
	for (l = 0; l < sizeof(map_lists) / sizeof(map_lists[0]); l++) {
		n = pdk_pcicfg_count(cfg, map_lists[l].list);
		fprintf(out, "  \"%s\": [", map_lists[l].key);
		for (i = 0; i < n; i++) {
			const struct pdk_pcicfg_range *r = pdk_pcicfg_get(cfg, map_lists[l].list, i);

			fprintf(out, "%s\n    {", i == 0 ? "" : ",");
			if (map_lists[l].list == PDK_PCICFG_CAPS)
				fprintf(out, "\"space\": \"%s\", \"id\": %u, \"version\": %u, \"name\": ",
					space_name(r->space), r->id, r->version);
			else
				fprintf(out, "\"name\": ");
			json_str(out, r->name);
			fprintf(out, ", \"offset\": %u, \"length\": %u, \"source\": ", r->offset,
				r->length);
			json_str(out, r->source);
			fputc('}', out);
		}
		fprintf(out, "%s],\n", n > 0 ? "\n  " : "");
	}
	fprintf(out, "  \"findings\": [");
	n = pdk_pcicfg_nfindings(cfg);
	for (i = 0; i < n; i++) {
		const struct pdk_pcicfg_finding *f = pdk_pcicfg_finding(cfg, i);

		fprintf(out, "%s{\"kind\": \"%s\", \"offset\": %u, \"text\": ", i == 0 ? "" : ", ",
			finding_kind(f->kind), f->offset);
		json_str(out, f->text);
		fputc('}', out);
	}
	fprintf(out, "],\n");
	json_facts(out, m);
	fprintf(out, "  \"vpasid\": [");
	for (i = 0; i < DB_NPOLICIES; i++) {
		const struct db_placement *p = &m->placement[i];

		fprintf(out, "%s\n    {\"policy\": \"%s\", \"asked\": %s, \"offset\": ", i == 0 ? "" : ",",
			pdk_pcicfg_policy_name(p->policy), p->asked ? "true" : "false");
		if (p->asked && p->rc == 0)
			fprintf(out, "%u, \"error\": null", p->place.offset);
		else if (p->asked)
			fprintf(out, "null, \"error\": \"%s\"", strerrorname_np(-p->rc) != NULL ?
				strerrorname_np(-p->rc) : "?");
		else
			fprintf(out, "null, \"error\": null");
		fprintf(out, ", \"why\": ");
		json_str(out, p->place.why);
		fputc('}', out);
	}
	fprintf(out, "\n  ]\n}\n");
}

void
db_print_layout_check(FILE *out, const struct db_opts *o, const char *a, const char *b,
		      int ndiff, const char *report)
{
	const char *p, *nl;
	bool first = true;

	if (!o->json) {
		fprintf(out, "%s\n  vs %s\n%s%s", a, b, report,
			report[0] != '\0' && report[strlen(report) - 1] == '\n' ? "" : "\n");
		return;
	}
	fprintf(out, "{\"a\": ");
	json_str(out, a);
	fprintf(out, ", \"b\": ");
	json_str(out, b);
	fprintf(out, ", \"compatible\": %s, \"differences\": [", ndiff == 0 ? "true" : "false");
	for (p = report; ndiff > 0 && *p != '\0'; p = nl + (*nl == '\n')) {
		char line[512];
		size_t len;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		len = (size_t)(nl - p) < sizeof(line) - 1 ? (size_t)(nl - p) : sizeof(line) - 1;
		if (len == 0)
			continue;
		memcpy(line, p, len);
		line[len] = '\0';
		fprintf(out, "%s", first ? "" : ", ");
		json_str(out, line);
		first = false;
	}
	fprintf(out, "]}\n");
}
