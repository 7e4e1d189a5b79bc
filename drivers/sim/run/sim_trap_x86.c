/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The PDK authors
 */

/*
 * The trap's x86-64 decoder and executor (sim_trap_x86.h). Encodings are
 * those of the Intel SDM vol. 2 for each instruction named below; the
 * instruction formats (prefixes, REX, VEX, ModRM, SIB) of its chapter 2.
 *
 * The arithmetic is not modelled: an instruction's result and RFLAGS are
 * those of the same instruction on the same values in host registers
 * (inline asm, with the interrupted program's status flags loaded first),
 * which is exact by construction, undefined flags included.
 *
 * What is not decoded is refused with a reason, never guessed.
 */

#include <asm/prctl.h>
#include <cpuid.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sim_trap_x86.h"

enum kind {
	K_STORE = 1,	/* mem <- reg or imm */
	K_LOAD,		/* reg <- mem, extended as op says */
	K_ALU_M,	/* mem <- mem op src (CMP: flags only) */
	K_ALU_R,	/* reg <- reg op mem (CMP: flags only) */
	K_TEST,		/* flags of mem & src */
	K_UNARY,	/* mem <- op mem: INC DEC NOT NEG */
	K_XCHG,
	K_CMPXCHG,
	K_XADD,
	K_BT,		/* op: 0 BT, 1 BTS, 2 BTR, 3 BTC */
	K_SIMD_LD,	/* xmm/ymm reg <- mem */
	K_SIMD_ST,	/* mem <- xmm/ymm reg */
	K_MOVDIR64B,
};

enum { EXT_NONE, EXT_ZX, EXT_SX };
enum { U_INC, U_DEC, U_NOT, U_NEG };
enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP, ALU_TEST };

/* CF PF AF ZF SF OF: what the instructions here write */
#define FL_STATUS 0x8d5ull
#define FL_ZF 0x40ull

/* x86 register number (ModRM, SIB, REX) -> gregs index */
static const int gpr_map[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/*
 * Where the signal frame's XSAVE area keeps the upper halves of YMM
 * (component 2, YMM_Hi128) and of ZMM0-15 (component 6, ZMM_Hi256): the
 * standard format's offsets, CPUID leaf 0DH sub-leaf 2 and 6, EBX (SDM
 * vol. 1, "XSAVE-Supported Features and State-Component Bitmaps"). 0: none.
 */
static unsigned int ymm_hi_off, zmm_hi_off;

void
sim_trap_x86_init(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_count(0xd, 2, &a, &b, &c, &d) && a >= 256)
		ymm_hi_off = b;
	if (__get_cpuid_count(0xd, 6, &a, &b, &c, &d) && a >= 512)
		zmm_hi_off = b;
}

/* ---- registers ---- */

static uint64_t
mask_of(unsigned int w)
{
	return w >= 8 ? ~0ull : (1ull << (8 * w)) - 1;
}

static uint64_t
sext_of(uint64_t v, unsigned int w)
{
	unsigned int sh = 64 - 8 * w;

	return w >= 8 ? v : (uint64_t)((int64_t)(v << sh) >> sh);
}

/* Register @p n at width @p w; without REX, byte registers 4-7 are AH CH DH BH. */
static uint64_t
gpr_get(const ucontext_t *uc, unsigned int n, unsigned int w, bool rex)
{
	if (w == 1 && !rex && n >= 4 && n < 8)
		return ((uint64_t)uc->uc_mcontext.gregs[gpr_map[n - 4]] >> 8) & 0xff;
	return (uint64_t)uc->uc_mcontext.gregs[gpr_map[n]] & mask_of(w);
}

/* A 32-bit write zeroes bits 63:32; 8- and 16-bit writes keep the rest. */
static void
gpr_set(ucontext_t *uc, unsigned int n, unsigned int w, uint64_t v, bool rex)
{
	greg_t *r;
	uint64_t old;

	if (w == 1 && !rex && n >= 4 && n < 8) {
		r = &uc->uc_mcontext.gregs[gpr_map[n - 4]];
		old = (uint64_t)*r;
		*r = (greg_t)((old & ~0xff00ull) | ((v & 0xff) << 8));
		return;
	}
	r = &uc->uc_mcontext.gregs[gpr_map[n]];
	old = (uint64_t)*r;
	if (w == 4)
		*r = (greg_t)(v & 0xffffffffull);
	else if (w == 8)
		*r = (greg_t)v;
	else
		*r = (greg_t)((old & ~mask_of(w)) | (v & mask_of(w)));
}

/*
 * The signal frame's FPU state: FXSAVE layout, followed by the XSAVE
 * header and components when bytes 464.. hold the kernel's software bytes
 * (struct _fpx_sw_bytes of <asm/sigcontext.h>: magic1 FP_XSTATE_MAGIC1,
 * extended_size, xfeatures, xstate_size).
 */
#define FPX_MAGIC1 0x46505853u
#define FPX_SW_OFF 464
#define XSTATE_BV_OFF 512

struct fpframe {
	uint8_t *base;
	bool xsave;
	uint64_t xfeatures;
	uint32_t xstate_size;
};

