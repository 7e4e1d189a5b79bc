/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The backend registry and the one place where a device name chooses a
 * backend. The kernel backend is built in; others (the simulated kernel of
 * libpdk_sim) register themselves from a constructor when their library is
 * loaded, so a program that only wants the kernel never links them.
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdk_log.h"
#include "pdk_sys_backend.h"
#include "sys_private.h"

#define SYS_MAX_BACKENDS 8

static pthread_mutex_t backends_lock = PTHREAD_MUTEX_INITIALIZER;
static const struct pdk_sys_backend *backends[SYS_MAX_BACKENDS];
static unsigned int nb_backends;

int
pdk_sys_backend_register(const struct pdk_sys_backend *b)
{
	unsigned int i;
	int rc = 0;

	if (b == NULL || b->name == NULL || b->create == NULL || b->destroy == NULL)
		return pdk_log_fail("sys", NULL, -EINVAL,
				    "pass a struct pdk_sys_backend with all of them set",
				    "backend registration: NULL %s",
				    b == NULL ? "backend" : b->name == NULL ? "name" :
				    b->create == NULL ? "create" : "destroy");
	if (strcmp(b->name, PDK_SYS_BACKEND_KERNEL) == 0)
		return pdk_log_fail("sys", NULL, -EINVAL, "give the backend another name",
				    "backend kernel registration: \"kernel\" is built in");
	pthread_mutex_lock(&backends_lock);
	for (i = 0; i < nb_backends; i++)
		if (strcmp(backends[i]->name, b->name) == 0)
			rc = -EEXIST;
	if (rc == 0 && nb_backends == SYS_MAX_BACKENDS)
		rc = -ENOSPC;
	if (rc == 0)
		backends[nb_backends++] = b;
	pthread_mutex_unlock(&backends_lock);
	if (rc == -EEXIST)
		return pdk_log_fail("sys", NULL, rc, "is its library loaded twice?",
				    "backend %s registration: a backend of that name is registered already",
				    b->name);
	if (rc < 0)
		return pdk_log_fail("sys", NULL, rc, "register fewer backends",
				    "backend %s registration: the registry is full (%d)", b->name,
				    SYS_MAX_BACKENDS);
	return 0;
}

static const struct pdk_sys_backend *
sys_backend_find(const char *name)
{
	const struct pdk_sys_backend *b = NULL;
	unsigned int i;

	pthread_mutex_lock(&backends_lock);
	for (i = 0; i < nb_backends; i++)
		if (strcmp(backends[i]->name, name) == 0)
			b = backends[i];
	pthread_mutex_unlock(&backends_lock);
	return b;
}

static bool
sys_name_is_sim(const char *device)
{
	return device == NULL || device[0] == '\0' || strcmp(device, PDK_SYS_BACKEND_SIM) == 0;
}

int
pdk_sys_backend_choose(const char *device, const char **backend, char pci_addr[PDK_PCI_ADDR_LEN])
{
	const char *env = getenv("PDK_BACKEND");

	if (pdk_log_null(backend, "sys", NULL, SYS_FIX_ARGS,
			 "backend choice: NULL backend-name output") ||
	    pdk_log_null(pci_addr, "sys", NULL, SYS_FIX_ARGS, "backend choice: NULL address output"))
		return -EINVAL;
	*backend = NULL;
	pci_addr[0] = '\0';
	if (env != NULL && env[0] != '\0' && strcmp(env, PDK_SYS_BACKEND_SIM) != 0 &&
	    strcmp(env, PDK_SYS_BACKEND_KERNEL) != 0)
		return pdk_log_fail("sys", NULL, -EINVAL, "unset it or give one of those",
				    "backend choice: PDK_BACKEND='%s' is neither 'sim' nor 'kernel'",
				    env);
	if (sys_name_is_sim(device)) {
		if (env != NULL && strcmp(env, PDK_SYS_BACKEND_KERNEL) == 0)
			return pdk_log_fail("sys", NULL, -EINVAL,
					    "give the PCI address of a function bound to vfio-pci",
					    "backend choice: PDK_BACKEND=kernel needs a device");
		*backend = PDK_SYS_BACKEND_SIM;
		return 0;
	}
	/* not "sim": a PCI address, or a mistake the parser explains */
	if (pdk_sys_pci_addr_parse(device, pci_addr) < 0)
		return -EINVAL;
	*backend = env != NULL && strcmp(env, PDK_SYS_BACKEND_SIM) == 0 ? PDK_SYS_BACKEND_SIM
									 : PDK_SYS_BACKEND_KERNEL;
	return 0;
}

int
pdk_sys_backend_open(const char *device, struct pdk_sys **sys, char pci_addr[PDK_PCI_ADDR_LEN])
{
	const struct pdk_sys_backend *b;
	char addr[PDK_PCI_ADDR_LEN], out[PDK_PCI_ADDR_LEN] = "";
	const char *name;
	int rc;

	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "backend open: NULL backend output") ||
	    pdk_log_null(pci_addr, "sys", NULL, SYS_FIX_ARGS, "backend open: NULL address output"))
		return -EINVAL;
	*sys = NULL;
	rc = pdk_sys_backend_choose(device, &name, addr);
	if (rc < 0)
		return rc;
	if (strcmp(name, PDK_SYS_BACKEND_KERNEL) == 0) {
		*sys = pdk_sys_kernel();
		memcpy(pci_addr, addr, sizeof(addr));
		return 0;
	}
	b = sys_backend_find(name);
	if (b == NULL) {
		char fix[160];

		snprintf(fix, sizeof(fix), "link libpdk_%s (pkg-config --libs libpdk_%s), or name a PCI device for the kernel backend",
			 name, name);
		return pdk_log_fail("sys", NULL, -ENOENT, fix, "backend %s open: not in this program",
				    name);
	}
	rc = b->create(addr[0] != '\0' ? addr : NULL, sys, out);
	if (rc < 0)
		return rc;	/* the backend said why */
	memcpy(pci_addr, out, sizeof(out));
	return 0;
}

int
pdk_sys_backend_close(struct pdk_sys *sys)
{
	if (pdk_log_null(sys, "sys", NULL, SYS_FIX_ARGS, "backend close: NULL backend"))
		return -EINVAL;
	if (sys->backend == NULL)
		return 0;	/* the kernel's boundary, or one its creator releases */
	return sys->backend->destroy(sys);
}
