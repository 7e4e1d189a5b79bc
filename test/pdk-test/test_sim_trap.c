/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The runner's trap (drivers/sim/run/sim_trap.h), part of the SIMULATION:
 * loads and stores of real instructions on a PROT_NONE region reach a
 * fake device at the right offset, width and order, and leave the
 * registers, RFLAGS and memory as the same instruction does on ordinary
 * memory. That comparison is the witness: every instruction runs twice,
 * on a plain buffer and on the region holding the same bytes, with two
 * sets of input flags, and the two runs must agree to the bit; the
 * region's access log is checked against the expected accesses, the values
 * read against the bytes before, the values written against the plain run's
 * bytes after. Each asm block ends with a marker store to R8 after the
 * instruction: RIP was advanced by the right length.
 */

#include <asm/prctl.h>
#include <cpuid.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdk_test.h"
#include "sim_trap.h"

/* A sanitizer's handler is the one the trap chains to: it reports, then exits or aborts. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#define PG 4096u
#define BASE 0x100u	/* the instructions address the region from here */
#define MARK 0x600dcafeull
#define LOG_MAX 16

/* ---- the fake device ---- */

struct access {
	char kind;	/* 'R' or 'W' */
	uint64_t off;
	unsigned int width;
	uint8_t val[64];
};

struct fake {
	pthread_mutex_t lock;	/* as the sim's mutex would be */
	uint8_t mem[PG];
	struct access log[LOG_MAX];
	unsigned int n;
	int fail;		/* non-zero: every access returns it */
};

