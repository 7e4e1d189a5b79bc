/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_LOG_H
#define PDK_LOG_H

/**
 * @file
 * PDK's log: one line per event, "PDK <component>: <message>", to stderr or
 * to a sink the application installs. Libraries never print to stdout.
 *
 * Every error a library returns is logged first at PDK_LOG_ERR with the
 * device, the step that failed and what the user can do about it; tests
 * install a sink to check that this is so.
 */

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** Log levels, in the order of rte_log's. */
enum pdk_log_level {
	PDK_LOG_ERR = 4,
	PDK_LOG_WARNING = 5,
	PDK_LOG_NOTICE = 6,
	PDK_LOG_INFO = 7,
	PDK_LOG_DEBUG = 8,
};

/**
 * A log sink: receives each formatted line (no trailing newline).
 */
typedef void (*pdk_log_sink_t)(enum pdk_log_level level, const char *component,
			       const char *line, void *arg);

/**
 * Set the most verbose level that is emitted (default PDK_LOG_NOTICE, or the
 * value of the environment variable PDK_LOG_LEVEL: a number 4..8 or one of
 * err, warning, notice, info, debug). A value outside the enum is refused
 * with an ERR line and the level is unchanged.
 * @param level  the most verbose level to emit
 */
void pdk_log_set_level(enum pdk_log_level level);

/** @return the current level. */
enum pdk_log_level pdk_log_get_level(void);

/**
 * Route log lines to @p sink instead of stderr; NULL restores stderr.
 * The previous sink is returned through @p old_sink and @p old_arg when those
 * are not NULL, so that a caller can chain or restore it.
 * @param sink  the new sink, or NULL for stderr
 * @param arg  passed to @p sink with every line
 * @param[out] old_sink  the sink replaced (NULL: stderr); may be NULL
 * @param[out] old_arg  its argument; may be NULL
 */
void pdk_log_set_sink(pdk_log_sink_t sink, void *arg,
		      pdk_log_sink_t *old_sink, void **old_arg);

/**
 * Emit one line; use the PDK_LOG() macro. Bad arguments never lose the
 * line nor crash: a level outside the enum is emitted as PDK_LOG_ERR, a
 * NULL component as "(null)", each with an ERR line saying so; a NULL
 * format emits only that ERR line.
 * @param level  the line's level; emitted if not above pdk_log_get_level()
 * @param component  who logs ("vfio", "dsa", ...): the line's prefix
 * @param fmt  printf format of the message, then its arguments
 */
void pdk_log(enum pdk_log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * va_list variant of pdk_log().
 * @param level  as for pdk_log()
 * @param component  as for pdk_log()
 * @param fmt  as for pdk_log()
 * @param ap  the format's arguments
 */
void pdk_vlog(enum pdk_log_level level, const char *component, const char *fmt,
	      va_list ap) __attribute__((format(printf, 3, 0)));

/** Log at PDK_LOG_<level> for @p component, e.g. PDK_LOG(ERR, "vfio", "..."). */
#define PDK_LOG(level, component, ...) \
	pdk_log(PDK_LOG_##level, component, __VA_ARGS__)

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_LOG_H */
