/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

#ifndef SIM_TRAP_X86_H
#define SIM_TRAP_X86_H

/*
 * The trap's x86-64 decoder and executor: what one instruction that touched
 * a trapped region does, done again on the interrupted context. Two steps,
 * so that the caller can check the access against its regions before any
 * of it happens:
 *   sim_trap_x86_decode()  the instruction at RIP: its length, the one
 *                          memory operand the device sees (address, width)
 *   sim_trap_x86_exec()    its accesses through a bus (one read, one write,
 *                          or a read then a write for a read-modify-write),
 *                          the registers and RFLAGS it writes, RIP after it
 * Both run in a signal handler: no allocation, no lock, nothing but the
 * context and the bus. Encodings: Intel SDM vol. 2, by instruction name.
 */

#include <stdbool.h>
#include <stdint.h>
#include <ucontext.h>

#define SIM_TRAP_X86_MAX_LEN 15

/** The accesses of an instruction, by linear address. */
struct sim_trap_x86_bus {
	int (*read)(void *ctx, uint64_t addr, void *val, unsigned int width);
	int (*write)(void *ctx, uint64_t addr, const void *val, unsigned int width);
	void *ctx;
};

/** A decoded instruction: what the caller checks, then the executor's own fields. */
struct sim_trap_x86_insn {
	uint8_t bytes[SIM_TRAP_X86_MAX_LEN];
	unsigned int nbytes;	/* bytes fetched (the instruction's, when decoded) */
	unsigned int len;	/* the instruction's length; 0 until decoded */
	const char *why;	/* why it was refused (decode returned < 0) */
	uint64_t addr;		/* the device access: its linear address ... */
	unsigned int width;	/* ... and width in bytes */
	bool writes;		/* it stores to addr */
	bool reads;		/* it loads from addr */
	bool dir_store;		/* MOVDIR64B or MOVDIRI (a SIGILL of this CPU may be one) */
	uint64_t src;		/* MOVDIR64B: the 64-byte source in ordinary memory */
	/* the executor's */
	unsigned int kind, op, osz, reg;
	bool rex, vex, has_imm, sext;
	uint64_t imm;
};

/**
 * Read CPU facts the executor needs (where XSAVE keeps the upper halves of
 * the YMM registers). Called once by sim_trap_init().
 */
void sim_trap_x86_init(void);

/**
 * Decode the instruction at RIP of @p uc into @p insn.
 * @return 0, or -ENOTSUP: not an instruction the trap decodes (insn->why
 *   says what; insn->bytes/nbytes hold what was read).
 */
int sim_trap_x86_decode(const ucontext_t *uc, struct sim_trap_x86_insn *insn);

/**
 * Perform @p insn on @p uc: its accesses on @p bus, in the instruction's
 * order, then its register and RFLAGS results, then RIP += len. Nothing of
 * @p uc changes when an access fails.
 * @return 0, the -errno of a bus access, or -ENOTSUP (insn->why set).
 */
int sim_trap_x86_exec(ucontext_t *uc, struct sim_trap_x86_insn *insn,
		      const struct sim_trap_x86_bus *bus);

#endif /* SIM_TRAP_X86_H */
