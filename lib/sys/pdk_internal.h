/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_INTERNAL_H
#define PDK_INTERNAL_H

/*
 * What the libraries of libpdk share among themselves and never export
 * (not installed): the visibility marker, and the holder lists behind
 * PDK's one lifetime rule. (Their refusals of an argument are
 * pdk_log_null() and pdk_log_fail(), public: the drivers use them too.)
 *
 * The rule (doc/guide.md, "Lifetimes"): an object that another handle
 * depends on refuses to close or be destroyed with -EBUSY, changing
 * nothing, and logs which handles still hold it. So no handle can outlive
 * what it points at, and no fd or object id a handle remembers can be
 * closed and reused under it.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#define PDK_INTERNAL __attribute__((visibility("hidden")))

/*
 * A function that only logs a refusal, called from a control-path call's
 * common path: out of line, so that the caller keeps no registers for its
 * arguments, which only the log line needs.
 */
#define PDK_COLD __attribute__((cold, noinline))

/* Branch hints for the checks of a control-path call that the common case passes. */
#define pdk_likely(x) __builtin_expect(!!(x), 1)
#define pdk_unlikely(x) __builtin_expect(!!(x), 0)

/* One handle's hold on another: embedded in the holder, linked into the held. */
struct pdk_hold {
	TAILQ_ENTRY(pdk_hold) next;
	const char *kind;	/* "address space", "device"... */
	const char *name;	/* the holder's own label; must live as long as the hold */
	bool quoted;		/* a user's label ('tenant-a'), not an address */
};

/* Everything that holds one object. */
struct pdk_holders {
	pthread_mutex_t lock;	/* holders may be made from threads of their own */
	TAILQ_HEAD(, pdk_hold) list;
	unsigned int n;
};

PDK_INTERNAL void pdk_holders_init(struct pdk_holders *h);
PDK_INTERNAL void pdk_holders_fini(struct pdk_holders *h);

/*
 * Record that @p hold (of a @p kind named @p name, in quotes when
 * @p quoted) depends on the object of @p h.
 */
PDK_INTERNAL void pdk_holders_add(struct pdk_holders *h, struct pdk_hold *hold,
				  const char *kind, const char *name, bool quoted);

/* Drop a hold recorded with pdk_holders_add(). */
PDK_INTERNAL void pdk_holders_del(struct pdk_holders *h, struct pdk_hold *hold);

/* @return the number of holds on the object. */
PDK_INTERNAL unsigned int pdk_holders_count(struct pdk_holders *h);

/*
 * Describe the holders for a refusal, in the order they came: "device
 * 0000:00:04.0, address space 'a' (and 3 more)". @return @p buf.
 */
PDK_INTERNAL const char *pdk_holders_describe(struct pdk_holders *h, char *buf, size_t len);

/**
 * The fix for a file that could not be opened for want of descriptors
 * (-EMFILE, -ENFILE), the one every library that opens an fd gives;
 * NULL for any other @p rc.
 */
PDK_INTERNAL const char *pdk_fd_limit_hint(int rc);

#endif /* PDK_INTERNAL_H */
