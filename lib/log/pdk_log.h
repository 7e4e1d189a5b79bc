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
 * Every error a library or driver returns is logged first, once, at
 * PDK_LOG_ERR with the device, the step that failed and what the user can
 * do about it: one line of pdk_log_fail() (or pdk_log_null()), by the layer
 * that knows the cause. Tests install a sink to check that this is so.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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

/**
 * The level in force, for pdk_log_enabled() only: 0 until the first log
 * call reads PDK_LOG_LEVEL. Read-only: set it with pdk_log_set_level().
 */
extern int pdk_log_level_now;

/**
 * Whether a line of @p level would be emitted: PDK_LOG()'s test, inline so
 * that a line below the level costs a load and a compare, not a call, and
 * its arguments are not evaluated.
 * @param level  a level of the enum
 * @return true when @p level is not above pdk_log_get_level()
 */
static inline bool
pdk_log_enabled(enum pdk_log_level level)
{
	int now = __atomic_load_n(&pdk_log_level_now, __ATOMIC_RELAXED);

	if (__builtin_expect(now == 0, 0))
		now = (int)pdk_log_get_level();
	return (int)level <= now;
}

/**
 * Log at PDK_LOG_<level> for @p component, e.g. PDK_LOG(ERR, "vfio", "...").
 * Below the level nothing is called: the arguments are not evaluated (pass
 * none with side effects). An expression of type void.
 */
#define PDK_LOG(level, component, ...) \
	(pdk_log_enabled(PDK_LOG_##level) ? \
	 pdk_log(PDK_LOG_##level, component, __VA_ARGS__) : (void)0)

/**
 * Report one failure: the one ERR line of PDK's libraries and drivers,
 *
 *     <object>: <step>: <strerror(-rc)> (<rc>); <fix>
 *
 * e.g. "0000:00:04.0: VFIO_DEVICE_BIND_IOMMUFD (iommufd fd 5): Device or
 * resource busy (-16); the IOMMU group is open through ...".
 *
 * A failure is logged once, by the layer that knows its cause (doc/guide.md,
 * "Errors and logs"): a caller that gets -errno back from another PDK call
 * returns it without logging it again.
 *
 * @param component the library or driver ("vfio", "dsa"), as for pdk_log().
 * @param object what failed, as the user names it: a PCI address, "address
 *   space 'a'", an iommufd context's label; NULL when there is none (the
 *   handle itself is missing): the line then starts with the step.
 * @param rc the negative errno returned to the caller.
 * @param fix what the user can do about it; NULL only when there is nothing
 *   to say (the "; <fix>" part is then left out).
 * @param step_fmt printf format of the step that failed: the call or ioctl
 *   and its ids ("IOMMU_IOAS_MAP ioas 3 iova 0x1000 len 4096"), then, after
 *   ": ", what was wrong with it when rc alone does not say.
 * @return @p rc, so that a caller writes "return pdk_log_fail(...);".
 *
 * Bad arguments never lose the line: a NULL component or step is printed
 * as "(null)", and @p rc is returned whatever else is NULL.
 */
int pdk_log_fail(const char *component, const char *object, int rc, const char *fix,
		 const char *step_fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * Refuse a NULL argument: the argument checks of PDK's calls. When @p p is
 * NULL, log as pdk_log_fail() does with -EINVAL, and return true, so that
 * a call answers with -EINVAL or an accessor with its neutral value:
 *
 *     if (pdk_log_null(buf, "sys", NULL, fix, "read: NULL buffer"))
 *             return -EINVAL;
 *
 * The step names the call and the argument ("<call>: NULL <what>"). A
 * non-NULL argument that is otherwise invalid is refused with
 * pdk_log_fail(..., -EINVAL, ...).
 *
 * @param p the argument checked.
 * @param component as for pdk_log_fail().
 * @param object as for pdk_log_fail(); NULL when @p p is the handle itself.
 * @param fix as for pdk_log_fail(): what to pass instead.
 * @param step_fmt as for pdk_log_fail(): the call and the argument.
 * @return true (logged) when @p p is NULL, false (nothing logged) otherwise.
 */
bool pdk_log_null(const void *p, const char *component, const char *object, const char *fix,
		  const char *step_fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * pdk_log_null() as the argument checks call it: the pointer tested
 * inline, so that a check of a pointer that is not NULL costs no call,
 * and the NULL branch's value the constant true (what the function
 * answers for NULL), so that the compiler sees the caller's refusal path
 * end there and keeps none of the caller's values across that call.
 * @p p is evaluated once; (pdk_log_null)(...) calls the function itself.
 * @param p  as for the function pdk_log_null()
 * @param component  as for the function
 * @param object  as for the function
 * @param fix  as for the function
 * @param ...  the step's printf format, then its arguments
 * @return true (logged) when @p p is NULL, false otherwise
 */
#define pdk_log_null(p, component, object, fix, ...) \
	((p) != NULL ? false : \
	 ((void)(pdk_log_null)(NULL, component, object, fix, __VA_ARGS__), true))

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_LOG_H */
