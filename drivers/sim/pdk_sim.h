/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_SIM_H
#define PDK_SIM_H

/**
 * @file
 * PDK's SIMULATED kernel: a userspace model of the kernel's iommufd and VFIO
 * cdev uAPI and of PCIe functions behind a PASID-capable IOMMU. It is a
 * simulation, not hardware, and says so in its logs and names.
 *
 * It answers the same ioctls with the same ids, rules and errno as the kernel
 * (doc/sim.md lists them and where each comes from). Each simulated function
 * has a DMA port: every byte it moves is translated through (RID or PASID,
 * IOVA) -> the HWPT attached there -> the IOAS mapping; anything else is an
 * IOMMU fault that is recorded and moves no byte.
 *
 * A sim is one struct pdk_sys backend (pdk_sim_sys()); its fds are real fd
 * numbers reserved from the process, so they never collide with kernel fds.
 * It counts its live objects so tests can assert that teardown left nothing.
 *
 * Arguments: a NULL sim, function, configuration or output pointer is
 * refused with an ERR log line: -EINVAL, or for the calls that return no
 * errno the neutral value each documents (NULL, false, nothing done).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pdk_sys.h"

#ifdef __cplusplus
extern "C" {
#endif

/* PDK's API: exported from libraries built with -fvisibility=hidden */
#pragma GCC visibility push(default)

/** A simulated kernel (opaque). */
struct pdk_sim;

/** A simulated PCIe function (opaque). */
struct pdk_sim_fn;

/** The simulated IOMMU's kind; it decides the PASID attach rules. */
enum pdk_sim_iommu {
	PDK_SIM_IOMMU_VTD = 0,	/**< Intel VT-d, scalable mode: PASID attach works */
	PDK_SIM_IOMMU_SMMUV3,	/**< ARM SMMUv3 with S1 domains: PASID attach works */
	PDK_SIM_IOMMU_AMD,	/**< AMD-Vi: width reported, PASID attach -EOPNOTSUPP */
};

/** Configuration of a simulated kernel. */
struct pdk_sim_config {
	enum pdk_sim_iommu iommu;	/**< default PDK_SIM_IOMMU_VTD */
	uint8_t iommu_pasid_bits;	/**< IOMMU's PASID width, default 20 */
	uint64_t pin_limit_pages;	/**< like RLIMIT_MEMLOCK: 0 = unlimited */
	bool no_default_devices;	/**< pdk_sim_create() adds none when true */
	/**
	 * vfio_iommu_type1's dma_entry_limit: VFIO_IOMMU_MAP_DMA entries a
	 * legacy VFIO container holds before -ENOSPC; 0 = the kernel's default
	 * 65535 (shown in /sys/module/vfio_iommu_type1/parameters/dma_entry_limit).
	 */
	uint32_t dma_entry_limit;
};

/** The device models the sim offers. */
enum pdk_sim_model {
	/**
	 * "pdk-sim-dma": a one-channel copy engine made up for PDK's tests and
	 * examples (vendor 0x5044 "PD", device 0x0001; never seen on a real
	 * bus). Registers in BAR0, see PDK_SIMDMA_*. Tags its DMA with a PASID
	 * when PDK_SIMDMA_PASID_EN is set.
	 */
	PDK_SIM_MODEL_SIMDMA = 0,
	/** No DMA engine: config space and a BAR only (rule tests). */
	PDK_SIM_MODEL_PLAIN,
	/**
	 * A SIMULATED Intel Data Streaming Accelerator (DSA): a register-level
	 * model of the subset PDK's DSA PMD uses, presenting PCI IDs 8086:0b25
	 * and class 0x088000 like a Sapphire Rapids DSA. It is not hardware
	 * and no DSA was used to write it: the facts come from pdk_idxd.h and
	 * the model's behaviour is documented in doc/sim.md ("DSA model").
	 * BAR0 holds the registers, BAR2 the WQ portals; an engine thread runs
	 * the descriptors, every access tagged with the WQ's PASID when WQCFG
	 * PASID_EN is set. Dedicated WQs only.
	 */
	PDK_SIM_MODEL_DSA,
	/**
	 * The same SIMULATED DSA as a DSA 2.0: PCI IDs 8086:11fb, VERSION
	 * 0x200, a 64-byte WQCFG whose op_config (bytes 32-63, WQCAP op_config)
	 * says which opcodes each WQ accepts; its reset value allows none, so a
	 * driver must write it (doc/sim.md, "DSA model").
	 */
	PDK_SIM_MODEL_DSA2,
	/**
	 * A SIMULATION of QEMU's educational device "edu" (PCI 1234:11e8,
	 * QEMU's hw/misc/edu.c and docs/specs/edu.rst), so that tests written
	 * for the VM's edu devices run on the sim: a 1 MiB BAR0 with the
	 * identification, liveness, factorial, status, interrupt and DMA
	 * registers, a 4 KiB buffer at 0x40000 of the device's DMA space, a
	 * 28-bit DMA mask, DMA with the RID only (no PASID: give pasid_bits 0
	 * to match QEMU's). Not QEMU's code; doc/sim.md ("edu model") lists
	 * where it differs from QEMU's device.
	 */
	PDK_SIM_MODEL_EDU,
};

