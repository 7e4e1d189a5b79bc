/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PCICFG_PRIVATE_H
#define PCICFG_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pdk_log.h"
#include "pdk_pcicfg.h"

#define PCICFG_LOG "pcicfg"
/* 48 standard (the kernel's PCI_FIND_CAP_TTL) + 960 extended dwords */
#define PCICFG_MAX_CAPS 1008
#define PCICFG_MAX_HIDDEN 64
#define PCICFG_MAX_FREE 64
#define PCICFG_MAX_HOLES 512
#define PCICFG_MAX_FINDINGS 64
#define PCICFG_EXT_START 0x100

struct pdk_pcicfg {
	uint8_t cs[PDK_PCICFG_SIZE];
	size_t size;
	char label[16];			/* "vvvv:dddd", the object of log lines */
	struct pdk_pcicfg_range caps[PCICFG_MAX_CAPS];
	unsigned int ncaps;
	struct pdk_pcicfg_range hidden[PCICFG_MAX_HIDDEN];
	char *hidden_src[PCICFG_MAX_HIDDEN];
	unsigned int nhidden;
	struct pdk_pcicfg_range dvsec_free[PCICFG_MAX_FREE];	/* as declared */
	unsigned int ndvsec_free;
	uint64_t dvsec_reported;		/* bit i: dvsec_free[i]'s overlap is a finding */
	struct pdk_pcicfg_range free[PCICFG_MAX_FREE];		/* declared and clear */
	unsigned int nfree;
	struct pdk_pcicfg_range holes[PCICFG_MAX_HOLES];
	unsigned int nholes;
	struct pdk_pcicfg_finding findings[PCICFG_MAX_FINDINGS];
	unsigned int nfindings;
	bool all_ones;			/* nothing to place into */
	uint16_t quirk_pasid;		/* 0: no quirk entry */
	char quirk_pasid_src[128];
};

static inline uint16_t
cfg_rd16(const struct pdk_pcicfg *c, unsigned int off)
{
	return off + 2 <= c->size ? (uint16_t)(c->cs[off] | c->cs[off + 1] << 8) : 0;
}

static inline uint32_t
cfg_rd32(const struct pdk_pcicfg *c, unsigned int off)
{
	return off + 4 <= c->size ? (uint32_t)cfg_rd16(c, off) | (uint32_t)cfg_rd16(c, off + 2) << 16 : 0;
}

/* pcicfg_caps.c: a capability's name and length from its fields */
struct pcicfg_len {
	unsigned int length;	/* 0: unknown */
	const char *source;
};
const char *pcicfg_cap_name(enum pdk_pcicfg_space space, uint16_t id);
struct pcicfg_len pcicfg_cap_len(const struct pdk_pcicfg *c, enum pdk_pcicfg_space space,
				 uint16_t id, unsigned int off);

/* pcicfg_parse.c */
void pcicfg_finding(struct pdk_pcicfg *c, enum pdk_pcicfg_finding_kind kind, unsigned int off,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void pcicfg_remap(struct pdk_pcicfg *c);
/* the first capability or hidden range that shares a byte with [off, off+len) */
const struct pdk_pcicfg_range *pcicfg_conflict(const struct pdk_pcicfg *c, unsigned int off,
					       unsigned int len);
bool pcicfg_has_ext(const struct pdk_pcicfg *c);

/*
 * Read all of the small file @p path (at most @p max bytes) into a new
 * NUL-terminated buffer *@p out; @p what names the file in the log line.
 * @return its length, or -errno (logged; -EINVAL for a larger file).
 */
ssize_t pcicfg_file_read(const char *path, size_t max, const char *what, char **out);

/*
 * Read /sys/bus/pci/devices/@p addr/config (a normalised address) into @p buf
 * (PDK_PCICFG_SIZE bytes); @p path gets the file's name. Not logged: the
 * callers decide whether a failure is an error or a fact.
 * @return the bytes read, or -errno.
 */
ssize_t pcicfg_sysfs_bytes(struct pdk_sys *sys, const char *addr, uint8_t *buf, char *path,
			   size_t plen);

/*
 * Is @p addr an SR-IOV VF? The kernel links each VF's sysfs folder to its
 * PF as "physfn" (drivers/pci/iov.c, pci_iov_add_virtfn()).
 * @return 1 with the PF's address in @p pf, 0 (no link), or -errno; not logged.
 */
int pcicfg_physfn(struct pdk_sys *sys, const char *addr, char pf[PDK_PCI_ADDR_LEN]);

#endif /* PCICFG_PRIVATE_H */
