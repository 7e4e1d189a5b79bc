/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef PDK_IDXD_H
#define PDK_IDXD_H

/**
 * @file
 * Hardware definitions of the Intel Data Streaming Accelerator (DSA, the
 * "idxd" family): the BAR0 registers, WQCFG and GRPCFG tables, commands,
 * the 64-byte descriptor and the 32-byte completion record, as far as PDK's
 * DSA PMD (drivers/dma/dsa) and the simulated kernel's DSA model use them.
 * Both include this one header, so the PMD and the model cannot disagree.
 *
 * Sources of the facts (numbers only; no code was taken):
 *  - Intel DSA Architecture Specification, rev. 2.0 (the register chapters);
 *  - Linux include/uapi/linux/idxd.h: opcodes, descriptor flags, completion
 *    status codes, struct dsa_hw_desc / dsa_completion_record layouts;
 *  - Linux drivers/dma/idxd/registers.h: BAR0 offsets, capability and
 *    configuration bit fields, commands and command status codes;
 *  - Linux drivers/dma/idxd/idxd.h: the portal layout in BAR2.
 *
 * All registers are little endian. Bit fields are given as shift/width
 * macros rather than C bit fields, whose layout the C standard leaves open.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Extract a field of @p width bits at @p shift of @p v. */
#define PDK_IDXD_GET(v, shift, width) \
	(((uint64_t)(v) >> (shift)) & ((UINT64_C(1) << (width)) - 1))
/** @p v with the field of @p width bits at @p shift set to @p f. */
#define PDK_IDXD_SET(v, shift, width, f) \
	(((uint64_t)(v) & ~(((UINT64_C(1) << (width)) - 1) << (shift))) | \
	 (((uint64_t)(f) & ((UINT64_C(1) << (width)) - 1)) << (shift)))

/* ---- PCI identity (Linux include/linux/pci_ids.h) ---- */
#define PDK_IDXD_VENDOR_INTEL		0x8086	/**< PCI vendor ID of Intel */
#define PDK_IDXD_DEVICE_DSA_SPR		0x0b25	/**< DSA on Sapphire/Emerald Rapids */
#define PDK_IDXD_DEVICE_DSA_GNRD	0x11fb	/**< DSA on Granite Rapids-D */
#define PDK_IDXD_DEVICE_DSA_DMR		0x1212	/**< DSA on Diamond Rapids */

/* ---- BARs (registers.h IDXD_MMIO_BAR / IDXD_WQ_BAR) ---- */
#define PDK_IDXD_MMIO_BAR		0	/**< the BAR of the registers */
#define PDK_IDXD_WQ_BAR			2	/**< the BAR of the WQ portals */
/** A work queue's unlimited portal: 4 pages per WQ (idxd.h portal layout). */
#define PDK_IDXD_PORTAL_STRIDE		0x4000u
/** Offset of WQ @p wq's portal in the WQ BAR. */
#define PDK_IDXD_PORTAL_OFFSET(wq)	((uint64_t)(wq) * PDK_IDXD_PORTAL_STRIDE)

/* ---- BAR0 register offsets (registers.h) ---- */
#define PDK_IDXD_REG_VERSION		0x00	/**< u32, see PDK_IDXD_VERSION_* */
#define PDK_IDXD_REG_GENCAP		0x10	/**< u64 general capabilities */
#define PDK_IDXD_REG_WQCAP		0x20	/**< u64 work queue capabilities */
#define PDK_IDXD_REG_GRPCAP		0x30	/**< u64 group capabilities */
#define PDK_IDXD_REG_ENGCAP		0x38	/**< u64 engine capabilities */
#define PDK_IDXD_REG_OPCAP		0x40	/**< 4 x u64: bit n = opcode n supported */
#define PDK_IDXD_REG_OFFSETS		0x60	/**< 2 x u64: table offsets, in 0x100 units */
#define PDK_IDXD_REG_GENCFG		0x80	/**< u32 */
#define PDK_IDXD_REG_GENCTRL		0x88	/**< u32 */
#define PDK_IDXD_REG_GENSTS		0x90	/**< u32 device state */
#define PDK_IDXD_REG_INTCAUSE		0x98	/**< u32 */
#define PDK_IDXD_REG_CMD		0xa0	/**< u32 command (write starts it) */
#define PDK_IDXD_REG_CMDSTS		0xa8	/**< u32 command status */
#define PDK_IDXD_REG_CMDCAP		0xb0	/**< u32 supported commands */
#define PDK_IDXD_REG_SWERR		0xc0	/**< 4 x u64 software error */