static bool
fpframe_of(const ucontext_t *uc, struct fpframe *fp)
{
	uint32_t magic;

	fp->base = (uint8_t *)uc->uc_mcontext.fpregs;
	if (fp->base == NULL)
		return false;
	memcpy(&magic, fp->base + FPX_SW_OFF, 4);
	fp->xsave = magic == FPX_MAGIC1;
	fp->xfeatures = 0;
	fp->xstate_size = 512;
	if (fp->xsave) {
		memcpy(&fp->xfeatures, fp->base + FPX_SW_OFF + 8, 8);
		memcpy(&fp->xstate_size, fp->base + FPX_SW_OFF + 16, 4);
	}
	return true;
}

static uint64_t
xstate_bv(const struct fpframe *fp)
{
	uint64_t bv;

	memcpy(&bv, fp->base + XSTATE_BV_OFF, 8);
	return bv;
}

static void
xstate_bv_set(const struct fpframe *fp, uint64_t bits)
{
	uint64_t bv = xstate_bv(fp) | bits;

	memcpy(fp->base + XSTATE_BV_OFF, &bv, 8);
}

/* The frame holds component @p c (bit) at @p off, @p size bytes. */
static bool
fp_has(const struct fpframe *fp, unsigned int c, unsigned int off, unsigned int size)
{
	return fp->xsave && off != 0 && (fp->xfeatures & (1ull << c)) &&
	       off + size <= fp->xstate_size;
}

/* Whether the VEX forms can be done on this frame: YMM_Hi128 is there. */
static bool
fp_vex_ok(const struct fpframe *fp)
{
	return fp_has(fp, 2, ymm_hi_off, 256);
}

/* Bytes 0..15 of xmm @p n, 16..31 (ymm upper) when @p w is 32. */
static void
simd_get(const struct fpframe *fp, unsigned int n, uint8_t *v, unsigned int w)
{
	if (fp->xsave && !(xstate_bv(fp) & 2))
		memset(v, 0, 16);	/* SSE state in its initial configuration */
	else
		memcpy(v, fp->base + offsetof(struct _libc_fpstate, _xmm) + 16 * n, 16);
	if (w == 32) {
		if (xstate_bv(fp) & 4)
			memcpy(v + 16, fp->base + ymm_hi_off + 16 * n, 16);
		else
			memset(v + 16, 0, 16);
	}
}

/*
 * Load @p w bytes into xmm @p n (the rest of its 128 bits zeroed when
 * @p w < 16). Legacy SSE keeps bits 255 and up; a VEX form zeroes them
 * up to the widest register (SDM vol. 1, "AVX and SSE instruction
 * exception specification"/"VEX.128 encoded ... zero the upper bits").
 */
static void
simd_set(const struct fpframe *fp, unsigned int n, const uint8_t *v, unsigned int w, bool vex)
{
	uint8_t x[16] = {0};

	memcpy(x, v, w < 16 ? w : 16);
	memcpy(fp->base + offsetof(struct _libc_fpstate, _xmm) + 16 * n, x, 16);
	if (fp->xsave)
		xstate_bv_set(fp, 2);
	if (!vex)
		return;
	if (w == 32) {
		if (!(xstate_bv(fp) & 4)) {
			/* the component was in its initial state: make it all zero, then live */
			memset(fp->base + ymm_hi_off, 0, 256);
			xstate_bv_set(fp, 4);
		}
		memcpy(fp->base + ymm_hi_off + 16 * n, v + 16, 16);
	} else if (xstate_bv(fp) & 4) {
		memset(fp->base + ymm_hi_off + 16 * n, 0, 16);
	}
	if (fp_has(fp, 6, zmm_hi_off, 512) && (xstate_bv(fp) & (1ull << 6)))
		memset(fp->base + zmm_hi_off + 32 * n, 0, 32);
}

/* ---- the host executes the operation ---- */

/*
 * Load the program's status flags, run one instruction on registers, take
 * the flags back. The red zone below RSP is stepped over: the compiler may
 * keep values there around this asm.
 */
#define HOST_PRE "lea -128(%%rsp), %%rsp\n\tpush %[f]\n\tpopfq\n\t"
#define HOST_POST "\n\tpushfq\n\tpop %[f]\n\tlea 128(%%rsp), %%rsp"

#define BY_WIDTH(w, M, ...)						\
	do {								\
		switch (w) {						\
		case 1: M(uint8_t, __VA_ARGS__); break;			\
		case 2: M(uint16_t, __VA_ARGS__); break;		\
		case 4: M(uint32_t, __VA_ARGS__); break;		\
		default: M(uint64_t, __VA_ARGS__); break;		\
		}							\
	} while (0)

/* the same, for the instructions without a byte form (BT*) */
#define BY_WIDTH_NO8(w, M, ...)						\
	do {								\
		switch (w) {						\
		case 2: M(uint16_t, __VA_ARGS__); break;		\
		case 4: M(uint32_t, __VA_ARGS__); break;		\
		default: M(uint64_t, __VA_ARGS__); break;		\
		}							\
	} while (0)

