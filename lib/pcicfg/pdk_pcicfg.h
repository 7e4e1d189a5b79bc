/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_PCICFG_H
#define PDK_PCICFG_H

/**
 * @file
 * The configuration-space map of a PCI function and the placement of a
 * virtual PASID capability (issue 13; doc/pcicfg.md).
 *
 * A struct pdk_pcicfg holds one function's config space (from a buffer, a
 * binary dump, `lspci -xxx`/`-xxxx` text, sysfs `config` or the VFIO config
 * region) and what was found in it: the standard (0x40-0xFF) and extended
 * (0x100-0xFFF) capability chains with each capability's length, the
 * ranges a quirk table hides, the free ranges a free-space DVSEC declares
 * (PDK's PROPOSAL, no standard exists) and the free holes of the extended
 * space. A malformed chain is never an error: it is a finding of the map
 * (pdk_pcicfg_finding()), and the walk stops or goes on as safely as it can.
 *
 * A layout (struct pdk_pcicfg_layout) is the capability layout a guest
 * sees, written to and read from a versioned JSON file and compared with
 * another one: the live-migration check.
 *
 * Nothing here touches a device except pdk_pcicfg_read_sysfs() and
 * pdk_pcicfg_read_vfio(), which only read. Not thread-safe per object.
 */

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "pdk_sys.h"
#include "pdk_vfio.h"	/* and pdk_iommufd.h */

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** Size of a PCI Express function's config space (PCIe Base, ECAM). */
#define PDK_PCICFG_SIZE 4096
/** Size of a conventional PCI function's config space. */
#define PDK_PCICFG_STD_SIZE 256
/** Size of the PASID extended capability (PCI_EXT_CAP_PASID_SIZEOF). */
#define PDK_PCICFG_PASID_LEN 8
/** QEMU's default offset of its synthesized PASID capability (0x1000 - 8). */
#define PDK_PCICFG_END_OFFSET (PDK_PCICFG_SIZE - PDK_PCICFG_PASID_LEN)

/**
 * @name Free-space DVSEC: PDK's PROPOSAL (no standard defines one)
 * A DVSEC (extended capability 0x23) whose DVSEC Vendor ID and DVSEC ID
 * are these declares ranges of the extended space that the function never
 * decodes, so a VMM may put emulated capabilities there. Layout, after the
 * DVSEC header (0x00 extended header, 0x04 header 1, 0x08 DVSEC ID):
 * 0x0A a 16-bit count N, then at 0x0C + 8 * i range i: a 16-bit offset
 * (dword aligned, in 0x100-0xFFC), a 16-bit length (a multiple of 4), a
 * 32-bit flags word (bit 0: free for emulated capabilities; others 0).
 * Header 1's length is 0x0C + 8 * N. The vendor ID is a PLACEHOLDER until
 * one is assigned.
 * @{
 */
#define PDK_PCICFG_FREE_DVSEC_VENDOR 0xfffe	/**< placeholder DVSEC Vendor ID */
#define PDK_PCICFG_FREE_DVSEC_ID 0x0001		/**< DVSEC ID of the proposal */
#define PDK_PCICFG_FREE_DVSEC_FLAG_FREE 0x1	/**< the range is free */
/** @} */

/** A parsed config space and its map (opaque). */
struct pdk_pcicfg;

/** A capability layout as a guest sees it (opaque). */
struct pdk_pcicfg_layout;

/** Which space a range is in. */
enum pdk_pcicfg_space {
	PDK_PCICFG_STD,		/**< standard: 0x40-0xFF, 8-bit ids */
	PDK_PCICFG_EXT,		/**< extended: 0x100-0xFFF, 16-bit ids */
};

/** The lists of a map (pdk_pcicfg_count(), pdk_pcicfg_get()). */
enum pdk_pcicfg_list {
	PDK_PCICFG_CAPS,	/**< capabilities in chain order, standard first */
	PDK_PCICFG_HIDDEN,	/**< ranges a quirk entry or the user hides */
	PDK_PCICFG_FREE,	/**< ranges a free-space DVSEC declares (proposal) */
	PDK_PCICFG_HOLES,	/**< free dword runs of the extended space */
};

