/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-private values that torpor copies, each declared once, next to
 * the copy, with TORPOR_KABI_ENUM().  The build checks every one against
 * the target kernel's BTF before torpor.ko is linked (tools/btf/btfcheck,
 * run from Kbuild), and fails naming the value that differs.
 *
 * The declarations are records in a .discard section: they are in
 * torpor.o for the check, and the module linker script drops them from
 * torpor.ko.
 */
#ifndef _TORPOR_KABI_H
#define _TORPOR_KABI_H

#include <linux/compiler.h>
#include <linux/types.h>

/* Read by tools/btf/btfcheck.c: keep the two in step. */
struct torpor_kabi {
	s64 value;		/* torpor's copy */
	char group[24];		/* the enumerators of one kernel enum */
	char kernel[48];	/* the kernel's enumerator */
	char torpor[56];	/* torpor's name for it */
};

/*
 * TORPOR_KABI_ENUM(group, ENUMERATOR, copy): the kernel's enumerator
 * ENUMERATOR equals @copy.  The enumerators of a group must all be in one
 * enum of the kernel, which tells apart private enums that reuse a name.
 */
#define TORPOR_KABI_ENUM(grp, name, copy)				\
	static const struct torpor_kabi __UNIQUE_ID(torpor_kabi)	\
	__used __section(".discard.torpor_kabi") __aligned(8) = {	\
		.value = (copy), .group = #grp,				\
		.kernel = #name, .torpor = #copy,			\
	}

#endif /* _TORPOR_KABI_H */
