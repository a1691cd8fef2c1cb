/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Handing the machine over to the loaded image: stop the boot kernel like
 * a hibernation would, then let the architecture code copy the remaining
 * pages home and jump into the image kernel.
 */
#ifndef _TORPOR_RESTORE_H
#define _TORPOR_RESTORE_H

#include <linux/types.h>

#include "torpor_image.h"

struct torpor_place;

int torpor_restore(bool platform);
int torpor_restore_frozen(bool platform);

/* kernel/arch/x86/restore.c */
int torpor_arch_restore_check(const struct torpor_arch_x86_64 *arch);
int torpor_arch_restore_prepare(const struct torpor_arch_x86_64 *arch,
				struct torpor_place *pl);
int torpor_arch_restore_jump(void);

#endif /* _TORPOR_RESTORE_H */
