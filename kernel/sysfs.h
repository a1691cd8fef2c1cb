/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TORPOR_SYSFS_H
#define _TORPOR_SYSFS_H

#include <linux/types.h>

int torpor_sysfs_init(void);
void torpor_sysfs_uninit(void);
void torpor_sysfs_snapshot_resumed(u32 resumes);

#endif /* _TORPOR_SYSFS_H */