/** Entries of struct pdk_sim_fn_config's ecaps[]. */
#define PDK_SIM_FN_ECAPS	8
/** Entries of struct pdk_sim_fn_config's hidden[]. */
#define PDK_SIM_FN_HIDDEN	4
/** Ranges a struct pdk_sim_free_dvsec can declare. */
#define PDK_SIM_FREE_RANGES	4

/**
 * An extended capability the sim writes into a function's config space,
 * to give tests the shapes real devices have (doc/sim.md, "Capability
 * chains"). Its header is id | version << 16 | next << 20; the bytes after
 * it are @p body, zeros after that. VSEC (0x000b) and DVSEC (0x0023)
 * entries without a body get header 1 = @p length << 20 (vendor 0,
 * revision 0), so that their length reads back from config space.
 */
struct pdk_sim_ecap {
	uint16_t offset;	/**< dword aligned, 0x100-0xFFC; 0: the entry is unused */
	uint16_t id;		/**< the capability ID (pci_regs.h PCI_EXT_CAP_ID_*) */
	uint8_t version;	/**< 0-15 */
	uint16_t length;	/**< bytes it spans, 4 or more, inside the space */
	/**
	 * 0: the chain links the capabilities in offset order (the last one
	 * ends it). Anything else (up to 0xFFF) is written as this header's
	 * next pointer as it is: a loop (an offset at or before this one) or
	 * an out-of-bounds pointer (below 0x100), for malformed-chain tests.
	 */
	uint16_t next;
	const void *body;	/**< bytes after the header, read by pdk_sim_fn_add() only */
	size_t body_len;	/**< at most @p length - 4 */
};

/**
 * A register the function keeps outside its capability chains, as devices
 * that decode registers in holes do: a parser sees a free hole there.
 */
struct pdk_sim_hidden_reg {
	uint16_t offset;	/**< dword aligned, 0x40-0xFFC, outside every capability */
	uint32_t value;		/**< its non-zero value; 0: the entry is unused */
};

/**
 * A free-space DVSEC in PDK's PROPOSED layout (no standard defines one;
 * lib/pcicfg's pdk_pcicfg.h and doc/pcicfg.md document the proposal):
 * DVSEC vendor 0xfffe (a placeholder), DVSEC ID 0x0001, N ranges. The
 * ranges are written as given, not checked, so a test can make a bad one.
 */
struct pdk_sim_free_dvsec {
	uint16_t offset;	/**< dword aligned, 0x100-0xFFC; 0: none */
	uint16_t nranges;	/**< 0..PDK_SIM_FREE_RANGES */
	/** The ranges it declares free for emulated capabilities (flags bit 0 set). */
	struct {
		uint16_t offset;	/**< range start */
		uint16_t length;	/**< range bytes */
	} range[PDK_SIM_FREE_RANGES];
};

/**
 * Configuration of a simulated PCIe function. A zeroed field keeps the
 * default layout (doc/sim.md): a PCIe capability at 0x40, MSI-X at 0x80,
 * and, with @p pasid_bits, a PASID capability at 0x100, alone in the
 * extended chain, which sysfs config shows and the VFIO config region
 * hides (as vfio-pci does).
 */