#define HOST_BIN(T, mn)							\
	do {								\
		T a_ = (T)a, b_ = (T)b;					\
		__asm__ volatile(HOST_PRE mn " %[b], %[a]" HOST_POST	\
				 : [a] "+r"(a_), [f] "+r"(f) : [b] "r"(b_) : "cc"); \
		a = a_;							\
	} while (0)

#define HOST_UN(T, mn)							\
	do {								\
		T a_ = (T)a;						\
		__asm__ volatile(HOST_PRE mn " %[a]" HOST_POST		\
				 : [a] "+r"(a_), [f] "+r"(f) : : "cc");	\
		a = a_;							\
	} while (0)

#define HOST_XADD(T, unused)						\
	do {								\
		T a_ = (T)a, b_ = (T)b;					\
		__asm__ volatile(HOST_PRE "xadd %[b], %[a]" HOST_POST	\
				 : [a] "+r"(a_), [b] "+r"(b_), [f] "+r"(f) : : "cc"); \
		a = a_;							\
		b = b_;							\
	} while (0)

#define HOST_CMPXCHG(T, unused)						\
	do {								\
		T a_ = (T)a, c_ = (T)acc, b_ = (T)b;			\
		__asm__ volatile(HOST_PRE "cmpxchg %[b], %[a]" HOST_POST \
				 : [a] "+r"(a_), "+a"(c_), [f] "+r"(f) : [b] "r"(b_) : "cc"); \
		a = a_;							\
		acc = c_;						\
	} while (0)

static uint64_t
fl_in(uint64_t prog)
{
	return (prog & FL_STATUS) | 0x2;	/* bit 1 is always set */
}

static uint64_t
fl_out(uint64_t prog, uint64_t f)
{
	return (prog & ~FL_STATUS) | (f & FL_STATUS);
}

/* a op b at width w; *fl the program's RFLAGS, updated */
static uint64_t
host_alu(unsigned int op, unsigned int w, uint64_t a, uint64_t b, uint64_t *fl)
{
	uint64_t f = fl_in(*fl);

	switch (op) {
	case ALU_ADD: BY_WIDTH(w, HOST_BIN, "add"); break;
	case ALU_OR: BY_WIDTH(w, HOST_BIN, "or"); break;
	case ALU_ADC: BY_WIDTH(w, HOST_BIN, "adc"); break;
	case ALU_SBB: BY_WIDTH(w, HOST_BIN, "sbb"); break;
	case ALU_AND: BY_WIDTH(w, HOST_BIN, "and"); break;
	case ALU_SUB: BY_WIDTH(w, HOST_BIN, "sub"); break;
	case ALU_XOR: BY_WIDTH(w, HOST_BIN, "xor"); break;
	case ALU_CMP: BY_WIDTH(w, HOST_BIN, "cmp"); break;
	default: BY_WIDTH(w, HOST_BIN, "test"); break;
	}
	*fl = fl_out(*fl, f);
	return a;
}

static uint64_t
host_unary(unsigned int op, unsigned int w, uint64_t a, uint64_t *fl)
{
	uint64_t f = fl_in(*fl);

	switch (op) {
	case U_INC: BY_WIDTH(w, HOST_UN, "inc"); break;
	case U_DEC: BY_WIDTH(w, HOST_UN, "dec"); break;
	case U_NOT: BY_WIDTH(w, HOST_UN, "not"); break;
	default: BY_WIDTH(w, HOST_UN, "neg"); break;
	}
	*fl = fl_out(*fl, f);
	return a;
}

/* the register form with the bit offset already reduced to the operand: exact flags */
static uint64_t
host_bt(unsigned int op, unsigned int w, uint64_t a, uint64_t b, uint64_t *fl)
{
	uint64_t f = fl_in(*fl);

	switch (op) {
	case 0: BY_WIDTH_NO8(w, HOST_BIN, "bt"); break;
	case 1: BY_WIDTH_NO8(w, HOST_BIN, "bts"); break;
	case 2: BY_WIDTH_NO8(w, HOST_BIN, "btr"); break;
	default: BY_WIDTH_NO8(w, HOST_BIN, "btc"); break;
	}
	*fl = fl_out(*fl, f);
	return a;
}

/* ---- decoding ---- */

struct dec {
	const ucontext_t *uc;
	struct sim_trap_x86_insn *in;
	const volatile uint8_t *p;	/* the instruction, at RIP */
	bool p66, p67, pf2, pf3, lock;
	int seg;			/* 0, or 4 (FS) / 5 (GS) */
	uint8_t rex;			/* 0x40..0x4f, or 0 */
	bool vex_l;
	unsigned int vex_pp, vex_vvvv, map;
	uint8_t opc;
	/* ModRM */
	unsigned int mod, reg, rm;
	int base, index;
	unsigned int scale;
	int64_t disp;
	bool riprel;
};

/*
 * Read the instruction's next byte. Only bytes the instruction's grammar
 * asks for are read, so no byte past a real instruction; not instrumented:
 * they are code, not an object of the program.
 */