static int
fake_access(struct fake *f, char kind, uint64_t off, void *val, unsigned int width)
{
	int rc = f->fail;

	pthread_mutex_lock(&f->lock);
	if (rc == 0 && off + width <= PG) {
		if (kind == 'R')
			memcpy(val, f->mem + off, width);
		else
			memcpy(f->mem + off, val, width);
		if (f->n < LOG_MAX) {
			f->log[f->n] = (struct access){ .kind = kind, .off = off, .width = width };
			memcpy(f->log[f->n].val, val, width);
		}
		f->n++;
	} else if (rc == 0) {
		rc = -ERANGE;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static int
fake_read(void *priv, uint64_t off, void *val, unsigned int width)
{
	return fake_access(priv, 'R', off, val, width);
}

static int
fake_write(void *priv, uint64_t off, const void *val, unsigned int width)
{
	return fake_access(priv, 'W', off, (void *)(uintptr_t)val, width);
}

static const struct sim_trap_ops fake_ops = { .read = fake_read, .write = fake_write };

static uint8_t
pattern(unsigned int i)
{
	return (uint8_t)(i * 0x9d + 0x5b);
}

/* ---- the instructions ---- */

struct cpu {
	uint64_t rax, rcx, rdx, rdi, r8, r9, fl;
	uint8_t simd[128] __attribute__((aligned(64)));	/* zmm1 (or ymm1), then zmm9 */
	bool zmm;
};

#define FL_IN "lea -128(%%rsp), %%rsp\n\tpush %[fl]\n\tpopfq\n\t"
#define FL_OUT "\n\tmovl $0x600dcafe, %%r8d\n\tpushfq\n\tpop %[fl]\n\tlea 128(%%rsp), %%rsp"

/*
 * An instruction on RAX RCX RDX RDI R9 and RFLAGS, RSI the memory; R8 the
 * marker, R10-R13 scratch (for REX.B/REX.X addressing). The values are in locals before the register variables are set:
 * an instrumented load (TSan) between the two would be a call, which may
 * clobber R8/R9.
 */
#define GCASE(fn, insn)							\
	static void fn(void *m, struct cpu *c)				\
	{								\
		uint64_t a_ = c->rax, c_ = c->rcx, d_ = c->rdx, di_ = c->rdi; \
		uint64_t r9v = c->r9, fl_ = c->fl;			\
		register uint64_t r8_ __asm__("r8");			\
		register uint64_t r9_ __asm__("r9") = r9v;		\
		__asm__ volatile(FL_IN insn FL_OUT			\
			: [fl] "+r"(fl_), "+a"(a_), "+c"(c_), "+d"(d_), \
			  "+D"(di_), "=&r"(r8_), "+r"(r9_)		\
			: "S"(m) : "memory", "cc", "r10", "r11", "r12", "r13"); \
		uint64_t r8v = r8_;					\
		r9v = r9_;						\
		c->r8 = r8v;						\
		c->r9 = r9v;						\
		c->rax = a_;						\
		c->rcx = c_;						\
		c->rdx = d_;						\
		c->rdi = di_;						\
		c->fl = fl_;						\
	}

/* a SIMD move on xmm1/ymm1 and xmm9/ymm9, their full width (zmm when the CPU has it) saved */
#define SCASE(fn, insn)							\
	static void fn(void *m, struct cpu *c)				\
	{								\
		bool zmm_ = c->zmm;					\
		register uint64_t r8_ __asm__("r8");			\
		if (zmm_)						\
			__asm__ volatile("vmovdqu64 (%[x]), %%zmm1\n\tvmovdqu64 64(%[x]), %%zmm9\n\t" \
				insn "\n\tmovl $0x600dcafe, %%r8d\n\t"	\
				"vmovdqu64 %%zmm1, (%[x])\n\tvmovdqu64 %%zmm9, 64(%[x])" \
				: "=&r"(r8_) : [x] "r"(c->simd), "S"(m)	\
				: "memory", "xmm1", "xmm9");		\
		else							\
			__asm__ volatile("vmovdqu (%[x]), %%ymm1\n\tvmovdqu 64(%[x]), %%ymm9\n\t" \
				insn "\n\tmovl $0x600dcafe, %%r8d\n\t"	\
				"vmovdqu %%ymm1, (%[x])\n\tvmovdqu %%ymm9, 64(%[x])" \
				: "=&r"(r8_) : [x] "r"(c->simd), "S"(m)	\
				: "memory", "xmm1", "xmm9");		\
		uint64_t r8v = r8_;					\
		c->r8 = r8v;						\
	}

/* MOV */
GCASE(ld8, "movb 3(%%rsi), %%cl")
GCASE(ld8_ah, "movb 5(%%rsi), %%ah")
GCASE(ld8_rex, "movb 5(%%rsi), %%dil")
GCASE(ld16, "movw 6(%%rsi), %%dx")
GCASE(ld32, "movl 8(%%rsi), %%ecx")
GCASE(ld64, "movq 16(%%rsi), %%r9")
GCASE(ld64_sib, "movq 8(%%rsi,%%rdi,8), %%rdx")
GCASE(ld64_disp32, "movq 0x208(%%rsi), %%rax")
GCASE(ld32_rexb, "movq %%rsi, %%r10\n\tmovl 8(%%r10), %%ecx")
GCASE(ld32_r12_sib, "movq %%rsi, %%r12\n\tmovl (%%r12), %%ecx")
GCASE(ld32_r13_disp8, "movq %%rsi, %%r13\n\tmovl (%%r13), %%edx")
GCASE(add_rexx, "movq $3, %%r11\n\taddq %%r9, 8(%%rsi,%%r11,8)")
GCASE(st8_rex_sil, "movq %%rsi, %%r10\n\tmovq $0x77, %%rsi\n\tmovb %%sil, 5(%%r10)\n\tmovq %%r10, %%rsi")
GCASE(st8_ah, "movb %%ah, 1(%%rsi)")
GCASE(st8, "movb %%cl, 2(%%rsi)")
GCASE(st16, "movw %%dx, 4(%%rsi)")
GCASE(st32, "movl %%ecx, 8(%%rsi)")
GCASE(st64, "movq %%r9, 16(%%rsi)")
GCASE(st8_imm, "movb $0x5a, 3(%%rsi)")
GCASE(st16_imm, "movw $0x1234, 6(%%rsi)")
GCASE(st32_imm, "movl $0x87654321, 8(%%rsi)")
GCASE(st64_imm, "movq $-5, 16(%%rsi)")
GCASE(movnti32, "movnti %%ecx, 24(%%rsi)")
GCASE(movnti64, "movnti %%r9, 32(%%rsi)")
/* MOVZX MOVSX MOVSXD */
GCASE(movzbl, "movzbl 9(%%rsi), %%ecx")
GCASE(movzwq, "movzwq 10(%%rsi), %%rdx")
GCASE(movzbw, "movzbw 11(%%rsi), %%dx")
GCASE(movsbl, "movsbl 12(%%rsi), %%ecx")
GCASE(movsbw, "movsbw 13(%%rsi), %%dx")
GCASE(movswq, "movswq 14(%%rsi), %%r9")
GCASE(movslq, "movslq 20(%%rsi), %%rcx")
/* the ALU, both directions, immediates */
GCASE(add_m32, "addl %%ecx, 8(%%rsi)")
GCASE(add_m8_ah, "addb %%ah, 1(%%rsi)")
GCASE(or_m16, "orw %%dx, 4(%%rsi)")
GCASE(adc_m64, "adcq %%r9, 16(%%rsi)")
GCASE(sbb_m32, "sbbl %%ecx, 8(%%rsi)")
GCASE(and_m64, "andq %%rdx, 16(%%rsi)")
GCASE(xor_m8, "xorb %%cl, 3(%%rsi)")
GCASE(sub_r32, "subl 8(%%rsi), %%ecx")
GCASE(xor_r8, "xorb 3(%%rsi), %%cl")
GCASE(adc_r16, "adcw 4(%%rsi), %%dx")
GCASE(sbb_r64, "sbbq 16(%%rsi), %%r9")
GCASE(cmp_m64, "cmpq %%r9, 16(%%rsi)")
GCASE(cmp_r32, "cmpl 8(%%rsi), %%ecx")
GCASE(lock_add_i8, "lock addl $0x11, 8(%%rsi)")
GCASE(add_i32_64, "addq $0x12345678, 16(%%rsi)")
GCASE(and_i8, "andb $0xf0, 3(%%rsi)")
GCASE(sub_i8_16, "subw $-3, 4(%%rsi)")
GCASE(cmp_i8, "cmpb $0x40, 5(%%rsi)")
GCASE(adc_i16, "adcw $0x1234, 6(%%rsi)")
GCASE(lock_or_i32, "lock orl $0x80000001, 8(%%rsi)")
/* TEST INC DEC NOT NEG */
GCASE(test_m32, "testl %%ecx, 8(%%rsi)")
GCASE(test_m8_ah, "testb %%ah, 3(%%rsi)")
GCASE(test_i8, "testb $0x81, 3(%%rsi)")
GCASE(test_i16, "testw $0x8000, 6(%%rsi)")
GCASE(test_i32_64, "testq $-0x100, 16(%%rsi)")
GCASE(inc32, "incl 8(%%rsi)")
GCASE(dec8, "decb 3(%%rsi)")
GCASE(lock_inc64, "lock incq 16(%%rsi)")
GCASE(dec16, "decw 4(%%rsi)")
GCASE(not16, "notw 4(%%rsi)")
GCASE(neg32, "negl 8(%%rsi)")
GCASE(neg8, "negb 1(%%rsi)")
/* XCHG CMPXCHG XADD */
GCASE(xchg32, "xchgl %%ecx, 8(%%rsi)")
GCASE(xchg8_ah, "xchgb %%ah, 1(%%rsi)")
GCASE(xchg64, "xchgq %%r9, 16(%%rsi)")
GCASE(cmpxchg32_fail, "lock cmpxchgl %%ecx, 8(%%rsi)")
GCASE(cmpxchg8_fail, "cmpxchgb %%cl, 3(%%rsi)")
GCASE(cmpxchg32_ok, "movl 8(%%rsi), %%eax\n\tmovabs $0x1234567800000000, %%rdx\n\t"
		    "orq %%rdx, %%rax\n\tlock cmpxchgl %%ecx, 8(%%rsi)")
GCASE(cmpxchg64_ok, "movq 16(%%rsi), %%rax\n\tlock cmpxchgq %%r9, 16(%%rsi)")
GCASE(xadd32, "lock xaddl %%ecx, 8(%%rsi)")
GCASE(xadd8, "xaddb %%dl, 2(%%rsi)")
GCASE(xadd64, "xaddq %%r9, 16(%%rsi)")
/* BT BTS BTR BTC: a register bit offset beyond the operand, forwards and backwards */
GCASE(bt_r32_far, "movl $70, %%ecx\n\tbtl %%ecx, 8(%%rsi)")
GCASE(bts_r64_neg, "movq $-20, %%rcx\n\tbtsq %%rcx, 64(%%rsi)")
GCASE(btr_r16, "movw $33, %%dx\n\tbtrw %%dx, 4(%%rsi)")
GCASE(btc_r32, "movl $7, %%ecx\n\tlock btcl %%ecx, 8(%%rsi)")
GCASE(btc_i32, "btcl $35, 8(%%rsi)")
GCASE(bt_i64, "btq $63, 16(%%rsi)")
GCASE(lock_bts_i32, "lock btsl $5, 8(%%rsi)")
GCASE(btr_i16, "btrw $17, 6(%%rsi)")
/* segment overrides: FS and GS bases (RDI = the memory minus the base) */
GCASE(fs_ld32, "movl %%fs:8(%%rdi), %%ecx")
GCASE(gs_add64, "addq %%r9, %%gs:16(%%rdi)")
/* SSE */
SCASE(movups_ld, "movups 16(%%rsi), %%xmm1")
SCASE(movups_st, "movups %%xmm1, 32(%%rsi)")
SCASE(movupd_ld, "movupd 20(%%rsi), %%xmm9")
SCASE(movss_ld, "movss 4(%%rsi), %%xmm1")
SCASE(movss_st, "movss %%xmm1, 8(%%rsi)")
SCASE(movsd_ld, "movsd 8(%%rsi), %%xmm1")
SCASE(movsd_st, "movsd %%xmm9, 16(%%rsi)")
SCASE(movaps_ld, "movaps 32(%%rsi), %%xmm1")
SCASE(movapd_st, "movapd %%xmm1, 48(%%rsi)")
SCASE(movntps, "movntps %%xmm1, 64(%%rsi)")
SCASE(movntpd, "movntpd %%xmm9, 80(%%rsi)")
SCASE(movd_ld, "movd 4(%%rsi), %%xmm1")
SCASE(movd_st, "movd %%xmm1, 12(%%rsi)")
SCASE(movq_ld_f3, "movq 8(%%rsi), %%xmm1")
SCASE(movq_st_d6, "movq %%xmm1, 16(%%rsi)")
SCASE(movq_ld_6e, ".byte 0x66, 0x48, 0x0f, 0x6e, 0x4e, 0x08")	/* movq 8(%rsi), %xmm1 */
SCASE(movq_st_7e, ".byte 0x66, 0x48, 0x0f, 0x7e, 0x4e, 0x18")	/* movq %xmm1, 24(%rsi) */
SCASE(movdqa_ld, "movdqa 32(%%rsi), %%xmm1")
SCASE(movdqu_ld, "movdqu 20(%%rsi), %%xmm9")
SCASE(movdqa_st, "movdqa %%xmm1, 48(%%rsi)")
SCASE(movdqu_st, "movdqu %%xmm9, 36(%%rsi)")
SCASE(movntdq, "movntdq %%xmm1, 64(%%rsi)")
SCASE(movntdqa, "movntdqa 64(%%rsi), %%xmm1")
/* AVX (VEX): 128-bit forms zero the upper bits, 256-bit ones are one 32-byte access */
SCASE(vmovdqu_ld256, "vmovdqu 32(%%rsi), %%ymm1")
SCASE(vmovdqu_st256, "vmovdqu %%ymm9, 64(%%rsi)")
SCASE(vmovdqa_ld128, "vmovdqa 64(%%rsi), %%xmm1")
SCASE(vmovups_st128, "vmovups %%xmm9, 16(%%rsi)")
SCASE(vmovaps_ld256_vex3, "%{vex3%} vmovaps 64(%%rsi), %%ymm9")
SCASE(vmovupd_ld128_vex3, "%{vex3%} vmovupd 24(%%rsi), %%xmm1")
SCASE(vmovss_ld, "vmovss 4(%%rsi), %%xmm1")
SCASE(vmovsd_st, "vmovsd %%xmm1, 8(%%rsi)")
SCASE(vmovd_ld, "vmovd 4(%%rsi), %%xmm9")
SCASE(vmovd_st, "vmovd %%xmm1, 12(%%rsi)")
SCASE(vmovq_ld, "vmovq 8(%%rsi), %%xmm1")
SCASE(vmovq_st, "vmovq %%xmm1, 16(%%rsi)")
SCASE(vmovntdq256, "vmovntdq %%ymm1, 64(%%rsi)")
SCASE(vmovntdqa256, "vmovntdqa 64(%%rsi), %%ymm1")
SCASE(vmovntdqa128, "vmovntdqa 32(%%rsi), %%xmm9")

/* MOVDIRI on a CPU without it: the witness on plain memory is MOV */
GCASE(movdiri32, ".byte 0x0f, 0x38, 0xf9, 0x4e, 0x08")		/* movdiri %ecx, 8(%rsi) */
GCASE(movdiri32_plain, "movl %%ecx, 8(%%rsi)")
GCASE(movdiri64, ".byte 0x4c, 0x0f, 0x38, 0xf9, 0x4e, 0x10")	/* movdiri %r9, 16(%rsi) */
GCASE(movdiri64_plain, "movq %%r9, 16(%%rsi)")

struct tcase {
	const char *name;
	void (*fn)(void *m, struct cpu *c);
	const char *log;	/* the accesses, in order: kind, width @ hex offset */
	void (*plain)(void *m, struct cpu *c);	/* the witness, when not fn itself */
	int seg;		/* 0, or ARCH_GET_FS / ARCH_GET_GS: RDI = memory - that base */
	bool avx2;
};

#define C(f, l, ...) { .name = #f, .fn = f, .log = l, __VA_ARGS__ }

static const struct tcase cases[] = {
	C(ld8, "R1@103"), C(ld8_ah, "R1@105"), C(ld8_rex, "R1@105"), C(ld16, "R2@106"),
	C(ld32, "R4@108"), C(ld64, "R8@110"), C(ld64_sib, "R8@118"), C(ld64_disp32, "R8@308"),
	C(ld32_rexb, "R4@108"), C(ld32_r12_sib, "R4@100"), C(ld32_r13_disp8, "R4@100"),
	C(add_rexx, "R8@120 W8@120"), C(st8_rex_sil, "W1@105"),
	C(st8_ah, "W1@101"), C(st8, "W1@102"), C(st16, "W2@104"), C(st32, "W4@108"),
	C(st64, "W8@110"), C(st8_imm, "W1@103"), C(st16_imm, "W2@106"), C(st32_imm, "W4@108"),
	C(st64_imm, "W8@110"), C(movnti32, "W4@118"), C(movnti64, "W8@120"),
	C(movzbl, "R1@109"), C(movzwq, "R2@10a"), C(movzbw, "R1@10b"), C(movsbl, "R1@10c"),
	C(movsbw, "R1@10d"), C(movswq, "R2@10e"), C(movslq, "R4@114"),
	C(add_m32, "R4@108 W4@108"), C(add_m8_ah, "R1@101 W1@101"), C(or_m16, "R2@104 W2@104"),
	C(adc_m64, "R8@110 W8@110"), C(sbb_m32, "R4@108 W4@108"), C(and_m64, "R8@110 W8@110"),
	C(xor_m8, "R1@103 W1@103"), C(sub_r32, "R4@108"), C(xor_r8, "R1@103"),
	C(adc_r16, "R2@104"), C(sbb_r64, "R8@110"), C(cmp_m64, "R8@110"), C(cmp_r32, "R4@108"),
	C(lock_add_i8, "R4@108 W4@108"), C(add_i32_64, "R8@110 W8@110"),
	C(and_i8, "R1@103 W1@103"), C(sub_i8_16, "R2@104 W2@104"), C(cmp_i8, "R1@105"),
	C(adc_i16, "R2@106 W2@106"), C(lock_or_i32, "R4@108 W4@108"),
	C(test_m32, "R4@108"), C(test_m8_ah, "R1@103"), C(test_i8, "R1@103"),
	C(test_i16, "R2@106"), C(test_i32_64, "R8@110"),
	C(inc32, "R4@108 W4@108"), C(dec8, "R1@103 W1@103"), C(lock_inc64, "R8@110 W8@110"),
	C(dec16, "R2@104 W2@104"), C(not16, "R2@104 W2@104"), C(neg32, "R4@108 W4@108"),
	C(neg8, "R1@101 W1@101"),
	C(xchg32, "R4@108 W4@108"), C(xchg8_ah, "R1@101 W1@101"), C(xchg64, "R8@110 W8@110"),
	C(cmpxchg32_fail, "R4@108 W4@108"), C(cmpxchg8_fail, "R1@103 W1@103"),
	C(cmpxchg32_ok, "R4@108 R4@108 W4@108"), C(cmpxchg64_ok, "R8@110 R8@110 W8@110"),
	C(xadd32, "R4@108 W4@108"), C(xadd8, "R1@102 W1@102"), C(xadd64, "R8@110 W8@110"),
	C(bt_r32_far, "R4@110"), C(bts_r64_neg, "R8@138 W8@138"), C(btr_r16, "R2@108 W2@108"),
	C(btc_r32, "R4@108 W4@108"), C(btc_i32, "R4@108 W4@108"), C(bt_i64, "R8@110"),
	C(lock_bts_i32, "R4@108 W4@108"), C(btr_i16, "R2@106 W2@106"),
	C(fs_ld32, "R4@108", .seg = ARCH_GET_FS), C(gs_add64, "R8@110 W8@110", .seg = ARCH_GET_GS),
	C(movups_ld, "R16@110"), C(movups_st, "W16@120"), C(movupd_ld, "R16@114"),
	C(movss_ld, "R4@104"), C(movss_st, "W4@108"), C(movsd_ld, "R8@108"), C(movsd_st, "W8@110"),
	C(movaps_ld, "R16@120"), C(movapd_st, "W16@130"), C(movntps, "W16@140"),
	C(movntpd, "W16@150"), C(movd_ld, "R4@104"), C(movd_st, "W4@10c"),
	C(movq_ld_f3, "R8@108"), C(movq_st_d6, "W8@110"), C(movq_ld_6e, "R8@108"),
	C(movq_st_7e, "W8@118"), C(movdqa_ld, "R16@120"), C(movdqu_ld, "R16@114"),
	C(movdqa_st, "W16@130"), C(movdqu_st, "W16@124"), C(movntdq, "W16@140"),
	C(movntdqa, "R16@140"),
	C(vmovdqu_ld256, "R32@120"), C(vmovdqu_st256, "W32@140"), C(vmovdqa_ld128, "R16@140"),
	C(vmovups_st128, "W16@110"), C(vmovaps_ld256_vex3, "R32@140"),
	C(vmovupd_ld128_vex3, "R16@118"), C(vmovss_ld, "R4@104"), C(vmovsd_st, "W8@108"),
	C(vmovd_ld, "R4@104"), C(vmovd_st, "W4@10c"), C(vmovq_ld, "R8@108"),
	C(vmovq_st, "W8@110"), C(vmovntdq256, "W32@140"),
	C(vmovntdqa256, "R32@140", .avx2 = true), C(vmovntdqa128, "R16@120"),
	C(movdiri32, "W4@108", .plain = movdiri32_plain), C(movdiri64, "W8@110", .plain = movdiri64_plain),
};

static bool
cpu_has(unsigned int leaf7_ecx_bit)
{
	unsigned int a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << leaf7_ecx_bit));
}

