/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 part of hibernation: the CPU context the restored image returns
 * through, and what the restore trampoline needs to get there.
 */
#ifndef _TORPOR_ARCH_H
#define _TORPOR_ARCH_H

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
#define TORPOR_CTX_GDT		88

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
	struct desc_ptr gdt;	/* this CPU's writable GDT */
	u64 s_cet;		/* MSR IA32_S_CET, 0 without IBT */
};

extern struct torpor_arch_context torpor_arch_ctx;

/*
 * Saves the context and returns 0.  Returns a second time, with 1, when
 * the restore trampoline enters torpor_arch_landing in the restored image.
 * Nothing between the two returns may use per-CPU data: the GS base is
 * the boot kernel's until restore_processor_state().
 */
__attribute__((__returns_twice__)) int torpor_arch_save_context(void);

/*
 * The trampoline jumps here with %rdi = torpor_arch_x86_64.cr3, and the
 * boot kernel's load and hand-over times in ns in %rsi and %rdx (its own
 * statistics die with it), interrupts off, on page tables that map this
 * page at its virtual address.  It needs no stack.  It switches to the
 * image's page tables, keeps the times in torpor_arch_ctx and returns from
 * torpor_arch_save_context() a second time.
 */
void torpor_arch_landing(void);

void torpor_arch_prepare(struct torpor_arch_x86_64 *arch);
void torpor_arch_restored(void);

#endif /* __ASSEMBLY__ */
#endif /* _TORPOR_ARCH_H */
