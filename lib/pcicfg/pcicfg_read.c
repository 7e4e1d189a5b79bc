/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Where a config space comes from: lspci text, a file, sysfs `config`, the
 * VFIO config region. Each ends in pdk_pcicfg_parse().
 */

#include <ctype.h>
#include <linux/pci_regs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* linux/vfio.h comes through pdk_uapi.h, which must see it first (pdk_uapi.h says why) */
#include "pcicfg_private.h"

/* a file larger than this is neither a dump nor lspci text of one function */
#define PCICFG_FILE_MAX (64 * 1024)

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower(ch);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * A dump line: 2 or 3 hex digits, ':', then 16 " XX". Returns 1 for one,
 * 0 for another kind of line (lspci's title), -1 for a dump line that is
 * cut or has a bad byte.
 */
static int
dump_line(const char *s, size_t n, unsigned int *off, uint8_t bytes[16])
{
	unsigned int v = 0, i, d = 0;

	while (d < n && d < 4 && hexval((unsigned char)s[d]) >= 0)
		v = v * 16 + (unsigned int)hexval((unsigned char)s[d++]);
	if (d < 2 || d > 3 || d >= n || s[d] != ':' || d + 1 >= n || s[d + 1] != ' ')
		return 0;
	s += d + 1;
	n -= d + 1;
	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (n < 3 || s[0] != ' ')
			return -1;
		hi = hexval((unsigned char)s[1]);
		lo = hexval((unsigned char)s[2]);
		if (hi < 0 || lo < 0)
			return -1;
		bytes[i] = (uint8_t)(hi * 16 + lo);
		s += 3;
		n -= 3;
	}
	while (n > 0 && (*s == ' ' || *s == '\r' || *s == '\t')) {
		s++;
		n--;
	}
	if (n != 0)
		return -1;
	*off = v;
	return 1;
}

int
pdk_pcicfg_parse_lspci(const char *text, struct pdk_pcicfg **cfg)
{
	static const char fix[] = "pass the output of `lspci -s <addr> -xxxx` (one function)";
	uint8_t *cs, bytes[16];
	unsigned int next = 0, lineno = 0, off;
	const char *p;
	int rc;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass where to store the map",
			 "pdk_pcicfg_parse_lspci: NULL cfg") ||
	    pdk_log_null(text, PCICFG_LOG, NULL, fix, "pdk_pcicfg_parse_lspci: NULL text"))
		return -EINVAL;
	*cfg = NULL;
	cs = calloc(1, PDK_PCICFG_SIZE);
	if (cs == NULL)
		return pdk_log_fail(PCICFG_LOG, NULL, -ENOMEM, NULL, "lspci text: allocate");
	for (p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl != NULL ? (size_t)(nl - p) : strlen(p);

		lineno++;
		rc = dump_line(p, n, &off, bytes);
		if (rc < 0) {
			free(cs);
			return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, fix,
					    "lspci text line %u: a dump line without 16 hex bytes", lineno);
		}
		if (rc > 0) {
			if (off == 0 && next != 0) {
				free(cs);
				return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, fix,
						    "lspci text line %u: a second function starts", lineno);
			}
			if (off != next || off >= PDK_PCICFG_SIZE) {
				free(cs);
				return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, fix,
						    "lspci text line %u: offset 0x%x, expected 0x%x",
						    lineno, off, next);
			}
			memcpy(cs + off, bytes, 16);
			next += 16;
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (next < 64) {
		free(cs);
		return pdk_log_fail(PCICFG_LOG, NULL, -EINVAL, fix,
				    "lspci text: %u bytes of config space, at least 64 needed", next);
	}
	rc = pdk_pcicfg_parse(cs, next, cfg);
	free(cs);
	return rc;
}

/* lspci text starts, after an optional title line, with "00: " */
static bool
looks_like_lspci(const char *buf, size_t n)
{
	const char *p = buf;

	if (memchr(buf, '\0', n) != NULL)
		return false;
	if (n >= 4 && strncmp(p, "00: ", 4) == 0)
		return true;
	p = memchr(buf, '\n', n);
	return p != NULL && (size_t)(p + 1 - buf) + 4 <= n && strncmp(p + 1, "00: ", 4) == 0;
}