/** A range of config space. */
struct pdk_pcicfg_range {
	enum pdk_pcicfg_space space;	/**< standard or extended space */
	uint16_t id;		/**< capability id (0 for other lists) */
	uint8_t version;	/**< extended capability version (0 otherwise) */
	uint16_t offset;	/**< first byte */
	uint16_t length;	/**< bytes */
	const char *name;	/**< "MSI-X", "PASID", "hidden", "hole"... */
	const char *source;	/**< where the length comes from (spec, kernel symbol, quirk source) */
};

/** What is wrong with a config space. */
enum pdk_pcicfg_finding_kind {
	PDK_PCICFG_F_LOOP,		/**< a next pointer goes back into the chain */
	PDK_PCICFG_F_OVERLAP,		/**< two ranges share bytes */
	PDK_PCICFG_F_MISALIGNED,	/**< a pointer is not dword aligned */
	PDK_PCICFG_F_BOUNDS,		/**< a pointer or a length leaves its space */
	PDK_PCICFG_F_TRUNCATED,		/**< the space was not fully readable */
	PDK_PCICFG_F_ALL_ONES,		/**< the function reads as all ones (gone, or no access) */
	PDK_PCICFG_F_BAD_HEADER,	/**< a next pointer leads to an empty header */
	PDK_PCICFG_F_UNKNOWN_LENGTH,	/**< a capability whose length PDK does not know */
	PDK_PCICFG_F_BAD_DVSEC,		/**< a malformed free-space DVSEC range */
	PDK_PCICFG_F_TOO_MANY,		/**< more findings than kept; the rest are dropped */
};

/** One finding: a malformed chain, never a crash. */
struct pdk_pcicfg_finding {
	enum pdk_pcicfg_finding_kind kind;	/**< what */
	uint16_t offset;			/**< where */
	char text[160];				/**< one line, with the offsets */
};

/** The policies of pdk_pcicfg_place_pasid(). */
enum pdk_pcicfg_policy {
	PDK_PCICFG_PLACE_PHYSICAL,	/**< where the function's own PASID capability is */
	PDK_PCICFG_PLACE_END,		/**< the last 8 bytes, 0xFF8 (QEMU's default) */
	PDK_PCICFG_PLACE_FIRST_FIT,	/**< the first hole after the extended chain */
	PDK_PCICFG_PLACE_DVSEC,		/**< the first range a free-space DVSEC declares */
	PDK_PCICFG_PLACE_QUIRK,		/**< the quirk table's "pasid" entry of the device */
	PDK_PCICFG_PLACE_USER,		/**< an offset given by the user, checked */
};

/** The answer of pdk_pcicfg_place_pasid(). */
struct pdk_pcicfg_place {
	uint16_t offset;	/**< where the 8 bytes go (0 when nothing fits) */
	char why[256];		/**< why there, or why nothing fits */
};

/**
 * Parse a config space from memory: the core of every reader.
 * @param buf  the bytes, from offset 0
 * @param len  their count: 64 to 4096 (64: an unprivileged sysfs read;
 *   256: conventional PCI or `lspci -xxx`; 4096: PCI Express). Capabilities
 *   beyond @p len are a PDK_PCICFG_F_TRUNCATED finding; the extended chain is
 *   walked only when @p len is 4096.
 * @param[out] cfg  the new map; free it with pdk_pcicfg_free()
 * @return 0 (a malformed chain is a finding, not an error); -EINVAL for a
 *   NULL argument or @p len out of range; -ENOMEM.
 */
int pdk_pcicfg_parse(const void *buf, size_t len, struct pdk_pcicfg **cfg);

