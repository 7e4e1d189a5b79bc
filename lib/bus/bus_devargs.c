/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Device arguments, "ADDRESS[,key=value...]": the allowlist, the arguments
 * a driver reads, and the check of their keys against the driver's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "bus_private.h"

#define DEVARGS_FORM "write ADDRESS[,key=value...], e.g. 0000:6a:01.0,max_queues=4"

void
bus_args_free(struct pdk_bus_dev *dev)
{
	free(dev->argbuf);
	dev->argbuf = NULL;
	dev->nargs = 0;
}

/*
 * Split "k=v,k=v" (in place) into @p args. Errors name the whole device
 * argument (@p what: 'device argument "..."'), since the user typed that and
 * not our split of it.
 */
static int
args_split(const char *what, char *s, struct bus_arg *args, unsigned int *nargs)
{
	unsigned int n = 0, i;
	char *tok, *next, *eq;
	char fix[128];

	for (tok = s; tok != NULL; tok = next) {
		next = strchr(tok, ',');
		if (next != NULL)
			*next++ = '\0';
		if (*tok == '\0')
			return pdk_log_fail("bus", what, -EINVAL, DEVARGS_FORM,
					    "an empty key=value pair (two commas in a row, or one at the end)");
		eq = strchr(tok, '=');
		if (eq == NULL) {
			snprintf(fix, sizeof(fix), "write %.64s=VALUE", tok);
			return pdk_log_fail("bus", what, -EINVAL, fix, "'%s' has no value", tok);
		}
		*eq = '\0';
		if (*tok == '\0') {
			snprintf(fix, sizeof(fix), "write KEY=%.64s", eq + 1);
			return pdk_log_fail("bus", what, -EINVAL, fix, "'=%s' has no key", eq + 1);
		}
		if (eq[1] == '\0') {
			snprintf(fix, sizeof(fix), "write %.64s=VALUE, or leave the key out for its default",
				 tok);
			return pdk_log_fail("bus", what, -EINVAL, fix, "'%s=' has an empty value",
					    tok);
		}
		for (i = 0; i < n; i++)
			if (strcmp(args[i].key, tok) == 0)
				return pdk_log_fail("bus", what, -EINVAL, "give each key once",
						    "'%s' given twice", tok);
		if (n == PDK_BUS_MAX_ARGS)
			return pdk_log_fail("bus", what, -EINVAL, DEVARGS_FORM,
					    "more than %d key=value pairs", PDK_BUS_MAX_ARGS);
		args[n].key = tok;
		args[n].value = eq + 1;
		n++;
	}
	*nargs = n;
	return 0;
}

int
pdk_bus_allow(struct pdk_bus *bus, const char *devargs)
{
	struct bus_arg args[PDK_BUS_MAX_ARGS];
	char addr[PDK_PCI_ADDR_LEN];
	struct pdk_bus_dev *dev;
	unsigned int nargs = 0;
	char *copy, *comma;
	char what[256];
	int rc;

	if (pdk_log_null(bus, "bus", NULL, BUS_FIX_BUS, "allow: NULL bus"))
		return -EINVAL;
	if (devargs == NULL || devargs[0] == '\0')
		return pdk_log_fail("bus", NULL, -EINVAL, DEVARGS_FORM,
				    "allow: empty device argument");
	snprintf(what, sizeof(what), "device argument \"%.200s\"", devargs);
	copy = strdup(devargs);
	if (copy == NULL)
		return pdk_log_fail("bus", what, -ENOMEM, "free some memory", "allow: a copy");
	comma = strchr(copy, ',');
	if (comma != NULL)
		*comma = '\0';
	/* A bad address is logged by the parser, with the accepted forms. */
	rc = pdk_vfio_pci_addr_parse(copy, addr);
	if (rc == 0 && comma != NULL)
		rc = args_split(what, comma + 1, args, &nargs);
	if (rc < 0)
		goto fail;

	dev = bus_dev_lookup(bus, addr);
	if (dev == NULL) {
		rc = pdk_log_fail("bus", addr, -ENODEV,
				  "check the address (lspci -D) and scan before allowing",
				  "allow: no such PCI function on the %s bus (the scan found %u)",
				  pdk_sys_name(bus->sys), bus->ndevs);
		goto fail;
	}
	if (dev->state == PDK_BUS_DEV_PROBED) {
		rc = pdk_log_fail("bus", addr, -EBUSY,
				  "remove it (pdk_bus_dev_remove()) before allowing it again",
				  "allow: already probed by driver %s", dev->driver->name);
		goto fail;
	}
	/* Allowing a device again replaces its arguments: the last -a wins. */
	bus_args_free(dev);
	if (nargs > 0) {
		/* keys and values already point into copy, past the address */
		dev->argbuf = copy;
		memcpy(dev->args, args, nargs * sizeof(args[0]));
		dev->nargs = nargs;
	} else {
		free(copy);
	}
	dev->allowed = true;
	return 0;
fail:
	free(copy);
	return rc;
}