/*
 * VERSION values. registers.h masks the major version with 0xf0, yet the
 * kernel compares the raw register with DEVICE_VERSION_1/2/3 (0x100, 0x200,
 * 0x300), and a DSA 1.0 (Sapphire Rapids) reads 0x100: compare raw values.
 */
#define PDK_IDXD_VERSION_1		0x100u	/**< DSA 1.0 (Sapphire Rapids) */
#define PDK_IDXD_VERSION_2		0x200u	/**< DSA 2.0 */

/* GENCAP fields (union gen_cap_reg) */
/**
 * WQCFG bof supported (registers.h `union gen_cap_reg` `block_on_fault`):
 * the kernel sets WQCFG bof only when it is 1 and the WQ has
 * WQ_FLAG_BLOCK_ON_FAULT without WQ_FLAG_PRS_DISABLE (device.c
 * `idxd_wq_config_write()`), and sysfs refuses block_on_fault=1 without it
 * (-EOPNOTSUPP, sysfs.c `wq_block_on_fault_store()`). DPDK never sets bof
 * (drivers/dma/idxd/idxd_hw_defs.h defines no BOF flag).
 */
#define PDK_IDXD_GENCAP_BLOCK_ON_FAULT	(UINT64_C(1) << 0)
#define PDK_IDXD_GENCAP_OVERLAP_COPY	(UINT64_C(1) << 1)	/**< memmove may overlap */
#define PDK_IDXD_GENCAP_MAX_XFER_SHIFT	16	/**< 5 bits: log2 of the max transfer */
#define PDK_IDXD_GENCAP_MAX_BATCH_SHIFT	21	/**< 4 bits: log2 of the max batch */
#define PDK_IDXD_GENCAP_CACHE_CTRL_MEM	(UINT64_C(1) << 2)	/**< cache control, memory */
#define PDK_IDXD_GENCAP_CACHE_CTRL_CACHE (UINT64_C(1) << 3)	/**< flag CC: write to cache */
#define PDK_IDXD_GENCAP_CMD_CAP		(UINT64_C(1) << 4)	/**< CMDCAP is valid */
#define PDK_IDXD_GENCAP_CONFIG_EN	(UINT64_C(1) << 31)	/**< WQ/group config writable */

/* WQCAP fields (union wq_cap_reg) */
#define PDK_IDXD_WQCAP_TOTAL_SIZE_SHIFT	0	/**< 16 bits: descriptors over all WQs */
#define PDK_IDXD_WQCAP_NUM_WQS_SHIFT	16	/**< 8 bits */
#define PDK_IDXD_WQCAP_WQCFG_SIZE_SHIFT	24	/**< 4 bits: WQCFG is 32 << n bytes */
#define PDK_IDXD_WQCAP_SHARED		(UINT64_C(1) << 48)	/**< shared WQs supported */
#define PDK_IDXD_WQCAP_DEDICATED	(UINT64_C(1) << 49)	/**< dedicated WQs supported */
#define PDK_IDXD_WQCAP_ATS		(UINT64_C(1) << 50)	/**< WQCFG wq_ats_disable exists */
#define PDK_IDXD_WQCAP_PRIORITY		(UINT64_C(1) << 51)	/**< WQ priority */
#define PDK_IDXD_WQCAP_OCCUPANCY	(UINT64_C(1) << 52)	/**< WQ occupancy */
#define PDK_IDXD_WQCAP_OCCUPANCY_INT	(UINT64_C(1) << 53)	/**< occupancy interrupt */
/** WQCFG bytes 32-63 (op_config) say which opcodes a WQ accepts (DSA 2.0). */
#define PDK_IDXD_WQCAP_OP_CONFIG	(UINT64_C(1) << 54)
#define PDK_IDXD_WQCAP_PRS		(UINT64_C(1) << 55)	/**< WQCFG wq_prs_disable exists */

