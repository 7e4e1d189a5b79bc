/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Address spaces: as create <name>, as map <name> <size>, as unmap <name>
 * <iova>, as show [<name>], as destroy <name>, as demand <name> <size>,
 * as replace <dev_id> <q> <name>, show fault stats. Each is a lib/dma
 * address space (an IOAS) in the bus's iommufd context; the buffers are
 * anonymous memory that this application mmaps and maps, so DPDK's memory
 * plays no part in the DMA.
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmdline_parse_string.h>

#include "testpmd.h"

/* Largest buffer one "as map" makes. */
#define TP_MAX_MAP (UINT64_C(1) << 30)

struct tp_as *
tp_as_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < TP_MAX_AS; i++)
		if (tp.as[i] != NULL && strcmp(tp.as[i]->name, name) == 0)
			return tp.as[i];
	return NULL;
}

struct tp_as *
tp_as_of(const struct pdk_dma_as *as)
{
	unsigned int i;

	for (i = 0; i < TP_MAX_AS; i++)
		if (tp.as[i] != NULL && tp.as[i]->as == as)
			return tp.as[i];
	return NULL;
}

unsigned int
tp_as_count(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < TP_MAX_AS; i++)
		n += tp.as[i] != NULL;
	return n;
}

static bool
name_ok(const char *name)
{
	const char *p;

	if (name[0] == '\0' || strlen(name) >= TP_NAME_LEN)
		return false;
	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

int
tp_as_create(const char *name, struct tp_as **out)
{
	struct tp_as *a;
	unsigned int i;
	int rc;

	if (!name_ok(name)) {
		tp_err("address space name '%s': use 1..%d letters, digits, '_', '-', '.'",
		       name, TP_NAME_LEN - 1);
		return -EINVAL;
	}
	if (tp_as_find(name) != NULL) {
		tp_err("address space %s exists", name);
		return -EEXIST;
	}
	for (i = 0; i < TP_MAX_AS && tp.as[i] != NULL; i++)
		;
	if (i == TP_MAX_AS) {
		tp_err("too many address spaces (%d): destroy one first", TP_MAX_AS);
		return -ENOSPC;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	snprintf(a->name, sizeof(a->name), "%s", name);
	rc = pdk_dma_as_create(tp.ictx, name, &a->as);
	if (rc < 0) {
		tp_err("as create %s: %s", name, strerror(-rc));
		free(a);
		return rc;
	}
	tp.as[i] = a;
	if (out != NULL)
		*out = a;
	return 0;
}

int
tp_as_buf_mmap(const struct tp_as *a, size_t *len, void **va)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	int rc;

	if (a->nb_bufs == TP_MAX_BUFS) {
		tp_err("%s: %d buffers already: unmap one first", a->name, TP_MAX_BUFS);
		return -ENOSPC;
	}
	*len = (*len + pg - 1) / pg * pg;
	*va = mmap(NULL, *len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (*va == MAP_FAILED) {
		rc = -errno;
		tp_err("%s: mmap of %zu bytes: %s", a->name, *len, strerror(-rc));
		return rc;
	}
	return 0;
}

static int
as_map(struct tp_as *a, size_t len, const uint64_t *at, struct tp_buf **out)
{
	struct tp_buf *b;
	void *va;
	int rc;

	rc = tp_as_buf_mmap(a, &len, &va);
	if (rc < 0)
		return rc;
	b = &a->bufs[a->nb_bufs];
	memset(b, 0, sizeof(*b));
	if (at != NULL) {
		b->iova = *at;
		rc = pdk_dma_map_iova(a->as, va, len, *at, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE);
	} else {
		rc = pdk_dma_map(a->as, va, len, PDK_IOMMUFD_READ | PDK_IOMMUFD_WRITE, &b->iova);
	}
	if (rc < 0) {
		if (at != NULL)
			tp_err("as map %s %zu at IOVA 0x%" PRIx64 ": %s", a->name, len, *at,
			       strerror(-rc));
		else
			tp_err("as map %s %zu: %s", a->name, len, strerror(-rc));
		munmap(va, len);
		return rc;
	}
	b->va = va;
	b->len = len;
	a->nb_bufs++;
	if (out != NULL)
		*out = b;
	return 0;
}

int
tp_as_map(struct tp_as *a, size_t len, struct tp_buf **out)
{
	return as_map(a, len, NULL, out);
}

int
tp_as_map_at(struct tp_as *a, size_t len, uint64_t iova, struct tp_buf **out)
{
	return as_map(a, len, &iova, out);
}

/* Forget buffer @p i of @p a (unmapped already) and free its memory. */
static void
buf_drop(struct tp_as *a, unsigned int i)
{
	munmap(a->bufs[i].va, a->bufs[i].len);
	memmove(&a->bufs[i], &a->bufs[i + 1], sizeof(a->bufs[0]) * (a->nb_bufs - i - 1));
	a->nb_bufs--;
}

/* Queues (of any device) bound to @p a, as "dev/q dev/q"; "" when none. */
static void
as_users(const struct tp_as *a, char *buf, size_t len)
{
	struct pdk_dmadev_queue_info qi;
	size_t off = 0;
	uint16_t q;
	int id;

	buf[0] = '\0';
	for (id = pdk_dmadev_next(0); id >= 0; id = pdk_dmadev_next(id + 1))
		for (q = 0; q < PDK_DMADEV_MAX_QUEUES; q++)
			if (tp_queue_info(id, q, &qi) == 0 && qi.as == a->as && off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%d/%u",
							off != 0 ? " " : "", id, q);
}

int
tp_as_destroy(struct tp_as *a)
{
	char users[256];
	unsigned int i;
	int rc;

	rc = pdk_dma_as_destroy(a->as);
	if (rc < 0) {
		as_users(a, users, sizeof(users));
		if (rc == -EBUSY && users[0] != '\0')
			tp_err("as destroy %s: %s: used by queue(s) %s (queue release first)",
			       a->name, strerror(-rc), users);
		else
			tp_err("as destroy %s: %s", a->name, strerror(-rc));
		return rc;
	}
	/* pdk_dma_as_destroy() unmapped everything: the memory can go */
	for (i = 0; i < a->nb_bufs; i++)
		munmap(a->bufs[i].va, a->bufs[i].len);
	for (i = 0; i < TP_MAX_AS; i++)
		if (tp.as[i] == a)
			tp.as[i] = NULL;
	free(a);
	return 0;
}

/* ---- commands ---- */

struct res_as {
	cmdline_fixed_string_t as;
	cmdline_fixed_string_t op;
	char name[TP_ARG_LEN];
	char value[TP_ARG_LEN];
	cmdline_fixed_string_t at;
	char iova[TP_ARG_LEN];
};

static struct tp_as *
find_or_err(const char *name)
{
	struct tp_as *a = tp_as_find(name);

	if (a == NULL)
		tp_err("no address space %s ('as show' lists them)", name);
	return a;
}

static void
cmd_as_create(void *res)
{
	struct res_as *r = res;
	struct tp_as *a;

	if (tp_as_create(r->name, &a) == 0)
		printf("address space %s created: IOAS %u\n", a->name, pdk_dma_as_ioas_id(a->as));
}

static void
cmd_as_map(void *res)
{
	struct res_as *r = res;
	struct tp_buf *b;
	struct tp_as *a;
	uint64_t len;

	if ((a = find_or_err(r->name)) == NULL)
		return;
	if (tp_parse_size(r->value, "size", 1, TP_MAX_MAP, &len) < 0)
		return;
	if (tp_as_map(a, (size_t)len, &b) == 0)
		printf("%s: mapped %zu bytes at IOVA 0x%" PRIx64 " (VA %p)\n", a->name, b->len,
		       b->iova, (void *)b->va);
}

static void
cmd_as_map_at(void *res)
{
	struct res_as *r = res;
	uint64_t len, iova;
	struct tp_buf *b;
	struct tp_as *a;

	if ((a = find_or_err(r->name)) == NULL)
		return;
	if (tp_parse_size(r->value, "size", 1, TP_MAX_MAP, &len) < 0 ||
	    tp_parse_u64(r->iova, "IOVA", 0, UINT64_MAX, &iova) < 0)
		return;
	if (iova % 4096 != 0) {
		tp_err("IOVA 0x%" PRIx64 " is not page aligned (4096)", iova);
		return;
	}
	if (tp_as_map_at(a, (size_t)len, iova, &b) == 0)
		printf("%s: mapped %zu bytes at IOVA 0x%" PRIx64 " (VA %p)%s\n", a->name, b->len,
		       b->iova, (void *)b->va, tp.running ? " (traffic running)" : "");
}

static void
cmd_as_unmap(void *res)
{
	struct res_as *r = res;
	struct tp_as *a;
	struct tp_buf b;
	uint64_t iova;
	unsigned int i;
	int rc;

	if ((a = find_or_err(r->name)) == NULL)
		return;
	if (tp_parse_u64(r->value, "IOVA", 0, UINT64_MAX, &iova) < 0)
		return;
	for (i = 0; i < a->nb_bufs && a->bufs[i].iova != iova; i++)
		;
	if (i == a->nb_bufs) {
		tp_err("%s: nothing mapped by pdk-testpmd at IOVA 0x%" PRIx64
		       " ('as show %s' lists the buffers)", a->name, iova, a->name);
		return;
	}
	if (a->bufs[i].demand) {
		tp_err("%s: the on-demand buffer at IOVA 0x%" PRIx64 " stays until 'as destroy %s'",
		       a->name, iova, a->name);
		return;
	}
	/* a buffer no queue's traffic works on can go while traffic runs */
	if (tp_traffic_uses(a, iova)) {
		tp_err("as unmap: traffic is running over the buffer at IOVA 0x%" PRIx64
		       ": stop first", iova);
		return;
	}
	b = a->bufs[i];
	rc = pdk_dma_unmap(a->as, b.va);
	if (rc < 0) {
		tp_err("as unmap %s 0x%" PRIx64 ": %s", a->name, iova, strerror(-rc));
		return;
	}
	buf_drop(a, i);
	printf("%s: unmapped %zu bytes at IOVA 0x%" PRIx64 "%s\n", a->name, b.len, iova,
	       tp.running ? " (traffic running)" : "");
}

static void
as_show(const struct tp_as *a)
{
	char users[256];
	unsigned int i;

	as_users(a, users, sizeof(users));
	printf("%s: IOAS %u, %u mapping%s (%u buffer%s of pdk-testpmd), queues: %s\n", a->name,
	       pdk_dma_as_ioas_id(a->as), pdk_dma_as_map_count(a->as),
	       pdk_dma_as_map_count(a->as) == 1 ? "" : "s", a->nb_bufs,
	       a->nb_bufs == 1 ? "" : "s", users[0] != '\0' ? users : "none");
	for (i = 0; i < a->nb_bufs; i++) {
		const struct tp_buf *b = &a->bufs[i];
		unsigned int pg = 0;
		size_t off;

		printf("  buffer IOVA 0x%" PRIx64 "  len %zu  VA %p", b->iova, b->len, (void *)b->va);
		if (b->demand) {
			for (off = 0; off < b->len; off += 4096)
				pg += pdk_dma_va2iova_strict(a->as, b->va + off) != PDK_DMA_BAD_IOVA;
			printf("  on demand: %u of %zu pages mapped", pg, b->len / 4096);
		}
		printf("\n");
	}
}

static void
cmd_as_show_all(void *res)
{
	unsigned int i, n = tp_as_count();

	(void)res;
	printf("%u address space%s\n", n, n == 1 ? "" : "s");
	for (i = 0; i < TP_MAX_AS; i++)
		if (tp.as[i] != NULL)
			as_show(tp.as[i]);
}

static void
cmd_as_show(void *res)
{
	struct res_as *r = res;
	struct tp_as *a;

	if ((a = find_or_err(r->name)) != NULL)
		as_show(a);
}

static void
cmd_as_destroy(void *res)
{
	struct res_as *r = res;
	struct tp_as *a;
	char name[TP_NAME_LEN];

	if ((a = find_or_err(r->name)) == NULL)
		return;
	if (tp.running) {
		tp_err("as destroy: traffic is running: stop first");
		return;
	}
	snprintf(name, sizeof(name), "%s", a->name);
	if (tp_as_destroy(a) == 0)
		printf("address space %s destroyed\n", name);
}

static void
cmd_as_demand(void *res)
{
	struct res_as *r = res;
	struct tp_buf *b;
	struct tp_as *a;
	uint64_t len;

	if ((a = find_or_err(r->name)) == NULL)
		return;
	if (tp_parse_size(r->value, "size", 1, TP_MAX_MAP, &len) < 0)
		return;
	if (tp_faults_demand(a, (size_t)len, &b) == 0)
		printf("%s: %zu bytes at IOVA 0x%" PRIx64 " mapped on demand (a page at each "
		       "fault; nothing mapped yet)\n", a->name, b->len, b->iova);
}

struct res_replace {
	cmdline_fixed_string_t as;
	cmdline_fixed_string_t op;
	char dev[TP_ARG_LEN];
	char q[TP_ARG_LEN];
	char name[TP_ARG_LEN];
};

/* The buffer of @p a at @p iova holding at least @p len bytes, or NULL. */
static struct tp_buf *
buf_at(struct tp_as *a, uint64_t iova, size_t len)
{
	unsigned int i;

	for (i = 0; i < a->nb_bufs; i++)
		if (a->bufs[i].iova == iova && a->bufs[i].len >= len)
			return &a->bufs[i];
	return NULL;
}

/*
 * Move a queue's PASID to another space. With traffic running the queue's
 * worker is held between two bursts for it (a PASID replace is not hitless
 * on every IOMMU: doc/testpmd.md, "Replacing a queue's address space"),
 * and the new space gets a buffer at the IOVA the queue works on unless it
 * has one; the other queues do not stop.
 */
static void
cmd_as_replace(void *res)
{
	struct res_replace *r = res;
	struct pdk_dmadev_queue_info qi;
	struct tp_buf *b = NULL;
	struct tp_as *a, *old;
	bool held = false, made = false;
	uint64_t q, iova = 0;
	size_t len = 0;
	int id, rc;

	if (tp_parse_dev(r->dev, &id) < 0 ||
	    tp_parse_u64(r->q, "queue", 0, PDK_DMADEV_MAX_QUEUES - 1, &q) < 0)
		return;
	if (tp_queue_info(id, (uint16_t)q, &qi) != 0) {
		tp_err("device %d queue %" PRIu64 " is not set up ('show device %d' lists them)", id,
		       q, id);
		return;
	}
	if ((a = find_or_err(r->name)) == NULL)
		return;
	old = tp_as_of(qi.as);
	if (qi.as == a->as) {
		printf("device %d queue %" PRIu64 ": PASID %u is in address space %s already\n", id,
		       q, qi.pasid, a->name);
		return;
	}
	rc = tp.running ? tp_traffic_hold(id, (uint16_t)q, &iova, &len) : -ENOENT;
	if (rc == -ETIMEDOUT) {
		tp_err("as replace: device %d queue %" PRIu64 ": its ops did not complete; nothing "
		       "changed", id, q);
		return;
	}
	held = rc == 0;
	if (held && (b = buf_at(a, iova, len)) == NULL) {
		if (tp_as_map_at(a, len, iova, &b) < 0)
			goto out;
		made = true;
	}
	rc = pdk_dmadev_queue_replace_as(id, (uint16_t)q, a->as);
	if (rc < 0) {
		tp_err("as replace: device %d queue %" PRIu64 " to %s: %s; it stays in %s", id, q,
		       a->name, strerror(-rc), old != NULL ? old->name : "its space");
		if (made) {
			pdk_dma_unmap(a->as, b->va);
			buf_drop(a, (unsigned int)(b - a->bufs));
		}
		b = NULL;
		goto out;
	}
	printf("device %d queue %" PRIu64 ": PASID %u now in address space %s (was %s)\n", id, q,
	       qi.pasid, a->name, old != NULL ? old->name : "?");
	if (made)
		printf("  %s: mapped %zu bytes at IOVA 0x%" PRIx64 " (VA %p), where the queue's "
		       "traffic works\n", a->name, b->len, b->iova, (void *)b->va);
	if (held)
		printf("  traffic on the queue held for the replace, every op completed, then "
		       "resumed; the other queues ran on\n");
out:
	if (held)
		tp_traffic_release(id, (uint16_t)q, b != NULL ? b->va : NULL);
}

static void
cmd_fault_stats(void *res)
{
	(void)res;
	tp_faults_show();
}

static struct tp_cmd_def def_create = { cmd_as_create };
static struct tp_cmd_def def_map_at = { cmd_as_map_at };
static struct tp_cmd_def def_demand = { cmd_as_demand };
static struct tp_cmd_def def_replace = { cmd_as_replace };
static struct tp_cmd_def def_fault_stats = { cmd_fault_stats };
static struct tp_cmd_def def_map = { cmd_as_map };
static struct tp_cmd_def def_unmap = { cmd_as_unmap };
static struct tp_cmd_def def_show_all = { cmd_as_show_all };
static struct tp_cmd_def def_show = { cmd_as_show };
static struct tp_cmd_def def_destroy = { cmd_as_destroy };

static cmdline_parse_token_string_t tok_as = TOKEN_STRING_INITIALIZER(struct res_as, as, "as");
static cmdline_parse_token_string_t tok_create =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "create");
static cmdline_parse_token_string_t tok_map = TOKEN_STRING_INITIALIZER(struct res_as, op, "map");
static cmdline_parse_token_string_t tok_unmap =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "unmap");
static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "show");
static cmdline_parse_token_string_t tok_destroy =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "destroy");
/* a new name is not completed from the existing ones */
static struct tp_token tok_newname = TP_TOKEN_WORD(struct res_as, name, "<name>");
static struct tp_token tok_name = TP_TOKEN_AS(struct res_as, name);
static struct tp_token tok_size = TP_TOKEN_WORD(struct res_as, value, "<size>");
static struct tp_token tok_iova = TP_TOKEN_WORD(struct res_as, value, "<iova>");
static cmdline_parse_token_string_t tok_at = TOKEN_STRING_INITIALIZER(struct res_as, at, "at");
static struct tp_token tok_at_iova = TP_TOKEN_WORD(struct res_as, iova, "<iova>");
static cmdline_parse_token_string_t tok_demand =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "demand");
static cmdline_parse_token_string_t tok_r_as =
	TOKEN_STRING_INITIALIZER(struct res_replace, as, "as");