__attribute__((no_sanitize("address")))
static int
fetch(struct dec *d, uint8_t *b)
{
	struct sim_trap_x86_insn *in = d->in;

	if (in->nbytes >= SIM_TRAP_X86_MAX_LEN) {
		in->why = "longer than 15 bytes";
		return -ENOTSUP;
	}
	*b = d->p[in->nbytes];
	in->bytes[in->nbytes++] = *b;
	return 0;
}

static int
fetch_n(struct dec *d, unsigned int n, uint64_t *v)
{
	uint8_t b;
	unsigned int i;
	int rc;

	*v = 0;
	for (i = 0; i < n; i++) {
		rc = fetch(d, &b);
		if (rc < 0)
			return rc;
		*v |= (uint64_t)b << (8 * i);
	}
	return 0;
}

static int
refuse(struct dec *d, const char *why)
{
	d->in->why = why;
	return -ENOTSUP;
}

static bool
rex_w(const struct dec *d)
{
	return d->rex & 8;
}

/* ModRM, SIB and displacement; a register operand (mod 3) is refused: no memory to trap */
static int
modrm(struct dec *d)
{
	uint8_t m, s;
	uint64_t v;
	int rc;

	rc = fetch(d, &m);
	if (rc < 0)
		return rc;
	d->mod = m >> 6;
	d->reg = ((m >> 3) & 7) | ((d->rex & 4) ? 8 : 0);
	d->rm = m & 7;
	if (d->mod == 3)
		return refuse(d, "its operand is a register, not memory");
	d->base = -1;
	d->index = -1;
	d->scale = 0;
	if (d->rm == 4) {
		rc = fetch(d, &s);
		if (rc < 0)
			return rc;
		d->scale = s >> 6;
		d->index = ((s >> 3) & 7) | ((d->rex & 2) ? 8 : 0);
		if (d->index == 4)
			d->index = -1;	/* no index (RSP cannot be one) */
		if ((s & 7) == 5 && d->mod == 0)
			d->mod = 2 + 4;	/* disp32, no base */
		else
			d->base = (s & 7) | ((d->rex & 1) ? 8 : 0);
	} else if (d->rm == 5 && d->mod == 0) {
		d->riprel = true;
		d->mod = 2 + 4;
	} else {
		d->base = d->rm | ((d->rex & 1) ? 8 : 0);
	}
	switch (d->mod & 3) {
	case 1:
		rc = fetch_n(d, 1, &v);
		d->disp = (int8_t)v;
		break;
	case 2:
		rc = fetch_n(d, 4, &v);
		d->disp = (int32_t)v;
		break;
	default:
		d->disp = 0;
		break;
	}
	d->mod &= 3;
	return rc;
}

static uint64_t
seg_base(int seg)
{
	unsigned long b = 0;

	if (seg == 4 || seg == 5)
		syscall(SYS_arch_prctl, seg == 4 ? ARCH_GET_FS : ARCH_GET_GS, &b);
	return b;
}

/* The operand's linear address; call once the length is known (RIP-relative). */
static uint64_t
ea_of(const struct dec *d)
{
	const greg_t *g = d->uc->uc_mcontext.gregs;
	uint64_t ea = (uint64_t)d->disp;

	if (d->base >= 0)
		ea += (uint64_t)g[gpr_map[d->base]];
	if (d->index >= 0)
		ea += (uint64_t)g[gpr_map[d->index]] << d->scale;
	if (d->riprel)
		ea += (uint64_t)g[REG_RIP] + d->in->nbytes;
	if (d->p67)
		ea &= 0xffffffffull;
	return ea + seg_base(d->seg);
}

static unsigned int
osz_of(const struct dec *d)
{
	return rex_w(d) ? 8 : d->p66 ? 2 : 4;
}

/* an immediate of @p n bytes, sign-extended */
static int
imm(struct dec *d, unsigned int n)
{
	uint64_t v;
	int rc = fetch_n(d, n, &v);

	d->in->imm = sext_of(v, n);
	d->in->has_imm = true;
	return rc;
}

static int
mem_op(struct dec *d, unsigned int kind, unsigned int w)
{
	struct sim_trap_x86_insn *in = d->in;
	int rc = modrm(d);

	in->kind = kind;
	in->width = w;
	in->osz = w;
	in->reg = d->reg;
	return rc;
}

