/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resume from a torpor image at boot.
 */
#ifndef _TORPOR_RESUME_H
#define _TORPOR_RESUME_H

#include <linux/types.h>

int torpor_resume(dev_t dev, sector_t offset);
int torpor_resume_test(void);

#endif /* _TORPOR_RESUME_H */