static cmdline_parse_token_string_t tok_replace =
	TOKEN_STRING_INITIALIZER(struct res_replace, op, "replace");
static struct tp_token tok_r_dev = TP_TOKEN_WORD(struct res_replace, dev, "<dev_id>");
static struct tp_token tok_r_q = TP_TOKEN_WORD(struct res_replace, q, "<q>");
static struct tp_token tok_r_name = TP_TOKEN_AS(struct res_replace, name);
static cmdline_parse_token_string_t tok_f_show =
	TOKEN_STRING_INITIALIZER(struct res_as, as, "show");
static cmdline_parse_token_string_t tok_f_fault =
	TOKEN_STRING_INITIALIZER(struct res_as, op, "fault");
static cmdline_parse_token_string_t tok_f_stats =
	TOKEN_STRING_INITIALIZER(struct res_as, name, "stats");

static cmdline_parse_inst_t inst_map_at = {
	.f = tp_cmd_dispatch,
	.data = &def_map_at,
	.help_str = "as map <name> <size> at <iova>: the same at an IOVA of your choice",
	.tokens = { (void *)&tok_as, (void *)&tok_map, (void *)&tok_name, (void *)&tok_size,
		    (void *)&tok_at, (void *)&tok_at_iova, NULL },
};

static cmdline_parse_inst_t inst_demand = {
	.f = tp_cmd_dispatch,
	.data = &def_demand,
	.help_str = "as demand <name> <size>: a buffer mapped a page at a time, at each fault",
	.tokens = { (void *)&tok_as, (void *)&tok_demand, (void *)&tok_name, (void *)&tok_size,
		    NULL },
};