struct pdk_sim_fn_config {
	const char *pci_addr;	/**< "DDDD:BB:DD.F" */
	enum pdk_sim_model model;	/**< the device model */
	uint8_t pasid_bits;	/**< PCI PASID capability width, 0 = none */
	bool pasid_exec;	/**< Execute permission enabled */
	bool pasid_priv;	/**< Privileged mode enabled */
	uint32_t iommu_group;	/**< shared group number; 0 = a group of its own */
	bool not_vfio;		/**< bound to another driver: no cdev (errors tests) */
	/**
	 * PDK_SIM_MODEL_DSA and _DSA2 only: opcodes the model does not offer (bit n =
	 * opcode n, 0..31): OPCAP omits them and a descriptor with one
	 * completes with BAD_OPCODE, to test how drivers cope with a device
	 * that lacks an operation. 0: every operation the model has.
	 */
	uint32_t dsa_ops_absent;
	/**
	 * PDK_SIM_MODEL_DSA and _DSA2 only: GENCAP block_on_fault reads 0 and
	 * ENABLE_WQ refuses WQCFG bof (ERR_BOF_EN), to test a driver on a
	 * device without it. false: the model offers block on fault.
	 */
	bool dsa_no_bof;
	/**
	 * Where the PASID capability is (@p pasid_bits > 0, not a VF): dword
	 * aligned, 0x100-0xFF8; 0 = 0x100. With another offset, an entry of
	 * @p ecaps must be at 0x100, where the extended chain starts.
	 */
	uint16_t pasid_offset;
	/**
	 * Extra extended capabilities (unused entries have offset 0), chained
	 * with the PASID capability and @p free_dvsec in offset order; one of
	 * them must be at 0x100 unless the PASID capability is. They may not
	 * overlap each other or those two.
	 */
	struct pdk_sim_ecap ecaps[PDK_SIM_FN_ECAPS];
	/** Registers in holes (unused entries have value 0). */
	struct pdk_sim_hidden_reg hidden[PDK_SIM_FN_HIDDEN];
	/** A free-space DVSEC (PDK's proposal); offset 0: none. */
	struct pdk_sim_free_dvsec free_dvsec;
	/**
	 * Non-NULL: the function is an SR-IOV VF of this PF, a function of the
	 * same sim added before it (read by pdk_sim_fn_add() only). A VF's
	 * Vendor and Device ID registers read ffff in sysfs config, while its
	 * sysfs vendor and device files and the VFIO config region show the
	 * model's IDs (the kernel's pci_iov_add_virtfn(), vfio_config_init());
	 * it has no PASID capability of its own and its sysfs folder has a
	 * physfn link to the PF, whose folder gets a virtfnN link. Its
	 * @p pasid_bits, @p pasid_exec and @p pasid_priv must be the PF's (the
	 * kernel reads the PF's capability for a VF) and its @p pasid_offset 0.
	 */
	const char *physfn;
	/**
	 * The function has a PCIe Page Request Interface (PRI extended
	 * capability, PCI_EXT_CAP_ID_PRI 0x13; include/uapi/linux/pci_regs.h
	 * PCI_PRI_*), enabled where the IOMMU driver enables it
	 * (drivers/pci/ats.c pci_enable_pri()): the SIMULATED VT-d and AMD
	 * enable it only on a function with @p ats too (7.3.4
	 * drivers/iommu/intel/iommu.c intel_iommu_probe_device() and
	 * iommu_enable_pci_pri(); amd/iommu.c pdev_enable_cap_pri()), the
	 * SMMUv3 never (arm-smmu-v3 takes stall faults, not PRI; kernel-facts
	 * K24). A SIMULATED DSA engine that blocks on a translation fault
	 * then sends a page request group to the fault queue of a HWPT with
	 * one and waits for its response (doc/sim.md, "Page requests"). Not
	 * on a VF (not modelled).
	 */
	bool prs;
	/** PRI Outstanding Page Request Capacity (PCI_PRI_MAX_REQ), pages; 0 = 32. */
	uint32_t prs_max_requests;
	/**
	 * How long the function waits for a page request group's response
	 * before it gives up (the fault then stands), milliseconds; 0 = 500.
	 * The timeout is the device's (PCIe leaves it to the function; the
	 * kernel has none), so a late response finds the function no longer
	 * waiting: it sets PRI Status UPRGI (PCI_PRI_STATUS_UPRGI).
	 */
	uint32_t prs_timeout_ms;
	/** Where the PRI capability is; 0 = right after the PASID capability (or 0x100). */
	uint16_t prs_offset;
	/**
	 * The function has PCIe Address Translation Services (ATS extended
	 * capability, PCI_EXT_CAP_ID_ATS 0x0F, 8 bytes; pci_regs.h PCI_ATS_*):
	 * ATS Capability with Page Aligned Request set and Invalidate Queue
	 * Depth 0 (32), ATS Control enabled as the IOMMU driver enables it
	 * (drivers/pci/ats.c pci_enable_ats(): ENABLE, STU 0 for 4 KiB pages;
	 * a VF's STU field stays 0, its PF's counts). VT-d enables ATS only
	 * when Page Aligned Request is set (iommu_enable_pci_ats()). The sim
	 * sets ENABLE when the function is added, as VT-d does at probe, and
	 * keeps it (a sim function is never released: pci_disable_ats() has
	 * no moment); AMD and SMMUv3 set it at attach, which the sim does not
	 * model. Without ATS the SIMULATED VT-d and AMD leave @p prs's PRI
	 * disabled (kernel-facts K24). On a VF only when its PF has ATS
	 * (pci_ats_supported() asks the PF).
	 */
	bool ats;
	/**
	 * Where the ATS capability is; 0 = right after the PRI capability,
	 * else after the PASID capability, else 0x100.
	 */
	uint16_t ats_offset;
};

