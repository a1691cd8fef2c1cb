/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Handing the machine over to the loaded image: stop the boot kernel like
 * a hibernation would, then let the architecture code copy the remaining
 * pages home and jump into the image kernel.
 */
#ifndef _TORPOR_RESTORE_H
#define _TORPOR_RESTORE_H

#include <linux/types.h>

int torpor_restore(bool platform);
int torpor_restore_frozen(bool platform);

#endif /* _TORPOR_RESTORE_H */
