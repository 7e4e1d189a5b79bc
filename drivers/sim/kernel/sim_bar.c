/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * Trapped BAR mappings (pdk_sim_bar_*): a BAR mmap whose loads and stores
 * arrive as calls, for a process that cannot map the sim's memfds where the
 * program expects them (a runner that reserves PROT_NONE and decodes each
 * fault). A handle is a mapping in all but the pages: checked as the device
 * file's mmap checks, holding the file as a vma does, counted with the BAR
 * mappings so that pdk_sim_destroy() is refused while one is out. Each
 * access takes the pwrite/pread path of the BAR (sim_vfio_bar_rw()) or the
 * portal's 64-byte store (sim_vfio_store64()), so a trapped store behaves
 * as a pwrite or a MOVDIR64B would. Like the portal hooks these are entry
 * points of their own, not boundary calls: not counted, never injected.
 *
 * With memory decoding off a real function does not claim the access: the
 * root port completes it as a master abort, reads all-ones and writes
 * dropped. The pread/pwrite path says -EIO instead (what vfio-pci answers);
 * a load or store cannot fail, so here the master abort is modelled.
 */

#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "sim_kernel.h"

#define SIM_BAR_WORD 8u		/* wide moves are split into 8-byte accesses */
#define SIM_BAR_STORE64 64u

struct pdk_sim_bar {
	struct pdk_sim *sim;
	struct sim_file *file;	/* held, as a vma holds its file */
	struct sim_fn *fn;
	unsigned int bar;
	uint64_t pos;		/* BAR offset of the mapping's first byte */
	size_t len;
	bool abort_logged;
};

int
pdk_sim_bar_get(struct pdk_sim *sim, int fd, uint64_t offset, size_t len, struct pdk_sim_bar **bar)
{
	struct sim_vfio_file *df;
	struct sim_file *file;
	struct pdk_sim_bar *b;
	int rc;

	SIM_ARG_CHECK(sim, "BAR trap", "NULL sim", "pass the sim from pdk_sim_create()", -EINVAL);
	SIM_ARG_CHECK(bar, "BAR trap", "NULL bar", "pass where the handle goes", -EINVAL);
	*bar = NULL;
	pthread_mutex_lock(&sim->lock);
	file = sim_fd_lookup(sim, fd);
	if (file == NULL) {
		rc = sim_err(-EBADF, "BAR trap", "not a sim fd");
		goto out;
	}
	df = sim_vfio_file_of(file);
	if (df == NULL) {
		rc = sim_err(-ENODEV, "BAR trap", "not a device fd (the file has no mmap)");
		goto out;
	}
	rc = sim_vfio_mmap_check(file, len, offset);
	if (rc < 0)
		goto out;
	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	b->sim = sim;
	b->file = file;
	b->fn = df->fn;
	b->bar = (unsigned int)(offset >> SIM_REGION_SHIFT);
	b->pos = offset & SIM_REGION_MASK;
	b->len = len;
	file->refs++;
	sim->st.mmaps++;
	*bar = b;
out:
	pthread_mutex_unlock(&sim->lock);
	return rc;
}

void
pdk_sim_bar_put(struct pdk_sim_bar *bar)
{
	struct pdk_sim *sim;

	if (bar == NULL)
		return;
	sim = bar->sim;
	pthread_mutex_lock(&sim->lock);
	sim->st.mmaps--;
	sim_file_put(sim, bar->file);
	pthread_mutex_unlock(&sim->lock);
	free(bar);
}

static int
sim_bar_check(const struct pdk_sim_bar *bar, const void *val, uint64_t off, unsigned int width,
	      const char *op)
{
	SIM_ARG_CHECK(bar, op, "NULL bar", "pass a handle from pdk_sim_bar_get()", -EINVAL);
	SIM_ARG_CHECK(val, op, "NULL value", "pass the bytes of the access", -EINVAL);
	if (width != 1 && width != 2 && width != 4 && width != 8 && width != 16 && width != 32 &&
	    width != 64)
		return sim_fail(PDK_LOG_ERR, bar->fn->addr, -EINVAL,
				"decode the access as 1, 2, 4, 8, 16, 32 or 64 bytes",
				"%s: width %u", op, width);
	if (off >= bar->len || width > bar->len - off)
		return sim_fail(PDK_LOG_ERR, bar->fn->addr, -EINVAL, NULL,
				"%s: %u bytes at 0x%llx leave the %zu-byte mapping of BAR %u", op,
				width, (unsigned long long)off, bar->len, bar->bar);
	return 0;
}

/* Memory decoding off: a master abort (logged once per handle). */
static bool
sim_bar_master_abort(struct pdk_sim_bar *bar)
{
	if (sim_pci_command(bar->fn) & PCI_COMMAND_MEMORY)
		return false;
	if (!bar->abort_logged) {
		bar->abort_logged = true;
		sim_fail(PDK_LOG_WARNING, bar->fn->addr, -EIO,
			 "set PCI_COMMAND_MEMORY in the command register before touching the BAR",
			 "trapped access to BAR %u: memory decoding is off (PCI_COMMAND_MEMORY clear): "
			 "a PCI master abort, reads are all-ones and writes dropped", bar->bar);
	}
	return true;
}

/* One access of at most 8 bytes, or a wide one as 8-byte ones, through the pread/pwrite path. */
static void
sim_bar_words(struct pdk_sim_bar *bar, uint64_t pos, void *buf, unsigned int width, bool write)
{
	unsigned int step = width < SIM_BAR_WORD ? width : SIM_BAR_WORD, i;

	for (i = 0; i < width; i += step)
		sim_vfio_bar_rw(bar->fn, bar->bar, (uint8_t *)buf + i, step, pos + i, write);
}

static int
sim_bar_access(struct pdk_sim_bar *bar, uint64_t off, void *buf, unsigned int width, bool write)
{
	struct pdk_sim *sim = bar->sim;
	uint64_t pos = bar->pos + off;

	pthread_mutex_lock(&sim->lock);
	/* A model may drop the lock inside (the DSA engine): hold the file, as a syscall does. */
	bar->file->refs++;
	if (sim_bar_master_abort(bar)) {
		if (!write)
			memset(buf, 0xff, width);
	} else if (write && width == SIM_BAR_STORE64 && sim_vfio_has_store64(bar->fn, bar->bar)) {
		sim_vfio_store64(bar->fn, bar->bar, pos, buf);
	} else {
		sim_bar_words(bar, pos, buf, width, write);
	}
	sim_file_put(sim, bar->file);
	pthread_mutex_unlock(&sim->lock);
	return 0;
}

int
pdk_sim_bar_read(struct pdk_sim_bar *bar, uint64_t off, void *val, unsigned int width)
{
	int rc = sim_bar_check(bar, val, off, width, "BAR trap read");

	return rc < 0 ? rc : sim_bar_access(bar, off, val, width, false);
}

int
pdk_sim_bar_write(struct pdk_sim_bar *bar, uint64_t off, const void *val, unsigned int width)
{
	uint8_t buf[SIM_BAR_STORE64];
	int rc = sim_bar_check(bar, val, off, width, "BAR trap write");

	if (rc < 0)
		return rc;
	/* the models' written() takes a const buffer; the copy keeps val const all the way */
	memcpy(buf, val, width);
	return sim_bar_access(bar, off, buf, width, true);
}
