/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pdk_log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
/* 0: not yet read from the environment; exported for pdk_log_enabled() */
int pdk_log_level_now;
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
	if ((int)level < PDK_LOG_ERR || (int)level > PDK_LOG_DEBUG) {
		pdk_log(PDK_LOG_ERR, "log", "set level: %d is not a level; pass PDK_LOG_ERR (%d) .. PDK_LOG_DEBUG (%d), the level is unchanged",
			(int)level, PDK_LOG_ERR, PDK_LOG_DEBUG);
		return;
	}
	__atomic_store_n(&pdk_log_level_now, level, __ATOMIC_RELAXED);
}

enum pdk_log_level
pdk_log_get_level(void)
{
	int l = __atomic_load_n(&pdk_log_level_now, __ATOMIC_RELAXED);

	if (l == 0) {
		l = level_from_env();
		__atomic_store_n(&pdk_log_level_now, l, __ATOMIC_RELAXED);
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

	/*
	 * A bad argument must not cost the line (it may be the error being
	 * reported): a level outside the enum is logged as ERR, a missing
	 * component or format as "(null)", each with a complaint naming it.
	 */
	if ((int)level < PDK_LOG_ERR || (int)level > PDK_LOG_DEBUG) {
		pdk_log(PDK_LOG_ERR, "log", "a line of %s with level %d, not a level (PDK_LOG_ERR .. PDK_LOG_DEBUG): logged as ERR",
			component != NULL ? component : "(null)", (int)level);
		level = PDK_LOG_ERR;
	}
	if (component == NULL) {
		pdk_log(PDK_LOG_ERR, "log", "a line without a component (NULL): pass the library's or program's name");
		component = "(null)";
	}
	if (fmt == NULL) {
		pdk_log(PDK_LOG_ERR, "log", "a line of %s without a format (NULL)", component);
		return;
	}
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

/* The one shape of a failure line: "<object>: <step>: <errno text> (<rc>); <fix>". */
static void
log_vfail(const char *component, const char *object, int rc, const char *fix,
	  const char *step_fmt, va_list ap)
{
	char step[512];

	if (step_fmt != NULL)
		vsnprintf(step, sizeof(step), step_fmt, ap);
	else
		snprintf(step, sizeof(step), "(null)");
	pdk_log(PDK_LOG_ERR, component != NULL ? component : "(null)", "%s%s%s: %s (%d)%s%s",
		object != NULL ? object : "", object != NULL ? ": " : "", step,
		strerror(rc < 0 ? -rc : rc), rc, fix != NULL ? "; " : "", fix != NULL ? fix : "");
}

int
pdk_log_fail(const char *component, const char *object, int rc, const char *fix,
	     const char *step_fmt, ...)
{
	va_list ap;

	va_start(ap, step_fmt);
	log_vfail(component, object, rc, fix, step_fmt, ap);
	va_end(ap);
	return rc;
}

/* the function behind the macro of pdk_log.h, for callers that name it (pdk_log_null)() */
bool
(pdk_log_null)(const void *p, const char *component, const char *object, const char *fix,
	     const char *step_fmt, ...)
{
	va_list ap;

	if (p != NULL)
		return false;
	va_start(ap, step_fmt);
	log_vfail(component, object, -EINVAL, fix, step_fmt, ap);
	va_end(ap);
	return true;
}