static int
decode_one_byte(struct dec *d)
{
	struct sim_trap_x86_insn *in = d->in;
	unsigned int o = d->opc, osz = osz_of(d);
	int rc;

	if (o < 0x40 && (o & 7) < 4) {
		/* ADD OR ADC SBB AND SUB XOR CMP, the r/m forms */
		in->op = o >> 3;
		rc = mem_op(d, (o & 2) ? K_ALU_R : K_ALU_M, (o & 1) ? osz : 1);
		return rc;
	}
	switch (o) {
	case 0x63:	/* MOVSXD r, r/m32 */
		if (d->p66)
			return refuse(d, "MOVSXD with a 16-bit operand");
		rc = mem_op(d, K_LOAD, 4);
		in->osz = osz;
		in->op = rex_w(d) ? EXT_SX : EXT_NONE;
		return rc;
	case 0x80: case 0x81: case 0x83:	/* the ALU group, immediate */
		rc = mem_op(d, K_ALU_M, o == 0x80 ? 1 : osz);
		in->op = d->reg & 7;
		if (rc == 0)
			rc = imm(d, o == 0x81 ? (osz == 2 ? 2 : 4) : 1);
		return rc;
	case 0x84: case 0x85:	/* TEST r/m, r */
		in->op = ALU_TEST;
		return mem_op(d, K_TEST, o == 0x84 ? 1 : osz);
	case 0x86: case 0x87:	/* XCHG r/m, r */
		return mem_op(d, K_XCHG, o == 0x86 ? 1 : osz);
	case 0x88: case 0x89:	/* MOV r/m, r */
		return mem_op(d, K_STORE, o == 0x88 ? 1 : osz);
	case 0x8a: case 0x8b:	/* MOV r, r/m */
		rc = mem_op(d, K_LOAD, o == 0x8a ? 1 : osz);
		in->op = EXT_NONE;
		return rc;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3: {	/* MOV with moffs */
		uint64_t a;

		rc = fetch_n(d, d->p67 ? 4 : 8, &a);
		in->kind = (o & 2) ? K_STORE : K_LOAD;
		in->width = in->osz = (o & 1) ? osz : 1;
		in->reg = 0;
		in->op = EXT_NONE;
		in->addr = a + seg_base(d->seg);
		return rc;
	}
	case 0xc6: case 0xc7:	/* MOV r/m, imm */
		rc = mem_op(d, K_STORE, o == 0xc6 ? 1 : osz);
		if (rc == 0 && (d->reg & 7) != 0)
			return refuse(d, "C6/C7 other than MOV /0");
		if (rc == 0)
			rc = imm(d, o == 0xc6 ? 1 : (osz == 2 ? 2 : 4));
		return rc;
	case 0xf6: case 0xf7:	/* TEST /0, NOT /2, NEG /3 */
		rc = mem_op(d, K_UNARY, o == 0xf6 ? 1 : osz);
		if (rc < 0)
			return rc;
		switch (d->reg & 7) {
		case 0:
			in->kind = K_TEST;
			in->op = ALU_TEST;
			return imm(d, o == 0xf6 ? 1 : (osz == 2 ? 2 : 4));
		case 2:
			in->op = U_NOT;
			return 0;
		case 3:
			in->op = U_NEG;
			return 0;
		default:
			return refuse(d, "F6/F7 MUL, IMUL, DIV, IDIV or /1");
		}
	case 0xfe: case 0xff:	/* INC /0, DEC /1 */
		rc = mem_op(d, K_UNARY, o == 0xfe ? 1 : osz);
		if (rc == 0 && (d->reg & 7) > 1)
			return refuse(d, "FE/FF other than INC, DEC");
		in->op = (d->reg & 7) ? U_DEC : U_INC;
		return rc;
	default:
		return refuse(d, "opcode not decoded");
	}
}

/*
 * The SSE/AVX moves (SDM: MOVUPS, MOVUPD, MOVSS, MOVSD, MOVAPS, MOVAPD,
 * MOVNTPS, MOVNTPD, MOVD/MOVQ, MOVDQA, MOVDQU, MOVQ, MOVNTDQ, MOVNTDQA):
 * their width, direction and alignment by opcode and mandatory prefix
 * (pp: 0 none, 1 66, 2 F3, 3 F2). L (VEX.256) doubles the 16-byte forms.
 */
static int
decode_simd(struct dec *d, unsigned int pp, bool vex)
{
	struct sim_trap_x86_insn *in = d->in;
	unsigned int o = d->opc, w = 0, kind = 0;
	bool aligned = false, can256 = false;
	int rc;

	if (d->map == 1) {
		switch (o) {
		case 0x10: case 0x11:
			kind = o == 0x10 ? K_SIMD_LD : K_SIMD_ST;
			w = pp == 2 ? 4 : pp == 3 ? 8 : 16;
			can256 = pp < 2;
			break;
		case 0x28: case 0x29:
			if (pp > 1)
				return refuse(d, "0F 28/29 with F3/F2 (a conversion)");
			kind = o == 0x28 ? K_SIMD_LD : K_SIMD_ST;
			w = 16;
			aligned = can256 = true;
			break;
		case 0x2b:
			if (pp > 1)
				return refuse(d, "0F 2B with F3/F2");
			kind = K_SIMD_ST;
			w = 16;
			aligned = can256 = true;
			break;
		case 0x6e: case 0x7e:
			if (pp == 1) {
				kind = o == 0x6e ? K_SIMD_LD : K_SIMD_ST;
				w = rex_w(d) ? 8 : 4;
			} else if (pp == 2 && o == 0x7e) {
				kind = K_SIMD_LD;
				w = 8;
			} else {
				return refuse(d, "MMX MOVD/MOVQ");
			}
			break;
		case 0x6f: case 0x7f:
			if (pp != 1 && pp != 2)
				return refuse(d, "MMX MOVQ");
			kind = o == 0x6f ? K_SIMD_LD : K_SIMD_ST;
			w = 16;
			aligned = pp == 1;
			can256 = true;
			break;
		case 0xd6:
			if (pp != 1)
				return refuse(d, "0F D6 without 66");
			kind = K_SIMD_ST;
			w = 8;
			break;
		case 0xe7:
			if (pp != 1)
				return refuse(d, "MMX MOVNTQ");
			kind = K_SIMD_ST;
			w = 16;
			aligned = can256 = true;
			break;
		default:
			return refuse(d, "0F opcode not decoded");
		}
	} else if (d->map == 2 && o == 0x2a && pp == 1) {
		kind = K_SIMD_LD;	/* MOVNTDQA */
		w = 16;
		aligned = can256 = true;
	} else {
		return refuse(d, "opcode not decoded");
	}
	if (vex && d->vex_l) {
		if (!can256)
			return refuse(d, "VEX.L=1 form of a scalar move");
		w = 32;
	}
	rc = mem_op(d, kind, w);
	in->op = aligned;
	return rc;
}

