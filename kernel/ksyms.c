// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols of ksyms_list.h, for the module build and at load.
 *
 * The build's converter (tools/klp-convert) reads their names from the
 * sections .discard.torpor_ksyms and .discard.torpor_ksyms_by_name of the
 * linked object, checks each against the target kernel's symbol table and
 * turns every reference to one into a livepatch relocation: one that names
 * the symbol, or, for a TORPOR_KSYM(), one against _text plus the distance
 * between the two in that table.  The loader's cost is one walk of the
 * kernel's symbol table per relocation, up to the symbol it names (on 6.1),
 * and _text comes early in it.  The distance only holds for the kernel
 * build the table came from, so torpor_ksyms_check() proves it, symbol by
 * symbol, before anything reaches one.  Compiled with the module's own
 * flags, so the list is the one this kernel gets; the final link discards
 * the name sections.
 */
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/utsname.h>

#include "ksyms.h"

/* The names, NUL-separated, one list for each way of binding. */
#define TORPOR_KSYM(name)		#name "\0"
#define TORPOR_KSYM_BY_NAME(name)
static const char torpor_ksym_names[] __used
	__section(".discard.torpor_ksyms") = {
#include "ksyms_list.h"
};
#undef TORPOR_KSYM
#undef TORPOR_KSYM_BY_NAME

#define TORPOR_KSYM(name)
#define TORPOR_KSYM_BY_NAME(name)	#name "\0"
static const char torpor_ksym_names_by_name[] __used
	__section(".discard.torpor_ksyms_by_name") = {
#include "ksyms_list.h"
};
#undef TORPOR_KSYM
#undef TORPOR_KSYM_BY_NAME

struct torpor_ksym {
	unsigned long addr;
	const char *name;
};

/*
 * Every TORPOR_KSYM(), where the loader put it (one not declared in ksyms.h
 * fails the build here).  The addresses are only compared, never called:
 * tools/ibt/ibtcheck knows this section by name.
 */
#define TORPOR_KSYM(name)		{ (unsigned long)&name, #name },
#define TORPOR_KSYM_BY_NAME(name)
static const struct torpor_ksym torpor_ksyms[]
	__section(".init.rodata.torpor_ksyms") = {
#include "ksyms_list.h"
};
#undef TORPOR_KSYM
#undef TORPOR_KSYM_BY_NAME

/* The kernel's own symbol table, asked by address, names @ks at offset 0. */
static bool __init torpor_ksym_in_place(const struct torpor_ksym *ks)
{
	char found[KSYM_SYMBOL_LEN];
	size_t len = strlen(ks->name);

	sprint_symbol(found, ks->addr);
	return !strncmp(found, ks->name, len) && str_has_prefix(found + len, "+0x0/");
}

int __init torpor_ksyms_check(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(torpor_ksyms); i++) {
		if (torpor_ksym_in_place(&torpor_ksyms[i]))
			continue;
		pr_err("kernel symbol %s is not where the build found it: this torpor.ko was built for another build of %s; build it against the running kernel\n",
		       torpor_ksyms[i].name, init_utsname()->release);
		return -ENOEXEC;
	}
	return 0;
}