/**
 * Parse `lspci -x`, `-xxx` or `-xxxx` text of one function: lines
 * "OFF: XX XX ... (16 bytes)" from offset 0 in steps of 16; other lines
 * (the device's title) are skipped.
 * @param text  the text, NUL-terminated
 * @param[out] cfg  the new map
 * @return 0; -EINVAL (logged with the line number) for a malformed or
 *   out-of-order dump line, a second device, or fewer than 64 bytes;
 *   -ENOMEM.
 */
int pdk_pcicfg_parse_lspci(const char *text, struct pdk_pcicfg **cfg);

/**
 * Read a file: a binary dump (64, 256 or 4096 bytes, e.g. a copy of
 * sysfs `config`) or `lspci -x...` text, told apart by their content.
 * @param path  the file
 * @param[out] cfg  the new map
 * @return 0, -EINVAL for a file that is neither, or -errno of the read.
 */
int pdk_pcicfg_read_file(const char *path, struct pdk_pcicfg **cfg);

/**
 * Read /sys/bus/pci/devices/ADDR/config (ADDR: @p pci_addr) through a PDK
 * backend.
 * An unprivileged reader gets 64 bytes: a PDK_PCICFG_F_TRUNCATED finding.
 * A VF's Vendor and Device ID registers read as ffff (SR-IOV); for a
 * function with a `physfn` link the map takes its IDs from sysfs `vendor`
 * and `device`, as vfio-pci's view and a guest show them.
 * @param sys  the backend
 * @param pci_addr  the function
 * @param[out] cfg  the new map
 * @return 0, -EINVAL, or -errno of the read.
 */
int pdk_pcicfg_read_sysfs(struct pdk_sys *sys, const char *pci_addr, struct pdk_pcicfg **cfg);

/**
 * Read the VFIO config region of an open device (4096 bytes, or 256 for a
 * conventional function). What vfio-pci shows is its virtualized view: the
 * physical PASID capability is hidden (vfio_pci_config.c), so the map of
 * this read differs from sysfs's.
 * @param dev  the device, bound to an iommufd context (pdk_vfio_bind())
 * @param[out] cfg  the new map
 * @return 0, -EINVAL, or -errno of the read.
 */
int pdk_pcicfg_read_vfio(struct pdk_vfio_dev *dev, struct pdk_pcicfg **cfg);

/**
 * Free a map.
 * @param cfg  the map; NULL is a no-op
 */
void pdk_pcicfg_free(struct pdk_pcicfg *cfg);

/**
 * The function's Vendor ID.
 * @param cfg  the map
 * @return the ID; 0xffff for a NULL map.
 */
uint16_t pdk_pcicfg_vendor(const struct pdk_pcicfg *cfg);

/**
 * The function's Device ID.
 * @param cfg  the map
 * @return the ID; 0xffff for a NULL map.
 */
uint16_t pdk_pcicfg_device(const struct pdk_pcicfg *cfg);

/**
 * How many bytes of config space were read.
 * @param cfg  the map
 * @return 64 to 4096; 0 for a NULL map.
 */
size_t pdk_pcicfg_size(const struct pdk_pcicfg *cfg);

/**
 * Copy bytes of the config space that was read.
 * @param cfg  the map
 * @param offset  the first byte
 * @param[out] buf  the bytes
 * @param len  their count
 * @return 0; -EINVAL for a NULL argument or a range beyond what was read.
 */
int pdk_pcicfg_bytes(const struct pdk_pcicfg *cfg, uint16_t offset, void *buf, size_t len);

/**
 * The length of one of the map's lists.
 * @param cfg  the map
 * @param list  which list
 * @return the count; 0 for a NULL map.
 */
unsigned int pdk_pcicfg_count(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_list list);

/**
 * One entry of a list of the map. Holes and free ranges are recomputed
 * when ranges are hidden, so pointers live until the next
 * pdk_pcicfg_hide() or pdk_pcicfg_quirks_apply().
 * @param cfg  the map
 * @param list  which list
 * @param i  the index, below pdk_pcicfg_count()
 * @return the entry; NULL (logged) for a NULL map or an index out of range.
 */
