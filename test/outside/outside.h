/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_TEST_OUTSIDE_H
#define PDK_TEST_OUTSIDE_H

/*
 * What the outside-in programs (test/outside/adversarial.c, burst_fault.c)
 * share: a log sink that keeps PDK's ERR lines for a case to search, one
 * "ok"/"FAIL" line per case, the EXPECT_* macros (errno and a word of the
 * ERR line), fd counting and byte checks. A user's own helpers: it includes
 * only the installed public headers.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <linux/pci_regs.h>

#include <pdk_iommufd.h>
#include <pdk_log.h>
#include <pdk_sim.h>
#include <pdk_vfio.h>

/* OUTSIDE_VERBOSE=1 (or ADVERSARIAL_VERBOSE=1): print the ERR lines of the cases that pass too */
static bool verbose;
static unsigned int n_cases, n_failed;

/* ---- the log: every ERR line PDK writes, since the last log_clear() ---- */

static char err_lines[16384];
static size_t err_len;
/* every line of any level, for cases that look for a WARN or INFO line */
static char all_lines[16384];
static size_t all_len;
static unsigned int n_lines, n_err;

static inline void
sink(enum pdk_log_level level, const char *component, const char *line, void *arg)
{
	size_t n = strlen(line) + strlen(component) + 8;

	(void)arg;
	n_lines++;
	if (all_len + n < sizeof(all_lines))
		all_len += (size_t)sprintf(all_lines + all_len, "%d %s: %s\n", (int)level,
					   component, line);
	if (level != PDK_LOG_ERR)
		return;
	n_err++;
	if (err_len + n >= sizeof(err_lines))
		return;	/* enough to look for a word in */
	err_len += (size_t)sprintf(err_lines + err_len, "%s: %s\n", component, line);
}

static inline void
log_clear(void)
{
	err_len = 0;
	err_lines[0] = '\0';
	all_len = 0;
	all_lines[0] = '\0';
	n_lines = 0;
	n_err = 0;
}

static inline bool
logged(const char *word)
{
	return word == NULL || strstr(err_lines, word) != NULL;
}

/* ---- reporting ---- */

static inline bool
check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline bool
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	n_cases++;
	if (!ok)
		n_failed++;
	printf("%s %u - ", ok ? "ok  " : "FAIL", n_cases);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return ok;
}

static inline const char *
errname(int rc)
{
	/* a few at once: one printf may name several */
	static char bufs[4][32];
	static unsigned int next;
	char *buf = bufs[next++ % 4];

	switch (-rc) {
	case 0: return "0";
	case EINVAL: return "-EINVAL";
	case EBUSY: return "-EBUSY";
	case ERANGE: return "-ERANGE";
	case EEXIST: return "-EEXIST";
	case ENOENT: return "-ENOENT";
	case ENOSPC: return "-ENOSPC";
	case EOPNOTSUPP: return "-EOPNOTSUPP";
	case EFAULT: return "-EFAULT";
	case ENODEV: return "-ENODEV";
	case EBADF: return "-EBADF";
	case EACCES: return "-EACCES";
	case ETIMEDOUT: return "-ETIMEDOUT";
	default:
		snprintf(buf, sizeof(bufs[0]), "%d", rc);
		return buf;
	}
}

/*
 * An error case: the call returned @p want and PDK logged an ERR line
 * containing @p word. On failure print what came instead.
 */
static inline bool
expect_err(const char *what, int rc, int want, const char *word)
{
	bool ok = rc == want && err_len > 0 && logged(word);
	bool r;

	r = check(ok, "%s -> %s, logged '%s'", what, errname(want), word);
	if (!ok || verbose)
		printf("     got %s; ERR lines:\n%s", errname(rc),
		       err_len ? err_lines : "     (none)\n");
	return r;
}