/* GRPCAP / ENGCAP fields (union group_cap_reg, union engine_cap_reg) */
#define PDK_IDXD_GRPCAP_NUM_GROUPS_SHIFT 0	/**< 8 bits */
#define PDK_IDXD_GRPCAP_TOTAL_RDBUFS_SHIFT 8	/**< 8 bits: read buffers (formerly tokens) */
#define PDK_IDXD_GRPCAP_RDBUF_CTRL	(UINT64_C(1) << 16)	/**< read buffer control */
#define PDK_IDXD_GRPCAP_RDBUF_LIMIT	(UINT64_C(1) << 17)	/**< GENCFG rdbuf_limit */
#define PDK_IDXD_GRPCAP_PROGRESS_LIMIT	(UINT64_C(1) << 18)	/**< progress limits */
#define PDK_IDXD_ENGCAP_NUM_ENGINES_SHIFT 0	/**< 8 bits */

/* OFFSETS fields, first u64 (union offsets_reg), each in 0x100-byte units */
#define PDK_IDXD_OFFSETS_GRPCFG_SHIFT	0	/**< 16 bits */
#define PDK_IDXD_OFFSETS_WQCFG_SHIFT	16	/**< 16 bits */
#define PDK_IDXD_OFFSETS_MSIX_SHIFT	32	/**< 16 bits */
#define PDK_IDXD_TABLE_MULT		0x100u	/**< the unit of the OFFSETS fields, bytes */

/* GENCTRL (union genctrl_reg) */
#define PDK_IDXD_GENCTRL_SOFTERR_INT_EN	(1u << 0)	/**< interrupt on software errors */
#define PDK_IDXD_GENCTRL_HALT_INT_EN	(1u << 1)	/**< interrupt when the device halts */

/* INTCAUSE bits (registers.h IDXD_INTC_*), write 1 to clear */
#define PDK_IDXD_INTC_ERR		0x01u	/**< a software error was recorded */
#define PDK_IDXD_INTC_CMD		0x02u	/**< a command with int_req completed */
#define PDK_IDXD_INTC_HALT_STATE	0x10u	/**< the device entered the halt state */

/* GENSTS (union gensts_reg): device state in bits 1:0 */
#define PDK_IDXD_GENSTS_STATE_MASK	0x3u	/**< the state field */
#define PDK_IDXD_STATE_DISABLED		0u	/**< device disabled */
#define PDK_IDXD_STATE_ENABLED		1u	/**< device enabled */
#define PDK_IDXD_STATE_DRAIN		2u	/**< device draining */
#define PDK_IDXD_STATE_HALT		3u	/**< device halted (an error, see SWERR) */
/** GENSTS bits 3:2: what reset a halted device needs (enum idxd_device_reset_type). */
#define PDK_IDXD_GENSTS_RESET_TYPE_SHIFT 2
#define PDK_IDXD_RESET_SOFTWARE		0u	/**< RESET DEVICE (the kernel resets and re-enables) */
#define PDK_IDXD_RESET_FLR		1u	/**< a function level reset */
#define PDK_IDXD_RESET_WARM		2u	/**< a warm platform reset */
#define PDK_IDXD_RESET_COLD		3u	/**< a cold platform reset */

/* CMD (union idxd_command_reg): operand 19:0, command 24:20, int_req 31 */
#define PDK_IDXD_CMD_OPERAND_MASK	0xfffffu	/**< the operand field */
#define PDK_IDXD_CMD_SHIFT		20	/**< position of the command field */
#define PDK_IDXD_CMD_INT_REQ		(1u << 31)	/**< interrupt when the command completes */
/** The CMD register value of command @p cmd with @p operand. */
#define PDK_IDXD_CMD(cmd, operand) \
	((uint32_t)(cmd) << PDK_IDXD_CMD_SHIFT | ((operand) & PDK_IDXD_CMD_OPERAND_MASK))

