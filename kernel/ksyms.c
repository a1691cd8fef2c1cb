// SPDX-License-Identifier: GPL-2.0
/*
 * The names of the symbols in ksyms_list.h, for the module build: its
 * converter (tools/klp-convert) reads them from this section of the linked
 * object, checks each against the target kernel's symbol table and turns
 * every reference to one of them into a livepatch relocation.  Compiled
 * with the module's own flags, so the list is the one this kernel gets.
 * The final link discards the section.
 */
#include <linux/compiler.h>

#define TORPOR_KSYM(name) \
	static const char torpor_ksym_##name[] __used __aligned(1) \
		__section(".discard.torpor_ksyms") = #name
#include "ksyms_list.h"