/* ---- registers of PDK_SIM_MODEL_SIMDMA, BAR0 (4 KiB), little endian ---- */
/* (PDK_SIM_MODEL_DSA's registers are DSA's: drivers/common/idxd/pdk_idxd.h.) */
#define PDK_SIMDMA_VENDOR_ID	0x5044	/**< "PD", no real vendor's */
#define PDK_SIMDMA_DEVICE_ID	0x0001	/**< the pdk-sim-dma engine */
#define PDK_SIMDMA_REG_ID	0x00	/**< RO u32: 0x50440001 */
#define PDK_SIMDMA_REG_SRC	0x08	/**< u64 source IOVA */
#define PDK_SIMDMA_REG_DST	0x10	/**< u64 destination IOVA */
#define PDK_SIMDMA_REG_LEN	0x18	/**< u32 bytes, 1..1 MiB */
#define PDK_SIMDMA_REG_PASID	0x1c	/**< u32: PASID_EN | PASID value */
#define PDK_SIMDMA_PASID_EN	(1u << 31)	/**< tag the copy's DMA with the PASID */
#define PDK_SIMDMA_PASID_MASK	0xfffffu	/**< the PASID value */
#define PDK_SIMDMA_REG_CMD	0x20	/**< u32 write PDK_SIMDMA_CMD_COPY to start */
#define PDK_SIMDMA_CMD_COPY	1u	/**< run the copy the registers describe */
#define PDK_SIMDMA_REG_STATUS	0x24	/**< u32 RO: PDK_SIMDMA_ST_* of the last command */
#define PDK_SIMDMA_ST_DONE	0u	/**< the copy finished */
#define PDK_SIMDMA_ST_FAULT	1u	/**< IOMMU refused a read or write */
#define PDK_SIMDMA_ST_ERROR	2u	/**< bad length or command, PASID tag without bus mastering */
#define PDK_SIMDMA_REG_FAULT_ADDR 0x28	/**< u64 RO: IOVA that faulted */
#define PDK_SIMDMA_MAX_LEN	(1u << 20)	/**< the largest REG_LEN, bytes */

/** The default simulated function pdk_sim_create() adds. */
#define PDK_SIM_DEFAULT_PCI_ADDR "0000:00:04.0"

/** One IOMMU fault the sim recorded. */
struct pdk_sim_fault {
	char pci_addr[16];	/**< the function that made the access */
	bool pasid_valid;	/**< the access carried a PASID */
	uint32_t pasid;		/**< that PASID, when pasid_valid */
	uint64_t iova;		/**< the address that faulted */
	bool write;		/**< a write (DMA to memory) rather than a read */
	const char *reason;	/**< static text: "no domain attached", "IOVA not mapped", ... */
};