/** Commands (enum idxd_cmd). WQ commands take a bit mask operand (see below). */
enum pdk_idxd_cmd {
	PDK_IDXD_CMD_ENABLE_DEVICE = 1,
	PDK_IDXD_CMD_DISABLE_DEVICE = 2,
	PDK_IDXD_CMD_DRAIN_ALL = 3,
	PDK_IDXD_CMD_ABORT_ALL = 4,
	PDK_IDXD_CMD_RESET_DEVICE = 5,
	PDK_IDXD_CMD_ENABLE_WQ = 6,
	PDK_IDXD_CMD_DISABLE_WQ = 7,
	PDK_IDXD_CMD_DRAIN_WQ = 8,
	PDK_IDXD_CMD_ABORT_WQ = 9,
	PDK_IDXD_CMD_RESET_WQ = 10,
};

/**
 * Operand of ENABLE_WQ: the WQ index. Operand of DISABLE/DRAIN/ABORT/RESET_WQ:
 * a 16-bit mask of WQs in bits 15:0 and the mask's index (wq / 16) in 19:16
 * (the kernel's idxd_wq_disable() and friends).
 */
#define PDK_IDXD_WQ_MASK_OPERAND(wq) \
	((uint32_t)((wq) / 16) << 16 | (1u << ((wq) % 16)))

/* CMDSTS (union cmdsts_reg): error 7:0, result 23:8, active 31 */
#define PDK_IDXD_CMDSTS_ACTIVE		(1u << 31)	/**< a command is running */
#define PDK_IDXD_CMDSTS_ERR_MASK	0xffu	/**< the error field (enum pdk_idxd_cmdsts_err) */

/** Command status error codes: every one registers.h enum idxd_cmdsts_err names. */
enum pdk_idxd_cmdsts_err {
	PDK_IDXD_CMDSTS_SUCCESS = 0x00,
	PDK_IDXD_CMDSTS_INVAL_CMD = 0x01,
	PDK_IDXD_CMDSTS_INVAL_WQIDX = 0x02,
	PDK_IDXD_CMDSTS_HW_ERR = 0x03,
	PDK_IDXD_CMDSTS_ERR_DEV_ENABLED = 0x10,
	PDK_IDXD_CMDSTS_ERR_CONFIG = 0x11,
	PDK_IDXD_CMDSTS_ERR_BUSMASTER_EN = 0x12,
	PDK_IDXD_CMDSTS_ERR_PASID_INVAL = 0x13,
	PDK_IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE = 0x14,
	PDK_IDXD_CMDSTS_ERR_GRP_CONFIG = 0x15,
	PDK_IDXD_CMDSTS_ERR_GRP_CONFIG2 = 0x16,
	PDK_IDXD_CMDSTS_ERR_GRP_CONFIG3 = 0x17,
	PDK_IDXD_CMDSTS_ERR_GRP_CONFIG4 = 0x18,
	PDK_IDXD_CMDSTS_ERR_DEV_NOTEN = 0x20,
	PDK_IDXD_CMDSTS_ERR_WQ_ENABLED = 0x21,
	PDK_IDXD_CMDSTS_ERR_WQ_SIZE = 0x22,
	PDK_IDXD_CMDSTS_ERR_WQ_PRIOR = 0x23,
	PDK_IDXD_CMDSTS_ERR_WQ_MODE = 0x24,
	PDK_IDXD_CMDSTS_ERR_BOF_EN = 0x25,	/**< WQCFG bof without GENCAP support */
	PDK_IDXD_CMDSTS_ERR_PASID_EN = 0x26,
	PDK_IDXD_CMDSTS_ERR_MAX_BATCH_SIZE = 0x27,
	PDK_IDXD_CMDSTS_ERR_MAX_XFER_SIZE = 0x28,
	PDK_IDXD_CMDSTS_ERR_DIS_DEV_EN = 0x31,
	PDK_IDXD_CMDSTS_ERR_DEV_NOT_EN = 0x32,
	PDK_IDXD_CMDSTS_ERR_INVAL_INT_IDX = 0x41,
	PDK_IDXD_CMDSTS_ERR_NO_HANDLE = 0x42,
};

