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