#define CPUID7_ECX_MOVDIRI 27
#define CPUID7_ECX_MOVDIR64B 28

static void
cpu_init(struct cpu *c, uint64_t fl)
{
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->rax = 0x8877665544332211ull;
	c->rcx = 0x0123456789abcdefull;
	c->rdx = 0xfedcba9876543210ull;
	c->rdi = 2;
	c->r9 = 0x7f00ff00aa5500ccull;
	c->fl = fl;
	for (i = 0; i < sizeof(c->simd); i++)
		c->simd[i] = (uint8_t)(0xa5 ^ (i * 7));
	c->zmm = __builtin_cpu_supports("avx512f");
}

static uint64_t
seg_base(int code)
{
	unsigned long b = 0;

	if (code != 0)
		syscall(SYS_arch_prctl, code, &b);
	return b;
}

/* The accesses the fake saw, as "R4@108 W4@108". */
static void
log_string(const struct fake *f, char *s, size_t size)
{
	size_t n = 0;
	unsigned int i;

	s[0] = '\0';
	for (i = 0; i < f->n && i < LOG_MAX && n < size; i++)
		n += (size_t)snprintf(s + n, size - n, "%s%c%u@%llx", i ? " " : "", f->log[i].kind,
				      f->log[i].width, (unsigned long long)f->log[i].off);
}

