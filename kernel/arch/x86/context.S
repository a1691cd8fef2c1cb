/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Saving the CPU context before the snapshot and re-entering it from a
 * restored image, setjmp/longjmp style.
 */

#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>
#include <asm/unwind_hints.h>

#include "x86.h"

	.text

/* int torpor_arch_save_context(void) */
SYM_FUNC_START(torpor_arch_save_context)
	leaq	torpor_arch_ctx(%rip), %rax
	movq	%rbx, TORPOR_CTX_RBX(%rax)
	movq	%rbp, TORPOR_CTX_RBP(%rax)
	movq	%r12, TORPOR_CTX_R12(%rax)
	movq	%r13, TORPOR_CTX_R13(%rax)
	movq	%r14, TORPOR_CTX_R14(%rax)
	movq	%r15, TORPOR_CTX_R15(%rax)
	/*
	 * The return address is kept apart from the stack: the caller's next
	 * call overwrites its slot before the snapshot is taken.
	 */
	movq	(%rsp), %rdx
	movq	%rdx, TORPOR_CTX_RIP(%rax)
	leaq	8(%rsp), %rdx
	movq	%rdx, TORPOR_CTX_RSP(%rax)
	pushfq
	popq	TORPOR_CTX_RFLAGS(%rax)
	xorl	%eax, %eax
	RET
SYM_FUNC_END(torpor_arch_save_context)

/*
 * The restore trampoline maps only this page: the landing code starts it,
 * is far smaller, and touches nothing else before %cr3 is switched.
 */
	.balign	PAGE_SIZE, 0xcc
SYM_CODE_START(torpor_arch_landing)
	UNWIND_HINT_ENTRY
	/* Reached by an indirect jump, though with CET off (trampoline.S). */
	ENDBR
	movq	%rdi, %cr3

	/* Toggling PGE drops the boot kernel's global TLB entries too. */
	movq	%cr4, %rax
	movq	%rax, %rcx
	andq	$~X86_CR4_PGE, %rcx
	movq	%rcx, %cr4
	movq	%rax, %cr4

	leaq	torpor_arch_ctx(%rip), %rax
	movq	%rsi, TORPOR_CTX_BOOT_LOAD(%rax)
	movq	%rdx, TORPOR_CTX_BOOT_RESTORE(%rax)
	movq	%r10, TORPOR_CTX_BOOT_SEED(%rax)
	movq	%r11, TORPOR_CTX_BOOT_SEED + 8(%rax)
	movq	%r9, TORPOR_CTX_BOOT_VERIFY(%rax)
	/*
	 * The writable GDT alias: restore_processor_state() reloads TR,
	 * which marks the TSS descriptor busy in the GDT in use.
	 */
	lgdt	TORPOR_CTX_GDT(%rax)

	movq	TORPOR_CTX_RSP(%rax), %rsp
	pushq	TORPOR_CTX_RIP(%rax)
	movq	TORPOR_CTX_RBX(%rax), %rbx
	movq	TORPOR_CTX_RBP(%rax), %rbp
	movq	TORPOR_CTX_R12(%rax), %r12
	movq	TORPOR_CTX_R13(%rax), %r13
	movq	TORPOR_CTX_R14(%rax), %r14
	movq	TORPOR_CTX_R15(%rax), %r15
	pushq	TORPOR_CTX_RFLAGS(%rax)
	popfq
	movl	$1, %eax
	/* A return, not an indirect jump: no ENDBR where it lands. */
	RET
SYM_CODE_END(torpor_arch_landing)