/** Live objects of a sim; all zero after complete teardown. */
struct pdk_sim_stats {
	unsigned int fds;		/**< open sim fds of any kind */
	unsigned int iommufd_ctxs;	/**< iommufd contexts alive (fd or bound device) */
	unsigned int ioas;		/**< IOASes */
	unsigned int hwpts;		/**< HWPTs */
	unsigned int fault_queues;	/**< fault queues */
	unsigned int bound_devices;	/**< devices bound to an iommufd context */
	unsigned int pasid_attachments;	/**< PASIDs attached on all functions */
	unsigned int rid_attachments;	/**< RIDs attached to a HWPT */
	unsigned int mappings;		/**< IOAS mapping areas */
	uint64_t pinned_pages;		/**< pages pinned by IOAS mappings */
	unsigned int mmaps;		/**< BAR mappings and portal hooks (pdk_sys_mmio_resolve()) handed out */
	unsigned int engines;		/**< devices whose model threads run (a DSA's engine threads count once) */
	unsigned int containers;	/**< VFIO containers alive (/dev/vfio/vfio: fd or a group set to it) */
	unsigned int vfio_groups;	/**< VFIO group files alive (/dev/vfio/N: fd or a device fd it gave) */
	uint64_t faults;		/**< faults recorded since creation (not reset) */
	uint64_t calls;			/**< boundary calls since creation (not reset) */
};

/**
 * Create a simulated kernel. Unless cfg->no_default_devices, it has one
 * PDK_SIM_MODEL_SIMDMA function at PDK_SIM_DEFAULT_PCI_ADDR with a 20-bit
 * PASID width, bound to (simulated) vfio-pci.
 * @param cfg NULL for the defaults.
 * @param[out] sim  the new sim
 * @return 0, or -EINVAL (NULL @p sim, a bad configuration) or -ENOMEM.
 */
int pdk_sim_create(const struct pdk_sim_config *cfg, struct pdk_sim **sim);

/**
 * Destroy the sim.
 *
 * Refused (-EBUSY, nothing changed, logged with the open fds) while an fd,
 * a BAR mapping or a portal hook (pdk_sys_mmio_resolve()) of the sim is
 * open: the handles of lib/iommufd and
 * lib/vfio keep them, so they must be closed first (as a kernel module
 * with users cannot be unloaded).
 * @param sim  the sim
 * @return 0 (NULL: a no-op) or -EBUSY.
 */
int pdk_sim_destroy(struct pdk_sim *sim);

/**
 * @param sim  the sim
 * @return the sim's boundary backend (name "sim"); NULL for a NULL sim.
 */
struct pdk_sys *pdk_sim_sys(struct pdk_sim *sim);

/**
 * Add a simulated function. @p fn may be NULL when the handle is not wanted.
 * @param sim  the sim
 * @param cfg  the function's address, model and PASID capability
 * @param[out] fn  the new function
 * @return 0, -EINVAL (NULL @p sim or @p cfg, a bad address, model or
 *   width, a config-space shape the sim cannot write: see struct
 *   pdk_sim_fn_config and doc/sim.md, "Capability chains"), -EEXIST if the
 *   address is taken, -ENOMEM.
 */
int pdk_sim_fn_add(struct pdk_sim *sim, const struct pdk_sim_fn_config *cfg,
		   struct pdk_sim_fn **fn);

/**
 * Find a function by PCI address (as pdk_sys_pci_addr_parse() reads it).
 * @param sim  the sim
 * @param pci_addr  the address
 * @return NULL if there is none (and, logged, for a NULL sim or a
 *   malformed address).
 */
struct pdk_sim_fn *pdk_sim_fn_find(struct pdk_sim *sim, const char *pci_addr);

/**
 * The function's DMA port: move @p len bytes between @p buf and IOVA @p iova
 * as the device would, tagged with @p pasid when @p pasid_valid (else the
 * RID). @p to_memory true is a DMA write into memory.
 * @param fn  the function
 * @param pasid_valid  the access carries @p pasid
 * @param pasid  the PASID
 * @param iova  the address the device uses
 * @param buf  the bytes to write, or where the bytes read go
 * @param len  their count
 * @param to_memory  true: a DMA write into memory; false: a DMA read
 * @return 0, -EFAULT when the IOMMU refused (fault recorded, no byte moved),
 *   or -EINVAL (logged) for a NULL @p fn, or a NULL @p buf with @p len > 0.
 */
