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
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#if defined(__SANITIZE_ADDRESS__)
#define PDK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PDK_ASAN 1
#endif
#endif
#ifdef PDK_ASAN
#include <sanitizer/asan_interface.h>
#endif

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

/*
 * A few freed objects of one kind kept for reuse, so that a create/destroy
 * cycle on the control path costs no malloc and free. While spare, an
 * object holds the link in its first pointer-sized bytes and is poisoned
 * for ASan, so that a use after its release is still caught.
 */
struct pdk_spares {
	void *head;
	unsigned int n;
};

/* A spare object of @p size bytes (its contents undefined), or NULL when none is kept. */
static inline void *
pdk_spares_take(struct pdk_spares *s, size_t size)
{
	void *o = s->head;

	if (o == NULL)
		return NULL;
#ifdef PDK_ASAN
	ASAN_UNPOISON_MEMORY_REGION(o, size);
#else
	(void)size;
#endif
	memcpy(&s->head, o, sizeof(s->head));
	s->n--;
	return o;
}

/* Keep @p o (@p size bytes) for a later take, or free it when @p max are kept. */
static inline void
pdk_spares_put(struct pdk_spares *s, void *o, size_t size, unsigned int max)
{
	if (s->n >= max) {
		free(o);
		return;
	}
	memcpy(o, &s->head, sizeof(s->head));
	s->head = o;
	s->n++;
#ifdef PDK_ASAN
	ASAN_POISON_MEMORY_REGION(o, size);
#else
	(void)size;
#endif
}

/* Free every spare object (of @p size bytes). */
static inline void
pdk_spares_free(struct pdk_spares *s, size_t size)
{
	void *o;

	while ((o = pdk_spares_take(s, size)) != NULL)
		free(o);
}

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
