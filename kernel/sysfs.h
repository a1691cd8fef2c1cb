/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TORPOR_SYSFS_H
#define _TORPOR_SYSFS_H

int torpor_sysfs_init(void);
void torpor_sysfs_uninit(void);

#endif /* _TORPOR_SYSFS_H */