const char *
pdk_bus_dev_arg(const struct pdk_bus_dev *dev, const char *key)
{
	unsigned int i;

	if (pdk_log_null(dev, "bus", NULL, BUS_FIX_DEV, "device argument: NULL device") ||
	    pdk_log_null(key, "bus", NULL, "pass a valid pointer", "device argument: NULL key"))
		return NULL;
	for (i = 0; i < dev->nargs; i++)
		if (strcmp(dev->args[i].key, key) == 0)
			return dev->args[i].value;
	return NULL;
}

static bool
is_digit_of(char c, int base)
{
	if (c >= '0' && c <= '9')
		return true;
	return base == 16 && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

/*
 * Decimal, or hex after 0x; no sign, blank or suffix.
 * @return 0, -EINVAL (not a number) or -ERANGE (beyond 32 bits).
 */
static int
parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v;
	const char *digits = s;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		digits = s + 2;
		base = 16;
	}
	/* strtoull() would accept a sign or leading blanks */
	if (!is_digit_of(digits[0], base))
		return -EINVAL;
	errno = 0;
	v = strtoull(digits, &end, base);
	if (*end != '\0')
		return -EINVAL;
	if (errno == ERANGE || v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int
pdk_bus_dev_arg_u32(const struct pdk_bus_dev *dev, const char *key, uint32_t def, uint32_t min,
		    uint32_t max, uint32_t *out)
{
	const char *s;
	uint32_t v;
	int rc;

	if (dev == NULL || key == NULL || out == NULL)
		return pdk_log_fail("bus", dev != NULL ? dev->name : NULL, -EINVAL,
				    "pass a device, a key and a result pointer (a driver bug)",
				    "argument %s: NULL %s", key != NULL ? key : "(null)",
				    dev == NULL ? "device" : key == NULL ? "key" : "result pointer");
	s = pdk_bus_dev_arg(dev, key);
	if (s == NULL) {
		*out = def;
		return 0;
	}
	rc = parse_u32(s, &v);
	if (rc == -EINVAL)
		return pdk_log_fail("bus", dev->name, -EINVAL,
				    "write it in decimal or as 0x-prefixed hex",
				    "argument %s=%s: not a number: must be %u..%u", key, s, min,
				    max);
	if (rc < 0 || v < min || v > max)
		return pdk_log_fail("bus", dev->name, -EINVAL, "give a value in that range",
				    "argument %s=%s: must be %u..%u", key, s, min, max);
	*out = v;
	return 0;
}

static bool
spec_has(const struct pdk_bus_arg_spec *spec, const char *key)
{
	for (; spec != NULL && spec->key != NULL; spec++)
		if (strcmp(spec->key, key) == 0)
			return true;
	return false;
}

/* "key (help), key (help)": what the driver accepts, cut to fit a log line. */
static void
spec_list(const struct pdk_bus_arg_spec *spec, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (; spec != NULL && spec->key != NULL && n < len; spec++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s (%s)", n > 0 ? ", " : "", spec->key,
				      spec->help != NULL ? spec->help : "no help");
}

int
bus_args_check(const struct pdk_bus_dev *dev, const struct pdk_bus_driver *drv)
{
	char accepted[640], fix[660];
	unsigned int i;

	for (i = 0; i < dev->nargs; i++) {
		if (spec_has(drv->args, dev->args[i].key))
			continue;
		spec_list(drv->args, accepted, sizeof(accepted));
		if (accepted[0] == '\0')
			return pdk_log_fail("bus", dev->name, -EINVAL,
					    "it accepts none: allow the device by its address alone",
					    "unknown argument '%s' for driver %s", dev->args[i].key,
					    drv->name);
		snprintf(fix, sizeof(fix), "it accepts: %s", accepted);
		return pdk_log_fail("bus", dev->name, -EINVAL, fix,
				    "unknown argument '%s' for driver %s", dev->args[i].key,
				    drv->name);
	}
	return 0;
}