struct trap_env {
	struct fake fake;
	uint8_t *region;
	uint8_t *plain;		/* page-aligned, like the region */
};

static int
env_open(struct trap_env *e, const char *name)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_init(&e->fake.lock, NULL);
	TEST_ASSERT_OK(sim_trap_map(PG, &fake_ops, &e->fake, name, (void **)&e->region));
	e->plain = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(e->plain != MAP_FAILED, "mmap: %s", strerror(errno));
	return TEST_SUCCESS;
}

static int
env_close(struct trap_env *e)
{
	TEST_ASSERT_OK(sim_trap_unmap(e->region, PG));
	munmap(e->plain, PG);
	return TEST_SUCCESS;
}

static void
env_fill(struct trap_env *e)
{
	unsigned int i;

	for (i = 0; i < PG; i++)
		e->fake.mem[i] = e->plain[i] = pattern(i);
	e->fake.n = 0;
}

static int
cpu_compare(const char *name, uint64_t fl_in, const struct cpu *p, const struct cpu *t)
{
	static const char *const names[] = { "rax", "rcx", "rdx", "rdi", "r8", "r9", "rflags" };
	const uint64_t *a = &p->rax, *b = &t->rax;
	unsigned int i;

	for (i = 0; i < 7; i++)
		TEST_ASSERT(a[i] == b[i], "%s (flags in 0x%llx): %s 0x%llx on the region, 0x%llx on memory",
			    name, (unsigned long long)fl_in, names[i], (unsigned long long)b[i],
			    (unsigned long long)a[i]);
	TEST_ASSERT(t->r8 == MARK, "%s: the instruction after it did not run (r8 0x%llx)", name,
		    (unsigned long long)t->r8);
	for (i = 0; i < sizeof(p->simd); i++)
		TEST_ASSERT(p->simd[i] == t->simd[i], "%s: vector register byte %u: 0x%02x on the region, 0x%02x on memory",
			    name, i, t->simd[i], p->simd[i]);
	return TEST_SUCCESS;
}

/* One instruction on memory and on the region: the same results, the expected accesses. */
static int
run_case(struct trap_env *e, const struct tcase *tc, uint64_t fl)
{
	struct cpu p, t;
	char got[256];
	unsigned int i;

	env_fill(e);
	cpu_init(&p, fl);
	cpu_init(&t, fl);
	if (tc->seg) {
		p.rdi = (uint64_t)(uintptr_t)(e->plain + BASE) - seg_base(tc->seg);
		t.rdi = (uint64_t)(uintptr_t)(e->region + BASE) - seg_base(tc->seg);
	}
	(tc->plain != NULL ? tc->plain : tc->fn)(e->plain + BASE, &p);
	tc->fn(e->region + BASE, &t);
	if (tc->seg)
		p.rdi = t.rdi = 0;
	if (cpu_compare(tc->name, fl, &p, &t) != TEST_SUCCESS)
		return TEST_FAILED;
	log_string(&e->fake, got, sizeof(got));
	TEST_ASSERT(strcmp(got, tc->log) == 0, "%s: accesses \"%s\", expected \"%s\"", tc->name,
		    got, tc->log);
	for (i = 0; i < e->fake.n; i++) {
		const struct access *a = &e->fake.log[i];
		uint8_t want[64];
		unsigned int k;

		/* a read sees the bytes as they were (no instruction here reads after its write) */
		for (k = 0; k < a->width; k++)
			want[k] = a->kind == 'R' ? pattern((unsigned int)a->off + k) : e->plain[a->off + k];
		TEST_ASSERT(memcmp(a->val, want, a->width) == 0, "%s: access %u (%c%u@%llx) carried other bytes",
			    tc->name, i, a->kind, a->width, (unsigned long long)a->off);
	}
	TEST_ASSERT(memcmp(e->plain, e->fake.mem, PG) == 0, "%s: the region's bytes differ from memory's",
		    tc->name);
	return TEST_SUCCESS;
}

static int
test_sim_trap_insns(void)
{
	static const uint64_t flags_in[] = { 0x202, 0x202 | 0x8d5 };
	struct sim_trap_stats before, after;
	struct trap_env e;
	unsigned int i, k, ran = 0, n = sizeof(cases) / sizeof(cases[0]);

	if (env_open(&e, "trap test region (simulated BAR)") != TEST_SUCCESS)
		return TEST_FAILED;
	sim_trap_stats_get(&before);
	for (i = 0; i < n; i++) {
		if (cases[i].avx2 && !__builtin_cpu_supports("avx2")) {
			printf("skip %s: no AVX2 on this CPU\n", cases[i].name);
			continue;
		}
		if (cases[i].plain != NULL && cpu_has(CPUID7_ECX_MOVDIRI))
			printf("%s: this CPU has MOVDIRI: the SIGSEGV path ran\n", cases[i].name);
		for (k = 0; k < 2; k++)
			if (run_case(&e, &cases[i], flags_in[k]) != TEST_SUCCESS)
				return TEST_FAILED;
		ran++;
	}
	sim_trap_stats_get(&after);
	printf("%u instructions, each twice, agree with ordinary memory (%llu reads, %llu writes; zmm %s)\n",
	       ran, (unsigned long long)(after.reads - before.reads),
	       (unsigned long long)(after.writes - before.writes),
	       __builtin_cpu_supports("avx512f") ? "saved" : "absent");
	TEST_ASSERT_EQ(after.refused, before.refused);
	return env_close(&e);
}
PDK_TEST_REGISTER(sim_trap_insns, fast, test_sim_trap_insns);

