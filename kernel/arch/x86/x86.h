/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 part of hibernation: the CPU context the restored image returns
 * through, and what the restore trampoline needs to get there.  Generic
 * code includes arch.h, which declares what it calls; this header has the
 * types and what only kernel/arch/x86/ uses.
 */
#ifndef _TORPOR_ARCH_X86_H
#define _TORPOR_ARCH_X86_H

/* Offsets in struct torpor_arch_context, for context.S. */
#define TORPOR_CTX_RBX		0
#define TORPOR_CTX_RBP		8
#define TORPOR_CTX_R12		16
#define TORPOR_CTX_R13		24
#define TORPOR_CTX_R14		32
#define TORPOR_CTX_R15		40
#define TORPOR_CTX_RSP		48
#define TORPOR_CTX_RIP		56
#define TORPOR_CTX_RFLAGS	64
#define TORPOR_CTX_BOOT_LOAD	72
#define TORPOR_CTX_BOOT_RESTORE	80
#define TORPOR_CTX_BOOT_SEED	88
#define TORPOR_CTX_BOOT_VERIFY	104
#define TORPOR_CTX_GDT		112

#ifndef __ASSEMBLY__

#include <linux/compiler.h>
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/pgtable.h>

#include "uapi/torpor_image.h"

/* What the image records and what a resuming CPU must match. */
static inline unsigned int torpor_paging_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/* Registers a C caller expects back, plus where it returns to. */
struct torpor_arch_context {
	u64 rbx, rbp, r12, r13, r14, r15;
	u64 rsp;		/* the caller's, after the return */
	u64 rip;		/* the return address */
	u64 rflags;
	/* Set by the landing: the boot kernel's load and hand-over times. */
	u64 boot_load_ns;
	u64 boot_restore_ns;
	/* and 16 random bytes of the boot kernel's (trampoline.S) */
	u64 boot_seed[2];
	/* and its list of restored frames with torpor.verify=1 (verify.c) */
	u64 boot_verify;
	struct desc_ptr gdt;	/* this CPU's writable GDT */
	u64 s_cet;		/* MSR IA32_S_CET, 0 without IBT */
};

/*
 * The trampoline jumps here with %rdi = torpor_arch_x86_64.cr3, and the
 * boot kernel's load and hand-over times in ns in %rsi and %rdx (its own
 * statistics die with it), interrupts off, on page tables that map this
 * page at its virtual address, the boot kernel's random bytes in %r10 and
 * %r11 and its frame list (or 0) in %r9.  It needs no stack.  It switches
 * to the image's page tables, keeps all that in torpor_arch_ctx and
 * returns from
 * torpor_arch_save_context() a second time.
 */
void torpor_arch_landing(void);

#endif /* __ASSEMBLY__ */
#endif /* _TORPOR_ARCH_X86_H */
