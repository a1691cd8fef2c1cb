/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's symbol table, decoded from the kallsyms tables in the
 * .rodata of a vmlinux without symbols (Debian ships no System.map), and
 * its seal list (.ibt_endbr_seal).
 */
#ifndef TORPOR_KALLSYMS_H
#define TORPOR_KALLSYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "kelf.h"

struct ksym {
	const char *name;
	uint64_t addr;
	char type;		/* as in /proc/kallsyms: t, T, d, ... */
};

struct kernel {
	struct ksym *syms;	/* in kallsyms order, by address (sympos counts in it) */
	unsigned int nsyms;
	struct ksym **by_name;	/* sorted by name, then kallsyms order */
	uint64_t *sealed;	/* sorted addresses of sealed endbr64s */
	unsigned int nsealed;
	bool ibt;		/* vmlinux has .ibt_endbr_seal */
};

int kernel_load(struct kernel *k, const struct kelf *vmlinux);

/*
 * The symbol @name (@pos-th of that name, 1-based, in kallsyms order; 0
 * when the name must be unique), or NULL.  *@count gets how many symbols
 * have that name.
 */
const struct ksym *kernel_lookup(const struct kernel *k, const char *name,
				 unsigned long pos, unsigned int *count);

/*
 * The symbol @addr is in: the first, in kallsyms order, of the symbols at
 * the highest address not above it, or NULL; *@count gets how many symbols
 * are at that address.
 */
const struct ksym *kernel_at(const struct kernel *k, uint64_t addr,
			     unsigned int *count);

bool kernel_sealed(const struct kernel *k, uint64_t addr);

/* Some text symbol called @name is sealed. */
bool kernel_name_sealed(const struct kernel *k, const char *name);

#endif /* TORPOR_KALLSYMS_H */