const struct pdk_pcicfg_range *pdk_pcicfg_get(const struct pdk_pcicfg *cfg,
					      enum pdk_pcicfg_list list, unsigned int i);

/**
 * The first capability with an id.
 * @param cfg  the map
 * @param space  standard or extended
 * @param id  the capability id (PCI_CAP_ID_MSIX, PCI_EXT_CAP_ID_PASID...)
 * @return the capability, or NULL when the function has none (not logged:
 *   a question); NULL (logged) for a NULL map.
 */
const struct pdk_pcicfg_range *pdk_pcicfg_find(const struct pdk_pcicfg *cfg,
					       enum pdk_pcicfg_space space, uint16_t id);

/**
 * The number of findings.
 * @param cfg  the map
 * @return the count (0: a well-formed space); 0 for a NULL map.
 */
unsigned int pdk_pcicfg_nfindings(const struct pdk_pcicfg *cfg);

/**
 * One finding.
 * @param cfg  the map
 * @param i  the index, below pdk_pcicfg_nfindings()
 * @return the finding; NULL (logged) for a NULL map or an index out of range.
 */
const struct pdk_pcicfg_finding *pdk_pcicfg_finding(const struct pdk_pcicfg *cfg, unsigned int i);

/**
 * Mark a range of the extended space as hidden registers (a quirk the user
 * knows of): holes and placements avoid it.
 * @param cfg  the map
 * @param offset  the first byte (0x100-0xFFF)
 * @param length  bytes
 * @param source  where the fact comes from (copied)
 * @return 0; -EINVAL (logged) for a NULL argument or a range outside the
 *   extended space; -ENOSPC when the map holds 64 hidden ranges already.
 */
int pdk_pcicfg_hide(struct pdk_pcicfg *cfg, uint16_t offset, uint16_t length, const char *source);

/**
 * Apply the entries of a quirk table (lib/pcicfg/quirks.txt's format,
 * doc/pcicfg.md) that match the function's vendor:device: "hidden" entries
 * become hidden ranges, a "pasid" entry is the offset of
 * PDK_PCICFG_PLACE_QUIRK.
 * @param cfg  the map
 * @param path  the table
 * @return the number of entries applied (0: none for this device);
 *   -EINVAL (logged with the line number) for a malformed line; -errno.
 */
int pdk_pcicfg_quirks_apply(struct pdk_pcicfg *cfg, const char *path);

/**
 * Choose the offset of a virtual PASID capability (8 bytes, extended
 * space, dword aligned, clear of every capability and hidden range).
 * @param cfg  the map
 * @param policy  the policy
 * @param user_offset  the offset of PDK_PCICFG_PLACE_USER (ignored otherwise)
 * @param[out] place  the offset and why; when nothing fits, why not
 * @return 0; -ENOENT when the policy has nothing to go by (no physical
 *   PASID capability, no free-space DVSEC, no quirk entry); -ENOSPC when
 *   nothing free fits (or no extended space was read); -EINVAL for a NULL
 *   argument, an unknown policy, or a user offset misaligned or outside
 *   0x100-0xFF8; -EBUSY when the user offset overlaps a used range. Every
 *   error is logged once with @p place's why.
 */
int pdk_pcicfg_place_pasid(const struct pdk_pcicfg *cfg, enum pdk_pcicfg_policy policy,
			   uint16_t user_offset, struct pdk_pcicfg_place *place);

/**
 * The name of a policy ("physical", "end", "first-fit", "dvsec", "quirk",
 * "user").
 * @param policy  the policy
 * @return the name; "unknown" for another value.
 */
const char *pdk_pcicfg_policy_name(enum pdk_pcicfg_policy policy);

/**
 * The layout a guest sees of a map: its capabilities (std and ext), plus a
 * virtual PASID capability.
 * @param cfg  the map
 * @param vpasid  where the virtual PASID capability goes; NULL for none
 *   (a physical one that vfio-pci hides is left out either way)
 * @param[out] layout  the new layout; free it with pdk_pcicfg_layout_free()
 * @return 0, -EINVAL or -ENOMEM.
 */