int pdk_sim_fn_dma(struct pdk_sim_fn *fn, bool pasid_valid, uint32_t pasid, uint64_t iova,
		   void *buf, size_t len, bool to_memory);

/** Counters of a PDK_SIM_MODEL_DSA function since its creation. */
struct pdk_sim_dsa_stats {
	uint64_t submitted;		/**< descriptors a WQ accepted from a portal */
	uint64_t completed;		/**< descriptors the engine ran (a batch counts 1) */
	uint64_t aborted;		/**< accepted, then discarded (abort, reset, no bus master) */
	uint64_t dropped_disabled;	/**< portal writes to a disabled WQ or device */
	uint64_t dropped_full;		/**< portal writes to a full dedicated WQ */
	uint64_t dropped_bad_write;	/**< portal writes not of 64 aligned bytes */
	uint64_t swerr;			/**< software errors recorded in SWERR */
	/**
	 * Descriptors a WQ accepted while an earlier one of the same WQ had
	 * not finished: work that overlaps on a WQ, which a device may run
	 * in any order across submissions (a driver's fence must not rely on
	 * it).
	 */
	uint64_t busy_accepted;
	uint64_t records;		/**< completion records written (a batch's included) */
	/**
	 * Descriptors run before one submitted ahead of them on the same WQ:
	 * the model reorders a WQ whose group has several engines.
	 */
	uint64_t reordered;
	/**
	 * Page request groups a WQ with block on fault sent (cfg.prs; doc/sim.md,
	 * "Page requests"), whatever their answer.
	 */
	uint64_t page_requests;
};

/**
 * Read the counters of a DSA model function.
 * @param fn  a PDK_SIM_MODEL_DSA function
 * @param[out] stats  its counters
 * @return 0, or -EINVAL (logged) when @p fn is NULL or not a
 *   PDK_SIM_MODEL_DSA function, or @p stats is NULL.
 */
int pdk_sim_fn_dsa_stats(struct pdk_sim_fn *fn, struct pdk_sim_dsa_stats *stats);

/**
 * Put a DSA model function into the halt state, as a fatal error would on
 * silicon (a test injection: the model never halts on its own). GENSTS
 * then reads state 3 (halt) with @p reset_type in bits 3:2 (0 software, 1
 * FLR, 2 warm, 3 cold: PDK_IDXD_RESET_*); the WQs stop accepting and what
 * they hold is discarded; INTCAUSE gets HALT_STATE, with an MSI-X vector 0
 * signal if GENCTRL halt_int_en is set. Commands other than RESET_DEVICE
 * complete with HW_ERR. RESET_DEVICE clears a halt of type software; a
 * VFIO reset clears software and FLR; warm and cold stay until the function
 * is removed (doc/sim.md, "DSA model").
 * @param fn  a PDK_SIM_MODEL_DSA or PDK_SIM_MODEL_DSA2 function
 * @param reset_type  the reset GENSTS says the device needs: PDK_IDXD_RESET_*
 * @return 0, or -EINVAL (logged) when @p fn is NULL or not a DSA model
 *   function, or @p reset_type is above 3.
 */
int pdk_sim_fn_dsa_halt(struct pdk_sim_fn *fn, unsigned int reset_type);

/**
 * Pop the oldest recorded fault into @p fault (NULL: just drop it).
 * @param sim  the sim
 * @param[out] fault  the fault
 * @return 0, -ENOENT when there is none, -EINVAL (logged) for a NULL sim.
 */
int pdk_sim_fault_pop(struct pdk_sim *sim, struct pdk_sim_fault *fault);

