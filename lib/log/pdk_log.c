/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pdk_log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static int log_level; /* 0: not yet read from the environment */
static pdk_log_sink_t log_sink;
static void *log_sink_arg;

static enum pdk_log_level
level_from_env(void)
{
	static const char *const names[] = {"err", "warning", "notice", "info", "debug"};
	const char *v = getenv("PDK_LOG_LEVEL");
	unsigned int i;

	if (v == NULL)
		return PDK_LOG_NOTICE;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(v, names[i]) == 0)
			return PDK_LOG_ERR + i;
	i = (unsigned int)atoi(v);
	if (i >= PDK_LOG_ERR && i <= PDK_LOG_DEBUG)
		return i;
	return PDK_LOG_NOTICE;
}

void
pdk_log_set_level(enum pdk_log_level level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

enum pdk_log_level
pdk_log_get_level(void)
{
	int l = __atomic_load_n(&log_level, __ATOMIC_RELAXED);

	if (l == 0) {
		l = level_from_env();
		__atomic_store_n(&log_level, l, __ATOMIC_RELAXED);
	}
	return l;
}

void
pdk_log_set_sink(pdk_log_sink_t sink, void *arg, pdk_log_sink_t *old_sink, void **old_arg)
{
	pthread_mutex_lock(&log_lock);
	if (old_sink != NULL)
		*old_sink = log_sink;
	if (old_arg != NULL)
		*old_arg = log_sink_arg;
	log_sink = sink;
	log_sink_arg = arg;
	pthread_mutex_unlock(&log_lock);
}

void
pdk_vlog(enum pdk_log_level level, const char *component, const char *fmt, va_list ap)
{
	static const char *const tags[] = {"ERR", "WARN", "NOTICE", "INFO", "DEBUG"};
	char line[1024];

	if ((int)level > (int)pdk_log_get_level())
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	pthread_mutex_lock(&log_lock);
	if (log_sink != NULL)
		log_sink(level, component, line, log_sink_arg);
	else
		fprintf(stderr, "PDK %s %s: %s\n", tags[level - PDK_LOG_ERR], component, line);
	pthread_mutex_unlock(&log_lock);
}

void
pdk_log(enum pdk_log_level level, const char *component, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pdk_vlog(level, component, fmt, ap);
	va_end(ap);
}