ssize_t
pcicfg_file_read(const char *path, size_t max, const char *what, char **out)
{
	char *buf = malloc(max + 1);
	size_t total = 0;
	ssize_t n;
	int fd, rc;

	*out = NULL;
	if (buf == NULL)
		return pdk_log_fail(PCICFG_LOG, path, -ENOMEM, NULL, "read %s", what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(buf);
		return pdk_log_fail(PCICFG_LOG, path, rc, "check the path", "open %s", what);
	}
	while (total <= max) {
		n = read(fd, buf + total, max + 1 - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			free(buf);
			return pdk_log_fail(PCICFG_LOG, path, rc, NULL, "read %s", what);
		}
		if (n == 0)
			break;
		total += (size_t)n;
	}
	close(fd);
	if (total > max) {
		free(buf);
		return pdk_log_fail(PCICFG_LOG, path, -EINVAL, NULL, "read %s: larger than %zu bytes",
				    what, max);
	}
	buf[total] = '\0';
	*out = buf;
	return (ssize_t)total;
}

int
pdk_pcicfg_read_file(const char *path, struct pdk_pcicfg **cfg)
{
	ssize_t total;
	char *buf;
	int rc;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass where to store the map",
			 "pdk_pcicfg_read_file: NULL cfg") ||
	    pdk_log_null(path, PCICFG_LOG, NULL, "pass a dump or lspci text file",
			 "pdk_pcicfg_read_file: NULL path"))
		return -EINVAL;
	*cfg = NULL;
	total = pcicfg_file_read(path, PCICFG_FILE_MAX, "a config space file (one function's)",
				 &buf);
	if (total < 0)
		return (int)total;
	if (looks_like_lspci(buf, (size_t)total)) {
		rc = pdk_pcicfg_parse_lspci(buf, cfg);
	} else if (total == 64 || total == PDK_PCICFG_STD_SIZE || total == PDK_PCICFG_SIZE) {
		rc = pdk_pcicfg_parse(buf, (size_t)total, cfg);
	} else {
		rc = pdk_log_fail(PCICFG_LOG, path, -EINVAL,
				  "pass a binary dump of 64, 256 or 4096 bytes, or lspci -xxxx text",
				  "read: %zd bytes that are neither", total);
	}
	free(buf);
	return rc;
}

ssize_t
pcicfg_sysfs_bytes(struct pdk_sys *sys, const char *addr, uint8_t *buf, char *path, size_t plen)
{
	snprintf(path, plen, "/sys/bus/pci/devices/%s/config", addr);
	return pdk_sys_pread_file(sys, path, buf, PDK_PCICFG_SIZE, 0);
}

int
pcicfg_physfn(struct pdk_sys *sys, const char *addr, char pf[PDK_PCI_ADDR_LEN])
{
	char path[96], name[64];
	ssize_t n;

	pf[0] = '\0';
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/physfn", addr);
	n = pdk_sys_link_name(sys, path, name, sizeof(name));
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return (int)n;
	/* quiet: a link that names no address is not a fact about a PF */
	if (pdk_sys_pci_addr_parse(name, pf) < 0) {
		pf[0] = '\0';
		return -EINVAL;
	}
	return 1;
}

/* A hexadecimal sysfs attribute of @p addr ("0x8086"). @return 0 or -errno, not logged. */
static int
attr_hex(struct pdk_sys *sys, const char *addr, const char *attr, unsigned long *val)
{
	char path[96], text[32], *end;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", addr, attr);
	n = pdk_sys_read_file(sys, path, text, sizeof(text));
	if (n < 0)
		return (int)n;
	*val = strtoul(text, &end, 16);
	return end != text && *val <= 0xffff ? 0 : -EINVAL;
}

/*
 * A VF's Vendor ID and Device ID registers read as ffff (SR-IOV): the
 * kernel gives the VF its PF's Vendor ID and the VF Device ID of the PF's
 * SR-IOV capability (drivers/pci/iov.c, pci_iov_add_virtfn()), shows them
 * in sysfs `vendor` and `device`, and vfio-pci writes them into the config
 * space a VFIO user sees (drivers/vfio/pci/vfio_pci_config.c,
 * vfio_config_init()). A guest sees those IDs, and quirk entries name them,
 * so the map of a VF's sysfs config takes them too.
 */