/* the mandatory prefix of a legacy SSE opcode: F3 or F2 before 66 (SDM vol. 2, 2.1.2) */
static unsigned int
simd_pp(const struct dec *d)
{
	return d->pf3 ? 2 : d->pf2 ? 3 : d->p66 ? 1 : 0;
}

static int
decode_0f(struct dec *d)
{
	struct sim_trap_x86_insn *in = d->in;
	unsigned int o = d->opc, osz = osz_of(d);
	int rc;

	switch (o) {
	case 0xa3: case 0xab: case 0xb3: case 0xbb:	/* BT BTS BTR BTC r/m, r */
		rc = mem_op(d, K_BT, osz);
		in->op = o == 0xa3 ? 0 : o == 0xab ? 1 : o == 0xb3 ? 2 : 3;
		return rc;
	case 0xba:	/* BT BTS BTR BTC r/m, imm8: /4 .. /7 */
		rc = mem_op(d, K_BT, osz);
		if (rc == 0 && (d->reg & 7) < 4)
			return refuse(d, "0F BA /0-/3");
		in->op = (d->reg & 7) - 4;
		if (rc == 0)
			rc = imm(d, 1);
		return rc;
	case 0xb0: case 0xb1:
		return mem_op(d, K_CMPXCHG, o == 0xb0 ? 1 : osz);
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:	/* MOVZX, MOVSX */
		rc = mem_op(d, K_LOAD, (o & 1) ? 2 : 1);
		in->osz = osz;
		in->op = o < 0xb8 ? EXT_ZX : EXT_SX;
		return rc;
	case 0xc0: case 0xc1:
		return mem_op(d, K_XADD, o == 0xc0 ? 1 : osz);
	case 0xc3:	/* MOVNTI m32/m64, r */
		if (d->p66)
			return refuse(d, "MOVNTI with 66");
		return mem_op(d, K_STORE, rex_w(d) ? 8 : 4);
	default:
		return decode_simd(d, simd_pp(d), false);
	}
}

static int
decode_0f38(struct dec *d)
{
	struct sim_trap_x86_insn *in = d->in;
	int rc;

	if (d->opc == 0xf8 && d->p66 && !d->pf2 && !d->pf3) {
		/*
		 * MOVDIR64B r64, m512: the register holds the destination
		 * (address-size wide, ES), the memory operand is the 64-byte
		 * source; the destination must be 64-byte aligned (#GP).
		 */
		rc = modrm(d);
		if (rc < 0)
			return rc;
		in->kind = K_MOVDIR64B;
		in->dir_store = true;
		in->src = ea_of(d);
		in->addr = gpr_get(d->uc, d->reg, d->p67 ? 4 : 8, true);
		in->width = 64;
		if (in->addr & 63)
			return refuse(d, "MOVDIR64B to an address that is not 64-byte aligned (the CPU raises #GP)");
		return 0;
	}
	if (d->opc == 0xf9 && !d->p66 && !d->pf2 && !d->pf3) {
		/* MOVDIRI m32/m64, r32/r64 */
		rc = mem_op(d, K_STORE, rex_w(d) ? 8 : 4);
		in->dir_store = true;
		return rc;
	}
	return decode_simd(d, simd_pp(d), false);
}