/* SWERR (union sw_err_reg), first u64; VALID and OVERFLOW are write-1-to-clear */
#define PDK_IDXD_SWERR_VALID		(UINT64_C(1) << 0)	/**< an error is recorded */
#define PDK_IDXD_SWERR_OVERFLOW		(UINT64_C(1) << 1)	/**< more errors happened after it */
#define PDK_IDXD_SWERR_DESC_VALID	(UINT64_C(1) << 2)	/**< operation/pasid are valid */
#define PDK_IDXD_SWERR_WQ_IDX_VALID	(UINT64_C(1) << 3)	/**< the WQ index is valid */
#define PDK_IDXD_SWERR_BATCH		(UINT64_C(1) << 4)	/**< in a batch */
#define PDK_IDXD_SWERR_FAULT_RW		(UINT64_C(1) << 5)	/**< a write faulted */
#define PDK_IDXD_SWERR_ERROR_SHIFT	8	/**< 8 bits, a completion status code */
#define PDK_IDXD_SWERR_WQ_IDX_SHIFT	16	/**< 8 bits */
#define PDK_IDXD_SWERR_OPERATION_SHIFT	32	/**< 8 bits: the opcode */
#define PDK_IDXD_SWERR_PASID_SHIFT	40	/**< 20 bits */
/* second u64: batch_idx 15:0; third u64: the faulting address */
#define PDK_IDXD_SWERR_BATCH_IDX_SHIFT	0	/**< 16 bits, in the second u64 */
#define PDK_IDXD_SWERR_FAULT_ADDR	16u	/**< byte offset of the fault address */

/* ---- GRPCFG table: 64 bytes per group (registers.h struct grpcfg) ---- */
#define PDK_IDXD_GRPCFG_SIZE		64u	/**< bytes per group */
#define PDK_IDXD_GRPCFG_WQS(g, i)	((g) * PDK_IDXD_GRPCFG_SIZE + 8u * (i)) /**< 4 x u64 WQ bitmap */
#define PDK_IDXD_GRPCFG_ENGINES(g)	((g) * PDK_IDXD_GRPCFG_SIZE + 32u)	/**< u64 engine bitmap */
#define PDK_IDXD_GRPCFG_FLAGS(g)	((g) * PDK_IDXD_GRPCFG_SIZE + 40u)	/**< u64 flags */

/* GRPCFG flags (registers.h union group_flags) */
#define PDK_IDXD_GRPFLAGS_TC_A_SHIFT	0	/**< 3 bits: traffic class A */
#define PDK_IDXD_GRPFLAGS_TC_B_SHIFT	3	/**< 3 bits: traffic class B */
#define PDK_IDXD_GRPFLAGS_USE_RDBUF_LIMIT (UINT64_C(1) << 7)	/**< obey GENCFG rdbuf_limit */
#define PDK_IDXD_GRPFLAGS_RDBUFS_RESERVED_SHIFT 8	/**< 8 bits */
#define PDK_IDXD_GRPFLAGS_RDBUFS_ALLOWED_SHIFT 20	/**< 8 bits */
#define PDK_IDXD_GRPFLAGS_DESC_PROGRESS_SHIFT 32	/**< 2 bits */
#define PDK_IDXD_GRPFLAGS_BATCH_PROGRESS_SHIFT 36	/**< 2 bits */
/** The bits union group_flags defines; the others are reserved. */
#define PDK_IDXD_GRPFLAGS_DEFINED	UINT64_C(0x330ff0ffbf)

/* ---- WQCFG table: (32 << WQCAP.wqcfg_size) bytes per WQ (union wqcfg) ---- */
#define PDK_IDXD_WQCFG_MIN_SIZE		32u	/**< bytes per WQ when WQCAP.wqcfg_size is 0 */
/** The largest WQCFG the kernel knows (registers.h union wqcfg: 16 dwords). */
#define PDK_IDXD_WQCFG_MAX_SIZE		64u
#define PDK_IDXD_WQCFG_SIZE_DW		0	/**< dword 0: wq_size 15:0 */
#define PDK_IDXD_WQCFG_THRESH_DW	1	/**< dword 1: wq_thresh 15:0 */
#define PDK_IDXD_WQCFG_MODE_DW		2	/**< dword 2: mode, bof, priority, PASID */
#define PDK_IDXD_WQCFG_MODE_DEDICATED	(1u << 0)	/**< 0 = shared */
/**
 * Block on fault (registers.h `union wqcfg` `bof`, dword 2 bit 1): a
 * descriptor with PDK_IDXD_FLAG_BOF waits on a page request for a fault
 * instead of completing with PAGE_FAULT_NOBOF; ENABLE_WQ fails ERR_BOF_EN
 * when GENCAP block_on_fault is 0.
 */
