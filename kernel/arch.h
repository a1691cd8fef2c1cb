/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture interface: what generic code calls to save the CPU
 * context a restored image returns through, to record what a restore
 * needs, and to hand the machine over to a loaded image.  Implemented in
 * kernel/arch/x86/, whose header gives the types.
 */
#ifndef _TORPOR_ARCH_H
#define _TORPOR_ARCH_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "arch/x86/x86.h"
#include "ram.h"

struct torpor_place;

/* Hibernation: arch/x86/arch.c and context.S. */

/* Also where the landing leaves the boot kernel's times. */
extern struct torpor_arch_context torpor_arch_ctx;

/*
 * Saves the context and returns 0.  Returns a second time, with 1, when
 * the restore trampoline enters torpor_arch_landing in the restored image.
 * Nothing between the two returns may use per-CPU data: the GS base is
 * the boot kernel's until restore_processor_state().
 */
__attribute__((__returns_twice__)) int torpor_arch_save_context(void);

void torpor_arch_prepare(struct torpor_arch_x86_64 *arch);
void torpor_arch_restored(void);

/* The firmware's RAM ranges, ascending: arch/x86/arch.c. */
void torpor_arch_firmware_ram_walk(torpor_ram_range_fn fn, void *arg);

/* Resume: arch/x86/restore.c. */
int torpor_arch_restore_check(const struct torpor_arch_x86_64 *arch);
int torpor_arch_restore_prepare(const struct torpor_arch_x86_64 *arch,
				struct torpor_place *pl);
int torpor_arch_restore_jump(void);

#endif /* _TORPOR_ARCH_H */
