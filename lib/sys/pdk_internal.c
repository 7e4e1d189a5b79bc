/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * What the libraries share internally: holder lists (who still depends on
 * an object that is asked to close).
 */

#include <errno.h>
#include <stdio.h>

#include "pdk_internal.h"

/* How many holders a refusal names before it counts the rest. */
#define HOLDERS_NAMED 3

void
pdk_holders_init(struct pdk_holders *h)
{
	pthread_mutex_init(&h->lock, NULL);
	TAILQ_INIT(&h->list);
	h->n = 0;
}

void
pdk_holders_fini(struct pdk_holders *h)
{
	pthread_mutex_destroy(&h->lock);
}

void
pdk_holders_add(struct pdk_holders *h, struct pdk_hold *hold, const char *kind, const char *name,
		bool quoted)
{
	hold->kind = kind;
	hold->name = name;
	hold->quoted = quoted;
	pthread_mutex_lock(&h->lock);
	TAILQ_INSERT_TAIL(&h->list, hold, next);
	h->n++;
	pthread_mutex_unlock(&h->lock);
}

void
pdk_holders_del(struct pdk_holders *h, struct pdk_hold *hold)
{
	pthread_mutex_lock(&h->lock);
	TAILQ_REMOVE(&h->list, hold, next);
	h->n--;
	pthread_mutex_unlock(&h->lock);
}

unsigned int
pdk_holders_count(struct pdk_holders *h)
{
	unsigned int n;

	pthread_mutex_lock(&h->lock);
	n = h->n;
	pthread_mutex_unlock(&h->lock);
	return n;
}

const char *
pdk_holders_describe(struct pdk_holders *h, char *buf, size_t len)
{
	struct pdk_hold *hold;
	unsigned int i = 0;
	size_t off = 0;
	int n;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	pthread_mutex_lock(&h->lock);
	TAILQ_FOREACH(hold, &h->list, next) {
		if (i == HOLDERS_NAMED) {
			n = snprintf(buf + off, len - off, " (and %u more)", h->n - i);
			break;
		}
		n = snprintf(buf + off, len - off, hold->quoted ? "%s%s '%s'" : "%s%s %s",
			     i > 0 ? ", " : "", hold->kind, hold->name);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
		i++;
	}
	pthread_mutex_unlock(&h->lock);
	return buf;
}

const char *
pdk_fd_limit_hint(int rc)
{
	return rc == -EMFILE || rc == -ENFILE ? "too many open files: raise RLIMIT_NOFILE (ulimit -n)"
					     : NULL;
}