/* VEX (C5: 2 bytes, C4: 3 bytes): only the moves of decode_simd() */
static int
decode_vex(struct dec *d, uint8_t first)
{
	struct fpframe fp;
	uint8_t b1, b2;
	int rc;

	if (d->p66 || d->pf2 || d->pf3 || d->lock || d->rex)
		return refuse(d, "VEX after a 66/F2/F3/LOCK/REX prefix (#UD)");
	rc = fetch(d, &b1);
	if (rc < 0)
		return rc;
	if (first == 0xc5) {
		d->rex = 0x40 | ((b1 & 0x80) ? 0 : 4);
		d->map = 1;
		b2 = b1;
	} else {
		rc = fetch(d, &b2);
		if (rc < 0)
			return rc;
		d->rex = 0x40 | ((b1 & 0x80) ? 0 : 4) | ((b1 & 0x40) ? 0 : 2) |
			 ((b1 & 0x20) ? 0 : 1) | ((b2 & 0x80) ? 8 : 0);
		d->map = b1 & 0x1f;
	}
	d->vex_vvvv = (~b2 >> 3) & 0xf;
	d->vex_l = b2 & 4;
	d->vex_pp = b2 & 3;
	d->in->vex = true;
	if (d->vex_vvvv != 0)
		return refuse(d, "VEX.vvvv names a register (not a plain move)");
	if (d->map != 1 && d->map != 2)
		return refuse(d, "VEX map other than 0F, 0F38");
	if (!fpframe_of(d->uc, &fp) || !fp_vex_ok(&fp))
		return refuse(d, "a VEX move, and the signal frame has no YMM state");
	rc = fetch(d, &d->opc);
	if (rc < 0)
		return rc;
	return decode_simd(d, d->vex_pp, true);
}

int
sim_trap_x86_decode(const ucontext_t *uc, struct sim_trap_x86_insn *in)
{
	struct dec d = {
		.uc = uc, .in = in,
		.p = (const volatile uint8_t *)uc->uc_mcontext.gregs[REG_RIP],
	};
	uint8_t b;
	int rc;

	memset(in, 0, sizeof(*in));
	for (;;) {
		rc = fetch(&d, &b);
		if (rc < 0)
			return rc;
		switch (b) {
		case 0x66: d.p66 = true; continue;
		case 0x67: d.p67 = true; continue;
		case 0xf2: d.pf2 = true; d.pf3 = false; continue;
		case 0xf3: d.pf3 = true; d.pf2 = false; continue;
		case 0xf0: d.lock = true; continue;
		case 0x2e: case 0x36: case 0x3e: case 0x26: continue;	/* base 0 in 64-bit mode */
		case 0x64: d.seg = 4; continue;
		case 0x65: d.seg = 5; continue;
		default: break;
		}
		break;
	}
	if (b >= 0x40 && b <= 0x4f) {
		d.rex = b;
		rc = fetch(&d, &b);
		if (rc < 0)
			return rc;
	}
	in->rex = d.rex != 0;
	if (b == 0xc4 || b == 0xc5) {
		rc = decode_vex(&d, b);
	} else if (b != 0x0f) {
		d.opc = b;
		rc = decode_one_byte(&d);
	} else {
		rc = fetch(&d, &b);
		if (rc == 0 && (b == 0x38 || b == 0x3a)) {
			d.map = b == 0x38 ? 2 : 3;
			rc = fetch(&d, &d.opc);
		} else {
			d.map = 1;
			d.opc = b;
		}
		if (rc == 0)
			rc = d.map == 1 ? decode_0f(&d) : d.map == 2 ? decode_0f38(&d)
				: refuse(&d, "0F 3A opcode not decoded");
	}
	if (rc < 0)
		return rc;
	if (in->kind == K_SIMD_LD || in->kind == K_SIMD_ST) {
		if (d.lock)
			return refuse(&d, "LOCK on a SIMD move (#UD)");
	} else if (d.pf2 || d.pf3) {
		return refuse(&d, "F2/F3 on an integer instruction (HLE or REP)");
	}
	if (d.lock && in->kind != K_ALU_M && in->kind != K_UNARY && in->kind != K_XCHG &&
	    in->kind != K_CMPXCHG && in->kind != K_XADD && !(in->kind == K_BT && in->op != 0))
		return refuse(&d, "LOCK on an instruction that cannot take it (#UD)");
	if (in->kind == K_ALU_M && in->op == ALU_CMP && d.lock)
		return refuse(&d, "LOCK CMP (#UD)");
	in->len = in->nbytes;
	if (in->kind != K_MOVDIR64B && !(d.opc >= 0xa0 && d.opc <= 0xa3 && d.map == 0))
		in->addr = ea_of(&d);
	if (in->kind == K_BT && !in->has_imm) {
		/* a register bit offset reaches beyond the operand: the operand
		 * holding that bit, then the bit in it (SDM: BT, "bit base") */
		unsigned int lg = in->osz == 2 ? 4 : in->osz == 4 ? 5 : 6;
		int64_t off = (int64_t)sext_of(gpr_get(uc, in->reg, in->osz, true), in->osz);

		in->addr += (uint64_t)((off >> lg) * (int64_t)in->osz);
		in->imm = (uint64_t)off & ((1u << lg) - 1);
	} else if (in->kind == K_BT) {
		in->imm &= 8u * in->osz - 1;
	}
	if ((in->kind == K_SIMD_LD || in->kind == K_SIMD_ST) && in->op && (in->addr % in->width))
		return refuse(&d, "an aligned SIMD move to an unaligned address (the CPU raises #GP)");
	switch (in->kind) {
	case K_STORE: case K_SIMD_ST: case K_MOVDIR64B:
		in->writes = true;
		break;
	case K_LOAD: case K_ALU_R: case K_TEST: case K_SIMD_LD:
		in->reads = true;
		break;
	case K_ALU_M:
		in->reads = true;
		in->writes = in->op != ALU_CMP;
		break;
	case K_BT:
		in->reads = true;
		in->writes = in->op != 0;
		break;
	default:
		in->reads = in->writes = true;
		break;
	}
	return 0;
}