#define PDK_IDXD_WQCFG_BOF		(1u << 1)
#define PDK_IDXD_WQCFG_PRIORITY_SHIFT	4		/**< 4 bits */
#define PDK_IDXD_WQCFG_PASID_SHIFT	8		/**< 20 bits: the WQ's PASID */
#define PDK_IDXD_WQCFG_PASID_MASK	0xfffffu	/**< the PASID field, after the shift */
#define PDK_IDXD_WQCFG_PASID_EN		(1u << 28)	/**< tag the WQ's DMA with PASID */
#define PDK_IDXD_WQCFG_PRIV		(1u << 29)	/**< privileged WQ */
#define PDK_IDXD_WQCFG_XFER_DW		3	/**< dword 3: max_xfer_shift 4:0, max_batch_shift 8:5 */
#define PDK_IDXD_WQCFG_MAX_XFER_SHIFT	0	/**< position of max_xfer_shift in dword 3 */
#define PDK_IDXD_WQCFG_MAX_BATCH_SHIFT	5	/**< position of max_batch_shift in dword 3 */
#define PDK_IDXD_WQCFG_STATE_DW		6	/**< dword 6: occupancy 15:0, wq_state 31:30 */
#define PDK_IDXD_WQCFG_STATE_SHIFT	30	/**< position of wq_state in dword 6 */
#define PDK_IDXD_WQ_STATE_DISABLED	0u	/**< WQ disabled */
#define PDK_IDXD_WQ_STATE_ENABLED	1u	/**< WQ enabled */
/** Dwords 8-15 (bytes 32-63): op_config, bit n = opcode n allowed (WQCAP op_config). */
#define PDK_IDXD_WQCFG_OP_CONFIG_DW	8
/** Byte offset of dword @p dw of WQ @p wq's WQCFG, relative to the table. */
#define PDK_IDXD_WQCFG(wq, wqcfg_size, dw) ((wq) * (wqcfg_size) + 4u * (dw))

/* ---- descriptors (include/uapi/linux/idxd.h) ---- */

/** Opcodes (enum dsa_opcode), the subset PDK uses. */
enum pdk_idxd_opcode {
	PDK_IDXD_OP_NOOP = 0x00,
	PDK_IDXD_OP_BATCH = 0x01,
	PDK_IDXD_OP_DRAIN = 0x02,
	PDK_IDXD_OP_MEMMOVE = 0x03,
	PDK_IDXD_OP_MEMFILL = 0x04,
};

/* Descriptor flags (IDXD_OP_FLAG_*) */
#define PDK_IDXD_FLAG_FENCE		0x0001u	/**< wait for the batch's earlier descriptors */
/** Block on fault, honoured on a WQ with WQCFG bof (uapi idxd.h `IDXD_OP_FLAG_BOF`). */
#define PDK_IDXD_FLAG_BOF		0x0002u
#define PDK_IDXD_FLAG_CRAV		0x0004u	/**< completion record address valid */
#define PDK_IDXD_FLAG_RCR		0x0008u	/**< request completion record */
#define PDK_IDXD_FLAG_RCI		0x0010u	/**< request completion interrupt */
#define PDK_IDXD_FLAG_CC		0x0100u	/**< cache control: write to cache */

/**
 * A DSA descriptor, 64 bytes (struct dsa_hw_desc). Dword 0 holds the PASID
 * (19:0) and priv (31) of a shared-WQ descriptor: a dedicated WQ ignores it
 * and uses WQCFG's PASID. Dword 1 holds the flags (23:0) and opcode (31:24).
 */