int pdk_pcicfg_layout_from(const struct pdk_pcicfg *cfg, const struct pdk_pcicfg_place *vpasid,
			   struct pdk_pcicfg_layout **layout);

/**
 * Write a layout as JSON, format 1:
 * {"pdk_pcicfg_layout": 1, "vendor": N, "device": N,
 *  "caps": [{"kind": "std"|"ext", "id": N, "offset": N, "length": N}, ...]}
 * @param layout  the layout
 * @param out  where to write
 * @return 0, -EINVAL, or -EIO when the stream fails.
 */
int pdk_pcicfg_layout_write(const struct pdk_pcicfg_layout *layout, FILE *out);

/**
 * Read a layout from JSON text, strictly: format 1 only, every key once,
 * no other key, integers in range.
 * @param text  the JSON, NUL-terminated
 * @param[out] layout  the new layout
 * @return 0; -EINVAL (logged with line and column) for anything else;
 *   -ENOMEM.
 */
int pdk_pcicfg_layout_parse(const char *text, struct pdk_pcicfg_layout **layout);

/**
 * Read a layout file (pdk_pcicfg_layout_parse() of its content).
 * @param path  the file
 * @param[out] layout  the new layout
 * @return 0, -EINVAL, or -errno of the read.
 */
int pdk_pcicfg_layout_read(const char *path, struct pdk_pcicfg_layout **layout);

/**
 * Compare two layouts, as a migration source and destination: every
 * capability (matched by space, id and rank among those of the same id)
 * must have the same offset and length, and the IDs must agree.
 * @param a  one layout
 * @param b  the other
 * @param[out] report  "compatible", or one line per difference
 * @param len  the size of @p report
 * @return 0 when compatible, the number of differences otherwise, -EINVAL.
 */
int pdk_pcicfg_layout_compare(const struct pdk_pcicfg_layout *a, const struct pdk_pcicfg_layout *b,
			      char *report, size_t len);

/**
 * Free a layout.
 * @param layout  the layout; NULL is a no-op
 */
void pdk_pcicfg_layout_free(struct pdk_pcicfg_layout *layout);

/**
 * @name The PASID facts of a function (doc/pcicfg.md, "The PASID facts")
 * PASID is usable only when the IOMMU and the device both enable it, and
 * each of three sources shows a part of it: IOMMU_GET_HW_INFO (the
 * kernel's answer), the physical PASID extended capability (sysfs `config`
 * of a PF; a VF has none of its own, it shares its PF's), and the VFIO
 * config region (where vfio-pci hides it). pdk_pcicfg_pasid_facts() reads
 * them side by side; each fact says where it came from.
 * @{
 */

/** How much one source told of PASID. */
enum pdk_pcicfg_fact {
	PDK_PCICFG_FACT_UNKNOWN,	/**< not asked, or the source could not be read (why says) */
	PDK_PCICFG_FACT_ABSENT,		/**< the source was read and shows no PASID */
	PDK_PCICFG_FACT_PRESENT,	/**< the source shows PASID */
};

/** A PASID extended capability (PCIe Base 4.0 7.8.8) as one source shows it. */
struct pdk_pcicfg_pasid_cap {
	enum pdk_pcicfg_fact state;	/**< present, absent or unknown */
	uint16_t offset;	/**< its header's offset (PRESENT only) */
	uint8_t width;		/**< Max PASID Width: Capability register bits 12:8 */
	bool exec_supported;	/**< Execute Permission Supported (PCI_PASID_CAP_EXEC) */
	bool priv_supported;	/**< Privileged Mode Supported (PCI_PASID_CAP_PRIV) */
	bool enabled;		/**< PASID Enable (PCI_PASID_CTRL_ENABLE) */
	bool exec_enabled;	/**< Execute Permission Enable (PCI_PASID_CTRL_EXEC) */
	bool priv_enabled;	/**< Privileged Mode Enable (PCI_PASID_CTRL_PRIV) */
	char source[96];	/**< where the bytes came from ("sysfs .../config") */
	char why[320];		/**< what the state means for this source, or why unknown */
};