#define EXPECT_ERR(call, want, word) \
	do { \
		int rc_; \
		log_clear(); \
		rc_ = (call); \
		expect_err(#call, rc_, want, word); \
	} while (0)

/* A call that must succeed; a failure shows its log. */
#define EXPECT_OK(call) \
	do { \
		int rc_; \
		log_clear(); \
		rc_ = (call); \
		if (!check(rc_ == 0, "%s -> 0", #call)) \
			printf("     got %s; ERR lines:\n%s", errname(rc_), err_lines); \
	} while (0)

/* A call that returns no errno: it must log an ERR line with @p word. */
#define EXPECT_LOG(stmt, word) \
	do { \
		log_clear(); \
		stmt; \
		if (!check(err_len > 0 && logged(word), "%s logs '%s'", #stmt, word)) \
			printf("     ERR lines:\n%s", err_len ? err_lines : "     (none)\n"); \
	} while (0)

/* A fast-path call, which logs nothing (pdk_dmadev.h): it returns @p want and no ERR line. */
#define EXPECT_QUIET(call, want) \
	do { \
		int rc_; \
		log_clear(); \
		rc_ = (call); \
		if (!check(rc_ == (want) && n_err == 0, "%s -> %s, nothing logged", #call, \
			   errname(want))) \
			printf("     got %s; ERR lines:\n%s", errname(rc_), \
			       err_len ? err_lines : "     (none)\n"); \
	} while (0)

/* ---- helpers ---- */

static inline int
fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static inline uint8_t *
buf_alloc(size_t len, uint8_t fill)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("outside: mmap");
		exit(2);
	}
	memset(p, fill, len);
	return p;
}

static inline bool
all_bytes(const uint8_t *p, uint8_t v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != v)
			return false;
	return true;
}

/* One pdk-sim-dma copy through BAR0: the status register, or -errno. */
static inline int
simdma_copy(struct pdk_vfio_dev *dev, bool pasid_valid, uint32_t pasid, uint64_t src,
	    uint64_t dst, uint32_t len)
{
	uint32_t tag = pasid_valid ? PDK_SIMDMA_PASID_EN | pasid : 0;
	uint32_t cmd = PDK_SIMDMA_CMD_COPY, status;
	int rc;

	if ((rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_SRC, &src, 8)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_DST, &dst, 8)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_LEN, &len, 4)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_PASID, &tag, 4)) < 0 ||
	    (rc = pdk_vfio_bar_write(dev, 0, PDK_SIMDMA_REG_CMD, &cmd, 4)) < 0 ||
	    (rc = pdk_vfio_bar_read(dev, 0, PDK_SIMDMA_REG_STATUS, &status, 4)) < 0)
		return rc;
	return (int)status;
}

static inline const char *
st_name(int st)
{
	switch (st) {
	case PDK_SIMDMA_ST_DONE: return "DONE";
	case PDK_SIMDMA_ST_FAULT: return "FAULT";
	case PDK_SIMDMA_ST_ERROR: return "ERROR";
	default: return errname(st);
	}
}

/* Drop the faults the sim recorded; return how many there were. */
static inline unsigned int
faults_drain(struct pdk_sim *sim)
{
	unsigned int n = 0;

	while (pdk_sim_fault_pop(sim, NULL) == 0)
		n++;
	return n;
}

/* A simulated machine, its iommufd context and one bound device. */
struct rig {
	struct pdk_sys *sys;
	struct pdk_sim *sim;
	char addr[PDK_PCI_ADDR_LEN];
	struct pdk_iommufd *ictx;
	struct pdk_vfio_dev *dev;
	uint32_t dev_id;
};

/*
 * With r->sys, r->sim and r->addr set: open the iommufd context, open and
 * bind the device, bus mastering on. @return 0 or -errno (the caller
 * reports it).
 */
static inline int
rig_bind(struct rig *r)
{
	int rc;

	if ((rc = pdk_iommufd_open(r->sys, &r->ictx)) < 0 ||
	    (rc = pdk_vfio_open(r->sys, r->addr, &r->dev)) < 0 ||
	    (rc = pdk_vfio_bind(r->dev, r->ictx, &r->dev_id)) < 0)
		return rc;
	/* vfio-pci leaves bus mastering off; the sim's DMA port needs it */
	return pdk_vfio_pci_command(r->dev, PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY, 0);
}

/* The right order: device, iommufd, then the sim, which must be clean. */
static inline void
rig_down(struct rig *r, const char *section)
{
	int rv = pdk_vfio_close(r->dev);
	int ri = pdk_iommufd_close(r->ictx);
	bool clean = pdk_sim_is_clean(r->sim);
	int rs = pdk_sim_destroy(r->sim);

	check(rv == 0 && ri == 0 && clean && rs == 0,
	      "%s: close device, close iommufd, sim clean, destroy sim (%s %s %s %s)", section,
	      errname(rv), errname(ri), clean ? "clean" : "NOT CLEAN", errname(rs));
	memset(r, 0, sizeof(*r));
}

#endif /* PDK_TEST_OUTSIDE_H */