/*
 * MOV with a 64-bit absolute address (A0-A3 moffs) needs the region's
 * address in the instruction: generated at run time, on memory and on the
 * region alike.
 */
static int
moffs_run(uint8_t op, bool rexw, uint64_t addr, uint64_t arg, uint64_t *ret)
{
	uint8_t code[32], *page;
	unsigned int n = 0;
	uint64_t (*fn)(uint64_t);

	code[n++] = 0x48;	/* mov %rdi, %rax */
	code[n++] = 0x89;
	code[n++] = 0xf8;
	if (rexw)
		code[n++] = 0x48;
	code[n++] = op;
	memcpy(code + n, &addr, 8);
	n += 8;
	code[n++] = 0xc3;	/* ret */
	page = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(page != MAP_FAILED, "mmap: %s", strerror(errno));
	memcpy(page, code, n);
	TEST_ASSERT_OK(mprotect(page, PG, PROT_READ | PROT_EXEC));
	fn = (uint64_t (*)(uint64_t))(uintptr_t)page;
	*ret = fn(arg);
	munmap(page, PG);
	return TEST_SUCCESS;
}

static int
test_sim_trap_moffs(void)
{
	static const struct { uint8_t op; bool rexw; const char *log; } ops[] = {
		{ 0xa0, false, "R1@110" }, { 0xa1, false, "R4@110" }, { 0xa1, true, "R8@110" },
		{ 0xa2, false, "W1@110" }, { 0xa3, false, "W4@110" }, { 0xa3, true, "W8@110" },
	};
	const uint64_t arg = 0xdeadbeefcafef00dull;
	struct trap_env e;
	uint64_t rp, rt;
	char got[64];
	unsigned int i;

	if (env_open(&e, "trap moffs region") != TEST_SUCCESS)
		return TEST_FAILED;
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		env_fill(&e);
		if (moffs_run(ops[i].op, ops[i].rexw, (uintptr_t)(e.plain + 0x110), arg, &rp) ||
		    moffs_run(ops[i].op, ops[i].rexw, (uintptr_t)(e.region + 0x110), arg, &rt))
			return TEST_FAILED;
		TEST_ASSERT(rp == rt, "moffs %02x (REX.W %d): rax 0x%llx on the region, 0x%llx on memory",
			    ops[i].op, ops[i].rexw, (unsigned long long)rt, (unsigned long long)rp);
		log_string(&e.fake, got, sizeof(got));
		TEST_ASSERT(strcmp(got, ops[i].log) == 0, "moffs %02x: accesses \"%s\", expected \"%s\"",
			    ops[i].op, got, ops[i].log);
		TEST_ASSERT(memcmp(e.plain, e.fake.mem, PG) == 0, "moffs %02x: bytes differ", ops[i].op);
	}
	return env_close(&e);
}
PDK_TEST_REGISTER(sim_trap_moffs, fast, test_sim_trap_moffs);

/*
 * The 67 prefix (32-bit addressing) needs memory below 4 GiB: a region
 * and a plain page at fixed low addresses, when they are free. RSI's upper
 * half is garbage: the CPU ignores it, so must the trap.
 */
#define LOW_REGION ((void *)(uintptr_t)0x2a000000)
#define LOW_PLAIN ((void *)(uintptr_t)0x2a100000)

GCASE(addr32_ld, "movl 8(%%esi), %%ecx")
GCASE(addr32_add_sib, "addl %%ecx, 4(%%esi,%%edi,8)")

static int
test_sim_trap_addr32(void)
{
	static const struct tcase low[] = {
		C(addr32_ld, "R4@108"), C(addr32_add_sib, "R4@114 W4@114"),
	};
	struct trap_env e;
	struct cpu p, t;
	char got[64];
	void *res;
	unsigned int i;

	memset(&e, 0, sizeof(e));
	pthread_mutex_init(&e.fake.lock, NULL);
	res = mmap(LOW_REGION, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	e.plain = mmap(LOW_PLAIN, PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (res != LOW_REGION || e.plain != LOW_PLAIN) {
		printf("skipped: the low addresses %p, %p are taken\n", LOW_REGION, LOW_PLAIN);
		return TEST_SKIPPED;
	}
	TEST_ASSERT_OK(sim_trap_map_fixed(LOW_REGION, PG, &fake_ops, &e.fake, "low region"));
	e.region = LOW_REGION;
	for (i = 0; i < 2; i++) {
		env_fill(&e);
		cpu_init(&p, 0x202);
		cpu_init(&t, 0x202);
		low[i].fn((void *)((uintptr_t)(e.plain + BASE) | 0xdead00000000ull), &p);
		low[i].fn((void *)((uintptr_t)(e.region + BASE) | 0xdead00000000ull), &t);
		if (cpu_compare(low[i].name, 0x202, &p, &t) != TEST_SUCCESS)
			return TEST_FAILED;
		log_string(&e.fake, got, sizeof(got));
		TEST_ASSERT(strcmp(got, low[i].log) == 0, "%s: accesses \"%s\", expected \"%s\"",
			    low[i].name, got, low[i].log);
		TEST_ASSERT(memcmp(e.plain, e.fake.mem, PG) == 0, "%s: bytes differ", low[i].name);
	}
	return env_close(&e);
}
PDK_TEST_REGISTER(sim_trap_addr32, fast, test_sim_trap_addr32);

/* ---- MOVDIR64B ---- */

static uint8_t movdir_src[64] __attribute__((aligned(64), used));

static void
movdir64b(void *dst, const void *src, uint64_t *marker)
{
	register uint64_t r8_ __asm__("r8") = 0;

	/* DPDK's idxd PMD's own bytes: movdir64b (%rdx), %rax */
	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x02\n\tmovl $0x600dcafe, %%r8d"
			 : "+r"(r8_) : "a"(dst), "d"(src) : "memory");
	*marker = r8_;
}

/* the same with a RIP-relative source: movdir64b movdir_src(%rip), %rcx */
static void
movdir64b_riprel(void *dst, uint64_t *marker)
{
	register uint64_t r8_ __asm__("r8") = 0;

	__asm__ volatile(".byte 0x66, 0x0f, 0x38, 0xf8, 0x0d\n\t.long movdir_src - . - 4\n\t"
			 "movl $0x600dcafe, %%r8d"
			 : "+r"(r8_) : "c"(dst) : "memory");
	*marker = r8_;
}

static int
movdir64b_check(void)
{
	struct sim_trap_stats before, after;
	struct trap_env e;
	bool has = cpu_has(CPUID7_ECX_MOVDIR64B);
	uint64_t marker;
	unsigned int i, round;

	if (env_open(&e, "trap portal region (simulated DSA WQ)") != TEST_SUCCESS)
		return TEST_FAILED;
	for (round = 0; round < 2; round++) {
		env_fill(&e);
		for (i = 0; i < 64; i++)
			movdir_src[i] = (uint8_t)(0x40 + i + round);
		sim_trap_stats_get(&before);
		if (round == 0)
			movdir64b(e.region + 0x140, movdir_src, &marker);
		else
			movdir64b_riprel(e.region + 0x1c0, &marker);
		sim_trap_stats_get(&after);
		TEST_ASSERT_EQ(marker, MARK);
		TEST_ASSERT_EQ(e.fake.n, 1);
		TEST_ASSERT(e.fake.log[0].kind == 'W' && e.fake.log[0].width == 64 &&
			    e.fake.log[0].off == (round ? 0x1c0u : 0x140u),
			    "MOVDIR64B reached the device as %c%u@%llx, not as one 64-byte store",
			    e.fake.log[0].kind, e.fake.log[0].width,
			    (unsigned long long)e.fake.log[0].off);
		TEST_ASSERT(memcmp(e.fake.log[0].val, movdir_src, 64) == 0, "the 64 bytes differ");
		TEST_ASSERT_EQ(after.stores64 - before.stores64, 1);
		TEST_ASSERT_EQ(after.sigill_emulated - before.sigill_emulated, has ? 0 : 1);
	}
	printf("MOVDIR64B (%%rdx), %%rax and RIP-relative: one 64-byte store each, by the %s path (%s)\n",
	       has ? "SIGSEGV" : "SIGILL",
	       has ? "this CPU has MOVDIR64B" : "this CPU has no MOVDIR64B: #UD, emulated");
	return env_close(&e);
}

static int
test_sim_trap_movdir64b(void)
{
	return movdir64b_check();
}
PDK_TEST_REGISTER(sim_trap_movdir64b, fast, test_sim_trap_movdir64b);

static int
test_sim_trap_movdir64b_sigsegv(void)
{
	if (!cpu_has(CPUID7_ECX_MOVDIR64B)) {
		printf("skipped: this CPU has no MOVDIR64B, so a MOVDIR64B to a trapped page never faults with SIGSEGV here (the SIGILL path is sim_trap_movdir64b)\n");
		return TEST_SKIPPED;
	}
	return movdir64b_check();
}
PDK_TEST_REGISTER(sim_trap_movdir64b_sigsegv, fast, test_sim_trap_movdir64b_sigsegv);

/* ---- what is not ours, what is refused ---- */

struct child {
	int status;
	char out[4096];
};

/* Run @p fn in a child whose stderr is captured. */
static int
run_child(void (*fn)(void *), void *arg, struct child *ch)
{
	int fds[2];
	pid_t pid;
	size_t n = 0;
	ssize_t r;

	memset(ch, 0, sizeof(*ch));
	TEST_ASSERT_OK(pipe(fds));
	fflush(NULL);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		fn(arg);
		_exit(0);
	}
	close(fds[1]);
	while (n + 1 < sizeof(ch->out) && (r = read(fds[0], ch->out + n, sizeof(ch->out) - 1 - n)) > 0)
		n += (size_t)r;
	close(fds[0]);
	TEST_ASSERT(waitpid(pid, &ch->status, 0) == pid, "waitpid: %s", strerror(errno));
	return TEST_SUCCESS;
}