struct pdk_idxd_desc {
	uint32_t pasid_priv;	/**< PASID 19:0, priv 31 (shared WQs only) */
	uint32_t op_flags;	/**< flags 23:0, opcode 31:24 (PDK_IDXD_OP_FLAGS()) */
	uint64_t completion_addr;	/**< where the device writes the completion record */
	uint64_t src;		/**< source; the pattern of a fill; the list of a batch */
	uint64_t dst;		/**< destination */
	uint32_t size;		/**< transfer size; descriptor count of a batch */
	uint16_t int_handle;	/**< the completion interrupt's handle */
	uint16_t rsvd1;		/**< zero */
	uint64_t op_specific[3];	/**< operation-specific fields; zero for copy and fill */
} __attribute__((packed, aligned(64)));

#define PDK_IDXD_DESC_OPCODE_SHIFT	24	/**< position of the opcode in dword 1 */
#define PDK_IDXD_DESC_FLAGS_MASK	0xffffffu	/**< the flags of dword 1 */
/** Dword 1 of a descriptor. */
#define PDK_IDXD_OP_FLAGS(op, flags) \
	((uint32_t)(op) << PDK_IDXD_DESC_OPCODE_SHIFT | ((flags) & PDK_IDXD_DESC_FLAGS_MASK))

/** A completion record, 32 bytes, 32-byte aligned (struct dsa_completion_record). */
struct pdk_idxd_completion {
	/**
	 * Bits 6:0 the status code (PDK_IDXD_COMP_*, PDK_IDXD_COMP_STATUS_MASK),
	 * bit 7 the direction of a fault (PDK_IDXD_COMP_STATUS_WRITE); 0 until
	 * the device writes it.
	 */
	volatile uint8_t status;
	uint8_t result;			/**< the operation's result (compare; memmove: direction) */
	uint16_t rsvd;			/**< reserved (uapi idxd.h defines no bits here) */
	uint32_t bytes_completed;	/**< bytes done before a fault; descriptors of a batch */
	uint64_t fault_addr;		/**< the address that faulted */
	uint64_t invalid_flags;		/**< the flags refused (status INVALID_FLAGS) */
	uint64_t rsvd2;			/**< reserved */
} __attribute__((packed, aligned(32)));

/** The status code in a record's status byte (uapi idxd.h DSA_COMP_STATUS_MASK). */
#define PDK_IDXD_COMP_STATUS_MASK	0x7fu
/**
 * Status bit 7: the access that faulted was a write, else a read (uapi
 * idxd.h DSA_COMP_STATUS_WRITE; the kernel's drivers/dma/idxd/irq.c reads
 * the direction of a fault from it). Bytes 2-3 of the record are reserved.
 */
#define PDK_IDXD_COMP_STATUS_WRITE	0x80u

/** Completion status codes (enum dsa_completion_status), the subset PDK names. */
enum pdk_idxd_comp_status {
	PDK_IDXD_COMP_NONE = 0x00,
	PDK_IDXD_COMP_SUCCESS = 0x01,
	PDK_IDXD_COMP_PAGE_FAULT_NOBOF = 0x03,	/**< page fault, block-on-fault off */
	PDK_IDXD_COMP_BATCH_FAIL = 0x05,	/**< a descriptor of the batch failed */
	PDK_IDXD_COMP_BATCH_PAGE_FAULT = 0x06,	/**< fault reading the batch list */
	PDK_IDXD_COMP_BAD_OPCODE = 0x10,
	PDK_IDXD_COMP_INVALID_FLAGS = 0x11,
	PDK_IDXD_COMP_NOZERO_RESERVE = 0x12,
	PDK_IDXD_COMP_XFER_ERANGE = 0x13,	/**< size 0 or above max_xfer */
	PDK_IDXD_COMP_DESC_CNT_ERANGE = 0x14,	/**< batch count < 2 or above max_batch */
	PDK_IDXD_COMP_OVERLAP_BUFFERS = 0x16,
	PDK_IDXD_COMP_DESCLIST_ALIGN = 0x18,
	PDK_IDXD_COMP_CRA_XLAT = 0x1a,		/**< fault writing the record (in SWERR) */
	PDK_IDXD_COMP_CRA_ALIGN = 0x1b,		/**< completion record not 32-byte aligned */
	PDK_IDXD_COMP_ADDR_ALIGN = 0x1c,
	PDK_IDXD_COMP_TRANSLATION_FAIL = 0x22,
};

#ifdef __cplusplus
}
#endif

#endif /* PDK_IDXD_H */
