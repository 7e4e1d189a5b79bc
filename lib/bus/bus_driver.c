/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The driver registry. Drivers register from constructors, which may run
 * while another thread probes (a driver library loaded with dlopen()), so
 * the list is guarded by a mutex.
 */

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "pdk_log.h"
#include "bus_private.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pdk_bus_driver *registry;	/* in registration order */

static struct pdk_bus_driver *
find_locked(const char *name)
{
	struct pdk_bus_driver *d;

	for (d = registry; d != NULL; d = d->next)
		if (strcmp(d->name, name) == 0)
			return d;
	return NULL;
}

void
pdk_bus_driver_register(struct pdk_bus_driver *drv)
{
	struct pdk_bus_driver **pp;
	struct pdk_bus_driver *other;

	if (drv == NULL || drv->name == NULL || drv->probe == NULL) {
		pdk_log_fail("bus", NULL, -EINVAL,
			     "ignored: give the driver a name and a probe() (a driver bug)",
			     "driver registration: NULL %s",
			     drv == NULL ? "driver" : drv->name == NULL ? "name" : "probe()");
		return;
	}
	pthread_mutex_lock(&registry_lock);
	other = find_locked(drv->name);
	if (other == NULL) {
		/* Appended, so that the first driver registered for an ID wins. */
		drv->next = NULL;
		for (pp = &registry; *pp != NULL; pp = &(*pp)->next)
			;
		*pp = drv;
	}
	pthread_mutex_unlock(&registry_lock);
	if (other != NULL && other != drv)
		pdk_log_fail("bus", NULL, -EEXIST, "ignored: is the driver's library loaded twice?",
			     "driver registration: a second driver named %s", drv->name);
}

void
pdk_bus_driver_unregister(struct pdk_bus_driver *drv)
{
	struct pdk_bus_driver **pp;

	if (pdk_log_null(drv, "bus", NULL, BUS_FIX_DRV, "driver unregistration: NULL driver"))
		return;
	pthread_mutex_lock(&registry_lock);
	for (pp = &registry; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == drv) {
			*pp = drv->next;
			drv->next = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

const struct pdk_bus_driver *
pdk_bus_driver_find(const char *name)
{
	const struct pdk_bus_driver *d;

	if (pdk_log_null(name, "bus", NULL, "pass a valid pointer", "driver lookup: NULL name"))
		return NULL;
	pthread_mutex_lock(&registry_lock);
	d = find_locked(name);
	pthread_mutex_unlock(&registry_lock);
	return d;
}

static bool
ids_match(const struct pdk_bus_id *id, uint16_t vendor, uint16_t device)
{
	if (id == NULL)
		return false;
	for (; id->vendor_id != 0; id++)
		if (id->vendor_id == vendor && id->device_id == device)
			return true;
	return false;
}

const struct pdk_bus_driver *
pdk_bus_driver_match(uint16_t vendor, uint16_t device)
{
	const struct pdk_bus_driver *d;

	pthread_mutex_lock(&registry_lock);
	for (d = registry; d != NULL; d = d->next)
		if (ids_match(d->id_table, vendor, device))
			break;
	pthread_mutex_unlock(&registry_lock);
	return d;
}

void
bus_driver_names(char *buf, size_t len)
{
	const struct pdk_bus_driver *d;
	size_t n = 0;

	buf[0] = '\0';
	pthread_mutex_lock(&registry_lock);
	for (d = registry; d != NULL && n < len; d = d->next)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", d->name);
	pthread_mutex_unlock(&registry_lock);
	if (buf[0] == '\0')
		snprintf(buf, len, "none");
}
