/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hibernation sequence.
 */
#ifndef _TORPOR_HIBERNATE_H
#define _TORPOR_HIBERNATE_H

int torpor_hibernate(void);

#endif /* _TORPOR_HIBERNATE_H */