static void
vf_ids(struct pdk_sys *sys, const char *addr, uint8_t *buf)
{
	char pf[PDK_PCI_ADDR_LEN];
	unsigned long v, d;

	if (buf[PCI_VENDOR_ID] != 0xff || buf[PCI_VENDOR_ID + 1] != 0xff ||
	    pcicfg_physfn(sys, addr, pf) != 1 || attr_hex(sys, addr, "vendor", &v) < 0 ||
	    attr_hex(sys, addr, "device", &d) < 0)
		return;
	buf[PCI_VENDOR_ID] = (uint8_t)v;
	buf[PCI_VENDOR_ID + 1] = (uint8_t)(v >> 8);
	buf[PCI_DEVICE_ID] = (uint8_t)d;
	buf[PCI_DEVICE_ID + 1] = (uint8_t)(d >> 8);
}

int
pdk_pcicfg_read_sysfs(struct pdk_sys *sys, const char *pci_addr, struct pdk_pcicfg **cfg)
{
	char path[128], addr[PDK_PCI_ADDR_LEN];
	uint8_t *buf;
	ssize_t n;
	int rc;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass where to store the map",
			 "pdk_pcicfg_read_sysfs: NULL cfg") ||
	    pdk_log_null(sys, PCICFG_LOG, NULL, "open a backend first",
			 "pdk_pcicfg_read_sysfs: NULL sys") ||
	    pdk_log_null(pci_addr, PCICFG_LOG, NULL, "pass a PCI address",
			 "pdk_pcicfg_read_sysfs: NULL pci_addr"))
		return -EINVAL;
	*cfg = NULL;
	rc = pdk_sys_pci_addr_parse(pci_addr, addr);
	if (rc < 0)
		return rc;
	buf = calloc(1, PDK_PCICFG_SIZE);
	if (buf == NULL)
		return pdk_log_fail(PCICFG_LOG, addr, -ENOMEM, NULL, "read its sysfs config");
	n = pcicfg_sysfs_bytes(sys, addr, buf, path, sizeof(path));
	if (n < 0) {
		free(buf);
		return pdk_log_fail(PCICFG_LOG, addr, (int)n, "check that the function exists",
				    "read %s", path);
	}
	if (n < 64) {
		free(buf);
		return pdk_log_fail(PCICFG_LOG, addr, -EIO, NULL, "read %s: %zd bytes, 64 at least",
				    path, n);
	}
	vf_ids(sys, addr, buf);
	rc = pdk_pcicfg_parse(buf, (size_t)n, cfg);
	free(buf);
	return rc;
}

int
pdk_pcicfg_read_vfio(struct pdk_vfio_dev *dev, struct pdk_pcicfg **cfg)
{
	struct pdk_vfio_region reg;
	uint8_t *buf;
	size_t len;
	int rc;

	if (pdk_log_null(cfg, PCICFG_LOG, NULL, "pass where to store the map",
			 "pdk_pcicfg_read_vfio: NULL cfg") ||
	    pdk_log_null(dev, PCICFG_LOG, NULL, "open the device first",
			 "pdk_pcicfg_read_vfio: NULL dev"))
		return -EINVAL;
	*cfg = NULL;
	/* 4096 bytes for PCI Express, 256 for a conventional function */
	rc = pdk_vfio_region_info(dev, VFIO_PCI_CONFIG_REGION_INDEX, &reg);
	if (rc < 0)
		return rc;
	if (reg.size < 64)
		return pdk_log_fail(PCICFG_LOG, pdk_vfio_name(dev), -EIO, NULL,
				    "VFIO config region: %llu bytes, 64 at least",
				    (unsigned long long)reg.size);
	len = reg.size > PDK_PCICFG_SIZE ? PDK_PCICFG_SIZE : (size_t)reg.size;
	buf = calloc(1, PDK_PCICFG_SIZE);
	if (buf == NULL)
		return pdk_log_fail(PCICFG_LOG, pdk_vfio_name(dev), -ENOMEM, NULL,
				    "read the VFIO config region");
	rc = pdk_vfio_config_read(dev, 0, buf, len);
	if (rc == 0)
		rc = pdk_pcicfg_parse(buf, len, cfg);
	free(buf);
	return rc;
}
