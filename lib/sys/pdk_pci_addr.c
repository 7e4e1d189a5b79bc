/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The project's one PCI address parser. It lives in lib/sys, the lowest
 * library that names devices, so that the sim (backend choice, its
 * functions), lib/vfio, lib/bus and the tools all accept and refuse the same
 * addresses with the same message.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pdk_log.h"
#include "pdk_sys.h"

/*
 * PCI domains are 16 bits on most hosts, but Intel VMD creates domains from
 * 0x10000 up; allow those while keeping the result within PDK_PCI_ADDR_LEN.
 */
#define PCI_DOMAIN_MAX 0xffffffu

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read 1..max_digits hex digits at *p; @return the digit count, 0 if none or too many. */
static unsigned int
hex_field(const char **p, unsigned int max_digits, uint32_t *val)
{
	unsigned int n = 0;
	uint32_t v = 0;
	int d;

	while ((d = hex_digit((*p)[n])) >= 0) {
		if (++n > max_digits)
			return 0;
		v = v * 16 + (uint32_t)d;
	}
	*p += n;
	*val = v;
	return n;
}

#define ADDR_FIX "write DDDD:BB:DD.F or BB:DD.F in hex (bus <= ff, device <= 1f, function <= 7), as lspci -D prints it"

/* @return NULL when @p in is a PCI address (its parts in the out values), else why not. */
static const char *
addr_split(const char *in, uint32_t *domain, uint32_t *bus, uint32_t *devno, uint32_t *fn)
{
	unsigned int na, nb;
	const char *p = in;
	uint32_t a, b;

	na = hex_field(&p, 8, &a);
	if (na == 0 || *p++ != ':')
		return "malformed";
	nb = hex_field(&p, 2, &b);
	if (nb == 0)
		return "malformed";
	if (*p == ':') {
		p++;
		*domain = a;
		*bus = b;
		if (hex_field(&p, 2, devno) == 0)
			return "malformed";
	} else {
		if (na > 2)
			return "bus number beyond ff";
		*domain = 0;
		*bus = a;
		*devno = b;
	}
	if (*p++ != '.' || hex_field(&p, 1, fn) == 0 || *p != '\0')
		return "malformed";
	if (*domain > PCI_DOMAIN_MAX)
		return "domain out of range";
	if (*devno > 0x1f)
		return "device number beyond 1f";
	if (*fn > 7)
		return "function number beyond 7";
	return NULL;
}

int
pdk_sys_pci_addr_parse(const char *in, char out[PDK_PCI_ADDR_LEN])
{
	uint32_t domain, bus, devno, fn;
	const char *why;

	if (pdk_log_null(in, "sys", "PCI address \"(null)\"", ADDR_FIX, "no address"))
		return -EINVAL;
	why = out == NULL ? "NULL output buffer" : addr_split(in, &domain, &bus, &devno, &fn);
	if (why != NULL)
		return pdk_log_fail("sys", NULL, -EINVAL, ADDR_FIX, "PCI address \"%.32s\": %s", in,
				    why);
	snprintf(out, PDK_PCI_ADDR_LEN, "%04x:%02x:%02x.%x", domain, bus, devno, fn);
	return 0;
}