/**
 * The sim's IOMMU_TEST_OP_TRIGGER_IOPF (the kernel's iommufd selftest op,
 * drivers/iommu/iommufd/selftest.c): the device @p dev_id of the iommufd
 * context behind @p iommufd makes one page request (one group, LAST_PAGE)
 * for @p addr at @p pasid (0: the RID, without PASID_VALID). When (device,
 * PASID) is attached to a HWPT with a fault queue, the request is queued
 * there as an iommu_hwpt_pgfault with @p grpid, @p perm (IOMMU_PGFAULT_PERM_*)
 * and @p addr as given; otherwise it is dropped, as the kernel answers it
 * at once, and the call still succeeds. It moves no byte and is not
 * recorded in the fault log (pdk_sim_fault_pop()).
 * @param sim  the sim
 * @param iommufd  an iommufd fd of @p sim
 * @param dev_id  a device object of that context (the BIND's out_devid)
 * @param pasid  the PASID, 0 for the RID
 * @param grpid  the page request group index
 * @param perm  IOMMU_PGFAULT_PERM_* bits
 * @param addr  the address, reported as given
 * @return 0; -EINVAL (logged) for a NULL sim; -EBADF when @p iommufd is no
 *   sim fd, -ENOTTY when it is not an iommufd, -ENOENT when @p dev_id is no
 *   device of it.
 */
int pdk_sim_trigger_iopf(struct pdk_sim *sim, int iommufd, uint32_t dev_id, uint32_t pasid,
			 uint32_t grpid, uint32_t perm, uint64_t addr);

/**
 * Read the live-object counters (all zero, logged, for a NULL sim).
 * @param sim  the sim
 * @param[out] stats  the counters
 */
void pdk_sim_stats_get(struct pdk_sim *sim, struct pdk_sim_stats *stats);

/**
 * @param sim  the sim
 * @return true when no object, fd, mapping or pin is alive; false (logged) for a NULL sim.
 */
bool pdk_sim_is_clean(struct pdk_sim *sim);

/**
 * Failure injection: the @p nth boundary call from now (1 = the next one)
 * fails with -@p err without any effect, like the kernel's fail_nth.
 * @p nth = 0 disarms it. Calls that release (close, munmap) never fail.
 * A NULL sim is logged and ignored.
 * @param sim  the sim
 * @param nth  which call fails, counted from 1; 0 disarms
 * @param err  the positive errno it fails with
 */
void pdk_sim_fail_nth(struct pdk_sim *sim, uint64_t nth, int err);

/**
 * @param sim  the sim
 * @return true if the armed failure has fired since pdk_sim_fail_nth(); false (logged) for a NULL sim.
 */
bool pdk_sim_fail_fired(struct pdk_sim *sim);

/**
 * The sim behind a backend, e.g. one from pdk_sys_backend_open().
 * @param sys a backend, or NULL.
 * @return the sim, or NULL when @p sys is not a sim (the kernel) or NULL.
 */
struct pdk_sim *pdk_sim_from_sys(struct pdk_sys *sys);

/**
 * Whether @p fd is one of the sim's fds, for a program that routes calls by
 * fd (pdk-sim-run's interposer: a call on a sim fd goes to the sim, any
 * other to the kernel). Not a boundary call: not counted, never injected.
 * @param sim  the sim
 * @param fd   any fd number
 * @return true for a sim fd; false otherwise, and (logged) for a NULL sim.
 */
bool pdk_sim_owns_fd(struct pdk_sim *sim, int fd);

/**
 * The whole target of a link of the sim's sysfs, as readlink() gives it
 * ("../../../kernel/iommu_groups/3"), for a walker that copies the tree;
 * pdk_sys_link_name() gives only its last component, on every backend.
 * @param sim  the sim
 * @param path  the link, e.g. "/sys/bus/pci/devices/0000:00:04.0/iommu_group"
 * @param[out] buf  the target, NUL-terminated
 * @param len  the size of @p buf
 * @return the target's length, -ENOENT (no such path), -EINVAL (not a link;
 *   logged at ERR for a NULL argument), -ENAMETOOLONG (@p buf too small).
 */
ssize_t pdk_sim_link_target(struct pdk_sim *sim, const char *path, char *buf, size_t len);

/**
 * The device number of one of the sim's device nodes, for a runner that
 * answers stat() of them: /dev/iommu, /dev/vfio/vfio, /dev/vfio/N (a group
 * VFIO offers) and /dev/vfio/devices/vfioN (a cdev), all char devices. The
 * cdev's number is what its sysfs dev file
 * (/sys/bus/pci/devices/ADDR/vfio-dev/vfioN/dev) says. /dev/vfio/vfio is
 * 10:196 as on the kernel; the kernel allocates the others at boot, the
 * sim's are made up (doc/sim.md).
 * @param sim  the sim
 * @param path  the node's absolute path, as open() takes it
 * @param[out] major  its major number
 * @param[out] minor  its minor number
 * @return 0; -ENOENT when the sim has no such node; -EINVAL (logged at ERR)
 *   for a NULL argument.
 */