static cmdline_parse_inst_t inst_replace = {
	.f = tp_cmd_dispatch,
	.data = &def_replace,
	.help_str = "as replace <dev_id> <q> <as-name>: move the queue's PASID to that space",
	.tokens = { (void *)&tok_r_as, (void *)&tok_replace, (void *)&tok_r_dev, (void *)&tok_r_q,
		    (void *)&tok_r_name, NULL },
};

static cmdline_parse_inst_t inst_fault_stats = {
	.f = tp_cmd_dispatch,
	.data = &def_fault_stats,
	.help_str = "show fault stats: I/O page faults per queue (PASID) and address space",
	.tokens = { (void *)&tok_f_show, (void *)&tok_f_fault, (void *)&tok_f_stats, NULL },
};

static cmdline_parse_inst_t inst_create = {
	.f = tp_cmd_dispatch,
	.data = &def_create,
	.help_str = "as create <name>: a new address space (IOAS)",
	.tokens = { (void *)&tok_as, (void *)&tok_create, (void *)&tok_newname, NULL },
};

static cmdline_parse_inst_t inst_map = {
	.f = tp_cmd_dispatch,
	.data = &def_map,
	.help_str = "as map <name> <size>: mmap a buffer and map it, print its IOVA",
	.tokens = { (void *)&tok_as, (void *)&tok_map, (void *)&tok_name, (void *)&tok_size,
		    NULL },
};