/* ---- execution ---- */

/* the 64 source bytes of MOVDIR64B, program memory read as the CPU would */
__attribute__((no_sanitize("address")))
static void
copy_src(uint8_t *dst, uint64_t src)
{
	const volatile uint8_t *s = (const volatile uint8_t *)src;
	unsigned int i;

	for (i = 0; i < 64; i++)
		dst[i] = s[i];
}

int
sim_trap_x86_exec(ucontext_t *uc, struct sim_trap_x86_insn *in, const struct sim_trap_x86_bus *bus)
{
	greg_t *g = uc->uc_mcontext.gregs;
	uint64_t fl = (uint64_t)g[REG_EFL], m = 0, r, acc, src;
	unsigned int w = in->width;
	uint8_t buf[64];
	struct fpframe fp;
	int rc = 0;

	if (in->kind == K_SIMD_LD || in->kind == K_SIMD_ST) {
		if (!fpframe_of(uc, &fp) || (w == 32 && !fp_vex_ok(&fp))) {
			in->why = "no FPU state in the signal frame";
			return -ENOTSUP;
		}
		if (in->kind == K_SIMD_LD) {
			rc = bus->read(bus->ctx, in->addr, buf, w);
			if (rc < 0)
				return rc;
			simd_set(&fp, in->reg, buf, w, in->vex);
		} else {
			simd_get(&fp, in->reg, buf, w);
			rc = bus->write(bus->ctx, in->addr, buf, w);
			if (rc < 0)
				return rc;
		}
		g[REG_RIP] += in->len;
		return 0;
	}
	if (in->kind == K_MOVDIR64B) {
		copy_src(buf, in->src);
		rc = bus->write(bus->ctx, in->addr, buf, 64);
		if (rc < 0)
			return rc;
		g[REG_RIP] += in->len;
		return 0;
	}
	src = in->has_imm ? in->imm & mask_of(w) : gpr_get(uc, in->reg, w, in->rex);
	if (in->reads) {
		rc = bus->read(bus->ctx, in->addr, &m, w);
		if (rc < 0)
			return rc;
	}
	switch (in->kind) {
	case K_STORE:
		rc = bus->write(bus->ctx, in->addr, &src, w);
		break;
	case K_LOAD:
		r = in->op == EXT_SX ? sext_of(m, w) : m;
		gpr_set(uc, in->reg, in->osz, r, in->rex);
		break;
	case K_ALU_M:
		r = host_alu(in->op, w, m, src, &fl);
		if (in->op != ALU_CMP)
			rc = bus->write(bus->ctx, in->addr, &r, w);
		break;
	case K_ALU_R:
		r = host_alu(in->op, w, src, m, &fl);
		if (in->op != ALU_CMP)
			gpr_set(uc, in->reg, w, r, in->rex);
		break;
	case K_TEST:
		host_alu(ALU_TEST, w, m, src, &fl);
		break;
	case K_UNARY:
		r = host_unary(in->op, w, m, &fl);
		rc = bus->write(bus->ctx, in->addr, &r, w);
		break;
	case K_XCHG:
		rc = bus->write(bus->ctx, in->addr, &src, w);
		if (rc == 0)
			gpr_set(uc, in->reg, w, m, in->rex);
		break;
	case K_XADD: {
		uint64_t a = m, b = src, f = fl_in(fl);

		BY_WIDTH(w, HOST_XADD, 0);
		fl = fl_out(fl, f);
		rc = bus->write(bus->ctx, in->addr, &a, w);
		if (rc == 0)
			gpr_set(uc, in->reg, w, b, in->rex);
		break;
	}
	case K_CMPXCHG: {
		uint64_t a = m, b = src, f = fl_in(fl);

		acc = gpr_get(uc, 0, w, true);
		BY_WIDTH(w, HOST_CMPXCHG, 0);
		fl = fl_out(fl, f);
		/*
		 * The destination is written whatever the comparison gave (with
		 * its own value when it failed: SDM, CMPXCHG), and rAX only on
		 * a failure, so a 32-bit success keeps RAX's upper half.
		 */
		rc = bus->write(bus->ctx, in->addr, &a, w);
		if (rc == 0 && !(f & FL_ZF))
			gpr_set(uc, 0, w, acc, true);
		break;
	}
	case K_BT:
		r = host_bt(in->op, w, m, in->imm, &fl);
		if (in->op != 0)
			rc = bus->write(bus->ctx, in->addr, &r, w);
		break;
	default:
		in->why = "no executor";
		return -ENOTSUP;
	}
	if (rc < 0)
		return rc;
	g[REG_EFL] = (greg_t)fl;
	g[REG_RIP] += in->len;
	return 0;
}
