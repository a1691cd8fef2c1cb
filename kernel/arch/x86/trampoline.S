/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The last code the boot kernel runs.  It is copied into a safe page (one
 * the image does not use) and entered there through the boot kernel's
 * direct map, which the temporary page tables map at the same address.
 * It uses no stack and no data outside safe pages, because every other
 * page may be overwritten by the copy.
 *
 * In:	%rdi temporary page tables (physical)
 *	%rsi first page of the copy list (struct torpor_pbe_page, direct map)
 *	%rdx the image kernel's page tables (physical), passed on in %rdi
 *	%rcx the image's landing point, mapped by the temporary tables
 *	%r8, %r9 the load and hand-over times, passed on in %rsi and %rdx
 *
 * Out, besides: %r10 and %r11 hold the 16 bytes at torpor_trampoline_seed,
 * which the boot kernel fills in the copy with its own random bytes: fresh
 * at every boot, unlike anything in the image (a snapshot is resumed again
 * and again, see kernel/reuse.c); %r9 holds torpor_trampoline_verify, the
 * physical address of the boot kernel's list of restored frames, or 0
 * (kernel/verify.c).
 *
 * It lives in .rodata: it is only ever executed from its copy.
 *
 * IBT: torpor calls the copy through a pointer, so it starts with ENDBR (a
 * no-op, or nothing, on kernels built without IBT), as the kernel's own
 * core_restore_code does.  It leaves CR4.CET clear: the image may come
 * from a kernel built without IBT, whose landing and code up to
 * restore_processor_state() (which puts the image's own CR4 back) have no
 * endbr64.  The kexec hand-over to another kernel turns CET off likewise.
 */
#include <linux/linkage.h>
#include <asm/ibt.h>
#include <asm/page_types.h>
#include <asm/processor-flags.h>

	.section .rodata, "a"
	.balign 16
SYM_DATA_START(torpor_trampoline)
	ENDBR
	/* The copy loop below leaves %r12-%r15 alone. */
	movq	%rdx, %r12
	movq	%rcx, %r13
	movq	%r8, %r14
	movq	%r9, %r15
	movq	%rdi, %cr3

	/*
	 * The boot kernel's global entries would survive the CR3 switch:
	 * PGE off and on again flushes them.  CET stays off.
	 */
	movq	%cr4, %rax
	andq	$~X86_CR4_CET, %rax
	movq	%rax, %rcx
	andq	$~X86_CR4_PGE, %rcx
	movq	%rcx, %cr4
	movq	%rax, %cr4

	cld
	movq	%rsi, %r10
.Lpage:
	testq	%r10, %r10
	jz	.Lland
	movq	8(%r10), %r11		/* pairs in this page */
	leaq	16(%r10), %rdx
.Lpair:
	testq	%r11, %r11
	jz	.Lnext_page
	movq	(%rdx), %rsi
	movq	8(%rdx), %rdi
	movl	$(PAGE_SIZE / 8), %ecx
	testq	%rsi, %rsi
	jz	.Lzero
	rep movsq
	jmp	.Lnext_pair
.Lzero:
	xorl	%eax, %eax
	rep stosq
.Lnext_pair:
	addq	$16, %rdx
	decq	%r11
	jmp	.Lpair
.Lnext_page:
	movq	(%r10), %r10
	jmp	.Lpage

.Lland:
	movq	%r12, %rdi
	movq	%r14, %rsi
	movq	%r15, %rdx
	movq	torpor_trampoline_seed(%rip), %r10
	movq	torpor_trampoline_seed + 8(%rip), %r11
	movq	torpor_trampoline_verify(%rip), %r9
	jmp	*%r13

	.balign 8
	.globl	torpor_trampoline_seed
torpor_trampoline_seed:
	.quad	0, 0
	.globl	torpor_trampoline_verify
torpor_trampoline_verify:
	.quad	0
SYM_DATA_END_LABEL(torpor_trampoline, SYM_L_GLOBAL, torpor_trampoline_end)

