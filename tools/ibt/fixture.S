/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An object for tools/ibt/selftest: every pattern ibtcheck accepts and,
 * unless CLEAN is defined, one of each it must report (a missing
 * ANNOTATE_NOENDBR among them).  The kernel functions named here are
 * sealed in Debian's 6.12.
 */
	.text
	.globl	good_fn
	.type	good_fn, @function
good_fn:
	endbr64
	call	freeze_processes	/* direct calls and jumps: fine */
	testl	%eax, %eax
	jne	thaw_processes
	leaq	good_fn(%rip), %rax	/* address of an endbr64 */
	leaq	1f(%rip), %rax		/* inside its own function */
1:	jmp	dpm_resume
	.size	good_fn, . - good_fn

	.type	landing, @function
landing:				/* a return lands here, no endbr64 */
	nop
	ret
	.size	landing, . - landing

	.type	bad_target, @function
bad_target:
	nop
	ret
	.size	bad_target, . - bad_target

	.type	bad_fn, @function
bad_fn:
	endbr64
#ifndef CLEAN
	leaq	dpm_suspend(%rip), %rax	/* a sealed function's address */
	call	kallsyms_lookup_name	/* a run-time lookup */
	leaq	bad_target(%rip), %rax	/* a target without endbr64 */
#endif
	leaq	landing(%rip), %rax	/* annotated below, if CLEAN */
	ret
	.size	bad_fn, . - bad_fn

#ifdef CLEAN
	.pushsection .discard.noendbr
	.long	landing
	.popsection
#endif

	.data
	.quad	good_fn
#ifndef CLEAN
	.quad	freeze_processes
	.quad	bad_target + 1
#endif