int pdk_sim_dev_node(struct pdk_sim *sim, const char *path, unsigned int *major,
		     unsigned int *minor);

/* ---- trapped BAR access (for a runner that cannot map the sim's BARs) ---- */

/**
 * A BAR mapping whose accesses are calls rather than loads and stores
 * (opaque): what a process that traps its own loads and stores into a
 * PROT_NONE reservation (a SIGSEGV handler decoding each one) hands to the
 * simulated device. These calls are not boundary calls: not counted in
 * pdk_sim_stats.calls and never failure-injected, like the portal hooks.
 */
struct pdk_sim_bar;

/**
 * Take a trapped mapping of a BAR region of a sim device fd (its VFIO cdev
 * fd, bound, or a device fd its VFIO group gave). @p offset and @p len are
 * what an mmap of the region would take (the region offset from
 * VFIO_DEVICE_GET_REGION_INFO plus a page-aligned position) and are checked
 * as the sim's mmap checks them, with the same errno and log line. Like a
 * BAR mmap (a vma holds its file) the handle holds the device file: it stays
 * usable after the fd is closed, until pdk_sim_bar_put(); pdk_sim_destroy()
 * is refused while one is held.
 * @param sim  the sim
 * @param fd  the device fd
 * @param offset  region offset + page-aligned position in the BAR
 * @param len  bytes, as mmap's length
 * @param[out] bar  the handle
 * @return 0, -EINVAL (logged at ERR for NULL arguments; at DEBUG, as mmap,
 *   for a bad region, offset or length, or an fd not bound yet), -EBADF
 *   (not a sim fd), -ENODEV (a sim fd that is not a device), -ENOMEM.
 */
int pdk_sim_bar_get(struct pdk_sim *sim, int fd, uint64_t offset, size_t len,
		    struct pdk_sim_bar **bar);

/**
 * A load of @p width bytes at @p off from the start of the mapping, as the
 * device answers a memory read: the same read path as a pread of the BAR.
 * Widths 16, 32 and 64 (SSE, AVX, AVX-512 moves) are split into 8-byte reads
 * in ascending order. With memory decoding off (PCI_COMMAND_MEMORY clear)
 * the read returns all-ones, as a PCI master abort does (logged once per
 * handle). Thread-safe (under the sim's lock).
 * @param bar  the handle
 * @param off  offset from the start of what was mapped
 * @param[out] val  @p width bytes
 * @param width  1, 2, 4, 8, 16, 32 or 64
 * @return 0, or -EINVAL (logged) for a NULL argument, another width, or an
 *   access beyond the mapping.
 */
int pdk_sim_bar_read(struct pdk_sim_bar *bar, uint64_t off, void *val, unsigned int width);

/**
 * A store of @p width bytes at @p off from the start of the mapping, as the
 * device takes a memory write: the same write path as a pwrite of the BAR
 * (the model's write mask, then its written() callback), so a write of the
 * value already there, or of 1 to a write-1-to-clear bit, still reaches the
 * model. Widths 16 and 32 are split into 8-byte writes in ascending order;
 * 64 is one 64-byte store (MOVDIR64B): the model's 64-byte store where the
 * BAR has one (the DSA portals), else eight 8-byte writes. With memory
 * decoding off the write is dropped, as a PCI master abort (logged once per
 * handle). Thread-safe (under the sim's lock).
 * @param bar  the handle
 * @param off  offset from the start of what was mapped
 * @param val  @p width bytes
 * @param width  1, 2, 4, 8, 16, 32 or 64
 * @return 0, or -EINVAL (logged) for a NULL argument, another width, or an
 *   access beyond the mapping.
 */
int pdk_sim_bar_write(struct pdk_sim_bar *bar, uint64_t off, const void *val, unsigned int width);

/**
 * Drop a trapped mapping (the munmap of it): the device file is released
 * when nothing else holds it. NULL is a no-op.
 * @param bar  the handle
 */
void pdk_sim_bar_put(struct pdk_sim_bar *bar);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* PDK_SIM_H */