/** The IOMMU's view of a device's PASID: IOMMU_GET_HW_INFO (kernel-facts K7). */
struct pdk_pcicfg_pasid_iommu {
	enum pdk_pcicfg_fact state;	/**< PRESENT: a width; ABSENT: 0; UNKNOWN: not asked or failed */
	int rc;			/**< 0, or the -errno of IOMMU_GET_HW_INFO */
	uint32_t hw_type;	/**< enum iommu_hw_info_type (pdk_iommufd_hw_type_name()) */
	uint8_t max_pasid_log2;	/**< out_max_pasid_log2 */
	bool exec;		/**< IOMMU_HW_CAP_PCI_PASID_EXEC in out_capabilities */
	bool priv;		/**< IOMMU_HW_CAP_PCI_PASID_PRIV in out_capabilities */
	char source[96];	/**< "IOMMU_GET_HW_INFO dev_id N" */
	char why[320];		/**< what the answer means, or why it is unknown */
};

/** The PASID facts of one function, side by side. */
struct pdk_pcicfg_pasid_facts {
	char pci_addr[PDK_PCI_ADDR_LEN];	/**< the function, normalised */
	int is_vf;		/**< 1: an SR-IOV VF (sysfs `physfn`), 0: not, -1: not known */
	char pf[PDK_PCI_ADDR_LEN];	/**< a VF's PF; "" otherwise */
	struct pdk_pcicfg_pasid_iommu iommu;	/**< IOMMU_GET_HW_INFO */
	struct pdk_pcicfg_pasid_cap physical;	/**< the function's own capability, sysfs `config` */
	struct pdk_pcicfg_pasid_cap pf_cap;	/**< a VF's PF's capability (UNKNOWN for a PF) */
	struct pdk_pcicfg_pasid_cap vfio;	/**< what the VFIO config region shows */
};

/**
 * Decode the PASID capability of a map (any source: a dump, sysfs, VFIO).
 * @param cfg  the map
 * @param source  where its bytes came from, copied into @p cap's source
 * @param[out] cap  PRESENT with the fields; ABSENT when the extended chain
 *   has none; UNKNOWN when the extended space was not read (fewer than 4096
 *   bytes) or reads as all ones
 * @return 0; -EINVAL (logged) for a NULL argument.
 */
int pdk_pcicfg_pasid_cap(const struct pdk_pcicfg *cfg, const char *source,
			 struct pdk_pcicfg_pasid_cap *cap);

/**
 * Read the PASID facts of a function: the IOMMU's (IOMMU_GET_HW_INFO, when
 * @p dev is bound to an iommufd context), the physical capability (sysfs
 * `config`; for a VF, its PF's too) and what the VFIO config region shows
 * (when @p dev is given). A source that cannot be read is a fact (UNKNOWN,
 * with why), not an error; only what is not a fact is logged.
 * @param sys  the backend; NULL to take @p dev's
 * @param pci_addr  the function; NULL to take @p dev's
 * @param dev  the open VFIO device, bound (pdk_vfio_bind()) for the IOMMU's
 *   view; NULL leaves the IOMMU and VFIO facts UNKNOWN
 * @param[out] facts  the facts
 * @return 0; -EINVAL (logged) for a NULL @p facts, no backend or address
 *   (neither given nor from @p dev), or a malformed address.
 */
int pdk_pcicfg_pasid_facts(struct pdk_sys *sys, const char *pci_addr, struct pdk_vfio_dev *dev,
			   struct pdk_pcicfg_pasid_facts *facts);

/**
 * The name of a fact's state, as text and JSON print it.
 * @param state  the state
 * @return "unknown", "absent", "present"; "unknown" for another value.
 */
const char *pdk_pcicfg_fact_name(enum pdk_pcicfg_fact state);

/** @} */

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_PCICFG_H */