/*
 * The child ended by @p sig as without the trap; under ASan or TSan the
 * previous handler was the sanitizer's, which reports @p asan and exits
 * instead (or aborts, with abort_on_error=1 as test/pdk.sh runs ASan).
 */
static int
check_death(const struct child *ch, int sig, const char *asan)
{
	if (WIFSIGNALED(ch->status) && WTERMSIG(ch->status) == sig)
		return TEST_SUCCESS;
	TEST_ASSERT(UNDER_SANITIZER && strstr(ch->out, asan) != NULL &&
		    ((WIFEXITED(ch->status) && WEXITSTATUS(ch->status) != 0) ||
		     (WIFSIGNALED(ch->status) && WTERMSIG(ch->status) == SIGABRT)),
		    "child status 0x%x, expected death by signal %d (%s); its stderr:\n%s",
		    ch->status, sig, strsignal(sig), ch->out);
	printf("(the sanitizer's own handler, chained to, reported \"%s\")\n", asan);
	return TEST_SUCCESS;
}

static void
child_segv(void *arg)
{
	/* an unmapped page, or the first one (not NULL itself: UBSan would stop first) */
	volatile int *bad = arg != NULL ? arg : (void *)(uintptr_t)0x10;
	struct trap_env e;

	/* the trap installed and a region live, then a real bug elsewhere */
	if (env_open(&e, "trap bystander region") != TEST_SUCCESS)
		_exit(3);
	*bad = 1;
	_exit(0);
}

static void
child_jump(void *arg)
{
	struct trap_env e;

	(void)arg;
	if (env_open(&e, "trap bystander region") != TEST_SUCCESS)
		_exit(3);
	((void (*)(void))(uintptr_t)e.region)();	/* executing from the BAR */
	_exit(0);
}

static int
test_sim_trap_segv_not_ours(void)
{
	struct child ch;
	void *hole = mmap(NULL, PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	TEST_ASSERT(hole != MAP_FAILED, "mmap: %s", strerror(errno));
	if (run_child(child_segv, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGSEGV, "Sanitizer: SEGV") != TEST_SUCCESS)
		return TEST_FAILED;
	/* a PROT_NONE page that is not a region: still a crash */
	if (run_child(child_segv, hole, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGSEGV, "Sanitizer: SEGV") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "sim-trap") == NULL, "the trap logged a fault not its own:\n%s", ch.out);
	/* a jump into a region: an instruction fetch, not an access */
	if (run_child(child_jump, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGSEGV, "Sanitizer: SEGV") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "sim-trap") == NULL, "the trap logged a fetch from a region:\n%s", ch.out);
	munmap(hole, PG);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_segv_not_ours, fast, test_sim_trap_segv_not_ours);

static void
child_ud2(void *arg)
{
	struct trap_env e;

	(void)arg;
	if (env_open(&e, "trap bystander region") != TEST_SUCCESS)
		_exit(3);
	__asm__ volatile("ud2");
	_exit(0);
}

static void
child_movdir64b_ordinary(void *arg)
{
	struct trap_env e;
	uint64_t marker;

	(void)arg;
	if (env_open(&e, "trap bystander region") != TEST_SUCCESS)
		_exit(3);
	movdir64b(e.plain, movdir_src, &marker);	/* not a region: as without the trap */
	_exit(0);
}

static int
test_sim_trap_sigill_not_ours(void)
{
	struct child ch;

	if (run_child(child_ud2, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGILL, "Sanitizer: ILL") != TEST_SUCCESS)
		return TEST_FAILED;
	if (cpu_has(CPUID7_ECX_MOVDIR64B)) {
		printf("this CPU has MOVDIR64B: the ordinary-memory MOVDIR64B case does not apply\n");
		return TEST_SUCCESS;
	}
	if (run_child(child_movdir64b_ordinary, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGILL, "Sanitizer: ILL") != TEST_SUCCESS)
		return TEST_FAILED;
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_sigill_not_ours, fast, test_sim_trap_sigill_not_ours);

static void
child_unknown(void *arg)
{
	struct trap_env e;
	uint64_t r;

	(void)arg;
	if (env_open(&e, "dsa0 BAR0 (simulated)") != TEST_SUCCESS)
		_exit(3);
	/* POPCNT with a memory operand: a load, but not one the trap decodes */
	__asm__ volatile("popcntq 8(%%rsi), %%rax" : "=a"(r) : "S"(e.region + BASE) : "memory", "cc");
	_exit(0);
}

/* more that the trap refuses, each with its reason */
static const struct {
	const char *what, *why;
} refused_insns[] = {
	{ "rep movsb", "opcode not decoded" },
	{ "vpaddd", "VEX.vvvv names a register (not a plain move)" },
	{ "mulq", "F6/F7 MUL, IMUL, DIV, IDIV or /1" },
	{ "pushq", "FE/FF other than INC, DEC" },
	{ "vmovdqu64 (EVEX)", "opcode not decoded" },
	{ "movaps, misaligned", NULL },
};