static cmdline_parse_inst_t inst_unmap = {
	.f = tp_cmd_dispatch,
	.data = &def_unmap,
	.help_str = "as unmap <name> <iova>: unmap and free a buffer",
	.tokens = { (void *)&tok_as, (void *)&tok_unmap, (void *)&tok_name, (void *)&tok_iova,
		    NULL },
};

static cmdline_parse_inst_t inst_show_all = {
	.f = tp_cmd_dispatch,
	.data = &def_show_all,
	.help_str = "as show: every address space",
	.tokens = { (void *)&tok_as, (void *)&tok_show, NULL },
};

static cmdline_parse_inst_t inst_show = {
	.f = tp_cmd_dispatch,
	.data = &def_show,
	.help_str = "as show <name>: one address space, its buffers and queues",
	.tokens = { (void *)&tok_as, (void *)&tok_show, (void *)&tok_name, NULL },
};

static cmdline_parse_inst_t inst_destroy = {
	.f = tp_cmd_dispatch,
	.data = &def_destroy,
	.help_str = "as destroy <name>: unmap everything and destroy it",
	.tokens = { (void *)&tok_as, (void *)&tok_destroy, (void *)&tok_name, NULL },
};

static cmdline_parse_inst_t *insts[] = {
	&inst_create, &inst_map, &inst_unmap, &inst_show_all, &inst_show, &inst_destroy,
	&inst_map_at, &inst_demand, &inst_replace, &inst_fault_stats, NULL,
};

static const struct tp_help help[] = {
	{ "as create <name>", "a new address space (an IOAS in the bus's iommufd)" },
	{ "as map <name> <size>", "mmap a buffer, map it read/write, print its IOVA" },
	{ "as map <name> <size> at <iova>", "the same at that IOVA (page aligned)" },
	{ "as unmap <name> <iova>", "unmap a buffer made by 'as map' and free it" },
	{ "as show [<name>]", "address spaces: IOAS id, mappings, buffers, queues" },
	{ "as destroy <name>", "destroy it (refused while a queue uses it)" },
	{ "as demand <name> <size>", "a buffer mapped a page at a time when the device faults "
	  "(before the space's first queue)" },
	{ "as replace <dev_id> <q> <name>", "move the queue's PASID to that space, also while "
	  "traffic runs (the queue is held a moment)" },
	{ "show fault stats", "I/O page faults per queue (PASID): read, resolved, refused" },
	{ NULL, NULL },
};

const struct tp_group tp_group_as = { "Address spaces", insts, help };