static void
child_refused_insn(void *arg)
{
	unsigned int i = (unsigned int)(uintptr_t)arg;
	struct trap_env e;
	uint8_t *m;

	if (env_open(&e, "dsa0 BAR0 (simulated)") != TEST_SUCCESS)
		_exit(3);
	m = e.region + BASE;
	switch (i) {
	case 0:
		{
			unsigned long n = 8;

			__asm__ volatile("rep movsb" : "+S"(m), "+D"(e.plain), "+c"(n) : : "memory");
		}
		break;
	case 1:
		__asm__ volatile("vpaddd (%0), %%xmm1, %%xmm2" : : "r"(m) : "memory", "xmm2");
		break;
	case 2:
		__asm__ volatile("mulq (%0)" : : "r"(m) : "memory", "rax", "rdx", "cc");
		break;
	case 3:
		__asm__ volatile("pushq (%0)\n\tpopq %%rax" : : "r"(m) : "memory", "rax");
		break;
	case 4:
		if (!__builtin_cpu_supports("avx512f"))
			_exit(5);
		__asm__ volatile("vmovdqu64 (%0), %%zmm1" : : "r"(m) : "memory", "xmm1");
		break;
	default:
		/* #GP on the CPU, before the page fault: not the trap's, a real SIGSEGV */
		__asm__ volatile("movaps 8(%0), %%xmm1" : : "r"(m) : "memory", "xmm1");
		break;
	}
	_exit(0);
}

static void
child_read_fails(void *arg)
{
	struct trap_env e;

	(void)arg;
	if (env_open(&e, "dsa0 BAR0 (simulated)") != TEST_SUCCESS)
		_exit(3);
	e.fake.fail = -EIO;
	(void)*(volatile uint32_t *)(e.region + 0x24);
	_exit(0);
}

static int
fail_write(void *priv, uint64_t off, const void *val, unsigned int width)
{
	(void)priv;
	(void)off;
	(void)val;
	(void)width;
	return -EACCES;
}

static void
child_write_fails(void *arg)
{
	static const struct sim_trap_ops ro_ops = { .read = fake_read, .write = fail_write };
	static struct fake f;
	uint8_t *r;

	(void)arg;
	pthread_mutex_init(&f.lock, NULL);
	if (sim_trap_map(PG, &ro_ops, &f, "read-only BAR (simulated)", (void **)&r) != 0)
		_exit(3);
	/* a read-modify-write: the read succeeds, the write fails */
	__asm__ volatile("lock incl 0x30(%0)" : : "r"(r) : "memory", "cc");
	_exit(0);
}

static void
child_straddle(void *arg)
{
	struct trap_env e;
	uint8_t *before;

	(void)arg;
	if (env_open(&e, "dsa0 BAR0 (simulated)") != TEST_SUCCESS)
		_exit(3);
	/* an ordinary page right before the region (mmap's placement puts
	 * the plain buffer there, mapped just after), then a load across the edge */
	before = e.plain + PG == e.region ? e.plain
		 : mmap(e.region - PG, PG, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (before != e.region - PG)
		_exit(4);
	{
		uint64_t v;

		/* asm: a misaligned load, which C (and UBSan) would not allow */
		__asm__ volatile("movq -4(%1), %0" : "=r"(v) : "r"(e.region) : "memory");
	}
	_exit(0);
}

static int
test_sim_trap_refused(void)
{
	struct child ch;
	unsigned int i;

	if (run_child(child_unknown, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGBUS, "Sanitizer: BUS") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "PDK ERR sim-trap: dsa0 BAR0 (simulated): access at offset 0x108") != NULL &&
		    strstr(ch.out, "(bytes at RIP f3 48 0f b8 46 08") != NULL &&
		    strstr(ch.out, "not an instruction the trap decodes") != NULL,
		    "no refusal line naming the region, the offset, the bytes:\n%s", ch.out);
	printf("the child's stderr:\n%s", ch.out);

	for (i = 0; i < sizeof(refused_insns) / sizeof(refused_insns[0]); i++) {
		if (run_child(child_refused_insn, (void *)(uintptr_t)i, &ch) != TEST_SUCCESS)
			return TEST_FAILED;
		if (WIFEXITED(ch.status) && WEXITSTATUS(ch.status) == 5) {
			printf("%s: not run, no AVX-512 on this CPU\n", refused_insns[i].what);
			continue;
		}
		if (refused_insns[i].why == NULL) {
			/* the alignment #GP: si_addr is not in the region, the previous handler's */
			if (check_death(&ch, SIGSEGV, "Sanitizer: SEGV") != TEST_SUCCESS)
				return TEST_FAILED;
			TEST_ASSERT(strstr(ch.out, "sim-trap") == NULL, "%s: logged by the trap:\n%s",
				    refused_insns[i].what, ch.out);
			continue;
		}
		if (check_death(&ch, SIGBUS, "Sanitizer: BUS") != TEST_SUCCESS)
			return TEST_FAILED;
		TEST_ASSERT(strstr(ch.out, "not an instruction the trap decodes") != NULL &&
			    strstr(ch.out, refused_insns[i].why) != NULL,
			    "%s: no refusal line with \"%s\":\n%s", refused_insns[i].what,
			    refused_insns[i].why, ch.out);
	}

	if (run_child(child_read_fails, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGBUS, "Sanitizer: BUS") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "dsa0 BAR0 (simulated): access at offset 0x24") != NULL &&
		    strstr(ch.out, "the device's read callback failed: Input/output error (-5)") != NULL,
		    "no line for the failed read:\n%s", ch.out);

	if (run_child(child_write_fails, NULL, &ch) != TEST_SUCCESS ||
	    check_death(&ch, SIGBUS, "Sanitizer: BUS") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "read-only BAR (simulated): access at offset 0x30") != NULL &&
		    strstr(ch.out, "the device's write callback failed: Permission denied (-13)") != NULL,
		    "no line for the failed write of the read-modify-write:\n%s", ch.out);

	if (run_child(child_straddle, NULL, &ch) != TEST_SUCCESS)
		return TEST_FAILED;
	if (WIFEXITED(ch.status) && WEXITSTATUS(ch.status) == 4) {
		printf("straddle case not run: the page before the region is taken\n");
		return TEST_SUCCESS;
	}
	if (check_death(&ch, SIGBUS, "Sanitizer: BUS") != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(strstr(ch.out, "access at offset 0x0") != NULL &&
		    strstr(ch.out, "straddles the region's edge") != NULL,
		    "no line for the straddling load:\n%s", ch.out);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_refused, fast, test_sim_trap_refused);

static void
program_segv_handler(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "the program's own SIGSEGV handler\n";

	(void)sig;
	(void)uc;
	if (write(2, msg, sizeof(msg) - 1) < 0 || si->si_addr != (void *)(uintptr_t)0x10)
		_exit(41);
	_exit(42);
}

static void
child_program_handler(void *arg)
{
	struct sigaction act, old;
	struct trap_env e;

	(void)arg;
	if (env_open(&e, "trap chained region") != TEST_SUCCESS)
		_exit(3);
	memset(&act, 0, sizeof(act));
	act.sa_sigaction = program_segv_handler;
	act.sa_flags = SA_SIGINFO;
	if (sim_trap_chain_sigaction(SIGSEGV, &act, &old) != 0)
		_exit(4);
	/* a region still answers: the trap is first */
	e.fake.mem[8] = 0x33;
	if (*(volatile uint8_t *)(e.region + 8) != 0x33)
		_exit(5);
	{
		volatile uintptr_t low = 0x10;	/* hidden from the compiler's bounds checks */

		*(volatile int *)low = 1;
	}
	_exit(0);
}

static int
test_sim_trap_chain_sigaction(void)
{
	struct sigaction old;
	struct child ch;

	test_log_capture_start();
	TEST_ASSERT_RC(sim_trap_chain_sigaction(SIGUSR1, NULL, &old), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("signal 10 is not one the trap handles");
	test_log_capture_stop();
	TEST_ASSERT_OK(sim_trap_chain_sigaction(SIGSEGV, NULL, &old));
	TEST_ASSERT(UNDER_SANITIZER || ((old.sa_flags & SA_SIGINFO) == 0 && old.sa_handler == SIG_DFL),
		    "the disposition before the trap was not SIG_DFL");
	if (run_child(child_program_handler, NULL, &ch) != TEST_SUCCESS)
		return TEST_FAILED;
	TEST_ASSERT(WIFEXITED(ch.status) && WEXITSTATUS(ch.status) == 42 &&
		    strstr(ch.out, "the program's own SIGSEGV handler") != NULL,
		    "child status 0x%x, expected exit 42 from the program's handler; stderr:\n%s",
		    ch.status, ch.out);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_chain_sigaction, fast, test_sim_trap_chain_sigaction);

/* ---- the API ---- */

static int
test_sim_trap_api(void)
{
	static uint8_t fakes[SIM_TRAP_MAX_REGIONS][1];
	void *addrs[SIM_TRAP_MAX_REGIONS], *a;
	const struct sim_trap_ops half = { .read = fake_read };
	struct fake f;
	unsigned int i, n;

	memset(&f, 0, sizeof(f));
	test_log_capture_start();
	TEST_ASSERT_RC(sim_trap_map(0, &fake_ops, &f, "r", &a), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("r: map of 0 bytes: bad length");
	test_log_clear();
	TEST_ASSERT_RC(sim_trap_map(PG, &half, &f, "r", &a), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("NULL read or write");
	test_log_clear();
	TEST_ASSERT_RC(sim_trap_map(PG, NULL, &f, "r", &a), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("map: NULL ops");
	test_log_clear();
	/* not a region: -ENOENT and no line (a preload's munmap() of ordinary memory) */
	TEST_ASSERT_RC(sim_trap_unmap(&f, PG), -ENOENT);
	TEST_ASSERT_EQ(test_log_errors(), 0);

	/* every slot, then one more; a partial unmap is refused */
	for (n = 0; n < SIM_TRAP_MAX_REGIONS; n++)
		if (sim_trap_map(100, &fake_ops, fakes[n], "slot", &addrs[n]) < 0)
			break;
	TEST_ASSERT_EQ(n, SIM_TRAP_MAX_REGIONS);
	TEST_ASSERT_EQ(test_log_errors(), 0);
	TEST_ASSERT_RC(sim_trap_map(PG, &fake_ops, &f, "one too many", &a), -ENOSPC);
	TEST_ASSERT_LOGGED_ONCE("one too many: map: all 64 trapped regions are in use");
	test_log_clear();
	TEST_ASSERT_RC(sim_trap_unmap(addrs[0], 2 * PG), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("slot: unmap");
	TEST_ASSERT_LOGGED_ONCE("part of a trapped region");
	test_log_clear();
	for (i = 0; i < n; i++)
		TEST_ASSERT_OK(sim_trap_unmap(addrs[i], i & 1 ? PG : 100));
	TEST_ASSERT_RC(sim_trap_unmap(addrs[0], 100), -ENOENT);	/* twice */
	TEST_ASSERT_EQ(test_log_errors(), 0);
	/* a slot is free again, and the region is gone: mapped again, it works */
	TEST_ASSERT_OK(sim_trap_init());
	TEST_ASSERT_OK(sim_trap_map(PG, &fake_ops, &f, "again", &a));
	pthread_mutex_init(&f.lock, NULL);
	f.mem[0] = 0x7e;
	TEST_ASSERT_EQ(*(volatile uint8_t *)a, 0x7e);
	TEST_ASSERT_OK(sim_trap_unmap(a, PG));
	TEST_ASSERT_EQ(test_log_errors(), 0);

	/* at a fixed address, over a reservation (as DPDK maps a BAR) */
	a = mmap(NULL, 2 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(a != MAP_FAILED, "mmap: %s", strerror(errno));
	TEST_ASSERT_OK(sim_trap_map_fixed(a, 2 * PG, &fake_ops, &f, "fixed"));
	f.mem[4] = 0x5c;
	TEST_ASSERT_EQ(*(volatile uint8_t *)((uint8_t *)a + 4), 0x5c);
	TEST_ASSERT_RC(sim_trap_map_fixed((uint8_t *)a + PG, PG, &fake_ops, &f, "over it"), -EEXIST);
	TEST_ASSERT_LOGGED_ONCE("over it: map at");
	TEST_ASSERT_LOGGED_ONCE("overlaps a trapped region");
	test_log_clear();
	TEST_ASSERT_RC(sim_trap_map_fixed((uint8_t *)a + 1, PG, &fake_ops, &f, "odd"), -EINVAL);
	TEST_ASSERT_LOGGED_ONCE("not page-aligned");
	test_log_clear();
	TEST_ASSERT_OK(sim_trap_unmap(a, 2 * PG));
	TEST_ASSERT_EQ(test_log_errors(), 0);
	test_log_capture_stop();
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_api, fast, test_sim_trap_api);

/* ---- threads ---- */

#define HAMMER_N 20000u

struct hammer {
	struct trap_env e;
	unsigned int id, bad;
};

static void *
hammer(void *arg)
{
	struct hammer *h = arg;
	volatile uint64_t *r = (volatile uint64_t *)h->e.region;
	unsigned int i;

	for (i = 0; i < HAMMER_N; i++) {
		uint64_t v = ((uint64_t)h->id << 56) | i;

		r[i % 64] = v;
		if (r[i % 64] != v)
			h->bad++;
		r[64 + (i % 8)] += 1;
	}
	return NULL;
}

static _Atomic bool churn_stop;

/* a third thread maps and unmaps regions meanwhile: the lookup must not mind */
static void *
churn(void *arg)
{
	struct fake *f = arg;
	unsigned long n = 0;
	void *a;

	while (!churn_stop) {
		if (sim_trap_map(PG, &fake_ops, f, "churn", &a) == 0) {
			*(volatile uint32_t *)a = 1;
			sim_trap_unmap(a, PG);
		}
		n++;
	}
	return (void *)n;
}

static int
test_sim_trap_threads(void)
{
	static struct hammer h[2];
	static struct fake cf;
	pthread_t t[2], c;
	void *churned;
	unsigned int i, k;
	uint64_t sum;

	pthread_mutex_init(&cf.lock, NULL);
	for (i = 0; i < 2; i++) {
		if (env_open(&h[i].e, i ? "hammer 1" : "hammer 0") != TEST_SUCCESS)
			return TEST_FAILED;
		h[i].id = i + 1;
	}
	TEST_ASSERT_OK(pthread_create(&c, NULL, churn, &cf));
	for (i = 0; i < 2; i++)
		TEST_ASSERT_OK(pthread_create(&t[i], NULL, hammer, &h[i]));
	for (i = 0; i < 2; i++)
		TEST_ASSERT_OK(pthread_join(t[i], NULL));
	churn_stop = true;
	TEST_ASSERT_OK(pthread_join(c, &churned));
	for (i = 0; i < 2; i++) {
		TEST_ASSERT_EQ(h[i].bad, 0);
		/* store, load, and a read-modify-write per round: 4 accesses */
		TEST_ASSERT_EQ(h[i].e.fake.n, 4 * HAMMER_N);
		for (k = 0, sum = 0; k < 8; k++) {
			uint64_t v;

			memcpy(&v, h[i].e.fake.mem + 8 * (64 + k), 8);
			sum += v;
		}
		TEST_ASSERT_EQ(sum, HAMMER_N);
		TEST_ASSERT(h[i].e.fake.mem[8 * 63 + 7] == h[i].id, "region %u holds another thread's store", i);
		if (env_close(&h[i].e) != TEST_SUCCESS)
			return TEST_FAILED;
	}
	printf("2 threads x %u rounds on their own region, %lu map/unmap cycles beside them\n",
	       HAMMER_N, (unsigned long)(uintptr_t)churned);
	return TEST_SUCCESS;
}
PDK_TEST_REGISTER(sim_trap_threads, fast, test_sim_trap_threads);
